/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A parsed JSON tree, written back through the JSON writer: see
 * json-emit.h.  yajl_gen cannot take raw text, so a ready-made document is
 * re-emitted node by node; the writer then re-checks every string as UTF-8
 * and every container as balanced, for free.
 *
 * Recursion is bounded: the tree was parsed with the SPEC_MAX_DEPTH cap.
 */
#include <errno.h>
#include <string.h>

#include "husk/util.h"
#include "spec/json-emit.h"

/* A number as the tree keeps it (raw text) -> json_int / json_uint. */
static int emit_number(const struct jnode *n, struct json_writer *w, const char *what,
		       struct husk_error *err)
{
	const char *t = n->u.text.s;
	int64_t i;
	uint64_t u;

	if (t[0] == '-' && parse_int64(t, &i) == 0) {
		json_int(w, i);
		return 0;
	}
	if (t[0] != '-' && parse_uint64(t, &u) == 0) {
		json_uint(w, u);
		return 0;
	}
	return husk_error_setq(err, EINVAL, "%s: the number %s is not a 64-bit integer",
			       what, t);
}

int jtree_emit(const struct jnode *n, struct json_writer *w, const char *what,
	       struct husk_error *err)
{
	int r;

	switch (n->type) {
	case JT_NULL:
		json_null(w);
		return 0;
	case JT_BOOL:
		json_bool(w, n->u.boolean);
		return 0;
	case JT_NUMBER:
		return emit_number(n, w, what, err);
	case JT_STRING:
		/* The writer takes C strings: a "\u0000" inside cannot survive. */
		if (strlen(n->u.text.s) != n->u.text.len)
			return husk_error_setq(err, EINVAL, "%s: a string holds a NUL byte", what);
		json_string(w, n->u.text.s);
		return 0;
	case JT_OBJECT:
		json_open_object(w);
		for (const struct jnode *m = n->u.kids.first; m; m = m->next) {
			if (strlen(m->key) != m->key_len)
				return husk_error_setq(err, EINVAL, "%s: a key holds a NUL byte",
						       what);
			json_key(w, m->key);
			r = jtree_emit(m, w, what, err);
			if (r < 0)
				return r;
		}
		json_close_object(w);
		return 0;
	case JT_ARRAY:
		json_open_array(w);
		for (const struct jnode *e = n->u.kids.first; e; e = e->next) {
			r = jtree_emit(e, w, what, err);
			if (r < 0)
				return r;
		}
		json_close_array(w);
		return 0;
	}
	return husk_error_setq(err, EINVAL, "%s: unknown node type", what);
}
