/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/cgroup/cgroup.c's cgroup_enter() and cgroup_update(), and apply.c,
 * against fake trees: the pid in every cgroup.procs, each limit written
 * with the plan's value where its controller is (cgroup2 when the
 * container's cgroup.controllers lists it, else the v1 hierarchy), the
 * alternative and optional files, a missing controller (an error as root,
 * the notice rootless), checkBeforeUpdate and device rules on update.
 * The kernel makes a cgroup's files; here the test does, after create.
 */
#include "test_cgroup_manager.h"

static void setup_v2(void)
{
	fake_host(FAKE_V2, "/");
}

static void setup_v1(void)
{
	fake_host(FAKE_V1, "/");
}

static void setup_hybrid(void)
{
	fake_host(FAKE_HYBRID, "/");
}

TestSuite(cgroup_manager_apply, .init = setup_v2, .fini = fake_teardown);
TestSuite(cgroup_manager_apply_v1, .init = setup_v1, .fini = fake_teardown);
TestSuite(cgroup_manager_apply_hybrid, .init = setup_hybrid, .fini = fake_teardown);

#define U "sys/fs/cgroup/husk-t/"           /* the container's cgroup, v2 */
#define HU "sys/fs/cgroup/unified/husk-t/"  /* hybrid's cgroup2 one */
#define MEM "sys/fs/cgroup/memory/husk-t/"
#define PIDS "sys/fs/cgroup/pids/husk-t/"
#define HUGE "sys/fs/cgroup/hugetlb/husk-t/"

static struct husk_resources *R;

/* The container's cgroup for the limits `json` (rootless or not), made. */
static struct cgroup *make(const char *json, bool rootless)
{
	R = json ? resources(json) : NULL;
	return create_ok(&(struct cgroup_opts){ .id = "t", .resources = R,
						.rootless = rootless });
}

static void done(void)
{
	spec_resources_free(R);
	R = NULL;
}

static int enter(struct cgroup *cg, bool placed, struct husk_error *err)
{
	return cgroup_enter(cg, 4242, placed, err);
}

static void enter_ok(struct cgroup *cg, bool placed)
{
	struct husk_error err = { 0 };

	cr_assert_eq(enter(cg, placed, &err), 0, "cgroup_enter: %s", err.msg);
}

static int update(struct cgroup *cg, const char *json, struct husk_error *err)
{
	_cleanup_resources_ struct husk_resources *r = resources(json);

	return cgroup_update(cg, r, err);
}

/* ---- v2 ---------------------------------------------------------------------------- */

Test(cgroup_manager_apply, pid_and_limits_in_the_cgroup2_directory)
{
	_cleanup_cgroup_ struct cgroup *cg =
		make("{\"memory\":{\"limit\":1048576,\"reservation\":524288},"
		     "\"pids\":{\"limit\":10},\"unified\":{\"memory.high\":\"2M\"}}", false);

	put(U "cgroup.procs", "");
	put(U "cgroup.controllers", "memory pids\n");
	put(U "memory.max", "");
	put(U "memory.low", "");
	put(U "memory.high", "");
	put(U "pids.max", "");
	enter_ok(cg, false);
	assert_file(U "cgroup.procs", "4242");
	assert_file(U "memory.max", "1048576");
	assert_file(U "memory.low", "524288");
	assert_file(U "memory.high", "2M");
	assert_file(U "pids.max", "10");
	cr_assert_null(cgroup_notice(cg));
	done();
}

/* clone3 put the process in the cgroup2 directory already. */
Test(cgroup_manager_apply, placed_is_not_moved_again)
{
	_cleanup_cgroup_ struct cgroup *cg = make(NULL, false);

	put(U "cgroup.procs", "");
	enter_ok(cg, true);
	assert_file(U "cgroup.procs", "");
}

/* io.bfq.weight where the kernel has it, else io.weight with the converted value. */
Test(cgroup_manager_apply, weight_goes_to_the_alternative_file)
{
	_cleanup_cgroup_ struct cgroup *cg = make("{\"blockIO\":{\"weight\":500}}", false);

	put(U "cgroup.procs", "");
	put(U "cgroup.controllers", "io\n");
	put(U "io.weight", "");
	enter_ok(cg, false);
	assert_file(U "io.weight", "4950");
	cr_assert_not(exists_at(U "io.bfq.weight"));
	put(U "io.bfq.weight", "");
	put(U "io.weight", "");
	enter_ok(cg, false);
	assert_file(U "io.bfq.weight", "500");
	assert_file(U "io.weight", "");
	done();
}

/* memory -1: swap "max" too, skipped where there is no swap accounting. */
Test(cgroup_manager_apply, optional_missing_file_is_skipped)
{
	_cleanup_cgroup_ struct cgroup *cg = make("{\"memory\":{\"limit\":-1}}", false);

	put(U "cgroup.procs", "");
	put(U "cgroup.controllers", "memory\n");
	put(U "memory.max", "");
	enter_ok(cg, false);
	assert_file(U "memory.max", "max");
	cr_assert_not(exists_at(U "memory.swap.max"));
	put(U "memory.swap.max", "");
	enter_ok(cg, false);
	assert_file(U "memory.swap.max", "max");
	done();
}

Test(cgroup_manager_apply, missing_file_names_field_and_file)
{
	_cleanup_cgroup_ struct cgroup *cg = make("{\"pids\":{\"limit\":10}}", false);
	struct husk_error err = { 0 };
	_cleanup_free_ char *want = xasprintf("config.json: .linux.resources.pids.limit: open "
					      "%s/" U "pids.max", root);

	put(U "cgroup.procs", "");
	put(U "cgroup.controllers", "pids\n");
	cr_assert_eq(enter(cg, false, &err), -ENOENT);
	cr_assert(str_has_prefix(err.msg, want), "%s", err.msg);
	done();
}

Test(cgroup_manager_apply, missing_controller_is_an_error_as_root)
{
	_cleanup_cgroup_ struct cgroup *one = make("{\"cpu\":{\"shares\":512}}", false);
	struct husk_error err = { 0 };

	put(U "cgroup.procs", "");
	put(U "cgroup.controllers", "memory pids\n");
	cr_assert_eq(enter(one, false, &err), -ENOENT);
	cr_assert_str_eq(err.msg, "config.json: .linux.resources: the container's cgroup /husk-t "
			 "has no cpu controller (enable it in the parent's cgroup.subtree_control "
			 "or mount its v1 hierarchy, or drop those limits)");
	done();
}

Test(cgroup_manager_apply, missing_controllers_are_named_together)
{
	_cleanup_cgroup_ struct cgroup *cg =
		make("{\"cpu\":{\"shares\":512},\"blockIO\":{\"weight\":100}}", false);
	struct husk_error err = { 0 };

	put(U "cgroup.procs", "");
	cr_assert_eq(enter(cg, false, &err), -ENOENT);
	cr_assert_str_eq(err.msg, "config.json: .linux.resources: the container's cgroup /husk-t "
			 "has no cpu, blkio controllers (enable them in the parent's "
			 "cgroup.subtree_control or mount their v1 hierarchies, or drop those "
			 "limits)");
	done();
}

/* Rootless, what the delegation lacks is left out and said; the rest applies. */
Test(cgroup_manager_apply, missing_controller_is_a_notice_rootless)
{
	_cleanup_cgroup_ struct cgroup *cg =
		make("{\"cpu\":{\"shares\":512},\"pids\":{\"limit\":10}}", true);
	_cleanup_free_ char *want = xasprintf("cpu: the controller is not delegated to %s/"
					      "sys/fs/cgroup/husk-t (not applied)", root);

	put(U "cgroup.procs", "");
	put(U "cgroup.controllers", "pids\n");
	put(U "pids.max", "");
	enter_ok(cg, false);
	cr_assert_str_eq(cgroup_notice(cg), want);
	assert_file(U "pids.max", "10");
	assert_file(U "cgroup.procs", "4242");
	done();
}

Test(cgroup_manager_apply, update_writes_only_what_is_given)
{
	_cleanup_cgroup_ struct cgroup *cg = make(NULL, false);
	struct husk_error err = { 0 };

	put(U "cgroup.controllers", "memory pids\n");
	put(U "memory.max", "");
	put(U "pids.max", "");
	cr_assert_eq(update(cg, "{\"pids\":{\"limit\":99}}", &err), 0, "%s", err.msg);
	assert_file(U "pids.max", "99");
	assert_file(U "memory.max", "");
}

Test(cgroup_manager_apply, update_refuses_device_rules)
{
	_cleanup_cgroup_ struct cgroup *cg = make(NULL, false);
	struct husk_error err = { 0 };

	cr_assert_eq(update(cg, "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}", &err),
		     -EINVAL);
	cr_assert_str_eq(err.msg, ".linux.resources.devices: device rules cannot change on a "
			 "running container (as with runc): recreate it");
}

Test(cgroup_manager_apply, check_before_update_reads_memory_current)
{
	_cleanup_cgroup_ struct cgroup *cg = make(NULL, false);
	struct husk_error err = { 0 };
	_cleanup_free_ char *want = xasprintf(".linux.resources.memory.limit: 1048576 is below "
					      "the 5000000 bytes the container uses now (%s/" U
					      "memory.current), and checkBeforeUpdate is set", root);

	put(U "cgroup.controllers", "memory\n");
	put(U "memory.current", "5000000\n");
	put(U "memory.max", "");
	cr_assert_eq(update(cg, "{\"memory\":{\"limit\":1048576,\"checkBeforeUpdate\":true}}",
			    &err), -EBUSY);
	cr_assert_str_eq(err.msg, want);
	assert_file(U "memory.max", "");
	/* Without the check, or above the usage, it is written. */
	cr_assert_eq(update(cg, "{\"memory\":{\"limit\":1048576}}", &err), 0, "%s", err.msg);
	assert_file(U "memory.max", "1048576");
	cr_assert_eq(update(cg, "{\"memory\":{\"limit\":8000000,\"checkBeforeUpdate\":true}}",
			    &err), 0, "%s", err.msg);
	assert_file(U "memory.max", "8000000");
}

/* Rootless without a cgroup: nothing to update, and enter has nothing to do. */
static char *no_cgroup_line(void)
{
	_cleanup_resources_ struct husk_resources *r = resources("{\"pids\":{\"limit\":10}}");
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	struct husk_error err = { 0 };
	int c, e, u;

	c = cgroup_create(&(struct cgroup_opts){ .id = "t", .rootless = true, .resources = r },
			  &cg, &err);
	if (c < 0)
		return xasprintf("create: %s", err.msg);
	e = cgroup_enter(cg, 4242, false, &err);
	u = cgroup_update(cg, r, &err);
	return xasprintf("%d %d %s", e, u, err.msg);
}

Test(cgroup_manager_apply, rootless_without_cgroup_cannot_update)
{
	_cleanup_free_ char *line = as_nobody(no_cgroup_line);
	_cleanup_free_ char *want = xasprintf("0 %d container \"t\" has no cgroup (rootless "
					      "without a delegated cgroup), so its limits "
					      "cannot change", -ENOENT);

	cr_assert_str_eq(line, want);
}

/* ---- v1 and hybrid ------------------------------------------------------------------ */

static void procs_everywhere(bool hybrid)
{
	static const char *const dirs[] = { "memory", "cpu,cpuacct", "pids", "freezer",
					    "hugetlb", NULL };

	for (size_t i = 0; dirs[i]; i++) {
		_cleanup_free_ char *rel = xasprintf("sys/fs/cgroup/%s/husk-t/cgroup.procs",
						     dirs[i]);

		put(rel, "");
	}
	if (hybrid)
		put(HU "cgroup.procs", "");
}

Test(cgroup_manager_apply_v1, pid_and_limits_in_each_hierarchy)
{
	_cleanup_cgroup_ struct cgroup *cg =
		make("{\"memory\":{\"limit\":1048576},\"pids\":{\"limit\":10}}", false);

	procs_everywhere(false);
	put(MEM "memory.limit_in_bytes", "");
	put(PIDS "pids.max", "");
	enter_ok(cg, true);     /* placed means nothing without cgroup2 */
	assert_file(MEM "cgroup.procs", "4242");
	assert_file("sys/fs/cgroup/cpu,cpuacct/husk-t/cgroup.procs", "4242");
	assert_file(PIDS "cgroup.procs", "4242");
	assert_file("sys/fs/cgroup/freezer/husk-t/cgroup.procs", "4242");
	assert_file(MEM "memory.limit_in_bytes", "1048576");
	assert_file(PIDS "pids.max", "10");
	done();
}

/* v1 has no .unified: an error naming the field, as the plan says. */
Test(cgroup_manager_apply_v1, unified_is_refused)
{
	_cleanup_cgroup_ struct cgroup *cg = make("{\"unified\":{\"memory.high\":\"1M\"}}", false);
	struct husk_error err = { 0 };

	procs_everywhere(false);
	cr_assert_lt(enter(cg, false, &err), 0);
	cr_assert(strstr(err.msg, ".linux.resources.unified"), "%s", err.msg);
	done();
}

Test(cgroup_manager_apply_v1, check_before_update_reads_usage_in_bytes)
{
	_cleanup_cgroup_ struct cgroup *cg = make(NULL, false);
	struct husk_error err = { 0 };

	put(MEM "memory.usage_in_bytes", "5000000\n");
	put(MEM "memory.limit_in_bytes", "");
	cr_assert_eq(update(cg, "{\"memory\":{\"limit\":1048576,\"checkBeforeUpdate\":true}}",
			    &err), -EBUSY);
	cr_assert(str_has_prefix(err.msg, ".linux.resources.memory.limit: 1048576 is below the "
				 "5000000 bytes"), "%s", err.msg);
	cr_assert(strstr(err.msg, MEM "memory.usage_in_bytes"), "%s", err.msg);
	assert_file(MEM "memory.limit_in_bytes", "");
}

/* hugetlb is in the cgroup2 hierarchy here: it is written there, memory in v1. */
Test(cgroup_manager_apply_hybrid, each_group_where_its_controller_is)
{
	_cleanup_cgroup_ struct cgroup *cg = make(
		"{\"memory\":{\"limit\":1048576},"
		"\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}]}", false);

	procs_everywhere(true);
	put(HU "cgroup.controllers", "hugetlb\n");
	put(HU "hugetlb.2MB.max", "");
	put(MEM "memory.limit_in_bytes", "");
	enter_ok(cg, false);
	assert_file(HU "cgroup.procs", "4242");
	assert_file(MEM "cgroup.procs", "4242");
	assert_file(HU "hugetlb.2MB.max", "4194304");
	assert_file(MEM "memory.limit_in_bytes", "1048576");
	cr_assert_not(exists_at(HUGE "hugetlb.2MB.limit_in_bytes"));
	done();
}

Test(cgroup_manager_apply_hybrid, v1_when_cgroup2_lacks_the_controller)
{
	_cleanup_cgroup_ struct cgroup *cg = make(
		"{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}]}", false);

	procs_everywhere(true);
	put(HU "cgroup.controllers", "\n");
	put(HUGE "hugetlb.2MB.limit_in_bytes", "");
	enter_ok(cg, true);
	assert_file(HU "cgroup.procs", "");     /* placed: cgroup2 skipped */
	assert_file(HUGE "cgroup.procs", "4242");
	assert_file(HUGE "hugetlb.2MB.limit_in_bytes", "4194304");
	done();
}

/* Rootless on a hybrid host (--rootless true as root): cgroup2 only, v1 limits said. */
Test(cgroup_manager_apply_hybrid, rootless_v1_limits_are_the_notice)
{
	_cleanup_cgroup_ struct cgroup *cg =
		make("{\"memory\":{\"limit\":1048576},\"pids\":{\"limit\":10}}", true);

	assert_dir(cg, "unified", "sys/fs/cgroup/unified/husk-t");
	assert_dir(cg, "memory", NULL);
	put(HU "cgroup.procs", "");
	put(HU "cgroup.controllers", "hugetlb\n");
	enter_ok(cg, false);
	cr_assert_str_eq(cgroup_notice(cg), "memory, pids: cgroup v1 has no delegation to uid 0 "
			 "(not applied)");
	cr_assert_not(exists_at(MEM));
	done();
}
