/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Status derived from the live process: alive, zombie, gone, recycled pid. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/state.h"
#include "husk/util.h"
#include "test_state_helpers.h"

static struct state_root root = { .fd = -1 };
static struct container_dir dir = { .fd = -1, .lock_fd = -1 };
static char *tmp;

static void setup(void)
{
	tmp = test_container_make(&root, "st", &dir);
}

static void teardown(void)
{
	test_state_remove(&root, &dir, tmp);
}

TestSuite(state_status, .init = setup, .fini = teardown);

/* A child that sleeps until killed. */
static pid_t sleeper(void)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);      /* never outlive a failed test */
		for (;;)
			pause();
	}
	return pid;
}

Test(state_status, start_time_of_self_and_of_nothing)
{
	cr_assert_gt(pid_start_time(getpid()), 0);
	cr_assert_eq(pid_start_time(INT_MAX - 1), 0);
	cr_assert_eq(pid_start_time(0), 0);
	cr_assert_eq(pid_start_time(-1), 0);
}

Test(state_status, start_time_survives_hostile_comm)
{
	pid_t pid = fork();
	int status;

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		uint64_t before = pid_start_time(getpid());

		prctl(PR_SET_NAME, "a) 1 2 (b) Z 9");
		_exit(before != 0 && pid_start_time(getpid()) == before &&
		      state_pid_alive(getpid(), before) ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

Test(state_status, created_then_running)
{
	struct husk_state_file st = { .id = (char *)"st" };
	struct husk_error err = { 0 };
	int fifo = -1;
	pid_t pid = sleeper();

	st.pid = pid;
	st.pid_start_time = pid_start_time(pid);
	cr_assert_gt(st.pid_start_time, 0);
	cr_assert_eq(exec_fifo_create(&dir, &fifo, &err), 0, "%s", err.msg);
	cr_assert_eq(state_status(&dir, &st), STATUS_CREATED);
	cr_assert_eq(exec_fifo_release(&dir, &err), 0, "%s", err.msg);
	cr_assert_eq(state_status(&dir, &st), STATUS_RUNNING);
	close(fifo);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	cr_assert_eq(state_status(&dir, &st), STATUS_STOPPED);
}

Test(state_status, zombie_is_stopped)
{
	struct husk_state_file st = { .id = (char *)"st" };
	siginfo_t si;
	pid_t pid = sleeper();

	st.pid = pid;
	st.pid_start_time = pid_start_time(pid);
	cr_assert_eq(state_status(&dir, &st), STATUS_RUNNING);
	kill(pid, SIGKILL);
	/* Wait for the exit but leave the zombie in place. */
	cr_assert_eq(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	cr_assert_eq(pid_start_time(pid), st.pid_start_time, "the zombie is still there");
	cr_assert_not(state_pid_alive(pid, st.pid_start_time));
	cr_assert_eq(state_status(&dir, &st), STATUS_STOPPED);
	waitpid(pid, NULL, 0);
}

Test(state_status, recycled_pid_is_stopped)
{
	struct husk_state_file st = { .id = (char *)"st" };
	pid_t pid = sleeper();

	st.pid = pid;
	st.pid_start_time = pid_start_time(pid) + 1;  /* "another process" */
	cr_assert_eq(state_status(&dir, &st), STATUS_STOPPED);
	cr_assert_not(state_pid_alive(pid, st.pid_start_time));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

Test(state_status, no_pid_is_stopped)
{
	struct husk_state_file st = { .id = (char *)"st" };

	cr_assert_eq(state_status(&dir, &st), STATUS_STOPPED);
	st.pid = -5;
	cr_assert_eq(state_status(&dir, &st), STATUS_STOPPED);
	st.pid = (int64_t)INT_MAX + 10;
	cr_assert_eq(state_status(&dir, &st), STATUS_STOPPED);
	cr_assert_eq(state_status(&dir, NULL), STATUS_STOPPED);
}

Test(state_status, names)
{
	cr_assert_str_eq(container_status_name(STATUS_CREATING), "creating");
	cr_assert_str_eq(container_status_name(STATUS_CREATED), "created");
	cr_assert_str_eq(container_status_name(STATUS_RUNNING), "running");
	cr_assert_str_eq(container_status_name(STATUS_PAUSED), "paused");
	cr_assert_str_eq(container_status_name(STATUS_STOPPED), "stopped");
}

Test(state_status, signal_and_wait)
{
	struct husk_state_file st = { .id = (char *)"st" };
	struct husk_error err = { 0 };
	pid_t pid = sleeper();
	int pidfd, status;

	st.pid = pid;
	st.pid_start_time = pid_start_time(pid);
	pidfd = container_pidfd(&st, &err);
	cr_assert_geq(pidfd, 0, "%s", err.msg);
	cr_assert_eq(pidfd_wait_exit(pidfd, 50, &err), -ETIMEDOUT);
	cr_assert_eq(container_signal(&st, SIGKILL, false, &err), 0, "%s", err.msg);
	cr_assert_eq(pidfd_wait_exit(pidfd, 5000, &err), 0, "%s", err.msg);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	close(pidfd);
	cr_assert_eq(container_signal(&st, SIGTERM, false, &err), -ESRCH);
	cr_assert(strstr(err.msg, "is not running"), "%s", err.msg);
}

Test(state_status, signal_refuses_recycled_pid)
{
	struct husk_state_file st = { .id = (char *)"st" };
	struct husk_error err = { 0 };
	pid_t pid = sleeper();

	st.pid = pid;
	st.pid_start_time = pid_start_time(pid) + 7;
	cr_assert_eq(container_signal(&st, SIGKILL, true, &err), -ESRCH);
	cr_assert(state_pid_alive(pid, 0), "the unrelated process was signalled");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
