/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one teardown: `delete`, `delete --force`, a failed `create` and
 * `run`'s cleanup all end a container here, from its record alone.
 *
 * Every step first looks whether its resource is still there, so running
 * it again (after a teardown that was itself interrupted) finishes the job:
 *
 *   kill      the recorded process, if it is still the one recorded (pid and
 *             start time, through a pidfd), and every process of its pid
 *             namespace; wait until the init is gone
 *   cgroup    kill what is left in the container's cgroup, remove it
 *             (stop its systemd scope)
 *   poststop  the poststop hooks of the pinned config (issue 13 fills this)
 *   directory remove <root>/<id>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "container-internal.h"
#include "husk/cgroup.h"
#include "husk/util.h"

#define TEARDOWN_KILL_TIMEOUT_MS 5000

/*
 * Every process of the container's cgroup first: a paused container's are
 * frozen and die only once thawed (cgroup_signal_all() thaws for SIGKILL),
 * and one without a pid namespace of its own leaves children the init's
 * death does not take along.  An empty cgroup (the usual delete of a
 * stopped container) costs one read.
 */
static int teardown_kill_cgroup(const struct husk_state_file *st, struct cgroup *cg,
				struct husk_error *err)
{
	int r = 0;

	if (cgroup_exists(cg) && cgroup_populated(cg))
		r = cgroup_signal_all(cg, SIGKILL, err);
	if (r < 0)
		return husk_error_prefix(err, "container \"%s\": kill the processes of its cgroup",
					 st->id);
	return 0;
}

static int teardown_kill(const struct husk_state_file *st, struct cgroup *cg,
			 struct husk_error *err)
{
	_cleanup_close_ int pidfd = -1;
	int r;

	r = teardown_kill_cgroup(st, cg, err);
	if (r < 0)
		return r;
	if (st->pid <= 0)
		return 0;
	pidfd = container_pidfd(st, err);
	if (pidfd == -ESRCH) {
		husk_error_clear(err);
		r = 0;          /* gone already */
	} else if (pidfd < 0) {
		return pidfd;
	} else {
		r = container_signal(st, SIGKILL, true, err);
		if (r == -ESRCH) {
			husk_error_clear(err);
			r = 0;
		} else if (r == 0) {
			r = pidfd_wait_exit(pidfd, TEARDOWN_KILL_TIMEOUT_MS, err);
		}
		if (r < 0)
			return husk_error_prefix(err, "container \"%s\" was sent SIGKILL but",
						 st->id);
	}
	/* Our own child (a create or run that fails): reap it.  For anybody
	 * else's process this is a harmless ECHILD. */
	while (waitpid((pid_t)st->pid, NULL, WNOHANG) < 0 && errno == EINTR)
		;
	return 0;
}

/*
 * The cgroup the record names: whatever is still in it is killed (a
 * container without its own pid namespace leaves its processes there),
 * then it is removed; a systemd scope is stopped.
 */
static int teardown_cgroup(const struct husk_state_file *st, struct cgroup *cg,
			   struct husk_error *err)
{
	int r = cg ? cgroup_destroy(cg, err) : 0;

	if (r < 0)
		return husk_error_prefix(err, "container \"%s\"", st->id);
	return 0;
}

/* Issue 13: run the pinned config's poststop hooks, errors as warnings. */
static int teardown_poststop(const struct husk_state_file *st, struct husk_error *err)
{
	return 0;
}

int container_teardown(struct container_dir *dir, const struct husk_state_file *st,
		       struct husk_error *err)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	int r = 0;

	/* The cgroup the record names, opened once for the kill and the removal. */
	if (st->n_cgroup_dirs > 0 || st->systemd_unit) {
		r = cgroup_open(st->cgroup_dirs, st->n_cgroup_dirs, st->systemd_unit, &cg, err);
		if (r < 0)
			husk_error_prefix(err, "container \"%s\"", st->id);
	}
	if (r == 0)
		r = teardown_kill(st, cg, err);
	if (r == 0)
		r = teardown_cgroup(st, cg, err);
	if (r == 0)
		r = teardown_poststop(st, err);
	if (r < 0) {
		container_dir_close(dir);
		return r;
	}
	return container_dir_remove(dir, err);
}
