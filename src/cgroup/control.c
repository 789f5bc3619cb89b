/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A container's cgroup after create: opened again from its record, then
 * frozen, thawed, signalled, listed, measured (stats.c) and removed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup-impl.h"
#include "husk/host.h"
#include "husk/util.h"

#define CG_WAIT_MS 5000             /* freezing, emptying, removing */

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- open --------------------------------------------------------------------------- */

/* dir is absolute, below one of the host's cgroup mounts, with no "." or ".." component. */
static bool below_cgroup_mount(const char *dir)
{
	const struct host_cgroup *h = host_cgroup();
	const char *p;

	if (dir[0] != '/')
		return false;
	for (p = dir; p && *p; p = strchr(p + 1, '/'))
		if (str_has_prefix(p, "/./") || str_has_prefix(p, "/../") || strcmp(p, "/.") == 0 ||
		    strcmp(p, "/..") == 0)
			return false;
	if (h->v2_mount && str_has_prefix(dir, h->v2_mount) && dir[strlen(h->v2_mount)] == '/')
		return true;
	for (size_t i = 0; i < h->n_v1; i++)
		if (str_has_prefix(dir, h->v1[i].mount) && dir[strlen(h->v1[i].mount)] == '/')
			return true;
	return false;
}

int cgroup_open(const struct husk_kv *dirs, size_t n_dirs, const char *unit,
		struct cgroup **out, struct husk_error *err)
{
	_cleanup_cgroup_ struct cgroup *cg = xcalloc(1, sizeof(*cg));

	for (size_t i = 0; i < n_dirs; i++) {
		if (!below_cgroup_mount(dirs[i].value))
			return husk_error_setq(err, EPERM, "state.json: cgroupDirs.%s: \"%s\" is not "
					       "a cgroup of this host", dirs[i].key, dirs[i].value);
		if (access(dirs[i].value, F_OK) < 0)
			continue;       /* removed already */
		cg_add_hier(cg, dirs[i].key, xstrdup(dirs[i].value));
		if (!cg->path) {
			const char *d = dirs[i].value;
			const struct host_cgroup *h = host_cgroup();
			const char *m = strcmp(dirs[i].key, "unified") == 0 ? h->v2_mount : NULL;
			const struct host_cgroup_v1 *v = m ? NULL : host_cgroup_v1(dirs[i].key);

			if (v)
				m = v->mount;
			cg->path = xstrdup(m ? d + strlen(m) : d);
		}
	}
	cg->unit = unit ? xstrdup(unit) : NULL;
	cg->scope = unit != NULL;
	cg->rootless = host_rootless();
	*out = TAKE_PTR(cg);
	return 0;
}

/* ---- freezing ------------------------------------------------------------------------- */

/* The file that freezes: v1's freezer.state where there is one, else cgroup2's cgroup.freeze. */
static const char *freezer(const struct cgroup *cg, bool *v1)
{
	const char *d = cg_hier_dir(cg, "freezer");

	*v1 = d != NULL;
	return d ? d : cg_hier_dir(cg, "unified");
}

static bool frozen_now(const char *dir, bool v1, bool want)
{
	_cleanup_free_ char *file = xasprintf("%s/%s", dir, v1 ? "freezer.state" : "cgroup.events");
	_cleanup_free_ char *text = NULL;

	if (read_file_at(AT_FDCWD, file, 4096, &text, NULL, NULL) < 0)
		return false;
	if (v1)
		return str_has_prefix(text, want ? "FROZEN" : "THAWED");
	return strstr(text, want ? "frozen 1" : "frozen 0") != NULL;
}

int cgroup_freeze(struct cgroup *cg, bool frozen, struct husk_error *err)
{
	bool v1;
	const char *dir = freezer(cg, &v1);
	_cleanup_free_ char *file = NULL;
	const char *value = v1 ? (frozen ? "FROZEN" : "THAWED") : (frozen ? "1" : "0");

	if (!dir)
		return husk_error_setq(err, ENOENT, "the container has no cgroup (rootless without "
				       "a delegated cgroup): %s needs the freezer",
				       frozen ? "pause" : "resume");
	file = xasprintf("%s/%s", dir, v1 ? "freezer.state" : "cgroup.freeze");
	for (int ms = 0; ms < CG_WAIT_MS; ms += 2) {
		/* v1 can stay FREEZING while a task is in an uninterruptible
		 * sleep; writing again retries it, as the kernel docs say. */
		if (ms % 100 == 0) {
			int r = write_string_at(AT_FDCWD, file, value, err);

			if (r < 0)
				return husk_error_prefix(err, "%s the container",
							 frozen ? "freeze" : "thaw");
		}
		if (frozen_now(dir, v1, frozen))
			return 0;
		sleep_ms(2);
	}
	return husk_error_setq(err, ETIMEDOUT, "%s did not become %s within %d ms", file,
			       frozen ? "frozen" : "thawed", CG_WAIT_MS);
}

enum cgroup_freezer cgroup_freezer_state(const struct cgroup *cg)
{
	bool v1;
	const char *dir = cg ? freezer(cg, &v1) : NULL;
	_cleanup_free_ char *file = NULL, *text = NULL;

	if (!dir)
		return CGROUP_FREEZER_NONE;
	file = xasprintf("%s/%s", dir, v1 ? "freezer.state" : "cgroup.freeze");
	if (read_file_at(AT_FDCWD, file, 64, &text, NULL, NULL) < 0)
		return CGROUP_FREEZER_NONE;
	if (v1)
		return str_has_prefix(text, "THAWED") ? CGROUP_THAWED : CGROUP_FROZEN;
	return text[0] == '1' ? CGROUP_FROZEN : CGROUP_THAWED;
}

/* ---- processes ---------------------------------------------------------------------------- */

/* The directory whose cgroup.procs (and sub-cgroups') list every process. */
static const char *procs_dir(const struct cgroup *cg)
{
	static const char *const order[] = { "unified", "pids", "freezer", "memory", "cpu" };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (cg_hier_dir(cg, order[i]))
			return cg_hier_dir(cg, order[i]);
	return cg->n ? cg->h[0].dir : NULL;
}

static void pids_add(pid_t **pids, size_t *n, pid_t pid)
{
	*pids = xrealloc(*pids, (*n + 1) * sizeof(**pids));
	(*pids)[(*n)++] = pid;
}

/* dir's cgroup.procs and those of every cgroup below it. */
static int pids_walk(const char *dir, int depth, pid_t **pids, size_t *n, struct husk_error *err)
{
	_cleanup_free_ char *file = xasprintf("%s/cgroup.procs", dir), *text = NULL;
	char *line, *save = NULL;
	DIR *d;
	struct dirent *e;
	int r;

	r = read_file_at(AT_FDCWD, file, 1 << 22, &text, NULL, err);
	if (r == -ENOENT) {
		husk_error_clear(err);
		return 0;       /* removed meanwhile */
	}
	if (r < 0)
		return r;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int64_t v;

		if (parse_int64(line, &v) == 0 && v > 0)
			pids_add(pids, n, (pid_t)v);
	}
	if (depth > 32 || !(d = opendir(dir)))
		return 0;
	while ((e = readdir(d))) {
		_cleanup_free_ char *sub = NULL;

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		sub = xasprintf("%s/%s", dir, e->d_name);
		if ((r = pids_walk(sub, depth + 1, pids, n, err)) < 0)
			break;
	}
	closedir(d);
	return r < 0 ? r : 0;
}

static int pid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

bool cgroup_populated(const struct cgroup *cg)
{
	const char *u = cg_hier_dir(cg, "unified"), *dir = procs_dir(cg);
	_cleanup_free_ char *file = NULL, *text = NULL;

	if (!dir)
		return false;
	file = u ? xasprintf("%s/cgroup.events", u) : xasprintf("%s/cgroup.procs", dir);
	if (read_file_at(AT_FDCWD, file, 4096, &text, NULL, NULL) < 0)
		return false;
	if (u)
		return strstr(text, "populated 1") != NULL;
	return text[0] && text[0] != '\n';
}

int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n, struct husk_error *err)
{
	const char *dir = procs_dir(cg);
	int r;

	*pids = NULL;
	*n = 0;
	if (!dir)
		return 0;
	r = pids_walk(dir, 0, pids, n, err);
	if (r < 0) {
		free(*pids);
		*pids = NULL;
		*n = 0;
		return r;
	}
	if (*n)
		qsort(*pids, *n, sizeof(**pids), pid_cmp);
	return 0;
}

int cgroup_signal_all(struct cgroup *cg, int sig, struct husk_error *err)
{
	const char *u = cg_hier_dir(cg, "unified");
	_cleanup_free_ pid_t *pids = NULL;
	bool can_freeze, was_frozen, v1;
	size_t n = 0;
	int r;

	if (!procs_dir(cg))
		return husk_error_setq(err, ENOENT, "the container has no cgroup");
	/* A paused container stays paused (its signals wait), except for
	 * SIGKILL: a frozen process dies only once thawed (on a hybrid host
	 * cgroup.kill too leaves v1-frozen processes waiting). */
	was_frozen = cgroup_freezer_state(cg) == CGROUP_FROZEN;
	if (sig == SIGKILL && u && host_has(HOST_FEATURE_CGROUP_KILL)) {
		_cleanup_free_ char *kill_file = xasprintf("%s/cgroup.kill", u);

		if (write_string_at(AT_FDCWD, kill_file, "1", NULL) == 0) {
			if (was_frozen)
				(void)cgroup_freeze(cg, false, NULL);
			return 0;
		}
	}
	/* Frozen, nothing forks between the listing and the signals. */
	can_freeze = !was_frozen && freezer(cg, &v1) != NULL;
	if (can_freeze && cgroup_freeze(cg, true, NULL) < 0)
		can_freeze = false;
	r = cgroup_pids(cg, &pids, &n, err);
	for (size_t i = 0; r == 0 && i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			r = husk_error_set(err, errno, "kill(%d, %d)", (int)pids[i], sig);
	if (can_freeze || (was_frozen && sig == SIGKILL))
		(void)cgroup_freeze(cg, false, NULL);
	return r;
}

/* ---- removal ------------------------------------------------------------------------------ */

/*
 * rmdir dir, and first the cgroups below it when it has some (exec
 * --cgroup's, a delegated workload's): the usual leaf goes in one call.
 * Gone already is fine.
 */
static int rmdir_tree(const char *dir, int depth, struct husk_error *err)
{
	for (int ms = 0;; ms += 10) {
		DIR *d;
		struct dirent *e;

		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY && errno != ENOTEMPTY)
			return husk_error_set(err, errno, "rmdir %s", dir);
		d = depth < 32 ? opendir(dir) : NULL;
		while (d && (e = readdir(d))) {
			_cleanup_free_ char *sub = NULL;

			if (e->d_type != DT_DIR || e->d_name[0] == '.')
				continue;
			sub = xasprintf("%s/%s", dir, e->d_name);
			(void)rmdir_tree(sub, depth + 1, NULL);
		}
		if (d)
			closedir(d);
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		/* EBUSY: a process still exiting, its cgroup not released yet. */
		if (errno != EBUSY || ms >= CG_WAIT_MS)
			return husk_error_set(err, errno, "rmdir %s", dir);
		sleep_ms(10);
	}
}

static bool empty(const struct cgroup *cg)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;

	return cgroup_pids(cg, &pids, &n, NULL) < 0 || n == 0;
}

/* The leaf of every hierarchy removed at the first try: nothing was left in it. */
static bool rmdir_all_at_once(struct cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++) {
		closep(&cg->h[i].fd);
		if (rmdir(cg->h[i].dir) < 0 && errno != ENOENT)
			return false;
	}
	return true;
}

int cgroup_destroy(struct cgroup *cg, struct husk_error *err)
{
	int r = 0;

	if (!cgroup_exists(cg))
		return 0;
	if (cg->scope && (r = cg_systemd_stop(cg->unit, cg->rootless, err)) < 0)
		return r;
	/* The usual case, a stopped container: its cgroups are empty leaves. */
	if (rmdir_all_at_once(cg))
		return 0;
	if (cg->n > 0 && !empty(cg)) {
		if (cgroup_freezer_state(cg) == CGROUP_FROZEN)
			(void)cgroup_freeze(cg, false, NULL);
		r = cgroup_signal_all(cg, SIGKILL, err);
		if (r < 0)
			return husk_error_prefix(err, "kill what is left in the container's cgroup");
		for (int ms = 0; !empty(cg); ms += 5) {
			if (ms >= CG_WAIT_MS)
				return husk_error_setq(err, EBUSY, "the container's cgroup %s still has "
						       "processes %d ms after SIGKILL", procs_dir(cg),
						       CG_WAIT_MS);
			sleep_ms(5);
		}
	}
	for (size_t i = 0; i < cg->n; i++) {
		closep(&cg->h[i].fd);
		r = rmdir_tree(cg->h[i].dir, 0, err);
		if (r < 0)
			return husk_error_prefix(err, "remove the container's cgroup");
	}
	return 0;
}
