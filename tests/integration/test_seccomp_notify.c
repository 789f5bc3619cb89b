// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The seccomp agent protocol (.linux.seccomp.listenerPath, SCMP_ACT_NOTIFY
 * rules), as root and rootless.  A test agent (a thread of the test)
 * listens on a UNIX socket in the work directory, takes the container
 * process state and the listener fd husk sends, checks the JSON, and
 * answers the notified syscalls (mkdir here) with an errno or lets them
 * continue:
 *   - the workload's mkdir fails with the agent's errno, other syscalls
 *     work; with SECCOMP_USER_NOTIF_FLAG_CONTINUE mkdir succeeds;
 *   - without no_new_privs (the filter is loaded before the uid change)
 *     the same;
 *   - a listenerPath longer than a socket address can hold works;
 *   - `husk exec` hands its process's listener to the agent too, with
 *     status "running";
 *   - no listener: a clear error naming listenerPath, nothing left.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "integration/attacks.h"

#define METADATA "husk-test-metadata;MKDIR=errno"
#define ANNOTATION_KEY "org.husk.test.agent"
#define AGENT_MAX 4                 /* connections (and listener fds) one test sees */
#define AGENT_TEXT 16384            /* room for one container process state */
/* The agent's answer to mkdir: EXDEV, which mkdir never returns on its own here. */
#define AGENT_ERRNO EXDEV

/*
 * The test's seccomp agent.  The thread allocates nothing (the test forks
 * husk while it runs) and never asserts: the test body reads its results
 * after agent_stop().
 */
struct agent {
	char path[4096];
	int lfd;                    /* listening socket */
	int answer;                 /* errno for mkdir; 0: let it continue */
	pthread_t thread;
	atomic_bool stop;
	/* Results. */
	int n_states;               /* connections read to their end */
	char states[AGENT_MAX][AGENT_TEXT];
	int fds_received[AGENT_MAX]; /* SCM_RIGHTS fds per connection */
	int n_mkdir;                /* mkdir notifications answered */
	int n_other;                /* notifications for any other syscall */
	int failures;               /* ioctl errors other than "the caller died" */
};

/* The open connections and listener fds of the agent's poll loop. */
struct agent_io {
	struct pollfd pfd[1 + 2 * AGENT_MAX];
	int conn[AGENT_MAX];        /* connection fds, -1 when done */
	size_t conn_len[AGENT_MAX];
	int notify[AGENT_MAX];      /* listener fds, -1 when gone */
	int n_conn, n_notify;
};

/* Read what a connection has; on EOF the state is complete. */
static void agent_read_conn(struct agent *a, struct agent_io *io, int i)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} ctl;
	char *text = a->states[i];
	struct iovec iov = { text + io->conn_len[i], AGENT_TEXT - 1 - io->conn_len[i] };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	ssize_t n = recvmsg(io->conn[i], &mh, MSG_CMSG_CLOEXEC);

	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); n >= 0 && cm; cm = CMSG_NXTHDR(&mh, cm)) {
		size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		for (size_t j = 0; cm->cmsg_type == SCM_RIGHTS && j < k; j++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + j * sizeof(int), sizeof(int));
			a->fds_received[i]++;
			if (io->n_notify < AGENT_MAX)
				io->notify[io->n_notify++] = fd;
			else
				close(fd);
		}
	}
	if (n > 0 && io->conn_len[i] + (size_t)n < AGENT_TEXT - 1) {
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

/* One notification: mkdir gets the test's answer, anything else goes on. */
static void agent_answer(struct agent *a, struct agent_io *io, int i,
			 const struct seccomp_notif_sizes *sz)
{
	/* The kernel's structs may be larger than ours: room for both. */
	union {
		struct seccomp_notif req;
		char buf[1024];
	} req;
	union {
		struct seccomp_notif_resp resp;
		char buf[1024];
	} resp;
	bool is_mkdir;

	if (sz->seccomp_notif > sizeof(req) || sz->seccomp_notif_resp > sizeof(resp)) {
		a->failures++;
		return;
	}
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	if (ioctl(io->notify[i], SECCOMP_IOCTL_NOTIF_RECV, &req.req) < 0) {
		if (errno != ENOENT && errno != EINTR)
			a->failures++;
		return;
	}
	is_mkdir = req.req.data.nr == SYS_mkdir || req.req.data.nr == SYS_mkdirat;
	resp.resp.id = req.req.id;
	if (is_mkdir && a->answer)
		resp.resp.error = -a->answer;
	else
		resp.resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	if (is_mkdir)
		a->n_mkdir++;
	else
		a->n_other++;
	/* ENOENT: the caller died (or was interrupted) in the meantime. */
	if (ioctl(io->notify[i], SECCOMP_IOCTL_NOTIF_SEND, &resp.resp) < 0 && errno != ENOENT)
		a->failures++;
}

/* Rebuild the poll set: the listening socket, open connections, live listeners. */
static nfds_t agent_poll_set(struct agent *a, struct agent_io *io, int map[])
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
		map[n] = AGENT_MAX + i;
		io->pfd[n++] = (struct pollfd){ .fd = io->notify[i], .events = POLLIN };
	}
	return n;
}

static void *agent_main(void *arg)
{
	struct agent *a = arg;
	struct agent_io io = { .n_conn = 0 };
	struct seccomp_notif_sizes sz = { 0 };
	int map[1 + 2 * AGENT_MAX];

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
		a->failures++;
	while (!atomic_load(&a->stop)) {
		nfds_t n = agent_poll_set(a, &io, map);

		if (poll(io.pfd, n, 50) <= 0)
			continue;
		if ((io.pfd[0].revents & POLLIN) && io.n_conn < AGENT_MAX) {
			int fd = accept4(a->lfd, NULL, NULL, SOCK_CLOEXEC);

			if (fd >= 0)
				io.conn[io.n_conn++] = fd;
		}
		for (nfds_t k = 1; k < n; k++) {
			int i = map[k];

			if (!io.pfd[k].revents)
				continue;
			if (i < AGENT_MAX) {
				agent_read_conn(a, &io, i);
			} else if (io.pfd[k].revents & POLLIN) {
				agent_answer(a, &io, i - AGENT_MAX, &sz);
			} else {
				/* POLLHUP: no process uses the filter any more. */
				close(io.notify[i - AGENT_MAX]);
				io.notify[i - AGENT_MAX] = -1;
			}
		}
	}
	for (int i = 0; i < io.n_conn; i++)
		if (io.conn[i] >= 0)
			close(io.conn[i]);
	for (int i = 0; i < io.n_notify; i++)
		if (io.notify[i] >= 0)
			close(io.notify[i]);
	return NULL;
}

/* Listen on `path` (made reachable for the context's user) and serve. */
static struct agent *agent_start(const struct hctx *c, const char *path, int answer)
{
	struct agent *a = calloc(1, sizeof(*a));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int dirfd;
	const char *slash = strrchr(path, '/');
	char *dir = strndup(path, (size_t)(slash - path));

	cr_assert(a && dir);
	snprintf(a->path, sizeof(a->path), "%s", path);
	a->answer = answer;
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

static void agent_stop(struct agent *a)
{
	atomic_store(&a->stop, true);
	pthread_join(a->thread, NULL);
	close(a->lfd);
}

/* ---- configs and checks ------------------------------------------------------- */

/*
 * The test's config: workload `script`, an annotation, and a profile that
 * allows everything but notifies mkdir to the agent at `listener`.
 */
static char *notify_config(const struct hctx *c, const char *script, const char *listener,
			   bool no_new_privs, bool bind_out)
{
	char *text = bundle_config_text(c, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c", script), .bind_out = bind_out });
	char *profile, *with_annotation;

	cr_assert(asprintf(&profile,
			   "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"%s\", "
			   "\"listenerMetadata\": \"" METADATA "\", \"syscalls\": [{\"names\": "
			   "[\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
			   listener) > 0);
	atk_add_member(&text, "linux", "seccomp", profile);
	with_annotation = atk_insert_after(text, "\"ociVersion\": \"1.2.0\",",
					   "\n  \"annotations\": {\"" ANNOTATION_KEY
					   "\": \"on\"},");
	free(text);
	if (!no_new_privs)
		atk_replace(&with_annotation, "noNewPrivileges", "false");
	free(profile);
	return with_annotation;
}

/*
 * The container process state the agent got in connection i: the spec's
 * fields, the metadata and the container's id, status and annotation.
 * Returns its "pid".
 */
static long long assert_process_state(const struct hctx *c, const struct agent *a, int i,
				      const char *id, const char *status)
{
	hjson v, fds;
	long long pid;

	cr_assert(a->n_states > i, "the agent got %d container process state(s), want %d",
		  a->n_states, i + 1);
	cr_assert_eq(a->fds_received[i], 1, "connection %d brought %d fds, want 1", i,
		     a->fds_received[i]);
	v = json_parse_or_fail(a->states[i], "the container process state");
	cr_assert_str_eq(json_str(JSON_AT(v, "ociVersion")), "1.2.0");
	fds = JSON_AT(v, "fds");
	cr_assert_eq(json_array_len(fds), 1, "fds: %s", a->states[i]);
	cr_assert_str_eq(json_str(json_array_get(fds, 0)), "seccompFd");
	cr_assert(json_is_int(JSON_AT(v, "pid")) && json_int(JSON_AT(v, "pid")) > 0,
		  "pid: %s", a->states[i]);
	pid = json_int(JSON_AT(v, "pid"));
	cr_assert_str_eq(json_str(JSON_AT(v, "metadata")), METADATA);
	cr_assert_str_eq(json_str(JSON_AT(v, "state", "ociVersion")), "1.2.0");
	cr_assert_str_eq(json_str(JSON_AT(v, "state", "id")), id);
	cr_assert_str_eq(json_str(JSON_AT(v, "state", "status")), status);
	cr_assert(json_is_int(JSON_AT(v, "state", "pid")) &&
		  json_int(JSON_AT(v, "state", "pid")) > 0, "state.pid: %s", a->states[i]);
	if (strcmp(status, "creating") == 0) {
		cr_assert_eq(json_int(JSON_AT(v, "state", "pid")), pid,
			     "state.pid is the container process: %s", a->states[i]);
		cr_assert_str_eq(json_str(JSON_AT(v, "state", "bundle")), c->bundle);
	} else {
		cr_assert_neq(json_int(JSON_AT(v, "state", "pid")), pid,
			      "state.pid is the container's init, pid the exec'd process: %s",
			      a->states[i]);
	}
	cr_assert_str_eq(json_str(JSON_AT(v, "state", "annotations", ANNOTATION_KEY)), "on");
	json_free(v);
	return pid;
}

#define MKDIR_SCRIPT                                                                     \
	"mkdir /tmp/x; echo \"mkdir=$?\"; echo other-syscalls-work > /tmp/f; cat /tmp/f; " \
	"test -d /tmp/x && echo x-exists || echo x-absent"

/* Run MKDIR_SCRIPT under an agent answering `answer`; r gets husk's result. */
static struct agent *run_with_agent(struct hctx *c, struct hres *r, int answer,
				    bool no_new_privs, const char *listener)
{
	struct agent *a = agent_start(c, listener, answer);
	char *text = notify_config(c, MKDIR_SCRIPT, listener, no_new_privs, false);

	atk_write_config(c, text);
	HUSK(c, r, "run", "--bundle", c->bundle, c->id);
	agent_stop(a);
	free(text);
	return a;
}

/* The workload's mkdir met the agent's errno; nothing else did. */
static void assert_mkdir_denied(const struct hctx *c, const struct agent *a,
				const struct hres *r)
{
	assert_husk_ok(r);
	assert_contains(r->out, "mkdir=1\n");
	assert_contains(r->err, strerror(AGENT_ERRNO));
	assert_contains(r->out, "other-syscalls-work\n");
	assert_contains(r->out, "x-absent\n");
	assert_process_state(c, a, 0, c->id, "creating");
	cr_assert_eq(a->n_states, 1);
	cr_assert(a->n_mkdir >= 1, "the agent saw no mkdir");
	cr_assert_eq(a->n_other, 0, "the agent was asked about %d other syscalls", a->n_other);
	cr_assert_eq(a->failures, 0);
}

/* ---- the tests ------------------------------------------------------------------ */

HTEST(seccomp_notify, agent_answers_mkdir_with_an_errno)
{
	struct hres r = { 0 };
	char *listener = hpath(c, "agent.sock");
	struct agent *a = run_with_agent(c, &r, AGENT_ERRNO, true, listener);

	assert_mkdir_denied(c, a, &r);
	free(a);
	free(listener);
	hres_free(&r);
}

HTEST(seccomp_notify, agent_lets_mkdir_continue)
{
	struct hres r = { 0 };
	char *listener = hpath(c, "agent.sock");
	struct agent *a = run_with_agent(c, &r, 0, true, listener);

	assert_husk_ok(&r);
	assert_contains(r.out, "mkdir=0\n");
	assert_contains(r.out, "x-exists\n");
	assert_process_state(c, a, 0, c->id, "creating");
	cr_assert(a->n_mkdir >= 1, "the agent saw no mkdir");
	cr_assert_eq(a->failures, 0);
	free(a);
	free(listener);
	hres_free(&r);
}

/* Without no_new_privs the filter is loaded before the uid change: handed over there. */
HTEST(seccomp_notify, without_no_new_privs_the_early_filter_is_handed_over)
{
	struct hres r = { 0 };
	char *listener = hpath(c, "agent.sock");
	struct agent *a = run_with_agent(c, &r, AGENT_ERRNO, false, listener);

	assert_mkdir_denied(c, a, &r);
	free(a);
	free(listener);
	hres_free(&r);
}

/* A listenerPath longer than sun_path (107 bytes) is still reached. */
HTEST(seccomp_notify, long_listener_path)
{
	static const char seg[] = "a-directory-name-of-sixty-characters-to-make-the-path-long";
	struct hres r = { 0 };
	char *dir = hpath(c, seg), *deeper, *listener;
	struct agent *a;

	cr_assert(mkdir(dir, 0755) == 0);
	cr_assert(asprintf(&deeper, "%s/%s", dir, seg) > 0);
	cr_assert(mkdir(deeper, 0755) == 0);
	cr_assert(asprintf(&listener, "%s/agent.sock", deeper) > 0);
	cr_assert(strlen(listener) >= sizeof(((struct sockaddr_un *)0)->sun_path));
	a = run_with_agent(c, &r, AGENT_ERRNO, true, listener);
	assert_mkdir_denied(c, a, &r);
	free(a);
	free(listener);
	free(deeper);
	free(dir);
	hres_free(&r);
}

/*
 * The shipped default profile (deny by default) with a notify rule added:
 * the hand-over and the rest of the launch run under it.
 */
HTEST(seccomp_notify, with_the_shipped_default_profile)
{
	struct hres r = { 0 };
	char *listener = hpath(c, "agent.sock");
	char *text = bundle_config_text(c, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c", MKDIR_SCRIPT) });
	char *profile = atk_default_profile(), *member, *tmp;
	struct agent *a = agent_start(c, listener, AGENT_ERRNO);

	cr_assert(asprintf(&member, "\n    \"listenerPath\": \"%s\", \"listenerMetadata\": \""
			   METADATA "\",", listener) > 0);
	tmp = atk_insert_after(profile, "{", member);
	free(profile);
	profile = atk_insert_after(tmp, "\"syscalls\": [",
				   "{\"names\": [\"mkdir\", \"mkdirat\"], "
				   "\"action\": \"SCMP_ACT_NOTIFY\"}, ");
	free(tmp);
	atk_add_member(&text, "linux", "seccomp", profile);
	tmp = atk_insert_after(text, "\"ociVersion\": \"1.2.0\",",
			       "\n  \"annotations\": {\"" ANNOTATION_KEY "\": \"on\"},");
	atk_write_config(c, tmp);
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	agent_stop(a);
	assert_mkdir_denied(c, a, &r);
	free(a);
	free(tmp);
	free(text);
	free(member);
	free(profile);
	free(listener);
	hres_free(&r);
}

/*
 * `husk exec` under the container's notify profile: its process's listener
 * goes to the agent as well, with status "running" and the container's
 * init as state.pid; with and without no_new_privs (then the exec helper
 * loads the filter before the uid change).
 */
static void exec_under_agent(struct hctx *c, bool no_new_privs)
{
	struct hres r = { 0 };
	char *listener = hpath(c, "agent.sock");
	char *ready = hpath(c, "out/ready");
	struct agent *a = agent_start(c, listener, AGENT_ERRNO);
	char *text = notify_config(c, "touch /out/ready; exec sleep 100", listener, no_new_privs,
				   true);
	long long init_pid, exec_pid;
	char *status;

	atk_write_config(c, text);
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert(wait_file(ready, 5000), "the workload never got ready");
	HUSK(c, &r, "exec", c->id, "/bin/sh", "-c", "mkdir /tmp/e; echo \"mkdir=$?\"");
	status = husk_status(c, c->id);
	agent_stop(a);
	assert_husk_ok(&r);
	assert_contains(r.out, "mkdir=1\n");
	assert_contains(r.err, strerror(AGENT_ERRNO));
	init_pid = assert_process_state(c, a, 0, c->id, "creating");
	exec_pid = assert_process_state(c, a, 1, c->id, "running");
	cr_assert_neq(exec_pid, init_pid, "the exec'd process is not the container's init");
	cr_assert(status && strcmp(status, "running") == 0, "status %s", status);
	cr_assert_eq(a->failures, 0);
	HUSK(c, &r, "delete", "--force", c->id);
	free(status);
	free(text);
	free(a);
	free(ready);
	free(listener);
	hres_free(&r);
}

HTEST(seccomp_notify, exec_hands_its_listener_over)
{
	exec_under_agent(c, true);
}

HTEST(seccomp_notify, exec_without_no_new_privs_hands_its_listener_over)
{
	exec_under_agent(c, false);
}

/* No agent: husk says where it looked and what to check, and leaves nothing. */
HTEST(seccomp_notify, no_listener_is_a_clear_error)
{
	struct hres r = { 0 };
	char *listener = hpath(c, "nobody-listens.sock");
	char *text = notify_config(c, MKDIR_SCRIPT, listener, true, false);

	atk_write_config(c, text);
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, "listenerPath");
	assert_contains(r.err, listener);
	assert_contains(r.err, "is the seccomp agent listening?");
	assert_not_contains(r.out, "mkdir=");
	assert_nothing_left(c);
	free(text);
	free(listener);
	hres_free(&r);
}

/* A notify rule on the syscall of the hand-over itself would hang husk: refused. */
HTEST(seccomp_notify, notify_on_sendmsg_is_refused)
{
	struct hres r = { 0 };
	char *listener = hpath(c, "agent.sock");
	char *text = notify_config(c, MKDIR_SCRIPT, listener, true, false);

	atk_replace(&text, "names", "[\"mkdir\", \"sendmsg\"]");
	atk_write_config(c, text);
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, ".linux.seccomp.syscalls[0]");
	assert_contains(r.err, "sendmsg");
	assert_nothing_left(c);
	free(text);
	free(listener);
	hres_free(&r);
}
