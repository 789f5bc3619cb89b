/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/util/env.c (env_set_all, what `husk exec -e` uses) and the string
 * vector builder: the semantics of a merge, and that both stay linear.
 * Linearity is checked by counting steps (hash probes, reallocations),
 * never by timing: a quadratic merge of 40,000 entries takes ~10^9 probes.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "husk/util.h"

static char **vec(const char *const *in)
{
	char **v = NULL;

	for (size_t i = 0; in[i]; i++)
		strv_push(&v, in[i]);
	return v;
}

#define VEC(...) vec((const char *const[]){ __VA_ARGS__, NULL })

static void assert_vec(char **v, const char *const *want)
{
	size_t n = 0;

	for (; want[n]; n++) {
		cr_assert(v && v[n], "entry %zu missing, want \"%s\"", n, want[n]);
		cr_assert_str_eq(v[n], want[n], "entry %zu", n);
	}
	cr_assert_null(v ? v[n] : NULL, "extra entry %zu: \"%s\"", n, v[n]);
}

#define ASSERT_VEC(v, ...) assert_vec((v), (const char *const[]){ __VA_ARGS__, NULL })

/* A set replaces the container's value in place; new keys go last, in order. */
Test(util_env, replaces_in_place_and_appends_new_keys)
{
	char **env = VEC("PATH=/bin", "HOME=/root", "TERM=xterm");
	char **sets = VEC("HOME=/home/u", "NEW=1", "OTHER=2");

	env_set_all(&env, sets, NULL);
	ASSERT_VEC(env, "PATH=/bin", "HOME=/home/u", "TERM=xterm", "NEW=1", "OTHER=2");
	strv_free(env);
	strv_free(sets);
}

/* Among sets of one key the last wins, at the place of the first. */
Test(util_env, last_set_of_a_key_wins)
{
	char **env = VEC("A=0");
	char **sets = VEC("B=1", "A=1", "B=2", "C=1", "A=2", "B=3");

	env_set_all(&env, sets, NULL);
	ASSERT_VEC(env, "A=2", "B=3", "C=1");
	strv_free(env);
	strv_free(sets);
}

/* Keys are compared whole: "A" is not "AB", "A=" sets an empty value. */
Test(util_env, keys_are_compared_whole)
{
	char **env = VEC("AB=1", "A=2", "ABC=3");
	char **sets = VEC("A=", "AB=x");

	env_set_all(&env, sets, NULL);
	ASSERT_VEC(env, "AB=x", "A=", "ABC=3");
	strv_free(env);
	strv_free(sets);
}

/* Duplicates already in the env stay; a set replaces the first of them. */
Test(util_env, first_duplicate_of_the_env_is_replaced)
{
	char **env = VEC("X=1", "Y=1", "X=2");
	char **sets = VEC("X=3");

	env_set_all(&env, sets, NULL);
	ASSERT_VEC(env, "X=3", "Y=1", "X=2");
	strv_free(env);
	strv_free(sets);
}

Test(util_env, empty_env_and_no_sets)
{
	char **env = NULL;
	char **sets = VEC("A=1", "A=2");
	char **none = NULL;

	env_set_all(&env, none, NULL);
	cr_assert_null(env);
	env_set_all(&env, sets, NULL);
	ASSERT_VEC(env, "A=2");
	strv_free(env);
	strv_free(sets);
}

/*
 * 40,000 sets (half of them repeating a key, some hitting the env) into an
 * env of 1,000: the merge looks at a few table slots per entry.  A scan
 * per set, as before, makes ~10^9 comparisons.
 */
Test(util_env, many_sets_stay_linear)
{
	enum { N_ENV = 1000, N_SETS = 40000 };
	struct strv_builder eb = { 0 }, sb = { 0 };
	struct env_merge_stats st = { 0 };

	for (int i = 0; i < N_ENV; i++)
		strv_builder_consume(&eb, xasprintf("E%d=env", i));
	for (int i = 0; i < N_SETS; i++) {
		int key = i % (N_SETS / 2);

		strv_builder_consume(&sb, xasprintf("%s%d=%d", key % 40 == 0 ? "E" : "K",
						    key % 40 == 0 ? key / 40 : key, i));
	}
	env_set_all(&eb.v, sb.v, &st);
	cr_assert_leq(st.probes, 4 * (size_t)(N_ENV + N_SETS),
		      "%zu probes for %d entries: not linear", st.probes, N_ENV + N_SETS);
	/* E0..E499 were set (last value wins), K keys appended once each. */
	cr_assert_eq(strv_length(eb.v), (size_t)(N_ENV + N_SETS / 2 - N_SETS / 2 / 40));
	cr_assert_str_eq(eb.v[0], "E0=20000");
	cr_assert_str_eq(eb.v[1], "E1=20040");
	cr_assert_str_eq(eb.v[N_ENV - 1], "E999=env");
	cr_assert_str_eq(eb.v[N_ENV], "K1=20001");
	strv_free(eb.v);
	strv_free(sb.v);
}

/* The builder doubles: n appends, O(log n) reallocations, always NULL-terminated. */
Test(util_env, builder_grows_geometrically)
{
	struct strv_builder b = { 0 };

	for (int i = 0; i < 100000; i++) {
		strv_builder_consume(&b, xasprintf("%d", i));
		cr_assert_null(b.v[b.n]);
	}
	cr_assert_eq(b.n, 100000);
	cr_assert_eq(strv_length(b.v), 100000);
	cr_assert_leq(b.grows, 20, "%zu reallocations for 100000 appends", b.grows);
	cr_assert_str_eq(b.v[99999], "99999");
	strv_free(b.v);
}

/* strv_join: the one way lists become "a, b, c" (notices, debug notes, audit). */
Test(util_strv, join)
{
	char **v = vec((const char *const[]){ "a", "bc", "d", NULL });
	char *s = strv_join(v, ", ");

	cr_assert_str_eq(s, "a, bc, d");
	free(s);
	s = strv_join(NULL, ", ");
	cr_assert_str_eq(s, "");
	free(s);
	strv_free(v);
}
