/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container process's own attributes, set from inside: rlimits,
 * oom_score_adj, sysctls, uid/gid/groups/umask, cwd, and the lookup of the
 * executable.  Each error names the .process (or .linux) field it came from.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/path.h"
#include "husk/util.h"
#include "launch-internal.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int process_set_rlimits(const struct husk_process *p, struct husk_error *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct husk_rlimit *rl = &p->rlimits[i];
		struct rlimit v = { .rlim_cur = rl->soft, .rlim_max = rl->hard };

		if (setrlimit(rl->resource, &v) < 0) {
			husk_error_set(err, errno, ".process.rlimits[%zu]: setrlimit %s", i, rl->type);
			if (errno == EPERM)
				husk_error_hint(err, "raising a hard limit needs privileges husk lacks");
			return -err->errnum;
		}
	}
	return 0;
}

int process_set_oom_score_adj(const struct husk_process *p, struct husk_error *err)
{
	char buf[16];

	if (!p->oom_score_adj.set)
		return 0;
	snprintf(buf, sizeof(buf), "%lld", (long long)p->oom_score_adj.value);
	if (write_string_at(AT_FDCWD, "/proc/self/oom_score_adj", buf, err) < 0) {
		husk_error_prefix(err, ".process.oomScoreAdj");
		if (err->errnum == EACCES || err->errnum == EPERM)
			husk_error_hint(err, "lowering it needs CAP_SYS_RESOURCE on the host");
		return -err->errnum;
	}
	return 0;
}

/* Which namespace a sysctl belongs to, or NULL when it is not namespaced. */
static const char *sysctl_namespace(const char *key)
{
	static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
					   "kernel.sem", "kernel.shmall", "kernel.shmmax",
					   "kernel.shmmni", "kernel.shm_rmid_forced" };

	if (str_has_prefix(key, "net."))
		return "network";
	if (str_has_prefix(key, "fs.mqueue."))
		return "ipc";
	for (size_t i = 0; i < ARRAY_SIZE(ipc); i++)
		if (strcmp(key, ipc[i]) == 0)
			return "ipc";
	if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
		return "uts";
	return NULL;
}

static bool sysctl_key_valid(const char *key)
{
	if (!*key || key[0] == '.' || strstr(key, ".."))
		return false;
	for (const char *c = key; *c; c++)
		if (!(*c == '.' || *c == '-' || *c == '_' || (*c >= '0' && *c <= '9') ||
		      (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
			return false;
	return true;
}

/*
 * Write .linux.sysctl through the container's own /proc/sys.  Only
 * namespaced keys whose namespace the container owns are accepted, so a
 * config cannot change the host's kernel through a shared namespace.
 */
int process_sysctl(const struct child_ctx *ctx, struct husk_error *err)
{
	const struct husk_linux *lx = ctx->spec->linux_;

	for (size_t i = 0; lx && i < lx->n_sysctl; i++) {
		const char *key = lx->sysctl[i].key;
		const char *ns = key ? sysctl_namespace(key) : NULL;
		_cleanup_free_ char *path = NULL;
		_cleanup_close_ int fd = -1;
		enum husk_ns_type type;
		bool owned;

		if (!key || !sysctl_key_valid(key))
			return husk_error_setq(err, EINVAL, ".linux.sysctl[\"%s\"]: not a sysctl name",
					       key ? key : "");
		if (!ns)
			return husk_error_setq(err, EINVAL,
					       ".linux.sysctl[\"%s\"]: not namespaced; it would change "
					       "the host kernel", key);
		type = strcmp(ns, "network") == 0 ? NS_NETWORK
		     : strcmp(ns, "ipc") == 0     ? NS_IPC
						  : NS_UTS;
		owned = spec_namespace(ctx->spec, type) != NULL;
		if (owned && ctx->joins_host_ns[type])
			return husk_error_setq(err, EPERM,
					       ".linux.sysctl[\"%s\"]: the %s namespace joined in "
					       ".linux.namespaces is husk's own; the key would change "
					       "the host", key, ns);
		if (!owned)
			return husk_error_setq(err, EINVAL,
					       ".linux.sysctl[\"%s\"]: needs the container's own %s "
					       "namespace", key, ns);
		path = xasprintf("/proc/sys/%s", key);
		for (char *c = path + strlen("/proc/sys/"); *c; c++)
			if (*c == '.')
				*c = '/';
		fd = path_open_in_root(AT_FDCWD, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0);
		if (fd < 0)
			return husk_error_set(err, -fd, ".linux.sysctl[\"%s\"]: open %s", key, path);
		if (write_all(fd, lx->sysctl[i].value, strlen(lx->sysctl[i].value)) < 0)
			return husk_error_set(err, errno, ".linux.sysctl[\"%s\"]: write \"%s\"", key,
					      lx->sysctl[i].value);
	}
	return 0;
}

/*
 * Become the configured user.  The order is forced by the kernel: groups
 * and gid while we are still privileged enough to set them, uid last.
 * A single-ID rootless mapping has setgroups denied: supplementary groups
 * cannot be set then, and asking for them is an error, not a silent drop.
 */
int process_set_user(const struct child_ctx *ctx, struct husk_error *err)
{
	const struct husk_user *u = &ctx->spec->process->user;

	umask(u->umask.set ? (mode_t)u->umask.value : 022);

	if (u->n_additional_gids > 0) {
		if (setgroups(u->n_additional_gids, (const gid_t *)u->additional_gids) < 0) {
			husk_error_set(err, errno, ".process.user.additionalGids: setgroups");
			if (errno == EPERM && ctx->unprivileged)
				husk_error_hint(err, "a rootless container needs gid ranges from "
					       "/etc/subgid in .linux.gidMappings to set groups");
			return -err->errnum;
		}
	} else if (setgroups(0, NULL) < 0 && errno != EPERM) {
		return husk_error_set(err, errno, "setgroups (drop supplementary groups)");
	}
	if (setresgid(u->gid, u->gid, u->gid) < 0) {
		husk_error_set(err, errno, ".process.user.gid: setresgid(%u)", u->gid);
		if (errno == EINVAL)
			husk_error_hint(err, "gid %u is not mapped in .linux.gidMappings", u->gid);
		return -err->errnum;
	}
	if (setresuid(u->uid, u->uid, u->uid) < 0) {
		husk_error_set(err, errno, ".process.user.uid: setresuid(%u)", u->uid);
		if (errno == EINVAL)
			husk_error_hint(err, "uid %u is not mapped in .linux.uidMappings", u->uid);
		return -err->errnum;
	}
	return 0;
}

/*
 * Open .process.cwd as an O_PATH directory fd, resolved in the container's
 * root ("/" by now) with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS: ".." and
 * symlinks stay inside, and a /proc magic link (/proc/self/fd/N naming a
 * host directory, /proc/N/root: the runc CVE-2024-21626 class) is refused
 * rather than followed.  Done before the seccomp filter can be loaded
 * (without no_new_privs it is loaded before the uid change), so that the
 * check needs no syscall the workload's profile may deny (getcwd, say);
 * process_chdir() lands on the fd later, as the final user.
 */
int process_open_cwd(const struct husk_process *p, int *fd_out, struct husk_error *err)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int fd;

	*fd_out = -1;
	if (root < 0)
		return husk_error_set(err, errno, "open the container's root");
	fd = path_open_in_root(root, p->cwd, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd == -ELOOP)
		return husk_error_setq(err, EPERM, ".process.cwd: \"%s\" is outside the container "
				       "(it leads through a /proc magic link or a symlink loop)",
				       p->cwd);
	if (fd < 0)
		return husk_error_set(err, -fd, ".process.cwd: open \"%s\"", p->cwd);
	*fd_out = fd;
	return 0;
}

/*
 * Enter the cwd opened by process_open_cwd(), as the final user: chdir by
 * name first, so that the kernel checks search permission on every
 * component for this user, then fchdir to the verified fd, so that we end
 * up exactly where the check in the root said, whatever the name resolves
 * to now.  The fd is closed.
 */
int process_chdir(const struct husk_process *p, int *cwd_fd, struct husk_error *err)
{
	_cleanup_close_ int fd = *cwd_fd;

	*cwd_fd = -1;
	if (chdir(p->cwd) < 0)
		return husk_error_set(err, errno, ".process.cwd: chdir \"%s\"", p->cwd);
	if (fchdir(fd) < 0)
		return husk_error_set(err, errno, ".process.cwd: fchdir to \"%s\"", p->cwd);
	return 0;
}

static const char *env_path(char *const *env)
{
	for (size_t i = 0; env && env[i]; i++)
		if (str_has_prefix(env[i], "PATH="))
			return env[i] + 5;
	return DEFAULT_PATH;
}

/* 0 when path is an executable regular file for us, else -errno. */
static int check_executable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return -EACCES;
	return 0;
}

/*
 * Resolve args[0] like execvp() would, with the container's PATH (from
 * process.env), in the container's root, as the final user.  The error is
 * the one a person expects: exec "/bin/nope": No such file or directory.
 */
int process_find_executable(const struct husk_process *p, char **out, struct husk_error *err)
{
	const char *name = p->args[0];
	const char *path;
	int first = -ENOENT;

	if (strchr(name, '/')) {
		int r = check_executable(name);

		if (r < 0)
			return husk_error_set(err, -r, "exec \"%s\"", name);
		*out = xstrdup(name);
		return 0;
	}
	path = env_path(p->env);
	while (*path) {
		size_t len = strcspn(path, ":");
		_cleanup_free_ char *cand = xasprintf("%.*s/%s", (int)len, len ? path : ".", name);
		int r = check_executable(cand);

		if (r == 0) {
			*out = TAKE_PTR(cand);
			return 0;
		}
		if (r != -ENOENT && r != -ENOTDIR && first == -ENOENT)
			first = r;
		path += len + (path[len] == ':');
	}
	husk_error_set(err, -first, "exec \"%s\"", name);
	husk_error_hint(err, "not found in PATH=%s", env_path(p->env));
	return first;
}
