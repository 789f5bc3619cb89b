/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The OCI `process` object: the container's init (config.json .process)
 * and the file of `husk exec --process FILE`, parsed by the same code.
 *
 * Names that map to kernel constants (RLIMIT_*, SCHED_*, IOPRIO_CLASS_*)
 * are resolved here, so later stages get numbers and an unknown name fails
 * before anything is created.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "husk/spec.h"
#include "husk/util.h"
#include "spec/spec-internal.h"

/* ---- name tables ----------------------------------------------------------------- */

struct named {
	const char *name;
	int value;
};

static const struct named rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },             { "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },           { "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },       { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },   { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },         { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },       { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },     { "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
	{ NULL, 0 },
};

/* Values from <linux/sched.h> and sched(7); spelled out so old libc headers do not matter. */
enum { POLICY_FIFO = 1, POLICY_RR = 2, POLICY_DEADLINE = 6 };
static const struct named sched_policies[] = {
	{ "SCHED_OTHER", 0 }, { "SCHED_FIFO", POLICY_FIFO }, { "SCHED_RR", POLICY_RR },
	{ "SCHED_BATCH", 3 }, { "SCHED_ISO", 4 },            { "SCHED_IDLE", 5 },
	{ "SCHED_DEADLINE", POLICY_DEADLINE },
	{ NULL, 0 },
};

static const struct named sched_flags[] = {
	{ "SCHED_FLAG_RESET_ON_FORK", 0x01 }, { "SCHED_FLAG_RECLAIM", 0x02 },
	{ "SCHED_FLAG_DL_OVERRUN", 0x04 },    { "SCHED_FLAG_KEEP_POLICY", 0x08 },
	{ "SCHED_FLAG_KEEP_PARAMS", 0x10 },   { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
	{ "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
	{ NULL, 0 },
};

/* IOPRIO_CLASS_* from <linux/ioprio.h>. */
static const struct named ioprio_classes[] = {
	{ "IOPRIO_CLASS_RT", 1 }, { "IOPRIO_CLASS_BE", 2 }, { "IOPRIO_CLASS_IDLE", 3 },
	{ NULL, 0 },
};

static const struct named *find_named(const struct named *t, const char *s)
{
	for (; t->name; t++)
		if (strcmp(t->name, s) == 0)
			return t;
	return NULL;
}

/* "unknown scheduler policy \"X\" (one of SCHED_OTHER, SCHED_FIFO, ...)" */
static int unknown_name(const struct jr *r, const struct jpath *p, const char *what,
			const char *s, const struct named *t)
{
	char list[512] = "", shown[80];
	size_t n = 0;

	for (; t->name && n + strlen(t->name) + 3 < sizeof(list); t++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", n ? ", " : "", t->name);
	jr_quote(s, strlen(s), shown, sizeof(shown));
	return jr_fail(r, p, "unknown %s %s (expected one of %s)", what, shown, list);
}

/* ---- pieces ------------------------------------------------------------------------ */

static int parse_user(const struct jr *r, const struct jnode *proc, const struct jpath *pp,
		      struct husk_user *u)
{
	const struct jpath *p = JP_KEY(pp, "user");
	const struct jnode *v, *a;
	size_t i = 0;
	int ret;

	ret = jr_get_object(r, proc, pp, "user", &v);
	if (ret <= 0)
		return ret;
	if ((ret = jr_get_u32(r, v, p, "uid", &u->uid)) < 0 ||
	    (ret = jr_get_u32(r, v, p, "gid", &u->gid)) < 0 ||
	    (ret = jr_get_opt_u64(r, v, p, "umask", UINT32_MAX, &u->umask)) < 0 ||
	    (ret = jr_get_string(r, v, p, "username", &u->username)) < 0)
		return ret;
	if (u->umask.set && u->umask.value > 0777)
		return jr_fail(r, JP_KEY(p, "umask"), "must be at most 0777 (511), got %llu",
			       (unsigned long long)u->umask.value);

	ret = jr_get_array(r, v, p, "additionalGids", &a);
	if (ret <= 0)
		return ret;
	ALLOC_FOR(u->additional_gids, u->n_additional_gids, a);
	for (const struct jnode *e = a->u.kids.first; e; e = e->next, i++) {
		uint64_t gid;

		ret = jr_uint(r, e, JP_IDX(JP_KEY(p, "additionalGids"), i), UINT32_MAX, &gid);
		if (ret < 0)
			return ret;
		u->additional_gids[i] = (uint32_t)gid;
	}
	return 0;
}

static int parse_capabilities(const struct jr *r, const struct jnode *proc,
			      const struct jpath *pp, struct husk_process *out)
{
	const struct jpath *p = JP_KEY(pp, "capabilities");
	struct husk_capabilities *c;
	const struct jnode *v;
	int ret;

	ret = jr_get_object(r, proc, pp, "capabilities", &v);
	if (ret <= 0)
		return ret;
	c = out->capabilities = xcalloc(1, sizeof(*c));
	if ((ret = jr_get_strv(r, v, p, "bounding", &c->bounding)) < 0 ||
	    (ret = jr_get_strv(r, v, p, "effective", &c->effective)) < 0 ||
	    (ret = jr_get_strv(r, v, p, "inheritable", &c->inheritable)) < 0 ||
	    (ret = jr_get_strv(r, v, p, "permitted", &c->permitted)) < 0 ||
	    (ret = jr_get_strv(r, v, p, "ambient", &c->ambient)) < 0)
		return ret;
	return 0;
}

static int parse_rlimit(const struct jr *r, const struct jnode *v, const struct jpath *p,
			struct husk_rlimit *rl)
{
	const struct named *n;
	const struct jnode *f;
	int ret;

	ret = jr_object(r, v, p);
	if (ret < 0)
		return ret;
	if ((ret = jr_require(r, v, p, "type", &f)) < 0 ||
	    (ret = jr_get_string(r, v, p, "type", &rl->type)) < 0)
		return ret;
	n = find_named(rlimit_names, rl->type);
	if (!n)
		return unknown_name(r, JP_KEY(p, "type"), "rlimit", rl->type, rlimit_names);
	rl->resource = n->value;
	if ((ret = jr_require(r, v, p, "soft", &f)) < 0 ||
	    (ret = jr_get_uint(r, v, p, "soft", UINT64_MAX, &rl->soft)) < 0 ||
	    (ret = jr_require(r, v, p, "hard", &f)) < 0 ||
	    (ret = jr_get_uint(r, v, p, "hard", UINT64_MAX, &rl->hard)) < 0)
		return ret;
	if (rl->soft > rl->hard)
		return jr_fail(r, p, "soft limit %llu is above the hard limit %llu",
			       (unsigned long long)rl->soft, (unsigned long long)rl->hard);
	return 0;
}

static int parse_rlimits(const struct jr *r, const struct jnode *proc, const struct jpath *pp,
			 struct husk_process *out)
{
	const struct jpath *ap = JP_KEY(pp, "rlimits");
	const struct jnode *a;
	size_t i = 0;
	int ret;

	ret = jr_get_array(r, proc, pp, "rlimits", &a);
	if (ret <= 0)
		return ret;
	ALLOC_FOR(out->rlimits, out->n_rlimits, a);
	for (const struct jnode *e = a->u.kids.first; e; e = e->next, i++) {
		ret = parse_rlimit(r, e, JP_IDX(ap, i), &out->rlimits[i]);
		if (ret < 0)
			return ret;
		for (size_t j = 0; j < i; j++)
			if (out->rlimits[j].resource == out->rlimits[i].resource)
				return jr_fail(r, JP_KEY(JP_IDX(ap, i), "type"),
					       "%s is already set at [%zu]", out->rlimits[i].type,
					       j);
	}
	return 0;
}

static int parse_sched_flags(const struct jr *r, const struct jpath *p, struct husk_scheduler *s)
{
	for (size_t i = 0; s->flags && s->flags[i]; i++) {
		const struct named *n = find_named(sched_flags, s->flags[i]);

		if (!n)
			return unknown_name(r, JP_IDX(JP_KEY(p, "flags"), i), "scheduler flag",
					    s->flags[i], sched_flags);
		s->flags_value |= (uint64_t)n->value;
	}
	return 0;
}

/*
 * The scheduler object, with sched_setattr(2)'s rules checked up front:
 * nice in -20..19, a priority only for FIFO/RR, runtime/deadline/period
 * only for DEADLINE.
 */
static int parse_scheduler(const struct jr *r, const struct jnode *proc, const struct jpath *pp,
			   struct husk_process *out)
{
	const struct jpath *p = JP_KEY(pp, "scheduler");
	struct husk_scheduler *s;
	const struct named *n;
	const struct jnode *v, *f;
	int ret;

	ret = jr_get_object(r, proc, pp, "scheduler", &v);
	if (ret <= 0)
		return ret;
	s = out->scheduler = xcalloc(1, sizeof(*s));
	if ((ret = jr_require(r, v, p, "policy", &f)) < 0 ||
	    (ret = jr_get_string(r, v, p, "policy", &s->policy)) < 0)
		return ret;
	n = find_named(sched_policies, s->policy);
	if (!n)
		return unknown_name(r, JP_KEY(p, "policy"), "scheduler policy", s->policy,
				    sched_policies);
	s->policy_value = n->value;
	if ((ret = jr_get_opt_i64(r, v, p, "nice", -20, 19, &s->nice)) < 0 ||
	    (ret = jr_get_opt_i64(r, v, p, "priority", 0, 99, &s->priority)) < 0 ||
	    (ret = jr_get_strv(r, v, p, "flags", &s->flags)) < 0 ||
	    (ret = jr_get_opt_u64(r, v, p, "runtime", UINT64_MAX, &s->runtime)) < 0 ||
	    (ret = jr_get_opt_u64(r, v, p, "deadline", UINT64_MAX, &s->deadline)) < 0 ||
	    (ret = jr_get_opt_u64(r, v, p, "period", UINT64_MAX, &s->period)) < 0)
		return ret;
	ret = parse_sched_flags(r, p, s);
	if (ret < 0)
		return ret;
	if (s->priority.set && s->priority.value != 0 && s->policy_value != POLICY_FIFO &&
	    s->policy_value != POLICY_RR)
		return jr_fail(r, JP_KEY(p, "priority"), "only SCHED_FIFO and SCHED_RR take a "
			       "priority, the policy is %s", s->policy);
	if (s->policy_value != POLICY_DEADLINE &&
	    ((s->runtime.set && s->runtime.value) || (s->deadline.set && s->deadline.value) ||
	     (s->period.set && s->period.value)))
		return jr_fail(r, p, "runtime, deadline and period are for SCHED_DEADLINE only, "
			       "the policy is %s", s->policy);
	return 0;
}

static int parse_io_priority(const struct jr *r, const struct jnode *proc,
			     const struct jpath *pp, struct husk_process *out)
{
	const struct jpath *p = JP_KEY(pp, "ioPriority");
	struct husk_io_priority *io;
	const struct named *n;
	const struct jnode *v, *f;
	int64_t prio = 0;
	int ret;

	ret = jr_get_object(r, proc, pp, "ioPriority", &v);
	if (ret <= 0)
		return ret;
	io = out->io_priority = xcalloc(1, sizeof(*io));
	if ((ret = jr_require(r, v, p, "class", &f)) < 0 ||
	    (ret = jr_get_string(r, v, p, "class", &io->class_name)) < 0)
		return ret;
	n = find_named(ioprio_classes, io->class_name);
	if (!n)
		return unknown_name(r, JP_KEY(p, "class"), "I/O priority class", io->class_name,
				    ioprio_classes);
	io->class_value = n->value;
	ret = jr_get_int(r, v, p, "priority", 0, 7, &prio);
	if (ret < 0)
		return ret;
	io->priority = (int)prio;
	return 0;
}

/* A cpu list as the kernel writes it: "0-3,7". */
static int check_cpu_list(const struct jr *r, const struct jpath *p, const char *s)
{
	char shown[80];

	if (s[0] != '\0' && spec_cpu_list_valid(s))
		return 0;
	jr_quote(s, strlen(s), shown, sizeof(shown));
	return jr_fail(r, p, "expected a cpu list such as \"0-3,7\", got %s", shown);
}

static int parse_cpu_affinity(const struct jr *r, const struct jnode *proc,
			      const struct jpath *pp, struct husk_process *out)
{
	const struct jpath *p = JP_KEY(pp, "execCPUAffinity");
	struct husk_cpu_affinity *a;
	const struct jnode *v;
	int ret;

	ret = jr_get_object(r, proc, pp, "execCPUAffinity", &v);
	if (ret <= 0)
		return ret;
	a = out->exec_cpu_affinity = xcalloc(1, sizeof(*a));
	ret = jr_get_string(r, v, p, "initial", &a->initial);
	if (ret > 0)
		ret = check_cpu_list(r, JP_KEY(p, "initial"), a->initial);
	if (ret < 0)
		return ret;
	ret = jr_get_string(r, v, p, "final", &a->final);
	if (ret > 0)
		ret = check_cpu_list(r, JP_KEY(p, "final"), a->final);
	return ret < 0 ? ret : 0;
}

/* args: present, an array, at least one string. */
static int parse_args(const struct jr *r, const struct jnode *proc, const struct jpath *pp,
		      struct husk_process *out)
{
	const struct jnode *v = jr_find(r, proc, pp, "args");

	if (!v || v->type != JT_ARRAY || v->u.kids.n == 0)
		return jr_fail(r, JP_KEY(pp, "args"), "must be a non-empty array of strings");
	return jr_strv(r, v, JP_KEY(pp, "args"), &out->args);
}

/* env entries are NAME=value with a non-empty NAME, as execve() callers expect. */
static int check_env(const struct jr *r, const struct jpath *pp, char **env)
{
	char shown[80];

	for (size_t i = 0; env && env[i]; i++) {
		const char *eq = strchr(env[i], '=');

		if (eq && eq != env[i])
			continue;
		jr_quote(env[i], strlen(env[i]), shown, sizeof(shown));
		return jr_fail(r, JP_IDX(JP_KEY(pp, "env"), i),
			       "expected \"NAME=value\", got %s", shown);
	}
	return 0;
}

static int parse_console_size(const struct jr *r, const struct jnode *proc,
			      const struct jpath *pp, struct husk_process *out)
{
	const struct jpath *p = JP_KEY(pp, "consoleSize");
	const struct jnode *v;
	int ret;

	ret = jr_get_object(r, proc, pp, "consoleSize", &v);
	if (ret <= 0)
		return ret;
	out->has_console_size = true;
	if ((ret = jr_get_u32(r, v, p, "height", &out->console_height)) < 0 ||
	    (ret = jr_get_u32(r, v, p, "width", &out->console_width)) < 0)
		return ret;
	return 0;
}

/* ---- the process object ----------------------------------------------------------- */

int parse_process(const struct jr *r, const struct jnode *v, const struct jpath *p,
		  struct husk_process *out)
{
	const struct jnode *f;
	int ret;

	ret = jr_object(r, v, p);
	if (ret < 0)
		return ret;
	if ((ret = jr_get_bool(r, v, p, "terminal", &out->terminal)) < 0 ||
	    (ret = parse_console_size(r, v, p, out)) < 0 ||
	    (ret = parse_user(r, v, p, &out->user)) < 0 ||
	    (ret = parse_args(r, v, p, out)) < 0 ||
	    (ret = jr_get_string(r, v, p, "commandLine", &out->command_line)) < 0 ||
	    (ret = jr_get_strv(r, v, p, "env", &out->env)) < 0 ||
	    (ret = check_env(r, p, out->env)) < 0)
		return ret;

	if ((ret = jr_require(r, v, p, "cwd", &f)) < 0 ||
	    (ret = jr_get_string(r, v, p, "cwd", &out->cwd)) < 0 ||
	    (ret = jr_check_absolute(r, JP_KEY(p, "cwd"), out->cwd)) < 0)
		return ret;

	if ((ret = parse_capabilities(r, v, p, out)) < 0 ||
	    (ret = parse_rlimits(r, v, p, out)) < 0 ||
	    (ret = jr_get_string(r, v, p, "apparmorProfile", &out->apparmor_profile)) < 0 ||
	    (ret = jr_get_string(r, v, p, "selinuxLabel", &out->selinux_label)) < 0 ||
	    (ret = jr_get_bool(r, v, p, "noNewPrivileges", &out->no_new_privileges)) < 0 ||
	    (ret = jr_get_opt_i64(r, v, p, "oomScoreAdj", INT32_MIN, INT32_MAX,
				  &out->oom_score_adj)) < 0)
		return ret;
	if (out->oom_score_adj.set &&
	    (out->oom_score_adj.value < -1000 || out->oom_score_adj.value > 1000))
		return jr_fail(r, JP_KEY(p, "oomScoreAdj"), "must be from -1000 to 1000, got %lld",
			       (long long)out->oom_score_adj.value);

	if ((ret = parse_scheduler(r, v, p, out)) < 0 ||
	    (ret = parse_io_priority(r, v, p, out)) < 0 ||
	    (ret = parse_cpu_affinity(r, v, p, out)) < 0)
		return ret;
	return 0;
}

int spec_parse_process(const char *json, size_t len, const char *name,
		       struct husk_process **out, struct husk_error *err)
{
	_cleanup_jtree_ struct jtree *tree = NULL;
	struct jr r = { .name = name ? name : "process.json", .err = err };
	struct husk_process *proc;
	int ret;

	ret = jtree_parse(json, len, r.name, &tree, err);
	if (ret < 0)
		return ret;
	proc = xcalloc(1, sizeof(*proc));
	ret = parse_process(&r, jtree_root(tree), NULL, proc);
	if (ret < 0) {
		spec_process_free(proc);
		return ret;
	}
	*out = proc;
	return 0;
}

void spec_process_free(struct husk_process *p)
{
	if (!p)
		return;
	int saved = errno;

	free(p->user.additional_gids);
	free(p->user.username);
	strv_free(p->args);
	free(p->command_line);
	strv_free(p->env);
	free(p->cwd);
	if (p->capabilities) {
		strv_free(p->capabilities->bounding);
		strv_free(p->capabilities->effective);
		strv_free(p->capabilities->inheritable);
		strv_free(p->capabilities->permitted);
		strv_free(p->capabilities->ambient);
		free(p->capabilities);
	}
	for (size_t i = 0; p->rlimits && i < p->n_rlimits; i++)
		free(p->rlimits[i].type);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	if (p->scheduler) {
		free(p->scheduler->policy);
		strv_free(p->scheduler->flags);
		free(p->scheduler);
	}
	if (p->io_priority) {
		free(p->io_priority->class_name);
		free(p->io_priority);
	}
	if (p->exec_cpu_affinity) {
		free(p->exec_cpu_affinity->initial);
		free(p->exec_cpu_affinity->final);
		free(p->exec_cpu_affinity);
	}
	free(p);
	errno = saved;
}
