/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared between the files of daemon/dns only. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The rdata layout of the types this module understands, one character per field:
 *   'c'  domain name; decompressed when parsing, compressed when building
 *   'n'  domain name; decompressed when parsing, never compressed when building
 *   '2'  16-bit integer       '4'  32-bit integer
 *   's'  one <character-string> (RFC 1035 §3.3)
 *   'S'  one or more <character-string>s up to the end (TXT, RFC 1035 §3.3.14)
 *   'b'  RFC 4034 §4.1.2 type bitmaps up to the end (possibly none)
 * The fields must use the whole rdata. NULL: unknown type, opaque rdata (RFC 3597). */
const char *dns_rdata_schema(uint16_t type);

/* Validate RFC 4034 §4.1.2 type bitmaps filling exactly len octets: 0 or -EBADMSG. */
int dns_nsec_bitmap_validate(const uint8_t *p, size_t len);

static inline uint16_t dns_read_u16(const uint8_t *p) {
        return (uint16_t) ((p[0] << 8) | p[1]);
}

static inline uint32_t dns_read_u32(const uint8_t *p) {
        return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) | ((uint32_t) p[2] << 8) | p[3];
}

static inline void dns_write_u16(uint8_t *p, uint16_t v) {
        p[0] = (uint8_t) (v >> 8);
        p[1] = (uint8_t) v;
}

static inline void dns_write_u32(uint8_t *p, uint32_t v) {
        p[0] = (uint8_t) (v >> 24);
        p[1] = (uint8_t) (v >> 16);
        p[2] = (uint8_t) (v >> 8);
        p[3] = (uint8_t) v;
}
