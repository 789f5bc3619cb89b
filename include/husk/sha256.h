/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HUSK_SHA256_H
#define HUSK_SHA256_H

/* SHA-256, streaming: init, update as often as needed, final. */

#include <stddef.h>
#include <stdint.h>

#define SHA256_BYTES 32

struct sha256 {
	uint32_t s[8];
	uint64_t len;               /* bytes hashed so far */
	uint8_t buf[64];
	size_t fill;
};

void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t n);
void sha256_final(struct sha256 *h, uint8_t out[SHA256_BYTES]);

#endif
