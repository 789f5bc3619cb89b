/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Signalling a container's processes without pid-reuse races.
 *
 * The recorded pid is turned into a pidfd first and only then checked
 * against the recorded start time: if the check passes, the pidfd names
 * the container process and cannot be redirected to a newcomer that
 * happens to get the same pid later.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "husk/state.h"
#include "husk/util.h"

static int sys_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int sys_pidfd_send_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

int container_pidfd(const struct husk_state_file *st, struct husk_error *err)
{
	_cleanup_close_ int fd = -1;
	const char *id = st->id ? st->id : "";

	if (st->pid <= 0 || st->pid > INT_MAX)
		return husk_error_setq(err, ESRCH, "container \"%s\" is not running", id);
	fd = sys_pidfd_open((pid_t)st->pid);
	if (fd < 0) {
		if (errno == ESRCH)
			return husk_error_setq(err, ESRCH, "container \"%s\" is not running", id);
		return husk_error_set(err, errno, "pidfd_open %d", (int)st->pid);
	}
	if (!state_pid_alive((pid_t)st->pid, st->pid_start_time))
		return husk_error_setq(err, ESRCH, "container \"%s\" is not running", id);
	return TAKE_FD(fd);
}

/* "pid:[4026531836]" of /proc/<pid>/ns/pid (pid 0: our own), or "" when unreadable. */
static void pidns_of(pid_t pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/ns/pid");
	else
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	n = readlink(path, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
}

/*
 * Signal every process whose pid namespace is `ns`, except `init_pid`.
 * Each one through its own pidfd, re-checking the namespace after the
 * pidfd exists.  Processes that vanish meanwhile are skipped.
 */
static void signal_pidns_members(const char *ns, pid_t init_pid, int sig)
{
	DIR *dp = opendir("/proc");
	struct dirent *de;
	char cur[128];

	if (!dp)
		return;
	while ((de = readdir(dp))) {
		_cleanup_close_ int fd = -1;
		int64_t pid;

		if (parse_int64(de->d_name, &pid) < 0 || pid <= 0 || pid > INT_MAX ||
		    pid == init_pid)
			continue;
		pidns_of((pid_t)pid, cur, sizeof(cur));
		if (strcmp(cur, ns) != 0)
			continue;
		fd = sys_pidfd_open((pid_t)pid);
		if (fd < 0)
			continue;
		pidns_of((pid_t)pid, cur, sizeof(cur));
		if (strcmp(cur, ns) == 0)
			sys_pidfd_send_signal(fd, sig);
	}
	closedir(dp);
}

/*
 * Send `sig` to the container's init; with `all`, first to every other
 * process in the container's pid namespace.  When the container shares
 * our pid namespace there is no way to tell its processes from the host's
 * (without cgroups), so `all` then signals the init only.
 */
int container_signal(const struct husk_state_file *st, int sig, bool all,
		     struct husk_error *err)
{
	_cleanup_close_ int fd = container_pidfd(st, err);

	if (fd < 0)
		return fd;
	if (all) {
		char ns[128], self[128];

		pidns_of((pid_t)st->pid, ns, sizeof(ns));
		pidns_of(0, self, sizeof(self));
		if (ns[0] && self[0] && strcmp(ns, self) != 0)
			signal_pidns_members(ns, (pid_t)st->pid, sig);
	}
	if (sys_pidfd_send_signal(fd, sig) < 0) {
		if (errno == ESRCH)
			return husk_error_setq(err, ESRCH, "container \"%s\" is not running",
					       st->id ? st->id : "");
		return husk_error_set(err, errno, "send signal %d to container \"%s\" (pid %d)",
				      sig, st->id, (int)st->pid);
	}
	return 0;
}

/* Wait until the process behind `pidfd` exited (a zombie counts), at most timeout_ms. */
int pidfd_wait_exit(int pidfd, int timeout_ms, struct husk_error *err)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	struct timespec start, now;
	int left = timeout_ms;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int r = poll(&p, 1, left);

		if (r > 0)
			return 0;
		if (r == 0)
			break;
		if (errno != EINTR)
			return husk_error_set(err, errno, "poll pidfd");
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = timeout_ms - (int)((now.tv_sec - start.tv_sec) * 1000 +
					  (now.tv_nsec - start.tv_nsec) / 1000000);
		if (left <= 0)
			break;
	}
	return husk_error_setq(err, ETIMEDOUT, "process did not exit within %d ms", timeout_ms);
}
