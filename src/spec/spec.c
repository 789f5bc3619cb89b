/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json -> struct husk_spec: the top level, root, mounts, hooks and
 * annotations.  process, linux, resources and seccomp have their own files.
 *
 * Parsing is one pass over a JSON tree (json-tree.c) with typed readers
 * (json-read.c) that name the JSON path of every error.  After spec_load()
 * no code in husk sees JSON.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "husk/spec.h"
#include "husk/util.h"
#include "spec/spec-internal.h"

#define HOSTNAME_MAX 64             /* HOST_NAME_MAX on Linux */

/* ---- shared pieces ---------------------------------------------------------- */

/*
 * One id mapping {containerID, hostID, size}: all three required, size > 0,
 * and neither range may run past 2^32 (the kernel would refuse the line;
 * better to say which one here).
 */
static int parse_idmap(const struct jr *r, const struct jnode *v, const struct jpath *p,
		       struct husk_idmap *m)
{
	static const char *const keys[] = { "containerID", "hostID", "size" };
	uint32_t *fields[] = { &m->container_id, &m->host_id, &m->size };
	const struct jnode *f;
	int ret;

	ret = jr_object(r, v, p);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		ret = jr_require(r, v, p, keys[i], &f);
		if (ret < 0)
			return ret;
		ret = jr_get_u32(r, v, p, keys[i], fields[i]);
		if (ret < 0)
			return ret;
	}
	if (m->size == 0)
		return jr_fail(r, JP_KEY(p, "size"), "must be greater than 0");
	if ((uint64_t)m->container_id + m->size > (uint64_t)UINT32_MAX + 1)
		return jr_fail(r, p, "containerID %u + size %u runs past 4294967295",
			       m->container_id, m->size);
	if ((uint64_t)m->host_id + m->size > (uint64_t)UINT32_MAX + 1)
		return jr_fail(r, p, "hostID %u + size %u runs past 4294967295", m->host_id,
			       m->size);
	return 0;
}

int parse_idmaps(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		 const char *key, struct husk_idmap **out, size_t *n)
{
	const struct jpath *ap = JP_KEY(p, key);
	const struct jnode *a;
	size_t i = 0;
	int ret;

	ret = jr_get_array(r, obj, p, key, &a);
	if (ret <= 0)
		return ret;
	ALLOC_FOR(*out, *n, a);
	for (const struct jnode *e = a->u.kids.first; e; e = e->next, i++) {
		ret = parse_idmap(r, e, JP_IDX(ap, i), &(*out)[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* ---- mounts -------------------------------------------------------------------- */

static int parse_mount(const struct jr *r, const struct jnode *v, const struct jpath *p,
		       struct husk_mount *m)
{
	const struct jnode *f;
	int ret;

	ret = jr_object(r, v, p);
	if (ret < 0)
		return ret;
	ret = jr_require(r, v, p, "destination", &f);
	if (ret < 0)
		return ret;
	ret = jr_get_string(r, v, p, "destination", &m->destination);
	if (ret < 0)
		return ret;
	if (m->destination[0] != '/') {
		ret = jr_check_absolute(r, JP_KEY(p, "destination"), m->destination);
		husk_error_hint(r->err, "write it as \"/%s\": husk does not guess relative "
				"destinations", m->destination);
		return ret;
	}
	if ((ret = jr_get_string(r, v, p, "source", &m->source)) < 0 ||
	    (ret = jr_get_string(r, v, p, "type", &m->type)) < 0 ||
	    (ret = jr_get_strv(r, v, p, "options", &m->options)) < 0)
		return ret;
	ret = parse_idmaps(r, v, p, "uidMappings", &m->uid_mappings, &m->n_uid_mappings);
	if (ret < 0)
		return ret;
	ret = parse_idmaps(r, v, p, "gidMappings", &m->gid_mappings, &m->n_gid_mappings);
	return ret < 0 ? ret : 0;
}

static int parse_mounts(const struct jr *r, const struct jnode *top, struct husk_spec *spec)
{
	const struct jpath *ap = JP_KEY(NULL, "mounts");
	const struct jnode *a;
	size_t i = 0;
	int ret;

	ret = jr_get_array(r, top, NULL, "mounts", &a);
	if (ret <= 0)
		return ret;
	ALLOC_FOR(spec->mounts, spec->n_mounts, a);
	for (const struct jnode *e = a->u.kids.first; e; e = e->next, i++) {
		ret = parse_mount(r, e, JP_IDX(ap, i), &spec->mounts[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* ---- hooks ----------------------------------------------------------------------- */

static const char *const hook_keys[HOOK_KIND_COUNT] = {
	[HOOK_PRESTART] = "prestart",
	[HOOK_CREATE_RUNTIME] = "createRuntime",
	[HOOK_CREATE_CONTAINER] = "createContainer",
	[HOOK_START_CONTAINER] = "startContainer",
	[HOOK_POSTSTART] = "poststart",
	[HOOK_POSTSTOP] = "poststop",
};

const char *spec_hook_kind_name(enum husk_hook_kind kind)
{
	return kind < HOOK_KIND_COUNT ? hook_keys[kind] : "?";
}

static int parse_hook(const struct jr *r, const struct jnode *v, const struct jpath *p,
		      struct husk_hook *h)
{
	const struct jnode *f;
	int ret;

	ret = jr_object(r, v, p);
	if (ret < 0)
		return ret;
	ret = jr_require(r, v, p, "path", &f);
	if (ret < 0)
		return ret;
	ret = jr_get_string(r, v, p, "path", &h->path);
	if (ret < 0)
		return ret;
	ret = jr_check_absolute(r, JP_KEY(p, "path"), h->path);
	if (ret < 0)
		return ret;
	if ((ret = jr_get_strv(r, v, p, "args", &h->args)) < 0 ||
	    (ret = jr_get_strv(r, v, p, "env", &h->env)) < 0 ||
	    (ret = jr_get_opt_i64(r, v, p, "timeout", INT32_MIN, INT32_MAX, &h->timeout)) < 0)
		return ret;
	if (h->timeout.set && h->timeout.value <= 0)
		return jr_fail(r, JP_KEY(p, "timeout"),
			       "must be greater than 0 (seconds), got %lld",
			       (long long)h->timeout.value);
	return 0;
}

static int parse_hooks(const struct jr *r, const struct jnode *top, struct husk_hooks *hooks)
{
	const struct jpath *hp = JP_KEY(NULL, "hooks");
	const struct jnode *obj, *a;
	int ret;

	ret = jr_get_object(r, top, NULL, "hooks", &obj);
	if (ret <= 0)
		return ret;
	for (int k = 0; k < HOOK_KIND_COUNT; k++) {
		const struct jpath *ap = JP_KEY(hp, hook_keys[k]);
		size_t i = 0;

		ret = jr_get_array(r, obj, hp, hook_keys[k], &a);
		if (ret < 0)
			return ret;
		if (ret == 0)
			continue;
		ALLOC_FOR(hooks->list[k], hooks->count[k], a);
		for (const struct jnode *e = a->u.kids.first; e; e = e->next, i++) {
			ret = parse_hook(r, e, JP_IDX(ap, i), &hooks->list[k][i]);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

/* ---- top level ----------------------------------------------------------------------- */

static int parse_root(const struct jr *r, const struct jnode *top, struct husk_spec *spec)
{
	const struct jpath *rp = JP_KEY(NULL, "root");
	const struct jnode *root, *f;
	int ret;

	ret = jr_require(r, top, NULL, "root", &root);
	if (ret < 0)
		return ret;
	ret = jr_object(r, root, rp);
	if (ret < 0)
		return ret;
	ret = jr_require(r, root, rp, "path", &f);
	if (ret < 0)
		return ret;
	ret = jr_get_string(r, root, rp, "path", &spec->root_path);
	if (ret < 0)
		return ret;
	if (spec->root_path[0] == '\0')
		return jr_fail(r, JP_KEY(rp, "path"), "must not be empty");
	ret = jr_get_bool(r, root, rp, "readonly", &spec->root_readonly);
	return ret < 0 ? ret : 0;
}

static int parse_version(const struct jr *r, const struct jnode *top, struct husk_spec *spec)
{
	const struct jnode *f;
	int ret;

	ret = jr_require(r, top, NULL, "ociVersion", &f);
	if (ret < 0)
		return ret;
	ret = jr_get_string(r, top, NULL, "ociVersion", &spec->oci_version);
	if (ret < 0)
		return ret;
	if (!str_has_prefix(spec->oci_version, "1."))
		return jr_fail(r, JP_KEY(NULL, "ociVersion"),
			       "version \"%.40s\" is not supported (husk reads 1.x)",
			       spec->oci_version);
	return 0;
}

static int parse_name(const struct jr *r, const struct jnode *top, const char *key, char **out)
{
	int ret = jr_get_string(r, top, NULL, key, out);

	if (ret > 0 && strlen(*out) > HOSTNAME_MAX)
		return jr_fail(r, JP_KEY(NULL, key), "longer than %d bytes", HOSTNAME_MAX);
	return ret < 0 ? ret : 0;
}

static int parse_top(const struct jr *r, const struct jnode *top, struct husk_spec *spec)
{
	const struct jnode *v;
	int ret;

	ret = jr_object(r, top, NULL);
	if (ret < 0)
		return ret;
	if ((ret = parse_version(r, top, spec)) < 0 ||
	    (ret = parse_root(r, top, spec)) < 0 ||
	    (ret = parse_mounts(r, top, spec)) < 0)
		return ret;

	ret = jr_get_object(r, top, NULL, "process", &v);
	if (ret < 0)
		return ret;
	if (v) {
		spec->process = xcalloc(1, sizeof(*spec->process));
		ret = parse_process(r, v, JP_KEY(NULL, "process"), spec->process);
		if (ret < 0)
			return ret;
	}
	if ((ret = parse_name(r, top, "hostname", &spec->hostname)) < 0 ||
	    (ret = parse_name(r, top, "domainname", &spec->domainname)) < 0 ||
	    (ret = parse_hooks(r, top, &spec->hooks)) < 0 ||
	    (ret = jr_get_kv(r, top, NULL, "annotations", &spec->annotations,
			     &spec->n_annotations)) < 0)
		return ret;

	ret = jr_get_object(r, top, NULL, "linux", &v);
	if (ret < 0)
		return ret;
	if (v) {
		spec->linux_ = xcalloc(1, sizeof(*spec->linux_));
		ret = parse_linux(r, v, JP_KEY(NULL, "linux"), spec->linux_);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int parse_with(const struct jr *r, const char *json, size_t len, struct husk_spec **out)
{
	_cleanup_jtree_ struct jtree *tree = NULL;
	_cleanup_spec_ struct husk_spec *spec = NULL;
	int ret;

	ret = jtree_parse(json, len, r->name, &tree, r->err);
	if (ret < 0)
		return ret;
	spec = xcalloc(1, sizeof(*spec));
	ret = parse_top(r, jtree_root(tree), spec);
	if (ret < 0)
		return ret;
	*out = TAKE_PTR(spec);
	return 0;
}

int spec_parse(const char *json, size_t len, const char *name, struct husk_spec **out,
	       struct husk_error *err)
{
	struct jr r = { .name = name ? name : "config.json", .err = err };

	return parse_with(&r, json, len, out);
}

int spec_parse_traced(const char *json, size_t len, jr_seen_fn seen, void *ctx,
		      struct husk_spec **out, struct husk_error *err)
{
	struct jr r = { .name = "config.json", .err = err, .seen = seen, .seen_ctx = ctx };

	return parse_with(&r, json, len, out);
}

int spec_load(const char *bundle, struct husk_spec **out, struct husk_error *err)
{
	_cleanup_free_ char *path = xasprintf("%s/config.json", bundle ? bundle : ".");
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int ret;

	ret = read_file_at(AT_FDCWD, path, SPEC_MAX_BYTES, &text, &len, err);
	if (ret == -ENOENT)
		husk_error_hint(err, "is --bundle right? 'husk spec' writes a default config.json");
	if (ret < 0)
		return ret;
	return spec_parse(text, len, "config.json", out, err);
}

/* ---- readers' helpers and freeing ---------------------------------------------------- */

static const char *const ns_names[NS_TYPE_COUNT] = {
	[NS_PID] = "pid",   [NS_NETWORK] = "network", [NS_MOUNT] = "mount",
	[NS_IPC] = "ipc",   [NS_UTS] = "uts",         [NS_USER] = "user",
	[NS_CGROUP] = "cgroup", [NS_TIME] = "time",
};

const char *spec_ns_type_name(enum husk_ns_type type)
{
	if ((unsigned)type >= NS_TYPE_COUNT)
		return "unknown";
	return ns_names[type];
}

const struct husk_namespace *spec_namespace(const struct husk_spec *spec,
					    enum husk_ns_type type)
{
	const struct husk_linux *l = spec ? spec->linux_ : NULL;

	for (size_t i = 0; l && i < l->n_namespaces; i++)
		if (l->namespaces[i].type == type)
			return &l->namespaces[i];
	return NULL;
}

const char *spec_annotation(const struct husk_spec *spec, const char *key)
{
	for (size_t i = 0; spec && i < spec->n_annotations; i++)
		if (strcmp(spec->annotations[i].key, key) == 0)
			return spec->annotations[i].value;
	return NULL;
}

static void mount_free(struct husk_mount *m)
{
	free(m->destination);
	free(m->source);
	free(m->type);
	strv_free(m->options);
	free(m->uid_mappings);
	free(m->gid_mappings);
}

static void hooks_free(struct husk_hooks *hooks)
{
	for (int k = 0; k < HOOK_KIND_COUNT; k++) {
		for (size_t i = 0; hooks->list[k] && i < hooks->count[k]; i++) {
			struct husk_hook *h = &hooks->list[k][i];

			free(h->path);
			strv_free(h->args);
			strv_free(h->env);
		}
		free(hooks->list[k]);
	}
}

void spec_free(struct husk_spec *spec)
{
	if (!spec)
		return;
	int saved = errno;

	free(spec->oci_version);
	free(spec->root_path);
	for (size_t i = 0; spec->mounts && i < spec->n_mounts; i++)
		mount_free(&spec->mounts[i]);
	free(spec->mounts);
	spec_process_free(spec->process);
	free(spec->hostname);
	free(spec->domainname);
	hooks_free(&spec->hooks);
	kv_free(spec->annotations, spec->n_annotations);
	linux_free(spec->linux_);
	free(spec);
	errno = saved;
}
