/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The verbs that act on a container through its cgroup: pause, resume,
 * ps, and the cgroup side of kill --all and of the status.  The cgroup is
 * found from the record alone (cgroupDirs, systemdUnit), never recomputed:
 * husk's own cgroup may have changed since create.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>

#include "container-internal.h"
#include "husk/cgroup.h"
#include "husk/log.h"
#include "husk/util.h"

static bool record_has_cgroup(const struct husk_state_file *st)
{
	return st->n_cgroup_dirs > 0 || (st->systemd_unit && st->systemd_unit[0]);
}

int ctr_cgroup(const struct husk_state_file *st, const char *needs, struct cgroup **out,
	       struct husk_error *err)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	const char *id = st->id ? st->id : "";
	int r;

	*out = NULL;
	if (!record_has_cgroup(st))
		return husk_error_setq(err, ENOTSUP, "container \"%s\" has no cgroup%s: %s", id,
				       st->rootless ? " (rootless without a delegated cgroup)" : "",
				       needs);
	r = cgroup_open(st->cgroup_dirs, st->n_cgroup_dirs, st->systemd_unit, &cg, err);
	if (r < 0)
		return husk_error_prefix(err, "the cgroup of container \"%s\"", id);
	if (!cgroup_exists(cg))
		return husk_error_setq(err, ENOENT, "the cgroup of container \"%s\" (%s) is gone: "
				       "%s", id, st->cgroup_path ? st->cgroup_path : "?", needs);
	*out = TAKE_PTR(cg);
	return 0;
}

enum container_status ctr_status_frozen(const struct husk_state_file *st,
					enum container_status status)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	struct husk_error e = { 0 };

	if ((status != STATUS_RUNNING && status != STATUS_CREATED) || !record_has_cgroup(st))
		return status;
	if (cgroup_open(st->cgroup_dirs, st->n_cgroup_dirs, st->systemd_unit, &cg, &e) < 0) {
		log_debug("container \"%s\": %s (status taken as %s)", st->id, e.msg,
			  container_status_name(status));
		return status;
	}
	return cgroup_freezer_state(cg) == CGROUP_FROZEN ? STATUS_PAUSED : status;
}

/*
 * pause: runc freezes a running or a created container; resume only a
 * paused one.  The lock keeps a delete or another pause out meanwhile.
 */
static int freeze_verb(const struct container_globals *g, const char *id, bool frozen,
		       struct husk_error *err)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	struct ctr c;
	int r;

	r = ctr_open(g, id, CTR_LOCK, &c, err);
	if (r < 0)
		return r;
	if (frozen && c.status != STATUS_RUNNING && c.status != STATUS_CREATED)
		r = husk_error_setq(err, c.status == STATUS_PAUSED ? EALREADY : ESRCH,
				    "cannot pause container \"%s\": it is %s (pause needs a "
				    "running or created container)", id,
				    container_status_name(c.status));
	else if (!frozen && c.status != STATUS_PAUSED)
		r = husk_error_setq(err, EINVAL, "cannot resume container \"%s\": it is %s, not "
				    "paused", id, container_status_name(c.status));
	else
		r = ctr_cgroup(c.st, frozen ? "pause needs the freezer" : "resume needs the freezer",
			       &cg, err);
	if (r == 0) {
		r = cgroup_freeze(cg, frozen, err);
		if (r < 0)
			husk_error_prefix(err, "%s container \"%s\"", frozen ? "pause" : "resume",
					  id);
	}
	ctr_close(&c);
	return r;
}

int container_pause(const struct container_globals *g, const char *id, struct husk_error *err)
{
	return freeze_verb(g, id, true, err);
}

int container_resume(const struct container_globals *g, const char *id, struct husk_error *err)
{
	return freeze_verb(g, id, false, err);
}

int container_ps(const struct container_globals *g, const char *id, pid_t **pids, size_t *n,
		 struct husk_error *err)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	struct ctr c;
	int r;

	*pids = NULL;
	*n = 0;
	r = ctr_open(g, id, 0, &c, err);
	if (r < 0)
		return r;
	if (c.status == STATUS_STOPPED)
		r = husk_error_setq(err, ESRCH, "container \"%s\" is not running", id);
	else if (c.status == STATUS_CREATING)
		r = husk_error_setq(err, EBUSY, "container \"%s\" is still being created", id);
	else
		r = ctr_cgroup(c.st, "ps needs it to list the container's processes", &cg, err);
	if (r == 0)
		r = cgroup_pids(cg, pids, n, err);
	ctr_close(&c);
	return r;
}

/*
 * kill --all with a cgroup: every process in it, whatever pid namespace
 * it is in (cgroup_signal_all freezes meanwhile so nothing forks away).
 * Without one, or when its directories are gone, the pid namespace walk
 * of container_signal().
 */
int ctr_signal_all(const struct husk_state_file *st, int sig, struct husk_error *err)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	struct husk_error e = { 0 };

	if (record_has_cgroup(st) && ctr_cgroup(st, "", &cg, &e) == 0)
		return cgroup_signal_all(cg, sig, err);
	if (e.errnum)
		log_debug("%s (signalling the pid namespace instead)", e.msg);
	return container_signal(st, sig, true, err);
}
