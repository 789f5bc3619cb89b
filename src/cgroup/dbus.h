/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_CGROUP_DBUS_H
#define HUSK_CGROUP_DBUS_H

/*
 * A minimal D-Bus client (dbus.c says why husk has its own): enough of
 * the wire protocol to call systemd's Manager and wait for its signals.
 *
 *   marshalling   dbus_buf + dbus_put_*(): values in the D-Bus wire format,
 *                 native byte order, aligned from the start of the body
 *   parsing       dbus_rd + dbus_get_*(): either byte order, every length
 *                 checked against the message, any signature skippable
 *   messages      dbus_message_call() frames a method call;
 *                 dbus_msg_parse() splits a received message into its
 *                 header fields and body
 *   connection    dbus_connect(): unix socket, SASL EXTERNAL, Hello on a
 *                 bus daemon; dbus_call() sends and waits for the reply,
 *                 handing the signals that arrive meanwhile to a callback
 *
 * No fd passing, no introspection, no server side.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "husk/error.h"

/* ---- marshalling ---------------------------------------------------------- */

struct dbus_buf {
	uint8_t *data;
	size_t len, cap;
	bool oom;                   /* an append failed: the buffer is unusable */
};

void dbus_buf_free(struct dbus_buf *b);

void dbus_put_u8(struct dbus_buf *b, uint8_t v);
void dbus_put_bool(struct dbus_buf *b, bool v);
void dbus_put_i32(struct dbus_buf *b, int32_t v);
void dbus_put_u32(struct dbus_buf *b, uint32_t v);
void dbus_put_i64(struct dbus_buf *b, int64_t v);
void dbus_put_u64(struct dbus_buf *b, uint64_t v);
void dbus_put_i16(struct dbus_buf *b, int16_t v);
void dbus_put_u16(struct dbus_buf *b, uint16_t v);
void dbus_put_double(struct dbus_buf *b, double v);
void dbus_put_str(struct dbus_buf *b, const char *s);       /* 's' and 'o' */
void dbus_put_sig(struct dbus_buf *b, const char *sig);     /* 'g' */
void dbus_align(struct dbus_buf *b, size_t a);               /* pad with zeros */

/*
 * An array: dbus_array_open() writes the length placeholder and pads to
 * the elements' alignment (8 for structs and dict entries, 4 for 'u' ...);
 * dbus_array_close(), with what open returned and the same alignment,
 * fills the length in.
 */
size_t dbus_array_open(struct dbus_buf *b, size_t elem_align);
void dbus_array_close(struct dbus_buf *b, size_t token, size_t elem_align);

/* The alignment the wire format gives a type code ('(' and '{' are 8). */
size_t dbus_type_align(char type);

/*
 * A whole method call, header and body, in *out (which is reset):
 * destination may be NULL (a peer connection); sig is the body's
 * signature, "" for none.
 */
int dbus_message_call(struct dbus_buf *out, uint32_t serial, const char *dest,
		      const char *path, const char *iface, const char *member, const char *sig,
		      const struct dbus_buf *body);

/* ---- parsing --------------------------------------------------------------- */

struct dbus_rd {
	const uint8_t *p;
	size_t len, pos;            /* pos counts from the 8-aligned start */
	bool swap;                  /* the data is in the other byte order */
	bool bad;                   /* ran past the end or met nonsense */
};

bool dbus_get_u8(struct dbus_rd *r, uint8_t *v);
bool dbus_get_u32(struct dbus_rd *r, uint32_t *v);
bool dbus_get_u64(struct dbus_rd *r, uint64_t *v);
/* 's', 'o' and 'g': a pointer into the message, NUL-terminated. */
bool dbus_get_str(struct dbus_rd *r, const char **s);
bool dbus_get_sig(struct dbus_rd *r, const char **s);
/*
 * A variant: reads its signature into *sig (one complete type) and leaves
 * r at its value.
 */
bool dbus_get_variant(struct dbus_rd *r, const char **sig);
/* Skip one complete type of *sig, advancing *sig past it. */
bool dbus_skip(struct dbus_rd *r, const char **sig);

enum dbus_msg_type {
	DBUS_MSG_CALL = 1,
	DBUS_MSG_RETURN = 2,
	DBUS_MSG_ERROR = 3,
	DBUS_MSG_SIGNAL = 4,
};

struct dbus_msg {
	uint8_t *raw;               /* owned: the whole message */
	size_t raw_len;
	uint8_t type;
	uint32_t serial, reply_serial;
	const char *path, *iface, *member, *error_name, *sender, *dest;
	const char *sig;            /* the body's signature, "" when none */
	struct dbus_rd body;
};

/*
 * How long the message starting at p is, from its fixed header: 0 when
 * fewer than 16 bytes are there, -EBADMSG when the header is not D-Bus or
 * says more than max bytes.
 */
long dbus_msg_size(const uint8_t *p, size_t len, size_t max);
/* Split raw (len bytes, one whole message; m takes it) into m. */
int dbus_msg_parse(uint8_t *raw, size_t len, struct dbus_msg *m);
void dbus_msg_free(struct dbus_msg *m);

/* ---- the connection ---------------------------------------------------------- */

struct dbus_conn;

/*
 * Connect to the first answering unix: entry of a D-Bus address
 * ("unix:path=/run/systemd/private", "unix:abstract=x;unix:path=/y",
 * %-escapes allowed), authenticate as our uid (SASL EXTERNAL), and, when
 * `bus` (a bus daemon, not systemd's private peer socket), say Hello; a
 * peer that answers Hello with UnknownObject/UnknownMethod is taken as a
 * peer, so `bus` may be true when the kind is not known.
 * -ENOENT/-ECONNREFUSED/-EACCES when nothing listens there.
 */
int dbus_connect(const char *address, bool bus, int timeout_ms, struct dbus_conn **out,
		 struct husk_error *err);
void dbus_close(struct dbus_conn *c);

/* Where the signals that arrive while waiting go (may be NULL). */
typedef void (*dbus_signal_fn)(void *data, const struct dbus_msg *m);
void dbus_on_signal(struct dbus_conn *c, dbus_signal_fn fn, void *data);

/*
 * Call member on dest/path/iface with body (signature sig) and wait for
 * the reply, up to timeout_ms.  An error reply fills err ("<member>:
 * <error name>: <message>") and returns a negative errno chosen from the
 * error name; *reply then holds the error message (its error_name is what
 * the caller branches on).  reply may be NULL.
 */
int dbus_call(struct dbus_conn *c, const char *dest, const char *path, const char *iface,
	      const char *member, const char *sig, const struct dbus_buf *body,
	      int timeout_ms, struct dbus_msg *reply, struct husk_error *err);

/*
 * Read and dispatch signals until done(data) is true or timeout_ms passes
 * (-ETIMEDOUT, err filled with `what`).
 */
int dbus_wait(struct dbus_conn *c, bool (*done)(void *data), void *data, int timeout_ms,
	      const char *what, struct husk_error *err);

/* For messages: the address that answered (a path, or @name). */
const char *dbus_conn_address(const struct dbus_conn *c);
/* Whether it is a bus daemon (Hello was said) or a peer. */
bool dbus_conn_bus(const struct dbus_conn *c);

/* The object path of a systemd unit: /org/freedesktop/systemd1/unit/<escaped>. */
char *dbus_unit_path(const char *unit);

#endif
