/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * husk exec [OPTIONS] ID [COMMAND [ARG...]]: run a new process inside a
 * running container, with runc's flags and semantics.
 *
 * The process is either a whole OCI process object (--process FILE, what
 * engines pass) or the container's own config.json process with the
 * inline flags on top: env = the container's env with -e entries set,
 * cwd/user unless --cwd/-u, capabilities plus -c, args = COMMAND ARG...
 * In the foreground husk forwards signals to the process and exits with its
 * status (128+n for a signal, 127/126 when the command cannot run); with
 * --detach it exits as soon as the command runs, after writing --pid-file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "husk/interrupt.h"
#include "husk/log.h"
#include "husk/security.h"
#include "husk/util.h"

static const char exec_synopsis[] = "ID [COMMAND [ARG...]]";
static const char exec_description[] =
	"Run COMMAND (or the process of --process FILE) inside container ID, which must be\n"
	"running.  Options after ID belong to COMMAND.  In the foreground husk\n"
	"forwards signals to it and exits with its exit status; with --detach husk exits\n"
	"once it runs.";

struct exec_opts {
	const char *process;        /* --process FILE */
	const char *cwd;
	char **env;                 /* -e K=V, repeated */
	const char *user;           /* UID[:GID] */
	char **gids;                /* --additional-gids, repeated */
	char **caps;                /* -c CAP, repeated */
	bool no_new_privs;
	bool detach;
	bool tty;
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
};

static void exec_opts_free(struct exec_opts *o)
{
	strv_free(o->env);
	strv_free(o->gids);
	strv_free(o->caps);
}

/* The flags that shape the process inline, which --process replaces. */
static const char *inline_flag_given(const struct exec_opts *o)
{
	if (o->cwd)
		return "--cwd";
	if (o->env)
		return "--env";
	if (o->user)
		return "--user";
	if (o->gids)
		return "--additional-gids";
	if (o->caps)
		return "--cap";
	if (o->no_new_privs)
		return "--no-new-privs";
	return NULL;
}

/* What cannot be combined or is not there yet, before anything is opened. */
static int exec_validate(const struct exec_opts *o, size_t n_args, struct husk_error *err)
{
	const char *flag = inline_flag_given(o);

	if (o->tty || o->console_socket)
		return husk_error_setq(err, ENOTSUP, "%s: terminals are not supported by this "
				       "husk yet", o->tty ? "--tty" : "--console-socket");
	if (o->process && flag)
		return husk_error_setq(err, EINVAL, "--process %s: the whole process comes from "
				       "the file; %s cannot be combined with it", o->process, flag);
	if (o->process && n_args > 1)
		return husk_error_setq(err, EINVAL, "--process %s: the command comes from the "
				       "file; do not also give one after the container id",
				       o->process);
	if (!o->process && n_args < 2)
		return husk_error_setq(err, EINVAL, "\"exec\" needs a command to run after the "
				       "container id, or --process FILE (usage: husk exec %s)",
				       exec_synopsis);
	if (o->cwd && o->cwd[0] != '/')
		return husk_error_setq(err, EINVAL, "--cwd \"%s\": must be an absolute path",
				       o->cwd);
	return 0;
}

/*
 * -e K=V on top of the container's env: the last -e of a K wins, and it
 * replaces the container's own value of K in place (as in runc).  Linear
 * in the number of entries (env_set_all), however many -e are given.
 */
static int apply_env(char ***env, char **sets, struct husk_error *err)
{
	for (size_t i = 0; sets && sets[i]; i++) {
		const char *eq = strchr(sets[i], '=');

		if (!eq || eq == sets[i])
			return husk_error_setq(err, EINVAL, "--env \"%s\": expected KEY=VALUE",
					       sets[i]);
	}
	env_set_all(env, sets, NULL);
	return 0;
}

/* A uid or gid from the command line: a decimal in 0 .. 2^32-2. */
static int parse_id(const char *s, const char *flag, uint32_t *out, struct husk_error *err)
{
	uint64_t v;

	if (!*s || s[strspn(s, "0123456789")] != '\0' || parse_uint64(s, &v) < 0 ||
	    v >= UINT32_MAX)
		return husk_error_setq(err, EINVAL, "%s: \"%s\" is not a numeric id", flag, s);
	*out = (uint32_t)v;
	return 0;
}

/* -u UID[:GID]: the gid stays the container's when not given, as in runc. */
static int apply_user(struct husk_user *u, const char *spec, struct husk_error *err)
{
	_cleanup_free_ char *uid = xstrdup(spec);
	char *colon = strchr(uid, ':');
	int r;

	if (colon) {
		*colon = '\0';
		r = parse_id(colon + 1, "--user", &u->gid, err);
		if (r < 0)
			return r;
	}
	return parse_id(uid, "--user", &u->uid, err);
}

static int apply_gids(struct husk_user *u, char **gids, struct husk_error *err)
{
	for (size_t i = 0; gids && gids[i]; i++) {
		uint32_t g;
		int r = parse_id(gids[i], "--additional-gids", &g, err);

		if (r < 0)
			return r;
		u->additional_gids = xrealloc(u->additional_gids,
					      (u->n_additional_gids + 1) * sizeof(uint32_t));
		u->additional_gids[u->n_additional_gids++] = g;
	}
	return 0;
}

/*
 * -c CAP adds to the bounding, effective and permitted sets, and to the
 * ambient set when the process has inheritable capabilities to carry it
 * (runc's rule: ambient needs inheritable).
 */
static void apply_caps(struct husk_process *p, char **caps)
{
	struct husk_capabilities *c;

	if (!caps)
		return;
	if (!p->capabilities)
		p->capabilities = xcalloc(1, sizeof(*p->capabilities));
	c = p->capabilities;
	for (size_t i = 0; caps[i]; i++) {
		strv_push(&c->bounding, caps[i]);
		strv_push(&c->effective, caps[i]);
		strv_push(&c->permitted, caps[i]);
		if (c->inheritable)
			strv_push(&c->ambient, caps[i]);
	}
}

/* The container's process, with the inline flags and the command on top. */
static int process_from_flags(struct husk_process *p, const struct exec_opts *o,
			      char **cmd, struct husk_error *err)
{
	int r;

	strv_free(p->args);
	p->args = strv_copy(cmd);
	p->terminal = false;    /* -t decides, as in runc; and it is refused for now */
	if (o->cwd) {
		free(p->cwd);
		p->cwd = xstrdup(o->cwd);
	}
	r = apply_env(&p->env, o->env, err);
	if (r < 0)
		return r;
	if (o->user && (r = apply_user(&p->user, o->user, err)) < 0)
		return r;
	r = apply_gids(&p->user, o->gids, err);
	if (r < 0)
		return r;
	apply_caps(p, o->caps);
	if (o->no_new_privs)
		p->no_new_privileges = true;
	return 0;
}

/* --process FILE, parsed with the checks of config.json's .process. */
static int process_from_file(const char *path, struct husk_process **out, struct husk_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	r = read_file_at(AT_FDCWD, path, SPEC_MAX_BYTES, &text, &len, err);
	if (r < 0)
		return husk_error_prefix(err, "--process %s", path);
	return spec_parse_process(text, len, path, out, err);
}

/*
 * The container's config with spec->process replaced by the process to
 * run.  The rest (.linux.seccomp, annotations) stays: it applies to every
 * process of the container.
 */
static int exec_spec(const struct exec_opts *o, const struct husk_state_file *st, char **cmd,
		     struct husk_spec **out, struct husk_error *err)
{
	_cleanup_spec_ struct husk_spec *spec = NULL;
	struct husk_process *p = NULL;
	int r;

	if (!st->bundle || !*st->bundle)
		return husk_error_setq(err, EINVAL, "container \"%s\": state.json names no bundle",
				       st->id);
	r = spec_load(st->bundle, &spec, err);
	if (r < 0)
		return husk_error_prefix(err, "container \"%s\"", st->id);
	if (o->process) {
		r = process_from_file(o->process, &p, err);
		if (r < 0)
			return r;
		spec_process_free(spec->process);
		spec->process = p;
	} else {
		if (!spec->process)
			return husk_error_setq(err, EINVAL, "container \"%s\": config.json has no "
					       ".process to take defaults from; use --process FILE",
					       st->id);
		r = process_from_flags(spec->process, o, cmd, err);
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
 * unreachable, a created container is refused.  Returns a pidfd for the
 * init, checked against pid reuse, and its pid.
 */
static int exec_target(const struct global_opts *g, const char *id, const struct exec_opts *o,
		       char **cmd, struct husk_spec **spec, pid_t *pid, char **bundle,
		       struct husk_error *err)
{
	struct cli_container c;
	int pidfd = -1;
	int r;

	r = cli_container_open(g, id, 0, &c, err);
	if (r < 0)
		return r;
	if (c.status == STATUS_CREATING)
		r = husk_error_setq(err, EBUSY, "container \"%s\" is still being created", id);
	else if (c.status == STATUS_STOPPED)
		r = husk_error_setq(err, ESRCH, "container \"%s\" is not running (cannot exec "
				    "in a stopped container)", id);
	else if (c.status == STATUS_PAUSED)
		r = husk_error_setq(err, EBUSY, "container \"%s\" is paused", id);
	else if (c.status == STATUS_CREATED)
		r = husk_error_setq(err, EBUSY, "container \"%s\" is created but not started: "
				    "start it first (husk start %s)", id, id);
	if (r == 0)
		r = exec_spec(o, c.st, cmd, spec, err);
	if (r == 0)
		cli_seccomp_cache_setup();
	if (r == 0)
		r = pidfd = container_pidfd(c.st, err);
	if (r >= 0) {
		*pid = (pid_t)c.st->pid;
		*bundle = xstrdup(c.st->bundle);
	}
	cli_container_close(&c);
	return r < 0 ? r : pidfd;
}

/* The command could not run: say why, reap it, and exit as it did (127/126). */
static int exec_not_run(pid_t pid, const struct husk_error *err)
{
	int status = 0;

	log_husk_error(err);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return cli_exit_code(status);
}

static void kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static int exec_run(const struct global_opts *g, const struct exec_opts *o, const char *id,
		    char **cmd, struct husk_error *err)
{
	_cleanup_spec_ struct husk_spec *spec = NULL;
	_cleanup_free_ char *bundle = NULL;
	_cleanup_free_ char *unapplied = NULL;
	_cleanup_close_ int pidfd = -1;
	_cleanup_close_ int sfd = -1;
	struct launch_result res;
	pid_t init_pid = 0;
	int status = 0;
	int r;

	pidfd = exec_target(g, id, o, cmd, &spec, &init_pid, &bundle, err);
	if (pidfd < 0)
		return pidfd;
	/* A SIGTERM while the process is being made stops it, not husk halfway. */
	r = interrupt_arm(err);
	if (r < 0)
		return r;
	/* Before the process exists, so a ^C during setup reaches it (see run). */
	if (!o->detach) {
		sfd = cli_signals_take(err);
		if (sfd < 0)
			return sfd;
	}
	struct launch_exec_opts lo = {
		.spec = spec,
		.id = id,
		.bundle = bundle,
		.init_pid = init_pid,
		.init_pidfd = pidfd,
		.preserve_fds = o->preserve_fds,
	};
	r = launch_exec(&lo, &res, err);
	closep(&pidfd);
	unapplied = r == 0 ? spec_exec_unapplied(spec->process) : NULL;
	cli_report_launch(&res, r == 0, unapplied);
	strv_free(TAKE_PTR(res.warnings));
	strv_free(TAKE_PTR(res.notes));
	if (r < 0)
		return r;
	r = launch_wait_exec(&res, err);
	if (r == -EINTR && interrupt_signal()) {
		kill_and_reap(res.pid);
		return r;
	}
	if (r < 0)
		return exec_not_run(res.pid, err);
	if (o->detach && (r = interrupt_wait(-1, 0, 0, "starting the process",
					       err)) < 0) {
		kill_and_reap(res.pid);
		return r;
	}
	if (o->pid_file && (r = cli_write_pid_file(o->pid_file, res.pid, err)) < 0) {
		kill_and_reap(res.pid);
		return r;
	}
	if (o->detach)
		return 0;
	r = cli_forward_until_exit(sfd, res.pid, &status, err);
	if (r < 0)
		return r;
	return cli_exit_code(status);
}

int cmd_exec(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	struct exec_opts o = { 0 };
	const struct opt_def defs[] = {
		OPT_S("process", "p", &o.process, "FILE",
		      "the process to run, as an OCI process JSON object"),
		OPT_S("cwd", NULL, &o.cwd, "DIR", "working directory inside the container"),
		OPT_L("env", "e", &o.env, "KEY=VALUE", "set an environment variable (repeatable)"),
		OPT_S("user", "u", &o.user, "UID[:GID]", "run as this user (numeric ids)"),
		OPT_L("additional-gids", "g", &o.gids, "GID",
		      "add a supplementary group (repeatable)"),
		OPT_L("cap", "c", &o.caps, "CAP", "add a capability (repeatable)"),
		OPT_B("no-new-privs", NULL, &o.no_new_privs, "set no_new_privileges"),
		OPT_B("detach", "d", &o.detach, "exit once the command runs"),
		OPT_S("pid-file", NULL, &o.pid_file, "FILE", "write the process id to FILE"),
		OPT_I("preserve-fds", NULL, &o.preserve_fds, "N",
		      "pass fds 3 .. 3+N-1 on to the process"),
		OPT_B("tty", "t", &o.tty, "allocate a terminal (not supported yet)"),
		OPT_S("console-socket", NULL, &o.console_socket, "PATH",
		      "AF_UNIX socket for the terminal (not supported yet)"),
	};
	struct opt_result args;
	int r;

	/* Stop at the id: what follows is the command's, flags and all. */
	r = opts_parse(defs, ARRAY_SIZE(defs), argc, argv, OPTS_STOP_AT_ARG, &args, err);
	if (r < 0) {
		exec_opts_free(&o);
		return r;
	}
	if (args.help) {
		cli_print_verb_help("exec", exec_synopsis, exec_description, defs,
				    ARRAY_SIZE(defs));
		r = 0;
	} else if (args.n_args == 0) {
		r = husk_error_setq(err, EINVAL, "\"exec\" needs a container id (usage: husk exec "
				    "%s)", exec_synopsis);
	} else {
		r = exec_validate(&o, args.n_args, err);
		if (r == 0)
			r = exec_run(g, &o, args.args[0], args.args + 1, err);
	}
	opt_result_free(&args);
	exec_opts_free(&o);
	return r;
}
