/* SPDX-License-Identifier: GPL-2.0-or-later */
/* start, kill and delete: one look at the record, one action. */
#define _GNU_SOURCE
#include <errno.h>

#include "container-internal.h"
#include "husk/util.h"

int container_start(const struct container_globals *g, const char *id, struct husk_error *err)
{
	struct ctr c;
	int r;

	r = ctr_open(g, id, CTR_LOCK, &c, err);
	if (r < 0)
		return r;
	if (c.status == STATUS_CREATED)
		r = exec_fifo_release(&c.dir, err);
	else
		r = husk_error_setq(err, EINVAL, "cannot start container \"%s\": it is %s", id,
				    container_status_name(c.status));
	ctr_close(&c);
	return r;
}

int container_kill(const struct container_globals *g, const char *id, int sig, bool all,
		   struct husk_error *err)
{
	struct ctr c;
	int r;

	r = ctr_open(g, id, 0, &c, err);
	if (r < 0)
		return r;
	if (c.status == STATUS_CREATING)
		r = husk_error_setq(err, EBUSY, "container \"%s\" is still being created", id);
	else if (c.status == STATUS_STOPPED)
		r = husk_error_setq(err, ESRCH, "container \"%s\" is not running", id);
	else if (all)
		r = ctr_signal_all(c.st, sig, err);
	else
		r = container_signal(c.st, sig, false, err);
	ctr_close(&c);
	return r;
}

int container_delete(const struct container_globals *g, const char *id, bool force,
		     struct husk_error *err)
{
	struct ctr c;
	int r;

	r = ctr_open(g, id, force ? CTR_LOCK | CTR_ANY_STATE : CTR_LOCK, &c, err);
	if (r == -ENOENT && force) {
		husk_error_clear(err);
		return 0;
	}
	if (r < 0)
		return r;
	if (c.status == STATUS_RUNNING || c.status == STATUS_PAUSED) {
		if (!force) {
			r = husk_error_setq(err, EBUSY, "cannot delete container \"%s\" that is %s: "
					    "stop it first or use --force", id,
					    container_status_name(c.status));
			ctr_close(&c);
			return r;
		}
	}
	/* stopped, created (killed first, as runc does), or forced */
	r = container_teardown(&c.dir, c.st, err);
	ctr_close(&c);
	return r;
}
