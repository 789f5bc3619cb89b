/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The error convention: see include/husk/error.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "husk/error.h"

static int __attribute__((format(printf, 4, 0)))
error_vset(struct husk_error *err, int errnum, bool with_strerror,
		      const char *fmt, va_list ap)
{
	int saved = errno;

	if (err) {
		int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);

		if (n < 0)
			n = 0;
		if (with_strerror && errnum > 0 && (size_t)n < sizeof(err->msg))
			snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s",
				 strerror(errnum));
		err->errnum = errnum;
	}
	errno = saved;
	return errnum > 0 ? -errnum : -EINVAL;
}

int husk_error_set(struct husk_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = error_vset(err, errnum, true, fmt, ap);
	va_end(ap);
	return r;
}

int husk_error_setq(struct husk_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = error_vset(err, errnum, false, fmt, ap);
	va_end(ap);
	return r;
}

int husk_error_prefix(struct husk_error *err, const char *fmt, ...)
{
	char prefix[HUSK_ERROR_MAX];
	size_t plen, mlen;
	int saved = errno;
	va_list ap;

	if (!err)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix) - 2, fmt, ap);
	va_end(ap);
	strcat(prefix, ": ");
	plen = strlen(prefix);
	mlen = strnlen(err->msg, sizeof(err->msg) - 1);
	/* Shift the old message right, truncating its tail if it must. */
	if (plen > sizeof(err->msg) - 1)
		plen = sizeof(err->msg) - 1;
	if (plen + mlen > sizeof(err->msg) - 1)
		mlen = sizeof(err->msg) - 1 - plen;
	memmove(err->msg + plen, err->msg, mlen);
	memcpy(err->msg, prefix, plen);
	err->msg[plen + mlen] = '\0';
	errno = saved;
	return err->errnum > 0 ? -err->errnum : -EINVAL;
}

void husk_error_hint(struct husk_error *err, const char *fmt, ...)
{
	size_t n;
	va_list ap;
	int saved = errno;

	if (!err)
		return;
	n = strlen(err->msg);
	if (n + 4 >= sizeof(err->msg))
		return;
	err->msg[n++] = ' ';
	err->msg[n++] = '(';
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - n - 1, fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	if (n + 1 < sizeof(err->msg)) {
		err->msg[n] = ')';
		err->msg[n + 1] = '\0';
	}
	errno = saved;
}
