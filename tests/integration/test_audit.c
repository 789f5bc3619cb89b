// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `husk audit` as a command: findings on runc's default config, none of
 * medium or above on the hardened one where husk enforces its limits (and
 * the limits named as not enforced where it does not), the JSON report,
 * standard input, and the exit status (0 clean, 1 findings at --fail-on,
 * 2 errors).
 */
#define _GNU_SOURCE
#include <libgen.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "integration/harness.h"

enum limits {
	LIMITS_ENFORCED,            /* root: A031-A033 credit a limit that is set */
	LIMITS_UNENFORCED,          /* rootless without delegation: they report it */
	LIMITS_EITHER,              /* rootless on cgroup v2: depends on where the harness runs */
};

/*
 * Whether husk, run by this test, would apply a config's cgroup limits, and
 * if not, the reason `husk audit` gives (*why, malloc'ed).  As root it
 * would.  Rootless on a cgroup v1 or hybrid host it cannot (no delegation
 * there); on cgroup v2 it can when the harness's cgroup is delegated to
 * the test user, which this test does not arrange, so either is accepted.
 */
static enum limits limits_here(struct hctx *c, char **why)
{
	struct statfs sfs;

	*why = NULL;
	if (c->mode == MODE_ROOT)
		return LIMITS_ENFORCED;
	cr_assert_eq(statfs("/sys/fs/cgroup", &sfs), 0);
	if (sfs.f_type == CGROUP2_SUPER_MAGIC)
		return LIMITS_EITHER;
	cr_assert(asprintf(why, "cgroup v1 has no delegation to uid %u", (unsigned)c->uid) > 0);
	return LIMITS_UNENFORCED;
}

/* Copy tests/unit/data/audit/<name> into the work directory; returns its path there. */
static char *fixture(struct hctx *c, const char *name)
{
	char *here = strdup(__FILE__);
	char *src = NULL;

	cr_assert(asprintf(&src, "%s/../unit/data/audit/%s", dirname(here), name) > 0);
	char *text = read_text(src);
	cr_assert(text, "fixture %s missing", src);
	char *dst = hpath(c, name);
	write_text(dst, text);
	chown_to_user(c, dst);
	free(text);
	free(src);
	free(here);
	return dst;
}

HTEST(audit, runc_default_config_has_findings)
{
	struct hres r = { 0 };
	char *file = fixture(c, "runc-spec.json");

	HUSK(c, &r, "audit", file);
	cr_assert_eq(r.code, 1, "exit %d\n%s%s", r.code, r.out, r.err);
	assert_contains(r.out, "HIGH      HUSK-A001  .process.user.uid\n");
	assert_contains(r.out, "HIGH      HUSK-A010  .linux.seccomp\n");
	assert_contains(r.out, "HUSK-A031");
	assert_contains(r.out, "runc-spec.json: 10 findings (0 critical, 2 high, 2 medium, 6 low); "
			"fails at --fail-on high\n");
	cr_assert_str_eq(r.err, "");

	/* Only critical fails: runc's default has none. */
	HUSK(c, &r, "audit", "--fail-on", "critical", file);
	cr_assert_eq(r.code, 0, "exit %d\n%s", r.code, r.err);
	assert_contains(r.out, "passes at --fail-on critical\n");
	free(file);
	hres_free(&r);
}

/*
 * The hardened config is clean at medium where husk enforces its limits
 * (its pids, memory and CPU limits are credited; the LSM, low, is left to
 * the host).  Where it does not, the three limits are findings naming the
 * field and why, the pids one medium; still clean at high.
 */
HTEST(audit, hardened_config_is_clean)
{
	struct hres r = { 0 };
	struct hcall_opts o = { .cwd = c->bundle };
	char *why = NULL;
	enum limits limits = limits_here(c, &why);

	HUSK_OPTS(c, &r, &o, "spec", "--hardened", "--memory", "512M", "--cpus", "1",
		  c->mode == MODE_ROOTLESS ? "--rootless" : "--rootless=false");
	assert_husk_ok(&r);
	HUSK(c, &r, "audit", "--bundle", c->bundle, "--fail-on", "medium");
	if (limits == LIMITS_EITHER)
		limits = strstr(r.out, " is not enforced here: ") ? LIMITS_UNENFORCED
								   : LIMITS_ENFORCED;
	assert_contains(r.out, "HUSK-A015");   /* the LSM is the host's business */
	if (limits == LIMITS_ENFORCED) {
		assert_husk_ok(&r);
		assert_contains(r.out, "config.json: 1 finding (0 critical, 0 high, 0 medium, "
				"1 low); passes at --fail-on medium\n");
		cr_assert_not(strstr(r.out, "HUSK-A031"), "%s", r.out);
	} else {
		cr_assert_eq(r.code, 1, "exit %d\n%s%s", r.code, r.out, r.err);
		assert_contains(r.out, "config.json: 4 findings (0 critical, 0 high, 1 medium, "
				"3 low); fails at --fail-on medium\n");
		assert_contains(r.out, "MEDIUM    HUSK-A031  .linux.resources.pids.limit\n"
				"    pids.limit 1000 is not enforced here: ");
		assert_contains(r.out, "LOW       HUSK-A032  .linux.resources.memory.limit\n"
				"    memory.limit 536870912 is not enforced here: ");
		assert_contains(r.out, "LOW       HUSK-A033  .linux.resources.cpu\n"
				"    .linux.resources.cpu.quota is not enforced here: ");
		assert_contains(r.out, "Delegate=yes");
	}
	if (why) {
		/* The reason, unwrapped, in the JSON report. */
		char *msg = NULL;

		HUSK(c, &r, "audit", "--format", "json", "--bundle", c->bundle);
		assert_husk_ok(&r);
		hjson v = json_parse_or_fail(r.out, "husk audit --format json");
		hjson f = json_find_by(JSON_AT(v, "findings"), "id", "HUSK-A031");

		cr_assert(f, "%s", r.out);
		cr_assert(asprintf(&msg, "pids.limit 1000 is not enforced here: %s: a fork bomb "
				   "still exhausts the host's process table", why) > 0);
		cr_assert_str_eq(json_str(JSON_AT(f, "message")), msg);
		cr_assert_str_eq(json_str(JSON_AT(f, "severity")), "medium");
		json_free(v);
		free(msg);
	}
	/* The default bundle is the current directory; clean at high either way. */
	HUSK_OPTS(c, &r, &o, "audit");
	assert_husk_ok(&r);
	HUSK_OPTS(c, &r, &o, "audit", "--fail-on", "low");
	cr_assert_eq(r.code, 1);
	free(why);
	hres_free(&r);
}

HTEST(audit, json_report)
{
	struct hres r = { 0 };
	char *file = fixture(c, "docker-privileged.json");

	HUSK(c, &r, "audit", "--format", "json", file);
	cr_assert_eq(r.code, 1);
	hjson v = json_parse_or_fail(r.out, "husk audit --format json");
	hjson findings = JSON_AT(v, "findings");
	cr_assert_gt(json_array_len(findings), 20);
	hjson first = json_array_get(findings, 0);
	cr_assert_str_eq(json_str(JSON_AT(first, "severity")), "critical");
	cr_assert(json_str(JSON_AT(first, "id")) && json_str(JSON_AT(first, "path")) &&
		  json_str(JSON_AT(first, "message")) && json_str(JSON_AT(first, "fix")));
	cr_assert(json_find_by(findings, "id", "HUSK-A026"), "docker.sock not reported");
	cr_assert_eq(json_int(JSON_AT(v, "summary", "total")),
		     (long long)json_array_len(findings));
	cr_assert(json_is_true(JSON_AT(v, "summary", "failed")));
	cr_assert_str_eq(json_str(JSON_AT(v, "summary", "failOn")), "high");
	json_free(v);
	free(file);
	hres_free(&r);
}

HTEST(audit, reads_standard_input)
{
	struct hres r = { 0 };
	char *file = fixture(c, "podman-rootless.json");
	char *cmd = NULL;

	char *why = NULL;
	enum limits limits = limits_here(c, &why);

	cr_assert(asprintf(&cmd, "%s audit --fail-on medium - < %s", getenv("HUSK_BIN"), file) > 0);
	run_as_user(c, &r, ARGS("/bin/sh", "-c", cmd));
	cr_assert_eq(r.code, 1, "exit %d\n%s", r.code, r.err);
	if (limits == LIMITS_EITHER)
		limits = strstr(r.out, " is not enforced here: ") ? LIMITS_UNENFORCED
								   : LIMITS_ENFORCED;
	/* podman's pids limit: credited, or A031 where husk would not apply it. */
	assert_contains(r.out, limits == LIMITS_ENFORCED ? "<stdin>: 10 findings"
							 : "<stdin>: 11 findings");
	free(why);
	free(cmd);
	free(file);
	hres_free(&r);
}

HTEST(audit, errors_exit_2)
{
	struct hres r = { 0 };
	char *bad = hpath(c, "bad.json");
	char *file = fixture(c, "runc-spec.json");

	HUSK(c, &r, "audit", "--format", "yaml", file);
	cr_assert_eq(r.code, 2);
	assert_contains(r.err, "husk: --format \"yaml\": use text or json");
	HUSK(c, &r, "audit", "--fail-on", "severe", file);
	cr_assert_eq(r.code, 2);
	HUSK(c, &r, "audit", "--bundle", c->bundle, file);
	cr_assert_eq(r.code, 2);
	assert_contains(r.err, "either --bundle DIR or FILE");
	HUSK(c, &r, "audit", "--bundle", c->work);
	cr_assert_eq(r.code, 2);
	assert_contains(r.err, "config.json: No such file or directory");
	write_text(bad, "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": 7}}");
	chown_to_user(c, bad);
	HUSK(c, &r, "audit", bad);
	cr_assert_eq(r.code, 2);
	assert_contains(r.err, "bad.json: .root.path: expected a string");
	cr_assert_str_eq(r.out, "");
	free(bad);
	free(file);
	hres_free(&r);
}
