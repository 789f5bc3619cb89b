/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_SPEC_INTERNAL_H
#define HUSK_SPEC_INTERNAL_H

/*
 * Private to src/spec/: the topic parsers that spec.c stitches together.
 *
 * Ownership convention: the caller allocates (zeroed) and links the struct
 * into the spec *before* calling its parser, and every parser stores each
 * allocation into that struct as soon as it makes it.  On any error the
 * caller frees the whole spec, so a half-filled struct never leaks.
 */

#include <stdbool.h>

#include "husk/spec.h"
#include "spec/json-read.h"

/* Allocate a zeroed array for the elements of JSON array a (n may be 0). */
#define ALLOC_FOR(ptr, count, a)                                                       \
	do {                                                                           \
		(count) = (a)->u.kids.n;                                               \
		(ptr) = xcalloc((count) ? (count) : 1, sizeof(*(ptr)));               \
	} while (0)

/* spec.c */
/* spec_parse() telling `seen` of every member it looks up (see struct jr). */
int spec_parse_traced(const char *json, size_t len, jr_seen_fn seen, void *ctx,
		      struct husk_spec **out, struct husk_error *err);
int parse_idmaps(const struct jr *r, const struct jnode *obj, const struct jpath *p,
		 const char *key, struct husk_idmap **out, size_t *n);

/* process.c: v is the process object, p its path (NULL at a document root). */
int parse_process(const struct jr *r, const struct jnode *v, const struct jpath *p,
		  struct husk_process *out);

/* linux.c */
int parse_linux(const struct jr *r, const struct jnode *v, const struct jpath *p,
		struct husk_linux *out);
void linux_free(struct husk_linux *l);

/* resources.c */
int parse_resources(const struct jr *r, const struct jnode *v, const struct jpath *p,
		    struct husk_resources *out);
void resources_free(struct husk_resources *res);
/* A cpu or memory-node list the kernel parses ("0-3,7", "0-7:2/4"; "" too). */
bool spec_cpu_list_valid(const char *s);
/* A huge page size as hugetlb names its files: a power of two, then KB, MB or GB ("2MB"). */
bool spec_hugepage_size_valid(const char *s);

/* seccomp.c */
int parse_seccomp(const struct jr *r, const struct jnode *v, const struct jpath *p,
		  struct husk_seccomp *out);
void seccomp_free(struct husk_seccomp *s);

#endif
