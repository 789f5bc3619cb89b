/* SPDX-License-Identifier: GPL-2.0-or-later */
/* husk start ID: let a created container run its process. */
#define _GNU_SOURCE
#include <errno.h>

#include "cli.h"
#include "husk/util.h"

static const char start_synopsis[] = "ID";
static const char start_description[] =
	"Start the process of created container ID (made by \"husk create\").";

int cmd_start(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	struct cli_container c;
	struct opt_result args;
	int r;

	r = cli_verb_parse(&(struct cli_verb){ "start", start_synopsis, start_description, NULL,
					       0, 1, 1 },
			   argc, argv, &args, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = cli_container_open(g, args.args[0], CLI_LOCK, &c, err);
	if (r == 0) {
		if (c.status == STATUS_CREATED)
			r = exec_fifo_release(&c.dir, err);
		else
			r = husk_error_setq(err, EINVAL, "cannot start container \"%s\": it is %s",
					    args.args[0], container_status_name(c.status));
		cli_container_close(&c);
	}
	opt_result_free(&args);
	return r < 0 ? r : 0;
}
