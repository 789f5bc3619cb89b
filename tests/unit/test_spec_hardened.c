/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `husk spec --hardened` (spec_template_render with .hardened): every field
 * as intended, the embedded seccomp profile identical to the shipped one,
 * and the option values (--memory, --cpus, --cap-add) as a person types them.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "husk/security.h"
#include "husk/spec.h"
#include "husk/util.h"

static char *render(struct spec_template_opts *o)
{
	struct husk_error err = { 0 };
	char *text = NULL;
	size_t len;

	o->hardened = true;
	if (!o->seccomp_profile)
		o->seccomp_profile = security_default_profile(&o->seccomp_profile_len);
	cr_assert_eq(spec_template_render(o, &text, &len, &err), 0, "%s", err.msg);
	cr_assert_eq(strlen(text), len);
	return text;
}

static struct husk_spec *render_parse(struct spec_template_opts *o)
{
	_cleanup_free_ char *text = render(o);
	struct husk_error err = { 0 };
	struct husk_spec *s = NULL;

	cr_assert_eq(spec_parse(text, strlen(text), "config.json", &s, &err), 0, "%s", err.msg);
	return s;
}

static const struct husk_mount *mount_at(const struct husk_spec *s, const char *dst)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (strcmp(s->mounts[i].destination, dst) == 0)
			return &s->mounts[i];
	return NULL;
}

static void assert_opts(const struct husk_mount *m, const char *const *want)
{
	cr_assert_not_null(m);
	for (size_t i = 0; want[i]; i++)
		cr_assert(strv_contains(m->options, want[i]), "%s: no %s", m->destination, want[i]);
}

Test(spec_hardened, process)
{
	struct spec_template_opts o = { .rootless = true, .host_uid = 1234, .host_gid = 5678 };
	_cleanup_spec_ struct husk_spec *s = render_parse(&o);
	const struct husk_process *p = s->process;
	char **sets[5];

	cr_assert_eq(p->user.uid, 65534);
	cr_assert_eq(p->user.gid, 65534);
	cr_assert(p->no_new_privileges);
	cr_assert_not(p->terminal);
	cr_assert_str_eq(p->args[0], "sh");
	sets[0] = p->capabilities->bounding;
	sets[1] = p->capabilities->effective;
	sets[2] = p->capabilities->permitted;
	sets[3] = p->capabilities->inheritable;
	sets[4] = p->capabilities->ambient;
	for (size_t i = 0; i < 5; i++) {
		cr_assert_not_null(sets[i], "set %zu absent: it must be present and empty", i);
		cr_assert_null(sets[i][0], "set %zu not empty", i);
	}
	cr_assert_eq(p->n_rlimits, 1);
	cr_assert_eq(p->rlimits[0].resource, RLIMIT_NOFILE);
	cr_assert_eq(p->rlimits[0].hard, 1024);
	cr_assert_str_eq(spec_annotation(s, "io.husk.init"), "true");
	cr_assert_str_eq(spec_annotation(s, "io.husk.profile"), "hardened");
}

Test(spec_hardened, filesystem)
{
	static const char *const tmpfs_opts[] = { "nosuid", "nodev", "noexec", "size=64m", NULL };
	static const char *const dev_opts[] = { "nosuid", "noexec", NULL };
	static const char *const ro[] = { "ro", NULL };
	struct spec_template_opts o = { .rootless = true, .host_uid = 1234, .host_gid = 5678 };
	_cleanup_spec_ struct husk_spec *s = render_parse(&o);
	const struct husk_linux *lx = s->linux_;

	cr_assert(s->root_readonly);
	assert_opts(mount_at(s, "/tmp"), tmpfs_opts);
	cr_assert(strv_contains(mount_at(s, "/tmp")->options, "mode=1777"));
	assert_opts(mount_at(s, "/run"), tmpfs_opts);
	cr_assert(strv_contains(mount_at(s, "/run")->options, "mode=0755"));
	assert_opts(mount_at(s, "/dev"), dev_opts);
	assert_opts(mount_at(s, "/dev/shm"), (const char *const[]){ "nosuid", "nodev", "noexec",
								       "size=65536k", NULL });
	cr_assert_not(strv_contains(mount_at(s, "/dev/pts")->options, "gid=5"),
		      "the tty group is not mapped");
	cr_assert_str_eq(mount_at(s, "/sys")->type, "sysfs", "own netns: a fresh sysfs");
	assert_opts(mount_at(s, "/sys"), ro);
	assert_opts(mount_at(s, "/sys/fs/cgroup"), ro);
	for (const char *const *m = (const char *const[]){ "/proc/kcore", "/proc/keys",
			"/proc/timer_list", "/proc/sched_debug", "/proc/acpi", "/proc/scsi",
			"/proc/interrupts", "/proc/asound", "/sys/firmware", "/sys/fs/selinux",
			"/sys/dev/block", "/sys/devices/virtual/powercap", NULL }; *m; m++)
		cr_assert(strv_contains(lx->masked_paths, *m), "%s not masked", *m);
	for (const char *const *r = (const char *const[]){ "/proc/bus", "/proc/fs", "/proc/irq",
			"/proc/sys", "/proc/sysrq-trigger", NULL }; *r; r++)
		cr_assert(strv_contains(lx->readonly_paths, *r), "%s not read-only", *r);
}

Test(spec_hardened, namespaces_and_ids)
{
	static const enum husk_ns_type all[] = { NS_PID, NS_NETWORK, NS_IPC, NS_UTS, NS_MOUNT,
						 NS_CGROUP, NS_USER };
	struct spec_template_opts o = { .rootless = true, .host_uid = 1234, .host_gid = 5678 };
	_cleanup_spec_ struct husk_spec *rl = render_parse(&o);
	struct spec_template_opts o2 = { .host_uid = 0, .host_gid = 0 };
	_cleanup_spec_ struct husk_spec *root = render_parse(&o2);
	struct spec_template_opts o3 = { .rootless = true, .host_uid = 0, .host_gid = 0 };
	_cleanup_spec_ struct husk_spec *root_rl = render_parse(&o3);

	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		cr_assert_not_null(spec_namespace(rl, all[i]), "rootless: no %s namespace",
				   spec_ns_type_name(all[i]));
		cr_assert_null(spec_namespace(rl, all[i])->path);
		cr_assert_not_null(spec_namespace(root, all[i]), "root: no %s namespace",
				   spec_ns_type_name(all[i]));
	}
	/* Rootless: the one id there is, 65534, is the caller. */
	cr_assert_eq(rl->linux_->n_uid_mappings, 1);
	cr_assert_eq(rl->linux_->uid_mappings[0].container_id, 65534);
	cr_assert_eq(rl->linux_->uid_mappings[0].host_id, 1234);
	cr_assert_eq(rl->linux_->uid_mappings[0].size, 1);
	cr_assert_eq(rl->linux_->gid_mappings[0].host_id, 5678);
	/* As root: the host's nobody; never host uid 0, --rootless or not. */
	cr_assert_eq(root->linux_->uid_mappings[0].host_id, 65534);
	cr_assert_eq(root_rl->linux_->uid_mappings[0].host_id, 65534);
	cr_assert_eq(root_rl->linux_->gid_mappings[0].host_id, 65534);
}

Test(spec_hardened, resources)
{
	struct spec_template_opts rl = { .rootless = true, .host_uid = 1, .host_gid = 1 };
	_cleanup_spec_ struct husk_spec *a = render_parse(&rl);
	struct spec_template_opts root = { .memory_limit = 512 << 20, .cpu_quota = 150000,
					   .pids_limit = 77 };
	_cleanup_spec_ struct husk_spec *b = render_parse(&root);
	const struct husk_resources *r = a->linux_->resources;

	cr_assert(r->pids_limit.set);
	cr_assert_eq(r->pids_limit.value, 1000);
	cr_assert_null(r->memory, "no memory limit unless asked");
	cr_assert_null(r->cpu);
	cr_assert_eq(r->n_devices, 0, "rootless has no device controller");

	r = b->linux_->resources;
	cr_assert_eq(r->pids_limit.value, 77);
	cr_assert_eq(r->memory->limit.value, 512 << 20);
	cr_assert_eq(r->memory->swap.value, 512 << 20, "no swap beyond the limit");
	cr_assert_eq(r->cpu->quota.value, 150000);
	cr_assert_eq(r->cpu->period.value, 100000);
	cr_assert_eq(r->n_devices, 1);
	cr_assert_not(r->devices[0].allow);
	cr_assert_str_eq(r->devices[0].access, "rwm");
}

Test(spec_hardened, cap_add_reaches_a_non_root_process)
{
	static char *const caps[] = { "CAP_NET_BIND_SERVICE", "CAP_CHOWN", NULL };
	struct spec_template_opts o = { .rootless = true, .host_uid = 1, .host_gid = 1,
					.cap_add = caps };
	_cleanup_spec_ struct husk_spec *s = render_parse(&o);
	const struct husk_capabilities *c = s->process->capabilities;
	char **sets[] = { c->bounding, c->effective, c->permitted, c->inheritable, c->ambient };

	/* Ambient (and so inheritable) too: a uid 65534 process keeps only ambient ones on exec. */
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		cr_assert_eq(strv_length(sets[i]), 2, "set %zu", i);
		cr_assert_str_eq(sets[i][0], "CAP_NET_BIND_SERVICE");
		cr_assert_str_eq(sets[i][1], "CAP_CHOWN");
	}
}

/* Structural equality of two yajl trees (object members in order). */
static bool json_equal(yajl_val a, yajl_val b)
{
	if (!a || !b || a->type != b->type)
		return false;
	switch (a->type) {
	case yajl_t_string:
		return strcmp(a->u.string, b->u.string) == 0;
	case yajl_t_number:
		return strcmp(a->u.number.r, b->u.number.r) == 0;
	case yajl_t_object:
		if (a->u.object.len != b->u.object.len)
			return false;
		for (size_t i = 0; i < a->u.object.len; i++)
			if (strcmp(a->u.object.keys[i], b->u.object.keys[i]) != 0 ||
			    !json_equal(a->u.object.values[i], b->u.object.values[i]))
				return false;
		return true;
	case yajl_t_array:
		if (a->u.array.len != b->u.array.len)
			return false;
		for (size_t i = 0; i < a->u.array.len; i++)
			if (!json_equal(a->u.array.values[i], b->u.array.values[i]))
				return false;
		return true;
	default:
		return true;        /* true, false, null: the type says it all */
	}
}

Test(spec_hardened, seccomp_is_the_shipped_profile)
{
	struct spec_template_opts o = { .rootless = true, .host_uid = 1, .host_gid = 1 };
	_cleanup_free_ char *text = render(&o);
	_cleanup_free_ char *profile = NULL;
	const char *path[] = { "linux", "seccomp", NULL };
	const char *embedded;
	char ebuf[256];
	size_t len;
	yajl_val cfg, want;

	embedded = security_default_profile(&len);
	profile = xstrndup(embedded, len);
	cfg = yajl_tree_parse(text, ebuf, sizeof(ebuf));
	cr_assert_not_null(cfg, "%s", ebuf);
	want = yajl_tree_parse(profile, ebuf, sizeof(ebuf));
	cr_assert_not_null(want, "%s", ebuf);
	cr_assert(json_equal(yajl_tree_get(cfg, path, yajl_t_object), want),
		  ".linux.seccomp differs from seccomp-profiles/default.json");
	yajl_tree_free(cfg);
	yajl_tree_free(want);
}

Test(spec_hardened, seccomp_profile_required_and_checked)
{
	struct spec_template_opts o = { .hardened = true };
	struct husk_error err = { 0 };
	char *text = NULL;
	size_t len;

	cr_assert_eq(spec_template_render(&o, &text, &len, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "the hardened template needs a seccomp profile to embed");
	o.seccomp_profile = "[1,2]";
	o.seccomp_profile_len = 5;
	cr_assert_eq(spec_template_render(&o, &text, &len, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "the default seccomp profile is not a JSON object");
	o.seccomp_profile = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"x\":1.5}";
	o.seccomp_profile_len = strlen(o.seccomp_profile);
	cr_assert_lt(spec_template_render(&o, &text, &len, &err), 0);
	cr_assert(strstr(err.msg, "1.5"), "%s", err.msg);
	/* A profile the parser refuses makes the template fail its own check. */
	o.seccomp_profile = "{\"defaultAction\":\"SCMP_ACT_MAYBE\"}";
	o.seccomp_profile_len = strlen(o.seccomp_profile);
	cr_assert_lt(spec_template_render(&o, &text, &len, &err), 0);
	cr_assert(str_has_prefix(err.msg, "internal error: the hardened template does not "
				 "validate: config.json: .linux.seccomp.defaultAction"),
		  "%s", err.msg);
	cr_assert_null(text);
}

Test(spec_hardened, written_like_the_default)
{
	char dir[] = "/tmp/husk-hardened-test-XXXXXX";
	struct spec_template_opts o = { .hardened = true, .rootless = true, .host_uid = 1,
					.host_gid = 1 };
	struct husk_error err = { 0 };
	_cleanup_close_ int fd = -1;
	struct stat st;
	mode_t old;

	cr_assert_not_null(mkdtemp(dir));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	o.seccomp_profile = security_default_profile(&o.seccomp_profile_len);
	old = umask(022);
	cr_assert_eq(spec_template_write(fd, &o, &err), 0, "%s", err.msg);
	umask(old);
	cr_assert_eq(fstatat(fd, "config.json", &st, 0), 0);
	cr_assert_eq(st.st_mode & 07777, 0644);
	cr_assert_eq(spec_template_write(fd, &o, &err), -EEXIST);
	unlinkat(fd, "config.json", 0);
	rmdir(dir);
}

/* ---- option values ------------------------------------------------------------ */

Test(spec_hardened, memory_values)
{
	static const struct {
		const char *in;
		int64_t want;
	} ok[] = {
		{ "536870912", 536870912 }, { "512M", 512LL << 20 }, { "512m", 512LL << 20 },
		{ "512MiB", 512LL << 20 }, { "512mb", 512LL << 20 }, { "2G", 2LL << 30 },
		{ "1t", 1LL << 40 }, { "1048576", 1 << 20 }, { "1024k", 1 << 20 },
		{ "1048576b", 1 << 20 },
	};
	static const char *const bad[] = { "", "M", "12X", "1.5G", "-1G", "512 M", "1MM", "1bb",
					   "1023k", "99999999999999999999", "9000000T" };
	struct husk_error err = { 0 };
	int64_t v;

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		cr_assert_eq(spec_parse_memory(ok[i].in, &v, &err), 0, "%s: %s", ok[i].in, err.msg);
		cr_assert_eq(v, ok[i].want, "%s", ok[i].in);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		cr_assert_lt(spec_parse_memory(bad[i], &v, &err), 0, "\"%s\" accepted", bad[i]);
	spec_parse_memory("12X", &v, &err);
	cr_assert_str_eq(err.msg, "\"12X\" is not a size: use bytes or a number with a unit, "
			 "like 536870912, 512M or 2G");
}

Test(spec_hardened, cpus_values)
{
	static const struct {
		const char *in;
		int64_t want;
	} ok[] = {
		{ "1", 100000 }, { "1.5", 150000 }, { "0.25", 25000 }, { ".5", 50000 },
		{ "0.01", 1000 }, { "2.00001", 200001 }, { "64", 6400000 },
	};
	static const char *const bad[] = { "", ".", "1.", "-1", "1e3", "0.001", "0", "1.123456",
					   "abc", "10000" };
	struct husk_error err = { 0 };
	int64_t v;

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		cr_assert_eq(spec_parse_cpus(ok[i].in, &v, &err), 0, "%s: %s", ok[i].in, err.msg);
		cr_assert_eq(v, ok[i].want, "%s", ok[i].in);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		cr_assert_lt(spec_parse_cpus(bad[i], &v, &err), 0, "\"%s\" accepted", bad[i]);
}

Test(spec_hardened, capability_names)
{
	cr_assert_str_eq(spec_capability_lookup("NET_BIND_SERVICE"), "CAP_NET_BIND_SERVICE");
	cr_assert_str_eq(spec_capability_lookup("net_bind_service"), "CAP_NET_BIND_SERVICE");
	cr_assert_str_eq(spec_capability_lookup("CAP_SYS_ADMIN"), "CAP_SYS_ADMIN");
	cr_assert_str_eq(spec_capability_lookup("cap_checkpoint_restore"),
			 "CAP_CHECKPOINT_RESTORE");
	cr_assert_null(spec_capability_lookup("CAP_"));
	cr_assert_null(spec_capability_lookup(""));
	cr_assert_null(spec_capability_lookup("CAP_FROB"));
	cr_assert_null(spec_capability_lookup("ALL"));
	cr_assert_eq(strv_length((char *const *)spec_capability_names), 41);
	cr_assert_str_eq(spec_capability_names[21], "CAP_SYS_ADMIN", "index is the number");
}
