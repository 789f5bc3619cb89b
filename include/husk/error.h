/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_ERROR_H
#define HUSK_ERROR_H

/*
 * The one error convention of husk.
 *
 * Library code never prints.  A function that can fail takes a
 * `struct husk_error *err` as its last argument and, on failure, fills it
 * with a sentence a person can act on and returns a negative errno
 * (`return husk_error_set(err, errno, "open %s", path);`).  Callers that
 * add context prefix it (`husk_error_prefix(err, "mount %s", dst)`), so
 * the final message reads outside-in:
 *
 *     mount /proc on /proc: Operation not permitted (is the pid namespace missing?)
 *
 * Only the top level (src/cli/main.c) reports the error, once, on stderr or
 * in the --log file.
 *
 * The message is fixed-size so that errors can be built after a failed
 * allocation and can travel over the launch sync socket as one packet.
 *
 * One error is one line, whatever the input it quotes: every function below
 * passes the finished message through husk_one_line(), so a mount option,
 * a state.json value or a file name holding a newline, an escape sequence
 * or bytes that are not UTF-8 cannot split a message or drive a terminal.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define HUSK_ERROR_MAX 1536

struct husk_error {
	int errnum;                 /* positive errno, 0 when there is none */
	char msg[HUSK_ERROR_MAX];   /* "context: detail: strerror(errnum)" */
};

/*
 * Fill `err` with the formatted message followed by ": strerror(errnum)"
 * when errnum != 0.  Returns -errnum, or -EINVAL when errnum == 0, so it can
 * be returned directly.  `err` may be NULL.  errno is preserved.
 */
int husk_error_set(struct husk_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like husk_error_set(), without the strerror suffix even when errnum != 0. */
int husk_error_setq(struct husk_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Prefix the existing message with "<formatted>: ".  Returns the negative
 * errno stored in err (or -EINVAL), so a caller can write
 * `return husk_error_prefix(err, "rootfs %s", path);`.
 */
int husk_error_prefix(struct husk_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append " (<formatted>)" to the message: a hint on what to do. */
void husk_error_hint(struct husk_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Copy s into buf (size > 0 bytes, NUL-terminated) with everything that
 * could break a one-line message escaped: \n \t \r as such, other C0
 * controls and DEL as \x1b, C1 controls and U+2028/U+2029 as \u0085,
 * bytes that are not valid UTF-8 as \xff.  Backslashes and valid UTF-8
 * are kept, so escaping twice changes nothing.  Text that does not fit is
 * cut at a character boundary.  Returns the length written.
 */
size_t husk_one_line(const char *s, char *buf, size_t size);

static inline void husk_error_clear(struct husk_error *err)
{
	if (err) {
		err->errnum = 0;
		err->msg[0] = '\0';
	}
}

static inline bool husk_error_is_set(const struct husk_error *err)
{
	return err && err->msg[0] != '\0';
}

#endif
