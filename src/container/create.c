/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * create: the parent's stage table.
 *
 * Everything that can be checked without touching the disk (id, bundle,
 * config.json, rootfs, capabilities, the seccomp filter) is checked first;
 * then the stages below run in order, each with an undo.  A stage that
 * fails is undone by itself; the stages done before it are undone in
 * reverse, and the error names the stage.  The state record is written
 * before anything exists and updated as each resource is acquired, so if
 * husk is killed at any point, `delete --force` finds in the record all it
 * needs (container_teardown()).
 *
 *   parent (husk)                         child (container process)
 *    prepare    plan, caps, seccomp        -
 *    record     dir, "creating", config    -
 *    cgroup     make the cgroup            -
 *    exec-fifo  the fifo                   -
 *    clone      clone3 ─────────────────►  close-fds, parent-death, wait-idmap
 *    record-pid pid + start time           (dies with husk until here)
 *    idmap      uid/gid maps               -
 *    limits     enter it, limits           -
 *    setup      MAPS_DONE, serve, READY ◄  namespaces ... rootfs-mounts,
 *                 create-runtime point      create-runtime, create-container,
 *                 seccomp listener fds      rootfs-pivot ... seccomp-notify,
 *                                           outlive-husk, READY
 *    console    (issue 13)                 wait-start (exec fifo)
 *    created    record: "created"          ...
 *    pid-file   --pid-file
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container-internal.h"
#include "husk/cgroup.h"
#include "husk/fault.h"
#include "husk/host.h"
#include "husk/interrupt.h"
#include "husk/log.h"
#include "husk/util.h"

/* Everything create works with. */
struct create_ctx {
	const struct container_globals *g;
	const struct container_create_opts *o;
	const char *id;
	char *bundle;               /* absolute */
	char *config_text;          /* the bytes of config.json, pinned at "record" */
	size_t config_len;
	struct husk_spec *spec;
	char *rootfs;               /* the path the rootfs fd has */
	int rootfs_fd;
	int fifo_fd;                /* our read end of the exec fifo, until "created" */
	struct launch_opts lo;
	struct cgroup *cg;          /* NULL: the container has no cgroup */
	struct created *c;          /* root, dir, record, launch: what the caller gets */
};

/*
 * The root filesystem: .root.path against the bundle, opened here once
 * (O_PATH; symlinks in the path are followed now, as runc resolves them).
 * Everything after, the container's root included, is built from that fd,
 * never from the path again, so a rootfs swapped for a symlink meanwhile
 * cannot redirect it.
 */
static int rootfs_open(struct create_ctx *x, struct husk_error *err)
{
	_cleanup_free_ char *joined = NULL;
	_cleanup_close_ int dfd = -1;
	const char *path = x->spec->root_path;
	char link[64];
	struct stat st;

	if (!path || !*path)
		return husk_error_setq(err, EINVAL, "config.json: .root.path: required");
	joined = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", x->bundle, path);
	dfd = open(joined, O_PATH | O_CLOEXEC);
	if (dfd < 0)
		return husk_error_set(err, errno, "config.json: .root.path: open the rootfs %s",
				      joined);
	if (fstat(dfd, &st) < 0 || !S_ISDIR(st.st_mode))
		return husk_error_setq(err, ENOTDIR, "config.json: .root.path: rootfs %s is not "
				       "a directory", joined);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dfd);
	x->rootfs = realpath(link, NULL);
	if (!x->rootfs)
		return husk_error_set(err, errno, "config.json: .root.path: the path of the rootfs "
				      "%s (readlink %s)", joined, link);
	x->rootfs_fd = TAKE_FD(dfd);
	return 0;
}

/* The bundle, its config.json (bytes kept for pinning) and the rootfs. */
static int inputs_load(struct create_ctx *x, struct husk_error *err)
{
	const char *b = x->o->bundle && *x->o->bundle ? x->o->bundle : ".";
	_cleanup_free_ char *path = NULL;
	int r;

	r = container_id_validate(x->id, err);
	if (r < 0)
		return r;
	x->bundle = realpath(b, NULL);
	if (!x->bundle)
		return husk_error_set(err, errno, "bundle %s", b);
	path = xasprintf("%s/config.json", x->bundle);
	r = read_file_at(AT_FDCWD, path, SPEC_MAX_BYTES, &x->config_text, &x->config_len, err);
	if (r == -ENOENT)
		husk_error_hint(err, "is --bundle right? 'husk spec' writes a default config.json");
	if (r == 0)
		r = spec_parse(x->config_text, x->config_len, "config.json", &x->spec, err);
	if (r == 0 && x->spec->linux_ && x->spec->linux_->intel_rdt &&
	    !host_has(HOST_FEATURE_RESCTRL))
		r = husk_error_setq(err, EOPNOTSUPP, "config.json: .linux.intelRdt: this host has "
				    "no Intel RDT (no resctrl filesystem at /sys/fs/resctrl): drop "
				    ".linux.intelRdt, or run where the CPU has RDT and resctrl is "
				    "mounted");
	if (r == 0)
		r = spec_check_supported(x->spec, err);
	if (r == 0)
		r = rootfs_open(x, err);
	return r;
}

/* ---- the stages ---------------------------------------------------------------- */

static int do_prepare(struct create_ctx *x, struct husk_error *err)
{
	x->lo = (struct launch_opts){
		.spec = x->spec,
		.id = x->id,
		.bundle = x->bundle,
		.rootfs = x->rootfs,
		.rootfs_fd = x->rootfs_fd,
		.exec_fifo_fd = -1,
		.preserve_fds = x->o->preserve_fds,
		.no_pivot = x->o->no_pivot,
		.no_new_keyring = x->o->no_new_keyring,
		.no_init = x->o->no_init,
		.console_socket = x->o->console_socket,
	};
	seccomp_cache_setup();
	return launch_prepare(&x->lo, &x->c->launch, err);
}

static int do_record(struct create_ctx *x, struct husk_error *err)
{
	struct created *c = x->c;
	int r;

	r = ctr_root_open(x->g, true, &c->root, err);
	if (r < 0)
		return r;
	r = container_dir_create(&c->root, x->id, &c->dir, err);
	if (r < 0)
		return r;
	c->st = record_new(x->g, x->id, x->bundle, x->rootfs, x->spec);
	r = record_pin_config(&c->dir, x->config_text, x->config_len, c->st, err);
	if (r == 0)
		r = state_write(&c->dir, c->st, err);
	if (r < 0) {
		container_dir_remove(&c->dir, NULL);
		return r;
	}
	return 0;
}

static void undo_record(struct create_ctx *x)
{
	struct husk_error e = { 0 };

	if (container_teardown(&x->c->dir, x->c->st, &e) < 0)
		log_warn("%s", e.msg);
}

/* The cgroup's directories go into the record as soon as they exist. */
static int record_cgroup(struct create_ctx *x, struct husk_error *err)
{
	struct husk_state_file *st = x->c->st;

	if (!cgroup_exists(x->cg))
		return 0;
	free(st->cgroup_path);
	st->cgroup_path = cgroup_path(x->cg) ? xstrdup(cgroup_path(x->cg)) : NULL;
	free(st->systemd_unit);
	st->systemd_unit = cgroup_unit(x->cg) ? xstrdup(cgroup_unit(x->cg)) : NULL;
	for (size_t i = 0; i < st->n_cgroup_dirs; i++) {
		free(st->cgroup_dirs[i].key);
		free(st->cgroup_dirs[i].value);
	}
	free(st->cgroup_dirs);
	st->n_cgroup_dirs = cgroup_record_dirs(x->cg, &st->cgroup_dirs);
	return state_write(&x->c->dir, st, err);
}

/*
 * The container's cgroup, made before the clone so that clone3 can put
 * the child straight into it (CLONE_INTO_CGROUP).  Rootless, a container
 * that asks for no limit and names no cgroup gets none: no cgroup work on
 * that path at all.
 */
static int do_cgroup(struct create_ctx *x, struct husk_error *err)
{
	const struct husk_linux *lx = x->spec->linux_;
	const struct husk_resources *res = lx ? lx->resources : NULL;
	const char *path = lx ? lx->cgroups_path : NULL;
	struct cgroup_opts o = {
		.id = x->id,
		.path = path,
		.systemd = x->g->systemd_cgroup,
		.rootless = host_rootless(),
		.resources = res,
		.devices = lx ? lx->devices : NULL,
		.n_devices = lx ? lx->n_devices : 0,
		.annotations = x->spec->annotations,
		.n_annotations = x->spec->n_annotations,
	};
	int r;

	if (o.rootless && !o.systemd && (!path || !*path) && !cgroup_has_limits(res))
		return 0;
	r = cgroup_create(&o, &x->cg, err);
	if (r == 0)
		r = record_cgroup(x, err);
	launch_set_cgroup(x->c->launch, cgroup_clone_fd(x->cg));
	return r;
}

static void undo_cgroup(struct create_ctx *x)
{
	struct husk_error e = { 0 };

	if (x->cg && cgroup_destroy(x->cg, &e) < 0)
		log_warn("%s", e.msg);
}

static int do_exec_fifo(struct create_ctx *x, struct husk_error *err)
{
	int r = exec_fifo_create(&x->c->dir, &x->fifo_fd, err);

	x->lo.exec_fifo_fd = x->fifo_fd;
	return r;
}

static int do_clone(struct create_ctx *x, struct husk_error *err)
{
	return launch_clone(x->c->launch, err);
}

static void undo_clone(struct create_ctx *x)
{
	launch_kill(x->c->launch);
}

/* The record names the process before it can outlive husk. */
static int do_record_pid(struct create_ctx *x, struct husk_error *err)
{
	struct husk_state_file *st = x->c->st;

	st->pid = launch_pid(x->c->launch);
	st->pid_start_time = pid_start_time((pid_t)st->pid);
	return state_write(&x->c->dir, st, err);
}

static int do_idmap(struct create_ctx *x, struct husk_error *err)
{
	return launch_idmap(x->c->launch, err);
}

/*
 * The container process into every hierarchy clone3 did not already put it
 * in (systemd: its scope is made now, around it), then the limits: all
 * before the child is let go on past its id maps.
 */
static int do_limits(struct create_ctx *x, struct husk_error *err)
{
	struct launch *l = x->c->launch;
	int r;

	if (!x->cg)
		return 0;
	r = cgroup_enter(x->cg, launch_pid(l), launch_in_cgroup(l), err);
	if (r == 0 && cgroup_unit(x->cg))
		r = record_cgroup(x, err);
	return r;
}

/*
 * The child stops here when the spec has prestart or createRuntime hooks:
 * they run (issue 13) while it waits.  Until then they are named in the
 * "not applied" notice.
 */
static int on_point(void *data, const char *point, struct husk_error *err)
{
	return 0;
}

static int do_setup(struct create_ctx *x, struct husk_error *err)
{
	return launch_setup(x->c->launch, on_point, x, err);
}

/* Issue 13: the pty master to --console-socket (refused before the clone until then). */
static int do_console(struct create_ctx *x, struct husk_error *err)
{
	return 0;
}

static int do_created(struct create_ctx *x, struct husk_error *err)
{
	struct husk_state_file *st = x->c->st;

	/* Our copy of the read end must go: start detects a dead container by
	 * finding no reader left. */
	closep(&x->fifo_fd);
	if (!state_pid_alive((pid_t)st->pid, st->pid_start_time))
		return husk_error_setq(err, ESRCH, "the container process exited during create");
	free(st->status);
	st->status = xstrdup("created");
	return state_write(&x->c->dir, st, err);
}

static int do_pid_file(struct create_ctx *x, struct husk_error *err)
{
	if (!x->o->pid_file)
		return 0;
	return pid_file_write(x->o->pid_file, (pid_t)x->c->st->pid, err);
}

/* A signal that came while husk was not waiting counts as well. */
static int do_done(struct create_ctx *x, struct husk_error *err)
{
	return interrupt_wait(-1, 0, 0, "creating the container", err);
}

struct parent_stage {
	const char *name;           /* unique: the fault point, and the message's prefix */
	int (*run)(struct create_ctx *x, struct husk_error *err);
	void (*undo)(struct create_ctx *x);
	bool quiet;                 /* no prefix: the message speaks for itself */
};

static const struct parent_stage create_stages[] = {
	{ .name = "prepare", .run = do_prepare, .quiet = true },
	{ .name = "record", .run = do_record, .undo = undo_record, .quiet = true },
	{ .name = "cgroup", .run = do_cgroup, .undo = undo_cgroup, .quiet = true },
	{ .name = "exec-fifo", .run = do_exec_fifo },
	{ .name = "clone", .run = do_clone, .undo = undo_clone, .quiet = true },
	{ .name = "record-pid", .run = do_record_pid },
	{ .name = "idmap", .run = do_idmap },
	{ .name = "limits", .run = do_limits, .quiet = true },
	{ .name = "setup", .run = do_setup, .quiet = true },
	{ .name = "console", .run = do_console },
	{ .name = "created", .run = do_created, .quiet = true },
	{ .name = "pid-file", .run = do_pid_file, .quiet = true },
	{ .name = "done", .run = do_done, .quiet = true },
};

static int stages_run(const struct parent_stage *t, size_t n, struct create_ctx *x,
		      struct husk_error *err)
{
	size_t i;
	int r = 0;

	for (i = 0; i < n; i++) {
		r = fault_point("parent", t[i].name, err);
		if (r == 0)
			r = t[i].run(x, err);
		if (r < 0)
			break;
	}
	if (r == 0)
		return 0;
	if (!t[i].quiet)
		husk_error_prefix(err, "%s", t[i].name);
	while (i-- > 0)
		if (t[i].undo)
			t[i].undo(x);
	return r;
}

static void create_ctx_free(struct create_ctx *x)
{
	free(x->bundle);
	free(x->config_text);
	spec_free(x->spec);
	free(x->rootfs);
	closep(&x->rootfs_fd);
	closep(&x->fifo_fd);
	cgroup_free(x->cg);
}

static void created_init(struct created *c)
{
	memset(c, 0, sizeof(*c));
	c->root.fd = -1;
	c->dir.fd = -1;
	c->dir.lock_fd = -1;
}

void created_close(struct created *c)
{
	launch_free(c->launch);
	c->launch = NULL;
	container_dir_close(&c->dir);
	state_root_close(&c->root);
	state_file_free(c->st);
	c->st = NULL;
}

void created_destroy(struct created *c)
{
	struct husk_error e = { 0 };

	if (c->launch)
		launch_kill(c->launch);
	if (c->dir.fd >= 0 && container_teardown(&c->dir, c->st, &e) < 0)
		log_warn("%s", e.msg);
	created_close(c);
}

int create_container(const struct container_globals *g, const char *id,
		     const struct container_create_opts *o, struct created *c,
		     struct husk_error *err)
{
	struct create_ctx x = { .g = g, .o = o, .id = id, .rootfs_fd = -1, .fifo_fd = -1, .c = c };
	_cleanup_free_ char *unapplied = NULL;
	int r;

	created_init(c);
	/* From here on a SIGTERM ends husk through the undo, not halfway. */
	r = interrupt_arm(err);
	if (r == 0)
		r = inputs_load(&x, err);
	if (r == 0) {
		r = stages_run(create_stages, ARRAY_SIZE(create_stages), &x, err);
		unapplied = r == 0 ? spec_unapplied(x.spec) : NULL;
		if (c->launch)
			launch_report_log(launch_report(c->launch), r == 0, unapplied);
		if (r == 0 && cgroup_notice(x.cg))
			log_warn("%s", cgroup_notice(x.cg));
	}
	create_ctx_free(&x);
	if (r < 0)
		created_close(c);
	return r;
}

int container_create(const struct container_globals *g, const char *id,
		     const struct container_create_opts *o, struct husk_error *err)
{
	struct created c;
	int r = create_container(g, id, o, &c, err);

	if (r == 0)
		created_close(&c);
	return r;
}
