/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_LAUNCH_SYNC_H
#define HUSK_LAUNCH_SYNC_H

/*
 * The sync socket between husk and the container process: a
 * SOCK_SEQPACKET pair, so one message is one packet and a dead peer is an
 * EOF, never a half-read struct.
 *
 *   parent -> child   SYNC_MAPS_DONE   id maps written; go on
 *   child  -> parent  SYNC_READY       set up, waiting for start (or exec'ing)
 *   child  -> parent  SYNC_ERROR       a stage failed: stage, errno, message
 *   child  -> parent  SYNC_EXEC_FAILED the final execve failed
 *   child  -> parent  SYNC_SECCOMP_FD  the seccomp listener fd (SCM_RIGHTS), for
 *                                      .linux.seccomp.listenerPath
 *   parent -> child   SYNC_SECCOMP_DONE the agent has it; go on
 *
 * The child's end is O_CLOEXEC, so a successful execve reads as EOF.  A
 * `husk exec` process hands its end on to husk-init as --exec-fd instead:
 * EOF then means the command itself was exec'd, and a failed exec of the
 * command arrives as a bare int errno (see sync_recv_exec()).
 */

#include <stdint.h>

#include "husk/error.h"

enum sync_type {
	SYNC_MAPS_DONE = 1,
	SYNC_READY,
	SYNC_ERROR,
	SYNC_EXEC_FAILED,
	SYNC_SECCOMP_FD,
	SYNC_SECCOMP_DONE,
	SYNC_INIT_EXEC_FAILED,      /* never sent: what sync_recv_exec() makes of husk-init's int */
};

struct sync_msg {
	uint32_t type;
	int32_t errnum;
	char stage[32];
	char msg[HUSK_ERROR_MAX];
};

/* Send a message without payload; returns 0 or -errno (never SIGPIPE). */
int sync_send(int fd, enum sync_type type);
/* Send an error: stage name and err. */
int sync_send_error(int fd, enum sync_type type, const char *stage, const struct husk_error *err);
/* Receive one message: 1 on a message, 0 on EOF, -errno on failure.  A file
 * descriptor sent along with it is closed. */
int sync_recv(int fd, struct sync_msg *msg);

/* Send a message without payload, passing payload_fd with SCM_RIGHTS. */
int sync_send_fd(int fd, enum sync_type type, int payload_fd);
/*
 * As sync_recv(), and *payload_fd is the one fd that came with the message
 * (O_CLOEXEC), or -1.  Anything more than one fd is closed and -EPROTO.
 */
int sync_recv_fd(int fd, struct sync_msg *msg, int *payload_fd);
/*
 * The last read on a sync socket, after READY: 0 on EOF (the exec went
 * through), 1 on a message (EXEC_FAILED), or 1 with type
 * SYNC_INIT_EXEC_FAILED and errnum set when husk-init wrote its errno on
 * --exec-fd; -errno on failure.
 */
int sync_recv_exec(int fd, struct sync_msg *msg);
/*
 * husk's side: wait until a message (or EOF) is there to read, or until
 * husk is interrupted (-EINTR, err says by what, "while <what>"); see
 * husk/interrupt.h.  The container side never calls it.
 */
int sync_wait(int fd, const char *what, struct husk_error *err);
/* Wait for the next message and read it without taking it (as sync_recv()). */
int sync_peek(int fd, struct sync_msg *msg);

#endif
