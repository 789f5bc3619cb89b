/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The D-Bus wire format (src/cgroup/dbus.c) and the systemd manager's
 * properties (systemd-props.c, systemd-annot.c, cg_systemd_name()) as
 * data: golden bytes, round trips, every conversion, hostile input.
 * The conversation with a real systemd is tests/integration/test_systemd.c.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup-internal.h"
#include "cgroup/dbus.h"
#include "cgroup/systemd.h"
#include "husk/util.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the golden bytes below are little-endian"
#endif

/* ---- marshalling ----------------------------------------------------------- */

Test(cgroup_dbus, golden_call)
{
	/* A call with a path and a member only: every byte worked out by hand. */
	static const uint8_t want[] = {
		'l', 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0,
		1, 1, 'o', 0, 2, 0, 0, 0, '/', 'a', 0, 0, 0, 0, 0, 0,
		3, 1, 's', 0, 1, 0, 0, 0, 'M', 0, 0, 0, 0, 0, 0, 0,
	};
	struct dbus_buf b = { 0 };
	cr_assert_eq(dbus_message_call(&b, 1, NULL, "/a", NULL, "M", "", NULL), 0);
	cr_assert_eq(b.len, sizeof(want));
	cr_expect(memcmp(b.data, want, sizeof(want)) == 0);
	dbus_buf_free(&b);
}

Test(cgroup_dbus, alignment)
{
	struct dbus_buf b = { 0 };
	/* An empty array of structs: the length, then padding to 8 all the same. */
	size_t a = dbus_array_open(&b, 8);
	dbus_array_close(&b, a, 8);
	cr_assert_eq(b.len, 8);
	cr_expect(memcmp(b.data, "\0\0\0\0\0\0\0\0", 8) == 0);
	dbus_buf_free(&b);

	/* y, then au with one element: length at 4, element at 8. */
	dbus_put_u8(&b, 7);
	a = dbus_array_open(&b, 4);
	dbus_put_u32(&b, 42);
	dbus_array_close(&b, a, 4);
	static const uint8_t au[] = { 7, 0, 0, 0, 4, 0, 0, 0, 42, 0, 0, 0 };
	cr_assert_eq(b.len, sizeof(au));
	cr_expect(memcmp(b.data, au, sizeof(au)) == 0);
	dbus_buf_free(&b);

	/* a(sv) with ("A", <uint64 5>): struct at 8, the u64 8-aligned at 24. */
	a = dbus_array_open(&b, 8);
	dbus_align(&b, 8);
	dbus_put_str(&b, "A");
	dbus_put_sig(&b, "t");
	dbus_put_u64(&b, 5);
	dbus_array_close(&b, a, 8);
	static const uint8_t asv[] = {
		24, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 'A', 0, 1, 't',
		0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0,
	};
	cr_assert_eq(b.len, sizeof(asv));
	cr_expect(memcmp(b.data, asv, sizeof(asv)) == 0);
	dbus_buf_free(&b);
}

/* A StopUnit call parses back to what was put in. */
Test(cgroup_dbus, call_round_trip)
{
	struct dbus_buf body = { 0 }, msg = { 0 };
	dbus_put_str(&body, "x.scope");
	dbus_put_str(&body, "replace");
	cr_assert_eq(dbus_message_call(&msg, 77, "org.freedesktop.systemd1",
				       "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
				       "StopUnit", "ss", &body), 0);
	cr_assert_eq(dbus_msg_size(msg.data, msg.len, 1 << 20), (long)msg.len);
	uint8_t *raw = malloc(msg.len);
	memcpy(raw, msg.data, msg.len);
	struct dbus_msg m;
	cr_assert_eq(dbus_msg_parse(raw, msg.len, &m), 0);
	cr_expect_eq(m.type, DBUS_MSG_CALL);
	cr_expect_eq(m.serial, 77);
	cr_expect_str_eq(m.path, "/org/freedesktop/systemd1");
	cr_expect_str_eq(m.iface, "org.freedesktop.systemd1.Manager");
	cr_expect_str_eq(m.member, "StopUnit");
	cr_expect_str_eq(m.dest, "org.freedesktop.systemd1");
	cr_expect_str_eq(m.sig, "ss");
	const char *s1, *s2;
	cr_assert(dbus_get_str(&m.body, &s1) && dbus_get_str(&m.body, &s2));
	cr_expect_str_eq(s1, "x.scope");
	cr_expect_str_eq(s2, "replace");
	cr_expect_eq(m.body.pos, m.body.len);
	dbus_msg_free(&m);
	dbus_buf_free(&body);
	dbus_buf_free(&msg);
}

/* A big-endian error reply, as another implementation may send it. */
Test(cgroup_dbus, big_endian_reply)
{
	static const uint8_t be[] = {
		'B', 2, 0, 1, 0, 0, 0, 7, 0, 0, 0, 9, 0, 0, 0, 15,
		5, 1, 'u', 0, 0, 0, 0, 7, 8, 1, 'g', 0, 1, 's', 0, 0,
		0, 0, 0, 2, 'h', 'i', 0,
	};
	uint8_t *raw = malloc(sizeof(be));
	memcpy(raw, be, sizeof(be));
	struct dbus_msg m;
	cr_assert_eq(dbus_msg_parse(raw, sizeof(be), &m), 0);
	cr_expect_eq(m.type, DBUS_MSG_RETURN);
	cr_expect_eq(m.serial, 9);
	cr_expect_eq(m.reply_serial, 7);
	cr_expect_str_eq(m.sig, "s");
	const char *s;
	cr_assert(dbus_get_str(&m.body, &s));
	cr_expect_str_eq(s, "hi");
	dbus_msg_free(&m);
}

/* Every truncation and every single-byte change: an error or a parse, never a read outside. */
Test(cgroup_dbus, hostile_messages)
{
	struct dbus_buf body = { 0 }, msg = { 0 };
	struct sd_props ps = { 0 };
	cr_assert_eq(sd_prop_u64(&ps, "MemoryMax", 1), 0);
	cr_assert_eq(sd_prop_pid(&ps, "PIDs", 3), 0);
	cr_assert_eq(sd_start_body(&body, "u.scope", "replace", &ps), 0);
	cr_assert_eq(dbus_message_call(&msg, 1, "d", "/p", "i.f", "M", "ssa(sv)a(sa(sv))", &body), 0);
	for (size_t len = 0; len < msg.len; len++) {
		uint8_t *raw = malloc(len ? len : 1);
		memcpy(raw, msg.data, len);
		struct dbus_msg m;
		cr_expect_neq(dbus_msg_parse(raw, len, &m), 0, "a message cut at %zu parsed", len);
		dbus_msg_free(&m);
	}
	for (size_t i = 0; i < msg.len; i++) {
		for (int v = 0; v < 256; v += 51) {
			uint8_t *raw = malloc(msg.len);
			memcpy(raw, msg.data, msg.len);
			raw[i] = (uint8_t)(raw[i] ^ (v | 1));
			struct dbus_msg m;
			if (dbus_msg_parse(raw, msg.len, &m) == 0) {
				const char *sig = m.sig;
				while (*sig && dbus_skip(&m.body, &sig))
					;
			}
			dbus_msg_free(&m);
		}
	}
	sd_props_free(&ps);
	dbus_buf_free(&body);
	dbus_buf_free(&msg);
}

Test(cgroup_dbus, unit_path)
{
	char *p = dbus_unit_path("husk-abc.scope");
	cr_expect_str_eq(p, "/org/freedesktop/systemd1/unit/husk_2dabc_2escope");
	free(p);
	p = dbus_unit_path("1x");
	cr_expect_str_eq(p, "/org/freedesktop/systemd1/unit/_31x");
	free(p);
	p = dbus_unit_path("");
	cr_expect_str_eq(p, "/org/freedesktop/systemd1/unit/_");
	free(p);
}

/* ---- properties ---------------------------------------------------------------- */

static uint64_t prop_u(const struct sd_props *ps, const char *name)
{
	const struct sd_prop *p = sd_prop_find(ps, name);
	cr_assert(p, "no property %s", name);
	return p->v.u;
}

Test(cgroup_dbus, resources)
{
	struct husk_memory mem = { .limit = { true, -1 }, .reservation = { true, 1000 } };
	struct husk_cpu cpu = { .shares = { true, 1024 }, .quota = { true, 33333 },
				.cpus = "0-3,8", .mems = "1" };
	struct husk_block_io bio = { .weight = { true, 500 } };
	struct husk_resources r = { .memory = &mem, .cpu = &cpu, .block_io = &bio,
				    .pids_limit = { true, -1 } };
	struct sd_props ps = { 0 };
	struct husk_error err = { 0 };
	cr_assert_eq(sd_props_from_resources(&r, &ps, &err), 0, "%s", err.msg);
	cr_expect_eq(prop_u(&ps, "MemoryMax"), UINT64_MAX);
	cr_expect_eq(prop_u(&ps, "MemoryLow"), 1000);
	cr_expect_eq(prop_u(&ps, "MemorySwapMax"), UINT64_MAX, "unlimited memory, no swap: unlimited");
	cr_expect_eq(prop_u(&ps, "TasksMax"), UINT64_MAX);
	cr_expect_eq(prop_u(&ps, "CPUWeight"), cg_cpu_shares_to_weight(1024));
	cr_expect_eq(prop_u(&ps, "CPUWeight"), 100, "the plans' curve: 1024 -> 100");
	cr_expect_eq(prop_u(&ps, "CPUQuotaPerSecUSec"), 333330);
	cr_expect_null(sd_prop_find(&ps, "CPUQuotaPeriodUSec"), "period not set, not sent");
	cr_expect_eq(prop_u(&ps, "IOWeight"), 4950);
	const struct sd_prop *m = sd_prop_find(&ps, "AllowedCPUs");
	cr_assert(m);
	cr_expect_str_eq(m->type, "ay");
	cr_assert_eq(m->v.ay.n, 2);
	cr_expect_eq(m->v.ay.p[0], 0x0f);
	cr_expect_eq(m->v.ay.p[1], 0x01);
	m = sd_prop_find(&ps, "AllowedMemoryNodes");
	cr_assert(m && m->v.ay.n == 1 && m->v.ay.p[0] == 0x02);
	sd_props_free(&ps);
}

Test(cgroup_dbus, conversions_edges)
{
	static const struct { uint64_t shares, weight; } w[] = { { 2, 1 }, { 262144, 10000 } };
	for (size_t i = 0; i < ARRAY_SIZE(w); i++) {
		struct husk_cpu cpu = { .shares = { true, w[i].shares } };
		struct husk_resources r = { .cpu = &cpu };
		struct sd_props ps = { 0 };
		struct husk_error err = { 0 };
		cr_assert_eq(sd_props_from_resources(&r, &ps, &err), 0, "%s", err.msg);
		cr_expect_eq(prop_u(&ps, "CPUWeight"), w[i].weight);
		sd_props_free(&ps);
	}
	/* swap is memory+swap in OCI, swap alone for systemd */
	struct husk_memory mem = { .limit = { true, 100 }, .swap = { true, 300 } };
	struct husk_resources r = { .memory = &mem };
	struct sd_props ps = { 0 };
	struct husk_error err = { 0 };
	cr_assert_eq(sd_props_from_resources(&r, &ps, &err), 0, "%s", err.msg);
	cr_expect_eq(prop_u(&ps, "MemorySwapMax"), 200);
	sd_props_free(&ps);
	/* quota -1 with a period: no quota, the period kept */
	struct husk_cpu cpu = { .quota = { true, -1 }, .period = { true, 50000 } };
	r = (struct husk_resources){ .cpu = &cpu };
	cr_assert_eq(sd_props_from_resources(&r, &ps, &err), 0, "%s", err.msg);
	cr_expect_eq(prop_u(&ps, "CPUQuotaPerSecUSec"), UINT64_MAX);
	cr_expect_eq(prop_u(&ps, "CPUQuotaPeriodUSec"), 50000);
	sd_props_free(&ps);
}

Test(cgroup_dbus, resources_refused)
{
	struct husk_memory swap_lt = { .limit = { true, 300 }, .swap = { true, 100 } };
	struct husk_memory swap_alone = { .swap = { true, 100 } };
	struct husk_memory neg = { .limit = { true, -5 } };
	struct husk_cpu shares = { .shares = { true, 1 } }, period = { .period = { true, 10 } };
	struct husk_cpu cpus = { .cpus = "3-1" }, cpus2 = { .cpus = "1," }, mems = { .mems = "x" };
	struct husk_block_io bio = { .weight = { true, 5 } };
	const struct { struct husk_resources r; const char *path; } bad[] = {
		{ { .memory = &swap_lt }, ".linux.resources.memory.swap" },
		{ { .memory = &swap_alone }, ".linux.resources.memory.swap" },
		{ { .memory = &neg }, ".linux.resources.memory.limit" },
		{ { .cpu = &shares }, ".linux.resources.cpu.shares" },
		{ { .cpu = &period }, ".linux.resources.cpu.period" },
		{ { .cpu = &cpus }, ".linux.resources.cpu.cpus" },
		{ { .cpu = &cpus2 }, ".linux.resources.cpu.cpus" },
		{ { .cpu = &mems }, ".linux.resources.cpu.mems" },
		{ { .block_io = &bio }, ".linux.resources.blockIO.weight" },
		{ { .pids_limit = { true, -2 } }, ".linux.resources.pids.limit" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct sd_props ps = { 0 };
		struct husk_error err = { 0 };
		cr_expect_eq(sd_props_from_resources(&bad[i].r, &ps, &err), -EINVAL, "case %zu", i);
		cr_expect(strstr(err.msg, bad[i].path), "case %zu: \"%s\" does not name %s", i,
			  err.msg, bad[i].path);
		sd_props_free(&ps);
	}
}

Test(cgroup_dbus, annotations)
{
	struct husk_kv a[] = {
		{ "org.systemd.property.CollectMode", "'inactive-or-failed'" },
		{ "org.systemd.property.Quoted", "\"a\\\"b\\\\c\"" },
		{ "org.systemd.property.SendSIGKILL", "false" },
		{ "org.systemd.property.After", "['crio.service', \"x.target\"]" },
		{ "org.systemd.property.TimeoutStopUSec", "uint64 123456789" },
		{ "org.systemd.property.TimeoutStopSec", "10" },        /* -> TimeoutStopUSec */
		{ "org.systemd.property.RuntimeMaxSec", "double 1.5" },
		{ "org.systemd.property.KillSignal", "15" },
		{ "org.systemd.property.Nice", "int32 -5" },
		{ "org.systemd.property.CPUWeight", "uint64 7" },       /* overrides the resources' */
		{ "org.systemd.property.Ratio", "0.25" },
		{ "io.kubernetes.other", "not ours" },
	};
	struct husk_cpu cpu = { .shares = { true, 1024 } };
	struct husk_resources r = { .cpu = &cpu };
	struct sd_props ps = { 0 };
	struct husk_error err = { 0 };
	cr_assert_eq(sd_props_from_resources(&r, &ps, &err), 0);
	cr_assert_eq(sd_props_from_annotations(a, ARRAY_SIZE(a), &ps, &err), 0, "%s", err.msg);

	const struct sd_prop *p = sd_prop_find(&ps, "CollectMode");
	cr_assert(p && str_eq(p->type, "s"));
	cr_expect_str_eq(p->v.s, "inactive-or-failed");
	p = sd_prop_find(&ps, "Quoted");
	cr_expect_str_eq(p->v.s, "a\"b\\c");
	p = sd_prop_find(&ps, "SendSIGKILL");
	cr_assert(p && str_eq(p->type, "b") && !p->v.b);
	p = sd_prop_find(&ps, "After");
	cr_assert(p && str_eq(p->type, "as"));
	cr_expect_str_eq(p->v.as[0], "crio.service");
	cr_expect_str_eq(p->v.as[1], "x.target");
	cr_expect_null(p->v.as[2]);
	/* TimeoutStopSec=10 came later and replaced TimeoutStopUSec */
	cr_expect_eq(prop_u(&ps, "TimeoutStopUSec"), 10000000);
	cr_expect_null(sd_prop_find(&ps, "TimeoutStopSec"));
	cr_expect_eq(prop_u(&ps, "RuntimeMaxUSec"), 1500000);
	p = sd_prop_find(&ps, "KillSignal");
	cr_assert(p && str_eq(p->type, "i") && p->v.i == 15, "a bare integer is int32");
	p = sd_prop_find(&ps, "Nice");
	cr_assert(p && str_eq(p->type, "i") && p->v.i == -5);
	cr_expect_eq(prop_u(&ps, "CPUWeight"), 7);
	size_t n = 0;
	for (size_t i = 0; i < ps.n; i++)
		n += str_eq(ps.p[i].name, "CPUWeight");
	cr_expect_eq(n, 1, "an override replaces, it does not add");
	p = sd_prop_find(&ps, "Ratio");
	cr_assert(p && str_eq(p->type, "d") && p->v.d == 0.25);

	/* The body marshals and skips as exactly its signature. */
	struct dbus_buf b = { 0 };
	cr_assert_eq(sd_start_body(&b, "u.scope", "replace", &ps), 0);
	struct dbus_rd rd = { .p = b.data, .len = b.len };
	const char *sig = "ssa(sv)a(sa(sv))";
	while (*sig)
		cr_assert(dbus_skip(&rd, &sig), "the body does not parse at %zu", rd.pos);
	cr_expect_eq(rd.pos, b.len);
	dbus_buf_free(&b);
	sd_props_free(&ps);
}

Test(cgroup_dbus, annotations_refused)
{
	static const char *const bad[][2] = {
		{ "org.systemd.property.X", "foo" },
		{ "org.systemd.property.X", "uint32 -1" },
		{ "org.systemd.property.X", "int32 3000000000" },
		{ "org.systemd.property.X", "byte 256" },
		{ "org.systemd.property.X", "'unterminated" },
		{ "org.systemd.property.X", "'a' trailing" },
		{ "org.systemd.property.X", "'\\q'" },
		{ "org.systemd.property.X", "[]" },
		{ "org.systemd.property.X", "['a' 'b']" },
		{ "org.systemd.property.X", "'\xff'" },
		{ "org.systemd.property.X", "" },
		{ "org.systemd.property.TimeoutStopSec", "'10'" },
		{ "org.systemd.property.TimeoutStopSec", "-1" },
		{ "org.systemd.property.lower", "true" },
		{ "org.systemd.property.A-b", "true" },
		{ "org.systemd.property.", "true" },
		{ "org.systemd.property.PIDs", "[1]" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct husk_kv kv = { (char *)bad[i][0], (char *)bad[i][1] };
		struct sd_props ps = { 0 };
		struct husk_error err = { 0 };
		cr_expect_lt(sd_props_from_annotations(&kv, 1, &ps, &err), 0, "%s=%s accepted",
			     bad[i][0], bad[i][1]);
		cr_expect(strstr(err.msg, bad[i][0]), "\"%s\" does not name the annotation", err.msg);
		cr_expect_eq(ps.n, 0);
		sd_props_free(&ps);
	}
}

Test(cgroup_dbus, names)
{
	static const struct { const char *path; bool rootless; const char *slice, *unit; } ok[] = {
		{ NULL, false, "system.slice", "husk-ID.scope" },
		{ "", true, "user.slice", "husk-ID.scope" },
		{ "::", false, "system.slice", "husk-ID.scope" },
		{ "machine.slice:runc:abc", false, "machine.slice", "runc-abc.scope" },
		{ "a-b.slice::", false, "a-b.slice", "husk-ID.scope" },
		{ "-::x", false, "-.slice", "husk-x.scope" },
		{ ":p:own.scope", false, "system.slice", "own.scope" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		char *slice = NULL, *unit = NULL;
		struct husk_error err = { 0 };
		cr_assert_eq(cg_systemd_name(ok[i].path, "ID", ok[i].rootless, &slice, &unit, &err), 0,
			     "\"%s\": %s", ok[i].path, err.msg);
		cr_expect_str_eq(slice, ok[i].slice);
		cr_expect_str_eq(unit, ok[i].unit);
		free(slice);
		free(unit);
	}
	static const char *const bad[] = {
		"a:b", "a:b:c:d", "noslice:p:n", "a/b.slice:p:n", "s.slice:p:n.slice", "s.slice:p:a/b",
		"s.slice:p:a b", "--x.slice:p:n", "/abs/path",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *slice = NULL, *unit = NULL;
		struct husk_error err = { 0 };
		cr_expect_lt(cg_systemd_name(bad[i], "ID", false, &slice, &unit, &err), 0,
			     "\"%s\" accepted", bad[i]);
		cr_expect(strstr(err.msg, ".linux.cgroupsPath"), "%s", err.msg);
		cr_expect_null(unit);
	}
}
