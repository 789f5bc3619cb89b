/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Signal names and numbers for `husk kill` (compiled in from src/cli/). */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>

#include "cli/signal.c"

Test(cli_signal, names_and_numbers)
{
	const struct {
		const char *in;
		int sig;
	} ok[] = {
		{ "KILL", SIGKILL }, { "SIGKILL", SIGKILL }, { "kill", SIGKILL },
		{ "sigkill", SIGKILL }, { "9", SIGKILL }, { "TERM", SIGTERM },
		{ "SigTerm", SIGTERM }, { "1", 1 },
		{ "64", 64 }, { "HUP", SIGHUP }, { "WINCH", SIGWINCH }, { "CHLD", SIGCHLD },
		{ "USR2", SIGUSR2 }, { "RTMIN", 34 }, { "SIGRTMIN+2", 36 },
		{ "RTMAX-1", SIGRTMAX - 1 }, { "rtmax", SIGRTMAX },
	};

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		struct husk_error err = { 0 };
		int sig = -1;

		cr_expect_eq(parse_signal(ok[i].in, &sig, &err), 0, "%s: %s", ok[i].in, err.msg);
		cr_expect_eq(sig, ok[i].sig, "%s gave %d", ok[i].in, sig);
	}
}

Test(cli_signal, bad_signals)
{
	const char *bad[] = { "0", "65", "-9", "999999999999999999999", "", "FOO", "SIG",
			      "SIGKILLX", "RTMIN+99", "RTMAX+1", "RTMIN-1", "9x", " 9" };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct husk_error err = { 0 };
		int sig = -1;

		cr_expect_eq(parse_signal(bad[i], &sig, &err), -EINVAL, "\"%s\" accepted", bad[i]);
		cr_expect(strlen(err.msg) > 0);
	}
}

Test(cli_signal, messages)
{
	struct husk_error err = { 0 };
	int sig;

	parse_signal("65", &sig, &err);
	cr_assert(strstr(err.msg, "out of range (1 to 64)"), "%s", err.msg);
	parse_signal("FOO", &sig, &err);
	cr_assert(strstr(err.msg, "unknown signal \"FOO\""), "%s", err.msg);
}
