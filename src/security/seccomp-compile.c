/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * .linux.seccomp to a BPF program, in husk, before the clone.
 *
 * libseccomp builds the filter and exports it as raw BPF; we put the
 * ENOSYS prologue (seccomp-enosys.c) in front and keep the result in the
 * plan.  The container process then loads it with one seccomp(2) call:
 * no libseccomp after the clone, and the flags go straight to the kernel.
 *
 * Semantics, as runc and crun give them:
 *  - a syscall name libseccomp does not know is skipped silently (profiles
 *    name the syscalls of every architecture and of newer kernels);
 *  - several conditions on different arguments must all hold (AND);
 *    libseccomp refuses two conditions on the same argument in one rule,
 *    so a rule that has them becomes one rule per condition (OR);
 *  - a rule whose action is the default action is left out (libseccomp
 *    refuses it, and it changes nothing);
 *  - errnoRet is allowed only on SCMP_ACT_ERRNO and SCMP_ACT_TRACE (the
 *    runtime-spec says to fail otherwise); EPERM when absent.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "husk/util.h"
#include "security/security-internal.h"

#define MAX_ARCHES 16
#define X32_SYSCALL_BIT 0x40000000u
#define ARM_PRIVATE_BASE 0x0f0000u  /* __ARM_NR_BASE: cacheflush, set_tls, ... */

struct compile {
	scmp_filter_ctx ctx;
	uint32_t default_action;
	uint32_t arches[MAX_ARCHES];  /* SCMP_ARCH_* tokens in the filter */
	size_t n_arches;
};

static void compile_done(struct compile *c)
{
	if (c->ctx)
		seccomp_release(c->ctx);
}

/*
 * The libseccomp action of a rule or of the default (`path` and `errno_key`
 * name the JSON member for the message).  errnoRet is refused where it
 * means nothing.
 */
static int action_value(enum husk_seccomp_action a, husk_opt_u64 ret, const char *path,
			const char *errno_key, uint32_t *out, struct husk_error *err)
{
	uint16_t e = ret.set ? (uint16_t)ret.value : EPERM;

	if (ret.set && a != SECCOMP_ACT_ERRNO && a != SECCOMP_ACT_TRACE)
		return husk_error_setq(err, EINVAL, "%s%s: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE "
				       "return an errno", path, errno_key);
	switch (a) {
	case SECCOMP_ACT_KILL_THREAD: *out = SCMP_ACT_KILL_THREAD; break;
	case SECCOMP_ACT_KILL_PROCESS: *out = SCMP_ACT_KILL_PROCESS; break;
	case SECCOMP_ACT_TRAP: *out = SCMP_ACT_TRAP; break;
	case SECCOMP_ACT_ERRNO: *out = SCMP_ACT_ERRNO(e); break;
	case SECCOMP_ACT_TRACE: *out = SCMP_ACT_TRACE(e); break;
	case SECCOMP_ACT_ALLOW: *out = SCMP_ACT_ALLOW; break;
	case SECCOMP_ACT_LOG: *out = SCMP_ACT_LOG; break;
	case SECCOMP_ACT_NOTIFY: *out = SCMP_ACT_NOTIFY; break;
	default:
		return husk_error_setq(err, EINVAL, "%s: unknown action %d", path, (int)a);
	}
	return 0;
}

/*
 * Architectures a kernel can report along with the native one (its compat
 * ABIs, or the 64-bit kernel under a 32-bit husk).  A profile's other
 * architectures can never occur on this host: leaving them out changes
 * nothing but the compile time (libseccomp takes milliseconds for each).
 */
static const uint32_t arch_families[][3] = {
	{ SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32 },
	{ SCMP_ARCH_AARCH64, SCMP_ARCH_ARM, 0 },
	{ SCMP_ARCH_MIPS64, SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPS },
	{ SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_MIPSEL },
	{ SCMP_ARCH_PPC64, SCMP_ARCH_PPC, 0 },
	{ SCMP_ARCH_S390X, SCMP_ARCH_S390, 0 },
};

static bool arch_possible(uint32_t token)
{
	uint32_t native = seccomp_arch_native();

	for (size_t f = 0; f < ARRAY_SIZE(arch_families); f++) {
		const uint32_t *fam = arch_families[f];

		if (fam[0] == native || fam[1] == native || fam[2] == native)
			return token == fam[0] || token == fam[1] || token == fam[2];
	}
	return true;                /* a family we do not know: keep it */
}

/*
 * Every architecture name of the runtime-spec (config-linux.md, "seccomp"),
 * the ones newer libseccomp releases added included.  A name outside it is
 * an error; a name in it that this libseccomp does not know is skipped
 * with a warning (the profile may be shared with hosts that have it).
 */
static const char *const spec_arch_names[] = {
	"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
	"SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
	"SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
	"SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
	"SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB", NULL,
};

static bool spec_arch_known(const char *name)
{
	for (size_t i = 0; spec_arch_names[i]; i++)
		if (strcmp(spec_arch_names[i], name) == 0)
			return true;
	return false;
}

/*
 * "SCMP_ARCH_X86_64" → libseccomp's token.  Returns 1 when added, 0 when
 * skipped: silently when this kernel can never report it, with a warning
 * when libseccomp does not know a name of the runtime-spec or it has the
 * other byte order (one filter cannot mix them), or an error for a
 * malformed or unknown name.
 */
static int arch_add(struct compile *c, const char *name, size_t i, char ***warnings,
		    struct husk_error *err)
{
	char lower[64], shown[96];
	uint32_t token;
	size_t n;
	int r;

	if (strncmp(name, "SCMP_ARCH_", 10) != 0 || strlen(name + 10) >= sizeof(lower) ||
	    name[10] == '\0') {
		security_quote(name, shown, sizeof(shown));
		return husk_error_setq(err, EINVAL, ".linux.seccomp.architectures[%zu]: %s is not an "
				       "architecture name (expected SCMP_ARCH_X86_64, "
				       "SCMP_ARCH_AARCH64, ...)", i, shown);
	}
	for (n = 0; name[10 + n]; n++)
		lower[n] = (char)tolower((unsigned char)name[10 + n]);
	lower[n] = '\0';
	if (!spec_arch_known(name)) {
		security_quote(name, shown, sizeof(shown));
		return husk_error_setq(err, EINVAL, ".linux.seccomp.architectures[%zu]: unknown "
				       "seccomp architecture %s (expected SCMP_ARCH_X86_64, "
				       "SCMP_ARCH_AARCH64, ...)", i, shown);
	}
	token = seccomp_arch_resolve_name(lower);
	if (token == 0) {
		security_warn(warnings, xasprintf("seccomp architecture %s is unknown to libseccomp "
						  "%u.%u.%u: skipped", name,
						  seccomp_version()->major, seccomp_version()->minor,
						  seccomp_version()->micro));
		return 0;
	}
	if (!arch_possible(token))
		return 0;
	r = seccomp_arch_add(c->ctx, token);
	if (r == -EEXIST)
		return 0;
	if (r == -EDOM) {
		security_warn(warnings, xasprintf("seccomp architecture %s has another byte order "
						  "than this host: skipped", name));
		return 0;
	}
	if (r < 0)
		return husk_error_set(err, -r, ".linux.seccomp.architectures[%zu]: add %s", i, name);
	if (c->n_arches < MAX_ARCHES)
		c->arches[c->n_arches++] = token;
	return 1;
}

static int arches_add(struct compile *c, char *const *names, char ***warnings,
		      struct husk_error *err)
{
	c->arches[c->n_arches++] = seccomp_arch_native();
	for (size_t i = 0; names && names[i]; i++) {
		int r = arch_add(c, names[i], i, warnings, err);

		if (r < 0)
			return r;
	}
	return 0;
}

static enum scmp_compare op_value(enum husk_seccomp_op op)
{
	static const enum scmp_compare map[] = {
		[SECCOMP_OP_NE] = SCMP_CMP_NE, [SECCOMP_OP_LT] = SCMP_CMP_LT,
		[SECCOMP_OP_LE] = SCMP_CMP_LE, [SECCOMP_OP_EQ] = SCMP_CMP_EQ,
		[SECCOMP_OP_GE] = SCMP_CMP_GE, [SECCOMP_OP_GT] = SCMP_CMP_GT,
		[SECCOMP_OP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
	};

	return map[op];
}

/*
 * Add one rule for every name of rule i.  For SCMP_CMP_MASKED_EQ the OCI
 * "value" is the mask and "valueTwo" the datum, in libseccomp's order too.
 */
static int rule_add(struct compile *c, const struct husk_seccomp_rule *rule, size_t i,
		    struct husk_error *err)
{
	struct scmp_arg_cmp conds[6 * 8];
	unsigned int per_index[6] = { 0 };
	bool split = false;
	size_t n = rule->n_args < ARRAY_SIZE(conds) ? rule->n_args : ARRAY_SIZE(conds);
	char path[64];
	uint32_t act;
	int r;

	snprintf(path, sizeof(path), ".linux.seccomp.syscalls[%zu]", i);
	r = action_value(rule->action, rule->errno_ret, path, ".errnoRet", &act, err);
	if (r < 0)
		return r;
	if (rule->n_args > n)
		return husk_error_setq(err, E2BIG, ".linux.seccomp.syscalls[%zu].args: more than "
				       "%zu conditions", i, n);
	if (act == c->default_action)
		return 0;
	for (size_t k = 0; k < n; k++) {
		const struct husk_seccomp_arg *a = &rule->args[k];

		conds[k] = (struct scmp_arg_cmp){ .arg = a->index, .op = op_value(a->op),
						  .datum_a = a->value, .datum_b = a->value_two };
		split |= a->index < 6 && ++per_index[a->index] > 1;
	}
	for (size_t j = 0; rule->names[j]; j++) {
		int nr = seccomp_syscall_resolve_name(rule->names[j]);

		if (nr == __NR_SCMP_ERROR)
			continue;
		if (!split)
			r = seccomp_rule_add_array(c->ctx, act, nr, (unsigned int)n, conds);
		for (size_t k = 0; split && k < n && r >= 0; k++)
			r = seccomp_rule_add_array(c->ctx, act, nr, 1, &conds[k]);
		if (r < 0)
			return husk_error_set(err, -r, ".linux.seccomp.syscalls[%zu].names[%zu]: "
					      "add a rule for \"%s\" (seccomp_rule_add)", i, j,
					      rule->names[j]);
	}
	return 0;
}

/*
 * The highest syscall number the profile names, per kernel architecture
 * and number range (see seccomp-enosys.c), whatever the action: a syscall
 * listed with the default action is still one the profile knows.
 */
static size_t enosys_arches(const struct compile *c, const struct husk_seccomp *s,
			  struct enosys_arch *out)
{
	size_t n = 0;

	for (size_t a = 0; a < c->n_arches; a++) {
		uint32_t tok = c->arches[a];
		uint32_t audit = tok == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : tok;
		struct enosys_arch *sa = NULL;

		for (size_t k = 0; k < n; k++)
			if (out[k].audit_arch == audit)
				sa = &out[k];
		if (!sa) {
			sa = &out[n++];
			*sa = (struct enosys_arch){ .audit_arch = audit, .max_low = ENOSYS_NO_MAX,
						  .max_high = ENOSYS_NO_MAX };
			if (audit == AUDIT_ARCH_X86_64)
				sa->limit = X32_SYSCALL_BIT;
			else if (audit == AUDIT_ARCH_ARM)
				sa->limit = ARM_PRIVATE_BASE;
		}
		if (tok == SCMP_ARCH_X32)
			sa->high_enosys = true;
		for (size_t i = 0; i < s->n_syscalls; i++) {
			for (size_t j = 0; s->syscalls[i].names[j]; j++) {
				int nr = seccomp_syscall_resolve_name_arch(tok, s->syscalls[i].names[j]);
				uint32_t *m;

				if (nr < 0)
					continue;
				m = sa->limit && (uint32_t)nr >= sa->limit ? &sa->max_high : &sa->max_low;
				if (*m == ENOSYS_NO_MAX || (uint32_t)nr > *m)
					*m = (uint32_t)nr;
			}
		}
	}
	return n;
}

/* libseccomp's program as raw instructions, through a memfd. */
static int export_bpf(struct compile *c, struct sock_filter **out, size_t *len,
		      struct husk_error *err)
{
	_cleanup_close_ int fd = memfd_create("husk-seccomp", MFD_CLOEXEC);
	_cleanup_free_ struct sock_filter *prog = NULL;
	struct stat st;
	ssize_t got;
	int r;

	if (fd < 0)
		return husk_error_set(err, errno, ".linux.seccomp: memfd_create for the filter");
	r = seccomp_export_bpf(c->ctx, fd);
	if (r < 0)
		return husk_error_set(err, -r, ".linux.seccomp: generate the filter "
				      "(seccomp_export_bpf)");
	if (fstat(fd, &st) < 0)
		return husk_error_set(err, errno, ".linux.seccomp: fstat the filter memfd");
	if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) != 0)
		return husk_error_setq(err, EIO, ".linux.seccomp: libseccomp produced a filter of "
				       "%lld bytes", (long long)st.st_size);
	prog = xmalloc((size_t)st.st_size);
	got = pread(fd, prog, (size_t)st.st_size, 0);
	if (got != st.st_size)
		return husk_error_set(err, got < 0 ? errno : EIO, ".linux.seccomp: read the filter");
	*len = (size_t)st.st_size / sizeof(struct sock_filter);
	*out = TAKE_PTR(prog);
	return 0;
}

/* The prologue, when the default action makes one useful, then libseccomp's program. */
static int assemble(struct compile *c, const struct husk_seccomp *s, struct security_plan *plan,
		    struct husk_error *err)
{
	_cleanup_free_ struct sock_filter *body = NULL;
	struct enosys_arch arches[MAX_ARCHES] = { 0 };
	struct sock_filter enosys[128];
	size_t body_len = 0;
	int enosys_len = 0;
	int r;

	r = export_bpf(c, &body, &body_len, err);
	if (r < 0)
		return r;
	/* Allow, log and trace let new syscalls through anyway (a tracer
	 * handles ENOSYS itself, runc's reasoning); ERRNO(ENOSYS) needs no help. */
	if (s->default_action != SECCOMP_ACT_ALLOW && s->default_action != SECCOMP_ACT_LOG &&
	    s->default_action != SECCOMP_ACT_TRACE &&
	    c->default_action != SCMP_ACT_ERRNO(ENOSYS)) {
		size_t n = enosys_arches(c, s, arches);

		enosys_len = seccomp_enosys_build(arches, n, enosys, ARRAY_SIZE(enosys));
		if (enosys_len < 0)
			return husk_error_set(err, -enosys_len, ".linux.seccomp: build the ENOSYS "
					      "prologue");
	}
	if (body_len + (size_t)enosys_len > BPF_MAXINSNS)
		return husk_error_setq(err, E2BIG, ".linux.seccomp: the filter has %zu instructions, "
				       "more than the kernel's %d", body_len + (size_t)enosys_len,
				       BPF_MAXINSNS);
	plan->bpf = xmalloc((body_len + (size_t)enosys_len) * sizeof(struct sock_filter));
	memcpy(plan->bpf, enosys, (size_t)enosys_len * sizeof(struct sock_filter));
	memcpy(plan->bpf + enosys_len, body, body_len * sizeof(struct sock_filter));
	plan->bpf_len = (unsigned short)(body_len + (size_t)enosys_len);
	return 0;
}

int seccomp_compile(const struct husk_seccomp *s, struct security_plan *plan, char ***warnings,
		    struct husk_error *err)
{
	__attribute__((cleanup(compile_done))) struct compile c = { 0 };
	char key[SECCOMP_CACHE_KEY_LEN + 1];
	int r;

	r = action_value(s->default_action, s->default_errno_ret, ".linux.seccomp",
			 ".defaultErrnoRet", &c.default_action, err);
	if (r < 0)
		return r;
	c.ctx = seccomp_init(c.default_action);
	if (!c.ctx)
		return husk_error_setq(err, EINVAL, ".linux.seccomp.defaultAction: libseccomp "
				       "refused it (seccomp_init)");
	/* The kernel, not libseccomp, gets the flags: we load the program ourselves. */
	r = seccomp_attr_set(c.ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r < 0)
		return husk_error_set(err, -r, ".linux.seccomp: seccomp_attr_set");
	r = arches_add(&c, s->architectures, warnings, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < s->n_syscalls; i++) {
		char path[64];
		uint32_t act;

		snprintf(path, sizeof(path), ".linux.seccomp.syscalls[%zu]", i);
		r = action_value(s->syscalls[i].action, s->syscalls[i].errno_ret, path, ".errnoRet",
				 &act, err);
		if (r < 0)
			return r;
		plan->seccomp_notify |= s->syscalls[i].action == SECCOMP_ACT_NOTIFY;
	}
	r = seccomp_flags_parse(s->flags, plan->seccomp_notify, &plan->seccomp_flags, warnings,
				err);
	if (r < 0)
		return r;
	seccomp_cache_key(s, key);
	if (seccomp_cache_load(key, plan) > 0)
		return 0;
	for (size_t i = 0; i < s->n_syscalls; i++) {
		r = rule_add(&c, &s->syscalls[i], i, err);
		if (r < 0)
			return r;
	}
	r = assemble(&c, s, plan, err);
	if (r < 0)
		return r;
	seccomp_cache_store(key, plan);
	return 0;
}

void security_libseccomp_version(char *buf, size_t size)
{
	const struct scmp_version *v = seccomp_version();

	snprintf(buf, size, "%u.%u.%u", v->major, v->minor, v->micro);
}
