/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * husk exec [OPTIONS] ID [COMMAND [ARG...]]: run a new process inside a
 * running container, with runc's flags and semantics (container_exec()).
 * Here: the flags, and which of them cannot be combined.
 */
#define _GNU_SOURCE
#include <errno.h>

#include "cli.h"
#include "husk/util.h"

static const char exec_synopsis[] = "ID [COMMAND [ARG...]]";
static const char exec_description[] =
	"Run COMMAND (or the process of --process FILE) inside container ID, which must be\n"
	"running.  Options after ID belong to COMMAND.  In the foreground husk\n"
	"forwards signals to it and exits with its exit status; with --detach husk exits\n"
	"once it runs.";

static void exec_opts_free(struct container_exec_opts *o)
{
	strv_free(o->env);
	strv_free(o->gids);
	strv_free(o->caps);
}

/* The flags that shape the process inline, which --process replaces. */
static const char *inline_flag_given(const struct container_exec_opts *o)
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
static int exec_validate(const struct container_exec_opts *o, size_t n_args, struct husk_error *err)
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

int cmd_exec(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	struct container_exec_opts o = { 0 };
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
		OPT_S("cgroup", NULL, &o.cgroup, "PATH",
		      "run in this cgroup below the container's (made when missing)"),
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
		struct container_globals cg = cli_globals(g);

		o.cmd = args.args + 1;
		r = exec_validate(&o, args.n_args, err);
		if (r == 0)
			r = container_exec(&cg, args.args[0], &o, err);
	}
	opt_result_free(&args);
	exec_opts_free(&o);
	return r;
}
