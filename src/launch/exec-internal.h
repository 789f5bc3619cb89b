/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_LAUNCH_EXEC_INTERNAL_H
#define HUSK_LAUNCH_EXEC_INTERNAL_H

/*
 * `husk exec`, shared between its parent side (exec.c) and the two
 * processes it forks (exec-child.c).
 *
 *   husk exec ──clone──► joiner: non-dumpable, closes fds, oom score and LSM
 *      │                   label, setns() into the container (user first, one
 *      │                   call), keyring, rlimits, capabilities, user, cwd,
 *      │                   husk-init memfd, no_new_privs, command lookup;
 *      │                   then clone(CLONE_PARENT) ──► the exec'd process
 *      │                   (husk exec's child, in the container's pid
 *      │                   namespace): seccomp, execveat(husk-init --no-fork)
 *      ◄── sync: SECCOMP_FD from whichever loads a filter with SCMP_ACT_NOTIFY
 *          rules (the joiner without no_new_privs, else the exec'd process);
 *          husk exec hands it to .linux.seccomp.listenerPath, answers DONE
 *      ◄── sync: READY "<pid> <note>" (or ERROR) from the joiner, which exits
 *      ◄── sync: EOF once the command itself is exec'd (the socket is
 *          husk-init's --exec-fd), else EXEC_FAILED from the exec'd process
 *          or the int errno of husk-init's failed execve of the command
 *
 * Why two forks: a process enters a pid namespace only at birth, and
 * setns(CLONE_NEWPID) for our own children needs CAP_SYS_ADMIN in our own
 * user namespace, which a rootless husk has only after joining the
 * container's.  The joiner does both, so husk exec itself never changes
 * namespaces or credentials.  The joiner also does all the setup, so that
 * the only process of husk's the container can ever see is one a few
 * syscalls away from its final exec.  CLONE_PARENT makes that process husk
 * exec's own child: it is waited for and signalled without pid-reuse races.
 */

#include <stdbool.h>

#include "husk/launch.h"

struct security_plan;

struct exec_ctx {
	const struct launch_exec_opts *opts;
	const struct security_plan *security; /* compiled by husk exec */
	const struct husk_process *proc; /* opts->spec->process */
	bool unprivileged;          /* host_unprivileged(): euid != 0 (not host_rootless()) */
	int join_flags;             /* CLONE_NEW* of the namespaces that differ from ours */
	int init_pidfd;             /* the container's init, above the preserved range */
	int sync_fd;                /* the children's end of the sync socket */
};

/* The joiner: joins the container, sets up and clones the process.  Never returns. */
void exec_join_main(struct exec_ctx *ctx) __attribute__((noreturn));

#endif
