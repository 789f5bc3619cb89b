/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * <root>/<id>/state.json: written here with the JSON writer, read back by
 * state_file_parse() in src/spec/ (the only JSON parser).  The key names
 * are the contract between the two: runc's state fields plus husk's own
 * (pidStartTime, configSha256, cgroupPath, cgroupDirs, systemdUnit, systemdCgroup,
 * rootless).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>

#include "husk/json.h"
#include "husk/state.h"
#include "husk/util.h"

#define STATE_FILE_MAX (1u << 20)

char *state_timestamp_now(void)
{
	char buf[64];

	timestamp_now(buf, sizeof(buf));
	return xstrdup(buf);
}

/*
 * The OCI state members, in runc's order: shared by state.json and by
 * `husk state`/`husk list`, which pass the live status and pid instead of
 * the recorded ones.  Annotations only when there are some.
 */
void state_json_oci_members(struct json_writer *w, const struct husk_state_file *st,
			    const char *status, int64_t pid)
{
	json_kv_string(w, "ociVersion", st->oci_version ? st->oci_version : HUSK_OCI_VERSION);
	json_kv_string(w, "id", st->id ? st->id : "");
	json_kv_int(w, "pid", pid);
	json_kv_string(w, "status", status ? status : "");
	json_kv_string(w, "bundle", st->bundle ? st->bundle : "");
	json_kv_string(w, "rootfs", st->rootfs ? st->rootfs : "");
	json_kv_string(w, "created", st->created ? st->created : "");
	json_kv_string(w, "owner", st->owner ? st->owner : "");
	if (st->n_annotations > 0) {
		json_key(w, "annotations");
		json_open_object(w);
		for (size_t i = 0; i < st->n_annotations; i++)
			json_kv_string(w, st->annotations[i].key, st->annotations[i].value);
		json_close_object(w);
	}
}

/* The members of state.json: the OCI ones as recorded, then husk's. */
static void state_json_members(struct json_writer *w, const struct husk_state_file *st)
{
	state_json_oci_members(w, st, st->status, st->pid);
	json_kv_uint(w, "pidStartTime", st->pid_start_time);
	if (st->config_sha256)
		json_kv_string(w, "configSha256", st->config_sha256);
	if (st->cgroup_path)
		json_kv_string(w, "cgroupPath", st->cgroup_path);
	if (st->n_cgroup_dirs > 0) {
		json_key(w, "cgroupDirs");
		json_open_object(w);
		for (size_t i = 0; i < st->n_cgroup_dirs; i++)
			json_kv_string(w, st->cgroup_dirs[i].key, st->cgroup_dirs[i].value);
		json_close_object(w);
	}
	if (st->systemd_unit)
		json_kv_string(w, "systemdUnit", st->systemd_unit);
	json_kv_bool(w, "systemdCgroup", st->systemd_cgroup);
	json_kv_bool(w, "rootless", st->rootless);
}

int state_write(struct container_dir *dir, const struct husk_state_file *st,
		struct husk_error *err)
{
	_cleanup_json_writer_ struct json_writer *w = json_writer_new(false);
	const char *buf;
	size_t len;
	int r;

	json_open_object(w);
	state_json_members(w, st);
	json_close_object(w);
	r = json_writer_finish(w, &buf, &len, err);
	if (r < 0)
		return husk_error_prefix(err, "%s/%s", dir->path, STATE_FILE_NAME);
	r = write_file_atomic_at(dir->fd, STATE_FILE_NAME, buf, len, 0600, err);
	if (r < 0)
		return husk_error_prefix(err, "write state of container \"%s\"", dir->id);
	return 0;
}

/*
 * Read and parse state.json.  -ENOENT (message "container ... has no state
 * yet") when create has not written it: the caller decides whether that
 * means "creating" or "left over by a failed create".
 */
int state_read(struct container_dir *dir, struct husk_state_file **out,
	       struct husk_error *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	*out = NULL;
	r = read_file_at(dir->fd, STATE_FILE_NAME, STATE_FILE_MAX, &buf, &len, err);
	if (r == -ENOENT)
		return husk_error_setq(err, ENOENT, "container \"%s\" has no state yet", dir->id);
	if (r < 0)
		return husk_error_prefix(err, "%s", dir->path);
	r = state_file_parse(buf, len, out, err);
	if (r < 0)      /* the parser's messages start with "state.json: " */
		return husk_error_prefix(err, "%s", dir->path);
	return 0;
}
