/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The audit's report: severity names, ordering, the pass/fail decision,
 * the text and JSON renderings, and the rule table itself.
 */
#include <yajl/yajl_tree.h>

#include "spec/audit-internal.h"
#include "test_audit_util.h"

/* A config with findings of several severities. */
static void weak_report(struct audit_report *rep)
{
	audit_cfg(&(struct cfg){ .seccomp = "", .nnp = "false", .lsm = "",
				 .caps = "'bounding':['CAP_SYS_ADMIN']" }, rep);
}

Test(audit_output, severity_names_round_trip)
{
	struct husk_error err = { 0 };
	enum audit_severity s;

	for (int i = 0; i < AUDIT_SEVERITY_COUNT; i++) {
		cr_assert_eq(audit_severity_parse(audit_severity_name(i), &s, &err), 0);
		cr_assert_eq(s, (enum audit_severity)i);
	}
	cr_assert_eq(audit_severity_parse("HIGH", &s, &err), 0);
	cr_assert_eq(s, AUDIT_HIGH);
	cr_assert_lt(audit_severity_parse("severe", &s, &err), 0);
	cr_assert_str_eq(err.msg, "severity \"severe\": use low, medium, high or critical");
}

Test(audit_output, rule_table_is_complete)
{
	size_t n;
	const struct audit_rule *rules = audit_rules(&n);

	cr_assert_eq(n, 39);
	for (size_t i = 0; i < n; i++) {
		char id[32];

		snprintf(id, sizeof(id), "HUSK-A%03zu", i + 1);
		cr_expect_str_eq(rules[i].id, id, "ids are sequential and stable");
		cr_expect(rules[i].title && rules[i].title[0], "%s: no title", id);
		cr_expect(rules[i].severity && rules[i].severity[0], "%s: no severity", id);
	}
}

Test(audit_output, sorted_most_severe_first)
{
	struct audit_report rep;

	weak_report(&rep);
	cr_assert_gt(rep.n, 3);
	for (size_t i = 1; i < rep.n; i++) {
		const struct audit_finding *a = &rep.findings[i - 1], *b = &rep.findings[i];

		cr_assert(a->severity > b->severity ||
			  (a->severity == b->severity && strcmp(a->rule->id, b->rule->id) <= 0),
			  "finding %zu (%s %s) is out of order", i, b->rule->id,
			  audit_severity_name(b->severity));
	}
	audit_report_free(&rep);
}

Test(audit_output, fails_at_threshold)
{
	struct audit_report rep;

	/* A015 (low) alone. */
	audit_cfg(&(struct cfg){ .lsm = "" }, &rep);
	cr_assert(audit_fails(&rep, AUDIT_LOW));
	cr_assert_not(audit_fails(&rep, AUDIT_MEDIUM));
	cr_assert_not(audit_fails(&rep, AUDIT_HIGH));
	cr_assert_eq(rep.count[AUDIT_LOW], 1);
	audit_report_free(&rep);

	weak_report(&rep);
	cr_assert(audit_fails(&rep, AUDIT_HIGH));
	cr_assert_not(audit_fails(&rep, AUDIT_CRITICAL), "SYS_ADMIN in a user namespace: high");
	audit_report_free(&rep);
}

Test(audit_output, text_blocks_and_summary)
{
	struct audit_report rep;
	_cleanup_free_ char *text = NULL;
	const char *summary;

	weak_report(&rep);
	text = audit_report_text(&rep, "b/config.json", AUDIT_HIGH);
	/* The most severe block first: its header line. */
	cr_assert(str_has_prefix(text, "HIGH      HUSK-A004  .process.capabilities\n"), "%s", text);
	cr_assert(strstr(text, "\n    fix: "), "%s", text);
	cr_assert(strstr(text, "\n    see: CIS Docker 5.22; Pod Security restricted: Seccomp\n"),
		  "%s", text);
	summary = strstr(text, "b/config.json: ");
	cr_assert_not_null(summary);
	cr_assert_str_eq(summary, "b/config.json: 5 findings (0 critical, 3 high, 1 medium, "
			 "1 low); fails at --fail-on high\n");
	/* The blocks are wrapped at 80 columns (the summary is one line, however long). */
	for (const char *line = text; line < summary;) {
		size_t len = strcspn(line, "\n");

		cr_assert_leq(len, 80, "long line: %.*s", (int)len, line);
		line += len + (line[len] == '\n');
	}
	audit_report_free(&rep);
}

Test(audit_output, text_when_clean)
{
	struct audit_report rep;
	_cleanup_free_ char *text = NULL;

	audit_cfg(&(struct cfg){ 0 }, &rep);
	text = audit_report_text(&rep, "config.json", AUDIT_LOW);
	cr_assert_str_eq(text, "config.json: no findings; passes at --fail-on low\n");
	audit_report_free(&rep);
}

/* Member `key` of object v with type t, or NULL. */
static yajl_val jget(yajl_val v, const char *key, yajl_type t)
{
	const char *path[] = { key, NULL };

	return yajl_tree_get(v, path, t);
}

Test(audit_output, json_shape)
{
	static const char *const keys[] = { "id", "severity", "path", "title", "message", "fix" };
	struct audit_report rep;
	_cleanup_free_ char *json = NULL;
	struct husk_error err = { 0 };
	char ebuf[256];
	yajl_val v, f, sum;

	weak_report(&rep);
	cr_assert_eq(audit_report_json(&rep, "cfg.json", AUDIT_MEDIUM, &json, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(json[strlen(json) - 1], '\n');
	v = yajl_tree_parse(json, ebuf, sizeof(ebuf));
	cr_assert_not_null(v, "%s", ebuf);
	cr_assert_str_eq(YAJL_GET_STRING(jget(v, "source", yajl_t_string)), "cfg.json");
	f = jget(v, "findings", yajl_t_array);
	cr_assert_not_null(f);
	cr_assert_eq(YAJL_GET_ARRAY(f)->len, rep.n);
	for (size_t i = 0; i < rep.n; i++) {
		yajl_val o = YAJL_GET_ARRAY(f)->values[i];

		for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
			cr_assert_not_null(jget(o, keys[k], yajl_t_string), "finding %zu: %s", i,
					   keys[k]);
		cr_assert_str_eq(YAJL_GET_STRING(jget(o, "id", yajl_t_string)),
				 rep.findings[i].rule->id);
		cr_assert_str_eq(YAJL_GET_STRING(jget(o, "severity", yajl_t_string)),
				 audit_severity_name(rep.findings[i].severity));
	}
	sum = jget(v, "summary", yajl_t_object);
	cr_assert_not_null(sum);
	cr_assert_eq(YAJL_GET_INTEGER(jget(sum, "high", yajl_t_number)),
		     (long long)rep.count[AUDIT_HIGH]);
	cr_assert_eq(YAJL_GET_INTEGER(jget(sum, "critical", yajl_t_number)), 0);
	cr_assert_eq(YAJL_GET_INTEGER(jget(sum, "total", yajl_t_number)), (long long)rep.n);
	cr_assert_str_eq(YAJL_GET_STRING(jget(sum, "failOn", yajl_t_string)), "medium");
	cr_assert(YAJL_IS_TRUE(jget(sum, "failed", yajl_t_any)));
	yajl_tree_free(v);
	audit_report_free(&rep);
}

Test(audit_output, paths_normalized_lexically)
{
	static const char *const cases[][2] = {
		{ "/", "/" }, { "//", "/" }, { "/etc/", "/etc" }, { "/a/./b//c", "/a/b/c" },
		{ "/var/run/../etc", "/var/etc" }, { "/..", "/" }, { "/a/../../b", "/b" },
		{ "rel/../x", "x" }, { "..", "." }, { "", "." },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *n = audit_normalize_path(cases[i][0]);

		cr_expect_str_eq(n, cases[i][1], "\"%s\"", cases[i][0]);
	}
}
