/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The audit report as text for a person and as JSON for a program.
 *
 * Text: one block per finding, most severe first, wrapped at 80 columns,
 * then one summary line:
 *
 *   HIGH  HUSK-A010  .linux.seccomp
 *       no seccomp profile: every syscall of the kernel, several hundred,
 *       is open to the workload
 *       fix: add a seccomp profile (...)
 *       see: CIS Docker 5.22; Pod Security restricted: Seccomp
 *
 *   config.json: 3 findings (0 critical, 1 high, 1 medium, 1 low); fails at --fail-on high
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "husk/json.h"
#include "husk/util.h"
#include "spec/audit-internal.h"

#define WRAP_COLUMNS 80
#define INDENT "    "

/* A growing string. */
struct sbuf {
	char *s;
	size_t len, cap;
};

static void __attribute__((format(printf, 2, 3))) sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* `prefix` + text, broken at spaces into lines of at most WRAP_COLUMNS. */
static void sb_wrapped(struct sbuf *b, const char *prefix, const char *text)
{
	size_t col = strlen(INDENT) + strlen(prefix);
	const char *p = text;

	sb_printf(b, INDENT "%s", prefix);
	while (*p) {
		size_t word = strcspn(p, " ");

		if (col > strlen(INDENT) + strlen(prefix) && col + 1 + word > WRAP_COLUMNS) {
			sb_printf(b, "\n" INDENT "%*s", (int)strlen(prefix), "");
			col = strlen(INDENT) + strlen(prefix);
		} else if (col > strlen(INDENT) + strlen(prefix)) {
			sb_printf(b, " ");
			col++;
		}
		sb_printf(b, "%.*s", (int)word, p);
		col += word;
		p += word;
		while (*p == ' ')
			p++;
	}
	sb_printf(b, "\n");
}

static void upper(char *dst, const char *src, size_t size)
{
	size_t i = 0;

	for (; src[i] && i + 1 < size; i++)
		dst[i] = (char)toupper((unsigned char)src[i]);
	dst[i] = '\0';
}

static void text_finding(struct sbuf *b, const struct audit_finding *f)
{
	char sev[16];

	upper(sev, audit_severity_name(f->severity), sizeof(sev));
	sb_printf(b, "%-8s  %s  %s\n", sev, f->rule->id, f->path);
	sb_wrapped(b, "", f->message);
	sb_wrapped(b, "fix: ", f->fix);
	if (f->rule->cis || f->rule->pss) {
		_cleanup_free_ char *see = xasprintf(
			"%s%s%s%s%s", f->rule->cis ? "CIS Docker " : "",
			f->rule->cis ? f->rule->cis : "", f->rule->cis && f->rule->pss ? "; " : "",
			f->rule->pss ? "Pod Security " : "", f->rule->pss ? f->rule->pss : "");

		sb_wrapped(b, "see: ", see);
	}
	sb_printf(b, "\n");
}

char *audit_report_text(const struct audit_report *r, const char *source,
			enum audit_severity fail_on)
{
	struct sbuf b = { 0 };

	for (size_t i = 0; i < r->n; i++)
		text_finding(&b, &r->findings[i]);
	if (r->n == 0)
		sb_printf(&b, "%s: no findings", source);
	else
		sb_printf(&b, "%s: %zu finding%s (%zu critical, %zu high, %zu medium, %zu low)",
			  source, r->n, r->n == 1 ? "" : "s", r->count[AUDIT_CRITICAL],
			  r->count[AUDIT_HIGH], r->count[AUDIT_MEDIUM], r->count[AUDIT_LOW]);
	sb_printf(&b, "; %s at --fail-on %s\n", audit_fails(r, fail_on) ? "fails" : "passes",
		  audit_severity_name(fail_on));
	return b.s;
}

int audit_report_json(const struct audit_report *r, const char *source,
		      enum audit_severity fail_on, char **out, struct husk_error *err)
{
	_cleanup_json_writer_ struct json_writer *w = json_writer_new(true);
	const char *text;
	size_t len;
	int ret;

	json_open_object(w);
	json_kv_string(w, "source", source);
	json_key(w, "findings");
	json_open_array(w);
	for (size_t i = 0; i < r->n; i++) {
		const struct audit_finding *f = &r->findings[i];

		json_open_object(w);
		json_kv_string(w, "id", f->rule->id);
		json_kv_string(w, "severity", audit_severity_name(f->severity));
		json_kv_string(w, "path", f->path);
		json_kv_string(w, "title", f->rule->title);
		json_kv_string(w, "message", f->message);
		json_kv_string(w, "fix", f->fix);
		json_kv_string(w, "cis", f->rule->cis);
		json_kv_string(w, "pss", f->rule->pss);
		json_close_object(w);
	}
	json_close_array(w);
	json_key(w, "summary");
	json_open_object(w);
	for (int s = AUDIT_CRITICAL; s >= AUDIT_LOW; s--)
		json_kv_uint(w, audit_severity_name((enum audit_severity)s), r->count[s]);
	json_kv_uint(w, "total", r->n);
	json_kv_string(w, "failOn", audit_severity_name(fail_on));
	json_kv_bool(w, "failed", audit_fails(r, fail_on));
	json_close_object(w);
	json_close_object(w);
	ret = json_writer_finish(w, &text, &len, err);
	if (ret < 0)
		return ret;
	*out = xstrndup(text, len);
	return 0;
}
