/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_LOG_H
#define HUSK_LOG_H

/*
 * Reporting, for the top level only (src/cli/).  Library code fills a
 * struct husk_error instead of printing.
 *
 * By default messages go to stderr as "husk: <message>".  With the global
 * --log FILE they are appended to FILE as well; with --log-format json each
 * line there is {"level":"error","msg":"...","time":"RFC3339"} as runc
 * writes it, so conmon and containerd can read it.
 */

#include <stdbool.h>

#include "husk/error.h"

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };
enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };

/* Returns 0, or -errno (with err) when the log file cannot be opened. */
int log_init(const char *path, enum log_format format, bool debug, struct husk_error *err);
void log_close(void);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

/* Report err once at error level. */
void log_husk_error(const struct husk_error *err);

bool log_debug_enabled(void);

#endif
