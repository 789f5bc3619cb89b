// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `husk exec`: a new process inside a running container.  Exit codes
 * (the command's own, 128+n, 127/126 when it cannot run), the container's
 * namespaces as the process sees them, the inline flags and --process,
 * --detach with --pid-file, signal forwarding, refusals (stopped, missing,
 * created), and that nothing of the host (fds, environment) comes along.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "integration/harness.h"

/* What the long-running workload writes before it settles into sleep. */
#define WORKLOAD_SCRIPT \
	"echo from-the-workload > /tmp/mark; touch /out/ready; exec sleep 100"

/*
 * Start a detached container (fresh id) running WORKLOAD_SCRIPT with /out
 * bound, and wait until it is ready.  cfg may add mappings; args and
 * bind_out are set here.
 */
static const char *start_workload(struct hctx *c, struct bundle_cfg cfg)
{
	struct hres r = { 0 };
	const char *id = hctx_new_id(c);
	char *ready = hpath(c, "out/ready");

	unlink(ready);
	cfg.args = ARGS("/bin/sh", "-c", WORKLOAD_SCRIPT);
	cfg.bind_out = true;
	bundle_write(c, &cfg);
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, id);
	assert_husk_ok(&r);
	cr_assert(wait_file(ready, 5000), "the workload of %s never got ready", id);
	free(ready);
	hres_free(&r);
	return id;
}

/* `husk exec ARGS...` with the result in r; asserts exit status `want`. */
#define EXEC_EXPECT(c, r, want, ...)                                                      \
	do {                                                                              \
		HUSK((c), (r), "exec", __VA_ARGS__);                                      \
		cr_assert(!(r)->timed_out && (r)->code == (want),                         \
			  "`%s`: exit %d, want %d\n--- stdout:\n%s\n--- stderr:\n%s",     \
			  (r)->cmd, (r)->code, (want), (r)->out, (r)->err);               \
	} while (0)

HTEST(exec, exit_codes)
{
	struct hres r = { 0 };
	const char *id = start_workload(c, (struct bundle_cfg){ 0 });

	EXEC_EXPECT(c, &r, 0, id, "echo", "hi");
	cr_assert_str_eq(r.out, "hi\n");
	EXEC_EXPECT(c, &r, 3, id, "sh", "-c", "exit 3");
	EXEC_EXPECT(c, &r, 137, id, "sh", "-c", "kill -9 $$");
	/* Flags after the id belong to the command. */
	EXEC_EXPECT(c, &r, 0, id, "echo", "-n", "no-newline");
	cr_assert_str_eq(r.out, "no-newline");

	EXEC_EXPECT(c, &r, 127, id, "/no/such/program");
	assert_contains(r.err, "husk: exec \"/no/such/program\": No such file or directory");
	EXEC_EXPECT(c, &r, 127, id, "no-such-program-in-path");
	assert_contains(r.err, "exec \"no-such-program-in-path\"");
	EXEC_EXPECT(c, &r, 126, id, "/etc/passwd");
	assert_contains(r.err, "exec \"/etc/passwd\": Permission denied");
	/* The container is unharmed by all this. */
	char *status = husk_status(c, id);
	cr_assert_str_eq(status, "running");
	free(status);
	hres_free(&r);
}

/*
 * Every namespace of the exec'd process is the workload's (PID 2: PID 1 is
 * non-dumpable, its /proc/1/ns is closed to the container).
 */
HTEST(exec, joins_the_containers_namespaces)
{
	struct hres r = { 0 };
	const char *id = start_workload(c, (struct bundle_cfg){ 0 });

	EXEC_EXPECT(c, &r, 0, id, "sh", "-c",
		    "for n in pid mnt net ipc uts user cgroup time; do"
		    "  [ \"$(readlink /proc/2/ns/$n)\" = \"$(readlink /proc/self/ns/$n)\" ]"
		    "  || echo \"differs: $n\"; done; echo checked");
	cr_assert_str_eq(r.out, "checked\n");

	EXEC_EXPECT(c, &r, 0, id, "hostname");
	cr_assert_str_eq(r.out, "husk\n");
	EXEC_EXPECT(c, &r, 0, id, "cat", "/tmp/mark");
	cr_assert_str_eq(r.out, "from-the-workload\n", "the workload's /tmp is not ours");

	/* husk-init is PID 1, the workload PID 2, and the exec'd ps is there too. */
	EXEC_EXPECT(c, &r, 0, id, "ps", "-o", "pid,ppid,args");
	char *ps = squeeze(r.out);
	assert_contains(ps, " 1 0 {memfd:husk-init} husk-init -- /bin/sh -c");
	assert_contains(ps, " 2 1 sleep 100");
	assert_contains(ps, " 0 ps -o pid,ppid,args");
	free(ps);

	EXEC_EXPECT(c, &r, 0, id, "cat", "/proc/self/uid_map");
	char *map = squeeze(r.out), *want;
	if (c->mode == MODE_ROOT)
		want = strdup("0 0 4294967295");
	else
		cr_assert(asprintf(&want, "0 %u 1", (unsigned)c->uid) > 0);
	cr_assert_str_eq(map, want);
	free(map);
	free(want);
	hres_free(&r);
}

/* --env adds and overrides, --cwd and --user replace the container's. */
HTEST(exec, env_cwd_user)
{
	struct hres r = { 0 };
	char umap[256] = "", gmap[256] = "";
	unsigned us, uc, gs, gc;

	if (c->mode == MODE_ROOTLESS) {
		/* uid 65534 exists inside only with a subordinate range. */
		subid_range(c, "/etc/subuid", &us, &uc);
		subid_range(c, "/etc/subgid", &gs, &gc);
		snprintf(umap, sizeof(umap), "[{\"containerID\": 0, \"hostID\": %u, \"size\": 1},"
			 " {\"containerID\": 1, \"hostID\": %u, \"size\": %u}]", c->uid, us, uc);
		snprintf(gmap, sizeof(gmap), "[{\"containerID\": 0, \"hostID\": %u, \"size\": 1},"
			 " {\"containerID\": 1, \"hostID\": %u, \"size\": %u}]", c->gid, gs, gc);
	}
	const char *id = start_workload(c, (struct bundle_cfg){
		.uid_mappings = umap[0] ? umap : NULL, .gid_mappings = gmap[0] ? gmap : NULL });

	EXEC_EXPECT(c, &r, 0, "-e", "FOO=bar", "--env", "TERM=dumb", id, "env");
	assert_contains(r.out, "FOO=bar\n");
	assert_contains(r.out, "TERM=dumb\n");
	assert_not_contains(r.out, "TERM=xterm");
	assert_contains(r.out, c->token);       /* the container's own env stays */

	EXEC_EXPECT(c, &r, 0, "--cwd", "/tmp", id, "pwd");
	cr_assert_str_eq(r.out, "/tmp\n");
	EXEC_EXPECT(c, &r, 0, id, "pwd");
	cr_assert_str_eq(r.out, "/\n", "without --cwd the container's cwd applies");

	EXEC_EXPECT(c, &r, 0, "-u", "65534:65534", "--additional-gids", "10", id, "id");
	assert_contains(r.out, "uid=65534");
	assert_contains(r.out, "gid=65534");
	assert_contains(r.out, "groups=10");
	EXEC_EXPECT(c, &r, 0, id, "id", "-u");
	cr_assert_str_eq(r.out, "0\n", "without --user the container's user applies");

	HUSK(c, &r, "exec", "--cwd", "relative", id, "pwd");
	assert_husk_fails(&r);
	assert_contains(r.err, "--cwd \"relative\": must be an absolute path");
	HUSK(c, &r, "exec", "-e", "NOEQUALS", id, "true");
	assert_husk_fails(&r);
	assert_contains(r.err, "KEY=VALUE");
	HUSK(c, &r, "exec", "--cwd", "/no/such/dir", id, "pwd");
	assert_husk_fails(&r);
	assert_contains(r.err, "/no/such/dir");
	hres_free(&r);
}

/* A whole OCI process from a file, as engines pass it; errors name the JSON path. */
HTEST(exec, process_file)
{
	struct hres r = { 0 };
	const char *id = start_workload(c, (struct bundle_cfg){ 0 });
	char *file = hpath(c, "process.json");
	char *bad = hpath(c, "bad.json");

	write_text(file, "{\"args\": [\"sh\", \"-c\","
		   " \"echo $GREETING; pwd; id -u; echo token=$HUSK_IT_TOKEN\"],"
		   " \"env\": [\"PATH=/bin:/usr/bin\", \"GREETING=from-process-json\"],"
		   " \"cwd\": \"/etc\", \"user\": {\"uid\": 0, \"gid\": 0}}");
	chown_to_user(c, file);
	write_text(bad, "{\"args\": [], \"cwd\": \"/\"}");
	chown_to_user(c, bad);

	/* Exactly the file's env: nothing of config.json's (no token). */
	EXEC_EXPECT(c, &r, 0, "--process", file, id);
	cr_assert_str_eq(r.out, "from-process-json\n/etc\n0\ntoken=\n");
	EXEC_EXPECT(c, &r, 0, "-p", file, id);
	HUSK(c, &r, "exec", "--process", bad, id);
	assert_husk_fails(&r);
	assert_contains(r.err, ".args");
	HUSK(c, &r, "exec", "--process", file, "-e", "A=b", id);
	assert_husk_fails(&r);
	assert_contains(r.err, "--env cannot be combined");
	HUSK(c, &r, "exec", "--process", file, id, "echo", "extra");
	assert_husk_fails(&r);
	HUSK(c, &r, "exec", id);
	assert_husk_fails(&r);
	assert_contains(r.err, "needs a command");
	free(file);
	free(bad);
	hres_free(&r);
}

/*
 * podman 4's exec process: ambient capabilities and no inheritable list.
 * It runs (as under runc and crun), nothing is raised into ambient, and
 * --debug, only --debug, names what was not raised.
 */
HTEST(exec, process_file_ambient_without_inheritable)
{
	static const char caps[] = "[\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]";
	struct hres r = { 0 };
	const char *id = start_workload(c, (struct bundle_cfg){ 0 });
	char *file = hpath(c, "process.json");
	char *text;

	cr_assert(asprintf(&text, "{\"args\": [\"sh\", \"-c\", \"grep CapAmb /proc/self/status\"],"
			   " \"env\": [\"PATH=/bin:/usr/bin\"], \"cwd\": \"/\","
			   " \"user\": {\"uid\": 0, \"gid\": 0}, \"capabilities\": {"
			   "\"bounding\": %s, \"effective\": %s, \"permitted\": %s,"
			   " \"ambient\": %s}}", caps, caps, caps, caps) > 0);
	write_text(file, text);
	chown_to_user(c, file);
	EXEC_EXPECT(c, &r, 0, "--process", file, id);
	cr_assert_str_eq(r.out, "CapAmb:\t0000000000000000\n");
	cr_assert_str_eq(r.err, "", "stderr without --debug:\n%s", r.err);
	HUSK(c, &r, "--debug", "exec", "--process", file, id);
	assert_husk_ok(&r);
	assert_contains(r.err, ".process.capabilities.ambient: not raised: CAP_KILL, "
			"CAP_NET_BIND_SERVICE, CAP_AUDIT_WRITE");
	free(text);
	free(file);
	hres_free(&r);
}

/* The host view of pid's pid namespace ("pid:[...]"), or "" when it is gone. */
static void pidns_of(pid_t pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	n = readlink(path, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
}

/*
 * `exec -d --pid-file` returns only once the command itself runs: the pid
 * file names the command, never husk-init on its way there.  The window
 * was a few hundred microseconds wide, so the check runs several times.
 */
#define DETACH_ROUNDS 50

HTEST(exec, detach_with_pid_file)
{
	struct hres r = { 0 };
	const char *id = start_workload(c, (struct bundle_cfg){ 0 });
	char *pidfile = hpath(c, "exec.pid");
	char ns_exec[64], ns_init[64];

	HUSK(c, &r, "state", id);
	assert_husk_ok(&r);
	hjson v = json_parse_or_fail(r.out, "husk state");
	pid_t init = (pid_t)json_int(JSON_AT(v, "pid"));
	json_free(v);
	pidns_of(init, ns_init, sizeof(ns_init));

	for (int round = 0; round < DETACH_ROUNDS; round++) {
		unlink(pidfile);
		EXEC_EXPECT(c, &r, 0, "-d", "--pid-file", pidfile, id, "sleep", "100");
		char *text = read_text(pidfile);
		cr_assert(text, "no pid file at %s", pidfile);
		pid_t pid = (pid_t)atoi(text);
		cr_assert_gt(pid, 0);

		char cmdline[64];
		snprintf(cmdline, sizeof(cmdline), "/proc/%d/cmdline", (int)pid);
		char *cmd = read_text(cmdline);
		cr_assert(cmd && strcmp(cmd, "sleep") == 0,
			  "round %d: pid %d is not the sleep yet (cmdline \"%s\")", round, (int)pid,
			  cmd ? cmd : "(none)");
		pidns_of(pid, ns_exec, sizeof(ns_exec));
		cr_assert(ns_exec[0] && strcmp(ns_exec, ns_init) == 0,
			  "the detached process is in %s, the container in %s", ns_exec, ns_init);
		kill(pid, SIGKILL);
		free(cmd);
		free(text);
	}
	free(pidfile);
	hres_free(&r);
}

/*
 * A command husk finds but the kernel will not run (husk-init's own execve
 * fails) is reported by `exec -d` as by a foreground exec: the same message,
 * exit 126 (cannot be executed) or 127 (its interpreter does not exist), and
 * no pid file.
 */
HTEST(exec, detach_reports_exec_failure)
{
	struct hres r = { 0 };
	const char *id = start_workload(c, (struct bundle_cfg){ 0 });
	char *pidfile = hpath(c, "exec.pid");
	char *garbage = NULL, *interp = NULL;

	cr_assert(asprintf(&garbage, "%s/bad-elf", c->rootfs) > 0);
	cr_assert(asprintf(&interp, "%s/bad-interp", c->rootfs) > 0);
	write_text(garbage, "not a program at all\n");
	write_text(interp, "#!/no/such/interpreter\n");
	cr_assert(chmod(garbage, 0755) == 0 && chmod(interp, 0755) == 0);

	EXEC_EXPECT(c, &r, 126, "-d", "--pid-file", pidfile, id, "/bad-elf");
	assert_contains(r.err, "husk: exec \"/bad-elf\": Exec format error");
	cr_assert_null(read_text(pidfile), "a pid file for a command that never ran");
	EXEC_EXPECT(c, &r, 126, id, "/bad-elf");
	assert_contains(r.err, "husk: exec \"/bad-elf\": Exec format error");

	EXEC_EXPECT(c, &r, 127, "-d", "--pid-file", pidfile, id, "/bad-interp");
	assert_contains(r.err, "husk: exec \"/bad-interp\": No such file or directory");
	cr_assert_null(read_text(pidfile), "a pid file for a command that never ran");
	EXEC_EXPECT(c, &r, 127, id, "/bad-interp");
	assert_contains(r.err, "husk: exec \"/bad-interp\": No such file or directory");

	char *status = husk_status(c, id);
	cr_assert_str_eq(status, "running");
	free(status);
	free(garbage);
	free(interp);
	free(pidfile);
	hres_free(&r);
}

/* SIGTERM to a foreground `husk exec` reaches the command; its status comes back. */
HTEST(exec, forwards_signals)
{
	struct hres r = { 0 };
	struct hproc p;
	const char *id = start_workload(c, (struct bundle_cfg){ 0 });
	char *trapped = hpath(c, "out/trapped");

	husk_spawn(c, &p, NULL, ARGS("exec", id, "sh", "-c",
				     "trap 'exit 42' TERM; touch /out/trapped;"
				     " while :; do sleep 0.05; done"));
	cr_assert(wait_file(trapped, 5000), "the exec'd command never set its trap");
	kill(p.pid, SIGTERM);
	hproc_wait(&p, &r, HUSK_CALL_TIMEOUT);
	cr_assert_eq(r.code, 42, "want 42, got %d; stderr: %s", r.code, r.err);
	free(trapped);
	hres_free(&r);
}

HTEST(exec, refuses_missing_stopped_and_created)
{
	struct hres r = { 0 };
	const char *id = hctx_new_id(c);

	HUSK(c, &r, "exec", id, "true");
	assert_husk_fails(&r);
	cr_assert_eq(r.code, 1);
	assert_contains(r.err, "does not exist");

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") });
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, id);
	assert_husk_ok(&r);
	cr_assert(wait_status(c, id, "stopped", 5000), "the container did not stop");
	HUSK(c, &r, "exec", id, "true");
	assert_husk_fails(&r);
	cr_assert_eq(r.code, 1);
	assert_contains(r.err, "is not running");

	/* Until start, the container's init is husk itself: nothing may join it. */
	const char *created = hctx_new_id(c);
	HUSK(c, &r, "create", "--bundle", c->bundle, created);
	assert_husk_ok(&r);
	HUSK(c, &r, "exec", created, "true");
	assert_husk_fails(&r);
	assert_contains(r.err, "not started");
	HUSK(c, &r, "exec", "--tty", created, "sh");
	assert_husk_fails(&r);
	assert_contains(r.err, "not supported");
	hres_free(&r);
}

/* The harness leaks fd 7 and a marker variable into husk: neither gets in. */
HTEST(exec, no_host_fds_or_environment)
{
	struct hres r = { 0 };
	const char *id = start_workload(c, (struct bundle_cfg){ 0 });
	char *file = hpath(c, "preserved");

	EXEC_EXPECT(c, &r, 0, id, "ls", "/proc/self/fd");
	cr_assert_str_eq(r.out, "0\n1\n2\n3\n", "fds inside (3 is ls's own):\n%s", r.out);
	EXEC_EXPECT(c, &r, 0, id, "env");
	assert_not_contains(r.out, HOST_SECRET_VAR);
	assert_not_contains(r.out, "HOME=");
	assert_not_contains(r.out, "XDG_RUNTIME_DIR");
	assert_contains(r.out, c->token);

	/* --preserve-fds passes exactly fd 3, still not the stray fd 7. */
	write_text(file, "preserved-content\n");
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	cr_assert(fd >= 0);
	struct hcall_opts o = { .fd3 = fd };
	HUSK_OPTS(c, &r, &o, "exec", "--preserve-fds", "1", id, "sh", "-c",
		  "read line <&3; echo \"$line\"; exec ls /proc/self/fd");
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "preserved-content\n0\n1\n2\n3\n4\n");

	/*
	 * With fd 3 given and 2 asked for, fd 4 is a gap husk's own --log file
	 * lands in: it is husk's (close-on-exec), not the caller's, and stays out.
	 */
	char *log = hpath(c, "husk.log");
	HUSK_OPTS(c, &r, &o, "--log", log, "exec", "--preserve-fds", "2", id, "sh", "-c",
		  "[ -e /proc/self/fd/4 ] && echo leaked || echo clean");
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "clean\n", "husk's log fd reached the process");
	free(log);
	close(fd);
	free(file);
	hres_free(&r);
}

/* Orphans an exec'd command leaves are reaped by the container's PID 1. */
HTEST(exec, orphans_go_to_pid1)
{
	struct hres r = { 0 };
	const char *id = start_workload(c, (struct bundle_cfg){ 0 });

	EXEC_EXPECT(c, &r, 0, id, "sh", "-c",
		    "(sleep 0.15 &); (sleep 0.15 &); sleep 0.05;"
		    " ps -o ppid,args | grep -c '^ *1 sleep 0.15'");
	cr_assert_str_eq(r.out, "2\n", "the orphans are not PID 1's children:\n%s", r.out);
	usleep(250 * 1000);
	EXEC_EXPECT(c, &r, 0, id, "sh", "-c", "ps -o stat | grep -c Z || true");
	cr_assert_str_eq(r.out, "0\n", "zombies left:\n%s", r.out);
	hres_free(&r);
}

/*
 * exec takes the container's config as pinned at create: editing the
 * bundle's config.json of a running container (or breaking it) changes
 * nothing about the next exec, as with runc; a pinned copy changed behind
 * husk's back is refused, not used.
 */
HTEST(exec, config_pinned_at_create)
{
	struct hres r = { 0 };
	const char *id = start_workload(c, (struct bundle_cfg){ 0 });
	char *config = hpath(c, "bundle/config.json");
	char *pinned = NULL;

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/true"),
					      .env = ARGS("PINNED=changed") });
	EXEC_EXPECT(c, &r, 0, id, "env");
	cr_assert(!strstr(r.out, "PINNED="), "exec used the edited bundle:\n%s", r.out);
	cr_assert(strstr(r.out, c->token), "exec lost the container's env:\n%s", r.out);

	write_text(config, "{ not json");
	EXEC_EXPECT(c, &r, 0, id, "echo", "still");
	cr_assert_str_eq(r.out, "still\n");

	cr_assert(asprintf(&pinned, "%s/%s/config.json", c->state, id) > 0);
	cr_assert(access(pinned, F_OK) == 0, "no pinned config at %s", pinned);
	FILE *f = fopen(pinned, "a");
	cr_assert_not_null(f);
	fputs(" ", f);
	fclose(f);
	HUSK(c, &r, "exec", id, "true");
	cr_assert_neq(r.code, 0);
	assert_contains(r.err, "was changed since create");
	free(pinned);
	free(config);
	hres_free(&r);
}
