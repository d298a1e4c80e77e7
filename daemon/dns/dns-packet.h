/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DNS messages (RFC 1035 §4.1) as mDNS uses them (RFC 6762 §18): parsing into a caller-owned
 * arena (no per-packet malloc) and building with name compression (RFC 1035 §4.1.4). No I/O. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns-rr.h"

#define DNS_PACKET_MAX 9000 /* RFC 6762 §17 */
#define DNS_HEADER_SIZE 12  /* RFC 1035 §4.1.1 */

/* RFC 1035 §4.1.1 header flags (RFC 4035 §3.2 for AD/CD) */
#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_OPCODE_MASK 0x7800
#define DNS_FLAG_AA 0x0400
#define DNS_FLAG_TC 0x0200
#define DNS_FLAG_RD 0x0100
#define DNS_FLAG_RA 0x0080
#define DNS_FLAG_Z 0x0040
#define DNS_FLAG_AD 0x0020
#define DNS_FLAG_CD 0x0010
#define DNS_FLAG_RCODE_MASK 0x000f
#define DNS_FLAGS_OPCODE(flags) ((uint16_t) (((flags) >> 11) & 0xf))
#define DNS_FLAGS_RCODE(flags) ((uint16_t) ((flags) & 0xf))
#define DNS_FLAGS_MAKE_OPCODE(opcode) ((uint16_t) (((opcode) & 0xf) << 11))
#define DNS_OPCODE_QUERY 0
#define DNS_RCODE_NOERROR 0
/* RFC 6762 §18.2–§18.4: responses have QR=1, AA=1, opcode 0, TC=0, rcode 0 */
#define MDNS_FLAGS_RESPONSE (DNS_FLAG_QR | DNS_FLAG_AA)

enum dns_section {
        DNS_SECTION_QUESTION,
        DNS_SECTION_ANSWER,
        DNS_SECTION_AUTHORITY,
        DNS_SECTION_ADDITIONAL,
        _DNS_SECTION_MAX,
};

/* Parse memory: the caller owns the buffer and resets the arena per packet. */
struct dns_arena {
        uint8_t *buf;
        size_t size;
        size_t used;
};

void dns_arena_init(struct dns_arena *a, void *buf, size_t size);
void dns_arena_reset(struct dns_arena *a);
/* size octets aligned to align (a power of two), or NULL when the arena is full. */
void *dns_arena_alloc(struct dns_arena *a, size_t size, size_t align);

/* An arena of DNS_ARENA_SIZE_FOR_PACKET(len) octets is always enough to parse any packet of len
 * octets: a question costs at least 5 packet octets and sizeof(struct dns_question) of arena; a
 * record at least 11 + rdlength packet octets and sizeof(struct dns_rr) + rdlength of arena, plus
 * up to 2 × 253 octets when the (at most two) names in its rdata were compressed to 2-octet
 * pointers; 128 covers alignment. For DNS_PACKET_MAX that is about 650 KB: allocate it once. */
#define DNS_ARENA_CEIL_DIV_(a, b) (((a) + (b) - 1) / (b))
#define DNS_ARENA_Q_PER_OCTET_ DNS_ARENA_CEIL_DIV_(sizeof(struct dns_question), 5)
#define DNS_ARENA_RR_PER_OCTET_ DNS_ARENA_CEIL_DIV_(sizeof(struct dns_rr) + 2 * (DNS_NAME_MAX - 2), 11)
#define DNS_ARENA_SIZE_FOR_PACKET(len)                                                            \
        ((size_t) (len) *                                                                        \
                 (DNS_ARENA_Q_PER_OCTET_ > DNS_ARENA_RR_PER_OCTET_ ? DNS_ARENA_Q_PER_OCTET_       \
                                                                   : DNS_ARENA_RR_PER_OCTET_) +   \
         128)

struct dns_msg {
        uint16_t id, flags;
        uint16_t qdcount, ancount, nscount, arcount;
        struct dns_question *qd;
        struct dns_rr *an, *ns, *ar;
};

/* Parse a whole message; every pointer in *m points into the arena. Never crashes, never
 * asserts; on error *m is zeroed, the arena is as before, and the return value is:
 *   -EMSGSIZE  len > DNS_PACKET_MAX
 *   -ENOBUFS   the arena is too small (never with DNS_ARENA_SIZE_FOR_PACKET(len))
 *   -EBADMSG   anything malformed: len < 12; counts that cannot fit the packet; a name or field
 *              running past the packet; compression pointers that do not point strictly before
 *              the start of the label run they interrupt (this forbids loops and forward
 *              pointers) or point into the header; labels > 63 incl. the 0x40/0x80 label types;
 *              names > 255 octets; rdata past the packet; rdata whose length disagrees with its
 *              type (A != 4, AAAA != 16, SRV < 7 or target overrun, PTR/CNAME/NS name not
 *              ending exactly at rdlength, TXT strings overrunning, HINFO not exactly two
 *              strings, NSEC bad bitmap windows; likewise for the other types of dns-rr.c).
 * Accepted and normalized:
 *   - trailing octets after the last record are ignored (some stacks pad);
 *   - an empty TXT rdata becomes the single zero octet (RFC 6763 §6.1);
 *   - a TTL with the top bit set reads as 0 (RFC 2181 §8), except for OPT;
 *   - unknown types: rdata copied as is (RFC 3597). */
int dns_msg_parse(struct dns_msg *m, const uint8_t *pkt, size_t len, struct dns_arena *arena);
/* The records of the answer, authority or additional section (NULL and 0 for the question). */
struct dns_rr *dns_msg_section(const struct dns_msg *m, enum dns_section s, uint16_t *n);

/* Name compression: up to this many suffixes are remembered per packet; later names still go
 * out, uncompressed where no remembered suffix matches. */
#define DNS_BUILDER_COMPRESS_MAX 256
/* Suffixes are found through a hash table of this many chains (a power of two). */
#define DNS_BUILDER_BUCKETS 256

struct dns_builder {
        uint8_t *buf;
        size_t size, len;
        uint16_t id, flags;
        uint16_t counts[_DNS_SECTION_MAX];
        enum dns_section section;
        bool broken; /* max_size < DNS_HEADER_SIZE */
        unsigned n_entries;
        struct dns_builder_entry {
                uint32_t hash;   /* of the suffix's octets (case-sensitive) */
                uint16_t offset; /* where it starts in buf, < 0x4000 */
                uint8_t len;     /* its uncompressed wire length */
                uint16_t next;   /* 1 + the next entry in its chain, 0 at the end */
        } entries[DNS_BUILDER_COMPRESS_MAX];
        uint16_t buckets[DNS_BUILDER_BUCKETS]; /* 1 + the newest entry of each chain, 0: none */
};

/* The header is reserved at once; max_size below DNS_HEADER_SIZE makes every add fail with
 * -EMSGSIZE and finish return 0. */
void dns_builder_init(struct dns_builder *b, uint8_t *buf, size_t max_size, uint16_t id, uint16_t flags);
/* Sets the QU bit from q->unicast_response (RFC 6762 §5.4). -EINVAL after any record was
 * added or for an invalid name, -EMSGSIZE if it does not fit (builder unchanged). */
int dns_builder_add_question(struct dns_builder *b, const struct dns_question *q);
/* Sets the cache-flush bit from rr->cache_flush (RFC 6762 §10.2). Sections only in increasing
 * order, else -EINVAL; -EINVAL too for rdata malformed for its type (see dns_rdata_validate())
 * or an invalid name. If it does not fit: -EMSGSIZE and the builder is exactly as before the
 * call, compression table included. */
int dns_builder_add_rr(struct dns_builder *b, enum dns_section s, const struct dns_rr *rr);
/* Same with TTL and cache-flush overrides (legacy unicast RFC 6762 §6.7, goodbyes §10.1). */
int dns_builder_add_rr_ttl(struct dns_builder *b, enum dns_section s, const struct dns_rr *rr, uint32_t ttl,
                           bool cache_flush);
/* Writes id, flags and the counts into the header; returns the packet length. May be called
 * again after more additions. */
size_t dns_builder_finish(struct dns_builder *b);
uint16_t dns_builder_count(const struct dns_builder *b, enum dns_section s);
void dns_builder_set_flags(struct dns_builder *b, uint16_t flags);
/* Octets used so far, header included. */
size_t dns_builder_size(const struct dns_builder *b);
