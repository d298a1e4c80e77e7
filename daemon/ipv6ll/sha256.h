/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SHA-256 (FIPS 180-4; the FIPS 180-2 examples are its tests), small and self-contained: the
 * hash F of RFC 7217 §5. Not constant-time hardening beyond what SHA-256 is by nature; no I/O. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE 64

struct sha256_ctx {
        uint32_t h[8];
        uint64_t length; /* bytes hashed so far */
        uint8_t buf[SHA256_BLOCK_SIZE];
        size_t buf_len;
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
/* Writes the digest and wipes the context. */
void sha256_final(struct sha256_ctx *c, uint8_t digest[static SHA256_DIGEST_SIZE]);
/* One call: digest of data[0..len). */
void sha256(const void *data, size_t len, uint8_t digest[static SHA256_DIGEST_SIZE]);
