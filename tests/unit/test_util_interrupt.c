/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/util/interrupt.c: an armed SIGTERM ends a wait (also one that came
 * before the wait began), names itself, and is remembered for
 * interrupt_reraise(); other fds still wake the wait; unarmed, a wait only
 * waits for its fd.  Criterion runs each test in its own process, so the
 * signal mask each test changes is its own.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "husk/interrupt.h"
#include "husk/util.h"

Test(util_interrupt, a_pending_signal_ends_the_wait)
{
	struct husk_error err = { 0 };
	int p[2];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(interrupt_arm(&err), 0, "%s", err.msg);
	/* Before the wait: it must not be lost between a check and the poll. */
	cr_assert_eq(raise(SIGTERM), 0);
	cr_assert_eq(interrupt_wait(p[0], POLLIN, -1, "waiting for a pipe", &err), -EINTR);
	cr_assert_str_eq(err.msg, "interrupted by SIGTERM while waiting for a pipe");
	cr_assert_eq(interrupt_signal(), SIGTERM);
	close(p[0]);
	close(p[1]);
}

Test(util_interrupt, a_ready_fd_ends_the_wait)
{
	struct husk_error err = { 0 };
	int p[2];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(interrupt_arm(&err), 0, "%s", err.msg);
	cr_assert_eq(interrupt_wait(p[0], POLLIN, 0, "waiting", &err), 0, "not ready yet");
	cr_assert_eq(write(p[1], "x", 1), 1);
	cr_assert_eq(interrupt_wait(p[0], POLLIN, -1, "waiting", &err), 1);
	cr_assert_eq(interrupt_signal(), 0);
	close(p[0]);
	close(p[1]);
}

/* Not armed: the signals keep their default action; the wait sees only its fd. */
Test(util_interrupt, unarmed_waits_only_for_the_fd)
{
	struct husk_error err = { 0 };
	int p[2];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], "x", 1), 1);
	cr_assert_eq(interrupt_wait(p[0], POLLIN, -1, "waiting", &err), 1);
	cr_assert_eq(interrupt_wait(-1, 0, 0, "checking", &err), 0);
	close(p[0]);
	close(p[1]);
}

/* After the cleanup, husk dies of the signal that stopped it. */
Test(util_interrupt, reraise_dies_of_the_signal, .signal = SIGTERM)
{
	struct husk_error err = { 0 };

	cr_assert_eq(interrupt_arm(&err), 0, "%s", err.msg);
	cr_assert_eq(raise(SIGTERM), 0);
	cr_assert_eq(interrupt_wait(-1, 0, -1, "waiting", &err), -EINTR);
	interrupt_reraise();
	cr_assert_fail("still alive after interrupt_reraise()");
}
