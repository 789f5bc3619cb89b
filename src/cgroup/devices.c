/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.resources.devices on cgroup v1: the devices controller's
 * devices.allow / devices.deny (the v2 program is devices-bpf.c).
 *
 * The v1 controller does not hold a list of rules.  It holds a default
 * (allow or deny everything) and a set of exceptions of the other kind,
 * one per (type, major, minor), whose access bits are OR-ed together.
 * Writing "a" to devices.deny or devices.allow sets the default and
 * empties the set; writing any other rule to the file of the exceptions'
 * kind adds one, and to the other file removes access bits from the
 * exception with exactly the same (type, major, minor) and nothing else.
 *
 * Writing a config's rules one by one therefore does not give "the last
 * matching rule wins" (how runc, crun and husk's v2 program read them):
 * "deny c 1:3" after "allow c *:*" removes nothing, and whatever the cgroup
 * held before (the parent's list, inherited at mkdir; the last update's)
 * stays.  So cg_dev_v1_compile() works out the default and the exception
 * set that decide every request as the rule list does, refuses the lists
 * v1 cannot express (with the rule to change), and cg_devices_v1() moves
 * the cgroup from what devices.list shows to that, in an order that never
 * denies a device both lists allow.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup-internal.h"
#include "cgroup/devices.h"
#include "husk/util.h"

#define DEV_JSON ".linux.resources.devices"

unsigned cg_dev_access(const struct husk_device_cgroup *rule)
{
	unsigned acc = 0;

	if (!rule->access)
		return CG_DEV_ACC_ALL;
	for (const char *p = rule->access; *p; p++)
		acc |= *p == 'r' ? CG_DEV_ACC_R : *p == 'w' ? CG_DEV_ACC_W : *p == 'm' ? CG_DEV_ACC_M : 0;
	return acc;
}

static const char *access_string(unsigned acc, char buf[4])
{
	size_t i = 0;

	if (acc & CG_DEV_ACC_R)
		buf[i++] = 'r';
	if (acc & CG_DEV_ACC_W)
		buf[i++] = 'w';
	if (acc & CG_DEV_ACC_M)
		buf[i++] = 'm';
	buf[i] = '\0';
	return buf;
}

/* "1:3", "*:3" ... in the devices.allow syntax. */
static void number_string(uint32_t v, char buf[12])
{
	if (v == CG_DEV_ANY)
		strcpy(buf, "*");
	else
		snprintf(buf, 12, "%u", v);
}

const char *cg_dev_rule_string(const struct husk_device_cgroup *rule, char *buf, size_t size)
{
	char maj[12], min[12], acc[4];

	number_string(rule->major.set ? (uint32_t)rule->major.value : CG_DEV_ANY, maj);
	number_string(rule->minor.set ? (uint32_t)rule->minor.value : CG_DEV_ANY, min);
	snprintf(buf, size, "%s %c %s:%s %s", rule->allow ? "allow" : "deny", rule->type, maj, min,
		 access_string(cg_dev_access(rule), acc));
	return buf;
}

/* "c 1:3 rwm": one line for devices.allow / devices.deny. */
static void exception_line(const struct cg_dev_exception *e, unsigned acc, char buf[48])
{
	char maj[12], min[12], a[4];

	number_string(e->major, maj);
	number_string(e->minor, min);
	snprintf(buf, 48, "%c %s:%s %s", e->type, maj, min, access_string(acc, a));
}

/* A rule that matches every request: v1's "a" (type a, *:*, rwm). */
static bool rule_is_everything(const struct husk_device_cgroup *r)
{
	return r->type == 'a' && !r->major.set && !r->minor.set && cg_dev_access(r) == CG_DEV_ACC_ALL;
}

static bool numbers_overlap(uint32_t a, uint32_t b)
{
	return a == CG_DEV_ANY || b == CG_DEV_ANY || a == b;
}

/* Does x's (major, minor) take in every device of e's? */
static bool numbers_cover(const struct cg_dev_exception *x, const struct cg_dev_exception *e)
{
	return (x->major == CG_DEV_ANY || x->major == e->major) &&
	       (x->minor == CG_DEV_ANY || x->minor == e->minor);
}

static void add_exception(struct cg_dev_v1 *v, const struct cg_dev_exception *x)
{
	/* The kernel keeps one exception per (type, major, minor), OR-ing the
	 * access of a second rule into it; do the same. */
	for (size_t j = 0; j < v->n; j++) {
		struct cg_dev_exception *e = &v->ex[j];

		if (e->type == x->type && e->major == x->major && e->minor == x->minor) {
			e->access |= x->access;
			e->rule = x->rule;
			return;
		}
	}
	v->ex = xrealloc(v->ex, (v->n + 1) * sizeof(*v->ex));
	v->ex[v->n++] = *x;
}

static int not_expressible(const struct husk_device_cgroup *rules, size_t i, size_t j,
			   const char *why, struct husk_error *err)
{
	char a[64], b[64];

	return husk_error_setq(err, EINVAL, DEV_JSON "[%zu] (%s) cannot be applied on cgroup v1 "
			       "after " DEV_JSON "[%zu] (%s): %s; the v1 devices controller "
			       "keeps only a default and exceptions of the other kind (list "
			       "the exact devices instead, or use cgroup v2)",
			       i, cg_dev_rule_string(&rules[i], a, sizeof(a)), j,
			       cg_dev_rule_string(&rules[j], b, sizeof(b)), why);
}

/*
 * A rule of the default's kind after exceptions: it takes back what it
 * overlaps.  Exact when it takes in the whole exception; when the rule is
 * narrower the result has no v1 form.  A deny taking some access bits off
 * an allow is stricter than the rule list only for requests of several
 * bits at once (O_RDWR after "deny w": the list's subset test lets that
 * through), so it is done; an allow taking bits off a deny would let such
 * requests through, and keeping the deny whole would refuse what the
 * allow grants, so that is refused.
 */
static int take_back(struct cg_dev_v1 *v, const struct husk_device_cgroup *rules, size_t i,
		     const struct cg_dev_exception *x, struct husk_error *err)
{
	for (size_t j = 0; j < v->n;) {
		struct cg_dev_exception *e = &v->ex[j];

		if (e->type != x->type || !numbers_overlap(e->major, x->major) ||
		    !numbers_overlap(e->minor, x->minor) || !(e->access & x->access)) {
			j++;
			continue;
		}
		if (!numbers_cover(x, e))
			return not_expressible(rules, i, e->rule, "it takes back part of the "
					       "devices of an exception", err);
		if (v->allow_default && (e->access & ~x->access))
			return not_expressible(rules, i, e->rule, "it allows part of the access "
					       "the earlier rule denies", err);
		e->access &= ~x->access;
		if (e->access) {
			j++;
			continue;
		}
		memmove(e, e + 1, (v->n - j - 1) * sizeof(*e));
		v->n--;
	}
	return 0;
}

void cg_dev_v1_free(struct cg_dev_v1 *v)
{
	free(v->ex);
	v->ex = NULL;
	v->n = 0;
}

/*
 * The last rule matching everything sets the default and hides the rules
 * before it (without one, the default is deny, as in the v2 program);
 * after it, rules of the other kind are exceptions and rules of the
 * default's kind take exceptions back.  A rule of type 'a' that is not
 * "a *:* rwm" is the same rule for 'c' and for 'b' (the kernel would read
 * any "a" as everything).
 */
int cg_dev_v1_compile(const struct husk_device_cgroup *rules, size_t n, struct cg_dev_v1 *out,
		      struct husk_error *err)
{
	struct cg_dev_v1 v = { 0 };
	size_t first = 0;
	int r;

	for (size_t i = n; i > 0; i--)
		if (rule_is_everything(&rules[i - 1])) {
			v.allow_default = rules[i - 1].allow;
			first = i;
			break;
		}
	for (size_t i = first; i < n; i++) {
		const struct husk_device_cgroup *rule = &rules[i];
		const char *types = rule->type == 'a' ? "cb" : rule->type == 'c' ? "c" : "b";

		for (const char *t = types; *t; t++) {
			struct cg_dev_exception x = {
				.type = *t,
				.major = rule->major.set ? (uint32_t)rule->major.value : CG_DEV_ANY,
				.minor = rule->minor.set ? (uint32_t)rule->minor.value : CG_DEV_ANY,
				.access = cg_dev_access(rule),
				.rule = i,
			};

			if (rule->allow != v.allow_default) {
				add_exception(&v, &x);
			} else if ((r = take_back(&v, rules, i, &x, err)) < 0) {
				cg_dev_v1_free(&v);
				return r;
			}
		}
	}
	*out = v;
	return 0;
}

/* The cgroup directory's path, for messages. */
static const char *dir_name(int dirfd, char *buf, size_t size)
{
	char link[32];
	ssize_t len;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
	len = readlink(link, buf, size - 1);
	if (len < 0) {
		snprintf(buf, size, "(cgroup fd %d)", dirfd);
		return buf;
	}
	buf[len] = '\0';
	return buf;
}

/*
 * One write to devices.allow or devices.deny; the error names the line,
 * the file, the rule it comes from and what the kernel's refusals mean.
 */
static int write_line(int dirfd, bool allow, const char *line, const char *json,
		      struct husk_error *err)
{
	const char *file = allow ? "devices.allow" : "devices.deny";
	char dir[256];
	int r;

	r = write_string_at(dirfd, file, line, NULL);
	if (r == 0)
		return 0;
	husk_error_set(err, -r, "write \"%s\" to %s/%s for %s", line,
		       dir_name(dirfd, dir, sizeof(dir)), file, json);
	if (r == -EPERM)
		husk_error_hint(err, "the parent cgroup does not allow these devices, or husk "
				"lacks CAP_SYS_ADMIN");
	else if (r == -EINVAL && str_eq(line, "a") && allow)
		husk_error_hint(err, "v1 accepts \"a\" in devices.allow only on a cgroup without "
				"child cgroups");
	return r;
}

/* A devices.list line "c 1:3 rwm" / "b *:* m"; false for anything else. */
static bool parse_list_line(const char *line, struct cg_dev_exception *e)
{
	char type, maj[12], min[12], acc[8];

	if (sscanf(line, "%c %11[0-9*]:%11[0-9*] %7[rwm]", &type, maj, min, acc) != 4 ||
	    (type != 'c' && type != 'b' && type != 'a'))
		return false;
	e->type = type;
	e->major = str_eq(maj, "*") ? CG_DEV_ANY : (uint32_t)strtoul(maj, NULL, 10);
	e->minor = str_eq(min, "*") ? CG_DEV_ANY : (uint32_t)strtoul(min, NULL, 10);
	e->access = 0;
	for (const char *p = acc; *p; p++)
		e->access |= *p == 'r' ? CG_DEV_ACC_R : *p == 'w' ? CG_DEV_ACC_W : CG_DEV_ACC_M;
	return true;
}

/*
 * What the cgroup holds now, when it is a deny default with allow
 * exceptions (devices.list lists them); false when the default is allow
 * (the list shows only "a *:* rwm", not the deny exceptions) or the list
 * cannot be read, and the caller starts over.
 */
static bool read_current(int dirfd, struct cg_dev_v1 *cur)
{
	_cleanup_free_ char *text = NULL;
	char *save = NULL;

	*cur = (struct cg_dev_v1){ 0 };
	if (read_file_at(dirfd, "devices.list", 1 << 20, &text, NULL, NULL) < 0)
		return false;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct cg_dev_exception e = { 0 };

		if (!parse_list_line(line, &e) || e.type == 'a') {
			cg_dev_v1_free(cur);
			return false;
		}
		add_exception(cur, &e);
	}
	return true;
}

static unsigned access_of(const struct cg_dev_v1 *v, const struct cg_dev_exception *k)
{
	for (size_t j = 0; j < v->n; j++)
		if (v->ex[j].type == k->type && v->ex[j].major == k->major &&
		    v->ex[j].minor == k->minor)
			return v->ex[j].access;
	return 0;
}

static const char *rule_json(size_t i, char buf[48])
{
	snprintf(buf, 48, DEV_JSON "[%zu]", i);
	return buf;
}

/*
 * From a deny default to a deny default (an update, or a cgroup made under
 * a parent with a deny default): take away what the new list does not
 * allow, then add what it allows.  At no point is a device both lists
 * allow denied, as "a" to devices.deny first would do to a running
 * container.
 */
static int v1_change(int dirfd, const struct cg_dev_v1 *cur, const struct cg_dev_v1 *want,
		     struct husk_error *err)
{
	char line[48], json[48];
	int r;

	for (size_t j = 0; j < cur->n; j++) {
		unsigned drop = cur->ex[j].access & ~access_of(want, &cur->ex[j]);

		if (!drop)
			continue;
		exception_line(&cur->ex[j], drop, line);
		if ((r = write_line(dirfd, false, line, DEV_JSON, err)) < 0)
			return r;
	}
	for (size_t j = 0; j < want->n; j++) {
		unsigned add = want->ex[j].access & ~access_of(cur, &want->ex[j]);

		if (!add)
			continue;
		exception_line(&want->ex[j], add, line);
		if ((r = write_line(dirfd, true, line, rule_json(want->ex[j].rule, json), err)) < 0)
			return r;
	}
	return 0;
}

/*
 * Apply the rules to the v1 devices cgroup dirfd.  To an allow default the
 * cgroup is reset ("a" to devices.allow, which also empties the list) and
 * the denies are added: for that moment every device is allowed, since
 * devices.list does not show the denies a diff would need.  To a deny
 * default from an allow default likewise ("a" to devices.deny, then the
 * allows); a new cgroup has no process yet at that point.
 */
int cg_devices_v1(int dirfd, const struct husk_device_cgroup *rules, size_t n,
		  struct husk_error *err)
{
	struct cg_dev_v1 want = { 0 }, cur = { 0 };
	char line[48], json[48];
	int r;

	r = cg_dev_v1_compile(rules, n, &want, err);
	if (r < 0)
		return r;
	if (!want.allow_default && read_current(dirfd, &cur)) {
		r = v1_change(dirfd, &cur, &want, err);
		goto out;
	}
	r = write_line(dirfd, want.allow_default, "a", DEV_JSON, err);
	for (size_t j = 0; r == 0 && j < want.n; j++) {
		exception_line(&want.ex[j], want.ex[j].access, line);
		r = write_line(dirfd, !want.allow_default, line, rule_json(want.ex[j].rule, json),
			       err);
	}
out:
	cg_dev_v1_free(&cur);
	cg_dev_v1_free(&want);
	return r;
}
