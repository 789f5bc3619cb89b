// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The container lifecycle through the CLI: run's exit status, the
 * create/start split, state, list, detached runs and pid files.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integration/harness.h"

/* `husk run` a shell script in the foreground under a fresh id. */
static void run_script(struct hctx *c, struct hres *r, const char *script)
{
	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sh", "-c", script) });
	HUSK(c, r, "run", "--bundle", c->bundle, hctx_new_id(c));
}

HTEST(lifecycle, run_returns_exit_code)
{
	static const struct {
		const char *script;
		int code;
	} cases[] = { { "exit 0", 0 }, { "exit 3", 3 }, { "exit 42", 42 } };
	struct hres r = { 0 };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_script(c, &r, cases[i].script);
		cr_assert_eq(r.code, cases[i].code, "`%s` in the container: husk exited %d, "
			     "want %d; stderr: %s", cases[i].script, r.code, cases[i].code, r.err);
		/* A foreground run deletes its container when it is done. */
		cr_assert_eq(count_dir_entries(c->state), 0,
			     "run left its container in the state root");
	}
	hres_free(&r);
}

HTEST(lifecycle, run_passes_stdout_and_stderr)
{
	struct hres r = { 0 };

	run_script(c, &r, "echo to-stdout; echo to-stderr >&2");
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "to-stdout\n");
	assert_contains(r.err, "to-stderr\n");
	hres_free(&r);
}

/* PID 1 dies of a fault: the status is 128 + SIGSEGV. */
HTEST(lifecycle, run_maps_signal_death)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/probes/segv") });
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	cr_assert_eq(r.code, 128 + SIGSEGV, "want %d, got %d; stderr: %s", 128 + SIGSEGV,
		     r.code, r.err);
	hres_free(&r);
}

/* The workload killed from outside while `run` waits for it. */
HTEST(lifecycle, run_reports_kill_from_outside)
{
	struct hres r = { 0 }, k = { 0 };
	struct hproc p;

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "100") });
	husk_spawn(c, &p, NULL, ARGS("run", "--bundle", c->bundle, c->id));
	cr_assert(wait_status(c, c->id, "running", 10000), "the container never ran");
	HUSK(c, &k, "kill", c->id, "KILL");
	assert_husk_ok(&k);
	hproc_wait(&p, &r, HUSK_CALL_TIMEOUT);
	cr_assert_eq(r.code, 128 + SIGKILL, "want 137, got %d; stderr: %s", r.code, r.err);
	hres_free(&r);
	hres_free(&k);
}

/* A workload that kills itself: only possible once it is not PID 1. */
HTEST(lifecycle, run_maps_self_kill)
{
	struct hres r = { 0 };

	if (WORKLOAD_PID == 1)
		hctx_skip("the workload is its namespace's init, which cannot kill itself");
	run_script(c, &r, "kill -9 $$");
	cr_assert_eq(r.code, 137, "want 137, got %d; stderr: %s", r.code, r.err);
	hres_free(&r);
}

/* args[0] without a slash is looked up in process.env's PATH. */
HTEST(lifecycle, run_looks_up_args0_in_path)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("echo", "found") });
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "found\n");
	hres_free(&r);
}

/* --bundle defaults to the current directory. */
HTEST(lifecycle, run_bundle_defaults_to_cwd)
{
	struct hres r = { 0 };
	struct hcall_opts o = { .cwd = c->bundle };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/echo", "cwd-bundle") });
	HUSK_OPTS(c, &r, &o, "run", c->id);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "cwd-bundle\n");
	hres_free(&r);
}

/* Check every field of `husk state` for a container in `status`. */
static long long check_state_json(struct hctx *c, const char *id, const char *status)
{
	struct hres r = { 0 };

	HUSK(c, &r, "state", id);
	assert_husk_ok(&r);
	hjson v = json_parse_or_fail(r.out, "husk state output");
	static const char *const keys[] = {
		"ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "owner",
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		cr_assert(JSON_AT(v, keys[i]), "husk state has no \"%s\":\n%s", keys[i], r.out);
	cr_assert_str_eq(json_str(JSON_AT(v, "id")), id);
	cr_assert_str_eq(json_str(JSON_AT(v, "status")), status);
	cr_assert_str_eq(json_str(JSON_AT(v, "bundle")), c->bundle);
	cr_assert_str_eq(json_str(JSON_AT(v, "rootfs")), c->rootfs);
	const char *created = json_str(JSON_AT(v, "created"));
	cr_assert(created && strlen(created) >= 20 && created[4] == '-' && created[10] == 'T',
		  "\"created\" is not an RFC 3339 time: %s", created ? created : "(not a string)");
	/* The user who created it, as runc shows it. */
	struct passwd *pw = getpwuid(c->uid);
	cr_assert_str_eq(json_str(JSON_AT(v, "owner")), pw ? pw->pw_name : "");
	long long pid = json_int(JSON_AT(v, "pid"));
	json_free(v);
	hres_free(&r);
	return pid;
}

HTEST(lifecycle, create_then_start)
{
	struct hres r = { 0 };
	char *pidfile = hpath(c, "pidfile");
	char *started = hpath(c, "out/started");
	char *go = hpath(c, "out/go");
	char *done = hpath(c, "out/done");

	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c",
			     "echo yes > /out/started; "
			     "while [ ! -e /out/go ]; do sleep 0.02; done; echo yes > /out/done"),
		.bind_out = true });
	HUSK(c, &r, "create", "--bundle", c->bundle, "--pid-file", pidfile, c->id);
	assert_husk_ok(&r);

	long long pid = check_state_json(c, c->id, "created");
	cr_assert_gt(pid, 0, "a created container has its process");
	char *pidtext = read_text(pidfile);
	cr_assert(pidtext, "no pid file at %s", pidfile);
	cr_assert_eq(atoll(pidtext), pid, "pid file says %s, state says %lld", pidtext, pid);
	cr_assert_eq(kill((pid_t)pid, 0), 0, "the container process %lld is not alive", pid);
	/* Created means set up and waiting: the workload has not started. */
	usleep(200 * 1000);
	cr_assert(access(started, F_OK) != 0, "the workload ran before `husk start`");

	HUSK(c, &r, "start", c->id);
	assert_husk_ok(&r);
	cr_assert(wait_file(started, 5000), "the workload did not run after `husk start`");
	check_state_json(c, c->id, "running");

	write_text(go, "go\n");
	cr_assert(wait_file(done, 5000), "the workload did not finish");
	cr_assert(wait_status(c, c->id, "stopped", 5000), "the container is not stopped");

	HUSK(c, &r, "start", c->id);
	assert_husk_fails(&r);

	HUSK(c, &r, "delete", c->id);
	assert_husk_ok(&r);
	HUSK(c, &r, "state", c->id);
	assert_husk_fails(&r);
	cr_assert_eq(count_dir_entries(c->state), 0, "delete left something in the state root");
	hres_free(&r);
	free(pidtext);
	free(pidfile);
	free(started);
	free(go);
	free(done);
}

HTEST(lifecycle, state_of_missing_container_fails)
{
	struct hres r = { 0 };

	HUSK(c, &r, "state", c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, c->id);
	hres_free(&r);
}

HTEST(lifecycle, list_shows_containers)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "100") });
	HUSK(c, &r, "create", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);

	HUSK(c, &r, "list");
	assert_husk_ok(&r);
	cr_assert(strncmp(r.out, "ID", 2) == 0, "the table starts with a header:\n%s", r.out);
	const char *line = strstr(r.out, c->id);
	cr_assert(line, "the table does not list %s:\n%s", c->id, r.out);
	cr_assert(strstr(line, "created"), "the table does not say created:\n%s", r.out);
	assert_contains(r.out, c->bundle);

	HUSK(c, &r, "list", "-q");
	assert_husk_ok(&r);
	char *want;
	cr_assert(asprintf(&want, "%s\n", c->id) > 0);
	cr_assert_str_eq(r.out, want);
	free(want);

	HUSK(c, &r, "list", "--format", "json");
	assert_husk_ok(&r);
	hjson v = json_parse_or_fail(r.out, "husk list --format json");
	hjson item = json_find_by(v, "id", c->id);
	cr_assert(item, "%s is not in the JSON list:\n%s", c->id, r.out);
	cr_assert_str_eq(json_str(JSON_AT(item, "status")), "created");
	cr_assert_str_eq(json_str(JSON_AT(item, "bundle")), c->bundle);
	cr_assert_gt(json_int(JSON_AT(item, "pid")), 0);
	json_free(v);

	HUSK(c, &r, "delete", "--force", c->id);
	assert_husk_ok(&r);
	HUSK(c, &r, "list", "--format", "json");
	assert_husk_ok(&r);
	v = json_parse_or_fail(r.out, "husk list --format json");
	cr_assert_null(json_find_by(v, "id", c->id), "deleted but still listed:\n%s", r.out);
	json_free(v);
	hres_free(&r);
}

HTEST(lifecycle, run_detached_with_pid_file)
{
	struct hres r = { 0 };
	char *pidfile = hpath(c, "run.pid");

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "100") });
	HUSK(c, &r, "run", "--detach", "--bundle", c->bundle, "--pid-file", pidfile, c->id);
	assert_husk_ok(&r);
	long long pid = check_state_json(c, c->id, "running");
	char *pidtext = read_text(pidfile);
	cr_assert(pidtext, "no pid file at %s", pidfile);
	cr_assert_eq(atoll(pidtext), pid);

	HUSK(c, &r, "kill", c->id, "KILL");
	assert_husk_ok(&r);
	cr_assert(wait_status(c, c->id, "stopped", 5000), "KILL did not stop the container");
	HUSK(c, &r, "delete", c->id);
	assert_husk_ok(&r);
	hres_free(&r);
	free(pidtext);
	free(pidfile);
}

/* -d is the short form of --detach. */
HTEST(lifecycle, run_short_detach)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "100") });
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert(wait_status(c, c->id, "running", 2000));
	HUSK(c, &r, "delete", "--force", c->id);
	assert_husk_ok(&r);
	hres_free(&r);
}
