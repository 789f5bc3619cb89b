// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the workload sees: its ids, PID, hostname, a read-only root, a
 * noexec /tmp, masked and read-only /proc paths, exactly process.env, no
 * host fds, and process.cwd.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "integration/harness.h"

/* Run args in a fresh container; assert success; the stdout in r->out. */
static void run_ok(struct hctx *c, struct hres *r, const struct bundle_cfg *cfg)
{
	bundle_write(c, cfg);
	HUSK(c, r, "run", "--bundle", c->bundle, hctx_new_id(c));
	assert_husk_ok(r);
}

static void check_idmap(struct hctx *c, const char *file, unsigned host_id)
{
	struct hres r = { 0 };
	char *want;

	run_ok(c, &r, &(struct bundle_cfg){ .args = ARGS("/bin/cat", file) });
	char *got = squeeze(r.out);
	if (c->mode == MODE_ROOT)
		want = strdup("0 0 4294967295");        /* no user namespace */
	else
		cr_assert(asprintf(&want, "0 %u 1", host_id) > 0);
	cr_assert_str_eq(got, want, "%s: want \"%s\", got \"%s\"", file, want, got);
	free(want);
	free(got);
	hres_free(&r);
}

HTEST(isolation, uid_map)
{
	check_idmap(c, "/proc/self/uid_map", c->uid);
}

HTEST(isolation, gid_map)
{
	check_idmap(c, "/proc/self/gid_map", c->gid);
}

HTEST(isolation, runs_as_root_inside)
{
	struct hres r = { 0 };

	run_ok(c, &r, &(struct bundle_cfg){ .args = ARGS("/usr/bin/id") });
	assert_contains(r.out, "uid=0(root) gid=0(root)");
	hres_free(&r);
}

HTEST(isolation, own_pid_namespace)
{
	struct hres r = { 0 };

	run_ok(c, &r, &(struct bundle_cfg){ .args = ARGS("/bin/sh", "-c", "echo $$") });
	assert_workload_pid(r.out);
	hres_free(&r);
}

HTEST(isolation, hostname)
{
	struct hres r = { 0 };

	run_ok(c, &r, &(struct bundle_cfg){ .args = ARGS("/bin/hostname") });
	cr_assert_str_eq(r.out, "husk\n");
	hres_free(&r);
}

HTEST(isolation, root_is_read_only)
{
	struct hres r = { 0 };
	char *x = hpath(c, "bundle/rootfs/x");

	run_ok(c, &r, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c", "touch /x 2>&1; echo rc=$?") });
	assert_contains(r.out, "Read-only file system");
	assert_contains(r.out, "rc=1");
	cr_assert(access(x, F_OK) != 0);
	free(x);
	hres_free(&r);
}

/* The counter-test: with root.readonly false the same touch works. */
HTEST(isolation, root_read_write_when_asked)
{
	struct hres r = { 0 };
	char *x = hpath(c, "bundle/rootfs/x");

	run_ok(c, &r, &(struct bundle_cfg){ .args = ARGS("/bin/touch", "/x"), .rw_root = true });
	cr_assert(access(x, F_OK) == 0, "/x was not created in the rootfs");
	free(x);
	hres_free(&r);
}

HTEST(isolation, tmp_is_tmpfs_noexec)
{
	struct hres r = { 0 };

	run_ok(c, &r, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c",
			     "grep ' /tmp ' /proc/mounts; "
			     "echo written > /tmp/f && cat /tmp/f; "
			     "cp /bin/busybox /tmp/bb && /tmp/bb true 2>&1; echo rc=$?") });
	const char *line = strstr(r.out, " /tmp ");
	cr_assert(line, "no /tmp mount in /proc/mounts:\n%s", r.out);
	cr_assert(strncmp(r.out, "tmpfs /tmp tmpfs ", 17) == 0, "/tmp is not a tmpfs:\n%s", r.out);
	char *eol = strchr(r.out, '\n');
	cr_assert(eol);
	*eol = '\0';
	assert_contains(r.out, "noexec");
	*eol = '\n';
	assert_contains(r.out, "\nwritten\n");
	assert_contains(r.out, "Permission denied");
	assert_contains(r.out, "rc=126");
	hres_free(&r);
}

/*
 * Every masked path that exists on this kernel is covered by a mount inside
 * and reads as empty: files are a /dev/null bind, directories an empty
 * read-only tmpfs.
 */
HTEST(isolation, masked_paths)
{
	static const char *const masked[] = {
		"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
		"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
		"/proc/sched_debug", "/sys/firmware", "/proc/scsi",
	};
	char script[4096] = "", want[1024] = "";
	struct hres r = { 0 };

	for (size_t i = 0; i < sizeof(masked) / sizeof(masked[0]); i++) {
		if (access(masked[i], F_OK) != 0)
			continue;
		size_t len = strlen(script);
		snprintf(script + len, sizeof(script) - len,
			 "p=%s; grep -q \" $p \" /proc/self/mountinfo && echo \"masked $p\"; "
			 "if [ -d $p ]; then ls -A $p | wc -l; "
			 "else head -c 16 $p 2>/dev/null | wc -c; fi; ", masked[i]);
		len = strlen(want);
		snprintf(want + len, sizeof(want) - len, "masked %s\n0\n", masked[i]);
	}
	cr_assert(script[0], "none of the masked paths exists on this host");
	run_ok(c, &r, &(struct bundle_cfg){ .args = ARGS("/bin/sh", "-c", script) });
	cr_assert_str_eq(r.out, want, "masked paths leak:\n%s", r.out);
	hres_free(&r);
}

HTEST(isolation, proc_sys_is_read_only)
{
	struct hres r = { 0 };

	run_ok(c, &r, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c",
			     "{ echo x > /proc/sys/kernel/domainname; } 2>&1; echo rc=$?; "
			     "grep ' /proc/sys ' /proc/mounts") });
	assert_contains(r.out, "Read-only file system");
	assert_contains(r.out, "rc=1");
	const char *line = strstr(r.out, " /proc/sys ");
	cr_assert(line, "/proc/sys is not a mount point:\n%s", r.out);
	assert_contains(line, " ro,");
	hres_free(&r);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort the lines of a text in place and join them back with '\n'. */
static char *sorted_lines(char **lines, size_t n)
{
	size_t len = 1;

	qsort(lines, n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < n; i++)
		len += strlen(lines[i]) + 1;
	char *out = calloc(1, len);
	for (size_t i = 0; i < n; i++) {
		strcat(out, lines[i]);
		strcat(out, "\n");
	}
	return out;
}

HTEST(isolation, env_is_exactly_process_env)
{
	struct hres r = { 0 };

	/* HOME is set explicitly: runc adds HOME from /etc/passwd when the
	 * spec has none, a convention husk may follow. */
	run_ok(c, &r, &(struct bundle_cfg){
		.args = ARGS("/usr/bin/env"),
		.env = ARGS("HOME=/root", "HUSK_EXTRA=with spaces=and equals") });
	char **want = bundle_default_env(c);
	size_t n = 0;
	while (want[n])
		n++;
	want = realloc(want, (n + 3) * sizeof(char *));
	want[n++] = strdup("HOME=/root");
	want[n++] = strdup("HUSK_EXTRA=with spaces=and equals");
	want[n] = NULL;
	char *want_text = sorted_lines(want, n);

	char *lines[64];
	size_t m = 0;
	for (char *l = strtok(r.out, "\n"); l && m < 64; l = strtok(NULL, "\n"))
		lines[m++] = l;
	char *got_text = sorted_lines(lines, m);
	cr_assert_str_eq(got_text, want_text, "the environment inside differs from process.env:\n"
			 "--- inside:\n%s--- process.env:\n%s", got_text, want_text);
	assert_not_contains(got_text, HOST_SECRET_VAR);
	for (size_t i = 0; i < n; i++)
		free(want[i]);
	free(want);
	free(want_text);
	free(got_text);
	hres_free(&r);
}

/* The harness leaks fd 7 into husk; only 0-2 (and ls's own 3) are inside. */
HTEST(isolation, no_host_fds)
{
	struct hres r = { 0 };

	run_ok(c, &r, &(struct bundle_cfg){ .args = ARGS("/bin/ls", "/proc/self/fd") });
	cr_assert_str_eq(r.out, "0\n1\n2\n3\n", "fds inside the container:\n%s", r.out);
	hres_free(&r);
}

HTEST(isolation, preserve_fds)
{
	struct hres r = { 0 };
	char *file = hpath(c, "preserved");

	write_text(file, "preserved-content\n");
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	cr_assert(fd >= 0);
	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("/bin/sh", "-c",
			     "read line <&3; echo \"$line\"; exec ls /proc/self/fd") });
	struct hcall_opts o = { .fd3 = fd };
	HUSK_OPTS(c, &r, &o, "run", "--preserve-fds", "1", "--bundle", c->bundle, c->id);
	assert_husk_ok(&r);
	cr_assert_str_eq(r.out, "preserved-content\n0\n1\n2\n3\n4\n");
	close(fd);
	free(file);
	hres_free(&r);
}

HTEST(isolation, cwd_is_process_cwd)
{
	struct hres r = { 0 };

	run_ok(c, &r, &(struct bundle_cfg){ .args = ARGS("/bin/pwd"), .cwd = "/etc" });
	cr_assert_str_eq(r.out, "/etc\n");
	hres_free(&r);
}

/* Root inside is the caller outside: a file it writes is the caller's. */
HTEST(isolation, files_belong_to_the_caller)
{
	struct hres r = { 0 };
	struct stat st;
	char *f = hpath(c, "out/made-inside");

	run_ok(c, &r, &(struct bundle_cfg){ .args = ARGS("/bin/touch", "/out/made-inside"),
					    .bind_out = true });
	cr_assert(stat(f, &st) == 0, "%s was not created", f);
	cr_assert_eq(st.st_uid, c->uid, "owner %d, want %d", (int)st.st_uid, (int)c->uid);
	free(f);
	hres_free(&r);
}
