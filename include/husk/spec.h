/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_SPEC_H
#define HUSK_SPEC_H

/*
 * config.json as typed C values (OCI runtime-spec v1.2, Linux fields).
 *
 * spec_load() is the only way in: after it, no code sees JSON.  Every value
 * has been type- and range-checked, and every error names its JSON path
 * ("config.json: .linux.uidMappings[0].size: expected an unsigned 32-bit
 * integer, got \"ten\"").  Unknown fields are ignored.
 *
 * Conventions:
 *  - strings are NULL when absent;
 *  - string lists are NULL-terminated vectors (NULL when absent, so
 *    "absent" and "empty" stay distinguishable where the spec cares);
 *  - arrays of structs are pointer + count;
 *  - optional numbers are husk_opt_* with .set.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "husk/error.h"

/* The version of the OCI runtime spec husk implements and writes. */
#define HUSK_OCI_VERSION "1.2.0"

#define SPEC_MAX_BYTES (4u << 20)   /* config.json larger than this is refused */
#define SPEC_MAX_DEPTH 64           /* nesting deeper than this is refused */

typedef struct { bool set; int64_t value; } husk_opt_i64;
typedef struct { bool set; uint64_t value; } husk_opt_u64;
typedef struct { bool set; bool value; } husk_opt_bool;

struct husk_kv {
	char *key;
	char *value;
};

struct husk_idmap {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct husk_mount {
	char *destination;          /* required, absolute inside the container */
	char *source;               /* may be NULL (e.g. tmpfs) */
	char *type;                 /* may be NULL (bind mounts) */
	char **options;             /* raw option strings, in order */
	struct husk_idmap *uid_mappings;
	size_t n_uid_mappings;
	struct husk_idmap *gid_mappings;
	size_t n_gid_mappings;
};

/* ---- process ---------------------------------------------------------- */

struct husk_user {
	uint32_t uid;
	uint32_t gid;
	husk_opt_u64 umask;         /* 0..0777 */
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char *username;             /* Windows field, kept for completeness */
};

struct husk_capabilities {
	/* Each set: NULL when absent in JSON, else a (maybe empty) vector of
	 * names exactly as written ("CAP_NET_BIND_SERVICE"). */
	char **bounding;
	char **effective;
	char **inheritable;
	char **permitted;
	char **ambient;
};

struct husk_rlimit {
	char *type;                 /* "RLIMIT_NOFILE" as written */
	int resource;               /* RLIMIT_* value */
	uint64_t soft;
	uint64_t hard;
};

struct husk_scheduler {
	char *policy;               /* "SCHED_OTHER" ... as written */
	int policy_value;           /* SCHED_* */
	husk_opt_i64 nice;
	husk_opt_i64 priority;
	char **flags;               /* "SCHED_FLAG_RESET_ON_FORK" ... */
	uint64_t flags_value;       /* SCHED_FLAG_* OR'ed */
	husk_opt_u64 runtime;
	husk_opt_u64 deadline;
	husk_opt_u64 period;
};

struct husk_io_priority {
	char *class_name;           /* "IOPRIO_CLASS_RT" | "_BE" | "_IDLE" */
	int class_value;            /* 1, 2, 3 as in ioprio.h */
	int priority;               /* 0..7 */
};

struct husk_cpu_affinity {
	char *initial;              /* cpu list "0-3,7" or NULL */
	char *final;
};

struct husk_process {
	bool terminal;
	bool has_console_size;
	uint32_t console_height;
	uint32_t console_width;
	struct husk_user user;
	char **args;                /* non-empty */
	char *command_line;         /* Windows field */
	char **env;                 /* "K=V", may be NULL */
	char *cwd;                  /* absolute, required */
	struct husk_capabilities *capabilities;   /* NULL when absent */
	struct husk_rlimit *rlimits;
	size_t n_rlimits;
	char *apparmor_profile;
	char *selinux_label;
	bool no_new_privileges;
	husk_opt_i64 oom_score_adj; /* -1000..1000 */
	struct husk_scheduler *scheduler;         /* NULL when absent */
	struct husk_io_priority *io_priority;     /* NULL when absent */
	struct husk_cpu_affinity *exec_cpu_affinity; /* NULL when absent */
};

/* ---- hooks ------------------------------------------------------------ */

struct husk_hook {
	char *path;                 /* absolute */
	char **args;
	char **env;
	husk_opt_i64 timeout;       /* seconds, > 0 */
};

enum husk_hook_kind {
	HOOK_PRESTART,
	HOOK_CREATE_RUNTIME,
	HOOK_CREATE_CONTAINER,
	HOOK_START_CONTAINER,
	HOOK_POSTSTART,
	HOOK_POSTSTOP,
	HOOK_KIND_COUNT
};

struct husk_hooks {
	struct husk_hook *list[HOOK_KIND_COUNT];
	size_t count[HOOK_KIND_COUNT];
};

/* ---- linux ------------------------------------------------------------ */

enum husk_ns_type {
	NS_PID, NS_NETWORK, NS_MOUNT, NS_IPC, NS_UTS, NS_USER, NS_CGROUP, NS_TIME,
	NS_TYPE_COUNT
};

struct husk_namespace {
	enum husk_ns_type type;
	char *path;                 /* NULL: create a new one; else join it */
};

struct husk_time_offset {
	bool set;
	int64_t secs;
	uint32_t nanosecs;
};

struct husk_device {
	char *path;                 /* absolute inside the container */
	char type;                  /* 'c', 'b', 'u', 'p' */
	int64_t major;              /* required for c/b/u, ignored for p */
	int64_t minor;
	husk_opt_u64 file_mode;
	husk_opt_u64 uid;
	husk_opt_u64 gid;
};

struct husk_device_cgroup {
	bool allow;
	char type;                  /* 'a', 'c', 'b' ('a' when absent) */
	husk_opt_i64 major;         /* absent: wildcard */
	husk_opt_i64 minor;
	char *access;               /* subset of "rwm", NULL means "rwm" */
};

struct husk_memory {
	husk_opt_i64 limit;
	husk_opt_i64 reservation;
	husk_opt_i64 swap;
	husk_opt_i64 kernel;
	husk_opt_i64 kernel_tcp;
	husk_opt_u64 swappiness;
	husk_opt_bool disable_oom_killer;
	husk_opt_bool use_hierarchy;
	husk_opt_bool check_before_update;
};

struct husk_cpu {
	husk_opt_u64 shares;
	husk_opt_i64 quota;
	husk_opt_u64 burst;
	husk_opt_u64 period;
	husk_opt_i64 realtime_runtime;
	husk_opt_u64 realtime_period;
	char *cpus;
	char *mems;
	husk_opt_i64 idle;
};

struct husk_weight_device {
	int64_t major;
	int64_t minor;
	husk_opt_u64 weight;        /* 16-bit */
	husk_opt_u64 leaf_weight;
};

struct husk_throttle_device {
	int64_t major;
	int64_t minor;
	uint64_t rate;
};

struct husk_block_io {
	husk_opt_u64 weight;
	husk_opt_u64 leaf_weight;
	struct husk_weight_device *weight_device;
	size_t n_weight_device;
	struct husk_throttle_device *throttle[4]; /* read bps, write bps, read iops, write iops */
	size_t n_throttle[4];
};

enum { THROTTLE_READ_BPS, THROTTLE_WRITE_BPS, THROTTLE_READ_IOPS, THROTTLE_WRITE_IOPS };

struct husk_hugepage_limit {
	char *page_size;            /* "2MB" */
	uint64_t limit;
};

struct husk_net_priority {
	char *name;
	uint32_t priority;
};

struct husk_rdma {
	char *device;
	husk_opt_u64 hca_handles;
	husk_opt_u64 hca_objects;
};

struct husk_resources {
	struct husk_device_cgroup *devices;
	size_t n_devices;
	struct husk_memory *memory;               /* NULL when absent */
	struct husk_cpu *cpu;
	husk_opt_i64 pids_limit;
	struct husk_block_io *block_io;
	struct husk_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	husk_opt_u64 net_class_id;
	struct husk_net_priority *net_priorities;
	size_t n_net_priorities;
	struct husk_rdma *rdma;
	size_t n_rdma;
	struct husk_kv *unified;                  /* cgroup v2 file -> value */
	size_t n_unified;
};

struct husk_intel_rdt {
	char *clos_id;
	char *l3_cache_schema;
	char *mem_bw_schema;
	char **schemata;
	husk_opt_bool enable_cmt;
	husk_opt_bool enable_mbm;
};

enum husk_seccomp_action {
	SECCOMP_ACT_KILL_THREAD,    /* SCMP_ACT_KILL and SCMP_ACT_KILL_THREAD */
	SECCOMP_ACT_KILL_PROCESS,
	SECCOMP_ACT_TRAP,
	SECCOMP_ACT_ERRNO,
	SECCOMP_ACT_TRACE,
	SECCOMP_ACT_ALLOW,
	SECCOMP_ACT_LOG,
	SECCOMP_ACT_NOTIFY,
};

enum husk_seccomp_op {
	SECCOMP_OP_NE, SECCOMP_OP_LT, SECCOMP_OP_LE, SECCOMP_OP_EQ,
	SECCOMP_OP_GE, SECCOMP_OP_GT, SECCOMP_OP_MASKED_EQ,
};

struct husk_seccomp_arg {
	uint32_t index;             /* 0..5 */
	uint64_t value;
	uint64_t value_two;
	enum husk_seccomp_op op;
};

struct husk_seccomp_rule {
	char **names;               /* non-empty */
	enum husk_seccomp_action action;
	husk_opt_u64 errno_ret;
	struct husk_seccomp_arg *args;
	size_t n_args;
};

struct husk_seccomp {
	enum husk_seccomp_action default_action;
	husk_opt_u64 default_errno_ret;
	char **architectures;       /* "SCMP_ARCH_X86_64" ... */
	char **flags;               /* "SECCOMP_FILTER_FLAG_TSYNC" ... */
	char *listener_path;
	char *listener_metadata;
	struct husk_seccomp_rule *syscalls;
	size_t n_syscalls;
};

struct husk_personality {
	char *domain;               /* "LINUX" | "LINUX32" */
	char **flags;
};

struct husk_memory_policy {
	char *mode;                 /* "MPOL_DEFAULT" ... */
	char *nodes;
	char **flags;
};

struct husk_net_device {
	char *host_name;            /* the map key */
	char *name;                 /* name inside the container, may be NULL */
};

struct husk_linux {
	struct husk_namespace *namespaces;
	size_t n_namespaces;
	struct husk_idmap *uid_mappings;
	size_t n_uid_mappings;
	struct husk_idmap *gid_mappings;
	size_t n_gid_mappings;
	struct husk_time_offset time_monotonic;
	struct husk_time_offset time_boottime;
	struct husk_device *devices;
	size_t n_devices;
	char *cgroups_path;
	struct husk_resources *resources;         /* NULL when absent */
	struct husk_intel_rdt *intel_rdt;         /* NULL when absent */
	struct husk_kv *sysctl;
	size_t n_sysctl;
	struct husk_seccomp *seccomp;             /* NULL when absent */
	struct husk_personality *personality;     /* NULL when absent */
	char *rootfs_propagation;   /* "shared" "slave" "private" "unbindable" or r-forms */
	char **masked_paths;
	char **readonly_paths;
	char *mount_label;
	struct husk_memory_policy *memory_policy; /* NULL when absent */
	struct husk_net_device *net_devices;
	size_t n_net_devices;
};

/* ---- the whole config -------------------------------------------------- */

struct husk_spec {
	char *oci_version;          /* required, "1.x.y" */
	char *root_path;            /* as written (relative to the bundle or absolute) */
	bool root_readonly;
	struct husk_mount *mounts;
	size_t n_mounts;
	struct husk_process *process;             /* NULL when absent */
	char *hostname;
	char *domainname;
	struct husk_hooks hooks;
	struct husk_kv *annotations;
	size_t n_annotations;
	struct husk_linux *linux_;                /* NULL when absent */
};

/*
 * Parse and validate a config.json text.  `name` is used in messages
 * ("config.json").  Returns 0 and a new spec in *out, or a negative errno
 * with err filled ("config.json: .process.args: must be a non-empty array of
 * strings").  Never crashes or leaks on any input.
 */
int spec_parse(const char *json, size_t len, const char *name,
	       struct husk_spec **out, struct husk_error *err);

/* Read <bundle>/config.json (size-capped) and spec_parse() it. */
int spec_load(const char *bundle, struct husk_spec **out, struct husk_error *err);

/*
 * Parse a standalone OCI `process` object (the file given to
 * `husk exec --process FILE`), with the same checks as .process.
 */
int spec_parse_process(const char *json, size_t len, const char *name,
		       struct husk_process **out, struct husk_error *err);

/*
 * `husk update` (src/spec/resources-update.c).  spec_parse_resources():
 * a standalone linux.resources object (--resources FILE), with the checks
 * of config.json's .linux.resources; errors name `name` and the path
 * inside the object.  spec_merge_resources(): the config text with its
 * .linux.resources deep-merged with the resources object `update` (objects
 * member by member, any other value replaced whole); every other byte of
 * meaning is kept, unknown fields included.  The result (malloc'ed,
 * NUL-terminated) is checked with spec_parse() before it is returned.
 */
int spec_parse_resources(const char *json, size_t len, const char *name,
			 struct husk_resources **out, struct husk_error *err);
void spec_resources_free(struct husk_resources *res);
static inline void spec_resources_freep(struct husk_resources **r)
{
	spec_resources_free(*r);
}
#define _cleanup_resources_ __attribute__((cleanup(spec_resources_freep)))
int spec_merge_resources(const char *config, size_t len, const char *update, size_t ulen,
			 char **out, size_t *out_len, struct husk_error *err);

/*
 * What this husk reads but does not do (src/spec/unapplied.c).
 *
 * spec_unapplied(): one line for a notice, naming by JSON path each field
 * that is not applied yet (hooks) or means nothing on Linux, grouped so it
 * stays short ("not applied (hooks are not implemented yet):
 * .hooks.prestart[0] (/usr/bin/x)"); NULL when everything applies.
 * Malloc'ed.
 * spec_exec_unapplied(): the same for the process `husk exec` runs.
 * spec_check_supported(): -EOPNOTSUPP/-EINVAL naming the first field whose
 * effect husk cannot give and a workload would rely on (.linux.intelRdt,
 * .linux.netDevices, .linux.memoryPolicy, .linux.personality.flags).
 */
char *spec_unapplied(const struct husk_spec *spec);
char *spec_exec_unapplied(const struct husk_process *p);
int spec_check_supported(const struct husk_spec *spec, struct husk_error *err);

void spec_free(struct husk_spec *spec);
void spec_process_free(struct husk_process *p);
static inline void spec_freep(struct husk_spec **s)
{
	spec_free(*s);
}
#define _cleanup_spec_ __attribute__((cleanup(spec_freep)))

/* Helpers for readers of the spec. */
const struct husk_namespace *spec_namespace(const struct husk_spec *spec,
					    enum husk_ns_type type);
const char *spec_annotation(const struct husk_spec *spec, const char *key);
const char *spec_ns_type_name(enum husk_ns_type type);   /* "pid", "network", ... */
const char *spec_hook_kind_name(enum husk_hook_kind kind); /* "prestart", ... */

/*
 * `husk spec`: write a default config.json (runc spec's shape) into dirfd
 * as "config.json", refusing to overwrite one (-EEXIST with a message).
 * rootless: user namespace with the caller's uid/gid mapped to root, no
 * network namespace, /sys as a read-only rbind, devpts without gid=5.
 *
 * hardened (`husk spec --hardened`): the locked-down profile instead (see
 * src/spec/template-hardened.c and husk-spec(8)): uid/gid 65534, no
 * capabilities but cap_add, no_new_privs, the seccomp profile given in
 * seccomp_profile embedded in .linux.seccomp (required: -EINVAL without it),
 * read-only root, noexec size-capped tmpfs, every namespace including user
 * and network, podman's masked and read-only paths (and more), limits.
 * The result is parsed back with spec_parse() before it is written.
 */
#define SPEC_HARDENED_UID 65534u
#define SPEC_HARDENED_PIDS_LIMIT 1000
#define SPEC_CPU_PERIOD_US 100000u

struct spec_template_opts {
	bool rootless;
	uid_t host_uid;             /* for rootless uid/gid mappings */
	gid_t host_gid;
	/* ---- --hardened and its options (ignored without it) ---- */
	bool hardened;
	char *const *cap_add;       /* canonical names ("CAP_NET_BIND_SERVICE"), or NULL */
	int64_t memory_limit;       /* bytes; 0: no memory limit */
	int64_t cpu_quota;          /* microseconds per SPEC_CPU_PERIOD_US; 0: none */
	int64_t pids_limit;         /* 0: SPEC_HARDENED_PIDS_LIMIT */
	const char *seccomp_profile; /* OCI linux.seccomp JSON text to embed */
	size_t seccomp_profile_len;
};
int spec_template_write(int dirfd, const struct spec_template_opts *opts,
			struct husk_error *err);
/* The template text spec_template_write() would write (malloc'ed in *out). */
int spec_template_render(const struct spec_template_opts *opts, char **out, size_t *len,
			 struct husk_error *err);

/*
 * Values of the template options, as a person types them.
 *  - memory: "536870912", "512M", "512m", "512MiB", "1G", "64k" (binary
 *    units b, k, m, g, t), at least 1 MiB;
 *  - cpus: "1", "1.5", "0.25" (up to 5 decimals) -> a quota in
 *    microseconds per SPEC_CPU_PERIOD_US, at least 1000 (1 ms);
 *  - capability: "NET_BIND_SERVICE", "net_bind_service" or
 *    "CAP_NET_BIND_SERVICE" -> the canonical static name, or NULL when the
 *    kernel has no such capability (spec_capability_lookup()).
 * Errors name the option ("--memory \"12X\": ...").
 */
int spec_parse_memory(const char *s, int64_t *out, struct husk_error *err);
int spec_parse_cpus(const char *s, int64_t *quota, struct husk_error *err);
/* "1000": a number of processes from 1 to the kernel's pid_max ceiling. */
int spec_parse_pids_limit(const char *s, int64_t *out, struct husk_error *err);
const char *spec_capability_lookup(const char *name);
/*
 * --cap-add words ("NET_BIND_SERVICE,chown", repeated) -> canonical names
 * pushed onto *out, each once.
 */
int spec_parse_cap_words(char *const *words, char ***out, struct husk_error *err);
/* Every capability name the kernel defines, in number order, NULL-terminated. */
extern const char *const spec_capability_names[];

/* ---- state.json (read side; the writer is in src/state/) --------------- */

/*
 * The persisted state of one container, as src/state/ writes it.
 * Parsed here because src/spec/ is the only JSON parser.
 */
struct husk_state_file {
	char *oci_version;
	char *id;
	char *status;               /* "creating" "created" "running" "stopped" */
	int64_t pid;                /* 0 when none */
	uint64_t pid_start_time;    /* /proc/<pid>/stat field 22, against pid reuse */
	char *bundle;
	char *rootfs;
	char *created;              /* RFC 3339 with nanoseconds, UTC */
	char *owner;
	struct husk_kv *annotations;
	size_t n_annotations;
	/* Anything the runtime needs to act on a container later. */
	char *config_sha256;        /* hex SHA-256 of the config pinned in the container's dir */
	char *cgroup_path;          /* the cgroup's path in its hierarchy, NULL without one */
	struct husk_kv *cgroup_dirs; /* hierarchy ("unified", "memory" ...) -> directory */
	size_t n_cgroup_dirs;
	char *systemd_unit;         /* the scope, with --systemd-cgroup */
	bool systemd_cgroup;
	bool rootless;
};

/*
 * JSON keys, all top level: ociVersion, id, status, pid, bundle, rootfs,
 * created, owner, annotations (runc's `state` fields) and husk's own
 * pidStartTime, configSha256, cgroupPath, cgroupDirs, systemdUnit, systemdCgroup,
 * rootless.  id and status are
 * required; errors are prefixed "state.json: ".
 */
int state_file_parse(const char *json, size_t len, struct husk_state_file **out,
		     struct husk_error *err);
void state_file_free(struct husk_state_file *s);
static inline void state_file_freep(struct husk_state_file **s)
{
	state_file_free(*s);
}
#define _cleanup_state_file_ __attribute__((cleanup(state_file_freep)))

#endif
