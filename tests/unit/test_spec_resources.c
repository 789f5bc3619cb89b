/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * .linux.resources: every value is held to the range the kernel accepts,
 * at parse time, with one sentence naming its JSON path.  One test per
 * rule: the edges that pass, the first values that fail.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <unistd.h>

#include "husk/spec.h"
#include "husk/util.h"
#include "test_spec_util.h"

#define R "config.json: .linux.resources."

static void ok(const char *text)
{
	struct husk_spec *s = parse_ok(text);

	spec_free(s);
}

/* ---- memory ------------------------------------------------------------------- */

Test(spec_resources, memory_values_are_minus_one_zero_or_at_least_a_page)
{
	long page = sysconf(_SC_PAGESIZE);
	_cleanup_free_ char *want = NULL, *at_page = NULL, *below_page = NULL;

	ok(RES("'memory':{'limit':-1,'reservation':-1,'swap':-1}"));
	at_page = xasprintf(RES("'memory':{'limit':%ld,'reservation':%ld}"), page, page);
	ok(at_page);
	want = xasprintf(R "memory.limit: must be -1 (unlimited), 0 (not set) or at least one "
			 "page (%ld bytes), got -5", page);
	parse_err(RES("'memory':{'limit':-5}"), want);
	free(want);
	/* 0 is "not set", as runc and crun read it. */
	ok(RES("'memory':{'limit':0,'reservation':0,'swap':0}"));
	below_page = xasprintf(RES("'memory':{'reservation':%ld}"), page - 1);
	want = xasprintf(R "memory.reservation: must be -1 (unlimited), 0 (not set) or at least "
			 "one page (%ld bytes), got %ld", page, page - 1);
	parse_err(below_page, want);
	free(want);
	want = xasprintf(R "memory.swap: must be -1 (unlimited), 0 (not set) or at least one "
			 "page (%ld bytes), got -2", page);
	parse_err(RES("'memory':{'limit':1048576,'swap':-2}"), want);
	free(want);
	want = xasprintf(R "memory.limit: must be -1 (unlimited), 0 (not set) or at least one "
			 "page (%ld bytes), got -9223372036854775808", page);
	parse_err(RES("'memory':{'limit':-9223372036854775808}"), want);
}

/* v1 semantics: swap is memory plus swap, so at least the limit, and only with one. */
Test(spec_resources, memory_swap_is_memory_plus_swap)
{
	ok(RES("'memory':{'limit':1048576,'swap':1048576}"));
	ok(RES("'memory':{'limit':1048576,'swap':-1}"));
	ok(RES("'memory':{'swap':-1}"));
	parse_err(RES("'memory':{'limit':1048576,'swap':524288}"),
		  R "memory.swap: must be at least .limit (1048576): swap is memory plus swap, "
		  "got 524288");
	parse_err(RES("'memory':{'swap':1048576}"),
		  R "memory.swap: needs a .limit: swap is memory plus swap, and there is no memory "
		  "limit to add it to");
	parse_err(RES("'memory':{'limit':-1,'swap':1048576}"),
		  R "memory.swap: needs a .limit: swap is memory plus swap, and there is no memory "
		  "limit to add it to");
}

Test(spec_resources, memory_kernel_and_swappiness)
{
	ok(RES("'memory':{'kernel':-1,'kernelTCP':0,'swappiness':0}"));
	ok(RES("'memory':{'swappiness':100}"));
	parse_err(RES("'memory':{'kernel':-2}"),
		  R "memory.kernel: must be -1 (unlimited) or a number of bytes, got -2");
	parse_err(RES("'memory':{'kernelTCP':-100}"),
		  R "memory.kernelTCP: must be -1 (unlimited) or a number of bytes, got -100");
	parse_err(RES("'memory':{'swappiness':101}"),
		  R "memory.swappiness: expected an integer from 0 to 100, got 101");
	parse_err(RES("'memory':{'swappiness':-1}"),
		  R "memory.swappiness: expected an integer from 0 to 100, got -1");
}

/* ---- cpu ------------------------------------------------------------------------ */

Test(spec_resources, cpu_shares_from_2_to_262144)
{
	ok(RES("'cpu':{'shares':2}"));
	ok(RES("'cpu':{'shares':262144}"));
	ok(RES("'cpu':{'shares':0}"));
	parse_err(RES("'cpu':{'shares':1}"),
		  R "cpu.shares: must be 0 (not set) or from 2 to 262144, got 1");
	parse_err(RES("'cpu':{'shares':262145}"),
		  R "cpu.shares: must be 0 (not set) or from 2 to 262144, got 262145");
}

Test(spec_resources, cpu_quota_and_period)
{
	ok(RES("'cpu':{'quota':-1,'period':1000}"));
	ok(RES("'cpu':{'quota':1000,'period':1000000}"));
	ok(RES("'cpu':{'quota':17592186044415}"));
	parse_err(RES("'cpu':{'quota':999}"),
		  R "cpu.quota: must be -1 (unlimited), 0 (not set) or from 1000 to 17592186044415 "
		  "microseconds, got 999");
	ok(RES("'cpu':{'quota':0,'period':0}"));
	parse_err(RES("'cpu':{'quota':-2}"),
		  R "cpu.quota: must be -1 (unlimited), 0 (not set) or from 1000 to 17592186044415 "
		  "microseconds, got -2");
	parse_err(RES("'cpu':{'quota':17592186044416}"),
		  R "cpu.quota: must be -1 (unlimited), 0 (not set) or from 1000 to 17592186044415 "
		  "microseconds, got 17592186044416");
	parse_err(RES("'cpu':{'period':999}"),
		  R "cpu.period: must be 0 (not set) or from 1000 to 1000000 microseconds, got 999");
	parse_err(RES("'cpu':{'period':1000001}"),
		  R "cpu.period: must be 0 (not set) or from 1000 to 1000000 microseconds, got 1000001");
}

Test(spec_resources, cpu_burst_at_most_the_quota)
{
	ok(RES("'cpu':{'quota':50000,'burst':50000}"));
	ok(RES("'cpu':{'quota':50000,'burst':0}"));
	ok(RES("'cpu':{'quota':-1,'burst':1000}"));
	parse_err(RES("'cpu':{'quota':50000,'burst':50001}"),
		  R "cpu.burst: must be at most .quota (50000 microseconds), got 50001");
	parse_err(RES("'cpu':{'burst':17592186044416}"),
		  R "cpu.burst: must be at most 17592186044415 microseconds, got 17592186044416");
	parse_err(RES("'cpu':{'burst':-1}"),
		  R "cpu.burst: expected an unsigned 64-bit integer, got -1");
}

Test(spec_resources, cpu_realtime)
{
	ok(RES("'cpu':{'realtimeRuntime':950000,'realtimePeriod':1000000}"));
	ok(RES("'cpu':{'realtimeRuntime':-1,'realtimePeriod':1}"));
	ok(RES("'cpu':{'realtimeRuntime':0}"));
	ok(RES("'cpu':{'realtimePeriod':0}"));
	parse_err(RES("'cpu':{'realtimePeriod':9223372036854776}"),
		  R "cpu.realtimePeriod: must be 0 (not set) or from 1 to 9223372036854775 "
		  "microseconds, got 9223372036854776");
	parse_err(RES("'cpu':{'realtimeRuntime':-2}"),
		  R "cpu.realtimeRuntime: must be -1 (unlimited) or at least 0 microseconds, got -2");
	parse_err(RES("'cpu':{'realtimeRuntime':1000001,'realtimePeriod':1000000}"),
		  R "cpu.realtimeRuntime: must be at most .realtimePeriod (1000000 microseconds), "
		  "got 1000001");
}

Test(spec_resources, cpu_lists)
{
	ok(RES("'cpu':{'cpus':'0-3,5','mems':'0'}"));
	ok(RES("'cpu':{'cpus':'0-7:2/4,9,11-11','mems':''}"));
	parse_err(RES("'cpu':{'cpus':'0-3,'}"),
		  R "cpu.cpus: expected a list such as \"0-3,7\", got \"0-3,\"");
	parse_err(RES("'cpu':{'cpus':'3-1'}"),
		  R "cpu.cpus: expected a list such as \"0-3,7\", got \"3-1\"");
	parse_err(RES("'cpu':{'cpus':'0--3'}"),
		  R "cpu.cpus: expected a list such as \"0-3,7\", got \"0--3\"");
	parse_err(RES("'cpu':{'cpus':'all'}"),
		  R "cpu.cpus: expected a list such as \"0-3,7\", got \"all\"");
	parse_err(RES("'cpu':{'mems':'0-7:3/2'}"),
		  R "cpu.mems: expected a list such as \"0-3,7\", got \"0-7:3/2\"");
	parse_err(RES("'cpu':{'mems':'0 1'}"),
		  R "cpu.mems: expected a list such as \"0-3,7\", got \"0 1\"");
	parse_err(RES("'cpu':{'mems':'99999999999'}"),
		  R "cpu.mems: expected a list such as \"0-3,7\", got \"99999999999\"");
}

Test(spec_resources, cpu_idle_zero_or_one)
{
	ok(RES("'cpu':{'idle':0}"));
	ok(RES("'cpu':{'idle':1}"));
	parse_err(RES("'cpu':{'idle':2}"), R "cpu.idle: must be 0 or 1, got 2");
	parse_err(RES("'cpu':{'idle':-1}"), R "cpu.idle: must be 0 or 1, got -1");
}

/* The same list syntax for .process.execCPUAffinity, where "" means nothing. */
Test(spec_resources, exec_cpu_affinity_uses_the_kernel_list_syntax)
{
	ok(PROC("'execCPUAffinity':{'initial':'0-1,3','final':'2'}"));
	parse_err(PROC("'execCPUAffinity':{'initial':'1-0'}"),
		  "config.json: .process.execCPUAffinity.initial: expected a cpu list such as "
		  "\"0-3,7\", got \"1-0\"");
	parse_err(PROC("'execCPUAffinity':{'final':','}"),
		  "config.json: .process.execCPUAffinity.final: expected a cpu list such as "
		  "\"0-3,7\", got \",\"");
}

/* ---- pids ----------------------------------------------------------------------- */

Test(spec_resources, pids_limit_minus_one_zero_or_positive)
{
	ok(RES("'pids':{'limit':-1}"));
	ok(RES("'pids':{'limit':0}"));
	ok(RES("'pids':{'limit':1}"));
	ok(RES("'pids':{}"));            /* runtime-spec 1.3: limit is optional */
	parse_err(RES("'pids':{'limit':-2}"),
		  R "pids.limit: must be a number of processes (0: none), or -1 for unlimited, "
		  "got -2");
}

/* ---- block I/O ------------------------------------------------------------------ */

Test(spec_resources, blockio_weights_from_10_to_1000)
{
	ok(RES("'blockIO':{'weight':10,'leafWeight':1000}"));
	parse_err(RES("'blockIO':{'weight':9}"),
		  R "blockIO.weight: must be 0 (not set) or from 10 to 1000, got 9");
	parse_err(RES("'blockIO':{'leafWeight':1001}"),
		  R "blockIO.leafWeight: must be 0 (not set) or from 10 to 1000, got 1001");
	ok(RES("'blockIO':{'weight':0,'weightDevice':[{'major':8,'minor':16,'weight':0}]}"));
	parse_err(RES("'blockIO':{'weightDevice':[{'major':8,'minor':0,'weight':500},"
		      "{'major':8,'minor':16,'weight':1}]}"),
		  R "blockIO.weightDevice[1].weight: must be 0 (not set) or from 10 to 1000, got 1");
	parse_err(RES("'blockIO':{'weightDevice':[{'major':8,'minor':0,'leafWeight':5}]}"),
		  R "blockIO.weightDevice[0].leafWeight: must be 0 (not set) or from 10 to 1000, got 5");
}

Test(spec_resources, blockio_device_numbers_fit_dev_t)
{
	ok(RES("'blockIO':{'throttleReadBpsDevice':[{'major':4095,'minor':1048575,'rate':0}]}"));
	parse_err(RES("'blockIO':{'throttleReadBpsDevice':[{'major':4096,'minor':0,'rate':1}]}"),
		  R "blockIO.throttleReadBpsDevice[0].major: expected an integer from 0 to 4095, "
		  "got 4096");
	parse_err(RES("'blockIO':{'weightDevice':[{'major':8,'minor':1048576,'weight':10}]}"),
		  R "blockIO.weightDevice[0].minor: expected an integer from 0 to 1048575, "
		  "got 1048576");
	parse_err(RES("'blockIO':{'throttleWriteIOPSDevice':[{'major':8,'minor':0,'rate':-1}]}"),
		  R "blockIO.throttleWriteIOPSDevice[0].rate: expected an unsigned 64-bit "
		  "integer, got -1");
}

/* ---- hugepages, network, rdma ----------------------------------------------------- */

Test(spec_resources, hugepage_sizes)
{
	ok(RES("'hugepageLimits':[{'pageSize':'64KB','limit':0},{'pageSize':'2MB','limit':1},"
	       "{'pageSize':'1GB','limit':1073741824},{'pageSize':'16GB','limit':1}]"));
	static const char *const bad[] = { "2M", "2mb", "3MB", "02MB", "MB", "", "2MB ",
					   "../2MB", "0KB", "2TB" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		_cleanup_free_ char *text = xasprintf(RES("'hugepageLimits':[{'pageSize':'%s',"
							  "'limit':1}]"), bad[i]);
		_cleanup_free_ char *want = xasprintf(R "hugepageLimits[0].pageSize: expected a "
						      "power-of-two size in KB, MB or GB such as "
						      "\"2MB\" or \"1GB\", got \"%s\"", bad[i]);

		parse_err(text, want);
	}
}

Test(spec_resources, network_priority_names_are_interface_names)
{
	ok(RES("'network':{'classID':4294967295,'priorities':[{'name':'eth0','priority':0},"
	       "{'name':'abcdefghijklmno','priority':4294967295}]}"));
	parse_err(RES("'network':{'priorities':[{'name':'abcdefghijklmnop','priority':1}]}"),
		  R "network.priorities[0].name: expected a network interface name (1 to 15 "
		  "characters, no \"/\", \":\" or spaces), got \"abcdefghijklmnop\"");
	parse_err(RES("'network':{'priorities':[{'name':'eth0 5','priority':1}]}"),
		  R "network.priorities[0].name: expected a network interface name (1 to 15 "
		  "characters, no \"/\", \":\" or spaces), got \"eth0 5\"");
	parse_err(RES("'network':{'priorities':[{'name':'..','priority':1}]}"),
		  R "network.priorities[0].name: expected a network interface name (1 to 15 "
		  "characters, no \"/\", \":\" or spaces), got \"..\"");
	parse_err(RES("'network':{'priorities':[{'name':'','priority':1}]}"),
		  R "network.priorities[0].name: expected a network interface name (1 to 15 "
		  "characters, no \"/\", \":\" or spaces), got \"\"");
	parse_err(RES("'network':{'priorities':[{'name':'eth0','priority':-1}]}"),
		  R "network.priorities[0].priority: expected an unsigned 32-bit integer, got -1");
	parse_err(RES("'network':{'classID':-1}"),
		  R "network.classID: expected an unsigned 32-bit integer, got -1");
}

Test(spec_resources, rdma_device_names)
{
	ok(RES("'rdma':{'mlx5_1':{'hcaHandles':3,'hcaObjects':10000}}"));
	parse_err(RES("'rdma':{'mlx5 hca_handle=1':{'hcaHandles':3}}"),
		  R "rdma[\"mlx5 hca_handle=1\"]: expected an RDMA device name (1 to 63 "
		  "characters, no \"/\" or spaces)");
	parse_err(RES("'rdma':{'a/b':{}}"),
		  R "rdma[\"a/b\"]: expected an RDMA device name (1 to 63 characters, no \"/\" or "
		  "spaces)");
	parse_err(RES("'rdma':{'mlx5_1':{'hcaObjects':4294967296}}"),
		  R "rdma.mlx5_1.hcaObjects: expected an unsigned 32-bit integer, got 4294967296");
}

/* ---- device rules ---------------------------------------------------------------- */

Test(spec_resources, device_rules)
{
	ok(RES("'devices':[{'allow':false},{'allow':true,'type':'c','major':4294967295,"
	       "'minor':0,'access':'rwm'},{'allow':true,'type':'b','major':-1,'minor':-1,"
	       "'access':'m'}]"));
	parse_err(RES("'devices':[{'allow':true,'type':'u'}]"),
		  R "devices[0].type: expected \"a\", \"c\" or \"b\"");
	parse_err(RES("'devices':[{'allow':true,'access':'rwx'}]"),
		  R "devices[0].access: must be made of the letters r, w and m");
	parse_err(RES("'devices':[{'allow':true,'access':''}]"),
		  R "devices[0].access: must be made of the letters r, w and m");
	parse_err(RES("'devices':[{'allow':true,'major':-2}]"),
		  R "devices[0].major: must be a device number from 0 to 4294967295, or -1 for "
		  "any, got -2");
	parse_err(RES("'devices':[{'allow':true,'minor':4294967296}]"),
		  R "devices[0].minor: must be a device number from 0 to 4294967295, or -1 for "
		  "any, got 4294967296");
}

/* ---- unified ---------------------------------------------------------------------- */

Test(spec_resources, unified_keys_are_controller_files)
{
	ok(RES("'unified':{'memory.high':'max','memory.swap.max':'0','hugetlb.2MB.max':'0',"
	       "'io.bfq.weight':'100','cpu.uclamp.min':'0'}"));
	static const char *const bad[] = { "memory", ".memory.high", "memory.", "memory..high",
					   "../memory.high", "a/memory.high", "Memory.high",
					   "memory.high\\n", "memory.hi gh", "1memory.high" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		_cleanup_free_ char *text = xasprintf(RES("'unified':{'%s':'1'}"), bad[i]);
		struct husk_spec *s = NULL;
		struct husk_error err = { 0 };
		_cleanup_free_ char *json = q(text);

		cr_assert_lt(spec_parse(json, strlen(json), "config.json", &s, &err), 0,
			     "unified key \"%s\" was accepted", bad[i]);
		cr_assert(strstr(err.msg, "must be a cgroup file name such as \"memory.high\" "
				 "(controller.file)"), "%s", err.msg);
	}
}
