/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the host forbids executable memfds (vm.memfd_noexec=2), husk-init
 * cannot run from its sealed memfd.  husk must then run the workload
 * directly, say so in its debug output, and never fall back to executing
 * the host's husk file.  The sysctl is per pid namespace: the test sets it
 * in a private one, so the host is untouched.
 */
#include "harness.h"
#include "husk/util.h"

HTEST(memfd, noexec_host_runs_the_workload_directly)
{
	struct hres r = { 0 };
	char *script;

	if (c->mode != MODE_ROOT)
		hctx_skip("setting vm.memfd_noexec needs root in a new pid namespace");
	bundle_write(c, &(struct bundle_cfg){
		.args = ARGS("sh", "-c", "cat /proc/1/comm; readlink /proc/1/exe") });
	script = xasprintf("echo 2 > /proc/sys/vm/memfd_noexec && "
			   "exec %s --debug --root %s run --bundle %s %s",
			   getenv("HUSK_BIN"), c->state, c->bundle, c->id);
	run_as_user(c, &r, ARGS("/usr/bin/unshare", "--pid", "--fork", "--mount-proc", "/bin/sh",
				"-c", script));
	assert_husk_ok(&r);
	/* PID 1 is the workload itself, from the rootfs: not a memfd, not husk. */
	cr_assert_str_eq(r.out, "sh\n/bin/busybox\n", "stderr: %s", r.err);
	cr_assert(strstr(r.err, "vm.memfd_noexec") != NULL, "no debug note: %s", r.err);
	free(script);
	hres_free(&r);
}
