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
 *  - cgroup: on a cgroup2-only host, a cgroup namespace gets a fresh cgroup2
 *    mount; without one (or when refused) the container's own cgroup
 *    directory is bind-mounted.  On a hybrid or v1 host (cgroup v1 cannot be
 *    mounted in a user namespace at all, and per-controller mounts are the
 *    cgroup manager's business) the host /sys/fs/cgroup tree is
 *    bind-mounted read-only.  That shows the host's cgroup tree read-only;
 *    narrowing it to the container's own cgroups is left to the cgroup work.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <linux/magic.h>

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
 * The container's cgroup v2 directory on the host, from the "0::/path" line
 * of /proc/self/cgroup (read before pivot_root, in the host's cgroup view).
 */
static char *own_cgroup2_dir(struct husk_error *err)
{
	_cleanup_free_ char *text = NULL;
	char *line, *save = NULL;

	if (read_file_at(AT_FDCWD, "/proc/self/cgroup", 1 << 16, &text, NULL, err) < 0)
		return NULL;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (str_has_prefix(line, "0::/"))
			return xasprintf("/sys/fs/cgroup%s", line + 3);
	husk_error_setq(err, ENOENT, "no cgroup v2 entry in /proc/self/cgroup");
	return NULL;
}

int mount_cgroup(const struct mount_job *job, struct husk_error *err)
{
	_cleanup_free_ char *dir = NULL;
	struct statfs sfs;
	int r;

	if (statfs("/sys/fs/cgroup", &sfs) < 0)
		return husk_error_set(err, errno, "statfs the host /sys/fs/cgroup");
	if ((unsigned long)sfs.f_type != CGROUP2_SUPER_MAGIC)
		return mount_bind_host(job, "/sys/fs/cgroup", true, HOST_LOCKDOWN, err);

	if (job->ctx->new_cgroupns) {
		r = mount_new_fs(job, "cgroup2", err);
		if (r != -EPERM && r != -EBUSY)
			return r;
		husk_error_clear(err);
	}
	dir = own_cgroup2_dir(err);
	if (!dir)
		return -(err->errnum ? err->errnum : EINVAL);
	return mount_bind_host(job, dir, true,
			       MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err);
}
