/* SPDX-License-Identifier: GPL-2.0-or-later */
/* spec_template_write(): the `husk spec` default, and that it parses back. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/spec.h"
#include "husk/util.h"

static char tmpdir[64];
static int dirfd_ = -1;

static void setup(void)
{
	strcpy(tmpdir, "/tmp/husk-spec-test-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	dirfd_ = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(dirfd_, 0);
}

static void teardown(void)
{
	unlinkat(dirfd_, "config.json", 0);
	close(dirfd_);
	rmdir(tmpdir);
}

/* Write a template and parse it back with spec_load(). */
static struct husk_spec *write_and_load(bool rootless, char **text)
{
	struct spec_template_opts opts = { .rootless = rootless, .host_uid = 1234,
					   .host_gid = 5678 };
	struct husk_error err = { 0 };
	struct husk_spec *s = NULL;
	size_t len;

	cr_assert_eq(spec_template_write(dirfd_, &opts, &err), 0, "%s", err.msg);
	cr_assert_eq(spec_load(tmpdir, &s, &err), 0, "%s", err.msg);
	if (text)
		cr_assert_eq(read_file_at(dirfd_, "config.json", SPEC_MAX_BYTES, text, &len, &err),
			     0);
	return s;
}

static const struct husk_mount *mount_at(const struct husk_spec *s, const char *dst)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (strcmp(s->mounts[i].destination, dst) == 0)
			return &s->mounts[i];
	return NULL;
}

Test(spec_template, default_round_trips, .init = setup, .fini = teardown)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_spec_ struct husk_spec *s = write_and_load(false, &text);
	const struct husk_process *p = s->process;
	const struct husk_mount *m;

	cr_assert(str_has_prefix(text, "{\n  \"ociVersion\": \"1.2.0\",\n  \"process\": {\n"));
	cr_assert_eq(text[strlen(text) - 1], '\n');

	cr_assert_str_eq(s->oci_version, "1.2.0");
	cr_assert_str_eq(s->root_path, "rootfs");
	cr_assert(s->root_readonly);
	cr_assert_str_eq(s->hostname, "husk");
	cr_assert_str_eq(spec_annotation(s, "io.husk.init"), "true");

	cr_assert_not(p->terminal);
	cr_assert_eq(p->user.uid, 0);
	cr_assert_str_eq(p->args[0], "sh");
	cr_assert_null(p->args[1]);
	cr_assert_str_eq(p->cwd, "/");
	cr_assert_eq(strv_length(p->env), 2);
	cr_assert_str_eq(p->env[1], "TERM=xterm");
	cr_assert(p->no_new_privileges);
	cr_assert_eq(strv_length(p->capabilities->bounding), 3);
	cr_assert_str_eq(p->capabilities->effective[2], "CAP_NET_BIND_SERVICE");
	cr_assert_eq(strv_length(p->capabilities->permitted), 3);
	cr_assert_null(p->capabilities->inheritable);
	cr_assert_null(p->capabilities->ambient);
	cr_assert_eq(p->n_rlimits, 1);
	cr_assert_eq(p->rlimits[0].resource, RLIMIT_NOFILE);
	cr_assert_eq(p->rlimits[0].soft, 1024);

	cr_assert_eq(s->n_mounts, 8);
	m = mount_at(s, "/dev/pts");
	cr_assert(strv_contains(m->options, "gid=5"));
	m = mount_at(s, "/sys");
	cr_assert_str_eq(m->type, "sysfs");
	m = mount_at(s, "/tmp");
	cr_assert_str_eq(m->type, "tmpfs");
	cr_assert(strv_contains(m->options, "noexec"));
	cr_assert(strv_contains(m->options, "nosuid"));
	cr_assert_not_null(mount_at(s, "/sys/fs/cgroup"));
	cr_assert_null(mount_at(s, "/proc")->options);

	cr_assert_eq(s->linux_->n_namespaces, 6);
	cr_assert_not_null(spec_namespace(s, NS_NETWORK));
	cr_assert_not_null(spec_namespace(s, NS_CGROUP));
	cr_assert_null(spec_namespace(s, NS_USER));
	cr_assert_eq(s->linux_->n_uid_mappings, 0);
	cr_assert_eq(s->linux_->resources->n_devices, 1);
	cr_assert_not(s->linux_->resources->devices[0].allow);
	cr_assert_eq(strv_length(s->linux_->masked_paths), 11);
	cr_assert(strv_contains(s->linux_->masked_paths, "/sys/devices/virtual/powercap"));
	cr_assert_eq(strv_length(s->linux_->readonly_paths), 5);
}

Test(spec_template, rootless_round_trips, .init = setup, .fini = teardown)
{
	_cleanup_spec_ struct husk_spec *s = write_and_load(true, NULL);
	const struct husk_mount *m;

	cr_assert_not_null(spec_namespace(s, NS_USER));
	cr_assert_null(spec_namespace(s, NS_NETWORK));
	cr_assert_not_null(spec_namespace(s, NS_CGROUP));
	cr_assert_eq(s->linux_->n_uid_mappings, 1);
	cr_assert_eq(s->linux_->uid_mappings[0].container_id, 0);
	cr_assert_eq(s->linux_->uid_mappings[0].host_id, 1234);
	cr_assert_eq(s->linux_->uid_mappings[0].size, 1);
	cr_assert_eq(s->linux_->gid_mappings[0].host_id, 5678);
	cr_assert_null(s->linux_->resources);

	m = mount_at(s, "/sys");
	cr_assert_str_eq(m->type, "none");
	cr_assert_str_eq(m->source, "/sys");
	cr_assert_str_eq(m->options[0], "rbind");
	cr_assert(strv_contains(m->options, "ro"));
	m = mount_at(s, "/dev/pts");
	cr_assert_not(strv_contains(m->options, "gid=5"));
	cr_assert(strv_contains(m->options, "newinstance"));
	cr_assert_eq(s->n_mounts, 8);
}

Test(spec_template, refuses_to_overwrite, .init = setup, .fini = teardown)
{
	struct spec_template_opts opts = { 0 };
	struct husk_error err = { 0 };
	_cleanup_free_ char *expected = NULL;
	_cleanup_free_ char *before = NULL, *after = NULL;
	size_t len;

	cr_assert_eq(spec_template_write(dirfd_, &opts, &err), 0);
	cr_assert_eq(read_file_at(dirfd_, "config.json", SPEC_MAX_BYTES, &before, &len, &err), 0);
	opts.rootless = true;
	cr_assert_eq(spec_template_write(dirfd_, &opts, &err), -EEXIST);
	expected = xasprintf("config.json already exists in %s; remove it or use another --bundle",
			     tmpdir);
	cr_assert_str_eq(err.msg, expected);
	cr_assert_eq(read_file_at(dirfd_, "config.json", SPEC_MAX_BYTES, &after, &len, &err), 0);
	cr_assert_str_eq(before, after, "the existing file must be untouched");
}

Test(spec_template, does_not_follow_a_symlink, .init = setup, .fini = teardown)
{
	struct spec_template_opts opts = { 0 };
	struct husk_error err = { 0 };
	struct stat st;

	cr_assert_eq(symlinkat("/tmp/husk-spec-test-target-does-not-exist", dirfd_, "config.json"),
		     0);
	cr_assert_lt(spec_template_write(dirfd_, &opts, &err), 0);
	cr_assert_eq(stat("/tmp/husk-spec-test-target-does-not-exist", &st), -1);
}

Test(spec_template, file_mode_is_0644, .init = setup, .fini = teardown)
{
	struct spec_template_opts opts = { 0 };
	struct husk_error err = { 0 };
	struct stat st;
	mode_t old = umask(022);

	cr_assert_eq(spec_template_write(dirfd_, &opts, &err), 0);
	umask(old);
	cr_assert_eq(fstatat(dirfd_, "config.json", &st, 0), 0);
	cr_assert_eq(st.st_mode & 07777, 0644);
}
