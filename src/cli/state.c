/* SPDX-License-Identifier: GPL-2.0-or-later */
/* husk state ID: print the OCI state of a container as JSON. */
#define _GNU_SOURCE
#include <stdio.h>

#include "cli.h"
#include "husk/json.h"
#include "husk/util.h"

static const char state_synopsis[] = "ID";
static const char state_description[] =
	"Print the OCI state of container ID as JSON; the status is read from the\n"
	"live process (created, running, stopped), pid is 0 once it stopped.";

int cmd_state(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	_cleanup_json_writer_ struct json_writer *w = NULL;
	struct cli_container c;
	struct opt_result args;
	const char *buf;
	size_t len;
	int r;

	r = cli_verb_parse(&(struct cli_verb){ "state", state_synopsis, state_description, NULL,
					       0, 1, 1 },
			   argc, argv, &args, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = cli_container_open(g, args.args[0], 0, &c, err);
	opt_result_free(&args);
	if (r < 0)
		return r;
	w = json_writer_new(true);
	cli_state_fill_owner(c.st, &c.dir);
	cli_state_json(w, c.st, c.status);
	cli_container_close(&c);
	r = json_writer_finish(w, &buf, &len, err);
	if (r < 0)
		return r;
	if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0)
		return husk_error_set(err, EIO, "write to stdout");
	return 0;
}
