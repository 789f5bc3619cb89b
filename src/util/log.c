/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Top-level reporting: see include/husk/log.h.
 *
 * Where a message goes:
 *  - no --log: everything to stderr as "husk: <msg>";
 *  - --log FILE: every message to FILE, one line each, in logrus' text
 *    form (time="..." level=error msg="...") or, with --log-format json, as
 *    {"level":"error","msg":"...","time":"..."} like runc; errors also to
 *    stderr, because conmon and people read that too (not twice when FILE
 *    is stderr itself).
 * Debug messages only exist with --debug.
 *
 * The state is process-wide on purpose: there is one log per process.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "husk/json.h"
#include "husk/log.h"
#include "husk/util.h"

static struct {
	int fd;                     /* the --log file, -1 when none */
	bool fd_is_stderr;          /* --log /dev/stderr: do not write twice */
	enum log_format format;
	bool debug;
} logger = { .fd = -1 };

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warning",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

int log_init(const char *path, enum log_format format, bool debug, struct husk_error *err)
{
	struct stat a, b;
	int fd;

	log_close();
	logger.format = format;
	logger.debug = debug;
	if (!path || !*path)
		return 0;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return husk_error_set(err, errno, "open log file %s", path);
	logger.fd = fd;
	logger.fd_is_stderr = fstat(fd, &a) == 0 && fstat(STDERR_FILENO, &b) == 0 &&
			      a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	return 0;
}

void log_close(void)
{
	closep(&logger.fd);
	logger.fd = -1;
	logger.fd_is_stderr = false;
}

bool log_debug_enabled(void)
{
	return logger.debug;
}

/* s as a double-quoted string, escaped like Go's %q for ASCII (logrus text). */
static char *quote(const char *s)
{
	char *q = xmalloc(strlen(s) * 4 + 3), *p = q;

	*p++ = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c == '\n') {
			p = stpcpy(p, "\\n");
		} else if (c == '\t') {
			p = stpcpy(p, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			p += sprintf(p, "\\x%02x", c);
		} else {
			*p++ = (char)c;
		}
	}
	*p++ = '"';
	*p = '\0';
	return q;
}

/* One JSON line; NULL if the writer refused (invalid UTF-8 in msg). */
static char *json_line(const char *level, const char *msg, const char *when)
{
	_cleanup_json_writer_ struct json_writer *w = json_writer_new(false);
	const char *buf;
	size_t len;

	json_open_object(w);
	json_kv_string(w, "level", level);
	json_kv_string(w, "msg", msg);
	json_kv_string(w, "time", when);
	json_close_object(w);
	if (json_writer_finish(w, &buf, &len, NULL) < 0)
		return NULL;
	return xasprintf("%.*s\n", (int)len, buf);
}

/* Write one line to the log file in its format. */
static void log_file_write(enum log_level level, const char *msg)
{
	_cleanup_free_ char *line = NULL;
	char when[64];

	timestamp_now(when, sizeof(when));
	if (logger.format == LOG_FORMAT_JSON) {
		line = json_line(level_names[level], msg, when);
		if (!line) {
			/* Not UTF-8: keep the ASCII, mark the rest. */
			_cleanup_free_ char *ascii = xstrdup(msg);

			for (char *p = ascii; *p; p++)
				if ((unsigned char)*p >= 0x80)
					*p = '?';
			line = json_line(level_names[level], ascii, when);
		}
	} else {
		_cleanup_free_ char *qwhen = quote(when);
		_cleanup_free_ char *qmsg = quote(msg);

		line = xasprintf("time=%s level=%s msg=%s\n", qwhen, level_names[level], qmsg);
	}
	if (line && write_all(logger.fd, line, strlen(line)) < 0) {
		/* The log is gone; stderr still gets errors below. */
	}
}

/*
 * One message, one line on stderr too: a value a warning quotes raw (an
 * id, a capability name) must not start a second line or reach the
 * terminal as an escape sequence.  (The --log writers quote on their own.)
 */
static void log_stderr_write(enum log_level level, const char *msg)
{
	size_t size = strlen(msg) * 4 + 1;  /* the longest escape of a byte is 4 */
	_cleanup_free_ char *safe = xmalloc(size);
	_cleanup_free_ char *line = NULL;

	husk_one_line(msg, safe, size);
	if (level == LOG_LEVEL_ERROR || level == LOG_LEVEL_INFO)
		line = xasprintf("husk: %s\n", safe);
	else
		line = xasprintf("husk: %s: %s\n", level_names[level], safe);
	if (write_all(STDERR_FILENO, line, strlen(line)) < 0) {
		/* nowhere left to report to */
	}
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	int saved = errno;
	va_list ap;

	if (level > LOG_LEVEL_DEBUG || (level == LOG_LEVEL_DEBUG && !logger.debug))
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		msg = xstrdup(fmt);
	if (logger.fd >= 0)
		log_file_write(level, msg);
	if (logger.fd < 0 || (level == LOG_LEVEL_ERROR && !logger.fd_is_stderr))
		log_stderr_write(level, msg);
	errno = saved;
}

void log_husk_error(const struct husk_error *err)
{
	if (husk_error_is_set(err))
		log_error("%s", err->msg);
	else if (err && err->errnum)
		log_error("%s", strerror(err->errnum));
	else
		log_error("unknown error");
}
