/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * husk-init as a black box: signal forwarding (to the workload, or to its
 * process group with --pgroup), the terminal's foreground group, and a
 * zombie storm of orphans.  The test process makes itself a subreaper, so
 * anything husk-init leaves behind comes back to the test and is caught.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "test_reaper_run.h"

static void become_subreaper(void)
{
	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL), 0);
}

/* After husk-init has exited, nothing it started may be left: no child of ours at all. */
static void expect_no_children_left(void)
{
	int st;
	pid_t pid = waitpid(-1, &st, WNOHANG);

	cr_expect_eq(pid, -1, "process %d was left behind", (int)pid);
	cr_expect_eq(errno, ECHILD);
}

/* ---- forwarding ---------------------------------------------------------- */

/* The catatonit check: a trap in the workload sees the SIGTERM sent to PID 1. */
Test(reaper_signals, sigterm_is_forwarded, .init = become_subreaper, .timeout = 20)
{
	char *args[] = { "--", "/bin/sh", "-c",
			 "trap 'exit 42' TERM; echo ready; while :; do sleep 0.1; done", NULL };
	struct init_run r = init_start(args, test_env(), NULL);
	char line[64];

	read_line(r.out, line, sizeof(line));
	cr_assert_str_eq(line, "ready");
	cr_assert_eq(kill(r.pid, SIGTERM), 0);
	cr_assert_eq(init_wait(&r), 42);
	expect_no_children_left();
}

/*
 * PID 1 survives and forwards one signal after another, including a stray
 * SIGCHLD with nothing to reap and SIGTSTP (which must not stop PID 1).
 */
Test(reaper_signals, several_signals_in_a_row, .init = become_subreaper, .timeout = 20)
{
	char *args[] = { "--", "/bin/sh", "-c",
			 "trap 'echo usr1' USR1; trap 'echo hup' HUP; trap 'echo tstp' TSTP; "
			 "trap 'exit 7' INT; echo ready; while :; do sleep 0.05; done",
			 NULL };
	struct init_run r = init_start(args, test_env(), NULL);
	static const struct {
		int sig;
		const char *echo;
	} steps[] = { { SIGCHLD, NULL },	 { SIGUSR1, "usr1" }, { SIGWINCH, NULL },
		      { SIGHUP, "hup" },	 { SIGTSTP, "tstp" }, { SIGUSR1, "usr1" } };
	char line[64];

	read_line(r.out, line, sizeof(line));
	cr_assert_str_eq(line, "ready");
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		cr_assert_eq(kill(r.pid, steps[i].sig), 0);
		if (!steps[i].echo)
			continue;
		read_line(r.out, line, sizeof(line));
		cr_assert_str_eq(line, steps[i].echo, "after signal %d", steps[i].sig);
	}
	cr_assert_eq(kill(r.pid, SIGINT), 0);
	cr_assert_eq(init_wait(&r), 7);
	expect_no_children_left();
}

/*
 * glibc's SIGRTMIN is 34, one of the signals musl's sigfillset() leaves out:
 * it must be blocked and forwarded too, not kill PID 1.
 */
Test(reaper_signals, realtime_signals_are_forwarded, .init = become_subreaper, .timeout = 20)
{
	char *args[] = { "--", "/bin/sh", "-c", "echo ready; exec sleep 10", NULL };
	const int sigs[] = { 32, 33, 34, SIGRTMAX };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct init_run r = init_start(args, test_env(), NULL);
		char line[64];

		read_line(r.out, line, sizeof(line));
		cr_assert_eq(kill(r.pid, sigs[i]), 0);
		cr_expect_eq(init_wait(&r), 128 + sigs[i], "signal %d", sigs[i]);
	}
	expect_no_children_left();
}

/* Wait until process pid runs the program called comm (it has exec'd). */
static void wait_for_comm(pid_t pid, const char *comm)
{
	char path[64], buf[64] = "";

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	for (int i = 0; i < 500; i++, sleep_ms(10)) {
		FILE *f = fopen(path, "re");

		cr_assert_not_null(f, "%s: %s", path, strerror(errno));
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
		buf[strcspn(buf, "\n")] = '\0';
		if (strcmp(buf, comm) == 0)
			return;
	}
	cr_assert_fail("process %d is still \"%s\", not \"%s\"", (int)pid, buf, comm);
}

/*
 * A workload shell with a background `sleep`, and a TERM trap in the shell
 * only.  With --pgroup the whole group gets SIGTERM, so the sleep dies too;
 * without, only the shell does and the sleep outlives the container (and
 * comes to us, the subreaper).
 */
static void group_signal_case(bool pgroup)
{
	char *script = "trap 'exit 4' TERM; sleep 30 & echo $!; wait";
	char *with_pgroup[] = { "--pgroup", "--", "/bin/sh", "-c", script, NULL };
	char *without[] = { "--", "/bin/sh", "-c", script, NULL };
	struct init_run r = init_start(pgroup ? with_pgroup : without, test_env(), NULL);
	char line[64];
	pid_t sleeper;
	int st;

	read_line(r.out, line, sizeof(line));
	sleeper = atoi(line);
	cr_assert_gt(sleeper, 0);
	/* Signal only once the sleep runs: the shell's child between fork and
	 * exec would still run the shell's TERM trap, or lose the signal. */
	wait_for_comm(sleeper, "sleep");
	cr_assert_eq(kill(r.pid, SIGTERM), 0);
	cr_assert_eq(init_wait(&r), 4);

	if (pgroup) {
		/* Reaped by husk-init, or reparented to us and dying of SIGTERM. */
		if (waitpid(sleeper, &st, 0) == sleeper)
			cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
		else
			cr_assert(kill(sleeper, 0) < 0 && errno == ESRCH);
	} else {
		cr_assert_eq(waitpid(sleeper, &st, WNOHANG), 0, "the sleep got the signal");
		kill(sleeper, SIGKILL);
		cr_assert_eq(waitpid(sleeper, &st, 0), sleeper);
	}
	expect_no_children_left();
}

Test(reaper_signals, pgroup_signals_the_group, .init = become_subreaper, .timeout = 20)
{
	group_signal_case(true);
}

Test(reaper_signals, without_pgroup_only_the_workload, .init = become_subreaper,
     .timeout = 20)
{
	group_signal_case(false);
}

/* pid and process group of the workload, as it sees them in /proc. */
static void workload_pid_pgrp(char *const args[], void (*prep)(void), int *pid, int *pgrp)
{
	char out[128];

	cr_assert_eq(init_run(args, test_env(), prep, out, sizeof(out), NULL, 0), 0);
	cr_assert_eq(sscanf(out, "%d %d", pid, pgrp), 2, "%s", out);
}

#define PID_PGRP "set -- $(cat /proc/$$/stat); echo \"$1 $5\""

/* --pgroup makes the workload a group leader; without it, it stays in ours. */
Test(reaper_signals, process_group, .timeout = 20)
{
	char *with_pgroup[] = { "--pgroup", "--", "/bin/sh", "-c", PID_PGRP, NULL };
	char *without[] = { "--", "/bin/sh", "-c", PID_PGRP, NULL };
	int pid, pgrp;

	workload_pid_pgrp(with_pgroup, NULL, &pid, &pgrp);
	cr_assert_eq(pid, pgrp);
	workload_pid_pgrp(without, NULL, &pid, &pgrp);
	cr_assert_eq(pgrp, getpgrp());
}

/* ---- terminal ------------------------------------------------------------ */

static char pty_name[128];

/* In the child: a new session with the pty as controlling terminal and stdin. */
static void take_pty(void)
{
	int fd;

	if (setsid() < 0)
		_exit(97);
	fd = open(pty_name, O_RDWR);
	if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0 || dup2(fd, STDIN_FILENO) < 0)
		_exit(97);
	close(fd);
}

/*
 * With a terminal on stdin the workload becomes the foreground group, so
 * ^C typed on the terminal reaches the workload directly (130), as a
 * shell's job control expects.
 */
Test(reaper_signals, terminal_foreground_group, .init = become_subreaper, .timeout = 20)
{
	char *args[] = { "--", "/bin/sh", "-c", PID_PGRP "; exec sleep 10", NULL };
	struct init_run r;
	char line[64];
	int master, pid = 0, pgrp = 0;
	pid_t fg = -1;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	cr_assert_geq(master, 0);
	cr_assert_eq(grantpt(master), 0);
	cr_assert_eq(unlockpt(master), 0);
	cr_assert_eq(ptsname_r(master, pty_name, sizeof(pty_name)), 0);

	r = init_start(args, test_env(), take_pty);
	read_line(r.out, line, sizeof(line));
	cr_assert_eq(sscanf(line, "%d %d", &pid, &pgrp), 2, "%s", line);
	cr_assert_eq(pid, pgrp, "the workload leads its own group");
	for (int i = 0; i < 100 && fg != pid; i++, sleep_ms(10))
		fg = tcgetpgrp(master);
	cr_assert_eq(fg, pid, "foreground group is %d, workload %d", (int)fg, pid);

	cr_assert_eq(write(master, "\003", 1), 1); /* ^C */
	cr_assert_eq(init_wait(&r), 128 + SIGINT);
	close(master);
	expect_no_children_left();
}

/* ---- reaping ------------------------------------------------------------- */

/*
 * A zombie storm: the workload's subshell starts 500 short children and
 * exits at once, orphaning them to husk-init (a subreaper); `cat` on the
 * other end of the pipe returns only when all 500 have closed it, and the
 * short sleep covers the instant between an orphan closing its fds and
 * becoming a zombie.  Then the workload exits 7.  husk-init must reap all of
 * them, exit 7, and leave nothing behind: a zombie it missed would be
 * reparented to us.  (Outside a pid namespace an orphan still *running*
 * when the workload exits would come to us too; as PID 1 it would be killed.)
 */
Test(reaper_signals, zombie_storm, .init = become_subreaper, .timeout = 60)
{
	char *args[] = { "--", "/bin/sh", "-c",
			 "( i=0; while [ $i -lt 500 ]; do true & i=$((i+1)); done ) | cat; "
			 "sleep 0.2; exit 7",
			 NULL };

	cr_assert_eq(init_run(args, test_env(), NULL, NULL, 0, NULL, 0), 7);
	expect_no_children_left();
}

/* How many children pid has right now, and how many of them are zombies (a /proc scan). */
static int count_children(pid_t pid, int *zombies)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	*zombies = 0;
	while ((e = readdir(d))) {
		char path[300], buf[512], *p;
		int ppid;
		FILE *f;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue; /* gone meanwhile */
		/* "pid (comm) S ppid ...": comm may hold spaces, so from the last ')' */
		p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		fclose(f);
		if (p && sscanf(p + 1, " %*c %d", &ppid) == 1 && ppid == pid) {
			n++;
			*zombies += p[2] == 'Z';
		}
	}
	closedir(d);
	return n;
}

/*
 * The storm again, but checked while the workload still runs, and with the
 * 500 orphans dying at the same instant: they all wait on one pipe whose
 * writer (`sleep 0.5`) exits, so their SIGCHLDs coalesce into a few.  A
 * reaper taking one child per signal would be left with zombies; husk-init
 * must get their number to zero on its own, without the workload exiting.
 */
Test(reaper_signals, zombies_are_reaped_while_running, .init = become_subreaper,
     .timeout = 60)
{
	char *args[] = { "--", "/bin/sh", "-c",
			 "sleep 0.5 | { i=0; while [ $i -lt 500 ]; do read x <&3 & i=$((i+1)); "
			 "done 3<&0; }; echo stormed; exec sleep 30",
			 NULL };
	struct init_run r = init_start(args, test_env(), NULL);
	char line[64];
	int children = -1, zombies = -1;

	read_line(r.out, line, sizeof(line));
	cr_assert_str_eq(line, "stormed");
	/* Until only the workload is left: some orphans may still be exiting. */
	for (int i = 0; i < 500 && children != 1; i++, sleep_ms(10))
		children = count_children(r.pid, &zombies);
	cr_expect_eq(children, 1, "%d children (%d zombies) left under husk-init", children,
		     zombies);
	cr_assert_eq(kill(r.pid, SIGTERM), 0);
	cr_assert_eq(init_wait(&r), 128 + SIGTERM);
	expect_no_children_left();
}

/* The same through --pgroup, where the workload leads its own group. */
Test(reaper_signals, zombie_storm_pgroup, .init = become_subreaper, .timeout = 60)
{
	char *args[] = { "--pgroup", "--", "/bin/sh", "-c",
			 "( i=0; while [ $i -lt 500 ]; do true & i=$((i+1)); done ) | cat; "
			 "sleep 0.2; exit 0",
			 NULL };

	cr_assert_eq(init_run(args, test_env(), NULL, NULL, 0, NULL, 0), 0);
	expect_no_children_left();
}
