/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.resources -> cgroup v1 file writes.  The runtime-spec's fields are
 * v1's own, so this is mostly one field, one file:
 *
 *   memory.limit        memory.limit_in_bytes         -1 as it is (unlimited)
 *   memory.swap         memory.memsw.limit_in_bytes   memory plus swap, as in the spec
 *   memory.reservation  memory.soft_limit_in_bytes
 *   memory.swappiness   memory.swappiness
 *   disableOOMKiller    memory.oom_control            "1" / "0"
 *   useHierarchy        memory.use_hierarchy          "1" / "0" (creation only)
 *   cpu.shares          cpu.shares
 *   cpu.quota, period   cpu.cfs_quota_us, cpu.cfs_period_us
 *   cpu.burst           cpu.cfs_burst_us
 *   realtime*           cpu.rt_runtime_us, cpu.rt_period_us
 *   cpu.idle            cpu.idle
 *   cpu.cpus, mems      cpuset.cpus, cpuset.mems
 *   pids.limit          pids.max                      -1 -> "max", 0 is 0
 *   blockIO.weight      blkio.bfq.weight, else blkio.weight
 *   leafWeight          blkio.leaf_weight
 *   weightDevice        blkio.bfq.weight_device, else blkio.weight_device;
 *                       blkio.leaf_weight_device      "maj:min w"
 *   throttle*           blkio.throttle.{read,write}_{bps,iops}_device "maj:min rate"
 *                       (0 removes the limit)
 *   hugepageLimits      hugetlb.<size>.limit_in_bytes (and .rsvd.limit_in_bytes)
 *   network.classID     net_cls.classid
 *   network.priorities  net_prio.ifpriomap            "name priority"
 *   rdma                rdma.max
 *
 * kernel and kernelTCP become notes; .unified is an error (the
 * runtime-spec: it is for cgroup v2).  0 in memory, shares, quota,
 * period, realtime and blkio weights means "not set" and is skipped.
 *
 * Pairs the kernel checks against each other are written in an order that
 * works from any current values, with retry_after_next: the memory limit
 * must stay <= memsw, rt runtime <= rt period, cfs burst <= quota.
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
 * memory.limit_in_bytes, then memory.memsw.limit_in_bytes, the first
 * retried after the second: lowering both works in this order, and
 * raising the limit above the current memsw fails (EINVAL) until memsw
 * is raised.  A limit of -1 with no swap given makes memsw -1 too, as
 * runc does (there is no swap limit to keep below an unlimited memory);
 * that write is optional, since without swap accounting there is no
 * memsw file and nothing to lift.
 */
static void plan_memory(const struct husk_memory *m, bool update, struct cg_plan *p)
{
	bool limit = set_nonzero_i64(&m->limit), swap = set_nonzero_i64(&m->swap);
	struct cg_write *lw = NULL;

	if (limit) {
		lw = cg_plan_add(p, CG_MEMORY, RES ".memory.limit", "memory.limit_in_bytes", "%lld",
				 (long long)m->limit.value);
		if (m->check_before_update.set && m->check_before_update.value)
			p->check_before_update = true;
	}
	if (swap || (limit && m->limit.value == -1)) {
		int64_t memsw = swap ? m->swap.value : -1;
		struct cg_write *sw;

		if (lw)
			lw->retry_after_next = true;
		sw = cg_plan_add(p, CG_MEMORY, swap ? RES ".memory.swap" : RES ".memory.limit",
				 "memory.memsw.limit_in_bytes", "%lld", (long long)memsw);
		sw->optional = memsw == -1;
	}
	if (set_nonzero_i64(&m->reservation))
		cg_plan_add(p, CG_MEMORY, RES ".memory.reservation", "memory.soft_limit_in_bytes",
			    "%lld", (long long)m->reservation.value);
	if (m->swappiness.set)
		cg_plan_add(p, CG_MEMORY, RES ".memory.swappiness", "memory.swappiness", "%llu",
			    (unsigned long long)m->swappiness.value);
	if (m->disable_oom_killer.set)
		cg_plan_add(p, CG_MEMORY, RES ".memory.disableOOMKiller", "memory.oom_control", "%d",
			    m->disable_oom_killer.value ? 1 : 0);
	/*
	 * The kernel takes use_hierarchy only while the cgroup has no children
	 * (and since 5.16 only "1"): a setting for creation.
	 */
	if (m->use_hierarchy.set && !update)
		cg_plan_add(p, CG_MEMORY, RES ".memory.useHierarchy", "memory.use_hierarchy", "%d",
			    m->use_hierarchy.value ? 1 : 0);
	else if (m->use_hierarchy.set)
		cg_plan_note(p, RES ".memory.useHierarchy: cannot change on a running container; "
			     "not written");
	if (set_nonzero_i64(&m->kernel))
		cg_plan_note(p, RES ".memory.kernel: the kernel no longer has kernel memory "
			     "limits; ignored");
	if (set_nonzero_i64(&m->kernel_tcp))
		cg_plan_note(p, RES ".memory.kernelTCP: kernel memory limits are deprecated and "
			     "gone from newer kernels; ignored");
}

/*
 * cpu.idle first, and no cpu.shares when idle is 1: the kernel refuses
 * shares for an idle group (as on v2).
 *
 * CFS: period, burst, quota, with period and burst retried after the
 * next write: a period whose ratio to the current quota exceeds the
 * parent's, or a burst above the current quota, fails (EINVAL) until the
 * new quota is in.  Real time: period, then runtime, the period retried:
 * a period below the current runtime fails until the runtime is lowered.
 */
static void plan_cpu(const struct husk_cpu *c, struct cg_plan *p)
{
	bool quota = set_nonzero_i64(&c->quota);
	struct cg_write *w;

	if (c->idle.set)
		cg_plan_add(p, CG_CPU, RES ".cpu.idle", "cpu.idle", "%lld",
			    (long long)c->idle.value)->optional = c->idle.value == 0;
	if (set_nonzero_u64(&c->shares)) {
		if (c->idle.set && c->idle.value == 1)
			cg_plan_note(p, RES ".cpu.shares: not written: .cpu.idle is 1, and an idle "
				     "cgroup has the least weight there is");
		else
			cg_plan_add(p, CG_CPU, RES ".cpu.shares", "cpu.shares", "%llu",
				    (unsigned long long)c->shares.value);
	}
	if (set_nonzero_u64(&c->period))
		cg_plan_add(p, CG_CPU, RES ".cpu.period", "cpu.cfs_period_us", "%llu",
			    (unsigned long long)c->period.value)->retry_after_next = quota;
	if (c->burst.set) {
		w = cg_plan_add(p, CG_CPU, RES ".cpu.burst", "cpu.cfs_burst_us", "%llu",
				(unsigned long long)c->burst.value);
		w->retry_after_next = quota;
		w->optional = c->burst.value == 0;
	}
	if (quota)
		cg_plan_add(p, CG_CPU, RES ".cpu.quota", "cpu.cfs_quota_us", "%lld",
			    (long long)c->quota.value);
	if (set_nonzero_u64(&c->realtime_period)) {
		w = cg_plan_add(p, CG_CPU, RES ".cpu.realtimePeriod", "cpu.rt_period_us", "%llu",
				(unsigned long long)c->realtime_period.value);
		w->retry_after_next = set_nonzero_i64(&c->realtime_runtime);
	}
	if (set_nonzero_i64(&c->realtime_runtime))
		cg_plan_add(p, CG_CPU, RES ".cpu.realtimeRuntime", "cpu.rt_runtime_us", "%lld",
			    (long long)c->realtime_runtime.value);
}

static const char *const throttle_file[4] = {
	[THROTTLE_READ_BPS] = "blkio.throttle.read_bps_device",
	[THROTTLE_WRITE_BPS] = "blkio.throttle.write_bps_device",
	[THROTTLE_READ_IOPS] = "blkio.throttle.read_iops_device",
	[THROTTLE_WRITE_IOPS] = "blkio.throttle.write_iops_device",
};

/*
 * Weights: blkio.bfq.* where BFQ is the scheduler (every kernel since CFQ
 * went away in 5.0), else CFQ's blkio.weight*; the same value for both.
 * Leaf weights were CFQ's alone: on a newer kernel their file is missing
 * and the writer reports it.
 */
static void plan_blkio(const struct husk_block_io *b, struct cg_plan *p)
{
	struct cg_write *w;
	char path[128];

	if (set_nonzero_u64(&b->weight)) {
		w = cg_plan_add(p, CG_BLKIO, RES ".blockIO.weight", "blkio.bfq.weight", "%llu",
				(unsigned long long)b->weight.value);
		w->alt_file = xstrdup("blkio.weight");
	}
	if (set_nonzero_u64(&b->leaf_weight))
		cg_plan_add(p, CG_BLKIO, RES ".blockIO.leafWeight", "blkio.leaf_weight", "%llu",
			    (unsigned long long)b->leaf_weight.value);
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct husk_weight_device *d = &b->weight_device[i];

		if (set_nonzero_u64(&d->weight)) {
			snprintf(path, sizeof(path), RES ".blockIO.weightDevice[%zu].weight", i);
			w = cg_plan_add(p, CG_BLKIO, path, "blkio.bfq.weight_device",
					"%lld:%lld %llu", (long long)d->major, (long long)d->minor,
					(unsigned long long)d->weight.value);
			w->alt_file = xstrdup("blkio.weight_device");
		}
		if (set_nonzero_u64(&d->leaf_weight)) {
			snprintf(path, sizeof(path), RES ".blockIO.weightDevice[%zu].leafWeight", i);
			cg_plan_add(p, CG_BLKIO, path, "blkio.leaf_weight_device", "%lld:%lld %llu",
				    (long long)d->major, (long long)d->minor,
				    (unsigned long long)d->leaf_weight.value);
		}
	}
	for (int k = 0; k < 4; k++) {
		for (size_t i = 0; i < b->n_throttle[k]; i++) {
			const struct husk_throttle_device *t = &b->throttle[k][i];

			snprintf(path, sizeof(path), RES ".blockIO.%s[%zu]", cg_throttle_json[k], i);
			cg_plan_add(p, CG_BLKIO, path, throttle_file[k], "%lld:%lld %llu",
				    (long long)t->major, (long long)t->minor,
				    (unsigned long long)t->rate);
		}
	}
}

/* The fault-time limit, and the reservation limit where the kernel has it (see plan-v2.c). */
static void plan_hugetlb(const struct husk_resources *r, struct cg_plan *p)
{
	char path[96], file[64];

	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const struct husk_hugepage_limit *h = &r->hugepage_limits[i];

		snprintf(path, sizeof(path), RES ".hugepageLimits[%zu].limit", i);
		snprintf(file, sizeof(file), "hugetlb.%s.limit_in_bytes", h->page_size);
		cg_plan_add(p, CG_HUGETLB, path, file, "%llu", (unsigned long long)h->limit);
		snprintf(file, sizeof(file), "hugetlb.%s.rsvd.limit_in_bytes", h->page_size);
		cg_plan_add(p, CG_HUGETLB, path, file, "%llu",
			    (unsigned long long)h->limit)->optional = true;
	}
}

static void plan_network(const struct husk_resources *r, unsigned groups, struct cg_plan *p)
{
	char path[96];

	if ((groups & (1u << CG_NET_CLS)) && r->net_class_id.set)
		cg_plan_add(p, CG_NET_CLS, RES ".network.classID", "net_cls.classid", "%llu",
			    (unsigned long long)r->net_class_id.value);
	for (size_t i = 0; (groups & (1u << CG_NET_PRIO)) && i < r->n_net_priorities; i++) {
		const struct husk_net_priority *np = &r->net_priorities[i];

		snprintf(path, sizeof(path), RES ".network.priorities[%zu]", i);
		cg_plan_add(p, CG_NET_PRIO, path, "net_prio.ifpriomap", "%s %u", np->name,
			    np->priority);
	}
}

/*
 * `update` leaves out memory.use_hierarchy (see plan_memory()); every other
 * file can be written again on a running container.
 */
int cg1_plan(const struct husk_resources *r, unsigned groups, bool update, struct cg_plan *out,
	     struct husk_error *err)
{
	struct cg_plan p = { 0 };
	int ret;

	*out = (struct cg_plan){ 0 };
	if (!r)
		return 0;
	if ((groups & (1u << CG_UNIFIED)) && r->n_unified > 0)
		return cg_plan_fail(err, EOPNOTSUPP, RES ".unified", "is for cgroup v2 files, and "
				    "this cgroup is cgroup v1; use the v1 fields of "
				    ".linux.resources or a cgroup v2 host");
	ret = cg_plan_check(r, groups, err);
	if (ret < 0)
		return ret;
	if ((groups & (1u << CG_MEMORY)) && r->memory)
		plan_memory(r->memory, update, &p);
	if ((groups & (1u << CG_CPU)) && r->cpu)
		plan_cpu(r->cpu, &p);
	if ((groups & (1u << CG_CPUSET)) && r->cpu)
		cg_plan_cpuset(r->cpu, &p);
	if ((groups & (1u << CG_PIDS)) && r->pids_limit.set) {
		char buf[32];

		cg_plan_amount(buf, sizeof(buf), r->pids_limit.value, "max");
		cg_plan_add(&p, CG_PIDS, RES ".pids.limit", "pids.max", "%s", buf);
	}
	if ((groups & (1u << CG_BLKIO)) && r->block_io)
		plan_blkio(r->block_io, &p);
	if (groups & (1u << CG_HUGETLB))
		plan_hugetlb(r, &p);
	plan_network(r, groups, &p);
	if (groups & (1u << CG_RDMA))
		cg_plan_rdma(r, &p);
	*out = p;
	return 0;
}
