/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ENOSYS prologue put in front of the libseccomp program.
 *
 * A profile is an allow-list written against the syscalls its author knew.
 * A syscall added to the kernel later (clone3, openat2, faccessat2, ...)
 * would hit the default action, usually EPERM, and libc treats EPERM as
 * "you may not" rather than "try the old call": clone3 → EPERM breaks
 * thread creation instead of falling back to clone.  So every syscall
 * numbered above the highest number the profile names (on the
 * architecture of the call) gets ENOSYS, the kernel's own answer for a
 * syscall it does not have.  libseccomp cannot say "nr > X", so these few
 * instructions are written by hand and run first:
 *
 *	ld  arch
 *	jeq AUDIT_ARCH_X86_64, 0, next      one block per architecture
 *	ld  nr
 *	jge 0x40000000, high, 0             x86_64: the x32 numbers are above this bit
 *	jgt <max x86_64>, enosys, filter
 *  high:	jgt <max x32>, enosys, filter   (or straight to filter without x32)
 *  next:	...
 *	ja  filter                          an architecture we have no block for
 *  enosys:	ret ERRNO(ENOSYS)
 *  filter:	(libseccomp's program, which loads arch itself again)
 *
 * A syscall numbered below the profile's highest that the profile does not
 * name still gets the default action: numbers are not handed out strictly
 * in order of age, so this is a heuristic (the one runc uses as well).
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>

#include "security/security-internal.h"

enum { L_ENOSYS = -1, L_FILTER = -2, L_NEXT = -3, L_HIGH = -4, L_NONE = 0 };

struct fixup {
	size_t at;                  /* instruction index */
	int jt, jf;                 /* label ids, or L_NONE: fall through */
	bool ja;                    /* an unconditional jump: the label goes into k */
};

struct enosys_asm {
	struct sock_filter *out;
	size_t n, max;
	struct fixup fix[256];
	size_t n_fix;
	size_t label_at[5];         /* indexed by -label; L_NEXT/L_HIGH per block */
	bool overflow;
};

static void emit(struct enosys_asm *a, uint16_t code, uint32_t k)
{
	if (a->n >= a->max) {
		a->overflow = true;
		return;
	}
	a->out[a->n++] = (struct sock_filter){ .code = code, .k = k };
}

static void emit_jump(struct enosys_asm *a, uint16_t op, uint32_t k, int jt, int jf)
{
	if (a->n_fix >= sizeof(a->fix) / sizeof(a->fix[0])) {
		a->overflow = true;
		return;
	}
	a->fix[a->n_fix++] = (struct fixup){ .at = a->n, .jt = jt, .jf = jf,
					     .ja = op == (BPF_JMP | BPF_JA) };
	emit(a, op, k);
}

/* Resolve the jumps recorded since `from` to labels whose place is known. */
static void resolve(struct enosys_asm *a, size_t from, int label)
{
	size_t target = a->label_at[-label];

	for (size_t i = from; i < a->n_fix; i++) {
		struct fixup *f = &a->fix[i];
		size_t off = target - (f->at + 1);

		if (f->at >= a->n)
			continue;
		if (f->ja && f->jt == label) {
			a->out[f->at].k = (uint32_t)off;
			f->jt = L_NONE;
		}
		if (!f->ja && f->jt == label) {
			a->overflow |= off > 255;
			a->out[f->at].jt = (uint8_t)off;
			f->jt = L_NONE;
		}
		if (!f->ja && f->jf == label) {
			a->overflow |= off > 255;
			a->out[f->at].jf = (uint8_t)off;
			f->jf = L_NONE;
		}
	}
}

/* "nr > max → ENOSYS, else the filter"; no max known: straight to the filter. */
static void emit_range(struct enosys_asm *a, uint32_t max)
{
	if (max == ENOSYS_NO_MAX)
		emit_jump(a, BPF_JMP | BPF_JA, 0, L_FILTER, L_NONE);
	else
		emit_jump(a, BPF_JMP | BPF_JGT | BPF_K, max, L_ENOSYS, L_FILTER);
}

static void emit_arch(struct enosys_asm *a, const struct enosys_arch *s)
{
	size_t first_fix = a->n_fix;
	bool high = s->limit && s->high_enosys && s->max_high != ENOSYS_NO_MAX;

	emit_jump(a, BPF_JMP | BPF_JEQ | BPF_K, s->audit_arch, L_NONE, L_NEXT);
	emit(a, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	if (s->limit)
		emit_jump(a, BPF_JMP | BPF_JGE | BPF_K, s->limit, high ? L_HIGH : L_FILTER,
			  L_NONE);
	emit_range(a, s->max_low);
	if (high) {
		a->label_at[-L_HIGH] = a->n;
		resolve(a, first_fix, L_HIGH);
		emit_range(a, s->max_high);
	}
	a->label_at[-L_NEXT] = a->n;
	resolve(a, first_fix, L_NEXT);
}

int seccomp_enosys_build(const struct enosys_arch *arches, size_t n, struct sock_filter *out,
		       size_t max)
{
	struct enosys_asm a = { .out = out, .max = max };
	bool any = false;

	for (size_t i = 0; i < n; i++)
		any |= arches[i].max_low != ENOSYS_NO_MAX ||
		       (arches[i].high_enosys && arches[i].max_high != ENOSYS_NO_MAX);
	if (!any)
		return 0;
	emit(&a, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	for (size_t i = 0; i < n; i++) {
		if (arches[i].max_low == ENOSYS_NO_MAX &&
		    !(arches[i].high_enosys && arches[i].max_high != ENOSYS_NO_MAX))
			continue;
		emit_arch(&a, &arches[i]);
	}
	emit_jump(&a, BPF_JMP | BPF_JA, 0, L_FILTER, L_NONE);
	a.label_at[-L_ENOSYS] = a.n;
	emit(&a, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
	a.label_at[-L_FILTER] = a.n;
	resolve(&a, 0, L_ENOSYS);
	resolve(&a, 0, L_FILTER);
	if (a.overflow)
		return -E2BIG;
	return (int)a.n;
}
