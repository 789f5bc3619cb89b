/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers the verbs share: the state root, loading a container, printing state. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "husk/interrupt.h"
#include "husk/json.h"
#include "husk/log.h"
#include "husk/security.h"
#include "husk/util.h"
#include "options.h"

int cli_root_open(const struct global_opts *g, bool create, struct state_root *root,
		  struct husk_error *err)
{
	_cleanup_free_ char *path = NULL;

	if (g->root) {
		path = xstrdup(g->root);
	} else {
		path = state_root_default(err);
		if (!path)
			return -(err->errnum ? err->errnum : EINVAL);
	}
	return state_root_open(path, create, root, err);
}

/* A state with only the id, for a container that has no state.json (yet). */
static struct husk_state_file *state_placeholder(const char *id)
{
	struct husk_state_file *st = xcalloc(1, sizeof(*st));

	st->id = xstrdup(id);
	return st;
}

int cli_container_load(struct state_root *root, const char *id, unsigned flags,
		       struct container_dir *dir, struct husk_state_file **st,
		       enum container_status *status, struct husk_error *err)
{
	int r;

	*st = NULL;
	r = container_dir_open(root, id, flags & CLI_LOCK, dir, err);
	if (r < 0)
		return r;
	r = state_read(dir, st, err);
	if (r == -ENOENT) {
		husk_error_clear(err);
		*st = state_placeholder(id);
		*status = container_dir_busy(dir) ? STATUS_CREATING : STATUS_STOPPED;
		return 0;
	}
	if (r < 0 && (flags & CLI_ANY_STATE)) {
		log_warn("%s (treating container \"%s\" as stopped)", err->msg, id);
		husk_error_clear(err);
		*st = state_placeholder(id);
		*status = STATUS_STOPPED;
		return 0;
	}
	if (r < 0) {
		container_dir_close(dir);
		return r;
	}
	*status = state_status(dir, *st);
	return 0;
}

int cli_container_open(const struct global_opts *g, const char *id, unsigned flags,
		       struct cli_container *c, struct husk_error *err)
{
	int r;

	c->root.fd = -1;
	c->root.path = NULL;
	c->dir.fd = -1;
	c->dir.lock_fd = -1;
	c->dir.id = NULL;
	c->dir.path = NULL;
	c->st = NULL;
	c->status = STATUS_STOPPED;
	r = container_id_validate(id, err);
	if (r < 0)
		return r;
	r = cli_root_open(g, false, &c->root, err);
	if (r == -ENOENT)
		return husk_error_setq(err, ENOENT, "container \"%s\" does not exist", id);
	if (r < 0)
		return r;
	r = cli_container_load(&c->root, id, flags, &c->dir, &c->st, &c->status, err);
	if (r < 0)
		state_root_close(&c->root);
	return r;
}

void cli_container_close(struct cli_container *c)
{
	state_file_free(c->st);
	c->st = NULL;
	container_dir_close(&c->dir);
	state_root_close(&c->root);
}

static bool status_has_pid(enum container_status s)
{
	return s == STATUS_CREATED || s == STATUS_RUNNING || s == STATUS_PAUSED;
}

/* `husk state` and `husk list`: the OCI members with the live status. */
void cli_state_fill_owner(struct husk_state_file *st, const struct container_dir *dir)
{
	struct passwd *pw;
	struct stat sb;

	if ((st->owner && st->owner[0]) || fstat(dir->fd, &sb) < 0)
		return;
	pw = getpwuid(sb.st_uid);
	free(st->owner);
	st->owner = xstrdup(pw && pw->pw_name ? pw->pw_name : "");
}

void cli_state_json(struct json_writer *w, const struct husk_state_file *st,
		    enum container_status status)
{
	json_open_object(w);
	state_json_oci_members(w, st, container_status_name(status),
			       status_has_pid(status) ? st->pid : 0);
	json_close_object(w);
}

/*
 * The pid file is written next to its final name and renamed into place,
 * so a reader (conmon) never sees it half-written.
 */
int cli_write_pid_file(const char *path, pid_t pid, struct husk_error *err)
{
	_cleanup_free_ char *dir = xstrdup(path);
	_cleanup_close_ int dfd = -1;
	char *slash = strrchr(dir, '/');
	const char *base = path;
	char text[32];
	int r;

	if (slash) {
		base = path + (slash - dir) + 1;
		if (slash == dir)
			slash[1] = '\0';        /* "/pidfile": the dir is "/" */
		else
			*slash = '\0';
	} else {
		strcpy(dir, ".");
	}
	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return husk_error_setq(err, EINVAL, "--pid-file %s: not a file name", path);
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return husk_error_set(err, errno, "--pid-file %s: open directory %s", path, dir);
	snprintf(text, sizeof(text), "%d", (int)pid);
	r = write_file_atomic_at(dfd, base, text, strlen(text), 0644, err);
	if (r < 0)
		return husk_error_prefix(err, "--pid-file %s", path);
	return 0;
}

void cli_print_verb_help(const char *verb, const char *synopsis, const char *description,
			 const struct opt_def *defs, size_t n_defs)
{
	printf("Usage: husk %s [OPTIONS] %s\n\n%s\n\n", verb, synopsis, description);
	opts_print_help(stdout, defs, n_defs);
	printf("\nSee husk-%s(8).\n", verb);
}

/* ---- foreground processes: signals and exit status ---------------------- */

/* What a terminal or a supervisor sends that the process, not husk, should get. */
static const int forwarded_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

int cli_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

int cli_signals_take(struct husk_error *err)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded_signals); i++)
		sigaddset(&set, forwarded_signals[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return husk_error_set(err, errno, "sigprocmask");
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (fd < 0)
		return husk_error_set(err, errno, "signalfd");
	return fd;
}

void cli_report_launch(const struct launch_result *res, bool launched, const char *unapplied)
{
	for (char **w = res->warnings; w && *w; w++)
		log_warn("%s", *w);
	for (char **n = res->notes; n && *n; n++)
		log_debug("%s", *n);
	if (!launched)
		return;
	if (res->note[0])
		log_debug("%s", res->note);
	if (unapplied)
		log_warn("%s", unapplied);
}

void cli_signals_release(int *sfd)
{
	sigset_t set;

	closep(sfd);
	interrupt_disarm();
	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded_signals); i++)
		sigaddset(&set, forwarded_signals[i]);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/*
 * `pid` is our own child and not yet reaped, so kill() cannot hit another
 * process.  The WNOHANG check before each read catches an exit that
 * happened before SIGCHLD was blocked.
 */
int cli_forward_until_exit(int sfd, pid_t pid, int *status, struct husk_error *err)
{
	for (;;) {
		struct signalfd_siginfo si;
		pid_t w = waitpid(pid, status, WNOHANG);
		ssize_t n;

		if (w == pid)
			return 0;
		if (w < 0 && errno != EINTR)
			return husk_error_set(err, errno, "wait for process %d", (int)pid);
		n = read(sfd, &si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si))
			return husk_error_set(err, n < 0 ? errno : EIO, "read signalfd");
		if (si.ssi_signo == SIGCHLD)
			continue;
		log_debug("forwarding signal %u to process %d", si.ssi_signo, (int)pid);
		kill(pid, (int)si.ssi_signo);
	}
}

/*
 * Where compiled seccomp filters are cached: a cache, not state, so it
 * lives where caches do (/var/cache/husk as root, $XDG_CACHE_HOME/husk or
 * ~/.cache/husk otherwise) and never in the state root, which holds only
 * containers.  Missing directories are made 0700 when a program is first
 * stored (src/security/seccomp-cache.c); when that fails the cache is
 * simply off.
 */
void cli_seccomp_cache_setup(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	_cleanup_free_ char *dir = NULL;

	if (geteuid() == 0 && !xdg)
		dir = xstrdup("/var/cache/husk/seccomp");
	else if (xdg && xdg[0] == '/')
		dir = xasprintf("%s/husk/seccomp", xdg);
	else if (home && home[0] == '/')
		dir = xasprintf("%s/.cache/husk/seccomp", home);
	else
		return;
	security_set_cache_dir(dir);
}

int cli_verb_parse(const struct cli_verb *v, int argc, char **argv, struct opt_result *args,
		   struct husk_error *err)
{
	int r = opts_parse(v->defs, v->n_defs, argc, argv, 0, args, err);

	if (r < 0)
		return r;
	if (args->help) {
		cli_print_verb_help(v->name, v->synopsis, v->description, v->defs, v->n_defs);
		opt_result_free(args);
		return 1;
	}
	r = opts_expect_args(args, v->min_args, v->max_args, v->name,
			     v->synopsis[0] ? v->synopsis : "[OPTIONS]", err);
	if (r < 0)
		opt_result_free(args);
	return r;
}
