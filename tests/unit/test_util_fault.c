/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/util/fault.c, the test build's fault points (compiled here with
 * -DHUSK_FAULT_INJECTION, see src/util/fault.mk): HUSK_FAULT is parsed
 * strictly, a chosen point fails with its name, kill reaches "husk" (this
 * test process) from itself and from a grandchild in a new pid namespace,
 * HUSK_FAULT_TRACE names every point, and fault_fini() finds a leaked fd.
 * Criterion runs each test in its own process: the environment, the fault
 * state and the fds each test changes are its own.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/fault.h"

#ifndef HUSK_FAULT_INJECTION
#error "test_util_fault.c must be compiled with -DHUSK_FAULT_INJECTION (src/util/fault.mk)"
#endif

/* fd 2 onto a memfd, before fault_init() so that it is no leak; returns it. */
static int capture_stderr(void)
{
	int fd = memfd_create("stderr", MFD_CLOEXEC);

	cr_assert(fd >= 0 && dup2(fd, STDERR_FILENO) == STDERR_FILENO);
	return fd;
}

static char *captured(int fd)
{
	static char buf[4096];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void init_with(const char *spec)
{
	cr_assert_eq(setenv("HUSK_FAULT", spec, 1), 0);
	fault_init();
}

Test(util_fault, nothing_chosen_nothing_happens)
{
	struct husk_error err = { 0 };

	unsetenv("HUSK_FAULT");
	fault_init();
	cr_assert_eq(fault_point("parent", "verb", &err), 0);
	cr_assert_eq(fault_point("child", "mounts", &err), 0);
	cr_assert_eq(fault_fd(), -1, "no kill chosen: no kill pipe");
	cr_assert_not(husk_error_is_set(&err));
	cr_assert_eq(fault_fini(3), 3);
}

Test(util_fault, fail_fails_only_the_chosen_point)
{
	struct husk_error err = { 0 };

	init_with("child:mounts:fail");
	cr_assert_eq(fault_point("parent", "mounts", &err), 0);
	cr_assert_eq(fault_point("child", "mount", &err), 0);
	cr_assert_eq(fault_point("child", "mounts-all", &err), 0);
	cr_assert_not(husk_error_is_set(&err));
	cr_assert_eq(fault_point("child", "mounts", &err), -EIO);
	cr_assert_eq(err.errnum, EIO);
	cr_assert_str_eq(err.msg, "fault injected at child stage mounts");
	cr_assert_eq(fault_fini(0), 0);
}

static void assert_refused(const char *spec)
{
	capture_stderr();       /* the refusal's message, out of the test log */
	cr_assert_eq(setenv("HUSK_FAULT", spec, 1), 0);
	fault_init();
	cr_assert_fail("HUSK_FAULT=\"%s\" was accepted", spec);
}

/* A typo must not make a fault test pass by injecting nothing. */
Test(util_fault, bad_spec_exits_2_no_side, .exit_code = 2)
{
	assert_refused("verb:fail");
}

Test(util_fault, bad_spec_exits_2_unknown_side, .exit_code = 2)
{
	assert_refused("host:verb:fail");
}

Test(util_fault, bad_spec_exits_2_unknown_action, .exit_code = 2)
{
	assert_refused("parent:verb:explode");
}

Test(util_fault, bad_spec_exits_2_trailing_field, .exit_code = 2)
{
	assert_refused("parent:verb:kill:now");
}

Test(util_fault, bad_spec_exits_2_empty_stage, .exit_code = 2)
{
	assert_refused("parent::kill");
}

Test(util_fault, trace_names_every_point_and_marks_the_chosen_one)
{
	struct husk_error err = { 0 };
	int out = capture_stderr();

	cr_assert_eq(setenv("HUSK_FAULT_TRACE", "1", 1), 0);
	init_with("exec:join:fail");
	fault_point("parent", "verb", &err);
	fault_point("exec", "join", &err);
	cr_assert_str_eq(captured(out), "husk-fault: parent:verb\n"
			 "husk-fault: exec:join (fail)\n");
}

Test(util_fault, kill_in_husk_itself_is_sigkill, .signal = SIGKILL)
{
	struct husk_error err = { 0 };

	init_with("parent:verb:kill");
	fault_point("parent", "clone", &err);
	fault_point("parent", "verb", &err);
	cr_assert_fail("still alive after the kill point");
}

/*
 * The kill chosen at a child point, reached by a grandchild that is PID 1
 * of a new pid namespace (where husk's pid means nothing): this process,
 * "husk", dies of SIGKILL, and the grandchild carries on (exit 0).  The
 * wait below never returns: we are dead before the middle child can exit.
 */
static void grandchild_in_new_pidns(void)
{
	struct husk_error err = { 0 };
	pid_t pid;

	if (unshare(CLONE_NEWPID) < 0 && unshare(CLONE_NEWUSER | CLONE_NEWPID) < 0)
		_exit(77);
	pid = fork();
	if (pid == 0)
		_exit(getpid() == 1 && fault_point("child", "mounts", &err) == 0 ? 0 : 1);
	_exit(pid > 0 && waitpid(pid, NULL, 0) == pid ? 0 : 1);
}

Test(util_fault, kill_from_a_child_in_a_new_pid_namespace_kills_husk, .signal = SIGKILL)
{
	int status;
	pid_t pid;

	init_with("child:mounts:kill");
	cr_assert_geq(fault_fd(), 0, "kill chosen: the kill pipe must exist");
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0)
		grandchild_in_new_pidns();
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
		cr_skip_test("no new pid namespace here");
	cr_assert_fail("husk survived its child's kill point (child status %#x)", status);
}

/* The grandchild's view: a closed fault fd is an error naming it, not silence. */
Test(util_fault, kill_without_the_fault_fd_is_an_error)
{
	int status;
	pid_t pid;

	init_with("child:pivot:kill");
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		struct husk_error err = { 0 };

		close(fault_fd());
		_exit(fault_point("child", "pivot", &err) == -EBADF &&
		      strstr(err.msg, "cannot reach husk") ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the child should have got an error naming the closed fault fd");
}

Test(util_fault, leaked_fd_is_reported_with_its_target)
{
	int out = capture_stderr();
	int leak, kept = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char want[64];

	cr_assert(kept >= 0);
	unsetenv("HUSK_FAULT");
	fault_init();
	leak = open("/dev/null", O_RDONLY | O_CLOEXEC);
	cr_assert(leak >= 0);
	close(kept);    /* open at start, closed since: fine */
	cr_assert_eq(fault_fini(0), 99);
	snprintf(want, sizeof(want), "husk-fault: leaked fd %d (/dev/null)\n", leak);
	cr_assert_str_eq(captured(out), want);
	close(leak);
	cr_assert_eq(fault_fini(4), 4, "nothing leaked any more");
}
