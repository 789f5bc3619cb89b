// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/driver.c — the timing driver of `make bench`.
 *
 * A shell loop around `date` cannot see a 2 ms difference, and the shell's
 * own fork and exec would be part of every sample.  This program reads a
 * plan (which commands make one sample for each runtime), runs the runtimes
 * alternately, A B C A B C ..., so that drift of a noisy machine spreads over
 * all of them, and times each sample with CLOCK_MONOTONIC around
 * fork/exec/wait.  From wait4() it also takes each command's peak RSS and
 * CPU time.  It prints one summary line per runtime and quantity:
 *
 *	METRIC<TAB>RUNTIME<TAB>UNIT<TAB>N<TAB>MEDIAN<TAB>MIN<TAB>MAX<TAB>STATUS
 *
 * Usage:
 *	bench-driver seq [-n N] [-w W] [-t SECONDS] METRIC PLAN
 *	bench-driver par [-n N] [-w W] [-t SECONDS] -p P METRIC PLAN
 *
 * seq: N samples per runtime (after W warm-up rounds), each one the plan's
 * steps run one after another.  par: N batches per runtime, each batch P
 * copies of the steps started at once; a sample is P / batch wall time, in
 * containers per second.
 *
 * The plan, one directive per line, words separated by single spaces (no
 * quoting: the paths come from bench/run.sh, which refuses spaces):
 *
 *	runtime NAME        starts the steps of a runtime
 *	prep ARG0 ARG1 ...  like run, but before the clock starts (e.g. to empty
 *	                    a cache); not counted in time, RSS or CPU
 *	run ARG0 ARG1 ...   run a command; it must exit 0 (stdout and stdin are
 *	                    /dev/null, stderr is kept to explain a failure)
 *	waitpid FILE        read a pid from FILE, delete FILE, wait until that
 *	                    process has exited (reaping it if it is ours)
 *
 * par mode runs only the timed steps.
 *
 * In arguments, {i} becomes the sample's sequence number and {j} the slot
 * of a parallel batch, so that container names never collide.
 *
 * The driver is a child subreaper: a detached container process whose
 * runtime exited is re-parented here and reaped here, not by the host's
 * init at some later moment.  A runtime whose step fails, or takes longer
 * than -t seconds (default 20), is reported as failed with its first error
 * line, and the others carry on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNTIMES 8
#define MAX_STEPS 8
#define MAX_ARGS 64
#define MAX_PAR 256

enum step_kind { STEP_PREP, STEP_RUN, STEP_WAITPID };

struct step {
	enum step_kind kind;
	char *argv[MAX_ARGS + 1]; /* templates, with {i} and {j} */
};

struct runtime {
	char name[64];
	struct step steps[MAX_STEPS];
	int nsteps;
	double *time_ms;  /* per sample */
	double *rss_kib;  /* per sample: the largest ru_maxrss of its steps */
	double *cpu_ms;   /* per sample: user + system time of its steps */
	int nsamples;
	char failure[512]; /* empty while the runtime works */
	int errfd;         /* memfd that collects the steps' stderr */
};

struct sample {
	double rss_kib;
	double cpu_ms;
};

static struct runtime runtimes[MAX_RUNTIMES];
static int nruntimes;
static int timeout_s = 20;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench-driver: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p)
		die("out of memory");
	return p;
}

/* The plan lives as long as the program: these are never freed. */
static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		die("out of memory");
	return p;
}

/*
 * Read the plan into runtimes[].  Words are split on single spaces; an
 * empty word (two spaces) would be a bug in run.sh, so it is refused.
 */
static void plan_load(const char *path)
{
	FILE *f = fopen(path, "re");
	char line[4096];
	struct runtime *rt = NULL;

	if (!f)
		die("open plan %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *word;
		struct step *st;
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		word = strtok_r(line, " ", &save);
		if (!word || word[0] == '#')
			continue;
		if (!strcmp(word, "runtime")) {
			if (nruntimes == MAX_RUNTIMES)
				die("plan %s: more than %d runtimes", path, MAX_RUNTIMES);
			rt = &runtimes[nruntimes++];
			word = strtok_r(NULL, " ", &save);
			if (!word)
				die("plan %s: runtime without a name", path);
			snprintf(rt->name, sizeof(rt->name), "%s", word);
			continue;
		}
		if (!rt)
			die("plan %s: \"%s\" before the first runtime", path, word);
		if (rt->nsteps == MAX_STEPS)
			die("plan %s: runtime %s has more than %d steps", path, rt->name,
			    MAX_STEPS);
		st = &rt->steps[rt->nsteps++];
		if (!strcmp(word, "run"))
			st->kind = STEP_RUN;
		else if (!strcmp(word, "prep"))
			st->kind = STEP_PREP;
		else if (!strcmp(word, "waitpid"))
			st->kind = STEP_WAITPID;
		else
			die("plan %s: unknown directive \"%s\"", path, word);
		while ((word = strtok_r(NULL, " ", &save))) {
			if (n == MAX_ARGS)
				die("plan %s: more than %d words in a step", path, MAX_ARGS);
			st->argv[n++] = xstrdup(word);
		}
		if (n == 0)
			die("plan %s: \"%s\" needs an argument", path,
			    st->kind == STEP_WAITPID ? "waitpid" : "run");
	}
	fclose(f);
	if (nruntimes == 0)
		die("plan %s: no runtime", path);
}

/* Expand {i} and {j} in one template word into buf. */
static void expand(char *buf, size_t size, const char *tmpl, long i, int j)
{
	size_t len = 0;

	for (const char *p = tmpl; *p && len + 24 < size; p++) {
		if (p[0] == '{' && (p[1] == 'i' || p[1] == 'j') && p[2] == '}') {
			len += snprintf(buf + len, size - len, "%ld", p[1] == 'i' ? i : (long)j);
			p += 2;
		} else {
			buf[len++] = *p;
		}
	}
	buf[len] = '\0';
}

/*
 * Wait for pid (a child) with the driver's timeout.  A pidfd makes the
 * timeout a poll(); on expiry the command is killed and -ETIMEDOUT returned.
 */
static int wait_child(pid_t pid, int *status, struct rusage *ru)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (pidfd >= 0) {
		struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
		int r = poll(&pfd, 1, timeout_s * 1000);

		close(pidfd);
		if (r == 0) {
			kill(pid, SIGKILL);
			wait4(pid, status, 0, ru);
			return -ETIMEDOUT;
		}
	}
	if (wait4(pid, status, 0, ru) < 0)
		return -errno;
	return 0;
}

/* Run one command: fork, exec, wait.  Fills the sample's RSS and CPU time. */
static int step_run(struct runtime *rt, const struct step *st, long i, int j,
		    struct sample *s, char *why, size_t whylen)
{
	char words[MAX_ARGS][PATH_MAX];
	char *argv[MAX_ARGS + 1];
	struct rusage ru;
	int status, n, r;
	pid_t pid;

	for (n = 0; st->argv[n]; n++) {
		expand(words[n], sizeof(words[n]), st->argv[n], i, j);
		argv[n] = words[n];
	}
	argv[n] = NULL;

	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		dup2(null, 0);
		dup2(null, 1);
		dup2(rt->errfd, 2);
		execvp(argv[0], argv);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	r = wait_child(pid, &status, &ru);
	if (r == -ETIMEDOUT) {
		snprintf(why, whylen, "%s: no exit after %d s", argv[0], timeout_s);
		return -1;
	}
	if (r < 0) {
		snprintf(why, whylen, "wait4: %s", strerror(-r));
		return -1;
	}
	if (ru.ru_maxrss > s->rss_kib)
		s->rss_kib = ru.ru_maxrss;
	s->cpu_ms += ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 +
		     ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(why, whylen, "`%s %s` exited %d", argv[0], argv[1] ? argv[1] : "",
			 WEXITSTATUS(status));
	else
		snprintf(why, whylen, "`%s %s` killed by signal %d", argv[0],
			 argv[1] ? argv[1] : "", WTERMSIG(status));
	return -1;
}

/*
 * Wait for the process named in a pid file to exit.  It is usually a
 * container's init that its runtime left behind, re-parented to us (we are
 * a subreaper), so after the pidfd reports the exit we reap it; if it is not
 * ours, ECHILD is fine.
 */
static int step_waitpid(const struct step *st, long i, int j, char *why, size_t whylen)
{
	char path[PATH_MAX], buf[32] = "";
	struct pollfd pfd;
	int fd, pidfd, r;
	ssize_t len;
	pid_t pid;

	expand(path, sizeof(path), st->argv[0], i, j);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "open pid file %.120s: %s", path, strerror(errno));
		return -1;
	}
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	unlink(path);
	pid = len > 0 ? (pid_t)atol(buf) : 0;
	if (pid <= 0) {
		snprintf(why, whylen, "pid file %.120s holds no pid", path);
		return -1;
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0 && errno == ESRCH)
		return 0; /* gone and reaped by someone else already */
	if (pidfd < 0) {
		snprintf(why, whylen, "pidfd_open %d: %s", pid, strerror(errno));
		return -1;
	}
	pfd = (struct pollfd){ .fd = pidfd, .events = POLLIN };
	r = poll(&pfd, 1, timeout_s * 1000);
	if (r == 0) {
		close(pidfd);
		snprintf(why, whylen, "container process %d still running after %d s", pid,
			 timeout_s);
		return -1;
	}
	waitid(P_PIDFD, (id_t)pidfd, NULL, WEXITED);
	close(pidfd);
	return 0;
}

/*
 * Run the steps of a runtime once: one sample (or one slot of a batch).
 * prep selects the untimed prep steps, else the timed ones.
 */
static int steps_run(struct runtime *rt, bool prep, long i, int j, struct sample *s,
		     char *why, size_t whylen)
{
	for (int k = 0; k < rt->nsteps; k++) {
		const struct step *st = &rt->steps[k];
		int r;

		if ((st->kind == STEP_PREP) != prep)
			continue;
		r = st->kind == STEP_WAITPID ? step_waitpid(st, i, j, why, whylen)
					     : step_run(rt, st, i, j, s, why, whylen);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Reap re-parented orphans that nobody waits for by name. */
static void reap_strays(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/*
 * The failure: why, then the last line the failed step wrote on stderr
 * (runc logs warnings first and its error last; husk and crun write one
 * line).
 */
static void runtime_fail(struct runtime *rt, const char *why)
{
	char buf[4096] = "", *line = buf, *end;
	ssize_t len = pread(rt->errfd, buf, sizeof(buf) - 1, 0);

	if (len > 0) {
		buf[len] = '\0';
		end = buf + strlen(buf);
		while (end > buf && (end[-1] == '\n' || end[-1] == ' '))
			*--end = '\0';
		line = strrchr(buf, '\n') ? strrchr(buf, '\n') + 1 : buf;
		for (char *p = line; *p; p++)
			if (*p == '\t')
				*p = ' ';
	}
	snprintf(rt->failure, sizeof(rt->failure), "%s%s%.200s", why, line[0] ? ": " : "", line);
}

static void errfd_reset(struct runtime *rt)
{
	if (ftruncate(rt->errfd, 0) == 0)
		lseek(rt->errfd, 0, SEEK_SET);
}

/* seq mode: one sample per runtime per round, the rounds alternating. */
static void run_seq(int n, int warm)
{
	long seqno = 0;

	for (int round = 0; round < warm + n; round++) {
		for (int r = 0; r < nruntimes; r++) {
			struct runtime *rt = &runtimes[r];
			struct sample s = { 0 };
			char why[200] = "";
			double t0, t1;

			if (rt->failure[0])
				continue;
			if (steps_run(rt, true, seqno, 0, &s, why, sizeof(why)) < 0) {
				runtime_fail(rt, why);
				continue;
			}
			s = (struct sample){ 0 };
			t0 = now_ms();
			if (steps_run(rt, false, seqno++, 0, &s, why, sizeof(why)) < 0)
				runtime_fail(rt, why);
			t1 = now_ms();
			reap_strays();
			errfd_reset(rt);
			if (rt->failure[0] || round < warm)
				continue;
			rt->time_ms[rt->nsamples] = t1 - t0;
			rt->rss_kib[rt->nsamples] = s.rss_kib;
			rt->cpu_ms[rt->nsamples] = s.cpu_ms;
			rt->nsamples++;
		}
	}
}

/*
 * One parallel batch: P forked workers, each running the steps once.  A
 * worker reports failure through its exit status and its stderr memfd
 * (shared with the parent), which is how the first error line survives.
 */
static int batch_run(struct runtime *rt, long base, int p, double *secs, char *why,
		     size_t whylen)
{
	pid_t pids[MAX_PAR];
	int failed = 0;
	double t0 = now_ms();

	for (int j = 0; j < p; j++) {
		pids[j] = fork();
		if (pids[j] < 0)
			die("fork: %s", strerror(errno));
		if (pids[j] == 0) {
			struct sample s = { 0 };
			char w[200] = "";

			if (steps_run(rt, false, base + j, j, &s, w, sizeof(w)) < 0) {
				dprintf(rt->errfd, "%s\n", w);
				_exit(1);
			}
			_exit(0);
		}
	}
	for (int j = 0; j < p; j++) {
		int status;

		if (waitpid(pids[j], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed++;
	}
	*secs = (now_ms() - t0) / 1e3;
	reap_strays();
	if (failed) {
		snprintf(why, whylen, "%d of %d parallel containers failed", failed, p);
		return -1;
	}
	return 0;
}

/* par mode: batches of p alternating between runtimes; samples in 1/s. */
static void run_par(int n, int warm, int p)
{
	long seqno = 0;

	for (int round = 0; round < warm + n; round++) {
		for (int r = 0; r < nruntimes; r++) {
			struct runtime *rt = &runtimes[r];
			char why[200] = "";
			double secs = 0;

			if (rt->failure[0])
				continue;
			if (batch_run(rt, seqno, p, &secs, why, sizeof(why)) < 0)
				runtime_fail(rt, why);
			seqno += p;
			errfd_reset(rt);
			if (rt->failure[0] || round < warm)
				continue;
			rt->time_ms[rt->nsamples++] = p / secs;
		}
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One summary line: median (mean of the middle two for an even count). */
static void report(const char *metric, const struct runtime *rt, const char *unit,
		   double *v, int n)
{
	double med;

	if (rt->failure[0] || n == 0) {
		printf("%s\t%s\t%s\t0\t\t\t\tfail: %s\n", metric, rt->name, unit,
		       rt->failure[0] ? rt->failure : "no samples");
		return;
	}
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	printf("%s\t%s\t%s\t%d\t%.3f\t%.3f\t%.3f\tok\n", metric, rt->name, unit, n, med, v[0],
	       v[n - 1]);
}

static void usage(void)
{
	fputs("usage: bench-driver seq|par [-n N] [-w W] [-t SECONDS] [-p P] METRIC PLAN\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	int n = 200, warm = 10, p = 4, opt;
	const char *mode, *metric;
	int par;

	if (argc < 2)
		usage();
	mode = argv[1];
	if (strcmp(mode, "seq") && strcmp(mode, "par"))
		usage();
	par = !strcmp(mode, "par");
	optind = 2;
	while ((opt = getopt(argc, argv, "n:w:t:p:")) != -1) {
		switch (opt) {
		case 'n': n = atoi(optarg); break;
		case 'w': warm = atoi(optarg); break;
		case 't': timeout_s = atoi(optarg); break;
		case 'p': p = atoi(optarg); break;
		default: usage();
		}
	}
	if (argc - optind != 2 || n < 1 || warm < 0 || timeout_s < 1 || p < 1 || p > MAX_PAR)
		usage();
	metric = argv[optind];
	plan_load(argv[optind + 1]);

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	for (int r = 0; r < nruntimes; r++) {
		runtimes[r].time_ms = xcalloc((size_t)n, sizeof(double));
		runtimes[r].rss_kib = xcalloc((size_t)n, sizeof(double));
		runtimes[r].cpu_ms = xcalloc((size_t)n, sizeof(double));
		runtimes[r].errfd = memfd_create("bench-stderr", MFD_CLOEXEC);
		if (runtimes[r].errfd < 0)
			die("memfd_create: %s", strerror(errno));
	}

	if (par)
		run_par(n, warm, p);
	else
		run_seq(n, warm);

	for (int r = 0; r < nruntimes; r++) {
		struct runtime *rt = &runtimes[r];
		char name[128];

		if (par) {
			report(metric, rt, "1/s", rt->time_ms, rt->nsamples);
			continue;
		}
		report(metric, rt, "ms", rt->time_ms, rt->nsamples);
		snprintf(name, sizeof(name), "%s.rss", metric);
		report(name, rt, "KiB", rt->rss_kib, rt->nsamples);
		snprintf(name, sizeof(name), "%s.cpu", metric);
		report(name, rt, "ms", rt->cpu_ms, rt->nsamples);
	}
	return 0;
}
