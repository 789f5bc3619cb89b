/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * husk list [--quiet] [--format table|json]: the containers of the state
 * root.  The table is laid out like runc's (Go tabwriter: columns at least
 * 12 wide, 3 spaces of padding); json is an array of OCI state objects,
 * "null" when there are none, as runc prints.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "husk/json.h"
#include "husk/util.h"

#define COL_MIN 12
#define COL_PAD 3
#define N_COLS 6

static const char list_synopsis[] = "";
static const char list_description[] =
	"List the containers of the state root (see --root in husk(8)).";

struct row {
	char *cell[N_COLS];
};

static void row_fill(struct row *row, const struct container_view *v)
{
	const struct husk_state_file *st = v->st;
	bool alive = v->status == STATUS_CREATED || v->status == STATUS_RUNNING ||
		     v->status == STATUS_PAUSED;

	row->cell[0] = xstrdup(st->id ? st->id : "");
	row->cell[1] = xasprintf("%lld", alive ? (long long)st->pid : 0LL);
	row->cell[2] = xstrdup(container_status_name(v->status));
	row->cell[3] = xstrdup(st->bundle ? st->bundle : "");
	row->cell[4] = xstrdup(st->created ? st->created : "");
	row->cell[5] = xstrdup(st->owner ? st->owner : "");
}

static void rows_print(struct row *rows, size_t n)
{
	static const char *const head[N_COLS] = { "ID", "PID", "STATUS", "BUNDLE", "CREATED",
						  "OWNER" };
	size_t width[N_COLS];

	for (int c = 0; c < N_COLS; c++) {
		width[c] = strlen(head[c]) + COL_PAD;
		for (size_t i = 0; i < n; i++)
			if (strlen(rows[i].cell[c]) + COL_PAD > width[c])
				width[c] = strlen(rows[i].cell[c]) + COL_PAD;
		if (width[c] < COL_MIN)
			width[c] = COL_MIN;
	}
	for (int c = 0; c < N_COLS - 1; c++)
		printf("%-*s", (int)width[c], head[c]);
	printf("%s\n", head[N_COLS - 1]);
	for (size_t i = 0; i < n; i++) {
		for (int c = 0; c < N_COLS - 1; c++)
			printf("%-*s", (int)width[c], rows[i].cell[c]);
		printf("%s\n", rows[i].cell[N_COLS - 1]);
	}
}

enum list_format { LIST_TABLE, LIST_JSON, LIST_QUIET };

/* Print the containers (one that cannot be read was skipped with a warning). */
static int list_print(const struct container_view *v, size_t n, enum list_format fmt,
		      struct husk_error *err)
{
	_cleanup_json_writer_ struct json_writer *w = json_writer_new(false);
	struct row *rows;

	if (fmt == LIST_QUIET) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", v[i].st->id);
		return 0;
	}
	if (fmt == LIST_JSON) {
		if (n == 0) {
			printf("null\n");     /* what runc (Go's nil slice) prints */
			return 0;
		}
		json_open_array(w);
		for (size_t i = 0; i < n; i++)
			container_state_json(w, &v[i]);
		json_close_array(w);
		return cli_print_json(w, true, err);
	}
	rows = xcalloc(n + 1, sizeof(*rows));
	for (size_t i = 0; i < n; i++)
		row_fill(&rows[i], &v[i]);
	rows_print(rows, n);
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < N_COLS; c++)
			free(rows[i].cell[c]);
	free(rows);
	return 0;
}

static int list_format_parse(const char *s, bool quiet, enum list_format *out,
			     struct husk_error *err)
{
	if (quiet)
		*out = LIST_QUIET;
	else if (!s || strcmp(s, "table") == 0)
		*out = LIST_TABLE;
	else if (strcmp(s, "json") == 0)
		*out = LIST_JSON;
	else
		return husk_error_setq(err, EINVAL, "--format \"%s\": use table or json", s);
	return 0;
}

int cmd_list(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	struct container_globals cg = cli_globals(g);
	struct container_view *views = NULL;
	const char *format = NULL;
	bool quiet = false;
	const struct opt_def defs[] = {
		OPT_S("format", "f", &format, "FORMAT", "table (default) or json"),
		OPT_B("quiet", "q", &quiet, "print only the container ids"),
	};
	enum list_format fmt = LIST_TABLE;
	struct opt_result args;
	size_t n = 0;
	int r;

	r = cli_verb_parse(&(struct cli_verb){ "list", list_synopsis, list_description, defs,
					       ARRAY_SIZE(defs), 0, 0 },
			   argc, argv, &args, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	opt_result_free(&args);
	r = list_format_parse(format, quiet, &fmt, err);
	if (r == 0)
		r = container_list(&cg, &views, &n, err);
	if (r == 0)
		r = list_print(views, n, fmt, err);
	container_views_free(views, n);
	if (r == 0 && fflush(stdout) != 0)
		r = husk_error_set(err, EIO, "write to stdout");
	return r;
}
