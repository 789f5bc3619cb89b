/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The values a person gives `husk spec --hardened` (--memory, --cpus,
 * --cap-add), turned into what config.json wants, and the capability
 * names of the kernel, which `husk audit` reads too.
 *
 * Everything here is integer arithmetic on the text: "1.5" CPUs must be
 * exactly 150000 microseconds per 100000, not what a double rounds it to.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "husk/spec.h"
#include "husk/util.h"

/* In number order (linux/capability.h): index == capability number. */
const char *const spec_capability_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE", NULL,
};

/*
 * With or without the "CAP_" prefix, in any case: "net_bind_service" is
 * what docker and podman users type.  Returns the static canonical name.
 */
const char *spec_capability_lookup(const char *name)
{
	const char *bare = name;

	if (!name)
		return NULL;
	if (strncasecmp(name, "CAP_", 4) == 0)
		bare = name + 4;
	if (!*bare)
		return NULL;
	for (size_t i = 0; spec_capability_names[i]; i++)
		if (strcasecmp(spec_capability_names[i] + 4, bare) == 0)
			return spec_capability_names[i];
	return NULL;
}

/* The binary unit of a size suffix ("", "b", "k", "KiB", "m", "MB", ...), or 0. */
static uint64_t size_unit(const char *suffix)
{
	static const struct {
		char letter;
		unsigned shift;
	} units[] = { { 'b', 0 }, { 'k', 10 }, { 'm', 20 }, { 'g', 30 }, { 't', 40 } };
	size_t len = strlen(suffix);

	if (len == 0)
		return 1;
	/* One letter, optionally followed by "b" or "ib" ("k", "kb", "kib"). */
	if (len > 3 || (len == 2 && (suffix[1] | 0x20) != 'b') ||
	    (len == 3 && strcasecmp(suffix + 1, "ib") != 0))
		return 0;
	if (len > 1 && (suffix[0] | 0x20) == 'b')
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if ((suffix[0] | 0x20) == units[i].letter)
			return UINT64_C(1) << units[i].shift;
	return 0;
}

int spec_parse_memory(const char *s, int64_t *out, struct husk_error *err)
{
	size_t digits = strspn(s, "0123456789");
	_cleanup_free_ char *num = xstrndup(s, digits);
	uint64_t v, unit;

	unit = size_unit(s + digits);
	if (digits == 0 || digits > 19 || unit == 0 || parse_uint64(num, &v) < 0)
		return husk_error_setq(err, EINVAL, "\"%s\" is not a size: use bytes or a "
				       "number with a unit, like 536870912, 512M or 2G", s);
	if (v > (uint64_t)INT64_MAX / unit)
		return husk_error_setq(err, ERANGE, "\"%s\" is too large", s);
	v *= unit;
	if (v < (UINT64_C(1) << 20))
		return husk_error_setq(err, EINVAL, "\"%s\" is below the 1M minimum: husk-init "
				       "and the workload would not start", s);
	*out = (int64_t)v;
	return 0;
}

/* Fixed point: "1.5" with 5 decimals is 150000 (= quota per 100000 us). */
int spec_parse_cpus(const char *s, int64_t *quota, struct husk_error *err)
{
	size_t whole = strspn(s, "0123456789");
	const char *frac = s + whole;
	bool dot = *frac == '.';
	size_t nfrac = 0;
	uint64_t v = 0;

	if (dot) {
		frac++;
		nfrac = strspn(frac, "0123456789");
	}
	/* "1", "1.5", ".5"; not "", ".", "1.", "1e3" or "-1". */
	if ((whole == 0 && nfrac == 0) || (dot && nfrac == 0) || whole > 6 || nfrac > 5 ||
	    frac[nfrac] != '\0')
		return husk_error_setq(err, EINVAL, "\"%s\" is not a number of CPUs: use a "
				       "decimal like 1, 1.5 or 0.25", s);
	for (size_t i = 0; i < whole; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	for (size_t i = 0; i < 5; i++)
		v = v * 10 + (i < nfrac ? (uint64_t)(frac[i] - '0') : 0);
	/* v is now in units of 1e-5 CPU, which is exactly microseconds per 100 ms. */
	if (v < 1000)
		return husk_error_setq(err, EINVAL, "\"%s\" is below 0.01 CPUs (the kernel's "
				       "1 ms quota minimum)", s);
	if (v > UINT64_C(4096) * SPEC_CPU_PERIOD_US)
		return husk_error_setq(err, ERANGE, "\"%s\" is more CPUs than any machine has", s);
	*quota = (int64_t)v;
	return 0;
}

#define PID_MAX_LIMIT 4194304       /* the kernel's ceiling for pid_max */

int spec_parse_pids_limit(const char *s, int64_t *out, struct husk_error *err)
{
	int64_t v;

	if (s[strspn(s, "0123456789")] != '\0' || parse_int64(s, &v) < 0 || v < 1 ||
	    v > PID_MAX_LIMIT)
		return husk_error_setq(err, EINVAL, "--pids-limit \"%s\": expected a number of "
				       "processes from 1 to %d", s, PID_MAX_LIMIT);
	*out = v;
	return 0;
}

int spec_parse_cap_words(char *const *words, char ***out, struct husk_error *err)
{
	for (size_t i = 0; words && words[i]; i++) {
		_cleanup_free_ char *copy = xstrdup(words[i]);
		char *save = NULL;
		size_t n = 0;

		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			const char *cap = spec_capability_lookup(t);

			if (!cap)
				return husk_error_setq(err, EINVAL, "--cap-add \"%s\": not a "
						       "capability name (e.g. NET_BIND_SERVICE)",
						       t);
			if (!strv_contains(*out, cap))
				strv_push(out, cap);
			n++;
		}
		if (n == 0)
			return husk_error_setq(err, EINVAL, "--cap-add \"%s\": no capability "
					       "named", words[i]);
	}
	return 0;
}
