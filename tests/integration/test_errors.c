// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Failures: each must exit non-zero with a message that names the problem,
 * and leave nothing behind (no state directory, no host mount, no process).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integration/harness.h"

/* `husk run` the bundle as it is; assert a clean failure. */
static void run_fails(struct hctx *c, struct hres *r)
{
	HUSK(c, r, "run", "--bundle", c->bundle, c->id);
	assert_husk_fails(r);
	assert_nothing_left(c);
}

static void write_config(struct hctx *c, const char *text)
{
	char *path = hpath(c, "bundle/config.json");

	if (access(c->rootfs, F_OK) != 0)
		bundle_make_rootfs(c);
	write_text(path, text);
	chown_to_user(c, path);
	free(path);
}

HTEST(errors, config_not_json)
{
	struct hres r = { 0 };

	write_config(c, "{\"ociVersion\": \"1.2.0\", \"process\": ");
	run_fails(c, &r);
	assert_contains(r.err, "config.json");
	hres_free(&r);
}

HTEST(errors, config_wrong_type_names_json_path)
{
	struct hres r = { 0 };
	char *text = bundle_config_text(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") });
	char *bad = json_text_replace(text, "args", "\"/bin/true\"");

	write_config(c, bad);
	run_fails(c, &r);
	assert_contains(r.err, "config.json");
	assert_contains(r.err, ".process.args");
	free(text);
	free(bad);
	hres_free(&r);
}

HTEST(errors, config_missing)
{
	struct hres r = { 0 };

	bundle_make_rootfs(c);
	run_fails(c, &r);
	assert_contains(r.err, "config.json");
	hres_free(&r);
}

HTEST(errors, relative_cwd_names_json_path)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/true"), .cwd = "tmp" });
	run_fails(c, &r);
	assert_contains(r.err, ".process.cwd");
	hres_free(&r);
}

HTEST(errors, missing_executable)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/nope", "arg") });
	run_fails(c, &r);
	assert_contains(r.err, "/bin/nope");
	assert_contains(r.err, "No such file or directory");
	/* create already finds out, before anyone calls start. */
	HUSK(c, &r, "create", "--bundle", c->bundle, c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, "/bin/nope");
	assert_nothing_left(c);
	hres_free(&r);
}

HTEST(errors, missing_executable_in_path)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("husk-no-such-command") });
	run_fails(c, &r);
	assert_contains(r.err, "husk-no-such-command");
	hres_free(&r);
}

HTEST(errors, missing_rootfs)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/true"),
					      .root_path = "no-such-rootfs" });
	run_fails(c, &r);
	assert_contains(r.err, "no-such-rootfs");
	hres_free(&r);
}

HTEST(errors, unknown_filesystem_type)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("/bin/true"),
		.extra_mounts = "{\"destination\": \"/husk-mnt\", \"type\": \"husknofs\","
				" \"source\": \"none\"}" });
	run_fails(c, &r);
	assert_contains(r.err, "/husk-mnt");
	hres_free(&r);
}

HTEST(errors, invalid_container_ids)
{
	static const char *const bad[] = { "../x", "a/b", "..", "." };
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") });
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		HUSK(c, &r, "run", "--bundle", c->bundle, bad[i]);
		assert_husk_fails(&r);
		assert_nothing_left(c);
	}
	char *escaped = hpath(c, "x");
	cr_assert(access(escaped, F_OK) != 0, "\"../x\" created %s", escaped);
	free(escaped);

	char long_id[2048];
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	HUSK(c, &r, "run", "--bundle", c->bundle, long_id);
	assert_husk_fails(&r);
	assert_nothing_left(c);
	hres_free(&r);
}

HTEST(errors, unknown_verb_and_option)
{
	struct hres r = { 0 };

	HUSK(c, &r, "frobnicate");
	assert_husk_fails(&r);
	assert_contains(r.err, "frobnicate");
	HUSK(c, &r, "run", "--no-such-option", c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, "--no-such-option");
	hres_free(&r);
}

/* --log-format json: the failure is a JSON line at level "error". */
HTEST(errors, log_file_json)
{
	struct hres r = { 0 };
	char *log = hpath(c, "husk.log");
	struct hcall_opts o = { .no_root_opt = true };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/true"),
					      .root_path = "no-such-rootfs" });
	HUSK_OPTS(c, &r, &o, "--root", c->state, "--log", log, "--log-format", "json",
		  "create", "--bundle", c->bundle, c->id);
	assert_husk_fails(&r);
	assert_nothing_left(c);

	char *text = read_text(log);
	cr_assert(text, "no log file at %s", log);
	bool found = false;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		hjson v = json_parse_or_fail(line, "a --log-format json line");
		const char *level = json_str(JSON_AT(v, "level"));
		const char *msg = json_str(JSON_AT(v, "msg"));
		cr_assert(level && msg && json_str(JSON_AT(v, "time")),
			  "a log line lacks level, msg or time: %s", line);
		if (strcmp(level, "error") == 0 && strstr(msg, "no-such-rootfs"))
			found = true;
		json_free(v);
	}
	cr_assert(found, "no error line naming the rootfs in the log");
	free(text);
	free(log);
	hres_free(&r);
}

HTEST(errors, log_file_text)
{
	struct hres r = { 0 };
	char *log = hpath(c, "husk.log");
	struct hcall_opts o = { .no_root_opt = true };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/true"),
					      .root_path = "no-such-rootfs" });
	HUSK_OPTS(c, &r, &o, "--root", c->state, "--log", log, "run", "--bundle", c->bundle,
		  c->id);
	assert_husk_fails(&r);
	char *text = read_text(log);
	cr_assert(text, "no log file at %s", log);
	assert_contains(text, "no-such-rootfs");
	free(text);
	free(log);
	hres_free(&r);
}

/* ---- one error, one line -------------------------------------------------- */

/* stderr holds exactly one line, a "husk: " message ending in a newline. */
static void assert_one_line(const struct hres *r)
{
	const char *nl = strchr(r->err, '\n');

	cr_assert(strncmp(r->err, "husk: ", 6) == 0 && nl && nl[1] == '\0',
		  "`%s`: expected one line on stderr, got:\n%s", r->cmd, r->err);
}

/* A mount option holding a newline comes back escaped, on the error's one line. */
HTEST(errors, mount_option_with_newline_is_one_line)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("/bin/true"),
		.extra_mounts = "{\"destination\": \"/mnt\", \"type\": \"tmpfs\", \"source\": "
				"\"tmpfs\", \"options\": [\"size=1m\\nmode=0755\"]}" });
	run_fails(c, &r);
	assert_contains(r.err, "size=1m\\nmode=0755");
	assert_one_line(&r);
	hres_free(&r);
}

/*
 * A state.json value holding a newline (a status nobody wrote): `husk
 * state` refuses it on one line.  The file is put back afterwards so that
 * the container can be deleted.
 */
HTEST(errors, state_value_with_newline_is_one_line)
{
	struct hres r = { 0 };
	char *path, *orig, *bad;

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") });
	HUSK(c, &r, "create", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert(asprintf(&path, "%s/%s/state.json", c->state, c->id) > 0);
	orig = read_text(path);
	cr_assert(orig, "no %s", path);
	bad = json_text_replace(orig, "status", "\"run\\nning\\u001b[2J\"");
	write_text(path, bad);
	HUSK(c, &r, "state", c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, "state.json: .status");
	assert_contains(r.err, "run\\nning");
	assert_not_contains(r.err, "\x1b");
	assert_one_line(&r);
	write_text(path, orig);
	HUSK(c, &r, "delete", "--force", c->id);
	assert_husk_ok(&r);
	free(path);
	free(orig);
	free(bad);
	hres_free(&r);
}

/* ---- names the runtime-spec says MUST be errors ------------------------------ */

/* `husk run` text; assert a clean failure whose one line contains `want`. */
static void run_text_fails(struct hctx *c, const char *text, const char *want)
{
	struct hres r = { 0 };

	write_config(c, text);
	run_fails(c, &r);
	assert_contains(r.err, want);
	assert_one_line(&r);
	hres_free(&r);
}

/* An unknown capability is an error naming its place, not a skipped name. */
HTEST(errors, unknown_capability_names_its_path)
{
	char *text = bundle_config_text(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") });
	char *bad = json_text_replace(text, "bounding", "[\"CAP_AUDIT_WRITE\", \"CAP_KILL\", "
				      "\"CAP_TEST\"]");

	run_text_fails(c, bad, ".process.capabilities.bounding[2]: unknown capability "
		       "\"CAP_TEST\"");
	free(text);
	free(bad);
}

/* The template with `"key": value,` first in its top-level "linux" object. */
static char *with_linux_member(const struct hctx *c, const char *key, const char *value)
{
	char *text = bundle_config_text(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") });
	const char *at = strstr(text, "\"linux\": {");
	char *out;

	cr_assert(at, "no \"linux\" object in the template:\n%s", text);
	at += strlen("\"linux\": {");
	cr_assert(asprintf(&out, "%.*s\n    \"%s\": %s,%s", (int)(at - text), text, key, value,
			   at) > 0);
	free(text);
	return out;
}

/* An unknown seccomp architecture is an error naming its place, not a skipped name. */
HTEST(errors, unknown_seccomp_architecture_names_its_path)
{
	char *text = with_linux_member(c, "seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", "
				       "\"architectures\": [\"SCMP_ARCH_X86_64\", "
				       "\"SCMP_ARCH_BOGUS\"]}");

	run_text_fails(c, text, ".linux.seccomp.architectures[1]: unknown seccomp architecture "
		       "\"SCMP_ARCH_BOGUS\"");
	free(text);
}

/* A resource value the kernel could never take is refused at parse time. */
HTEST(errors, negative_memory_limit_names_its_path)
{
	char *text = with_linux_member(c, "resources", "{\"memory\": {\"limit\": -5}}");

	run_text_fails(c, text, "config.json: .linux.resources.memory.limit: must be -1 "
		       "(unlimited), 0 (not set) or at least one page");
	free(text);
}
