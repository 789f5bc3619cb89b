// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The create/run flags that change how the container is built, and
 * `kill --all`: --no-pivot, --no-new-keyring, --preserve-fds with more than
 * one fd, and signals that reach every process of the pid namespace, not
 * just PID 1 (husk-init, which forwards to the workload only).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <seccomp.h>

#include "integration/harness.h"

/* ---- --no-pivot ---------------------------------------------------------- */

/*
 * With --no-pivot the rootfs is moved onto "/" and chrooted into instead
 * of pivot_root: "/" must still be the bundle's rootfs (a marker file made
 * in it is at /, the host's /home is not), and the uts and pid namespaces
 * still hold.  (From inside, a chroot and a pivot look alike short of a
 * chroot escape, which the default capabilities do not allow; what this
 * guards is that the flag is accepted and its path builds a container.)
 */
HTEST(flags, no_pivot)
{
	struct hres r = { 0 };
	char *marker = hpath(c, "bundle/rootfs/husk-marker");
	char want[128];

	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c",
			     "cat /husk-marker; hostname; echo $$; "
			     "[ -e /home ] && echo host-home-visible; echo end") });
	snprintf(want, sizeof(want), "%s\n", c->token);
	write_text(marker, want);
	chown_to_user(c, marker);
	HUSK(c, &r, "run", "--no-pivot", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	snprintf(want, sizeof(want), "%s\nhusk\n%d\nend\n", c->token, WORKLOAD_PID);
	cr_assert_str_eq(r.out, want, "inside with --no-pivot:\n%s\n--- stderr:\n%s", r.out, r.err);
	free(marker);
	hres_free(&r);
}

/* ---- --no-new-keyring ---------------------------------------------------- */

static long keyctl_session_id(void)
{
	/* KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, do not create */
	return syscall(SYS_keyctl, 0, -3, 0);
}

/* Run the keyring probe, with or without --no-new-keyring; what it printed. */
static char *probe_keyring(struct hctx *c, bool no_new_keyring)
{
	struct hres r = { 0 };
	const char *id = hctx_new_id(c);

	if (no_new_keyring)
		HUSK(c, &r, "run", "--no-new-keyring", "--bundle", c->bundle, id);
	else
		HUSK(c, &r, "run", "--bundle", c->bundle, id);
	assert_husk_ok(&r);
	char *line = strdup(r.out);
	hres_free(&r);
	return line;
}

/*
 * By default every container joins a fresh anonymous session keyring, so
 * no key of the caller's is reachable and two containers share none: two
 * runs print two different ids, neither the caller's.  --no-new-keyring
 * keeps the caller's session keyring: both runs print its id.  The test
 * joins a session keyring of its own first, so that "the caller's" is one
 * known keyring in both modes (husk inherits it across the uid change the
 * harness makes; it is possessed, so the container may look it up).
 */
HTEST(flags, no_new_keyring)
{
	char mine[32];

	cr_assert(syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, NULL) >= 0,
		  "keyctl(JOIN_SESSION_KEYRING): %s", strerror(errno));
	long own = keyctl_session_id();
	cr_assert_gt(own, 0, "keyctl(GET_KEYRING_ID): %s", strerror(errno));
	snprintf(mine, sizeof(mine), "%ld\n", own);

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/probes/keyring") });
	char *fresh1 = probe_keyring(c, false);
	char *fresh2 = probe_keyring(c, false);
	char *kept1 = probe_keyring(c, true);
	char *kept2 = probe_keyring(c, true);

	cr_assert(atol(fresh1) > 0 && atol(fresh2) > 0, "no keyring id by default: \"%s\", \"%s\"",
		  fresh1, fresh2);
	cr_assert_str_neq(fresh1, fresh2, "two containers share a session keyring (%s)", fresh1);
	cr_assert_str_neq(fresh1, mine, "a container has the caller's session keyring");
	cr_assert_str_neq(fresh2, mine, "a container has the caller's session keyring");
	cr_assert_str_eq(kept1, mine, "--no-new-keyring: want the caller's keyring %s", mine);
	cr_assert_str_eq(kept2, mine, "--no-new-keyring: want the caller's keyring %s", mine);
	free(fresh1);
	free(fresh2);
	free(kept1);
	free(kept2);
}

/* ---- kill --all ---------------------------------------------------------- */

/*
 * Live (not zombie) processes of this test whose command line is exactly
 * `argv0 arg1` (NUL-separated in /proc/PID/cmdline).
 */
static int count_live_cmd(const struct hctx *c, const char *argv0, const char *arg1)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char want[128];
	int n = 0;
	size_t wlen = (size_t)snprintf(want, sizeof(want), "%s%c%s%c", argv0, 0, arg1, 0);

	cr_assert(d);
	while ((e = readdir(d))) {
		int pid = atoi(e->d_name);
		char path[64], buf[4096];
		ssize_t len;
		int fd;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof(buf));
		close(fd);
		/* A zombie's cmdline is empty. */
		if (len != (ssize_t)wlen || memcmp(buf, want, wlen) != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/environ", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len > 0 && memmem(buf, (size_t)len, c->token, strlen(c->token)))
			n++;
	}
	closedir(d);
	return n;
}

/* Poll until count_live_cmd() is `want`; false after timeout_ms. */
static bool wait_live_cmd(const struct hctx *c, const char *argv0, const char *arg1, int want,
			  int timeout_ms)
{
	for (int waited = 0;; waited += 20) {
		if (count_live_cmd(c, argv0, arg1) == want)
			return true;
		if (waited >= timeout_ms)
			return false;
		usleep(20 * 1000);
	}
}

/* Poll until count_token_procs() is `want`. */
static bool wait_token_procs(const struct hctx *c, int want, int timeout_ms)
{
	for (int waited = 0;; waited += 20) {
		if (count_token_procs(c) == want)
			return true;
		if (waited >= timeout_ms)
			return false;
		usleep(20 * 1000);
	}
}

/*
 * kill --all KILL: every process of the container goes, the container is
 * stopped.  (4 processes: husk-init, sh and its two background sleeps.)
 */
HTEST(kill, all_kill_stops_everything)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c", "sleep 100 & sleep 100 & wait") });
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert(wait_status(c, c->id, "running", 5000));
	cr_assert(wait_live_cmd(c, "sleep", "100", 2, 5000), "the two sleeps never started");

	HUSK(c, &r, "kill", "--all", c->id, "KILL");
	assert_husk_ok(&r);
	cr_assert(wait_status(c, c->id, "stopped", 5000), "kill --all KILL did not stop it");
	cr_assert(wait_token_procs(c, 0, 2000), "%d process(es) of the container survived",
		  count_token_procs(c));
	hres_free(&r);
}

/*
 * What --all adds.  The workload (sh) traps TERM; its two background
 * sleeps do not.  A plain `kill TERM` goes to husk-init, which forwards it
 * to the workload only: sh notes it, the sleeps live on.  `kill --all TERM`
 * signals every process of the pid namespace: the sleeps die of it, sh
 * survives (trapped) and husk-init too (it only forwards), so the
 * container keeps running.  `kill --all KILL` then ends it all.
 */
HTEST(kill, all_term_reaches_every_process)
{
	struct hres r = { 0 };
	char *got = hpath(c, "out/got");
	char *ready = hpath(c, "out/ready");

	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c",
			     "sleep 1000 & sleep 1001 & "
			     "trap 'echo TERM >> /out/got' TERM; echo > /out/ready; "
			     "while :; do wait; sleep 0.1; done"),
		.bind_out = true });
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert(wait_file(ready, 5000), "the workload never got ready");
	cr_assert(wait_live_cmd(c, "sleep", "1000", 1, 5000) &&
		  wait_live_cmd(c, "sleep", "1001", 1, 5000),
		  "the background sleeps never started");

	HUSK(c, &r, "kill", c->id, "TERM");
	assert_husk_ok(&r);
	cr_assert(wait_file(got, 5000), "sh never saw the forwarded TERM");
	usleep(200 * 1000);
	cr_assert_eq(count_live_cmd(c, "sleep", "1000") + count_live_cmd(c, "sleep", "1001"), 2,
		     "a plain kill reached the background sleeps");

	HUSK(c, &r, "kill", "--all", c->id, "TERM");
	assert_husk_ok(&r);
	cr_assert(wait_live_cmd(c, "sleep", "1000", 0, 5000) &&
		  wait_live_cmd(c, "sleep", "1001", 0, 5000),
		  "kill --all TERM did not reach the background sleeps");
	char *status = husk_status(c, c->id);
	cr_assert_str_eq(status ? status : "(none)", "running",
			 "sh traps TERM and husk-init forwards it: the container should run on");
	free(status);

	HUSK(c, &r, "kill", "--all", c->id, "KILL");
	assert_husk_ok(&r);
	cr_assert(wait_status(c, c->id, "stopped", 5000));
	cr_assert(wait_token_procs(c, 0, 2000), "%d process(es) of the container survived",
		  count_token_procs(c));
	free(got);
	free(ready);
	hres_free(&r);
}

/* ---- --preserve-fds ------------------------------------------------------ */

/*
 * --preserve-fds 2: fds 3 and 4 of husk reach the workload, fd 5 (also
 * open in husk, not close-on-exec) does not.  The harness hands husk at
 * most fd 3, so husk is started through a shell that opens 3, 4 and 5 and
 * execs it, as the context's user, with husk's usual environment.  Inside,
 * `echo end` keeps busybox sh from exec'ing the last command (ls) in its
 * own place, where /proc/$$/fd would list ls's directory fd as well.
 */
HTEST(flags, preserve_two_fds)
{
	struct hres r = { 0 };
	char *script;

	for (int i = 3; i <= 5; i++) {
		char rel[16], text[32];
		snprintf(rel, sizeof(rel), "fd%d", i);
		snprintf(text, sizeof(text), "content-of-%d\n", i);
		char *path = hpath(c, rel);
		write_text(path, text);
		free(path);
	}
	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c",
			     "read a <&3; read b <&4; echo \"$a $b\"; "
			     "[ -e /proc/$$/fd/5 ] && echo fd5-leaked; "
			     "ls /proc/$$/fd; echo end") });
	cr_assert(asprintf(&script,
			   "cd %s && exec 3<fd3 4<fd4 5<fd5 && "
			   "exec env HOME=%s %s%s %s --root %s run --preserve-fds 2 --bundle %s %s",
			   c->work, c->work, c->mode == MODE_ROOTLESS ? "XDG_RUNTIME_DIR=" : "",
			   c->mode == MODE_ROOTLESS ? c->run_dir : "", getenv("HUSK_BIN"), c->state,
			   c->bundle, c->id) > 0);
	run_as_user(c, &r, ARGS("/bin/sh", "-c", script));
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "content-of-3 content-of-4\n0\n1\n2\n3\n4\nend\n",
			 "inside with --preserve-fds 2:\n%s", r.out);
	free(script);
	hres_free(&r);
}

/* --version in runc's shape, with the libraries a bug report needs. */
HTEST(flags, version_names_spec_libseccomp_and_libc)
{
	struct hres r = { 0 };
	const struct scmp_version *v = seccomp_version();
	char want[64];

	HUSK(c, &r, "--version");
	assert_husk_ok(&r);
	cr_assert(strncmp(r.out, "husk version ", 13) == 0, "got:\n%s", r.out);
	assert_contains(r.out, "\nspec: 1.");
	snprintf(want, sizeof(want), "\nlibseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
	assert_contains(r.out, want);
	cr_assert(strstr(r.out, "\nlibc: musl, static\n") || strstr(r.out, "\nlibc: glibc 2."),
		  "no libc line in:\n%s", r.out);
	hres_free(&r);
}

/* ---- --rootless ------------------------------------------------------------ */

/* The "rootless" field of the container's state.json. */
static bool recorded_rootless(struct hctx *c, const char *id)
{
	char *path, *text;
	hjson v, b;
	bool yes;

	cr_assert(asprintf(&path, "%s/%s/state.json", c->state, id) > 0);
	text = read_text(path);
	cr_assert(text, "no %s", path);
	v = json_parse_or_fail(text, "state.json");
	b = JSON_AT(v, "rootless");
	cr_assert(b, "state.json has no \"rootless\":\n%s", text);
	yes = json_is_true(b);
	json_free(v);
	free(text);
	free(path);
	return yes;
}

/*
 * The global --rootless: auto (the default) is true for a user and false
 * for the host's root; true and false override it and are recorded, and
 * neither changes how the container is built (a user still gets its user
 * namespace with --rootless false), only whether a cgroup husk cannot make
 * is an error (false) or a notice (true).
 */
HTEST(flags, rootless_is_recorded_in_the_state)
{
	struct hres r = { 0 };
	const char *yes = hctx_new_id(c), *no = hctx_new_id(c);

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/true") });
	HUSK(c, &r, "create", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert_eq(recorded_rootless(c, c->id), c->mode == MODE_ROOTLESS,
		     "--rootless auto as %s", c->mode_name);

	HUSK(c, &r, "--rootless", "true", "create", "--bundle", c->bundle, yes);
	assert_husk_ok(&r);
	cr_assert(recorded_rootless(c, yes), "--rootless true as %s", c->mode_name);

	/* false means what it means to runc: cgroups are expected to be husk's
	 * to make, so a user without a delegated cgroup gets the error. */
	HUSK(c, &r, "--rootless=false", "create", "--bundle", c->bundle, no);
	if (c->mode == MODE_ROOTLESS && r.code != 0) {
		assert_husk_fails(&r);
		assert_contains(r.err, "cgroup");
		char *dir = NULL;

		cr_assert(asprintf(&dir, "%s/%s", c->state, no) > 0);
		cr_assert(access(dir, F_OK) < 0, "the failed create left %s", dir);
		free(dir);
	} else {
		assert_husk_ok(&r);
		cr_assert_not(recorded_rootless(c, no), "--rootless false as %s", c->mode_name);
	}

	HUSK(c, &r, "--rootless", "maybe", "state", c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, "--rootless \"maybe\": use true, false or auto");
	hres_free(&r);
}
