// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The attacks of test_attacks*.c through `husk exec`, the path by which
 * both runc CVEs of this kind arrived:
 *   - a host directory husk inherits, and process.cwd "/proc/self/fd/N"
 *     (runc CVE-2024-21626, whose exploit was `runc exec --cwd`);
 *   - `exec --cap` setting inheritable capabilities (runc CVE-2022-29162),
 *     and the caller's own inheritable/ambient sets leaking in;
 *   - the exec'd process escaping the container's seccomp filter or its
 *     no_new_privs (a setuid-root binary run through exec).
 * Skipped where this husk has no exec verb.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "integration/attacks.h"

/* Skip the test when husk does not know `exec`. */
static void require_exec(struct hctx *c)
{
	struct hres r = { 0 };

	HUSK(c, &r, "exec", "--help");
	if (r.code != 0)
		hctx_skip("this husk has no exec verb");
	hres_free(&r);
}

/* run -d the config text (its args a sleeper) as c->id and wait until it runs. */
static void start_sleeper(struct hctx *c, const char *text)
{
	struct hres r = { 0 };

	atk_write_config(c, text);
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert(wait_status(c, c->id, "running", 5000), "the container is not running");
	hres_free(&r);
}

/* The template with a sleeper as the workload. */
static char *sleeper_config(const struct hctx *c)
{
	return bundle_config_text(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "100") });
}

/* A host directory, opened, for husk to inherit as fd 3. */
static int host_dir_fd(struct hctx *c)
{
	char *dir = hpath(c, "hostdir");
	int fd;

	cr_assert(mkdir(dir, 0777) == 0, "mkdir %s: %s", dir, strerror(errno));
	chown_to_user(c, dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert(fd >= 0, "open %s: %s", dir, strerror(errno));
	free(dir);
	return fd;
}

/*
 * `husk exec` with a host directory as its fd 3 (no --preserve-fds): the
 * process holds only stdio, and each cwd "/proc/self/fd/N" is refused or
 * ends inside the container.
 */
HTEST(attacks_exec, no_host_fd_or_cwd_through_exec)
{
	struct hres r = { 0 };
	char *text = sleeper_config(c);

	require_exec(c);
	start_sleeper(c, text);
	struct hcall_opts o = { .fd3 = host_dir_fd(c) };

	HUSK_OPTS(c, &r, &o, "exec", c->id, ESCAPE, "fds");
	assert_husk_ok(&r);
	atk_assert_line(r.out, "fds", "0 1 2");
	assert_not_contains(r.out, ": dir ");
	assert_not_contains(r.out, ": outside ");

	for (int fd = 3; fd <= 10; fd++) {
		char cwd[32];

		snprintf(cwd, sizeof(cwd), "/proc/self/fd/%d", fd);
		HUSK_OPTS(c, &r, &o, "exec", "--cwd", cwd, c->id, ESCAPE, "cwd");
		if (r.code != 0) {
			assert_husk_fails(&r);
			continue;
		}
		char *got = atk_line(r.out, "getcwd");
		cr_assert(got && got[0] == '/', "exec --cwd %s: getcwd \"%s\"\n%s", cwd,
			  got ? got : "", r.out);
		atk_assert_line(r.out, "dotdot", "root");
		free(got);
	}
	close(o.fd3);
	free(text);
	hres_free(&r);
}

/*
 * `exec --cap CAP_NET_RAW` adds the capability to the effective, permitted
 * and bounding sets only, never to inheritable or ambient (the runc
 * CVE-2022-29162 class), and a plain exec gets neither set even when husk
 * itself runs with both full (see test_attacks_privs.c).
 */
HTEST(attacks_exec, exec_cap_is_not_inheritable)
{
	struct hres r = { 0 };
	char *text = sleeper_config(c);

	require_exec(c);
	start_sleeper(c, text);
	HUSK(c, &r, "exec", "--cap", "CAP_NET_RAW", c->id, ESCAPE, "status");
	assert_husk_ok(&r);
	atk_assert_line(r.out, "CapInh", "0000000000000000");
	atk_assert_line(r.out, "CapAmb", "0000000000000000");
	char *eff = atk_line(r.out, "CapEff");
	cr_assert(eff && (strtoull(eff, NULL, 16) & (1ULL << 13)),
		  "exec --cap CAP_NET_RAW: not effective (CapEff %s)", eff ? eff : "?");
	free(eff);

	HUSK(c, &r, "exec", c->id, ESCAPE, "status");
	assert_husk_ok(&r);
	atk_assert_line(r.out, "CapInh", "0000000000000000");
	atk_assert_line(r.out, "CapAmb", "0000000000000000");
	free(text);
	hres_free(&r);
}

/*
 * A container under the default profile: the exec'd process is under the
 * same filter (it holds CAP_SYS_ADMIN through --cap, so EPERM is the
 * filter's) and under no_new_privs.
 */
HTEST(attacks_exec, exec_stays_under_the_containers_seccomp)
{
	static const char *const denied[] = {
		"unshare", "clone-newuser", "mount", "fsopen", "keyctl", "bpf", "ptrace1",
	};
	struct hres r = { 0 };
	char *text = sleeper_config(c);
	char *profile = atk_default_profile();

	require_exec(c);
	atk_add_member(&text, "linux", "seccomp", profile);
	start_sleeper(c, text);
	HUSK(c, &r, "exec", "--cap", "CAP_SYS_ADMIN", c->id, "/bin/sh", "-c",
	     ESCAPE " syscalls; " ESCAPE " status");
	assert_husk_ok(&r);
	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
		atk_assert_line(r.out, denied[i], "EPERM");
	atk_assert_line(r.out, "clone3", "ENOSYS");
	atk_assert_line(r.out, "Seccomp", "2");
	atk_assert_line(r.out, "NoNewPrivs", "1");
	free(profile);
	free(text);
	hres_free(&r);
}

/*
 * A setuid-root binary run through exec as uid 1000: with the container's
 * no_new_privs it stays 1000; in a container without it, it becomes 0 (the
 * counter-test), unless exec asks for --no-new-privs itself.
 */
HTEST(attacks_exec, setuid_through_exec)
{
	struct hres r = { 0 };
	char *uids, *gids, *text;
	char *src = hpath(c, "bundle/rootfs" ESCAPE);
	char *dst = hpath(c, "bundle/rootfs/suid-ids");

	require_exec(c);
	bundle_make_rootfs(c);
	/* The probe copied as the container's root, mode 4755. */
	char *bytes = NULL;
	size_t len = 0;
	FILE *in = fopen(src, "re");
	cr_assert(in, "open %s: %s", src, strerror(errno));
	FILE *mem = open_memstream(&bytes, &len);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, mem);
	fclose(in);
	fclose(mem);
	int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	cr_assert(out >= 0 && write(out, bytes, len) == (ssize_t)len, "write %s", dst);
	cr_assert(fchown(out, c->uid, c->gid) == 0 && fchmod(out, 04755) == 0);
	close(out);
	free(bytes);

	atk_wide_mappings(c, &uids, &gids);
	text = bundle_config_text(c, &(struct bundle_cfg){ .args = ARGS("/bin/sleep", "100"),
							   .uid_mappings = uids,
							   .gid_mappings = gids });
	start_sleeper(c, text);
	HUSK(c, &r, "exec", "--user", "1000:1000", c->id, "/suid-ids", "ids");
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "uid=1000 euid=1000\n", "exec under no_new_privs: %s", r.out);

	/* A second container without no_new_privs. */
	const char *id2 = hctx_new_id(c);
	atk_replace(&text, "noNewPrivileges", "false");
	atk_write_config(c, text);
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, id2);
	assert_husk_ok(&r);
	cr_assert(wait_status(c, id2, "running", 5000), "the second container is not running");
	HUSK(c, &r, "exec", "--user", "1000:1000", id2, "/suid-ids", "ids");
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "uid=1000 euid=0\n", "the counter-test: %s", r.out);
	HUSK(c, &r, "exec", "--user", "1000:1000", "--no-new-privs", id2, "/suid-ids", "ids");
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "uid=1000 euid=1000\n", "exec --no-new-privs: %s", r.out);

	free(uids);
	free(gids);
	free(src);
	free(dst);
	free(text);
	hres_free(&r);
}
