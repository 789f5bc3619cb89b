/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_CGROUP_H
#define HUSK_CGROUP_H

/*
 * A container's cgroup (src/cgroup/): where it is, making it, putting the
 * container's processes in it, its limits, freezing, killing, listing,
 * statistics and removal, behind one interface for every host:
 *
 *   v2       the unified hierarchy (cgroup2 at /sys/fs/cgroup)
 *   v1       one hierarchy per controller (/sys/fs/cgroup/memory ...)
 *   hybrid   v1 controllers plus cgroup2 at /sys/fs/cgroup/unified: a
 *            controller the cgroup2 mount holds (hugetlb on some hosts) is
 *            used there, every other one through v1, as runc does
 *   systemd  (--systemd-cgroup) a transient scope made through systemd's
 *            D-Bus API, Delegate=yes; limits as unit properties where
 *            systemd has them, the rest written to the scope's files
 *
 * The layout comes from the host context (husk/host.h), so unit tests point
 * every manager at a fake tree with host_reset_for_test().
 *
 * Where the cgroup goes (.linux.cgroupsPath; systemd: "slice:prefix:name"):
 *   absolute  from the root of each hierarchy
 *   relative  below husk's own cgroup (in each v1 hierarchy its own), as
 *             runc does; on v2, when husk's own cgroup is a leaf that holds
 *             processes (a session scope), below its parent instead, since
 *             a cgroup with processes cannot pass controllers down
 *   empty     "husk-<id>", relative
 * ".." components and anything that would leave the hierarchy are refused.
 *
 * Rootless (host_rootless()): where husk cannot make the cgroup (no
 * delegation, or cgroup v1), the container runs without one; when it asked
 * for limits, cgroup_notice() says in one line which were not applied and
 * why.  As root, a limit that cannot be applied is an error naming its JSON
 * path, the file and what to do.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "husk/error.h"
#include "husk/spec.h"

struct cgroup;

struct cgroup_opts {
	const char *id;
	const char *path;           /* .linux.cgroupsPath, NULL or "" for the default */
	bool systemd;               /* --systemd-cgroup */
	bool rootless;              /* host_rootless(): what cannot be done becomes the notice */
	const struct husk_resources *resources;   /* NULL: no limits */
	/* .linux.devices: with device rules, each is allowed (the spec says MUST be available) */
	const struct husk_device *devices;
	size_t n_devices;
	/* For the systemd manager: org.systemd.property.* annotations. */
	const struct husk_kv *annotations;
	size_t n_annotations;
};

/*
 * Whether r asks for any limit a cgroup would hold (device rules aside:
 * rootless, the user namespace already keeps host devices out).
 */
bool cgroup_has_limits(const struct husk_resources *r);

/*
 * Why this invocation of husk would not apply a config's limits (rootless
 * without a delegated cgroup: "cgroup v1 has no delegation to uid 1000"),
 * or NULL when it would (as root a limit that cannot be applied is an
 * error instead).  For `husk audit`.  Malloc'ed.
 */
char *cgroup_limits_unavailable(bool systemd);

/*
 * Work out where the container's cgroup goes and make it (the systemd
 * manager only checks the path and reaches the bus: its scope is made by
 * cgroup_enter(), when there is a process to put in it).  Nothing is
 * created when the container will run without a cgroup (rootless, see
 * above): *out is still returned, and cgroup_notice() says why.  On
 * failure nothing is left.
 */
int cgroup_create(const struct cgroup_opts *o, struct cgroup **out, struct husk_error *err);

/*
 * The container's cgroup2 directory, open (O_PATH|O_DIRECTORY), for
 * clone3's CLONE_INTO_CGROUP; -1 when there is none or it is not a cgroup
 * the child may be born into (v1, systemd before its scope exists).
 */
int cgroup_clone_fd(const struct cgroup *cg);

/*
 * Put process pid into every hierarchy of the cgroup it is not already in
 * (`placed`: clone3 put it in cgroup_clone_fd()'s cgroup).  For systemd,
 * this makes the scope, with pid in it.  Then apply the limits of
 * cgroup_create()'s opts.
 */
int cgroup_enter(struct cgroup *cg, pid_t pid, bool placed, struct husk_error *err);

/*
 * For `husk exec`: the cgroup.procs file of each hierarchy of the
 * container's cgroup, or of `sub`, a cgroup below it (`--cgroup`, made
 * when missing; a relative path, the same in every hierarchy), open for
 * writing.  The exec helper writes "0" to each (moving itself) before it
 * joins the container, so that the process it clones is born there.
 * *fds is malloc'ed; the caller closes them.
 */
int cgroup_procs_fds(struct cgroup *cg, const char *sub, int **fds, size_t *n,
		     struct husk_error *err);

/*
 * Apply resources (`husk update`), with checkBeforeUpdate honoured.  Only
 * the fields set in r are written.  A v1 hierarchy the container did not
 * join at create (it had no limit there) is joined first: the caller then
 * records cgroup_record_dirs() again.
 */
int cgroup_update(struct cgroup *cg, const struct husk_resources *r, struct husk_error *err);

/* One line naming the limits not applied and why, or NULL. */
const char *cgroup_notice(const struct cgroup *cg);

/* Whether the container has a cgroup at all (false: rootless without one). */
bool cgroup_exists(const struct cgroup *cg);

/*
 * What the state record keeps, so that later verbs find the cgroup without
 * recomputing it (husk's own cgroup may differ then): the directories, by
 * hierarchy ("unified" for cgroup2, else the v1 controller's name), and for
 * systemd the unit's name.  cgroup_path() is the path inside the hierarchy
 * ("/husk-abc"), for `state`-like output; NULL without a cgroup.
 */
size_t cgroup_record_dirs(const struct cgroup *cg, struct husk_kv **dirs);
const char *cgroup_path(const struct cgroup *cg);
const char *cgroup_unit(const struct cgroup *cg);   /* systemd only, else NULL */

/*
 * A container's cgroup again, from its record (dirs as written by
 * cgroup_record_dirs(), unit as cgroup_unit()).  Directories that are gone
 * are skipped (a teardown that was interrupted); no dirs at all gives a
 * cgroup for which cgroup_exists() is false.  Every directory must be below
 * a cgroup filesystem mount (a tampered record cannot point husk at other
 * files).
 */
int cgroup_open(const struct husk_kv *dirs, size_t n_dirs, const char *unit,
		struct cgroup **out, struct husk_error *err);

/* Freeze or thaw every process (v2 cgroup.freeze, v1 freezer); waits until done. */
int cgroup_freeze(struct cgroup *cg, bool frozen, struct husk_error *err);

enum cgroup_freezer {
	CGROUP_THAWED,
	CGROUP_FROZEN,
	CGROUP_FREEZER_NONE,        /* no freezer: never paused */
};
enum cgroup_freezer cgroup_freezer_state(const struct cgroup *cg);

/*
 * Send sig to every process in the cgroup.  SIGKILL on v2 with cgroup.kill
 * uses it; elsewhere the cgroup is frozen (where it can be) so nothing
 * forks meanwhile, each process signalled, then thawed.
 */
int cgroup_signal_all(struct cgroup *cg, int sig, struct husk_error *err);

/*
 * Whether a process is in the cgroup, cheaply (one read: cgroup2's
 * cgroup.events "populated", which covers sub-cgroups too, or a v1
 * cgroup.procs of the container's own cgroup).
 */
bool cgroup_populated(const struct cgroup *cg);

/* The host pids of every process in the cgroup, sorted; *pids malloc'ed. */
int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n, struct husk_error *err);

/*
 * Remove the cgroup: kill what is still in it, wait for it to empty,
 * rmdir (sub-cgroups first); systemd: stop the unit.  Gone already: 0.
 */
int cgroup_destroy(struct cgroup *cg, struct husk_error *err);

void cgroup_free(struct cgroup *cg);
static inline void cgroup_freep(struct cgroup **cg)
{
	cgroup_free(*cg);
}
#define _cleanup_cgroup_ __attribute__((cleanup(cgroup_freep)))

/* ---- statistics (`husk events`) ------------------------------------------ */

/* What runc's `events --stats` reports; a field the host has not is 0. */
struct cgroup_mem_entry {
	uint64_t limit, usage, max_usage, failcnt;
};

struct cgroup_hugetlb_entry {
	char page_size[16];         /* "2MB" */
	uint64_t usage, max_usage, failcnt;
};

struct cgroup_blkio_entry {
	uint64_t major, minor;
	char op[16];                /* "Read" "Write" "Sync" "Async" "Discard" "Total" */
	uint64_t value;
};

struct cgroup_stats {
	struct {
		uint64_t total, kernel, user;       /* ns */
		uint64_t *percpu;
		size_t n_percpu;
		uint64_t periods, throttled_periods, throttled_time;
	} cpu;
	struct {
		uint64_t cache;
		struct cgroup_mem_entry usage, swap, kernel, kernel_tcp;
		bool use_hierarchy;
		struct husk_kv *raw;                /* memory.stat as it is */
		size_t n_raw;
	} memory;
	struct {
		uint64_t current, limit;            /* limit 0: none */
	} pids;
	struct {
		struct cgroup_blkio_entry *io_service_bytes, *io_serviced;
		size_t n_io_service_bytes, n_io_serviced;
	} blkio;
	struct cgroup_hugetlb_entry *hugetlb;
	size_t n_hugetlb;
	uint64_t oom_kills;                     /* memory.events oom_kill, v1 oom_control */
};

int cgroup_stats(const struct cgroup *cg, struct cgroup_stats *st, struct husk_error *err);
void cgroup_stats_free(struct cgroup_stats *st);

#endif
