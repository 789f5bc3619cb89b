/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_CLI_OPTIONS_H
#define HUSK_CLI_OPTIONS_H

/*
 * The one option parser of the command line, in runc's (urfave/cli, Go
 * flag package) dialect:
 *
 *   --flag  -flag  --flag=value  -flag=value  --flag value  -flag value
 *   bools: --flag, --flag=true, --flag=false (also 1/0/t/f/TRUE/FALSE)
 *   "--" ends the options; a lone "-" is an argument.
 *
 * Each verb describes its flags in a table pointing into its own options
 * struct and calls opts_parse() once.  Flags may be mixed with arguments
 * (husk delete ID --force) unless OPTS_STOP_AT_ARG is given, which stops
 * at the first argument as urfave/cli does (for the global options before
 * the verb, and for verbs whose arguments are a command line of their own).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "husk/error.h"

enum opt_type { OPT_BOOL, OPT_STRING, OPT_INT, OPT_LIST };

struct opt_def {
	const char *name;           /* long name without dashes: "bundle" */
	const char *alias;          /* another name (usually one letter) or NULL */
	enum opt_type type;
	union {
		bool *b;
		const char **s;
		int *i;                 /* OPT_INT: a non-negative decimal */
		char ***v;              /* OPT_LIST: each use appends a copy (strv_free it) */
	} to;
	const char *metavar;        /* "DIR" in the help; NULL for bools */
	const char *help;
};

/* Table entries, type-checked through the union member they set. */
#define OPT_B(n, a, p, h) { .name = (n), .alias = (a), .type = OPT_BOOL, .to.b = (p), .help = (h) }
#define OPT_S(n, a, p, m, h)                                                              \
	{ .name = (n), .alias = (a), .type = OPT_STRING, .to.s = (p), .metavar = (m), .help = (h) }
#define OPT_I(n, a, p, m, h)                                                              \
	{ .name = (n), .alias = (a), .type = OPT_INT, .to.i = (p), .metavar = (m), .help = (h) }
/* A flag that may be repeated (exec -e A=1 -e B=2): the values in order. */
#define OPT_L(n, a, p, m, h)                                                              \
	{ .name = (n), .alias = (a), .type = OPT_LIST, .to.v = (p), .metavar = (m), .help = (h) }

enum { OPTS_STOP_AT_ARG = 1 << 0 };

struct opt_result {
	char **args;                /* the non-option arguments, pointing into argv */
	size_t n_args;
	bool help;                  /* -h / --help was given (when not in the table) */
};

/*
 * Parse argv[0..argc).  Returns 0, or -EINVAL with err naming the flag
 * ("unknown flag --bundel", "flag --pid-file needs a value").  res->args is
 * allocated (free it with opt_result_free()); its strings belong to argv.
 */
int opts_parse(const struct opt_def *defs, size_t n_defs, int argc, char **argv,
	       unsigned flags, struct opt_result *res, struct husk_error *err);
void opt_result_free(struct opt_result *res);

/* Check the argument count for `verb`: "\"kill\" needs 1 to 2 arguments (ID [SIGNAL])". */
int opts_expect_args(const struct opt_result *res, size_t min, size_t max, const char *verb,
		     const char *synopsis, struct husk_error *err);

/* The "Options:" block of a help text, one flag per line. */
void opts_print_help(FILE *f, const struct opt_def *defs, size_t n_defs);

/* strconv.ParseBool's spellings; -EINVAL for anything else. */
int opts_parse_bool(const char *s, bool *out);

#endif
