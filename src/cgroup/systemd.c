// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The systemd cgroup manager's backend: a transient scope per container,
 * made and removed through systemd's D-Bus API (dbus.c, dbus-conn.c), its
 * properties from systemd-props.c and systemd-annot.c.
 *
 * Which systemd: as root the system manager, through its private socket
 * /run/systemd/private (peer to peer: no dbus-daemon needed, no Hello),
 * else the system bus ($DBUS_SYSTEM_BUS_ADDRESS or
 * /run/dbus/system_bus_socket); rootless the user's manager,
 * $XDG_RUNTIME_DIR/systemd/private, else the session bus
 * ($DBUS_SESSION_BUS_ADDRESS or $XDG_RUNTIME_DIR/bus).
 *
 * HUSK_SYSTEMD_BUS=<D-Bus address> replaces that list (the tests point it
 * at a systemd booted in a container: unix:path=/proc/<pid>/root/run/
 * systemd/private).  It may be systemd's peer socket or a bus daemon:
 * husk says Hello, and a peer's "unknown object" answer tells them apart.
 *
 * A scope's start job completes as soon as systemd has moved the pid, but
 * husk still waits for JobRemoved (as systemd-run does): only then is the
 * cgroup there with the pid in it, which cgroup.c writes into next.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup-internal.h"
#include "cgroup/systemd.h"
#include "husk/util.h"

#define CONNECT_TIMEOUT_MS 5000
#define CALL_TIMEOUT_MS 25000
#define JOB_TIMEOUT_MS 30000

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"

/* The characters systemd allows in a unit name. */
static bool unit_chars_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr(":-_.\\@", *s)))
			return false;
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

int cg_systemd_name(const char *cgroups_path, const char *id, bool rootless, char **slice,
		    char **unit, struct husk_error *err)
{
	const char *path = cgroups_path ? cgroups_path : "";
	char sl[256] = "", prefix[256] = "", name[256] = "";

	if (*path) {
		const char *a = strchr(path, ':'), *b = a ? strchr(a + 1, ':') : NULL;
		if (!a || !b || strchr(b + 1, ':') || (size_t)(a - path) >= sizeof(sl) ||
		    (size_t)(b - a - 1) >= sizeof(prefix) || strlen(b + 1) >= sizeof(name))
			return husk_error_set(err, EINVAL, ".linux.cgroupsPath \"%s\": with "
					      "--systemd-cgroup it is \"slice:prefix:name\" (e.g. "
					      "\"system.slice:husk:%s\")", path, id);
		snprintf(sl, sizeof(sl), "%.*s", (int)(a - path), path);
		snprintf(prefix, sizeof(prefix), "%.*s", (int)(b - a - 1), a + 1);
		snprintf(name, sizeof(name), "%s", b + 1);
	}
	if (!*sl)
		strcpy(sl, rootless ? "user.slice" : "system.slice");
	else if (str_eq(sl, "-"))
		strcpy(sl, "-.slice");  /* the root slice */
	if (!*prefix)
		strcpy(prefix, "husk");
	if (!*name)
		snprintf(name, sizeof(name), "%s", id);

	if (!ends_with(sl, ".slice") || !unit_chars_ok(sl) || strlen(sl) > 255 ||
	    (strstr(sl, "--") && !str_eq(sl, "-.slice")) || (sl[0] == '-' && !str_eq(sl, "-.slice")))
		return husk_error_set(err, EINVAL, ".linux.cgroupsPath \"%s\": \"%s\" is not a "
				      "systemd slice name (like \"system.slice\" or \"machine-x.slice\", "
				      "no '/')", path, sl);
	if (ends_with(name, ".slice"))
		return husk_error_set(err, EOPNOTSUPP, ".linux.cgroupsPath \"%s\": a .slice as the "
				      "container's unit is not supported; give a name for a scope",
				      path);
	char u[sizeof(prefix) + sizeof(name) + 8];
	if (ends_with(name, ".scope"))
		snprintf(u, sizeof(u), "%s", name);
	else
		snprintf(u, sizeof(u), "%s-%s.scope", prefix, name);
	if (!unit_chars_ok(u) || strlen(u) > 255 || u[0] == '-' || u[0] == '.')
		return husk_error_set(err, EINVAL, ".linux.cgroupsPath \"%s\": \"%s\" is not a "
				      "valid systemd unit name (letters, digits, \":-_.\\@\", at most "
				      "255 characters)", path, u);
	*slice = strdup(sl);
	*unit = strdup(u);
	if (!*slice || !*unit) {
		free(*slice);
		free(*unit);
		*slice = *unit = NULL;
		return husk_error_set(err, ENOMEM, ".linux.cgroupsPath");
	}
	return 0;
}

/* ---- reaching systemd ------------------------------------------------------- */

/* One place to try: an address, and whether it is a bus daemon. */
struct place {
	char address[512];
	bool bus;
};

static size_t places(bool rootless, struct place p[3])
{
	size_t n = 0;
	const char *env = getenv("HUSK_SYSTEMD_BUS");
	if (env && *env) {
		snprintf(p[0].address, sizeof(p[0].address), "%s", env);
		p[0].bus = true;        /* dbus_connect() finds out */
		return 1;
	}
	if (!rootless) {
		snprintf(p[n++].address, sizeof(p[0].address), "unix:path=/run/systemd/private");
		env = getenv("DBUS_SYSTEM_BUS_ADDRESS");
		snprintf(p[n].address, sizeof(p[0].address), "%s",
			 env && *env ? env : "unix:path=/run/dbus/system_bus_socket");
		p[n++].bus = true;
		return n;
	}
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (xdg && *xdg)
		snprintf(p[n++].address, sizeof(p[0].address), "unix:path=%s/systemd/private", xdg);
	env = getenv("DBUS_SESSION_BUS_ADDRESS");
	if (env && *env)
		snprintf(p[n].address, sizeof(p[0].address), "%s", env);
	else if (xdg && *xdg)
		snprintf(p[n].address, sizeof(p[0].address), "unix:path=%s/bus", xdg);
	else
		return n;
	p[n++].bus = true;
	return n;
}

/*
 * Connect to the first systemd that answers.  When none does, one line
 * that says systemd is not running, what was tried, and what to do.
 */
static int sd_connect(bool rootless, struct dbus_conn **out, struct husk_error *err)
{
	struct place p[3] = { 0 };
	size_t n = places(rootless, p);
	char tried[1024] = "";
	int last = -ENOENT;

	for (size_t i = 0; i < n; i++) {
		struct husk_error e = { 0 };
		last = dbus_connect(p[i].address, p[i].bus, CONNECT_TIMEOUT_MS, out, &e);
		if (last == 0)
			return 0;
		/* An answering socket that refuses us is worth reporting as such. */
		if (last != -ENOENT && last != -ECONNREFUSED && last != -ENOTDIR) {
			*err = e;
			return husk_error_prefix(err, "systemd (--systemd-cgroup)");
		}
		size_t len = strlen(tried);
		snprintf(tried + len, sizeof(tried) - len, "%s%.300s", len ? "; " : "", e.msg);
	}
	bool booted = access("/run/systemd/system", F_OK) == 0;
	return husk_error_setq(err, last == -ECONNREFUSED ? ECONNREFUSED : ENOENT,
			       "--systemd-cgroup: systemd is not running%s (%s%s); run without "
			       "--systemd-cgroup to use cgroupfs",
			       rootless ? " for this user" : booted ? "" : ": PID 1 is not systemd",
			       n ? "" : "no XDG_RUNTIME_DIR or DBUS_SESSION_BUS_ADDRESS",
			       n ? tried : "");
}

/* ---- jobs --------------------------------------------------------------------- */

/*
 * JobRemoved(u id, o job, s unit, s result) for our unit, as they arrive
 * (one may come before the reply that names the job).
 */
struct job_wait {
	const char *unit;
	char job[256];              /* the job path, once the call returned it */
	struct { char job[256]; char result[32]; } seen[8];
	size_t n_seen;
};

static void on_signal(void *data, const struct dbus_msg *m)
{
	struct job_wait *w = data;
	const char *job, *unit, *result;
	uint32_t id;
	struct dbus_rd b = m->body;

	if (!m->member || !str_eq(m->member, "JobRemoved") || !m->iface ||
	    !str_eq(m->iface, SD_MANAGER) || !str_eq(m->sig, "uoss"))
		return;
	if (!dbus_get_u32(&b, &id) || !dbus_get_str(&b, &job) || !dbus_get_str(&b, &unit) ||
	    !dbus_get_str(&b, &result) || !str_eq(unit, w->unit))
		return;
	size_t i = w->n_seen < ARRAY_SIZE(w->seen) ? w->n_seen++ : ARRAY_SIZE(w->seen) - 1;
	snprintf(w->seen[i].job, sizeof(w->seen[i].job), "%s", job);
	snprintf(w->seen[i].result, sizeof(w->seen[i].result), "%s", result);
}

static const char *job_result(const struct job_wait *w)
{
	for (size_t i = 0; i < w->n_seen; i++)
		if (str_eq(w->seen[i].job, w->job))
			return w->seen[i].result;
	return NULL;
}

static bool job_done(void *data)
{
	return job_result(data) != NULL;
}

/*
 * Ask for JobRemoved: on a bus daemon a match rule and Subscribe (systemd
 * only emits to subscribers there); systemd's private socket gets every
 * signal without asking.
 */
static int subscribe(struct dbus_conn *c, bool bus, struct job_wait *w, struct husk_error *err)
{
	dbus_on_signal(c, on_signal, w);
	if (!bus)
		return 0;
	struct dbus_buf b = { 0 };
	dbus_put_str(&b, "type='signal',sender='" SD_DEST "',path='" SD_PATH "',interface='"
		     SD_MANAGER "',member='JobRemoved'");
	int r = b.oom ? husk_error_set(err, ENOMEM, "AddMatch")
		: dbus_call(c, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			    "org.freedesktop.DBus", "AddMatch", "s", &b, CALL_TIMEOUT_MS, NULL, err);
	dbus_buf_free(&b);
	if (r < 0)
		return r;
	return dbus_call(c, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", "", NULL, CALL_TIMEOUT_MS,
			 NULL, err);
}

/*
 * Call a Manager method that returns a job (StartTransientUnit, StopUnit)
 * and wait for the job to finish: 0 when its result is "done".
 */
static int run_job(struct dbus_conn *c, struct job_wait *w, const char *member, const char *sig,
		   const struct dbus_buf *body, struct dbus_msg *reply, struct husk_error *err)
{
	const char *job;
	int r = dbus_call(c, SD_DEST, SD_PATH, SD_MANAGER, member, sig, body, CALL_TIMEOUT_MS,
			  reply, err);
	if (r < 0)
		return r;
	struct dbus_rd b = reply->body;
	if (!str_eq(reply->sig, "o") || !dbus_get_str(&b, &job))
		return husk_error_set(err, EBADMSG, "%s %s: systemd's reply is not a job path",
				      member, w->unit);
	snprintf(w->job, sizeof(w->job), "%s", job);
	char what[320];
	snprintf(what, sizeof(what), "%s %s: waiting for job %s", member, w->unit, job);
	r = dbus_wait(c, job_done, w, JOB_TIMEOUT_MS, what, err);
	if (r < 0)
		return r;
	const char *result = job_result(w);
	if (!str_eq(result, "done"))
		return husk_error_setq(err, EIO, "%s %s: systemd's job ended with \"%s\" (see "
				       "journalctl -u %s)", member, w->unit, result, w->unit);
	return 0;
}

static int unit_call(struct dbus_conn *c, const char *member, const char *unit,
		     const char *mode, struct dbus_msg *reply, struct husk_error *err)
{
	struct dbus_buf b = { 0 };
	dbus_put_str(&b, unit);
	if (mode)
		dbus_put_str(&b, mode);
	int r = b.oom ? husk_error_set(err, ENOMEM, "%s", member)
		: dbus_call(c, SD_DEST, SD_PATH, SD_MANAGER, member, mode ? "ss" : "s", &b,
			    CALL_TIMEOUT_MS, reply, err);
	dbus_buf_free(&b);
	return r;
}

/* The scope's ControlGroup property: its path in the cgroup hierarchy. */
static int control_group(struct dbus_conn *c, const char *unit, char **out,
			 struct husk_error *err)
{
	_cleanup_free_ char *path = dbus_unit_path(unit);
	struct dbus_buf b = { 0 };
	struct dbus_msg m;
	const char *sig, *cg;

	if (!path)
		return husk_error_set(err, ENOMEM, "%s", unit);
	dbus_put_str(&b, "org.freedesktop.systemd1.Scope");
	dbus_put_str(&b, "ControlGroup");
	int r = b.oom ? husk_error_set(err, ENOMEM, "%s", unit)
		: dbus_call(c, SD_DEST, path, "org.freedesktop.DBus.Properties", "Get", "ss", &b,
			    CALL_TIMEOUT_MS, &m, err);
	dbus_buf_free(&b);
	if (r < 0)
		return husk_error_prefix(err, "%s", unit);
	struct dbus_rd rd = m.body;
	if (!str_eq(m.sig, "v") || !dbus_get_variant(&rd, &sig) || !str_eq(sig, "s") ||
	    !dbus_get_str(&rd, &cg))
		r = husk_error_set(err, EBADMSG, "%s: ControlGroup is not a string", unit);
	else if (cg[0] != '/')
		r = husk_error_set(err, ESRCH, "%s: the scope has no cgroup (did the container's "
				   "process exit already?)", unit);
	else if (!(*out = strdup(cg)))
		r = husk_error_set(err, ENOMEM, "%s", unit);
	dbus_msg_free(&m);
	return r;
}

/* ---- start, stop ----------------------------------------------------------------- */

/*
 * Everything the scope is made with: the fixed properties first, then the
 * limits, then the annotations (which may override either; not PIDs).
 * DefaultDependencies=no, as runc: a container is not ordered after
 * basic.target and not stopped by shutdown.target's conflicts; its engine
 * decides when it stops.  Accounting on, so that systemd enables the
 * controllers down to the scope and cgroup.c finds their files.
 */
static int start_props(const char *slice, const char *unit, pid_t pid,
		       const struct husk_resources *r, const struct husk_kv *annotations,
		       size_t n_annotations, struct sd_props *ps, struct husk_error *err)
{
	char desc[300];
	size_t n = strlen(unit) - strlen(".scope");
	snprintf(desc, sizeof(desc), "husk container %.*s", (int)n, unit);
	if (sd_prop_str(ps, "Description", desc) < 0 || sd_prop_str(ps, "Slice", slice) < 0 ||
	    sd_prop_bool(ps, "Delegate", true) < 0 ||
	    sd_prop_bool(ps, "DefaultDependencies", false) < 0 ||
	    sd_prop_pid(ps, "PIDs", (uint32_t)pid) < 0 ||
	    sd_prop_bool(ps, "MemoryAccounting", true) < 0 ||
	    sd_prop_bool(ps, "CPUAccounting", true) < 0 ||
	    sd_prop_bool(ps, "IOAccounting", true) < 0 ||
	    sd_prop_bool(ps, "TasksAccounting", true) < 0)
		return husk_error_set(err, ENOMEM, "%s", unit);
	int e = sd_props_from_resources(r, ps, err);
	if (e < 0)
		return e;
	return sd_props_from_annotations(annotations, n_annotations, ps, err);
}

/*
 * StopUnit and wait for its job; a unit that is not loaded is 0.  Then
 * ResetFailedUnit: a scope that failed (an OOM kill, say) stays loaded
 * until reset, and would block the next container of that name.
 */
static int stop_unit(struct dbus_conn *c, const char *unit, struct husk_error *err)
{
	struct job_wait w = { .unit = unit };
	struct dbus_msg reply = { 0 };
	struct dbus_buf b = { 0 };

	dbus_on_signal(c, on_signal, &w);
	dbus_put_str(&b, unit);
	dbus_put_str(&b, "replace");
	int e = b.oom ? husk_error_set(err, ENOMEM, "%s", unit)
		: run_job(c, &w, "StopUnit", "ss", &b, &reply, err);
	if (e == -ENOENT && reply.error_name) {
		e = 0;                  /* not loaded: nothing to stop */
		husk_error_clear(err);
	} else if (e == 0) {
		struct husk_error ignore;
		(void)unit_call(c, "ResetFailedUnit", unit, NULL, NULL, &ignore);
	}
	dbus_msg_free(&reply);
	dbus_buf_free(&b);
	return e;
}

int cg_systemd_start(const char *slice, const char *unit, pid_t pid, bool rootless,
		     const struct husk_resources *r, const struct husk_kv *annotations,
		     size_t n_annotations, char **cgroup, struct husk_error *err)
{
	struct sd_props ps = { 0 };
	struct dbus_buf body = { 0 };
	struct dbus_conn *c = NULL;
	struct dbus_msg reply = { 0 };
	struct job_wait w = { .unit = unit };
	const char *sig = "ssa(sv)a(sa(sv))";

	int e = start_props(slice, unit, pid, r, annotations, n_annotations, &ps, err);
	if (e < 0)
		goto out;
	if (sd_start_body(&body, unit, "replace", &ps) < 0) {
		e = husk_error_set(err, ENOMEM, "%s", unit);
		goto out;
	}
	e = sd_connect(rootless, &c, err);
	if (e < 0)
		goto out;
	e = subscribe(c, dbus_conn_bus(c), &w, err);
	if (e == 0)
		e = run_job(c, &w, "StartTransientUnit", sig, &body, &reply, err);
	if (e == -EEXIST && reply.error_name) {
		/*
		 * A scope of this name is loaded: a container that failed and
		 * was never reset (ResetFailedUnit unloads it), or one that is
		 * running (then the second try fails the same way).
		 */
		struct husk_error ignore;
		dbus_msg_free(&reply);
		(void)unit_call(c, "ResetFailedUnit", unit, NULL, NULL, &ignore);
		e = run_job(c, &w, "StartTransientUnit", sig, &body, &reply, err);
		if (e == -EEXIST)
			husk_error_hint(err, "is a container of that name running? `systemctl stop "
					"%s` removes a scope that was left behind", unit);
	}
	bool started = e == 0 || w.job[0];
	if (e == 0)
		e = control_group(c, unit, cgroup, err);
	if (e < 0) {
		husk_error_prefix(err, "systemd on %s", dbus_conn_address(c));
		if (started) {          /* leave nothing behind */
			struct husk_error ignore;
			(void)stop_unit(c, unit, &ignore);
		}
	}
out:
	dbus_msg_free(&reply);
	dbus_close(c);
	dbus_buf_free(&body);
	sd_props_free(&ps);
	return e;
}

int cg_systemd_stop(const char *unit, bool rootless, struct husk_error *err)
{
	struct dbus_conn *c = NULL;
	struct job_wait w = { .unit = unit };

	int e = sd_connect(rootless, &c, err);
	if (e < 0)
		return e;
	e = subscribe(c, dbus_conn_bus(c), &w, err);
	if (e == 0)
		e = stop_unit(c, unit, err);
	if (e < 0)
		husk_error_prefix(err, "systemd on %s", dbus_conn_address(c));
	dbus_close(c);
	return e;
}
