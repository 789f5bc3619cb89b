/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The four glibc entry points that Debian's static libseccomp.a, libcap.a
 * and libyajl_s.a call and musl does not have, for the static musl build
 * of husk (src/libc/musl.mk).
 *
 * Debian compiles those archives against glibc with _FORTIFY_SOURCE=2, so
 * the compiler turned some of their sprintf/fprintf/asprintf/memcpy calls
 * into glibc's checked variants.  Everything else they call exists in musl
 * with the same ABI on Linux (errno via __errno_location, ctype via
 * __ctype_b_loc, struct stat).  Each function here keeps the check its
 * glibc original makes: a write past the destination the compiler knew
 * about aborts instead of overflowing.  Only the musl link includes this
 * file; under glibc the originals are used.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int __sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...);
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...);
int __asprintf_chk(char **out, int flag, const char *fmt, ...);
void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dstlen);

/* slen is the size of s as the compiler saw it; (size_t)-1 when unknown. */
int __sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...)
{
	va_list ap;
	int r;

	(void)flag;
	va_start(ap, fmt);
	r = vsnprintf(s, slen > (size_t)INT_MAX ? (size_t)INT_MAX : slen, fmt, ap);
	va_end(ap);
	if (r >= 0 && (size_t)r >= slen)
		abort();
	return r;
}

/* flag asks glibc to refuse %n in writable formats; musl's printf has no such mode. */
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...)
{
	va_list ap;
	int r;

	(void)flag;
	va_start(ap, fmt);
	r = vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

int __asprintf_chk(char **out, int flag, const char *fmt, ...)
{
	va_list ap;
	int r;

	(void)flag;
	va_start(ap, fmt);
	r = vasprintf(out, fmt, ap);
	va_end(ap);
	return r;
}

void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dstlen)
{
	if (n > dstlen)
		abort();
	return memcpy(dst, src, n);
}
