/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Into the container's cgroup: the container process (then its limits),
 * an exec'd process (through the cgroup.procs fds the exec helper writes
 * to), and `husk update`'s new limits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup-impl.h"
#include "husk/host.h"
#include "husk/util.h"

/* Write pid to dir/cgroup.procs. */
int cg_attach_dir(const char *dir, pid_t pid, struct husk_error *err)
{
	_cleanup_free_ char *file = xasprintf("%s/cgroup.procs", dir);
	char buf[24];

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	return write_string_at(AT_FDCWD, file, buf, err);
}

int cgroup_enter(struct cgroup *cg, pid_t pid, bool placed, struct husk_error *err)
{
	int r;

	if (!cg->opts.systemd && cg->n == 0)
		return 0;           /* rootless without a cgroup: the notice says so */
	if (cg->opts.systemd) {
		r = cg_systemd_enter(cg, pid, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < cg->n; i++) {
		if (placed && strcmp(cg->h[i].name, "unified") == 0)
			continue;
		r = cg_attach_dir(cg->h[i].dir, pid, err);
		if (r < 0)
			return husk_error_prefix(err, "put the container process %d in its cgroup",
						 (int)pid);
	}
	if (!cg->opts.resources)
		return 0;
	return cg_apply(cg, cg->opts.resources, false, err);
}

int cgroup_procs_fds(struct cgroup *cg, const char *sub, int **fds, size_t *n,
		     struct husk_error *err)
{
	_cleanup_free_ char *rel = NULL;
	bool absolute;
	int r;

	*fds = NULL;
	*n = 0;
	if (sub && *sub) {
		r = cg_path_check(sub, true, &rel, &absolute, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < cg->n; i++) {
		_cleanup_free_ char *dir = rel ? xasprintf("%s%s", cg->h[i].dir, rel)
					       : xstrdup(cg->h[i].dir);
		_cleanup_free_ char *file = xasprintf("%s/cgroup.procs", dir);
		int fd = -1;
		bool made;

		if (rel && (r = cg_mkdir_below(cg->h[i].dir, rel, &made, err)) < 0)
			husk_error_prefix(err, "--cgroup %s", sub);
		else if (rel && strcmp(cg->h[i].name, "cpuset") == 0 &&
			 (r = cg_cpuset_inherit(cg->h[i].dir, dir, err)) < 0)
			;
		else if ((fd = open(file, O_WRONLY | O_CLOEXEC)) < 0)
			r = husk_error_set(err, errno, "open %s, to put the exec'd process in the "
					   "container's cgroup", file);
		else
			r = 0;
		if (r < 0) {
			while (*n > 0)
				close((*fds)[--*n]);
			free(*fds);
			*fds = NULL;
			return r;
		}
		*fds = xrealloc(*fds, (*n + 1) * sizeof(**fds));
		(*fds)[(*n)++] = fd;
	}
	return 0;
}

/* Where pid is in the v1 hierarchy of controller `name` (/proc/PID/cgroup). */
static char *proc_cgroup_of(pid_t pid, const char *name)
{
	_cleanup_free_ char *file = xasprintf("/proc/%d/cgroup", (int)pid), *text = NULL;
	char *line, *save = NULL;

	if (read_file_at(AT_FDCWD, file, 1 << 16, &text, NULL, NULL) < 0)
		return NULL;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ctrls = strchr(line, ':'), *path = ctrls ? strchr(ctrls + 1, ':') : NULL;
		char *c, *s2 = NULL;

		if (!path)
			continue;
		*path++ = '\0';
		for (c = strtok_r(ctrls + 1, ",", &s2); c; c = strtok_r(NULL, ",", &s2))
			if (strcmp(c, name) == 0)
				return xstrdup(path);
	}
	return NULL;
}

/*
 * A v1 hierarchy the container did not join at create (cg_v1_needed()
 * left it out) and an update now needs: a cgroup of the container's name
 * next to where its processes are in that hierarchy (husk's own cgroup at
 * create), filled (cpuset) and joined by every process, frozen meanwhile
 * so that none forks past the move.
 */
static int join_late(struct cgroup *cg, const struct host_cgroup_v1 *v, struct husk_error *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	_cleanup_free_ char *at = NULL, *rel = NULL, *dir = NULL;
	const char *leaf = cg->path ? strrchr(cg->path, '/') : NULL;
	bool made, frozen;
	size_t n = 0;
	int r;

	r = cgroup_pids(cg, &pids, &n, err);
	if (r < 0)
		return r;
	at = n ? proc_cgroup_of(pids[0], v->name) : NULL;
	if (!at || !leaf)
		return husk_error_setq(err, ESRCH, "the container has no process to find its %s "
				       "cgroup by", v->name);
	rel = strcmp(at, "/") == 0 ? xstrdup(leaf) : xasprintf("%s%s", at, leaf);
	dir = xasprintf("%s%s", v->mount, rel);
	r = cg_mkdir_below(v->mount, rel, &made, err);
	if (r == 0 && strcmp(v->name, "cpuset") == 0)
		r = cg_cpuset_inherit(v->mount, dir, err);
	if (r < 0)
		return husk_error_prefix(err, "join the %s hierarchy", v->name);
	cg_add_hier(cg, v->name, TAKE_PTR(dir));
	frozen = cgroup_freezer_state(cg) == CGROUP_THAWED && cgroup_freeze(cg, true, NULL) == 0;
	free(pids);
	pids = NULL;
	r = cgroup_pids(cg, &pids, &n, err);
	for (size_t i = 0; r == 0 && i < n; i++) {
		r = cg_attach_dir(cg->h[cg->n - 1].dir, pids[i], err);
		if (r == -ESRCH) {
			husk_error_clear(err);
			r = 0;      /* gone meanwhile */
		}
	}
	if (frozen)
		(void)cgroup_freeze(cg, false, NULL);
	return r;
}

int cgroup_update(struct cgroup *cg, const struct husk_resources *r, struct husk_error *err)
{
	unsigned used = cg_groups_used(r);
	int ret;

	if (!cgroup_exists(cg))
		return husk_error_setq(err, ENOENT, "container \"%s\" has no cgroup (rootless "
				       "without a delegated cgroup), so its limits cannot change",
				       cg->id ? cg->id : "?");
	for (int g = 0; g < CG_GROUP_COUNT && !cg->rootless && !cg->scope; g++) {
		const struct host_cgroup_v1 *v;
		bool v2;

		if (!(used & (1u << g)) || g == CG_UNIFIED || g == CG_DEVICES ||
		    cg_group_dir(cg, g, &v2) || !(v = host_cgroup_v1(cg_group_v1_name(g))))
			continue;
		ret = join_late(cg, v, err);
		if (ret < 0)
			return ret;
	}
	return cg_apply(cg, r, true, err);
}
