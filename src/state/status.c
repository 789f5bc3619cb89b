/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A container's status, derived from the live process (see husk/state.h):
 * the recorded pid must still name the same process (same start time),
 * which must not be a zombie.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/state.h"
#include "husk/util.h"

#define STAT_MAX 4096

/*
 * Read /proc/<pid>/stat and return its state letter and start time (field
 * 22).  The comm field (2) is in parentheses and may itself contain spaces
 * and ')', so fields are counted from the LAST ')'.  0 when the pid is gone
 * or the file does not parse.
 */
static int proc_stat_read(pid_t pid, char *state, uint64_t *start)
{
	char path[64];
	_cleanup_free_ char *buf = NULL;
	unsigned long long st;
	char *p;

	if (pid <= 0)
		return -ESRCH;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file_at(AT_FDCWD, path, STAT_MAX, &buf, NULL, NULL) < 0)
		return -ESRCH;
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	/* After ") ": field 3 is the state, then fields 4..21 to skip. */
	if (sscanf(p + 1, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
		   "%*d %*d %*d %*d %llu", state, &st) != 2)
		return -EINVAL;
	*start = st;
	return 0;
}

uint64_t pid_start_time(pid_t pid)
{
	uint64_t start;
	char s;

	if (proc_stat_read(pid, &s, &start) < 0)
		return 0;
	return start;
}

/*
 * True when `pid` is the process recorded at create: it exists, is not a
 * zombie or dead, and started at `start_time`.
 */
bool state_pid_alive(pid_t pid, uint64_t start_time)
{
	uint64_t start;
	char s;

	if (proc_stat_read(pid, &s, &start) < 0)
		return false;
	if (s == 'Z' || s == 'X' || s == 'x')
		return false;
	return start_time == 0 || start == start_time;
}

enum container_status state_status(struct container_dir *dir, const struct husk_state_file *st)
{
	struct stat sb;

	if (!st || st->pid <= 0 || st->pid > INT32_MAX)
		return STATUS_STOPPED;
	if (!state_pid_alive((pid_t)st->pid, st->pid_start_time))
		return STATUS_STOPPED;
	if (fstatat(dir->fd, EXEC_FIFO_NAME, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISFIFO(sb.st_mode))
		return STATUS_CREATED;
	return STATUS_RUNNING;
}

/*
 * Another process holds the container's lock: it is being created (or
 * worked on).  A dir without state.json whose lock is free was left by a
 * create that died; readers report that one as stopped so delete can go.
 * No lock file at all means create has not got that far yet.
 */
bool container_dir_busy(struct container_dir *dir)
{
	_cleanup_close_ int fd = -1;

	if (dir->lock_fd >= 0)
		return false;   /* we hold it */
	fd = openat(dir->fd, CONTAINER_LOCK_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0)
		return errno == EWOULDBLOCK;
	return false;
}

const char *container_status_name(enum container_status s)
{
	switch (s) {
	case STATUS_CREATING:
		return "creating";
	case STATUS_CREATED:
		return "created";
	case STATUS_RUNNING:
		return "running";
	case STATUS_PAUSED:
		return "paused";
	case STATUS_STOPPED:
		return "stopped";
	}
	return "unknown";
}
