/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the two plans (plan-v1.c, plan-v2.c) share: the groups of
 * linux.resources and their controllers, appending writes and notes, the
 * checks both versions make, and the v1 -> v2 weight conversions.
 *
 * A plan is data: cgroup.c writes it, the unit tests read it.  The values
 * were range-checked by the parser (src/spec/resources.c) already; what is
 * checked again here is what a plan depends on to be right or safe (a
 * conversion's domain, anything that becomes part of a file name, the cpu
 * lists), because `husk update` may hand the plans values that never went
 * through the parser.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup-internal.h"
#include "husk/util.h"
#include "spec/spec-internal.h"

static const struct {
	const char *v1, *v2, *json;
} group_names[CG_GROUP_COUNT] = {
	[CG_MEMORY] = { "memory", "memory", ".linux.resources.memory" },
	[CG_CPU] = { "cpu", "cpu", ".linux.resources.cpu" },
	[CG_CPUSET] = { "cpuset", "cpuset", ".linux.resources.cpu" },
	[CG_PIDS] = { "pids", "pids", ".linux.resources.pids" },
	[CG_BLKIO] = { "blkio", "io", ".linux.resources.blockIO" },
	[CG_HUGETLB] = { "hugetlb", "hugetlb", ".linux.resources.hugepageLimits" },
	[CG_NET_CLS] = { "net_cls", NULL, ".linux.resources.network.classID" },
	[CG_NET_PRIO] = { "net_prio", NULL, ".linux.resources.network.priorities" },
	[CG_RDMA] = { "rdma", "rdma", ".linux.resources.rdma" },
	[CG_UNIFIED] = { "unified", "unified", ".linux.resources.unified" },
	[CG_DEVICES] = { "devices", "devices", ".linux.resources.devices" },
};

const char *cg_group_v1_name(enum cg_group g)
{
	return (unsigned)g < CG_GROUP_COUNT ? group_names[g].v1 : NULL;
}

/*
 * For CG_UNIFIED there is no one controller (each key names its own); the
 * name returned is the hierarchy's, as the state record spells cgroup2.
 * CG_DEVICES on v2 is an eBPF program, not a controller: "devices" still
 * names what the config asked for.
 */
const char *cg_group_v2_name(enum cg_group g)
{
	return (unsigned)g < CG_GROUP_COUNT ? group_names[g].v2 : NULL;
}

const char *cg_group_json_path(enum cg_group g)
{
	return (unsigned)g < CG_GROUP_COUNT ? group_names[g].json : NULL;
}

/*
 * A group is used when planning it alone gives a write, or an error, on
 * either version: so the question "does this config ask for anything?"
 * has the plans' own answer (a memory object holding only kernel limits,
 * or a cpus "", asks for nothing), and a config whose values are wrong is
 * not mistaken for one without limits: the plan will report it.
 */
unsigned cg_groups_used(const struct husk_resources *r)
{
	unsigned used = 0;

	if (!r)
		return 0;
	for (int g = 0; g < CG_GROUP_COUNT; g++) {
		struct cg_plan p;
		int ret;

		if (g == CG_DEVICES) {
			if (r->n_devices > 0)
				used |= 1u << g;
			continue;
		}
		ret = cg1_plan(r, 1u << g, false, &p, NULL);
		if (ret < 0 || p.n > 0)
			used |= 1u << g;
		cg_plan_free(&p);
		if (used & (1u << g))
			continue;
		ret = cg2_plan(r, 1u << g, false, &p, NULL);
		if (ret < 0 || p.n > 0)
			used |= 1u << g;
		cg_plan_free(&p);
	}
	return used;
}

void cg_plan_free(struct cg_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->w[i].file);
		free(p->w[i].value);
		free(p->w[i].json_path);
		free(p->w[i].alt_file);
		free(p->w[i].alt_value);
	}
	free(p->w);
	strv_freep(&p->notes);
	*p = (struct cg_plan){ 0 };
}

/* The array grows to the next power of two whenever n reaches one. */
struct cg_write *cg_plan_add(struct cg_plan *p, enum cg_group g, const char *json_path,
			     const char *file, const char *fmt, ...)
{
	struct cg_write *w;
	va_list ap, ap2;
	int len;

	if (p->n == 0 || (p->n & (p->n - 1)) == 0)
		p->w = xrealloc(p->w, (p->n ? p->n * 2 : 4) * sizeof(*p->w));
	w = &p->w[p->n++];
	*w = (struct cg_write){ .group = g };
	w->file = xstrdup(file);
	w->json_path = xstrdup(json_path);
	va_start(ap, fmt);
	va_copy(ap2, ap);
	len = vsnprintf(NULL, 0, fmt, ap);
	w->value = xmalloc(len > 0 ? (size_t)len + 1 : 1);
	vsnprintf(w->value, len > 0 ? (size_t)len + 1 : 1, fmt, ap2);
	va_end(ap2);
	va_end(ap);
	return w;
}

void cg_plan_note(struct cg_plan *p, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	strv_push(&p->notes, buf);
}

int cg_plan_fail(struct husk_error *err, int errnum, const char *json_path, const char *fmt, ...)
{
	char buf[HUSK_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return husk_error_setq(err, errnum, "config.json: %s: %s", json_path, buf);
}

void cg_plan_amount(char *buf, size_t size, int64_t v, const char *unlimited)
{
	if (v == -1)
		snprintf(buf, size, "%s", unlimited);
	else
		snprintf(buf, size, "%lld", (long long)v);
}

/*
 * rdma.max, the same file and syntax on v1 and v2: the keys given are
 * set, the kernel keeps the others as they are.
 */
void cg_plan_rdma(const struct husk_resources *r, struct cg_plan *p)
{
	char path[128], line[128];

	for (size_t i = 0; i < r->n_rdma; i++) {
		const struct husk_rdma *d = &r->rdma[i];

		snprintf(path, sizeof(path), ".linux.resources.rdma.%s", d->device);
		if (!d->hca_handles.set && !d->hca_objects.set) {
			cg_plan_note(p, "%s: neither hcaHandles nor hcaObjects: nothing to limit", path);
			continue;
		}
		snprintf(line, sizeof(line), "%s", d->device);
		if (d->hca_handles.set)
			snprintf(line + strlen(line), sizeof(line) - strlen(line), " hca_handle=%llu",
				 (unsigned long long)d->hca_handles.value);
		if (d->hca_objects.set)
			snprintf(line + strlen(line), sizeof(line) - strlen(line), " hca_object=%llu",
				 (unsigned long long)d->hca_objects.value);
		cg_plan_add(p, CG_RDMA, path, "rdma.max", "%s", line);
	}
}

/* ---- conversions ---------------------------------------------------------- */

#define LN2 0.69314718055994530942
#define LN10 2.30258509299404568402

/*
 * ln(x), x >= 1, to about 1e-16: husk does not link libm (the unit tests
 * build against glibc, where it is a library of its own).  x = m 2^k with
 * m in [1, 2), and ln m = 2 atanh((m - 1) / (m + 1)), a series in z^2 <
 * 1/9 that 30 terms take below double precision.
 */
static double ln_ge1(double x)
{
	double z, z2, term, sum = 0;
	int k = 0;

	while (x >= 2) {
		x /= 2;
		k++;
	}
	z = (x - 1) / (x + 1);
	z2 = z * z;
	term = z;
	for (int n = 1; n < 60; n += 2) {
		sum += term / n;
		term *= z2;
	}
	return k * LN2 + 2 * sum;
}

/*
 * The weight is the smallest w with log10(w) >= e(L): searched rather than
 * computed by pow() and ceil(), so the three points where e is a whole
 * number (2 -> 1, 1024 -> 100, 262144 -> 10000) come out exact instead of
 * one above on a rounding error.
 */
uint64_t cg_cpu_shares_to_weight(uint64_t shares)
{
	uint64_t lo = 1, hi = 10000;
	double l, e;

	if (shares <= 2)
		return 1;
	if (shares >= 262144)
		return 10000;
	l = ln_ge1((double)shares) / LN2;
	e = (l * l + 125 * l - 126) / 612;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (ln_ge1((double)mid) / LN10 >= e - 1e-12)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

uint64_t cg_blkio_to_io_weight(uint64_t weight)
{
	if (weight <= 10)
		return 1;
	if (weight >= 1000)
		return 10000;
	return 1 + (weight - 10) * 9999 / 990;
}

/* ---- what both versions write alike ----------------------------------------- */

/*
 * cpuset.cpus and cpuset.mems have the same names and syntax in v1 and v2.
 * A new v1 cpuset takes no task until both are filled: what the config
 * leaves out, cgroup.c copies from the parent.  "" is what an engine
 * writes when it sets nothing.
 */
void cg_plan_cpuset(const struct husk_cpu *c, struct cg_plan *p)
{
	if (c->cpus && c->cpus[0])
		cg_plan_add(p, CG_CPUSET, ".linux.resources.cpu.cpus", "cpuset.cpus", "%s", c->cpus);
	if (c->mems && c->mems[0])
		cg_plan_add(p, CG_CPUSET, ".linux.resources.cpu.mems", "cpuset.mems", "%s", c->mems);
}

const char *const cg_throttle_json[4] = {
	[THROTTLE_READ_BPS] = "throttleReadBpsDevice",
	[THROTTLE_WRITE_BPS] = "throttleWriteBpsDevice",
	[THROTTLE_READ_IOPS] = "throttleReadIOPSDevice",
	[THROTTLE_WRITE_IOPS] = "throttleWriteIOPSDevice",
};

/* ---- checks both versions make --------------------------------------------- */

static int check_memory(const struct husk_memory *m, struct husk_error *err)
{
	static const char *const names[] = { "limit", "reservation", "swap" };
	const husk_opt_i64 *v[] = { &m->limit, &m->reservation, &m->swap };
	char path[96];

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		snprintf(path, sizeof(path), ".linux.resources.memory.%s", names[i]);
		if (v[i]->set && v[i]->value < -1)
			return cg_plan_fail(err, EINVAL, path, "must be -1 (unlimited), 0 (not set) "
					    "or a number of bytes, got %lld",
					    (long long)v[i]->value);
	}
	/* swap is memory plus swap: v1's memsw limit and the v2 subtraction both need a limit. */
	if (!m->swap.set || m->swap.value <= 0)
		return 0;
	if (!m->limit.set || m->limit.value <= 0)
		return cg_plan_fail(err, EINVAL, ".linux.resources.memory.swap",
				    "needs .limit: swap is memory plus swap, and there is no "
				    "memory limit to add it to");
	if (m->swap.value < m->limit.value)
		return cg_plan_fail(err, EINVAL, ".linux.resources.memory.swap",
				    "%lld is below .limit (%lld): swap is memory plus swap",
				    (long long)m->swap.value, (long long)m->limit.value);
	return 0;
}

static int check_cpu(const struct husk_cpu *c, unsigned groups, struct husk_error *err)
{
	if ((groups & (1u << CG_CPU)) && c->shares.set && c->shares.value != 0) {
		if (c->shares.value < 2)
			return cg_plan_fail(err, EINVAL, ".linux.resources.cpu.shares",
					    "%llu is below the minimum of 2",
					    (unsigned long long)c->shares.value);
		if (c->shares.value > 262144)
			return cg_plan_fail(err, EINVAL, ".linux.resources.cpu.shares",
					    "%llu is above the maximum of 262144",
					    (unsigned long long)c->shares.value);
	}
	if ((groups & (1u << CG_CPU)) && c->quota.set && c->quota.value < -1)
		return cg_plan_fail(err, EINVAL, ".linux.resources.cpu.quota",
				    "must be -1 (unlimited), 0 (not set) or a number of "
				    "microseconds, got %lld", (long long)c->quota.value);
	if ((groups & (1u << CG_CPU)) && c->idle.set && c->idle.value != 0 && c->idle.value != 1)
		return cg_plan_fail(err, EINVAL, ".linux.resources.cpu.idle",
				    "must be 0 or 1, got %lld", (long long)c->idle.value);
	if (!(groups & (1u << CG_CPUSET)))
		return 0;
	if (c->cpus && !spec_cpu_list_valid(c->cpus))
		return cg_plan_fail(err, EINVAL, ".linux.resources.cpu.cpus",
				    "expected a list such as \"0-3,7\", got \"%s\"", c->cpus);
	if (c->mems && !spec_cpu_list_valid(c->mems))
		return cg_plan_fail(err, EINVAL, ".linux.resources.cpu.mems",
				    "expected a list such as \"0-1\", got \"%s\"", c->mems);
	return 0;
}

static int check_block_io(const struct husk_block_io *b, struct husk_error *err)
{
	char path[128];

	if (b->weight.set && b->weight.value != 0 && (b->weight.value < 10 || b->weight.value > 1000))
		return cg_plan_fail(err, EINVAL, ".linux.resources.blockIO.weight",
				    "must be 0 (not set) or from 10 to 1000, got %llu",
				    (unsigned long long)b->weight.value);
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const husk_opt_u64 *w = &b->weight_device[i].weight;

		snprintf(path, sizeof(path), ".linux.resources.blockIO.weightDevice[%zu].weight", i);
		if (w->set && w->value != 0 && (w->value < 10 || w->value > 1000))
			return cg_plan_fail(err, EINVAL, path, "must be 0 (not set) or from 10 to "
					    "1000, got %llu", (unsigned long long)w->value);
	}
	return 0;
}

/*
 * The checks that do not depend on the version, for the groups planned.
 * (What only one version refuses, such as realtime limits on v2, is the
 * version's plan's to say.)
 */
int cg_plan_check(const struct husk_resources *r, unsigned groups, struct husk_error *err)
{
	int ret;

	if ((groups & (1u << CG_MEMORY)) && r->memory && (ret = check_memory(r->memory, err)) < 0)
		return ret;
	if ((groups & ((1u << CG_CPU) | (1u << CG_CPUSET))) && r->cpu &&
	    (ret = check_cpu(r->cpu, groups, err)) < 0)
		return ret;
	if ((groups & (1u << CG_PIDS)) && r->pids_limit.set && r->pids_limit.value < -1)
		return cg_plan_fail(err, EINVAL, ".linux.resources.pids.limit",
				    "must be -1 (unlimited) or a number of processes, got %lld",
				    (long long)r->pids_limit.value);
	if ((groups & (1u << CG_BLKIO)) && r->block_io && (ret = check_block_io(r->block_io, err)) < 0)
		return ret;
	for (size_t i = 0; (groups & (1u << CG_HUGETLB)) && i < r->n_hugepage_limits; i++) {
		char path[96];

		snprintf(path, sizeof(path), ".linux.resources.hugepageLimits[%zu].pageSize", i);
		/* it becomes part of a file name: checked here whatever the parser did */
		if (!spec_hugepage_size_valid(r->hugepage_limits[i].page_size))
			return cg_plan_fail(err, EINVAL, path, "expected a power-of-two size in KB, "
					    "MB or GB such as \"2MB\" or \"1GB\"");
	}
	return 0;
}
