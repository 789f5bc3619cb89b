// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A process of the container attacking husk-init while it is held (by the
 * test's seccomp agent) in the window between its execveat and its own
 * prctl(PR_SET_DUMPABLE, 0).
 *
 *   window MARKER
 *       find the husk-init process (argv[0] "husk-init") that has MARKER
 *       as one of its arguments, skipping any whose command line mentions
 *       this probe (our own husk-init, on its way here), and print:
 *         target: PID (or "none")
 *         same-uid: yes/no        its real uid is ours
 *         cap-sys-ptrace: yes/no  in our effective set
 *         cap-dac: yes/no         CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
 *                                 both in our effective set
 *         environ: readable / the errno of open or read of /proc/PID/environ
 *         mem: readable / the errno of open or pread of /proc/PID/mem
 *         ptrace-seize: SEIZED / the errno of PTRACE_SEIZE
 *         ptrace-attach: ATTACHED / the errno of PTRACE_ATTACH
 *       Each ptrace attempt runs in a child of ours, which detaches by
 *       exiting (the target may not stop while it is held).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#define SELF "/probes/window"

/* The NUL-separated command line of pid in buf; its length (0: none). */
static size_t read_cmdline(const char *pid, char *buf, size_t size)
{
	char path[300];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return (size_t)n;
}

/* Is it husk-init with marker as an argument, and not on its way to us? */
static bool is_target(const char *cmd, size_t len, const char *marker)
{
	bool found = false;

	if (strcmp(cmd, "husk-init") != 0)
		return false;
	for (const char *a = cmd; a < cmd + len; a += strlen(a) + 1) {
		if (strcmp(a, SELF) == 0)
			return false;
		if (strcmp(a, marker) == 0)
			found = true;
	}
	return found;
}

static int find_target(const char *marker)
{
	static char cmd[8192];
	DIR *d = opendir("/proc");
	struct dirent *e;
	int pid = 0;

	while (d && (e = readdir(d)) && !pid) {
		size_t len;

		if (e->d_name[0] < '1' || e->d_name[0] > '9' || atoi(e->d_name) == getpid())
			continue;
		len = read_cmdline(e->d_name, cmd, sizeof(cmd));
		if (len && is_target(cmd, len, marker))
			pid = atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return pid;
}

/* The first number of a "Name:\t..." line of /proc/pid/status, or -1. */
static long status_field(int pid, const char *name, int base)
{
	char path[64], line[256];
	size_t n = strlen(name);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, name, n) == 0 && line[n] == ':')
			v = strtol(line + n + 1, NULL, base);
	if (f)
		fclose(f);
	return v;
}

static const char *environ_check(int pid)
{
	char path[64], buf[4096];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/environ", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return strerrorname_np(errno);
	if (read(fd, buf, sizeof(buf)) < 0) {
		int e = errno;

		close(fd);
		return strerrorname_np(e);
	}
	close(fd);
	return "readable";
}

/* Open /proc/PID/mem and read a few bytes at the start of its first mapping. */
static const char *mem_check(int pid)
{
	char path[64], line[512], buf[16];
	unsigned long start = 0;
	FILE *maps;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return strerrorname_np(errno);
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = fopen(path, "re");
	if (!maps || !fgets(line, sizeof(line), maps) || sscanf(line, "%lx-", &start) != 1) {
		int e = errno;

		if (maps)
			fclose(maps);
		close(fd);
		return e ? strerrorname_np(e) : "no-maps";
	}
	fclose(maps);
	if (pread(fd, buf, sizeof(buf), (off_t)start) <= 0) {
		int e = errno;

		close(fd);
		return strerrorname_np(e);
	}
	close(fd);
	return "readable";
}

/* In a child (so that its exit detaches): PTRACE_SEIZE or PTRACE_ATTACH. */
static void ptrace_check(int pid, bool seize)
{
	int pipefd[2], st;
	char res[64] = "";
	pid_t child;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return;
	child = fork();
	if (child == 0) {
		long r = seize ? ptrace(PTRACE_SEIZE, pid, NULL, NULL)
			       : ptrace(PTRACE_ATTACH, pid, NULL, NULL);
		const char *what = r == 0 ? (seize ? "SEIZED" : "ATTACHED") : strerrorname_np(errno);

		(void)!write(pipefd[1], what, strlen(what));
		_exit(0);
	}
	close(pipefd[1]);
	if (child > 0) {
		(void)!read(pipefd[0], res, sizeof(res) - 1);
		waitpid(child, &st, 0);
	}
	close(pipefd[0]);
	printf("ptrace-%s: %s\n", seize ? "seize" : "attach", res[0] ? res : "unknown");
}

int main(int argc, char **argv)
{
	int pid;
	long eff;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: window MARKER\n");
		return 2;
	}
	pid = find_target(argv[1]);
	if (!pid) {
		printf("target: none\n");
		return 1;
	}
	printf("target: %d\n", pid);
	printf("same-uid: %s\n", status_field(pid, "Uid", 10) == (long)getuid() ? "yes" : "no");
	eff = status_field(getpid(), "CapEff", 16);
	printf("cap-sys-ptrace: %s\n", eff >= 0 && ((eff >> 19) & 1) ? "yes" : "no");
	printf("cap-dac: %s\n", eff >= 0 && ((eff >> 1) & 3) == 3 ? "yes" : "no");
	printf("environ: %s\n", environ_check(pid));
	printf("mem: %s\n", mem_check(pid));
	ptrace_check(pid, true);
	ptrace_check(pid, false);
	return 0;
}
