/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Limits: each group of linux.resources goes where its controller is
 * (cg_group_dir()), as the v2 or v1 plan says, written in order.  A group
 * whose controller the container's cgroup does not have is an error as
 * root, naming the controller and what to do; rootless it joins the one
 * notice (cgroup_notice()).
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

/* Add "what" to the notice, "; "-separated. */
static void notice_add(struct cgroup *cg, const char *what)
{
	char *n = cg->notice ? xasprintf("%s; %s", cg->notice, what) : xstrdup(what);

	free(cg->notice);
	cg->notice = n;
}

/*
 * One file write of a plan, in dir: the alternative file when the first is
 * missing; a missing optional file is skipped.  -errno with err naming the
 * field and the file.
 */
static int write_one(const char *dir, const struct cg_write *w, struct husk_error *err)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, w->file);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	const char *value = w->value;
	int r;

	if (fd < 0 && errno == ENOENT && w->alt_file) {
		free(path);
		path = xasprintf("%s/%s", dir, w->alt_file);
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (w->alt_value)
			value = w->alt_value;
	}
	if (fd < 0 && errno == ENOENT && w->optional)
		return 0;
	if (fd < 0) {
		r = -errno;
		husk_error_set(err, -r, "config.json: %s: open %s", w->json_path, path);
		if (r == -ENOENT)
			husk_error_hint(err, "this kernel has no such file: is its controller "
					"enabled, or the feature built in?");
		return r;
	}
	r = write_all(fd, value, strlen(value));
	if (r < 0)
		return husk_error_set(err, -r, "config.json: %s: write \"%s\" to %s", w->json_path,
				      value, path);
	return 0;
}

/*
 * Write entry i of the plan; returns the index of the last entry it wrote.
 * An entry marked retry_after_next that fails with EINVAL is made again
 * after the next one (itself written by the same rule): v1 memory and memsw
 * limits, cfs period, burst and quota must stay ordered whatever the
 * current values are.
 */
static int write_at(struct cgroup *cg, const struct cg_plan *p, size_t i, size_t *last,
		    struct husk_error *err)
{
	const struct cg_write *w = &p->w[i];
	bool v2;
	const char *dir = cg_group_dir(cg, w->group, &v2);
	int r;

	*last = i;
	if (!dir)
		return husk_error_setq(err, ENOENT, "config.json: %s: the container's cgroup has "
				       "no %s controller", w->json_path, cg_group_v1_name(w->group));
	r = write_one(dir, w, err);
	if (r == -EINVAL && w->retry_after_next && i + 1 < p->n) {
		husk_error_clear(err);
		r = write_at(cg, p, i + 1, last, err);
		if (r == 0)
			r = write_one(dir, w, err);
	}
	return r;
}

static int write_plan(struct cgroup *cg, const struct cg_plan *p, struct husk_error *err)
{
	size_t last;

	for (size_t i = 0; i < p->n; i = last + 1) {
		int r = write_at(cg, p, i, &last, err);

		if (r < 0)
			return r;
	}
	return 0;
}

/* checkBeforeUpdate: a new memory limit below what the cgroup uses now is refused. */
static int check_before_update(struct cgroup *cg, const struct husk_resources *r,
			       struct husk_error *err)
{
	const struct husk_memory *m = r->memory;
	_cleanup_free_ char *path = NULL, *text = NULL;
	const char *dir;
	uint64_t usage;
	bool v2;

	if (!m || !m->check_before_update.set || !m->check_before_update.value ||
	    !m->limit.set || m->limit.value <= 0)
		return 0;
	dir = cg_group_dir(cg, CG_MEMORY, &v2);
	if (!dir)
		return 0;
	path = xasprintf("%s/%s", dir, v2 ? "memory.current" : "memory.usage_in_bytes");
	if (read_file_at(AT_FDCWD, path, 64, &text, NULL, NULL) < 0)
		return 0;
	text[strcspn(text, "\n")] = '\0';
	if (parse_uint64(text, &usage) == 0 && (uint64_t)m->limit.value < usage)
		return husk_error_setq(err, EBUSY, ".linux.resources.memory.limit: %lld is below "
				       "the %llu bytes the container uses now (%s), and "
				       "checkBeforeUpdate is set", (long long)m->limit.value,
				       (unsigned long long)usage, path);
	return 0;
}

/* Device rules: v1's devices controller, else an eBPF program on the cgroup2 directory. */
/*
 * The devices a container always has (the runtime-spec's default set, and
 * the pty pairs behind /dev/ptmx), allowed after the config's rules as
 * runc does, so that no rule can break them; and every .linux.devices
 * entry, which the spec says MUST be available.
 */
static const struct husk_device_cgroup default_allow[] = {
	{ .allow = true, .type = 'c', .major = { true, 1 }, .minor = { true, 3 } },   /* null */
	{ .allow = true, .type = 'c', .major = { true, 1 }, .minor = { true, 5 } },   /* zero */
	{ .allow = true, .type = 'c', .major = { true, 1 }, .minor = { true, 7 } },   /* full */
	{ .allow = true, .type = 'c', .major = { true, 1 }, .minor = { true, 8 } },   /* random */
	{ .allow = true, .type = 'c', .major = { true, 1 }, .minor = { true, 9 } },   /* urandom */
	{ .allow = true, .type = 'c', .major = { true, 5 }, .minor = { true, 0 } },   /* tty */
	{ .allow = true, .type = 'c', .major = { true, 5 }, .minor = { true, 2 } },   /* ptmx */
	{ .allow = true, .type = 'c', .major = { true, 136 }, .minor = { false, 0 } }, /* pts */
};

static int apply_devices(struct cgroup *cg, const struct husk_resources *r,
			 struct husk_error *err)
{
	struct cg_hier *h = cg_find(cg, "devices");
	size_t n = r->n_devices + ARRAY_SIZE(default_allow) + cg->opts.n_devices, k = 0;
	_cleanup_free_ struct husk_device_cgroup *rules = xcalloc(n, sizeof(*rules));
	int fd;

	for (size_t i = 0; i < r->n_devices; i++)
		rules[k++] = r->devices[i];
	for (size_t i = 0; i < ARRAY_SIZE(default_allow); i++)
		rules[k++] = default_allow[i];
	for (size_t i = 0; i < cg->opts.n_devices; i++) {
		const struct husk_device *d = &cg->opts.devices[i];

		if (d->type == 'p')
			continue;   /* a fifo is no device to the controller */
		rules[k++] = (struct husk_device_cgroup){ .allow = true,
			.type = d->type == 'b' ? 'b' : 'c', .major = { true, d->major },
			.minor = { true, d->minor } };
	}
	n = k;

	if (!h)
		h = cg_find(cg, "unified");
	if (!h)
		return husk_error_setq(err, ENOENT, "config.json: .linux.resources.devices: the "
				       "container's cgroup has no devices controller and no cgroup2 "
				       "directory to attach a device program to");
	fd = cg_hier_fd(h, err);
	if (fd < 0)
		return fd;
	if (strcmp(h->name, "devices") == 0)
		return cg_devices_v1(fd, rules, n, err);
	return cg_devices_v2(fd, rules, n, err);
}

int cg_apply(struct cgroup *cg, const struct husk_resources *r, bool update,
	     struct husk_error *err)
{
	struct cg_plan p2 = { 0 }, p1 = { 0 };
	_cleanup_strv_ char **missing = NULL;
	unsigned used = cg_groups_used(r), v2 = 0, v1 = 0;
	int ret = 0;

	for (int g = 0; g < CG_GROUP_COUNT; g++) {
		struct cg_hier *u = cg_find(cg, "unified");
		const char *v2name = cg_group_v2_name(g);

		if (!(used & (1u << g)) || g == CG_DEVICES)
			continue;
		if (u && (g == CG_UNIFIED || (v2name && cg_v2_has(u, v2name))))
			v2 |= 1u << g;
		else if (g != CG_UNIFIED && cg_find(cg, cg_group_v1_name(g)))
			v1 |= 1u << g;
		else if (g == CG_UNIFIED && !u)
			v2 |= 1u << g;          /* the v1 plan refuses it, naming the field */
		else
			strv_push(&missing, g == CG_UNIFIED ? "unified" : cg_group_v1_name(g));
	}
	if (missing) {
		_cleanup_free_ char *list = strv_join(missing, ", ");

		bool many = strv_length(missing) > 1;

		if (!cg->rootless)
			return husk_error_setq(err, ENOENT, "config.json: .linux.resources: the "
					       "container's cgroup %s has no %s controller%s (enable "
					       "%s in the parent's cgroup.subtree_control or mount %s v1 "
					       "hierarch%s, or drop those limits)", cg->path, list,
					       many ? "s" : "", many ? "them" : "it",
					       many ? "their" : "its", many ? "ies" : "y");
		if (!cg_find(cg, "memory") && host_cgroup()->n_v1 > 0) {
			_cleanup_free_ char *why = xasprintf("%s: cgroup v1 has no delegation to "
							     "uid %u (not applied)", list,
							     (unsigned)host_outer_euid());
			notice_add(cg, why);
		} else {
			_cleanup_free_ char *why = xasprintf("%s: the controller%s not delegated to "
							     "%s (not applied)", list,
							     strv_length(missing) > 1 ? "s are" : " is",
							     cg->h[0].dir);
			notice_add(cg, why);
		}
	}
	if (update && (used & (1u << CG_DEVICES)))
		return husk_error_setq(err, EINVAL, ".linux.resources.devices: device rules cannot "
				       "change on a running container (as with runc): recreate it");
	ret = cg2_plan(r, v2, update, &p2, err);
	if (ret == 0)
		ret = cg1_plan(r, v1, update, &p1, err);
	if (ret == 0 && update && (p1.check_before_update || p2.check_before_update))
		ret = check_before_update(cg, r, err);
	if (ret == 0)
		ret = write_plan(cg, &p2, err);
	if (ret == 0)
		ret = write_plan(cg, &p1, err);
	for (size_t i = 0; ret == 0 && i < strv_length(p2.notes); i++)
		notice_add(cg, p2.notes[i]);
	for (size_t i = 0; ret == 0 && i < strv_length(p1.notes); i++)
		notice_add(cg, p1.notes[i]);
	cg_plan_free(&p2);
	cg_plan_free(&p1);
	if (ret == 0 && (used & (1u << CG_DEVICES)) && !cg->rootless)
		ret = apply_devices(cg, r, err);
	return ret;
}
