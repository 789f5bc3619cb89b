/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "Nothing parsed is silently dropped" (DESIGN.md), as a test.
 *
 * The table below gives every JSON path the config parser reads a
 * disposition: APPLIED (by a named source file, which must use the named
 * struct member), NOTICE (create and run name it in their one-line notice,
 * src/spec/unapplied.c) or REFUSED (an error naming it).  The test proves
 * the table against the parser and the notice, not against itself:
 *
 *  (a) the parser is run over a maximal config with a hook that hears every
 *      member it looks up, present or not (struct jr's `seen`).  Every path
 *      it looks up must be in the table, every table path must be looked
 *      up, and every looked-up path must be present in the maximal config,
 *      so that a new field in the parser fails here until it is both given
 *      a disposition and exercised below;
 *  (b) for each path, a config holding just that field (cut out of the
 *      maximal one, with whatever the parser requires next to it) is
 *      parsed: a NOTICE path must be named by spec_unapplied(), an APPLIED
 *      one must not be, a REFUSED one must be refused by
 *      spec_check_supported() naming it (or, for the refusals that live in
 *      src/launch/, the named file must hold the refusal);
 *  (c) the same for `husk exec`, whose process steps are fewer
 *      (spec_exec_unapplied()).
 *
 * Paths are written as the parser reads them with array indices as "[]"
 * and the keys of data maps (rdma devices, netDevices) as "*".  A `subtree`
 * entry covers everything below it (a hook list is named, or a whole
 * object refused, as one).
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <ctype.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "husk/json.h"
#include "husk/spec.h"
#include "husk/util.h"
#include "spec/json-read.h"
#include "spec/spec-internal.h"

enum disposition { APPLIED, NOTICE, REFUSED };

struct field {
	const char *path;
	enum disposition disp;
	bool subtree;               /* the disposition covers every path below */
	/* APPLIED: the file that applies it and a member name it uses there.
	 * NOTICE: NULL and the text the notice names it by.
	 * REFUSED: the file that refuses it and a word of the refusal. */
	const char *file;
	const char *token;
	/* For .process paths: what `husk exec` does differently (NULL: the same). */
	const char *exec_named;
};

#define A(p, f, t) { p, APPLIED, false, f, t, NULL }
#define A_ALL(p, f, t) { p, APPLIED, true, f, t, NULL }
#define A_EXEC_NOTICE(p, f, t, x) { p, APPLIED, false, f, t, x }
#define N(p, named) { p, NOTICE, false, NULL, named, NULL }
#define N_ALL(p, named) { p, NOTICE, true, NULL, named, NULL }
#define R(p, f, t) { p, REFUSED, false, f, t, NULL }
#define R_ALL(p, f, t) { p, REFUSED, true, f, t, NULL }

#define LAUNCH "src/launch/"
#define SEC "src/security/"
#define CG "src/cgroup/"
#define UNAPPLIED "src/spec/unapplied.c"

static const struct field fields[] = {
	A(".ociVersion", "src/spec/spec.c", "oci_version"),
	A(".root.path", "src/container/create.c", "root_path"),
	A(".root.readonly", LAUNCH "rootfs.c", "root_readonly"),
	A(".mounts[].destination", LAUNCH "mounts.c", "m->destination"),
	A(".mounts[].source", LAUNCH "mounts.c", "m->source"),
	A(".mounts[].type", LAUNCH "mounts.c", "m->type"),
	A(".mounts[].options", LAUNCH "mounts.c", "m->options"),
	R_ALL(".mounts[].uidMappings", LAUNCH "mounts.c", "idmapped mounts are not supported"),
	R_ALL(".mounts[].gidMappings", LAUNCH "mounts.c", "idmapped mounts are not supported"),

	/* .process: the terminal is refused when true (false is what husk does). */
	R(".process.terminal", LAUNCH "launch.c", ".process.terminal: terminals are"),
	N_ALL(".process.consoleSize", ".process.consoleSize (no terminal)"),
	A(".process.user.uid", LAUNCH "process.c", "u->uid"),
	A(".process.user.gid", LAUNCH "process.c", "u->gid"),
	A(".process.user.umask", LAUNCH "process.c", "u->umask"),
	A(".process.user.additionalGids", LAUNCH "process.c", "u->additional_gids"),
	N(".process.user.username", ".process.user.username (Windows only)"),
	A(".process.args", LAUNCH "child.c", "process->args"),
	N(".process.commandLine", ".process.commandLine (Windows only)"),
	A(".process.env", LAUNCH "child.c", "process->env"),
	A(".process.cwd", LAUNCH "process.c", "p->cwd"),
	A(".process.capabilities.bounding", SEC "caps.c", "bounding"),
	A(".process.capabilities.effective", SEC "caps.c", "effective"),
	A(".process.capabilities.inheritable", SEC "caps.c", "inheritable"),
	A(".process.capabilities.permitted", SEC "caps.c", "permitted"),
	A(".process.capabilities.ambient", SEC "caps.c", "ambient"),
	A(".process.rlimits[].type", LAUNCH "process.c", "rl->resource"),
	A(".process.rlimits[].soft", LAUNCH "process.c", "rl->soft"),
	A(".process.rlimits[].hard", LAUNCH "process.c", "rl->hard"),
	A(".process.apparmorProfile", SEC "lsm.c", "apparmor_profile"),
	A(".process.selinuxLabel", SEC "lsm.c", "selinux_label"),
	A(".process.noNewPrivileges", LAUNCH "child.c", "no_new_privileges"),
	A(".process.oomScoreAdj", LAUNCH "process.c", "oom_score_adj"),
	A_EXEC_NOTICE(".process.scheduler.policy", LAUNCH "sched.c", "policy_value",
		      ".process.scheduler"),
	A_EXEC_NOTICE(".process.scheduler.nice", LAUNCH "sched.c", "s->nice", ".process.scheduler"),
	A_EXEC_NOTICE(".process.scheduler.priority", LAUNCH "sched.c", "s->priority",
		      ".process.scheduler"),
	A_EXEC_NOTICE(".process.scheduler.flags", LAUNCH "sched.c", "flags_value",
		      ".process.scheduler"),
	A_EXEC_NOTICE(".process.scheduler.runtime", LAUNCH "sched.c", "s->runtime",
		      ".process.scheduler"),
	A_EXEC_NOTICE(".process.scheduler.deadline", LAUNCH "sched.c", "s->deadline",
		      ".process.scheduler"),
	A_EXEC_NOTICE(".process.scheduler.period", LAUNCH "sched.c", "s->period",
		      ".process.scheduler"),
	A_EXEC_NOTICE(".process.ioPriority.class", LAUNCH "sched.c", "class_value",
		      ".process.ioPriority"),
	A_EXEC_NOTICE(".process.ioPriority.priority", LAUNCH "sched.c", "io->priority",
		      ".process.ioPriority"),
	A_EXEC_NOTICE(".process.execCPUAffinity.initial", LAUNCH "sched.c", "->initial",
		      ".process.execCPUAffinity"),
	A_EXEC_NOTICE(".process.execCPUAffinity.final", LAUNCH "sched.c", "->final",
		      ".process.execCPUAffinity"),

	A(".hostname", LAUNCH "child.c", "s->hostname"),
	A(".domainname", LAUNCH "child.c", "s->domainname"),
	N_ALL(".hooks.prestart", ".hooks.prestart[0] (/usr/bin/fix-mounts)"),
	N_ALL(".hooks.createRuntime", ".hooks.createRuntime[0] (/bin/a)"),
	N_ALL(".hooks.createContainer", ".hooks.createContainer[0] (/bin/b)"),
	N_ALL(".hooks.startContainer", ".hooks.startContainer[0] (/bin/c)"),
	N_ALL(".hooks.poststart", ".hooks.poststart[1] (/bin/e)"),
	N_ALL(".hooks.poststop", ".hooks.poststop[0] (/bin/f)"),
	/* The state record, io.husk.init, the seccomp agent's metadata. */
	A(".annotations", "src/container/record.c", "spec->annotations"),

	/* .linux */
	A(".linux.namespaces[].type", LAUNCH "launch.c", "ns->type"),
	A(".linux.namespaces[].path", LAUNCH "launch.c", "ns->path"),
	A(".linux.uidMappings[].containerID", LAUNCH "idmap.c", "container_id"),
	A(".linux.uidMappings[].hostID", LAUNCH "idmap.c", "host_id"),
	A(".linux.uidMappings[].size", LAUNCH "idmap.c", "m[i].size"),
	A(".linux.gidMappings[].containerID", LAUNCH "idmap.c", "container_id"),
	A(".linux.gidMappings[].hostID", LAUNCH "idmap.c", "host_id"),
	A(".linux.gidMappings[].size", LAUNCH "idmap.c", "m[i].size"),
	A(".linux.timeOffsets.monotonic.secs", LAUNCH "child.c", "time_monotonic"),
	A(".linux.timeOffsets.monotonic.nanosecs", LAUNCH "child.c", "nanosecs"),
	A(".linux.timeOffsets.boottime.secs", LAUNCH "child.c", "time_boottime"),
	A(".linux.timeOffsets.boottime.nanosecs", LAUNCH "child.c", "nanosecs"),
	A(".linux.devices[].path", LAUNCH "devices.c", "sd->path"),
	A(".linux.devices[].type", LAUNCH "devices.c", "sd->type"),
	A(".linux.devices[].major", LAUNCH "devices.c", "sd->major"),
	A(".linux.devices[].minor", LAUNCH "devices.c", "sd->minor"),
	A(".linux.devices[].fileMode", LAUNCH "devices.c", "sd->file_mode"),
	A(".linux.devices[].uid", LAUNCH "devices.c", "sd->uid"),
	A(".linux.devices[].gid", LAUNCH "devices.c", "sd->gid"),
	A(".linux.cgroupsPath", "src/container/create.c", "lx->cgroups_path"),

	/*
	 * .linux.resources: the cgroup manager (src/cgroup/) applies them, in
	 * the v2 plan where cgroup v2 has the setting, in the v1 plan for what
	 * only v1 has (on v2 those are errors or one-line notes of the
	 * manager's), the device rules in devices.c.  Rootless without a
	 * delegated cgroup, the manager names what it could not apply in its
	 * own notice (cgroup_notice()), not spec_unapplied().
	 */
	A_ALL(".linux.resources.devices", CG "devices.c", "rule->access"),
	A(".linux.resources.memory.limit", CG "plan-v2.c", "m->limit"),
	A(".linux.resources.memory.reservation", CG "plan-v2.c", "m->reservation"),
	A(".linux.resources.memory.swap", CG "plan-v2.c", "m->swap"),
	A(".linux.resources.memory.kernel", CG "plan-v1.c", "m->kernel"),
	A(".linux.resources.memory.kernelTCP", CG "plan-v1.c", "m->kernel_tcp"),
	A(".linux.resources.memory.swappiness", CG "plan-v1.c", "m->swappiness"),
	A(".linux.resources.memory.disableOOMKiller", CG "plan-v1.c", "m->disable_oom_killer"),
	A(".linux.resources.memory.useHierarchy", CG "plan-v1.c", "m->use_hierarchy"),
	A(".linux.resources.memory.checkBeforeUpdate", CG "plan-v2.c", "m->check_before_update"),
	A(".linux.resources.cpu.shares", CG "plan-v2.c", "c->shares"),
	A(".linux.resources.cpu.quota", CG "plan-v2.c", "c->quota"),
	A(".linux.resources.cpu.burst", CG "plan-v2.c", "c->burst"),
	A(".linux.resources.cpu.period", CG "plan-v2.c", "c->period"),
	A(".linux.resources.cpu.realtimeRuntime", CG "plan-v1.c", "c->realtime_runtime"),
	A(".linux.resources.cpu.realtimePeriod", CG "plan-v1.c", "c->realtime_period"),
	A(".linux.resources.cpu.cpus", CG "plan.c", "c->cpus"),
	A(".linux.resources.cpu.mems", CG "plan.c", "c->mems"),
	A(".linux.resources.cpu.idle", CG "plan-v2.c", "c->idle"),
	A(".linux.resources.pids.limit", CG "plan-v2.c", "r->pids_limit"),
	A(".linux.resources.blockIO.weight", CG "plan-v2.c", "b->weight"),
	A(".linux.resources.blockIO.leafWeight", CG "plan-v1.c", "b->leaf_weight"),
	A_ALL(".linux.resources.blockIO.weightDevice", CG "plan-v2.c", "b->weight_device"),
	A_ALL(".linux.resources.blockIO.throttleReadBpsDevice", CG "plan-v2.c", "b->throttle"),
	A_ALL(".linux.resources.blockIO.throttleWriteBpsDevice", CG "plan-v2.c", "b->throttle"),
	A_ALL(".linux.resources.blockIO.throttleReadIOPSDevice", CG "plan-v2.c", "b->throttle"),
	A_ALL(".linux.resources.blockIO.throttleWriteIOPSDevice", CG "plan-v2.c", "b->throttle"),
	A_ALL(".linux.resources.hugepageLimits", CG "plan-v2.c", "r->hugepage_limits"),
	A(".linux.resources.network.classID", CG "plan-v1.c", "r->net_class_id"),
	A_ALL(".linux.resources.network.priorities", CG "plan-v1.c", "r->net_priorities"),
	A_ALL(".linux.resources.rdma", CG "plan.c", "r->rdma"),
	A_ALL(".linux.resources.unified", CG "plan-v2.c", "r->unified"),

	R_ALL(".linux.intelRdt", UNAPPLIED, NULL),
	A(".linux.sysctl", LAUNCH "process.c", "lx->sysctl"),
	A(".linux.seccomp.defaultAction", SEC "seccomp-compile.c", "default_action"),
	A(".linux.seccomp.defaultErrnoRet", SEC "seccomp-compile.c", "default_errno_ret"),
	A(".linux.seccomp.architectures", SEC "seccomp-compile.c", "architectures"),
	A(".linux.seccomp.flags", SEC "seccomp-compile.c", "s->flags"),
	A(".linux.seccomp.listenerPath", LAUNCH "seccomp-agent.c", "listener_path"),
	A(".linux.seccomp.listenerMetadata", LAUNCH "seccomp-agent.c", "listener_metadata"),
	A(".linux.seccomp.syscalls[].names", SEC "seccomp-compile.c", "rule->names"),
	A(".linux.seccomp.syscalls[].action", SEC "seccomp-compile.c", "rule->action"),
	A(".linux.seccomp.syscalls[].errnoRet", SEC "seccomp-compile.c", "rule->errno_ret"),
	A(".linux.seccomp.syscalls[].args[].index", SEC "seccomp-compile.c", "a->index"),
	A(".linux.seccomp.syscalls[].args[].value", SEC "seccomp-compile.c", "a->value"),
	A(".linux.seccomp.syscalls[].args[].valueTwo", SEC "seccomp-compile.c", "a->value_two"),
	A(".linux.seccomp.syscalls[].args[].op", SEC "seccomp-compile.c", "a->op"),
	A(".linux.personality.domain", LAUNCH "sched.c", "pers->domain"),
	R(".linux.personality.flags", UNAPPLIED, NULL),
	A(".linux.rootfsPropagation", LAUNCH "rootfs.c", "rootfs_propagation"),
	A(".linux.maskedPaths", LAUNCH "rootfs.c", "masked_paths"),
	A(".linux.readonlyPaths", LAUNCH "rootfs.c", "readonly_paths"),
	A(".linux.mountLabel", LAUNCH "mounts.c", "mount_label"),
	R_ALL(".linux.memoryPolicy", UNAPPLIED, NULL),
	R_ALL(".linux.netDevices", UNAPPLIED, NULL),
};

/* ---- paths ------------------------------------------------------------------ */

/* ".linux.resources.devices[].access": indices as "[]", data keys as ".*". */
static void jpath_norm(const struct jpath *p, char *buf, size_t size)
{
	const struct jpath *steps[SPEC_MAX_DEPTH * 2];
	size_t n = 0, len = 0;

	buf[0] = '\0';
	for (; p && n < ARRAY_SIZE(steps); p = p->up)
		steps[n++] = p;
	while (n-- > 0 && len < size) {
		const struct jpath *s = steps[n];

		if (!s->key)
			len += (size_t)snprintf(buf + len, size - len, "[]");
		else if (s->entry)
			len += (size_t)snprintf(buf + len, size - len, ".*");
		else
			len += (size_t)snprintf(buf + len, size - len, ".%.*s", (int)s->key_len,
						s->key);
	}
}

/* a == b, or a is an ancestor of b ("x" of "x.y" and "x[]"). */
static bool path_covers(const char *a, const char *b)
{
	size_t n = strlen(a);

	return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '.' || b[n] == '[');
}

static const struct field *field_of(const char *path)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (strcmp(fields[i].path, path) == 0 ||
		    (fields[i].subtree && path_covers(fields[i].path, path)))
			return &fields[i];
	return NULL;
}

/* Some entry of the table lies below path: path is a container of fields. */
static bool is_container(const char *path)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (strcmp(fields[i].path, path) != 0 && path_covers(path, fields[i].path))
			return true;
	return false;
}

/* ---- the maximal config ---------------------------------------------------------- */

static char *maximal_text(size_t *len)
{
	_cleanup_free_ char *here = xstrdup(__FILE__);
	_cleanup_free_ char *path = xasprintf("%s/../fuzz/corpus/valid-full-v1.2.json",
					      dirname(here));
	struct husk_error err = { 0 };
	char *text = NULL;

	cr_assert_eq(read_file_at(AT_FDCWD, path, SPEC_MAX_BYTES, &text, len, &err), 0, "%s",
		     err.msg);
	return text;
}

struct seen {
	char *path;
	bool present;
};

struct trace {
	struct seen *v;
	size_t n;
};

static void on_seen(void *ctx, const struct jpath *p, const struct jnode *v)
{
	struct trace *t = ctx;
	char path[512];

	jpath_norm(p, path, sizeof(path));
	for (size_t i = 0; i < t->n; i++) {
		if (strcmp(t->v[i].path, path) == 0) {
			t->v[i].present |= v != NULL;
			return;
		}
	}
	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	t->v[t->n++] = (struct seen){ xstrdup(path), v != NULL };
}

static void trace_free(struct trace *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].path);
	free(t->v);
}

/* ---- (a) the table is the parser's --------------------------------------------------- */

Test(spec_fields, every_parsed_field_has_a_disposition)
{
	size_t len;
	_cleanup_free_ char *text = maximal_text(&len);
	struct husk_error err = { 0 };
	struct husk_spec *spec = NULL;
	struct trace t = { 0 };
	size_t problems = 0;

	cr_assert_eq(spec_parse_traced(text, len, on_seen, &t, &spec, &err), 0, "%s", err.msg);
	spec_free(spec);
	cr_assert_gt(t.n, 100, "the parser hook heard %zu lookups", t.n);

	for (size_t i = 0; i < t.n; i++) {
		const struct field *f = field_of(t.v[i].path);
		bool under_subtree = f && f->subtree && strcmp(f->path, t.v[i].path) != 0;

		if (!f && !is_container(t.v[i].path)) {
			cr_log_error("the parser reads %s, which has no disposition: apply it, "
				     "name it in spec_unapplied() or refuse it in "
				     "spec_check_supported(), and add it to this table",
				     t.v[i].path);
			problems++;
		}
		if (!t.v[i].present && !under_subtree) {
			cr_log_error("the parser looks up %s, but valid-full-v1.2.json does not "
				     "set it: add it so that its disposition is tested",
				     t.v[i].path);
			problems++;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		bool found = false;

		for (size_t j = 0; j < t.n && !found; j++)
			found = strcmp(t.v[j].path, fields[i].path) == 0;
		if (!found) {
			cr_log_error("the table lists %s, which the parser never reads",
				     fields[i].path);
			problems++;
		}
	}
	trace_free(&t);
	cr_assert_eq(problems, 0, "%zu fields without a tested disposition (see above)",
		     problems);
}

/* ---- a config with just one field ---------------------------------------------------- */

/* Paths to keep: `target` (the field) and what the parser demanded next to it. */
struct keep {
	const char *target;
	char *extra[16];
	size_t n;
};

static bool keep_node(const struct keep *k, const char *path)
{
	if (path_covers(path, k->target) || path_covers(k->target, path))
		return true;
	for (size_t i = 0; i < k->n; i++)
		if (path_covers(path, k->extra[i]) || path_covers(k->extra[i], path))
			return true;
	return false;
}

/* Whether the subtree of v (at path) holds a node at `want`. */
static bool holds(const struct jnode *v, const char *path, const char *want)
{
	if (strcmp(path, want) == 0)
		return true;
	if (!path_covers(path, want))
		return false;
	for (const struct jnode *m = v->u.kids.first;
	     m && (v->type == JT_OBJECT || v->type == JT_ARRAY); m = m->next) {
		_cleanup_free_ char *sub =
			v->type == JT_ARRAY ? xasprintf("%s[]", path)
					    : xasprintf("%s.%.*s", path, (int)m->key_len, m->key);
		if (holds(m, sub, want))
			return true;
	}
	return false;
}

static void emit(struct json_writer *w, const struct jnode *v, const char *path,
		 const struct keep *k);

static void emit_members(struct json_writer *w, const struct jnode *v, const char *path,
			 const struct keep *k)
{
	bool top = path[0] == '\0';

	for (const struct jnode *m = v->u.kids.first; m; m = m->next) {
		_cleanup_free_ char *sub = xasprintf("%s.%.*s", path, (int)m->key_len, m->key);

		if (!keep_node(k, sub) && !(top && (strcmp(sub, ".ociVersion") == 0 ||
						    strcmp(sub, ".root") == 0)))
			continue;
		json_key(w, m->key);
		emit(w, m, sub, k);
	}
}

/*
 * An array on the way to the target keeps only its first element that
 * holds the target (and what the parser demanded of that element); an
 * array inside a kept subtree is kept whole.
 */
static void emit_elements(struct json_writer *w, const struct jnode *v, const char *path,
			  const struct keep *k)
{
	_cleanup_free_ char *sub = xasprintf("%s[]", path);
	const char *want = k->target;
	bool whole = path_covers(k->target, path);

	for (size_t i = 0; i < k->n; i++)
		whole |= path_covers(k->extra[i], path);
	if (!path_covers(sub, k->target))
		for (size_t i = 0; i < k->n; i++)
			if (path_covers(sub, k->extra[i]))
				want = k->extra[i];
	for (const struct jnode *e = v->u.kids.first; e; e = e->next) {
		if (!whole && !holds(e, sub, want))
			continue;
		emit(w, e, sub, k);
		if (!whole)
			break;
	}
}

static void emit(struct json_writer *w, const struct jnode *v, const char *path,
		 const struct keep *k)
{
	switch (v->type) {
	case JT_NULL:
		json_null(w);
		break;
	case JT_BOOL:
		json_bool(w, v->u.boolean);
		break;
	case JT_NUMBER:
		if (v->u.text.s[0] == '-')
			json_int(w, strtoll(v->u.text.s, NULL, 10));
		else
			json_uint(w, strtoull(v->u.text.s, NULL, 10));
		break;
	case JT_STRING:
		json_string(w, v->u.text.s);
		break;
	case JT_OBJECT:
		json_open_object(w);
		emit_members(w, v, path, k);
		json_close_object(w);
		break;
	case JT_ARRAY:
		json_open_array(w);
		emit_elements(w, v, path, k);
		json_close_array(w);
		break;
	}
}

/* The normalized path an error message is about ("config.json: .a[0].b: ..."). */
static char *error_path(const char *msg)
{
	const char *p = strstr(msg, ": "), *end;
	char *out, *o;

	if (!p || p[2] != '.')
		return NULL;
	p += 2;
	end = strstr(p, ": ");
	if (!end)
		return NULL;
	out = o = xstrndup(p, (size_t)(end - p));
	for (const char *s = out; *s;) {
		if (*s == '[' && isdigit((unsigned char)s[1])) {
			s += strspn(s + 1, "0123456789") + 1;
			*o++ = '[';
			*o++ = *s ? *s++ : ']';
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

/*
 * The maximal config cut down to `target`: parsed until the parser stops
 * asking for another field next to it (a hook's path, a rule's allow, the
 * process's args and cwd).
 */
/*
 * Fields that are refused alone, with an error about themselves rather than
 * about the field they need: the parser's message names the field at fault
 * (swap, which is memory plus swap), so the companion is kept from the start.
 */
static const char *const companions[][2] = {
	{ ".linux.resources.memory.swap", ".linux.resources.memory.limit" },
};

static struct husk_spec *just(const char *target)
{
	size_t len;
	_cleanup_free_ char *text = maximal_text(&len);
	_cleanup_jtree_ struct jtree *tree = NULL;
	struct husk_error err = { 0 };
	struct keep k = { .target = target };
	struct husk_spec *spec = NULL;

	cr_assert_eq(jtree_parse(text, len, "config.json", &tree, &err), 0, "%s", err.msg);
	for (size_t i = 0; i < ARRAY_SIZE(companions); i++)
		if (strcmp(target, companions[i][0]) == 0)
			k.extra[k.n++] = xstrdup(companions[i][1]);
	for (;;) {
		_cleanup_json_writer_ struct json_writer *w = json_writer_new(false);
		const char *out;
		size_t out_len;
		char *need;

		emit(w, jtree_root(tree), "", &k);
		cr_assert_eq(json_writer_finish(w, &out, &out_len, &err), 0, "%s", err.msg);
		husk_error_clear(&err);
		if (spec_parse(out, out_len, "config.json", &spec, &err) == 0)
			break;
		need = error_path(err.msg);
		cr_assert(need && k.n < ARRAY_SIZE(k.extra) && !keep_node(&k, need) &&
				  holds(jtree_root(tree), "", need),
			  "a config with just %s does not parse: %s\n%.*s", target, err.msg,
			  (int)out_len, out);
		k.extra[k.n++] = need;
	}
	for (size_t i = 0; i < k.n; i++)
		free(k.extra[i]);
	return spec;
}

/* ---- (b) each disposition holds -------------------------------------------------------- */

static bool file_says(const char *file, const char *token)
{
	_cleanup_free_ char *here = xstrdup(__FILE__);
	_cleanup_free_ char *path = xasprintf("%s/../../%s", dirname(here), file);
	_cleanup_free_ char *text = NULL;
	struct husk_error err = { 0 };
	size_t len;

	if (read_file_at(AT_FDCWD, path, 1 << 20, &text, &len, &err) < 0) {
		cr_expect_fail("%s", err.msg);
		return false;
	}
	return strstr(text, token) != NULL;
}

static void check_field(const struct field *f)
{
	_cleanup_spec_ struct husk_spec *spec = just(f->path);
	_cleanup_free_ char *notice = spec_unapplied(spec);
	struct husk_error err = { 0 };
	int refused = spec_check_supported(spec, &err);

	switch (f->disp) {
	case APPLIED:
		cr_expect_null(notice, "%s is applied, but the notice says: %s", f->path, notice);
		cr_expect_eq(refused, 0, "%s is applied, but refused: %s", f->path, err.msg);
		cr_expect(file_says(f->file, f->token), "%s: %s does not use \"%s\"", f->path,
			  f->file, f->token);
		break;
	case NOTICE:
		cr_expect(notice && strstr(notice, f->token), "%s: the notice does not name "
			  "\"%s\": %s", f->path, f->token, notice ? notice : "(no notice)");
		cr_expect_eq(refused, 0, "%s is a notice, but refused: %s", f->path, err.msg);
		break;
	case REFUSED:
		cr_expect_null(notice, "%s is refused, but the notice names it: %s", f->path,
			       notice);
		if (strcmp(f->file, UNAPPLIED) == 0) {
			cr_expect_lt(refused, 0, "%s is not refused", f->path);
			cr_expect(strstr(err.msg, f->path), "%s: the refusal does not name it: %s",
				  f->path, err.msg);
		} else {
			/* Refused while the container is built: the file says so. */
			cr_expect(file_says(f->file, f->token),
				  "%s: %s does not refuse it (\"%s\")", f->path, f->file, f->token);
		}
		break;
	}
}

Test(spec_fields, each_disposition_holds_for_a_config_with_just_that_field)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		check_field(&fields[i]);
}

Test(spec_fields, a_config_without_them_gets_no_notice)
{
	static const char minimal[] = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},"
				      "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"
				      "\"linux\":{\"resources\":{\"devices\":[]}},"
				      "\"hooks\":{\"prestart\":[]}}";
	_cleanup_spec_ struct husk_spec *spec = NULL;
	struct husk_error err = { 0 };

	cr_assert_eq(spec_parse(minimal, strlen(minimal), NULL, &spec, &err), 0, "%s", err.msg);
	cr_assert_null(spec_unapplied(spec));
	cr_assert_null(spec_exec_unapplied(spec->process));
	cr_assert_eq(spec_check_supported(spec, &err), 0);
}

/* Zeros that runc and crun read as "not set" (an engine's untouched limits): nothing to name. */
Test(spec_fields, zero_limits_are_not_set_and_get_no_notice)
{
	static const char zeros[] =
		"{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},"
		"\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"
		"\"linux\":{\"resources\":{"
		"\"memory\":{\"limit\":0,\"reservation\":0,\"swap\":0},"
		"\"cpu\":{\"shares\":0,\"quota\":0,\"period\":0,\"realtimePeriod\":0},"
		"\"blockIO\":{\"weight\":0,\"leafWeight\":0}}}}";
	_cleanup_spec_ struct husk_spec *spec = NULL;
	struct husk_error err = { 0 };

	cr_assert_eq(spec_parse(zeros, strlen(zeros), NULL, &spec, &err), 0, "%s", err.msg);
	cr_assert_null(spec_unapplied(spec));
}

/* ---- (c) husk exec ------------------------------------------------------------------------ */

Test(spec_fields, exec_names_what_it_does_not_apply)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const struct field *f = &fields[i];

		if (!str_has_prefix(f->path, ".process.") || f->disp == REFUSED)
			continue;
		_cleanup_spec_ struct husk_spec *spec = just(f->path);
		_cleanup_free_ char *notice = spec_exec_unapplied(spec->process);
		const char *named = f->exec_named ? f->exec_named
						  : f->disp == NOTICE ? f->token : NULL;

		if (named)
			cr_expect(notice && strstr(notice, named), "exec %s: the notice does not "
				  "name \"%s\": %s", f->path, named, notice ? notice : "(none)");
		else
			cr_expect_null(notice, "exec applies %s, but the notice says: %s", f->path,
				       notice);
	}
}

/* ---- the notice's shape -------------------------------------------------------------------- */

Test(spec_fields, notice_is_one_bounded_line)
{
	_cleanup_free_ char *json = NULL, *notice = NULL;
	_cleanup_spec_ struct husk_spec *spec = NULL;
	struct husk_error err = { 0 };
	char *rules = xstrdup(""), *hooks = xstrdup("");

	for (int i = 0; i < 500; i++) {
		char *r = xasprintf("%s%s{\"allow\":true,\"type\":\"c\",\"major\":%d,\"access\":"
				    "\"rwm\"}", rules, i ? "," : "", i);
		free(rules);
		rules = r;
	}
	for (int i = 0; i < 40; i++) {
		char *h = xasprintf("%s%s{\"path\":\"/usr/libexec/oci/hooks.d/%0200d\"}", hooks,
				    i ? "," : "", i);
		free(hooks);
		hooks = h;
	}
	json = xasprintf("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},"
			 "\"hooks\":{\"prestart\":[%s],\"poststop\":[{\"path\":\"/%0300d\"}]},"
			 "\"linux\":{\"resources\":{\"devices\":[%s],\"pids\":{\"limit\":2048},"
			 "\"memory\":{\"limit\":1048576}}}}", hooks, 7, rules);
	free(rules);
	free(hooks);
	cr_assert_eq(spec_parse(json, strlen(json), NULL, &spec, &err), 0, "%s", err.msg);
	notice = spec_unapplied(spec);
	cr_assert_not_null(notice);
	/* The limits and device rules are the cgroup manager's: not named here. */
	cr_assert_str_eq(notice, "not applied (hooks are not implemented yet): "
			 ".hooks.prestart (40 hooks), "
			 ".hooks.poststop[0] (/000000000000000000000000000000000000000000000000"
			 "00000000000...)");
	cr_assert_null(strchr(notice, '\n'));
}
