/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capabilities: name checks in husk, and the five sets as the kernel shows
 * them (/proc/self/status) after security_caps_before_user, the uid change
 * and security_caps_after_user, in a forked child: as host root, as root
 * of a user namespace with a 65536-id range (rootless with newuidmap), and
 * in a user namespace made by an unprivileged user (one id mapped).
 */
#include "test_security_util.h"

#include <inttypes.h>
#include <sys/capability.h>
#include <grp.h>
#include <sys/prctl.h>

#define B(c) (UINT64_C(1) << (c))

/* ---- names ------------------------------------------------------------ */

static int prepare_names(char **bounding, char **effective, char **permitted,
			 char **inheritable, char **ambient, unsigned int count,
			 struct security_plan *plan, char ***warnings, struct husk_error *err)
{
	struct husk_capabilities c = { .bounding = bounding, .effective = effective,
				       .permitted = permitted, .inheritable = inheritable,
				       .ambient = ambient };

	memset(plan, 0, sizeof(*plan));
	husk_error_clear(err);
	return caps_prepare_n(&c, count, plan, warnings, err);
}

Test(security_caps, malformed_name_names_its_path)
{
	char *bnd[] = { "CAP_CHOWN", "CAP_KILL", "NET_ADMIN", NULL };
	struct security_plan plan;
	struct husk_error err;
	int r = prepare_names(bnd, NULL, NULL, NULL, NULL, 41, &plan, NULL, &err);

	cr_assert_eq(r, -EINVAL);
	cr_assert_str_eq(err.msg, ".process.capabilities.bounding[2]: \"NET_ADMIN\" is not a "
			 "capability name (expected CAP_NET_ADMIN)");
}

Test(security_caps, malformed_lower_case_and_garbage)
{
	char *eff[] = { "cap_chown", NULL };
	char *amb[] = { "CAP_NET ADMIN\n", NULL };
	struct security_plan plan;
	struct husk_error err;

	cr_assert_lt(prepare_names(NULL, eff, NULL, NULL, NULL, 41, &plan, NULL, &err), 0);
	cr_assert_str_eq(err.msg, ".process.capabilities.effective[0]: \"cap_chown\" is not a "
			 "capability name (expected CAP_CHOWN)");
	cr_assert_lt(prepare_names(NULL, NULL, NULL, NULL, amb, 41, &plan, NULL, &err), 0);
	cr_assert_str_eq(err.msg, ".process.capabilities.ambient[0]: \"CAP_NET ADMIN\\x0a\" is "
			 "not a capability name (expected a name like CAP_NET_BIND_SERVICE)");
}

/* runtime-spec: "Any value which cannot be mapped to a relevant kernel interface MUST cause an error." */
Test(security_caps, unknown_name_is_an_error_naming_its_path)
{
	char *bnd[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_TEST", NULL };
	char *amb[] = { "CAP_FOO", NULL };
	_cleanup_strv_ char **warnings = NULL;
	struct security_plan plan;
	struct husk_error err;

	cr_assert_eq(prepare_names(bnd, NULL, NULL, NULL, NULL, 41, &plan, &warnings, &err),
		     -EINVAL);
	cr_assert_str_eq(err.msg, ".process.capabilities.bounding[2]: unknown capability "
			 "\"CAP_TEST\"");
	cr_assert_lt(prepare_names(NULL, NULL, NULL, NULL, amb, 41, &plan, &warnings, &err), 0);
	cr_assert_str_eq(err.msg, ".process.capabilities.ambient[0]: unknown capability "
			 "\"CAP_FOO\"");
	cr_assert_eq(strv_length(warnings), 0);
}

/* An unknown name is an error even when the kernel is old enough to lack real ones. */
Test(security_caps, unknown_name_is_an_error_on_an_old_kernel_too)
{
	char *set[] = { "CAP_CHECKPOINT_RESTORE", "CAP_NOPE", NULL };
	_cleanup_strv_ char **warnings = NULL;
	struct security_plan plan;
	struct husk_error err;

	cr_assert_lt(prepare_names(set, NULL, NULL, NULL, NULL, 40, &plan, &warnings, &err), 0);
	cr_assert_str_eq(err.msg, ".process.capabilities.bounding[1]: unknown capability "
			 "\"CAP_NOPE\"");
}

/* CAP_CHECKPOINT_RESTORE (40) is known to libcap; a kernel with 40 caps lacks it. */
Test(security_caps, name_newer_than_the_kernel_is_skipped)
{
	char *set[] = { "CAP_CHECKPOINT_RESTORE", "CAP_BPF", NULL };
	_cleanup_strv_ char **warnings = NULL;
	struct security_plan plan;
	struct husk_error err;
	int r = prepare_names(set, NULL, NULL, NULL, NULL, 40, &plan, &warnings, &err);

	cr_assert_eq(r, 0, "%s", err.msg);
	cr_assert_eq(strv_length(warnings), 1);
	cr_assert_str_eq(warnings[0],
			 "capability CAP_CHECKPOINT_RESTORE is unknown to this kernel: skipped");
	cr_assert_eq(plan.cap_bounding, B(CAP_BPF));
	cr_assert_eq(plan.cap_count, 40);
}

Test(security_caps, warnings_may_be_null)
{
	char *set[] = { "CAP_CHECKPOINT_RESTORE", NULL };
	struct security_plan plan;
	struct husk_error err;

	cr_assert_eq(prepare_names(set, NULL, NULL, NULL, NULL, 40, &plan, NULL, &err), 0);
	cr_assert_eq(plan.cap_bounding, 0);
}

Test(security_caps, kernel_rules_are_checked_early)
{
	char *bnd[] = { "CAP_KILL", "CAP_CHOWN", NULL };
	char *perm[] = { "CAP_KILL", NULL };
	char *eff[] = { "CAP_KILL", "CAP_CHOWN", NULL };
	char *inh[] = { "CAP_NET_RAW", NULL };
	struct security_plan plan;
	struct husk_error err;

	cr_assert_lt(prepare_names(bnd, eff, perm, NULL, NULL, 41, &plan, NULL, &err), 0);
	cr_assert_str_eq(err.msg, ".process.capabilities.effective[1]: CAP_CHOWN is not in "
			 ".process.capabilities.permitted (an effective capability must be "
			 "permitted)");
	cr_assert_lt(prepare_names(bnd, NULL, perm, inh, NULL, 41, &plan, NULL, &err), 0);
	cr_assert_str_eq(err.msg, ".process.capabilities.inheritable[0]: CAP_NET_RAW is not in "
			 ".process.capabilities.bounding (the kernel refuses inheritable "
			 "capabilities outside it)");
}

/*
 * runc spec's and podman's shape: ambient capabilities without inheritable
 * ones.  Not an error (runc and crun run it): the ones the kernel would
 * refuse to raise are left out, and a debug note names them.
 */
Test(security_caps, ambient_outside_inheritable_is_left_out_with_a_note)
{
	char *three[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };
	char *inh[] = { "CAP_NET_BIND_SERVICE", NULL };
	_cleanup_strv_ char **warnings = NULL, **notes = NULL;
	struct security_plan plan;
	struct husk_error err;

	cr_assert_eq(prepare_names(three, three, three, NULL, three, 41, &plan, &warnings, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(plan.cap_ambient, 0);
	cr_assert_eq(plan.cap_ambient_dropped,
		     B(CAP_AUDIT_WRITE) | B(CAP_KILL) | B(CAP_NET_BIND_SERVICE));
	cr_assert_eq(plan.cap_inheritable, 0, "nothing is added to inheritable");
	cr_assert_eq(strv_length(warnings), 0, "a note, not a warning");
	security_notes(&plan, &notes);
	cr_assert_eq(strv_length(notes), 1);
	cr_assert_str_eq(notes[0], ".process.capabilities.ambient: not raised: CAP_KILL, "
			 "CAP_NET_BIND_SERVICE, CAP_AUDIT_WRITE (the kernel raises only capabilities "
			 "also in .permitted and .inheritable)");

	/* With one of them inheritable, that one is raised and the note names the rest. */
	strv_free(TAKE_PTR(notes));
	cr_assert_eq(prepare_names(three, three, three, inh, three, 41, &plan, NULL, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(plan.cap_ambient, B(CAP_NET_BIND_SERVICE));
	security_notes(&plan, &notes);
	cr_assert_eq(strv_length(notes), 1);
	cr_assert_str_eq(notes[0], ".process.capabilities.ambient: not raised: CAP_KILL, "
			 "CAP_AUDIT_WRITE (the kernel raises only capabilities also in .permitted "
			 "and .inheritable)");

	/* All raisable: no note. */
	strv_free(TAKE_PTR(notes));
	cr_assert_eq(prepare_names(three, three, three, three, three, 41, &plan, NULL, &err), 0);
	security_notes(&plan, &notes);
	cr_assert_eq(strv_length(notes), 0);
}

Test(security_caps, prepare_through_the_spec)
{
	_cleanup_strv_ char **warnings = NULL;
	struct security_plan *p = plan_with("\"capabilities\":{\"bounding\":[\"CAP_KILL\","
					    "\"CAP_CHOWN\"],\"permitted\":[\"CAP_KILL\"]}",
					    "", &warnings);

	cr_assert_eq(p->cap_bounding, B(CAP_KILL) | B(CAP_CHOWN));
	cr_assert_eq(p->cap_permitted, B(CAP_KILL));
	cr_assert_eq(p->cap_effective, 0);
	cr_assert_eq(strv_length(warnings), 0);
	cr_assert_null(p->bpf);
	security_plan_free(p);
	plan_fails("\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_NOPE\"]}", "",
		   ".process.capabilities.bounding[1]: unknown capability \"CAP_NOPE\"");
	plan_fails("\"capabilities\":{\"ambient\":[\"CAP_KILL\"],\"bounding\":[\"KILL\"]}", "",
		   ".process.capabilities.bounding[0]: \"KILL\" is not a capability name "
		   "(expected CAP_KILL)");
}

/* ---- the sets in the kernel ------------------------------------------- */

enum mode {
	MODE_HOST,          /* as we are: root on the host */
	MODE_USERNS,        /* new user ns, 0..65535 -> 100000.., maps written from outside */
	MODE_USERNS_UNPRIV, /* nobody on the host makes a user ns and maps itself as 0 */
};

struct caps_case {
	enum mode mode;
	uid_t uid;                  /* process.user inside */
	gid_t gid;
	const struct security_plan *plan;
	int pollute;                /* start with this capability inheritable+ambient (0: none) */
	const char *exec;           /* after applying, exec this to show its status */
};

struct caps_seen {
	uint64_t inh, prm, eff, bnd, amb;
};

static void fail(int fd, const char *what, const char *msg)
{
	child_printf(fd, "FAIL %s: %s\n", what, msg);
	_exit(1);
}

static void write_file(int fd, const char *path, const char *text)
{
	struct husk_error err = { 0 };

	if (write_string_at(AT_FDCWD, path, text, &err) < 0)
		fail(fd, path, err.msg);
}

static void dump_status(int fd)
{
	_cleanup_free_ char *status = NULL;
	size_t len;

	if (read_file_at(AT_FDCWD, "/proc/self/status", 1 << 16, &status, &len, NULL) < 0)
		fail(fd, "status", "cannot read /proc/self/status");
	for (char *l = strtok(status, "\n"); l; l = strtok(NULL, "\n"))
		if (strncmp(l, "Cap", 3) == 0)
			child_printf(fd, "%s\n", l);
}

/* Raise `v` into inheritable and ambient, as a careless caller of husk might. */
static void pollute(int fd, cap_value_t v)
{
	cap_t c = cap_get_proc();

	if (!c || cap_set_flag(c, CAP_INHERITABLE, 1, &v, CAP_SET) < 0 || cap_set_proc(c) < 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)v, 0L, 0L) < 0)
		fail(fd, "pollute", strerror(errno));
	cap_free(c);
}

/* The launcher's sequence: bounding, uid change, the other sets. */
static void apply(int fd, const struct caps_case *cc)
{
	struct husk_error err = { 0 };

	if (cc->pollute)
		pollute(fd, cc->pollute);
	if (security_caps_before_user(cc->plan, &err) < 0)
		fail(fd, "before", err.msg);
	if (cc->mode != MODE_USERNS_UNPRIV && setgroups(0, NULL) < 0)
		fail(fd, "setgroups", strerror(errno));
	if (setresgid(cc->gid, cc->gid, cc->gid) < 0 || setresuid(cc->uid, cc->uid, cc->uid) < 0)
		fail(fd, "setres[ug]id", strerror(errno));
	if (security_caps_after_user(cc->plan, &err) < 0)
		fail(fd, "after", err.msg);
	if (cc->exec) {
		char *argv[] = { "grep", "^Cap", "/proc/self/status", NULL };

		dup2(fd, 1);
		execv(cc->exec, argv);
		fail(fd, "exec", strerror(errno));
	}
	dump_status(fd);
}

static void become_ns_root(int fd)
{
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		fail(fd, "become root of the user namespace", strerror(errno));
}

static void in_userns(int fd, const struct caps_case *cc)
{
	int go[2], ready[2];
	char c = 0;
	pid_t pid;
	int st;

	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(ready, O_CLOEXEC) < 0)
		fail(fd, "pipe", strerror(errno));
	pid = fork();
	if (pid == 0) {
		/* Only the other side's ends stay open: EOF means it is gone. */
		close(go[1]);
		close(ready[0]);
		if (unshare(CLONE_NEWUSER) < 0)
			fail(fd, "unshare", strerror(errno));
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			fail(fd, "sync", "parent gone");
		become_ns_root(fd);
		apply(fd, cc);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		fail(fd, "sync", "child gone");
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	write_file(fd, path, "0 100000 65536\n");
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	write_file(fd, path, "0 100000 65536\n");
	if (write(go[1], &c, 1) != 1 || waitpid(pid, &st, 0) != pid)
		fail(fd, "sync", "lost the child");
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 2);
}

/* Root of the initial user namespace (not merely root of some `unshare -r`). */
static bool host_root(void)
{
	_cleanup_free_ char *map = NULL;
	size_t len;
	unsigned long a, b, n;

	if (geteuid() != 0 ||
	    read_file_at(AT_FDCWD, "/proc/self/uid_map", 4096, &map, &len, NULL) < 0)
		return false;
	return sscanf(map, "%lu %lu %lu", &a, &b, &n) == 3 && a == 0 && b == 0 &&
	       n == 4294967295UL;
}

static void in_unpriv_userns(int fd, const struct caps_case *cc)
{
	char umap[64], gmap[64];

	/* As root, become nobody first; unprivileged, we already are somebody. */
	if (host_root() &&
	    (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0))
		fail(fd, "become nobody", strerror(errno));
	/* Changing euid made us non-dumpable: the id map files would be root's. */
	prctl(PR_SET_DUMPABLE, 1L, 0L, 0L, 0L);
	snprintf(umap, sizeof(umap), "0 %u 1\n", (unsigned int)geteuid());
	snprintf(gmap, sizeof(gmap), "0 %u 1\n", (unsigned int)getegid());
	if (unshare(CLONE_NEWUSER) < 0)
		fail(fd, "unshare as nobody", strerror(errno));
	write_file(fd, "/proc/self/setgroups", "deny");
	write_file(fd, "/proc/self/uid_map", umap);
	write_file(fd, "/proc/self/gid_map", gmap);
	become_ns_root(fd);
	apply(fd, cc);
}

static void caps_child(int fd, void *arg)
{
	const struct caps_case *cc = arg;

	switch (cc->mode) {
	case MODE_HOST: apply(fd, cc); break;
	case MODE_USERNS: in_userns(fd, cc); break;
	case MODE_USERNS_UNPRIV: in_unpriv_userns(fd, cc); break;
	}
}

static uint64_t status_field(const char *out, const char *key)
{
	const char *p = strstr(out, key);
	uint64_t v = 0;

	cr_assert_not_null(p, "no %s in:\n%s", key, out);
	cr_assert_eq(sscanf(p + strlen(key), ":\t%" SCNx64, &v), 1);
	return v;
}

static struct caps_seen run_caps(struct caps_case *cc)
{
	struct child_result res;
	struct caps_seen s;

	/* Other uids and multi-id maps need host root; one mapped id does not. */
	if (cc->mode != MODE_USERNS_UNPRIV && !host_root())
		cr_skip_test("needs root on the host (runs as root under make check)");

	run_child(caps_child, cc, &res);
	cr_assert(exited_ok(&res), "child failed (status %#x):\n%s", res.status, res.out);
	s.inh = status_field(res.out, "CapInh");
	s.prm = status_field(res.out, "CapPrm");
	s.eff = status_field(res.out, "CapEff");
	s.bnd = status_field(res.out, "CapBnd");
	s.amb = status_field(res.out, "CapAmb");
	return s;
}

#define FULL_SETS                                                                         \
	"\"capabilities\":{"                                                              \
	"\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"              \
	"\"permitted\":[\"CAP_CHOWN\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"             \
	"\"effective\":[\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"                           \
	"\"inheritable\":[\"CAP_NET_BIND_SERVICE\"],"                                      \
	"\"ambient\":[\"CAP_NET_BIND_SERVICE\"]}"

#define FULL_BND (B(CAP_CHOWN) | B(CAP_KILL) | B(CAP_NET_BIND_SERVICE))
#define FULL_EFF (B(CAP_KILL) | B(CAP_NET_BIND_SERVICE))
#define NBS B(CAP_NET_BIND_SERVICE)

static void check_full(enum mode mode, uid_t uid)
{
	struct security_plan *p = plan_with(FULL_SETS, "", NULL);
	struct caps_case cc = { .mode = mode, .uid = uid, .gid = uid, .plan = p };
	struct caps_seen s = run_caps(&cc);

	cr_assert_eq(s.bnd, FULL_BND, "CapBnd %#" PRIx64, s.bnd);
	cr_assert_eq(s.prm, FULL_BND, "CapPrm %#" PRIx64, s.prm);
	cr_assert_eq(s.eff, FULL_EFF, "CapEff %#" PRIx64, s.eff);
	cr_assert_eq(s.inh, NBS, "CapInh %#" PRIx64, s.inh);
	cr_assert_eq(s.amb, NBS, "CapAmb %#" PRIx64, s.amb);
	security_plan_free(p);
}

Test(security_caps, host_root_uid0) { check_full(MODE_HOST, 0); }
Test(security_caps, host_root_nonroot_user) { check_full(MODE_HOST, 1000); }
Test(security_caps, userns_uid0) { check_full(MODE_USERNS, 0); }
Test(security_caps, userns_nonroot_user) { check_full(MODE_USERNS, 1000); }
Test(security_caps, unprivileged_userns_uid0) { check_full(MODE_USERNS_UNPRIV, 0); }

/* No .process.capabilities at all: nothing, bounding set included (runc). */
Test(security_caps, absent_means_none)
{
	struct security_plan *p = plan_with("", "", NULL);
	struct caps_case cc = { .mode = MODE_USERNS, .uid = 0, .plan = p };
	struct caps_seen s = run_caps(&cc);

	cr_assert_eq(s.bnd | s.prm | s.eff | s.inh | s.amb, 0);
	security_plan_free(p);
}

/* The CVE-2022-29162 class: sets nobody asked for are empty. */
Test(security_caps, inheritable_and_ambient_empty_unless_asked)
{
	struct security_plan *p = plan_with("\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\","
					    "\"CAP_KILL\"],\"permitted\":[\"CAP_KILL\"],"
					    "\"effective\":[\"CAP_KILL\"]}", "", NULL);
	struct caps_case cc = { .mode = MODE_HOST, .uid = 1000, .gid = 1000, .plan = p,
				.pollute = CAP_SYS_ADMIN };
	struct caps_seen s = run_caps(&cc);

	cr_assert_eq(s.inh, 0, "CapInh %#" PRIx64, s.inh);
	cr_assert_eq(s.amb, 0, "CapAmb %#" PRIx64, s.amb);
	cr_assert_eq(s.eff, B(CAP_KILL));
	security_plan_free(p);

	/* Inheritable asked for, ambient not: an inherited ambient one must go. */
	p = plan_with("\"capabilities\":{\"bounding\":[\"CAP_NET_BIND_SERVICE\"],"
		      "\"permitted\":[\"CAP_NET_BIND_SERVICE\"],"
		      "\"inheritable\":[\"CAP_NET_BIND_SERVICE\"]}", "", NULL);
	cc = (struct caps_case){ .mode = MODE_HOST, .uid = 0, .plan = p,
				 .pollute = CAP_NET_BIND_SERVICE };
	s = run_caps(&cc);
	cr_assert_eq(s.inh, NBS);
	cr_assert_eq(s.amb, 0, "CapAmb %#" PRIx64, s.amb);
	security_plan_free(p);
}

/* After execve a non-root workload keeps exactly its ambient capabilities. */
Test(security_caps, nonroot_exec_keeps_only_ambient)
{
	struct security_plan *p = plan_with(FULL_SETS, "", NULL);
	struct caps_case cc = { .mode = MODE_USERNS, .uid = 1000, .gid = 1000, .plan = p,
				.exec = "/bin/grep" };
	struct caps_seen s = run_caps(&cc);

	cr_assert_eq(s.eff, NBS, "CapEff %#" PRIx64, s.eff);
	cr_assert_eq(s.prm, NBS, "CapPrm %#" PRIx64, s.prm);
	cr_assert_eq(s.amb, NBS);
	cr_assert_eq(s.bnd, FULL_BND);
	security_plan_free(p);

	/* Without ambient, nothing survives the execve of a non-root process. */
	p = plan_with("\"capabilities\":{\"bounding\":[\"CAP_KILL\"],\"permitted\":[\"CAP_KILL\"],"
		      "\"effective\":[\"CAP_KILL\"]}", "", NULL);
	cc.plan = p;
	s = run_caps(&cc);
	cr_assert_eq(s.eff | s.prm | s.inh | s.amb, 0);
	security_plan_free(p);
}

/* Root's execve gets the bounding set, as under runc (no SECBIT_NOROOT). */
Test(security_caps, root_exec_gets_bounding)
{
	struct security_plan *p = plan_with(FULL_SETS, "", NULL);
	struct caps_case cc = { .mode = MODE_USERNS_UNPRIV, .uid = 0, .plan = p,
				.exec = "/bin/grep" };
	struct caps_seen s = run_caps(&cc);

	cr_assert_eq(s.eff, FULL_BND, "CapEff %#" PRIx64, s.eff);
	cr_assert_eq(s.bnd, FULL_BND);
	security_plan_free(p);
}

/*
 * The bounding set is cut with one PR_CAPBSET_DROP per capability, without
 * reading it first.  Without CAP_SETPCAP every drop is EPERM: that is fine
 * for a capability already gone from the set, and an error naming the
 * capability for one still in it.
 */
static void drop_without_setpcap(int fd, void *arg)
{
	const struct security_plan *p = arg;
	struct husk_error err = { 0 };
	cap_value_t setpcap = CAP_SETPCAP;
	cap_t c;

	if (security_caps_before_user(p, &err) < 0)     /* CAP_SETPCAP held: cut to the plan */
		fail(fd, "first", err.msg);
	c = cap_get_proc();
	if (!c || cap_set_flag(c, CAP_EFFECTIVE, 1, &setpcap, CAP_CLEAR) < 0 ||
	    cap_set_proc(c) < 0)
		fail(fd, "clear CAP_SETPCAP", strerror(errno));
	cap_free(c);
	if (security_caps_before_user(p, &err) < 0)     /* everything to drop is gone already */
		fail(fd, "again without CAP_SETPCAP", err.msg);
	if (cap_get_bound(CAP_KILL) != 1 || cap_get_bound(CAP_SYS_ADMIN) != 0)
		fail(fd, "bounding", "not cut to the plan");
	child_printf(fd, "ok\n");
}

static void drop_held_without_setpcap(int fd, void *arg)
{
	struct husk_error err = { 0 };
	cap_value_t setpcap = CAP_SETPCAP;
	cap_t c = cap_get_proc();

	if (!c || cap_set_flag(c, CAP_EFFECTIVE, 1, &setpcap, CAP_CLEAR) < 0 ||
	    cap_set_proc(c) < 0)
		fail(fd, "clear CAP_SETPCAP", strerror(errno));
	cap_free(c);
	if (security_caps_before_user(arg, &err) == 0)
		fail(fd, "drop", "succeeded without CAP_SETPCAP");
	child_printf(fd, "%d %s\n", err.errnum, err.msg);
}

Test(security_caps, bounding_drop_without_setpcap)
{
	struct security_plan *p = plan_with("\"capabilities\":{\"bounding\":[\"CAP_KILL\","
					    "\"CAP_SETPCAP\"]}", "", NULL);
	struct child_result res;

	if (!host_root())
		cr_skip_test("needs root on the host (runs as root under make check)");
	run_child(drop_without_setpcap, p, &res);
	cr_assert(exited_ok(&res), "child failed (status %#x):\n%s", res.status, res.out);
	cr_assert_str_eq(res.out, "ok\n");
	run_child(drop_held_without_setpcap, p, &res);
	cr_assert(exited_ok(&res), "child failed (status %#x):\n%s", res.status, res.out);
	cr_assert(strncmp(res.out, "1 .process.capabilities.bounding: drop CAP_CHOWN", 48) == 0,
		  "got: %s", res.out);
	security_plan_free(p);
}
