/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * husk run [create's flags] [--detach] [--keep] ID: create and start in
 * one go, through the same exec fifo as create/start so there is one code
 * path.  In the foreground husk stays the container process's parent: it
 * forwards the usual terminal and job-control signals to it, waits for it,
 * deletes the container (unless --keep) and exits with the workload's exit
 * status (128+n when a signal killed it, as a shell reports it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "husk/log.h"
#include "husk/util.h"

static const char run_synopsis[] = "ID";
static const char run_description[] =
	"Create container ID from the bundle and start it.  In the foreground husk\n"
	"forwards signals to it, waits for it to exit, deletes it (unless --keep) and\n"
	"exits with its exit status; with --detach husk exits once it started.";

struct run_opts {
	struct create_opts create;
	bool detach;
	bool keep;
};

/* Delete the (stopped) container after a foreground run. */
static int run_cleanup(const struct global_opts *g, const char *id, struct husk_error *err)
{
	struct cli_container c;
	int r;

	r = cli_container_open(g, id, CLI_LOCK | CLI_ANY_STATE, &c, err);
	if (r < 0)
		return r;
	r = container_dir_remove(&c.dir, err);
	cli_container_close(&c);
	return r;
}

static int run_container(const struct global_opts *g, const struct run_opts *o, const char *id,
			 struct husk_error *err)
{
	_cleanup_close_ int sfd = -1;
	struct created c;
	pid_t pid;
	int status = 0;
	int r;

	/*
	 * Block the forwarded signals before the container exists, so none
	 * kills husk halfway.  SIGINT, SIGTERM, SIGHUP and SIGQUIT during
	 * setup stop the setup (husk/interrupt.h: create_container() and
	 * launch_wait_exec() wait interruptibly) and the container is removed
	 * as on any failure; the others wait in the signalfd and reach the
	 * workload once it runs.  The workload itself starts with an empty
	 * signal mask (husk-init resets it).
	 */
	if (!o->detach) {
		sfd = cli_signals_take(err);
		if (sfd < 0)
			return sfd;
	}
	r = create_container(g, &o->create, id, &c, err);
	if (r < 0)
		return r;
	r = exec_fifo_release(&c.dir, err);
	if (r == 0)
		r = launch_wait_exec(&c.res, err);
	if (r < 0) {
		created_destroy(&c);
		return r;
	}
	pid = c.res.pid;
	created_close(&c);      /* unlocks: kill/state work while it runs */
	if (o->detach)
		return 0;
	r = cli_forward_until_exit(sfd, pid, &status, err);
	if (r < 0)
		return r;
	/* Nobody to forward to any more: a signal may end husk again, also
	 * while it waits for the container's lock to delete it. */
	cli_signals_release(&sfd);
	/* The workload's status is what the caller waits for: a failed cleanup
	 * is worth a warning, not the loss of that status. */
	if (!o->keep && run_cleanup(g, id, err) < 0 && err->errnum != ENOENT)
		log_warn("%s", err->msg);
	return cli_exit_code(status);
}

int cmd_run(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	struct run_opts o = { 0 };
	const struct opt_def defs[] = {
		CREATE_OPT_DEFS(&o.create),
		OPT_B("detach", "d", &o.detach, "exit once the container started"),
		OPT_B("keep", NULL, &o.keep, "keep the stopped container's state after it exits"),
	};
	struct opt_result args;
	int r;

	r = cli_verb_parse(&(struct cli_verb){ "run", run_synopsis, run_description, defs,
					       ARRAY_SIZE(defs), 1, 1 },
			   argc, argv, &args, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = run_container(g, &o, args.args[0], err);
	opt_result_free(&args);
	return r;
}
