/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reaper.h — the pure core of husk-init, the container's PID 1.
 *
 * These functions hold the decisions of husk-init that do not need a process
 * tree to be checked: argument parsing, the exit-code mapping, the LISTEN_PID
 * rewrite and the PATH lookup.  They are compiled twice: with musl-gcc into
 * the static husk-init program, and with the normal compiler into the unit
 * tests.  So this header includes only what both C libraries provide and
 * nothing of husk: husk-init links nothing of husk.
 */
#ifndef HUSK_REAPER_CORE_H
#define HUSK_REAPER_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Exit codes of husk-init itself (the workload's own codes pass through). */
#define REAPER_EXIT_SETUP    125 /* husk called husk-init wrongly, or setup failed */
#define REAPER_EXIT_NOEXEC   126 /* the workload exists but cannot be executed */
#define REAPER_EXIT_NOTFOUND 127 /* the workload does not exist */

/* The PATH used when the workload's environment has none (as execvp would). */
#define REAPER_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* "LISTEN_PID=" plus a pid of up to 10 digits and the NUL. */
#define REAPER_LISTEN_PID_BUF 24

struct reaper_options {
	bool no_fork;	    /* --no-fork: exec the workload in place */
	bool pgroup;	    /* --pgroup: workload in its own group, signals go to the group */
	int exec_fd;	    /* --exec-fd N: report a failed exec of the workload there; -1 */
	char **argv;	    /* the workload's argv, NULL-terminated, argv[0] is the path */
};

int reaper_parse_args(int argc, char **argv, struct reaper_options *opts, const char **why,
		      const char **arg);
int reaper_exit_code(int wstatus);
int reaper_exec_failure_code(int err);
const char *reaper_env_get(char *const *envp, const char *name);
int reaper_env_set_listen_pid(char **envp, pid_t pid, char buf[REAPER_LISTEN_PID_BUF]);
int reaper_execvpe(const char *file, char *const argv[], char *const envp[]);

#endif
