/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_AUDIT_H
#define HUSK_AUDIT_H

/*
 * `husk audit`: a hardening linter over a parsed config (src/spec/audit*.c).
 *
 * Pure logic: it reads a `struct husk_spec` and nothing else (no files, no
 * /proc, no kernel probing), so it judges a config the same way on any
 * machine, and judges configs written by podman, containerd or by hand
 * alike.  The one thing that depends on who runs it, whether this husk
 * would enforce the config's cgroup limits, is handed in by the caller
 * (struct audit_host; `husk audit` asks the cgroup code).  Each finding
 * names a rule (HUSK-Annn), a severity, the JSON path it is about, what is
 * wrong and how to fix it.  The rules, with their CIS Docker Benchmark
 * and Kubernetes Pod Security mapping, are listed in husk-audit(8) and by
 * audit_rules().
 */

#include <stdbool.h>
#include <stddef.h>

#include "husk/error.h"
#include "husk/spec.h"

enum audit_severity {
	AUDIT_LOW,
	AUDIT_MEDIUM,
	AUDIT_HIGH,
	AUDIT_CRITICAL,
	AUDIT_SEVERITY_COUNT
};

struct audit_rule {
	const char *id;             /* "HUSK-A001" */
	const char *title;          /* "runs as root without a user namespace" */
	const char *severity;       /* for the docs: "high", "critical, high or medium" */
	const char *cis;            /* CIS Docker Benchmark v1.6.0 item ("5.31"), or NULL */
	const char *pss;            /* Kubernetes Pod Security control, or NULL */
};

struct audit_finding {
	const struct audit_rule *rule;
	enum audit_severity severity;
	char *path;                 /* ".process.capabilities.bounding[2]" */
	char *message;              /* what is wrong, one or two sentences */
	char *fix;                  /* what to change */
};

struct audit_report {
	struct audit_finding *findings;  /* most severe first, then by rule id */
	size_t n;
	size_t count[AUDIT_SEVERITY_COUNT];
};

/*
 * What the audit is told about the husk that would run the config, since
 * it does not look at the host itself.
 */
struct audit_host {
	/*
	 * Why this invocation would not apply the config's cgroup limits
	 * ("cgroup v1 has no delegation to uid 1000", from
	 * cgroup_limits_unavailable()), or NULL when it would.  A limit that
	 * is not applied earns nothing: A031-A033 report it as not enforced.
	 */
	const char *limits_unenforced;
};

/*
 * Run every rule over spec, for a husk as host describes (NULL: limits
 * enforced).  Cannot fail (allocation failure aborts).
 */
void audit_spec_on(const struct husk_spec *spec, const struct audit_host *host,
		   struct audit_report *out);
/* audit_spec_on() for a husk that enforces limits (root, or delegation). */
void audit_spec(const struct husk_spec *spec, struct audit_report *out);
/*
 * The config to audit: FILE ("-": standard input) or, without one,
 * BUNDLE/config.json (NULL or "": the current directory); *source names
 * it in the report.  Not both.
 */
int audit_load(const char *bundle, const char *file, char **source, struct husk_spec **spec,
	       struct husk_error *err);
void audit_report_free(struct audit_report *r);

/* Every rule, in id order; *n set to how many. */
const struct audit_rule *audit_rules(size_t *n);

/* "low" "medium" "high" "critical" */
const char *audit_severity_name(enum audit_severity s);
/* The name back (case-insensitive); -EINVAL with err naming the choices. */
int audit_severity_parse(const char *s, enum audit_severity *out, struct husk_error *err);

/* Whether r holds a finding of severity fail_on or above. */
bool audit_fails(const struct audit_report *r, enum audit_severity fail_on);

/*
 * The report for a person: one block per finding, then a summary line.
 * `source` names the config in the summary ("bundle/config.json").
 * Returns a malloc'ed string.
 */
char *audit_report_text(const struct audit_report *r, const char *source,
			enum audit_severity fail_on);

/*
 * The report as JSON text (pretty, newline-terminated):
 *   {"source": ..., "findings": [{"id", "severity", "path", "message", "fix",
 *    "cis", "pss"}], "summary": {"critical", "high", "medium", "low",
 *    "total", "failOn", "failed"}}
 * Returns 0 with *out malloc'ed, or a negative errno with err filled.
 */
int audit_report_json(const struct audit_report *r, const char *source,
		      enum audit_severity fail_on, char **out, struct husk_error *err);

#endif
