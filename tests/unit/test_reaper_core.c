/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/reaper/reaper.c: the pure core of husk-init — argument parsing, the
 * exit-code mapping, the LISTEN_PID rewrite and the PATH lookup — called
 * directly (the same file is compiled into husk-init with musl).
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reaper/reaper.h"
#include "test_reaper_run.h"

/* ---- argument parsing ---------------------------------------------------- */

#define ARGC(v) ((int)(sizeof(v) / sizeof((v)[0])) - 1)

Test(reaper_args, plain_command)
{
	char *argv[] = { "husk-init", "--", "/bin/true", "a", NULL };
	struct reaper_options o;
	const char *why, *arg;

	cr_assert_eq(reaper_parse_args(ARGC(argv), argv, &o, &why, &arg), 0);
	cr_assert_not(o.no_fork);
	cr_assert_not(o.pgroup);
	cr_assert_eq(o.argv, argv + 2);
	cr_assert_str_eq(o.argv[0], "/bin/true");
	cr_assert_str_eq(o.argv[1], "a");
	cr_assert_null(o.argv[2]);
}

Test(reaper_args, both_options)
{
	char *argv[] = { "husk-init", "--pgroup", "--no-fork", "--", "sh", NULL };
	struct reaper_options o;
	const char *why, *arg;

	cr_assert_eq(reaper_parse_args(ARGC(argv), argv, &o, &why, &arg), 0);
	cr_assert(o.no_fork);
	cr_assert(o.pgroup);
	cr_assert_str_eq(o.argv[0], "sh");
}

/* Everything after "--" is the workload's, even our own option names. */
Test(reaper_args, options_after_separator_are_the_workloads)
{
	char *argv[] = { "husk-init", "--", "/bin/x", "--no-fork", "--", "--pgroup", NULL };
	struct reaper_options o;
	const char *why, *arg;

	cr_assert_eq(reaper_parse_args(ARGC(argv), argv, &o, &why, &arg), 0);
	cr_assert_not(o.no_fork);
	cr_assert_not(o.pgroup);
	cr_assert_str_eq(o.argv[1], "--no-fork");
	cr_assert_str_eq(o.argv[2], "--");
	cr_assert_str_eq(o.argv[3], "--pgroup");
}

Test(reaper_args, errors_name_the_problem)
{
	char *unknown[] = { "husk-init", "--nofork", "--", "x", NULL };
	char *no_sep[] = { "husk-init", "/bin/true", NULL };
	char *nothing[] = { "husk-init", NULL };
	char *no_cmd[] = { "husk-init", "--pgroup", "--", NULL };
	char *empty_cmd[] = { "husk-init", "--", "", NULL };
	struct reaper_options o;
	const char *why, *arg;

	cr_assert_eq(reaper_parse_args(ARGC(unknown), unknown, &o, &why, &arg), -1);
	cr_assert_str_eq(why, "unknown option");
	cr_assert_str_eq(arg, "--nofork");

	cr_assert_eq(reaper_parse_args(ARGC(no_sep), no_sep, &o, &why, &arg), -1);
	cr_assert_not_null(strstr(why, "missing \"--\""));
	cr_assert_str_eq(arg, "/bin/true");
	cr_assert_eq(reaper_parse_args(ARGC(nothing), nothing, &o, &why, &arg), -1);
	cr_assert_not_null(strstr(why, "missing \"--\""));
	cr_assert_null(arg);

	cr_assert_eq(reaper_parse_args(ARGC(no_cmd), no_cmd, &o, &why, &arg), -1);
	cr_assert_not_null(strstr(why, "no command"));
	cr_assert_eq(reaper_parse_args(ARGC(empty_cmd), empty_cmd, &o, &why, &arg), -1);
	cr_assert_not_null(strstr(why, "no command"));
}

/* --exec-fd takes a decimal fd number; absent, it is -1. */
Test(reaper_args, exec_fd)
{
	char *argv[] = { "husk-init", "--no-fork", "--exec-fd", "7", "--", "sh", NULL };
	char *plain[] = { "husk-init", "--", "sh", NULL };
	char *missing[] = { "husk-init", "--exec-fd", NULL };
	char *bad[] = { "husk-init", "--exec-fd", "7x", "--", "sh", NULL };
	char *huge[] = { "husk-init", "--exec-fd", "99999999999", "--", "sh", NULL };
	struct reaper_options o;
	const char *why, *arg;

	cr_assert_eq(reaper_parse_args(ARGC(argv), argv, &o, &why, &arg), 0);
	cr_assert_eq(o.exec_fd, 7);
	cr_assert(o.no_fork);
	cr_assert_str_eq(o.argv[0], "sh");
	cr_assert_eq(reaper_parse_args(ARGC(plain), plain, &o, &why, &arg), 0);
	cr_assert_eq(o.exec_fd, -1);

	cr_assert_eq(reaper_parse_args(ARGC(missing), missing, &o, &why, &arg), -1);
	cr_assert_not_null(strstr(why, "--exec-fd"));
	cr_assert_null(arg);
	cr_assert_eq(reaper_parse_args(ARGC(bad), bad, &o, &why, &arg), -1);
	cr_assert_str_eq(arg, "7x");
	cr_assert_eq(reaper_parse_args(ARGC(huge), huge, &o, &why, &arg), -1);
}

/* ---- exit codes ---------------------------------------------------------- */

/* The wait status of a real child that exits with code, or kills itself with sig. */
static int real_status(int code, int sig)
{
	int st;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (sig) {
			signal(sig, SIG_DFL);
			kill(getpid(), sig);
		}
		_exit(code);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return st;
}

Test(reaper_exit, exit_status_passes_through)
{
	cr_assert_eq(reaper_exit_code(real_status(0, 0)), 0);
	cr_assert_eq(reaper_exit_code(real_status(3, 0)), 3);
	cr_assert_eq(reaper_exit_code(real_status(255, 0)), 255);
	cr_assert_eq(reaper_exit_code(real_status(256 + 7, 0)), 7); /* exit() keeps 8 bits */
}

Test(reaper_exit, signal_death_is_128_plus_n)
{
	cr_assert_eq(reaper_exit_code(real_status(0, SIGKILL)), 137);
	cr_assert_eq(reaper_exit_code(real_status(0, SIGTERM)), 143);
	cr_assert_eq(reaper_exit_code(real_status(0, SIGUSR1)), 128 + SIGUSR1);
	cr_assert_eq(reaper_exit_code(real_status(0, SIGRTMIN + 2)), 128 + SIGRTMIN + 2);
}

/* The same with the kernel's encoding spelled out: a core dump changes nothing. */
Test(reaper_exit, encoded_statuses)
{
	cr_assert_eq(reaper_exit_code(0), 0);
	cr_assert_eq(reaper_exit_code(3 << 8), 3);
	cr_assert_eq(reaper_exit_code(255 << 8), 255);
	cr_assert_eq(reaper_exit_code(SIGKILL), 137);
	cr_assert_eq(reaper_exit_code(SIGTERM), 143);
	cr_assert_eq(reaper_exit_code(0x80 | SIGSEGV), 128 + SIGSEGV);
	cr_assert_eq(reaper_exit_code((SIGSTOP << 8) | 0x7f), 255); /* stopped: never asked */
}

Test(reaper_exit, exec_failure_codes)
{
	cr_assert_eq(reaper_exec_failure_code(ENOENT), 127);
	cr_assert_eq(reaper_exec_failure_code(ENOTDIR), 127);
	cr_assert_eq(reaper_exec_failure_code(EACCES), 126);
	cr_assert_eq(reaper_exec_failure_code(ENOEXEC), 126);
	cr_assert_eq(reaper_exec_failure_code(ETXTBSY), 126);
	cr_assert_eq(reaper_exec_failure_code(ELOOP), 126);
	cr_assert_eq(reaper_exec_failure_code(E2BIG), 126);
}

/* ---- environment --------------------------------------------------------- */

Test(reaper_env, get)
{
	char *envp[] = { "PATHX=no", "PATH=/a:/b", "EMPTY=", "P", NULL };

	cr_assert_str_eq(reaper_env_get(envp, "PATH"), "/a:/b");
	cr_assert_str_eq(reaper_env_get(envp, "EMPTY"), "");
	cr_assert_null(reaper_env_get(envp, "P"));
	cr_assert_null(reaper_env_get(envp, "HOME"));
	cr_assert_null(reaper_env_get(NULL, "PATH"));
}

Test(reaper_env, listen_pid_rewritten_in_place)
{
	char *envp[] = { "A=1", "LISTEN_PID=1", "LISTEN_FDS=2", "LISTEN_PIDX=3", "B=LISTEN_PID=9",
			 NULL };
	char buf[REAPER_LISTEN_PID_BUF];

	cr_assert_eq(reaper_env_set_listen_pid(envp, 4242, buf), 1);
	cr_assert_str_eq(envp[0], "A=1");
	cr_assert_str_eq(envp[1], "LISTEN_PID=4242");
	cr_assert_eq(envp[1], buf);
	cr_assert_str_eq(envp[2], "LISTEN_FDS=2");
	cr_assert_str_eq(envp[3], "LISTEN_PIDX=3");
	cr_assert_str_eq(envp[4], "B=LISTEN_PID=9");
	cr_assert_null(envp[5]);
}

/* No LISTEN_PID: nothing is added, nothing changes. */
Test(reaper_env, listen_pid_absent_adds_nothing)
{
	char *orig[] = { "A=1", "LISTEN_FDS=2", NULL };
	char *envp[] = { orig[0], orig[1], NULL };
	char buf[REAPER_LISTEN_PID_BUF];

	cr_assert_eq(reaper_env_set_listen_pid(envp, 77, buf), 0);
	cr_assert_eq(envp[0], orig[0]);
	cr_assert_eq(envp[1], orig[1]);
	cr_assert_null(envp[2]);
}

Test(reaper_env, listen_pid_formats_every_pid)
{
	char *envp[] = { "LISTEN_PID=", NULL };
	char buf[REAPER_LISTEN_PID_BUF];
	char want[64];
	const pid_t pids[] = { 1, 9, 10, 4194304, INT_MAX };

	for (size_t i = 0; i < sizeof(pids) / sizeof(pids[0]); i++) {
		envp[0] = "LISTEN_PID=x";
		cr_assert_eq(reaper_env_set_listen_pid(envp, pids[i], buf), 1);
		snprintf(want, sizeof(want), "LISTEN_PID=%d", (int)pids[i]);
		cr_assert_str_eq(envp[0], want);
	}
}

/* ---- PATH lookup --------------------------------------------------------- */


static void make_file(const char *name, mode_t mode)
{
	char p[128];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", tmp, name);
	fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, mode);
	cr_assert_geq(fd, 0, "create %s: %s", p, strerror(errno));
	cr_assert_eq(write(fd, "#!/bin/sh\nexit 0\n", 17), 17);
	close(fd);
	cr_assert_eq(chmod(p, mode), 0);
}

/* Only failures return, so they are checked in this very process. */
Test(reaper_path, lookup_failures, .init = make_tmp, .fini = remove_tmp)
{
	char path[256];
	char *argv[] = { "x", NULL };
	char *envp[] = { path, NULL };

	make_file("plain", 0644);

	snprintf(path, sizeof(path), "PATH=/nonexistent:%s", tmp);
	errno = 0;
	cr_assert_eq(reaper_execvpe("missing", argv, envp), -1);
	cr_assert_eq(errno, ENOENT);

	/* found but not executable: EACCES is remembered to the end */
	errno = 0;
	cr_assert_eq(reaper_execvpe("plain", argv, envp), -1);
	cr_assert_eq(errno, EACCES);

	/* a '/' means no lookup at all */
	errno = 0;
	cr_assert_eq(reaper_execvpe("./plain", argv, envp), -1);
	cr_assert_eq(errno, ENOENT);
	errno = 0;
	cr_assert_eq(reaper_execvpe("", argv, envp), -1);
	cr_assert_eq(errno, ENOENT);

	/* an empty PATH element is the current directory */
	cr_assert_eq(chdir(tmp), 0);
	snprintf(path, sizeof(path), "PATH=/nonexistent::/also-not");
	errno = 0;
	cr_assert_eq(reaper_execvpe("plain", argv, envp), -1);
	cr_assert_eq(errno, EACCES);
}

/* Success replaces the process, so it runs in a child; PATH comes from envp. */
Test(reaper_path, lookup_runs_the_first_match, .init = make_tmp, .fini = remove_tmp)
{
	char path[256];
	char *argv[] = { "prog", NULL };
	char *envp[] = { path, NULL };
	int st;
	pid_t pid;

	make_file("prog", 0755);
	snprintf(path, sizeof(path), "PATH=/nonexistent:%s:/bin", tmp);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		reaper_execvpe("prog", argv, envp);
		_exit(99);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	cr_assert_eq(WEXITSTATUS(st), 0);
}
