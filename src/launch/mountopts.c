/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OCI mount options -> MOUNT_ATTR_* / MS_* / propagation / fs data.
 *
 * A pure function (no system calls), so the whole table is unit-tested in
 * tests/unit/test_launch_mountopts.c.  The option names are those of
 * mount(8) and of the OCI runtime-spec ("Mount options" in config-linux.md),
 * including the recursive "r" forms of runtime-spec 1.1 ("rro", "rnosuid").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mount.h>

#include "husk/util.h"
#include "launch/rootfs-internal.h"
#include "util/libc-compat.h"

/* A per-mount flag with an on and an off spelling ("nosuid" / "suid"). */
struct attr_opt {
	const char *name;
	uint64_t attr;
	unsigned long ms;
	bool clear;
};

static const struct attr_opt attr_opts[] = {
	{ "ro", MOUNT_ATTR_RDONLY, MS_RDONLY, false },
	{ "rw", MOUNT_ATTR_RDONLY, MS_RDONLY, true },
	{ "nosuid", MOUNT_ATTR_NOSUID, MS_NOSUID, false },
	{ "suid", MOUNT_ATTR_NOSUID, MS_NOSUID, true },
	{ "nodev", MOUNT_ATTR_NODEV, MS_NODEV, false },
	{ "dev", MOUNT_ATTR_NODEV, MS_NODEV, true },
	{ "noexec", MOUNT_ATTR_NOEXEC, MS_NOEXEC, false },
	{ "exec", MOUNT_ATTR_NOEXEC, MS_NOEXEC, true },
	{ "nodiratime", MOUNT_ATTR_NODIRATIME, MS_NODIRATIME, false },
	{ "diratime", MOUNT_ATTR_NODIRATIME, MS_NODIRATIME, true },
	{ "nosymfollow", MOUNT_ATTR_NOSYMFOLLOW, MS_NOSYMFOLLOW, false },
	{ "symfollow", MOUNT_ATTR_NOSYMFOLLOW, MS_NOSYMFOLLOW, true },
};

/*
 * The atime mode is one value, not independent bits.  The "no" spellings
 * clear their flag as mount(2) does: "norelatime" undoes an earlier
 * "relatime" and otherwise leaves the kernel default (relatime for a new
 * filesystem, the source's mode for a bind).
 */
enum atime_mode { ATIME_UNSET, ATIME_RELATIME, ATIME_NOATIME, ATIME_STRICTATIME };

struct atime_opt {
	const char *name;
	enum atime_mode mode;       /* the mode it selects, or undoes when clear */
	bool clear;
};

static const struct atime_opt atime_opts[] = {
	{ "relatime", ATIME_RELATIME, false },
	{ "norelatime", ATIME_RELATIME, true },
	{ "noatime", ATIME_NOATIME, false },
	{ "atime", ATIME_NOATIME, true },
	{ "strictatime", ATIME_STRICTATIME, false },
	{ "nostrictatime", ATIME_STRICTATIME, true },
};

/* Superblock flags: meaningful for a new filesystem only. */
struct sb_opt {
	const char *name;
	unsigned long ms;
	bool clear;
};

static const struct sb_opt sb_opts[] = {
	{ "sync", MS_SYNCHRONOUS, false },
	{ "async", MS_SYNCHRONOUS, true },
	{ "dirsync", MS_DIRSYNC, false },
};

struct prop_opt {
	const char *name;
	unsigned long flag;
};

static const struct prop_opt prop_opts[] = {
	{ "shared", MS_SHARED },
	{ "slave", MS_SLAVE },
	{ "private", MS_PRIVATE },
	{ "unbindable", MS_UNBINDABLE },
};

/* Ignored on purpose: no meaning for the kernel (see mountopts_parse()). */
static const char *const ignored_opts[] = { "defaults", "mand", "nomand" };

int mountopts_propagation(const char *name, unsigned long *flag, bool *recursive)
{
	bool rec = name[0] == 'r';

	for (size_t i = 0; i < ARRAY_SIZE(prop_opts); i++) {
		if (strcmp(name, prop_opts[i].name) == 0 ||
		    (rec && strcmp(name + 1, prop_opts[i].name) == 0)) {
			*flag = prop_opts[i].flag;
			*recursive = strcmp(name, prop_opts[i].name) != 0;
			return 0;
		}
	}
	return -EINVAL;
}

static void set_flag(struct mount_opts *o, uint64_t attr, unsigned long ms, bool clear)
{
	if (clear) {
		o->attr_set &= ~attr;
		o->attr_clr |= attr;
		o->ms_flags &= ~ms;
		o->ms_clear |= ms;
	} else {
		o->attr_set |= attr;
		o->attr_clr &= ~attr;
		o->ms_flags |= ms;
		o->ms_clear &= ~ms;
	}
}

/* A per-mount flag or an atime option, plain or in its "r" form. */
static bool parse_attr(struct mount_opts *o, const char *name, enum atime_mode *atime)
{
	for (int pass = 0; pass < 2; pass++) {
		const char *n = name;

		if (pass == 1) {
			/* "rro" is "ro" for every mount of the tree. */
			if (name[0] != 'r')
				return false;
			n = name + 1;
		}
		for (size_t i = 0; i < ARRAY_SIZE(attr_opts); i++) {
			if (strcmp(n, attr_opts[i].name) == 0) {
				set_flag(o, attr_opts[i].attr, attr_opts[i].ms, attr_opts[i].clear);
				o->attr_recursive |= pass == 1;
				return true;
			}
		}
		for (size_t i = 0; i < ARRAY_SIZE(atime_opts); i++) {
			if (strcmp(n, atime_opts[i].name) == 0) {
				if (!atime_opts[i].clear)
					*atime = atime_opts[i].mode;
				else if (*atime == atime_opts[i].mode)
					*atime = ATIME_UNSET;
				o->attr_recursive |= pass == 1;
				return true;
			}
		}
	}
	return false;
}

static bool parse_sb(struct mount_opts *o, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(sb_opts); i++) {
		if (strcmp(name, sb_opts[i].name) == 0) {
			if (sb_opts[i].clear) {
				o->ms_flags &= ~sb_opts[i].ms;
				o->ms_clear |= sb_opts[i].ms;
			} else {
				o->ms_flags |= sb_opts[i].ms;
				o->ms_clear &= ~sb_opts[i].ms;
			}
			return true;
		}
	}
	return false;
}

/* Options that are about the kind of mount rather than its flags. */
static bool parse_kind(struct mount_opts *o, const char *name)
{
	if (strcmp(name, "bind") == 0) {
		if (o->bind != MOUNT_RBIND)
			o->bind = MOUNT_BIND;
	} else if (strcmp(name, "rbind") == 0) {
		o->bind = MOUNT_RBIND;
	} else if (strcmp(name, "remount") == 0) {
		o->remount = true;
	} else if (strcmp(name, "tmpcopyup") == 0) {
		o->tmpcopyup = true;
	} else if (strcmp(name, "idmap") == 0 || strcmp(name, "ridmap") == 0) {
		o->idmap = true;
		o->idmap_recursive |= name[0] == 'r';
	} else {
		return false;
	}
	return true;
}

static void apply_atime(struct mount_opts *o, enum atime_mode atime)
{
	static const struct {
		uint64_t attr;
		unsigned long ms;
	} modes[] = {
		[ATIME_RELATIME] = { MOUNT_ATTR_RELATIME, MS_RELATIME },
		[ATIME_NOATIME] = { MOUNT_ATTR_NOATIME, MS_NOATIME },
		[ATIME_STRICTATIME] = { MOUNT_ATTR_STRICTATIME, MS_STRICTATIME },
	};

	if (atime == ATIME_UNSET)
		return;
	/* mount_setattr() changes the atime mode only with the whole field in attr_clr. */
	o->attr_clr |= MOUNT_ATTR__ATIME;
	o->attr_set = (o->attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | modes[atime].attr;
	o->ms_flags |= modes[atime].ms;
}

void mountopts_parse(char *const *options, struct mount_opts *out)
{
	enum atime_mode atime = ATIME_UNSET;
	size_t len = 0;

	*out = (struct mount_opts){ 0 };
	for (char *const *p = options; p && *p; p++) {
		const char *name = *p;
		bool ignored = name[0] == '\0' || str_has_prefix(name, "x-");
		bool recursive;
		unsigned long prop;

		for (size_t i = 0; i < ARRAY_SIZE(ignored_opts) && !ignored; i++)
			ignored = strcmp(name, ignored_opts[i]) == 0;
		if (ignored || parse_kind(out, name) || parse_attr(out, name, &atime) ||
		    parse_sb(out, name))
			continue;
		if (mountopts_propagation(name, &prop, &recursive) == 0) {
			out->propagation = prop;
			out->propagation_recursive = recursive;
			continue;
		}
		strv_push(&out->data, name);
		len += strlen(name) + 1;
	}
	apply_atime(out, atime);

	if (out->data) {
		char *s = xmalloc(len);
		size_t at = 0;

		for (char **d = out->data; *d; d++) {
			size_t n = strlen(*d);

			if (at)
				s[at++] = ',';
			memcpy(s + at, *d, n);
			at += n;
		}
		s[at] = '\0';
		out->data_str = s;
	}
}

void mountopts_free(struct mount_opts *o)
{
	strv_free(o->data);
	free(o->data_str);
	o->data = NULL;
	o->data_str = NULL;
}
