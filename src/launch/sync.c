/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sync socket protocol: see sync.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

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

int sync_recv(int fd, struct sync_msg *msg)
{
	for (;;) {
		ssize_t n = recv(fd, msg, sizeof(*msg), MSG_CMSG_CLOEXEC);

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
