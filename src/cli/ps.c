/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * husk ps [--format table|json] ID [PS-ARGS...]: the processes of a
 * container, from its cgroup (container_ps()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "husk/json.h"
#include "husk/util.h"

static const char ps_synopsis[] = "ID [PS-ARGS...]";
static const char ps_description[] =
	"List the processes of container ID (every process in its cgroup): as a JSON\n"
	"array of host pids with --format json, or as the host's `ps PS-ARGS` (default\n"
	"-ef) cut down to them.";

int cmd_ps(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	const char *format = NULL;
	const struct opt_def defs[] = {
		OPT_S("format", "f", &format, "FORMAT", "table (default) or json"),
	};
	struct container_globals cg = cli_globals(g);
	_cleanup_free_ pid_t *pids = NULL;
	_cleanup_free_ char *table = NULL;
	struct opt_result args;
	char **ps_args = NULL;
	bool json;
	size_t n = 0;
	int r;

	/* Stop at the id: what follows is ps's, flags and all. */
	r = opts_parse(defs, ARRAY_SIZE(defs), argc, argv, OPTS_STOP_AT_ARG, &args, err);
	if (r < 0)
		return r;
	if (args.help) {
		cli_print_verb_help("ps", ps_synopsis, ps_description, defs, ARRAY_SIZE(defs));
		opt_result_free(&args);
		return 0;
	}
	json = format && strcmp(format, "json") == 0;
	if (args.n_args > 0) {
		ps_args = args.args + 1;        /* "ID -- -o pid": the "--" is ours */
		if (ps_args[0] && strcmp(ps_args[0], "--") == 0)
			ps_args++;
	}
	if (format && !json && strcmp(format, "table") != 0)
		r = husk_error_setq(err, EINVAL, "--format \"%s\": use table or json", format);
	else if (args.n_args == 0)
		r = husk_error_setq(err, EINVAL, "\"ps\" needs a container id (usage: husk ps %s)",
				    ps_synopsis);
	else if (json && ps_args[0])
		r = husk_error_setq(err, EINVAL, "ps arguments (%s) do not go with --format json",
				    ps_args[0]);
	if (r == 0)
		r = container_ps(&cg, args.args[0], &pids, &n, err);
	if (r == 0 && json) {
		_cleanup_json_writer_ struct json_writer *w = json_writer_new(false);

		json_open_array(w);
		for (size_t i = 0; i < n; i++)
			json_int(w, pids[i]);
		json_close_array(w);
		r = cli_print_json(w, true, err);
	} else if (r == 0) {
		r = container_ps_table(pids, n, ps_args, &table, err);
		if (r == 0 && (fputs(table, stdout) == EOF || fflush(stdout) != 0))
			r = husk_error_set(err, EIO, "write to stdout");
	}
	opt_result_free(&args);
	return r < 0 ? r : 0;
}
