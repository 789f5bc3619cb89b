/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_JSON_H
#define HUSK_JSON_H

/*
 * The one JSON writer of husk (src/util/json.c, over yajl_gen).  Everything
 * that emits JSON (state.json, `husk state`, `husk list --format json`,
 * `husk spec`, --log-format json) goes through it, so no other part sees
 * yajl.  Parsing JSON is src/spec/'s job alone.
 *
 * Errors are sticky: after the first failure every call is a no-op and
 * json_writer_finish() reports it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "husk/error.h"

struct json_writer;

/* pretty: indent with two spaces and end with a newline. */
struct json_writer *json_writer_new(bool pretty);
void json_writer_free(struct json_writer *w);
static inline void json_writer_freep(struct json_writer **w)
{
	json_writer_free(*w);
}
#define _cleanup_json_writer_ __attribute__((cleanup(json_writer_freep)))

void json_open_object(struct json_writer *w);
void json_close_object(struct json_writer *w);
void json_open_array(struct json_writer *w);
void json_close_array(struct json_writer *w);

/* Inside an object: json_key() then one value. */
void json_key(struct json_writer *w, const char *key);
void json_string(struct json_writer *w, const char *s); /* NULL writes null */
void json_int(struct json_writer *w, int64_t v);
void json_uint(struct json_writer *w, uint64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* Conveniences for object members. */
void json_kv_string(struct json_writer *w, const char *key, const char *s);
void json_kv_int(struct json_writer *w, const char *key, int64_t v);
void json_kv_uint(struct json_writer *w, const char *key, uint64_t v);
void json_kv_bool(struct json_writer *w, const char *key, bool v);
/* A NULL-terminated string vector as an array of strings (NULL writes null). */
void json_kv_strv(struct json_writer *w, const char *key, char *const *v);

/*
 * Get the text.  The buffer belongs to the writer and is valid until the
 * next call on it.  Returns 0, or a negative errno with err filled.
 */
int json_writer_finish(struct json_writer *w, const char **buf, size_t *len,
		       struct husk_error *err);

#endif
