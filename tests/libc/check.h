/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The little the musl test programs in tests/libc/ share (Criterion is glibc). */
#ifndef HUSK_TESTS_LIBC_CHECK_H
#define HUSK_TESTS_LIBC_CHECK_H

#include <signal.h>
#include <stdio.h>
#include <string.h>
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

/*
 * Run fn in a child with its stderr captured; true when it died of SIGABRT
 * and, when `says` is given, said so on stderr.  What the child said is
 * shown only when the check fails: an abort that was expected is not news,
 * and `make check` stays quiet on success.
 */
static inline int aborts_saying(void (*fn)(void), const char *says)
{
	char said[1024];
	size_t len = 0;
	ssize_t n;
	int status = 0, ok, pipefd[2];
	pid_t pid;

	if (pipe(pipefd) < 0)
		return 0;
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		dup2(pipefd[1], STDERR_FILENO);
		fn();
		_exit(0);
	}
	close(pipefd[1]);
	while (pid > 0 && len < sizeof(said) - 1 &&
	       (n = read(pipefd[0], said + len, sizeof(said) - 1 - len)) > 0)
		len += (size_t)n;
	said[len] = '\0';
	close(pipefd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	ok = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && (!says || strstr(said, says));
	if (!ok)
		fprintf(stderr, "expected an abort%s%s%s; the child said: %s\n", says ? " saying \"" : "",
			says ? says : "", says ? "\"" : "", len ? said : "(nothing)\n");
	return ok;
}

static inline int aborts(void (*fn)(void))
{
	return aborts_saying(fn, NULL);
}

#endif
