/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_TEST_HARNESS_H
#define HUSK_TEST_HARNESS_H

/*
 * The integration-test harness: every test runs the real `husk` binary
 * ($HUSK_BIN) against a fresh bundle, once as root and once as the
 * unprivileged user husk-test (made by scripts/test-setup.sh).
 *
 *     HTEST(lifecycle, exit_code)
 *     {
 *             struct hres r = {0};
 *             bundle_write(c, &(struct bundle_cfg){ .args = ARGS("sh", "-c", "exit 3") });
 *             HUSK(c, &r, "run", "--bundle", c->bundle, c->id);
 *             cr_assert_eq(r.code, 3);
 *     }
 *
 * defines the Criterion tests lifecycle::exit_code_root and
 * lifecycle::exit_code_rootless, each calling the body with its own context
 * `c`.  A context owns a private work directory (owned by the user husk runs
 * as), a state root passed as --root, and unique container ids, so tests can
 * run in parallel.  After the body (also when an assertion fails) every
 * container left in the state root is force-deleted, stray processes are
 * killed and the work directory is removed.
 *
 * husk is entered like `setpriv --reuid=husk-test --regid=husk-test
 * --clear-groups env -i ...` would: supplementary groups cleared, real,
 * effective and saved ids set, and a clean environment (PATH, HOME, and
 * XDG_RUNTIME_DIR pointing to a directory of the user's), plus a marker
 * variable and a stray fd (7) that must never reach the container.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>     /* the macros and tests use these */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <criterion/criterion.h>

/*
 * The PID the workload sees for itself.  1 while the workload is the
 * container's init; becomes 2 when husk-init runs as PID 1 in front of it.
 */
#define WORKLOAD_PID 2

/* Seconds one husk call may take before the harness kills it. */
#define HUSK_CALL_TIMEOUT 20

/* What a marker variable in husk's own environment is set to. */
#define HOST_SECRET_VAR "HUSK_HOST_SECRET"
/* The fd the harness leaks into husk on purpose. */
#define HOST_STRAY_FD 7

enum hmode { MODE_ROOT, MODE_ROOTLESS };

#define HCTX_MAX_IDS 16

struct hctx {
	enum hmode mode;
	const char *mode_name;      /* "root" or "rootless" */
	uid_t uid;                  /* who runs husk: 0 or husk-test */
	gid_t gid;
	char *work;                 /* private temp dir, owned by uid */
	char *bundle;               /* work/bundle */
	char *rootfs;               /* work/bundle/rootfs */
	char *state;                /* work/state, passed as --root */
	char *out;                  /* work/out, bound at /out with bind_out */
	char *run_dir;              /* work/run, XDG_RUNTIME_DIR when rootless */
	char token[48];             /* unique per test; in every workload's env */
	const char *id;             /* the test's main container id (ids[0]) */
	char ids[HCTX_MAX_IDS][64];
	unsigned n_ids;
	unsigned n_calls;
};

/* ---- the test wrapper ------------------------------------------------- */

void hctx_run(enum hmode mode, void (*body)(struct hctx *c));
void hctx_fini(void);

#define HTEST_TIMEOUT 90

/* One body, two Criterion tests: <name>_root and <name>_rootless. */
#define HTEST(suite, name)                                                    \
	static void suite##__##name(struct hctx *c);                          \
	Test(suite, name##_root, .fini = hctx_fini, .timeout = HTEST_TIMEOUT) \
	{                                                                     \
		hctx_run(MODE_ROOT, suite##__##name);                         \
	}                                                                     \
	Test(suite, name##_rootless, .fini = hctx_fini,                       \
	     .timeout = HTEST_TIMEOUT)                                        \
	{                                                                     \
		hctx_run(MODE_ROOTLESS, suite##__##name);                     \
	}                                                                     \
	static void suite##__##name(struct hctx *c)

/* A test that only makes sense in one mode (named <name>_<mode>). */
#define HTEST_ROOTLESS(suite, name)                                           \
	static void suite##__##name(struct hctx *c);                          \
	Test(suite, name##_rootless, .fini = hctx_fini,                       \
	     .timeout = HTEST_TIMEOUT)                                        \
	{                                                                     \
		hctx_run(MODE_ROOTLESS, suite##__##name);                     \
	}                                                                     \
	static void suite##__##name(struct hctx *c)

/* Skip the rest of a test; cleans up first (Criterion runs no .fini then). */
#define hctx_skip(...)                                                        \
	do {                                                                  \
		hctx_fini();                                                  \
		cr_skip_test(__VA_ARGS__);                                    \
	} while (0)

/* A fresh container id, unique on this machine ("<token>-b", "-c" ...);
 * valid for the whole test. */
const char *hctx_new_id(struct hctx *c);

/* ---- bundles ---------------------------------------------------------- */

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/*
 * What goes into config.json.  Everything else is the default `husk spec`
 * promises (read-only root, hostname "husk", /tmp tmpfs noexec, masked and
 * read-only paths); rootless contexts get a user namespace mapping the
 * caller to 0 and no network namespace, as `husk spec --rootless` does.
 */
struct bundle_cfg {
	const char *const *args;    /* required */
	const char *const *env;     /* appended to the default env */
	const char *cwd;            /* default "/" */
	bool rw_root;               /* root.readonly: false */
	bool bind_out;              /* bind-mount c->out at /out, read-write */
	const char *root_path;      /* root.path, default "rootfs" */
	/* Raw JSON objects appended to "mounts" (no leading comma). */
	const char *extra_mounts;
	/* Raw JSON for linux.uidMappings/gidMappings (rootless default: caller -> 0). */
	const char *uid_mappings;
	const char *gid_mappings;
	/* Raw JSON object for linux.resources, and linux.cgroupsPath (a string). */
	const char *resources;
	const char *cgroups_path;
};

/* Copy $HUSK_TEST_DIR/rootfs to c->rootfs (as the context's user). */
void bundle_make_rootfs(struct hctx *c);
/* Write c->bundle/config.json from cfg; makes the rootfs when missing. */
void bundle_write(struct hctx *c, const struct bundle_cfg *cfg);
/* The text bundle_write() would write (malloc'ed). */
char *bundle_config_text(const struct hctx *c, const struct bundle_cfg *cfg);
/* The default process.env, NULL-terminated (token included). */
char **bundle_default_env(const struct hctx *c);

/* ---- running husk and other programs ---------------------------------- */

struct hres {
	int code;                   /* exit status; 128+n if husk died of signal n */
	bool timed_out;             /* killed after HUSK_CALL_TIMEOUT seconds */
	char *out;                  /* everything written to stdout, NUL-terminated */
	char *err;                  /* ... and to stderr */
	char cmd[512];              /* the command line, for messages */
};

struct hcall_opts {
	int fd3;                    /* when > 0: becomes fd 3 of husk (--preserve-fds) */
	bool no_root_opt;           /* do not pass --root c->state */
	bool unset_xdg;             /* rootless: no XDG_RUNTIME_DIR at all */
	const char *cwd;            /* default: c->work */
	/* Run $HUSK_FAULT_BIN, the test build with fault points (husk/fault.h),
	 * instead of $HUSK_BIN. */
	bool fault_bin;
	/* More "NAME=value" for husk's environment (NULL-terminated), e.g.
	 * ARGS("HUSK_FAULT=parent:verb:kill", "HUSK_FAULT_TRACE=1"). */
	const char *const *env;
};

/* A running child (husk or a helper program). */
struct hproc {
	pid_t pid;
	int pidfd;
	int out_fd, err_fd;         /* the capture files, read back at the end */
	char cmd[512];
};

/* Start husk with argv (NULL-terminated, after the global --root). */
void husk_spawn(struct hctx *c, struct hproc *p, const struct hcall_opts *o,
		const char *const argv[]);
/* Wait (up to timeout_s) and collect; kills the process group on timeout. */
void hproc_wait(struct hproc *p, struct hres *r, int timeout_s);

void husk_call(struct hctx *c, struct hres *r, const struct hcall_opts *o,
	       const char *const argv[]);
/* Run any program as the context's user (argv[0] absolute). */
void run_as_user(struct hctx *c, struct hres *r, const char *const argv[]);

void hres_free(struct hres *r);

/* HUSK(c, &r, "state", id): run husk, the result lands in r (freed first). */
#define HUSK(c, r, ...) husk_call((c), (r), NULL, ARGS(__VA_ARGS__))
#define HUSK_OPTS(c, r, o, ...) husk_call((c), (r), (o), ARGS(__VA_ARGS__))

/* Assert that a husk call exited 0, showing its output when not. */
#define assert_husk_ok(r)                                                     \
	cr_assert((r)->code == 0 && !(r)->timed_out,                          \
		  "`%s` failed: exit %d%s\n--- stdout:\n%s\n--- stderr:\n%s",  \
		  (r)->cmd, (r)->code, (r)->timed_out ? " (timed out)" : "",  \
		  (r)->out, (r)->err)

/* Assert that a husk call failed cleanly: non-zero exit, "husk: " message. */
#define assert_husk_fails(r)                                                  \
	cr_assert((r)->code != 0 && !(r)->timed_out &&                        \
			  strstr((r)->err, "husk: ") != NULL,                 \
		  "`%s` should fail with a \"husk: ...\" message: exit %d%s\n"\
		  "--- stdout:\n%s\n--- stderr:\n%s",                         \
		  (r)->cmd, (r)->code, (r)->timed_out ? " (timed out)" : "",  \
		  (r)->out, (r)->err)

#define assert_contains(hay, needle)                                          \
	cr_assert(strstr((hay), (needle)) != NULL,                            \
		  "expected to find \"%s\" in:\n%s", (needle), (hay))
#define assert_not_contains(hay, needle)                                      \
	cr_assert(strstr((hay), (needle)) == NULL,                            \
		  "did not expect \"%s\" in:\n%s", (needle), (hay))

/* Assert the workload's own pid, as the workload printed it ("1\n"). */
#define assert_workload_pid(text)                                             \
	cr_assert_eq(atoi(text), WORKLOAD_PID,                                \
		     "the workload should be PID %d in its namespace, printed: %s", \
		     WORKLOAD_PID, (text))

/* ---- observing the host ----------------------------------------------- */

/* `husk state id`: the "status" field, or NULL when the call fails. */
char *husk_status(struct hctx *c, const char *id);
/* Poll `husk state` until status is `want` (true) or timeout_ms passed. */
bool wait_status(struct hctx *c, const char *id, const char *want, int timeout_ms);
/* Poll for a file to exist. */
bool wait_file(const char *path, int timeout_ms);

/* Processes whose cmdline or environ carries the context's token. */
int count_token_procs(const struct hctx *c);
/* Lines of the host's /proc/self/mountinfo that mention `path`. */
int count_host_mounts_under(const char *path);
/* Entries in a directory (0 when it does not exist). */
int count_dir_entries(const char *path);
/* After a failed husk call: nothing was left behind (hctx_assert_clean()). */
void assert_nothing_left(struct hctx *c);
/*
 * Nothing of this test is left on the host: no entry in the state root, no
 * process carrying the token (in its environment or command line; a short
 * grace lets a dying one go), no host mount whose source or target is under
 * c->work, and no cgroup directory named with the token (any hierarchy
 * under /sys/fs/cgroup: v1, v2 and the hybrid's unified).  For the end of
 * a test that made containers and deleted them all.
 */
void hctx_assert_clean(struct hctx *c);

/* ---- small utilities -------------------------------------------------- */

char *hpath(const struct hctx *c, const char *rel);       /* work/rel */
char *read_text(const char *path);                         /* NULL if absent */
void write_text(const char *path, const char *text);
void chown_to_user(const struct hctx *c, const char *path);
/* Collapse runs of blanks to one space, trim ends: "0  1001   1" -> "0 1001 1". */
char *squeeze(const char *s);
/* Remove all whitespace (to compare JSON text without caring about layout). */
char *despace(const char *s);

/* ---- JSON (over yajl's tree parser) ------------------------------------ */

struct yajl_val_s;
typedef struct yajl_val_s *hjson;

hjson json_parse_or_fail(const char *text, const char *what);
void json_free(hjson v);
/* Follow a path of object keys; NULL when missing.  Keys NULL-terminated. */
hjson json_at(hjson v, const char *const path[]);
#define JSON_AT(v, ...) json_at((v), ARGS(__VA_ARGS__))
const char *json_str(hjson v);      /* NULL unless a string */
bool json_is_int(hjson v);
bool json_is_true(hjson v);
long long json_int(hjson v);
bool json_is_array(hjson v);
size_t json_array_len(hjson v);
hjson json_array_get(hjson v, size_t i);
/* In an array of objects, the first whose `key` is the string `value`. */
hjson json_find_by(hjson array, const char *key, const char *value);
/* True when the array contains the string s. */
bool json_array_has_string(hjson array, const char *s);

/*
 * Replace the value of the first `"key":` in a JSON text by `value` (raw
 * JSON); for editing `husk spec` output without depending on its layout.
 */
char *json_text_replace(const char *text, const char *key, const char *value);

/* The first /etc/subuid or /etc/subgid range of the context's user; skips
 * the test when there is none (scripts/test-setup.sh adds one). */
void subid_range(const struct hctx *c, const char *file, unsigned *start, unsigned *count);

#endif
