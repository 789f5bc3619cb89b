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

#include "husk/container.h"
#include "husk/error.h"
#include "options.h"

#define HUSK_VERSION "0.1.0"

/* The options before the verb (parsed in main.c). */
struct global_opts {
	const char *root;           /* --root; NULL: state_root_default() */
	const char *log;            /* --log FILE */
	const char *log_format;     /* "text" | "json" */
	const char *rootless;       /* "true" | "false" | "auto": host_set_rootless() */
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
int cmd_pause(const struct global_opts *g, int argc, char **argv, struct husk_error *err);
int cmd_resume(const struct global_opts *g, int argc, char **argv, struct husk_error *err);
int cmd_update(const struct global_opts *g, int argc, char **argv, struct husk_error *err);
int cmd_events(const struct global_opts *g, int argc, char **argv, struct husk_error *err);
int cmd_ps(const struct global_opts *g, int argc, char **argv, struct husk_error *err);

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

/* ---- common.c ------------------------------------------------------------ */

/* What the container library takes from the global options. */
struct container_globals cli_globals(const struct global_opts *g);

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

/* Write the JSON text of w (finished here) to stdout, with a newline when nl. */
struct json_writer;
int cli_print_json(struct json_writer *w, bool nl, struct husk_error *err);

/* ---- signal.c -------------------------------------------------------------- */

/* "KILL", "SIGKILL", "kill", "9" -> 9; -EINVAL with a message otherwise (1..64). */
int parse_signal(const char *s, int *sig, struct husk_error *err);


#endif
