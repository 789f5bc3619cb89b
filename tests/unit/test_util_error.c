/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One error, one line: whatever a message quotes from its input (a mount
 * option, a state.json value, a file name), the finished message holds no
 * newline, no other control character and no byte that is not UTF-8.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "husk/error.h"

static void one_line(const char *in, const char *want)
{
	char buf[256];

	husk_one_line(in, buf, sizeof(buf));
	cr_assert_str_eq(buf, want, "husk_one_line(%s)", in);
}

Test(util_error, escapes_newline_tab_and_return)
{
	one_line("a\nb\tc\rd", "a\\nb\\tc\\rd");
}

Test(util_error, escapes_other_c0_controls_and_del)
{
	one_line("\x1b[31mred\x7f\x01", "\\x1b[31mred\\x7f\\x01");
}

Test(util_error, escapes_c1_controls_and_unicode_line_separators)
{
	/* U+0085 NEL, U+009B CSI, U+2028, U+2029 */
	one_line("a\xc2\x85" "b\xc2\x9b" "c\xe2\x80\xa8" "d\xe2\x80\xa9", "a\\u0085b\\u009bc\\u2028d\\u2029");
}

Test(util_error, keeps_valid_utf8_and_backslashes)
{
	one_line("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3 \\n", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3 \\n");
}

Test(util_error, escapes_bytes_that_are_not_utf8)
{
	/* a stray continuation byte, an overlong '/', a surrogate, a cut sequence */
	one_line("\x80 \xc0\xaf \xed\xa0\x80 \xe2\x82", "\\x80 \\xc0\\xaf \\xed\\xa0\\x80 \\xe2\\x82");
}

Test(util_error, escaping_twice_changes_nothing)
{
	char once[256], twice[256];

	husk_one_line("x\ny\x1b\xff", once, sizeof(once));
	husk_one_line(once, twice, sizeof(twice));
	cr_assert_str_eq(once, twice);
}

Test(util_error, cut_short_never_inside_an_escape_or_a_character)
{
	char buf[6];

	husk_one_line("ab\ncd", buf, sizeof(buf));
	cr_assert_str_eq(buf, "ab\\nc");
	husk_one_line("abcd\n", buf, sizeof(buf));
	cr_assert_str_eq(buf, "abcd");      /* "\\n" would not fit whole */
	husk_one_line("abcd\xc3\xa9", buf, sizeof(buf));
	cr_assert_str_eq(buf, "abcd");
}

Test(util_error, set_prefix_and_hint_give_one_line)
{
	struct husk_error err;

	husk_error_set(&err, ENOENT, "mount option \"%s\"", "size=1\nmode=0");
	cr_assert_str_eq(err.msg, "mount option \"size=1\\nmode=0\": No such file or directory");
	husk_error_prefix(&err, "mount %s", "/tmp\n");
	cr_assert_str_eq(err.msg, "mount /tmp\\n: mount option \"size=1\\nmode=0\": No such file "
			 "or directory");
	husk_error_hint(&err, "see %s", "\x1b]0;title\x07");
	cr_assert_str_eq(err.msg, "mount /tmp\\n: mount option \"size=1\\nmode=0\": No such file "
			 "or directory (see \\x1b]0;title\\x07)");
	cr_assert_eq(err.errnum, ENOENT);
}

Test(util_error, setq_gives_one_line)
{
	struct husk_error err;

	cr_assert_eq(husk_error_setq(&err, EINVAL, "status \"%s\"", "run\nning"), -EINVAL);
	cr_assert_str_eq(err.msg, "status \"run\\nning\"");
}
