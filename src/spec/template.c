/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `husk spec`: a default config.json in the shape `runc spec` writes, with
 * husk's harder defaults: no terminal (friendlier for scripts), no ambient
 * or inheritable capabilities, a private noexec /tmp, a cgroup namespace,
 * and husk-init as PID 1 (annotation io.husk.init).
 *
 * With opts->rootless it matches `runc spec --rootless`: the caller's uid
 * and gid mapped to root in a user namespace, no network namespace (an
 * unprivileged user cannot configure one), /sys as a read-only rbind of the
 * host's (sysfs cannot be mounted without owning the network namespace),
 * devpts without gid=5 (the tty group is not mapped) and no device cgroup
 * rule (rootless has no device controller).
 *
 * `husk spec --hardened` is the other template, in template-hardened.c;
 * both are rendered to text, parsed back with spec_parse() as a self-check
 * (a template that does not validate is a bug, better found here than by
 * `husk run`), and written without ever replacing an existing file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "husk/json.h"
#include "husk/spec.h"
#include "husk/util.h"
#include "spec/template-internal.h"

static const char *const default_caps[] = {
	"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL,
};

const char *const tmpl_default_env[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"TERM=xterm", NULL,
};

static const char *const masked_paths[] = {
	"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
	"/proc/scsi", "/sys/devices/virtual/powercap", NULL,
};

static const char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static const struct tmpl_mount base_mounts[] = {
	{ "/proc", "proc", "proc", { NULL } },
	{ "/dev", "tmpfs", "tmpfs", { "nosuid", "strictatime", "mode=755", "size=65536k" } },
	{ "/dev/pts", "devpts", "devpts",
	  { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" } },
	{ "/dev/shm", "tmpfs", "shm", { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" } },
	{ "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev" } },
	{ "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro" } },
	{ "/sys/fs/cgroup", "cgroup", "cgroup", { "nosuid", "noexec", "nodev", "relatime", "ro" } },
	{ "/tmp", "tmpfs", "tmpfs", { "nosuid", "nodev", "noexec", "mode=1777", "size=65536k" } },
};

/* The rootless replacements, by destination. */
static const struct tmpl_mount rootless_devpts = {
	"/dev/pts", "devpts", "devpts",
	{ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620" },
};
static const struct tmpl_mount rootless_sys = {
	"/sys", "none", "/sys", { "rbind", "nosuid", "noexec", "nodev", "ro" },
};

void tmpl_write_mount(struct json_writer *w, const struct tmpl_mount *m)
{
	json_open_object(w);
	json_kv_string(w, "destination", m->destination);
	json_kv_string(w, "type", m->type);
	json_kv_string(w, "source", m->source);
	if (m->options[0])
		json_kv_strv(w, "options", (char *const *)m->options);
	json_close_object(w);
}

static void write_mounts(struct json_writer *w, bool rootless)
{
	json_key(w, "mounts");
	json_open_array(w);
	for (size_t i = 0; i < ARRAY_SIZE(base_mounts); i++) {
		const struct tmpl_mount *m = &base_mounts[i];

		if (rootless && strcmp(m->destination, "/dev/pts") == 0)
			m = &rootless_devpts;
		else if (rootless && strcmp(m->destination, "/sys") == 0)
			m = &rootless_sys;
		tmpl_write_mount(w, m);
	}
	json_close_array(w);
}

static void write_process(struct json_writer *w)
{
	json_key(w, "process");
	json_open_object(w);
	json_kv_bool(w, "terminal", false);
	json_key(w, "user");
	json_open_object(w);
	json_kv_uint(w, "uid", 0);
	json_kv_uint(w, "gid", 0);
	json_close_object(w);
	json_kv_strv(w, "args", (char *const[]){ "sh", NULL });
	json_kv_strv(w, "env", (char *const *)tmpl_default_env);
	json_kv_string(w, "cwd", "/");
	json_key(w, "capabilities");
	json_open_object(w);
	json_kv_strv(w, "bounding", (char *const *)default_caps);
	json_kv_strv(w, "effective", (char *const *)default_caps);
	json_kv_strv(w, "permitted", (char *const *)default_caps);
	json_close_object(w);
	tmpl_write_rlimits(w);
	json_kv_bool(w, "noNewPrivileges", true);
	json_close_object(w);
}

void tmpl_write_rlimits(struct json_writer *w)
{
	json_key(w, "rlimits");
	json_open_array(w);
	json_open_object(w);
	json_kv_string(w, "type", "RLIMIT_NOFILE");
	json_kv_uint(w, "hard", 1024);
	json_kv_uint(w, "soft", 1024);
	json_close_object(w);
	json_close_array(w);
}

void tmpl_write_idmap(struct json_writer *w, const char *key, uint32_t container_id,
		      uint32_t host_id)
{
	json_key(w, key);
	json_open_array(w);
	json_open_object(w);
	json_kv_uint(w, "containerID", container_id);
	json_kv_uint(w, "hostID", host_id);
	json_kv_uint(w, "size", 1);
	json_close_object(w);
	json_close_array(w);
}

void tmpl_write_namespaces(struct json_writer *w, const char *const *types)
{
	json_key(w, "namespaces");
	json_open_array(w);
	for (size_t i = 0; types[i]; i++) {
		json_open_object(w);
		json_kv_string(w, "type", types[i]);
		json_close_object(w);
	}
	json_close_array(w);
}

void tmpl_write_deny_devices(struct json_writer *w)
{
	json_key(w, "devices");
	json_open_array(w);
	json_open_object(w);
	json_kv_bool(w, "allow", false);
	json_kv_string(w, "access", "rwm");
	json_close_object(w);
	json_close_array(w);
}

static void write_linux(struct json_writer *w, const struct spec_template_opts *opts)
{
	static const char *const ns_root[] = { "pid", "network", "ipc", "uts", "mount",
					       "cgroup", NULL };
	static const char *const ns_rootless[] = { "pid", "ipc", "uts", "mount", "cgroup",
						   "user", NULL };
	const char *const *ns = opts->rootless ? ns_rootless : ns_root;

	json_key(w, "linux");
	json_open_object(w);
	if (opts->rootless) {
		tmpl_write_idmap(w, "uidMappings", 0, opts->host_uid);
		tmpl_write_idmap(w, "gidMappings", 0, opts->host_gid);
	} else {
		/* Deny every device by default, as runc spec does. */
		json_key(w, "resources");
		json_open_object(w);
		tmpl_write_deny_devices(w);
		json_close_object(w);
	}
	tmpl_write_namespaces(w, ns);
	json_kv_strv(w, "maskedPaths", (char *const *)masked_paths);
	json_kv_strv(w, "readonlyPaths", (char *const *)readonly_paths);
	json_close_object(w);
}

/* The name of dirfd for messages: its /proc link, or "." when unknown. */
static char *dir_name(int dirfd)
{
	char link[64], buf[PATH_MAX];
	ssize_t n;

	if (dirfd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/self/cwd");
	else
		snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0)
		return xstrdup(".");
	buf[n] = '\0';
	return xstrdup(buf);
}

/* The default (runc spec's shape) document into w. */
static void write_default(struct json_writer *w, const struct spec_template_opts *opts)
{
	json_open_object(w);
	json_kv_string(w, "ociVersion", HUSK_OCI_VERSION);
	write_process(w);
	json_key(w, "root");
	json_open_object(w);
	json_kv_string(w, "path", "rootfs");
	json_kv_bool(w, "readonly", true);
	json_close_object(w);
	json_kv_string(w, "hostname", "husk");
	write_mounts(w, opts->rootless);
	json_key(w, "annotations");
	json_open_object(w);
	json_kv_string(w, "io.husk.init", "true");
	json_close_object(w);
	write_linux(w, opts);
	json_close_object(w);
}

int spec_template_render(const struct spec_template_opts *opts, char **out, size_t *len,
			 struct husk_error *err)
{
	_cleanup_json_writer_ struct json_writer *w = json_writer_new(true);
	_cleanup_spec_ struct husk_spec *check = NULL;
	const char *text;
	int ret;

	if (opts->hardened) {
		ret = tmpl_write_hardened(w, opts, err);
		if (ret < 0)
			return ret;
	} else {
		write_default(w, opts);
	}
	ret = json_writer_finish(w, &text, len, err);
	if (ret < 0)
		return ret;
	ret = spec_parse(text, *len, "config.json", &check, err);
	if (ret < 0)
		return husk_error_prefix(err, "internal error: the %s template does not validate",
					 opts->hardened ? "hardened" : "default");
	*out = xstrndup(text, *len);
	return 0;
}

int spec_template_write(int dirfd, const struct spec_template_opts *opts,
			struct husk_error *err)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	size_t len;
	int ret;

	ret = spec_template_render(opts, &text, &len, err);
	if (ret < 0)
		return ret;

	fd = openat(dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		    0644);
	if (fd < 0 && errno == EEXIST) {
		_cleanup_free_ char *dir = dir_name(dirfd);

		return husk_error_setq(err, EEXIST, "config.json already exists in %s; remove it "
				       "or use another --bundle", dir);
	}
	if (fd < 0)
		return husk_error_set(err, errno, "create config.json");
	ret = write_all(fd, text, len);
	if (ret < 0) {
		unlinkat(dirfd, "config.json", 0);
		return husk_error_set(err, -ret, "write config.json");
	}
	return 0;
}
