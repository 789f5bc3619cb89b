/* SPDX-License-Identifier: GPL-2.0-or-later */
/* husk state ID: print the OCI state of a container as JSON. */
#define _GNU_SOURCE
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
	struct container_globals cg = cli_globals(g);
	struct container_view v;
	struct opt_result args;
	int r;

	r = cli_verb_parse(&(struct cli_verb){ "state", state_synopsis, state_description, NULL,
					       0, 1, 1 },
			   argc, argv, &args, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = container_state(&cg, args.args[0], &v, err);
	opt_result_free(&args);
	if (r < 0)
		return r;
	w = json_writer_new(true);
	container_state_json(w, &v);
	container_view_free(&v);
	return cli_print_json(w, false, err);
}
