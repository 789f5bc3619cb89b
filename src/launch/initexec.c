/* SPDX-License-Identifier: GPL-2.0-or-later */
/* husk-init from a sealed memfd: see initexec.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "husk/reaper.h"
#include "husk/util.h"
#include "initexec.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/*
 * MFD_EXEC (Linux 6.3) asks for an executable memfd even under
 * vm.memfd_noexec=1; older kernels reject the flag with EINVAL, and
 * creating one without it is then the only and the right way.
 * EACCES/EPERM means vm.memfd_noexec=2: no executable memfd at all.
 */
int init_image_open(int *fd_out, char *note, size_t note_size, struct husk_error *err)
{
	const unsigned int seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
	_cleanup_close_ int fd = -1;
	size_t len;
	const void *image = husk_init_image(&len);

	*fd_out = -1;
	fd = memfd_create(HUSK_INIT_ARGV0, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create(HUSK_INIT_ARGV0, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0 && (errno == EACCES || errno == EPERM)) {
		snprintf(note, note_size,
			 "executable memfds are forbidden here (vm.memfd_noexec): "
			 "the process runs without husk-init");
		return 0;
	}
	if (fd < 0)
		return husk_error_set(err, errno, "memfd_create for husk-init");
	if (write_all(fd, image, len) < 0)
		return husk_error_set(err, errno, "write husk-init to its memfd");
	if (fcntl(fd, F_ADD_SEALS, seals) < 0)
		return husk_error_set(err, errno, "seal the husk-init memfd");
	/* Execute-only: see init_exec_lower_read_caps(). */
	if (fchmod(fd, 0111) < 0)
		return husk_error_set(err, errno, "fchmod the husk-init memfd to 0111");
	*fd_out = TAKE_FD(fd);
	return 0;
}

/*
 * husk-init must be non-dumpable from its first instruction: until its own
 * prctl(PR_SET_DUMPABLE, 0), a process of the container with the same uid
 * could otherwise ptrace it or read its /proc/PID/mem and environ.  The
 * kernel leaves a process non-dumpable after an execve of a file it may not
 * read (fs/exec.c, would_dump(), checked with the credentials before the
 * exec), so the memfd is mode 0111 and the two capabilities that would
 * override that are lowered here: from the effective set only, which the
 * kernel does not consult when it computes the capabilities after execve
 * (those come from permitted, inheritable, ambient and bounding), so
 * husk-init and the workload get exactly what they would have got.
 *
 * Called after everything that may need them (cwd, command lookup, the
 * memfd) and before the seccomp filter is loaded when it is loaded last,
 * since a profile may deny capset.  (A filter loaded early, without
 * no_new_privs, already governed the capset of the capabilities stage.)
 */
int init_exec_lower_read_caps(int init_fd, struct husk_error *err)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	static const unsigned int caps[] = { CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH };
	bool held = false;

	/* Without husk-init the workload is exec'd directly: nothing to hide,
	 * and its dumpability must stay what it would be. */
	if (init_fd < 0)
		return 0;
	if (syscall(SYS_capget, &hdr, data) < 0)
		return husk_error_set(err, errno, "capget");
	for (size_t i = 0; i < ARRAY_SIZE(caps); i++) {
		held |= data[caps[i] / 32].effective & (1U << (caps[i] % 32));
		data[caps[i] / 32].effective &= ~(1U << (caps[i] % 32));
	}
	/* Most workloads hold neither (runc's defaults, husk's templates): no capset. */
	if (!held)
		return 0;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return husk_error_set(err, errno, "capset (lower CAP_DAC_OVERRIDE and "
				      "CAP_DAC_READ_SEARCH before husk-init)");
	return 0;
}

void init_exec(int init_fd, bool no_fork, int exec_fd, char *const args[], char *const env[],
	       const char *fallback_path)
{
	_cleanup_strv_ char **argv = NULL;
	char *const no_env[] = { NULL };
	char fd_arg[16];
	sigset_t none;
	int saved;

	if (!env)
		env = no_env;
	/* Signals stay blocked for husk-init (see clone_child()); without it
	 * the workload is exec'd directly and must start with none blocked. */
	if (init_fd < 0) {
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execve(fallback_path, args, env);
		return;
	}
	strv_push(&argv, HUSK_INIT_ARGV0);
	if (no_fork)
		strv_push(&argv, HUSK_INIT_OPT_NO_FORK);
	/* exec_fd must outlive this execveat (husk-init closes it on the next). */
	if (exec_fd >= 0 && fcntl(exec_fd, F_SETFD, 0) == 0) {
		snprintf(fd_arg, sizeof(fd_arg), "%d", exec_fd);
		strv_push(&argv, HUSK_INIT_OPT_EXEC_FD);
		strv_push(&argv, fd_arg);
	}
	strv_push(&argv, HUSK_INIT_OPT_END);
	for (char *const *a = args; *a; a++)
		strv_push(&argv, *a);
	syscall(SYS_execveat, init_fd, "", argv, env, AT_EMPTY_PATH);
	saved = errno;
	if (exec_fd >= 0)
		fcntl(exec_fd, F_SETFD, FD_CLOEXEC);
	strv_free(TAKE_PTR(argv));
	errno = saved;
}
