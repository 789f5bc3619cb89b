// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * husk-init is out of reach from its very first instruction, not only from
 * its own prctl(PR_SET_DUMPABLE, 0) on.  Between the execveat of husk-init
 * and that prctl, a process of the container with the same uid could
 * otherwise ptrace it and read its memory and environment.
 *
 * The window is made deterministic: the profile notifies prctl(
 * PR_SET_DUMPABLE, ...) to the test's seccomp agent, which holds the call
 * of the husk-init under attack (recognised by a marker argument in its
 * command line) and lets every other one go on.  While it is held,
 * /probes/window, exec'd into the container as root without
 * CAP_SYS_PTRACE, tries PTRACE_SEIZE, PTRACE_ATTACH, /proc/PID/mem and
 * /proc/PID/environ on it: all must be refused.  Both husk-inits are held
 * in turn: the container's PID 1 (run), and the one of an exec.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "integration/attacks.h"

#define HOLDER_MAX 8                /* connections and listener fds one test sees */

/* The marker of each phase: the husk-init whose arguments hold it is held. */
static const char *const phase_marker[] = { NULL, "window-init", "window-exec" };

/*
 * The test's agent.  The thread allocates nothing (the test forks husk
 * while it runs) and never asserts: the test reads held_pid and failures.
 */
struct holder {
	int lfd;                    /* listening socket */
	pthread_t thread;
	atomic_bool stop;
	atomic_bool release;        /* answer the held call, hold nothing more */
	atomic_int phase;           /* index into phase_marker */
	atomic_int held_pid;        /* the held husk-init (host pid), or 0 */
	atomic_int failures;        /* ioctl errors other than "the caller is gone" */
};

struct holder_io {
	struct pollfd pfd[1 + 2 * HOLDER_MAX];
	int conn[HOLDER_MAX], n_conn;
	int notify[HOLDER_MAX], n_notify;
	int held_fd;                /* listener of the held call, or -1 */
	__u64 held_id;
};

/* Read what a connection has (the state JSON, ignored) and keep its fd. */
static void holder_read_conn(struct holder_io *io, int i)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} ctl;
	char text[4096];
	struct iovec iov = { text, sizeof(text) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	ssize_t n = recvmsg(io->conn[i], &mh, MSG_CMSG_CLOEXEC);

	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); n >= 0 && cm; cm = CMSG_NXTHDR(&mh, cm)) {
		size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		for (size_t j = 0; cm->cmsg_type == SCM_RIGHTS && j < k; j++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + j * sizeof(int), sizeof(int));
			if (io->n_notify < HOLDER_MAX)
				io->notify[io->n_notify++] = fd;
			else
				close(fd);
		}
	}
	if (n > 0 || (n < 0 && errno == EINTR))
		return;
	close(io->conn[i]);
	io->conn[i] = -1;
}

/* Is host pid `pid` husk-init with `marker` among its arguments (and not the probe's)? */
static bool is_held_target(pid_t pid, const char *marker)
{
	char path[64], cmd[4096];
	bool found = false;
	ssize_t n;
	int fd;

	if (!marker)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, cmd, sizeof(cmd) - 1);
	close(fd);
	if (n <= 0)
		return false;
	cmd[n] = '\0';
	if (strcmp(cmd, "husk-init") != 0)
		return false;
	for (const char *a = cmd; a < cmd + n; a += strlen(a) + 1) {
		if (strcmp(a, "/probes/window") == 0)
			return false;
		if (strcmp(a, marker) == 0)
			found = true;
	}
	return found;
}

static void holder_send(struct holder *h, int fd, __u64 id)
{
	union {
		struct seccomp_notif_resp resp;
		char buf[1024];
	} resp;

	memset(&resp, 0, sizeof(resp));
	resp.resp.id = id;
	resp.resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	/* ENOENT: the caller died or was interrupted (it then asks again). */
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp.resp) < 0 && errno != ENOENT)
		atomic_fetch_add(&h->failures, 1);
}

/* One notification: hold the target's call (the latest, if it asks again), continue others. */
static void holder_answer(struct holder *h, struct holder_io *io, int fd)
{
	union {
		struct seccomp_notif req;
		char buf[1024];
	} req;

	memset(&req, 0, sizeof(req));
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req.req) < 0) {
		if (errno != ENOENT && errno != EINTR)
			atomic_fetch_add(&h->failures, 1);
		return;
	}
	if (!atomic_load(&h->release) && req.req.data.nr == SYS_prctl &&
	    req.req.data.args[0] == PR_SET_DUMPABLE &&
	    is_held_target((pid_t)req.req.pid, phase_marker[atomic_load(&h->phase)])) {
		io->held_fd = fd;
		io->held_id = req.req.id;
		atomic_store(&h->held_pid, (int)req.req.pid);
		return;
	}
	holder_send(h, fd, req.req.id);
}

static nfds_t holder_poll_set(struct holder *h, struct holder_io *io, int map[])
{
	nfds_t n = 0;

	io->pfd[n++] = (struct pollfd){ .fd = h->lfd, .events = POLLIN };
	for (int i = 0; i < io->n_conn; i++) {
		if (io->conn[i] < 0)
			continue;
		map[n] = i;
		io->pfd[n++] = (struct pollfd){ .fd = io->conn[i], .events = POLLIN };
	}
	for (int i = 0; i < io->n_notify; i++) {
		if (io->notify[i] < 0)
			continue;
		map[n] = HOLDER_MAX + i;
		io->pfd[n++] = (struct pollfd){ .fd = io->notify[i], .events = POLLIN };
	}
	return n;
}

static void *holder_main(void *arg)
{
	struct holder *h = arg;
	struct holder_io io = { .held_fd = -1 };
	int map[1 + 2 * HOLDER_MAX];

	while (!atomic_load(&h->stop)) {
		nfds_t n = holder_poll_set(h, &io, map);

		if (atomic_load(&h->release) && io.held_fd >= 0) {
			holder_send(h, io.held_fd, io.held_id);
			io.held_fd = -1;
			atomic_store(&h->held_pid, 0);
		}
		if (poll(io.pfd, n, 20) <= 0)
			continue;
		if ((io.pfd[0].revents & POLLIN) && io.n_conn < HOLDER_MAX) {
			int fd = accept4(h->lfd, NULL, NULL, SOCK_CLOEXEC);

			if (fd >= 0)
				io.conn[io.n_conn++] = fd;
		}
		for (nfds_t k = 1; k < n; k++) {
			int i = map[k];

			if (!io.pfd[k].revents)
				continue;
			if (i < HOLDER_MAX) {
				holder_read_conn(&io, i);
			} else if (io.pfd[k].revents & POLLIN) {
				holder_answer(h, &io, io.notify[i - HOLDER_MAX]);
			} else if (io.notify[i - HOLDER_MAX] != io.held_fd) {
				close(io.notify[i - HOLDER_MAX]);
				io.notify[i - HOLDER_MAX] = -1;
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

/* Listen on `path` (a short path: the work directory's) and serve. */
static struct holder *holder_start(const struct hctx *c, const char *path)
{
	struct holder *h = calloc(1, sizeof(*h));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	cr_assert(h);
	cr_assert_lt(strlen(path), sizeof(sa.sun_path), "socket path too long: %s", path);
	strcpy(sa.sun_path, path);
	h->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert(h->lfd >= 0);
	cr_assert(bind(h->lfd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind %s: %s", path,
		  strerror(errno));
	cr_assert(listen(h->lfd, 8) == 0);
	chown_to_user(c, path);
	cr_assert(pthread_create(&h->thread, NULL, holder_main, h) == 0);
	return h;
}

static void holder_stop(struct holder *h)
{
	atomic_store(&h->release, true);
	usleep(100 * 1000);
	atomic_store(&h->stop, true);
	pthread_join(h->thread, NULL);
	close(h->lfd);
	free(h);
}

/* Hold the husk-init carrying phase's marker; wait until it is held. */
static void hold_phase(struct holder *h, int phase)
{
	atomic_store(&h->release, false);
	atomic_store(&h->phase, phase);
}

static bool wait_held(struct holder *h, int timeout_ms)
{
	for (int t = 0; t < timeout_ms; t += 10) {
		if (atomic_load(&h->held_pid) > 0)
			return true;
		usleep(10 * 1000);
	}
	return false;
}

static void release_held(struct holder *h)
{
	atomic_store(&h->phase, 0);
	atomic_store(&h->release, true);
	for (int t = 0; t < 2000 && atomic_load(&h->held_pid) > 0; t += 10)
		usleep(10 * 1000);
}

/*
 * The probe, exec'd into the container, against the held husk-init.  With
 * `dac`, the container's capabilities hold CAP_DAC_OVERRIDE and
 * CAP_DAC_READ_SEARCH, and the probe (exec'd through a husk-init of its
 * own) must still have them: husk lowers them for the exec of husk-init
 * only.
 */
static void attack_held(struct hctx *c, const char *marker, bool dac)
{
	struct hres r = { 0 };

	HUSK(c, &r, "exec", c->id, "/probes/window", marker);
	assert_husk_ok(&r);
	assert_not_contains(r.out, "target: none");
	/* The attacker is what the threat is: the same uid, no CAP_SYS_PTRACE. */
	atk_assert_line(r.out, "same-uid", "yes");
	atk_assert_line(r.out, "cap-sys-ptrace", "no");
	atk_assert_line(r.out, "cap-dac", dac ? "yes" : "no");
	atk_assert_line(r.out, "environ", "EACCES");
	atk_assert_line(r.out, "mem", "EACCES");
	atk_assert_line(r.out, "ptrace-seize", "EPERM");
	atk_assert_line(r.out, "ptrace-attach", "EPERM");
	hres_free(&r);
}

#define DAC_CAPS                                                                     \
	"[\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\", \"CAP_DAC_OVERRIDE\", " \
	"\"CAP_DAC_READ_SEARCH\"]"

/*
 * Hold the container's husk-init, then an exec'd one, in the window, and
 * attack each.  With `dac` the container has the two capabilities that
 * would let its processes read the execute-only husk-init memfd.
 */
static void window_attacks(struct hctx *c, bool dac)
{
	struct hres r = { 0 };
	struct hproc p;
	char *sock = hpath(c, "holder.sock");
	char *profile = NULL;
	struct holder *h = holder_start(c, sock);
	char *text = bundle_config_text(c, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c", "exec sleep 100", "window-init") });

	cr_assert(asprintf(&profile,
			   "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"%s\", "
			   "\"syscalls\": [{\"names\": [\"prctl\"], \"action\": "
			   "\"SCMP_ACT_NOTIFY\", \"args\": [{\"index\": 0, \"value\": %d, "
			   "\"op\": \"SCMP_CMP_EQ\"}]}]}", sock, PR_SET_DUMPABLE) > 0);
	atk_add_member(&text, "linux", "seccomp", profile);
	if (dac)
		atk_replace(&text, "capabilities",
			    "{\"bounding\": " DAC_CAPS ", \"effective\": " DAC_CAPS
			    ", \"permitted\": " DAC_CAPS "}");
	atk_write_config(c, text);

	/* The container's PID 1, held before its own prctl. */
	hold_phase(h, 1);
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert(wait_held(h, 5000), "the container's husk-init never called prctl");
	attack_held(c, "window-init", dac);
	release_held(h);

	/* An exec'd command's husk-init, held likewise (husk exec waits meanwhile). */
	hold_phase(h, 2);
	husk_spawn(c, &p, NULL, ARGS("exec", c->id, "/bin/sh", "-c", "exec sleep 100",
				     "window-exec"));
	cr_assert(wait_held(h, 5000), "the exec'd husk-init never called prctl");
	attack_held(c, "window-exec", dac);
	release_held(h);
	kill(p.pid, SIGTERM);
	hproc_wait(&p, &r, HUSK_CALL_TIMEOUT);

	cr_assert_eq(atomic_load(&h->failures), 0, "the agent's ioctls failed");
	holder_stop(h);
	free(profile);
	free(text);
	free(sock);
	hres_free(&r);
}

HTEST(attacks_window, husk_init_is_never_dumpable)
{
	window_attacks(c, false);
}

HTEST(attacks_window, husk_init_is_never_dumpable_with_dac_capabilities)
{
	window_attacks(c, true);
}
