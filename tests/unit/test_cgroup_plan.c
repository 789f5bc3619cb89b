/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroup plans as data: a config's linux.resources in, the ordered
 * list of file writes (file, value, the JSON path that set it, the retry
 * and alternative flags) and notes out, on cgroup v1 and v2.  No file is
 * touched.  Configs go through the real parser; a value the parser would
 * refuse (but `husk update` could still bring) is set in the parsed struct.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cgroup/cgroup-internal.h"
#include "husk/spec.h"
#include "husk/util.h"
#include "test_spec_util.h"

#define ALL ((1u << CG_GROUP_COUNT) - 1)
#define BIT(g) (1u << (g))
#define J ".linux.resources."
#define E "config.json: .linux.resources."

static struct husk_spec *S;
static struct cg_plan P;

static struct husk_resources *res(void)
{
	cr_assert_not_null(S->linux_);
	cr_assert_not_null(S->linux_->resources);
	return S->linux_->resources;
}

static int run(int v, const struct husk_resources *r, unsigned groups, bool update,
	       struct cg_plan *p, struct husk_error *err)
{
	return v == 2 ? cg2_plan(r, groups, update, p, err) : cg1_plan(r, groups, update, p, err);
}

/* Plan the parsed config S on version v into P (freed first). */
static void plan_g(int v, unsigned groups, bool update)
{
	struct husk_error err = { 0 };
	int ret;

	cg_plan_free(&P);
	ret = run(v, res(), groups, update, &P, &err);
	cr_assert_eq(ret, 0, "cg%d_plan failed: %s", v, err.msg);
}

static void plan(int v)
{
	plan_g(v, ALL, false);
}

static void load(const char *text)
{
	spec_free(S);
	S = parse_ok(text);
}

static void done(void)
{
	cg_plan_free(&P);
	spec_free(S);
	S = NULL;
}

/* The plan as text, for failure messages. */
static char *dump(const struct cg_plan *p)
{
	char buf[4096];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->n && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, "[%zu] %s=\"%s\" (%s)%s%s\n", i,
				p->w[i].file, p->w[i].value, p->w[i].json_path,
				p->w[i].retry_after_next ? " retry" : "",
				p->w[i].optional ? " optional" : "");
	for (size_t i = 0; p->notes && p->notes[i] && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, "note: %s\n", p->notes[i]);
	return xstrdup(buf);
}

struct want {
	const char *file, *value, *json;
};

static void expect(const struct cg_plan *p, const struct want *w, size_t n)
{
	_cleanup_free_ char *d = dump(p);

	cr_assert_eq(p->n, n, "expected %zu writes, got:\n%s", n, d);
	for (size_t i = 0; i < n; i++) {
		cr_assert_str_eq(p->w[i].file, w[i].file, "write %zu:\n%s", i, d);
		cr_assert_str_eq(p->w[i].value, w[i].value, "write %zu:\n%s", i, d);
		cr_assert_str_eq(p->w[i].json_path, w[i].json, "write %zu:\n%s", i, d);
	}
}
#define EXPECT(p, ...)                                                  \
	do {                                                            \
		const struct want w_[] = { __VA_ARGS__ };               \
		expect(p, w_, ARRAY_SIZE(w_));                          \
	} while (0)
#define EXPECT_NONE(p) expect(p, NULL, 0)

static size_t n_notes(const struct cg_plan *p)
{
	return strv_length(p->notes);
}

static bool has_note(const struct cg_plan *p, const char *prefix)
{
	for (size_t i = 0; p->notes && p->notes[i]; i++)
		if (str_has_prefix(p->notes[i], prefix))
			return true;
	return false;
}

/* The plan fails with exactly this errno and message, and leaves nothing. */
static void fails(int v, unsigned groups, int errnum, const char *msg)
{
	struct husk_error err = { 0 };
	struct cg_plan p;
	int ret;

	ret = run(v, res(), groups, false, &p, &err);
	cr_assert_eq(ret, -errnum, "cg%d_plan returned %d (%s), expected %d", v, ret, err.msg,
		     -errnum);
	cr_assert_str_eq(err.msg, msg);
	cr_assert_eq(p.n, 0);
	cr_assert_null(p.w);
	cr_assert_null(p.notes);
}

/* ---- groups ------------------------------------------------------------------- */

Test(cgroup_plan, group_names_per_version)
{
	cr_assert_str_eq(cg_group_v1_name(CG_BLKIO), "blkio");
	cr_assert_str_eq(cg_group_v2_name(CG_BLKIO), "io");
	cr_assert_str_eq(cg_group_v1_name(CG_CPUSET), "cpuset");
	cr_assert_str_eq(cg_group_v2_name(CG_MEMORY), "memory");
	cr_assert_str_eq(cg_group_v1_name(CG_NET_CLS), "net_cls");
	cr_assert_null(cg_group_v2_name(CG_NET_CLS));
	cr_assert_null(cg_group_v2_name(CG_NET_PRIO));
	cr_assert_str_eq(cg_group_v1_name(CG_UNIFIED), "unified");
	cr_assert_str_eq(cg_group_json_path(CG_HUGETLB), ".linux.resources.hugepageLimits");
	cr_assert_str_eq(cg_group_json_path(CG_DEVICES), ".linux.resources.devices");
	cr_assert_null(cg_group_v1_name(CG_GROUP_COUNT));
	cr_assert_null(cg_group_json_path((enum cg_group)-1));
	for (int g = 0; g < CG_GROUP_COUNT; g++) {
		cr_assert_not_null(cg_group_v1_name(g), "group %d", g);
		cr_assert(str_has_prefix(cg_group_json_path(g), ".linux.resources."), "group %d", g);
	}
}

Test(cgroup_plan, groups_used_are_what_would_be_written)
{
	cr_assert_eq(cg_groups_used(NULL), 0);
	load(RES("'memory':{'kernel':1048576,'limit':0},'cpu':{'cpus':'','shares':0}"));
	cr_assert_eq(cg_groups_used(res()), 0, "kernel limits and zeros ask for nothing");
	load(RES("'memory':{'limit':1048576},'cpu':{'cpus':'0','quota':50000},"
		 "'pids':{'limit':10},'devices':[{'allow':false}]"));
	cr_assert_eq(cg_groups_used(res()), BIT(CG_MEMORY) | BIT(CG_CPU) | BIT(CG_CPUSET) |
		     BIT(CG_PIDS) | BIT(CG_DEVICES));
	/* v1-only and v2-only groups count: one version has writes for them. */
	load(RES("'network':{'classID':1},'unified':{'memory.high':'1'},"
		 "'hugepageLimits':[{'pageSize':'2MB','limit':0}],'rdma':{'mlx5_0':{'hcaHandles':1}},"
		 "'blockIO':{'weight':100}"));
	cr_assert_eq(cg_groups_used(res()), BIT(CG_NET_CLS) | BIT(CG_UNIFIED) | BIT(CG_HUGETLB) |
		     BIT(CG_RDMA) | BIT(CG_BLKIO));
	/* A value a plan refuses marks its group, so the error is not skipped with it. */
	load(RES("'cpu':{'shares':1024}"));
	res()->cpu->shares.value = 1;
	cr_assert_eq(cg_groups_used(res()), BIT(CG_CPU));
	done();
}

Test(cgroup_plan, no_resources_is_an_empty_plan)
{
	struct husk_error err = { 0 };
	struct cg_plan p;

	cr_assert_eq(cg2_plan(NULL, ALL, false, &p, &err), 0);
	cr_assert_eq(p.n, 0);
	cr_assert_null(p.notes);
	cr_assert_eq(cg1_plan(NULL, ALL, true, &p, &err), 0);
	cr_assert_eq(p.n, 0);
	load(RES("'devices':[{'allow':false,'access':'rwm'}]"));
	plan(1);
	EXPECT_NONE(&P);
	plan(2);
	EXPECT_NONE(&P);
	cr_assert_null(P.notes);
	done();
}

Test(cgroup_plan, only_the_groups_asked_for_are_planned)
{
	load(RES("'memory':{'limit':1048576},'pids':{'limit':5},'cpu':{'cpus':'0'},"
		 "'network':{'classID':7},'unified':{'pids.max':'9'}"));
	/* Hybrid: pids and memory on v2, the rest through v1, network never on v2. */
	plan_g(2, BIT(CG_PIDS), false);
	EXPECT(&P, { "pids.max", "5", J "pids.limit" });
	plan_g(1, BIT(CG_MEMORY) | BIT(CG_CPUSET) | BIT(CG_NET_CLS), false);
	EXPECT(&P, { "memory.limit_in_bytes", "1048576", J "memory.limit" },
	       { "cpuset.cpus", "0", J "cpu.cpus" },
	       { "net_cls.classid", "7", J "network.classID" });
	plan_g(2, 0, false);
	EXPECT_NONE(&P);
	done();
}

/* ---- memory, v2 ------------------------------------------------------------------ */

Test(cgroup_plan, v2_memory_limit_and_reservation)
{
	load(RES("'memory':{'limit':1073741824,'reservation':536870912}"));
	plan(2);
	EXPECT(&P, { "memory.max", "1073741824", J "memory.limit" },
	       { "memory.low", "536870912", J "memory.reservation" });
	cr_assert_not(P.w[0].retry_after_next);
	cr_assert_not(P.w[0].optional);
	cr_assert_null(P.w[0].alt_file);
	cr_assert_null(P.notes);
	done();
}

/* memory.swap.max is swap alone: the spec's swap is memory plus swap. */
Test(cgroup_plan, v2_swap_is_the_spec_swap_minus_the_limit)
{
	load(RES("'memory':{'limit':1073741824,'swap':3221225472}"));
	plan(2);
	EXPECT(&P, { "memory.swap.max", "2147483648", J "memory.swap" },
	       { "memory.max", "1073741824", J "memory.limit" });
	cr_assert_not(P.w[0].optional);
	load(RES("'memory':{'limit':1073741824,'swap':1073741824}"));
	plan(2);
	EXPECT(&P, { "memory.swap.max", "0", J "memory.swap" },
	       { "memory.max", "1073741824", J "memory.limit" });
	load(RES("'memory':{'limit':1073741824,'swap':-1}"));
	plan(2);
	EXPECT(&P, { "memory.swap.max", "max", J "memory.swap" },
	       { "memory.max", "1073741824", J "memory.limit" });
	cr_assert(P.w[0].optional, "no swap file means no swap limit to lift");
	done();
}

/* -1 is "max"; an unlimited memory with swap not given lifts the swap limit too (runc). */
Test(cgroup_plan, v2_minus_one_is_max)
{
	load(RES("'memory':{'limit':-1,'reservation':-1}"));
	plan(2);
	EXPECT(&P, { "memory.swap.max", "max", J "memory.limit" },
	       { "memory.max", "max", J "memory.limit" },
	       { "memory.low", "max", J "memory.reservation" });
	cr_assert(P.w[0].optional);
	cr_assert_not(P.w[1].optional);
	done();
}

Test(cgroup_plan, memory_zero_is_not_set)
{
	load(RES("'memory':{'limit':0,'reservation':0,'swap':0,'kernel':0,'kernelTCP':0}"));
	plan(2);
	EXPECT_NONE(&P);
	cr_assert_null(P.notes);
	plan(1);
	EXPECT_NONE(&P);
	cr_assert_null(P.notes);
	done();
}

Test(cgroup_plan, swap_below_the_limit_or_without_one_is_an_error)
{
	load(RES("'memory':{'limit':1048576,'swap':2097152}"));
	res()->memory->swap.value = 524288;
	fails(2, ALL, EINVAL, E "memory.swap: 524288 is below .limit (1048576): swap is memory "
	      "plus swap");
	fails(1, ALL, EINVAL, E "memory.swap: 524288 is below .limit (1048576): swap is memory "
	      "plus swap");
	res()->memory->swap.value = 2097152;
	res()->memory->limit.set = false;
	fails(2, ALL, EINVAL, E "memory.swap: needs .limit: swap is memory plus swap, and there "
	      "is no memory limit to add it to");
	res()->memory->limit = (husk_opt_i64){ true, -1 };
	fails(1, ALL, EINVAL, E "memory.swap: needs .limit: swap is memory plus swap, and there "
	      "is no memory limit to add it to");
	/* Not planned, not checked: hybrid puts memory elsewhere. */
	plan_g(2, BIT(CG_PIDS), false);
	res()->memory->limit.value = -7;
	fails(2, ALL, EINVAL, E "memory.limit: must be -1 (unlimited), 0 (not set) or a number "
	      "of bytes, got -7");
	done();
}

Test(cgroup_plan, v2_memory_fields_without_a_file_are_notes)
{
	load(RES("'memory':{'swappiness':60,'disableOOMKiller':true,'useHierarchy':true,"
		 "'kernel':1048576,'kernelTCP':1048576}"));
	plan(2);
	EXPECT_NONE(&P);
	cr_assert_eq(n_notes(&P), 5);
	cr_assert(has_note(&P, J "memory.swappiness: cgroup v2 has no per-cgroup swappiness"));
	cr_assert(has_note(&P, J "memory.disableOOMKiller: cgroup v2 cannot turn the OOM killer"));
	cr_assert(has_note(&P, J "memory.useHierarchy: cgroup v2 is always hierarchical"));
	cr_assert(has_note(&P, J "memory.kernel: the kernel no longer has kernel memory limits"));
	cr_assert(has_note(&P, J "memory.kernelTCP: "));
	done();
}

Test(cgroup_plan, check_before_update_goes_with_a_limit)
{
	load(RES("'memory':{'limit':1048576,'checkBeforeUpdate':true}"));
	plan(2);
	cr_assert(P.check_before_update);
	plan_g(1, ALL, true);
	cr_assert(P.check_before_update);
	plan_g(2, BIT(CG_PIDS), true);
	cr_assert_not(P.check_before_update, "no memory write, nothing to check");
	load(RES("'memory':{'reservation':1048576,'checkBeforeUpdate':true}"));
	plan(2);
	cr_assert_not(P.check_before_update);
	load(RES("'memory':{'limit':1048576,'checkBeforeUpdate':false}"));
	plan(1);
	cr_assert_not(P.check_before_update);
	done();
}

/* ---- memory, v1 ------------------------------------------------------------------ */

Test(cgroup_plan, v1_memory_every_file)
{
	load(RES("'memory':{'limit':1073741824,'swap':2147483648,'reservation':536870912,"
		 "'swappiness':0,'disableOOMKiller':true,'useHierarchy':true}"));
	plan(1);
	EXPECT(&P, { "memory.limit_in_bytes", "1073741824", J "memory.limit" },
	       { "memory.memsw.limit_in_bytes", "2147483648", J "memory.swap" },
	       { "memory.soft_limit_in_bytes", "536870912", J "memory.reservation" },
	       { "memory.swappiness", "0", J "memory.swappiness" },
	       { "memory.oom_control", "1", J "memory.disableOOMKiller" },
	       { "memory.use_hierarchy", "1", J "memory.useHierarchy" });
	/* limit <= memsw at every step, whatever the current values: retried after memsw. */
	cr_assert(P.w[0].retry_after_next);
	cr_assert_not(P.w[1].retry_after_next);
	cr_assert_not(P.w[1].optional);
	cr_assert_null(P.notes);
	load(RES("'memory':{'disableOOMKiller':false,'useHierarchy':false}"));
	plan(1);
	EXPECT(&P, { "memory.oom_control", "0", J "memory.disableOOMKiller" },
	       { "memory.use_hierarchy", "0", J "memory.useHierarchy" });
	done();
}

Test(cgroup_plan, v1_unlimited_memory_lifts_memsw_too)
{
	load(RES("'memory':{'limit':-1,'reservation':-1}"));
	plan(1);
	EXPECT(&P, { "memory.limit_in_bytes", "-1", J "memory.limit" },
	       { "memory.memsw.limit_in_bytes", "-1", J "memory.limit" },
	       { "memory.soft_limit_in_bytes", "-1", J "memory.reservation" });
	cr_assert(P.w[0].retry_after_next);
	cr_assert(P.w[1].optional, "no memsw file without swap accounting");
	load(RES("'memory':{'limit':1048576}"));
	plan(1);
	EXPECT(&P, { "memory.limit_in_bytes", "1048576", J "memory.limit" });
	cr_assert_not(P.w[0].retry_after_next, "nothing after it to retry behind");
	done();
}

Test(cgroup_plan, v1_kernel_memory_is_a_note)
{
	load(RES("'memory':{'kernel':-1,'kernelTCP':1048576}"));
	plan(1);
	EXPECT_NONE(&P);
	cr_assert_eq(n_notes(&P), 2);
	cr_assert(has_note(&P, J "memory.kernel: "));
	cr_assert(has_note(&P, J "memory.kernelTCP: "));
	done();
}

Test(cgroup_plan, update_leaves_use_hierarchy_alone)
{
	load(RES("'memory':{'limit':1048576,'useHierarchy':true}"));
	plan_g(1, ALL, true);
	EXPECT(&P, { "memory.limit_in_bytes", "1048576", J "memory.limit" });
	cr_assert(has_note(&P, J "memory.useHierarchy: cannot change on a running container"));
	done();
}

/* Everything else is the same plan at update as at creation. */
Test(cgroup_plan, update_writes_the_same_otherwise)
{
	struct cg_plan create = { 0 };

	load(RES("'memory':{'limit':1048576,'swap':2097152},'cpu':{'shares':512,'quota':20000},"
		 "'pids':{'limit':7},'blockIO':{'weight':100},'unified':{'memory.high':'5'}"));
	for (int v = 1; v <= 2; v++) {
		unsigned groups = v == 1 ? ALL & ~BIT(CG_UNIFIED) : ALL;

		plan_g(v, groups, false);
		create = P;
		P = (struct cg_plan){ 0 };
		plan_g(v, groups, true);
		cr_assert_eq(P.n, create.n);
		for (size_t i = 0; i < P.n; i++) {
			cr_assert_str_eq(P.w[i].file, create.w[i].file);
			cr_assert_str_eq(P.w[i].value, create.w[i].value);
		}
		cg_plan_free(&create);
	}
	done();
}

/* ---- cpu ------------------------------------------------------------------------- */

/* The curve runc and crun use since 2025: the defaults meet (1024 -> 100). */
Test(cgroup_plan, cpu_shares_to_weight)
{
	static const uint64_t table[][2] = {
		{ 0, 1 }, { 2, 1 }, { 3, 2 }, { 10, 4 }, { 100, 17 }, { 128, 21 }, { 512, 59 },
		{ 1000, 99 }, { 1024, 100 }, { 2048, 174 }, { 4096, 303 }, { 100000, 4340 },
		{ 262143, 10000 }, { 262144, 10000 }, { 1000000, 10000 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		cr_assert_eq(cg_cpu_shares_to_weight(table[i][0]), table[i][1],
			     "shares %llu: weight %llu, expected %llu",
			     (unsigned long long)table[i][0],
			     (unsigned long long)cg_cpu_shares_to_weight(table[i][0]),
			     (unsigned long long)table[i][1]);
	/* Monotonic over the whole domain, within [1, 10000]. */
	for (uint64_t s = 2, prev = 1; s <= 262144; s += 97) {
		uint64_t w = cg_cpu_shares_to_weight(s);

		cr_assert(w >= prev && w <= 10000, "shares %llu", (unsigned long long)s);
		prev = w;
	}
}

Test(cgroup_plan, blkio_weight_to_io_weight)
{
	static const uint64_t table[][2] = {
		{ 10, 1 }, { 100, 910 }, { 500, 4950 }, { 1000, 10000 }, { 5, 1 }, { 2000, 10000 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		cr_assert_eq(cg_blkio_to_io_weight(table[i][0]), table[i][1], "weight %llu",
			     (unsigned long long)table[i][0]);
}

Test(cgroup_plan, v2_shares_become_cpu_weight)
{
	load(RES("'cpu':{'shares':1024}"));
	plan(2);
	EXPECT(&P, { "cpu.weight", "100", J "cpu.shares" });
	load(RES("'cpu':{'shares':262144}"));
	plan(2);
	EXPECT(&P, { "cpu.weight", "10000", J "cpu.shares" });
	load(RES("'cpu':{'shares':0}"));
	plan(2);
	EXPECT_NONE(&P);
	done();
}

Test(cgroup_plan, shares_out_of_range_are_errors)
{
	load(RES("'cpu':{'shares':1024}"));
	res()->cpu->shares.value = 1;
	fails(2, ALL, EINVAL, E "cpu.shares: 1 is below the minimum of 2");
	fails(1, ALL, EINVAL, E "cpu.shares: 1 is below the minimum of 2");
	res()->cpu->shares.value = 262145;
	fails(2, ALL, EINVAL, E "cpu.shares: 262145 is above the maximum of 262144");
	done();
}

Test(cgroup_plan, v2_cpu_max_from_quota_and_period)
{
	static const struct {
		const char *json, *value, *path;
	} cases[] = {
		{ RES("'cpu':{'quota':50000,'period':100000}"), "50000 100000",
		  J "cpu.quota and .period" },
		{ RES("'cpu':{'quota':50000}"), "50000", J "cpu.quota" },
		{ RES("'cpu':{'period':250000}"), "max 250000", J "cpu.period" },
		{ RES("'cpu':{'quota':-1,'period':100000}"), "max 100000", J "cpu.quota and .period" },
		{ RES("'cpu':{'quota':-1}"), "max", J "cpu.quota" },
		{ RES("'cpu':{'quota':0,'period':20000}"), "max 20000", J "cpu.period" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		load(cases[i].json);
		plan(2);
		EXPECT(&P, { "cpu.max", cases[i].value, cases[i].path });
	}
	load(RES("'cpu':{'quota':0,'period':0}"));
	plan(2);
	EXPECT_NONE(&P);
	done();
}

/* burst <= quota at every step: cpu.max.burst first, retried after cpu.max. */
Test(cgroup_plan, v2_burst_goes_before_cpu_max)
{
	load(RES("'cpu':{'quota':50000,'period':100000,'burst':20000}"));
	plan(2);
	EXPECT(&P, { "cpu.max.burst", "20000", J "cpu.burst" },
	       { "cpu.max", "50000 100000", J "cpu.quota and .period" });
	cr_assert(P.w[0].retry_after_next);
	cr_assert_not(P.w[0].optional);
	load(RES("'cpu':{'burst':0}"));
	plan(2);
	EXPECT(&P, { "cpu.max.burst", "0", J "cpu.burst" });
	cr_assert_not(P.w[0].retry_after_next);
	cr_assert(P.w[0].optional, "burst 0 is the default: a kernel without it is fine");
	done();
}

Test(cgroup_plan, v2_realtime_is_an_error)
{
	load(RES("'cpu':{'realtimeRuntime':950000,'realtimePeriod':1000000}"));
	fails(2, ALL, EOPNOTSUPP, E "cpu.realtimeRuntime: cgroup v2 has no real-time CPU limits "
	      "(cpu.rt_runtime_us is cgroup v1's); remove it or use a cgroup v1 host");
	res()->cpu->realtime_runtime.set = false;
	fails(2, ALL, EOPNOTSUPP, E "cpu.realtimePeriod: cgroup v2 has no real-time CPU limits "
	      "(cpu.rt_period_us is cgroup v1's); remove it or use a cgroup v1 host");
	/* Zeros ask for nothing (runc reads them so), and a plan without cpu does not care. */
	plan_g(2, ALL & ~BIT(CG_CPU), false);
	load(RES("'cpu':{'realtimeRuntime':0,'realtimePeriod':0}"));
	plan(2);
	EXPECT_NONE(&P);
	done();
}

/* The kernel refuses a weight for an idle group: idle first, no weight when idle is 1. */
Test(cgroup_plan, idle_and_shares)
{
	for (int v = 1; v <= 2; v++) {
		load(RES("'cpu':{'idle':1,'shares':1024}"));
		plan(v);
		EXPECT(&P, { "cpu.idle", "1", J "cpu.idle" });
		cr_assert_not(P.w[0].optional);
		cr_assert(has_note(&P, J "cpu.shares: not written: .cpu.idle is 1"));
		load(RES("'cpu':{'idle':0,'shares':1024}"));
		plan(v);
		EXPECT(&P, { "cpu.idle", "0", J "cpu.idle" },
		       { v == 2 ? "cpu.weight" : "cpu.shares", v == 2 ? "100" : "1024",
			 J "cpu.shares" });
		cr_assert(P.w[0].optional, "idle 0 on a kernel without cpu.idle is what it has");
	}
	res()->cpu->idle.value = 2;
	fails(2, ALL, EINVAL, E "cpu.idle: must be 0 or 1, got 2");
	done();
}

/* period, burst, quota: the first two retried behind the quota (runc's order too). */
Test(cgroup_plan, v1_cfs_order)
{
	load(RES("'cpu':{'shares':512,'quota':50000,'period':100000,'burst':10000}"));
	plan(1);
	EXPECT(&P, { "cpu.shares", "512", J "cpu.shares" },
	       { "cpu.cfs_period_us", "100000", J "cpu.period" },
	       { "cpu.cfs_burst_us", "10000", J "cpu.burst" },
	       { "cpu.cfs_quota_us", "50000", J "cpu.quota" });
	cr_assert_not(P.w[0].retry_after_next);
	cr_assert(P.w[1].retry_after_next);
	cr_assert(P.w[2].retry_after_next);
	cr_assert_not(P.w[3].retry_after_next);
	load(RES("'cpu':{'period':100000,'burst':0}"));
	plan(1);
	EXPECT(&P, { "cpu.cfs_period_us", "100000", J "cpu.period" },
	       { "cpu.cfs_burst_us", "0", J "cpu.burst" });
	cr_assert_not(P.w[0].retry_after_next, "no quota to retry behind");
	cr_assert_not(P.w[1].retry_after_next);
	cr_assert(P.w[1].optional);
	load(RES("'cpu':{'quota':-1}"));
	plan(1);
	EXPECT(&P, { "cpu.cfs_quota_us", "-1", J "cpu.quota" });
	done();
}

/* rt_runtime <= rt_period at every step: period first, retried behind the runtime. */
Test(cgroup_plan, v1_realtime)
{
	load(RES("'cpu':{'realtimeRuntime':950000,'realtimePeriod':1000000}"));
	plan(1);
	EXPECT(&P, { "cpu.rt_period_us", "1000000", J "cpu.realtimePeriod" },
	       { "cpu.rt_runtime_us", "950000", J "cpu.realtimeRuntime" });
	cr_assert(P.w[0].retry_after_next);
	load(RES("'cpu':{'realtimeRuntime':-1}"));
	plan(1);
	EXPECT(&P, { "cpu.rt_runtime_us", "-1", J "cpu.realtimeRuntime" });
	load(RES("'cpu':{'realtimePeriod':1000000}"));
	plan(1);
	EXPECT(&P, { "cpu.rt_period_us", "1000000", J "cpu.realtimePeriod" });
	cr_assert_not(P.w[0].retry_after_next);
	done();
}

Test(cgroup_plan, cpuset_on_both_versions)
{
	for (int v = 1; v <= 2; v++) {
		load(RES("'cpu':{'cpus':'0-3,7','mems':'0'}"));
		plan(v);
		EXPECT(&P, { "cpuset.cpus", "0-3,7", J "cpu.cpus" },
		       { "cpuset.mems", "0", J "cpu.mems" });
		cr_assert_eq(P.w[0].group, CG_CPUSET);
		load(RES("'cpu':{'cpus':'','mems':''}"));
		plan(v);
		EXPECT_NONE(&P);
	}
	done();
}

Test(cgroup_plan, cpu_list_syntax_is_checked)
{
	load(RES("'cpu':{'cpus':'0','mems':'0'}"));
	free(res()->cpu->cpus);
	res()->cpu->cpus = xstrdup("3-1");
	fails(2, ALL, EINVAL, E "cpu.cpus: expected a list such as \"0-3,7\", got \"3-1\"");
	fails(1, BIT(CG_CPUSET), EINVAL, E "cpu.cpus: expected a list such as \"0-3,7\", got "
	      "\"3-1\"");
	free(res()->cpu->cpus);
	res()->cpu->cpus = xstrdup("0");
	free(res()->cpu->mems);
	res()->cpu->mems = xstrdup("0\n1");
	fails(1, ALL, EINVAL, E "cpu.mems: expected a list such as \"0-1\", got \"0\\n1\"");
	/* Only when cpuset is planned. */
	plan_g(1, BIT(CG_CPU), false);
	done();
}

/* ---- pids ------------------------------------------------------------------------ */

/* runtime-spec 1.3 (opencontainers/runtime-spec#1279): -1 is "max", 0 is a limit of 0. */
Test(cgroup_plan, pids_limit)
{
	static const struct {
		const char *json, *value;
	} cases[] = {
		{ RES("'pids':{'limit':-1}"), "max" },
		{ RES("'pids':{'limit':0}"), "0" },
		{ RES("'pids':{'limit':1000}"), "1000" },
	};

	for (int v = 1; v <= 2; v++) {
		for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
			load(cases[i].json);
			plan(v);
			EXPECT(&P, { "pids.max", cases[i].value, J "pids.limit" });
			cr_assert_eq(P.w[0].group, CG_PIDS);
		}
	}
	res()->pids_limit.value = -2;
	fails(2, ALL, EINVAL, E "pids.limit: must be -1 (unlimited) or a number of processes, "
	      "got -2");
	done();
}

/* ---- block I/O ------------------------------------------------------------------- */

Test(cgroup_plan, v2_io_weight_prefers_bfq)
{
	load(RES("'blockIO':{'weight':500}"));
	plan(2);
	EXPECT(&P, { "io.bfq.weight", "500", J "blockIO.weight" });
	cr_assert_str_eq(P.w[0].alt_file, "io.weight");
	cr_assert_str_eq(P.w[0].alt_value, "4950");
	cr_assert_eq(P.w[0].group, CG_BLKIO);
	load(RES("'blockIO':{'weight':0}"));
	plan(2);
	EXPECT_NONE(&P);
	done();
}

Test(cgroup_plan, v2_io_device_weights_and_leaf_notes)
{
	load(RES("'blockIO':{'leafWeight':300,'weightDevice':[{'major':8,'minor':0,"
		 "'weight':1000,'leafWeight':300},{'major':253,'minor':16,'leafWeight':10},"
		 "{'major':259,'minor':1,'weight':10}]}"));
	plan(2);
	EXPECT(&P, { "io.bfq.weight", "8:0 1000", J "blockIO.weightDevice[0].weight" },
	       { "io.bfq.weight", "259:1 10", J "blockIO.weightDevice[2].weight" });
	cr_assert_str_eq(P.w[0].alt_file, "io.weight");
	cr_assert_str_eq(P.w[0].alt_value, "8:0 10000");
	cr_assert_str_eq(P.w[1].alt_value, "259:1 1");
	cr_assert_eq(n_notes(&P), 3);
	cr_assert(has_note(&P, J "blockIO.leafWeight: cgroup v2 has no leaf weights"));
	cr_assert(has_note(&P, J "blockIO.weightDevice[0].leafWeight: "));
	cr_assert(has_note(&P, J "blockIO.weightDevice[1].leafWeight: "));
	done();
}

Test(cgroup_plan, v2_throttles_are_io_max_lines)
{
	load(RES("'blockIO':{"
		 "'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':1048576},"
		 "{'major':8,'minor':16,'rate':0}],"
		 "'throttleWriteBpsDevice':[{'major':8,'minor':0,'rate':2097152}],"
		 "'throttleReadIOPSDevice':[{'major':8,'minor':0,'rate':100}],"
		 "'throttleWriteIOPSDevice':[{'major':8,'minor':0,'rate':0}]}"));
	plan(2);
	EXPECT(&P, { "io.max", "8:0 rbps=1048576", J "blockIO.throttleReadBpsDevice[0]" },
	       { "io.max", "8:16 rbps=max", J "blockIO.throttleReadBpsDevice[1]" },
	       { "io.max", "8:0 wbps=2097152", J "blockIO.throttleWriteBpsDevice[0]" },
	       { "io.max", "8:0 riops=100", J "blockIO.throttleReadIOPSDevice[0]" },
	       { "io.max", "8:0 wiops=max", J "blockIO.throttleWriteIOPSDevice[0]" });
	done();
}

Test(cgroup_plan, v1_blkio_every_file)
{
	load(RES("'blockIO':{'weight':500,'leafWeight':300,"
		 "'weightDevice':[{'major':8,'minor':0,'weight':600,'leafWeight':200}],"
		 "'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':1048576}],"
		 "'throttleWriteBpsDevice':[{'major':8,'minor':0,'rate':0}],"
		 "'throttleReadIOPSDevice':[{'major':8,'minor':0,'rate':100}],"
		 "'throttleWriteIOPSDevice':[{'major':8,'minor':0,'rate':50}]}"));
	plan(1);
	EXPECT(&P, { "blkio.bfq.weight", "500", J "blockIO.weight" },
	       { "blkio.leaf_weight", "300", J "blockIO.leafWeight" },
	       { "blkio.bfq.weight_device", "8:0 600", J "blockIO.weightDevice[0].weight" },
	       { "blkio.leaf_weight_device", "8:0 200", J "blockIO.weightDevice[0].leafWeight" },
	       { "blkio.throttle.read_bps_device", "8:0 1048576",
		 J "blockIO.throttleReadBpsDevice[0]" },
	       { "blkio.throttle.write_bps_device", "8:0 0", J "blockIO.throttleWriteBpsDevice[0]" },
	       { "blkio.throttle.read_iops_device", "8:0 100",
		 J "blockIO.throttleReadIOPSDevice[0]" },
	       { "blkio.throttle.write_iops_device", "8:0 50",
		 J "blockIO.throttleWriteIOPSDevice[0]" });
	cr_assert_str_eq(P.w[0].alt_file, "blkio.weight");
	cr_assert_null(P.w[0].alt_value, "the same value for CFQ and BFQ");
	cr_assert_null(P.w[1].alt_file);
	cr_assert_str_eq(P.w[2].alt_file, "blkio.weight_device");
	cr_assert_null(P.w[2].alt_value);
	cr_assert_null(P.notes);
	done();
}

Test(cgroup_plan, blkio_weights_out_of_range_are_errors)
{
	load(RES("'blockIO':{'weight':500,'weightDevice':[{'major':8,'minor':0,'weight':600}]}"));
	res()->block_io->weight.value = 5;
	fails(2, ALL, EINVAL, E "blockIO.weight: must be 0 (not set) or from 10 to 1000, got 5");
	res()->block_io->weight.value = 500;
	res()->block_io->weight_device[0].weight.value = 1001;
	fails(1, ALL, EINVAL, E "blockIO.weightDevice[0].weight: must be 0 (not set) or from 10 "
	      "to 1000, got 1001");
	done();
}

/* ---- hugetlb, network, rdma ------------------------------------------------------ */

Test(cgroup_plan, hugetlb_limits_and_reservations)
{
	load(RES("'hugepageLimits':[{'pageSize':'2MB','limit':209715200},"
		 "{'pageSize':'64KB','limit':0}]"));
	plan(2);
	EXPECT(&P, { "hugetlb.2MB.max", "209715200", J "hugepageLimits[0].limit" },
	       { "hugetlb.2MB.rsvd.max", "209715200", J "hugepageLimits[0].limit" },
	       { "hugetlb.64KB.max", "0", J "hugepageLimits[1].limit" },
	       { "hugetlb.64KB.rsvd.max", "0", J "hugepageLimits[1].limit" });
	cr_assert_not(P.w[0].optional);
	cr_assert(P.w[1].optional, "reservation accounting is not in every kernel");
	plan(1);
	EXPECT(&P, { "hugetlb.2MB.limit_in_bytes", "209715200", J "hugepageLimits[0].limit" },
	       { "hugetlb.2MB.rsvd.limit_in_bytes", "209715200", J "hugepageLimits[0].limit" },
	       { "hugetlb.64KB.limit_in_bytes", "0", J "hugepageLimits[1].limit" },
	       { "hugetlb.64KB.rsvd.limit_in_bytes", "0", J "hugepageLimits[1].limit" });
	cr_assert(P.w[3].optional);
	cr_assert_eq(P.w[0].group, CG_HUGETLB);
	done();
}

/* The size becomes part of a file name. */
Test(cgroup_plan, hugepage_size_is_checked)
{
	static const char *const bad[] = { "2MB/../../memory", "3MB", "02MB", "2mb", "", "MB" };

	load(RES("'hugepageLimits':[{'pageSize':'1GB','limit':1073741824}]"));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		free(res()->hugepage_limits[0].page_size);
		res()->hugepage_limits[0].page_size = xstrdup(bad[i]);
		fails(i % 2 ? 1 : 2, ALL, EINVAL, E "hugepageLimits[0].pageSize: expected a "
		      "power-of-two size in KB, MB or GB such as \"2MB\" or \"1GB\"");
	}
	done();
}

Test(cgroup_plan, v1_network)
{
	load(RES("'network':{'classID':1048577,'priorities':[{'name':'eth0','priority':500},"
		 "{'name':'eth1','priority':1000}]}"));
	plan(1);
	EXPECT(&P, { "net_cls.classid", "1048577", J "network.classID" },
	       { "net_prio.ifpriomap", "eth0 500", J "network.priorities[0]" },
	       { "net_prio.ifpriomap", "eth1 1000", J "network.priorities[1]" });
	cr_assert_eq(P.w[0].group, CG_NET_CLS);
	cr_assert_eq(P.w[1].group, CG_NET_PRIO);
	done();
}

Test(cgroup_plan, v2_network_is_an_error)
{
	load(RES("'network':{'classID':1048577,'priorities':[{'name':'eth0','priority':5}]}"));
	fails(2, ALL, EOPNOTSUPP, E "network.classID: cgroup v2 has no net_cls controller; tag "
	      "the traffic with an nftables or eBPF rule on the cgroup instead, or remove it");
	fails(2, BIT(CG_NET_PRIO), EOPNOTSUPP, E "network.priorities: cgroup v2 has no net_prio "
	      "controller; remove it, or set the priority with SO_PRIORITY or a tc/nftables rule");
	/* Hybrid: network goes to the v1 hierarchies, the v2 plan does not see it. */
	plan_g(2, ALL & ~(BIT(CG_NET_CLS) | BIT(CG_NET_PRIO)), false);
	EXPECT_NONE(&P);
	load(RES("'network':{'classID':0,'priorities':[]}"));
	plan(2);
	EXPECT_NONE(&P);
	cr_assert(has_note(&P, J "network.classID: 0 asks for no class"));
	done();
}

Test(cgroup_plan, rdma_on_both_versions)
{
	for (int v = 1; v <= 2; v++) {
		load(RES("'rdma':{'mlx5_1':{'hcaHandles':3,'hcaObjects':10000},"
			 "'mlx4_0':{'hcaObjects':1000},'rxe3':{'hcaHandles':0}}"));
		plan(v);
		EXPECT(&P, { "rdma.max", "mlx5_1 hca_handle=3 hca_object=10000", J "rdma.mlx5_1" },
		       { "rdma.max", "mlx4_0 hca_object=1000", J "rdma.mlx4_0" },
		       { "rdma.max", "rxe3 hca_handle=0", J "rdma.rxe3" });
		cr_assert_eq(P.w[0].group, CG_RDMA);
		res()->rdma[1].hca_objects.set = false;
		plan(v);
		cr_assert_eq(P.n, 2);
		cr_assert(has_note(&P, J "rdma.mlx4_0: neither hcaHandles nor hcaObjects"));
	}
	done();
}

/* ---- unified ----------------------------------------------------------------------- */

/* Written last, as they are, so they win over a converted field. */
Test(cgroup_plan, v2_unified_is_written_last_as_is)
{
	load(RES("'memory':{'limit':1048576},'unified':{'memory.max':'2097152',"
		 "'io.max':'259:0 rbps=2097152 wiops=120','cgroup.max.descendants':'10'}"));
	plan(2);
	EXPECT(&P, { "memory.max", "1048576", J "memory.limit" },
	       { "memory.max", "2097152", J "unified.memory.max" },
	       { "io.max", "259:0 rbps=2097152 wiops=120", J "unified.io.max" },
	       { "cgroup.max.descendants", "10", J "unified.cgroup.max.descendants" });
	cr_assert_eq(P.w[1].group, CG_UNIFIED);
	done();
}

Test(cgroup_plan, v2_unified_keys_are_checked)
{
	static const char *const core[] = { "cgroup.procs", "cgroup.threads", "cgroup.kill",
		"cgroup.freeze", "cgroup.subtree_control", "cgroup.type", "cgroup.events" };
	static const char *const bad[] = { "../memory.max", "memory.max/x", "memory..max",
		".memory", "memory", "" };
	char want[256];

	load(RES("'unified':{'memory.high':'1'}"));
	for (size_t i = 0; i < ARRAY_SIZE(core); i++) {
		free(res()->unified[0].key);
		res()->unified[0].key = xstrdup(core[i]);
		snprintf(want, sizeof(want), E "unified.%s: is the cgroup's own interface, which "
			 "husk manages; of the cgroup.* files only cgroup.max.depth, "
			 "cgroup.max.descendants and cgroup.pressure may be set", core[i]);
		fails(2, ALL, EINVAL, want);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		free(res()->unified[0].key);
		res()->unified[0].key = xstrdup(bad[i]);
		snprintf(want, sizeof(want), E "unified.%s: must be a file name of the container's "
			 "cgroup such as \"memory.high\"", bad[i]);
		fails(2, ALL, EINVAL, want);
	}
	free(res()->unified[0].key);
	res()->unified[0].key = xstrdup("cgroup.pressure");
	plan(2);
	EXPECT(&P, { "cgroup.pressure", "1", J "unified.cgroup.pressure" });
	done();
}

Test(cgroup_plan, v1_unified_is_an_error)
{
	load(RES("'unified':{'memory.high':'1'},'pids':{'limit':3}"));
	fails(1, ALL, EOPNOTSUPP, E "unified: is for cgroup v2 files, and this cgroup is cgroup "
	      "v1; use the v1 fields of .linux.resources or a cgroup v2 host");
	/* Hybrid: the unified keys go to the cgroup2 mount, not here. */
	plan_g(1, ALL & ~BIT(CG_UNIFIED), false);
	EXPECT(&P, { "pids.max", "3", J "pids.limit" });
	load(RES("'unified':{},'pids':{'limit':3}"));
	plan(1);
	EXPECT(&P, { "pids.max", "3", J "pids.limit" });
	done();
}

/* ---- nothing dropped --------------------------------------------------------------- */

#define MEM "'memory':{'limit':1073741824,'reservation':536870912,'swap':2147483648," \
	"'kernel':1073741824,'kernelTCP':1073741824,'swappiness':60,"                 \
	"'disableOOMKiller':true,'useHierarchy':true,'checkBeforeUpdate':true}"
#define CPU "'shares':1024,'quota':50000,'burst':10000,'period':100000,'cpus':'0-1'," \
	"'mems':'0','idle':0"
#define RT ",'realtimeRuntime':950000,'realtimePeriod':1000000"
#define BLKIO "'blockIO':{'weight':500,'leafWeight':300,"                             \
	"'weightDevice':[{'major':8,'minor':0,'weight':600,'leafWeight':200}],"       \
	"'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':1}],"                    \
	"'throttleWriteBpsDevice':[{'major':8,'minor':0,'rate':2}],"                   \
	"'throttleReadIOPSDevice':[{'major':8,'minor':0,'rate':3}],"                   \
	"'throttleWriteIOPSDevice':[{'major':8,'minor':0,'rate':4}]}"
#define REST "'pids':{'limit':1000},'hugepageLimits':[{'pageSize':'2MB','limit':2097152}]," \
	"'rdma':{'mlx5_1':{'hcaHandles':3,'hcaObjects':10000}},"                         \
	"'devices':[{'allow':false,'access':'rwm'},{'allow':true,'type':'c','major':1,"   \
	"'minor':3,'access':'rw'}]"
#define NET "'network':{'classID':1048577,'priorities':[{'name':'eth0','priority':500}]}"
#define UNIFIED "'unified':{'memory.high':'1073741824'}"

/* Every field of linux.resources but devices, as the JSON path its write or note names. */
static const char *const fields[] = {
	J "memory.limit", J "memory.reservation", J "memory.swap", J "memory.kernel",
	J "memory.kernelTCP", J "memory.swappiness", J "memory.disableOOMKiller",
	J "memory.useHierarchy", J "memory.checkBeforeUpdate",
	J "cpu.shares", J "cpu.quota", J "cpu.burst", J "cpu.period", J "cpu.realtimeRuntime",
	J "cpu.realtimePeriod", J "cpu.cpus", J "cpu.mems", J "cpu.idle",
	J "pids.limit",
	J "blockIO.weight", J "blockIO.leafWeight", J "blockIO.weightDevice[0].weight",
	J "blockIO.weightDevice[0].leafWeight", J "blockIO.throttleReadBpsDevice[0]",
	J "blockIO.throttleWriteBpsDevice[0]", J "blockIO.throttleReadIOPSDevice[0]",
	J "blockIO.throttleWriteIOPSDevice[0]",
	J "hugepageLimits[0]", J "network.classID", J "network.priorities[0]",
	J "rdma.mlx5_1", J "unified.memory.high",
};

/*
 * Whether a write's JSON path names the field: the path itself or below
 * it, or one of two siblings ("....cpu.quota and .period", cpu.max).
 */
static bool names_field(const char *jp, const char *field)
{
	size_t n = strlen(field), base;
	const char *and = strstr(jp, " and .");

	if (strncmp(jp, field, n) == 0 && (jp[n] == '\0' || jp[n] == '.' || jp[n] == ' '))
		return true;
	if (!and)
		return false;
	for (base = (size_t)(and - jp); base > 0 && jp[base - 1] != '.'; base--)
		;
	return strncmp(jp, field, base) == 0 && strcmp(field + base, and + 6) == 0;
}

/*
 * Whether the plan accounts for a field: a write or a note naming it, or
 * (checkBeforeUpdate) the flag that makes the writer check.  A field that
 * is an error on a version is checked for its error instead.
 */
static bool accounted(const struct cg_plan *p, const char *field)
{
	size_t n = strlen(field);

	if (strcmp(field, J "memory.checkBeforeUpdate") == 0)
		return p->check_before_update;
	for (size_t i = 0; i < p->n; i++)
		if (names_field(p->w[i].json_path, field))
			return true;
	for (size_t i = 0; p->notes && p->notes[i]; i++)
		if (str_has_prefix(p->notes[i], field) && p->notes[i][n] == ':')
			return true;
	return false;
}

static void walk(int v, unsigned groups, bool update, const char *const *errors,
		 size_t n_errors)
{
	plan_g(v, groups, update);
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		bool is_error = false;
		_cleanup_free_ char *d = NULL;

		for (size_t k = 0; k < n_errors; k++)
			is_error |= strcmp(fields[i], errors[k]) == 0;
		if (is_error)
			continue;
		d = dump(&P);
		cr_assert(accounted(&P, fields[i]), "v%d%s: %s is silently dropped:\n%s", v,
			  update ? " update" : "", fields[i], d);
	}
	/* And nothing is written that no field asked for. */
	for (size_t i = 0; i < P.n; i++) {
		bool known = false;

		for (size_t k = 0; k < ARRAY_SIZE(fields); k++)
			known |= str_has_prefix(P.w[i].json_path, fields[k]);
		cr_assert(known, "v%d: %s written for %s", v, P.w[i].file, P.w[i].json_path);
		cr_assert_neq(P.w[i].group, CG_DEVICES);
	}
}

Test(cgroup_plan, every_field_is_written_or_noted_on_v1)
{
	static const char *const errors[] = { J "unified.memory.high" };

	load(RES(MEM ",'cpu':{" CPU RT "}," BLKIO "," REST "," NET "," UNIFIED));
	fails(1, ALL, EOPNOTSUPP, E "unified: is for cgroup v2 files, and this cgroup is cgroup "
	      "v1; use the v1 fields of .linux.resources or a cgroup v2 host");
	walk(1, ALL & ~BIT(CG_UNIFIED), false, errors, ARRAY_SIZE(errors));
	walk(1, ALL & ~BIT(CG_UNIFIED), true, errors, ARRAY_SIZE(errors));
	/* v1 has a file for everything but the kernel limits (and useHierarchy at update). */
	plan_g(1, ALL & ~BIT(CG_UNIFIED), false);
	cr_assert_eq(n_notes(&P), 2);
	done();
}

Test(cgroup_plan, every_field_is_written_or_noted_on_v2)
{
	static const char *const errors[] = { J "cpu.realtimeRuntime", J "cpu.realtimePeriod",
		J "network.classID", J "network.priorities[0]" };

	load(RES(MEM ",'cpu':{" CPU RT "}," BLKIO "," REST "," NET "," UNIFIED));
	fails(2, ALL, EOPNOTSUPP, E "cpu.realtimeRuntime: cgroup v2 has no real-time CPU limits "
	      "(cpu.rt_runtime_us is cgroup v1's); remove it or use a cgroup v1 host");
	load(RES(MEM ",'cpu':{" CPU "}," BLKIO "," REST "," NET "," UNIFIED));
	fails(2, ALL, EOPNOTSUPP, E "network.classID: cgroup v2 has no net_cls controller; tag "
	      "the traffic with an nftables or eBPF rule on the cgroup instead, or remove it");
	load(RES(MEM ",'cpu':{" CPU "}," BLKIO "," REST "," UNIFIED));
	walk(2, ALL, false, errors, ARRAY_SIZE(errors));
	walk(2, ALL, true, errors, ARRAY_SIZE(errors));
	cr_assert_str_eq(P.w[P.n - 1].file, "memory.high", "unified goes last");
	done();
}

/* Every write names a group the plan was asked for, with a file name and no path. */
Test(cgroup_plan, writes_stay_in_their_group_and_directory)
{
	load(RES(MEM ",'cpu':{" CPU "}," BLKIO "," REST "," UNIFIED));
	for (int g = 0; g < CG_GROUP_COUNT; g++) {
		plan_g(2, BIT(g), false);
		for (size_t i = 0; i < P.n; i++) {
			cr_assert_eq(P.w[i].group, (enum cg_group)g, "%s", P.w[i].file);
			cr_assert_null(strchr(P.w[i].file, '/'), "%s", P.w[i].file);
			cr_assert(P.w[i].file[0] != '.');
		}
	}
	done();
}
