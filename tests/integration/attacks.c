// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Helpers of the attack tests (attacks.h): config text edits, running
 * configs, reading the probe's "what: result" lines, id ranges, and the
 * shipped default seccomp profile.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integration/attacks.h"

char *atk_insert_after(const char *text, const char *anchor, const char *insert)
{
	const char *at = strstr(text, anchor);
	char *out;

	cr_assert(at, "no \"%s\" in the config:\n%s", anchor, text);
	at += strlen(anchor);
	cr_assert(asprintf(&out, "%.*s%s%s", (int)(at - text), text, insert, at) > 0);
	return out;
}

void atk_replace(char **text, const char *key, const char *value)
{
	char *out = json_text_replace(*text, key, value);

	free(*text);
	*text = out;
}

void atk_add_member(char **text, const char *object, const char *key, const char *value)
{
	char *anchor, *member, *out;

	cr_assert(asprintf(&anchor, "\"%s\": {", object) > 0);
	cr_assert(asprintf(&member, "\n    \"%s\": %s,", key, value) > 0);
	out = atk_insert_after(*text, anchor, member);
	free(anchor);
	free(member);
	free(*text);
	*text = out;
}

void atk_remove_member(char **text, const char *key)
{
	char *quoted, *out;
	const char *k, *v, *e;
	int depth = 0;

	cr_assert(asprintf(&quoted, "\"%s\":", key) > 0);
	k = strstr(*text, quoted);
	cr_assert(k, "no %s in the config:\n%s", quoted, *text);
	v = k + strlen(quoted);
	while (*v == ' ' || *v == '\n')
		v++;
	cr_assert(*v == '{' || *v == '[', "%s is not an object or array", quoted);
	/* The template's strings hold no brackets: count them plainly. */
	for (e = v; *e; e++) {
		if (*e == '{' || *e == '[')
			depth++;
		else if ((*e == '}' || *e == ']') && --depth == 0)
			break;
	}
	cr_assert(*e, "unbalanced %s", quoted);
	e++;
	while (*e == ',' || *e == ' ' || *e == '\n')
		e++;
	cr_assert(asprintf(&out, "%.*s%s", (int)(k - *text), *text, e) > 0);
	free(quoted);
	free(*text);
	*text = out;
}

void atk_write_config(struct hctx *c, const char *text)
{
	char *path = hpath(c, "bundle/config.json");

	if (access(c->rootfs, F_OK) != 0)
		bundle_make_rootfs(c);
	write_text(path, text);
	chown_to_user(c, path);
	free(path);
}

void atk_run_opts(struct hctx *c, struct hres *r, const struct hcall_opts *o, const char *text)
{
	atk_write_config(c, text);
	HUSK_OPTS(c, r, o, "run", "--bundle", c->bundle, hctx_new_id(c));
}

void atk_run_text(struct hctx *c, struct hres *r, const char *text)
{
	atk_run_opts(c, r, NULL, text);
}

void atk_run_ok(struct hctx *c, struct hres *r, const char *text)
{
	atk_run_text(c, r, text);
	assert_husk_ok(r);
}

char *atk_line(const char *out, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, name, n) == 0 && l[n] == ':' && l[n + 1] == ' ') {
			const char *v = l + n + 2;
			const char *eol = strchrnul(v, '\n');

			return strndup(v, (size_t)(eol - v));
		}
	}
	return NULL;
}

void atk_assert_line(const char *out, const char *name, const char *want)
{
	char *got = atk_line(out, name);

	cr_assert(got, "no \"%s:\" line in the probe's output:\n%s", name, out);
	cr_assert_str_eq(got, want, "%s: want \"%s\", got \"%s\"; the whole output:\n%s", name,
			 want, got, out);
	free(got);
}

void atk_wide_mappings(const struct hctx *c, char **uids, char **gids)
{
	unsigned us, uc, gs, gc;

	*uids = *gids = NULL;
	if (c->mode == MODE_ROOT)
		return;
	subid_range(c, "/etc/subuid", &us, &uc);
	subid_range(c, "/etc/subgid", &gs, &gc);
	cr_assert(asprintf(uids, "[{\"containerID\": 0, \"hostID\": %u, \"size\": 1},"
			   " {\"containerID\": 1, \"hostID\": %u, \"size\": %u}]",
			   c->uid, us, uc) > 0);
	cr_assert(asprintf(gids, "[{\"containerID\": 0, \"hostID\": %u, \"size\": 1},"
			   " {\"containerID\": 1, \"hostID\": %u, \"size\": %u}]",
			   c->gid, gs, gc) > 0);
}

char *atk_default_profile(void)
{
	char bin[PATH_MAX], *path, *text;

	cr_assert(realpath(getenv("HUSK_BIN"), bin), "realpath $HUSK_BIN: %s", strerror(errno));
	/* $HUSK_BIN is <tree>/<build dir>/husk. */
	cr_assert(asprintf(&path, "%s/../seccomp-profiles/default.json", dirname(bin)) > 0);
	text = read_text(path);
	cr_assert(text, "cannot read %s", path);
	free(path);
	return text;
}
