/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The JSON writer: exact output, escaping, nesting, pretty mode, sticky errors. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "husk/json.h"
#include "husk/util.h"

/* Finish w and compare its text with `expected`. */
static void expect_text(struct json_writer *w, const char *expected)
{
	struct husk_error err = { 0 };
	const char *buf = NULL;
	size_t len = 0;
	int r = json_writer_finish(w, &buf, &len, &err);

	cr_assert_eq(r, 0, "finish failed: %s", err.msg);
	cr_assert_eq(len, strlen(expected), "length %zu, text %.*s", len, (int)len, buf);
	cr_assert(memcmp(buf, expected, len) == 0, "got %.*s", (int)len, buf);
}

static void expect_error(struct json_writer *w, int errnum, const char *msg)
{
	struct husk_error err = { 0 };
	const char *buf = NULL;
	size_t len = 0;

	cr_assert_eq(json_writer_finish(w, &buf, &len, &err), -errnum);
	cr_assert_str_eq(err.msg, msg);
	cr_assert_null(buf);
}

Test(json_writer, compact_nesting_and_scalars)
{
	_cleanup_json_writer_ struct json_writer *w = json_writer_new(false);

	json_open_object(w);
	json_key(w, "a");
	json_open_array(w);
	json_int(w, 1);
	json_int(w, -2);
	json_bool(w, true);
	json_bool(w, false);
	json_null(w);
	json_string(w, "x");
	json_open_array(w);
	json_open_object(w);
	json_close_object(w);
	json_close_array(w);
	json_close_array(w);
	json_key(w, "b");
	json_open_object(w);
	json_kv_string(w, "c", "d");
	json_kv_int(w, "e", INT64_MIN);
	json_kv_uint(w, "f", UINT64_MAX);
	json_kv_bool(w, "g", true);
	json_close_object(w);
	json_close_object(w);
	expect_text(w, "{\"a\":[1,-2,true,false,null,\"x\",[{}]],\"b\":{\"c\":\"d\","
		       "\"e\":-9223372036854775808,\"f\":18446744073709551615,\"g\":true}}");
}

Test(json_writer, escapes)
{
	_cleanup_json_writer_ struct json_writer *w = json_writer_new(false);

	json_open_array(w);
	json_string(w, "q\"b\\s/n\nt\tc\x01\x1f r\r e\xc3\xa9 \xe2\x98\x83");
	json_string(w, "");
	json_close_array(w);
	expect_text(w, "[\"q\\\"b\\\\s/n\\nt\\tc\\u0001\\u001F r\\r e\xc3\xa9 "
		       "\xe2\x98\x83\",\"\"]");
}

Test(json_writer, keys_are_escaped_too)
{
	_cleanup_json_writer_ struct json_writer *w = json_writer_new(false);

	json_open_object(w);
	json_kv_string(w, "k\"\n", "v");
	json_close_object(w);
	expect_text(w, "{\"k\\\"\\n\":\"v\"}");
}

Test(json_writer, null_string_and_strv)
{
	_cleanup_json_writer_ struct json_writer *w = json_writer_new(false);
	char *v[] = { "a", "b", NULL };
	char *empty[] = { NULL };

	json_open_object(w);
	json_kv_string(w, "s", NULL);
	json_kv_strv(w, "v", v);
	json_kv_strv(w, "e", empty);
	json_kv_strv(w, "n", NULL);
	json_close_object(w);
	expect_text(w, "{\"s\":null,\"v\":[\"a\",\"b\"],\"e\":[],\"n\":null}");
}

Test(json_writer, pretty)
{
	_cleanup_json_writer_ struct json_writer *w = json_writer_new(true);

	json_open_object(w);
	json_kv_string(w, "a", "x, {y}: [z]");
	json_key(w, "b");
	json_open_array(w);
	json_int(w, 1);
	json_open_object(w);
	json_kv_bool(w, "c", false);
	json_close_object(w);
	json_close_array(w);
	json_key(w, "e");
	json_open_object(w);
	json_close_object(w);
	json_key(w, "f");
	json_open_array(w);
	json_close_array(w);
	json_kv_string(w, "g", "quote\" and \\");
	json_close_object(w);
	expect_text(w, "{\n"
		       "  \"a\": \"x, {y}: [z]\",\n"
		       "  \"b\": [\n"
		       "    1,\n"
		       "    {\n"
		       "      \"c\": false\n"
		       "    }\n"
		       "  ],\n"
		       "  \"e\": {},\n"
		       "  \"f\": [],\n"
		       "  \"g\": \"quote\\\" and \\\\\"\n"
		       "}\n");
}

Test(json_writer, pretty_scalar_document)
{
	_cleanup_json_writer_ struct json_writer *w = json_writer_new(true);

	json_string(w, "[not structure]");
	expect_text(w, "\"[not structure]\"\n");
}

Test(json_writer, finish_twice_gives_the_same_text)
{
	_cleanup_json_writer_ struct json_writer *w = json_writer_new(true);

	json_open_array(w);
	json_uint(w, 7);
	json_close_array(w);
	expect_text(w, "[\n  7\n]\n");
	expect_text(w, "[\n  7\n]\n");
}

Test(json_writer, value_without_key_is_sticky)
{
	_cleanup_json_writer_ struct json_writer *w = json_writer_new(false);

	json_open_object(w);
	json_string(w, "oops");
	/* Everything after the first error is ignored. */
	json_kv_string(w, "a", "b");
	json_close_object(w);
	expect_error(w, EINVAL, "JSON writer: a value inside an object without a key");
}

Test(json_writer, key_misuse)
{
	_cleanup_json_writer_ struct json_writer *a = json_writer_new(false);
	_cleanup_json_writer_ struct json_writer *b = json_writer_new(false);
	_cleanup_json_writer_ struct json_writer *c = json_writer_new(false);

	json_open_array(a);
	json_key(a, "k");
	expect_error(a, EINVAL, "JSON writer: key \"k\" outside an object");

	json_open_object(b);
	json_key(b, "k");
	json_key(b, "l");
	expect_error(b, EINVAL, "JSON writer: key \"l\" follows a key without a value");

	json_open_object(c);
	json_key(c, NULL);
	expect_error(c, EINVAL, "JSON writer: NULL key");
}

Test(json_writer, unbalanced)
{
	_cleanup_json_writer_ struct json_writer *a = json_writer_new(false);
	_cleanup_json_writer_ struct json_writer *b = json_writer_new(false);
	_cleanup_json_writer_ struct json_writer *c = json_writer_new(false);
	_cleanup_json_writer_ struct json_writer *d = json_writer_new(false);
	_cleanup_json_writer_ struct json_writer *e = json_writer_new(false);

	json_close_object(a);
	expect_error(a, EINVAL, "JSON writer: close of an object that is not open");

	json_open_object(b);
	json_close_array(b);
	expect_error(b, EINVAL, "JSON writer: close of an array that is not open");

	json_open_object(c);
	json_open_array(c);
	expect_error(c, EINVAL, "JSON writer: a value inside an object without a key");

	json_open_object(d);
	json_key(d, "k");
	json_close_object(d);
	expect_error(d, EINVAL, "JSON writer: object closed after a key without its value");

	json_open_object(e);
	json_key(e, "k");
	json_open_array(e);
	expect_error(e, EINVAL, "JSON writer: the document is incomplete (2 containers still "
				"open)");
}

Test(json_writer, empty_and_second_document)
{
	_cleanup_json_writer_ struct json_writer *a = json_writer_new(false);
	_cleanup_json_writer_ struct json_writer *b = json_writer_new(false);

	expect_error(a, EINVAL, "JSON writer: the document is incomplete (0 containers still "
				"open)");
	json_open_object(b);
	json_close_object(b);
	json_int(b, 1);
	expect_error(b, EINVAL, "JSON writer: a second top-level value");
}

Test(json_writer, invalid_utf8_is_refused)
{
	_cleanup_json_writer_ struct json_writer *w = json_writer_new(false);

	json_open_array(w);
	json_string(w, "bad \xff byte");
	json_close_array(w);
	expect_error(w, EILSEQ, "JSON writer: string is not valid UTF-8");
}

Test(json_writer, depth_limit)
{
	_cleanup_json_writer_ struct json_writer *ok = json_writer_new(false);
	_cleanup_json_writer_ struct json_writer *bad = json_writer_new(false);
	const char *buf;
	size_t len;

	for (int i = 0; i < 127; i++)
		json_open_array(ok);
	for (int i = 0; i < 127; i++)
		json_close_array(ok);
	cr_assert_eq(json_writer_finish(ok, &buf, &len, NULL), 0);
	cr_assert_eq(len, 254);

	for (int i = 0; i < 128; i++)
		json_open_array(bad);
	expect_error(bad, E2BIG, "JSON writer: nesting deeper than 127 levels");
}

Test(json_writer, free_null)
{
	json_writer_free(NULL);
}
