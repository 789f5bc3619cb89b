/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Joining existing namespaces given by .linux.namespaces[].path: the "pod"
 * case, where a second container shares the first one's namespaces.
 * Rootless, the user namespace must be joined too (the others belong to it).
 */
#include <limits.h>
#include <unistd.h>

#include "harness.h"

static long long container_pid(struct hctx *c, const char *id)
{
	struct hres r = { 0 };
	long long pid;

	HUSK(c, &r, "state", id);
	assert_husk_ok(&r);
	hjson v = json_parse_or_fail(r.out, "husk state output");
	pid = json_int(JSON_AT(v, "pid"));
	json_free(v);
	hres_free(&r);
	cr_assert_gt(pid, 0);
	return pid;
}

static char *ns_link(long long pid, const char *type)
{
	char path[64], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%lld/ns/%s", pid, type);
	n = readlink(path, target, sizeof(target) - 1);
	cr_assert_gt(n, 0, "readlink %s", path);
	target[n] = '\0';
	return strdup(target);
}

HTEST(namespaces, join_by_path)
{
	struct hres r = { 0 };
	const char *pod = hctx_new_id(c);
	bool rootless = c->mode == MODE_ROOTLESS;
	char nsjson[1024];
	long long pid;

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("sleep", "100") });
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, pod);
	assert_husk_ok(&r);
	pid = container_pid(c, pod);

	/* The second container: its own mount namespace, the pod's others
	 * (rootless: the pod's user namespace too, which owns them all). */
	snprintf(nsjson, sizeof(nsjson),
		 "[{\"type\": \"mount\"}, {\"type\": \"pid\", \"path\": \"/proc/%lld/ns/pid\"},"
		 " {\"type\": \"ipc\", \"path\": \"/proc/%lld/ns/ipc\"},"
		 " {\"type\": \"uts\", \"path\": \"/proc/%lld/ns/uts\"},"
		 " {\"type\": \"%s\", \"path\": \"/proc/%lld/ns/%s\"}]",
		 pid, pid, pid, rootless ? "user" : "network", pid, rootless ? "user" : "net");

	char *text = bundle_config_text(c, &(struct bundle_cfg){
		.args = ARGS("sh", "-c",
			     "for n in pid ipc uts user net; do readlink /proc/self/ns/$n; done; "
			     "ps -o comm | grep -c '^sleep$'") });
	char *joined = json_text_replace(text, "namespaces", nsjson);
	char *path = hpath(c, "bundle/config.json");
	write_text(path, joined);
	chown_to_user(c, path);

	HUSK(c, &r, "run", "--bundle", c->bundle, hctx_new_id(c));
	assert_husk_ok(&r);

	const char *types[] = { "pid", "ipc", "uts", "user", "net" };
	char want[1024] = "";
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char *l = ns_link(pid, types[i]);
		strncat(want, l, sizeof(want) - strlen(want) - 2);
		strcat(want, "\n");
		free(l);
	}
	/* ... and the pod's sleep is visible from the joined pid namespace. */
	strncat(want, "1\n", sizeof(want) - strlen(want) - 1);
	cr_assert_str_eq(r.out, want, "stderr: %s", r.err);

	free(text);
	free(joined);
	free(path);
	hres_free(&r);
}

/* A namespace path that does not exist is an error naming the JSON path. */
HTEST(namespaces, join_missing_path_fails_cleanly)
{
	struct hres r = { 0 };
	char *text = bundle_config_text(c, &(struct bundle_cfg){ .args = ARGS("true") });
	char *bad = json_text_replace(text, "namespaces",
				      "[{\"type\": \"mount\"}, {\"type\": \"pid\"},"
				      " {\"type\": \"ipc\", \"path\": \"/proc/self/ns/nope\"}]");
	char *path = hpath(c, "bundle/config.json");

	bundle_make_rootfs(c);
	write_text(path, bad);
	chown_to_user(c, path);
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	cr_assert_neq(r.code, 0);
	cr_assert(strstr(r.err, ".linux.namespaces[2].path") != NULL, "stderr: %s", r.err);
	cr_assert(strstr(r.err, "/proc/self/ns/nope") != NULL, "stderr: %s", r.err);
	assert_nothing_left(c);
	free(text);
	free(bad);
	free(path);
	hres_free(&r);
}

/*
 * Joining husk's own (the host's) uts namespace by path must not let
 * .hostname rename the host.  Rootless, the kernel refuses the join itself.
 */
HTEST(namespaces, hostname_in_joined_host_uts_is_refused)
{
	struct hres r = { 0 };
	char before[256], after[256];
	char *text = bundle_config_text(c, &(struct bundle_cfg){ .args = ARGS("true") });
	char *bad = json_text_replace(text, "namespaces",
				      "[{\"type\": \"mount\"}, {\"type\": \"pid\"},"
				      " {\"type\": \"uts\", \"path\": \"/proc/self/ns/uts\"}]");
	char *path = hpath(c, "bundle/config.json");

	cr_assert_eq(gethostname(before, sizeof(before)), 0);
	bundle_make_rootfs(c);
	write_text(path, bad);
	chown_to_user(c, path);
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	cr_assert_eq(gethostname(after, sizeof(after)), 0);
	cr_assert_str_eq(after, before, "the host was renamed");
	cr_assert_neq(r.code, 0, "stdout: %s", r.out);
	if (c->mode == MODE_ROOT)
		cr_assert(strstr(r.err, "husk's own") != NULL, "stderr: %s", r.err);
	assert_nothing_left(c);
	free(text);
	free(bad);
	free(path);
	hres_free(&r);
}
