/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * husk kill [--all] ID [SIGNAL]: signal the container's init (SIGTERM by
 * default).  The signal goes through a pidfd checked against the recorded
 * start time, so a recycled pid is never signalled.
 */
#define _GNU_SOURCE
#include <errno.h>
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
	struct cli_container c;
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
		r = cli_container_open(g, args.args[0], 0, &c, err);
	if (r == 0) {
		if (c.status == STATUS_CREATING)
			r = husk_error_setq(err, EBUSY, "container \"%s\" is still being created",
					    args.args[0]);
		else if (c.status == STATUS_STOPPED)
			r = husk_error_setq(err, ESRCH, "container \"%s\" is not running",
					    args.args[0]);
		else
			r = container_signal(c.st, sig, all, err);
		cli_container_close(&c);
	}
	opt_result_free(&args);
	return r < 0 ? r : 0;
}
