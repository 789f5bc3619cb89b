/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroup plans (see test_cgroup_plan.c): cpu, pids, block I/O,
 * hugetlb, network, rdma and unified, on v1 and v2.
 */
#include "test_cgroup_plan.h"

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
