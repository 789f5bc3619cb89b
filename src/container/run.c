/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run: create and start in one go, through the same exec fifo as
 * create/start so there is one code path.  In the foreground husk stays
 * the container process's parent: it forwards the usual terminal and
 * job-control signals to it, waits for it, tears the container down
 * (unless keep) and returns the workload's exit status (128+n when a
 * signal killed it, as a shell reports it).
 *
 * Killed itself (SIGKILL) while the container runs, husk leaves the
 * container as runc does: running, reparented, its record intact, so that
 * `state` shows it and `kill` and `delete --force` end it.
 */
#define _GNU_SOURCE
#include <errno.h>

#include "container-internal.h"
#include "husk/log.h"
#include "husk/util.h"

/* Tear the (stopped) container down after a foreground run. */
static int run_cleanup(const struct container_globals *g, const char *id,
		       struct husk_error *err)
{
	struct ctr c;
	int r;

	r = ctr_open(g, id, CTR_LOCK | CTR_ANY_STATE, &c, err);
	if (r < 0)
		return r;
	r = container_teardown(&c.dir, c.st, err);
	ctr_close(&c);
	return r;
}

int container_run(const struct container_globals *g, const char *id,
		  const struct container_run_opts *o, struct husk_error *err)
{
	_cleanup_close_ int sfd = -1;
	struct created c;
	pid_t pid;
	int status = 0;
	int r;

	/*
	 * Block the forwarded signals before the container exists, so none
	 * kills husk halfway.  SIGINT, SIGTERM, SIGHUP and SIGQUIT during
	 * setup stop the setup (husk/interrupt.h) and the container is removed
	 * as on any failure; the others wait in the signalfd and reach the
	 * workload once it runs.  The workload itself starts with an empty
	 * signal mask (husk-init resets it).
	 */
	if (!o->detach) {
		sfd = fg_signals_take(err);
		if (sfd < 0)
			return sfd;
	}
	r = create_container(g, id, &o->create, &c, err);
	if (r < 0)
		return r;
	r = exec_fifo_release(&c.dir, err);
	if (r == -ESRCH) {
		/* It died waiting for the start: it may have said why. */
		struct husk_error why = { 0 };

		if (launch_wait_exec(c.launch, &why) < 0)
			*err = why;
	} else if (r == 0) {
		r = launch_wait_exec(c.launch, err);
	}
	if (r < 0) {
		created_destroy(&c);
		return r;
	}
	pid = (pid_t)c.st->pid;
	created_close(&c);      /* unlocks: kill/state work while it runs */
	if (o->detach)
		return 0;
	r = fg_forward_until_exit(sfd, pid, &status, err);
	if (r < 0)
		return r;
	/* Nobody to forward to any more: a signal may end husk again, also
	 * while it waits for the container's lock to delete it. */
	fg_signals_release(&sfd);
	/* The workload's status is what the caller waits for: a failed cleanup
	 * is worth a warning, not the loss of that status. */
	if (!o->keep && run_cleanup(g, id, err) < 0 && err->errnum != ENOENT)
		log_warn("%s", err->msg);
	return fg_exit_code(status);
}
