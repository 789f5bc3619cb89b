/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container id validation: runc's charset, no "." / "..", length cap. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <string.h>

#include "husk/state.h"
#include "husk/util.h"

static const char *const good_ids[] = {
	"a", "abc", "ABC-def_1.2+3", "0", ".foo", "foo..bar", "a.", "-x", "..a", "a..",
	"k8s_POD_name_ns_0123456789abcdef",
};

static const char *const bad_ids[] = {
	"", ".", "..", "../x", "a/b", "/abs", "x/..", "a b", "a\tb", "a\nb", "a:b", "a@b",
	"a,b", "a~b", "a*b", "a\\b", "é", "caf\xc3\xa9", "\xff", "a$(id)", "a;b", "a\"b",
};

Test(state_id, accepts_runc_ids)
{
	for (size_t i = 0; i < ARRAY_SIZE(good_ids); i++) {
		struct husk_error err = { 0 };

		cr_expect_eq(container_id_validate(good_ids[i], &err), 0, "id \"%s\": %s",
			     good_ids[i], err.msg);
	}
}

Test(state_id, refuses_hostile_ids)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_ids); i++) {
		struct husk_error err = { 0 };

		cr_expect_eq(container_id_validate(bad_ids[i], &err), -EINVAL, "id \"%s\"",
			     bad_ids[i]);
		cr_expect(strlen(err.msg) > 0, "id \"%s\": no message", bad_ids[i]);
	}
}

Test(state_id, refuses_null)
{
	struct husk_error err = { 0 };

	cr_assert_eq(container_id_validate(NULL, &err), -EINVAL);
	cr_assert(strstr(err.msg, "empty"));
}

Test(state_id, length_cap)
{
	char id[CONTAINER_ID_MAX + 2];
	struct husk_error err = { 0 };

	memset(id, 'a', sizeof(id));
	id[CONTAINER_ID_MAX] = '\0';
	cr_assert_eq(container_id_validate(id, &err), 0, "%s", err.msg);
	id[CONTAINER_ID_MAX] = 'a';
	id[CONTAINER_ID_MAX + 1] = '\0';
	cr_assert_eq(container_id_validate(id, &err), -EINVAL);
	cr_assert(strstr(err.msg, "at most"), "%s", err.msg);
}

Test(state_id, long_hostile_id)
{
	char id[1026];
	struct husk_error err = { 0 };

	memset(id, 'a', sizeof(id) - 1);
	id[1025] = '\0';
	cr_assert_eq(container_id_validate(id, &err), -EINVAL);
}

Test(state_id, message_names_the_character)
{
	struct husk_error err = { 0 };

	container_id_validate("a/b", &err);
	cr_assert(strstr(err.msg, "'/'"), "%s", err.msg);
	container_id_validate("\xc3\xa9", &err);
	cr_assert(strstr(err.msg, "0xc3"), "%s", err.msg);
}
