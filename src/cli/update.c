/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * husk update [OPTIONS] ID: change the resource limits of a container with
 * runc's flags (container_update(), which parses and checks the values).
 */
#define _GNU_SOURCE
#include "cli.h"
#include "husk/util.h"

static const char update_synopsis[] = "ID";
static const char update_description[] =
	"Change the resource limits of container ID (created, running or paused): those\n"
	"of --resources FILE (a linux.resources JSON object; - reads standard input), or\n"
	"those given as flags.  Memory sizes take a unit (512m, 1.5g; -1: no limit).\n"
	"The container's pinned config is updated to match.";

/* The flag table, shared with tests/unit/test_cli_update.c. */
#define UPDATE_OPT_DEFS(o)                                                                   \
	OPT_S("resources", "r", &(o)->resources, "FILE",                                     \
	      "a linux.resources JSON object (- for standard input)"),                       \
	OPT_S("memory", "m", &(o)->memory, "SIZE", "memory limit"),                         \
	OPT_S("memory-reservation", NULL, &(o)->memory_reservation, "SIZE",                 \
	      "memory soft limit"),                                                          \
	OPT_S("memory-swap", NULL, &(o)->memory_swap, "SIZE",                               \
	      "memory plus swap limit (-1: unlimited swap)"),                               \
	OPT_S("kernel-memory", NULL, &(o)->kernel_memory, "SIZE",                           \
	      "refused: kernel memory limits are deprecated"),                               \
	OPT_S("cpu-share", "cpu-shares", &(o)->cpu_shares, "N", "CPU shares (relative weight)"), \
	OPT_S("cpu-quota", NULL, &(o)->cpu_quota, "USEC", "CPU time per period (-1: none)"), \
	OPT_S("cpu-period", NULL, &(o)->cpu_period, "USEC", "CFS period"),                  \
	OPT_S("cpu-rt-runtime", NULL, &(o)->cpu_rt_runtime, "USEC",                         \
	      "realtime CPU time per period"),                                               \
	OPT_S("cpu-rt-period", NULL, &(o)->cpu_rt_period, "USEC", "realtime period"),       \
	OPT_S("cpuset-cpus", NULL, &(o)->cpuset_cpus, "LIST", "CPUs to run on (0-3,7)"),    \
	OPT_S("cpuset-mems", NULL, &(o)->cpuset_mems, "LIST", "memory nodes to use"),       \
	OPT_S("pids-limit", NULL, &(o)->pids_limit, "N", "maximum number of processes"),    \
	OPT_S("blkio-weight", NULL, &(o)->blkio_weight, "N", "block IO weight (10-1000)")

int cmd_update(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	struct container_update_opts o = { 0 };
	const struct opt_def defs[] = { UPDATE_OPT_DEFS(&o) };
	struct container_globals cg = cli_globals(g);
	struct opt_result args;
	int r;

	r = cli_verb_parse(&(struct cli_verb){ "update", update_synopsis, update_description,
					       defs, ARRAY_SIZE(defs), 1, 1 },
			   argc, argv, &args, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = container_update(&cg, args.args[0], &o, err);
	opt_result_free(&args);
	return r < 0 ? r : 0;
}
