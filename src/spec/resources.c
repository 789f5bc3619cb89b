/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json .linux.resources: the cgroup limits, read into plain numbers
 * for src/cgroup/.  Types follow the runtime-spec (memory values are int64
 * because -1 means "unlimited"; cpu shares are uint64; block I/O weights
 * are uint16), and only what the kernel could never accept is refused here;
 * the cgroup manager decides what a given hierarchy supports.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "husk/spec.h"
#include "husk/util.h"
#include "spec/spec-internal.h"

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
	if ((d->major.set && d->major.value < 0) || (d->minor.set && d->minor.value < 0))
		return jr_fail(r, JP_KEY(p, d->major.set && d->major.value < 0 ? "major" : "minor"),
			       "must be a device number or -1 for any");
	if (d->access && (d->access[0] == '\0' || strspn(d->access, "rwm") != strlen(d->access)))
		return jr_fail(r, JP_KEY(p, "access"), "must be made of the letters r, w and m");
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
	return 0;
}

static int parse_pids(const struct jr *r, const struct jnode *res, const struct jpath *rp,
		      struct husk_resources *out)
{
	const struct jpath *p = JP_KEY(rp, "pids");
	const struct jnode *v, *f;
	int ret;

	ret = jr_get_object(r, res, rp, "pids", &v);
	if (ret <= 0)
		return ret;
	ret = jr_require(r, v, p, "limit", &f);
	if (ret < 0)
		return ret;
	ret = jr_get_opt_i64(r, v, p, "limit", INT64_MIN, INT64_MAX, &out->pids_limit);
	return ret < 0 ? ret : 0;
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
	    (ret = jr_get_int(r, v, p, "major", 0, INT64_MAX, &t->major)) < 0 ||
	    (ret = jr_get_int(r, v, p, "minor", 0, INT64_MAX, &t->minor)) < 0 ||
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
	    (ret = jr_get_int(r, v, p, "major", 0, INT64_MAX, &w->major)) < 0 ||
	    (ret = jr_get_int(r, v, p, "minor", 0, INT64_MAX, &w->minor)) < 0 ||
	    (ret = jr_get_opt_u64(r, v, p, "weight", UINT16_MAX, &w->weight)) < 0 ||
	    (ret = jr_get_opt_u64(r, v, p, "leafWeight", UINT16_MAX, &w->leaf_weight)) < 0)
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
		if (h->page_size[0] == '\0' || strchr(h->page_size, '/'))
			return jr_fail(r, JP_KEY(p, "pageSize"), "expected a size such as \"2MB\"");
	}
	return 0;
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
	}
	return 0;
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
		if (m->key_len == 0 || memchr(m->key, '\0', m->key_len))
			return jr_fail(r, mp, "expected a device name");
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

		if (k[0] == '\0' || k[0] == '.' || strchr(k, '/'))
			return jr_fail(r, JP_KEY(JP_KEY(p, "unified"), k),
				       "must be a cgroup file name such as \"memory.high\"");
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
