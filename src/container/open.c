/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Opening a container for a verb, and what `state` and `list` show of it. */
#define _GNU_SOURCE
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "container-internal.h"
#include "husk/json.h"
#include "husk/log.h"
#include "husk/util.h"

int ctr_root_open(const struct container_globals *g, bool create, struct state_root *root,
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

/* A record with only the id, for a container that has none (yet). */
static struct husk_state_file *record_placeholder(const char *id)
{
	struct husk_state_file *st = xcalloc(1, sizeof(*st));

	st->id = xstrdup(id);
	st->status = xstrdup("creating");
	return st;
}

int ctr_load(struct state_root *root, const char *id, unsigned flags, struct container_dir *dir,
	     struct husk_state_file **st, enum container_status *status, struct husk_error *err)
{
	int r;

	*st = NULL;
	r = container_dir_open(root, id, flags & CTR_LOCK, dir, err);
	if (r < 0)
		return r;
	r = state_read(dir, st, err);
	if (r == -ENOENT) {
		/* Between create's mkdir and its first record. */
		husk_error_clear(err);
		*st = record_placeholder(id);
	} else if (r < 0 && (flags & CTR_ANY_STATE)) {
		log_warn("%s (treating container \"%s\" as stopped)", err->msg, id);
		husk_error_clear(err);
		*st = record_placeholder(id);
		*status = STATUS_STOPPED;
		return 0;
	} else if (r < 0) {
		container_dir_close(dir);
		return r;
	}
	if (str_eq((*st)->status, "creating"))
		*status = container_dir_busy(dir) ? STATUS_CREATING : STATUS_STOPPED;
	else
		*status = ctr_status_frozen(*st, state_status(dir, *st));
	return 0;
}

int ctr_open(const struct container_globals *g, const char *id, unsigned flags, struct ctr *c,
	     struct husk_error *err)
{
	int r;

	memset(c, 0, sizeof(*c));
	c->root.fd = -1;
	c->dir.fd = -1;
	c->dir.lock_fd = -1;
	c->status = STATUS_STOPPED;
	r = container_id_validate(id, err);
	if (r < 0)
		return r;
	r = ctr_root_open(g, false, &c->root, err);
	if (r == -ENOENT)
		return husk_error_setq(err, ENOENT, "container \"%s\" does not exist", id);
	if (r < 0)
		return r;
	r = ctr_load(&c->root, id, flags, &c->dir, &c->st, &c->status, err);
	if (r < 0)
		state_root_close(&c->root);
	return r;
}

void ctr_close(struct ctr *c)
{
	state_file_free(c->st);
	c->st = NULL;
	container_dir_close(&c->dir);
	state_root_close(&c->root);
}

/*
 * "owner" when the record has none: the user owning the container's
 * directory, looked up when shown (state, list) rather than on every
 * create, as runc does.
 */
static void view_fill_owner(struct husk_state_file *st, const struct container_dir *dir)
{
	struct passwd *pw;
	struct stat sb;

	if ((st->owner && st->owner[0]) || fstat(dir->fd, &sb) < 0)
		return;
	pw = getpwuid(sb.st_uid);
	free(st->owner);
	st->owner = xstrdup(pw && pw->pw_name ? pw->pw_name : "");
}

int container_state(const struct container_globals *g, const char *id,
		    struct container_view *out, struct husk_error *err)
{
	struct ctr c;
	int r;

	memset(out, 0, sizeof(*out));
	r = ctr_open(g, id, 0, &c, err);
	if (r < 0)
		return r;
	view_fill_owner(c.st, &c.dir);
	out->st = TAKE_PTR(c.st);
	out->status = c.status;
	ctr_close(&c);
	return 0;
}

int container_list(const struct container_globals *g, struct container_view **out, size_t *n,
		   struct husk_error *err)
{
	_cleanup_strv_ char **ids = NULL;
	struct state_root root = { .fd = -1 };
	struct container_view *v;
	size_t k = 0;
	int r;

	*out = NULL;
	*n = 0;
	r = ctr_root_open(g, false, &root, err);
	if (r == -ENOENT) {
		husk_error_clear(err);
		return 0;
	}
	if (r == 0)
		r = state_list_ids(&root, &ids, err);
	if (r < 0) {
		state_root_close(&root);
		return r;
	}
	v = xcalloc(strv_length(ids) + 1, sizeof(*v));
	for (size_t i = 0; ids[i]; i++) {
		struct husk_error e = { 0 };
		struct container_dir dir;

		if (ctr_load(&root, ids[i], 0, &dir, &v[k].st, &v[k].status, &e) < 0) {
			log_warn("%s", e.msg);
			continue;
		}
		view_fill_owner(v[k].st, &dir);
		container_dir_close(&dir);
		k++;
	}
	state_root_close(&root);
	*out = v;
	*n = k;
	return 0;
}

void container_view_free(struct container_view *v)
{
	state_file_free(v->st);
	v->st = NULL;
}

void container_views_free(struct container_view *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		container_view_free(&v[i]);
	free(v);
}

static bool status_has_pid(enum container_status s)
{
	return s == STATUS_CREATED || s == STATUS_RUNNING || s == STATUS_PAUSED;
}

void container_state_json(struct json_writer *w, const struct container_view *v)
{
	json_open_object(w);
	state_json_oci_members(w, v->st, container_status_name(v->status),
			       status_has_pid(v->status) ? v->st->pid : 0);
	json_close_object(w);
}
