/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The manager's object (cgroup-impl.h): its hierarchies, what the record
 * keeps of it, and where each limit group's files are.
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

void cg_add_hier(struct cgroup *cg, const char *name, char *dir)
{
	cg->h = xrealloc(cg->h, (cg->n + 1) * sizeof(*cg->h));
	cg->h[cg->n++] = (struct cg_hier){ .name = xstrdup(name), .dir = dir, .fd = -1 };
}

struct cg_hier *cg_find(const struct cgroup *cg, const char *name)
{
	for (size_t i = 0; i < cg->n; i++)
		if (strcmp(cg->h[i].name, name) == 0)
			return &cg->h[i];
	return NULL;
}

void cgroup_free(struct cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n; i++) {
		free(cg->h[i].name);
		free(cg->h[i].dir);
		closep(&cg->h[i].fd);
		free(cg->h[i].controllers);
	}
	free(cg->h);
	free(cg->id);
	free(cg->path);
	free(cg->unit);
	free(cg->slice);
	free(cg->notice);
	free(cg);
}

bool cgroup_exists(const struct cgroup *cg)
{
	return cg && (cg->n > 0 || cg->scope);
}

const char *cgroup_notice(const struct cgroup *cg)
{
	return cg ? cg->notice : NULL;
}

const char *cgroup_path(const struct cgroup *cg)
{
	return cg && cg->n > 0 ? cg->path : NULL;
}

const char *cgroup_unit(const struct cgroup *cg)
{
	return cg && cg->scope ? cg->unit : NULL;
}

size_t cgroup_record_dirs(const struct cgroup *cg, struct husk_kv **dirs)
{
	struct husk_kv *kv = cg->n ? xcalloc(cg->n, sizeof(*kv)) : NULL;

	for (size_t i = 0; i < cg->n; i++)
		kv[i] = (struct husk_kv){ .key = xstrdup(cg->h[i].name),
					  .value = xstrdup(cg->h[i].dir) };
	*dirs = kv;
	return cg->n;
}

const char *cg_hier_dir(const struct cgroup *cg, const char *name)
{
	const struct cg_hier *h = cg_find(cg, name);

	return h ? h->dir : NULL;
}

/* The controllers the cgroup2 directory of h has (its cgroup.controllers), cached. */
bool cg_v2_has(struct cg_hier *h, const char *controller)
{
	const char *p;
	size_t len = strlen(controller);

	if (!h->controllers) {
		_cleanup_free_ char *file = xasprintf("%s/cgroup.controllers", h->dir);

		if (read_file_at(AT_FDCWD, file, 4096, &h->controllers, NULL, NULL) < 0)
			h->controllers = xstrdup("");
	}
	for (p = h->controllers; (p = strstr(p, controller)); p += len)
		if ((p == h->controllers || p[-1] == ' ') &&
		    (p[len] == '\0' || p[len] == ' ' || p[len] == '\n'))
			return true;
	return false;
}

const char *cg_group_dir(const struct cgroup *cg, enum cg_group g, bool *v2)
{
	struct cg_hier *u = cg_find(cg, "unified");
	const char *v2name = cg_group_v2_name(g);
	const char *v1dir;

	if (u && (g == CG_UNIFIED || (v2name && cg_v2_has(u, v2name)))) {
		*v2 = true;
		return u->dir;
	}
	v1dir = g == CG_UNIFIED ? NULL : cg_hier_dir(cg, cg_group_v1_name(g));
	*v2 = false;
	return v1dir;
}

/* An open directory fd of h (O_RDONLY|O_DIRECTORY), opened once. */
int cg_hier_fd(struct cg_hier *h, struct husk_error *err)
{
	if (h->fd < 0) {
		h->fd = open(h->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (h->fd < 0)
			return husk_error_set(err, errno, "open the cgroup %s", h->dir);
	}
	return h->fd;
}

