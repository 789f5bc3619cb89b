/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for src/launch/process.c and the error convention. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/error.h"
#include "husk/util.h"
#include "launch/launch-internal.h"

static char tmpdir[64];

static void make_tree(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/husk-unit-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	char *p = xasprintf("%s/bin", tmpdir);
	cr_assert_eq(mkdir(p, 0755), 0);
	free(p);
	p = xasprintf("%s/bin/tool", tmpdir);
	int fd = open(p, O_CREAT | O_WRONLY, 0755);
	cr_assert_geq(fd, 0);
	close(fd);
	free(p);
	p = xasprintf("%s/bin/data", tmpdir);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	cr_assert_geq(fd, 0);
	close(fd);
	free(p);
}

static void remove_tree(void)
{
	char *cmd = xasprintf("rm -rf %s", tmpdir);
	cr_assert_eq(system(cmd), 0);
	free(cmd);
}

TestSuite(launch_process, .init = make_tree, .fini = remove_tree);

static int find(const char *arg0, const char *path_env, char **out, struct husk_error *err)
{
	char *args[] = { (char *)arg0, NULL };
	char *env[] = { (char *)path_env, NULL };
	struct husk_process p = { .args = args, .env = path_env ? env : NULL, .cwd = "/" };

	return process_find_executable(&p, out, err);
}

Test(launch_process, finds_in_path)
{
	struct husk_error err;
	_cleanup_free_ char *path_env = xasprintf("PATH=/nonexistent:%s/bin", tmpdir);
	_cleanup_free_ char *want = xasprintf("%s/bin/tool", tmpdir);
	_cleanup_free_ char *out = NULL;

	husk_error_clear(&err);
	cr_assert_eq(find("tool", path_env, &out, &err), 0, "%s", err.msg);
	cr_assert_str_eq(out, want);
}

Test(launch_process, missing_names_the_path)
{
	struct husk_error err;
	char *out = NULL;

	husk_error_clear(&err);
	cr_assert_eq(find("/bin/nope-husk", NULL, &out, &err), -ENOENT);
	cr_assert_null(out);
	cr_assert_str_eq(err.msg, "exec \"/bin/nope-husk\": No such file or directory");
}

Test(launch_process, missing_in_path_says_which_path)
{
	struct husk_error err;
	char *out = NULL;

	husk_error_clear(&err);
	cr_assert_eq(find("nope", "PATH=/nonexistent", &out, &err), -ENOENT);
	cr_assert(strstr(err.msg, "exec \"nope\": No such file or directory") != NULL, "%s",
		  err.msg);
	cr_assert(strstr(err.msg, "PATH=/nonexistent") != NULL, "%s", err.msg);
}

Test(launch_process, not_executable_is_eacces)
{
	struct husk_error err;
	char *out = NULL;
	_cleanup_free_ char *path_env = xasprintf("PATH=%s/bin", tmpdir);

	/* Even root needs one x bit to execute; 0644 has none. */
	husk_error_clear(&err);
	cr_assert_eq(find("data", path_env, &out, &err), -EACCES, "%s", err.msg);
	cr_assert(strstr(err.msg, "Permission denied") != NULL, "%s", err.msg);
}

Test(launch_process, directory_is_not_executable)
{
	struct husk_error err;
	char *out = NULL;
	_cleanup_free_ char *dir = xasprintf("%s/bin", tmpdir);

	husk_error_clear(&err);
	cr_assert_eq(find(dir, NULL, &out, &err), -EISDIR);
}

static int sysctl_with(const char *key, enum husk_ns_type ns, bool with_ns, struct husk_error *err)
{
	struct husk_kv kv = { .key = (char *)key, .value = (char *)"1" };
	struct husk_namespace nss[] = { { .type = ns } };
	struct husk_linux lx = { .sysctl = &kv, .n_sysctl = 1, .namespaces = nss,
				 .n_namespaces = with_ns ? 1 : 0 };
	struct husk_spec spec = { .linux_ = &lx };
	struct child_ctx ctx = { .spec = &spec };

	return process_sysctl(&ctx, err);
}

Test(launch_process, sysctl_refuses_host_wide_keys)
{
	struct husk_error err;

	husk_error_clear(&err);
	cr_assert_eq(sysctl_with("kernel.panic", NS_UTS, true, &err), -EINVAL);
	cr_assert(strstr(err.msg, ".linux.sysctl[\"kernel.panic\"]: not namespaced") != NULL, "%s",
		  err.msg);
}

Test(launch_process, sysctl_needs_its_namespace)
{
	struct husk_error err;

	husk_error_clear(&err);
	cr_assert_eq(sysctl_with("net.ipv4.ip_forward", NS_IPC, true, &err), -EINVAL);
	cr_assert(strstr(err.msg, "needs the container's own network namespace") != NULL, "%s",
		  err.msg);
	husk_error_clear(&err);
	cr_assert_eq(sysctl_with("kernel.shmmax", NS_NETWORK, true, &err), -EINVAL);
	cr_assert(strstr(err.msg, "own ipc namespace") != NULL, "%s", err.msg);
}

Test(launch_process, sysctl_rejects_path_tricks)
{
	struct husk_error err;

	husk_error_clear(&err);
	cr_assert_eq(sysctl_with("net/../../etc/passwd", NS_NETWORK, true, &err), -EINVAL);
	cr_assert(strstr(err.msg, "not a sysctl name") != NULL, "%s", err.msg);
	husk_error_clear(&err);
	cr_assert_eq(sysctl_with("net..core", NS_NETWORK, true, &err), -EINVAL);
}

Test(error, prefix_and_hint_compose_outside_in)
{
	struct husk_error err;

	husk_error_clear(&err);
	cr_assert_eq(husk_error_set(&err, EPERM, "mount proc on %s", "/proc"), -EPERM);
	cr_assert_eq(husk_error_prefix(&err, "rootfs"), -EPERM);
	husk_error_hint(&err, "is the pid namespace missing?");
	cr_assert_str_eq(err.msg, "rootfs: mount proc on /proc: Operation not permitted "
				  "(is the pid namespace missing?)");
	cr_assert_eq(err.errnum, EPERM);
}

Test(error, long_messages_truncate_safely)
{
	struct husk_error err;
	char big[4000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	husk_error_clear(&err);
	husk_error_setq(&err, EINVAL, "%s", big);
	husk_error_prefix(&err, "%s", big);
	husk_error_hint(&err, "%s", big);
	cr_assert_lt(strlen(err.msg), sizeof(err.msg));
	cr_assert_eq(husk_error_setq(&err, 0, "no errno"), -EINVAL);
}

Test(util, atomic_write_into_a_subdirectory)
{
	char dir[] = "/tmp/husk-unit-atomic-XXXXXX";
	struct husk_error err;
	_cleanup_free_ char *sub = NULL, *text = NULL;
	size_t len = 0;
	int dfd;

	cr_assert_not_null(mkdtemp(dir));
	sub = xasprintf("%s/sub", dir);
	cr_assert_eq(mkdir(sub, 0700), 0);
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(dfd, 0);
	husk_error_clear(&err);
	cr_assert_eq(write_file_atomic_at(dfd, "sub/pid", "42", 2, 0644, &err), 0, "%s", err.msg);
	cr_assert_eq(read_file_at(dfd, "sub/pid", 64, &text, &len, &err), 0, "%s", err.msg);
	cr_assert_str_eq(text, "42");
	/* Nothing but the target is left in the directory. */
	_cleanup_free_ char *cmd = xasprintf("test $(ls -A %s | wc -l) -eq 1", sub);
	cr_assert_eq(system(cmd), 0);
	close(dfd);
	free(cmd);
	cmd = xasprintf("rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

Test(launch_process, cpu_lists)
{
	cpu_set_t set;

	cr_assert_eq(cpu_list_parse("0-3,7", &set), 0);
	cr_assert_eq(CPU_COUNT(&set), 5);
	cr_assert(CPU_ISSET(7, &set) && CPU_ISSET(0, &set) && !CPU_ISSET(4, &set));
	cr_assert_eq(cpu_list_parse("1", &set), 0);
	cr_assert_eq(CPU_COUNT(&set), 1);
	static const char *const bad[] = { "", ",", "1,", "3-1", "a", "1-", "-1", "1,,2",
					   "99999", "1 2" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		cr_assert_eq(cpu_list_parse(bad[i], &set), -EINVAL, "\"%s\"", bad[i]);
}

#include "launch/rootfs-internal.h"

Test(launch_process, mount_label_goes_to_labelled_filesystems)
{
	struct husk_linux lx = { .mount_label = (char *)"system_u:object_r:container_file_t:s0" };
	struct husk_spec spec = { .linux_ = &lx }, bare = { 0 };
	char *own[] = { (char *)"size=1m", (char *)"context=\"x\"", NULL };
	char *plain[] = { (char *)"size=1m", NULL };

	cr_assert_str_eq(mount_label_for(&spec, "tmpfs", plain), lx.mount_label);
	cr_assert_str_eq(mount_label_for(&spec, "devpts", NULL), lx.mount_label);
	cr_assert_str_eq(mount_label_for(&spec, "mqueue", NULL), lx.mount_label);
	cr_assert_null(mount_label_for(&spec, "proc", NULL));
	cr_assert_null(mount_label_for(&spec, "sysfs", NULL));
	cr_assert_null(mount_label_for(&spec, "tmpfs", own), "the mount's own context wins");
	cr_assert_null(mount_label_for(&bare, "tmpfs", plain));
}
