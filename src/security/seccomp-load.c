/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Filter flags (checked in husk) and the one seccomp(2) call that loads
 * the compiled program (in the container process).
 *
 * The program is loaded with seccomp(2) directly, not seccomp_load(), so
 * libseccomp's attributes play no part: the OCI flags map one-to-one onto
 * the kernel's SECCOMP_FILTER_FLAG_* bits, including WAIT_KILLABLE_RECV,
 * which libseccomp 2.5 has no attribute for.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "husk/util.h"
#include "security/security-internal.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const struct {
	const char *name;
	unsigned int bit;
} flag_names[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
	{ "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

/*
 * Does this kernel know `flags`?  A NULL program makes seccomp(2) fail
 * with EFAULT after it has checked the flags (EINVAL), without loading
 * anything: libseccomp probes the same way.
 */
static bool kernel_has_flags(unsigned int flags)
{
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL) < 0 && errno == EFAULT;
}

/*
 * TSYNC and NEW_LISTENER together need TSYNC_ESRCH (5.7); the container
 * process has one thread, so TSYNC changes nothing there and is dropped
 * instead.  WAIT_KILLABLE_RECV is about notifications: without NOTIFY
 * rules the kernel refuses it, so it is dropped with a warning.
 */
int seccomp_flags_parse(char *const *names, bool notify, unsigned int *flags, char ***warnings,
			struct husk_error *err)
{
	char shown[96];

	*flags = notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
	for (size_t i = 0; names && names[i]; i++) {
		unsigned int bit = 0;

		for (size_t k = 0; k < ARRAY_SIZE(flag_names); k++)
			if (strcmp(names[i], flag_names[k].name) == 0)
				bit = flag_names[k].bit;
		if (!bit) {
			security_quote(names[i], shown, sizeof(shown));
			return husk_error_setq(err, EINVAL, ".linux.seccomp.flags[%zu]: %s is not a "
					       "seccomp filter flag (expected SECCOMP_FILTER_FLAG_TSYNC, "
					       "_LOG, _SPEC_ALLOW or _WAIT_KILLABLE_RECV)", i, shown);
		}
		if (bit == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV && !notify) {
			security_warn(warnings, xasprintf("seccomp flag %s has no effect without "
							  "SCMP_ACT_NOTIFY rules: ignored", names[i]));
			continue;
		}
		if (bit == SECCOMP_FILTER_FLAG_TSYNC && notify)
			continue;
		if (!kernel_has_flags(bit | (notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0)))
			return husk_error_setq(err, EINVAL, ".linux.seccomp.flags[%zu]: %s is not "
					       "supported by this kernel", i, names[i]);
		*flags |= bit;
	}
	return 0;
}

bool security_seccomp_has_notify(const struct security_plan *plan)
{
	return plan && plan->bpf && plan->seccomp_notify;
}

bool security_seccomp_early(const struct security_plan *plan)
{
	return plan && plan->bpf && !plan->no_new_privs;
}

/*
 * Load the filter: one syscall, nothing allocated.  Without no_new_privs
 * the kernel wants CAP_SYS_ADMIN in our user namespace, which is why the
 * launcher loads the filter before the capabilities are dropped in that
 * case (security_seccomp_early()).
 */
int security_seccomp_apply(const struct security_plan *plan, int *notify_fd,
			   struct husk_error *err)
{
	struct sock_fprog prog;
	long r;

	if (notify_fd)
		*notify_fd = -1;
	if (!plan->bpf)
		return 0;
	prog = (struct sock_fprog){ .len = plan->bpf_len, .filter = plan->bpf };
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, plan->seccomp_flags, &prog);
	if (r < 0) {
		int e = errno;

		husk_error_set(err, e, ".linux.seccomp: load the filter (seccomp "
			       "SECCOMP_SET_MODE_FILTER)");
		if (e == EACCES)
			husk_error_hint(err, "without no_new_privs the filter must be loaded while "
					"CAP_SYS_ADMIN is still held");
		return -e;
	}
	if (plan->seccomp_notify) {
		/* The listener fd is O_CLOEXEC from the kernel. */
		if (notify_fd)
			*notify_fd = (int)r;
		else
			close((int)r);
	}
	return 0;
}
