/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/cgroup/control.c (and cgroup_procs_fds()) against fake trees: a
 * cgroup opened again from its record (which must point below a cgroup
 * mount), freezing through v1's freezer.state and cgroup2's cgroup.freeze,
 * the pids of nested cgroups, the cgroup.procs fds of `husk exec`, and
 * removal.  A fake tree has no kernel behind it: freezer.state reads back
 * what was written, cgroup.events says what the test put there, and rmdir
 * works only on directories that hold no files.
 */
#include "test_cgroup_manager.h"

static void setup_v2(void)
{
	fake_host(FAKE_V2, "/");
}

static void setup_hybrid(void)
{
	fake_host(FAKE_HYBRID, "/");
}

TestSuite(cgroup_manager_control, .init = setup_hybrid, .fini = fake_teardown);
TestSuite(cgroup_manager_control_v2, .init = setup_v2, .fini = fake_teardown);

#define CG "sys/fs/cgroup/"

/* A record's directory: rel below root, or "=dir" as it is. */
static char *rec_dir(const char *rel)
{
	return rel[0] == '=' ? xstrdup(rel + 1) : at(rel);
}

/* cgroup_open() of name/rel pairs (NULL-terminated). */
static int open_rec(const char *const *pairs, struct cgroup **cg, struct husk_error *err)
{
	struct husk_kv dirs[8] = { 0 };
	size_t n = 0;
	int r;

	for (; pairs[0]; pairs += 2, n++) {
		dirs[n].key = (char *)pairs[0];
		dirs[n].value = rec_dir(pairs[1]);
	}
	r = cgroup_open(dirs, n, NULL, cg, err);
	for (size_t i = 0; i < n; i++)
		free(dirs[i].value);
	return r;
}

static struct cgroup *open_ok(const char *const *pairs)
{
	struct husk_error err = { 0 };
	struct cgroup *cg = NULL;

	cr_assert_eq(open_rec(pairs, &cg, &err), 0, "cgroup_open: %s", err.msg);
	return cg;
}

#define PAIRS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* ---- open --------------------------------------------------------------------------- */

static void open_refused(const char *key, const char *dir)
{
	struct husk_error err = { 0 };
	struct cgroup *cg = NULL;
	_cleanup_free_ char *full = rec_dir(dir);
	_cleanup_free_ char *want = xasprintf("state.json: cgroupDirs.%s: \"%s\" is not a cgroup "
					      "of this host", key, full);

	cr_assert_eq(open_rec(PAIRS(key, dir), &cg, &err), -EPERM, "%s", dir);
	cr_assert_null(cg);
	cr_assert_str_eq(err.msg, want);
}

Test(cgroup_manager_control, open_refuses_what_is_no_cgroup)
{
	mkdir_at(CG "memoryX/c");
	open_refused("memory", "=/etc");
	open_refused("memory", "=sys/fs/cgroup/memory/c");     /* relative */
	open_refused("memory", "=");
	open_refused("memory", CG "memoryX/c");                /* a sibling of the mount */
	open_refused("memory", CG "memory");                   /* the hierarchy's root */
	open_refused("memory", CG "memory/../../../../etc");
	open_refused("memory", CG "memory/c/..");
	open_refused("unified", CG "unified/./c");
	open_refused("unified", CG "systemd/c");               /* no controller's mount */
}

Test(cgroup_manager_control, open_skips_what_is_gone)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL, *none = NULL, *empty = NULL;
	_cleanup_free_ char *u = at(CG "unified/c/d");

	mkdir_at(CG "unified/c/d");
	mkdir_at(CG "pids/c/d");
	cg = open_ok(PAIRS("memory", CG "memory/c/d", "unified", CG "unified/c/d", "pids",
			   CG "pids/c/d"));
	cr_assert(cgroup_exists(cg));
	assert_dir(cg, "memory", NULL);
	assert_dir(cg, "unified", CG "unified/c/d");
	assert_dir(cg, "pids", CG "pids/c/d");
	cr_assert_str_eq(cgroup_path(cg), "/c/d", "inside the hierarchy");
	none = open_ok(PAIRS("memory", CG "memory/gone"));
	cr_assert_not(cgroup_exists(none));
	cr_assert_null(cgroup_path(none));
	cr_assert_eq(cgroup_open(NULL, 0, NULL, &empty, NULL), 0);
	cr_assert_not(cgroup_exists(empty));
}

/* ---- freezing --------------------------------------------------------------------------- */

Test(cgroup_manager_control, freeze_through_the_v1_freezer)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	struct husk_error err = { 0 };

	put(CG "freezer/c/freezer.state", "THAWED\n");
	put(CG "unified/c/cgroup.freeze", "0\n");
	cg = open_ok(PAIRS("unified", CG "unified/c", "freezer", CG "freezer/c"));
	cr_assert_eq(cgroup_freezer_state(cg), CGROUP_THAWED);
	cr_assert_eq(cgroup_freeze(cg, true, &err), 0, "%s", err.msg);
	assert_file(CG "freezer/c/freezer.state", "FROZEN\n");
	assert_file(CG "unified/c/cgroup.freeze", "0\n");       /* v1's freezer wins */
	cr_assert_eq(cgroup_freezer_state(cg), CGROUP_FROZEN);
	cr_assert_eq(cgroup_freeze(cg, false, &err), 0, "%s", err.msg);
	assert_file(CG "freezer/c/freezer.state", "THAWED\n");
	cr_assert_eq(cgroup_freezer_state(cg), CGROUP_THAWED);
}

Test(cgroup_manager_control_v2, freeze_through_cgroup_freeze)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	struct husk_error err = { 0 };

	put(CG "c/cgroup.freeze", "0\n");
	put(CG "c/cgroup.events", "populated 1\nfrozen 1\n");   /* what the kernel will say */
	cg = open_ok(PAIRS("unified", CG "c"));
	cr_assert_eq(cgroup_freezer_state(cg), CGROUP_THAWED);
	cr_assert_eq(cgroup_freeze(cg, true, &err), 0, "%s", err.msg);
	assert_file(CG "c/cgroup.freeze", "1\n");
	cr_assert_eq(cgroup_freezer_state(cg), CGROUP_FROZEN);
	put(CG "c/cgroup.events", "populated 1\nfrozen 0\n");
	cr_assert_eq(cgroup_freeze(cg, false, &err), 0, "%s", err.msg);
	assert_file(CG "c/cgroup.freeze", "0\n");
	cr_assert_eq(cgroup_freezer_state(cg), CGROUP_THAWED);
}

/* The kernel never says frozen: an error after the wait, naming the file. */
Test(cgroup_manager_control_v2, freeze_that_never_happens_times_out, .timeout = 30)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	struct husk_error err = { 0 };
	_cleanup_free_ char *want = NULL;

	put(CG "c/cgroup.freeze", "0\n");
	put(CG "c/cgroup.events", "populated 1\nfrozen 0\n");
	cg = open_ok(PAIRS("unified", CG "c"));
	want = xasprintf("%s/" CG "c/cgroup.freeze did not become frozen within 5000 ms", root);
	cr_assert_eq(cgroup_freeze(cg, true, &err), -ETIMEDOUT);
	cr_assert_str_eq(err.msg, want);
}

Test(cgroup_manager_control, no_cgroup_no_freezer)
{
	_cleanup_cgroup_ struct cgroup *cg = open_ok(PAIRS("freezer", CG "freezer/gone"));
	struct husk_error err = { 0 };

	cr_assert_eq(cgroup_freezer_state(cg), CGROUP_FREEZER_NONE);
	cr_assert_eq(cgroup_freeze(cg, true, &err), -ENOENT);
	cr_assert_str_eq(err.msg, "the container has no cgroup (rootless without a delegated "
			 "cgroup): pause needs the freezer");
	cr_assert_eq(cgroup_freeze(cg, false, &err), -ENOENT);
	cr_assert(strstr(err.msg, "resume needs the freezer"), "%s", err.msg);
}

/* ---- processes ------------------------------------------------------------------------- */

Test(cgroup_manager_control, pids_of_nested_cgroups_sorted)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	_cleanup_free_ pid_t *pids = NULL;
	struct husk_error err = { 0 };
	size_t n = 0;

	put(CG "unified/c/cgroup.procs", "300\n10\n");
	put(CG "unified/c/a/cgroup.procs", "20\n");
	put(CG "unified/c/a/b/cgroup.procs", "5\n7\n");
	mkdir_at(CG "unified/c/empty");                         /* no cgroup.procs: none */
	put(CG "pids/c/cgroup.procs", "999\n");                 /* unified is asked first */
	cg = open_ok(PAIRS("pids", CG "pids/c", "unified", CG "unified/c"));
	cr_assert_eq(cgroup_pids(cg, &pids, &n, &err), 0, "%s", err.msg);
	cr_assert_eq(n, 5);
	cr_assert_arr_eq(pids, ((pid_t[]){ 5, 7, 10, 20, 300 }), 5 * sizeof(pid_t));
}

Test(cgroup_manager_control, pids_of_no_cgroup_are_none)
{
	_cleanup_cgroup_ struct cgroup *cg = open_ok(PAIRS("pids", CG "pids/gone"));
	pid_t *pids = (pid_t *)1;
	size_t n = 1;

	cr_assert_eq(cgroup_pids(cg, &pids, &n, NULL), 0);
	cr_assert_null(pids);
	cr_assert_eq(n, 0);
}

/* Each fd writes to a cgroup.procs of the container's cgroup, in record order. */
static void assert_fds_write_to(int *fds, size_t n, const char *const *rels)
{
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(write(fds[i], "0", 1), 1);
		close(fds[i]);
		assert_file(rels[i], "0");
	}
}

Test(cgroup_manager_control, procs_fds_of_every_hierarchy)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	_cleanup_free_ int *fds = NULL;
	struct husk_error err = { 0 };
	size_t n = 0;

	put(CG "unified/c/cgroup.procs", "");
	put(CG "memory/c/cgroup.procs", "");
	cg = open_ok(PAIRS("unified", CG "unified/c", "memory", CG "memory/c"));
	cr_assert_eq(cgroup_procs_fds(cg, NULL, &fds, &n, &err), 0, "%s", err.msg);
	cr_assert_eq(n, 2);
	assert_fds_write_to(fds, n, PAIRS(CG "unified/c/cgroup.procs", CG "memory/c/cgroup.procs"));
}

Test(cgroup_manager_control, procs_fds_of_a_sub_cgroup)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	_cleanup_free_ int *fds = NULL;
	struct husk_error err = { 0 };
	size_t n = 0;

	put(CG "unified/c/s/cgroup.procs", "");
	put(CG "memory/c/s/cgroup.procs", "");
	cg = open_ok(PAIRS("unified", CG "unified/c", "memory", CG "memory/c"));
	cr_assert_eq(cgroup_procs_fds(cg, "s", &fds, &n, &err), 0, "%s", err.msg);
	cr_assert_eq(n, 2);
	assert_fds_write_to(fds, n, PAIRS(CG "unified/c/s/cgroup.procs",
					  CG "memory/c/s/cgroup.procs"));
}

/* A sub-cgroup that is not there is made (the kernel would fill it; a fake tree cannot). */
Test(cgroup_manager_control, procs_fds_make_the_sub_cgroup)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	int *fds = NULL;
	struct husk_error err = { 0 };
	size_t n = 0;
	_cleanup_free_ char *want = NULL;

	mkdir_at(CG "unified/c");
	cg = open_ok(PAIRS("unified", CG "unified/c"));
	cr_assert_eq(cgroup_procs_fds(cg, "/new", &fds, &n, &err), -ENOENT);
	cr_assert(is_dir_at(CG "unified/c/new"), "made");
	want = xasprintf("open %s/" CG "unified/c/new/cgroup.procs, to put the exec'd process in "
			 "the container's cgroup: No such file or directory", root);
	cr_assert_str_eq(err.msg, want);
	cr_assert_null(fds);
	cr_assert_eq(n, 0);
}

/* --cgroup a/b makes both levels. */
Test(cgroup_manager_control, procs_fds_make_nested_sub_cgroups)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	_cleanup_free_ int *fds = NULL;
	struct husk_error err = { 0 };
	size_t n = 0;

	mkdir_at(CG "unified/c");
	cg = open_ok(PAIRS("unified", CG "unified/c"));
	cr_assert_eq(cgroup_procs_fds(cg, "a/b", &fds, &n, &err), -ENOENT, "%s", err.msg);
	cr_assert(is_dir_at(CG "unified/c/a/b"), "both levels made");
}

Test(cgroup_manager_control, procs_fds_sub_cgroup_stays_inside)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	int *fds = NULL;
	struct husk_error err = { 0 };
	size_t n = 0;

	mkdir_at(CG "unified/c");
	cg = open_ok(PAIRS("unified", CG "unified/c"));
	cr_assert_eq(cgroup_procs_fds(cg, "../x", &fds, &n, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "--cgroup: \"../x\" has a \"..\" component: the process's "
			 "cgroup must be below the container's");
	cr_assert_not(exists_at(CG "unified/x"));
	cr_assert_null(fds);
}

/* "/" is the container's cgroup itself, not the cgroup root. */
Test(cgroup_manager_control, procs_fds_sub_cgroup_slash_is_the_container)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	_cleanup_free_ int *fds = NULL;
	struct husk_error err = { 0 };
	size_t n = 0;

	put(CG "unified/c/cgroup.procs", "");
	cg = open_ok(PAIRS("unified", CG "unified/c"));
	cr_assert_eq(cgroup_procs_fds(cg, "//", &fds, &n, &err), 0, "%s", err.msg);
	cr_assert_eq(n, 1);
	assert_fds_write_to(fds, n, PAIRS(CG "unified/c/cgroup.procs"));
}

/* A v1 cpuset sub-cgroup is filled from the container's cgroup before use. */
Test(cgroup_manager_control, procs_fds_fill_a_v1_cpuset)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	_cleanup_free_ int *fds = NULL;
	struct husk_error err = { 0 };
	size_t n = 0;

	put(CG "cpuset/c/cpuset.cpus", "1\n");
	put(CG "cpuset/c/cpuset.mems", "0\n");
	put(CG "cpuset/c/s/cpuset.cpus", "");
	put(CG "cpuset/c/s/cpuset.mems", "");
	put(CG "cpuset/c/s/cgroup.procs", "");
	put("proc/self/cgroup", "9:cpuset:/\n0::/\n");
	reread();
	cg = open_ok(PAIRS("cpuset", CG "cpuset/c"));
	cr_assert_eq(cgroup_procs_fds(cg, "s", &fds, &n, &err), 0, "%s", err.msg);
	cr_assert_eq(n, 1);
	close(fds[0]);
	assert_file(CG "cpuset/c/s/cpuset.cpus", "1\n");
	assert_file(CG "cpuset/c/s/cpuset.mems", "0\n");
}

/* ---- removal ------------------------------------------------------------------------------ */

Test(cgroup_manager_control, destroy_removes_sub_cgroups_deepest_first)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	struct husk_error err = { 0 };

	mkdir_at(CG "unified/c/a/b/d");
	mkdir_at(CG "unified/c/e");
	mkdir_at(CG "memory/c");
	cg = open_ok(PAIRS("unified", CG "unified/c", "memory", CG "memory/c"));
	cr_assert_eq(cgroup_destroy(cg, &err), 0, "%s", err.msg);
	cr_assert_not(exists_at(CG "unified/c"));
	cr_assert_not(exists_at(CG "memory/c"));
	cr_assert(is_dir_at(CG "unified"), "the hierarchy stays");
	cr_assert_eq(cgroup_destroy(cg, &err), 0, "gone already: 0");
}

Test(cgroup_manager_control, destroy_of_no_cgroup_is_nothing)
{
	_cleanup_cgroup_ struct cgroup *cg = open_ok(PAIRS("memory", CG "memory/gone"));
	struct husk_error err = { 0 };

	cr_assert_eq(cgroup_destroy(cg, &err), 0, "%s", err.msg);
}

/* What cannot be removed is an error naming the directory. */
Test(cgroup_manager_control, destroy_failure_names_the_directory)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	struct husk_error err = { 0 };
	_cleanup_free_ char *want = NULL;

	mkdir_at(CG "memory/c/sub");
	put(CG "memory/c/not-a-cgroup-file", "x");
	cg = open_ok(PAIRS("memory", CG "memory/c"));
	want = xasprintf("remove the container's cgroup: rmdir %s/" CG "memory/c: Directory not "
			 "empty", root);
	cr_assert_eq(cgroup_destroy(cg, &err), -ENOTEMPTY);
	cr_assert_str_eq(err.msg, want);
	cr_assert_not(exists_at(CG "memory/c/sub"), "the sub-cgroup went first");
}
