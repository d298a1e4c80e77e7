/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdns/response-sched.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mdns/known-answer.h"

/* RFC 6762 §6: "it SHOULD NOT impose any random delay before responding, and SHOULD normally
 * generate its response within at most 10 ms": unique answers are due at once. */
/* RFC 6762 §6: "each responder SHOULD delay its response by a random amount of time selected
 * with uniform random distribution in the range 20-120 ms" (shared answers; §6.3: every answer
 * of a multi-question query). */
#define RESPONSE_DELAY_MIN (20 * USEC_PER_MSEC)
#define RESPONSE_DELAY_MAX (120 * USEC_PER_MSEC)
/* RFC 6762 §6, §7.2: with the TC bit set, "responders SHOULD delay their responses by a random
 * amount of time selected with uniform random distribution in the range 400-500 ms". */
#define TC_DELAY_MIN (400 * USEC_PER_MSEC)
#define TC_DELAY_MAX (500 * USEC_PER_MSEC)
/* RFC 6762 §6: "MUST NOT (except in the one special case of answering probe queries) multicast a
 * record on a given interface until at least one second has elapsed since the last time that
 * record was multicast on that particular interface". */
#define MULTICAST_INTERVAL USEC_PER_SEC
/* RFC 6762 §6: answering a probe, "an interval of at least 250 ms since the last time the record
 * was multicast on that interface". */
#define PROBE_DEFENSE_INTERVAL (250 * USEC_PER_MSEC)
/* RFC 6762 §5.4: "if the responder has not multicast that record recently (within one quarter
 * of its TTL), then the responder SHOULD instead multicast the response". */
#define QU_RECENT_FRACTION 4
/* RFC 1035 §4.2.1: a conventional resolver (§6.7 legacy unicast) takes 512 octets over UDP. */
#define LEGACY_UNICAST_SIZE_MAX 512
#define RESPONSE_SIZE_MIN 512
/* Additional records are optional (RFC 6762 §6.2 "if there is space in the message"): when
 * filling the rest of a packet, give up after this many that do not fit. */
#define ADDITIONAL_FILL_MISSES_MAX 8
/* Questions of one query indexed for deduplication (a 9000-octet packet holds < 1800). */
#define QUESTION_SLOTS 4096
#define QUESTION_PROBE_MAX 32

enum { SECTION_ANSWER, SECTION_ADDITIONAL };
enum { TIMING_NOW, TIMING_SHARED };

/* Where a response goes: an interface and address family, the group or one querier. Answers
 * held for a TC query (RFC 6762 §7.2) also remember the querier whose known answers may still
 * cancel them. */
struct job_key {
        int ifindex;
        int family;
        bool unicast;
        union sockaddr_union dest; /* unicast only */
        bool tc;
        union in_addr_union querier; /* tc only */
};

struct pending;

/* One response to send at `deadline`. */
struct job {
        struct job_key key;
        usec_t deadline;
        size_t max_size;
        unsigned heap_index;
        bool active;
        struct pending *list[2]; /* SECTION_ANSWER, SECTION_ADDITIONAL */
        struct job *next;        /* bucket chain, or the free list */
};

/* One record (or synthesized NSEC) waiting in a job. */
struct pending {
        struct job *job;
        struct pending *prev, *next; /* in job->list[section] */
        struct pending *hnext;       /* chain in s->pending_table, by content hash */
        uint64_t id;
        uint32_t hash;
        usec_t asked; /* the earliest question it answers; a multicast after that answered it */
        uint8_t kind;
        uint8_t section;
        bool defense;   /* RFC 6762 §6: answers a probe: 250 ms between multicasts */
        bool ka_tagged; /* RFC 6762 §7.2: known answers from job->key.querier may still cancel it */
        bool in_use;
};

/* When a record was last multicast on an interface (RFC 6762 §5.4, §6). */
struct history {
        struct history *hnext;
        struct history *older, *newer;
        int ifindex, family;
        uint64_t id;
        uint8_t kind;
        bool in_use;
        usec_t last;
};

/* One answer or additional record produced while reading a query. */
struct item {
        const struct dns_rr *rr; /* RESPOND_RECORD: valid during the query; NULL for NSEC */
        uint64_t id;
        uint32_t hash;
        uint8_t kind;
        uint8_t section;
        uint8_t timing;
        bool unique;
        bool unicast;
};

struct response_sched {
        const struct respond_source *src;
        struct rng *rng;
        response_emit_t emit;
        void *userdata;
        uint32_t seed;
        struct response_sched_stats stats;

        struct pending *pending_pool, *pending_free;
        unsigned pending_max;
        unsigned pending_fresh; /* pending_pool[pending_fresh..] never used: untouched, no RSS */
        struct pending **pending_table;
        unsigned pending_mask;

        struct job *job_pool, *job_free;
        unsigned jobs_max;
        unsigned jobs_fresh; /* job_pool[jobs_fresh..] never used */
        struct job **job_table;
        unsigned job_mask;
        struct job **heap;
        unsigned n_heap;

        struct history *hist_pool;
        unsigned history_max, n_history;
        struct history **hist_table;
        unsigned hist_mask;
        struct history *hist_oldest, *hist_newest;

        /* per query */
        struct known_answers ka;
        struct item items[RESPONSE_QUERY_ITEMS_MAX];
        unsigned n_items;
        bool items_full;
        uint16_t item_slot[2 * RESPONSE_QUERY_ITEMS_MAX];
        uint32_t item_stamp[2 * RESPONSE_QUERY_ITEMS_MAX];
        uint32_t item_gen;
        uint16_t q_slot[QUESTION_SLOTS];
        uint32_t q_stamp[QUESTION_SLOTS];
        uint32_t q_gen;

        /* per flush: records already in the response (never one twice) */
        uint32_t *emit_hash;
        const struct dns_rr **emit_rr;
        uint32_t *emit_stamp;
        unsigned emit_mask;
        uint32_t emit_gen;

        /* the packet being built */
        struct dns_builder builder;
        uint8_t tx[DNS_PACKET_MAX];
        uint8_t nsec_buf[RESPOND_NSEC_RDATA_MAX];
        struct dns_rr nsec_rr;

        bool logged_full, logged_items, logged_too_big;
};

/* ---- small helpers ----------------------------------------------------------------------- */

static unsigned pow2_at_least(unsigned n) {
        unsigned p = 16;

        while (p < n)
                p <<= 1;
        return p;
}

static uint32_t mix32(uint32_t h, uint32_t v) {
        h ^= v;
        h *= 0x9e3779b1u;
        return h ^ (h >> 15);
}

static uint32_t mix_bytes(uint32_t h, const void *p, size_t n) {
        const uint8_t *b = p;

        for (size_t i = 0; i < n; i++)
                h = (h ^ b[i]) * 16777619u;
        return h;
}

static uint16_t sockaddr_port(const union sockaddr_union *sa) {
        return ntohs(sa->sa.sa_family == AF_INET ? sa->in.sin_port : sa->in6.sin6_port);
}

static void sockaddr_addr(const union sockaddr_union *sa, union in_addr_union *ret) {
        memset(ret, 0, sizeof *ret);
        if (sa->sa.sa_family == AF_INET)
                ret->in = sa->in.sin_addr;
        else
                ret->in6 = sa->in6.sin6_addr;
}

static bool sockaddr_equal(const union sockaddr_union *a, const union sockaddr_union *b) {
        if (a->sa.sa_family != b->sa.sa_family)
                return false;
        if (a->sa.sa_family == AF_INET)
                return a->in.sin_addr.s_addr == b->in.sin_addr.s_addr && a->in.sin_port == b->in.sin_port;
        return memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, sizeof a->in6.sin6_addr) == 0 &&
               a->in6.sin6_port == b->in6.sin6_port && a->in6.sin6_scope_id == b->in6.sin6_scope_id;
}

static size_t sockaddr_addr_len(int family) {
        return family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);
}

static bool job_key_equal(const struct job_key *a, const struct job_key *b) {
        if (a->ifindex != b->ifindex || a->family != b->family || a->unicast != b->unicast || a->tc != b->tc)
                return false;
        if (a->unicast && !sockaddr_equal(&a->dest, &b->dest))
                return false;
        if (a->tc && memcmp(&a->querier, &b->querier, sockaddr_addr_len(a->family)) != 0)
                return false;
        return true;
}

static uint32_t job_key_hash(const struct job_key *k) {
        uint32_t h = mix32(mix32(mix32(2166136261u, (uint32_t) k->ifindex), (uint32_t) k->family),
                           (uint32_t) k->unicast | (uint32_t) k->tc << 1);

        if (k->unicast) {
                union in_addr_union a;
                uint16_t port = sockaddr_port(&k->dest);

                sockaddr_addr(&k->dest, &a);
                h = mix_bytes(h, &a, sockaddr_addr_len(k->family));
                h = mix_bytes(h, &port, sizeof port);
        }
        if (k->tc)
                h = mix_bytes(h, &k->querier, sockaddr_addr_len(k->family));
        return mix32(h, 0);
}

static usec_t random_between(struct response_sched *s, usec_t lo, usec_t hi) {
        return (usec_t) rng_range(s->rng, lo, hi);
}

/* ---- history: the last multicast of each record per interface (RFC 6762 §5.4, §6) -------- */

static uint32_t history_hash(int ifindex, int family, uint64_t id, uint8_t kind) {
        uint32_t h = mix32(mix32(2166136261u, (uint32_t) ifindex), (uint32_t) family);

        h = mix32(mix32(h, (uint32_t) id), (uint32_t) (id >> 32));
        return mix32(h, kind);
}

static struct history *history_find(const struct response_sched *s, int ifindex, int family, uint64_t id,
                                    uint8_t kind) {
        struct history *h = s->hist_table[history_hash(ifindex, family, id, kind) & s->hist_mask];

        for (; h; h = h->hnext)
                if (h->id == id && h->ifindex == ifindex && h->family == family && h->kind == kind)
                        return h;
        return NULL;
}

static void history_unlink_lru(struct response_sched *s, struct history *h) {
        if (h->older)
                h->older->newer = h->newer;
        else
                s->hist_oldest = h->newer;
        if (h->newer)
                h->newer->older = h->older;
        else
                s->hist_newest = h->older;
        h->older = h->newer = NULL;
}

static void history_push_newest(struct response_sched *s, struct history *h) {
        h->older = s->hist_newest;
        h->newer = NULL;
        if (s->hist_newest)
                s->hist_newest->newer = h;
        else
                s->hist_oldest = h;
        s->hist_newest = h;
}

static void history_note(struct response_sched *s, int ifindex, int family, uint64_t id, uint8_t kind, usec_t now) {
        struct history *h = history_find(s, ifindex, family, id, kind), **pp;

        if (!h) {
                if (s->n_history < s->history_max)
                        h = &s->hist_pool[s->n_history++];
                else {
                        /* full: forget the oldest (at worst a record is then multicast again
                         * sooner than the QU quarter-TTL rule would have liked) */
                        h = s->hist_oldest;
                        history_unlink_lru(s, h);
                        pp = &s->hist_table[history_hash(h->ifindex, h->family, h->id, h->kind) & s->hist_mask];
                        while (*pp != h)
                                pp = &(*pp)->hnext;
                        *pp = h->hnext;
                }
                *h = (struct history) { .ifindex = ifindex, .family = family, .id = id, .kind = kind, .in_use = true };
                pp = &s->hist_table[history_hash(ifindex, family, id, kind) & s->hist_mask];
                h->hnext = *pp;
                *pp = h;
        } else
                history_unlink_lru(s, h);
        h->last = now;
        history_push_newest(s, h);
}

/* ---- the job heap (earliest deadline first) ---------------------------------------------- */

static bool heap_less(const struct response_sched *s, unsigned a, unsigned b) {
        return s->heap[a]->deadline < s->heap[b]->deadline;
}

static void heap_swap(struct response_sched *s, unsigned a, unsigned b) {
        struct job *t = s->heap[a];

        s->heap[a] = s->heap[b];
        s->heap[b] = t;
        s->heap[a]->heap_index = a;
        s->heap[b]->heap_index = b;
}

static void heap_up(struct response_sched *s, unsigned i) {
        while (i > 0 && heap_less(s, i, (i - 1) / 2)) {
                heap_swap(s, i, (i - 1) / 2);
                i = (i - 1) / 2;
        }
}

static void heap_down(struct response_sched *s, unsigned i) {
        for (;;) {
                unsigned l = 2 * i + 1, r = l + 1, m = i;

                if (l < s->n_heap && heap_less(s, l, m))
                        m = l;
                if (r < s->n_heap && heap_less(s, r, m))
                        m = r;
                if (m == i)
                        return;
                heap_swap(s, i, m);
                i = m;
        }
}

static void heap_remove(struct response_sched *s, struct job *j) {
        unsigned i = j->heap_index;

        s->n_heap--;
        if (i != s->n_heap) {
                s->heap[i] = s->heap[s->n_heap];
                s->heap[i]->heap_index = i;
                heap_down(s, i);
                heap_up(s, i);
        }
}

/* ---- jobs ---------------------------------------------------------------------------------- */

static struct job **job_bucket(struct response_sched *s, const struct job_key *k) {
        return &s->job_table[job_key_hash(k) & s->job_mask];
}

/* A job for `key` due within [lo, hi]: an existing one (RFC 6762 §6.4: "aggregate as many
 * responses as possible into a single Multicast DNS response message") or a new one at `at`. */
static struct job *job_get(struct response_sched *s, const struct job_key *key, size_t max_size, usec_t lo,
                           usec_t hi, usec_t at) {
        struct job **bucket = job_bucket(s, key), *j;

        for (j = *bucket; j; j = j->next)
                if (j->deadline >= lo && j->deadline <= hi && job_key_equal(&j->key, key))
                        return j;

        j = s->job_free;
        if (j)
                s->job_free = j->next;
        else if (s->jobs_fresh < s->jobs_max)
                j = &s->job_pool[s->jobs_fresh++];
        else
                return NULL;
        *j = (struct job) {
                .key = *key,
                .deadline = MIN(MAX(at, lo), hi),
                .max_size = max_size,
                .active = true,
        };
        j->next = *bucket;
        *bucket = j;
        j->heap_index = s->n_heap;
        s->heap[s->n_heap++] = j;
        heap_up(s, j->heap_index);
        return j;
}

static void job_release(struct response_sched *s, struct job *j) {
        struct job **pp = job_bucket(s, &j->key);

        while (*pp != j)
                pp = &(*pp)->next;
        *pp = j->next;
        heap_remove(s, j);
        j->active = false;
        j->next = s->job_free;
        s->job_free = j;
}

/* ---- pending records ------------------------------------------------------------------------ */

static void pending_link(struct pending *p, struct job *j, uint8_t section) {
        p->job = j;
        p->section = section;
        p->prev = NULL;
        p->next = j->list[section];
        if (p->next)
                p->next->prev = p;
        j->list[section] = p;
}

static void pending_unlink(struct pending *p) {
        if (p->prev)
                p->prev->next = p->next;
        else
                p->job->list[p->section] = p->next;
        if (p->next)
                p->next->prev = p->prev;
        p->prev = p->next = NULL;
}

static void pending_release(struct response_sched *s, struct pending *p) {
        struct pending **pp = &s->pending_table[p->hash & s->pending_mask];

        pending_unlink(p);
        while (*pp != p)
                pp = &(*pp)->hnext;
        *pp = p->hnext;
        p->in_use = false;
        p->hnext = s->pending_free;
        s->pending_free = p;
}

static bool pending_same_destination(const struct pending *p, const struct job_key *k) {
        const struct job_key *pk = &p->job->key;

        if (pk->ifindex != k->ifindex || pk->family != k->family || pk->unicast != k->unicast)
                return false;
        return !k->unicast || sockaddr_equal(&pk->dest, &k->dest);
}

static struct pending *pending_find(struct response_sched *s, const struct job_key *k, uint32_t hash, uint64_t id,
                                    uint8_t kind) {
        for (struct pending *p = s->pending_table[hash & s->pending_mask]; p; p = p->hnext)
                if (p->id == id && p->kind == kind && p->hash == hash && pending_same_destination(p, k))
                        return p;
        return NULL;
}

static void log_full_once(struct response_sched *s, int ifindex) {
        if (s->logged_full)
                return;
        s->logged_full = true;
        log_warning("mDNS responder: too many answers waiting (%u records, %u responses) on interface %d: "
                    "dropping some",
                    s->pending_max, s->jobs_max, ifindex);
}

struct want {
        struct job_key key;
        size_t max_size;
        uint64_t id;
        uint32_t hash;
        uint8_t kind;
        uint8_t section;
        bool defense;
        usec_t lo, hi, at; /* the window the response may go out in, and the preferred time */
};

/* Queue one record to go out to w->key within [lo, hi]. */
static void pending_queue(struct response_sched *s, struct want *w, usec_t now) {
        struct pending *p;
        struct job *j;

        if (!w->key.unicast) {
                /* RFC 6762 §6: at most one multicast per second per interface (250 ms when
                 * defending against a probe): the answer waits until it may go */
                struct history *h = history_find(s, w->key.ifindex, w->key.family, w->id, w->kind);

                if (h) {
                        usec_t ready = h->last + (w->defense ? PROBE_DEFENSE_INTERVAL : MULTICAST_INTERVAL);

                        if (ready > w->lo) {
                                s->stats.rate_limited++;
                                w->lo = ready;
                                w->hi = MAX(w->hi, ready);
                                w->at = MAX(w->at, ready);
                        }
                }
        }

        p = pending_find(s, &w->key, w->hash, w->id, w->kind);
        if (p) {
                /* already on its way to the same destination: one copy, at the earlier time */
                if (w->section == SECTION_ANSWER && p->section == SECTION_ADDITIONAL) {
                        pending_unlink(p);
                        pending_link(p, p->job, SECTION_ANSWER);
                }
                p->defense = p->defense || w->defense;
                /* RFC 6762 §7.2: "provided that no other host on the network has also issued a
                 * query for that record and is waiting to receive an answer" */
                if (!(w->key.tc && p->ka_tagged && job_key_equal(&p->job->key, &w->key)))
                        p->ka_tagged = false;
                if (p->job->deadline > w->hi) {
                        j = job_get(s, &w->key, w->max_size, w->lo, w->hi, w->at);
                        if (j && j != p->job) {
                                uint8_t section = p->section;

                                pending_unlink(p);
                                pending_link(p, j, section);
                                p->ka_tagged = p->ka_tagged && job_key_equal(&j->key, &w->key) && w->key.tc;
                        }
                }
                return;
        }

        p = s->pending_free ? s->pending_free
            : s->pending_fresh < s->pending_max ? &s->pending_pool[s->pending_fresh] : NULL;
        j = p ? job_get(s, &w->key, w->max_size, w->lo, w->hi, w->at) : NULL;
        if (!p || !j) {
                s->stats.dropped_full++;
                log_full_once(s, w->key.ifindex);
                return;
        }
        if (p == s->pending_free)
                s->pending_free = p->hnext;
        else
                s->pending_fresh++;
        *p = (struct pending) {
                .id = w->id,
                .hash = w->hash,
                .asked = now,
                .kind = w->kind,
                .defense = w->defense,
                .ka_tagged = w->key.tc,
                .in_use = true,
        };
        p->hnext = s->pending_table[w->hash & s->pending_mask];
        s->pending_table[w->hash & s->pending_mask] = p;
        pending_link(p, j, w->section);
        s->stats.answers_queued++;
}

/* ---- reading a query: its answers and additional records ---------------------------------- */

static uint32_t item_key_hash(uint64_t id, uint8_t kind, bool unicast) {
        return mix32(mix32(mix32(2166136261u, (uint32_t) id), (uint32_t) (id >> 32)), kind | (unicast ? 2u : 0u));
}

static void items_reset(struct response_sched *s) {
        s->n_items = 0;
        s->items_full = false;
        if (++s->item_gen == 0) {
                memset(s->item_stamp, 0, sizeof s->item_stamp);
                s->item_gen = 1;
        }
}

/* The item for (id, kind, unicast) if the query already produced it. */
static struct item *items_find_or_slot(struct response_sched *s, uint64_t id, uint8_t kind, bool unicast,
                                       unsigned *slot) {
        const unsigned n = ELEMENTSOF(s->item_slot);

        for (unsigned k = 0, i = item_key_hash(id, kind, unicast) & (n - 1);; k++, i = (i + 1) & (n - 1)) {
                struct item *it;

                if (s->item_stamp[i] != s->item_gen || k == n) { /* never full: n > 2 × the items */
                        *slot = i;
                        return NULL;
                }
                it = &s->items[s->item_slot[i]];
                if (it->id == id && it->kind == kind && it->unicast == unicast)
                        return it;
        }
}

struct collect {
        struct response_sched *s;
        const struct response_packet_info *info;
        usec_t now;
        bool qu;       /* RFC 6762 §5.4 / §5.5: the question asks for a unicast answer */
        bool legacy;   /* RFC 6762 §6.7 */
        uint8_t section;
        uint8_t timing;
        bool parent_unicast;
};

static bool collect_answer(void *ctx, enum respond_kind kind, const struct respond_record *rec) {
        struct collect *c = ctx;
        struct response_sched *s = c->s;
        const struct dns_rr *rr = rec->rr;
        uint32_t hash = mdns_rr_hash(rr, s->seed);
        bool unicast;
        struct item *it;
        unsigned slot;

        /* RFC 6762 §7.1: "MUST NOT answer a Multicast DNS query if the answer it would give is
         * already included in the Answer Section with an RR TTL at least half the correct
         * value" (additional records too: the querier has them) */
        if (known_answers_covers(&s->ka, rr, hash, rr->ttl)) {
                s->stats.suppressed_known++;
                return true;
        }

        if (c->legacy)
                unicast = true;
        else if (c->section == SECTION_ADDITIONAL)
                unicast = c->parent_unicast;
        else if (c->qu) {
                /* RFC 6762 §5.4: a QU question is answered by unicast, "However, if the
                 * responder has not multicast that record recently (within one quarter of its
                 * TTL), then the responder SHOULD instead multicast the response" */
                const struct history *h = history_find(s, c->info->ifindex, c->info->family, rec->id, (uint8_t) kind);

                unicast = h && c->now - h->last < (usec_t) rr->ttl * USEC_PER_SEC / QU_RECENT_FRACTION;
        } else
                unicast = false;

        it = items_find_or_slot(s, rec->id, (uint8_t) kind, unicast, &slot);
        if (it) {
                if (c->section == SECTION_ANSWER)
                        it->section = SECTION_ANSWER;
                it->timing = MIN(it->timing, c->timing);
                return true;
        }
        if (s->n_items == RESPONSE_QUERY_ITEMS_MAX) {
                s->stats.dropped_full++;
                if (c->section == SECTION_ADDITIONAL)
                        return true; /* optional: the next one may be an answer's duplicate */
                s->items_full = true;
                if (!s->logged_items) {
                        s->logged_items = true;
                        log_notice("mDNS responder: a query on interface %d asks for more than %u records: "
                                   "answering the first ones",
                                   c->info->ifindex, RESPONSE_QUERY_ITEMS_MAX);
                }
                return false;
        }
        s->item_slot[slot] = (uint16_t) s->n_items;
        s->item_stamp[slot] = s->item_gen;
        s->items[s->n_items++] = (struct item) {
                .rr = kind == RESPOND_RECORD ? rr : NULL,
                .id = rec->id,
                .hash = hash,
                .kind = (uint8_t) kind,
                .section = c->section,
                .timing = c->timing,
                .unique = rec->unique,
                .unicast = unicast,
        };
        return true;
}

/* Whether question k repeats an earlier question of the same message. */
static bool question_seen(struct response_sched *s, const struct dns_msg *msg, unsigned k) {
        const struct dns_question *q = &msg->qd[k];
        struct dns_rr key = { .name = q->name, .type = q->type, .rclass = q->qclass };
        uint32_t h = mix32(mdns_rr_hash(&key, s->seed), q->unicast_response);

        for (unsigned p = 0; p < QUESTION_PROBE_MAX; p++) {
                unsigned i = (h + p) & (QUESTION_SLOTS - 1);
                const struct dns_question *o;

                if (s->q_stamp[i] != s->q_gen) {
                        s->q_stamp[i] = s->q_gen;
                        s->q_slot[i] = (uint16_t) k;
                        return false;
                }
                o = &msg->qd[s->q_slot[i]];
                if (o->type == q->type && o->qclass == q->qclass && o->unicast_response == q->unicast_response &&
                    dns_name_equal(&o->name, &q->name))
                        return true;
        }
        return false; /* not indexed: answered again, deduplicated per record anyway */
}

/* Collect the answers to every question of msg, then their additional records, into s->items.
 * Answers come first so that additional records (optional, RFC 6762 §6.2) never take the room
 * of an answer; when the items are full, further additional records are skipped and answers
 * stop. Returns the number of distinct questions. */
static unsigned collect_query(struct response_sched *s, struct collect *c, const struct dns_msg *msg) {
        unsigned distinct = 0, n_answers;

        items_reset(s);
        if (++s->q_gen == 0) {
                memset(s->q_stamp, 0, sizeof s->q_stamp);
                s->q_gen = 1;
        }
        c->section = SECTION_ANSWER;
        for (unsigned k = 0; k < msg->qdcount && !s->items_full; k++) {
                const struct dns_question *q = &msg->qd[k];
                unsigned start;

                if (question_seen(s, msg, k))
                        continue;
                distinct++;
                /* RFC 6762 §5.4 QU bit; §5.5: "When a Multicast DNS responder receives a query via
                 * direct unicast, it SHOULD respond as it would for "QU" questions" */
                c->qu = q->unicast_response || c->info->unicast_dest;
                c->timing = TIMING_NOW; /* refined per record below */
                start = s->n_items;
                respond_question(s->src, c->info->ifindex, q, collect_answer, c);
                /* RFC 6762 §6: unique answers at once, shared ones after a random delay */
                for (unsigned i = start; i < s->n_items; i++)
                        s->items[i].timing = s->items[i].unique ? TIMING_NOW : TIMING_SHARED;
        }

        n_answers = s->n_items;
        c->section = SECTION_ADDITIONAL;
        for (unsigned i = 0; i < n_answers; i++) {
                const struct item *it = &s->items[i];
                struct respond_record rec = { .rr = it->rr, .id = it->id, .unique = it->unique };

                if (it->kind != RESPOND_RECORD)
                        continue;
                c->timing = it->timing; /* additional records travel with their answer */
                c->parent_unicast = it->unicast;
                respond_additionals(s->src, c->info->ifindex, &rec, collect_answer, c);
        }
        return distinct;
}

/* ---- building and sending packets ----------------------------------------------------------- */

static void emitted_reset(struct response_sched *s) {
        if (++s->emit_gen == 0) {
                memset(s->emit_stamp, 0, sizeof(uint32_t) * (s->emit_mask + 1));
                s->emit_gen = 1;
        }
}

/* Never a duplicate record in one response (Bonjour Conformance Test; RFC 6762 §6.4 aggregates,
 * it does not repeat). Records are compared by content; a synthesized NSEC (rdata in a scratch
 * buffer, rr == NULL here) by its keyed hash alone. */
static bool emitted_contains(const struct response_sched *s, const struct dns_rr *rr, uint32_t hash, bool by_content) {
        for (unsigned i = hash & s->emit_mask; s->emit_stamp[i] == s->emit_gen; i = (i + 1) & s->emit_mask)
                if (s->emit_hash[i] == hash && (!by_content || !s->emit_rr[i] || dns_rr_equal(s->emit_rr[i], rr)))
                        return true;
        return false;
}

static void emitted_add(struct response_sched *s, const struct dns_rr *rr, uint32_t hash, bool by_content) {
        unsigned i = hash & s->emit_mask;

        while (s->emit_stamp[i] == s->emit_gen)
                i = (i + 1) & s->emit_mask;
        s->emit_stamp[i] = s->emit_gen;
        s->emit_hash[i] = hash;
        s->emit_rr[i] = by_content ? rr : NULL;
}

static void packet_begin(struct response_sched *s, const struct job *j) {
        /* RFC 6762 §18.1: "In multicast responses, including unsolicited multicast responses,
         * the Query Identifier MUST be set to zero"; §18.2–§18.4, §18.11: QR=1, AA=1, opcode 0,
         * rcode 0; §18.5: TC=0; §6: "Multicast DNS responses MUST NOT contain any questions" */
        dns_builder_init(&s->builder, s->tx, j->max_size, 0, MDNS_FLAGS_RESPONSE);
}

static bool packet_has_records(const struct response_sched *s) {
        return dns_builder_count(&s->builder, DNS_SECTION_ANSWER) + dns_builder_count(&s->builder, DNS_SECTION_ADDITIONAL) > 0;
}

static void packet_emit(struct response_sched *s, const struct job_key *k, const union sockaddr_union *dest) {
        struct response_packet p = {
                .ifindex = k->ifindex,
                .family = k->family,
                .unicast = k->unicast || dest != NULL,
                .data = s->tx,
                .len = dns_builder_finish(&s->builder),
        };

        if (dest)
                p.dest = *dest;
        else if (k->unicast)
                p.dest = k->dest;
        s->stats.packets++;
        s->emit(s->userdata, &p);
}

enum { FLUSH_DONE, FLUSH_NO_ROOM };

/* Try to put pending record p into the packet being built for job j. FLUSH_NO_ROOM leaves p
 * where it is; FLUSH_DONE means it was sent, dropped or moved to a later job. */
static int flush_one(struct response_sched *s, struct job *j, struct pending *p, usec_t now) {
        struct respond_record rec;
        uint32_t hash;
        int r;

        /* the record as it is now: gone (withdrawn, goodbye sent) means not sent at all */
        if (respond_resolve(s->src, j->key.ifindex, p->kind, p->id, &rec, &s->nsec_rr, s->nsec_buf) < 0) {
                pending_release(s, p);
                return FLUSH_DONE;
        }

        if (!j->key.unicast) {
                struct history *h = history_find(s, j->key.ifindex, j->key.family, p->id, p->kind);

                if (h && h->last > p->asked) {
                        /* multicast on this interface since the question: every querier on the
                         * link has it (RFC 6762 §6; §7.4 "treat its own answer as having been
                         * sent") */
                        s->stats.suppressed_recent++;
                        pending_release(s, p);
                        return FLUSH_DONE;
                }
                if (h && now < h->last + (p->defense ? PROBE_DEFENSE_INTERVAL : MULTICAST_INTERVAL)) {
                        /* RFC 6762 §6: not yet — an answer waits for its turn, an additional
                         * record (optional) is dropped */
                        usec_t ready = h->last + (p->defense ? PROBE_DEFENSE_INTERVAL : MULTICAST_INTERVAL);
                        struct job *later = p->section == SECTION_ANSWER
                                                    ? job_get(s, &j->key, j->max_size, ready, ready + RESPONSE_DELAY_MAX, ready)
                                                    : NULL;

                        s->stats.rate_limited++;
                        if (!later) {
                                pending_release(s, p);
                                return FLUSH_DONE;
                        }
                        pending_unlink(p);
                        pending_link(p, later, SECTION_ANSWER);
                        return FLUSH_DONE;
                }
        }

        /* never the same record twice in a response */
        hash = mdns_rr_hash(rec.rr, s->seed);
        if (emitted_contains(s, rec.rr, hash, p->kind == RESPOND_RECORD)) {
                pending_release(s, p);
                return FLUSH_DONE;
        }

        /* RFC 6762 §10.2: the cache-flush bit on unique records */
        r = dns_builder_add_rr_ttl(&s->builder, p->section == SECTION_ANSWER ? DNS_SECTION_ANSWER : DNS_SECTION_ADDITIONAL,
                                   rec.rr, rec.rr->ttl, rec.unique);
        if (r == -EMSGSIZE)
                return FLUSH_NO_ROOM;
        if (r < 0) {
                char text[512];

                dns_rr_to_text(rec.rr, text, sizeof text);
                log_warning("mDNS responder: cannot send record %s on interface %d: %s", text, j->key.ifindex,
                            strerror(-r));
                pending_release(s, p);
                return FLUSH_DONE;
        }
        emitted_add(s, rec.rr, hash, p->kind == RESPOND_RECORD);
        if (p->section == SECTION_ANSWER)
                s->stats.answers_sent++;
        if (!j->key.unicast)
                history_note(s, j->key.ifindex, j->key.family, p->id, p->kind, now);
        pending_release(s, p);
        return FLUSH_DONE;
}

/* Fill what is left of the packet with additional records. */
static void flush_fill_additionals(struct response_sched *s, struct job *j, usec_t now) {
        unsigned misses = 0;

        for (struct pending *p = j->list[SECTION_ADDITIONAL], *next; p && misses < ADDITIONAL_FILL_MISSES_MAX; p = next) {
                next = p->next;
                if (flush_one(s, j, p, now) == FLUSH_NO_ROOM)
                        misses++;
        }
}

static void log_too_big(struct response_sched *s, const struct job *j) {
        s->stats.dropped_too_big++;
        if (s->logged_too_big)
                return;
        s->logged_too_big = true;
        log_warning("mDNS responder: a record does not fit in a %zu-octet packet on interface %d: not sent",
                    j->max_size, j->key.ifindex);
}

static int flush_job(struct response_sched *s, struct job *j, usec_t now) {
        uint64_t sent_before = s->stats.answers_sent;
        unsigned answers;
        int packets = 0;

        emitted_reset(s);
        packet_begin(s, j);
        for (struct pending *p = j->list[SECTION_ANSWER], *next; p; p = next) {
                next = p->next;
                if (flush_one(s, j, p, now) != FLUSH_NO_ROOM)
                        continue;
                /* RFC 6762 §17: a response that does not fit one packet is split; each packet
                 * takes what additional records still fit */
                if (packet_has_records(s)) {
                        flush_fill_additionals(s, j, now);
                        next = p->next; /* the fill never touches the answer list, but be exact */
                        packet_emit(s, &j->key, NULL);
                        packets++;
                        packet_begin(s, j);
                        if (flush_one(s, j, p, now) != FLUSH_NO_ROOM)
                                continue;
                }
                log_too_big(s, j);
                pending_release(s, p);
        }
        answers = (unsigned) (s->stats.answers_sent - sent_before);
        /* RFC 6762 §6.2, RFC 6763 §12: additional records where there is room; the rest are
         * dropped, never sent on their own. When every answer was suppressed or withdrawn, the
         * records that came along with them have no reason to go either. */
        while (j->list[SECTION_ADDITIONAL]) {
                struct pending *p = j->list[SECTION_ADDITIONAL];

                if (answers == 0 || flush_one(s, j, p, now) == FLUSH_NO_ROOM)
                        pending_release(s, p);
        }
        if (packet_has_records(s)) {
                packet_emit(s, &j->key, NULL);
                packets++;
        }
        job_release(s, j);
        return packets;
}

/* ---- §6.7 legacy unicast -------------------------------------------------------------------- */

static void legacy_reply(struct response_sched *s, const struct response_packet_info *info, const struct dns_msg *msg,
                         usec_t now) {
        struct collect c = { .s = s, .info = info, .now = now, .legacy = true };
        size_t max_size = MIN(info->max_size, (size_t) LEGACY_UNICAST_SIZE_MAX);
        bool truncated = false, any = false;
        struct job_key key = { .ifindex = info->ifindex, .family = info->family, .unicast = true, .dest = info->source };

        collect_query(s, &c, msg);
        for (unsigned i = 0; i < s->n_items; i++)
                if (s->items[i].section == SECTION_ANSWER)
                        any = true;
        /* RFC 6762 §6: "MUST only respond when it has a positive, non-null response to send, or
         * it authoritatively knows that a particular record does not exist" */
        if (!any)
                return;

        /* RFC 6762 §6.7: "a conventional unicast response as would be generated by a
         * conventional Unicast DNS server; for example, it MUST repeat the query ID and the
         * question given in the query message" (RD echoed as unicast DNS servers do) */
        dns_builder_init(&s->builder, s->tx, max_size, msg->id, MDNS_FLAGS_RESPONSE | (msg->flags & DNS_FLAG_RD));
        for (unsigned k = 0; k < msg->qdcount; k++)
                if (dns_builder_add_question(&s->builder, &msg->qd[k]) < 0)
                        return; /* the questions alone do not fit a conventional reply */

        emitted_reset(s);
        for (int section = SECTION_ANSWER; section <= SECTION_ADDITIONAL && !truncated; section++)
                for (unsigned i = 0; i < s->n_items; i++) {
                        const struct item *it = &s->items[i];
                        struct respond_record rec;
                        int r;

                        if (it->section != section)
                                continue;
                        if (respond_resolve(s->src, info->ifindex, it->kind, it->id, &rec, &s->nsec_rr, s->nsec_buf) < 0)
                                continue;
                        uint32_t hash = mdns_rr_hash(rec.rr, s->seed);

                        if (emitted_contains(s, rec.rr, hash, it->kind == RESPOND_RECORD))
                                continue;
                        /* RFC 6762 §6.7: "the cache-flush bit ... MUST NOT be set in legacy
                         * unicast responses"; "The resource record TTL given in a legacy unicast
                         * response SHOULD NOT be greater than ten seconds" */
                        r = dns_builder_add_rr_ttl(&s->builder,
                                                   section == SECTION_ANSWER ? DNS_SECTION_ANSWER : DNS_SECTION_ADDITIONAL,
                                                   rec.rr, MIN(rec.rr->ttl, (uint32_t) MDNS_LEGACY_UNICAST_TTL), false);
                        if (r == -EMSGSIZE && section == SECTION_ANSWER) {
                                /* RFC 1035 §4.1.1: the reply is truncated */
                                dns_builder_set_flags(&s->builder, MDNS_FLAGS_RESPONSE | DNS_FLAG_TC |
                                                                           (msg->flags & DNS_FLAG_RD));
                                truncated = true;
                                break;
                        }
                        if (r == 0)
                                emitted_add(s, rec.rr, hash, it->kind == RESPOND_RECORD);
                }
        if (dns_builder_count(&s->builder, DNS_SECTION_ANSWER) == 0 && !truncated)
                return;
        s->stats.legacy_replies++;
        packet_emit(s, &key, &info->source);
}

/* ---- events ----------------------------------------------------------------------------------- */

static int packet_info_check(const struct response_packet_info *info, size_t *max_size) {
        if (!info || info->ifindex <= 0 || (info->family != AF_INET && info->family != AF_INET6) ||
            info->source.sa.sa_family != info->family)
                return -EINVAL;
        *max_size = info->max_size < RESPONSE_SIZE_MIN ? RESPONSE_SIZE_MIN : MIN(info->max_size, (size_t) DNS_PACKET_MAX);
        return 0;
}

/* RFC 6762 §7.2: "If the responder sees any of its answers listed in the Known-Answer lists of
 * subsequent packets from the querying host, it MUST delete that answer from the list of
 * answers it is planning to give"; "If the responder receives additional Known-Answer packets
 * with the TC bit set, it SHOULD extend the delay as necessary to ensure a pause of 400-500 ms
 * after the last such packet before it sends its answer." */
static void known_answer_followup(struct response_sched *s, const struct response_packet_info *info,
                                  const struct dns_msg *msg, usec_t now) {
        struct job_key keys[2] = {
                { .ifindex = info->ifindex, .family = info->family, .tc = true },
                { .ifindex = info->ifindex, .family = info->family, .tc = true, .unicast = true, .dest = info->source },
        };

        sockaddr_addr(&info->source, &keys[0].querier);
        keys[1].querier = keys[0].querier;

        for (unsigned k = 0; k < s->ka.n; k++) {
                const struct dns_rr *known = &msg->an[k];
                uint32_t hash = mdns_rr_hash(known, s->seed);

                for (struct pending *p = s->pending_table[hash & s->pending_mask], *next; p; p = next) {
                        struct respond_record rec;

                        next = p->hnext;
                        if (p->hash != hash || !p->ka_tagged || !job_key_equal(&p->job->key, &keys[p->job->key.unicast]))
                                continue;
                        if (respond_resolve(s->src, info->ifindex, p->kind, p->id, &rec, &s->nsec_rr, s->nsec_buf) < 0)
                                continue;
                        if (dns_rr_equal(known, rec.rr) && 2 * (uint64_t) known->ttl >= rec.rr->ttl) {
                                s->stats.suppressed_known++;
                                pending_release(s, p);
                        }
                }
        }

        if (msg->flags & DNS_FLAG_TC)
                for (unsigned k = 0; k < 2; k++)
                        for (struct job *j = *job_bucket(s, &keys[k]); j; j = j->next)
                                if (job_key_equal(&j->key, &keys[k])) {
                                        usec_t at = now + random_between(s, TC_DELAY_MIN, TC_DELAY_MAX);

                                        if (at > j->deadline) {
                                                j->deadline = at;
                                                heap_down(s, j->heap_index);
                                        }
                                }
}

int response_sched_handle_query(struct response_sched *s, const struct response_packet_info *info,
                                const struct dns_msg *msg, usec_t now) {
        struct collect c = { .s = s, .info = info, .now = now };
        size_t max_size;
        unsigned distinct;
        bool tc, probe;
        usec_t shared_at, tc_at;
        int r;

        r = packet_info_check(info, &max_size);
        if (r < 0)
                return r;
        /* RFC 6762 §18.2: a query has QR=0; §18.3 "Multicast DNS messages received with an
         * OPCODE other than zero MUST be silently ignored"; §18.11 likewise a non-zero rcode */
        if ((msg->flags & DNS_FLAG_QR) || DNS_FLAGS_OPCODE(msg->flags) != DNS_OPCODE_QUERY ||
            DNS_FLAGS_RCODE(msg->flags) != DNS_RCODE_NOERROR)
                return 0;
        s->stats.queries++;

        /* RFC 6762 §7.1: the querier's known answers, one hash probe per candidate answer */
        known_answers_index(&s->ka, msg->an, msg->ancount, s->seed);

        /* RFC 6762 §6.7: "If the source UDP port in a received Multicast DNS query is not port
         * 5353, this indicates that the querier originating the query is a simple resolver" */
        if (sockaddr_port(&info->source) != MDNS_PORT) {
                struct response_packet_info li = *info;

                li.max_size = max_size;
                legacy_reply(s, &li, msg, now);
                known_answers_clear(&s->ka);
                return 0;
        }

        tc = msg->flags & DNS_FLAG_TC;
        if (msg->ancount > 0 || tc)
                known_answer_followup(s, info, msg, now);
        if (msg->qdcount == 0) {
                known_answers_clear(&s->ka);
                return 0;
        }

        distinct = collect_query(s, &c, msg);
        known_answers_clear(&s->ka);

        /* RFC 6762 §8.1/§8.2: a probe carries the proposed records in its Authority section */
        probe = msg->nscount > 0;
        shared_at = now + random_between(s, RESPONSE_DELAY_MIN, RESPONSE_DELAY_MAX);
        tc_at = now + random_between(s, TC_DELAY_MIN, TC_DELAY_MAX);

        for (unsigned i = 0; i < s->n_items; i++) {
                const struct item *it = &s->items[i];
                struct want w = {
                        .key = { .ifindex = info->ifindex, .family = info->family, .unicast = it->unicast },
                        .max_size = max_size,
                        .id = it->id,
                        .hash = it->hash,
                        .kind = it->kind,
                        .section = it->section,
                };

                if (it->unicast)
                        w.key.dest = info->source;
                if (probe && it->timing == TIMING_NOW) {
                        /* RFC 6762 §6: "In the special case of answering probe queries ... a
                         * Multicast DNS responder MUST respond quickly" */
                        w.defense = true;
                        w.lo = w.hi = w.at = now;
                } else if (tc) {
                        /* RFC 6762 §6, §7.2: wait 400–500 ms for the rest of the known answers,
                         * which only this querier's packets may bring */
                        w.key.tc = true;
                        sockaddr_addr(&info->source, &w.key.querier);
                        w.lo = now + TC_DELAY_MIN;
                        w.hi = now + TC_DELAY_MAX;
                        w.at = tc_at;
                } else if (it->timing == TIMING_SHARED || distinct > 1) {
                        /* RFC 6762 §6: shared answers 20–120 ms; §6.3 "for query messages
                         * containing more than one question, all (non-defensive) answers SHOULD
                         * be randomly delayed in the range 20-120 ms" */
                        w.lo = now + RESPONSE_DELAY_MIN;
                        w.hi = now + RESPONSE_DELAY_MAX;
                        w.at = shared_at;
                } else
                        /* RFC 6762 §6: unique answers to a single question at once */
                        w.lo = w.hi = w.at = now;
                pending_queue(s, &w, now);
        }
        return 0;
}

struct cooperate {
        struct response_sched *s;
        const struct response_packet_info *info;
        const struct dns_rr *theirs;
        size_t max_size;
        usec_t now;
};

/* RFC 6762 §6.6: a peer sent our record (same rdata): "If the TTL of B's resource record given
 * in the message is less than half the true TTL from A's point of view, then A MUST mark its
 * record to be announced via multicast." (a goodbye for a shared record we also hold, a stale
 * cache) */
static bool cooperate_record(void *ctx, const struct respond_record *rec) {
        struct cooperate *c = ctx;
        struct want w;

        if (!dns_rdata_equal(rec->rr, c->theirs) || 2 * (uint64_t) c->theirs->ttl >= rec->rr->ttl)
                return true;
        w = (struct want) {
                .key = { .ifindex = c->info->ifindex, .family = c->info->family },
                .max_size = c->max_size,
                .id = rec->id,
                .hash = mdns_rr_hash(rec->rr, c->s->seed),
                .kind = RESPOND_RECORD,
                .section = SECTION_ANSWER,
                .lo = c->now,
                .hi = c->now,
                .at = c->now,
        };
        if (!rec->unique) {
                w.lo = c->now + RESPONSE_DELAY_MIN;
                w.hi = c->now + RESPONSE_DELAY_MAX;
                w.at = c->now + random_between(c->s, RESPONSE_DELAY_MIN, RESPONSE_DELAY_MAX);
        }
        pending_queue(c->s, &w, c->now);
        return true;
}

int response_sched_handle_response(struct response_sched *s, const struct response_packet_info *info,
                                   const struct dns_msg *msg, usec_t now) {
        size_t max_size;
        int r;

        r = packet_info_check(info, &max_size);
        if (r < 0)
                return r;
        if (!(msg->flags & DNS_FLAG_QR) || DNS_FLAGS_OPCODE(msg->flags) != DNS_OPCODE_QUERY ||
            DNS_FLAGS_RCODE(msg->flags) != DNS_RCODE_NOERROR)
                return 0;
        /* RFC 6762 §6: "Multicast DNS implementations MUST silently ignore any Multicast DNS
         * responses they receive where the source UDP port is not 5353." */
        if (sockaddr_port(&info->source) != MDNS_PORT)
                return 0;

        static const enum dns_section sections[] = { DNS_SECTION_ANSWER, DNS_SECTION_ADDITIONAL };

        for (unsigned sec = 0; sec < ELEMENTSOF(sections); sec++) {
                uint16_t n;
                const struct dns_rr *rrs = dns_msg_section(msg, sections[sec], &n);

                for (unsigned k = 0; k < n; k++) {
                        const struct dns_rr *theirs = &rrs[k];
                        uint32_t hash = mdns_rr_hash(theirs, s->seed);

                        /* RFC 6762 §7.4: "If a host is planning to send an answer, and it sees
                         * another host on the network send a response message containing the
                         * same answer record, and the TTL in that record is not less than the
                         * TTL this host would have given, then this host SHOULD treat its own
                         * answer as having been sent". Only a multicast response is seen by
                         * every querier. */
                        if (!info->unicast_dest)
                                for (struct pending *p = s->pending_table[hash & s->pending_mask], *next; p; p = next) {
                                        struct respond_record rec;

                                        next = p->hnext;
                                        if (p->hash != hash || p->job->key.unicast || p->job->key.ifindex != info->ifindex ||
                                            p->job->key.family != info->family)
                                                continue;
                                        if (respond_resolve(s->src, info->ifindex, p->kind, p->id, &rec, &s->nsec_rr,
                                                            s->nsec_buf) < 0)
                                                continue;
                                        if (!dns_rr_equal(theirs, rec.rr) || theirs->ttl < rec.rr->ttl)
                                                continue;
                                        s->stats.suppressed_duplicate++;
                                        history_note(s, info->ifindex, info->family, p->id, p->kind, now);
                                        pending_release(s, p);
                                }

                        struct cooperate c = { .s = s, .info = info, .theirs = theirs, .max_size = max_size, .now = now };
                        s->src->foreach_record(s->src->userdata, info->ifindex, &theirs->name, theirs->type,
                                               theirs->rclass, cooperate_record, &c);
                }
        }
        return 0;
}

usec_t response_sched_next_timeout(const struct response_sched *s) {
        return s->n_heap > 0 ? s->heap[0]->deadline : USEC_INFINITY;
}

int response_sched_handle_timeout(struct response_sched *s, usec_t now) {
        int packets = 0;

        /* answers moved to later jobs have deadlines after `now`: this ends */
        while (s->n_heap > 0 && s->heap[0]->deadline <= now)
                packets += flush_job(s, s->heap[0], now);
        return packets;
}

void response_sched_note_multicast(struct response_sched *s, int ifindex, int family, uint64_t id, usec_t now) {
        history_note(s, ifindex, family, id, RESPOND_RECORD, now);
}

void response_sched_forget_link(struct response_sched *s, int ifindex) {
        for (unsigned k = 0; k < s->jobs_fresh; k++) {
                struct job *j = &s->job_pool[k];

                if (!j->active || j->key.ifindex != ifindex)
                        continue;
                for (int sec = 0; sec < 2; sec++)
                        while (j->list[sec])
                                pending_release(s, j->list[sec]);
                job_release(s, j);
        }
}

const struct response_sched_stats *response_sched_get_stats(const struct response_sched *s) {
        return &s->stats;
}

/* ---- life cycle --------------------------------------------------------------------------------- */

int response_sched_new(struct response_sched **ret, const struct response_sched_config *cfg) {
        struct response_sched *s;
        unsigned emit_slots;

        if (!ret || !cfg || !cfg->source || !cfg->source->foreach_record || !cfg->source->lookup_record || !cfg->rng ||
            !cfg->emit)
                return -EINVAL;

        s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        s->src = cfg->source;
        s->rng = cfg->rng;
        s->emit = cfg->emit;
        s->userdata = cfg->userdata;
        s->seed = (uint32_t) rng_next(cfg->rng);
        s->pending_max = cfg->pending_max ? cfg->pending_max : RESPONSE_PENDING_MAX_DEFAULT;
        s->jobs_max = cfg->jobs_max ? cfg->jobs_max : RESPONSE_JOBS_MAX_DEFAULT;
        s->history_max = cfg->history_max ? cfg->history_max : RESPONSE_HISTORY_MAX_DEFAULT;
        s->pending_mask = pow2_at_least(s->pending_max) - 1;
        s->job_mask = pow2_at_least(s->jobs_max) - 1;
        s->hist_mask = pow2_at_least(2 * s->history_max) - 1;
        emit_slots = pow2_at_least(2 * (s->pending_max + RESPONSE_QUERY_ITEMS_MAX));
        s->emit_mask = emit_slots - 1;
        s->item_gen = 1;
        s->q_gen = 1;
        s->emit_gen = 1;

        s->pending_pool = calloc(s->pending_max, sizeof *s->pending_pool);
        s->pending_table = calloc(s->pending_mask + 1, sizeof *s->pending_table);
        s->job_pool = calloc(s->jobs_max, sizeof *s->job_pool);
        s->job_table = calloc(s->job_mask + 1, sizeof *s->job_table);
        s->heap = calloc(s->jobs_max, sizeof *s->heap);
        s->hist_pool = calloc(s->history_max, sizeof *s->hist_pool);
        s->hist_table = calloc(s->hist_mask + 1, sizeof *s->hist_table);
        s->emit_hash = calloc(emit_slots, sizeof *s->emit_hash);
        s->emit_rr = calloc(emit_slots, sizeof *s->emit_rr);
        s->emit_stamp = calloc(emit_slots, sizeof *s->emit_stamp);
        if (!s->pending_pool || !s->pending_table || !s->job_pool || !s->job_table || !s->heap || !s->hist_pool ||
            !s->hist_table || !s->emit_hash || !s->emit_rr || !s->emit_stamp) {
                response_sched_free(s);
                return -ENOMEM;
        }
        /* no free lists built here: entries are taken untouched, in order, then recycled, so
         * the pools cost memory only as far as they were ever used */
        *ret = s;
        return 0;
}

struct response_sched *response_sched_free(struct response_sched *s) {
        if (!s)
                return NULL;
        free(s->pending_pool);
        free(s->pending_table);
        free(s->job_pool);
        free(s->job_table);
        free(s->heap);
        free(s->hist_pool);
        free(s->hist_table);
        free(s->emit_hash);
        free(s->emit_rr);
        free(s->emit_stamp);
        free(s);
        return NULL;
}
