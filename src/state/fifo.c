/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exec fifo that splits create from start (protocol in husk/state.h).
 *
 * Both ends are opened non-blocking: opening the read end never waits for
 * a writer, and opening the write end fails with ENXIO instead of hanging
 * when no reader is left, which is how start learns that the container
 * process died while it was waiting.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/state.h"
#include "husk/util.h"

int exec_fifo_create(struct container_dir *dir, int *read_fd, struct husk_error *err)
{
	int fd;

	*read_fd = -1;
	if (mkfifoat(dir->fd, EXEC_FIFO_NAME, 0600) < 0)
		return husk_error_set(err, errno, "create %s/%s", dir->path, EXEC_FIFO_NAME);
	/* The dir fd is O_PATH: a path walk through it is fine for openat(). */
	fd = openat(dir->fd, EXEC_FIFO_NAME, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int r = husk_error_set(err, errno, "open %s/%s", dir->path, EXEC_FIFO_NAME);

		unlinkat(dir->fd, EXEC_FIFO_NAME, 0);
		return r;
	}
	*read_fd = fd;
	return 0;
}

/*
 * Write one byte without dying of SIGPIPE when the reader vanished between
 * our open and the write.  SIGPIPE is blocked around the write and a
 * pending one consumed, rather than ignored process-wide: an ignored
 * signal would be inherited through execve by every child we start.
 */
static int write_byte_nosigpipe(int fd)
{
	const struct timespec zero = { 0, 0 };
	sigset_t pipe_set, old;
	int r;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	r = write_all(fd, "0", 1);
	if (r == -EPIPE && !sigismember(&old, SIGPIPE))
		sigtimedwait(&pipe_set, NULL, &zero);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

/*
 * Wake the container waiting on the fifo: one byte, then the fifo goes, so
 * the status reads "running" from now on.  -ESRCH when nobody holds the
 * read end (the container process is gone); the fifo stays then, and the
 * container's pid check reports it stopped.
 */
int exec_fifo_release(struct container_dir *dir, struct husk_error *err)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	fd = openat(dir->fd, EXEC_FIFO_NAME, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENXIO)
			return husk_error_setq(err, ESRCH, "container \"%s\": container process "
					       "is gone (it exited before start)", dir->id);
		if (errno == ENOENT)
			return husk_error_setq(err, EALREADY,
					       "container \"%s\" was already started", dir->id);
		return husk_error_set(err, errno, "open %s/%s", dir->path, EXEC_FIFO_NAME);
	}
	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
		return husk_error_setq(err, EINVAL, "%s/%s is not a fifo", dir->path,
				       EXEC_FIFO_NAME);
	r = write_byte_nosigpipe(fd);
	if (r < 0) {
		if (r == -EPIPE)
			return husk_error_setq(err, ESRCH, "container \"%s\": container process "
					       "is gone (it exited before start)", dir->id);
		return husk_error_set(err, -r, "write %s/%s", dir->path, EXEC_FIFO_NAME);
	}
	if (unlinkat(dir->fd, EXEC_FIFO_NAME, 0) < 0 && errno != ENOENT)
		return husk_error_set(err, errno, "remove %s/%s", dir->path, EXEC_FIFO_NAME);
	return 0;
}
