/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * husk spec [--rootless] [--bundle DIR]
 *           [--hardened [--cap-add NAME]... [--memory SIZE] [--cpus N] [--pids-limit N]]
 *
 * Write a starting config.json; --hardened writes the locked-down profile
 * (src/spec/template-hardened.c) with husk's embedded seccomp profile.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "husk/security.h"
#include "husk/util.h"

static const char spec_synopsis[] = "";
static const char spec_description[] =
	"Write a default config.json into the bundle directory (the current directory\n"
	"by default).  An existing config.json is never overwritten.\n"
	"\n"
	"--hardened writes the hardened profile instead: uid 65534 in a user namespace,\n"
	"no capabilities, no_new_privs, husk's seccomp profile, a read-only root,\n"
	"noexec tmpfs, every namespace, a pids limit.  --cap-add may be repeated and\n"
	"takes comma-separated names.  See husk-spec(8).";

struct spec_opts {
	const char *bundle;
	bool rootless;
	bool hardened;
	const char *memory;
	const char *cpus;
	const char *pids_limit;
	char **cap_add;             /* canonical names, owned */
};

/* The --hardened values into the template options. */
static int hardened_values(const struct spec_opts *o, struct spec_template_opts *t,
			   struct husk_error *err)
{
	if (o->memory && spec_parse_memory(o->memory, &t->memory_limit, err) < 0)
		return husk_error_prefix(err, "--memory");
	if (o->cpus && spec_parse_cpus(o->cpus, &t->cpu_quota, err) < 0)
		return husk_error_prefix(err, "--cpus");
	if (o->pids_limit && spec_parse_pids_limit(o->pids_limit, &t->pids_limit, err) < 0)
		return -err->errnum;
	t->cap_add = o->cap_add;
	t->seccomp_profile = security_default_profile(&t->seccomp_profile_len);
	return 0;
}

static int spec_validate(const struct spec_opts *o, struct husk_error *err)
{
	const char *needs = o->memory ? "--memory" : o->cpus ? "--cpus" :
			    o->pids_limit ? "--pids-limit" : o->cap_add ? "--cap-add" : NULL;

	if (needs && !o->hardened)
		return husk_error_setq(err, EINVAL, "%s only applies to --hardened (the "
				       "default template keeps runc's shape)", needs);
	return 0;
}

static int spec_run(struct spec_opts *o, char **cap_words, struct husk_error *err)
{
	_cleanup_close_ int dirfd = -1;
	struct spec_template_opts topts = { 0 };
	const char *bundle = o->bundle && *o->bundle ? o->bundle : ".";
	int r;

	r = spec_parse_cap_words(cap_words, &o->cap_add, err);
	if (r == 0)
		r = spec_validate(o, err);
	if (r == 0 && o->hardened)
		r = hardened_values(o, &topts, err);
	if (r < 0)
		return r;
	dirfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return husk_error_set(err, errno, "bundle %s", bundle);
	topts.rootless = o->rootless;
	topts.hardened = o->hardened;
	topts.host_uid = getuid();
	topts.host_gid = getgid();
	r = spec_template_write(dirfd, &topts, err);
	return r < 0 ? r : 0;
}

int cmd_spec(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	_cleanup_strv_ char **cap_words = NULL;
	struct spec_opts o = { 0 };
	const struct opt_def defs[] = {
		OPT_S("bundle", "b", &o.bundle, "DIR", "write DIR/config.json (default: .)"),
		OPT_B("rootless", NULL, &o.rootless,
		      "a spec for an unprivileged user: user namespace mapping you in"),
		OPT_B("hardened", NULL, &o.hardened,
		      "the hardened profile: non-root, no capabilities, seccomp, read-only"),
		OPT_L("cap-add", NULL, &cap_words, "NAME",
		      "with --hardened: keep capability NAME (repeatable, or NAME,NAME)"),
		OPT_S("memory", "m", &o.memory, "SIZE", "with --hardened: memory limit (512M, 2G)"),
		OPT_S("cpus", NULL, &o.cpus, "N",
		      "with --hardened: CPU limit (1.5 = 150000/100000)"),
		OPT_S("pids-limit", NULL, &o.pids_limit, "N",
		      "with --hardened: process limit (default 1000)"),
	};
	struct opt_result args;
	int r;

	r = cli_verb_parse(&(struct cli_verb){ "spec", spec_synopsis, spec_description, defs,
					       ARRAY_SIZE(defs), 0, 0 },
			   argc, argv, &args, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	opt_result_free(&args);
	r = spec_run(&o, cap_words, err);
	strv_free(o.cap_add);
	return r;
}
