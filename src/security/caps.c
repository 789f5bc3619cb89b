/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capabilities: .process.capabilities to masks (in husk), then to the
 * kernel (in the container process), around the uid change:
 *
 *   security_caps_before_user   bounding set cut down, KEEPCAPS on, ambient cleared
 *   (setgroups, setresgid, setresuid: permitted survives thanks to KEEPCAPS)
 *   security_caps_after_user    effective/permitted/inheritable exactly as listed,
 *                               then ambient, KEEPCAPS off
 *
 * Inheritable and ambient are empty unless the config lists them, whatever
 * husk itself held (the CVE-2022-29162 / CVE-2022-27650 class: a non-root
 * workload must not gain capabilities on execve from sets nobody asked for).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "husk/util.h"
#include "security/security-internal.h"

#define BIT(c) (UINT64_C(1) << (c))

enum cap_set { SET_BOUNDING, SET_EFFECTIVE, SET_PERMITTED, SET_INHERITABLE, SET_AMBIENT, SET_N };

static const char *const set_names[SET_N] = {
	"bounding", "effective", "permitted", "inheritable", "ambient",
};

/* ^CAP_[A-Z0-9_]+$: the only spelling the runtime-spec allows. */
static bool cap_name_wellformed(const char *s)
{
	if (strncmp(s, "CAP_", 4) != 0 || s[4] == '\0')
		return false;
	for (s += 4; *s; s++)
		if (!(isupper((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

/*
 * What the writer probably meant, for the error message: "net_admin" and
 * "NET_ADMIN" both become "CAP_NET_ADMIN".  Empty when no guess is sane.
 */
static void cap_name_guess(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	if (strncasecmp(s, "CAP_", 4) == 0)
		s += 4;
	if (*s == '\0' || size < 6)
		return;
	memcpy(buf, "CAP_", 4);
	n = 4;
	for (; *s && n + 1 < size; s++) {
		char c = *s == '-' ? '_' : (char)toupper((unsigned char)*s);

		if (!(isupper((unsigned char)c) || isdigit((unsigned char)c) || c == '_')) {
			buf[0] = '\0';
			return;
		}
		buf[n++] = c;
	}
	buf[n] = '\0';
	if (*s)
		buf[0] = '\0';      /* did not fit: no guess rather than a wrong one */
}

void caps_name(unsigned int cap, char *buf, size_t size)
{
	char *n = cap_to_name((cap_value_t)cap);

	if (n && strncasecmp(n, "cap_", 4) == 0) {
		snprintf(buf, size, "%s", n);
		for (char *p = buf; *p; p++)
			*p = (char)toupper((unsigned char)*p);
	} else {
		snprintf(buf, size, "capability %u", cap);
	}
	cap_free(n);
}

/*
 * The number of a well-formed capability name: libcap's, else husk's own
 * table (spec_capability_names, in number order), for a libcap older than
 * the name.  -1 when neither knows it.
 */
static int cap_number(const char *name)
{
	cap_value_t v;

	if (cap_from_name(name, &v) == 0 && v >= 0 && v < 64)
		return (int)v;
	for (int i = 0; spec_capability_names[i] && i < 64; i++)
		if (strcmp(spec_capability_names[i], name) == 0)
			return i;
	return -1;
}

/*
 * Resolve one name of set `set` at index i into a capability number.
 * Returns 1 with *out set, 0 when the name is skipped (warned), or an error.
 *
 * The runtime-spec says an unknown capability MUST be an error, so only
 * one case is skipped: a real capability this kernel is too old for
 * (numbered at or above `count`, /proc/sys/kernel/cap_last_cap + 1), which
 * a config written for newer kernels may well list.
 */
static int cap_resolve(const char *name, enum cap_set set, size_t i, unsigned int count,
		       char ***warnings, unsigned int *out, struct husk_error *err)
{
	char shown[96], guess[64];
	int v;

	if (!cap_name_wellformed(name)) {
		security_quote(name, shown, sizeof(shown));
		cap_name_guess(name, guess, sizeof(guess));
		if (guess[0])
			return husk_error_setq(err, EINVAL, ".process.capabilities.%s[%zu]: %s is not "
					       "a capability name (expected %s)", set_names[set], i,
					       shown, guess);
		return husk_error_setq(err, EINVAL, ".process.capabilities.%s[%zu]: %s is not a "
				       "capability name (expected a name like CAP_NET_BIND_SERVICE)",
				       set_names[set], i, shown);
	}
	/* libcap also accepts numbers and lower case; the check above did not. */
	v = cap_number(name);
	if (v < 0) {
		security_quote(name, shown, sizeof(shown));
		return husk_error_setq(err, EINVAL, ".process.capabilities.%s[%zu]: unknown "
				       "capability %s", set_names[set], i, shown);
	}
	if ((unsigned int)v >= count) {
		security_warn(warnings, xasprintf("capability %s is unknown to this kernel: skipped",
						  name));
		return 0;
	}
	*out = (unsigned int)v;
	return 1;
}

static int cap_set_to_mask(char *const *names, enum cap_set set, unsigned int count,
			   char ***warnings, uint64_t *mask, struct husk_error *err)
{
	unsigned int v = 0;
	int r;

	*mask = 0;
	for (size_t i = 0; names && names[i]; i++) {
		r = cap_resolve(names[i], set, i, count, warnings, &v, err);
		if (r < 0)
			return r;
		if (r > 0)
			*mask |= BIT(v);
	}
	return 0;
}

/*
 * Name the first capability of `set` missing from `within`: the kernel
 * would refuse the capset() or prctl() later with a bare EPERM.
 */
static int cap_require_subset(char *const *names, enum cap_set set, uint64_t mask,
			      uint64_t within, const char *why, struct husk_error *err)
{
	int v;

	if (!(mask & ~within))
		return 0;
	for (size_t i = 0; names && names[i]; i++) {
		v = cap_number(names[i]);
		if (v >= 0 && (mask & ~within & BIT(v)))
			return husk_error_setq(err, EINVAL, ".process.capabilities.%s[%zu]: %s %s",
					       set_names[set], i, names[i], why);
	}
	return husk_error_setq(err, EINVAL, ".process.capabilities.%s: %s", set_names[set], why);
}

int caps_prepare(const struct husk_capabilities *caps, struct security_plan *plan,
		 char ***warnings, struct husk_error *err)
{
	int count = cap_max_bits();

	return caps_prepare_n(caps, count > 0 ? (unsigned int)count : 0, plan, warnings, err);
}

int caps_prepare_n(const struct husk_capabilities *caps, unsigned int count,
		   struct security_plan *plan, char ***warnings, struct husk_error *err)
{
	static const struct husk_capabilities none;
	const struct husk_capabilities *c = caps ? caps : &none;
	char *const *sets[SET_N] = { c->bounding, c->effective, c->permitted, c->inheritable,
				     c->ambient };
	uint64_t *masks[SET_N] = { &plan->cap_bounding, &plan->cap_effective,
				   &plan->cap_permitted, &plan->cap_inheritable,
				   &plan->cap_ambient };
	int r;

	plan->cap_count = count;
	for (int s = 0; s < SET_N; s++) {
		r = cap_set_to_mask(sets[s], (enum cap_set)s, plan->cap_count, warnings, masks[s],
				    err);
		if (r < 0)
			return r;
	}
	/* The kernel's rules for capset() and PR_CAP_AMBIENT_RAISE, said early. */
	r = cap_require_subset(c->effective, SET_EFFECTIVE, plan->cap_effective,
			       plan->cap_permitted, "is not in .process.capabilities.permitted "
			       "(an effective capability must be permitted)", err);
	if (r < 0)
		return r;
	r = cap_require_subset(c->inheritable, SET_INHERITABLE, plan->cap_inheritable,
			       plan->cap_bounding, "is not in .process.capabilities.bounding "
			       "(the kernel refuses inheritable capabilities outside it)", err);
	if (r < 0)
		return r;
	/*
	 * The kernel raises an ambient capability only when it is permitted
	 * and inheritable.  `runc spec` and podman list ambient capabilities
	 * with no inheritable set, and runc and crun run such configs, raising
	 * what the kernel allows; so does husk, and says at debug level what it
	 * left out (security_notes()).  It does not add them to the inheritable
	 * set on its own: inheritable capabilities nobody asked for reach every
	 * program with file capabilities (CVE-2022-29162), and the workload
	 * gets the same capabilities as under runc and crun.
	 */
	plan->cap_ambient_dropped = plan->cap_ambient & ~(plan->cap_permitted &
							  plan->cap_inheritable);
	plan->cap_ambient &= ~plan->cap_ambient_dropped;
	return 0;
}

void caps_notes(const struct security_plan *plan, char ***notes)
{
	_cleanup_strv_ char **list = NULL;
	_cleanup_free_ char *names = NULL;
	char name[64];

	if (!plan->cap_ambient_dropped)
		return;
	for (unsigned int v = 0; v < 64; v++) {
		if (!(plan->cap_ambient_dropped & BIT(v)))
			continue;
		caps_name(v, name, sizeof(name));
		strv_push(&list, name);
	}
	names = strv_join(list, ", ");
	strv_consume(notes, xasprintf(".process.capabilities.ambient: not raised: %s (the kernel "
				      "raises only capabilities also in .permitted and "
				      ".inheritable)", names));
}

/*
 * Before the uid change: cut the bounding set down to .bounding (it can
 * only shrink, and needs CAP_SETPCAP, which we hold now), keep the
 * permitted set across setresuid(), and clear ambient capabilities
 * inherited from husk (runc and crun start from none as well).
 */
int security_caps_before_user(const struct security_plan *plan, struct husk_error *err)
{
	char name[64];

	/* Dropped without asking first (one prctl per capability, not two);
	 * without CAP_SETPCAP only one already gone from the set is fine. */
	for (unsigned int c = 0; c < plan->cap_count && c < 64; c++) {
		if (plan->cap_bounding & BIT(c))
			continue;
		if (cap_drop_bound((cap_value_t)c) < 0 &&
		    !(errno == EPERM && cap_get_bound((cap_value_t)c) == 0)) {
			caps_name(c, name, sizeof(name));
			return husk_error_set(err, errno, ".process.capabilities.bounding: drop %s "
					      "(prctl PR_CAPBSET_DROP)", name);
		}
	}
	if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0)
		return husk_error_set(err, errno, "prctl(PR_SET_KEEPCAPS, 1)");
	/* EINVAL: a kernel without ambient capabilities has none to clear. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0L, 0L, 0L) < 0 && errno != EINVAL)
		return husk_error_set(err, errno, "clear the ambient capabilities "
				      "(prctl PR_CAP_AMBIENT_CLEAR_ALL)");
	return 0;
}

static void cap_t_freep(cap_t *c)
{
	if (*c)
		cap_free(*c);
}

/* Put the capabilities of `mask` into flag `flag` of c. */
static int caps_fill_flag(cap_t c, cap_flag_t flag, uint64_t mask)
{
	cap_value_t list[64];
	int n = 0;

	for (int v = 0; v < 64; v++)
		if (mask & BIT(v))
			list[n++] = v;
	return n ? cap_set_flag(c, flag, n, list, CAP_SET) : 0;
}

/*
 * capset() failed: say which capability husk itself is missing, the usual
 * cause (husk runs in a container, or without CAP_SETPCAP).
 */
static int capset_error(const struct security_plan *plan, int errnum, struct husk_error *err)
{
	_cleanup_(cap_t_freep) cap_t cur = cap_get_proc();
	cap_flag_value_t have;
	char name[64];

	for (unsigned int v = 0; cur && v < 64; v++) {
		if (!(plan->cap_permitted & BIT(v)) ||
		    cap_get_flag(cur, (cap_value_t)v, CAP_PERMITTED, &have) < 0 || have)
			continue;
		caps_name(v, name, sizeof(name));
		husk_error_set(err, errnum, ".process.capabilities.permitted: capset");
		husk_error_hint(err, "%s is not held by husk itself", name);
		return -errnum;
	}
	return husk_error_set(err, errnum, ".process.capabilities: capset");
}

/*
 * After the uid change: the three sets exactly as listed, in one capset()
 * (effective must lie within the new permitted set, which we checked in
 * caps_prepare), then each ambient capability caps_prepare kept (those
 * permitted and inheritable by now, so the kernel must take them: a
 * failure is an error), then KEEPCAPS off again.
 */
int security_caps_after_user(const struct security_plan *plan, struct husk_error *err)
{
	_cleanup_(cap_t_freep) cap_t c = cap_init();
	char name[64];

	if (!c)
		return husk_error_set(err, errno, "cap_init");
	if (caps_fill_flag(c, CAP_PERMITTED, plan->cap_permitted) < 0 ||
	    caps_fill_flag(c, CAP_EFFECTIVE, plan->cap_effective) < 0 ||
	    caps_fill_flag(c, CAP_INHERITABLE, plan->cap_inheritable) < 0)
		return husk_error_set(err, errno, "cap_set_flag");
	if (cap_set_proc(c) < 0)
		return capset_error(plan, errno, err);
	for (unsigned int v = 0; v < 64; v++) {
		if (!(plan->cap_ambient & BIT(v)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)v, 0L, 0L) < 0) {
			caps_name(v, name, sizeof(name));
			return husk_error_set(err, errno, ".process.capabilities.ambient: raise %s "
					      "(prctl PR_CAP_AMBIENT_RAISE)", name);
		}
	}
	if (prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L) < 0)
		return husk_error_set(err, errno, "prctl(PR_SET_KEEPCAPS, 0)");
	return 0;
}
