/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one JSON writer of husk, over yajl_gen: see include/husk/json.h.
 *
 * yajl_gen is driven in compact mode.  The writer keeps its own small
 * state machine next to it (object-expecting-key, object-expecting-value,
 * array) so that a misuse such as a value without a key fails with a
 * sentence instead of silently turning the value into a key.  Pretty output
 * is produced at the end by re-indenting the compact text: yajl's own
 * beautifier prints empty containers across three lines.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "husk/json.h"
#include "husk/util.h"

#define JSON_MAX_DEPTH (YAJL_MAX_DEPTH - 1)  /* yajl_gen refuses its 128th level */

enum frame {
	FRAME_TOP,                  /* outside any container */
	FRAME_OBJECT_KEY,           /* inside {}, a key (or the close) comes next */
	FRAME_OBJECT_VALUE,         /* inside {}, after a key: a value comes next */
	FRAME_ARRAY,
};

struct json_writer {
	yajl_gen gen;
	bool pretty;
	bool done;                  /* the top-level value is complete */
	int errnum;                 /* first failure (positive errno), sticky */
	char errmsg[160];
	unsigned depth;             /* frame[depth] is the current frame */
	unsigned char frame[JSON_MAX_DEPTH + 1];
	char *out;                  /* pretty text handed out by finish */
	size_t out_len;
};

struct json_writer *json_writer_new(bool pretty)
{
	struct json_writer *w = xcalloc(1, sizeof(*w));

	w->gen = yajl_gen_alloc(NULL);
	if (!w->gen) {
		/* yajl could not allocate: nothing sane remains (as in xmalloc). */
		static const char msg[] = "husk: out of memory\n";

		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
			/* nothing more to say */
		}
		abort();
	}
	/* Refuse invalid UTF-8 rather than emit a document no parser reads. */
	yajl_gen_config(w->gen, yajl_gen_validate_utf8, 1);
	w->pretty = pretty;
	w->frame[0] = FRAME_TOP;
	return w;
}

void json_writer_free(struct json_writer *w)
{
	if (!w)
		return;
	yajl_gen_free(w->gen);
	free(w->out);
	free(w);
}

/* Record the first failure; later calls become no-ops. */
static void __attribute__((format(printf, 3, 4)))
fail(struct json_writer *w, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (w->errnum)
		return;
	w->errnum = errnum;
	va_start(ap, fmt);
	vsnprintf(w->errmsg, sizeof(w->errmsg), fmt, ap);
	va_end(ap);
}

static void check(struct json_writer *w, yajl_gen_status st)
{
	switch (st) {
	case yajl_gen_status_ok:
		return;
	case yajl_gen_invalid_string:
		fail(w, EILSEQ, "string is not valid UTF-8");
		return;
	case yajl_max_depth_exceeded:
		fail(w, E2BIG, "nesting deeper than %d levels", JSON_MAX_DEPTH);
		return;
	default:
		fail(w, EINVAL, "yajl_gen failed (status %d)", (int)st);
		return;
	}
}

/*
 * Called before anything that is a value (scalars and container opens):
 * true when a value is allowed here.
 */
static bool before_value(struct json_writer *w)
{
	if (w->errnum)
		return false;
	switch (w->frame[w->depth]) {
	case FRAME_TOP:
		if (w->done) {
			fail(w, EINVAL, "a second top-level value");
			return false;
		}
		return true;
	case FRAME_OBJECT_KEY:
		fail(w, EINVAL, "a value inside an object without a key");
		return false;
	default:
		return true;
	}
}

/* A value (or a whole container) has been written in the current frame. */
static void after_value(struct json_writer *w)
{
	switch (w->frame[w->depth]) {
	case FRAME_TOP:
		w->done = true;
		break;
	case FRAME_OBJECT_VALUE:
		w->frame[w->depth] = FRAME_OBJECT_KEY;
		break;
	default:
		break;
	}
}

static void open_container(struct json_writer *w, bool object)
{
	if (!before_value(w))
		return;
	if (w->depth >= JSON_MAX_DEPTH) {
		fail(w, E2BIG, "nesting deeper than %d levels", JSON_MAX_DEPTH);
		return;
	}
	check(w, object ? yajl_gen_map_open(w->gen) : yajl_gen_array_open(w->gen));
	if (w->errnum)
		return;
	w->frame[++w->depth] = object ? FRAME_OBJECT_KEY : FRAME_ARRAY;
}

static void close_container(struct json_writer *w, bool object)
{
	unsigned char f;

	if (w->errnum)
		return;
	f = w->frame[w->depth];
	if (object && f == FRAME_OBJECT_VALUE) {
		fail(w, EINVAL, "object closed after a key without its value");
		return;
	}
	if ((object && f != FRAME_OBJECT_KEY) || (!object && f != FRAME_ARRAY)) {
		fail(w, EINVAL, "close of an %s that is not open", object ? "object" : "array");
		return;
	}
	check(w, object ? yajl_gen_map_close(w->gen) : yajl_gen_array_close(w->gen));
	if (w->errnum)
		return;
	w->depth--;
	after_value(w);
}

void json_open_object(struct json_writer *w)
{
	open_container(w, true);
}

void json_close_object(struct json_writer *w)
{
	close_container(w, true);
}

void json_open_array(struct json_writer *w)
{
	open_container(w, false);
}

void json_close_array(struct json_writer *w)
{
	close_container(w, false);
}

void json_key(struct json_writer *w, const char *key)
{
	if (w->errnum)
		return;
	if (w->frame[w->depth] != FRAME_OBJECT_KEY) {
		fail(w, EINVAL, "key \"%.40s\" %s", key ? key : "(null)",
		     w->frame[w->depth] == FRAME_OBJECT_VALUE ? "follows a key without a value"
							      : "outside an object");
		return;
	}
	if (!key) {
		fail(w, EINVAL, "NULL key");
		return;
	}
	check(w, yajl_gen_string(w->gen, (const unsigned char *)key, strlen(key)));
	if (!w->errnum)
		w->frame[w->depth] = FRAME_OBJECT_VALUE;
}

void json_string(struct json_writer *w, const char *s)
{
	if (!s) {
		json_null(w);
		return;
	}
	if (!before_value(w))
		return;
	check(w, yajl_gen_string(w->gen, (const unsigned char *)s, strlen(s)));
	if (!w->errnum)
		after_value(w);
}

void json_int(struct json_writer *w, int64_t v)
{
	if (!before_value(w))
		return;
	check(w, yajl_gen_integer(w->gen, (long long)v));
	if (!w->errnum)
		after_value(w);
}

/* yajl_gen_integer() takes a long long: values above INT64_MAX go as text. */
void json_uint(struct json_writer *w, uint64_t v)
{
	char buf[24];
	int n;

	if (!before_value(w))
		return;
	n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
	check(w, yajl_gen_number(w->gen, buf, (size_t)n));
	if (!w->errnum)
		after_value(w);
}

void json_bool(struct json_writer *w, bool v)
{
	if (!before_value(w))
		return;
	check(w, yajl_gen_bool(w->gen, v));
	if (!w->errnum)
		after_value(w);
}

void json_null(struct json_writer *w)
{
	if (!before_value(w))
		return;
	check(w, yajl_gen_null(w->gen));
	if (!w->errnum)
		after_value(w);
}

void json_kv_string(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	json_string(w, s);
}

void json_kv_int(struct json_writer *w, const char *key, int64_t v)
{
	json_key(w, key);
	json_int(w, v);
}

void json_kv_uint(struct json_writer *w, const char *key, uint64_t v)
{
	json_key(w, key);
	json_uint(w, v);
}

void json_kv_bool(struct json_writer *w, const char *key, bool v)
{
	json_key(w, key);
	json_bool(w, v);
}

void json_kv_strv(struct json_writer *w, const char *key, char *const *v)
{
	json_key(w, key);
	if (!v) {
		json_null(w);
		return;
	}
	json_open_array(w);
	for (size_t i = 0; v[i]; i++)
		json_string(w, v[i]);
	json_close_array(w);
}

/* ---- pretty printing ---------------------------------------------------- */

struct buf {
	char *p;
	size_t len, cap;
};

static void buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 256;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_newline(struct buf *b, unsigned level)
{
	buf_put(b, "\n", 1);
	for (unsigned i = 0; i < level; i++)
		buf_put(b, "  ", 2);
}

/*
 * Re-indent compact JSON (as yajl_gen writes it: no whitespace outside
 * strings) with two spaces per level, "key": value, empty containers as {}
 * and [], and a final newline.  Only structural characters outside strings
 * are touched, so the text of every value is unchanged.
 */
static void reindent(const char *in, size_t n, struct buf *out)
{
	bool in_string = false;
	unsigned level = 0;

	for (size_t i = 0; i < n; i++) {
		char c = in[i];

		if (in_string) {
			if (c == '\\' && i + 1 < n) {
				buf_put(out, in + i, 2);
				i++;
				continue;
			}
			if (c == '"')
				in_string = false;
			buf_put(out, &c, 1);
			continue;
		}
		switch (c) {
		case '"':
			in_string = true;
			buf_put(out, &c, 1);
			break;
		case '{':
		case '[':
			if (i + 1 < n && in[i + 1] == (c == '{' ? '}' : ']')) {
				buf_put(out, in + i, 2);
				i++;
				break;
			}
			buf_put(out, &c, 1);
			buf_newline(out, ++level);
			break;
		case '}':
		case ']':
			buf_newline(out, level ? --level : 0);
			buf_put(out, &c, 1);
			break;
		case ',':
			buf_put(out, &c, 1);
			buf_newline(out, level);
			break;
		case ':':
			buf_put(out, ": ", 2);
			break;
		default:
			buf_put(out, &c, 1);
			break;
		}
	}
	buf_put(out, "\n", 1);
}

int json_writer_finish(struct json_writer *w, const char **buf, size_t *len,
		       struct husk_error *err)
{
	const unsigned char *text;
	size_t n;

	if (!w->errnum && !w->done)
		fail(w, EINVAL, "the document is incomplete (%u container%s still open)", w->depth,
		     w->depth == 1 ? "" : "s");
	if (!w->errnum)
		check(w, yajl_gen_get_buf(w->gen, &text, &n));
	if (w->errnum)
		return husk_error_setq(err, w->errnum, "JSON writer: %s", w->errmsg);

	if (w->pretty) {
		struct buf out = { 0 };

		reindent((const char *)text, n, &out);
		free(w->out);
		w->out = out.p;
		w->out_len = out.len;
		*buf = w->out;
		*len = w->out_len;
	} else {
		*buf = (const char *)text;
		*len = n;
	}
	return 0;
}
