/* SPDX-License-Identifier: GPL-2.0-or-later */
/* spec_parse_process() (exec --process), spec_load() and state_file_parse(). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "husk/json.h"
#include "husk/spec.h"
#include "husk/util.h"
#include "test_spec_util.h"

static int parse_process(const char *text, struct husk_process **out, struct husk_error *err)
{
	_cleanup_free_ char *json = q(text);

	return spec_parse_process(json, strlen(json), "process.json", out, err);
}

static void process_err(const char *text, const char *expected)
{
	struct husk_process *p = NULL;
	struct husk_error err = { 0 };

	cr_assert_lt(parse_process(text, &p, &err), 0, "accepted; expected %s", expected);
	cr_assert_null(p);
	cr_assert_str_eq(err.msg, expected);
}

/* ---- exec --process ------------------------------------------------------------------ */

Test(spec_process, standalone_process)
{
	struct husk_process *p = NULL;
	struct husk_error err = { 0 };

	cr_assert_eq(parse_process("{'terminal':false,'user':{'uid':1,'gid':2},"
				   "'args':['/bin/ls','-l'],'env':['A=b'],'cwd':'/srv',"
				   "'capabilities':{'bounding':['CAP_KILL']},"
				   "'rlimits':[{'type':'RLIMIT_NPROC','soft':5,'hard':9}],"
				   "'noNewPrivileges':true,'apparmorProfile':'p','unknown':{}}",
				   &p, &err),
		     0, "%s", err.msg);
	cr_assert_str_eq(p->args[1], "-l");
	cr_assert_eq(p->user.gid, 2);
	cr_assert_str_eq(p->cwd, "/srv");
	cr_assert_eq(p->rlimits[0].resource, RLIMIT_NPROC);
	cr_assert_str_eq(p->capabilities->bounding[0], "CAP_KILL");
	cr_assert(p->no_new_privileges);
	cr_assert_str_eq(p->apparmor_profile, "p");
	spec_process_free(p);
}

Test(spec_process, errors_are_rooted_at_the_process)
{
	process_err("{'args':[],'cwd':'/'}", "process.json: .args: must be a non-empty array of "
		    "strings");
	process_err("{'args':['a'],'cwd':'rel'}", "process.json: .cwd: must be an absolute path, "
		    "got \"rel\"");
	process_err("{'args':['a'],'cwd':'/','user':{'uid':'root'}}",
		    "process.json: .user.uid: expected an unsigned 32-bit integer, got \"root\"");
	process_err("['a']", "process.json: top level: expected an object, got an array");
	process_err("{'args':['a'],", "process.json: invalid JSON at line 1, column 15: "
		    "unexpected end of input (is the file truncated?)");
}

/* ---- spec_load ------------------------------------------------------------------------ */

Test(spec_load, missing_file_says_what_to_do)
{
	struct husk_spec *s = NULL;
	struct husk_error err = { 0 };

	cr_assert_eq(spec_load("/nonexistent-husk-bundle", &s, &err), -ENOENT);
	cr_assert_str_eq(err.msg, "open /nonexistent-husk-bundle/config.json: No such file or "
			 "directory (is --bundle right? 'husk spec' writes a default config.json)");
	cr_assert_null(s);
}

static char *make_bundle(const char *content, size_t len)
{
	char *dir = xstrdup("/tmp/husk-spec-load-XXXXXX");
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;

	cr_assert_not_null(mkdtemp(dir));
	path = xasprintf("%s/config.json", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write_all(fd, content, len), 0);
	return dir;
}

static void remove_bundle(char *dir)
{
	_cleanup_free_ char *path = xasprintf("%s/config.json", dir);

	unlink(path);
	rmdir(dir);
	free(dir);
}

Test(spec_load, loads_and_names_config_json)
{
	_cleanup_free_ char *good = q("{" BASE ",'hostname':'h'}");
	_cleanup_free_ char *bad = q("{'root':{'path':'r'}}");
	char *dir = make_bundle(good, strlen(good));
	struct husk_error err = { 0 };
	struct husk_spec *s = NULL;

	cr_assert_eq(spec_load(dir, &s, &err), 0, "%s", err.msg);
	cr_assert_str_eq(s->hostname, "h");
	spec_free(s);
	remove_bundle(dir);

	dir = make_bundle(bad, strlen(bad));
	s = NULL;
	cr_assert_eq(spec_load(dir, &s, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "config.json: .ociVersion: required field is missing");
	remove_bundle(dir);
}

Test(spec_load, refuses_a_huge_file)
{
	size_t n = SPEC_MAX_BYTES + 10;
	_cleanup_free_ char *big = xmalloc(n);
	_cleanup_free_ char *expected = NULL;
	struct husk_error err = { 0 };
	struct husk_spec *s = NULL;
	char *dir;

	memset(big, ' ', n);
	dir = make_bundle(big, n);
	cr_assert_eq(spec_load(dir, &s, &err), -EFBIG);
	expected = xasprintf("%s/config.json: larger than %u bytes", dir, SPEC_MAX_BYTES);
	cr_assert_str_eq(err.msg, expected);
	remove_bundle(dir);
}

/* ---- state.json ------------------------------------------------------------------------ */

Test(state_file, round_trip_through_the_writer)
{
	_cleanup_json_writer_ struct json_writer *w = json_writer_new(false);
	_cleanup_state_file_ struct husk_state_file *st = NULL;
	struct husk_error err = { 0 };
	const char *buf;
	size_t len;

	json_open_object(w);
	json_kv_string(w, "ociVersion", "1.2.0");
	json_kv_string(w, "id", "web-1");
	json_kv_string(w, "status", "running");
	json_kv_int(w, "pid", 4242);
	json_kv_uint(w, "pidStartTime", 18446744073709551615u);
	json_kv_string(w, "bundle", "/srv/bundle");
	json_kv_string(w, "rootfs", "/srv/bundle/rootfs");
	json_kv_string(w, "created", "2024-01-02T03:04:05.123456789Z");
	json_kv_string(w, "owner", "");
	json_key(w, "annotations");
	json_open_object(w);
	json_kv_string(w, "a", "b \"quoted\"");
	json_close_object(w);
	json_kv_string(w, "cgroupPath", "/sys/fs/cgroup/husk/web-1");
	json_kv_bool(w, "systemdCgroup", true);
	json_kv_bool(w, "rootless", true);
	json_close_object(w);
	cr_assert_eq(json_writer_finish(w, &buf, &len, &err), 0);

	cr_assert_eq(state_file_parse(buf, len, &st, &err), 0, "%s", err.msg);
	cr_assert_str_eq(st->oci_version, "1.2.0");
	cr_assert_str_eq(st->id, "web-1");
	cr_assert_str_eq(st->status, "running");
	cr_assert_eq(st->pid, 4242);
	cr_assert_eq(st->pid_start_time, UINT64_MAX);
	cr_assert_str_eq(st->bundle, "/srv/bundle");
	cr_assert_str_eq(st->rootfs, "/srv/bundle/rootfs");
	cr_assert_str_eq(st->created, "2024-01-02T03:04:05.123456789Z");
	cr_assert_str_eq(st->owner, "");
	cr_assert_eq(st->n_annotations, 1);
	cr_assert_str_eq(st->annotations[0].value, "b \"quoted\"");
	cr_assert_str_eq(st->cgroup_path, "/sys/fs/cgroup/husk/web-1");
	cr_assert(st->systemd_cgroup);
	cr_assert(st->rootless);
}

Test(state_file, minimal_and_defaults)
{
	_cleanup_free_ char *json = q("{'id':'x','status':'stopped'}");
	_cleanup_state_file_ struct husk_state_file *st = NULL;
	struct husk_error err = { 0 };

	cr_assert_eq(state_file_parse(json, strlen(json), &st, &err), 0, "%s", err.msg);
	cr_assert_eq(st->pid, 0);
	cr_assert_null(st->cgroup_path);
	cr_assert_not(st->rootless);
	cr_assert_null(st->annotations);
}

static void state_err(const char *text, const char *expected)
{
	_cleanup_free_ char *json = q(text);
	struct husk_state_file *st = NULL;
	struct husk_error err = { 0 };

	cr_assert_lt(state_file_parse(json, strlen(json), &st, &err), 0);
	cr_assert_null(st);
	cr_assert_str_eq(err.msg, expected);
}

Test(state_file, errors)
{
	state_err("{'status':'running'}", "state.json: .id: required field is missing");
	state_err("{'id':'x','status':'dancing'}", "state.json: .status: unknown status "
						   "\"dancing\"");
	state_err("{'id':'x','status':'running','pid':-5}",
		  "state.json: .pid: expected an integer from 0 to 2147483647, got -5");
	state_err("{'id':'x','status':'running','pidStartTime':'soon'}",
		  "state.json: .pidStartTime: expected an unsigned 64-bit integer, got \"soon\"");
	state_err("{'id':'x','status':'running','rootless':1}",
		  "state.json: .rootless: expected true or false, got 1");
	state_err("{'id':'x','status':'running'", "state.json: invalid JSON at line 1, column 29: "
		  "unexpected end of input (is the file truncated?)");
}
