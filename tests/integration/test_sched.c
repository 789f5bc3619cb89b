/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * .process.scheduler, .process.ioPriority, .process.execCPUAffinity and
 * .linux.personality reach the workload: each observed from inside.
 * Only settings an unprivileged process may make are used, so both modes
 * assert the same values; the refusal of a privileged one is tested too.
 */
#include "harness.h"
#include "husk/util.h"

/* Run `script` with `key` of .process set to `json` (or, with lx, of .linux). */
static void run_with(struct hctx *c, struct hres *r, bool lx, const char *key, const char *json,
		     const char *script)
{
	char *text = bundle_config_text(c, &(struct bundle_cfg){
		.args = ARGS("sh", "-c", script) });
	char *path = hpath(c, "bundle/config.json");
	char *anchor = lx ? strstr(text, "\"linux\": {") : strstr(text, "\"process\": {");
	char *edited;

	cr_assert_not_null(anchor);
	anchor = strchr(anchor, '{') + 1;
	edited = xasprintf("%.*s \"%s\": %s,%s", (int)(anchor - text), text, key, json, anchor);
	bundle_make_rootfs(c);
	write_text(path, edited);
	chown_to_user(c, path);
	HUSK(c, r, "run", "--bundle", c->bundle, hctx_new_id(c));
	free(text);
	free(edited);
	free(path);
}

HTEST(sched, scheduler_policy_and_nice)
{
	struct hres r = { 0 };

	/* Fields 19 (nice) and 41 (policy) of /proc/self/stat; SCHED_BATCH is 3. */
	run_with(c, &r, false, "scheduler", "{\"policy\": \"SCHED_BATCH\", \"nice\": 7}",
		 "cut -d' ' -f19,41 /proc/self/stat");
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "7 3\n");
	hres_free(&r);
}

HTEST(sched, realtime_policy_needs_privilege)
{
	struct hres r = { 0 };

	run_with(c, &r, false, "scheduler", "{\"policy\": \"SCHED_FIFO\", \"priority\": 10}", "true");
	if (c->mode == MODE_ROOT && r.code == 0) {
		hres_free(&r);
		return; /* real root may; the rootless half is the point */
	}
	cr_assert_neq(r.code, 0);
	cr_assert(strstr(r.err, ".process.scheduler") != NULL, "stderr: %s", r.err);
	assert_nothing_left(c);
	hres_free(&r);
}

HTEST(sched, io_priority)
{
	struct hres r = { 0 };

	run_with(c, &r, false, "ioPriority", "{\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 6}",
		 "ionice -p $$");
	assert_husk_ok(&r);
	cr_assert(strstr(r.out, "best-effort") && strstr(r.out, "6"), "ionice: %s", r.out);
	hres_free(&r);
}

HTEST(sched, exec_cpu_affinity)
{
	struct hres r = { 0 };

	run_with(c, &r, false, "execCPUAffinity", "{\"initial\": \"0-1\", \"final\": \"0\"}",
		 "grep Cpus_allowed_list /proc/self/status");
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "Cpus_allowed_list:\t0\n");
	hres_free(&r);
}

HTEST(sched, bad_cpu_list_names_its_path)
{
	struct hres r = { 0 };

	run_with(c, &r, false, "execCPUAffinity", "{\"final\": \"3-1\"}", "true");
	cr_assert_neq(r.code, 0);
	cr_assert(strstr(r.err, ".process.execCPUAffinity.final") != NULL, "stderr: %s", r.err);
	assert_nothing_left(c);
	hres_free(&r);
}

HTEST(sched, personality_linux32)
{
	struct hres r = { 0 };

	run_with(c, &r, true, "personality", "{\"domain\": \"LINUX32\"}", "uname -m");
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "i686\n");
	hres_free(&r);
}
