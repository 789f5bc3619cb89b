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
 */

#include <stdarg.h>
#include <stdbool.h>

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
