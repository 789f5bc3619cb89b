/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * husk kill [--all] ID [SIGNAL]: signal the container's init (SIGTERM by
 * default) through container_kill().
 */
#define _GNU_SOURCE
#include <signal.h>

#include "cli.h"
#include "husk/util.h"

static const char kill_synopsis[] = "ID [SIGNAL]";
static const char kill_description[] =
	"Send SIGNAL (a name such as TERM or SIGKILL, or a number; default TERM) to the\n"
	"init process of container ID.  With --all, every process of the container's\n"
	"pid namespace is signalled (only the init when it has no pid namespace of its own).";

int cmd_kill(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	bool all = false;
	const struct opt_def defs[] = {
		OPT_B("all", "a", &all, "signal every process in the container"),
	};
	struct container_globals cg = cli_globals(g);
	struct opt_result args;
	int sig = SIGTERM;
	int r;

	r = cli_verb_parse(&(struct cli_verb){ "kill", kill_synopsis, kill_description, defs,
					       ARRAY_SIZE(defs), 1, 2 },
			   argc, argv, &args, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	if (args.n_args == 2)
		r = parse_signal(args.args[1], &sig, err);
	if (r == 0)
		r = container_kill(&cg, args.args[0], sig, all, err);
	opt_result_free(&args);
	return r < 0 ? r : 0;
}
