/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_SPEC_AUDIT_INTERNAL_H
#define HUSK_SPEC_AUDIT_INTERNAL_H

/*
 * Private to the audit (src/spec/audit*.c): the rule numbers, the context
 * every check reads, and the small readers of a spec the checks share.
 *
 * A check is a function of the context that calls audit_add() for what it
 * finds; it never fails.  Checks are grouped by topic:
 *   audit-process.c  user, no_new_privs, LSM, seccomp
 *   audit-caps.c     capabilities
 *   audit-mounts.c   root, tmpfs, host bind mounts, propagation
 *   audit-paths.c    what of /proc and /sys is writable or unmasked
 *   audit-linux.c    namespaces, devices, resources, sysctl
 * audit.c holds the rule table and the driver, audit-output.c the report.
 */

#include <stdbool.h>
#include <stddef.h>

#include "husk/audit.h"
#include "husk/spec.h"

/* Index into the rule table (audit.c); the id is "HUSK-A%03d" of index + 1. */
enum audit_rule_index {
	R_ROOT_NO_USERNS,           /* A001 */
	R_ROOT_IN_USERNS,
	R_NO_USERNS,
	R_PRIVILEGED,
	R_CAP_DANGEROUS,            /* A005 */
	R_CAP_EXTRA,
	R_CAP_DEFAULT,
	R_CAP_INHERITABLE,
	R_NO_NEW_PRIVS,
	R_NO_SECCOMP,               /* A010 */
	R_SECCOMP_ALLOW_DEFAULT,
	R_SECCOMP_ESCAPE_SYSCALLS,
	R_SECCOMP_SPEC_ALLOW,
	R_LSM_UNCONFINED,
	R_LSM_NONE,                 /* A015 */
	R_ROOT_WRITABLE,
	R_TMPFS_EXEC,
	R_TMPFS_UNBOUNDED,
	R_NO_MOUNT_NS,
	R_HOST_PID,                 /* A020 */
	R_HOST_NET,
	R_HOST_IPC,
	R_HOST_UTS,
	R_HOST_CGROUP,
	R_JOINED_NS,                /* A025 */
	R_SOCKET_MOUNT,
	R_SENSITIVE_MOUNT,
	R_SHARED_PROPAGATION,
	R_DEVICE,
	R_DEVICE_CGROUP,            /* A030 */
	R_NO_PIDS_LIMIT,
	R_NO_MEMORY_LIMIT,
	R_NO_CPU_LIMIT,
	R_PROC_SYS_WRITABLE,
	R_SYS_WRITABLE,             /* A035 */
	R_MASKED_ESSENTIAL,
	R_MASKED_RECOMMENDED,
	R_READONLY_PATHS,
	R_SYSCTL,
	R_COUNT
};

struct audit_ctx {
	const struct husk_spec *spec;
	const struct husk_process *proc;   /* NULL when the config has none */
	const struct husk_linux *lx;       /* NULL when the config has none */
	/*
	 * A user namespace that keeps container ids off the host's root: one
	 * of the container's own (or joined by a non-host path) whose uid map
	 * does not reach host uid 0.  Capability and /proc findings are one
	 * severity lower with it.
	 */
	bool userns;
	/* Why cgroup limits would not be applied (struct audit_host), or NULL. */
	const char *limits_unenforced;
	struct audit_report *report;
	size_t cap;                        /* allocated findings */
};

/* Record a finding.  path and fix are copied; the message is formatted. */
void audit_add(struct audit_ctx *c, enum audit_rule_index rule, enum audit_severity sev,
	       const char *path, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* One level less severe (never below low): for what a user namespace tempers. */
enum audit_severity audit_soften(const struct audit_ctx *c, enum audit_severity s);

/* ---- readers -------------------------------------------------------------- */

enum ns_share { NS_OWN, NS_HOST, NS_JOINED };

/*
 * How namespace `type` is set up: created (NS_OWN), absent or joined
 * through a path that is the runtime's own (/proc/1/ns, /proc/self/ns,
 * /proc/thread-self/ns: NS_HOST), or joined through another path
 * (NS_JOINED).  *index is the entry in .linux.namespaces, or -1.
 */
enum ns_share audit_ns_share(const struct audit_ctx *c, enum husk_ns_type type, long *index);
bool audit_path_is_host_ns(const char *path);

/*
 * A mount option's effect, the last of a pair winning as in mount(8):
 * audit_mount_opt(m, "ro", "rw") is true when the mount ends up read-only.
 * "rro" counts as "ro".
 */
bool audit_mount_opt(const struct husk_mount *m, const char *on, const char *off);
bool audit_mount_is_bind(const struct husk_mount *m);
bool audit_mount_has_type(const struct husk_mount *m, const char *type);

/* `path` or one of its ancestors is in the list (maskedPaths, readonlyPaths). */
bool audit_list_covers(char *const *list, const char *path);

/* s is one of the NULL-terminated list. */
bool audit_in_list(const char *const *list, const char *s);

/* A lexically normalized absolute path ("//etc/./x/../" -> "/etc"), malloc'ed. */
char *audit_normalize_path(const char *path);

/* ---- the checks, by topic ---------------------------------------------------- */

void audit_check_process(struct audit_ctx *c);   /* audit-process.c */
void audit_check_seccomp(struct audit_ctx *c);
void audit_check_caps(struct audit_ctx *c);      /* audit-caps.c */
void audit_check_mounts(struct audit_ctx *c);    /* audit-mounts.c */
void audit_check_paths(struct audit_ctx *c);     /* audit-paths.c */
void audit_check_namespaces(struct audit_ctx *c); /* audit-linux.c */
void audit_check_devices(struct audit_ctx *c);
void audit_check_resources(struct audit_ctx *c);

#endif
