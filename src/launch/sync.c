/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sync socket protocol: see sync.h. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "husk/interrupt.h"
#include "sync.h"

static const char *const type_names[SYNC_TYPE_MAX] = {
	[SYNC_MAPS_DONE] = "MAPS_DONE",       [SYNC_READY] = "READY",
	[SYNC_ERROR] = "ERROR",               [SYNC_EXEC_FAILED] = "EXEC_FAILED",
	[SYNC_SECCOMP_FD] = "SECCOMP_FD",     [SYNC_SECCOMP_DONE] = "SECCOMP_DONE",
	[SYNC_POINT] = "POINT",               [SYNC_POINT_DONE] = "POINT_DONE",
	[SYNC_INIT_EXEC_FAILED] = "INIT_EXEC_FAILED",
};

const char *sync_type_name(uint32_t type)
{
	if (type < SYNC_TYPE_MAX && type_names[type])
		return type_names[type];
	return "unknown";
}

int sync_send_msg(int fd, const struct sync_msg *msg, int payload_fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = sizeof(*msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (payload_fd >= 0) {
		struct cmsghdr *cm;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &payload_fd, sizeof(int));
	}
	for (;;) {
		/* MSG_NOSIGNAL: a parent that went away is an error, not a SIGPIPE. */
		ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);

		if (n == (ssize_t)sizeof(*msg))
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 ? -errno : -EIO;
	}
}

static void msg_init(struct sync_msg *msg, enum sync_type type)
{
	memset(msg, 0, sizeof(*msg));
	msg->type = type;
}

int sync_send(int fd, enum sync_type type)
{
	return sync_send_fd(fd, type, -1);
}

int sync_send_fd(int fd, enum sync_type type, int payload_fd)
{
	struct sync_msg msg;

	msg_init(&msg, type);
	return sync_send_msg(fd, &msg, payload_fd);
}

int sync_send_error(int fd, enum sync_type type, const char *stage, const struct husk_error *err)
{
	struct sync_msg msg;

	msg_init(&msg, type);
	msg.errnum = err ? err->errnum : 0;
	snprintf(msg.stage, sizeof(msg.stage), "%s", stage ? stage : "");
	snprintf(msg.text, sizeof(msg.text), "%s", err ? err->msg : "unknown error");
	return sync_send_msg(fd, &msg, -1);
}

int sync_send_num(int fd, enum sync_type type, int64_t num, const char *text)
{
	struct sync_msg msg;

	msg_init(&msg, type);
	msg.num = num;
	snprintf(msg.text, sizeof(msg.text), "%s", text ? text : "");
	return sync_send_msg(fd, &msg, -1);
}

/*
 * Collect the fds of an SCM_RIGHTS message: the first in *payload_fd, the
 * rest closed (returns -EPROTO then).  Room is made for a few, so that a
 * surplus arrives here to be closed rather than being cut off.
 */
static int take_fds(struct msghdr *mh, int *payload_fd)
{
	int r = 0;

	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		size_t n;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (*payload_fd < 0) {
				*payload_fd = fd;
			} else {
				close(fd);
				r = -EPROTO;
			}
		}
	}
	if (mh->msg_flags & MSG_CTRUNC)
		r = -EPROTO;
	return r;
}

/* A peer's strings are not trusted to be terminated. */
static void msg_terminate(struct sync_msg *msg)
{
	msg->stage[sizeof(msg->stage) - 1] = '\0';
	msg->text[sizeof(msg->text) - 1] = '\0';
}

/*
 * One recvmsg of a whole message, or of husk-init's bare int errno when
 * `int_ok` (sync_recv_exec()): that is returned as SYNC_INIT_EXEC_FAILED.
 */
static int recv_msg(int fd, struct sync_msg *msg, int *payload_fd, bool int_ok)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = msg, .iov_len = sizeof(*msg) };
	struct msghdr mh;
	bool reset = false;
	int r;

	*payload_fd = -1;
	for (;;) {
		ssize_t n;

		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		/*
		 * A peer that exited with a message of ours unread leaves us
		 * ECONNRESET, reported once and before what it sent us last (its
		 * ERROR): read on.
		 */
		if (n < 0 && errno == ECONNRESET && !reset) {
			reset = true;
			continue;
		}
		if (n < 0)
			return -errno;
		r = take_fds(&mh, payload_fd);
		if (r == 0 && (mh.msg_flags & MSG_TRUNC))
			r = -EPROTO;    /* longer than a message: the kernel cut it */
		if (r == 0 && int_ok && n == (ssize_t)sizeof(int32_t)) {
			int32_t errnum;

			memcpy(&errnum, msg, sizeof(errnum));
			memset(msg, 0, sizeof(*msg));
			msg->type = SYNC_INIT_EXEC_FAILED;
			msg->errnum = errnum;
		} else if (r == 0 && n != 0 && n != (ssize_t)sizeof(*msg)) {
			r = -EPROTO;
		}
		if (r < 0 || n == 0) {
			if (*payload_fd >= 0)
				close(*payload_fd);
			*payload_fd = -1;
			return r;
		}
		msg_terminate(msg);
		return 1;
	}
}

int sync_recv_fd(int fd, struct sync_msg *msg, int *payload_fd)
{
	return recv_msg(fd, msg, payload_fd, false);
}

int sync_recv(int fd, struct sync_msg *msg)
{
	int payload_fd;
	int r = sync_recv_fd(fd, msg, &payload_fd);

	if (payload_fd >= 0)
		close(payload_fd);
	return r;
}

int sync_recv_exec(int fd, struct sync_msg *msg)
{
	int payload_fd;
	int r = recv_msg(fd, msg, &payload_fd, true);

	if (payload_fd >= 0)
		close(payload_fd);
	return r;
}

int sync_wait(int fd, const char *what, struct husk_error *err)
{
	int r = interrupt_wait(fd, POLLIN, -1, what, err);

	return r < 0 ? r : 0;
}

int sync_peek(int fd, struct sync_msg *msg)
{
	bool reset = false;

	for (;;) {
		/* Without room for control data a peek installs no fd: a message
		 * carrying one keeps it for the real read.  MSG_TRUNC: n is the
		 * packet's whole length, so a longer one is not taken for ours. */
		ssize_t n = recv(fd, msg, sizeof(*msg), MSG_PEEK | MSG_TRUNC);

		if (n == 0)
			return 0;
		if ((n < 0 && errno == EINTR) || (n < 0 && errno == ECONNRESET && !reset)) {
			reset = reset || errno == ECONNRESET;   /* see recv_msg() */
			continue;
		}
		if (n < 0)
			return -errno;
		if (n != (ssize_t)sizeof(*msg))
			return -EPROTO;
		msg_terminate(msg);
		return 1;
	}
}

int sync_msg_error(const struct sync_msg *msg, struct husk_error *err)
{
	int errnum = msg->errnum > 0 ? msg->errnum : EINVAL;

	if (msg->stage[0] == '\0')
		return husk_error_setq(err, errnum, "%s", msg->text);
	return husk_error_setq(err, errnum, "%s: %s", msg->stage, msg->text);
}

static const struct sync_handler *handler_find(const struct sync_handler *h, size_t n,
					       uint32_t type)
{
	for (size_t i = 0; i < n; i++)
		if ((uint32_t)h[i].type == type)
			return &h[i];
	return NULL;
}

int sync_dispatch(int fd, const struct sync_handler *handlers, size_t n_handlers, void *data,
		  const char *what, struct sync_msg *last, struct husk_error *err)
{
	for (;;) {
		const struct sync_handler *h;
		int payload_fd = -1;
		int r;

		r = sync_wait(fd, what, err);
		if (r < 0)
			return r;
		r = sync_recv_fd(fd, last, &payload_fd);
		if (r <= 0) {
			if (r < 0)
				husk_error_set(err, -r, "read the sync socket (%s)", what);
			return r;
		}
		h = handler_find(handlers, n_handlers, last->type);
		if (h)
			r = h->fn(data, fd, last, &payload_fd, err);
		else if (last->type == SYNC_ERROR)
			r = sync_msg_error(last, err);
		else
			r = husk_error_setq(err, EPROTO, "unexpected %s message (type %u) on the "
					    "sync socket (%s)", sync_type_name(last->type),
					    last->type, what);
		if (payload_fd >= 0)
			close(payload_fd);
		if (r != 0)
			return r;
	}
}
