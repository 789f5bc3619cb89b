/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_SPEC_JSON_READ_H
#define HUSK_SPEC_JSON_READ_H

/*
 * Private to src/spec/: a JSON tree built from yajl's callback parser, and a
 * typed reader over it that names the JSON path of every error.
 *
 * The tree (json-tree.c) lives in one arena, so freeing it is not
 * recursive; nesting is capped at SPEC_MAX_DEPTH while parsing, input at
 * SPEC_MAX_BYTES before parsing, and duplicate object keys are refused (two
 * readers of one file must not see two different configs).
 *
 * The reader (json-read.c) takes a `struct jpath` chain that lives on the C
 * stack: building a path costs nothing until an error has to print it as
 * ".linux.uidMappings[0].size".
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "husk/error.h"
#include "husk/spec.h"

/* ---- the tree ------------------------------------------------------------- */

enum jtype { JT_NULL, JT_BOOL, JT_NUMBER, JT_STRING, JT_OBJECT, JT_ARRAY };

struct jnode {
	enum jtype type;
	const char *key;            /* member name when the parent is an object */
	size_t key_len;
	struct jnode *next;         /* next member or element of the parent */
	union {
		bool boolean;
		struct {
			const char *s;      /* NUL-terminated; a number keeps its raw text */
			size_t len;         /* a string may contain "\u0000": trust len */
		} text;
		struct {
			struct jnode *first, *last;
			size_t n;
		} kids;
	} u;
};

struct jtree;

/*
 * Parse `len` bytes of JSON text.  `name` prefixes errors ("config.json:
 * invalid JSON at line 3, column 7: ...").  Refuses input over
 * SPEC_MAX_BYTES, NUL bytes, nesting over SPEC_MAX_DEPTH and duplicate keys.
 */
int jtree_parse(const char *json, size_t len, const char *name, struct jtree **out,
		struct husk_error *err);
const struct jnode *jtree_root(const struct jtree *t);
void jtree_free(struct jtree *t);
static inline void jtree_freep(struct jtree **t)
{
	jtree_free(*t);
}
#define _cleanup_jtree_ __attribute__((cleanup(jtree_freep)))

/* ---- paths ------------------------------------------------------------------ */

/* One step of a JSON path; `up` NULL is the document root. */
struct jpath {
	const struct jpath *up;
	const char *key;            /* member name, or NULL for an array index */
	size_t key_len;
	size_t index;
	bool entry;                 /* key is data (a map's entry), not a field name */
};

#define JP_KEY(up_, k) (&(const struct jpath){ .up = (up_), .key = (k), .key_len = strlen(k) })
#define JP_IDX(up_, i) (&(const struct jpath){ .up = (up_), .index = (i) })
/* The path of member `m` of the object at `up` (m->key is its name). */
#define JP_MEMBER(up_, m)                                                              \
	(&(const struct jpath){ .up = (up_), .key = (m)->key, .key_len = (m)->key_len })
/* The same for an entry of a map whose keys are data (rdma devices, netDevices). */
#define JP_ENTRY(up_, m)                                                               \
	(&(const struct jpath){ .up = (up_), .key = (m)->key, .key_len = (m)->key_len,   \
				.entry = true })

/* Render a path (".process.args[0]"; "top level" for the root) into buf. */
void jpath_format(const struct jpath *p, char *buf, size_t size);
/* Quote s as a JSON string for a message, cut short ("...") to fit size. */
void jr_quote(const char *s, size_t len, char *buf, size_t size);

/* ---- the reader --------------------------------------------------------------- */

/*
 * Told of every member the parser looks up, at its path, with the member
 * (NULL when absent).  Only tests set it (tests/unit/test_spec_fields.c):
 * it is how they learn every field the parser knows.
 */
typedef void (*jr_seen_fn)(void *ctx, const struct jpath *p, const struct jnode *v);

struct jr {
	const char *name;           /* "config.json" */
	struct husk_error *err;
	jr_seen_fn seen;            /* NULL but in tests */
	void *seen_ctx;
};

/* "<name>: <path>: <message>"; returns -EINVAL. */
int jr_fail(const struct jr *r, const struct jpath *p, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "<name>: <path>: expected <what>, got <value>"; returns -EINVAL. */
int jr_expected(const struct jr *r, const struct jpath *p, const char *what,
		const struct jnode *v);
/* A short rendering of a value for messages: "\"ten\"", "-1", "an object". */
void jr_describe(const struct jnode *v, char *buf, size_t size);

/* Member `key` of an object; NULL when absent or JSON null (Go's reading). */
const struct jnode *jr_member(const struct jnode *obj, const char *key);
/* As jr_member(), for a parser: r->seen hears of the lookup.  p is obj's path. */
const struct jnode *jr_find(const struct jr *r, const struct jnode *obj, const struct jpath *p,
			    const char *key);
/* Tell r->seen of a member a parser found by walking an object (not by name). */
void jr_seen(const struct jr *r, const struct jpath *p, const struct jnode *v);
/* As jr_member(), but a missing member is an error naming its path. */
int jr_require(const struct jr *r, const struct jnode *obj, const struct jpath *p,
	       const char *key, const struct jnode **out);

/* Value readers: 0 or a negative errno with the error filled. */
int jr_object(const struct jr *r, const struct jnode *v, const struct jpath *p);
int jr_array(const struct jr *r, const struct jnode *v, const struct jpath *p);
int jr_string(const struct jr *r, const struct jnode *v, const struct jpath *p, char **out);
int jr_bool(const struct jr *r, const struct jnode *v, const struct jpath *p, bool *out);
/* Integers; `max`/`min` choose the wording ("an unsigned 32-bit integer"). */
int jr_uint(const struct jr *r, const struct jnode *v, const struct jpath *p, uint64_t max,
	    uint64_t *out);
int jr_int(const struct jr *r, const struct jnode *v, const struct jpath *p, int64_t min,
	   int64_t max, int64_t *out);
int jr_strv(const struct jr *r, const struct jnode *v, const struct jpath *p, char ***out);
/* An object of strings (annotations, sysctl, unified), in document order. */
int jr_kv(const struct jr *r, const struct jnode *v, const struct jpath *p, struct husk_kv **out,
	  size_t *n);

/*
 * Member readers: 0 when absent (out untouched), 1 when read, or a negative
 * errno.  `p` is the path of `obj`.
 */
int jr_get_string(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		  const char *key, char **out);
int jr_get_bool(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		const char *key, bool *out);
int jr_get_uint(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		const char *key, uint64_t max, uint64_t *out);
int jr_get_u32(const struct jr *r, const struct jnode *obj, const struct jpath *p,
	       const char *key, uint32_t *out);
int jr_get_int(const struct jr *r, const struct jnode *obj, const struct jpath *p,
	       const char *key, int64_t min, int64_t max, int64_t *out);
int jr_get_strv(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		const char *key, char ***out);
int jr_get_kv(const struct jr *r, const struct jnode *obj, const struct jpath *p,
	      const char *key, struct husk_kv **out, size_t *n);
int jr_get_opt_u64(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		   const char *key, uint64_t max, husk_opt_u64 *out);
int jr_get_opt_i64(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		   const char *key, int64_t min, int64_t max, husk_opt_i64 *out);
int jr_get_opt_bool(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		    const char *key, husk_opt_bool *out);
/* A member that must be an object / an array when present. */
int jr_get_object(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		  const char *key, const struct jnode **out);
int jr_get_array(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		 const char *key, const struct jnode **out);

/* Free an array of n key/value pairs (NULL-safe). */
void kv_free(struct husk_kv *kv, size_t n);

/* Validation helpers shared by the topic files. */
int jr_check_absolute(const struct jr *r, const struct jpath *p, const char *s);
/* Look `s` up in a NULL-terminated table of names; its index or -1. */
int jr_lookup(const char *const *names, const char *s);

#endif
