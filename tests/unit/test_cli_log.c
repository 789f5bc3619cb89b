/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Top-level reporting (src/util/log.c): stderr text, the --log file in text
 * and json form, errors always on stderr, debug only with --debug.
 * Each test runs in its own process, so redirecting stderr is harmless.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <regex.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/log.h"
#include "husk/util.h"

static char dir[] = "/tmp/husk-unit-log-XXXXXX";
static char logpath[128], errpath[128];

static void setup(void)
{
	int fd;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(logpath, sizeof(logpath), "%s/log", dir);
	snprintf(errpath, sizeof(errpath), "%s/stderr", dir);
	fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	close(fd);
}

static void teardown(void)
{
	log_close();
	unlink(logpath);
	unlink(errpath);
	rmdir(dir);
}

TestSuite(cli_log, .init = setup, .fini = teardown);

static char *slurp(const char *path)
{
	char *buf = NULL;

	if (read_file_at(AT_FDCWD, path, 1 << 20, &buf, NULL, NULL) < 0)
		return xstrdup("");
	return buf;
}

static void expect_match(const char *text, const char *pattern)
{
	regex_t re;

	cr_assert_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB | REG_NEWLINE), 0);
	cr_expect_eq(regexec(&re, text, 0, NULL, 0), 0, "\"%s\" does not match %s", text,
		     pattern);
	regfree(&re);
}

Test(cli_log, stderr_only)
{
	_cleanup_free_ char *out = NULL;

	cr_assert_eq(log_init(NULL, LOG_FORMAT_TEXT, false, NULL), 0);
	log_error("cannot %s", "go");
	log_warn("careful");
	log_debug("hidden");
	out = slurp(errpath);
	cr_assert_str_eq(out, "husk: cannot go\nhusk: warning: careful\n");
	cr_assert_not(log_debug_enabled());
}

Test(cli_log, debug_when_asked)
{
	_cleanup_free_ char *out = NULL;

	cr_assert_eq(log_init(NULL, LOG_FORMAT_TEXT, true, NULL), 0);
	cr_assert(log_debug_enabled());
	log_debug("x=%d", 3);
	out = slurp(errpath);
	cr_assert_str_eq(out, "husk: debug: x=3\n");
}

Test(cli_log, json_file_and_errors_on_stderr)
{
	_cleanup_free_ char *log = NULL, *err = NULL;
	struct stat st;

	cr_assert_eq(log_init(logpath, LOG_FORMAT_JSON, false, NULL), 0);
	log_error("mount \"/proc\": failed\n\ttab");
	log_warn("only in the file");
	log_info("info too");
	log_close();
	cr_assert_eq(stat(logpath, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	log = slurp(logpath);
	expect_match(log, "^\\{\"level\":\"error\",\"msg\":\"mount \\\\\"/proc\\\\\": "
			  "failed\\\\n\\\\ttab\",\"time\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}T"
			  "[0-9:]{8}\\.[0-9]{9}Z\"\\}$");
	expect_match(log, "^\\{\"level\":\"warning\",\"msg\":\"only in the file\",");
	expect_match(log, "^\\{\"level\":\"info\",\"msg\":\"info too\",");
	err = slurp(errpath);
	/* stderr gets the message on one line, its controls escaped */
	cr_assert_str_eq(err, "husk: mount \"/proc\": failed\\n\\ttab\n");
}

Test(cli_log, text_file_like_logrus)
{
	_cleanup_free_ char *log = NULL;

	cr_assert_eq(log_init(logpath, LOG_FORMAT_TEXT, false, NULL), 0);
	log_error("say \"hi\"\\");
	log_close();
	log = slurp(logpath);
	expect_match(log, "^time=\"[0-9-]{10}T[0-9:]{8}\\.[0-9]{9}Z\" level=error "
			  "msg=\"say \\\\\"hi\\\\\"\\\\\\\\\"$");
}

Test(cli_log, appends)
{
	_cleanup_free_ char *log = NULL;

	int fd = open(logpath, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "old\n", 4), 4);
	close(fd);
	cr_assert_eq(log_init(logpath, LOG_FORMAT_TEXT, false, NULL), 0);
	log_error("new");
	log_close();
	log = slurp(logpath);
	cr_assert(str_has_prefix(log, "old\ntime="), "%s", log);
}

Test(cli_log, invalid_utf8_still_logged_as_json)
{
	_cleanup_free_ char *log = NULL;

	cr_assert_eq(log_init(logpath, LOG_FORMAT_JSON, false, NULL), 0);
	log_error("bad \xff byte");
	log_close();
	log = slurp(logpath);
	expect_match(log, "\"msg\":\"bad \\? byte\"");
}

Test(cli_log, log_file_is_stderr_no_duplicate)
{
	_cleanup_free_ char *out = NULL;

	cr_assert_eq(log_init(errpath, LOG_FORMAT_TEXT, false, NULL), 0);
	log_error("once");
	log_close();
	out = slurp(errpath);
	cr_assert_eq(strstr(out, "husk: once"), NULL, "written twice: %s", out);
	cr_assert_not_null(strstr(out, "msg=\"once\""));
}

Test(cli_log, unopenable_log_file)
{
	struct husk_error err = { 0 };

	cr_assert_lt(log_init("/nonexistent-dir/x/log", LOG_FORMAT_JSON, false, &err), 0);
	cr_assert(strstr(err.msg, "/nonexistent-dir/x/log"), "%s", err.msg);
}

Test(cli_log, husk_error_reported_once)
{
	_cleanup_free_ char *out = NULL;
	struct husk_error e = { 0 };

	cr_assert_eq(log_init(NULL, LOG_FORMAT_TEXT, false, NULL), 0);
	husk_error_setq(&e, ENOENT, "container \"x\" does not exist");
	log_husk_error(&e);
	out = slurp(errpath);
	cr_assert_str_eq(out, "husk: container \"x\" does not exist\n");
}
