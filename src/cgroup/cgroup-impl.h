/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_CGROUP_IMPL_H
#define HUSK_CGROUP_IMPL_H

/*
 * The manager's object, shared by cgroup.c (paths, create, enter),
 * apply.c (limits), control.c (freeze, signal, pids, destroy, open) and
 * scope.c (the systemd manager's side of those).
 */

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup/cgroup-internal.h"

/* One hierarchy's directory of the container's cgroup. */
struct cg_hier {
	char *name;                 /* "unified" or the v1 controller */
	char *dir;                  /* absolute */
	int fd;                     /* cg_hier_fd(), -1 until asked */
	bool made;                  /* husk made the leaf (undone on a failed create) */
	char *controllers;          /* cgroup2: cgroup.controllers, read once */
};

struct cgroup {
	char *id;                   /* NULL when opened from a record */
	char *path;                 /* inside the hierarchy: "/husk-abc" */
	struct cg_hier *h;
	size_t n;
	bool rootless;
	struct cgroup_opts opts;    /* cgroup_create()'s (borrowed until cgroup_enter()) */
	char *slice, *unit;         /* systemd */
	bool scope;                 /* the unit was started (or opened from a record) */
	char *notice;
};

/* cgroup.c */
/*
 * A cgroupsPath (sub: exec's --cgroup, below the container's) checked and
 * made canonical: plain components only, nothing that climbs out.
 */
int cg_path_check(const char *in, bool sub, char **out, bool *absolute, struct husk_error *err);
/* Whether a container joins the v1 hierarchy `name`, given its used groups. */
bool cg_v1_needed(const char *name, unsigned used);
/* mkdir -p of rel below base; *made: the last component was made here. */
int cg_mkdir_below(const char *base, const char *rel, bool *made, struct husk_error *err);

/* object.c */
void cg_add_hier(struct cgroup *cg, const char *name, char *dir);
struct cg_hier *cg_find(const struct cgroup *cg, const char *name);
int cg_hier_fd(struct cg_hier *h, struct husk_error *err);
bool cg_v2_has(struct cg_hier *h, const char *controller);
/* enter.c: write pid to dir/cgroup.procs */
int cg_attach_dir(const char *dir, pid_t pid, struct husk_error *err);
void cg_rmdirs(struct cgroup *cg);
/* Fill a new v1 cpuset cgroup's cpus and mems from its parent's. */
int cg_cpuset_inherit(const char *mount, const char *dir, struct husk_error *err);

/* apply.c: write r's limits where each group's controller is (update: husk update). */
int cg_apply(struct cgroup *cg, const struct husk_resources *r, bool update,
	     struct husk_error *err);

/* scope.c: --systemd-cgroup. */
int cg_systemd_prepare(struct cgroup *cg, const struct cgroup_opts *o, struct husk_error *err);
int cg_systemd_enter(struct cgroup *cg, pid_t pid, struct husk_error *err);

#endif
