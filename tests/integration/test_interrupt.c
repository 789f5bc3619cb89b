// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * husk must never hang for good, and a SIGTERM must end it promptly, also
 * where it waits (husk/interrupt.h), with nothing left behind when it held
 * a half-made container:
 *   - a config.json that is a FIFO is refused at once (opening one for
 *     reading used to wait for a writer forever);
 *   - create and run blocked while the container process is set up (made
 *     deterministic with a seccomp agent that never accepts: the container
 *     process then waits forever in a notified recvmsg), then SIGTERM;
 *   - run waiting, after its workload exited, for the container's lock
 *     held by someone else, then SIGTERM.
 * Every wait has a timeout shorter than the harness's, so that a hang
 * fails the test instead of stalling the suite.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "integration/attacks.h"
#include "integration/notify-agent.h"

/* Seconds husk gets to end after the signal (generous for a loaded machine). */
#define PROMPT_S 10

/* config.json is a FIFO nobody writes to: an error naming it, not a hang. */
HTEST(interrupt, config_fifo_is_refused_at_once)
{
	static const char *const verbs[] = { "run", "create" };
	char *path = hpath(c, "bundle/config.json");
	struct hres r = { 0 };

	bundle_make_rootfs(c);
	cr_assert(mkfifo(path, 0644) == 0, "mkfifo %s: %s", path, strerror(errno));
	chown_to_user(c, path);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		struct hproc p;

		husk_spawn(c, &p, NULL, ARGS(verbs[i], "--bundle", c->bundle, c->id));
		hproc_wait(&p, &r, PROMPT_S);
		assert_husk_fails(&r);
		assert_contains(r.err, "config.json");
		assert_contains(r.err, "FIFO");
		assert_nothing_left(c);
	}
	free(path);
	hres_free(&r);
}

/*
 * A listening socket that never accepts, for listenerPath: husk's connect
 * and send succeed (the queue holds one connection), so husk hands the
 * listener fd over and goes on; nobody answers the notified syscalls.
 */
static int silent_agent(const struct hctx *c, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert(fd >= 0);
	cr_assert(strlen(path) < sizeof(sa.sun_path), "socket path too long: %s", path);
	strcpy(sa.sun_path, path);
	cr_assert(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind %s: %s", path,
		  strerror(errno));
	cr_assert(listen(fd, 4) == 0);
	chown_to_user(c, path);
	return fd;
}

/*
 * A config whose profile notifies recvmsg: the container process hands its
 * listener fd over and then waits in recvmsg for husk's answer, under
 * its own filter, for an agent that never comes.  husk waits for READY.
 */
static void write_blocking_config(struct hctx *c, const char *listener)
{
	char *text = bundle_config_text(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") });
	char *profile;

	cr_assert(asprintf(&profile, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": "
			   "\"%s\", \"syscalls\": [{\"names\": [\"recvmsg\"], \"action\": "
			   "\"SCMP_ACT_NOTIFY\"}]}", listener) > 0);
	atk_add_member(&text, "linux", "seccomp", profile);
	atk_write_config(c, text);
	free(profile);
	free(text);
}

/*
 * Start `verb` (create or run) on the blocking config, wait until husk has
 * handed the listener fd over (a connection is queued on the socket: the
 * container directory and process exist), then SIGTERM it.
 */
static void sigterm_while_setting_up(struct hctx *c, const char *verb)
{
	char *listener = hpath(c, "agent.sock");
	int lfd = silent_agent(c, listener);
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	struct hres r = { 0 };
	struct hproc p;

	write_blocking_config(c, listener);
	husk_spawn(c, &p, NULL, ARGS(verb, "--bundle", c->bundle, c->id));
	cr_assert(poll(&pfd, 1, HUSK_CALL_TIMEOUT * 1000) == 1,
		  "husk %s never connected to the agent socket", verb);
	cr_assert(count_dir_entries(c->state) == 1, "the container directory should exist now");
	/* Give husk time to reach its wait; a signal before that counts all the same. */
	usleep(200 * 1000);
	cr_assert(kill(p.pid, SIGTERM) == 0);
	hproc_wait(&p, &r, PROMPT_S);
	cr_assert(!r.timed_out, "husk %s did not end within %d s of SIGTERM:\n%s", verb,
		  PROMPT_S, r.err);
	cr_assert_eq(r.code, 128 + SIGTERM, "husk %s should die of SIGTERM after cleaning "
		     "up: exit %d\n%s", verb, r.code, r.err);
	assert_nothing_left(c);
	assert_contains(r.err, "interrupted by SIGTERM");
	close(lfd);
	free(listener);
	hres_free(&r);
}

HTEST(interrupt, sigterm_stops_create_during_setup)
{
	sigterm_while_setting_up(c, "create");
}

HTEST(interrupt, sigterm_stops_run_during_setup)
{
	sigterm_while_setting_up(c, "run");
}

/* Does /proc/locks show `pid` waiting for a flock? */
static bool waits_for_flock(pid_t pid)
{
	char *locks = read_text("/proc/locks"), *line;
	char want[32];
	bool found = false;

	snprintf(want, sizeof(want), " %d ", (int)pid);
	for (line = locks ? strtok(locks, "\n") : NULL; line && !found; line = strtok(NULL, "\n"))
		found = strstr(line, "-> FLOCK") && strstr(line, want);
	free(locks);
	return found;
}

/*
 * The workload exited; husk run now deletes the container, which needs
 * its lock, held here.  Blocked there, husk must still end on SIGTERM.
 */
HTEST(interrupt, sigterm_stops_run_waiting_for_the_lock)
{
	struct hres r = { 0 };
	struct hproc p;
	char *go = hpath(c, "out/go"), *lock;
	int fd;
	bool waiting = false;

	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c", "while [ ! -e /out/go ]; do sleep 0.05; done"),
		.bind_out = true });
	husk_spawn(c, &p, NULL, ARGS("run", "--bundle", c->bundle, c->id));
	cr_assert(wait_status(c, c->id, "running", HUSK_CALL_TIMEOUT * 1000),
		  "the container never ran");
	cr_assert(asprintf(&lock, "%s/%s/lock", c->state, c->id) > 0);
	fd = open(lock, O_RDWR | O_CLOEXEC);
	cr_assert(fd >= 0, "open %s: %s", lock, strerror(errno));
	cr_assert(flock(fd, LOCK_EX) == 0);
	write_text(go, "");
	for (int i = 0; i < HUSK_CALL_TIMEOUT * 20 && !waiting; i++) {
		usleep(50 * 1000);
		waiting = waits_for_flock(p.pid);
	}
	cr_assert(waiting, "husk run never waited for the container's lock");
	cr_assert(kill(p.pid, SIGTERM) == 0);
	hproc_wait(&p, &r, PROMPT_S);
	close(fd);
	cr_assert(!r.timed_out, "husk run did not end within %d s of SIGTERM", PROMPT_S);
	cr_assert_eq(r.code, 128 + SIGTERM, "exit %d\n%s", r.code, r.err);
	free(lock);
	free(go);
	hres_free(&r);
}

/* Hold every notified call once the test says so; let the others continue. */
static int hold_when_armed(void *data, const struct seccomp_notif *req)
{
	return atomic_load((atomic_bool *)data) ? NOTIFY_HOLD : NOTIFY_CONTINUE;
}

/*
 * husk exec in the foreground, its process blocked while it is set up,
 * then SIGTERM: husk ends, and the half-made process with it.  The
 * container is created with a profile that notifies recvmsg, answered by
 * the tests' agent; once it runs, the agent holds every call: exec's
 * helper hands its listener fd over and then waits in recvmsg, under its
 * own filter (exec takes .linux.seccomp from the container's pinned
 * config), for an answer that does not come.  husk waits for READY.
 */
HTEST(interrupt, sigterm_stops_exec_during_setup)
{
	char *listener = hpath(c, "agent.sock");
	struct hres r = { 0 };
	struct notify_agent *agent;
	struct hproc p;
	atomic_bool armed = false;
	char *text, *profile;
	int before, after = -1;

	agent = notify_agent_start(c, listener, hold_when_armed, &armed);
	text = bundle_config_text(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "1000") });
	cr_assert(asprintf(&profile, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": "
			   "\"%s\", \"syscalls\": [{\"names\": [\"recvmsg\"], \"action\": "
			   "\"SCMP_ACT_NOTIFY\"}]}", listener) > 0);
	atk_add_member(&text, "linux", "seccomp", profile);
	atk_write_config(c, text);
	HUSK(c, &r, "run", "--detach", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert(wait_status(c, c->id, "running", HUSK_CALL_TIMEOUT * 1000));
	before = count_token_procs(c);
	atomic_store(&armed, true);
	husk_spawn(c, &p, NULL, ARGS("exec", c->id, "/bin/true"));
	cr_assert(notify_agent_wait_held(agent, HUSK_CALL_TIMEOUT * 1000),
		  "husk exec's helper never blocked in the agent");
	usleep(200 * 1000);
	cr_assert(kill(p.pid, SIGTERM) == 0);
	hproc_wait(&p, &r, PROMPT_S);
	cr_assert(!r.timed_out, "husk exec did not end within %d s of SIGTERM", PROMPT_S);
	cr_assert_eq(r.code, 128 + SIGTERM, "exit %d\n%s", r.code, r.err);
	assert_contains(r.err, "interrupted by SIGTERM");
	for (int i = 0; i < 50 && (after = count_token_procs(c)) != before; i++)
		usleep(20 * 1000);
	cr_assert_eq(after, before, "the exec left %d process(es) behind", after - before);
	notify_agent_stop(agent);
	free(agent);
	free(profile);
	free(text);
	free(listener);
	hres_free(&r);
}
