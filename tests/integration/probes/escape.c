// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Escape attempts from inside a container, one subcommand per kind, for
 * tests/integration/test_attacks*.c.  Every attempt prints one line
 * "what: result", where a result is "OK" (the attempt worked), an errno
 * name (EPERM, ENOSYS, EROFS ...) or what was found.  Nothing here is
 * clever: each line is the plain syscall an attacker would try first.
 *
 *   escape fds            "fds: 0 1 2" (every open fd but the listing's own),
 *                         "fd N: dir|outside TARGET" for a directory or, past
 *                         stdio, a file on another filesystem than "/";
 *                         "pid1-fd N: TARGET" for PID 1's fds past stdio
 *   escape env            "self-environ: clean|SECRET", "pid1-environ: ..."
 *   escape cwd            "getcwd: PATH", "dotdot: root|OUTSIDE ...",
 *                         "proc-cwd: TARGET"
 *   escape keyring ID DESC  "session: N", "read: PAYLOAD|ERR" (KEYCTL_READ
 *                         of key ID), "search: N|ERR" (DESC in our session)
 *   escape syscalls       the denied-by-profile list: unshare, clone-newuser,
 *                         mount, fsopen, keyctl, add_key, bpf, ptrace1,
 *                         perf_event_open, userfaultfd, open_by_handle, kexec,
 *                         clone3, io_uring
 *   escape compat         the same through the i386 ABI (int $0x80) and x32:
 *                         compat-getpid (is the ABI there), compat-unshare,
 *                         compat-mount, compat-keyctl, compat-ptrace1,
 *                         compat-kexec, x32-unshare; a killed attempt prints
 *                         its signal (SIGSYS)
 *   escape ordinary       fork-exec, thread, socket-inet, socket-inet6,
 *                         socket-unix: what a normal workload needs
 *   escape read PATH...   "PATH: data|empty|dir N|ERR"
 *   escape write PATH...  "PATH: OPENED|ERR ro|rw" (open for writing, never
 *                         writes; "ro" when the mount is read-only)
 *   escape ids            "uid=R euid=E"
 *   escape status         the Cap*, NoNewPrivs and Seccomp lines of
 *                         /proc/self/status
 *
 * Every attempt in "syscalls" runs in a child of its own, so that one that
 * works (a new user namespace, a mount) cannot change the next one.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define KEYCTL_GET_KEYRING_ID 0
#define KEYCTL_READ 11
#define KEYCTL_SEARCH 10
#define KEY_SPEC_SESSION_KEYRING (-3)

static const char *const secrets[] = { "HUSK_HOST_SECRET", "leaked-from-the-host" };

/* The errno as its name ("EPERM"); an unnamed one as "errno N". */
static const char *err_name(int e)
{
	static char buf[32];
	const char *name = strerrorname_np(e);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

/* "OK" for a call that returned >= 0, else the errno name. */
static const char *result(long r)
{
	return r >= 0 ? "OK" : err_name(errno);
}

/* ---- fds ----------------------------------------------------------------- */

static void fd_target(const char *dir, const char *name, char *buf, size_t size)
{
	char link[300];
	ssize_t n;

	snprintf(link, sizeof(link), "%s/%s", dir, name);
	n = readlink(link, buf, size - 1);
	if (n < 0)
		snprintf(buf, size, "?%s", err_name(errno));
	else
		buf[n] = '\0';
}

/* Our fds; a directory anywhere, or past stdio a file outside "/", is reported. */
static int cmd_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct stat root, st;
	struct dirent *e;
	char target[512];
	int fds[256], n = 0;

	if (!d || stat("/", &root) < 0) {
		printf("fds: %s\n", err_name(errno));
		return 1;
	}
	while ((e = readdir(d)) && n < 256) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] == '.' || fd == dirfd(d))
			continue;
		fds[n++] = fd;
	}
	/* readdir of /proc/self/fd is in ascending order already. */
	printf("fds:");
	for (int i = 0; i < n; i++)
		printf(" %d", fds[i]);
	printf("\n");
	for (int i = 0; i < n; i++) {
		char name[16];

		snprintf(name, sizeof(name), "%d", fds[i]);
		fd_target("/proc/self/fd", name, target, sizeof(target));
		if (fstat(fds[i], &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			printf("fd %d: dir %s\n", fds[i], target);
		else if (fds[i] > 2 && (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) &&
			 st.st_dev != root.st_dev)
			printf("fd %d: outside %s\n", fds[i], target);
	}
	closedir(d);

	/* PID 1 (husk-init) is not dumpable: "pid1-fds: EACCES" is a fine answer. */
	d = opendir("/proc/1/fd");
	if (!d) {
		printf("pid1-fds: %s\n", err_name(errno));
		return 0;
	}
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] == '.' || fd <= 2)
			continue;
		fd_target("/proc/1/fd", e->d_name, target, sizeof(target));
		printf("pid1-fd %d: %s\n", fd, target);
	}
	closedir(d);
	printf("pid1-fds: listed\n");
	return 0;
}

/* ---- env ----------------------------------------------------------------- */

static void check_environ(const char *what, const char *path)
{
	static char buf[1 << 16];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;

	if (fd < 0) {
		printf("%s: %s\n", what, err_name(errno));
		return;
	}
	/* Another process's environ (not dumpable) opens but fails to read. */
	while (len < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - len)) != 0) {
		if (n < 0) {
			if (len == 0) {
				printf("%s: %s\n", what, err_name(errno));
				close(fd);
				return;
			}
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		if (memmem(buf, len, secrets[i], strlen(secrets[i]))) {
			printf("%s: SECRET\n", what);
			return;
		}
	}
	printf("%s: clean\n", what);
}

static int cmd_env(void)
{
	check_environ("self-environ", "/proc/self/environ");
	check_environ("pid1-environ", "/proc/1/environ");
	return 0;
}

/* ---- cwd ----------------------------------------------------------------- */

/* Climb ".." from the cwd until it stops moving: that must be our "/". */
static void climb_to_top(void)
{
	struct stat root, cur, up;
	int fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || stat("/", &root) < 0 || fstat(fd, &cur) < 0) {
		printf("dotdot: %s\n", err_name(errno));
		return;
	}
	for (int i = 0; i < 4096; i++) {
		int parent = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (parent < 0 || fstat(parent, &up) < 0) {
			printf("dotdot: %s\n", err_name(errno));
			close(fd);
			return;
		}
		close(fd);
		fd = parent;
		if (up.st_dev == cur.st_dev && up.st_ino == cur.st_ino)
			break;
		cur = up;
	}
	close(fd);
	if (cur.st_dev == root.st_dev && cur.st_ino == root.st_ino)
		printf("dotdot: root\n");
	else
		printf("dotdot: OUTSIDE top %lu:%lu, / is %lu:%lu\n", (unsigned long)cur.st_dev,
		       (unsigned long)cur.st_ino, (unsigned long)root.st_dev,
		       (unsigned long)root.st_ino);
}

static int cmd_cwd(void)
{
	char buf[4096];
	ssize_t n;

	if (getcwd(buf, sizeof(buf)))
		printf("getcwd: %s\n", buf);
	else
		printf("getcwd: %s\n", err_name(errno));
	climb_to_top();
	n = readlink("/proc/self/cwd", buf, sizeof(buf) - 1);
	if (n < 0) {
		printf("proc-cwd: %s\n", err_name(errno));
	} else {
		buf[n] = '\0';
		printf("proc-cwd: %s\n", buf);
	}
	return 0;
}

/* ---- keyring ------------------------------------------------------------- */

static int cmd_keyring(const char *id, const char *desc)
{
	char payload[256];
	long r;

	r = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
	if (r < 0)
		printf("session: %s\n", err_name(errno));
	else
		printf("session: %ld\n", r);
	r = syscall(SYS_keyctl, KEYCTL_READ, atol(id), payload, sizeof(payload) - 1);
	if (r < 0) {
		printf("read: %s\n", err_name(errno));
	} else {
		payload[r < (long)sizeof(payload) ? r : (long)sizeof(payload) - 1] = '\0';
		printf("read: %s\n", payload);
	}
	r = syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, "user", desc, 0);
	if (r < 0)
		printf("search: %s\n", err_name(errno));
	else
		printf("search: %ld\n", r);
	return 0;
}

/* ---- syscalls the default profile denies ---------------------------------- */

static long try_unshare(void)
{
	return unshare(CLONE_NEWUSER);
}

/* A child through clone(2) itself, in a new user namespace. */
static long try_clone_newuser(void)
{
	long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0L, 0L, 0L, 0L);

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return pid;
}

/* On a directory of its own, so that even a mount that works covers nothing. */
static long try_mount(void)
{
	mkdir("/tmp/husk-attack-mnt", 0700);
	return mount("husk-attack", "/tmp/husk-attack-mnt", "tmpfs", 0, NULL);
}

/* The new mount API must be as closed as mount(2). */
static long try_fsopen(void)
{
	return syscall(SYS_fsopen, "tmpfs", 1 /* FSOPEN_CLOEXEC */);
}

static long try_keyctl(void)
{
	return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
}

static long try_add_key(void)
{
	return syscall(SYS_add_key, "user", "husk-attack", "x", 1, KEY_SPEC_SESSION_KEYRING);
}

static long try_bpf(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	return syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
}

/*
 * PTRACE_SEIZE takes the same permission path as PTRACE_ATTACH without
 * stopping PID 1; the tracer exits right after, which detaches it.
 */
static long try_ptrace1(void)
{
	return ptrace(PTRACE_SEIZE, 1, NULL, NULL);
}

static long try_perf_event_open(void)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	return syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

static long try_userfaultfd(void)
{
	return syscall(SYS_userfaultfd, O_CLOEXEC);
}

/* The "shocker" escape's syscall; a bogus handle is enough to be refused. */
static long try_open_by_handle(void)
{
	struct {
		unsigned int handle_bytes;
		int handle_type;
		unsigned char f_handle[8];
	} h = { .handle_bytes = 8, .handle_type = 1 };
	int mfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long r = syscall(SYS_open_by_handle_at, mfd, &h, O_RDONLY);
	int e = errno;

	close(mfd);
	errno = e;
	return r;
}

/* Invalid flags: even a holder of CAP_SYS_BOOT gets EINVAL, never a reload. */
static long try_kexec(void)
{
	return syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0xdead0000UL);
}

static long try_clone3(void)
{
	struct clone_args args;
	long pid;

	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return pid;
}

static long try_io_uring(void)
{
	unsigned char params[120];

	memset(params, 0, sizeof(params));
	return syscall(SYS_io_uring_setup, 1, params);
}

struct attempt {
	const char *name;
	long (*fn)(void);
};

/* Run fn in a child of its own; it prints its line. */
static void attempt(const struct attempt *a)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("%s: fork %s\n", a->name, err_name(errno));
		return;
	}
	if (pid == 0) {
		long r = a->fn();

		printf("%s: %s\n", a->name, result(r));
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
}

/*
 * Only inside a test container (the harness puts HUSK_IT_TOKEN into every
 * workload's environment): run on a host as root, these attempts work.
 */
static int cmd_syscalls(void)
{
	static const struct attempt list[] = {
		{ "unshare", try_unshare },
		{ "clone-newuser", try_clone_newuser },
		{ "mount", try_mount },
		{ "fsopen", try_fsopen },
		{ "keyctl", try_keyctl },
		{ "add_key", try_add_key },
		{ "bpf", try_bpf },
		{ "ptrace1", try_ptrace1 },
		{ "perf_event_open", try_perf_event_open },
		{ "userfaultfd", try_userfaultfd },
		{ "open_by_handle", try_open_by_handle },
		{ "kexec", try_kexec },
		{ "clone3", try_clone3 },
		{ "io_uring", try_io_uring },
	};

	if (!getenv("HUSK_IT_TOKEN")) {
		fprintf(stderr, "escape syscalls: only inside a test container "
			"(no HUSK_IT_TOKEN)\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		attempt(&list[i]);
	return 0;
}

/* ---- the same through the compat ABIs (x86-64 only) ------------------------- */

#if defined(__x86_64__)
/*
 * A syscall through int $0x80: the i386 ABI, numbers and all, which a
 * filter written for x86_64 alone would not see.  Arguments are 32 bits:
 * pointers must be low addresses (this probe is a static, non-PIE binary,
 * so its strings and globals are).  r8-r11 are clobbered by the kernel.
 */
static long int80(long nr, long a, long b, long c, long d, long e)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory", "r8", "r9", "r10", "r11");
	ret = (int)ret;
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

static bool low(const void *p)
{
	return (uintptr_t)p <= 0xffffffffUL;
}

static const char mnt_source[] = "husk-attack";
static const char mnt_target[] = "/tmp/husk-attack-mnt";
static const char mnt_type[] = "tmpfs";

static long i386_getpid(void)
{
	return int80(20, 0, 0, 0, 0, 0);
}

static long i386_unshare(void)
{
	return int80(310, CLONE_NEWUSER, 0, 0, 0, 0);
}

static long i386_mount(void)
{
	mkdir(mnt_target, 0700);
	if (!low(mnt_source) || !low(mnt_target) || !low(mnt_type)) {
		errno = EFAULT;
		return -1;
	}
	return int80(21, (long)(uintptr_t)mnt_source, (long)(uintptr_t)mnt_target,
		     (long)(uintptr_t)mnt_type, 0, 0);
}

static long i386_keyctl(void)
{
	return int80(288, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0, 0, 0);
}

static long i386_ptrace1(void)
{
	return int80(26, PTRACE_SEIZE, 1, 0, 0, 0);
}

static long i386_kexec(void)
{
	return int80(283, 0, 0, 0, 0xdead0000L, 0);
}

/* x32 numbering: the x86_64 number with bit 30 set (unshare is 272). */
static long x32_unshare(void)
{
	return syscall(272 | 0x40000000L, CLONE_NEWUSER);
}
#endif

/* Run fn in a child; "SIGSYS" and the like when the child is killed by one. */
static void attempt_or_signal(const struct attempt *a)
{
	int pfd[2], status = 0;
	char buf[64];
	ssize_t n;
	pid_t pid;

	if (pipe(pfd) < 0) {
		printf("%s: pipe %s\n", a->name, err_name(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		long r = a->fn();
		int len = snprintf(buf, sizeof(buf), "%s", result(r));

		if (write(pfd[1], buf, (size_t)len) < 0)
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	n = pid < 0 ? -1 : read(pfd[0], buf, sizeof(buf) - 1);
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (n > 0) {
		buf[n] = '\0';
		printf("%s: %s\n", a->name, buf);
	} else if (pid > 0 && WIFSIGNALED(status)) {
		const char *sig = sigabbrev_np(WTERMSIG(status));

		printf("%s: SIG%s\n", a->name, sig ? sig : "NAL");
	} else {
		printf("%s: no answer\n", a->name);
	}
}

/*
 * "compat-getpid" shows whether the i386 ABI is there at all (SIGSEGV on a
 * kernel without it); the others must never say OK inside.
 */
static int cmd_compat(void)
{
#if defined(__x86_64__)
	static const struct attempt list[] = {
		{ "compat-getpid", i386_getpid },
		{ "compat-unshare", i386_unshare },
		{ "compat-mount", i386_mount },
		{ "compat-keyctl", i386_keyctl },
		{ "compat-ptrace1", i386_ptrace1 },
		{ "compat-kexec", i386_kexec },
		{ "x32-unshare", x32_unshare },
	};

	if (!getenv("HUSK_IT_TOKEN")) {
		fprintf(stderr, "escape compat: only inside a test container (no HUSK_IT_TOKEN)\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		attempt_or_signal(&list[i]);
#else
	printf("compat: not x86_64\n");
#endif
	return 0;
}

/* ---- what an ordinary workload needs -------------------------------------- */

static long try_fork_exec(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = ECHILD;
		return -1;
	}
	return 0;
}

static void *thread_fn(void *arg)
{
	return arg;
}

static long try_thread(void)
{
	static int token;
	pthread_t t;
	void *out = NULL;
	int r = pthread_create(&t, NULL, thread_fn, &token);

	if (r != 0) {
		errno = r;
		return -1;
	}
	pthread_join(t, &out);
	return out == &token ? 0 : -1;
}

/* A listening TCP socket on the loopback address, port chosen by the kernel. */
static long try_socket_inet(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	long r;

	if (fd < 0)
		return -1;
	r = bind(fd, (struct sockaddr *)&a, sizeof(a));
	if (r == 0)
		r = listen(fd, 1);
	close(fd);
	return r;
}

static long try_socket_inet6(void)
{
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd >= 0)
		close(fd);
	return fd;
}

static long try_socket_unix(void)
{
	int sv[2];
	long r = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);

	if (r == 0) {
		r = write(sv[0], "x", 1) == 1 ? 0 : -1;
		close(sv[0]);
		close(sv[1]);
	}
	return r;
}

static int cmd_ordinary(void)
{
	static const struct attempt list[] = {
		{ "fork-exec", try_fork_exec },
		{ "thread", try_thread },
		{ "socket-inet", try_socket_inet },
		{ "socket-inet6", try_socket_inet6 },
		{ "socket-unix", try_socket_unix },
	};

	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		printf("%s: %s\n", list[i].name, result(list[i].fn()));
	return 0;
}

/* ---- files ----------------------------------------------------------------- */

static void read_one(const char *path)
{
	char buf[4096];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		printf("%s: %s\n", path, err_name(errno));
		return;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		DIR *d = fdopendir(fd);
		struct dirent *e;
		int count = 0;

		while (d && (e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				count++;
		printf("%s: dir %d\n", path, count);
		if (d)
			closedir(d);
		return;
	}
	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		printf("%s: %s\n", path, err_name(errno));
	else
		printf("%s: %s\n", path, n ? "data" : "empty");
	close(fd);
}

static void write_one(const char *path)
{
	struct statvfs vfs;
	const char *ro = "?";
	char parent[4096], *slash;
	int fd;

	/* A path that does not exist is judged by the mount of its parent. */
	snprintf(parent, sizeof(parent), "%s", path);
	if (access(path, F_OK) != 0 && (slash = strrchr(parent, '/')))
		slash[slash == parent ? 1 : 0] = '\0';
	if (statvfs(parent, &vfs) == 0)
		ro = (vfs.f_flag & ST_RDONLY) ? "ro" : "rw";
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0600);
	if (fd >= 0) {
		close(fd);
		printf("%s: OPENED %s\n", path, ro);
	} else {
		printf("%s: %s %s\n", path, err_name(errno), ro);
	}
}

static int cmd_ids(void)
{
	printf("uid=%d euid=%d\n", (int)getuid(), (int)geteuid());
	return 0;
}

/* "CapInh: 0000000000000000" and so on: the status lines, with one blank. */
static int cmd_status(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256], name[64], value[128];

	if (!f) {
		printf("status: %s\n", err_name(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Cap", 3) && strncmp(line, "NoNewPrivs:", 11) &&
		    strncmp(line, "Seccomp:", 8))
			continue;
		if (sscanf(line, "%63[^:]: %127s", name, value) == 2)
			printf("%s: %s\n", name, value);
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "fds"))
		return cmd_fds();
	if (!strcmp(cmd, "env"))
		return cmd_env();
	if (!strcmp(cmd, "cwd"))
		return cmd_cwd();
	if (!strcmp(cmd, "keyring") && argc == 4)
		return cmd_keyring(argv[2], argv[3]);
	if (!strcmp(cmd, "syscalls"))
		return cmd_syscalls();
	if (!strcmp(cmd, "compat"))
		return cmd_compat();
	if (!strcmp(cmd, "ordinary"))
		return cmd_ordinary();
	if (!strcmp(cmd, "read") || !strcmp(cmd, "write")) {
		for (int i = 2; i < argc; i++)
			(cmd[0] == 'r' ? read_one : write_one)(argv[i]);
		return 0;
	}
	if (!strcmp(cmd, "ids"))
		return cmd_ids();
	if (!strcmp(cmd, "status"))
		return cmd_status();
	fprintf(stderr, "usage: escape fds|env|cwd|keyring ID DESC|syscalls|ordinary|"
		"compat|read PATH...|write PATH...|ids|status\n");
	return 2;
}
