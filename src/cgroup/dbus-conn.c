// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A D-Bus connection (dbus.c has the wire format and says why husk has
 * its own client): a unix stream socket, SASL EXTERNAL, method calls and
 * their replies, signals handed to a callback.
 *
 * Everything is non-blocking with a deadline: a wedged systemd makes husk
 * fail with a message after the timeout, never hang.  AUTH, BEGIN and
 * Hello go out in one write (as sd-bus does): one round trip less, and a
 * refused AUTH still comes back as a REJECTED line before anything else.
 */

#include <errno.h>
#include <stddef.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/dbus.h"
#include "husk/util.h"

#define DBUS_MAX_MSG (16u << 20)    /* systemd's replies are a few hundred bytes */

struct dbus_conn {
	int fd;
	bool bus;
	uint32_t serial;
	uint8_t *rx;                /* received, not yet consumed */
	size_t rx_len, rx_cap;
	dbus_signal_fn on_signal;
	void *on_signal_data;
	char address[sizeof(((struct sockaddr_un *)0)->sun_path) + 16];
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for events on c->fd until the deadline: 0, or -ETIMEDOUT. */
static int wait_fd(int fd, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd p = { .fd = fd, .events = events };
		int n = poll(&p, 1, (int)(left > 60000 ? 60000 : left));
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

static int send_all(struct dbus_conn *c, const void *data, size_t len, long long deadline,
		    struct husk_error *err)
{
	const uint8_t *p = data;
	while (len) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return husk_error_set(err, errno, "D-Bus %s: send", c->address);
		int r = wait_fd(c->fd, POLLOUT, deadline);
		if (r < 0)
			return husk_error_set(err, -r, "D-Bus %s: send", c->address);
	}
	return 0;
}

/* Read more bytes into c->rx: 0, or an error (the peer closing is one). */
static int recv_some(struct dbus_conn *c, long long deadline, struct husk_error *err)
{
	if (c->rx_cap - c->rx_len < 4096) {
		size_t cap = c->rx_cap ? c->rx_cap * 2 : 8192;
		if (cap > DBUS_MAX_MSG + 8192)
			return husk_error_set(err, EMSGSIZE, "D-Bus %s: message too large",
					      c->address);
		uint8_t *rx = realloc(c->rx, cap);
		if (!rx)
			return husk_error_set(err, ENOMEM, "D-Bus %s", c->address);
		c->rx = rx;
		c->rx_cap = cap;
	}
	for (;;) {
		ssize_t n = recv(c->fd, c->rx + c->rx_len, c->rx_cap - c->rx_len, 0);
		if (n > 0) {
			c->rx_len += (size_t)n;
			return 0;
		}
		if (n == 0)
			return husk_error_set(err, ECONNRESET, "D-Bus %s: the peer closed the connection",
					      c->address);
		if (errno != EAGAIN && errno != EINTR)
			return husk_error_set(err, errno, "D-Bus %s: recv", c->address);
		int r = wait_fd(c->fd, POLLIN, deadline);
		if (r < 0)
			return husk_error_set(err, -r, "D-Bus %s: no answer", c->address);
	}
}

static void rx_consume(struct dbus_conn *c, size_t n)
{
	memmove(c->rx, c->rx + n, c->rx_len - n);
	c->rx_len -= n;
}

/* The next whole message, parsed into m (which owns a copy). */
static int read_msg(struct dbus_conn *c, struct dbus_msg *m, long long deadline,
		    struct husk_error *err)
{
	long size;
	while ((size = dbus_msg_size(c->rx, c->rx_len, DBUS_MAX_MSG)) == 0 ||
	       (size > 0 && (size_t)size > c->rx_len)) {
		int r = recv_some(c, deadline, err);
		if (r < 0)
			return r;
	}
	if (size < 0)
		return husk_error_set(err, EBADMSG, "D-Bus %s: not a D-Bus message", c->address);
	uint8_t *raw = malloc((size_t)size);
	if (!raw)
		return husk_error_set(err, ENOMEM, "D-Bus %s", c->address);
	memcpy(raw, c->rx, (size_t)size);
	rx_consume(c, (size_t)size);
	if (dbus_msg_parse(raw, (size_t)size, m) < 0) {
		dbus_msg_free(m);
		return husk_error_set(err, EBADMSG, "D-Bus %s: malformed message", c->address);
	}
	return 0;
}

/* One "\r\n"-terminated line of the SASL exchange, consumed from c->rx. */
static int read_line(struct dbus_conn *c, char *line, size_t size, long long deadline,
		     struct husk_error *err)
{
	for (;;) {
		uint8_t *nl = c->rx_len ? memchr(c->rx, '\n', c->rx_len) : NULL;
		if (nl) {
			size_t n = (size_t)(nl - c->rx) + 1;
			snprintf(line, size, "%.*s", (int)(n > 2 ? n - 2 : 0), (char *)c->rx);
			rx_consume(c, n);
			return 0;
		}
		if (c->rx_len > 1024)
			return husk_error_set(err, EPROTO, "D-Bus %s: authentication line too long",
					      c->address);
		int r = recv_some(c, deadline, err);
		if (r < 0)
			return r;
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode one %-escaped address value (D-Bus address syntax). */
static bool unescape(const char *s, size_t n, char *out, size_t size)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == '%') {
			int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0 || (hi | lo) == 0)
				return false;
			ch = (char)(hi << 4 | lo);
			i += 2;
		}
		if (o + 1 >= size)
			return false;
		out[o++] = ch;
	}
	out[o] = '\0';
	return o > 0;
}

/*
 * Fill sa from one address entry ("unix:path=/x,guid=..." or
 * "unix:abstract=x"): the length to connect() with, or 0 when the entry
 * is not one husk can use.
 */
static socklen_t parse_entry(const char *e, size_t n, struct sockaddr_un *sa, char *shown,
			     size_t shown_size)
{
	if (n < 5 || strncmp(e, "unix:", 5) != 0)
		return 0;
	for (size_t i = 5; i < n;) {
		size_t j = i;
		while (j < n && e[j] != ',')
			j++;
		const char *kv = e + i;
		size_t kn = j - i;
		bool abstract = kn > 9 && strncmp(kv, "abstract=", 9) == 0;
		bool path = kn > 5 && strncmp(kv, "path=", 5) == 0;
		if (abstract || path) {
			size_t skip = abstract ? 9 : 5;
			char *dst = sa->sun_path + (abstract ? 1 : 0);
			if (!unescape(kv + skip, kn - skip, dst,
				      sizeof(sa->sun_path) - (abstract ? 1 : 0)))
				return 0;
			sa->sun_family = AF_UNIX;
			if (abstract)
				sa->sun_path[0] = '\0';
			snprintf(shown, shown_size, "%s%s", abstract ? "@" : "", dst);
			/* a path's NUL, or an abstract name's leading NUL */
			return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(dst) + 1);
		}
		i = j + 1;
	}
	return 0;
}

static int try_connect(const struct sockaddr_un *sa, socklen_t len, long long deadline)
{
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	while (connect(fd, (const struct sockaddr *)sa, len) < 0) {
		if (errno == EINPROGRESS)
			break;              /* the socket becomes writable when done */
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		/* The listen backlog is full: systemd is busy, try again shortly. */
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		usleep(2000);
	}
	return TAKE_FD(fd);
}

static int authenticate(struct dbus_conn *c, long long deadline, struct husk_error *err);

int dbus_connect(const char *address, bool bus, int timeout_ms, struct dbus_conn **out,
		 struct husk_error *err)
{
	long long deadline = now_ms() + timeout_ms;
	int r = -ENOENT;
	char tried[512] = "";
	struct dbus_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return husk_error_set(err, ENOMEM, "D-Bus");
	c->fd = -1;
	c->bus = bus;

	for (const char *e = address; *e && c->fd < 0;) {
		size_t n = strcspn(e, ";");
		struct sockaddr_un sa = { 0 };
		socklen_t len = parse_entry(e, n, &sa, c->address, sizeof(c->address));
		if (len) {
			r = try_connect(&sa, len, deadline);
			if (r >= 0)
				c->fd = r;
			else
				snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried), "%s%s (%s)",
					 *tried ? ", " : "", c->address, strerror(-r));
		}
		e += n + (e[n] == ';');
	}
	if (c->fd < 0) {
		free(c);
		if (!*tried)
			return husk_error_set(err, EINVAL, "D-Bus address \"%s\": no unix:path= or "
					      "unix:abstract= entry husk can use", address);
		return husk_error_setq(err, -r, "connect %s", tried);
	}
	r = authenticate(c, deadline, err);
	if (r < 0) {
		dbus_close(c);
		return r;
	}
	*out = c;
	return 0;
}

/*
 * SASL EXTERNAL: the server checks our uid from the socket's credentials
 * against the one we claim (in hex of its decimal digits).  The Hello of
 * a bus daemon is pipelined behind BEGIN; its reply (our unique name) is
 * read like any other.
 */
static int authenticate(struct dbus_conn *c, long long deadline, struct husk_error *err)
{
	char uid[16], hex[40], req[128], line[256];
	snprintf(uid, sizeof(uid), "%u", (unsigned)geteuid());
	for (size_t i = 0; uid[i]; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)uid[i]);
	int n = snprintf(req, sizeof(req), "%cAUTH EXTERNAL %s\r\nBEGIN\r\n", 0, hex);
	int r = send_all(c, req, (size_t)n, deadline, err);
	if (r < 0)
		return r;
	r = read_line(c, line, sizeof(line), deadline, err);
	if (r < 0)
		return r;
	if (strncmp(line, "OK ", 3) != 0)
		return husk_error_set(err, EACCES, "D-Bus %s: authentication as uid %s refused (\"%s\")",
				      c->address, uid, line);
	if (!c->bus)
		return 0;
	r = dbus_call(c, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
		      "Hello", "", NULL, (int)(deadline - now_ms()), NULL, err);
	if (r == -EOPNOTSUPP) {
		/* No bus daemon knows Hello: a peer (systemd's private socket). */
		c->bus = false;
		husk_error_clear(err);
		return 0;
	}
	return r < 0 ? husk_error_prefix(err, "D-Bus %s", c->address) : 0;
}

void dbus_close(struct dbus_conn *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->rx);
	free(c);
}

void dbus_on_signal(struct dbus_conn *c, dbus_signal_fn fn, void *data)
{
	c->on_signal = fn;
	c->on_signal_data = data;
}

const char *dbus_conn_address(const struct dbus_conn *c)
{
	return c->address;
}

bool dbus_conn_bus(const struct dbus_conn *c)
{
	return c->bus;
}

/* A negative errno for a D-Bus error name, so callers can branch on it. */
static int error_errno(const char *name)
{
	static const struct { const char *suffix; int e; } map[] = {
		{ ".NoSuchUnit", ENOENT }, { ".UnitExists", EEXIST },
		{ ".ServiceUnknown", ESRCH }, { ".NameHasNoOwner", ESRCH },
		{ ".AccessDenied", EACCES }, { ".InteractiveAuthorizationRequired", EACCES },
		{ ".InvalidArgs", EINVAL }, { ".PropertyReadOnly", EINVAL },
		{ ".UnknownMethod", EOPNOTSUPP }, { ".UnknownObject", EOPNOTSUPP },
		{ ".UnknownInterface", EOPNOTSUPP }, { ".UnknownProperty", EOPNOTSUPP },
		{ ".NoMemory", ENOMEM }, { ".LimitsExceeded", ENOSPC }, { ".Timeout", ETIMEDOUT },
		{ ".NoReply", ETIMEDOUT },
	};
	size_t n = strlen(name);
	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		size_t k = strlen(map[i].suffix);
		if (n >= k && strcmp(name + n - k, map[i].suffix) == 0)
			return map[i].e;
	}
	return EIO;
}

int dbus_call(struct dbus_conn *c, const char *dest, const char *path, const char *iface,
	      const char *member, const char *sig, const struct dbus_buf *body,
	      int timeout_ms, struct dbus_msg *reply, struct husk_error *err)
{
	long long deadline = now_ms() + timeout_ms;
	struct dbus_buf msg = { 0 };
	uint32_t serial = ++c->serial;
	if (reply)
		*reply = (struct dbus_msg){ .sig = "" };
	if (dbus_message_call(&msg, serial, c->bus ? dest : NULL, path, iface, member, sig,
			      body) < 0) {
		dbus_buf_free(&msg);
		return husk_error_set(err, ENOMEM, "D-Bus %s", member);
	}
	int r = send_all(c, msg.data, msg.len, deadline, err);
	dbus_buf_free(&msg);
	if (r < 0)
		return husk_error_prefix(err, "%s", member);

	for (;;) {
		struct dbus_msg m;
		r = read_msg(c, &m, deadline, err);
		if (r < 0)
			return husk_error_prefix(err, "%s", member);
		if (m.type == DBUS_MSG_SIGNAL && c->on_signal)
			c->on_signal(c->on_signal_data, &m);
		bool ours = (m.type == DBUS_MSG_RETURN || m.type == DBUS_MSG_ERROR) &&
			    m.reply_serial == serial;
		if (!ours) {
			dbus_msg_free(&m);
			continue;
		}
		if (m.type == DBUS_MSG_ERROR) {
			const char *text = "";
			const char *name = m.error_name ? m.error_name : "(no error name)";
			struct dbus_rd b = m.body;
			if (m.sig[0] == 's')
				(void)dbus_get_str(&b, &text);
			r = husk_error_setq(err, error_errno(name), "%s: %s%s%s", member, name,
					    *text ? ": " : "", text);
		} else {
			r = 0;
		}
		if (reply)
			*reply = m;
		else
			dbus_msg_free(&m);
		return r;
	}
}

int dbus_wait(struct dbus_conn *c, bool (*done)(void *data), void *data, int timeout_ms,
	      const char *what, struct husk_error *err)
{
	long long deadline = now_ms() + timeout_ms;
	while (!done(data)) {
		struct dbus_msg m;
		int r = read_msg(c, &m, deadline, err);
		if (r == -ETIMEDOUT)
			return husk_error_setq(err, ETIMEDOUT, "%s: no answer from systemd on %s in %d s",
					       what, c->address, timeout_ms / 1000);
		if (r < 0)
			return husk_error_prefix(err, "%s", what);
		if (m.type == DBUS_MSG_SIGNAL && c->on_signal)
			c->on_signal(c->on_signal_data, &m);
		dbus_msg_free(&m);
	}
	return 0;
}
