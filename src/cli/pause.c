/* SPDX-License-Identifier: GPL-2.0-or-later */
/* husk pause ID: freeze every process of a container (container_pause()). */
#define _GNU_SOURCE
#include "cli.h"
#include "husk/util.h"

static const char pause_synopsis[] = "ID";
static const char pause_description[] =
	"Suspend every process of container ID, which must be running (or created),\n"
	"through its cgroup's freezer; `husk state` then shows \"paused\" until\n"
	"`husk resume`.  A container without a cgroup (rootless without a delegated\n"
	"cgroup) cannot be paused.";

int cmd_pause(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	struct container_globals cg = cli_globals(g);
	struct opt_result args;
	int r;

	r = cli_verb_parse(&(struct cli_verb){ "pause", pause_synopsis, pause_description, NULL,
					       0, 1, 1 },
			   argc, argv, &args, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = container_pause(&cg, args.args[0], err);
	opt_result_free(&args);
	return r < 0 ? r : 0;
}
