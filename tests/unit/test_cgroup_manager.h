/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_TEST_CGROUP_MANAGER_H
#define HUSK_TEST_CGROUP_MANAGER_H

/*
 * Helpers for the cgroup_manager tests: a fake host in a temporary
 * directory (proc/self/cgroup, sys/fs/cgroup/...) that a fake statfs(2)
 * makes look like v2, v1 or hybrid cgroup mounts (host_reset_for_test()),
 * files put and read back, resources parsed from JSON, and a way to run a
 * part of a test as an unprivileged user (root bypasses every permission a
 * fake tree could refuse).  One test per process (Criterion), so the
 * file-level state below is the test's own.
 */

#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/cgroup.h"
#include "husk/host.h"
#include "husk/spec.h"
#include "husk/util.h"

enum fake_layout { FAKE_V2, FAKE_V1, FAKE_HYBRID };

static char root[64];
static enum fake_layout layout;

#define NOBODY 65534

static inline char *at(const char *rel)
{
	return xasprintf("%s/%s", root, rel);
}

static inline void mkdir_p(const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path);

	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		cr_assert(mkdir(copy, 0755) == 0 || errno == EEXIST, "mkdir %s: %m", copy);
		*p = '/';
	}
	cr_assert(mkdir(copy, 0755) == 0 || errno == EEXIST, "mkdir %s: %m", copy);
}

static inline void mkdir_at(const char *rel)
{
	_cleanup_free_ char *path = at(rel);

	mkdir_p(path);
}

/* root/rel with `text` (directories made as needed). */
static inline void put(const char *rel, const char *text)
{
	_cleanup_free_ char *path = at(rel);
	char *slash = strrchr(path, '/');
	FILE *f;

	*slash = '\0';
	mkdir_p(path);
	*slash = '/';
	f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %m", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* root/rel's content (NULL when it cannot be read); malloc'ed. */
static inline char *get(const char *rel)
{
	_cleanup_free_ char *path = at(rel);
	char *text = NULL;

	if (read_file_at(AT_FDCWD, path, 1 << 16, &text, NULL, NULL) < 0)
		return NULL;
	return text;
}

static inline bool exists_at(const char *rel)
{
	_cleanup_free_ char *path = at(rel);

	return access(path, F_OK) == 0;
}

static inline bool is_dir_at(const char *rel)
{
	_cleanup_free_ char *path = at(rel);
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

#define assert_file(rel, want)                                                            \
	do {                                                                               \
		_cleanup_free_ char *got_ = get(rel);                                      \
		cr_assert_not_null(got_, "%s is missing", (rel));                          \
		cr_assert_str_eq(got_, (want), "%s", (rel));                               \
	} while (0)

/*
 * Below sys/fs/cgroup every path is a cgroup filesystem: on v2 all of it
 * cgroup2; otherwise "unified" (hybrid) cgroup2 and every other entry a
 * v1 hierarchy, sys/fs/cgroup itself the tmpfs that holds them.
 */
static inline int fake_statfs(const char *path, struct statfs *buf)
{
	_cleanup_free_ char *base = at("sys/fs/cgroup");
	size_t n = strlen(base);

	if (statfs(path, buf) < 0)
		return -1;
	if (strncmp(path, base, n) != 0 || (path[n] != '\0' && path[n] != '/'))
		return 0;
	if (layout == FAKE_V2)
		buf->f_type = CGROUP2_SUPER_MAGIC;
	else if (path[n] == '\0')
		buf->f_type = TMPFS_MAGIC;
	else if (strncmp(path + n, "/unified", 8) == 0)
		buf->f_type = CGROUP2_SUPER_MAGIC;
	else
		buf->f_type = CGROUP_SUPER_MAGIC;
	return 0;
}

/* Read the host facts from the fake tree again (after a change of credentials too). */
static inline void reread(void)
{
	_cleanup_free_ char *proc = at("proc/self"), *sys = at("sys"), *etc = at("etc");

	host_reset_for_test(&(struct host_test_roots){
		.proc_self = proc, .sys = sys, .etc = etc, .statfs = fake_statfs });
}

/* The v1 hierarchies of the fake v1 and hybrid hosts, as /proc/self/cgroup names them. */
static const char *const fake_v1[] = { "memory", "cpu,cpuacct", "pids", "freezer", "hugetlb",
				       NULL };

/*
 * A fake host of layout l, husk in the cgroup `own` of every hierarchy.
 * v2: the root's cgroup.controllers "cpu io memory pids hugetlb"; hybrid:
 * the unified root's "hugetlb".  The v1 hierarchies have a name=systemd
 * one beside them, which is no controller.  No cpuset: a new cpuset cgroup
 * needs its files filled (cg_cpuset_inherit()), which a plain mkdir in a
 * fake tree does not make; the cpuset tests add it.
 */
static inline void fake_host(enum fake_layout l, const char *own)
{
	_cleanup_free_ char *self = NULL;

	layout = l;
	snprintf(root, sizeof(root), "/tmp/husk-cgmgr-XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	cr_assert_eq(chmod(root, 0755), 0);
	put("etc/.keep", "");
	if (l == FAKE_V2) {
		self = xasprintf("0::%s\n", own);
		put("sys/fs/cgroup/cgroup.controllers", "cpu io memory pids hugetlb\n");
		put("sys/fs/cgroup/cgroup.procs", "");
		if (strcmp(own, "/") != 0) {
			_cleanup_free_ char *rel = xasprintf("sys/fs/cgroup%s/cgroup.procs", own);

			put(rel, "");
		}
	} else {
		char *lines = xasprintf("1:name=systemd:%s\n", own);

		mkdir_at("sys/fs/cgroup/systemd");
		for (size_t i = 0; fake_v1[i]; i++) {
			_cleanup_free_ char *rel = xasprintf("sys/fs/cgroup/%s/cgroup.procs",
							     fake_v1[i]);
			char *more = xasprintf("%s%zu:%s:%s\n", lines, i + 2, fake_v1[i], own);

			put(rel, "");
			free(lines);
			lines = more;
		}
		if (l == FAKE_HYBRID) {
			put("sys/fs/cgroup/unified/cgroup.controllers", "hugetlb\n");
			put("sys/fs/cgroup/unified/cgroup.procs", "");
			self = xasprintf("%s0::%s\n", lines, own);
			free(lines);
		} else {
			self = lines;
		}
	}
	put("proc/self/cgroup", self);
	reread();
}

static inline void fake_teardown(void)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", root);

	host_reset_for_test(NULL);
	if (root[0] && system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", root);
}

/* linux.resources from JSON (NULL for "no limits"). */
static inline struct husk_resources *resources(const char *json)
{
	struct husk_resources *r = NULL;
	struct husk_error err = { 0 };

	cr_assert_eq(spec_parse_resources(json, strlen(json), "test", &r, &err), 0, "%s: %s",
		     json, err.msg);
	return r;
}

/* cgroup_create() that must succeed. */
static inline struct cgroup *create_ok(const struct cgroup_opts *o)
{
	struct husk_error err = { 0 };
	struct cgroup *cg = NULL;
	int r = cgroup_create(o, &cg, &err);

	cr_assert_eq(r, 0, "cgroup_create: %s", err.msg);
	cr_assert_not_null(cg);
	return cg;
}

/* cgroup_create() that must fail with -errnum; err.msg for the caller to check. */
static inline void create_fails(const struct cgroup_opts *o, int errnum, struct husk_error *err)
{
	struct cgroup *cg = NULL;
	int r = cgroup_create(o, &cg, err);

	cr_assert_eq(r, -errnum, "cgroup_create: %d, not %d (%s)", r, -errnum, err->msg);
	cr_assert_null(cg);
}

/* Whether the record of cg names hierarchy `name` with directory root/rel. */
static inline void assert_dir(const struct cgroup *cg, const char *name, const char *rel)
{
	struct husk_kv *dirs = NULL;
	size_t n = cgroup_record_dirs(cg, &dirs);
	_cleanup_free_ char *want = rel ? at(rel) : NULL;
	bool found = false;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(dirs[i].key, name) == 0) {
			cr_assert(!found, "%s named twice", name);
			cr_assert(want, "%s is in the record: %s", name, dirs[i].value);
			cr_assert_str_eq(dirs[i].value, want, "%s", name);
			found = true;
		}
		free(dirs[i].key);
		free(dirs[i].value);
	}
	free(dirs);
	cr_assert(found || !want, "%s is not in the record", name);
}

/*
 * Run fn as uid/gid NOBODY in a child, with the host facts read again as
 * that user; fn's malloc'ed line comes back (the parent asserts on it:
 * Criterion's asserts belong to the test's own process).
 */
static inline char *as_nobody(char *(*fn)(void))
{
	int pfd[2], status;
	pid_t pid;
	char buf[4096];
	size_t len = 0;
	ssize_t k;

	if (geteuid() != 0)
		cr_skip_test("needs root, to become uid %d", NOBODY);
	cr_assert_eq(pipe2(pfd, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char *line;

		close(pfd[0]);
		if (setresgid(NOBODY, NOBODY, NOBODY) < 0 || setresuid(NOBODY, NOBODY, NOBODY) < 0)
			_exit(2);
		reread();
		line = fn();
		if (write_all(pfd[1], line, strlen(line)) < 0)
			_exit(3);
		_exit(0);
	}
	close(pfd[1]);
	while ((k = read(pfd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)k;
	buf[len] = '\0';
	close(pfd[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child as uid %d: %#x",
		  NOBODY, status);
	return xstrdup(buf);
}

/* As root: hand root/rel to NOBODY. */
static inline void give_to_nobody(const char *rel)
{
	_cleanup_free_ char *path = at(rel);

	cr_assert_eq(chown(path, NOBODY, NOBODY), 0, "chown %s: %m", path);
}

#endif
