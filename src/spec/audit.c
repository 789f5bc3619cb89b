/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `husk audit`, the core: the rule table, running the checks, collecting
 * and ordering findings, and the readers of a spec the checks share.
 *
 * The table is the single source of the rule ids, titles and their CIS
 * Docker Benchmark (v1.6.0 numbering) and Kubernetes Pod Security mapping;
 * husk-audit(8) prints the same table.  Ids are stable: a rule that goes
 * away leaves its number unused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "husk/util.h"
#include "spec/audit-internal.h"

#define PSS_B "baseline: "
#define PSS_R "restricted: "

static const struct audit_rule rules[R_COUNT] = {
	[R_ROOT_NO_USERNS] = { "HUSK-A001", "runs as root without a user namespace", "high",
			       "5.31", PSS_R "Running as Non-root" },
	[R_ROOT_IN_USERNS] = { "HUSK-A002", "runs as root inside a user namespace", "low", NULL,
			       PSS_R "Running as Non-root user" },
	[R_NO_USERNS] = { "HUSK-A003", "no user namespace", "low", "5.31", NULL },
	[R_PRIVILEGED] = { "HUSK-A004", "privileged container", "critical (high in a user "
			   "namespace)", "5.5", PSS_B "Privileged Containers" },
	[R_CAP_DANGEROUS] = { "HUSK-A005", "dangerous capability", "critical or high (one "
			      "lower in a user namespace)", "5.4", PSS_B "Capabilities" },
	[R_CAP_EXTRA] = { "HUSK-A006", "capability beyond the default set", "medium (low in a "
			  "user namespace)", "5.4", PSS_B "Capabilities" },
	[R_CAP_DEFAULT] = { "HUSK-A007", "default capabilities not dropped", "low", "5.4",
			    PSS_R "Capabilities" },
	[R_CAP_INHERITABLE] = { "HUSK-A008", "inheritable capabilities without ambient use",
				"medium", "5.4", NULL },
	[R_NO_NEW_PRIVS] = { "HUSK-A009", "no_new_privs is off", "medium", "5.26",
			     PSS_R "Privilege Escalation" },
	[R_NO_SECCOMP] = { "HUSK-A010", "no seccomp profile", "high", "5.22", PSS_R "Seccomp" },
	[R_SECCOMP_ALLOW_DEFAULT] = { "HUSK-A011", "seccomp allows by default", "high", "5.22",
				      PSS_R "Seccomp" },
	[R_SECCOMP_ESCAPE_SYSCALLS] = { "HUSK-A012", "seccomp allows escape syscalls", "medium",
					"5.22", NULL },
	[R_SECCOMP_SPEC_ALLOW] = { "HUSK-A013", "seccomp turns off speculation mitigations",
				   "low", NULL, NULL },
	[R_LSM_UNCONFINED] = { "HUSK-A014", "LSM confinement turned off", "medium", "5.2, 5.3",
			       PSS_B "AppArmor, SELinux" },
	[R_LSM_NONE] = { "HUSK-A015", "no AppArmor profile or SELinux label", "low", "5.2, 5.3",
			 NULL },
	[R_ROOT_WRITABLE] = { "HUSK-A016", "writable root filesystem", "medium", "5.13", NULL },
	[R_TMPFS_EXEC] = { "HUSK-A017", "writable tmpfs allows exec, suid or devices", "medium",
			   NULL, NULL },
	[R_TMPFS_UNBOUNDED] = { "HUSK-A018", "tmpfs without a size limit", "low", NULL, NULL },
	[R_NO_MOUNT_NS] = { "HUSK-A019", "no mount namespace", "critical", NULL, NULL },
	[R_HOST_PID] = { "HUSK-A020", "host PID namespace", "high", "5.16",
			 PSS_B "Host Namespaces" },
	[R_HOST_NET] = { "HUSK-A021", "host network namespace", "high", "5.10",
			 PSS_B "Host Namespaces" },
	[R_HOST_IPC] = { "HUSK-A022", "host IPC namespace", "high", "5.17",
			 PSS_B "Host Namespaces" },
	[R_HOST_UTS] = { "HUSK-A023", "host UTS namespace", "medium", "5.21", NULL },
	[R_HOST_CGROUP] = { "HUSK-A024", "host cgroup namespace", "low", NULL, NULL },
	[R_JOINED_NS] = { "HUSK-A025", "joins another namespace", "low", NULL, NULL },
	[R_SOCKET_MOUNT] = { "HUSK-A026", "host socket bind-mounted", "critical or medium",
			     "5.32", PSS_B "HostPath Volumes" },
	[R_SENSITIVE_MOUNT] = { "HUSK-A027", "sensitive host path bind-mounted", "high "
				"(medium read-only, low for a read-only /sys)", "5.6",
				PSS_B "HostPath Volumes" },
	[R_SHARED_PROPAGATION] = { "HUSK-A028", "shared mount propagation", "medium", "5.20",
				   NULL },
	[R_DEVICE] = { "HUSK-A029", "privileged device exposed", "critical, high or medium",
		       "5.18", PSS_B "Privileged Containers" },
	[R_DEVICE_CGROUP] = { "HUSK-A030", "device cgroup allows all devices", "critical or high",
			      "5.18", PSS_B "Privileged Containers" },
	[R_NO_PIDS_LIMIT] = { "HUSK-A031", "no pids limit in effect", "medium", "5.29", NULL },
	[R_NO_MEMORY_LIMIT] = { "HUSK-A032", "no memory limit in effect", "low", "5.11", NULL },
	[R_NO_CPU_LIMIT] = { "HUSK-A033", "no CPU limit in effect", "low", "5.12", NULL },
	[R_PROC_SYS_WRITABLE] = { "HUSK-A034", "/proc/sys writable", "high (medium in a user "
				  "namespace)", NULL, PSS_B "/proc Mount Type" },
	[R_SYS_WRITABLE] = { "HUSK-A035", "/sys or cgroupfs writable", "high or medium (one "
			     "lower in a user namespace)", NULL, NULL },
	[R_MASKED_ESSENTIAL] = { "HUSK-A036", "sensitive /proc or /sys files not masked",
				 "medium", NULL, PSS_B "/proc Mount Type" },
	[R_MASKED_RECOMMENDED] = { "HUSK-A037", "recommended masked paths missing", "low", NULL,
				   PSS_B "/proc Mount Type" },
	[R_READONLY_PATHS] = { "HUSK-A038", "kernel control files writable", "medium", NULL,
			       PSS_B "/proc Mount Type" },
	[R_SYSCTL] = { "HUSK-A039", "sysctl outside the safe set", "low", NULL, PSS_B "Sysctls" },
};

static const char *const severity_names[AUDIT_SEVERITY_COUNT] = {
	"low", "medium", "high", "critical",
};

const struct audit_rule *audit_rules(size_t *n)
{
	*n = R_COUNT;
	return rules;
}

const char *audit_severity_name(enum audit_severity s)
{
	return s < AUDIT_SEVERITY_COUNT ? severity_names[s] : "unknown";
}

int audit_severity_parse(const char *s, enum audit_severity *out, struct husk_error *err)
{
	for (int i = 0; i < AUDIT_SEVERITY_COUNT; i++) {
		if (strcasecmp(s, severity_names[i]) == 0) {
			*out = (enum audit_severity)i;
			return 0;
		}
	}
	return husk_error_setq(err, EINVAL, "severity \"%s\": use low, medium, high or critical",
			       s);
}

bool audit_fails(const struct audit_report *r, enum audit_severity fail_on)
{
	for (int s = fail_on; s < AUDIT_SEVERITY_COUNT; s++)
		if (r->count[s])
			return true;
	return false;
}

enum audit_severity audit_soften(const struct audit_ctx *c, enum audit_severity s)
{
	return c->userns && s > AUDIT_LOW ? s - 1 : s;
}

void audit_add(struct audit_ctx *c, enum audit_rule_index rule, enum audit_severity sev,
	       const char *path, const char *fix, const char *fmt, ...)
{
	struct audit_report *r = c->report;
	struct audit_finding *f;
	va_list ap;

	if (r->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		r->findings = xrealloc(r->findings, c->cap * sizeof(*r->findings));
	}
	f = &r->findings[r->n++];
	f->rule = &rules[rule];
	f->severity = sev;
	f->path = xstrdup(path);
	f->fix = xstrdup(fix);
	va_start(ap, fmt);
	if (vasprintf(&f->message, fmt, ap) < 0)
		abort();            /* out of memory, as xmalloc does */
	va_end(ap);
	r->count[sev]++;
}

/*
 * Most severe first; within a severity by rule id; within a rule in the
 * order found (document order).  An insertion sort: stable, which qsort
 * is not, and plenty for the few dozen findings a config yields.
 */
static bool finding_before(const struct audit_finding *a, const struct audit_finding *b)
{
	if (a->severity != b->severity)
		return a->severity > b->severity;
	return a->rule < b->rule;
}

static void sort_findings(struct audit_report *r)
{
	for (size_t i = 1; i < r->n; i++) {
		struct audit_finding cur = r->findings[i];
		size_t j = i;

		for (; j > 0 && finding_before(&cur, &r->findings[j - 1]); j--)
			r->findings[j] = r->findings[j - 1];
		r->findings[j] = cur;
	}
}

/*
 * Decide once whether the container has a protective user namespace (the
 * checks read c->userns), run every topic's checks, order the findings.
 * A user namespace joined by a path that is not the runtime's own counts:
 * its mappings are not in this config, and the usual case is a pod's.
 */
void audit_spec_on(const struct husk_spec *spec, const struct audit_host *host,
		   struct audit_report *out)
{
	struct audit_ctx c = {
		.spec = spec, .proc = spec->process, .lx = spec->linux_, .report = out,
		.limits_unenforced = host ? host->limits_unenforced : NULL,
	};
	long idx;
	enum ns_share user = audit_ns_share(&c, NS_USER, &idx);

	memset(out, 0, sizeof(*out));
	c.userns = user == NS_JOINED;
	if (user == NS_OWN) {
		c.userns = true;
		for (size_t i = 0; c.lx && i < c.lx->n_uid_mappings; i++)
			if (c.lx->uid_mappings[i].host_id == 0)
				c.userns = false;
	}
	audit_check_process(&c);
	audit_check_caps(&c);
	audit_check_seccomp(&c);
	audit_check_mounts(&c);
	audit_check_paths(&c);
	audit_check_namespaces(&c);
	audit_check_devices(&c);
	audit_check_resources(&c);
	sort_findings(out);
}

void audit_spec(const struct husk_spec *spec, struct audit_report *out)
{
	audit_spec_on(spec, NULL, out);
}

void audit_report_free(struct audit_report *r)
{
	for (size_t i = 0; r && i < r->n; i++) {
		free(r->findings[i].path);
		free(r->findings[i].message);
		free(r->findings[i].fix);
	}
	if (r) {
		free(r->findings);
		memset(r, 0, sizeof(*r));
	}
}

/* ---- readers ------------------------------------------------------------------ */

bool audit_path_is_host_ns(const char *path)
{
	static const char *const host[] = {
		"/proc/1/ns/", "/proc/self/ns/", "/proc/thread-self/ns/",
	};
	_cleanup_free_ char *norm = audit_normalize_path(path);

	for (size_t i = 0; i < ARRAY_SIZE(host); i++)
		if (str_has_prefix(norm, host[i]))
			return true;
	return false;
}

enum ns_share audit_ns_share(const struct audit_ctx *c, enum husk_ns_type type, long *index)
{
	*index = -1;
	for (size_t i = 0; c->lx && i < c->lx->n_namespaces; i++) {
		const struct husk_namespace *ns = &c->lx->namespaces[i];

		if (ns->type != type)
			continue;
		*index = (long)i;
		if (!ns->path)
			return NS_OWN;
		return audit_path_is_host_ns(ns->path) ? NS_HOST : NS_JOINED;
	}
	return NS_HOST;
}

bool audit_mount_opt(const struct husk_mount *m, const char *on, const char *off)
{
	bool set = false;

	for (char **o = m->options; o && *o; o++) {
		if (strcmp(*o, on) == 0 || (strcmp(on, "ro") == 0 && strcmp(*o, "rro") == 0))
			set = true;
		else if (strcmp(*o, off) == 0 || (strcmp(off, "rw") == 0 &&
						  strcmp(*o, "rrw") == 0))
			set = false;
	}
	return set;
}

bool audit_mount_is_bind(const struct husk_mount *m)
{
	return audit_mount_has_type(m, "bind") || strv_contains(m->options, "bind") ||
	       strv_contains(m->options, "rbind");
}

bool audit_mount_has_type(const struct husk_mount *m, const char *type)
{
	return m->type && strcmp(m->type, type) == 0;
}

bool audit_in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

bool audit_list_covers(char *const *list, const char *path)
{
	size_t plen = strlen(path);

	for (char *const *p = list; p && *p; p++) {
		_cleanup_free_ char *norm = audit_normalize_path(*p);
		size_t n = strlen(norm);

		if (strcmp(norm, "/") == 0 ||
		    (strncmp(norm, path, n) == 0 && (n == plen || path[n] == '/')))
			return true;
	}
	return false;
}

/*
 * Lexical only (no symlinks: a config names host paths the audit cannot,
 * and must not, look at).  A relative path stays relative.
 */
char *audit_normalize_path(const char *path)
{
	size_t len = strlen(path);
	char *out = xmalloc(len + 2);
	size_t o = 0;
	const char *p = path;
	bool absolute = path[0] == '/';

	if (absolute)
		out[o++] = '/';
	while (*p) {
		const char *start;
		size_t n;

		while (*p == '/')
			p++;
		start = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - start);
		if (n == 0 || (n == 1 && start[0] == '.'))
			continue;
		if (n == 2 && start[0] == '.' && start[1] == '.') {
			/* Drop the last component; ".." at the root stays at the root. */
			while (o > (absolute ? 1u : 0u) && out[o - 1] != '/')
				o--;
			if (o > (absolute ? 1u : 0u))
				o--;
			continue;
		}
		if (o > 0 && out[o - 1] != '/')
			out[o++] = '/';
		memcpy(out + o, start, n);
		o += n;
	}
	if (o == 0 && !absolute)
		out[o++] = '.';
	out[o] = '\0';
	return out;
}

int audit_load(const char *bundle, const char *file, char **source, struct husk_spec **spec,
	       struct husk_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	if (file && bundle)
		return husk_error_setq(err, EINVAL, "give either --bundle DIR or FILE, not both");
	if (file && strcmp(file, "-") == 0) {
		*source = xstrdup("<stdin>");
		r = read_fd_all(STDIN_FILENO, "standard input", SPEC_MAX_BYTES, &text, &len, err);
	} else {
		*source = file ? xstrdup(file)
			       : xasprintf("%s/config.json", bundle && *bundle ? bundle : ".");
		r = read_file_at(AT_FDCWD, *source, SPEC_MAX_BYTES, &text, &len, err);
	}
	if (r < 0)
		return r;
	return spec_parse(text, len, *source, spec, err);
}
