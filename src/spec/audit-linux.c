/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Audit checks on .linux: namespaces shared with the host or joined,
 * device nodes and the device cgroup, resource limits and sysctls.
 */
#include <stdio.h>
#include <string.h>

#include "husk/util.h"
#include "spec/audit-internal.h"

/* ---- namespaces -------------------------------------------------------------------- */

static const struct {
	enum husk_ns_type type;
	enum audit_rule_index rule;
	enum audit_severity severity;
	const char *what;           /* what sharing it exposes */
} host_ns[] = {
	{ NS_MOUNT, R_NO_MOUNT_NS, AUDIT_CRITICAL, "mounts the runtime makes for the "
	  "container land in the host's mount table, and the container sees the host's "
	  "filesystem" },
	{ NS_PID, R_HOST_PID, AUDIT_HIGH, "every host process is visible, and can be "
	  "signalled or traced with the right capability; /proc/PID/root leads to their files" },
	{ NS_NETWORK, R_HOST_NET, AUDIT_HIGH, "host interfaces, services bound to localhost "
	  "and abstract unix sockets (the containerd-shim CVE-2020-15257 class) are reachable" },
	{ NS_IPC, R_HOST_IPC, AUDIT_HIGH, "host shared memory, semaphores and message queues "
	  "are readable and writable" },
	{ NS_UTS, R_HOST_UTS, AUDIT_MEDIUM, "the host's hostname is shared and, with "
	  "CAP_SYS_ADMIN, changeable" },
	{ NS_CGROUP, R_HOST_CGROUP, AUDIT_LOW, "the host's cgroup paths are visible in "
	  "/proc/self/cgroup" },
};

void audit_check_namespaces(struct audit_ctx *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(host_ns); i++) {
		const char *name = spec_ns_type_name(host_ns[i].type);
		long idx;
		char path[48] = ".linux.namespaces";
		enum ns_share share = audit_ns_share(c, host_ns[i].type, &idx);

		if (idx >= 0)
			snprintf(path, sizeof(path), ".linux.namespaces[%ld].path", idx);
		if (share == NS_HOST) {
			_cleanup_free_ char *fix = xasprintf("give the container its own: "
							     "{\"type\": \"%s\"} without a path",
							     name);

			audit_add(c, host_ns[i].rule, host_ns[i].severity, path, fix,
				  "the container shares the host's %s namespace (%s): %s", name,
				  idx < 0 ? "none is listed in .linux.namespaces"
					  : "it is joined through a path of the runtime's own",
				  host_ns[i].what);
		}
	}
	for (size_t i = 0; c->lx && i < c->lx->n_namespaces; i++) {
		const struct husk_namespace *ns = &c->lx->namespaces[i];
		char path[48];

		if (!ns->path || audit_path_is_host_ns(ns->path))
			continue;
		snprintf(path, sizeof(path), ".linux.namespaces[%zu].path", i);
		audit_add(c, R_JOINED_NS, AUDIT_LOW, path,
			  "make sure the owner of that namespace is meant to share it",
			  "the %s namespace is joined from %s: the container shares it with "
			  "whatever else lives there", spec_ns_type_name(ns->type), ns->path);
	}
}

/* ---- devices ---------------------------------------------------------------------- */

/* A029 for one .linux.devices entry, by device number. */
static void check_device(struct audit_ctx *c, const struct husk_device *d, size_t i)
{
	enum audit_severity sev;
	const char *why;
	char path[40];

	if (d->type == 'b') {
		sev = AUDIT_HIGH;
		why = "a block device: the raw disk bypasses every file permission on it";
	} else if (d->type != 'p' && d->major == 1 && (d->minor == 1 || d->minor == 2 ||
						       d->minor == 4)) {
		sev = AUDIT_CRITICAL;
		why = "raw physical memory or I/O ports (mem, kmem, port)";
	} else if (d->type != 'p' && (d->major == 202 || (d->major == 10 &&
							   (d->minor == 184 || d->minor == 236)))) {
		sev = AUDIT_HIGH;
		why = "CPU model-specific registers, microcode or device-mapper control";
	} else if (d->type != 'p' && ((d->major == 1 && d->minor == 11) || d->major == 203 ||
				      (d->major == 10 && d->minor == 237))) {
		sev = AUDIT_MEDIUM;
		why = "the kernel log, CPUID or loop-device control";
	} else {
		return;
	}
	snprintf(path, sizeof(path), ".linux.devices[%zu]", i);
	audit_add(c, R_DEVICE, sev, path, "remove the device, or give the container a "
		  "narrower way to do what it needs",
		  "%s (%c %lld:%lld) is %s", d->path, d->type, (long long)d->major,
		  (long long)d->minor, why);
}

static bool rule_wildcard(const struct husk_device_cgroup *r)
{
	return !r->major.set && !r->minor.set;
}

static bool rule_reads_or_writes(const struct husk_device_cgroup *r)
{
	return !r->access || strchr(r->access, 'r') || strchr(r->access, 'w');
}

/*
 * A030: an allow rule for every device ("a", or "b"/"c" with no numbers)
 * that reads or writes (docker's "c *:* m" mknod-only rules are fine), and
 * that no later deny-everything rule takes back.
 */
static void check_device_cgroup(struct audit_ctx *c, const struct husk_resources *res)
{
	for (size_t i = 0; i < res->n_devices; i++) {
		const struct husk_device_cgroup *r = &res->devices[i];
		bool undone = false;
		char path[48];

		if (!r->allow || !rule_wildcard(r) || !rule_reads_or_writes(r))
			continue;
		for (size_t j = i + 1; j < res->n_devices; j++)
			if (!res->devices[j].allow && res->devices[j].type == 'a' &&
			    rule_wildcard(&res->devices[j]))
				undone = true;
		if (undone)
			continue;
		snprintf(path, sizeof(path), ".linux.resources.devices[%zu]", i);
		audit_add(c, R_DEVICE_CGROUP, r->type == 'c' ? AUDIT_HIGH : AUDIT_CRITICAL, path,
			  "start with {\"allow\": false, \"access\": \"rwm\"} and allow only the "
			  "devices the container needs",
			  "the device cgroup allows %s devices (%s): with a device node, the "
			  "host's disks and memory are open", r->type == 'a' ? "all" :
			  r->type == 'b' ? "all block" : "all character",
			  r->access ? r->access : "rwm");
	}
}

void audit_check_devices(struct audit_ctx *c)
{
	for (size_t i = 0; c->lx && i < c->lx->n_devices; i++)
		check_device(c, &c->lx->devices[i], i);
	if (c->lx && c->lx->resources)
		check_device_cgroup(c, c->lx->resources);
}

/* ---- resources and sysctl -------------------------------------------------------- */

/* The sysctls Kubernetes considers safe (Pod Security "baseline"). */
static const char *const safe_sysctls[] = {
	"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
	"net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
	"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", NULL,
};

static void check_sysctl(struct audit_ctx *c)
{
	for (size_t i = 0; c->lx && i < c->lx->n_sysctl; i++) {
		const char *key = c->lx->sysctl[i].key;
		_cleanup_free_ char *path = NULL;

		if (audit_in_list(safe_sysctls, key))
			continue;
		path = xasprintf(".linux.sysctl.%s", key);
		audit_add(c, R_SYSCTL, AUDIT_LOW, path, "drop it unless the workload needs it",
			  "sysctl %s is outside the set Kubernetes considers safe to set per "
			  "container", key);
	}
}

/* What makes this husk apply limits when c->limits_unenforced says it would not. */
#define ENFORCE_HERE                                                                   \
	"run husk as root, or on cgroup v2 in a cgroup delegated to its user "          \
	"(systemd-run --user --scope -p Delegate=yes husk run ...)"

/* The cpu fields that would limit or weigh the workload, as JSON paths. */
static char *cpu_limits_set(const struct husk_cpu *cpu)
{
	_cleanup_strv_ char **list = NULL;

	if (!cpu)
		return NULL;
	if (cpu->quota.set && cpu->quota.value > 0)
		strv_push(&list, ".linux.resources.cpu.quota");
	if (cpu->shares.set)
		strv_push(&list, ".linux.resources.cpu.shares");
	if (cpu->cpus)
		strv_push(&list, ".linux.resources.cpu.cpus");
	return list ? strv_join(list, ", ") : NULL;
}

/*
 * The fix for a missing limit: set it, and where this husk would not
 * enforce it, also what would make it.
 */
static char *missing_fix(const struct audit_ctx *c, const char *set_it)
{
	if (!c->limits_unenforced)
		return xstrdup(set_it);
	return xasprintf("%s, and " ENFORCE_HERE ": here it would not be enforced (%s)",
			 set_it, c->limits_unenforced);
}

/*
 * One of A031-A033: for a missing limit, or, where this husk would not
 * apply it (c->limits_unenforced, e.g. rootless on cgroup v1), for one
 * that is set: it earns nothing then, so it gets the same rule and
 * severity as a missing one, and says which field and why.  A limit that
 * would be applied is credited: no finding.
 */
static void check_limit(struct audit_ctx *c, enum audit_rule_index rule, enum audit_severity sev,
			const char *path, const char *set, const char *set_it,
			const char *missing_msg, const char *still)
{
	_cleanup_free_ char *fix = NULL;

	if (!set) {
		fix = missing_fix(c, set_it);
		audit_add(c, rule, sev, path, fix, "%s", missing_msg);
	} else if (c->limits_unenforced) {
		audit_add(c, rule, sev, path, ENFORCE_HERE,
			  "%s not enforced here: %s: %s", set, c->limits_unenforced, still);
	}
}

void audit_check_resources(struct audit_ctx *c)
{
	const struct husk_resources *res = c->lx ? c->lx->resources : NULL;
	const struct husk_memory *mem = res ? res->memory : NULL;
	_cleanup_free_ char *cpu = cpu_limits_set(res ? res->cpu : NULL);
	_cleanup_free_ char *pids = NULL, *memory = NULL, *cpus = NULL;

	if (res && res->pids_limit.set && res->pids_limit.value > 0)
		pids = xasprintf("pids.limit %lld is", (long long)res->pids_limit.value);
	if (mem && mem->limit.set && mem->limit.value > 0)
		memory = xasprintf("memory.limit %lld is", (long long)mem->limit.value);
	if (cpu)
		cpus = xasprintf("%s %s", cpu, strchr(cpu, ',') ? "are" : "is");
	check_limit(c, R_NO_PIDS_LIMIT, AUDIT_MEDIUM, ".linux.resources.pids.limit", pids,
		    "set .linux.resources.pids.limit (husk spec --hardened: 1000)",
		    "no pids limit: a fork bomb exhausts the host's process table",
		    "a fork bomb still exhausts the host's process table");
	check_limit(c, R_NO_MEMORY_LIMIT, AUDIT_LOW, ".linux.resources.memory.limit", memory,
		    "set .linux.resources.memory.limit (husk spec --hardened --memory 512M)",
		    "no memory limit: the workload can take the host's memory until the OOM "
		    "killer picks something, not necessarily in the container",
		    "the workload can still take the host's memory");
	check_limit(c, R_NO_CPU_LIMIT, AUDIT_LOW, ".linux.resources.cpu", cpus,
		    "set .linux.resources.cpu quota and period, or shares (husk spec "
		    "--hardened --cpus 1.5)",
		    "no CPU limit or weight: the workload competes for every CPU of the host "
		    "on equal terms with it",
		    "the workload still competes for every CPU of the host");
	check_sysctl(c);
}
