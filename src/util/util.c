/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Allocation, string vectors, strings and whole-file I/O: see husk/util.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "husk/util.h"

static void __attribute__((noreturn)) oom(void)
{
	static const char msg[] = "husk: out of memory\n";

	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to say */
	}
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom();
	return q;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (r < 0)
		oom();
	return p;
}

void strv_free(char **v)
{
	if (!v)
		return;
	int saved = errno;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
	errno = saved;
}

size_t strv_length(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

char **strv_copy(char *const *v)
{
	size_t n = strv_length(v);
	char **c;

	if (!v)
		return NULL;
	c = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		c[i] = xstrdup(v[i]);
	return c;
}

void strv_consume(char ***v, char *s)
{
	size_t n = strv_length(*v);

	*v = xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = s;
	(*v)[n + 1] = NULL;
}

void strv_push(char ***v, const char *s)
{
	strv_consume(v, xstrdup(s));
}

void strv_builder_consume(struct strv_builder *b, char *s)
{
	if (b->n + 2 > b->cap) {
		size_t cap = b->cap < 8 ? 8 : b->cap * 2;

		b->v = xrealloc(b->v, cap * sizeof(char *));
		b->cap = cap;
		b->grows++;
	}
	b->v[b->n++] = s;
	b->v[b->n] = NULL;
}

char *strv_join(char *const *v, const char *sep)
{
	size_t n = strv_length(v), len = 1, sep_len = strlen(sep);
	char *out, *at;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + (i ? sep_len : 0);
	out = at = xmalloc(len);
	*at = '\0';
	for (size_t i = 0; i < n; i++)
		at = stpcpy(stpcpy(at, i ? sep : ""), v[i]);
	return out;
}

bool strv_contains(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

bool str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int parse_int64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end != '\0')
		return -EINVAL;
	*out = (int64_t)v;
	return 0;
}

int parse_uint64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end != '\0')
		return -EINVAL;
	*out = (uint64_t)v;
	return 0;
}

/* "a FIFO", "a directory", ... for messages about a file of the wrong type. */
static const char *file_type_name(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFIFO: return "a FIFO";
	case S_IFDIR: return "a directory";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	case S_IFLNK: return "a symbolic link";
	default: return "something else";
	}
}

int read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *len,
		 struct husk_error *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t cap = 4096, n = 0;
	struct stat st;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer (forever, if
	 * nobody comes); what is not a regular file is refused right after. */
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return husk_error_set(err, errno, "open %s", path);
	if (fstat(fd, &st) < 0)
		return husk_error_set(err, errno, "stat %s", path);
	if (!S_ISREG(st.st_mode))
		return husk_error_setq(err, EINVAL, "%s is %s (fstat), not a regular file: "
				       "refusing to read it; give husk a regular file", path,
				       file_type_name(st.st_mode));
	if ((uint64_t)st.st_size > max)
		return husk_error_setq(err, EFBIG, "%s: larger than %zu bytes", path, max);
	buf = xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			if (cap > max + 1)
				return husk_error_setq(err, EFBIG, "%s: larger than %zu bytes",
						       path, max);
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return husk_error_set(err, errno, "read %s", path);
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max)
			return husk_error_setq(err, EFBIG, "%s: larger than %zu bytes", path, max);
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	*out = TAKE_PTR(buf);
	return 0;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t r = write(fd, p, len);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

int write_file_atomic_at(int dirfd, const char *path, const void *buf, size_t len,
			 mode_t mode, struct husk_error *err)
{
	/* The temporary file sits beside the target: "dir/.name.tmp.PID". */
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	_cleanup_free_ char *tmp = xasprintf("%.*s.%s.tmp.%d", dirlen, path, path + dirlen,
					     (int)getpid());
	_cleanup_close_ int fd = -1;
	int r;

	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return husk_error_set(err, errno, "create %s", tmp);
	r = write_all(fd, buf, len);
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return husk_error_set(err, -r, "write %s", tmp);
	}
	if (renameat(dirfd, tmp, dirfd, path) < 0) {
		r = errno;
		unlinkat(dirfd, tmp, 0);
		return husk_error_set(err, r, "rename %s to %s", tmp, path);
	}
	return 0;
}

int write_string_at(int dirfd, const char *path, const char *s, struct husk_error *err)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	int r;

	if (fd < 0)
		return husk_error_set(err, errno, "open %s", path);
	r = write_all(fd, s, strlen(s));
	if (r < 0)
		return husk_error_set(err, -r, "write %s", path);
	return 0;
}

void timestamp_now(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char sec[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%09ldZ", sec, (long)ts.tv_nsec);
}

int close_fds_except(unsigned int first, int *keep, size_t n)
{
	/* Sort the few fds to keep, then close the gaps between them. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];

			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 0 || (unsigned int)keep[i] < first)
			continue;
		if ((unsigned int)keep[i] > first)
			syscall(SYS_close_range, first, (unsigned int)keep[i] - 1, 0);
		first = (unsigned int)keep[i] + 1;
	}
	if (syscall(SYS_close_range, first, ~0U, 0) < 0)
		return -errno;
	return 0;
}

int read_fd_all(int fd, const char *name, size_t max, char **out, size_t *len,
		struct husk_error *err)
{
	_cleanup_free_ char *buf = xmalloc(max + 1);
	size_t n = 0;

	for (;;) {
		ssize_t r = read(fd, buf + n, max + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return husk_error_set(err, errno, "read %s", name);
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max)
			return husk_error_setq(err, EFBIG, "%s: more than %zu bytes, larger than "
					       "any config husk accepts", name, max);
	}
	buf[n] = '\0';
	*len = n;
	*out = TAKE_PTR(buf);
	return 0;
}
