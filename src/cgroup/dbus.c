// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * D-Bus wire format: marshalling and parsing (the connection is in
 * dbus-conn.c).
 *
 * Why husk speaks D-Bus itself instead of linking Debian's libdbus-1.a
 * (measured on this machine: Debian 12, libdbus 1.14.10, musl-gcc -O2,
 * husk linked -static-pie as src/libc/musl.mk does):
 *
 *   - size: husk linked with libdbus-1.a and a function calling
 *     dbus_connection_open_private + send_with_reply_and_block grows by
 *     283,608 bytes of text (580 KB -> 900 KB with this client still in);
 *     this client is 13.7 KB of text (dbus.o 7.2 KB + dbus-conn.o 6.5 KB).
 *     The systemd logic above it (systemd*.c, 21.7 KB) is needed either way.
 *   - it does not link as is: the archive is built against glibc and needs
 *     __snprintf_chk, __vsnprintf_chk, __vsprintf_chk, __vfprintf_chk and
 *     __vsyslog_chk shims beyond src/libc/glibc-abi.c, and sd_listen_fds /
 *     sd_is_socket from libsystemd, which Debian ships no static archive
 *     of, so husk would have to provide replacements for those too.
 *   - launch cost, connect + auth + one GetUnit call on systemd's private
 *     socket, in a loop in one process: this client 2.4-3.8 ms a round
 *     (systemd's setup of each new connection dominates on this VM); a
 *     libdbus program failed 15-17 of 20 rounds with "Did not receive a
 *     reply" (the glibc-dynamic build of the same program too, and it
 *     succeeded under strace: a timing issue against systemd 252 that was
 *     not chased further).  libdbus also makes one more round trip (it
 *     waits for OK before NEGOTIATE_UNIX_FD and BEGIN); this client sends
 *     AUTH and BEGIN in one write.
 *
 * What husk needs is small: method calls with the signatures of
 * StartTransientUnit (ssa(sv)a(sa(sv))), StopUnit (ss), Get (ss), their
 * replies, and one signal (JobRemoved, uoss).  No fd passing, no
 * introspection, no threads.
 *
 * Writing: native byte order, alignment counted from the buffer's start
 * (a body starts 8-aligned in a message, so the two agree).  Reading:
 * either byte order; every length is checked against the message, so a
 * hostile or broken peer cannot make husk read past its buffer.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/dbus.h"

#define DBUS_MAX_DEPTH 32           /* the spec allows 32 array + 32 struct levels */
#define DBUS_MAX_ARRAY (64u << 20)  /* the spec's limit on an array's length */

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_ENDIAN 'l'
#else
#define NATIVE_ENDIAN 'B'
#endif

enum {
	HDR_PATH = 1, HDR_INTERFACE, HDR_MEMBER, HDR_ERROR_NAME, HDR_REPLY_SERIAL,
	HDR_DESTINATION, HDR_SENDER, HDR_SIGNATURE, HDR_UNIX_FDS,
};

/* ---- marshalling ---------------------------------------------------------- */

void dbus_buf_free(struct dbus_buf *b)
{
	free(b->data);
	*b = (struct dbus_buf){ 0 };
}

/*
 * Make room for n more bytes.  A failed allocation marks the buffer, and
 * every later append is a no-op: callers check b->oom once at the end.
 */
static uint8_t *grow(struct dbus_buf *b, size_t n)
{
	if (b->oom)
		return NULL;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *d = realloc(b->data, cap);
		if (!d) {
			b->oom = true;
			return NULL;
		}
		b->data = d;
		b->cap = cap;
	}
	uint8_t *p = b->data + b->len;
	b->len += n;
	return p;
}

void dbus_align(struct dbus_buf *b, size_t a)
{
	size_t pad = (a - b->len % a) % a;
	uint8_t *p = grow(b, pad);
	if (p)
		memset(p, 0, pad);
}

static void put(struct dbus_buf *b, const void *v, size_t n)
{
	dbus_align(b, n);
	uint8_t *p = grow(b, n);
	if (p)
		memcpy(p, v, n);
}

void dbus_put_u8(struct dbus_buf *b, uint8_t v) { put(b, &v, 1); }
void dbus_put_i16(struct dbus_buf *b, int16_t v) { put(b, &v, 2); }
void dbus_put_u16(struct dbus_buf *b, uint16_t v) { put(b, &v, 2); }
void dbus_put_i32(struct dbus_buf *b, int32_t v) { put(b, &v, 4); }
void dbus_put_u32(struct dbus_buf *b, uint32_t v) { put(b, &v, 4); }
void dbus_put_i64(struct dbus_buf *b, int64_t v) { put(b, &v, 8); }
void dbus_put_u64(struct dbus_buf *b, uint64_t v) { put(b, &v, 8); }
void dbus_put_double(struct dbus_buf *b, double v) { put(b, &v, 8); }
void dbus_put_bool(struct dbus_buf *b, bool v) { dbus_put_u32(b, v ? 1 : 0); }

void dbus_put_str(struct dbus_buf *b, const char *s)
{
	size_t n = strlen(s);
	dbus_put_u32(b, (uint32_t)n);
	uint8_t *p = grow(b, n + 1);
	if (p)
		memcpy(p, s, n + 1);
}

void dbus_put_sig(struct dbus_buf *b, const char *sig)
{
	size_t n = strlen(sig);
	if (n > 255) {              /* a signature's length is one byte */
		b->oom = true;
		return;
	}
	dbus_put_u8(b, (uint8_t)n);
	uint8_t *p = grow(b, n + 1);
	if (p)
		memcpy(p, sig, n + 1);
}

size_t dbus_type_align(char type)
{
	switch (type) {
	case 'y': case 'g': case 'v':
		return 1;
	case 'n': case 'q':
		return 2;
	case 'x': case 't': case 'd': case '(': case '{':
		return 8;
	default:                    /* b i u h s o a */
		return 4;
	}
}

/*
 * The length counts the elements only, not the padding between the length
 * word and the first element (which is there even when the array is
 * empty).  The token is where the length word is.
 */
size_t dbus_array_open(struct dbus_buf *b, size_t elem_align)
{
	dbus_put_u32(b, 0);
	size_t at = b->len - 4;
	dbus_align(b, elem_align);
	return at;
}

void dbus_array_close(struct dbus_buf *b, size_t token, size_t elem_align)
{
	if (b->oom)
		return;
	size_t start = token + 4;
	start += (elem_align - start % elem_align) % elem_align;
	uint32_t n = (uint32_t)(b->len - start);
	memcpy(b->data + token, &n, 4);
}

/* One (yv) header field whose value is a string-like type. */
static void put_field(struct dbus_buf *b, uint8_t code, char type, const char *s)
{
	if (!s)
		return;
	dbus_align(b, 8);
	dbus_put_u8(b, code);
	char sig[2] = { type, 0 };
	dbus_put_sig(b, sig);
	if (type == 'g')
		dbus_put_sig(b, s);
	else
		dbus_put_str(b, s);
}

int dbus_message_call(struct dbus_buf *out, uint32_t serial, const char *dest,
		      const char *path, const char *iface, const char *member, const char *sig,
		      const struct dbus_buf *body)
{
	size_t body_len = body ? body->len : 0;

	out->len = 0;
	out->oom = false;
	dbus_put_u8(out, NATIVE_ENDIAN);
	dbus_put_u8(out, DBUS_MSG_CALL);
	dbus_put_u8(out, 0);        /* flags: a reply is expected */
	dbus_put_u8(out, 1);        /* protocol version */
	dbus_put_u32(out, (uint32_t)body_len);
	dbus_put_u32(out, serial);
	size_t fields = dbus_array_open(out, 8);
	put_field(out, HDR_PATH, 'o', path);
	put_field(out, HDR_INTERFACE, 's', iface);
	put_field(out, HDR_MEMBER, 's', member);
	put_field(out, HDR_DESTINATION, 's', dest);
	if (sig && *sig)
		put_field(out, HDR_SIGNATURE, 'g', sig);
	dbus_array_close(out, fields, 8);
	dbus_align(out, 8);         /* the body starts 8-aligned */
	if (body_len) {
		uint8_t *p = grow(out, body_len);
		if (p)
			memcpy(p, body->data, body_len);
	}
	if (body && body->oom)
		out->oom = true;
	return out->oom ? -ENOMEM : 0;
}

/* ---- parsing --------------------------------------------------------------- */

static bool rd_align(struct dbus_rd *r, size_t a)
{
	size_t pad = (a - r->pos % a) % a;
	if (r->bad || pad > r->len - r->pos) {
		r->bad = true;
		return false;
	}
	r->pos += pad;
	return true;
}

/* n bytes at the (aligned) position, or NULL and r->bad. */
static const uint8_t *rd_take(struct dbus_rd *r, size_t n, size_t align)
{
	if (!rd_align(r, align) || n > r->len - r->pos) {
		r->bad = true;
		return NULL;
	}
	const uint8_t *p = r->p + r->pos;
	r->pos += n;
	return p;
}

bool dbus_get_u8(struct dbus_rd *r, uint8_t *v)
{
	const uint8_t *p = rd_take(r, 1, 1);
	if (p)
		*v = *p;
	return p;
}

bool dbus_get_u32(struct dbus_rd *r, uint32_t *v)
{
	const uint8_t *p = rd_take(r, 4, 4);
	if (!p)
		return false;
	memcpy(v, p, 4);
	if (r->swap)
		*v = __builtin_bswap32(*v);
	return true;
}

bool dbus_get_u64(struct dbus_rd *r, uint64_t *v)
{
	const uint8_t *p = rd_take(r, 8, 8);
	if (!p)
		return false;
	memcpy(v, p, 8);
	if (r->swap)
		*v = __builtin_bswap64(*v);
	return true;
}

/* n bytes of text and their NUL, with no NUL inside. */
static bool rd_text(struct dbus_rd *r, size_t n, const char **s)
{
	const uint8_t *p = rd_take(r, n + 1, 1);
	if (!p || p[n] != '\0' || memchr(p, '\0', n)) {
		r->bad = true;
		return false;
	}
	*s = (const char *)p;
	return true;
}

bool dbus_get_str(struct dbus_rd *r, const char **s)
{
	uint32_t n;
	return dbus_get_u32(r, &n) && rd_text(r, n, s);
}

bool dbus_get_sig(struct dbus_rd *r, const char **s)
{
	uint8_t n;
	return dbus_get_u8(r, &n) && rd_text(r, n, s);
}

/* Past one complete type in a signature, or NULL when it is not one. */
static const char *sig_next(const char *s, int depth)
{
	if (depth > DBUS_MAX_DEPTH)
		return NULL;
	switch (*s) {
	case 'y': case 'b': case 'n': case 'q': case 'i': case 'u': case 'x': case 't':
	case 'd': case 'h': case 's': case 'o': case 'g': case 'v':
		return s + 1;
	case 'a':
		return sig_next(s + 1, depth + 1);
	case '(':
		s++;
		if (*s == ')')
			return NULL;
		while (s && *s != ')')
			s = *s ? sig_next(s, depth + 1) : NULL;
		return s ? s + 1 : NULL;
	case '{':
		s = sig_next(s + 1, depth + 1);
		s = s ? sig_next(s, depth + 1) : NULL;
		return s && *s == '}' ? s + 1 : NULL;
	default:
		return NULL;
	}
}

bool dbus_get_variant(struct dbus_rd *r, const char **sig)
{
	if (!dbus_get_sig(r, sig))
		return false;
	const char *end = sig_next(*sig, 0);
	if (!end || *end) {         /* a variant holds exactly one type */
		r->bad = true;
		return false;
	}
	return true;
}

static bool skip(struct dbus_rd *r, const char **sig, int depth)
{
	const char *s = *sig, *t;
	const char *next = sig_next(s, depth);
	uint32_t n;

	if (!next || depth > DBUS_MAX_DEPTH || r->bad) {
		r->bad = true;
		return false;
	}
	switch (*s) {
	case 'y': case 'g': case 's': case 'o':
		if (*s == 'y' ? !rd_take(r, 1, 1) : !(*s == 'g' ? dbus_get_sig(r, &t) : dbus_get_str(r, &t)))
			return false;
		break;
	case 'n': case 'q':
		if (!rd_take(r, 2, 2))
			return false;
		break;
	case 'b': case 'i': case 'u': case 'h':
		if (!rd_take(r, 4, 4))
			return false;
		break;
	case 'x': case 't': case 'd':
		if (!rd_take(r, 8, 8))
			return false;
		break;
	case 'v':
		if (!dbus_get_variant(r, &t) || !skip(r, &t, depth + 1))
			return false;
		break;
	case 'a': {
		if (!dbus_get_u32(r, &n) || n > DBUS_MAX_ARRAY || !rd_align(r, dbus_type_align(s[1])))
			return false;
		if (n > r->len - r->pos) {
			r->bad = true;
			return false;
		}
		size_t end = r->pos + n;
		while (r->pos < end) {
			t = s + 1;
			if (!skip(r, &t, depth + 1))
				return false;
		}
		if (r->pos != end) {
			r->bad = true;
			return false;
		}
		break;
	}
	case '(': case '{':
		if (!rd_align(r, 8))
			return false;
		for (t = s + 1; *t != ')' && *t != '}';)
			if (!skip(r, &t, depth + 1))
				return false;
		break;
	}
	*sig = next;
	return true;
}

bool dbus_skip(struct dbus_rd *r, const char **sig)
{
	return skip(r, sig, 0);
}

long dbus_msg_size(const uint8_t *p, size_t len, size_t max)
{
	if (len < 16)
		return 0;
	if ((p[0] != 'l' && p[0] != 'B') || p[3] != 1)
		return -EBADMSG;
	struct dbus_rd r = { .p = p, .len = 16, .pos = 4, .swap = p[0] != NATIVE_ENDIAN };
	uint32_t body, serial, fields;
	if (!dbus_get_u32(&r, &body) || !dbus_get_u32(&r, &serial) || !dbus_get_u32(&r, &fields))
		return -EBADMSG;
	uint64_t total = 16 + (((uint64_t)fields + 7) & ~(uint64_t)7) + body;
	if (total > max)
		return -EBADMSG;
	return (long)total;
}

/* The header field's expected type: 0 for fields husk does not read. */
static char field_type(uint8_t code)
{
	switch (code) {
	case HDR_PATH: return 'o';
	case HDR_INTERFACE: case HDR_MEMBER: case HDR_ERROR_NAME:
	case HDR_DESTINATION: case HDR_SENDER: return 's';
	case HDR_REPLY_SERIAL: return 'u';
	case HDR_SIGNATURE: return 'g';
	default: return 0;
	}
}

int dbus_msg_parse(uint8_t *raw, size_t len, struct dbus_msg *m)
{
	*m = (struct dbus_msg){ .raw = raw, .raw_len = len, .sig = "" };
	long total = dbus_msg_size(raw, len, len);
	if (total <= 0 || total != (long)len)   /* 0: not even a fixed header */
		return -EBADMSG;
	bool swap = raw[0] != NATIVE_ENDIAN;
	struct dbus_rd r = { .p = raw, .len = len, .pos = 4, .swap = swap };
	uint32_t body_len, fields_len;
	if (!dbus_get_u32(&r, &body_len) || !dbus_get_u32(&r, &m->serial) ||
	    !dbus_get_u32(&r, &fields_len) || m->serial == 0)
		return -EBADMSG;
	m->type = raw[1];
	size_t fields_end = 16 + (size_t)fields_len;
	r.len = fields_end;
	while (r.pos < fields_end) {
		uint8_t code;
		const char *sig;
		if (!rd_align(&r, 8) || !dbus_get_u8(&r, &code) || !dbus_get_variant(&r, &sig))
			return -EBADMSG;
		char want = field_type(code);
		if (!want) {
			if (!dbus_skip(&r, &sig))
				return -EBADMSG;
			continue;
		}
		if (sig[0] != want)
			return -EBADMSG;
		const char *s = NULL;
		bool ok = want == 'u' ? dbus_get_u32(&r, &m->reply_serial)
			: want == 'g' ? dbus_get_sig(&r, &s) : dbus_get_str(&r, &s);
		if (!ok)
			return -EBADMSG;
		switch (code) {
		case HDR_PATH: m->path = s; break;
		case HDR_INTERFACE: m->iface = s; break;
		case HDR_MEMBER: m->member = s; break;
		case HDR_ERROR_NAME: m->error_name = s; break;
		case HDR_DESTINATION: m->dest = s; break;
		case HDR_SENDER: m->sender = s; break;
		case HDR_SIGNATURE: m->sig = s; break;
		}
	}
	if (r.pos != fields_end)
		return -EBADMSG;
	size_t body_off = len - body_len;
	m->body = (struct dbus_rd){ .p = raw + body_off, .len = body_len, .swap = swap };
	return 0;
}

void dbus_msg_free(struct dbus_msg *m)
{
	free(m->raw);
	*m = (struct dbus_msg){ .sig = "" };
}

/*
 * systemd's object path for a unit: bytes other than [A-Za-z0-9] become
 * _xx (lower-case hex), and so does a leading digit.
 */
char *dbus_unit_path(const char *unit)
{
	static const char prefix[] = "/org/freedesktop/systemd1/unit/";
	size_t n = strlen(unit);
	char *p = malloc(sizeof(prefix) + 3 * n + 2);
	if (!p)
		return NULL;
	char *q = stpcpy(p, prefix);
	if (n == 0)
		*q++ = '_';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)unit[i];
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		bool digit = c >= '0' && c <= '9';
		if (alpha || (digit && i > 0)) {
			*q++ = (char)c;
		} else {
			*q++ = '_';
			*q++ = "0123456789abcdef"[c >> 4];
			*q++ = "0123456789abcdef"[c & 15];
		}
	}
	*q = '\0';
	return p;
}
