/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_LAUNCH_INITEXEC_H
#define HUSK_LAUNCH_INITEXEC_H

/*
 * The last step of every process husk starts inside a container: execute
 * the embedded husk-init from a sealed memfd, which then runs the workload
 * (forking and staying as PID 1, or in its own place with --no-fork).
 *
 * Shared by the container process (child.c) and `husk exec` (exec-child.c),
 * so that the CVE-2019-5736 defence is one piece of code: the program a
 * container process runs is never the host's husk file, and nothing a
 * process in the container can write to.
 */

#include <stdbool.h>
#include <stddef.h>

#include "husk/error.h"

/*
 * Copy husk-init into a memfd (MFD_CLOEXEC: it is executed through the fd,
 * which is fine for a static ELF), seal it against any change and make it
 * execute-only (0111; see init_exec_lower_read_caps()).
 * Returns 0 with the fd in *fd_out; or 0 with *fd_out = -1 and `note`
 * explaining why when the host forbids executable memfds
 * (vm.memfd_noexec=2): the caller then executes the workload directly.
 * Anything else is a negative errno with err filled.
 */
int init_image_open(int *fd_out, char *note, size_t note_size, struct husk_error *err);

/*
 * Lower CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the effective set
 * (only when init_fd >= 0), so that the execveat of the 0111 memfd leaves
 * husk-init non-dumpable from its start.  The capabilities after the exec
 * are unchanged.  0, or a negative errno with err filled.
 */
int init_exec_lower_read_caps(int init_fd, struct husk_error *err);

/*
 * Execute husk-init from init_fd with
 * `husk-init [--no-fork] [--exec-fd N] -- args...` and exactly `env`, or,
 * when init_fd < 0, fallback_path itself with args.  exec_fd (or -1) is a
 * close-on-exec fd whose reader waits for the command's own execve: it is
 * passed on to husk-init, which closes it when the command's execve
 * succeeds and writes the errno (an int) there when it fails.  Without
 * husk-init, the fallback's execve closes it itself.
 * The signal mask is left as it is (everything blocked, since the clone):
 * husk-init takes pending signals over and gives the workload an empty
 * mask.  Only the fallback empties the mask itself, right before its
 * execve.  Returns only on failure, with errno set.
 */
void init_exec(int init_fd, bool no_fork, int exec_fd, char *const args[], char *const env[],
	       const char *fallback_path);

#endif
