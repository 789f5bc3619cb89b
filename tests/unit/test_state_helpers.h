/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TEST_STATE_HELPERS_H
#define TEST_STATE_HELPERS_H

/*
 * Shared by the test_state_*.c files: a private state root under /tmp,
 * made before each test and removed after it.  A suite's .init calls
 * test_root_make() (or test_container_make() for a container directory
 * in it too), its .fini test_state_remove().  test_rm_rf() serves other
 * suites' temporary directories too.
 */

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "husk/state.h"

static inline int test_rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm -rf path (no symlink following). */
static inline void test_rm_rf(const char *path)
{
	nftw(path, test_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* mkdtemp a directory and open it as a state root (its own subdir "root"). */
static inline char *test_root_make(struct state_root *root)
{
	char tmpl[] = "/tmp/husk-unit-XXXXXX";
	char *dir = mkdtemp(tmpl);
	struct husk_error err = { 0 };
	char *path;

	cr_assert_not_null(dir);
	cr_assert(asprintf(&path, "%s/root", dir) > 0);
	cr_assert_eq(state_root_open(path, true, root, &err), 0, "%s", err.msg);
	free(path);
	return strdup(dir);
}

/* test_root_make(), and the directory of container `id` in that root. */
static inline char *test_container_make(struct state_root *root, const char *id,
					struct container_dir *dir)
{
	struct husk_error err = { 0 };
	char *tmp = test_root_make(root);

	cr_assert_eq(container_dir_create(root, id, dir, &err), 0, "%s", err.msg);
	return tmp;
}

/* Close dir (NULL: none) and root, remove tmp and free it. */
static inline void test_state_remove(struct state_root *root, struct container_dir *dir,
				     char *tmp)
{
	if (dir)
		container_dir_close(dir);
	state_root_close(root);
	test_rm_rf(tmp);
	free(tmp);
}

#endif
