// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fault-injection test build itself ($HUSK_FAULT_BIN, see
 * include/husk/fault.h), with the one point that exists whatever the
 * stage tables look like: parent:verb, in main() before any verb.
 *   - the shipped husk has no fault code and ignores HUSK_FAULT;
 *   - HUSK_FAULT_TRACE=1 names the points reached;
 *   - fail makes the verb fail with the point's name, kill kills husk-fault
 *     (128+9), and a bad HUSK_FAULT is refused (exit 2), never ignored;
 *   - a whole container life under husk-fault leaks no fd in any verb
 *     (the fd check of fault_fini(), exit 99; its own unit tests are in
 *     tests/unit/test_util_fault.c).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "integration/harness.h"

/* Does the file at `path` contain the bytes of `needle`? */
static bool file_has_bytes(const char *path, const char *needle)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	bool found;

	cr_assert(fd >= 0 && fstat(fd, &st) == 0, "open %s", path);
	char *buf = malloc(st.st_size);
	cr_assert(buf);
	cr_assert_eq(read(fd, buf, st.st_size), st.st_size, "read %s", path);
	found = memmem(buf, st.st_size, needle, strlen(needle)) != NULL;
	free(buf);
	close(fd);
	return found;
}

static const char *env_path(const char *name)
{
	const char *v = getenv(name);

	cr_assert(v && *v, "%s is not set: run the integration tests through `make check`", name);
	return v;
}

/* The fault code is compiled out of husk, not merely unused. */
Test(fault, shipped_husk_has_no_fault_code)
{
	static const char *const marks[] = { "HUSK_FAULT", "husk-fault:", "fault injected" };

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		cr_assert(!file_has_bytes(env_path("HUSK_BIN"), marks[i]),
			  "%s contains \"%s\": fault code reached the shipped binary",
			  env_path("HUSK_BIN"), marks[i]);
		/* The same check finds them where they belong. */
		cr_assert(file_has_bytes(env_path("HUSK_FAULT_BIN"), marks[i]),
			  "%s lacks \"%s\": is it the test build?", env_path("HUSK_FAULT_BIN"),
			  marks[i]);
	}
}

HTEST(fault, shipped_husk_ignores_HUSK_FAULT)
{
	static const char *const specs[] = { "parent:verb:kill", "parent:verb:fail", "bogus" };
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/echo", "ran") });
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		char *var;
		cr_assert(asprintf(&var, "HUSK_FAULT=%s", specs[i]) > 0);
		struct hcall_opts o = { .env = ARGS(var, "HUSK_FAULT_TRACE=1") };

		HUSK_OPTS(c, &r, &o, "run", "--bundle", c->bundle, hctx_new_id(c));
		assert_husk_ok(&r);
		cr_assert_str_eq(r.out, "ran\n");
		assert_not_contains(r.err, "husk-fault");
		free(var);
	}
	hctx_assert_clean(c);
	hres_free(&r);
}

HTEST(fault, trace_names_the_verb_point)
{
	struct hres r = { 0 };
	struct hcall_opts o = { .fault_bin = true, .env = ARGS("HUSK_FAULT_TRACE=1") };

	HUSK_OPTS(c, &r, &o, "state", c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, "husk-fault: parent:verb\n");
	assert_contains(r.err, "does not exist");
	/* Without the variable, no trace. */
	o.env = NULL;
	HUSK_OPTS(c, &r, &o, "state", c->id);
	assert_husk_fails(&r);
	assert_not_contains(r.err, "husk-fault");
	hres_free(&r);
}

HTEST(fault, fail_at_the_verb_point_fails_the_verb)
{
	struct hres r = { 0 };
	struct hcall_opts o = { .fault_bin = true, .env = ARGS("HUSK_FAULT=parent:verb:fail") };

	HUSK_OPTS(c, &r, &o, "state", c->id);
	cr_assert_eq(r.code, 1, "exit %d\n%s", r.code, r.err);
	cr_assert_str_eq(r.err, "husk: fault injected at parent stage verb\n");
	/* Before run has made anything: nothing to undo, nothing left. */
	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") });
	HUSK_OPTS(c, &r, &o, "run", "--bundle", c->bundle, c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, "fault injected at parent stage verb");
	hctx_assert_clean(c);
	/* Another point's name leaves the verb alone. */
	o.env = ARGS("HUSK_FAULT=parent:no-such-stage:fail");
	HUSK_OPTS(c, &r, &o, "run", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	hres_free(&r);
}

HTEST(fault, kill_at_the_verb_point_kills_husk)
{
	struct hres r = { 0 };
	struct hcall_opts o = { .fault_bin = true,
				.env = ARGS("HUSK_FAULT=parent:verb:kill", "HUSK_FAULT_TRACE=1") };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") });
	HUSK_OPTS(c, &r, &o, "run", "--bundle", c->bundle, c->id);
	cr_assert_eq(r.code, 128 + SIGKILL, "husk-fault should die of SIGKILL: exit %d\n%s",
		     r.code, r.err);
	assert_contains(r.err, "husk-fault: parent:verb (kill)\n");
	hctx_assert_clean(c);
	hres_free(&r);
}

HTEST(fault, bad_HUSK_FAULT_is_refused)
{
	static const char *const specs[] = { "HUSK_FAULT=parent:verb", "HUSK_FAULT=host:verb:kill",
					     "HUSK_FAULT=parent:verb:crash" };
	struct hres r = { 0 };

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct hcall_opts o = { .fault_bin = true, .env = ARGS(specs[i]) };

		HUSK_OPTS(c, &r, &o, "list");
		cr_assert_eq(r.code, 2, "%s: exit %d\n%s", specs[i], r.code, r.err);
		assert_contains(r.err, "husk-fault: HUSK_FAULT=");
	}
	hres_free(&r);
}

/* Assert a husk-fault call succeeded and closed every fd it opened. */
#define assert_no_leak(r)                                                     \
	do {                                                                  \
		assert_not_contains((r)->err, "husk-fault: leaked fd");       \
		assert_husk_ok(r);                                            \
	} while (0)

/*
 * Every verb of a container's life, under the test build: none leaves an
 * fd open at exit that was not open at its start (fault_fini()).
 */
HTEST(fault, no_verb_leaks_an_fd)
{
	struct hres r = { 0 };
	struct hcall_opts o = { .fault_bin = true };
	char *pidfile = hpath(c, "pid");
	const char *run_id = hctx_new_id(c);

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "100") });
	HUSK_OPTS(c, &r, &o, "create", "--bundle", c->bundle, "--pid-file", pidfile, c->id);
	assert_no_leak(&r);
	HUSK_OPTS(c, &r, &o, "state", c->id);
	assert_no_leak(&r);
	HUSK_OPTS(c, &r, &o, "start", c->id);
	assert_no_leak(&r);
	HUSK_OPTS(c, &r, &o, "exec", c->id, "/bin/true");
	assert_no_leak(&r);
	HUSK_OPTS(c, &r, &o, "exec", "--detach", c->id, "/bin/true");
	assert_no_leak(&r);
	HUSK_OPTS(c, &r, &o, "list", "--format", "json");
	assert_no_leak(&r);
	HUSK_OPTS(c, &r, &o, "kill", c->id, "KILL");
	assert_no_leak(&r);
	cr_assert(wait_status(c, c->id, "stopped", 5000));
	HUSK_OPTS(c, &r, &o, "delete", c->id);
	assert_no_leak(&r);
	HUSK_OPTS(c, &r, &o, "run", "--detach", "--bundle", c->bundle, run_id);
	assert_no_leak(&r);
	HUSK_OPTS(c, &r, &o, "delete", "--force", run_id);
	assert_no_leak(&r);
	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") });
	HUSK_OPTS(c, &r, &o, "run", "--bundle", c->bundle, c->id);
	assert_no_leak(&r);
	HUSK_OPTS(c, &r, &o, "spec", "--rootless");
	assert_no_leak(&r);
	hctx_assert_clean(c);
	free(pidfile);
	hres_free(&r);
}
