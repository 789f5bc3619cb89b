/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Signal names and numbers for `husk kill`. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "husk/util.h"

#define SIGNAL_MAX 64

static const struct {
	const char *name;
	int sig;
} signal_names[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "IOT", SIGIOT }, { "BUS", SIGBUS },
	{ "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CLD", SIGCHLD },
	{ "CONT", SIGCONT }, { "STOP", SIGSTOP }, { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },
	{ "TTOU", SIGTTOU }, { "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH },
	{ "IO", SIGIO }, { "POLL", SIGPOLL }, { "PWR", SIGPWR }, { "SYS", SIGSYS },
};

/*
 * RTMIN is signal 34, as runc, crun, Docker and kill(1) name it: glibc
 * keeps 32 and 33 for itself.  musl keeps 34 as well and its SIGRTMIN is
 * 35, so the libc's macro would shift every RTMIN+n a build of husk
 * against musl is asked to send.  RTMAX is the last signal in both.
 */
#define RTMIN_SIGNAL 34

/* "RTMIN", "RTMIN+3", "RTMAX-2" (after the SIG prefix); 0 when not one of those. */
static int parse_realtime(const char *s)
{
	int64_t off = 0;
	int base;

	if (strncasecmp(s, "RTMIN", 5) == 0)
		base = RTMIN_SIGNAL;
	else if (strncasecmp(s, "RTMAX", 5) == 0)
		base = SIGRTMAX;
	else
		return 0;
	s += 5;
	if (*s == '\0')
		return base;
	if ((*s != '+' && *s != '-') || parse_int64(s + 1, &off) < 0)
		return 0;
	off = *s == '+' ? off : -off;
	if (base + off < RTMIN_SIGNAL || base + off > SIGRTMAX)
		return 0;
	return base + (int)off;
}

/*
 * A signal as a number (1..64) or a name with or without "SIG", in any
 * case.  Numbers are checked against the kernel's range, names against
 * the table, so a typo is an error rather than a signal 0 probe.
 */
int parse_signal(const char *s, int *sig, struct husk_error *err)
{
	const char *digits = *s == '-' ? s + 1 : s;
	const char *name = s;
	int64_t n;
	int rt;

	if (*digits && digits[strspn(digits, "0123456789")] == '\0') {
		if (parse_int64(s, &n) < 0 || n < 1 || n > SIGNAL_MAX)
			return husk_error_setq(err, EINVAL, "signal %s is out of range (1 to %d)",
					       s, SIGNAL_MAX);
		*sig = (int)n;
		return 0;
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signal_names); i++) {
		if (strcasecmp(name, signal_names[i].name) == 0) {
			*sig = signal_names[i].sig;
			return 0;
		}
	}
	rt = parse_realtime(name);
	if (rt > 0) {
		*sig = rt;
		return 0;
	}
	return husk_error_setq(err, EINVAL, "unknown signal \"%s\" (use a name such as TERM, "
			       "SIGKILL or a number from 1 to %d)", s, SIGNAL_MAX);
}
