/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_LAUNCH_H
#define HUSK_LAUNCH_H

/*
 * Building a container from a validated spec.
 *
 * launch_container() clones one process into the requested namespaces,
 * writes its id maps, and lets it set itself up (rootfs, mounts, devices,
 * pivot_root, hostname, sysctl, rlimits, credentials ...).  Failures inside
 * travel back over the sync socket and land in `err`, with the stage that
 * failed; nothing is left behind (the child is killed and reaped).
 *
 * On success the container process is either waiting on the exec fifo
 * (opts->exec_fifo_fd >= 0: `create`) or already on its way to exec
 * (exec_fifo_fd < 0: `run` without a separate start).
 */

#include <stdbool.h>
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
	int exec_fifo_fd;           /* read end from exec_fifo_create(), or -1 */
	int preserve_fds;           /* fds 3 .. 3+n-1 are passed to the workload */
	bool no_pivot;
	bool no_new_keyring;
	bool no_init;               /* husk-init passes through instead of forking */
	const char *console_socket; /* reserved for the console-socket issue */
};

struct launch_result {
	pid_t pid;                  /* the container process, in our pid namespace */
	int sync_fd;                /* see launch_wait_exec(); -1 when closed */
	bool rootless;              /* husk ran unprivileged */
	char note[256];             /* something worth a debug line, or "" */
	char **warnings;            /* for the caller to print (unknown capabilities ...) */
	const char *cmd;            /* the process's args[0], borrowed from the spec */
	char **notes;               /* for the caller to print at debug level */
};

int launch_container(const struct launch_opts *opts, struct launch_result *res,
		     struct husk_error *err);

/*
 * After the container was released (or for exec_fifo_fd < 0), wait until its
 * final execve succeeded (0) or failed (negative errno, err says which path):
 * for the container, that of husk-init; for `husk exec`, that of the
 * command itself, through husk-init's --exec-fd.
 * Closes res->sync_fd.  Safe to skip: closing sync_fd is enough.
 */
int launch_wait_exec(struct launch_result *res, struct husk_error *err);

/* Close res->sync_fd without waiting (create hands the process over), and
 * free res->warnings and res->notes. */
void launch_result_release(struct launch_result *res);

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
 * its command: launch_wait_exec() then says whether that worked; when it did
 * not, the process exits 127 (not found) or 126 (cannot be executed).  On
 * failure nothing is left running.  spec is the container's config.json
 * (its seccomp filter applies); spec->process is what to run.
 */
struct launch_exec_opts {
	const struct husk_spec *spec;
	const char *id;
	const char *bundle;         /* for a seccomp agent's state message */
	pid_t init_pid;             /* the container's init, in our pid namespace */
	int init_pidfd;
	int preserve_fds;           /* fds 3 .. 3+n-1 are passed to the process */
};

int launch_exec(const struct launch_exec_opts *opts, struct launch_result *res,
		struct husk_error *err);

#endif
