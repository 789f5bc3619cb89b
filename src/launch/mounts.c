/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The spec's .mounts[], in order, inside the rootfs.
 *
 * Each mount is built detached (fsopen/fsmount for a new filesystem,
 * open_tree(OPEN_TREE_CLONE) for a bind), given its attributes while still
 * invisible, and only then attached with move_mount() to the destination fd
 * that path_mkdirs_in_root() resolved inside the root.  Propagation is set
 * last, on the attached mount.  Filesystems with a special case (sysfs,
 * mqueue, cgroup) live in mounts-special.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/path.h"
#include "husk/util.h"
#include "launch/rootfs-internal.h"
#include "util/libc-compat.h"

/*
 * The mount point, created when missing.  In a user namespace that does not
 * map the owner of the root filesystem (root running a config whose maps
 * leave host root out, such as spec --hardened), nothing can be created in
 * it: say what to do instead of the kernel's EACCES/EOVERFLOW.
 */
int mount_dest(const struct mount_job *job, bool is_file, struct husk_error *err)
{
	int fd = path_mkdirs_in_root(job->rootfd, job->m->destination, is_file, err);

	if (fd < 0 && (fd == -EACCES || fd == -EOVERFLOW) && job->ctx->new_userns)
		husk_error_hint(err, "the user namespace does not map the owner of the root "
			       "filesystem: create %s in it beforehand, or map its owner",
			       job->m->destination);
	return fd;
}

/*
 * A file can only be mounted on a file and a directory on a directory; say
 * so plainly instead of move_mount()'s ENOTDIR/EISDIR.
 */
static int check_dest_kind(const struct mount_job *job, int destfd, bool src_is_dir,
			   struct husk_error *err)
{
	struct stat st;

	if (fstat(destfd, &st) < 0)
		return husk_error_set(err, errno, "stat the destination");
	if (src_is_dir && !S_ISDIR(st.st_mode))
		return husk_error_setq(err, ENOTDIR, "the destination is not a directory, but "
				       "what is mounted there is (check .mounts[%zu])", job->idx);
	if (!src_is_dir && S_ISDIR(st.st_mode))
		return husk_error_setq(err, EISDIR, "the destination is a directory, but what "
				       "is mounted there is not (check .mounts[%zu])", job->idx);
	return 0;
}

int mount_bind_host(const struct mount_job *job, const char *src, bool recursive,
		    uint64_t extra_set, struct husk_error *err)
{
	_cleanup_close_ int treefd = -1;
	_cleanup_close_ int destfd = -1;
	bool recursive_attrs = recursive || job->opts.attr_recursive;
	struct stat st;
	int r;

	treefd = mnt_clone(AT_FDCWD, src, recursive);
	if (treefd < 0)
		return husk_error_set(err, -treefd, "open the source %s", src);
	if (fstat(treefd, &st) < 0)
		return husk_error_set(err, errno, "stat the source %s", src);
	destfd = mount_dest(job, !S_ISDIR(st.st_mode), err);
	if (destfd < 0)
		return destfd;
	r = check_dest_kind(job, destfd, S_ISDIR(st.st_mode), err);
	if (r < 0)
		return r;
	r = mnt_setattr(treefd, job->opts.attr_set | extra_set, job->opts.attr_clr & ~extra_set,
			recursive_attrs);
	if (r < 0) {
		r = husk_error_set(err, -r, "set the attributes of the bind of %s", src);
		husk_error_hint(err, "check .mounts[%zu].options", job->idx);
		return r;
	}
	r = mnt_attach(treefd, destfd);
	if (r < 0)
		return husk_error_set(err, -r, "attach the bind of %s", src);
	return TAKE_FD(treefd);
}

const char *mount_label_for(const struct husk_spec *spec, const char *type, char *const *data)
{
	static const char *const labelled[] = { "tmpfs", "devpts", "mqueue" };
	const char *label = spec->linux_ ? spec->linux_->mount_label : NULL;
	bool takes_label = false;

	if (!label || !*label)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(labelled); i++)
		takes_label |= strcmp(type, labelled[i]) == 0;
	for (char *const *d = data; takes_label && d && *d; d++)
		if (str_has_prefix(*d, "context="))
			return NULL;
	return takes_label ? label : NULL;
}

int mount_new_fs(const struct mount_job *job, const char *type, struct husk_error *err)
{
	_cleanup_close_ int destfd = mount_dest(job, false, err);
	_cleanup_close_ int mntfd = -1;
	struct mnt_new req = {
		.type = type,
		.source = job->m->source,
		.data = job->opts.data,
		.sb_flags = job->opts.ms_flags & (MS_SYNCHRONOUS | MS_DIRSYNC),
		.attrs = job->opts.attr_set,
		.skip_unmapped_gid = strcmp(type, "devpts") == 0 && rootfs_in_userns(job->ctx),
		.selinux_context = mount_label_for(job->ctx->spec, type, job->opts.data),
	};
	int r;

	if (destfd < 0)
		return destfd;
	r = check_dest_kind(job, destfd, true, err);
	if (r < 0)
		return r;
	mntfd = mnt_new_fs(&req, err);
	if (mntfd == -EINVAL)
		husk_error_hint(err, "check .mounts[%zu].options", job->idx);
	if (mntfd == -ENODEV)
		husk_error_hint(err, "check .mounts[%zu].type", job->idx);
	if (mntfd == -EPERM && strcmp(type, "proc") == 0)
		husk_error_hint(err, "is the pid namespace missing?");
	if (mntfd < 0)
		return mntfd;
	if (job->opts.tmpcopyup) {
		r = copyup_tree(destfd, mntfd, err);
		if (r < 0)
			return r;
	}
	r = mnt_attach(mntfd, destfd);
	if (r < 0)
		return husk_error_set(err, -r, "attach the new %s", type);
	return TAKE_FD(mntfd);
}

/*
 * "remount": change the flags of what is already mounted at the destination
 * (typically a mount made by an earlier entry).  Only per-mount attributes
 * change; the superblock is left alone.
 */
static int mount_remount(const struct mount_job *job, struct husk_error *err)
{
	_cleanup_close_ int fd = path_open_in_root(job->rootfd, job->m->destination, O_PATH, 0);
	int r;

	if (fd < 0)
		return husk_error_set(err, -fd, "open the destination");
	if (!mnt_is_mount_root(fd))
		return husk_error_setq(err, EINVAL, "nothing is mounted there to remount "
				       "(check .mounts[%zu])", job->idx);
	r = mnt_setattr(fd, job->opts.attr_set, job->opts.attr_clr, job->opts.attr_recursive);
	if (r < 0) {
		r = husk_error_set(err, -r, "mount_setattr");
		husk_error_hint(err, "check .mounts[%zu].options", job->idx);
		return r;
	}
	return TAKE_FD(fd);
}

static int mount_bind(const struct mount_job *job, struct husk_error *err)
{
	const char *src = job->m->source;
	_cleanup_free_ char *abs = NULL;
	int r;

	if (!src || !src[0])
		return husk_error_setq(err, EINVAL, "a bind mount needs a source "
				       "(check .mounts[%zu].source)", job->idx);
	/* A relative source is relative to the bundle, as in runc. */
	if (src[0] == '/')
		abs = xstrdup(src);
	else
		abs = xasprintf("%s/%s", job->ctx->opts->bundle, src);
	r = mount_bind_host(job, abs, job->opts.bind == MOUNT_RBIND, 0, err);
	if (r == -ENOENT || r == -EACCES)
		husk_error_hint(err, "check .mounts[%zu].source", job->idx);
	return r;
}

/* Make one mount; returns an fd of the attached mount (for propagation). */
static int mount_dispatch(const struct mount_job *job, struct husk_error *err)
{
	const char *type = job->type;

	if (job->opts.remount)
		return mount_remount(job, err);
	if (job->opts.bind != MOUNT_NO_BIND || strcmp(type, "bind") == 0)
		return mount_bind(job, err);
	if (strcmp(type, "none") == 0)
		return husk_error_setq(err, EINVAL, "no filesystem type and no \"bind\" option "
				       "(check .mounts[%zu].type)", job->idx);
	if (strcmp(type, "sysfs") == 0)
		return mount_sysfs(job, err);
	if (strcmp(type, "mqueue") == 0)
		return mount_mqueue(job, err);
	if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0)
		return mount_cgroup(job, err);
	return mount_new_fs(job, type, err);
}

/* What the mount is, for messages: "tmpfs", "bind /srv/data". */
static const char *mount_what(const struct mount_job *job, char *buf, size_t size)
{
	if (job->opts.bind != MOUNT_NO_BIND || strcmp(job->type, "bind") == 0)
		snprintf(buf, size, "bind %s", job->m->source ? job->m->source : "(none)");
	else
		snprintf(buf, size, "%s", job->type);
	return buf;
}

static int mount_one(const struct child_ctx *ctx, int rootfd, size_t idx,
		     struct husk_error *err)
{
	const struct husk_mount *m = &ctx->spec->mounts[idx];
	struct mount_job job = {
		.ctx = ctx, .rootfd = rootfd, .idx = idx, .m = m,
		.type = m->type && m->type[0] ? m->type : "none",
	};
	_cleanup_close_ int mntfd = -1;
	char what[320];
	int r = 0;

	mountopts_parse(m->options, &job.opts);
	mount_what(&job, what, sizeof(what));
	if (job.opts.idmap || m->n_uid_mappings || m->n_gid_mappings) {
		r = husk_error_setq(err, EOPNOTSUPP, "idmapped mounts are not supported yet "
				    "(.mounts[%zu] has \"idmap\" or uidMappings/gidMappings)", idx);
	} else if (job.opts.tmpcopyup && strcmp(job.type, "tmpfs") != 0) {
		r = husk_error_setq(err, EINVAL, "\"tmpcopyup\" is only for tmpfs "
				    "(check .mounts[%zu].options)", idx);
	} else {
		mntfd = mount_dispatch(&job, err);
		r = mntfd < 0 ? mntfd : 0;
	}
	if (r == 0) {
		r = mnt_set_propagation(mntfd, job.opts.propagation,
					job.opts.propagation_recursive);
		if (r < 0)
			husk_error_set(err, -r, "set propagation");
	}
	mountopts_free(&job.opts);
	if (r < 0) {
		husk_error_prefix(err, "mount %s on %s", what, m->destination);
		if (r == -ENOSYS)
			husk_error_hint(err, MNT_API_HINT);
		if (!strstr(err->msg, ".mounts["))
			husk_error_hint(err, ".mounts[%zu]", idx);
	}
	return r;
}

int rootfs_mount_all(const struct child_ctx *ctx, int rootfd, struct husk_error *err)
{
	for (size_t i = 0; i < ctx->spec->n_mounts; i++) {
		int r = mount_one(ctx, rootfd, i, err);

		if (r < 0)
			return r;
	}
	return 0;
}
