/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_SECURITY_INTERNAL_H
#define HUSK_SECURITY_INTERNAL_H

/*
 * Shared between the files of src/security/ (and their unit tests) only.
 *
 * security_prepare() fills a struct security_plan in husk, before the
 * clone; the container process then only reads it.  Everything the
 * container process needs is plain data here: capability masks, the LSM
 * labels and the finished BPF program, so no library state (libseccomp,
 * libcap's name tables) has to be consulted after the clone.
 */

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>

#include "husk/error.h"
#include "husk/security.h"
#include "husk/spec.h"

struct security_plan {
	/* Capabilities as bit masks (bit n = capability n).  An absent
	 * .process.capabilities means every set empty (runc's reading). */
	uint64_t cap_bounding;
	uint64_t cap_effective;
	uint64_t cap_permitted;
	uint64_t cap_inheritable;
	uint64_t cap_ambient;        /* only those permitted and inheritable */
	uint64_t cap_ambient_dropped; /* listed in .ambient, but the kernel would refuse them */
	unsigned int cap_count;     /* capabilities of this kernel: cap_max_bits() */

	bool no_new_privs;          /* decides where seccomp can be loaded */

	char *apparmor_profile;     /* NULL: leave the LSM label alone */
	char *selinux_label;

	/* The compiled filter: NULL when .linux.seccomp is absent. */
	struct sock_filter *bpf;
	unsigned short bpf_len;
	unsigned int seccomp_flags; /* SECCOMP_FILTER_FLAG_*, NEW_LISTENER included */
	bool seccomp_notify;
};

/* ---- caps.c ------------------------------------------------------------ */

/*
 * Map the five sets of `caps` (may be NULL: all empty) into plan's masks.
 * Malformed and unknown names are errors naming their JSON path; a real
 * capability this kernel is too old for is skipped with one warning.
 */
int caps_prepare(const struct husk_capabilities *caps, struct security_plan *plan,
		 char ***warnings, struct husk_error *err);
/* The same for a kernel that knows `count` capabilities (for the tests). */
int caps_prepare_n(const struct husk_capabilities *caps, unsigned int count,
		   struct security_plan *plan, char ***warnings, struct husk_error *err);

/* The debug note on plan->cap_ambient_dropped, appended to *notes (see security_notes()). */
void caps_notes(const struct security_plan *plan, char ***notes);

/* "CAP_NET_ADMIN" for 12 (libcap's name, upper-cased), or "capability 12". */
void caps_name(unsigned int cap, char *buf, size_t size);

/* ---- seccomp-compile.c -------------------------------------------------- */

/* Compile `s` into plan->bpf (libseccomp, then the ENOSYS prologue). */
int seccomp_compile(const struct husk_seccomp *s, struct security_plan *plan, char ***warnings,
		    struct husk_error *err);

/* ---- seccomp-cache.c ------------------------------------------------------- */

#define SECCOMP_CACHE_KEY_LEN 64    /* hex SHA-256 */

/* The cache key of `s` on this host and libseccomp. */
void seccomp_cache_key(const struct husk_seccomp *s, char hex[SECCOMP_CACHE_KEY_LEN + 1]);
/* 1 and plan->bpf filled on a hit, 0 on a miss (or no cache directory). */
int seccomp_cache_load(const char *key, struct security_plan *plan);
/* Best effort: failures are ignored. */
void seccomp_cache_store(const char *key, const struct security_plan *plan);

/* ---- seccomp-enosys.c: the ENOSYS prologue -------------------------------- */

#define ENOSYS_NO_MAX UINT32_MAX      /* a range the profile names no syscall in */

/*
 * One kernel architecture (seccomp_data.arch) and the highest syscall
 * number the profile names in each of its number ranges: x86_64 has two
 * (native below the x32 bit, x32 above it), arm has its private
 * 0x0f0000.. calls above the ordinary table.
 */
struct enosys_arch {
	uint32_t audit_arch;
	uint32_t limit;             /* first number of the upper range, 0: one range */
	uint32_t max_low;           /* highest number named below limit, or ENOSYS_NO_MAX */
	uint32_t max_high;          /* highest number named from limit on, or ENOSYS_NO_MAX */
	bool high_enosys;           /* the upper range gets ENOSYS too (x32 in the filter) */
};

/*
 * Build the prologue that returns ENOSYS for a syscall numbered above the
 * highest one the profile names on its architecture, and falls through to
 * the program that follows it otherwise.  Returns the number of
 * instructions written to out (at most max), or -E2BIG.
 */
int seccomp_enosys_build(const struct enosys_arch *arches, size_t n, struct sock_filter *out,
		       size_t max);

/* ---- seccomp-load.c ------------------------------------------------------- */

/* .linux.seccomp.flags to SECCOMP_FILTER_FLAG_* bits (errors name the path). */
int seccomp_flags_parse(char *const *names, bool notify, unsigned int *flags, char ***warnings,
			struct husk_error *err);

/* ---- lsm.c ------------------------------------------------------------------ */

/*
 * Check that the LSMs the config asks for run on this host (host_lsm_enabled();
 * tests point the host context at a fake /sys).
 */
int lsm_prepare(const struct husk_spec *spec, const struct husk_process *process,
		struct security_plan *plan, struct husk_error *err);

/* Write the exec labels into `attr_dir` ("/proc/self/attr" in production). */
int lsm_apply_at(const struct security_plan *plan, const char *attr_dir, struct husk_error *err);

/* ---- security.c ------------------------------------------------------------ */

/* Append msg to *warnings unless it is already there (warnings may be NULL). */
void security_warn(char ***warnings, char *msg);

/* Show an untrusted name in a message: printable ASCII, quoted, capped. */
void security_quote(const char *s, char *buf, size_t size);

#endif
