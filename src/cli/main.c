/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * husk [global options] VERB [verb options] ARGS
 *
 * main parses the global options (which must come before the verb, as with
 * runc), sets up logging, runs the verb and reports its error once.  Exit
 * codes: 0 success, 1 any error (usage errors included), and for a
 * foreground `run` the workload's own status.  `audit` is a linter and
 * keeps a linter's codes (1: findings, 2: errors, which it reports itself).
 * The test build, husk-fault, adds 99: an fd leaked (husk/fault.h).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "husk/fault.h"
#include "husk/host.h"
#include "husk/interrupt.h"
#include "husk/log.h"
#include "husk/security.h"
#include "husk/util.h"

struct verb {
	const char *name;
	verb_fn fn;                 /* NULL: reserved for a verb still to come */
	const char *summary;
	const char *needs;          /* for a reserved verb: what husk lacks for it */
};

static const struct verb verbs[] = {
	{ "create", cmd_create, "create a container (its process waits for start)", NULL },
	{ "start", cmd_start, "start the process of a created container", NULL },
	{ "run", cmd_run, "create and start a container", NULL },
	{ "state", cmd_state, "print the state of a container as JSON", NULL },
	{ "kill", cmd_kill, "send a signal to a container's init process", NULL },
	{ "delete", cmd_delete, "delete a container", NULL },
	{ "list", cmd_list, "list containers", NULL },
	{ "spec", cmd_spec, "write a default config.json", NULL },
	{ "audit", cmd_audit, "check a config.json for weak hardening", NULL },
	{ "exec", cmd_exec, "run a new process inside a container", NULL },
	{ "pause", cmd_pause, "suspend all processes of a container", NULL },
	{ "resume", cmd_resume, "resume a paused container", NULL },
	{ "ps", cmd_ps, "list the processes of a container", NULL },
	{ "update", cmd_update, "change a container's resource limits", NULL },
	{ "features", NULL, "show the features husk supports", "the runtime features document" },
	{ "events", cmd_events, "show a container's events and statistics", NULL },
};

/* A reserved verb: say what it needs, so nobody mistakes it for a bug. */
static int verb_unavailable(const struct verb *v, struct husk_error *err)
{
	return husk_error_setq(err, ENOSYS, "\"%s\" needs %s, which this husk does not have yet",
			       v->name, v->needs);
}

static const struct verb *verb_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (strcmp(verbs[i].name, name) == 0)
			return &verbs[i];
	return NULL;
}

static void print_usage(void)
{
	printf("husk - a rootless, hardened OCI container runtime\n\n"
	       "Usage: husk [GLOBAL OPTIONS] COMMAND [OPTIONS] ARGS...\n\n"
	       "Commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		printf("  %-10s %s%s\n", verbs[i].name, verbs[i].summary,
		       verbs[i].fn ? "" : " (to come)");
	printf("  %-10s %s\n\n", "help", "show this help, or a command's (help COMMAND)");
	printf("Global options:\n"
	       "  --root DIR              state directory (default: /run/husk as root,\n"
	       "                          $XDG_RUNTIME_DIR/husk or /tmp/husk-UID otherwise)\n"
	       "  --log FILE              also write messages to FILE\n"
	       "  --log-format FORMAT     text (default) or json, for --log\n"
	       "  --debug                 print debug messages\n"
	       "  --systemd-cgroup        cgroupsPath is slice:prefix:name (recorded)\n"
	       "  --rootless VALUE        true, false or auto (default: auto)\n"
	       "  -h, --help              show this help\n"
	       "  -v, --version           print the version\n\n"
	       "See husk(8) and husk-COMMAND(8).\n");
}

/* runc's shape, plus what a bug report needs: the libraries as linked. */
static void print_version(void)
{
	char seccomp[32];

	security_libseccomp_version(seccomp, sizeof(seccomp));
	printf("husk version %s\nspec: %s\nlibseccomp: %s\n", HUSK_VERSION, HUSK_OCI_VERSION,
	       seccomp);
#ifdef __GLIBC__
	printf("libc: glibc %d.%d\n", __GLIBC__, __GLIBC_MINOR__);
#else
	printf("libc: musl, static\n");
#endif
}

/* Check the values of the global options that take a fixed set of words. */
static int globals_validate(const struct global_opts *g, enum log_format *fmt,
			    enum host_rootless *rootless, struct husk_error *err)
{
	if (!g->log_format || strcmp(g->log_format, "text") == 0)
		*fmt = LOG_FORMAT_TEXT;
	else if (strcmp(g->log_format, "json") == 0)
		*fmt = LOG_FORMAT_JSON;
	else
		return husk_error_setq(err, EINVAL, "--log-format \"%s\": use text or json",
				       g->log_format);
	if (!g->rootless || strcmp(g->rootless, "auto") == 0)
		*rootless = HOST_ROOTLESS_AUTO;
	else if (strcmp(g->rootless, "true") == 0)
		*rootless = HOST_ROOTLESS_TRUE;
	else if (strcmp(g->rootless, "false") == 0)
		*rootless = HOST_ROOTLESS_FALSE;
	else
		return husk_error_setq(err, EINVAL, "--rootless \"%s\": use true, false or auto",
				       g->rootless);
	return 0;
}

/* `husk help [VERB]` and `husk` alone. */
static int help_verb(const struct global_opts *g, char **args, size_t n,
		     struct husk_error *err)
{
	const struct verb *v;
	char help_flag[] = "--help";
	char *argv[] = { help_flag, NULL };

	if (n < 2) {
		print_usage();
		return 0;
	}
	v = verb_find(args[1]);
	if (!v)
		return husk_error_setq(err, EINVAL, "no help for unknown command \"%s\"", args[1]);
	if (!v->fn)
		return verb_unavailable(v, err);
	return v->fn(g, 1, argv, err);
}

static int dispatch(const struct global_opts *g, char **args, size_t n, struct husk_error *err)
{
	const struct verb *v;
	int r;

	if (n == 0 || strcmp(args[0], "help") == 0)
		return help_verb(g, args, n, err);
	v = verb_find(args[0]);
	if (!v)
		return husk_error_setq(err, EINVAL, "unknown command \"%s\" (see husk --help)",
				       args[0]);
	if (!v->fn)
		return verb_unavailable(v, err);
	/* The test build's first parent fault point (husk/fault.h). */
	r = fault_point("parent", "verb", err);
	if (r < 0)
		return r;
	return v->fn(g, (int)n - 1, args + 1, err);
}

int main(int argc, char **argv)
{
	struct global_opts g = { 0 };
	bool version = false;
	const struct opt_def defs[] = {
		OPT_S("root", NULL, &g.root, "DIR", "state directory"),
		OPT_S("log", NULL, &g.log, "FILE", "log file"),
		OPT_S("log-format", NULL, &g.log_format, "FORMAT", "text or json"),
		OPT_B("debug", NULL, &g.debug, "debug messages"),
		OPT_B("systemd-cgroup", NULL, &g.systemd_cgroup, "systemd cgroup paths"),
		OPT_S("rootless", NULL, &g.rootless, "VALUE", "true, false or auto"),
		OPT_B("version", "v", &version, "print the version"),
	};
	struct husk_error err = { 0 };
	enum log_format fmt = LOG_FORMAT_TEXT;
	enum host_rootless rootless = HOST_ROOTLESS_AUTO;
	struct opt_result args = { 0 };
	int r;

	/* The test build's fd snapshot and fault choice; a no-op in husk. */
	fault_init();
	r = opts_parse(defs, ARRAY_SIZE(defs), argc - 1, argv + 1, OPTS_STOP_AT_ARG, &args, &err);
	if (r == 0)
		r = globals_validate(&g, &fmt, &rootless, &err);
	if (r == 0) {
		host_set_rootless(rootless);
		r = log_init(g.log, fmt, g.debug, &err);
	}
	if (r == 0) {
		if (args.help)
			print_usage();
		else if (version)
			print_version();
		else
			r = dispatch(&g, args.args, args.n_args, &err);
	}
	opt_result_free(&args);
	if (r < 0)
		log_husk_error(&err);
	if (fflush(stdout) != 0 && r >= 0) {
		log_error("write to stdout failed");
		r = -1;
	}
	log_close();
	/* Stopped by SIGTERM & co: after cleaning up, die of it (husk/interrupt.h). */
	interrupt_reraise();
	/* create and exec keep their signalfd to the end; the signals stay
	 * blocked, as they were, so that one arriving now changes nothing. */
	interrupt_forget();
	return fault_fini(r < 0 ? 1 : r);
}
