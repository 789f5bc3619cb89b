/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small things create, run and exec share: the pid file, the launch's report, the seccomp cache. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container-internal.h"
#include "husk/host.h"
#include "husk/log.h"
#include "husk/security.h"
#include "husk/util.h"

/*
 * The pid file is written next to its final name and renamed into place,
 * so a reader (conmon) never sees it half-written.
 */
int pid_file_write(const char *path, pid_t pid, struct husk_error *err)
{
	_cleanup_free_ char *dir = xstrdup(path);
	_cleanup_close_ int dfd = -1;
	char *slash = strrchr(dir, '/');
	const char *base = path;
	char text[32];
	int r;

	if (slash) {
		base = path + (slash - dir) + 1;
		if (slash == dir)
			slash[1] = '\0';        /* "/pidfile": the dir is "/" */
		else
			*slash = '\0';
	} else {
		strcpy(dir, ".");
	}
	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return husk_error_setq(err, EINVAL, "--pid-file %s: not a file name", path);
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return husk_error_set(err, errno, "--pid-file %s: open directory %s", path, dir);
	snprintf(text, sizeof(text), "%d", (int)pid);
	r = write_file_atomic_at(dfd, base, text, strlen(text), 0644, err);
	if (r < 0)
		return husk_error_prefix(err, "--pid-file %s", path);
	return 0;
}

void launch_report_log(const struct launch_report *rep, bool launched, const char *unapplied)
{
	for (char **w = rep->warnings; w && *w; w++)
		log_warn("%s", *w);
	for (char **n = rep->notes; n && *n; n++)
		log_debug("%s", *n);
	if (!launched)
		return;
	if (rep->note[0])
		log_debug("%s", rep->note);
	if (unapplied)
		log_warn("%s", unapplied);
}

/*
 * Where compiled seccomp filters are cached: a cache, not state, so it
 * lives where caches do (/var/cache/husk as the host's root, not as uid 0
 * in a user namespace, host_real_root(); $XDG_CACHE_HOME/husk or
 * ~/.cache/husk otherwise) and never in the state root, which holds only
 * containers.  Missing directories are made 0700 when a program is first
 * stored (src/security/seccomp-cache.c); when that fails the cache is
 * simply off.
 */
void seccomp_cache_setup(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	_cleanup_free_ char *dir = NULL;

	if (host_real_root() && !xdg)
		dir = xstrdup("/var/cache/husk/seccomp");
	else if (xdg && xdg[0] == '/')
		dir = xasprintf("%s/husk/seccomp", xdg);
	else if (home && home[0] == '/')
		dir = xasprintf("%s/.cache/husk/seccomp", home);
	else
		return;
	security_set_cache_dir(dir);
}
