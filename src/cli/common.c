/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the verbs share: the globals for the library, verb help and parsing, JSON output. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>

#include "cli.h"
#include "husk/json.h"
#include "husk/util.h"
#include "options.h"

struct container_globals cli_globals(const struct global_opts *g)
{
	return (struct container_globals){ .root = g->root, .systemd_cgroup = g->systemd_cgroup };
}

void cli_print_verb_help(const char *verb, const char *synopsis, const char *description,
			 const struct opt_def *defs, size_t n_defs)
{
	printf("Usage: husk %s [OPTIONS] %s\n\n%s\n\n", verb, synopsis, description);
	opts_print_help(stdout, defs, n_defs);
	printf("\nSee husk-%s(8).\n", verb);
}

int cli_verb_parse(const struct cli_verb *v, int argc, char **argv, struct opt_result *args,
		   struct husk_error *err)
{
	int r = opts_parse(v->defs, v->n_defs, argc, argv, 0, args, err);

	if (r < 0)
		return r;
	if (args->help) {
		cli_print_verb_help(v->name, v->synopsis, v->description, v->defs, v->n_defs);
		opt_result_free(args);
		return 1;
	}
	r = opts_expect_args(args, v->min_args, v->max_args, v->name,
			     v->synopsis[0] ? v->synopsis : "[OPTIONS]", err);
	if (r < 0)
		opt_result_free(args);
	return r;
}

int cli_print_json(struct json_writer *w, bool nl, struct husk_error *err)
{
	const char *buf;
	size_t len;
	int r = json_writer_finish(w, &buf, &len, err);

	if (r < 0)
		return r;
	if (fwrite(buf, 1, len, stdout) != len || (nl && putchar('\n') == EOF) ||
	    fflush(stdout) != 0)
		return husk_error_set(err, EIO, "write to stdout");
	return 0;
}
