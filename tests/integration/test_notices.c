// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What husk reads but does not apply is said once, on one line: hooks in a
 * config run without them, and `run` says so (on stderr, or in the --log
 * file in its format); cgroup limits are applied, and where they cannot be
 * (rootless without a delegated cgroup) the cgroup manager says so on one
 * line of its own; a config without either says nothing; what a workload
 * would rely on (Intel RDT here) is refused; and `exec` names the process
 * fields it has no step for.
 */
#define _GNU_SOURCE
#include <linux/magic.h>
#include <string.h>
#include <unistd.h>
#include <sys/vfs.h>

#include "integration/harness.h"

/* Memory, pids, CPU, three device rules and a prestart hook. */
static const char limits_and_hook[] =
	"\"resources\": {\"memory\": {\"limit\": 268435456}, \"pids\": {\"limit\": 100},"
	" \"cpu\": {\"quota\": 50000, \"period\": 100000},"
	" \"devices\": [{\"allow\": false, \"access\": \"rwm\"},"
	" {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"rwm\"},"
	" {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 5, \"access\": \"rw\"}]},";

/* The limits are not in it: husk applies them (or the cgroup manager says why not). */
static const char expected_notice[] =
	"not applied (hooks are not implemented yet): .hooks.prestart[0] (/usr/bin/foo)";

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

enum cg_notice {
	CG_NOTICE_NONE,             /* root: the limits are applied */
	CG_NOTICE_ONE,              /* rootless on cgroup v1 or hybrid: no delegation */
	CG_NOTICE_MAYBE,            /* rootless on cgroup v2: depends on the harness's cgroup */
};

/* Whether the cgroup manager must say that the limits were not applied. */
static enum cg_notice cg_notice_expected(struct hctx *c)
{
	struct statfs sfs;

	if (c->mode == MODE_ROOT)
		return CG_NOTICE_NONE;
	cr_assert_eq(statfs("/sys/fs/cgroup", &sfs), 0);
	return sfs.f_type == CGROUP2_SUPER_MAGIC ? CG_NOTICE_MAYBE : CG_NOTICE_ONE;
}

/*
 * The cgroup manager's line (after its "husk: warning: " or inside the
 * JSON log's msg): the limits dropped and why, for this test's user.
 */
static void assert_cgroup_notice(struct hctx *c, const char *line, size_t len)
{
	char *s = strndup(line, len), *uid = NULL;

	cr_assert(asprintf(&uid, "uid %u", (unsigned)c->uid) > 0);
	cr_assert(strstr(s, "memory") && strstr(s, "pids"), "limits not named: %s", s);
	cr_assert(strstr(s, uid), "no %s in: %s", uid, s);
	cr_assert(strstr(s, " (not applied)"), "%s", s);
	cr_assert_null(strstr(s, "hooks"), "%s", s);
	free(uid);
	free(s);
}

/*
 * stderr of a run or create with limits_and_hook: the hooks notice, then,
 * where the limits could not be applied, the cgroup manager's line; each
 * once, and nothing else.
 */
static void assert_notices(struct hctx *c, const char *err)
{
	static const char warn[] = "husk: warning: ";
	enum cg_notice want = cg_notice_expected(c);
	char *first = NULL;
	const char *rest, *end;

	cr_assert(asprintf(&first, "%s%s\n", warn, expected_notice) > 0);
	cr_assert(starts(err, first), "want first:\n%s\ngot:\n%s", first, err);
	rest = err + strlen(first);
	if (want == CG_NOTICE_MAYBE)
		want = *rest ? CG_NOTICE_ONE : CG_NOTICE_NONE;
	if (want == CG_NOTICE_NONE) {
		cr_assert_str_eq(rest, "", "more than the one notice:\n%s", err);
	} else {
		cr_assert(starts(rest, warn), "%s", err);
		rest += strlen(warn);
		end = strchr(rest, '\n');
		cr_assert(end && end[1] == '\0', "not one line more:\n%s", err);
		assert_cgroup_notice(c, rest, (size_t)(end - rest));
	}
	free(first);
}

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

HTEST(notices, run_names_hooks_once)
{
	struct hres r = { 0 };

	write_limits_and_hook(c, ARGS("/bin/echo", "ran"));
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "ran\n");
	assert_notices(c, r.err);
	hres_free(&r);
}

/* create says it once; start, which reads nothing new, does not repeat it. */
HTEST(notices, create_says_it_start_does_not)
{
	struct hres r = { 0 };

	write_limits_and_hook(c, ARGS("/bin/true"));
	HUSK(c, &r, "create", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	assert_notices(c, r.err);
	HUSK(c, &r, "start", c->id);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.err, "");
	hres_free(&r);
}

/*
 * --log FILE --log-format json: one JSON object per notice in the file
 * (the hooks one, and the cgroup manager's where the limits were not
 * applied), nothing on stderr.
 */
HTEST(notices, log_file_json)
{
	struct hres r = { 0 };
	char *log = hpath(c, "husk.log");
	struct hcall_opts o = { .no_root_opt = true };
	enum cg_notice want = cg_notice_expected(c);

	write_limits_and_hook(c, ARGS("/bin/true"));
	HUSK_OPTS(c, &r, &o, "--root", c->state, "--log", log, "--log-format", "json", "run",
		  "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.err, "");

	char *text = read_text(log);
	cr_assert(text, "no log file at %s", log);
	char *nl = strchr(text, '\n');
	cr_assert(nl, "no line in the log:\n%s", text);
	if (want == CG_NOTICE_MAYBE)
		want = nl[1] ? CG_NOTICE_ONE : CG_NOTICE_NONE;
	char *second = nl + 1;
	char *nl2 = want == CG_NOTICE_ONE ? strchr(second, '\n') : nl;

	cr_assert(nl2 && nl2[1] == '\0', "not exactly %d line(s) in the log:\n%s",
		  want == CG_NOTICE_ONE ? 2 : 1, text);
	*nl = '\0';
	hjson v = json_parse_or_fail(text, "the --log-format json line");
	cr_assert_str_eq(json_str(JSON_AT(v, "level")), "warning");
	cr_assert_str_eq(json_str(JSON_AT(v, "msg")), expected_notice);
	cr_assert(json_str(JSON_AT(v, "time")), "no time in %s", text);
	json_free(v);
	if (want == CG_NOTICE_ONE) {
		*nl2 = '\0';
		v = json_parse_or_fail(second, "the cgroup notice's json line");
		cr_assert_str_eq(json_str(JSON_AT(v, "level")), "warning");
		cr_assert(json_str(JSON_AT(v, "msg")), "%s", second);
		assert_cgroup_notice(c, json_str(JSON_AT(v, "msg")),
				     strlen(json_str(JSON_AT(v, "msg"))));
		json_free(v);
	}
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

/*
 * A field a workload relies on is refused before anything exists: on this
 * host (no resctrl) because it has no RDT, elsewhere until husk applies it.
 */
HTEST(notices, intel_rdt_is_refused)
{
	struct hres r = { 0 };

	write_config_with(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") },
			  "\"intelRdt\": {\"closID\": \"gold\"},", NULL);
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_fails(&r);
	if (access("/sys/fs/resctrl/schemata", F_OK) < 0)
		cr_assert_str_eq(r.err, "husk: config.json: .linux.intelRdt: this host has no Intel "
				 "RDT (no resctrl filesystem at /sys/fs/resctrl): drop "
				 ".linux.intelRdt, or run where the CPU has RDT and resctrl is "
				 "mounted\n");
	else
		cr_assert_str_eq(r.err, "husk: config.json: .linux.intelRdt: Intel RDT is not "
				 "supported by this husk yet\n");
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
