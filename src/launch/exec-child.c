/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The processes `husk exec` forks: the joiner, which does all the work,
 * and the exec'd process, which only loads seccomp and execs (see
 * exec-internal.h for the picture).
 *
 * Like the container process they never print: a failure travels to husk
 * exec over the sync socket with its stage, and the process exits.  Both
 * are non-dumpable from their first instruction on, so that a process of
 * the container cannot ptrace them, read their memory or open their
 * /proc/PID/exe, which is the host's husk file until the final execveat
 * replaces it with husk-init from a sealed memfd (the runc CVE-2019-5736
 * class).  Only the exec'd process is ever visible inside the container's
 * pid namespace, and only between its birth and that execveat: everything
 * else happens in the joiner, which stays in husk's pid namespace.  (A
 * container granted CAP_SYS_PTRACE over husk's own user namespace, as root
 * without a user namespace of its own, is not stopped by non-dumpability;
 * what it would have to hit is that window from fork to execveat.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec-internal.h"
#include "husk/fault.h"
#include "husk/security.h"
#include "husk/util.h"
#include "initexec.h"
#include "launch-internal.h"
#include "sync.h"

/* What the joiner prepares for the exec'd process, which inherits it. */
struct exec_proc {
	struct exec_ctx *ctx;
	char *exec_path;            /* args[0] resolved in the container */
	int init_fd;                /* sealed husk-init memfd, or -1 */
	int cwd_fd;                 /* the cwd, O_PATH, until the chdir; or -1 */
	bool seccomp_loaded;        /* loaded early, before the uid change */
	struct husk_error exec_err; /* set: the command cannot run (127/126) */
	char note[256];
};

typedef int (*exec_stage_fn)(struct exec_proc *ep, struct husk_error *err);

/* Report a failed setup step of the joiner and exit. */
static void __attribute__((noreturn)) join_fail(const struct exec_ctx *ctx, const char *stage,
						const struct husk_error *err)
{
	sync_send_error(ctx->sync_fd, SYNC_ERROR, stage, err);
	_exit(1);
}

/* ---- before joining -------------------------------------------------------- */

static int stage_dumpable(struct exec_proc *ep, struct husk_error *err)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return husk_error_set(err, errno, "prctl(PR_SET_DUMPABLE, 0)");
	return 0;
}

/*
 * Into the container's cgroups, while still husk's own code in the host's
 * view: writing 0 to a cgroup.procs moves the writer, so the process
 * cloned later is born there, limits and all.
 */
static int stage_cgroup(struct exec_proc *ep, struct husk_error *err)
{
	const struct launch_exec_opts *o = ep->ctx->opts;

	for (size_t i = 0; i < o->n_cgroup_fds; i++) {
		int r = write_all(o->cgroup_fds[i], "0", 1);

		close(o->cgroup_fds[i]);
		if (r < 0)
			return husk_error_set(err, -r, "join the container's cgroup (write "
					      "cgroup.procs)");
	}
	return 0;
}

/*
 * Keep stdio, the caller's fds 3 .. 3+n-1 and our two fds; close the rest.
 * In the preserved range an fd with FD_CLOEXEC set cannot be the caller's
 * (it would not have survived the exec into husk): it is one husk opened
 * itself (the log file, a state directory) and must not reach the
 * container, so it goes too.
 */
static int stage_close_fds(struct exec_proc *ep, struct husk_error *err)
{
	const struct exec_ctx *ctx = ep->ctx;
	unsigned int first = 3 + (unsigned int)ctx->opts->preserve_fds;
	int keep[3] = { ctx->sync_fd, ctx->init_pidfd, fault_fd() /* test build only */ };

	for (int fd = 3; fd < (int)first; fd++) {
		int flags = fcntl(fd, F_GETFD);

		if (flags >= 0 && (flags & FD_CLOEXEC))
			close(fd);
	}
	if (close_fds_except(first, keep, ARRAY_SIZE(keep)) < 0)
		return husk_error_set(err, errno, "close_range");
	return 0;
}

/* Written through the host's /proc: the container's cannot be trusted (or reached). */
static int stage_oom(struct exec_proc *ep, struct husk_error *err)
{
	return process_set_oom_score_adj(ep->ctx->proc, err);
}

/*
 * LSM exec labels through the host's /proc/self/attr, before joining: the
 * container's /proc does not show the joiner, and a container could have
 * mounted over it (the runc CVE-2019-16884 class).  The label waits in our
 * credentials for the next execve, and fork hands it on.
 */
static int stage_lsm(struct exec_proc *ep, struct husk_error *err)
{
	return security_lsm_apply(ep->ctx->security, err);
}

/*
 * Enter every namespace of the container's init that differs from ours in
 * one setns() on its pidfd: the kernel installs the user namespace first,
 * so the capabilities it grants (to its owner, rootless) cover the others,
 * and the pid namespace becomes the one our next child is born in.
 */
static int stage_join(struct exec_proc *ep, struct husk_error *err)
{
	const struct exec_ctx *ctx = ep->ctx;

	if (ctx->join_flags && setns(ctx->init_pidfd, ctx->join_flags) < 0) {
		husk_error_set(err, errno, "join the namespaces of container \"%s\"",
			       ctx->opts->id);
		if (errno == EINVAL)
			husk_error_hint(err, "joining through a pidfd needs Linux 5.8 or later");
		return -err->errnum;
	}
	closep(&ep->ctx->init_pidfd);
	return 0;
}

/* ---- inside the container's namespaces ----------------------------------- */

/* Not the caller's session keyring: a fresh anonymous one, as the container got. */
static int stage_keyring(struct exec_proc *ep, struct husk_error *err)
{
	const long KEYCTL_JOIN_SESSION_KEYRING = 1;

	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS &&
	    errno != EDQUOT && errno != EACCES)
		return husk_error_set(err, errno, "join a new session keyring");
	return 0;
}

static int stage_rlimits(struct exec_proc *ep, struct husk_error *err)
{
	return process_set_rlimits(ep->ctx->proc, err);
}

/* The bounding set is narrowed while we still hold CAP_SETPCAP. */
static int stage_caps_bounding(struct exec_proc *ep, struct husk_error *err)
{
	return security_caps_before_user(ep->ctx->security, err);
}

/*
 * Without no_new_privs the kernel wants CAP_SYS_ADMIN for a filter: load it
 * now.  A listener fd goes to the agent at once, through husk exec (the
 * joiner's own syscalls from here on may be notified), and the agent hears
 * the joiner's pid: the exec'd process is its fork, under the same filter.
 */
static int stage_seccomp_early(struct exec_proc *ep, struct husk_error *err)
{
	int notify_fd = -1;
	int r;

	if (!security_seccomp_early(ep->ctx->security))
		return 0;
	ep->seccomp_loaded = true;
	r = security_seccomp_apply(ep->ctx->security, &notify_fd, err);
	if (r == 0)
		r = seccomp_hand_over(ep->ctx->sync_fd, notify_fd, err);
	return r;
}

/* process_set_user() reads only the spec's process and whether we are unprivileged. */
static int stage_user(struct exec_proc *ep, struct husk_error *err)
{
	struct child_ctx cx = { .spec = ep->ctx->opts->spec, .unprivileged = ep->ctx->unprivileged };

	return process_set_user(&cx, err);
}

static int stage_caps(struct exec_proc *ep, struct husk_error *err)
{
	return security_caps_after_user(ep->ctx->security, err);
}

/*
 * setns(CLONE_NEWNS) left us at the container's root: the cwd is opened in
 * it before an early seccomp filter could deny a syscall that needs, and
 * entered as the final user (see process.c).
 */
static int stage_cwd_open(struct exec_proc *ep, struct husk_error *err)
{
	return process_open_cwd(ep->ctx->proc, &ep->cwd_fd, err);
}

static int stage_cwd(struct exec_proc *ep, struct husk_error *err)
{
	return process_chdir(ep->ctx->proc, &ep->cwd_fd, err);
}

static int stage_init_image(struct exec_proc *ep, struct husk_error *err)
{
	return init_image_open(&ep->init_fd, ep->note, sizeof(ep->note), err);
}

static int stage_no_new_privs(struct exec_proc *ep, struct husk_error *err)
{
	if (ep->ctx->proc->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return husk_error_set(err, errno,
				      ".process.noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS)");
	return 0;
}

/* Inherited by the exec'd process: see init_exec_lower_read_caps(). */
static int stage_lower_read_caps(struct exec_proc *ep, struct husk_error *err)
{
	return init_exec_lower_read_caps(ep->init_fd, err);
}

struct exec_stage {
	const char *name;           /* unique: the fault point, and the message's prefix */
	exec_stage_fn fn;
	bool quiet;                 /* no prefix: the message speaks for itself */
};

/*
 * The joiner's work, in order.  Why this order:
 *  - non-dumpable before anything else, and our fds closed, so nothing of
 *    husk's is open or readable while we are in the container's namespaces;
 *  - oom_score_adj and the LSM label through the host's /proc, before the
 *    container's mount namespace makes /proc its own;
 *  - rlimits while we still hold CAP_SYS_RESOURCE;
 *  - privileges narrow as in the container process: bounding set, (seccomp
 *    when it needs CAP_SYS_ADMIN), uid/gid, capability sets, no_new_privs;
 *  - the cwd opened in the root before seccomp, entered as the final user;
 *    husk-init's memfd last, so a host that cannot make one is husk's
 *    error, not the command's;
 *  - CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH out of the effective set at the
 *    very end, before the exec'd process loads a late filter, so that
 *    husk-init, exec'd from a 0111 memfd, is never dumpable.
 */
static const struct exec_stage join_stages[] = {
	{ .name = "dumpable", .fn = stage_dumpable },
	{ .name = "cgroup", .fn = stage_cgroup },
	{ .name = "close-fds", .fn = stage_close_fds },
	{ .name = "oom-score-adj", .fn = stage_oom },
	{ .name = "lsm", .fn = stage_lsm },
	{ .name = "join-namespaces", .fn = stage_join },
	{ .name = "keyring", .fn = stage_keyring },
	{ .name = "rlimits", .fn = stage_rlimits },
	{ .name = "capabilities-bounding", .fn = stage_caps_bounding },
	{ .name = "cwd-open", .fn = stage_cwd_open, .quiet = true },
	{ .name = "seccomp-early", .fn = stage_seccomp_early },
	{ .name = "user", .fn = stage_user },
	{ .name = "capabilities", .fn = stage_caps },
	{ .name = "cwd", .fn = stage_cwd },
	{ .name = "husk-init", .fn = stage_init_image },
	{ .name = "no-new-privileges", .fn = stage_no_new_privs },
	{ .name = "lower-read-caps", .fn = stage_lower_read_caps },
};

/* ---- the exec'd process ---------------------------------------------------- */

/* clone3() like fork(), the child becoming our parent's child (CLONE_PARENT). */
static pid_t clone_sibling(void)
{
	struct clone_args args;
	pid_t pid;

	memset(&args, 0, sizeof(args));
	args.flags = CLONE_PARENT;  /* exit_signal must stay 0: our parent's own applies */
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	/* An early seccomp profile may answer clone3 with ENOSYS (its flags are
	 * out of a filter's sight): plain clone says the same.  (Flags come
	 * first in clone's arguments everywhere but s390.) */
	if (pid < 0 && errno == ENOSYS)
		pid = (pid_t)syscall(SYS_clone, CLONE_PARENT, NULL, NULL, NULL, 0UL);
	return pid;
}

/*
 * Block until the joiner has sent READY and closed its end of the gate
 * pipe (EOF), which it does right before exiting.
 */
static void gate_wait(int gate_fd)
{
	char c;

	while (read(gate_fd, &c, 1) < 0 && errno == EINTR)
		;
}

/*
 * Load the filter (when the joiner did not); a listener fd goes to the
 * agent through husk exec, which by then has our pid (see exec_final()).
 */
static int exec_seccomp(struct exec_proc *ep, struct husk_error *err)
{
	int notify_fd = -1;
	int r;

	if (ep->seccomp_loaded)
		return 0;
	r = security_seccomp_apply(ep->ctx->security, &notify_fd, err);
	if (r == 0)
		r = seccomp_hand_over(ep->ctx->sync_fd, notify_fd, err);
	if (r < 0)
		husk_error_prefix(err, "seccomp");
	return r;
}

/*
 * The exec'd process: born in the container's pid namespace with
 * everything set up, it only loads the seccomp filter (last, as for the
 * container) and execs husk-init, which execs the command in our place.
 * It first waits for the gate (see gate_wait()), so that husk exec always
 * hears our pid before anything of ours: a listener fd (read before the
 * filter is loaded: under a notify filter the read could wait for an agent
 * that has no fd yet), our error, or husk-init's errno on the sync socket,
 * which rides along as husk-init's --exec-fd: husk exec then hears EOF
 * only once the command itself runs.
 */
static void __attribute__((noreturn)) exec_final(struct exec_proc *ep, int gate_fd)
{
	const struct husk_process *p = ep->ctx->proc;
	struct husk_error *err = &ep->exec_err;

	gate_wait(gate_fd);
	if (!husk_error_is_set(err) && exec_seccomp(ep, err) == 0) {
		init_exec(ep->init_fd, true, ep->ctx->sync_fd, p->args, p->env, ep->exec_path);
		husk_error_set(err, errno, "exec \"%s\"", p->args[0]);
	}
	sync_send_error(ep->ctx->sync_fd, SYNC_EXEC_FAILED, "", err);
	_exit(err->errnum == ENOENT ? 127 : 126);
}

/*
 * The joiner: run the stages, look the command up (a failure there is the
 * command's: the exec'd process reports it and exits 127 or 126), clone
 * the exec'd process, and tell husk exec its pid (in our pid namespace,
 * which is husk exec's), with a note worth a debug line.
 */
void exec_join_main(struct exec_ctx *ctx)
{
	struct exec_proc ep = { .ctx = ctx, .init_fd = -1, .cwd_fd = -1 };
	struct husk_error err;
	int gate[2];
	pid_t pid;

	husk_error_clear(&err);
	husk_error_clear(&ep.exec_err);
	for (size_t i = 0; i < ARRAY_SIZE(join_stages); i++) {
		const struct exec_stage *st = &join_stages[i];

		if (fault_point("exec", st->name, &err) < 0 || st->fn(&ep, &err) < 0)
			join_fail(ctx, st->quiet ? "" : st->name, &err);
	}
	process_find_executable(ctx->proc, &ep.exec_path, &ep.exec_err);

	if (pipe2(gate, O_CLOEXEC) < 0) {
		husk_error_set(&err, errno, "pipe2");
		join_fail(ctx, "clone", &err);
	}
	pid = clone_sibling();
	if (pid < 0) {
		husk_error_set(&err, errno, "clone the process in the container's pid namespace");
		join_fail(ctx, "clone", &err);
	}
	if (pid == 0) {
		close(gate[1]);
		exec_final(&ep, gate[0]);
	}
	if (sync_send_num(ctx->sync_fd, SYNC_READY, pid, ep.note) < 0) {
		/* husk exec is gone: nobody knows the process, it must not run. */
		kill(pid, SIGKILL);
		_exit(1);
	}
	close(gate[1]); /* the exec'd process may go on: READY is out */
	_exit(0);
}
