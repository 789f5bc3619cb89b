/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `husk exec`, the parent side: decide which namespaces to join, compile
 * the security plan, fork the joiner and learn from it the pid of the
 * process it cloned, which is our child from then on (see exec-internal.h
 * for the whole picture).  launch_wait_exec() then reads whether its exec
 * went through.
 *
 * Nothing is left behind on failure: the joiner reports its error and
 * exits before any process of the container's exists, and is reaped here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec-internal.h"
#include "husk/host.h"
#include "husk/interrupt.h"
#include "husk/security.h"
#include "husk/util.h"
#include "launch-internal.h"
#include "sync.h"

/* /proc/PID/ns/ names, the user namespace first (it is installed first anyway). */
static const struct {
	const char *name;
	int flag;
} ns_files[] = {
	{ "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS },       { "net", CLONE_NEWNET },
	{ "ipc", CLONE_NEWIPC },   { "uts", CLONE_NEWUTS },      { "cgroup", CLONE_NEWCGROUP },
	{ "time", CLONE_NEWTIME }, { "pid", CLONE_NEWPID },
};

/*
 * The namespaces of `pid` that are not ours.  Only those are joined: the
 * kernel refuses to "enter" the user namespace we are already in, and
 * joining any other one we share would be a no-op.  A type this kernel
 * does not have (no /proc/self/ns/time) is skipped.
 */
static int exec_join_flags(pid_t pid, int *flags, struct husk_error *err)
{
	*flags = 0;
	for (size_t i = 0; i < ARRAY_SIZE(ns_files); i++) {
		char path[64];
		struct stat theirs, ours;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_files[i].name);
		if (stat(path, &ours) < 0) {
			if (errno == ENOENT)
				continue;
			return husk_error_set(err, errno, "stat %s", path);
		}
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns_files[i].name);
		if (stat(path, &theirs) < 0) {
			if (errno == ENOENT)
				return husk_error_setq(err, ESRCH, "the container's init (pid %d) "
						       "is gone", (int)pid);
			return husk_error_set(err, errno, "inspect the container's %s namespace "
					      "(%s)", ns_files[i].name, path);
		}
		if (theirs.st_dev != ours.st_dev || theirs.st_ino != ours.st_ino)
			*flags |= ns_files[i].flag;
	}
	return 0;
}

/*
 * The joiner is born with every signal blocked, and so is the exec'd
 * process it clones: a signal sent to that process before husk-init runs
 * (husk exec forwards them) stays pending across the execveat, and
 * husk-init's exec of the command delivers it, with default actions.
 */
static pid_t clone_joiner(void)
{
	struct clone_args args;
	uint64_t old;
	pid_t pid;

	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	launch_signals_block_all(&old);
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid != 0)
		launch_signals_restore(old);
	return pid;
}

static void reap(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

/* What the dispatch loop of an exec works with. */
struct exec_wait {
	const struct launch_exec_opts *opts;
	pid_t sender;               /* the process that loads the filter */
	struct launch_result *res;
};

/*
 * A listener fd for the agent (SYNC_SECCOMP_FD) from the process that
 * loaded the filter: pass it on with the container's state ("running";
 * its pid is the container's init) and let the sender go on.
 */
static int on_seccomp_fd(void *data, int sync_fd, const struct sync_msg *msg, int *fd,
			 struct husk_error *err)
{
	const struct exec_wait *w = data;
	struct seccomp_agent_msg m = {
		.spec = w->opts->spec,
		.id = w->opts->id,
		.bundle = w->opts->bundle,
		.status = "running",
		.pid = w->sender,
		.init_pid = w->opts->init_pid,
	};

	return seccomp_agent_serve(sync_fd, *fd, &m, err);
}

/* The joiner cloned the exec'd process: it is our child from here on. */
static int on_ready(void *data, int sync_fd, const struct sync_msg *msg, int *fd,
		    struct husk_error *err)
{
	struct exec_wait *w = data;

	if (msg->num <= 0 || msg->num > INT32_MAX)
		return husk_error_setq(err, EPROTO, "exec helper sent a bad pid %lld",
				       (long long)msg->num);
	w->res->pid = (pid_t)msg->num;
	snprintf(w->res->report.note, sizeof(w->res->report.note), "%.*s",
		 (int)sizeof(w->res->report.note) - 1, msg->text);
	return 1;
}

static const struct sync_handler joiner_handlers[] = {
	{ SYNC_SECCOMP_FD, on_seccomp_fd },
	{ SYNC_READY, on_ready },
};

/*
 * Stop a joiner husk no longer waits for (it was interrupted).  Killed and
 * reaped, it sends nothing more; but it may have cloned the exec'd
 * process and said so just before: then that READY is already queued,
 * and the process it names, our child, is killed too.
 */
static void joiner_stop(pid_t joiner, int sync_fd)
{
	struct pollfd p = { .fd = sync_fd, .events = POLLIN };
	struct sync_msg msg;

	launch_kill_and_reap(joiner);
	while (poll(&p, 1, 0) == 1 && sync_recv(sync_fd, &msg) == 1) {
		if (msg.type != SYNC_READY)
			continue;
		if (msg.num > 0 && msg.num <= INT32_MAX)
			launch_kill_and_reap((pid_t)msg.num);
		break;
	}
}

/*
 * The joiner's messages: SECCOMP_FD when it loaded a notify filter itself
 * (without no_new_privs, see exec-child.c), then READY with the pid of the
 * process it cloned, or ERROR.  The joiner exits right after; it is
 * reaped here.
 */
static int joiner_wait(const struct launch_exec_opts *opts, int sync_fd, pid_t joiner,
		       struct launch_result *res, struct husk_error *err)
{
	struct exec_wait w = { .opts = opts, .sender = joiner, .res = res };
	struct sync_msg msg;
	int r;

	r = sync_dispatch(sync_fd, joiner_handlers, ARRAY_SIZE(joiner_handlers), &w,
			  "waiting for the exec helper to join the container", &msg, err);
	if (r == 0)
		return launch_child_vanished(joiner, "the exec helper process", err);
	if (r == -EINTR && interrupt_signal()) {
		joiner_stop(joiner, sync_fd);
		return r;
	}
	if (r < 0) {
		launch_kill_and_reap(joiner);
		if (res->pid > 0)
			launch_kill_and_reap(res->pid);
		res->pid = -1;
		return r;
	}
	reap(joiner, NULL);
	return 0;
}

static int on_late_seccomp_fd(void *data, int sync_fd, const struct sync_msg *msg, int *fd,
			      struct husk_error *err)
{
	int r = on_seccomp_fd(data, sync_fd, msg, fd, err);

	return r < 0 ? r : 1;
}

/*
 * With no_new_privs the exec'd process loads a notify filter itself and
 * sends its listener fd next (SECCOMP_FD).  Anything else (EXEC_FAILED,
 * EOF) is left for launch_exec_wait().  On failure the process is killed.
 */
static int exec_seccomp_late(const struct launch_exec_opts *opts,
			     const struct security_plan *security, int sync_fd,
			     struct launch_result *res, struct husk_error *err)
{
	static const struct sync_handler late[] = { { SYNC_SECCOMP_FD, on_late_seccomp_fd } };
	struct exec_wait w = { .opts = opts, .sender = res->pid, .res = res };
	struct sync_msg msg;
	int r;

	if (!security_seccomp_has_notify(security) || security_seccomp_early(security))
		return 0;
	r = sync_wait(sync_fd, "waiting for the exec'd process to load its seccomp filter", err);
	if (r == 0) {
		r = sync_peek(sync_fd, &msg);
		if (r <= 0 || msg.type != SYNC_SECCOMP_FD)
			return 0;
		r = sync_dispatch(sync_fd, late, ARRAY_SIZE(late), &w, "passing the exec'd "
				  "process's seccomp listener on", &msg, err);
		if (r == 0)
			r = husk_error_setq(err, EPIPE, "the exec'd process went away");
	}
	if (r < 0) {
		launch_kill_and_reap(res->pid);
		res->pid = -1;
		return r;
	}
	return 0;
}

/* What cannot work at all, before anything is forked. */
static int exec_validate(const struct launch_exec_opts *opts, struct husk_error *err)
{
	const struct husk_process *p = opts->spec->process;

	if (opts->preserve_fds < 0)
		return husk_error_setq(err, EINVAL, "--preserve-fds: must not be negative");
	if (!p || !p->args || !p->args[0])
		return husk_error_setq(err, EINVAL, "exec: no process to run");
	if (p->terminal)
		return husk_error_setq(err, ENOTSUP, "process.terminal: terminals are not "
				       "supported by this husk yet; set it to false");
	return 0;
}

/*
 * Capabilities are resolved and seccomp compiled here, once, so that the
 * processes in the container run no libcap or libseccomp code of their own.
 */
static int exec_security(const struct launch_exec_opts *opts, struct security_plan **plan,
			 struct launch_result *res, struct husk_error *err)
{
	int r = security_prepare(opts->spec, opts->spec->process, plan, &res->report.warnings,
				 err);

	if (r < 0)
		return r;
	security_notes(*plan, &res->report.notes);
	if (security_seccomp_has_notify(*plan))
		return seccomp_agent_check(opts->spec, err);
	return 0;
}

int launch_exec(const struct launch_exec_opts *opts, struct launch_result *res,
		struct husk_error *err)
{
	struct security_plan *security = NULL;
	struct exec_ctx ctx = {
		.opts = opts,
		.proc = opts->spec->process,
		.unprivileged = host_unprivileged(),
		.init_pidfd = -1,
		.sync_fd = -1,
	};
	int min_fd = 3 + opts->preserve_fds;
	int sv[2] = { -1, -1 };
	pid_t joiner;
	int r;

	memset(res, 0, sizeof(*res));
	res->pid = -1;
	res->sync_fd = -1;
	r = exec_validate(opts, err);
	if (r == 0)
		res->cmd = opts->spec->process->args[0];
	if (r == 0)
		r = exec_join_flags(opts->init_pid, &ctx.join_flags, err);
	if (r == 0)
		r = exec_security(opts, &security, res, err);
	if (r < 0)
		goto out;
	ctx.security = security;
	ctx.init_pidfd = fcntl(opts->init_pidfd, F_DUPFD_CLOEXEC, min_fd);
	if (ctx.init_pidfd < 0) {
		r = husk_error_set(err, errno, "dup the container's pidfd");
		goto out;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
	    launch_fd_move_above(&sv[0], min_fd) < 0 || launch_fd_move_above(&sv[1], min_fd) < 0) {
		r = husk_error_set(err, errno, "socketpair");
		goto out;
	}

	joiner = clone_joiner();
	if (joiner < 0) {
		r = husk_error_set(err, errno, "fork the exec helper process");
		goto out;
	}
	if (joiner == 0) {
		closep(&sv[0]);
		interrupt_forget();
		ctx.sync_fd = sv[1];
		exec_join_main(&ctx); /* never returns */
	}
	closep(&sv[1]);
	closep(&ctx.init_pidfd);

	r = joiner_wait(opts, sv[0], joiner, res, err);
	if (r == 0)
		r = exec_seccomp_late(opts, security, sv[0], res, err);
	if (r < 0)
		goto out;
	res->sync_fd = TAKE_FD(sv[0]);
out:
	security_plan_free(security);
	closep(&ctx.init_pidfd);
	closep(&sv[0]);
	closep(&sv[1]);
	return r;
}

int launch_exec_wait(struct launch_result *res, struct husk_error *err)
{
	return launch_sync_wait_exec(&res->sync_fd, res->cmd,
				     "waiting for the process to exec its program", err);
}

void launch_result_release(struct launch_result *res)
{
	closep(&res->sync_fd);
	launch_report_free(&res->report);
}

void launch_result_kill(struct launch_result *res)
{
	launch_kill_and_reap(res->pid);
	res->pid = -1;
}
