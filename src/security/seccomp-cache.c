/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A cache of compiled seccomp programs: <dir>/<sha256>.bpf.
 *
 * libseccomp needs several milliseconds for a Docker-sized profile on
 * three architectures (x86_64, x86, x32), more than the rest of a
 * container start; podman and containerd pass the same profile every
 * time.  The key is the SHA-256 of everything the program depends on: the
 * profile's rules as parsed (not its JSON text, so formatting does not
 * matter), the libseccomp version and API level, the native architecture,
 * the kernel release, and the version of this file's format.  The filter
 * flags are not in the program and are checked on every start.
 *
 * Off unless the caller names a directory (security_set_cache_dir(), the
 * user's cache directory, see cli_seccomp_cache_setup()).  A file is used only when it is a regular
 * file owned by us and writable by nobody else, in a directory of the same
 * kind: the trust we give the state root itself.  Any failure to read or
 * write the cache just means compiling.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "husk/util.h"
#include "security/security-internal.h"
#include "husk/sha256.h"

#define CACHE_MAGIC "HUSKBPF1"      /* bump with any change of the program's shape */
#define CACHE_HEADER 16             /* magic, u32 instruction count, u32 zero */

static char *cache_dir;

void security_set_cache_dir(const char *dir)
{
	free(cache_dir);
	cache_dir = dir ? xstrdup(dir) : NULL;
}

static void hash_u64(struct sha256 *h, uint64_t v)
{
	sha256_update(h, &v, sizeof(v));
}

/* Length-prefixed, so that ("ab","c") and ("a","bc") differ. */
static void hash_str(struct sha256 *h, const char *s)
{
	size_t n = s ? strlen(s) : SIZE_MAX;

	hash_u64(h, n);
	if (s)
		sha256_update(h, s, n);
}

static void hash_strv(struct sha256 *h, char *const *v)
{
	hash_u64(h, strv_length(v));
	for (size_t i = 0; v && v[i]; i++)
		hash_str(h, v[i]);
}

static void hash_opt(struct sha256 *h, husk_opt_u64 o)
{
	hash_u64(h, o.set);
	hash_u64(h, o.set ? o.value : 0);
}

void seccomp_cache_key(const struct husk_seccomp *s, char hex[SECCOMP_CACHE_KEY_LEN + 1])
{
	const struct scmp_version *v = seccomp_version();
	uint8_t digest[SHA256_BYTES];
	struct utsname u;
	struct sha256 h;

	sha256_init(&h);
	hash_str(&h, CACHE_MAGIC);
	hash_u64(&h, (uint64_t)v->major << 32 | v->minor << 16 | v->micro);
	hash_u64(&h, seccomp_api_get());
	hash_u64(&h, seccomp_arch_native());
	if (uname(&u) == 0) {
		hash_str(&h, u.release);
		hash_str(&h, u.machine);
	}
	hash_u64(&h, s->default_action);
	hash_opt(&h, s->default_errno_ret);
	hash_strv(&h, s->architectures);
	hash_u64(&h, s->n_syscalls);
	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct husk_seccomp_rule *r = &s->syscalls[i];

		hash_strv(&h, r->names);
		hash_u64(&h, r->action);
		hash_opt(&h, r->errno_ret);
		hash_u64(&h, r->n_args);
		for (size_t k = 0; k < r->n_args; k++) {
			hash_u64(&h, r->args[k].index);
			hash_u64(&h, r->args[k].value);
			hash_u64(&h, r->args[k].value_two);
			hash_u64(&h, r->args[k].op);
		}
	}
	sha256_final(&h, digest);
	for (int i = 0; i < SHA256_BYTES; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

/* Ours, and nobody else may write it. */
static bool trusted(int fd, mode_t type)
{
	struct stat st;

	return fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == type && st.st_uid == geteuid() &&
	       !(st.st_mode & (S_IWGRP | S_IWOTH));
}

/* mkdir -p, each missing component 0700; false when one cannot be made. */
static bool make_dirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			*p = '/';
			return false;
		}
		*p = '/';
	}
	return mkdir(path, 0700) == 0 || errno == EEXIST;
}

/* The directory is made only to store a program: a hit costs one open. */
static int open_dir(bool create)
{
	int fd;

	if (!cache_dir)
		return -1;
	if (create && !make_dirs(cache_dir))
		return -1;
	fd = open(cache_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0 && !trusted(fd, S_IFDIR)) {
		close(fd);
		return -1;
	}
	return fd;
}

int seccomp_cache_load(const char *key, struct security_plan *plan)
{
	_cleanup_close_ int dfd = open_dir(false);
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ char *name = xasprintf("%s.bpf", key);
	struct stat st;
	uint32_t n;

	if (dfd < 0)
		return 0;
	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || !trusted(fd, S_IFREG) || fstat(fd, &st) < 0 || st.st_size <= CACHE_HEADER ||
	    st.st_size > CACHE_HEADER + BPF_MAXINSNS * (off_t)sizeof(struct sock_filter))
		return 0;
	buf = xmalloc((size_t)st.st_size);
	if (pread(fd, buf, (size_t)st.st_size, 0) != st.st_size ||
	    memcmp(buf, CACHE_MAGIC, 8) != 0)
		return 0;
	memcpy(&n, buf + 8, sizeof(n));
	if (n == 0 || (off_t)n * (off_t)sizeof(struct sock_filter) != st.st_size - CACHE_HEADER)
		return 0;
	plan->bpf = xmalloc(n * sizeof(struct sock_filter));
	memcpy(plan->bpf, buf + CACHE_HEADER, n * sizeof(struct sock_filter));
	plan->bpf_len = (unsigned short)n;
	return 1;
}

void seccomp_cache_store(const char *key, const struct security_plan *plan)
{
	_cleanup_close_ int dfd = open_dir(true);
	_cleanup_free_ char *name = xasprintf("%s.bpf", key);
	size_t body = plan->bpf_len * sizeof(struct sock_filter);
	_cleanup_free_ char *buf = NULL;
	uint32_t n = plan->bpf_len, zero = 0;

	if (dfd < 0 || !plan->bpf)
		return;
	buf = xmalloc(CACHE_HEADER + body);
	memcpy(buf, CACHE_MAGIC, 8);
	memcpy(buf + 8, &n, sizeof(n));
	memcpy(buf + 12, &zero, sizeof(zero));
	memcpy(buf + CACHE_HEADER, plan->bpf, body);
	(void)write_file_atomic_at(dfd, name, buf, CACHE_HEADER + body, 0600, NULL);
}
