/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_TEST_SPEC_UTIL_H
#define HUSK_TEST_SPEC_UTIL_H

/*
 * Helpers for the spec unit tests.  JSON is written with single quotes
 * (q() turns them into double quotes) so the test texts stay readable;
 * none of the test documents needs a real apostrophe.
 */

#include <criterion/criterion.h>
#include <string.h>

#include "husk/spec.h"
#include "husk/util.h"

#define BASE "'ociVersion':'1.2.0','root':{'path':'rootfs'}"
#define CFG(...) "{" BASE "," __VA_ARGS__ "}"
#define PROC(...) CFG("'process':{'args':['sh'],'cwd':'/'," __VA_ARGS__ "}")
#define LINUX(...) CFG("'linux':{" __VA_ARGS__ "}")
#define RES(...) LINUX("'resources':{" __VA_ARGS__ "}")
#define SECCOMP(...) LINUX("'seccomp':{" __VA_ARGS__ "}")

static inline char *q(const char *s)
{
	char *d = xstrdup(s);

	for (char *p = d; *p; p++)
		if (*p == '\'')
			*p = '"';
	return d;
}

static inline struct husk_spec *parse_ok(const char *text)
{
	_cleanup_free_ char *json = q(text);
	struct husk_error err = { 0 };
	struct husk_spec *s = NULL;
	int r = spec_parse(json, strlen(json), "config.json", &s, &err);

	cr_assert_eq(r, 0, "spec_parse failed: %s", err.msg);
	cr_assert_not_null(s);
	return s;
}

/* Parse raw bytes (no quote translation) and expect this exact message. */
static inline void raw_err(const char *json, size_t len, const char *expected)
{
	struct husk_error err = { 0 };
	struct husk_spec *s = NULL;
	int r = spec_parse(json, len, "config.json", &s, &err);

	cr_assert_lt(r, 0, "spec_parse accepted: expected \"%s\"", expected);
	cr_assert_null(s);
	cr_assert_str_eq(err.msg, expected);
}

static inline void parse_err(const char *text, const char *expected)
{
	_cleanup_free_ char *json = q(text);

	raw_err(json, strlen(json), expected);
}

/* Expect failure and a message starting with `prefix`. */
static inline void parse_err_prefix(const char *text, const char *prefix)
{
	_cleanup_free_ char *json = q(text);
	struct husk_error err = { 0 };
	struct husk_spec *s = NULL;
	int r = spec_parse(json, strlen(json), "config.json", &s, &err);

	cr_assert_lt(r, 0, "spec_parse accepted: expected \"%s...\"", prefix);
	cr_assert(str_has_prefix(err.msg, prefix), "message \"%s\" does not start with \"%s\"",
		  err.msg, prefix);
}

#endif
