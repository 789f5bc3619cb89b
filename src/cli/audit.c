/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * husk audit [--bundle DIR | FILE | -] [--format text|json] [--fail-on SEVERITY]
 *
 * Lint a config.json for hardening (src/spec/audit*.c) and print the
 * findings.  Exit status, as linters have it: 0 when nothing at or above
 * --fail-on (default high) was found, 1 when something was, 2 when the
 * config could not be read or parsed or the command line is wrong.  So
 * that 2 can be told from 1, this verb reports its own errors (once, like
 * main would) instead of returning them.
 *
 * The audit itself is pure logic over the config; whether this husk would
 * enforce the config's limits (A031-A033) is the one thing about the host
 * it is told, and this verb finds it out from the cgroup code, for the
 * same --systemd-cgroup and --rootless a run would have.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "husk/audit.h"
#include "husk/cgroup.h"
#include "husk/log.h"
#include "husk/util.h"

#define AUDIT_EXIT_FINDINGS 1
#define AUDIT_EXIT_ERROR 2

static const char audit_synopsis[] = "[--bundle DIR | FILE | -]";
static const char audit_description[] =
	"Check a config.json for weak hardening: root without a user namespace, extra\n"
	"capabilities, no seccomp, writable root or /proc/sys, host namespaces and\n"
	"mounts, missing limits ...  FILE is any config.json (\"-\" reads standard input);\n"
	"the default is the bundle's.  Exit status: 0 when nothing at or above\n"
	"--fail-on was found, 1 when something was, 2 on errors.  See husk-audit(8).";

struct audit_opts {
	const char *bundle;
	const char *format;         /* "text" (default) | "json" */
	const char *fail_on;        /* severity name, default "high" */
};

static int audit_print(const struct audit_report *rep, const char *source, bool json,
		       enum audit_severity fail_on, struct husk_error *err)
{
	_cleanup_free_ char *out = NULL;
	size_t len;
	int r;

	if (json) {
		r = audit_report_json(rep, source, fail_on, &out, err);
		if (r < 0)
			return r;
	} else {
		out = audit_report_text(rep, source, fail_on);
	}
	len = strlen(out);
	if (fwrite(out, 1, len, stdout) != len || fflush(stdout) != 0)
		return husk_error_set(err, EIO, "write to stdout");
	return 0;
}

static int audit_run(const struct global_opts *g, const struct audit_opts *o,
		     const struct opt_result *args, struct husk_error *err)
{
	_cleanup_spec_ struct husk_spec *spec = NULL;
	_cleanup_free_ char *source = NULL, *unenforced = NULL;
	enum audit_severity fail_on = AUDIT_HIGH;
	struct audit_report rep;
	bool json = false;
	int r;

	r = opts_expect_args(args, 0, 1, "audit", audit_synopsis, err);
	if (r < 0)
		return r;
	if (o->format && strcmp(o->format, "json") == 0)
		json = true;
	else if (o->format && strcmp(o->format, "text") != 0)
		return husk_error_setq(err, EINVAL, "--format \"%s\": use text or json", o->format);
	if (o->fail_on && audit_severity_parse(o->fail_on, &fail_on, err) < 0)
		return husk_error_prefix(err, "--fail-on");
	r = audit_load(o->bundle, args->n_args ? args->args[0] : NULL, &source, &spec, err);
	if (r < 0)
		return r;
	unenforced = cgroup_limits_unavailable(g->systemd_cgroup);
	audit_spec_on(spec, &(struct audit_host){ .limits_unenforced = unenforced }, &rep);
	r = audit_print(&rep, source, json, fail_on, err);
	if (r == 0)
		r = audit_fails(&rep, fail_on) ? AUDIT_EXIT_FINDINGS : 0;
	audit_report_free(&rep);
	return r;
}

int cmd_audit(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	struct audit_opts o = { 0 };
	const struct opt_def defs[] = {
		OPT_S("bundle", "b", &o.bundle, "DIR", "audit DIR/config.json (default: .)"),
		OPT_S("format", "f", &o.format, "FORMAT", "text (default) or json"),
		OPT_S("fail-on", NULL, &o.fail_on, "SEVERITY",
		      "exit 1 on a finding this severe or worse: low, medium, high (default), "
		      "critical"),
	};
	struct opt_result args;
	int r;

	r = opts_parse(defs, ARRAY_SIZE(defs), argc, argv, 0, &args, err);
	if (r == 0 && args.help) {
		cli_print_verb_help("audit", audit_synopsis, audit_description, defs,
				    ARRAY_SIZE(defs));
		opt_result_free(&args);
		return 0;
	}
	if (r == 0) {
		r = audit_run(g, &o, &args, err);
		opt_result_free(&args);
	}
	if (r < 0) {
		log_husk_error(err);
		return AUDIT_EXIT_ERROR;
	}
	return r;
}
