/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mDNS query scheduler of one link (interface × address family) (RFC 6762 §5.2, §5.4,
 * §7.1–§7.3): when our questions go out and what they carry.
 *
 * A pure core: no I/O, no timer of its own, no allocation after query_sched_new(). Questions
 * come in two kinds, both keyed on (name, type, class):
 *   continuous (query_sched_add/remove, reference-counted: one per interested subscription):
 *       §5.2  the first query 20–120 ms after the question is added (questions added within
 *             that window share the first query's time, so they go out in one packet); then
 *             1 s later, and each interval twice the one before, capped at 60 minutes;
 *             adding a question that already runs starts its schedule over (a new client
 *             gets a fresh query);
 *       §5.4  the first query of the series asks for unicast responses (QU), the others QM;
 *       a continuous query that a unique record of the cache (received with the cache-flush
 *       bit, §10.2) answers with at least half its TTL left is not sent but counts as sent:
 *       the answer set is whole and its own known answer would suppress every reply (§7.1);
 *       the cache's maintenance queries keep the record up;
 *   one-shot (query_sched_refresh): a cache maintenance query (§5.2 80/85/90/95 %), due at
 *       once, QM, not touching the continuous schedule of the same question.
 * Every question due at the same moment goes into one packet, with
 *   §7.1  the known answers: records of our cache answering the questions with at least half
 *         their TTL left, with their remaining TTL, without the cache-flush bit;
 *         when the questions and their known answers do not fit one packet, the questions are
 *         spread over as many packets as it takes, each with its own known answers and no TC
 *         (a TC packet makes every responder wait 400-500 ms, §7.2);
 *   §7.2  only a question whose known answers alone exceed a packet is sent with TC set and
 *         followed at once by packets holding no questions and the rest of the known answers
 *         (TC on all but the last);
 *         at most QUERY_PACKETS_MAX packets per round (further known answers are left out);
 *   §7.3  duplicate question suppression: a query from another host (not truncated) with the
 *         same QM question and no known answer we would not list ourselves counts as our own
 *         next query if that is due within half its interval (or has not been sent yet); the
 *         same query makes a cache refresh point due soon count as sent
 *         (cache_note_peer_question()).
 *   §10.5 each question sent is reported to the cache (cache_note_own_question()).
 * Packets go to the link's mDNS group (unicast is always false; kept for the edge's shape). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"
#include "mdns/cache.h"
#include "util.h"

#define QUERY_QUESTIONS_MAX_DEFAULT 1024 /* distinct questions per link */
#define QUERY_PACKETS_MAX 32             /* packets per link per round (§7.2 continuations included) */

struct query_packet {
        int ifindex;
        int family;          /* AF_INET or AF_INET6 */
        bool unicast;        /* always false: to the mDNS group of `family` on `ifindex` */
        const uint8_t *data; /* valid during the callback only */
        size_t len;
};

typedef void (*query_emit_t)(void *userdata, const struct query_packet *p);

struct query_sched_config {
        int ifindex, family;
        size_t max_size;     /* the link's mDNS payload (MTU less IP/UDP); clamped to 512..9000 */
        struct cache *cache; /* borrowed: the same link's cache (known answers, §10.5 notes) */
        struct rng *rng;     /* borrowed */
        query_emit_t emit;
        void *userdata;
        unsigned questions_max; /* 0: QUERY_QUESTIONS_MAX_DEFAULT */
};

struct query_sched_stats {
        uint64_t questions_sent; /* questions put in packets */
        uint64_t packets;
        uint64_t tc_packets;       /* §7.2: packets sent with TC */
        uint64_t known_answers;    /* §7.1 */
        uint64_t ka_left_out;      /* §7.2: over QUERY_PACKETS_MAX, or a record alone too big */
        uint64_t suppressed;       /* §7.3 */
        uint64_t skipped_unique;   /* continuous queries not sent: a unique record answers them */
        uint64_t dropped_full;     /* a question not added: the bound */
};

struct query_sched;

/* 0, -EINVAL (missing cache, rng or emit), -ENOMEM. */
int query_sched_new(struct query_sched **ret, const struct query_sched_config *cfg);
struct query_sched *query_sched_free(struct query_sched *qs);
void query_sched_set_max_size(struct query_sched *qs, size_t max_size);

/* A continuous question (q->unicast_response is ignored). 0, -EINVAL (invalid name, a meta
 * type other than ANY), -ENOBUFS (the bound; logged once). */
int query_sched_add(struct query_sched *qs, const struct dns_question *q, usec_t now);
/* Drops one reference taken by query_sched_add(); unknown questions are ignored. */
void query_sched_remove(struct query_sched *qs, const struct dns_question *q);
/* A one-shot maintenance query for the question, due now. */
int query_sched_refresh(struct query_sched *qs, const struct dns_question *q, usec_t now);

/* §7.3: a query (QR=0) another host sent on the link (the caller dropped legacy queries,
 * source port ≠ 5353, and our own). Work per query is bounded. */
void query_sched_handle_query(struct query_sched *qs, const struct dns_msg *m, usec_t now);

usec_t query_sched_next_timeout(const struct query_sched *qs);
/* Sends everything due. Returns the number of packets emitted. */
int query_sched_handle_timeout(struct query_sched *qs, usec_t now);

/* The continuous schedule of a question: whether it runs, when it is due next, the current
 * interval (0 before the first query). For tests and introspection. */
bool query_sched_get(const struct query_sched *qs, const struct dns_question *q, usec_t *ret_next,
                     usec_t *ret_interval);
const struct query_sched_stats *query_sched_get_stats(const struct query_sched *qs);
