/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `husk update`: its flag table (src/cli/update.c, compiled in; the option
 * parser itself comes from test_cli_options.c's copy), the flags turned
 * into a linux.resources object (container_update_json), and that object
 * merged into a pinned config (spec_merge_resources).
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/common.c"
#include "cli/update.c"

/* argv (NULL-terminated) through the update flag table, then to resources. */
static int update_from(char **argv, struct husk_resources **res, struct husk_error *err)
{
	struct container_update_opts o = { 0 };
	const struct opt_def defs[] = { UPDATE_OPT_DEFS(&o) };
	_cleanup_free_ char *json = NULL;
	struct opt_result args;
	size_t len, argc = 0;
	int r;

	while (argv[argc])
		argc++;
	*res = NULL;
	r = opts_parse(defs, ARRAY_SIZE(defs), (int)argc, argv, 0, &args, err);
	cr_assert_eq(r, 0, "%s", err->msg);
	cr_assert_eq(args.n_args, 1, "the id is left");
	opt_result_free(&args);
	r = container_update_json(&o, &json, &len, err);
	if (r < 0)
		return r;
	return spec_parse_resources(json, len, "update flags", res, err);
}

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })

Test(cli_update, memory_sizes_take_runc_units)
{
	const struct {
		const char *in;
		int64_t bytes;
	} ok[] = {
		{ "1048576", 1048576 }, { "512k", 512 << 10 }, { "256m", 256 << 20 },
		{ "256M", 256 << 20 }, { "1g", 1ll << 30 }, { "1.5g", 3ll << 29 },
		{ "64KiB", 64 << 10 }, { "2mb", 2 << 20 }, { "4096b", 4096 }, { "1 g", 1ll << 30 },
		{ "-1", -1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		_cleanup_resources_ struct husk_resources *res = NULL;
		struct husk_error err = { 0 };
		char flag[] = "--memory", id[] = "c1";
		char *val = (char *)ok[i].in;

		cr_assert_eq(update_from(ARGV(flag, val, id), &res, &err), 0, "%s: %s", ok[i].in,
			     err.msg);
		cr_assert_not_null(res->memory);
		cr_expect(res->memory->limit.set);
		cr_expect_eq(res->memory->limit.value, ok[i].bytes, "%s gave %lld", ok[i].in,
			     (long long)res->memory->limit.value);
		cr_expect_null(res->cpu, "only memory was given");
	}
}

Test(cli_update, bad_sizes_name_the_flag)
{
	const char *bad[] = { "", "m", "12x", "1.g", "-5", "1kk", "1.5.5g" };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		_cleanup_resources_ struct husk_resources *res = NULL;
		struct husk_error err = { 0 };
		char flag[] = "--memory-swap", id[] = "c1";

		cr_expect_lt(update_from(ARGV(flag, (char *)bad[i], id), &res, &err), 0,
			     "\"%s\" was accepted", bad[i]);
		cr_expect(strstr(err.msg, "--memory-swap") != NULL, "%s", err.msg);
	}
}

Test(cli_update, every_flag)
{
	_cleanup_resources_ struct husk_resources *res = NULL;
	struct husk_error err = { 0 };
	char *argv[] = {
		"--memory", "256m", "--memory-reservation", "128m", "--memory-swap", "512m",
		"--cpu-shares", "512", "--cpu-quota", "50000", "--cpu-period", "100000",
		"--cpu-rt-runtime", "1000", "--cpu-rt-period", "10000", "--cpuset-cpus", "0-1",
		"--cpuset-mems", "0", "--pids-limit", "100", "--blkio-weight", "500", "c1", NULL,
	};

	cr_assert_eq(update_from(argv, &res, &err), 0, "%s", err.msg);
	cr_expect_eq(res->memory->limit.value, 256 << 20);
	cr_expect_eq(res->memory->reservation.value, 128 << 20);
	cr_expect_eq(res->memory->swap.value, 512 << 20);
	cr_expect_eq(res->cpu->shares.value, 512);
	cr_expect_eq(res->cpu->quota.value, 50000);
	cr_expect_eq(res->cpu->period.value, 100000);
	cr_expect_eq(res->cpu->realtime_runtime.value, 1000);
	cr_expect_eq(res->cpu->realtime_period.value, 10000);
	cr_expect_str_eq(res->cpu->cpus, "0-1");
	cr_expect_str_eq(res->cpu->mems, "0");
	cr_expect(res->pids_limit.set);
	cr_expect_eq(res->pids_limit.value, 100);
	cr_expect_eq(res->block_io->weight.value, 500);
}

Test(cli_update, runc_spelling_cpu_share)
{
	_cleanup_resources_ struct husk_resources *res = NULL;
	struct husk_error err = { 0 };
	char f[] = "--cpu-share", v[] = "1024", id[] = "c1";

	cr_assert_eq(update_from(ARGV(f, v, id), &res, &err), 0, "%s", err.msg);
	cr_expect_eq(res->cpu->shares.value, 1024);
	cr_expect_not(res->cpu->quota.set);
}

Test(cli_update, refusals)
{
	struct {
		char *argv[6];
		const char *says;
	} cases[] = {
		{ { "--kernel-memory", "64m", "c1" }, "deprecated" },
		{ { "--resources", "/x.json", "--memory", "1g", "c1" }, "cannot be combined" },
		{ { "c1" }, "nothing to update" },
		{ { "--cpu-quota", "lots", "c1" }, "--cpu-quota" },
		{ { "--cpu-period", "-1", "c1" }, "--cpu-period" },
		{ { "--pids-limit", "1e3", "c1" }, "--pids-limit" },
		{ { "--cpuset-cpus", "zero", "c1" }, ".cpu.cpus" },
		{ { "--blkio-weight", "5", "c1" }, ".blockIO.weight" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_resources_ struct husk_resources *res = NULL;
		struct husk_error err = { 0 };

		cr_expect_lt(update_from(cases[i].argv, &res, &err), 0, "case %zu accepted", i);
		cr_expect(strstr(err.msg, cases[i].says) != NULL, "case %zu: %s", i, err.msg);
	}
}

Test(cli_update, resources_file)
{
	char path[] = "/tmp/husk-update-XXXXXX";
	const char text[] = "{\"memory\":{\"limit\":67108864},\"pids\":{\"limit\":50}}";
	_cleanup_resources_ struct husk_resources *res = NULL;
	struct husk_error err = { 0 };
	int fd = mkstemp(path);
	char f[] = "--resources", id[] = "c1";

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cr_assert_eq(update_from(ARGV(f, path, id), &res, &err), 0, "%s", err.msg);
	unlink(path);
	cr_expect_eq(res->memory->limit.value, 64 << 20);
	cr_expect_eq(res->pids_limit.value, 50);

	spec_resources_free(res);
	res = NULL;
	cr_expect_lt(update_from(ARGV(f, path, id), &res, &err), 0, "a missing file");
	cr_expect(strstr(err.msg, path) != NULL, "%s", err.msg);
}

Test(cli_update, resources_object_errors_name_the_path)
{
	struct husk_resources *res = NULL;
	struct husk_error err = { 0 };
	const char *bad = "{\"memory\":{\"limit\":\"lots\"}}";

	cr_assert_lt(spec_parse_resources(bad, strlen(bad), "r.json", &res, &err), 0);
	cr_expect_null(res);
	cr_expect(strstr(err.msg, "r.json") && strstr(err.msg, ".memory.limit"), "%s", err.msg);
	cr_assert_lt(spec_parse_resources("[]", 2, "r.json", &res, &err), 0);
}

static const char base_config[] =
	"{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"
	"\"root\":{\"path\":\"rootfs\"},\"x-engine\":{\"keep\":[1,2]},"
	"\"linux\":{\"namespaces\":[{\"type\":\"pid\"}],\"resources\":{"
	"\"memory\":{\"limit\":268435456,\"swap\":536870912},\"pids\":{\"limit\":1000},"
	"\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}}}";

Test(cli_update, merge_keeps_everything_else)
{
	const char *upd = "{\"memory\":{\"limit\":134217728},\"cpu\":{\"quota\":50000}}";
	_cleanup_spec_ struct husk_spec *spec = NULL;
	_cleanup_free_ char *out = NULL;
	struct husk_error err = { 0 };
	size_t len;

	cr_assert_eq(spec_merge_resources(base_config, strlen(base_config), upd, strlen(upd),
					  &out, &len, &err), 0, "%s", err.msg);
	cr_assert_eq(strlen(out), len);
	cr_assert_eq(spec_parse(out, len, "merged", &spec, &err), 0, "%s", err.msg);
	cr_expect_eq(spec->linux_->resources->memory->limit.value, 134217728, "updated");
	cr_expect_eq(spec->linux_->resources->memory->swap.value, 536870912, "kept");
	cr_expect_eq(spec->linux_->resources->pids_limit.value, 1000, "kept");
	cr_expect_eq(spec->linux_->resources->cpu->quota.value, 50000, "added");
	cr_expect_eq(spec->linux_->resources->n_devices, 1, "kept");
	cr_expect(strstr(out, "\"x-engine\"") && strstr(out, "\"keep\""),
		  "a field husk does not know survives: %s", out);
}

Test(cli_update, merge_into_config_without_resources)
{
	const char cfg[] = "{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"
			   "\"root\":{\"path\":\"rootfs\"}}";
	const char *upd = "{\"pids\":{\"limit\":7}}";
	_cleanup_spec_ struct husk_spec *spec = NULL;
	_cleanup_free_ char *out = NULL;
	struct husk_error err = { 0 };
	size_t len;

	cr_assert_eq(spec_merge_resources(cfg, strlen(cfg), upd, strlen(upd), &out, &len, &err),
		     0, "%s", err.msg);
	cr_assert_eq(spec_parse(out, len, "merged", &spec, &err), 0, "%s", err.msg);
	cr_expect_eq(spec->linux_->resources->pids_limit.value, 7);
}

Test(cli_update, merge_refuses_a_result_husk_would_not_run)
{
	const char *upd = "{\"memory\":{\"limit\":-7}}";
	_cleanup_free_ char *out = NULL;
	struct husk_error err = { 0 };
	size_t len;

	cr_expect_lt(spec_merge_resources(base_config, strlen(base_config), upd, strlen(upd),
					  &out, &len, &err), 0);
	cr_expect_null(out);
	cr_expect(strstr(err.msg, ".linux.resources.memory.limit") != NULL, "%s", err.msg);
}
