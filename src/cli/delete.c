/* SPDX-License-Identifier: GPL-2.0-or-later */
/* husk delete [--force] ID: remove a container (container_delete()). */
#define _GNU_SOURCE
#include "cli.h"
#include "husk/util.h"

static const char delete_synopsis[] = "ID";
static const char delete_description[] =
	"Delete container ID: its state directory goes.  A created container is killed\n"
	"first; a running one only with --force (SIGKILL, then wait for it to exit).";

int cmd_delete(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	bool force = false;
	const struct opt_def defs[] = {
		OPT_B("force", "f", &force, "kill a running container (SIGKILL) and delete it"),
	};
	struct container_globals cg = cli_globals(g);
	struct opt_result args;
	int r;

	r = cli_verb_parse(&(struct cli_verb){ "delete", delete_synopsis, delete_description, defs,
					       ARRAY_SIZE(defs), 1, 1 },
			   argc, argv, &args, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = container_delete(&cg, args.args[0], force, err);
	opt_result_free(&args);
	return r < 0 ? r : 0;
}
