/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * husk delete [--force] ID: remove a stopped container's state.  A created
 * container is killed first (as runc does); a running one only with
 * --force.  A missing container is an error, except with --force.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>

#include "cli.h"
#include "husk/util.h"

#define DELETE_KILL_TIMEOUT_MS 5000

static const char delete_synopsis[] = "ID";
static const char delete_description[] =
	"Delete container ID: its state directory goes.  A created container is killed\n"
	"first; a running one only with --force (SIGKILL, then wait for it to exit).";

/* SIGKILL the container (its whole pid namespace) and wait until its init is gone. */
static int kill_and_wait(const struct husk_state_file *st, struct husk_error *err)
{
	_cleanup_close_ int pidfd = container_pidfd(st, err);
	int r;

	if (pidfd == -ESRCH) {
		husk_error_clear(err);
		return 0;       /* it exited on its own meanwhile */
	}
	if (pidfd < 0)
		return pidfd;
	r = container_signal(st, SIGKILL, true, err);
	if (r == -ESRCH) {
		husk_error_clear(err);
		return 0;
	}
	if (r < 0)
		return r;
	r = pidfd_wait_exit(pidfd, DELETE_KILL_TIMEOUT_MS, err);
	if (r < 0)
		return husk_error_prefix(err, "container \"%s\" was sent SIGKILL but", st->id);
	return 0;
}

static int delete_container(const struct global_opts *g, const char *id, bool force,
			    struct husk_error *err)
{
	struct cli_container c;
	int r;

	r = cli_container_open(g, id, force ? CLI_LOCK | CLI_ANY_STATE : CLI_LOCK, &c, err);
	if (r == -ENOENT && force) {
		husk_error_clear(err);
		return 0;
	}
	if (r < 0)
		return r;
	switch (c.status) {
	case STATUS_STOPPED:
		r = 0;
		break;
	case STATUS_CREATED:
		r = kill_and_wait(c.st, err);
		break;
	default:
		if (force)
			r = kill_and_wait(c.st, err);
		else
			r = husk_error_setq(err, EBUSY, "cannot delete container \"%s\" that "
					    "is %s: stop it first or use --force", id,
					    container_status_name(c.status));
		break;
	}
	if (r == 0)
		r = container_dir_remove(&c.dir, err);
	cli_container_close(&c);
	return r;
}

int cmd_delete(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	bool force = false;
	const struct opt_def defs[] = {
		OPT_B("force", "f", &force, "kill a running container (SIGKILL) and delete it"),
	};
	struct opt_result args;
	int r;

	r = cli_verb_parse(&(struct cli_verb){ "delete", delete_synopsis, delete_description, defs,
					       ARRAY_SIZE(defs), 1, 1 },
			   argc, argv, &args, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = delete_container(g, args.args[0], force, err);
	opt_result_free(&args);
	return r < 0 ? r : 0;
}
