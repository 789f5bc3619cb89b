// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tests' seccomp agent: see notify-agent.h.  One thread runs a poll
 * loop over the listening socket, the open connections (husk's container
 * process state and the listener fd) and the listener fds, and answers
 * each notification with what the test's callback decides.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "integration/notify-agent.h"

/* The kernel's notification structs may be larger than ours: room for both. */
#define NOTIF_ROOM 1024

/* The open connections and listener fds of the agent's poll loop. */
struct agent_io {
	struct pollfd pfd[1 + 2 * NOTIFY_AGENT_MAX];
	int conn[NOTIFY_AGENT_MAX];     /* connection fds, -1 when done */
	size_t conn_len[NOTIFY_AGENT_MAX];
	int notify[NOTIFY_AGENT_MAX];   /* listener fds, -1 when gone */
	int n_conn, n_notify;
	int held;                       /* index in notify of the held call, or -1 */
	__u64 held_id;
};

/* Read what a connection has; on EOF the state is complete. */
static void agent_read_conn(struct notify_agent *a, struct agent_io *io, int i)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} ctl;
	char *text = a->states[i];
	struct iovec iov = { text + io->conn_len[i], NOTIFY_AGENT_TEXT - 1 - io->conn_len[i] };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	ssize_t n = recvmsg(io->conn[i], &mh, MSG_CMSG_CLOEXEC);

	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); n >= 0 && cm; cm = CMSG_NXTHDR(&mh, cm)) {
		size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		for (size_t j = 0; cm->cmsg_type == SCM_RIGHTS && j < k; j++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + j * sizeof(int), sizeof(int));
			a->fds_received[i]++;
			if (io->n_notify < NOTIFY_AGENT_MAX)
				io->notify[io->n_notify++] = fd;
			else
				close(fd);
		}
	}
	if (n > 0 && io->conn_len[i] + (size_t)n < NOTIFY_AGENT_TEXT - 1) {
		io->conn_len[i] += (size_t)n;
		return;
	}
	if (n < 0 && errno == EINTR)
		return;
	text[io->conn_len[i]] = '\0';
	close(io->conn[i]);
	io->conn[i] = -1;
	a->n_states++;
}

/* Answer notification `id` on listener `fd`: errno `error`, or 0 to let it continue. */
static void agent_send(struct notify_agent *a, int fd, __u64 id, int error)
{
	union {
		struct seccomp_notif_resp resp;
		char buf[NOTIF_ROOM];
	} resp;

	memset(&resp, 0, sizeof(resp));
	resp.resp.id = id;
	if (error)
		resp.resp.error = -error;
	else
		resp.resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	/* ENOENT: the caller died or was interrupted (it then asks again). */
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp.resp) < 0 && errno != ENOENT)
		atomic_fetch_add(&a->failures, 1);
}

/* Let the held call continue, if there is one. */
static void agent_release_held(struct notify_agent *a, struct agent_io *io)
{
	if (io->held >= 0)
		agent_send(a, io->notify[io->held], io->held_id, 0);
	io->held = -1;
	atomic_store(&a->held_pid, 0);
}

/*
 * One notification on listener i: the test's callback decides.  One call
 * is held at a time: a new one to hold (the same caller asking again
 * after an interruption, whose old notification is gone) replaces it, and
 * the old one is let go rather than left hanging.
 */
static void agent_answer(struct notify_agent *a, struct agent_io *io, int i,
			 const struct seccomp_notif_sizes *sz)
{
	union {
		struct seccomp_notif req;
		char buf[NOTIF_ROOM];
	} req;
	int verdict;

	if (sz->seccomp_notif > sizeof(req) || sz->seccomp_notif_resp > NOTIF_ROOM) {
		atomic_fetch_add(&a->failures, 1);
		return;
	}
	memset(&req, 0, sizeof(req));
	if (ioctl(io->notify[i], SECCOMP_IOCTL_NOTIF_RECV, &req.req) < 0) {
		if (errno != ENOENT && errno != EINTR)
			atomic_fetch_add(&a->failures, 1);
		return;
	}
	verdict = a->decide(a->data, &req.req);
	if (verdict == NOTIFY_HOLD) {
		agent_release_held(a, io);
		io->held = i;
		io->held_id = req.req.id;
		atomic_store(&a->held_pid, (int)req.req.pid);
		return;
	}
	agent_send(a, io->notify[i], req.req.id, verdict > 0 ? verdict : 0);
}

/* Rebuild the poll set: the listening socket, open connections, live listeners. */
static nfds_t agent_poll_set(struct notify_agent *a, struct agent_io *io, int map[])
{
	nfds_t n = 0;

	io->pfd[n++] = (struct pollfd){ .fd = a->lfd, .events = POLLIN };
	for (int i = 0; i < io->n_conn; i++) {
		if (io->conn[i] < 0)
			continue;
		map[n] = i;
		io->pfd[n++] = (struct pollfd){ .fd = io->conn[i], .events = POLLIN };
	}
	for (int i = 0; i < io->n_notify; i++) {
		if (io->notify[i] < 0)
			continue;
		map[n] = NOTIFY_AGENT_MAX + i;
		io->pfd[n++] = (struct pollfd){ .fd = io->notify[i], .events = POLLIN };
	}
	return n;
}

/*
 * The poll loop.  The timeout is short because it is also how soon a
 * release or a stop asked by the test is seen.
 */
static void *agent_main(void *arg)
{
	struct notify_agent *a = arg;
	struct agent_io io = { .held = -1 };
	struct seccomp_notif_sizes sz = { 0 };
	int map[1 + 2 * NOTIFY_AGENT_MAX];

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
		atomic_fetch_add(&a->failures, 1);
	while (!atomic_load(&a->stop)) {
		nfds_t n = agent_poll_set(a, &io, map);

		if (atomic_load(&a->release)) {
			agent_release_held(a, &io);
			atomic_store(&a->release, false);
		}
		if (poll(io.pfd, n, 20) <= 0)
			continue;
		if ((io.pfd[0].revents & POLLIN) && io.n_conn < NOTIFY_AGENT_MAX) {
			int fd = accept4(a->lfd, NULL, NULL, SOCK_CLOEXEC);

			if (fd >= 0)
				io.conn[io.n_conn++] = fd;
		}
		for (nfds_t k = 1; k < n; k++) {
			int i = map[k];

			if (!io.pfd[k].revents)
				continue;
			if (i < NOTIFY_AGENT_MAX) {
				agent_read_conn(a, &io, i);
			} else if (io.pfd[k].revents & POLLIN) {
				agent_answer(a, &io, i - NOTIFY_AGENT_MAX, &sz);
			} else {
				/* POLLHUP: no process uses the filter any more (nor waits in it). */
				i -= NOTIFY_AGENT_MAX;
				if (io.held == i) {
					io.held = -1;
					atomic_store(&a->held_pid, 0);
				}
				close(io.notify[i]);
				io.notify[i] = -1;
			}
		}
	}
	/* Closing the listener would fail a held call with ENOSYS: let it go on. */
	agent_release_held(a, &io);
	for (int i = 0; i < io.n_conn; i++)
		if (io.conn[i] >= 0)
			close(io.conn[i]);
	for (int i = 0; i < io.n_notify; i++)
		if (io.notify[i] >= 0)
			close(io.notify[i]);
	return NULL;
}

struct notify_agent *notify_agent_start(const struct hctx *c, const char *path,
					notify_decide_fn *decide, void *data)
{
	struct notify_agent *a = calloc(1, sizeof(*a));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int dirfd;
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, (size_t)(slash - path)) : NULL;

	cr_assert(a && dir, "notify_agent_start: %s", path);
	a->decide = decide;
	a->data = data;
	/* bind() takes 107 bytes of path at most: bind relative to the dir. */
	dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert(dirfd >= 0, "open %s: %s", dir, strerror(errno));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dirfd, slash + 1);
	a->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert(a->lfd >= 0);
	cr_assert(bind(a->lfd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind %s: %s", path,
		  strerror(errno));
	cr_assert(listen(a->lfd, 8) == 0);
	close(dirfd);
	chown_to_user(c, path);
	cr_assert(pthread_create(&a->thread, NULL, agent_main, a) == 0);
	free(dir);
	return a;
}

void notify_agent_stop(struct notify_agent *a)
{
	atomic_store(&a->stop, true);
	pthread_join(a->thread, NULL);
	close(a->lfd);
}

bool notify_agent_wait_held(struct notify_agent *a, int timeout_ms)
{
	for (int t = 0; t < timeout_ms; t += 10) {
		if (atomic_load(&a->held_pid) > 0)
			return true;
		usleep(10 * 1000);
	}
	return false;
}

void notify_agent_release(struct notify_agent *a)
{
	atomic_store(&a->release, true);
	for (int t = 0; t < 2000 && atomic_load(&a->release); t += 10)
		usleep(10 * 1000);
}
