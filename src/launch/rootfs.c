/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container's root filesystem, from "root in fresh namespaces" to "in
 * the new root" (rootfs_mount, rootfs_enter), and the last touches after hostname and
 * sysctl (rootfs_finalize).  The steps, in order:
 *
 *   1. "/" becomes a recursive slave (private when asked): nothing mounted
 *      from here on propagates back to the host.
 *   2. The rootfs is bind-mounted onto itself (pivot_root needs a mount
 *      point), and that new mount's fd is the root every later path is
 *      resolved in.
 *   3. .mounts[] in order (mounts.c).
 *   4. /dev (devices.c).
 *   5. pivot_root, or MS_MOVE + chroot with --no-pivot.
 *   ... hostname, sysctl (launch.c) ...
 *   6. readonlyPaths, maskedPaths, rootfsPropagation, read-only "/".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "husk/path.h"
#include "husk/util.h"
#include "launch/rootfs-internal.h"
#include "util/libc-compat.h"

/*
 * Step 1.  runc's rule: "/" is a recursive slave unless rootfsPropagation
 * says otherwise.  Only a private (or unbindable, made private here: an
 * unbindable "/" could not be bound in step 2) request changes it now; a
 * shared "/" is applied after pivot_root (step 6), because a shared mount
 * here would propagate our mounts to the host and pivot_root refuses shared
 * parents anyway.
 */
static int root_make_slave(const struct child_ctx *ctx, struct husk_error *err)
{
	const char *want = ctx->spec->linux_ ? ctx->spec->linux_->rootfs_propagation : NULL;
	unsigned long flag = MS_SLAVE;
	unsigned long asked;
	bool rec;

	if (want && mountopts_propagation(want, &asked, &rec) == 0 &&
	    (asked == MS_PRIVATE || asked == MS_UNBINDABLE))
		flag = MS_PRIVATE;
	/* mount(2) here: "/" names no path that could be raced, no fd is needed. */
	if (mount(NULL, "/", NULL, MS_REC | flag, NULL) < 0)
		return husk_error_set(err, errno, "make \"/\" a recursive %s mount",
				      flag == MS_PRIVATE ? "private" : "slave");
	return 0;
}

/*
 * Step 2.  The rootfs is never looked up by its path here: the container
 * process was cloned with its working directory on the directory husk
 * opened once (launch.c), and the new mount namespace carried that over to
 * its own copy of the mount.  So a bundle whose rootfs is swapped for a
 * symlink meanwhile changes nothing.  The clone of "." is attached over
 * "." itself; the fd open_tree() gave stays on the new mount's root and
 * becomes rootfd.
 */
static int rootfs_bind_self(const struct child_ctx *ctx, struct husk_error *err)
{
	const char *rootfs = ctx->opts->rootfs;
	_cleanup_close_ int here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int treefd = -1;
	int r;

	if (here < 0)
		return husk_error_set(err, errno, "open the rootfs %s (the working directory)",
				      rootfs);
	treefd = mnt_clone(here, "", true);
	if (treefd < 0) {
		r = husk_error_set(err, -treefd, "open_tree the rootfs %s", rootfs);
		if (r == -ENOSYS)
			husk_error_hint(err, MNT_API_HINT);
		return r;
	}
	r = mnt_attach(treefd, here);
	if (r < 0)
		return husk_error_set(err, -r, "bind the rootfs %s onto itself", rootfs);
	return TAKE_FD(treefd);
}

/*
 * Step 5.  pivot_root(".", ".") stacks the old root on top of the new one at
 * "/"; detaching it leaves only the new root.  It is made a slave first so
 * the detach cannot propagate anywhere.
 */
static int rootfs_pivot(int rootfd, struct husk_error *err)
{
	if (fchdir(rootfd) < 0)
		return husk_error_set(err, errno, "chdir into the new root");
	if (syscall(SYS_pivot_root, ".", ".") < 0) {
		int r = husk_error_set(err, errno, "pivot_root");

		if (r == -EINVAL)
			husk_error_hint(err, "on a ramfs/initramfs root, use --no-pivot");
		return r;
	}
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return husk_error_set(err, errno, "make the old root a slave");
	if (umount2(".", MNT_DETACH) < 0)
		return husk_error_set(err, errno, "detach the old root");
	if (chdir("/") < 0)
		return husk_error_set(err, errno, "chdir /");
	return 0;
}

/*
 * --no-pivot, for hosts whose "/" is a ramfs (no pivot_root there): move the
 * rootfs mount over "/" and chroot into it.  Weaker: the old root's mounts
 * stay in the mount namespace underneath, and a process with CAP_SYS_CHROOT
 * in the container can get back out of a chroot, so it is opt-in only.
 */
static int rootfs_move_chroot(int rootfd, struct husk_error *err)
{
	if (move_mount(rootfd, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return husk_error_set(err, errno, "move the rootfs onto \"/\"");
	if (fchdir(rootfd) < 0)
		return husk_error_set(err, errno, "chdir into the new root");
	if (chroot(".") < 0)
		return husk_error_set(err, errno, "chroot");
	if (chdir("/") < 0)
		return husk_error_set(err, errno, "chdir /");
	return 0;
}

int rootfs_mount(struct child_ctx *ctx, struct husk_error *err)
{
	int r;

	/*
	 * launch.c refuses to get here without a mount namespace of the
	 * container's own (new or joined): every step below changes it.
	 */
	r = root_make_slave(ctx, err);
	if (r < 0)
		return r;
	ctx->root_fd = rootfs_bind_self(ctx, err);
	if (ctx->root_fd < 0)
		return ctx->root_fd;
	r = rootfs_mount_all(ctx, ctx->root_fd, err);
	if (r < 0)
		return r;
	return rootfs_setup_dev(ctx, ctx->root_fd, err);
}

int rootfs_enter(struct child_ctx *ctx, struct husk_error *err)
{
	int r;

	if (ctx->opts->no_pivot)
		r = rootfs_move_chroot(ctx->root_fd, err);
	else
		r = rootfs_pivot(ctx->root_fd, err);
	closep(&ctx->root_fd);
	if (r < 0)
		return husk_error_prefix(err, "enter the rootfs %s", ctx->opts->rootfs);
	return 0;
}

/*
 * readonlyPaths: a recursive bind of the path onto itself, made read-only
 * (only that: OCI asks for read-only, and noexec would break a path like
 * /usr).  Paths that do not exist are skipped, as in runc.
 */
static int make_readonly(int rootfd, const char *path, struct husk_error *err)
{
	_cleanup_close_ int fd = path_open_in_root(rootfd, path, O_PATH, 0);
	_cleanup_close_ int treefd = -1;
	int r;

	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return husk_error_set(err, -fd, "open");
	treefd = mnt_clone(fd, "", true);
	if (treefd < 0)
		return husk_error_set(err, -treefd, "open_tree");
	r = mnt_setattr(treefd, MOUNT_ATTR_RDONLY, 0, true);
	if (r < 0)
		return husk_error_set(err, -r, "mount_setattr read-only");
	r = mnt_attach(treefd, fd);
	if (r < 0)
		return husk_error_set(err, -r, "attach the read-only bind");
	return 0;
}

/* The container's /dev/null, checked to really be the null device. */
static int open_dev_null(int rootfd, struct husk_error *err)
{
	_cleanup_close_ int fd = path_open_in_root(rootfd, "/dev/null", O_PATH | O_NOFOLLOW, 0);
	struct stat st;

	if (fd < 0)
		return husk_error_set(err, -fd, "open /dev/null");
	if (fstat(fd, &st) < 0)
		return husk_error_set(err, errno, "stat /dev/null");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return husk_error_setq(err, ENODEV, "/dev/null is not the null device");
	return TAKE_FD(fd);
}

/*
 * maskedPaths: a file gets /dev/null bound over it, a directory an empty
 * read-only tmpfs.  Missing paths are skipped.
 */
static int mask_path(int rootfd, int *devnull, const char *path, struct husk_error *err)
{
	_cleanup_close_ int fd = path_open_in_root(rootfd, path, O_PATH, 0);
	_cleanup_close_ int mntfd = -1;
	struct stat st;
	int r;

	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return husk_error_set(err, -fd, "open");
	if (fstat(fd, &st) < 0)
		return husk_error_set(err, errno, "stat");
	if (S_ISDIR(st.st_mode)) {
		static char *const ro[] = { "ro", NULL };
		struct mnt_new req = {
			.type = "tmpfs", .source = "tmpfs", .data = ro,
			.attrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				 MOUNT_ATTR_NOEXEC,
		};

		mntfd = mnt_new_fs(&req, err);
		if (mntfd < 0)
			return mntfd;
	} else {
		if (*devnull < 0)
			*devnull = open_dev_null(rootfd, err);
		if (*devnull < 0)
			return *devnull;
		mntfd = mnt_clone(*devnull, "", false);
		if (mntfd < 0)
			return husk_error_set(err, -mntfd, "open_tree /dev/null");
	}
	r = mnt_attach(mntfd, fd);
	if (r < 0)
		return husk_error_set(err, -r, "attach the mask");
	return 0;
}

static int paths_apply(const struct husk_linux *lx, int rootfd, struct husk_error *err)
{
	_cleanup_close_ int devnull = -1;
	size_t i = 0;
	int r;

	for (char **p = lx->readonly_paths; p && *p; p++, i++) {
		r = make_readonly(rootfd, *p, err);
		if (r < 0)
			return husk_error_prefix(err, "make %s read-only (.linux.readonlyPaths[%zu])",
						 *p, i);
	}
	i = 0;
	for (char **p = lx->masked_paths; p && *p; p++, i++) {
		r = mask_path(rootfd, &devnull, *p, err);
		if (r < 0)
			return husk_error_prefix(err, "mask %s (.linux.maskedPaths[%zu])", *p, i);
	}
	return 0;
}

int rootfs_finalize(const struct child_ctx *ctx, struct husk_error *err)
{
	const struct husk_linux *lx = ctx->spec->linux_;
	_cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (rootfd < 0)
		return husk_error_set(err, errno, "open \"/\"");
	if (lx) {
		r = paths_apply(lx, rootfd, err);
		if (r < 0)
			return r;
	}
	if (lx && lx->rootfs_propagation) {
		unsigned long flag;
		bool rec;

		if (mountopts_propagation(lx->rootfs_propagation, &flag, &rec) < 0)
			return husk_error_setq(err, EINVAL, ".linux.rootfsPropagation: unknown "
					       "value \"%s\"", lx->rootfs_propagation);
		if (mount(NULL, "/", NULL, flag | (rec ? MS_REC : 0), NULL) < 0)
			return husk_error_set(err, errno, "apply .linux.rootfsPropagation \"%s\" "
					      "to \"/\"", lx->rootfs_propagation);
	}
	/* Only "/" itself: /tmp, /dev and the other mounts stay as configured. */
	if (ctx->spec->root_readonly) {
		r = mnt_setattr(rootfd, MOUNT_ATTR_RDONLY, 0, false);
		if (r < 0)
			return husk_error_set(err, -r, "make \"/\" read-only (.root.readonly)");
	}
	return 0;
}
