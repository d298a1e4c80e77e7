/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mDNS cache of one link (interface × address family): every record seen in a response
 * (passive learning), with the RFC 6762 §10 rules on when it goes away.
 *
 * A pure core: no I/O, no timer of its own. The owner feeds it what arrived and the current
 * monotonic time, arms its timer at cache_next_timeout() and calls cache_handle_timeout().
 * The rules, each at the place in cache.c that implements it:
 *   §10     a record lives TTL seconds from its last reception;
 *   §10.1   a goodbye (TTL 0) for a record we hold deletes it one second later;
 *   §10.2   a record with the cache-flush bit makes the other records of its name, type and class
 *           received more than one second earlier expire one second later (younger ones stay);
 *   §5.2    refresh points at 80, 85, 90 and 95 % of the TTL (each + 0–2 % of the TTL at
 *           random): at each the owner is asked whether anyone is interested in the record
 *           (ops->interested) and, if so, told to send a query for it (ops->refresh);
 *   §10.5   POOF: a multicast question (QM, not truncated) that one of our records answers,
 *           seen while the record is not in the question's known answers, counts (at most once a
 *           second per record); our own queries count too, QU or not. After two or more such
 *           questions, if no response carries the record within ten seconds of the first, the
 *           record is dropped. A record past its 80 % point is left to §5.2 maintenance instead.
 *   bound   at most `entries_max` records (config `cache-entries-max`); when full, the record
 *           closest to its expiry is evicted (goodbyes and flushed records first, then the
 *           shortest remaining lifetime); the first eviction is logged once per cache.
 *           Records with rdata over CACHE_RDATA_MAX octets are not cached (logged once).
 * Hash tables use a seeded hash (the seed drawn from the rng), so a peer cannot aim collisions.
 * Memory: entries are allocated in chunks of CACHE_CHUNK_ENTRIES as the cache fills and reused,
 * never beyond the bound; no allocation per packet once the cache has grown.
 *
 * Callbacks (ops) may look at the cache but must not modify it (no cache_* calls that add,
 * remove or run timeouts). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"
#include "util.h"

#define CACHE_ENTRIES_MAX_DEFAULT 4096
/* RFC 6763 §6.1: "Using TXT records larger than 1300 bytes is NOT RECOMMENDED"; no other
 * record type mDNS carries comes near it. Larger records are not cached. */
#define CACHE_RDATA_MAX 1300
/* rdata up to this size lives inside the entry; larger rdata (up to CACHE_RDATA_MAX) in a
 * pooled CACHE_RDATA_MAX block */
#define CACHE_RDATA_INLINE 256
#define CACHE_CHUNK_ENTRIES 64

enum cache_remove_reason {
        CACHE_REMOVE_EXPIRED, /* §10: TTL reached (or §5.2: four refresh queries unanswered) */
        CACHE_REMOVE_GOODBYE, /* §10.1 */
        CACHE_REMOVE_FLUSHED, /* §10.2 */
        CACHE_REMOVE_POOF,    /* §10.5 */
        CACHE_REMOVE_EVICTED, /* the bound */
        CACHE_REMOVE_CLEARED, /* cache_clear(): the link went away */
        _CACHE_REMOVE_MAX,
};

const char *cache_remove_reason_to_string(enum cache_remove_reason r);

struct cache_entry;

struct cache_ops {
        /* A record not held before is now in the cache. */
        void (*added)(void *userdata, const struct cache_entry *e);
        /* The record is about to leave the cache (e stays readable during the call). */
        void (*removed)(void *userdata, const struct cache_entry *e, enum cache_remove_reason why);
        /* §5.2: is a local client interested in the record (NULL: nobody ever is)? */
        bool (*interested)(void *userdata, const struct cache_entry *e);
        /* §5.2: send a query for e's name, type and class now. */
        void (*refresh)(void *userdata, const struct cache_entry *e);
};

struct cache_config {
        int ifindex; /* for logs */
        int family;  /* for logs */
        unsigned entries_max; /* 0: CACHE_ENTRIES_MAX_DEFAULT */
        struct rng *rng;      /* borrowed: refresh jitter, the hash seed */
        const struct cache_ops *ops;
        void *userdata;
};

struct cache_stats {
        uint64_t inserted;        /* records added */
        uint64_t refreshed;       /* records received again (TTL renewed) */
        uint64_t expired, goodbyes, flushed, poofed, evicted;
        uint64_t too_big;         /* not cached: rdata over CACHE_RDATA_MAX */
        uint64_t refresh_queries; /* ops->refresh calls */
        unsigned entries;         /* now */
        size_t bytes;             /* allocated now: tables, heaps, entries, large rdata blocks */
};

struct cache;

/* 0, -EINVAL (no rng or ops), -ENOMEM. */
int cache_new(struct cache **ret, const struct cache_config *cfg);
/* Frees everything without callbacks. */
struct cache *cache_free(struct cache *c);
/* Removes every record, each through ops->removed with CACHE_REMOVE_CLEARED. */
void cache_clear(struct cache *c);

/* A response (QR=1) received on the cache's link: every Answer and Additional record.
 * The caller has checked the source (port 5353, on-link, not ourselves). */
void cache_handle_response(struct cache *c, const struct dns_msg *m, usec_t now);
/* One record from a response. 0, or -EMSGSIZE (rdata too big: not cached), -EINVAL (OPT or a
 * meta type). */
int cache_add_record(struct cache *c, const struct dns_rr *rr, usec_t now);

/* §10.5: a query (QR=0) seen on the link from another host (own=false; the caller dropped
 * legacy queries, source port ≠ 5353). Work per query is bounded. */
void cache_handle_query(struct cache *c, const struct dns_msg *m, usec_t now);
/* §10.5: one question we sent ourselves (QU or QM) whose known answers were the records
 * cache_entry_is_known_answer() accepts. */
void cache_note_own_question(struct cache *c, const struct dns_question *q, usec_t now);
/* §7.3 for cache maintenance: another host asked (QM) `q` and its known answers were no more
 * than ours: a refresh point of a matching record due within the next 5 % of its TTL counts as
 * sent. */
void cache_note_peer_question(struct cache *c, const struct dns_question *q, usec_t now);

usec_t cache_next_timeout(const struct cache *c);
void cache_handle_timeout(struct cache *c, usec_t now);

/* Records matching name, type (DNS_TYPE_ANY: all) and class (DNS_CLASS_ANY: all), goodbyes and
 * flushed records in their last second included. The callback returns false to stop. It must
 * not modify the cache. */
typedef bool (*cache_visit_t)(void *ctx, const struct cache_entry *e);
void cache_foreach(const struct cache *c, const struct dns_name *name, uint16_t type, uint16_t rclass,
                   cache_visit_t visit, void *ctx);
void cache_foreach_all(const struct cache *c, cache_visit_t visit, void *ctx);
/* The held copy of rr (same name, type, class and rdata), or NULL. */
const struct cache_entry *cache_lookup(const struct cache *c, const struct dns_rr *rr);

/* The record; rr->ttl is the TTL it was last received with, rr->cache_flush its bit. */
const struct dns_rr *cache_entry_rr(const struct cache_entry *e);
usec_t cache_entry_received(const struct cache_entry *e);
usec_t cache_entry_expire(const struct cache_entry *e);
/* Whole seconds left (0 once expired). */
uint32_t cache_entry_ttl_remaining(const struct cache_entry *e, usec_t now);
/* RFC 6762 §7.1: "SHOULD NOT include records in the Known-Answer list whose remaining TTL is
 * less than half of their original TTL": true while at least half is left. */
bool cache_entry_is_known_answer(const struct cache_entry *e, usec_t now);
/* A goodbye or a cache flush has given it its last second. */
bool cache_entry_is_dying(const struct cache_entry *e);
/* Does the record answer the question (name, type or ANY, class or ANY)? */
bool cache_entry_answers(const struct cache_entry *e, const struct dns_name *name, uint16_t type, uint16_t rclass);

unsigned cache_size(const struct cache *c);
unsigned cache_entries_max(const struct cache *c);
int cache_ifindex(const struct cache *c);
int cache_family(const struct cache *c);
/* The per-process seed of this cache's hashes, for tables keyed the same way. */
uint32_t cache_hash_seed(const struct cache *c);
const struct cache_stats *cache_get_stats(const struct cache *c);

/* Seeded, case-insensitive hash of a name (equal names hash equally); unlike dns_name_hash()
 * a peer who does not know the seed cannot aim collisions at it. */
uint32_t cache_name_hash(const struct dns_name *n, uint32_t seed);
