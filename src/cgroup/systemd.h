/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_CGROUP_SYSTEMD_H
#define HUSK_CGROUP_SYSTEMD_H

/*
 * The systemd manager's pieces below cg_systemd_start() (cgroup-internal.h),
 * visible to the unit tests: the unit properties as data
 * (systemd-props.c) and the StartTransientUnit body they marshal into.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup/dbus.h"
#include "husk/error.h"
#include "husk/spec.h"

/* One unit property: its name, its D-Bus type and value. */
struct sd_prop {
	char *name;
	char type[3];               /* "b" "s" "t" "x" "u" "i" "y" "n" "q" "d" "as" "ay" "au" */
	union {
		bool b;
		uint64_t u;             /* t u y q, and au's single pid */
		int64_t i;              /* x i n */
		double d;
		char *s;
		char **as;              /* NULL-terminated */
		struct { uint8_t *p; size_t n; } ay;
	} v;
};

struct sd_props {
	struct sd_prop *p;
	size_t n;
};

void sd_props_free(struct sd_props *ps);
void sd_prop_clear(struct sd_prop *p);
/* Add p, taking its allocations; a property of the same name is replaced. */
int sd_prop_add(struct sd_props *ps, struct sd_prop *p);

/* Set (add, or replace the one of the same name). -ENOMEM only. */
int sd_prop_bool(struct sd_props *ps, const char *name, bool v);
int sd_prop_u64(struct sd_props *ps, const char *name, uint64_t v);
int sd_prop_str(struct sd_props *ps, const char *name, const char *v);
int sd_prop_pid(struct sd_props *ps, const char *name, uint32_t pid);   /* "au", one pid */
const struct sd_prop *sd_prop_find(const struct sd_props *ps, const char *name);

/*
 * linux.resources -> the properties systemd knows: MemoryMax, MemoryLow,
 * MemorySwapMax, TasksMax, CPUWeight, CPUQuotaPerSecUSec,
 * CPUQuotaPeriodUSec, AllowedCPUs, AllowedMemoryNodes, IOWeight.  A value
 * out of range is an error naming its JSON path.
 */
int sd_props_from_resources(const struct husk_resources *r, struct sd_props *ps,
			    struct husk_error *err);

/*
 * Every org.systemd.property.<Name> annotation, its value in GVariant
 * text form, replacing a property of the same name:
 *   true, false                          b
 *   'text', "text"                       s
 *   ['a', "b"]                           as
 *   byte N, int16 N, uint16 N, int32 N,
 *   uint32 N, int64 N, uint64 N, double X   y n q i u x t d
 *   a bare integer                       i (GVariant's default); a bare
 *                                        number with '.' or 'e' is d
 * A name ending in a lower-case letter + "Sec" (TimeoutStopSec) takes a
 * number of seconds and becomes <Name>USec in microseconds, uint64, as
 * runc does.  Anything else, and PIDs (which would put other processes in
 * the container's scope), is an error naming the annotation.
 */
int sd_props_from_annotations(const struct husk_kv *a, size_t n, struct sd_props *ps,
			      struct husk_error *err);

/* "0-3,8" -> the bitmask bytes of AllowedCPUs (byte i bit j: cpu 8i+j). */
int sd_cpuset_mask(const char *list, uint8_t **mask, size_t *n);

/* The body of StartTransientUnit(name, mode, properties, no aux units). */
int sd_start_body(struct dbus_buf *b, const char *unit, const char *mode,
		  const struct sd_props *ps);

#endif
