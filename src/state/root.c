/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state root: where it is by default, and opening it safely.
 *
 * The root holds one directory per container.  Whoever can write to it can
 * plant or remove containers of ours, so it must be a real directory owned
 * by us and not writable by anybody else.  The rootless fallback under the
 * world-writable /tmp is held to a stricter rule: exactly mode 0700.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/host.h"
#include "husk/state.h"
#include "husk/util.h"

#define STATE_ROOT_SYSTEM "/run/husk"

/* A directory owned by the effective uid (symlinks followed: /run/user/N may be one). */
static bool dir_is_ours(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid();
}

/*
 * The private fallback /tmp/husk-<uid>.  /tmp is writable by everybody, so
 * somebody may have created the name first: when it exists it must be a
 * real directory (lstat: not a symlink), owned by us, mode 0700.  When it
 * does not exist, state_root_open() creates it with those properties.
 */
static char *fallback_root(uid_t name_uid, struct husk_error *err)
{
	uid_t uid = geteuid();
	_cleanup_free_ char *path = xasprintf("/tmp/husk-%u", (unsigned)name_uid);
	struct stat st;
	const char *why = NULL;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return TAKE_PTR(path);
		husk_error_set(err, errno, "state root %s", path);
		return NULL;
	}
	if (S_ISLNK(st.st_mode))
		why = "it is a symbolic link";
	else if (!S_ISDIR(st.st_mode))
		why = "it is not a directory";
	else if (st.st_uid != uid)
		why = "it is owned by another user";
	else if ((st.st_mode & 07777) != 0700)
		why = "its mode is not 0700";
	if (why) {
		husk_error_setq(err, EPERM,
				"state root %s is unsafe: %s (remove it, set XDG_RUNTIME_DIR "
				"to a directory of yours, or pass --root DIR)", path, why);
		return NULL;
	}
	return TAKE_PTR(path);
}

/*
 * Default root: /run/husk for the real root (a euid of 0 inside a user
 * namespace, as under podman rootless or `unshare -r`, is not: /run/husk
 * is not ours there); $XDG_RUNTIME_DIR/husk when that is an absolute
 * directory of ours; else the /tmp fallback above, named after our uid
 * outside our user namespace so that users in their own namespaces do not
 * collide.  Who we are comes from the host context (husk/host.h), whatever
 * --rootless says.
 */
char *state_root_default(struct husk_error *err)
{
	const char *xdg;

	if (host_real_root())
		return xstrdup(STATE_ROOT_SYSTEM);
	xdg = getenv("XDG_RUNTIME_DIR");
	if (xdg && xdg[0] == '/' && dir_is_ours(xdg))
		return xasprintf("%s/husk", xdg);
	return fallback_root(host_outer_euid(), err);
}

/*
 * Check the opened root itself: a directory, ours, not writable by group
 * or others.  Done on the fd, so what we checked is what we use.
 */
static int root_check(int fd, const char *path, struct husk_error *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return husk_error_set(err, errno, "stat state root %s", path);
	if (!S_ISDIR(st.st_mode))
		return husk_error_setq(err, ENOTDIR, "state root %s is not a directory", path);
	if (st.st_uid != geteuid())
		return husk_error_setq(err, EPERM,
				       "state root %s is owned by uid %u, not by you (uid %u): "
				       "pass --root with a directory of yours", path,
				       (unsigned)st.st_uid, (unsigned)geteuid());
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return husk_error_setq(err, EPERM,
				       "state root %s is writable by group or others (mode %04o): "
				       "chmod 0700 it", path, (unsigned)(st.st_mode & 07777));
	return 0;
}

/* Say why a component of the root could not be opened as a directory. */
static int root_open_failed(int dirfd, const char *comp, bool last, const char *path,
			    struct husk_error *err)
{
	int saved = errno;
	struct stat st;

	if (last && (saved == ELOOP || saved == ENOTDIR) &&
	    fstatat(dirfd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode))
			return husk_error_setq(err, ELOOP, "state root %s is a symbolic link: pass "
					       "--root with the real directory", path);
		return husk_error_setq(err, ENOTDIR, "state root %s is not a directory", path);
	}
	return husk_error_set(err, saved, "open state root %s", path);
}

/*
 * Walk `path` one component at a time from "/" (or the cwd), creating
 * missing directories with mode 0700 when `create`.  Intermediate symlinks
 * are followed (/var/run -> /run is common); the last component must not
 * be one.  Returns an O_PATH fd of the last directory.
 */
static int root_walk(const char *path, bool create, struct husk_error *err)
{
	_cleanup_free_ char *copy = xstrdup(path);
	_cleanup_close_ int cur = -1;
	char *save = NULL, *comp, *next;

	cur = open(path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return husk_error_set(err, errno, "open state root %s", path);
	comp = strtok_r(copy, "/", &save);
	if (!comp)
		return TAKE_FD(cur);    /* "/" itself; root_check() will judge it */
	while (comp) {
		int flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
		int fd;

		next = strtok_r(NULL, "/", &save);
		if (!next)
			flags |= O_NOFOLLOW;
		/* Open first: mkdirat() of an existing directory still locks its
		 * parent, which parallel husk commands would queue on. */
		fd = openat(cur, comp, flags);
		if (fd < 0 && errno == ENOENT && create) {
			if (mkdirat(cur, comp, 0700) == 0) {
				/* umask may have taken bits away; set exactly 0700. */
				if (fchmodat(cur, comp, 0700, 0) < 0)
					return husk_error_set(err, errno, "chmod state root %s",
							      path);
			} else if (errno != EEXIST) {
				return husk_error_set(err, errno, "create state root %s (at \"%s\")",
						      path, comp);
			}
			fd = openat(cur, comp, flags);
		}
		if (fd < 0)
			return root_open_failed(cur, comp, !next, path, err);
		closep(&cur);
		cur = fd;
		comp = next;
	}
	return TAKE_FD(cur);
}

/*
 * Open the state root, creating it (and missing parents, 0700) when
 * `create`.  A relative path is made absolute against the cwd so messages
 * and stored paths are unambiguous.  -ENOENT when it does not exist and
 * !create (callers such as `list` treat that as "no containers").
 */
int state_root_open(const char *path, bool create, struct state_root *out,
		    struct husk_error *err)
{
	_cleanup_free_ char *abs = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	out->fd = -1;
	out->path = NULL;
	if (!path || !*path)
		return husk_error_setq(err, EINVAL, "state root: empty path");
	if (path[0] != '/') {
		char cwd[PATH_MAX];

		if (!getcwd(cwd, sizeof(cwd)))
			return husk_error_set(err, errno, "state root %s: getcwd", path);
		abs = xasprintf("%s/%s", strcmp(cwd, "/") ? cwd : "", path);
	} else {
		abs = xstrdup(path);
	}
	fd = root_walk(abs, create, err);
	if (fd < 0)
		return fd;
	r = root_check(fd, abs, err);
	if (r < 0)
		return r;
	out->fd = TAKE_FD(fd);
	out->path = TAKE_PTR(abs);
	return 0;
}

void state_root_close(struct state_root *root)
{
	if (!root)
		return;
	closep(&root->fd);
	root->fd = -1;
	free(root->path);
	root->path = NULL;
}
