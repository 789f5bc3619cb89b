/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_TEST_CGROUP_PLAN_H
#define HUSK_TEST_CGROUP_PLAN_H

/*
 * Helpers for the cgroup_plan tests: a parsed config in S, its plan in P
 * (one test per process, so file-level state is the test's own), the
 * expected writes as data, and the errors as exact messages.
 */

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cgroup/cgroup-internal.h"
#include "husk/spec.h"
#include "husk/util.h"
#include "test_spec_util.h"

#define ALL ((1u << CG_GROUP_COUNT) - 1)
#define BIT(g) (1u << (g))
#define J ".linux.resources."
#define E "config.json: .linux.resources."

static struct husk_spec *S;
static struct cg_plan P;

static inline struct husk_resources *res(void)
{
	cr_assert_not_null(S->linux_);
	cr_assert_not_null(S->linux_->resources);
	return S->linux_->resources;
}

static inline int run(int v, const struct husk_resources *r, unsigned groups, bool update,
	       struct cg_plan *p, struct husk_error *err)
{
	return v == 2 ? cg2_plan(r, groups, update, p, err) : cg1_plan(r, groups, update, p, err);
}

/* Plan the parsed config S on version v into P (freed first). */
static inline void plan_g(int v, unsigned groups, bool update)
{
	struct husk_error err = { 0 };
	int ret;

	cg_plan_free(&P);
	ret = run(v, res(), groups, update, &P, &err);
	cr_assert_eq(ret, 0, "cg%d_plan failed: %s", v, err.msg);
}

static inline void plan(int v)
{
	plan_g(v, ALL, false);
}

static inline void load(const char *text)
{
	spec_free(S);
	S = parse_ok(text);
}

static inline void done(void)
{
	cg_plan_free(&P);
	spec_free(S);
	S = NULL;
}

/* The plan as text, for failure messages. */
static inline char *dump(const struct cg_plan *p)
{
	char buf[4096];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->n && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, "[%zu] %s=\"%s\" (%s)%s%s\n", i,
				p->w[i].file, p->w[i].value, p->w[i].json_path,
				p->w[i].retry_after_next ? " retry" : "",
				p->w[i].optional ? " optional" : "");
	for (size_t i = 0; p->notes && p->notes[i] && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, "note: %s\n", p->notes[i]);
	return xstrdup(buf);
}

struct want {
	const char *file, *value, *json;
};

static inline void expect(const struct cg_plan *p, const struct want *w, size_t n)
{
	_cleanup_free_ char *d = dump(p);

	cr_assert_eq(p->n, n, "expected %zu writes, got:\n%s", n, d);
	for (size_t i = 0; i < n; i++) {
		cr_assert_str_eq(p->w[i].file, w[i].file, "write %zu:\n%s", i, d);
		cr_assert_str_eq(p->w[i].value, w[i].value, "write %zu:\n%s", i, d);
		cr_assert_str_eq(p->w[i].json_path, w[i].json, "write %zu:\n%s", i, d);
	}
}
#define EXPECT(p, ...)                                                  \
	do {                                                            \
		const struct want w_[] = { __VA_ARGS__ };               \
		expect(p, w_, ARRAY_SIZE(w_));                          \
	} while (0)
#define EXPECT_NONE(p) expect(p, NULL, 0)

static inline size_t n_notes(const struct cg_plan *p)
{
	return strv_length(p->notes);
}

static inline bool has_note(const struct cg_plan *p, const char *prefix)
{
	for (size_t i = 0; p->notes && p->notes[i]; i++)
		if (str_has_prefix(p->notes[i], prefix))
			return true;
	return false;
}

/* The plan fails with exactly this errno and message, and leaves nothing. */
static inline void fails(int v, unsigned groups, int errnum, const char *msg)
{
	struct husk_error err = { 0 };
	struct cg_plan p;
	int ret;

	ret = run(v, res(), groups, false, &p, &err);
	cr_assert_eq(ret, -errnum, "cg%d_plan returned %d (%s), expected %d", v, ret, err.msg,
		     -errnum);
	cr_assert_str_eq(err.msg, msg);
	cr_assert_eq(p.n, 0);
	cr_assert_null(p.w);
	cr_assert_null(p.notes);
}

#endif
