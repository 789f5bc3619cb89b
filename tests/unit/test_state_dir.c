/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The per-container directory: exclusive create, open, lock, remove, list. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/state.h"
#include "husk/util.h"
#include "test_state_helpers.h"

static struct state_root root = { .fd = -1 };
static char *tmp;

static void setup(void)
{
	tmp = test_root_make(&root);
}

static void teardown(void)
{
	test_state_remove(&root, NULL, tmp);
}

TestSuite(state_dir, .init = setup, .fini = teardown);

Test(state_dir, create_makes_locked_0700_dir)
{
	struct container_dir d;
	struct husk_error err = { 0 };
	struct stat st;

	cr_assert_eq(container_dir_create(&root, "c1", &d, &err), 0, "%s", err.msg);
	cr_assert_geq(d.fd, 0);
	cr_assert_geq(d.lock_fd, 0);
	cr_assert_str_eq(d.id, "c1");
	cr_assert(strstr(d.path, "/root/c1"));
	cr_assert_eq(fstatat(root.fd, "c1", &st, AT_SYMLINK_NOFOLLOW), 0);
	cr_assert(S_ISDIR(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, 0700);
	/* the lock is in place under its final name, no temporary left */
	cr_assert_eq(fstatat(d.fd, CONTAINER_LOCK_NAME, &st, 0), 0);
	cr_assert_neq(fstatat(d.fd, ".lock.new", &st, 0), 0);
	container_dir_close(&d);
}

Test(state_dir, create_twice_is_eexist_and_leaves_first_alone)
{
	struct container_dir a, b;
	struct husk_error err = { 0 };
	struct stat st;

	cr_assert_eq(container_dir_create(&root, "dup", &a, &err), 0, "%s", err.msg);
	cr_assert_eq(write_file_atomic_at(a.fd, "marker", "x", 1, 0600, &err), 0);
	cr_assert_eq(container_dir_create(&root, "dup", &b, &err), -EEXIST);
	cr_assert_str_eq(err.msg, "container \"dup\" already exists");
	cr_assert_eq(b.fd, -1);
	cr_assert_eq(fstatat(a.fd, "marker", &st, 0), 0);
	cr_assert_eq(fstatat(a.fd, CONTAINER_LOCK_NAME, &st, 0), 0);
	container_dir_close(&a);
}

Test(state_dir, create_refuses_bad_id_without_touching_disk)
{
	struct container_dir d;
	struct husk_error err = { 0 };
	struct stat st;

	cr_assert_eq(container_dir_create(&root, "../escape", &d, &err), -EINVAL);
	cr_assert_neq(fstatat(root.fd, "../escape", &st, 0), 0);
	cr_assert_eq(container_dir_create(&root, "..", &d, &err), -EINVAL);
}

Test(state_dir, open_missing_is_enoent)
{
	struct container_dir d;
	struct husk_error err = { 0 };

	cr_assert_eq(container_dir_open(&root, "nope", false, &d, &err), -ENOENT);
	cr_assert_str_eq(err.msg, "container \"nope\" does not exist");
}

Test(state_dir, open_refuses_symlink_entry)
{
	struct container_dir d;
	struct husk_error err = { 0 };

	cr_assert_eq(symlinkat("/tmp", root.fd, "link"), 0);
	cr_assert_lt(container_dir_open(&root, "link", false, &d, &err), 0);
	cr_assert(strstr(err.msg, "not a container directory"), "%s", err.msg);
}

Test(state_dir, lock_is_exclusive)
{
	struct container_dir a, b;
	struct husk_error err = { 0 };
	pid_t pid;
	int status;

	cr_assert_eq(container_dir_create(&root, "lk", &a, &err), 0, "%s", err.msg);
	/* Another process sees it busy while we hold the lock. */
	pid = fork();
	if (pid == 0) {
		struct container_dir c;

		if (container_dir_open(&root, "lk", false, &c, NULL) < 0)
			_exit(2);
		_exit(container_dir_busy(&c) ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert_eq(WEXITSTATUS(status), 0);
	container_dir_close(&a);
	/* Released: the lock can be taken, and it is not busy any more. */
	cr_assert_eq(container_dir_open(&root, "lk", true, &b, &err), 0, "%s", err.msg);
	cr_assert_geq(b.lock_fd, 0);
	cr_assert_not(container_dir_busy(&b));
	container_dir_close(&b);
	cr_assert_eq(container_dir_open(&root, "lk", false, &b, &err), 0, "%s", err.msg);
	cr_assert_not(container_dir_busy(&b));
	container_dir_close(&b);
}

Test(state_dir, waiter_sees_removed_dir_as_missing)
{
	struct container_dir a;
	struct husk_error err = { 0 };
	pid_t pid;
	int status;

	cr_assert_eq(container_dir_create(&root, "gone", &a, &err), 0, "%s", err.msg);
	pid = fork();
	if (pid == 0) {
		struct container_dir d;
		struct husk_error e = { 0 };
		int r;

		r = container_dir_open(&root, "gone", true, &d, &e);
		_exit(r == -ENOENT ? 0 : 1);
	}
	usleep(100 * 1000);     /* let the child block on the flock */
	cr_assert_eq(container_dir_remove(&a, &err), 0, "%s", err.msg);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert_eq(WEXITSTATUS(status), 0, "the waiter got the lock of a removed dir");
}

Test(state_dir, remove_takes_everything)
{
	struct container_dir d;
	struct husk_error err = { 0 };
	struct stat st;
	int fifo;

	cr_assert_eq(container_dir_create(&root, "rm", &d, &err), 0, "%s", err.msg);
	cr_assert_eq(write_file_atomic_at(d.fd, STATE_FILE_NAME, "{}", 2, 0600, &err), 0);
	cr_assert_eq(exec_fifo_create(&d, &fifo, &err), 0, "%s", err.msg);
	close(fifo);
	cr_assert_eq(symlinkat("/etc/passwd", d.fd, "evil"), 0);
	cr_assert_eq(container_dir_remove(&d, &err), 0, "%s", err.msg);
	cr_assert_eq(d.fd, -1);
	cr_assert_neq(fstatat(root.fd, "rm", &st, AT_SYMLINK_NOFOLLOW), 0);
	cr_assert_eq(stat("/etc/passwd", &st), 0, "a symlink target was removed");
}

Test(state_dir, remove_refuses_foreign_subdir)
{
	struct container_dir d;
	struct husk_error err = { 0 };
	struct stat st;

	cr_assert_eq(container_dir_create(&root, "sub", &d, &err), 0, "%s", err.msg);
	cr_assert_eq(mkdirat(d.fd, "x", 0700), 0);
	cr_assert_lt(container_dir_remove(&d, &err), 0);
	cr_assert(strstr(err.msg, "sub/x"), "%s", err.msg);
	cr_assert_eq(fstatat(root.fd, "sub/x", &st, 0), 0);
}

Test(state_dir, list_is_sorted_and_skips_junk)
{
	const char *ids[] = { "zeta", "alpha", ".hidden", "mid-1" };
	struct husk_error err = { 0 };
	char **got = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		struct container_dir d;

		cr_assert_eq(container_dir_create(&root, ids[i], &d, &err), 0, "%s", err.msg);
		container_dir_close(&d);
	}
	cr_assert_eq(write_file_atomic_at(root.fd, "file", "x", 1, 0600, &err), 0);
	cr_assert_eq(mkdirat(root.fd, "bad:name", 0700), 0);
	cr_assert_eq(symlinkat("alpha", root.fd, "link"), 0);
	cr_assert_eq(state_list_ids(&root, &got, &err), 0, "%s", err.msg);
	cr_assert_eq(strv_length(got), 4);
	cr_assert_str_eq(got[0], ".hidden");
	cr_assert_str_eq(got[1], "alpha");
	cr_assert_str_eq(got[2], "mid-1");
	cr_assert_str_eq(got[3], "zeta");
	strv_free(got);
}

Test(state_dir, list_empty_root)
{
	struct husk_error err = { 0 };
	char **got = NULL;

	cr_assert_eq(state_list_ids(&root, &got, &err), 0, "%s", err.msg);
	cr_assert_not_null(got);
	cr_assert_eq(strv_length(got), 0);
	strv_free(got);
}
