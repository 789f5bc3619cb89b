/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The process `husk exec` runs: a whole OCI process object (--process
 * FILE, what engines pass) or the container's own process with the inline
 * flags on top: env = the container's env with -e entries set, cwd/user
 * unless --cwd/-u, capabilities plus -c, args = COMMAND ARG...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "container-internal.h"
#include "husk/util.h"

/*
 * -e K=V on top of the container's env: the last -e of a K wins, and it
 * replaces the container's own value of K in place (as in runc).  Linear
 * in the number of entries (env_set_all), however many -e are given.
 */
static int apply_env(char ***env, char **sets, struct husk_error *err)
{
	for (size_t i = 0; sets && sets[i]; i++) {
		const char *eq = strchr(sets[i], '=');

		if (!eq || eq == sets[i])
			return husk_error_setq(err, EINVAL, "--env \"%s\": expected KEY=VALUE",
					       sets[i]);
	}
	env_set_all(env, sets, NULL);
	return 0;
}

/* A uid or gid from the command line: a decimal in 0 .. 2^32-2. */
static int parse_id(const char *s, const char *flag, uint32_t *out, struct husk_error *err)
{
	uint64_t v;

	if (!*s || s[strspn(s, "0123456789")] != '\0' || parse_uint64(s, &v) < 0 ||
	    v >= UINT32_MAX)
		return husk_error_setq(err, EINVAL, "%s: \"%s\" is not a numeric id", flag, s);
	*out = (uint32_t)v;
	return 0;
}

/* -u UID[:GID]: the gid stays the container's when not given, as in runc. */
static int apply_user(struct husk_user *u, const char *spec, struct husk_error *err)
{
	_cleanup_free_ char *uid = xstrdup(spec);
	char *colon = strchr(uid, ':');
	int r;

	if (colon) {
		*colon = '\0';
		r = parse_id(colon + 1, "--user", &u->gid, err);
		if (r < 0)
			return r;
	}
	return parse_id(uid, "--user", &u->uid, err);
}

static int apply_gids(struct husk_user *u, char **gids, struct husk_error *err)
{
	for (size_t i = 0; gids && gids[i]; i++) {
		uint32_t g;
		int r = parse_id(gids[i], "--additional-gids", &g, err);

		if (r < 0)
			return r;
		u->additional_gids = xrealloc(u->additional_gids,
					      (u->n_additional_gids + 1) * sizeof(uint32_t));
		u->additional_gids[u->n_additional_gids++] = g;
	}
	return 0;
}

/*
 * -c CAP adds to the bounding, effective and permitted sets, and to the
 * ambient set when the process has inheritable capabilities to carry it
 * (runc's rule: ambient needs inheritable).
 */
static void apply_caps(struct husk_process *p, char **caps)
{
	struct husk_capabilities *c;

	if (!caps)
		return;
	if (!p->capabilities)
		p->capabilities = xcalloc(1, sizeof(*p->capabilities));
	c = p->capabilities;
	for (size_t i = 0; caps[i]; i++) {
		strv_push(&c->bounding, caps[i]);
		strv_push(&c->effective, caps[i]);
		strv_push(&c->permitted, caps[i]);
		if (c->inheritable)
			strv_push(&c->ambient, caps[i]);
	}
}

/* The container's process, with the inline flags and the command on top. */
int exec_process_from_flags(struct husk_process *p, const struct container_exec_opts *o,
			    struct husk_error *err)
{
	int r;

	strv_free(p->args);
	p->args = strv_copy(o->cmd);
	p->terminal = false;    /* -t decides, as in runc; and it is refused for now */
	if (o->cwd) {
		free(p->cwd);
		p->cwd = xstrdup(o->cwd);
	}
	r = apply_env(&p->env, o->env, err);
	if (r < 0)
		return r;
	if (o->user && (r = apply_user(&p->user, o->user, err)) < 0)
		return r;
	r = apply_gids(&p->user, o->gids, err);
	if (r < 0)
		return r;
	apply_caps(p, o->caps);
	if (o->no_new_privs)
		p->no_new_privileges = true;
	return 0;
}

/* --process FILE, parsed with the checks of config.json's .process. */
int exec_process_from_file(const char *path, struct husk_process **out, struct husk_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	r = read_file_at(AT_FDCWD, path, SPEC_MAX_BYTES, &text, &len, err);
	if (r < 0)
		return husk_error_prefix(err, "--process %s", path);
	return spec_parse_process(text, len, path, out, err);
}

