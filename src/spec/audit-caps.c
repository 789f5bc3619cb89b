/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Audit checks on .process.capabilities.
 *
 * Every name in any of the five sets counts, reported once at the first
 * place it appears (bounding, effective, permitted, inheritable, ambient):
 * a capability in the bounding set alone is still one setuid or
 * file-capability binary away, which noNewPrivileges may or may not close.
 *
 *   A004  privileged: CAP_SYS_ADMIN and no seccomp filter (docker/podman
 *         --privileged's shape)
 *   A005  a capability known for escapes, by name
 *   A006  any other capability beyond the docker/podman default set
 *   A007  default-set capabilities kept (Pod Security "restricted" allows
 *         NET_BIND_SERVICE only)
 *   A008  inheritable capabilities not raised into ambient
 *         (the CVE-2022-29162 class: they only serve file capabilities)
 */
#include <stdio.h>
#include <string.h>

#include "husk/util.h"
#include "spec/audit-internal.h"

/* The capability set docker and podman give a container by default. */
static const char *const default_caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW",
	"CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP", NULL,
};

static const struct {
	const char *name;
	enum audit_severity severity;
	const char *why;
} dangerous_caps[] = {
	{ "CAP_SYS_ADMIN", AUDIT_CRITICAL, "mount, namespaces and most of the kernel's "
	  "administration interfaces: the usual way out of a container" },
	{ "CAP_SYS_MODULE", AUDIT_CRITICAL, "loads kernel modules: arbitrary kernel code" },
	{ "CAP_SYS_RAWIO", AUDIT_CRITICAL, "raw I/O ports and /dev/mem access" },
	{ "CAP_DAC_READ_SEARCH", AUDIT_CRITICAL, "open_by_handle_at() reads any file of the "
	  "host filesystem (the \"shocker\" escape)" },
	{ "CAP_SYS_PTRACE", AUDIT_HIGH, "traces and reads the memory of other processes, the "
	  "host's too when the pid namespace is shared" },
	{ "CAP_NET_ADMIN", AUDIT_HIGH, "reconfigures interfaces, routes and firewalls, and "
	  "opens netfilter's large kernel attack surface" },
	{ "CAP_SYS_BOOT", AUDIT_HIGH, "reboot() and kexec_load()" },
	{ "CAP_SYS_TIME", AUDIT_HIGH, "sets the clock, which is not namespaced" },
	{ "CAP_BPF", AUDIT_HIGH, "loads BPF programs into the kernel" },
	{ "CAP_PERFMON", AUDIT_HIGH, "system-wide perf_event_open: side channels and kernel "
	  "addresses" },
	{ "CAP_MAC_ADMIN", AUDIT_HIGH, "changes the AppArmor, SELinux or Smack policy" },
	{ "CAP_MAC_OVERRIDE", AUDIT_HIGH, "bypasses the AppArmor, SELinux or Smack policy" },
	{ "CAP_AUDIT_CONTROL", AUDIT_HIGH, "changes or turns off the kernel's audit rules" },
	{ "CAP_SYSLOG", AUDIT_HIGH, "reads and clears the kernel log, with kernel addresses" },
	{ "CAP_CHECKPOINT_RESTORE", AUDIT_HIGH, "chooses pids and reads /proc/PID/map_files" },
};

static const char *const set_names[] = {
	"bounding", "effective", "permitted", "inheritable", "ambient",
};

static char **set_of(const struct husk_capabilities *caps, size_t i)
{
	char **sets[] = {
		caps->bounding, caps->effective, caps->permitted, caps->inheritable, caps->ambient,
	};

	return sets[i];
}

/* Each distinct name with the JSON path of its first appearance. */
struct cap_seen {
	const char *name;
	char path[64];
};

static size_t caps_collect(const struct husk_capabilities *caps, struct cap_seen **out)
{
	struct cap_seen *seen = NULL;
	size_t n = 0;

	for (size_t s = 0; s < ARRAY_SIZE(set_names); s++) {
		char **set = set_of(caps, s);

		for (size_t i = 0; set && set[i]; i++) {
			size_t j;

			for (j = 0; j < n && strcmp(seen[j].name, set[i]) != 0; j++)
				;
			if (j < n)
				continue;
			seen = xrealloc(seen, (n + 1) * sizeof(*seen));
			seen[n].name = set[i];
			snprintf(seen[n].path, sizeof(seen[n].path),
				 ".process.capabilities.%s[%zu]", set_names[s], i);
			n++;
		}
	}
	*out = seen;
	return n;
}

static void check_one_cap(struct audit_ctx *c, const struct cap_seen *cap)
{
	for (size_t i = 0; i < ARRAY_SIZE(dangerous_caps); i++) {
		if (strcmp(dangerous_caps[i].name, cap->name) != 0)
			continue;
		audit_add(c, R_CAP_DANGEROUS, audit_soften(c, dangerous_caps[i].severity),
			  cap->path, "drop it from every capability set, or grant only what the "
			  "workload really uses",
			  "%s %s%s", cap->name, dangerous_caps[i].why,
			  c->userns ? " (limited to the container's user namespace)" : "");
		return;
	}
	if (audit_in_list(default_caps, cap->name))
		return;
	audit_add(c, R_CAP_EXTRA, audit_soften(c, AUDIT_MEDIUM), cap->path,
		  "drop it unless the workload needs it",
		  "%s is %s beyond the default container set", cap->name,
		  spec_capability_lookup(cap->name) ? "a capability" : "an unknown capability");
}

/* A007: the default-set ones (other than NET_BIND_SERVICE), in one finding. */
static void check_default_caps(struct audit_ctx *c, const struct cap_seen *seen, size_t n)
{
	_cleanup_free_ char *names = NULL;
	const char *first = NULL;

	for (size_t i = 0; i < n; i++) {
		char *next;

		if (!audit_in_list(default_caps, seen[i].name) ||
		    strcmp(seen[i].name, "CAP_NET_BIND_SERVICE") == 0)
			continue;
		if (!first)
			first = seen[i].path;
		next = xasprintf("%s%s%s", names ? names : "", names ? ", " : "", seen[i].name);
		free(names);
		names = next;
	}
	if (names)
		audit_add(c, R_CAP_DEFAULT, AUDIT_LOW, first,
			  "drop all capabilities and add back only what the workload needs "
			  "(husk spec --hardened --cap-add NAME)",
			  "the process keeps %s: Pod Security \"restricted\" drops them all and "
			  "allows only CAP_NET_BIND_SERVICE back", names);
}

/* A008: inheritable capabilities that are not also ambient serve file capabilities only. */
static void check_inheritable(struct audit_ctx *c, const struct husk_capabilities *caps)
{
	_cleanup_free_ char *names = NULL;
	long first = -1;

	for (size_t i = 0; caps->inheritable && caps->inheritable[i]; i++) {
		char *next;

		if (strv_contains(caps->ambient, caps->inheritable[i]))
			continue;
		if (first < 0)
			first = (long)i;
		next = xasprintf("%s%s%s", names ? names : "", names ? ", " : "",
				 caps->inheritable[i]);
		free(names);
		names = next;
	}
	if (names) {
		char path[64];

		snprintf(path, sizeof(path), ".process.capabilities.inheritable[%ld]", first);
		audit_add(c, R_CAP_INHERITABLE, AUDIT_MEDIUM, path,
			  "empty .process.capabilities.inheritable (keep there only what is "
			  "also in ambient)",
			  "inheritable %s without ambient: any program in the image with "
			  "matching file capabilities gains them on exec (CVE-2022-29162)", names);
	}
}

void audit_check_caps(struct audit_ctx *c)
{
	const struct husk_capabilities *caps = c->proc ? c->proc->capabilities : NULL;
	_cleanup_free_ struct cap_seen *seen = NULL;
	bool sys_admin = false;
	size_t n;

	if (!caps)
		return;
	n = caps_collect(caps, &seen);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(seen[i].name, "CAP_SYS_ADMIN") == 0)
			sys_admin = true;
		check_one_cap(c, &seen[i]);
	}
	if (sys_admin && (!c->lx || !c->lx->seccomp))
		audit_add(c, R_PRIVILEGED, audit_soften(c, AUDIT_CRITICAL), ".process.capabilities",
			  "do not run privileged: grant the few capabilities the workload needs "
			  "and keep a seccomp profile",
			  "the container is privileged: CAP_SYS_ADMIN and no seccomp filter, the "
			  "shape of docker and podman --privileged");
	check_default_caps(c, seen, n);
	check_inheritable(c, caps);
}
