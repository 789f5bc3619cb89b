/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Audit rules on the filesystem, namespaces, devices, limits and sysctls
 * (A016-A039): for each, a config that triggers it alone and a near miss
 * that does not.
 */
#include "test_audit_util.h"

#define BIND(dst, src, opts) \
	"{'destination':'" dst "','type':'bind','source':'" src "','options':[" opts "]}"

/* ---- A016-A018: root and tmpfs ------------------------------------------------ */

Test(audit_rules, a016_writable_root)
{
	expect_only(&(struct cfg){ .root_ro = "false" }, "HUSK-A016", 1, AUDIT_MEDIUM,
		    ".root.readonly");
}

Test(audit_rules, a017_tmpfs_exec)
{
	int sev;

	expect_only(&(struct cfg){ .mounts = M_PROC "," M_SYS ",{'destination':'/tmp','type':"
				   "'tmpfs','options':['nosuid','nodev','size=1m']}" },
		    "HUSK-A017", 1, AUDIT_MEDIUM, ".mounts[2].options");
	/* The last of a pair wins: "noexec" then "exec" is exec. */
	expect_only(&(struct cfg){ .mounts = M_PROC "," M_SYS ",{'destination':'/run','type':"
				   "'tmpfs','options':['noexec','nosuid','nodev','size=1m',"
				   "'exec']}" }, "HUSK-A017", 1, AUDIT_MEDIUM, NULL);
	/* /dev needs no nodev; a read-only tmpfs needs nothing. */
	cr_assert_eq(cfg_count(&(struct cfg){ .mounts = M_PROC "," M_SYS ",{'destination':"
					      "'/dev','type':'tmpfs','options':['nosuid',"
					      "'noexec','size=1m']}" }, "HUSK-A017", &sev), 0);
	expect_clean(&(struct cfg){ .mounts = CLEAN_MOUNTS ",{'destination':'/opt','type':"
				    "'tmpfs','options':['ro']}" });
}

Test(audit_rules, a018_tmpfs_unbounded)
{
	expect_only(&(struct cfg){ .mounts = M_PROC "," M_SYS ",{'destination':'/tmp','type':"
				   "'tmpfs','options':['nosuid','nodev','noexec']}" },
		    "HUSK-A018", 1, AUDIT_LOW, ".mounts[2].options");
}

/* ---- A019-A025: namespaces --------------------------------------------------------- */

Test(audit_rules, a019_no_mount_namespace)
{
	expect_only(&(struct cfg){ .namespaces = "{'type':'pid'},{'type':'network'},"
				   "{'type':'ipc'},{'type':'uts'},{'type':'cgroup'},"
				   "{'type':'user'}" },
		    "HUSK-A019", 1, AUDIT_CRITICAL, ".linux.namespaces");
}

Test(audit_rules, a020_to_a024_host_namespaces)
{
	static const struct {
		const char *type, *id;
		enum audit_severity sev;
	} cases[] = {
		{ "pid", "HUSK-A020", AUDIT_HIGH }, { "network", "HUSK-A021", AUDIT_HIGH },
		{ "ipc", "HUSK-A022", AUDIT_HIGH }, { "uts", "HUSK-A023", AUDIT_MEDIUM },
		{ "cgroup", "HUSK-A024", AUDIT_LOW },
	};
	static const char *const all[] = { "pid", "network", "ipc", "uts", "mount", "cgroup",
					   "user" };

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *absent = xstrdup("{'type':'mount'}");
		_cleanup_free_ char *joined = NULL;
		_cleanup_free_ char *path = NULL;

		for (size_t j = 0; j < ARRAY_SIZE(all); j++) {
			char *next;

			if (strcmp(all[j], "mount") == 0 || strcmp(all[j], cases[i].type) == 0)
				continue;
			next = xasprintf("%s,{'type':'%s'}", absent, all[j]);
			free(absent);
			absent = next;
		}
		/* Absent from the list ... */
		expect_only(&(struct cfg){ .namespaces = absent }, cases[i].id, 1, cases[i].sev,
			    ".linux.namespaces");
		/* ... or joined through the host's own /proc/1/ns entry. */
		joined = xasprintf("%s,{'type':'%s','path':'/proc/1/ns/%s'}", absent,
				   cases[i].type, cases[i].type);
		path = xasprintf(".linux.namespaces[%zu].path", ARRAY_SIZE(all) - 1);
		expect_only(&(struct cfg){ .namespaces = joined }, cases[i].id, 1, cases[i].sev,
			    path);
	}
}

Test(audit_rules, a025_joined_namespace)
{
	expect_only(&(struct cfg){ .namespaces = "{'type':'pid'},{'type':'network','path':"
				   "'/run/netns/cni-1234'},{'type':'ipc'},{'type':'uts'},"
				   "{'type':'mount'},{'type':'cgroup'},{'type':'user'}" },
		    "HUSK-A025", 1, AUDIT_LOW, ".linux.namespaces[1].path");
	/* /proc/self/ns is the runtime's own: the host's, not a joined one. */
	cr_assert_eq(cfg_count(&(struct cfg){ .namespaces = "{'type':'pid','path':"
					      "'/proc/self/ns/pid'},{'type':'network'},"
					      "{'type':'ipc'},{'type':'uts'},{'type':'mount'},"
					      "{'type':'cgroup'},{'type':'user'}" },
			       "HUSK-A025", NULL), 0);
}

/* ---- A026-A028: host paths, propagation ------------------------------------------- */

Test(audit_rules, a026_socket_mount)
{
	expect_only(&(struct cfg){ .mounts = CLEAN_MOUNTS "," BIND("/var/run/docker.sock",
				   "/var/run/docker.sock", "'rbind','ro'") },
		    "HUSK-A026", 1, AUDIT_CRITICAL, ".mounts[4].source");
	/* Any socket under /run, spelled any way. */
	expect_only(&(struct cfg){ .mounts = CLEAN_MOUNTS "," BIND("/s", "/var/../run//x/app.sock",
				   "'bind'") }, "HUSK-A026", 1, AUDIT_CRITICAL, NULL);
	expect_only(&(struct cfg){ .mounts = CLEAN_MOUNTS "," BIND("/s", "/srv/app/api.sock",
				   "'bind'") }, "HUSK-A026", 1, AUDIT_MEDIUM, NULL);
	expect_clean(&(struct cfg){ .mounts = CLEAN_MOUNTS "," BIND("/data", "/srv/data",
				    "'rbind','rw'") });
}

Test(audit_rules, a027_sensitive_host_path)
{
	expect_only(&(struct cfg){ .mounts = CLEAN_MOUNTS "," BIND("/host", "/", "'rbind'") },
		    "HUSK-A027", 1, AUDIT_HIGH, ".mounts[4].source");
	expect_only(&(struct cfg){ .mounts = CLEAN_MOUNTS "," BIND("/e", "/etc/", "'rbind','ro'") },
		    "HUSK-A027", 1, AUDIT_MEDIUM, NULL);
	expect_only(&(struct cfg){ .mounts = CLEAN_MOUNTS "," BIND("/p", "/proc/1", "'bind'") },
		    "HUSK-A027", 1, AUDIT_HIGH, NULL);
	expect_only(&(struct cfg){ .mounts = CLEAN_MOUNTS "," BIND("/h", "/home/alice", "'bind'") },
		    "HUSK-A027", 1, AUDIT_HIGH, NULL);
	/* runc's rootless /sys: read-only, low. */
	expect_only(&(struct cfg){ .mounts = M_PROC "," M_TMP ",{'destination':'/sys','type':"
				   "'none','source':'/sys','options':['rbind','nosuid','noexec',"
				   "'nodev','ro']}" },
		    "HUSK-A027", 1, AUDIT_LOW, ".mounts[2].source");
	/* What engines bind for every container is not flagged. */
	expect_clean(&(struct cfg){ .mounts = CLEAN_MOUNTS
				    "," BIND("/etc/hosts", "/var/lib/docker/containers/abc/hosts",
					     "'rbind'")
				    "," BIND("/v", "/var/lib/kubelet/pods/x/volumes/v", "'rbind'")
				    "," BIND("/src", "/home/alice/project", "'rbind'")
				    "," BIND("/etc/resolv.conf", "/run/containers/x/resolv.conf",
					     "'bind'")
				    "," BIND("/cfg", "relative/in/bundle", "'bind'") });
}

Test(audit_rules, a028_shared_propagation)
{
	expect_only(&(struct cfg){ .linux_extra = ",'rootfsPropagation':'rshared'" },
		    "HUSK-A028", 1, AUDIT_MEDIUM, ".linux.rootfsPropagation");
	expect_only(&(struct cfg){ .mounts = CLEAN_MOUNTS "," BIND("/d", "/srv/d",
				   "'rbind','shared'") }, "HUSK-A028", 1, AUDIT_MEDIUM,
		    ".mounts[4].options");
	expect_clean(&(struct cfg){ .linux_extra = ",'rootfsPropagation':'rslave'" });
}

/* ---- A029-A030: devices ------------------------------------------------------------ */

Test(audit_rules, a029_privileged_device)
{
	expect_only(&(struct cfg){ .linux_extra = ",'devices':[{'path':'/dev/mem','type':'c',"
				   "'major':1,'minor':1}]" }, "HUSK-A029", 1, AUDIT_CRITICAL,
		    ".linux.devices[0]");
	expect_only(&(struct cfg){ .linux_extra = ",'devices':[{'path':'/dev/fuse','type':'c',"
				   "'major':10,'minor':229},{'path':'/dev/sda','type':'b',"
				   "'major':8,'minor':0}]" }, "HUSK-A029", 1, AUDIT_HIGH,
		    ".linux.devices[1]");
	expect_only(&(struct cfg){ .linux_extra = ",'devices':[{'path':'/dev/kmsg','type':'c',"
				   "'major':1,'minor':11}]" }, "HUSK-A029", 1, AUDIT_MEDIUM, NULL);
	/* Bound in as a mount rather than listed. */
	expect_only(&(struct cfg){ .mounts = CLEAN_MOUNTS "," BIND("/dev/kmem", "/dev/kmem",
				   "'bind'") },
		    "HUSK-A029", 1, AUDIT_CRITICAL, ".mounts[4].source");
	expect_clean(&(struct cfg){ .linux_extra = ",'devices':[{'path':'/dev/fuse','type':'c',"
				    "'major':10,'minor':229}]" });
}

Test(audit_rules, a030_device_cgroup_allows_all)
{
	expect_only(&(struct cfg){ .resources = "{'devices':[{'allow':true,'access':'rwm'}],"
				   "'pids':{'limit':100},'memory':{'limit':268435456},"
				   "'cpu':{'shares':512}}" },
		    "HUSK-A030", 1, AUDIT_CRITICAL, ".linux.resources.devices[0]");
	expect_only(&(struct cfg){ .resources = "{'devices':[{'allow':false,'access':'rwm'},"
				   "{'allow':true,'type':'c','access':'rw'}],"
				   "'pids':{'limit':100},'memory':{'limit':268435456},"
				   "'cpu':{'shares':512}}" },
		    "HUSK-A030", 1, AUDIT_HIGH, ".linux.resources.devices[1]");
	/* docker's mknod-only wildcards, and an allow-all taken back by a later deny-all. */
	expect_clean(&(struct cfg){ .resources = "{'devices':[{'allow':true,'access':'rwm'},"
				    "{'allow':false,'access':'rwm'},{'allow':true,'type':'c',"
				    "'access':'m'},{'allow':true,'type':'c','major':1,'minor':3,"
				    "'access':'rwm'}],'pids':{'limit':100},'memory':{'limit':"
				    "268435456},'cpu':{'shares':512}}" });
}

/* ---- A031-A033: limits --------------------------------------------------------------- */

Test(audit_rules, a031_no_pids_limit)
{
	expect_only(&(struct cfg){ .resources = "{'memory':{'limit':268435456},'cpu':{'shares':"
				   "512}}" }, "HUSK-A031", 1, AUDIT_MEDIUM,
		    ".linux.resources.pids.limit");
	expect_only(&(struct cfg){ .resources = "{'pids':{'limit':-1},'memory':{'limit':"
				   "268435456},'cpu':{'shares':512}}" }, "HUSK-A031", 1,
		    AUDIT_MEDIUM, NULL);
}

Test(audit_rules, a032_no_memory_limit)
{
	expect_only(&(struct cfg){ .resources = "{'pids':{'limit':100},'memory':{'reservation':"
				   "1048576},'cpu':{'shares':512}}" }, "HUSK-A032", 1, AUDIT_LOW,
		    ".linux.resources.memory.limit");
}

Test(audit_rules, a033_no_cpu_limit)
{
	expect_only(&(struct cfg){ .resources = "{'pids':{'limit':100},'memory':{'limit':"
				   "268435456}}" }, "HUSK-A033", 1, AUDIT_LOW,
		    ".linux.resources.cpu");
	expect_clean(&(struct cfg){ .resources = "{'pids':{'limit':100},'memory':{'limit':"
				    "268435456},'cpu':{'cpus':'0-1'}}" });
}

/* Why a rootless husk on a cgroup v1 host applies no limits, as cgroup/ words it. */
#define NO_V1_DELEGATION "cgroup v1 has no delegation to uid 1000"
#define FIX_ENFORCE "run husk as root, or on cgroup v2 in a cgroup delegated to its user " \
		    "(systemd-run --user --scope -p Delegate=yes husk run ...)"

/*
 * A husk that applies limits (root, or cgroup v2 with delegation) credits
 * them: no finding, whichever way it is asked (audit_spec(), or
 * audit_spec_on() with no reason they would not be applied).
 */
Test(audit_rules, a031_a033_limits_enforced_are_credited)
{
	struct audit_report rep;
	_cleanup_free_ char *list = NULL;

	audit_cfg(&(struct cfg){ 0 }, &rep);
	list = rule_list(&rep);
	cr_expect_eq(rep.n, 0, "%s", list);
	audit_report_free(&rep);
	audit_cfg_on(&(struct cfg){ .resources = "{'pids':{'limit':100},'memory':{'limit':"
				    "268435456},'cpu':{'shares':512}}" },
		     &(struct audit_host){ .limits_unenforced = NULL }, &rep);
	cr_expect_eq(rep.n, 0);
	audit_report_free(&rep);
}

/*
 * A husk that would not apply them (rootless on cgroup v1, say): a limit
 * in the config earns nothing, so it gets the same rule and severity as a
 * missing one, with a message naming the field and why, and a fix saying
 * what would enforce it.
 */
Test(audit_rules, a031_a033_limits_unenforced_are_findings)
{
	const struct audit_host host = { .limits_unenforced = NO_V1_DELEGATION };
	struct audit_report rep;
	_cleanup_free_ char *list = NULL;
	const struct audit_finding *f;

	audit_cfg_on(&(struct cfg){ .resources = "{'pids':{'limit':100},'memory':{'limit':"
				    "268435456},'cpu':{'quota':50000,'period':100000,"
				    "'shares':512}}" }, &host, &rep);
	list = rule_list(&rep);
	cr_expect_eq(rep.n, 3, "only the three limit rules:%s", list);
	f = find_rule(&rep, "HUSK-A031");
	cr_assert_not_null(f);
	cr_expect_eq(f->severity, AUDIT_MEDIUM);
	cr_expect_str_eq(f->path, ".linux.resources.pids.limit");
	cr_expect_str_eq(f->message, "pids.limit 100 is not enforced here: " NO_V1_DELEGATION
			 ": a fork bomb still exhausts the host's process table");
	cr_expect_str_eq(f->fix, FIX_ENFORCE);
	f = find_rule(&rep, "HUSK-A032");
	cr_assert_not_null(f);
	cr_expect_eq(f->severity, AUDIT_LOW);
	cr_expect_str_eq(f->path, ".linux.resources.memory.limit");
	cr_expect_str_eq(f->message, "memory.limit 268435456 is not enforced here: "
			 NO_V1_DELEGATION ": the workload can still take the host's memory");
	cr_expect_str_eq(f->fix, FIX_ENFORCE);
	f = find_rule(&rep, "HUSK-A033");
	cr_assert_not_null(f);
	cr_expect_eq(f->severity, AUDIT_LOW);
	cr_expect_str_eq(f->path, ".linux.resources.cpu");
	cr_expect_str_eq(f->message, ".linux.resources.cpu.quota, .linux.resources.cpu.shares "
			 "are not enforced here: " NO_V1_DELEGATION ": the workload still "
			 "competes for every CPU of the host");
	audit_report_free(&rep);

	/* One cpu field: "is". */
	audit_cfg_on(&(struct cfg){ .resources = "{'pids':{'limit':100},'memory':{'limit':"
				    "268435456},'cpu':{'cpus':'0-1'}}" }, &host, &rep);
	f = find_rule(&rep, "HUSK-A033");
	cr_assert_not_null(f);
	cr_expect(str_has_prefix(f->message, ".linux.resources.cpu.cpus is not enforced here: "),
		  "%s", f->message);
	audit_report_free(&rep);
}

/* A missing limit there: the finding as ever, and the fix says it would need both. */
Test(audit_rules, a031_missing_limit_unenforced_fix_names_the_reason)
{
	struct audit_report rep;
	const struct audit_finding *f;

	audit_cfg_on(&(struct cfg){ .resources = "{'memory':{'limit':268435456},'cpu':"
				    "{'shares':512}}" },
		     &(struct audit_host){ .limits_unenforced = NO_V1_DELEGATION }, &rep);
	cr_expect_eq(count_rule(&rep, "HUSK-A031"), 1);
	f = find_rule(&rep, "HUSK-A031");
	cr_assert_not_null(f);
	cr_expect_eq(f->severity, AUDIT_MEDIUM);
	cr_expect_str_eq(f->message, "no pids limit: a fork bomb exhausts the host's process "
			 "table");
	cr_expect_str_eq(f->fix, "set .linux.resources.pids.limit (husk spec --hardened: "
			 "1000), and " FIX_ENFORCE ": here it would not be enforced ("
			 NO_V1_DELEGATION ")");
	audit_report_free(&rep);
}

/* ---- A034-A038: /proc and /sys ---------------------------------------------------------- */

Test(audit_rules, a034_proc_sys_writable)
{
	int sev;

	/* Without a user namespace, host-wide settings are in reach: high. */
	cr_assert_eq(cfg_count(&(struct cfg){ .readonly = "['/proc/bus','/proc/fs','/proc/irq',"
					      "'/proc/sysrq-trigger']", .uid_map = "",
					      .namespaces = NS_ALL_BUT_USER },
			       "HUSK-A034", &sev), 1);
	cr_assert_eq(sev, AUDIT_HIGH);
	expect_only(&(struct cfg){ .readonly = "['/proc/bus','/proc/fs','/proc/irq',"
				   "'/proc/sysrq-trigger']" }, "HUSK-A034", 1, AUDIT_MEDIUM, NULL);
	/* A read-only /proc, or no /proc at all, covers it. */
	expect_clean(&(struct cfg){ .readonly = "[]", .mounts = M_DEV "," M_SYS ","
				    "{'destination':'/proc','type':'proc','options':['nosuid',"
				    "'noexec','nodev','ro']}" });
	expect_clean(&(struct cfg){ .readonly = "[]", .mounts = M_SYS });
}

Test(audit_rules, a035_sys_writable)
{
	expect_only(&(struct cfg){ .mounts = M_PROC ",{'destination':'/sys','type':'sysfs',"
				   "'options':['nosuid','rw']}" }, "HUSK-A035", 1, AUDIT_MEDIUM,
		    ".mounts[1].options");
	expect_only(&(struct cfg){ .mounts = CLEAN_MOUNTS ",{'destination':'/sys/fs/cgroup',"
				   "'type':'cgroup2'}" }, "HUSK-A035", 1, AUDIT_LOW,
		    ".mounts[4].options");
}

Test(audit_rules, a036_essential_masks_missing)
{
	struct audit_report rep;
	_cleanup_free_ char *json = cfg_text(&(struct cfg){
		.masked = "['/proc/acpi','/proc/asound','/proc/interrupts','/proc/latency_stats',"
			  "'/proc/sched_debug','/proc/scsi','/proc/timer_list','/sys/dev/block',"
			  "'/sys/devices/virtual/powercap','/sys/fs/selinux']" });

	audit_text(json, &rep);
	cr_assert_eq(rep.n, 1);
	cr_assert_str_eq(rep.findings[0].rule->id, "HUSK-A036");
	cr_assert_eq(rep.findings[0].severity, AUDIT_MEDIUM);
	cr_assert(strstr(rep.findings[0].message, "/proc/kcore, /proc/keys, /sys/firmware are"),
		  "%s", rep.findings[0].message);
	audit_report_free(&rep);
	/* A masked ancestor covers: all of /sys/firmware under /sys masked. */
	expect_clean(&(struct cfg){ .masked = "['/proc/acpi','/proc/asound','/proc/interrupts',"
				    "'/proc/kcore','/proc/keys','/proc/latency_stats',"
				    "'/proc/sched_debug','/proc/scsi','/proc/timer_list',"
				    "'/sys']" });
}

Test(audit_rules, a037_recommended_masks_missing)
{
	expect_only(&(struct cfg){ .masked = "['/proc/acpi','/proc/kcore','/proc/keys',"
				   "'/proc/latency_stats','/proc/sched_debug','/proc/timer_list',"
				   "'/sys/firmware']" }, "HUSK-A037", 1, AUDIT_LOW,
		    ".linux.maskedPaths");
	/* Without /sys mounted, the /sys entries do not matter; /proc/asound may be read-only. */
	expect_clean(&(struct cfg){ .mounts = M_PROC "," M_TMP,
				    .masked = "['/proc/acpi','/proc/interrupts','/proc/kcore',"
				    "'/proc/keys','/proc/latency_stats','/proc/sched_debug',"
				    "'/proc/scsi','/proc/timer_list']",
				    .readonly = "['/proc/asound','/proc/bus','/proc/fs',"
				    "'/proc/irq','/proc/sys','/proc/sysrq-trigger']" });
}

Test(audit_rules, a038_kernel_control_files_writable)
{
	struct audit_report rep;
	_cleanup_free_ char *json = cfg_text(&(struct cfg){ .readonly = "['/proc/sys',"
							    "'/proc/fs']" });

	audit_text(json, &rep);
	cr_assert_eq(rep.n, 1);
	cr_assert_str_eq(rep.findings[0].rule->id, "HUSK-A038");
	cr_assert(strstr(rep.findings[0].message, "/proc/sysrq-trigger, /proc/irq, /proc/bus are"),
		  "%s", rep.findings[0].message);
	audit_report_free(&rep);
}

/* ---- A039: sysctl ------------------------------------------------------------------------ */

Test(audit_rules, a039_unsafe_sysctl)
{
	expect_only(&(struct cfg){ .linux_extra = ",'sysctl':{'net.ipv4.ping_group_range':'0 0',"
				   "'kernel.msgmax':'65536'}" }, "HUSK-A039", 1, AUDIT_LOW,
		    ".linux.sysctl.kernel.msgmax");
}
