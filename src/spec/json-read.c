/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The typed reader over a struct jnode tree: see json-read.h.
 *
 * Every reader checks the JSON type and range of one value and, on
 * failure, writes one sentence naming the path and showing the offending
 * value, cut short: `config.json: .linux.uidMappings[0].size: expected an
 * unsigned 32-bit integer, got "ten"`.
 *
 * Numbers arrive as their raw JSON text.  Integers are read with
 * strtoull()/strtoll() on that text, so a uint64 up to 2^64-1 (a seccomp
 * argument) is exact, and 1.5, 1e3, -1 or 4294967296 are refused by the
 * field's own type, as Go's encoding/json (runc) refuses them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "husk/util.h"
#include "spec/json-read.h"

#define JPATH_MAX_STEPS 128
#define SHOW_KEY_MAX 64             /* longest member name shown in a path */
#define SHOW_VALUE_MAX 48           /* longest value shown in a message */

/* ---- formatting ---------------------------------------------------------------- */

struct out {
	char *buf;
	size_t size, len;
	bool full;
};

static void out_put(struct out *o, const char *s, size_t n)
{
	if (o->full || o->size == 0)
		return;
	if (o->len + n >= o->size) {
		o->full = true;
		n = o->size - 1 - o->len;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

/* Length of the UTF-8 sequence starting with byte c (1 for anything odd). */
static size_t utf8_len(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/*
 * Quote a string as JSON for a message.  Control characters are escaped
 * (a message must stay on one line); UTF-8 sequences are kept whole; when
 * the text does not fit, it ends in ..." instead.
 */
void jr_quote(const char *s, size_t len, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size };
	char esc[8];

	if (size == 0)
		return;
	buf[0] = '\0';
	out_put(&o, "\"", 1);
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		const char *piece = esc;
		size_t n;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			n = 2;
		} else if (c < 0x20 || c == 0x7f) {
			n = (size_t)snprintf(esc, sizeof(esc), "\\u%04x", c);
		} else {
			piece = s + i;
			n = utf8_len(c);
			if (n > len - i)
				n = len - i;
		}
		/* Keep room for the closing ..." and the NUL. */
		if (o.len + n + 5 > size) {
			out_put(&o, "...\"", 4);
			return;
		}
		out_put(&o, piece, n);
		i += c >= 0x80 ? n : 1;
	}
	out_put(&o, "\"", 1);
}

/* A member name is shown bare when it looks like an identifier. */
static bool plain_key(const char *k, size_t len)
{
	if (len == 0 || len > SHOW_KEY_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = k[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

void jpath_format(const struct jpath *p, char *buf, size_t size)
{
	const struct jpath *steps[JPATH_MAX_STEPS];
	struct out o = { .buf = buf, .size = size };
	size_t n = 0;
	char piece[SHOW_KEY_MAX * 2 + 8];

	if (size == 0)
		return;
	buf[0] = '\0';
	if (!p) {
		out_put(&o, "top level", 9);
		return;
	}
	for (; p && n < JPATH_MAX_STEPS; p = p->up)
		steps[n++] = p;
	if (p)
		out_put(&o, "...", 3);
	while (n-- > 0) {
		const struct jpath *s = steps[n];

		if (!s->key) {
			int k = snprintf(piece, sizeof(piece), "[%zu]", s->index);

			out_put(&o, piece, (size_t)k);
		} else if (plain_key(s->key, s->key_len)) {
			out_put(&o, ".", 1);
			out_put(&o, s->key, s->key_len);
		} else {
			out_put(&o, "[", 1);
			jr_quote(s->key, s->key_len, piece, sizeof(piece));
			out_put(&o, piece, strlen(piece));
			out_put(&o, "]", 1);
		}
	}
}

void jr_describe(const struct jnode *v, char *buf, size_t size)
{
	switch (v->type) {
	case JT_NULL:
		snprintf(buf, size, "null");
		break;
	case JT_BOOL:
		snprintf(buf, size, "%s", v->u.boolean ? "true" : "false");
		break;
	case JT_NUMBER:
		if (v->u.text.len > SHOW_VALUE_MAX)
			snprintf(buf, size, "%.*s...", SHOW_VALUE_MAX, v->u.text.s);
		else
			snprintf(buf, size, "%s", v->u.text.s);
		break;
	case JT_STRING:
		jr_quote(v->u.text.s, v->u.text.len, buf,
			 size < SHOW_VALUE_MAX + 8 ? size : SHOW_VALUE_MAX + 8);
		break;
	case JT_OBJECT:
		snprintf(buf, size, "an object");
		break;
	case JT_ARRAY:
		snprintf(buf, size, "an array");
		break;
	}
}

int jr_fail(const struct jr *r, const struct jpath *p, const char *fmt, ...)
{
	char path[512], msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	jpath_format(p, path, sizeof(path));
	return husk_error_setq(r->err, EINVAL, "%s: %s: %s", r->name, path, msg);
}

int jr_expected(const struct jr *r, const struct jpath *p, const char *what,
		const struct jnode *v)
{
	char got[SHOW_VALUE_MAX + 16];

	jr_describe(v, got, sizeof(got));
	return jr_fail(r, p, "expected %s, got %s", what, got);
}

/* ---- values ---------------------------------------------------------------------- */

/* The member `key` of obj as written, a JSON null included; NULL when absent. */
static const struct jnode *member_raw(const struct jnode *obj, const char *key)
{
	size_t len = strlen(key);

	if (!obj || obj->type != JT_OBJECT)
		return NULL;
	for (const struct jnode *m = obj->u.kids.first; m; m = m->next)
		if (m->key_len == len && memcmp(m->key, key, len) == 0)
			return m;
	return NULL;
}

const struct jnode *jr_member(const struct jnode *obj, const char *key)
{
	const struct jnode *m = member_raw(obj, key);

	return m && m->type != JT_NULL ? m : NULL;
}

void jr_seen(const struct jr *r, const struct jpath *p, const struct jnode *v)
{
	if (r->seen)
		r->seen(r->seen_ctx, p, v);
}

const struct jnode *jr_find(const struct jr *r, const struct jnode *obj, const struct jpath *p,
			    const char *key)
{
	const struct jnode *raw = member_raw(obj, key);

	if (!obj || obj->type != JT_OBJECT)
		return NULL;
	jr_seen(r, JP_KEY(p, key), raw);
	return raw && raw->type != JT_NULL ? raw : NULL;
}

int jr_require(const struct jr *r, const struct jnode *obj, const struct jpath *p,
	       const char *key, const struct jnode **out)
{
	*out = jr_find(r, obj, p, key);
	if (!*out)
		return jr_fail(r, JP_KEY(p, key), "required field is missing");
	return 0;
}

int jr_object(const struct jr *r, const struct jnode *v, const struct jpath *p)
{
	return v->type == JT_OBJECT ? 0 : jr_expected(r, p, "an object", v);
}

int jr_array(const struct jr *r, const struct jnode *v, const struct jpath *p)
{
	return v->type == JT_ARRAY ? 0 : jr_expected(r, p, "an array", v);
}

int jr_string(const struct jr *r, const struct jnode *v, const struct jpath *p, char **out)
{
	if (v->type != JT_STRING)
		return jr_expected(r, p, "a string", v);
	if (memchr(v->u.text.s, '\0', v->u.text.len))
		return jr_fail(r, p, "must not contain a NUL character (\\u0000)");
	*out = xstrdup(v->u.text.s);
	return 0;
}

int jr_bool(const struct jr *r, const struct jnode *v, const struct jpath *p, bool *out)
{
	if (v->type != JT_BOOL)
		return jr_expected(r, p, "true or false", v);
	*out = v->u.boolean;
	return 0;
}

/* True when a JSON number's raw text is a plain integer (no fraction or exponent). */
static bool integer_text(const char *s)
{
	return !strpbrk(s, ".eE");
}

int jr_uint(const struct jr *r, const struct jnode *v, const struct jpath *p, uint64_t max,
	    uint64_t *out)
{
	char what[64];
	unsigned long long x;
	char *end;

	if (max == UINT64_MAX)
		snprintf(what, sizeof(what), "an unsigned 64-bit integer");
	else if (max == UINT32_MAX)
		snprintf(what, sizeof(what), "an unsigned 32-bit integer");
	else if (max == UINT16_MAX)
		snprintf(what, sizeof(what), "an unsigned 16-bit integer");
	else
		snprintf(what, sizeof(what), "an integer from 0 to %" PRIu64, max);

	if (v->type != JT_NUMBER || v->u.text.s[0] == '-' || !integer_text(v->u.text.s))
		return jr_expected(r, p, what, v);
	errno = 0;
	x = strtoull(v->u.text.s, &end, 10);
	if (errno == ERANGE || *end != '\0' || x > max)
		return jr_expected(r, p, what, v);
	*out = x;
	return 0;
}

int jr_int(const struct jr *r, const struct jnode *v, const struct jpath *p, int64_t min,
	   int64_t max, int64_t *out)
{
	char what[80];
	long long x;
	char *end;

	if (min == INT64_MIN && max == INT64_MAX)
		snprintf(what, sizeof(what), "a 64-bit integer");
	else if (min == INT32_MIN && max == INT32_MAX)
		snprintf(what, sizeof(what), "a 32-bit integer");
	else
		snprintf(what, sizeof(what), "an integer from %" PRId64 " to %" PRId64, min, max);

	if (v->type != JT_NUMBER || !integer_text(v->u.text.s))
		return jr_expected(r, p, what, v);
	errno = 0;
	x = strtoll(v->u.text.s, &end, 10);
	if (errno == ERANGE || *end != '\0' || x < min || x > max)
		return jr_expected(r, p, what, v);
	*out = x;
	return 0;
}

int jr_strv(const struct jr *r, const struct jnode *v, const struct jpath *p, char ***out)
{
	_cleanup_strv_ char **list = NULL;
	size_t i = 0;
	int ret;

	ret = jr_array(r, v, p);
	if (ret < 0)
		return ret;
	list = xcalloc(v->u.kids.n + 1, sizeof(char *));
	for (const struct jnode *e = v->u.kids.first; e; e = e->next, i++) {
		ret = jr_string(r, e, JP_IDX(p, i), &list[i]);
		if (ret < 0)
			return ret;
	}
	*out = TAKE_PTR(list);
	return 0;
}

void kv_free(struct husk_kv *kv, size_t n)
{
	for (size_t i = 0; kv && i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

int jr_kv(const struct jr *r, const struct jnode *v, const struct jpath *p, struct husk_kv **out,
	  size_t *n)
{
	struct husk_kv *kv;
	size_t i = 0;
	int ret;

	ret = jr_object(r, v, p);
	if (ret < 0)
		return ret;
	kv = xcalloc(v->u.kids.n ? v->u.kids.n : 1, sizeof(*kv));
	for (const struct jnode *m = v->u.kids.first; m; m = m->next, i++) {
		const struct jpath *mp = JP_MEMBER(p, m);

		if (memchr(m->key, '\0', m->key_len)) {
			ret = jr_fail(r, mp, "key must not contain a NUL character (\\u0000)");
			goto fail;
		}
		ret = jr_string(r, m, mp, &kv[i].value);
		if (ret < 0)
			goto fail;
		kv[i].key = xstrdup(m->key);
	}
	*out = kv;
	*n = i;
	return 0;
fail:
	kv_free(kv, i + 1);
	return ret;
}

/* ---- members --------------------------------------------------------------------- */

int jr_get_string(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		  const char *key, char **out)
{
	const struct jnode *m = jr_find(r, obj, p, key);
	int ret;

	if (!m)
		return 0;
	free(*out);
	*out = NULL;
	ret = jr_string(r, m, JP_KEY(p, key), out);
	return ret < 0 ? ret : 1;
}

int jr_get_bool(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		const char *key, bool *out)
{
	const struct jnode *m = jr_find(r, obj, p, key);
	int ret;

	if (!m)
		return 0;
	ret = jr_bool(r, m, JP_KEY(p, key), out);
	return ret < 0 ? ret : 1;
}

int jr_get_uint(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		const char *key, uint64_t max, uint64_t *out)
{
	const struct jnode *m = jr_find(r, obj, p, key);
	int ret;

	if (!m)
		return 0;
	ret = jr_uint(r, m, JP_KEY(p, key), max, out);
	return ret < 0 ? ret : 1;
}

int jr_get_u32(const struct jr *r, const struct jnode *obj, const struct jpath *p,
	       const char *key, uint32_t *out)
{
	uint64_t v;
	int ret = jr_get_uint(r, obj, p, key, UINT32_MAX, &v);

	if (ret > 0)
		*out = (uint32_t)v;
	return ret;
}

int jr_get_int(const struct jr *r, const struct jnode *obj, const struct jpath *p,
	       const char *key, int64_t min, int64_t max, int64_t *out)
{
	const struct jnode *m = jr_find(r, obj, p, key);
	int ret;

	if (!m)
		return 0;
	ret = jr_int(r, m, JP_KEY(p, key), min, max, out);
	return ret < 0 ? ret : 1;
}

int jr_get_strv(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		const char *key, char ***out)
{
	const struct jnode *m = jr_find(r, obj, p, key);
	int ret;

	if (!m)
		return 0;
	strv_free(*out);
	*out = NULL;
	ret = jr_strv(r, m, JP_KEY(p, key), out);
	return ret < 0 ? ret : 1;
}

int jr_get_kv(const struct jr *r, const struct jnode *obj, const struct jpath *p,
	      const char *key, struct husk_kv **out, size_t *n)
{
	const struct jnode *m = jr_find(r, obj, p, key);
	int ret;

	if (!m)
		return 0;
	ret = jr_kv(r, m, JP_KEY(p, key), out, n);
	return ret < 0 ? ret : 1;
}

int jr_get_opt_u64(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		   const char *key, uint64_t max, husk_opt_u64 *out)
{
	int ret = jr_get_uint(r, obj, p, key, max, &out->value);

	if (ret > 0)
		out->set = true;
	return ret;
}

int jr_get_opt_i64(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		   const char *key, int64_t min, int64_t max, husk_opt_i64 *out)
{
	int ret = jr_get_int(r, obj, p, key, min, max, &out->value);

	if (ret > 0)
		out->set = true;
	return ret;
}

int jr_get_opt_bool(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		    const char *key, husk_opt_bool *out)
{
	int ret = jr_get_bool(r, obj, p, key, &out->value);

	if (ret > 0)
		out->set = true;
	return ret;
}

int jr_get_object(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		  const char *key, const struct jnode **out)
{
	const struct jnode *m = jr_find(r, obj, p, key);
	int ret;

	*out = NULL;
	if (!m)
		return 0;
	ret = jr_object(r, m, JP_KEY(p, key));
	if (ret < 0)
		return ret;
	*out = m;
	return 1;
}

int jr_get_array(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		 const char *key, const struct jnode **out)
{
	const struct jnode *m = jr_find(r, obj, p, key);
	int ret;

	*out = NULL;
	if (!m)
		return 0;
	ret = jr_array(r, m, JP_KEY(p, key));
	if (ret < 0)
		return ret;
	*out = m;
	return 1;
}

/* ---- validation helpers ------------------------------------------------------------ */

int jr_check_absolute(const struct jr *r, const struct jpath *p, const char *s)
{
	char shown[SHOW_VALUE_MAX + 16];

	if (s[0] == '/')
		return 0;
	jr_quote(s, strlen(s), shown, sizeof(shown));
	return jr_fail(r, p, "must be an absolute path, got %s", shown);
}

int jr_lookup(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}
