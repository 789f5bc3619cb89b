/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AppArmor profiles and SELinux labels: checked in husk, set in the
 * container process for its next execve.
 *
 * Asking for an LSM the host does not run is an error, not silence: a
 * config that says "confine this with profile X" and runs unconfined is
 * worse than one that does not start.  Whether an LSM runs is a fact of
 * the host context (husk/host.h); the attr directory is a parameter so the
 * unit tests can point it at a fake /proc/self/attr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "husk/host.h"
#include "husk/util.h"
#include "security/security-internal.h"

static bool set(const char *s)
{
	return s && s[0] != '\0';
}

int lsm_prepare(const struct husk_spec *spec, const struct husk_process *process,
		struct security_plan *plan, struct husk_error *err)
{
	const char *mount_label = spec && spec->linux_ ? spec->linux_->mount_label : NULL;

	if (set(process->apparmor_profile)) {
		if (!host_lsm_enabled(HOST_LSM_APPARMOR))
			return husk_error_setq(err, EOPNOTSUPP, ".process.apparmorProfile: AppArmor "
					       "is not enabled on this host");
		plan->apparmor_profile = xstrdup(process->apparmor_profile);
	}
	if (set(process->selinux_label)) {
		if (!host_lsm_enabled(HOST_LSM_SELINUX))
			return husk_error_setq(err, EOPNOTSUPP, ".process.selinuxLabel: SELinux is "
					       "not enabled on this host");
		plan->selinux_label = xstrdup(process->selinux_label);
	}
	if (set(mount_label) && !host_lsm_enabled(HOST_LSM_SELINUX))
		return husk_error_setq(err, EOPNOTSUPP, ".linux.mountLabel: SELinux is not enabled "
				       "on this host");
	return 0;
}

/*
 * AppArmor: "exec <profile>" to attr/apparmor/exec (the per-LSM file of
 * kernels with LSM stacking, 5.1+), else to the shared attr/exec.
 * SELinux: the label to attr/exec.  Both take effect at the next execve.
 */
int lsm_apply_at(const struct security_plan *plan, const char *attr_dir, struct husk_error *err)
{
	if (plan->apparmor_profile) {
		_cleanup_free_ char *val = xasprintf("exec %s", plan->apparmor_profile);
		_cleanup_free_ char *own = xasprintf("%s/apparmor/exec", attr_dir);
		_cleanup_free_ char *shared = xasprintf("%s/exec", attr_dir);
		int r = write_string_at(AT_FDCWD, own, val, err);

		if (r == -ENOENT)
			r = write_string_at(AT_FDCWD, shared, val, err);
		if (r < 0)
			return husk_error_prefix(err, ".process.apparmorProfile \"%s\"",
						 plan->apparmor_profile);
	}
	if (plan->selinux_label) {
		_cleanup_free_ char *shared = xasprintf("%s/exec", attr_dir);
		int r = write_string_at(AT_FDCWD, shared, plan->selinux_label, err);

		if (r < 0)
			return husk_error_prefix(err, ".process.selinuxLabel \"%s\"",
						 plan->selinux_label);
	}
	return 0;
}

int security_lsm_apply(const struct security_plan *plan, struct husk_error *err)
{
	return lsm_apply_at(plan, "/proc/self/attr", err);
}
