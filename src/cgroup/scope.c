/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --systemd-cgroup: the container's cgroup is a transient scope that
 * systemd makes (systemd.c speaks to it).  The scope can only be made
 * around a process, so cgroup_create() just works out its name, and
 * cgroup_enter() makes it with the container process in it; from then on
 * it is a cgroup like any other (its directories in the record, limits
 * that systemd has no property for written to its files), and removing it
 * stops the unit first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup-impl.h"
#include "husk/host.h"
#include "husk/util.h"

int cg_systemd_prepare(struct cgroup *cg, const struct cgroup_opts *o, struct husk_error *err)
{
	return cg_systemd_name(o->path, o->id, o->rootless, &cg->slice, &cg->unit, err);
}

/*
 * The scope's directories: its cgroup2 one, and on v1 hosts the same path
 * in each controller's hierarchy (systemd makes those only for the
 * controllers it manages, so the others are made and joined here).
 */
int cg_systemd_enter(struct cgroup *cg, pid_t pid, struct husk_error *err)
{
	const struct host_cgroup *h = host_cgroup();
	unsigned used = cg->opts.resources ? cg_groups_used(cg->opts.resources) : 0;
	_cleanup_free_ char *path = NULL;
	int r;

	r = cg_systemd_start(cg->slice, cg->unit, pid, cg->rootless, cg->opts.resources,
			     cg->opts.annotations, cg->opts.n_annotations, &path, err);
	if (r < 0)
		return r;
	cg->scope = true;
	if (h->v2_mount)
		cg_add_hier(cg, "unified", xasprintf("%s%s", h->v2_mount, path));
	for (size_t i = 0; !cg->rootless && i < h->n_v1; i++) {
		char *dir;

		if (!cg_v1_needed(h->v1[i].name, used))
			continue;
		dir = xasprintf("%s%s", h->v1[i].mount, path);

		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			free(dir);
			continue;
		}
		cg_add_hier(cg, h->v1[i].name, dir);
		if (strcmp(h->v1[i].name, "cpuset") == 0 &&
		    (r = cg_cpuset_inherit(h->v1[i].mount, dir, err)) < 0)
			return r;
	}
	cg->path = TAKE_PTR(path);
	return 0;
}
