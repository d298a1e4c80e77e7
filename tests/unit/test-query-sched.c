/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The query scheduler (RFC 6762 §5.2, §5.4, §7.1, §7.2, §7.3) over a real cache, driven with a
 * fake clock and a seeded rng. Each rule has a test that fails if the rule breaks. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mdns/cache.h"
#include "mdns/query-sched.h"
#include "query-fake.h"

#define IFINDEX 3

static struct cache *C;
static struct query_sched *Q;

static const struct cache_ops no_ops = { .added = NULL };

static void make(uint64_t seed, size_t max_size) {
        struct cache_config cc = { .ifindex = IFINDEX, .family = AF_INET, .rng = &qf_rng, .ops = &no_ops };
        struct query_sched_config qc = {
                .ifindex = IFINDEX, .family = AF_INET, .max_size = max_size, .rng = &qf_rng, .emit = qf_emit,
        };

        Q = query_sched_free(Q);
        C = cache_free(C);
        qf_init(seed);
        ck_assert_int_eq(cache_new(&C, &cc), 0);
        qc.cache = C;
        ck_assert_int_eq(query_sched_new(&Q, &qc), 0);
}

static void setup(void) {
        C = NULL;
        Q = NULL;
        make(11, 1472);
}

static void teardown(void) {
        Q = query_sched_free(Q);
        C = cache_free(C);
}

static void run_until(usec_t t) {
        for (;;) {
                usec_t next = MIN(query_sched_next_timeout(Q), cache_next_timeout(C));

                if (next > t)
                        break;
                ck_assert_uint_ge(next, qf_now);
                qf_now = next;
                cache_handle_timeout(C, qf_now);
                query_sched_handle_timeout(Q, qf_now);
        }
        qf_now = t;
}

static struct dns_question question(const char *name, uint16_t type) {
        return (struct dns_question) { .name = qf_name(name), .type = type, .qclass = DNS_CLASS_IN };
}

static void ask(const char *name, uint16_t type) {
        struct dns_question q = question(name, type);

        ck_assert_int_eq(query_sched_add(Q, &q, qf_now), 0);
}

/* ---- §5.2 / §5.4: the continuous schedule ------------------------------------------------ */

START_TEST(test_schedule_first_doubling_cap_qu_first) {
        for (uint64_t seed = 1; seed <= 20; seed++) {
                usec_t prev_interval = 0;

                make(seed, 1472);
                ask("_http._tcp.local", DNS_TYPE_PTR);
                run_until(QF_T0 + 6 * 3600 * SEC);
                /* 1+2+...+2048 s ≈ 68 min, then every 60 min: 12 + 5 in six hours */
                ck_assert_uint_ge(qf_n_sent, 16);
                /* first 20–120 ms after the start */
                ck_assert_uint_ge(qf_sent[0].at, QF_T0 + 20 * MSEC);
                ck_assert_uint_le(qf_sent[0].at, QF_T0 + 120 * MSEC);
                for (unsigned k = 0; k < qf_n_sent; k++) {
                        struct dns_msg m;
                        int i;

                        qf_parse_sent(k, &m);
                        ck_assert_uint_eq(m.qdcount, 1);
                        i = qf_find_question(&m, "_http._tcp.local", DNS_TYPE_PTR);
                        ck_assert_int_eq(i, 0);
                        /* QU on the first query only */
                        ck_assert(m.qd[0].unicast_response == (k == 0));
                        if (k == 0)
                                continue;
                        usec_t interval = qf_sent[k].at - qf_sent[k - 1].at;

                        if (k == 1)
                                ck_assert_uint_eq(interval, 1 * SEC); /* at least 1 s */
                        else if (prev_interval < 3600 * SEC)
                                ck_assert(interval == 2 * prev_interval || interval == 3600 * SEC);
                        else
                                ck_assert_uint_eq(interval, 3600 * SEC); /* capped at 60 min */
                        ck_assert_uint_le(interval, 3600 * SEC);
                        prev_interval = interval;
                }
                ck_assert_uint_eq(prev_interval, 3600 * SEC);
        }
}
END_TEST

START_TEST(test_schedule_remove_stops_and_readd_restarts) {
        struct dns_question q = question("_http._tcp.local", DNS_TYPE_PTR);
        usec_t next, interval;

        ask("_http._tcp.local", DNS_TYPE_PTR);
        ask("_http._tcp.local", DNS_TYPE_PTR); /* a second subscriber */
        run_until(QF_T0 + 10 * SEC);
        ck_assert_uint_eq(qf_n_sent, 4); /* ~0.1, 1.1, 3.1, 7.1 */
        query_sched_remove(Q, &q);
        ck_assert(query_sched_get(Q, &q, &next, &interval));
        query_sched_remove(Q, &q);
        ck_assert(!query_sched_get(Q, &q, NULL, NULL));
        run_until(QF_T0 + 100 * SEC);
        ck_assert_uint_eq(qf_n_sent, 4);
        ck_assert_uint_eq(query_sched_next_timeout(Q), USEC_INFINITY);
        /* added again: the series starts over, QU first */
        ask("_http._tcp.local", DNS_TYPE_PTR);
        run_until(QF_T0 + 102 * SEC);
        ck_assert_uint_eq(qf_n_sent, 6);
        ck_assert_uint_ge(qf_sent[4].at, QF_T0 + 100 * SEC + 20 * MSEC);
        ck_assert_uint_le(qf_sent[4].at, QF_T0 + 100 * SEC + 120 * MSEC);
        ck_assert_uint_eq(qf_sent[5].at, qf_sent[4].at + 1 * SEC);
        {
                struct dns_msg m;

                qf_parse_sent(4, &m);
                ck_assert(m.qd[0].unicast_response);
        }
}
END_TEST

START_TEST(test_questions_aggregated) {
        struct dns_msg m;

        /* a resolver's two questions, added together: one packet */
        ask("Printer._ipp._tcp.local", DNS_TYPE_SRV);
        qf_now += 5 * MSEC;
        ask("Printer._ipp._tcp.local", DNS_TYPE_TXT);
        run_until(QF_T0 + 2 * SEC);
        ck_assert_uint_eq(qf_n_sent, 2);
        qf_parse_sent(0, &m);
        ck_assert_uint_eq(m.qdcount, 2);
        ck_assert(m.qd[0].unicast_response && m.qd[1].unicast_response);
        qf_parse_sent(1, &m);
        ck_assert_uint_eq(m.qdcount, 2);
        ck_assert(!m.qd[0].unicast_response && !m.qd[1].unicast_response);
}
END_TEST

/* ---- §7.1: known answers -------------------------------------------------------------------- */

static void learn_ptr(const char *name, const char *target, uint32_t ttl) {
        msg_begin_response();
        msg_ptr(name, target, ttl);
        cache_handle_response(C, msg_end(), qf_now);
}

START_TEST(test_known_answers_half_ttl_boundary) {
        struct dns_question q = question("_http._tcp.local", DNS_TYPE_PTR);
        struct dns_msg m;

        learn_ptr("_http._tcp.local", "A._http._tcp.local", 100);
        learn_ptr("_http._tcp.local", "B._http._tcp.local", 4500);
        /* exactly half the TTL left: still a known answer, with its remaining TTL, no flush bit */
        qf_now = QF_T0 + 50 * SEC;
        ck_assert_int_eq(query_sched_refresh(Q, &q, qf_now), 0);
        ck_assert_int_eq(query_sched_handle_timeout(Q, qf_now), 1);
        qf_parse_sent(0, &m);
        ck_assert_uint_eq(m.qdcount, 1);
        ck_assert(!m.qd[0].unicast_response); /* maintenance queries are QM */
        ck_assert_uint_eq(m.ancount, 2);
        ck_assert(!m.an[0].cache_flush && !m.an[1].cache_flush);
        ck_assert((m.an[0].ttl == 50 && m.an[1].ttl == 4450) || (m.an[0].ttl == 4450 && m.an[1].ttl == 50));
        /* a microsecond later: less than half: not listed */
        qf_now = QF_T0 + 50 * SEC + 1;
        ck_assert_int_eq(query_sched_refresh(Q, &q, qf_now), 0);
        ck_assert_int_eq(query_sched_handle_timeout(Q, qf_now), 1);
        qf_parse_sent(1, &m);
        ck_assert_uint_eq(m.ancount, 1);
        ck_assert_uint_eq(m.an[0].ttl, 4449);
}
END_TEST

/* ---- §7.2: multipacket known answers ---------------------------------------------------------- */

START_TEST(test_known_answers_tc_multipacket) {
        struct dns_question q = question("_http._tcp.local", DNS_TYPE_PTR);
        unsigned total = 0;

        make(5, 512);
        for (unsigned k = 0; k < 120; k++) {
                char target[128];

                snprintf(target, sizeof target, "A rather long instance name number %03u._http._tcp.local", k);
                learn_ptr("_http._tcp.local", target, 4500);
        }
        ck_assert_int_eq(query_sched_refresh(Q, &q, qf_now), 0);
        query_sched_handle_timeout(Q, qf_now);
        ck_assert_uint_gt(qf_n_sent, 2);
        for (unsigned k = 0; k < qf_n_sent; k++) {
                struct dns_msg m;

                qf_parse_sent(k, &m);
                ck_assert_uint_le(qf_sent[k].p.len, 512);
                ck_assert_uint_eq(qf_sent[k].at, qf_now); /* "immediately follow" */
                /* the question in the first packet only; TC on all but the last */
                ck_assert_uint_eq(m.qdcount, k == 0 ? 1 : 0);
                ck_assert(!!(m.flags & DNS_FLAG_TC) == (k + 1 < qf_n_sent));
                ck_assert_uint_gt(m.ancount, 0);
                total += m.ancount;
        }
        ck_assert_uint_eq(total, 120);
        ck_assert_uint_eq(query_sched_get_stats(Q)->tc_packets, qf_n_sent - 1);
}
END_TEST

START_TEST(test_questions_split_rather_than_tc) {
        /* 30 questions due together, 3 known answers each: more than a packet holds. The
         * questions are spread over packets, each with its own known answers and no TC (a TC
         * query makes every responder wait 400-500 ms, RFC 6762 §7.2) */
        unsigned questions = 0, answers = 0;

        for (unsigned t = 0; t < 30; t++) {
                char type[64];

                snprintf(type, sizeof type, "_t%02u._tcp.local", t);
                for (unsigned k = 0; k < 3; k++) {
                        char target[128];

                        snprintf(target, sizeof target, "A rather long instance name number %u.%s", k, type);
                        learn_ptr(type, target, 4500);
                }
        }
        for (unsigned t = 0; t < 30; t++) {
                char type[64];
                struct dns_question q;

                snprintf(type, sizeof type, "_t%02u._tcp.local", t);
                q = question(type, DNS_TYPE_PTR);
                ck_assert_int_eq(query_sched_refresh(Q, &q, qf_now), 0);
        }
        query_sched_handle_timeout(Q, qf_now);
        ck_assert_uint_gt(qf_n_sent, 2);
        for (unsigned k = 0; k < qf_n_sent; k++) {
                struct dns_msg m;

                qf_parse_sent(k, &m);
                ck_assert_uint_le(qf_sent[k].p.len, 1472);
                ck_assert(!(m.flags & DNS_FLAG_TC));
                ck_assert_uint_gt(m.qdcount, 0);
                /* the known answers of this packet's questions, all of them, and no others */
                ck_assert_uint_eq(m.ancount, 3 * m.qdcount);
                for (unsigned i = 0; i < m.ancount; i++) {
                        bool mine = false;

                        for (unsigned j = 0; j < m.qdcount; j++)
                                mine |= dns_name_equal(&m.an[i].name, &m.qd[j].name);
                        ck_assert(mine);
                }
                questions += m.qdcount;
                answers += m.ancount;
        }
        ck_assert_uint_eq(questions, 30);
        ck_assert_uint_eq(answers, 90);
        ck_assert_uint_eq(query_sched_get_stats(Q)->tc_packets, 0);
}
END_TEST

START_TEST(test_unique_answer_in_cache_not_asked) {
        /* a continuous question whose unique answer (cache-flush bit) the cache holds with at
         * least half its TTL left is not sent, and counts as sent; a shared answer does not
         * count, nor one past half its TTL; maintenance queries always go */
        struct dns_question srv = question("Printer._ipp._tcp.local", DNS_TYPE_SRV);

        msg_begin_response();
        msg_srv("Printer._ipp._tcp.local", 631, "board.local", 120, true);
        msg_ptr("_ipp._tcp.local", "Printer._ipp._tcp.local", 4500); /* shared */
        cache_handle_response(C, msg_end(), qf_now);
        ask("Printer._ipp._tcp.local", DNS_TYPE_SRV);
        ask("_ipp._tcp.local", DNS_TYPE_PTR);
        run_until(QF_T0 + 59 * SEC); /* queries at ~0.1, 1.1, 3.1, 7.1, 15.1, 31.1 s */
        ck_assert_uint_eq(qf_count_asked("Printer._ipp._tcp.local", DNS_TYPE_SRV), 0);
        ck_assert_uint_eq(qf_count_asked("_ipp._tcp.local", DNS_TYPE_PTR), 6);
        ck_assert_uint_eq(query_sched_get_stats(Q)->skipped_unique, 6);
        /* the schedule went on as if sent: the next one 32 s after 31.1 s, past half the TTL
         * (60 s): asked then, with no known answer */
        run_until(QF_T0 + 64 * SEC);
        ck_assert_uint_eq(qf_count_asked("Printer._ipp._tcp.local", DNS_TYPE_SRV), 1);
        /* a maintenance query is sent whatever the cache holds */
        qf_now = QF_T0 + 65 * SEC;
        msg_begin_response();
        msg_srv("Printer._ipp._tcp.local", 631, "board.local", 120, true);
        cache_handle_response(C, msg_end(), qf_now);
        ck_assert_int_eq(query_sched_refresh(Q, &srv, qf_now), 0);
        query_sched_handle_timeout(Q, qf_now);
        ck_assert_uint_eq(qf_count_asked("Printer._ipp._tcp.local", DNS_TYPE_SRV), 2);
}
END_TEST

START_TEST(test_known_answers_fit_no_tc) {
        struct dns_msg m;

        learn_ptr("_http._tcp.local", "A._http._tcp.local", 4500);
        ask("_http._tcp.local", DNS_TYPE_PTR);
        run_until(QF_T0 + 200 * MSEC);
        ck_assert_uint_eq(qf_n_sent, 1);
        qf_parse_sent(0, &m);
        ck_assert(!(m.flags & DNS_FLAG_TC));
        ck_assert_uint_eq(m.ancount, 1);
}
END_TEST

/* ---- §7.3: duplicate question suppression ------------------------------------------------------ */

static void peer_query(const char *name, uint16_t type, bool qu, uint16_t flags, const char *ka_target, uint32_t ka_ttl) {
        msg_begin_flags(flags);
        msg_question(name, type, qu);
        if (ka_target)
                msg_ptr(name, ka_target, ka_ttl);
        query_sched_handle_query(Q, msg_end(), qf_now);
}

/* Runs the first two queries (at ~0.1 s and ~1.1 s); the next is due 2 s after the second. */
static usec_t start_series(void) {
        struct dns_question q = question("_http._tcp.local", DNS_TYPE_PTR);
        usec_t next;

        ask("_http._tcp.local", DNS_TYPE_PTR);
        run_until(QF_T0 + 2 * SEC);
        ck_assert_uint_eq(qf_n_sent, 2);
        ck_assert(query_sched_get(Q, &q, &next, NULL));
        ck_assert_uint_eq(next, qf_sent[1].at + 2 * SEC);
        return next;
}

START_TEST(test_dqs_suppresses_next_query) {
        struct dns_question q = question("_http._tcp.local", DNS_TYPE_PTR);
        usec_t next, after;

        learn_ptr("_http._tcp.local", "A._http._tcp.local", 4500);
        next = start_series();
        /* another host asks the same QM question just before ours, listing a known answer we
         * hold too */
        qf_now = next - 100 * MSEC;
        peer_query("_http._tcp.local", DNS_TYPE_PTR, false, 0, "A._http._tcp.local", 4400);
        run_until(next + 1 * SEC);
        ck_assert_uint_eq(qf_n_sent, 2); /* ours was skipped */
        ck_assert_uint_eq(query_sched_get_stats(Q)->suppressed, 1);
        /* and the schedule goes on as if ours had gone out then: 4 s later */
        ck_assert(query_sched_get(Q, &q, &after, NULL));
        ck_assert_uint_eq(after, next - 100 * MSEC + 4 * SEC);
        run_until(after);
        ck_assert_uint_eq(qf_n_sent, 3);
}
END_TEST

START_TEST(test_dqs_not_when_not_the_same) {
        usec_t next;

        learn_ptr("_http._tcp.local", "A._http._tcp.local", 4500);
        next = start_series();
        qf_now = next - 100 * MSEC;
        /* QU: answers may be unicast to it */
        peer_query("_http._tcp.local", DNS_TYPE_PTR, true, 0, NULL, 0);
        /* a known answer we do not hold */
        peer_query("_http._tcp.local", DNS_TYPE_PTR, false, 0, "Z._http._tcp.local", 4400);
        /* truncated: more known answers follow */
        peer_query("_http._tcp.local", DNS_TYPE_PTR, false, DNS_FLAG_TC, NULL, 0);
        /* another question */
        peer_query("_ipp._tcp.local", DNS_TYPE_PTR, false, 0, NULL, 0);
        peer_query("_http._tcp.local", DNS_TYPE_SRV, false, 0, NULL, 0);
        run_until(next);
        ck_assert_uint_eq(qf_n_sent, 3);
        ck_assert_uint_eq(query_sched_get_stats(Q)->suppressed, 0);
}
END_TEST

START_TEST(test_dqs_not_long_before_due) {
        usec_t next;

        next = start_series();
        /* a peer's query long before ours is due (more than half the interval) does not
         * postpone ours */
        qf_now = next - 1500 * MSEC;
        peer_query("_http._tcp.local", DNS_TYPE_PTR, false, 0, NULL, 0);
        run_until(next);
        ck_assert_uint_eq(qf_n_sent, 3);
}
END_TEST

START_TEST(test_refresh_aggregated_with_continuous) {
        struct dns_question r = question("board.local", DNS_TYPE_A);
        struct dns_msg m;

        ask("_http._tcp.local", DNS_TYPE_PTR);
        run_until(QF_T0 + 200 * MSEC);
        ck_assert_uint_eq(qf_n_sent, 1);
        /* a maintenance query due at the moment the continuous one is: one packet */
        qf_now = qf_sent[0].at + 1 * SEC;
        ck_assert_int_eq(query_sched_refresh(Q, &r, qf_now), 0);
        ck_assert_int_eq(query_sched_handle_timeout(Q, qf_now), 1);
        qf_parse_sent(1, &m);
        ck_assert_uint_eq(m.qdcount, 2);
        ck_assert_int_ge(qf_find_question(&m, "board.local", DNS_TYPE_A), 0);
        ck_assert_int_ge(qf_find_question(&m, "_http._tcp.local", DNS_TYPE_PTR), 0);
        /* the one-shot is gone afterwards; the continuous one goes on */
        run_until(qf_now + 2 * SEC);
        ck_assert_uint_eq(qf_n_sent, 3);
        qf_parse_sent(2, &m);
        ck_assert_uint_eq(m.qdcount, 1);
}
END_TEST

START_TEST(test_bad_questions_and_bound) {
        struct dns_question q = question("x.local", DNS_TYPE_OPT);
        struct cache_config cc = { .ifindex = IFINDEX, .family = AF_INET, .rng = &qf_rng, .ops = &no_ops };
        struct query_sched_config qc = {
                .ifindex = IFINDEX, .family = AF_INET, .max_size = 1472, .rng = &qf_rng, .emit = qf_emit,
                .questions_max = 4,
        };

        ck_assert_int_eq(query_sched_add(Q, &q, qf_now), -EINVAL);
        q.type = 0;
        ck_assert_int_eq(query_sched_add(Q, &q, qf_now), -EINVAL);

        Q = query_sched_free(Q);
        C = cache_free(C);
        ck_assert_int_eq(cache_new(&C, &cc), 0);
        qc.cache = C;
        ck_assert_int_eq(query_sched_new(&Q, &qc), 0);
        for (unsigned k = 0; k < 5; k++) {
                char name[32];

                snprintf(name, sizeof name, "h%u.local", k);
                q = question(name, DNS_TYPE_A);
                ck_assert_int_eq(query_sched_add(Q, &q, qf_now), k < 4 ? 0 : -ENOBUFS);
        }
        ck_assert_uint_eq(query_sched_get_stats(Q)->dropped_full, 1);
}
END_TEST

static Suite *query_sched_suite(void) {
        Suite *s = suite_create("query-sched");
        TCase *tc = tcase_create("rules");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, test_schedule_first_doubling_cap_qu_first);
        tcase_add_test(tc, test_schedule_remove_stops_and_readd_restarts);
        tcase_add_test(tc, test_questions_aggregated);
        tcase_add_test(tc, test_known_answers_half_ttl_boundary);
        tcase_add_test(tc, test_known_answers_tc_multipacket);
        tcase_add_test(tc, test_known_answers_fit_no_tc);
        tcase_add_test(tc, test_questions_split_rather_than_tc);
        tcase_add_test(tc, test_unique_answer_in_cache_not_asked);
        tcase_add_test(tc, test_dqs_suppresses_next_query);
        tcase_add_test(tc, test_dqs_not_when_not_the_same);
        tcase_add_test(tc, test_dqs_not_long_before_due);
        tcase_add_test(tc, test_refresh_aggregated_with_continuous);
        tcase_add_test(tc, test_bad_questions_and_bound);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        SRunner *sr = srunner_create(query_sched_suite());
        int failed;

        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
