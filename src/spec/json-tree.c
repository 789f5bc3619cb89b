/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON text -> tree of struct jnode, with yajl's callback parser.
 *
 * Why not yajl_tree_parse(): it needs a NUL-terminated copy of the input,
 * frees its tree recursively (a deep document is a stack overflow), keeps
 * duplicate keys, and reports errors as multi-line snippets.  Building the
 * tree ourselves is a hundred lines and fixes all four: the depth cap is
 * enforced in the callbacks, every node comes from one arena (freed as a
 * list of chunks), duplicate keys are refused when their object closes, and
 * errors carry a line and column.
 *
 * yajl itself is iterative (an explicit byte stack), strict by default (no
 * comments, no trailing garbage, UTF-8 validated) and hands numbers over as
 * raw text through the yajl_number callback, so no precision is lost before
 * the typed reader looks at them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "husk/util.h"
#include "spec/json-read.h"

#define CHUNK_SIZE (64u * 1024u)

/* Nodes hold pointers and sizes only: 8-byte alignment is enough. */
#define ARENA_ALIGN 8u

struct chunk {
	struct chunk *next;
	size_t used, cap;
	uint64_t data[];
};

struct jtree {
	struct chunk *chunks;       /* head is the chunk being filled */
	struct jnode *root;
};

/* ---- arena ------------------------------------------------------------------ */

/*
 * Bump allocation in 64 KiB chunks; a request larger than a quarter chunk
 * (a long string) gets a chunk of its own, linked behind the current one so
 * the current one keeps filling.
 */
static void *arena_alloc(struct jtree *t, size_t n)
{
	struct chunk *c;
	void *p;

	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (n > CHUNK_SIZE / 4) {
		c = xmalloc(sizeof(*c) + n);
		c->used = c->cap = n;
		if (t->chunks) {
			c->next = t->chunks->next;
			t->chunks->next = c;
		} else {
			c->next = NULL;
			t->chunks = c;
		}
		return c->data;
	}
	if (!t->chunks || t->chunks->cap - t->chunks->used < n) {
		c = xmalloc(sizeof(*c) + CHUNK_SIZE);
		c->used = 0;
		c->cap = CHUNK_SIZE;
		c->next = t->chunks;
		t->chunks = c;
	}
	c = t->chunks;
	p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

static const char *arena_strndup(struct jtree *t, const void *s, size_t n)
{
	char *p = arena_alloc(t, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void jtree_free(struct jtree *t)
{
	struct chunk *c, *next;

	if (!t)
		return;
	for (c = t->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(t);
}

const struct jnode *jtree_root(const struct jtree *t)
{
	return t->root;
}

/* ---- the builder (yajl callbacks) -------------------------------------------- */

struct builder {
	struct jtree *tree;
	struct jnode *stack[SPEC_MAX_DEPTH];   /* open containers, innermost last */
	size_t depth;
	const char *key;            /* pending member name */
	size_t key_len;
	char why[1024];             /* set when a callback cancels the parse */
	bool at_position;           /* add " at line L, column C" to why */
};

/* The path of the innermost open container, for messages. */
static void builder_path(const struct builder *b, char *buf, size_t size)
{
	struct jpath steps[SPEC_MAX_DEPTH];
	const struct jpath *up = NULL;

	for (size_t i = 1; i < b->depth; i++) {
		const struct jnode *parent = b->stack[i - 1], *child = b->stack[i];

		steps[i].up = up;
		if (parent->type == JT_OBJECT) {
			steps[i].key = child->key;
			steps[i].key_len = child->key_len;
		} else {
			steps[i].key = NULL;
			steps[i].index = parent->u.kids.n - 1;
		}
		up = &steps[i];
	}
	jpath_format(up, buf, size);
}

static struct jnode *add_node(struct builder *b, enum jtype type)
{
	struct jnode *n = arena_alloc(b->tree, sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->type = type;
	if (b->depth == 0) {
		b->tree->root = n;      /* yajl allows one top-level value */
		return n;
	}
	struct jnode *parent = b->stack[b->depth - 1];

	if (parent->type == JT_OBJECT) {
		n->key = b->key;
		n->key_len = b->key_len;
		b->key = NULL;
	}
	if (parent->u.kids.last)
		parent->u.kids.last->next = n;
	else
		parent->u.kids.first = n;
	parent->u.kids.last = n;
	parent->u.kids.n++;
	return n;
}

static int cb_null(void *ctx)
{
	add_node(ctx, JT_NULL);
	return 1;
}

static int cb_boolean(void *ctx, int v)
{
	add_node(ctx, JT_BOOL)->u.boolean = v != 0;
	return 1;
}

static int cb_text(void *ctx, enum jtype type, const void *s, size_t len)
{
	struct builder *b = ctx;
	struct jnode *n = add_node(b, type);

	n->u.text.s = arena_strndup(b->tree, s, len);
	n->u.text.len = len;
	return 1;
}

static int cb_number(void *ctx, const char *s, size_t len)
{
	return cb_text(ctx, JT_NUMBER, s, len);
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
	return cb_text(ctx, JT_STRING, s, len);
}

static int cb_map_key(void *ctx, const unsigned char *s, size_t len)
{
	struct builder *b = ctx;

	b->key = arena_strndup(b->tree, s, len);
	b->key_len = len;
	return 1;
}

static int open_container(struct builder *b, enum jtype type)
{
	if (b->depth >= SPEC_MAX_DEPTH) {
		snprintf(b->why, sizeof(b->why), "nesting deeper than %d levels", SPEC_MAX_DEPTH);
		b->at_position = true;
		return 0;
	}
	b->stack[b->depth] = add_node(b, type);
	b->depth++;
	return 1;
}

static int cb_start_map(void *ctx)
{
	return open_container(ctx, JT_OBJECT);
}

static int cb_start_array(void *ctx)
{
	return open_container(ctx, JT_ARRAY);
}

static int cmp_key(const void *a, const void *b)
{
	const struct jnode *x = *(const struct jnode *const *)a;
	const struct jnode *y = *(const struct jnode *const *)b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->key, y->key, n);

	if (c)
		return c;
	return x->key_len < y->key_len ? -1 : x->key_len > y->key_len;
}

/*
 * Refuse an object with two members of the same name: Go keeps the last,
 * a naive reader the first, and a config must mean one thing.  Sorting a
 * copy of the member list keeps this O(n log n) for huge objects.
 */
static int check_duplicates(struct builder *b, const struct jnode *obj)
{
	_cleanup_free_ const struct jnode **v = NULL;
	size_t n = obj->u.kids.n, i = 0;
	char path[512], key[160];

	if (n < 2)
		return 1;
	v = xmalloc(n * sizeof(*v));
	for (const struct jnode *m = obj->u.kids.first; m; m = m->next)
		v[i++] = m;
	qsort(v, n, sizeof(*v), cmp_key);
	for (i = 1; i < n; i++) {
		if (cmp_key(&v[i - 1], &v[i]) == 0) {
			builder_path(b, path, sizeof(path));
			jr_quote(v[i]->key, v[i]->key_len, key, sizeof(key));
			snprintf(b->why, sizeof(b->why), "%s: duplicate key %s", path, key);
			return 0;
		}
	}
	return 1;
}

static int cb_end_map(void *ctx)
{
	struct builder *b = ctx;

	if (!check_duplicates(b, b->stack[b->depth - 1]))
		return 0;
	b->depth--;
	return 1;
}

static int cb_end_array(void *ctx)
{
	struct builder *b = ctx;

	b->depth--;
	return 1;
}

static const yajl_callbacks callbacks = {
	.yajl_null = cb_null,
	.yajl_boolean = cb_boolean,
	.yajl_number = cb_number,
	.yajl_string = cb_string,
	.yajl_start_map = cb_start_map,
	.yajl_map_key = cb_map_key,
	.yajl_end_map = cb_end_map,
	.yajl_start_array = cb_start_array,
	.yajl_end_array = cb_end_array,
};

/* ---- entry point ------------------------------------------------------------- */

/* 1-based line and column (in bytes) of offset `off`. */
static void position(const char *json, size_t off, size_t *line, size_t *col)
{
	const char *nl;
	const char *p = json;

	*line = 1;
	while ((nl = memchr(p, '\n', off - (size_t)(p - json)))) {
		(*line)++;
		p = nl + 1;
	}
	*col = off - (size_t)(p - json) + 1;
}

static bool all_whitespace(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\n", s[i]))
			return false;
	return true;
}

/* Turn a failed yajl run into one sentence naming the place. */
static int parse_error(yajl_handle h, const struct builder *b, const char *json, size_t len,
		       size_t off, bool truncated, const char *name, struct husk_error *err)
{
	unsigned char *yerr;
	size_t line, col, n;
	int r;

	if (off > len)
		off = len;
	/* A cancelled callback fired after yajl consumed its token: the one-byte
	 * '[' or '{' that went too deep is just behind the offset. */
	if (b->at_position && off > 0)
		off--;
	position(json, off, &line, &col);
	if (b->why[0] && !b->at_position)
		return husk_error_setq(err, EINVAL, "%s: %s", name, b->why);
	if (b->why[0])
		return husk_error_setq(err, EINVAL, "%s: %s at line %zu, column %zu", name, b->why,
				       line, col);
	if (truncated)
		return husk_error_setq(err, EINVAL,
				       "%s: invalid JSON at line %zu, column %zu: unexpected end "
				       "of input (is the file truncated?)", name, line, col);
	yerr = yajl_get_error(h, 0, NULL, 0);
	n = yerr ? strlen((char *)yerr) : 0;
	while (n > 0 && (yerr[n - 1] == '\n' || yerr[n - 1] == '.'))
		yerr[--n] = '\0';
	r = husk_error_setq(err, EINVAL, "%s: invalid JSON at line %zu, column %zu: %s", name,
			    line, col, yerr ? (char *)yerr : "parse error");
	if (yerr)
		yajl_free_error(h, yerr);
	return r;
}

int jtree_parse(const char *json, size_t len, const char *name, struct jtree **out,
		struct husk_error *err)
{
	struct builder *b = NULL;
	struct jtree *t = NULL;
	const char *nul;
	yajl_handle h;
	yajl_status st;
	size_t off, line, col;
	bool truncated = false;
	int r = 0;

	if (len > SPEC_MAX_BYTES)
		return husk_error_setq(err, EFBIG, "%s: %zu bytes, larger than the limit of %u",
				       name, len, SPEC_MAX_BYTES);
	nul = memchr(json, '\0', len);
	if (nul) {
		position(json, (size_t)(nul - json), &line, &col);
		return husk_error_setq(err, EINVAL, "%s: NUL byte at line %zu, column %zu: not "
				       "a JSON text", name, line, col);
	}
	if (all_whitespace(json, len))
		return husk_error_setq(err, EINVAL, "%s: empty document, expected a JSON object",
				       name);

	t = xcalloc(1, sizeof(*t));
	b = xcalloc(1, sizeof(*b));
	b->tree = t;
	h = yajl_alloc(&callbacks, NULL, b);
	if (!h)
		abort();        /* yajl could not allocate its handle */
	st = yajl_parse(h, (const unsigned char *)json, len);
	off = yajl_get_bytes_consumed(h);
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(h);
		off = len;      /* the only failure left is running out of input */
		truncated = true;
	}
	if (st != yajl_status_ok || !t->root)
		r = parse_error(h, b, json, len, off, truncated, name, err);
	yajl_free(h);
	free(b);
	if (r < 0) {
		jtree_free(t);
		return r;
	}
	*out = t;
	return 0;
}
