/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_INTERRUPT_H
#define HUSK_INTERRUPT_H

/*
 * Stopping husk while it owns a half-made container or process.
 *
 * create, run and exec hold things that a plain death by SIGTERM would
 * leave behind (a state directory, a container process waiting on its
 * sync socket).  They call interrupt_arm() first: SIGINT, SIGTERM, SIGHUP
 * and SIGQUIT are then blocked and read from a signalfd, and every wait
 * of theirs that can last (the sync socket, the seccomp agent's socket)
 * polls that fd too.  A signal ends the wait with -EINTR and the message
 * "interrupted by SIGTERM while <what>"; the caller unwinds as for any
 * failure, and main() finally dies of the same signal (interrupt_reraise),
 * so that a shell or a supervisor sees what happened.
 *
 * Why a signalfd and not a handler: a signal that lands between a check
 * of a flag and the start of a blocking call would be lost, and husk
 * would block anyway; a pending signal keeps the fd readable until read.
 *
 * A child of husk (the container process, the exec helpers) calls
 * interrupt_forget(): it has its own way to die (its parent kills it).
 */

#include "husk/error.h"

/* Block the four signals and open the signalfd; once per process. */
int interrupt_arm(struct husk_error *err);

/* In a forked child: drop the parent's signalfd (the mask stays). */
void interrupt_forget(void);

/* Nothing half-made any more: close the signalfd and unblock the signals. */
void interrupt_disarm(void);

/*
 * Wait until fd (-1: none) has one of `events`, for timeout_ms (-1:
 * forever).  Returns 1 when it has, 0 on timeout, -EINTR (err says which
 * signal, and "while <what>") when an armed signal came first, or -errno.
 * Unarmed, it only waits for the fd.
 */
int interrupt_wait(int fd, short events, int timeout_ms, const char *what,
		   struct husk_error *err);

/* The armed signal that interrupted husk, 0 when none did. */
int interrupt_signal(void);

/* If a signal interrupted husk: die of it, with its default action. */
void interrupt_reraise(void);

#endif
