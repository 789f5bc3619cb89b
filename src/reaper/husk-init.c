// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * husk-init — the container's PID 1.
 *
 *   husk-init [--no-fork] [--pgroup] [--exec-fd N] -- /path/to/workload [ARGS...]
 *
 * husk execs this small static program (built with musl, linking nothing of
 * husk) from a sealed memfd as the last step of container setup.  It forks;
 * the child execs the workload with the environment husk-init received, and
 * PID 1 stays behind doing three things only: forwarding the signals it
 * receives to the workload, reaping every zombie the container produces, and
 * exiting with the workload's status (128+n for a death by signal n), which,
 * as the namespace's init, ends the container.
 *
 * With --no-fork it just execs the workload in its own place (`husk exec`,
 * `--no-init`).  With --pgroup the workload gets its own process group and
 * signals go to the whole group.  With --exec-fd N, fd N (inherited from
 * husk) is made close-on-exec at once: the workload's successful execve
 * closes it, and a failed one writes its errno there (a native int, in one
 * write) instead of printing, so that husk, reading the other end, learns
 * exactly when the workload runs or why it cannot (`husk exec --detach`).
 *
 * Shape: phases in main(), each a short function.  Before the supervision
 * loop starts a failure ends husk-init with a message (the container is not
 * running yet); once it runs, no error makes PID 1 exit before the workload,
 * because that would kill the container (STYLE.md, pattern 10).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "reaper.h"

extern char **environ;

/* Signals the kernel raises for a fault in our own code: never blocked. */
static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS };

/*
 * Write "husk-init: " and the NULL-terminated list of strings to stderr as
 * one line with a single write(2), so a message is never interleaved with
 * the workload's output.  No stdio: it would only add size.
 */
__attribute__((sentinel)) static void say(const char *first, ...)
{
	char line[512] = "husk-init: ";
	size_t len = strlen(line);
	va_list ap;

	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *)) {
		size_t n = strlen(s);

		if (n > sizeof(line) - 1 - len)
			n = sizeof(line) - 1 - len;
		memcpy(line + len, s, n);
		len += n;
	}
	va_end(ap);
	line[len++] = '\n';
	(void)!write(STDERR_FILENO, line, len);
}

/* Report a failed setup syscall and exit: only used before the loop runs. */
__attribute__((noreturn)) static void bail(const char *what)
{
	say(what, ": ", strerror(errno), NULL);
	_exit(REAPER_EXIT_SETUP);
}

/*
 * Block every signal except the synchronous fault signals.  This is the
 * first thing husk-init does: from here on a signal sent to the container
 * cannot kill PID 1 by its default action; it waits to be read from the
 * signalfd and forwarded.  husk starts us with everything blocked already,
 * so a signal sent before we ran is pending, not lost: the signalfd reads
 * it like any other.  The mask we were started with is not kept: the
 * workload gets an empty one (exec_workload()).  The set is filled by hand
 * rather than with sigfillset(), which in musl leaves out the libc-internal
 * real-time signals 32-34 — and glibc's SIGRTMIN is 34, so `husk kill ID
 * RTMIN` must be forwarded, not kill us.
 */
static void block_signals(sigset_t *blocked)
{
	memset(blocked, 0xff, sizeof(*blocked));
	for (size_t i = 0; i < sizeof(fault_signals) / sizeof(fault_signals[0]); i++)
		sigdelset(blocked, fault_signals[i]);
	if (sigprocmask(SIG_SETMASK, blocked, NULL) < 0)
		bail("sigprocmask");
}

/*
 * Put every signal back to its default action, so the workload starts from a
 * clean slate and inherits no SIG_IGN from husk or from whoever ran husk
 * (exec keeps ignored signals ignored).  The raw rt_sigaction syscall is used
 * because musl's sigaction() refuses its internal signals 32-34, yet a glibc
 * program above us may well have ignored them (seen: a shell harness that
 * ignores signal 32), and a workload must receive them when forwarded.
 */
static void reset_signal_dispositions(void)
{
	struct {
		unsigned long handler, flags, restorer;
		unsigned char mask[8];
	} dfl;

	memset(&dfl, 0, sizeof(dfl)); /* SIG_DFL is 0 */
	for (int sig = 1; sig <= 64; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
	}
}

/*
 * Hand a failed exec's errno to husk through --exec-fd: one write of a
 * native int.  MSG_NOSIGNAL, since the mask is already the workload's and a
 * reader that went away must not turn into a SIGPIPE death; a pipe (not a
 * socket) gets a plain write.  False when nobody could be told.
 */
static bool report_exec_errno(int fd, int err)
{
	ssize_t n = send(fd, &err, sizeof(err), MSG_NOSIGNAL);

	if (n < 0 && errno == ENOTSOCK)
		n = write(fd, &err, sizeof(err));
	return n == (ssize_t)sizeof(err);
}

/*
 * Run the workload in this process: default signal actions, an empty mask
 * (whatever husk or its caller had blocked: a signal still pending meets
 * its default action now), LISTEN_PID pointing at this pid, then execve
 * with PATH lookup.  The environment is exactly the one husk-init received
 * (process.env); nothing is added.  Never returns: on failure it says why
 * (on exec_fd when there is one, else on stderr) and exits 127 (no such
 * file) or 126 (cannot be executed), as a shell would.
 */
__attribute__((noreturn)) static void exec_workload(char **argv, int exec_fd)
{
	char listen_pid[REAPER_LISTEN_PID_BUF];
	sigset_t none;
	int err;

	reset_signal_dispositions();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	reaper_env_set_listen_pid(environ, getpid(), listen_pid);
	reaper_execvpe(argv[0], argv, environ);
	err = errno;
	if (exec_fd < 0 || !report_exec_errno(exec_fd, err))
		say("exec \"", argv[0], "\": ", strerror(err), NULL);
	_exit(reaper_exec_failure_code(err));
}

/*
 * In the forked child, before exec: with --pgroup, or when stdin is a
 * terminal, the workload leads its own process group; with a terminal that
 * group also becomes the terminal's foreground group, so ^C and ^Z go to the
 * workload (a shell's job control works) and not to PID 1.  SIGTTOU is
 * ignored around tcsetpgrp() because a background group calling it would
 * otherwise be stopped.  Failures are not fatal: setpgid() fails for a
 * session leader, tcsetpgrp() when stdin is not our controlling terminal,
 * and the workload runs fine either way.
 */
static void child_take_terminal(bool pgroup)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	bool tty = isatty(STDIN_FILENO);

	if (!pgroup && !tty)
		return;
	setpgid(0, 0);
	if (!tty)
		return;
	sigaction(SIGTTOU, &ign, &old);
	tcsetpgrp(STDIN_FILENO, getpid());
	sigaction(SIGTTOU, &old, NULL);
}

/*
 * Close every fd of PID 1 except stdio and the signalfd: the workload got
 * its copies at fork, and PID 1 must not keep a pipe, socket or directory
 * open for the container's whole life.  close_range(2) does it in one call;
 * if the kernel or a seccomp profile refuses it, close one by one up to the
 * fd limit (capped: husk itself closes everything it does not pass before
 * exec, so this is a second line of defence, not the only one).
 */
static void close_other_fds(int keep)
{
	struct rlimit rl;
	int max = 65536;

	if ((keep <= 3 || syscall(SYS_close_range, 3U, (unsigned)keep - 1, 0U) == 0) &&
	    syscall(SYS_close_range, (unsigned)keep + 1, ~0U, 0U) == 0)
		return;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)max)
		max = (int)rl.rlim_cur;
	for (int fd = 3; fd < max; fd++) {
		if (fd != keep)
			close(fd);
	}
}

/*
 * PID 1 itself must never be stopped by job control: a stopped init would
 * freeze the whole container.  SIGTTIN, SIGTTOU and SIGTSTP are blocked
 * already (a blocked signal is still queued, so they are read from the
 * signalfd and forwarded like any other); ignoring them as well means no
 * slip of the mask can stop us.
 */
static void ignore_job_control(void)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };

	sigaction(SIGTTIN, &ign, NULL);
	sigaction(SIGTTOU, &ign, NULL);
	sigaction(SIGTSTP, &ign, NULL);
}

/*
 * Reap every child that has exited, without blocking, until none is left
 * waiting: SIGCHLD is not queued, one signal may stand for many deaths (a
 * zombie storm of orphans reparented to us).  Records the workload's status
 * in *status and returns true when it was among them.
 */
static bool reap_children(pid_t workload, int *status)
{
	bool exited = false;

	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);

		if (pid > 0) {
			if (pid == workload) {
				*status = st;
				exited = true;
			}
			continue;
		}
		if (pid < 0 && errno == EINTR)
			continue;
		return exited; /* 0: nothing more to reap now; ECHILD: no children at all */
	}
}

/*
 * Send sig to the workload, or with --pgroup to its process group.  A
 * failure means the workload is already gone (its SIGCHLD is on the way) or
 * the group does not exist yet: fall back to the process, then give up
 * quietly; it is not a reason for PID 1 to stop.
 */
static void forward_signal(pid_t workload, bool pgroup, int sig)
{
	if (pgroup && kill(-workload, sig) == 0)
		return;
	kill(workload, sig);
}

/*
 * The supervision loop: read signals from the signalfd, reap on SIGCHLD,
 * forward everything else, until the workload has exited; then reap once
 * more and return the exit code.  Nothing in here ends the loop early: a
 * read interrupted or failing (which should not happen) falls back to
 * polling every 100 ms, so PID 1 outlives any error but the workload's end.
 */
static int supervise(int sfd, pid_t workload, bool pgroup)
{
	static const struct timespec poll_interval = { .tv_nsec = 100 * 1000 * 1000 };
	struct signalfd_siginfo si;
	int status = 0;
	bool done = false;

	while (!done) {
		ssize_t n = read(sfd, &si, sizeof(si));

		if (n != (ssize_t)sizeof(si)) {
			if (n < 0 && errno == EINTR)
				continue;
			nanosleep(&poll_interval, NULL);
			done = reap_children(workload, &status);
		} else if (si.ssi_signo == SIGCHLD) {
			done = reap_children(workload, &status);
		} else {
			forward_signal(workload, pgroup, (int)si.ssi_signo);
		}
	}
	reap_children(workload, &status);
	return reaper_exit_code(status);
}

/*
 * The phases, in order.  Block signals; become non-dumpable, so nothing in
 * the container can ptrace husk-init or read its memory (the workload's
 * execve makes the workload dumpable again); with --no-fork, that is all
 * before the exec.  Otherwise become a subreaper so orphans come to us even
 * when we are not PID 1 (tests, a container without a pid namespace), read
 * signals from a signalfd, and fork.  Only then does PID 1 move to "/" (the
 * workload keeps the cwd husk chose), drop its fds and settle into the loop.
 */
int main(int argc, char **argv)
{
	struct reaper_options opts;
	sigset_t blocked;
	const char *why, *arg;
	pid_t workload;
	int sfd;

	block_signals(&blocked);
	if (reaper_parse_args(argc, argv, &opts, &why, &arg) < 0) {
		say(why, arg ? " \"" : "", arg ? arg : "", arg ? "\"" : "",
		    " (usage: husk-init [--no-fork] [--pgroup] [--exec-fd N] -- COMMAND [ARG...])",
		    NULL);
		return REAPER_EXIT_SETUP;
	}
	/* Closed by the workload's execve, so that its reader sees EOF then. */
	if (opts.exec_fd >= 0 && fcntl(opts.exec_fd, F_SETFD, FD_CLOEXEC) < 0)
		bail("--exec-fd");
	if (prctl(PR_SET_DUMPABLE, 0UL, 0UL, 0UL, 0UL) < 0)
		bail("prctl(PR_SET_DUMPABLE)");
	if (opts.no_fork)
		exec_workload(opts.argv, opts.exec_fd);

	prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL);
	sfd = signalfd(-1, &blocked, SFD_CLOEXEC);
	if (sfd < 0)
		bail("signalfd");
	workload = fork();
	if (workload < 0)
		bail("fork");
	if (workload == 0) {
		child_take_terminal(opts.pgroup);
		exec_workload(opts.argv, opts.exec_fd);
	}

	/* Also from this side, so a signal forwarded before the child ran
	 * setpgid() already finds the group (fails harmlessly after its exec). */
	if (opts.pgroup)
		setpgid(workload, workload);
	(void)!chdir("/");
	close_other_fds(sfd);
	ignore_job_control();
	return supervise(sfd, workload, opts.pgroup);
}
