/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/cgroup/devices.c and devices-bpf.c: linux.resources.devices.
 *
 * First as data: the BPF program is run by a small interpreter of the few
 * instructions husk emits, and both it and the v1 exception set are
 * checked against the semantic they must have (the last matching rule
 * decides, nothing matching is denied) over every request of a grid of
 * devices and accesses.  Then for real, as root: a cgroup (v1 under
 * /sys/fs/cgroup/devices, v2 under the cgroup2 mount) gets the rules, a
 * child moves itself into it and opens /dev/null and /dev/zero.  Every
 * cgroup a test makes is removed by fini(), even when the test fails.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <linux/magic.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup-internal.h"
#include "cgroup/devices.h"
#include "husk/util.h"

#define ANY (-1)

static struct husk_device_cgroup rule(bool allow, char type, int64_t major, int64_t minor,
				      const char *access)
{
	return (struct husk_device_cgroup){
		.allow = allow, .type = type,
		.major = { major != ANY, major }, .minor = { minor != ANY, minor },
		.access = (char *)access,
	};
}

/* ---- the reference semantic and the program's --------------------------------- */

/* The last rule matching (type 'c'/'b', major, minor, access bits). */
static bool reference(const struct husk_device_cgroup *rules, size_t n, char type, uint32_t major,
		      uint32_t minor, unsigned acc)
{
	for (size_t i = n; i > 0; i--) {
		const struct husk_device_cgroup *r = &rules[i - 1];

		if ((r->type == 'a' || r->type == type) &&
		    (!r->major.set || (uint32_t)r->major.value == major) &&
		    (!r->minor.set || (uint32_t)r->minor.value == minor) &&
		    (acc & cg_dev_access(r)) == acc)
			return r->allow;
	}
	return false;
}

/* Runs husk's program: only the instructions the builder emits. */
static int run_prog(const struct bpf_insn *p, size_t n, char type, uint32_t major, uint32_t minor,
		    unsigned acc)
{
	struct bpf_cgroup_dev_ctx ctx = {
		.access_type = acc << 16 | (type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK),
		.major = major, .minor = minor,
	};
	uint64_t reg[11] = { 0 };

	for (size_t pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &p[pc];
		uint32_t src = BPF_SRC(i->code) == BPF_X ? (uint32_t)reg[i->src_reg] : (uint32_t)i->imm;

		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			cr_assert_eq(i->src_reg, BPF_REG_1);
			memcpy(&reg[i->dst_reg], (char *)&ctx + i->off, 4);
			reg[i->dst_reg] &= 0xffffffff;
			break;
		case BPF_ALU | BPF_MOV | BPF_X: reg[i->dst_reg] = src; break;
		case BPF_ALU | BPF_RSH | BPF_K: reg[i->dst_reg] = (uint32_t)reg[i->dst_reg] >> src; break;
		case BPF_ALU | BPF_AND | BPF_K: reg[i->dst_reg] = (uint32_t)reg[i->dst_reg] & src; break;
		case BPF_ALU64 | BPF_MOV | BPF_K: reg[i->dst_reg] = (uint64_t)(int64_t)i->imm; break;
		case BPF_JMP32 | BPF_JNE | BPF_K:
		case BPF_JMP32 | BPF_JNE | BPF_X:
			if ((uint32_t)reg[i->dst_reg] != src)
				pc += (size_t)i->off;
			break;
		case BPF_JMP | BPF_EXIT: return (int)reg[0];
		default: cr_assert_fail("unexpected instruction 0x%02x at %zu", i->code, pc);
		}
	}
	cr_assert_fail("the program runs off its end");
	return -1;
}

/* The same decision from the v1 form, as the kernel's legacy check makes it. */
static bool v1_decides(const struct cg_dev_v1 *v, char type, uint32_t major, uint32_t minor,
		       unsigned acc)
{
	for (size_t j = 0; j < v->n; j++) {
		const struct cg_dev_exception *e = &v->ex[j];

		if (e->type == type && (e->major == CG_DEV_ANY || e->major == major) &&
		    (e->minor == CG_DEV_ANY || e->minor == minor) && (acc & ~e->access) == 0)
			return !v->allow_default;
	}
	return v->allow_default;
}

/*
 * Every request over c/b, majors 1 and 5, minors 3 and 5, every access:
 * the program must decide as the reference; the v1 form as well for
 * single-bit accesses, and never more permissively for the others.
 */
static void check_rules(const struct husk_device_cgroup *rules, size_t n, bool v1_expressible)
{
	_cleanup_free_ struct bpf_insn *p = NULL;
	struct cg_dev_v1 v = { 0 };
	struct husk_error err = { 0 };
	size_t len;

	cr_assert_eq(cg_dev_bpf_build(rules, n, &p, &len, &err), 0, "%s", err.msg);
	cr_assert_eq(cg_dev_v1_compile(rules, n, &v, &err) == 0, v1_expressible, "%s", err.msg);
	for (const char *t = "cb"; *t; t++)
		for (uint32_t maj = 1; maj <= 5; maj += 4)
			for (uint32_t min = 3; min <= 5; min += 2)
				for (unsigned acc = 1; acc <= CG_DEV_ACC_ALL; acc++) {
					bool want = reference(rules, n, *t, maj, min, acc);

					cr_assert_eq(run_prog(p, len, *t, maj, min, acc), want,
						     "bpf: %c %u:%u access %u", *t, maj, min, acc);
					if (!v1_expressible)
						continue;
					if ((acc & (acc - 1)) == 0)
						cr_assert_eq(v1_decides(&v, *t, maj, min, acc), want,
							     "v1: %c %u:%u access %u", *t, maj, min, acc);
					else if (!want)
						cr_assert(!v1_decides(&v, *t, maj, min, acc),
							  "v1 allows %c %u:%u access %u", *t, maj, min, acc);
				}
	cg_dev_v1_free(&v);
}

/* ---- the program builder -------------------------------------------------------- */

Test(cgroup_devices, no_rules_is_a_program_that_denies_everything)
{
	_cleanup_free_ struct bpf_insn *p = NULL;
	struct husk_error err = { 0 };
	size_t n;

	cr_assert_eq(cg_dev_bpf_build(NULL, 0, &p, &n, &err), 0);
	/* The three loads, the split of access_type, and "return 0". */
	cr_assert_eq(n, 8);
	cr_assert_eq(p[6].code, BPF_ALU64 | BPF_MOV | BPF_K);
	cr_assert_eq(p[6].imm, 0);
	cr_assert_eq(p[7].code, BPF_JMP | BPF_EXIT);
	cr_assert_eq(run_prog(p, n, 'c', 1, 3, CG_DEV_ACC_R), 0);
}

Test(cgroup_devices, each_check_is_one_instruction_and_misses_jump_to_the_next_rule)
{
	struct husk_device_cgroup r[] = { rule(true, 'c', 1, 3, "rwm"), rule(true, 'b', ANY, 7, "r") };
	_cleanup_free_ struct bpf_insn *p = NULL;
	struct husk_error err = { 0 };
	size_t n;

	cr_assert_eq(cg_dev_bpf_build(r, 2, &p, &n, &err), 0);
	/* prologue 6; "b *:7 r" type + access (3) + minor + return (2) = 7;
	 * "c 1:3 rwm" type + major + minor + return = 5; final deny 2. */
	cr_assert_eq(n, 6 + 7 + 5 + 2);
	/* The last rule comes first: its checks jump past its block. */
	cr_assert_eq(p[6].code, BPF_JMP32 | BPF_JNE | BPF_K);
	cr_assert_eq(p[6].imm, BPF_DEVCG_DEV_BLOCK);
	cr_assert_eq(6 + 1 + p[6].off, 13);
	cr_assert_eq(p[13].imm, BPF_DEVCG_DEV_CHAR);
	cr_assert_eq(13 + 1 + p[13].off, 18);
}

Test(cgroup_devices, rules_hidden_by_a_later_match_all_are_left_out)
{
	struct husk_device_cgroup r[] = { rule(false, 'c', 1, 3, NULL), rule(true, 'a', ANY, ANY, NULL) };
	_cleanup_free_ struct bpf_insn *p = NULL;
	struct husk_error err = { 0 };
	size_t n;

	/* The verifier refuses code that cannot run: no block for the deny,
	 * no final "return 0". */
	cr_assert_eq(cg_dev_bpf_build(r, 2, &p, &n, &err), 0);
	cr_assert_eq(n, 6 + 2);
	cr_assert_eq(p[6].imm, 1);
}

Test(cgroup_devices, programs_decide_as_the_last_matching_rule)
{
	struct husk_device_cgroup deny_then_allow[] = {
		rule(false, 'a', ANY, ANY, "rwm"), rule(true, 'c', 1, 3, "rwm"),
	};
	struct husk_device_cgroup allow_then_deny[] = {
		rule(true, 'a', ANY, ANY, NULL), rule(false, 'c', 1, 3, "rwm"),
	};
	struct husk_device_cgroup subsets[] = {
		rule(true, 'c', 1, ANY, "r"), rule(true, 'c', 5, 5, "wm"), rule(false, 'c', 5, 5, "m"),
		rule(true, 'a', 1, 5, "w"), rule(true, 'b', ANY, ANY, "m"),
	};
	/* v1 cannot hold this one: a deny inside an earlier, wider allow. */
	struct husk_device_cgroup hole[] = {
		rule(true, 'c', ANY, ANY, "rwm"), rule(false, 'c', 1, 3, "rwm"),
		rule(true, 'b', 5, ANY, "r"), rule(false, 'a', ANY, 5, "w"),
	};

	check_rules(NULL, 0, true);
	check_rules(deny_then_allow, 2, true);
	check_rules(allow_then_deny, 2, true);
	check_rules(subsets, 5, true);
	check_rules(hole, 4, false);
}

/* ---- the v1 form ---------------------------------------------------------------- */

Test(cgroup_devices, v1_the_last_match_all_rule_sets_the_default)
{
	struct husk_device_cgroup r[] = {
		rule(false, 'c', 4, ANY, "rwm"), rule(true, 'a', ANY, ANY, "rwm"),
		rule(false, 'c', 1, 3, "rwm"), rule(false, 'a', 7, ANY, "r"),
	};
	struct cg_dev_v1 v = { 0 };
	struct husk_error err = { 0 };

	cr_assert_eq(cg_dev_v1_compile(r, 4, &v, &err), 0, "%s", err.msg);
	cr_assert(v.allow_default);
	/* The deny before "a" is gone; "a 7:*" is one deny per type. */
	cr_assert_eq(v.n, 3);
	cr_assert(v.ex[0].type == 'c' && v.ex[0].major == 1 && v.ex[0].minor == 3);
	cr_assert(v.ex[1].type == 'c' && v.ex[1].major == 7 && v.ex[1].minor == CG_DEV_ANY);
	cr_assert(v.ex[2].type == 'b' && v.ex[2].access == CG_DEV_ACC_R && v.ex[2].rule == 3);
	cg_dev_v1_free(&v);

	/* A list ending in "deny a" is nothing but that. */
	r[3] = rule(false, 'a', ANY, ANY, NULL);
	cr_assert_eq(cg_dev_v1_compile(r, 4, &v, &err), 0);
	cr_assert(!v.allow_default);
	cr_assert_eq(v.n, 0);
}

Test(cgroup_devices, v1_refuses_what_it_cannot_hold_naming_both_rules)
{
	struct husk_device_cgroup r[] = {
		rule(false, 'a', ANY, ANY, NULL), rule(true, 'c', ANY, ANY, "rwm"),
		rule(false, 'c', 1, 3, "rwm"),
	};
	struct husk_device_cgroup partial[] = {
		rule(true, 'a', ANY, ANY, NULL), rule(false, 'c', 1, 3, "rwm"),
		rule(true, 'c', 1, 3, "r"),
	};
	struct cg_dev_v1 v = { 0 };
	struct husk_error err = { 0 };

	cr_assert_eq(cg_dev_v1_compile(r, 3, &v, &err), -EINVAL);
	cr_assert_str_eq(err.msg, ".linux.resources.devices[2] (deny c 1:3 rwm) cannot be applied "
			 "on cgroup v1 after .linux.resources.devices[1] (allow c *:* rwm): it "
			 "takes back part of the devices of an exception; the v1 devices "
			 "controller keeps only a default and exceptions of the other kind (list "
			 "the exact devices instead, or use cgroup v2)");
	cr_assert_eq(cg_dev_v1_compile(partial, 3, &v, &err), -EINVAL);
	cr_assert(strstr(err.msg, "devices[2] (allow c 1:3 r)") && strstr(err.msg, "part of the access"),
		  "%s", err.msg);
}

/* ---- for real: cgroups, a child, open(2) ------------------------------------------ */

static char made[4][128];
static pid_t child = -1;

/* rmdir, waiting out the moment a reaped child's cgroup still counts it. */
static void remove_cgroup(const char *path)
{
	for (int i = 0; i < 100; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return;
		if (errno != EBUSY)
			break;
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	fprintf(stderr, "cgroup_devices: could not remove %s: %m\n", path);
}

static void fini(void)
{
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		child = -1;
	}
	for (size_t i = 0; i < 4; i++)
		if (made[i][0]) {
			remove_cgroup(made[i]);
			made[i][0] = '\0';
		}
}

/* A new cgroup under parent, remembered for fini(); its directory fd. */
static int make_cgroup(const char *parent, unsigned long magic, const char *tag)
{
	struct statfs st;
	size_t i = 0;
	int fd;

	if (geteuid() != 0)
		cr_skip_test("needs root, to make cgroups");
	if (statfs(parent, &st) < 0 || (unsigned long)st.f_type != magic)
		cr_skip_test("%s is not a %s mount on this host", parent,
			     magic == CGROUP2_SUPER_MAGIC ? "cgroup2" : "cgroup v1");
	while (made[i][0])
		i++;
	snprintf(made[i], sizeof(made[i]), "%s/husk-test-%d-%s", parent, (int)getpid(), tag);
	cr_assert(mkdir(made[i], 0755) == 0, "mkdir %s: %m", made[i]);
	fd = open(made[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert(fd >= 0, "open %s: %m", made[i]);
	return fd;
}

static int v1_cgroup(const char *tag)
{
	return make_cgroup("/sys/fs/cgroup/devices", CGROUP_SUPER_MAGIC, tag);
}

static int v2_cgroup(const char *tag)
{
	return make_cgroup("/sys/fs/cgroup/unified", CGROUP2_SUPER_MAGIC, tag);
}

struct probe { const char *path; int flags; };

/*
 * A child writes its pid to dirfd's cgroup.procs, opens each probe and
 * sends back the errno of each (0: it opened).
 */
static void probe_in(int dirfd, const struct probe *probes, size_t n, int *result)
{
	int pipefd[2], status;

	cr_assert(pipe2(pipefd, O_CLOEXEC) == 0);
	child = fork();
	cr_assert(child >= 0);
	if (child == 0) {
		char pid[16];
		int fd = openat(dirfd, "cgroup.procs", O_WRONLY | O_CLOEXEC);

		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		if (fd < 0 || write(fd, pid, strlen(pid)) < 0)
			_exit(1);
		for (size_t i = 0; i < n; i++) {
			int o = open(probes[i].path, probes[i].flags | O_CLOEXEC);
			int e = o < 0 ? errno : 0;

			if (write(pipefd[1], &e, sizeof(e)) != sizeof(e))
				_exit(1);
		}
		_exit(0);
	}
	close(pipefd[1]);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(read(pipefd[0], &result[i], sizeof(int)), sizeof(int),
			     "the child could not join the cgroup");
	close(pipefd[0]);
	cr_assert_eq(waitpid(child, &status, 0), child);
	child = -1;
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static const struct probe null_zero[] = {
	{ "/dev/null", O_RDWR }, { "/dev/zero", O_RDONLY },
};

static void expect(int dirfd, int null_errno, int zero_errno)
{
	int res[2];

	probe_in(dirfd, null_zero, 2, res);
	cr_assert_eq(res[0], null_errno, "open /dev/null: %s", strerror(res[0]));
	cr_assert_eq(res[1], zero_errno, "open /dev/zero: %s", strerror(res[1]));
}

static struct husk_device_cgroup allow_all_deny_null[] = {
	{ .allow = true, .type = 'a' },
	{ .allow = false, .type = 'c', .major = { true, 1 }, .minor = { true, 3 }, .access = "rwm" },
};
static struct husk_device_cgroup deny_all_allow_null[] = {
	{ .allow = false, .type = 'a', .access = "rwm" },
	{ .allow = true, .type = 'c', .major = { true, 1 }, .minor = { true, 3 }, .access = "rwm" },
};
static struct husk_device_cgroup null_read_only[] = {
	{ .allow = true, .type = 'c', .major = { true, 1 }, .minor = { true, 3 }, .access = "r" },
};

static void expect_read_only_null(int dirfd)
{
	static const struct probe p[] = {
		{ "/dev/null", O_RDONLY }, { "/dev/null", O_WRONLY }, { "/dev/zero", O_RDONLY },
	};
	int res[3];

	probe_in(dirfd, p, 3, res);
	cr_assert_eq(res[0], 0, "O_RDONLY: %s", strerror(res[0]));
	cr_assert_eq(res[1], EPERM, "O_WRONLY: %s", strerror(res[1]));
	cr_assert_eq(res[2], EPERM, "/dev/zero: %s", strerror(res[2]));
}

Test(cgroup_devices, v1_deny_one_allow_the_rest, .fini = fini)
{
	_cleanup_close_ int fd = v1_cgroup("a");
	struct husk_error err = { 0 };

	cr_assert_eq(cg_devices_v1(fd, allow_all_deny_null, 2, &err), 0, "%s", err.msg);
	expect(fd, EPERM, 0);
	/* The other way round, on the same cgroup: an update. */
	cr_assert_eq(cg_devices_v1(fd, deny_all_allow_null, 2, &err), 0, "%s", err.msg);
	expect(fd, 0, EPERM);
	cr_assert_eq(cg_devices_v1(fd, null_read_only, 1, &err), 0, "%s", err.msg);
	expect_read_only_null(fd);
}

Test(cgroup_devices, v1_an_update_between_deny_defaults_writes_the_difference, .fini = fini)
{
	_cleanup_close_ int fd = v1_cgroup("b");
	struct husk_device_cgroup before[] = {
		rule(true, 'c', 1, 3, "rwm"), rule(true, 'c', 1, 5, "rwm"), rule(true, 'b', ANY, ANY, "m"),
	};
	struct husk_device_cgroup after[] = { rule(true, 'c', 1, 5, "r"), rule(true, 'b', ANY, ANY, "m") };
	struct husk_error err = { 0 };
	_cleanup_free_ char *list = NULL;

	cr_assert_eq(cg_devices_v1(fd, before, 3, &err), 0, "%s", err.msg);
	cr_assert_eq(read_file_at(fd, "devices.list", 4096, &list, NULL, &err), 0);
	cr_assert_str_eq(list, "c 1:3 rwm\nc 1:5 rwm\nb *:* m\n");
	free(TAKE_PTR(list));
	cr_assert_eq(cg_devices_v1(fd, after, 2, &err), 0, "%s", err.msg);
	cr_assert_eq(read_file_at(fd, "devices.list", 4096, &list, NULL, &err), 0);
	cr_assert_str_eq(list, "c 1:5 r\nb *:* m\n");
	/* /dev/zero is c 1:5: read-only now. */
	expect(fd, EPERM, 0);
}

/* The programs attached to dirfd itself: how many husk's, and one id. */
static int count_husk_progs(int dirfd, uint32_t *id)
{
	uint32_t ids[16];
	union bpf_attr a = { 0 };
	int husk = 0;

	a.query.target_fd = (uint32_t)dirfd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uintptr_t)ids;
	a.query.prog_cnt = 16;
	cr_assert_eq(syscall(SYS_bpf, BPF_PROG_QUERY, &a, sizeof(a)), 0, "BPF_PROG_QUERY: %m");
	for (uint32_t i = 0; i < a.query.prog_cnt; i++) {
		union bpf_attr g = { 0 };
		struct bpf_prog_info info = { 0 };
		int fd;

		g.prog_id = ids[i];
		fd = (int)syscall(SYS_bpf, BPF_PROG_GET_FD_BY_ID, &g, sizeof(g));
		cr_assert(fd >= 0);
		memset(&g, 0, sizeof(g));
		g.info.bpf_fd = (uint32_t)fd;
		g.info.info_len = sizeof(info);
		g.info.info = (uintptr_t)&info;
		cr_assert_eq(syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &g, sizeof(g)), 0);
		close(fd);
		if (strcmp(info.name, CG_DEV_PROG_NAME) == 0) {
			husk++;
			*id = ids[i];
		}
	}
	return husk;
}

Test(cgroup_devices, v2_deny_one_then_an_update_replaces_the_program, .fini = fini)
{
	_cleanup_close_ int fd = v2_cgroup("a");
	struct husk_error err = { 0 };
	uint32_t first = 0, second = 0;

	cr_assert_eq(cg_devices_v2(fd, allow_all_deny_null, 2, &err), 0, "%s", err.msg);
	cr_assert_eq(count_husk_progs(fd, &first), 1);
	expect(fd, EPERM, 0);

	cr_assert_eq(cg_devices_v2(fd, deny_all_allow_null, 2, &err), 0, "%s", err.msg);
	cr_assert_eq(count_husk_progs(fd, &second), 1);
	cr_assert_neq(first, second);
	expect(fd, 0, EPERM);
}

Test(cgroup_devices, v2_access_is_a_subset_and_no_rules_deny_all, .fini = fini)
{
	_cleanup_close_ int fd = v2_cgroup("b");
	struct husk_error err = { 0 };
	uint32_t id;

	cr_assert_eq(cg_devices_v2(fd, null_read_only, 1, &err), 0, "%s", err.msg);
	expect_read_only_null(fd);
	cr_assert_eq(cg_devices_v2(fd, NULL, 0, &err), 0, "%s", err.msg);
	cr_assert_eq(count_husk_progs(fd, &id), 1);
	expect(fd, EPERM, EPERM);
}

Test(cgroup_devices, v2_without_cap_sys_admin_says_what_to_do, .fini = fini)
{
	_cleanup_close_ int fd = v2_cgroup("c");
	struct husk_error err = { 0 };
	cap_t caps = cap_get_proc();
	cap_value_t drop[] = { CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON };

	/* This test's own process: Criterion runs each test in its own. */
	cr_assert(caps);
	cr_assert_eq(cap_set_flag(caps, CAP_EFFECTIVE, 3, drop, CAP_CLEAR), 0);
	cr_assert_eq(cap_set_proc(caps), 0, "cap_set_proc: %m");
	cap_free(caps);
	cr_assert_eq(cg_devices_v2(fd, allow_all_deny_null, 2, &err), -EPERM);
	cr_assert_str_eq(err.msg, "bpf(BPF_PROG_LOAD) for the device rules of "
			 ".linux.resources.devices: Operation not permitted (needs CAP_SYS_ADMIN; "
			 "rootless, device access is held by the user namespace instead)");
}

Test(cgroup_devices, v2_on_a_directory_that_is_not_a_cgroup_names_the_syscall)
{
	_cleanup_close_ int fd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct husk_error err = { 0 };

	if (geteuid() != 0)
		cr_skip_test("needs root, to load a program");
	cr_assert(fd >= 0);
	cr_assert_lt(cg_devices_v2(fd, NULL, 0, &err), 0);
	cr_assert(str_has_prefix(err.msg, "bpf(BPF_PROG_QUERY)"), "%s", err.msg);
}
