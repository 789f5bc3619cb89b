// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Many husks at once, and a husk that dies while its container lives:
 *   - twelve `create`s of one id at once make exactly one container, which
 *     then runs; the others fail cleanly and leave nothing;
 *   - fifty create/start/delete cycles of distinct ids, ten at a time,
 *     leave nothing;
 *   - `state` and `list` racing containers being created, started and
 *     deleted never see a torn record: a clean "does not exist" or whole
 *     JSON with a valid status;
 *   - a foreground `run` whose husk is SIGKILLed leaves a running
 *     container that `kill` and `delete --force` still handle.
 * Parallel calls run in "lanes": each lane is one husk at a time, the
 * next call of a lane starts when its previous one ended (lanes_wait_any).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integration/harness.h"

#define LANES_MAX 12

struct lane {
	struct hproc p;
	bool busy;
	unsigned calls;             /* husk calls this lane has started */
	char id[64];                /* the container this lane works on */
	char verb[16];              /* of the running call, for messages */
};

/* Start husk with argv in lane l. */
static void lane_spawn(struct hctx *c, struct lane *l, const char *const argv[])
{
	cr_assert(!l->busy);
	snprintf(l->verb, sizeof(l->verb), "%s", argv[0]);
	husk_spawn(c, &l->p, NULL, argv);
	l->busy = true;
	l->calls++;
}

/*
 * Wait until the call of some busy lane ends; collect it into r and
 * return the lane's index.  A call that takes longer than
 * HUSK_CALL_TIMEOUT fails the test (the harness kills what is left).
 */
static size_t lanes_wait_any(struct lane *lanes, size_t n, struct hres *r)
{
	struct pollfd pfd[LANES_MAX];
	size_t map[LANES_MAX], k = 0;
	int ready;

	for (size_t i = 0; i < n; i++) {
		if (!lanes[i].busy)
			continue;
		pfd[k] = (struct pollfd){ .fd = lanes[i].p.pidfd, .events = POLLIN };
		map[k++] = i;
	}
	cr_assert(k > 0, "no lane is busy");
	do {
		ready = poll(pfd, k, HUSK_CALL_TIMEOUT * 1000);
	} while (ready < 0 && errno == EINTR);
	cr_assert(ready > 0, "none of %zu husk calls ended within %d s", k, HUSK_CALL_TIMEOUT);
	for (size_t j = 0; j < k; j++) {
		if (!pfd[j].revents)
			continue;
		hproc_wait(&lanes[map[j]].p, r, HUSK_CALL_TIMEOUT);
		lanes[map[j]].busy = false;
		return map[j];
	}
	cr_assert_fail("poll reported a ready pidfd and none is");
	return 0;
}

/* ---- twelve creates of one id ------------------------------------------ */

#define N_SAME 12

HTEST(concurrency, twelve_creates_of_one_id_make_one_container)
{
	struct hproc p[N_SAME];
	struct hres r = { 0 };
	char *ran = hpath(c, "out/ran");
	int ok = 0;

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sh", "-c", "echo ran > /out/ran"),
					      .bind_out = true });
	for (int i = 0; i < N_SAME; i++)
		husk_spawn(c, &p[i], NULL, ARGS("create", "--bundle", c->bundle, c->id));
	for (int i = 0; i < N_SAME; i++) {
		hproc_wait(&p[i], &r, HUSK_CALL_TIMEOUT);
		if (r.code == 0 && !r.timed_out) {
			ok++;
			continue;
		}
		assert_husk_fails(&r);
		assert_contains(r.err, "already exists");
	}
	cr_assert_eq(ok, 1, "%d of %d concurrent creates of one id succeeded", ok, N_SAME);
	cr_assert_eq(count_dir_entries(c->state), 1, "the state root should hold one container");
	cr_assert_eq(count_token_procs(c), 1,
		     "one container process should be waiting for start, there are %d",
		     count_token_procs(c));

	char *status = husk_status(c, c->id);
	cr_assert_str_eq(status ? status : "(none)", "created");
	free(status);
	HUSK(c, &r, "start", c->id);
	assert_husk_ok(&r);
	cr_assert(wait_status(c, c->id, "stopped", 10000), "the container never finished");
	char *text = read_text(ran);
	cr_assert_str_eq(text ? text : "(nothing)", "ran\n", "the workload did not run");
	free(text);
	HUSK(c, &r, "delete", c->id);
	assert_husk_ok(&r);
	hctx_assert_clean(c);
	free(ran);
	hres_free(&r);
}

/* ---- fifty cycles of distinct ids --------------------------------------- */

#define CYCLE_LANES 10
#define CYCLES_PER_LANE 5

/* The next call of a create/start/delete cycle; a fresh id per cycle. */
static void cycle_next(struct hctx *c, struct lane *l, unsigned lane)
{
	switch (l->calls % 3) {
	case 0:
		snprintf(l->id, sizeof(l->id), "%s-l%uc%u", c->token, lane, l->calls / 3);
		lane_spawn(c, l, ARGS("create", "--bundle", c->bundle, l->id));
		break;
	case 1:
		lane_spawn(c, l, ARGS("start", l->id));
		break;
	default:
		lane_spawn(c, l, ARGS("delete", "--force", l->id));
		break;
	}
}

HTEST(concurrency, fifty_parallel_cycles_leave_nothing)
{
	struct lane lanes[CYCLE_LANES] = { 0 };
	struct hres r = { 0 };
	const unsigned total = CYCLES_PER_LANE * 3;
	unsigned done = 0;

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") });
	for (unsigned i = 0; i < CYCLE_LANES; i++)
		cycle_next(c, &lanes[i], i);
	while (done < CYCLE_LANES) {
		size_t i = lanes_wait_any(lanes, CYCLE_LANES, &r);

		cr_assert(r.code == 0 && !r.timed_out,
			  "lane %zu, `%s %s` (call %u) failed: exit %d%s\n%s", i, lanes[i].verb,
			  lanes[i].id, lanes[i].calls, r.code, r.timed_out ? " (timed out)" : "",
			  r.err);
		if (lanes[i].calls == total)
			done++;
		else
			cycle_next(c, &lanes[i], (unsigned)i);
	}
	hctx_assert_clean(c);
	hres_free(&r);
}

/* ---- readers racing writers ---------------------------------------------- */

#define WRITERS 3
#define WRITER_CYCLES 10
#define STATE_READERS 2
#define LIST_READERS 2
#define RW_LANES (WRITERS + STATE_READERS + LIST_READERS)

static bool valid_status(const char *s)
{
	static const char *const valid[] = { "creating", "created", "running", "stopped",
					      "paused" };

	for (size_t i = 0; s && i < sizeof(valid) / sizeof(valid[0]); i++)
		if (strcmp(s, valid[i]) == 0)
			return true;
	return false;
}

/* One OCI state object as `state` and `list` print it, whole. */
static void check_state_object(const struct hctx *c, hjson v, const char *want_id,
			       const char *text)
{
	const char *id = json_str(JSON_AT(v, "id"));
	const char *status = json_str(JSON_AT(v, "status"));

	cr_assert(json_str(JSON_AT(v, "ociVersion")), "no ociVersion in:\n%s", text);
	cr_assert(id, "no id in:\n%s", text);
	if (want_id)
		cr_assert_str_eq(id, want_id, "state of the wrong container:\n%s", text);
	else
		cr_assert(strncmp(id, c->token, strlen(c->token)) == 0,
			  "list shows a container not ours:\n%s", text);
	cr_assert(valid_status(status), "no valid status in:\n%s", text);
	cr_assert(json_is_int(JSON_AT(v, "pid")), "no pid in:\n%s", text);
	cr_assert(JSON_AT(v, "bundle"), "no bundle in:\n%s", text);
	if (strcmp(status, "created") == 0 || strcmp(status, "running") == 0) {
		cr_assert_gt(json_int(JSON_AT(v, "pid")), 0, "%s without a pid:\n%s", status,
			     text);
		cr_assert_str_eq(json_str(JSON_AT(v, "bundle")), c->bundle,
				 "%s with the wrong bundle:\n%s", status, text);
	}
}

/* Every line of a list's stderr is a warning that a container went away. */
static void check_list_warnings(const char *err)
{
	char *copy = strdup(err);

	for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n"))
		cr_assert(strstr(line, "does not exist"),
			  "list warned of something else than a vanished container:\n%s", err);
	free(copy);
}

static void check_reader(const struct hctx *c, const struct lane *l, const struct hres *r)
{
	cr_assert(!r->timed_out, "`%s %s` timed out", l->verb, l->id);
	if (strcmp(l->verb, "state") == 0) {
		if (r->code != 0) {
			cr_assert(strstr(r->err, "does not exist") && r->out[0] == '\0',
				  "`state %s` failed with something else than \"does not "
				  "exist\": exit %d\n--- stdout:\n%s\n--- stderr:\n%s", l->id,
				  r->code, r->out, r->err);
			return;
		}
		cr_assert_str_eq(r->err, "", "`state %s` succeeded with a message", l->id);
		hjson v = json_parse_or_fail(r->out, "husk state output");
		check_state_object(c, v, l->id, r->out);
		json_free(v);
		return;
	}
	cr_assert_eq(r->code, 0, "`list --format json` failed: exit %d\n%s", r->code, r->err);
	check_list_warnings(r->err);
	if (strcmp(r->out, "null\n") == 0)
		return;         /* no container at all, as runc prints it */
	hjson v = json_parse_or_fail(r->out, "husk list --format json output");
	cr_assert(json_is_array(v), "list printed no array:\n%s", r->out);
	for (size_t i = 0; i < json_array_len(v); i++)
		check_state_object(c, json_array_get(v, i), NULL, r->out);
	json_free(v);
}

/* The next call of lane i: writers cycle their own id, readers read. */
static void rw_next(struct hctx *c, struct lane *lanes, size_t i, unsigned *reads)
{
	struct lane *l = &lanes[i];

	if (i < WRITERS) {
		cycle_next(c, l, (unsigned)i);
		return;
	}
	(*reads)++;
	if (i < WRITERS + STATE_READERS) {
		/* Each read looks at the next writer's current container. */
		memmove(l->id, lanes[*reads % WRITERS].id, sizeof(l->id));
		lane_spawn(c, l, ARGS("state", l->id));
	} else {
		snprintf(l->id, sizeof(l->id), "(all)");
		lane_spawn(c, l, ARGS("list", "--format", "json"));
	}
}

HTEST(concurrency, readers_never_see_a_torn_record)
{
	struct lane lanes[RW_LANES] = { 0 };
	struct hres r = { 0 };
	unsigned writers_done = 0, reads = 0;

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "1000") });
	for (size_t i = 0; i < RW_LANES; i++)
		rw_next(c, lanes, i, &reads);
	for (;;) {
		size_t i = lanes_wait_any(lanes, RW_LANES, &r);

		if (i >= WRITERS) {
			check_reader(c, &lanes[i], &r);
			if (writers_done < WRITERS)
				rw_next(c, lanes, i, &reads);
		} else {
			cr_assert(r.code == 0 && !r.timed_out,
				  "writer %zu, `%s %s` failed: exit %d\n%s", i, lanes[i].verb,
				  lanes[i].id, r.code, r.err);
			if (lanes[i].calls == WRITER_CYCLES * 3)
				writers_done++;
			else
				rw_next(c, lanes, i, &reads);
		}
		bool busy = false;
		for (size_t k = 0; k < RW_LANES; k++)
			busy = busy || lanes[k].busy;
		if (!busy)
			break;
	}
	cr_assert_geq(reads, 20, "only %u reads raced the writers", reads);
	hctx_assert_clean(c);
	hres_free(&r);
}

/* ---- husk killed under a foreground run --------------------------------- */

/*
 * `husk run` waits in the foreground; SIGKILL it.  The container's init
 * lives on (re-parented): `state` says running, `kill` reaches it,
 * `delete --force` removes it, and nothing is left.
 */
HTEST(concurrency, foreground_run_outlives_its_killed_husk)
{
	struct hres r = { 0 };
	struct hproc p;

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "1000") });
	husk_spawn(c, &p, NULL, ARGS("run", "--bundle", c->bundle, c->id));
	cr_assert(wait_status(c, c->id, "running", HUSK_CALL_TIMEOUT * 1000),
		  "the container never ran");
	cr_assert_eq(kill(p.pid, SIGKILL), 0);
	hproc_wait(&p, &r, HUSK_CALL_TIMEOUT);
	cr_assert_eq(r.code, 128 + SIGKILL, "husk run should have died of SIGKILL: exit %d\n%s",
		     r.code, r.err);

	char *status = husk_status(c, c->id);
	cr_assert_str_eq(status ? status : "(none)", "running",
			 "with its husk gone the container should still run");
	free(status);
	HUSK(c, &r, "kill", c->id, "KILL");
	assert_husk_ok(&r);
	cr_assert(wait_status(c, c->id, "stopped", 10000), "kill did not stop the container");
	HUSK(c, &r, "delete", "--force", c->id);
	assert_husk_ok(&r);
	HUSK(c, &r, "state", c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, "does not exist");
	hctx_assert_clean(c);
	hres_free(&r);
}
