/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shipped profiles: both parse as .linux.seccomp of a config.json and
 * compile without a warning, the embedded copy of default.json is the file,
 * and under each profile a forked child sees what the profile promises:
 * the escape and attack primitives refused, ordinary calls (threads, fork,
 * sockets of the usual families) working.  Run from the top of the tree
 * (make does), where seccomp-profiles/ is.
 */
#include "test_security_util.h"

#include <linux/sched.h>
#include <pthread.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static char *profile_text(const char *name)
{
	_cleanup_free_ char *path = xasprintf("seccomp-profiles/%s", name);
	struct husk_error err = { 0 };
	char *text = NULL;
	size_t len;

	cr_assert_eq(read_file_at(AT_FDCWD, path, 1 << 20, &text, &len, &err), 0,
		     "%s (run the tests from the top of the tree)", err.msg);
	return text;
}

static struct security_plan *profile_plan(const char *text)
{
	_cleanup_free_ char *lx = xasprintf("\"seccomp\":%s", text);
	_cleanup_strv_ char **warnings = NULL;
	struct security_plan *p = plan_with("\"noNewPrivileges\":true", lx, &warnings);

	cr_assert_null(warnings, "warning: %s", warnings ? warnings[0] : "");
	cr_assert_not_null(p->bpf);
	cr_assert_lt(p->bpf_len, 4096);
	return p;
}

Test(security_profiles, embedded_default_is_the_file)
{
	_cleanup_free_ char *file = profile_text("default.json");
	size_t len = 0;
	const char *embedded = security_default_profile(&len);

	cr_assert_eq(len, strlen(file));
	cr_assert_eq(memcmp(embedded, file, len), 0);
	cr_assert_eq(embedded[len], '\0');
}

Test(security_profiles, both_compile)
{
	const char *names[] = { "default.json", "strict.json" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		_cleanup_free_ char *text = profile_text(names[i]);

		security_plan_free(profile_plan(text));
	}
}

/* ---- behaviour ----------------------------------------------------------- */

static void *thread_fn(void *arg)
{
	return arg;
}

#define NOWHERE "/proc/self/husk-nonexistent"

/*
 * One token per probe, in order; see the expectations below.  Every probe
 * is harmless if a mutated filter let it through: bad arguments, paths
 * that do not exist, a pid that does not exist.
 */
static void probe_default(int fd, void *arg)
{
	pthread_t t;
	void *ret = NULL;
	pid_t pid;
	long r;
	int st;

	report_errno(fd, syscall(SYS_unshare, CLONE_NEWUSER));
	report_errno(fd, syscall(SYS_unshare, CLONE_NEWNS));
	report_errno(fd, syscall(SYS_unshare, CLONE_FILES));
	r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, 0);
	if (r == 0)
		_exit(0);
	report_errno(fd, r);
	report_errno(fd, syscall(SYS_clone3, NULL, 0));
	report_errno(fd, syscall(SYS_mount, "none", NOWHERE, "tmpfs", 0, NULL));
	report_errno(fd, syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0));
	report_errno(fd, syscall(SYS_bpf, 0, NULL, 0));
	report_errno(fd, syscall(SYS_ptrace, PTRACE_ATTACH, 0x7ffffff0, NULL, NULL));
	report_errno(fd, syscall(SYS_kexec_load, 0, 0, NULL, 0xdead0000UL));
	report_errno(fd, syscall(SYS_setns, -1, 0));
	report_errno(fd, syscall(SYS_open_by_handle_at, -1, NULL, 0));
	report_errno(fd, syscall(SYS_name_to_handle_at, -1, "", NULL, NULL, 0));
	report_errno(fd, syscall(SYS_io_uring_setup, 1, NULL));
	r = syscall(SYS_userfaultfd, O_CLOEXEC);
	report_errno(fd, r);
	report_errno(fd, syscall(SYS_personality, 0xffffffffUL));
	report_errno(fd, syscall(SYS_personality, (unsigned long)ADDR_NO_RANDOMIZE));
	report_errno(fd, syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
	report_errno(fd, syscall(SYS_socket, 40 /* AF_VSOCK */, SOCK_STREAM | SOCK_CLOEXEC, 0));
	report_errno(fd, syscall(SYS_socket, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0));
	report_errno(fd, syscall(SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
	/* Ordinary life: a thread (glibc tries clone3 first), fork, exit status. */
	if (pthread_create(&t, NULL, thread_fn, (void *)7) == 0 && pthread_join(t, &ret) == 0 &&
	    ret == (void *)7)
		child_printf(fd, "THREAD ");
	pid = fork();
	if (pid == 0)
		_exit(3);
	if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 3)
		child_printf(fd, "FORK");
}

/*
 * The answers, in probe order.  strict.json differs in unshare(CLONE_FILES)
 * (no unshare at all) and AF_NETLINK.
 */

static void run_profile(const char *name, const char *want)
{
	_cleanup_free_ char *text = profile_text(name);
	struct security_plan *p = profile_plan(text);
	struct probe_case c = { .plan = p, .probe = probe_default };
	struct child_result res;

	run_child(probe_child, &c, &res);
	cr_assert(exited_ok(&res), "status %#x: %s", res.status, res.out);
	cr_assert_str_eq(res.out, want);
	security_plan_free(p);
}

Test(security_profiles, default_refuses_and_runs)
{
	run_profile("default.json", "E1 E1 OK E1 E38 E1 E1 E1 E1 E1 E1 E1 E95 E38 E1 OK E1 OK E1 "
		    "OK OK THREAD FORK");
}

Test(security_profiles, strict_refuses_more)
{
	run_profile("strict.json", "E1 E1 E1 E1 E38 E1 E1 E1 E1 E1 E1 E1 E95 E38 E1 OK E1 OK E1 "
		    "E1 OK THREAD FORK");
}

static void probe_strict_extra(int fd, void *arg)
{
	report_errno(fd, syscall(SYS_mknodat, AT_FDCWD, NOWHERE "/fifo", S_IFIFO | 0600, 0));
	report_errno(fd, syscall(SYS_chroot, NOWHERE));
	report_errno(fd, syscall(SYS_msgget, 0x4855534b, 0));
	report_errno(fd, syscall(SYS_sync));
	report_errno(fd, syscall(SYS_setxattr, NOWHERE, "user.husk", "x", 1, 0));
	report_errno(fd, syscall(SYS_personality, 0x0008UL));
}

Test(security_profiles, strict_drops_what_servers_do_not_need)
{
	_cleanup_free_ char *text = profile_text("strict.json");
	struct security_plan *p = profile_plan(text);
	struct probe_case c = { .plan = p, .probe = probe_strict_extra };
	struct child_result res;

	run_child(probe_child, &c, &res);
	cr_assert(exited_ok(&res), "status %#x: %s", res.status, res.out);
	cr_assert_str_eq(res.out, "E1 E1 E1 E1 E1 E1 ");
	security_plan_free(p);
}
