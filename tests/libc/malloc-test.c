/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/libc/malloc.c, the allocator of the musl build, linked in as this
 * program's malloc (as it is husk's): the size
 * classes, contents kept across realloc, calloc's zeroes, reuse of freed
 * blocks, and the aborts on a double free, a foreign pointer and a free
 * list redirected by a write after free.  `make check` builds it with
 * musl-gcc and runs it when the husk binary is the musl one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "check.h"

size_t malloc_usable_size(void *p);

#define SMALL_MAX (64u * 1024u)         /* as src/libc/malloc.c */

/*
 * The size classes as seen from outside: every request gets at least what
 * it asked, in multiples of 16, never less for a larger request, and at
 * most a quarter more than asked (plus the 16-byte step).
 */
static void size_classes(void)
{
	unsigned int bad = 0;
	size_t prev = 0;

	for (size_t n = 1; n <= SMALL_MAX; n += (n < 4096 ? 1 : 7)) {
		void *p = malloc(n);
		size_t u = malloc_usable_size(p);

		if (!p || u < n || u % 16 || u < prev || u > n + n / 4 + 16)
			bad++;
		prev = u;
		free(p);
	}
	CHECK(bad == 0);
}

/* A cheap deterministic generator, so a failure replays. */
static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t random_size(void)
{
	uint64_t r = next();

	switch (r % 16) {
	case 0:
		return (size_t)(r >> 8) % (200 * 1024);         /* big ones too */
	case 1:
	case 2:
		return (size_t)(r >> 8) % (SMALL_MAX + 1);
	default:
		return (size_t)(r >> 8) % 600;
	}
}

#define SLOTS 400

struct slot {
	unsigned char *p;
	size_t n;
	unsigned char fill;
};

static bool intact(const struct slot *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->p[i] != s->fill)
			return false;
	return true;
}

/* Many allocations, reallocations and frees against a model of their contents. */
static void stress(void)
{
	static struct slot slots[SLOTS];
	unsigned int broken = 0, misaligned = 0, unzeroed = 0;

	for (int op = 0; op < 60000; op++) {
		struct slot *s = &slots[next() % SLOTS];
		uint64_t what = next() % 4;

		if (s->p && !intact(s))
			broken++;
		if (!s->p || what == 0) {
			free(s->p);
			s->n = random_size();
			if (next() % 3 == 0) {
				s->p = calloc(1, s->n);
				for (size_t i = 0; s->p && i < s->n; i++)
					unzeroed += s->p[i] != 0;
			} else {
				s->p = malloc(s->n);
			}
		} else if (what == 1) {
			size_t n = random_size();
			unsigned char *q = realloc(s->p, n);

			if (!q)
				continue;
			s->p = q;
			s->n = n < s->n ? n : s->n;     /* the kept prefix is checked */
			if (!intact(s))
				broken++;
			s->n = n;
		} else {
			free(s->p);
			s->p = NULL;
			continue;
		}
		if (!s->p) {
			broken++;
			continue;
		}
		misaligned += ((uintptr_t)s->p % 16) != 0;
		CHECK(malloc_usable_size(s->p) >= s->n);
		s->fill = (unsigned char)next();
		memset(s->p, s->fill, s->n);
	}
	for (int i = 0; i < SLOTS; i++) {
		if (slots[i].p && !intact(&slots[i]))
			broken++;
		free(slots[i].p);
	}
	CHECK(broken == 0);
	CHECK(misaligned == 0);
	CHECK(unzeroed == 0);
}

static void reuse_and_limits(void)
{
	void *a = malloc(100), *b;

	free(a);
	b = malloc(97);                 /* same class: the block just freed */
	CHECK(a == b);
	free(b);
	for (int i = 0; i < 1000; i++) {
		void *p = malloc(100);

		CHECK(p == a);
		free(p);
	}
	volatile size_t huge = SIZE_MAX;   /* through a volatile: GCC refuses it on sight */

	errno = 0;
	CHECK(malloc(huge) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(calloc(huge / 2, 3) == NULL && errno == ENOMEM);
	void *z = malloc(0);
	CHECK(z != NULL);
	free(z);
	CHECK(realloc(NULL, 10) != NULL);
	free(NULL);

	void *big = malloc(SMALL_MAX + 1);
	CHECK(big && malloc_usable_size(big) >= SMALL_MAX + 1);
	free(big);

	void *p64 = aligned_alloc(64, 100), *p4k = NULL;
	CHECK(p64 && (uintptr_t)p64 % 64 == 0 && malloc_usable_size(p64) >= 100);
	memset(p64, 1, 100);
	p64 = realloc(p64, 5000);
	CHECK(p64 && ((unsigned char *)p64)[99] == 1);
	free(p64);
	CHECK(posix_memalign(&p4k, 4096, 10) == 0 && (uintptr_t)p4k % 4096 == 0);
	free(p4k);
	errno = 0;
	CHECK(aligned_alloc(48, 10) == NULL && errno == EINVAL);
	CHECK(posix_memalign(&p4k, 3, 10) == EINVAL);
}

/* ---- what must abort ---------------------------------------------------- */

/*
 * Hide where a pointer came from, so that the compiler neither refuses the
 * misuse on sight nor, knowing the block is freed, drops the misuse.
 */
static void *launder(void *p)
{
	__asm__ volatile("" : "+r"(p));
	return p;
}

/* Each stale copy is taken before the free, through launder(). */
static void double_free(void)
{
	void *p = malloc(40), *stale = launder(p);

	free(p);
	free(stale);
}

static void double_free_big(void)
{
	void *p = malloc(SMALL_MAX * 2), *stale = launder(p);

	free(p);
	/* Whatever is mapped there now is not a live block. */
	if (mmap((char *)stale - 16, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED)
		_exit(3);
	free(stale);
}

static void foreign_pointer(void)
{
	char stack[64] = { 0 };

	free(launder(stack + 32));
}

static void interior_pointer(void)
{
	char *p = malloc(200);

	memset(p, 0, 200);
	free(launder(p + 64));
}

static void realloc_after_free(void)
{
	void *p = malloc(24), *stale = launder(p);

	free(p);
	p = realloc(stale, 4000);
	free(p);
}

/* A write through a stale pointer aims the free list at memory of its choice. */
static void poisoned_free_list(void)
{
	static char target[256];
	void **p = malloc(48), **stale = launder(p);

	free(p);
	*stale = target + 16;       /* the use after free */
	p = launder(malloc(48));    /* pops p itself (launder: or GCC drops the call) */
	p = launder(malloc(48));    /* would return target: must abort instead */
	free(p);
}

int main(void)
{
	size_classes();
	stress();
	reuse_and_limits();
	CHECK(aborts_saying(double_free, "not a live block"));
	CHECK(aborts_saying(double_free_big, "not a live block"));
	CHECK(aborts_saying(foreign_pointer, "not a live block"));
	CHECK(aborts_saying(interior_pointer, "not a live block"));
	CHECK(aborts_saying(realloc_after_free, "not a live block"));
	CHECK(aborts_saying(poisoned_free_list, "use after free"));
	printf("malloc: %s\n", failures ? "FAILED" : "all checks passed");
	return failures ? 1 : 0;
}
