/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The audit over whole configs: what runc, crun, podman, containerd and
 * docker --privileged write (tests/unit/data/audit/, the runc and crun
 * ones being their real `spec` output), the deliberately weak configs that
 * together trip every rule, and the hardened template, which must come out
 * clean at medium and above.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <libgen.h>

#include "husk/security.h"
#include "test_audit_util.h"

/* tests/unit/data/audit/<name>, found next to this source file. */
static struct husk_spec *load_fixture(const char *name)
{
	_cleanup_free_ char *here = xstrdup(__FILE__);
	_cleanup_free_ char *path = xasprintf("%s/data/audit/%s", dirname(here), name);
	_cleanup_free_ char *text = NULL;
	struct husk_error err = { 0 };
	struct husk_spec *s = NULL;
	size_t len;

	cr_assert_eq(read_file_at(AT_FDCWD, path, SPEC_MAX_BYTES, &text, &len, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(spec_parse(text, len, name, &s, &err), 0, "%s", err.msg);
	return s;
}

/* The ids of the findings at or above `min`, sorted and space-separated. */
static char *ids_at_least(const struct audit_report *rep, enum audit_severity min)
{
	char *s = xstrdup("");

	for (size_t r = 1; r <= 99; r++) {
		char id[32];

		snprintf(id, sizeof(id), "HUSK-A%03zu", r);
		for (size_t i = 0; i < rep->n; i++) {
			if (rep->findings[i].severity >= min &&
			    strcmp(rep->findings[i].rule->id, id) == 0) {
				char *next = xasprintf("%s%s%s", s, s[0] ? " " : "", id);

				free(s);
				s = next;
				break;
			}
		}
	}
	return s;
}

/* Audit a fixture; expect exactly `want` (ids) at medium and above. */
static void expect_fixture(const char *name, const char *want, bool fails_at_high)
{
	_cleanup_spec_ struct husk_spec *s = load_fixture(name);
	_cleanup_free_ char *got = NULL;
	struct audit_report rep;

	audit_spec(s, &rep);
	got = ids_at_least(&rep, AUDIT_MEDIUM);
	cr_expect_str_eq(got, want, "%s: medium and above", name);
	cr_expect_eq(audit_fails(&rep, AUDIT_HIGH), fails_at_high, "%s", name);
	audit_report_free(&rep);
}

Test(audit_configs, runc_spec)
{
	expect_fixture("runc-spec.json", "HUSK-A001 HUSK-A010 HUSK-A017 HUSK-A031", true);
	expect_fixture("crun-spec.json", "HUSK-A001 HUSK-A010 HUSK-A017 HUSK-A031", true);
}

Test(audit_configs, runc_spec_rootless)
{
	/* A user namespace: no A001; no network namespace: A021. */
	expect_fixture("runc-spec-rootless.json", "HUSK-A010 HUSK-A017 HUSK-A021 HUSK-A031", true);
}

Test(audit_configs, podman)
{
	expect_fixture("podman-rootful.json", "HUSK-A001 HUSK-A009 HUSK-A012 HUSK-A016 HUSK-A017",
		       true);
	expect_fixture("podman-rootless.json", "HUSK-A009 HUSK-A012 HUSK-A016 HUSK-A017", false);
}

Test(audit_configs, containerd_cri)
{
	_cleanup_spec_ struct husk_spec *s = load_fixture("containerd-cri.json");
	struct audit_report rep;

	expect_fixture("containerd-cri.json", "HUSK-A017", false);
	/* The kubelet's and containerd's own bind mounts are not "sensitive host paths". */
	audit_spec(s, &rep);
	cr_assert_eq(count_rule(&rep, "HUSK-A027"), 0);
	cr_assert_eq(count_rule(&rep, "HUSK-A025"), 3, "ipc, uts and network of the pod");
	audit_report_free(&rep);
}

Test(audit_configs, docker_privileged)
{
	_cleanup_spec_ struct husk_spec *s = load_fixture("docker-privileged.json");
	struct audit_report rep;

	audit_spec(s, &rep);
	cr_assert(audit_fails(&rep, AUDIT_CRITICAL));
	cr_assert_eq(rep.findings[0].severity, AUDIT_CRITICAL, "most severe first");
	cr_assert_eq(count_rule(&rep, "HUSK-A004"), 1);
	cr_assert_eq(count_rule(&rep, "HUSK-A026"), 1, "docker.sock");
	cr_assert_eq(count_rule(&rep, "HUSK-A030"), 1, "devices allow all");
	cr_assert_eq(count_rule(&rep, "HUSK-A029"), 3, "sda, mem, kmsg but not fuse");
	cr_assert_eq(count_rule(&rep, "HUSK-A035"), 2, "sysfs and cgroupfs read-write");
	cr_assert_eq(count_rule(&rep, "HUSK-A005"), 15, "the dangerous capabilities by name");
	audit_report_free(&rep);
}

/* Together the weak configs trip every rule the audit has. */
Test(audit_configs, weak_configs_trip_every_rule)
{
	static const char *const weak[] = { "weak-root.json", "weak-userns.json",
					    "weak-nonroot.json" };
	size_t n_rules;
	const struct audit_rule *rules = audit_rules(&n_rules);
	bool seen[64] = { false };

	cr_assert_leq(n_rules, ARRAY_SIZE(seen));
	for (size_t w = 0; w < ARRAY_SIZE(weak); w++) {
		_cleanup_spec_ struct husk_spec *s = load_fixture(weak[w]);
		struct audit_report rep;

		audit_spec(s, &rep);
		for (size_t i = 0; i < rep.n; i++)
			seen[rep.findings[i].rule - rules] = true;
		audit_report_free(&rep);
	}
	for (size_t i = 0; i < n_rules; i++)
		cr_expect(seen[i], "no weak config trips %s (%s)", rules[i].id, rules[i].title);
}

/*
 * The hardened template, as `husk spec --hardened` renders it, audited for
 * host (NULL: a husk that enforces limits).
 */
static void audit_hardened_on(struct spec_template_opts *o, const struct audit_host *host,
			      struct audit_report *rep)
{
	_cleanup_free_ char *text = NULL;
	struct husk_error err = { 0 };
	size_t len;

	o->hardened = true;
	o->seccomp_profile = security_default_profile(&o->seccomp_profile_len);
	cr_assert_eq(spec_template_render(o, &text, &len, &err), 0, "%s", err.msg);
	audit_text_on(text, host, rep);
}

static void audit_hardened(struct spec_template_opts *o, struct audit_report *rep)
{
	audit_hardened_on(o, NULL, rep);
}

Test(audit_configs, hardened_template_is_clean)
{
	static const bool rootless[] = { false, true };

	for (size_t i = 0; i < ARRAY_SIZE(rootless); i++) {
		struct spec_template_opts o = { .rootless = rootless[i], .host_uid = 1000,
						.host_gid = 1000 };
		_cleanup_free_ char *list = NULL;
		struct audit_report rep;

		audit_hardened(&o, &rep);
		list = rule_list(&rep);
		cr_expect_not(audit_fails(&rep, AUDIT_MEDIUM), "medium or worse:%s", list);
		/* What remains, low: no LSM named (host-dependent), no memory or CPU limit. */
		cr_expect_eq(rep.n, 3, "%s", list);
		cr_expect_eq(count_rule(&rep, "HUSK-A015"), 1);
		cr_expect_eq(count_rule(&rep, "HUSK-A032"), 1);
		cr_expect_eq(count_rule(&rep, "HUSK-A033"), 1);
		audit_report_free(&rep);
	}
}

/*
 * Where this husk would not apply its limits (rootless on cgroup v1), the
 * hardened template's pids limit is a medium finding that says so; still
 * clean at high.
 */
Test(audit_configs, hardened_template_unenforced_limits)
{
	struct spec_template_opts o = { .rootless = true, .host_uid = 1000, .host_gid = 1000 };
	_cleanup_free_ char *list = NULL;
	struct audit_report rep;
	const struct audit_finding *f;

	audit_hardened_on(&o, &(struct audit_host){ .limits_unenforced = "cgroup v1 has no "
						    "delegation to uid 1000" }, &rep);
	list = rule_list(&rep);
	cr_expect_not(audit_fails(&rep, AUDIT_HIGH), "high or worse:%s", list);
	cr_expect_eq(rep.n, 4, "%s", list);
	cr_expect_eq(rep.count[AUDIT_MEDIUM], 1, "%s", list);
	f = find_rule(&rep, "HUSK-A031");
	cr_assert_not_null(f, "%s", list);
	cr_expect_eq(f->severity, AUDIT_MEDIUM);
	cr_expect_str_eq(f->message, "pids.limit 1000 is not enforced here: cgroup v1 has no "
			 "delegation to uid 1000: a fork bomb still exhausts the host's process "
			 "table");
	audit_report_free(&rep);
}

Test(audit_configs, hardened_template_with_limits_and_cap)
{
	static char *const cap_add[] = { "CAP_NET_BIND_SERVICE", NULL };
	struct spec_template_opts o = { .rootless = true, .host_uid = 1000, .host_gid = 1000,
					.cap_add = cap_add, .memory_limit = 512 << 20,
					.cpu_quota = 150000 };
	_cleanup_free_ char *list = NULL;
	struct audit_report rep;

	audit_hardened(&o, &rep);
	list = rule_list(&rep);
	cr_expect_eq(rep.n, 1, "only the LSM note should remain:%s", list);
	cr_expect_eq(count_rule(&rep, "HUSK-A015"), 1);
	audit_report_free(&rep);
}
