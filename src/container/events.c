/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `husk events`: the container's cgroup statistics as runc's events
 * stream prints them (one JSON object a line: {"type":"stats","id":ID,
 * "data":{...}} and {"type":"oom","id":ID}), with runc's field names and
 * its omitempty rules, so tools that read runc's stream read husk's.
 *
 * OOM kills are seen by polling the kill counter (memory.events oom_kill,
 * v1 memory.oom_control oom_kill) once a second, not by eventfd
 * notification: one mechanism for v1 and v2, and a counter cannot miss a
 * kill that happened between two looks, only report it up to a second
 * late.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "container-internal.h"
#include "husk/cgroup.h"
#include "husk/json.h"
#include "husk/util.h"

#define EVENTS_DEFAULT_INTERVAL_MS 5000u
#define OOM_POLL_MS 1000u

/* Go's omitempty: a zero number is left out. */
static void kv_u64_oe(struct json_writer *w, const char *key, uint64_t v)
{
	if (v)
		json_kv_uint(w, key, v);
}

static void mem_entry_json(struct json_writer *w, const char *key,
			   const struct cgroup_mem_entry *e)
{
	json_key(w, key);
	json_open_object(w);
	json_kv_uint(w, "limit", e->limit);
	kv_u64_oe(w, "usage", e->usage);
	kv_u64_oe(w, "max", e->max_usage);
	json_kv_uint(w, "failcnt", e->failcnt);
	json_close_object(w);
}

static void blkio_json(struct json_writer *w, const char *key,
		       const struct cgroup_blkio_entry *v, size_t n)
{
	if (n == 0)
		return;
	json_key(w, key);
	json_open_array(w);
	for (size_t i = 0; i < n; i++) {
		json_open_object(w);
		kv_u64_oe(w, "major", v[i].major);
		kv_u64_oe(w, "minor", v[i].minor);
		if (v[i].op[0])
			json_kv_string(w, "op", v[i].op);
		kv_u64_oe(w, "value", v[i].value);
		json_close_object(w);
	}
	json_close_array(w);
}

static void stats_data_json(struct json_writer *w, const struct cgroup_stats *st)
{
	json_open_object(w);
	json_key(w, "cpu");
	json_open_object(w);
	json_key(w, "usage");
	json_open_object(w);
	kv_u64_oe(w, "total", st->cpu.total);
	if (st->cpu.n_percpu) {
		json_key(w, "percpu");
		json_open_array(w);
		for (size_t i = 0; i < st->cpu.n_percpu; i++)
			json_uint(w, st->cpu.percpu[i]);
		json_close_array(w);
	}
	json_kv_uint(w, "kernel", st->cpu.kernel);
	json_kv_uint(w, "user", st->cpu.user);
	json_close_object(w);
	json_key(w, "throttling");
	json_open_object(w);
	kv_u64_oe(w, "periods", st->cpu.periods);
	kv_u64_oe(w, "throttledPeriods", st->cpu.throttled_periods);
	kv_u64_oe(w, "throttledTime", st->cpu.throttled_time);
	json_close_object(w);
	json_close_object(w);

	json_key(w, "memory");
	json_open_object(w);
	kv_u64_oe(w, "cache", st->memory.cache);
	mem_entry_json(w, "usage", &st->memory.usage);
	mem_entry_json(w, "swap", &st->memory.swap);
	mem_entry_json(w, "kernel", &st->memory.kernel);
	mem_entry_json(w, "kernelTCP", &st->memory.kernel_tcp);
	if (st->memory.n_raw) {
		json_key(w, "raw");
		json_open_object(w);
		for (size_t i = 0; i < st->memory.n_raw; i++) {
			uint64_t v = 0;

			parse_uint64(st->memory.raw[i].value, &v);
			json_kv_uint(w, st->memory.raw[i].key, v);
		}
		json_close_object(w);
	}
	json_close_object(w);

	json_key(w, "pids");
	json_open_object(w);
	kv_u64_oe(w, "current", st->pids.current);
	kv_u64_oe(w, "limit", st->pids.limit);
	json_close_object(w);

	json_key(w, "blkio");
	json_open_object(w);
	blkio_json(w, "ioServiceBytesRecursive", st->blkio.io_service_bytes,
		   st->blkio.n_io_service_bytes);
	blkio_json(w, "ioServicedRecursive", st->blkio.io_serviced, st->blkio.n_io_serviced);
	json_close_object(w);

	json_key(w, "hugetlb");
	json_open_object(w);
	for (size_t i = 0; i < st->n_hugetlb; i++) {
		json_key(w, st->hugetlb[i].page_size);
		json_open_object(w);
		kv_u64_oe(w, "usage", st->hugetlb[i].usage);
		kv_u64_oe(w, "max", st->hugetlb[i].max_usage);
		json_kv_uint(w, "failcnt", st->hugetlb[i].failcnt);
		json_close_object(w);
	}
	json_close_object(w);
	json_close_object(w);
}

/* One event line to emit (st NULL: no data, as runc's oom event). */
static int emit_event(const char *type, const char *id, const struct cgroup_stats *st,
		      container_event_fn emit, void *ctx, struct husk_error *err)
{
	_cleanup_json_writer_ struct json_writer *w = json_writer_new(false);
	const char *buf;
	size_t len;
	int r;

	json_open_object(w);
	json_kv_string(w, "type", type);
	json_kv_string(w, "id", id);
	if (st) {
		json_key(w, "data");
		stats_data_json(w, st);
	}
	json_close_object(w);
	r = json_writer_finish(w, &buf, &len, err);
	if (r < 0)
		return r;
	return emit(ctx, buf, len, err);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Until the container's init exits (its pidfd turns readable): stats every
 * interval, oom events as the kill counter rises.
 */
static int events_loop(const char *id, struct cgroup *cg, int pidfd, unsigned interval,
		       container_event_fn emit, void *ctx, struct husk_error *err)
{
	struct cgroup_stats st;
	uint64_t ooms, next_stats = 0;
	int r;

	r = cgroup_stats(cg, &st, err);
	if (r < 0)
		return r;
	ooms = st.oom_kills;
	cgroup_stats_free(&st);
	for (;;) {
		uint64_t now = now_ms();
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		unsigned wait;

		r = cgroup_stats(cg, &st, err);
		if (r < 0)
			return r;
		if (st.oom_kills > ooms)
			r = emit_event("oom", id, NULL, emit, ctx, err);
		ooms = st.oom_kills;
		if (r == 0 && now >= next_stats) {
			r = emit_event("stats", id, &st, emit, ctx, err);
			next_stats = now + interval;
		}
		cgroup_stats_free(&st);
		if (r < 0)
			return r;
		wait = interval < OOM_POLL_MS ? interval : OOM_POLL_MS;
		r = poll(&p, 1, (int)wait);
		if (r > 0)
			return 0;   /* the container stopped */
		if (r < 0 && errno != EINTR)
			return husk_error_set(err, errno, "poll the pidfd of container \"%s\"", id);
	}
}

int container_events(const struct container_globals *g, const char *id,
		     const struct container_events_opts *o, container_event_fn emit, void *ctx,
		     struct husk_error *err)
{
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	_cleanup_close_ int pidfd = -1;
	struct cgroup_stats st;
	struct ctr c;
	int r;

	r = ctr_open(g, id, 0, &c, err);
	if (r < 0)
		return r;
	if (c.status == STATUS_STOPPED || c.status == STATUS_CREATING)
		r = husk_error_setq(err, ESRCH, "container \"%s\" is not running", id);
	else
		r = ctr_cgroup(c.st, "events needs it for statistics", &cg, err);
	if (r == 0 && !o->stats_only) {
		pidfd = container_pidfd(c.st, err);
		r = pidfd < 0 ? pidfd : 0;
	}
	ctr_close(&c);
	if (r < 0)
		return r;
	if (!o->stats_only)
		return events_loop(id, cg, pidfd,
				   o->interval_ms ? o->interval_ms : EVENTS_DEFAULT_INTERVAL_MS,
				   emit, ctx, err);
	r = cgroup_stats(cg, &st, err);
	if (r < 0)
		return r;
	r = emit_event("stats", id, &st, emit, ctx, err);
	cgroup_stats_free(&st);
	return r;
}
