// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A pure cgroup v2 host, made here: the test process enters a private
 * mount namespace (its mounts no longer propagate to the host's) and
 * mounts cgroup2 on /sys/fs/cgroup in place of the hybrid tree; every husk
 * it starts inherits that view.  This host's cgroup2 hierarchy has no
 * controller but hugetlb, so these tests cover what needs none: placement
 * (CLONE_INTO_CGROUP), freezing, removal, cgroup.kill, hugetlb, and, rootless, a
 * subtree delegated to the test user as systemd delegates one (the
 * directory and its cgroup.procs, cgroup.subtree_control and
 * cgroup.threads chowned to it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "integration/harness.h"

/* This process (and what it starts) now sees cgroup2 alone at /sys/fs/cgroup. */
static void enter_pure_v2(void)
{
	cr_assert(unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS): %m");
	cr_assert(mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) == 0, "make / a slave: %m");
	cr_assert(umount2("/sys/fs/cgroup", MNT_DETACH) == 0 || errno == EINVAL,
		  "umount /sys/fs/cgroup: %m");
	cr_assert(mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL) == 0,
		  "mount cgroup2 on /sys/fs/cgroup: %m");
}

static char *cg_file(const char *rel, const char *name)
{
	char *s = NULL;

	cr_assert(asprintf(&s, "/sys/fs/cgroup/%s/%s", rel, name) > 0);
	return s;
}

static char *state_pid(struct hctx *c, const char *id)
{
	struct hres r = { 0 };
	char *pid = NULL;

	HUSK(c, &r, "state", id);
	assert_husk_ok(&r);
	hjson j = json_parse_or_fail(r.out, "state");
	cr_assert(asprintf(&pid, "%lld", json_int(JSON_AT(j, "pid"))) > 0);
	json_free(j);
	hres_free(&r);
	return pid;
}

/* pause: cgroup.freeze is 1 and `state` says paused; resume: back to running. */
static void pause_resume(struct hctx *c, const char *rel)
{
	struct hres r = { 0 };
	char *file = cg_file(rel, "cgroup.freeze"), *v;

	HUSK(c, &r, "pause", c->id);
	assert_husk_ok(&r);
	v = read_text(file);
	cr_assert(v && v[0] == '1', "%s after pause: %s", file, v);
	free(v);
	cr_assert(wait_status(c, c->id, "paused", 2000), "state does not say paused");
	HUSK(c, &r, "resume", c->id);
	assert_husk_ok(&r);
	v = read_text(file);
	cr_assert(v && v[0] == '0', "%s after resume: %s", file, v);
	free(v);
	cr_assert(wait_status(c, c->id, "running", 2000), "state does not say running");
	free(file);
	hres_free(&r);
}

/* cgroup.procs of the cgroup `rel` lists `pid`. */
static void assert_in_cgroup(const char *rel, const char *pid)
{
	char *file = cg_file(rel, "cgroup.procs");
	char *procs = read_text(file);
	char *line = NULL;

	cr_assert(procs, "no %s", file);
	cr_assert(asprintf(&line, "%s\n", pid) > 0);
	cr_assert(strncmp(procs, line, strlen(line)) == 0 || strstr(procs, line),
		  "%s does not list %s:\n%s", file, pid, procs);
	free(line);
	free(procs);
	free(file);
}

/*
 * Root: the container is born in /sys/fs/cgroup/husk-<id> (its init is
 * there from the first instruction: CLONE_INTO_CGROUP), its hugetlb limit
 * is written, and delete removes the cgroup.
 */
static void placement_hugetlb_and_removal(struct hctx *c)
{
	struct hres r = { 0 };
	char *rel = NULL, *pid, *max;

	enter_pure_v2();
	cr_assert(asprintf(&rel, "husk-%s", c->id) > 0);
	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("sleep", "100"),
		.resources = "{\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 4194304}]}" });
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	pid = state_pid(c, c->id);
	assert_in_cgroup(rel, pid);
	pause_resume(c, rel);
	max = read_text(cg_file(rel, "hugetlb.2MB.max"));
	cr_assert(max && strcmp(max, "4194304\n") == 0, "hugetlb.2MB.max: %s", max);
	HUSK(c, &r, "delete", "--force", c->id);
	assert_husk_ok(&r);
	cr_assert(access(cg_file(rel, ""), F_OK) < 0, "the cgroup %s is still there", rel);
	hctx_assert_clean(c);
	free(rel);
	free(pid);
	free(max);
	hres_free(&r);
}

/*
 * Without a pid namespace of its own, a container's processes are found
 * through its cgroup alone: delete --force kills them all (cgroup.kill),
 * the ones its init forked into the background included.
 */
static void kill_without_pid_namespace(struct hctx *c)
{
	struct hres r = { 0 };
	char *text, *cfg;

	enter_pure_v2();
	text = bundle_config_text(c, &(struct bundle_cfg){
		.args = ARGS("sh", "-c", "(sleep 100 &) ; (sleep 100 &) ; echo > /out/ready; sleep 100"),
		.bind_out = true });
	cfg = json_text_replace(text, "namespaces",
				"[{\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}, "
				"{\"type\": \"network\"}, {\"type\": \"cgroup\"}]");
	bundle_make_rootfs(c);
	write_text(hpath(c, "bundle/config.json"), cfg);
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	/* Once ready, the two orphaned sleeps and the workload's own are there
	 * for good (counted before, a passing subshell could make up the number). */
	cr_assert(wait_file(hpath(c, "out/ready"), 5000), "the workload did not start");
	cr_assert_geq(count_token_procs(c), 3, "the workload's sleeps are not running");
	HUSK(c, &r, "delete", "--force", c->id);
	assert_husk_ok(&r);
	hctx_assert_clean(c);
	free(text);
	free(cfg);
	hres_free(&r);
}

/*
 * Rootless, in a subtree delegated to the test user: husk (started from a
 * cgroup inside it) makes the container's cgroup next to its own, inside
 * the delegation, and the container is born in it; without delegation
 * (the same run from the root cgroup) it runs without one.
 */
static void delegated_subtree(struct hctx *c)
{
	static const char *const owned[] = { "", "/cgroup.procs", "/cgroup.subtree_control",
					     "/cgroup.threads" };
	struct hres r = { 0 };
	char *deleg = NULL, *caller = NULL, *rel = NULL, *me = NULL, *pid, *own = NULL;
	const char *id2;

	enter_pure_v2();
	cr_assert(asprintf(&deleg, "/sys/fs/cgroup/%s-deleg", c->token) > 0);
	cr_assert(asprintf(&caller, "%s/caller", deleg) > 0);
	cr_assert(mkdir(deleg, 0755) == 0, "mkdir %s: %m", deleg);
	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++) {
		char *f = NULL;

		cr_assert(asprintf(&f, "%s%s", deleg, owned[i]) > 0);
		cr_assert(chown(f, c->uid, c->gid) == 0, "chown %s: %m", f);
		free(f);
	}
	cr_assert(mkdir(caller, 0755) == 0, "mkdir %s: %m", caller);
	cr_assert(asprintf(&me, "%d", (int)getpid()) > 0);
	write_text(cg_file(strrchr(deleg, '/') + 1, "caller/cgroup.procs"), me);

	cr_assert(asprintf(&rel, "%s-deleg/%s", c->token, c->id) > 0);
	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("sleep", "100"),
					      .cgroups_path = c->id });
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	assert_not_contains(r.err, "not applied");
	pid = state_pid(c, c->id);
	assert_in_cgroup(rel, pid);
	pause_resume(c, rel);
	HUSK(c, &r, "pause", c->id);
	assert_husk_ok(&r);
	HUSK(c, &r, "delete", "--force", c->id);
	assert_husk_ok(&r);
	cr_assert(access(cg_file(rel, ""), F_OK) < 0, "the cgroup %s is still there", rel);

	/* In a delegated cgroup itself (its parent not the user's; systemd's
	 * `systemd-run --user --scope -p Delegate=yes`): the container's cgroup
	 * goes below it, and placement and freezing work. */
	cr_assert(asprintf(&own, "/sys/fs/cgroup/%s-own", c->token) > 0);
	cr_assert(mkdir(own, 0755) == 0, "mkdir %s: %m", own);
	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++) {
		char *f = NULL;

		cr_assert(asprintf(&f, "%s%s", own, owned[i]) > 0);
		cr_assert(chown(f, c->uid, c->gid) == 0, "chown %s: %m", f);
		free(f);
	}
	write_text(cg_file(strrchr(own, '/') + 1, "cgroup.procs"), me);
	id2 = hctx_new_id(c);
	free(rel);
	cr_assert(asprintf(&rel, "%s-own/%s", c->token, id2) > 0);
	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("sleep", "100"), .cgroups_path = id2 });
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, id2);
	assert_husk_ok(&r);
	free(pid);
	pid = state_pid(c, id2);
	assert_in_cgroup(rel, pid);
	HUSK(c, &r, "pause", id2);
	assert_husk_ok(&r);
	HUSK(c, &r, "delete", "--force", id2);
	assert_husk_ok(&r);
	cr_assert(access(cg_file(rel, ""), F_OK) < 0, "the cgroup %s is still there", rel);

	/* Back in the root cgroup: nothing there is the user's to write. */
	write_text("/sys/fs/cgroup/cgroup.procs", me);
	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("true"), .cgroups_path = c->id });
	HUSK(c, &r, "run", "--bundle", c->bundle, hctx_new_id(c));
	assert_husk_ok(&r);
	cr_assert(rmdir(caller) == 0 && rmdir(deleg) == 0 && rmdir(own) == 0,
		  "rmdir the delegations: %m");
	hctx_assert_clean(c);
	free(deleg);
	free(own);
	free(caller);
	free(rel);
	free(me);
	free(pid);
	hres_free(&r);
}

Test(cgroup_v2, placement_hugetlb_and_removal_root, .fini = hctx_fini, .timeout = HTEST_TIMEOUT)
{
	hctx_run(MODE_ROOT, placement_hugetlb_and_removal);
}

Test(cgroup_v2, kill_without_pid_namespace_root, .fini = hctx_fini, .timeout = HTEST_TIMEOUT)
{
	hctx_run(MODE_ROOT, kill_without_pid_namespace);
}

Test(cgroup_v2, delegated_subtree_rootless, .fini = hctx_fini, .timeout = HTEST_TIMEOUT)
{
	hctx_run(MODE_ROOTLESS, delegated_subtree);
}
