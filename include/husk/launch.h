/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_LAUNCH_H
#define HUSK_LAUNCH_H

/*
 * Building a container from a validated spec, in steps that the parent's
 * stage table (src/container/create.c) orders and undoes:
 *
 *   launch_prepare()  decide the namespaces, resolve capabilities and
 *                     compile seccomp: nothing exists yet
 *   launch_clone()    one clone3() into every new namespace; the process
 *                     waits for launch_setup() (and dies with husk until then:
 *                     EOF on its sync socket, PR_SET_PDEATHSIG)
 *   launch_idmap()    write its uid/gid maps
 *   launch_setup()    let it go on, serve what it asks for on the way
 *                     (seccomp listener fd, hook points) and wait for READY:
 *                     rootfs, mounts, pivot_root, hostname, sysctl, rlimits,
 *                     credentials ... are done, failures come back with the
 *                     stage that failed (the child never prints)
 *   launch_kill()     the undo of launch_clone(): kill and reap it
 *
 * After READY the container process either waits on the exec fifo
 * (opts->exec_fifo_fd >= 0: `create`) or is on its way to exec.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "husk/error.h"
#include "husk/spec.h"

struct launch_opts {
	const struct husk_spec *spec;
	const char *id;
	const char *bundle;         /* absolute */
	const char *rootfs;         /* absolute host path of the root filesystem, for messages */
	/*
	 * The root filesystem, opened once (O_PATH) by the caller: the container
	 * is built from this directory, whatever the path names by then.
	 */
	int rootfs_fd;
	int exec_fifo_fd;           /* read end from exec_fifo_create(), or -1; read at launch_clone() */
	int preserve_fds;           /* fds 3 .. 3+n-1 are passed to the workload */
	bool no_pivot;
	bool no_new_keyring;
	bool no_init;               /* husk-init passes through instead of forking */
	const char *console_socket; /* reserved for the console-socket issue */
};

/*
 * What a launch has to say, for the caller to print: warnings (unknown
 * capabilities ...), notes at debug level, and the child's note at READY.
 */
struct launch_report {
	char **warnings;
	char **notes;
	char note[256];
};
void launch_report_free(struct launch_report *rep);

struct launch;

/*
 * Validate, plan and compile; nothing is started.  *out is freed with
 * launch_free().  opts (and the spec) must stay valid until launch_setup()
 * returns; launch_wait_exec() and launch_free() do not use them.
 */
int launch_prepare(const struct launch_opts *opts, struct launch **out, struct husk_error *err);
/* Clone the container process; it waits for launch_setup(). */
int launch_clone(struct launch *l, struct husk_error *err);
/*
 * Before launch_clone(): the cgroup2 directory (an open fd, kept by the
 * caller) to clone the process into (CLONE_INTO_CGROUP), or -1.  Where
 * the kernel refuses, the process is cloned where husk is and
 * launch_in_cgroup() says false: the caller then moves it.
 */
void launch_set_cgroup(struct launch *l, int cgroup_fd);
bool launch_in_cgroup(const struct launch *l);
/* Write the id maps of a new user namespace (nothing otherwise). */
int launch_idmap(struct launch *l, struct husk_error *err);
/*
 * Called at each hook point the child reaches (point: "create-runtime"),
 * before it is let go on; NULL: nothing to do.  Returns 0 or -errno.
 */
typedef int (*launch_point_fn)(void *data, const char *point, struct husk_error *err);
/* Let the child go on and wait for READY; a failure kills and reaps it. */
int launch_setup(struct launch *l, launch_point_fn point, void *data, struct husk_error *err);
/* Kill and reap the container process (when there is one). */
void launch_kill(struct launch *l);

pid_t launch_pid(const struct launch *l);
/* The launch's warnings and notes (its own; valid until launch_free()). */
const struct launch_report *launch_report(const struct launch *l);
/*
 * After the container was released (or for exec_fifo_fd < 0), wait until its
 * final execve succeeded (0) or failed (negative errno, err says which path).
 * Closes the sync socket; skipping it is fine (launch_free() closes it).
 */
int launch_wait_exec(struct launch *l, struct husk_error *err);
/* Free what the launch holds; the container process is left as it is. */
void launch_free(struct launch *l);
static inline void launch_freep(struct launch **l)
{
	launch_free(*l);
}
#define _cleanup_launch_ __attribute__((cleanup(launch_freep)))

/* ---- exec ------------------------------------------------------------------ */

/* What launch_exec() leaves: the process (our child) and its sync socket. */
struct launch_result {
	pid_t pid;
	int sync_fd;                /* see launch_exec_wait(); -1 when closed */
	const char *cmd;            /* the process's args[0], borrowed from the spec */
	struct launch_report report;
};

/*
 * After launch_exec(): wait until the command's execve succeeded (0) or
 * failed (negative errno, err says which path).  Closes res->sync_fd.
 */
int launch_exec_wait(struct launch_result *res, struct husk_error *err);
/* Close res->sync_fd and free the report. */
void launch_result_release(struct launch_result *res);
/* Kill and reap the process (when there is one). */
void launch_result_kill(struct launch_result *res);

/*
 * `husk exec`: start spec->process inside the running container whose
 * init is behind init_pidfd (container_pidfd(): checked against pid reuse).
 *
 * The process joins every namespace of the container's init that differs
 * from husk's own (the user namespace first, all in one setns), takes the
 * process's rlimits, user and cwd, and reaches its command through husk-init
 * in pass-through mode, from a sealed memfd.  It is non-dumpable from before
 * it joins until that final exec.
 *
 * On success it is our child (res->pid) and is about to look up and exec
 * its command: launch_exec_wait() then says whether that worked; when it did
 * not, the process exits 127 (not found) or 126 (cannot be executed).  On
 * failure nothing is left running.  spec is the container's config as
 * pinned at create (its seccomp filter applies); spec->process is what to
 * run.
 */
struct launch_exec_opts {
	const struct husk_spec *spec;
	const char *id;
	const char *bundle;         /* for a seccomp agent's state message */
	pid_t init_pid;             /* the container's init, in our pid namespace */
	int init_pidfd;
	int preserve_fds;           /* fds 3 .. 3+n-1 are passed to the process */
	/* cgroup.procs of the container's cgroups, open for writing (cgroup_procs_fds()) */
	const int *cgroup_fds;
	size_t n_cgroup_fds;
};

int launch_exec(const struct launch_exec_opts *opts, struct launch_result *res,
		struct husk_error *err);

#endif
