/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The response scheduler (RFC 6762 §5.4, §6, §6.3, §6.6, §6.7, §7.1, §7.2, §7.4, §18) driven
 * with a fake clock, a seeded rng and a fake record store. Each rule has a test that fails if
 * the rule breaks. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
#include "fake-record-store.h"
#include "log.h"
#include "mdns/response-sched.h"
#include "unit.h"

#define IFINDEX 2
#define MSEC USEC_PER_MSEC
#define T0 (1000 * USEC_PER_SEC) /* the fake clock starts far from 0 */
#define MAX_SENT 256

struct sent {
        struct response_packet p; /* .data points into buf */
        uint8_t buf[DNS_PACKET_MAX];
        usec_t at;
};

static struct fake_store store;
static struct rng rng;
static struct response_sched *sched;
static struct sent *sent;
static unsigned n_sent;
static usec_t clock_now;
static uint8_t *arena_buf;
static struct dns_arena arena;
static struct fake_record *host_a, *host_aaaa, *http_ptr, *http_srv, *http_txt;

static void on_emit(void *userdata, const struct response_packet *p) {
        (void) userdata;
        ck_assert_uint_lt(n_sent, MAX_SENT);
        ck_assert_uint_le(p->len, DNS_PACKET_MAX);
        sent[n_sent].p = *p;
        memcpy(sent[n_sent].buf, p->data, p->len);
        sent[n_sent].p.data = sent[n_sent].buf;
        sent[n_sent].at = clock_now;
        n_sent++;
}

static void sched_make(uint64_t seed, unsigned pending_max, unsigned jobs_max) {
        struct response_sched_config cfg = {
                .source = &store.source,
                .rng = &rng,
                .emit = on_emit,
                .pending_max = pending_max,
                .jobs_max = jobs_max,
        };

        response_sched_free(sched);
        rng_seed(&rng, seed);
        ck_assert_int_eq(response_sched_new(&sched, &cfg), 0);
}

static void setup(void) {
        log_set_target(LOG_TARGET_NONE);
        fake_store_init(&store);
        host_a = fake_store_add_a(&store, "board.local", "169.254.10.20");
        host_aaaa = fake_store_add_aaaa(&store, "board.local", "fe80::1");
        fake_store_add_service(&store, "Printer", "_http._tcp.local", 80, "board.local");
        http_ptr = &store.recs[2];
        http_srv = &store.recs[3];
        http_txt = &store.recs[4];
        fake_store_add_service(&store, "Files", "_smb._tcp.local", 445, "board.local");
        sent = calloc(MAX_SENT, sizeof *sent);
        arena_buf = malloc(DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
        ck_assert_ptr_nonnull(sent);
        ck_assert_ptr_nonnull(arena_buf);
        dns_arena_init(&arena, arena_buf, DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
        n_sent = 0;
        clock_now = T0;
        sched = NULL;
        sched_make(42, 0, 0);
}

static void teardown(void) {
        sched = response_sched_free(sched);
        free(sent);
        free(arena_buf);
}

/* ---- building queries -------------------------------------------------------------------- */

struct qb {
        struct dns_builder b;
        uint8_t buf[DNS_PACKET_MAX];
        struct dns_msg msg;
};

static struct qb *qb_new(uint16_t id, uint16_t flags) {
        static struct qb q;

        dns_builder_init(&q.b, q.buf, sizeof q.buf, id, flags);
        return &q;
}

static void qb_question(struct qb *q, const char *name, uint16_t type, bool qu) {
        struct dns_question question = { .type = type, .qclass = DNS_CLASS_IN, .unicast_response = qu };

        ck_assert_int_eq(dns_name_from_text(&question.name, name), 0);
        ck_assert_int_eq(dns_builder_add_question(&q->b, &question), 0);
}

static void qb_rr(struct qb *q, enum dns_section s, const struct dns_rr *rr, uint32_t ttl) {
        ck_assert_int_eq(dns_builder_add_rr_ttl(&q->b, s, rr, ttl, false), 0);
}

static const struct dns_msg *qb_parse(struct qb *q) {
        size_t len = dns_builder_finish(&q->b);

        dns_arena_reset(&arena);
        ck_assert_int_eq(dns_msg_parse(&q->msg, q->buf, len, &arena), 0);
        return &q->msg;
}

static struct response_packet_info info4(const char *addr, uint16_t port) {
        struct response_packet_info info = { .ifindex = IFINDEX, .family = AF_INET, .max_size = 1472 };

        info.source.in.sin_family = AF_INET;
        info.source.in.sin_port = htons(port);
        ck_assert_int_eq(inet_pton(AF_INET, addr, &info.source.in.sin_addr), 1);
        return info;
}

#define PEER "169.254.1.1"
#define PEER2 "169.254.1.2"

static void query_from(struct qb *q, const struct response_packet_info *info) {
        ck_assert_int_eq(response_sched_handle_query(sched, info, qb_parse(q), clock_now), 0);
}

static void query(struct qb *q) {
        struct response_packet_info info = info4(PEER, 5353);

        query_from(q, &info);
}

/* Ask one question from PEER:5353. */
static void ask(const char *name, uint16_t type, bool qu) {
        struct qb *q = qb_new(0, 0);

        qb_question(q, name, type, qu);
        query(q);
}

/* Advance the fake clock to t, firing every timeout on the way at its exact time. */
static void run_until(usec_t t) {
        for (;;) {
                usec_t next = response_sched_next_timeout(sched);

                if (next > t)
                        break;
                ck_assert_uint_ge(next, clock_now); /* time never goes back */
                clock_now = next;
                response_sched_handle_timeout(sched, clock_now);
        }
        clock_now = t;
}

static void parse_sent(unsigned k, struct dns_msg *m) {
        ck_assert_uint_lt(k, n_sent);
        dns_arena_reset(&arena);
        ck_assert_int_eq(dns_msg_parse(m, sent[k].buf, sent[k].p.len, &arena), 0);
}

/* Index of the record of `type` named `name` in a section of m, or -1. */
static int find_rr(const struct dns_msg *m, enum dns_section s, const char *name, uint16_t type) {
        struct dns_name n;
        uint16_t count;
        const struct dns_rr *rrs = dns_msg_section(m, s, &count);

        ck_assert_int_eq(dns_name_from_text(&n, name), 0);
        for (unsigned k = 0; k < count; k++)
                if (rrs[k].type == type && dns_name_equal(&rrs[k].name, &n))
                        return (int) k;
        return -1;
}

/* RFC 6762 §18: every mDNS (non-legacy) response header */
static void check_mdns_header(const struct dns_msg *m) {
        ck_assert_uint_eq(m->id, 0);                                   /* §18.1 */
        ck_assert(m->flags & DNS_FLAG_QR);                             /* §18.2 */
        ck_assert_uint_eq(DNS_FLAGS_OPCODE(m->flags), 0);              /* §18.3 */
        ck_assert(m->flags & DNS_FLAG_AA);                             /* §18.4 */
        ck_assert(!(m->flags & DNS_FLAG_TC));                          /* §18.5 */
        ck_assert_uint_eq(DNS_FLAGS_RCODE(m->flags), 0);               /* §18.11 */
        ck_assert_uint_eq(m->qdcount, 0);                              /* §6: no questions */
}

/* ---- §6 unique at once, shared delayed, §18 headers ------------------------------------- */

START_TEST(test_unique_answer_immediate) {
        struct dns_msg m;
        int k;

        ask("board.local", DNS_TYPE_A, false);
        ck_assert_uint_eq(response_sched_next_timeout(sched), clock_now); /* §6: at once */
        ck_assert_int_eq(response_sched_handle_timeout(sched, clock_now), 1);
        ck_assert_uint_eq(n_sent, 1);
        ck_assert(!sent[0].p.unicast);
        ck_assert_int_eq(sent[0].p.ifindex, IFINDEX);
        ck_assert_int_eq(sent[0].p.family, AF_INET);
        parse_sent(0, &m);
        check_mdns_header(&m);
        ck_assert_uint_eq(m.ancount, 1);
        k = find_rr(&m, DNS_SECTION_ANSWER, "board.local", DNS_TYPE_A);
        ck_assert_int_ge(k, 0);
        ck_assert(m.an[k].cache_flush); /* §10.2 unique */
        ck_assert_uint_eq(m.an[k].ttl, 120);
        ck_assert_uint_eq(response_sched_next_timeout(sched), USEC_INFINITY);
}
END_TEST

START_TEST(test_shared_answer_delayed_20_120) {
        /* RFC 6762 §6: uniform in 20–120 ms; over many seeds, never outside, and spread out */
        usec_t lo = USEC_INFINITY, hi = 0;

        for (uint64_t seed = 1; seed <= 200; seed++) {
                usec_t d;
                struct dns_msg m;

                sched_make(seed, 0, 0);
                n_sent = 0;
                clock_now = T0 + seed * 10 * USEC_PER_SEC;
                ask("_http._tcp.local", DNS_TYPE_PTR, false);
                d = response_sched_next_timeout(sched) - clock_now;
                ck_assert_uint_ge(d, 20 * MSEC);
                ck_assert_uint_le(d, 120 * MSEC);
                lo = MIN(lo, d);
                hi = MAX(hi, d);
                run_until(clock_now + d - 1);
                ck_assert_uint_eq(n_sent, 0); /* nothing early */
                run_until(clock_now + 1);
                ck_assert_uint_eq(n_sent, 1);
                parse_sent(0, &m);
                check_mdns_header(&m);
                ck_assert_int_ge(find_rr(&m, DNS_SECTION_ANSWER, "_http._tcp.local", DNS_TYPE_PTR), 0);
                ck_assert(!m.an[0].cache_flush); /* §10.2: shared, no cache-flush bit */
        }
        ck_assert_uint_lt(lo, 40 * MSEC);
        ck_assert_uint_gt(hi, 100 * MSEC);
}
END_TEST

START_TEST(test_multi_question_delayed) {
        /* RFC 6762 §6.3: a query with several questions: every answer 20–120 ms, even unique ones */
        struct qb *q = qb_new(0, 0);
        struct dns_msg m;
        usec_t d;

        qb_question(q, "board.local", DNS_TYPE_A, false);
        qb_question(q, "board.local", DNS_TYPE_AAAA, false);
        query(q);
        d = response_sched_next_timeout(sched) - clock_now;
        ck_assert_uint_ge(d, 20 * MSEC);
        ck_assert_uint_le(d, 120 * MSEC);
        run_until(clock_now + 120 * MSEC);
        ck_assert_uint_eq(n_sent, 1);
        parse_sent(0, &m);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ANSWER, "board.local", DNS_TYPE_A), 0);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ANSWER, "board.local", DNS_TYPE_AAAA), 0);
        ck_assert_uint_eq(m.arcount, 0); /* both are answers: never repeated as additionals */
}
END_TEST

START_TEST(test_shared_answers_aggregated) {
        /* RFC 6762 §6.4: two shared answers pending on one interface go out in one packet */
        struct dns_msg m;

        ask("_http._tcp.local", DNS_TYPE_PTR, false);
        clock_now += 1 * MSEC;
        ask("_smb._tcp.local", DNS_TYPE_PTR, false);
        run_until(clock_now + 200 * MSEC);
        ck_assert_uint_eq(n_sent, 1);
        parse_sent(0, &m);
        ck_assert_uint_eq(m.ancount, 2);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ANSWER, "_http._tcp.local", DNS_TYPE_PTR), 0);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ANSWER, "_smb._tcp.local", DNS_TYPE_PTR), 0);
}
END_TEST

/* ---- §7.2 TC: wait for the rest of the known answers --------------------------------------- */

START_TEST(test_tc_waits_400_500_and_followup_suppresses) {
        struct response_packet_info peer = info4(PEER, 5353);
        struct qb *q = qb_new(0, DNS_FLAG_TC);
        usec_t asked = clock_now, d;
        struct dns_msg m;

        qb_question(q, "_http._tcp.local", DNS_TYPE_PTR, false);
        qb_question(q, "_smb._tcp.local", DNS_TYPE_PTR, false);
        query_from(q, &peer);
        d = response_sched_next_timeout(sched) - asked;
        ck_assert_uint_ge(d, 400 * MSEC);
        ck_assert_uint_le(d, 500 * MSEC);

        /* the continuation from the same querier lists the _http PTR: it is not sent */
        clock_now += 5 * MSEC;
        q = qb_new(0, 0);
        qb_rr(q, DNS_SECTION_ANSWER, &http_ptr->rr, 4500);
        query_from(q, &peer);

        run_until(asked + 399 * MSEC);
        ck_assert_uint_eq(n_sent, 0);
        run_until(asked + 600 * MSEC);
        ck_assert_uint_eq(n_sent, 1);
        parse_sent(0, &m);
        ck_assert_int_lt(find_rr(&m, DNS_SECTION_ANSWER, "_http._tcp.local", DNS_TYPE_PTR), 0);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ANSWER, "_smb._tcp.local", DNS_TYPE_PTR), 0);
}
END_TEST

START_TEST(test_tc_followup_from_other_host_does_not_suppress) {
        struct response_packet_info peer = info4(PEER, 5353), other = info4(PEER2, 5353);
        struct qb *q = qb_new(0, DNS_FLAG_TC);
        struct dns_msg m;

        qb_question(q, "_http._tcp.local", DNS_TYPE_PTR, false);
        query_from(q, &peer);
        clock_now += 5 * MSEC;
        q = qb_new(0, 0);
        qb_rr(q, DNS_SECTION_ANSWER, &http_ptr->rr, 4500);
        query_from(q, &other); /* §7.2: keyed on the querier's address */
        run_until(clock_now + 600 * MSEC);
        ck_assert_uint_eq(n_sent, 1);
        parse_sent(0, &m);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ANSWER, "_http._tcp.local", DNS_TYPE_PTR), 0);
}
END_TEST

START_TEST(test_tc_followup_with_tc_extends_wait) {
        /* RFC 6762 §7.2: another TC packet from the querier: 400–500 ms after the last one */
        struct response_packet_info peer = info4(PEER, 5353);
        struct qb *q = qb_new(0, DNS_FLAG_TC);
        usec_t last;

        qb_question(q, "_http._tcp.local", DNS_TYPE_PTR, false);
        query_from(q, &peer);
        clock_now += 300 * MSEC;
        q = qb_new(0, DNS_FLAG_TC);
        qb_rr(q, DNS_SECTION_ANSWER, &host_a->rr, 120); /* some other known answer */
        query_from(q, &peer);
        last = clock_now;
        ck_assert_uint_ge(response_sched_next_timeout(sched), last + 400 * MSEC);
        ck_assert_uint_le(response_sched_next_timeout(sched), last + 500 * MSEC);
        run_until(last + 399 * MSEC);
        ck_assert_uint_eq(n_sent, 0);
        run_until(last + 500 * MSEC);
        ck_assert_uint_eq(n_sent, 1);
}
END_TEST

START_TEST(test_tc_other_querier_keeps_answer) {
        /* §7.2: "provided that no other host ... has also issued a query for that record" */
        struct response_packet_info peer = info4(PEER, 5353), other = info4(PEER2, 5353);
        struct qb *q = qb_new(0, DNS_FLAG_TC);
        struct dns_msg m;

        qb_question(q, "_http._tcp.local", DNS_TYPE_PTR, false);
        query_from(q, &peer);
        clock_now += 2 * MSEC;
        q = qb_new(0, DNS_FLAG_TC);
        qb_question(q, "_http._tcp.local", DNS_TYPE_PTR, false);
        query_from(q, &other);
        clock_now += 2 * MSEC;
        q = qb_new(0, 0);
        qb_rr(q, DNS_SECTION_ANSWER, &http_ptr->rr, 4500);
        query_from(q, &peer); /* PEER knows it, PEER2 does not */
        run_until(clock_now + 600 * MSEC);
        ck_assert_uint_ge(n_sent, 1);
        parse_sent(0, &m);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ANSWER, "_http._tcp.local", DNS_TYPE_PTR), 0);
}
END_TEST

/* ---- §6 rate limits ------------------------------------------------------------------------ */

START_TEST(test_multicast_once_per_second) {
        usec_t first;

        ask("board.local", DNS_TYPE_A, false);
        run_until(clock_now);
        ck_assert_uint_eq(n_sent, 1);
        first = sent[0].at;

        clock_now += 200 * MSEC;
        ask("board.local", DNS_TYPE_A, false);
        run_until(first + USEC_PER_SEC - 1);
        ck_assert_uint_eq(n_sent, 1); /* §6: not again within a second */
        run_until(first + USEC_PER_SEC + 10 * MSEC);
        ck_assert_uint_eq(n_sent, 2);
        ck_assert_uint_eq(sent[1].at, first + USEC_PER_SEC);

        /* a shared record likewise */
        ask("_http._tcp.local", DNS_TYPE_PTR, false);
        run_until(clock_now + 200 * MSEC);
        ck_assert_uint_eq(n_sent, 3);
        first = sent[2].at;
        ask("_http._tcp.local", DNS_TYPE_PTR, false);
        run_until(first + USEC_PER_SEC - 1);
        ck_assert_uint_eq(n_sent, 3);
        run_until(first + USEC_PER_SEC + 200 * MSEC);
        ck_assert_uint_eq(n_sent, 4);
        ck_assert_uint_ge(sent[3].at, first + USEC_PER_SEC);
}
END_TEST

static void probe_for(const char *name, bool qu) {
        struct qb *q = qb_new(0, 0);
        struct dns_rr proposed = host_a->rr;
        uint8_t other[4] = { 169, 254, 99, 99 };

        proposed.rdata = other; /* a conflicting proposal in the Authority section */
        qb_question(q, name, DNS_TYPE_ANY, qu);
        qb_rr(q, DNS_SECTION_AUTHORITY, &proposed, 120);
        query(q);
}

START_TEST(test_probe_defense_every_250ms) {
        usec_t first;
        struct dns_msg m;

        ask("board.local", DNS_TYPE_A, false);
        run_until(clock_now);
        ck_assert_uint_eq(n_sent, 1);
        first = sent[0].at;

        /* RFC 6762 §6: answering a probe, 250 ms since the last multicast, not 1 s (a QM probe:
         * the second and third ones) */
        clock_now += 100 * MSEC;
        probe_for("board.local", false);
        run_until(first + 250 * MSEC - 1);
        ck_assert_uint_eq(n_sent, 1);
        run_until(first + 250 * MSEC);
        ck_assert_uint_eq(n_sent, 2);
        ck_assert(!sent[1].p.unicast);
        parse_sent(1, &m);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ANSWER, "board.local", DNS_TYPE_A), 0);

        /* a probe 300 ms after that: answered at once */
        clock_now = sent[1].at + 300 * MSEC;
        probe_for("board.local", false);
        ck_assert_uint_eq(response_sched_next_timeout(sched), clock_now);
        run_until(clock_now);
        ck_assert_uint_eq(n_sent, 3);

        /* a QU probe (the first one) right after: unicast to the prober at once (§5.4) */
        clock_now += 10 * MSEC;
        probe_for("board.local", true);
        ck_assert_uint_eq(response_sched_next_timeout(sched), clock_now);
        run_until(clock_now);
        ck_assert_uint_eq(n_sent, 4);
        ck_assert(sent[3].p.unicast);
}
END_TEST

/* ---- §5.4 QU ----------------------------------------------------------------------------- */

START_TEST(test_qu_unicast_when_recently_multicast) {
        struct dns_msg m;

        /* never multicast: "SHOULD instead multicast the response" */
        ask("board.local", DNS_TYPE_A, true);
        run_until(clock_now);
        ck_assert_uint_eq(n_sent, 1);
        ck_assert(!sent[0].p.unicast);

        /* multicast 2 s ago (< 120 s / 4): unicast to the querier's address and port */
        clock_now += 2 * USEC_PER_SEC;
        ask("board.local", DNS_TYPE_A, true);
        run_until(clock_now);
        ck_assert_uint_eq(n_sent, 2);
        ck_assert(sent[1].p.unicast);
        ck_assert_int_eq(sent[1].p.dest.in.sin_family, AF_INET);
        ck_assert_uint_eq(ntohs(sent[1].p.dest.in.sin_port), 5353);
        ck_assert_uint_eq(ntohl(sent[1].p.dest.in.sin_addr.s_addr), 0xa9fe0101);
        parse_sent(1, &m);
        check_mdns_header(&m);
        ck_assert(m.an[0].cache_flush);

        /* a quarter of the TTL after the multicast: multicast again */
        clock_now = sent[0].at + 30 * USEC_PER_SEC;
        ask("board.local", DNS_TYPE_A, true);
        run_until(clock_now);
        ck_assert_uint_eq(n_sent, 3);
        ck_assert(!sent[2].p.unicast);
}
END_TEST

START_TEST(test_direct_unicast_query_is_qu) {
        /* RFC 6762 §5.5: a query to our unicast address is answered as QU */
        struct response_packet_info peer = info4(PEER, 5353);
        struct qb *q;

        response_sched_note_multicast(sched, IFINDEX, AF_INET, host_a->id, clock_now);
        clock_now += 2 * USEC_PER_SEC;
        peer.unicast_dest = true;
        q = qb_new(0, 0);
        qb_question(q, "board.local", DNS_TYPE_A, false);
        query_from(q, &peer);
        run_until(clock_now);
        ck_assert_uint_eq(n_sent, 1);
        ck_assert(sent[0].p.unicast);
}
END_TEST

START_TEST(test_qu_unicast_not_rate_limited) {
        /* the once-a-second rule is about multicast: a unicast answer goes at once */
        ask("board.local", DNS_TYPE_A, false);
        run_until(clock_now);
        clock_now += 100 * MSEC;
        ask("board.local", DNS_TYPE_A, true);
        ck_assert_uint_eq(response_sched_next_timeout(sched), clock_now);
        run_until(clock_now);
        ck_assert_uint_eq(n_sent, 2);
        ck_assert(sent[1].p.unicast);
}
END_TEST

/* ---- §7.1 known-answer suppression ------------------------------------------------------- */

static unsigned ask_with_known(struct fake_record *f, const char *name, uint16_t type, uint32_t known_ttl) {
        struct qb *q = qb_new(0, 0);
        unsigned before = n_sent;

        qb_question(q, name, type, false);
        qb_rr(q, DNS_SECTION_ANSWER, &f->rr, known_ttl);
        query(q);
        run_until(clock_now + 200 * MSEC);
        clock_now += 2 * USEC_PER_SEC; /* clear of the rate limit for the next call */
        return n_sent - before;
}

START_TEST(test_known_answer_half_ttl_boundary) {
        /* RFC 6762 §7.1: suppressed with a TTL of at least half ours (120 → 60), not below */
        ck_assert_uint_eq(ask_with_known(host_a, "board.local", DNS_TYPE_A, 60), 0);
        ck_assert_uint_eq(ask_with_known(host_a, "board.local", DNS_TYPE_A, 120), 0);
        ck_assert_uint_eq(ask_with_known(host_a, "board.local", DNS_TYPE_A, 59), 1);
        /* odd TTL: 4500 → 2250 suppresses, 2249 does not */
        ck_assert_uint_eq(ask_with_known(http_ptr, "_http._tcp.local", DNS_TYPE_PTR, 2250), 0);
        ck_assert_uint_eq(ask_with_known(http_ptr, "_http._tcp.local", DNS_TYPE_PTR, 2249), 1);
        ck_assert_uint_ge(response_sched_get_stats(sched)->suppressed_known, 3);
}
END_TEST

START_TEST(test_known_answer_other_rdata_does_not_suppress) {
        struct fake_record other = *host_a;

        other.rdata[3] ^= 1;
        other.rr.rdata = other.rdata;
        ck_assert_uint_eq(ask_with_known(&other, "board.local", DNS_TYPE_A, 120), 1);
}
END_TEST

/* ---- §7.4 duplicate answer suppression, §6.6 --------------------------------------------- */

static void peer_response(const struct dns_rr *rr, uint32_t ttl, uint16_t port, bool unicast_dest) {
        struct qb *q = qb_new(0, MDNS_FLAGS_RESPONSE);
        struct response_packet_info peer = info4(PEER2, port);

        peer.unicast_dest = unicast_dest;
        qb_rr(q, DNS_SECTION_ANSWER, rr, ttl);
        ck_assert_int_eq(response_sched_handle_response(sched, &peer, qb_parse(q), clock_now), 0);
}

START_TEST(test_duplicate_answer_suppression) {
        /* RFC 6762 §7.4: another responder multicasts the record with a TTL not less than ours */
        ask("_http._tcp.local", DNS_TYPE_PTR, false);
        clock_now += 10 * MSEC;
        peer_response(&http_ptr->rr, 4500, 5353, false);
        run_until(clock_now + 200 * MSEC);
        ck_assert_uint_eq(n_sent, 0);
        ck_assert_uint_eq(response_sched_get_stats(sched)->suppressed_duplicate, 1);
        /* "treat its own answer as having been sent": within the second, a new question waits */
        ask("_http._tcp.local", DNS_TYPE_PTR, false);
        run_until(clock_now + 200 * MSEC);
        ck_assert_uint_eq(n_sent, 0);
}
END_TEST

START_TEST(test_duplicate_answer_lower_ttl_not_suppressed) {
        ask("_http._tcp.local", DNS_TYPE_PTR, false);
        clock_now += 10 * MSEC;
        peer_response(&http_ptr->rr, 4499, 5353, false); /* less than ours */
        run_until(clock_now + 200 * MSEC);
        ck_assert_uint_eq(n_sent, 1);
}
END_TEST

START_TEST(test_duplicate_answer_ignores_unicast_and_wrong_port) {
        ask("_http._tcp.local", DNS_TYPE_PTR, false);
        clock_now += 10 * MSEC;
        peer_response(&http_ptr->rr, 4500, 5353, true);  /* a unicast response: queriers did not see it */
        peer_response(&http_ptr->rr, 4500, 40000, false); /* §6: source port not 5353: ignored */
        run_until(clock_now + 200 * MSEC);
        ck_assert_uint_eq(n_sent, 1);
}
END_TEST

START_TEST(test_peer_low_ttl_makes_us_announce) {
        /* RFC 6762 §6.6: a peer's copy of our shared record with less than half our TTL (here its
         * goodbye) makes us multicast ours */
        struct dns_msg m;

        peer_response(&http_ptr->rr, 0, 5353, false);
        run_until(clock_now + 200 * MSEC);
        ck_assert_uint_eq(n_sent, 1);
        parse_sent(0, &m);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ANSWER, "_http._tcp.local", DNS_TYPE_PTR), 0);
        ck_assert_uint_eq(m.an[0].ttl, 4500);
        /* half or more: nothing */
        clock_now += 2 * USEC_PER_SEC;
        peer_response(&http_ptr->rr, 2250, 5353, false);
        run_until(clock_now + 200 * MSEC);
        ck_assert_uint_eq(n_sent, 1);
        /* a unique record goes at once */
        clock_now += 2 * USEC_PER_SEC;
        peer_response(&host_a->rr, 10, 5353, false);
        ck_assert_uint_eq(response_sched_next_timeout(sched), clock_now);
        run_until(clock_now);
        ck_assert_uint_eq(n_sent, 2);
        parse_sent(1, &m);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ANSWER, "board.local", DNS_TYPE_A), 0);
}
END_TEST

/* ---- §6.1 NSEC, §6.5 ANY, additional records ------------------------------------------------ */

START_TEST(test_nsec_for_missing_type) {
        struct dns_msg m;
        struct dns_name next;
        int k;

        ask("board.local", DNS_TYPE_TXT, false);
        run_until(clock_now);
        ck_assert_uint_eq(n_sent, 1);
        parse_sent(0, &m);
        ck_assert_uint_eq(m.ancount, 1);
        k = find_rr(&m, DNS_SECTION_ANSWER, "board.local", DNS_TYPE_NSEC);
        ck_assert_int_ge(k, 0);
        /* §6.1 restricted form: next name = own name, the existing types, no NSEC bit */
        ck_assert_int_eq(dns_rdata_get_nsec(&m.an[k], &next), 0);
        ck_assert(dns_name_equal(&next, &m.an[k].name));
        ck_assert_int_eq(dns_rdata_nsec_has_type(&m.an[k], DNS_TYPE_A), 1);
        ck_assert_int_eq(dns_rdata_nsec_has_type(&m.an[k], DNS_TYPE_AAAA), 1);
        ck_assert_int_eq(dns_rdata_nsec_has_type(&m.an[k], DNS_TYPE_TXT), 0);
        ck_assert_int_eq(dns_rdata_nsec_has_type(&m.an[k], DNS_TYPE_NSEC), 0);
        ck_assert(m.an[k].cache_flush);
        ck_assert_uint_eq(m.an[k].ttl, 120); /* the TTL the record would have had */
}
END_TEST

START_TEST(test_no_nsec_for_names_not_ours) {
        ask("_http._tcp.local", DNS_TYPE_TXT, false); /* shared-only name: not ours to deny */
        ask("elsewhere.local", DNS_TYPE_A, false);
        run_until(clock_now + USEC_PER_SEC);
        ck_assert_uint_eq(n_sent, 0);
}
END_TEST

START_TEST(test_nsec_additional_when_no_aaaa) {
        /* RFC 6762 §6.2: A answer, no IPv6 address: NSEC in the additional section */
        struct dns_msg m;
        int k;

        host_aaaa->withdrawn = true;
        ask("board.local", DNS_TYPE_A, false);
        run_until(clock_now);
        ck_assert_uint_eq(n_sent, 1);
        parse_sent(0, &m);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ANSWER, "board.local", DNS_TYPE_A), 0);
        k = find_rr(&m, DNS_SECTION_ADDITIONAL, "board.local", DNS_TYPE_NSEC);
        ck_assert_int_ge(k, 0);
        ck_assert_int_eq(dns_rdata_nsec_has_type(&m.ar[k], DNS_TYPE_AAAA), 0);
        ck_assert_int_eq(dns_rdata_nsec_has_type(&m.ar[k], DNS_TYPE_A), 1);
}
END_TEST

START_TEST(test_any_query_all_records) {
        /* RFC 6762 §6.5: ANY gets every record of the name */
        struct dns_msg m;

        ask("Printer._http._tcp.local", DNS_TYPE_ANY, false);
        run_until(clock_now);
        ck_assert_uint_eq(n_sent, 1);
        parse_sent(0, &m);
        ck_assert_uint_eq(m.ancount, 2);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ANSWER, "Printer._http._tcp.local", DNS_TYPE_SRV), 0);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ANSWER, "Printer._http._tcp.local", DNS_TYPE_TXT), 0);
        /* the SRV brings the target's addresses (RFC 6763 §12.2) */
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ADDITIONAL, "board.local", DNS_TYPE_A), 0);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ADDITIONAL, "board.local", DNS_TYPE_AAAA), 0);
}
END_TEST

START_TEST(test_additionals_for_ptr) {
        /* RFC 6763 §12.1: PTR → SRV, TXT, the SRV target's A/AAAA */
        struct dns_msg m;

        ask("_http._tcp.local", DNS_TYPE_PTR, false);
        run_until(clock_now + 200 * MSEC);
        ck_assert_uint_eq(n_sent, 1);
        parse_sent(0, &m);
        ck_assert_uint_eq(m.ancount, 1);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ADDITIONAL, "Printer._http._tcp.local", DNS_TYPE_SRV), 0);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ADDITIONAL, "Printer._http._tcp.local", DNS_TYPE_TXT), 0);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ADDITIONAL, "board.local", DNS_TYPE_A), 0);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ADDITIONAL, "board.local", DNS_TYPE_AAAA), 0);
        ck_assert_uint_eq(m.arcount, 4);
        /* unique additionals carry the cache-flush bit */
        ck_assert(m.ar[find_rr(&m, DNS_SECTION_ADDITIONAL, "Printer._http._tcp.local", DNS_TYPE_SRV)].cache_flush);
}
END_TEST

START_TEST(test_additionals_for_srv_and_a) {
        struct dns_msg m;

        /* RFC 6763 §12.2: SRV → A/AAAA */
        ask("Printer._http._tcp.local", DNS_TYPE_SRV, false);
        run_until(clock_now);
        ck_assert_uint_eq(n_sent, 1);
        parse_sent(0, &m);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ADDITIONAL, "board.local", DNS_TYPE_A), 0);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ADDITIONAL, "board.local", DNS_TYPE_AAAA), 0);
        ck_assert_int_lt(find_rr(&m, DNS_SECTION_ADDITIONAL, "Printer._http._tcp.local", DNS_TYPE_TXT), 0);

        /* RFC 6762 §6.2: A → AAAA; the A itself is not repeated */
        clock_now += 2 * USEC_PER_SEC;
        ask("board.local", DNS_TYPE_A, false);
        run_until(clock_now);
        ck_assert_uint_eq(n_sent, 2);
        parse_sent(1, &m);
        ck_assert_uint_eq(m.ancount, 1);
        ck_assert_uint_eq(m.arcount, 1);
        ck_assert_uint_eq(m.ar[0].type, DNS_TYPE_AAAA);
}
END_TEST

START_TEST(test_additional_known_answer_suppressed) {
        /* a querier that lists the SRV as known does not get it as an additional record */
        struct qb *q = qb_new(0, 0);
        struct dns_msg m;

        qb_question(q, "_http._tcp.local", DNS_TYPE_PTR, false);
        qb_rr(q, DNS_SECTION_ANSWER, &http_srv->rr, 120);
        query(q);
        run_until(clock_now + 200 * MSEC);
        ck_assert_uint_eq(n_sent, 1);
        parse_sent(0, &m);
        ck_assert_int_lt(find_rr(&m, DNS_SECTION_ADDITIONAL, "Printer._http._tcp.local", DNS_TYPE_SRV), 0);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ADDITIONAL, "Printer._http._tcp.local", DNS_TYPE_TXT), 0);
}
END_TEST

/* ---- packet splitting, no duplicates ---------------------------------------------------------- */

START_TEST(test_split_across_packets_without_duplicates) {
        struct response_packet_info peer = info4(PEER, 5353);
        struct dns_name seen[200];
        unsigned n_seen = 0, total_an = 0;
        struct qb *q;

        for (int k = 0; k < 60; k++) {
                char inst[64];

                snprintf(inst, sizeof inst, "A fairly long service instance name number %02d", k);
                fake_store_add_service(&store, inst, "_ipp._tcp.local", (uint16_t) (600 + k), "board.local");
        }
        peer.max_size = 512;
        q = qb_new(0, 0);
        qb_question(q, "_ipp._tcp.local", DNS_TYPE_PTR, false);
        query_from(q, &peer);
        run_until(clock_now + 200 * MSEC);
        ck_assert_uint_gt(n_sent, 2);
        for (unsigned k = 0; k < n_sent; k++) {
                struct dns_msg m;

                ck_assert_uint_le(sent[k].p.len, 512);
                parse_sent(k, &m);
                check_mdns_header(&m);
                total_an += m.ancount;
                for (unsigned i = 0; i < m.ancount; i++) {
                        struct dns_name target;

                        ck_assert_int_eq(dns_rdata_get_name(&m.an[i], &target), 0);
                        for (unsigned j = 0; j < n_seen; j++)
                                ck_assert(!dns_name_equal(&seen[j], &target)); /* never twice */
                        seen[n_seen++] = target;
                }
                /* within a packet, no record twice in any section */
                for (unsigned i = 0; i < m.arcount; i++)
                        for (unsigned j = i + 1; j < m.arcount; j++)
                                ck_assert(!dns_rr_equal(&m.ar[i], &m.ar[j]));
        }
        ck_assert_uint_eq(total_an, 60);
}
END_TEST

START_TEST(test_every_instance_of_a_large_type) {
        /* RFC 6763 §4.1, RFC 6762 §6, §17: a PTR question for a type with 1,200 instances here
         * gets all 1,200, spread over as many full packets as it takes, each instance once;
         * additional records fill the room that is left and never push an answer out */
        enum { N = 1200 };
        struct response_packet_info peer = info4(PEER, 5353);
        static bool seen[N];
        unsigned total_an = 0, total_ar = 0;
        struct qb *q;

        memset(seen, 0, sizeof seen);
        for (int k = 0; k < N; k++) {
                char inst[64];

                snprintf(inst, sizeof inst, "Printer %04d", k);
                fake_store_add_service(&store, inst, "_ipp._tcp.local", (uint16_t) (1000 + k), "board.local");
        }
        q = qb_new(0, 0);
        qb_question(q, "_ipp._tcp.local", DNS_TYPE_PTR, false);
        query_from(q, &peer);
        run_until(clock_now + 200 * MSEC);
        ck_assert_uint_gt(n_sent, N / 60);
        for (unsigned k = 0; k < n_sent; k++) {
                struct dns_msg m;

                ck_assert_uint_le(sent[k].p.len, peer.max_size);
                parse_sent(k, &m);
                check_mdns_header(&m);
                ck_assert_uint_gt(m.ancount, 0); /* additional records never go out alone */
                total_an += m.ancount;
                total_ar += m.arcount;
                for (unsigned i = 0; i < m.ancount; i++) {
                        struct dns_name target;
                        char text[DNS_NAME_TEXT_MAX];
                        unsigned idx;

                        ck_assert_uint_eq(m.an[i].type, DNS_TYPE_PTR);
                        ck_assert_int_eq(dns_rdata_get_name(&m.an[i], &target), 0);
                        dns_name_to_text(&target, text, sizeof text);
                        ck_assert_int_eq(sscanf(text, "Printer %u.", &idx), 1);
                        ck_assert_uint_lt(idx, N);
                        ck_assert(!seen[idx]);
                        seen[idx] = true;
                }
        }
        ck_assert_uint_eq(total_an, N);
        ck_assert_uint_gt(total_ar, 0);
        ck_assert_uint_eq(response_sched_get_stats(sched)->dropped_full, 0);
}
END_TEST

START_TEST(test_no_duplicate_when_answer_and_additional) {
        /* the PTR's additional SRV is also asked for: it goes once, as an answer */
        struct qb *q = qb_new(0, 0);
        struct dns_msg m;

        qb_question(q, "_http._tcp.local", DNS_TYPE_PTR, false);
        qb_question(q, "Printer._http._tcp.local", DNS_TYPE_SRV, false);
        query(q);
        run_until(clock_now + 200 * MSEC);
        ck_assert_uint_eq(n_sent, 1);
        parse_sent(0, &m);
        ck_assert_int_ge(find_rr(&m, DNS_SECTION_ANSWER, "Printer._http._tcp.local", DNS_TYPE_SRV), 0);
        ck_assert_int_lt(find_rr(&m, DNS_SECTION_ADDITIONAL, "Printer._http._tcp.local", DNS_TYPE_SRV), 0);
}
END_TEST

/* ---- §6.7 legacy unicast -------------------------------------------------------------------- */

START_TEST(test_legacy_unicast_format) {
        struct response_packet_info peer = info4(PEER, 40000);
        struct qb *q = qb_new(0x1234, DNS_FLAG_RD);
        struct dns_msg m;

        qb_question(q, "_http._tcp.local", DNS_TYPE_PTR, false);
        query_from(q, &peer);
        /* immediate, from inside handle_query, even for a shared record */
        ck_assert_uint_eq(n_sent, 1);
        ck_assert(sent[0].p.unicast);
        ck_assert_uint_eq(ntohs(sent[0].p.dest.in.sin_port), 40000);
        ck_assert_uint_eq(ntohl(sent[0].p.dest.in.sin_addr.s_addr), 0xa9fe0101);
        parse_sent(0, &m);
        ck_assert_uint_eq(m.id, 0x1234);
        ck_assert(m.flags & DNS_FLAG_QR);
        ck_assert(m.flags & DNS_FLAG_AA);
        ck_assert_uint_eq(m.qdcount, 1);
        ck_assert_uint_eq(m.qd[0].type, DNS_TYPE_PTR);
        ck_assert_uint_ge(m.ancount, 1);
        for (unsigned k = 0; k < m.ancount; k++) {
                ck_assert_uint_le(m.an[k].ttl, 10);
                ck_assert(!m.an[k].cache_flush);
        }
        for (unsigned k = 0; k < m.arcount; k++) {
                ck_assert_uint_le(m.ar[k].ttl, 10);
                ck_assert(!m.ar[k].cache_flush);
        }
        ck_assert_uint_le(sent[0].p.len, 512);
        ck_assert_uint_eq(response_sched_next_timeout(sched), USEC_INFINITY); /* nothing multicast */
}
END_TEST

START_TEST(test_legacy_unicast_truncated) {
        struct response_packet_info peer = info4(PEER, 40000);
        struct qb *q = qb_new(7, 0);
        struct dns_msg m;

        for (int k = 0; k < 30; k++) {
                char inst[64];

                snprintf(inst, sizeof inst, "A long enough instance name number %02d", k);
                fake_store_add_service(&store, inst, "_ipp._tcp.local", 631, "board.local");
        }
        qb_question(q, "_ipp._tcp.local", DNS_TYPE_PTR, false);
        query_from(q, &peer);
        ck_assert_uint_eq(n_sent, 1);
        ck_assert_uint_le(sent[0].p.len, 512);
        parse_sent(0, &m);
        ck_assert(m.flags & DNS_FLAG_TC);
        ck_assert_uint_gt(m.ancount, 0);
        ck_assert_uint_lt(m.ancount, 30);
}
END_TEST

START_TEST(test_legacy_nothing_to_say) {
        struct response_packet_info peer = info4(PEER, 40000);
        struct qb *q = qb_new(7, 0);

        qb_question(q, "someone-else.local", DNS_TYPE_A, false);
        query_from(q, &peer);
        ck_assert_uint_eq(n_sent, 0);
}
END_TEST

/* ---- other inputs -------------------------------------------------------------------------------- */

START_TEST(test_withdrawn_before_send_is_not_sent) {
        ask("_http._tcp.local", DNS_TYPE_PTR, false);
        http_ptr->withdrawn = true; /* goodbye sent by the registry meanwhile */
        run_until(clock_now + 200 * MSEC);
        ck_assert_uint_eq(n_sent, 0);
}
END_TEST

START_TEST(test_ignored_messages) {
        struct qb *q;

        q = qb_new(0, DNS_FLAGS_MAKE_OPCODE(2)); /* §18.3 opcode ≠ 0 */
        qb_question(q, "board.local", DNS_TYPE_A, false);
        query(q);
        q = qb_new(0, 3); /* §18.11 rcode ≠ 0 */
        qb_question(q, "board.local", DNS_TYPE_A, false);
        query(q);
        q = qb_new(0, MDNS_FLAGS_RESPONSE); /* a response is no query */
        qb_question(q, "board.local", DNS_TYPE_A, false);
        query(q);
        run_until(clock_now + USEC_PER_SEC);
        ck_assert_uint_eq(n_sent, 0);
        ck_assert_uint_eq(response_sched_next_timeout(sched), USEC_INFINITY);
}
END_TEST

START_TEST(test_bad_info_rejected) {
        struct response_packet_info bad = info4(PEER, 5353);
        struct qb *q = qb_new(0, 0);

        qb_question(q, "board.local", DNS_TYPE_A, false);
        bad.family = AF_INET6; /* disagrees with the source */
        ck_assert_int_eq(response_sched_handle_query(sched, &bad, qb_parse(q), clock_now), -EINVAL);
        bad = info4(PEER, 5353);
        bad.ifindex = 0;
        ck_assert_int_eq(response_sched_handle_query(sched, &bad, &q->msg, clock_now), -EINVAL);
}
END_TEST

START_TEST(test_forget_link) {
        ask("_http._tcp.local", DNS_TYPE_PTR, false);
        response_sched_forget_link(sched, IFINDEX);
        ck_assert_uint_eq(response_sched_next_timeout(sched), USEC_INFINITY);
        run_until(clock_now + USEC_PER_SEC);
        ck_assert_uint_eq(n_sent, 0);
}
END_TEST

START_TEST(test_announcement_answers_pending_question) {
        /* the announcer multicast the record after the question: nothing more to send */
        ask("_http._tcp.local", DNS_TYPE_PTR, false);
        clock_now += 5 * MSEC;
        response_sched_note_multicast(sched, IFINDEX, AF_INET, http_ptr->id, clock_now);
        run_until(clock_now + USEC_PER_SEC);
        ck_assert_uint_eq(n_sent, 0);
        ck_assert_uint_eq(response_sched_get_stats(sched)->suppressed_recent, 1);
}
END_TEST

START_TEST(test_ipv6_link_separate) {
        /* IPv4 and IPv6 on one interface are separate links for the rate limit */
        struct response_packet_info peer6 = { .ifindex = IFINDEX, .family = AF_INET6, .max_size = 1452 };
        struct qb *q;

        peer6.source.in6.sin6_family = AF_INET6;
        peer6.source.in6.sin6_port = htons(5353);
        peer6.source.in6.sin6_scope_id = IFINDEX;
        ck_assert_int_eq(inet_pton(AF_INET6, "fe80::99", &peer6.source.in6.sin6_addr), 1);
        ask("board.local", DNS_TYPE_A, false);
        q = qb_new(0, 0);
        qb_question(q, "board.local", DNS_TYPE_A, false);
        query_from(q, &peer6);
        run_until(clock_now);
        ck_assert_uint_eq(n_sent, 2);
        ck_assert_int_ne(sent[0].p.family, sent[1].p.family);
}
END_TEST

/* ---- hostile inputs: bounded work, no crash ------------------------------------------------- */

START_TEST(test_hostile_many_questions_not_ours) {
        struct qb *q = qb_new(0, 0);
        unsigned n = 0, calls;

        /* as many distinct questions as fit in 9000 octets */
        for (;; n++) {
                char name[32];
                struct dns_question question = { .type = DNS_TYPE_A, .qclass = DNS_CLASS_IN };

                snprintf(name, sizeof name, "n%u.local", n);
                ck_assert_int_eq(dns_name_from_text(&question.name, name), 0);
                if (dns_builder_add_question(&q->b, &question) < 0)
                        break;
        }
        ck_assert_uint_gt(n, 500);
        store.foreach_calls = 0;
        query(q);
        calls = store.foreach_calls;
        /* one lookup per question, and one more per name for the NSEC ownership check */
        ck_assert_uint_le(calls, 2 * n);
        run_until(clock_now + USEC_PER_SEC);
        ck_assert_uint_eq(n_sent, 0);
}
END_TEST

START_TEST(test_hostile_repeated_question) {
        struct qb *q = qb_new(0, 0);
        unsigned n = 0;
        struct dns_msg m;

        for (;; n++) {
                struct dns_question question = { .type = DNS_TYPE_PTR, .qclass = DNS_CLASS_IN };

                ck_assert_int_eq(dns_name_from_text(&question.name, "_http._tcp.local"), 0);
                if (dns_builder_add_question(&q->b, &question) < 0)
                        break;
        }
        ck_assert_uint_gt(n, 500);
        store.foreach_calls = 0;
        query(q);
        ck_assert_uint_lt(store.foreach_calls, 20); /* the repeats are recognised */
        run_until(clock_now + 200 * MSEC);
        ck_assert_uint_eq(n_sent, 1);
        parse_sent(0, &m);
        ck_assert_uint_eq(m.ancount, 1);
}
END_TEST

START_TEST(test_hostile_thousands_of_known_answers) {
        struct qb *q = qb_new(0, DNS_FLAG_TC);
        unsigned n = 0;

        qb_question(q, "_http._tcp.local", DNS_TYPE_PTR, false);
        qb_question(q, "board.local", DNS_TYPE_A, false);
        /* as many (colliding-name) known answers as fit, then our A record */
        for (;; n++) {
                struct dns_rr rr = host_a->rr;
                uint8_t a[4] = { 10, (uint8_t) (n >> 16), (uint8_t) (n >> 8), (uint8_t) n };

                rr.rdata = a;
                if (dns_builder_add_rr_ttl(&q->b, DNS_SECTION_ANSWER, &rr, 120, false) < 0)
                        break;
        }
        ck_assert_uint_gt(n, 500);
        query(q);
        run_until(clock_now + USEC_PER_SEC);
        ck_assert_uint_eq(n_sent, 1); /* nothing they listed was ours: both answered */

        /* and the same flood with our record last still suppresses it */
        clock_now += 5 * USEC_PER_SEC;
        q = qb_new(0, 0);
        qb_question(q, "board.local", DNS_TYPE_A, false);
        for (unsigned k = 0; k < 500; k++) {
                struct dns_rr rr = host_a->rr;
                uint8_t a[4] = { 10, 0, (uint8_t) (k >> 8), (uint8_t) k };

                rr.rdata = a;
                qb_rr(q, DNS_SECTION_ANSWER, &rr, 120);
        }
        qb_rr(q, DNS_SECTION_ANSWER, &host_a->rr, 120);
        query(q);
        run_until(clock_now + USEC_PER_SEC);
        ck_assert_uint_eq(n_sent, 1);
}
END_TEST

START_TEST(test_hostile_qu_flood_bounded) {
        /* unicast answers to many (spoofed, on-link) sources: bounded by the pools, then dropped */
        sched_make(7, 64, 16);
        response_sched_note_multicast(sched, IFINDEX, AF_INET, http_ptr->id, clock_now);
        clock_now += 2 * USEC_PER_SEC;
        for (unsigned k = 0; k < 2000; k++) {
                char addr[32];
                struct response_packet_info peer;
                struct qb *q = qb_new(0, 0);

                snprintf(addr, sizeof addr, "169.254.%u.%u", 1 + k / 200, 1 + k % 200);
                peer = info4(addr, 5353);
                qb_question(q, "_http._tcp.local", DNS_TYPE_PTR, true);
                query_from(q, &peer);
        }
        ck_assert_uint_gt(response_sched_get_stats(sched)->dropped_full, 0);
        run_until(clock_now + USEC_PER_SEC);
        ck_assert_uint_le(n_sent, 16);
        ck_assert_uint_gt(n_sent, 0);
}
END_TEST

static Suite *response_sched_suite(void) {
        Suite *s = suite_create("response-sched");
        TCase *tc = tcase_create("core");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_unique_answer_immediate);
        tcase_add_test(tc, test_shared_answer_delayed_20_120);
        tcase_add_test(tc, test_multi_question_delayed);
        tcase_add_test(tc, test_shared_answers_aggregated);
        tcase_add_test(tc, test_tc_waits_400_500_and_followup_suppresses);
        tcase_add_test(tc, test_tc_followup_from_other_host_does_not_suppress);
        tcase_add_test(tc, test_tc_followup_with_tc_extends_wait);
        tcase_add_test(tc, test_tc_other_querier_keeps_answer);
        tcase_add_test(tc, test_multicast_once_per_second);
        tcase_add_test(tc, test_probe_defense_every_250ms);
        tcase_add_test(tc, test_qu_unicast_when_recently_multicast);
        tcase_add_test(tc, test_direct_unicast_query_is_qu);
        tcase_add_test(tc, test_qu_unicast_not_rate_limited);
        tcase_add_test(tc, test_known_answer_half_ttl_boundary);
        tcase_add_test(tc, test_known_answer_other_rdata_does_not_suppress);
        tcase_add_test(tc, test_duplicate_answer_suppression);
        tcase_add_test(tc, test_duplicate_answer_lower_ttl_not_suppressed);
        tcase_add_test(tc, test_duplicate_answer_ignores_unicast_and_wrong_port);
        tcase_add_test(tc, test_peer_low_ttl_makes_us_announce);
        tcase_add_test(tc, test_nsec_for_missing_type);
        tcase_add_test(tc, test_no_nsec_for_names_not_ours);
        tcase_add_test(tc, test_nsec_additional_when_no_aaaa);
        tcase_add_test(tc, test_any_query_all_records);
        tcase_add_test(tc, test_additionals_for_ptr);
        tcase_add_test(tc, test_additionals_for_srv_and_a);
        tcase_add_test(tc, test_additional_known_answer_suppressed);
        tcase_add_test(tc, test_split_across_packets_without_duplicates);
        tcase_add_test(tc, test_every_instance_of_a_large_type);
        tcase_add_test(tc, test_no_duplicate_when_answer_and_additional);
        tcase_add_test(tc, test_legacy_unicast_format);
        tcase_add_test(tc, test_legacy_unicast_truncated);
        tcase_add_test(tc, test_legacy_nothing_to_say);
        tcase_add_test(tc, test_withdrawn_before_send_is_not_sent);
        tcase_add_test(tc, test_ignored_messages);
        tcase_add_test(tc, test_bad_info_rejected);
        tcase_add_test(tc, test_forget_link);
        tcase_add_test(tc, test_announcement_answers_pending_question);
        tcase_add_test(tc, test_ipv6_link_separate);
        tcase_add_test(tc, test_hostile_many_questions_not_ours);
        tcase_add_test(tc, test_hostile_repeated_question);
        tcase_add_test(tc, test_hostile_thousands_of_known_answers);
        tcase_add_test(tc, test_hostile_qu_flood_bounded);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        return unit_run(response_sched_suite());
}
