/* SPDX-License-Identifier: GPL-2.0-or-later */
/* src/launch/mountopts.c: OCI mount options to kernel flags and data. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <sys/mount.h>

#include "launch/rootfs-internal.h"

#define OPTS(...) ((char *const[]){ __VA_ARGS__, NULL })

static struct mount_opts parse(char *const *v)
{
	struct mount_opts o;

	mountopts_parse(v, &o);
	return o;
}

Test(launch_mountopts, empty_and_null)
{
	struct mount_opts o = parse(NULL);

	cr_assert_eq(o.attr_set, 0);
	cr_assert_eq(o.attr_clr, 0);
	cr_assert_eq(o.ms_flags, 0);
	cr_assert_eq(o.propagation, 0);
	cr_assert_eq(o.bind, MOUNT_NO_BIND);
	cr_assert_null(o.data);
	cr_assert_null(o.data_str);
	mountopts_free(&o);

	o = parse(OPTS(""));
	cr_assert_null(o.data);
	mountopts_free(&o);
}

Test(launch_mountopts, runc_default_tmpfs_dev)
{
	struct mount_opts o = parse(OPTS("nosuid", "strictatime", "mode=755", "size=65536k"));

	cr_assert_eq(o.attr_set, MOUNT_ATTR_NOSUID | MOUNT_ATTR_STRICTATIME);
	cr_assert_eq(o.attr_clr, MOUNT_ATTR__ATIME);
	cr_assert_eq(o.ms_flags, MS_NOSUID | MS_STRICTATIME);
	cr_assert_str_eq(o.data[0], "mode=755");
	cr_assert_str_eq(o.data[1], "size=65536k");
	cr_assert_null(o.data[2]);
	cr_assert_str_eq(o.data_str, "mode=755,size=65536k");
	mountopts_free(&o);
}

Test(launch_mountopts, flags_and_their_opposites_last_wins)
{
	struct mount_opts o = parse(OPTS("ro", "nosuid", "nodev", "noexec", "rw", "suid",
					 "nosymfollow", "nodiratime"));

	cr_assert_eq(o.attr_set, MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSYMFOLLOW |
				 MOUNT_ATTR_NODIRATIME);
	cr_assert_eq(o.attr_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID);
	cr_assert_eq(o.ms_flags, MS_NODEV | MS_NOEXEC | MS_NOSYMFOLLOW | MS_NODIRATIME);
	cr_assert_eq(o.ms_clear, MS_RDONLY | MS_NOSUID);
	cr_assert_not(o.attr_recursive);
	cr_assert_null(o.data);
	mountopts_free(&o);

	o = parse(OPTS("dev", "exec", "diratime", "symfollow", "ro"));
	cr_assert_eq(o.attr_set, MOUNT_ATTR_RDONLY);
	cr_assert_eq(o.attr_clr, MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME |
				 MOUNT_ATTR_NOSYMFOLLOW);
	cr_assert_eq(o.ms_flags, MS_RDONLY);
	mountopts_free(&o);
}

Test(launch_mountopts, atime_is_one_mode)
{
	struct mount_opts o = parse(OPTS("noatime"));

	cr_assert_eq(o.attr_set, MOUNT_ATTR_NOATIME);
	cr_assert_eq(o.attr_clr, MOUNT_ATTR__ATIME);
	cr_assert_eq(o.ms_flags, MS_NOATIME);
	mountopts_free(&o);

	o = parse(OPTS("noatime", "relatime"));
	cr_assert_eq(o.attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_RELATIME);
	cr_assert_eq(o.attr_clr, MOUNT_ATTR__ATIME);
	cr_assert_eq(o.ms_flags, MS_RELATIME);
	mountopts_free(&o);

	o = parse(OPTS("strictatime", "noatime"));
	cr_assert_eq(o.attr_set, MOUNT_ATTR_NOATIME);
	mountopts_free(&o);

	/* The "no"/plain spellings undo only their own mode. */
	o = parse(OPTS("noatime", "atime"));
	cr_assert_eq(o.attr_set, 0);
	cr_assert_eq(o.attr_clr, 0, "atime changed without being asked: %#lx",
		     (unsigned long)o.attr_clr);
	cr_assert_eq(o.ms_flags, 0);
	mountopts_free(&o);

	o = parse(OPTS("strictatime", "norelatime"));
	cr_assert_eq(o.attr_set, MOUNT_ATTR_STRICTATIME);
	mountopts_free(&o);

	o = parse(OPTS("strictatime", "nostrictatime"));
	cr_assert_eq(o.attr_clr, 0);
	mountopts_free(&o);
}

Test(launch_mountopts, recursive_forms)
{
	struct mount_opts o = parse(OPTS("rro", "rnosuid", "rnoatime"));

	cr_assert(o.attr_recursive);
	cr_assert_eq(o.attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME);
	cr_assert_eq(o.attr_clr, MOUNT_ATTR__ATIME);
	cr_assert_null(o.data);
	mountopts_free(&o);

	o = parse(OPTS("rrw", "rexec"));
	cr_assert(o.attr_recursive);
	cr_assert_eq(o.attr_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOEXEC);
	mountopts_free(&o);

	/* Names that merely start with 'r' are not recursive forms. */
	o = parse(OPTS("rw", "relatime"));
	cr_assert_not(o.attr_recursive);
	mountopts_free(&o);
}

Test(launch_mountopts, bind_kinds)
{
	struct mount_opts o = parse(OPTS("bind"));

	cr_assert_eq(o.bind, MOUNT_BIND);
	mountopts_free(&o);
	o = parse(OPTS("rbind", "ro"));
	cr_assert_eq(o.bind, MOUNT_RBIND);
	cr_assert_eq(o.attr_set, MOUNT_ATTR_RDONLY);
	mountopts_free(&o);
	/* "rbind" wins over "bind" whatever the order. */
	o = parse(OPTS("rbind", "bind"));
	cr_assert_eq(o.bind, MOUNT_RBIND);
	mountopts_free(&o);
	o = parse(OPTS("remount", "ro"));
	cr_assert(o.remount);
	cr_assert_eq(o.bind, MOUNT_NO_BIND);
	mountopts_free(&o);
}

Test(launch_mountopts, propagation)
{
	struct mount_opts o = parse(OPTS("rbind", "rprivate"));

	cr_assert_eq(o.propagation, MS_PRIVATE);
	cr_assert(o.propagation_recursive);
	cr_assert_null(o.data);
	mountopts_free(&o);

	o = parse(OPTS("shared", "slave"));
	cr_assert_eq(o.propagation, MS_SLAVE);
	cr_assert_not(o.propagation_recursive);
	mountopts_free(&o);

	o = parse(OPTS("runbindable"));
	cr_assert_eq(o.propagation, MS_UNBINDABLE);
	cr_assert(o.propagation_recursive);
	mountopts_free(&o);
}

Test(launch_mountopts, propagation_names)
{
	unsigned long f = 0;
	bool rec = true;

	cr_assert_eq(mountopts_propagation("shared", &f, &rec), 0);
	cr_assert_eq(f, MS_SHARED);
	cr_assert_not(rec);
	cr_assert_eq(mountopts_propagation("rslave", &f, &rec), 0);
	cr_assert_eq(f, MS_SLAVE);
	cr_assert(rec);
	cr_assert_eq(mountopts_propagation("rprivate", &f, &rec), 0);
	cr_assert_eq(f, MS_PRIVATE);
	cr_assert_eq(mountopts_propagation("unbindable", &f, &rec), 0);
	cr_assert_eq(f, MS_UNBINDABLE);
	cr_assert_eq(mountopts_propagation("rshared2", &f, &rec), -EINVAL);
	cr_assert_eq(mountopts_propagation("r", &f, &rec), -EINVAL);
	cr_assert_eq(mountopts_propagation("", &f, &rec), -EINVAL);
	cr_assert_eq(mountopts_propagation("PRIVATE", &f, &rec), -EINVAL);
}

Test(launch_mountopts, superblock_flags)
{
	struct mount_opts o = parse(OPTS("sync", "dirsync"));

	cr_assert_eq(o.ms_flags, MS_SYNCHRONOUS | MS_DIRSYNC);
	cr_assert_eq(o.attr_set, 0, "sync is not a per-mount attribute");
	cr_assert_null(o.data);
	mountopts_free(&o);

	o = parse(OPTS("sync", "async"));
	cr_assert_eq(o.ms_flags, 0);
	cr_assert_eq(o.ms_clear, MS_SYNCHRONOUS);
	mountopts_free(&o);
}

Test(launch_mountopts, special_options)
{
	struct mount_opts o = parse(OPTS("tmpcopyup", "idmap", "mand", "nomand", "defaults",
					 "x-podman.foo=1"));

	cr_assert(o.tmpcopyup);
	cr_assert(o.idmap);
	cr_assert_not(o.idmap_recursive);
	cr_assert_null(o.data, "ignored options leaked into data: %s", o.data_str);
	cr_assert_eq(o.ms_flags, 0);
	mountopts_free(&o);

	o = parse(OPTS("ridmap"));
	cr_assert(o.idmap);
	cr_assert(o.idmap_recursive);
	mountopts_free(&o);
}

Test(launch_mountopts, unknown_options_are_data_in_order)
{
	struct mount_opts o = parse(OPTS("newinstance", "ptmxmode=0666", "ro", "mode=0620",
					 "gid=5", "context=\"a,b\"", "frobnicate"));

	cr_assert_eq(o.attr_set, MOUNT_ATTR_RDONLY);
	cr_assert_str_eq(o.data_str, "newinstance,ptmxmode=0666,mode=0620,gid=5,"
				     "context=\"a,b\",frobnicate");
	cr_assert_str_eq(o.data[5], "frobnicate");
	cr_assert_null(o.data[6]);
	mountopts_free(&o);
	cr_assert_null(o.data);
	cr_assert_null(o.data_str);
	mountopts_free(&o); /* twice is harmless */
}
