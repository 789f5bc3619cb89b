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

int cgroup_update(struct cgroup *cg, const struct husk_resources *r, struct husk_error *err)
{
	if (!cgroup_exists(cg))
		return husk_error_setq(err, ENOENT, "container \"%s\" has no cgroup (rootless "
				       "without a delegated cgroup), so its limits cannot change",
				       cg->id ? cg->id : "?");
	return cg_apply(cg, r, true, err);
}
