/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/cgroup/stats.c: the statistics of `husk events`, read from fake v1
 * (hybrid) and v2 cgroup trees in a temporary directory.  The cgroup comes
 * from cgroup_open() over a record pointing into the fake tree, which a
 * fake statfs(2) (host_reset_for_test) makes a cgroup filesystem.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "husk/cgroup.h"
#include "husk/host.h"
#include "husk/util.h"

static char root[64];
static bool pure_v2;

static char *at(const char *rel)
{
	return xasprintf("%s/%s", root, rel);
}

static void mkdir_p(const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path);

	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		cr_assert(mkdir(copy, 0755) == 0 || errno == EEXIST, "mkdir %s: %m", copy);
		*p = '/';
	}
	cr_assert(mkdir(copy, 0755) == 0 || errno == EEXIST, "mkdir %s: %m", copy);
}

/* root/rel with `text` (directories made as needed). */
static void put(const char *rel, const char *text)
{
	_cleanup_free_ char *path = at(rel);
	char *slash = strrchr(path, '/');
	FILE *f;

	*slash = '\0';
	mkdir_p(path);
	*slash = '/';
	f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %m", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/*
 * Below sys/fs/cgroup every path is a cgroup filesystem: "unified" (or, in
 * the v2 tests, the whole of it) cgroup2, the rest v1; sys/fs/cgroup itself
 * is the tmpfs that holds the v1 mounts on a hybrid host.
 */
static int fake_statfs(const char *path, struct statfs *buf)
{
	_cleanup_free_ char *base = at("sys/fs/cgroup");
	size_t n = strlen(base);

	if (statfs(path, buf) < 0)
		return -1;
	if (strncmp(path, base, n) != 0 || (path[n] != '\0' && path[n] != '/'))
		return 0;
	if (pure_v2)
		buf->f_type = CGROUP2_SUPER_MAGIC;
	else if (path[n] == '\0')
		buf->f_type = TMPFS_MAGIC;
	else if (strncmp(path + n, "/unified", 8) == 0)
		buf->f_type = CGROUP2_SUPER_MAGIC;
	else
		buf->f_type = CGROUP_SUPER_MAGIC;
	return 0;
}

static void setup_tree(bool v2)
{
	_cleanup_free_ char *proc = NULL, *sys = NULL, *etc = NULL;

	pure_v2 = v2;
	snprintf(root, sizeof(root), "/tmp/husk-cgstats-XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	cr_assert_eq(chmod(root, 0755), 0);
	put("etc/.keep", "");
	if (v2) {
		put("proc/self/cgroup", "0::/\n");
		put("sys/fs/cgroup/cgroup.controllers", "cpu io memory hugetlb pids\n");
	} else {
		put("proc/self/cgroup", "12:memory:/\n11:cpu,cpuacct:/\n10:pids:/\n9:blkio:/\n"
		    "8:hugetlb:/\n0::/\n");
		put("sys/fs/cgroup/unified/cgroup.controllers", "\n");
		for (const char *const *c = (const char *const[]){ "memory", "cpu,cpuacct", "pids",
								   "blkio", "hugetlb", NULL };
		     *c; c++) {
			_cleanup_free_ char *rel = xasprintf("sys/fs/cgroup/%s/cgroup.procs", *c);

			put(rel, "");
		}
	}
	proc = at("proc/self");
	sys = at("sys");
	etc = at("etc");
	host_reset_for_test(&(struct host_test_roots){
		.proc_self = proc, .sys = sys, .etc = etc, .statfs = fake_statfs });
}

static void teardown(void)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", root);

	host_reset_for_test(NULL);
	if (root[0] && system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", root);
}

static void setup_v1(void)
{
	setup_tree(false);
}

static void setup_v2(void)
{
	setup_tree(true);
}

TestSuite(cgroup_stats_v1, .init = setup_v1, .fini = teardown);
TestSuite(cgroup_stats_v2, .init = setup_v2, .fini = teardown);

/* The cgroup of a record naming these hierarchies -> directories below root. */
static struct cgroup *open_record(const char *const *pairs)
{
	struct husk_kv dirs[16] = { 0 };
	struct husk_error err = { 0 };
	struct cgroup *cg = NULL;
	size_t n = 0;

	for (; pairs[0]; pairs += 2, n++) {
		dirs[n].key = (char *)pairs[0];
		dirs[n].value = at(pairs[1]);
		mkdir_p(dirs[n].value);
	}
	cr_assert_eq(cgroup_open(dirs, n, NULL, &cg, &err), 0, "cgroup_open: %s", err.msg);
	for (size_t i = 0; i < n; i++)
		free(dirs[i].value);
	cr_assert(cgroup_exists(cg));
	return cg;
}

#define MEM "sys/fs/cgroup/memory/husk-t/"
#define CPU "sys/fs/cgroup/cpu,cpuacct/husk-t/"
#define PIDS "sys/fs/cgroup/pids/husk-t/"
#define BLKIO "sys/fs/cgroup/blkio/husk-t/"
#define HUGE "sys/fs/cgroup/hugetlb/husk-t/"

static struct cgroup *open_v1(void)
{
	return open_record((const char *const[]){
		"memory", MEM, "cpu", CPU, "cpuacct", CPU, "pids", PIDS, "blkio", BLKIO,
		"hugetlb", HUGE, "unified", "sys/fs/cgroup/unified/husk-t", NULL });
}

static const char *raw_value(const struct cgroup_stats *st, const char *key)
{
	for (size_t i = 0; i < st->memory.n_raw; i++)
		if (strcmp(st->memory.raw[i].key, key) == 0)
			return st->memory.raw[i].value;
	return NULL;
}

Test(cgroup_stats_v1, every_controller)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	struct husk_error err = { 0 };
	struct cgroup_stats st;
	uint64_t tick = 1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK);

	put(CPU "cpuacct.usage", "123456789\n");
	put(CPU "cpuacct.usage_percpu", "100 200 300 \n");
	put(CPU "cpuacct.stat", "user 7\nsystem 3\n");
	put(CPU "cpu.stat", "nr_periods 10\nnr_throttled 4\nthrottled_time 5000\n");
	put(MEM "memory.usage_in_bytes", "4096000\n");
	put(MEM "memory.max_usage_in_bytes", "8192000\n");
	put(MEM "memory.limit_in_bytes", "268435456\n");
	put(MEM "memory.failcnt", "2\n");
	put(MEM "memory.memsw.usage_in_bytes", "5000000\n");
	put(MEM "memory.memsw.limit_in_bytes", "536870912\n");
	put(MEM "memory.kmem.usage_in_bytes", "65536\n");
	put(MEM "memory.stat", "cache 12288\nrss 4083712\ntotal_cache 12288\n");
	put(MEM "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
	put(MEM "memory.use_hierarchy", "1\n");
	put(PIDS "pids.current", "5\n");
	put(PIDS "pids.max", "max\n");
	put(BLKIO "blkio.throttle.io_service_bytes_recursive",
	    "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Discard 0\n"
	    "8:0 Total 12288\nTotal 12288\n");
	put(BLKIO "blkio.throttle.io_serviced", "8:16 Read 1\n8:16 Write 2\nTotal 3\n");
	put(HUGE "hugetlb.2MB.usage_in_bytes", "2097152\n");
	put(HUGE "hugetlb.2MB.max_usage_in_bytes", "4194304\n");
	put(HUGE "hugetlb.2MB.failcnt", "1\n");
	put(HUGE "hugetlb.2MB.rsvd.usage_in_bytes", "99\n");
	put(HUGE "hugetlb.1GB.usage_in_bytes", "0\n");

	cg = open_v1();
	cr_assert_eq(cgroup_stats(cg, &st, &err), 0, "%s", err.msg);

	cr_expect_eq(st.cpu.total, 123456789);
	cr_assert_eq(st.cpu.n_percpu, 3);
	cr_expect_eq(st.cpu.percpu[0], 100);
	cr_expect_eq(st.cpu.percpu[2], 300);
	cr_expect_eq(st.cpu.user, 7 * tick);
	cr_expect_eq(st.cpu.kernel, 3 * tick);
	cr_expect_eq(st.cpu.periods, 10);
	cr_expect_eq(st.cpu.throttled_periods, 4);
	cr_expect_eq(st.cpu.throttled_time, 5000);

	cr_expect_eq(st.memory.usage.usage, 4096000);
	cr_expect_eq(st.memory.usage.max_usage, 8192000);
	cr_expect_eq(st.memory.usage.limit, 268435456);
	cr_expect_eq(st.memory.usage.failcnt, 2);
	cr_expect_eq(st.memory.swap.usage, 5000000);
	cr_expect_eq(st.memory.swap.limit, 536870912);
	cr_expect_eq(st.memory.swap.max_usage, 0, "a missing file reads as 0");
	cr_expect_eq(st.memory.kernel.usage, 65536);
	cr_expect_eq(st.memory.kernel_tcp.usage, 0);
	cr_expect_eq(st.memory.cache, 12288);
	cr_expect(st.memory.use_hierarchy);
	cr_expect_eq(st.oom_kills, 3);
	cr_assert_eq(st.memory.n_raw, 3);
	cr_expect_str_eq(raw_value(&st, "rss"), "4083712");

	cr_expect_eq(st.pids.current, 5);
	cr_expect_eq(st.pids.limit, 0, "pids.max \"max\" is no limit");

	cr_assert_eq(st.blkio.n_io_service_bytes, 6, "the Total line without a device is skipped");
	cr_expect_eq(st.blkio.io_service_bytes[1].major, 8);
	cr_expect_eq(st.blkio.io_service_bytes[1].minor, 0);
	cr_expect_str_eq(st.blkio.io_service_bytes[1].op, "Write");
	cr_expect_eq(st.blkio.io_service_bytes[1].value, 8192);
	cr_assert_eq(st.blkio.n_io_serviced, 2, "the plain file where _recursive is missing");
	cr_expect_eq(st.blkio.io_serviced[1].minor, 16);
	cr_expect_eq(st.blkio.io_serviced[1].value, 2);

	cr_assert_eq(st.n_hugetlb, 2, "2MB and 1GB, not the rsvd counters");
	for (size_t i = 0; i < st.n_hugetlb; i++) {
		if (strcmp(st.hugetlb[i].page_size, "2MB") == 0) {
			cr_expect_eq(st.hugetlb[i].usage, 2097152);
			cr_expect_eq(st.hugetlb[i].max_usage, 4194304);
			cr_expect_eq(st.hugetlb[i].failcnt, 1);
		} else {
			cr_expect_str_eq(st.hugetlb[i].page_size, "1GB");
			cr_expect_eq(st.hugetlb[i].usage, 0);
		}
	}
	cgroup_stats_free(&st);
	cr_expect_null(st.cpu.percpu);
}

Test(cgroup_stats_v1, missing_files_are_zeros)
{
	_cleanup_cgroup_ struct cgroup *cg = open_v1();
	struct husk_error err = { 0 };
	struct cgroup_stats st;

	cr_assert_eq(cgroup_stats(cg, &st, &err), 0, "%s", err.msg);
	cr_expect_eq(st.cpu.total, 0);
	cr_expect_eq(st.cpu.n_percpu, 0);
	cr_expect_eq(st.memory.usage.limit, 0);
	cr_expect_eq(st.memory.n_raw, 0);
	cr_expect_eq(st.pids.current, 0);
	cr_expect_eq(st.blkio.n_io_service_bytes, 0);
	cr_expect_eq(st.n_hugetlb, 0);
	cr_expect_eq(st.oom_kills, 0);
	cgroup_stats_free(&st);
}

Test(cgroup_stats_v1, malformed_file_is_an_error_naming_it)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	struct husk_error err = { 0 };
	struct cgroup_stats st;

	put(MEM "memory.usage_in_bytes", "lots\n");
	cg = open_v1();
	cr_assert_eq(cgroup_stats(cg, &st, &err), -EINVAL);
	cr_expect(strstr(err.msg, "memory.usage_in_bytes") != NULL, "%s", err.msg);
	cr_expect(strstr(err.msg, "\"lots\"") != NULL, "%s", err.msg);
	cr_expect_eq(st.memory.n_raw, 0, "nothing is left allocated after an error");
}

Test(cgroup_stats_v1, no_cgroup_is_an_error)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	struct husk_error err = { 0 };
	struct cgroup_stats st;

	cr_assert_eq(cgroup_open(NULL, 0, NULL, &cg, &err), 0, "%s", err.msg);
	cr_assert_not(cgroup_exists(cg));
	cr_assert_eq(cgroup_stats(cg, &st, &err), -ENOENT);
	cr_expect(strstr(err.msg, "no cgroup") != NULL, "%s", err.msg);
}

#define V2 "sys/fs/cgroup/husk-t/"

Test(cgroup_stats_v2, every_controller)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	struct husk_error err = { 0 };
	struct cgroup_stats st;

	put(V2 "cgroup.controllers", "cpu io memory hugetlb pids\n");
	put(V2 "cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n"
	    "nr_periods 20\nnr_throttled 6\nthrottled_usec 70\n");
	put(V2 "memory.current", "1048576\n");
	put(V2 "memory.max", "268435456\n");
	put(V2 "memory.events", "low 0\nhigh 0\nmax 9\noom 2\noom_kill 2\n");
	put(V2 "memory.swap.current", "4096\n");
	put(V2 "memory.swap.max", "max\n");
	put(V2 "memory.stat", "anon 1000\nfile 2000\n");
	put(V2 "pids.current", "3\n");
	put(V2 "pids.max", "1000\n");
	put(V2 "io.stat", "8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n"
	    "253:1 rbytes=5 wbytes=6 rios=7 wios=8 dbytes=0 dios=0\n");
	put(V2 "hugetlb.2MB.current", "2097152\n");
	put(V2 "hugetlb.2MB.max", "max\n");
	put(V2 "hugetlb.2MB.events", "max 4\n");
	put(V2 "hugetlb.2MB.rsvd.current", "0\n");

	cg = open_record((const char *const[]){ "unified", V2, NULL });
	cr_assert_eq(cgroup_stats(cg, &st, &err), 0, "%s", err.msg);

	cr_expect_eq(st.cpu.total, 1500000, "microseconds become nanoseconds");
	cr_expect_eq(st.cpu.user, 1000000);
	cr_expect_eq(st.cpu.kernel, 500000);
	cr_expect_eq(st.cpu.periods, 20);
	cr_expect_eq(st.cpu.throttled_periods, 6);
	cr_expect_eq(st.cpu.throttled_time, 70000);
	cr_expect_eq(st.cpu.n_percpu, 0);

	cr_expect_eq(st.memory.usage.usage, 1048576);
	cr_expect_eq(st.memory.usage.limit, 268435456);
	cr_expect_eq(st.memory.usage.failcnt, 9);
	cr_expect_eq(st.memory.swap.usage, 1048576 + 4096, "swap counts memory too, as v1");
	cr_expect_eq(st.memory.swap.limit, UINT64_MAX, "swap \"max\"");
	cr_expect_eq(st.memory.cache, 2000, "memory.stat file");
	cr_expect_eq(st.oom_kills, 2);
	cr_expect(st.memory.use_hierarchy);
	cr_expect_str_eq(raw_value(&st, "anon"), "1000");

	cr_expect_eq(st.pids.current, 3);
	cr_expect_eq(st.pids.limit, 1000);

	cr_assert_eq(st.blkio.n_io_service_bytes, 6);
	cr_assert_eq(st.blkio.n_io_serviced, 6);
	cr_expect_str_eq(st.blkio.io_service_bytes[0].op, "Read");
	cr_expect_eq(st.blkio.io_service_bytes[0].value, 100);
	cr_expect_eq(st.blkio.io_service_bytes[3].major, 253);
	cr_expect_eq(st.blkio.io_service_bytes[3].minor, 1);
	cr_expect_eq(st.blkio.io_service_bytes[3].value, 5);
	cr_expect_str_eq(st.blkio.io_serviced[4].op, "Write");
	cr_expect_eq(st.blkio.io_serviced[4].value, 8);

	cr_assert_eq(st.n_hugetlb, 1);
	cr_expect_str_eq(st.hugetlb[0].page_size, "2MB");
	cr_expect_eq(st.hugetlb[0].usage, 2097152);
	cr_expect_eq(st.hugetlb[0].max_usage, 0, "v2 keeps no peak");
	cr_expect_eq(st.hugetlb[0].failcnt, 4);
	cgroup_stats_free(&st);
}

Test(cgroup_stats_v2, memory_limit_max_and_no_controllers)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	struct husk_error err = { 0 };
	struct cgroup_stats st;

	/* Only the core files: cpu.stat has usage without the cpu controller. */
	put(V2 "cgroup.controllers", "\n");
	put(V2 "cpu.stat", "usage_usec 42\nuser_usec 40\nsystem_usec 2\n");
	put(V2 "memory.current", "1000\n");
	cg = open_record((const char *const[]){ "unified", V2, NULL });
	cr_assert_eq(cgroup_stats(cg, &st, &err), 0, "%s", err.msg);
	cr_expect_eq(st.cpu.total, 42000);
	cr_expect_eq(st.memory.usage.usage, 0, "no memory controller: not read");
	cgroup_stats_free(&st);
}
