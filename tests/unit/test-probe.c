/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Probing (RFC 6762 §8.1), the simultaneous-probe tie-break (§8.2, §8.2.1): the probe core on its
 * own, and the probes the registry sends and how it reacts to other hosts' probes, on a fake
 * clock with a seeded rng. */
#include <check.h>
#include <errno.h>

#include "mdns-fake.h"
#include "mdns/probe.h"
#include "unit.h"

#define ETH0 2
#define MS USEC_PER_MSEC

/* ---- the pure core ---- */

START_TEST(test_core_timing) {
        struct probe p;
        usec_t t = 5000 * MS;

        probe_init(&p);
        ck_assert_int_eq(probe_handle_timeout(&p, t), PROBE_ACTION_NONE);
        ck_assert_uint_eq(probe_next_timeout(&p), USEC_INFINITY);
        probe_start(&p, t, 100 * MS);
        ck_assert(!probe_has_sent(&p));
        ck_assert_uint_eq(probe_next_timeout(&p), t + 100 * MS);
        ck_assert_int_eq(probe_handle_timeout(&p, t + 99 * MS), PROBE_ACTION_NONE); /* early: nothing */
        t += 100 * MS;
        for (int k = 0; k < PROBE_NUM; k++) {
                ck_assert_int_eq(probe_handle_timeout(&p, t), PROBE_ACTION_SEND);
                probe_sent(&p, t);
                ck_assert(probe_has_sent(&p));
                /* §8.1: 250 ms between probes, the decision 250 ms after the third */
                ck_assert_uint_eq(probe_next_timeout(&p), t + 250 * MS);
                ck_assert_int_eq(probe_handle_timeout(&p, t + 249 * MS), PROBE_ACTION_NONE);
                t += 250 * MS;
        }
        ck_assert_int_eq(probe_handle_timeout(&p, t), PROBE_ACTION_DONE);
        ck_assert(!probe_is_running(&p));
        ck_assert_int_eq(probe_handle_timeout(&p, t + USEC_PER_SEC), PROBE_ACTION_NONE);
}
END_TEST

START_TEST(test_core_defer) {
        struct probe p;
        usec_t t = 1000 * MS;

        probe_init(&p);
        probe_start(&p, t, 0);
        ck_assert_int_eq(probe_handle_timeout(&p, t), PROBE_ACTION_SEND);
        probe_sent(&p, t);
        ck_assert_int_eq(probe_handle_timeout(&p, t + 250 * MS), PROBE_ACTION_SEND);
        probe_sent(&p, t + 250 * MS);
        /* §8.2: lost a tie-break at +300 ms: nothing for one second, then three probes again */
        probe_defer(&p, t + 300 * MS);
        ck_assert(!probe_has_sent(&p));
        ck_assert_uint_eq(probe_next_timeout(&p), t + 1300 * MS);
        ck_assert_int_eq(probe_handle_timeout(&p, t + 1299 * MS), PROBE_ACTION_NONE);
        t += 1300 * MS;
        for (int k = 0; k < PROBE_NUM; k++) {
                ck_assert_int_eq(probe_handle_timeout(&p, t), PROBE_ACTION_SEND);
                probe_sent(&p, t);
                t += 250 * MS;
        }
        ck_assert_int_eq(probe_handle_timeout(&p, t), PROBE_ACTION_DONE);
}
END_TEST

START_TEST(test_core_tiebreak) {
        struct dns_rr a1 = fake_a("h.local", "10.0.0.1"), a2 = fake_a("h.local", "10.0.0.2");
        struct dns_rr a9 = fake_a("h.local", "10.0.0.9"), aaaa = fake_aaaa("h.local", "fe80::1");
        const struct dns_rr *one[] = { &a1 }, *two[] = { &a2 };
        const struct dns_rr *s19[] = { &a9, &a1 }, *s12[] = { &a1, &a2 }, *s1[] = { &a1 }, *s1x[] = { &aaaa, &a1 };

        /* §8.2 single record: the later rdata wins */
        ck_assert_int_eq(probe_tiebreak(two, 1, one, 1), PROBE_TIEBREAK_WIN);
        ck_assert_int_eq(probe_tiebreak(one, 1, two, 1), PROBE_TIEBREAK_LOSE);
        ck_assert_int_eq(probe_tiebreak(one, 1, one, 1), PROBE_TIEBREAK_SAME);
        /* §8.2.1 several records: sorted, compared in turn (order in the packet does not matter) */
        ck_assert_int_eq(probe_tiebreak(s19, 2, s12, 2), PROBE_TIEBREAK_WIN);
        ck_assert_int_eq(probe_tiebreak(s12, 2, s19, 2), PROBE_TIEBREAK_LOSE);
        /* the set with records remaining is later */
        ck_assert_int_eq(probe_tiebreak(s1, 1, s12, 2), PROBE_TIEBREAK_LOSE);
        ck_assert_int_eq(probe_tiebreak(s12, 2, s1, 1), PROBE_TIEBREAK_WIN);
        /* type compared before rdata: AAAA (28) > A (1) */
        ck_assert_int_eq(probe_tiebreak(s1x, 2, s12, 2), PROBE_TIEBREAK_WIN);
}
END_TEST

START_TEST(test_core_history) {
        struct dns_rr a1 = fake_a("h.local", "10.0.0.1"), a9 = fake_a("h.local", "10.0.0.9");
        struct dns_rr a5 = fake_a("h.local", "10.0.0.5"), a7 = fake_a("h.local", "10.0.0.7");
        const struct dns_rr *sent[] = { &a1, &a9 }, *now_set[] = { &a1, &a5 }, *peer[] = { &a1, &a7 };
        struct probe_history h;

        probe_history_init(&h);
        ck_assert_int_eq(probe_history_add(&h, sent, 2, 10), 0);
        /* our own earlier probe {1, 9} against our current {1, 5}: ours would "lose" if compared
         * with the current set — it is recognised as what we sent (§8.2.1) */
        ck_assert_int_eq(probe_tiebreak(now_set, 2, sent, 2), PROBE_TIEBREAK_LOSE);
        ck_assert_int_eq(probe_history_tiebreak(&h, now_set, 2, sent, 2), PROBE_TIEBREAK_SAME);
        /* a peer's {1, 7} is compared with what we last sent, {1, 9}: we win */
        ck_assert_int_eq(probe_history_tiebreak(&h, now_set, 2, peer, 2), PROBE_TIEBREAK_WIN);
        probe_history_clear(&h);
        /* nothing sent yet: the current set decides */
        ck_assert_int_eq(probe_history_tiebreak(&h, now_set, 2, peer, 2), PROBE_TIEBREAK_LOSE);
        probe_history_clear(&h);
}
END_TEST

/* ---- probes on the wire, from the registry ---- */

static struct fake_states st;
static struct reg_group *G;

static void setup(void) {
        fake_setup();
        memset(&st, 0, sizeof st);
        ck_assert_int_eq(registry_link_add(R, ETH0, AF_INET, "eth0", 1472, fake_now), 0);
        ck_assert_int_eq(reg_group_new(R, fake_on_state, &st, &G), 0);
}

static void teardown(void) {
        fake_teardown();
}

static void add(const struct dns_rr *rr, unsigned flags) {
        ck_assert_int_eq(reg_group_add(G, rr, flags, 0, AF_UNSPEC, fake_now, NULL), 0);
}

static size_t probes(size_t *idx, size_t max) {
        return fake_find(true, ETH0, AF_INET, idx, max);
}

static size_t responses(size_t *idx, size_t max) {
        return fake_find(false, ETH0, AF_INET, idx, max);
}

START_TEST(test_probe_windows) {
        /* §8.1 with many seeds: first probe 0–250 ms after commit, then 250 ms apart, the first
         * announcement 250 ms after the third; the initial wait varies */
        usec_t min_wait = USEC_INFINITY, max_wait = 0;

        for (uint64_t seed = 1; seed <= 40; seed++) {
                struct dns_rr a = fake_a("board.local", "169.254.1.1");
                size_t idx[8], n;
                usec_t t0;

                teardown();
                fake_setup_seed(seed);
                memset(&st, 0, sizeof st);
                ck_assert_int_eq(registry_link_add(R, ETH0, AF_INET, "eth0", 1472, fake_now), 0);
                ck_assert_int_eq(reg_group_new(R, fake_on_state, &st, &G), 0);
                add(&a, REG_UNIQUE);
                t0 = fake_now;
                ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
                ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_PROBING);
                fake_advance(10 * USEC_PER_SEC);

                n = probes(idx, 8);
                ck_assert_uint_eq(n, 3);
                usec_t w = fake_sent[idx[0]].when - t0;
                ck_assert_uint_le(w, 250 * MS);
                min_wait = MIN(min_wait, w);
                max_wait = MAX(max_wait, w);
                ck_assert_uint_eq(fake_sent[idx[1]].when - fake_sent[idx[0]].when, 250 * MS);
                ck_assert_uint_eq(fake_sent[idx[2]].when - fake_sent[idx[1]].when, 250 * MS);
                n = responses(idx + 3, 5);
                ck_assert_uint_ge(n, 1);
                /* nothing answerable before the decision, the first announcement right at it */
                ck_assert_uint_eq(fake_sent[idx[3]].when - fake_sent[idx[2]].when, 250 * MS);
                ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_ESTABLISHED);
        }
        ck_assert_uint_lt(min_wait, 60 * MS);
        ck_assert_uint_gt(max_wait, 190 * MS);
}
END_TEST

START_TEST(test_probe_not_answerable_while_probing) {
        struct dns_rr a = fake_a("board.local", "169.254.1.1");
        struct dns_name n = fake_name("board.local");
        struct reg_lookup it;
        struct reg_answer ans;

        add(&a, REG_UNIQUE);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        fake_until_probes(ETH0, AF_INET, 1);
        ck_assert(registry_name_is_probing(R, &n, ETH0, AF_INET));
        registry_lookup_init(&it, R, &n, DNS_TYPE_A, DNS_CLASS_IN, ETH0, AF_INET);
        ck_assert(!registry_lookup_next(&it, &ans));
        ck_assert(!registry_name_is_ours(R, &n, ETH0, AF_INET));
        fake_advance(2 * USEC_PER_SEC);
        registry_lookup_init(&it, R, &n, DNS_TYPE_A, DNS_CLASS_IN, ETH0, AF_INET);
        ck_assert(registry_lookup_next(&it, &ans));
        ck_assert(registry_name_is_ours(R, &n, ETH0, AF_INET));
        ck_assert(!registry_name_is_probing(R, &n, ETH0, AF_INET));
}
END_TEST

START_TEST(test_probe_format) {
        struct dns_rr a = fake_a("board.local", "169.254.1.1"), a2 = fake_a("board.local", "169.254.1.2");
        struct dns_rr x = fake_aaaa("board.local", "fe80::1");
        struct dns_rr ptr = fake_ptr("_http._tcp.local", "web._http._tcp.local");
        size_t idx[4];
        const struct dns_msg *m;
        struct dns_name n = fake_name("board.local");

        add(&a, REG_UNIQUE);
        add(&a2, REG_UNIQUE);
        add(&x, REG_UNIQUE);
        add(&ptr, 0); /* shared: never probed */
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        fake_until_probes(ETH0, AF_INET, 1);
        ck_assert_uint_eq(probes(idx, 4), 1);
        m = fake_parse(idx[0]);
        /* a query: ID 0, QR clear, opcode 0 */
        ck_assert_uint_eq(m->id, 0);
        ck_assert_uint_eq(m->flags, 0);
        /* §8.1: one question for the name, type ANY, class IN, the QU bit set */
        ck_assert_uint_eq(m->qdcount, 1);
        ck_assert(dns_name_equal(&m->qd[0].name, &n));
        ck_assert_uint_eq(m->qd[0].type, DNS_TYPE_ANY);
        ck_assert_uint_eq(m->qd[0].qclass, DNS_CLASS_IN);
        ck_assert(m->qd[0].unicast_response);
        /* the proposed records in the Authority section, without the cache-flush bit */
        ck_assert_uint_eq(m->ancount, 0);
        ck_assert_uint_eq(m->arcount, 0);
        ck_assert_uint_eq(m->nscount, 3);
        for (unsigned k = 0; k < m->nscount; k++) {
                ck_assert(dns_name_equal(&m->ns[k].name, &n));
                ck_assert(!m->ns[k].cache_flush);
                ck_assert_uint_eq(m->ns[k].ttl, 120);
                ck_assert_uint_eq(m->ns[k].rclass, DNS_CLASS_IN);
        }
        /* raw check: the question's class field is 0x8001 (QU) and nothing else */
        const uint8_t *p = fake_sent[idx[0]].data + DNS_HEADER_SIZE + n.len;
        ck_assert_uint_eq((p[0] << 8) | p[1], DNS_TYPE_ANY);
        ck_assert_uint_eq((p[2] << 8) | p[3], 0x8001);
}
END_TEST

START_TEST(test_probe_several_names_one_packet) {
        struct reg_group *g2;
        struct fake_states st2 = { 0 };
        struct dns_rr a = fake_a("board.local", "169.254.1.1");
        struct dns_rr srv_txt = fake_txt("Web._http._tcp.local", "path=/");
        size_t idx[8];
        const struct dns_msg *m;

        add(&a, REG_UNIQUE);
        ck_assert_int_eq(reg_group_new(R, fake_on_state, &st2, &g2), 0);
        ck_assert_int_eq(reg_group_add(g2, &srv_txt, REG_UNIQUE, 0, AF_UNSPEC, fake_now, NULL), 0);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        fake_advance(registry_next_timeout(R) - fake_now - 1);
        /* a second group committed before the first probe probes together with the first */
        ck_assert_int_eq(reg_group_commit(g2, fake_now), 0);
        fake_advance(5 * USEC_PER_SEC);
        ck_assert_uint_eq(probes(idx, 8), 3);
        m = fake_parse(idx[0]);
        ck_assert_uint_eq(m->qdcount, 2);
        ck_assert_uint_eq(m->nscount, 2);
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_ESTABLISHED);
        ck_assert_int_eq(reg_group_get_state(g2), REG_GROUP_ESTABLISHED);
}
END_TEST

START_TEST(test_probe_split_by_mtu) {
        /* §8.1 "several names per packet when they fit": 30 names with 200-byte TXT records on a
         * 1472-byte link: several packets, each within the MTU, every name asked exactly once
         * per round */
        struct reg_group *gs[30];
        struct fake_states sts[30];
        char name[64], text[201];
        size_t idx[64], n, questions = 0;

        memset(text, 'x', 200);
        text[200] = '\0';
        for (int k = 0; k < 30; k++) {
                snprintf(name, sizeof name, "svc%d._x._tcp.local", k);
                struct dns_rr t = fake_txt(name, text);
                memset(&sts[k], 0, sizeof sts[k]);
                ck_assert_int_eq(reg_group_new(R, fake_on_state, &sts[k], &gs[k]), 0);
                ck_assert_int_eq(reg_group_add(gs[k], &t, REG_UNIQUE, 0, AF_UNSPEC, fake_now, NULL), 0);
                ck_assert_int_eq(reg_group_commit(gs[k], fake_now), 0);
        }
        fake_advance(260 * MS); /* the first round only */
        n = probes(idx, 64);
        ck_assert_uint_gt(n, 1);
        for (size_t k = 0; k < n; k++) {
                const struct dns_msg *m = fake_parse(idx[k]);

                ck_assert_uint_le(fake_sent[idx[k]].len, 1472);
                ck_assert_uint_eq(m->qdcount, m->nscount); /* each name's question with its record */
                questions += m->qdcount;
        }
        ck_assert_uint_eq(questions, 30);
        fake_advance(5 * USEC_PER_SEC);
        for (int k = 0; k < 30; k++)
                ck_assert_int_eq(reg_group_get_state(gs[k]), REG_GROUP_ESTABLISHED);
}
END_TEST

START_TEST(test_tiebreak_we_win) {
        struct dns_rr ours = fake_a("board.local", "169.254.1.9"), theirs = fake_a("board.local", "169.254.1.3");
        size_t idx[8];

        add(&ours, REG_UNIQUE);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        fake_until_probes(ETH0, AF_INET, 1);
        ck_assert_uint_eq(probes(idx, 8), 1);
        /* §8.2: their data is earlier: ignore their probe */
        fake_receive_probe(ETH0, AF_INET, "169.254.1.3", &theirs, 1);
        fake_advance(5 * USEC_PER_SEC);
        ck_assert_uint_eq(probes(idx, 8), 3);
        ck_assert_uint_eq(fake_sent[idx[2]].when - fake_sent[idx[0]].when, 500 * MS);
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_ESTABLISHED);
        ck_assert_uint_eq(registry_get_stats(R)->tiebreaks_lost, 0);
}
END_TEST

START_TEST(test_tiebreak_we_lose) {
        struct dns_rr ours = fake_a("board.local", "169.254.1.3"), theirs = fake_a("board.local", "169.254.1.9");
        size_t idx[8];
        usec_t lost_at;

        add(&ours, REG_UNIQUE);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        fake_until_probes(ETH0, AF_INET, 1);
        ck_assert_uint_eq(probes(idx, 8), 1);
        fake_advance(100 * MS);
        lost_at = fake_now;
        /* §8.2: their data is later: wait one second, then probe again from the first probe */
        fake_receive_probe(ETH0, AF_INET, "169.254.1.9", &theirs, 1);
        ck_assert_uint_eq(registry_get_stats(R)->tiebreaks_lost, 1);
        ck_assert_uint_eq(registry_next_timeout(R), lost_at + USEC_PER_SEC);
        fake_advance(999 * MS);
        ck_assert_uint_eq(probes(idx, 8), 1);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(probes(idx, 8), 4);
        ck_assert_uint_eq(fake_sent[idx[1]].when, lost_at + USEC_PER_SEC);
        ck_assert_uint_eq(fake_sent[idx[2]].when, lost_at + USEC_PER_SEC + 250 * MS);
        ck_assert_uint_eq(fake_sent[idx[3]].when, lost_at + USEC_PER_SEC + 500 * MS);
        /* nobody answered the new probes: the name is ours after all */
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_ESTABLISHED);
        ck_assert_uint_eq(st.collisions, 0);
}
END_TEST

START_TEST(test_tiebreak_multi_record) {
        /* §8.2.1: both sets sorted and compared in turn */
        struct dns_rr o1 = fake_a("board.local", "169.254.1.1"), o2 = fake_a("board.local", "169.254.1.5");
        struct dns_rr t_lose[2] = { fake_a("board.local", "169.254.1.4"), fake_a("board.local", "169.254.1.1") };
        struct dns_rr t_win[3] = { fake_a("board.local", "169.254.1.5"), fake_a("board.local", "169.254.1.1"),
                                   fake_aaaa("board.local", "fe80::1") };
        size_t idx[8];

        add(&o1, REG_UNIQUE);
        add(&o2, REG_UNIQUE);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        fake_until_probes(ETH0, AF_INET, 1);
        /* {1.1, 1.4} vs ours {1.1, 1.5}: ours later, we win */
        fake_receive_probe(ETH0, AF_INET, "169.254.1.4", t_lose, 2);
        ck_assert_uint_eq(registry_get_stats(R)->tiebreaks_lost, 0);
        /* {1.1, 1.5, AAAA}: the same two and one more: theirs is later, we lose */
        fake_receive_probe(ETH0, AF_INET, "169.254.1.6", t_win, 3);
        ck_assert_uint_eq(registry_get_stats(R)->tiebreaks_lost, 1);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(probes(idx, 8), 4);
}
END_TEST

START_TEST(test_own_probe_looped_back) {
        struct dns_rr a = fake_a("board.local", "169.254.1.1"), x = fake_aaaa("board.local", "fe80::1");
        size_t idx[8];

        add(&a, REG_UNIQUE);
        add(&x, REG_UNIQUE);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        fake_until_probes(ETH0, AF_INET, 1);
        ck_assert_uint_eq(probes(idx, 8), 1);
        /* §8.2.1: our own probe comes back (identical sets): no conflict */
        fake_receive(ETH0, AF_INET, "169.254.1.1", fake_sent[idx[0]].data, fake_sent[idx[0]].len);
        ck_assert_uint_eq(registry_get_stats(R)->own_probes_ignored, 1);
        ck_assert_uint_eq(registry_get_stats(R)->tiebreaks_lost, 0);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(probes(idx, 8), 3);
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_ESTABLISHED);
}
END_TEST

START_TEST(test_own_probe_after_address_churn) {
        /* §8.2.1 and Avahi bug #117: addresses change between sending a probe and getting it back.
         * Our first probe carries {1.1, 1.9}; then 1.9 goes and 1.5 comes: compared with the
         * current set, the looped-back probe would be "later" and we would defer — or, as Avahi
         * did, rename. It must be recognised as ours. */
        struct dns_rr a1 = fake_a("board.local", "169.254.1.1"), a9 = fake_a("board.local", "169.254.1.9");
        struct dns_rr a5 = fake_a("board.local", "169.254.1.5");
        struct reg_record *r9;
        size_t idx[16];
        uint8_t first[DNS_PACKET_MAX], second[DNS_PACKET_MAX];
        size_t first_len, second_len;

        add(&a1, REG_UNIQUE);
        ck_assert_int_eq(reg_group_add(G, &a9, REG_UNIQUE, 0, AF_UNSPEC, fake_now, &r9), 0);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        fake_until_probes(ETH0, AF_INET, 1);
        ck_assert_uint_eq(probes(idx, 16), 1);
        first_len = fake_sent[idx[0]].len;
        memcpy(first, fake_sent[idx[0]].data, first_len);

        reg_record_remove(r9, fake_now);
        add(&a5, REG_UNIQUE);
        fake_until_probes(ETH0, AF_INET, 2);
        ck_assert_uint_eq(probes(idx, 16), 2);
        second_len = fake_sent[idx[1]].len;
        memcpy(second, fake_sent[idx[1]].data, second_len);
        /* 1.5 came after the attempt began: it waits for it to end (then is announced under the
         * name just verified); the second probe carries {1.1}, which {1.1, 1.9} beats */
        ck_assert_uint_eq(fake_count_rr(idx[1], DNS_SECTION_AUTHORITY, "board.local", DNS_TYPE_A), 1);

        /* both probes come back late, out of order, from an address no longer ours */
        fake_receive(ETH0, AF_INET, "169.254.1.9", second, second_len);
        fake_receive(ETH0, AF_INET, "169.254.1.9", first, first_len);
        ck_assert_uint_eq(registry_get_stats(R)->tiebreaks_lost, 0);
        ck_assert_uint_eq(registry_get_stats(R)->own_probes_ignored, 2);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_ESTABLISHED);
        ck_assert_uint_eq(st.collisions, 0);

        /* and 100 more add/remove cycles while established: our late copies never conflict */
        for (int k = 0; k < 100; k++) {
                char addr[32];
                struct reg_record *rx;

                snprintf(addr, sizeof addr, "169.254.2.%d", k + 1);
                struct dns_rr ax = fake_a("board.local", addr);
                ck_assert_int_eq(reg_group_add(G, &ax, REG_UNIQUE, 0, AF_UNSPEC, fake_now, &rx), 0);
                fake_advance(10 * MS);
                size_t before = fake_n_sent;
                ck_assert_uint_gt(before, 0);
                reg_record_remove(rx, fake_now);
                fake_advance(10 * MS);
                /* the announcement that carried it, coming back late */
                for (size_t j = 0; j < fake_n_sent; j++)
                        if (fake_is_response(j) && fake_count_rr(j, DNS_SECTION_ANSWER, "board.local", DNS_TYPE_A) >= 2 &&
                            fake_sent[j].when + 100 * MS >= fake_now) {
                                fake_receive(ETH0, AF_INET, addr, fake_sent[j].data, fake_sent[j].len);
                                break;
                        }
        }
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(registry_get_stats(R)->conflicts, 0);
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_ESTABLISHED);
}
END_TEST

START_TEST(test_response_while_probing) {
        struct dns_rr ours = fake_a("board.local", "169.254.1.1"), theirs = fake_a("board.local", "169.254.1.7");
        struct dns_rr same = fake_a("board.local", "169.254.1.1");
        struct dns_rr other_type = fake_txt("board.local", "hello");

        add(&ours, REG_UNIQUE);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        /* §8.1: a conflicting response before our first probe went out is ignored */
        fake_receive_response(ETH0, AF_INET, "169.254.1.7", &theirs, 1);
        ck_assert_int_eq(fake_last(&st), REG_GROUP_PROBING);
        fake_until_probes(ETH0, AF_INET, 1);
        /* an identical copy of our record is no conflict */
        fake_receive_response(ETH0, AF_INET, "169.254.1.7", &same, 1);
        ck_assert_int_eq(fake_last(&st), REG_GROUP_PROBING);
        /* §8.1: with type ANY probes, a record of any type with our name is a conflict */
        fake_receive_response(ETH0, AF_INET, "169.254.1.7", &other_type, 1);
        ck_assert_int_eq(fake_last(&st), REG_GROUP_COLLISION);
        ck_assert_str_eq(st.peer, "169.254.1.7");
        ck_assert_str_eq(st.name, "board.local");
        /* withdrawn everywhere: nothing more goes out, nothing is answerable */
        size_t n = fake_n_sent;
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(fake_n_sent, n);
        ck_assert_int_eq(reg_group_commit(G, fake_now), -EBUSY);
}
END_TEST

START_TEST(test_reprobe_on_link_change) {
        struct dns_rr a = fake_a("board.local", "169.254.1.1");
        size_t idx[16];

        add(&a, REG_UNIQUE);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(probes(idx, 16), 3);
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_ESTABLISHED);
        /* §8: link change → probe and announce again */
        registry_link_reprobe(R, ETH0, AF_INET, fake_now);
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_PROBING);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(probes(idx, 16), 6);
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_ESTABLISHED);
        /* a new link: probed there */
        ck_assert_int_eq(registry_link_add(R, 3, AF_INET6, "eth1", 1452, fake_now), 0);
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_PROBING);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(fake_find(true, 3, AF_INET6, idx, 16), 3);
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_ESTABLISHED);
}
END_TEST

static Suite *probe_suite(void) {
        Suite *s = suite_create("probe");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_core_timing);
        tcase_add_test(tc, test_core_defer);
        tcase_add_test(tc, test_core_tiebreak);
        tcase_add_test(tc, test_core_history);
        suite_add_tcase(s, tc);

        tc = tcase_create("wire");
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_probe_windows);
        tcase_add_test(tc, test_probe_not_answerable_while_probing);
        tcase_add_test(tc, test_probe_format);
        tcase_add_test(tc, test_probe_several_names_one_packet);
        tcase_add_test(tc, test_probe_split_by_mtu);
        tcase_add_test(tc, test_tiebreak_we_win);
        tcase_add_test(tc, test_tiebreak_we_lose);
        tcase_add_test(tc, test_tiebreak_multi_record);
        tcase_add_test(tc, test_own_probe_looped_back);
        tcase_add_test(tc, test_own_probe_after_address_churn);
        tcase_add_test(tc, test_response_while_probing);
        tcase_add_test(tc, test_reprobe_on_link_change);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        return unit_run(probe_suite());
}
