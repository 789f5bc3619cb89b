/* SPDX-License-Identifier: GPL-2.0-or-later */
/* husk spec [--rootless] [--bundle DIR]: write a starting config.json. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "cli.h"
#include "husk/util.h"

static const char spec_synopsis[] = "";
static const char spec_description[] =
	"Write a default config.json into the bundle directory (the current directory\n"
	"by default).  An existing config.json is never overwritten.";

int cmd_spec(const struct global_opts *g, int argc, char **argv, struct husk_error *err)
{
	_cleanup_close_ int dirfd = -1;
	const char *bundle = NULL;
	bool rootless = false;
	const struct opt_def defs[] = {
		OPT_S("bundle", "b", &bundle, "DIR", "write DIR/config.json (default: .)"),
		OPT_B("rootless", NULL, &rootless,
		      "a spec for an unprivileged user: user namespace mapping you to root"),
	};
	struct spec_template_opts topts;
	struct opt_result args;
	int r;

	r = opts_parse(defs, ARRAY_SIZE(defs), argc, argv, 0, &args, err);
	if (r < 0)
		return r;
	if (args.help) {
		cli_print_verb_help("spec", spec_synopsis, spec_description, defs,
				    ARRAY_SIZE(defs));
		opt_result_free(&args);
		return 0;
	}
	r = opts_expect_args(&args, 0, 0, "spec", "[OPTIONS]", err);
	opt_result_free(&args);
	if (r < 0)
		return r;
	if (!bundle || !*bundle)
		bundle = ".";
	dirfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return husk_error_set(err, errno, "bundle %s", bundle);
	topts.rootless = rootless;
	topts.host_uid = getuid();
	topts.host_gid = getgid();
	r = spec_template_write(dirfd, &topts, err);
	return r < 0 ? r : 0;
}
