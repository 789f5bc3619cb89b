/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_CGROUP_DEVICES_H
#define HUSK_CGROUP_DEVICES_H

/*
 * Shared by devices.c (the v1 devices controller) and devices-bpf.c (the
 * v2 eBPF program), and by their unit tests: the two compilers of
 * linux.resources.devices, each a pure function of the rules, so what the
 * kernel is given is tested as data before it is tested for real.
 *
 * The semantic both aim at: a request (type, major, minor, access) is
 * decided by the LAST rule that matches it, and denied when none does.  A
 * rule matches when its type is 'a' or the request's, its major and minor
 * are wildcards or equal, and the request's access is a subset of the
 * rule's (as runc's and the kernel's own checks read it).
 */

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "husk/error.h"
#include "husk/spec.h"

/* Access bits, the kernel's BPF_DEVCG_ACC_* values (v1 uses the same). */
#define CG_DEV_ACC_M BPF_DEVCG_ACC_MKNOD
#define CG_DEV_ACC_R BPF_DEVCG_ACC_READ
#define CG_DEV_ACC_W BPF_DEVCG_ACC_WRITE
#define CG_DEV_ACC_ALL (CG_DEV_ACC_M | CG_DEV_ACC_R | CG_DEV_ACC_W)

/* The name husk gives its program: how an update finds the previous one. */
#define CG_DEV_PROG_NAME "husk_devices"

/* rule->access ("rwm" when NULL) as CG_DEV_ACC_* bits. */
unsigned cg_dev_access(const struct husk_device_cgroup *rule);
/* "allow c 1:3 rwm", for messages; buf of at least 64 bytes. */
const char *cg_dev_rule_string(const struct husk_device_cgroup *rule, char *buf, size_t size);

/*
 * v1: a default and a list of exceptions of the other kind, which is all
 * the v1 controller can hold.  type is 'c' or 'b' ('a' rules become two);
 * the kernel's wildcard is the number ~0.
 */
struct cg_dev_exception {
	char type;
	uint32_t major;             /* CG_DEV_ANY: any */
	uint32_t minor;
	unsigned access;            /* CG_DEV_ACC_* */
	size_t rule;                /* index of the rule that made it, for messages */
};
#define CG_DEV_ANY UINT32_MAX

struct cg_dev_v1 {
	bool allow_default;         /* "a" written to devices.allow, else to devices.deny */
	struct cg_dev_exception *ex;
	size_t n;
};

/*
 * The v1 form of the rules, or an error naming the rule that v1 cannot
 * express (a JSON path .linux.resources.devices[i]).
 */
int cg_dev_v1_compile(const struct husk_device_cgroup *rules, size_t n, struct cg_dev_v1 *out,
		      struct husk_error *err);
void cg_dev_v1_free(struct cg_dev_v1 *v);

/*
 * v2: the BPF_PROG_TYPE_CGROUP_DEVICE program of the rules (malloc'd, *n_out
 * instructions).  Never fails but for a rule list too long for one program
 * (an error naming .linux.resources.devices).
 */
int cg_dev_bpf_build(const struct husk_device_cgroup *rules, size_t n, struct bpf_insn **out,
		     size_t *n_out, struct husk_error *err);

#endif
