/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scheduling attributes of the container process, set from inside before
 * the uid change (raising them needs CAP_SYS_NICE, which the change drops)
 * and inherited by the workload through exec: .process.scheduler,
 * .process.ioPriority, .process.execCPUAffinity and .linux.personality.
 * Each error names its JSON path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "husk/util.h"
#include "launch-internal.h"

/* <linux/sched/types.h> clashes with glibc's <sched.h>: the kernel ABI. */
struct husk_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

int process_set_scheduler(const struct husk_process *p, struct husk_error *err)
{
	const struct husk_scheduler *s = p->scheduler;
	struct husk_sched_attr attr;

	if (!s)
		return 0;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.sched_policy = (uint32_t)s->policy_value;
	attr.sched_flags = s->flags_value;
	attr.sched_nice = s->nice.set ? (int32_t)s->nice.value : 0;
	attr.sched_priority = s->priority.set ? (uint32_t)s->priority.value : 0;
	attr.sched_runtime = s->runtime.set ? s->runtime.value : 0;
	attr.sched_deadline = s->deadline.set ? s->deadline.value : 0;
	attr.sched_period = s->period.set ? s->period.value : 0;
	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0) {
		husk_error_set(err, errno, ".process.scheduler: sched_setattr(%s)", s->policy);
		if (errno == EPERM)
			husk_error_hint(err, "real-time policies and negative nice values need "
				       "CAP_SYS_NICE on the host");
		return -err->errnum;
	}
	return 0;
}

int process_set_io_priority(const struct husk_process *p, struct husk_error *err)
{
	const struct husk_io_priority *io = p->io_priority;

	if (!io)
		return 0;
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
		    IOPRIO_PRIO_VALUE(io->class_value, io->priority)) < 0) {
		husk_error_set(err, errno, ".process.ioPriority: ioprio_set(%s, %d)", io->class_name,
			       io->priority);
		if (errno == EPERM)
			husk_error_hint(err, "the real-time class needs CAP_SYS_ADMIN on the host");
		return -err->errnum;
	}
	return 0;
}

/*
 * Parse a cpu list ("0-3,7,9-10") into set.  Returns 0, or -EINVAL for
 * anything else (empty items, reversed ranges, cpus past CPU_SETSIZE).
 */
int cpu_list_parse(const char *list, cpu_set_t *set)
{
	const char *p = list;

	CPU_ZERO(set);
	if (!*p)
		return -EINVAL;
	while (*p) {
		char *end;
		unsigned long lo, hi;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		lo = hi = strtoul(p, &end, 10);
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				return -EINVAL;
			hi = strtoul(end + 1, &end, 10);
		}
		if (lo > hi || hi >= CPU_SETSIZE)
			return -EINVAL;
		for (unsigned long c = lo; c <= hi; c++)
			CPU_SET(c, set);
		if (*end == ',' && end[1] != '\0')
			end++;
		else if (*end != '\0')
			return -EINVAL;
		p = end;
	}
	return 0;
}

/*
 * .process.execCPUAffinity: `initial` applies to the process from its
 * start (the transition into the container), `final` to what it execs.
 * husk has no cgroup step between the two yet, so both are applied by the
 * container process itself: initial at its first stage, final at its last.
 */
int process_set_cpu_affinity(const struct husk_process *p, bool final, struct husk_error *err)
{
	const char *list = p->exec_cpu_affinity ? (final ? p->exec_cpu_affinity->final
						       : p->exec_cpu_affinity->initial)
						: NULL;
	const char *name = final ? "final" : "initial";
	cpu_set_t set;

	if (!list)
		return 0;
	if (cpu_list_parse(list, &set) < 0)
		return husk_error_setq(err, EINVAL, ".process.execCPUAffinity.%s: \"%s\" is not a "
				       "cpu list like \"0-3,7\"", name, list);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return husk_error_set(err, errno, ".process.execCPUAffinity.%s: sched_setaffinity(%s)",
				      name, list);
	return 0;
}

/* .linux.personality: the execution domain the workload starts in. */
int process_set_personality(const struct husk_spec *spec, struct husk_error *err)
{
	const struct husk_personality *pers = spec->linux_ ? spec->linux_->personality : NULL;
	unsigned long domain;

	if (!pers || !pers->domain)
		return 0;
	domain = strcmp(pers->domain, "LINUX32") == 0 ? PER_LINUX32 : PER_LINUX;
	if (personality(domain) < 0)
		return husk_error_set(err, errno, ".linux.personality.domain: personality(%s)",
				      pers->domain);
	return 0;
}
