/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `husk update`: runc's flags (or --resources FILE) -> a linux.resources
 * object -> the container's cgroup and its pinned config.
 *
 * The flags become JSON text first, so that one parser with one set of
 * checks (spec_parse_resources(), the checks of config.json) reads both
 * ways in, and the same text is what gets merged into the pinned config.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container-internal.h"
#include "husk/cgroup.h"
#include "husk/json.h"
#include "husk/util.h"

/*
 * A memory size as runc's flags take it (go-units RAMInBytes): a decimal
 * number, optionally with a fraction, then an optional binary unit k, m,
 * g, t or p (any case), optionally followed by "i" and/or "b"
 * ("512m", "1.5G", "64KiB", "100b"), an optional space before the unit;
 * or -1, which is unlimited.
 */
static int parse_mem(const char *flag, const char *s, int64_t *out, struct husk_error *err)
{
	static const char units[] = "bkmgtp";
	const char *p = s;
	char *end;
	long double v;
	int shift = 0;

	if (strcmp(s, "-1") == 0) {
		*out = -1;
		return 0;
	}
	if (*p < '0' || *p > '9')
		goto bad;
	errno = 0;
	v = strtold(p, &end);
	if (errno || end == p || (end[-1] < '0' || end[-1] > '9'))
		goto bad;
	p = end;
	if (*p == ' ')
		p++;
	if (*p) {
		const char *u = strchr(units, (*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);

		if (!u || *u == '\0')
			goto bad;
		shift = (int)(u - units) * 10;
		if (*u != 'b') {
			p++;
			if (*p == 'i' || *p == 'I')
				p++;
			if (*p == 'b' || *p == 'B')
				p++;
		} else {
			p++;
		}
		if (*p)
			goto bad;
	}
	v *= (long double)(1ull << shift);
	if (v >= 9223372036854775807.0L)
		return husk_error_setq(err, ERANGE, "--%s \"%s\": too large", flag, s);
	*out = (int64_t)v;
	return 0;
bad:
	return husk_error_setq(err, EINVAL, "--%s \"%s\": not a size (a number of bytes, or "
			       "with a unit: 512k, 256m, 1.5g; -1 for no limit)", flag, s);
}

static int parse_i64_flag(const char *flag, const char *s, int64_t *out, struct husk_error *err)
{
	if (parse_int64(s, out) < 0)
		return husk_error_setq(err, EINVAL, "--%s \"%s\": not an integer", flag, s);
	return 0;
}

static int parse_u64_flag(const char *flag, const char *s, uint64_t *out, struct husk_error *err)
{
	if (parse_uint64(s, out) < 0)
		return husk_error_setq(err, EINVAL, "--%s \"%s\": not a non-negative integer",
				       flag, s);
	return 0;
}

/* The first flag given, for "cannot be combined" (NULL: none). */
static const char *first_flag(const struct container_update_opts *o)
{
	const struct { const char *v, *name; } f[] = {
		{ o->memory, "--memory" }, { o->memory_reservation, "--memory-reservation" },
		{ o->memory_swap, "--memory-swap" }, { o->kernel_memory, "--kernel-memory" },
		{ o->cpu_shares, "--cpu-share" }, { o->cpu_quota, "--cpu-quota" },
		{ o->cpu_period, "--cpu-period" }, { o->cpu_rt_runtime, "--cpu-rt-runtime" },
		{ o->cpu_rt_period, "--cpu-rt-period" }, { o->cpuset_cpus, "--cpuset-cpus" },
		{ o->cpuset_mems, "--cpuset-mems" }, { o->pids_limit, "--pids-limit" },
		{ o->blkio_weight, "--blkio-weight" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		if (f[i].v)
			return f[i].name;
	return NULL;
}

/* The memory object of the flags (none given: nothing written). */
static int json_memory(struct json_writer *w, const struct container_update_opts *o,
		       struct husk_error *err)
{
	const struct { const char *v, *flag, *key; } f[] = {
		{ o->memory, "memory", "limit" },
		{ o->memory_reservation, "memory-reservation", "reservation" },
		{ o->memory_swap, "memory-swap", "swap" },
	};
	bool open = false;

	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		int64_t v = 0;
		int r;

		if (!f[i].v)
			continue;
		r = parse_mem(f[i].flag, f[i].v, &v, err);
		if (r < 0)
			return r;
		if (!open) {
			json_key(w, "memory");
			json_open_object(w);
			open = true;
		}
		json_kv_int(w, f[i].key, v);
	}
	if (open)
		json_close_object(w);
	return 0;
}

static int json_cpu(struct json_writer *w, const struct container_update_opts *o,
		    struct husk_error *err)
{
	const struct { const char *v, *flag, *key; bool is_signed; } f[] = {
		{ o->cpu_shares, "cpu-share", "shares", false },
		{ o->cpu_quota, "cpu-quota", "quota", true },
		{ o->cpu_period, "cpu-period", "period", false },
		{ o->cpu_rt_runtime, "cpu-rt-runtime", "realtimeRuntime", true },
		{ o->cpu_rt_period, "cpu-rt-period", "realtimePeriod", false },
	};
	bool open = false;

	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		int64_t iv = 0;
		uint64_t uv = 0;
		int r;

		if (!f[i].v)
			continue;
		r = f[i].is_signed ? parse_i64_flag(f[i].flag, f[i].v, &iv, err)
				   : parse_u64_flag(f[i].flag, f[i].v, &uv, err);
		if (r < 0)
			return r;
		if (!open) {
			json_key(w, "cpu");
			json_open_object(w);
			open = true;
		}
		if (f[i].is_signed)
			json_kv_int(w, f[i].key, iv);
		else
			json_kv_uint(w, f[i].key, uv);
	}
	if (o->cpuset_cpus || o->cpuset_mems) {
		if (!open) {
			json_key(w, "cpu");
			json_open_object(w);
			open = true;
		}
		if (o->cpuset_cpus)
			json_kv_string(w, "cpus", o->cpuset_cpus);
		if (o->cpuset_mems)
			json_kv_string(w, "mems", o->cpuset_mems);
	}
	if (open)
		json_close_object(w);
	return 0;
}

/* The flags as a linux.resources object. */
static int flags_json(const struct container_update_opts *o, char **json, size_t *len,
		      struct husk_error *err)
{
	_cleanup_json_writer_ struct json_writer *w = json_writer_new(false);
	const char *buf;
	int r;

	json_open_object(w);
	if ((r = json_memory(w, o, err)) < 0 || (r = json_cpu(w, o, err)) < 0)
		return r;
	if (o->pids_limit) {
		int64_t v;

		if ((r = parse_i64_flag("pids-limit", o->pids_limit, &v, err)) < 0)
			return r;
		json_key(w, "pids");
		json_open_object(w);
		json_kv_int(w, "limit", v);
		json_close_object(w);
	}
	if (o->blkio_weight) {
		uint64_t v;

		if ((r = parse_u64_flag("blkio-weight", o->blkio_weight, &v, err)) < 0)
			return r;
		json_key(w, "blockIO");
		json_open_object(w);
		json_kv_uint(w, "weight", v);
		json_close_object(w);
	}
	json_close_object(w);
	r = json_writer_finish(w, &buf, len, err);
	if (r < 0)
		return r;
	*json = xstrdup(buf);
	return 0;
}

int container_update_json(const struct container_update_opts *o, char **json, size_t *len,
			  struct husk_error *err)
{
	const char *flag = first_flag(o);

	*json = NULL;
	*len = 0;
	if (o->kernel_memory)
		return husk_error_setq(err, ENOTSUP, "--kernel-memory: kernel memory limits are "
				       "not supported: the kernel deprecated them in 5.4 (cgroup v1 "
				       "memory.kmem.limit_in_bytes) and cgroup v2 has none; runc "
				       "ignores the flag, husk refuses it rather than pretend");
	if (o->resources && flag)
		return husk_error_setq(err, EINVAL, "--resources %s: the whole update comes from "
				       "the file; %s cannot be combined with it", o->resources,
				       flag);
	if (o->resources && strcmp(o->resources, "-") == 0)
		return read_fd_all(STDIN_FILENO, "standard input", SPEC_MAX_BYTES, json, len, err);
	if (o->resources) {
		int r = read_file_at(AT_FDCWD, o->resources, SPEC_MAX_BYTES, json, len, err);

		return r < 0 ? husk_error_prefix(err, "--resources %s", o->resources) : 0;
	}
	if (!flag)
		return husk_error_setq(err, EINVAL, "nothing to update: give --resources FILE or "
				       "at least one flag such as --memory (see husk update --help)");
	return flags_json(o, json, len, err);
}

int container_update(const struct container_globals *g, const char *id,
		     const struct container_update_opts *o, struct husk_error *err)
{
	_cleanup_free_ char *update = NULL, *config = NULL, *merged = NULL;
	_cleanup_resources_ struct husk_resources *res = NULL;
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	size_t ulen, clen, mlen;
	struct ctr c;
	int r;

	r = container_update_json(o, &update, &ulen, err);
	if (r < 0)
		return r;
	r = spec_parse_resources(update, ulen, o->resources ? o->resources : "update flags", &res,
				 err);
	if (r < 0)
		return r;
	r = ctr_open(g, id, CTR_LOCK, &c, err);
	if (r < 0)
		return r;
	if (c.status != STATUS_RUNNING && c.status != STATUS_CREATED &&
	    c.status != STATUS_PAUSED) {
		r = husk_error_setq(err, ESRCH, "cannot update container \"%s\": it is %s", id,
				    container_status_name(c.status));
		goto out;
	}
	r = ctr_cgroup(c.st, "update needs one to apply limits", &cg, err);
	if (r == 0)
		r = record_config_text(&c.dir, c.st, &config, &clen, err);
	if (r == 0)
		r = cgroup_update(cg, res, err);
	if (r < 0)
		goto out;
	/* The limits are in force (maybe in a hierarchy joined just now): now
	 * make the record and the pinned config say so. */
	for (size_t i = 0; i < c.st->n_cgroup_dirs; i++) {
		free(c.st->cgroup_dirs[i].key);
		free(c.st->cgroup_dirs[i].value);
	}
	free(c.st->cgroup_dirs);
	c.st->n_cgroup_dirs = cgroup_record_dirs(cg, &c.st->cgroup_dirs);
	r = spec_merge_resources(config, clen, update, ulen, &merged, &mlen, err);
	if (r == 0)
		r = record_pin_config(&c.dir, merged, mlen, c.st, err);
	if (r == 0) {
		r = state_write(&c.dir, c.st, err);
		/* The record keeps the old hash: put the old config back beside it. */
		if (r < 0)
			record_pin_config(&c.dir, config, clen, c.st, &(struct husk_error){ 0 });
	}
	if (r < 0)
		husk_error_prefix(err, "container \"%s\": the new limits are applied, but its "
				  "pinned config could not be updated to match", id);
out:
	ctr_close(&c);
	return r;
}
