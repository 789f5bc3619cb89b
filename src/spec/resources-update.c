/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `husk update`: a standalone linux.resources object (--resources FILE, or
 * built from the flags), parsed with the checks of config.json's
 * .linux.resources, and merged into the container's pinned config.
 *
 * The merge works on the JSON trees, not on struct husk_resources: husk
 * has no writer for a whole spec, and re-emitting one from the typed
 * values would silently drop every field husk does not model (unknown
 * fields are ignored by the parser, but they are the engine's and must
 * survive).  So the pinned config is re-emitted node by node, exactly as
 * it was, except .linux.resources, which becomes the deep merge of the old
 * object and the update: objects merge member by member, anything else
 * (numbers, strings, arrays such as devices or hugepageLimits) is replaced
 * whole, as runc's update replaces a field it is given.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "husk/json.h"
#include "husk/util.h"
#include "spec/json-emit.h"
#include "spec/spec-internal.h"

int spec_parse_resources(const char *json, size_t len, const char *name,
			 struct husk_resources **out, struct husk_error *err)
{
	_cleanup_jtree_ struct jtree *tree = NULL;
	struct jr r = { .name = name ? name : "resources.json", .err = err };
	struct husk_resources *res;
	int ret;

	*out = NULL;
	ret = jtree_parse(json, len, r.name, &tree, err);
	if (ret < 0)
		return ret;
	ret = jr_object(&r, jtree_root(tree), NULL);
	if (ret < 0)
		return ret;
	res = xcalloc(1, sizeof(*res));
	ret = parse_resources(&r, jtree_root(tree), NULL, res);
	if (ret < 0) {
		resources_free(res);
		return ret;
	}
	*out = res;
	return 0;
}

void spec_resources_free(struct husk_resources *res)
{
	resources_free(res);
}

/* The member `key` of object n (JSON null counts as absent, as Go reads it). */
static const struct jnode *member(const struct jnode *n, const struct jnode *key)
{
	if (!n || n->type != JT_OBJECT)
		return NULL;
	for (const struct jnode *m = n->u.kids.first; m; m = m->next)
		if (m->key_len == key->key_len && memcmp(m->key, key->key, m->key_len) == 0)
			return m->type == JT_NULL ? NULL : m;
	return NULL;
}

/* Emit base merged with upd (either may be NULL, not both). */
static int emit_merged(const struct jnode *base, const struct jnode *upd, struct json_writer *w,
		       struct husk_error *err)
{
	int r;

	if (!upd || upd->type == JT_NULL)
		return jtree_emit(base, w, "the pinned config", err);
	if (!base || base->type != JT_OBJECT || upd->type != JT_OBJECT)
		return jtree_emit(upd, w, "the update", err);
	json_open_object(w);
	for (const struct jnode *m = base->u.kids.first; m; m = m->next) {
		json_key(w, m->key);
		r = emit_merged(m, member(upd, m), w, err);
		if (r < 0)
			return r;
	}
	for (const struct jnode *m = upd->u.kids.first; m; m = m->next) {
		if (m->type == JT_NULL || member(base, m))
			continue;
		json_key(w, m->key);
		r = jtree_emit(m, w, "the update", err);
		if (r < 0)
			return r;
	}
	json_close_object(w);
	return 0;
}

/* Emit the object n, with its member `key` replaced by emit_merged(old, upd). */
static int emit_with(const struct jnode *n, const char *key, const struct jnode *upd,
		     int (*inner)(const struct jnode *, const struct jnode *,
				  struct json_writer *, struct husk_error *),
		     struct json_writer *w, struct husk_error *err)
{
	bool seen = false;
	int r;

	json_open_object(w);
	for (const struct jnode *m = n->u.kids.first; m; m = m->next) {
		bool match = m->key_len == strlen(key) && memcmp(m->key, key, m->key_len) == 0;

		if (match && m->type == JT_NULL)
			continue;       /* null is absent: written below */
		json_key(w, m->key);
		if (match) {
			seen = true;
			r = inner(m, upd, w, err);
		} else {
			r = jtree_emit(m, w, "the pinned config", err);
		}
		if (r < 0)
			return r;
	}
	if (!seen) {
		json_key(w, key);
		r = inner(NULL, upd, w, err);
		if (r < 0)
			return r;
	}
	json_close_object(w);
	return 0;
}

/* .linux: its resources merged (a missing .linux is made with just them). */
static int emit_linux(const struct jnode *linux_, const struct jnode *upd, struct json_writer *w,
		      struct husk_error *err)
{
	if (!linux_) {
		json_open_object(w);
		json_key(w, "resources");
		if (emit_merged(NULL, upd, w, err) < 0)
			return -EINVAL;
		json_close_object(w);
		return 0;
	}
	if (linux_->type != JT_OBJECT)
		return husk_error_setq(err, EINVAL, "the pinned config: .linux is not an object");
	return emit_with(linux_, "resources", upd, emit_merged, w, err);
}

int spec_merge_resources(const char *config, size_t len, const char *update, size_t ulen,
			 char **out, size_t *out_len, struct husk_error *err)
{
	_cleanup_jtree_ struct jtree *ct = NULL, *ut = NULL;
	_cleanup_json_writer_ struct json_writer *w = NULL;
	_cleanup_spec_ struct husk_spec *check = NULL;
	const char *buf;
	size_t n;
	int r;

	*out = NULL;
	if ((r = jtree_parse(config, len, "the pinned config", &ct, err)) < 0 ||
	    (r = jtree_parse(update, ulen, "the update", &ut, err)) < 0)
		return r;
	if (jtree_root(ct)->type != JT_OBJECT || jtree_root(ut)->type != JT_OBJECT)
		return husk_error_setq(err, EINVAL, "the pinned config and the update must be "
				       "JSON objects");
	w = json_writer_new(true);
	r = emit_with(jtree_root(ct), "linux", jtree_root(ut), emit_linux, w, err);
	if (r < 0)
		return r;
	r = json_writer_finish(w, &buf, &n, err);
	if (r < 0)
		return r;
	/* What is pinned must still be a config husk accepts. */
	r = spec_parse(buf, n, "the updated config", &check, err);
	if (r < 0)
		return r;
	*out = xmalloc(n + 1);
	memcpy(*out, buf, n);
	(*out)[n] = '\0';
	*out_len = n;
	return 0;
}
