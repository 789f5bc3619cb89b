/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json .linux, except .resources (resources.c) and .seccomp
 * (seccomp.c): namespaces, id mappings, time offsets, devices, sysctl,
 * Intel RDT, personality, propagation, masked and read-only paths, memory
 * policy and network devices.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "husk/spec.h"
#include "husk/util.h"
#include "spec/spec-internal.h"

#define NSEC_PER_SEC 1000000000u
#define IFNAMSIZ_MAX 15             /* IFNAMSIZ - 1 */

static const char *const propagations[] = {
	"shared", "slave", "private", "unbindable",
	"rshared", "rslave", "rprivate", "runbindable", NULL,
};

static const char *const personality_domains[] = { "LINUX", "LINUX32", NULL };

static const char *const mpol_modes[] = {
	"MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
	"MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL", NULL,
};

static const char *const mpol_flags[] = {
	"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES", NULL,
};

/* "expected one of a, b, c, got \"x\"" for a string outside a fixed set. */
static int one_of(const struct jr *r, const struct jpath *p, const char *const *names,
		  const char *s)
{
	char list[400] = "", shown[80];
	size_t n = 0;

	if (jr_lookup(names, s) >= 0)
		return 0;
	for (size_t i = 0; names[i] && n + strlen(names[i]) + 3 < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", n ? ", " : "", names[i]);
	jr_quote(s, strlen(s), shown, sizeof(shown));
	return jr_fail(r, p, "expected one of %s, got %s", list, shown);
}

/* ---- namespaces ----------------------------------------------------------------- */

static int parse_namespace(const struct jr *r, const struct jnode *v, const struct jpath *p,
			   struct husk_namespace *ns)
{
	_cleanup_free_ char *type = NULL;
	const char *names[NS_TYPE_COUNT + 1];
	const struct jnode *f;
	int ret, t;

	ret = jr_object(r, v, p);
	if (ret < 0)
		return ret;
	if ((ret = jr_require(r, v, p, "type", &f)) < 0 ||
	    (ret = jr_get_string(r, v, p, "type", &type)) < 0)
		return ret;
	for (int i = 0; i < NS_TYPE_COUNT; i++)
		names[i] = spec_ns_type_name(i);
	names[NS_TYPE_COUNT] = NULL;
	ret = one_of(r, JP_KEY(p, "type"), names, type);
	if (ret < 0)
		return ret;
	t = jr_lookup(names, type);
	ns->type = (enum husk_ns_type)t;
	ret = jr_get_string(r, v, p, "path", &ns->path);
	if (ret > 0)
		ret = jr_check_absolute(r, JP_KEY(p, "path"), ns->path);
	return ret < 0 ? ret : 0;
}

static int parse_namespaces(const struct jr *r, const struct jnode *lx, const struct jpath *lp,
			    struct husk_linux *out)
{
	const struct jpath *ap = JP_KEY(lp, "namespaces");
	const struct jnode *a;
	size_t i = 0;
	int ret;

	ret = jr_get_array(r, lx, lp, "namespaces", &a);
	if (ret <= 0)
		return ret;
	ALLOC_FOR(out->namespaces, out->n_namespaces, a);
	for (const struct jnode *e = a->u.kids.first; e; e = e->next, i++) {
		ret = parse_namespace(r, e, JP_IDX(ap, i), &out->namespaces[i]);
		if (ret < 0)
			return ret;
		for (size_t j = 0; j < i; j++)
			if (out->namespaces[j].type == out->namespaces[i].type)
				return jr_fail(r, JP_KEY(JP_IDX(ap, i), "type"),
					       "duplicate namespace \"%s\" (already at [%zu])",
					       spec_ns_type_name(out->namespaces[i].type), j);
	}
	return 0;
}

/* ---- time offsets ------------------------------------------------------------------ */

static int parse_time_offsets(const struct jr *r, const struct jnode *lx,
			      const struct jpath *lp, struct husk_linux *out)
{
	static const char *const clocks[] = { "monotonic", "boottime", NULL };
	const struct jpath *p = JP_KEY(lp, "timeOffsets");
	const struct jnode *obj;
	int ret;

	ret = jr_get_object(r, lx, lp, "timeOffsets", &obj);
	if (ret <= 0)
		return ret;
	for (const struct jnode *m = obj->u.kids.first; m; m = m->next) {
		const struct jpath *mp = JP_MEMBER(p, m);
		struct husk_time_offset *o;
		uint32_t ns = 0;

		jr_seen(r, mp, m);
		if (!memchr(m->key, '\0', m->key_len) && strcmp(m->key, "monotonic") == 0)
			o = &out->time_monotonic;
		else if (!memchr(m->key, '\0', m->key_len) && strcmp(m->key, "boottime") == 0)
			o = &out->time_boottime;
		else
			return jr_fail(r, mp, "unknown clock (expected %s or %s)", clocks[0],
				       clocks[1]);
		if (m->type == JT_NULL)
			continue;
		ret = jr_object(r, m, mp);
		if (ret < 0)
			return ret;
		if ((ret = jr_get_int(r, m, mp, "secs", INT64_MIN, INT64_MAX, &o->secs)) < 0 ||
		    (ret = jr_get_u32(r, m, mp, "nanosecs", &ns)) < 0)
			return ret;
		if (ns >= NSEC_PER_SEC)
			return jr_fail(r, JP_KEY(mp, "nanosecs"),
				       "must be below 1000000000, got %u", ns);
		o->nanosecs = ns;
		o->set = true;
	}
	return 0;
}

/* ---- devices ----------------------------------------------------------------------- */

static int parse_device(const struct jr *r, const struct jnode *v, const struct jpath *p,
			struct husk_device *d)
{
	static const char *const types[] = { "c", "b", "u", "p", NULL };
	_cleanup_free_ char *type = NULL;
	const struct jnode *f;
	int ret;

	ret = jr_object(r, v, p);
	if (ret < 0)
		return ret;
	if ((ret = jr_require(r, v, p, "path", &f)) < 0 ||
	    (ret = jr_get_string(r, v, p, "path", &d->path)) < 0 ||
	    (ret = jr_check_absolute(r, JP_KEY(p, "path"), d->path)) < 0)
		return ret;
	if ((ret = jr_require(r, v, p, "type", &f)) < 0 ||
	    (ret = jr_get_string(r, v, p, "type", &type)) < 0 ||
	    (ret = one_of(r, JP_KEY(p, "type"), types, type)) < 0)
		return ret;
	d->type = type[0];
	if (d->type != 'p') {
		if ((ret = jr_require(r, v, p, "major", &f)) < 0 ||
		    (ret = jr_require(r, v, p, "minor", &f)) < 0)
			return ret;
	}
	if ((ret = jr_get_int(r, v, p, "major", INT64_MIN, INT64_MAX, &d->major)) < 0 ||
	    (ret = jr_get_int(r, v, p, "minor", INT64_MIN, INT64_MAX, &d->minor)) < 0 ||
	    (ret = jr_get_opt_u64(r, v, p, "fileMode", UINT32_MAX, &d->file_mode)) < 0 ||
	    (ret = jr_get_opt_u64(r, v, p, "uid", UINT32_MAX, &d->uid)) < 0 ||
	    (ret = jr_get_opt_u64(r, v, p, "gid", UINT32_MAX, &d->gid)) < 0)
		return ret;
	if (d->major < 0 || d->minor < 0)
		return jr_fail(r, JP_KEY(p, d->major < 0 ? "major" : "minor"),
			       "must not be negative");
	return 0;
}

static int parse_devices(const struct jr *r, const struct jnode *lx, const struct jpath *lp,
			 struct husk_linux *out)
{
	const struct jpath *ap = JP_KEY(lp, "devices");
	const struct jnode *a;
	size_t i = 0;
	int ret;

	ret = jr_get_array(r, lx, lp, "devices", &a);
	if (ret <= 0)
		return ret;
	ALLOC_FOR(out->devices, out->n_devices, a);
	for (const struct jnode *e = a->u.kids.first; e; e = e->next, i++) {
		ret = parse_device(r, e, JP_IDX(ap, i), &out->devices[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* ---- small objects ------------------------------------------------------------------ */

static int parse_intel_rdt(const struct jr *r, const struct jnode *lx, const struct jpath *lp,
			   struct husk_linux *out)
{
	const struct jpath *p = JP_KEY(lp, "intelRdt");
	struct husk_intel_rdt *rdt;
	const struct jnode *v;
	int ret;

	ret = jr_get_object(r, lx, lp, "intelRdt", &v);
	if (ret <= 0)
		return ret;
	rdt = out->intel_rdt = xcalloc(1, sizeof(*rdt));
	if ((ret = jr_get_string(r, v, p, "closID", &rdt->clos_id)) < 0 ||
	    (ret = jr_get_string(r, v, p, "l3CacheSchema", &rdt->l3_cache_schema)) < 0 ||
	    (ret = jr_get_string(r, v, p, "memBwSchema", &rdt->mem_bw_schema)) < 0 ||
	    (ret = jr_get_strv(r, v, p, "schemata", &rdt->schemata)) < 0 ||
	    (ret = jr_get_opt_bool(r, v, p, "enableCMT", &rdt->enable_cmt)) < 0 ||
	    (ret = jr_get_opt_bool(r, v, p, "enableMBM", &rdt->enable_mbm)) < 0)
		return ret;
	/* closID names a directory under /sys/fs/resctrl: no way out of it. */
	if (rdt->clos_id && (rdt->clos_id[0] == '\0' || strchr(rdt->clos_id, '/') ||
			     strcmp(rdt->clos_id, ".") == 0 || strcmp(rdt->clos_id, "..") == 0))
		return jr_fail(r, JP_KEY(p, "closID"), "must be a plain directory name");
	return 0;
}

static int parse_personality(const struct jr *r, const struct jnode *lx,
			     const struct jpath *lp, struct husk_linux *out)
{
	const struct jpath *p = JP_KEY(lp, "personality");
	struct husk_personality *pers;
	const struct jnode *v, *f;
	int ret;

	ret = jr_get_object(r, lx, lp, "personality", &v);
	if (ret <= 0)
		return ret;
	pers = out->personality = xcalloc(1, sizeof(*pers));
	if ((ret = jr_require(r, v, p, "domain", &f)) < 0 ||
	    (ret = jr_get_string(r, v, p, "domain", &pers->domain)) < 0 ||
	    (ret = one_of(r, JP_KEY(p, "domain"), personality_domains, pers->domain)) < 0 ||
	    (ret = jr_get_strv(r, v, p, "flags", &pers->flags)) < 0)
		return ret;
	return 0;
}

static int parse_memory_policy(const struct jr *r, const struct jnode *lx,
			       const struct jpath *lp, struct husk_linux *out)
{
	const struct jpath *p = JP_KEY(lp, "memoryPolicy");
	struct husk_memory_policy *mp;
	const struct jnode *v, *f;
	int ret;

	ret = jr_get_object(r, lx, lp, "memoryPolicy", &v);
	if (ret <= 0)
		return ret;
	mp = out->memory_policy = xcalloc(1, sizeof(*mp));
	if ((ret = jr_require(r, v, p, "mode", &f)) < 0 ||
	    (ret = jr_get_string(r, v, p, "mode", &mp->mode)) < 0 ||
	    (ret = one_of(r, JP_KEY(p, "mode"), mpol_modes, mp->mode)) < 0 ||
	    (ret = jr_get_string(r, v, p, "nodes", &mp->nodes)) < 0 ||
	    (ret = jr_get_strv(r, v, p, "flags", &mp->flags)) < 0)
		return ret;
	for (size_t i = 0; mp->flags && mp->flags[i]; i++) {
		ret = one_of(r, JP_IDX(JP_KEY(p, "flags"), i), mpol_flags, mp->flags[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* An interface name the kernel accepts (dev_valid_name()). */
static bool valid_ifname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > IFNAMSIZ_MAX || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || *s == ' ' || (*s >= '\t' && *s <= '\r'))
			return false;
	return true;
}

static int parse_net_devices(const struct jr *r, const struct jnode *lx,
			     const struct jpath *lp, struct husk_linux *out)
{
	const struct jpath *p = JP_KEY(lp, "netDevices");
	const struct jnode *obj;
	size_t i = 0;
	int ret;

	ret = jr_get_object(r, lx, lp, "netDevices", &obj);
	if (ret <= 0)
		return ret;
	out->net_devices = xcalloc(obj->u.kids.n ? obj->u.kids.n : 1, sizeof(*out->net_devices));
	for (const struct jnode *m = obj->u.kids.first; m; m = m->next, i++) {
		const struct jpath *mp = JP_ENTRY(p, m);
		struct husk_net_device *d = &out->net_devices[i];

		jr_seen(r, mp, m);
		out->n_net_devices = i + 1;
		if (memchr(m->key, '\0', m->key_len) || !valid_ifname(m->key))
			return jr_fail(r, mp, "not a valid interface name (1-15 bytes, no '/', "
				       "':' or spaces)");
		d->host_name = xstrdup(m->key);
		if (m->type == JT_NULL)
			continue;
		ret = jr_object(r, m, mp);
		if (ret < 0)
			return ret;
		ret = jr_get_string(r, m, mp, "name", &d->name);
		if (ret > 0 && !valid_ifname(d->name))
			return jr_fail(r, JP_KEY(mp, "name"), "not a valid interface name (1-15 "
				       "bytes, no '/', ':' or spaces)");
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int parse_paths(const struct jr *r, const struct jnode *lx, const struct jpath *lp,
		       const char *key, char ***out)
{
	int ret = jr_get_strv(r, lx, lp, key, out);

	for (size_t i = 0; ret > 0 && (*out)[i]; i++) {
		int c = jr_check_absolute(r, JP_IDX(JP_KEY(lp, key), i), (*out)[i]);

		if (c < 0)
			return c;
	}
	return ret < 0 ? ret : 0;
}

/* ---- .linux ------------------------------------------------------------------------- */

int parse_linux(const struct jr *r, const struct jnode *v, const struct jpath *p,
		struct husk_linux *out)
{
	const struct jnode *sub;
	int ret;

	if ((ret = parse_namespaces(r, v, p, out)) < 0 ||
	    (ret = parse_idmaps(r, v, p, "uidMappings", &out->uid_mappings,
				&out->n_uid_mappings)) < 0 ||
	    (ret = parse_idmaps(r, v, p, "gidMappings", &out->gid_mappings,
				&out->n_gid_mappings)) < 0 ||
	    (ret = parse_time_offsets(r, v, p, out)) < 0 ||
	    (ret = parse_devices(r, v, p, out)) < 0 ||
	    (ret = jr_get_string(r, v, p, "cgroupsPath", &out->cgroups_path)) < 0)
		return ret;

	ret = jr_get_object(r, v, p, "resources", &sub);
	if (ret < 0)
		return ret;
	if (sub) {
		out->resources = xcalloc(1, sizeof(*out->resources));
		ret = parse_resources(r, sub, JP_KEY(p, "resources"), out->resources);
		if (ret < 0)
			return ret;
	}
	if ((ret = parse_intel_rdt(r, v, p, out)) < 0 ||
	    (ret = jr_get_kv(r, v, p, "sysctl", &out->sysctl, &out->n_sysctl)) < 0)
		return ret;

	ret = jr_get_object(r, v, p, "seccomp", &sub);
	if (ret < 0)
		return ret;
	if (sub) {
		out->seccomp = xcalloc(1, sizeof(*out->seccomp));
		ret = parse_seccomp(r, sub, JP_KEY(p, "seccomp"), out->seccomp);
		if (ret < 0)
			return ret;
	}
	if ((ret = parse_personality(r, v, p, out)) < 0 ||
	    (ret = jr_get_string(r, v, p, "rootfsPropagation", &out->rootfs_propagation)) < 0)
		return ret;
	if (ret > 0) {
		ret = one_of(r, JP_KEY(p, "rootfsPropagation"), propagations,
			     out->rootfs_propagation);
		if (ret < 0)
			return ret;
	}
	if ((ret = parse_paths(r, v, p, "maskedPaths", &out->masked_paths)) < 0 ||
	    (ret = parse_paths(r, v, p, "readonlyPaths", &out->readonly_paths)) < 0 ||
	    (ret = jr_get_string(r, v, p, "mountLabel", &out->mount_label)) < 0 ||
	    (ret = parse_memory_policy(r, v, p, out)) < 0 ||
	    (ret = parse_net_devices(r, v, p, out)) < 0)
		return ret;
	return 0;
}

void linux_free(struct husk_linux *l)
{
	if (!l)
		return;
	for (size_t i = 0; l->namespaces && i < l->n_namespaces; i++)
		free(l->namespaces[i].path);
	free(l->namespaces);
	free(l->uid_mappings);
	free(l->gid_mappings);
	for (size_t i = 0; l->devices && i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	free(l->cgroups_path);
	resources_free(l->resources);
	if (l->intel_rdt) {
		free(l->intel_rdt->clos_id);
		free(l->intel_rdt->l3_cache_schema);
		free(l->intel_rdt->mem_bw_schema);
		strv_free(l->intel_rdt->schemata);
		free(l->intel_rdt);
	}
	kv_free(l->sysctl, l->n_sysctl);
	seccomp_free(l->seccomp);
	if (l->personality) {
		free(l->personality->domain);
		strv_free(l->personality->flags);
		free(l->personality);
	}
	free(l->rootfs_propagation);
	strv_free(l->masked_paths);
	strv_free(l->readonly_paths);
	free(l->mount_label);
	if (l->memory_policy) {
		free(l->memory_policy->mode);
		free(l->memory_policy->nodes);
		strv_free(l->memory_policy->flags);
		free(l->memory_policy);
	}
	for (size_t i = 0; l->net_devices && i < l->n_net_devices; i++) {
		free(l->net_devices[i].host_name);
		free(l->net_devices[i].name);
	}
	free(l->net_devices);
	free(l);
}
