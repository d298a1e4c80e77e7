/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mDNS cache (RFC 6762 §5.2 maintenance, §10, §10.1, §10.2, §10.5, the bound) driven with a
 * fake clock and a seeded rng. Each rule has a test that fails if the rule breaks. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mdns/cache.h"
#include "query-fake.h"

#define IFINDEX 2
#define EVENTS_MAX 256

struct removal {
        struct dns_rr rr; /* name/type only (rdata not kept) */
        enum cache_remove_reason why;
        usec_t at;
};

static struct cache *C;
static unsigned n_added;
static struct removal removals[EVENTS_MAX];
static unsigned n_removed, n_removed_total;
static usec_t refreshes[EVENTS_MAX];
static unsigned n_refresh;
static bool interested;

static void on_added(void *userdata, const struct cache_entry *e) {
        (void) userdata;
        (void) e;
        n_added++;
}

static void on_removed(void *userdata, const struct cache_entry *e, enum cache_remove_reason why) {
        (void) userdata;
        n_removed_total++;
        if (n_removed < EVENTS_MAX) {
                removals[n_removed].rr = *cache_entry_rr(e);
                removals[n_removed].rr.rdata = NULL;
                removals[n_removed].why = why;
                removals[n_removed].at = qf_now;
                n_removed++;
        }
}

static bool on_interested(void *userdata, const struct cache_entry *e) {
        (void) userdata;
        (void) e;
        return interested;
}

static void on_refresh(void *userdata, const struct cache_entry *e) {
        (void) userdata;
        (void) e;
        ck_assert_uint_lt(n_refresh, EVENTS_MAX);
        refreshes[n_refresh++] = qf_now;
}

static const struct cache_ops ops = {
        .added = on_added,
        .removed = on_removed,
        .interested = on_interested,
        .refresh = on_refresh,
};

static void cache_make(uint64_t seed, unsigned max) {
        struct cache_config cfg = {
                .ifindex = IFINDEX, .family = AF_INET, .entries_max = max, .rng = &qf_rng, .ops = &ops,
        };

        cache_free(C);
        qf_init(seed);
        ck_assert_int_eq(cache_new(&C, &cfg), 0);
        n_added = n_removed = n_removed_total = n_refresh = 0;
        interested = false;
}

static void setup(void) {
        C = NULL;
        cache_make(7, 0);
}

static void teardown(void) {
        C = cache_free(C);
}

/* Fire every cache timeout up to t, each at its exact time. */
static void run_until(usec_t t) {
        for (;;) {
                usec_t next = cache_next_timeout(C);

                if (next > t)
                        break;
                ck_assert_uint_ge(next, qf_now);
                qf_now = next;
                cache_handle_timeout(C, qf_now);
        }
        qf_now = t;
}

static void receive(const struct dns_msg *m) {
        cache_handle_response(C, m, qf_now);
}

static void receive_a(const char *name, const char *addr, uint32_t ttl, bool flush) {
        msg_begin_response();
        msg_a(name, addr, ttl, flush);
        receive(msg_end());
}

static const struct cache_entry *find_a(const char *name, const char *addr) {
        struct in_addr a;
        struct dns_rr rr;

        ck_assert_int_eq(inet_pton(AF_INET, addr, &a), 1);
        rr = qf_rr(name, DNS_TYPE_A, 120, false, &a, 4);
        return cache_lookup(C, &rr);
}

/* ---- §10: TTL expiry ----------------------------------------------------------------------- */

START_TEST(test_ttl_expiry) {
        receive_a("board.local", "169.254.1.1", 120, true);
        ck_assert_uint_eq(n_added, 1);
        ck_assert_uint_eq(cache_size(C), 1);
        run_until(QF_T0 + 120 * SEC - 1);
        ck_assert_ptr_nonnull(find_a("board.local", "169.254.1.1"));
        ck_assert_uint_eq(n_removed, 0);
        run_until(QF_T0 + 120 * SEC);
        ck_assert_ptr_null(find_a("board.local", "169.254.1.1"));
        ck_assert_uint_eq(n_removed, 1);
        ck_assert_int_eq(removals[0].why, CACHE_REMOVE_EXPIRED);
        ck_assert_uint_eq(removals[0].at, QF_T0 + 120 * SEC);
        ck_assert_uint_eq(cache_size(C), 0);
}
END_TEST

START_TEST(test_ttl_renewed_on_reception) {
        receive_a("board.local", "169.254.1.1", 120, true);
        run_until(QF_T0 + 100 * SEC);
        /* the same record again, case differing: the TTL starts over */
        receive_a("BOARD.local", "169.254.1.1", 120, true);
        ck_assert_uint_eq(n_added, 1);
        ck_assert_uint_eq(cache_size(C), 1);
        run_until(QF_T0 + 219 * SEC);
        ck_assert_uint_eq(n_removed, 0);
        run_until(QF_T0 + 220 * SEC);
        ck_assert_uint_eq(n_removed, 1);
}
END_TEST

/* ---- §10.2: cache flush --------------------------------------------------------------------- */

START_TEST(test_cache_flush_one_second_rule) {
        /* X at T0, shared (no flush bit) */
        receive_a("board.local", "169.254.1.1", 120, false);
        /* Y at T0+0.5 s with the flush bit: X is younger than a second and stays */
        qf_now = QF_T0 + 500 * MSEC;
        receive_a("board.local", "169.254.1.2", 120, true);
        run_until(QF_T0 + 3 * SEC);
        ck_assert_ptr_nonnull(find_a("board.local", "169.254.1.1"));
        ck_assert_ptr_nonnull(find_a("board.local", "169.254.1.2"));
        ck_assert_uint_eq(n_removed, 0);

        /* Z at T0+1.5 s (exactly a second after Y) with the flush bit: X (1.5 s old) is
         * flushed, Y (received exactly one second ago, not more) stays */
        cache_make(7, 0);
        receive_a("board.local", "169.254.1.1", 120, false);
        qf_now = QF_T0 + 500 * MSEC;
        receive_a("board.local", "169.254.1.2", 120, false);
        qf_now = QF_T0 + 1500 * MSEC;
        receive_a("board.local", "169.254.1.3", 120, true);
        /* flushed records live one more second */
        run_until(QF_T0 + 2500 * MSEC - 1);
        ck_assert_uint_eq(n_removed, 0);
        ck_assert(cache_entry_is_dying(find_a("board.local", "169.254.1.1")));
        ck_assert(!cache_entry_is_dying(find_a("board.local", "169.254.1.2")));
        run_until(QF_T0 + 2500 * MSEC);
        ck_assert_uint_eq(n_removed, 1);
        ck_assert_int_eq(removals[0].why, CACHE_REMOVE_FLUSHED);
        ck_assert_ptr_null(find_a("board.local", "169.254.1.1"));
        ck_assert_ptr_nonnull(find_a("board.local", "169.254.1.2"));
        ck_assert_ptr_nonnull(find_a("board.local", "169.254.1.3"));
}
END_TEST

START_TEST(test_cache_flush_same_packet_and_other_rrsets) {
        const struct dns_msg *m;

        receive_a("board.local", "169.254.1.1", 120, true);
        msg_begin_response();
        msg_a("other.local", "169.254.9.9", 120, true);
        receive(msg_end());
        qf_now = QF_T0 + 5 * SEC;
        /* two addresses in one packet, both with the flush bit: both stay; the old one goes;
         * other names and types are untouched */
        msg_begin_response();
        msg_a("board.local", "169.254.1.2", 120, true);
        msg_a("board.local", "169.254.1.3", 120, true);
        msg_txt("board.local", "x=1", 120, true);
        m = msg_end();
        receive(m);
        run_until(QF_T0 + 10 * SEC);
        ck_assert_uint_eq(n_removed, 1);
        ck_assert_ptr_null(find_a("board.local", "169.254.1.1"));
        ck_assert_ptr_nonnull(find_a("board.local", "169.254.1.2"));
        ck_assert_ptr_nonnull(find_a("board.local", "169.254.1.3"));
        ck_assert_ptr_nonnull(find_a("other.local", "169.254.9.9"));
}
END_TEST

START_TEST(test_cache_flush_revived_within_the_second) {
        receive_a("board.local", "169.254.1.1", 120, true);
        qf_now = QF_T0 + 5 * SEC;
        receive_a("board.local", "169.254.1.2", 120, true);
        /* the rest of the rrset arrives in a second packet 200 ms later: X is revived */
        qf_now = QF_T0 + 5200 * MSEC;
        receive_a("board.local", "169.254.1.1", 120, true);
        run_until(QF_T0 + 20 * SEC);
        ck_assert_uint_eq(n_removed, 0);
        ck_assert_uint_eq(cache_size(C), 2);
}
END_TEST

/* ---- §10.1: goodbyes ------------------------------------------------------------------------- */

START_TEST(test_goodbye_deletes_after_one_second) {
        receive_a("board.local", "169.254.1.1", 120, true);
        qf_now = QF_T0 + 10 * SEC;
        receive_a("board.local", "169.254.1.1", 0, true);
        ck_assert(cache_entry_is_dying(find_a("board.local", "169.254.1.1")));
        run_until(QF_T0 + 11 * SEC - 1);
        ck_assert_uint_eq(n_removed, 0);
        run_until(QF_T0 + 11 * SEC);
        ck_assert_uint_eq(n_removed, 1);
        ck_assert_int_eq(removals[0].why, CACHE_REMOVE_GOODBYE);
        ck_assert_uint_eq(removals[0].at, QF_T0 + 11 * SEC);
}
END_TEST

START_TEST(test_goodbye_unknown_ignored_and_revival) {
        /* a goodbye for something we do not hold adds nothing */
        receive_a("board.local", "169.254.1.1", 0, true);
        ck_assert_uint_eq(cache_size(C), 0);
        ck_assert_uint_eq(n_added, 0);
        /* a goodbye followed by the record again within the second: it stays */
        receive_a("board.local", "169.254.1.1", 120, true);
        qf_now = QF_T0 + 10 * SEC;
        receive_a("board.local", "169.254.1.1", 0, true);
        qf_now = QF_T0 + 10500 * MSEC;
        receive_a("board.local", "169.254.1.1", 120, true);
        run_until(QF_T0 + 20 * SEC);
        ck_assert_uint_eq(n_removed, 0);
        /* and a goodbye does not flush its rrset */
        receive_a("board.local", "169.254.1.2", 120, false);
        qf_now = QF_T0 + 30 * SEC;
        receive_a("board.local", "169.254.1.2", 0, true);
        run_until(QF_T0 + 40 * SEC);
        ck_assert_ptr_nonnull(find_a("board.local", "169.254.1.1"));
        ck_assert_ptr_null(find_a("board.local", "169.254.1.2"));
}
END_TEST

/* ---- §5.2: refresh at 80/85/90/95 % + 0–2 %, only with interest ---------------------------- */

START_TEST(test_refresh_points_with_jitter) {
        static const unsigned pct[] = { 80, 85, 90, 95 };
        bool jitter_seen[4] = { false, false, false, false };

        for (uint64_t seed = 1; seed <= 40; seed++) {
                cache_make(seed, 0);
                interested = true;
                receive_a("board.local", "169.254.1.1", 100, true);
                run_until(QF_T0 + 100 * SEC);
                ck_assert_uint_eq(n_refresh, 4);
                for (unsigned k = 0; k < 4; k++) {
                        usec_t lo = QF_T0 + pct[k] * SEC, hi = lo + 2 * SEC;

                        ck_assert_uint_ge(refreshes[k], lo);
                        ck_assert_uint_le(refreshes[k], hi);
                        if (refreshes[k] != lo)
                                jitter_seen[k] = true;
                }
                /* four queries unanswered: gone at 100 % */
                ck_assert_uint_eq(n_removed, 1);
                ck_assert_int_eq(removals[0].why, CACHE_REMOVE_EXPIRED);
                ck_assert_uint_eq(removals[0].at, QF_T0 + 100 * SEC);
        }
        for (unsigned k = 0; k < 4; k++)
                ck_assert(jitter_seen[k]);
}
END_TEST

START_TEST(test_refresh_only_when_interested) {
        receive_a("board.local", "169.254.1.1", 100, true);
        run_until(QF_T0 + 100 * SEC);
        ck_assert_uint_eq(n_refresh, 0);
        ck_assert_uint_eq(cache_get_stats(C)->refresh_queries, 0);

        /* interest arriving late: only the points after it */
        cache_make(3, 0);
        receive_a("board.local", "169.254.1.1", 100, true);
        run_until(QF_T0 + 88 * SEC);
        ck_assert_uint_eq(n_refresh, 0);
        interested = true;
        run_until(QF_T0 + 100 * SEC);
        ck_assert_uint_eq(n_refresh, 2); /* 90 % and 95 % */
}
END_TEST

START_TEST(test_refresh_answer_restarts_schedule) {
        interested = true;
        receive_a("board.local", "169.254.1.1", 100, true);
        run_until(QF_T0 + 83 * SEC);
        ck_assert_uint_eq(n_refresh, 1);
        /* the answer comes: TTL and points start over */
        receive_a("board.local", "169.254.1.1", 100, true);
        run_until(QF_T0 + 83 * SEC + 79 * SEC);
        ck_assert_uint_eq(n_refresh, 1);
        run_until(QF_T0 + 83 * SEC + 83 * SEC);
        ck_assert_uint_eq(n_refresh, 2);
        ck_assert_uint_eq(n_removed, 0);
}
END_TEST

/* ---- §10.5: POOF ------------------------------------------------------------------------------ */

static void peer_asks(const char *name, uint16_t type, bool qu) {
        msg_begin_query();
        msg_question(name, type, qu);
        cache_handle_query(C, msg_end(), qf_now);
}

START_TEST(test_poof_two_unanswered_queries) {
        receive_a("board.local", "169.254.1.1", 4500, true);
        qf_now = QF_T0 + 10 * SEC;
        peer_asks("board.local", DNS_TYPE_A, false);
        qf_now = QF_T0 + 12 * SEC;
        peer_asks("board.local", DNS_TYPE_ANY, false);
        run_until(QF_T0 + 20 * SEC - 1);
        ck_assert_uint_eq(n_removed, 0);
        run_until(QF_T0 + 20 * SEC);
        ck_assert_uint_eq(n_removed, 1);
        ck_assert_int_eq(removals[0].why, CACHE_REMOVE_POOF);
}
END_TEST

START_TEST(test_poof_answer_cancels) {
        receive_a("board.local", "169.254.1.1", 4500, true);
        qf_now = QF_T0 + 10 * SEC;
        peer_asks("board.local", DNS_TYPE_A, false);
        qf_now = QF_T0 + 12 * SEC;
        peer_asks("board.local", DNS_TYPE_A, false);
        qf_now = QF_T0 + 12100 * MSEC;
        receive_a("board.local", "169.254.1.1", 4500, true);
        run_until(QF_T0 + 60 * SEC);
        ck_assert_uint_eq(n_removed, 0);
}
END_TEST

START_TEST(test_poof_needs_two_qm_queries_without_known_answer) {
        struct in_addr a;
        const struct dns_msg *m;

        receive_a("board.local", "169.254.1.1", 4500, true);
        /* one query alone does nothing */
        qf_now = QF_T0 + 10 * SEC;
        peer_asks("board.local", DNS_TYPE_A, false);
        /* QU questions do not count (the answer may be unicast) */
        qf_now = QF_T0 + 12 * SEC;
        peer_asks("board.local", DNS_TYPE_A, true);
        /* a query listing the record as a known answer expects no answer */
        qf_now = QF_T0 + 13 * SEC;
        ck_assert_int_eq(inet_pton(AF_INET, "169.254.1.1", &a), 1);
        msg_begin_query();
        msg_question("board.local", DNS_TYPE_A, false);
        msg_rr(DNS_SECTION_ANSWER, "board.local", DNS_TYPE_A, 4000, false, &a, 4);
        cache_handle_query(C, msg_end(), qf_now);
        /* the same instant twice (one burst) counts once */
        qf_now = QF_T0 + 14 * SEC;
        /* a truncated query does not count */
        msg_begin_flags(DNS_FLAG_TC);
        msg_question("board.local", DNS_TYPE_A, false);
        m = msg_end();
        cache_handle_query(C, m, qf_now);
        /* questions about something else do not count */
        peer_asks("board.local", DNS_TYPE_AAAA, false);
        peer_asks("other.local", DNS_TYPE_A, false);
        run_until(QF_T0 + 60 * SEC);
        ck_assert_uint_eq(n_removed, 0);

        /* two queries in the same second count once */
        cache_make(7, 0);
        receive_a("board.local", "169.254.1.1", 4500, true);
        qf_now = QF_T0 + 10 * SEC;
        peer_asks("board.local", DNS_TYPE_A, false);
        qf_now = QF_T0 + 10500 * MSEC;
        peer_asks("board.local", DNS_TYPE_A, false);
        run_until(QF_T0 + 60 * SEC);
        ck_assert_uint_eq(n_removed, 0);
}
END_TEST

START_TEST(test_poof_own_queries_count) {
        struct dns_question q = { .name = qf_name("board.local"), .type = DNS_TYPE_A, .qclass = DNS_CLASS_IN };

        receive_a("board.local", "169.254.1.1", 120, true);
        /* more than half the TTL left: it is one of our known answers, no answer expected */
        qf_now = QF_T0 + 10 * SEC;
        cache_note_own_question(C, &q, qf_now);
        qf_now = QF_T0 + 12 * SEC;
        cache_note_own_question(C, &q, qf_now);
        run_until(QF_T0 + 30 * SEC);
        ck_assert_uint_eq(n_removed, 0);
        /* under half: our queries (QU or not) expect it */
        qf_now = QF_T0 + 61 * SEC;
        cache_note_own_question(C, &q, qf_now);
        qf_now = QF_T0 + 63 * SEC;
        cache_note_own_question(C, &q, qf_now);
        run_until(QF_T0 + 71 * SEC - 1);
        ck_assert_uint_eq(n_removed, 0);
        run_until(QF_T0 + 71 * SEC);
        ck_assert_uint_eq(n_removed, 1);
        ck_assert_int_eq(removals[0].why, CACHE_REMOVE_POOF);
}
END_TEST

/* ---- §7.1: the known-answer boundary ------------------------------------------------------- */

START_TEST(test_known_answer_half_ttl_boundary) {
        const struct cache_entry *e;

        receive_a("board.local", "169.254.1.1", 120, true);
        e = find_a("board.local", "169.254.1.1");
        ck_assert(cache_entry_is_known_answer(e, QF_T0));
        ck_assert(cache_entry_is_known_answer(e, QF_T0 + 60 * SEC));
        ck_assert(!cache_entry_is_known_answer(e, QF_T0 + 60 * SEC + 1));
        ck_assert_uint_eq(cache_entry_ttl_remaining(e, QF_T0 + 60 * SEC), 60);
        /* odd TTL: exact, not rounded */
        receive_a("odd.local", "169.254.1.2", 121, true);
        e = find_a("odd.local", "169.254.1.2");
        ck_assert(cache_entry_is_known_answer(e, QF_T0 + 60500 * MSEC));
        ck_assert(!cache_entry_is_known_answer(e, QF_T0 + 60500 * MSEC + 1));
}
END_TEST

/* ---- the bound ------------------------------------------------------------------------------ */

static void flood(unsigned n, bool same_name, uint32_t ttl) {
        unsigned sent = 0;

        while (sent < n) {
                msg_begin_response();
                for (unsigned k = 0; k < 60 && sent < n; k++, sent++) {
                        char name[64];
                        uint32_t v = htonl(0x0a000000u + sent);

                        snprintf(name, sizeof name, same_name ? "flood.local" : "h%u.local", sent);
                        msg_rr(DNS_SECTION_ANSWER, name, DNS_TYPE_A, ttl, false, &v, 4);
                }
                receive(msg_end());
                ck_assert_uint_le(cache_size(C), cache_entries_max(C));
                qf_now += 10 * MSEC;
        }
}

START_TEST(test_bound_flood) {
        size_t bytes_full;
        unsigned logs;

        ck_assert_uint_eq(cache_entries_max(C), CACHE_ENTRIES_MAX_DEFAULT);
        /* a record with a long TTL received first survives the flood: the eviction takes the
         * record closest to its expiry */
        receive_a("keeper.local", "169.254.7.7", 4500, true);
        qf_capture_begin();
        flood(CACHE_ENTRIES_MAX_DEFAULT + 10, false, 120);
        bytes_full = cache_get_stats(C)->bytes;
        flood(100000, false, 120);
        logs = qf_capture_end("cache-entries-max");
        ck_assert_uint_eq(logs, 1);
        ck_assert_uint_eq(cache_size(C), CACHE_ENTRIES_MAX_DEFAULT);
        /* memory stopped growing at the bound */
        ck_assert_uint_eq(cache_get_stats(C)->bytes, bytes_full);
        ck_assert_uint_ge(cache_get_stats(C)->evicted, 100000 - CACHE_ENTRIES_MAX_DEFAULT);
        ck_assert_ptr_nonnull(find_a("keeper.local", "169.254.7.7"));
}
END_TEST

START_TEST(test_bound_flood_one_name_with_flush) {
        cache_make(9, 512);
        flood(20000, true, 120);
        ck_assert_uint_eq(cache_size(C), 512);
        /* then a cache-flush record for the name: everything older than a second goes */
        qf_now += 5 * SEC;
        receive_a("flood.local", "169.254.1.1", 120, true);
        run_until(qf_now + 2 * SEC);
        ck_assert_uint_eq(cache_size(C), 1);
}
END_TEST

START_TEST(test_bound_rdata_size) {
        static uint8_t big[CACHE_RDATA_MAX + 1];
        struct dns_rr rr;

        memset(big, 'a', sizeof big);
        big[0] = 200;
        big[201] = 200;
        big[402] = 200;
        big[603] = 200;
        big[804] = 200;
        big[1005] = 200;
        big[1206] = 94;
        /* 1301 octets: not cached */
        rr = qf_rr("big.local", DNS_TYPE_TXT, 4500, true, big, CACHE_RDATA_MAX + 1);
        ck_assert_int_eq(cache_add_record(C, &rr, qf_now), -EMSGSIZE);
        ck_assert_uint_eq(cache_size(C), 0);
        /* 1300 octets: cached, kept whole */
        big[1206] = 93;
        rr = qf_rr("big.local", DNS_TYPE_TXT, 4500, true, big, CACHE_RDATA_MAX);
        ck_assert_int_eq(cache_add_record(C, &rr, qf_now), 0);
        ck_assert_uint_eq(cache_size(C), 1);
        ck_assert_int_eq(memcmp(cache_entry_rr(cache_lookup(C, &rr))->rdata, big, CACHE_RDATA_MAX), 0);
        /* meta types are refused */
        rr = qf_rr("x.local", DNS_TYPE_OPT, 4500, false, big, 0);
        ck_assert_int_eq(cache_add_record(C, &rr, qf_now), -EINVAL);
}
END_TEST

START_TEST(test_clear_and_foreach) {
        receive_a("board.local", "169.254.1.1", 120, true);
        receive_a("board.local", "169.254.1.2", 120, false);
        receive_a("other.local", "169.254.1.3", 120, false);
        cache_clear(C);
        ck_assert_uint_eq(n_removed, 3);
        for (unsigned k = 0; k < 3; k++)
                ck_assert_int_eq(removals[k].why, CACHE_REMOVE_CLEARED);
        ck_assert_uint_eq(cache_size(C), 0);
        ck_assert_str_eq(cache_remove_reason_to_string(CACHE_REMOVE_POOF), "poof");
}
END_TEST

static Suite *cache_suite(void) {
        Suite *s = suite_create("cache");
        TCase *tc = tcase_create("rules");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, test_ttl_expiry);
        tcase_add_test(tc, test_ttl_renewed_on_reception);
        tcase_add_test(tc, test_cache_flush_one_second_rule);
        tcase_add_test(tc, test_cache_flush_same_packet_and_other_rrsets);
        tcase_add_test(tc, test_cache_flush_revived_within_the_second);
        tcase_add_test(tc, test_goodbye_deletes_after_one_second);
        tcase_add_test(tc, test_goodbye_unknown_ignored_and_revival);
        tcase_add_test(tc, test_refresh_points_with_jitter);
        tcase_add_test(tc, test_refresh_only_when_interested);
        tcase_add_test(tc, test_refresh_answer_restarts_schedule);
        tcase_add_test(tc, test_poof_two_unanswered_queries);
        tcase_add_test(tc, test_poof_answer_cancels);
        tcase_add_test(tc, test_poof_needs_two_qm_queries_without_known_answer);
        tcase_add_test(tc, test_poof_own_queries_count);
        tcase_add_test(tc, test_known_answer_half_ttl_boundary);
        tcase_add_test(tc, test_bound_flood);
        tcase_add_test(tc, test_bound_flood_one_name_with_flush);
        tcase_add_test(tc, test_bound_rdata_size);
        tcase_add_test(tc, test_clear_and_foreach);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        SRunner *sr = srunner_create(cache_suite());
        int failed;

        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
