/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_CONTAINER_H
#define HUSK_CONTAINER_H

/*
 * The container's life, as a library: every verb of the command line is
 * one call here (src/cli/ parses argv, calls, prints).
 *
 * create runs the parent's stage table (src/container/create.c), each
 * stage with an undo; the state record is written before anything else
 * exists and updated as each resource is acquired, so that one teardown
 * (src/container/teardown.c), driven by the record alone, can remove a
 * container whatever point its creator reached.  The config is pinned at
 * create: exec, update, hooks and delete read the container's own copy,
 * never the bundle again.
 *
 * Functions return 0 (or an exit code, for run and exec) or a negative
 * errno with err filled.  Warnings and notes go to the log (husk/log.h).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "husk/error.h"
#include "husk/spec.h"
#include "husk/state.h"

/* What every verb takes from the global options. */
struct container_globals {
	const char *root;           /* --root; NULL: state_root_default() */
	bool systemd_cgroup;        /* --systemd-cgroup (recorded for the cgroup work) */
};

struct container_create_opts {
	const char *bundle;         /* NULL or "": the current directory */
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
	bool no_pivot;
	bool no_new_keyring;
	bool no_init;
};

/* Create container id: its process waits on the exec fifo for start. */
int container_create(const struct container_globals *g, const char *id,
		     const struct container_create_opts *o, struct husk_error *err);
/* Let a created container run its process. */
int container_start(const struct container_globals *g, const char *id, struct husk_error *err);

struct container_run_opts {
	struct container_create_opts create;
	bool detach;                /* return once it runs */
	bool keep;                  /* keep the stopped container's state */
};

/*
 * create + start; in the foreground forward signals to the container's
 * process, wait for it, tear the container down (unless keep) and return
 * its exit code (128+n for signal n).
 */
int container_run(const struct container_globals *g, const char *id,
		  const struct container_run_opts *o, struct husk_error *err);

/* Send sig to the container's init; all: to every process of the container. */
int container_kill(const struct container_globals *g, const char *id, int sig, bool all,
		   struct husk_error *err);

/*
 * Delete container id: a stopped one, a created one (killed first, as
 * runc does), a running one only with force.  A missing container is an
 * error, except with force.
 */
int container_delete(const struct container_globals *g, const char *id, bool force,
		     struct husk_error *err);

/* `husk exec`: the process is --process FILE, or the container's own with the flags on top. */
struct container_exec_opts {
	const char *process;        /* --process FILE */
	const char *cwd;
	char **env;                 /* KEY=VALUE, set on top of the container's env */
	const char *user;           /* UID[:GID] */
	char **gids;                /* additional gids, decimal */
	char **caps;                /* capabilities to add */
	bool no_new_privs;
	bool detach;
	bool tty;
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
	const char *cgroup;         /* --cgroup: a sub-cgroup of the container's to run in */
	char **cmd;                 /* the command and its args (not with process) */
};

/* Run a process in container id; returns its exit code (or 0 when detached). */
int container_exec(const struct container_globals *g, const char *id,
		   const struct container_exec_opts *o, struct husk_error *err);

/* A container as `state` and `list` show it. */
struct container_view {
	struct husk_state_file *st; /* owner filled in */
	enum container_status status; /* live */
};

int container_state(const struct container_globals *g, const char *id,
		    struct container_view *out, struct husk_error *err);
/* Every container of the root (one that cannot be read: a warning, skipped). */
int container_list(const struct container_globals *g, struct container_view **out, size_t *n,
		   struct husk_error *err);
void container_view_free(struct container_view *v);
void container_views_free(struct container_view *v, size_t n);

/* The OCI state object of a container (runc's members; pid 0 unless alive). */
struct json_writer;
void container_state_json(struct json_writer *w, const struct container_view *v);

/* ---- the verbs that use the container's cgroup (src/container/cgroup-verbs.c) -- */

/*
 * Freeze (pause) a running or created container's processes, and thaw
 * (resume) a paused one: the v2 cgroup.freeze or the v1 freezer.  A
 * container without a cgroup (rootless without a delegated one) cannot be
 * paused, and the error says so.  `state` shows "paused" while frozen.
 */
int container_pause(const struct container_globals *g, const char *id, struct husk_error *err);
int container_resume(const struct container_globals *g, const char *id, struct husk_error *err);

/*
 * `husk update`: the flags as given (strings, so the library parses and
 * names each one in its errors), or --resources FILE ("-": standard input)
 * with a linux.resources object, which cannot be combined with them.
 */
struct container_update_opts {
	const char *resources;
	const char *memory, *memory_reservation, *memory_swap, *kernel_memory;
	const char *cpu_shares, *cpu_quota, *cpu_period, *cpu_rt_runtime, *cpu_rt_period;
	const char *cpuset_cpus, *cpuset_mems;
	const char *pids_limit, *blkio_weight;
};

/*
 * The update as the text of a linux.resources JSON object: the file's
 * text, or one built from the flags (memory values take runc's suffixes:
 * "512m", "1.5g", "64k"; -1 is unlimited).  Malloc'ed in *json.
 */
int container_update_json(const struct container_update_opts *o, char **json, size_t *len,
			   struct husk_error *err);
/*
 * Apply the update to a created, running or paused container's cgroup
 * (only the fields it sets), then re-pin its config so that
 * .linux.resources says what is now in force.
 */
int container_update(const struct container_globals *g, const char *id,
		     const struct container_update_opts *o, struct husk_error *err);

/* The host pids of every process of the container, sorted (malloc'ed). */
int container_ps(const struct container_globals *g, const char *id, pid_t **pids, size_t *n,
		 struct husk_error *err);
/*
 * `husk ps` as a table: `ps ARGS` (default "-ef") run on the host, its
 * header and the lines whose PID column is one of pids, as runc prints it;
 * where ps cannot be run, a PID/CMD table from /proc.  Malloc'ed in *out.
 */
int container_ps_table(const pid_t *pids, size_t n, char *const *ps_args, char **out,
		       struct husk_error *err);

/*
 * `husk events`.  Each event is handed to `emit` as one line of JSON in
 * runc's shape ({"type":"stats","id":ID,"data":{...}} or
 * {"type":"oom","id":ID}); a negative return from emit stops the loop.
 * stats_only: one stats event, then return.  Otherwise a stats event every
 * interval_ms and an oom event whenever the OOM kill count rises, until
 * the container stops.
 */
struct container_events_opts {
	bool stats_only;
	unsigned interval_ms;       /* 0: 5000 */
};
typedef int (*container_event_fn)(void *ctx, const char *json, size_t len,
				  struct husk_error *err);
int container_events(const struct container_globals *g, const char *id,
		     const struct container_events_opts *o, container_event_fn emit, void *ctx,
		     struct husk_error *err);

#endif
