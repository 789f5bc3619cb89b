// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rootfs swapped for a symlink while husk creates the container.
 *
 * husk opens .root.path once, before it clones the container process; the
 * container must be built from that directory even when the bundle's
 * rootfs is, by the time the container process builds its root, a symlink
 * to another tree (here a copy with a different /marker; in an attack, the
 * host's /).  The swap is made deterministic with ptrace, from the test
 * only: husk is started through a wrapper that stops itself, the test
 * seizes it and lets it run until it clones the container process; both
 * stay stopped while the test swaps the rootfs, then go on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "integration/harness.h"

/* husk, started through a script that stops itself first (so it can be seized). */
static void spawn_stopped(struct hctx *c, struct hproc *p, const char *const argv[])
{
	char *wrapper = hpath(c, "husk-stopped.sh"), *text;
	char *real = strdup(getenv("HUSK_BIN"));
	int status = 0;

	cr_assert(asprintf(&text, "#!/bin/sh\nkill -STOP $$\nexec '%s' \"$@\"\n", real) > 0);
	write_text(wrapper, text);
	cr_assert(chmod(wrapper, 0755) == 0);
	chown_to_user(c, wrapper);
	/* husk_spawn() runs $HUSK_BIN; this test process is the only reader. */
	setenv("HUSK_BIN", wrapper, 1);
	husk_spawn(c, p, NULL, argv);
	setenv("HUSK_BIN", real, 1);
	cr_assert(waitpid(p->pid, &status, WUNTRACED) == p->pid && WIFSTOPPED(status),
		  "the wrapper did not stop itself (status 0x%x)", status);
	free(text);
	free(real);
	free(wrapper);
}

/*
 * Seize the stopped husk, let it go on until its first fork or clone (the
 * container process: husk forks nothing before it), and return the new
 * process, stopped at its start; husk stays stopped in the clone.
 */
static pid_t stop_at_first_clone(pid_t pid)
{
	long opts = PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE;
	unsigned long child = 0;
	int status;

	cr_assert(ptrace(PTRACE_SEIZE, pid, 0, opts) == 0, "PTRACE_SEIZE: %s", strerror(errno));
	cr_assert(kill(pid, SIGCONT) == 0);
	for (;;) {
		int event, sig;

		cr_assert(waitpid(pid, &status, __WALL) == pid, "waitpid: %s", strerror(errno));
		cr_assert(WIFSTOPPED(status), "husk ended before it cloned (status 0x%x)", status);
		event = status >> 16;
		sig = WSTOPSIG(status);
		if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
		    event == PTRACE_EVENT_CLONE)
			break;
		/* A group-stop (PTRACE_EVENT_STOP) or a signal: go on, delivering it. */
		cr_assert(ptrace(PTRACE_CONT, pid, 0, event ? 0 : sig) == 0);
	}
	cr_assert(ptrace(PTRACE_GETEVENTMSG, pid, 0, &child) == 0);
	cr_assert(waitpid((pid_t)child, &status, __WALL) == (pid_t)child && WIFSTOPPED(status),
		  "the container process did not stop at its start");
	return (pid_t)child;
}

/*
 * Run `cat /marker` (rootfs/marker: "original") and, once husk has cloned
 * the container process, swap in a tree whose marker says "swapped":
 * either the rootfs itself becomes a symlink to it, or (parent) the
 * bundle directory becomes a symlink to a bundle holding it.
 */
static void swap_after_the_open(struct hctx *c, bool parent)
{
	char *marker = hpath(c, "bundle/rootfs/marker"), *evil_bundle = hpath(c, "evil");
	char *evil = hpath(c, "evil/rootfs"), *evil_marker = hpath(c, "evil/rootfs/marker");
	const char *moved = parent ? c->bundle : c->rootfs;
	const char *target = parent ? evil_bundle : evil;
	char *orig;
	struct hres r = { 0 };
	struct hproc p;
	pid_t child;

	cr_assert(asprintf(&orig, "%s.orig", moved) > 0);
	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/cat", "/marker") });
	write_text(marker, "original\n");
	chown_to_user(c, marker);
	run_as_user(c, &r, ARGS("/bin/mkdir", evil_bundle));
	assert_husk_ok(&r);
	run_as_user(c, &r, ARGS("/bin/cp", "-a", c->rootfs, evil));
	assert_husk_ok(&r);
	write_text(evil_marker, "swapped\n");

	spawn_stopped(c, &p, ARGS("run", "--bundle", c->bundle, c->id));
	child = stop_at_first_clone(p.pid);
	/* husk has opened the rootfs; the container process has not built its root. */
	cr_assert(rename(moved, orig) == 0, "rename %s: %s", moved, strerror(errno));
	cr_assert(symlink(target, moved) == 0, "symlink: %s", strerror(errno));
	cr_assert(lchown(moved, c->uid, c->gid) == 0);
	cr_assert(ptrace(PTRACE_DETACH, child, 0, 0) == 0, "detach: %s", strerror(errno));
	cr_assert(ptrace(PTRACE_DETACH, p.pid, 0, 0) == 0, "detach: %s", strerror(errno));

	hproc_wait(&p, &r, HUSK_CALL_TIMEOUT);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "original\n", "the container was not built from the rootfs "
			 "husk opened:\n%s", r.out);
	free(marker);
	free(evil_bundle);
	free(evil);
	free(evil_marker);
	free(orig);
	hres_free(&r);
}

/* The rootfs itself becomes a symlink to another tree. */
HTEST(attacks_rootfs, rootfs_swapped_for_a_symlink_after_the_open)
{
	swap_after_the_open(c, false);
}

/* The bundle directory above it becomes a symlink to another bundle. */
HTEST(attacks_rootfs, bundle_swapped_for_a_symlink_after_the_open)
{
	swap_after_the_open(c, true);
}
