/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TEST_REAPER_RUN_H
#define TEST_REAPER_RUN_H

/*
 * Shared by the test_reaper_*.c files that run the built husk-init as a
 * black box: start it with chosen arguments, environment and process state,
 * read what the workload prints, and wait for its exit code.
 *
 * The program is found at HUSK_INIT_PATH, compiled in by src/reaper/reaper.mk
 * (the absolute path of $(BUILD)/husk-init); the HUSK_INIT environment
 * variable overrides it.
 */

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef HUSK_INIT_PATH
#error "HUSK_INIT_PATH is not defined: build the tests through src/reaper/reaper.mk"
#endif

struct init_run {
	pid_t pid;
	int out; /* read end of the workload's stdout */
	int err; /* read end of its stderr */
};

/* A small, known environment for the workload. */
static inline char **test_env(void)
{
	static char *env[] = { "PATH=/usr/local/bin:/usr/bin:/bin", NULL };

	return env;
}

static inline const char *husk_init_path(void)
{
	const char *p = getenv("HUSK_INIT");

	return p && *p ? p : HUSK_INIT_PATH;
}

/*
 * Start `husk-init ARGS...` with envp, stdout and stderr on pipes, an empty
 * signal mask and default dispositions (the test runner's state must not
 * leak in); prep, when given, runs in the child just before the exec to set
 * up anything else (cwd, tty, uid, mask ...).
 */
static inline struct init_run init_start(char *const args[], char *const envp[],
					 void (*prep)(void))
{
	char *argv[64] = { "husk-init" };
	int out[2], err[2];
	size_t n = 1;
	pid_t pid;

	for (; args[n - 1]; n++) {
		cr_assert_lt(n, sizeof(argv) / sizeof(argv[0]) - 1);
		argv[n] = args[n - 1];
	}
	argv[n] = NULL;
	cr_assert_eq(pipe2(out, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(err, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(out[1], STDOUT_FILENO) < 0 || dup2(err[1], STDERR_FILENO) < 0)
			_exit(98);
		if (prep)
			prep();
		execve(husk_init_path(), argv, envp);
		_exit(99);
	}
	close(out[1]);
	close(err[1]);
	return (struct init_run){ .pid = pid, .out = out[0], .err = err[0] };
}

/* Wait for husk-init and return its exit code (128+n if a signal killed it). */
static inline int init_wait(struct init_run *r)
{
	int st;
	pid_t pid;

	do
		pid = waitpid(r->pid, &st, 0);
	while (pid < 0 && errno == EINTR);
	cr_assert_eq(pid, r->pid, "waitpid husk-init: %s", strerror(errno));
	close(r->out);
	close(r->err);
	r->out = r->err = -1;
	cr_assert_neq(WIFEXITED(st) ? WEXITSTATUS(st) : 0, 99, "exec %s failed", husk_init_path());
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Read fd to EOF into buf (NUL-terminated, truncated to size). */
static inline void read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;

	for (;;) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (len += (size_t)n) == size - 1)
			break;
	}
	buf[len] = '\0';
}

/* Read one line (without its '\n') from fd: the workload's "I am ready". */
static inline void read_line(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len < size - 1) {
		ssize_t n = read(fd, buf + len, 1);

		if (n < 0 && errno == EINTR)
			continue;
		cr_assert_eq(n, 1, "workload closed its output before a full line");
		if (buf[len] == '\n')
			break;
		len++;
	}
	buf[len] = '\0';
}

/* Run husk-init to completion; its stdout and stderr go to out/err if given. */
static inline int init_run(char *const args[], char *const envp[], void (*prep)(void),
			   char *out, size_t outsize, char *err, size_t errsize)
{
	struct init_run r = init_start(args, envp, prep);
	char scratch[256];

	read_all(r.out, out ? out : scratch, out ? outsize : sizeof(scratch));
	read_all(r.err, err ? err : scratch, err ? errsize : sizeof(scratch));
	return init_wait(&r);
}

static inline void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A scratch directory per test (.init = make_tmp, .fini = remove_tmp). */
static char tmp[64] __attribute__((unused));

static inline void make_tmp(void)
{
	strcpy(tmp, "/tmp/husk-reaper-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
}

static inline void remove_tmp(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", tmp);
}

#endif
