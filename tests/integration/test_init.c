// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * husk-init as the container's PID 1, seen from the outside: the process
 * tree, signals reaching the workload, a zombie storm, turning it off
 * (--no-init, io.husk.init=false), and the runc CVE-2019-5736 class of
 * attacks: from inside a container, through `run` and through `exec`,
 * nothing may open the host's husk binary, write PID 1's executable, read
 * husk's environment or memory out of PID 1, or ptrace PID 1
 * (probes/attack.c does the attacking).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "integration/harness.h"

/* `husk run` args in a fresh container, foreground; the result in r. */
static void run_args(struct hctx *c, struct hres *r, const char *const *args)
{
	bundle_write(c, &(struct bundle_cfg){ .args = args });
	HUSK(c, r, "run", "--bundle", c->bundle, hctx_new_id(c));
}

HTEST(init, is_pid1_with_the_workload_as_its_child)
{
	struct hres r = { 0 };

	run_args(c, &r, ARGS("ps", "-o", "pid,ppid,args"));
	assert_husk_ok(&r);
	char *ps = squeeze(r.out);
	assert_contains(ps, " 1 0 {memfd:husk-init} husk-init -- ps -o pid,ppid,args");
	assert_contains(ps, " 2 1 ps -o pid,ppid,args");
	free(ps);
	hres_free(&r);
}

/* `husk kill ID TERM` goes to PID 1, which forwards it; the trap's status comes back. */
HTEST(init, sigterm_reaches_the_workload)
{
	struct hres r = { 0 }, k = { 0 };
	struct hproc p;
	char *trapped = hpath(c, "out/trapped");

	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c",
			     "trap 'exit 42' TERM; touch /out/trapped;"
			     " while :; do sleep 0.05; done"),
		.bind_out = true });
	husk_spawn(c, &p, NULL, ARGS("run", "--bundle", c->bundle, c->id));
	cr_assert(wait_file(trapped, 5000), "the workload never set its trap");
	HUSK(c, &k, "kill", c->id, "TERM");
	assert_husk_ok(&k);
	hproc_wait(&p, &r, HUSK_CALL_TIMEOUT);
	cr_assert_eq(r.code, 42, "want 42, got %d; stderr: %s", r.code, r.err);
	cr_assert_eq(count_dir_entries(c->state), 0, "run left its container behind");
	free(trapped);
	hres_free(&r);
	hres_free(&k);
}

/*
 * 300 orphans at once (each `(sleep 0.01 &)` leaves its sleep to PID 1):
 * none stays a zombie, seen from an exec'd ps, and the container still
 * stops cleanly afterwards.
 */
HTEST(init, orphan_storm_leaves_no_zombies)
{
	struct hres r = { 0 };
	char *spawned = hpath(c, "out/spawned");
	int zombies = -1, sleepers = -1;

	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c",
			     "i=0; while [ $i -lt 300 ]; do (sleep 0.01 &); i=$((i+1)); done;"
			     " touch /out/spawned; exec sleep 100"),
		.bind_out = true });
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert(wait_file(spawned, 10000), "the workload did not spawn its orphans");
	for (int i = 0; i < 100 && (zombies != 0 || sleepers != 0); i++) {
		HUSK(c, &r, "exec", c->id, "sh", "-c",
		     "ps -o stat | grep -c Z; ps -o args | grep -c '^sleep 0[.]01'");
		cr_assert(sscanf(r.out, "%d %d", &zombies, &sleepers) == 2, "ps: %s", r.out);
		if (zombies || sleepers)
			usleep(30 * 1000);
	}
	cr_assert_eq(zombies, 0, "%d zombies left in the container", zombies);
	cr_assert_eq(sleepers, 0, "%d orphans still running", sleepers);

	HUSK(c, &r, "kill", c->id, "TERM");
	assert_husk_ok(&r);
	cr_assert(wait_status(c, c->id, "stopped", 5000), "the container did not stop");
	HUSK(c, &r, "delete", c->id);
	assert_husk_ok(&r);
	free(spawned);
	hres_free(&r);
}

/*
 * The container process runs with every signal blocked until husk-init
 * takes over; the workload (forked, or exec'd in place with --no-init) and
 * an exec'd command still start with none blocked and none ignored.
 */
/* grep itself, not a shell: busybox sh ignores SIGQUIT when it is PID 1. */
#define SIGNAL_STATE "grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"
#define NO_SIGNAL_STATE "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n"

HTEST(init, workload_starts_with_no_signal_blocked)
{
	struct hres r = { 0 };
	const char *id = hctx_new_id(c);

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS(SIGNAL_STATE) });
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, NO_SIGNAL_STATE);
	HUSK(c, &r, "run", "--no-init", "--bundle", c->bundle, id);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, NO_SIGNAL_STATE, "--no-init");

	const char *running = hctx_new_id(c);
	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("sleep", "100") });
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, running);
	assert_husk_ok(&r);
	HUSK(c, &r, "exec", running, SIGNAL_STATE);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, NO_SIGNAL_STATE, "exec");
	hres_free(&r);
}

#define PID1_SCRIPT "echo $$; ps -o args"

static void assert_workload_is_pid1(const struct hres *r)
{
	assert_husk_ok(r);
	cr_assert(strncmp(r->out, "1\n", 2) == 0, "the workload is not PID 1:\n%s", r->out);
	assert_not_contains(r->out, "husk-init");
}

HTEST(init, no_init_flag_makes_the_workload_pid1)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sh", "-c", PID1_SCRIPT) });
	HUSK(c, &r, "run", "--no-init", "--bundle", c->bundle, c->id);
	assert_workload_is_pid1(&r);
	hres_free(&r);
}

HTEST(init, annotation_false_makes_the_workload_pid1)
{
	struct hres r = { 0 };
	char *text = bundle_config_text(c, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c", PID1_SCRIPT) });
	/* The template has no annotations: add them after "hostname". */
	char *edited = json_text_replace(
		text, "hostname", "\"husk\", \"annotations\": {\"io.husk.init\": \"false\"}");
	char *path = hpath(c, "bundle/config.json");

	bundle_make_rootfs(c);
	write_text(path, edited);
	chown_to_user(c, path);
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_workload_is_pid1(&r);
	free(path);
	free(edited);
	free(text);
	hres_free(&r);
}

/* ---- the CVE-2019-5736 class ------------------------------------------------ */

/* "DEV INO" of the husk binary the harness runs, as the probe takes them. */
static void husk_identity(char *dev, char *ino, size_t size)
{
	struct stat st;
	const char *bin = getenv("HUSK_BIN");

	cr_assert(bin && stat(bin, &st) == 0, "stat $HUSK_BIN");
	snprintf(dev, size, "%llu", (unsigned long long)st.st_dev);
	snprintf(ino, size, "%llu", (unsigned long long)st.st_ino);
}

/* The value of "key: value" in the probe's output ("" when missing). */
static char *probe_value(const char *out, const char *key)
{
	char *pat, *v;
	const char *at;

	cr_assert(asprintf(&pat, "%s: ", key) > 0);
	at = strstr(out, pat);
	v = strndup(at ? at + strlen(pat) : "", at ? strcspn(at + strlen(pat), "\n") : 0);
	free(pat);
	return v;
}

#define assert_probe(out, key, op, want)                                                  \
	do {                                                                              \
		char *_v = probe_value((out), (key));                                     \
		cr_assert(_v[0] && (strcmp(_v, (want)) op 0), "%s: %s (want %s%s)\n%s",  \
			  (key), _v, #op[0] == '=' ? "" : "not ", (want), (out));         \
		free(_v);                                                                 \
	} while (0)

/* What probes/attack pid1 must find, from the workload or from an exec. */
static void assert_pid1_unreachable(const char *out)
{
	assert_probe(out, "pid1-exe-wronly", !=, "OPENED");
	assert_probe(out, "self-exe-wronly", !=, "OPENED");
	assert_probe(out, "pid1-exe-is-husk", !=, "yes");
	assert_probe(out, "self-exe-is-husk", ==, "no");
	assert_probe(out, "self-fd-husk", ==, "no");
	assert_probe(out, "pid1-environ-secret", ==, "no");
	assert_probe(out, "pid1-mem-secret", ==, "no");
	/* With the configured capabilities (no CAP_SYS_PTRACE) and a
	 * non-dumpable husk-init, PID 1 is out of reach. */
	assert_probe(out, "cap-sys-ptrace", ==, "no");
	assert_probe(out, "pid1-ptrace", !=, "ATTACHED");
}

/* (a) and (c): from the workload itself (through run) and from an exec. */
HTEST(init, pid1_is_out_of_reach)
{
	struct hres r = { 0 };
	char dev[32], ino[32];

	husk_identity(dev, ino, sizeof(dev));
	run_args(c, &r, ARGS("/probes/attack", "pid1", dev, ino));
	assert_husk_ok(&r);
	assert_pid1_unreachable(r.out);

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "100") });
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	HUSK(c, &r, "exec", c->id, "/probes/attack", "pid1", dev, ino);
	assert_husk_ok(&r);
	assert_pid1_unreachable(r.out);
	hres_free(&r);
}

/* Replace the rootfs's /bin/sh by the 2019 exploit's script. */
static void make_sh_evil(struct hctx *c)
{
	char *sh = hpath(c, "bundle/rootfs/bin/sh");

	unlink(sh);
	write_text(sh, "#!/proc/self/exe\n");
	cr_assert(chmod(sh, 0755) == 0);
	chown_to_user(c, sh);
	free(sh);
}

/*
 * The evil /bin/sh run as the workload: the kernel runs /proc/self/exe of
 * the process that execs it, which must be husk-init (it refuses the
 * arguments: 125), never husk.
 */
static void evil_sh_through_run(struct hctx *c)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sh", "-c", "echo pwned") });
	make_sh_evil(c);
	HUSK(c, &r, "run", "--bundle", c->bundle, hctx_new_id(c));
	cr_assert_eq(r.code, 125, "the evil /bin/sh ran something else than husk-init: "
		     "exit %d\n%s%s", r.code, r.out, r.err);
	assert_contains(r.err, "husk-init: ");
	assert_not_contains(r.out, "pwned");
	hres_free(&r);
}

/* The root template with a user namespace of its own (ids 0.. mapped to 400000..). */
static char *config_with_userns(struct hctx *c, const char *const *args)
{
	char *text = bundle_config_text(c, &(struct bundle_cfg){ .args = args, .bind_out = true });
	char *edited = json_text_replace(
		text, "namespaces",
		"[{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},"
		" {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"},"
		" {\"type\": \"user\"}],"
		" \"uidMappings\": [{\"containerID\": 0, \"hostID\": 400000, \"size\": 65536}],"
		" \"gidMappings\": [{\"containerID\": 0, \"hostID\": 400000, \"size\": 65536}]");

	free(text);
	return edited;
}

/*
 * A hunter scans every /proc/PID/exe and /proc/PID/fd/N of the container
 * while the evil /bin/sh is exec'd into it again and again (each time the
 * exec'd process is husk's own until its final execveat): it must never
 * open the host's husk binary, let alone for writing.
 */
static void evil_sh_through_exec(struct hctx *c, bool userns)
{
	struct hres r = { 0 };
	char dev[32], ino[32];
	const char *id = hctx_new_id(c);
	char *ready = hpath(c, "out/hunt.ready"), *stop = hpath(c, "out/hunt.stop");
	char *report = hpath(c, "out/hunt"), *path = hpath(c, "bundle/config.json");

	husk_identity(dev, ino, sizeof(dev));
	unlink(ready);
	unlink(stop);
	unlink(report);
	const char *const *args = ARGS("/probes/attack", "hunt", dev, ino, "30000", "/out/hunt");
	bundle_write(c, &(struct bundle_cfg){ .args = args, .bind_out = true });
	if (userns) {
		char *text = config_with_userns(c, args);

		write_text(path, text);
		free(text);
	}
	make_sh_evil(c);
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, id);
	assert_husk_ok(&r);
	cr_assert(wait_file(ready, 5000), "the hunter did not start");
	for (int i = 0; i < 15; i++) {
		HUSK(c, &r, "exec", id, "/bin/sh", "-c", "echo pwned");
		cr_assert_eq(r.code, 125, "exec of the evil /bin/sh: exit %d\n%s%s", r.code, r.out,
			     r.err);
		assert_contains(r.err, "husk-init: ");
	}
	write_text(stop, "");
	cr_assert(wait_file(report, 5000), "the hunter wrote no report");
	char *text = read_text(report);
	assert_contains(text, "\nreached 0\n");
	assert_not_contains(text, "WRITE");
	cr_assert(strncmp(text, "passes ", 7) == 0 && atol(text + 7) > 0, "%s", text);
	free(text);
	free(ready);
	free(stop);
	free(report);
	free(path);
	hres_free(&r);
}

/*
 * (b): as root without a user namespace, as root with one, and rootless
 * with a husk binary the unprivileged user owns (so the file would be
 * writable by the container's root, were it reachable).
 */
HTEST(init, evil_sh_cannot_reach_husk)
{
	if (c->mode == MODE_ROOTLESS) {
		struct hres r = { 0 };
		char *dir = hpath(c, "bin"), *copy = hpath(c, "bin/husk");

		run_as_user(c, &r, ARGS("/bin/mkdir", dir));
		cr_assert_eq(r.code, 0, "%s", r.err);
		run_as_user(c, &r, ARGS("/bin/cp", getenv("HUSK_BIN"), copy));
		cr_assert_eq(r.code, 0, "%s", r.err);
		/* Criterion runs each test in its own process: only this test sees it. */
		setenv("HUSK_BIN", copy, 1);
		free(dir);
		free(copy);
		hres_free(&r);
	}
	evil_sh_through_run(c);
	evil_sh_through_exec(c, false);
	if (c->mode == MODE_ROOT)
		evil_sh_through_exec(c, true);
}
