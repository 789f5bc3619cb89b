// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Attacks on the privilege controls, as root and rootless:
 *   - under the shipped default seccomp profile the syscalls of container
 *     escapes and kernel attacks fail (EPERM; ENOSYS for clone3 and
 *     io_uring, so libc falls back), even for a workload holding
 *     CAP_SYS_ADMIN, also through the i386 and x32 ABIs, also without
 *     no_new_privs (the filter is then loaded early), while what ordinary
 *     programs need still works; a NOTIFY rule with no listener fails
 *     closed;
 *   - inheritable and ambient capabilities are empty unless the config
 *     lists them, even when husk itself runs with both sets full (the runc
 *     CVE-2022-29162 / crun CVE-2022-27650 class);
 *   - a setuid-root binary does not raise privileges under no_new_privs.
 * Each has its counter-test (no profile; ambient asked for; no_new_privs
 * off) showing the attack works without the defence.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "integration/attacks.h"

/* ---- seccomp ------------------------------------------------------------------ */

/*
 * Capabilities that make the attacks below work when nothing else stops
 * them, so that the profile (not a missing capability) is what is tested.
 * No CAP_SYS_BOOT, CAP_SYS_MODULE or CAP_SYS_RAWIO: the counter-test runs
 * without a filter, as root too.
 */
#define STRONG_CAPS                                                                  \
	"[\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\", \"CAP_SYS_ADMIN\", " \
	"\"CAP_SYS_PTRACE\", \"CAP_BPF\", \"CAP_PERFMON\", \"CAP_DAC_READ_SEARCH\"]"

static char *strong_config(const struct hctx *c, const char *const *args, bool profile)
{
	char *text = bundle_config_text(c, &(struct bundle_cfg){ .args = args });
	char *caps;

	cr_assert(asprintf(&caps, "{\"bounding\": %s, \"effective\": %s, \"permitted\": %s}",
			   STRONG_CAPS, STRONG_CAPS, STRONG_CAPS) > 0);
	atk_replace(&text, "capabilities", caps);
	free(caps);
	if (profile) {
		char *p = atk_default_profile();

		atk_add_member(&text, "linux", "seccomp", p);
		free(p);
	}
	return text;
}

/* Every attempt of the probe, and the status lines. */
#define ALL_ATTEMPTS ESCAPE " syscalls; " ESCAPE " compat; " ESCAPE " status"

/*
 * Whether this kernel runs i386 programs at all: without IA32 emulation
 * (CONFIG_IA32_EMULATION off, or ia32_emulation=0 on the command line) every
 * int $0x80 dies of SIGSEGV before any filter sees it, so the compat lines
 * say nothing about the profile and only "never OK" can be asserted.
 */
static bool compat_abi_present(const char *out)
{
#if !defined(__x86_64__)
	return false; /* the probe knows the compat ABIs of x86_64 only */
#endif
	char *got = atk_line(out, "compat-getpid");
	bool present = got && strcmp(got, "OK") == 0;

	cr_assert(got, "no compat-getpid line:\n%s", out);
	cr_assert(present || strcmp(got, "SIGSEGV") == 0,
		  "compat-getpid: %s (OK, or SIGSEGV without the i386 ABI)\n%s", got, out);
	free(got);
	return present;
}

/* No compat attempt may work (an i386 getpid is harmless and not counted). */
static void assert_no_compat_ok(const char *out)
{
	static const char *const attempts[] = {
		"compat-unshare", "compat-mount", "compat-keyctl", "compat-ptrace1", "compat-kexec",
	};

#if !defined(__x86_64__)
	return;
#endif
	for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		char *got = atk_line(out, attempts[i]);

		cr_assert(got, "no %s line:\n%s", attempts[i], out);
		cr_assert_str_neq(got, "OK", "%s: OK under the profile\n%s", attempts[i], out);
		free(got);
	}
}

/*
 * The shipped profile, with no_new_privs, for a workload that holds
 * CAP_SYS_ADMIN and more: every escape syscall fails, natively and through
 * the i386 ABI (int $0x80) and x32, with EPERM, or ENOSYS where the profile
 * wants libc to fall back.
 */
HTEST(attacks_seccomp, default_profile_denies_escape_syscalls)
{
	static const char *const want[][2] = {
		{ "unshare", "EPERM" }, { "clone-newuser", "EPERM" }, { "mount", "EPERM" },
		{ "fsopen", "EPERM" }, { "keyctl", "EPERM" }, { "add_key", "EPERM" },
		{ "bpf", "EPERM" }, { "ptrace1", "EPERM" }, { "perf_event_open", "EPERM" },
		{ "userfaultfd", "EPERM" }, { "open_by_handle", "EPERM" }, { "kexec", "EPERM" },
		{ "clone3", "ENOSYS" }, { "io_uring", "ENOSYS" },
#if defined(__x86_64__)
		/* The i386 ABI is in the profile's architectures: the same rules. */
		{ "compat-getpid", "OK" }, { "compat-unshare", "EPERM" },
		{ "compat-mount", "EPERM" }, { "compat-keyctl", "EPERM" },
		{ "compat-ptrace1", "EPERM" }, { "compat-kexec", "EPERM" },
#endif
	};
	struct hres r = { 0 };
	char *text = strong_config(c, ARGS("/bin/sh", "-c", ALL_ATTEMPTS), true);

	atk_run_ok(c, &r, text);
	bool compat = compat_abi_present(r.out);

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (compat || strncmp(want[i][0], "compat-", 7) != 0)
			atk_assert_line(r.out, want[i][0], want[i][1]);
	assert_no_compat_ok(r.out);
	assert_not_contains(r.out, "x32-unshare: OK");
	atk_assert_line(r.out, "NoNewPrivs", "1");
	atk_assert_line(r.out, "Seccomp", "2");
	free(text);
	hres_free(&r);
}

/*
 * The counter-test: the same workload with the same capabilities and no
 * filter.  The attacks that need only those capabilities now work, so the
 * test above sees the profile at work.  As root (capabilities of the
 * initial user namespace) bpf, perf_event_open, userfaultfd and
 * open_by_handle_at get past the permission check too (a bogus handle:
 * ESTALE); rootless those depend on host sysctls and are not asserted.
 */
HTEST(attacks_seccomp, without_a_profile_the_same_syscalls_work)
{
	static const char *const work[] = {
		"unshare", "clone-newuser", "mount", "fsopen", "keyctl", "add_key", "ptrace1",
		"clone3",
#if defined(__x86_64__)
		"compat-unshare", "compat-mount", "compat-keyctl",
#endif
	};
	static const char *const root_only[] = {
		"bpf", "perf_event_open", "userfaultfd", "open_by_handle",
	};
	struct hres r = { 0 };
	char *text = strong_config(c, ARGS("/bin/sh", "-c", ALL_ATTEMPTS), false);

	atk_run_ok(c, &r, text);
	bool compat = compat_abi_present(r.out);

	for (size_t i = 0; i < sizeof(work) / sizeof(work[0]); i++)
		if (compat || strncmp(work[i], "compat-", 7) != 0)
			atk_assert_line(r.out, work[i], "OK");
	for (size_t i = 0; c->mode == MODE_ROOT && i < sizeof(root_only) / sizeof(root_only[0]);
	     i++) {
		char *got = atk_line(r.out, root_only[i]);

		cr_assert(got && strcmp(got, "EPERM") != 0, "%s without a filter, as root: %s\n%s",
			  root_only[i], got ? got : "(no line)", r.out);
		free(got);
	}
	atk_assert_line(r.out, "Seccomp", "0");
	free(text);
	hres_free(&r);
}

/*
 * A profile that names only SCMP_ARCH_X86_64 (as hand-written ones do): a
 * syscall of another ABI must meet the filter's bad-architecture action
 * (the thread is killed: SIGSYS), never slip past the rules unfiltered.
 */
HTEST(attacks_seccomp, other_abis_are_not_a_way_around_the_profile)
{
	static const char *const attempts[] = {
		"compat-unshare", "compat-mount", "compat-keyctl", "compat-ptrace1", "compat-kexec",
		"x32-unshare",
	};
	struct hres r = { 0 };

#if !defined(__x86_64__)
	hctx_skip("the probe knows the compat ABIs of x86_64 only");
#endif
	char *text = strong_config(c, ARGS("/bin/sh", "-c", ALL_ATTEMPTS), true);

	atk_replace(&text, "architectures", "[\"SCMP_ARCH_X86_64\"]");
	atk_run_ok(c, &r, text);
	for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		char *got = atk_line(r.out, attempts[i]);

		cr_assert(got, "no %s line:\n%s", attempts[i], r.out);
		cr_assert_str_neq(got, "OK", "%s got past an x86_64-only profile:\n%s",
				  attempts[i], r.out);
		free(got);
	}
	atk_assert_line(r.out, "unshare", "EPERM");
	atk_assert_line(r.out, "Seccomp", "2");
	free(text);
	hres_free(&r);
}

/*
 * Without no_new_privs the filter has to be loaded early, while husk still
 * holds CAP_SYS_ADMIN, before the uid change: it must be loaded all the
 * same, for root and for uid 1000, and hold against the same attempts.
 */
HTEST(attacks_seccomp, profile_holds_without_no_new_privs)
{
	static const char *const denied[] = {
		"unshare", "clone-newuser", "mount", "fsopen", "keyctl", "bpf", "ptrace1", "kexec",
	};
	struct hres r = { 0 };
	char *text = strong_config(c, ARGS("/bin/sh", "-c", ALL_ATTEMPTS), true);
	char *uids, *gids;

	atk_replace(&text, "noNewPrivileges", "false");
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			/* The second pass as uid 1000 (mapped when rootless). */
			atk_wide_mappings(c, &uids, &gids);
			if (uids) {
				atk_replace(&text, "uidMappings", uids);
				atk_replace(&text, "gidMappings", gids);
			}
			atk_replace(&text, "user", "{\"uid\": 1000, \"gid\": 1000}");
			free(uids);
			free(gids);
		}
		atk_run_ok(c, &r, text);
		for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
			atk_assert_line(r.out, denied[i], "EPERM");
		atk_assert_line(r.out, "clone3", "ENOSYS");
		atk_assert_line(r.out, "NoNewPrivs", "0");
		atk_assert_line(r.out, "Seccomp", "2");
	}
	free(text);
	hres_free(&r);
}

/*
 * assert_nothing_left() without counting the state root's seccomp-cache/,
 * which husk keeps there on purpose (src/security/seccomp-cache.c).
 */
static void assert_no_container_left(struct hctx *c)
{
	char *cache;
	int procs = count_token_procs(c);

	for (int i = 0; i < 50 && procs > 0; i++) {
		usleep(20 * 1000);
		procs = count_token_procs(c);
	}
	cr_assert_eq(procs, 0, "%d process(es) of this test are still running", procs);
	cr_assert(asprintf(&cache, "%s/seccomp-cache", c->state) > 0);
	int entries = count_dir_entries(c->state) - (access(cache, F_OK) == 0);
	cr_assert_eq(entries, 0, "the state root %s holds a container after a failure", c->state);
	cr_assert_eq(count_host_mounts_under(c->work), 0, "husk left a mount on the host");
	free(cache);
}

/*
 * A profile with an SCMP_ACT_NOTIFY rule whose listener does not exist:
 * husk must refuse (or fail to hand the fd over) before anything runs, and
 * never start the workload without its filter, or with the notify fd, with
 * which it could approve its own denied syscalls.
 */
HTEST(attacks_seccomp, notify_without_a_listener_fails_closed)
{
	struct hres r = { 0 };
	char *text = strong_config(c, ARGS(ESCAPE, "fds"), true);
	char *listener = hpath(c, "no-listener.sock");
	char *member, *tmp;

	cr_assert(asprintf(&member, "\n    \"listenerPath\": \"%s\",", listener) > 0);
	tmp = atk_insert_after(text, "\"seccomp\": {", member);
	free(text);
	text = atk_insert_after(tmp, "\"syscalls\": [",
				"{\"names\": [\"mkdirat\"], \"action\": \"SCMP_ACT_NOTIFY\"}, ");
	free(tmp);
	atk_write_config(c, text);
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_fails(&r);
	assert_not_contains(r.out, "fds:");
	assert_no_container_left(c);
	free(listener);
	free(member);
	free(text);
	hres_free(&r);
}

/* What ordinary workloads do still works under the profile: a shell pipeline too. */
HTEST(attacks_seccomp, default_profile_runs_ordinary_work)
{
	static const char *const ok[] = {
		"fork-exec", "thread", "socket-inet", "socket-inet6", "socket-unix",
	};
	struct hres r = { 0 };
	char *text = strong_config(c, ARGS("/bin/sh", "-c",
					   ESCAPE " ordinary; echo pipe | tr a-z A-Z; "
					   "ls / | grep -c bin"), true);

	atk_run_ok(c, &r, text);
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		atk_assert_line(r.out, ok[i], "OK");
	assert_contains(r.out, "PIPE\n");
	free(text);
	hres_free(&r);
}

/* ---- inheritable and ambient capabilities -------------------------------------- */

/* The template with process.user set to uid:gid and the mappings that make it exist. */
static char *user_config(const struct hctx *c, const char *const *args, unsigned id)
{
	char *uids, *gids, *text, user[64];

	atk_wide_mappings(c, &uids, &gids);
	text = bundle_config_text(c, &(struct bundle_cfg){ .args = args, .uid_mappings = uids,
							   .gid_mappings = gids });
	snprintf(user, sizeof(user), "{\"uid\": %u, \"gid\": %u}", id, id);
	atk_replace(&text, "user", user);
	free(uids);
	free(gids);
	return text;
}

/* Run text; assert CapInh and CapAmb of the workload. */
static void check_inh_amb(struct hctx *c, const char *what, const char *text, const char *inh,
			  const char *amb)
{
	struct hres r = { 0 };

	atk_run_ok(c, &r, text);
	char *got_inh = atk_line(r.out, "CapInh");
	char *got_amb = atk_line(r.out, "CapAmb");
	cr_assert(got_inh && got_amb, "%s: no Cap lines:\n%s", what, r.out);
	cr_assert_str_eq(got_inh, inh, "%s: CapInh %s, want %s", what, got_inh, inh);
	cr_assert_str_eq(got_amb, amb, "%s: CapAmb %s, want %s", what, got_amb, amb);
	free(got_inh);
	free(got_amb);
	hres_free(&r);
}

#define NO_CAPS "0000000000000000"
#define NET_BIND_SERVICE_BIT "0000000000000400"
/* CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE: the harness template's sets. */
#define TEMPLATE_BOUNDING "0000000020000420"

/*
 * The configs that do not ask for inheritable or ambient capabilities:
 * the template's (bounding, effective, permitted listed) as root and as
 * uid 1000, and one with no capabilities at all (every set empty).
 */
static void check_no_inh_amb(struct hctx *c)
{
	char *text = bundle_config_text(c, &(struct bundle_cfg){ .args = ARGS(ESCAPE, "status") });

	check_inh_amb(c, "template, uid 0", text, NO_CAPS, NO_CAPS);
	atk_remove_member(&text, "capabilities");
	check_inh_amb(c, "no .process.capabilities", text, NO_CAPS, NO_CAPS);
	free(text);
	text = user_config(c, ARGS(ESCAPE, "status"), 1000);
	check_inh_amb(c, "template, uid 1000", text, NO_CAPS, NO_CAPS);
	free(text);
}

HTEST(attacks_caps, no_inheritable_or_ambient_unless_asked)
{
	check_no_inh_amb(c);
}

/*
 * husk started with every capability it holds also inheritable and
 * ambient (as a service manager's AmbientCapabilities= or a careless
 * wrapper would leave it): none of that reaches the workload.  Rootless,
 * the uid change into husk-test clears the ambient set and keeps the
 * inheritable one.
 */
static void raise_own_inheritable_and_ambient(void)
{
	cap_t caps = cap_get_proc();
	int max = (int)cap_max_bits();

	cr_assert(caps, "cap_get_proc: %s", strerror(errno));
	for (cap_value_t v = 0; v < max; v++) {
		cap_flag_value_t f = CAP_CLEAR;

		if (cap_get_flag(caps, v, CAP_PERMITTED, &f) == 0 && f == CAP_SET)
			cr_assert(cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_SET) == 0);
	}
	cr_assert(cap_set_proc(caps) == 0, "cap_set_proc: %s", strerror(errno));
	for (cap_value_t v = 0; v < max; v++) {
		cap_flag_value_t f = CAP_CLEAR;

		if (cap_get_flag(caps, v, CAP_PERMITTED, &f) == 0 && f == CAP_SET)
			cr_assert(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)v, 0L,
					0L) == 0, "raise ambient %d: %s", v, strerror(errno));
	}
	cap_free(caps);
	char *status = read_text("/proc/self/status");
	cr_assert(status && strstr(status, "CapAmb:\t0000000000000000") == NULL,
		  "the test could not raise its own ambient set");
	free(status);
}

HTEST(attacks_caps, husks_own_inheritable_and_ambient_do_not_leak)
{
	raise_own_inheritable_and_ambient();
	check_no_inh_amb(c);
}

/*
 * The counter-test: asked for, they are there.  NET_BIND_SERVICE in every
 * set (ambient needs it permitted and inheritable) for uid 1000, then the
 * same without ambient: inheritable only.
 */
HTEST(attacks_caps, ambient_and_inheritable_when_asked)
{
	static const char *const cap = "[\"CAP_NET_BIND_SERVICE\"]";
	char *text = user_config(c, ARGS(ESCAPE, "status"), 1000);
	char *caps;

	cr_assert(asprintf(&caps, "{\"bounding\": %s, \"effective\": %s, \"permitted\": %s,"
			   " \"inheritable\": %s, \"ambient\": %s}", cap, cap, cap, cap, cap) > 0);
	atk_replace(&text, "capabilities", caps);
	check_inh_amb(c, "all five sets, uid 1000", text, NET_BIND_SERVICE_BIT,
		      NET_BIND_SERVICE_BIT);
	free(caps);
	cr_assert(asprintf(&caps, "{\"bounding\": %s, \"effective\": %s, \"permitted\": %s,"
			   " \"inheritable\": %s}", cap, cap, cap, cap) > 0);
	atk_replace(&text, "capabilities", caps);
	check_inh_amb(c, "no ambient, uid 1000", text, NET_BIND_SERVICE_BIT, NO_CAPS);
	free(caps);
	free(text);
}

/*
 * `runc spec`'s process.capabilities (podman 4's exec process is the same
 * shape): bounding, effective, permitted and ambient all AUDIT_WRITE, KILL
 * and NET_BIND_SERVICE, no inheritable list.  runc and crun run it, raising
 * the ambient capabilities the kernel allows (none: an ambient capability
 * must be permitted and inheritable); so must husk, saying at --debug, and
 * only there, which it did not raise.  With NET_BIND_SERVICE inheritable
 * as well, that one is raised.
 */
#define RUNC_CAPS "[\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]"
#define NOT_RAISED ".process.capabilities.ambient: not raised: "

static void run_debug_ok(struct hctx *c, struct hres *r, const char *text)
{
	atk_write_config(c, text);
	HUSK(c, r, "--debug", "run", "--bundle", c->bundle, hctx_new_id(c));
	assert_husk_ok(r);
}

static void check_runc_default_caps(struct hctx *c, unsigned uid)
{
	char *text = user_config(c, ARGS(ESCAPE, "status"), uid);
	struct hres r = { 0 };
	char what[64], *amb;

	snprintf(what, sizeof(what), "runc spec's capabilities, uid %u", uid);
	atk_replace(&text, "capabilities", "{\"bounding\": " RUNC_CAPS ", \"effective\": "
		    RUNC_CAPS ", \"permitted\": " RUNC_CAPS ", \"ambient\": " RUNC_CAPS "}");
	check_inh_amb(c, what, text, NO_CAPS, NO_CAPS);
	/* Not a warning: nothing on stderr without --debug. */
	atk_run_ok(c, &r, text);
	cr_assert_str_eq(r.err, "", "%s: stderr without --debug:\n%s", what, r.err);
	run_debug_ok(c, &r, text);
	assert_contains(r.err, NOT_RAISED "CAP_KILL, CAP_NET_BIND_SERVICE, CAP_AUDIT_WRITE");
	amb = atk_line(r.out, "CapAmb");
	cr_assert(amb && strcmp(amb, NO_CAPS) == 0, "%s: CapAmb %s", what, amb);
	free(amb);

	snprintf(what, sizeof(what), "runc spec's + inheritable NET_BIND_SERVICE, uid %u", uid);
	atk_replace(&text, "capabilities", "{\"bounding\": " RUNC_CAPS ", \"effective\": "
		    RUNC_CAPS ", \"permitted\": " RUNC_CAPS ", \"ambient\": " RUNC_CAPS ", "
		    "\"inheritable\": [\"CAP_NET_BIND_SERVICE\"]}");
	check_inh_amb(c, what, text, NET_BIND_SERVICE_BIT, NET_BIND_SERVICE_BIT);
	run_debug_ok(c, &r, text);
	assert_contains(r.err, NOT_RAISED "CAP_KILL, CAP_AUDIT_WRITE (");
	free(text);
	hres_free(&r);
}

HTEST(attacks_caps, runc_spec_ambient_without_inheritable_runs)
{
	check_runc_default_caps(c, 0);
	check_runc_default_caps(c, 1000);
}

/* ---- setuid and no_new_privs --------------------------------------------------- */

/*
 * Copy the probe into the rootfs as /suid-ids, owned by the container's
 * root (host root; rootless, the caller, which the container maps to 0)
 * and mode 4755.
 */
static void make_setuid_probe(struct hctx *c)
{
	char *src = hpath(c, "bundle/rootfs" ESCAPE);
	char *dst = hpath(c, "bundle/rootfs/suid-ids");
	int in = open(src, O_RDONLY | O_CLOEXEC);
	int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	char buf[65536];
	ssize_t n;

	cr_assert(in >= 0 && out >= 0, "copy %s to %s: %s", src, dst, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		cr_assert_eq(write(out, buf, (size_t)n), n);
	cr_assert_eq(n, 0);
	/* chown clears the set-user-ID bit: the mode comes after it. */
	cr_assert(fchown(out, c->uid, c->gid) == 0, "chown %s: %s", dst, strerror(errno));
	cr_assert(fchmod(out, 04755) == 0, "chmod %s: %s", dst, strerror(errno));
	close(in);
	close(out);
	free(src);
	free(dst);
}

/*
 * uid 1000 runs a setuid-root copy of the probe.  With no_new_privs (the
 * template's) the exec keeps euid 1000; without, euid becomes 0 — the
 * counter-test that shows the binary really is setuid-root in there.
 */
HTEST(attacks_nnp, setuid_root_binary_gains_nothing)
{
	struct hres r = { 0 };

	bundle_make_rootfs(c);
	make_setuid_probe(c);
	char *text = user_config(c, ARGS("/suid-ids", "ids"), 1000);

	atk_run_ok(c, &r, text);
	cr_assert_str_eq(r.out, "uid=1000 euid=1000\n",
			 "under no_new_privs a setuid-root binary gave: %s", r.out);

	atk_replace(&text, "noNewPrivileges", "false");
	atk_run_ok(c, &r, text);
	cr_assert_str_eq(r.out, "uid=1000 euid=0\n",
			 "without no_new_privs the setuid bit should work (the counter-test): %s",
			 r.out);

	/* Even then it gains no capability beyond the template's bounding set. */
	atk_replace(&text, "args", "[\"/suid-ids\", \"status\"]");
	atk_run_ok(c, &r, text);
	atk_assert_line(r.out, "CapBnd", TEMPLATE_BOUNDING);
	atk_assert_line(r.out, "CapPrm", TEMPLATE_BOUNDING);
	atk_assert_line(r.out, "CapInh", NO_CAPS);
	atk_assert_line(r.out, "CapAmb", NO_CAPS);
	free(text);
	hres_free(&r);
}
