// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reaper.c — the pure core of husk-init (see reaper.h).
 *
 * Nothing here blocks signals, forks or reaps: those live in husk-init.c.
 * What is here can be called from a unit test in an ordinary process, and
 * builds against both musl and glibc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reaper.h"

/* A decimal fd number for --exec-fd: 0 .. INT_MAX, nothing else. */
static int parse_fd(const char *s)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return -1;
	}
	return (int)v;
}

/*
 * Parse `husk-init [--no-fork] [--pgroup] [--exec-fd N] -- CMD [ARGS...]`.
 *
 * Options are only read before the mandatory "--"; everything after it is
 * the workload's, so a workload argument that looks like one of our options
 * is never taken.  husk builds this command line itself, so an error here is
 * a husk bug: on error, *why says what is wrong and *arg names the offending
 * argument (or is NULL), for a message, and -1 is returned.  argv must be
 * NULL-terminated (the kernel guarantees it for main's argv); opts->argv then
 * points into it.
 */
int reaper_parse_args(int argc, char **argv, struct reaper_options *opts, const char **why,
		      const char **arg)
{
	int i;

	*opts = (struct reaper_options){ .exec_fd = -1 };
	*arg = NULL;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--no-fork") == 0) {
			opts->no_fork = true;
		} else if (strcmp(argv[i], "--pgroup") == 0) {
			opts->pgroup = true;
		} else if (strcmp(argv[i], "--exec-fd") == 0) {
			if (i + 1 >= argc || (opts->exec_fd = parse_fd(argv[i + 1])) < 0) {
				*why = "--exec-fd needs a file descriptor number";
				*arg = i + 1 < argc ? argv[i + 1] : NULL;
				return -1;
			}
			i++;
		} else {
			*why = argv[i][0] == '-' ? "unknown option"
						 : "missing \"--\" before the command";
			*arg = argv[i];
			return -1;
		}
	}
	if (i >= argc) {
		*why = "missing \"--\" before the command";
		return -1;
	}
	if (i + 1 >= argc || argv[i + 1][0] == '\0') {
		*why = "no command after \"--\"";
		return -1;
	}
	opts->argv = argv + i + 1;
	return 0;
}

/*
 * Map a wait status to the exit code a shell would show: the exit status
 * itself, or 128+n for a death by signal n (so SIGKILL gives 137, SIGTERM
 * 143), which is what runc, crun, tini and catatonit report too.  Stopped or
 * continued statuses are never asked for (no WUNTRACED), so anything else is
 * a status we cannot explain: 255.
 */
int reaper_exit_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 255;
}

/*
 * The exit code for a failed execve, following the shell's convention:
 * 127 when the command does not exist (ENOENT, or a path component that is
 * not a directory), 126 when it exists but cannot be run (EACCES, ENOEXEC,
 * ETXTBSY, ...).  podman and docker use the same two codes.
 */
int reaper_exec_failure_code(int err)
{
	if (err == ENOENT || err == ENOTDIR)
		return REAPER_EXIT_NOTFOUND;
	return REAPER_EXIT_NOEXEC;
}

/* The value of NAME in a NULL-terminated "NAME=value" vector, or NULL. */
const char *reaper_env_get(char *const *envp, const char *name)
{
	size_t len = strlen(name);

	for (; envp && *envp; envp++) {
		if (strncmp(*envp, name, len) == 0 && (*envp)[len] == '=')
			return *envp + len + 1;
	}
	return NULL;
}

/*
 * Socket activation (sd_listen_fds(3)): a workload only accepts the fds
 * passed in LISTEN_FDS when LISTEN_PID is its own pid, which husk cannot know
 * when husk-init forks.  So every "LISTEN_PID=" entry of envp is pointed at
 * buf, filled with "LISTEN_PID=<pid>"; the vector is changed in place (it is
 * the about-to-exec copy) and nothing is allocated.  An environment without
 * LISTEN_PID is left alone: husk-init adds no variable of its own.  Returns
 * how many entries were rewritten.
 */
int reaper_env_set_listen_pid(char **envp, pid_t pid, char buf[REAPER_LISTEN_PID_BUF])
{
	static const char key[] = "LISTEN_PID=";
	char digits[16];
	size_t n = 0;
	unsigned long v = pid > 0 ? (unsigned long)pid : 0;
	int count = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < sizeof(digits));
	memcpy(buf, key, sizeof(key) - 1);
	for (size_t i = 0; i < n; i++)
		buf[sizeof(key) - 1 + i] = digits[n - 1 - i];
	buf[sizeof(key) - 1 + n] = '\0';

	for (; envp && *envp; envp++) {
		if (strncmp(*envp, key, sizeof(key) - 1) == 0) {
			*envp = buf;
			count++;
		}
	}
	return count;
}

/*
 * execve FILE, looking it up in envp's PATH (not husk-init's own: they are
 * the same vector, but this keeps the function honest) when it has no '/'.
 * The search follows execvp(3): an empty PATH element is the current
 * directory, a missing or non-directory entry moves on, EACCES is remembered
 * and reported if nothing else is found, and any other error (ENOEXEC,
 * ETXTBSY, E2BIG ...) stops the search, because that file was found.  Unlike
 * glibc there is no retry of an ENOEXEC file through /bin/sh: the OCI
 * process is an executable, not a script without "#!".  Only returns on
 * failure: -1 with errno set.
 */
int reaper_execvpe(const char *file, char *const argv[], char *const envp[])
{
	char path[PATH_MAX];
	const char *dir, *end;
	size_t flen = strlen(file);
	bool eacces = false;

	if (flen == 0) {
		errno = ENOENT;
		return -1;
	}
	if (strchr(file, '/')) {
		execve(file, argv, envp);
		return -1;
	}
	dir = reaper_env_get(envp, "PATH");
	if (!dir)
		dir = REAPER_DEFAULT_PATH;
	for (;; dir = end + 1) {
		size_t dlen;

		end = strchr(dir, ':');
		if (!end)
			end = dir + strlen(dir);
		dlen = (size_t)(end - dir);
		if (dlen + 1 + flen < sizeof(path)) {
			memcpy(path, dir, dlen);
			if (dlen)
				path[dlen++] = '/';
			memcpy(path + dlen, file, flen + 1);
			execve(path, argv, envp);
			if (errno == EACCES)
				eacces = true;
			else if (errno != ENOENT && errno != ENOTDIR && errno != ENAMETOOLONG &&
				 errno != ELOOP)
				return -1;
		}
		if (*end == '\0')
			break;
	}
	errno = eacces ? EACCES : ENOENT;
	return -1;
}
