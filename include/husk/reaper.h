/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reaper.h — the embedded husk-init program (src/reaper/).
 *
 * husk-init is a separate static program (musl, linking nothing of husk);
 * the build embeds its bytes in husk (src/reaper/init-embed.S).  The launcher
 * runs it as the container's PID 1 from a sealed memfd:
 *
 *	fd = memfd_create("husk-init", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
 *	write_all(fd, image, len);
 *	fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
 *	execveat(fd, "", argv, process_env, AT_EMPTY_PATH);
 *
 * (MFD_EXEC is 0x0010, kernel >= 6.3; with vm.memfd_noexec=1 a memfd is
 * otherwise created non-executable.  Older kernels reject it with EINVAL:
 * retry without.  MFD_CLOEXEC is fine here because husk-init is a static
 * ELF, not a script that would need /dev/fd/N after exec.)
 *
 * Its command line:
 *
 *	husk-init [--no-fork] [--pgroup] -- /abs/path/to/workload [ARGS...]
 *
 * - the environment must be exactly process.env: husk-init adds nothing,
 *   it only rewrites an existing LISTEN_PID to the workload's pid;
 * - the signal mask it is started with is the workload's (normally empty);
 *   every signal disposition is reset to default for the workload;
 * - the cwd it is started in is the workload's (process.cwd); PID 1 itself
 *   moves to "/" after forking;
 * - fds not O_CLOEXEC are inherited by the workload and closed in PID 1.
 *
 * Exit status: the workload's exit status, 128+n when it died of signal n,
 * 127 when the workload does not exist, 126 when it cannot be executed,
 * 125 when husk-init itself could not start (bad arguments, signalfd, fork).
 */
#ifndef HUSK_REAPER_H
#define HUSK_REAPER_H

#include <stddef.h>

/* The argv[0] and options husk-init understands. */
#define HUSK_INIT_ARGV0		"husk-init"
#define HUSK_INIT_OPT_NO_FORK	"--no-fork"	/* exec in place: husk exec, --no-init */
#define HUSK_INIT_OPT_PGROUP	"--pgroup"	/* own process group, signal the group */
#define HUSK_INIT_OPT_EXEC_FD	"--exec-fd"	/* N: EOF when the workload runs, else its errno */
#define HUSK_INIT_OPT_END	"--"

/* husk-init's own exit codes (anything else is the workload's). */
#define HUSK_INIT_EXIT_SETUP	125
#define HUSK_INIT_EXIT_NOEXEC	126
#define HUSK_INIT_EXIT_NOTFOUND	127

/* Defined in src/reaper/init-embed.S; husk_init_size bytes from husk_init_start. */
extern const unsigned char husk_init_start[];
extern const unsigned char husk_init_end[];
extern const size_t husk_init_size;

/*
 * The embedded husk-init image: returns its first byte and stores its length
 * in *len.  The bytes are read-only and live as long as the process.
 */
static inline const void *husk_init_image(size_t *len)
{
	*len = husk_init_size;
	return husk_init_start;
}

#endif
