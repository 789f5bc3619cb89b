// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Cgroups on this host as it is (hybrid here: v1 controllers plus cgroup2
 * at /sys/fs/cgroup/unified), root and rootless: limits enforced by
 * attack (a memory hog, a fork bomb, a device the rules deny), what the
 * container sees of /sys/fs/cgroup, the one-line rootless notice, paths
 * that would leave the cgroup root, exec joining the container's cgroup,
 * and nothing left after delete.  test_cgroup_v2.c covers a pure cgroup2
 * host.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "integration/harness.h"

#define CGROUP_MOUNT                                                                  \
	"{\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\", " \
	"\"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]}"

static bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* This host keeps its controllers in v1 hierarchies (v1 or hybrid). */
static bool host_has_v1(void)
{
	struct statfs s;

	return statfs("/sys/fs/cgroup/memory", &s) == 0 && s.f_type == CGROUP_SUPER_MAGIC;
}

/* The rootless notice this host gives for `limits` ("memory, pids"). */
static char *rootless_notice(const struct hctx *c, const char *limits)
{
	char *s = NULL;

	cr_assert(asprintf(&s, "%s: cgroup v1 has no delegation to uid %u (not applied)", limits,
			   (unsigned)c->uid) > 0);
	return s;
}

/*
 * A memory hog (a 64 MiB shell variable) under a 32 MiB limit without swap
 * is killed by the kernel's OOM killer inside the container: husk-init
 * reports its death by SIGKILL as exit 137.  Rootless on a v1 host there is
 * no cgroup to hold it: the limit is named in the notice and not applied.
 */
HTEST(cgroup, memory_limit_kills_a_hog)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("sh", "-c", "x=$(head -c 67108864 /dev/zero | tr '\\0' a); echo survived"),
		.resources = "{\"memory\": {\"limit\": 33554432, \"swap\": 33554432}}" });
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	if (c->mode == MODE_ROOTLESS && host_has_v1()) {
		char *notice = rootless_notice(c, "memory");

		assert_husk_ok(&r);
		assert_contains(r.err, notice);
		assert_contains(r.out, "survived");
		free(notice);
	} else {
		cr_assert_eq(r.code, 137, "the hog should die of SIGKILL (137), got %d\n%s%s",
			     r.code, r.out, r.err);
		assert_not_contains(r.out, "survived");
	}
	hres_free(&r);
	hctx_assert_clean(c);
}

/* A fork bomb meets pids.max: the shell cannot fork past the limit. */
HTEST(cgroup, pids_limit_stops_a_fork_bomb)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("sh", "-c", "i=0; while [ $i -lt 60 ]; do sleep 30 & i=$((i+1)); done; "
			     "echo forked $i"),
		.resources = "{\"pids\": {\"limit\": 16}}" });
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	if (c->mode == MODE_ROOTLESS && host_has_v1()) {
		char *notice = rootless_notice(c, "pids");

		assert_contains(r.err, notice);
		assert_contains(r.out, "forked 60");
		free(notice);
	} else {
		cr_assert(strstr(r.out, "can't fork") || strstr(r.err, "can't fork"),
			  "the fork bomb was not stopped:\n%s%s", r.out, r.err);
		assert_not_contains(r.out, "forked 60");
	}
	hres_free(&r);
	hctx_assert_clean(c);
}

/*
 * The container's /sys/fs/cgroup shows its own cgroup, read-only: its cpu
 * quota, and no host cgroup around it.  Rootless on a v1 host it has no
 * cgroup: the hierarchy's directory is empty (husk's own cgroup, the
 * host's root here, is not shown).
 */
HTEST(cgroup, mount_shows_its_own_cgroup_read_only)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("sh", "-c", "cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || "
			     "echo none; ls /sys/fs/cgroup/cpu | grep -c husk-; "
			     "echo 1 > /sys/fs/cgroup/cpu/cpu.cfs_quota_us || echo refused"),
		.extra_mounts = CGROUP_MOUNT,
		.resources = "{\"cpu\": {\"quota\": 20000, \"period\": 100000}}" });
	if (!host_has_v1())
		hctx_skip("a v1 host's cpu hierarchy is what this test reads");
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	if (c->mode == MODE_ROOT)
		cr_assert(str_starts(r.out, "20000\n0\n"), "quota or view wrong:\n%s", r.out);
	else
		cr_assert(str_starts(r.out, "none\n0\n"), "rootless: no cgroup, nothing shown:\n%s",
			  r.out);
	assert_contains(r.out, "refused");
	hres_free(&r);
	hctx_assert_clean(c);
}

/*
 * A host device bound into the container (/dev/fuse, 0600 root: the
 * container's root may open it as its owner) is out of reach once the
 * rules deny everything; the default devices still work (husk allows them
 * after the config's rules, as runc does).  The control run without rules
 * shows that the rules, not permissions, stop it.  Rootless the user
 * namespace keeps the device out by itself (its owner is not mapped).
 */
#define FUSE_BIND "{\"destination\": \"/dev/fuse\", \"type\": \"bind\", " \
		  "\"source\": \"/dev/fuse\", \"options\": [\"bind\"]}"
#define FUSE_PROBE "head -c 0 /dev/fuse 2>/dev/null && echo fuse-opened; " \
		   "echo x > /dev/null && echo null-ok"

HTEST(cgroup, device_rules_deny_a_bound_host_device)
{
	struct hres r = { 0 };

	if (access("/dev/fuse", F_OK) < 0)
		hctx_skip("no /dev/fuse on this host");
	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("sh", "-c", FUSE_PROBE),
					      .extra_mounts = FUSE_BIND });
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	if (c->mode == MODE_ROOT)
		assert_contains(r.out, "fuse-opened");
	else
		assert_not_contains(r.out, "fuse-opened");
	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("sh", "-c", FUSE_PROBE), .extra_mounts = FUSE_BIND,
		.resources = "{\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]}" });
	HUSK(c, &r, "run", "--bundle", c->bundle, hctx_new_id(c));
	assert_husk_ok(&r);
	assert_not_contains(r.out, "fuse-opened");
	assert_contains(r.out, "null-ok");
	hres_free(&r);
	hctx_assert_clean(c);
}

/* No limits rootless: no cgroup work and not a word about cgroups. */
HTEST(cgroup, no_limits_no_notice)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("true") });
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	assert_not_contains(r.err, "cgroup");
	hres_free(&r);
	hctx_assert_clean(c);
}

/* A cgroupsPath that would climb out of the cgroup root is refused before anything exists. */
HTEST(cgroup, path_escaping_the_root_is_refused)
{
	struct hres r = { 0 };

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("true"),
					      .cgroups_path = "/../../etc" });
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, ".linux.cgroupsPath");
	assert_contains(r.err, "\"..\"");
	assert_nothing_left(c);
	hres_free(&r);
}

/* The state record names the cgroup; an exec'd process lands in it; delete removes it. */
HTEST(cgroup, exec_joins_and_delete_removes)
{
	struct hres r = { 0 };
	char *path = NULL, *cg = NULL, *procs = NULL, *pidfile = hpath(c, "exec.pid");

	if (c->mode == MODE_ROOTLESS && host_has_v1())
		hctx_skip("rootless on a v1 host there is no container cgroup to join");
	cr_assert(asprintf(&path, "/%s-abs", c->id) > 0);
	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("sleep", "100"), .cgroups_path = path,
					      .resources = "{\"pids\": {\"limit\": 100}}" });
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	HUSK(c, &r, "state", c->id);
	assert_husk_ok(&r);
	HUSK(c, &r, "exec", "-d", "--pid-file", pidfile, c->id, "sleep", "50");
	assert_husk_ok(&r);
	cr_assert(wait_file(pidfile, 5000));
	{
		char *pid = read_text(pidfile);
		char *file = NULL;

		cr_assert(asprintf(&file, "/proc/%d/cgroup", atoi(pid)) > 0);
		cg = read_text(file);
		cr_assert(cg, "no %s", file);
		assert_contains(cg, path);
		free(pid);
		free(file);
	}
	HUSK(c, &r, "delete", "--force", c->id);
	assert_husk_ok(&r);
	hctx_assert_clean(c);
	free(path);
	free(cg);
	free(procs);
	free(pidfile);
	hres_free(&r);
}

/*
 * --systemd-cgroup where systemd is not running (this host's PID 1 is not
 * systemd): one line that says so and what to do, and nothing left.
 */
HTEST(cgroup, systemd_cgroup_without_systemd)
{
	struct hres r = { 0 };

	if (access("/run/systemd/system", F_OK) == 0)
		hctx_skip("systemd runs on this host");
	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("true") });
	HUSK(c, &r, "--systemd-cgroup", "run", "--bundle", c->bundle, c->id);
	assert_husk_fails(&r);
	assert_contains(r.err, "systemd is not running");
	assert_contains(r.err, "--systemd-cgroup");
	cr_assert(strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "one line:\n%s", r.err);
	assert_nothing_left(c);
	hres_free(&r);
}

/*
 * A container joins only the v1 hierarchies it needs (not cpuset without
 * a cpuset limit): `husk update --cpuset-cpus` joins it later, every
 * process of the container moved, and the record keeps the new directory
 * (delete removes it).
 */
HTEST(cgroup, update_joins_a_hierarchy_late)
{
	struct hres r = { 0 };
	char *dir = NULL, *cpus = NULL, *procs = NULL, *file = NULL;

	if (c->mode == MODE_ROOTLESS || access("/sys/fs/cgroup/cpuset/cpuset.cpus", F_OK) < 0)
		hctx_skip("needs root and a v1 cpuset hierarchy");
	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("sleep", "100"),
					      .resources = "{\"pids\": {\"limit\": 50}}" });
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert(asprintf(&dir, "/sys/fs/cgroup/cpuset/husk-%s", c->id) > 0);
	cr_assert(access(dir, F_OK) < 0, "%s made without a cpuset limit", dir);
	HUSK(c, &r, "update", "--cpuset-cpus", "0", c->id);
	assert_husk_ok(&r);
	cr_assert(asprintf(&file, "%s/cpuset.cpus", dir) > 0);
	cpus = read_text(file);
	cr_assert(cpus && strcmp(cpus, "0\n") == 0, "%s: %s", file, cpus);
	free(file);
	cr_assert(asprintf(&file, "%s/cgroup.procs", dir) > 0);
	procs = read_text(file);
	cr_assert(procs && *procs && *procs != '\n', "no process joined %s", dir);
	HUSK(c, &r, "delete", "--force", c->id);
	assert_husk_ok(&r);
	cr_assert(access(dir, F_OK) < 0, "%s is left", dir);
	hctx_assert_clean(c);
	free(dir);
	free(cpus);
	free(procs);
	free(file);
	hres_free(&r);
}
