/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroup manager (husk/cgroup.h): where a container's cgroup goes and
 * making it.  The object and its record are in object.c, entering it in
 * enter.c, limits in apply.c; freezing, signalling, listing and removal in
 * control.c.
 *
 * A container's cgroup is a list of hierarchies, each one directory:
 * "unified" (the cgroup2 directory, on v2 and hybrid hosts) and, on v1 and
 * hybrid hosts, one per v1 controller.  Each limit group (cg_group) is
 * written where its controller is: in the cgroup2 directory when the
 * cgroup2 hierarchy holds that controller, else in the v1 hierarchy of that
 * name.  The same code therefore serves v2, v1 and hybrid hosts; systemd
 * adds a scope around the same directories (systemd.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup-impl.h"
#include "husk/host.h"
#include "husk/util.h"

/* ---- paths --------------------------------------------------------------------- */

/*
 * .linux.cgroupsPath (or, `sub`, exec's --cgroup below the container's
 * cgroup), checked: every component a plain name (no "." or "..", nothing
 * a cgroup directory cannot be named), so the result stays below the
 * hierarchy root, or the container's cgroup, whatever it is joined to.
 * Returns it without repeated or trailing slashes; *absolute says whether
 * it began with '/'.  A --cgroup of "/" is the container's cgroup itself
 * (*out NULL); a cgroupsPath of "/" is refused.
 */
int cg_path_check(const char *in, bool sub, char **out, bool *absolute,
		      struct husk_error *err)
{
	_cleanup_free_ char *copy = xstrdup(in), *norm = xstrdup("");
	const char *what = sub ? "--cgroup" : "config.json: .linux.cgroupsPath";
	char *c, *save = NULL;

	*absolute = in[0] == '/';
	*out = NULL;
	for (c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		char *next;

		if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0)
			return husk_error_setq(err, EINVAL, "%s: \"%s\" has a \"%s\" component: %s",
					       what, in, c, sub ? "the process's cgroup must be "
					       "below the container's" : "the container's cgroup "
					       "must stay below the cgroup root");
		if (strlen(c) > NAME_MAX)
			return husk_error_setq(err, ENAMETOOLONG, "%s: a component of \"%.60s...\" "
					       "is longer than %d bytes", what, in, NAME_MAX);
		next = xasprintf("%s/%s", norm, c);
		free(norm);
		norm = next;
	}
	if (!*norm && sub)
		return 0;
	if (!*norm)
		return husk_error_setq(err, EINVAL, "config.json: .linux.cgroupsPath: \"%s\" names "
				       "the cgroup root itself; give the container a cgroup of its "
				       "own (or leave cgroupsPath out)", in);
	*out = TAKE_PTR(norm);
	return 0;
}

/* dir's parent path ("/a/b" -> "/a", "/a" -> "/"). */
static char *path_parent(const char *p)
{
	const char *slash = strrchr(p, '/');

	return slash && slash != p ? xstrndup(p, (size_t)(slash - p)) : xstrdup("/");
}

/* base + rel ("/" + "/x" -> "/x", "/a" + "/x" -> "/a/x"). */
static char *path_join(const char *base, const char *rel)
{
	return strcmp(base, "/") == 0 ? xstrdup(rel) : xasprintf("%s%s", base, rel);
}

/*
 * Where relative paths start in the cgroup2 hierarchy: husk's own cgroup,
 * or its parent when it is not the root: husk itself is a process in it,
 * and a cgroup with processes cannot hand controllers to children (the
 * "no internal processes" rule), so the container becomes its sibling.
 */
static char *v2_base(const struct host_cgroup *h)
{
	if (!h->own_path || strcmp(h->own_path, "/") == 0)
		return xstrdup("/");
	return path_parent(h->own_path);
}

bool cgroup_has_limits(const struct husk_resources *r)
{
	return r && (cg_groups_used(r) & ~(1u << CG_DEVICES)) != 0;
}

char *cgroup_limits_unavailable(bool systemd)
{
	const struct host_cgroup *h = host_cgroup();
	_cleanup_free_ char *base = NULL, *dir = NULL, *procs = NULL;

	if (!host_rootless() || systemd)
		return NULL;
	if (h->layout == HOST_CGROUP_NONE)
		return xstrdup("this host has no cgroup filesystem");
	if (h->layout != HOST_CGROUP_V2)
		return xasprintf("cgroup v1 has no delegation to uid %u",
				 (unsigned)host_outer_euid());
	base = v2_base(h);
	dir = path_join(h->v2_mount, strcmp(base, "/") ? base : "");
	procs = xasprintf("%s/cgroup.procs", dir);
	if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) == 0 &&
	    faccessat(AT_FDCWD, procs, W_OK, AT_EACCESS) == 0)
		return NULL;
	if (h->delegated)
		return xasprintf("only husk's own cgroup %s is delegated to uid %u, and a cgroup "
				 "with processes in it cannot pass controllers down", h->own_dir,
				 (unsigned)host_outer_euid());
	return xasprintf("the cgroup %s is not delegated to uid %u", dir,
			 (unsigned)host_outer_euid());
}

/* ---- making the directories ---------------------------------------------------------- */

/*
 * mkdir -p of rel below base, one component at a time; *made says whether
 * the last one was made here (and so is ours to remove when undone).
 */
int cg_mkdir_below(const char *base, const char *rel, bool *made, struct husk_error *err)
{
	_cleanup_free_ char *copy = xstrdup(rel), *dir = xstrdup(base);
	char *c, *save = NULL;

	/* The parent is there, most times: one mkdir. */
	free(dir);
	dir = xasprintf("%s/%s", base, rel[0] == '/' ? rel + 1 : rel);
	*made = mkdir(dir, 0755) == 0;
	if (*made || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return husk_error_set(err, errno, "mkdir %s", dir);
	free(dir);
	dir = xstrdup(base);
	for (c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		char *next = xasprintf("%s/%s", dir, c);

		free(dir);
		dir = next;
		*made = mkdir(dir, 0755) == 0;
		if (!*made && errno != EEXIST)
			return husk_error_set(err, errno, "mkdir %s", dir);
	}
	return 0;
}

/*
 * The container's cgroup below the hierarchy's mount.  One that exists
 * already is taken when it is empty (a crashed create left it) and refused
 * when it has processes: two containers must not share one.
 */
static int make_dir(const char *mount, const char *path, bool *made, struct husk_error *err)
{
	_cleanup_free_ char *dir = xasprintf("%s%s", mount, path);
	_cleanup_free_ char *procs = xasprintf("%s/cgroup.procs", dir), *text = NULL;
	struct stat st;
	int r;

	r = cg_mkdir_below(mount, path, made, err);
	if (r < 0)
		return husk_error_prefix(err, "make the container's cgroup");
	if (*made)
		return 0;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return husk_error_setq(err, ENOTDIR, "make the container's cgroup: %s exists and is "
				       "not a cgroup", dir);
	if (read_file_at(AT_FDCWD, procs, 64, &text, NULL, NULL) == 0 && text[0] && text[0] != '\n')
		return husk_error_setq(err, EEXIST, "the cgroup %s already exists with processes in "
				       "it: is another container using this .linux.cgroupsPath?", dir);
	return 0;
}

/*
 * The cpuset of a new v1 cgroup starts empty, and a process cannot enter
 * an empty cpuset: copy cpuset.cpus and cpuset.mems from the parent
 * (itself filled first, up to the hierarchy's root).
 */
int cg_cpuset_inherit(const char *mount, const char *dir, struct husk_error *err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	_cleanup_free_ char *parent = path_parent(dir);
	bool empty[2] = { false, false };
	int r;

	if (strcmp(dir, mount) == 0 || strlen(dir) <= strlen(mount))
		return 0;
	for (size_t i = 0; i < 2; i++) {
		_cleanup_free_ char *file = xasprintf("%s/%s", dir, files[i]), *mine = NULL;

		empty[i] = read_file_at(AT_FDCWD, file, 4096, &mine, NULL, NULL) < 0 || !mine[0] ||
			   mine[0] == '\n';
	}
	if (!empty[0] && !empty[1])
		return 0;
	r = cg_cpuset_inherit(mount, parent, err);
	for (size_t i = 0; r == 0 && i < 2; i++) {
		_cleanup_free_ char *file = xasprintf("%s/%s", dir, files[i]);
		_cleanup_free_ char *from = xasprintf("%s/%s", parent, files[i]), *val = NULL;

		if (!empty[i])
			continue;
		r = read_file_at(AT_FDCWD, from, 4096, &val, NULL, err);
		if (r == 0)
			r = write_string_at(AT_FDCWD, file, val, err);
	}
	return r;
}

/*
 * Controllers for the children of every cgroup2 directory from the base
 * down to the container's parent: all that the parent has ("+a +b"), one
 * at a time so one a cgroup refuses (EBUSY: it has processes; ENOENT:
 * not delegated) does not stop the others.  Which groups then have their
 * controller in the container's cgroup is what cg_v2_has() reads later.
 */
static void v2_enable(const char *mount, const char *base, const char *path)
{
	_cleanup_free_ char *dir = path_join(mount, strcmp(base, "/") == 0 ? "" : base);
	_cleanup_free_ char *rest = xstrdup(path + (strcmp(base, "/") == 0 ? 0 : strlen(base)));
	char *c, *save = NULL;

	for (c = strtok_r(rest, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		_cleanup_free_ char *ctrls = NULL, *f = xasprintf("%s/cgroup.controllers", dir);
		_cleanup_free_ char *sub = xasprintf("%s/cgroup.subtree_control", dir);
		char *k, *s2 = NULL, *next;

		if (read_file_at(AT_FDCWD, f, 4096, &ctrls, NULL, NULL) == 0)
			for (k = strtok_r(ctrls, " \n", &s2); k; k = strtok_r(NULL, " \n", &s2)) {
				_cleanup_free_ char *plus = xasprintf("+%s", k);

				(void)write_string_at(AT_FDCWD, sub, plus, NULL);
			}
		next = xasprintf("%s/%s", dir, c);
		free(dir);
		dir = next;
	}
}

/* Remove what make_dirs() made, leaf only (intermediates may be shared). */
void cg_rmdirs(struct cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].made)
			(void)rmdir(cg->h[i].dir);
}

/* Why a rootless container has no cgroup, and which of its limits that drops. */
static void rootless_notice(struct cgroup *cg, unsigned used, const char *why)
{
	_cleanup_strv_ char **names = NULL;
	_cleanup_free_ char *list = NULL;

	for (int g = 0; g < CG_GROUP_COUNT; g++)
		if (used & (1u << g))
			strv_push(&names, g == CG_UNIFIED ? "unified" : cg_group_v1_name(g));
	if (!names)
		return;
	list = strv_join(names, ", ");
	free(cg->notice);
	cg->notice = xasprintf("%s: %s (not applied)", list, why);
}

/*
 * The v1 hierarchies a container joins: those its limits need, and always
 * freezer (pause, and killing without a race), memory, cpu, cpuacct and
 * pids (what `husk events` reports).  The others (cpuset, blkio, devices,
 * hugetlb, net_cls ...) only when the config sets something there: each
 * costs a mkdir, an attach and an rmdir on the launch path.  `husk
 * update` joins one later when it needs it (enter.c).
 */
bool cg_v1_needed(const char *name, unsigned used)
{
	static const char *const always[] = { "freezer", "memory", "cpu", "cpuacct", "pids" };

	for (size_t i = 0; i < ARRAY_SIZE(always); i++)
		if (strcmp(name, always[i]) == 0)
			return true;
	for (int g = 0; g < CG_GROUP_COUNT; g++)
		if ((used & (1u << g)) && g != CG_UNIFIED && strcmp(cg_group_v1_name(g), name) == 0)
			return true;
	return false;
}

/*
 * On a hybrid host the cgroup2 hierarchy is joined when a limit lives
 * there (a controller its root offers, such as hugetlb, or
 * linux.resources.unified): pausing and killing go through v1's freezer.
 */
static bool hybrid_v2_needed(const struct host_cgroup *h, unsigned used)
{
	_cleanup_free_ char *file = xasprintf("%s/cgroup.controllers", h->v2_mount), *ctrls = NULL;

	if (used & (1u << CG_UNIFIED))
		return true;
	if (!used || read_file_at(AT_FDCWD, file, 4096, &ctrls, NULL, NULL) < 0)
		return false;
	for (int g = 0; g < CG_GROUP_COUNT; g++) {
		const char *v2 = cg_group_v2_name(g);
		const char *p = v2 && (used & (1u << g)) ? strstr(ctrls, v2) : NULL;
		size_t len = v2 ? strlen(v2) : 0;

		if (p && (p == ctrls || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\n' || !p[len]))
			return true;
	}
	return false;
}

/*
 * The directories of the hierarchies the container joins: cgroup2 (v2;
 * hybrid when needed, and rootless, where it is all there is) and the v1
 * controllers cg_v1_needed() picks.  Rootless, only cgroup2, and only
 * where the base is ours to write (delegated); otherwise no cgroup.
 */
static int make_dirs(struct cgroup *cg, const char *path, bool absolute, unsigned used,
		     struct husk_error *err)
{
	const struct host_cgroup *h = host_cgroup();
	int r;

	if (h->v2_mount && (h->n_v1 == 0 || cg->rootless || hybrid_v2_needed(h, used))) {
		_cleanup_free_ char *base = absolute ? xstrdup("/") : v2_base(h);
		_cleanup_free_ char *full = path_join(base, path);
		bool made;

		r = make_dir(h->v2_mount, full, &made, err);
		/* Rootless with only our own cgroup delegated (its parent is not
		 * ours): below it then.  It holds husk, so it cannot pass
		 * controllers down, but placement, freezing and killing work. */
		if (r < 0 && cg->rootless && !absolute && h->own_path && strcmp(h->own_path, "/") &&
		    h->delegated) {
			husk_error_clear(err);
			free(base);
			free(full);
			base = xstrdup(h->own_path);
			full = path_join(base, path);
			r = make_dir(h->v2_mount, full, &made, err);
		}
		if (r < 0 && cg->rootless)
			goto rootless;
		if (r < 0)
			return r;
		cg_add_hier(cg, "unified", path_join(h->v2_mount, full));
		cg->h[cg->n - 1].made = made;
		free(cg->path);
		cg->path = TAKE_PTR(full);
		v2_enable(h->v2_mount, base, cg->path);
	}
	if (cg->rootless)
		return 0;
	for (size_t i = 0; i < h->n_v1; i++) {
		const struct host_cgroup_v1 *c = &h->v1[i];
		_cleanup_free_ char *full = path_join(absolute ? "/" : c->own_path, path);
		char *dir;
		bool made;

		if (cg_find(cg, c->name) || !cg_v1_needed(c->name, used))
			continue;
		r = make_dir(c->mount, full, &made, err);
		if (r < 0)
			return r;
		dir = path_join(c->mount, full);
		cg_add_hier(cg, c->name, dir);
		cg->h[cg->n - 1].made = made;
		if (strcmp(c->name, "cpuset") == 0 && (r = cg_cpuset_inherit(c->mount, dir, err)) < 0)
			return r;
		if (!cg->path)
			cg->path = TAKE_PTR(full);
	}
	return 0;

rootless:
	husk_error_clear(err);
	return 1;
}

int cgroup_create(const struct cgroup_opts *o, struct cgroup **out, struct husk_error *err)
{
	_cleanup_cgroup_ struct cgroup *cg = xcalloc(1, sizeof(*cg));
	_cleanup_free_ char *path = NULL;
	const struct host_cgroup *h = host_cgroup();
	unsigned used = o->resources ? cg_groups_used(o->resources) : 0;
	bool absolute = false;
	int r;

	cg->id = xstrdup(o->id);
	cg->rootless = o->rootless;
	cg->opts = *o;
	if (o->systemd) {
		r = cg_systemd_prepare(cg, o, err);
		if (r == 0)
			*out = TAKE_PTR(cg);
		return r;
	}
	if (o->path && *o->path) {
		r = cg_path_check(o->path, false, &path, &absolute, err);
		if (r < 0)
			return r;
	} else {
		path = xasprintf("/husk-%s", o->id);
	}
	if (h->layout == HOST_CGROUP_NONE) {
		if (!o->rootless && used)
			return husk_error_setq(err, ENOENT, "config.json: .linux.resources: this host "
					       "has no cgroup filesystem at /sys/fs/cgroup, so no limit "
					       "can be applied (mount cgroup2 there, or drop the limits)");
		rootless_notice(cg, used, "this host has no cgroup filesystem");
		*out = TAKE_PTR(cg);
		return 0;
	}
	if (o->rootless && !h->v2_mount) {
		_cleanup_free_ char *why = xasprintf("cgroup v1 has no delegation to uid %u",
						     (unsigned)host_outer_euid());

		rootless_notice(cg, used, why);
		*out = TAKE_PTR(cg);
		return 0;
	}
	r = make_dirs(cg, path, absolute, used, err);
	if (r < 0) {
		cg_rmdirs(cg);
		return r;
	}
	if (r > 0) {
		/* Rootless and no cgroup2 directory of our own.  On a hybrid host
		 * the limits' controllers are v1 ones anyway. */
		_cleanup_free_ char *base = absolute ? xstrdup("/") : v2_base(h);
		_cleanup_free_ char *why = NULL;

		if (h->n_v1 > 0)
			why = xasprintf("cgroup v1 has no delegation to uid %u",
					(unsigned)host_outer_euid());
		else
			why = xasprintf("the cgroup %s%s is not delegated to uid %u", h->v2_mount,
					strcmp(base, "/") ? base : "", (unsigned)host_outer_euid());
		rootless_notice(cg, used, why);
	}
	*out = TAKE_PTR(cg);
	return 0;
}

int cgroup_clone_fd(const struct cgroup *cg)
{
	struct cg_hier *u = cg ? cg_find(cg, "unified") : NULL;

	if (!u)
		return -1;
	return cg_hier_fd(u, NULL);
}
