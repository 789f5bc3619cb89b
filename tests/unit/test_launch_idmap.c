/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/launch/idmap.c: the uid and gid maps of a real process in a new user
 * namespace, written by idmap_write() and read back from /proc/<pid>.
 *
 * Each test forks a child that unshares its user namespace and waits; the
 * test writes its maps and checks uid_map, gid_map and setgroups exactly
 * (as the kernel prints them: "%10u %10u %10u\n" a line, seen from the
 * initial namespace).  The "root" cases write host ids other than our own
 * and need root in the initial user namespace; the rootless single-id case
 * maps only our own ids and runs anywhere a user namespace can be created.
 *
 * Not here: several ranges rootless, through newuidmap/newgidmap granted by
 * /etc/subuid.  That needs an unprivileged user with subordinate ranges on
 * the host, which a unit test does not set up;
 * tests/integration/test_rootless.c covers it (multiple_id_ranges_through_newuidmap,
 * foreign_id_range_is_refused).  The helpers' refusal is tested below, as
 * root, whom /etc/subgid does not grant the range used.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/util.h"
#include "launch/launch-internal.h"

/* A child in its own user namespace, alive until release is closed. */
struct ns_child {
	pid_t pid;
	int release;
};

static void child_wait_for_release(int ready, int hold)
{
	char c = unshare(CLONE_NEWUSER) == 0 ? 'y' : 'n';

	if (write(ready, &c, 1) != 1)
		_exit(1);
	while (read(hold, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static struct ns_child userns_child(void)
{
	int ready[2], hold[2];
	pid_t pid;
	char c = 0;

	cr_assert_eq(pipe2(ready, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(hold, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);      /* never outlive a failed test */
		close(ready[0]);
		close(hold[1]);
		child_wait_for_release(ready[1], hold[0]);
	}
	close(ready[1]);
	close(hold[0]);
	cr_assert_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	if (c != 'y')
		cr_skip_test("cannot create a user namespace here");
	return (struct ns_child){ .pid = pid, .release = hold[1] };
}

static void child_end(struct ns_child *c)
{
	int status;

	close(c->release);
	cr_assert_eq(waitpid(c->pid, &status, 0), c->pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* /proc/<pid>/<file> as text. */
static char *proc_text(pid_t pid, const char *file)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/%s", (int)pid, file);
	struct husk_error err = { 0 };
	char *text = NULL;
	size_t len;

	cr_assert_eq(read_file_at(AT_FDCWD, path, 65536, &text, &len, &err), 0, "%s", err.msg);
	return text;
}

/* The kernel's rendering of a map. */
static char *map_text(const struct husk_idmap *m, size_t n)
{
	char *text = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *next = xasprintf("%s%10u %10u %10u\n", text, m[i].container_id,
				       m[i].host_id, m[i].size);

		free(text);
		text = next;
	}
	return text;
}

static void assert_proc(pid_t pid, const char *file, const char *want)
{
	_cleanup_free_ char *got = proc_text(pid, file);

	cr_assert_str_eq(got, want, "/proc/%d/%s:\n%s--- wanted:\n%s", (int)pid, file, got,
			 want);
}

static void assert_map(pid_t pid, const char *file, const struct husk_idmap *m, size_t n)
{
	_cleanup_free_ char *want = map_text(m, n);

	assert_proc(pid, file, want);
}

/* Root in the initial user namespace: may map any host id. */
static void need_real_root(void)
{
	_cleanup_free_ char *map = NULL;
	unsigned long a = 1, b = 1, c = 0;

	if (geteuid() != 0)
		cr_skip_test("needs root in the initial user namespace");
	map = proc_text(getpid(), "uid_map");
	if (sscanf(map, "%lu %lu %lu", &a, &b, &c) != 3 || a != 0 || b != 0 ||
	    c != 4294967295UL)
		cr_skip_test("needs root in the initial user namespace");
}

static const struct husk_idmap one_uid[] = { { 0, 100000, 65536 } };
static const struct husk_idmap one_gid[] = { { 0, 200000, 65536 } };

static struct husk_linux linux_maps(const struct husk_idmap *um, size_t nu,
				    const struct husk_idmap *gm, size_t ng)
{
	return (struct husk_linux){
		.uid_mappings = (struct husk_idmap *)um, .n_uid_mappings = nu,
		.gid_mappings = (struct husk_idmap *)gm, .n_gid_mappings = ng,
	};
}

/* What a successful write leaves: both maps, and setgroups (NULL: not checked). */
struct want {
	const struct husk_idmap *uid;
	size_t n_uid;
	const struct husk_idmap *gid;
	size_t n_gid;
	const char *setgroups;
};

/* In a fresh child, idmap_write() with our own ids succeeds and leaves `w`. */
static void write_expect(const struct husk_spec *spec, bool rootless, const struct want *w)
{
	struct husk_error err = { 0 };
	struct ns_child c = userns_child();

	cr_assert_eq(idmap_write(c.pid, spec, rootless, getuid(), getgid(), &err), 0, "%s",
		     err.msg);
	assert_map(c.pid, "uid_map", w->uid, w->n_uid);
	assert_map(c.pid, "gid_map", w->gid, w->n_gid);
	if (w->setgroups)
		assert_proc(c.pid, "setgroups", w->setgroups);
	child_end(&c);
}

Test(launch_idmap, root_writes_one_range_each)
{
	struct husk_linux lx = linux_maps(one_uid, 1, one_gid, 1);
	/* root is not an unprivileged gid_map writer: setgroups stays allowed */
	struct want w = { one_uid, 1, one_gid, 1, "allow\n" };

	need_real_root();
	write_expect(&(struct husk_spec){ .linux_ = &lx }, false, &w);
}

Test(launch_idmap, root_writes_several_ranges_in_order)
{
	static const struct husk_idmap um[] = {
		{ 0, 100000, 1000 }, { 1000, 300000, 24 }, { 65534, 400000, 1 },
	};
	static const struct husk_idmap gm[] = { { 0, 200000, 5 }, { 5, 500000, 65531 } };
	struct husk_linux lx = linux_maps(um, ARRAY_SIZE(um), gm, ARRAY_SIZE(gm));
	struct want w = { um, ARRAY_SIZE(um), gm, ARRAY_SIZE(gm), NULL };

	need_real_root();
	write_expect(&(struct husk_spec){ .linux_ = &lx }, false, &w);
}

Test(launch_idmap, rootless_own_ids_deny_setgroups_first)
{
	const struct husk_idmap um[] = { { 0, getuid(), 1 } };
	const struct husk_idmap gm[] = { { 0, getgid(), 1 } };
	struct husk_linux lx = linux_maps(um, 1, gm, 1);
	struct husk_spec spec = { .linux_ = &lx };
	struct husk_error err = { 0 };
	struct ns_child c = userns_child();
	_cleanup_free_ char *ours = proc_text(getpid(), "setgroups");

	/* A new namespace starts with its parent's setting: "allow", except
	 * under a parent that denied it already (unshare -r). */
	assert_proc(c.pid, "setgroups", ours);
	cr_assert_eq(idmap_write(c.pid, &spec, true, getuid(), getgid(), &err), 0, "%s",
		     err.msg);
	assert_map(c.pid, "uid_map", um, 1);
	assert_map(c.pid, "gid_map", gm, 1);
	assert_proc(c.pid, "setgroups", "deny\n");
	child_end(&c);
}

/* The one rootless mapping of the ids in the spec, to a uid that is not 0. */
Test(launch_idmap, rootless_own_ids_inside_as_another_id)
{
	const struct husk_idmap um[] = { { 1000, getuid(), 1 } };
	const struct husk_idmap gm[] = { { 1000, getgid(), 1 } };
	struct husk_linux lx = linux_maps(um, 1, gm, 1);
	struct want w = { um, 1, gm, 1, "deny\n" };

	write_expect(&(struct husk_spec){ .linux_ = &lx }, true, &w);
}

Test(launch_idmap, rootless_without_mappings_maps_me_to_root)
{
	const struct husk_idmap um[] = { { 0, getuid(), 1 } };
	const struct husk_idmap gm[] = { { 0, getgid(), 1 } };
	struct husk_linux lx = { 0 };
	struct want w = { um, 1, gm, 1, "deny\n" };

	write_expect(&(struct husk_spec){ .linux_ = &lx }, true, &w);
	write_expect(&(struct husk_spec){ 0 }, true, &w);
}

/* Only the missing map is filled in with the default; the other is the spec's. */
Test(launch_idmap, rootless_default_fills_only_the_missing_map)
{
	const struct husk_idmap um[] = { { 0, getuid(), 1 } };
	const struct husk_idmap gm[] = { { 7, getgid(), 1 } };
	const struct husk_idmap gdefault[] = { { 0, getgid(), 1 } };
	struct husk_linux no_uid = linux_maps(NULL, 0, gm, 1), no_gid = linux_maps(um, 1, NULL, 0);
	struct want w1 = { um, 1, gm, 1, NULL }, w2 = { um, 1, gdefault, 1, NULL };

	write_expect(&(struct husk_spec){ .linux_ = &no_uid }, true, &w1);
	write_expect(&(struct husk_spec){ .linux_ = &no_gid }, true, &w2);
}

/* Root with a map missing: refused before anything is written. */
Test(launch_idmap, root_without_mappings_is_refused_and_writes_nothing)
{
	struct husk_linux only_uid = linux_maps(one_uid, 1, NULL, 0);
	struct husk_spec spec = { .linux_ = &only_uid }, no_linux = { 0 };
	struct husk_error err = { 0 };
	struct ns_child c = userns_child();

	cr_assert_eq(idmap_write(c.pid, &no_linux, false, 0, 0, &err), -EINVAL);
	cr_assert_str_eq(err.msg, ".linux.uidMappings: a new user namespace needs uid mappings");
	cr_assert_eq(idmap_write(c.pid, &spec, false, 0, 0, &err), -EINVAL);
	cr_assert_str_eq(err.msg, ".linux.gidMappings: a new user namespace needs gid mappings");
	assert_proc(c.pid, "uid_map", "");
	assert_proc(c.pid, "gid_map", "");
	child_end(&c);
}

/* A process that is gone: the error names the file that could not be opened. */
Test(launch_idmap, process_gone_names_the_file)
{
	struct husk_linux lx = linux_maps(one_uid, 1, one_gid, 1);
	struct husk_spec spec = { .linux_ = &lx };
	struct husk_error err = { 0 };
	struct ns_child c = userns_child();
	_cleanup_free_ char *want_root = NULL, *want_rootless = NULL;
	pid_t pid = c.pid;

	child_end(&c);
	want_root = xasprintf("open /proc/%d/uid_map: %s", (int)pid, strerror(ENOENT));
	want_rootless = xasprintf("gid mappings: open /proc/%d/setgroups: %s", (int)pid,
				  strerror(ENOENT));
	cr_assert_eq(idmap_write(pid, &spec, false, 0, 0, &err), -ENOENT);
	cr_assert_str_eq(err.msg, want_root);
	cr_assert_eq(idmap_write(pid, &(struct husk_spec){ 0 }, true, getuid(), getgid(), &err),
		     -ENOENT);
	cr_assert_str_eq(err.msg, want_rootless);
}

/* The kernel refuses overlapping ranges: the error is the write of uid_map. */
Test(launch_idmap, overlapping_ranges_are_refused_naming_uid_map)
{
	static const struct husk_idmap um[] = { { 0, 100000, 10 }, { 5, 300000, 10 } };
	struct husk_linux lx = linux_maps(um, ARRAY_SIZE(um), one_gid, 1);
	struct husk_spec spec = { .linux_ = &lx };
	struct husk_error err = { 0 };
	_cleanup_free_ char *want = NULL;
	struct ns_child c;

	need_real_root();
	c = userns_child();
	want = xasprintf("write /proc/%d/uid_map: %s", (int)c.pid, strerror(EINVAL));
	cr_assert_eq(idmap_write(c.pid, &spec, false, 0, 0, &err), -EINVAL);
	cr_assert_str_eq(err.msg, want);
	/* nothing half applied: gid_map comes after, and was not written */
	assert_proc(c.pid, "uid_map", "");
	assert_proc(c.pid, "gid_map", "");
	child_end(&c);
}

Test(launch_idmap, empty_range_is_refused_naming_uid_map)
{
	static const struct husk_idmap um[] = { { 0, 100000, 0 } };
	struct husk_linux lx = linux_maps(um, 1, one_gid, 1);
	struct husk_spec spec = { .linux_ = &lx };
	struct husk_error err = { 0 };
	struct ns_child c;

	need_real_root();
	c = userns_child();
	cr_assert_lt(idmap_write(c.pid, &spec, false, 0, 0, &err), 0);
	cr_assert(strstr(err.msg, "/uid_map: "), "%s", err.msg);
	child_end(&c);
}

/* The maps of a namespace are written once: a second time is the kernel's EPERM. */
Test(launch_idmap, second_write_is_refused)
{
	struct husk_error err = { 0 };
	struct ns_child c = userns_child();
	_cleanup_free_ char *want = NULL;

	cr_assert_eq(idmap_write(c.pid, &(struct husk_spec){ 0 }, true, getuid(), getgid(), &err),
		     0, "%s", err.msg);
	/* setgroups cannot be set again once gid_map is written */
	want = xasprintf("gid mappings: write /proc/%d/setgroups: %s", (int)c.pid,
			 strerror(EPERM));
	cr_assert_eq(idmap_write(c.pid, &(struct husk_spec){ 0 }, true, getuid(), getgid(), &err),
		     -EPERM);
	cr_assert_str_eq(err.msg, want);
	child_end(&c);
}

/*
 * Rootless with an id that is not the caller's own goes through
 * newgidmap, which checks /etc/subgid: a range nobody is granted is
 * refused, the error says which file to check, and uid_map (written after
 * gid_map) is left alone.  The helper's own message goes to our stderr.
 */
Test(launch_idmap, rootless_foreign_range_refused_by_newgidmap)
{
	static const struct husk_idmap foreign[] = { { 0, 4000000000u, 2 } };
	struct husk_linux lx = linux_maps(NULL, 0, foreign, 1);
	struct husk_spec spec = { .linux_ = &lx };
	struct husk_error err = { 0 };
	_cleanup_close_ int cap = -1, saved = -1;
	char buf[1024] = "";
	struct ns_child c;
	ssize_t n;
	int r;

	if (access("/usr/bin/newgidmap", X_OK) < 0)
		cr_skip_test("/usr/bin/newgidmap is not installed (package uidmap)");
	cap = memfd_create("stderr", MFD_CLOEXEC);
	saved = dup(STDERR_FILENO);
	cr_assert(cap >= 0 && saved >= 0);
	c = userns_child();
	cr_assert_eq(dup2(cap, STDERR_FILENO), STDERR_FILENO);
	r = idmap_write(c.pid, &spec, true, getuid(), getgid(), &err);
	cr_assert_eq(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	cr_assert_eq(r, -EPERM, "%s", err.msg);
	cr_assert(strstr(err.msg, "gid mappings: /usr/bin/newgidmap failed: check that "
			 "/etc/subgid grants user "), "%s", err.msg);
	/* the helper itself ran, and said why */
	n = pread(cap, buf, sizeof(buf) - 1, 0);
	cr_assert_gt(n, 0);
	cr_assert(strstr(buf, "newgidmap"), "%s", buf);
	assert_proc(c.pid, "gid_map", "");
	assert_proc(c.pid, "uid_map", "");
	child_end(&c);
}
