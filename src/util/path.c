/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Safe resolution of paths inside a root filesystem: see husk/path.h.
 *
 * Everything goes through openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS):
 * the kernel treats the root fd as "/" for absolute symlinks and clamps ".."
 * there, so neither "/etc" nor "../../etc" in a symlink can reach the host.
 * Creation (mkdirat, O_CREAT) is only ever done on a single plain name
 * relative to a directory fd that was itself resolved in the root, and these
 * calls never follow a final symlink.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "husk/path.h"
#include "husk/util.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

/* Same limit as the kernel's MAXSYMLINKS. */
#define PATH_MAX_SYMLINKS 40
/* openat2() says EAGAIN when a rename raced with RESOLVE_IN_ROOT; retry. */
#define PATH_EAGAIN_RETRIES 32

int path_open_in_root(int rootfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	/* openat2() refuses a mode unless something may be created (O_TMPFILE
	 * includes O_DIRECTORY, which alone creates nothing). */
	if (flags & (O_CREAT | (O_TMPFILE & ~O_DIRECTORY)))
		how.mode = mode;
	for (int i = 0; i < PATH_EAGAIN_RETRIES; i++) {
		long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));

		if (fd >= 0)
			return (int)fd;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
	}
	return -EAGAIN;
}

const char *path_fd_string(int fd, char buf[static 32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

/*
 * Lexical clean-up: split on '/', drop "" and ".", let ".." eat the previous
 * component (or nothing at "/").  No symlink is looked at; this is for host
 * paths given by the user (the bundle, relative bind sources).
 */
char *path_absolute(const char *path)
{
	_cleanup_free_ char *joined = NULL;
	_cleanup_free_ char *out = NULL;
	size_t len = 0;
	char *save = NULL;

	if (path[0] == '/') {
		joined = xstrdup(path);
	} else {
		_cleanup_free_ char *cwd = getcwd(NULL, 0);

		if (!cwd)
			return NULL;
		joined = xasprintf("%s/%s", cwd, path);
	}
	out = xmalloc(strlen(joined) + 2);
	for (char *c = strtok_r(joined, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--; /* the '/' before the dropped component */
			continue;
		}
		out[len++] = '/';
		memcpy(out + len, c, strlen(c));
		len += strlen(c);
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return TAKE_PTR(out);
}

/* The state of one walk over a path's components (see mkdirs_walk()). */
struct walk {
	int rootfd;
	char *prefix;               /* components resolved so far, "/a/b" ("" at the root) */
	int dirfd;                  /* O_PATH fd of prefix; -1 means rootfd itself */
};

static void walk_done(struct walk *w)
{
	free(w->prefix);
	closep(&w->dirfd);
}

static int walk_dirfd(const struct walk *w)
{
	return w->dirfd >= 0 ? w->dirfd : w->rootfd;
}

/*
 * `name` does not exist in the walk's current directory.  If it is a dangling
 * symlink, build the path to retry with (the link text in place of `name`,
 * then `rest`) in *next and return 1: resolved again in the root, an absolute
 * or "../.." target stays inside.  Otherwise create it (a directory, or an
 * empty file for the last component when is_file) and return 0.
 */
static int walk_create(struct walk *w, const char *name, const char *rest, bool last,
		       bool is_file, char **next, struct husk_error *err)
{
	int dfd = walk_dirfd(w);
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISLNK(st.st_mode))
			return husk_error_setq(err, EAGAIN, "%s/%s changed while resolving it",
					       w->prefix, name);
		n = readlinkat(dfd, name, target, sizeof(target) - 1);
		if (n < 0)
			return husk_error_set(err, errno, "readlink %s/%s", w->prefix, name);
		target[n] = '\0';
		if (target[0] == '/')
			*next = xasprintf("%s%s%s", target, rest[0] ? "/" : "", rest);
		else
			*next = xasprintf("%s/%s%s%s", w->prefix, target, rest[0] ? "/" : "",
					  rest);
		return 1;
	}
	if (errno != ENOENT)
		return husk_error_set(err, errno, "stat %s/%s", w->prefix, name);

	if (last && is_file) {
		_cleanup_close_ int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL |
						O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);

		if (fd < 0 && errno != EEXIST)
			return husk_error_set(err, errno, "create file %s/%s", w->prefix, name);
	} else if (mkdirat(dfd, name, 0755) < 0 && errno != EEXIST) {
		return husk_error_set(err, errno, "create directory %s/%s", w->prefix, name);
	}
	return 0;
}

/*
 * One pass over `path`, component by component.  Each growing prefix is
 * resolved from the root with openat2(RESOLVE_IN_ROOT), so symlinks anywhere
 * in it are followed inside the root; missing components are created on the
 * parent fd.  Returns the O_PATH fd of the whole path, 0 after storing the
 * path to walk again in *next (a dangling symlink was met), or -errno.
 */
static int mkdirs_walk(int rootfd, const char *path, bool is_file, char **next,
		       struct husk_error *err)
{
	_cleanup_free_ char *copy = xstrdup(path);
	struct walk w = { .rootfd = rootfd, .prefix = xstrdup(""), .dirfd = -1 };
	char *p = copy;
	int r = 0;

	for (;;) {
		char *name, *slash;
		char *candidate;
		bool last;
		int fd;

		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		name = p;
		slash = strchr(p, '/');
		p = slash ? slash + 1 : p + strlen(p);
		if (slash)
			*slash = '\0';
		while (*p == '/')
			p++;
		last = *p == '\0';
		if (strcmp(name, ".") == 0)
			continue;

		candidate = xasprintf("%s/%s", w.prefix, name);
		fd = path_open_in_root(rootfd, candidate, O_PATH, 0);
		if (fd == -ENOENT) {
			r = walk_create(&w, name, p, last, is_file, next, err);
			if (r == 0)
				fd = path_open_in_root(rootfd, candidate, O_PATH, 0);
		}
		if (r != 0 || fd < 0) {
			if (r == 0)
				r = husk_error_set(err, -fd, "resolve %s in the root", candidate);
			free(candidate);
			walk_done(&w);
			return r > 0 ? 0 : r;
		}
		free(w.prefix);
		w.prefix = candidate;
		closep(&w.dirfd);
		w.dirfd = fd;
	}
	if (w.dirfd < 0) {
		/* The path named the root itself. */
		r = path_open_in_root(rootfd, "/", O_PATH, 0);
		if (r < 0)
			r = husk_error_set(err, -r, "open the root");
	} else {
		r = TAKE_FD(w.dirfd);
	}
	walk_done(&w);
	return r;
}

int path_mkdirs_in_root(int rootfd, const char *path, bool is_file, struct husk_error *err)
{
	_cleanup_free_ char *cur = xstrdup(path);

	for (int links = 0; links <= PATH_MAX_SYMLINKS; links++) {
		char *next = NULL;
		int r = mkdirs_walk(rootfd, cur, is_file, &next, err);

		if (r != 0 || !next)
			return r;
		free(cur);
		cur = next;
	}
	return husk_error_setq(err, ELOOP, "%s: too many levels of symbolic links", path);
}
