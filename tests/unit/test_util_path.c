/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/util/path.c: resolution inside a root, attacked with symlinks.
 *
 * Each test builds a fresh root under /tmp with hostile symlinks (absolute
 * to /etc and /, relative ../../.., loops, dangling links pointing outside)
 * and checks that every lookup and every creation stays inside it.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/path.h"
#include "husk/util.h"

static char root[64];
static int rootfd = -1;

/* Run `rm -rf` on the temp root; the tests only create plain files. */
static void rm_rf(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", dir);
	free(cmd);
}

static void setup(void)
{
	strcpy(root, "/tmp/husk-path-XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(rootfd, 0);
}

static void teardown(void)
{
	close(rootfd);
	rm_rf(root);
}

static void make_at(const char *rel, bool dir)
{
	char *p = xasprintf("%s/%s", root, rel);

	if (dir) {
		cr_assert_eq(mkdir(p, 0755), 0, "mkdir %s: %s", p, strerror(errno));
	} else {
		int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

		cr_assert_geq(fd, 0, "create %s: %s", p, strerror(errno));
		close(fd);
	}
	free(p);
}

static void link_at(const char *target, const char *rel)
{
	cr_assert_eq(symlinkat(target, rootfd, rel), 0, "symlink %s: %s", rel, strerror(errno));
}

/* The device+inode behind an fd and behind root/rel must be the same. */
static void assert_same(int fd, const char *rel)
{
	struct stat a, b;
	char *p = xasprintf("%s/%s", root, rel);

	cr_assert_eq(fstat(fd, &a), 0);
	cr_assert_eq(lstat(p, &b), 0, "lstat %s: %s", p, strerror(errno));
	cr_assert(a.st_dev == b.st_dev && a.st_ino == b.st_ino, "fd is not %s", p);
	free(p);
}

static bool host_exists(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0;
}

TestSuite(util_path, .init = setup, .fini = teardown);

Test(util_path, absolute_symlink_to_etc_stays_inside)
{
	int fd;

	make_at("etc", true);
	make_at("etc/marker", false);
	link_at("/etc", "abs");

	fd = path_open_in_root(rootfd, "/abs/marker", O_RDONLY, 0);
	cr_assert_geq(fd, 0, "open: %s", strerror(-fd));
	assert_same(fd, "etc/marker");
	close(fd);
	/* The host /etc/passwd is not reachable through the link. */
	cr_assert_eq(path_open_in_root(rootfd, "/abs/passwd", O_RDONLY, 0), -ENOENT);
}

Test(util_path, dotdot_symlink_is_clamped_at_the_root)
{
	int fd;

	make_at("etc", true);
	make_at("etc/marker", false);
	make_at("a", true);
	link_at("../../../../../../../../etc", "a/rel");

	fd = path_open_in_root(rootfd, "a/rel/marker", O_RDONLY, 0);
	cr_assert_geq(fd, 0, "open: %s", strerror(-fd));
	assert_same(fd, "etc/marker");
	close(fd);
	cr_assert_eq(path_open_in_root(rootfd, "/a/rel/passwd", O_RDONLY, 0), -ENOENT);
	cr_assert_eq(path_open_in_root(rootfd, "../../../etc/passwd", O_RDONLY, 0), -ENOENT);
}

Test(util_path, symlink_loop_is_eloop)
{
	link_at("loop2", "loop1");
	link_at("loop1", "loop2");
	cr_assert_eq(path_open_in_root(rootfd, "loop1", O_PATH, 0), -ELOOP);

	struct husk_error err = { 0 };
	int fd = path_mkdirs_in_root(rootfd, "/loop1/x", false, &err);

	cr_assert_lt(fd, 0);
	cr_assert_eq(err.errnum, ELOOP, "errnum %d: %s", err.errnum, err.msg);
}

Test(util_path, magic_links_are_refused)
{
	int realroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	cr_assert_geq(realroot, 0);
	cr_assert_eq(path_open_in_root(realroot, "/proc/self/exe", O_PATH, 0), -ELOOP);
	cr_assert_eq(path_open_in_root(realroot, "/proc/self/root/etc", O_PATH, 0), -ELOOP);
	close(realroot);
}

Test(util_path, mkdirs_creates_dirs_and_file)
{
	struct husk_error err = { 0 };
	struct stat st;
	char *p;
	int fd;

	fd = path_mkdirs_in_root(rootfd, "/x/y/z", false, &err);
	cr_assert_geq(fd, 0, "%s", err.msg);
	assert_same(fd, "x/y/z");
	cr_assert_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	cr_assert_eq(fcntl(fd, F_GETFL) & O_PATH, O_PATH);
	close(fd);

	fd = path_mkdirs_in_root(rootfd, "x//y/./f", true, &err);
	cr_assert_geq(fd, 0, "%s", err.msg);
	p = xasprintf("%s/x/y/f", root);
	cr_assert_eq(stat(p, &st), 0);
	cr_assert(S_ISREG(st.st_mode));
	free(p);
	close(fd);

	/* Existing objects are fine, for files and directories. */
	fd = path_mkdirs_in_root(rootfd, "x/y/f", true, &err);
	cr_assert_geq(fd, 0, "%s", err.msg);
	assert_same(fd, "x/y/f");
	close(fd);
	fd = path_mkdirs_in_root(rootfd, "/", false, &err);
	cr_assert_geq(fd, 0, "%s", err.msg);
	assert_same(fd, ".");
	close(fd);
}

Test(util_path, mkdirs_through_absolute_symlink_stays_inside)
{
	struct husk_error err = { 0 };
	char name[64], *rel;
	int fd;

	snprintf(name, sizeof(name), "husk-test-%d", (int)getpid());
	rel = xasprintf("/abs/%s/sub", name);
	make_at("etc", true);
	link_at("/etc", "abs");
	link_at("/", "slash");

	fd = path_mkdirs_in_root(rootfd, rel, false, &err);
	cr_assert_geq(fd, 0, "%s", err.msg);
	close(fd);
	free(rel);
	rel = xasprintf("etc/%s/sub", name);
	{
		char *inside = xasprintf("%s/%s", root, rel);
		char *host = xasprintf("/etc/%s", name);

		cr_assert(host_exists(inside), "%s was not created", inside);
		cr_assert_not(host_exists(host), "%s escaped to the host", host);
		free(inside);
		free(host);
	}
	free(rel);

	/* A link to "/" is the root itself. */
	fd = path_mkdirs_in_root(rootfd, "/slash/slash/made-here", false, &err);
	cr_assert_geq(fd, 0, "%s", err.msg);
	assert_same(fd, "made-here");
	close(fd);
}

Test(util_path, mkdirs_follows_dangling_symlinks_inside_only)
{
	struct husk_error err = { 0 };
	char *outside = xasprintf("/tmp/husk-escape-%d", (int)getpid());
	char *target;
	char *inside;
	int fd;

	/* Absolute dangling link to a host path that does not exist. */
	link_at(outside, "dangle");
	fd = path_mkdirs_in_root(rootfd, "/dangle/a", false, &err);
	cr_assert_geq(fd, 0, "%s", err.msg);
	inside = xasprintf("%s%s/a", root, outside);
	cr_assert(host_exists(inside), "%s was not created", inside);
	cr_assert_not(host_exists(outside), "%s escaped to the host", outside);
	assert_same(fd, inside + strlen(root) + 1);
	close(fd);
	free(inside);

	/* Relative dangling link climbing out, as the final component (a file). */
	make_at("d", true);
	target = xasprintf("../../../../..%s-file", outside);
	link_at(target, "d/rel");
	fd = path_mkdirs_in_root(rootfd, "d/rel", true, &err);
	cr_assert_geq(fd, 0, "%s", err.msg);
	inside = xasprintf("%s%s-file", root, outside);
	cr_assert(host_exists(inside), "%s was not created", inside);
	free(inside);
	inside = xasprintf("%s-file", outside);
	cr_assert_not(host_exists(inside), "%s escaped to the host", inside);
	free(inside);
	close(fd);
	free(target);
	free(outside);
}

Test(util_path, mkdirs_reports_a_file_in_the_middle)
{
	struct husk_error err = { 0 };
	int fd;

	make_at("file", false);
	fd = path_mkdirs_in_root(rootfd, "/file/x", false, &err);
	cr_assert_eq(fd, -ENOTDIR);
	cr_assert(strstr(err.msg, "/file/x"), "message does not name the path: %s", err.msg);
}

Test(util_path, fd_string)
{
	char buf[32];

	cr_assert_str_eq(path_fd_string(7, buf), "/proc/self/fd/7");
	cr_assert_eq(path_fd_string(123456, buf), buf);
	cr_assert_str_eq(buf, "/proc/self/fd/123456");
}

Test(util_path, absolute_collapses_lexically)
{
	char *p;

	p = path_absolute("/a/./b/../c//d/");
	cr_assert_str_eq(p, "/a/c/d");
	free(p);
	p = path_absolute("/../../x/..");
	cr_assert_str_eq(p, "/");
	free(p);
	p = path_absolute("/");
	cr_assert_str_eq(p, "/");
	free(p);

	cr_assert_eq(chdir(root), 0);
	p = path_absolute("rootfs/../bundle/./x");
	{
		char *want = xasprintf("%s/bundle/x", root);

		cr_assert_str_eq(p, want);
		free(want);
	}
	free(p);
	p = path_absolute(".");
	cr_assert_str_eq(p, root);
	free(p);
}
