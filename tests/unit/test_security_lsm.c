/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AppArmor / SELinux: a config asking for an LSM the host lacks is an
 * error (checked against fake /sys trees, through the host context's
 * host_reset_for_test()), and the exec labels are written
 * where the kernel expects them (checked against a fake /proc/self/attr).
 */
#include "test_security_util.h"

#include <sys/stat.h>

#include "husk/host.h"

static char root[64];

static void mk(const char *rel, const char *content)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", root, rel);
	_cleanup_free_ char *cmd = xasprintf("mkdir -p \"$(dirname '%s')\"", p);

	cr_assert_eq(system(cmd), 0);
	if (content) {
		FILE *f = fopen(p, "w");

		cr_assert_not_null(f);
		fputs(content, f);
		fclose(f);
	} else {
		cr_assert_eq(mkdir(p, 0755), 0);
	}
}

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/husk-lsm-XXXXXX");
	cr_assert_not_null(mkdtemp(root));
}

static void teardown(void)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf %s", root);

	cr_assert_eq(system(cmd), 0);
}

TestSuite(security_lsm, .init = setup, .fini = teardown);

static int check(const char *process_extra, const char *linux_extra, struct security_plan *plan,
		 struct husk_error *err)
{
	_cleanup_spec_ struct husk_spec *s = spec_with(process_extra, linux_extra);

	memset(plan, 0, sizeof(*plan));
	husk_error_clear(err);
	host_reset_for_test(&(struct host_test_roots){ .sys = root }); /* read the tree as it is now */
	return lsm_prepare(s, s->process, plan, err);
}

static void plan_clear(struct security_plan *p)
{
	free(p->apparmor_profile);
	free(p->selinux_label);
}

Test(security_lsm, apparmor_missing_is_an_error)
{
	struct security_plan plan;
	struct husk_error err;

	cr_assert_eq(check("\"apparmorProfile\":\"husk-default\"", "", &plan, &err), -EOPNOTSUPP);
	cr_assert_str_eq(err.msg, ".process.apparmorProfile: AppArmor is not enabled on this host");
	/* securityfs shows it, but the module is switched off. */
	mk("kernel/security/apparmor", NULL);
	mk("module/apparmor/parameters/enabled", "N\n");
	cr_assert_eq(check("\"apparmorProfile\":\"husk-default\"", "", &plan, &err), -EOPNOTSUPP);
}

Test(security_lsm, apparmor_present)
{
	struct security_plan plan;
	struct husk_error err;

	mk("kernel/security/apparmor", NULL);
	mk("module/apparmor/parameters/enabled", "Y\n");
	cr_assert_eq(check("\"apparmorProfile\":\"husk-default\"", "", &plan, &err), 0, "%s",
		     err.msg);
	cr_assert_str_eq(plan.apparmor_profile, "husk-default");
	plan_clear(&plan);
}

Test(security_lsm, selinux_missing_is_an_error)
{
	struct security_plan plan;
	struct husk_error err;

	mk("fs/selinux", NULL);     /* the mount point alone: selinuxfs is not mounted */
	cr_assert_eq(check("\"selinuxLabel\":\"system_u:system_r:container_t:s0\"", "", &plan,
			   &err), -EOPNOTSUPP);
	cr_assert_str_eq(err.msg, ".process.selinuxLabel: SELinux is not enabled on this host");
	cr_assert_eq(check("", "\"mountLabel\":\"system_u:object_r:container_file_t:s0\"", &plan,
			   &err), -EOPNOTSUPP);
	cr_assert_str_eq(err.msg, ".linux.mountLabel: SELinux is not enabled on this host");
	mk("fs/selinux/enforce", "1");
	cr_assert_eq(check("\"selinuxLabel\":\"system_u:system_r:container_t:s0\"", "", &plan,
			   &err), 0);
	cr_assert_str_eq(plan.selinux_label, "system_u:system_r:container_t:s0");
	plan_clear(&plan);
}

Test(security_lsm, nothing_asked_nothing_checked)
{
	struct security_plan plan;
	struct husk_error err;

	cr_assert_eq(check("\"apparmorProfile\":\"\"", "", &plan, &err), 0);
	cr_assert_null(plan.apparmor_profile);
	cr_assert_null(plan.selinux_label);
}

/* The real host: neither LSM runs here, so the real path must say so. */
Test(security_lsm, real_host_without_the_lsm)
{
	_cleanup_spec_ struct husk_spec *s = spec_with("\"apparmorProfile\":\"p\"", "");
	struct security_plan *plan = NULL;
	struct husk_error err = { 0 };
	bool have = access("/sys/module/apparmor/parameters/enabled", F_OK) == 0;

	if (have)
		cr_skip_test("this host runs AppArmor");
	cr_assert_lt(security_prepare(s, s->process, &plan, NULL, &err), 0);
	cr_assert_null(plan);
	cr_assert_str_eq(err.msg, ".process.apparmorProfile: AppArmor is not enabled on this host");
}

static char *slurp(const char *rel)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", root, rel);
	char *buf = NULL;
	size_t len;

	cr_assert_eq(read_file_at(AT_FDCWD, p, 4096, &buf, &len, NULL), 0, "read %s", p);
	return buf;
}

Test(security_lsm, apparmor_written_to_its_own_file_first)
{
	struct security_plan plan = { .apparmor_profile = "husk-default" };
	struct husk_error err = { 0 };
	_cleanup_free_ char *attr = xasprintf("%s/attr", root);
	_cleanup_free_ char *got = NULL;

	mk("attr/apparmor/exec", "");
	mk("attr/exec", "");
	cr_assert_eq(lsm_apply_at(&plan, attr, &err), 0, "%s", err.msg);
	got = slurp("attr/apparmor/exec");
	cr_assert_str_eq(got, "exec husk-default");
	free(got);
	got = slurp("attr/exec");
	cr_assert_str_eq(got, "");
}

Test(security_lsm, apparmor_falls_back_to_the_shared_file)
{
	struct security_plan plan = { .apparmor_profile = "husk-default" };
	struct husk_error err = { 0 };
	_cleanup_free_ char *attr = xasprintf("%s/attr", root);
	_cleanup_free_ char *got = NULL;

	mk("attr/exec", "");
	cr_assert_eq(lsm_apply_at(&plan, attr, &err), 0, "%s", err.msg);
	got = slurp("attr/exec");
	cr_assert_str_eq(got, "exec husk-default");
}

Test(security_lsm, selinux_label_written)
{
	struct security_plan plan = { .selinux_label = "system_u:system_r:container_t:s0:c1,c2" };
	struct husk_error err = { 0 };
	_cleanup_free_ char *attr = xasprintf("%s/attr", root);
	_cleanup_free_ char *got = NULL;

	mk("attr/exec", "");
	cr_assert_eq(lsm_apply_at(&plan, attr, &err), 0, "%s", err.msg);
	got = slurp("attr/exec");
	cr_assert_str_eq(got, "system_u:system_r:container_t:s0:c1,c2");
}

Test(security_lsm, write_failure_names_the_field)
{
	struct security_plan plan = { .selinux_label = "x" };
	struct husk_error err = { 0 };
	_cleanup_free_ char *attr = xasprintf("%s/none", root);
	_cleanup_free_ char *want = xasprintf(".process.selinuxLabel \"x\": open %s/none/exec: "
					      "No such file or directory", root);

	cr_assert_eq(lsm_apply_at(&plan, attr, &err), -ENOENT);
	cr_assert_str_eq(err.msg, want);
}

/* Nothing asked: the real /proc/self/attr is not touched (it would refuse). */
Test(security_lsm, apply_nothing)
{
	struct security_plan plan = { 0 };

	cr_assert_eq(security_lsm_apply(&plan, NULL), 0);
}
