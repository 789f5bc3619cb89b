// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bundles for the integration tests: a copy of the busybox rootfs and a
 * config.json generated from a template.
 *
 * The template is written out here rather than taken from `husk spec` so
 * that a bug in the spec template cannot hide or fake a runtime result; the
 * spec tests check `husk spec` on its own.  It mirrors what `husk spec`
 * (resp. `--rootless`) promises, minus the cgroup filesystem mount, which
 * is a later issue's subject.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "integration/harness.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

void bundle_make_rootfs(struct hctx *c)
{
	struct hres r = { 0 };
	char *src;

	cr_assert(asprintf(&src, "%s/rootfs", getenv("HUSK_TEST_DIR")) > 0);
	cr_assert(access(src, F_OK) == 0, "%s is missing: run scripts/test-setup.sh", src);
	/* As the user, so that in rootless mode the user owns the copy, as a
	 * user's own image would be. */
	run_as_user(c, &r, ARGS("/bin/cp", "-a", src, c->rootfs));
	cr_assert_eq(r.code, 0, "cp -a %s %s: %s", src, c->rootfs, r.err);
	hres_free(&r);
	free(src);
}

/* A growing string (the config text). */
struct sbuf {
	char *s;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;

	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		cr_assert(n >= 0);
		if (b->len + n < b->cap) {
			b->len += n;
			return;
		}
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		cr_assert(b->s);
	}
}

/* s as a JSON string literal, quotes included. */
static void sb_json_string(struct sbuf *b, const char *s)
{
	sb_printf(b, "\"");
	for (; *s; s++) {
		unsigned char ch = *s;
		if (ch == '"' || ch == '\\')
			sb_printf(b, "\\%c", ch);
		else if (ch == '\n')
			sb_printf(b, "\\n");
		else if (ch < 0x20)
			sb_printf(b, "\\u%04x", ch);
		else
			sb_printf(b, "%c", ch);
	}
	sb_printf(b, "\"");
}

static void sb_string_array(struct sbuf *b, const char *const *v)
{
	sb_printf(b, "[");
	for (size_t i = 0; v && v[i]; i++) {
		sb_printf(b, i ? ", " : "");
		sb_json_string(b, v[i]);
	}
	sb_printf(b, "]");
}

char **bundle_default_env(const struct hctx *c)
{
	char **env = calloc(4, sizeof(char *));

	cr_assert(env);
	env[0] = strdup(DEFAULT_PATH);
	env[1] = strdup("TERM=xterm");
	cr_assert(asprintf(&env[2], "HUSK_IT_TOKEN=%s", c->token) > 0);
	return env;
}

static void write_process(struct sbuf *b, const struct hctx *c, const struct bundle_cfg *cfg)
{
	static const char *const caps[] = {
		"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL
	};
	char **env = bundle_default_env(c);

	sb_printf(b, "  \"process\": {\n    \"terminal\": false,\n");
	sb_printf(b, "    \"user\": {\"uid\": 0, \"gid\": 0},\n    \"args\": ");
	sb_string_array(b, cfg->args);
	sb_printf(b, ",\n    \"env\": [");
	for (size_t i = 0; env[i]; i++) {
		sb_printf(b, i ? ", " : "");
		sb_json_string(b, env[i]);
		free(env[i]);
	}
	free(env);
	for (size_t i = 0; cfg->env && cfg->env[i]; i++) {
		sb_printf(b, ", ");
		sb_json_string(b, cfg->env[i]);
	}
	sb_printf(b, "],\n    \"cwd\": ");
	sb_json_string(b, cfg->cwd ? cfg->cwd : "/");
	sb_printf(b, ",\n    \"capabilities\": {\n      \"bounding\": ");
	sb_string_array(b, caps);
	sb_printf(b, ",\n      \"effective\": ");
	sb_string_array(b, caps);
	sb_printf(b, ",\n      \"permitted\": ");
	sb_string_array(b, caps);
	sb_printf(b, "\n    },\n"
		  "    \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\","
		  " \"hard\": 1024, \"soft\": 1024}],\n"
		  "    \"noNewPrivileges\": true\n  },\n");
}

/* One element of "mounts", preceded by ",\n" unless it is the first. */
static void sb_mount(struct sbuf *b, bool first, const char *dest, const char *type,
		     const char *source, const char *const *options)
{
	sb_printf(b, "%s    {\"destination\": ", first ? "" : ",\n");
	sb_json_string(b, dest);
	sb_printf(b, ", \"type\": ");
	sb_json_string(b, type);
	sb_printf(b, ", \"source\": ");
	sb_json_string(b, source);
	if (options) {
		sb_printf(b, ",\n     \"options\": ");
		sb_string_array(b, options);
	}
	sb_printf(b, "}");
}

static void write_mounts(struct sbuf *b, const struct hctx *c, const struct bundle_cfg *cfg)
{
	bool rootless = c->mode == MODE_ROOTLESS;

	sb_printf(b, "  \"mounts\": [\n");
	sb_mount(b, true, "/proc", "proc", "proc", NULL);
	sb_mount(b, false, "/dev", "tmpfs", "tmpfs",
		 ARGS("nosuid", "strictatime", "mode=755", "size=65536k"));
	/* gid=5 (tty) does not exist in a rootless container's user namespace. */
	if (rootless)
		sb_mount(b, false, "/dev/pts", "devpts", "devpts",
			 ARGS("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"));
	else
		sb_mount(b, false, "/dev/pts", "devpts", "devpts",
			 ARGS("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620",
			      "gid=5"));
	sb_mount(b, false, "/dev/shm", "tmpfs", "shm",
		 ARGS("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
	sb_mount(b, false, "/dev/mqueue", "mqueue", "mqueue", ARGS("nosuid", "noexec", "nodev"));
	/* Without a network namespace of its own a rootless container cannot
	 * mount sysfs: it gets the host's, read-only. */
	if (rootless)
		sb_mount(b, false, "/sys", "none", "/sys",
			 ARGS("rbind", "nosuid", "noexec", "nodev", "ro"));
	else
		sb_mount(b, false, "/sys", "sysfs", "sysfs",
			 ARGS("nosuid", "noexec", "nodev", "ro"));
	sb_mount(b, false, "/tmp", "tmpfs", "tmpfs",
		 ARGS("nosuid", "nodev", "noexec", "mode=1777", "size=65536k"));
	if (cfg->bind_out)
		sb_mount(b, false, "/out", "bind", c->out, ARGS("rbind", "rw", "nosuid", "nodev"));
	if (cfg->extra_mounts)
		sb_printf(b, ",\n    %s", cfg->extra_mounts);
	sb_printf(b, "\n  ],\n");
}

static void write_idmap(struct sbuf *b, const char *key, const char *custom, unsigned id)
{
	if (custom)
		sb_printf(b, "    \"%s\": %s,\n", key, custom);
	else
		sb_printf(b, "    \"%s\": [{\"containerID\": 0, \"hostID\": %u, \"size\": 1}],\n",
			  key, id);
}

static void write_linux(struct sbuf *b, const struct hctx *c, const struct bundle_cfg *cfg)
{
	static const char *const masked[] = {
		"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
		"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
		"/proc/scsi", NULL
	};
	static const char *const readonly[] = {
		"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL
	};
	bool rootless = c->mode == MODE_ROOTLESS;

	sb_printf(b, "  \"linux\": {\n");
	if (rootless) {
		write_idmap(b, "uidMappings", cfg->uid_mappings, c->uid);
		write_idmap(b, "gidMappings", cfg->gid_mappings, c->gid);
	}
	sb_printf(b, "    \"namespaces\": [{\"type\": \"pid\"}, %s{\"type\": \"ipc\"},"
		  " {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}%s],\n",
		  rootless ? "" : "{\"type\": \"network\"}, ",
		  rootless ? ", {\"type\": \"user\"}" : "");
	if (cfg->resources)
		sb_printf(b, "    \"resources\": %s,\n", cfg->resources);
	if (cfg->cgroups_path) {
		sb_printf(b, "    \"cgroupsPath\": ");
		sb_json_string(b, cfg->cgroups_path);
		sb_printf(b, ",\n");
	}
	sb_printf(b, "    \"maskedPaths\": ");
	sb_string_array(b, masked);
	sb_printf(b, ",\n    \"readonlyPaths\": ");
	sb_string_array(b, readonly);
	sb_printf(b, "\n  }\n");
}

char *bundle_config_text(const struct hctx *c, const struct bundle_cfg *cfg)
{
	struct sbuf b = { 0 };

	cr_assert(cfg->args && cfg->args[0], "bundle_cfg.args is required");
	sb_printf(&b, "{\n  \"ociVersion\": \"1.2.0\",\n");
	write_process(&b, c, cfg);
	sb_printf(&b, "  \"root\": {\"path\": ");
	sb_json_string(&b, cfg->root_path ? cfg->root_path : "rootfs");
	sb_printf(&b, ", \"readonly\": %s},\n", cfg->rw_root ? "false" : "true");
	sb_printf(&b, "  \"hostname\": \"husk\",\n");
	write_mounts(&b, c, cfg);
	write_linux(&b, c, cfg);
	sb_printf(&b, "}\n");
	return b.s;
}

void bundle_write(struct hctx *c, const struct bundle_cfg *cfg)
{
	char *text = bundle_config_text(c, cfg);
	char *path;

	if (access(c->rootfs, F_OK) != 0)
		bundle_make_rootfs(c);
	cr_assert(asprintf(&path, "%s/config.json", c->bundle) > 0);
	write_text(path, text);
	chown_to_user(c, path);
	free(path);
	free(text);
}
