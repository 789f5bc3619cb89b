/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_SPEC_TEMPLATE_INTERNAL_H
#define HUSK_SPEC_TEMPLATE_INTERNAL_H

/*
 * Private to src/spec/: the pieces `husk spec` (template.c) and
 * `husk spec --hardened` (template-hardened.c) write alike.
 */

#include <stdint.h>

#include "husk/error.h"
#include "husk/json.h"
#include "husk/spec.h"

struct tmpl_mount {
	const char *destination, *type, *source;
	const char *options[8];     /* NULL-terminated */
};

/* PATH and TERM, as runc spec writes them. */
extern const char *const tmpl_default_env[];

void tmpl_write_mount(struct json_writer *w, const struct tmpl_mount *m);
/* key: [ { "containerID": container_id, "hostID": host_id, "size": 1 } ] */
void tmpl_write_idmap(struct json_writer *w, const char *key, uint32_t container_id,
		      uint32_t host_id);
/* "rlimits": RLIMIT_NOFILE 1024/1024. */
void tmpl_write_rlimits(struct json_writer *w);
/* "devices": [ { "allow": false, "access": "rwm" } ], a deny-all device cgroup. */
void tmpl_write_deny_devices(struct json_writer *w);
/* "namespaces": [ { "type": types[0] }, ... ], types NULL-terminated. */
void tmpl_write_namespaces(struct json_writer *w, const char *const *types);

/* The whole hardened document into w (template-hardened.c). */
int tmpl_write_hardened(struct json_writer *w, const struct spec_template_opts *opts,
			struct husk_error *err);

#endif
