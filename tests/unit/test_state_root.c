/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state root: the default for root and rootless callers, the checks on
 * the /tmp fallback, and opening/creating a root safely.
 *
 * The rootless cases switch the effective uid with setresuid(U, U, 0),
 * keeping 0 as the saved uid so the test can clean up afterwards.  Each
 * test uses its own uid so that parallel test processes do not share a
 * /tmp/husk-<uid>.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/host.h"
#include "husk/state.h"
#include "husk/util.h"
#include "test_state_helpers.h"

static bool real_root(void)
{
	char buf[128] = "";
	FILE *f;
	unsigned long a = 1, b = 1, c = 0;

	if (geteuid() != 0)
		return false;
	f = fopen("/proc/self/uid_map", "re");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f))
		sscanf(buf, "%lu %lu %lu", &a, &b, &c);
	fclose(f);
	return a == 0 && b == 0 && c == 4294967295UL;
}

static void need_root(void)
{
	if (!real_root())
		cr_skip_test("needs root in the initial user namespace");
}

/* The host context keeps who we were: forget it on each change. */
static void become(uid_t uid)
{
	cr_assert_eq(setresgid(uid, uid, 0), 0);
	cr_assert_eq(setresuid(uid, uid, 0), 0);
	host_reset_for_test(NULL);
}

static void back_to_root(void)
{
	cr_assert_eq(setresuid(0, 0, 0), 0);
	cr_assert_eq(setresgid(0, 0, 0), 0);
	host_reset_for_test(NULL);
}

static void write_all_to(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "fopen %s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

static char *fallback_of(uid_t uid)
{
	char *p;

	cr_assert(asprintf(&p, "/tmp/husk-%u", (unsigned)uid) > 0);
	test_rm_rf(p);
	unlink(p);
	return p;
}

Test(state_root, default_for_root_is_run_husk)
{
	struct husk_error err = { 0 };
	char *p;

	need_root();
	setenv("XDG_RUNTIME_DIR", "/tmp", 1);
	p = state_root_default(&err);
	cr_assert_not_null(p, "%s", err.msg);
	cr_assert_str_eq(p, "/run/husk");
	free(p);
}

Test(state_root, rootless_uses_xdg_runtime_dir)
{
	struct husk_error err = { 0 };
	char xdg[] = "/tmp/husk-unit-xdg-XXXXXX";
	char *p, *want;

	need_root();
	cr_assert_not_null(mkdtemp(xdg));
	cr_assert_eq(chown(xdg, 61001, 61001), 0);
	setenv("XDG_RUNTIME_DIR", xdg, 1);
	become(61001);
	p = state_root_default(&err);
	back_to_root();
	cr_assert_not_null(p, "%s", err.msg);
	cr_assert(asprintf(&want, "%s/husk", xdg) > 0);
	cr_assert_str_eq(p, want);
	free(p);
	free(want);
	rmdir(xdg);
}

Test(state_root, rootless_ignores_foreign_xdg_runtime_dir)
{
	struct husk_error err = { 0 };
	char *fb = fallback_of(61002);
	char *p;

	need_root();
	setenv("XDG_RUNTIME_DIR", "/root", 1);     /* not ours */
	become(61002);
	p = state_root_default(&err);
	back_to_root();
	cr_assert_not_null(p, "%s", err.msg);
	cr_assert_str_eq(p, fb);
	free(p);
	free(fb);
}

Test(state_root, rootless_without_xdg_uses_tmp_fallback)
{
	struct husk_error err = { 0 };
	struct state_root root;
	struct stat st;
	char *fb = fallback_of(61003);
	char *p;

	need_root();
	unsetenv("XDG_RUNTIME_DIR");
	become(61003);
	p = state_root_default(&err);
	cr_assert_not_null(p, "%s", err.msg);
	cr_assert_str_eq(p, fb);
	/* Opening it creates it: 0700, ours. */
	cr_assert_eq(state_root_open(p, true, &root, &err), 0, "%s", err.msg);
	state_root_close(&root);
	back_to_root();
	cr_assert_eq(lstat(fb, &st), 0);
	cr_assert(S_ISDIR(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, 0700);
	cr_assert_eq(st.st_uid, 61003);
	test_rm_rf(fb);
	free(p);
	free(fb);
}

/*
 * uid 0 in a user namespace (podman rootless, unshare -r) is a user: the
 * fallback is named after its uid outside.  The namespace is a fake
 * /proc/self/uid_map given to the host context.
 */
Test(state_root, uid_0_in_a_user_namespace_is_not_root)
{
	struct husk_error err = { 0 };
	char dir[] = "/tmp/husk-unit-proc-XXXXXX";
	char *fb = fallback_of(61009), *map, *p;

	if (geteuid() != 0)
		cr_skip_test("needs euid 0");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert(asprintf(&map, "%s/uid_map", dir) > 0);
	write_all_to(map, "0 61009 1\n");
	unsetenv("XDG_RUNTIME_DIR");
	host_reset_for_test(&(struct host_test_roots){ .proc_self = dir });
	p = state_root_default(&err);
	host_reset_for_test(NULL);
	unlink(map);
	rmdir(dir);
	cr_assert_not_null(p, "%s", err.msg);
	cr_assert_str_eq(p, fb);
	free(p);
	free(map);
	free(fb);
}

/* Plant a hostile fallback as root, then ask for the default as the user. */
static void expect_fallback_refused(uid_t uid, const char *why)
{
	struct husk_error err = { 0 };
	char *p;

	unsetenv("XDG_RUNTIME_DIR");
	become(uid);
	p = state_root_default(&err);
	back_to_root();
	cr_assert_null(p, "an unsafe fallback was accepted");
	cr_assert_eq(err.errnum, EPERM);
	cr_assert(strstr(err.msg, why), "message \"%s\" lacks \"%s\"", err.msg, why);
	cr_assert(strstr(err.msg, "--root"), "%s", err.msg);
}

Test(state_root, fallback_symlink_refused)
{
	char *fb = fallback_of(61004);

	need_root();
	cr_assert_eq(symlink("/tmp", fb), 0);
	expect_fallback_refused(61004, "symbolic link");
	unlink(fb);
	free(fb);
}

Test(state_root, fallback_wrong_owner_refused)
{
	char *fb = fallback_of(61005);

	need_root();
	cr_assert_eq(mkdir(fb, 0700), 0);     /* owned by root */
	expect_fallback_refused(61005, "owned by another user");
	rmdir(fb);
	free(fb);
}

Test(state_root, fallback_wrong_mode_refused)
{
	char *fb = fallback_of(61006);

	need_root();
	cr_assert_eq(mkdir(fb, 0700), 0);
	cr_assert_eq(chown(fb, 61006, 61006), 0);
	cr_assert_eq(chmod(fb, 0755), 0);
	expect_fallback_refused(61006, "mode");
	rmdir(fb);
	free(fb);
}

Test(state_root, fallback_file_refused)
{
	char *fb = fallback_of(61007);
	int fd;

	need_root();
	fd = open(fb, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(chown(fb, 61007, 61007), 0);
	expect_fallback_refused(61007, "not a directory");
	unlink(fb);
	free(fb);
}

Test(state_root, fallback_good_accepted)
{
	struct husk_error err = { 0 };
	char *fb = fallback_of(61008);
	char *p;

	need_root();
	cr_assert_eq(mkdir(fb, 0700), 0);
	cr_assert_eq(chown(fb, 61008, 61008), 0);
	unsetenv("XDG_RUNTIME_DIR");
	become(61008);
	p = state_root_default(&err);
	back_to_root();
	cr_assert_not_null(p, "%s", err.msg);
	cr_assert_str_eq(p, fb);
	rmdir(fb);
	free(p);
	free(fb);
}

/* ---- state_root_open ---------------------------------------------------- */

static char *scratch(void)
{
	char tmpl[] = "/tmp/husk-unit-root-XXXXXX";

	cr_assert_not_null(mkdtemp(tmpl));
	return strdup(tmpl);
}

Test(state_root, open_creates_missing_dirs_0700)
{
	struct husk_error err = { 0 };
	struct state_root root;
	struct stat st;
	char *dir = scratch(), *path, *mid;
	mode_t old = umask(0);

	cr_assert(asprintf(&path, "%s/a/b/c", dir) > 0);
	cr_assert(asprintf(&mid, "%s/a/b", dir) > 0);
	cr_assert_eq(state_root_open(path, false, &root, &err), -ENOENT);
	cr_assert_eq(state_root_open(path, true, &root, &err), 0, "%s", err.msg);
	cr_assert_str_eq(root.path, path);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0700);
	cr_assert_eq(stat(mid, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0700);
	state_root_close(&root);
	cr_assert_eq(root.fd, -1);
	/* Opening again (it exists now) works without create. */
	cr_assert_eq(state_root_open(path, false, &root, &err), 0, "%s", err.msg);
	state_root_close(&root);
	umask(old);
	test_rm_rf(dir);
	free(path);
	free(mid);
	free(dir);
}

Test(state_root, open_makes_relative_path_absolute)
{
	struct husk_error err = { 0 };
	struct state_root root;
	char *dir = scratch(), *want;

	cr_assert_eq(chdir(dir), 0);
	cr_assert_eq(state_root_open("rel/x", true, &root, &err), 0, "%s", err.msg);
	cr_assert(asprintf(&want, "%s/rel/x", dir) > 0);
	cr_assert_str_eq(root.path, want);
	state_root_close(&root);
	cr_assert_eq(chdir("/"), 0);
	test_rm_rf(dir);
	free(want);
	free(dir);
}

Test(state_root, open_refuses_group_writable)
{
	struct husk_error err = { 0 };
	struct state_root root;
	char *dir = scratch();

	cr_assert_eq(chmod(dir, 0770), 0);
	cr_assert_eq(state_root_open(dir, true, &root, &err), -EPERM);
	cr_assert(strstr(err.msg, "writable by group or others"), "%s", err.msg);
	rmdir(dir);
	free(dir);
}

Test(state_root, open_refuses_symlink)
{
	struct husk_error err = { 0 };
	struct state_root root;
	char *dir = scratch(), *link;

	cr_assert(asprintf(&link, "%s-link", dir) > 0);
	cr_assert_eq(symlink(dir, link), 0);
	cr_assert_eq(state_root_open(link, true, &root, &err), -ELOOP);
	cr_assert(strstr(err.msg, "symbolic link"), "%s", err.msg);
	unlink(link);
	rmdir(dir);
	free(link);
	free(dir);
}

Test(state_root, open_refuses_foreign_owner)
{
	struct husk_error err = { 0 };
	struct state_root root;
	char *dir;

	need_root();
	dir = scratch();
	cr_assert_eq(chown(dir, 61009, 61009), 0);
	cr_assert_eq(state_root_open(dir, false, &root, &err), -EPERM);
	cr_assert(strstr(err.msg, "owned by uid 61009"), "%s", err.msg);
	rmdir(dir);
	free(dir);
}

Test(state_root, open_refuses_file)
{
	struct husk_error err = { 0 };
	struct state_root root;
	char *dir = scratch(), *file;
	int fd;

	cr_assert(asprintf(&file, "%s/f", dir) > 0);
	fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	close(fd);
	cr_assert_lt(state_root_open(file, true, &root, &err), 0);
	test_rm_rf(dir);
	free(file);
	free(dir);
}
