/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_SPEC_JSON_EMIT_H
#define HUSK_SPEC_JSON_EMIT_H

/*
 * Private to src/spec/: write a parsed JSON tree (json-read.h) back out
 * through the one JSON writer, so a document husk ships (the embedded
 * seccomp profile) can be spliced into one it generates.
 */

#include "husk/error.h"
#include "husk/json.h"
#include "spec/json-read.h"

/*
 * Emit `n` (and everything below it) as the next value of `w`: inside an
 * object the caller has written the key.  Numbers keep their value exactly
 * (integers only; a fraction or exponent is refused, as nothing in an OCI
 * config has one), strings their bytes.  `what` names the document in
 * errors ("the default seccomp profile").  Returns 0 or -EINVAL.
 */
int jtree_emit(const struct jnode *n, struct json_writer *w, const char *what,
	       struct husk_error *err);

#endif
