/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * husk events [--stats] [--interval D] ID: the container's statistics and
 * OOM events as runc prints them, one JSON object a line
 * (container_events() builds each line; here they are printed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "husk/util.h"

static const char events_synopsis[] = "ID";
static const char events_description[] =
	"Print the statistics of container ID (cpu, memory, pids, blkio, hugetlb) as\n"
	"{\"type\":\"stats\",...} every --interval (default 5s), and {\"type\":\"oom\",...}\n"
	"when the kernel OOM-kills one of its processes, until it stops; with --stats,\n"
	"print the statistics once and exit.";

/* A Go duration as runc takes it, in whole milliseconds: "5s", "500ms", "1m30s", "2h". */
static int parse_interval(const char *s, unsigned *ms, struct husk_error *err)
{
	static const struct { const char *unit; double ms; } units[] = {
		{ "ms", 1 }, { "us", 0.001 }, { "ns", 0.000001 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 },
	};
	const char *p = s;
	double total = 0;

	while (*p) {
		char *end;
		double v = strtod(p, &end);
		size_t i;

		if (end == p || *end == '\0' || v < 0)
			goto bad;
		for (i = 0; i < ARRAY_SIZE(units); i++)
			if (strncmp(end, units[i].unit, strlen(units[i].unit)) == 0)
				break;
		if (i == ARRAY_SIZE(units))
			goto bad;
		total += v * units[i].ms;
		p = end + strlen(units[i].unit);
	}
	if (total < 1 || total > 86400000.0)
		goto bad;
	*ms = (unsigned)total;
	return 0;
bad:
	return husk_error_setq(err, EINVAL, "--interval \"%s\": use a duration from 1ms to 24h "
			       "such as 5s, 500ms or 1m", s);
}

static int print_event(void *ctx, const char *json, size_t len, struct husk_error *err)
{
	if (fwrite(json, 1, len, stdout) != len || putchar('\n') == EOF || fflush(stdout) != 0)
		return husk_error_set(err, EIO, "write to stdout");
	return 0;
}

int cmd_events(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	struct container_events_opts o = { 0 };
	const char *interval = NULL;
	const struct opt_def defs[] = {
		OPT_B("stats", NULL, &o.stats_only, "print the statistics once and exit"),
		OPT_S("interval", NULL, &interval, "DURATION",
		      "time between statistics (default 5s)"),
	};
	struct container_globals cg = cli_globals(g);
	struct opt_result args;
	int r;

	r = cli_verb_parse(&(struct cli_verb){ "events", events_synopsis, events_description,
					       defs, ARRAY_SIZE(defs), 1, 1 },
			   argc, argv, &args, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	if (interval)
		r = parse_interval(interval, &o.interval_ms, err);
	if (r == 0)
		r = container_events(&cg, args.args[0], &o, print_event, NULL, err);
	opt_result_free(&args);
	return r < 0 ? r : 0;
}
