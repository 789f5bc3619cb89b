/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroup plans as data: a config's linux.resources in, the ordered
 * list of file writes (file, value, the JSON path that set it, the retry
 * and alternative flags) and notes out, on cgroup v1 and v2.  No file is
 * touched.  Configs go through the real parser; a value the parser would
 * refuse (but `husk update` could still bring) is set in the parsed struct.
 *
 * This file: groups, memory, and the walk over every field;
 * test_cgroup_plan_limits.c: cpu, pids, block I/O, hugetlb, network, rdma,
 * unified.
 */
#include "test_cgroup_plan.h"

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
