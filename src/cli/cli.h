/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_CLI_H
#define HUSK_CLI_H

/*
 * What the verbs of the command line share.
 *
 * A verb is `int cmd_<verb>(const struct global_opts *g, int argc, char **argv,
 * struct husk_error *err)`: argv holds the words after the verb.  It returns
 * the exit code (>= 0), or a negative errno with err filled, which main
 * reports once and turns into exit code 1.
 */

#include <stdbool.h>
#include <sys/types.h>

#include "husk/error.h"
#include "husk/launch.h"
#include "husk/spec.h"
#include "husk/state.h"
#include "options.h"

#define HUSK_VERSION "0.1.0"

/* The options before the verb (parsed in main.c). */
struct global_opts {
	const char *root;           /* --root; NULL: state_root_default() */
	const char *log;            /* --log FILE */
	const char *log_format;     /* "text" | "json" */
	const char *rootless;       /* "true" | "false" | "auto" (stored for cgroups) */
	bool debug;
	bool systemd_cgroup;
};

typedef int (*verb_fn)(const struct global_opts *g, int argc, char **argv,
		       struct husk_error *err);

int cmd_create(const struct global_opts *g, int argc, char **argv, struct husk_error *err);
int cmd_start(const struct global_opts *g, int argc, char **argv, struct husk_error *err);
int cmd_run(const struct global_opts *g, int argc, char **argv, struct husk_error *err);
int cmd_state(const struct global_opts *g, int argc, char **argv, struct husk_error *err);
int cmd_kill(const struct global_opts *g, int argc, char **argv, struct husk_error *err);
int cmd_delete(const struct global_opts *g, int argc, char **argv, struct husk_error *err);
int cmd_list(const struct global_opts *g, int argc, char **argv, struct husk_error *err);
int cmd_spec(const struct global_opts *g, int argc, char **argv, struct husk_error *err);
int cmd_audit(const struct global_opts *g, int argc, char **argv, struct husk_error *err);
int cmd_exec(const struct global_opts *g, int argc, char **argv, struct husk_error *err);

/* ---- create.c: the create half shared by `create` and `run` ------------ */

struct create_opts {
	const char *bundle;
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
	bool no_pivot;
	bool no_new_keyring;
	bool no_init;
};

/* create's flags, shared with run's table. */
#define CREATE_OPT_DEFS(o)                                                                \
	OPT_S("bundle", "b", &(o)->bundle, "DIR",                                         \
	      "bundle directory with config.json (default: the current directory)"),      \
	OPT_S("console-socket", NULL, &(o)->console_socket, "PATH",                       \
	      "AF_UNIX socket that receives the console's pty master"),                 \
	OPT_S("pid-file", NULL, &(o)->pid_file, "FILE",                                   \
	      "write the container process id to FILE"),                                  \
	OPT_B("no-pivot", NULL, &(o)->no_pivot, "do not use pivot_root (for a ramdisk rootfs)"), \
	OPT_B("no-new-keyring", NULL, &(o)->no_new_keyring,                               \
	      "keep the caller's session keyring"),                                       \
	OPT_I("preserve-fds", NULL, &(o)->preserve_fds, "N",                              \
	      "pass fds 3 .. 3+N-1 on to the container process"),                         \
	OPT_B("no-init", NULL, &(o)->no_init,                                             \
	      "run the process as the container's pid 1, without husk-init")

/* A container made by create_container(): waiting on its exec fifo. */
struct created {
	struct state_root root;
	struct container_dir dir;   /* still locked */
	struct launch_result res;
	struct husk_state_file *st; /* what was written to state.json */
};

/*
 * Everything `create` does up to a container waiting on its exec fifo with
 * state.json and the --pid-file written.  On failure nothing is left
 * behind (no directory, no process).
 */
int create_container(const struct global_opts *g, const struct create_opts *o, const char *id,
		     struct created *c, struct husk_error *err);
/* Undo a created container: kill and reap its process, remove its directory. */
void created_destroy(struct created *c);
/* Release what create_container() holds, leaving the container as it is. */
void created_close(struct created *c);

/* ---- common.c ------------------------------------------------------------ */

/* Open the state root given by --root or the default.  create: make it if missing. */
int cli_root_open(const struct global_opts *g, bool create, struct state_root *root,
		  struct husk_error *err);

enum {
	CLI_LOCK = 1 << 0,          /* take the container's lock (blocking) */
	CLI_ANY_STATE = 1 << 1,     /* an unreadable state.json reads as stopped (a warning) */
};

/*
 * Open container `id` and read its state.  A missing state.json is status
 * "creating" while create holds the lock; otherwise (a create that died)
 * "stopped" with an empty state carrying only the id.  *status is derived
 * live.  flags: CLI_LOCK, CLI_ANY_STATE.
 */
int cli_container_load(struct state_root *root, const char *id, unsigned flags,
		       struct container_dir *dir, struct husk_state_file **st,
		       enum container_status *status, struct husk_error *err);

/* One container opened by a verb: root, locked (or not) dir, state, live status. */
struct cli_container {
	struct state_root root;
	struct container_dir dir;
	struct husk_state_file *st;
	enum container_status status;
};

/*
 * cli_root_open() + cli_container_load() for `id`; a missing state root
 * reads as "container does not exist" (-ENOENT).
 */
int cli_container_open(const struct global_opts *g, const char *id, unsigned flags,
		       struct cli_container *c, struct husk_error *err);
void cli_container_close(struct cli_container *c);

/*
 * "owner" when state.json has none: the user owning the container's state
 * directory, looked up when shown (state, list) rather than on every
 * create, as runc does.
 */
void cli_state_fill_owner(struct husk_state_file *st, const struct container_dir *dir);

/* The OCI state object (runc's members; pid 0 unless alive) into w. */
struct json_writer;
void cli_state_json(struct json_writer *w, const struct husk_state_file *st,
		    enum container_status status);

/* Write "PID" (no newline, as runc) to path atomically. */
int cli_write_pid_file(const char *path, pid_t pid, struct husk_error *err);

/* A wait status as a shell shows it: the exit status, or 128+n for signal n. */
int cli_exit_code(int status);

/*
 * For a process husk waits for in the foreground (run, exec): block the
 * signals husk forwards (INT TERM HUP QUIT USR1 USR2 WINCH) and SIGCHLD, and
 * return a signalfd for them.  Done before the process exists, so a signal
 * during setup waits and reaches it once it runs.
 */
int cli_signals_take(struct husk_error *err);

/*
 * Print what a launch (launch_container or launch_exec) has to say: its
 * warnings and debug notes, also after a failure; once it succeeded
 * (launched), its note at debug level and `unapplied` (spec_unapplied() or
 * spec_exec_unapplied(), may be NULL) as a warning.
 */
void cli_report_launch(const struct launch_result *res, bool launched, const char *unapplied);

/*
 * The process is gone: close the signalfd and unblock what cli_signals_take()
 * and interrupt_arm() blocked, so that these signals end husk again.
 */
void cli_signals_release(int *sfd);

/* Forward those signals to our child `pid` until it exits; its wait status in *status. */
int cli_forward_until_exit(int sfd, pid_t pid, int *status, struct husk_error *err);

/* Print a verb's help: usage line, description, options. */
void cli_print_verb_help(const char *verb, const char *synopsis, const char *description,
			 const struct opt_def *defs, size_t n_defs);

/* What a verb's option parsing needs to know about it. */
struct cli_verb {
	const char *name;
	const char *synopsis;
	const char *description;
	const struct opt_def *defs;
	size_t n_defs;
	size_t min_args, max_args;
};

/*
 * The start of every verb: parse its options, answer --help, check the
 * number of arguments.  Returns 1 when help was printed (the verb is done),
 * 0 with *args to use (the caller frees it), or a negative errno (nothing
 * to free).
 */
int cli_verb_parse(const struct cli_verb *v, int argc, char **argv, struct opt_result *args,
		   struct husk_error *err);

/* ---- signal.c -------------------------------------------------------------- */

/* "KILL", "SIGKILL", "kill", "9" -> 9; -EINVAL with a message otherwise (1..64). */
int parse_signal(const char *s, int *sig, struct husk_error *err);

/* Point the seccomp filter cache at the user's cache directory. */
void cli_seccomp_cache_setup(void);

#endif
