/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_LAUNCH_INTERNAL_H
#define HUSK_LAUNCH_INTERNAL_H

/*
 * Shared between the files of src/launch/ only.
 *
 * The container process runs the stages below in order (launch.c holds the
 * table).  Each stage returns 0 or a negative errno with err filled; the
 * stage name is prefixed by the caller.
 */

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "husk/error.h"
#include "husk/launch.h"
#include "husk/spec.h"

/* What the container process knows about the container being built. */
struct security_plan;

struct child_ctx {
	const struct launch_opts *opts;
	const struct security_plan *security; /* compiled by the parent */
	const struct husk_spec *spec;
	bool unprivileged;          /* host_unprivileged(): euid != 0 (not host_rootless()) */
	bool in_userns;             /* husk itself runs in a non-initial user namespace
				     * (rootless podman, unshare -r): no mknod there */
	bool new_userns;            /* we created (or joined) a user namespace */
	bool new_pidns;
	bool new_netns;
	bool new_mntns;
	bool new_ipcns;
	bool new_utsns;
	bool new_cgroupns;
	bool joins_host_ns[NS_TYPE_COUNT]; /* a path in .linux.namespaces names husk's own */
	uid_t host_uid;             /* the caller's uid and gid, outside */
	gid_t host_gid;
	int sync_fd;                /* the child's end of the sync socket */
	int fifo_fd;                /* exec fifo read end, or -1 */
	char *exec_path;            /* the resolved executable (child only) */
	int init_fd;                /* sealed memfd holding husk-init, or -1 */
	int cwd_fd;                 /* .process.cwd, O_PATH, until the chdir; or -1 */
	int root_fd;                /* the new root, from the mounts to the pivot; or -1 */
	char *cgroup_self;          /* /proc/self/cgroup read before the cgroup namespace,
				     * for a v1 cgroup mount (mounts-special.c); or NULL */
	bool seccomp_loaded;        /* loaded early (no no_new_privs) */
	char note[256];             /* sent with READY: worth a debug line */
};

/* What the parent decided before the clone (launch.c). */
struct launch_plan {
	uint64_t new_flags;         /* CLONE_NEW* to create */
	int join_fd[NS_TYPE_COUNT]; /* namespaces to join by path, or -1 */
};

/* Some mount of the spec is cgroupfs (cgroup or cgroup2). */
bool spec_mounts_cgroupfs(const struct husk_spec *spec);

/* The container process: runs the stages of child.c, then execs. */
void child_main(struct child_ctx *ctx, struct launch_plan *plan) __attribute__((noreturn));

/* ---- launch.c helpers shared with exec.c --------------------------------- */

struct sync_msg;
/* Move *fd to a CLOEXEC copy at or above min (out of --preserve-fds' range). */
int launch_fd_move_above(int *fd, int min);
/*
 * Block every signal (the kernel keeps SIGKILL and SIGSTOP deliverable) and
 * return the previous mask in *old; launch_signals_restore() puts it back.
 * Around a clone, so that the new process is born with all signals blocked
 * (see clone_child()).
 */
void launch_signals_block_all(uint64_t *old);
void launch_signals_restore(uint64_t old);
void launch_kill_and_reap(pid_t pid);
/*
 * Wait on *sync_fd for the outcome of the final execve (EOF: it went
 * through; EXEC_FAILED or husk-init's errno: it failed) and close it.
 */
int launch_sync_wait_exec(int *sync_fd, const char *cmd, const char *what,
			  struct husk_error *err);
/* Reap `pid`, which went silent, and say how it ended ("<who> exited ..."). */
int launch_child_vanished(pid_t pid, const char *who, struct husk_error *err);

/* CLONE_NEW* flag of a namespace type. */
int launch_ns_clone_flag(enum husk_ns_type type);

/* ---- process.c: the process's own attributes, in the child -------------- */

int process_set_rlimits(const struct husk_process *p, struct husk_error *err);
int process_set_oom_score_adj(const struct husk_process *p, struct husk_error *err);
int process_set_user(const struct child_ctx *ctx, struct husk_error *err);
int process_open_cwd(const struct husk_process *p, int *fd_out, struct husk_error *err);
int process_chdir(const struct husk_process *p, int *cwd_fd, struct husk_error *err);
/* PATH lookup of args[0] with process.env's PATH; *out is the path to exec. */
int process_find_executable(const struct husk_process *p, char **out, struct husk_error *err);
int process_sysctl(const struct child_ctx *ctx, struct husk_error *err);

/* ---- sched.c: scheduling attributes, in the child ------------------------- */

int process_set_scheduler(const struct husk_process *p, struct husk_error *err);
int process_set_io_priority(const struct husk_process *p, struct husk_error *err);
int process_set_cpu_affinity(const struct husk_process *p, bool final, struct husk_error *err);
int process_set_personality(const struct husk_spec *spec, struct husk_error *err);
/* "0-3,7" -> set; -EINVAL when malformed. */
int cpu_list_parse(const char *list, cpu_set_t *set);

/* ---- rootfs.c / mounts.c / devices.c ---------------------------------- */

/*
 * Everything between "we are root in our namespaces" and the pivot:
 * propagation of "/", the rootfs bind (its fd in ctx->root_fd), every spec
 * mount in order, /dev and its devices, linux.devices.
 */
int rootfs_mount(struct child_ctx *ctx, struct husk_error *err);
/*
 * Into the new root: pivot_root (or MS_MOVE+chroot with --no-pivot), and
 * ctx->root_fd is closed.  On return the cwd is the new "/".
 */
int rootfs_enter(struct child_ctx *ctx, struct husk_error *err);

/*
 * After sysctl and hostname (which may need a writable /proc/sys):
 * readonlyPaths, maskedPaths, rootfsPropagation on "/", and the read-only
 * remount of "/" when root.readonly.
 */
int rootfs_finalize(const struct child_ctx *ctx, struct husk_error *err);

/* ---- seccomp-agent.c: .linux.seccomp.listenerPath (SCMP_ACT_NOTIFY) ------ */

/* What husk tells the agent besides the fd (the spec's container process state). */
struct seccomp_agent_msg {
	const struct husk_spec *spec; /* .linux.seccomp (listenerPath, metadata), annotations */
	const char *id;
	const char *bundle;         /* NULL: sent as "" */
	const char *status;         /* "creating" (create, run) or "running" (exec) */
	pid_t pid;                  /* the process that loaded the filter, in our pid ns */
	pid_t init_pid;             /* the container's init: state.pid */
};

/* Before anything runs: refuse notify rules the hand-over itself would trip on. */
int seccomp_agent_check(const struct husk_spec *spec, struct husk_error *err);
/*
 * Connect to listenerPath and send the state JSON with notify_fd
 * (SCM_RIGHTS), then close the connection.  notify_fd stays the caller's.
 */
int seccomp_agent_send(const struct seccomp_agent_msg *m, int notify_fd,
		       struct husk_error *err);
/* Parent side of SYNC_SECCOMP_FD: seccomp_agent_send(), then SYNC_SECCOMP_DONE. */
int seccomp_agent_serve(int sync_fd, int notify_fd, const struct seccomp_agent_msg *m,
			struct husk_error *err);
/*
 * Child side, right after the filter was loaded: send notify_fd (closed
 * here, always; -1: nothing to do) to husk and wait until the agent has it.
 */
int seccomp_hand_over(int sync_fd, int notify_fd, struct husk_error *err);

/* ---- idmap.c -------------------------------------------------------------- */

/*
 * Parent side: write uid_map/gid_map (and setgroups) of `pid`, directly when
 * allowed, through newuidmap/newgidmap for multiple ranges when unprivileged
 * (host_unprivileged()).
 */
int idmap_write(pid_t pid, const struct husk_spec *spec, bool unprivileged,
		uid_t host_uid, gid_t host_gid, struct husk_error *err);

#endif
