/* SPDX-License-Identifier: GPL-2.0-or-later */
/* husk run [create's flags] [--detach] [--keep] ID: create and start (container_run()). */
#define _GNU_SOURCE
#include "cli.h"
#include "husk/util.h"

static const char run_synopsis[] = "ID";
static const char run_description[] =
	"Create container ID from the bundle and start it.  In the foreground husk\n"
	"forwards signals to it, waits for it to exit, deletes it (unless --keep) and\n"
	"exits with its exit status; with --detach husk exits once it started.";

int cmd_run(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	struct container_run_opts o = { 0 };
	const struct opt_def defs[] = {
		CREATE_OPT_DEFS(&o.create),
		OPT_B("detach", "d", &o.detach, "exit once the container started"),
		OPT_B("keep", NULL, &o.keep, "keep the stopped container's state after it exits"),
	};
	struct container_globals cg = cli_globals(g);
	struct opt_result args;
	int r;

	r = cli_verb_parse(&(struct cli_verb){ "run", run_synopsis, run_description, defs,
					       ARRAY_SIZE(defs), 1, 1 },
			   argc, argv, &args, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = container_run(&cg, args.args[0], &o, err);
	opt_result_free(&args);
	return r;
}
