/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_PATH_H
#define HUSK_PATH_H

/*
 * Safe resolution of paths inside a root filesystem (src/util/path.c).
 *
 * Every path that names something inside the container is resolved against
 * the rootfs directory fd with openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS), so ".." and absolute symlinks stay inside the
 * root and a symlink cannot redirect an operation onto the host.
 */

#include <stdbool.h>
#include <sys/types.h>

#include "husk/error.h"

/* openat2() with RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS; returns fd or -errno. */
int path_open_in_root(int rootfd, const char *path, int flags, mode_t mode);

/*
 * Make sure `path` exists inside rootfd, creating missing directories (0755)
 * and, when `is_file`, the last component as an empty regular file (0644);
 * each step is resolved in the root.  Returns an O_PATH|O_CLOEXEC fd of the
 * final object or -errno with err naming the component that failed.
 */
int path_mkdirs_in_root(int rootfd, const char *path, bool is_file, struct husk_error *err);

/* "/proc/self/fd/N" in buf (for mount APIs that only take strings). */
const char *path_fd_string(int fd, char buf[static 32]);

/* Make path absolute against cwd and collapse "." and ".." lexically. */
char *path_absolute(const char *path);

#endif
