// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `husk kill` and `husk delete`, and what a duplicate id does to the
 * container that already has it.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "integration/harness.h"

/* Start `sleep 100` detached under `id`. */
static void start_sleeper(struct hctx *c, const char *id)
{
	struct hres r = { 0 };

	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, id);
	assert_husk_ok(&r);
	cr_assert(wait_status(c, id, "running", 5000), "%s is not running", id);
	hres_free(&r);
}

/*
 * Run `traps` (shell that sets traps writing what they caught to
 * /out/got) detached, send it `kill [signal]` (NULL: the default), wait
 * for it to stop and return what it wrote (NULL: nothing).
 */
static char *kill_trapping_workload(struct hctx *c, const char *traps, const char *signal)
{
	struct hres r = { 0 };
	char *ready = hpath(c, "out/ready");
	char *got = hpath(c, "out/got");
	char *script = NULL;

	cr_assert(asprintf(&script, "%s echo > /out/ready; while :; do sleep 0.05; done",
			   traps) > 0);
	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sh", "-c", script),
					      .bind_out = true });
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert(wait_file(ready, 5000), "the workload never got ready");
	if (signal)
		HUSK(c, &r, "kill", c->id, signal);
	else
		HUSK(c, &r, "kill", c->id);
	assert_husk_ok(&r);
	cr_assert(wait_status(c, c->id, "stopped", 5000), "kill %s did not stop the container",
		  signal ? signal : "(default)");
	char *text = read_text(got);
	free(script);
	free(ready);
	free(got);
	hres_free(&r);
	return text;
}

/*
 * A TERM sent while the container is created is not lost: the container
 * process keeps signals blocked from its birth across the exec of
 * husk-init, which finds the TERM pending and forwards it.  (Unblocked,
 * the kernel would discard it: the process is its pid namespace's init
 * with default actions.)  `sleep 100` then dies at once, and the
 * container stops.
 */
HTEST(kill, term_while_created_reaches_the_workload)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("sleep", "100") });
	HUSK(c, &r, "create", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	HUSK(c, &r, "kill", c->id, "TERM");
	assert_husk_ok(&r);
	HUSK(c, &r, "start", c->id);
	assert_husk_ok(&r);
	cr_assert(wait_status(c, c->id, "stopped", 5000),
		  "the TERM sent before start was lost: the container runs on");
	hres_free(&r);
}

/*
 * The default signal is TERM.  The workload traps it: a namespace's init
 * without a handler would ignore TERM (and so would `sleep` as PID 1).
 */
HTEST(kill, default_signal_is_term)
{
	char *text = kill_trapping_workload(c, "trap 'echo TERM > /out/got; exit 143' TERM;",
					    NULL);

	cr_assert(text, "the workload did not see a TERM");
	cr_assert_str_eq(text, "TERM\n");
	free(text);
}

/*
 * RTMIN+3 is signal 37, as runc and Docker number it, whatever libc husk
 * was built with (musl's own SIGRTMIN is 35).  busybox's trap takes the
 * number.
 */
HTEST(kill, realtime_signal_names_are_numbered_as_runc_does)
{
	char *text = kill_trapping_workload(c, "for n in 34 35 36 37 38 64; do "
					    "trap \"echo $n > /out/got; exit 0\" $n; done;",
					    "RTMIN+3");

	cr_assert(text, "the workload saw no realtime signal");
	cr_assert_str_eq(text, "37\n");
	free(text);
}

HTEST(kill, signal_by_number_and_name)
{
	static const char *const spellings[] = { "9", "SIGKILL", "KILL" };
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "100") });
	for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
		const char *id = hctx_new_id(c);
		start_sleeper(c, id);
		HUSK(c, &r, "kill", id, spellings[i]);
		assert_husk_ok(&r);
		cr_assert(wait_status(c, id, "stopped", 5000), "kill %s did not stop %s",
			  spellings[i], id);
		HUSK(c, &r, "delete", id);
		assert_husk_ok(&r);
	}
	hres_free(&r);
}

HTEST(kill, invalid_signal_is_refused)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "100") });
	start_sleeper(c, c->id);
	HUSK(c, &r, "kill", c->id, "FOO");
	assert_husk_fails(&r);
	assert_contains(r.err, "FOO");
	char *status = husk_status(c, c->id);
	cr_assert_str_eq(status ? status : "(none)", "running");
	free(status);
	hres_free(&r);
}

HTEST(kill, stopped_container_is_an_error)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") });
	HUSK(c, &r, "create", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	HUSK(c, &r, "start", c->id);
	assert_husk_ok(&r);
	cr_assert(wait_status(c, c->id, "stopped", 5000));
	HUSK(c, &r, "kill", c->id, "KILL");
	assert_husk_fails(&r);
	hres_free(&r);
}

HTEST(kill, missing_container_is_an_error)
{
	struct hres r = { 0 };

	HUSK(c, &r, "kill", c->id, "KILL");
	assert_husk_fails(&r);
	assert_contains(r.err, c->id);
	hres_free(&r);
}

HTEST(delete, running_needs_force)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "100") });
	start_sleeper(c, c->id);

	HUSK(c, &r, "delete", c->id);
	assert_husk_fails(&r);
	char *status = husk_status(c, c->id);
	cr_assert_str_eq(status ? status : "(none)", "running",
			 "a refused delete must leave the container running");
	free(status);

	HUSK(c, &r, "delete", "--force", c->id);
	assert_husk_ok(&r);
	HUSK(c, &r, "state", c->id);
	assert_husk_fails(&r);
	assert_nothing_left(c);
	hres_free(&r);
}

/* A created (never started) container can be deleted; its process goes. */
HTEST(delete, created_container)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "100") });
	HUSK(c, &r, "create", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert_gt(count_token_procs(c), 0, "no process for the created container");
	HUSK(c, &r, "delete", c->id);
	assert_husk_ok(&r);
	assert_nothing_left(c);
	hres_free(&r);
}

HTEST(delete, missing_container)
{
	struct hres r = { 0 };

	HUSK(c, &r, "delete", c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, c->id);
	/* --force: "make sure it is gone", which it is. */
	HUSK(c, &r, "delete", "--force", c->id);
	assert_husk_ok(&r);
	hres_free(&r);
}

HTEST(lifecycle, duplicate_id_is_refused)
{
	struct hres r = { 0 };
	char *pidfile = hpath(c, "first.pid");

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "100") });
	HUSK(c, &r, "create", "--bundle", c->bundle, "--pid-file", pidfile, c->id);
	assert_husk_ok(&r);
	char *first_pid = read_text(pidfile);
	cr_assert(first_pid);

	HUSK(c, &r, "create", "--bundle", c->bundle, c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, "already exists");
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, "already exists");

	/* The first container is untouched. */
	char *status = husk_status(c, c->id);
	cr_assert_str_eq(status ? status : "(none)", "created");
	free(status);
	HUSK(c, &r, "state", c->id);
	assert_husk_ok(&r);
	hjson v = json_parse_or_fail(r.out, "husk state output");
	cr_assert_eq(json_int(JSON_AT(v, "pid")), atoll(first_pid));
	json_free(v);
	cr_assert_eq(count_dir_entries(c->state), 1);
	HUSK(c, &r, "delete", "--force", c->id);
	assert_husk_ok(&r);
	hres_free(&r);
	free(first_pid);
	free(pidfile);
}
