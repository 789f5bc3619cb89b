/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The error convention: see include/husk/error.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "husk/error.h"

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when
 * the bytes there are not one (stray continuation byte, overlong form,
 * surrogate, above U+10FFFF, cut short).  *cp is the code point.
 */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned int *cp)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0xc2 || c > 0xf4)
		return 0;
	if (c < 0xe0) {
		len = 2;
		*cp = c & 0x1fu;
	} else if (c < 0xf0) {
		len = 3;
		*cp = c & 0x0fu;
		if (c == 0xe0)
			lo = 0xa0;          /* overlong */
		else if (c == 0xed)
			hi = 0x9f;          /* surrogates */
	} else {
		len = 4;
		*cp = c & 0x07u;
		if (c == 0xf0)
			lo = 0x90;          /* overlong */
		else if (c == 0xf4)
			hi = 0x8f;          /* above U+10FFFF */
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if (s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xbf))
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3fu);
	}
	return len;
}

size_t husk_one_line(const char *s, char *buf, size_t size)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), o = 0;

	if (size == 0)
		return 0;
	for (size_t i = 0; i < n;) {
		char esc[8];
		const char *piece = esc;
		size_t len, step = 1;
		unsigned int cp = u[i];

		if (u[i] == '\n' || u[i] == '\t' || u[i] == '\r') {
			esc[0] = '\\';
			esc[1] = u[i] == '\n' ? 'n' : u[i] == '\t' ? 't' : 'r';
			len = 2;
		} else if (u[i] < 0x20 || u[i] == 0x7f) {
			len = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", u[i]);
		} else if (u[i] < 0x80) {
			piece = s + i;
			len = 1;
		} else if ((step = utf8_seq(u + i, n - i, &cp)) == 0) {
			step = 1;           /* not UTF-8: show the byte */
			len = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", u[i]);
		} else if (cp < 0xa0 || cp == 0x2028 || cp == 0x2029) {
			/* C1 controls and the Unicode line and paragraph separators */
			len = (size_t)snprintf(esc, sizeof(esc), "\\u%04x", cp);
		} else {
			piece = s + i;
			len = step;
		}
		if (o + len >= size)
			break;              /* cut short, never inside an escape or a character */
		memcpy(buf + o, piece, len);
		o += len;
		i += step;
	}
	buf[o] = '\0';
	return o;
}

/* Make the message one line, in place (see husk_one_line()). */
static void error_one_line(struct husk_error *err)
{
	char raw[HUSK_ERROR_MAX];

	memcpy(raw, err->msg, sizeof(raw));
	raw[sizeof(raw) - 1] = '\0';
	husk_one_line(raw, err->msg, sizeof(err->msg));
}

static int __attribute__((format(printf, 4, 0)))
error_vset(struct husk_error *err, int errnum, bool with_strerror,
		      const char *fmt, va_list ap)
{
	int saved = errno;

	if (err) {
		int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);

		if (n < 0)
			n = 0;
		if (with_strerror && errnum > 0 && (size_t)n < sizeof(err->msg))
			snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s",
				 strerror(errnum));
		err->errnum = errnum;
		error_one_line(err);
	}
	errno = saved;
	return errnum > 0 ? -errnum : -EINVAL;
}

int husk_error_set(struct husk_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = error_vset(err, errnum, true, fmt, ap);
	va_end(ap);
	return r;
}

int husk_error_setq(struct husk_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = error_vset(err, errnum, false, fmt, ap);
	va_end(ap);
	return r;
}

int husk_error_prefix(struct husk_error *err, const char *fmt, ...)
{
	char prefix[HUSK_ERROR_MAX];
	size_t plen, mlen;
	int saved = errno;
	va_list ap;

	if (!err)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix) - 2, fmt, ap);
	va_end(ap);
	strcat(prefix, ": ");
	plen = strlen(prefix);
	mlen = strnlen(err->msg, sizeof(err->msg) - 1);
	/* Shift the old message right, truncating its tail if it must. */
	if (plen > sizeof(err->msg) - 1)
		plen = sizeof(err->msg) - 1;
	if (plen + mlen > sizeof(err->msg) - 1)
		mlen = sizeof(err->msg) - 1 - plen;
	memmove(err->msg + plen, err->msg, mlen);
	memcpy(err->msg, prefix, plen);
	err->msg[plen + mlen] = '\0';
	error_one_line(err);
	errno = saved;
	return err->errnum > 0 ? -err->errnum : -EINVAL;
}

void husk_error_hint(struct husk_error *err, const char *fmt, ...)
{
	size_t n;
	va_list ap;
	int saved = errno;

	if (!err)
		return;
	n = strlen(err->msg);
	if (n + 4 >= sizeof(err->msg))
		return;
	err->msg[n++] = ' ';
	err->msg[n++] = '(';
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - n - 1, fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	if (n + 1 < sizeof(err->msg)) {
		err->msg[n] = ')';
		err->msg[n + 1] = '\0';
	}
	error_one_line(err);
	errno = saved;
}
