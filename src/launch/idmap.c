/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing the container's uid and gid maps, from the parent side.
 *
 * Three cases:
 *  - husk runs as root: both maps are written directly.
 *  - unprivileged (host_unprivileged(): euid != 0), and each map is the
 *    single ID of the caller (the common "me -> root" case): written
 *    directly too, after "deny" to setgroups, which the kernel requires of
 *    an unprivileged gid_map writer.
 *  - unprivileged with ranges: only the setuid helpers newuidmap/newgidmap
 *    (package uidmap) may write them, checked against /etc/subuid and
 *    /etc/subgid.  This is the one place husk runs another program, and only
 *    for configs that ask for more than one ID.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/host.h"
#include "husk/util.h"
#include "launch-internal.h"

#define NEWUIDMAP "/usr/bin/newuidmap"
#define NEWGIDMAP "/usr/bin/newgidmap"

/* One map as the kernel wants it: "inside outside count\n" per line. */
static char *idmap_text(const struct husk_idmap *m, size_t n)
{
	char *text = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *next = xasprintf("%s%u %u %u\n", text, m[i].container_id, m[i].host_id,
				       m[i].size);

		free(text);
		text = next;
	}
	return text;
}

static int proc_write(pid_t pid, const char *file, const char *text, struct husk_error *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return write_string_at(AT_FDCWD, path, text, err);
}

/* A map that an unprivileged process may write itself: one ID, its own. */
static bool idmap_is_self(const struct husk_idmap *m, size_t n, uint32_t self)
{
	return n == 1 && m[0].size == 1 && m[0].host_id == self;
}

/* "100000-165535, 200000-200009" (the first few), or "none". */
static char *subids_text(const struct host_subids *s)
{
	char *text = xstrdup(s->n ? "" : "none");

	for (size_t i = 0; i < s->n && i < 4; i++) {
		const struct host_id_range *r = &s->ranges[i];
		char *next = xasprintf("%s%s%u-%u%s", text, i ? ", " : "", r->start,
				       (unsigned)(r->start + (r->count - 1)),
				       i == 3 && s->n > 4 ? ", ..." : "");

		free(text);
		text = next;
	}
	return text;
}

/*
 * Run newuidmap/newgidmap PID inside outside count ... directly (no shell).
 * Their own message goes to our stderr; ours says what to check and what
 * the file grants (as the host context read it, by name and by uid).
 */
static int run_idmap_helper(const char *helper, pid_t pid, const struct husk_idmap *m, size_t n,
			    const char *subfile, const struct host_subids *subids,
			    struct husk_error *err)
{
	_cleanup_strv_ char **argv = NULL;
	int status;
	pid_t child;

	if (access(helper, X_OK) < 0)
		return husk_error_setq(err, ENOENT,
				       "%s not found: several ID ranges need it (apt-get install uidmap)",
				       helper);
	strv_push(&argv, helper);
	strv_consume(&argv, xasprintf("%d", (int)pid));
	for (size_t i = 0; i < n; i++) {
		strv_consume(&argv, xasprintf("%u", m[i].container_id));
		strv_consume(&argv, xasprintf("%u", m[i].host_id));
		strv_consume(&argv, xasprintf("%u", m[i].size));
	}
	child = fork();
	if (child < 0)
		return husk_error_set(err, errno, "fork for %s", helper);
	if (child == 0) {
		char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
		sigset_t none;

		/* husk may have blocked SIGTERM & co (husk/interrupt.h): not the helper. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execve(helper, argv, envp);
		_exit(127);
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return husk_error_set(err, errno, "waitpid %s", helper);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		_cleanup_free_ char *grants = subids_text(subids);

		return husk_error_setq(err, EPERM,
				       "%s failed: check that %s grants user %s the mapped range "
				       "(it grants %s)", helper, subfile,
				       subids->user ? subids->user : "(unknown)", grants);
	}
	return 0;
}

/*
 * Write the maps of `pid` (a process in a new user namespace).  With no
 * mappings in the spec (or no linux section), an unprivileged caller gets the
 * one mapping "me -> 0"; root gets an error, as a user namespace without
 * maps is surely a mistake.
 */
int idmap_write(pid_t pid, const struct husk_spec *spec, bool unprivileged, uid_t host_uid,
		gid_t host_gid, struct husk_error *err)
{
	struct husk_idmap self_uid = { 0, host_uid, 1 }, self_gid = { 0, host_gid, 1 };
	const struct husk_idmap *um = &self_uid, *gm = &self_gid;
	size_t nu = 1, ng = 1;
	_cleanup_free_ char *utext = NULL, *gtext = NULL;
	int r;

	if (spec->linux_ && spec->linux_->n_uid_mappings > 0) {
		um = spec->linux_->uid_mappings;
		nu = spec->linux_->n_uid_mappings;
	} else if (!unprivileged) {
		return husk_error_setq(err, EINVAL,
				       ".linux.uidMappings: a new user namespace needs uid mappings");
	}
	if (spec->linux_ && spec->linux_->n_gid_mappings > 0) {
		gm = spec->linux_->gid_mappings;
		ng = spec->linux_->n_gid_mappings;
	} else if (!unprivileged) {
		return husk_error_setq(err, EINVAL,
				       ".linux.gidMappings: a new user namespace needs gid mappings");
	}

	utext = idmap_text(um, nu);
	gtext = idmap_text(gm, ng);

	if (!unprivileged) {
		r = proc_write(pid, "uid_map", utext, err);
		if (r == 0)
			r = proc_write(pid, "gid_map", gtext, err);
		return r;
	}

	if (idmap_is_self(gm, ng, host_gid)) {
		/* An unprivileged gid_map writer must first give up setgroups. */
		r = proc_write(pid, "setgroups", "deny", err);
		if (r == 0)
			r = proc_write(pid, "gid_map", gtext, err);
	} else {
		r = run_idmap_helper(NEWGIDMAP, pid, gm, ng, "/etc/subgid", host_subgids(), err);
	}
	if (r < 0)
		return husk_error_prefix(err, "gid mappings");

	if (idmap_is_self(um, nu, host_uid))
		r = proc_write(pid, "uid_map", utext, err);
	else
		r = run_idmap_helper(NEWUIDMAP, pid, um, nu, "/etc/subuid", host_subuids(), err);
	if (r < 0)
		return husk_error_prefix(err, "uid mappings");
	return 0;
}
