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

/*
 * The entry points the cgroup work fills (issue 12): until then -ENOSYS
 * with a message that says what is missing.
 */
int container_pause(const struct container_globals *g, const char *id, struct husk_error *err);
int container_resume(const struct container_globals *g, const char *id, struct husk_error *err);
int container_update(const struct container_globals *g, const char *id,
		     const struct husk_resources *res, struct husk_error *err);
int container_stats(const struct container_globals *g, const char *id, struct husk_error *err);

#endif
