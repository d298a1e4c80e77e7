/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdns/cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "mdns/known-answer.h"

/* RFC 6762 §10.1: "Queriers receiving a Multicast DNS response with a TTL of zero SHOULD NOT
 * immediately delete the record from the cache, but instead record a TTL of 1 and then delete
 * the record one second later." */
#define GOODBYE_DELAY USEC_PER_SEC
/* RFC 6762 §10.2: "all old records with that name, rrtype, and rrclass that were received more
 * than one second ago are declared invalid, and marked to expire from the cache in one
 * second." */
#define CACHE_FLUSH_AGE USEC_PER_SEC
#define CACHE_FLUSH_DELAY USEC_PER_SEC
/* RFC 6762 §5.2: "The querier should plan to issue a query at 80% of the record lifetime, and
 * then if no answer is received, at 85%, 90%, and 95%. ... a random variation of 2% of the
 * record TTL should be added to set of times." */
static const unsigned REFRESH_PERCENT[] = { 80, 85, 90, 95 };
#define REFRESH_POINTS ((uint8_t) ELEMENTSOF(REFRESH_PERCENT))
#define REFRESH_JITTER_PERCENT 2
/* §7.3 applied to maintenance: a peer's identical question this close before a refresh point
 * (as a share of the TTL) stands in for our query. */
#define REFRESH_DQS_PERCENT 5
/* RFC 6762 §10.5: "After seeing two or more of these queries, and seeing no multicast response
 * containing the expected answer within ten seconds, then even though its TTL may indicate
 * that it is not yet due to expire, that record SHOULD be flushed from the cache." */
#define POOF_QUERIES 2
#define POOF_WINDOW (10 * USEC_PER_SEC)
/* One burst of queries (several hosts asking at once, our own retransmission) counts once. */
#define POOF_COUNT_INTERVAL USEC_PER_SEC
/* Entries a single received query may make us look at (§10.5 bookkeeping is best effort). */
#define QUERY_SCAN_MAX 8192

enum { HEAP_EXPIRE, HEAP_EVENT, _HEAP_MAX };

struct cache_entry {
        struct dns_rr rr; /* rr.rdata points at inline_rdata or big */
        struct cache_entry *cnext; /* content chain; the free list */
        struct cache_entry *nnext; /* name chain */
        uint32_t chash, nhash;
        usec_t received, expire;
        usec_t maint_at;   /* the 80 % point: §5.2 maintenance from here on */
        usec_t refresh_at; /* the next refresh point, USEC_INFINITY: none */
        usec_t poof_first, poof_last, poof_deadline;
        unsigned hidx[_HEAP_MAX];
        uint8_t refresh_step; /* index of refresh_at in REFRESH_PERCENT */
        uint8_t poof_count;
        uint8_t dying; /* 0, CACHE_REMOVE_GOODBYE or CACHE_REMOVE_FLUSHED (+1) */
        bool in_use;
        uint8_t *big;
        uint8_t inline_rdata[CACHE_RDATA_INLINE];
};

struct heap {
        struct cache_entry **a;
        unsigned n;
};

struct cache {
        int ifindex, family;
        unsigned entries_max, n;
        struct rng *rng;
        const struct cache_ops *ops;
        void *userdata;
        uint32_t seed;
        struct cache_stats stats;

        struct cache_entry **chunks;
        unsigned n_chunks, n_allocated;
        struct cache_entry *free;
        uint8_t *big_free; /* pooled CACHE_RDATA_MAX blocks, linked through their first octets */

        struct cache_entry **ctable, **ntable;
        unsigned mask;
        struct heap heap[_HEAP_MAX];

        /* §10.2: the rrset last flushed, so that the records of one packet flush once */
        bool flush_memo_valid;
        usec_t flush_memo_at;
        uint32_t flush_memo_hash;
        uint16_t flush_memo_type, flush_memo_class;
        struct dns_name flush_memo_name;

        struct known_answers ka; /* §10.5: the known answers of the query being read */
        bool logged_full, logged_too_big;
};

static const char *const remove_reason_table[_CACHE_REMOVE_MAX] = {
        [CACHE_REMOVE_EXPIRED] = "expired", [CACHE_REMOVE_GOODBYE] = "goodbye",
        [CACHE_REMOVE_FLUSHED] = "flushed", [CACHE_REMOVE_POOF] = "poof",
        [CACHE_REMOVE_EVICTED] = "evicted", [CACHE_REMOVE_CLEARED] = "cleared",
};

const char *cache_remove_reason_to_string(enum cache_remove_reason r) {
        return (unsigned) r < _CACHE_REMOVE_MAX ? remove_reason_table[r] : NULL;
}

static const char *family_str(int family) {
        return family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" : "?";
}

static inline uint8_t ascii_lower(uint8_t c) {
        return c >= 'A' && c <= 'Z' ? (uint8_t) (c + ('a' - 'A')) : c;
}

static uint32_t fmix32(uint32_t h) {
        h ^= h >> 16;
        h *= 0x85ebca6bu;
        h ^= h >> 13;
        h *= 0xc2b2ae35u;
        h ^= h >> 16;
        return h;
}

uint32_t cache_name_hash(const struct dns_name *n, uint32_t seed) {
        unsigned len = n->len ? n->len : 1; /* a zeroed name is the root */
        uint32_t h = 2166136261u ^ seed;

        /* RFC 6762 §16: case-insensitive, like dns_name_equal(); the seed enters at the start
         * (so that intermediate states are unknown to a peer) and again before the avalanche */
        for (unsigned i = 0; i < len; i++)
                h = (h ^ ascii_lower(n->data[i])) * 16777619u;
        return fmix32(h ^ seed);
}

static usec_t ttl_usec(uint32_t ttl) {
        return (usec_t) ttl * USEC_PER_SEC;
}

/* ---- heaps (expiry: also the eviction order; events: refresh points and POOF) ------------- */

static usec_t heap_key(const struct cache_entry *e, unsigned h) {
        if (h == HEAP_EXPIRE)
                return e->expire;
        return MIN(e->refresh_at, e->poof_deadline);
}

static void heap_set(struct cache *c, unsigned h, unsigned i, struct cache_entry *e) {
        c->heap[h].a[i] = e;
        e->hidx[h] = i;
}

static void heap_up(struct cache *c, unsigned h, unsigned i) {
        struct cache_entry *e = c->heap[h].a[i];
        usec_t k = heap_key(e, h);

        while (i > 0) {
                unsigned p = (i - 1) / 2;

                if (heap_key(c->heap[h].a[p], h) <= k)
                        break;
                heap_set(c, h, i, c->heap[h].a[p]);
                i = p;
        }
        heap_set(c, h, i, e);
}

static void heap_down(struct cache *c, unsigned h, unsigned i) {
        struct heap *hp = &c->heap[h];
        struct cache_entry *e = hp->a[i];
        usec_t k = heap_key(e, h);

        for (;;) {
                unsigned l = 2 * i + 1, r = l + 1, m = l;

                if (l >= hp->n)
                        break;
                if (r < hp->n && heap_key(hp->a[r], h) < heap_key(hp->a[l], h))
                        m = r;
                if (heap_key(hp->a[m], h) >= k)
                        break;
                heap_set(c, h, i, hp->a[m]);
                i = m;
        }
        heap_set(c, h, i, e);
}

static void heap_fix(struct cache *c, unsigned h, struct cache_entry *e) {
        heap_up(c, h, e->hidx[h]);
        heap_down(c, h, e->hidx[h]);
}

static void heap_insert(struct cache *c, unsigned h, struct cache_entry *e) {
        unsigned i = c->heap[h].n++;

        heap_set(c, h, i, e);
        heap_up(c, h, i);
}

static void heap_delete(struct cache *c, unsigned h, struct cache_entry *e) {
        struct heap *hp = &c->heap[h];
        unsigned i = e->hidx[h];

        hp->n--;
        if (i != hp->n) {
                heap_set(c, h, i, hp->a[hp->n]);
                heap_fix(c, h, hp->a[i]);
        }
}

static void entry_reschedule(struct cache *c, struct cache_entry *e) {
        heap_fix(c, HEAP_EXPIRE, e);
        heap_fix(c, HEAP_EVENT, e);
}

/* ---- refresh points (§5.2) and POOF (§10.5) ---------------------------------------------- */

static void refresh_schedule(struct cache *c, struct cache_entry *e, uint8_t step) {
        usec_t life = ttl_usec(e->rr.ttl);

        e->refresh_step = step;
        if (step >= REFRESH_POINTS || e->dying || e->rr.ttl == 0) {
                e->refresh_at = USEC_INFINITY;
                return;
        }
        /* RFC 6762 §5.2: at 80/85/90/95 % of the lifetime, each plus 0–2 % at random */
        e->refresh_at = e->received + life / 100 * REFRESH_PERCENT[step] + life % 100 * REFRESH_PERCENT[step] / 100 +
                        rng_range(c->rng, 0, life * REFRESH_JITTER_PERCENT / 100);
}

static void poof_reset(struct cache_entry *e) {
        e->poof_count = 0;
        e->poof_first = e->poof_last = 0;
        e->poof_deadline = USEC_INFINITY;
}

/* One query that should have brought e as an answer (RFC 6762 §10.5). */
static void poof_count(struct cache *c, struct cache_entry *e, usec_t now) {
        if (e->dying || now >= e->maint_at) /* past 80 %: §5.2 maintenance decides */
                return;
        if (e->poof_count > 0 && now - e->poof_last < POOF_COUNT_INTERVAL)
                return;
        if (e->poof_count == 0 || now - e->poof_first > POOF_WINDOW) {
                e->poof_count = 1;
                e->poof_first = now;
                e->poof_deadline = USEC_INFINITY;
        } else {
                if (e->poof_count < UINT8_MAX)
                        e->poof_count++;
                /* "two or more of these queries ... no multicast response containing the
                 * expected answer within ten seconds" (of the first of them) */
                if (e->poof_count >= POOF_QUERIES)
                        e->poof_deadline = e->poof_first + POOF_WINDOW;
        }
        e->poof_last = now;
        heap_fix(c, HEAP_EVENT, e);
}

/* ---- entries ------------------------------------------------------------------------------ */

static bool entry_grow(struct cache *c) {
        unsigned k = MIN((unsigned) CACHE_CHUNK_ENTRIES, c->entries_max - c->n_allocated);
        struct cache_entry *chunk;

        if (k == 0 || c->n_chunks * CACHE_CHUNK_ENTRIES >= c->entries_max + CACHE_CHUNK_ENTRIES)
                return false;
        chunk = calloc(k, sizeof *chunk);
        if (!chunk)
                return false;
        c->chunks[c->n_chunks++] = chunk;
        c->n_allocated += k;
        c->stats.bytes += (size_t) k * sizeof *chunk;
        for (unsigned i = k; i > 0; i--) {
                chunk[i - 1].cnext = c->free;
                c->free = &chunk[i - 1];
        }
        return true;
}

static uint8_t *big_get(struct cache *c) {
        uint8_t *b = c->big_free;

        if (b) {
                memcpy(&c->big_free, b, sizeof c->big_free);
                return b;
        }
        b = malloc(CACHE_RDATA_MAX);
        if (b)
                c->stats.bytes += CACHE_RDATA_MAX;
        return b;
}

static void big_put(struct cache *c, uint8_t *b) {
        if (!b)
                return;
        memcpy(b, &c->big_free, sizeof c->big_free);
        c->big_free = b;
}

static void chain_unlink(struct cache_entry **bucket, struct cache_entry *e, bool content) {
        for (struct cache_entry **pp = bucket; *pp; pp = content ? &(*pp)->cnext : &(*pp)->nnext)
                if (*pp == e) {
                        *pp = content ? e->cnext : e->nnext;
                        return;
                }
}

static void entry_remove(struct cache *c, struct cache_entry *e, enum cache_remove_reason why) {
        if (c->ops->removed)
                c->ops->removed(c->userdata, e, why);
        switch (why) {
        case CACHE_REMOVE_EXPIRED: c->stats.expired++; break;
        case CACHE_REMOVE_GOODBYE: c->stats.goodbyes++; break;
        case CACHE_REMOVE_FLUSHED: c->stats.flushed++; break;
        case CACHE_REMOVE_POOF: c->stats.poofed++; break;
        case CACHE_REMOVE_EVICTED: c->stats.evicted++; break;
        default: break;
        }
        chain_unlink(&c->ctable[e->chash & c->mask], e, true);
        chain_unlink(&c->ntable[e->nhash & c->mask], e, false);
        heap_delete(c, HEAP_EXPIRE, e);
        heap_delete(c, HEAP_EVENT, e);
        big_put(c, e->big);
        e->big = NULL;
        e->in_use = false;
        e->cnext = c->free;
        c->free = e;
        c->n--;
        c->stats.entries = c->n;
        c->flush_memo_valid = false;
}

static struct cache_entry *entry_find(const struct cache *c, const struct dns_rr *rr, uint32_t chash) {
        for (struct cache_entry *e = c->ctable[chash & c->mask]; e; e = e->cnext)
                if (e->chash == chash && dns_rr_equal(&e->rr, rr))
                        return e;
        return NULL;
}

bool cache_entry_answers(const struct cache_entry *e, const struct dns_name *name, uint16_t type, uint16_t rclass) {
        return (type == DNS_TYPE_ANY || type == e->rr.type) && (rclass == DNS_CLASS_ANY || rclass == e->rr.rclass) &&
               dns_name_equal(&e->rr.name, name);
}

/* The record is going away in at most `delay`: §10.1 goodbye or §10.2 flush. */
static void entry_doom(struct cache *c, struct cache_entry *e, enum cache_remove_reason why, usec_t now, usec_t delay) {
        e->dying = (uint8_t) (why + 1);
        e->expire = MIN(e->expire, now + delay);
        e->refresh_at = USEC_INFINITY;
        poof_reset(e);
        entry_reschedule(c, e);
}

/* RFC 6762 §10.2: the other records of rr's name, type and class received more than a second
 * ago expire in one second. */
static void cache_flush_rrset(struct cache *c, const struct dns_rr *rr, uint32_t nhash, usec_t now) {
        if (c->flush_memo_valid && c->flush_memo_at == now && c->flush_memo_hash == nhash &&
            c->flush_memo_type == rr->type && c->flush_memo_class == rr->rclass &&
            dns_name_equal(&c->flush_memo_name, &rr->name))
                return; /* this rrset was flushed at this very instant: nothing is old any more */

        for (struct cache_entry *e = c->ntable[nhash & c->mask]; e; e = e->nnext) {
                if (e->nhash != nhash || e->rr.type != rr->type || e->rr.rclass != rr->rclass ||
                    !dns_name_equal(&e->rr.name, &rr->name))
                        continue;
                /* "received more than one second ago": a record of the same packet or of the
                 * same burst (younger than a second) stays */
                if (now - e->received <= CACHE_FLUSH_AGE || dns_rdata_equal(&e->rr, rr))
                        continue;
                if (e->dying && e->expire <= now + CACHE_FLUSH_DELAY)
                        continue;
                entry_doom(c, e, CACHE_REMOVE_FLUSHED, now, CACHE_FLUSH_DELAY);
        }
        c->flush_memo_valid = true;
        c->flush_memo_at = now;
        c->flush_memo_hash = nhash;
        c->flush_memo_type = rr->type;
        c->flush_memo_class = rr->rclass;
        c->flush_memo_name = rr->name;
}

static void entry_set_received(struct cache *c, struct cache_entry *e, const struct dns_rr *rr, usec_t now) {
        e->rr.ttl = rr->ttl;
        e->rr.cache_flush = rr->cache_flush;
        e->received = now;
        e->expire = now + ttl_usec(rr->ttl);
        e->maint_at = now + ttl_usec(rr->ttl) / 100 * REFRESH_PERCENT[0] + ttl_usec(rr->ttl) % 100 * REFRESH_PERCENT[0] / 100;
        e->dying = 0;
        poof_reset(e);
        refresh_schedule(c, e, 0);
}

static bool meta_type(uint16_t type) {
        /* RFC 6891 OPT; RFC 1035/1995/2845/2930 question-only and transaction types */
        return type == DNS_TYPE_OPT || (type >= 249 && type <= 255);
}

int cache_add_record(struct cache *c, const struct dns_rr *rr, usec_t now) {
        struct cache_entry *e;
        uint32_t chash, nhash;

        if (meta_type(rr->type))
                return -EINVAL;
        if (rr->rdlength > CACHE_RDATA_MAX) {
                c->stats.too_big++;
                if (!c->logged_too_big) {
                        char name[DNS_NAME_TEXT_MAX];

                        c->logged_too_big = true;
                        if (dns_name_to_text(&rr->name, name, sizeof name) < 0)
                                strcpy(name, "?");
                        log_notice("mDNS cache on ifindex %d (%s): not caching %s type %u: rdata of %u octets is over %u "
                                   "(logged once)",
                                   c->ifindex, family_str(c->family), name, rr->type, rr->rdlength, CACHE_RDATA_MAX);
                }
                return -EMSGSIZE;
        }

        chash = mdns_rr_hash(rr, c->seed);
        nhash = cache_name_hash(&rr->name, c->seed);
        e = entry_find(c, rr, chash);

        if (rr->ttl == 0) {
                /* RFC 6762 §10.1: a goodbye: "record a TTL of 1 and then delete the record one
                 * second later". A goodbye is no statement about the rest of the rrset, so its
                 * cache-flush bit flushes nothing. A goodbye for a record we do not hold is
                 * ignored. */
                if (e && !(e->dying == CACHE_REMOVE_GOODBYE + 1))
                        entry_doom(c, e, CACHE_REMOVE_GOODBYE, now, GOODBYE_DELAY);
                return 0;
        }

        /* RFC 6762 §10.2 */
        if (rr->cache_flush)
                cache_flush_rrset(c, rr, nhash, now);

        if (e) {
                /* received again: the TTL starts over, POOF suspicion and refresh points too
                 * (§5.2 "If an answer is received, then the remaining TTL is reset") */
                entry_set_received(c, e, rr, now);
                entry_reschedule(c, e);
                c->stats.refreshed++;
                return 0;
        }

        if (!c->free && (c->n_allocated >= c->entries_max || !entry_grow(c))) {
                struct cache_entry *victim;

                if (c->n == 0)
                        return -ENOMEM;
                /* the bound: evict the record closest to its expiry */
                victim = c->heap[HEAP_EXPIRE].a[0];
                if (!c->logged_full) {
                        c->logged_full = true;
                        log_notice("mDNS cache on ifindex %d (%s): cache-entries-max (%u) reached: evicting the records "
                                   "closest to expiry (logged once)",
                                   c->ifindex, family_str(c->family), c->entries_max);
                }
                entry_remove(c, victim, CACHE_REMOVE_EVICTED);
        }

        e = c->free;
        c->free = e->cnext;
        memset(e, 0, offsetof(struct cache_entry, inline_rdata));
        e->rr = *rr;
        if (rr->rdlength > CACHE_RDATA_INLINE) {
                e->big = big_get(c);
                if (!e->big) {
                        e->cnext = c->free;
                        c->free = e;
                        return -ENOMEM;
                }
                e->rr.rdata = e->big;
        } else
                e->rr.rdata = e->inline_rdata;
        if (rr->rdlength > 0)
                memcpy(e->rr.rdata, rr->rdata, rr->rdlength);
        e->chash = chash;
        e->nhash = nhash;
        e->in_use = true;
        entry_set_received(c, e, rr, now);
        e->cnext = c->ctable[chash & c->mask];
        c->ctable[chash & c->mask] = e;
        e->nnext = c->ntable[nhash & c->mask];
        c->ntable[nhash & c->mask] = e;
        heap_insert(c, HEAP_EXPIRE, e);
        heap_insert(c, HEAP_EVENT, e);
        c->n++;
        c->stats.entries = c->n;
        c->stats.inserted++;
        if (c->ops->added)
                c->ops->added(c->userdata, e);
        return 0;
}

void cache_handle_response(struct cache *c, const struct dns_msg *m, usec_t now) {
        static const enum dns_section sections[] = { DNS_SECTION_ANSWER, DNS_SECTION_ADDITIONAL };

        /* RFC 6762 §18.2, §18.3, §18.11 */
        if (!(m->flags & DNS_FLAG_QR) || DNS_FLAGS_OPCODE(m->flags) != DNS_OPCODE_QUERY ||
            DNS_FLAGS_RCODE(m->flags) != DNS_RCODE_NOERROR)
                return;
        /* RFC 6762 §10.2, passive learning: answers and additional records alike; the
         * Authority section of a response carries nothing for caches */
        for (unsigned s = 0; s < ELEMENTSOF(sections); s++) {
                uint16_t n;
                const struct dns_rr *rrs = dns_msg_section(m, sections[s], &n);

                for (unsigned k = 0; k < n; k++)
                        (void) cache_add_record(c, &rrs[k], now);
        }
}

/* ---- §10.5 and §7.3 bookkeeping from questions ------------------------------------------- */

static struct cache_entry *name_chain(const struct cache *c, const struct dns_name *name, uint32_t *nhash) {
        *nhash = cache_name_hash(name, c->seed);
        return c->ntable[*nhash & c->mask];
}

void cache_handle_query(struct cache *c, const struct dns_msg *m, usec_t now) {
        unsigned budget = QUERY_SCAN_MAX;

        if ((m->flags & DNS_FLAG_QR) || DNS_FLAGS_OPCODE(m->flags) != DNS_OPCODE_QUERY)
                return;
        /* A truncated query's known answers continue in later packets: an answer we hold may
         * rightly be suppressed by them (as mDNSResponder, not counted). */
        if (m->flags & DNS_FLAG_TC)
                return;
        if (m->qdcount == 0)
                return;
        known_answers_index(&c->ka, m->an, m->ancount, c->seed);
        for (unsigned i = 0; i < m->qdcount; i++) {
                const struct dns_question *q = &m->qd[i];
                uint32_t nhash;

                /* RFC 6762 §10.5 expects a *multicast* response: a QU question may be answered
                 * by unicast, which we would never see */
                if (q->unicast_response)
                        continue;
                for (struct cache_entry *e = name_chain(c, &q->name, &nhash); e; e = e->nnext) {
                        if (budget-- == 0)
                                goto done;
                        if (e->nhash != nhash || !cache_entry_answers(e, &q->name, q->type, q->qclass))
                                continue;
                        /* listed as a known answer (with at least half the TTL: §7.1): no
                         * answer is expected */
                        if (known_answers_covers(&c->ka, &e->rr, e->chash, e->rr.ttl))
                                continue;
                        poof_count(c, e, now);
                }
        }
done:
        known_answers_clear(&c->ka);
}

void cache_note_own_question(struct cache *c, const struct dns_question *q, usec_t now) {
        uint32_t nhash;

        /* our own queries carry as known answers exactly the records with at least half their
         * TTL left (§7.1); the others are expected in answers, QU or not (we hear unicast
         * replies to ourselves) */
        for (struct cache_entry *e = name_chain(c, &q->name, &nhash); e; e = e->nnext)
                if (e->nhash == nhash && cache_entry_answers(e, &q->name, q->type, q->qclass) &&
                    !cache_entry_is_known_answer(e, now))
                        poof_count(c, e, now);
}

void cache_note_peer_question(struct cache *c, const struct dns_question *q, usec_t now) {
        uint32_t nhash;

        for (struct cache_entry *e = name_chain(c, &q->name, &nhash); e; e = e->nnext) {
                if (e->nhash != nhash || !cache_entry_answers(e, &q->name, q->type, q->qclass))
                        continue;
                if (e->refresh_at == USEC_INFINITY ||
                    e->refresh_at > now + ttl_usec(e->rr.ttl) / 100 * REFRESH_DQS_PERCENT)
                        continue;
                /* RFC 6762 §7.3: "this host SHOULD treat its own query as having been sent" */
                refresh_schedule(c, e, (uint8_t) (e->refresh_step + 1));
                heap_fix(c, HEAP_EVENT, e);
        }
}

/* ---- time ---------------------------------------------------------------------------------- */

usec_t cache_next_timeout(const struct cache *c) {
        usec_t t = USEC_INFINITY;

        if (c->heap[HEAP_EXPIRE].n > 0)
                t = c->heap[HEAP_EXPIRE].a[0]->expire;
        if (c->heap[HEAP_EVENT].n > 0)
                t = MIN(t, heap_key(c->heap[HEAP_EVENT].a[0], HEAP_EVENT));
        return t;
}

void cache_handle_timeout(struct cache *c, usec_t now) {
        for (;;) {
                struct cache_entry *e;

                if (c->heap[HEAP_EXPIRE].n > 0 && c->heap[HEAP_EXPIRE].a[0]->expire <= now) {
                        e = c->heap[HEAP_EXPIRE].a[0];
                        /* RFC 6762 §10, §10.1, §10.2; §5.2 "If no answer is received after four
                         * queries, the record is deleted when it reaches 100% of its lifetime." */
                        entry_remove(c, e, e->dying ? (enum cache_remove_reason) (e->dying - 1) : CACHE_REMOVE_EXPIRED);
                        continue;
                }
                if (c->heap[HEAP_EVENT].n == 0 || heap_key(c->heap[HEAP_EVENT].a[0], HEAP_EVENT) > now)
                        break;
                e = c->heap[HEAP_EVENT].a[0];
                if (e->poof_deadline <= now) {
                        /* RFC 6762 §10.5 */
                        entry_remove(c, e, CACHE_REMOVE_POOF);
                        continue;
                }
                /* RFC 6762 §5.2: "A Multicast DNS querier MUST NOT perform this cache
                 * maintenance for records for which it has no local clients with an active
                 * interest." */
                if (c->ops->interested && c->ops->refresh && c->ops->interested(c->userdata, e)) {
                        c->stats.refresh_queries++;
                        c->ops->refresh(c->userdata, e);
                }
                refresh_schedule(c, e, (uint8_t) (e->refresh_step + 1));
                heap_fix(c, HEAP_EVENT, e);
        }
}

/* ---- lookups ------------------------------------------------------------------------------ */

void cache_foreach(const struct cache *c, const struct dns_name *name, uint16_t type, uint16_t rclass,
                   cache_visit_t visit, void *ctx) {
        uint32_t nhash;

        for (struct cache_entry *e = name_chain(c, name, &nhash), *next; e; e = next) {
                next = e->nnext;
                if (e->nhash == nhash && cache_entry_answers(e, name, type, rclass) && !visit(ctx, e))
                        return;
        }
}

void cache_foreach_all(const struct cache *c, cache_visit_t visit, void *ctx) {
        for (unsigned i = 0; i < c->heap[HEAP_EXPIRE].n; i++)
                if (!visit(ctx, c->heap[HEAP_EXPIRE].a[i]))
                        return;
}

const struct cache_entry *cache_lookup(const struct cache *c, const struct dns_rr *rr) {
        return entry_find(c, rr, mdns_rr_hash(rr, c->seed));
}

const struct dns_rr *cache_entry_rr(const struct cache_entry *e) {
        return &e->rr;
}

usec_t cache_entry_received(const struct cache_entry *e) {
        return e->received;
}

usec_t cache_entry_expire(const struct cache_entry *e) {
        return e->expire;
}

uint32_t cache_entry_ttl_remaining(const struct cache_entry *e, usec_t now) {
        return e->expire > now ? (uint32_t) ((e->expire - now) / USEC_PER_SEC) : 0;
}

bool cache_entry_is_known_answer(const struct cache_entry *e, usec_t now) {
        /* remaining >= original / 2, exactly (no rounding to seconds) */
        return !e->dying && e->expire > now && 2 * (e->expire - now) >= ttl_usec(e->rr.ttl);
}

bool cache_entry_is_dying(const struct cache_entry *e) {
        return e->dying != 0;
}

unsigned cache_size(const struct cache *c) {
        return c->n;
}

unsigned cache_entries_max(const struct cache *c) {
        return c->entries_max;
}

int cache_ifindex(const struct cache *c) {
        return c->ifindex;
}

int cache_family(const struct cache *c) {
        return c->family;
}

uint32_t cache_hash_seed(const struct cache *c) {
        return c->seed;
}

const struct cache_stats *cache_get_stats(const struct cache *c) {
        return &c->stats;
}

/* ---- life cycle -------------------------------------------------------------------------- */

int cache_new(struct cache **ret, const struct cache_config *cfg) {
        struct cache *c;
        unsigned slots = 16;

        if (!ret || !cfg || !cfg->rng || !cfg->ops)
                return -EINVAL;
        c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        c->ifindex = cfg->ifindex;
        c->family = cfg->family;
        c->entries_max = cfg->entries_max ? cfg->entries_max : CACHE_ENTRIES_MAX_DEFAULT;
        c->rng = cfg->rng;
        c->ops = cfg->ops;
        c->userdata = cfg->userdata;
        c->seed = (uint32_t) rng_next(cfg->rng);
        while (slots < 2 * c->entries_max && slots < (1u << 30))
                slots <<= 1;
        c->mask = slots - 1;
        c->ctable = calloc(slots, sizeof *c->ctable);
        c->ntable = calloc(slots, sizeof *c->ntable);
        c->chunks = calloc(c->entries_max / CACHE_CHUNK_ENTRIES + 2, sizeof *c->chunks);
        for (unsigned h = 0; h < _HEAP_MAX; h++)
                c->heap[h].a = calloc(c->entries_max, sizeof *c->heap[h].a);
        if (!c->ctable || !c->ntable || !c->chunks || !c->heap[0].a || !c->heap[1].a) {
                cache_free(c);
                return -ENOMEM;
        }
        c->stats.bytes = sizeof *c + 2 * (size_t) slots * sizeof *c->ctable +
                         (c->entries_max / CACHE_CHUNK_ENTRIES + 2) * sizeof *c->chunks +
                         _HEAP_MAX * (size_t) c->entries_max * sizeof *c->heap[0].a;
        *ret = c;
        return 0;
}

void cache_clear(struct cache *c) {
        while (c->heap[HEAP_EXPIRE].n > 0)
                entry_remove(c, c->heap[HEAP_EXPIRE].a[c->heap[HEAP_EXPIRE].n - 1], CACHE_REMOVE_CLEARED);
}

struct cache *cache_free(struct cache *c) {
        if (!c)
                return NULL;
        for (unsigned i = 0; i < c->n_chunks; i++) {
                unsigned k = MIN((unsigned) CACHE_CHUNK_ENTRIES, c->entries_max - i * CACHE_CHUNK_ENTRIES);

                for (unsigned j = 0; j < k; j++)
                        free(c->chunks[i][j].big);
                free(c->chunks[i]);
        }
        while (c->big_free) {
                uint8_t *b = c->big_free;

                memcpy(&c->big_free, b, sizeof c->big_free);
                free(b);
        }
        free(c->chunks);
        free(c->ctable);
        free(c->ntable);
        for (unsigned h = 0; h < _HEAP_MAX; h++)
                free(c->heap[h].a);
        free(c);
        return NULL;
}
