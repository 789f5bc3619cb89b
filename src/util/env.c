/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Environment vectors: setting many KEY=VALUE entries at once (husk exec
 * -e, repeated) in time linear in the entries, with an open-addressing
 * hash table from each KEY to its slot in the vector.  A scan of the
 * vector per entry made 40,000 -e flags take seconds.
 */
#define _GNU_SOURCE
#include <string.h>

#include "husk/util.h"

/* The KEY of "KEY=VALUE": its length (the whole string when there is no '='). */
static size_t env_key_len(const char *kv)
{
	const char *eq = strchr(kv, '=');

	return eq ? (size_t)(eq - kv) : strlen(kv);
}

/* FNV-1a over the key. */
static size_t env_key_hash(const char *kv, size_t len)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)kv[i];
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

struct env_table {
	size_t *slot;               /* index into the vector + 1; 0 is empty */
	size_t mask;                /* size - 1, size a power of two */
	char **v;                   /* the vector the indices point into */
	struct env_merge_stats *stats;
};

/*
 * The table slot for `kv`'s KEY: the one holding an entry with that KEY,
 * or the empty slot where it would go.  The table is never more than half
 * full, so the probe sequence is short and always ends.
 */
static size_t *env_table_find(struct env_table *t, const char *kv)
{
	size_t len = env_key_len(kv);
	size_t i = env_key_hash(kv, len) & t->mask;

	for (;; i = (i + 1) & t->mask) {
		size_t *s = &t->slot[i];
		const char *have;

		t->stats->probes++;
		if (*s == 0)
			return s;
		have = t->v[*s - 1];
		if (env_key_len(have) == len && memcmp(have, kv, len) == 0)
			return s;
	}
}

void env_set_all(char ***env, char *const *sets, struct env_merge_stats *stats)
{
	struct env_merge_stats ignored = { 0 };
	size_t n_env = strv_length(*env), n_sets = strv_length(sets);
	struct strv_builder b = { *env, n_env, n_env + 1, 0 };
	_cleanup_free_ size_t *slot = NULL;
	struct env_table t;
	size_t size = 16;

	if (n_sets == 0)
		return;
	while (size < 2 * (n_env + n_sets))
		size *= 2;
	slot = xcalloc(size, sizeof(*slot));
	/* Room for every set at once: the appends below never reallocate. */
	b.v = xrealloc(b.v, (n_env + n_sets + 1) * sizeof(char *));
	b.cap = n_env + n_sets + 1;
	b.v[n_env] = NULL;
	t = (struct env_table){ slot, size - 1, b.v, stats ? stats : &ignored };
	/* The first of duplicate KEYs in *env is the one a set replaces. */
	for (size_t i = 0; i < n_env; i++) {
		size_t *s = env_table_find(&t, b.v[i]);

		if (*s == 0)
			*s = i + 1;
	}
	for (size_t i = 0; i < n_sets; i++) {
		size_t *s = env_table_find(&t, sets[i]);

		if (*s != 0) {
			free(b.v[*s - 1]);
			b.v[*s - 1] = xstrdup(sets[i]);
			continue;
		}
		strv_builder_consume(&b, xstrdup(sets[i]));
		*s = b.n;
	}
	*env = b.v;
}
