// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The systemd manager's unit properties, as data: linux.resources and the
 * org.systemd.property.* annotations -> (name, type, value), and the
 * StartTransientUnit body they marshal into.  Nothing here talks to a
 * bus, so every conversion is a unit test (tests/unit/test_cgroup_dbus.c).
 *
 * The conversions are the cgroup v2 ones (systemd's properties have v2
 * semantics whatever the host runs): shares -> weight, quota/period ->
 * quota per second, swap as swap-only.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup-internal.h"
#include "cgroup/systemd.h"
#include "husk/util.h"

#define ANNOTATION_PREFIX "org.systemd.property."
#define CPUSET_MAX 8192             /* cpus and memory nodes above this are refused */

void sd_prop_clear(struct sd_prop *p)
{
	free(p->name);
	if (str_eq(p->type, "s"))
		free(p->v.s);
	else if (str_eq(p->type, "as") && p->v.as)
		for (char **s = p->v.as; *s; s++)
			free(*s);
	if (str_eq(p->type, "as"))
		free(p->v.as);
	else if (str_eq(p->type, "ay"))
		free(p->v.ay.p);
	*p = (struct sd_prop){ 0 };
}

void sd_props_free(struct sd_props *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		sd_prop_clear(&ps->p[i]);
	free(ps->p);
	*ps = (struct sd_props){ 0 };
}

const struct sd_prop *sd_prop_find(const struct sd_props *ps, const char *name)
{
	for (size_t i = 0; i < ps->n; i++)
		if (str_eq(ps->p[i].name, name))
			return &ps->p[i];
	return NULL;
}

/*
 * Add p (taking its allocations), replacing a property of the same name
 * in place: an annotation overrides what the resources said, and the
 * order stays that of first mention.
 */
int sd_prop_add(struct sd_props *ps, struct sd_prop *p)
{
	for (size_t i = 0; i < ps->n; i++) {
		if (str_eq(ps->p[i].name, p->name)) {
			sd_prop_clear(&ps->p[i]);
			ps->p[i] = *p;
			return 0;
		}
	}
	struct sd_prop *n = realloc(ps->p, (ps->n + 1) * sizeof(*n));
	if (!n) {
		sd_prop_clear(p);
		return -ENOMEM;
	}
	ps->p = n;
	ps->p[ps->n++] = *p;
	return 0;
}

static int prop_new(struct sd_props *ps, const char *name, const char *type, struct sd_prop *p)
{
	p->name = strdup(name);
	strcpy(p->type, type);
	if (!p->name) {
		sd_prop_clear(p);
		return -ENOMEM;
	}
	return sd_prop_add(ps, p);
}

int sd_prop_bool(struct sd_props *ps, const char *name, bool v)
{
	struct sd_prop p = { .v.b = v };
	return prop_new(ps, name, "b", &p);
}

int sd_prop_u64(struct sd_props *ps, const char *name, uint64_t v)
{
	struct sd_prop p = { .v.u = v };
	return prop_new(ps, name, "t", &p);
}

int sd_prop_str(struct sd_props *ps, const char *name, const char *v)
{
	struct sd_prop p = { .v.s = strdup(v) };
	if (!p.v.s)
		return -ENOMEM;
	return prop_new(ps, name, "s", &p);
}

int sd_prop_pid(struct sd_props *ps, const char *name, uint32_t pid)
{
	struct sd_prop p = { .v.u = pid };
	return prop_new(ps, name, "au", &p);
}

int sd_cpuset_mask(const char *list, uint8_t **mask, size_t *n)
{
	uint8_t *m = NULL;
	size_t len = 0;
	const char *s = list;

	while (*s) {
		char *end;
		errno = 0;
		unsigned long a = strtoul(s, &end, 10), b = a;
		if (end == s || errno || *s == '-' || *s == '+')
			goto bad;
		if (*end == '-') {
			s = end + 1;
			b = strtoul(s, &end, 10);
			if (end == s || errno || *s == '-' || *s == '+' || b < a)
				goto bad;
		}
		if (b >= CPUSET_MAX || (*end && *end != ','))
			goto bad;
		if (b / 8 + 1 > len) {
			uint8_t *g = realloc(m, b / 8 + 1);
			if (!g) {
				free(m);
				return -ENOMEM;
			}
			memset(g + len, 0, b / 8 + 1 - len);
			m = g;
			len = b / 8 + 1;
		}
		for (unsigned long i = a; i <= b; i++)
			m[i / 8] |= (uint8_t)(1u << (i % 8));
		s = *end ? end + 1 : end;
		if (*end && !*s)
			goto bad;           /* a trailing comma */
	}
	*mask = m;
	*n = len;
	return 0;
bad:
	free(m);
	return -EINVAL;
}

static int prop_mask(struct sd_props *ps, const char *name, const char *list, const char *path,
		     struct husk_error *err)
{
	struct sd_prop p = { 0 };
	int r = sd_cpuset_mask(list, &p.v.ay.p, &p.v.ay.n);
	if (r == -EINVAL)
		return husk_error_set(err, EINVAL, "%s \"%s\": not a list like \"0-3,8\" (each "
				      "below %d)", path, list, CPUSET_MAX);
	if (r < 0 || prop_new(ps, name, "ay", &p) < 0)
		return husk_error_set(err, ENOMEM, "%s", path);
	return 0;
}

/* -1 is "no limit" (infinity); other negative values are refused. */
static int limit_value(int64_t v, const char *path, uint64_t *out, struct husk_error *err)
{
	if (v < -1)
		return husk_error_set(err, EINVAL, "%s: %lld is not a limit (-1 means none)",
				      path, (long long)v);
	*out = v == -1 ? UINT64_MAX : (uint64_t)v;
	return 0;
}

static int memory_props(const struct husk_memory *m, struct sd_props *ps, struct husk_error *err)
{
	uint64_t v = 0;
	if (m->limit.set) {
		if (limit_value(m->limit.value, ".linux.resources.memory.limit", &v, err) < 0)
			return -EINVAL;
		if (sd_prop_u64(ps, "MemoryMax", v) < 0)
			return -ENOMEM;
	}
	if (m->reservation.set) {
		if (limit_value(m->reservation.value, ".linux.resources.memory.reservation", &v,
				err) < 0)
			return -EINVAL;
		if (sd_prop_u64(ps, "MemoryLow", v) < 0)
			return -ENOMEM;
	}
	/*
	 * OCI's swap is memory+swap (v1); v2's swap.max is swap alone.  0 is
	 * "not set"; with an unlimited memory limit and no swap, swap is
	 * unlimited too.
	 */
	int64_t swap = m->swap.set ? m->swap.value : 0;
	int64_t limit = m->limit.set ? m->limit.value : 0;
	if (limit == -1 && swap == 0)
		swap = -1;
	if (swap == 0)
		return 0;
	if (swap == -1)
		v = UINT64_MAX;
	else if (swap < -1)
		return husk_error_set(err, EINVAL, ".linux.resources.memory.swap: %lld is not a "
				      "limit (-1 means none)", (long long)swap);
	else if (limit <= 0)
		return husk_error_set(err, EINVAL, ".linux.resources.memory.swap: a swap limit "
				      "needs .linux.resources.memory.limit too");
	else if (swap < limit)
		return husk_error_set(err, EINVAL, ".linux.resources.memory.swap (%lld) is memory"
				      "+swap and must be at least .linux.resources.memory.limit (%lld)",
				      (long long)swap, (long long)limit);
	else
		v = (uint64_t)(swap - limit);
	return sd_prop_u64(ps, "MemorySwapMax", v) < 0 ? -ENOMEM : 0;
}

static int cpu_props(const struct husk_cpu *c, struct sd_props *ps, struct husk_error *err)
{
	if (c->shares.set && c->shares.value != 0) {
		uint64_t s = c->shares.value;
		if (s < 2 || s > 262144)
			return husk_error_set(err, EINVAL, ".linux.resources.cpu.shares: %llu is "
					      "outside 2..262144", (unsigned long long)s);
		if (sd_prop_u64(ps, "CPUWeight", cg_cpu_shares_to_weight(s)) < 0)
			return -ENOMEM;
	}
	uint64_t period = c->period.set ? c->period.value : 100000;
	if (c->period.set) {
		if (period < 1000 || period > 1000000)
			return husk_error_set(err, EINVAL, ".linux.resources.cpu.period: %llu us is "
					      "outside 1000..1000000", (unsigned long long)period);
		if (sd_prop_u64(ps, "CPUQuotaPeriodUSec", period) < 0)
			return -ENOMEM;
	}
	if (c->quota.set && c->quota.value != 0) {
		int64_t q = c->quota.value;
		uint64_t per_sec = UINT64_MAX;
		if (q < -1)
			return husk_error_set(err, EINVAL, ".linux.resources.cpu.quota: %lld is not a "
					      "quota (-1 means none)", (long long)q);
		if (q > 0) {
			if ((uint64_t)q > UINT64_MAX / 1000000 / 2)
				return husk_error_set(err, ERANGE, ".linux.resources.cpu.quota: %lld "
						      "is too large", (long long)q);
			/* rounded up: a quota never shrinks in the conversion */
			per_sec = ((uint64_t)q * 1000000 + period - 1) / period;
		}
		if (sd_prop_u64(ps, "CPUQuotaPerSecUSec", per_sec) < 0)
			return -ENOMEM;
	}
	if (c->cpus && *c->cpus &&
	    prop_mask(ps, "AllowedCPUs", c->cpus, ".linux.resources.cpu.cpus", err) < 0)
		return -EINVAL;
	if (c->mems && *c->mems &&
	    prop_mask(ps, "AllowedMemoryNodes", c->mems, ".linux.resources.cpu.mems", err) < 0)
		return -EINVAL;
	return 0;
}

int sd_props_from_resources(const struct husk_resources *r, struct sd_props *ps,
			    struct husk_error *err)
{
	int e;
	if (!r)
		return 0;
	if (r->memory && (e = memory_props(r->memory, ps, err)) < 0)
		return e == -ENOMEM ? husk_error_set(err, ENOMEM, ".linux.resources.memory") : e;
	if (r->pids_limit.set && r->pids_limit.value != 0) {
		uint64_t v = 0;
		if (limit_value(r->pids_limit.value, ".linux.resources.pids.limit", &v, err) < 0)
			return -EINVAL;
		if (sd_prop_u64(ps, "TasksMax", v) < 0)
			return husk_error_set(err, ENOMEM, ".linux.resources.pids");
	}
	if (r->cpu && (e = cpu_props(r->cpu, ps, err)) < 0)
		return e == -ENOMEM ? husk_error_set(err, ENOMEM, ".linux.resources.cpu") : e;
	if (r->block_io && r->block_io->weight.set && r->block_io->weight.value != 0) {
		uint64_t w = r->block_io->weight.value;
		if (w < 10 || w > 1000)
			return husk_error_set(err, EINVAL, ".linux.resources.blockIO.weight: %llu is "
					      "outside 10..1000", (unsigned long long)w);
		if (sd_prop_u64(ps, "IOWeight", cg_blkio_to_io_weight(w)) < 0)
			return husk_error_set(err, ENOMEM, ".linux.resources.blockIO");
	}
	return 0;
}

int sd_start_body(struct dbus_buf *b, const char *unit, const char *mode,
		  const struct sd_props *ps)
{
	dbus_put_str(b, unit);
	dbus_put_str(b, mode);
	size_t props = dbus_array_open(b, 8);
	for (size_t i = 0; i < ps->n; i++) {
		const struct sd_prop *p = &ps->p[i];
		dbus_align(b, 8);
		dbus_put_str(b, p->name);
		dbus_put_sig(b, p->type);
		switch (p->type[0]) {
		case 'b': dbus_put_bool(b, p->v.b); break;
		case 's': dbus_put_str(b, p->v.s); break;
		case 't': dbus_put_u64(b, p->v.u); break;
		case 'x': dbus_put_i64(b, p->v.i); break;
		case 'u': dbus_put_u32(b, (uint32_t)p->v.u); break;
		case 'i': dbus_put_i32(b, (int32_t)p->v.i); break;
		case 'y': dbus_put_u8(b, (uint8_t)p->v.u); break;
		case 'q': dbus_put_u16(b, (uint16_t)p->v.u); break;
		case 'n': dbus_put_i16(b, (int16_t)p->v.i); break;
		case 'd': dbus_put_double(b, p->v.d); break;
		case 'a': {
			char elem = p->type[1];
			size_t a = dbus_array_open(b, dbus_type_align(elem));
			if (elem == 'u')
				dbus_put_u32(b, (uint32_t)p->v.u);
			else if (elem == 'y')
				for (size_t k = 0; k < p->v.ay.n; k++)
					dbus_put_u8(b, p->v.ay.p[k]);
			else
				for (char **s = p->v.as; *s; s++)
					dbus_put_str(b, *s);
			dbus_array_close(b, a, dbus_type_align(elem));
			break;
		}
		}
	}
	dbus_array_close(b, props, 8);
	size_t aux = dbus_array_open(b, 8);  /* a(sa(sv)): no auxiliary units */
	dbus_array_close(b, aux, 8);
	return b->oom ? -ENOMEM : 0;
}
