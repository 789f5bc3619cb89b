// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a hostile process inside a container can reach of husk (the runc
 * CVE-2019-5736 class).  The test passes the device and inode of the host's
 * husk binary; any file this probe manages to open with that identity, or
 * to open for writing through an exe link, is reported.
 *
 *   attack pid1 DEV INO
 *       one line per check against PID 1 and ourselves:
 *       pid1-exe-wronly, self-exe-wronly, pid1-exe-is-husk, self-exe-is-husk,
 *       self-fd-husk, pid1-environ, pid1-environ-secret, pid1-mem,
 *       pid1-mem-secret, pid1-ptrace, cap-sys-ptrace, init-userns
 *   attack hunt DEV INO MS OUT
 *       scan every /proc/PID/exe and /proc/PID/fd/N for at most MS
 *       milliseconds, or until OUT.stop exists; create OUT.ready when it
 *       starts and write a summary to OUT at the end: "passes N",
 *       "denied N", "reached N", and the first "REACH ..." lines and any
 *       "WRITE ..." line
 *
 * The secret is the marker variable the harness puts into husk's own
 * environment; it must not be found in PID 1's environ or memory.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const secrets[] = { "HUSK_HOST_SECRET", "leaked-from-the-host" };

static dev_t husk_dev;
static ino_t husk_ino;

static bool is_husk(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_dev == husk_dev && st.st_ino == husk_ino;
}

static bool has_secret(const char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		if (memmem(buf, len, secrets[i], strlen(secrets[i])))
			return true;
	return false;
}

/* "OPENED" when the open worked, else the errno name (EACCES, ETXTBSY ...). */
static const char *try_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return "OPENED";
	}
	return strerrorname_np(errno);
}

/* Is the file behind an exe link the host's husk?  "yes", "no", or the errno. */
static const char *exe_is_husk(const char *link)
{
	int fd = open(link, O_PATH | O_CLOEXEC);
	bool yes;

	if (fd < 0)
		return strerrorname_np(errno);
	yes = is_husk(fd);
	close(fd);
	return yes ? "yes" : "no";
}

/* Any of our own fds pointing at husk? */
static const char *self_fd_husk(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	bool found = false;

	if (!d)
		return strerrorname_np(errno);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && is_husk(atoi(e->d_name)))
			found = true;
	closedir(d);
	return found ? "yes" : "no";
}

static void environ_check(void)
{
	char buf[65536];
	int fd = open("/proc/1/environ", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 || (n = read(fd, buf, sizeof(buf))) < 0) {
		printf("pid1-environ: %s\npid1-environ-secret: no\n", strerrorname_np(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	printf("pid1-environ: readable\npid1-environ-secret: %s\n",
	       has_secret(buf, (size_t)n) ? "yes" : "no");
}

/* Read every readable mapping of PID 1 through /proc/1/mem, looking for the secret. */
static void mem_check(void)
{
	FILE *maps = fopen("/proc/1/maps", "re");
	int mem = open("/proc/1/mem", O_RDONLY | O_CLOEXEC);
	static char buf[1 << 16];
	unsigned long start, end;
	char perms[8], line[512];
	bool readable = false, secret = false;

	if (!maps || mem < 0) {
		printf("pid1-mem: %s\npid1-mem-secret: no\n", strerrorname_np(errno));
		if (maps)
			fclose(maps);
		if (mem >= 0)
			close(mem);
		return;
	}
	while (fgets(line, sizeof(line), maps)) {
		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) != 3 || perms[0] != 'r')
			continue;
		for (unsigned long a = start; a < end; a += sizeof(buf)) {
			size_t want = end - a < sizeof(buf) ? end - a : sizeof(buf);
			ssize_t n = pread(mem, buf, want, (off_t)a);

			if (n <= 0)
				break;
			readable = true;
			if (has_secret(buf, (size_t)n))
				secret = true;
		}
	}
	fclose(maps);
	close(mem);
	printf("pid1-mem: %s\npid1-mem-secret: %s\n", readable ? "readable" : "unreadable",
	       secret ? "yes" : "no");
}

static void ptrace_check(void)
{
	if (ptrace(PTRACE_ATTACH, 1, NULL, NULL) < 0) {
		printf("pid1-ptrace: %s\n", strerrorname_np(errno));
		return;
	}
	waitpid(1, NULL, __WALL);
	ptrace(PTRACE_DETACH, 1, NULL, NULL);
	printf("pid1-ptrace: ATTACHED\n");
}

/* CAP_SYS_PTRACE (19) in our effective set, and whether ours is the initial user ns. */
static void context_check(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");
	unsigned long long eff = 0;
	unsigned long inside, outside, count;

	while (f && fgets(line, sizeof(line), f))
		sscanf(line, "CapEff: %llx", &eff);
	if (f)
		fclose(f);
	printf("cap-sys-ptrace: %s\n", (eff >> 19) & 1 ? "yes" : "no");
	f = fopen("/proc/self/uid_map", "re");
	bool init_ns = f && fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3 &&
		       inside == 0 && outside == 0 && count == 4294967295UL;
	if (f)
		fclose(f);
	printf("init-userns: %s\n", init_ns ? "yes" : "no");
}

static int pid1(void)
{
	printf("pid1-exe-wronly: %s\n", try_open("/proc/1/exe", O_WRONLY));
	printf("self-exe-wronly: %s\n", try_open("/proc/self/exe", O_WRONLY));
	printf("pid1-exe-is-husk: %s\n", exe_is_husk("/proc/1/exe"));
	printf("self-exe-is-husk: %s\n", exe_is_husk("/proc/self/exe"));
	printf("self-fd-husk: %s\n", self_fd_husk());
	environ_check();
	mem_check();
	ptrace_check();
	context_check();
	return 0;
}

/* ---- hunt ----------------------------------------------------------------- */

struct hunt {
	FILE *out;
	unsigned long passes, denied, reached;
};

/*
 * One link: open it as O_PATH (what the 2019 exploit did) and, when that
 * is husk, say so, then try to reopen it for writing through our own
 * /proc/self/fd (never writing a byte).
 */
static void hunt_link(struct hunt *h, const char *pid, const char *link)
{
	int fd = open(link, O_PATH | O_CLOEXEC);
	char self[64];
	int w;

	if (fd < 0) {
		if (errno == EACCES || errno == EPERM)
			h->denied++;
		return;
	}
	if (is_husk(fd)) {
		/* The count says how often; the first few lines say where. */
		if (h->reached++ < 10)
			fprintf(h->out, "REACH %s (pid %s)\n", link, pid);
		snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
		w = open(self, O_WRONLY | O_CLOEXEC);
		if (w >= 0) {
			fprintf(h->out, "WRITE %s (pid %s)\n", link, pid);
			close(w);
		}
	}
	close(fd);
}

static void hunt_pid(struct hunt *h, const char *pid)
{
	char path[600];
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "/proc/%s/exe", pid);
	hunt_link(h, pid, path);
	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	d = opendir(path);
	if (!d) {
		if (errno == EACCES || errno == EPERM)
			h->denied++;
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd/%s", pid, e->d_name);
		hunt_link(h, pid, path);
	}
	closedir(d);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int hunt(long ms, const char *out)
{
	char tmp[512], ready[512], stop[512], self[32];
	struct hunt h = { 0 };
	long until = now_ms() + ms;

	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	snprintf(ready, sizeof(ready), "%s.ready", out);
	snprintf(stop, sizeof(stop), "%s.stop", out);
	snprintf(self, sizeof(self), "%d", (int)getpid());
	h.out = fopen(tmp, "we");
	if (!h.out)
		return 2;
	close(open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	while (now_ms() < until && access(stop, F_OK) != 0) {
		DIR *d = opendir("/proc");
		struct dirent *e;

		if (!d)
			return 2;
		while ((e = readdir(d)))
			if (e->d_name[0] >= '1' && e->d_name[0] <= '9' && strcmp(e->d_name, self))
				hunt_pid(&h, e->d_name);
		closedir(d);
		h.passes++;
	}
	fprintf(h.out, "passes %lu\ndenied %lu\nreached %lu\n", h.passes, h.denied, h.reached);
	fclose(h.out);
	return rename(tmp, out) == 0 ? 0 : 2;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4) {
		husk_dev = (dev_t)strtoull(argv[2], NULL, 10);
		husk_ino = (ino_t)strtoull(argv[3], NULL, 10);
	}
	if (argc == 4 && strcmp(argv[1], "pid1") == 0)
		return pid1();
	if (argc == 6 && strcmp(argv[1], "hunt") == 0)
		return hunt(atol(argv[4]), argv[5]);
	fprintf(stderr, "usage: attack pid1 DEV INO | attack hunt DEV INO MS OUT\n");
	return 2;
}
