/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parent side of a container launch, in the steps husk/launch.h lists.
 *
 * One clone3() makes the container process in all the new namespaces it
 * needs at once (user first, by the kernel's own ordering, so the others are
 * owned by it).  The parent then writes the id maps, tells the child to go
 * on, and serves its messages until READY or ERROR.  On error the child is
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
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/host.h"
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
	if (ctx->unprivileged && !(plan->new_flags & CLONE_NEWUSER) && plan->join_fd[NS_USER] < 0)
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
static pid_t clone_child(uint64_t flags, int *pidfd, int cgroup_fd, bool *in_cgroup)
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
	/* Born in the container's cgroup: no moment where it is husk's. */
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	launch_signals_block_all(&old);
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	/* A kernel without CLONE_INTO_CGROUP (5.7), or one that refuses this
	 * cgroup (a domain-invalid one): clone where we are, the caller
	 * moves the child before it runs anything. */
	if (pid < 0 && cgroup_fd >= 0) {
		args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		args.cgroup = 0;
		pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
		cgroup_fd = -1;
	}
	if (pid != 0)
		launch_signals_restore(old);
	if (in_cgroup)
		*in_cgroup = pid > 0 && cgroup_fd >= 0;
	return pid;
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
		if (plan->join_fd[NS_USER] >= 0 && ctx->unprivileged) {
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
				  &ignored, -1, NULL);
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
	if (rep.step == 2 && rep.errnum == EPERM && ctx->unprivileged)
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

int launch_sync_wait_exec(int *sync_fd, const char *cmd, const char *what,
			  struct husk_error *err)
{
	struct sync_msg msg;
	int r;

	if (*sync_fd < 0)
		return 0;
	r = sync_wait(*sync_fd, what, err);
	if (r < 0)
		return r;
	r = sync_recv_exec(*sync_fd, &msg);
	closep(sync_fd);
	if (r == 1 && msg.type == SYNC_EXEC_FAILED)
		return sync_msg_error(&msg, err);
	/* husk-init's own exec of the command failed: the same words as above. */
	if (r == 1 && msg.type == SYNC_INIT_EXEC_FAILED)
		return husk_error_set(err, msg.errnum > 0 ? msg.errnum : EIO, "exec \"%s\"",
				      cmd ? cmd : "");
	/* EOF (or an error reading): the exec went through, the fd closed. */
	return 0;
}

void launch_report_free(struct launch_report *rep)
{
	strv_free(rep->warnings);
	rep->warnings = NULL;
	strv_free(rep->notes);
	rep->notes = NULL;
	rep->note[0] = '\0';
}

/* ---- the launch, step by step ---------------------------------------------- */

struct launch {
	const struct launch_opts *opts;
	struct child_ctx ctx;
	struct launch_plan plan;
	struct security_plan *security;
	struct launch_report report;
	int sv[2];                  /* [0] ours, [1] the child's until the clone */
	pid_t pid;                  /* the container process, -1 before the clone */
	launch_point_fn point;      /* launch_setup()'s caller's hook points */
	void *point_data;
	char *cmd;                  /* args[0], for launch_wait_exec(): it outlives opts */
	int cgroup_fd;              /* launch_set_cgroup()'s, not ours; -1 */
	bool in_cgroup;             /* clone3 put the process there */
};

void launch_set_cgroup(struct launch *l, int cgroup_fd)
{
	l->cgroup_fd = cgroup_fd;
}

bool launch_in_cgroup(const struct launch *l)
{
	return l->in_cgroup;
}

void launch_free(struct launch *l)
{
	if (!l)
		return;
	security_plan_free(l->security);
	closep(&l->ctx.fifo_fd);
	closep(&l->sv[0]);
	closep(&l->sv[1]);
	plan_close(&l->plan);
	launch_report_free(&l->report);
	free(l->cmd);
	free(l);
}

pid_t launch_pid(const struct launch *l)
{
	return l->pid;
}

const struct launch_report *launch_report(const struct launch *l)
{
	return &l->report;
}

bool spec_mounts_cgroupfs(const struct husk_spec *spec)
{
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (str_eq(spec->mounts[i].type, "cgroup") || str_eq(spec->mounts[i].type, "cgroup2"))
			return true;
	return false;
}

/* What cannot work at all, before anything is planned. */
static int launch_validate(const struct launch_opts *opts, struct husk_error *err)
{
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
	return 0;
}

int launch_prepare(const struct launch_opts *opts, struct launch **out, struct husk_error *err)
{
	struct launch *l = xcalloc(1, sizeof(*l));
	int min_fd = 3 + opts->preserve_fds;
	int r;

	l->opts = opts;
	l->pid = -1;
	l->sv[0] = l->sv[1] = -1;
	for (int t = 0; t < NS_TYPE_COUNT; t++)
		l->plan.join_fd[t] = -1;
	l->cgroup_fd = -1;
	l->ctx = (struct child_ctx){
		.opts = opts,
		.spec = opts->spec,
		.unprivileged = host_unprivileged(),
		.host_uid = host_euid(),
		.host_gid = host_egid(),
		.fifo_fd = -1,
	};
	l->ctx.in_userns = l->ctx.unprivileged || host_in_userns();
	/* The child mounting cgroupfs asks host_cgroup() after unsharing its
	 * cgroup namespace, where its own cgroup reads "/": learn it here. */
	if (spec_mounts_cgroupfs(opts->spec))
		(void)host_cgroup();
	r = launch_validate(opts, err);
	if (r == 0 && opts->spec->process->args)
		l->cmd = xstrdup(opts->spec->process->args[0]);
	if (r == 0)
		r = plan_namespaces(&l->ctx, &l->plan, err);
	/* Capabilities are resolved and seccomp compiled here, once, so that the
	 * container process runs no libcap or libseccomp code of its own. */
	if (r == 0)
		r = security_prepare(opts->spec, opts->spec->process, &l->security,
				     &l->report.warnings, err);
	if (r == 0) {
		security_notes(l->security, &l->report.notes);
		l->ctx.security = l->security;
		if (security_seccomp_has_notify(l->security))
			r = seccomp_agent_check(opts->spec, err);
	}
	if (r == 0 && (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, l->sv) < 0 ||
		       launch_fd_move_above(&l->sv[0], min_fd) < 0 ||
		       launch_fd_move_above(&l->sv[1], min_fd) < 0))
		r = husk_error_set(err, errno, "socketpair");
	/* Also on failure: the warnings are worth printing then too. */
	*out = l;
	return r;
}

static pid_t clone_plain(struct launch *l, struct husk_error *err)
{
	struct launch_plan *plan = &l->plan;
	int pidfd = -1;
	pid_t pid;

	/* Joining a user namespace: the child creates the rest inside it. */
	pid = clone_child(plan->join_fd[NS_USER] >= 0 ? plan->new_flags & CLONE_NEWPID
						      : plan->new_flags, &pidfd, l->cgroup_fd,
			  &l->in_cgroup);
	if (pid < 0) {
		husk_error_set(err, errno, "clone the container process");
		if (errno == EPERM || errno == ENOSPC)
			husk_error_hint(err, "are unprivileged user namespaces allowed? "
				       "see /proc/sys/user/max_user_namespaces");
		return -err->errnum;
	}
	if (pid == 0) {
		close(l->sv[0]);
		interrupt_forget();
		l->ctx.sync_fd = l->sv[1];
		child_main(&l->ctx, plan); /* never returns */
	}
	close(pidfd);
	return pid;
}

/*
 * The container process starts in the rootfs: its working directory is
 * the directory the caller opened, which a new mount namespace carries
 * over to its own copy of the mount (rootfs.c builds the root from it,
 * never from the path).  Ours goes back right after the clone.
 */
int launch_clone(struct launch *l, struct husk_error *err)
{
	_cleanup_close_ int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	pid_t pid;

	if (cwd < 0)
		return husk_error_set(err, errno, "open the working directory");
	/* The fifo is made after prepare (in the container's directory). */
	if (l->opts->exec_fifo_fd >= 0 && l->ctx.fifo_fd < 0) {
		l->ctx.fifo_fd = fcntl(l->opts->exec_fifo_fd, F_DUPFD_CLOEXEC,
				       3 + l->opts->preserve_fds);
		if (l->ctx.fifo_fd < 0)
			return husk_error_set(err, errno, "dup the exec fifo");
	}
	if (fchdir(l->opts->rootfs_fd) < 0)
		return husk_error_set(err, errno, "chdir into the rootfs %s", l->opts->rootfs);
	if (l->plan.join_fd[NS_PID] >= 0)
		pid = clone_in_joined_pid_ns(&l->ctx, &l->plan, l->sv, err);
	else
		pid = clone_plain(l, err);
	if (fchdir(cwd) < 0) {
		int r = husk_error_set(err, errno, "chdir back to the working directory");

		launch_kill_and_reap(pid);
		return r;
	}
	if (pid < 0)
		return pid;
	l->pid = pid;
	/* From now on its end of the socket is the child's alone: our death
	 * reads as EOF there, and it gives up. */
	closep(&l->sv[1]);
	closep(&l->ctx.fifo_fd);
	plan_close(&l->plan);
	return 0;
}

/*
 * A step of ours failed after the clone: if the child failed first and
 * said why (our failure is then only its consequence: its /proc files are
 * gone), its words replace ours.
 */
static int child_said_first(struct launch *l, int r, struct husk_error *err)
{
	struct pollfd p = { .fd = l->sv[0], .events = POLLIN };
	struct sync_msg msg;

	if (r < 0 && poll(&p, 1, 0) == 1 && sync_peek(l->sv[0], &msg) == 1 &&
	    msg.type == SYNC_ERROR)
		return sync_msg_error(&msg, err);
	return r;
}

int launch_idmap(struct launch *l, struct husk_error *err)
{
	struct child_ctx *ctx = &l->ctx;
	int r;

	if (!(l->plan.new_flags & CLONE_NEWUSER))
		return 0;
	r = idmap_write(l->pid, ctx->spec, ctx->unprivileged, ctx->host_uid, ctx->host_gid, err);
	return child_said_first(l, r, err);
}

/*
 * The container process loaded a filter with notify rules and sent its
 * listener fd: pass it on to the agent at listenerPath with the
 * container's state, then let the process go on.
 */
static int on_seccomp_fd(void *data, int sync_fd, const struct sync_msg *msg, int *fd,
			 struct husk_error *err)
{
	struct launch *l = data;
	struct seccomp_agent_msg m = {
		.spec = l->ctx.spec,
		.id = l->opts->id,
		.bundle = l->opts->bundle,
		.status = "creating",
		.pid = l->pid,
		.init_pid = l->pid,
	};

	if (!security_seccomp_has_notify(l->security))
		return husk_error_setq(err, EPROTO, "the container process sent a seccomp "
				       "listener fd, but the profile has no SCMP_ACT_NOTIFY rule");
	return seccomp_agent_serve(sync_fd, *fd, &m, err);
}

/* The child reached a hook point and waits: run what belongs there, answer. */
static int on_point(void *data, int sync_fd, const struct sync_msg *msg, int *fd,
		    struct husk_error *err)
{
	struct launch *l = data;
	int r = 0;

	if (l->point)
		r = l->point(l->point_data, msg->stage, err);
	if (r < 0)
		return husk_error_prefix(err, "%s", msg->stage);
	r = sync_send(sync_fd, SYNC_POINT_DONE);
	if (r < 0)
		return husk_error_set(err, -r, "let the container process go on after %s",
				      msg->stage);
	return 0;
}

static int on_ready(void *data, int sync_fd, const struct sync_msg *msg, int *fd,
		    struct husk_error *err)
{
	struct launch *l = data;

	snprintf(l->report.note, sizeof(l->report.note), "%.*s",
		 (int)sizeof(l->report.note) - 1, msg->text);
	return 1;
}

static const struct sync_handler setup_handlers[] = {
	{ SYNC_SECCOMP_FD, on_seccomp_fd },
	{ SYNC_POINT, on_point },
	{ SYNC_READY, on_ready },
};

int launch_setup(struct launch *l, launch_point_fn point, void *data, struct husk_error *err)
{
	struct sync_msg msg;
	int r;

	l->point = point;
	l->point_data = data;
	r = sync_send(l->sv[0], SYNC_MAPS_DONE);
	if (r < 0) {
		husk_error_set(err, -r, "signal the container process");
		r = child_said_first(l, r, err);
	} else {
		r = sync_dispatch(l->sv[0], setup_handlers, ARRAY_SIZE(setup_handlers), l,
				  "waiting for the container process to be set up", &msg, err);
		if (r == 1)
			return 0;
		if (r == 0) {
			r = launch_child_vanished(l->pid, "container process", err);
			l->pid = -1;
			return r;
		}
	}
	launch_kill(l);
	return r;
}

void launch_kill(struct launch *l)
{
	launch_kill_and_reap(l->pid);
	l->pid = -1;
}

int launch_wait_exec(struct launch *l, struct husk_error *err)
{
	return launch_sync_wait_exec(&l->sv[0], l->cmd,
				     "waiting for the container process to exec its program", err);
}
