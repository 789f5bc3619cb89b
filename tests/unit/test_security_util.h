/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_TEST_SECURITY_UTIL_H
#define HUSK_TEST_SECURITY_UTIL_H

/*
 * Helpers for the security unit tests.  Controls that change the calling
 * process for good (capabilities, seccomp) are applied in a forked child,
 * which reports back over a pipe and ends with _exit(): no atexit handler
 * (nor LeakSanitizer) runs in a process whose syscalls are filtered.
 */

#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/security.h"
#include "husk/spec.h"
#include "husk/util.h"
#include "security/security-internal.h"

/* What a child sent and how it ended. */
struct child_result {
	int status;                 /* waitpid() status */
	char out[8192];
	size_t len;
};

typedef void (*child_fn)(int out_fd, void *arg);

/* write() all of buf from a child; nothing else (it may run under a filter). */
static inline void child_send(int fd, const void *buf, size_t len)
{
	if (write_all(fd, buf, len) < 0)
		_exit(99);
}

static inline void child_printf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void child_printf(int fd, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	child_send(fd, buf, n < 0 ? 0 : (size_t)n);
}

/* Run fn in a forked child; collect what it writes and its wait status. */
static inline void run_child(child_fn fn, void *arg, struct child_result *res)
{
	int p[2];
	pid_t pid;
	ssize_t n;

	memset(res, 0, sizeof(*res));
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(p[0]);
		fn(p[1], arg);
		_exit(0);
	}
	close(p[1]);
	while ((n = read(p[0], res->out + res->len, sizeof(res->out) - 1 - res->len)) > 0)
		res->len += (size_t)n;
	res->out[res->len] = '\0';
	close(p[0]);
	cr_assert_eq(waitpid(pid, &res->status, 0), pid);
}

static inline bool exited_ok(const struct child_result *r)
{
	return WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0;
}

/* ---- running probes under a filter ---------------------------------------- */

typedef void (*probe_fn)(int fd, void *arg);

struct probe_case {
	const struct security_plan *plan;
	probe_fn probe;
	void *arg;                  /* for the probe; the notify fd instead when there is one */
	bool no_nnp;                /* leave no_new_privs off */
	bool drop_caps;             /* ... and drop every capability first */
};

/* "OK" for success, "E<errno>" for failure, space-separated. */
static inline void report_errno(int fd, long r)
{
	if (r < 0)
		child_printf(fd, "E%d ", errno);
	else
		child_printf(fd, "OK ");
}

/*
 * In the child: no core dumps (SIGSYS deaths are expected), no_new_privs
 * unless told otherwise, the filter, then the probe.  Exit 5 with
 * "APPLY <message>" when the filter does not load.
 */
static inline void probe_child(int fd, void *arg)
{
	const struct probe_case *c = arg;
	struct rlimit no_core = { 0, 0 };
	struct husk_error err = { 0 };
	int notify_fd = -1;

	setrlimit(RLIMIT_CORE, &no_core);
	if (c->drop_caps) {
		cap_t none = cap_init();

		if (!none || cap_set_proc(none) < 0)
			_exit(3);
		cap_free(none);
	}
	if (!c->no_nnp && prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0)
		_exit(4);
	if (security_seccomp_apply(c->plan, &notify_fd, &err) < 0) {
		child_printf(fd, "APPLY %s", err.msg);
		_exit(5);
	}
	if (c->probe)
		c->probe(fd, notify_fd >= 0 ? &notify_fd : c->arg);
	_exit(0);
}

/*
 * A whole config.json around `process_extra` (members of .process) and
 * `linux_extra` (members of .linux), parsed with spec_parse(): the same
 * way in as production.
 */
static inline struct husk_spec *spec_with(const char *process_extra, const char *linux_extra)
{
	_cleanup_free_ char *json = xasprintf(
		"{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
		"\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"%s%s},"
		"\"linux\":{%s}}",
		process_extra[0] ? "," : "", process_extra, linux_extra);
	struct husk_error err = { 0 };
	struct husk_spec *s = NULL;
	int r = spec_parse(json, strlen(json), "config.json", &s, &err);

	cr_assert_eq(r, 0, "spec_parse: %s\n%s", err.msg, json);
	return s;
}

/* security_prepare() on spec_with(); asserts success. */
static inline struct security_plan *plan_with(const char *process_extra, const char *linux_extra,
					      char ***warnings)
{
	_cleanup_spec_ struct husk_spec *s = spec_with(process_extra, linux_extra);
	struct husk_error err = { 0 };
	struct security_plan *plan = NULL;
	int r = security_prepare(s, s->process, &plan, warnings, &err);

	cr_assert_eq(r, 0, "security_prepare: %s", err.msg);
	cr_assert_not_null(plan);
	return plan;
}

/* security_prepare() on spec_with(); asserts failure with exactly `expected`. */
static inline void plan_fails(const char *process_extra, const char *linux_extra,
			      const char *expected)
{
	_cleanup_spec_ struct husk_spec *s = spec_with(process_extra, linux_extra);
	struct husk_error err = { 0 };
	struct security_plan *plan = NULL;
	int r = security_prepare(s, s->process, &plan, NULL, &err);

	cr_assert_lt(r, 0, "security_prepare accepted, expected: %s", expected);
	cr_assert_null(plan);
	cr_assert_str_eq(err.msg, expected);
}

#endif
