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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "integration/attacks.h"
#include "integration/notify-agent.h"

#define METADATA "husk-test-metadata;MKDIR=errno"
#define ANNOTATION_KEY "org.husk.test.agent"
/* The agent's answer to mkdir: EXDEV, which mkdir never returns on its own here. */
#define AGENT_ERRNO EXDEV

/*
 * The test's seccomp agent (notify-agent.h) and what it decides: mkdir
 * gets the test's answer, anything else goes on.  The counts are written
 * on the agent's thread: the test body reads them after agent_stop().
 */
struct agent {
	struct notify_agent *na;
	int answer;                 /* errno for mkdir; 0: let it continue */
	int n_mkdir;                /* mkdir notifications answered */
	int n_other;                /* notifications for any other syscall */
};

static int agent_decide(void *data, const struct seccomp_notif *req)
{
	struct agent *a = data;

	if (req->data.nr != SYS_mkdir && req->data.nr != SYS_mkdirat) {
		a->n_other++;
		return NOTIFY_CONTINUE;
	}
	a->n_mkdir++;
	return a->answer ? a->answer : NOTIFY_CONTINUE;
}

/* Listen on `path` (made reachable for the context's user) and serve. */
static struct agent *agent_start(const struct hctx *c, const char *path, int answer)
{
	struct agent *a = calloc(1, sizeof(*a));

	cr_assert(a);
	a->answer = answer;
	a->na = notify_agent_start(c, path, agent_decide, a);
	return a;
}

static void agent_stop(struct agent *a)
{
	notify_agent_stop(a->na);
}

static void agent_free(struct agent *a)
{
	free(a->na);
	free(a);
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

	cr_assert(a->na->n_states > i, "the agent got %d container process state(s), want %d",
		  a->na->n_states, i + 1);
	cr_assert_eq(a->na->fds_received[i], 1, "connection %d brought %d fds, want 1", i,
		     a->na->fds_received[i]);
	v = json_parse_or_fail(a->na->states[i], "the container process state");
	cr_assert_str_eq(json_str(JSON_AT(v, "ociVersion")), "1.2.0");
	fds = JSON_AT(v, "fds");
	cr_assert_eq(json_array_len(fds), 1, "fds: %s", a->na->states[i]);
	cr_assert_str_eq(json_str(json_array_get(fds, 0)), "seccompFd");
	cr_assert(json_is_int(JSON_AT(v, "pid")) && json_int(JSON_AT(v, "pid")) > 0,
		  "pid: %s", a->na->states[i]);
	pid = json_int(JSON_AT(v, "pid"));
	cr_assert_str_eq(json_str(JSON_AT(v, "metadata")), METADATA);
	cr_assert_str_eq(json_str(JSON_AT(v, "state", "ociVersion")), "1.2.0");
	cr_assert_str_eq(json_str(JSON_AT(v, "state", "id")), id);
	cr_assert_str_eq(json_str(JSON_AT(v, "state", "status")), status);
	cr_assert(json_is_int(JSON_AT(v, "state", "pid")) &&
		  json_int(JSON_AT(v, "state", "pid")) > 0, "state.pid: %s", a->na->states[i]);
	if (strcmp(status, "creating") == 0) {
		cr_assert_eq(json_int(JSON_AT(v, "state", "pid")), pid,
			     "state.pid is the container process: %s", a->na->states[i]);
		cr_assert_str_eq(json_str(JSON_AT(v, "state", "bundle")), c->bundle);
	} else {
		cr_assert_neq(json_int(JSON_AT(v, "state", "pid")), pid,
			      "state.pid is the container's init, pid the exec'd process: %s",
			      a->na->states[i]);
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
	cr_assert_eq(a->na->n_states, 1);
	cr_assert(a->n_mkdir >= 1, "the agent saw no mkdir");
	cr_assert_eq(a->n_other, 0, "the agent was asked about %d other syscalls", a->n_other);
	cr_assert_eq(atomic_load(&a->na->failures), 0);
}

/* ---- the tests ------------------------------------------------------------------ */

HTEST(seccomp_notify, agent_answers_mkdir_with_an_errno)
{
	struct hres r = { 0 };
	char *listener = hpath(c, "agent.sock");
	struct agent *a = run_with_agent(c, &r, AGENT_ERRNO, true, listener);

	assert_mkdir_denied(c, a, &r);
	agent_free(a);
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
	cr_assert_eq(atomic_load(&a->na->failures), 0);
	agent_free(a);
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
	agent_free(a);
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
	agent_free(a);
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
	agent_free(a);
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
	cr_assert_eq(atomic_load(&a->na->failures), 0);
	HUSK(c, &r, "delete", "--force", c->id);
	free(status);
	free(text);
	agent_free(a);
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
