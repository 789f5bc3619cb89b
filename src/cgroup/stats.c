/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Statistics of a container's cgroup for `husk events`: the numbers runc's
 * events report carries, read from v2 files where the controller is on the
 * unified hierarchy and from v1 files where it is not (cg_group_dir() says
 * which).  A file the host or kernel does not have reads as zero: stats
 * are best-effort by nature (cpu.stat without the cpu controller,
 * memory.oom_control without oom_kill before 4.13), and one missing
 * counter must not hide the rest.  A file that exists but does not parse
 * is an error naming it: that is a kernel format husk does not know.
 *
 * Units follow runc: cpu times in nanoseconds (v2 gives microseconds, v1
 * cpuacct.stat clock ticks), byte counts as they are.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup-internal.h"
#include "husk/util.h"

#define STAT_FILE_MAX (1u << 20)

/* The text of dir/file, or NULL when it cannot be read (missing: zeros). */
static char *cg_read(const char *dir, const char *file)
{
	_cleanup_free_ char *path = NULL;
	char *text = NULL;

	if (!dir)
		return NULL;
	path = xasprintf("%s/%s", dir, file);
	if (read_file_at(AT_FDCWD, path, STAT_FILE_MAX, &text, NULL, NULL) < 0)
		return NULL;
	return text;
}

/* One number; "max" (v2: no limit) is UINT64_MAX, as runc reports it. */
static int parse_value(const char *s, const char *dir, const char *file, uint64_t *out,
		       struct husk_error *err)
{
	if (strcmp(s, "max") == 0) {
		*out = UINT64_MAX;
		return 0;
	}
	if (parse_uint64(s, out) < 0)
		return husk_error_setq(err, EINVAL, "%s/%s: \"%s\" is not a number (a cgroup "
				       "file format husk does not know)", dir, file, s);
	return 0;
}

/* A file holding one number (memory.current, pids.max ...); missing: 0. */
static int read_u64(const char *dir, const char *file, uint64_t *out, struct husk_error *err)
{
	_cleanup_free_ char *text = cg_read(dir, file);

	*out = 0;
	if (!text)
		return 0;
	text[strcspn(text, "\n")] = '\0';
	return parse_value(text, dir, file, out, err);
}

/*
 * The value of `key` in a flat keyed file, "key value" per line (cpu.stat,
 * memory.events, memory.stat, cpuacct.stat, memory.oom_control); missing
 * file or key: 0.
 */
static int read_keyed(const char *dir, const char *file, const char *key, uint64_t *out,
		      struct husk_error *err)
{
	_cleanup_free_ char *text = cg_read(dir, file);
	size_t klen = strlen(key);

	*out = 0;
	if (!text)
		return 0;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
			return parse_value(line + klen + 1, dir, file, out, err);
	}
	return 0;
}

/* ---- cpu ------------------------------------------------------------------- */

/* v1 cpuacct.usage_percpu: numbers separated by spaces. */
static int read_percpu(const char *dir, struct cgroup_stats *st, struct husk_error *err)
{
	_cleanup_free_ char *text = cg_read(dir, "cpuacct.usage_percpu");
	char *save = NULL;

	if (!text)
		return 0;
	for (char *tok = strtok_r(text, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
		uint64_t v;
		int r = parse_value(tok, dir, "cpuacct.usage_percpu", &v, err);

		if (r < 0)
			return r;
		st->cpu.percpu = xrealloc(st->cpu.percpu, (st->cpu.n_percpu + 1) * sizeof(v));
		st->cpu.percpu[st->cpu.n_percpu++] = v;
	}
	return 0;
}

static int cpu_v2(const char *dir, struct cgroup_stats *st, struct husk_error *err)
{
	uint64_t total, user, sys, thr;
	int r;

	if ((r = read_keyed(dir, "cpu.stat", "usage_usec", &total, err)) < 0 ||
	    (r = read_keyed(dir, "cpu.stat", "user_usec", &user, err)) < 0 ||
	    (r = read_keyed(dir, "cpu.stat", "system_usec", &sys, err)) < 0 ||
	    (r = read_keyed(dir, "cpu.stat", "nr_periods", &st->cpu.periods, err)) < 0 ||
	    (r = read_keyed(dir, "cpu.stat", "nr_throttled", &st->cpu.throttled_periods,
			    err)) < 0 ||
	    (r = read_keyed(dir, "cpu.stat", "throttled_usec", &thr, err)) < 0)
		return r;
	st->cpu.total = total * 1000;
	st->cpu.user = user * 1000;
	st->cpu.kernel = sys * 1000;
	st->cpu.throttled_time = thr * 1000;
	return 0;
}

/*
 * v1: usage from cpuacct (cpuacct.stat counts USER_HZ ticks), throttling
 * from the cpu controller's cpu.stat (already nanoseconds).
 */
static int cpu_v1(const char *acct, const char *cpu, struct cgroup_stats *st,
		  struct husk_error *err)
{
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t user, sys;
	int r;

	if (hz <= 0)
		hz = 100;
	if ((r = read_u64(acct, "cpuacct.usage", &st->cpu.total, err)) < 0 ||
	    (r = read_percpu(acct, st, err)) < 0 ||
	    (r = read_keyed(acct, "cpuacct.stat", "user", &user, err)) < 0 ||
	    (r = read_keyed(acct, "cpuacct.stat", "system", &sys, err)) < 0 ||
	    (r = read_keyed(cpu, "cpu.stat", "nr_periods", &st->cpu.periods, err)) < 0 ||
	    (r = read_keyed(cpu, "cpu.stat", "nr_throttled", &st->cpu.throttled_periods,
			    err)) < 0 ||
	    (r = read_keyed(cpu, "cpu.stat", "throttled_time", &st->cpu.throttled_time, err)) < 0)
		return r;
	st->cpu.user = user * (1000000000ull / (uint64_t)hz);
	st->cpu.kernel = sys * (1000000000ull / (uint64_t)hz);
	return 0;
}

static int stats_cpu(const struct cgroup *cg, struct cgroup_stats *st, struct husk_error *err)
{
	bool v2 = false;
	const char *cpu = cg_group_dir(cg, CG_CPU, &v2);
	const char *acct = cg_hier_dir(cg, "cpuacct");

	if (cpu && v2)
		return cpu_v2(cpu, st, err);
	if (cpu || acct)
		return cpu_v1(acct, cpu, st, err);
	/* v2 keeps usage_usec & co in cpu.stat even without the cpu controller. */
	return cpu_v2(cg_hier_dir(cg, "unified"), st, err);
}

/* ---- memory ---------------------------------------------------------------- */

/* memory.stat as it is, each "key value" line an entry of raw. */
static int read_raw(const char *dir, struct cgroup_stats *st, struct husk_error *err)
{
	_cleanup_free_ char *text = cg_read(dir, "memory.stat");

	if (!text)
		return 0;
	for (char *line = text, *next; *line; line = next) {
		char *sp;
		uint64_t v;
		int r;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		r = parse_value(sp + 1, dir, "memory.stat", &v, err);
		if (r < 0)
			return r;
		st->memory.raw = xrealloc(st->memory.raw, (st->memory.n_raw + 1) *
					  sizeof(*st->memory.raw));
		st->memory.raw[st->memory.n_raw++] = (struct husk_kv){
			.key = xstrdup(line), .value = xstrdup(sp + 1) };
	}
	return 0;
}

/* v1 memory.<prefix>{usage_in_bytes,max_usage_in_bytes,limit_in_bytes,failcnt}. */
static int mem_entry_v1(const char *dir, const char *prefix, struct cgroup_mem_entry *e,
			struct husk_error *err)
{
	_cleanup_free_ char *u = xasprintf("memory.%susage_in_bytes", prefix);
	_cleanup_free_ char *m = xasprintf("memory.%smax_usage_in_bytes", prefix);
	_cleanup_free_ char *l = xasprintf("memory.%slimit_in_bytes", prefix);
	_cleanup_free_ char *f = xasprintf("memory.%sfailcnt", prefix);
	int r;

	if ((r = read_u64(dir, u, &e->usage, err)) < 0 ||
	    (r = read_u64(dir, m, &e->max_usage, err)) < 0 ||
	    (r = read_u64(dir, l, &e->limit, err)) < 0 ||
	    (r = read_u64(dir, f, &e->failcnt, err)) < 0)
		return r;
	return 0;
}

static int memory_v1(const char *dir, struct cgroup_stats *st, struct husk_error *err)
{
	uint64_t hier;
	int r;

	if ((r = mem_entry_v1(dir, "", &st->memory.usage, err)) < 0 ||
	    (r = mem_entry_v1(dir, "memsw.", &st->memory.swap, err)) < 0 ||
	    (r = mem_entry_v1(dir, "kmem.", &st->memory.kernel, err)) < 0 ||
	    (r = mem_entry_v1(dir, "kmem.tcp.", &st->memory.kernel_tcp, err)) < 0 ||
	    (r = read_keyed(dir, "memory.stat", "cache", &st->memory.cache, err)) < 0 ||
	    (r = read_keyed(dir, "memory.oom_control", "oom_kill", &st->oom_kills, err)) < 0 ||
	    (r = read_u64(dir, "memory.use_hierarchy", &hier, err)) < 0)
		return r;
	st->memory.use_hierarchy = hier == 1;
	return read_raw(dir, st, err);
}

/*
 * v2: limit "max" is UINT64_MAX; failcnt is memory.events' "max" count;
 * the peak is memory.peak (5.19+).  Swap as runc reports it on v2: v1's
 * memsw counted memory plus swap, so memory is added to swap's usage and,
 * when both are limited, to its limit.
 */
static int memory_v2(const char *dir, struct cgroup_stats *st, struct husk_error *err)
{
	struct cgroup_mem_entry *u = &st->memory.usage, *s = &st->memory.swap;
	int r;

	if ((r = read_u64(dir, "memory.current", &u->usage, err)) < 0 ||
	    (r = read_u64(dir, "memory.peak", &u->max_usage, err)) < 0 ||
	    (r = read_u64(dir, "memory.max", &u->limit, err)) < 0 ||
	    (r = read_keyed(dir, "memory.events", "max", &u->failcnt, err)) < 0 ||
	    (r = read_keyed(dir, "memory.events", "oom_kill", &st->oom_kills, err)) < 0 ||
	    (r = read_u64(dir, "memory.swap.current", &s->usage, err)) < 0 ||
	    (r = read_u64(dir, "memory.swap.peak", &s->max_usage, err)) < 0 ||
	    (r = read_u64(dir, "memory.swap.max", &s->limit, err)) < 0 ||
	    (r = read_keyed(dir, "memory.swap.events", "max", &s->failcnt, err)) < 0 ||
	    (r = read_keyed(dir, "memory.stat", "file", &st->memory.cache, err)) < 0)
		return r;
	s->usage += u->usage;
	if (s->limit != UINT64_MAX && u->limit != UINT64_MAX)
		s->limit += u->limit;
	st->memory.use_hierarchy = true;
	return read_raw(dir, st, err);
}

/* ---- pids, io, hugetlb ----------------------------------------------------- */

static int stats_pids(const char *dir, struct cgroup_stats *st, struct husk_error *err)
{
	int r;

	if ((r = read_u64(dir, "pids.current", &st->pids.current, err)) < 0 ||
	    (r = read_u64(dir, "pids.max", &st->pids.limit, err)) < 0)
		return r;
	if (st->pids.limit == UINT64_MAX)
		st->pids.limit = 0;     /* "max": none */
	return 0;
}

static void blkio_push(struct cgroup_blkio_entry **v, size_t *n, uint64_t major, uint64_t minor,
		       const char *op, uint64_t value)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n] = (struct cgroup_blkio_entry){ .major = major, .minor = minor, .value = value };
	snprintf((*v)[*n].op, sizeof((*v)[*n].op), "%s", op);
	(*n)++;
}

/*
 * v1 blkio.throttle.io_service_bytes & co: "MAJ:MIN Op VALUE" lines and a
 * closing "Total VALUE" (no device: skipped).  The _recursive file first
 * (it counts sub-cgroups too), the plain one where the kernel lacks it.
 */
static int blkio_v1_file(const char *dir, const char *base, struct cgroup_blkio_entry **v,
			 size_t *n, struct husk_error *err)
{
	_cleanup_free_ char *rec = xasprintf("%s_recursive", base);
	_cleanup_free_ char *text = cg_read(dir, rec);
	const char *file = rec;

	if (!text) {
		text = cg_read(dir, base);
		file = base;
	}
	if (!text)
		return 0;
	for (char *line = text, *next; *line; line = next) {
		char op[16];
		unsigned long long maj, min, val;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (strncmp(line, "Total ", 6) == 0 || *line == '\0')
			continue;
		if (sscanf(line, "%llu:%llu %15s %llu", &maj, &min, op, &val) != 4)
			return husk_error_setq(err, EINVAL, "%s/%s: line \"%s\" is not \"MAJ:MIN "
					       "OP VALUE\"", dir, file, line);
		blkio_push(v, n, maj, min, op, val);
	}
	return 0;
}

/* v2 io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N". */
static int blkio_v2(const char *dir, struct cgroup_stats *st, struct husk_error *err)
{
	static const struct { const char *key, *op; bool bytes; } map[] = {
		{ "rbytes", "Read", true }, { "wbytes", "Write", true },
		{ "dbytes", "Discard", true }, { "rios", "Read", false },
		{ "wios", "Write", false }, { "dios", "Discard", false },
	};
	_cleanup_free_ char *text = cg_read(dir, "io.stat");
	char *save = NULL;

	if (!text)
		return 0;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long maj, min;
		char *save2 = NULL, *tok;

		if (sscanf(line, "%llu:%llu", &maj, &min) != 2)
			return husk_error_setq(err, EINVAL, "%s/io.stat: line \"%s\" does not "
					       "start with MAJ:MIN", dir, line);
		strtok_r(line, " ", &save2);
		while ((tok = strtok_r(NULL, " ", &save2))) {
			char *eq = strchr(tok, '=');
			uint64_t val;

			if (!eq)
				continue;
			*eq = '\0';
			for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
				if (strcmp(tok, map[i].key) != 0)
					continue;
				if (parse_value(eq + 1, dir, "io.stat", &val, err) < 0)
					return -EINVAL;
				if (map[i].bytes)
					blkio_push(&st->blkio.io_service_bytes,
						   &st->blkio.n_io_service_bytes, maj, min,
						   map[i].op, val);
				else
					blkio_push(&st->blkio.io_serviced, &st->blkio.n_io_serviced,
						   maj, min, map[i].op, val);
			}
		}
	}
	return 0;
}

static int stats_blkio(const char *dir, bool v2, struct cgroup_stats *st,
		       struct husk_error *err)
{
	int r;

	if (v2)
		return blkio_v2(dir, st, err);
	r = blkio_v1_file(dir, "blkio.throttle.io_service_bytes", &st->blkio.io_service_bytes,
			  &st->blkio.n_io_service_bytes, err);
	if (r < 0)
		return r;
	return blkio_v1_file(dir, "blkio.throttle.io_serviced", &st->blkio.io_serviced,
			     &st->blkio.n_io_serviced, err);
}

/*
 * The page sizes are those the directory has files for:
 * hugetlb.<size>.current (v2) or hugetlb.<size>.usage_in_bytes (v1), where
 * <size> has no dot (hugetlb.2MB.rsvd.* are the reservation counters).
 * v2 keeps no peak, so max_usage stays 0 there (hugetlb.<size>.max is the
 * limit, not a peak); failcnt is the "max" count of hugetlb.<size>.events.
 */
static int stats_hugetlb(const char *dir, bool v2, struct cgroup_stats *st,
			 struct husk_error *err)
{
	const char *suffix = v2 ? ".current" : ".usage_in_bytes";
	DIR *dp;
	struct dirent *de;
	int r = 0;

	if (!dir || !(dp = opendir(dir)))
		return 0;
	while (r == 0 && (de = readdir(dp))) {
		const char *name = de->d_name, *size, *end;
		struct cgroup_hugetlb_entry *e;
		_cleanup_free_ char *a = NULL, *b = NULL;
		size_t slen;

		if (strncmp(name, "hugetlb.", 8) != 0)
			continue;
		size = name + 8;
		end = strchr(size, '.');
		if (!end || strcmp(end, suffix) != 0)
			continue;
		slen = (size_t)(end - size);
		if (slen == 0 || slen >= sizeof(e->page_size))
			continue;
		st->hugetlb = xrealloc(st->hugetlb, (st->n_hugetlb + 1) * sizeof(*st->hugetlb));
		e = &st->hugetlb[st->n_hugetlb++];
		memset(e, 0, sizeof(*e));
		memcpy(e->page_size, size, slen);
		r = read_u64(dir, name, &e->usage, err);
		if (r < 0)
			break;
		if (v2) {
			a = xasprintf("hugetlb.%s.events", e->page_size);
			r = read_keyed(dir, a, "max", &e->failcnt, err);
		} else {
			a = xasprintf("hugetlb.%s.max_usage_in_bytes", e->page_size);
			b = xasprintf("hugetlb.%s.failcnt", e->page_size);
			if ((r = read_u64(dir, a, &e->max_usage, err)) == 0)
				r = read_u64(dir, b, &e->failcnt, err);
		}
	}
	closedir(dp);
	return r;
}

/* ---- the whole ------------------------------------------------------------- */

int cgroup_stats(const struct cgroup *cg, struct cgroup_stats *st, struct husk_error *err)
{
	bool v2 = false;
	const char *dir;
	int r;

	memset(st, 0, sizeof(*st));
	if (!cgroup_exists(cg))
		return husk_error_setq(err, ENOENT, "the container has no cgroup (rootless "
				       "without a delegated cgroup): no statistics");
	r = stats_cpu(cg, st, err);
	if (r == 0 && (dir = cg_group_dir(cg, CG_MEMORY, &v2)))
		r = v2 ? memory_v2(dir, st, err) : memory_v1(dir, st, err);
	if (r == 0 && (dir = cg_group_dir(cg, CG_PIDS, &v2)))
		r = stats_pids(dir, st, err);
	if (r == 0 && (dir = cg_group_dir(cg, CG_BLKIO, &v2)))
		r = stats_blkio(dir, v2, st, err);
	if (r == 0 && (dir = cg_group_dir(cg, CG_HUGETLB, &v2)))
		r = stats_hugetlb(dir, v2, st, err);
	if (r < 0)
		cgroup_stats_free(st);
	return r;
}

void cgroup_stats_free(struct cgroup_stats *st)
{
	if (!st)
		return;
	free(st->cpu.percpu);
	for (size_t i = 0; i < st->memory.n_raw; i++) {
		free(st->memory.raw[i].key);
		free(st->memory.raw[i].value);
	}
	free(st->memory.raw);
	free(st->blkio.io_service_bytes);
	free(st->blkio.io_serviced);
	free(st->hugetlb);
	memset(st, 0, sizeof(*st));
}
