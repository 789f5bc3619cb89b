/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Seccomp: profiles compiled by security_prepare() and loaded with
 * security_seccomp_apply() in a forked child, which then makes the
 * syscalls under test with syscall(2) and reports "OK" or "E<errno>" for
 * each.  Only write and exit_group are needed after the filter is loaded.
 */
#include "test_security_util.h"

#include <seccomp.h>
#include <stddef.h>

#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define NNP "\"noNewPrivileges\":true"
#define X32_BIT 0x40000000L

static void report(int fd, long r)
{
	report_errno(fd, r);
}

static void run_sc(struct probe_case *c, struct child_result *res)
{
	run_child(probe_child, c, res);
}

/* Prepare `seccomp` (the JSON object) for a process with no_new_privs. */
static struct security_plan *sc_plan(const char *seccomp, char ***warnings)
{
	_cleanup_free_ char *lx = xasprintf("\"seccomp\":%s", seccomp);

	return plan_with(NNP, lx, warnings);
}

static void sc_fails(const char *seccomp, const char *expected)
{
	_cleanup_free_ char *lx = xasprintf("\"seccomp\":%s", seccomp);

	plan_fails(NNP, lx, expected);
}

/* Run `probe` under `seccomp`; the child must exit 0; returns its report. */
static void expect_report(const char *seccomp, probe_fn probe, void *arg, const char *want)
{
	struct security_plan *p = sc_plan(seccomp, NULL);
	struct probe_case c = { .plan = p, .probe = probe, .arg = arg };
	struct child_result res;

	run_sc(&c, &res);
	cr_assert(exited_ok(&res), "child status %#x: %s", res.status, res.out);
	cr_assert_str_eq(res.out, want);
	security_plan_free(p);
}

static void expect_sigsys(const char *seccomp, probe_fn probe)
{
	struct security_plan *p = sc_plan(seccomp, NULL);
	struct probe_case c = { .plan = p, .probe = probe };
	struct child_result res;

	run_sc(&c, &res);
	cr_assert(WIFSIGNALED(res.status) && WTERMSIG(res.status) == SIGSYS,
		  "child status %#x, output %s", res.status, res.out);
	security_plan_free(p);
}

/* ---- actions and errno ------------------------------------------------ */

static void probe_mkdir_getpid(int fd, void *arg)
{
	report(fd, syscall(SYS_mkdirat, AT_FDCWD, "/tmp/husk-seccomp-never", 0700));
	report(fd, syscall(SYS_mkdir, "/tmp/husk-seccomp-never", 0700));
	report(fd, syscall(SYS_getpid));
	report(fd, syscall(SYS_getppid));
}

Test(security_seccomp, errno_default_eperm_and_errno_ret)
{
	expect_report("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
		      "{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\"},"
		      "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]}",
		      probe_mkdir_getpid, NULL, "E1 E1 E42 OK ");
}

static void probe_getppid(int fd, void *arg)
{
	report(fd, syscall(SYS_getppid));
}

Test(security_seccomp, unknown_syscall_names_are_skipped)
{
	_cleanup_strv_ char **warnings = NULL;
	struct security_plan *p = sc_plan("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
					  "{\"names\":[\"husk_no_such_call\",\"getppid\"],"
					  "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":46}]}",
					  &warnings);

	cr_assert_null(warnings, "skipping is silent, got: %s", warnings ? warnings[0] : "");
	security_plan_free(p);
	expect_report("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
		      "{\"names\":[\"husk_no_such_call\",\"getppid\"],"
		      "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":46}]}",
		      probe_getppid, NULL, "E46 ");
}

Test(security_seccomp, kill_process)
{
	expect_sigsys("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
		      "[\"getppid\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}", probe_getppid);
}

Test(security_seccomp, kill_thread)
{
	expect_sigsys("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
		      "[\"getppid\"],\"action\":\"SCMP_ACT_KILL\"}]}", probe_getppid);
}

static volatile sig_atomic_t trapped_nr = -1, trapped_data = -1;

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	trapped_nr = si->si_syscall;
	trapped_data = si->si_errno;
}

static void probe_trap(int fd, void *arg)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };

	sigaction(SIGSYS, &sa, NULL);
	syscall(SYS_getppid);
	child_printf(fd, "TRAP %d", (int)trapped_nr);
}

Test(security_seccomp, trap_raises_sigsys)
{
	_cleanup_free_ char *want = xasprintf("TRAP %d", (int)SYS_getppid);

	expect_report("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
		      "[\"getppid\"],\"action\":\"SCMP_ACT_TRAP\"}]}", probe_trap, NULL, want);
}

/* Without a tracer, SECCOMP_RET_TRACE makes the call fail with ENOSYS. */
Test(security_seccomp, trace_without_tracer)
{
	expect_report("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
		      "[\"getppid\"],\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":7}]}",
		      probe_getppid, NULL, "E38 ");
}

static void probe_log(int fd, void *arg)
{
	pid_t want = *(pid_t *)arg;

	child_printf(fd, "%s", syscall(SYS_getppid) == want ? "OK" : "WRONG");
}

/* SCMP_ACT_LOG lets the call through (and logs it). */
Test(security_seccomp, log_allows)
{
	pid_t me = getpid();

	expect_report("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
		      "{\"names\":[\"write\",\"exit_group\",\"exit\",\"brk\",\"mmap\",\"munmap\","
		      "\"rt_sigreturn\",\"futex\",\"sigaltstack\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		      "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_LOG\"}]}",
		      probe_log, &me, "OK");
}

/* ---- argument conditions ----------------------------------------------- */

static void probe_umask3(int fd, void *arg)
{
	report(fd, syscall(SYS_umask, 0077));
	report(fd, syscall(SYS_umask, 0100));
	report(fd, syscall(SYS_umask, 0177));
}

Test(security_seccomp, every_operator)
{
	static const struct {
		const char *op;
		const char *want;   /* for umask(0077), umask(0100), umask(0177) */
	} cases[] = {
		{ "SCMP_CMP_NE", "E50 OK E50 " }, { "SCMP_CMP_LT", "E50 OK OK " },
		{ "SCMP_CMP_LE", "E50 E50 OK " }, { "SCMP_CMP_EQ", "OK E50 OK " },
		{ "SCMP_CMP_GE", "OK E50 E50 " }, { "SCMP_CMP_GT", "OK OK E50 " },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *prof = xasprintf(
			"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"umask\"],"
			"\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":50,\"args\":[{\"index\":0,"
			"\"value\":64,\"op\":\"%s\"}]}]}", cases[i].op);

		expect_report(prof, probe_umask3, NULL, cases[i].want);
	}
}

/* MASKED_EQ: "value" is the mask, "valueTwo" the datum. */
Test(security_seccomp, masked_eq)
{
	expect_report("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"umask\"],"
		      "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":43,\"args\":[{\"index\":0,"
		      "\"value\":448,\"valueTwo\":64,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}",
		      probe_umask3, NULL, "OK E43 E43 ");
}

static void probe_umask_123(int fd, void *arg)
{
	report(fd, syscall(SYS_umask, 1));
	report(fd, syscall(SYS_umask, 2));
	report(fd, syscall(SYS_umask, 3));
}

/* Two conditions on one argument: one rule each, either matches. */
Test(security_seccomp, same_argument_twice_is_or)
{
	expect_report("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"umask\"],"
		      "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":44,\"args\":["
		      "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
		      "{\"index\":0,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		      probe_umask_123, NULL, "E44 E44 OK ");
}

static void probe_getpriority(int fd, void *arg)
{
	report(fd, syscall(SYS_getpriority, 0, 999999));
	report(fd, syscall(SYS_getpriority, 0, 0));
	report(fd, syscall(SYS_getpriority, 1, 999999));
}

/* Conditions on different arguments must all hold. */
Test(security_seccomp, different_arguments_are_and)
{
	expect_report("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
		      "[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":45,\"args\":["
		      "{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},"
		      "{\"index\":1,\"value\":999999,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		      probe_getpriority, NULL, "E45 OK E3 ");
}

/* ---- ENOSYS for syscalls newer than the profile ------------------------ */

/* What the child needs after the filter (ASan included), all numbered below 300 on x86_64. */
#define CHILD_NEEDS                                                                       \
	"\"write\",\"exit_group\",\"exit\",\"brk\",\"mmap\",\"munmap\",\"futex\",\"sigaltstack\""

static void probe_new_and_old(int fd, void *arg)
{
	report(fd, syscall(435 /* clone3 */, NULL, 0));
	report(fd, syscall(301 /* fanotify_mark */, -1, 0, 0, -1, NULL));
	report(fd, syscall(1000));
	report(fd, syscall(SYS_getppid));   /* old and unlisted: the default action */
	report(fd, syscall(300 /* fanotify_init, listed */, 0x7fffffff, 0));
}

#define UP_TO_300                                                                         \
	"{\"names\":[" CHILD_NEEDS "],\"action\":\"SCMP_ACT_ALLOW\"},"                     \
	"{\"names\":[\"fanotify_init\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13}"

Test(security_seccomp, newer_than_the_profile_is_enosys)
{
	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		cr_skip_test("x86_64 numbers");
	expect_report("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[" UP_TO_300 "]}",
		      probe_new_and_old, NULL, "E38 E38 E38 E1 E13 ");
	expect_report("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":95,"
		      "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],"
		      "\"syscalls\":[" UP_TO_300 "]}",
		      probe_new_and_old, NULL, "E38 E38 E38 E95 E13 ");
}

static void probe_new(int fd, void *arg)
{
	report(fd, syscall(435, NULL, 0));
	report(fd, syscall(1000));
}

/* A KILL default still answers ENOSYS to new syscalls, and kills on old ones. */
Test(security_seccomp, newer_than_the_profile_under_kill)
{
	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		cr_skip_test("x86_64 numbers");
	expect_report("{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"syscalls\":[" UP_TO_300 "]}",
		      probe_new, NULL, "E38 E38 ");
	expect_sigsys("{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"syscalls\":[" UP_TO_300 "]}",
		      probe_getppid);
}

/* Allow-by-default profiles get no prologue: nothing new is refused anyway. */
Test(security_seccomp, no_prologue_for_allow_default)
{
	struct security_plan *a = sc_plan("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
					  UP_TO_300 "]}", NULL);
	struct security_plan *e = sc_plan("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
					  UP_TO_300 "]}", NULL);

	cr_assert_eq(a->bpf[0].k, offsetof(struct seccomp_data, arch));
	cr_assert_gt(e->bpf_len, a->bpf_len);
	security_plan_free(a);
	security_plan_free(e);
}

static void probe_x32(int fd, void *arg)
{
	report(fd, syscall(X32_BIT | 1000));
	report(fd, syscall(X32_BIT | 0x1ff00));
}

/* x32 numbers (the 0x40000000 bit) are judged against the x32 maximum. */
Test(security_seccomp, x32_range)
{
	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		cr_skip_test("x86_64 only");
	expect_report("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":["
		      "\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X32\"],\"syscalls\":[" UP_TO_300 "]}",
		      probe_x32, NULL, "E38 E38 ");
	/* Without x32 in the filter, libseccomp's bad-architecture action stands. */
	expect_sigsys("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[" UP_TO_300 "]}",
		      probe_x32);
}

/* ---- notify ------------------------------------------------------------ */

static void probe_notify(int fd, void *arg)
{
	int nfd = *(int *)arg;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	pid_t pid;
	int st;

	child_printf(fd, "%s ", fcntl(nfd, F_GETFD) == FD_CLOEXEC ? "CLOEXEC" : "INHERITABLE");
	pid = fork();
	if (pid == 0) {
		long r = syscall(SYS_getppid);

		child_printf(fd, "got %ld ", r);
		_exit(0);
	}
	memset(&req, 0, sizeof(req));
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		_exit(6);
	child_printf(fd, "nr %s ", req.data.nr == SYS_getppid ? "ok" : "wrong");
	resp = (struct seccomp_notif_resp){ .id = req.id, .val = 4242 };
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
		_exit(7);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		_exit(8);
}

Test(security_seccomp, notify_returns_a_listener)
{
	struct security_plan *p = sc_plan("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
					  "\"listenerPath\":\"/run/agent.sock\","
					  "\"flags\":[\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\","
					  "\"SECCOMP_FILTER_FLAG_TSYNC\"],\"syscalls\":[{\"names\":"
					  "[\"getppid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}", NULL);
	struct probe_case c = { .plan = p, .probe = probe_notify };
	struct child_result res;

	cr_assert(security_seccomp_has_notify(p));
	cr_assert_eq(p->seccomp_flags, SECCOMP_FILTER_FLAG_NEW_LISTENER |
				       SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
	run_sc(&c, &res);
	cr_assert(exited_ok(&res), "status %#x: %s", res.status, res.out);
	cr_assert_str_eq(res.out, "CLOEXEC nr ok got 4242 ");
	security_plan_free(p);
}

/* ---- flags -------------------------------------------------------------- */

Test(security_seccomp, flags_reach_the_kernel)
{
	_cleanup_strv_ char **warnings = NULL;
	struct security_plan *p = sc_plan("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":["
					  "\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_LOG\","
					  "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\","
					  "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],\"syscalls\":"
					  "[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
					  &warnings);
	struct probe_case c = { .plan = p, .probe = probe_getppid };
	struct child_result res;

	cr_assert_eq(p->seccomp_flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG |
				       SECCOMP_FILTER_FLAG_SPEC_ALLOW);
	cr_assert_eq(strv_length(warnings), 1);
	cr_assert_str_eq(warnings[0], "seccomp flag SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV has "
			 "no effect without SCMP_ACT_NOTIFY rules: ignored");
	cr_assert_not(security_seccomp_has_notify(p));
	run_sc(&c, &res);
	cr_assert(exited_ok(&res), "status %#x: %s", res.status, res.out);
	cr_assert_str_eq(res.out, "E1 ");
	security_plan_free(p);
}

/* ---- where the filter can be loaded ------------------------------------- */

Test(security_seccomp, without_nnp_needs_cap_sys_admin)
{
	struct security_plan *p = plan_with("", "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
					    "\"syscalls\":[{\"names\":[\"getppid\"],"
					    "\"action\":\"SCMP_ACT_ERRNO\"}]}", NULL);
	struct probe_case c = { .plan = p, .probe = probe_getppid, .no_nnp = true };
	struct child_result res;

	cr_assert(security_seccomp_early(p));
	if (geteuid() != 0) {
		security_plan_free(p);
		cr_skip_test("needs CAP_SYS_ADMIN (runs as root under make check)");
	}
	/* Still holding CAP_SYS_ADMIN: loads. */
	run_sc(&c, &res);
	cr_assert(exited_ok(&res), "status %#x: %s", res.status, res.out);
	cr_assert_str_eq(res.out, "E1 ");
	/* Capabilities gone and no no_new_privs: the kernel refuses, we say why. */
	c.drop_caps = true;
	run_sc(&c, &res);
	cr_assert_eq(WEXITSTATUS(res.status), 5);
	cr_assert_str_eq(res.out, "APPLY .linux.seccomp: load the filter (seccomp "
			 "SECCOMP_SET_MODE_FILTER): Permission denied (without no_new_privs the "
			 "filter must be loaded while CAP_SYS_ADMIN is still held)");
	security_plan_free(p);
}

Test(security_seccomp, early_only_without_nnp_and_with_a_filter)
{
	struct security_plan *p = sc_plan("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}", NULL);
	struct security_plan *none = plan_with("", "", NULL);
	int fd = 7;

	cr_assert_not(security_seccomp_early(p));
	cr_assert_not(security_seccomp_early(none));
	cr_assert_eq(security_seccomp_apply(none, &fd, NULL), 0);
	cr_assert_eq(fd, -1);
	security_plan_free(p);
	security_plan_free(none);
}

/* ---- errors -------------------------------------------------------------- */

Test(security_seccomp, errno_ret_only_where_it_means_something)
{
	sc_fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
		 "\"action\":\"SCMP_ACT_ERRNO\"},{\"names\":[\"getpid\"],"
		 "\"action\":\"SCMP_ACT_KILL\",\"errnoRet\":3}]}",
		 ".linux.seccomp.syscalls[1].errnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE "
		 "return an errno");
	sc_fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":3}",
		 ".linux.seccomp.defaultErrnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE "
		 "return an errno");
}

Test(security_seccomp, architectures)
{
	_cleanup_strv_ char **warnings = NULL;
	struct security_plan *p;

	sc_fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"x86_64\"]}",
		 ".linux.seccomp.architectures[0]: \"x86_64\" is not an architecture name "
		 "(expected SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64, ...)");
	/* runtime-spec: a value that cannot be mapped MUST be an error */
	sc_fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\","
		 "\"SCMP_ARCH_BOGUS\"]}",
		 ".linux.seccomp.architectures[1]: unknown seccomp architecture "
		 "\"SCMP_ARCH_BOGUS\" (expected SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64, ...)");
	p = sc_plan("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":["
		    "\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_LOONGARCH64\",\"SCMP_ARCH_S390X\","
		    "\"SCMP_ARCH_AARCH64\",\"SCMP_ARCH_ARM\",\"SCMP_ARCH_X86\"],"
		    "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
		    &warnings);
	/* A name of the runtime-spec that an older libseccomp lacks (2.5 has no
	 * loongarch64): skipped with a warning, not an error. */
	if (seccomp_arch_resolve_name("loongarch64") == 0) {
		cr_assert_eq(strv_length(warnings), 1);
		cr_assert(str_has_prefix(warnings[0], "seccomp architecture SCMP_ARCH_LOONGARCH64 "
					 "is unknown to libseccomp "), "%s", warnings[0]);
	} else {
		cr_assert_eq(strv_length(warnings), 0);
	}
	/* Architectures this kernel can never report are left out of the program. */
	if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
		bool i386 = false;

		for (size_t i = 0; i < p->bpf_len; i++) {
			cr_assert_neq(p->bpf[i].k, SCMP_ARCH_AARCH64);
			cr_assert_neq(p->bpf[i].k, SCMP_ARCH_ARM);
			cr_assert_neq(p->bpf[i].k, SCMP_ARCH_S390X);
			i386 |= p->bpf[i].k == SCMP_ARCH_X86;
		}
		cr_assert(i386, "the x86 compat architecture is in the program");
	}
	security_plan_free(p);
}

Test(security_seccomp, flag_names)
{
	sc_fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\","
		 "\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"]}",
		 ".linux.seccomp.flags[1]: \"SECCOMP_FILTER_FLAG_NEW_LISTENER\" is not a seccomp "
		 "filter flag (expected SECCOMP_FILTER_FLAG_TSYNC, _LOG, _SPEC_ALLOW or "
		 "_WAIT_KILLABLE_RECV)");
}

/* ---- the prologue on its own ---------------------------------------------- */

Test(security_seccomp, stub_empty_without_any_maximum)
{
	struct enosys_arch a = { .audit_arch = 0xc000003e, .limit = 0x40000000,
			       .max_low = ENOSYS_NO_MAX, .max_high = ENOSYS_NO_MAX };
	struct sock_filter out[32];

	cr_assert_eq(seccomp_enosys_build(&a, 1, out, ARRAY_SIZE(out)), 0);
	a.max_low = 300;
	cr_assert_gt(seccomp_enosys_build(&a, 1, out, ARRAY_SIZE(out)), 0);
	cr_assert_eq(seccomp_enosys_build(&a, 1, out, 3), -E2BIG);
}
