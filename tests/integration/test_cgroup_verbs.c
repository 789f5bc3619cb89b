// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The verbs that use a container's cgroup: pause/resume (and "paused" in
 * state), update (the cgroup file and the pinned config), ps, events
 * --stats and the events stream, kill --all.
 *
 * As root every container here asks for a memory limit, so it gets a
 * cgroup on any host (on this hybrid one: v1 directories under
 * /sys/fs/cgroup/<controller>/).  Rootless on a host without a delegated
 * cgroup the verbs must say in one line that there is none.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "integration/attacks.h"
#include "integration/harness.h"

/* `husk state` says status `want` (the string husk_status() returns is freed). */
static void assert_status(struct hctx *c, const char *id, const char *want)
{
	char *status = husk_status(c, id);

	cr_assert(status && strcmp(status, want) == 0, "status %s, want %s", status, want);
	free(status);
}

#define MEM_LIMIT 268435456ll      /* 256 MiB */

/* One body run as root only: <name>_root. */
#define HTEST_ROOT(suite, name)                                               \
	static void suite##__##name(struct hctx *c);                          \
	Test(suite, name##_root, .fini = hctx_fini, .timeout = HTEST_TIMEOUT) \
	{                                                                     \
		hctx_run(MODE_ROOT, suite##__##name);                         \
	}                                                                     \
	static void suite##__##name(struct hctx *c)

/* Run `script` (sh -c) detached as c->id, with a memory limit and /out. */
static void run_limited(struct hctx *c, const char *script)
{
	struct hres r = { 0 };
	char *text = bundle_config_text(c, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c", script), .bind_out = true });
	char *res = NULL;

	cr_assert(asprintf(&res, "{\"memory\":{\"limit\":%lld},\"pids\":{\"limit\":100}}",
			   MEM_LIMIT) > 0);
	atk_add_member(&text, "linux", "resources", res);
	atk_write_config(c, text);
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert(wait_status(c, c->id, "running", 5000), "%s is not running", c->id);
	free(text);
	free(res);
	hres_free(&r);
}

static void kill_and_delete(struct hctx *c)
{
	struct hres r = { 0 };

	HUSK(c, &r, "delete", "--force", c->id);
	assert_husk_ok(&r);
	hres_free(&r);
	hctx_assert_clean(c);
}

/* The container's record (state.json in its state directory), parsed. */
static hjson read_record(struct hctx *c, const char *file)
{
	char *path = NULL, *text;
	hjson v;

	cr_assert(asprintf(&path, "%s/%s/%s", c->state, c->id, file) > 0);
	text = read_text(path);
	cr_assert(text, "no %s", path);
	v = json_parse_or_fail(text, path);
	free(text);
	free(path);
	return v;
}

/* The directory of hierarchy `name` in the record's cgroupDirs. */
static char *cgroup_dir(struct hctx *c, const char *name)
{
	hjson st = read_record(c, "state.json");
	const char *dir = json_str(JSON_AT(st, "cgroupDirs", name));
	char *copy;

	cr_assert(dir, "the record has no cgroupDirs.%s", name);
	copy = strdup(dir);
	json_free(st);
	return copy;
}

/* `husk ps --format json`: the pids, in *n. */
static long long *ps_pids(struct hctx *c, size_t *n)
{
	struct hres r = { 0 };
	hjson v;
	long long *pids;

	HUSK(c, &r, "ps", "--format", "json", c->id);
	assert_husk_ok(&r);
	v = json_parse_or_fail(r.out, "husk ps --format json");
	cr_assert(json_is_array(v), "not an array: %s", r.out);
	*n = json_array_len(v);
	pids = calloc(*n + 1, sizeof(*pids));
	for (size_t i = 0; i < *n; i++) {
		cr_assert(json_is_int(json_array_get(v, i)), "%s", r.out);
		pids[i] = json_int(json_array_get(v, i));
	}
	json_free(v);
	hres_free(&r);
	return pids;
}

HTEST_ROOT(cgroup_verbs, pause_and_resume)
{
	struct hres r = { 0 };
	char *count = hpath(c, "out/count");
	char *before, *after;

	run_limited(c, "i=0; while :; do i=$((i+1)); echo $i > /out/count; sleep 0.02; done");
	cr_assert(wait_file(count, 5000));
	HUSK(c, &r, "pause", c->id);
	assert_husk_ok(&r);
	assert_status(c, c->id, "paused");
	HUSK(c, &r, "list");
	assert_husk_ok(&r);
	assert_contains(r.out, "paused");
	before = read_text(count);
	usleep(300000);
	after = read_text(count);
	cr_assert_str_eq(before, after, "the counter moved while paused");
	HUSK(c, &r, "pause", c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, "it is paused");
	HUSK(c, &r, "resume", c->id);
	assert_husk_ok(&r);
	assert_status(c, c->id, "running");
	usleep(300000);
	free(after);
	after = read_text(count);
	cr_assert_str_neq(before, after, "the counter did not move after resume");
	HUSK(c, &r, "resume", c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, "not paused");
	free(before);
	free(after);
	free(count);
	hres_free(&r);
	kill_and_delete(c);
}

/* A paused container can still be deleted with --force (the kill thaws it). */
HTEST_ROOT(cgroup_verbs, delete_force_while_paused)
{
	struct hres r = { 0 };

	run_limited(c, "sleep 100");
	HUSK(c, &r, "pause", c->id);
	assert_husk_ok(&r);
	hres_free(&r);
	kill_and_delete(c);
}

HTEST_ROOT(cgroup_verbs, update_memory_and_pinned_config)
{
	struct hres r = { 0 };
	char *dir, *file = NULL, *text;
	hjson cfg, st;

	run_limited(c, "sleep 100");
	dir = cgroup_dir(c, "memory");
	cr_assert(asprintf(&file, "%s/memory.limit_in_bytes", dir) > 0);
	text = read_text(file);
	cr_assert(text, "no %s", file);
	cr_assert_eq(atoll(text), MEM_LIMIT);
	free(text);

	HUSK(c, &r, "update", "--memory", "128m", "--pids-limit", "50", c->id);
	assert_husk_ok(&r);
	text = read_text(file);
	cr_assert_eq(atoll(text), 128ll << 20, "%s says %s", file, text);
	free(text);

	cfg = read_record(c, "config.json");
	cr_assert_eq(json_int(JSON_AT(cfg, "linux", "resources", "memory", "limit")),
		     128ll << 20, "the pinned config does not say the new limit");
	cr_assert_eq(json_int(JSON_AT(cfg, "linux", "resources", "pids", "limit")), 50);
	cr_assert(json_is_array(JSON_AT(cfg, "process", "args")), "the rest was kept");
	json_free(cfg);
	st = read_record(c, "state.json");
	cr_assert(json_str(JSON_AT(st, "configSha256")));
	json_free(st);
	/* exec reads the pinned config and checks its hash: it must still pass. */
	HUSK(c, &r, "exec", c->id, "true");
	assert_husk_ok(&r);

	/* --resources from standard input is the same path: a file. */
	text = hpath(c, "res.json");
	write_text(text, "{\"memory\":{\"limit\":100663296}}");
	HUSK(c, &r, "update", "--resources", text, c->id);
	assert_husk_ok(&r);
	free(text);
	text = read_text(file);
	cr_assert_eq(atoll(text), 96ll << 20, "%s says %s", file, text);
	free(text);

	HUSK(c, &r, "update", "--memory", "lots", c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, "--memory");
	free(file);
	free(dir);
	hres_free(&r);
	kill_and_delete(c);
}

HTEST_ROOT(cgroup_verbs, ps_lists_every_process)
{
	struct hres r = { 0 };
	long long *pids;
	char *dir = NULL;
	size_t n;

	run_limited(c, "sleep 101 & sleep 102 & echo > /out/ready; wait");
	cr_assert(wait_file(hpath(c, "out/ready"), 5000));
	dir = cgroup_dir(c, "memory");
	pids = ps_pids(c, &n);
	cr_assert_geq(n, 3, "init, sh and two sleeps: got %zu", n);
	for (size_t i = 0; i < n; i++) {
		char *path = NULL, *cg;

		cr_assert(asprintf(&path, "/proc/%lld/cgroup", pids[i]) > 0);
		cg = read_text(path);
		cr_assert(cg, "pid %lld is gone", pids[i]);
		cr_assert(strstr(cg, strstr(dir, "/husk") ? strstr(dir, "/husk") : dir),
			  "pid %lld is not in the container's cgroup:\n%s", pids[i], cg);
		free(cg);
		free(path);
	}
	HUSK(c, &r, "ps", c->id);
	assert_husk_ok(&r);
	assert_contains(r.out, "PID");
	assert_contains(r.out, "sleep 101");
	assert_contains(r.out, "sleep 102");
	free(pids);
	free(dir);
	hres_free(&r);
	kill_and_delete(c);
}

HTEST_ROOT(cgroup_verbs, events_stats_is_runc_json)
{
	struct hres r = { 0 };
	hjson v;

	run_limited(c, "sleep 100");
	HUSK(c, &r, "events", "--stats", c->id);
	assert_husk_ok(&r);
	v = json_parse_or_fail(r.out, "husk events --stats");
	cr_assert_str_eq(json_str(JSON_AT(v, "type")), "stats");
	cr_assert_str_eq(json_str(JSON_AT(v, "id")), c->id);
	cr_assert_eq(json_int(JSON_AT(v, "data", "memory", "usage", "limit")), MEM_LIMIT);
	cr_assert_gt(json_int(JSON_AT(v, "data", "memory", "usage", "usage")), 0);
	cr_assert(json_is_int(JSON_AT(v, "data", "memory", "usage", "failcnt")));
	cr_assert_geq(json_int(JSON_AT(v, "data", "pids", "current")), 1);
	cr_assert_eq(json_int(JSON_AT(v, "data", "pids", "limit")), 100);
	cr_assert(json_is_int(JSON_AT(v, "data", "cpu", "usage", "user")));
	json_free(v);
	hres_free(&r);
	kill_and_delete(c);
}

/* The stream: stats lines at the interval, and it ends when the container stops. */
HTEST_ROOT(cgroup_verbs, events_stream_ends_with_the_container)
{
	struct hres r = { 0 };
	struct hproc p;
	size_t lines = 0;

	run_limited(c, "sleep 100");
	husk_spawn(c, &p, NULL, ARGS("events", "--interval", "100ms", c->id));
	usleep(500000);
	HUSK(c, &r, "kill", c->id, "KILL");
	assert_husk_ok(&r);
	hproc_wait(&p, &r, 10);
	assert_husk_ok(&r);
	for (char *l = r.out; (l = strstr(l, "{\"type\":\"stats\"")); l++)
		lines++;
	cr_assert_geq(lines, 2, "expected a stats line every 100ms:\n%s", r.out);
	hres_free(&r);
	kill_and_delete(c);
}

/* /proc/PID/stat names a process that is not a zombie (a dead init waits
 * there for the harness, its reaper, to collect it). */
static bool proc_alive(const char *stat)
{
	char *text = read_text(stat), *paren = text ? strrchr(text, ')') : NULL;
	bool alive = paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';

	free(text);
	return alive;
}

HTEST_ROOT(cgroup_verbs, kill_all_kills_every_process)
{
	struct hres r = { 0 };
	long long *pids;
	size_t n;

	/* The workload ignores TERM; its children are plain sleeps. */
	run_limited(c, "trap '' TERM; sleep 101 & sleep 102 & echo > /out/ready; wait; sleep 100");
	cr_assert(wait_file(hpath(c, "out/ready"), 5000));
	pids = ps_pids(c, &n);
	cr_assert_geq(n, 3);
	HUSK(c, &r, "kill", "--all", c->id, "KILL");
	assert_husk_ok(&r);
	cr_assert(wait_status(c, c->id, "stopped", 5000));
	for (int tries = 0; tries < 50; tries++) {
		size_t alive = 0;

		for (size_t i = 0; i < n; i++) {
			char path[64];

			snprintf(path, sizeof(path), "/proc/%lld/stat", pids[i]);
			alive += proc_alive(path);
		}
		if (alive == 0)
			break;
		cr_assert_lt(tries, 49, "%zu processes survived kill --all", alive);
		usleep(100000);
	}
	free(pids);
	hres_free(&r);
	kill_and_delete(c);
}

/*
 * Rootless on a host that delegates no cgroup to the user, the container
 * runs without one: pause, update and ps say so, on one line.  Where the
 * user does have a delegated cgroup, pause must simply work.
 */
HTEST_ROOTLESS(cgroup_verbs, without_a_cgroup_the_verbs_say_so)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("sleep", "100") });
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert(wait_status(c, c->id, "running", 5000));
	HUSK(c, &r, "pause", c->id);
	if (r.code == 0) {
		assert_status(c, c->id, "paused");
		HUSK(c, &r, "resume", c->id);
		assert_husk_ok(&r);
	} else {
		assert_husk_fails(&r);
		assert_contains(r.err, "has no cgroup (rootless without a delegated cgroup): "
				       "pause needs the freezer");
		cr_assert_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1, "one line: %s",
			     r.err);
		HUSK(c, &r, "update", "--memory", "64m", c->id);
		assert_husk_fails(&r);
		assert_contains(r.err, "has no cgroup");
		HUSK(c, &r, "ps", c->id);
		assert_husk_fails(&r);
		assert_contains(r.err, "has no cgroup");
		assert_status(c, c->id, "running");
	}
	hres_free(&r);
	kill_and_delete(c);
}

/* Pause and resume refuse a container that is not in the right state, by name. */
HTEST(cgroup_verbs, pause_a_stopped_container_is_an_error)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("true") });
	HUSK(c, &r, "run", "--keep", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	HUSK(c, &r, "pause", c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, "it is stopped");
	HUSK(c, &r, "resume", c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, "not paused");
	HUSK(c, &r, "delete", c->id);
	assert_husk_ok(&r);
	hres_free(&r);
	hctx_assert_clean(c);
}
