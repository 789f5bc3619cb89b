/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json .linux.seccomp: the profile as typed rules.  Action and
 * operator names become enums here; syscall and architecture names stay
 * strings, for src/security/ to resolve with libseccomp (which knows the
 * tables of this kernel and architecture).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "husk/spec.h"
#include "husk/util.h"
#include "spec/spec-internal.h"

#define SECCOMP_ARG_MAX 5           /* syscalls take six arguments: 0..5 */

struct action_name {
	const char *name;
	enum husk_seccomp_action action;
};

static const struct action_name actions[] = {
	{ "SCMP_ACT_KILL", SECCOMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_THREAD", SECCOMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_PROCESS", SECCOMP_ACT_KILL_PROCESS },
	{ "SCMP_ACT_TRAP", SECCOMP_ACT_TRAP },
	{ "SCMP_ACT_ERRNO", SECCOMP_ACT_ERRNO },
	{ "SCMP_ACT_TRACE", SECCOMP_ACT_TRACE },
	{ "SCMP_ACT_ALLOW", SECCOMP_ACT_ALLOW },
	{ "SCMP_ACT_LOG", SECCOMP_ACT_LOG },
	{ "SCMP_ACT_NOTIFY", SECCOMP_ACT_NOTIFY },
};

static const char *const ops[] = {
	[SECCOMP_OP_NE] = "SCMP_CMP_NE", [SECCOMP_OP_LT] = "SCMP_CMP_LT",
	[SECCOMP_OP_LE] = "SCMP_CMP_LE", [SECCOMP_OP_EQ] = "SCMP_CMP_EQ",
	[SECCOMP_OP_GE] = "SCMP_CMP_GE", [SECCOMP_OP_GT] = "SCMP_CMP_GT",
	[SECCOMP_OP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ", NULL,
};

/* Read the required string member `key` of obj and map it to an action. */
static int get_action(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		      const char *key, enum husk_seccomp_action *out)
{
	_cleanup_free_ char *name = NULL;
	char shown[80];
	const struct jnode *f;
	int ret;

	if ((ret = jr_require(r, obj, p, key, &f)) < 0 ||
	    (ret = jr_get_string(r, obj, p, key, &name)) < 0)
		return ret;
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		if (strcmp(actions[i].name, name) == 0) {
			*out = actions[i].action;
			return 0;
		}
	}
	jr_quote(name, strlen(name), shown, sizeof(shown));
	return jr_fail(r, JP_KEY(p, key), "unknown seccomp action %s (expected SCMP_ACT_ALLOW, "
		       "SCMP_ACT_ERRNO, SCMP_ACT_KILL_PROCESS, ...)", shown);
}

static int parse_arg(const struct jr *r, const struct jnode *v, const struct jpath *p,
		     struct husk_seccomp_arg *a)
{
	_cleanup_free_ char *op = NULL;
	const struct jnode *f;
	uint64_t index;
	char shown[80];
	int ret, k;

	if ((ret = jr_object(r, v, p)) < 0 ||
	    (ret = jr_require(r, v, p, "index", &f)) < 0 ||
	    (ret = jr_get_uint(r, v, p, "index", SECCOMP_ARG_MAX, &index)) < 0 ||
	    (ret = jr_require(r, v, p, "value", &f)) < 0 ||
	    (ret = jr_get_uint(r, v, p, "value", UINT64_MAX, &a->value)) < 0 ||
	    (ret = jr_get_uint(r, v, p, "valueTwo", UINT64_MAX, &a->value_two)) < 0 ||
	    (ret = jr_require(r, v, p, "op", &f)) < 0 ||
	    (ret = jr_get_string(r, v, p, "op", &op)) < 0)
		return ret;
	a->index = (uint32_t)index;
	k = jr_lookup(ops, op);
	if (k < 0) {
		jr_quote(op, strlen(op), shown, sizeof(shown));
		return jr_fail(r, JP_KEY(p, "op"), "unknown operator %s (expected SCMP_CMP_NE, "
			       "_LT, _LE, _EQ, _GE, _GT or _MASKED_EQ)", shown);
	}
	a->op = (enum husk_seccomp_op)k;
	return 0;
}

static int parse_rule(const struct jr *r, const struct jnode *v, const struct jpath *p,
		      struct husk_seccomp_rule *rule)
{
	const struct jnode *a;
	size_t i = 0;
	int ret;

	if ((ret = jr_object(r, v, p)) < 0)
		return ret;
	a = jr_find(r, v, p, "names");
	if (!a || a->type != JT_ARRAY || a->u.kids.n == 0)
		return jr_fail(r, JP_KEY(p, "names"), "must be a non-empty array of strings");
	ret = jr_get_strv(r, v, p, "names", &rule->names);
	if (ret < 0)
		return ret;
	for (i = 0; rule->names[i]; i++)
		if (rule->names[i][0] == '\0')
			return jr_fail(r, JP_IDX(JP_KEY(p, "names"), i), "must not be empty");
	if ((ret = get_action(r, v, p, "action", &rule->action)) < 0 ||
	    (ret = jr_get_opt_u64(r, v, p, "errnoRet", UINT16_MAX, &rule->errno_ret)) < 0 ||
	    (ret = jr_get_array(r, v, p, "args", &a)) <= 0)
		return ret;
	ALLOC_FOR(rule->args, rule->n_args, a);
	i = 0;
	for (const struct jnode *e = a->u.kids.first; e; e = e->next, i++) {
		ret = parse_arg(r, e, JP_IDX(JP_KEY(p, "args"), i), &rule->args[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * The whole profile.  SCMP_ACT_NOTIFY needs a listener to hand the notify
 * fd to (runtime-spec: listenerPath MUST be set then) and cannot be the
 * default action: every syscall of the runtime's own last steps would wait
 * on an agent that has not got the fd yet.
 */
int parse_seccomp(const struct jr *r, const struct jnode *v, const struct jpath *p,
		  struct husk_seccomp *out)
{
	const struct jpath *ap = JP_KEY(p, "syscalls");
	const struct jnode *a;
	bool notify = false;
	size_t i = 0;
	int ret;

	if ((ret = get_action(r, v, p, "defaultAction", &out->default_action)) < 0 ||
	    (ret = jr_get_opt_u64(r, v, p, "defaultErrnoRet", UINT16_MAX,
				  &out->default_errno_ret)) < 0 ||
	    (ret = jr_get_strv(r, v, p, "architectures", &out->architectures)) < 0 ||
	    (ret = jr_get_strv(r, v, p, "flags", &out->flags)) < 0 ||
	    (ret = jr_get_string(r, v, p, "listenerPath", &out->listener_path)) < 0)
		return ret;
	if (out->default_action == SECCOMP_ACT_NOTIFY)
		return jr_fail(r, JP_KEY(p, "defaultAction"),
			       "SCMP_ACT_NOTIFY cannot be the default action");
	if (out->listener_path) {
		ret = jr_check_absolute(r, JP_KEY(p, "listenerPath"), out->listener_path);
		if (ret < 0)
			return ret;
	}
	if ((ret = jr_get_string(r, v, p, "listenerMetadata", &out->listener_metadata)) < 0 ||
	    (ret = jr_get_array(r, v, p, "syscalls", &a)) < 0)
		return ret;
	if (a) {
		ALLOC_FOR(out->syscalls, out->n_syscalls, a);
		for (const struct jnode *e = a->u.kids.first; e; e = e->next, i++) {
			ret = parse_rule(r, e, JP_IDX(ap, i), &out->syscalls[i]);
			if (ret < 0)
				return ret;
			notify |= out->syscalls[i].action == SECCOMP_ACT_NOTIFY;
		}
	}
	if (notify && !out->listener_path)
		return jr_fail(r, JP_KEY(p, "listenerPath"),
			       "required when a rule uses SCMP_ACT_NOTIFY");
	return 0;
}

void seccomp_free(struct husk_seccomp *s)
{
	if (!s)
		return;
	strv_free(s->architectures);
	strv_free(s->flags);
	free(s->listener_path);
	free(s->listener_metadata);
	for (size_t i = 0; s->syscalls && i < s->n_syscalls; i++) {
		strv_free(s->syscalls[i].names);
		free(s->syscalls[i].args);
	}
	free(s->syscalls);
	free(s);
}
