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

static int sync_write(int fd, const struct sync_msg *msg)
{
	for (;;) {
		/* MSG_NOSIGNAL: a parent that went away is an error, not a SIGPIPE. */
		ssize_t n = send(fd, msg, sizeof(*msg), MSG_NOSIGNAL);

		if (n == (ssize_t)sizeof(*msg))
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 ? -errno : -EIO;
	}
}

int sync_send(int fd, enum sync_type type)
{
	struct sync_msg msg;

	memset(&msg, 0, sizeof(msg));
	msg.type = type;
	return sync_write(fd, &msg);
}

int sync_send_error(int fd, enum sync_type type, const char *stage, const struct husk_error *err)
{
	struct sync_msg msg;

	memset(&msg, 0, sizeof(msg));
	msg.type = type;
	msg.errnum = err ? err->errnum : 0;
	snprintf(msg.stage, sizeof(msg.stage), "%s", stage ? stage : "");
	snprintf(msg.msg, sizeof(msg.msg), "%s", err ? err->msg : "unknown error");
	return sync_write(fd, &msg);
}

int sync_send_fd(int fd, enum sync_type type, int payload_fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct sync_msg msg;
	struct iovec iov = { .iov_base = &msg, .iov_len = sizeof(msg) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cm;

	memset(&msg, 0, sizeof(msg));
	memset(&ctl, 0, sizeof(ctl));
	msg.type = type;
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &payload_fd, sizeof(int));
	for (;;) {
		ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);

		if (n == (ssize_t)sizeof(msg))
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 ? -errno : -EIO;
	}
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
		if (n < 0)
			return -errno;
		r = take_fds(&mh, payload_fd);
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
		msg->stage[sizeof(msg->stage) - 1] = '\0';
		msg->msg[sizeof(msg->msg) - 1] = '\0';
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
	for (;;) {
		/* Without room for control data a peek installs no fd: a message
		 * carrying one keeps it for the real read. */
		ssize_t n = recv(fd, msg, sizeof(*msg), MSG_PEEK);

		if (n == 0)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n != (ssize_t)sizeof(*msg))
			return -EPROTO;
		msg->stage[sizeof(msg->stage) - 1] = '\0';
		msg->msg[sizeof(msg->msg) - 1] = '\0';
		return 1;
	}
}
