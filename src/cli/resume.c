/* SPDX-License-Identifier: GPL-2.0-or-later */
/* husk resume ID: thaw a paused container (container_resume()). */
#define _GNU_SOURCE
#include "cli.h"
#include "husk/util.h"

static const char resume_synopsis[] = "ID";
static const char resume_description[] =
	"Resume every process of container ID, which `husk pause` suspended.";

int cmd_resume(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	struct container_globals cg = cli_globals(g);
	struct opt_result args;
	int r;

	r = cli_verb_parse(&(struct cli_verb){ "resume", resume_synopsis, resume_description,
					       NULL, 0, 1, 1 },
			   argc, argv, &args, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = container_resume(&cg, args.args[0], err);
	opt_result_free(&args);
	return r < 0 ? r : 0;
}
