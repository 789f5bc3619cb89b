/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_LAUNCH_SYNC_H
#define HUSK_LAUNCH_SYNC_H

/*
 * The sync socket between husk and the processes it starts (the container
 * process, `husk exec`'s helper and the process it clones): a
 * SOCK_SEQPACKET pair, so one message is one packet and a dead peer is an
 * EOF, never a half-read struct.
 *
 * Every message is a struct sync_msg: a type, the stage it speaks for, an
 * errno, a payload (a number and a text) and, optionally, one fd passed
 * with SCM_RIGHTS.  One send path and one receive path carry them all, and
 * one dispatch loop (sync_dispatch()) reads them on husk's side, for the
 * container's launch and for exec alike.
 *
 *   parent -> child   MAPS_DONE      id maps written (and limits set): go on
 *   child  -> parent  POINT          stage = a hook point ("create-runtime"),
 *                                    sent only when the spec has hooks there;
 *                                    the child waits for POINT_DONE
 *   parent -> child   POINT_DONE     the hooks of that point ran
 *   child  -> parent  SECCOMP_FD     + fd: the seccomp listener, for
 *                                    .linux.seccomp.listenerPath
 *   parent -> child   SECCOMP_DONE   the agent has it; go on
 *   child  -> parent  READY          set up; num = the pid of the process that
 *                                    will exec (exec's helper: the process it
 *                                    cloned, in husk's pid namespace), text = a
 *                                    note worth a debug line
 *   child  -> parent  ERROR          stage failed: stage, errnum, text
 *   child  -> parent  EXEC_FAILED    the final execve failed: errnum, text
 *
 * The child's end is O_CLOEXEC, so a successful execve reads as EOF.  A
 * `husk exec` process hands its end on to husk-init as --exec-fd instead:
 * EOF then means the command itself was exec'd, and a failed exec of the
 * command arrives as a bare int errno (see sync_recv_exec()).
 */

#include <stddef.h>
#include <stdint.h>

#include "husk/error.h"

enum sync_type {
	SYNC_MAPS_DONE = 1,
	SYNC_READY,
	SYNC_ERROR,
	SYNC_EXEC_FAILED,
	SYNC_SECCOMP_FD,
	SYNC_SECCOMP_DONE,
	SYNC_POINT,
	SYNC_POINT_DONE,
	SYNC_INIT_EXEC_FAILED,      /* never sent: what sync_recv_exec() makes of husk-init's int */
	SYNC_TYPE_MAX,
};

#define SYNC_STAGE_MAX 32

struct sync_msg {
	uint32_t type;              /* enum sync_type */
	int32_t errnum;             /* ERROR, EXEC_FAILED: the errno */
	int64_t num;                /* READY: a pid */
	char stage[SYNC_STAGE_MAX]; /* ERROR: the failed stage; POINT: the point */
	char text[HUSK_ERROR_MAX];  /* ERROR, EXEC_FAILED: the message; READY: a note */
};

/* The name of a type, for messages ("READY"). */
const char *sync_type_name(uint32_t type);

/*
 * The one send path: msg as one packet, with payload_fd (>= 0) attached.
 * Returns 0 or -errno (never SIGPIPE: a peer that went away is -EPIPE).
 */
int sync_send_msg(int fd, const struct sync_msg *msg, int payload_fd);
/* A message without payload. */
int sync_send(int fd, enum sync_type type);
/* A message without payload, passing payload_fd. */
int sync_send_fd(int fd, enum sync_type type, int payload_fd);
/* A message with the stage, errnum and text of err (NULL: "unknown error"). */
int sync_send_error(int fd, enum sync_type type, const char *stage, const struct husk_error *err);
/* A message with a number and a text payload. */
int sync_send_num(int fd, enum sync_type type, int64_t num, const char *text);

/*
 * The one receive path: 1 on a message, 0 on EOF, -errno on failure
 * (-EPROTO for a packet of the wrong size or more than one fd).
 * *payload_fd is the fd that came with it (O_CLOEXEC), or -1.
 */
int sync_recv_fd(int fd, struct sync_msg *msg, int *payload_fd);
/* As sync_recv_fd(); an fd that came along is closed. */
int sync_recv(int fd, struct sync_msg *msg);
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

/* An ERROR (or EXEC_FAILED) message as our error: "<stage>: <text>". */
int sync_msg_error(const struct sync_msg *msg, struct husk_error *err);

/* ---- husk's dispatch loop ------------------------------------------------- */

/*
 * What the loop does with one type of message: returns 0 to wait for the
 * next message, 1 when the exchange is over, or a negative errno with err
 * filled.  The handler may take the fd that came with the message (set *fd
 * to -1); otherwise the loop closes it.
 */
struct sync_handler {
	enum sync_type type;
	int (*fn)(void *data, int sync_fd, const struct sync_msg *msg, int *fd,
		  struct husk_error *err);
};

/*
 * Wait for messages on fd and hand each to the handler of its type, until
 * one says the exchange is over: 1, with that message in *last.  ERROR ends
 * the loop with the peer's error ("<stage>: <text>"), a type with no
 * handler with -EPROTO, an interrupted wait with -EINTR ("while <what>"),
 * and EOF with 0: the peer died without a word, and the caller, who knows
 * who it was, reaps it and says how it ended.
 */
int sync_dispatch(int fd, const struct sync_handler *handlers, size_t n_handlers, void *data,
		  const char *what, struct sync_msg *last, struct husk_error *err);

#endif
