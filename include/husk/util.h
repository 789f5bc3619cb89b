/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_UTIL_H
#define HUSK_UTIL_H

/*
 * Small helpers every part uses: cleanup attributes and ownership transfer,
 * checked allocation, string vectors and whole-file I/O.
 *
 * Ownership rule: a variable declared with a _cleanup_*_ attribute owns its
 * resource until it is handed on by name with TAKE_PTR()/TAKE_FD().  Every
 * destructor accepts NULL / -1 and preserves errno.
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "husk/error.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- cleanup ---------------------------------------------------------- */

static inline void freep(void *p)
{
	int saved = errno;
	free(*(void **)p);
	errno = saved;
}

/*
 * close() once, never retried on EINTR (the fd is gone either way), and
 * leave -1 behind so that a later use or a second close cannot hit a
 * number the kernel has since handed out again.
 */
static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		*fd = -1;
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f) {
		int saved = errno;
		fclose(*f);
		errno = saved;
	}
}

void strv_free(char **v);
static inline void strv_freep(char ***v)
{
	strv_free(*v);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_strv_ _cleanup_(strv_freep)

/* Hand a pointer on: returns it and leaves NULL behind. */
#define TAKE_PTR(p)                                                           \
	({                                                                    \
		__typeof__(p) *_pp = &(p);                                    \
		__typeof__(p) _p = *_pp;                                      \
		*_pp = NULL;                                                  \
		_p;                                                           \
	})

/* Hand an fd on: returns it and leaves -1 behind. */
#define TAKE_FD(fd)                                                           \
	({                                                                    \
		int *_pfd = &(fd);                                            \
		int _fd = *_pfd;                                              \
		*_pfd = -1;                                                   \
		_fd;                                                          \
	})

/* ---- allocation (abort with a message on OOM: nothing sane remains) ---- */

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Now, RFC 3339 in UTC with nine fractional digits ("2026-11-24T10:00:00.123456789Z"),
 * as runc writes it in state.json and in its logs; size >= 32. */
void timestamp_now(char *buf, size_t size);

/* ---- string vectors (NULL-terminated char **) ------------------------- */

size_t strv_length(char *const *v);
char **strv_copy(char *const *v);
/* Append a copy of s; *v may be NULL. */
void strv_push(char ***v, const char *s);
/* Append s itself (takes ownership). */
void strv_consume(char ***v, char *s);
bool strv_contains(char *const *v, const char *s);
/* The entries of v (may be NULL) joined by sep, malloc'ed; "" for none. */
char *strv_join(char *const *v, const char *sep);

/*
 * A vector that is appended to many times (a repeated flag): the caller
 * keeps its length and capacity, so each append is amortized O(1) where
 * strv_push() walks the whole vector.  b->v is always NULL-terminated;
 * start from { 0 } or { v, strv_length(v), strv_length(v) + 1 }.
 */
struct strv_builder {
	char **v;
	size_t n;                   /* entries, without the NULL */
	size_t cap;                 /* slots allocated, the NULL included */
	size_t grows;               /* reallocations so far (tests check it stays O(log n)) */
};
/* Append s itself (takes ownership). */
void strv_builder_consume(struct strv_builder *b, char *s);

/* ---- environment vectors ("KEY=VALUE" entries) ------------------------------------ */

/* What env_set_all() did, for tests to check that it stays linear. */
struct env_merge_stats {
	size_t probes;              /* hash slots looked at (key comparisons included) */
};

/*
 * Set every "KEY=VALUE" of `sets` in *env (which may be NULL), in order:
 * an entry replaces the value of the first entry of *env with the same
 * KEY, in place, and a KEY *env lacks is appended; so among several sets
 * of one KEY the last wins.  Entries of *env are never reordered.  An
 * entry without '=' is a KEY of its own (the caller validates its input).
 * Linear in the number of entries: one hash table over the keys.  stats
 * may be NULL.
 */
void env_set_all(char ***env, char *const *sets, struct env_merge_stats *stats);

/* ---- strings ------------------------------------------------------------ */

bool str_has_prefix(const char *s, const char *prefix);
static inline bool str_eq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && __builtin_strcmp(a, b) == 0);
}
/* Parse a whole string as a decimal integer in range; -EINVAL/-ERANGE. */
int parse_int64(const char *s, int64_t *out);
int parse_uint64(const char *s, uint64_t *out);

/* ---- files ---------------------------------------------------------------- */

/*
 * Read a whole file (at most max bytes; -EFBIG beyond) into a NUL-terminated
 * buffer.  `dirfd` may be AT_FDCWD.
 */
int read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *len,
		 struct husk_error *err);

/*
 * Write `len` bytes to dirfd/path atomically: a temporary file in the same
 * directory, fsync-free (state lives on tmpfs), then renameat().  The file is
 * created with `mode`.
 */
int write_file_atomic_at(int dirfd, const char *path, const void *buf, size_t len,
			 mode_t mode, struct husk_error *err);

/* write() all of buf, retrying on EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);
/*
 * Read fd (a pipe: standard input) to its end, at most max bytes
 * (-EFBIG beyond), NUL-terminated.  name is for messages.
 */
int read_fd_all(int fd, const char *name, size_t max, char **out, size_t *len,
		struct husk_error *err);
/*
 * Close every fd from `first` up, except the n in keep (negative entries
 * are ignored; keep is sorted in place).  0 or -errno from close_range.
 */
int close_fds_except(unsigned int first, int *keep, size_t n);

/* Write a short string to an existing file (sysctl, /proc/self/...). */
int write_string_at(int dirfd, const char *path, const char *s, struct husk_error *err);

#endif
