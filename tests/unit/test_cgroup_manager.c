/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/cgroup/cgroup.c against fake v2, v1 and hybrid trees: where the
 * container's cgroup goes (.linux.cgroupsPath), which directories
 * cgroup_create() makes and records, the v1 cpuset inheritance, the v2
 * subtree_control writes, and rootless without delegation.
 */
#include "test_cgroup_manager.h"

#include <pthread.h>

static void setup_v2(void)
{
	fake_host(FAKE_V2, "/user.slice/u.service");
}

static void setup_v2_root(void)
{
	fake_host(FAKE_V2, "/");
}

static void setup_v1(void)
{
	fake_host(FAKE_V1, "/user.slice/u.service");
}

static void setup_hybrid(void)
{
	fake_host(FAKE_HYBRID, "/");
}

TestSuite(cgroup_manager, .init = setup_v2, .fini = fake_teardown);
TestSuite(cgroup_manager_v2root, .init = setup_v2_root, .fini = fake_teardown);
TestSuite(cgroup_manager_v1, .init = setup_v1, .fini = fake_teardown);
TestSuite(cgroup_manager_hybrid, .init = setup_hybrid, .fini = fake_teardown);

#define V2 "sys/fs/cgroup"

/* ---- paths ---------------------------------------------------------------------- */

/* On v2 a relative path goes below the parent of husk's own cgroup (a leaf with husk in it). */
Test(cgroup_manager, default_path_is_husk_id_beside_our_own_cgroup)
{
	_cleanup_cgroup_ struct cgroup *a = create_ok(&(struct cgroup_opts){ .id = "t" });
	_cleanup_cgroup_ struct cgroup *b = create_ok(&(struct cgroup_opts){ .id = "u", .path = "" });

	cr_assert_str_eq(cgroup_path(a), "/user.slice/husk-t");
	assert_dir(a, "unified", V2 "/user.slice/husk-t");
	cr_assert(is_dir_at(V2 "/user.slice/husk-t"));
	cr_assert_str_eq(cgroup_path(b), "/user.slice/husk-u");
	cr_assert(cgroup_exists(a));
	cr_assert_null(cgroup_notice(a));
	cr_assert_null(cgroup_unit(a));
	cr_assert_eq(cgroup_clone_fd(a) >= 0, true, "a cgroup2 directory to be born into");
}

Test(cgroup_manager, relative_and_absolute_paths)
{
	_cleanup_cgroup_ struct cgroup *rel =
		create_ok(&(struct cgroup_opts){ .id = "t", .path = "pod//c1/" });
	_cleanup_cgroup_ struct cgroup *abs =
		create_ok(&(struct cgroup_opts){ .id = "u", .path = "//x/y//" });

	cr_assert_str_eq(cgroup_path(rel), "/user.slice/pod/c1");
	assert_dir(rel, "unified", V2 "/user.slice/pod/c1");
	cr_assert_str_eq(cgroup_path(abs), "/x/y");
	assert_dir(abs, "unified", V2 "/x/y");
	cr_assert(is_dir_at(V2 "/x/y"));
}

/*
 * A cgroup that exists already is taken when empty (a crashed create left
 * it), refused when it has processes (another container's), and refused
 * when it is no directory.
 */
Test(cgroup_manager, an_existing_cgroup_with_processes_is_refused)
{
	struct husk_error err = { 0 };
	_cleanup_free_ char *want = NULL;

	put(V2 "/user.slice/empty/cgroup.procs", "");
	cgroup_free(create_ok(&(struct cgroup_opts){ .id = "t", .path = "empty" }));
	put(V2 "/user.slice/busy/cgroup.procs", "4242\n");
	create_fails(&(struct cgroup_opts){ .id = "u", .path = "busy" }, EEXIST, &err);
	want = xasprintf("the cgroup %s/" V2 "/user.slice/busy already exists with processes in "
			 "it: is another container using this .linux.cgroupsPath?", root);
	cr_assert_str_eq(err.msg, want);
	put(V2 "/user.slice/file", "");
	create_fails(&(struct cgroup_opts){ .id = "v", .path = "file" }, ENOTDIR, &err);
}

/* husk in the root cgroup: relative paths start at the root, there is no parent. */
Test(cgroup_manager_v2root, relative_below_the_root)
{
	_cleanup_cgroup_ struct cgroup *cg = create_ok(&(struct cgroup_opts){ .id = "t", .path = "a" });

	cr_assert_str_eq(cgroup_path(cg), "/a");
	assert_dir(cg, "unified", V2 "/a");
}

static void refused(const char *path, int errnum, const char *msg)
{
	struct husk_error err = { 0 };

	create_fails(&(struct cgroup_opts){ .id = "t", .path = path }, errnum, &err);
	cr_assert_str_eq(err.msg, msg, "%s", path);
}

Test(cgroup_manager, dot_components_and_the_root_are_refused)
{
	refused("a/../b", EINVAL, "config.json: .linux.cgroupsPath: \"a/../b\" has a \"..\" "
		"component: the container's cgroup must stay below the cgroup root");
	refused("/..", EINVAL, "config.json: .linux.cgroupsPath: \"/..\" has a \"..\" "
		"component: the container's cgroup must stay below the cgroup root");
	refused("./x", EINVAL, "config.json: .linux.cgroupsPath: \"./x\" has a \".\" "
		"component: the container's cgroup must stay below the cgroup root");
	refused("/", EINVAL, "config.json: .linux.cgroupsPath: \"/\" names the cgroup root "
		"itself; give the container a cgroup of its own (or leave cgroupsPath out)");
	refused("///", EINVAL, "config.json: .linux.cgroupsPath: \"///\" names the cgroup root "
		"itself; give the container a cgroup of its own (or leave cgroupsPath out)");
	cr_assert_not(exists_at(V2 "/user.slice/a"), "nothing made for a refused path");
	cr_assert_not(exists_at(V2 "/user.slice/b"));
}

Test(cgroup_manager, components_up_to_name_max)
{
	char name[NAME_MAX + 2], path[NAME_MAX + 8];
	struct husk_error err = { 0 };

	memset(name, 'n', sizeof(name) - 1);
	name[NAME_MAX] = '\0';
	snprintf(path, sizeof(path), "/%s", name);
	cgroup_free(create_ok(&(struct cgroup_opts){ .id = "t", .path = path }));
	name[NAME_MAX] = 'n';
	name[NAME_MAX + 1] = '\0';
	snprintf(path, sizeof(path), "a/%s", name);
	create_fails(&(struct cgroup_opts){ .id = "t", .path = path }, ENAMETOOLONG, &err);
	cr_assert(str_has_prefix(err.msg, "config.json: .linux.cgroupsPath: a component of "
				 "\"a/nnnn"), "%s", err.msg);
	cr_assert(strstr(err.msg, "is longer than 255 bytes"), "%s", err.msg);
}

/* ---- v2: subtree_control ---------------------------------------------------------- */

/*
 * A FIFO in place of a cgroup.subtree_control, read by a thread: every
 * write to it, in order (a plain file would keep only the last).  Opened
 * O_RDWR (Linux: never blocks), the reader never sees an end of file, so
 * nothing a writer leaves between two reads is lost.
 */
struct fifo_log {
	char *path;
	int fd;
	char buf[1024];
	size_t len;
	pthread_t thread;
};

static void *fifo_read(void *arg)
{
	struct fifo_log *l = arg;
	ssize_t k;

	while (!strstr(l->buf, "|end") && l->len < sizeof(l->buf) - 1 &&
	       (k = read(l->fd, l->buf + l->len, sizeof(l->buf) - 1 - l->len)) > 0) {
		l->len += (size_t)k;
		l->buf[l->len] = '\0';
	}
	return NULL;
}

static void fifo_start(struct fifo_log *l, const char *rel)
{
	l->path = at(rel);
	l->len = 0;
	l->buf[0] = '\0';
	cr_assert_eq(mkfifo(l->path, 0644), 0, "mkfifo %s: %m", l->path);
	l->fd = open(l->path, O_RDWR | O_CLOEXEC);
	cr_assert_geq(l->fd, 0);
	cr_assert_eq(pthread_create(&l->thread, NULL, fifo_read, l), 0);
}

/* What was written, "|end" being the end the test wrote itself. */
static const char *fifo_stop(struct fifo_log *l)
{
	int fd = open(l->path, O_WRONLY | O_CLOEXEC);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "|end", 4), 4);
	close(fd);
	cr_assert_eq(pthread_join(l->thread, NULL), 0);
	close(l->fd);
	free(l->path);
	return l->buf;
}

Test(cgroup_manager, parent_passes_its_controllers_down)
{
	struct fifo_log log;

	put(V2 "/user.slice/cgroup.controllers", "memory pids\n");
	put(V2 "/cgroup.subtree_control", "");
	fifo_start(&log, V2 "/user.slice/cgroup.subtree_control");
	cgroup_free(create_ok(&(struct cgroup_opts){ .id = "t", .path = "pod/c" }));
	/* One controller a write, so one the kernel refuses leaves the others;
	 * "pod", made by us, has no cgroup.controllers in a fake tree: nothing. */
	cr_assert_str_eq(fifo_stop(&log), "+memory+pids|end");
	assert_file(V2 "/cgroup.subtree_control", "");
	cr_assert_not(exists_at(V2 "/user.slice/pod/cgroup.subtree_control"));
}

Test(cgroup_manager_v2root, root_passes_every_controller_down)
{
	struct fifo_log log;

	fifo_start(&log, V2 "/cgroup.subtree_control");
	cgroup_free(create_ok(&(struct cgroup_opts){ .id = "t" }));
	cr_assert_str_eq(fifo_stop(&log), "+cpu+io+memory+pids+hugetlb|end");
}

/* ---- v1 and hybrid: every hierarchy -------------------------------------------------- */

static const char *const v1_names[] = { "memory", "cpu", "cpuacct", "pids", "freezer",
					"hugetlb", NULL };

static const char *v1_mount(const char *name)
{
	return strcmp(name, "cpu") == 0 || strcmp(name, "cpuacct") == 0 ? "cpu,cpuacct" : name;
}

/* With a limit in each, a directory in every v1 controller (name=systemd left out). */
Test(cgroup_manager_v1, a_directory_in_every_controller_below_our_own)
{
	_cleanup_resources_ struct husk_resources *r = resources(
		"{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":0}]}");
	_cleanup_cgroup_ struct cgroup *cg =
		create_ok(&(struct cgroup_opts){ .id = "t", .resources = r });
	struct husk_kv *dirs = NULL;
	size_t n = cgroup_record_dirs(cg, &dirs);

	cr_assert_eq(n, 6, "one per v1 controller, name=systemd left out");
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *rel = xasprintf(V2 "/%s/user.slice/u.service/husk-t",
						     v1_mount(v1_names[i]));
		_cleanup_free_ char *want = at(rel);

		cr_assert_str_eq(dirs[i].key, v1_names[i]);
		cr_assert_str_eq(dirs[i].value, want);
		cr_assert(is_dir_at(rel));
		free(dirs[i].key);
		free(dirs[i].value);
	}
	free(dirs);
	cr_assert_str_eq(cgroup_path(cg), "/user.slice/u.service/husk-t");
	cr_assert_eq(cgroup_clone_fd(cg), -1, "no cgroup2 directory: nothing to be born into");
	cr_assert_not(exists_at(V2 "/systemd/user.slice"));
}

/* Each v1 hierarchy has husk's own cgroup of its own. */
Test(cgroup_manager_v1, relative_below_our_own_in_each_hierarchy)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;

	put("proc/self/cgroup", "3:memory:/m/x\n2:pids:/p\n1:name=systemd:/s\n");
	reread();
	cg = create_ok(&(struct cgroup_opts){ .id = "t", .path = "c" });
	assert_dir(cg, "memory", V2 "/memory/m/x/c");
	assert_dir(cg, "pids", V2 "/pids/p/c");
	assert_dir(cg, "freezer", NULL);
	cr_assert_str_eq(cgroup_path(cg), "/m/x/c", "the first hierarchy's");
}

Test(cgroup_manager_v1, absolute_from_each_root)
{
	_cleanup_cgroup_ struct cgroup *cg =
		create_ok(&(struct cgroup_opts){ .id = "t", .path = "/c" });

	assert_dir(cg, "memory", V2 "/memory/c");
	assert_dir(cg, "cpuacct", V2 "/cpu,cpuacct/c");
	cr_assert_str_eq(cgroup_path(cg), "/c");
}

/* The fake v1 host with a cpuset hierarchy (husk in its root). */
static void add_cpuset(void)
{
	_cleanup_free_ char *self = get("proc/self/cgroup");
	_cleanup_free_ char *more = xasprintf("%s9:cpuset:/\n", self);

	mkdir_at(V2 "/cpuset");
	put("proc/self/cgroup", more);
	reread();
	cr_assert_not_null(host_cgroup_v1("cpuset"));
}

/* A new v1 cpuset is empty: cpus and mems come from the parent, filled first itself. */
/*
 * Without limits, the hierarchies events reads and pause needs (memory,
 * cpu, cpuacct, pids, freezer), not the others: each costs a mkdir, an
 * attach and an rmdir.
 */
Test(cgroup_manager_v1, only_the_hierarchies_needed)
{
	_cleanup_cgroup_ struct cgroup *cg = create_ok(&(struct cgroup_opts){ .id = "t" });
	struct husk_kv *dirs = NULL;
	size_t n = cgroup_record_dirs(cg, &dirs);

	cr_assert_eq(n, 5);
	for (size_t i = 0; i < n; i++) {
		cr_assert_str_neq(dirs[i].key, "hugetlb");
		free(dirs[i].key);
		free(dirs[i].value);
	}
	free(dirs);
	cr_assert_not(exists_at(V2 "/hugetlb/user.slice/u.service/husk-t"));
}

#define CPUS "{\"cpu\":{\"cpus\":\"0\"}}"

Test(cgroup_manager_v1, cpuset_inherits_from_the_parents)
{
	_cleanup_resources_ struct husk_resources *r = resources(CPUS);

	add_cpuset();
	put(V2 "/cpuset/cpuset.cpus", "0-3\n");
	put(V2 "/cpuset/cpuset.mems", "0\n");
	put(V2 "/cpuset/a/cpuset.cpus", "\n");
	put(V2 "/cpuset/a/cpuset.mems", "");
	put(V2 "/cpuset/a/b/cpuset.cpus", "");
	put(V2 "/cpuset/a/b/cpuset.mems", "");
	cgroup_free(create_ok(&(struct cgroup_opts){ .id = "t", .path = "/a/b", .resources = r }));
	assert_file(V2 "/cpuset/a/cpuset.cpus", "0-3\n");
	assert_file(V2 "/cpuset/a/cpuset.mems", "0\n");
	assert_file(V2 "/cpuset/a/b/cpuset.cpus", "0-3\n");
	assert_file(V2 "/cpuset/a/b/cpuset.mems", "0\n");
}

Test(cgroup_manager_v1, cpuset_already_set_is_kept)
{
	_cleanup_resources_ struct husk_resources *r = resources(CPUS);

	add_cpuset();
	put(V2 "/cpuset/cpuset.cpus", "0-3\n");
	put(V2 "/cpuset/cpuset.mems", "0\n");
	put(V2 "/cpuset/c/cpuset.cpus", "1\n");
	put(V2 "/cpuset/c/cpuset.mems", "");
	cgroup_free(create_ok(&(struct cgroup_opts){ .id = "t", .path = "/c", .resources = r }));
	assert_file(V2 "/cpuset/c/cpuset.cpus", "1\n");
	assert_file(V2 "/cpuset/c/cpuset.mems", "0\n");
}

/* A hierarchy that fails undoes what the ones before it made (the leaf). */
Test(cgroup_manager_v1, a_failure_leaves_nothing)
{
	struct husk_error err = { 0 };
	_cleanup_free_ char *want = NULL;

	put(V2 "/pids/a", "not a directory");
	create_fails(&(struct cgroup_opts){ .id = "t", .path = "/a/b" }, ENOTDIR, &err);
	want = xasprintf("make the container's cgroup: mkdir %s/" V2 "/pids/a/b: Not a directory",
			 root);
	cr_assert_str_eq(err.msg, want);
	cr_assert_not(exists_at(V2 "/memory/a/b"), "made before the failure, removed");
	cr_assert_not(exists_at(V2 "/cpu,cpuacct/a/b"));
	cr_assert(is_dir_at(V2 "/memory/a"), "intermediates may be shared: kept");
}

/*
 * A limit in cgroup2's hugetlb: unified first, then every v1 controller
 * (hugetlb's too: which of the two holds the limit is the writer's
 * choice).  Without such a limit a hybrid container stays out of cgroup2:
 * v1's freezer pauses it.
 */
Test(cgroup_manager_hybrid, unified_first_then_every_v1_controller)
{
	_cleanup_resources_ struct husk_resources *r = resources(
		"{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":0}]}");
	_cleanup_cgroup_ struct cgroup *none = create_ok(&(struct cgroup_opts){ .id = "u" });
	_cleanup_cgroup_ struct cgroup *cg =
		create_ok(&(struct cgroup_opts){ .id = "t", .resources = r });
	struct husk_kv *dirs = NULL;
	size_t n = cgroup_record_dirs(cg, &dirs);

	cr_assert_eq(n, 7);
	cr_assert_str_eq(dirs[0].key, "unified");
	for (size_t i = 0; i < n; i++) {
		const char *name = i == 0 ? "unified" : v1_names[i - 1];
		_cleanup_free_ char *rel = xasprintf(V2 "/%s/husk-t", v1_mount(name));
		_cleanup_free_ char *want = at(rel);

		cr_assert_str_eq(dirs[i].key, name);
		cr_assert_str_eq(dirs[i].value, want);
		cr_assert(is_dir_at(rel), "%s", rel);
		free(dirs[i].key);
		free(dirs[i].value);
	}
	free(dirs);
	cr_assert_str_eq(cgroup_path(cg), "/husk-t");
	cr_assert_geq(cgroup_clone_fd(cg), 0);
	cr_assert_eq(cgroup_clone_fd(none), -1, "not in cgroup2");
	n = cgroup_record_dirs(none, &dirs);
	cr_assert_eq(n, 5, "memory, cpu, cpuacct, pids, freezer");
	for (size_t i = 0; i < n; i++) {
		cr_assert_str_neq(dirs[i].key, "unified");
		free(dirs[i].key);
		free(dirs[i].value);
	}
	free(dirs);
}

/* ---- no cgroup filesystem ------------------------------------------------------------------ */

static void no_cgroupfs(void)
{
	_cleanup_free_ char *from = at(V2), *to = at("sys/fs/elsewhere");

	cr_assert_eq(rename(from, to), 0);
	reread();
	cr_assert_eq(host_cgroup()->layout, HOST_CGROUP_NONE);
}

Test(cgroup_manager, no_cgroupfs_limits_are_an_error_as_root)
{
	_cleanup_resources_ struct husk_resources *r = resources("{\"pids\":{\"limit\":10}}");
	_cleanup_cgroup_ struct cgroup *plain = NULL, *quiet = NULL;
	struct husk_error err = { 0 };

	no_cgroupfs();
	create_fails(&(struct cgroup_opts){ .id = "t", .resources = r }, ENOENT, &err);
	cr_assert(str_has_prefix(err.msg, "config.json: .linux.resources: this host has no cgroup "
				 "filesystem at /sys/fs/cgroup"), "%s", err.msg);
	plain = create_ok(&(struct cgroup_opts){ .id = "t" });
	cr_assert_not(cgroup_exists(plain));
	cr_assert_null(cgroup_notice(plain));
	quiet = create_ok(&(struct cgroup_opts){ .id = "t", .resources = r, .rootless = true });
	cr_assert_not(cgroup_exists(quiet));
	cr_assert_str_eq(cgroup_notice(quiet), "pids: this host has no cgroup filesystem "
			 "(not applied)");
}

/* ---- rootless ------------------------------------------------------------------------ */

Test(cgroup_manager, has_limits)
{
	_cleanup_resources_ struct husk_resources *none = resources("{}");
	_cleanup_resources_ struct husk_resources *dev = resources(
		"{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}");
	_cleanup_resources_ struct husk_resources *mem = resources("{\"memory\":{\"limit\":1048576}}");
	_cleanup_resources_ struct husk_resources *uni = resources(
		"{\"unified\":{\"memory.high\":\"1M\"}}");

	cr_assert_not(cgroup_has_limits(NULL));
	cr_assert_not(cgroup_has_limits(none));
	cr_assert_not(cgroup_has_limits(dev), "device rules alone are no limit");
	cr_assert(cgroup_has_limits(mem));
	cr_assert(cgroup_has_limits(uni));
}

static char *rootless_create_line(void)
{
	_cleanup_resources_ struct husk_resources *r = resources(
		"{\"memory\":{\"limit\":1048576},\"pids\":{\"limit\":10}}");
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	struct husk_error err = { 0 };
	_cleanup_free_ char *why = cgroup_limits_unavailable(false);
	int ret = cgroup_create(&(struct cgroup_opts){ .id = "t", .rootless = true,
						       .resources = r }, &cg, &err);

	if (ret < 0)
		return xasprintf("error %s", err.msg);
	return xasprintf("exists=%d notice=%s why=%s", cgroup_exists(cg),
			 cgroup_notice(cg) ? cgroup_notice(cg) : "-", why ? why : "-");
}

/* v2, the parent of our cgroup not ours: no cgroup, the notice names the directory. */
Test(cgroup_manager, rootless_without_delegation)
{
	_cleanup_free_ char *line = as_nobody(rootless_create_line);
	_cleanup_free_ char *want = xasprintf(
		"exists=0 notice=memory, pids: the cgroup %s/" V2 "/user.slice is not delegated to "
		"uid 65534 (not applied) why=the cgroup %s/" V2 "/user.slice is not delegated to "
		"uid 65534", root, root);

	cr_assert_str_eq(line, want);
	cr_assert_not(exists_at(V2 "/user.slice/husk-t"));
}

/* Delegated (systemd's Delegate=yes chowns the subtree): a cgroup as any user. */
Test(cgroup_manager, rootless_in_a_delegated_subtree)
{
	_cleanup_free_ char *line = NULL;

	put(V2 "/user.slice/cgroup.procs", "");
	give_to_nobody(V2 "/user.slice");
	give_to_nobody(V2 "/user.slice/cgroup.procs");
	line = as_nobody(rootless_create_line);
	cr_assert_str_eq(line, "exists=1 notice=- why=-");
	cr_assert(is_dir_at(V2 "/user.slice/husk-t"));
}

/*
 * Only our own cgroup delegated (`systemd-run --user --scope -p
 * Delegate=yes`), its parent not ours: the container's cgroup goes below
 * our own.  It holds husk, so no controller reaches the container: audit
 * hears why.
 */
Test(cgroup_manager, rootless_below_our_own_delegated_cgroup)
{
	_cleanup_free_ char *line = NULL, *want = NULL;

	give_to_nobody(V2 "/user.slice/u.service");
	give_to_nobody(V2 "/user.slice/u.service/cgroup.procs");
	line = as_nobody(rootless_create_line);
	/* (the limits' notice comes at cgroup_enter(), when they are written) */
	want = xasprintf("exists=1 notice=- why=only husk's own cgroup %s/" V2 "/user.slice/"
			 "u.service is delegated to uid 65534, and a cgroup with processes in it "
			 "cannot pass controllers down", root);
	cr_assert(is_dir_at(V2 "/user.slice/u.service/husk-t"));
	cr_assert_not(exists_at(V2 "/user.slice/husk-t"));
	cr_assert_str_eq(line, want);
}

Test(cgroup_manager_v1, rootless_has_no_cgroup)
{
	_cleanup_free_ char *line = as_nobody(rootless_create_line);

	cr_assert_str_eq(line, "exists=0 notice=memory, pids: cgroup v1 has no delegation to "
			 "uid 65534 (not applied) why=cgroup v1 has no delegation to uid 65534");
	cr_assert_not(exists_at(V2 "/memory/user.slice/u.service/husk-t"));
}

Test(cgroup_manager_hybrid, rootless_has_no_cgroup)
{
	_cleanup_free_ char *line = as_nobody(rootless_create_line);

	cr_assert_str_eq(line, "exists=0 notice=memory, pids: cgroup v1 has no delegation to "
			 "uid 65534 (not applied) why=cgroup v1 has no delegation to uid 65534");
	cr_assert_not(exists_at(V2 "/unified/husk-t"));
	cr_assert_not(exists_at(V2 "/memory/husk-t"));
}

/* As root: nothing unavailable unless --rootless true, or systemd's to say. */
Test(cgroup_manager_v1, limits_unavailable_follows_rootless)
{
	_cleanup_free_ char *as_root = NULL, *forced = NULL, *sd = NULL;

	if (geteuid() != 0)
		cr_skip_test("as root");
	as_root = cgroup_limits_unavailable(false);
	cr_assert_null(as_root);
	host_set_rootless(HOST_ROOTLESS_TRUE);
	forced = cgroup_limits_unavailable(false);
	cr_assert_str_eq(forced, "cgroup v1 has no delegation to uid 0");
	sd = cgroup_limits_unavailable(true);
	cr_assert_null(sd);
}

/* Not rootless, a cgroup that cannot be made is an error, not a notice. */
static char *root_create_line(void)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	struct husk_error err = { 0 };
	int ret = cgroup_create(&(struct cgroup_opts){ .id = "t" }, &cg, &err);

	return xasprintf("%d %s", ret, ret < 0 ? err.msg : "-");
}

Test(cgroup_manager, not_rootless_a_refused_mkdir_is_an_error)
{
	_cleanup_free_ char *line = as_nobody(root_create_line);
	_cleanup_free_ char *want = xasprintf("%d make the container's cgroup: mkdir %s/" V2
					      "/user.slice/husk-t: Permission denied", -EACCES,
					      root);

	cr_assert_str_eq(line, want);
}
