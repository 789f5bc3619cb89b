/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_TEST_ATTACKS_H
#define HUSK_TEST_ATTACKS_H

/*
 * Helpers shared by the attack tests (test_attacks*.c): editing the
 * harness's config text, running the /probes/escape probe and reading its
 * "what: result" lines.  Defined in attacks.c.
 */

#include "integration/harness.h"

/* The probe every attack test runs (tests/integration/probes/escape.c). */
#define ESCAPE "/probes/escape"

/* text with `insert` put right after the first `anchor` (which must exist). */
char *atk_insert_after(const char *text, const char *anchor, const char *insert);
/* Replace the value of the first "key" (raw JSON); frees the old text. */
void atk_replace(char **text, const char *key, const char *value);
/* Add `"key": value,` as the first member of the "process" or "linux" object. */
void atk_add_member(char **text, const char *object, const char *key, const char *value);
/* Remove the member "key" (an object or array value) with its trailing comma. */
void atk_remove_member(char **text, const char *key);

/* Write text as the bundle's config.json (making the rootfs when missing). */
void atk_write_config(struct hctx *c, const char *text);
/* `husk run` text in a fresh container; the result in r (not asserted). */
void atk_run_text(struct hctx *c, struct hres *r, const char *text);
/* The same with options for the husk call (o may be NULL). */
void atk_run_opts(struct hctx *c, struct hres *r, const struct hcall_opts *o, const char *text);
/* The same, asserting success. */
void atk_run_ok(struct hctx *c, struct hres *r, const char *text);

/* The value of the line "name: value" in out (malloc'ed), NULL when absent. */
char *atk_line(const char *out, const char *name);
/* Assert the line "name: want" is in out. */
void atk_assert_line(const char *out, const char *name, const char *want);

/*
 * uid/gid mappings that also map container ids 1..count (through
 * newuidmap) when rootless, so that a non-root process.user exists inside;
 * NULL mappings (the template's) as root.  Strings are malloc'ed.
 */
void atk_wide_mappings(const struct hctx *c, char **uids, char **gids);

/* seccomp-profiles/default.json of the tree $HUSK_BIN was built in (malloc'ed). */
char *atk_default_profile(void);

#endif
