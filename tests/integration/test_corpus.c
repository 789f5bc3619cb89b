// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The corpus: config.json files written by real tools, not by hand, run
 * under husk.  scripts/corpus.sh (called by scripts/test-setup.sh) writes
 * them to $HUSK_TEST_DIR/corpus/NAME.json: `runc spec` and `crun spec`
 * (plain and --rootless), the OCI runtime-tools generator's default, and
 * what podman (root and rootless) and containerd hand their runtime in the
 * bundle, plus the process JSON of a `podman exec` (root and rootless).
 *
 * Each test copies the config into a bundle with the busybox rootfs and
 * changes only what cannot carry over from the machine and moment the tool
 * ran on; corpus_adapt() lists every change and why.  Namespaces,
 * capabilities, seccomp, masked and read-only paths, the proc/sys/dev
 * mounts, sysctls, resources and annotations are left exactly as the tool
 * wrote them.
 *
 * Modes, as runc would run each: a config written for root (runc/crun spec,
 * runtime-tools, rootful podman, containerd) runs as root only: it has no
 * user namespace and needs real root.  A `spec --rootless` config runs
 * rootless; runc's also as root (runc runs it either way; crun's has no
 * mappings, see crun_spec_rootless).  Rootless podman's
 * config is meant to run inside podman's user namespace (0 -> the user,
 * 1.. -> the user's subordinate ids), so it runs rootless with that same
 * user namespace added (see corpus_podman_userns()).
 */
#define _GNU_SOURCE
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "integration/harness.h"

/* What every corpus container runs: prints a marker and its uid. */
#define PROBE_SCRIPT "echo corpus-ok uid=$(id -u)"

/* A test that only makes sense as root (named <name>_root). */
#define HTEST_ROOT(suite, name)                                               \
	static void suite##__##name(struct hctx *c);                          \
	Test(suite, name##_root, .fini = hctx_fini, .timeout = HTEST_TIMEOUT) \
	{                                                                     \
		hctx_run(MODE_ROOT, suite##__##name);                         \
	}                                                                     \
	static void suite##__##name(struct hctx *c)

/* ---- editing a yajl tree in place ------------------------------------- */

/* A JSON value from printf-style text (for the few values this file adds). */
__attribute__((format(printf, 1, 2)))
static hjson jnew(const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	cr_assert(vasprintf(&text, fmt, ap) > 0);
	va_end(ap);
	hjson v = json_parse_or_fail(text, "a value made by test_corpus.c");
	free(text);
	return v;
}

/* Set obj[key] = val (val is taken over; an old value is freed). */
static void obj_set(hjson obj, const char *key, hjson val)
{
	cr_assert(YAJL_IS_OBJECT(obj));
	for (size_t i = 0; i < obj->u.object.len; i++) {
		if (strcmp(obj->u.object.keys[i], key) == 0) {
			json_free(obj->u.object.values[i]);
			obj->u.object.values[i] = val;
			return;
		}
	}
	size_t n = obj->u.object.len + 1;
	obj->u.object.keys = realloc(obj->u.object.keys, n * sizeof(char *));
	obj->u.object.values = realloc(obj->u.object.values, n * sizeof(hjson));
	cr_assert(obj->u.object.keys && obj->u.object.values);
	obj->u.object.keys[n - 1] = strdup(key);
	obj->u.object.values[n - 1] = val;
	obj->u.object.len = n;
}

/* obj[key], made from init_json first when missing. */
static hjson obj_get_or_add(hjson obj, const char *key, const char *init_json)
{
	hjson v = JSON_AT(obj, key);

	if (!v) {
		obj_set(obj, key, jnew("%s", init_json));
		v = JSON_AT(obj, key);
	}
	return v;
}

static void arr_append(hjson arr, hjson val)
{
	cr_assert(YAJL_IS_ARRAY(arr));
	size_t n = arr->u.array.len + 1;
	arr->u.array.values = realloc(arr->u.array.values, n * sizeof(hjson));
	cr_assert(arr->u.array.values);
	arr->u.array.values[n - 1] = val;
	arr->u.array.len = n;
}

static void gen_value(yajl_gen g, hjson v)
{
	switch (v->type) {
	case yajl_t_string:
		yajl_gen_string(g, (const unsigned char *)v->u.string, strlen(v->u.string));
		break;
	case yajl_t_number:
		/* The number's own text: no rounding through a double. */
		yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
		break;
	case yajl_t_object:
		yajl_gen_map_open(g);
		for (size_t i = 0; i < v->u.object.len; i++) {
			const char *k = v->u.object.keys[i];
			yajl_gen_string(g, (const unsigned char *)k, strlen(k));
			gen_value(g, v->u.object.values[i]);
		}
		yajl_gen_map_close(g);
		break;
	case yajl_t_array:
		yajl_gen_array_open(g);
		for (size_t i = 0; i < v->u.array.len; i++)
			gen_value(g, v->u.array.values[i]);
		yajl_gen_array_close(g);
		break;
	case yajl_t_true:
	case yajl_t_false:
		yajl_gen_bool(g, v->type == yajl_t_true);
		break;
	default:
		yajl_gen_null(g);
		break;
	}
}

static char *json_text(hjson v)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	cr_assert(g);
	yajl_gen_config(g, yajl_gen_beautify, 1);
	gen_value(g, v);
	cr_assert(yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok);
	char *text = strndup((const char *)buf, len);
	yajl_gen_free(g);
	return text;
}

/* ---- the corpus -------------------------------------------------------- */

static char *corpus_path(const char *name)
{
	char *path;

	cr_assert(asprintf(&path, "%s/corpus/%s.json", getenv("HUSK_TEST_DIR"), name) > 0);
	return path;
}

static hjson corpus_load(const char *name)
{
	char *path = corpus_path(name);
	char *text = read_text(path);

	cr_assert(text, "%s is missing: run scripts/test-setup.sh as root (it calls"
		  " scripts/corpus.sh)", path);
	hjson v = json_parse_or_fail(text, path);
	free(text);
	free(path);
	return v;
}

/* True when a mount's source is in the engine's own throwaway state
 * (podman's storage and run directories, see scripts/corpus.sh). */
static bool engine_private_source(const char *source)
{
	const char *dir = getenv("HUSK_TEST_DIR");
	size_t n = strlen(dir);

	if (!source)
		return false;
	if (strncmp(source, dir, n) == 0 && strncmp(source + n, "/corpus-work/", 13) == 0)
		return true;
	return strncmp(source, "/tmp/husk-corpus.", 17) == 0;
}

/*
 * The engine's bind mounts of its own files (podman: /etc/hosts,
 * /etc/hostname, /run/.containerenv from its run directory, /dev/shm from
 * a tmpfs it mounted in its storage).  Those files existed only while the
 * engine ran: each source becomes a file (a directory for /dev/shm) of the
 * same name in the test's work dir, with the content the engine would
 * write.  Destination, type and options stay: the bind mounts of single
 * files are still made, where the engine made them.
 */
static void corpus_engine_binds(struct hctx *c, hjson mounts)
{
	for (size_t i = 0; i < json_array_len(mounts); i++) {
		hjson m = json_array_get(mounts, i);
		const char *src = json_str(JSON_AT(m, "source"));
		const char *dest = json_str(JSON_AT(m, "destination"));

		if (!engine_private_source(src))
			continue;
		char *copy = strdup(src);
		char *name, *local;
		cr_assert(asprintf(&name, "engine-%s", basename(copy)) > 0);
		local = hpath(c, name);
		if (dest && strcmp(dest, "/dev/shm") == 0) {
			cr_assert(mkdir(local, 01777) == 0);
			cr_assert(chmod(local, 01777) == 0);
		} else if (dest && strcmp(dest, "/etc/hosts") == 0) {
			write_text(local, "127.0.0.1\tlocalhost\n::1\tlocalhost\n");
		} else if (dest && strcmp(dest, "/etc/hostname") == 0) {
			write_text(local, "corpus\n");
		} else {
			write_text(local, "engine=\"corpus\"\n");
		}
		chown_to_user(c, local);
		obj_set(m, "source", jnew("\"%s\"", local));
		free(local);
		free(name);
		free(copy);
	}
}

static int rlimit_resource(const char *type)
{
	static const struct { const char *name; int res; } map[] = {
		{ "RLIMIT_NOFILE", RLIMIT_NOFILE }, { "RLIMIT_NPROC", RLIMIT_NPROC },
		{ "RLIMIT_CORE", RLIMIT_CORE }, { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
		{ "RLIMIT_STACK", RLIMIT_STACK }, { "RLIMIT_AS", RLIMIT_AS },
	};
	for (size_t i = 0; type && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].name, type) == 0)
			return map[i].res;
	return -1;
}

/*
 * process.rlimits: podman writes the ceiling it would use on its host
 * (1048576 open files and processes for root).  Raising a hard limit above
 * the caller's needs CAP_SYS_RESOURCE in the initial user namespace, which
 * a root in a container-based CI lacks (this sandbox's root has a 20000
 * open-file ceiling).  A limit above what husk's caller holds is lowered to
 * that; every rlimit stays in the config and is still applied.
 */
static void corpus_clamp_rlimits(hjson process)
{
	hjson rl = JSON_AT(process, "rlimits");

	for (size_t i = 0; i < json_array_len(rl); i++) {
		hjson l = json_array_get(rl, i);
		int res = rlimit_resource(json_str(JSON_AT(l, "type")));
		struct rlimit have;

		if (res < 0 || getrlimit(res, &have) != 0 || have.rlim_max == RLIM_INFINITY)
			continue;
		static const char *const keys[] = { "hard", "soft" };
		for (size_t k = 0; k < 2; k++) {
			hjson v = JSON_AT(l, keys[k]);
			if (json_is_int(v) && (unsigned long long)json_int(v) > have.rlim_max)
				obj_set(l, keys[k], jnew("%llu", (unsigned long long)have.rlim_max));
		}
	}
}

/*
 * linux.cgroupsPath names the engine's own container ("/libpod_parent/
 * libpod-<podman id>", "/<containerd namespace>/<id>").  Its last part
 * becomes this test's container id, so that the root and rootless runs of
 * the suite (which run in parallel) do not share one cgroup.
 */
static void corpus_cgroups_path(struct hctx *c, hjson linux_)
{
	const char *path = json_str(JSON_AT(linux_, "cgroupsPath"));

	if (!path)
		return;
	const char *slash = strrchr(path, '/');
	int keep = slash ? (int)(slash - path) + 1 : 0;
	const char *prefix = strncmp(slash ? slash + 1 : path, "libpod-", 7) == 0 ? "libpod-" : "";
	obj_set(linux_, "cgroupsPath", jnew("\"%.*s%s%s\"", keep, path, prefix, c->id));
}

/*
 * Everything corpus configs change.  Beyond the helpers above:
 *   - root.path: the tools write "rootfs" or the engine's storage path;
 *     the bundle has its own copy of the busybox rootfs at "rootfs".
 *     root.readonly stays as written.
 *   - process.args: the probe instead of the tool's command (sh, true).
 *   - process.terminal: false; `runc spec` and `crun spec` ask for a
 *     terminal, which needs a console socket that a test has no use for.
 *   - process.env: HUSK_IT_TOKEN=<token> is added (the harness finds
 *     stray processes by it); containerd writes no env at all.
 */
static void corpus_adapt(struct hctx *c, hjson cfg, const char *const *args)
{
	hjson root = obj_get_or_add(cfg, "root", "{}");
	obj_set(root, "path", jnew("\"rootfs\""));

	hjson process = JSON_AT(cfg, "process");
	cr_assert(process, "the config has no process");
	hjson argv = jnew("[]");
	for (size_t i = 0; args[i]; i++) {
		hjson s = jnew("\"\"");
		free(s->u.string);
		s->u.string = strdup(args[i]);
		arr_append(argv, s);
	}
	obj_set(process, "args", argv);
	obj_set(process, "terminal", jnew("false"));
	arr_append(obj_get_or_add(process, "env", "[]"), jnew("\"HUSK_IT_TOKEN=%s\"", c->token));
	corpus_clamp_rlimits(process);

	hjson mounts = JSON_AT(cfg, "mounts");
	if (mounts)
		corpus_engine_binds(c, mounts);
	hjson linux_ = JSON_AT(cfg, "linux");
	if (linux_)
		corpus_cgroups_path(c, linux_);
}

/*
 * Rootless podman's config carries no user namespace: podman runs the
 * runtime inside its own (0 -> the user, 1..65536 -> the first subordinate
 * range).  Outside podman, husk must make that namespace itself: add it,
 * with the same mappings, as `podman unshare` would show them.
 */
static void corpus_podman_userns(struct hctx *c, hjson cfg)
{
	hjson linux_ = obj_get_or_add(cfg, "linux", "{}");
	unsigned us, uc, gs, gc;

	subid_range(c, "/etc/subuid", &us, &uc);
	subid_range(c, "/etc/subgid", &gs, &gc);
	arr_append(obj_get_or_add(linux_, "namespaces", "[]"), jnew("{\"type\": \"user\"}"));
	obj_set(linux_, "uidMappings",
		jnew("[{\"containerID\": 0, \"hostID\": %u, \"size\": 1},"
		     " {\"containerID\": 1, \"hostID\": %u, \"size\": %u}]",
		     (unsigned)c->uid, us, uc));
	obj_set(linux_, "gidMappings",
		jnew("[{\"containerID\": 0, \"hostID\": %u, \"size\": 1},"
		     " {\"containerID\": 1, \"hostID\": %u, \"size\": %u}]",
		     (unsigned)c->gid, gs, gc));
}

static void corpus_write_bundle(struct hctx *c, hjson cfg)
{
	char *path, *text = json_text(cfg);

	bundle_make_rootfs(c);
	cr_assert(asprintf(&path, "%s/config.json", c->bundle) > 0);
	write_text(path, text);
	chown_to_user(c, path);
	free(path);
	free(text);
}

/*
 * `husk run` the corpus config NAME with the probe; asserts exit 0 and the
 * probe's line with the uid the config asks for.  userns: add rootless
 * podman's user namespace first.
 */
static void corpus_run(struct hctx *c, const char *name, bool userns, unsigned want_uid)
{
	struct hres r = { 0 };
	hjson cfg = corpus_load(name);
	char want[64];

	corpus_adapt(c, cfg, ARGS("/bin/sh", "-c", PROBE_SCRIPT));
	if (userns)
		corpus_podman_userns(c, cfg);
	corpus_write_bundle(c, cfg);
	json_free(cfg);
	HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	snprintf(want, sizeof(want), "corpus-ok uid=%u\n", want_uid);
	cr_assert_str_eq(r.out, want, "%s: the probe printed \"%s\", want \"%s\"\n--- stderr:\n%s",
			 name, r.out, want, r.err);
	hres_free(&r);
}

HTEST_ROOT(corpus, runc_spec)
{
	corpus_run(c, "runc-root", false, 0);
}

HTEST(corpus, runc_spec_rootless)
{
	corpus_run(c, "runc-rootless", false, 0);
}

HTEST_ROOT(corpus, crun_spec)
{
	corpus_run(c, "crun-root", false, 0);
}

/* Rootless only: `crun spec --rootless` asks for a user namespace without
 * mappings, which crun fills in with the caller's id.  husk does so for a
 * rootless caller; as root it refuses (".linux.uidMappings: a new user
 * namespace needs uid mappings"), as runc does. */
HTEST_ROOTLESS(corpus, crun_spec_rootless)
{
	corpus_run(c, "crun-rootless", false, 0);
}

HTEST_ROOT(corpus, runtime_tools_generate)
{
	corpus_run(c, "runtime-tools", false, 0);
}

HTEST_ROOT(corpus, podman)
{
	corpus_run(c, "podman-root", false, 0);
}

/* podman run --user 65534 --cap-add NET_BIND_SERVICE: the cap is also
 * inheritable and ambient, so that user 65534 holds it after execve. */
HTEST_ROOT(corpus, podman_user_cap_add)
{
	corpus_run(c, "podman-root-user", false, 65534);
}

HTEST_ROOTLESS(corpus, podman_rootless)
{
	corpus_run(c, "podman-rootless", true, 0);
}

HTEST_ROOTLESS(corpus, podman_rootless_user_cap_add)
{
	corpus_run(c, "podman-rootless-user", true, 65534);
}

HTEST_ROOT(corpus, containerd)
{
	corpus_run(c, "containerd", false, 0);
}

/*
 * podman exec --user 0 into a `podman run --user 65534 --cap-add
 * NET_BIND_SERVICE` container: podman 4 lists NET_BIND_SERVICE as ambient
 * but not inheritable in the process JSON.  The container runs the
 * captured run config (NAME-user, with sleep as its workload); the exec
 * runs the captured process JSON (NAME-exec) with the probe as args.
 */
static void corpus_exec(struct hctx *c, const char *name, bool userns)
{
	struct hres r = { 0 };
	char *run_name, *exec_name;

	cr_assert(asprintf(&run_name, "%s-user", name) > 0);
	cr_assert(asprintf(&exec_name, "%s-exec", name) > 0);
	hjson cfg = corpus_load(run_name);
	hjson proc = corpus_load(exec_name);

	corpus_adapt(c, cfg, ARGS("/bin/sleep", "100"));
	if (userns)
		corpus_podman_userns(c, cfg);
	corpus_write_bundle(c, cfg);
	HUSK(c, &r, "run", "-d", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert(wait_status(c, c->id, "running", 5000), "%s is not running", c->id);

	/* The process JSON gets the same changes as a config's process
	 * (args, terminal, env, rlimits): wrap it to reuse corpus_adapt(). */
	hjson wrap = jnew("{}");
	obj_set(wrap, "process", proc);
	corpus_adapt(c, wrap, ARGS("/bin/sh", "-c", PROBE_SCRIPT));
	char *file = hpath(c, "process.json");
	char *text = json_text(JSON_AT(wrap, "process"));
	write_text(file, text);
	chown_to_user(c, file);
	HUSK(c, &r, "exec", "--process", file, c->id);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "corpus-ok uid=0\n");
	hres_free(&r);
	free(text);
	free(file);
	json_free(wrap);
	json_free(cfg);
	free(exec_name);
	free(run_name);
}

HTEST_ROOT(corpus, podman_exec)
{
	corpus_exec(c, "podman-root", false);
}

HTEST_ROOTLESS(corpus, podman_rootless_exec)
{
	corpus_exec(c, "podman-rootless", true);
}
