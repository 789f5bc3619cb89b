/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.resources.devices on cgroup v2: v2 has no devices controller; the
 * kernel asks the BPF_PROG_TYPE_CGROUP_DEVICE programs attached to the
 * cgroup and its ancestors, and a device is usable only if all of them
 * say yes.  husk writes that program itself, as raw instructions (a dozen
 * kinds of them; libbpf and a compiler would be far more than the
 * program), loads it with bpf(2) and attaches it with BPF_F_ALLOW_MULTI so
 * the programs of whoever manages the parent (systemd) keep running.
 *
 * The program: the context is struct bpf_cgroup_dev_ctx (access_type =
 * access << 16 | type, major, minor).  The rules are emitted last first,
 * each a block of checks jumping to the next block on a mismatch and
 * returning the rule's verdict when all pass, so the first block that
 * matches is the last rule that does; after them, 0 (deny).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup/cgroup-internal.h"
#include "cgroup/devices.h"
#include "husk/util.h"

#define DEV_JSON ".linux.resources.devices"

/* The verifier's limit for a privileged program (BPF_COMPLEXITY_LIMIT_INSNS). */
#define PROG_MAX_INSNS 1000000
/* The most instructions one rule takes; the prologue and epilogue. */
#define RULE_MAX_INSNS 8
#define FRAME_INSNS 8

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off,
				  .imm = imm };
}

/* dst = *(u32 *)(R1 + off): a field of struct bpf_cgroup_dev_ctx. */
static struct bpf_insn load_ctx(uint8_t dst, int16_t off)
{
	return insn(BPF_LDX | BPF_MEM | BPF_W, dst, BPF_REG_1, off, 0);
}

static struct bpf_insn alu32_imm(uint8_t op, uint8_t dst, int32_t imm)
{
	return insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}

static struct bpf_insn mov32_reg(uint8_t dst, uint8_t src)
{
	return insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0);
}

/* if (u32)dst != imm goto next (off patched later); 32-bit compares, so
 * a number above INT32_MAX is compared as the u32 it is. */
static struct bpf_insn jne32_imm(uint8_t dst, uint32_t imm)
{
	return insn(BPF_JMP32 | BPF_JNE | BPF_K, dst, 0, 0, (int32_t)imm);
}

static struct bpf_insn jne32_reg(uint8_t dst, uint8_t src)
{
	return insn(BPF_JMP32 | BPF_JNE | BPF_X, dst, src, 0, 0);
}

/*
 * Registers while the rules run: R2 the type, R3 the access, R4 the
 * major, R5 the minor; R1 (the context, no longer needed) is scratch.
 */
static size_t emit_prologue(struct bpf_insn *p)
{
	size_t i = 0;

	p[i++] = load_ctx(BPF_REG_2, offsetof(struct bpf_cgroup_dev_ctx, access_type));
	p[i++] = load_ctx(BPF_REG_4, offsetof(struct bpf_cgroup_dev_ctx, major));
	p[i++] = load_ctx(BPF_REG_5, offsetof(struct bpf_cgroup_dev_ctx, minor));
	p[i++] = mov32_reg(BPF_REG_3, BPF_REG_2);
	p[i++] = alu32_imm(BPF_RSH, BPF_REG_3, 16);
	p[i++] = alu32_imm(BPF_AND, BPF_REG_2, 0xffff);
	return i;
}

static size_t emit_return(struct bpf_insn *p, int verdict)
{
	p[0] = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, verdict);
	p[1] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return 2;
}

/*
 * One rule's block at p: its checks, then its verdict.  Each check's jump
 * lands just past the block.  *always is set when the block has no check
 * (the rule matches every request), so nothing after it can run.
 */
static size_t emit_rule(struct bpf_insn *p, const struct husk_device_cgroup *r, bool *always)
{
	unsigned acc = cg_dev_access(r);
	size_t i = 0, n;

	if (r->type != 'a')
		p[i++] = jne32_imm(BPF_REG_2, r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
	if (acc != CG_DEV_ACC_ALL) {
		/* The request's access must be a subset of the rule's:
		 * (access & rule) == access. */
		p[i++] = mov32_reg(BPF_REG_1, BPF_REG_3);
		p[i++] = alu32_imm(BPF_AND, BPF_REG_1, (int32_t)acc);
		p[i++] = jne32_reg(BPF_REG_1, BPF_REG_3);
	}
	if (r->major.set)
		p[i++] = jne32_imm(BPF_REG_4, (uint32_t)r->major.value);
	if (r->minor.set)
		p[i++] = jne32_imm(BPF_REG_5, (uint32_t)r->minor.value);
	*always = i == 0;
	n = i + emit_return(p + i, r->allow ? 1 : 0);
	for (size_t j = 0; j < i; j++)
		if (BPF_CLASS(p[j].code) == BPF_JMP32)
			p[j].off = (int16_t)(n - j - 1);
	return n;
}

/*
 * The whole program.  Rules hidden by a later rule that matches everything
 * are left out, and so is the final deny then: the verifier refuses
 * instructions that can never run.
 */
int cg_dev_bpf_build(const struct husk_device_cgroup *rules, size_t n, struct bpf_insn **out,
		     size_t *n_out, struct husk_error *err)
{
	_cleanup_free_ struct bpf_insn *p = NULL;
	bool always = false;
	size_t len;

	if (n > (PROG_MAX_INSNS - FRAME_INSNS) / RULE_MAX_INSNS)
		return husk_error_setq(err, E2BIG, DEV_JSON ": %zu rules are more than one BPF "
				       "program can hold (at most %d)", n,
				       (PROG_MAX_INSNS - FRAME_INSNS) / RULE_MAX_INSNS);
	p = xcalloc(n * RULE_MAX_INSNS + FRAME_INSNS, sizeof(*p));
	len = emit_prologue(p);
	for (size_t i = n; i > 0 && !always; i--)
		len += emit_rule(p + len, &rules[i - 1], &always);
	if (!always)
		len += emit_return(p + len, 0);
	*out = TAKE_PTR(p);
	*n_out = len;
	return 0;
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* The end of the verifier's log, on one line, for an error message. */
static const char *log_tail(char *log, size_t max)
{
	size_t len = strlen(log);

	while (len > 0 && (log[len - 1] == '\n' || log[len - 1] == ' '))
		log[--len] = '\0';
	for (char *c = log; *c; c++)
		if (*c == '\n')
			*c = '|';
	return len > max ? log + len - max : log;
}

/*
 * Load the program; the fd.  A program the verifier refuses is husk's bug,
 * so the error carries the end of the verifier's log (asked for only then:
 * logging slows the verifier down).
 */
static int prog_load(const struct bpf_insn *insns, size_t n, struct husk_error *err)
{
	union bpf_attr a;
	int fd, e;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = (uint32_t)n;
	/* No helper is called, so the license only has to be a valid string;
	 * it is husk's own. */
	a.license = (uintptr_t)"GPL";
	memcpy(a.prog_name, CG_DEV_PROG_NAME, sizeof(CG_DEV_PROG_NAME));
	fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	e = errno;
	if (e == EPERM) {
		husk_error_set(err, e, "bpf(BPF_PROG_LOAD) for the device rules of " DEV_JSON);
		husk_error_hint(err, "needs CAP_SYS_ADMIN; rootless, device access is held by "
				"the user namespace instead");
		return -e;
	}
	if (e == EACCES || e == EINVAL) {
		_cleanup_free_ char *log = xcalloc(1, 1 << 16);

		a.log_buf = (uintptr_t)log;
		a.log_size = 1 << 16;
		a.log_level = 1;
		fd = sys_bpf(BPF_PROG_LOAD, &a);
		if (fd >= 0)
			return fd;
		return husk_error_set(err, e, "bpf(BPF_PROG_LOAD) for the device rules of " DEV_JSON
				      " refused husk's program of %zu instructions (a bug in husk; "
				      "please report it with the rules): verifier: ...%s",
				      n, log_tail(log, 600));
	}
	return husk_error_set(err, e, "bpf(BPF_PROG_LOAD) for the device rules of " DEV_JSON);
}

/*
 * The programs husk attached to the cgroup before (found by name among
 * those attached to this cgroup itself, not its ancestors), as fds in
 * *fds.  Returns how many, or a negative errno.
 */
static int husk_progs(int dirfd, int **fds, struct husk_error *err)
{
	_cleanup_free_ uint32_t *ids = NULL;
	uint32_t cap = 8;
	union bpf_attr a;
	int n = 0;

	*fds = NULL;
	for (;;) {
		ids = xrealloc(ids, cap * sizeof(*ids));
		memset(&a, 0, sizeof(a));
		a.query.target_fd = (uint32_t)dirfd;
		a.query.attach_type = BPF_CGROUP_DEVICE;
		a.query.prog_ids = (uintptr_t)ids;
		a.query.prog_cnt = cap;
		if (sys_bpf(BPF_PROG_QUERY, &a) == 0)
			break;
		if (errno != ENOSPC || a.query.prog_cnt <= cap)
			return husk_error_set(err, errno, "bpf(BPF_PROG_QUERY) for the device "
					      "programs of the cgroup, to replace husk's");
		cap = a.query.prog_cnt;
	}
	*fds = xcalloc(a.query.prog_cnt + 1, sizeof(**fds));
	for (uint32_t i = 0; i < a.query.prog_cnt; i++) {
		struct bpf_prog_info info;
		union bpf_attr g;
		int fd;

		memset(&g, 0, sizeof(g));
		g.prog_id = ids[i];
		fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &g);
		if (fd < 0)
			continue;   /* detached meanwhile */
		memset(&info, 0, sizeof(info));
		memset(&g, 0, sizeof(g));
		g.info.bpf_fd = (uint32_t)fd;
		g.info.info_len = sizeof(info);
		g.info.info = (uintptr_t)&info;
		if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &g) == 0 &&
		    str_eq(info.name, CG_DEV_PROG_NAME))
			(*fds)[n++] = fd;
		else
			close(fd);
	}
	return n;
}

static int attach_error(int e, const char *what, struct husk_error *err)
{
	husk_error_set(err, e, "bpf(BPF_PROG_ATTACH) %s for " DEV_JSON, what);
	if (e == EPERM)
		husk_error_hint(err, "needs CAP_SYS_ADMIN; or a program attached to the cgroup "
				"without BPF_F_ALLOW_MULTI keeps others out");
	return -e;
}

/*
 * Compile, load, and attach in place of husk's previous program: with
 * BPF_F_REPLACE the swap is one step, so the cgroup is never without
 * device rules, not even for a moment.  Should there be more than one
 * (two updates racing), the others are detached after.  The cgroup holds
 * the program; its fd is closed.
 */
int cg_devices_v2(int dirfd, const struct husk_device_cgroup *rules, size_t n,
		  struct husk_error *err)
{
	_cleanup_free_ struct bpf_insn *insns = NULL;
	_cleanup_close_ int prog = -1;
	_cleanup_free_ int *old = NULL;
	size_t n_insns;
	union bpf_attr a;
	int n_old, r = 0;

	if ((r = cg_dev_bpf_build(rules, n, &insns, &n_insns, err)) < 0)
		return r;
	if ((prog = prog_load(insns, n_insns, err)) < 0)
		return prog;
	if ((n_old = husk_progs(dirfd, &old, err)) < 0)
		return n_old;
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)dirfd;
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (n_old > 0) {
		a.attach_flags |= BPF_F_REPLACE;
		a.replace_bpf_fd = (uint32_t)old[0];
	}
	if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
		r = attach_error(errno, n_old > 0 ? "replacing husk's previous device program" :
				 "of the device program", err);
	for (int i = 1; r == 0 && i < n_old; i++) {
		memset(&a, 0, sizeof(a));
		a.target_fd = (uint32_t)dirfd;
		a.attach_bpf_fd = (uint32_t)old[i];
		a.attach_type = BPF_CGROUP_DEVICE;
		if (sys_bpf(BPF_PROG_DETACH, &a) < 0 && errno != ENOENT)
			r = husk_error_set(err, errno, "bpf(BPF_PROG_DETACH) of an older husk device "
					   "program for " DEV_JSON);
	}
	for (int i = 0; i < n_old; i++)
		close(old[i]);
	return r;
}
