/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_ROOTFS_INTERNAL_H
#define HUSK_ROOTFS_INTERNAL_H

/*
 * Shared between rootfs.c, mounts.c, mounts-special.c, mountopts.c, mntapi.c,
 * copyup.c and devices.c only (the container's root filesystem).
 *
 * Every mount is made on file descriptors with the new mount API (fsopen,
 * fsconfig, fsmount, open_tree, mount_setattr, move_mount): a destination is
 * resolved once inside the rootfs (path_mkdirs_in_root) and the mount is
 * attached to that fd, so no path string can be swapped for a symlink
 * between the check and the mount.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "husk/error.h"
#include "husk/spec.h"
#include "launch/launch-internal.h"

/* ---- mountopts.c: OCI mount options -> what the kernel wants ----------- */

enum mount_bind_kind { MOUNT_NO_BIND, MOUNT_BIND, MOUNT_RBIND };

/*
 * One .mounts[i].options list, parsed.  Flags are given twice: as
 * MOUNT_ATTR_* for fsmount()/mount_setattr() (attr_set/attr_clr, with the
 * atime mode as MOUNT_ATTR__ATIME in attr_clr when it changes) and as legacy
 * MS_* (ms_flags set, ms_clear cleared), the same request in mount(2) terms.
 * "sync" and "dirsync" are superblock flags: they appear in ms_flags only
 * (and reach fsconfig() as flags).
 */
struct mount_opts {
	uint64_t attr_set;
	uint64_t attr_clr;
	bool attr_recursive;        /* an "r" form was used ("rro", "rnosuid" ...) */
	unsigned long ms_flags;
	unsigned long ms_clear;
	unsigned long propagation;  /* MS_SHARED / MS_SLAVE / MS_PRIVATE / MS_UNBINDABLE, or 0 */
	bool propagation_recursive; /* "rshared" ... */
	enum mount_bind_kind bind;
	bool remount;
	bool tmpcopyup;
	bool idmap;                 /* "idmap" or "ridmap" */
	bool idmap_recursive;
	char **data;                /* everything else, in order ("size=64m", "newinstance") */
	char *data_str;             /* the same joined with ',', NULL when there is none */
};

/*
 * Parse an OCI options vector (may be NULL).  Later options override earlier
 * ones ("ro,rw" is rw).  Options this parser does not know are passed on as
 * filesystem data for the kernel to judge; "defaults", "mand"/"nomand"
 * (mandatory locking is gone from Linux) and userspace-only "x-*" options are
 * dropped.  Cannot fail; free with mountopts_free().
 */
void mountopts_parse(char *const *options, struct mount_opts *out);
void mountopts_free(struct mount_opts *o);

/* "rslave" -> MS_SLAVE, recursive.  -EINVAL for anything else. */
int mountopts_propagation(const char *name, unsigned long *flag, bool *recursive);

/* ---- mntapi.c: small helpers over the new mount API ------------------- */

/*
 * husk needs the new mount API (open_tree/fsopen: Linux 5.2, mount_setattr:
 * 5.12) and has no mount(2) fallback: every step from the rootfs bind to the
 * masked paths uses it, so a fallback in one place would only move the
 * failure.  When it is missing (ENOSYS), the message says so.
 */
#define MNT_API_HINT "husk needs the new mount API of Linux 5.12 or later; " \
		     "is a seccomp filter around husk hiding it?"

/*
 * Detached copy of the mount tree at dirfd/path (host path when dirfd is
 * AT_FDCWD): open_tree(OPEN_TREE_CLONE [| AT_RECURSIVE]).  "" with an fd
 * means the fd itself.  Returns the fd or -errno.
 */
int mnt_clone(int dirfd, const char *path, bool recursive);

/* move_mount() of a detached (or attached) tree onto the object behind destfd. */
int mnt_attach(int treefd, int destfd);

/*
 * mount_setattr() on the mount behind fd.  When the kernel refuses to clear
 * a flag (EPERM: the host locked it in our user namespace), retry once
 * setting only: husk never needs to loosen a host mount, and the result is
 * the one runc gives when it preserves locked flags.
 */
int mnt_setattr(int fd, uint64_t set, uint64_t clr, bool recursive);
int mnt_set_propagation(int fd, unsigned long propagation, bool recursive);

/*
 * A new filesystem of `type` (fsopen/fsconfig/fsmount), not yet attached.
 * `data` are "key=value" or "flag" options; sb_flags MS_SYNCHRONOUS/MS_DIRSYNC
 * become "sync"/"dirsync".  skip_unmapped_gid: in a user namespace, an
 * EINVAL for "gid=" (the group is not mapped, devpts) drops that option.
 * On failure err says which option the filesystem refused and what the
 * kernel logged about it.
 */
struct mnt_new {
	const char *type;
	const char *source;         /* may be NULL */
	char *const *data;
	unsigned long sb_flags;
	uint64_t attrs;             /* MOUNT_ATTR_* for fsmount() */
	bool skip_unmapped_gid;
	const char *selinux_context; /* .linux.mountLabel, as "context", or NULL */
};
int mnt_new_fs(const struct mnt_new *req, struct husk_error *err);

/*
 * The SELinux label a new filesystem of `type` gets from .linux.mountLabel:
 * the label for tmpfs, devpts and mqueue (the filesystems runc labels), NULL
 * for others or when the mount's own options already name a context.
 */
const char *mount_label_for(const struct husk_spec *spec, const char *type, char *const *data);

/* Is `fd` a mount root? (mount_setattr and propagation need one.) */
bool mnt_is_mount_root(int fd);

/* ---- mounts.c / mounts-special.c: .mounts[] ---------------------------- */

/* Every spec mount in order, inside rootfd. */
int rootfs_mount_all(const struct child_ctx *ctx, int rootfd, struct husk_error *err);

/* One .mounts[idx], described for the helpers of mounts-special.c. */
struct mount_job {
	const struct child_ctx *ctx;
	int rootfd;
	size_t idx;
	const struct husk_mount *m;
	const char *type;           /* never NULL: "bind" for binds */
	struct mount_opts opts;
};

/* Resolve (and create) the destination inside the root: O_PATH fd or -errno. */
int mount_dest(const struct mount_job *job, bool is_file, struct husk_error *err);
/* Bind host `src` (absolute) onto the job's destination with the job's options
 * plus extra_set attributes. */
int mount_bind_host(const struct mount_job *job, const char *src, bool recursive,
		    uint64_t extra_set, struct husk_error *err);
/* fsopen() the job's type with its options onto the destination. */
int mount_new_fs(const struct mount_job *job, const char *type, struct husk_error *err);

int mount_sysfs(const struct mount_job *job, struct husk_error *err);
int mount_mqueue(const struct mount_job *job, struct husk_error *err);
int mount_cgroup(const struct mount_job *job, struct husk_error *err);

/* ---- copyup.c: "tmpcopyup" ---------------------------------------------- */

/* Copy the directory behind srcfd into the (detached) mount behind dstfd. */
int copyup_tree(int srcfd, int dstfd, struct husk_error *err);

/* ---- devices.c: /dev --------------------------------------------------- */

/*
 * Default devices, linux.devices, /dev/ptmx, the /dev/fd & co symlinks and
 * /dev/shm, unless .mounts binds /dev from the host.
 */
int rootfs_setup_dev(const struct child_ctx *ctx, int rootfd, struct husk_error *err);

/* True when mknod is not possible and host nodes must be bind-mounted. */
static inline bool rootfs_in_userns(const struct child_ctx *ctx)
{
	return ctx->new_userns || ctx->unprivileged || ctx->in_userns;
}

#endif
