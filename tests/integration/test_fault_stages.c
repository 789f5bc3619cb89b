// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every stage of a container's life, attacked: the test build
 * ($HUSK_FAULT_BIN, include/husk/fault.h) makes one stage fail, or kills
 * husk there, and nothing may be left behind.
 *
 *   fail  at any stage of create (the parent's table, the child's table up
 *         to READY), of run's start tail, or of exec's helper: husk says
 *         which stage, exits 1, and leaves nothing at all (no state
 *         directory, process, mount or cgroup) and no fd of its own open;
 *   kill  husk SIGKILLed at any of those points: then `delete --force`
 *         (the shipped husk) leaves nothing.
 *
 * The tables below must list exactly the points the code has:
 * fault::stage_tables_match_the_code traces a whole life and compares.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "integration/harness.h"

/* src/container/create.c, create_stages[] */
static const char *const parent_stages[] = {
	"prepare", "record", "cgroup", "exec-fifo", "clone", "record-pid", "idmap",
	"limits", "setup", "console", "created", "pid-file", "done",
};

/* src/launch/child.c, stages[]: up to READY */
static const char *const child_stages[] = {
	"close-fds", "parent-death", "cpu-affinity-initial", "wait-idmap", "join-namespaces",
	"become-root", "cgroup-namespace", "time-namespace", "oom-score-adj", "non-dumpable",
	"keyring", "loopback", "hostname", "rootfs-mounts", "create-runtime",
	"create-container", "rootfs-pivot", "sysctl", "rootfs-finalize", "rlimits",
	"scheduling", "personality", "capabilities-bounding", "cwd-open", "seccomp-early",
	"user", "capabilities", "lsm", "cwd", "find-executable", "husk-init", "preserve-fds",
	"cpu-affinity", "no-new-privileges", "lower-read-caps", "seccomp-notify",
	"outlive-husk",
};

/* src/launch/child.c, start_stages[]: after start */
static const char *const start_stages[] = {
	"wait-start", "start-container", "seccomp", "exec",
};

/* src/launch/exec-child.c, join_stages[] */
static const char *const exec_stages[] = {
	"dumpable", "cgroup", "close-fds", "oom-score-adj", "lsm", "join-namespaces", "keyring",
	"rlimits", "capabilities-bounding", "cwd-open", "seccomp-early", "user",
	"capabilities", "cwd", "husk-init", "no-new-privileges", "lower-read-caps",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct point {
	const char *side;
	const char *stage;
};

/* Every point of create up to READY: the parent's stages, then the child's. */
#define N_CREATE_POINTS (N(parent_stages) + N(child_stages))
static size_t create_points(struct point pts[N_CREATE_POINTS])
{
	size_t n = 0;

	for (size_t i = 0; i < N(parent_stages); i++)
		pts[n++] = (struct point){ "parent", parent_stages[i] };
	for (size_t i = 0; i < N(child_stages); i++)
		pts[n++] = (struct point){ "child", child_stages[i] };
	return n;
}

/* husk-fault with HUSK_FAULT=<side>:<stage>:<action> (and a trace). */
static void fault_call(struct hctx *c, struct hres *r, const char *side, const char *stage,
		       const char *action, const char *const argv[])
{
	char *var;
	cr_assert(asprintf(&var, "HUSK_FAULT=%s:%s:%s", side, stage, action) > 0);
	struct hcall_opts o = { .fault_bin = true, .env = ARGS(var, "HUSK_FAULT_TRACE=1") };

	husk_call(c, r, &o, argv);
	free(var);
}

/* The failure names the point, is a plain exit 1 (99: husk leaked an fd). */
static void assert_failed_at(const struct hres *r, const char *side, const char *stage)
{
	char *want;

	cr_assert(asprintf(&want, "fault injected at %s stage %s", side, stage) > 0);
	cr_assert(!r->timed_out && r->code != 0 && r->code != 99,
		  "`%s` at %s:%s: exit %d\n%s", r->cmd, side, stage, r->code, r->err);
	assert_not_contains(r->err, "leaked fd");
	assert_contains(r->err, want);
	free(want);
}

static void assert_killed(const struct hres *r, const char *side, const char *stage)
{
	cr_assert(!r->timed_out && r->code == 128 + SIGKILL,
		  "`%s` with a kill at %s:%s: exit %d, want %d\n%s", r->cmd, side, stage,
		  r->code, 128 + SIGKILL, r->err);
}

/* Has the trace in err a line for this point? */
static bool traced(const char *err, const char *side, const char *stage)
{
	char *line;
	bool found;

	cr_assert(asprintf(&line, "husk-fault: %s:%s\n", side, stage) > 0);
	found = strstr(err, line) != NULL;
	free(line);
	return found;
}

/* Every traced point of `side` is in the table, and every table entry was traced. */
static void assert_trace_matches(const char *err, const char *side, const char *const *t,
				 size_t n, const char *const *t2, size_t n2)
{
	char *prefix;
	const char *p = err;

	for (size_t i = 0; i < n; i++)
		cr_assert(traced(err, side, t[i]), "point %s:%s was never reached:\n%s", side,
			  t[i], err);
	for (size_t i = 0; i < n2; i++)
		cr_assert(traced(err, side, t2[i]), "point %s:%s was never reached:\n%s", side,
			  t2[i], err);
	cr_assert(asprintf(&prefix, "husk-fault: %s:", side) > 0);
	while ((p = strstr(p, prefix))) {
		const char *name = p + strlen(prefix);
		size_t len = strcspn(name, " \n");
		bool known = false;

		for (size_t i = 0; i < n && !known; i++)
			known = strlen(t[i]) == len && strncmp(t[i], name, len) == 0;
		for (size_t i = 0; i < n2 && !known; i++)
			known = strlen(t2[i]) == len && strncmp(t2[i], name, len) == 0;
		if (!known && strcmp(side, "parent") == 0)
			known = len == 4 && strncmp(name, "verb", 4) == 0;
		cr_assert(known, "point %s:%.*s is not in this test's tables", side, (int)len,
			  name);
		p = name;
	}
	free(prefix);
}

HTEST(fault, stage_tables_match_the_code)
{
	struct hres r = { 0 };
	struct hcall_opts o = { .fault_bin = true, .env = ARGS("HUSK_FAULT_TRACE=1") };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") });
	HUSK_OPTS(c, &r, &o, "run", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	assert_trace_matches(r.err, "parent", parent_stages, N(parent_stages), NULL, 0);
	assert_trace_matches(r.err, "child", child_stages, N(child_stages), start_stages,
			     N(start_stages));

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "1000") });
	HUSK(c, &r, "run", "--detach", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	HUSK_OPTS(c, &r, &o, "exec", c->id, "/bin/true");
	assert_husk_ok(&r);
	assert_trace_matches(r.err, "exec", exec_stages, N(exec_stages), NULL, 0);
	HUSK(c, &r, "delete", "--force", c->id);
	assert_husk_ok(&r);
	hctx_assert_clean(c);
	hres_free(&r);
}

/* create fails at each stage up to READY: nothing at all is left, not even for delete. */
HTEST(fault, create_fails_at_every_stage_leaving_nothing)
{
	struct hres r = { 0 };
	struct point pts[N_CREATE_POINTS];
	size_t n = create_points(pts);
	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") });
	for (size_t i = 0; i < n; i++) {
		fault_call(c, &r, pts[i].side, pts[i].stage, "fail",
			   ARGS("create", "--bundle", c->bundle, c->id));
		assert_failed_at(&r, pts[i].side, pts[i].stage);
		hctx_assert_clean(c);
	}
	hres_free(&r);
}

/* run fails after start (the child's tail): the error comes back, run tears down. */
HTEST(fault, run_fails_at_every_start_stage_leaving_nothing)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") });
	for (size_t i = 0; i < N(start_stages); i++) {
		fault_call(c, &r, "child", start_stages[i], "fail",
			   ARGS("run", "--bundle", c->bundle, c->id));
		assert_failed_at(&r, "child", start_stages[i]);
		hctx_assert_clean(c);
	}
	hres_free(&r);
}

/* husk killed at each point of create: `delete --force` then leaves nothing. */
HTEST(fault, create_killed_at_every_stage_delete_force_cleans)
{
	struct hres r = { 0 };
	struct point pts[N_CREATE_POINTS];
	size_t n = create_points(pts);
	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "1000") });
	for (size_t i = 0; i < n; i++) {
		fault_call(c, &r, pts[i].side, pts[i].stage, "kill",
			   ARGS("create", "--bundle", c->bundle, c->id));
		assert_killed(&r, pts[i].side, pts[i].stage);
		HUSK(c, &r, "delete", "--force", c->id);
		cr_assert(r.code == 0 && !r.timed_out, "delete --force after a kill at %s:%s: "
			  "exit %d\n%s", pts[i].side, pts[i].stage, r.code, r.err);
		hctx_assert_clean(c);
	}
	hres_free(&r);
}

/* husk run killed at each point of the start tail: the same. */
HTEST(fault, run_killed_at_every_start_stage_delete_force_cleans)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "1000") });
	for (size_t i = 0; i < N(start_stages); i++) {
		fault_call(c, &r, "child", start_stages[i], "kill",
			   ARGS("run", "--bundle", c->bundle, c->id));
		assert_killed(&r, "child", start_stages[i]);
		HUSK(c, &r, "delete", "--force", c->id);
		cr_assert(r.code == 0 && !r.timed_out, "delete --force after a kill at child:%s: "
			  "exit %d\n%s", start_stages[i], r.code, r.err);
		hctx_assert_clean(c);
	}
	hres_free(&r);
}

/*
 * exec fails, or husk exec is killed, at each stage of its helper: the
 * container runs on untouched (no process of the exec is left in it),
 * and `delete --force` then leaves nothing.
 */
HTEST(fault, exec_fails_or_is_killed_at_every_stage)
{
	static const char *const actions[] = { "fail", "kill" };
	struct hres r = { 0 };
	int before, after = -1;

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "1000") });
	HUSK(c, &r, "run", "--detach", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	/* husk-init and, once it forked it, the workload (WORKLOAD_PID). */
	for (int k = 0; k < 100 && count_token_procs(c) < WORKLOAD_PID; k++)
		usleep(20 * 1000);
	before = count_token_procs(c);
	cr_assert_eq(before, WORKLOAD_PID, "the container should have %d processes",
		     WORKLOAD_PID);
	for (size_t a = 0; a < N(actions); a++) {
		for (size_t i = 0; i < N(exec_stages); i++) {
			fault_call(c, &r, "exec", exec_stages[i], actions[a],
				   ARGS("exec", c->id, "/bin/sleep", "1000"));
			if (a == 0)
				assert_failed_at(&r, "exec", exec_stages[i]);
			else
				assert_killed(&r, "exec", exec_stages[i]);
			for (int k = 0; k < 100 && (after = count_token_procs(c)) != before; k++)
				usleep(20 * 1000);
			cr_assert_eq(after, before, "exec %s at %s left %d process(es)",
				     actions[a], exec_stages[i], after - before);
		}
	}
	HUSK(c, &r, "state", c->id);
	assert_husk_ok(&r);
	assert_contains(r.out, "\"running\"");
	HUSK(c, &r, "delete", "--force", c->id);
	assert_husk_ok(&r);
	hctx_assert_clean(c);
	hres_free(&r);
}
