/* SPDX-License-Identifier: GPL-2.0-or-later */
/* state.json: written by src/state/, read back by state_file_parse(). */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <dirent.h>
#include <regex.h>
#include <string.h>
#include <sys/stat.h>

#include "husk/state.h"
#include "husk/util.h"
#include "test_state_helpers.h"

static struct state_root root = { .fd = -1 };
static struct container_dir dir = { .fd = -1, .lock_fd = -1 };
static char *tmp;

static void setup(void)
{
	tmp = test_container_make(&root, "rec", &dir);
}

static void teardown(void)
{
	test_state_remove(&root, &dir, tmp);
}

TestSuite(state_record, .init = setup, .fini = teardown);

Test(state_record, round_trip)
{
	struct husk_kv ann[] = {
		{ (char *)"org.example/key", (char *)"value \"quoted\" \\ / \n" },
		{ (char *)"empty", (char *)"" },
	};
	struct husk_state_file in = {
		.oci_version = (char *)"1.2.0",
		.id = (char *)"rec",
		.status = (char *)"created",
		.pid = 12345,
		.pid_start_time = 18446744073709551615ULL,
		.bundle = (char *)"/srv/bundle with space",
		.rootfs = (char *)"/srv/bundle with space/rootfs",
		.created = (char *)"2026-11-24T10:00:00.123456789Z",
		.owner = (char *)"root",
		.annotations = ann,
		.n_annotations = 2,
		.cgroup_path = (char *)"/husk/rec",
		.systemd_cgroup = true,
		.rootless = true,
	};
	_cleanup_state_file_ struct husk_state_file *out = NULL;
	struct husk_error err = { 0 };
	struct stat st;

	cr_assert_eq(state_write(&dir, &in, &err), 0, "%s", err.msg);
	cr_assert_eq(fstatat(dir.fd, STATE_FILE_NAME, &st, 0), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	cr_assert_eq(state_read(&dir, &out, &err), 0, "%s", err.msg);
	cr_assert_str_eq(out->oci_version, in.oci_version);
	cr_assert_str_eq(out->id, in.id);
	cr_assert_str_eq(out->status, in.status);
	cr_assert_eq(out->pid, in.pid);
	cr_assert_eq(out->pid_start_time, in.pid_start_time);
	cr_assert_str_eq(out->bundle, in.bundle);
	cr_assert_str_eq(out->rootfs, in.rootfs);
	cr_assert_str_eq(out->created, in.created);
	cr_assert_str_eq(out->owner, in.owner);
	cr_assert_eq(out->n_annotations, 2);
	cr_assert_str_eq(out->annotations[0].key, ann[0].key);
	cr_assert_str_eq(out->annotations[0].value, ann[0].value);
	cr_assert_str_eq(out->annotations[1].value, "");
	cr_assert_str_eq(out->cgroup_path, in.cgroup_path);
	cr_assert(out->systemd_cgroup);
	cr_assert(out->rootless);
}

Test(state_record, minimal_and_overwrite)
{
	struct husk_state_file in = { .id = (char *)"rec", .status = (char *)"created" };
	_cleanup_state_file_ struct husk_state_file *out = NULL;
	struct husk_error err = { 0 };
	DIR *dp;
	struct dirent *de;
	int n = 0;

	cr_assert_eq(state_write(&dir, &in, &err), 0, "%s", err.msg);
	in.pid = 7;
	cr_assert_eq(state_write(&dir, &in, &err), 0, "%s", err.msg);
	cr_assert_eq(state_read(&dir, &out, &err), 0, "%s", err.msg);
	cr_assert_eq(out->pid, 7);
	cr_assert_eq(out->n_annotations, 0);
	cr_assert_null(out->cgroup_path);
	cr_assert_not(out->rootless);
	/* Only lock and state.json: no temporary file left behind. */
	dp = fdopendir(openat(dir.fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	cr_assert_not_null(dp);
	while ((de = readdir(dp)))
		if (de->d_name[0] != '.' || strlen(de->d_name) > 2)
			n++;
	closedir(dp);
	cr_assert_eq(n, 2);
}

Test(state_record, read_missing_is_enoent)
{
	struct husk_state_file *out = NULL;
	struct husk_error err = { 0 };

	cr_assert_eq(state_read(&dir, &out, &err), -ENOENT);
	cr_assert_null(out);
	cr_assert(strstr(err.msg, "no state"), "%s", err.msg);
}

Test(state_record, read_garbage_names_the_file)
{
	struct husk_state_file *out = NULL;
	struct husk_error err = { 0 };

	cr_assert_eq(write_file_atomic_at(dir.fd, STATE_FILE_NAME, "{\"id\": 1", 8, 0600, &err), 0);
	cr_assert_lt(state_read(&dir, &out, &err), 0);
	cr_assert(strstr(err.msg, "state.json"), "%s", err.msg);
}

Test(state_record, timestamp_format)
{
	regex_t re;
	char *ts = state_timestamp_now();

	cr_assert_eq(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
			     "\\.[0-9]{9}Z$", REG_EXTENDED | REG_NOSUB), 0);
	cr_assert_eq(regexec(&re, ts, 0, NULL, 0), 0, "bad timestamp %s", ts);
	regfree(&re);
	free(ts);
}
