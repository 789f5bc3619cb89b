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
 *    not apply yet (hooks) or that mean nothing on Linux (Windows
 *    fields, a console size without a terminal): create and run print one
 *    line naming them, and run on.
 *
 * Limits a rootless container cannot have (no delegated cgroup) are the
 * cgroup manager's to name, in its own one-line notice (cgroup_notice()).
 *
 * tests/unit/test_spec_fields.c walks every JSON path the parser reads and
 * checks that each one is applied somewhere, refused here or named here.
 *
 * The notice stays one line of bounded length whatever the config: at
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

static void add_if(struct unapplied *u, bool cond, const char *path)
{
	if (cond)
		add(u, "%s", path);
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

/* "not applied (hooks are not implemented yet): a, b, c" */
static char *unapplied_line(struct unapplied *u)
{
	_cleanup_free_ char *items = NULL;
	const char *why;

	if (!u->items)
		return NULL;
	if (u->hooks)
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
