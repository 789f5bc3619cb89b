// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The systemd cgroup manager's backend (src/cgroup/systemd.c) against a
 * REAL systemd: /lib/systemd/systemd booted as PID 1 of a container.
 *
 * The container (sd_boot()): a fresh cgroup2 directory of the host,
 * husk-sdtest-<pid>, which a cgroup namespace makes systemd's root; a
 * private mount namespace with cgroup2 mounted writable at /sys/fs/cgroup,
 * a new /proc and a tmpfs /run; a new pid namespace.  systemd starts only
 * husk-test.target, a target with no dependencies written to
 * /run/systemd/system, so it runs nothing of the host's.  Its private bus
 * is then /proc/<pid>/root/run/systemd/private, given to husk through
 * HUSK_SYSTEMD_BUS.
 *
 * The process put in a scope must be a pid of systemd's namespace: it is
 * forked by a helper that entered that namespace (setns), and first moved
 * into a cgroup below systemd's root (a cgroup namespace only lets systemd
 * move processes between cgroups it can see).
 *
 * Every test kills systemd (the whole pid namespace goes with it) and
 * removes every cgroup it made, also when an assertion failed (.fini).
 * Timeouts are bounded everywhere: booting 20 s, each husk call its own.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <linux/magic.h>

#include "cgroup/cgroup-internal.h"
#include "cgroup/dbus.h"
#include "husk/util.h"

#define SYSTEMD_BIN "/lib/systemd/systemd"
#define BOOT_TIMEOUT_S 20

static struct {
	char cg[256];               /* the host's cgroup2 dir that is systemd's root */
	pid_t pid1;                 /* systemd, as the host sees it */
	pid_t keeper;               /* its parent, outside the pid namespace */
	char bus[320];              /* unix:path=/proc/<pid1>/root/run/systemd/private */
	char log[64];
} sd;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static char *read_text(const char *path)
{
	static char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

/* Where the host's cgroup2 hierarchy is: /sys/fs/cgroup (v2) or .../unified (hybrid). */
static const char *cgroup2_root(void)
{
	struct statfs s;
	if (statfs("/sys/fs/cgroup", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC)
		return "/sys/fs/cgroup";
	if (statfs("/sys/fs/cgroup/unified", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC)
		return "/sys/fs/cgroup/unified";
	return NULL;
}

/* PID 1 of the container: the mounts systemd needs, then systemd. */
static void pid1_main(void)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    umount2("/sys/fs/cgroup", MNT_DETACH) < 0 ||
	    mount("cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ||
	    mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755") < 0 ||
	    mkdir("/run/systemd", 0755) < 0 || mkdir("/run/systemd/system", 0755) < 0 ||
	    write_file("/run/systemd/system/husk-test.target",
		       "[Unit]\nDescription=husk test target\nDefaultDependencies=no\n") < 0)
		_exit(120);
	int log = open(sd.log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (log >= 0) {
		dup2(log, 1);
		dup2(log, 2);
	}
	char *argv[] = { SYSTEMD_BIN, "--system", "--unit=husk-test.target",
			 "--log-target=console", "--log-level=notice", NULL };
	char *envp[] = { "container=husk", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	execve(SYSTEMD_BIN, argv, envp);
	_exit(127);
}

/* Kill systemd's pid namespace and remove every cgroup below sd.cg. */
static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			char sub[1024];
			if (e->d_type != DT_DIR || e->d_name[0] == '.')
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
			rm_tree(sub);
		}
		closedir(d);
	}
	rmdir(dir);
}

static void sd_fini(void)
{
	if (sd.pid1 > 0)
		kill(sd.pid1, SIGKILL);
	if (sd.keeper > 0) {
		waitpid(sd.keeper, NULL, 0);
		sd.keeper = 0;
	}
	sd.pid1 = 0;
	if (sd.cg[0]) {
		/* The namespace's processes die asynchronously: wait for the tree to empty. */
		for (long long end = now_ms() + 5000; now_ms() < end;) {
			rm_tree(sd.cg);
			if (access(sd.cg, F_OK) < 0)
				break;
			usleep(20000);
		}
		cr_expect(access(sd.cg, F_OK) < 0, "cgroup %s left behind", sd.cg);
		sd.cg[0] = '\0';
	}
	if (sd.log[0])
		unlink(sd.log);
	unsetenv("HUSK_SYSTEMD_BUS");
}

/*
 * What a call made inside systemd's pid namespace returns: systemd's
 * private socket only accepts peers whose pid it can see (a client outside
 * its namespace is disconnected at once), as husk is on a real host.
 */
struct ns_out {
	int r;
	char msg[HUSK_ERROR_MAX];
	char cg[256];
	uint64_t u[16];
	char s[4][256];
};
static struct ns_out *out;          /* shared with the forked workers */

/*
 * Run fn in a process of systemd's pid namespace (a helper enters it with
 * setns, its child is in it), results in *out; bounded by 60 s.
 */
static void ns_run(void (*fn)(void *arg), void *arg)
{
	char ns[64];
	snprintf(ns, sizeof(ns), "/proc/%d/ns/pid", (int)sd.pid1);
	memset(out, 0, sizeof(*out));
	out->r = -EINTR;
	pid_t helper = fork();
	cr_assert(helper >= 0);
	if (helper == 0) {
		int fd = open(ns, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWPID) < 0)
			_exit(1);
		pid_t w = fork();
		if (w == 0) {
			fn(arg);
			_exit(0);
		}
		int st = 0;
		waitpid(w, &st, 0);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 2);
	}
	int st = 0;
	for (long long end = now_ms() + 60000; waitpid(helper, &st, WNOHANG) == 0; usleep(2000)) {
		if (now_ms() > end) {
			kill(helper, SIGKILL);
			waitpid(helper, &st, 0);
			cr_assert_fail("a call inside systemd's namespace took over 60 s");
		}
	}
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the namespace helper failed");
}

/* Stopping a unit that is not loaded is 0 once systemd answers. */
static void wait_answer(void *arg)
{
	struct husk_error err = { 0 };
	for (long long end = now_ms() + BOOT_TIMEOUT_S * 1000; now_ms() < end; usleep(50000)) {
		out->r = cg_systemd_stop("husk-nothing.scope", false, &err);
		if (out->r == 0)
			return;
	}
	snprintf(out->msg, sizeof(out->msg), "%s", err.msg);
}

/* Boot systemd and wait until its private socket answers a call. */
static void sd_boot(void)
{
	const char *root = cgroup2_root();
	if (geteuid() != 0 || access(SYSTEMD_BIN, X_OK) < 0 || !root)
		cr_skip_test("needs root, %s and a cgroup2 mount", SYSTEMD_BIN);
	snprintf(sd.cg, sizeof(sd.cg), "%s/husk-sdtest-%d", root, (int)getpid());
	snprintf(sd.log, sizeof(sd.log), "/tmp/husk-sdtest-%d.log", (int)getpid());
	cr_assert(mkdir(sd.cg, 0755) == 0, "mkdir %s: %s", sd.cg, strerror(errno));

	int p[2];
	cr_assert(pipe2(p, O_CLOEXEC) == 0);
	sd.keeper = fork();
	cr_assert(sd.keeper >= 0);
	if (sd.keeper == 0) {
		char procs[300];
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", sd.cg);
		if (write_file(procs, "0") < 0 ||
		    unshare(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWPID) < 0)
			_exit(121);
		pid_t pid = fork();
		if (pid == 0)
			pid1_main();
		if (write(p[1], &pid, sizeof(pid)) != sizeof(pid))
			_exit(122);
		int st;
		waitpid(pid, &st, 0);
		_exit(0);
	}
	close(p[1]);
	cr_assert(read(p[0], &sd.pid1, sizeof(sd.pid1)) == sizeof(sd.pid1),
		  "the helper that boots systemd failed");
	close(p[0]);
	cr_assert(sd.pid1 > 0, "fork of systemd failed");

	snprintf(sd.bus, sizeof(sd.bus), "unix:path=/proc/%d/root/run/systemd/private", (int)sd.pid1);
	setenv("HUSK_SYSTEMD_BUS", sd.bus, 1);
	if (!out) {
		out = mmap(NULL, sizeof(*out), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		cr_assert(out != MAP_FAILED);
	}
	ns_run(wait_answer, NULL);
	cr_assert_eq(out->r, 0, "systemd did not answer in %d s: %s (log: %s)", BOOT_TIMEOUT_S,
		     out->msg, read_text(sd.log) ? read_text(sd.log) : "none");
}

/*
 * A process that sleeps in systemd's pid namespace, in a cgroup below
 * systemd's root: its host pid in *host, its pid as systemd sees it
 * returned.  It is systemd's child (its parent, the helper, exits), so
 * systemd reaps it.
 */
static pid_t sd_sleeper(pid_t *host)
{
	char path[400], ns[64];
	snprintf(path, sizeof(path), "%s/husk-staging", sd.cg);
	cr_assert(mkdir(path, 0755) == 0 || errno == EEXIST);
	snprintf(ns, sizeof(ns), "/proc/%d/ns/pid", (int)sd.pid1);

	int p[2];
	cr_assert(pipe2(p, O_CLOEXEC) == 0);
	pid_t helper = fork();
	cr_assert(helper >= 0);
	if (helper == 0) {
		int fd = open(ns, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWPID) < 0)
			_exit(1);
		pid_t s = fork();
		if (s == 0) {
			sigset_t all;
			sigemptyset(&all);
			sigprocmask(SIG_SETMASK, &all, NULL);
			for (;;)
				pause();
		}
		_exit(write(p[1], &s, sizeof(s)) == sizeof(s) ? 0 : 1);
	}
	close(p[1]);
	int st;
	cr_assert(read(p[0], host, sizeof(*host)) == sizeof(*host));
	close(p[0]);
	waitpid(helper, &st, 0);
	cr_assert(*host > 0);

	char procs[420], num[32];
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", path);
	snprintf(num, sizeof(num), "%d", (int)*host);
	cr_assert(write_file(procs, num) == 0, "move %d to %s: %s", (int)*host, path,
		  strerror(errno));

	/* NSpid: the host pid, then the pid in systemd's namespace. */
	snprintf(path, sizeof(path), "/proc/%d/status", (int)*host);
	const char *status = read_text(path);
	cr_assert(status);
	const char *l = strstr(status, "\nNSpid:");
	cr_assert(l, "no NSpid in %s", path);
	long host_pid, ns_pid;
	cr_assert(sscanf(l, "\nNSpid:\t%ld\t%ld", &host_pid, &ns_pid) == 2);
	cr_assert_eq(host_pid, *host);
	return (pid_t)ns_pid;
}

/*
 * A unit property through org.freedesktop.DBus.Properties.Get (inside the
 * namespace): 't' and 'b' into *u, 's' into s (256 bytes).  false with
 * out->msg set when it fails.
 */
static bool sd_get(const char *unit, const char *iface, const char *name, char type,
		   uint64_t *u, char *s)
{
	struct dbus_conn *c = NULL;
	struct husk_error err = { 0 };
	struct dbus_buf b = { 0 };
	struct dbus_msg m;
	const char *sig, *v;
	uint32_t v32;

	if (dbus_connect(sd.bus, false, 5000, &c, &err) < 0)
		goto fail;
	char *path = dbus_unit_path(unit);
	dbus_put_str(&b, iface);
	dbus_put_str(&b, name);
	int r = dbus_call(c, "org.freedesktop.systemd1", path, "org.freedesktop.DBus.Properties",
			  "Get", "ss", &b, 5000, &m, &err);
	free(path);
	dbus_buf_free(&b);
	dbus_close(c);
	if (r < 0)
		goto fail;
	struct dbus_rd rd = m.body;
	bool ok = dbus_get_variant(&rd, &sig) && sig[0] == type && !sig[1] &&
		  (type == 's' ? dbus_get_str(&rd, &v) && snprintf(s, 256, "%s", v) >= 0
		   : type == 'b' ? dbus_get_u32(&rd, &v32) && ((*u = v32), true)
		   : dbus_get_u64(&rd, u));
	dbus_msg_free(&m);
	if (!ok)
		snprintf(out->msg, sizeof(out->msg), "Get %s: not a '%c'", name, type);
	return ok;
fail:
	snprintf(out->msg, sizeof(out->msg), "Get %.40s: %.1400s", name, err.msg);
	return false;
}

static bool pid_in(const char *procs_file, pid_t pid)
{
	const char *t = read_text(procs_file);
	if (!t)
		return false;
	for (const char *l = t; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l))
		if (atol(l) == pid)
			return true;
	return false;
}

/* Wait (bounded) for a path to disappear. */
static bool gone(const char *path, int ms)
{
	for (long long end = now_ms() + ms; now_ms() < end; usleep(10000))
		if (access(path, F_OK) < 0)
			return true;
	return access(path, F_OK) < 0;
}

struct start_args {
	const char *unit;
	pid_t pid;
	const struct husk_resources *res;
	const struct husk_kv *ann;
	size_t n_ann;
};

/* Props read back after a start, in out->u[] / out->s[] in this order. */
static const struct { const char *iface, *name; char type; } readback[] = {
	{ "org.freedesktop.systemd1.Scope", "MemoryMax", 't' },
	{ "org.freedesktop.systemd1.Scope", "MemoryLow", 't' },
	{ "org.freedesktop.systemd1.Scope", "TasksMax", 't' },
	{ "org.freedesktop.systemd1.Scope", "CPUWeight", 't' },
	{ "org.freedesktop.systemd1.Scope", "CPUQuotaPerSecUSec", 't' },
	{ "org.freedesktop.systemd1.Scope", "CPUQuotaPeriodUSec", 't' },
	{ "org.freedesktop.systemd1.Scope", "TimeoutStopUSec", 't' },
	{ "org.freedesktop.systemd1.Scope", "Delegate", 'b' },
	{ "org.freedesktop.systemd1.Unit", "CollectMode", 's' },
	{ "org.freedesktop.systemd1.Unit", "Description", 's' },
	{ "org.freedesktop.systemd1.Scope", "Slice", 's' },
};

static void do_start(void *arg)
{
	const struct start_args *a = arg;
	struct husk_error err = { 0 };
	char *cg = NULL;
	out->r = cg_systemd_start("system.slice", a->unit, a->pid, false, a->res, a->ann,
				  a->n_ann, &cg, &err);
	snprintf(out->msg, sizeof(out->msg), "%s", err.msg);
	snprintf(out->cg, sizeof(out->cg), "%s", cg ? cg : "");
	free(cg);
	if (out->r < 0 || !a->res)
		return;
	for (size_t i = 0, k = 0; i < ARRAY_SIZE(readback); i++) {
		char *s = readback[i].type == 's' ? out->s[k++] : NULL;
		if (!sd_get(a->unit, readback[i].iface, readback[i].name, readback[i].type,
			    &out->u[i], s)) {
			out->r = -EBADMSG;
			return;
		}
	}
}

static void do_stop(void *arg)
{
	struct husk_error err = { 0 };
	out->r = cg_systemd_stop(arg, false, &err);
	snprintf(out->msg, sizeof(out->msg), "%s", err.msg);
}

/*
 * `husk --systemd-cgroup run`, end to end, as husk runs on a systemd host:
 * from inside systemd's pid, mount and cgroup namespaces (so /run/systemd/
 * private is found where it always is, no HUSK_SYSTEMD_BUS), in a cgroup
 * below systemd's root.  The workload prints its cgroup (no cgroup
 * namespace of its own): the scope "husk-<id>.scope" in the slice the
 * cgroupsPath names, with the annotation's property on the unit; after
 * run, the scope and its cgroup are gone and so is the state.
 */
struct husk_run {
	const char *husk, *root, *bundle, *id, *log;
};

static void do_husk_run(void *arg)
{
	const struct husk_run *a = arg;
	char path[512];
	int mnt, cgns;

	snprintf(path, sizeof(path), "%s/husk-staging/cgroup.procs", sd.cg);
	if (write_file(path, "0") < 0)
		_exit(3);
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)sd.pid1);
	mnt = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/cgroup", (int)sd.pid1);
	cgns = open(path, O_RDONLY | O_CLOEXEC);
	if (mnt < 0 || cgns < 0 || setns(cgns, CLONE_NEWCGROUP) < 0 || setns(mnt, CLONE_NEWNS) < 0)
		_exit(4);
	pid_t pid = fork();
	if (pid == 0) {
		int log = open(a->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (log < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0)
			_exit(5);
		unsetenv("HUSK_SYSTEMD_BUS");
		execl(a->husk, a->husk, "--root", a->root, "--systemd-cgroup", "run", "--bundle",
		      a->bundle, a->id, (char *)NULL);
		_exit(127);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	out->r = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* With systemd booted (scope_limits_stop()'s, saving a second boot). */
static void husk_run_in_a_scope(void)
{
	const char *husk = getenv("HUSK_BIN"), *test_dir = getenv("HUSK_TEST_DIR");
	char dir[] = "/tmp/husk-sdrun-XXXXXX", bundle[64], root[64], log[64], id[32];
	char rootfs[512], config[2048], file[600];

	cr_assert(husk && test_dir, "needs HUSK_BIN and HUSK_TEST_DIR (make check sets them)");
	cr_assert(mkdtemp(dir));
	snprintf(bundle, sizeof(bundle), "%s/bundle", dir);
	snprintf(root, sizeof(root), "%s/state", dir);
	snprintf(log, sizeof(log), "%s/log", dir);
	snprintf(id, sizeof(id), "sd%d", (int)getpid());
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", test_dir);
	snprintf(file, sizeof(file), "%s/husk-staging", sd.cg);
	cr_assert(mkdir(bundle, 0755) == 0 && (mkdir(file, 0755) == 0 || errno == EEXIST));
	snprintf(file, sizeof(file), "%s/rootfs", bundle);
	cr_assert(symlink(rootfs, file) == 0);
	snprintf(config, sizeof(config),
		 "{\"ociVersion\": \"1.2.0\", \"process\": {\"args\": [\"cat\", \"/proc/self/cgroup\"],"
		 " \"cwd\": \"/\", \"env\": [\"PATH=/bin:/usr/bin\"], \"user\": {\"uid\": 0, \"gid\": 0}},"
		 " \"root\": {\"path\": \"rootfs\", \"readonly\": true},"
		 " \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
		 " {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
		 " \"options\": [\"nosuid\", \"mode=755\"]}],"
		 " \"annotations\": {\"org.systemd.property.CollectMode\": \"'inactive-or-failed'\"},"
		 " \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"}],"
		 " \"cgroupsPath\": \"system.slice:husk:%s\"}}", id);
	snprintf(file, sizeof(file), "%s/config.json", bundle);
	cr_assert(write_file(file, config) == 0);

	struct husk_run a = { husk, root, bundle, id, log };
	ns_run(do_husk_run, &a);
	const char *text = read_text(log);
	char want[128];
	snprintf(want, sizeof(want), "0::/system.slice/husk-%s.scope\n", id);
	cr_assert_eq(out->r, 0, "husk --systemd-cgroup run exited %d:\n%s", out->r, text);
	cr_assert(text && strstr(text, want), "the workload is not in its scope (%s):\n%s", want,
		  text);

	snprintf(file, sizeof(file), "%s/system.slice/husk-%s.scope", sd.cg, id);
	cr_expect(gone(file, 3000), "%s is still there after run", file);
	snprintf(file, sizeof(file), "%s/%s", root, id);
	cr_expect(access(file, F_OK) < 0, "the state %s is still there", file);
	snprintf(file, sizeof(file), "rm -rf %s", dir);
	cr_expect(system(file) == 0);
}

Test(systemd, scope_limits_stop, .fini = sd_fini, .timeout = 120)
{
	sd_boot();
	pid_t host, pid = sd_sleeper(&host);

	char unit[64];
	snprintf(unit, sizeof(unit), "husk-t%d.scope", (int)getpid());
	struct husk_memory mem = { .limit = { true, 256 << 20 }, .reservation = { true, 64 << 20 } };
	struct husk_cpu cpu = { .shares = { true, 1024 }, .quota = { true, 50000 },
				.period = { true, 100000 } };
	struct husk_resources res = { .memory = &mem, .cpu = &cpu, .pids_limit = { true, 100 } };
	struct husk_kv ann[] = {
		{ "org.systemd.property.TimeoutStopSec", "7" },
		{ "org.systemd.property.CollectMode", "'inactive-or-failed'" },
		{ "org.systemd.property.TasksMax", "uint64 99" },   /* overrides pids.limit */
		{ "io.other.annotation", "ignored" },
	};
	struct start_args a = { unit, pid, &res, ann, ARRAY_SIZE(ann) };
	ns_run(do_start, &a);
	cr_assert_eq(out->r, 0, "cg_systemd_start: %d %s", out->r, out->msg);

	/* The scope's cgroup exists, with the process in it (and only there). */
	char want[128], dir[512], procs[600];
	snprintf(want, sizeof(want), "/system.slice/%s", unit);
	cr_assert_str_eq(out->cg, want);
	snprintf(dir, sizeof(dir), "%s%s", sd.cg, out->cg);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	cr_assert(pid_in(procs, host), "pid %d (host %d) not in %s", (int)pid, (int)host, procs);
	char staging[600];
	snprintf(staging, sizeof(staging), "%s/husk-staging/cgroup.procs", sd.cg);
	cr_assert(!pid_in(staging, host), "pid %d still in the staging cgroup", (int)host);

	/* The properties landed, as systemd reports them. */
	cr_expect_eq(out->u[0], 256u << 20, "MemoryMax %llu", (unsigned long long)out->u[0]);
	cr_expect_eq(out->u[1], 64u << 20, "MemoryLow");
	cr_expect_eq(out->u[2], 99, "TasksMax %llu: the annotation overrides pids.limit",
		     (unsigned long long)out->u[2]);
	cr_expect_eq(out->u[3], 100, "CPUWeight %llu: the curve keeps 1024 -> 100",
		     (unsigned long long)out->u[3]);
	cr_expect_eq(out->u[4], 500000, "CPUQuotaPerSecUSec %llu", (unsigned long long)out->u[4]);
	cr_expect_eq(out->u[5], 100000, "CPUQuotaPeriodUSec");
	cr_expect_eq(out->u[6], 7000000, "TimeoutStopUSec %llu", (unsigned long long)out->u[6]);
	cr_expect_eq(out->u[7], 1, "Delegate is not true");
	cr_expect_str_eq(out->s[0], "inactive-or-failed");
	char desc[64];
	snprintf(desc, sizeof(desc), "husk container husk-t%d", (int)getpid());
	cr_expect_str_eq(out->s[1], desc);
	cr_expect_str_eq(out->s[2], "system.slice");

	/* The files, where this cgroup2 has the controllers (not on a hybrid host). */
	char file[640];
	snprintf(file, sizeof(file), "%s/pids.max", dir);
	const char *t = read_text(file);
	if (t)
		cr_expect_str_eq(t, "99\n");
	snprintf(file, sizeof(file), "%s/memory.max", dir);
	t = read_text(file);
	if (t)
		cr_expect_str_eq(t, "268435456\n");

	/* A second start of the same unit: a clear error, the scope untouched. */
	struct start_args again = { unit, pid, NULL, NULL, 0 };
	ns_run(do_start, &again);
	cr_expect_eq(out->r, -EEXIST, "second start: %d %s", out->r, out->msg);
	cr_expect(strstr(out->msg, "UnitExists") && strstr(out->msg, unit), "%s", out->msg);
	cr_expect_str_eq(out->cg, "");
	cr_expect(pid_in(procs, host), "the second start disturbed the scope");

	/* Stop: the process is killed, the cgroup goes; a second stop is 0. */
	ns_run(do_stop, unit);
	cr_assert_eq(out->r, 0, "cg_systemd_stop: %s", out->msg);
	cr_expect(gone(dir, 3000), "%s is still there after StopUnit", dir);
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/%d", (int)host);
	cr_expect(gone(proc, 3000), "the scope's process %d survived StopUnit", (int)host);
	ns_run(do_stop, unit);
	cr_expect_eq(out->r, 0, "stop of a stopped unit: %s", out->msg);

	/* The same systemd, through husk itself. */
	husk_run_in_a_scope();
}

/* Nothing listens: one line that says systemd is not running and what to do. */
Test(systemd, not_running, .fini = sd_fini, .timeout = 30)
{
	char dir[] = "/tmp/husk-sdtest-XXXXXX", sock[64], env[160];
	cr_assert(mkdtemp(dir));
	/* A socket file nobody listens on (ECONNREFUSED), and a missing one (ENOENT). */
	snprintf(sock, sizeof(sock), "%s/private", dir);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	cr_assert(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	close(fd);
	const char *cases[] = { sock, "/nonexistent/husk/systemd/private" };
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(env, sizeof(env), "unix:path=%s", cases[i]);
		setenv("HUSK_SYSTEMD_BUS", env, 1);
		struct husk_error err = { 0 };
		char *cg = NULL;
		long long t0 = now_ms();
		int r = cg_systemd_start("system.slice", "husk-x.scope", getpid(), false, NULL, NULL, 0,
					 &cg, &err);
		cr_expect(r == -ECONNREFUSED || r == -ENOENT, "%d: %s", r, err.msg);
		cr_expect(strstr(err.msg, "systemd is not running"), "%s", err.msg);
		cr_expect(strstr(err.msg, cases[i]), "the socket tried is not named: %s", err.msg);
		cr_expect(strstr(err.msg, "without --systemd-cgroup"), "%s", err.msg);
		cr_expect(!strchr(err.msg, '\n'));
		cr_expect(now_ms() - t0 < 2000, "a dead socket took %lld ms", now_ms() - t0);
		r = cg_systemd_stop("husk-x.scope", false, &err);
		cr_expect(strstr(err.msg, "systemd is not running"), "stop: %s", err.msg);
	}
	unlink(sock);
	rmdir(dir);
}

