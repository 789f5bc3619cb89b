// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The integration-test harness: test contexts and running programs as root
 * or as the unprivileged test user (see harness.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/close_range.h>

#include "integration/harness.h"

#define TEST_USER "husk-test"

/* The context of the test running in this process (Criterion forks one
 * process per test), for hctx_fini(). */
static struct hctx *current;

static const char *env_or_fail(const char *name)
{
	const char *v = getenv(name);

	cr_assert(v && *v, "%s is not set: run the integration tests through `make check`", name);
	return v;
}

static void xmkdir_owned(const struct hctx *c, const char *path, mode_t mode)
{
	cr_assert(mkdir(path, mode) == 0, "mkdir %s: %s", path, strerror(errno));
	/* mkdir() applies the umask; the modes here are meant exactly. */
	cr_assert(chmod(path, mode) == 0, "chmod %s: %s", path, strerror(errno));
	chown_to_user(c, path);
}

/*
 * Set up the context for one mode: who runs husk, a private work directory
 * owned by that user, and the unique token that marks everything this test
 * starts.  As a non-root caller only the rootless half can run (as the
 * caller); the root half is skipped.
 */
static void hctx_init(struct hctx *c, enum hmode mode)
{
	memset(c, 0, sizeof(*c));
	c->mode = mode;
	c->mode_name = mode == MODE_ROOT ? "root" : "rootless";
	env_or_fail("HUSK_BIN");
	env_or_fail("HUSK_TEST_DIR");

	if (mode == MODE_ROOT) {
		if (geteuid() != 0)
			cr_skip_test("the root half of the tests needs root");
		c->uid = 0;
		c->gid = 0;
	} else if (geteuid() != 0) {
		c->uid = getuid();
		c->gid = getgid();
	} else {
		struct passwd *pw = getpwnam(TEST_USER);

		cr_assert(pw, "user %s does not exist: run scripts/test-setup.sh", TEST_USER);
		c->uid = pw->pw_uid;
		c->gid = pw->pw_gid;
	}

	/* Containers whose husk has exited are re-parented to us, not to a
	 * PID 1 that may never reap them. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* The 'r' keeps one token from being a prefix of another. */
	snprintf(c->token, sizeof(c->token), "hit%dr%04lx", (int)getpid(),
		 (unsigned long)(ts.tv_nsec & 0xffff));
	c->id = hctx_new_id(c);

	/* Under the test directory: one place to look for (and clean) what a
	 * killed test left behind. */
	cr_assert(asprintf(&c->work, "%s/it.XXXXXX", getenv("HUSK_TEST_DIR")) > 0);
	cr_assert(mkdtemp(c->work), "mkdtemp %s: %s", c->work, strerror(errno));
	cr_assert(chmod(c->work, 0755) == 0);
	chown_to_user(c, c->work);
	c->bundle = hpath(c, "bundle");
	c->rootfs = hpath(c, "bundle/rootfs");
	c->state = hpath(c, "state");
	c->out = hpath(c, "out");
	c->run_dir = hpath(c, "run");
	xmkdir_owned(c, c->bundle, 0755);
	xmkdir_owned(c, c->out, 0777);
	xmkdir_owned(c, c->run_dir, 0700);
	char *io = hpath(c, "io");
	xmkdir_owned(c, io, 0755);
	free(io);
}

void hctx_run(enum hmode mode, void (*body)(struct hctx *c))
{
	static struct hctx ctx;

	current = &ctx;
	hctx_init(&ctx, mode);
	body(&ctx);
}

const char *hctx_new_id(struct hctx *c)
{
	cr_assert(c->n_ids < HCTX_MAX_IDS);
	char *id = c->ids[c->n_ids];
	snprintf(id, sizeof(c->ids[0]), "%s-%c", c->token, 'a' + c->n_ids);
	c->n_ids++;
	return id;
}

/* ---- running programs ------------------------------------------------- */

/* Children spawned and not yet collected by hproc_wait(). */
static pid_t tracked[16];

static void track(pid_t pid, bool on)
{
	for (size_t i = 0; i < sizeof(tracked) / sizeof(tracked[0]); i++) {
		if (on ? tracked[i] == 0 : tracked[i] == pid) {
			tracked[i] = on ? pid : 0;
			return;
		}
	}
	cr_assert(!on, "more than %zu husk processes at once",
		  sizeof(tracked) / sizeof(tracked[0]));
}

static bool is_tracked(pid_t pid)
{
	for (size_t i = 0; i < sizeof(tracked) / sizeof(tracked[0]); i++)
		if (tracked[i] == pid)
			return true;
	return false;
}

/*
 * husk's whole environment, as `env -i` would leave it plus what a login
 * sets: PATH (husk needs newuidmap), HOME, XDG_RUNTIME_DIR for the rootless
 * user, a marker that must never show up inside a container, and the
 * sanitizer options of `make SANITIZE=1` so that they reach the binary.
 */
static char **husk_env(const struct hctx *c, const struct hcall_opts *o)
{
	static const char *const passthrough[] = {
		"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", NULL
	};
	size_t n = 0, extra = 0;

	while (o && o->env && o->env[extra])
		extra++;
	char **env = calloc(16 + extra, sizeof(char *));
	cr_assert(env);
	env[n++] = strdup("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	cr_assert(asprintf(&env[n++], "HOME=%s", c->work) > 0);
	cr_assert(asprintf(&env[n++], "%s=leaked-from-the-host", HOST_SECRET_VAR) > 0);
	if (c->mode == MODE_ROOTLESS && !(o && o->unset_xdg))
		cr_assert(asprintf(&env[n++], "XDG_RUNTIME_DIR=%s", c->run_dir) > 0);
	for (size_t i = 0; passthrough[i]; i++) {
		const char *v = getenv(passthrough[i]);
		if (v)
			cr_assert(asprintf(&env[n++], "%s=%s", passthrough[i], v) > 0);
	}
	for (size_t i = 0; i < extra; i++)
		env[n++] = strdup(o->env[i]);
	return env;
}

static void strv_free_simple(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/*
 * Output goes to files, not pipes: a detached container keeps husk's stdout
 * open for as long as it runs, and reading a pipe to EOF would wait for it.
 */
static int open_capture(struct hctx *c, const char *suffix)
{
	char rel[64];
	snprintf(rel, sizeof(rel), "io/%u.%s", c->n_calls, suffix);
	char *path = hpath(c, rel);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	cr_assert(fd >= 0, "open %s: %s", path, strerror(errno));
	free(path);
	return fd;
}

/*
 * In the forked child: stdio onto the capture files, every inherited fd
 * marked close-on-exec except the deliberate ones (a stray fd 7, and fd 3
 * when asked), then drop to the context's user the way setpriv does and
 * exec.  Never returns.
 */
static void child_exec(const struct hctx *c, const struct hproc *p, const struct hcall_opts *o,
		       bool as_user, const char *const argv[], char *const envp[])
{
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

	setpgid(0, 0);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(p->out_fd, 1) < 0 ||
	    dup2(p->err_fd, 2) < 0)
		_exit(126);
	if (o && o->fd3 > 0) {
		if (o->fd3 == 3)
			fcntl(3, F_SETFD, 0);
		else if (dup2(o->fd3, 3) < 0)
			_exit(126);
	}
	int keep_from = (o && o->fd3 > 0) ? 4 : 3;
	syscall(__NR_close_range, keep_from, ~0U, CLOSE_RANGE_CLOEXEC);
	/* A careless caller's fd: husk must not pass it to the workload. */
	if (dup2(devnull, HOST_STRAY_FD) < 0)
		_exit(126);

	const char *cwd = (o && o->cwd) ? o->cwd : c->work;
	if (chdir(cwd) < 0) {
		dprintf(2, "harness: chdir %s: %s\n", cwd, strerror(errno));
		_exit(126);
	}
	if (as_user && geteuid() == 0 && c->uid != 0) {
		if (setgroups(0, NULL) < 0 || setresgid(c->gid, c->gid, c->gid) < 0 ||
		    setresuid(c->uid, c->uid, c->uid) < 0) {
			dprintf(2, "harness: dropping to uid %d: %s\n", (int)c->uid,
				strerror(errno));
			_exit(126);
		}
	}
	/* Set after the uid change, which would clear it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	execve(argv[0], (char *const *)argv, envp);
	dprintf(2, "harness: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Fork and exec argv with its output captured; see child_exec(). */
static void spawn(struct hctx *c, struct hproc *p, const struct hcall_opts *o, bool as_user,
		  const char *const argv[], char *const envp[])
{
	memset(p, 0, sizeof(*p));
	c->n_calls++;
	p->out_fd = open_capture(c, "out");
	p->err_fd = open_capture(c, "err");

	size_t len = 0;
	for (size_t i = 0; argv[i] && len < sizeof(p->cmd) - 1; i++)
		len += snprintf(p->cmd + len, sizeof(p->cmd) - len, "%s%s", i ? " " : "",
				argv[i]);

	p->pid = fork();
	cr_assert(p->pid >= 0, "fork: %s", strerror(errno));
	if (p->pid == 0)
		child_exec(c, p, o, as_user, argv, envp);
	track(p->pid, true);
	p->pidfd = pidfd_open(p->pid, 0);
	cr_assert(p->pidfd >= 0, "pidfd_open: %s", strerror(errno));
}

void husk_spawn(struct hctx *c, struct hproc *p, const struct hcall_opts *o,
		const char *const argv[])
{
	const char *full[64];
	size_t n = 0;

	full[n++] = env_or_fail(o && o->fault_bin ? "HUSK_FAULT_BIN" : "HUSK_BIN");
	if (!(o && o->no_root_opt)) {
		full[n++] = "--root";
		full[n++] = c->state;
	}
	for (size_t i = 0; argv[i]; i++) {
		cr_assert(n < sizeof(full) / sizeof(full[0]) - 1);
		full[n++] = argv[i];
	}
	full[n] = NULL;

	char **env = husk_env(c, o);
	spawn(c, p, o, true, full, env);
	strv_free_simple(env);
}

static char *read_all_fd(int fd)
{
	struct stat st;
	cr_assert(fstat(fd, &st) == 0);
	char *buf = malloc(st.st_size + 1);
	cr_assert(buf);
	ssize_t n = pread(fd, buf, st.st_size, 0);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

void hres_free(struct hres *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

/*
 * Wait for the process (on its pidfd, so that a timeout needs no signal
 * handler) and collect its status and output.  On timeout its whole process
 * group goes: husk and any container process that did not leave the group.
 */
static void reap_orphans(void);

void hproc_wait(struct hproc *p, struct hres *r, int timeout_s)
{
	struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };
	int status = 0;

	hres_free(r);
	memset(r, 0, sizeof(*r));
	snprintf(r->cmd, sizeof(r->cmd), "%s", p->cmd);
	int n, waited = 0;
	/*
	 * The test process is the subreaper of everything husk leaves, and
	 * like any init (conmon, systemd) it reaps orphans while it waits: a
	 * zombie left unreaped in a container's pid namespace would hold up
	 * that namespace's end (and `delete`'s wait for it).
	 */
	do {
		n = poll(&pfd, 1, 100);
		if (n == 0) {
			reap_orphans();
			waited += 100;
		}
	} while ((n < 0 && errno == EINTR) || (n == 0 && waited < timeout_s * 1000));
	/* n < 0 otherwise: fall through to a blocking wait. */
	if (n == 0) {
		r->timed_out = true;
		kill(-p->pid, SIGKILL);
		kill(p->pid, SIGKILL);
	}
	while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
		;
	track(p->pid, false);
	close(p->pidfd);
	if (WIFEXITED(status))
		r->code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		r->code = 128 + WTERMSIG(status);
	r->out = read_all_fd(p->out_fd);
	r->err = read_all_fd(p->err_fd);
	close(p->out_fd);
	close(p->err_fd);
}

void husk_call(struct hctx *c, struct hres *r, const struct hcall_opts *o,
	       const char *const argv[])
{
	struct hproc p;

	husk_spawn(c, &p, o, argv);
	hproc_wait(&p, r, HUSK_CALL_TIMEOUT);
}

void run_as_user(struct hctx *c, struct hres *r, const char *const argv[])
{
	struct hproc p;
	char *env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };

	spawn(c, &p, NULL, true, argv, env);
	hproc_wait(&p, r, HUSK_CALL_TIMEOUT);
}

/* ---- observing the host ------------------------------------------------ */

static void reap_orphans(void);

char *husk_status(struct hctx *c, const char *id)
{
	struct hres r = { 0 };
	char *status = NULL;

	HUSK(c, &r, "state", id);
	if (r.code == 0 && !r.timed_out) {
		hjson v = json_parse_or_fail(r.out, "husk state output");
		const char *s = json_str(JSON_AT(v, "status"));
		status = s ? strdup(s) : NULL;
		json_free(v);
	}
	hres_free(&r);
	return status;
}

bool wait_status(struct hctx *c, const char *id, const char *want, int timeout_ms)
{
	for (int waited = 0;; waited += 20) {
		char *s = husk_status(c, id);
		bool ok = s && strcmp(s, want) == 0;
		free(s);
		if (ok)
			return true;
		if (waited >= timeout_ms)
			return false;
		reap_orphans();
		usleep(20 * 1000);
	}
}

bool wait_file(const char *path, int timeout_ms)
{
	for (int waited = 0;; waited += 10) {
		if (access(path, F_OK) == 0)
			return true;
		if (waited >= timeout_ms)
			return false;
		usleep(10 * 1000);
	}
}

/* Read a /proc file of any size; NULL when unreadable. */
static char *read_proc(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (n == cap)
			buf = realloc(buf, cap *= 2);
		ssize_t r = read(fd, buf + n, cap - n);
		if (r <= 0)
			break;
		n += r;
	}
	close(fd);
	*len = n;
	return buf;
}

static bool proc_file_has(pid_t pid, const char *file, const char *needle)
{
	char path[64];
	size_t len = 0;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	char *buf = read_proc(path, &len);
	bool found = buf && memmem(buf, len, needle, strlen(needle)) != NULL;
	free(buf);
	return found;
}

/*
 * Reap the exited container processes re-parented to us (we are a child
 * subreaper), but not a husk we spawned and hproc_wait() will collect: a
 * waitpid(-1) here would steal its exit status.
 */
static void reap_orphans(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		pid_t pid = atoi(e->d_name);
		if (pid <= 0 || is_tracked(pid))
			continue;
		char path[64], buf[512], state;
		int ppid;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		/* "pid (comm) state ppid ...": comm may hold anything but ')'. */
		char *rest = strrchr(buf, ')');
		if (rest && sscanf(rest + 1, " %c %d", &state, &ppid) == 2 &&
		    ppid == getpid() && state == 'Z')
			waitpid(pid, NULL, WNOHANG);
	}
	closedir(d);
}

/* Count the processes carrying the token, sending each `sig` unless 0. */
/* A process of this test: the token is in its command line or environment. */
static bool is_token_proc(const struct hctx *c, pid_t pid)
{
	return proc_file_has(pid, "cmdline", c->token) || proc_file_has(pid, "environ", c->token);
}

static int for_token_procs(const struct hctx *c, int sig)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	reap_orphans();
	cr_assert(d);
	while ((e = readdir(d))) {
		pid_t pid = atoi(e->d_name);
		if (pid <= 0 || pid == getpid())
			continue;
		if (is_token_proc(c, pid)) {
			n++;
			if (sig)
				kill(pid, sig);
		}
	}
	closedir(d);
	return n;
}

int count_token_procs(const struct hctx *c)
{
	return for_token_procs(c, 0);
}

int count_host_mounts_under(const char *path)
{
	size_t len = 0;
	char *buf = read_proc("/proc/self/mountinfo", &len);
	int n = 0;

	cr_assert(buf);
	buf = realloc(buf, len + 1);
	buf[len] = '\0';
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (strstr(line, path))
			n++;
	free(buf);
	return n;
}

int count_dir_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* "name name ..." of the entries of a directory, for a message. */
static void dir_listing(const char *path, char *buf, size_t size)
{
	DIR *d = opendir(path);
	struct dirent *e;
	size_t n = 0;

	buf[0] = '\0';
	if (!d)
		return;
	while ((e = readdir(d)) && n < size)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n += snprintf(buf + n, size - n, "%s%s", n ? " " : "", e->d_name);
	closedir(d);
}

/* "pid (comm)" of the first process carrying the token, for a message. */
static void first_token_proc(const struct hctx *c, char *buf, size_t size)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	snprintf(buf, size, "(gone)");
	if (!d)
		return;
	while ((e = readdir(d))) {
		pid_t pid = atoi(e->d_name);
		if (pid <= 0 || pid == getpid())
			continue;
		if (is_token_proc(c, pid)) {
			char path[64];
			snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
			char *comm = read_text(path);
			if (comm)
				comm[strcspn(comm, "\n")] = '\0';
			snprintf(buf, size, "pid %d (%s)", (int)pid, comm ? comm : "?");
			free(comm);
			break;
		}
	}
	closedir(d);
}

/*
 * Directories under `dir` whose name contains `needle`, depth first,
 * without following symlinks (v1 hierarchies such as cpu,cpuacct are
 * often also reachable through one); the first is named in `found`.
 */
static int count_dirs_named(const char *dir, const char *needle, int depth, char *found,
			    size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d || depth > 32) {
		if (d)
			closedir(d);
		return 0;
	}
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub;
		cr_assert(asprintf(&sub, "%s/%s", dir, e->d_name) > 0);
		if (strstr(e->d_name, needle)) {
			if (n == 0 && found[0] == '\0')
				snprintf(found, size, "%s", sub);
			n++;
		}
		n += count_dirs_named(sub, needle, depth + 1, found, size);
		free(sub);
	}
	closedir(d);
	return n;
}

void hctx_assert_clean(struct hctx *c)
{
	char what[1024];
	int procs = 0, n;

	/* husk must reap what it started before it exits; a short grace only
	 * covers a process that is on its way out. */
	for (int i = 0; i < 50 && (procs = count_token_procs(c)) > 0; i++)
		usleep(20 * 1000);
	if (procs > 0)
		first_token_proc(c, what, sizeof(what));
	cr_assert_eq(procs, 0, "%d process(es) of this test are still running, e.g. %s", procs,
		     what);
	n = count_dir_entries(c->state);
	if (n > 0)
		dir_listing(c->state, what, sizeof(what));
	cr_assert_eq(n, 0, "the state root %s should be empty, it holds: %s", c->state, what);
	cr_assert_eq(count_host_mounts_under(c->work), 0,
		     "husk left a mount under %s in the host's mount table", c->work);
	what[0] = '\0';
	n = count_dirs_named("/sys/fs/cgroup", c->token, 0, what, sizeof(what));
	cr_assert_eq(n, 0, "%d cgroup(s) of this test are left, e.g. %s", n, what);
}

void assert_nothing_left(struct hctx *c)
{
	hctx_assert_clean(c);
}

/* ---- cleanup ----------------------------------------------------------- */

/* Detach every host mount whose mount point is under `dir` (a husk bug). */
static void unmount_leaks_under(const char *dir)
{
	size_t len = 0, dlen = strlen(dir);
	char *buf = read_proc("/proc/self/mountinfo", &len);
	char mnt[4096];

	if (!buf)
		return;
	buf = realloc(buf, len + 1);
	buf[len] = '\0';
	/* Deepest last in mountinfo order: detach from the end. */
	for (char *line = strrchr(buf, '\n'); buf[0]; line = strrchr(buf, '\n')) {
		char *start = line ? line + 1 : buf;
		if (sscanf(start, "%*s %*s %*s %*s %4095s", mnt) == 1 &&
		    strncmp(mnt, dir, dlen) == 0) {
			fprintf(stderr, "harness: detaching a mount husk leaked on the host: %s\n",
				mnt);
			umount2(mnt, MNT_DETACH);
		}
		if (!line)
			break;
		*line = '\0';
	}
	free(buf);
}

/* Force-delete every container of ours found in `root` (may not exist). */
static void delete_all_in(struct hctx *c, const char *root)
{
	DIR *d = opendir(root);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, c->token, strlen(c->token)) != 0)
			continue;
		struct hres r = { 0 };
		struct hproc p;
		struct hcall_opts o = { .no_root_opt = true };
		husk_spawn(c, &p, &o, ARGS("--root", root, "delete", "--force", e->d_name));
		hproc_wait(&p, &r, 10);
		hres_free(&r);
	}
	closedir(d);
}

/*
 * After every test, also a failed one: force-delete the containers left in
 * the state roots this test can have used, kill whatever still carries the
 * token, undo any mount that leaked onto the host (only a husk bug makes
 * one) and remove the work directory without crossing into other
 * filesystems.
 */
void hctx_fini(void)
{
	struct hctx *c = current;
	char *other;

	if (!c || !c->work)
		return;
	delete_all_in(c, c->state);
	delete_all_in(c, c->run_dir);
	cr_assert(asprintf(&other, "%s/husk", c->run_dir) > 0);
	delete_all_in(c, other);
	free(other);
	cr_assert(asprintf(&other, "/tmp/husk-%d", (int)c->uid) > 0);
	delete_all_in(c, other);
	free(other);

	for (int i = 0; i < 100 && for_token_procs(c, SIGKILL) > 0; i++)
		usleep(10 * 1000);
	reap_orphans();

	unmount_leaks_under(c->work);

	struct hres r = { 0 };
	struct hproc p;
	char *env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	spawn(c, &p, NULL, false, ARGS("/bin/rm", "-rf", "--one-file-system", c->work), env);
	hproc_wait(&p, &r, 30);
	hres_free(&r);
	free(c->work);
	free(c->bundle);
	free(c->rootfs);
	free(c->state);
	free(c->out);
	free(c->run_dir);
	memset(c, 0, sizeof(*c));
	current = NULL;
}

/* ---- small utilities --------------------------------------------------- */

char *hpath(const struct hctx *c, const char *rel)
{
	char *p;

	cr_assert(asprintf(&p, "%s/%s", c->work, rel) > 0);
	return p;
}

char *read_text(const char *path)
{
	size_t len = 0;
	char *buf = read_proc(path, &len);

	if (!buf)
		return NULL;
	buf = realloc(buf, len + 1);
	buf[len] = '\0';
	return buf;
}

void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	cr_assert(f, "open %s: %s", path, strerror(errno));
	fputs(text, f);
	cr_assert(fclose(f) == 0);
}

void chown_to_user(const struct hctx *c, const char *path)
{
	if (geteuid() == 0)
		cr_assert(lchown(path, c->uid, c->gid) == 0, "chown %s: %s", path,
			  strerror(errno));
}

char *squeeze(const char *s)
{
	char *out = malloc(strlen(s) + 1);
	size_t n = 0;
	bool blank = false;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n') {
			blank = n > 0;
			continue;
		}
		if (blank)
			out[n++] = ' ';
		blank = false;
		out[n++] = *s;
	}
	out[n] = '\0';
	return out;
}

char *despace(const char *s)
{
	char *out = malloc(strlen(s) + 1);
	size_t n = 0;

	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			out[n++] = *s;
	out[n] = '\0';
	return out;
}

/* The first subordinate range of the context's user in `file`. */
void subid_range(const struct hctx *c, const char *file, unsigned *start, unsigned *count)
{
	struct passwd *pw = getpwuid(c->uid);
	FILE *f = fopen(file, "re");
	char line[256];
	bool found = false;

	cr_assert(pw && f, "cannot read %s", file);
	while (!found && fgets(line, sizeof(line), f)) {
		char name[128];
		if (sscanf(line, "%127[^:]:%u:%u", name, start, count) != 3)
			continue;
		found = strcmp(name, pw->pw_name) == 0 || (unsigned)atoi(name) == c->uid;
	}
	fclose(f);
	if (!found)
		hctx_skip("%s has no range for %s (scripts/test-setup.sh adds one)", file,
			  pw->pw_name);
}
