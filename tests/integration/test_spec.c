// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `husk spec`: the default config.json, the rootless variant, refusing to
 * overwrite, and that what it writes runs.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "integration/harness.h"

/* Run `husk spec [extra] --bundle <work>/spec`; returns config.json's text. */
static char *make_spec(struct hctx *c, const char *extra)
{
	struct hres r = { 0 };
	char *dir = hpath(c, "spec");
	char *path = hpath(c, "spec/config.json");

	cr_assert(mkdir(dir, 0755) == 0);
	chown_to_user(c, dir);
	if (extra)
		HUSK(c, &r, "spec", extra, "--bundle", dir);
	else
		HUSK(c, &r, "spec", "--bundle", dir);
	assert_husk_ok(&r);
	char *text = read_text(path);
	cr_assert(text, "husk spec did not write %s", path);
	free(dir);
	free(path);
	hres_free(&r);
	return text;
}

/* The namespace types listed in .linux.namespaces, as a set of flags. */
static bool has_namespace(hjson config, const char *type)
{
	return json_find_by(JSON_AT(config, "linux", "namespaces"), "type", type) != NULL;
}

static hjson find_mount(hjson config, const char *destination)
{
	return json_find_by(JSON_AT(config, "mounts"), "destination", destination);
}

HTEST(spec, default_config)
{
	char *text = make_spec(c, NULL);
	hjson v = json_parse_or_fail(text, "husk spec's config.json");

	cr_assert(json_str(JSON_AT(v, "ociVersion")));
	hjson args = JSON_AT(v, "process", "args");
	cr_assert_eq(json_array_len(args), 1);
	cr_assert_str_eq(json_str(json_array_get(args, 0)), "sh");
	cr_assert_str_eq(json_str(JSON_AT(v, "root", "path")), "rootfs");
	cr_assert(json_is_true(JSON_AT(v, "root", "readonly")), "the root is not read-only");
	cr_assert_str_eq(json_str(JSON_AT(v, "hostname")), "husk");
	static const char *const ns[] = { "pid", "network", "ipc", "uts", "mount", "cgroup" };
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		cr_assert(has_namespace(v, ns[i]), "no %s namespace", ns[i]);
	cr_assert(!has_namespace(v, "user"), "a user namespace without --rootless");

	hjson tmp = find_mount(v, "/tmp");
	cr_assert(tmp, "no /tmp mount");
	cr_assert_str_eq(json_str(JSON_AT(tmp, "type")), "tmpfs");
	cr_assert(json_array_has_string(JSON_AT(tmp, "options"), "noexec"), "/tmp is not noexec");

	hjson masked = JSON_AT(v, "linux", "maskedPaths");
	cr_assert(json_array_has_string(masked, "/proc/kcore"));
	cr_assert(json_array_has_string(masked, "/proc/keys"));
	cr_assert(json_array_has_string(masked, "/sys/firmware"));
	cr_assert(json_array_has_string(JSON_AT(v, "linux", "readonlyPaths"), "/proc/sys"));
	json_free(v);
	free(text);
}

HTEST(spec, rootless_config)
{
	char *text = make_spec(c, "--rootless");
	hjson v = json_parse_or_fail(text, "husk spec --rootless's config.json");

	cr_assert(has_namespace(v, "user"), "no user namespace with --rootless");
	static const char *const maps[] = { "uidMappings", "gidMappings" };
	for (size_t i = 0; i < 2; i++) {
		hjson m = JSON_AT(v, "linux", maps[i]);
		cr_assert_eq(json_array_len(m), 1, "%s: want one range", maps[i]);
		hjson range = json_array_get(m, 0);
		cr_assert_eq(json_int(JSON_AT(range, "containerID")), 0);
		cr_assert_eq(json_int(JSON_AT(range, "hostID")),
			     i == 0 ? (long long)c->uid : (long long)c->gid,
			     "%s does not map the caller", maps[i]);
		cr_assert_eq(json_int(JSON_AT(range, "size")), 1);
	}
	json_free(v);
	free(text);
}

HTEST(spec, refuses_to_overwrite)
{
	struct hres r = { 0 };
	char *text = make_spec(c, NULL);
	char *dir = hpath(c, "spec");
	char *path = hpath(c, "spec/config.json");

	HUSK(c, &r, "spec", "--bundle", dir);
	assert_husk_fails(&r);
	assert_contains(r.err, "config.json");
	char *after = read_text(path);
	cr_assert_str_eq(after, text, "the refused `husk spec` changed config.json");
	free(after);
	free(text);
	free(dir);
	free(path);
	hres_free(&r);
}

/* --bundle defaults to the current directory. */
HTEST(spec, writes_into_cwd)
{
	struct hres r = { 0 };
	struct hcall_opts o = { .cwd = c->bundle };
	char *path = hpath(c, "bundle/config.json");

	HUSK_OPTS(c, &r, &o, "spec");
	assert_husk_ok(&r);
	cr_assert(access(path, F_OK) == 0, "no config.json in the current directory");
	free(path);
	hres_free(&r);
}

/*
 * What `husk spec` writes (`--rootless` for an unprivileged caller) runs
 * as it is, with only the command changed: the template and the runtime
 * agree.
 */
HTEST(spec, generated_config_runs)
{
	struct hres r = { 0 };
	struct hcall_opts o = { .cwd = c->bundle };
	char *path = hpath(c, "bundle/config.json");

	if (c->mode == MODE_ROOTLESS)
		HUSK_OPTS(c, &r, &o, "spec", "--rootless");
	else
		HUSK_OPTS(c, &r, &o, "spec");
	assert_husk_ok(&r);
	bundle_make_rootfs(c);
	char *text = read_text(path);
	cr_assert(text);
	char *edited = json_text_replace(text, "args",
					 "[\"/bin/sh\", \"-c\", \"hostname; id -u; echo $$\"]");
	if (strstr(edited, "\"terminal\"")) {
		char *t = json_text_replace(edited, "terminal", "false");
		free(edited);
		edited = t;
	}
	write_text(path, edited);
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	char want[64];
	snprintf(want, sizeof(want), "husk\n0\n%d\n", WORKLOAD_PID);
	cr_assert_str_eq(r.out, want);
	free(edited);
	free(text);
	free(path);
	hres_free(&r);
}
