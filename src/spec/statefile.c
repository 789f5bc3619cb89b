/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * <root>/<id>/state.json, read side (src/state/ writes it with the JSON
 * writer).  The file is ours, but it sits in a directory a confused user or
 * a crash can leave odd, so it gets the same typed reading as config.json.
 *
 * Keys: the runc `state` fields (ociVersion, id, status, pid, bundle,
 * rootfs, created, owner, annotations) plus husk's own, top level:
 * pidStartTime, configSha256, cgroupPath, cgroupDirs, systemdUnit, systemdCgroup,
 * rootless.
 */
#include <errno.h>
#include <stdlib.h>

#include "husk/spec.h"
#include "husk/util.h"
#include "spec/spec-internal.h"

static const char *const statuses[] = {
	"creating", "created", "running", "paused", "stopped", NULL,
};

static int parse_state(const struct jr *r, const struct jnode *top, struct husk_state_file *s)
{
	const struct jnode *f;
	int64_t pid = 0;
	int ret;

	if ((ret = jr_object(r, top, NULL)) < 0 ||
	    (ret = jr_get_string(r, top, NULL, "ociVersion", &s->oci_version)) < 0 ||
	    (ret = jr_require(r, top, NULL, "id", &f)) < 0 ||
	    (ret = jr_get_string(r, top, NULL, "id", &s->id)) < 0 ||
	    (ret = jr_require(r, top, NULL, "status", &f)) < 0 ||
	    (ret = jr_get_string(r, top, NULL, "status", &s->status)) < 0)
		return ret;
	if (jr_lookup(statuses, s->status) < 0)
		return jr_fail(r, JP_KEY(NULL, "status"), "unknown status \"%.40s\"", s->status);
	if ((ret = jr_get_int(r, top, NULL, "pid", 0, INT32_MAX, &pid)) < 0 ||
	    (ret = jr_get_uint(r, top, NULL, "pidStartTime", UINT64_MAX,
			       &s->pid_start_time)) < 0 ||
	    (ret = jr_get_string(r, top, NULL, "bundle", &s->bundle)) < 0 ||
	    (ret = jr_get_string(r, top, NULL, "rootfs", &s->rootfs)) < 0 ||
	    (ret = jr_get_string(r, top, NULL, "created", &s->created)) < 0 ||
	    (ret = jr_get_string(r, top, NULL, "owner", &s->owner)) < 0 ||
	    (ret = jr_get_kv(r, top, NULL, "annotations", &s->annotations,
			     &s->n_annotations)) < 0 ||
	    (ret = jr_get_string(r, top, NULL, "configSha256", &s->config_sha256)) < 0 ||
	    (ret = jr_get_string(r, top, NULL, "cgroupPath", &s->cgroup_path)) < 0 ||
	    (ret = jr_get_kv(r, top, NULL, "cgroupDirs", &s->cgroup_dirs,
			     &s->n_cgroup_dirs)) < 0 ||
	    (ret = jr_get_string(r, top, NULL, "systemdUnit", &s->systemd_unit)) < 0 ||
	    (ret = jr_get_bool(r, top, NULL, "systemdCgroup", &s->systemd_cgroup)) < 0 ||
	    (ret = jr_get_bool(r, top, NULL, "rootless", &s->rootless)) < 0)
		return ret;
	s->pid = pid;
	return 0;
}

int state_file_parse(const char *json, size_t len, struct husk_state_file **out,
		     struct husk_error *err)
{
	_cleanup_jtree_ struct jtree *tree = NULL;
	struct jr r = { .name = "state.json", .err = err };
	struct husk_state_file *s;
	int ret;

	ret = jtree_parse(json, len, r.name, &tree, err);
	if (ret < 0)
		return ret;
	s = xcalloc(1, sizeof(*s));
	ret = parse_state(&r, jtree_root(tree), s);
	if (ret < 0) {
		state_file_free(s);
		return ret;
	}
	*out = s;
	return 0;
}

void state_file_free(struct husk_state_file *s)
{
	if (!s)
		return;
	int saved = errno;

	free(s->oci_version);
	free(s->id);
	free(s->status);
	free(s->bundle);
	free(s->rootfs);
	free(s->created);
	free(s->owner);
	kv_free(s->annotations, s->n_annotations);
	free(s->config_sha256);
	free(s->cgroup_path);
	kv_free(s->cgroup_dirs, s->n_cgroup_dirs);
	free(s->systemd_unit);
	free(s);
	errno = saved;
}
