// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The security invariants, each tried as an attack from inside (or by a
 * hostile image) and shown to fail, as root and rootless:
 *   - no host fd, environment variable or working directory reaches the
 *     container (the runc CVE-2024-21626 class for the cwd);
 *   - a key of the caller's session keyring is out of reach;
 *   - masked and read-only paths, also when the image turns them into
 *     symlinks, and device paths under a symlinked /dev, stay inside;
 *   - masked paths cannot be read, read-only paths and /sys not written.
 * Seccomp, capabilities and no_new_privs are in test_attacks_privs.c.
 *
 * Where an attack can be shown to work without the defence (a key read
 * with --no-new-keyring), the test does that too, so it can fail.  The
 * symlink attacks are also raced: the image flips a directory and a
 * symlink while husk sets the container up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "integration/attacks.h"

/* ---- helpers ---------------------------------------------------------------- */

/* The template's config text for args. */
static char *config_for(const struct hctx *c, const char *const *args)
{
	return bundle_config_text(c, &(struct bundle_cfg){ .args = args });
}

/* A symlink in the rootfs copy, owned like the rest of it. */
static void rootfs_symlink(struct hctx *c, const char *target, const char *name)
{
	char *path;

	cr_assert(asprintf(&path, "%s/%s", c->rootfs, name) > 0);
	cr_assert(symlink(target, path) == 0, "symlink %s: %s", path, strerror(errno));
	chown_to_user(c, path);
	free(path);
}

/* A directory of the host (in the work dir), writable by the context's user. */
static char *host_dir(struct hctx *c, const char *rel)
{
	char *dir = hpath(c, rel);

	cr_assert(mkdir(dir, 0777) == 0, "mkdir %s: %s", dir, strerror(errno));
	chown_to_user(c, dir);
	return dir;
}

/* "../../(ten times)<abs>": a relative link that climbs out to the host's abs. */
static char *climbing_target(const char *abs)
{
	char *t;

	cr_assert(asprintf(&t, "../../../../../../../../../..%s", abs) > 0);
	return t;
}

/*
 * An open directory of the host, to hand husk as its fd 3 (without
 * --preserve-fds): the runc CVE-2024-21626 leak was such an fd.
 */
static int host_dir_fd(struct hctx *c, const char *rel)
{
	char *dir = host_dir(c, rel);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	cr_assert(fd >= 3, "open %s: %s", dir, strerror(errno));
	free(dir);
	return fd;
}

/* ---- no host fd -------------------------------------------------------------- */

/*
 * What /probes/escape fds printed must show only stdio: no fd past 2 (the
 * harness leaks fd 7 into husk, the tests a host directory as fd 3), none
 * a directory, and none of PID 1's a file of any filesystem.  PID 1
 * (husk-init) is not dumpable: its fds' targets are usually unreadable,
 * which is fine.
 */
static void check_fds(const char *out)
{
	atk_assert_line(out, "fds", "0 1 2");
	assert_not_contains(out, ": dir ");
	assert_not_contains(out, ": outside ");
	for (const char *l = strstr(out, "pid1-fd "); l; l = strstr(l + 1, "pid1-fd ")) {
		const char *colon = strchr(l, ':');

		cr_assert(colon && colon[1] == ' ' && colon[2] != '/',
			  "PID 1 holds a file past stdio:\n%s", out);
	}
	char *pid1 = atk_line(out, "pid1-fds");
	cr_assert(pid1, "no pid1-fds line:\n%s", out);
	if (strcmp(pid1, "listed") != 0)
		cr_log_info("PID 1's fds are not readable from the workload (%s): fine", pid1);
	free(pid1);
}

HTEST(attacks, no_host_fd_reaches_the_workload)
{
	struct hres r = { 0 };
	char *text = config_for(c, ARGS(ESCAPE, "fds"));
	struct hcall_opts o = { .fd3 = host_dir_fd(c, "hostdir") };

	atk_run_opts(c, &r, &o, text);
	assert_husk_ok(&r);
	check_fds(r.out);
	close(o.fd3);
	free(text);
	hres_free(&r);
}

/*
 * The same through create + start: the container process waits on the exec
 * fifo in between, and must not keep it (or anything else) for the
 * workload.  The workload writes to husk create's stdout, read afterwards.
 */
HTEST(attacks, no_host_fd_after_create_and_start)
{
	struct hres r = { 0 };
	char *text = config_for(c, ARGS(ESCAPE, "fds"));
	struct hcall_opts o = { .fd3 = host_dir_fd(c, "hostdir") };
	char rel[32];

	atk_write_config(c, text);
	HUSK_OPTS(c, &r, &o, "create", "--bundle", c->bundle, c->id);
	close(o.fd3);
	assert_husk_ok(&r);
	snprintf(rel, sizeof(rel), "io/%u.out", c->n_calls);
	HUSK(c, &r, "start", c->id);
	assert_husk_ok(&r);
	cr_assert(wait_status(c, c->id, "stopped", 10000), "the container did not stop");
	char *path = hpath(c, rel);
	char *out = read_text(path);
	cr_assert(out, "cannot read %s", path);
	check_fds(out);
	free(out);
	free(path);
	free(text);
	hres_free(&r);
}

/* And through `run -d`, where husk leaves the container running on its own. */
HTEST(attacks, no_host_fd_when_detached)
{
	struct hres r = { 0 };
	char *text = config_for(c, ARGS(ESCAPE, "fds"));
	struct hcall_opts o = { .fd3 = host_dir_fd(c, "hostdir") };
	char rel[32];

	atk_write_config(c, text);
	HUSK_OPTS(c, &r, &o, "run", "-d", "--bundle", c->bundle, c->id);
	close(o.fd3);
	assert_husk_ok(&r);
	snprintf(rel, sizeof(rel), "io/%u.out", c->n_calls);
	cr_assert(wait_status(c, c->id, "stopped", 10000), "the container did not stop");
	char *path = hpath(c, rel);
	char *out = read_text(path);
	cr_assert(out, "cannot read %s", path);
	check_fds(out);
	free(out);
	free(path);
	free(text);
	hres_free(&r);
}

/* ---- no host environment ----------------------------------------------------- */

/* The harness puts HUSK_HOST_SECRET into husk's environment; nobody inside has it. */
HTEST(attacks, no_host_environment_variable)
{
	struct hres r = { 0 };
	char *text = config_for(c, ARGS(ESCAPE, "env"));

	atk_run_ok(c, &r, text);
	atk_assert_line(r.out, "self-environ", "clean");
	char *pid1 = atk_line(r.out, "pid1-environ");
	cr_assert(pid1, "no pid1-environ line:\n%s", r.out);
	cr_assert(strcmp(pid1, "clean") == 0 || pid1[0] == 'E',
		  "PID 1's environment: %s\n%s", pid1, r.out);
	if (pid1[0] == 'E')
		cr_log_info("PID 1's environ is not readable from the workload (%s): fine", pid1);
	free(pid1);

	/* Without process.env the workload gets an empty environment, not husk's. */
	atk_remove_member(&text, "env");
	atk_run_ok(c, &r, text);
	atk_assert_line(r.out, "self-environ", "clean");
	free(text);
	hres_free(&r);
}

/* ---- the working directory ----------------------------------------------------- */

/* Either a clean refusal, or a cwd that is want (or any when NULL) inside the root. */
static void check_cwd_result(const struct hres *r, const char *cwd, const char *want)
{
	if (r->code != 0) {
		assert_husk_fails(r);
		return;
	}
	char *got = atk_line(r->out, "getcwd");
	cr_assert(got && got[0] == '/', "cwd %s: getcwd gives \"%s\" (outside the root?)\n%s",
		  cwd, got ? got : "", r->out);
	atk_assert_line(r->out, "dotdot", "root");
	atk_assert_line(r->out, "proc-cwd", got);
	if (want)
		cr_assert_str_eq(got, want);
	free(got);
}

HTEST(attacks, cwd_is_inside_the_root)
{
	struct hres r = { 0 };
	char *text = bundle_config_text(c, &(struct bundle_cfg){ .args = ARGS(ESCAPE, "cwd"),
								 .cwd = "/etc" });

	atk_run_ok(c, &r, text);
	check_cwd_result(&r, "/etc", "/etc");
	free(text);
	hres_free(&r);
}

/*
 * The runc CVE-2024-21626 class: process.cwd naming a file descriptor husk
 * holds while it changes directory ("/proc/self/fd/N"), among them fd 3,
 * which the test makes a directory of the host that husk inherits, and
 * fd 7, which the harness leaks.  Followed, such a link leaves the
 * workload in the host's tree.  Each must be refused or end inside the
 * root.
 */
HTEST(attacks, cwd_through_a_leaked_fd_stays_inside)
{
	struct hres r = { 0 };
	struct hcall_opts o = { .fd3 = host_dir_fd(c, "hostdir") };

	for (int fd = 3; fd <= 12; fd++) {
		char cwd[32];

		snprintf(cwd, sizeof(cwd), "/proc/self/fd/%d", fd);
		char *text = bundle_config_text(c, &(struct bundle_cfg){
			.args = ARGS(ESCAPE, "cwd"), .cwd = cwd });
		atk_run_opts(c, &r, &o, text);
		check_cwd_result(&r, cwd, NULL);
		free(text);
	}
	close(o.fd3);
	/* Other magic links and climbs: all lead to the container's own "/". */
	static const char *const others[] = { "/proc/self/cwd", "/proc/1/cwd",
					      "/proc/self/root/../..", "/../../.." };
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		char *text = bundle_config_text(c, &(struct bundle_cfg){
			.args = ARGS(ESCAPE, "cwd"), .cwd = others[i] });
		atk_run_text(c, &r, text);
		check_cwd_result(&r, others[i], NULL);
		free(text);
	}
	hres_free(&r);
}

/*
 * A magic link as the cwd is refused outright, with a message that says
 * why, by run and by exec: the cwd is resolved in the root without
 * following /proc magic links (not followed and then checked).
 */
HTEST(attacks, cwd_through_a_magic_link_is_refused)
{
	static const char *const links[] = { "/proc/self/cwd", "/proc/self/root/etc",
					     "/proc/1/root", "/proc/self/fd/0/.." };
	struct hres r = { 0 };

	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		char *text = bundle_config_text(c, &(struct bundle_cfg){
			.args = ARGS("/bin/true"), .cwd = links[i] });
		atk_run_text(c, &r, text);
		assert_husk_fails(&r);
		assert_contains(r.err, "is outside the container");
		assert_contains(r.err, links[i]);
		free(text);
	}
	char *text = bundle_config_text(c, &(struct bundle_cfg){ .args = ARGS("sleep", "100") });
	atk_write_config(c, text);
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	HUSK(c, &r, "exec", "--cwd", "/proc/1/root/etc", c->id, "/bin/true");
	assert_husk_fails(&r);
	assert_contains(r.err, "\"/proc/1/root/etc\" is outside the container");
	free(text);
	hres_free(&r);
}

/*
 * Without no_new_privs the seccomp filter is loaded before the uid change,
 * so before the cwd is entered.  A profile that denies getcwd (the OCI
 * runtime-tools linux_seccomp test does) must not make husk take the cwd
 * for one outside the container: the workload runs, in its cwd, and
 * getcwd really is denied to it.  The same for exec.
 */
HTEST(attacks, cwd_check_survives_a_profile_denying_getcwd)
{
	static const char profile[] =
		"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
		"[\"getcwd\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1}]}";
	struct hres r = { 0 };
	char *text = bundle_config_text(c, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c", "readlink /proc/self/cwd; busybox pwd || echo denied"),
		.cwd = "/etc" });

	atk_replace(&text, "noNewPrivileges", "false");
	atk_add_member(&text, "linux", "seccomp", profile);
	atk_run_ok(c, &r, text);
	cr_assert_str_eq(r.out, "/etc\ndenied\n", "stdout:\n%s\nstderr: %s", r.out, r.err);

	free(text);
	text = bundle_config_text(c, &(struct bundle_cfg){ .args = ARGS("sleep", "100"),
							   .cwd = "/etc" });
	atk_replace(&text, "noNewPrivileges", "false");
	atk_add_member(&text, "linux", "seccomp", profile);
	atk_write_config(c, text);
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	HUSK(c, &r, "exec", "--cwd", "/usr", c->id, "readlink", "/proc/self/cwd");
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "/usr\n");
	free(text);
	hres_free(&r);
}

/*
 * The image points the cwd at the host through symlinks (relative, climbing
 * with "..", and absolute).  The host directory holds a marker; the cwd
 * must be refused or be a directory of the container (without it).
 */
HTEST(attacks, cwd_through_a_symlink_stays_inside)
{
	static const char *const links[] = { "/hostcwd-rel", "/hostcwd-abs" };
	struct hres r = { 0 };
	char *dir = host_dir(c, "hostdir");
	char *marker = hpath(c, "hostdir/host-marker");
	char *climb = climbing_target(dir);

	write_text(marker, "host\n");
	bundle_make_rootfs(c);
	rootfs_symlink(c, climb, links[0] + 1);
	rootfs_symlink(c, dir, links[1] + 1);
	for (size_t i = 0; i < 2; i++) {
		char *text = bundle_config_text(c, &(struct bundle_cfg){
			.args = ARGS("/bin/sh", "-c", ESCAPE " cwd; ls -A"), .cwd = links[i] });
		atk_run_text(c, &r, text);
		check_cwd_result(&r, links[i], NULL);
		assert_not_contains(r.out, "host-marker");
		free(text);
	}
	cr_assert_eq(count_dir_entries(dir), 1, "husk changed the host directory %s", dir);
	free(dir);
	free(marker);
	free(climb);
	hres_free(&r);
}

/* ---- keyring ------------------------------------------------------------------ */

#define KEYCTL_JOIN_SESSION_KEYRING 1
#define KEY_SPEC_SESSION_KEYRING (-3)

/*
 * A key in the caller's session keyring (as a login's secrets are): with a
 * fresh session keyring the workload can neither read it by its serial
 * number nor find it by name.  The counter-test: with --no-new-keyring the
 * workload shares the caller's keyring and reads the key, so the attack
 * itself is real.  The config has no seccomp profile (the default profile
 * denies keyctl altogether).
 */
HTEST(attacks, caller_key_is_out_of_reach)
{
	struct hres r = { 0 };
	char desc[96], payload[96], serial[32];

	cr_assert(syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) >= 0,
		  "keyctl(JOIN_SESSION_KEYRING): %s", strerror(errno));
	snprintf(desc, sizeof(desc), "husk-attack-%s", c->token);
	snprintf(payload, sizeof(payload), "husk-secret-%s", c->token);
	long key = syscall(SYS_add_key, "user", desc, payload, strlen(payload),
			   KEY_SPEC_SESSION_KEYRING);
	cr_assert_gt(key, 0, "add_key: %s", strerror(errno));
	long own = syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, KEY_SPEC_SESSION_KEYRING, 0);
	snprintf(serial, sizeof(serial), "%ld", key);

	char *text = config_for(c, ARGS(ESCAPE, "keyring", serial, desc));
	atk_run_ok(c, &r, text);
	char *read = atk_line(r.out, "read");
	char *search = atk_line(r.out, "search");
	char *session = atk_line(r.out, "session");
	cr_assert(read && search && session, "probe output:\n%s", r.out);
	cr_assert(read[0] == 'E', "the workload read the caller's key: %s", read);
	cr_assert(search[0] == 'E', "the workload found the caller's key: %s", search);
	cr_assert_neq(atol(session), own, "the workload has the caller's session keyring %ld",
		      own);
	free(read);
	free(search);
	free(session);

	/* Counter-test: sharing the keyring, the same probe gets the secret. */
	HUSK(c, &r, "run", "--no-new-keyring", "--bundle", c->bundle, hctx_new_id(c));
	assert_husk_ok(&r);
	atk_assert_line(r.out, "read", payload);
	free(text);
	hres_free(&r);
}

/* ---- symlinks in masked paths and device paths ------------------------------- */

/* A stat of a host file that changes when anything replaces or rewrites it. */
struct host_file {
	struct stat st;
	char *text;
	int mounts;
};

static void host_file_take(const char *path, struct host_file *h)
{
	cr_assert(stat(path, &h->st) == 0, "stat %s: %s", path, strerror(errno));
	h->text = read_text(path);
	cr_assert(h->text, "cannot read %s", path);
	h->mounts = count_host_mounts_under(path);
}

static void host_file_check(const char *path, struct host_file *before)
{
	struct host_file after;

	host_file_take(path, &after);
	cr_assert(after.st.st_ino == before->st.st_ino && after.st.st_dev == before->st.st_dev &&
		  after.st.st_mode == before->st.st_mode &&
		  after.st.st_mtim.tv_sec == before->st.st_mtim.tv_sec &&
		  after.st.st_mtim.tv_nsec == before->st.st_mtim.tv_nsec,
		  "the host's %s was replaced, changed or chmod'ed", path);
	cr_assert_str_eq(after.text, before->text, "the host's %s changed", path);
	cr_assert_eq(after.mounts, before->mounts, "a mount on the host's %s appeared", path);
	free(after.text);
	free(before->text);
}

/*
 * maskedPaths and readonlyPaths that the image turned into symlinks to the
 * host: to "/etc/passwd", to a host file by an absolute path and by a
 * climbing relative path, to a host directory.  Whatever husk does with
 * them (mask the target inside the root, or refuse), the host's files stay
 * as they were, no mount appears on the host, and the workload cannot read
 * the host file through them.
 */
HTEST(attacks, masked_path_symlinks_stay_inside)
{
	struct hres r = { 0 };
	struct host_file passwd, secret;
	char *dir = host_dir(c, "hostdir");
	char *file = hpath(c, "hostfile");
	char *climb = climbing_target(file);

	write_text(file, "host-secret\n");
	chown_to_user(c, file);
	bundle_make_rootfs(c);
	rootfs_symlink(c, "/etc/passwd", "evil-passwd");
	rootfs_symlink(c, file, "evil-abs");
	rootfs_symlink(c, climb, "evil-rel");
	rootfs_symlink(c, dir, "evil-dir");
	host_file_take("/etc/passwd", &passwd);
	host_file_take(file, &secret);

	char *text = config_for(c, ARGS("/bin/sh", "-c",
					"cat /evil-abs /evil-rel 2>&1; ls -A /evil-dir 2>&1; "
					"touch /evil-dir/x 2>&1; true"));
	char *tmp = atk_insert_after(text, "\"maskedPaths\": [", "\"/evil-passwd\", "
				     "\"/evil-abs\", \"/evil-rel\", \"/evil-dir\", ");
	free(text);
	text = atk_insert_after(tmp, "\"readonlyPaths\": [", "\"/evil-dir\", \"/evil-rel\", ");
	free(tmp);
	atk_run_text(c, &r, text);
	if (r.code != 0)
		assert_husk_fails(&r);

	host_file_check("/etc/passwd", &passwd);
	host_file_check(file, &secret);
	assert_not_contains(r.out, "host-secret");
	cr_assert_eq(count_host_mounts_under(c->work), 0, "a mount appeared on the host");
	cr_assert_eq(count_dir_entries(dir), 0, "the host directory %s changed", dir);
	/* Still writable on the host: no read-only bind landed on it. */
	char *probe = hpath(c, "hostdir/probe");
	write_text(probe, "x");
	unlink(probe);
	free(probe);
	free(dir);
	free(file);
	free(climb);
	free(text);
	hres_free(&r);
}

/*
 * The image's /dev is a symlink climbing out to a host directory, and (as
 * root, where husk makes nodes with mknod) a linux.devices entry sits
 * under another symlink to a host directory.  The config mounts nothing on
 * /dev, so husk makes its default devices in the image's /dev.  Both host
 * directories stay empty; husk either builds the devices inside the root
 * or refuses cleanly.
 */
HTEST(attacks, device_paths_under_symlinks_stay_inside)
{
	struct hres r = { 0 };
	char *dir = host_dir(c, "hostdev");
	char *dir2 = host_dir(c, "hostdev2");
	char *climb = climbing_target(dir);
	char *imgdev = hpath(c, "bundle/rootfs/dev");

	bundle_make_rootfs(c);
	run_as_user(c, &r, ARGS("/bin/rm", "-rf", imgdev));
	cr_assert_eq(r.code, 0, "rm -rf %s: %s", imgdev, r.err);
	rootfs_symlink(c, climb, "dev");
	rootfs_symlink(c, dir2, "evil");

	char *text = config_for(c, ARGS("/bin/sh", "-c", "ls -A /dev /evil 2>&1; true"));
	atk_replace(&text, "mounts",
		    "[{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}]");
	if (c->mode == MODE_ROOT)
		atk_add_member(&text, "linux", "devices",
			       "[{\"path\": \"/evil/null2\", \"type\": \"c\", \"major\": 1,"
			       " \"minor\": 3, \"fileMode\": 438}]");
	atk_run_text(c, &r, text);
	if (r.code != 0)
		assert_husk_fails(&r);

	cr_assert_eq(count_dir_entries(dir), 0, "husk made devices in the host directory %s "
		     "(the image's /dev links there)", dir);
	cr_assert_eq(count_dir_entries(dir2), 0, "husk made a device in the host directory %s",
		     dir2);
	cr_assert_eq(count_host_mounts_under(c->work), 0, "a mount appeared on the host");
	free(dir);
	free(dir2);
	free(climb);
	free(imgdev);
	free(text);
	hres_free(&r);
}

/*
 * Swap dir/a and dir/b (a directory and a symlink to the host) as fast as
 * possible until killed, from a child that dies with the test.
 */
static pid_t start_swapper(const char *dir, const char *a, const char *b)
{
	int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	pid_t pid;

	cr_assert(dfd >= 0, "open %s: %s", dir, strerror(errno));
	pid = fork();
	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			renameat2(dfd, a, dfd, b, RENAME_EXCHANGE);
	}
	close(dfd);
	return pid;
}

#define RACE_RUNS 8

/*
 * The same paths raced: while husk sets up the container, the image's
 * /evil flips between a real directory and a symlink to a host directory.
 * A mount destination, a masked path, a read-only path and (as root) a
 * device all sit under /evil.  However each resolution falls, nothing may
 * land in the host directory or on the host's mount table; each run ends
 * in a container or a clean refusal.
 */
HTEST(attacks, raced_symlinks_stay_inside)
{
	struct hres r = { 0 };
	char *target = host_dir(c, "race-target");
	char *evil, *sub;

	bundle_make_rootfs(c);
	cr_assert(asprintf(&evil, "%s/evil", c->rootfs) > 0);
	cr_assert(mkdir(evil, 0755) == 0);
	chown_to_user(c, evil);
	for (const char *const *n = ARGS("x", "m", "r", "d"); *n; n++) {
		cr_assert(asprintf(&sub, "%s/%s", evil, *n) > 0);
		cr_assert(mkdir(sub, 0755) == 0);
		chown_to_user(c, sub);
		free(sub);
	}
	rootfs_symlink(c, target, "evil.alt");

	char *text = config_for(c, ARGS("/bin/true"));
	char *tmp = atk_insert_after(text, "\"maskedPaths\": [", "\"/evil/m\", ");
	free(text);
	text = atk_insert_after(tmp, "\"readonlyPaths\": [", "\"/evil/r\", ");
	free(tmp);
	tmp = atk_insert_after(text, "\"mounts\": [\n",
			       "    {\"destination\": \"/evil/x\", \"type\": \"tmpfs\","
			       " \"source\": \"tmpfs\"},\n");
	free(text);
	text = tmp;
	if (c->mode == MODE_ROOT)
		atk_add_member(&text, "linux", "devices",
			       "[{\"path\": \"/evil/d/null2\", \"type\": \"c\", \"major\": 1,"
			       " \"minor\": 3}]");
	atk_write_config(c, text);

	pid_t swapper = start_swapper(c->rootfs, "evil", "evil.alt");
	int ok = 0;
	for (int i = 0; i < RACE_RUNS; i++) {
		HUSK(c, &r, "run", "--bundle", c->bundle, hctx_new_id(c));
		if (r.code == 0)
			ok++;
		else
			assert_husk_fails(&r);
		cr_assert_eq(count_dir_entries(target), 0,
			     "run %d wrote into the host directory %s", i, target);
		cr_assert_eq(count_host_mounts_under(c->work), 0,
			     "run %d mounted onto the host", i);
	}
	kill(swapper, SIGKILL);
	waitpid(swapper, NULL, 0);
	cr_log_info("%d of %d raced runs made a container", ok, RACE_RUNS);
	free(target);
	free(evil);
	free(text);
	hres_free(&r);
}

/* ---- masked paths cannot be read, read-only ones not written ------------------- */

/*
 * Each masked path, and other routes to the same files (through
 * /proc/self/root, through /dev/core which husk links to /proc/kcore), must
 * read as empty, as an empty directory, or fail.  Only paths the host has
 * count: at least one must, or the test proves nothing.
 */
HTEST(attacks, masked_paths_cannot_be_read)
{
	static const char *const paths[][2] = {
		/* path inside, the host file it reaches when not masked */
		{ "/proc/kcore", "/proc/kcore" },
		{ "/proc/keys", "/proc/keys" },
		{ "/proc/timer_list", "/proc/timer_list" },
		{ "/proc/sched_debug", "/proc/sched_debug" },
		{ "/proc/latency_stats", "/proc/latency_stats" },
		{ "/proc/acpi", "/proc/acpi" },
		{ "/proc/scsi", "/proc/scsi" },
		{ "/sys/firmware", "/sys/firmware" },
		{ "/proc/self/root/proc/keys", "/proc/keys" },
		{ "/proc/self/root/sys/firmware", "/sys/firmware" },
		{ "/dev/core", "/proc/kcore" },
	};
	const char *args[32] = { ESCAPE, "read" };
	size_t n = 2;
	struct hres r = { 0 };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i][1], F_OK) == 0)
			args[n++] = paths[i][0];
	if (n == 2)
		hctx_skip("none of the masked paths exists on this host");
	args[n] = NULL;
	char *text = config_for(c, args);
	atk_run_ok(c, &r, text);
	for (size_t i = 2; i < n; i++) {
		char *got = atk_line(r.out, args[i]);

		cr_assert(got, "no line for %s:\n%s", args[i], r.out);
		cr_assert(strcmp(got, "empty") == 0 || strcmp(got, "dir 0") == 0 ||
			  got[0] == 'E', "%s can be read inside (%s):\n%s", args[i], got, r.out);
		free(got);
	}
	free(text);
	hres_free(&r);
}

/*
 * Opening for writing (never writing) the read-only paths and /sys: each
 * must fail and sit on a read-only mount.  As root a write to these would
 * change the host: /proc/sysrq-trigger, vm/drop_caches, a printk setting,
 * and the classic escapes core_pattern, modprobe, uevent_helper and a
 * cgroup v1 release_agent (the CVE-2022-0492 class).  Rootless the file
 * modes may refuse first (EACCES): the "ro" mount flag is then what shows
 * the defence.  A path missing on this host is skipped; one missing only
 * inside (a fresh sysfs has no cgroup hierarchies) cannot be written either.
 */
HTEST(attacks, read_only_paths_and_sys_cannot_be_written)
{
	static const char *const paths[] = {
		"/proc/sys/kernel/hostname", "/proc/sys/kernel/domainname",
		"/proc/sys/vm/drop_caches", "/proc/sysrq-trigger", "/proc/irq/default_smp_affinity",
		"/proc/sys/kernel/core_pattern", "/proc/sys/kernel/modprobe",
		"/sys/kernel/uevent_helper", "/sys/fs/cgroup/memory/release_agent",
		"/sys/fs/cgroup/systemd/release_agent",
		"/sys/husk-attack", "/sys/kernel/husk-attack",
		"/sys/module/printk/parameters/time", "/sys/kernel/mm/transparent_hugepage/enabled",
		"/sys/fs/cgroup/husk-attack",
	};
	const char *args[32] = { ESCAPE, "write" };
	size_t n = 2;
	struct hres r = { 0 };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char *parent = strdup(paths[i]);

		*strrchr(parent, '/') = '\0';
		if (access(paths[i], F_OK) == 0 ||
		    (strstr(paths[i], "husk-attack") && access(parent, F_OK) == 0))
			args[n++] = paths[i];
		free(parent);
	}
	args[n] = NULL;
	char *text = config_for(c, args);
	atk_run_ok(c, &r, text);
	for (size_t i = 2; i < n; i++) {
		char *got = atk_line(r.out, args[i]);

		cr_assert(got, "no line for %s:\n%s", args[i], r.out);
		cr_assert(got[0] == 'E', "%s can be opened for writing inside (%s)", args[i], got);
		cr_assert(strcmp(got, "ENOENT ?") == 0 || strstr(got, " ro"),
			  "%s is not on a read-only mount (%s)", args[i], got);
		free(got);
	}
	free(text);
	hres_free(&r);
}
