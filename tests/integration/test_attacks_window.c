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
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "integration/attacks.h"
#include "integration/notify-agent.h"

/* The marker of each phase: the husk-init whose arguments hold it is held. */
static const char *const phase_marker[] = { NULL, "window-init", "window-exec" };

/*
 * The test's agent (notify-agent.h) holds the prctl(PR_SET_DUMPABLE) of the
 * husk-init carrying the phase's marker and lets every other call go on.
 */
struct holder {
	struct notify_agent *agent;
	atomic_int phase;           /* index into phase_marker; 0: hold nothing */
};

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

/* One notification: hold the target's call (the latest, if it asks again), continue others. */
static int holder_decide(void *data, const struct seccomp_notif *req)
{
	struct holder *h = data;

	if (req->data.nr == SYS_prctl && req->data.args[0] == PR_SET_DUMPABLE &&
	    is_held_target((pid_t)req->pid, phase_marker[atomic_load(&h->phase)]))
		return NOTIFY_HOLD;
	return NOTIFY_CONTINUE;
}

/* Listen on `path` and serve, holding nothing yet. */
static struct holder *holder_start(const struct hctx *c, const char *path)
{
	struct holder *h = calloc(1, sizeof(*h));

	cr_assert(h);
	h->agent = notify_agent_start(c, path, holder_decide, h);
	return h;
}

/* Let a held call go on, stop. */
static void holder_stop(struct holder *h)
{
	atomic_store(&h->phase, 0);
	notify_agent_stop(h->agent);
	free(h->agent);
	free(h);
}

/* Hold the husk-init carrying phase's marker (wait_held() until it is). */
static void hold_phase(struct holder *h, int phase)
{
	atomic_store(&h->phase, phase);
}

static bool wait_held(struct holder *h, int timeout_ms)
{
	return notify_agent_wait_held(h->agent, timeout_ms);
}

/* Hold nothing more, then let the held call go on. */
static void release_held(struct holder *h)
{
	atomic_store(&h->phase, 0);
	notify_agent_release(h->agent);
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

	cr_assert_eq(atomic_load(&h->agent->failures), 0, "the agent's ioctls failed");
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
