/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * husk-init as a black box: exit codes, exec failures, the environment, the
 * --no-fork pass-through, and the state it leaves the workload and itself in
 * (signal mask and dispositions, cwd, fds, size, memory, dumpability).
 * Signals and reaping are in test_reaper_signals.c.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_reaper_run.h"

/* `husk-init [opt] -- /bin/sh -c script`, run to completion. */
static int run_sh(const char *opt, const char *script, char *out, size_t outsize)
{
	char *with_opt[] = { (char *)opt, "--", "/bin/sh", "-c", (char *)script, NULL };
	char *args[] = { "--", "/bin/sh", "-c", (char *)script, NULL };

	return init_run(opt ? with_opt : args, test_env(), NULL, out, outsize, NULL, 0);
}

/* ---- exit codes ---------------------------------------------------------- */

Test(reaper_init, exit_codes_pass_through, .timeout = 20)
{
	static const struct {
		const char *script;
		int code;
	} cases[] = {
		{ "exit 0", 0 },	 { "exit 3", 3 },	      { "exit 255", 255 },
		{ "kill -9 $$", 137 }, { "kill -15 $$", 143 }, { "kill -USR1 $$", 128 + SIGUSR1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_expect_eq(run_sh(NULL, cases[i].script, NULL, 0), cases[i].code, "%s",
			     cases[i].script);
		cr_expect_eq(run_sh("--no-fork", cases[i].script, NULL, 0), cases[i].code,
			     "--no-fork %s", cases[i].script);
	}
}

/* ---- exec failures ------------------------------------------------------- */


/* Run `husk-init [--no-fork] -- cmd` and check the code and the exact message. */
static void expect_exec_failure(const char *cmd, int code, const char *strerr)
{
	char *fork_args[] = { "--", (char *)cmd, NULL };
	char *nofork_args[] = { "--no-fork", "--", (char *)cmd, NULL };
	char want[256], err[512];

	snprintf(want, sizeof(want), "husk-init: exec \"%s\": %s\n", cmd, strerr);
	cr_expect_eq(init_run(fork_args, test_env(), NULL, NULL, 0, err, sizeof(err)), code,
		     "%s", cmd);
	cr_expect_str_eq(err, want);
	cr_expect_eq(init_run(nofork_args, test_env(), NULL, NULL, 0, err, sizeof(err)), code,
		     "--no-fork %s", cmd);
	cr_expect_str_eq(err, want);
}

Test(reaper_init, exec_missing_is_127, .timeout = 20)
{
	expect_exec_failure("/nonexistent/workload", 127, "No such file or directory");
	expect_exec_failure("no-such-command-in-path", 127, "No such file or directory");
	expect_exec_failure("/etc/passwd/x", 127, "Not a directory");
}

Test(reaper_init, exec_not_executable_is_126, .init = make_tmp, .fini = remove_tmp,
     .timeout = 20)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/plain", tmp);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "#!/bin/sh\n", 10), 10);
	close(fd);
	expect_exec_failure(path, 126, "Permission denied");
	expect_exec_failure(tmp, 126, "Permission denied"); /* a directory */

	/* executable but not a format the kernel runs: no /bin/sh fallback */
	cr_assert_eq(truncate(path, 0), 0);
	cr_assert_eq(chmod(path, 0755), 0);
	expect_exec_failure(path, 126, "Exec format error");
}

/* ---- --exec-fd ------------------------------------------------------------ */

#define EXEC_FD 9
static int exec_fd_wr = -1;

/* In the child: the pipe's write end becomes fd 9, inherited by husk-init. */
static void exec_fd_prep(void)
{
	if (dup2(exec_fd_wr, EXEC_FD) < 0)
		_exit(98);
}

/*
 * Run `husk-init [--no-fork] --exec-fd 9 -- cmd`; return the exit code and
 * what fd 9's reader got: -1 for EOF, else the int errno husk-init wrote.
 */
static int run_exec_fd(bool no_fork, const char *cmd, int *got, char *err, size_t errsize)
{
	char *fork_args[] = { "--exec-fd", "9", "--", (char *)cmd, NULL };
	char *nofork_args[] = { "--no-fork", "--exec-fd", "9", "--", (char *)cmd, NULL };
	int pipefd[2], code, value;
	ssize_t n;

	cr_assert_eq(pipe2(pipefd, O_CLOEXEC), 0);
	exec_fd_wr = pipefd[1];
	code = init_run(no_fork ? nofork_args : fork_args, test_env(), exec_fd_prep, NULL, 0, err,
			errsize);
	close(pipefd[1]);
	n = read(pipefd[0], &value, sizeof(value));
	close(pipefd[0]);
	cr_assert(n == 0 || n == (ssize_t)sizeof(value), "read %zd bytes from the exec fd", n);
	*got = n == 0 ? -1 : value;
	return code;
}

/*
 * With --exec-fd the exec failure goes to the fd (not stderr), in both
 * modes; a workload that runs leaves the reader an EOF and nothing else.
 */
Test(reaper_init, exec_fd_reports_the_errno, .timeout = 20)
{
	char err[512];
	int got;

	for (int no_fork = 0; no_fork < 2; no_fork++) {
		cr_expect_eq(run_exec_fd(no_fork, "/nonexistent/workload", &got, err, sizeof(err)),
			     127);
		cr_expect_eq(got, ENOENT);
		cr_expect_str_eq(err, "");
		cr_expect_eq(run_exec_fd(no_fork, "/etc/passwd", &got, err, sizeof(err)), 126);
		cr_expect_eq(got, EACCES);
		cr_expect_eq(run_exec_fd(no_fork, "/bin/true", &got, err, sizeof(err)), 0);
		cr_expect_eq(got, -1, "no errno for a workload that ran");
	}
}

/* A command without '/' is looked up in the workload's PATH. */
Test(reaper_init, path_lookup, .timeout = 20)
{
	char *args[] = { "--", "sh", "-c", "exit 5", NULL };
	char *no_path[] = { "--", "sh", "-c", "exit 6", NULL };
	char *bad_path[] = { "PATH=/nonexistent", NULL };
	char *empty[] = { NULL };

	cr_assert_eq(init_run(args, test_env(), NULL, NULL, 0, NULL, 0), 5);
	/* no PATH at all: the default one finds sh */
	cr_assert_eq(init_run(no_path, empty, NULL, NULL, 0, NULL, 0), 6);
	cr_assert_eq(init_run(args, bad_path, NULL, NULL, 0, NULL, 0), 127);
}

Test(reaper_init, usage_errors_are_125, .timeout = 20)
{
	char *no_sep[] = { "/bin/true", NULL };
	char *unknown[] = { "--frobnicate", "--", "/bin/true", NULL };
	char *no_cmd[] = { "--", NULL };
	char err[512];

	cr_assert_eq(init_run(no_sep, test_env(), NULL, NULL, 0, err, sizeof(err)), 125);
	cr_assert_not_null(strstr(err, "husk-init: missing \"--\""), "%s", err);
	cr_assert_eq(init_run(unknown, test_env(), NULL, NULL, 0, err, sizeof(err)), 125);
	cr_assert_not_null(strstr(err, "husk-init: unknown option \"--frobnicate\""), "%s", err);
	cr_assert_eq(init_run(no_cmd, test_env(), NULL, NULL, 0, err, sizeof(err)), 125);
	cr_assert_not_null(strstr(err, "no command"), "%s", err);
}

/* ---- environment --------------------------------------------------------- */

/* The workload gets exactly process.env: nothing added, nothing lost. */
Test(reaper_init, environment_is_exact, .timeout = 20)
{
	char *envp[] = { "A=1", "PATH=/usr/bin:/bin", "B=two words", "EMPTY=", NULL };
	char *args[] = { "--", "/usr/bin/env", NULL };
	char *nofork[] = { "--no-fork", "--", "/usr/bin/env", NULL };
	char out[512];

	cr_assert_eq(init_run(args, envp, NULL, out, sizeof(out), NULL, 0), 0);
	cr_assert_str_eq(out, "A=1\nPATH=/usr/bin:/bin\nB=two words\nEMPTY=\n");
	cr_assert_eq(init_run(nofork, envp, NULL, out, sizeof(out), NULL, 0), 0);
	cr_assert_str_eq(out, "A=1\nPATH=/usr/bin:/bin\nB=two words\nEMPTY=\n");
}

/* Socket activation: LISTEN_PID becomes the workload's pid, in both modes. */
Test(reaper_init, listen_pid_is_the_workloads, .timeout = 20)
{
	char *envp[] = { "PATH=/usr/bin:/bin", "LISTEN_PID=1", "LISTEN_FDS=1", NULL };
	char *args[] = { "--", "/bin/sh", "-c", "echo \"$LISTEN_PID $$ $LISTEN_FDS\"", NULL };
	char *nofork[] = { "--no-fork", "--", "/bin/sh", "-c", "echo \"$LISTEN_PID $$\"", NULL };
	char out[128], want[128];
	struct init_run r;
	int a, b;

	cr_assert_eq(init_run(args, envp, NULL, out, sizeof(out), NULL, 0), 0);
	cr_assert_eq(sscanf(out, "%d %d", &a, &b), 2, "%s", out);
	cr_assert_eq(a, b, "LISTEN_PID=%d but the workload is %d", a, b);
	cr_assert_neq(a, 1);
	cr_assert_not_null(strstr(out, " 1\n"), "LISTEN_FDS lost: %s", out);

	r = init_start(nofork, envp, NULL);
	read_all(r.out, out, sizeof(out));
	snprintf(want, sizeof(want), "%d %d\n", (int)r.pid, (int)r.pid);
	cr_assert_eq(init_wait(&r), 0);
	cr_assert_str_eq(out, want);
}

/* ---- --no-fork ----------------------------------------------------------- */

/* Pass-through: the workload runs in husk-init's own process. */
Test(reaper_init, no_fork_execs_in_place, .timeout = 20)
{
	char *args[] = { "--no-fork", "--", "/bin/sh", "-c", "echo $$; exit 9", NULL };
	char out[64];
	struct init_run r = init_start(args, test_env(), NULL);

	read_all(r.out, out, sizeof(out));
	cr_assert_eq(atoi(out), r.pid);
	cr_assert_eq(init_wait(&r), 9);
}

/* ---- the state of the workload and of PID 1 ------------------------------ */

/* As husk starts husk-init: every signal blocked; and a caller's SIG_IGN. */
static void block_all_ignore_pipe_hup(void)
{
	sigset_t set;

	memset(&set, 0xff, sizeof(set));
	sigprocmask(SIG_SETMASK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
}

/*
 * The workload starts with an empty signal mask, whatever husk-init was
 * started with (husk starts it with everything blocked), and no inherited
 * SIG_IGN.
 */
Test(reaper_init, workload_signal_state, .timeout = 20)
{
	char *args[] = { "--", "/bin/grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status", NULL };
	char *nofork[] = { "--no-fork", "--", "/bin/grep", "-E", "^Sig(Blk|Ign)",
			   "/proc/self/status", NULL };
	const char *want = "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n";
	char out[256];

	cr_assert_eq(init_run(args, test_env(), block_all_ignore_pipe_hup, out, sizeof(out),
			      NULL, 0),
		     0);
	cr_assert_str_eq(out, want);
	cr_assert_eq(init_run(nofork, test_env(), block_all_ignore_pipe_hup, out, sizeof(out),
			      NULL, 0),
		     0);
	cr_assert_str_eq(out, want);
}

static void enter_tmp(void)
{
	if (chdir(tmp) < 0)
		_exit(97);
}

/* The workload keeps the cwd husk chose; PID 1 itself moves to "/". */
Test(reaper_init, cwd, .init = make_tmp, .fini = remove_tmp, .timeout = 20)
{
	char *args[] = { "--", "/bin/sh", "-c", "pwd; exec sleep 10", NULL };
	char line[128], path[64], cwd[128] = "";
	struct init_run r = init_start(args, test_env(), enter_tmp);
	bool denied = false;

	read_line(r.out, line, sizeof(line));
	cr_expect_str_eq(line, tmp);
	/* the workload may print before PID 1 has moved: poll */
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)r.pid);
	for (int i = 0; i < 500 && strcmp(cwd, "/") != 0; i++, sleep_ms(10)) {
		ssize_t n = readlink(path, cwd, sizeof(cwd) - 1);

		denied = n < 0 && errno == EACCES && geteuid() != 0;
		if (denied)
			break; /* non-dumpable PID 1: root only */
		cwd[n > 0 ? n : 0] = '\0';
	}
	kill(r.pid, SIGTERM);
	cr_assert_eq(init_wait(&r), 128 + SIGTERM);
	if (denied)
		cr_skip_test("%s is not readable by this user (husk-init is non-dumpable)", path);
	cr_assert_str_eq(cwd, "/");
}

static void open_fd_7(void)
{
	int fd = open("/dev/null", O_RDONLY);

	if (fd < 0 || dup2(fd, 7) < 0)
		_exit(97);
	close(fd);
}

/*
 * The fds of PID 1, sorted "0 1 2 3 " style, with what fd 3 is.  False when
 * this user may not look (husk-init is non-dumpable: only root can).
 */
static bool list_fds(pid_t pid, char *buf, size_t size, char *fd3, size_t fd3size)
{
	char path[64];
	int seen[64] = { 0 };
	struct dirent *e;
	DIR *d;
	size_t len = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d && errno == EACCES && geteuid() != 0)
		return false;
	cr_assert_not_null(d, "%s: %s", path, strerror(errno));
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] != '.' && fd < 64)
			seen[fd] = 1;
	}
	closedir(d);
	buf[0] = '\0';
	for (int fd = 0; fd < 64; fd++) {
		if (seen[fd])
			len += (size_t)snprintf(buf + len, size - len, "%d ", fd);
	}
	snprintf(path, sizeof(path), "/proc/%d/fd/3", (int)pid);
	ssize_t n = readlink(path, fd3, fd3size - 1);
	fd3[n > 0 ? n : 0] = '\0';
	return true;
}

static long vm_rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	}
	fclose(f);
	return kib;
}

/*
 * PID 1 keeps only stdio and its signalfd (the workload still inherits an
 * fd husk passed it), and stays under 1 MiB of resident memory.
 */
Test(reaper_init, pid1_fds_and_memory, .timeout = 20)
{
	char *args[] = { "--", "/bin/sh", "-c", "test -e /proc/self/fd/7 && echo inherited; "
						"exec sleep 10", NULL };
	char line[64], fds[256] = "", fd3[128] = "";
	struct init_run r = init_start(args, test_env(), open_fd_7);
	bool allowed = true;
	long rss;

	read_line(r.out, line, sizeof(line));
	cr_expect_str_eq(line, "inherited");
	/* the workload may print before PID 1 has closed its fds: poll */
	for (int i = 0; i < 200; i++, sleep_ms(10)) {
		allowed = list_fds(r.pid, fds, sizeof(fds), fd3, sizeof(fd3));
		if (!allowed || strcmp(fds, "0 1 2 3 ") == 0)
			break;
	}
	rss = vm_rss_kib(r.pid);
	kill(r.pid, SIGTERM);
	cr_assert_eq(init_wait(&r), 128 + SIGTERM);

	cr_expect(rss > 0 && rss < 1024, "husk-init VmRSS is %ld kB", rss);
	cr_log_info("husk-init VmRSS: %ld kB", rss);
	if (!allowed)
		cr_skip_test("husk-init's /proc/PID/fd is not readable by this user");
	cr_expect_str_eq(fds, "0 1 2 3 ");
	cr_expect_str_eq(fd3, "anon_inode:[signalfd]");
}

Test(reaper_init, program_is_small)
{
	struct stat st;

	cr_assert_eq(stat(husk_init_path(), &st), 0, "%s: %s", husk_init_path(), strerror(errno));
	cr_assert_lt(st.st_size, 64 * 1024, "husk-init is %lld bytes", (long long)st.st_size);
}

static void become_nobody(void)
{
	if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
		_exit(97);
}

/* Whether become_nobody() works here (not as a user, nor in `unshare -r`). */
static bool can_become_nobody(void)
{
	int st;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		become_nobody();
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/*
 * PID 1 is non-dumpable (so /proc/1 belongs to root and nothing in the
 * container can ptrace it), the workload is not: its exec made it dumpable
 * again.  Visible as the owner of /proc/PID/status when both run as "nobody".
 */
Test(reaper_init, pid1_is_not_dumpable, .timeout = 20)
{
	char *args[] = { "--", "/bin/sh", "-c", "echo $$; exec sleep 10", NULL };
	char line[64], path[64];
	struct init_run r;
	struct stat st;
	pid_t workload;

	if (!can_become_nobody())
		cr_skip_test("needs root with uid 65534 mapped, to run husk-init as another user");
	r = init_start(args, test_env(), become_nobody);
	read_line(r.out, line, sizeof(line));
	workload = atoi(line);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)workload);
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_uid, 65534, "workload /proc/PID/status owner %d", (int)st.st_uid);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)r.pid);
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_uid, 0, "husk-init /proc/PID/status owner %d", (int)st.st_uid);
	kill(r.pid, SIGTERM);
	cr_assert_eq(init_wait(&r), 128 + SIGTERM);
}
