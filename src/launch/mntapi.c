/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers over the new mount API (Linux >= 5.12 for mount_setattr):
 * cloning trees, attaching them to fds, changing their attributes, and
 * creating a new filesystem with per-option error reporting.
 *
 * glibc 2.36 wraps these system calls in <sys/mount.h> (and <linux/mount.h>
 * is not included beside it: the two define the same names); under musl,
 * util/libc-compat.h supplies them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/util.h"
#include "launch/rootfs-internal.h"
#include "util/libc-compat.h"

#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif

int mnt_clone(int dirfd, const char *path, bool recursive)
{
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
	int fd;

	if (recursive)
		flags |= AT_RECURSIVE;
	if (path[0] == '\0')
		flags |= AT_EMPTY_PATH;
	fd = open_tree(dirfd, path, flags);
	return fd < 0 ? -errno : fd;
}

int mnt_attach(int treefd, int destfd)
{
	if (move_mount(treefd, "", destfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

static int setattr(int fd, struct mount_attr *attr, bool recursive)
{
	unsigned int flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);

	if (mount_setattr(fd, "", flags, attr, sizeof(*attr)) < 0)
		return -errno;
	return 0;
}

int mnt_setattr(int fd, uint64_t set, uint64_t clr, bool recursive)
{
	struct mount_attr attr = { .attr_set = set, .attr_clr = clr };
	int r;

	if (set == 0 && clr == 0)
		return 0;
	r = setattr(fd, &attr, recursive);
	if (r != -EPERM || clr == 0)
		return r;
	/*
	 * In a user namespace the flags a host mount came with are locked
	 * (ro, nosuid, nodev, noexec, the atime mode): asking to clear one is
	 * EPERM.  Keep what the host imposed and add only what was asked; a
	 * new atime mode needs its clear bits, so it is dropped as well.
	 */
	attr.attr_clr = 0;
	attr.attr_set = set & ~(uint64_t)MOUNT_ATTR__ATIME;
	if (attr.attr_set == 0)
		return 0;
	return setattr(fd, &attr, recursive);
}

int mnt_set_propagation(int fd, unsigned long propagation, bool recursive)
{
	struct mount_attr attr = { .propagation = propagation };

	if (propagation == 0)
		return 0;
	return setattr(fd, &attr, recursive);
}

bool mnt_is_mount_root(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, 0, &stx) < 0)
		return false;
	return (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	       (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/*
 * The last error the filesystem logged on its context fd ("tmpfs: Bad value
 * for 'size'"), without the "e " prefix, into buf; "" when there is none.
 * Reading drains the log, so it is read right after the failing call.
 */
static const char *fs_log(int fsfd, char *buf, size_t size)
{
	char line[512];
	ssize_t n;
	int saved = errno;

	buf[0] = '\0';
	while ((n = read(fsfd, line, sizeof(line) - 1)) > 0) {
		line[n] = '\0';
		if (n > 0 && line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (line[0] == 'e' && line[1] == ' ')
			snprintf(buf, size, "%s", line + 2);
	}
	errno = saved;
	return buf;
}

/* Fill err for a failed fsconfig()/fsmount() step, with the kernel's words. */
static int fs_error(int fsfd, int errnum, struct husk_error *err, const char *what)
{
	char log[512];

	husk_error_set(err, errnum, "%s", what);
	if (fs_log(fsfd, log, sizeof(log))[0])
		husk_error_hint(err, "the kernel says: %s", log);
	return -errnum;
}

/*
 * Pass one "key=value" or "flag" option.  A value in double quotes (SELinux
 * "context=\"...\"", which may contain commas) loses its quotes: fsconfig()
 * takes the value as one string, the quotes were only for mount(8)'s list.
 */
static int fs_set_option(int fsfd, const char *opt)
{
	_cleanup_free_ char *key = xstrdup(opt);
	char *value = strchr(key, '=');
	size_t n;

	if (!value)
		return fsconfig(fsfd, FSCONFIG_SET_FLAG, key, NULL, 0) < 0 ? -errno : 0;
	*value++ = '\0';
	n = strlen(value);
	if (n >= 2 && value[0] == '"' && value[n - 1] == '"') {
		value[n - 1] = '\0';
		value++;
	}
	return fsconfig(fsfd, FSCONFIG_SET_STRING, key, value, 0) < 0 ? -errno : 0;
}

static int fs_configure(int fsfd, const struct mnt_new *req, struct husk_error *err)
{
	char what[256];
	int r;

	if (req->source && fsconfig(fsfd, FSCONFIG_SET_STRING, "source", req->source, 0) < 0)
		return fs_error(fsfd, errno, err, "source");
	if ((req->sb_flags & MS_SYNCHRONOUS) &&
	    fsconfig(fsfd, FSCONFIG_SET_FLAG, "sync", NULL, 0) < 0)
		return fs_error(fsfd, errno, err, "option sync");
	if ((req->sb_flags & MS_DIRSYNC) &&
	    fsconfig(fsfd, FSCONFIG_SET_FLAG, "dirsync", NULL, 0) < 0)
		return fs_error(fsfd, errno, err, "option dirsync");
	if (req->selinux_context &&
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "context", req->selinux_context, 0) < 0)
		return fs_error(fsfd, errno, err, ".linux.mountLabel: option context");
	for (char *const *d = req->data; d && *d; d++) {
		r = fs_set_option(fsfd, *d);
		if (r == -EINVAL && req->skip_unmapped_gid && str_has_prefix(*d, "gid=")) {
			/* devpts: the tty group is not mapped in this user namespace. */
			fs_log(fsfd, what, sizeof(what));
			continue;
		}
		if (r < 0) {
			snprintf(what, sizeof(what), "option %s", *d);
			return fs_error(fsfd, -r, err, what);
		}
	}
	return 0;
}

int mnt_new_fs(const struct mnt_new *req, struct husk_error *err)
{
	_cleanup_close_ int fsfd = fsopen(req->type, FSOPEN_CLOEXEC);
	int mntfd, r;

	if (fsfd < 0) {
		r = husk_error_set(err, errno, "fsopen %s", req->type);
		if (r == -ENODEV)
			husk_error_hint(err, "the kernel does not know a filesystem \"%s\"",
					req->type);
		return r;
	}
	r = fs_configure(fsfd, req, err);
	if (r < 0)
		return r;
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fs_error(fsfd, errno, err, "create the filesystem");
	mntfd = fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned int)req->attrs);
	if (mntfd < 0)
		return fs_error(fsfd, errno, err, "fsmount");
	return mntfd;
}
