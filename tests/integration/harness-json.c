// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * JSON for the integration tests: reading husk's output (state, list,
 * --log-format json, `husk spec`) with yajl's tree parser, independent of
 * husk's own parser, and a layout-agnostic textual edit of config.json.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "integration/harness.h"

hjson json_parse_or_fail(const char *text, const char *what)
{
	char errbuf[512] = "";
	yajl_val v = yajl_tree_parse(text, errbuf, sizeof(errbuf));

	cr_assert(v, "%s is not valid JSON (%s):\n%s", what, errbuf, text);
	return v;
}

void json_free(hjson v)
{
	yajl_tree_free(v);
}

hjson json_at(hjson v, const char *const path[])
{
	return yajl_tree_get(v, (const char **)path, yajl_t_any);
}

const char *json_str(hjson v)
{
	return YAJL_GET_STRING(v);
}

bool json_is_int(hjson v)
{
	return YAJL_IS_INTEGER(v);
}

long long json_int(hjson v)
{
	return YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : -1;
}

bool json_is_true(hjson v)
{
	return YAJL_IS_TRUE(v);
}

bool json_is_array(hjson v)
{
	return YAJL_IS_ARRAY(v);
}

size_t json_array_len(hjson v)
{
	return YAJL_IS_ARRAY(v) ? v->u.array.len : 0;
}

hjson json_array_get(hjson v, size_t i)
{
	return i < json_array_len(v) ? v->u.array.values[i] : NULL;
}

hjson json_find_by(hjson array, const char *key, const char *value)
{
	for (size_t i = 0; i < json_array_len(array); i++) {
		hjson item = json_array_get(array, i);
		const char *s = json_str(JSON_AT(item, key));
		if (s && strcmp(s, value) == 0)
			return item;
	}
	return NULL;
}

bool json_array_has_string(hjson array, const char *s)
{
	for (size_t i = 0; i < json_array_len(array); i++) {
		const char *item = json_str(json_array_get(array, i));
		if (item && strcmp(item, s) == 0)
			return true;
	}
	return false;
}

/* Length of the JSON value starting at p (after blanks were skipped). */
static size_t json_value_extent(const char *p)
{
	size_t i = 0;
	int depth = 0;
	bool in_string = false;

	for (; p[i]; i++) {
		char ch = p[i];
		if (in_string) {
			if (ch == '\\' && p[i + 1])
				i++;
			else if (ch == '"')
				in_string = false;
			if (!in_string && depth == 0)
				return i + 1;
			continue;
		}
		if (ch == '"') {
			in_string = true;
		} else if (ch == '[' || ch == '{') {
			depth++;
		} else if (ch == ']' || ch == '}') {
			if (depth == 0)
				return i;       /* end of the enclosing container */
			if (--depth == 0)
				return i + 1;
		} else if (depth == 0 && (ch == ',' || ch == '\n' || ch == ' ')) {
			return i;               /* end of a number/true/false/null */
		}
	}
	return i;
}

char *json_text_replace(const char *text, const char *key, const char *value)
{
	char *quoted;

	cr_assert(asprintf(&quoted, "\"%s\"", key) > 0);
	const char *k = strstr(text, quoted);
	cr_assert(k, "no \"%s\" in:\n%s", key, text);
	const char *p = k + strlen(quoted);
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	cr_assert(*p == ':', "\"%s\" is not followed by ':'", key);
	p++;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	size_t ext = json_value_extent(p);

	char *out;
	cr_assert(asprintf(&out, "%.*s%s%s", (int)(p - text), text, value, p + ext) > 0);
	free(quoted);
	return out;
}
