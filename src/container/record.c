/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state record of a container being created, and its pinned config.
 *
 * The config is pinned as the bytes create read from the bundle, in
 * <root>/<id>/config.json, with their SHA-256 in the record: exec, update,
 * hooks and delete parse that copy, so editing (or removing) the bundle of
 * a running container changes nothing about it, as with runc.  The hash
 * turns a copy changed or cut short behind husk's back into an error
 * instead of a different seccomp filter.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "container-internal.h"
#include "husk/host.h"
#include "husk/sha256.h"
#include "husk/util.h"

struct husk_state_file *record_new(const struct container_globals *g, const char *id,
				   const char *bundle, const char *rootfs,
				   const struct husk_spec *spec)
{
	struct husk_state_file *st = xcalloc(1, sizeof(*st));

	st->oci_version = xstrdup(HUSK_OCI_VERSION);
	st->id = xstrdup(id);
	st->status = xstrdup("creating");
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
	st->rootless = host_rootless();
	return st;
}

static void sha256_hex(const char *text, size_t len, char hex[2 * SHA256_BYTES + 1])
{
	uint8_t sum[SHA256_BYTES];
	struct sha256 h;

	sha256_init(&h);
	sha256_update(&h, text, len);
	sha256_final(&h, sum);
	for (size_t i = 0; i < SHA256_BYTES; i++)
		snprintf(hex + 2 * i, 3, "%02x", sum[i]);
}

int record_pin_config(struct container_dir *dir, const char *text, size_t len,
		      struct husk_state_file *st, struct husk_error *err)
{
	char hex[2 * SHA256_BYTES + 1];
	int r;

	r = write_file_atomic_at(dir->fd, PINNED_CONFIG_NAME, text, len, 0600, err);
	if (r < 0)
		return husk_error_prefix(err, "keep the config of container \"%s\"", dir->id);
	sha256_hex(text, len, hex);
	free(st->config_sha256);
	st->config_sha256 = xstrdup(hex);
	return 0;
}

int record_config_text(struct container_dir *dir, const struct husk_state_file *st,
		       char **text, size_t *len, struct husk_error *err)
{
	_cleanup_free_ char *buf = NULL;
	char hex[2 * SHA256_BYTES + 1];
	int r;

	*text = NULL;
	*len = 0;
	if (!st->config_sha256)
		return husk_error_setq(err, ENOENT, "container \"%s\" has no pinned config (made "
				       "by an older husk?): delete and create it again", dir->id);
	r = read_file_at(dir->fd, PINNED_CONFIG_NAME, SPEC_MAX_BYTES, &buf, len, err);
	if (r < 0)
		return husk_error_prefix(err, "the config of container \"%s\" (%s/%s)", dir->id,
					 dir->path, PINNED_CONFIG_NAME);
	sha256_hex(buf, *len, hex);
	if (strcmp(hex, st->config_sha256) != 0)
		return husk_error_setq(err, EBADMSG, "%s/%s: the config of container \"%s\" was "
				       "changed since create (its SHA-256 differs from the record's)",
				       dir->path, PINNED_CONFIG_NAME, dir->id);
	*text = TAKE_PTR(buf);
	return 0;
}

int record_load_config(struct container_dir *dir, const struct husk_state_file *st,
		       struct husk_spec **out, struct husk_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	r = record_config_text(dir, st, &text, &len, err);
	if (r < 0)
		return r;
	r = spec_parse(text, len, "config.json", out, err);
	if (r < 0)
		return husk_error_prefix(err, "container \"%s\"", dir->id);
	return 0;
}
