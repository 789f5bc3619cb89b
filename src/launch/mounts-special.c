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
 *    v1 host (cgroup v1 cannot be mounted in a user namespace at all, and
 *    per-controller mounts are the cgroup manager's business), or one
 *    without cgroups, the host /sys/fs/cgroup tree is bind-mounted
 *    read-only.  That shows the host's cgroup tree read-only;
 *    narrowing it to the container's own cgroups is left to the cgroup work.
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
 * The layout and husk's own cgroup come from the host context, read by the
 * parent before the clone (launch.c), so own_dir is the host's view of the
 * cgroup the container process was born in, not the "/" its new cgroup
 * namespace would show it.
 */
int mount_cgroup(const struct mount_job *job, struct husk_error *err)
{
	const struct host_cgroup *cg = host_cgroup();
	int r;

	if (cg->layout != HOST_CGROUP_V2)
		return mount_bind_host(job, "/sys/fs/cgroup", true, HOST_LOCKDOWN, err);

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
