/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Audit checks on the process: who it runs as, no_new_privs, its LSM
 * confinement and its seccomp profile.  Capabilities are in audit-caps.c.
 */
#include <stdio.h>
#include <string.h>

#include "husk/util.h"
#include "spec/audit-internal.h"

/* ---- user ------------------------------------------------------------------- */

static const char fix_nonroot[] =
	"run as a non-root user (.process.user.uid, e.g. 65534), and give the container a "
	"user namespace of its own that maps its ids to unprivileged host ids (husk spec "
	"--rootless or --hardened)";

/* Why the user namespace does not protect: none, a host one, or one mapping host root. */
static const char *userns_flaw(const struct audit_ctx *c)
{
	long idx;

	switch (audit_ns_share(c, NS_USER, &idx)) {
	case NS_OWN:
		return "its user namespace maps container ids onto host uid 0";
	case NS_HOST:
		return idx < 0 ? "there is no user namespace"
			       : "it joins the host's user namespace";
	default:
		return "its user namespace is not its own";
	}
}

static void check_user(struct audit_ctx *c, const struct husk_process *p)
{
	if (p->user.uid == 0 && !c->userns)
		audit_add(c, R_ROOT_NO_USERNS, AUDIT_HIGH, ".process.user.uid", fix_nonroot,
			  "the process runs as uid 0 and %s: root in the container is root on "
			  "the host, one kernel bug or misconfiguration away from owning it",
			  userns_flaw(c));
	else if (p->user.uid == 0)
		audit_add(c, R_ROOT_IN_USERNS, AUDIT_LOW, ".process.user.uid",
			  "run as a non-root user (.process.user.uid, e.g. 65534)",
			  "the process runs as uid 0 inside a user namespace: unprivileged on the "
			  "host, but it holds every capability over the container's own files "
			  "and namespaces");
	else if (!c->userns)
		audit_add(c, R_NO_USERNS, AUDIT_LOW, ".linux.namespaces",
			  "add {\"type\": \"user\"} with uidMappings and gidMappings to "
			  "unprivileged host ids (husk spec --rootless or --hardened)",
			  "uid %u in the container is uid %u on the host (%s): whatever that host "
			  "user owns, the container owns", p->user.uid, p->user.uid,
			  userns_flaw(c));
}

/* ---- LSM ---------------------------------------------------------------------- */

/* The SELinux types Pod Security "baseline" allows. */
static bool selinux_type_confined(const char *label)
{
	static const char *const allowed[] = {
		"container_t", "container_init_t", "container_kvm_t", "container_engine_t",
	};
	const char *type = label;

	/* user:role:type[:level] */
	for (int i = 0; i < 2 && type; i++) {
		type = strchr(type, ':');
		if (type)
			type++;
	}
	if (!type)
		return true;        /* not a full label: nothing to judge */
	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++) {
		size_t n = strlen(allowed[i]);

		if (strncmp(type, allowed[i], n) == 0 && (type[n] == ':' || type[n] == '\0'))
			return true;
	}
	return false;
}

static void check_lsm(struct audit_ctx *c, const struct husk_process *p)
{
	if (p->apparmor_profile && strcmp(p->apparmor_profile, "unconfined") == 0)
		audit_add(c, R_LSM_UNCONFINED, AUDIT_MEDIUM, ".process.apparmorProfile",
			  "remove .process.apparmorProfile or name a confining profile "
			  "(docker-default, containers-default-*)",
			  "apparmorProfile is \"unconfined\": AppArmor confinement is turned off");
	if (p->selinux_label && !selinux_type_confined(p->selinux_label))
		audit_add(c, R_LSM_UNCONFINED, AUDIT_MEDIUM, ".process.selinuxLabel",
			  "use a container type (container_t, container_init_t, container_kvm_t "
			  "or container_engine_t)",
			  "selinuxLabel \"%s\" is not a confined container type (spc_t and "
			  "unconfined_t are not confined)", p->selinux_label);
	if (!p->apparmor_profile && !p->selinux_label)
		audit_add(c, R_LSM_NONE, AUDIT_LOW, ".process.apparmorProfile",
			  "on a host with AppArmor or SELinux, set .process.apparmorProfile or "
			  ".process.selinuxLabel (podman and docker set them for you)",
			  "neither an AppArmor profile nor an SELinux label is set: the "
			  "container gets no mandatory access control");
}

void audit_check_process(struct audit_ctx *c)
{
	const struct husk_process *p = c->proc;

	if (!p)
		return;
	check_user(c, p);
	if (!p->no_new_privileges)
		audit_add(c, R_NO_NEW_PRIVS, AUDIT_MEDIUM, ".process.noNewPrivileges",
			  "set .process.noNewPrivileges to true",
			  "noNewPrivileges is off: a setuid or file-capability program in the "
			  "image can raise the process's privileges");
	check_lsm(c, p);
}

/* ---- seccomp ------------------------------------------------------------------- */

/*
 * Syscalls that container escapes and kernel exploits lean on and that
 * ordinary workloads do not need; husk's default profile denies them all.
 */
static const char *const escape_syscalls[] = {
	"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
	"bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
	"mount", "umount", "umount2", "fsopen", "fsconfig", "fsmount", "fspick",
	"move_mount", "open_tree", "mount_setattr", "pivot_root", "setns", "unshare",
	"ptrace", "process_vm_readv", "process_vm_writev", "open_by_handle_at", "reboot",
	"swapon", "swapoff", "iopl", "ioperm", "acct", "settimeofday", "clock_settime",
	"clock_adjtime", "adjtimex", "syslog", "lookup_dcookie", "quotactl",
	"io_uring_setup", "uselib", "vm86", "vm86old", "create_module", NULL,
};

static bool action_allows(enum husk_seccomp_action a)
{
	return a == SECCOMP_ACT_ALLOW || a == SECCOMP_ACT_LOG;
}

/* One finding per rule that allows escape syscalls without argument checks. */
static void check_seccomp_rules(struct audit_ctx *c, const struct husk_seccomp *sc)
{
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct husk_seccomp_rule *rule = &sc->syscalls[i];
		_cleanup_free_ char *names = NULL;
		char path[64];

		if (!action_allows(rule->action) || rule->n_args > 0)
			continue;
		for (char **n = rule->names; n && *n; n++) {
			char *next;

			if (!audit_in_list(escape_syscalls, *n))
				continue;
			next = xasprintf("%s%s%s", names ? names : "", names ? ", " : "", *n);
			free(names);
			names = next;
		}
		if (!names)
			continue;
		snprintf(path, sizeof(path), ".linux.seccomp.syscalls[%zu]", i);
		audit_add(c, R_SECCOMP_ESCAPE_SYSCALLS, AUDIT_MEDIUM, path,
			  "remove them from the allow rule (or use husk's default profile)",
			  "seccomp allows %s without conditions: syscalls that container "
			  "escapes and kernel exploits use", names);
	}
}

void audit_check_seccomp(struct audit_ctx *c)
{
	const struct husk_seccomp *sc = c->lx ? c->lx->seccomp : NULL;

	if (!sc) {
		audit_add(c, R_NO_SECCOMP, AUDIT_HIGH, ".linux.seccomp",
			  "add a seccomp profile (husk spec --hardened embeds husk's default; "
			  "podman and docker ship theirs)",
			  "no seccomp profile: every syscall of the kernel, several hundred, is "
			  "open to the workload");
		return;
	}
	if (action_allows(sc->default_action))
		audit_add(c, R_SECCOMP_ALLOW_DEFAULT, AUDIT_HIGH, ".linux.seccomp.defaultAction",
			  "make the profile an allow-list: defaultAction SCMP_ACT_ERRNO and "
			  "SCMP_ACT_ALLOW rules for the syscalls the workload needs",
			  "the seccomp defaultAction %s allows every syscall the profile does "
			  "not name, including ones added to the kernel later",
			  sc->default_action == SECCOMP_ACT_LOG ? "SCMP_ACT_LOG"
								: "SCMP_ACT_ALLOW");
	check_seccomp_rules(c, sc);
	if (strv_contains(sc->flags, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
		audit_add(c, R_SECCOMP_SPEC_ALLOW, AUDIT_LOW, ".linux.seccomp.flags",
			  "remove SECCOMP_FILTER_FLAG_SPEC_ALLOW",
			  "SECCOMP_FILTER_FLAG_SPEC_ALLOW turns off the kernel's speculative "
			  "store bypass mitigation for the workload");
}
