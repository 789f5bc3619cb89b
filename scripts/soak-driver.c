// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scripts/soak-driver.c — the cycle loop of `make soak` (scripts/soak.sh).
 *
 *	soak-driver -n N -h HUSK -r ROOT -b BUNDLE -p PREFIX [-u UID:GID]
 *	            [-e NAME=VALUE]...
 *
 * Runs N cycles of
 *	husk --root ROOT create --bundle BUNDLE PREFIX-i
 *	husk --root ROOT start PREFIX-i
 *	husk --root ROOT state PREFIX-i     (until it says "stopped")
 *	husk --root ROOT delete PREFIX-i
 * each husk as UID:GID when given (entered as the integration harness
 * does: supplementary groups cleared, then real, effective and saved gid
 * and uid), with exactly the environment given by -e.  Any call that does
 * not exit 0 ends the soak: its command and stderr are printed.
 *
 * Why a program and not a shell loop: husk's peak RSS comes from wait4(),
 * and a process's peak is kept across exec, so every program between the
 * fork and husk (setpriv, env, /usr/bin/time) would count as husk's own.
 * Here the forked child is a copy of this small static program and execs
 * husk directly; the peak of such a copy that exits without exec is
 * printed as the floor of what can be measured.
 *
 * Each husk runs without address space randomisation (see child()), so
 * that its peak is the same from one run to the next.  The peak of a
 * cycle is the largest of its calls.  At the end it prints
 *	cycles N seconds S floor F rss_first A rss_last B
 * (A and B: the medians, in KiB, of the first and the last W cycles,
 * W = min(100, N/2)) and exits 1 when B exceeds A by more than 2 % plus
 * 16 KiB: husk's memory must not grow with the number of containers it
 * has made.  The driver is a child subreaper, so the container processes
 * of the husks it ran are re-parented to it and reaped here (a zombie
 * would otherwise look alive to `state`).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ENV 16
#define STATE_WAIT_MS 10000
#define RSS_WINDOW 100

struct opts {
	long n;
	const char *husk, *root, *bundle, *prefix;
	bool as_user;
	uid_t uid;
	gid_t gid;
	char *env[MAX_ENV + 1];
	size_t n_env;
};

/* The output of one husk call, in memfds the child writes as stdout/stderr. */
struct call {
	int out, err;
	long rss_kib;
	char text[4096];        /* stdout, NUL-terminated (cut) */
};

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fputs("soak-driver: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(void)
{
	die("usage: soak-driver -n N -h HUSK -r ROOT -b BUNDLE -p PREFIX [-u UID:GID] "
	    "[-e NAME=VALUE]...");
}

static void parse(int argc, char **argv, struct opts *o)
{
	int c;

	while ((c = getopt(argc, argv, "n:h:r:b:p:u:e:")) != -1) {
		switch (c) {
		case 'n': o->n = strtol(optarg, NULL, 10); break;
		case 'h': o->husk = optarg; break;
		case 'r': o->root = optarg; break;
		case 'b': o->bundle = optarg; break;
		case 'p': o->prefix = optarg; break;
		case 'u':
			if (sscanf(optarg, "%u:%u", &o->uid, &o->gid) != 2)
				usage();
			o->as_user = true;
			break;
		case 'e':
			if (o->n_env == MAX_ENV)
				die("more than %d -e", MAX_ENV);
			o->env[o->n_env++] = optarg;
			break;
		default: usage();
		}
	}
	if (o->n <= 0 || !o->husk || !o->root || !o->bundle || !o->prefix || optind != argc)
		usage();
}

/* In the child: stdio, the user, exec.  Never returns. */
static void child(const struct opts *o, const struct call *c, char *const argv[])
{
	if (dup2(c->out, 1) < 0 || dup2(c->err, 2) < 0)
		_exit(126);
	/* A fixed address space layout: with ASLR the same husk call peaks
	 * anywhere between ~430 and ~570 KiB (page alignment of the stack,
	 * heap and binary), which would drown a slow growth.  The containers
	 * inherit it; this is a soak, not a hardening test. */
	if (personality(ADDR_NO_RANDOMIZE) < 0)
		_exit(126);
	if (o->as_user && (setgroups(0, NULL) < 0 || setresgid(o->gid, o->gid, o->gid) < 0 ||
			   setresuid(o->uid, o->uid, o->uid) < 0)) {
		dprintf(2, "soak-driver: become %u:%u: %s\n", o->uid, o->gid, strerror(errno));
		_exit(126);
	}
	execve(argv[0], argv, (char *const *)o->env);
	dprintf(2, "soak-driver: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static void read_back(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
}

/* husk --root ROOT ARGS...; returns its exit status (128+n: signal n). */
static int husk(const struct opts *o, struct call *c, const char *const args[])
{
	char *argv[16] = { (char *)o->husk, "--root", (char *)o->root };
	struct rusage ru;
	size_t n = 3;
	int status;
	pid_t pid;

	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	/* Empty both, and rewind: the child writes at the shared offset. */
	if (ftruncate(c->out, 0) < 0 || ftruncate(c->err, 0) < 0 ||
	    lseek(c->out, 0, SEEK_SET) < 0 || lseek(c->err, 0, SEEK_SET) < 0)
		die("empty the output files: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0)
		child(o, c, argv);
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			die("wait4: %s", strerror(errno));
	if (ru.ru_maxrss > c->rss_kib)
		c->rss_kib = ru.ru_maxrss;
	read_back(c->out, c->text, sizeof(c->text));
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* A call that failed ends the soak, with what husk said. */
static void check(const struct call *c, int code, const char *verb, const char *id, long i)
{
	char err[4096];

	if (code == 0)
		return;
	read_back(c->err, err, sizeof(err));
	die("cycle %ld: husk %s %s: exit %d\n%s", i, verb, id, code, err);
}

/* Reap re-parented container processes; only while no husk runs. */
static void reap_orphans(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#define HUSK(o, c, ...) husk((o), (c), (const char *const[]){ __VA_ARGS__, NULL })

static void cycle(const struct opts *o, struct call *c, long i)
{
	char id[256];
	double deadline;

	snprintf(id, sizeof(id), "%s-%ld", o->prefix, i);
	check(c, HUSK(o, c, "create", "--bundle", o->bundle, id), "create", id, i);
	check(c, HUSK(o, c, "start", id), "start", id, i);
	deadline = now() + STATE_WAIT_MS / 1000.0;
	for (;;) {
		reap_orphans();
		check(c, HUSK(o, c, "state", id), "state", id, i);
		if (strstr(c->text, "\"status\": \"stopped\""))
			break;
		if (now() > deadline)
			die("cycle %ld: %s is not stopped after %d ms:\n%s", i, id, STATE_WAIT_MS,
			    c->text);
		usleep(1000);
	}
	check(c, HUSK(o, c, "delete", id), "delete", id, i);
	reap_orphans();
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static long median(const long *v, long n)
{
	long *s = malloc(n * sizeof(*s));
	long m;

	if (!s)
		die("out of memory");
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_long);
	m = s[n / 2];
	free(s);
	return m;
}

/*
 * The least wait4() can report for a child of ours: a fork that exits
 * at once (its pages are a copy of this program's).  Our own ru_maxrss
 * would not do: it still holds the peak of the shell that exec'ed us.
 */
static long fork_floor(void)
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0)
		_exit(0);
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			die("wait4: %s", strerror(errno));
	return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct call c = { 0 };
	long floor_kib;
	long *rss, w, first, last;
	double t0;

	parse(argc, argv, &o);
	signal(SIGPIPE, SIG_IGN);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	c.out = memfd_create("stdout", MFD_CLOEXEC);
	c.err = memfd_create("stderr", MFD_CLOEXEC);
	rss = calloc(o.n, sizeof(*rss));
	if (c.out < 0 || c.err < 0 || !rss)
		die("memfd_create or calloc: %s", strerror(errno));
	t0 = now();
	for (long i = 0; i < o.n; i++) {
		c.rss_kib = 0;
		cycle(&o, &c, i);
		rss[i] = c.rss_kib;
		if ((i + 1) % 1000 == 0)
			fprintf(stderr, "soak-driver: %ld/%ld cycles\n", i + 1, o.n);
	}
	w = o.n / 2 < RSS_WINDOW ? o.n / 2 : RSS_WINDOW;
	if (w == 0)
		w = 1;
	first = median(rss, w);
	last = median(rss + o.n - w, w);
	floor_kib = fork_floor();
	printf("cycles %ld seconds %.1f floor %ld rss_first %ld rss_last %ld window %ld\n", o.n,
	       now() - t0, floor_kib, first, last, w);
	if (last > first + first / 50 + 16) {
		fprintf(stderr, "soak-driver: husk's peak RSS grew: median %ld KiB over the first %ld "
			"cycles, %ld KiB over the last %ld\n", first, w, last, w);
		return 1;
	}
	return 0;
}
