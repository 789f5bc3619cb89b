/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_HOST_H
#define HUSK_HOST_H

/*
 * The host context: what husk needs to know about the machine it runs on
 * and about itself, asked here and nowhere else.
 *
 * Each fact is computed on first use and kept for the rest of the
 * invocation (src/util/host.c holds one static record; husk is
 * single-threaded and never changes its own credentials).  A process
 * forked or cloned by husk inherits what its parent had computed before
 * the fork, so a fact the container process needs in the parent's view
 * (husk's own cgroup, before the child unshares its cgroup namespace) must
 * be asked for by the parent first.  It lives in util/, the lowest layer,
 * because launch/, security/ and cgroup/, all below container/, need it.
 *
 * Two questions that sound alike and are not:
 *
 *   host_unprivileged()  the effective uid is not 0.  husk can then do
 *                        nothing privileged as itself: every container
 *                        needs a new user namespace, and id maps other than
 *                        "me -> 0" go through the setuid helpers
 *                        newuidmap/newgidmap.  launch/ asks this.
 *
 *   host_rootless()      husk cannot act as the host's root: the effective
 *                        uid is not 0, or husk runs in a user namespace
 *                        other than the initial one (rootless podman runs
 *                        its runtime as uid 0 in the user's namespace:
 *                        privileged there, nobody on the host).  The global
 *                        `--rootless true|false` overrides it (`auto`, the
 *                        default, detects), meaning what it means to runc:
 *                        do not expect to manage cgroups as root, so
 *                        cgroup errors become notices.  The state record
 *                        and the cgroup managers ask this.
 *
 * uid 0 in podman's user namespace is rootless but not unprivileged; the
 * override changes host_rootless() only, never how a container is built.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- who husk is ----------------------------------------------------------- */

uid_t host_euid(void);
gid_t host_egid(void);

/* euid != 0 (see above). */
bool host_unprivileged(void);

/*
 * husk runs in a user namespace other than the initial one: its
 * /proc/self/uid_map is not the single identity line "0 0 4294967295".
 * Without a readable uid_map (no /proc), the plain case: false.
 */
bool host_in_userns(void);

/*
 * Our effective uid as the parent user namespace sees it (through
 * /proc/self/uid_map): the user's own uid under podman rootless or
 * `unshare -r`, where host_euid() is 0.  host_euid() when there is no map
 * or it does not map us.
 */
uid_t host_outer_euid(void);

/*
 * husk is the host's root: euid 0 in the initial user namespace, the one
 * case `--rootless auto` takes as not rootless.  Unlike host_rootless()
 * it ignores the flag: for defaults that follow who husk really is (the
 * state root, the cache directory).
 */
bool host_real_root(void);

/* ---- rootless ------------------------------------------------------------- */

enum host_rootless {
	HOST_ROOTLESS_AUTO,         /* detect: !host_real_root() */
	HOST_ROOTLESS_TRUE,
	HOST_ROOTLESS_FALSE,
};

/* The global --rootless flag; called once, by main, before any verb. */
void host_set_rootless(enum host_rootless value);

/* The one definition of "rootless" (see above); the flag wins when given. */
bool host_rootless(void);

/* ---- subordinate ids ------------------------------------------------------- */

struct host_id_range {
	uint32_t start;             /* first id on the host */
	uint32_t count;             /* >= 1; start + count <= 2^32 */
};

/*
 * The ranges /etc/subuid (or /etc/subgid) grants the user, read as
 * newuidmap/newgidmap read them: "owner:start:count" lines whose owner is
 * the user's name (from the passwd database) or its uid as a decimal
 * number, in file order.  Lines that are not three fields of that shape,
 * a count of 0 and ranges past 2^32 are skipped.  The user is the real
 * uid, as the helpers check it.  A missing file means no ranges.
 */
struct host_subids {
	const char *user;           /* the name matched, or NULL (no passwd entry) */
	const struct host_id_range *ranges;
	size_t n;
};

const struct host_subids *host_subuids(void);
const struct host_subids *host_subgids(void);

/* ---- cgroups ---------------------------------------------------------------- */

enum host_cgroup_layout {
	HOST_CGROUP_NONE,           /* no cgroup filesystem at /sys/fs/cgroup */
	HOST_CGROUP_V1,             /* v1 controller hierarchies only */
	HOST_CGROUP_V2,             /* the unified hierarchy at /sys/fs/cgroup */
	HOST_CGROUP_HYBRID,         /* v1 controllers, plus cgroup2 at /sys/fs/cgroup/unified */
};

/* One v1 controller hierarchy (hybrid and v1 hosts). */
struct host_cgroup_v1 {
	const char *name;           /* the controller: "memory", "cpu", "cpuacct" ... */
	const char *mount;          /* its hierarchy: /sys/fs/cgroup/memory, .../cpu,cpuacct */
	const char *own_path;       /* husk's cgroup in it, from /proc/self/cgroup: "/" ... */
};

struct host_cgroup {
	enum host_cgroup_layout layout;
	/* v1 controllers (v1 and hybrid), one entry per controller, co-mounted
	 * ones sharing a mount; named hierarchies (name=systemd) are left out */
	const struct host_cgroup_v1 *v1;
	size_t n_v1;
	const char *v2_mount;       /* where cgroup2 is mounted, or NULL (none, v1) */
	const char *own_path;       /* husk's cgroup2 path, /proc/self/cgroup's "0::" line, or NULL */
	const char *own_dir;        /* v2_mount + own_path, or NULL when either is */
	bool delegated;             /* own_dir and own_dir/cgroup.procs are writable by husk */
};

/*
 * The layout comes from the filesystem types: cgroup2 at /sys/fs/cgroup is
 * v2; otherwise cgroup2 at /sys/fs/cgroup/unified next to v1 hierarchies
 * (or /sys/fs/cgroup itself a v1 one) is hybrid, v1 hierarchies alone are
 * v1, and cgroup2 at .../unified alone is v2 mounted there.  Delegation is
 * what a cgroup manager needs to make cgroups below its own and move
 * processes into them: write access to the directory and its cgroup.procs
 * (root, or the owner systemd handed them to).
 */
const struct host_cgroup *host_cgroup(void);

/* The v1 controller `name` of host_cgroup(), or NULL when the host has none. */
const struct host_cgroup_v1 *host_cgroup_v1(const char *name);

/* "none", "v1", "v2", "hybrid". */
const char *host_cgroup_layout_name(enum host_cgroup_layout layout);

/* ---- LSMs ------------------------------------------------------------------ */

enum host_lsm {
	HOST_LSM_APPARMOR,          /* securityfs shows it and the module says "Y" */
	HOST_LSM_SELINUX,           /* selinuxfs is mounted (its "enforce" file exists) */
};

bool host_lsm_enabled(enum host_lsm lsm);

/* ---- kernel features ------------------------------------------------------ */

enum host_feature {
	HOST_FEATURE_OPENAT2,       /* openat2(2), 5.6 */
	HOST_FEATURE_CLONE3,        /* clone3(2), 5.3 */
	HOST_FEATURE_MOUNT_API,     /* fsopen(2), open_tree(2) & co, 5.2 */
	HOST_FEATURE_CGROUP_KILL,   /* cgroup.kill in cgroup2 directories, 5.14 */
	HOST_FEATURE_RESCTRL,       /* Intel RDT: resctrl mounted at /sys/fs/resctrl */
	HOST_FEATURE_COUNT,
};

/*
 * System calls are probed with arguments the kernel refuses before doing
 * anything (EINVAL where it has the call, ENOSYS or a seccomp filter's
 * EPERM where it has not), so a probe creates nothing.  cgroup.kill is
 * looked for in husk's own cgroup2 directory, or in a child of the root
 * when that is the root cgroup (which never has the file).
 */
bool host_has(enum host_feature feature);

/* "openat2", "clone3", "mount-api", "cgroup.kill", "resctrl". */
const char *host_feature_name(enum host_feature feature);

/* ---- tests ---------------------------------------------------------------- */

struct statfs;

/*
 * Where the facts are read from; a NULL member means the real one.  Unit
 * tests point them at fake trees in a temporary directory.
 */
struct host_test_roots {
	const char *proc_self;      /* /proc/self: uid_map, cgroup */
	const char *sys;            /* /sys: fs/cgroup, kernel/security, module, fs/selinux */
	const char *etc;            /* /etc: subuid, subgid */
	/* statfs(2), for the cgroup layout: a fake tree is not a cgroup filesystem */
	int (*statfs)(const char *path, struct statfs *buf);
};

/*
 * Forget every fact and the --rootless value, and read from `roots` (NULL:
 * the real machine) from now on.  Also for a test that changes its
 * credentials after a fact was computed.
 */
void host_reset_for_test(const struct host_test_roots *roots);

#endif
