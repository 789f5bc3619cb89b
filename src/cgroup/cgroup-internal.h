/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_CGROUP_INTERNAL_H
#define HUSK_CGROUP_INTERNAL_H

/*
 * Shared between the files of src/cgroup/ only.
 *
 *   cgroup.c     the manager: paths, create (object.c: the object and its
 *                record; enter.c: enter, update); control.c: freeze, signal,
 *                pids, destroy, open; writes the plans below
 *   plan-v2.c    linux.resources -> cgroup v2 file writes (with the v1->v2
 *                conversions)
 *   plan-v1.c    linux.resources -> cgroup v1 file writes
 *   devices.c    device rules: v1 devices.allow/deny, v2 an eBPF program
 *   stats.c      statistics for `husk events`
 *   dbus.c       a minimal D-Bus client (systemd's API only)
 *   systemd.c    the systemd manager: transient scopes
 *
 * A plan is computed from the spec alone (no file is touched), so every
 * conversion is unit-tested as data; the manager writes it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "husk/cgroup.h"
#include "husk/error.h"
#include "husk/spec.h"

/*
 * The groups of linux.resources, each needing one controller (v1 name / v2
 * name): what a host must have for a config's limits to apply.
 */
enum cg_group {
	CG_MEMORY,                  /* memory / memory */
	CG_CPU,                     /* cpu / cpu (shares, quota, period, burst, rt, idle) */
	CG_CPUSET,                  /* cpuset / cpuset (cpus, mems) */
	CG_PIDS,                    /* pids / pids */
	CG_BLKIO,                   /* blkio / io */
	CG_HUGETLB,                 /* hugetlb / hugetlb */
	CG_NET_CLS,                 /* net_cls / - (v1 only) */
	CG_NET_PRIO,                /* net_prio / - (v1 only) */
	CG_RDMA,                    /* rdma / rdma */
	CG_UNIFIED,                 /* - / any: linux.resources.unified (v2 only) */
	CG_DEVICES,                 /* devices / eBPF (devices.c) */
	CG_GROUP_COUNT,
};

/* "memory", "cpu", ... the v1 controller (for CG_UNIFIED: "unified"). */
const char *cg_group_v1_name(enum cg_group g);
/* "memory", "cpu", "io", ... the v2 controller (NULL for net_cls, net_prio). */
const char *cg_group_v2_name(enum cg_group g);
/* The JSON path of the group: ".linux.resources.memory" ... */
const char *cg_group_json_path(enum cg_group g);

/* Bit (1u << g) for each group r sets something to apply in. */
unsigned cg_groups_used(const struct husk_resources *r);

struct cg_write {
	enum cg_group group;
	char *file;                 /* "memory.max", or for unified any file name */
	char *value;                /* as written */
	char *json_path;            /* what set it: ".linux.resources.memory.limit" */
	/*
	 * When writing this fails with EINVAL, write the next entry first (by
	 * these same rules: it may itself defer to the one after it) and then
	 * this one again; the entries written meanwhile are done.  v1
	 * memory.limit_in_bytes and memory.memsw.limit_in_bytes must stay
	 * ordered, whatever the current values are; so must cfs period, burst
	 * and quota, and rt period and runtime.
	 */
	bool retry_after_next;
	/*
	 * Where two files may hold the setting and only the host knows which
	 * exists (blkio/io weights: the bfq file, else the plain one): when
	 * `file` does not exist (ENOENT), write alt_value (NULL: value) to
	 * alt_file instead.  NULL when there is no alternative.
	 */
	char *alt_file;
	char *alt_value;
	/*
	 * A write the config did not ask for by itself, or one that only
	 * restates the kernel's default (swap "max" derived from memory -1,
	 * hugetlb rsvd limits, cpu burst 0, idle 0): a missing file (ENOENT)
	 * is skipped, not an error.
	 */
	bool optional;
};

struct cg_plan {
	struct cg_write *w;
	size_t n;
	char **notes;               /* fields that do nothing here, one line each */
	/*
	 * memory.checkBeforeUpdate was true and the plan writes a memory
	 * limit: at `husk update` the writer first reads the usage
	 * (memory.current, v1 memory.usage_in_bytes) and refuses a limit below
	 * it, naming .linux.resources.memory.limit.  Nothing to do at creation.
	 */
	bool check_before_update;
};

/*
 * The writes for the groups in `groups` (bits of enum cg_group) of r, in
 * the order they must be made.  Values are checked (range, syntax, the
 * v1->v2 conversions' domains): an invalid one is an error naming its JSON
 * path.  `update`: the writes of `husk update` (the same, minus what only
 * makes sense at creation: v1 memory.use_hierarchy).
 *
 * A field the version cannot apply is an error when it asks for a limit
 * that would then not hold (v2: realtime cpu, network; v1: .unified),
 * else a note (v2 swappiness, disableOOMKiller, leaf weights; kernel
 * memory on both).  The unified keys go last, so they win over a
 * converted field.  Hybrid hosts call both, each with the groups its
 * hierarchies hold: a group not in `groups` is neither planned nor checked.
 * A write's json_path is one field, or two siblings for v2 cpu.max
 * (".linux.resources.cpu.quota and .period").  On error *out is empty.
 */
int cg2_plan(const struct husk_resources *r, unsigned groups, bool update, struct cg_plan *out,
	     struct husk_error *err);
int cg1_plan(const struct husk_resources *r, unsigned groups, bool update, struct cg_plan *out,
	     struct husk_error *err);
void cg_plan_free(struct cg_plan *p);

/*
 * The v1 -> v2 weight conversions, for the plans and systemd.c alike.
 * cpu.shares [2, 262144] -> cpu.weight [1, 10000]: the curve runc and crun
 * use since 2025, which keeps the defaults equal (1024 -> 100):
 * ceil(10^((L^2 + 125 L) / 612 - 7/34)), L = log2(shares); clamped.
 * blkio.weight [10, 1000] -> io.weight [1, 10000]: 1 + (w - 10) * 9999 / 990.
 */
uint64_t cg_cpu_shares_to_weight(uint64_t shares);
uint64_t cg_blkio_to_io_weight(uint64_t weight);

/* ---- plan.c, for plan-v1.c and plan-v2.c only ---------------------------- */

/* cpuset.cpus and cpuset.mems, the same in both versions. */
void cg_plan_cpuset(const struct husk_cpu *c, struct cg_plan *p);
/* The JSON names of the four throttles, by THROTTLE_*. */
extern const char *const cg_throttle_json[4];

/* Append a write (file and json_path copied, value formatted); returns it. */
struct cg_write *cg_plan_add(struct cg_plan *p, enum cg_group g, const char *json_path,
			     const char *file, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void cg_plan_note(struct cg_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "config.json: <json_path>: <message>", one line; returns -errnum. */
int cg_plan_fail(struct husk_error *err, int errnum, const char *json_path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The checks both versions share (ranges, syntax, conversion domains). */
int cg_plan_check(const struct husk_resources *r, unsigned groups, struct husk_error *err);
/* rdma.max writes (both versions). */
void cg_plan_rdma(const struct husk_resources *r, struct cg_plan *p);
/* A memory or pids amount: -1 -> `unlimited` ("max" on v2, "-1" on v1). */
void cg_plan_amount(char *buf, size_t size, int64_t v, const char *unlimited);

/*
 * Device rules (CG_DEVICES).  The rules are the config's
 * linux.resources.devices in order, after runc's implicit defaults are NOT
 * added: the config says everything (engines send the full list).
 *
 * Both give the rules one meaning: the last matching rule decides, no
 * match is a deny (devices.h says what "matching" is).
 *
 * v1: dirfd is in the devices hierarchy.  The list becomes v1's default
 * plus exceptions (cg_dev_v1_compile), and devices.deny / devices.allow
 * move the cgroup from what devices.list shows to that, whatever it held
 * before (the parent's list, an earlier update).  A list v1 cannot hold
 * (a deny inside an earlier, wider allow ...) is an error naming the two
 * rules of .linux.resources.devices.
 * v2: dirfd is a cgroup2 directory.  The rules become a
 * BPF_PROG_TYPE_CGROUP_DEVICE program named "husk_devices", attached with
 * BPF_F_ALLOW_MULTI; an update replaces husk's previous program in one
 * step (BPF_F_REPLACE), other programs on the cgroup are left alone.
 * Needs CAP_SYS_ADMIN (root); rootless the caller does not call it.
 */
int cg_devices_v1(int dirfd, const struct husk_device_cgroup *rules, size_t n,
		  struct husk_error *err);
int cg_devices_v2(int dirfd, const struct husk_device_cgroup *rules, size_t n,
		  struct husk_error *err);

/*
 * object.c, for stats.c: the directory where group g's files are for this
 * cgroup (*v2 says which version's files), or NULL when the container's
 * cgroup has no such controller; and a hierarchy's directory by its name
 * in the record ("unified", "cpuacct", "memory" ...).
 */
const char *cg_group_dir(const struct cgroup *cg, enum cg_group g, bool *v2);
const char *cg_hier_dir(const struct cgroup *cg, const char *name);

/*
 * systemd.c (with dbus.c): transient scopes.  The bus is systemd's own
 * (as root /run/systemd/private, else the system bus; rootless the user's
 * manager, $XDG_RUNTIME_DIR/systemd/private or the session bus); when
 * none answers, an error that says systemd is not running.
 *
 * cg_systemd_name(): .linux.cgroupsPath "slice:prefix:name" (empty parts
 * take defaults: "system.slice" / "user.slice" rootless, prefix "husk",
 * name the id) -> the slice and the unit "prefix-name.scope" (a name that
 * already ends in .scope is kept; a .slice, which would need the process
 * placed through cgroupfs, is refused).  Malformed: an error naming
 * .linux.cgroupsPath.  HUSK_SYSTEMD_BUS=unix:path=... replaces the search
 * for the bus (tests, and systemd in a container of its own).
 *
 * cg_systemd_start(): StartTransientUnit(unit, "replace") with PIDs=[pid],
 * Slice, Delegate=yes, Description, the limits systemd knows as properties
 * (MemoryMax, TasksMax, CPUWeight, CPUQuotaPerSecUSec, AllowedCPUs ...)
 * and every org.systemd.property.<Name> annotation (its value in GVariant
 * text form: "true", "uint64 1000", "'text'"); waits for the job and
 * returns the scope's cgroup (its ControlGroup property, a path inside the
 * hierarchy) in *cgroup.  cg_systemd_stop(): StopUnit, waiting for the
 * job; a unit that is not loaded any more is 0.
 */
int cg_systemd_name(const char *cgroups_path, const char *id, bool rootless, char **slice,
		    char **unit, struct husk_error *err);
int cg_systemd_start(const char *slice, const char *unit, pid_t pid, bool rootless,
		     const struct husk_resources *r, const struct husk_kv *annotations,
		     size_t n_annotations, char **cgroup, struct husk_error *err);
int cg_systemd_stop(const char *unit, bool rootless, struct husk_error *err);

#endif
