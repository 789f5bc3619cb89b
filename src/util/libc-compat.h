/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What husk uses of glibc 2.36's API that musl does not have, so the same
 * sources build either way (the husk binary is static musl; the tests and
 * sanitizer builds are glibc: see src/libc/musl.mk).
 *
 * Under glibc this header only includes what it names.  Under musl it adds
 * the new mount API (fsopen .. mount_setattr, which musl does not wrap)
 * and statx (musl < 1.2.5) as thin system-call wrappers over the kernel's
 * own <linux/mount.h> and <linux/stat.h> definitions.  Each is guarded by
 * a macro the C library's own header defines when it has the call, so a
 * newer musl's wrappers win.
 */
#ifndef HUSK_LIBC_COMPAT_H
#define HUSK_LIBC_COMPAT_H

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#ifndef __GLIBC__
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef FSOPEN_CLOEXEC
#include <linux/mount.h>

static inline int fsopen(const char *fs_name, unsigned int flags)
{
	return (int)syscall(SYS_fsopen, fs_name, flags);
}

static inline int fsconfig(int fd, unsigned int cmd, const char *key, const void *value,
			   int aux)
{
	return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}

static inline int fsmount(int fd, unsigned int flags, unsigned int attr_flags)
{
	return (int)syscall(SYS_fsmount, fd, flags, attr_flags);
}

static inline int move_mount(int from_dirfd, const char *from_path, int to_dirfd,
			     const char *to_path, unsigned int flags)
{
	return (int)syscall(SYS_move_mount, from_dirfd, from_path, to_dirfd, to_path, flags);
}

static inline int open_tree(int dirfd, const char *path, unsigned int flags)
{
	return (int)syscall(SYS_open_tree, dirfd, path, flags);
}

static inline int mount_setattr(int dirfd, const char *path, unsigned int flags,
				struct mount_attr *attr, size_t size)
{
	return (int)syscall(SYS_mount_setattr, dirfd, path, flags, attr, size);
}
#endif /* !FSOPEN_CLOEXEC */

#ifndef STATX_TYPE
#include <linux/stat.h>

static inline int statx(int dirfd, const char *path, int flags, unsigned int mask,
			struct statx *buf)
{
	return (int)syscall(SYS_statx, dirfd, path, flags, mask, buf);
}
#endif /* !STATX_TYPE */
#endif /* !__GLIBC__ */

#endif /* HUSK_LIBC_COMPAT_H */
