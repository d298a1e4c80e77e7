/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdns/known-answer.h"

#include <string.h>

static inline uint8_t ascii_lower(uint8_t c) {
        return c >= 'A' && c <= 'Z' ? (uint8_t) (c + ('a' - 'A')) : c;
}

static inline uint32_t hash_step(uint32_t h, uint8_t c) {
        return (h ^ c) * 16777619u; /* FNV-1a */
}

uint32_t mdns_rr_hash(const struct dns_rr *rr, uint32_t seed) {
        uint32_t h = 2166136261u ^ seed;

        /* RFC 6762 §16: names compare case-insensitively; the wire form of equal names differs
         * only in letter case, so hashing the folded octets is consistent with dns_name_equal() */
        for (unsigned i = 0; i < rr->name.len; i++)
                h = hash_step(h, ascii_lower(rr->name.data[i]));
        h = hash_step(h, (uint8_t) (rr->type >> 8));
        h = hash_step(h, (uint8_t) rr->type);
        h = hash_step(h, (uint8_t) (rr->rclass >> 8));
        h = hash_step(h, (uint8_t) rr->rclass);
        for (unsigned i = 0; i < rr->rdlength; i++)
                h = hash_step(h, ascii_lower(rr->rdata[i]));
        /* final avalanche (murmur3 fmix32) mixing the seed in again */
        h ^= seed;
        h ^= h >> 16;
        h *= 0x85ebca6bu;
        h ^= h >> 13;
        h *= 0xc2b2ae35u;
        h ^= h >> 16;
        return h;
}

void known_answers_clear(struct known_answers *ka) {
        if (ka->n > 0)
                memset(ka->slot, 0, sizeof ka->slot);
        ka->n = 0;
        ka->rrs = NULL;
}

void known_answers_index(struct known_answers *ka, const struct dns_rr *rrs, uint16_t n, uint32_t seed) {
        known_answers_clear(ka);
        ka->rrs = rrs;
        ka->seed = seed;
        for (unsigned i = 0; i < n && i < KNOWN_ANSWERS_MAX; i++) {
                uint32_t h = mdns_rr_hash(&rrs[i], seed);

                for (unsigned p = 0; p < KNOWN_ANSWERS_PROBE_MAX; p++) {
                        unsigned s = (h + p) & (KNOWN_ANSWERS_SLOTS - 1);

                        if (ka->slot[s] == 0) {
                                ka->slot[s] = (uint16_t) (i + 1);
                                ka->slot_hash[s] = h;
                                break;
                        }
                }
                ka->n = i + 1;
        }
}

bool known_answers_covers(const struct known_answers *ka, const struct dns_rr *ours, uint32_t hash, uint32_t ttl) {
        if (ka->n == 0)
                return false;
        for (unsigned p = 0; p < KNOWN_ANSWERS_PROBE_MAX; p++) {
                unsigned s = (hash + p) & (KNOWN_ANSWERS_SLOTS - 1);
                const struct dns_rr *k;

                if (ka->slot[s] == 0)
                        return false;
                if (ka->slot_hash[s] != hash)
                        continue;
                k = &ka->rrs[ka->slot[s] - 1];
                /* RFC 6762 §7.1: "already included in the Answer Section with an RR TTL at least
                 * half the correct value" — 2 * known >= ours, exact at odd TTLs */
                if (dns_rr_equal(k, ours) && 2 * (uint64_t) k->ttl >= (uint64_t) ttl)
                        return true;
        }
        return false;
}
