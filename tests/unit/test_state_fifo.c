/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exec fifo between create and start. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
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
	tmp = test_container_make(&root, "ff", &dir);
}

static void teardown(void)
{
	test_state_remove(&root, &dir, tmp);
}

TestSuite(state_fifo, .init = setup, .fini = teardown);

Test(state_fifo, create_gives_nonblocking_cloexec_read_end)
{
	struct husk_error err = { 0 };
	struct stat st;
	int fd = -1;

	cr_assert_eq(exec_fifo_create(&dir, &fd, &err), 0, "%s", err.msg);
	cr_assert_geq(fd, 0);
	cr_assert_eq(fcntl(fd, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDONLY | O_NONBLOCK);
	cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	cr_assert_eq(fstatat(dir.fd, EXEC_FIFO_NAME, &st, AT_SYMLINK_NOFOLLOW), 0);
	cr_assert(S_ISFIFO(st.st_mode));
	cr_assert_eq(st.st_mode & 0777, 0600);
	close(fd);
}

Test(state_fifo, create_twice_fails)
{
	struct husk_error err = { 0 };
	int a = -1, b = -1;

	cr_assert_eq(exec_fifo_create(&dir, &a, &err), 0, "%s", err.msg);
	cr_assert_eq(exec_fifo_create(&dir, &b, &err), -EEXIST);
	cr_assert_eq(b, -1);
	close(a);
}

Test(state_fifo, release_wakes_the_reader_and_removes_the_fifo)
{
	struct husk_error err = { 0 };
	struct pollfd p;
	struct stat st;
	char c = 0;
	int fd = -1;

	cr_assert_eq(exec_fifo_create(&dir, &fd, &err), 0, "%s", err.msg);
	cr_assert_eq(exec_fifo_release(&dir, &err), 0, "%s", err.msg);
	p.fd = fd;
	p.events = POLLIN;
	cr_assert_eq(poll(&p, 1, 1000), 1);
	cr_assert_eq(read(fd, &c, 1), 1);
	cr_assert_neq(fstatat(dir.fd, EXEC_FIFO_NAME, &st, 0), 0);
	close(fd);
	/* A second start finds nothing to release. */
	cr_assert_eq(exec_fifo_release(&dir, &err), -EALREADY);
	cr_assert(strstr(err.msg, "already started"), "%s", err.msg);
}

Test(state_fifo, release_without_reader_is_esrch)
{
	struct husk_error err = { 0 };
	int fd = -1;

	cr_assert_eq(exec_fifo_create(&dir, &fd, &err), 0, "%s", err.msg);
	close(fd);
	cr_assert_eq(exec_fifo_release(&dir, &err), -ESRCH);
	cr_assert(strstr(err.msg, "gone"), "%s", err.msg);
}

Test(state_fifo, release_after_reader_process_died)
{
	struct husk_error err = { 0 };
	pid_t pid;
	int fd = -1;

	cr_assert_eq(exec_fifo_create(&dir, &fd, &err), 0, "%s", err.msg);
	pid = fork();
	if (pid == 0)
		_exit(0);       /* inherits the read end, then dies */
	close(fd);
	waitpid(pid, NULL, 0);
	cr_assert_eq(exec_fifo_release(&dir, &err), -ESRCH);
}

Test(state_fifo, release_reaches_a_waiting_child)
{
	struct husk_error err = { 0 };
	pid_t pid;
	int fd = -1, status;

	cr_assert_eq(exec_fifo_create(&dir, &fd, &err), 0, "%s", err.msg);
	pid = fork();
	if (pid == 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char c;

		_exit(poll(&p, 1, 5000) == 1 && read(fd, &c, 1) == 1 ? 0 : 1);
	}
	close(fd);
	cr_assert_eq(exec_fifo_release(&dir, &err), 0, "%s", err.msg);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
