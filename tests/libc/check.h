/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The little the musl test programs in tests/libc/ share (Criterion is glibc). */
#ifndef HUSK_TESTS_LIBC_CHECK_H
#define HUSK_TESTS_LIBC_CHECK_H

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); \
			failures++;                                                     \
		}                                                                       \
	} while (0)

/* Run fn in a child; true when it died of SIGABRT. */
static inline int aborts(void (*fn)(void))
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

#endif
