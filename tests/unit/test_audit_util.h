/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_TEST_AUDIT_UTIL_H
#define HUSK_TEST_AUDIT_UTIL_H

/*
 * Helpers for the audit unit tests.
 *
 * A config is built from parts (struct cfg), each a JSON fragment with
 * single quotes (q() from test_spec_util.h makes them double).  Every part
 * left NULL takes a default, and the defaults together make a config the
 * audit finds nothing in, not even a low finding: a test changes one part
 * and expects exactly the rule it is about.  The audit is run for a husk
 * that enforces limits (audit_spec()), unless a test says otherwise with
 * audit_cfg_on().
 */

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "husk/audit.h"
#include "husk/spec.h"
#include "husk/util.h"
#include "test_spec_util.h"

struct cfg {
	const char *user;           /* members of .process.user */
	const char *caps;           /* members of .process.capabilities */
	const char *nnp;            /* .process.noNewPrivileges */
	const char *lsm;            /* LSM members of .process ("" for none) */
	const char *root_ro;        /* .root.readonly */
	const char *mounts;         /* elements of .mounts */
	const char *uid_map;        /* .linux.uidMappings ("" for none) */
	const char *namespaces;     /* elements of .linux.namespaces */
	const char *seccomp;        /* .linux.seccomp ("" for none) */
	const char *masked;         /* .linux.maskedPaths */
	const char *readonly;       /* .linux.readonlyPaths */
	const char *resources;      /* .linux.resources */
	const char *linux_extra;    /* more members of .linux (leading comma included) */
};

#define CLEAN_USER "'uid':65534,'gid':65534"
#define CLEAN_CAPS "'bounding':[],'effective':[],'permitted':[],'inheritable':[],'ambient':[]"
#define CLEAN_LSM ",'apparmorProfile':'husk-default'"
#define M_PROC "{'destination':'/proc','type':'proc','source':'proc',"                   \
	       "'options':['nosuid','noexec','nodev']}"
#define M_DEV "{'destination':'/dev','type':'tmpfs','source':'tmpfs',"                    \
	      "'options':['nosuid','noexec','mode=755','size=65536k']}"
#define M_SYS "{'destination':'/sys','type':'sysfs','source':'sysfs',"                    \
	      "'options':['nosuid','noexec','nodev','ro']}"
#define M_TMP "{'destination':'/tmp','type':'tmpfs','source':'tmpfs',"                    \
	      "'options':['nosuid','nodev','noexec','mode=1777','size=64m']}"
#define CLEAN_MOUNTS M_PROC "," M_DEV "," M_SYS "," M_TMP
#define CLEAN_UIDMAP "[{'containerID':65534,'hostID':1000,'size':1}]"
#define NS_ALL_BUT_USER "{'type':'pid'},{'type':'network'},{'type':'ipc'},{'type':'uts'},"   \
			"{'type':'mount'},{'type':'cgroup'}"
#define CLEAN_NS NS_ALL_BUT_USER ",{'type':'user'}"
#define CLEAN_SECCOMP "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':"                       \
		      "[{'names':['read','write','exit_group'],'action':'SCMP_ACT_ALLOW'}]}"
#define CLEAN_MASKED "['/proc/acpi','/proc/asound','/proc/interrupts','/proc/kcore',"        \
		     "'/proc/keys','/proc/latency_stats','/proc/sched_debug','/proc/scsi',"     \
		     "'/proc/timer_list','/proc/timer_stats','/sys/dev/block',"                 \
		     "'/sys/devices/virtual/powercap','/sys/firmware','/sys/fs/selinux']"
#define CLEAN_READONLY "['/proc/bus','/proc/fs','/proc/irq','/proc/sys','/proc/sysrq-trigger']"
#define CLEAN_RESOURCES "{'pids':{'limit':100},'memory':{'limit':268435456},"               \
			"'cpu':{'quota':50000,'period':100000}}"

#define D(field, def) ((c)->field ? (c)->field : (def))

/* The config text for c (double quotes), malloc'ed. */
static inline char *cfg_text(const struct cfg *c)
{
	const char *uid_map = D(uid_map, CLEAN_UIDMAP);
	const char *seccomp = D(seccomp, CLEAN_SECCOMP);
	_cleanup_free_ char *maps = uid_map[0] ?
		xasprintf("'uidMappings':%s,'gidMappings':%s,", uid_map, uid_map) : xstrdup("");
	_cleanup_free_ char *sc = seccomp[0] ? xasprintf("'seccomp':%s,", seccomp) : xstrdup("");
	_cleanup_free_ char *text = xasprintf(
		"{'ociVersion':'1.2.0',"
		"'process':{'user':{%s},'args':['sh'],'cwd':'/','capabilities':{%s},"
		"'noNewPrivileges':%s%s},"
		"'root':{'path':'rootfs','readonly':%s},"
		"'mounts':[%s],"
		"'linux':{%s'namespaces':[%s],%s'maskedPaths':%s,'readonlyPaths':%s,"
		"'resources':%s%s}}",
		D(user, CLEAN_USER), D(caps, CLEAN_CAPS), D(nnp, "true"), D(lsm, CLEAN_LSM),
		D(root_ro, "true"), D(mounts, CLEAN_MOUNTS), maps, D(namespaces, CLEAN_NS), sc,
		D(masked, CLEAN_MASKED), D(readonly, CLEAN_READONLY), D(resources, CLEAN_RESOURCES),
		D(linux_extra, ""));

	return q(text);
}

#undef D

/*
 * Parse text (double quotes) and audit it: with audit_spec() when host is
 * NULL, else with audit_spec_on() for that host.
 */
static inline void audit_text_on(const char *json, const struct audit_host *host,
				 struct audit_report *rep)
{
	_cleanup_spec_ struct husk_spec *s = NULL;
	struct husk_error err = { 0 };

	cr_assert_eq(spec_parse(json, strlen(json), "config.json", &s, &err), 0,
		     "spec_parse: %s\n%s", err.msg, json);
	if (host)
		audit_spec_on(s, host, rep);
	else
		audit_spec(s, rep);
}

static inline void audit_text(const char *json, struct audit_report *rep)
{
	audit_text_on(json, NULL, rep);
}

static inline void audit_cfg_on(const struct cfg *c, const struct audit_host *host,
				struct audit_report *rep)
{
	_cleanup_free_ char *json = cfg_text(c);

	audit_text_on(json, host, rep);
}

static inline void audit_cfg(const struct cfg *c, struct audit_report *rep)
{
	audit_cfg_on(c, NULL, rep);
}

/* How many findings of rule `id`. */
static inline size_t count_rule(const struct audit_report *rep, const char *id)
{
	size_t n = 0;

	for (size_t i = 0; i < rep->n; i++)
		if (strcmp(rep->findings[i].rule->id, id) == 0)
			n++;
	return n;
}

/* The first finding of rule `id`, or NULL. */
static inline const struct audit_finding *find_rule(const struct audit_report *rep,
						    const char *id)
{
	for (size_t i = 0; i < rep->n; i++)
		if (strcmp(rep->findings[i].rule->id, id) == 0)
			return &rep->findings[i];
	return NULL;
}

/* "HUSK-A001 HUSK-A010 ..." of a report, for failure messages. */
static inline char *rule_list(const struct audit_report *rep)
{
	char *s = xstrdup("");

	for (size_t i = 0; i < rep->n; i++) {
		char *next = xasprintf("%s %s(%s %s)", s, rep->findings[i].rule->id,
				       audit_severity_name(rep->findings[i].severity),
				       rep->findings[i].path);

		free(s);
		s = next;
	}
	return s;
}

/*
 * Expect rule `id` exactly `n` times, with severity `sev` (first finding)
 * and path `path` (first finding; NULL: any), and nothing else at all.
 */
static inline void expect_only(const struct cfg *c, const char *id, size_t n,
			       enum audit_severity sev, const char *path)
{
	struct audit_report rep;
	_cleanup_free_ char *list = NULL;
	const struct audit_finding *f;

	audit_cfg(c, &rep);
	list = rule_list(&rep);
	cr_expect_eq(count_rule(&rep, id), n, "%s: want %zu, got:%s", id, n, list);
	cr_expect_eq(rep.n, n, "%s: other findings too:%s", id, list);
	f = find_rule(&rep, id);
	if (f && n) {
		cr_expect_eq(f->severity, sev, "%s: severity %s, want %s", id,
			     audit_severity_name(f->severity), audit_severity_name(sev));
		if (path)
			cr_expect_str_eq(f->path, path);
		cr_expect(f->message[0] && f->fix[0], "%s: empty message or fix", id);
	}
	audit_report_free(&rep);
}

/* Audit c: how many findings of rule id, and the severity of the first (-1 if none). */
static inline size_t cfg_count(const struct cfg *c, const char *id, int *severity)
{
	struct audit_report rep;
	const struct audit_finding *f;
	size_t n;

	audit_cfg(c, &rep);
	n = count_rule(&rep, id);
	f = find_rule(&rep, id);
	if (severity)
		*severity = f ? (int)f->severity : -1;
	audit_report_free(&rep);
	return n;
}

/* Expect no finding at all. */
static inline void expect_clean(const struct cfg *c)
{
	struct audit_report rep;
	_cleanup_free_ char *list = NULL;

	audit_cfg(c, &rep);
	list = rule_list(&rep);
	cr_expect_eq(rep.n, 0, "expected no findings, got:%s", list);
	audit_report_free(&rep);
}

#endif
