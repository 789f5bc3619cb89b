/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Interruptible waits over a signalfd: see husk/interrupt.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "husk/interrupt.h"
#include "husk/util.h"

static const struct {
	int sig;
	const char *name;
} armed_signals[] = {
	{ SIGINT, "SIGINT" }, { SIGTERM, "SIGTERM" }, { SIGHUP, "SIGHUP" }, { SIGQUIT, "SIGQUIT" },
};

static int interrupt_fd = -1;
static int interrupted_by;

static void armed_set(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_SIZE(armed_signals); i++)
		sigaddset(set, armed_signals[i].sig);
}

int interrupt_arm(struct husk_error *err)
{
	sigset_t set;

	if (interrupt_fd >= 0)
		return 0;
	armed_set(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return husk_error_set(err, errno, "sigprocmask");
	interrupt_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (interrupt_fd < 0) {
		int r = husk_error_set(err, errno, "signalfd");

		sigprocmask(SIG_UNBLOCK, &set, NULL);
		return r;
	}
	return 0;
}

void interrupt_forget(void)
{
	closep(&interrupt_fd);
}

void interrupt_disarm(void)
{
	sigset_t set;

	if (interrupt_fd < 0)
		return;
	closep(&interrupt_fd);
	armed_set(&set);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int interrupt_signal(void)
{
	return interrupted_by;
}

/* Take the pending signal off the fd: it is handled here, once. */
static int interrupt_take(const char *what, struct husk_error *err)
{
	struct signalfd_siginfo si;
	const char *name = "a signal";

	if (read(interrupt_fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return 0;       /* gone meanwhile (EAGAIN): nothing to act on */
	interrupted_by = (int)si.ssi_signo;
	for (size_t i = 0; i < ARRAY_SIZE(armed_signals); i++)
		if (armed_signals[i].sig == interrupted_by)
			name = armed_signals[i].name;
	return husk_error_setq(err, EINTR, "interrupted by %s while %s", name, what);
}

int interrupt_wait(int fd, short events, int timeout_ms, const char *what,
		   struct husk_error *err)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = events },
		{ .fd = interrupt_fd, .events = POLLIN },
	};

	for (;;) {
		int n = poll(p, 2, timeout_ms);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return husk_error_set(err, errno, "poll while %s", what);
		if (n == 0)
			return 0;
		if (p[1].revents) {
			int r = interrupt_take(what, err);

			if (r < 0)
				return r;
		}
		if (p[0].revents)
			return 1;
	}
}

void interrupt_reraise(void)
{
	struct sigaction dfl;
	sigset_t set;

	if (!interrupted_by)
		return;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(interrupted_by, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, interrupted_by);
	raise(interrupted_by);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}
