/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Audit checks on the filesystem: the root, tmpfs mounts, host paths bound
 * into the container and mount propagation.  What of /proc and /sys the
 * container can write or read is in audit-paths.c.
 *
 * Host paths are judged lexically ("/var/run/../etc" is "/etc"); the audit
 * never looks at the host, so a symlink on the host that leads somewhere
 * sensitive is not seen.
 */
#include <stdio.h>
#include <string.h>

#include "husk/util.h"
#include "spec/audit-internal.h"

/* ---- root and tmpfs ------------------------------------------------------------ */

static void check_root(struct audit_ctx *c)
{
	if (!c->spec->root_readonly)
		audit_add(c, R_ROOT_WRITABLE, AUDIT_MEDIUM, ".root.readonly",
			  "set .root.readonly to true and give the workload tmpfs or volume "
			  "mounts for the few places it writes",
			  "the root filesystem is writable: the workload (or an intruder) can "
			  "change the image's programs and libraries");
}

/* A017/A018 for one writable tmpfs. */
static void check_tmpfs(struct audit_ctx *c, const struct husk_mount *m, size_t i)
{
	static const char *const pairs[][2] = {
		{ "noexec", "exec" }, { "nosuid", "suid" }, { "nodev", "dev" },
	};
	char missing[32] = "", path[48];
	bool is_dev = strcmp(m->destination, "/dev") == 0;

	if (audit_mount_opt(m, "ro", "rw"))
		return;
	snprintf(path, sizeof(path), ".mounts[%zu].options", i);
	for (size_t k = 0; k < ARRAY_SIZE(pairs); k++) {
		/* /dev holds the device nodes: it cannot be nodev. */
		if (is_dev && k == 2)
			continue;
		if (!audit_mount_opt(m, pairs[k][0], pairs[k][1]))
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
				 "%s%s", missing[0] ? "," : "", pairs[k][0]);
	}
	if (missing[0]) {
		_cleanup_free_ char *fix = xasprintf("add %s to its options", missing);

		audit_add(c, R_TMPFS_EXEC, AUDIT_MEDIUM, path, fix,
			  "the writable tmpfs on %s lacks %s: %s", m->destination, missing,
			  strstr(missing, "noexec") ? "the workload can write a program there "
			  "and run it" : strstr(missing, "nosuid") ? "setuid programs written "
			  "there take effect" : "device nodes made there open host devices");
	}
	for (char **o = m->options; o && *o; o++)
		if (str_has_prefix(*o, "size=") || str_has_prefix(*o, "nr_blocks="))
			return;
	audit_add(c, R_TMPFS_UNBOUNDED, AUDIT_LOW, path, "add size= (for example size=64m)",
		  "the tmpfs on %s has no size limit: it may fill half of the host's memory",
		  m->destination);
}

/* ---- host paths ------------------------------------------------------------------ */

/*
 * Exactly these: the directory as a whole is sensitive, its descendants
 * not necessarily (docker binds /var/lib/docker/containers/ID/resolv.conf,
 * the kubelet binds volumes from /var/lib/kubelet/pods/..., for every
 * container).
 */
static const char *const sensitive_exact[] = {
	"/", "/dev", "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/var", "/run",
	"/var/run", "/var/lib", "/home", "/var/lib/docker", "/var/lib/containers",
	"/var/lib/containerd", "/var/lib/kubelet", "/run/containerd", "/var/run/containerd",
	"/run/docker", "/var/run/docker", "/etc/shadow", "/etc/gshadow", "/etc/sudoers", NULL,
};

/* These and anything under them. */
static const char *const sensitive_tree[] = {
	"/proc", "/sys", "/boot", "/root", "/etc/ssh", "/etc/sudoers.d", "/etc/kubernetes",
	"/var/lib/kubelet/pki", "/etc/docker", "/etc/containers", NULL,
};

/* Sockets that hand out control of the host: container engines, the system bus. */
static const char *const control_sockets[] = {
	"docker.sock", "containerd.sock", "crio.sock", "podman.sock", "cri-dockerd.sock",
	"system_bus_socket", "dockershim.sock", "kubelet.sock", NULL,
};

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static bool sensitive_path(const char *p)
{
	if (audit_in_list(sensitive_exact, p))
		return true;
	for (size_t i = 0; sensitive_tree[i]; i++)
		if (under(p, sensitive_tree[i]))
			return true;
	/* /home/USER: a whole home directory (keys, tokens), not a project inside it. */
	return under(p, "/home") && !strchr(p + strlen("/home/"), '/');
}

/* A026: a control socket, or any socket of the host's /run (critical); other sockets. */
static bool check_socket(struct audit_ctx *c, const char *src, const char *path)
{
	const char *base = strrchr(src, '/') + 1;
	bool control = audit_in_list(control_sockets, base);
	size_t len = strlen(base);
	bool sock = len > 5 && strcmp(base + len - 5, ".sock") == 0;
	bool in_run = under(src, "/run") || under(src, "/var/run");

	if (!control && !sock)
		return false;
	audit_add(c, R_SOCKET_MOUNT, control || in_run ? AUDIT_CRITICAL : AUDIT_MEDIUM, path,
		  "do not give the container the socket; if it must talk to the service, "
		  "use a proxy that allows only the calls it needs",
		  "the host socket %s is bound into the container%s", src,
		  control ? ": whoever can write to it controls the host (a container engine "
			    "starts privileged containers on request)"
			  : ": the container can drive the host service behind it");
	return true;
}

/* Device nodes by name, bound in rather than listed in .linux.devices. */
static bool check_device_bind(struct audit_ctx *c, const char *src, const char *path)
{
	static const char *const critical[] = { "/dev/mem", "/dev/kmem", "/dev/port", NULL };
	static const char *const disks[] = {
		"/dev/sd", "/dev/nvme", "/dev/vd", "/dev/xvd", "/dev/hd", "/dev/dm-", "/dev/md",
		"/dev/loop", "/dev/mapper", "/dev/disk", NULL,
	};

	if (!under(src, "/dev") || strcmp(src, "/dev") == 0)
		return false;
	if (audit_in_list(critical, src)) {
		audit_add(c, R_DEVICE, AUDIT_CRITICAL, path, "do not bind it in",
			  "the host's %s is bound in: raw access to physical memory or I/O ports",
			  src);
		return true;
	}
	for (size_t i = 0; disks[i]; i++) {
		if (str_has_prefix(src, disks[i])) {
			audit_add(c, R_DEVICE, AUDIT_HIGH, path, "do not bind host disks in; "
				  "give the container a volume",
				  "the host block device %s is bound in: the raw disk "
				  "bypasses every file permission on it", src);
			return true;
		}
	}
	return true;                /* other device nodes are deliberate passthrough */
}

static void check_bind(struct audit_ctx *c, const struct husk_mount *m, size_t i)
{
	_cleanup_free_ char *src = NULL;
	enum audit_severity sev;
	bool ro = audit_mount_opt(m, "ro", "rw");
	char path[48];

	if (!m->source || m->source[0] != '/')
		return;             /* relative to the bundle: not a host system path */
	src = audit_normalize_path(m->source);
	snprintf(path, sizeof(path), ".mounts[%zu].source", i);
	if (check_socket(c, src, path) || check_device_bind(c, src, path) ||
	    !sensitive_path(src))
		return;
	sev = ro ? AUDIT_MEDIUM : AUDIT_HIGH;
	if (ro && strcmp(src, "/sys") == 0)
		sev = AUDIT_LOW;    /* runc's rootless fallback: host /sys, read-only */
	audit_add(c, R_SENSITIVE_MOUNT, sev, path,
		  "do not bind host system paths; give the container a volume of its own",
		  "the host's %s is bound %s on %s%s", src, ro ? "read-only" : "read-write",
		  m->destination, strcmp(src, "/sys") == 0 && ro ?
		  ": host devices and network interfaces are visible (with a network "
		  "namespace of its own, sysfs can be mounted fresh instead)" : "");
}

void audit_check_mounts(struct audit_ctx *c)
{
	const char *prop = c->lx ? c->lx->rootfs_propagation : NULL;

	check_root(c);
	for (size_t i = 0; i < c->spec->n_mounts; i++) {
		const struct husk_mount *m = &c->spec->mounts[i];

		if (audit_mount_has_type(m, "tmpfs"))
			check_tmpfs(c, m, i);
		if (audit_mount_is_bind(m))
			check_bind(c, m, i);
		if (strv_contains(m->options, "shared") || strv_contains(m->options, "rshared")) {
			char path[48];

			snprintf(path, sizeof(path), ".mounts[%zu].options", i);
			audit_add(c, R_SHARED_PROPAGATION, AUDIT_MEDIUM, path,
				  "use private or slave propagation",
				  "the mount on %s has shared propagation: mounts made in the "
				  "container appear on the host", m->destination);
		}
	}
	if (prop && (strcmp(prop, "shared") == 0 || strcmp(prop, "rshared") == 0))
		audit_add(c, R_SHARED_PROPAGATION, AUDIT_MEDIUM, ".linux.rootfsPropagation",
			  "use private, rprivate, slave or rslave",
			  "rootfsPropagation is %s: mounts made in the container propagate to "
			  "the host", prop);
}
