/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.resources -> cgroup v2 file writes.
 *
 * The runtime-spec speaks cgroup v1 (its own words for v2 are only
 * .unified), so most fields are converted, as runc and crun do:
 *
 *   memory.limit        memory.max            -1 -> "max"
 *   memory.reservation  memory.low            -1 -> "max"
 *   memory.swap         memory.swap.max       swap - limit (swap is memory plus
 *                                             swap); -1 -> "max"; a limit of -1
 *                                             with no swap given -> "max" too
 *   cpu.shares          cpu.weight            cg_cpu_shares_to_weight()
 *   cpu.quota, period   cpu.max               "quota period", "max period", "quota"
 *   cpu.burst           cpu.max.burst
 *   cpu.idle            cpu.idle
 *   cpu.cpus, mems      cpuset.cpus, cpuset.mems
 *   pids.limit          pids.max              -1 -> "max", 0 is 0 (runtime-spec 1.3)
 *   blockIO.weight      io.bfq.weight, else io.weight converted
 *   weightDevice        the same, "maj:min w"
 *   throttle*           io.max "maj:min rbps=N" (wbps, riops, wiops); 0 -> "max"
 *   hugepageLimits      hugetlb.<size>.max (and .rsvd.max where the kernel has it)
 *   rdma                rdma.max "dev hca_handle=N hca_object=M"
 *   unified             each key a file, the value as it is, written last so
 *                       that it wins over a converted field
 *
 * What v2 has no file for becomes a note (swappiness, disableOOMKiller,
 * useHierarchy, kernel, kernelTCP, leafWeight) or, where the config asks
 * for a limit that would then not hold, an error naming the field
 * (realtime cpu limits, network classID and priorities).
 *
 * 0 in memory, shares, quota, period, realtime and blkio weights means
 * "not set" (see src/spec/resources.c) and is skipped.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cgroup/cgroup-internal.h"
#include "husk/util.h"

#define RES ".linux.resources"

static bool set_nonzero_i64(const husk_opt_i64 *v)
{
	return v->set && v->value != 0;
}

static bool set_nonzero_u64(const husk_opt_u64 *v)
{
	return v->set && v->value != 0;
}

/*
 * memory.swap.max first, then memory.max and memory.low: in v2 the three
 * are independent, so any order holds whatever the current values are.
 */
static void plan_memory(const struct husk_memory *m, struct cg_plan *p)
{
	bool limit = set_nonzero_i64(&m->limit);
	char buf[32];

	if (set_nonzero_i64(&m->swap)) {
		if (m->swap.value == -1)
			cg_plan_add(p, CG_MEMORY, RES ".memory.swap", "memory.swap.max", "max")->optional = true;
		else        /* cg_plan_check(): limit > 0 and swap >= limit */
			cg_plan_add(p, CG_MEMORY, RES ".memory.swap", "memory.swap.max", "%lld",
				    (long long)(m->swap.value - m->limit.value));
	} else if (limit && m->limit.value == -1) {
		/* No limit on memory and nothing said of swap: none on swap either (v1's memsw -1). */
		cg_plan_add(p, CG_MEMORY, RES ".memory.limit", "memory.swap.max", "max")->optional = true;
	}
	if (limit) {
		cg_plan_amount(buf, sizeof(buf), m->limit.value, "max");
		cg_plan_add(p, CG_MEMORY, RES ".memory.limit", "memory.max", "%s", buf);
		if (m->check_before_update.set && m->check_before_update.value)
			p->check_before_update = true;
	}
	if (set_nonzero_i64(&m->reservation)) {
		cg_plan_amount(buf, sizeof(buf), m->reservation.value, "max");
		cg_plan_add(p, CG_MEMORY, RES ".memory.reservation", "memory.low", "%s", buf);
	}
	if (m->swappiness.set)
		cg_plan_note(p, RES ".memory.swappiness: cgroup v2 has no per-cgroup swappiness "
			     "(the host's vm.swappiness applies); ignored");
	if (m->disable_oom_killer.set)
		cg_plan_note(p, RES ".memory.disableOOMKiller: cgroup v2 cannot turn the OOM "
			     "killer off for a cgroup; ignored");
	if (m->use_hierarchy.set)
		cg_plan_note(p, RES ".memory.useHierarchy: cgroup v2 is always hierarchical; "
			     "nothing to write");
	if (set_nonzero_i64(&m->kernel))
		cg_plan_note(p, RES ".memory.kernel: the kernel no longer has kernel memory "
			     "limits; ignored");
	if (set_nonzero_i64(&m->kernel_tcp))
		cg_plan_note(p, RES ".memory.kernelTCP: cgroup v2 has no separate TCP memory "
			     "limit; ignored");
}

/*
 * cpu.idle before cpu.weight: the kernel refuses a weight for an idle
 * cgroup (EINVAL), so leaving idle comes first and, when the config makes
 * the cgroup idle, the weight is not written at all (an idle cgroup has
 * the least weight there is).
 *
 * cpu.max.burst before cpu.max, retried after it: the kernel wants burst
 * <= quota at every step, so a burst above the current quota fails until
 * the new quota is in, and a quota below the current burst fails unless
 * the new burst is in first.
 */
static int plan_cpu(const struct husk_cpu *c, struct cg_plan *p, struct husk_error *err)
{
	bool quota = set_nonzero_i64(&c->quota), period = set_nonzero_u64(&c->period);
	struct cg_write *burst = NULL;
	char max[64];

	if (set_nonzero_i64(&c->realtime_runtime))
		return cg_plan_fail(err, EOPNOTSUPP, RES ".cpu.realtimeRuntime", "cgroup v2 has no "
				    "real-time CPU limits (cpu.rt_runtime_us is cgroup v1's); "
				    "remove it or use a cgroup v1 host");
	if (set_nonzero_u64(&c->realtime_period))
		return cg_plan_fail(err, EOPNOTSUPP, RES ".cpu.realtimePeriod", "cgroup v2 has no "
				    "real-time CPU limits (cpu.rt_period_us is cgroup v1's); "
				    "remove it or use a cgroup v1 host");
	if (c->idle.set)
		cg_plan_add(p, CG_CPU, RES ".cpu.idle", "cpu.idle", "%lld",
			    (long long)c->idle.value)->optional = c->idle.value == 0;
	if (set_nonzero_u64(&c->shares)) {
		if (c->idle.set && c->idle.value == 1)
			cg_plan_note(p, RES ".cpu.shares: not written: .cpu.idle is 1, and an idle "
				     "cgroup has the least weight there is");
		else
			cg_plan_add(p, CG_CPU, RES ".cpu.shares", "cpu.weight", "%llu",
				    (unsigned long long)cg_cpu_shares_to_weight(c->shares.value));
	}
	if (c->burst.set) {
		burst = cg_plan_add(p, CG_CPU, RES ".cpu.burst", "cpu.max.burst", "%llu",
				    (unsigned long long)c->burst.value);
		burst->optional = c->burst.value == 0;
	}
	if (quota || period) {
		/* A period alone leaves the quota unlimited; a quota alone keeps the current period. */
		if (quota && c->quota.value > 0)
			snprintf(max, sizeof(max), "%lld", (long long)c->quota.value);
		else
			snprintf(max, sizeof(max), "max");
		if (period)
			snprintf(max + strlen(max), sizeof(max) - strlen(max), " %llu",
				 (unsigned long long)c->period.value);
		if (burst)
			burst->retry_after_next = true;
		cg_plan_add(p, CG_CPU, quota && period ? RES ".cpu.quota and .period" :
			    quota ? RES ".cpu.quota" : RES ".cpu.period", "cpu.max", "%s", max);
	}
	return 0;
}

static const char *const throttle_key[4] = {
	[THROTTLE_READ_BPS] = "rbps",
	[THROTTLE_WRITE_BPS] = "wbps",
	[THROTTLE_READ_IOPS] = "riops",
	[THROTTLE_WRITE_IOPS] = "wiops",
};

/*
 * Weights go to io.bfq.weight when the BFQ scheduler is in use (its range,
 * 1 to 1000, holds the v1 value as it is), else to io.weight (iocost, 1 to
 * 10000, converted); only the host knows which file exists, so each weight
 * is a write with an alternative.
 */
static void plan_io(const struct husk_block_io *b, struct cg_plan *p)
{
	char path[128];
	struct cg_write *w;

	if (set_nonzero_u64(&b->weight)) {
		w = cg_plan_add(p, CG_BLKIO, RES ".blockIO.weight", "io.bfq.weight", "%llu",
				(unsigned long long)b->weight.value);
		w->alt_file = xstrdup("io.weight");
		w->alt_value = xasprintf("%llu",
					 (unsigned long long)cg_blkio_to_io_weight(b->weight.value));
	}
	if (set_nonzero_u64(&b->leaf_weight))
		cg_plan_note(p, RES ".blockIO.leafWeight: cgroup v2 has no leaf weights; ignored");
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct husk_weight_device *d = &b->weight_device[i];

		if (set_nonzero_u64(&d->weight)) {
			snprintf(path, sizeof(path), RES ".blockIO.weightDevice[%zu].weight", i);
			w = cg_plan_add(p, CG_BLKIO, path, "io.bfq.weight", "%lld:%lld %llu",
					(long long)d->major, (long long)d->minor,
					(unsigned long long)d->weight.value);
			w->alt_file = xstrdup("io.weight");
			w->alt_value = xasprintf("%lld:%lld %llu", (long long)d->major,
						 (long long)d->minor,
						 (unsigned long long)cg_blkio_to_io_weight(d->weight.value));
		}
		if (set_nonzero_u64(&d->leaf_weight))
			cg_plan_note(p, RES ".blockIO.weightDevice[%zu].leafWeight: cgroup v2 has no "
				     "leaf weights; ignored", i);
	}
	for (int k = 0; k < 4; k++) {
		for (size_t i = 0; i < b->n_throttle[k]; i++) {
			const struct husk_throttle_device *t = &b->throttle[k][i];
			char rate[32];

			snprintf(path, sizeof(path), RES ".blockIO.%s[%zu]", cg_throttle_json[k], i);
			if (t->rate == 0)
				snprintf(rate, sizeof(rate), "max");
			else
				snprintf(rate, sizeof(rate), "%llu", (unsigned long long)t->rate);
			cg_plan_add(p, CG_BLKIO, path, "io.max", "%lld:%lld %s=%s", (long long)t->major,
				    (long long)t->minor, throttle_key[k], rate);
		}
	}
}

/*
 * The hugetlb controller charges a page at fault time (.max) and, where
 * the kernel has reservation accounting, at mmap/shmget time (.rsvd.max,
 * which the runtime-spec prefers: no SIGBUS later): both get the limit,
 * the second only where it exists.
 */
static void plan_hugetlb(const struct husk_resources *r, struct cg_plan *p)
{
	char path[96], file[64];

	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const struct husk_hugepage_limit *h = &r->hugepage_limits[i];

		snprintf(path, sizeof(path), RES ".hugepageLimits[%zu].limit", i);
		snprintf(file, sizeof(file), "hugetlb.%s.max", h->page_size);
		cg_plan_add(p, CG_HUGETLB, path, file, "%llu", (unsigned long long)h->limit);
		snprintf(file, sizeof(file), "hugetlb.%s.rsvd.max", h->page_size);
		cg_plan_add(p, CG_HUGETLB, path, file, "%llu",
			    (unsigned long long)h->limit)->optional = true;
	}
}

/*
 * The cgroup.* files a config may set: the limits on the subtree below the
 * container and pressure accounting.  The others are the manager's
 * (cgroup.procs and cgroup.threads move processes, cgroup.subtree_control
 * and cgroup.type shape the tree husk made, cgroup.freeze and cgroup.kill
 * are pause and kill) or read-only.
 */
static const char *const core_settable[] = {
	"cgroup.max.depth", "cgroup.max.descendants", "cgroup.pressure", NULL,
};

static int check_unified_key(const char *k, const char *path, struct husk_error *err)
{
	if (!k[0] || k[0] == '.' || strchr(k, '/') || strstr(k, "..") || !strchr(k, '.'))
		return cg_plan_fail(err, EINVAL, path, "must be a file name of the container's "
				    "cgroup such as \"memory.high\"");
	if (str_has_prefix(k, "cgroup.")) {
		for (size_t i = 0; core_settable[i]; i++)
			if (strcmp(k, core_settable[i]) == 0)
				return 0;
		return cg_plan_fail(err, EINVAL, path, "is the cgroup's own interface, which husk "
				    "manages; of the cgroup.* files only cgroup.max.depth, "
				    "cgroup.max.descendants and cgroup.pressure may be set");
	}
	return 0;
}

static int plan_unified(const struct husk_resources *r, struct cg_plan *p,
			struct husk_error *err)
{
	char path[160];
	int ret;

	for (size_t i = 0; i < r->n_unified; i++) {
		const struct husk_kv *kv = &r->unified[i];

		snprintf(path, sizeof(path), RES ".unified.%s", kv->key);
		if ((ret = check_unified_key(kv->key, path, err)) < 0)
			return ret;
		cg_plan_add(p, CG_UNIFIED, path, kv->key, "%s", kv->value ? kv->value : "");
	}
	return 0;
}

static int plan_network(const struct husk_resources *r, unsigned groups, struct cg_plan *p,
			struct husk_error *err)
{
	if ((groups & (1u << CG_NET_CLS)) && r->net_class_id.set) {
		if (r->net_class_id.value != 0)
			return cg_plan_fail(err, EOPNOTSUPP, RES ".network.classID", "cgroup v2 has "
					    "no net_cls controller; tag the traffic with an nftables "
					    "or eBPF rule on the cgroup instead, or remove it");
		cg_plan_note(p, RES ".network.classID: 0 asks for no class, and cgroup v2 has no "
			     "net_cls controller; nothing to write");
	}
	if ((groups & (1u << CG_NET_PRIO)) && r->n_net_priorities > 0)
		return cg_plan_fail(err, EOPNOTSUPP, RES ".network.priorities", "cgroup v2 has no "
				    "net_prio controller; remove it, or set the priority with "
				    "SO_PRIORITY or a tc/nftables rule");
	return 0;
}

/*
 * `update` changes nothing here: every v2 file written at creation can be
 * written again on a running container.
 */
int cg2_plan(const struct husk_resources *r, unsigned groups, bool update, struct cg_plan *out,
	     struct husk_error *err)
{
	struct cg_plan p = { 0 };
	int ret;

	(void)update;
	*out = (struct cg_plan){ 0 };
	if (!r)
		return 0;
	ret = cg_plan_check(r, groups, err);
	if (ret < 0)
		return ret;
	if ((groups & (1u << CG_MEMORY)) && r->memory)
		plan_memory(r->memory, &p);
	if ((groups & (1u << CG_CPU)) && r->cpu && (ret = plan_cpu(r->cpu, &p, err)) < 0)
		goto fail;
	if ((groups & (1u << CG_CPUSET)) && r->cpu)
		cg_plan_cpuset(r->cpu, &p);
	if ((groups & (1u << CG_PIDS)) && r->pids_limit.set) {
		char buf[32];

		cg_plan_amount(buf, sizeof(buf), r->pids_limit.value, "max");
		cg_plan_add(&p, CG_PIDS, RES ".pids.limit", "pids.max", "%s", buf);
	}
	if ((groups & (1u << CG_BLKIO)) && r->block_io)
		plan_io(r->block_io, &p);
	if (groups & (1u << CG_HUGETLB))
		plan_hugetlb(r, &p);
	if ((ret = plan_network(r, groups, &p, err)) < 0)
		goto fail;
	if (groups & (1u << CG_RDMA))
		cg_plan_rdma(r, &p);
	if ((groups & (1u << CG_UNIFIED)) && (ret = plan_unified(r, &p, err)) < 0)
		goto fail;
	*out = p;
	return 0;
fail:
	cg_plan_free(&p);
	return ret;
}
