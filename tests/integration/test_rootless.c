// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What only an unprivileged caller meets: mapping more than itself through
 * newuidmap/newgidmap (the subordinate ranges of /etc/subuid and
 * /etc/subgid), and the default state root without --root.
 */
#define _GNU_SOURCE
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "integration/harness.h"

HTEST_ROOTLESS(rootless, multiple_id_ranges_through_newuidmap)
{
	struct hres r = { 0 };
	unsigned ustart, ucount, gstart, gcount;
	char umap[256], gmap[256], want[256];

	subid_range(c, "/etc/subuid", &ustart, &ucount);
	subid_range(c, "/etc/subgid", &gstart, &gcount);
	snprintf(umap, sizeof(umap), "[{\"containerID\": 0, \"hostID\": %u, \"size\": 1},"
		 " {\"containerID\": 1, \"hostID\": %u, \"size\": %u}]", c->uid, ustart, ucount);
	snprintf(gmap, sizeof(gmap), "[{\"containerID\": 0, \"hostID\": %u, \"size\": 1},"
		 " {\"containerID\": 1, \"hostID\": %u, \"size\": %u}]", c->gid, gstart, gcount);
	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map"),
		.uid_mappings = umap, .gid_mappings = gmap });
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	char *got = squeeze(r.out);
	snprintf(want, sizeof(want), "0 %u 1 1 %u %u 0 %u 1 1 %u %u", c->uid, ustart, ucount,
		 c->gid, gstart, gcount);
	cr_assert_str_eq(got, want, "uid_map and gid_map inside:\n%s", r.out);
	free(got);
	hres_free(&r);
}

/* A range the user was not given must be refused, not half applied. */
HTEST_ROOTLESS(rootless, foreign_id_range_is_refused)
{
	struct hres r = { 0 };
	struct passwd *pw = getpwuid(c->uid);
	unsigned start, count;
	char map[256], grants[128];

	subid_range(c, "/etc/subuid", &start, &count);
	snprintf(map, sizeof(map), "[{\"containerID\": 0, \"hostID\": %u, \"size\": 1},"
		 " {\"containerID\": 1, \"hostID\": 3000000000, \"size\": 10}]", c->uid);
	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/true"), .uid_mappings = map });
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_fails(&r);
	/* The message says what the user has instead. */
	cr_assert_not_null(pw);
	snprintf(grants, sizeof(grants), "/etc/subuid grants user %s the mapped range (it grants ",
		 pw->pw_name);
	assert_contains(r.err, grants);
	snprintf(grants, sizeof(grants), "%u-%u", start, start + count - 1);
	assert_contains(r.err, grants);
	assert_nothing_left(c);
	hres_free(&r);
}

/* Start a sleeper without --root; the state must land in `root`. */
static void check_default_root(struct hctx *c, const struct hcall_opts *o, const char *root)
{
	struct hres r = { 0 };
	struct stat st;
	char *dir;

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "100") });
	HUSK_OPTS(c, &r, o, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert(asprintf(&dir, "%s/%s", root, c->id) > 0);
	cr_assert(stat(root, &st) == 0, "no state root at %s", root);
	cr_assert_eq(st.st_uid, c->uid, "%s is not owned by the caller", root);
	cr_assert_eq(st.st_mode & 077, 0, "%s is open to others: %o", root, st.st_mode & 0777);
	cr_assert(access(dir, F_OK) == 0, "the container is not in %s", root);

	HUSK_OPTS(c, &r, o, "state", c->id);
	assert_husk_ok(&r);
	HUSK_OPTS(c, &r, o, "delete", "--force", c->id);
	assert_husk_ok(&r);
	cr_assert(access(dir, F_OK) != 0, "delete left %s", dir);
	free(dir);
	hres_free(&r);
}

HTEST_ROOTLESS(rootless, default_root_in_xdg_runtime_dir)
{
	struct hcall_opts o = { .no_root_opt = true };
	char *root = hpath(c, "run/husk");

	check_default_root(c, &o, root);
	free(root);
}

HTEST_ROOTLESS(rootless, default_root_without_xdg_runtime_dir)
{
	struct hcall_opts o = { .no_root_opt = true, .unset_xdg = true };
	char root[64];

	snprintf(root, sizeof(root), "/tmp/husk-%u", c->uid);
	check_default_root(c, &o, root);
}
