/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_SECURITY_H
#define HUSK_SECURITY_H

/*
 * Capabilities (libcap), seccomp (libseccomp), no_new_privs and LSM labels.
 *
 * The work is split in two so that the container process does as little as
 * possible and nothing of libseccomp runs inside it:
 *
 *  - security_prepare(), in husk before the clone: validates capability
 *    names (a real capability this kernel is too old for: skipped with one
 *    warning; unknown or malformed: an error with the JSON path), compiles .linux.seccomp to a BPF program,
 *    checks the LSM is present when one is asked for.
 *  - security_*_apply(), in the container process, at fixed points of its
 *    stage table (src/launch/child.c):
 *        caps_before_user  bounding set dropped, PR_SET_KEEPCAPS on
 *        (setgroups, setresgid, setresuid happen in between)
 *        caps_after_user   effective/permitted/inheritable, then ambient
 *        lsm               apparmor/selinux exec labels
 *        (no_new_privs)
 *        seccomp           the last step before the final execveat, or, without
 *                          no_new_privs, just before the uid change
 *                          (security_seccomp_early()); with SCMP_ACT_NOTIFY
 *                          rules, before READY, so that husk (still there)
 *                          can hand the listener fd to .listenerPath
 */

#include <stdbool.h>
#include <stddef.h>

#include "husk/error.h"
#include "husk/spec.h"

struct security_plan;

/*
 * Build the plan for `process` in a container described by `spec` (which
 * holds .linux.seccomp; process may be spec->process or an exec process).
 * An absent .process.capabilities means every set empty, the bounding set
 * included (runc's reading, the safe one).  Warnings (capabilities newer
 * than this kernel, seccomp architectures libseccomp does not know, a flag
 * that has no effect) are appended to *warnings (a strv, may be NULL) for the caller
 * to print.
 */
int security_prepare(const struct husk_spec *spec, const struct husk_process *process,
		     struct security_plan **out, char ***warnings, struct husk_error *err);
void security_plan_free(struct security_plan *plan);

/*
 * What is worth a debug line (never a warning) about a plan, appended to
 * *notes (a strv): the ambient capabilities that will not be raised
 * because they are not in both .permitted and .inheritable (`runc spec`
 * lists ambient capabilities with no inheritable set; runc and crun run
 * such a config and raise what the kernel allows, and so does husk).
 */
void security_notes(const struct security_plan *plan, char ***notes);

int security_caps_before_user(const struct security_plan *plan, struct husk_error *err);
int security_caps_after_user(const struct security_plan *plan, struct husk_error *err);
int security_lsm_apply(const struct security_plan *plan, struct husk_error *err);

/*
 * Load the compiled filter.  When the profile has SCMP_ACT_NOTIFY rules the
 * kernel returns a listener fd: it is stored in *notify_fd (else -1) for the
 * caller to hand to .linux.seccomp.listenerPath.
 */
int security_seccomp_apply(const struct security_plan *plan, int *notify_fd,
			   struct husk_error *err);
bool security_seccomp_has_notify(const struct security_plan *plan);

/*
 * Where the launcher loads the filter.  With no_new_privs the kernel
 * accepts a filter from anyone: load it last (false).  Without it, the
 * kernel wants CAP_SYS_ADMIN in the caller's user namespace, gone once the
 * capabilities are set: load it before the uid change (true), as runc and
 * crun do; the profile must then allow the few syscalls of the stages
 * after it.  False as well when there is no filter.
 */
bool security_seccomp_early(const struct security_plan *plan);

/*
 * Keep compiled seccomp programs in `dir` (created 0700 on first use, e.g.
 * the user's cache directory, e.g. ~/.cache/husk/seccomp), keyed by the SHA-256 of the profile, the
 * libseccomp version and the kernel release, so that a profile compiled
 * once loads in microseconds afterwards.  NULL (the default) turns the
 * cache off.  Process-wide; call it before security_prepare().
 */
void security_set_cache_dir(const char *dir);

/*
 * seccomp-profiles/default.json as embedded in husk at build time (an
 * OCI linux.seccomp object, NUL-terminated; *len excludes the NUL).
 */
const char *security_default_profile(size_t *len);

/* "2.5.4": the libseccomp husk runs with (static: the one it was built with). */
void security_libseccomp_version(char *buf, size_t size);

#endif
