/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fault points of the test build (see husk/fault.h).  The whole file is
 * compiled only with -DHUSK_FAULT_INJECTION: the shipped husk has no trace
 * of it (tests/integration/test_fault.c checks the binary).
 *
 * The kill action must reach husk from any process husk made, also from
 * one in a new pid namespace, where husk's pid means nothing (kill()) or
 * is out of reach (pidfd_send_signal() refuses to signal upwards).  So
 * the kernel sends the signal: fault_init() opens a pipe whose read end
 * is owned by husk with O_ASYNC and F_SETSIG(SIGKILL), and a byte written
 * to the write end, by any process holding it, makes the kernel deliver
 * SIGKILL to husk.  Processes inherit the write end (close-on-exec, so no
 * workload ever has it); a stage that closes every inherited fd must keep
 * fault_fd().
 */
#ifdef HUSK_FAULT_INJECTION
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/fault.h"

#define FAULT_EXIT_LEAK 99
#define FAULT_EXIT_USAGE 2
/* Fds above this at start are not tracked (none are, in practice). */
#define FAULT_MAX_FD 4096

static struct {
	bool armed;                 /* HUSK_FAULT names a point */
	bool trace;                 /* HUSK_FAULT_TRACE=1 */
	char side[16];
	char stage[64];
	bool kill;                  /* the action: kill, else fail */
	pid_t husk_pid, husk_ppid;
	int kill_rd, kill_wr;       /* the pipe that kills husk when written */
	unsigned char open_at_start[FAULT_MAX_FD / 8];
} fault = { .kill_rd = -1, .kill_wr = -1 };

/* A test build misconfigured must not pass a test by doing nothing. */
static void __attribute__((noreturn, format(printf, 1, 2))) fault_die(const char *fmt, ...)
{
	va_list ap;

	fputs("husk-fault: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(FAULT_EXIT_USAGE);
}

/* Copy the field of s up to ':' (or the end) into buf; the rest after it. */
static const char *field(const char *s, char *buf, size_t size)
{
	size_t n = strcspn(s, ":");

	if (n == 0 || n >= size)
		return NULL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return s[n] == ':' ? s + n + 1 : s + n;
}

/* HUSK_FAULT=<side>:<stage>:<action>, checked word by word. */
static void parse_spec(const char *spec)
{
	char action[8];
	const char *rest = field(spec, fault.side, sizeof(fault.side));

	rest = rest ? field(rest, fault.stage, sizeof(fault.stage)) : NULL;
	rest = rest ? field(rest, action, sizeof(action)) : NULL;
	if (!rest || *rest)
		fault_die("HUSK_FAULT=\"%s\": want <side>:<stage>:<action>", spec);
	if (strcmp(fault.side, "parent") && strcmp(fault.side, "child") &&
	    strcmp(fault.side, "exec"))
		fault_die("HUSK_FAULT=\"%s\": side \"%s\": use parent, child or exec", spec,
			  fault.side);
	if (strcmp(action, "kill") && strcmp(action, "fail"))
		fault_die("HUSK_FAULT=\"%s\": action \"%s\": use kill or fail", spec, action);
	fault.kill = strcmp(action, "kill") == 0;
	fault.armed = true;
}

/* The pipe whose written byte the kernel turns into SIGKILL for husk. */
static void open_kill_pipe(void)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		fault_die("pipe2: %s", strerror(errno));
	if (fcntl(p[0], F_SETOWN, fault.husk_pid) < 0 || fcntl(p[0], F_SETSIG, SIGKILL) < 0 ||
	    fcntl(p[0], F_SETFL, O_ASYNC | O_NONBLOCK) < 0 ||
	    fcntl(p[1], F_SETFL, O_NONBLOCK) < 0)
		fault_die("arm the kill pipe: %s", strerror(errno));
	fault.kill_rd = p[0];
	fault.kill_wr = p[1];
}

/* Call fn(fd) for every open fd but the directory's own; -errno on failure. */
static int for_each_fd(void (*fn)(int fd, void *arg), void *arg)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);

		if (*end || e->d_name[0] == '.' || fd == dirfd(d))
			continue;
		fn((int)fd, arg);
	}
	closedir(d);
	return 0;
}

static void remember_fd(int fd, void *arg)
{
	(void)arg;
	if (fd < FAULT_MAX_FD)
		fault.open_at_start[fd / 8] |= (unsigned char)(1u << (fd % 8));
}

void fault_init(void)
{
	const char *spec = getenv("HUSK_FAULT");
	const char *trace = getenv("HUSK_FAULT_TRACE");

	fault.husk_pid = getpid();
	fault.husk_ppid = getppid();
	fault.trace = trace && strcmp(trace, "1") == 0;
	if (spec && *spec)
		parse_spec(spec);
	if (fault.armed && fault.kill)
		open_kill_pipe();
	if (for_each_fd(remember_fd, NULL) < 0)
		fault_die("list /proc/self/fd: %s", strerror(errno));
}

int fault_fd(void)
{
	return fault.kill_wr;
}

static bool is_husk(void)
{
	return getpid() == fault.husk_pid && getppid() == fault.husk_ppid;
}

/*
 * The signal is sent when the byte arrives, but delivered when the kernel
 * gets to it: wait until husk is really gone (its read end closed, which
 * the write end shows as POLLERR), so that the point means "husk died
 * here" and husk never reads what this process does next.  Our own copy
 * of the read end (still open before a close-fds stage; its number may
 * have been reused after one, hence the inode check) goes first.
 */
static void wait_husk_gone(void)
{
	struct pollfd p = { .fd = fault.kill_wr, .events = 0 };
	struct stat rd, wr;

	if (fault.kill_rd >= 0 && fstat(fault.kill_rd, &rd) == 0 &&
	    fstat(fault.kill_wr, &wr) == 0 && rd.st_ino == wr.st_ino && rd.st_dev == wr.st_dev)
		close(fault.kill_rd);
	fault.kill_rd = -1;
	while (poll(&p, 1, 10 * 1000) < 0 && errno == EINTR)
		;
}

/*
 * SIGKILL husk.  In husk itself that is the end; in a process husk made
 * the byte on the kill pipe does it, and the caller carries on.
 */
static int kill_husk(const char *side, const char *stage, struct husk_error *err)
{
	if (is_husk()) {
		raise(SIGKILL);
		for (;;)
			pause();
	}
	int e = EBADF;

	if (fault.kill_wr >= 0) {
		if (write(fault.kill_wr, "k", 1) == 1) {
			wait_husk_gone();
			return 0;
		}
		e = errno;
	}
	return husk_error_set(err, e,
			      "fault injected at %s stage %s: cannot reach husk to kill it "
			      "(a stage closed fault_fd() %d)", side, stage, fault.kill_wr);
}

int fault_point(const char *side, const char *stage, struct husk_error *err)
{
	bool chosen = fault.armed && strcmp(side, fault.side) == 0 &&
		      strcmp(stage, fault.stage) == 0;

	/* dprintf: one write, no stdio buffer a child could duplicate. */
	if (fault.trace)
		dprintf(STDERR_FILENO, "husk-fault: %s:%s%s\n", side, stage,
			!chosen ? "" : fault.kill ? " (kill)" : " (fail)");
	if (!chosen)
		return 0;
	if (fault.kill)
		return kill_husk(side, stage, err);
	return husk_error_setq(err, EIO, "fault injected at %s stage %s", side, stage);
}

struct leak_scan {
	int n;
};

static void report_leak(int fd, void *arg)
{
	struct leak_scan *scan = arg;
	char path[64], target[PATH_MAX];
	ssize_t len;

	if (fd < FAULT_MAX_FD && (fault.open_at_start[fd / 8] & (1u << (fd % 8))))
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	len = readlink(path, target, sizeof(target) - 1);
	target[len > 0 ? len : 0] = '\0';
	dprintf(STDERR_FILENO, "husk-fault: leaked fd %d (%s)\n", fd, target);
	scan->n++;
}

int fault_fini(int code)
{
	struct leak_scan scan = { 0 };

	if (for_each_fd(report_leak, &scan) < 0) {
		dprintf(STDERR_FILENO, "husk-fault: list /proc/self/fd: %s\n", strerror(errno));
		return FAULT_EXIT_LEAK;
	}
	return scan.n ? FAULT_EXIT_LEAK : code;
}

#endif
