/* SPDX-License-Identifier: GPL-2.0-or-later */
/* husk start ID: let a created container run its process (container_start()). */
#define _GNU_SOURCE
#include "cli.h"
#include "husk/util.h"

static const char start_synopsis[] = "ID";
static const char start_description[] =
	"Start the process of created container ID (made by \"husk create\").";

int cmd_start(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	struct container_globals cg = cli_globals(g);
	struct opt_result args;
	int r;

	r = cli_verb_parse(&(struct cli_verb){ "start", start_synopsis, start_description, NULL,
					       0, 1, 1 },
			   argc, argv, &args, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = container_start(&cg, args.args[0], err);
	opt_result_free(&args);
	return r < 0 ? r : 0;
}
