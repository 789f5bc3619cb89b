/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec: a new process in a running container, from the container's pinned
 * config (its seccomp filter, no_new_privs and capabilities are the ones
 * it was created with, whatever the bundle says now), with the process of
 * --process FILE or the inline flags.  In the foreground husk forwards
 * signals to it and returns its status (128+n for a signal, 127/126 when
 * the command cannot run); detached it returns as soon as the command
 * runs, after writing the pid file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/wait.h>

#include "container-internal.h"
#include "husk/cgroup.h"
#include "husk/interrupt.h"
#include "husk/log.h"
#include "husk/util.h"

/*
 * The container's config with spec->process replaced by the process to
 * run.  The rest (.linux.seccomp, annotations) stays: it applies to every
 * process of the container.
 */
static int exec_spec(const struct container_exec_opts *o, struct ctr *c,
		     struct husk_spec **out, struct husk_error *err)
{
	_cleanup_spec_ struct husk_spec *spec = NULL;
	struct husk_process *p = NULL;
	int r;

	r = record_load_config(&c->dir, c->st, &spec, err);
	if (r < 0)
		return r;
	if (o->process) {
		r = exec_process_from_file(o->process, &p, err);
		if (r < 0)
			return r;
		spec_process_free(spec->process);
		spec->process = p;
	} else {
		if (!spec->process)
			return husk_error_setq(err, EINVAL, "container \"%s\": its config has no "
					       ".process to take defaults from; use --process FILE",
					       c->st->id);
		r = exec_process_from_flags(spec->process, o, err);
		if (r < 0)
			return r;
	}
	*out = TAKE_PTR(spec);
	return 0;
}

/*
 * The container must be running.  runc also execs into a created one, but
 * husk's init is, until start, a fork of husk itself: its /proc/1/exe is
 * the host's husk binary, and a process exec'd next to it could open that
 * (the runc CVE-2019-5736 class).  Until the created process is made
 * unreachable, a created container is refused.
 */
static int exec_check_status(const struct ctr *c, const char *id, struct husk_error *err)
{
	switch (c->status) {
	case STATUS_RUNNING:
		return 0;
	case STATUS_CREATING:
		return husk_error_setq(err, EBUSY, "container \"%s\" is still being created", id);
	case STATUS_STOPPED:
		return husk_error_setq(err, ESRCH, "container \"%s\" is not running (cannot exec "
				       "in a stopped container)", id);
	case STATUS_PAUSED:
		return husk_error_setq(err, EBUSY, "container \"%s\" is paused", id);
	case STATUS_CREATED:
		return husk_error_setq(err, EBUSY, "container \"%s\" is created but not started: "
				       "start it first (husk start %s)", id, id);
	}
	return husk_error_setq(err, EINVAL, "container \"%s\": unknown status", id);
}

/* What exec needs of the container: its config, its init (pidfd, pid), its bundle. */
struct exec_target {
	struct husk_spec *spec;
	int pidfd;
	pid_t pid;
	char *bundle;
	int *cgroup_fds;            /* cgroup_procs_fds(): the container's cgroup.procs files */
	size_t n_cgroup_fds;
};

/* The container's cgroup (from its record), for the exec'd process to join. */
static int exec_cgroup(const struct husk_state_file *st, const char *sub, struct exec_target *t,
		       struct husk_error *err)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	int r;

	if (st->n_cgroup_dirs == 0) {
		if (sub && *sub)
			return husk_error_setq(err, ENOENT, "--cgroup %s: container \"%s\" has no "
					       "cgroup (rootless without a delegated cgroup)", sub,
					       st->id);
		return 0;
	}
	r = cgroup_open(st->cgroup_dirs, st->n_cgroup_dirs, st->systemd_unit, &cg, err);
	if (r == 0)
		r = cgroup_procs_fds(cg, sub, &t->cgroup_fds, &t->n_cgroup_fds, err);
	return r;
}

static int exec_target_open(const struct container_globals *g, const char *id,
			    const struct container_exec_opts *o, struct exec_target *t,
			    struct husk_error *err)
{
	struct ctr c;
	int r;

	r = ctr_open(g, id, 0, &c, err);
	if (r < 0)
		return r;
	r = exec_check_status(&c, id, err);
	if (r == 0)
		r = exec_spec(o, &c, &t->spec, err);
	if (r == 0)
		r = exec_cgroup(c.st, o->cgroup, t, err);
	if (r == 0)
		r = t->pidfd = container_pidfd(c.st, err);
	if (r >= 0) {
		t->pid = (pid_t)c.st->pid;
		t->bundle = xstrdup(c.st->bundle ? c.st->bundle : "");
		r = 0;
	}
	ctr_close(&c);
	return r;
}

static void exec_target_close(struct exec_target *t)
{
	spec_free(t->spec);
	closep(&t->pidfd);
	free(t->bundle);
	for (size_t i = 0; i < t->n_cgroup_fds; i++)
		close(t->cgroup_fds[i]);
	free(t->cgroup_fds);
}

/* The command could not run: say why, reap it, and exit as it did (127/126). */
static int exec_not_run(pid_t pid, const struct husk_error *err)
{
	int status = 0;

	log_husk_error(err);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return fg_exit_code(status);
}

/* Start the process; on success it is our child, past its exec, in res. */
static int exec_start(const char *id, const struct container_exec_opts *o,
		      struct exec_target *t, struct launch_result *res, struct husk_error *err)
{
	_cleanup_free_ char *unapplied = NULL;
	struct launch_exec_opts lo = {
		.spec = t->spec,
		.id = id,
		.bundle = t->bundle,
		.init_pid = t->pid,
		.init_pidfd = t->pidfd,
		.preserve_fds = o->preserve_fds,
		.cgroup_fds = t->cgroup_fds,
		.n_cgroup_fds = t->n_cgroup_fds,
	};
	int r;

	seccomp_cache_setup();
	r = launch_exec(&lo, res, err);
	closep(&t->pidfd);
	unapplied = r == 0 ? spec_exec_unapplied(t->spec->process) : NULL;
	launch_report_log(&res->report, r == 0, unapplied);
	return r;
}

int container_exec(const struct container_globals *g, const char *id,
		   const struct container_exec_opts *o, struct husk_error *err)
{
	struct exec_target t = { .pidfd = -1 };
	_cleanup_close_ int sfd = -1;
	struct launch_result res = { .pid = -1, .sync_fd = -1 };
	int status = 0;
	int r;

	r = exec_target_open(g, id, o, &t, err);
	/* A SIGTERM while the process is being made stops it, not husk halfway. */
	if (r == 0)
		r = interrupt_arm(err);
	/* Before the process exists, so a ^C during setup reaches it (see run). */
	if (r == 0 && !o->detach && (sfd = fg_signals_take(err)) < 0)
		r = sfd;
	if (r == 0)
		r = exec_start(id, o, &t, &res, err);
	if (r < 0)
		goto out;
	r = launch_exec_wait(&res, err);
	if (r == -EINTR && interrupt_signal()) {
		launch_result_kill(&res);
		goto out;
	}
	if (r < 0) {
		r = exec_not_run(res.pid, err);
		goto out;
	}
	if (o->detach && (r = interrupt_wait(-1, 0, 0, "starting the process", err)) < 0) {
		launch_result_kill(&res);
		goto out;
	}
	if (o->pid_file && (r = pid_file_write(o->pid_file, res.pid, err)) < 0) {
		launch_result_kill(&res);
		goto out;
	}
	if (o->detach)
		goto out;
	r = fg_forward_until_exit(sfd, res.pid, &status, err);
	if (r == 0)
		r = fg_exit_code(status);
out:
	launch_result_release(&res);
	exec_target_close(&t);   /* res.cmd points into t.spec */
	return r;
}
