/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * husk create [OPTIONS] ID: build the container and leave its process
 * waiting on the exec fifo until `husk start`.
 *
 * Order matters for "nothing left behind": everything that can be checked
 * without touching the disk (id, bundle, config.json, rootfs) is checked
 * before the container directory exists; from then on every failure goes
 * through created_destroy().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "husk/interrupt.h"
#include "husk/log.h"
#include "husk/util.h"

static const char create_synopsis[] = "ID";
static const char create_description[] =
	"Create container ID from the bundle: its process is set up and waits until\n"
	"\"husk start ID\" runs the process of config.json.";

/*
 * The root filesystem: .root.path against the bundle, opened here once
 * (O_PATH; symlinks in the path are followed now, as runc resolves them)
 * into *fd.  Everything after, the container's root included, is built
 * from that fd, never from the path again, so a rootfs swapped for a
 * symlink meanwhile cannot redirect it.  Returns the path the fd has, for
 * state.json and messages.
 */
static char *rootfs_open(const struct husk_spec *spec, const char *bundle, int *fd,
			 struct husk_error *err)
{
	_cleanup_free_ char *joined = NULL;
	_cleanup_close_ int dfd = -1;
	char link[64];
	char *real;
	struct stat st;

	if (!spec->root_path || !*spec->root_path) {
		husk_error_setq(err, EINVAL, "config.json: .root.path: required");
		return NULL;
	}
	if (spec->root_path[0] == '/')
		joined = xstrdup(spec->root_path);
	else
		joined = xasprintf("%s/%s", bundle, spec->root_path);
	dfd = open(joined, O_PATH | O_CLOEXEC);
	if (dfd < 0) {
		husk_error_set(err, errno, "config.json: .root.path: open the rootfs %s", joined);
		return NULL;
	}
	if (fstat(dfd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		husk_error_setq(err, ENOTDIR, "config.json: .root.path: rootfs %s is not a "
				"directory", joined);
		return NULL;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dfd);
	real = realpath(link, NULL);
	if (!real) {
		husk_error_set(err, errno, "config.json: .root.path: the path of the rootfs %s "
			       "(readlink %s)", joined, link);
		return NULL;
	}
	*fd = TAKE_FD(dfd);
	return real;
}

/* The state.json record of a just-launched container. */
static struct husk_state_file *state_new(const struct global_opts *g, const char *id,
					 const char *bundle, const char *rootfs,
					 const struct husk_spec *spec,
					 const struct launch_result *res)
{
	struct husk_state_file *st = xcalloc(1, sizeof(*st));

	st->oci_version = xstrdup(HUSK_OCI_VERSION);
	st->id = xstrdup(id);
	st->status = xstrdup("created");
	st->pid = res->pid;
	st->pid_start_time = pid_start_time(res->pid);
	st->bundle = xstrdup(bundle);
	st->rootfs = xstrdup(rootfs);
	st->created = state_timestamp_now();
	if (spec->n_annotations > 0) {
		st->annotations = xcalloc(spec->n_annotations, sizeof(*st->annotations));
		for (size_t i = 0; i < spec->n_annotations; i++) {
			st->annotations[i].key = xstrdup(spec->annotations[i].key);
			st->annotations[i].value = xstrdup(spec->annotations[i].value);
		}
		st->n_annotations = spec->n_annotations;
	}
	st->systemd_cgroup = g->systemd_cgroup;
	st->rootless = res->rootless;
	return st;
}

static void created_init(struct created *c)
{
	memset(c, 0, sizeof(*c));
	c->root.fd = -1;
	c->dir.fd = -1;
	c->dir.lock_fd = -1;
	c->res.pid = -1;
	c->res.sync_fd = -1;
}

void created_close(struct created *c)
{
	launch_result_release(&c->res);
	container_dir_close(&c->dir);
	state_root_close(&c->root);
	state_file_free(c->st);
	c->st = NULL;
}

/* The container process is our child until we exit: kill and reap it. */
void created_destroy(struct created *c)
{
	if (c->res.pid > 0) {
		kill(c->res.pid, SIGKILL);
		while (waitpid(c->res.pid, NULL, 0) < 0 && errno == EINTR)
			;
		c->res.pid = -1;
	}
	launch_result_release(&c->res);
	if (c->dir.fd >= 0)
		container_dir_remove(&c->dir, NULL);
	created_close(c);
}

/* Steps once the container directory exists; any failure is undone by the caller. */
static int create_in_dir(const struct global_opts *g, const struct create_opts *o,
			 const char *id, const char *bundle, const char *rootfs, int rootfs_fd,
			 const struct husk_spec *spec, struct created *c, struct husk_error *err)
{
	_cleanup_close_ int fifo_fd = -1;
	_cleanup_free_ char *unapplied = NULL;
	int r;

	r = exec_fifo_create(&c->dir, &fifo_fd, err);
	if (r < 0)
		return r;
	struct launch_opts lo = {
		.spec = spec,
		.id = id,
		.bundle = bundle,
		.rootfs = rootfs,
		.rootfs_fd = rootfs_fd,
		.exec_fifo_fd = fifo_fd,
		.preserve_fds = o->preserve_fds,
		.no_pivot = o->no_pivot,
		.no_new_keyring = o->no_new_keyring,
		.no_init = o->no_init,
		.console_socket = o->console_socket,
	};
	cli_seccomp_cache_setup();
	r = launch_container(&lo, &c->res, err);
	unapplied = r == 0 ? spec_unapplied(spec) : NULL;
	cli_report_launch(&c->res, r == 0, unapplied);
	if (r < 0)
		return r;
	/* Our copy of the read end must go: start detects a dead container by
	 * finding no reader left. */
	closep(&fifo_fd);
	c->st = state_new(g, id, bundle, rootfs, spec, &c->res);
	if (c->st->pid_start_time == 0)
		return husk_error_setq(err, ESRCH, "the container process exited during create");
	r = state_write(&c->dir, c->st, err);
	if (r < 0)
		return r;
	if (o->pid_file)
		return cli_write_pid_file(o->pid_file, c->res.pid, err);
	return 0;
}

int create_container(const struct global_opts *g, const struct create_opts *o, const char *id,
		     struct created *c, struct husk_error *err)
{
	_cleanup_spec_ struct husk_spec *spec = NULL;
	_cleanup_free_ char *bundle = NULL;
	_cleanup_free_ char *rootfs = NULL;
	_cleanup_close_ int rootfs_fd = -1;
	const char *b = o->bundle && *o->bundle ? o->bundle : ".";
	int r;

	created_init(c);
	/* From here on a SIGTERM ends husk through created_destroy(), not halfway. */
	r = interrupt_arm(err);
	if (r < 0)
		return r;
	r = container_id_validate(id, err);
	if (r < 0)
		return r;
	bundle = realpath(b, NULL);
	if (!bundle)
		return husk_error_set(err, errno, "bundle %s", b);
	r = spec_load(bundle, &spec, err);
	if (r == 0)
		r = spec_check_supported(spec, err);
	if (r < 0)
		return r;
	rootfs = rootfs_open(spec, bundle, &rootfs_fd, err);
	if (!rootfs)
		return -(err->errnum ? err->errnum : EINVAL);
	r = cli_root_open(g, true, &c->root, err);
	if (r < 0)
		return r;
	r = container_dir_create(&c->root, id, &c->dir, err);
	if (r < 0) {
		state_root_close(&c->root);
		return r;
	}
	r = create_in_dir(g, o, id, bundle, rootfs, rootfs_fd, spec, c, err);
	/* A signal that came while husk was not waiting counts as well. */
	if (r == 0)
		r = interrupt_wait(-1, 0, 0, "creating the container", err);
	if (r < 0)
		created_destroy(c);
	return r;
}

int cmd_create(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	struct create_opts o = { 0 };
	const struct opt_def defs[] = { CREATE_OPT_DEFS(&o) };
	struct opt_result args;
	struct created c;
	int r;

	r = cli_verb_parse(&(struct cli_verb){ "create", create_synopsis, create_description, defs,
					       ARRAY_SIZE(defs), 1, 1 },
			   argc, argv, &args, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	r = create_container(g, &o, args.args[0], &c, err);
	opt_result_free(&args);
	if (r < 0)
		return r;
	created_close(&c);
	return 0;
}
