/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "tmpcopyup": a tmpfs that starts with a copy of what the image has at its
 * mount point (podman asks for it on every --tmpfs by default).
 *
 * The copy is made into the new tmpfs while it is still detached (fsmount()
 * fd), from the destination directory fd resolved in the root, with *at()
 * calls that never follow symlinks: a symlink is copied as a symlink.
 * Owners, modes and times are kept; device nodes that cannot be made in a
 * user namespace are skipped, as nothing could open them there anyway.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/util.h"
#include "launch/rootfs-internal.h"

/* Deeper trees than this in a tmpfs mount point are not a real image. */
#define COPYUP_MAX_DEPTH 64

static int copy_dir(int src, int dst, const char *rel, int depth, struct husk_error *err);

static int copy_data(int in, int out)
{
	char buf[65536];

	for (;;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);

		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
			return -errno;
		break;
	}
	/* copy_file_range() refused (e.g. across filesystem types): plain copy. */
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		r = write_all(out, buf, (size_t)n);
		if (r < 0)
			return r;
	}
}

static int copy_file(int src, int dst, const char *name, const struct stat *st)
{
	_cleanup_close_ int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	_cleanup_close_ int out = -1;

	if (in < 0)
		return -errno;
	out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		     st->st_mode & 07777);
	if (out < 0)
		return -errno;
	return copy_data(in, out);
}

static int copy_entry(int src, int dst, const char *name, const char *rel, int depth,
		      struct husk_error *err)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;
	int r = 0;

	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return husk_error_set(err, errno, "tmpcopyup: stat %s/%s", rel, name);
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR: {
		_cleanup_close_ int s = -1, d = -1;
		_cleanup_free_ char *sub = xasprintf("%s/%s", rel, name);

		if (mkdirat(dst, name, 0700) < 0)
			return husk_error_set(err, errno, "tmpcopyup: mkdir %s", sub);
		s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s < 0 || d < 0)
			return husk_error_set(err, errno, "tmpcopyup: open %s", sub);
		r = copy_dir(s, d, sub, depth + 1, err);
		if (r < 0)
			return r;
		break;
	}
	case S_IFREG:
		r = copy_file(src, dst, name, &st);
		break;
	case S_IFLNK:
		n = readlinkat(src, name, target, sizeof(target) - 1);
		if (n < 0)
			return husk_error_set(err, errno, "tmpcopyup: readlink %s/%s", rel, name);
		target[n] = '\0';
		r = symlinkat(target, dst, name) < 0 ? -errno : 0;
		break;
	default:
		/* Devices, fifos, sockets: a user namespace may not make devices. */
		if (mknodat(dst, name, st.st_mode, st.st_rdev) < 0)
			return errno == EPERM ? 0 : husk_error_set(err, errno,
					"tmpcopyup: mknod %s/%s", rel, name);
		break;
	}
	if (r < 0)
		return husk_error_set(err, -r, "tmpcopyup: copy %s/%s", rel, name);
	/* Owners that are not mapped in our user namespace cannot be kept. */
	if (fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 &&
	    errno != EINVAL && errno != EPERM)
		return husk_error_set(err, errno, "tmpcopyup: chown %s/%s", rel, name);
	if (!S_ISLNK(st.st_mode) && fchmodat(dst, name, st.st_mode & 07777, 0) < 0)
		return husk_error_set(err, errno, "tmpcopyup: chmod %s/%s", rel, name);
	utimensat(dst, name, (struct timespec[2]){ st.st_atim, st.st_mtim },
		  AT_SYMLINK_NOFOLLOW);
	return 0;
}

static int copy_dir(int src, int dst, const char *rel, int depth, struct husk_error *err)
{
	DIR *dir;
	struct dirent *de;
	int fd, r = 0;

	if (depth > COPYUP_MAX_DEPTH)
		return husk_error_setq(err, ELOOP, "tmpcopyup: %s is nested too deep", rel);
	fd = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return husk_error_set(err, errno, "tmpcopyup: open %s", rel);
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return husk_error_set(err, errno, "tmpcopyup: open %s", rel);
	}
	while (r == 0 && (errno = 0, de = readdir(dir))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		r = copy_entry(src, dst, de->d_name, rel, depth, err);
	}
	if (r == 0 && errno != 0)
		r = husk_error_set(err, errno, "tmpcopyup: read %s", rel);
	closedir(dir);
	return r;
}

int copyup_tree(int srcfd, int dstfd, struct husk_error *err)
{
	_cleanup_close_ int src = openat(srcfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int dst = openat(dstfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (src < 0 || dst < 0)
		return husk_error_set(err, errno, "tmpcopyup: open the directories");
	return copy_dir(src, dst, "", 0, err);
}
