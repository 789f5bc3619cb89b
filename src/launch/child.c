/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container process, from clone to exec.
 *
 * Its whole life is the table `stages` below, run in order.  A stage that
 * fails sends (stage, errno, message) to the parent over the sync socket
 * and the process exits: the child never prints.  The order matters and
 * each position is explained at the stage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "husk/fault.h"
#include "husk/host.h"
#include "husk/security.h"
#include "husk/util.h"
#include "initexec.h"
#include "launch-internal.h"
#include "sync.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

typedef int (*stage_fn)(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err);

/* Close every fd we inherited but do not need, before anything else. */
static int stage_close_fds(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	int keep[NS_TYPE_COUNT + 3];
	size_t n = 0;

	keep[n++] = fault_fd();     /* -1 but in the test build */
	keep[n++] = ctx->sync_fd;
	keep[n++] = ctx->fifo_fd;
	for (int t = 0; t < NS_TYPE_COUNT; t++)
		keep[n++] = plan->join_fd[t];
	if (close_fds_except(3 + (unsigned int)ctx->opts->preserve_fds, keep, n) < 0)
		return husk_error_set(err, errno, "close_range");
	return 0;
}

/*
 * Until create has recorded us, we die with husk: a husk killed now must
 * not leave a process that nothing names.  The kernel sends SIGKILL when
 * our parent dies from here on; if it died before this call, its end of
 * the sync socket (of which we hold no copy) is already closed, which
 * reads as a hang-up.  A credential change later clears the signal, but by
 * then husk has recorded our pid (it does so before it writes our id maps,
 * which we wait for); before READY it is cleared anyway (stage_outlive).
 */
static int stage_parent_death(struct child_ctx *ctx, struct launch_plan *plan,
			      struct husk_error *err)
{
	struct pollfd p = { .fd = ctx->sync_fd, .events = POLLRDHUP };

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return husk_error_set(err, errno, "prctl(PR_SET_PDEATHSIG)");
	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLRDHUP)))
		_exit(1);       /* husk is gone: nobody would know about us */
	return 0;
}

/*
 * husk recorded us and now waits for READY: from here we may outlive it
 * (`create` exits once we are set up).
 */
static int stage_outlive(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
		return husk_error_set(err, errno, "prctl(PR_SET_PDEATHSIG, 0)");
	return 0;
}

/* Wait for the parent to write our id maps (EOF: the parent died). */
static int stage_wait_maps(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	struct sync_msg msg;
	int r = sync_recv(ctx->sync_fd, &msg);

	if (r <= 0 || msg.type != SYNC_MAPS_DONE)
		return husk_error_setq(err, EPIPE, "husk went away before the id maps were written");
	return 0;
}

/*
 * From here to the final exec this process is a copy of husk: make it
 * non-dumpable, so that no process that can see it (a pod sharing its pid
 * namespace, a later exec) can read its memory or open /proc/PID/exe, the
 * host's husk file (the runc CVE-2019-5736 class).  Not earlier: a
 * non-dumpable process's /proc/PID files belong to the host's root, so the
 * parent's id-map writes and our own /proc/self writes (time offsets,
 * oom_score_adj) must come first; the LSM stage reopens the door briefly.
 */
static int stage_non_dumpable(struct child_ctx *ctx, struct launch_plan *plan,
			      struct husk_error *err)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return husk_error_set(err, errno, "prctl(PR_SET_DUMPABLE)");
	return 0;
}

/*
 * Join namespaces given by path: the user namespace first, so that we hold
 * capabilities over the ones that follow.  When a user namespace was
 * joined, the remaining new namespaces are created now, inside it.
 */
static int stage_join_namespaces(struct child_ctx *ctx, struct launch_plan *plan,
				 struct husk_error *err)
{
	static const enum husk_ns_type order[] = { NS_USER, NS_MOUNT, NS_NETWORK, NS_IPC,
						   NS_UTS, NS_CGROUP, NS_TIME };

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		enum husk_ns_type t = order[i];

		if (plan->join_fd[t] < 0)
			continue;
		if (setns(plan->join_fd[t], launch_ns_clone_flag(t)) < 0)
			return husk_error_set(err, errno, "join the %s namespace from .linux.namespaces",
					      spec_ns_type_name(t));
		closep(&plan->join_fd[t]);
		if (t == NS_MOUNT) {
			/*
			 * setns() put our working directory, the rootfs husk opened
			 * (launch.c), on the joined namespace's root.  A rootfs in
			 * a namespace joined by path can only be found by its path
			 * there.
			 */
			int fd = open(ctx->opts->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

			if (fd < 0 || fchdir(fd) < 0) {
				int r = husk_error_set(err, errno, "open the rootfs %s in the "
						       "joined mount namespace",
						       ctx->opts->rootfs);

				closep(&fd);
				return r;
			}
			closep(&fd);
		}
		if (t == NS_USER) {
			int rest = (int)(plan->new_flags & ~(uint64_t)(CLONE_NEWUSER | CLONE_NEWPID |
							       CLONE_NEWCGROUP | CLONE_NEWTIME));

			if (rest && unshare(rest) < 0)
				return husk_error_set(err, errno, "unshare namespaces in the joined user namespace");
		}
	}
	return 0;
}

/*
 * In a new user namespace, become its root (if 0 is mapped) so that files
 * we create have a mapped owner; capabilities are ours either way.
 */
static int stage_become_root(struct child_ctx *ctx, struct launch_plan *plan,
			     struct husk_error *err)
{
	const struct husk_user *u = &ctx->spec->process->user;

	if (!ctx->new_userns)
		return 0;
	if (setresgid(0, 0, 0) < 0) {
		if (errno != EINVAL)
			return husk_error_set(err, errno, "setresgid(0)");
		/* gid 0 is not mapped (a map of 65534 only, say): files we make
		 * get the workload's group, which is mapped. */
		setfsgid(u->gid);
	}
	if (setresuid(0, 0, 0) < 0) {
		if (errno != EINVAL)
			return husk_error_set(err, errno, "setresuid(0)");
		setfsuid(u->uid);
	}
	return 0;
}

/*
 * The cgroup namespace is made here, after the parent had the chance to
 * place us in our cgroup, so that its root is the container's cgroup.
 */
static int stage_cgroup_ns(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	/* A v1 cgroup mount binds our own cgroups, which the namespace would
	 * then show as "/": learn them while the host's view is ours. */
	if (spec_mounts_cgroupfs(ctx->spec) && host_cgroup()->n_v1 > 0)
		(void)read_file_at(AT_FDCWD, "/proc/self/cgroup", 1 << 16, &ctx->cgroup_self, NULL,
				   NULL);
	if ((plan->new_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
		return husk_error_set(err, errno, "unshare the cgroup namespace");
	return 0;
}

/*
 * A time namespace applies to our children and, from execve on, to us; its
 * offsets can be set only while no process is in it, that is, now.
 */
static int stage_time_ns(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	const struct husk_linux *lx = ctx->spec->linux_;
	char buf[128];
	int r;

	if (!(plan->new_flags & CLONE_NEWTIME))
		return 0;
	if (unshare(CLONE_NEWTIME) < 0)
		return husk_error_set(err, errno, "unshare the time namespace");
	if (!lx)
		return 0;
	if (lx->time_monotonic.set) {
		snprintf(buf, sizeof(buf), "monotonic %lld %u", (long long)lx->time_monotonic.secs,
			 lx->time_monotonic.nanosecs);
		r = write_string_at(AT_FDCWD, "/proc/self/timens_offsets", buf, err);
		if (r < 0)
			return husk_error_prefix(err, ".linux.timeOffsets.monotonic");
	}
	if (lx->time_boottime.set) {
		snprintf(buf, sizeof(buf), "boottime %lld %u", (long long)lx->time_boottime.secs,
			 lx->time_boottime.nanosecs);
		r = write_string_at(AT_FDCWD, "/proc/self/timens_offsets", buf, err);
		if (r < 0)
			return husk_error_prefix(err, ".linux.timeOffsets.boottime");
	}
	return 0;
}

/* A fresh anonymous session keyring, so no host key is reachable. */
static int stage_keyring(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	const long KEYCTL_JOIN_SESSION_KEYRING = 1;

	if (ctx->opts->no_new_keyring)
		return 0;
	/* Kernels without keys, or a full key quota, are not worth failing over. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS &&
	    errno != EDQUOT && errno != EACCES)
		return husk_error_set(err, errno, "join a new session keyring");
	return 0;
}

/* A new network namespace starts with "lo" down; bring it up as runc does. */
static int stage_loopback(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	_cleanup_close_ int fd = -1;
	struct ifreq ifr;

	if (!ctx->new_netns)
		return 0;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return husk_error_set(err, errno, "socket for the loopback interface");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return husk_error_set(err, errno, "get flags of lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return husk_error_set(err, errno, "bring lo up");
	return 0;
}

static int stage_hostname(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	const struct husk_spec *s = ctx->spec;
	bool own_uts = ctx->new_utsns || plan->join_fd[NS_UTS] >= 0 ||
		       spec_namespace(s, NS_UTS) != NULL;

	if ((s->hostname || s->domainname) && !own_uts)
		return husk_error_setq(err, EINVAL,
				       ".hostname: setting a hostname needs a uts namespace "
				       "(add {\"type\": \"uts\"} to .linux.namespaces)");
	if ((s->hostname || s->domainname) && ctx->joins_host_ns[NS_UTS])
		return husk_error_setq(err, EPERM,
				       ".hostname: the uts namespace joined in .linux.namespaces is "
				       "husk's own; setting it would rename the host");
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return husk_error_set(err, errno, ".hostname: sethostname \"%s\"", s->hostname);
	if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
		return husk_error_set(err, errno, ".domainname: setdomainname \"%s\"", s->domainname);
	return 0;
}

static int stage_oom(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	return process_set_oom_score_adj(ctx->spec->process, err);
}

static int stage_rootfs_mounts(struct child_ctx *ctx, struct launch_plan *plan,
			       struct husk_error *err)
{
	return rootfs_mount(ctx, err);
}

/*
 * A hook point: when the spec has hooks of these kinds, tell husk where we
 * are and wait until it ran them.  Without any, nothing is sent.
 */
static int hook_point(struct child_ctx *ctx, const char *point, enum husk_hook_kind a,
		      enum husk_hook_kind b, struct husk_error *err)
{
	const struct husk_hooks *h = &ctx->spec->hooks;
	struct sync_msg msg;
	int r;

	if (h->count[a] == 0 && h->count[b] == 0)
		return 0;
	memset(&msg, 0, sizeof(msg));
	msg.type = SYNC_POINT;
	snprintf(msg.stage, sizeof(msg.stage), "%s", point);
	r = sync_send_msg(ctx->sync_fd, &msg, -1);
	if (r == 0)
		r = sync_recv(ctx->sync_fd, &msg);
	if (r < 0)
		return husk_error_set(err, -r, "wait for husk at %s", point);
	if (r == 0 || msg.type != SYNC_POINT_DONE)
		return husk_error_setq(err, EPIPE, "husk went away at %s", point);
	return 0;
}

/*
 * The container's namespaces exist and its mounts are made, the pivot is
 * next: husk runs the prestart and createRuntime hooks (in its own
 * namespaces) now.
 */
static int stage_create_runtime(struct child_ctx *ctx, struct launch_plan *plan,
				struct husk_error *err)
{
	return hook_point(ctx, "create-runtime", HOOK_PRESTART, HOOK_CREATE_RUNTIME, err);
}

/*
 * createContainer hooks run here, in the container's namespaces, before
 * the pivot.  Running hooks is the engines issue's work: until then the
 * spec's hooks are named in the "not applied" notice (spec_unapplied()).
 */
static int stage_create_container(struct child_ctx *ctx, struct launch_plan *plan,
				  struct husk_error *err)
{
	return 0;
}

static int stage_rootfs_pivot(struct child_ctx *ctx, struct launch_plan *plan,
			      struct husk_error *err)
{
	return rootfs_enter(ctx, err);
}

static int stage_sysctl(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	return process_sysctl(ctx, err);
}

static int stage_rootfs_finalize(struct child_ctx *ctx, struct launch_plan *plan,
				 struct husk_error *err)
{
	return rootfs_finalize(ctx, err);
}

static int stage_rlimits(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	return process_set_rlimits(ctx->spec->process, err);
}

static int stage_cpu_affinity_initial(struct child_ctx *ctx, struct launch_plan *plan,
				      struct husk_error *err)
{
	return process_set_cpu_affinity(ctx->spec->process, false, err);
}

static int stage_cpu_affinity_final(struct child_ctx *ctx, struct launch_plan *plan,
				    struct husk_error *err)
{
	return process_set_cpu_affinity(ctx->spec->process, true, err);
}

/* Raising priorities needs CAP_SYS_NICE (ioprio RT: CAP_SYS_ADMIN): before
 * the uid change drops them.  Both are inherited through exec. */
static int stage_scheduling(struct child_ctx *ctx, struct launch_plan *plan,
			    struct husk_error *err)
{
	int r = process_set_scheduler(ctx->spec->process, err);

	if (r == 0)
		r = process_set_io_priority(ctx->spec->process, err);
	return r;
}

static int stage_personality(struct child_ctx *ctx, struct launch_plan *plan,
			     struct husk_error *err)
{
	return process_set_personality(ctx->spec, err);
}

/* The bounding set is narrowed while we still hold CAP_SETPCAP. */
static int stage_caps_bounding(struct child_ctx *ctx, struct launch_plan *plan,
			       struct husk_error *err)
{
	return security_caps_before_user(ctx->security, err);
}

/*
 * Load the filter now, and hand a listener fd (notify rules) to the agent
 * at once, through husk, which is still waiting for READY: the syscalls
 * that follow may already be notified.
 */
static int seccomp_load_now(struct child_ctx *ctx, struct husk_error *err)
{
	int notify_fd = -1;
	int r;

	ctx->seccomp_loaded = true;
	r = security_seccomp_apply(ctx->security, &notify_fd, err);
	if (r == 0)
		r = seccomp_hand_over(ctx->sync_fd, notify_fd, err);
	return r;
}

/*
 * Without no_new_privs the kernel takes a filter only from a holder of
 * CAP_SYS_ADMIN, which the uid change is about to drop: load it now.  The
 * profile then also governs the few setup syscalls that follow.
 */
static int stage_seccomp_early(struct child_ctx *ctx, struct launch_plan *plan,
			       struct husk_error *err)
{
	if (!security_seccomp_early(ctx->security))
		return 0;
	return seccomp_load_now(ctx, err);
}

/*
 * With notify rules the listener fd must reach the agent through husk,
 * and `husk create` is gone after READY: the filter is loaded here, the
 * last step before READY, instead of after the start wait (as runc does).
 * The start wait and the execveat of husk-init then run under it.
 */
static int stage_seccomp_notify(struct child_ctx *ctx, struct launch_plan *plan,
				struct husk_error *err)
{
	if (ctx->seccomp_loaded || !security_seccomp_has_notify(ctx->security))
		return 0;
	return seccomp_load_now(ctx, err);
}

static int stage_user(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	return process_set_user(ctx, err);
}

/* Effective, permitted, inheritable, then ambient: after the uid change. */
static int stage_caps(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	return security_caps_after_user(ctx->security, err);
}

/* LSM exec labels go before no_new_privs, which restricts AppArmor changes. */
static int stage_lsm(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	int r;

	/* The exec label is written through /proc/self/attr, which only a
	 * dumpable process may open (see stage_non_dumpable). */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	r = security_lsm_apply(ctx->security, err);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return r;
}

/* Checked in the root before seccomp can deny a syscall (see process.c). */
static int stage_cwd_open(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	return process_open_cwd(ctx->spec->process, &ctx->cwd_fd, err);
}

static int stage_cwd(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	return process_chdir(ctx->spec->process, &ctx->cwd_fd, err);
}

/* Found before READY, so `create` (not a later `start`) reports a bad path. */
static int stage_find_exec(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	return process_find_executable(ctx->spec->process, &ctx->exec_path, err);
}

/*
 * The preserved fds 3..3+n-1 are the only ones the workload inherits.  The
 * caller's arrive without close-on-exec (they survived its exec of husk); a
 * close-on-exec fd in the range is one husk opened itself where the caller
 * left a gap (its --log file, say), and is closed rather than passed on.
 */
static int stage_preserve_fds(struct child_ctx *ctx, struct launch_plan *plan,
			      struct husk_error *err)
{
	for (int fd = 3; fd < 3 + ctx->opts->preserve_fds; fd++) {
		int flags = fcntl(fd, F_GETFD);

		if (flags >= 0 && (flags & FD_CLOEXEC))
			close(fd);
	}
	return 0;
}

/*
 * husk-init in a sealed memfd (initexec.c), made before READY so that a
 * host that cannot do it is known at create time.
 */
static int stage_init_image(struct child_ctx *ctx, struct launch_plan *plan,
			    struct husk_error *err)
{
	return init_image_open(&ctx->init_fd, ctx->note, sizeof(ctx->note), err);
}

static int stage_no_new_privs(struct child_ctx *ctx, struct launch_plan *plan,
			      struct husk_error *err)
{
	if (ctx->spec->process->no_new_privileges &&
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return husk_error_set(err, errno, ".process.noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS)");
	return 0;
}

/* Last before a late filter: see init_exec_lower_read_caps(). */
static int stage_lower_read_caps(struct child_ctx *ctx, struct launch_plan *plan,
				 struct husk_error *err)
{
	return init_exec_lower_read_caps(ctx->init_fd, err);
}

struct stage {
	const char *name;           /* unique: the fault point, and the message's prefix */
	stage_fn fn;
	bool quiet;                 /* no prefix: the message speaks for itself */
};

/*
 * A container's life, in order.  Why this order:
 *  - fds are closed first, so nothing of the host is open while we work;
 *  - nothing touches files before the id maps exist (unmapped owners fail);
 *  - oom_score_adj is written through the host's /proc, before the pivot,
 *    and before the process turns non-dumpable;
 *  - sysctl needs the container's /proc, writable: after the rootfs, before
 *    readonlyPaths make /proc/sys read-only in rootfs-finalize;
 *  - rlimits are raised while we still hold CAP_SYS_RESOURCE, before the
 *    uid change drops it;
 *  - privileges narrow step by step: bounding set, (seccomp when it needs
 *    CAP_SYS_ADMIN), uid/gid, capability sets, LSM label, no_new_privs;
 *  - the cwd is opened in the root before an early seccomp filter could
 *    deny what that needs, and entered (and the executable looked up) as
 *    the final user;
 *  - CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH leave the effective set once
 *    nothing needs them, before a late filter (which may deny capset), so
 *    that husk-init, exec'd from a 0111 memfd, is never dumpable;
 *  - seccomp comes last of all, after the start wait, right before the
 *    execveat of husk-init (which runs under the same filter); with
 *    SCMP_ACT_NOTIFY rules right before READY instead, while husk is
 *    still there to pass the listener fd on to the agent.
 */
static const struct stage stages[] = {
	{ .name = "close-fds", .fn = stage_close_fds },
	{ .name = "parent-death", .fn = stage_parent_death },
	{ .name = "cpu-affinity-initial", .fn = stage_cpu_affinity_initial },
	{ .name = "wait-idmap", .fn = stage_wait_maps },
	{ .name = "join-namespaces", .fn = stage_join_namespaces },
	{ .name = "become-root", .fn = stage_become_root },
	{ .name = "cgroup-namespace", .fn = stage_cgroup_ns },
	{ .name = "time-namespace", .fn = stage_time_ns },
	{ .name = "oom-score-adj", .fn = stage_oom },
	{ .name = "non-dumpable", .fn = stage_non_dumpable },
	{ .name = "keyring", .fn = stage_keyring },
	{ .name = "loopback", .fn = stage_loopback },
	{ .name = "hostname", .fn = stage_hostname },
	{ .name = "rootfs-mounts", .fn = stage_rootfs_mounts },
	{ .name = "create-runtime", .fn = stage_create_runtime },
	{ .name = "create-container", .fn = stage_create_container },
	{ .name = "rootfs-pivot", .fn = stage_rootfs_pivot },
	{ .name = "sysctl", .fn = stage_sysctl },
	{ .name = "rootfs-finalize", .fn = stage_rootfs_finalize },
	{ .name = "rlimits", .fn = stage_rlimits },
	{ .name = "scheduling", .fn = stage_scheduling },
	{ .name = "personality", .fn = stage_personality },
	{ .name = "capabilities-bounding", .fn = stage_caps_bounding },
	{ .name = "cwd-open", .fn = stage_cwd_open, .quiet = true },
	{ .name = "seccomp-early", .fn = stage_seccomp_early },
	{ .name = "user", .fn = stage_user },
	{ .name = "capabilities", .fn = stage_caps },
	{ .name = "lsm", .fn = stage_lsm },
	{ .name = "cwd", .fn = stage_cwd },
	{ .name = "find-executable", .fn = stage_find_exec, .quiet = true },
	{ .name = "husk-init", .fn = stage_init_image },
	{ .name = "preserve-fds", .fn = stage_preserve_fds },
	{ .name = "cpu-affinity", .fn = stage_cpu_affinity_final },
	{ .name = "no-new-privileges", .fn = stage_no_new_privs },
	{ .name = "lower-read-caps", .fn = stage_lower_read_caps },
	{ .name = "seccomp-notify", .fn = stage_seccomp_notify },
	{ .name = "outlive-husk", .fn = stage_outlive },
};

/* Block until `husk start` writes to the exec fifo; EOF means give up. */
static int stage_wait_start(struct child_ctx *ctx, struct launch_plan *plan,
			    struct husk_error *err)
{
	struct pollfd pfd = { .fd = ctx->fifo_fd, .events = POLLIN };
	char c;

	if (ctx->fifo_fd < 0)
		return 0;
	for (;;) {
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return husk_error_set(err, errno, "poll the exec fifo");
		}
		if (read(ctx->fifo_fd, &c, 1) == 1)
			break;
		return husk_error_setq(err, ECANCELED, "the exec fifo closed without a start");
	}
	closep(&ctx->fifo_fd);
	return 0;
}

/*
 * startContainer hooks run here, in the container, after start and before
 * the process's own program: the engines issue's work (see
 * stage_create_container).
 */
static int stage_start_container(struct child_ctx *ctx, struct launch_plan *plan,
				 struct husk_error *err)
{
	return 0;
}

/* The filter, last of all, unless a notify filter was loaded before READY. */
static int stage_seccomp(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	int notify_fd = -1;

	if (ctx->seccomp_loaded)
		return 0;
	return security_seccomp_apply(ctx->security, &notify_fd, err);
}

/* husk-init (or, pass-through, the workload) from the sealed memfd. */
static int stage_exec(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	const struct husk_spec *spec = ctx->spec;
	char *const *env = spec->process->env ? spec->process->env : (char *[]){ NULL };

	init_exec(ctx->init_fd,
		  ctx->opts->no_init || str_eq(spec_annotation(spec, "io.husk.init"), "false"),
		  -1, spec->process->args, env, ctx->exec_path);
	return husk_error_set(err, errno, "exec \"%s\"", spec->process->args[0]);
}

/*
 * After READY: the container's tail, from the start to the exec.  A
 * failure here is reported as EXEC_FAILED (to `run`, or to nobody after
 * `create` returned) and the process exits 127 (not found) or 126.
 */
static const struct stage start_stages[] = {
	{ .name = "wait-start", .fn = stage_wait_start },
	{ .name = "start-container", .fn = stage_start_container },
	{ .name = "seccomp", .fn = stage_seccomp },
	{ .name = "exec", .fn = stage_exec, .quiet = true },
};

void child_main(struct child_ctx *ctx, struct launch_plan *plan)
{
	struct husk_error err;
	int r;

	husk_error_clear(&err);
	ctx->init_fd = -1;
	ctx->cwd_fd = -1;
	ctx->root_fd = -1;
	for (size_t i = 0; i < ARRAY_SIZE(stages); i++) {
		r = fault_point("child", stages[i].name, &err);
		if (r == 0)
			r = stages[i].fn(ctx, plan, &err);
		if (r < 0) {
			sync_send_error(ctx->sync_fd, SYNC_ERROR,
					stages[i].quiet ? "" : stages[i].name, &err);
			_exit(1);
		}
	}
	if (sync_send_num(ctx->sync_fd, SYNC_READY, 0, ctx->note) < 0)
		_exit(1); /* husk is gone: nobody would know about us */

	for (size_t i = 0; i < ARRAY_SIZE(start_stages); i++) {
		r = fault_point("child", start_stages[i].name, &err);
		if (r == 0)
			r = start_stages[i].fn(ctx, plan, &err);
		if (r < 0) {
			if (!start_stages[i].quiet)
				husk_error_prefix(&err, "%s", start_stages[i].name);
			sync_send_error(ctx->sync_fd, SYNC_EXEC_FAILED, "", &err);
			_exit(err.errnum == ENOENT ? 127 : 126);
		}
	}
	_exit(126);     /* not reached: stage_exec() either execs or fails */
}
