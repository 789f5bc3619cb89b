/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Audit checks on /proc and /sys inside the container: what the workload
 * can write (/proc/sys, sysfs, cgroupfs, kernel control files) and what
 * it can read that describes the host (the masked paths).
 *
 * A path counts as covered when it or one of its ancestors is in
 * maskedPaths (or, for the write checks, readonlyPaths), or when the
 * whole /proc is mounted read-only.  Checks about /proc are skipped when
 * the config mounts no /proc, those about /sys when it mounts no /sys.
 */
#include <stdio.h>
#include <string.h>

#include "husk/util.h"
#include "spec/audit-internal.h"

/* The mount on `dst` (normalized compare), or NULL; *index its position. */
static const struct husk_mount *mount_at(const struct audit_ctx *c, const char *dst,
					 size_t *index)
{
	const struct husk_mount *found = NULL;

	/* The last one wins: a later mount on the same place covers an earlier one. */
	for (size_t i = 0; i < c->spec->n_mounts; i++) {
		_cleanup_free_ char *d = audit_normalize_path(c->spec->mounts[i].destination);

		if (strcmp(d, dst) == 0) {
			found = &c->spec->mounts[i];
			if (index)
				*index = i;
		}
	}
	return found;
}

static char *const *masked(const struct audit_ctx *c)
{
	return c->lx ? c->lx->masked_paths : NULL;
}

static char *const *readonly(const struct audit_ctx *c)
{
	return c->lx ? c->lx->readonly_paths : NULL;
}

/* Neither masked nor read-only, nor under a read-only /proc. */
static bool writable(const struct audit_ctx *c, const struct husk_mount *proc, const char *p)
{
	return !audit_mount_opt(proc, "ro", "rw") && !audit_list_covers(masked(c), p) &&
	       !audit_list_covers(readonly(c), p);
}

static void check_proc_writes(struct audit_ctx *c, const struct husk_mount *proc)
{
	static const char *const control[] = {
		"/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs", NULL,
	};
	_cleanup_free_ char *names = NULL;

	if (writable(c, proc, "/proc/sys"))
		audit_add(c, R_PROC_SYS_WRITABLE, audit_soften(c, AUDIT_HIGH),
			  ".linux.readonlyPaths", "add /proc/sys to .linux.readonlyPaths (set "
			  "sysctls through .linux.sysctl instead)",
			  "/proc/sys is writable: the workload can change kernel settings%s",
			  c->userns ? " its user namespace owns" : ", host-wide ones included");
	for (size_t i = 0; control[i]; i++) {
		char *next;

		if (!writable(c, proc, control[i]))
			continue;
		next = xasprintf("%s%s%s", names ? names : "", names ? ", " : "", control[i]);
		free(names);
		names = next;
	}
	if (names)
		audit_add(c, R_READONLY_PATHS, AUDIT_MEDIUM, ".linux.readonlyPaths",
			  "add them to .linux.readonlyPaths",
			  "%s %s writable: kernel control files (sysrq can reboot or crash the "
			  "host)", names, strchr(names, ',') ? "are" : "is");
}

/* A035: sysfs and cgroupfs mounted read-write. */
static void check_sys_writes(struct audit_ctx *c)
{
	for (size_t i = 0; i < c->spec->n_mounts; i++) {
		const struct husk_mount *m = &c->spec->mounts[i];
		bool sysfs = audit_mount_has_type(m, "sysfs");
		char path[48];

		if ((!sysfs && !audit_mount_has_type(m, "cgroup") &&
		     !audit_mount_has_type(m, "cgroup2")) || audit_mount_opt(m, "ro", "rw"))
			continue;
		snprintf(path, sizeof(path), ".mounts[%zu].options", i);
		audit_add(c, R_SYS_WRITABLE, audit_soften(c, sysfs ? AUDIT_HIGH : AUDIT_MEDIUM),
			  path, "add \"ro\" to its options",
			  sysfs ? "sysfs on %s is read-write: device and kernel settings are "
				  "writable" :
				  "the cgroup filesystem on %s is read-write: the container can "
				  "change its own limits (and with cgroup v1, release_agent runs "
				  "programs on the host)", m->destination);
	}
}

struct mask_want {
	const char *path;
	bool readonly_ok;           /* read-only is as good as masked for this one */
};

/* Missing entries of `want` (those under mounted trees), comma-separated, or NULL. */
static char *missing_masks(const struct audit_ctx *c, const struct mask_want *want, size_t n,
			   bool proc, bool sys)
{
	char *names = NULL;

	for (size_t i = 0; i < n; i++) {
		const char *p = want[i].path;
		char *next;

		if ((str_has_prefix(p, "/proc/") && !proc) || (str_has_prefix(p, "/sys/") && !sys))
			continue;
		if (audit_list_covers(masked(c), p) ||
		    (want[i].readonly_ok && audit_list_covers(readonly(c), p)))
			continue;
		next = xasprintf("%s%s%s", names ? names : "", names ? ", " : "", p);
		free(names);
		names = next;
	}
	return names;
}

static void check_masks(struct audit_ctx *c, bool proc, bool sys)
{
	static const struct mask_want essential[] = {
		{ "/proc/kcore", false }, { "/proc/keys", false }, { "/proc/timer_list", false },
		{ "/proc/sched_debug", false }, { "/proc/latency_stats", false },
		{ "/proc/acpi", false }, { "/sys/firmware", false },
	};
	static const struct mask_want recommended[] = {
		{ "/proc/asound", true }, { "/proc/interrupts", false }, { "/proc/scsi", false },
		{ "/sys/devices/virtual/powercap", false }, { "/sys/dev/block", false },
		{ "/sys/fs/selinux", false },
	};
	_cleanup_free_ char *ess = missing_masks(c, essential, ARRAY_SIZE(essential), proc, sys);
	_cleanup_free_ char *rec = missing_masks(c, recommended, ARRAY_SIZE(recommended), proc,
						 sys);

	if (ess)
		audit_add(c, R_MASKED_ESSENTIAL, AUDIT_MEDIUM, ".linux.maskedPaths",
			  "add them to .linux.maskedPaths (husk spec writes the full list)",
			  "%s %s not masked: kernel memory, keyrings, timers and firmware of the "
			  "host are readable", ess, strchr(ess, ',') ? "are" : "is");
	if (rec)
		audit_add(c, R_MASKED_RECOMMENDED, AUDIT_LOW, ".linux.maskedPaths",
			  "add them to .linux.maskedPaths, as podman does",
			  "%s %s not masked: host hardware details (and, for powercap, a power "
			  "side channel, CVE-2020-8694)", rec, strchr(rec, ',') ? "are" : "is");
}

void audit_check_paths(struct audit_ctx *c)
{
	const struct husk_mount *proc = mount_at(c, "/proc", NULL);
	const struct husk_mount *sys = mount_at(c, "/sys", NULL);

	if (proc)
		check_proc_writes(c, proc);
	check_sys_writes(c);
	check_masks(c, proc != NULL, sys != NULL);
}
