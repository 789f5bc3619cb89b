/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What of a config this husk reads but does not do, said out loud.
 *
 * The rule (DESIGN.md): nothing parsed is silently dropped.  Every field
 * takes effect, or is refused with an error naming its JSON path, or is
 * named in one notice.  This file holds the last two lists:
 *
 *  - spec_check_supported(): fields whose effect a workload relies on and
 *    that husk cannot give (Intel RDT, network devices, a memory policy,
 *    personality flags): create refuses the config, naming the field;
 *  - spec_unapplied(): fields a config carries routinely that husk does
 *    not apply yet (cgroup limits and cgroupsPath, hooks) or that mean
 *    nothing on Linux (Windows fields, a console size without a
 *    terminal): create and run print one line naming them, and run on.
 *    Engines (podman, containerd) always send device rules and often a
 *    pids limit, so refusing those would make husk useless under them.
 *
 * tests/unit/test_spec_fields.c walks every JSON path the parser reads and
 * checks that each one is applied somewhere, refused here or named here.
 *
 * The notice stays one line of bounded length whatever the config: arrays
 * are counted, not listed (".linux.resources.devices (312 rules)"), and at
 * most a few hooks of a kind are shown by path, each cut short.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "husk/spec.h"
#include "husk/util.h"

#define HOOKS_SHOWN 3               /* more hooks of one kind are counted */
#define HOOK_PATH_SHOWN 60          /* longer hook paths end in "..." */

struct unapplied {
	char **items;
	bool cgroups;               /* some item is a cgroup setting */
	bool hooks;
};

static void add(struct unapplied *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct unapplied *u, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		abort();            /* out of memory, as xasprintf does */
	strv_consume(&u->items, s);
}

/* "N rule" / "N rules" */
static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void add_count(struct unapplied *u, const char *path, size_t n, const char *one,
		      const char *many)
{
	if (n > 0)
		add(u, "%s (%zu %s)", path, n, plural(n, one, many));
}

static void add_if(struct unapplied *u, bool cond, const char *path)
{
	if (cond)
		add(u, "%s", path);
}

/*
 * A zero memory limit, cpu share, quota, period or block I/O weight means
 * "not set" (src/spec/resources.c): there is nothing to apply, so nothing
 * to name.
 */
static void memory_items(struct unapplied *u, const struct husk_memory *m)
{
	if (!m)
		return;
	add_if(u, m->limit.set && m->limit.value != 0, ".linux.resources.memory.limit");
	add_if(u, m->reservation.set && m->reservation.value != 0,
	       ".linux.resources.memory.reservation");
	add_if(u, m->swap.set && m->swap.value != 0, ".linux.resources.memory.swap");
	add_if(u, m->kernel.set, ".linux.resources.memory.kernel");
	add_if(u, m->kernel_tcp.set, ".linux.resources.memory.kernelTCP");
	add_if(u, m->swappiness.set, ".linux.resources.memory.swappiness");
	add_if(u, m->disable_oom_killer.set, ".linux.resources.memory.disableOOMKiller");
	add_if(u, m->use_hierarchy.set, ".linux.resources.memory.useHierarchy");
	add_if(u, m->check_before_update.set, ".linux.resources.memory.checkBeforeUpdate");
}

static void cpu_items(struct unapplied *u, const struct husk_cpu *c)
{
	if (!c)
		return;
	add_if(u, c->shares.set && c->shares.value != 0, ".linux.resources.cpu.shares");
	add_if(u, c->quota.set && c->quota.value != 0, ".linux.resources.cpu.quota");
	add_if(u, c->burst.set, ".linux.resources.cpu.burst");
	add_if(u, c->period.set && c->period.value != 0, ".linux.resources.cpu.period");
	add_if(u, c->realtime_runtime.set, ".linux.resources.cpu.realtimeRuntime");
	add_if(u, c->realtime_period.set && c->realtime_period.value != 0,
	       ".linux.resources.cpu.realtimePeriod");
	add_if(u, c->cpus, ".linux.resources.cpu.cpus");
	add_if(u, c->mems, ".linux.resources.cpu.mems");
	add_if(u, c->idle.set, ".linux.resources.cpu.idle");
}

static void block_io_items(struct unapplied *u, const struct husk_block_io *b)
{
	static const char *const throttle[4] = {
		[THROTTLE_READ_BPS] = ".linux.resources.blockIO.throttleReadBpsDevice",
		[THROTTLE_WRITE_BPS] = ".linux.resources.blockIO.throttleWriteBpsDevice",
		[THROTTLE_READ_IOPS] = ".linux.resources.blockIO.throttleReadIOPSDevice",
		[THROTTLE_WRITE_IOPS] = ".linux.resources.blockIO.throttleWriteIOPSDevice",
	};

	if (!b)
		return;
	add_if(u, b->weight.set && b->weight.value != 0, ".linux.resources.blockIO.weight");
	add_if(u, b->leaf_weight.set && b->leaf_weight.value != 0, ".linux.resources.blockIO.leafWeight");
	add_count(u, ".linux.resources.blockIO.weightDevice", b->n_weight_device, "device",
		  "devices");
	for (int k = 0; k < 4; k++)
		add_count(u, throttle[k], b->n_throttle[k], "device", "devices");
}

static void cgroup_items(struct unapplied *u, const struct husk_linux *lx)
{
	const struct husk_resources *r = lx->resources;
	size_t before = strv_length(u->items);

	if (r) {
		memory_items(u, r->memory);
		cpu_items(u, r->cpu);
		add_if(u, r->pids_limit.set, ".linux.resources.pids.limit");
		block_io_items(u, r->block_io);
		add_count(u, ".linux.resources.hugepageLimits", r->n_hugepage_limits, "limit",
			  "limits");
		add_if(u, r->net_class_id.set, ".linux.resources.network.classID");
		add_count(u, ".linux.resources.network.priorities", r->n_net_priorities,
			  "interface", "interfaces");
		add_count(u, ".linux.resources.rdma", r->n_rdma, "device", "devices");
		add_count(u, ".linux.resources.unified", r->n_unified, "file", "files");
		add_count(u, ".linux.resources.devices", r->n_devices, "rule", "rules");
	}
	add_if(u, lx->cgroups_path, ".linux.cgroupsPath");
	u->cgroups = strv_length(u->items) > before;
}

/* ".hooks.prestart[0] (/usr/bin/foo)", or ".hooks.prestart (7 hooks)" past HOOKS_SHOWN. */
static void hook_items(struct unapplied *u, const struct husk_hooks *h)
{
	for (int k = 0; k < HOOK_KIND_COUNT; k++) {
		size_t n = h->count[k];

		if (n == 0)
			continue;
		u->hooks = true;
		if (n > HOOKS_SHOWN) {
			add(u, ".hooks.%s (%zu hooks)", spec_hook_kind_name(k), n);
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			const char *path = h->list[k][i].path;
			size_t len = strlen(path);

			if (len > HOOK_PATH_SHOWN)
				add(u, ".hooks.%s[%zu] (%.*s...)", spec_hook_kind_name(k), i,
				    HOOK_PATH_SHOWN, path);
			else
				add(u, ".hooks.%s[%zu] (%s)", spec_hook_kind_name(k), i, path);
		}
	}
}

/* Fields of a process that mean nothing here (Windows, a console without a terminal). */
static void process_items(struct unapplied *u, const struct husk_process *p)
{
	if (!p)
		return;
	add_if(u, p->has_console_size && !p->terminal, ".process.consoleSize (no terminal)");
	add_if(u, p->user.username, ".process.user.username (Windows only)");
	add_if(u, p->command_line, ".process.commandLine (Windows only)");
}

/* "not applied (cgroups and hooks are not implemented yet): a, b, c" */
static char *unapplied_line(struct unapplied *u)
{
	_cleanup_free_ char *items = NULL;
	const char *why;

	if (!u->items)
		return NULL;
	if (u->cgroups && u->hooks)
		why = " (cgroups and hooks are not implemented yet)";
	else if (u->cgroups)
		why = " (cgroups are not implemented yet)";
	else if (u->hooks)
		why = " (hooks are not implemented yet)";
	else
		why = "";
	items = strv_join(u->items, ", ");
	strv_free(u->items);
	u->items = NULL;
	return xasprintf("not applied%s: %s", why, items);
}

char *spec_unapplied(const struct husk_spec *spec)
{
	struct unapplied u = { 0 };

	process_items(&u, spec->process);
	if (spec->linux_)
		cgroup_items(&u, spec->linux_);
	hook_items(&u, &spec->hooks);
	return unapplied_line(&u);
}

char *spec_exec_unapplied(const struct husk_process *p)
{
	struct unapplied u = { 0 };

	if (!p)
		return NULL;
	process_items(&u, p);
	/* husk exec joins the container and narrows its privileges, but has no
	 * scheduling stage (the container's process sets these at create). */
	add_if(&u, p->scheduler, ".process.scheduler (husk exec)");
	add_if(&u, p->io_priority, ".process.ioPriority (husk exec)");
	add_if(&u, p->exec_cpu_affinity, ".process.execCPUAffinity (husk exec)");
	return unapplied_line(&u);
}

int spec_check_supported(const struct husk_spec *spec, struct husk_error *err)
{
	const struct husk_linux *lx = spec->linux_;

	if (!lx)
		return 0;
	if (lx->intel_rdt)
		return husk_error_setq(err, EOPNOTSUPP, "config.json: .linux.intelRdt: Intel RDT "
				       "is not supported by this husk yet");
	if (lx->n_net_devices > 0)
		return husk_error_setq(err, EOPNOTSUPP, "config.json: .linux.netDevices: moving "
				       "network devices into the container is not supported by "
				       "this husk yet");
	if (lx->memory_policy)
		return husk_error_setq(err, EOPNOTSUPP, "config.json: .linux.memoryPolicy: memory "
				       "policies are not supported by this husk yet");
	if (lx->personality && lx->personality->flags && lx->personality->flags[0])
		return husk_error_setq(err, EINVAL, "config.json: .linux.personality.flags: the "
				       "runtime-spec defines no personality flags (got \"%.40s\")",
				       lx->personality->flags[0]);
	return 0;
}
