/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * security_prepare(): everything of src/security/ that can be decided before
 * the clone, so that the container process only applies finished data.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "husk/util.h"
#include "security/security-internal.h"

void security_warn(char ***warnings, char *msg)
{
	if (!warnings || strv_contains(*warnings, msg)) {
		free(msg);
		return;
	}
	strv_consume(warnings, msg);
}

void security_quote(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	if (size < 8) {
		if (size)
			buf[0] = '\0';
		return;
	}
	buf[n++] = '"';
	for (; *s && n + 6 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			buf[n++] = (char)c;
		else
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
	}
	if (*s) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n++] = '"';
	buf[n] = '\0';
}

void security_plan_free(struct security_plan *plan)
{
	if (!plan)
		return;
	free(plan->apparmor_profile);
	free(plan->selinux_label);
	free(plan->bpf);
	free(plan);
}

void security_notes(const struct security_plan *plan, char ***notes)
{
	if (plan && notes)
		caps_notes(plan, notes);
}

static void planp_free(struct security_plan **p)
{
	security_plan_free(*p);
}

/*
 * The order of the checks is the order a reader meets the fields in
 * config.json: capabilities, LSM labels, then the seccomp profile (the
 * slowest step, compiled last so a typo above fails fast).
 */
int security_prepare(const struct husk_spec *spec, const struct husk_process *process,
		     struct security_plan **out, char ***warnings, struct husk_error *err)
{
	__attribute__((cleanup(planp_free))) struct security_plan *plan = NULL;
	const struct husk_seccomp *sc = spec && spec->linux_ ? spec->linux_->seccomp : NULL;
	int r;

	*out = NULL;
	if (!process)
		return husk_error_setq(err, EINVAL, ".process: required to prepare capabilities "
				       "and seccomp");
	plan = xcalloc(1, sizeof(*plan));
	plan->no_new_privs = process->no_new_privileges;
	r = caps_prepare(process->capabilities, plan, warnings, err);
	if (r < 0)
		return r;
	r = lsm_prepare(spec, process, plan, err);
	if (r < 0)
		return r;
	if (sc) {
		r = seccomp_compile(sc, plan, warnings, err);
		if (r < 0)
			return r;
	}
	*out = TAKE_PTR(plan);
	return 0;
}
