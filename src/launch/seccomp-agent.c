/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The seccomp user-notification agent protocol of the OCI runtime spec
 * (.linux.seccomp.listenerPath, SCMP_ACT_NOTIFY rules).
 *
 * Loading a filter with notify rules gives the loading process a listener
 * fd; whoever holds it answers the notified syscalls.  It must reach the
 * agent before the first of them is made, so the process that loaded the
 * filter hands it over at once and waits:
 *
 *   container process                 husk                     agent
 *   seccomp() -> listener fd
 *   SYNC_SECCOMP_FD + fd ───────────►
 *   (close its copy, wait)            connect(listenerPath)
 *                                     one sendmsg: containerProcessState
 *                                     JSON + the fd (SCM_RIGHTS) ────► serves
 *                                     close both
 *                  ◄──────────────── SYNC_SECCOMP_DONE
 *
 * The JSON is the spec's "container process state": ociVersion, fds
 * ["seccompFd"], pid (the process that loaded the filter, as husk sees
 * it), metadata (listenerMetadata) and state (the OCI state: "creating"
 * for a container, "running" for an exec).  One connection per fd, closed
 * after the send, as the spec asks.
 *
 * Neither side ever answers a notification: the container process never
 * keeps the fd (it could approve its own denied syscalls), and husk does
 * not keep it either.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "husk/interrupt.h"
#include "husk/json.h"
#include "husk/util.h"
#include "launch-internal.h"
#include "sync.h"

/*
 * Syscalls the hand-over itself makes between the filter's load and the
 * agent holding the fd.  A notify rule on one of them would wait for an
 * agent that can never get the fd: husk would hang.  (What comes after,
 * closing our copy and reading the answer, is fine: the agent has it.)
 */
static const char *const handover_syscalls[] = { "sendmsg" };

int seccomp_agent_check(const struct husk_spec *spec, struct husk_error *err)
{
	const struct husk_seccomp *s = spec->linux_ ? spec->linux_->seccomp : NULL;

	for (size_t i = 0; s && i < s->n_syscalls; i++) {
		if (s->syscalls[i].action != SECCOMP_ACT_NOTIFY)
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(handover_syscalls); k++) {
			const char *name = handover_syscalls[k];

			if (!strv_contains(s->syscalls[i].names, name))
				continue;
			return husk_error_setq(err, EINVAL, "config.json: .linux.seccomp.syscalls"
					       "[%zu]: SCMP_ACT_NOTIFY on %s cannot work: husk "
					       "hands the listener fd to the agent with %s, which "
					       "would wait for that agent forever", i, name, name);
		}
	}
	return 0;
}

/* The container process state as the spec words it (see the top of the file). */
static void agent_state_json(struct json_writer *w, const struct seccomp_agent_msg *m)
{
	const struct husk_spec *spec = m->spec;
	const struct husk_seccomp *s = spec->linux_->seccomp;

	json_open_object(w);
	json_kv_string(w, "ociVersion", HUSK_OCI_VERSION);
	json_key(w, "fds");
	json_open_array(w);
	json_string(w, "seccompFd");
	json_close_array(w);
	json_kv_int(w, "pid", m->pid);
	if (s->listener_metadata)
		json_kv_string(w, "metadata", s->listener_metadata);
	json_key(w, "state");
	json_open_object(w);
	json_kv_string(w, "ociVersion", HUSK_OCI_VERSION);
	json_kv_string(w, "id", m->id);
	json_kv_string(w, "status", m->status);
	json_kv_int(w, "pid", m->init_pid);
	json_kv_string(w, "bundle", m->bundle ? m->bundle : "");
	if (spec->n_annotations > 0) {
		json_key(w, "annotations");
		json_open_object(w);
		for (size_t i = 0; i < spec->n_annotations; i++)
			json_kv_string(w, spec->annotations[i].key, spec->annotations[i].value);
		json_close_object(w);
	}
	json_close_object(w);
	json_close_object(w);
}

/*
 * sun_path holds 107 bytes.  A longer listenerPath is reached through its
 * directory, opened here: "/proc/self/fd/<n>/<name>" (the kernel follows
 * the fd's link while resolving the address).  *dirfd keeps it open.
 */
static int agent_address(const char *path, struct sockaddr_un *sa, int *dirfd,
			 struct husk_error *err)
{
	const char *slash = strrchr(path, '/');
	_cleanup_free_ char *dir = NULL;
	int n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) < sizeof(sa->sun_path)) {
		memcpy(sa->sun_path, path, strlen(path) + 1);
		return 0;
	}
	dir = slash && slash != path ? xstrndup(path, (size_t)(slash - path)) : xstrdup("/");
	*dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dirfd < 0)
		return husk_error_set(err, errno, "open %s", dir);
	n = snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", *dirfd,
		     slash ? slash + 1 : path);
	if (n < 0 || (size_t)n >= sizeof(sa->sun_path))
		return husk_error_setq(err, ENAMETOOLONG, "the socket's name \"%s\" is too long "
				       "for a UNIX socket address", slash ? slash + 1 : path);
	return 0;
}

/*
 * connect() to a UNIX socket whose listen queue is full waits, and no
 * poll() can tell when it has room: the socket is non-blocking, and a full
 * queue is tried again every AGENT_RETRY_MS, while husk can be interrupted.
 */
#define AGENT_RETRY_MS 20

static int agent_connect_retry(int fd, const struct sockaddr_un *sa, struct husk_error *err)
{
	for (;;) {
		int r;

		if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
			return 0;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		r = interrupt_wait(-1, 0, AGENT_RETRY_MS, "connecting to the seccomp agent", err);
		if (r < 0)
			return r;
	}
}

/* A SOCK_STREAM connection to the agent (AF_UNIX, as the spec requires). */
static int agent_connect(const char *path, struct husk_error *err)
{
	_cleanup_close_ int fd = -1, dirfd = -1;
	struct sockaddr_un sa;
	int r;

	r = agent_address(path, &sa, &dirfd, err);
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return husk_error_set(err, errno, "socket(AF_UNIX)");
	r = agent_connect_retry(fd, &sa, err);
	if (r == -EINTR && interrupt_signal())
		return r;
	if (r < 0) {
		int e = -r;

		husk_error_set(err, e, "connect");
		if (e == ENOENT || e == ECONNREFUSED)
			husk_error_hint(err, "is the seccomp agent listening?");
		else if (e == EACCES)
			husk_error_hint(err, "husk runs as uid %u: may it write to the socket?",
					(unsigned)geteuid());
		else if (e == EPROTOTYPE)
			husk_error_hint(err, "the agent must listen on a SOCK_STREAM socket");
		return -e;
	}
	return TAKE_FD(fd);
}

static int agent_wait_writable(int sock, struct husk_error *err)
{
	int r = interrupt_wait(sock, POLLOUT, -1, "sending to the seccomp agent", err);

	return r < 0 ? r : 0;
}

/*
 * The JSON and the fd in one sendmsg; should the socket take only part of
 * the text, the rest follows in plain sends (the spec allows several, with
 * the fds in the first only).
 */
static int agent_write(int sock, const char *buf, size_t len, int notify_fd,
		       struct husk_error *err)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cm;
	ssize_t n;
	int r;

	memset(&ctl, 0, sizeof(ctl));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &notify_fd, sizeof(int));
	/* The socket is non-blocking: a full one is waited for, interruptibly. */
	while ((n = sendmsg(sock, &mh, MSG_NOSIGNAL)) < 0 && (errno == EINTR || errno == EAGAIN))
		if (errno == EAGAIN && (r = agent_wait_writable(sock, err)) < 0)
			return r;
	if (n < 0)
		return husk_error_set(err, errno, "sendmsg");
	for (size_t done = (size_t)n; done < len; done += (size_t)n) {
		n = send(sock, buf + done, len - done, MSG_NOSIGNAL);
		if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
			if (errno == EAGAIN && (r = agent_wait_writable(sock, err)) < 0)
				return r;
			n = 0;
			continue;
		}
		if (n < 0)
			return husk_error_set(err, errno, "send");
	}
	return 0;
}

int seccomp_agent_send(const struct seccomp_agent_msg *m, int notify_fd,
		       struct husk_error *err)
{
	const char *path = m->spec->linux_->seccomp->listener_path;
	_cleanup_json_writer_ struct json_writer *w = json_writer_new(false);
	_cleanup_close_ int sock = -1;
	const char *buf;
	size_t len;
	int r;

	agent_state_json(w, m);
	r = json_writer_finish(w, &buf, &len, err);
	if (r < 0)
		return husk_error_prefix(err, "seccomp agent: the container process state");
	sock = agent_connect(path, err);
	if (sock < 0)
		r = sock;
	else
		r = agent_write(sock, buf, len, notify_fd, err);
	if (r < 0)
		return husk_error_prefix(err, ".linux.seccomp.listenerPath: hand the seccomp "
					 "listener to the agent at %s", path);
	return 0;
}

int seccomp_agent_serve(int sync_fd, int notify_fd, const struct seccomp_agent_msg *m,
			struct husk_error *err)
{
	int r;

	if (notify_fd < 0)
		return husk_error_setq(err, EPROTO, "the container process sent no seccomp "
				       "listener fd");
	r = seccomp_agent_send(m, notify_fd, err);
	if (r < 0)
		return r;
	r = sync_send(sync_fd, SYNC_SECCOMP_DONE);
	if (r < 0)
		return husk_error_set(err, -r, "signal the container process");
	return 0;
}

int seccomp_hand_over(int sync_fd, int notify_fd, struct husk_error *err)
{
	struct sync_msg msg;
	int r;

	if (notify_fd < 0)
		return 0;
	r = sync_send_fd(sync_fd, SYNC_SECCOMP_FD, notify_fd);
	/* Never keep it: with the fd a process answers its own notifications. */
	close(notify_fd);
	if (r < 0) {
		husk_error_set(err, -r, "hand the seccomp listener fd to husk (sendmsg)");
		if (r == -EPERM || r == -EACCES)
			husk_error_hint(err, "the profile must allow sendmsg and recvmsg");
		return r;
	}
	r = sync_recv(sync_fd, &msg);
	if (r < 0)
		return husk_error_set(err, -r, "wait for the seccomp agent (recvmsg)");
	if (r == 0)
		return husk_error_setq(err, EPIPE, "husk went away before the seccomp agent "
				       "had the listener fd");
	if (msg.type != SYNC_SECCOMP_DONE)
		return husk_error_setq(err, EPROTO, "husk answered the seccomp listener fd with "
				       "%s, not SECCOMP_DONE", sync_type_name(msg.type));
	return 0;
}
