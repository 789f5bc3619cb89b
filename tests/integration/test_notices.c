// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What husk reads but does not apply is said once, on one line: cgroup
 * limits and hooks in a config run without them, and `run` says so (on
 * stderr, or in the --log file in its format); a config without them says
 * nothing; what a workload would rely on (Intel RDT here) is refused; and
 * `exec` names the process fields it has no step for.
 */
#define _GNU_SOURCE
#include <string.h>

#include "integration/harness.h"

/* Memory, pids, CPU, three device rules and a prestart hook. */
static const char limits_and_hook[] =
	"\"resources\": {\"memory\": {\"limit\": 268435456}, \"pids\": {\"limit\": 100},"
	" \"cpu\": {\"quota\": 50000, \"period\": 100000},"
	" \"devices\": [{\"allow\": false, \"access\": \"rwm\"},"
	" {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"rwm\"},"
	" {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 5, \"access\": \"rw\"}]},";

static const char expected_notice[] =
	"not applied (cgroups and hooks are not implemented yet): "
	".linux.resources.memory.limit, .linux.resources.cpu.quota, "
	".linux.resources.cpu.period, .linux.resources.pids.limit, "
	".linux.resources.devices (3 rules), .hooks.prestart[0] (/usr/bin/foo)";

/* Insert `what` right after the first '{' that follows `after` in text. */
static char *insert_after(const char *text, const char *after, const char *what)
{
	const char *at = after ? strstr(text, after) : text;
	char *out = NULL;

	cr_assert(at, "no %s in:\n%s", after, text);
	at = strchr(at, '{');
	cr_assert(at);
	at++;
	cr_assert(asprintf(&out, "%.*s%s%s", (int)(at - text), text, what, at) > 0);
	return out;
}

/* The bundle's config.json with linux members `lx` and top-level members `top` added. */
static void write_config_with(struct hctx *c, const struct bundle_cfg *cfg, const char *lx,
			      const char *top)
{
	char *text = bundle_config_text(c, cfg);
	char *with_linux = insert_after(text, "\"linux\"", lx ? lx : "");
	char *with_top = insert_after(with_linux, NULL, top ? top : "");
	char *path = NULL;

	bundle_make_rootfs(c);
	cr_assert(asprintf(&path, "%s/config.json", c->bundle) > 0);
	write_text(path, with_top);
	chown_to_user(c, path);
	free(path);
	free(with_top);
	free(with_linux);
	free(text);
}

static void write_limits_and_hook(struct hctx *c, const char *const *args)
{
	write_config_with(c, &(struct bundle_cfg){ .args = args }, limits_and_hook,
			  "\"hooks\": {\"prestart\": [{\"path\": \"/usr/bin/foo\"}]},");
}

HTEST(notices, run_names_limits_and_hooks_once)
{
	struct hres r = { 0 };
	char *line = NULL;

	write_limits_and_hook(c, ARGS("/bin/echo", "ran"));
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "ran\n");
	/* Exactly one line on stderr, and nothing else. */
	cr_assert(asprintf(&line, "husk: warning: %s\n", expected_notice) > 0);
	cr_assert_str_eq(r.err, line);
	free(line);
	hres_free(&r);
}

/* create says it once; start, which reads nothing new, does not repeat it. */
HTEST(notices, create_says_it_start_does_not)
{
	struct hres r = { 0 };

	write_limits_and_hook(c, ARGS("/bin/true"));
	HUSK(c, &r, "create", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	assert_contains(r.err, expected_notice);
	cr_assert_null(strchr(strchr(r.err, '\n') + 1, '\n'), "more than one line:\n%s", r.err);
	HUSK(c, &r, "start", c->id);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.err, "");
	hres_free(&r);
}

/* --log FILE --log-format json: one JSON object in the file, nothing on stderr. */
HTEST(notices, log_file_json)
{
	struct hres r = { 0 };
	char *log = hpath(c, "husk.log");
	struct hcall_opts o = { .no_root_opt = true };

	write_limits_and_hook(c, ARGS("/bin/true"));
	HUSK_OPTS(c, &r, &o, "--root", c->state, "--log", log, "--log-format", "json", "run",
		  "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.err, "");

	char *text = read_text(log);
	cr_assert(text, "no log file at %s", log);
	char *nl = strchr(text, '\n');
	cr_assert(nl && nl[1] == '\0', "not exactly one line in the log:\n%s", text);
	*nl = '\0';
	hjson v = json_parse_or_fail(text, "the --log-format json line");
	cr_assert_str_eq(json_str(JSON_AT(v, "level")), "warning");
	cr_assert_str_eq(json_str(JSON_AT(v, "msg")), expected_notice);
	cr_assert(json_str(JSON_AT(v, "time")), "no time in %s", text);
	json_free(v);
	free(text);
	free(log);
	hres_free(&r);
}

HTEST(notices, none_without_them)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/echo", "ran") });
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "ran\n");
	cr_assert_str_eq(r.err, "");
	/* Empty arrays and objects are nothing to apply either. */
	write_config_with(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") },
			  "\"resources\": {\"devices\": [], \"memory\": {}},",
			  "\"hooks\": {\"prestart\": []},");
	HUSK(c, &r, "run", "--bundle", c->bundle, hctx_new_id(c));
	assert_husk_ok(&r);
	cr_assert_str_eq(r.err, "");
	hres_free(&r);
}

/* A field a workload relies on is refused before anything exists. */
HTEST(notices, intel_rdt_is_refused)
{
	struct hres r = { 0 };

	write_config_with(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") },
			  "\"intelRdt\": {\"closID\": \"gold\"},", NULL);
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_fails(&r);
	cr_assert_str_eq(r.err, "husk: config.json: .linux.intelRdt: Intel RDT is not supported "
			 "by this husk yet\n");
	assert_nothing_left(c);
	hres_free(&r);
}

/* exec has no scheduling step: a process file's scheduler is named, and it runs. */
HTEST(notices, exec_names_the_scheduler)
{
	struct hres r = { 0 };
	char *file = hpath(c, "process.json");

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "30") });
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	write_text(file, "{\"args\": [\"/bin/echo\", \"in\"], \"cwd\": \"/\","
		   " \"scheduler\": {\"policy\": \"SCHED_BATCH\"}}");
	chown_to_user(c, file);
	HUSK(c, &r, "exec", "--process", file, c->id);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "in\n");
	cr_assert_str_eq(r.err, "husk: warning: not applied: .process.scheduler (husk exec)\n");
	/* The inline form takes config.json's process, which has none. */
	HUSK(c, &r, "exec", c->id, "/bin/true");
	assert_husk_ok(&r);
	cr_assert_str_eq(r.err, "");
	free(file);
	hres_free(&r);
}
