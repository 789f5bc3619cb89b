/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run and exec in the foreground: signals forwarded, the exit status as a shell shows it. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container-internal.h"
#include "husk/interrupt.h"
#include "husk/log.h"
#include "husk/util.h"

/* ---- foreground processes: signals and exit status ---------------------- */

/* What a terminal or a supervisor sends that the process, not husk, should get. */
static const int forwarded_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

int fg_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

int fg_signals_take(struct husk_error *err)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded_signals); i++)
		sigaddset(&set, forwarded_signals[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return husk_error_set(err, errno, "sigprocmask");
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (fd < 0)
		return husk_error_set(err, errno, "signalfd");
	return fd;
}

void fg_signals_release(int *sfd)
{
	sigset_t set;

	closep(sfd);
	interrupt_disarm();
	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded_signals); i++)
		sigaddset(&set, forwarded_signals[i]);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/*
 * `pid` is our own child and not yet reaped, so kill() cannot hit another
 * process.  The WNOHANG check before each read catches an exit that
 * happened before SIGCHLD was blocked.
 */
int fg_forward_until_exit(int sfd, pid_t pid, int *status, struct husk_error *err)
{
	for (;;) {
		struct signalfd_siginfo si;
		pid_t w = waitpid(pid, status, WNOHANG);
		ssize_t n;

		if (w == pid)
			return 0;
		if (w < 0 && errno != EINTR)
			return husk_error_set(err, errno, "wait for process %d", (int)pid);
		n = read(sfd, &si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si))
			return husk_error_set(err, n < 0 ? errno : EIO, "read signalfd");
		if (si.ssi_signo == SIGCHLD)
			continue;
		log_debug("forwarding signal %u to process %d", si.ssi_signo, (int)pid);
		kill(pid, (int)si.ssi_signo);
	}
}

