/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /dev inside the container: the default devices, linux.devices, /dev/ptmx,
 * the /dev/fd & co symlinks and /dev/shm.
 *
 * As real root, device nodes are made with mknodat().  In a user namespace
 * mknod of a device is refused (and a node on a filesystem mounted there
 * would be unusable anyway), so an empty file is created and the host's node
 * is bind-mounted onto it, as runc and crun do.  Every path is resolved in
 * the root; the last component is handled with *at() calls that never
 * follow a symlink.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "husk/path.h"
#include "husk/util.h"
#include "launch/rootfs-internal.h"
#include "util/libc-compat.h"

struct dev_node {
	const char *path;
	char type;                  /* 'c', 'b', 'u' (= 'c'), 'p' */
	unsigned int major, minor;
	mode_t mode;                /* permission bits */
	uid_t uid;
	gid_t gid;
};

static const struct dev_node default_devices[] = {
	{ "/dev/null", 'c', 1, 3, 0666, 0, 0 },
	{ "/dev/zero", 'c', 1, 5, 0666, 0, 0 },
	{ "/dev/full", 'c', 1, 7, 0666, 0, 0 },
	{ "/dev/random", 'c', 1, 8, 0666, 0, 0 },
	{ "/dev/urandom", 'c', 1, 9, 0666, 0, 0 },
	{ "/dev/tty", 'c', 5, 0, 0666, 0, 0 },
};

static const char *const dev_symlinks[][2] = {
	{ "/proc/self/fd", "fd" },
	{ "/proc/self/fd/0", "stdin" },
	{ "/proc/self/fd/1", "stdout" },
	{ "/proc/self/fd/2", "stderr" },
};

static mode_t dev_type_bits(char type)
{
	switch (type) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default:
		return S_IFCHR;
	}
}

/*
 * Split "/dev/x/name" into an O_PATH fd of "/dev/x" (created if missing,
 * resolved in the root) and "name".  Refuses names that are not plain.
 */
static int dev_parent(int rootfd, const char *path, const char **name, struct husk_error *err)
{
	_cleanup_free_ char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');

	*name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (!**name || strcmp(*name, ".") == 0 || strcmp(*name, "..") == 0)
		return husk_error_setq(err, EINVAL, "not a file name");
	if (slash)
		*slash = '\0';
	return path_mkdirs_in_root(rootfd, slash ? dir : "/", false, err);
}

/* Is what sits at dirfd/name already the node we want? */
static bool node_matches(const struct stat *st, const struct dev_node *d)
{
	if ((st->st_mode & S_IFMT) != dev_type_bits(d->type))
		return false;
	return d->type == 'p' || st->st_rdev == makedev(d->major, d->minor);
}

/*
 * Remove whatever is at dirfd/name unless it is the wanted node (1: keep it).
 * A directory is an error: the image put one where a device belongs.
 */
static int clear_spot(int dirfd, const char *name, const struct dev_node *d, bool keep_files,
		      struct husk_error *err)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : husk_error_set(err, errno, "stat");
	if (S_ISDIR(st.st_mode))
		return husk_error_setq(err, EISDIR, "a directory is in the way");
	if (node_matches(&st, d) || (keep_files && S_ISREG(st.st_mode)))
		return 1;
	if (unlinkat(dirfd, name, 0) < 0)
		return husk_error_set(err, errno, "remove what is in the way");
	return 0;
}

/* As real root: mknod with the exact mode (no umask), then chown. */
static int dev_mknod(int dirfd, const char *name, const struct dev_node *d,
		     struct husk_error *err)
{
	mode_t old_umask;
	int r;

	r = clear_spot(dirfd, name, d, false, err);
	if (r < 0)
		return r;
	if (r == 0) {
		old_umask = umask(0);
		r = mknodat(dirfd, name, dev_type_bits(d->type) | (d->mode & 07777),
			    makedev(d->major, d->minor));
		umask(old_umask);
		if (r < 0)
			return husk_error_set(err, errno, "mknod");
	} else if (fchmodat(dirfd, name, d->mode & 07777, 0) < 0) {
		return husk_error_set(err, errno, "chmod");
	}
	if (fchownat(dirfd, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return husk_error_set(err, errno, "chown to %u:%u", d->uid, d->gid);
	return 0;
}

/*
 * In a user namespace: bind the host's node at the same path onto an empty
 * file.  The host node is checked on the cloned tree itself (no race): it
 * must be the same kind of device with the same numbers.
 */
static int dev_bind(int dirfd, const char *name, const struct dev_node *d,
		    struct husk_error *err)
{
	_cleanup_close_ int treefd = -1;
	_cleanup_close_ int destfd = -1;
	struct stat st;
	int r;

	treefd = mnt_clone(AT_FDCWD, d->path, false);
	if (treefd < 0) {
		r = husk_error_set(err, -treefd, "open the host's %s to bind it", d->path);
		husk_error_hint(err, "in a user namespace devices are bind-mounted from the "
				"host, so the host needs the same node");
		return r;
	}
	if (fstat(treefd, &st) < 0)
		return husk_error_set(err, errno, "stat the host's %s", d->path);
	if (!node_matches(&st, d))
		return husk_error_setq(err, ENODEV, "the host's %s is not a %s device %u:%u "
				       "(in a user namespace devices are bind-mounted from the "
				       "host)", d->path, d->type == 'b' ? "block" : "character",
				       d->major, d->minor);
	r = clear_spot(dirfd, name, d, true, err);
	if (r < 0)
		return r;
	if (r == 0) {
		_cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL |
						O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);

		if (fd < 0)
			return husk_error_set(err, errno, "create the mount point");
	}
	destfd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (destfd < 0)
		return husk_error_set(err, errno, "open the mount point");
	r = mnt_attach(treefd, destfd);
	if (r < 0)
		return husk_error_set(err, -r, "bind the host's %s", d->path);
	return 0;
}

static int dev_create(const struct child_ctx *ctx, int rootfd, const struct dev_node *d,
		      struct husk_error *err)
{
	_cleanup_close_ int dirfd = -1;
	const char *name;
	int r;

	dirfd = dev_parent(rootfd, d->path, &name, err);
	if (dirfd < 0)
		return dirfd;
	/* A fifo needs no privilege: it is made even in a user namespace. */
	if (rootfs_in_userns(ctx) && d->type != 'p')
		r = dev_bind(dirfd, name, d, err);
	else
		r = dev_mknod(dirfd, name, d, err);
	return r;
}

static bool spec_has_device(const struct husk_linux *lx, const char *path)
{
	for (size_t i = 0; lx && i < lx->n_devices; i++)
		if (strcmp(lx->devices[i].path, path) == 0)
			return true;
	return false;
}

/* Does .mounts bind something onto /dev itself?  Then /dev is the host's business. */
static bool dev_is_bound(const struct husk_spec *spec)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct husk_mount *m = &spec->mounts[i];
		_cleanup_free_ char *dest = path_absolute(m->destination);
		struct mount_opts o;
		bool bind;

		if (!dest || strcmp(dest, "/dev") != 0)
			continue;
		mountopts_parse(m->options, &o);
		bind = o.bind != MOUNT_NO_BIND || str_eq(m->type, "bind");
		mountopts_free(&o);
		if (bind)
			return true;
	}
	return false;
}

static int spec_devices(const struct child_ctx *ctx, int rootfd, struct husk_error *err)
{
	const struct husk_linux *lx = ctx->spec->linux_;

	for (size_t i = 0; lx && i < lx->n_devices; i++) {
		const struct husk_device *sd = &lx->devices[i];
		struct dev_node d = {
			.path = sd->path,
			.type = sd->type,
			.major = (unsigned int)sd->major,
			.minor = (unsigned int)sd->minor,
			.mode = sd->file_mode.set ? (mode_t)sd->file_mode.value : 0666,
			.uid = sd->uid.set ? (uid_t)sd->uid.value : 0,
			.gid = sd->gid.set ? (gid_t)sd->gid.value : 0,
		};
		int r = dev_create(ctx, rootfd, &d, err);

		if (r < 0)
			return husk_error_prefix(err, "create device %s (.linux.devices[%zu])",
						 sd->path, i);
	}
	return 0;
}

/*
 * The links every container expects.  /dev/ptmx points into the devpts
 * instance when one is mounted on /dev/pts (otherwise it is left alone);
 * /dev/core -> /proc/kcore only where the host has a kcore (as runc).
 * Existing entries are kept: the image may have its own.
 */
static int dev_links(int rootfd, struct husk_error *err)
{
	_cleanup_close_ int devfd = path_mkdirs_in_root(rootfd, "/dev", false, err);
	_cleanup_close_ int ptmx = -1;

	if (devfd < 0)
		return husk_error_prefix(err, "/dev");
	for (size_t i = 0; i < ARRAY_SIZE(dev_symlinks); i++)
		if (symlinkat(dev_symlinks[i][0], devfd, dev_symlinks[i][1]) < 0 &&
		    errno != EEXIST)
			return husk_error_set(err, errno, "symlink /dev/%s", dev_symlinks[i][1]);
	if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", devfd, "core") < 0 &&
	    errno != EEXIST)
		return husk_error_set(err, errno, "symlink /dev/core");

	ptmx = path_open_in_root(rootfd, "/dev/pts/ptmx", O_PATH | O_NOFOLLOW, 0);
	if (ptmx >= 0) {
		if (unlinkat(devfd, "ptmx", 0) < 0 && errno != ENOENT)
			return husk_error_set(err, errno, "remove /dev/ptmx");
		if (symlinkat("pts/ptmx", devfd, "ptmx") < 0)
			return husk_error_set(err, errno, "symlink /dev/ptmx");
	}
	return 0;
}

int rootfs_setup_dev(const struct child_ctx *ctx, int rootfd, struct husk_error *err)
{
	_cleanup_close_ int shm = -1;
	int r;

	if (dev_is_bound(ctx->spec))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
		const struct dev_node *d = &default_devices[i];

		if (spec_has_device(ctx->spec->linux_, d->path))
			continue;
		r = dev_create(ctx, rootfd, d, err);
		if (r < 0)
			return husk_error_prefix(err, "create device %s", d->path);
	}
	r = spec_devices(ctx, rootfd, err);
	if (r < 0)
		return r;
	r = dev_links(rootfd, err);
	if (r < 0)
		return r;
	shm = path_mkdirs_in_root(rootfd, "/dev/shm", false, err);
	return shm < 0 ? husk_error_prefix(err, "/dev/shm") : 0;
}
