/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/libc/glibc-abi.c under musl, as the glibc-built static archives call
 * it: the results of the checked printf/memcpy variants, and the abort
 * that a write past the compiler-known destination size must still cause
 * (the check _FORTIFY_SOURCE put there).  A plain program, since Criterion
 * is a glibc library: `make check` builds it with musl-gcc and runs it when
 * the husk binary is the musl one.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

int __sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...);
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...);
int __asprintf_chk(char **out, int flag, const char *fmt, ...);
void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dstlen);

/* Through volatiles, or GCC sees the overflow at compile time (as it should). */
static void sprintf_overflow(void)
{
	char buf[4];
	volatile int v = 12345;

	__sprintf_chk(buf, 1, sizeof(buf), "%d", v);
}

static void sprintf_exact_overflow(void)
{
	char buf[4];
	const char *volatile s = "abcd";               /* 4 chars + NUL > 4 */

	__sprintf_chk(buf, 1, sizeof(buf), "%s", s);
}

static void memcpy_overflow(void)
{
	char dst[4];
	volatile size_t n = 8;
	volatile char sink;

	__memcpy_chk(dst, "01234567", n, sizeof(dst));
	sink = dst[0];          /* or the copy is dead and compiled away */
	(void)sink;
}

int main(void)
{
	char buf[16];
	char *s = NULL;
	int n;

	n = __sprintf_chk(buf, 1, sizeof(buf), "%s-%d", "ab", 42);
	CHECK(n == 5 && strcmp(buf, "ab-42") == 0);
	n = __sprintf_chk(buf, 1, 4, "abc");            /* fits exactly, NUL included */
	CHECK(n == 3 && strcmp(buf, "abc") == 0);
	n = __sprintf_chk(buf, 1, (size_t)-1, "%u", 7u); /* size unknown to the compiler */
	CHECK(n == 1 && strcmp(buf, "7") == 0);
	n = __asprintf_chk(&s, 1, "%s=%x", "k", 255);
	CHECK(n == 4 && s && strcmp(s, "k=ff") == 0);
	free(s);
	CHECK(__memcpy_chk(buf, "xyz", 4, sizeof(buf)) == buf && strcmp(buf, "xyz") == 0);
	n = __fprintf_chk(stdout, 1, "glibc-abi: %s\n", "fprintf through the shim");
	CHECK(n > 0);

	CHECK(aborts(sprintf_overflow));
	CHECK(aborts(sprintf_exact_overflow));
	CHECK(aborts(memcpy_overflow));

	printf("glibc-abi: %s\n", failures ? "FAILED" : "all checks passed");
	return failures ? 1 : 0;
}
