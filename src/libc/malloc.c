/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The allocator of the static musl build of husk (src/libc/musl.mk).
 *
 * Why: musl's mallocng hands memory back to the kernel as soon as a group
 * of blocks is free, so a husk command, which allocates and frees a few
 * hundred small blocks while it parses config.json and sets a container
 * up, makes a dozen mmap/munmap pairs and fresh page faults per process.
 * Measured on `husk run` (perf stat, 300 runs): 0.2 ms of CPU out of 2.2.
 * A husk process lives for one command, so this allocator keeps what it
 * gets: blocks of 44 size classes up to 64 KiB are carved from 512 KiB
 * mappings and, once freed, wait on a per-class list for the next request
 * of that class.  Only blocks over 64 KiB get (and give back) a mapping of
 * their own.  The memory a process holds is bounded by its peak of live
 * blocks per class, not by how much it ever allocated.
 *
 * Safety checks, each a one-line message on stderr and abort():
 *  - every block's header carries a check word derived from its address,
 *    one value while it is live and another once freed: free() or
 *    realloc() of a pointer this allocator did not return, of a freed
 *    block (double free), or of a block whose header was overwritten is
 *    caught;
 *  - a block taken off a free list must still carry its freed check word,
 *    so a use-after-free write that redirects a list is caught when the
 *    list is next used.
 * It has no lock: husk is single-threaded (no library it links starts a
 * thread).  Starting threads in husk means giving this a lock first.
 *
 * musl's own internal allocations (locale, TLS) go to its internal
 * allocator and are never passed to this free(); everything libc returns
 * for the caller to free (fopen, opendir, strdup, getline ...) comes from
 * the malloc here.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

size_t malloc_usable_size(void *p);
void *memalign(size_t align, size_t n);

#define HDR         16u                 /* sizeof(struct hdr): user pointers stay 16-aligned */
#define SMALL_MAX   (64u * 1024u)       /* above: a mapping per block */
#define CHUNK       (512u * 1024u)      /* small blocks are carved from these */
#define NCLASS      44u                 /* cls_of(SMALL_MAX) + 1 */
#define PAGE        4096u               /* mapping granularity assumed by aligned blocks */

#define CLS_BIG     0x100u              /* a mapping of its own: HDR + size bytes */
#define CLS_ALIGNED 0x200u              /* | log2(alignment): mapping starts alignment before p */

#define LIVE_MAGIC  0x6875736bu         /* "husk" */
#define FREE_MAGIC  0x66726565u         /* "free" */

struct hdr {
	size_t size;                        /* usable bytes */
	uint32_t cls;
	uint32_t check;
};

struct free_block {
	struct free_block *next;
};

static struct free_block *free_list[NCLASS];
static char *bump, *bump_end;

_Static_assert(sizeof(struct hdr) == HDR, "the header keeps blocks 16-aligned");

/* Say which check failed, for the bug report, and abort (no stdio: the heap is suspect). */
static void __attribute__((noreturn)) heap_fail(const char *what)
{
	static const char pre[] = "husk: heap corruption: ";
	ssize_t unused;

	unused = write(2, pre, sizeof(pre) - 1);
	unused = write(2, what, strlen(what));
	unused = write(2, "\n", 1);
	(void)unused;
	abort();
}

static uint32_t check_word(const void *p, uint32_t magic)
{
	uint64_t a = (uint64_t)(uintptr_t)p;

	return magic ^ (uint32_t)(a >> 4) ^ (uint32_t)(a >> 36);
}

static struct hdr *hdr_of(void *p)
{
	return (struct hdr *)p - 1;
}

/* Classes: 16..128 by 16, then four per doubling up to 64 KiB. */
static unsigned int cls_of(size_t n)
{
	unsigned int p;

	if (n <= 128)
		return n == 0 ? 0 : (unsigned int)((n + 15) / 16 - 1);
	p = 63u - (unsigned int)__builtin_clzll((unsigned long long)(n - 1));
	return 8u + (p - 7u) * 4u + (unsigned int)((n - 1 - ((size_t)1 << p)) >> (p - 2));
}

static size_t cls_size(unsigned int c)
{
	unsigned int p, sub;

	if (c < 8)
		return (size_t)(c + 1) * 16;
	p = 7u + (c - 8u) / 4u;
	sub = (c - 8u) % 4u;
	return ((size_t)1 << p) + (size_t)(sub + 1) * ((size_t)1 << (p - 2));
}

static void *map(size_t len)
{
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED) {
		errno = ENOMEM;
		return NULL;
	}
	return m;
}

static void *set_live(struct hdr *h, size_t size, uint32_t cls)
{
	void *p = h + 1;

	h->size = size;
	h->cls = cls;
	h->check = check_word(p, LIVE_MAGIC);
	return p;
}

static void *alloc_big(size_t n)
{
	size_t len;
	struct hdr *h;

	if (n > SIZE_MAX - HDR - PAGE) {
		errno = ENOMEM;
		return NULL;
	}
	len = (n + HDR + PAGE - 1) & ~(size_t)(PAGE - 1);
	h = map(len);
	return h ? set_live(h, len - HDR, CLS_BIG) : NULL;
}

static void *alloc_small(unsigned int c)
{
	size_t need = HDR + cls_size(c);
	struct free_block *b = free_list[c];
	struct hdr *h;

	if (b) {
		h = hdr_of(b);
		if (h->cls != c || h->check != check_word(b, FREE_MAGIC))
			heap_fail("a freed block was written to (use after free)");
		free_list[c] = b->next;
		return set_live(h, cls_size(c), c);
	}
	if (!bump || (size_t)(bump_end - bump) < need) {
		bump = map(CHUNK);
		if (!bump)
			return NULL;
		bump_end = bump + CHUNK;
	}
	h = (struct hdr *)bump;
	bump += need;
	return set_live(h, cls_size(c), c);
}

/*
 * calloc() and realloc() call this, not malloc(): GCC turns "malloc, then
 * memset to zero" into a call to calloc(), which inside calloc() itself is
 * endless recursion.
 */
static void *alloc(size_t n)
{
	return n > SMALL_MAX ? alloc_big(n) : alloc_small(cls_of(n));
}

void *malloc(size_t n)
{
	return alloc(n);
}

/* The header of a live block of ours, or abort(). */
static struct hdr *live_hdr(void *p)
{
	struct hdr *h = hdr_of(p);

	if (h->check != check_word(p, LIVE_MAGIC))
		heap_fail("free or realloc of a pointer that is not a live block "
			  "(double free, or not from malloc)");
	return h;
}

void free(void *p)
{
	struct hdr *h;

	if (!p)
		return;
	h = live_hdr(p);
	if (h->cls == CLS_BIG) {
		h->check = 0;
		munmap(h, h->size + HDR);
	} else if (h->cls & CLS_ALIGNED) {
		size_t align = (size_t)1 << (h->cls & 0xffu);

		h->check = 0;
		munmap((char *)p - align, h->size + align);
	} else if (h->cls < NCLASS) {
		struct free_block *b = p;

		h->check = check_word(p, FREE_MAGIC);
		b->next = free_list[h->cls];
		free_list[h->cls] = b;
	} else {
		heap_fail("a block header was overwritten");
	}
}

void *calloc(size_t a, size_t b)
{
	void *p;

	if (b && a > SIZE_MAX / b) {
		errno = ENOMEM;
		return NULL;
	}
	p = alloc(a * b);
	if (p)
		memset(p, 0, a * b);
	return p;
}

void *realloc(void *p, size_t n)
{
	struct hdr *h;
	void *q;

	if (!p)
		return alloc(n);
	h = live_hdr(p);
	if (n <= h->size)
		return p;
	q = alloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, h->size);
	free(p);
	return q;
}

size_t malloc_usable_size(void *p)
{
	return p ? live_hdr(p)->size : 0;
}

/*
 * Alignments up to 16 are every block's; up to a page, the block gets a
 * mapping that starts `align` bytes before it (room for the header).
 */
void *aligned_alloc(size_t align, size_t n)
{
	size_t len;
	char *m;

	if (align == 0 || (align & (align - 1))) {
		errno = EINVAL;
		return NULL;
	}
	if (align <= HDR)
		return alloc(n);
	if (align > PAGE || n > SIZE_MAX - 2 * PAGE) {
		errno = ENOMEM;
		return NULL;
	}
	len = (n + align + PAGE - 1) & ~(size_t)(PAGE - 1);
	m = map(len);
	if (!m)
		return NULL;
	return set_live(hdr_of(m + align), len - align,
			CLS_ALIGNED | (uint32_t)__builtin_ctzll((unsigned long long)align));
}

int posix_memalign(void **out, size_t align, size_t n)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	p = aligned_alloc(align, n);
	if (!p)
		return errno;
	*out = p;
	return 0;
}

void *memalign(size_t align, size_t n)
{
	return aligned_alloc(align, n);
}
