/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdns/query-sched.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"

/* RFC 6762 §5.2: "the querier should also delay the first query of the series by a randomly
 * chosen amount in the range 20-120 ms" */
#define QUERY_DELAY_MIN (20 * USEC_PER_MSEC)
#define QUERY_DELAY_MAX (120 * USEC_PER_MSEC)
/* RFC 6762 §5.2: "The interval between the first two queries MUST be at least one second, the
 * intervals between successive queries MUST increase by at least a factor of two. When the
 * interval between queries reaches or exceeds 60 minutes, a querier MAY cap the interval to a
 * maximum of 60 minutes" */
#define QUERY_INTERVAL_FIRST USEC_PER_SEC
#define QUERY_INTERVAL_FACTOR 2
#define QUERY_INTERVAL_MAX (60 * USEC_PER_MINUTE)
#define QUERY_SIZE_MIN 512
/* §7.3 bookkeeping per received query: (question, known answer) pairs looked at */
#define DQS_SCAN_MAX 8192

struct question {
        struct dns_question q;
        uint32_t hash;
        unsigned refs;      /* continuous: subscribers; 0: only a one-shot is pending */
        bool oneshot;       /* a maintenance query is due at oneshot_at */
        bool sent_once;     /* the continuous series has begun */
        bool in_use, in_heap;
        bool due_cont;      /* this round: the continuous query is due */
        bool skip;          /* this round: answered by a unique record of the cache, not sent */
        usec_t oneshot_at;
        usec_t next;        /* continuous: when due */
        usec_t interval;    /* continuous: the interval after the last query, 0 before the first */
        unsigned hidx;
        struct question *hnext; /* bucket chain, or the free list */
};

struct query_sched {
        int ifindex, family;
        size_t max_size;
        struct cache *cache;
        struct rng *rng;
        query_emit_t emit;
        void *userdata;
        uint32_t seed;
        struct query_sched_stats stats;

        struct question *pool, *free;
        unsigned questions_max;
        unsigned pool_fresh; /* pool[pool_fresh..] never handed out: untouched pages, no RSS */
        struct question **table;
        unsigned mask;
        struct question **heap;
        unsigned n_heap;
        struct question **due;
        usec_t batch_at; /* the first-query time chosen last (§5.2 window shared) */

        /* the packet being built */
        struct dns_builder builder;
        uint8_t tx[DNS_PACKET_MAX];
        bool logged_full;
};

static usec_t question_key(const struct question *q) {
        usec_t k = USEC_INFINITY;

        if (q->refs > 0)
                k = q->next;
        if (q->oneshot)
                k = MIN(k, q->oneshot_at);
        return k;
}

/* ---- heap ---------------------------------------------------------------------------------- */

static void heap_set(struct query_sched *qs, unsigned i, struct question *q) {
        qs->heap[i] = q;
        q->hidx = i;
}

static void heap_up(struct query_sched *qs, unsigned i) {
        struct question *q = qs->heap[i];
        usec_t k = question_key(q);

        while (i > 0) {
                unsigned p = (i - 1) / 2;

                if (question_key(qs->heap[p]) <= k)
                        break;
                heap_set(qs, i, qs->heap[p]);
                i = p;
        }
        heap_set(qs, i, q);
}

static void heap_down(struct query_sched *qs, unsigned i) {
        struct question *q = qs->heap[i];
        usec_t k = question_key(q);

        for (;;) {
                unsigned l = 2 * i + 1, r = l + 1, m = l;

                if (l >= qs->n_heap)
                        break;
                if (r < qs->n_heap && question_key(qs->heap[r]) < question_key(qs->heap[l]))
                        m = r;
                if (question_key(qs->heap[m]) >= k)
                        break;
                heap_set(qs, i, qs->heap[m]);
                i = m;
        }
        heap_set(qs, i, q);
}

static void heap_remove(struct query_sched *qs, struct question *q) {
        unsigned i = q->hidx;

        if (!q->in_heap)
                return;
        q->in_heap = false;
        qs->n_heap--;
        if (i != qs->n_heap) {
                heap_set(qs, i, qs->heap[qs->n_heap]);
                heap_up(qs, i);
                heap_down(qs, qs->heap[i]->hidx);
        }
}

/* Put q where its key says, or take it out when nothing is pending. */
static void heap_update(struct query_sched *qs, struct question *q) {
        if (question_key(q) == USEC_INFINITY) {
                heap_remove(qs, q);
                return;
        }
        if (!q->in_heap) {
                q->in_heap = true;
                heap_set(qs, qs->n_heap++, q);
        }
        heap_up(qs, q->hidx);
        heap_down(qs, q->hidx);
}

/* ---- questions -------------------------------------------------------------------------- */

static uint32_t question_hash(const struct query_sched *qs, const struct dns_question *q) {
        uint32_t h = cache_name_hash(&q->name, qs->seed);

        h ^= (uint32_t) q->type * 0x9e3779b1u;
        h ^= (uint32_t) q->qclass * 0x85ebca6bu;
        return h ^ (h >> 15);
}

static struct question *question_find(const struct query_sched *qs, const struct dns_question *q, uint32_t hash) {
        for (struct question *x = qs->table[hash & qs->mask]; x; x = x->hnext)
                if (x->hash == hash && x->q.type == q->type && x->q.qclass == q->qclass && dns_name_equal(&x->q.name, &q->name))
                        return x;
        return NULL;
}

static struct question *question_new(struct query_sched *qs, const struct dns_question *q, uint32_t hash) {
        struct question *x = qs->free;

        if (x)
                qs->free = x->hnext;
        else if (qs->pool_fresh < qs->questions_max)
                x = &qs->pool[qs->pool_fresh++];
        else {
                qs->stats.dropped_full++;
                if (!qs->logged_full) {
                        qs->logged_full = true;
                        log_notice("mDNS querier on ifindex %d (%s): %u questions pending: not asking more (logged once)",
                                   qs->ifindex, qs->family == AF_INET ? "IPv4" : "IPv6", qs->questions_max);
                }
                return NULL;
        }
        *x = (struct question) { .q = *q, .hash = hash, .in_use = true };
        x->q.unicast_response = false;
        x->hnext = qs->table[hash & qs->mask];
        qs->table[hash & qs->mask] = x;
        return x;
}

static void question_release(struct query_sched *qs, struct question *x) {
        struct question **pp = &qs->table[x->hash & qs->mask];

        heap_remove(qs, x);
        while (*pp != x)
                pp = &(*pp)->hnext;
        *pp = x->hnext;
        x->in_use = false;
        x->hnext = qs->free;
        qs->free = x;
}

static int question_check(const struct dns_question *q) {
        if (!dns_name_is_valid(&q->name) || q->type == 0 || q->type == DNS_TYPE_OPT ||
            (q->type >= 249 && q->type < DNS_TYPE_ANY) || q->qclass == 0)
                return -EINVAL;
        return 0;
}

/* RFC 6762 §5.2: the series starts 20–120 ms from now, with other questions starting in that
 * window if there are any (one packet for a subscription's questions). */
static void question_start(struct query_sched *qs, struct question *x, usec_t now) {
        if (qs->batch_at < now + QUERY_DELAY_MIN || qs->batch_at > now + QUERY_DELAY_MAX)
                qs->batch_at = now + rng_range(qs->rng, QUERY_DELAY_MIN, QUERY_DELAY_MAX);
        x->next = qs->batch_at;
        x->interval = 0;
        x->sent_once = false;
}

/* The continuous query went out (or §7.3: counts as having gone out) at `now`. */
static void question_sent(struct question *x, usec_t now) {
        if (!x->sent_once) {
                x->sent_once = true;
                x->interval = QUERY_INTERVAL_FIRST;
        } else
                x->interval = MIN(x->interval * QUERY_INTERVAL_FACTOR, QUERY_INTERVAL_MAX);
        x->next = now + x->interval;
}

int query_sched_add(struct query_sched *qs, const struct dns_question *q, usec_t now) {
        uint32_t hash;
        struct question *x;

        if (question_check(q) < 0)
                return -EINVAL;
        hash = question_hash(qs, q);
        x = question_find(qs, q, hash);
        if (!x) {
                x = question_new(qs, q, hash);
                if (!x)
                        return -ENOBUFS;
        }
        x->refs++;
        question_start(qs, x, now);
        heap_update(qs, x);
        return 0;
}

void query_sched_remove(struct query_sched *qs, const struct dns_question *q) {
        struct question *x = question_find(qs, q, question_hash(qs, q));

        if (!x || x->refs == 0)
                return;
        x->refs--;
        if (x->refs == 0 && !x->oneshot)
                question_release(qs, x);
        else
                heap_update(qs, x);
}

int query_sched_refresh(struct query_sched *qs, const struct dns_question *q, usec_t now) {
        uint32_t hash;
        struct question *x;

        if (question_check(q) < 0)
                return -EINVAL;
        hash = question_hash(qs, q);
        x = question_find(qs, q, hash);
        if (!x) {
                x = question_new(qs, q, hash);
                if (!x)
                        return -ENOBUFS;
        }
        if (!x->oneshot || x->oneshot_at > now) {
                x->oneshot = true;
                x->oneshot_at = now;
        }
        heap_update(qs, x);
        return 0;
}

/* ---- §7.3 ---------------------------------------------------------------------------------- */

static bool rr_answers(const struct dns_rr *rr, const struct dns_question *q) {
        return (q->type == DNS_TYPE_ANY || q->type == rr->type) && (q->qclass == DNS_CLASS_ANY || q->qclass == rr->rclass) &&
               dns_name_equal(&rr->name, &q->name);
}

void query_sched_handle_query(struct query_sched *qs, const struct dns_msg *m, usec_t now) {
        unsigned budget = DQS_SCAN_MAX;

        if ((m->flags & DNS_FLAG_QR) || DNS_FLAGS_OPCODE(m->flags) != DNS_OPCODE_QUERY)
                return;
        /* a truncated query's known answers are not all here: we cannot tell they are no more
         * than ours */
        if (m->flags & DNS_FLAG_TC)
                return;
        for (unsigned i = 0; i < m->qdcount; i++) {
                const struct dns_question *q = &m->qd[i];
                struct question *x;
                bool subset = true;

                /* RFC 6762 §7.3: "the same "QM" question": answers to it are multicast, so we
                 * will see them too */
                if (q->unicast_response)
                        continue;
                /* "and the Known-Answer Section of that query does not contain any records that
                 * this host would not also put in its own Known-Answer Section" */
                for (unsigned k = 0; k < m->ancount; k++) {
                        const struct cache_entry *e;

                        if (budget == 0)
                                return;
                        budget--;
                        if (!rr_answers(&m->an[k], q))
                                continue;
                        e = cache_lookup(qs->cache, &m->an[k]);
                        if (!e || !cache_entry_is_known_answer(e, now)) {
                                subset = false;
                                break;
                        }
                }
                if (!subset)
                        continue;
                /* "then this host SHOULD treat its own query as having been sent" — the query
                 * we are planning: not yet begun, or due within half its interval */
                x = question_find(qs, q, question_hash(qs, q));
                if (x && x->refs > 0 && (!x->sent_once || x->next <= now + x->interval / 2)) {
                        question_sent(x, now);
                        heap_update(qs, x);
                        qs->stats.suppressed++;
                }
                cache_note_peer_question(qs->cache, q, now);
        }
}

/* ---- building packets (§7.1, §7.2) ----------------------------------------------------- */

struct ka_ctx {
        struct query_sched *qs;
        struct question **qv;
        unsigned first, cur; /* the questions of this packet: qv[first..cur] */
        unsigned *packets;
        usec_t now;
        bool stop;
        bool continuation_empty; /* the builder holds a continuation with nothing in it yet */
};

static void packet_emit(struct query_sched *qs) {
        struct query_packet p = {
                .ifindex = qs->ifindex,
                .family = qs->family,
                .unicast = false,
        };

        p.len = dns_builder_finish(&qs->builder);
        p.data = qs->tx;
        qs->stats.packets++;
        qs->emit(qs->userdata, &p);
}

static bool ka_visit(void *userdata, const struct cache_entry *e) {
        struct ka_ctx *c = userdata;
        struct query_sched *qs = c->qs;
        const struct dns_rr *rr = cache_entry_rr(e);
        int r;

        /* RFC 6762 §7.1: only records with at least half their TTL left */
        if (!cache_entry_is_known_answer(e, c->now))
                return true;
        /* a record that cannot fit even a packet of its own is left out (no TC promise for it) */
        if (DNS_HEADER_SIZE + (size_t) (rr->name.len ? rr->name.len : 1) + 10 + rr->rdlength > qs->max_size) {
                qs->stats.ka_left_out++;
                return true;
        }
        /* one record once per packet group, even if two of its questions match it */
        for (unsigned j = c->first; j < c->cur; j++)
                if (cache_entry_answers(e, &c->qv[j]->q.name, c->qv[j]->q.type, c->qv[j]->q.qclass))
                        return true;

        /* the remaining TTL; never the cache-flush bit in known answers (§10.2) */
        r = dns_builder_add_rr_ttl(&qs->builder, DNS_SECTION_ANSWER, rr, cache_entry_ttl_remaining(e, c->now), false);
        if (r == -EMSGSIZE && !c->continuation_empty) {
                if (*c->packets + 1 >= QUERY_PACKETS_MAX) {
                        c->stop = true;
                        qs->stats.ka_left_out++;
                        return false;
                }
                /* RFC 6762 §7.2: "it MUST immediately follow the packet with another query packet
                 * containing no questions and as many more Known-Answer records as will fit. If
                 * there are still too many records remaining to fit in the packet, it again sets
                 * the TC bit and continues until all the Known-Answer records have been sent." */
                dns_builder_set_flags(&qs->builder, DNS_FLAG_TC);
                packet_emit(qs);
                qs->stats.tc_packets++;
                (*c->packets)++;
                dns_builder_init(&qs->builder, qs->tx, qs->max_size, 0, 0);
                c->continuation_empty = true;
                r = dns_builder_add_rr_ttl(&qs->builder, DNS_SECTION_ANSWER, rr, cache_entry_ttl_remaining(e, c->now), false);
        }
        if (r < 0) {
                qs->stats.ka_left_out++; /* alone too big for a packet, or not encodable */
                return true;
        }
        c->continuation_empty = false;
        qs->stats.known_answers++;
        return true;
}

struct ka_size {
        usec_t now;
        size_t bytes;
};

static bool ka_size_visit(void *userdata, const struct cache_entry *e) {
        struct ka_size *c = userdata;
        const struct dns_rr *rr = cache_entry_rr(e);

        if (cache_entry_is_known_answer(e, c->now))
                c->bytes += (size_t) (rr->name.len ? rr->name.len : 1) + 10 + rr->rdlength;
        return true;
}

/* The octets question x takes in a packet with its known answers, uncompressed: an upper bound. */
static size_t question_size(const struct query_sched *qs, const struct question *x, usec_t now) {
        struct ka_size c = { .now = now };

        cache_foreach(qs->cache, &x->q.name, x->q.type, x->q.qclass, ka_size_visit, &c);
        return (size_t) (x->q.name.len ? x->q.name.len : 1) + 4 + c.bytes;
}

/* The questions due now, in as few packets as hold each question together with its known
 * answers: a packet whose known answers do not fit is sent with TC (§7.2), which makes every
 * responder wait 400-500 ms for the rest, so questions are split over packets rather than their
 * known answers. Only a question whose known answers alone exceed a packet goes out with §7.2
 * continuation packets. */
static void send_round(struct query_sched *qs, struct question **qv, unsigned n, usec_t now) {
        unsigned i = 0, packets = 0;

        while (i < n && packets < QUERY_PACKETS_MAX) {
                unsigned first = i;
                size_t room = qs->max_size - DNS_HEADER_SIZE;
                struct ka_ctx c;

                dns_builder_init(&qs->builder, qs->tx, qs->max_size, 0, 0);
                while (i < n) {
                        struct dns_question dq = qv[i]->q;
                        size_t size = question_size(qs, qv[i], now);
                        int r;

                        if (i > first && size > room)
                                break; /* the next packet, where its known answers fit too */
                        /* RFC 6762 §5.4: "a Multicast DNS querier SHOULD set [the unicast-response
                         * bit] in the first query it issues" (of a continuous series) */
                        dq.unicast_response = qv[i]->due_cont && !qv[i]->sent_once;
                        r = dns_builder_add_question(&qs->builder, &dq);
                        if (r == -EMSGSIZE)
                                break;
                        i++;
                        room = size < room ? room - size : 0;
                        if (r == 0)
                                qs->stats.questions_sent++;
                }
                if (i == first) { /* cannot happen: one question always fits 512 octets */
                        i++;
                        continue;
                }
                c = (struct ka_ctx) { .qs = qs, .qv = qv, .first = first, .packets = &packets, .now = now };
                for (c.cur = first; c.cur < i && !c.stop; c.cur++)
                        cache_foreach(qs->cache, &qv[c.cur]->q.name, qv[c.cur]->q.type, qv[c.cur]->q.qclass, ka_visit, &c);
                if (dns_builder_count(&qs->builder, DNS_SECTION_QUESTION) > 0 ||
                    dns_builder_count(&qs->builder, DNS_SECTION_ANSWER) > 0) {
                        packet_emit(qs); /* the last of the group: no TC */
                        packets++;
                }
        }
}

struct unique_probe {
        usec_t now;
        bool found;
};

static bool unique_visit(void *userdata, const struct cache_entry *e) {
        struct unique_probe *c = userdata;

        c->found = cache_entry_rr(e)->cache_flush && cache_entry_is_known_answer(e, c->now);
        return !c->found;
}

/* Whether the cache holds a unique answer to x (received with the cache-flush bit, RFC 6762
 * §10.2) with at least half its TTL left: then the answer set is whole, the query could only be
 * suppressed by its own known answer (§7.1), and the cache's refresh queries (§5.2) keep it. */
static bool question_answered_unique(const struct query_sched *qs, const struct question *x, usec_t now) {
        struct unique_probe c = { .now = now };

        if (x->q.type == DNS_TYPE_ANY)
                return false;
        cache_foreach(qs->cache, &x->q.name, x->q.type, x->q.qclass, unique_visit, &c);
        return c.found;
}

int query_sched_handle_timeout(struct query_sched *qs, usec_t now) {
        unsigned n = 0, n_send = 0;
        uint64_t before = qs->stats.packets;

        while (qs->n_heap > 0 && question_key(qs->heap[0]) <= now) {
                struct question *x = qs->heap[0];

                x->due_cont = x->refs > 0 && x->next <= now;
                heap_remove(qs, x);
                qs->due[n++] = x;
        }
        if (n == 0)
                return 0;

        /* The questions to send first in qs->due[0..n_send), the continuous ones that a unique
         * record of the cache answers after them: such a query counts as sent (a cache
         * maintenance query is always sent). */
        for (unsigned k = 0; k < n; k++) {
                struct question *x = qs->due[k];

                x->skip = x->due_cont && !x->oneshot && question_answered_unique(qs, x, now);
                if (x->skip) {
                        qs->stats.skipped_unique++;
                        continue;
                }
                qs->due[k] = qs->due[n_send];
                qs->due[n_send++] = x;
        }
        send_round(qs, qs->due, n_send, now);

        for (unsigned k = 0; k < n; k++) {
                struct question *x = qs->due[k];

                /* §10.5: our own question, its known answers as cache_entry_is_known_answer() */
                if (!x->skip)
                        cache_note_own_question(qs->cache, &x->q, now);
                if (x->due_cont)
                        question_sent(x, now);
                x->due_cont = false;
                x->oneshot = false;
                if (x->refs == 0)
                        question_release(qs, x);
                else
                        heap_update(qs, x);
        }
        return (int) (qs->stats.packets - before);
}

usec_t query_sched_next_timeout(const struct query_sched *qs) {
        return qs->n_heap > 0 ? question_key(qs->heap[0]) : USEC_INFINITY;
}

bool query_sched_get(const struct query_sched *qs, const struct dns_question *q, usec_t *ret_next,
                     usec_t *ret_interval) {
        const struct question *x = question_find(qs, q, question_hash(qs, q));

        if (!x || x->refs == 0)
                return false;
        if (ret_next)
                *ret_next = x->next;
        if (ret_interval)
                *ret_interval = x->interval;
        return true;
}

const struct query_sched_stats *query_sched_get_stats(const struct query_sched *qs) {
        return &qs->stats;
}

void query_sched_set_max_size(struct query_sched *qs, size_t max_size) {
        qs->max_size = MIN(MAX(max_size, (size_t) QUERY_SIZE_MIN), (size_t) DNS_PACKET_MAX);
}

/* ---- life cycle -------------------------------------------------------------------------- */

int query_sched_new(struct query_sched **ret, const struct query_sched_config *cfg) {
        struct query_sched *qs;
        unsigned slots = 16;

        if (!ret || !cfg || !cfg->cache || !cfg->rng || !cfg->emit)
                return -EINVAL;
        qs = calloc(1, sizeof *qs);
        if (!qs)
                return -ENOMEM;
        qs->ifindex = cfg->ifindex;
        qs->family = cfg->family;
        qs->cache = cfg->cache;
        qs->rng = cfg->rng;
        qs->emit = cfg->emit;
        qs->userdata = cfg->userdata;
        qs->seed = cache_hash_seed(cfg->cache);
        query_sched_set_max_size(qs, cfg->max_size);
        qs->questions_max = cfg->questions_max ? cfg->questions_max : QUERY_QUESTIONS_MAX_DEFAULT;
        while (slots < 2 * qs->questions_max && slots < (1u << 30))
                slots <<= 1;
        qs->mask = slots - 1;
        qs->pool = calloc(qs->questions_max, sizeof *qs->pool);
        qs->table = calloc(slots, sizeof *qs->table);
        qs->heap = calloc(qs->questions_max, sizeof *qs->heap);
        qs->due = calloc(qs->questions_max, sizeof *qs->due);
        if (!qs->pool || !qs->table || !qs->heap || !qs->due) {
                query_sched_free(qs);
                return -ENOMEM;
        }
        /* no free list built here: question_new() takes untouched entries in order, so the
         * pool costs memory only as far as it was ever used */
        *ret = qs;
        return 0;
}

struct query_sched *query_sched_free(struct query_sched *qs) {
        if (!qs)
                return NULL;
        free(qs->pool);
        free(qs->table);
        free(qs->heap);
        free(qs->due);
        free(qs);
        return NULL;
}
