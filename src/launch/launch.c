/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parent side of a container launch.
 *
 * One clone3() makes the container process in all the new namespaces it
 * needs at once (user first, by the kernel's own ordering, so the others are
 * owned by it).  The parent then writes the id maps, tells the child to go
 * on, and waits for one message: READY or ERROR.  On error the child is
 * killed and reaped, so nothing it built (mounts live in its own mount
 * namespace) outlives the failure.
 *
 * Namespaces given by path are joined by the child with setns(), user
 * first; a pid namespace given by path is joined by the parent before the
 * clone, because setns(CLONE_NEWPID) only affects children.
 * The cgroup namespace is unshared by the child after the parent answers,
 * so that a later cgroup manager can place the child first and the new
 * namespace is rooted at the container's own cgroup.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/interrupt.h"
#include "husk/security.h"
#include "husk/util.h"
#include "launch-internal.h"
#include "sync.h"

static const int ns_clone_flag[NS_TYPE_COUNT] = {
	[NS_PID] = CLONE_NEWPID,       [NS_NETWORK] = CLONE_NEWNET,
	[NS_MOUNT] = CLONE_NEWNS,      [NS_IPC] = CLONE_NEWIPC,
	[NS_UTS] = CLONE_NEWUTS,       [NS_USER] = CLONE_NEWUSER,
	[NS_CGROUP] = CLONE_NEWCGROUP, [NS_TIME] = CLONE_NEWTIME,
};

int launch_ns_clone_flag(enum husk_ns_type type)
{
	return ns_clone_flag[type];
}

/*
 * Keep our own fds out of the range --preserve-fds hands to the workload
 * (3 .. 3+n-1): a gap there in the caller's table would otherwise pass our
 * sync socket on.  Replaces *fd by a CLOEXEC copy at or above `min`.
 */
int launch_fd_move_above(int *fd, int min)
{
	int copy;

	if (*fd < 0 || *fd >= min)
		return 0;
	copy = fcntl(*fd, F_DUPFD_CLOEXEC, min);
	if (copy < 0)
		return -errno;
	close(*fd);
	*fd = copy;
	return 0;
}

/* Is the namespace behind fd the one husk itself is in (the host's)? */
static bool is_own_namespace(int fd, enum husk_ns_type type)
{
	static const char *const file[NS_TYPE_COUNT] = {
		[NS_NETWORK] = "net", [NS_IPC] = "ipc", [NS_UTS] = "uts",
	};
	struct stat a, b;
	char path[64];

	if (!file[type])
		return false;
	snprintf(path, sizeof(path), "/proc/self/ns/%s", file[type]);
	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/*
 * Decide which namespaces are new and open those to be joined.  A rootless
 * caller always gets a new user namespace: nothing else could work.
 */
static int plan_namespaces(struct child_ctx *ctx, struct launch_plan *plan, struct husk_error *err)
{
	const struct husk_linux *lx = ctx->spec->linux_;

	for (int t = 0; t < NS_TYPE_COUNT; t++)
		plan->join_fd[t] = -1;
	for (size_t i = 0; lx && i < lx->n_namespaces; i++) {
		const struct husk_namespace *ns = &lx->namespaces[i];

		if (!ns->path) {
			plan->new_flags |= ns_clone_flag[ns->type];
			continue;
		}
		/* O_NONBLOCK: a FIFO there must not block us; setns() refuses it. */
		plan->join_fd[ns->type] = open(ns->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (plan->join_fd[ns->type] < 0)
			return husk_error_set(err, errno, ".linux.namespaces[%zu].path: open %s", i,
					      ns->path);
		ctx->joins_host_ns[ns->type] = is_own_namespace(plan->join_fd[ns->type], ns->type);
		if (launch_fd_move_above(&plan->join_fd[ns->type], 3 + ctx->opts->preserve_fds) < 0)
			return husk_error_set(err, errno, "dup %s", ns->path);
	}
	if (ctx->rootless && !(plan->new_flags & CLONE_NEWUSER) && plan->join_fd[NS_USER] < 0)
		plan->new_flags |= CLONE_NEWUSER;

	ctx->new_userns = (plan->new_flags & CLONE_NEWUSER) || plan->join_fd[NS_USER] >= 0;
	ctx->new_pidns = plan->new_flags & CLONE_NEWPID;
	ctx->new_netns = plan->new_flags & CLONE_NEWNET;
	ctx->new_mntns = plan->new_flags & CLONE_NEWNS;
	ctx->new_ipcns = plan->new_flags & CLONE_NEWIPC;
	ctx->new_utsns = plan->new_flags & CLONE_NEWUTS;
	ctx->new_cgroupns = plan->new_flags & CLONE_NEWCGROUP;

	if (!ctx->new_mntns && plan->join_fd[NS_MOUNT] < 0)
		return husk_error_setq(err, EINVAL,
				       ".linux.namespaces: a mount namespace is required "
				       "(husk never builds a root filesystem in the host's)");
	return 0;
}

static void plan_close(struct launch_plan *plan)
{
	for (int t = 0; t < NS_TYPE_COUNT; t++)
		closep(&plan->join_fd[t]);
}

/*
 * The raw syscall with the kernel's 64-bit mask: libc wrappers leave out
 * their own internal signals (glibc 32-33, musl's sigfillset 32-34), and
 * nothing may slip through here.
 */
void launch_signals_block_all(uint64_t *old)
{
	uint64_t all = ~UINT64_C(0);

	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, old, sizeof(all));
}

void launch_signals_restore(uint64_t old)
{
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, sizeof(old));
}

/*
 * clone3() without a stack behaves like fork(): the child continues here on
 * a copy of our stack.  husk is single-threaded, so that is safe.  Time and
 * cgroup namespaces are unshared by the child later (see child.c).
 *
 * The child is born with every signal blocked and keeps them blocked up to
 * and across its execveat of husk-init, which takes them over (its
 * signalfd reads what is pending, and forwards it).  As the init of a new
 * pid namespace with default actions, an unblocked signal from outside
 * (`husk kill` while the container is created) would be discarded by the
 * kernel; blocked, it waits, pending across execve, for husk-init.
 */
static pid_t clone_child(uint64_t flags, int *pidfd)
{
	struct clone_args args;
	uint64_t old;
	pid_t pid;

	memset(&args, 0, sizeof(args));
	args.flags = (flags & ~(uint64_t)(CLONE_NEWTIME | CLONE_NEWCGROUP)) | CLONE_PIDFD;
	args.pidfd = (uint64_t)(uintptr_t)pidfd;
	/* With CLONE_PARENT the kernel takes the caller's own exit signal
	 * (SIGCHLD, from our fork) and refuses any other. */
	args.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD;
	launch_signals_block_all(&old);
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid != 0)
		launch_signals_restore(old);
	return pid;
}

/*
 * Does husk itself run inside a user namespace other than the initial one?
 * Then it may be uid 0 with capabilities (rootless podman runs its runtime
 * so) yet unable to mknod devices.  The initial namespace maps every id.
 */
static bool running_in_userns(void)
{
	_cleanup_free_ char *map = NULL;
	unsigned long inside, outside, count;

	if (read_file_at(AT_FDCWD, "/proc/self/uid_map", 4096, &map, NULL, NULL) < 0)
		return false;
	if (sscanf(map, "%lu %lu %lu", &inside, &outside, &count) != 3)
		return false;
	return !(inside == 0 && outside == 0 && count == 4294967295UL);
}

/*
 * A pid namespace given by path (a pod) must be entered before the clone,
 * since setns(CLONE_NEWPID) only moves future children.  husk itself must
 * not do that: its own later children (LeakSanitizer's tracer, a helper)
 * would land in the pod.  So a short-lived intermediate joins it and clones
 * the container process with CLONE_PARENT, making it husk's child, reports
 * its pid and exits.  Rootless, the kernel wants CAP_SYS_ADMIN in the
 * joiner's own user namespace, which it has only inside the pod's user
 * namespace: the intermediate enters that first (as its owner it may), and
 * the container's other new namespaces are then created inside it.
 */
static pid_t clone_in_joined_pid_ns(struct child_ctx *ctx, struct launch_plan *plan, int sv[2],
				    struct husk_error *err)
{
	static const char *const steps[] = { "", "join the user namespace in .linux.namespaces",
					     "join the pid namespace in .linux.namespaces",
					     "clone the container process" };
	struct { int32_t pid, step, errnum; } rep = { 0, 0, 0 };
	_cleanup_close_ int rd = -1, wr = -1;
	int pipefd[2], ignored = -1;
	pid_t mid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return husk_error_set(err, errno, "pipe");
	rd = pipefd[0];
	wr = pipefd[1];
	mid = fork();
	if (mid < 0)
		return husk_error_set(err, errno, "fork to join the pid namespace");
	if (mid == 0) {
		pid_t pid;

		rep.step = 1;
		if (plan->join_fd[NS_USER] >= 0 && ctx->rootless) {
			if (setns(plan->join_fd[NS_USER], CLONE_NEWUSER) < 0)
				goto fail;
			closep(&plan->join_fd[NS_USER]);
		}
		rep.step = 2;
		if (setns(plan->join_fd[NS_PID], CLONE_NEWPID) < 0)
			goto fail;
		closep(&plan->join_fd[NS_PID]);
		rep.step = 3;
		pid = clone_child((plan->join_fd[NS_USER] >= 0 ? plan->new_flags & CLONE_NEWPID
							       : plan->new_flags) | CLONE_PARENT,
				  &ignored);
		if (pid == 0) {
			close(sv[0]);
			interrupt_forget();
			ctx->sync_fd = sv[1];
			child_main(ctx, plan); /* never returns */
		}
		if (pid < 0)
			goto fail;
		rep.pid = pid;
		(void)!write(wr, &rep, sizeof(rep));
		_exit(0);
fail:
		rep.errnum = errno;
		(void)!write(wr, &rep, sizeof(rep));
		_exit(1);
	}
	closep(&wr);
	if (read(rd, &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
		rep = (typeof(rep)){ 0, 3, EIO };
	while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
		;
	if (rep.pid > 0)
		return rep.pid;
	husk_error_set(err, rep.errnum, "%s", steps[rep.step > 0 && rep.step < 4 ? rep.step : 3]);
	if (rep.step == 2 && rep.errnum == EPERM && ctx->rootless)
		husk_error_hint(err, "rootless, the pid namespace's user namespace must be joined too");
	return -err->errnum;
}

void launch_kill_and_reap(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* Turn a child's ERROR message into ours: "<stage>: <message>". */
int launch_child_error(const struct sync_msg *msg, struct husk_error *err)
{
	int errnum = msg->errnum > 0 ? msg->errnum : EINVAL;

	if (msg->stage[0] == '\0')
		return husk_error_setq(err, errnum, "%s", msg->msg);
	return husk_error_setq(err, errnum, "%s: %s", msg->stage, msg->msg);
}

/* Our child `pid` died without a word (a crash or a kill): say how. */
int launch_child_vanished(pid_t pid, const char *who, struct husk_error *err)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status))
		return husk_error_setq(err, EIO, "%s killed by signal %d during setup", who,
				       WTERMSIG(status));
	return husk_error_setq(err, EIO, "%s exited with status %d during setup", who,
			       WEXITSTATUS(status));
}

/*
 * The container process loaded a filter with notify rules and sent its
 * listener fd (SYNC_SECCOMP_FD): pass it on to the agent at listenerPath
 * with the container's state, then let the process go on.
 */
static int handshake_seccomp_fd(const struct child_ctx *ctx, pid_t pid, int sync_fd,
				int notify_fd, struct husk_error *err)
{
	struct seccomp_agent_msg m = {
		.spec = ctx->spec,
		.id = ctx->opts->id,
		.bundle = ctx->opts->bundle,
		.status = "creating",
		.pid = pid,
		.init_pid = pid,
	};

	if (!security_seccomp_has_notify(ctx->security))
		return husk_error_setq(err, EPROTO, "the container process sent a seccomp "
				       "listener fd, but the profile has no SCMP_ACT_NOTIFY rule");
	return seccomp_agent_serve(sync_fd, notify_fd, &m, err);
}

/*
 * The parent's half of the handshake: maps, then wait for READY (passing
 * a seccomp listener fd on to its agent on the way).  On any failure the
 * child is killed and reaped before returning.
 */
static int parent_handshake(struct child_ctx *ctx, const struct launch_plan *plan, pid_t pid,
			    int sync_fd, struct launch_result *res, struct husk_error *err)
{
	struct sync_msg msg;
	int r;

	if (plan->new_flags & CLONE_NEWUSER) {
		r = idmap_write(pid, ctx->spec, ctx->rootless, ctx->host_uid, ctx->host_gid, err);
		if (r < 0)
			goto fail;
	}
	r = sync_send(sync_fd, SYNC_MAPS_DONE);
	if (r < 0) {
		husk_error_set(err, -r, "signal the container process");
		goto fail;
	}
	for (;;) {
		_cleanup_close_ int fd = -1;

		r = sync_wait(sync_fd, "waiting for the container process to be set up", err);
		if (r < 0)
			goto fail;
		r = sync_recv_fd(sync_fd, &msg, &fd);
		if (r == 0)
			return launch_child_vanished(pid, "container process", err);
		if (r < 0) {
			husk_error_set(err, -r, "read from the container process");
			goto fail;
		}
		if (msg.type != SYNC_SECCOMP_FD)
			break;
		r = handshake_seccomp_fd(ctx, pid, sync_fd, fd, err);
		if (r < 0)
			goto fail;
	}
	if (msg.type == SYNC_READY) {
		snprintf(res->note, sizeof(res->note), "%.*s", (int)sizeof(res->note) - 1, msg.msg);
		return 0;
	}
	r = launch_child_error(&msg, err);
fail:
	launch_kill_and_reap(pid);
	return r;
}

int launch_container(const struct launch_opts *opts, struct launch_result *res,
		     struct husk_error *err)
{
	struct launch_plan plan = { 0 };
	struct security_plan *security = NULL;
	struct child_ctx ctx = {
		.opts = opts,
		.spec = opts->spec,
		.rootless = geteuid() != 0,
		.host_uid = geteuid(),
		.host_gid = getegid(),
		.fifo_fd = -1,
	};
	int sv[2] = { -1, -1 };
	_cleanup_close_ int pidfd = -1;
	int cwd = -1;
	pid_t pid;
	int r;

	res->pid = -1;
	res->sync_fd = -1;
	res->warnings = NULL;
	res->notes = NULL;
	res->rootless = ctx.rootless;
	res->cmd = opts->spec->process && opts->spec->process->args ? opts->spec->process->args[0]
								    : NULL;
	ctx.in_userns = ctx.rootless || running_in_userns();
	res->note[0] = '\0';
	if (opts->preserve_fds < 0)
		return husk_error_setq(err, EINVAL, "--preserve-fds: must not be negative");
	if (opts->rootfs_fd < 0)
		return husk_error_setq(err, EBADF, "the rootfs %s is not open", opts->rootfs);
	if (!opts->spec->process)
		return husk_error_setq(err, EINVAL, "config.json: .process: required to run a container");
	/* Consoles come with the console-socket work; until then say so plainly
	 * rather than leave an engine waiting on a socket nobody writes to. */
	if (opts->console_socket)
		return husk_error_setq(err, ENOTSUP, "--console-socket: terminals are not supported "
				       "by this husk yet");
	if (opts->spec->process->terminal)
		return husk_error_setq(err, ENOTSUP, "config.json: .process.terminal: terminals are "
				       "not supported by this husk yet; set it to false");

	r = plan_namespaces(&ctx, &plan, err);
	if (r < 0)
		goto out;
	/* Capabilities are resolved and seccomp compiled here, once, so that the
	 * container process runs no libcap or libseccomp code of its own. */
	r = security_prepare(opts->spec, opts->spec->process, &security, &res->warnings, err);
	if (r < 0)
		goto out;
	security_notes(security, &res->notes);
	if (security_seccomp_has_notify(security)) {
		r = seccomp_agent_check(opts->spec, err);
		if (r < 0)
			goto out;
	}
	ctx.security = security;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
	    launch_fd_move_above(&sv[0], 3 + opts->preserve_fds) < 0 ||
	    launch_fd_move_above(&sv[1], 3 + opts->preserve_fds) < 0) {
		r = husk_error_set(err, errno, "socketpair");
		goto out;
	}
	if (opts->exec_fifo_fd >= 0) {
		ctx.fifo_fd = fcntl(opts->exec_fifo_fd, F_DUPFD_CLOEXEC, 3 + opts->preserve_fds);
		if (ctx.fifo_fd < 0) {
			r = husk_error_set(err, errno, "dup the exec fifo");
			goto out;
		}
	}

	/*
	 * The container process starts in the rootfs: its working directory is
	 * the directory the caller opened, which a new mount namespace carries
	 * over to its own copy of the mount (rootfs.c builds the root from it,
	 * never from the path).  Ours goes back right after the clone.
	 */
	cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0) {
		r = husk_error_set(err, errno, "open the working directory");
		goto out;
	}
	if (fchdir(opts->rootfs_fd) < 0) {
		r = husk_error_set(err, errno, "chdir into the rootfs %s", opts->rootfs);
		goto out;
	}
	if (plan.join_fd[NS_PID] >= 0) {
		pid = clone_in_joined_pid_ns(&ctx, &plan, sv, err);
		if (pid < 0) {
			r = pid;
			goto out;
		}
	} else {
		/* Joining a user namespace: the child creates the rest inside it. */
		pid = clone_child(plan.join_fd[NS_USER] >= 0 ? plan.new_flags & CLONE_NEWPID
							     : plan.new_flags, &pidfd);
		if (pid < 0) {
			r = husk_error_set(err, errno, "clone the container process");
			if (errno == EPERM || errno == ENOSPC)
				husk_error_hint(err, "are unprivileged user namespaces allowed? "
					       "see /proc/sys/user/max_user_namespaces");
			goto out;
		}
		if (pid == 0) {
			close(sv[0]);
			interrupt_forget();
			ctx.sync_fd = sv[1];
			child_main(&ctx, &plan); /* never returns */
		}
	}
	if (fchdir(cwd) < 0) {
		r = husk_error_set(err, errno, "chdir back to the working directory");
		launch_kill_and_reap(pid);
		goto out;
	}
	closep(&cwd);
	closep(&sv[1]);

	r = parent_handshake(&ctx, &plan, pid, sv[0], res, err);
	if (r < 0)
		goto out;
	res->pid = pid;
	res->sync_fd = TAKE_FD(sv[0]);
out:
	if (cwd >= 0 && fchdir(cwd) < 0)
		r = r < 0 ? r : -errno;
	closep(&cwd);
	security_plan_free(security);
	closep(&ctx.fifo_fd);
	closep(&sv[0]);
	closep(&sv[1]);
	plan_close(&plan);
	return r;
}

int launch_wait_exec(struct launch_result *res, struct husk_error *err)
{
	struct sync_msg msg;
	int r;

	if (res->sync_fd < 0)
		return 0;
	r = sync_wait(res->sync_fd, "waiting for the container process to exec its program", err);
	if (r < 0)
		return r;
	r = sync_recv_exec(res->sync_fd, &msg);
	closep(&res->sync_fd);
	if (r == 1 && msg.type == SYNC_EXEC_FAILED)
		return launch_child_error(&msg, err);
	/* husk-init's own exec of the command failed: the same words as above. */
	if (r == 1 && msg.type == SYNC_INIT_EXEC_FAILED)
		return husk_error_set(err, msg.errnum > 0 ? msg.errnum : EIO, "exec \"%s\"",
				      res->cmd ? res->cmd : "");
	/* EOF (or an error reading): the exec went through, the fd closed. */
	return 0;
}

void launch_result_release(struct launch_result *res)
{
	closep(&res->sync_fd);
	strv_free(res->warnings);
	res->warnings = NULL;
	strv_free(res->notes);
	res->notes = NULL;
}
