/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command-line option parser.  src/cli/ is not part of libhusk, so the
 * parser is compiled into this test directly.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <string.h>

#include "cli/options.c"

struct t_opts {
	const char *bundle;
	const char *pid_file;
	bool detach;
	bool keep;
	int fds;
};

#define T_DEFS(o)                                                                  \
	const struct opt_def defs[] = {                                            \
		OPT_S("bundle", "b", &(o).bundle, "DIR", "bundle"),                \
		OPT_S("pid-file", NULL, &(o).pid_file, "FILE", "pid file"),        \
		OPT_B("detach", "d", &(o).detach, "detach"),                       \
		OPT_B("keep", NULL, &(o).keep, "keep"),                            \
		OPT_I("preserve-fds", NULL, &(o).fds, "N", "fds"),                 \
	}

static int parse(struct t_opts *o, const struct opt_def *defs, size_t n, unsigned flags,
		 struct opt_result *res, struct husk_error *err, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	memset(o, 0, sizeof(*o));
	return opts_parse(defs, n, argc, argv, flags, res, err);
}

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })

Test(cli_options, four_spellings_of_a_value_flag)
{
	char **cases[] = {
		ARGV("--bundle", "/b", "id"),
		ARGV("-bundle", "/b", "id"),
		ARGV("--bundle=/b", "id"),
		ARGV("-bundle=/b", "id"),
		ARGV("-b", "/b", "id"),
		ARGV("--b=/b", "id"),
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct t_opts o;
		T_DEFS(o);
		struct opt_result res;
		struct husk_error err = { 0 };

		cr_assert_eq(parse(&o, defs, ARRAY_SIZE(defs), 0, &res, &err, cases[i]), 0,
			     "case %zu: %s", i, err.msg);
		cr_assert_str_eq(o.bundle, "/b", "case %zu", i);
		cr_assert_eq(res.n_args, 1);
		cr_assert_str_eq(res.args[0], "id");
		opt_result_free(&res);
	}
}

Test(cli_options, value_may_start_with_dash_or_be_empty)
{
	struct t_opts o;
	T_DEFS(o);
	struct opt_result res;
	struct husk_error err = { 0 };

	cr_assert_eq(parse(&o, defs, ARRAY_SIZE(defs), 0, &res, &err,
			   ARGV("--pid-file", "-weird", "--bundle=", "x")), 0, "%s", err.msg);
	cr_assert_str_eq(o.pid_file, "-weird");
	cr_assert_str_eq(o.bundle, "");
	opt_result_free(&res);
}

Test(cli_options, bools)
{
	struct t_opts o;
	T_DEFS(o);
	struct opt_result res;
	struct husk_error err = { 0 };

	cr_assert_eq(parse(&o, defs, ARRAY_SIZE(defs), 0, &res, &err,
			   ARGV("-d", "--keep=true", "id")), 0, "%s", err.msg);
	cr_assert(o.detach);
	cr_assert(o.keep);
	opt_result_free(&res);

	cr_assert_eq(parse(&o, defs, ARRAY_SIZE(defs), 0, &res, &err,
			   ARGV("--detach", "--detach=false", "-keep=1", "id")), 0, "%s", err.msg);
	cr_assert_not(o.detach);
	cr_assert(o.keep);
	opt_result_free(&res);

	/* A bool never takes the next word: "false" is an argument. */
	cr_assert_eq(parse(&o, defs, ARRAY_SIZE(defs), 0, &res, &err,
			   ARGV("--detach", "false")), 0, "%s", err.msg);
	cr_assert(o.detach);
	cr_assert_eq(res.n_args, 1);
	cr_assert_str_eq(res.args[0], "false");
	opt_result_free(&res);

	cr_assert_eq(parse(&o, defs, ARRAY_SIZE(defs), 0, &res, &err,
			   ARGV("--detach=yes", "id")), -EINVAL);
	cr_assert(strstr(err.msg, "--detach"), "%s", err.msg);
	cr_assert(strstr(err.msg, "yes"), "%s", err.msg);
}

Test(cli_options, parse_bool_spellings)
{
	const char *yes[] = { "1", "t", "T", "true", "TRUE", "True" };
	const char *no[] = { "0", "f", "F", "false", "FALSE", "False" };
	bool b;

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		b = false;
		cr_assert_eq(opts_parse_bool(yes[i], &b), 0);
		cr_assert(b);
		cr_assert_eq(opts_parse_bool(no[i], &b), 0);
		cr_assert_not(b);
	}
	cr_assert_eq(opts_parse_bool("", &b), -EINVAL);
	cr_assert_eq(opts_parse_bool("tRuE", &b), -EINVAL);
	cr_assert_eq(opts_parse_bool("2", &b), -EINVAL);
}

Test(cli_options, ints)
{
	struct t_opts o;
	T_DEFS(o);
	struct opt_result res;
	struct husk_error err = { 0 };

	cr_assert_eq(parse(&o, defs, ARRAY_SIZE(defs), 0, &res, &err,
			   ARGV("--preserve-fds", "3")), 0, "%s", err.msg);
	cr_assert_eq(o.fds, 3);
	opt_result_free(&res);
	cr_assert_eq(parse(&o, defs, ARRAY_SIZE(defs), 0, &res, &err,
			   ARGV("--preserve-fds=-1")), -EINVAL);
	cr_assert(strstr(err.msg, "non-negative"), "%s", err.msg);
	cr_assert_eq(parse(&o, defs, ARRAY_SIZE(defs), 0, &res, &err,
			   ARGV("--preserve-fds", "two")), -EINVAL);
	cr_assert(strstr(err.msg, "\"two\""), "%s", err.msg);
}

Test(cli_options, unknown_flags_are_named)
{
	struct t_opts o;
	T_DEFS(o);
	struct opt_result res;
	struct husk_error err = { 0 };

	cr_assert_eq(parse(&o, defs, ARRAY_SIZE(defs), 0, &res, &err,
			   ARGV("--bundel", "x", "id")), -EINVAL);
	cr_assert_str_eq(err.msg, "unknown flag: --bundel");
	cr_assert_eq(res.args, NULL);
	cr_assert_eq(parse(&o, defs, ARRAY_SIZE(defs), 0, &res, &err,
			   ARGV("-x=1")), -EINVAL);
	cr_assert_str_eq(err.msg, "unknown flag: -x");
	cr_assert_eq(parse(&o, defs, ARRAY_SIZE(defs), 0, &res, &err,
			   ARGV("---bundle", "x")), -EINVAL);
	cr_assert(strstr(err.msg, "bad flag syntax"), "%s", err.msg);
	cr_assert_eq(parse(&o, defs, ARRAY_SIZE(defs), 0, &res, &err,
			   ARGV("-=x")), -EINVAL);
}

Test(cli_options, missing_value)
{
	struct t_opts o;
	T_DEFS(o);
	struct opt_result res;
	struct husk_error err = { 0 };

	cr_assert_eq(parse(&o, defs, ARRAY_SIZE(defs), 0, &res, &err,
			   ARGV("id", "--bundle")), -EINVAL);
	cr_assert_str_eq(err.msg, "flag --bundle needs a value (DIR)");
}

Test(cli_options, flags_after_arguments_and_double_dash)
{
	struct t_opts o;
	T_DEFS(o);
	struct opt_result res;
	struct husk_error err = { 0 };

	cr_assert_eq(parse(&o, defs, ARRAY_SIZE(defs), 0, &res, &err,
			   ARGV("id", "-d", "sig", "--", "--keep", "-")), 0, "%s", err.msg);
	cr_assert(o.detach);
	cr_assert_not(o.keep);
	cr_assert_eq(res.n_args, 4);
	cr_assert_str_eq(res.args[0], "id");
	cr_assert_str_eq(res.args[1], "sig");
	cr_assert_str_eq(res.args[2], "--keep");
	cr_assert_str_eq(res.args[3], "-");
	opt_result_free(&res);
}

Test(cli_options, stop_at_first_argument)
{
	struct t_opts o;
	T_DEFS(o);
	struct opt_result res;
	struct husk_error err = { 0 };

	cr_assert_eq(parse(&o, defs, ARRAY_SIZE(defs), OPTS_STOP_AT_ARG, &res, &err,
			   ARGV("--keep", "create", "--bundle", "x", "--bogus")), 0, "%s", err.msg);
	cr_assert(o.keep);
	cr_assert_null(o.bundle);
	cr_assert_eq(res.n_args, 4);
	cr_assert_str_eq(res.args[0], "create");
	cr_assert_str_eq(res.args[3], "--bogus");
	opt_result_free(&res);
}

Test(cli_options, help_is_recognised)
{
	struct t_opts o;
	T_DEFS(o);
	struct opt_result res;
	struct husk_error err = { 0 };

	cr_assert_eq(parse(&o, defs, ARRAY_SIZE(defs), 0, &res, &err, ARGV("-h")), 0);
	cr_assert(res.help);
	opt_result_free(&res);
	cr_assert_eq(parse(&o, defs, ARRAY_SIZE(defs), 0, &res, &err, ARGV("id", "--help")), 0);
	cr_assert(res.help);
	opt_result_free(&res);
	cr_assert_eq(opts_parse(NULL, 0, 0, NULL, 0, &res, &err), 0);
	cr_assert_eq(res.n_args, 0);
	cr_assert_not(res.help);
	opt_result_free(&res);
}

Test(cli_options, expect_args)
{
	char *a[] = { (char *)"x", (char *)"y", (char *)"z" };
	struct opt_result res = { .args = a, .n_args = 3 };
	struct husk_error err = { 0 };

	cr_assert_eq(opts_expect_args(&res, 1, 3, "kill", "ID", &err), 0);
	cr_assert_eq(opts_expect_args(&res, 1, 2, "kill", "ID [SIGNAL]", &err), -EINVAL);
	cr_assert(strstr(err.msg, "\"kill\" needs 1 to 2 arguments, got 3"), "%s", err.msg);
	res.n_args = 0;
	cr_assert_eq(opts_expect_args(&res, 1, 1, "state", "ID", &err), -EINVAL);
	cr_assert(strstr(err.msg, "needs exactly 1 argument, got 0"), "%s", err.msg);
}

/* 40,000 uses of a list flag (exec -e K=V ...): all kept, in order. */
Test(cli_options, list_flag_many_uses)
{
	enum { N = 40000 };
	char **env = NULL;
	const struct opt_def defs[] = { OPT_L("env", "e", &env, "K=V", "env") };
	char **argv = xcalloc(2 * N + 2, sizeof(char *));
	struct opt_result res;
	struct husk_error err = { 0 };

	for (int i = 0; i < N; i++) {
		argv[2 * i] = xstrdup(i % 2 ? "-e" : "--env");
		argv[2 * i + 1] = xasprintf("K%d=%d", i, i);
	}
	argv[2 * N] = xstrdup("id");
	cr_assert_eq(opts_parse(defs, ARRAY_SIZE(defs), 2 * N + 1, argv, OPTS_STOP_AT_ARG, &res,
				&err), 0, "%s", err.msg);
	cr_assert_eq(strv_length(env), N);
	cr_assert_str_eq(env[0], "K0=0");
	cr_assert_str_eq(env[N - 1], "K39999=39999");
	cr_assert_eq(res.n_args, 1);
	opt_result_free(&res);
	strv_free(env);
	strv_free(argv);
}

/* A list flag collects every use, in order, in all its spellings (exec -e). */
Test(cli_options, list_flag_repeats)
{
	char **env = NULL;
	const char *user = NULL;
	const struct opt_def defs[] = {
		OPT_L("env", "e", &env, "K=V", "env"),
		OPT_S("user", "u", &user, "UID", "user"),
	};
	struct opt_result res;
	struct husk_error err = { 0 };
	char **argv = ARGV("-e", "A=1", "--env=B=2", "-u", "0", "--env", "C=3", "id", "cmd", "-e",
			   "D=4");

	cr_assert_eq(opts_parse(defs, ARRAY_SIZE(defs), 11, argv, OPTS_STOP_AT_ARG, &res, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(strv_length(env), 3);
	cr_assert_str_eq(env[0], "A=1");
	cr_assert_str_eq(env[1], "B=2");
	cr_assert_str_eq(env[2], "C=3");
	cr_assert_str_eq(user, "0");
	/* After the first argument everything is the command's. */
	cr_assert_eq(res.n_args, 4);
	cr_assert_str_eq(res.args[2], "-e");
	opt_result_free(&res);
	strv_free(env);
}
