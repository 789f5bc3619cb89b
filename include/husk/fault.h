/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_FAULT_H
#define HUSK_FAULT_H

/*
 * Fault points, for the test build only (`build/husk-fault`, compiled with
 * -DHUSK_FAULT_INJECTION; the shipped `husk` has none: every call below is
 * an inline no-op there).
 *
 * Each stage runner (the parent's table in src/container/, the child's in
 * src/launch/child.c, exec's joiner) calls fault_point() before running a
 * stage.  The environment of husk chooses one point and what happens there:
 *
 *     HUSK_FAULT=<side>:<stage>:<action>
 *
 *   side    parent | child | exec  (exec: the `husk exec` helper process)
 *   stage   the stage's name in its table ("clone", "rootfs-mounts" ...)
 *   action  kill  SIGKILL husk itself (from the child: the husk process
 *                 that started it), then carry on as if nothing happened
 *           fail  the stage fails with EIO, "fault injected at <side>
 *                 stage <stage>", and is undone like a real failure
 *
 * With HUSK_FAULT_TRACE=1 every point reached is written to stderr as
 * "husk-fault: <side>:<stage>", so a test can check that a point exists;
 * the chosen point's line ends in " (kill)" or " (fail)".
 *
 * The first parent point is "verb", in main() just before the verb runs
 * (after the global options): HUSK_FAULT=parent:verb:fail fails any verb.
 *
 * The kill action reaches husk from the child and the exec helper through
 * an inherited fd (a pipe the kernel turns into SIGKILL for husk: see
 * src/util/fault.c), so a stage that closes every inherited fd keeps
 * fault_fd() open; it is close-on-exec, no workload ever gets it.
 *
 * The test build also checks, when main() returns, that husk did not leak
 * a file descriptor: any fd open at exit that was not open at start is
 * reported as "husk-fault: leaked fd N (target)" and the exit code is 99.
 */

#include "husk/error.h"

#ifdef HUSK_FAULT_INJECTION
/* In main(), first: remember husk's pid and its open fds. */
void fault_init(void);
/* In main(), last: the fd-leak check; returns the exit code to use. */
int fault_fini(int code);
/* 0, or -EIO with err filled when this point is chosen to fail. */
int fault_point(const char *side, const char *stage, struct husk_error *err);
/* The fd a close-all-fds stage must keep for the kill action; -1: none. */
int fault_fd(void);
#else
static inline void fault_init(void)
{
}
static inline int fault_fini(int code)
{
	return code;
}
static inline int fault_point(const char *side, const char *stage, struct husk_error *err)
{
	(void)side;
	(void)stage;
	(void)err;
	return 0;
}
static inline int fault_fd(void)
{
	return -1;
}
#endif

#endif
