/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `husk spec --hardened`: a config.json that `husk audit` finds nothing of
 * medium severity or above in but the limits this husk does not enforce
 * yet, and that still runs an ordinary workload (busybox, a shell, a
 * server) rootless.
 *
 * What it holds, and why:
 *  - user 65534:65534 (nobody) in a user namespace that maps only that
 *    one id: container root does not exist, so nothing in the container
 *    can ever be root, and on the host the workload is the caller
 *    (rootless) or the host's nobody (as root).  No subordinate id ranges
 *    are needed, so it works for any user and on any host.
 *  - no capabilities.  --cap-add names go into bounding, effective and
 *    permitted, and also into inheritable and ambient: a non-root process
 *    loses its permitted set on execve unless the capability is ambient,
 *    and the kernel keeps a capability ambient only while it is permitted
 *    and inheritable (capabilities(7)).
 *  - noNewPrivileges, the default seccomp profile (embedded verbatim from
 *    the text the caller passes, re-emitted through the JSON writer).
 *  - read-only root; /tmp and /run are tmpfs with noexec, nosuid, nodev
 *    and a size; /dev and /dev/shm are noexec too, so nothing the
 *    workload writes can be executed.
 *  - every namespace: pid, network, ipc, uts, mount, cgroup, user.  With a
 *    network namespace of its own, sysfs is mounted fresh (read-only) even
 *    rootless, instead of binding the host's /sys.
 *  - masked paths: the union of podman's (containers/common) and runc's
 *    defaults, /proc/asound masked rather than read-only; read-only paths
 *    as podman's.
 *  - a pids limit, memory and CPU limits when given, RLIMIT_NOFILE 1024,
 *    and a device cgroup that denies everything (as root; rootless has no
 *    device controller).  husk applies them (rootless only with a
 *    delegated cgroup v2; otherwise the cgroup manager's one-line notice
 *    names them).
 */
#include <errno.h>
#include <string.h>

#include "husk/util.h"
#include "spec/json-emit.h"
#include "spec/json-read.h"
#include "spec/template-internal.h"

static const char *const hardened_masked[] = {
	"/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys",
	"/proc/latency_stats", "/proc/sched_debug", "/proc/scsi", "/proc/timer_list",
	"/proc/timer_stats", "/sys/dev/block", "/sys/devices/virtual/powercap",
	"/sys/firmware", "/sys/fs/selinux", NULL,
};

static const char *const hardened_readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static const char *const hardened_namespaces[] = {
	"pid", "network", "ipc", "uts", "mount", "cgroup", "user", NULL,
};

/*
 * devpts never gets gid=5: the tty group is not mapped in the user
 * namespace (only 65534 is), and the kernel refuses an unmapped gid.
 */
static const struct tmpl_mount hardened_mounts[] = {
	{ "/proc", "proc", "proc", { "nosuid", "noexec", "nodev" } },
	{ "/dev", "tmpfs", "tmpfs",
	  { "nosuid", "noexec", "strictatime", "mode=755", "size=65536k" } },
	{ "/dev/pts", "devpts", "devpts",
	  { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620" } },
	{ "/dev/shm", "tmpfs", "shm", { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" } },
	{ "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev" } },
	{ "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro" } },
	{ "/sys/fs/cgroup", "cgroup", "cgroup", { "nosuid", "noexec", "nodev", "relatime", "ro" } },
	{ "/tmp", "tmpfs", "tmpfs", { "nosuid", "nodev", "noexec", "mode=1777", "size=64m" } },
	{ "/run", "tmpfs", "tmpfs", { "nosuid", "nodev", "noexec", "mode=0755", "size=64m" } },
};

static void write_caps(struct json_writer *w, char *const *cap_add)
{
	static const char *const sets[] = {
		"bounding", "effective", "permitted", "inheritable", "ambient",
	};
	char *const none[] = { NULL };
	char *const *caps = cap_add ? cap_add : none;

	json_key(w, "capabilities");
	json_open_object(w);
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
		json_kv_strv(w, sets[i], caps);
	json_close_object(w);
}

static void write_process(struct json_writer *w, const struct spec_template_opts *opts)
{
	json_key(w, "process");
	json_open_object(w);
	json_kv_bool(w, "terminal", false);
	json_key(w, "user");
	json_open_object(w);
	json_kv_uint(w, "uid", SPEC_HARDENED_UID);
	json_kv_uint(w, "gid", SPEC_HARDENED_UID);
	json_close_object(w);
	json_kv_strv(w, "args", (char *const[]){ "sh", NULL });
	json_kv_strv(w, "env", (char *const *)tmpl_default_env);
	json_kv_string(w, "cwd", "/");
	write_caps(w, opts->cap_add);
	tmpl_write_rlimits(w);
	json_kv_bool(w, "noNewPrivileges", true);
	json_close_object(w);
}

/*
 * .linux.resources: pids always; memory (with swap equal to it, so the
 * limit cannot be dodged into swap) and cpu when asked for; the deny-all
 * device rule as root.
 */
static void write_resources(struct json_writer *w, const struct spec_template_opts *opts)
{
	json_key(w, "resources");
	json_open_object(w);
	if (!opts->rootless)
		tmpl_write_deny_devices(w);
	json_key(w, "pids");
	json_open_object(w);
	json_kv_int(w, "limit", opts->pids_limit > 0 ? opts->pids_limit
						       : SPEC_HARDENED_PIDS_LIMIT);
	json_close_object(w);
	if (opts->memory_limit > 0) {
		json_key(w, "memory");
		json_open_object(w);
		json_kv_int(w, "limit", opts->memory_limit);
		json_kv_int(w, "swap", opts->memory_limit);
		json_close_object(w);
	}
	if (opts->cpu_quota > 0) {
		json_key(w, "cpu");
		json_open_object(w);
		json_kv_int(w, "quota", opts->cpu_quota);
		json_kv_uint(w, "period", SPEC_CPU_PERIOD_US);
		json_close_object(w);
	}
	json_close_object(w);
}

/* The profile text -> .linux.seccomp, checked to be an object. */
static int write_seccomp(struct json_writer *w, const struct spec_template_opts *opts,
			 struct husk_error *err)
{
	static const char what[] = "the default seccomp profile";
	_cleanup_jtree_ struct jtree *tree = NULL;
	const struct jnode *root;
	int r;

	if (!opts->seccomp_profile)
		return husk_error_setq(err, EINVAL, "the hardened template needs a seccomp "
				       "profile to embed");
	r = jtree_parse(opts->seccomp_profile, opts->seccomp_profile_len, what, &tree, err);
	if (r < 0)
		return r;
	root = jtree_root(tree);
	if (root->type != JT_OBJECT)
		return husk_error_setq(err, EINVAL, "%s is not a JSON object", what);
	json_key(w, "seccomp");
	return jtree_emit(root, w, what, err);
}

/*
 * The one id the container has: 65534, which is the caller on the host
 * when rootless (a mapping an unprivileged process may write itself) and
 * the host's own nobody as root.  A root caller asking for --rootless gets
 * nobody too: mapping the workload to host uid 0 would make it the owner
 * of every root-owned file it can reach.
 */
static uint32_t host_id(const struct spec_template_opts *opts, uint32_t caller)
{
	return opts->rootless && caller != 0 ? caller : SPEC_HARDENED_UID;
}

static int write_linux(struct json_writer *w, const struct spec_template_opts *opts,
		       struct husk_error *err)
{
	int r;

	json_key(w, "linux");
	json_open_object(w);
	tmpl_write_idmap(w, "uidMappings", SPEC_HARDENED_UID, host_id(opts, opts->host_uid));
	tmpl_write_idmap(w, "gidMappings", SPEC_HARDENED_UID, host_id(opts, opts->host_gid));
	write_resources(w, opts);
	tmpl_write_namespaces(w, hardened_namespaces);
	r = write_seccomp(w, opts, err);
	if (r < 0)
		return r;
	json_kv_strv(w, "maskedPaths", (char *const *)hardened_masked);
	json_kv_strv(w, "readonlyPaths", (char *const *)hardened_readonly);
	json_close_object(w);
	return 0;
}

int tmpl_write_hardened(struct json_writer *w, const struct spec_template_opts *opts,
			struct husk_error *err)
{
	int r;

	json_open_object(w);
	json_kv_string(w, "ociVersion", HUSK_OCI_VERSION);
	write_process(w, opts);
	json_key(w, "root");
	json_open_object(w);
	json_kv_string(w, "path", "rootfs");
	json_kv_bool(w, "readonly", true);
	json_close_object(w);
	json_kv_string(w, "hostname", "husk");
	json_key(w, "mounts");
	json_open_array(w);
	for (size_t i = 0; i < ARRAY_SIZE(hardened_mounts); i++)
		tmpl_write_mount(w, &hardened_mounts[i]);
	json_close_array(w);
	json_key(w, "annotations");
	json_open_object(w);
	json_kv_string(w, "io.husk.init", "true");
	json_kv_string(w, "io.husk.profile", "hardened");
	json_close_object(w);
	r = write_linux(w, opts, err);
	if (r < 0)
		return r;
	json_close_object(w);
	return 0;
}
