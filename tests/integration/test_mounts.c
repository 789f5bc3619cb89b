// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hostile rootfs contents: mount destinations that go through symlinks
 * pointing at the host's "/" or climbing out with "..", and destinations
 * with ".." in them.  Every one must land inside the container's root and
 * leave the host untouched.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "integration/harness.h"

/* Make a symlink in the rootfs copy, owned like the rest of it. */
static void rootfs_symlink(struct hctx *c, const char *target, const char *name)
{
	char *path;

	cr_assert(asprintf(&path, "%s/%s", c->rootfs, name) > 0);
	cr_assert(symlink(target, path) == 0, "symlink %s: %m", path);
	chown_to_user(c, path);
	free(path);
}

HTEST(mounts, symlinked_destinations_stay_inside)
{
	struct hres r = { 0 };
	char *escape = hpath(c, "escape");
	char *target, *tag, *mounts, *script, *host_tag;

	/* A host directory the second symlink aims at: it must stay empty. */
	cr_assert(mkdir(escape, 0777) == 0);
	chown_to_user(c, escape);
	bundle_make_rootfs(c);
	/* "evil" -> "/" and "evil2" -> "../../../..<work>/escape": followed on
	 * the host, both lead out of the rootfs. */
	rootfs_symlink(c, "/", "evil");
	cr_assert(asprintf(&target, "../../../../../../../../..%s", escape) > 0);
	rootfs_symlink(c, target, "evil2");

	/* A name unique to this test, so a leak onto the host's "/" shows. */
	cr_assert(asprintf(&tag, "husk-escape-%s", c->token) > 0);
	cr_assert(asprintf(&host_tag, "/%s", tag) > 0);
	cr_assert(asprintf(&mounts,
			   "{\"destination\": \"/evil/%s\", \"type\": \"tmpfs\","
			   " \"source\": \"tmpfs\"},\n"
			   "    {\"destination\": \"/evil2/x\", \"type\": \"tmpfs\","
			   " \"source\": \"tmpfs\"}", tag) > 0);
	/* Inside, the kernel resolves the same paths in the container's root:
	 * both must be the tmpfs mounts. */
	cr_assert(asprintf(&script, "stat -f -c %%T /%s /evil/%s /evil2/x", tag, tag) > 0);
	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sh", "-c", script),
					      .extra_mounts = mounts });
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);

	cr_assert(access(host_tag, F_OK) != 0, "husk created %s on the host", host_tag);
	cr_assert_eq(count_dir_entries(escape), 0, "husk wrote into the host directory %s",
		     escape);
	cr_assert_eq(count_host_mounts_under(escape), 0, "husk mounted onto the host");
	cr_assert_eq(count_host_mounts_under(tag), 0, "husk mounted onto the host");
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "tmpfs\ntmpfs\ntmpfs\n");
	free(escape);
	free(target);
	free(tag);
	free(host_tag);
	free(mounts);
	free(script);
	hres_free(&r);
}

HTEST(mounts, dotdot_destination_stays_inside)
{
	struct hres r = { 0 };
	char *name, *mounts, *script, *beside, *at_root;

	cr_assert(asprintf(&name, "husk-dotdot-%s", c->token) > 0);
	cr_assert(asprintf(&mounts, "{\"destination\": \"/../../../%s\", \"type\": \"tmpfs\","
			   " \"source\": \"tmpfs\"}", name) > 0);
	cr_assert(asprintf(&script, "stat -f -c %%T /%s", name) > 0);
	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("/bin/sh", "-c", script),
					      .extra_mounts = mounts });
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);

	/* Joined to the rootfs path naively, "../../.." climbs to the work
	 * directory or beyond. */
	beside = hpath(c, name);
	cr_assert(asprintf(&at_root, "/%s", name) > 0);
	cr_assert(access(beside, F_OK) != 0, "husk created %s on the host", beside);
	cr_assert(access(at_root, F_OK) != 0, "husk created %s on the host", at_root);
	char *tmp_beside;
	cr_assert(asprintf(&tmp_beside, "/tmp/%s", name) > 0);
	cr_assert(access(tmp_beside, F_OK) != 0, "husk created %s on the host",
		  tmp_beside);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "tmpfs\n");
	free(tmp_beside);
	free(name);
	free(mounts);
	free(script);
	free(beside);
	free(at_root);
	hres_free(&r);
}

/* A bind mount of a host directory is visible inside and only there. */
HTEST(mounts, bind_mount_is_private)
{
	struct hres r = { 0 };
	char *f = hpath(c, "out/from-inside");

	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c",
			     "echo hello > /out/from-inside; cat /out/from-inside"),
		.bind_out = true });
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "hello\n");
	char *text = read_text(f);
	cr_assert(text, "the bind mount did not reach %s", f);
	cr_assert_str_eq(text, "hello\n");
	cr_assert_eq(count_host_mounts_under(c->work), 0, "a container mount shows on the host");
	free(text);
	free(f);
	hres_free(&r);
}
