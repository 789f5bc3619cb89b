/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Audit rules on the process, capabilities and seccomp (A001-A015): for
 * each, a config that triggers it alone and a near miss that does not.
 */
#include "test_audit_util.h"

#define NO_USERNS .uid_map = "", .namespaces = NS_ALL_BUT_USER

Test(audit_rules, clean_config_has_no_findings)
{
	expect_clean(&(struct cfg){ 0 });
}

/* ---- A001-A003: who the process is -------------------------------------- */

Test(audit_rules, a001_root_without_userns)
{
	expect_only(&(struct cfg){ .user = "'uid':0,'gid':0", NO_USERNS }, "HUSK-A001", 1,
		    AUDIT_HIGH, ".process.user.uid");
	/* A user namespace that maps container ids onto host root does not count. */
	expect_only(&(struct cfg){ .user = "'uid':0,'gid':0",
				   .uid_map = "[{'containerID':0,'hostID':0,'size':65536}]" },
		    "HUSK-A001", 1, AUDIT_HIGH, NULL);
	/* Nor does the host's user namespace joined by path. */
	expect_only(&(struct cfg){ .user = "'uid':0,'gid':0", .uid_map = "",
				   .namespaces = NS_ALL_BUT_USER
				   ",{'type':'user','path':'/proc/1/ns/user'}" },
		    "HUSK-A001", 1, AUDIT_HIGH, NULL);
}

Test(audit_rules, a002_root_in_userns)
{
	int sev;

	expect_only(&(struct cfg){ .user = "'uid':0,'gid':0",
				   .uid_map = "[{'containerID':0,'hostID':1000,'size':1}]" },
		    "HUSK-A002", 1, AUDIT_LOW, ".process.user.uid");
	/* A user namespace joined from another container (podman pods) counts. */
	cr_assert_eq(cfg_count(&(struct cfg){ .user = "'uid':0,'gid':0", .uid_map = "",
					      .namespaces = NS_ALL_BUT_USER
					      ",{'type':'user','path':'/proc/4242/ns/user'}" },
			       "HUSK-A002", &sev), 1);
	cr_assert_eq(sev, AUDIT_LOW);
}

Test(audit_rules, a003_no_userns)
{
	expect_only(&(struct cfg){ NO_USERNS }, "HUSK-A003", 1, AUDIT_LOW, ".linux.namespaces");
}

/* ---- A004-A008: capabilities ------------------------------------------------ */

Test(audit_rules, a004_privileged)
{
	int sev;

	cr_assert_eq(cfg_count(&(struct cfg){ .caps = "'bounding':['CAP_SYS_ADMIN']",
					      .seccomp = "", NO_USERNS }, "HUSK-A004", &sev), 1);
	cr_assert_eq(sev, AUDIT_CRITICAL);
	/* One level lower in a user namespace. */
	cr_assert_eq(cfg_count(&(struct cfg){ .caps = "'effective':['CAP_SYS_ADMIN']",
					      .seccomp = "" }, "HUSK-A004", &sev), 1);
	cr_assert_eq(sev, AUDIT_HIGH);
	/* CAP_SYS_ADMIN under a seccomp profile is dangerous, not privileged. */
	cr_assert_eq(cfg_count(&(struct cfg){ .caps = "'bounding':['CAP_SYS_ADMIN']" },
			       "HUSK-A004", NULL), 0);
	cr_assert_eq(cfg_count(&(struct cfg){ .caps = "'bounding':['CAP_SYS_ADMIN']" },
			       "HUSK-A005", NULL), 1);
	/* No seccomp without CAP_SYS_ADMIN is not privileged either. */
	cr_assert_eq(cfg_count(&(struct cfg){ .seccomp = "" }, "HUSK-A004", NULL), 0);
}

Test(audit_rules, a005_dangerous_capability)
{
	int sev;

	/* Without a user namespace (A003 comes along, low). */
	cr_assert_eq(cfg_count(&(struct cfg){ .caps = "'bounding':['CAP_SYS_MODULE']", NO_USERNS },
			       "HUSK-A005", &sev), 1);
	cr_assert_eq(sev, AUDIT_CRITICAL);
	cr_assert_eq(cfg_count(&(struct cfg){ .caps = "'permitted':['CAP_NET_ADMIN']", NO_USERNS },
			       "HUSK-A005", &sev), 1);
	cr_assert_eq(sev, AUDIT_HIGH);
	/* Named once whatever the number of sets it is in; the first place is the path. */
	expect_only(&(struct cfg){ .caps = "'bounding':['CAP_SYS_RAWIO'],'effective':"
				   "['CAP_SYS_RAWIO'],'permitted':['CAP_SYS_RAWIO']" },
		    "HUSK-A005", 1, AUDIT_HIGH, ".process.capabilities.bounding[0]");
	/* One level lower in a user namespace. */
	expect_only(&(struct cfg){ .caps = "'ambient':['CAP_DAC_READ_SEARCH']" }, "HUSK-A005", 1,
		    AUDIT_HIGH, ".process.capabilities.ambient[0]");
	expect_only(&(struct cfg){ .caps = "'effective':['CAP_SYS_PTRACE','CAP_BPF']" },
		    "HUSK-A005", 2, AUDIT_MEDIUM, ".process.capabilities.effective[0]");
}

Test(audit_rules, a006_capability_beyond_default)
{
	int sev;

	cr_assert_eq(cfg_count(&(struct cfg){ .caps = "'bounding':['CAP_IPC_LOCK']", NO_USERNS },
			       "HUSK-A006", &sev), 1);
	cr_assert_eq(sev, AUDIT_MEDIUM);
	expect_only(&(struct cfg){ .caps = "'bounding':['CAP_LEASE']" }, "HUSK-A006", 1,
		    AUDIT_LOW, NULL);
	/* A name the kernel does not know is still reported. */
	expect_only(&(struct cfg){ .caps = "'bounding':['CAP_FROB']" }, "HUSK-A006", 1,
		    AUDIT_LOW, NULL);
}

Test(audit_rules, a007_default_capabilities_kept)
{
	struct audit_report rep;
	_cleanup_free_ char *json = cfg_text(&(struct cfg){
		.caps = "'bounding':['CAP_NET_BIND_SERVICE','CAP_CHOWN','CAP_KILL'],"
			"'effective':['CAP_NET_RAW']" });

	audit_text(json, &rep);
	cr_assert_eq(rep.n, 1);
	cr_assert_str_eq(rep.findings[0].rule->id, "HUSK-A007");
	cr_assert_eq(rep.findings[0].severity, AUDIT_LOW);
	cr_assert_str_eq(rep.findings[0].path, ".process.capabilities.bounding[1]");
	cr_assert(strstr(rep.findings[0].message, "CAP_CHOWN, CAP_KILL, CAP_NET_RAW"),
		  "%s", rep.findings[0].message);
	audit_report_free(&rep);
	/* CAP_NET_BIND_SERVICE alone is what Pod Security "restricted" allows. */
	expect_clean(&(struct cfg){ .caps = "'bounding':['CAP_NET_BIND_SERVICE'],"
				    "'effective':['CAP_NET_BIND_SERVICE'],'permitted':"
				    "['CAP_NET_BIND_SERVICE'],'inheritable':"
				    "['CAP_NET_BIND_SERVICE'],'ambient':"
				    "['CAP_NET_BIND_SERVICE']" });
}

Test(audit_rules, a008_inheritable_without_ambient)
{
	expect_only(&(struct cfg){ .caps = "'inheritable':['CAP_NET_BIND_SERVICE']" },
		    "HUSK-A008", 1, AUDIT_MEDIUM, ".process.capabilities.inheritable[0]");
	expect_clean(&(struct cfg){ .caps = "'inheritable':['CAP_NET_BIND_SERVICE'],"
				    "'ambient':['CAP_NET_BIND_SERVICE']" });
}

/* ---- A009, A014, A015: no_new_privs and LSM ------------------------------------- */

Test(audit_rules, a009_no_new_privs_off)
{
	expect_only(&(struct cfg){ .nnp = "false" }, "HUSK-A009", 1, AUDIT_MEDIUM,
		    ".process.noNewPrivileges");
}

Test(audit_rules, a014_lsm_unconfined)
{
	expect_only(&(struct cfg){ .lsm = ",'apparmorProfile':'unconfined'" }, "HUSK-A014", 1,
		    AUDIT_MEDIUM, ".process.apparmorProfile");
	expect_only(&(struct cfg){ .lsm = ",'selinuxLabel':'system_u:system_r:spc_t:s0'" },
		    "HUSK-A014", 1, AUDIT_MEDIUM, ".process.selinuxLabel");
	expect_clean(&(struct cfg){ .lsm = ",'selinuxLabel':'system_u:system_r:container_t:"
				    "s0:c1,c2'" });
}

Test(audit_rules, a015_no_lsm)
{
	expect_only(&(struct cfg){ .lsm = "" }, "HUSK-A015", 1, AUDIT_LOW,
		    ".process.apparmorProfile");
}

/* ---- A010-A013: seccomp ------------------------------------------------------------ */

Test(audit_rules, a010_no_seccomp)
{
	expect_only(&(struct cfg){ .seccomp = "" }, "HUSK-A010", 1, AUDIT_HIGH, ".linux.seccomp");
}

Test(audit_rules, a011_seccomp_allows_by_default)
{
	expect_only(&(struct cfg){ .seccomp = "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':"
				   "[{'names':['kexec_load'],'action':'SCMP_ACT_ERRNO'}]}" },
		    "HUSK-A011", 1, AUDIT_HIGH, ".linux.seccomp.defaultAction");
	expect_only(&(struct cfg){ .seccomp = "{'defaultAction':'SCMP_ACT_LOG'}" }, "HUSK-A011",
		    1, AUDIT_HIGH, NULL);
	expect_clean(&(struct cfg){ .seccomp = "{'defaultAction':'SCMP_ACT_KILL_PROCESS'}" });
}

Test(audit_rules, a012_seccomp_allows_escape_syscalls)
{
	struct audit_report rep;
	_cleanup_free_ char *json = cfg_text(&(struct cfg){
		.seccomp = "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':["
			   "{'names':['read','write'],'action':'SCMP_ACT_ALLOW'},"
			   "{'names':['read','mount','unshare','bpf'],"
			   "'action':'SCMP_ACT_ALLOW'}]}" });

	audit_text(json, &rep);
	cr_assert_eq(rep.n, 1);
	cr_assert_str_eq(rep.findings[0].rule->id, "HUSK-A012");
	cr_assert_str_eq(rep.findings[0].path, ".linux.seccomp.syscalls[1]");
	cr_assert(strstr(rep.findings[0].message, "mount, unshare, bpf"), "%s",
		  rep.findings[0].message);
	audit_report_free(&rep);
	/* With argument conditions (clone without namespace flags) or denied: fine. */
	expect_clean(&(struct cfg){ .seccomp = "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':["
				    "{'names':['unshare'],'action':'SCMP_ACT_ALLOW','args':"
				    "[{'index':0,'value':2114060288,'op':'SCMP_CMP_MASKED_EQ'}]},"
				    "{'names':['mount','bpf'],'action':'SCMP_ACT_ERRNO'}]}" });
}

Test(audit_rules, a013_seccomp_spec_allow)
{
	expect_only(&(struct cfg){ .seccomp = "{'defaultAction':'SCMP_ACT_ERRNO','flags':"
				   "['SECCOMP_FILTER_FLAG_SPEC_ALLOW']}" },
		    "HUSK-A013", 1, AUDIT_LOW, ".linux.seccomp.flags");
	expect_clean(&(struct cfg){ .seccomp = "{'defaultAction':'SCMP_ACT_ERRNO','flags':"
				    "['SECCOMP_FILTER_FLAG_TSYNC']}" });
}
