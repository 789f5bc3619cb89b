/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `husk ps --format table`: what runc prints, the host's `ps` (default
 * arguments -ef) cut down to the container's processes: the header line,
 * then each line whose PID column names one of them.  ps is found on PATH
 * and run with its output on a pipe; where it cannot be run (a minimal
 * host), a PID/CMD table read from /proc instead, so the verb still works.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container-internal.h"
#include "husk/util.h"

#define PS_OUTPUT_MAX (16u << 20)

extern char **environ;

static bool pid_listed(const pid_t *pids, size_t n, int64_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* Run `ps args...`, its standard output in *out; -ENOENT when there is no ps. */
static int run_ps(char *const *args, char **out, struct husk_error *err)
{
	_cleanup_strv_ char **argv = NULL;
	_cleanup_close_ int rd = -1;
	posix_spawn_file_actions_t fa;
	int fds[2], status, r;
	pid_t pid;
	size_t len;

	strv_push(&argv, "ps");
	if (!args || !args[0])
		strv_push(&argv, "-ef");
	for (char *const *a = args; a && *a; a++)
		strv_push(&argv, *a);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return husk_error_set(err, errno, "pipe");
	rd = fds[0];
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	r = posix_spawnp(&pid, "ps", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (r != 0)
		return husk_error_setq(err, r, "run ps: %s", strerror(r));
	r = read_fd_all(rd, "the output of ps", PS_OUTPUT_MAX, out, &len, err);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r < 0)
		return r;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(*out);
		*out = NULL;
		return husk_error_setq(err, EINVAL, "ps %s failed (exit status %d): check the ps "
				       "arguments", args && args[0] ? args[0] : "-ef",
				       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
	return 0;
}

/* ps's output -> header + the lines of our pids (the column headed PID). */
static int ps_filter(char *text, const pid_t *pids, size_t n, char **out, struct husk_error *err)
{
	char *nl = strchr(text, '\n'), *save = NULL;
	_cleanup_free_ char *header = NULL, *hcopy = NULL;
	size_t col = 0, k = 0;
	bool found = false;
	FILE *f;
	size_t size;

	if (!nl)
		return husk_error_setq(err, EINVAL, "ps printed no header line");
	*nl = '\0';
	header = xstrdup(text);
	hcopy = xstrdup(text);
	for (char *t = strtok_r(hcopy, " \t", &save); t; t = strtok_r(NULL, " \t", &save), k++)
		if (strcmp(t, "PID") == 0) {
			col = k;
			found = true;
			break;
		}
	if (!found)
		return husk_error_setq(err, EINVAL, "ps printed no PID column (give ps arguments "
				       "whose output has one, such as -ef)");
	f = open_memstream(out, &size);
	if (!f)
		return husk_error_set(err, errno, "open_memstream");
	fprintf(f, "%s\n", header);
	for (char *line = nl + 1, *next; *line; line = next) {
		_cleanup_free_ char *copy = NULL;
		char *tok, *s2 = NULL;
		int64_t pid;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		copy = xstrdup(line);
		tok = strtok_r(copy, " \t", &s2);
		for (size_t i = 0; tok && i < col; i++)
			tok = strtok_r(NULL, " \t", &s2);
		if (tok && parse_int64(tok, &pid) == 0 && pid_listed(pids, n, pid))
			fprintf(f, "%s\n", line);
	}
	if (fclose(f) != 0)
		return husk_error_set(err, errno, "write the ps table");
	return 0;
}

/* Without ps: "PID CMD" from /proc/<pid>/cmdline (or [comm] for a kernel-less argv). */
static int proc_table(const pid_t *pids, size_t n, char **out, struct husk_error *err)
{
	size_t size;
	FILE *f = open_memstream(out, &size);

	if (!f)
		return husk_error_set(err, errno, "open_memstream");
	fprintf(f, "%-8s %s\n", "PID", "CMD");
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *text = NULL, *path = NULL;
		size_t len = 0;

		path = xasprintf("/proc/%d/cmdline", (int)pids[i]);
		if (read_file_at(AT_FDCWD, path, 65536, &text, &len, NULL) < 0)
			continue;       /* gone meanwhile */
		for (size_t j = 0; j + 1 < len; j++)
			if (text[j] == '\0')
				text[j] = ' ';
		if (len == 0) {
			free(text);
			free(path);
			path = xasprintf("/proc/%d/comm", (int)pids[i]);
			text = NULL;
			if (read_file_at(AT_FDCWD, path, 4096, &text, NULL, NULL) < 0)
				continue;
			text[strcspn(text, "\n")] = '\0';
			fprintf(f, "%-8d [%s]\n", (int)pids[i], text);
			continue;
		}
		fprintf(f, "%-8d %s\n", (int)pids[i], text);
	}
	if (fclose(f) != 0)
		return husk_error_set(err, errno, "write the ps table");
	return 0;
}

int container_ps_table(const pid_t *pids, size_t n, char *const *ps_args, char **out,
		       struct husk_error *err)
{
	_cleanup_free_ char *text = NULL;
	int r;

	*out = NULL;
	r = run_ps(ps_args, &text, err);
	if (r == -ENOENT && !(ps_args && ps_args[0])) {
		husk_error_clear(err);
		return proc_table(pids, n, out, err);
	}
	if (r < 0)
		return r;
	return ps_filter(text, pids, n, out, err);
}
