/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Filesystems that cannot always be mounted fresh, and what husk does
 * instead (the same choices runc and crun make):
 *
 *  - sysfs belongs to a network namespace: a user namespace may mount it only
 *    for a network namespace it owns.  Otherwise the host /sys is
 *    bind-mounted read-only, nosuid, nodev, noexec.
 *  - mqueue belongs to an IPC namespace, likewise; the fallback binds the
 *    host /dev/mqueue.
 *  - cgroup: on a cgroup2-only host (the layout is husk/host.h's), a cgroup
 *    namespace gets a fresh cgroup2 mount; without one (or when refused)
 *    the container's own cgroup directory is bind-mounted.  On a hybrid or
 *    v1 host (cgroup v1 cannot be mounted in a user namespace at all), a
 *    read-only tmpfs holds each hierarchy's own directory of the container
 *    bound read-only (an empty directory for a hierarchy where it has no
 *    cgroup of its own, rootless): the host's tree stays out of sight.  A host without
 *    cgroups has its (empty) /sys/fs/cgroup bound read-only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "husk/host.h"
#include "husk/util.h"
#include "launch/rootfs-internal.h"
#include "util/libc-compat.h"

#define HOST_LOCKDOWN (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | \
		       MOUNT_ATTR_NOEXEC)

int mount_sysfs(const struct mount_job *job, struct husk_error *err)
{
	/*
	 * Tried even without a new network namespace: a joined one may be
	 * owned by our user namespace (rootless podman's).  The refusal is
	 * one cheap EPERM.
	 */
	int r = mount_new_fs(job, "sysfs", err);

	if (r != -EPERM || !rootfs_in_userns(job->ctx))
		return r;
	husk_error_clear(err);
	r = mount_bind_host(job, "/sys", true, HOST_LOCKDOWN, err);
	if (r < 0)
		husk_error_hint(err, "sysfs needs a network namespace of the container's own; "
				"binding the host /sys failed too");
	return r;
}

int mount_mqueue(const struct mount_job *job, struct husk_error *err)
{
	int r = mount_new_fs(job, "mqueue", err);

	if (r != -EPERM || !rootfs_in_userns(job->ctx))
		return r;
	husk_error_clear(err);
	r = mount_bind_host(job, "/dev/mqueue", false,
			    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err);
	if (r < 0)
		husk_error_hint(err, "mqueue needs an IPC namespace of the container's own, "
				"or a host /dev/mqueue to bind");
	return r;
}

/*
 * The hierarchy of each "N:a,b:/path" line of cgroup_self (read before the
 * cgroup namespace, so host paths), bound read-only at its own name in
 * `tmp` (the tmpfs at the mount's destination): its mount dir's basename
 * ("memory", "cpu,cpuacct"), with a symlink per co-mounted controller
 * ("cpu" -> "cpu,cpuacct"), and the cgroup2 directory at "unified".
 */
static int bind_own(int tmp, const char *mount, const char *own, struct husk_error *err)
{
	_cleanup_free_ char *src = !own ? NULL : strcmp(own, "/") == 0
						   ? xstrdup(mount) : xasprintf("%s%s", mount, own);
	const char *name = strrchr(mount, '/') + 1;
	_cleanup_close_ int tree = -1;

	if (mkdirat(tmp, name, 0755) < 0 && errno != EEXIST)
		return husk_error_set(err, errno, "mkdir /sys/fs/cgroup/%s", name);
	if (!src)
		goto links;
	/* Locked down with the tmpfs, recursively, once all are bound. */
	tree = mnt_clone(AT_FDCWD, src, false);
	if (tree < 0)
		return husk_error_set(err, -tree, "open the cgroup %s", src);
	if (move_mount(tree, "", tmp, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return husk_error_set(err, errno, "bind the cgroup %s", src);
links:
	if (strchr(name, ','))
		for (const char *c = name; c; c = strchr(c, ',') ? strchr(c, ',') + 1 : NULL) {
			_cleanup_free_ char *one = xstrndup(c, strcspn(c, ","));

			if (symlinkat(name, tmp, one) < 0 && errno != EEXIST)
				return husk_error_set(err, errno, "symlink /sys/fs/cgroup/%s", one);
		}
	return 0;
}

/*
 * v1 and hybrid: a read-only tmpfs at the destination holding, per
 * hierarchy, the container's own cgroup directory bound read-only: the
 * container sees its own limits and nothing of the host's tree (an empty
 * directory where it has no cgroup of its own).
 */
static int mount_cgroup_v1(const struct mount_job *job, const struct host_cgroup *cg,
			   struct husk_error *err)
{
	_cleanup_free_ char *self = xstrdup(job->ctx->cgroup_self ? job->ctx->cgroup_self : "");
	_cleanup_close_ int destfd = mount_dest(job, false, err);
	_cleanup_close_ int tmp = -1;
	char *data[] = { "mode=755", NULL };
	struct mnt_new req = { .type = "tmpfs", .source = "cgroup", .data = data,
			       .attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC };
	char *line, *save = NULL;
	int r;

	if (destfd < 0)
		return destfd;
	tmp = mnt_new_fs(&req, err);
	if (tmp < 0)
		return tmp;
	r = mnt_attach(tmp, destfd);
	if (r < 0)
		return husk_error_set(err, -r, "attach a tmpfs for the cgroup hierarchies");
	/* tmp, fsmount()'s fd, is that mount now: it is filled through it. */
	for (line = strtok_r(self, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ctrls = strchr(line, ':'), *own = ctrls ? strchr(ctrls + 1, ':') : NULL;
		const struct host_cgroup_v1 *v1;
		char *first;

		if (!own)
			continue;
		*own++ = '\0';
		*ctrls++ = '\0';
		/* Where we are still in husk's own cgroup (rootless: the
		 * container has none), the hierarchy is left an empty directory:
		 * husk's cgroup is not the container's, and may be the host's root. */
		if (!*ctrls) {
			r = cg->v2_mount ? bind_own(tmp, cg->v2_mount,
						    str_eq(own, cg->own_path) ? NULL : own, err) : 0;
		} else {
			first = xstrndup(ctrls, strcspn(ctrls, ","));
			v1 = host_cgroup_v1(first);
			free(first);
			r = v1 ? bind_own(tmp, v1->mount, str_eq(own, v1->own_path) ? NULL : own,
					  err) : 0;
		}
		if (r < 0)
			return r;
	}
	r = mnt_setattr(tmp, HOST_LOCKDOWN, 0, true);
	if (r < 0)
		return husk_error_set(err, -r, "make /sys/fs/cgroup read-only");
	return TAKE_FD(tmp);    /* the mount, for its propagation */
}

/*
 * The layout and husk's own cgroup come from the host context, read by the
 * parent before the clone (launch.c), so own_dir is the host's view of the
 * cgroup the container process was born in, not the "/" its new cgroup
 * namespace would show it.
 */
int mount_cgroup(const struct mount_job *job, struct husk_error *err)
{
	const struct host_cgroup *cg = host_cgroup();
	int r;

	if (cg->layout == HOST_CGROUP_NONE)
		return mount_bind_host(job, "/sys/fs/cgroup", true, HOST_LOCKDOWN, err);
	if (cg->layout != HOST_CGROUP_V2)
		return mount_cgroup_v1(job, cg, err);

	if (job->ctx->new_cgroupns) {
		r = mount_new_fs(job, "cgroup2", err);
		if (r != -EPERM && r != -EBUSY)
			return r;
		husk_error_clear(err);
	}
	if (!cg->own_dir)
		return husk_error_setq(err, ENOENT, "no cgroup v2 entry in /proc/self/cgroup");
	return mount_bind_host(job, cg->own_dir, true,
			       MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err);
}
