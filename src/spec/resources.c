/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json .linux.resources: the cgroup limits, read into plain numbers
 * for src/cgroup/.  Types follow the runtime-spec (memory values are int64
 * because -1 means "unlimited"; cpu shares are uint64; block I/O weights
 * are uint16).
 *
 * Every value is checked here against the range the kernel accepts, so a
 * config the kernel would refuse (or, worse, take as something else: a
 * memory limit of -5) fails at parse time with its JSON path, before
 * anything exists.  The rules are the kernel's (mm/memcontrol.c,
 * kernel/sched/core.c, block/blk-cgroup.c, cgroup v1 and v2 documentation);
 * where v1 and v2 differ, the values are in the runtime-spec's v1 terms
 * (memory.swap is memory plus swap) and the stricter range is used.  Which
 * controllers a given hierarchy has is the cgroup manager's to decide.
 *
 * 0 in a memory limit, cpu shares, quota, period, realtime period or a block
 * I/O weight means "not set": that is how runc and crun read it, and engines
 * write such zeros (a resource the user left alone), so refusing them would
 * refuse configs every other runtime runs.  The cgroup managers must skip
 * them the same way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "husk/spec.h"
#include "husk/util.h"
#include "spec/spec-internal.h"

/* A zero that means "leave this limit alone" (see above). */
#define RES_UNSET 0

static int parse_device_rule(const struct jr *r, const struct jnode *v, const struct jpath *p,
			     struct husk_device_cgroup *d)
{
	static const char *const types[] = { "a", "c", "b", NULL };
	_cleanup_free_ char *type = NULL;
	const struct jnode *f;
	int ret;

	ret = jr_object(r, v, p);
	if (ret < 0)
		return ret;
	if ((ret = jr_require(r, v, p, "allow", &f)) < 0 ||
	    (ret = jr_get_bool(r, v, p, "allow", &d->allow)) < 0)
		return ret;
	d->type = 'a';
	ret = jr_get_string(r, v, p, "type", &type);
	if (ret < 0)
		return ret;
	if (ret > 0) {
		if (jr_lookup(types, type) < 0)
			return jr_fail(r, JP_KEY(p, "type"), "expected \"a\", \"c\" or \"b\"");
		d->type = type[0];
	}
	if ((ret = jr_get_opt_i64(r, v, p, "major", INT64_MIN, INT64_MAX, &d->major)) < 0 ||
	    (ret = jr_get_opt_i64(r, v, p, "minor", INT64_MIN, INT64_MAX, &d->minor)) < 0 ||
	    (ret = jr_get_string(r, v, p, "access", &d->access)) < 0)
		return ret;
	/* -1 is how Go writers spell the wildcard: treat it as absent. */
	if (d->major.set && d->major.value == -1)
		d->major.set = false;
	if (d->minor.set && d->minor.value == -1)
		d->minor.set = false;
	/* The device cgroup reads each number as an unsigned 32-bit value. */
	if (d->major.set && (d->major.value < 0 || d->major.value > UINT32_MAX))
		return jr_fail(r, JP_KEY(p, "major"), "must be a device number from 0 to %u, or "
			       "-1 for any, got %lld", UINT32_MAX, (long long)d->major.value);
	if (d->minor.set && (d->minor.value < 0 || d->minor.value > UINT32_MAX))
		return jr_fail(r, JP_KEY(p, "minor"), "must be a device number from 0 to %u, or "
			       "-1 for any, got %lld", UINT32_MAX, (long long)d->minor.value);
	if (d->access && (d->access[0] == '\0' || strspn(d->access, "rwm") != strlen(d->access)))
		return jr_fail(r, JP_KEY(p, "access"), "must be made of the letters r, w and m");
	return 0;
}

/*
 * A memory value in bytes: -1 (unlimited) or at least one page.  The
 * kernel counts pages and rounds a byte value down (page_counter_memparse),
 * so a smaller limit is a limit of nothing, and any other negative number
 * has no meaning at all.  0 is "not set": runc and crun read a zero limit
 * that way, and engines write one (see RES_UNSET).
 */
static int check_memory_bytes(const struct jr *r, const struct jpath *p, const char *key,
			      const husk_opt_i64 *v)
{
	long page = sysconf(_SC_PAGESIZE);

	if (page <= 0)
		page = 4096;
	if (!v->set || v->value == -1 || v->value == RES_UNSET || v->value >= page)
		return 0;
	return jr_fail(r, JP_KEY(p, key), "must be -1 (unlimited), 0 (not set) or at least one "
		       "page (%ld bytes), got %lld", page, (long long)v->value);
}

/*
 * .kernel and .kernelTCP are deprecated (cgroup v2 and recent kernels have
 * no such limits; runc ignores them), and the runtime-spec's own example
 * has kernelTCP 0: only what is no amount at all is refused.
 */
static int check_kernel_memory(const struct jr *r, const struct jpath *p, const char *key,
			       const husk_opt_i64 *v)
{
	if (!v->set || v->value >= -1)
		return 0;
	return jr_fail(r, JP_KEY(p, key), "must be -1 (unlimited) or a number of bytes, got %lld",
		       (long long)v->value);
}

/*
 * .swap is memory plus swap (cgroup v1's memory.memsw.limit_in_bytes, which
 * the runtime-spec follows): the kernel refuses it below the memory limit,
 * and with no memory limit there is nothing it could be above.
 */
static int check_memory(const struct jr *r, const struct jpath *p, const struct husk_memory *m)
{
	int ret;

	if ((ret = check_memory_bytes(r, p, "limit", &m->limit)) < 0 ||
	    (ret = check_memory_bytes(r, p, "reservation", &m->reservation)) < 0 ||
	    (ret = check_memory_bytes(r, p, "swap", &m->swap)) < 0 ||
	    (ret = check_kernel_memory(r, p, "kernel", &m->kernel)) < 0 ||
	    (ret = check_kernel_memory(r, p, "kernelTCP", &m->kernel_tcp)) < 0)
		return ret;
	if (!m->swap.set || m->swap.value == -1 || m->swap.value == RES_UNSET)
		return 0;
	if (!m->limit.set || m->limit.value == -1 || m->limit.value == RES_UNSET)
		return jr_fail(r, JP_KEY(p, "swap"), "needs a .limit: swap is memory plus swap, "
			       "and there is no memory limit to add it to");
	if (m->swap.value < m->limit.value)
		return jr_fail(r, JP_KEY(p, "swap"), "must be at least .limit (%lld): swap is "
			       "memory plus swap, got %lld", (long long)m->limit.value,
			       (long long)m->swap.value);
	return 0;
}

static int parse_memory(const struct jr *r, const struct jnode *res, const struct jpath *rp,
			struct husk_resources *out)
{
	const struct jpath *p = JP_KEY(rp, "memory");
	struct husk_memory *m;
	const struct jnode *v;
	int ret;

	ret = jr_get_object(r, res, rp, "memory", &v);
	if (ret <= 0)
		return ret;
	m = out->memory = xcalloc(1, sizeof(*m));
	if ((ret = jr_get_opt_i64(r, v, p, "limit", INT64_MIN, INT64_MAX, &m->limit)) < 0 ||
	    (ret = jr_get_opt_i64(r, v, p, "reservation", INT64_MIN, INT64_MAX,
				  &m->reservation)) < 0 ||
	    (ret = jr_get_opt_i64(r, v, p, "swap", INT64_MIN, INT64_MAX, &m->swap)) < 0 ||
	    (ret = jr_get_opt_i64(r, v, p, "kernel", INT64_MIN, INT64_MAX, &m->kernel)) < 0 ||
	    (ret = jr_get_opt_i64(r, v, p, "kernelTCP", INT64_MIN, INT64_MAX,
				  &m->kernel_tcp)) < 0 ||
	    (ret = jr_get_opt_u64(r, v, p, "swappiness", 100, &m->swappiness)) < 0 ||
	    (ret = jr_get_opt_bool(r, v, p, "disableOOMKiller", &m->disable_oom_killer)) < 0 ||
	    (ret = jr_get_opt_bool(r, v, p, "useHierarchy", &m->use_hierarchy)) < 0 ||
	    (ret = jr_get_opt_bool(r, v, p, "checkBeforeUpdate", &m->check_before_update)) < 0)
		return ret;
	return check_memory(r, p, m);
}

/* kernel/sched: periods from 1 ms to 1 s, quotas from 1 ms up to MAX_BW (2^44 - 1 µs). */
#define CFS_PERIOD_MIN 1000u
#define CFS_PERIOD_MAX 1000000u
#define CFS_QUOTA_MIN 1000
#define CFS_RUNTIME_MAX ((INT64_C(1) << 44) - 1)
/* cgroup v1 cpu.shares: MIN_SHARES and MAX_SHARES. */
#define CPU_SHARES_MIN 2u
#define CPU_SHARES_MAX 262144u

/*
 * A cpu or memory-node list as the kernel parses it (bitmap_parselist):
 * comma-separated numbers and ranges "a-b" with a <= b, a range optionally
 * strided as "a-b:used/group" (0 < used <= group).  "" is allowed: it is
 * what an engine writes when it sets nothing.
 */
bool spec_cpu_list_valid(const char *s)
{
	while (*s) {
		unsigned long a, b, used, group;
		char *end;

		if (*s < '0' || *s > '9')
			return false;
		a = b = strtoul(s, &end, 10);
		s = end;
		if (*s == '-') {
			if (s[1] < '0' || s[1] > '9')
				return false;
			b = strtoul(s + 1, &end, 10);
			s = end;
			if (b < a)
				return false;
			if (*s == ':') {
				if (s[1] < '0' || s[1] > '9')
					return false;
				used = strtoul(s + 1, &end, 10);
				if (*end != '/' || end[1] < '0' || end[1] > '9')
					return false;
				group = strtoul(end + 1, &end, 10);
				s = end;
				if (used == 0 || group == 0 || used > group)
					return false;
			}
		}
		if (a > INT32_MAX || b > INT32_MAX)
			return false;
		if (*s == ',' && s[1] != '\0')
			s++;
		else if (*s != '\0')
			return false;
	}
	return true;
}

static int check_cpu_list(const struct jr *r, const struct jpath *p, const char *key,
			  const char *s)
{
	char shown[80];

	if (!s || spec_cpu_list_valid(s))
		return 0;
	jr_quote(s, strlen(s), shown, sizeof(shown));
	return jr_fail(r, JP_KEY(p, key), "expected a list such as \"0-3,7\", got %s", shown);
}

static int check_cpu(const struct jr *r, const struct jpath *p, const struct husk_cpu *c)
{
	int ret;

	if (c->shares.set && c->shares.value != RES_UNSET &&
	    (c->shares.value < CPU_SHARES_MIN || c->shares.value > CPU_SHARES_MAX))
		return jr_fail(r, JP_KEY(p, "shares"), "must be 0 (not set) or from %u to %u, got %llu",
			       CPU_SHARES_MIN, CPU_SHARES_MAX, (unsigned long long)c->shares.value);
	if (c->quota.set && c->quota.value != -1 && c->quota.value != RES_UNSET &&
	    (c->quota.value < CFS_QUOTA_MIN || c->quota.value > CFS_RUNTIME_MAX))
		return jr_fail(r, JP_KEY(p, "quota"), "must be -1 (unlimited), 0 (not set) or from %d to %lld "
			       "microseconds, got %lld", CFS_QUOTA_MIN, (long long)CFS_RUNTIME_MAX,
			       (long long)c->quota.value);
	if (c->period.set && c->period.value != RES_UNSET &&
	    (c->period.value < CFS_PERIOD_MIN || c->period.value > CFS_PERIOD_MAX))
		return jr_fail(r, JP_KEY(p, "period"), "must be 0 (not set) or from %u to %u "
			       "microseconds, got %llu",
			       CFS_PERIOD_MIN, CFS_PERIOD_MAX, (unsigned long long)c->period.value);
	if (c->burst.set && c->quota.set && c->quota.value > 0 &&
	    c->burst.value > (uint64_t)c->quota.value)
		return jr_fail(r, JP_KEY(p, "burst"), "must be at most .quota (%lld microseconds), "
			       "got %llu", (long long)c->quota.value,
			       (unsigned long long)c->burst.value);
	if (c->burst.set && c->burst.value > (uint64_t)CFS_RUNTIME_MAX)
		return jr_fail(r, JP_KEY(p, "burst"), "must be at most %lld microseconds, got %llu",
			       (long long)CFS_RUNTIME_MAX, (unsigned long long)c->burst.value);
	/* cpu.rt_period_us: > 0; cpu.rt_runtime_us: -1 (no limit) or 0 up to the period. */
	if (c->realtime_period.set && c->realtime_period.value > INT64_MAX / 1000)
		return jr_fail(r, JP_KEY(p, "realtimePeriod"), "must be 0 (not set) or from 1 to %lld "
			       "microseconds, got %llu", (long long)(INT64_MAX / 1000),
			       (unsigned long long)c->realtime_period.value);
	if (c->realtime_runtime.set && c->realtime_runtime.value < -1)
		return jr_fail(r, JP_KEY(p, "realtimeRuntime"), "must be -1 (unlimited) or at "
			       "least 0 microseconds, got %lld", (long long)c->realtime_runtime.value);
	if (c->realtime_runtime.set && c->realtime_period.set && c->realtime_runtime.value > 0 &&
	    (uint64_t)c->realtime_runtime.value > c->realtime_period.value)
		return jr_fail(r, JP_KEY(p, "realtimeRuntime"), "must be at most .realtimePeriod "
			       "(%llu microseconds), got %lld",
			       (unsigned long long)c->realtime_period.value,
			       (long long)c->realtime_runtime.value);
	if ((ret = check_cpu_list(r, p, "cpus", c->cpus)) < 0 ||
	    (ret = check_cpu_list(r, p, "mems", c->mems)) < 0)
		return ret;
	/* cgroup v2 cpu.idle */
	if (c->idle.set && c->idle.value != 0 && c->idle.value != 1)
		return jr_fail(r, JP_KEY(p, "idle"), "must be 0 or 1, got %lld",
			       (long long)c->idle.value);
	return 0;
}

static int parse_cpu(const struct jr *r, const struct jnode *res, const struct jpath *rp,
		     struct husk_resources *out)
{
	const struct jpath *p = JP_KEY(rp, "cpu");
	struct husk_cpu *c;
	const struct jnode *v;
	int ret;

	ret = jr_get_object(r, res, rp, "cpu", &v);
	if (ret <= 0)
		return ret;
	c = out->cpu = xcalloc(1, sizeof(*c));
	if ((ret = jr_get_opt_u64(r, v, p, "shares", UINT64_MAX, &c->shares)) < 0 ||
	    (ret = jr_get_opt_i64(r, v, p, "quota", INT64_MIN, INT64_MAX, &c->quota)) < 0 ||
	    (ret = jr_get_opt_u64(r, v, p, "burst", UINT64_MAX, &c->burst)) < 0 ||
	    (ret = jr_get_opt_u64(r, v, p, "period", UINT64_MAX, &c->period)) < 0 ||
	    (ret = jr_get_opt_i64(r, v, p, "realtimeRuntime", INT64_MIN, INT64_MAX,
				  &c->realtime_runtime)) < 0 ||
	    (ret = jr_get_opt_u64(r, v, p, "realtimePeriod", UINT64_MAX,
				  &c->realtime_period)) < 0 ||
	    (ret = jr_get_string(r, v, p, "cpus", &c->cpus)) < 0 ||
	    (ret = jr_get_string(r, v, p, "mems", &c->mems)) < 0 ||
	    (ret = jr_get_opt_i64(r, v, p, "idle", INT64_MIN, INT64_MAX, &c->idle)) < 0)
		return ret;
	return check_cpu(r, p, c);
}

/*
 * runtime-spec 1.3 made .pids.limit optional ("pids": {} sets nothing) and
 * gave 0 its plain meaning, no new process at all (pids.max 0); -1 is
 * unlimited ("max").  Earlier runtimes read 0 as unlimited too.
 */
static int parse_pids(const struct jr *r, const struct jnode *res, const struct jpath *rp,
		      struct husk_resources *out)
{
	const struct jpath *p = JP_KEY(rp, "pids");
	const struct jnode *v;
	int ret;

	ret = jr_get_object(r, res, rp, "pids", &v);
	if (ret <= 0)
		return ret;
	ret = jr_get_opt_i64(r, v, p, "limit", INT64_MIN, INT64_MAX, &out->pids_limit);
	if (ret < 0)
		return ret;
	if (out->pids_limit.set && out->pids_limit.value < -1)
		return jr_fail(r, JP_KEY(p, "limit"), "must be a number of processes (0: none), or "
			       "-1 for unlimited, got %lld", (long long)out->pids_limit.value);
	return 0;
}

/* The kernel's dev_t: a 12-bit major and a 20-bit minor (MINORBITS). */
#define DEV_MAJOR_MAX ((INT64_C(1) << 12) - 1)
#define DEV_MINOR_MAX ((INT64_C(1) << 20) - 1)
/* cgroup v1 blkio.weight and blkio.leaf_weight: CFQ_WEIGHT_LEGACY_MIN/MAX. */
#define BLKIO_WEIGHT_MIN 10u
#define BLKIO_WEIGHT_MAX 1000u

static int check_weight(const struct jr *r, const struct jpath *p, const char *key,
			const husk_opt_u64 *w)
{
	if (!w->set || w->value == RES_UNSET ||
	    (w->value >= BLKIO_WEIGHT_MIN && w->value <= BLKIO_WEIGHT_MAX))
		return 0;
	return jr_fail(r, JP_KEY(p, key), "must be 0 (not set) or from %u to %u, got %llu",
		       BLKIO_WEIGHT_MIN,
		       BLKIO_WEIGHT_MAX, (unsigned long long)w->value);
}

static int parse_throttle(const struct jr *r, const struct jnode *v, const struct jpath *p,
			  struct husk_throttle_device *t)
{
	const struct jnode *f;
	int ret;

	ret = jr_object(r, v, p);
	if (ret < 0)
		return ret;
	if ((ret = jr_require(r, v, p, "major", &f)) < 0 ||
	    (ret = jr_require(r, v, p, "minor", &f)) < 0 ||
	    (ret = jr_require(r, v, p, "rate", &f)) < 0 ||
	    (ret = jr_get_int(r, v, p, "major", 0, DEV_MAJOR_MAX, &t->major)) < 0 ||
	    (ret = jr_get_int(r, v, p, "minor", 0, DEV_MINOR_MAX, &t->minor)) < 0 ||
	    (ret = jr_get_uint(r, v, p, "rate", UINT64_MAX, &t->rate)) < 0)
		return ret;
	return 0;
}

static int parse_weight_device(const struct jr *r, const struct jnode *v,
			       const struct jpath *p, struct husk_weight_device *w)
{
	const struct jnode *f;
	int ret;

	ret = jr_object(r, v, p);
	if (ret < 0)
		return ret;
	if ((ret = jr_require(r, v, p, "major", &f)) < 0 ||
	    (ret = jr_require(r, v, p, "minor", &f)) < 0 ||
	    (ret = jr_get_int(r, v, p, "major", 0, DEV_MAJOR_MAX, &w->major)) < 0 ||
	    (ret = jr_get_int(r, v, p, "minor", 0, DEV_MINOR_MAX, &w->minor)) < 0 ||
	    (ret = jr_get_opt_u64(r, v, p, "weight", UINT16_MAX, &w->weight)) < 0 ||
	    (ret = jr_get_opt_u64(r, v, p, "leafWeight", UINT16_MAX, &w->leaf_weight)) < 0 ||
	    (ret = check_weight(r, p, "weight", &w->weight)) < 0 ||
	    (ret = check_weight(r, p, "leafWeight", &w->leaf_weight)) < 0)
		return ret;
	return 0;
}

static const char *const throttle_keys[4] = {
	[THROTTLE_READ_BPS] = "throttleReadBpsDevice",
	[THROTTLE_WRITE_BPS] = "throttleWriteBpsDevice",
	[THROTTLE_READ_IOPS] = "throttleReadIOPSDevice",
	[THROTTLE_WRITE_IOPS] = "throttleWriteIOPSDevice",
};

static int parse_block_io(const struct jr *r, const struct jnode *res, const struct jpath *rp,
			  struct husk_resources *out)
{
	const struct jpath *p = JP_KEY(rp, "blockIO");
	struct husk_block_io *b;
	const struct jnode *v, *a;
	size_t i = 0;
	int ret;

	ret = jr_get_object(r, res, rp, "blockIO", &v);
	if (ret <= 0)
		return ret;
	b = out->block_io = xcalloc(1, sizeof(*b));
	if ((ret = jr_get_opt_u64(r, v, p, "weight", UINT16_MAX, &b->weight)) < 0 ||
	    (ret = jr_get_opt_u64(r, v, p, "leafWeight", UINT16_MAX, &b->leaf_weight)) < 0 ||
	    (ret = check_weight(r, p, "weight", &b->weight)) < 0 ||
	    (ret = check_weight(r, p, "leafWeight", &b->leaf_weight)) < 0 ||
	    (ret = jr_get_array(r, v, p, "weightDevice", &a)) < 0)
		return ret;
	if (a) {
		ALLOC_FOR(b->weight_device, b->n_weight_device, a);
		for (const struct jnode *e = a->u.kids.first; e; e = e->next, i++) {
			ret = parse_weight_device(r, e, JP_IDX(JP_KEY(p, "weightDevice"), i),
						  &b->weight_device[i]);
			if (ret < 0)
				return ret;
		}
	}
	for (int k = 0; k < 4; k++) {
		ret = jr_get_array(r, v, p, throttle_keys[k], &a);
		if (ret < 0)
			return ret;
		if (!a)
			continue;
		ALLOC_FOR(b->throttle[k], b->n_throttle[k], a);
		i = 0;
		for (const struct jnode *e = a->u.kids.first; e; e = e->next, i++) {
			ret = parse_throttle(r, e, JP_IDX(JP_KEY(p, throttle_keys[k]), i),
					     &b->throttle[k][i]);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

/*
 * A huge page size as the hugetlb controller names its files: a power of
 * two with no leading zero, then KB, MB or GB ("64KB", "2MB", "1GB").
 */
bool spec_hugepage_size_valid(const char *s)
{
	size_t digits = s ? strspn(s, "0123456789") : 0;
	unsigned long long n;

	if (digits == 0 || digits > 12 || s[0] == '0')
		return false;
	if (strcmp(s + digits, "KB") != 0 && strcmp(s + digits, "MB") != 0 &&
	    strcmp(s + digits, "GB") != 0)
		return false;
	n = strtoull(s, NULL, 10);
	return (n & (n - 1)) == 0;
}

static int parse_hugepages(const struct jr *r, const struct jnode *res, const struct jpath *rp,
			   struct husk_resources *out)
{
	const struct jpath *ap = JP_KEY(rp, "hugepageLimits");
	const struct jnode *a, *f;
	size_t i = 0;
	int ret;

	ret = jr_get_array(r, res, rp, "hugepageLimits", &a);
	if (ret <= 0)
		return ret;
	ALLOC_FOR(out->hugepage_limits, out->n_hugepage_limits, a);
	for (const struct jnode *e = a->u.kids.first; e; e = e->next, i++) {
		const struct jpath *p = JP_IDX(ap, i);
		struct husk_hugepage_limit *h = &out->hugepage_limits[i];

		if ((ret = jr_object(r, e, p)) < 0 ||
		    (ret = jr_require(r, e, p, "pageSize", &f)) < 0 ||
		    (ret = jr_get_string(r, e, p, "pageSize", &h->page_size)) < 0 ||
		    (ret = jr_require(r, e, p, "limit", &f)) < 0 ||
		    (ret = jr_get_uint(r, e, p, "limit", UINT64_MAX, &h->limit)) < 0)
			return ret;
		/* It becomes part of a cgroup file name: hugetlb.<size>.limit_in_bytes. */
		if (!spec_hugepage_size_valid(h->page_size)) {
			char shown[80];

			jr_quote(h->page_size, strlen(h->page_size), shown, sizeof(shown));
			return jr_fail(r, JP_KEY(p, "pageSize"), "expected a power-of-two size in "
				       "KB, MB or GB such as \"2MB\" or \"1GB\", got %s", shown);
		}
	}
	return 0;
}

/*
 * A name the kernel takes as a network interface (dev_valid_name): 1 to 15
 * bytes, not "." or "..", no "/", ":" or white space; a control character
 * would also end the "<name> <priority>" line written to
 * net_prio.ifpriomap.
 */
static bool ifname_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || (unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static int parse_network(const struct jr *r, const struct jnode *res, const struct jpath *rp,
			 struct husk_resources *out)
{
	const struct jpath *p = JP_KEY(rp, "network");
	const struct jnode *v, *a, *f;
	size_t i = 0;
	int ret;

	ret = jr_get_object(r, res, rp, "network", &v);
	if (ret <= 0)
		return ret;
	if ((ret = jr_get_opt_u64(r, v, p, "classID", UINT32_MAX, &out->net_class_id)) < 0 ||
	    (ret = jr_get_array(r, v, p, "priorities", &a)) <= 0)
		return ret;
	ALLOC_FOR(out->net_priorities, out->n_net_priorities, a);
	for (const struct jnode *e = a->u.kids.first; e; e = e->next, i++) {
		const struct jpath *ep = JP_IDX(JP_KEY(p, "priorities"), i);
		struct husk_net_priority *np = &out->net_priorities[i];

		if ((ret = jr_object(r, e, ep)) < 0 ||
		    (ret = jr_require(r, e, ep, "name", &f)) < 0 ||
		    (ret = jr_get_string(r, e, ep, "name", &np->name)) < 0 ||
		    (ret = jr_require(r, e, ep, "priority", &f)) < 0 ||
		    (ret = jr_get_u32(r, e, ep, "priority", &np->priority)) < 0)
			return ret;
		if (!ifname_valid(np->name)) {
			char shown[80];

			jr_quote(np->name, strlen(np->name), shown, sizeof(shown));
			return jr_fail(r, JP_KEY(ep, "name"), "expected a network interface name (1 "
				       "to 15 characters, no \"/\", \":\" or spaces), got %s", shown);
		}
	}
	return 0;
}

static bool rdma_name_valid(const char *s)
{
	for (; *s; s++)
		if (*s == '/' || (unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static int parse_rdma(const struct jr *r, const struct jnode *res, const struct jpath *rp,
		      struct husk_resources *out)
{
	const struct jpath *p = JP_KEY(rp, "rdma");
	const struct jnode *obj;
	size_t i = 0;
	int ret;

	ret = jr_get_object(r, res, rp, "rdma", &obj);
	if (ret <= 0)
		return ret;
	out->rdma = xcalloc(obj->u.kids.n ? obj->u.kids.n : 1, sizeof(*out->rdma));
	for (const struct jnode *m = obj->u.kids.first; m; m = m->next, i++) {
		const struct jpath *mp = JP_ENTRY(p, m);
		struct husk_rdma *d = &out->rdma[i];

		jr_seen(r, mp, m);
		out->n_rdma = i + 1;
		/* rdma.max lines are "<device> hca_handle=N hca_object=N": the name may
		 * not hold a space or end the line (IB_DEVICE_NAME_MAX is 64). */
		if (m->key_len == 0 || m->key_len > 63 || memchr(m->key, '\0', m->key_len) ||
		    !rdma_name_valid(m->key))
			return jr_fail(r, mp, "expected an RDMA device name (1 to 63 characters, no "
				       "\"/\" or spaces)");
		d->device = xstrdup(m->key);
		if ((ret = jr_object(r, m, mp)) < 0 ||
		    (ret = jr_get_opt_u64(r, m, mp, "hcaHandles", UINT32_MAX,
					  &d->hca_handles)) < 0 ||
		    (ret = jr_get_opt_u64(r, m, mp, "hcaObjects", UINT32_MAX,
					  &d->hca_objects)) < 0)
			return ret;
	}
	return 0;
}

/*
 * A cgroup v2 interface file: a controller name ([a-z][a-z0-9_]*), then
 * one or more dot-separated parts of letters, digits and "_"
 * ("memory.high", "memory.swap.max", "hugetlb.2MB.max").  So no "/", no
 * "..", no empty part: the key cannot leave the container's directory.
 */
static bool unified_key_valid(const char *k)
{
	const char *dot = strchr(k, '.');

	if (!dot || dot == k || k[0] < 'a' || k[0] > 'z')
		return false;
	for (const char *c = k; c < dot; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
			return false;
	for (const char *c = dot; *c; c++) {
		if (*c == '.') {
			if (c[1] == '\0' || c[1] == '.')
				return false;
			continue;
		}
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_'))
			return false;
	}
	return true;
}

int parse_resources(const struct jr *r, const struct jnode *v, const struct jpath *p,
		    struct husk_resources *out)
{
	const struct jpath *dp = JP_KEY(p, "devices");
	const struct jnode *a;
	size_t i = 0;
	int ret;

	ret = jr_get_array(r, v, p, "devices", &a);
	if (ret < 0)
		return ret;
	if (a) {
		ALLOC_FOR(out->devices, out->n_devices, a);
		for (const struct jnode *e = a->u.kids.first; e; e = e->next, i++) {
			ret = parse_device_rule(r, e, JP_IDX(dp, i), &out->devices[i]);
			if (ret < 0)
				return ret;
		}
	}
	if ((ret = parse_memory(r, v, p, out)) < 0 ||
	    (ret = parse_cpu(r, v, p, out)) < 0 ||
	    (ret = parse_pids(r, v, p, out)) < 0 ||
	    (ret = parse_block_io(r, v, p, out)) < 0 ||
	    (ret = parse_hugepages(r, v, p, out)) < 0 ||
	    (ret = parse_network(r, v, p, out)) < 0 ||
	    (ret = parse_rdma(r, v, p, out)) < 0 ||
	    (ret = jr_get_kv(r, v, p, "unified", &out->unified, &out->n_unified)) < 0)
		return ret;
	/* Each key is a file name inside the container's cgroup directory. */
	for (i = 0; i < out->n_unified; i++) {
		const char *k = out->unified[i].key;

		if (!unified_key_valid(k))
			return jr_fail(r, JP_KEY(JP_KEY(p, "unified"), k),
				       "must be a cgroup file name such as \"memory.high\" "
				       "(controller.file)");
	}
	return 0;
}

void resources_free(struct husk_resources *res)
{
	if (!res)
		return;
	for (size_t i = 0; res->devices && i < res->n_devices; i++)
		free(res->devices[i].access);
	free(res->devices);
	free(res->memory);
	if (res->cpu) {
		free(res->cpu->cpus);
		free(res->cpu->mems);
		free(res->cpu);
	}
	if (res->block_io) {
		free(res->block_io->weight_device);
		for (int k = 0; k < 4; k++)
			free(res->block_io->throttle[k]);
		free(res->block_io);
	}
	for (size_t i = 0; res->hugepage_limits && i < res->n_hugepage_limits; i++)
		free(res->hugepage_limits[i].page_size);
	free(res->hugepage_limits);
	for (size_t i = 0; res->net_priorities && i < res->n_net_priorities; i++)
		free(res->net_priorities[i].name);
	free(res->net_priorities);
	for (size_t i = 0; res->rdma && i < res->n_rdma; i++)
		free(res->rdma[i].device);
	free(res->rdma);
	kv_free(res->unified, res->n_unified);
	free(res);
}
