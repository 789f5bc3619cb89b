// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `husk spec --hardened`: the config it writes parses, runs a busybox
 * workload as uid 65534 that cannot write its root, cannot run what it
 * writes to /tmp and cannot read the masked kernel files; and its options
 * land in the file.
 *
 * Capabilities and seccomp come from src/security; cgroup limits are only
 * written, not checked here (the cgroup work applies them).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "integration/harness.h"

/* What the workload reports, one fact per line. */
static const char workload[] =
	"id -u; id -g; "
	"awk '$2==\\\"/\\\"{print \\\"root:\\\" substr($4,1,2)}' /proc/self/mounts; "
	"touch /probe 2>/dev/null && echo root-writable || echo root-readonly; "
	"echo x > /tmp/f && echo tmp-writable; "
	"cp /bin/busybox /tmp/bb && { /tmp/bb true 2>/dev/null && echo tmp-exec || "
	"echo tmp-noexec; }; "
	"[ -s /proc/kcore ] && echo kcore-readable || echo kcore-masked; "
	"awk '$2==\\\"/proc/sys\\\"{print \\\"procsys:\\\" substr($4,1,2)}' /proc/self/mounts; "
	"grep -E '^(NoNewPrivs|Cap...|Seccomp):' /proc/self/status | tr -d ' \\t'";

/*
 * `husk spec --hardened` (with --rootless in the rootless mode) into
 * c->bundle, the workload put in; returns the text as written.
 */
static char *hardened_bundle(struct hctx *c, const char *extra)
{
	struct hres r = { 0 };
	struct hcall_opts o = { .cwd = c->bundle };
	char *path = hpath(c, "bundle/config.json");

	const char *rootless = c->mode == MODE_ROOTLESS ? "--rootless" : "--rootless=false";

	if (extra)
		HUSK_OPTS(c, &r, &o, "spec", "--hardened", rootless, extra);
	else
		HUSK_OPTS(c, &r, &o, "spec", "--hardened", rootless);
	assert_husk_ok(&r);
	bundle_make_rootfs(c);
	char *text = read_text(path);
	cr_assert(text, "no config.json written");
	char *args = NULL;
	cr_assert(asprintf(&args, "[\"/bin/sh\", \"-c\", \"%s\"]", workload) > 0);
	char *edited = json_text_replace(text, "args", args);
	write_text(path, edited);
	free(args);
	free(edited);
	free(path);
	hres_free(&r);
	return text;
}

/*
 * Run the hardened bundle.  As root, a user namespace that maps no
 * container root needs the launcher to set up as a mapped id; until it
 * does, the create fails with EOVERFLOW, which is skipped, loudly.
 */
static void run_hardened(struct hctx *c, struct hres *r)
{
	HUSK(c, r, "run", "--bundle", c->bundle, c->id);
	if (c->mode == MODE_ROOT && r->code != 0 && strstr(r->err, "Value too large"))
		hctx_skip("as root, the launcher cannot yet set up a user namespace without "
			  "container uid 0 (EOVERFLOW creating files): %s", r->err);
	assert_husk_ok(r);
}

HTEST(hardened, busybox_runs_locked_down)
{
	struct hres r = { 0 };
	char *text = hardened_bundle(c, NULL);
	hjson v = json_parse_or_fail(text, "husk spec --hardened's config.json");

	cr_assert_eq(json_int(JSON_AT(v, "process", "user", "uid")), 65534);
	cr_assert_str_eq(json_str(JSON_AT(v, "annotations", "io.husk.profile")), "hardened");
	cr_assert_str_eq(json_str(JSON_AT(v, "linux", "seccomp", "defaultAction")),
			 "SCMP_ACT_ERRNO");
	json_free(v);

	run_hardened(c, &r);
	assert_contains(r.out, "65534\n65534\n");
	assert_contains(r.out, "root-readonly\n");
	assert_contains(r.out, "tmp-writable\n");
	assert_contains(r.out, "tmp-noexec\n");
	assert_contains(r.out, "kcore-masked\n");
	assert_contains(r.out, "root:ro\n");
	assert_contains(r.out, "procsys:ro\n");
	assert_contains(r.out, "NoNewPrivs:1\n");
	assert_contains(r.out, "Seccomp:2\n");
	static const char *const sets[] = { "Inh", "Prm", "Eff", "Bnd", "Amb" };
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		char want[40];

		snprintf(want, sizeof(want), "Cap%s:0000000000000000\n", sets[i]);
		assert_contains(r.out, want);
	}
	free(text);
	hres_free(&r);
}

HTEST(hardened, options_land_in_the_config)
{
	char *text = hardened_bundle(c, "--memory=256M");
	hjson v = json_parse_or_fail(text, "config.json");

	cr_assert_eq(json_int(JSON_AT(v, "linux", "resources", "memory", "limit")), 256 << 20);
	cr_assert_eq(json_int(JSON_AT(v, "linux", "resources", "pids", "limit")), 1000);
	json_free(v);
	free(text);

	/* Several at once, capabilities given twice and comma-separated. */
	struct hres r = { 0 };
	char *dir = hpath(c, "caps");
	cr_assert(mkdir(dir, 0755) == 0);
	chown_to_user(c, dir);
	HUSK(c, &r, "spec", "--hardened", "--cap-add", "net_bind_service", "--cap-add=CHOWN,KILL",
	     "--cpus", "1.5", "--pids-limit", "64", "--bundle", dir);
	assert_husk_ok(&r);
	char *path = hpath(c, "caps/config.json");
	text = read_text(path);
	v = json_parse_or_fail(text, "config.json");
	hjson amb = JSON_AT(v, "process", "capabilities", "ambient");
	cr_assert_eq(json_array_len(amb), 3);
	cr_assert(json_array_has_string(amb, "CAP_NET_BIND_SERVICE"));
	cr_assert(json_array_has_string(JSON_AT(v, "process", "capabilities", "bounding"),
					"CAP_KILL"));
	cr_assert_eq(json_int(JSON_AT(v, "linux", "resources", "cpu", "quota")), 150000);
	cr_assert_eq(json_int(JSON_AT(v, "linux", "resources", "cpu", "period")), 100000);
	cr_assert_eq(json_int(JSON_AT(v, "linux", "resources", "pids", "limit")), 64);
	json_free(v);
	free(text);
	free(path);
	free(dir);
	hres_free(&r);
}

HTEST(hardened, bad_options_are_refused)
{
	static const char *const bad[][3] = {
		{ "--cap-add", "CAP_FROB", "--cap-add \"CAP_FROB\": not a capability name" },
		{ "--memory", "12X", "--memory: \"12X\" is not a size" },
		{ "--cpus", "-1", "--cpus: \"-1\" is not a number of CPUs" },
		{ "--pids-limit", "0", "--pids-limit \"0\": expected a number of processes" },
	};
	struct hres r = { 0 };
	char *path = hpath(c, "bundle/config.json");

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		HUSK(c, &r, "spec", "--hardened", bad[i][0], bad[i][1], "--bundle", c->bundle);
		assert_husk_fails(&r);
		assert_contains(r.err, bad[i][2]);
		cr_assert(access(path, F_OK) != 0, "a refused spec wrote config.json");
	}
	/* The hardened options need --hardened. */
	HUSK(c, &r, "spec", "--memory", "1G", "--bundle", c->bundle);
	assert_husk_fails(&r);
	assert_contains(r.err, "--memory only applies to --hardened");
	free(path);
	hres_free(&r);
}

/*
 * --cap-add NET_BIND_SERVICE reaches the uid 65534 workload: it binds port
 * 80 (in its own network namespace) only with the capability, which it
 * holds because the template puts it in the ambient set.
 */
HTEST(hardened, cap_add_lets_nobody_bind_port_80)
{
	static const char listen80[] =
		"[\"/bin/sh\", \"-c\", \"nc -l -p 80 -e true 2>/dev/null & sleep 0.5; "
		"cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -q ':0050 [0-9A-F]*:0000 0A' "
		"&& echo bound || echo refused; grep CapAmb /proc/self/status; kill $! 2>/dev/null; "
		"true\"]";
	const char *rootless = c->mode == MODE_ROOTLESS ? "--rootless" : "--rootless=false";
	struct hcall_opts o = { .cwd = c->bundle };
	char *path = hpath(c, "bundle/config.json");
	struct hres r = { 0 };

	for (int with_cap = 1; with_cap >= 0; with_cap--) {
		unlink(path);
		if (with_cap)
			HUSK_OPTS(c, &r, &o, "spec", "--hardened", rootless, "--cap-add",
				  "NET_BIND_SERVICE");
		else
			HUSK_OPTS(c, &r, &o, "spec", "--hardened", rootless);
		assert_husk_ok(&r);
		bundle_make_rootfs(c);
		char *text = read_text(path);
		char *edited = json_text_replace(text, "args", listen80);
		write_text(path, edited);
		free(edited);
		free(text);
		run_hardened(c, &r);
		if (with_cap) {
			assert_contains(r.out, "bound\n");
			assert_contains(r.out, "CapAmb:\t0000000000000400\n");
		} else {
			assert_contains(r.out, "refused\n");
		}
	}
	free(path);
	hres_free(&r);
}

/* A directory made for the seccomp cache: 0700, the caller's, and not empty. */
static void assert_cache_dir(const struct hctx *c, const char *dir)
{
	struct stat st;
	char *cmd = NULL;

	cr_assert(stat(dir, &st) == 0 && S_ISDIR(st.st_mode), "%s: no cache directory", dir);
	cr_assert_eq(st.st_uid, c->uid, "%s is owned by %u, not %u", dir, (unsigned)st.st_uid,
		     (unsigned)c->uid);
	cr_assert_eq(st.st_mode & 0777, 0700, "%s has mode %o", dir, st.st_mode & 0777);
	cr_assert(asprintf(&cmd, "ls %s | grep -q '[.]bpf$'", dir) > 0);
	cr_assert_eq(system(cmd), 0, "no compiled program (*.bpf) in %s", dir);
	free(cmd);
}

/*
 * Compiled filters are cached in the user's cache directory (root:
 * /var/cache/husk), which is made only when a program is stored: a
 * container without seccomp leaves no directory behind.
 */
HTEST(hardened, seccomp_cache_directory_is_made_to_store)
{
	struct hres r = { 0 };
	char *dot_cache = hpath(c, ".cache");
	char *dir = c->mode == MODE_ROOT ? strdup("/var/cache/husk/seccomp")
					 : hpath(c, ".cache/husk/seccomp");
	struct stat st;

	bundle_write(c, &(struct bundle_cfg){ .args = ARGS("true") });
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	if (c->mode == MODE_ROOTLESS)
		cr_assert(stat(dot_cache, &st) < 0, "a run without seccomp made %s", dot_cache);

	char *config = hpath(c, "bundle/config.json");
	cr_assert(unlink(config) == 0);     /* husk spec writes a new one */
	free(config);
	free(hardened_bundle(c, NULL));
	run_hardened(c, &r);
	assert_cache_dir(c, dir);
	free(dot_cache);
	free(dir);
	hres_free(&r);
}
