/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Known-answer suppression (RFC 6762 §7.1): the Answer Section of a received query, indexed so
 * that "does the querier already know this record of ours?" is one hash probe, whatever the
 * number of known answers. Also the record content hash the responder uses for its own tables.
 * No I/O, no allocation: one struct known_answers lives in the scheduler and is re-indexed per
 * packet. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "dns/dns.h"

/* A packet of DNS_PACKET_MAX octets holds at most (9000 - 12) / 11 = 817 records; known answers
 * beyond KNOWN_ANSWERS_MAX are not indexed (they then suppress nothing: we answer more, never
 * less). */
#define KNOWN_ANSWERS_MAX 1024
#define KNOWN_ANSWERS_SLOTS (2 * KNOWN_ANSWERS_MAX) /* a power of two */
/* Bounded probing: a crafted set of colliding records costs at most this many steps per
 * lookup; a record that cannot be placed is simply not indexed. */
#define KNOWN_ANSWERS_PROBE_MAX 32

/* Content hash of a record: owner name (case-insensitively), type, class and rdata (ASCII
 * case-folded, so that names inside rdata match as dns_rdata_equal() does). Equal records
 * (dns_rr_equal()) hash equally. Keyed by `seed` so that a peer cannot aim collisions. */
uint32_t mdns_rr_hash(const struct dns_rr *rr, uint32_t seed);

struct known_answers {
        const struct dns_rr *rrs;
        unsigned n; /* records indexed */
        uint32_t seed;
        uint16_t slot[KNOWN_ANSWERS_SLOTS]; /* 0: empty, else index into rrs + 1 */
        uint32_t slot_hash[KNOWN_ANSWERS_SLOTS];
};

/* Index the `n` records of a query's Answer Section (they must outlive the lookups). */
void known_answers_index(struct known_answers *ka, const struct dns_rr *rrs, uint16_t n, uint32_t seed);
void known_answers_clear(struct known_answers *ka);

/* RFC 6762 §7.1: whether the querier listed `ours` (whose mdns_rr_hash() with the same seed is
 * `hash`) with an RR TTL at least half of the TTL we would give, `ttl`. */
bool known_answers_covers(const struct known_answers *ka, const struct dns_rr *ours, uint32_t hash, uint32_t ttl);
