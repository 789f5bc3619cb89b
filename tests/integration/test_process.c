// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The container process's own attributes, as the workload sees them:
 * process.rlimits, linux.sysctl, process.oomScoreAdj, process.user (uid,
 * gid, additionalGids, umask) and linux.devices, including a device path
 * that an image turned into a symlink to a host file.
 *
 * Each config is the harness's template with a few keys added or replaced
 * textually, so that the rest of the container stays the one every other
 * test runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "integration/harness.h"

/* ---- config editing ------------------------------------------------------ */

/* text with `insert` put right after the first `anchor` (which must exist). */
static char *insert_after(const char *text, const char *anchor, const char *insert)
{
	const char *at = strstr(text, anchor);
	char *out;

	cr_assert(at, "no \"%s\" in the config template:\n%s", anchor, text);
	at += strlen(anchor);
	cr_assert(asprintf(&out, "%.*s%s%s", (int)(at - text), text, insert, at) > 0);
	return out;
}

/* Add `"key": value,` as the first member of the top-level "process" or "linux" object. */
static char *add_member(const char *text, const char *object, const char *key, const char *value)
{
	char *anchor, *member, *out;

	cr_assert(asprintf(&anchor, "\"%s\": {", object) > 0);
	cr_assert(asprintf(&member, "\n    \"%s\": %s,", key, value) > 0);
	out = insert_after(text, anchor, member);
	free(anchor);
	free(member);
	return out;
}

/* Replace *text by f(*text, ...) and free the old text. */
static void edit(char **text, char *edited)
{
	free(*text);
	*text = edited;
}

static void write_config(struct hctx *c, const char *text)
{
	char *path = hpath(c, "bundle/config.json");

	if (access(c->rootfs, F_OK) != 0)
		bundle_make_rootfs(c);
	write_text(path, text);
	chown_to_user(c, path);
	free(path);
}

/* `husk run` the config text in a fresh container; the result in r. */
static void run_config(struct hctx *c, struct hres *r, const char *text)
{
	write_config(c, text);
	HUSK(c, r, "run", "--bundle", c->bundle, hctx_new_id(c));
}

/* The template for args, as text to edit. */
static char *config_for(const struct hctx *c, const char *const *args)
{
	return bundle_config_text(c, &(struct bundle_cfg){ .args = args });
}

/* ---- process.rlimits ----------------------------------------------------- */

/* Soft and hard limits are set separately and exactly (the host has 20000/20000 or so). */
HTEST(process, rlimits_soft_and_hard)
{
	struct hres r = { 0 };
	char *text = config_for(c, ARGS("/bin/sh", "-c", "ulimit -n; ulimit -Hn"));

	edit(&text, json_text_replace(text, "rlimits", "[{\"type\": \"RLIMIT_NOFILE\","
				      " \"soft\": 512, \"hard\": 1024}]"));
	run_config(c, &r, text);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "512\n1024\n", "ulimit -n / -Hn inside:\n%s", r.out);
	free(text);
	hres_free(&r);
}

/* Does this process hold capability `cap` in its effective set? */
static bool have_cap(int cap)
{
	char *status = read_text("/proc/self/status");
	const char *line = status ? strstr(status, "\nCapEff:") : NULL;
	unsigned long long eff = 0;

	cr_assert(line, "no CapEff in /proc/self/status");
	cr_assert(sscanf(line, "\nCapEff: %llx", &eff) == 1);
	free(status);
	return eff & (1ULL << cap);
}

/*
 * A hard limit above the one husk inherits: root may raise it; a rootless
 * husk cannot (raising a hard limit needs CAP_SYS_RESOURCE in the initial
 * user namespace) and must say which rlimit, and leave nothing behind.
 * Root without CAP_SYS_RESOURCE (some sandboxes drop it from the bounding
 * set) is in the rootless case.  The test lowers its own hard limit first
 * so that "above" is known.
 */
HTEST(process, rlimit_above_hard_limit)
{
	struct rlimit low = { .rlim_cur = 1024, .rlim_max = 4096 };
	struct hres r = { 0 };
	char *text = config_for(c, ARGS("/bin/sh", "-c", "ulimit -n; ulimit -Hn"));
	bool may_raise = c->mode == MODE_ROOT && have_cap(CAP_SYS_RESOURCE);

	cr_assert(setrlimit(RLIMIT_NOFILE, &low) == 0, "setrlimit: %s", strerror(errno));
	edit(&text, json_text_replace(text, "rlimits", "[{\"type\": \"RLIMIT_NOFILE\","
				      " \"soft\": 8192, \"hard\": 8192}]"));
	run_config(c, &r, text);
	if (may_raise) {
		assert_husk_ok(&r);
		cr_assert_str_eq(r.out, "8192\n8192\n", "ulimit -n / -Hn inside:\n%s", r.out);
	} else {
		assert_husk_fails(&r);
		assert_contains(r.err, ".process.rlimits[0]");
		assert_contains(r.err, "RLIMIT_NOFILE");
		assert_nothing_left(c);
	}
	free(text);
	hres_free(&r);
}

/* ---- linux.sysctl -------------------------------------------------------- */

/* An ipc-namespace key (the host keeps its own value, 8192 by default). */
HTEST(sysctl, ipc_namespace_key)
{
	struct hres r = { 0 };
	char *text = config_for(c, ARGS("/bin/cat", "/proc/sys/kernel/msgmax"));
	char *host_before = read_text("/proc/sys/kernel/msgmax");

	cr_assert(host_before);
	cr_assert_str_neq(host_before, "12345\n", "the host already has kernel.msgmax 12345");
	edit(&text, add_member(text, "linux", "sysctl", "{\"kernel.msgmax\": \"12345\"}"));
	run_config(c, &r, text);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "12345\n");
	char *host_after = read_text("/proc/sys/kernel/msgmax");
	cr_assert_str_eq(host_after, host_before, "the host's kernel.msgmax changed");
	free(host_before);
	free(host_after);
	free(text);
	hres_free(&r);
}

/* The namespaces of the template, plus a network namespace when rootless. */
static const char *namespaces_with_network(const struct hctx *c)
{
	if (c->mode == MODE_ROOT)
		return "[{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},"
		       " {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}]";
	/* A user namespace owns a network namespace of its own: works rootless. */
	return "[{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},"
	       " {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"},"
	       " {\"type\": \"user\"}]";
}

/*
 * Network-namespace keys.  A new network namespace copies net.ipv4's "all"
 * settings (so ip_forward) from the host's, which may already be 1: the
 * second key, whose default is 1024 in every namespace, makes the test
 * fail when sysctl is not applied whatever the host has.
 */
HTEST(sysctl, network_namespace_keys)
{
	struct hres r = { 0 };
	char *text = config_for(c, ARGS("/bin/cat", "/proc/sys/net/ipv4/ip_forward",
					"/proc/sys/net/ipv4/ip_unprivileged_port_start"));
	char *host_before = read_text("/proc/sys/net/ipv4/ip_unprivileged_port_start");

	edit(&text, json_text_replace(text, "namespaces", namespaces_with_network(c)));
	edit(&text, add_member(text, "linux", "sysctl",
			       "{\"net.ipv4.ip_forward\": \"1\","
			       " \"net.ipv4.ip_unprivileged_port_start\": \"4242\"}"));
	run_config(c, &r, text);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "1\n4242\n", "inside:\n%s", r.out);
	char *host_after = read_text("/proc/sys/net/ipv4/ip_unprivileged_port_start");
	cr_assert_str_eq(host_after, host_before, "the host's port start changed");
	free(host_before);
	free(host_after);
	free(text);
	hres_free(&r);
}

/*
 * A net.* key without a network namespace of the container's own would
 * change the host's network stack (as root it could): refused, and the
 * host's value stays.  (The rootless template has no network namespace;
 * the root one's is removed here.)
 */
HTEST(sysctl, network_key_needs_own_network_namespace)
{
	struct hres r = { 0 };
	char *text = config_for(c, ARGS("/bin/true"));
	char *host_before = read_text("/proc/sys/net/ipv4/ip_unprivileged_port_start");

	if (c->mode == MODE_ROOT)
		edit(&text, json_text_replace(text, "namespaces",
					      "[{\"type\": \"pid\"}, {\"type\": \"ipc\"},"
					      " {\"type\": \"uts\"}, {\"type\": \"mount\"},"
					      " {\"type\": \"cgroup\"}]"));
	edit(&text, add_member(text, "linux", "sysctl",
			       "{\"net.ipv4.ip_unprivileged_port_start\": \"4242\"}"));
	run_config(c, &r, text);
	assert_husk_fails(&r);
	assert_contains(r.err, "net.ipv4.ip_unprivileged_port_start");
	assert_contains(r.err, "network namespace");
	assert_nothing_left(c);
	char *host_after = read_text("/proc/sys/net/ipv4/ip_unprivileged_port_start");
	cr_assert_str_eq(host_after, host_before, "the host's port start changed");
	free(host_before);
	free(host_after);
	free(text);
	hres_free(&r);
}

/* The template's namespaces, with `type` joined by `path` instead of new. */
static char *namespaces_joining(const struct hctx *c, const char *type, const char *path)
{
	static const char *const types[] = { "pid", "network", "ipc", "uts", "mount", "cgroup" };
	char *out = strdup("[");

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char *next;
		bool join = strcmp(types[i], type) == 0;

		/* The rootless template has no network namespace unless joined. */
		if (c->mode == MODE_ROOTLESS && strcmp(types[i], "network") == 0 && !join)
			continue;
		cr_assert(asprintf(&next, "%s%s{\"type\": \"%s\"%s%s%s}", out,
				   strcmp(out, "[") ? ", " : "", types[i],
				   join ? ", \"path\": \"" : "", join ? path : "",
				   join ? "\"" : "") > 0);
		free(out);
		out = next;
	}
	char *done;
	cr_assert(asprintf(&done, "%s%s]", out,
			   c->mode == MODE_ROOTLESS ? ", {\"type\": \"user\"}" : "") > 0);
	free(out);
	return done;
}

/*
 * Joining the caller's own (the host's) namespace by path and asking for a
 * sysctl of it would change the host's kernel setting, which is what the
 * "namespace of its own" rule is there to prevent (runc refuses it too:
 * "sysctl not allowed in host network namespace").  A namespace joined by
 * path is fine in general (a pod's); the host's is not.  Rootless husk
 * cannot enter the host's namespaces at all: it must fail as well.  If
 * husk does write the host's value, the test puts it back at once.
 */
static void check_host_ns_sysctl_refused(struct hctx *c, const char *type, const char *ns_file,
					 const char *key, const char *value)
{
	struct hres r = { 0 };
	char proc_key[128], joined[64], sysctl[160];
	char *text = config_for(c, ARGS("/bin/true"));

	snprintf(proc_key, sizeof(proc_key), "/proc/sys/%s", key);
	for (char *p = proc_key + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
	snprintf(joined, sizeof(joined), "/proc/self/ns/%s", ns_file);
	snprintf(sysctl, sizeof(sysctl), "{\"%s\": \"%s\"}", key, value);
	char *host_before = read_text(proc_key);
	cr_assert(host_before, "%s is unreadable", proc_key);
	cr_assert(atoi(host_before) != atoi(value), "the host already has %s = %s", key, value);

	char *ns = namespaces_joining(c, type, joined);
	edit(&text, json_text_replace(text, "namespaces", ns));
	edit(&text, add_member(text, "linux", "sysctl", sysctl));
	run_config(c, &r, text);

	char *host_after = read_text(proc_key);
	bool changed = strcmp(host_after, host_before) != 0;
	if (changed && geteuid() == 0)
		write_text(proc_key, host_before);      /* undo the damage first */
	cr_assert(!changed, "husk changed the host's %s from %.*s to %.*s (joined %s)", key,
		  (int)strcspn(host_before, "\n"), host_before, (int)strcspn(host_after, "\n"),
		  host_after, joined);
	assert_husk_fails(&r);
	/* Rootless, entering the host's namespace is what fails. */
	assert_contains(r.err, c->mode == MODE_ROOT ? key : ".linux.namespaces");
	assert_nothing_left(c);
	free(ns);
	free(host_before);
	free(host_after);
	free(text);
	hres_free(&r);
}

/*
 * The keys are ones no other test reads, and differ between the two halves:
 * while the bug this guards against is there, the root half changes the
 * host's value for a moment, and the rootless half, running in parallel,
 * must not see that as its own doing.
 */
HTEST(sysctl, net_key_in_joined_host_network_namespace_is_refused)
{
	if (c->mode == MODE_ROOT)
		check_host_ns_sysctl_refused(c, "network", "net", "net.ipv4.tcp_keepalive_probes",
					     "7");
	else
		check_host_ns_sysctl_refused(c, "network", "net", "net.ipv4.tcp_keepalive_intvl",
					     "71");
}

HTEST(sysctl, ipc_key_in_joined_host_ipc_namespace_is_refused)
{
	if (c->mode == MODE_ROOT)
		check_host_ns_sysctl_refused(c, "ipc", "ipc", "kernel.msgmnb", "23456");
	else
		check_host_ns_sysctl_refused(c, "ipc", "ipc", "kernel.msgmni", "3456");
}

/* kernel.panic belongs to no namespace: writing it would change the host. */
HTEST(sysctl, host_wide_key_is_refused)
{
	struct hres r = { 0 };
	char *text = config_for(c, ARGS("/bin/true"));
	char *host_before = read_text("/proc/sys/kernel/panic");

	edit(&text, add_member(text, "linux", "sysctl", "{\"kernel.panic\": \"77\"}"));
	run_config(c, &r, text);
	assert_husk_fails(&r);
	assert_contains(r.err, "kernel.panic");
	assert_contains(r.err, "not namespaced");
	assert_nothing_left(c);
	char *host_after = read_text("/proc/sys/kernel/panic");
	cr_assert_str_eq(host_after, host_before, "the host's kernel.panic changed");
	free(host_before);
	free(host_after);
	free(text);
	hres_free(&r);
}

/* ---- process.oomScoreAdj ------------------------------------------------- */

/* Raising the score needs no privilege: both modes (the test runs at 0). */
HTEST(process, oom_score_adj)
{
	struct hres r = { 0 };
	char *text = config_for(c, ARGS("/bin/cat", "/proc/self/oom_score_adj"));
	char *mine = read_text("/proc/self/oom_score_adj");

	cr_assert_str_neq(mine, "500\n", "the test itself already runs at 500");
	edit(&text, add_member(text, "process", "oomScoreAdj", "500"));
	run_config(c, &r, text);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "500\n");
	free(mine);
	free(text);
	hres_free(&r);
}

/*
 * Lowering the score below the caller's needs CAP_SYS_RESOURCE on the host:
 * root with it gets -500; without it (rootless, or a root whose bounding
 * set lacks it) the error names the field, and nothing is left behind.
 */
HTEST(process, oom_score_adj_lowering)
{
	struct hres r = { 0 };
	char *text = config_for(c, ARGS("/bin/cat", "/proc/self/oom_score_adj"));
	bool may_lower = c->mode == MODE_ROOT && have_cap(CAP_SYS_RESOURCE);

	edit(&text, add_member(text, "process", "oomScoreAdj", "-500"));
	run_config(c, &r, text);
	if (may_lower) {
		assert_husk_ok(&r);
		cr_assert_str_eq(r.out, "-500\n");
	} else {
		assert_husk_fails(&r);
		assert_contains(r.err, ".process.oomScoreAdj");
		assert_nothing_left(c);
	}
	free(text);
	hres_free(&r);
}

/* ---- process.user -------------------------------------------------------- */

#define USER_1000 \
	"{\"uid\": 1000, \"gid\": 1000, \"additionalGids\": [10, 20], \"umask\": 63}"

/*
 * uid, gid, supplementary groups and umask.  As root there is no user
 * namespace; rootless, uid/gid 1000 and the groups exist only with ranges
 * from /etc/subuid and /etc/subgid, mapped through newuidmap/newgidmap.
 */
HTEST(process, user_ids_groups_umask)
{
	struct hres r = { 0 };
	char umap[256] = "", gmap[256] = "", want[512];
	unsigned us = 0, uc = 0, gs = 0, gc = 0;

	if (c->mode == MODE_ROOTLESS) {
		subid_range(c, "/etc/subuid", &us, &uc);
		subid_range(c, "/etc/subgid", &gs, &gc);
		snprintf(umap, sizeof(umap), "[{\"containerID\": 0, \"hostID\": %u, \"size\": 1},"
			 " {\"containerID\": 1, \"hostID\": %u, \"size\": %u}]", c->uid, us, uc);
		snprintf(gmap, sizeof(gmap), "[{\"containerID\": 0, \"hostID\": %u, \"size\": 1},"
			 " {\"containerID\": 1, \"hostID\": %u, \"size\": %u}]", c->gid, gs, gc);
	}
	char *text = bundle_config_text(c, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c",
			     "id -u; id -g; id -G; umask; "
			     "cat /proc/self/uid_map /proc/self/gid_map"),
		.uid_mappings = umap[0] ? umap : NULL, .gid_mappings = gmap[0] ? gmap : NULL });
	edit(&text, json_text_replace(text, "user", USER_1000));
	run_config(c, &r, text);
	assert_husk_ok(&r);

	char *got = squeeze(r.out);
	if (c->mode == MODE_ROOT)
		snprintf(want, sizeof(want),
			 "1000 1000 1000 10 20 0077 0 0 4294967295 0 0 4294967295");
	else
		snprintf(want, sizeof(want),
			 "1000 1000 1000 10 20 0077 0 %u 1 1 %u %u 0 %u 1 1 %u %u",
			 c->uid, us, uc, c->gid, gs, gc);
	cr_assert_str_eq(got, want, "id -u; id -g; id -G; umask; uid_map; gid_map inside:\n%s",
			 r.out);
	free(got);
	free(text);
	hres_free(&r);
}

/*
 * With only the caller mapped, setgroups is denied in the user namespace:
 * additionalGids cannot be honoured, and dropping them silently would run
 * the workload with other groups than asked.  A clear error instead.
 */
HTEST_ROOTLESS(process, additional_gids_need_subgid_ranges)
{
	struct hres r = { 0 };
	char *text = config_for(c, ARGS("/bin/true"));

	edit(&text, json_text_replace(text, "user",
				      "{\"uid\": 0, \"gid\": 0, \"additionalGids\": [10, 20]}"));
	run_config(c, &r, text);
	assert_husk_fails(&r);
	assert_contains(r.err, "additionalGids");
	assert_contains(r.err, "/etc/subgid");
	assert_nothing_left(c);
	free(text);
	hres_free(&r);
}

/* ---- linux.devices ------------------------------------------------------- */

struct hostdev {
	const char *path;
	unsigned major, minor;
};

/*
 * A character device this host has (rootless, husk bind-mounts the host's
 * node, so it must exist).  NULL when none of the candidates does.
 */
static const struct hostdev *pick_host_device(void)
{
	static const struct hostdev candidates[] = {
		{ "/dev/fuse", 10, 229 }, { "/dev/net/tun", 10, 200 }, { "/dev/kvm", 10, 232 },
	};
	struct stat st;

	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (stat(candidates[i].path, &st) == 0 && S_ISCHR(st.st_mode) &&
		    st.st_rdev == makedev(candidates[i].major, candidates[i].minor))
			return &candidates[i];
	return NULL;
}

static char *device_json(const struct hostdev *d)
{
	char *json;

	cr_assert(asprintf(&json, "[{\"path\": \"%s\", \"type\": \"c\", \"major\": %u,"
			   " \"minor\": %u, \"fileMode\": 438, \"uid\": 0, \"gid\": 0}]",
			   d->path, d->major, d->minor) > 0);
	return json;
}

/* "crw-------" for a host node's st_mode. */
static void mode_string(mode_t m, char out[11])
{
	const char *rwx = "rwxrwxrwx";

	out[0] = S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' : S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : '-';
	for (int i = 0; i < 9; i++)
		out[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
	out[10] = '\0';
}

/*
 * The first six fields of `ls -l` for the device, as "TYPEMODE OWNER GROUP
 * MAJOR, MINOR".  As root husk makes the node itself: fileMode 0666 and
 * root:root.  Rootless it is the host's node bind-mounted, with the host's
 * mode (untouched) and owners that are unmapped inside (nobody/nogroup).
 */
HTEST(devices, char_device)
{
	const struct hostdev *d = pick_host_device();
	struct hres r = { 0 };
	struct stat before, after;
	char want[128], mode[11];

	if (!d)
		hctx_skip("none of /dev/fuse, /dev/net/tun, /dev/kvm exists on this host");
	cr_assert(stat(d->path, &before) == 0);
	char *text = config_for(c, ARGS("/bin/ls", "-ln", d->path));
	char *json = device_json(d);
	edit(&text, add_member(text, "linux", "devices", json));
	run_config(c, &r, text);
	assert_husk_ok(&r);

	if (c->mode == MODE_ROOT) {
		snprintf(want, sizeof(want), "crw-rw-rw- 1 0 0 %u, %u", d->major, d->minor);
	} else {
		mode_string(before.st_mode, mode);
		snprintf(want, sizeof(want), "%s 1 65534 65534 %u, %u", mode, d->major, d->minor);
	}
	char *got = squeeze(r.out);
	cr_assert(strncmp(got, want, strlen(want)) == 0, "ls -ln %s inside: want \"%s ...\","
		  " got \"%s\"", d->path, want, got);
	cr_assert(stat(d->path, &after) == 0);
	cr_assert_eq(after.st_mode, before.st_mode, "the host's %s changed mode", d->path);
	cr_assert_eq(after.st_uid, before.st_uid, "the host's %s changed owner", d->path);
	free(got);
	free(json);
	free(text);
	hres_free(&r);
}

/* The config text without the /dev tmpfs, so the image's own /dev is used. */
static char *without_dev_tmpfs(const char *text)
{
	const char *s = strstr(text, "{\"destination\": \"/dev\", \"type\": \"tmpfs\"");
	const char *e;
	char *out;

	cr_assert(s, "no /dev tmpfs in the template:\n%s", text);
	e = strchr(s, '}');
	cr_assert(e);
	e++;
	/* The /dev mount is never the last one: drop its trailing comma too. */
	while (*e == ',' || *e == ' ' || *e == '\n')
		e++;
	cr_assert(asprintf(&out, "%.*s%s", (int)(s - text), text, e) > 0);
	return out;
}

/* As the context's user: ln -s target at path. */
static void symlink_as_user(struct hctx *c, const char *target, const char *path)
{
	struct hres r = { 0 };

	run_as_user(c, &r, ARGS("/bin/ln", "-s", target, path));
	cr_assert_eq(r.code, 0, "ln -s %s %s: %s", target, path, r.err);
	hres_free(&r);
}

/*
 * The image's /dev/<name> is a symlink to "/etc/passwd".  Making the device
 * there must replace the link inside the rootfs, never follow it: the
 * host's /etc/passwd (and the image's) stay regular files, unchanged.
 */
HTEST(devices, symlink_in_the_way_is_not_followed)
{
	const struct hostdev *d = pick_host_device();
	struct hres r = { 0 };
	struct stat host_before, host_after, img_after, dev_st;
	char want[128], mode[11];

	if (!d)
		hctx_skip("none of /dev/fuse, /dev/net/tun, /dev/kvm exists on this host");
	bundle_make_rootfs(c);
	char *in_rootfs = NULL;
	cr_assert(asprintf(&in_rootfs, "%s%s", c->rootfs, d->path) > 0);
	char *parent = strdup(in_rootfs);
	*strrchr(parent, '/') = '\0';
	if (access(parent, F_OK) != 0) {
		struct hres m = { 0 };
		run_as_user(c, &m, ARGS("/bin/mkdir", "-p", parent));
		cr_assert_eq(m.code, 0, "mkdir -p %s: %s", parent, m.err);
		hres_free(&m);
	}
	symlink_as_user(c, "/etc/passwd", in_rootfs);
	char *img_passwd = hpath(c, "bundle/rootfs/etc/passwd");
	char *img_text = read_text(img_passwd);
	char *host_text = read_text("/etc/passwd");
	cr_assert(stat("/etc/passwd", &host_before) == 0);
	cr_assert(stat(d->path, &dev_st) == 0);

	char *script;
	cr_assert(asprintf(&script, "ls -ln %s; ls -ln /etc/passwd", d->path) > 0);
	char *text = config_for(c, ARGS("/bin/sh", "-c", script));
	char *json = device_json(d);
	edit(&text, without_dev_tmpfs(text));
	edit(&text, add_member(text, "linux", "devices", json));
	run_config(c, &r, text);
	assert_husk_ok(&r);

	/* Inside: the device at its path, /etc/passwd still a regular file. */
	if (c->mode == MODE_ROOT)
		snprintf(want, sizeof(want), "crw-rw-rw- 1 0 0 %u, %u", d->major, d->minor);
	else {
		mode_string(dev_st.st_mode, mode);
		snprintf(want, sizeof(want), "%s 1 65534 65534 %u, %u", mode, d->major, d->minor);
	}
	char *got = squeeze(r.out);
	cr_assert(strncmp(got, want, strlen(want)) == 0, "inside: want \"%s ...\", got:\n%s",
		  want, r.out);
	char *second = strchr(r.out, '\n');
	cr_assert(second && second[1] == '-', "/etc/passwd inside is no regular file:\n%s", r.out);

	/* Outside: the host's file and the image's are what they were. */
	cr_assert(stat("/etc/passwd", &host_after) == 0);
	cr_assert(S_ISREG(host_after.st_mode), "the host's /etc/passwd is no regular file");
	cr_assert_eq(host_after.st_ino, host_before.st_ino, "the host's /etc/passwd was replaced");
	cr_assert_eq(host_after.st_mode, host_before.st_mode);
	char *host_text_after = read_text("/etc/passwd");
	cr_assert_str_eq(host_text_after, host_text, "the host's /etc/passwd changed");
	cr_assert(lstat(img_passwd, &img_after) == 0 && S_ISREG(img_after.st_mode),
		  "the image's /etc/passwd is no regular file");
	char *img_text_after = read_text(img_passwd);
	cr_assert_str_eq(img_text_after, img_text, "the image's /etc/passwd changed");

	free(got);
	free(script);
	free(json);
	free(text);
	free(in_rootfs);
	free(parent);
	free(img_passwd);
	free(img_text);
	free(img_text_after);
	free(host_text);
	free(host_text_after);
	hres_free(&r);
}
