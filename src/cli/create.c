/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * husk create [OPTIONS] ID: build the container and leave its process
 * waiting on the exec fifo until `husk start` (container_create()).
 */
#define _GNU_SOURCE
#include "cli.h"
#include "husk/util.h"

static const char create_synopsis[] = "ID";
static const char create_description[] =
	"Create container ID from the bundle: its process is set up and waits until\n"
	"\"husk start ID\" runs the process of config.json.";

int cmd_create(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	struct container_create_opts o = { 0 };
	const struct opt_def defs[] = { CREATE_OPT_DEFS(&o) };
	struct container_globals cg = cli_globals(g);
	struct opt_result args;
	int r;

	r = cli_verb_parse(&(struct cli_verb){ "create", create_synopsis, create_description, defs,
					       ARRAY_SIZE(defs), 1, 1 },
			   argc, argv, &args, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = container_create(&cg, args.args[0], &o, err);
	opt_result_free(&args);
	return r;
}
