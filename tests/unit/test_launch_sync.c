/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/launch/sync.c: the sync socket protocol, over a real SOCK_SEQPACKET
 * socketpair.  Both ends live in the test process; what the peer sends is
 * queued before it is read, so every test is one thread and deterministic.
 * A hostile or broken peer is played with raw sendmsg() calls: short
 * packets, long ones, several fds, strings without their NUL.  Leaks are
 * counted in /proc/self/fd.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/interrupt.h"
#include "husk/util.h"
#include "launch/sync.h"

static int sv[2] = { -1, -1 };  /* sv[0]: husk's end, sv[1]: the peer's */

static void setup(void)
{
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

static void teardown(void)
{
	closep(&sv[0]);
	closep(&sv[1]);
}

TestSuite(launch_sync, .init = setup, .fini = teardown, .timeout = 30);

/* ---- helpers -------------------------------------------------------------- */

static size_t count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	size_t n = 0;

	cr_assert_not_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	cr_assert_eq(fstat(a, &sa), 0);
	cr_assert_eq(fstat(b, &sb), 0);
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* One packet of len bytes from buf, with n_fds fds: what any peer could send. */
static void send_raw(int fd, const void *buf, size_t len, const int *fds, size_t n_fds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(8 * sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	cr_assert_leq(n_fds, 8);
	if (n_fds > 0) {
		struct cmsghdr *cm;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(n_fds * sizeof(int));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(n_fds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, n_fds * sizeof(int));
	}
	cr_assert_eq(sendmsg(fd, &mh, MSG_NOSIGNAL), (ssize_t)len, "sendmsg: %s",
		     strerror(errno));
}

static void make_pipe(int p[2])
{
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
}

static void close_pipe(int p[2])
{
	close(p[0]);
	close(p[1]);
}

/* A message with every field set, the strings filled to their last byte. */
static struct sync_msg full_msg(void)
{
	struct sync_msg m;

	memset(&m, 0, sizeof(m));
	m.type = SYNC_ERROR;
	m.errnum = -123456;
	m.num = INT64_MIN + 7;
	memset(m.stage, 's', sizeof(m.stage) - 1);
	memset(m.text, 't', sizeof(m.text) - 1);
	m.stage[0] = 'S';
	m.text[sizeof(m.text) - 2] = 'T';
	return m;
}

/* ---- the one send and receive path ------------------------------------------ */

Test(launch_sync, round_trip_of_every_field)
{
	struct sync_msg in = full_msg(), out;
	int fd = 42;

	memset(&out, 0xa5, sizeof(out));
	cr_assert_eq(sync_send_msg(sv[1], &in, -1), 0);
	cr_assert_eq(sync_recv_fd(sv[0], &out, &fd), 1);
	cr_assert_eq(fd, -1);
	cr_assert_eq(out.type, in.type);
	cr_assert_eq(out.errnum, in.errnum);
	cr_assert_eq(out.num, in.num);
	cr_assert_str_eq(out.stage, in.stage);
	cr_assert_str_eq(out.text, in.text);
	cr_assert_eq(memcmp(&in, &out, sizeof(in)), 0);
}

Test(launch_sync, the_builders_fill_their_fields)
{
	struct husk_error e = { .errnum = EACCES };
	struct sync_msg m;

	snprintf(e.msg, sizeof(e.msg), "mount /proc: denied");
	cr_assert_eq(sync_send(sv[1], SYNC_MAPS_DONE), 0);
	cr_assert_eq(sync_send_num(sv[1], SYNC_READY, 4242, "a note"), 0);
	cr_assert_eq(sync_send_num(sv[1], SYNC_READY, -1, NULL), 0);
	cr_assert_eq(sync_send_error(sv[1], SYNC_ERROR, "mount-rootfs", &e), 0);
	cr_assert_eq(sync_send_error(sv[1], SYNC_EXEC_FAILED, NULL, NULL), 0);

	cr_assert_eq(sync_recv(sv[0], &m), 1);
	cr_assert(m.type == SYNC_MAPS_DONE && m.errnum == 0 && m.num == 0);
	cr_assert(m.stage[0] == '\0' && m.text[0] == '\0');
	cr_assert_eq(sync_recv(sv[0], &m), 1);
	cr_assert(m.type == SYNC_READY && m.num == 4242 && m.errnum == 0);
	cr_assert_str_eq(m.text, "a note");
	cr_assert_eq(sync_recv(sv[0], &m), 1);
	cr_assert(m.type == SYNC_READY && m.num == -1 && m.text[0] == '\0');
	cr_assert_eq(sync_recv(sv[0], &m), 1);
	cr_assert(m.type == SYNC_ERROR && m.errnum == EACCES && m.num == 0);
	cr_assert_str_eq(m.stage, "mount-rootfs");
	cr_assert_str_eq(m.text, "mount /proc: denied");
	cr_assert_eq(sync_recv(sv[0], &m), 1);
	cr_assert(m.type == SYNC_EXEC_FAILED && m.errnum == 0);
	cr_assert_str_eq(m.stage, "");
	cr_assert_str_eq(m.text, "unknown error");
}

/* A stage name longer than the field is cut, and still terminated. */
Test(launch_sync, long_stage_is_cut)
{
	char stage[SYNC_STAGE_MAX * 2];
	struct husk_error e = { .errnum = EIO, .msg = "x" };
	struct sync_msg m;

	memset(stage, 'a', sizeof(stage) - 1);
	stage[sizeof(stage) - 1] = '\0';
	cr_assert_eq(sync_send_error(sv[1], SYNC_ERROR, stage, &e), 0);
	cr_assert_eq(sync_recv(sv[0], &m), 1);
	cr_assert_eq(strlen(m.stage), SYNC_STAGE_MAX - 1);
}

Test(launch_sync, the_fd_travels_and_is_cloexec)
{
	struct sync_msg m;
	int p[2], fd = -1;

	make_pipe(p);
	cr_assert_eq(sync_send_fd(sv[1], SYNC_SECCOMP_FD, p[0]), 0);
	/* the sender keeps its own */
	cr_assert(fd_is_open(p[0]));
	cr_assert_eq(sync_recv_fd(sv[0], &m, &fd), 1);
	cr_assert_eq(m.type, SYNC_SECCOMP_FD);
	cr_assert_geq(fd, 0);
	cr_assert_neq(fd, p[0]);
	cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	cr_assert(same_file(fd, p[0]));
	close(fd);
	close_pipe(p);
}

/* The fd comes with any message that carries one, payload and all. */
Test(launch_sync, an_fd_with_a_full_message)
{
	struct sync_msg in = full_msg(), out;
	int p[2], fd = -1;

	make_pipe(p);
	cr_assert_eq(sync_send_msg(sv[1], &in, p[1]), 0);
	cr_assert_eq(sync_recv_fd(sv[0], &out, &fd), 1);
	cr_assert_eq(memcmp(&in, &out, sizeof(in)), 0);
	cr_assert(same_file(fd, p[1]));
	close(fd);
	close_pipe(p);
}

/* sync_recv() takes no fd: one that came along is closed, not leaked. */
Test(launch_sync, recv_closes_an_fd_that_came_along)
{
	struct sync_msg m;
	size_t before;
	int p[2];

	make_pipe(p);
	before = count_fds();
	cr_assert_eq(sync_send_fd(sv[1], SYNC_SECCOMP_FD, p[0]), 0);
	cr_assert_eq(sync_recv(sv[0], &m), 1);
	cr_assert_eq(m.type, SYNC_SECCOMP_FD);
	cr_assert_eq(count_fds(), before);
	close_pipe(p);
}

static void expect_eproto_without_leak(size_t n_fds)
{
	struct sync_msg in = full_msg(), out;
	int p[2], fds[8], fd = 42;
	size_t before;

	make_pipe(p);
	for (size_t i = 0; i < n_fds; i++)
		fds[i] = p[i % 2];
	before = count_fds();
	send_raw(sv[1], &in, sizeof(in), fds, n_fds);
	cr_assert_eq(sync_recv_fd(sv[0], &out, &fd), -EPROTO, "%zu fds", n_fds);
	cr_assert_eq(fd, -1);
	cr_assert_eq(count_fds(), before, "%zu fds: a leak", n_fds);
	close_pipe(p);
}

Test(launch_sync, two_fds_are_eproto_and_both_closed)
{
	expect_eproto_without_leak(2);
}

/* More than the receiver makes room for: the kernel drops the rest (MSG_CTRUNC). */
Test(launch_sync, many_fds_are_eproto_and_all_closed)
{
	expect_eproto_without_leak(4);
	expect_eproto_without_leak(8);
}

Test(launch_sync, a_short_packet_is_eproto)
{
	struct sync_msg in = full_msg(), out;
	int p[2], fd = 42;
	size_t before;

	send_raw(sv[1], &in, sizeof(in) - 1, NULL, 0);
	cr_assert_eq(sync_recv_fd(sv[0], &out, &fd), -EPROTO);
	cr_assert_eq(fd, -1);
	/* the same with an fd: it is closed */
	make_pipe(p);
	before = count_fds();
	send_raw(sv[1], &in, 8, &p[0], 1);
	cr_assert_eq(sync_recv_fd(sv[0], &out, &fd), -EPROTO);
	cr_assert_eq(fd, -1);
	cr_assert_eq(count_fds(), before);
	close_pipe(p);
	/* and the socket is still usable: the next message reads whole */
	cr_assert_eq(sync_send(sv[1], SYNC_READY), 0);
	cr_assert_eq(sync_recv(sv[0], &out), 1);
	cr_assert_eq(out.type, SYNC_READY);
}

/* A packet longer than a message is cut by the kernel (MSG_TRUNC): not a message either. */
Test(launch_sync, a_long_packet_is_eproto)
{
	char big[sizeof(struct sync_msg) + 16];
	struct sync_msg in = full_msg(), out;
	int p[2], fd = 42;
	size_t before;

	memset(big, 0, sizeof(big));
	memcpy(big, &in, sizeof(in));
	make_pipe(p);
	before = count_fds();
	send_raw(sv[1], big, sizeof(big), NULL, 0);
	send_raw(sv[1], big, sizeof(big), &p[0], 1);
	cr_assert_eq(sync_peek(sv[0], &out), -EPROTO);
	cr_assert_eq(sync_recv_fd(sv[0], &out, &fd), -EPROTO);
	cr_assert_eq(fd, -1);
	cr_assert_eq(sync_recv_exec(sv[0], &out), -EPROTO);
	cr_assert_eq(count_fds(), before);
	close_pipe(p);
}

Test(launch_sync, eof_is_zero)
{
	struct sync_msg out;
	int fd = 42;

	close(sv[1]);
	sv[1] = -1;
	cr_assert_eq(sync_recv_fd(sv[0], &out, &fd), 0);
	cr_assert_eq(fd, -1);
	cr_assert_eq(sync_recv(sv[0], &out), 0);
	cr_assert_eq(sync_recv_exec(sv[0], &out), 0);
	cr_assert_eq(sync_peek(sv[0], &out), 0);
}

/* The peer's strings are not trusted to end: the receiver terminates them. */
Test(launch_sync, unterminated_strings_are_terminated)
{
	struct sync_msg in, out;

	memset(&in, 'x', sizeof(in));
	in.type = SYNC_ERROR;
	send_raw(sv[1], &in, sizeof(in), NULL, 0);
	send_raw(sv[1], &in, sizeof(in), NULL, 0);
	cr_assert_eq(sync_peek(sv[0], &out), 1);
	cr_assert_eq(strlen(out.stage), sizeof(out.stage) - 1);
	cr_assert_eq(strlen(out.text), sizeof(out.text) - 1);
	cr_assert_eq(sync_recv(sv[0], &out), 1);
	cr_assert_eq(strlen(out.stage), sizeof(out.stage) - 1);
	cr_assert_eq(strlen(out.text), sizeof(out.text) - 1);
	cr_assert_eq(sync_recv_exec(sv[0], &out), 1);
	cr_assert_eq(strlen(out.stage), sizeof(out.stage) - 1);
	cr_assert_eq(strlen(out.text), sizeof(out.text) - 1);
}

/*
 * A peer that went away: -EPIPE, and no SIGPIPE (its default would kill
 * us).  Linux raises none for SOCK_SEQPACKET today; MSG_NOSIGNAL keeps it
 * so whatever the socket type, and this test says it must.
 */
Test(launch_sync, send_to_a_closed_peer_is_epipe_not_sigpipe)
{
	struct sync_msg m = full_msg();
	struct husk_error e = { 0 };
	int p[2];

	cr_assert_neq(signal(SIGPIPE, SIG_DFL), SIG_ERR);
	make_pipe(p);
	close(sv[0]);
	sv[0] = -1;
	cr_assert_eq(sync_send(sv[1], SYNC_READY), -EPIPE);
	cr_assert_eq(sync_send_fd(sv[1], SYNC_SECCOMP_FD, p[0]), -EPIPE);
	cr_assert_eq(sync_send_msg(sv[1], &m, -1), -EPIPE);
	cr_assert_eq(sync_send_num(sv[1], SYNC_READY, 1, "x"), -EPIPE);
	cr_assert_eq(sync_send_error(sv[1], SYNC_ERROR, "s", &e), -EPIPE);
	close_pipe(p);
}

Test(launch_sync, send_on_a_bad_fd)
{
	cr_assert_eq(sync_send(-1, SYNC_READY), -EBADF);
}

/* ---- sync_recv_exec() ----------------------------------------------------- */

/* husk-init writes its exec errno as a bare int32 on --exec-fd. */
Test(launch_sync, recv_exec_takes_husk_inits_errno)
{
	int32_t e = ENOENT;
	struct sync_msg m;

	memset(&m, 0xa5, sizeof(m));
	send_raw(sv[1], &e, sizeof(e), NULL, 0);
	cr_assert_eq(sync_recv_exec(sv[0], &m), 1);
	cr_assert_eq(m.type, SYNC_INIT_EXEC_FAILED);
	cr_assert_eq(m.errnum, ENOENT);
	cr_assert_eq(m.num, 0);
	cr_assert_str_eq(m.stage, "");
	cr_assert_str_eq(m.text, "");
}

Test(launch_sync, recv_exec_takes_a_whole_message_too)
{
	struct husk_error e = { .errnum = EACCES, .msg = "execve /bin/sh: denied" };
	struct sync_msg m;

	cr_assert_eq(sync_send_error(sv[1], SYNC_EXEC_FAILED, "exec", &e), 0);
	cr_assert_eq(sync_recv_exec(sv[0], &m), 1);
	cr_assert_eq(m.type, SYNC_EXEC_FAILED);
	cr_assert_eq(m.errnum, EACCES);
	cr_assert_str_eq(m.text, "execve /bin/sh: denied");
}

/* Only sync_recv_exec() takes the bare int; anything else short is EPROTO there too. */
Test(launch_sync, a_bare_int_is_eproto_elsewhere)
{
	int32_t e = ENOENT;
	uint16_t half = 1;
	struct sync_msg m;
	int fd;

	send_raw(sv[1], &e, sizeof(e), NULL, 0);
	cr_assert_eq(sync_recv_fd(sv[0], &m, &fd), -EPROTO);
	send_raw(sv[1], &half, sizeof(half), NULL, 0);
	cr_assert_eq(sync_recv_exec(sv[0], &m), -EPROTO);
}

/* An fd that comes with the exec's answer is not leaked. */
Test(launch_sync, recv_exec_closes_an_fd)
{
	int32_t e = ENOEXEC;
	struct sync_msg m;
	size_t before;
	int p[2];

	make_pipe(p);
	before = count_fds();
	send_raw(sv[1], &e, sizeof(e), &p[0], 1);
	cr_assert_eq(sync_recv_exec(sv[0], &m), 1);
	cr_assert_eq(m.errnum, ENOEXEC);
	cr_assert_eq(count_fds(), before);
	close_pipe(p);
}

/* ---- sync_peek() and sync_wait() ------------------------------------------ */

Test(launch_sync, peek_leaves_the_message_and_its_fd)
{
	struct sync_msg in = full_msg(), peeked, got;
	size_t before;
	int p[2], fd = -1;

	make_pipe(p);
	cr_assert_eq(sync_send_msg(sv[1], &in, p[0]), 0);
	before = count_fds();
	cr_assert_eq(sync_peek(sv[0], &peeked), 1);
	cr_assert_eq(sync_peek(sv[0], &peeked), 1);
	/* no fd installed by a peek */
	cr_assert_eq(count_fds(), before);
	cr_assert_eq(memcmp(&in, &peeked, sizeof(in)), 0);
	cr_assert_eq(sync_recv_fd(sv[0], &got, &fd), 1);
	cr_assert_eq(memcmp(&in, &got, sizeof(in)), 0);
	cr_assert_geq(fd, 0);
	cr_assert(same_file(fd, p[0]));
	close(fd);
	close_pipe(p);
}

Test(launch_sync, peek_of_a_short_packet_is_eproto)
{
	struct sync_msg m;

	send_raw(sv[1], "abc", 3, NULL, 0);
	cr_assert_eq(sync_peek(sv[0], &m), -EPROTO);
}

Test(launch_sync, wait_sees_a_message_or_eof)
{
	struct husk_error err = { 0 };

	cr_assert_eq(sync_send(sv[1], SYNC_READY), 0);
	cr_assert_eq(sync_wait(sv[0], "waiting", &err), 0, "%s", err.msg);
	close(sv[1]);
	sv[1] = -1;
	cr_assert_eq(sync_wait(sv[0], "waiting", &err), 0, "%s", err.msg);
}

Test(launch_sync, wait_is_interruptible)
{
	struct husk_error err = { 0 };

	cr_assert_eq(interrupt_arm(&err), 0, "%s", err.msg);
	cr_assert_eq(raise(SIGTERM), 0);
	cr_assert_eq(sync_wait(sv[0], "waiting for the container", &err), -EINTR);
	cr_assert_str_eq(err.msg, "interrupted by SIGTERM while waiting for the container");
}

/* ---- sync_type_name() and sync_msg_error() ---------------------------------- */

Test(launch_sync, type_names)
{
	cr_assert_str_eq(sync_type_name(SYNC_MAPS_DONE), "MAPS_DONE");
	cr_assert_str_eq(sync_type_name(SYNC_READY), "READY");
	cr_assert_str_eq(sync_type_name(SYNC_SECCOMP_FD), "SECCOMP_FD");
	cr_assert_str_eq(sync_type_name(SYNC_POINT_DONE), "POINT_DONE");
	cr_assert_str_eq(sync_type_name(SYNC_INIT_EXEC_FAILED), "INIT_EXEC_FAILED");
	for (uint32_t t = 1; t < SYNC_TYPE_MAX; t++)
		cr_assert_str_neq(sync_type_name(t), "unknown", "type %u has no name", t);
	cr_assert_str_eq(sync_type_name(0), "unknown");
	cr_assert_str_eq(sync_type_name(SYNC_TYPE_MAX), "unknown");
	cr_assert_str_eq(sync_type_name(UINT32_MAX), "unknown");
}

Test(launch_sync, msg_error)
{
	struct sync_msg m = { .type = SYNC_ERROR, .errnum = ENOSPC, .stage = "mounts",
			      .text = "mount /tmp: full" };
	struct husk_error err = { 0 };

	cr_assert_eq(sync_msg_error(&m, &err), -ENOSPC);
	cr_assert_str_eq(err.msg, "mounts: mount /tmp: full");
	cr_assert_eq(err.errnum, ENOSPC);
	/* no stage: the text alone; no errno worth the name: EINVAL */
	m.stage[0] = '\0';
	m.errnum = 0;
	cr_assert_eq(sync_msg_error(&m, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "mount /tmp: full");
	cr_assert_eq(err.errnum, EINVAL);
	m.errnum = -5;
	cr_assert_eq(sync_msg_error(&m, &err), -EINVAL);
	cr_assert_eq(err.errnum, EINVAL);
}

/* ---- sync_dispatch() ------------------------------------------------------ */

/* What the handlers saw. */
struct seen {
	char log[256];              /* "TYPE:stage " per message */
	int sync_fd;                /* the sync fd the handlers were given */
	int fd;                     /* an fd a handler saw (not taken) or took */
	int stop_on;                /* the type whose handler returns 1 */
	int fail_on;                /* the type whose handler fails with EIO */
	bool take;                  /* the handler takes the fd */
};

static int handle(void *data, int sync_fd, const struct sync_msg *msg, int *fd,
		  struct husk_error *err)
{
	struct seen *s = data;
	size_t used = strlen(s->log);

	snprintf(s->log + used, sizeof(s->log) - used, "%s:%s ", sync_type_name(msg->type),
		 msg->stage);
	s->sync_fd = sync_fd;
	if (*fd >= 0) {
		s->fd = *fd;
		if (s->take)
			*fd = -1;
	}
	if ((int)msg->type == s->fail_on)
		return husk_error_setq(err, EIO, "handler failed on %s", msg->stage);
	return (int)msg->type == s->stop_on ? 1 : 0;
}

static const struct sync_handler handlers[] = {
	{ SYNC_POINT, handle },
	{ SYNC_SECCOMP_FD, handle },
	{ SYNC_READY, handle },
};

static int dispatch(struct seen *s, struct sync_msg *last, struct husk_error *err)
{
	return sync_dispatch(sv[0], handlers, ARRAY_SIZE(handlers), s, "setting up", last, err);
}

static void send_point(const char *stage)
{
	struct sync_msg m = { .type = SYNC_POINT };

	snprintf(m.stage, sizeof(m.stage), "%s", stage);
	cr_assert_eq(sync_send_msg(sv[1], &m, -1), 0);
}

Test(launch_sync, dispatch_calls_the_handlers_in_order_until_one_says_done)
{
	struct seen s = { .fd = -1, .stop_on = SYNC_READY };
	struct husk_error err = { 0 };
	struct sync_msg last;

	send_point("create-runtime");
	send_point("create-container");
	cr_assert_eq(sync_send_num(sv[1], SYNC_READY, 777, "ready note"), 0);
	send_point("after");            /* not read: READY ended the exchange */
	cr_assert_eq(dispatch(&s, &last, &err), 1, "%s", err.msg);
	cr_assert_str_eq(s.log, "POINT:create-runtime POINT:create-container READY: ");
	cr_assert_eq(s.sync_fd, sv[0]);
	cr_assert_eq(last.type, SYNC_READY);
	cr_assert_eq(last.num, 777);
	cr_assert_str_eq(last.text, "ready note");
	cr_assert_eq(sync_recv(sv[0], &last), 1);
	cr_assert_str_eq(last.stage, "after");
}

Test(launch_sync, dispatch_a_handler_takes_the_fd)
{
	struct seen s = { .fd = -1, .stop_on = SYNC_SECCOMP_FD, .take = true };
	struct husk_error err = { 0 };
	struct sync_msg last;
	int p[2];

	make_pipe(p);
	cr_assert_eq(sync_send_fd(sv[1], SYNC_SECCOMP_FD, p[0]), 0);
	cr_assert_eq(dispatch(&s, &last, &err), 1, "%s", err.msg);
	cr_assert_geq(s.fd, 0);
	cr_assert(fd_is_open(s.fd), "the loop closed a taken fd");
	cr_assert(same_file(s.fd, p[0]));
	close(s.fd);
	close_pipe(p);
}

Test(launch_sync, dispatch_closes_an_fd_not_taken)
{
	struct seen s = { .fd = -1, .stop_on = SYNC_READY };
	struct husk_error err = { 0 };
	struct sync_msg last;
	size_t before;
	int p[2];

	make_pipe(p);
	before = count_fds();
	cr_assert_eq(sync_send_fd(sv[1], SYNC_SECCOMP_FD, p[0]), 0);
	cr_assert_eq(sync_send_msg(sv[1], &(struct sync_msg){ .type = SYNC_READY }, p[1]), 0);
	cr_assert_eq(dispatch(&s, &last, &err), 1, "%s", err.msg);
	cr_assert_geq(s.fd, 0);
	cr_assert_eq(count_fds(), before);
	close_pipe(p);
}

/* A handler's error ends the loop; the fd it did not take is closed. */
Test(launch_sync, dispatch_stops_at_a_handler_error)
{
	struct seen s = { .fd = -1, .fail_on = SYNC_SECCOMP_FD };
	struct husk_error err = { 0 };
	struct sync_msg last;
	size_t before;
	int p[2];

	make_pipe(p);
	before = count_fds();
	send_point("first");
	cr_assert_eq(sync_send_fd(sv[1], SYNC_SECCOMP_FD, p[0]), 0);
	cr_assert_eq(dispatch(&s, &last, &err), -EIO);
	cr_assert_str_eq(err.msg, "handler failed on ");
	cr_assert_str_eq(s.log, "POINT:first SECCOMP_FD: ");
	cr_assert_eq(count_fds(), before);
	close_pipe(p);
}

Test(launch_sync, dispatch_error_is_the_peers_message)
{
	struct husk_error e = { .errnum = EACCES, .msg = "mount /proc: Permission denied" };
	struct seen s = { .fd = -1, .stop_on = SYNC_READY };
	struct husk_error err = { 0 };
	struct sync_msg last;

	send_point("p");
	cr_assert_eq(sync_send_error(sv[1], SYNC_ERROR, "mount-rootfs", &e), 0);
	cr_assert_eq(dispatch(&s, &last, &err), -EACCES);
	cr_assert_str_eq(err.msg, "mount-rootfs: mount /proc: Permission denied");
	cr_assert_str_eq(s.log, "POINT:p ");
	cr_assert_eq(last.type, SYNC_ERROR);
}

/* A known type with no handler here, and a number that is no type at all. */
Test(launch_sync, dispatch_unexpected_type_is_eproto_naming_it)
{
	struct seen s = { .fd = -1, .stop_on = SYNC_READY };
	struct husk_error err = { 0 };
	struct sync_msg last;

	cr_assert_eq(sync_send(sv[1], SYNC_MAPS_DONE), 0);
	cr_assert_eq(dispatch(&s, &last, &err), -EPROTO);
	cr_assert(strstr(err.msg, "unexpected MAPS_DONE message"), "%s", err.msg);
	cr_assert(strstr(err.msg, "(setting up)"), "%s", err.msg);

	cr_assert_eq(sync_send_msg(sv[1], &(struct sync_msg){ .type = 99 }, -1), 0);
	cr_assert_eq(dispatch(&s, &last, &err), -EPROTO);
	cr_assert(strstr(err.msg, "(type 99)"), "%s", err.msg);
	cr_assert_str_eq(s.log, "");
}

Test(launch_sync, dispatch_eof_is_zero)
{
	struct seen s = { .fd = -1, .stop_on = SYNC_READY };
	struct husk_error err = { 0 };
	struct sync_msg last;

	send_point("only");
	close(sv[1]);
	sv[1] = -1;
	cr_assert_eq(dispatch(&s, &last, &err), 0);
	cr_assert_str_eq(s.log, "POINT:only ");
}

Test(launch_sync, dispatch_a_broken_packet_is_eproto)
{
	struct seen s = { .fd = -1, .stop_on = SYNC_READY };
	struct husk_error err = { 0 };
	struct sync_msg last;
	_cleanup_free_ char *want = xasprintf("read the sync socket (setting up): %s",
					      strerror(EPROTO));

	send_raw(sv[1], "abc", 3, NULL, 0);
	cr_assert_eq(dispatch(&s, &last, &err), -EPROTO);
	cr_assert_str_eq(err.msg, want);
}

Test(launch_sync, dispatch_is_interruptible)
{
	struct seen s = { .fd = -1, .stop_on = SYNC_READY };
	struct husk_error err = { 0 };
	struct sync_msg last;

	cr_assert_eq(interrupt_arm(&err), 0, "%s", err.msg);
	cr_assert_eq(raise(SIGTERM), 0);
	cr_assert_eq(dispatch(&s, &last, &err), -EINTR);
	cr_assert_str_eq(err.msg, "interrupted by SIGTERM while setting up");
}

/*
 * The child failed and exited with husk's MAPS_DONE still unread: the
 * kernel reports ECONNRESET once, ahead of the child's last words.  Both
 * the peek and the read get past it to the ERROR, then EOF.
 */
Test(launch_sync, a_reset_peer_still_says_why)
{
	struct husk_error e = { 0 };
	struct sync_msg msg;

	husk_error_setq(&e, EPERM, "denied");
	cr_assert_eq(sync_send(sv[0], SYNC_MAPS_DONE), 0);
	cr_assert_eq(sync_send_error(sv[1], SYNC_ERROR, "rootfs-mounts", &e), 0);
	closep(&sv[1]);
	cr_assert_eq(sync_peek(sv[0], &msg), 1);
	cr_assert_eq(msg.type, SYNC_ERROR);
	cr_assert_eq(sync_recv(sv[0], &msg), 1);
	cr_assert_eq(msg.type, SYNC_ERROR);
	cr_assert_str_eq(msg.stage, "rootfs-mounts");
	cr_assert_eq(sync_recv(sv[0], &msg), 0);
}
