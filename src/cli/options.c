/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command-line option parser: see options.h for the dialect. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "husk/util.h"
#include "options.h"

int opts_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
	static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static const struct opt_def *opt_find(const struct opt_def *defs, size_t n, const char *name,
				      size_t len)
{
	for (size_t i = 0; i < n; i++) {
		if (strlen(defs[i].name) == len && strncmp(defs[i].name, name, len) == 0)
			return &defs[i];
		if (defs[i].alias && strlen(defs[i].alias) == len &&
		    strncmp(defs[i].alias, name, len) == 0)
			return &defs[i];
	}
	return NULL;
}

/*
 * Store `value` (never NULL here) into the flag's target.  A list flag
 * appends through its builder in `lists` (one per table entry), so that a
 * flag repeated n times costs O(n), not O(n^2).
 */
static int opt_store(const struct opt_def *d, struct strv_builder *list, const char *value,
		     struct husk_error *err)
{
	int64_t v;

	switch (d->type) {
	case OPT_BOOL:
		if (opts_parse_bool(value, d->to.b) < 0)
			return husk_error_setq(err, EINVAL,
					       "flag --%s: expected true or false, got \"%s\"",
					       d->name, value);
		return 0;
	case OPT_STRING:
		*d->to.s = value;
		return 0;
	case OPT_INT:
		if (value[strspn(value, "0123456789")] != '\0' || parse_int64(value, &v) < 0 ||
		    v > 1000000)
			return husk_error_setq(err, EINVAL, "flag --%s: expected a non-negative "
					       "integer, got \"%s\"", d->name, value);
		*d->to.i = (int)v;
		return 0;
	case OPT_LIST:
		strv_builder_consume(list, xstrdup(value));
		*d->to.v = list->v;
		return 0;
	}
	return husk_error_setq(err, EINVAL, "flag --%s: bad table entry", d->name);
}

/*
 * One option word at argv[*i] ("-x", "--x=v", ...).  A value flag without
 * "=" takes the next word whatever it looks like, as Go's flag package does.
 */
static int opt_one(const struct opt_def *defs, size_t n_defs, struct strv_builder *lists,
		   int argc, char **argv, int *i, struct opt_result *res, struct husk_error *err)
{
	const char *word = argv[*i];
	const char *name = word + (word[1] == '-' ? 2 : 1);
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt_def *d;

	if (len == 0 || name[0] == '-' || name[0] == '=')
		return husk_error_setq(err, EINVAL, "bad flag syntax: %s", word);
	d = opt_find(defs, n_defs, name, len);
	if (!d) {
		if ((len == 1 && name[0] == 'h') || (len == 4 && strncmp(name, "help", 4) == 0)) {
			res->help = true;
			return 0;
		}
		return husk_error_setq(err, EINVAL, "unknown flag: -%s%.*s",
				       word[1] == '-' ? "-" : "", (int)len, name);
	}
	if (eq)
		return opt_store(d, &lists[d - defs], eq + 1, err);
	if (d->type == OPT_BOOL) {
		*d->to.b = true;
		return 0;
	}
	if (*i + 1 >= argc)
		return husk_error_setq(err, EINVAL, "flag --%s needs a value (%s)", d->name,
				       d->metavar ? d->metavar : "VALUE");
	(*i)++;
	return opt_store(d, &lists[d - defs], argv[*i], err);
}

int opts_parse(const struct opt_def *defs, size_t n_defs, int argc, char **argv,
	       unsigned flags, struct opt_result *res, struct husk_error *err)
{
	_cleanup_free_ struct strv_builder *lists = xcalloc(n_defs, sizeof(*lists));
	bool only_args = false;
	int r;

	for (size_t k = 0; k < n_defs; k++) {
		if (defs[k].type != OPT_LIST || !*defs[k].to.v)
			continue;
		lists[k].v = *defs[k].to.v;
		lists[k].n = strv_length(lists[k].v);
		lists[k].cap = lists[k].n + 1;
	}
	res->args = xcalloc((size_t)argc + 1, sizeof(char *));
	res->n_args = 0;
	res->help = false;
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];

		if (only_args || w[0] != '-' || w[1] == '\0') {
			res->args[res->n_args++] = argv[i];
			if (flags & OPTS_STOP_AT_ARG)
				only_args = true;
			continue;
		}
		if (strcmp(w, "--") == 0) {
			only_args = true;
			continue;
		}
		r = opt_one(defs, n_defs, lists, argc, argv, &i, res, err);
		if (r < 0) {
			opt_result_free(res);
			return r;
		}
	}
	return 0;
}

void opt_result_free(struct opt_result *res)
{
	free(res->args);
	res->args = NULL;
	res->n_args = 0;
}

int opts_expect_args(const struct opt_result *res, size_t min, size_t max, const char *verb,
		     const char *synopsis, struct husk_error *err)
{
	if (res->n_args >= min && res->n_args <= max)
		return 0;
	if (min == max)
		return husk_error_setq(err, EINVAL, "\"%s\" needs exactly %zu argument%s, got %zu "
				       "(usage: husk %s %s)", verb, min, min == 1 ? "" : "s",
				       res->n_args, verb, synopsis);
	return husk_error_setq(err, EINVAL, "\"%s\" needs %zu to %zu arguments, got %zu "
			       "(usage: husk %s %s)", verb, min, max, res->n_args, verb, synopsis);
}

void opts_print_help(FILE *f, const struct opt_def *defs, size_t n_defs)
{
	fprintf(f, "Options:\n");
	for (size_t i = 0; i < n_defs; i++) {
		const struct opt_def *d = &defs[i];
		char left[80];
		int n = 0;

		if (d->alias)
			n = snprintf(left, sizeof(left), "-%s, ", d->alias);
		snprintf(left + n, sizeof(left) - (size_t)n, "--%s%s%s", d->name,
			 d->metavar ? " " : "", d->metavar ? d->metavar : "");
		fprintf(f, "  %-28s %s\n", left, d->help);
	}
	fprintf(f, "  %-28s %s\n", "-h, --help", "show this help");
}
