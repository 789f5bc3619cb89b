/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_CONTAINER_INTERNAL_H
#define HUSK_CONTAINER_INTERNAL_H

/* Shared between the files of src/container/ only. */

#include <stdbool.h>
#include <sys/types.h>

#include "husk/container.h"
#include "husk/launch.h"

/* ---- open.c: a container opened by a verb -------------------------------- */

struct ctr {
	struct state_root root;
	struct container_dir dir;
	struct husk_state_file *st;
	enum container_status status; /* live */
};

enum {
	CTR_LOCK = 1 << 0,          /* take the container's lock (blocking) */
	CTR_ANY_STATE = 1 << 1,     /* an unreadable state.json reads as stopped (a warning) */
};

/* Open the state root given by --root or the default.  create: make it if missing. */
int ctr_root_open(const struct container_globals *g, bool create, struct state_root *root,
		  struct husk_error *err);
/*
 * Open container `id` of root and read its record; *status is derived
 * live.  A record still "creating" (or none at all) reads as "creating"
 * while its creator holds the lock, and as "stopped" once the creator is
 * gone (teardown then removes whatever the record names).
 */
int ctr_load(struct state_root *root, const char *id, unsigned flags, struct container_dir *dir,
	     struct husk_state_file **st, enum container_status *status, struct husk_error *err);
/* ctr_root_open() + ctr_load(); a missing root reads as "does not exist". */
int ctr_open(const struct container_globals *g, const char *id, unsigned flags, struct ctr *c,
	     struct husk_error *err);
void ctr_close(struct ctr *c);

/* ---- cgroup-verbs.c ------------------------------------------------------------ */

struct cgroup;
/*
 * The container's cgroup from its record (cgroupDirs, systemdUnit).  A
 * record without one (rootless without a delegated cgroup): -ENOTSUP
 * "container X has no cgroup (...): <verb> needs <what>".
 */
int ctr_cgroup(const struct husk_state_file *st, const char *needs, struct cgroup **out,
	       struct husk_error *err);
/* kill --all: through the cgroup where there is one, else the pid namespace. */
int ctr_signal_all(const struct husk_state_file *st, int sig, struct husk_error *err);
/*
 * The live status refined by the freezer: running (or created) while
 * frozen is paused.  Only a record with cgroup dirs is looked at, so
 * `state` and `list` stay cheap for containers without a cgroup.
 */
enum container_status ctr_status_frozen(const struct husk_state_file *st,
					enum container_status status);

/* ---- record.c: the state record and the pinned config --------------------- */

#define PINNED_CONFIG_NAME "config.json"

/* The record of a container about to be created: status "creating", no pid. */
struct husk_state_file *record_new(const struct container_globals *g, const char *id,
				   const char *bundle, const char *rootfs,
				   const struct husk_spec *spec);
/* Keep the config's bytes in the container's directory, their SHA-256 in st. */
int record_pin_config(struct container_dir *dir, const char *text, size_t len,
		      struct husk_state_file *st, struct husk_error *err);
/* The pinned config's text (malloc'ed), checked against its hash. */
int record_config_text(struct container_dir *dir, const struct husk_state_file *st,
		       char **text, size_t *len, struct husk_error *err);
/* The pinned config, checked against its hash and parsed. */
int record_load_config(struct container_dir *dir, const struct husk_state_file *st,
		       struct husk_spec **out, struct husk_error *err);

/* ---- teardown.c ---------------------------------------------------------------- */

/*
 * Remove a container from its record alone, idempotently: kill its
 * processes and wait for them, remove its cgroup (once there are cgroups),
 * run its poststop hooks (once there are hooks), remove its directory
 * (dir must be locked by us; it is closed).  st may be a placeholder with
 * no pid.  What is already gone is skipped.
 */
int container_teardown(struct container_dir *dir, const struct husk_state_file *st,
		       struct husk_error *err);

/* ---- create.c ------------------------------------------------------------------- */

/* A container made by create_container(): waiting on its exec fifo, still locked. */
struct created {
	struct state_root root;
	struct container_dir dir;
	struct husk_state_file *st;
	struct launch *launch;
};

/* The whole create, up to the pid file; on failure nothing is left. */
int create_container(const struct container_globals *g, const char *id,
		     const struct container_create_opts *o, struct created *c,
		     struct husk_error *err);
/* Undo a created container through container_teardown(). */
void created_destroy(struct created *c);
/* Release what create_container() holds, leaving the container as it is. */
void created_close(struct created *c);

/* ---- foreground.c: run and exec in the foreground ------------------------------ */

/*
 * Block the signals husk forwards (INT TERM HUP QUIT USR1 USR2 WINCH) and
 * SIGCHLD, and return a signalfd for them.  Done before the process
 * exists, so a signal during setup waits and reaches it once it runs.
 */
int fg_signals_take(struct husk_error *err);
/* The process is gone: close the signalfd and unblock them again. */
void fg_signals_release(int *sfd);
/* Forward those signals to our child `pid` until it exits; its wait status in *status. */
int fg_forward_until_exit(int sfd, pid_t pid, int *status, struct husk_error *err);
/* A wait status as a shell shows it: the exit status, or 128+n for signal n. */
int fg_exit_code(int status);

/* ---- exec-process.c ------------------------------------------------------------ */

/* The container's process p with the inline flags and o->cmd on top. */
int exec_process_from_flags(struct husk_process *p, const struct container_exec_opts *o,
			    struct husk_error *err);
/* --process FILE, parsed with the checks of config.json's .process. */
int exec_process_from_file(const char *path, struct husk_process **out, struct husk_error *err);

/* ---- misc.c ------------------------------------------------------------------- */

/* Write "PID" (no newline, as runc) to path atomically. */
int pid_file_write(const char *path, pid_t pid, struct husk_error *err);
/*
 * Log what a launch has to say: its warnings and debug notes, also after a
 * failure; once it succeeded, its note at debug level and `unapplied` (may
 * be NULL) as a warning.
 */
void launch_report_log(const struct launch_report *rep, bool launched, const char *unapplied);
/* Point the seccomp filter cache at the user's cache directory. */
void seccomp_cache_setup(void);

#endif
