/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/launch/seccomp-agent.c: handing a seccomp listener fd to the agent
 * at .linux.seccomp.listenerPath.
 *
 * The agent is played by a thread of the test on a real AF_UNIX listener
 * in a temporary directory: it accepts one connection, reads it to EOF
 * (so husk must close it) and keeps the text and the fds that came with
 * it.  The fd passed is one end of a pipe; the agent's copy must be the
 * same file (st_dev and st_ino).  The JSON is checked against the OCI
 * runtime spec's "container process state".
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "husk/interrupt.h"
#include "husk/util.h"
#include "launch/launch-internal.h"
#include "launch/sync.h"
#include "test_state_helpers.h"

#define AGENT_MAX_FDS 4

/* What the agent does with the connection it accepts. */
enum agent_mode {
	AGENT_READ_ALL,             /* read it to EOF */
	AGENT_CLOSE_AT_ONCE,        /* close it without reading */
	AGENT_STOP_READING,         /* read once, shut reading down, drain, close */
};

/* The agent: a listener, and what the one connection it accepted brought. */
struct agent {
	int listen_fd;
	enum agent_mode mode;
	pthread_t thread;
	bool running;
	char *text;                 /* NUL-terminated */
	size_t len;
	int fds[AGENT_MAX_FDS];
	size_t n_fds;
	bool ctrunc;
};

static char tmp[64];
static char *sock_path;
static struct agent agent = { .listen_fd = -1 };

static void setup(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/husk-agent-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
	sock_path = xasprintf("%s/agent.sock", tmp);
}

static void teardown(void)
{
	for (size_t i = 0; i < agent.n_fds; i++)
		close(agent.fds[i]);
	free(agent.text);
	closep(&agent.listen_fd);
	free(sock_path);
	test_rm_rf(tmp);
}

TestSuite(launch_seccomp_agent, .init = setup, .fini = teardown, .timeout = 30);

/* Listen on path (type SOCK_STREAM, or another to test the refusal). */
static int listen_at(const char *path, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	cr_assert_geq(fd, 0);
	cr_assert_lt(strlen(path), sizeof(sa.sun_path));
	strcpy(sa.sun_path, path);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0, "bind %s: %s", path,
		     strerror(errno));
	cr_assert_eq(listen(fd, 4), 0);
	return fd;
}

static void agent_take_fds(struct msghdr *mh)
{
	agent.ctrunc = mh->msg_flags & MSG_CTRUNC;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < n && agent.n_fds < AGENT_MAX_FDS; i++)
			memcpy(&agent.fds[agent.n_fds++], CMSG_DATA(cm) + i * sizeof(int),
			       sizeof(int));
	}
}

/* Read up to EOF (or once); the fds come with the first bytes. */
static void agent_read(int conn, bool once)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(AGENT_MAX_FDS * sizeof(int))];
	} ctl;
	size_t cap = 4096;
	ssize_t n;

	agent.text = xmalloc(cap);
	for (;;) {
		struct iovec iov = { .iov_base = agent.text + agent.len,
				     .iov_len = cap - agent.len - 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };

		n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		agent_take_fds(&mh);
		agent.len += (size_t)n;
		if (agent.len + 1 == cap) {
			cap *= 2;
			agent.text = xrealloc(agent.text, cap);
		}
		if (once)
			break;
	}
	agent.text[agent.len] = '\0';
}

static void *agent_main(void *arg)
{
	int conn = accept4(agent.listen_fd, NULL, NULL, SOCK_CLOEXEC);

	(void)arg;
	if (conn < 0)
		return NULL;
	if (agent.mode == AGENT_READ_ALL)
		agent_read(conn, false);
	if (agent.mode == AGENT_STOP_READING) {
		agent_read(conn, true);
		/* From here husk's sends fail with EPIPE; what is queued is read,
		 * so the close leaves the sender no ECONNRESET instead. */
		shutdown(conn, SHUT_RD);
		free(agent.text);
		agent.text = NULL;
		agent.len = 0;
		agent_read(conn, false);
	}
	close(conn);
	return NULL;
}

static void agent_start(const char *path)
{
	agent.listen_fd = listen_at(path, SOCK_STREAM);
	cr_assert_eq(pthread_create(&agent.thread, NULL, agent_main, NULL), 0);
	agent.running = true;
}

static void agent_join(void)
{
	cr_assert(agent.running);
	cr_assert_eq(pthread_join(agent.thread, NULL), 0);
	agent.running = false;
}

/* ---- what husk sends ------------------------------------------------------ */

static struct husk_kv annotations[] = {
	{ (char *)"org.example/key", (char *)"value \"quoted\"" },
	{ (char *)"empty", (char *)"" },
};

/* A spec with a listener at `path`, and the message of a container "c1". */
struct fixture {
	struct husk_seccomp seccomp;
	struct husk_linux linux_;
	struct husk_spec spec;
	struct seccomp_agent_msg msg;
};

static void fixture_init(struct fixture *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	f->seccomp.listener_path = (char *)path;
	f->seccomp.listener_metadata = (char *)"meta data";
	f->linux_.seccomp = &f->seccomp;
	f->spec.linux_ = &f->linux_;
	f->spec.annotations = annotations;
	f->spec.n_annotations = ARRAY_SIZE(annotations);
	f->msg = (struct seccomp_agent_msg){
		.spec = &f->spec, .id = "c1", .bundle = "/srv/bundle", .status = "creating",
		.pid = 4321, .init_pid = 1234,
	};
}

static yajl_val jget(yajl_val v, const char *key, yajl_type t)
{
	const char *path[] = { key, NULL };

	return yajl_tree_get(v, path, t);
}

static const char *jstr(yajl_val v, const char *key)
{
	yajl_val s = jget(v, key, yajl_t_string);

	cr_assert_not_null(s, "no string \"%s\"", key);
	return YAJL_GET_STRING(s);
}

static long long jint(yajl_val v, const char *key)
{
	yajl_val n = jget(v, key, yajl_t_number);

	cr_assert(n && YAJL_IS_INTEGER(n), "no integer \"%s\"", key);
	return YAJL_GET_INTEGER(n);
}

static yajl_val parse_received(void)
{
	char ebuf[256] = "";
	yajl_val v = yajl_tree_parse(agent.text, ebuf, sizeof(ebuf));

	cr_assert_not_null(v, "the agent got no JSON (%s): %s", ebuf, agent.text);
	cr_assert(YAJL_IS_OBJECT(v));
	return v;
}

/* The top level: ociVersion, fds ["seccompFd"], pid, metadata. */
static void check_process_state(yajl_val v, const struct seccomp_agent_msg *m)
{
	yajl_val fds = jget(v, "fds", yajl_t_array);

	cr_assert_str_eq(jstr(v, "ociVersion"), HUSK_OCI_VERSION);
	cr_assert_not_null(fds);
	cr_assert_eq(YAJL_GET_ARRAY(fds)->len, 1);
	cr_assert(YAJL_IS_STRING(YAJL_GET_ARRAY(fds)->values[0]));
	cr_assert_str_eq(YAJL_GET_STRING(YAJL_GET_ARRAY(fds)->values[0]), "seccompFd");
	cr_assert_eq(jint(v, "pid"), m->pid);
	if (m->spec->linux_->seccomp->listener_metadata)
		cr_assert_str_eq(jstr(v, "metadata"),
				 m->spec->linux_->seccomp->listener_metadata);
	else
		cr_assert_null(jget(v, "metadata", yajl_t_any));
}

/* .state: the OCI state of the container. */
static void check_state(yajl_val v, const struct seccomp_agent_msg *m)
{
	yajl_val st = jget(v, "state", yajl_t_object), ann;

	cr_assert_not_null(st);
	cr_assert_str_eq(jstr(st, "ociVersion"), HUSK_OCI_VERSION);
	cr_assert_str_eq(jstr(st, "id"), m->id);
	cr_assert_str_eq(jstr(st, "status"), m->status);
	cr_assert_eq(jint(st, "pid"), m->init_pid);
	cr_assert_str_eq(jstr(st, "bundle"), m->bundle ? m->bundle : "");
	ann = jget(st, "annotations", yajl_t_object);
	if (m->spec->n_annotations == 0) {
		cr_assert_null(ann);
		return;
	}
	cr_assert_not_null(ann);
	cr_assert_eq(YAJL_GET_OBJECT(ann)->len, m->spec->n_annotations);
	for (size_t i = 0; i < m->spec->n_annotations; i++)
		cr_assert_str_eq(jstr(ann, m->spec->annotations[i].key),
				 m->spec->annotations[i].value);
}

static void check_received(const struct seccomp_agent_msg *m)
{
	yajl_val v = parse_received();

	check_process_state(v, m);
	check_state(v, m);
	yajl_tree_free(v);
}

/* The agent got exactly one fd, and it is the file `want` is. */
static void check_received_fd(int want)
{
	struct stat a, b;

	cr_assert_eq(agent.n_fds, 1, "the agent got %zu fds", agent.n_fds);
	cr_assert_not(agent.ctrunc);
	cr_assert_eq(fstat(want, &a), 0);
	cr_assert_eq(fstat(agent.fds[0], &b), 0);
	cr_assert(a.st_dev == b.st_dev && a.st_ino == b.st_ino, "another file came");
}

static void make_pipe(int p[2])
{
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
}

/* ---- seccomp_agent_send() ------------------------------------------------- */

Test(launch_seccomp_agent, sends_the_state_and_the_fd)
{
	struct husk_error err = { 0 };
	struct fixture f;
	char c = 0;
	int p[2];

	make_pipe(p);
	fixture_init(&f, sock_path);
	agent_start(sock_path);
	cr_assert_eq(seccomp_agent_send(&f.msg, p[0], &err), 0, "%s", err.msg);
	agent_join();
	check_received(&f.msg);
	check_received_fd(p[0]);
	/* notify_fd stays the caller's */
	cr_assert_geq(fcntl(p[0], F_GETFD), 0);
	/* and it is the same pipe: what goes in one end comes out of the agent's */
	cr_assert_eq(write(p[1], "z", 1), 1);
	cr_assert_eq(read(agent.fds[0], &c, 1), 1);
	cr_assert_eq(c, 'z');
	close(p[0]);
	close(p[1]);
}

/* No bundle, no metadata, no annotations, an exec's "running". */
Test(launch_seccomp_agent, optional_members)
{
	struct husk_error err = { 0 };
	struct fixture f;
	int p[2];

	make_pipe(p);
	fixture_init(&f, sock_path);
	f.seccomp.listener_metadata = NULL;
	f.spec.n_annotations = 0;
	f.msg.bundle = NULL;
	f.msg.status = "running";
	agent_start(sock_path);
	cr_assert_eq(seccomp_agent_send(&f.msg, p[1], &err), 0, "%s", err.msg);
	agent_join();
	check_received(&f.msg);
	check_received_fd(p[1]);
	close(p[0]);
	close(p[1]);
}

/*
 * More than a socket buffer of JSON: the first sendmsg takes part of it
 * (with the fd), the rest follows.  The agent must get all of it, in one
 * piece that parses.
 */
Test(launch_seccomp_agent, large_state_arrives_whole)
{
	size_t big = 4 << 20;
	_cleanup_free_ char *value = xmalloc(big + 1);
	struct husk_kv ann[] = { { (char *)"big", value } };
	struct husk_error err = { 0 };
	struct fixture f;
	int p[2];

	memset(value, 'v', big);
	value[big] = '\0';
	make_pipe(p);
	fixture_init(&f, sock_path);
	f.spec.annotations = ann;
	f.spec.n_annotations = 1;
	agent_start(sock_path);
	cr_assert_eq(seccomp_agent_send(&f.msg, p[0], &err), 0, "%s", err.msg);
	agent_join();
	cr_assert_gt(agent.len, big);
	check_received(&f.msg);
	check_received_fd(p[0]);
	close(p[0]);
	close(p[1]);
}

/* sun_path holds 107 bytes: a longer listenerPath is reached through its directory. */
Test(launch_seccomp_agent, path_longer_than_sun_path)
{
	_cleanup_free_ char *dir = xasprintf("%s/%0100d/%0100d", tmp, 1, 2);
	_cleanup_free_ char *parent = xasprintf("%s/%0100d", tmp, 1);
	_cleanup_free_ char *path = xasprintf("%s/agent.sock", dir);
	_cleanup_free_ char *via = NULL;
	_cleanup_close_ int dfd = -1;
	struct husk_error err = { 0 };
	struct fixture f;
	int p[2];

	cr_assert_eq(mkdir(parent, 0700), 0);
	cr_assert_eq(mkdir(dir, 0700), 0);
	cr_assert_gt(strlen(path), sizeof(((struct sockaddr_un *)0)->sun_path));
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(dfd, 0);
	via = xasprintf("/proc/self/fd/%d/agent.sock", dfd);
	make_pipe(p);
	fixture_init(&f, path);
	agent_start(via);
	cr_assert_eq(seccomp_agent_send(&f.msg, p[0], &err), 0, "%s", err.msg);
	agent_join();
	check_received(&f.msg);
	check_received_fd(p[0]);
	close(p[0]);
	close(p[1]);
}

/* ---- its errors ----------------------------------------------------------- */

static void send_expect(const char *path, int want_r, const char *want_tail)
{
	_cleanup_free_ char *want = xasprintf(".linux.seccomp.listenerPath: hand the seccomp "
					      "listener to the agent at %s: %s", path, want_tail);
	struct husk_error err = { 0 };
	struct fixture f;
	int p[2];

	make_pipe(p);
	fixture_init(&f, path);
	cr_assert_eq(seccomp_agent_send(&f.msg, p[0], &err), want_r, "%s", err.msg);
	cr_assert_str_eq(err.msg, want);
	/* the caller's fd is still open */
	cr_assert_geq(fcntl(p[0], F_GETFD), 0);
	close(p[0]);
	close(p[1]);
}

Test(launch_seccomp_agent, no_socket_at_the_path)
{
	_cleanup_free_ char *tail = xasprintf("connect: %s (is the seccomp agent listening?)",
					      strerror(ENOENT));

	send_expect(sock_path, -ENOENT, tail);
}

/* A socket file nobody listens on any more. */
Test(launch_seccomp_agent, agent_gone)
{
	_cleanup_free_ char *tail = xasprintf("connect: %s (is the seccomp agent listening?)",
					      strerror(ECONNREFUSED));

	close(listen_at(sock_path, SOCK_STREAM));
	send_expect(sock_path, -ECONNREFUSED, tail);
}

Test(launch_seccomp_agent, agent_not_on_a_stream_socket)
{
	_cleanup_free_ char *tail = xasprintf("connect: %s (the agent must listen on a "
					      "SOCK_STREAM socket)", strerror(EPROTOTYPE));

	agent.listen_fd = listen_at(sock_path, SOCK_SEQPACKET);
	send_expect(sock_path, -EPROTOTYPE, tail);
}

/* A long path whose last part alone does not fit sun_path either. */
Test(launch_seccomp_agent, socket_name_too_long)
{
	_cleanup_free_ char *name = xasprintf("%0120d", 7);
	_cleanup_free_ char *path = xasprintf("%s/%s", tmp, name);
	_cleanup_free_ char *tail = xasprintf("the socket's name \"%s\" is too long for a UNIX "
					      "socket address", name);

	send_expect(path, -ENAMETOOLONG, tail);
}

Test(launch_seccomp_agent, long_path_in_a_missing_directory)
{
	_cleanup_free_ char *dir = xasprintf("%s/%0120d", tmp, 3);
	_cleanup_free_ char *path = xasprintf("%s/agent.sock", dir);
	_cleanup_free_ char *tail = xasprintf("open %s: %s", dir, strerror(ENOENT));

	send_expect(path, -ENOENT, tail);
}

/* Send more than the socket holds to an agent in `mode`: the result. */
static int send_big_to(enum agent_mode mode, struct husk_error *err)
{
	size_t big = 4 << 20;
	_cleanup_free_ char *value = xmalloc(big + 1);
	struct husk_kv ann[] = { { (char *)"big", value } };
	struct fixture f;
	int p[2], r;

	memset(value, 'v', big);
	value[big] = '\0';
	make_pipe(p);
	fixture_init(&f, sock_path);
	f.spec.annotations = ann;
	f.spec.n_annotations = 1;
	agent.mode = mode;
	agent_start(sock_path);
	r = seccomp_agent_send(&f.msg, p[0], err);
	agent_join();
	close(p[0]);
	close(p[1]);
	return r;
}

/*
 * An agent that accepts and closes without reading, while husk still has
 * more to send than the socket holds: an error (EPIPE or ECONNRESET, as
 * the close lands), not a SIGPIPE that would kill this test.
 */
Test(launch_seccomp_agent, agent_closes_at_once)
{
	struct husk_error err = { 0 };
	int r = send_big_to(AGENT_CLOSE_AT_ONCE, &err);

	cr_assert(r == -EPIPE || r == -ECONNRESET, "r = %d: %s", r, err.msg);
	cr_assert(strstr(err.msg, sock_path), "%s", err.msg);
	cr_assert(strstr(err.msg, strerror(-r)), "%s", err.msg);
}

/* The agent stops reading after the first part (with the fd): the rest is EPIPE. */
Test(launch_seccomp_agent, agent_stops_reading_midway)
{
	_cleanup_free_ char *want = xasprintf(".linux.seccomp.listenerPath: hand the seccomp "
					      "listener to the agent at %s: send: %s", sock_path,
					      strerror(EPIPE));
	struct husk_error err = { 0 };

	cr_assert_eq(send_big_to(AGENT_STOP_READING, &err), -EPIPE, "%s", err.msg);
	cr_assert_str_eq(err.msg, want);
	cr_assert_eq(agent.n_fds, 1);
}

/*
 * A listen queue that is full makes connect() wait; the wait is
 * interruptible: a SIGTERM ends it with a message saying so.
 */
Test(launch_seccomp_agent, full_queue_wait_is_interruptible)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int filler = -1;
	struct husk_error err = { 0 };
	struct fixture f;
	int p[2];

	agent.listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	strcpy(sa.sun_path, sock_path);
	cr_assert_eq(bind(agent.listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(agent.listen_fd, 0), 0);
	/* A backlog of 0 holds one connection: take it. */
	filler = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	cr_assert_eq(connect(filler, (struct sockaddr *)&sa, sizeof(sa)), 0);
	make_pipe(p);
	fixture_init(&f, sock_path);
	cr_assert_eq(interrupt_arm(&err), 0, "%s", err.msg);
	cr_assert_eq(raise(SIGTERM), 0);
	cr_assert_eq(seccomp_agent_send(&f.msg, p[0], &err), -EINTR, "%s", err.msg);
	cr_assert(strstr(err.msg, "interrupted by SIGTERM while connecting to the seccomp agent"),
		  "%s", err.msg);
	cr_assert(strstr(err.msg, sock_path), "%s", err.msg);
	close(p[0]);
	close(p[1]);
}

/* ---- seccomp_agent_check() ------------------------------------------------ */

static int check_rules(struct husk_seccomp_rule *rules, size_t n, struct husk_error *err)
{
	struct husk_seccomp s = { .syscalls = rules, .n_syscalls = n };
	struct husk_linux lx = { .seccomp = &s };
	struct husk_spec spec = { .linux_ = &lx };

	return seccomp_agent_check(&spec, err);
}

#define NAMES(...) ((char *[]){ __VA_ARGS__, NULL })

Test(launch_seccomp_agent, check_refuses_notify_on_sendmsg)
{
	struct husk_seccomp_rule rules[] = {
		{ .names = NAMES("mkdir"), .action = SECCOMP_ACT_NOTIFY },
		{ .names = NAMES("sendmsg"), .action = SECCOMP_ACT_ERRNO },
		{ .names = NAMES("write", "sendmsg", "read"), .action = SECCOMP_ACT_NOTIFY },
	};
	struct husk_error err = { 0 };

	cr_assert_eq(check_rules(rules, ARRAY_SIZE(rules), &err), -EINVAL);
	cr_assert_str_eq(err.msg, "config.json: .linux.seccomp.syscalls[2]: SCMP_ACT_NOTIFY on "
			 "sendmsg cannot work: husk hands the listener fd to the agent with "
			 "sendmsg, which would wait for that agent forever");
}

Test(launch_seccomp_agent, check_allows_the_rest)
{
	struct husk_seccomp_rule rules[] = {
		{ .names = NAMES("mkdir", "recvmsg", "close"), .action = SECCOMP_ACT_NOTIFY },
		{ .names = NAMES("sendmsg"), .action = SECCOMP_ACT_ERRNO },
		{ .names = NAMES("sendmsg"), .action = SECCOMP_ACT_LOG },
		{ .names = NAMES("sendmmsg"), .action = SECCOMP_ACT_NOTIFY },
	};
	struct husk_linux no_seccomp = { 0 };
	struct husk_spec no_linux = { 0 }, spec = { .linux_ = &no_seccomp };
	struct husk_error err = { 0 };

	cr_assert_eq(check_rules(rules, ARRAY_SIZE(rules), &err), 0, "%s", err.msg);
	cr_assert_eq(check_rules(NULL, 0, &err), 0, "%s", err.msg);
	cr_assert_eq(seccomp_agent_check(&no_linux, &err), 0, "%s", err.msg);
	cr_assert_eq(seccomp_agent_check(&spec, &err), 0, "%s", err.msg);
}

/* ---- the hand-over: seccomp_hand_over() and seccomp_agent_serve() --------- */

static void seqpacket_pair(int sv[2])
{
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

/* The child side, in one process: DONE is queued before it is waited for. */
Test(launch_seccomp_agent, hand_over_sends_the_fd_and_closes_it)
{
	struct husk_error err = { 0 };
	struct sync_msg msg;
	struct stat a, b;
	int sv[2], p[2], got = -1;

	seqpacket_pair(sv);
	make_pipe(p);
	cr_assert_eq(fstat(p[0], &a), 0);
	cr_assert_eq(sync_send(sv[0], SYNC_SECCOMP_DONE), 0);
	cr_assert_eq(seccomp_hand_over(sv[1], p[0], &err), 0, "%s", err.msg);
	/* closed, always: the container process must not keep it */
	cr_assert_eq(fcntl(p[0], F_GETFD), -1);
	cr_assert_eq(errno, EBADF);
	cr_assert_eq(sync_recv_fd(sv[0], &msg, &got), 1);
	cr_assert_eq(msg.type, SYNC_SECCOMP_FD);
	cr_assert_geq(got, 0);
	cr_assert_eq(fstat(got, &b), 0);
	cr_assert(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	close(got);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

Test(launch_seccomp_agent, hand_over_without_fd_does_nothing)
{
	struct husk_error err = { 0 };
	char c;
	int sv[2];

	seqpacket_pair(sv);
	cr_assert_eq(seccomp_hand_over(sv[1], -1, &err), 0, "%s", err.msg);
	cr_assert_eq(recv(sv[0], &c, 1, MSG_DONTWAIT), -1);
	cr_assert_eq(errno, EAGAIN);
	close(sv[0]);
	close(sv[1]);
}

/* husk went away: before the send (EPIPE) or before DONE (EOF). */
Test(launch_seccomp_agent, hand_over_when_husk_is_gone)
{
	struct husk_error err = { 0 };
	int sv[2], p[2];

	seqpacket_pair(sv);
	make_pipe(p);
	close(sv[0]);
	cr_assert_eq(seccomp_hand_over(sv[1], p[0], &err), -EPIPE);
	cr_assert(strstr(err.msg, "hand the seccomp listener fd to husk (sendmsg)"), "%s",
		  err.msg);
	cr_assert_eq(fcntl(p[0], F_GETFD), -1);
	close(sv[1]);

	seqpacket_pair(sv);
	cr_assert_eq(shutdown(sv[0], SHUT_WR), 0);
	cr_assert_eq(seccomp_hand_over(sv[1], p[1], &err), -EPIPE);
	cr_assert_str_eq(err.msg, "husk went away before the seccomp agent had the listener fd");
	cr_assert_eq(fcntl(p[1], F_GETFD), -1);
	close(sv[0]);
	close(sv[1]);
}

Test(launch_seccomp_agent, serve_without_fd_is_eproto)
{
	struct husk_error err = { 0 };
	struct fixture f;
	int sv[2];

	seqpacket_pair(sv);
	fixture_init(&f, sock_path);
	cr_assert_eq(seccomp_agent_serve(sv[0], -1, &f.msg, &err), -EPROTO);
	cr_assert_str_eq(err.msg, "the container process sent no seccomp listener fd");
	close(sv[0]);
	close(sv[1]);
}

/* The agent unreachable: the error is the send's, and no DONE goes out. */
Test(launch_seccomp_agent, serve_without_agent_sends_no_done)
{
	struct husk_error err = { 0 };
	struct fixture f;
	char c;
	int sv[2], p[2];

	seqpacket_pair(sv);
	make_pipe(p);
	fixture_init(&f, sock_path);
	cr_assert_eq(seccomp_agent_serve(sv[0], p[0], &f.msg, &err), -ENOENT);
	cr_assert(strstr(err.msg, sock_path), "%s", err.msg);
	cr_assert_eq(recv(sv[1], &c, 1, MSG_DONTWAIT), -1);
	cr_assert_eq(errno, EAGAIN);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

/* The child side in a child process, as in a launch; exits 0 when it went through. */
static pid_t hand_over_child(int sync_fd, int notify_fd)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct husk_error err = { 0 };
		int r = seccomp_hand_over(sync_fd, notify_fd, &err);

		if (r < 0)
			fprintf(stderr, "hand over: %s\n", err.msg);
		_exit(r == 0 && fcntl(notify_fd, F_GETFD) < 0 ? 0 : 1);
	}
	return pid;
}

/*
 * The whole exchange: the child sends SECCOMP_FD with the listener, husk
 * hands it to the agent and answers SECCOMP_DONE, and only then does the
 * child go on.
 */
Test(launch_seccomp_agent, serve_and_hand_over)
{
	struct husk_error err = { 0 };
	struct sync_msg msg;
	struct fixture f;
	int sv[2], p[2], fd = -1, status;
	pid_t pid;

	seqpacket_pair(sv);
	make_pipe(p);
	fixture_init(&f, sock_path);
	agent_start(sock_path);
	pid = hand_over_child(sv[1], p[0]);
	close(sv[1]);
	cr_assert_eq(sync_recv_fd(sv[0], &msg, &fd), 1);
	cr_assert_eq(msg.type, SYNC_SECCOMP_FD);
	cr_assert_geq(fd, 0);
	cr_assert_eq(seccomp_agent_serve(sv[0], fd, &f.msg, &err), 0, "%s", err.msg);
	close(fd);
	agent_join();
	check_received(&f.msg);
	check_received_fd(p[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
}

/* The child gone once the agent has the fd: DONE cannot be sent, and no SIGPIPE. */
Test(launch_seccomp_agent, serve_to_a_child_that_is_gone)
{
	_cleanup_free_ char *want = xasprintf("signal the container process: %s",
					      strerror(EPIPE));
	struct husk_error err = { 0 };
	struct fixture f;
	int sv[2], p[2];

	seqpacket_pair(sv);
	make_pipe(p);
	fixture_init(&f, sock_path);
	agent_start(sock_path);
	close(sv[1]);
	cr_assert_eq(seccomp_agent_serve(sv[0], p[0], &f.msg, &err), -EPIPE);
	cr_assert_str_eq(err.msg, want);
	agent_join();
	check_received_fd(p[0]);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
}
