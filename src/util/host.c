/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host context (husk/host.h): one static record, each part of it
 * filled on first use.  Nothing here fails: a fact that cannot be read
 * takes its plain value (not in a user namespace, no ranges, no cgroups,
 * no LSM, no feature), and the code that relies on it meets the real
 * error, with its own message, when it acts.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "husk/host.h"
#include "husk/util.h"

struct subids {
	bool have;
	struct host_subids pub;
	struct host_id_range *ranges;
	char *user;
};

static struct {
	/* Where facts are read from: NULL is the real place. */
	char *proc_self, *sys, *etc;
	int (*statfs)(const char *path, struct statfs *buf);

	enum host_rootless rootless;

	bool have_ids;
	uid_t euid;
	gid_t egid;

	bool have_userns;
	bool in_userns;
	uid_t outer_euid;

	struct subids subuid, subgid;

	bool have_cgroup;
	struct host_cgroup cgroup;

	bool have_lsm[2], lsm[2];
	bool have_feature[HOST_FEATURE_COUNT], feature[HOST_FEATURE_COUNT];
} h;

static char *proc_self_path(const char *rel)
{
	return xasprintf("%s/%s", h.proc_self ? h.proc_self : "/proc/self", rel);
}

static char *sys_path(const char *rel)
{
	return xasprintf("%s/%s", h.sys ? h.sys : "/sys", rel);
}

static char *etc_path(const char *rel)
{
	return xasprintf("%s/%s", h.etc ? h.etc : "/etc", rel);
}

static bool exists(const char *path)
{
	return faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) == 0;
}

/* ---- who husk is ---------------------------------------------------------- */

static void ids_load(void)
{
	h.euid = geteuid();
	h.egid = getegid();
	h.have_ids = true;
}

uid_t host_euid(void)
{
	if (!h.have_ids)
		ids_load();
	return h.euid;
}

gid_t host_egid(void)
{
	if (!h.have_ids)
		ids_load();
	return h.egid;
}

bool host_unprivileged(void)
{
	return host_euid() != 0;
}

/*
 * /proc/self/uid_map, "inside outside count" per line.  The initial user
 * namespace has exactly the identity line; any other map, an empty one
 * included (a namespace whose map is not written yet), is a namespace of
 * its own.  The line that holds our euid gives its outer value.
 */
static void userns_load(void)
{
	_cleanup_free_ char *path = proc_self_path("uid_map");
	_cleanup_free_ char *map = NULL;
	unsigned long in, out, count;
	uid_t euid = host_euid();
	char *line, *save = NULL;
	unsigned lines = 0;
	bool identity = false;

	h.have_userns = true;
	h.in_userns = false;
	h.outer_euid = euid;
	if (read_file_at(AT_FDCWD, path, 65536, &map, NULL, NULL) < 0)
		return;
	for (line = strtok_r(map, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%lu %lu %lu", &in, &out, &count) != 3)
			continue;
		lines++;
		identity |= in == 0 && out == 0 && count == 4294967295UL;
		if (euid >= in && euid - in < count)
			h.outer_euid = (uid_t)(out + (euid - in));
	}
	h.in_userns = !(lines == 1 && identity);
}

bool host_in_userns(void)
{
	if (!h.have_userns)
		userns_load();
	return h.in_userns;
}

uid_t host_outer_euid(void)
{
	if (!h.have_userns)
		userns_load();
	return h.outer_euid;
}

bool host_real_root(void)
{
	return host_euid() == 0 && !host_in_userns();
}

/* ---- rootless ------------------------------------------------------------- */

void host_set_rootless(enum host_rootless value)
{
	h.rootless = value;
}

bool host_rootless(void)
{
	switch (h.rootless) {
	case HOST_ROOTLESS_TRUE:
		return true;
	case HOST_ROOTLESS_FALSE:
		return false;
	case HOST_ROOTLESS_AUTO:
		break;
	}
	return !host_real_root();
}

/* ---- subordinate ids ------------------------------------------------------- */

/*
 * One "owner:start:count" line (newline stripped) that belongs to the
 * user: by name, or by the uid written in decimal.  Both numbers are plain
 * decimal; a count of 0 or a range past the last id is no range.
 */
static bool subid_line(char *line, const char *user, const char *uid_text,
		       struct host_id_range *out)
{
	char *start = strchr(line, ':'), *count;
	uint64_t s, c;

	if (!start)
		return false;
	*start++ = '\0';
	count = strchr(start, ':');
	if (!count)
		return false;
	*count++ = '\0';
	if (strchr(count, ':'))
		return false;
	if (!(user && strcmp(line, user) == 0) && strcmp(line, uid_text) != 0)
		return false;
	if (parse_uint64(start, &s) < 0 || parse_uint64(count, &c) < 0)
		return false;
	if (c == 0 || s > UINT32_MAX || c > (1ULL << 32) - s)
		return false;
	*out = (struct host_id_range){ (uint32_t)s, (uint32_t)c };
	return true;
}

/* The real uid's name in the passwd database, or NULL. */
static char *user_name(uid_t uid)
{
	struct passwd pw, *found = NULL;
	char buf[4096];

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) != 0 || !found)
		return NULL;
	return xstrdup(found->pw_name);
}

static void subids_load(struct subids *s, const char *file)
{
	_cleanup_free_ char *path = etc_path(file), *line = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	uid_t uid = getuid();
	char uid_text[16];
	size_t cap = 0, n = 0;
	ssize_t len;

	s->have = true;
	s->user = user_name(uid);
	snprintf(uid_text, sizeof(uid_text), "%u", (unsigned)uid);
	f = fopen(path, "re");
	while (f && (len = getline(&line, &cap, f)) >= 0) {
		struct host_id_range r;

		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (!subid_line(line, s->user, uid_text, &r))
			continue;
		s->ranges = xrealloc(s->ranges, (n + 1) * sizeof(*s->ranges));
		s->ranges[n++] = r;
	}
	s->pub = (struct host_subids){ .user = s->user, .ranges = s->ranges, .n = n };
}

const struct host_subids *host_subuids(void)
{
	if (!h.subuid.have)
		subids_load(&h.subuid, "subuid");
	return &h.subuid.pub;
}

const struct host_subids *host_subgids(void)
{
	if (!h.subgid.have)
		subids_load(&h.subgid, "subgid");
	return &h.subgid.pub;
}

static void subids_free(struct subids *s)
{
	free(s->ranges);
	free(s->user);
	*s = (struct subids){ 0 };
}

/* ---- cgroups ---------------------------------------------------------------- */

/* The filesystem type (a *_MAGIC of linux/magic.h) of path, 0 when it cannot be had. */
static unsigned long fs_type(const char *path)
{
	struct statfs s;
	int r = h.statfs ? h.statfs(path, &s) : statfs(path, &s);

	return r == 0 ? (unsigned long)s.f_type : 0;
}

/* A cgroup v1 hierarchy mounted in `dir` (/sys/fs/cgroup/memory & co). */
static bool has_v1_below(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	while (d && !found && (e = readdir(d))) {
		_cleanup_free_ char *p = NULL;

		if (e->d_name[0] == '.' || strcmp(e->d_name, "unified") == 0)
			continue;
		p = xasprintf("%s/%s", dir, e->d_name);
		found = fs_type(p) == CGROUP_SUPER_MAGIC;
	}
	if (d)
		closedir(d);
	return found;
}

/* See host_cgroup() in husk/host.h; sets *v2_mount (malloc'ed) or leaves NULL. */
static enum host_cgroup_layout cgroup_layout(char **v2_mount)
{
	_cleanup_free_ char *root = sys_path("fs/cgroup");
	_cleanup_free_ char *unified = NULL;
	unsigned long type = fs_type(root);
	bool v1;

	if (type == CGROUP2_SUPER_MAGIC) {
		*v2_mount = TAKE_PTR(root);
		return HOST_CGROUP_V2;
	}
	if (type == 0)
		return HOST_CGROUP_NONE;
	unified = sys_path("fs/cgroup/unified");
	if (fs_type(unified) == CGROUP2_SUPER_MAGIC)
		*v2_mount = TAKE_PTR(unified);
	v1 = type == CGROUP_SUPER_MAGIC || has_v1_below(root);
	if (v1)
		return *v2_mount ? HOST_CGROUP_HYBRID : HOST_CGROUP_V1;
	return *v2_mount ? HOST_CGROUP_V2 : HOST_CGROUP_NONE;
}

/*
 * One "N:a,b:/path" line of /proc/self/cgroup (v1): an entry per controller
 * whose hierarchy is mounted where it is conventionally, at
 * /sys/fs/cgroup/a,b or (a symlink's target gone) /sys/fs/cgroup/a.
 */
static void v1_line(char *ctrls, const char *own, struct host_cgroup_v1 **v1, size_t *n)
{
	_cleanup_free_ char *joint = NULL;
	char *c, *save = NULL;

	if (!*ctrls || str_has_prefix(ctrls, "name="))
		return;
	joint = xasprintf("fs/cgroup/%s", ctrls);
	for (c = strtok_r(ctrls, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		_cleanup_free_ char *rel = xasprintf("fs/cgroup/%s", c);
		_cleanup_free_ char *mount = sys_path(joint);

		if (fs_type(mount) != CGROUP_SUPER_MAGIC) {
			free(mount);
			mount = sys_path(rel);
			if (fs_type(mount) != CGROUP_SUPER_MAGIC)
				continue;
		}
		*v1 = xrealloc(*v1, (*n + 1) * sizeof(**v1));
		(*v1)[(*n)++] = (struct host_cgroup_v1){ .name = xstrdup(c),
							 .mount = TAKE_PTR(mount),
							 .own_path = xstrdup(own) };
	}
}

/*
 * husk's cgroup2 path, from the "0::/..." line of /proc/self/cgroup, and
 * (want_v1) its v1 controllers from the others.
 */
static char *own_cgroups(bool want_v1, struct host_cgroup_v1 **v1, size_t *n)
{
	_cleanup_free_ char *path = proc_self_path("cgroup");
	_cleanup_free_ char *text = NULL;
	char *line, *save = NULL, *v2 = NULL;

	if (read_file_at(AT_FDCWD, path, 1 << 16, &text, NULL, NULL) < 0)
		return NULL;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ctrls = strchr(line, ':'), *own;

		if (!ctrls || !(own = strchr(ctrls + 1, ':')))
			continue;
		*own++ = '\0';
		*ctrls++ = '\0';
		if (strcmp(line, "0") == 0 && !*ctrls && *own == '/' && !v2)
			v2 = xstrdup(own);
		else if (want_v1 && *own == '/')
			v1_line(ctrls, own, v1, n);
	}
	return v2;
}

/* Delegated to us: we may make cgroups in `dir` and move processes into them. */
static bool writable_cgroup(const char *dir)
{
	_cleanup_free_ char *procs = xasprintf("%s/cgroup.procs", dir);

	return faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) == 0 &&
	       faccessat(AT_FDCWD, procs, W_OK, AT_EACCESS) == 0;
}

static void cgroup_load(void)
{
	struct host_cgroup *cg = &h.cgroup;
	char *v2_mount = NULL, *own_path, *own_dir = NULL;
	struct host_cgroup_v1 *v1 = NULL;
	size_t n_v1 = 0;

	h.have_cgroup = true;
	cg->layout = cgroup_layout(&v2_mount);
	own_path = own_cgroups(cg->layout == HOST_CGROUP_V1 || cg->layout == HOST_CGROUP_HYBRID,
			       &v1, &n_v1);
	cg->v1 = v1;
	cg->n_v1 = n_v1;
	if (v2_mount && own_path)
		own_dir = strcmp(own_path, "/") == 0 ? xstrdup(v2_mount)
						     : xasprintf("%s%s", v2_mount, own_path);
	cg->v2_mount = v2_mount;
	cg->own_path = own_path;
	cg->own_dir = own_dir;
	cg->delegated = own_dir && writable_cgroup(own_dir);
}

const struct host_cgroup *host_cgroup(void)
{
	if (!h.have_cgroup)
		cgroup_load();
	return &h.cgroup;
}

const char *host_cgroup_layout_name(enum host_cgroup_layout layout)
{
	switch (layout) {
	case HOST_CGROUP_NONE: return "none";
	case HOST_CGROUP_V1: return "v1";
	case HOST_CGROUP_V2: return "v2";
	case HOST_CGROUP_HYBRID: return "hybrid";
	}
	return "?";
}

const struct host_cgroup_v1 *host_cgroup_v1(const char *name)
{
	const struct host_cgroup *cg = host_cgroup();

	for (size_t i = 0; i < cg->n_v1; i++)
		if (strcmp(cg->v1[i].name, name) == 0)
			return &cg->v1[i];
	return NULL;
}

static void cgroup_free(void)
{
	for (size_t i = 0; i < h.cgroup.n_v1; i++) {
		free((char *)h.cgroup.v1[i].name);
		free((char *)h.cgroup.v1[i].mount);
		free((char *)h.cgroup.v1[i].own_path);
	}
	free((void *)h.cgroup.v1);
	free((char *)h.cgroup.v2_mount);
	free((char *)h.cgroup.own_path);
	free((char *)h.cgroup.own_dir);
	h.cgroup = (struct host_cgroup){ 0 };
	h.have_cgroup = false;
}

/* ---- LSMs ------------------------------------------------------------------ */

/* AppArmor is on when securityfs shows it and the module says "Y" (runc's test). */
static bool apparmor_enabled(void)
{
	_cleanup_free_ char *fs = sys_path("kernel/security/apparmor");
	_cleanup_free_ char *param = sys_path("module/apparmor/parameters/enabled");
	_cleanup_free_ char *v = NULL;
	size_t len;

	if (!exists(fs))
		return false;
	if (read_file_at(AT_FDCWD, param, 64, &v, &len, NULL) < 0)
		return false;
	return len > 0 && v[0] == 'Y';
}

/* SELinux is on when selinuxfs is mounted (the directory alone is not enough). */
static bool selinux_enabled(void)
{
	_cleanup_free_ char *enforce = sys_path("fs/selinux/enforce");

	return exists(enforce);
}

bool host_lsm_enabled(enum host_lsm lsm)
{
	if (lsm != HOST_LSM_APPARMOR && lsm != HOST_LSM_SELINUX)
		return false;
	if (!h.have_lsm[lsm]) {
		h.lsm[lsm] = lsm == HOST_LSM_APPARMOR ? apparmor_enabled() : selinux_enabled();
		h.have_lsm[lsm] = true;
	}
	return h.lsm[lsm];
}

/* ---- kernel features ------------------------------------------------------ */

/*
 * The kernel has the call when it answered anything but ENOSYS, or the
 * EPERM a seccomp filter (docker's, for one) gives for calls it does not
 * know; either way husk cannot use it.
 */
static bool answered(long ret, int errnum)
{
	return ret >= 0 || (errnum != ENOSYS && errnum != EPERM);
}

/* An open_how size of 0 is below OPEN_HOW_SIZE_VER0: EINVAL before any lookup. */
static bool probe_openat2(void)
{
	long r = syscall(SYS_openat2, -1, NULL, NULL, (size_t)0);
	bool ok = answered(r, errno);

	if (r >= 0)
		close((int)r);
	return ok;
}

/* A clone_args size of 0 is below CLONE_ARGS_SIZE_VER0: EINVAL, nothing cloned. */
static bool probe_clone3(void)
{
	long r = syscall(SYS_clone3, NULL, (size_t)0);

	return answered(r, errno);
}

/* Unknown flag bits: EINVAL before open_tree looks at the path or privileges. */
static bool probe_mount_api(void)
{
	long r = syscall(SYS_open_tree, -1, NULL, ~0U);
	bool ok = answered(r, errno);

	if (r >= 0)
		close((int)r);
	return ok;
}

/* The first directory inside `dir` that is a cgroup (not a file), or NULL. */
static char *first_child_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *found = NULL;

	while (d && !found && (e = readdir(d))) {
		_cleanup_free_ char *p = NULL;
		struct stat st;

		if (e->d_name[0] == '.' || (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN))
			continue;
		p = xasprintf("%s/%s", dir, e->d_name);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			found = TAKE_PTR(p);
	}
	if (d)
		closedir(d);
	return found;
}

/* cgroup.kill is never in the root cgroup (CFTYPE_NOT_ON_ROOT): ask a child then. */
static bool probe_cgroup_kill(void)
{
	const struct host_cgroup *cg = host_cgroup();
	_cleanup_free_ char *file = NULL, *child = NULL;

	if (!cg->own_dir)
		return false;
	file = xasprintf("%s/cgroup.kill", cg->own_dir);
	if (exists(file))
		return true;
	if (strcmp(cg->own_path, "/") != 0)
		return false;
	child = first_child_dir(cg->own_dir);
	if (!child)
		return false;
	free(file);
	file = xasprintf("%s/cgroup.kill", child);
	return exists(file);
}

/* RDT's control filesystem where the kernel docs mount it (RDTGROUP_SUPER_MAGIC). */
static bool probe_resctrl(void)
{
	_cleanup_free_ char *dir = sys_path("fs/resctrl");

	return fs_type(dir) == 0x7655821;
}

static bool (*const feature_probe[HOST_FEATURE_COUNT])(void) = {
	[HOST_FEATURE_OPENAT2] = probe_openat2,
	[HOST_FEATURE_CLONE3] = probe_clone3,
	[HOST_FEATURE_MOUNT_API] = probe_mount_api,
	[HOST_FEATURE_CGROUP_KILL] = probe_cgroup_kill,
	[HOST_FEATURE_RESCTRL] = probe_resctrl,
};

static const char *const feature_names[HOST_FEATURE_COUNT] = {
	[HOST_FEATURE_OPENAT2] = "openat2",
	[HOST_FEATURE_CLONE3] = "clone3",
	[HOST_FEATURE_MOUNT_API] = "mount-api",
	[HOST_FEATURE_CGROUP_KILL] = "cgroup.kill",
	[HOST_FEATURE_RESCTRL] = "resctrl",
};

bool host_has(enum host_feature feature)
{
	if ((unsigned)feature >= HOST_FEATURE_COUNT)
		return false;
	if (!h.have_feature[feature]) {
		h.feature[feature] = feature_probe[feature]();
		h.have_feature[feature] = true;
	}
	return h.feature[feature];
}

const char *host_feature_name(enum host_feature feature)
{
	return (unsigned)feature < HOST_FEATURE_COUNT ? feature_names[feature] : "?";
}

/* ---- tests ---------------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void host_reset_for_test(const struct host_test_roots *roots)
{
	free(h.proc_self);
	free(h.sys);
	free(h.etc);
	subids_free(&h.subuid);
	subids_free(&h.subgid);
	cgroup_free();
	memset(&h, 0, sizeof(h));
	if (!roots)
		return;
	h.proc_self = dup_or_null(roots->proc_self);
	h.sys = dup_or_null(roots->sys);
	h.etc = dup_or_null(roots->etc);
	h.statfs = roots->statfs;
}
