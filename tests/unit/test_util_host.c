/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/util/host.c, the host context: every fact read from fake /proc/self,
 * /sys and /etc trees in a temporary directory (host_reset_for_test), with
 * a fake statfs(2) that names the filesystem type of the fake cgroup
 * mounts; then the real machine, checked only for consistency.
 *
 * Criterion runs each test in a process of its own, so the static record
 * starts empty in each; setup() still resets it, pointing at the fake tree.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/host.h"
#include "husk/util.h"

static char root[64];

/* Paths (relative to root) the fake statfs gives a filesystem type. */
static struct { char path[128]; unsigned long magic; } fs_types[8];
static size_t n_fs_types;

static char *at(const char *rel)
{
	return xasprintf("%s/%s", root, rel);
}

static void mkdir_p(const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path);

	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		cr_assert(mkdir(copy, 0755) == 0 || errno == EEXIST, "mkdir %s: %m", copy);
		*p = '/';
	}
	cr_assert(mkdir(copy, 0755) == 0 || errno == EEXIST, "mkdir %s: %m", copy);
}

/* A directory root/rel, or with content a file (its parents made). */
static void mk(const char *rel, const char *content)
{
	_cleanup_free_ char *p = at(rel);
	char *slash;
	FILE *f;

	if (!content) {
		mkdir_p(p);
		return;
	}
	slash = strrchr(p, '/');
	*slash = '\0';
	mkdir_p(p);
	*slash = '/';
	f = fopen(p, "w");
	cr_assert_not_null(f, "fopen %s: %m", p);
	fputs(content, f);
	cr_assert_eq(fclose(f), 0);
}

/* Make root/rel a directory the fake statfs reports as `magic`. */
static void mount_fake(const char *rel, unsigned long magic)
{
	cr_assert_lt(n_fs_types, ARRAY_SIZE(fs_types));
	mk(rel, NULL);
	snprintf(fs_types[n_fs_types].path, sizeof(fs_types[0].path), "%s/%s", root, rel);
	fs_types[n_fs_types++].magic = magic;
}

static int fake_statfs(const char *path, struct statfs *buf)
{
	if (statfs(path, buf) < 0)
		return -1;
	for (size_t i = 0; i < n_fs_types; i++)
		if (strcmp(path, fs_types[i].path) == 0)
			buf->f_type = (__typeof__(buf->f_type))fs_types[i].magic;
	return 0;
}

/* Forget what was computed: the next question reads the fake tree again. */
static void reread(void)
{
	_cleanup_free_ char *proc = at("proc/self"), *sys = at("sys"), *etc = at("etc");

	host_reset_for_test(&(struct host_test_roots){
		.proc_self = proc, .sys = sys, .etc = etc, .statfs = fake_statfs });
}

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/husk-host-XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	cr_assert_eq(chmod(root, 0755), 0);
	mk("proc/self", NULL);
	mk("sys", NULL);
	mk("etc", NULL);
	n_fs_types = 0;
	reread();
}

static void teardown(void)
{
	_cleanup_free_ char *cmd = xasprintf("chmod -R u+rwX '%1$s'; rm -rf '%1$s'", root);

	host_reset_for_test(NULL);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", root);
}

TestSuite(util_host, .init = setup, .fini = teardown);

/* Criterion runs no .fini for a skipped test: clean up first. */
#define skip(...)                                                             \
	do {                                                                  \
		teardown();                                                   \
		cr_skip_test(__VA_ARGS__);                                    \
	} while (0)

static void assert_path(const char *got, const char *rel)
{
	_cleanup_free_ char *want = at(rel);

	cr_assert_not_null(got, "NULL, want %s", want);
	cr_assert_str_eq(got, want);
}

/* ---- user namespace, uid_map ------------------------------------------------ */

Test(util_host, full_uid_map_is_the_initial_namespace)
{
	mk("proc/self/uid_map", "         0          0 4294967295\n");
	cr_assert_not(host_in_userns());
	cr_assert_eq(host_outer_euid(), geteuid());
	cr_assert_eq(host_real_root(), geteuid() == 0);
}

Test(util_host, partial_uid_map_is_a_user_namespace)
{
	_cleanup_free_ char *map = xasprintf("%u 1000 1\n", (unsigned)geteuid());

	mk("proc/self/uid_map", map);
	cr_assert(host_in_userns());
	cr_assert_eq(host_outer_euid(), 1000, "euid %u seen outside as %u", geteuid(),
		     host_outer_euid());
	cr_assert_not(host_real_root(), "uid 0 in a user namespace is not the host's root");
	cr_assert(host_rootless());
}

/* Every id mapped, but not as the one identity line: still a namespace. */
Test(util_host, identity_in_two_lines_is_a_user_namespace)
{
	mk("proc/self/uid_map", "0 0 1000\n1000 1000 4294966295\n");
	cr_assert(host_in_userns());
	cr_assert_eq(host_outer_euid(), geteuid());
}

Test(util_host, empty_uid_map_is_a_user_namespace)
{
	mk("proc/self/uid_map", "");
	cr_assert(host_in_userns());
}

Test(util_host, unreadable_uid_map_is_the_plain_case)
{
	cr_assert_not(host_in_userns());
	cr_assert_eq(host_outer_euid(), geteuid());
}

/* Computed once: the file changing afterwards changes nothing until a reset. */
Test(util_host, facts_are_cached_until_reset)
{
	mk("proc/self/uid_map", "0 0 4294967295\n");
	cr_assert_not(host_in_userns());
	mk("proc/self/uid_map", "0 1000 1\n");
	cr_assert_not(host_in_userns());
	reread();
	cr_assert(host_in_userns());
}

/* ---- rootless, unprivileged, the override ------------------------------------ */

Test(util_host, ids_are_the_effective_ones)
{
	cr_assert_eq(host_euid(), geteuid());
	cr_assert_eq(host_egid(), getegid());
	cr_assert_eq(host_unprivileged(), geteuid() != 0);
}

Test(util_host, rootless_auto_is_not_the_hosts_root)
{
	mk("proc/self/uid_map", "0 0 4294967295\n");
	cr_assert_eq(host_rootless(), geteuid() != 0);
	cr_assert_eq(host_rootless(), !host_real_root());
	reread();
	mk("proc/self/uid_map", "0 1000 65536\n");
	cr_assert(host_rootless(), "in a user namespace, rootless whatever the euid");
	cr_assert_eq(host_unprivileged(), geteuid() != 0, "unprivileged is only the euid");
}

Test(util_host, rootless_flag_overrides_detection)
{
	mk("proc/self/uid_map", "0 0 4294967295\n");
	host_set_rootless(HOST_ROOTLESS_TRUE);
	cr_assert(host_rootless());
	host_set_rootless(HOST_ROOTLESS_FALSE);
	cr_assert_not(host_rootless());
	host_set_rootless(HOST_ROOTLESS_AUTO);
	cr_assert_eq(host_rootless(), !host_real_root());

	reread();
	mk("proc/self/uid_map", "0 1000 1\n");
	host_set_rootless(HOST_ROOTLESS_FALSE);
	cr_assert_not(host_rootless(), "--rootless false wins in a user namespace too");
	/* The flag never changes who husk is. */
	cr_assert(host_in_userns());
	cr_assert_not(host_real_root());
	cr_assert_eq(host_unprivileged(), geteuid() != 0);
}

Test(util_host, reset_forgets_the_flag)
{
	host_set_rootless(HOST_ROOTLESS_TRUE);
	reread();
	mk("proc/self/uid_map", "0 0 4294967295\n");
	cr_assert_eq(host_rootless(), geteuid() != 0);
}

/* ---- subordinate ids ---------------------------------------------------------- */

static char *my_name(void)
{
	struct passwd *pw = getpwuid(getuid());

	if (!pw)
		skip("uid %u has no passwd entry to match by name", (unsigned)getuid());
	return xstrdup(pw->pw_name);
}

static void assert_ranges(const struct host_subids *s, const struct host_id_range *want,
			  size_t n)
{
	cr_assert_eq(s->n, n, "%zu ranges, want %zu", s->n, n);
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(s->ranges[i].start, want[i].start, "range %zu start", i);
		cr_assert_eq(s->ranges[i].count, want[i].count, "range %zu count", i);
	}
}

#define RANGES(...) (const struct host_id_range[]){ __VA_ARGS__ }

Test(util_host, subuid_by_name)
{
	_cleanup_free_ char *name = my_name();
	_cleanup_free_ char *text = xasprintf("someone-else:1:65536\n%s:100000:65536\n", name);

	mk("etc/subuid", text);
	assert_ranges(host_subuids(), RANGES({ 100000, 65536 }), 1);
	cr_assert_str_eq(host_subuids()->user, name);
}

Test(util_host, subuid_by_uid)
{
	_cleanup_free_ char *text = xasprintf("%u:200000:1000\n%u:1:1\n", (unsigned)getuid(),
					      (unsigned)getuid() + 1);

	mk("etc/subuid", text);
	assert_ranges(host_subuids(), RANGES({ 200000, 1000 }), 1);
}

Test(util_host, several_ranges_in_file_order)
{
	_cleanup_free_ char *name = my_name();
	_cleanup_free_ char *text = xasprintf("%s:100000:65536\nother:5:5\n%u:300000:10\n"
					      "%s:4294967295:1\n", name, (unsigned)getuid(), name);

	mk("etc/subuid", text);
	assert_ranges(host_subuids(),
		      RANGES({ 100000, 65536 }, { 300000, 10 }, { 4294967295U, 1 }), 3);
}

Test(util_host, malformed_lines_are_skipped)
{
	_cleanup_free_ char *name = my_name();
	_cleanup_free_ char *text = xasprintf(
		"%1$s\n"                     /* one field */
		"%1$s:10\n"                  /* two */
		"%1$s:1:2:3\n"               /* four */
		"%1$s:abc:10\n"              /* not numbers */
		"%1$s:10:x\n"
		"%1$s:-1:10\n"               /* signs */
		"%1$s:+1:10\n"
		"%1$s: 1:10\n"               /* blanks */
		" %1$s:1:10\n"
		"%1$s:1:10 \n"
		"%1$s:5:0\n"                 /* an empty range */
		"%1$s:4294967295:2\n"        /* past the last id */
		"%1$s:4294967296:1\n"
		"%1$s:1:99999999999999999999\n"
		"#%1$s:1:10\n"               /* a comment */
		"\n"
		":1:10\n"
		"%1$s:7:3\n", name);

	mk("etc/subuid", text);
	assert_ranges(host_subuids(), RANGES({ 7, 3 }), 1);
}

/* subgid lines are matched by the user too (newgidmap's rule), not by group. */
Test(util_host, subgid_is_its_own_file)
{
	_cleanup_free_ char *name = my_name();
	_cleanup_free_ char *uids = xasprintf("%s:100000:65536\n", name);
	_cleanup_free_ char *gids = xasprintf("%s:500000:1000\n%u:600000:5\n", name,
					      (unsigned)getuid());

	mk("etc/subuid", uids);
	mk("etc/subgid", gids);
	assert_ranges(host_subgids(), RANGES({ 500000, 1000 }, { 600000, 5 }), 2);
	assert_ranges(host_subuids(), RANGES({ 100000, 65536 }), 1);
}

Test(util_host, missing_file_grants_nothing)
{
	cr_assert_eq(host_subuids()->n, 0);
	cr_assert_eq(host_subgids()->n, 0);
}

/* ---- cgroups ---------------------------------------------------------------- */

Test(util_host, layout_v2)
{
	const struct host_cgroup *cg;

	mount_fake("sys/fs/cgroup", CGROUP2_SUPER_MAGIC);
	mk("sys/fs/cgroup/user.slice/husk.scope/cgroup.procs", "");
	mk("proc/self/cgroup", "0::/user.slice/husk.scope\n");
	cg = host_cgroup();
	cr_assert_eq(cg->layout, HOST_CGROUP_V2, "%s", host_cgroup_layout_name(cg->layout));
	assert_path(cg->v2_mount, "sys/fs/cgroup");
	cr_assert_str_eq(cg->own_path, "/user.slice/husk.scope");
	assert_path(cg->own_dir, "sys/fs/cgroup/user.slice/husk.scope");
}

Test(util_host, layout_hybrid)
{
	const struct host_cgroup *cg;

	mk("sys/fs/cgroup", NULL);   /* a tmpfs */
	mount_fake("sys/fs/cgroup/cpu", CGROUP_SUPER_MAGIC);
	mount_fake("sys/fs/cgroup/memory", CGROUP_SUPER_MAGIC);
	mount_fake("sys/fs/cgroup/unified", CGROUP2_SUPER_MAGIC);
	mk("sys/fs/cgroup/unified/cgroup.procs", "");
	mk("proc/self/cgroup", "2:memory:/\n1:cpu:/\n0::/\n");
	cg = host_cgroup();
	cr_assert_eq(cg->layout, HOST_CGROUP_HYBRID, "%s", host_cgroup_layout_name(cg->layout));
	assert_path(cg->v2_mount, "sys/fs/cgroup/unified");
	cr_assert_str_eq(cg->own_path, "/");
	assert_path(cg->own_dir, "sys/fs/cgroup/unified");
}

/*
 * The v1 controllers come from /proc/self/cgroup, each with its hierarchy's
 * mount (co-mounted ones sharing "cpu,cpuacct") and our cgroup in it;
 * named hierarchies, the cgroup2 line and controllers whose hierarchy is
 * not mounted where it is conventionally are left out.
 */
Test(util_host, v1_controllers_and_our_cgroups_in_them)
{
	const struct host_cgroup *cg;
	const struct host_cgroup_v1 *v;

	mk("sys/fs/cgroup", NULL);
	mount_fake("sys/fs/cgroup/cpu,cpuacct", CGROUP_SUPER_MAGIC);
	mount_fake("sys/fs/cgroup/memory", CGROUP_SUPER_MAGIC);
	mount_fake("sys/fs/cgroup/systemd", CGROUP_SUPER_MAGIC);
	mount_fake("sys/fs/cgroup/unified", CGROUP2_SUPER_MAGIC);
	mk("proc/self/cgroup", "5:name=systemd:/user.slice\n4:rdma:/\n3:memory:/a/b\n"
	   "2:cpu,cpuacct:/c\n0::/u\n");
	cg = host_cgroup();
	cr_assert_eq(cg->n_v1, 3, "cpu, cpuacct, memory; not name=systemd, not unmounted rdma");
	v = host_cgroup_v1("memory");
	cr_assert_not_null(v);
	assert_path(v->mount, "sys/fs/cgroup/memory");
	cr_assert_str_eq(v->own_path, "/a/b");
	v = host_cgroup_v1("cpuacct");
	cr_assert_not_null(v);
	assert_path(v->mount, "sys/fs/cgroup/cpu,cpuacct");
	cr_assert_str_eq(v->own_path, "/c");
	cr_assert_null(host_cgroup_v1("rdma"));
	cr_assert_null(host_cgroup_v1("systemd"));
	cr_assert_str_eq(cg->own_path, "/u");
}

/* Intel RDT is there when resctrl is mounted at /sys/fs/resctrl. */
Test(util_host, resctrl_is_a_mounted_resctrl)
{
	cr_assert_not(host_has(HOST_FEATURE_RESCTRL), "nothing there");
	reread();
	mk("sys/fs/resctrl", NULL);
	cr_assert_not(host_has(HOST_FEATURE_RESCTRL), "a plain directory");
	reread();
	mount_fake("sys/fs/resctrl", 0x7655821);
	cr_assert(host_has(HOST_FEATURE_RESCTRL));
	cr_assert_str_eq(host_feature_name(HOST_FEATURE_RESCTRL), "resctrl");
}

Test(util_host, layout_v1)
{
	const struct host_cgroup *cg;

	mk("sys/fs/cgroup", NULL);
	mk("sys/fs/cgroup/README", "a file among the hierarchies\n");
	mount_fake("sys/fs/cgroup/pids", CGROUP_SUPER_MAGIC);
	mk("proc/self/cgroup", "1:pids:/user.slice\n0::/user.slice\n");
	cg = host_cgroup();
	cr_assert_eq(cg->layout, HOST_CGROUP_V1, "%s", host_cgroup_layout_name(cg->layout));
	cr_assert_null(cg->v2_mount);
	cr_assert_str_eq(cg->own_path, "/user.slice");
	cr_assert_null(cg->own_dir, "no cgroup2 mount, so no directory of ours in it");
	cr_assert_not(cg->delegated);
}

/* One v1 hierarchy mounted at /sys/fs/cgroup itself. */
Test(util_host, layout_v1_at_the_root)
{
	mount_fake("sys/fs/cgroup", CGROUP_SUPER_MAGIC);
	cr_assert_eq(host_cgroup()->layout, HOST_CGROUP_V1);
}

Test(util_host, layout_none)
{
	const struct host_cgroup *cg = host_cgroup();

	cr_assert_eq(cg->layout, HOST_CGROUP_NONE, "no /sys/fs/cgroup at all");
	cr_assert_null(cg->v2_mount);
	cr_assert_null(cg->own_dir);
	cr_assert_not(cg->delegated);
	cr_assert_not(host_has(HOST_FEATURE_CGROUP_KILL));

	reread();
	mk("sys/fs/cgroup/memory", NULL);   /* an empty tmpfs with a plain directory */
	cr_assert_eq(host_cgroup()->layout, HOST_CGROUP_NONE);
}

/* cgroup2 at .../unified and no v1 controllers: v2, mounted there. */
Test(util_host, unified_alone_is_v2_mounted_there)
{
	mk("sys/fs/cgroup", NULL);
	mount_fake("sys/fs/cgroup/unified", CGROUP2_SUPER_MAGIC);
	cr_assert_eq(host_cgroup()->layout, HOST_CGROUP_V2);
	assert_path(host_cgroup()->v2_mount, "sys/fs/cgroup/unified");
}

Test(util_host, no_cgroup2_line)
{
	mount_fake("sys/fs/cgroup", CGROUP2_SUPER_MAGIC);
	mk("proc/self/cgroup", "1:name=systemd:/\n");
	cr_assert_null(host_cgroup()->own_path);
	cr_assert_null(host_cgroup()->own_dir);
	cr_assert_not(host_cgroup()->delegated);
}

Test(util_host, layout_names)
{
	cr_assert_str_eq(host_cgroup_layout_name(HOST_CGROUP_NONE), "none");
	cr_assert_str_eq(host_cgroup_layout_name(HOST_CGROUP_V1), "v1");
	cr_assert_str_eq(host_cgroup_layout_name(HOST_CGROUP_V2), "v2");
	cr_assert_str_eq(host_cgroup_layout_name(HOST_CGROUP_HYBRID), "hybrid");
}

/* A v2 tree where husk sits in /user.slice/u.service. */
static void v2_tree(void)
{
	mount_fake("sys/fs/cgroup", CGROUP2_SUPER_MAGIC);
	mk("sys/fs/cgroup/user.slice/u.service/cgroup.procs", "");
	mk("proc/self/cgroup", "0::/user.slice/u.service\n");
}

Test(util_host, delegated_when_ours_to_write)
{
	v2_tree();
	cr_assert(host_cgroup()->delegated);
}

/*
 * As root every file is writable, so the refusals are checked as nobody
 * (the saved uid stays 0 to come back); as a user, with the modes alone.
 */
static bool run_as_nobody(void)
{
	if (geteuid() != 0)
		return false;
	if (setresgid(65534, 65534, 0) < 0 || setresuid(65534, 65534, 0) < 0)
		skip("cannot become nobody here (a user namespace without it?)");
	return true;
}

static void back_from_nobody(bool was_root)
{
	if (was_root) {
		cr_assert_eq(setresuid(0, 0, 0), 0);
		cr_assert_eq(setresgid(0, 0, 0), 0);
	}
}

/* As root: hand `path` to nobody, whom run_as_nobody() becomes. */
static void give_to_nobody(const char *path)
{
	if (geteuid() != 0)
		return;
	if (chown(path, 65534, 65534) < 0 && errno == EINVAL)
		skip("nobody is not mapped here (a user namespace without it?)");
	cr_assert_eq(chown(path, 65534, 65534), 0, "chown %s: %m", path);
}

static bool delegated_now(void)
{
	bool was_root = run_as_nobody();
	bool delegated;

	reread();   /* who we are now */
	delegated = host_cgroup()->delegated;
	back_from_nobody(was_root);
	return delegated;
}

Test(util_host, not_delegated_without_write_access)
{
	_cleanup_free_ char *dir = at("sys/fs/cgroup/user.slice/u.service");
	_cleanup_free_ char *procs = at("sys/fs/cgroup/user.slice/u.service/cgroup.procs");

	v2_tree();
	cr_assert_eq(chmod(procs, 0444), 0);
	cr_assert_eq(chmod(dir, 0555), 0);
	cr_assert_not(delegated_now(), "a read-only cgroup counted as delegated");
}

/* Systemd delegates the directory and cgroup.procs both; one alone is not enough. */
Test(util_host, not_delegated_with_the_directory_alone)
{
	_cleanup_free_ char *dir = at("sys/fs/cgroup/user.slice/u.service");
	_cleanup_free_ char *procs = at("sys/fs/cgroup/user.slice/u.service/cgroup.procs");

	v2_tree();
	cr_assert_eq(chmod(procs, 0444), 0);
	give_to_nobody(dir);
	cr_assert_not(delegated_now());
}

Test(util_host, delegated_to_a_user)
{
	_cleanup_free_ char *dir = at("sys/fs/cgroup/user.slice/u.service");
	_cleanup_free_ char *procs = at("sys/fs/cgroup/user.slice/u.service/cgroup.procs");

	v2_tree();
	give_to_nobody(dir);
	give_to_nobody(procs);
	cr_assert(delegated_now(), "a cgroup owned by us is delegated to us");
}

/* ---- cgroup.kill --------------------------------------------------------------- */

Test(util_host, cgroup_kill_in_our_own_cgroup)
{
	v2_tree();
	mk("sys/fs/cgroup/user.slice/u.service/cgroup.kill", "");
	cr_assert(host_has(HOST_FEATURE_CGROUP_KILL));
}

Test(util_host, no_cgroup_kill_in_our_own_cgroup)
{
	v2_tree();
	cr_assert_not(host_has(HOST_FEATURE_CGROUP_KILL));
}

/* In the root cgroup the file never exists: a child cgroup tells. */
Test(util_host, cgroup_kill_from_the_root_asks_a_child)
{
	mount_fake("sys/fs/cgroup", CGROUP2_SUPER_MAGIC);
	mk("sys/fs/cgroup/cgroup.procs", "");
	mk("proc/self/cgroup", "0::/\n");
	cr_assert_not(host_has(HOST_FEATURE_CGROUP_KILL), "no child cgroup: cannot tell");
	reread();
	mk("sys/fs/cgroup/init.scope/cgroup.kill", "");
	cr_assert(host_has(HOST_FEATURE_CGROUP_KILL));
}

/* ---- LSMs ------------------------------------------------------------------ */

Test(util_host, apparmor_needs_securityfs_and_the_module)
{
	cr_assert_not(host_lsm_enabled(HOST_LSM_APPARMOR));
	reread();
	mk("sys/kernel/security/apparmor", NULL);
	mk("sys/module/apparmor/parameters/enabled", "N\n");
	cr_assert_not(host_lsm_enabled(HOST_LSM_APPARMOR), "the module says N");
	reread();
	mk("sys/module/apparmor/parameters/enabled", "Y\n");
	cr_assert(host_lsm_enabled(HOST_LSM_APPARMOR));
	cr_assert_not(host_lsm_enabled(HOST_LSM_SELINUX));
}

Test(util_host, apparmor_module_alone_is_not_enough)
{
	mk("sys/module/apparmor/parameters/enabled", "Y\n");
	cr_assert_not(host_lsm_enabled(HOST_LSM_APPARMOR), "no securityfs entry");
}

Test(util_host, selinux_needs_selinuxfs_mounted)
{
	mk("sys/fs/selinux", NULL);
	cr_assert_not(host_lsm_enabled(HOST_LSM_SELINUX), "the mount point alone");
	reread();
	mk("sys/fs/selinux/enforce", "1");
	cr_assert(host_lsm_enabled(HOST_LSM_SELINUX));
	cr_assert_not(host_lsm_enabled(HOST_LSM_APPARMOR));
}

/* ---- the real machine ---------------------------------------------------------- */

static void real_machine(void)
{
	host_reset_for_test(NULL);
}

static bool real_uid_map_is_full(void)
{
	_cleanup_free_ char *map = NULL;

	if (read_file_at(AT_FDCWD, "/proc/self/uid_map", 4096, &map, NULL, NULL) < 0)
		return true;
	return strcmp(map, "         0          0 4294967295\n") == 0;
}

Test(util_host, real_machine_is_consistent)
{
	real_machine();
	cr_assert_eq(host_euid(), geteuid());
	cr_assert_eq(host_egid(), getegid());
	cr_assert_eq(host_unprivileged(), geteuid() != 0);
	cr_assert_eq(host_in_userns(), !real_uid_map_is_full());
	cr_assert_eq(host_rootless(), geteuid() != 0 || host_in_userns());
	cr_assert_eq(host_real_root(), !host_rootless());
	if (!host_in_userns())
		cr_assert_eq(host_outer_euid(), geteuid());
}

Test(util_host, real_cgroup_layout)
{
	const struct host_cgroup *cg;
	struct statfs top, unified;
	bool root_v2, unified_v2;

	real_machine();
	cg = host_cgroup();
	root_v2 = statfs("/sys/fs/cgroup", &top) == 0 &&
		  (unsigned long)top.f_type == CGROUP2_SUPER_MAGIC;
	unified_v2 = statfs("/sys/fs/cgroup/unified", &unified) == 0 &&
		     (unsigned long)unified.f_type == CGROUP2_SUPER_MAGIC;
	if (root_v2) {
		cr_assert_eq(cg->layout, HOST_CGROUP_V2);
		cr_assert_str_eq(cg->v2_mount, "/sys/fs/cgroup");
	} else if (unified_v2) {
		cr_assert(cg->layout == HOST_CGROUP_HYBRID || cg->layout == HOST_CGROUP_V2, "%s",
			  host_cgroup_layout_name(cg->layout));
		cr_assert_str_eq(cg->v2_mount, "/sys/fs/cgroup/unified");
	} else {
		cr_assert_null(cg->v2_mount);
	}
	if (cg->own_dir) {
		struct stat st;

		cr_assert_eq(stat(cg->own_dir, &st), 0, "%s: %m", cg->own_dir);
		cr_assert(S_ISDIR(st.st_mode));
		cr_assert_eq(cg->own_path[0], '/');
	}
	if (host_real_root() && cg->own_dir)
		cr_assert(cg->delegated, "root in the initial namespace manages any cgroup");
}

Test(util_host, real_subids_are_the_users)
{
	struct passwd *pw;

	real_machine();
	pw = getpwuid(getuid());
	if (pw)
		cr_assert_str_eq(host_subuids()->user, pw->pw_name);
	for (size_t i = 0; i < host_subuids()->n; i++)
		cr_assert_gt(host_subuids()->ranges[i].count, 0);
	(void)host_subgids();
}

/* Each probe agrees with a real call of the system call. */
Test(util_host, real_kernel_features)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC };
	struct clone_args args = { .exit_signal = SIGCHLD };
	long fd, pid;
	bool have;

	real_machine();
	fd = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));
	have = fd >= 0 || (errno != ENOSYS && errno != EPERM);
	if (fd >= 0)
		close((int)fd);
	cr_assert_eq(host_has(HOST_FEATURE_OPENAT2), have);

	fd = syscall(SYS_open_tree, AT_FDCWD, "/", OPEN_TREE_CLOEXEC);
	have = fd >= 0 || (errno != ENOSYS && errno != EPERM);
	if (fd >= 0)
		close((int)fd);
	cr_assert_eq(host_has(HOST_FEATURE_MOUNT_API), have);

	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0)
		_exit(0);
	have = pid > 0 || (errno != ENOSYS && errno != EPERM);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	cr_assert_eq(host_has(HOST_FEATURE_CLONE3), have);

	cr_assert_str_eq(host_feature_name(HOST_FEATURE_CGROUP_KILL), "cgroup.kill");
	cr_assert_not(host_has(HOST_FEATURE_COUNT));
}

/* Probing leaves nothing behind: no fd, no child. */
Test(util_host, probes_leave_nothing)
{
	int before = open("/dev/null", O_RDONLY | O_CLOEXEC), after;

	real_machine();
	close(before);
	for (int f = 0; f < HOST_FEATURE_COUNT; f++)
		(void)host_has((enum host_feature)f);
	after = open("/dev/null", O_RDONLY | O_CLOEXEC);
	cr_assert_eq(after, before, "an fd was left open by a probe");
	close(after);
	cr_assert(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD, "a probe made a child");
}
