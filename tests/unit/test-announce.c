/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Announcing (RFC 6762 §8.3), updates (§8.4), TTLs (§10), goodbyes (§10.1), the cache-flush bit
 * (§10.2), packets within the MTU without duplicates: the announce core, and the registry's
 * announcements on a fake clock. */
#include <check.h>
#include <errno.h>

#include "mdns-fake.h"
#include "mdns/announce.h"
#include "unit.h"

#define ETH0 2
#define MS USEC_PER_MSEC

/* ---- the pure core ---- */

START_TEST(test_core_schedule) {
        struct announce a;
        usec_t t = 100 * USEC_PER_SEC;

        announce_init(&a);
        ck_assert(!announce_pending(&a));
        announce_start(&a, t);
        ck_assert(announce_due(&a, t));
        /* §8.3: at least two, one second apart, the interval doubling; ANNOUNCE_NUM in all */
        ck_assert(!announce_sent(&a, t));
        ck_assert_uint_eq(a.next, t + 1 * USEC_PER_SEC);
        ck_assert(!announce_due(&a, t + 999 * MS));
        ck_assert(!announce_sent(&a, t + 1 * USEC_PER_SEC));
        ck_assert_uint_eq(a.next, t + 3 * USEC_PER_SEC);
        ck_assert(announce_sent(&a, t + 3 * USEC_PER_SEC)); /* the series is complete */
        ck_assert(!announce_pending(&a));
        ck_assert(!announce_due(&a, t + 3600 * USEC_PER_SEC)); /* never periodic */
        ck_assert_int_ge(ANNOUNCE_NUM, 2);
        ck_assert_int_le(ANNOUNCE_NUM, ANNOUNCE_NUM_MAX);
}
END_TEST

START_TEST(test_core_ttl) {
        struct dns_rr a = fake_a("h.local", "10.0.0.1"), x = fake_aaaa("h.local", "fe80::1");
        struct dns_rr ptr = fake_ptr("_http._tcp.local", "web._http._tcp.local");
        struct dns_rr rev = fake_ptr("1.0.0.10.in-addr.arpa", "h.local");
        struct dns_rr rev6 = fake_ptr("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.e.f.ip6.arpa", "h.local");
        struct dns_rr txt = fake_txt("web._http._tcp.local", "a=b");

        /* §10: 120 s with a host name (A, AAAA, HINFO, SRV, reverse PTR), 75 min for others */
        ck_assert_uint_eq(announce_default_ttl(&a), 120);
        ck_assert_uint_eq(announce_default_ttl(&x), 120);
        ck_assert_uint_eq(announce_default_ttl(&rev), 120);
        ck_assert_uint_eq(announce_default_ttl(&rev6), 120);
        ck_assert_uint_eq(announce_default_ttl(&ptr), 4500);
        ck_assert_uint_eq(announce_default_ttl(&txt), 4500);
}
END_TEST

START_TEST(test_core_update_limit) {
        struct announce_update_limiter l = { 0 };
        usec_t t = 50 * USEC_PER_SEC;

        /* §8.4: ten updates a minute */
        for (int k = 0; k < MDNS_UPDATES_MAX; k++) {
                ck_assert_uint_eq(announce_update_allowed_at(&l, t + k * MS), t + k * MS);
                announce_update_add(&l, t + k * MS);
        }
        ck_assert_uint_eq(announce_update_allowed_at(&l, t + 20 * MS), t + USEC_PER_MINUTE);
        ck_assert_uint_eq(announce_update_allowed_at(&l, t + USEC_PER_MINUTE + 5 * MS), t + USEC_PER_MINUTE + 5 * MS);
}
END_TEST

static void collect(void *userdata, const uint8_t *pkt, size_t len) {
        (void) userdata;
        fake_send(NULL, ETH0, AF_INET, pkt, len);
}

START_TEST(test_core_packer) {
        static uint8_t buf[DNS_PACKET_MAX];
        struct announce_packer p;
        struct dns_rr rrs[40];
        char name[64], text[201];

        fake_setup();
        memset(text, 'y', 200);
        text[200] = '\0';
        for (int k = 0; k < 40; k++) {
                snprintf(name, sizeof name, "s%d.local", k);
                rrs[k] = fake_txt(name, text);
        }
        announce_packer_init(&p, buf, 1472, false, collect, NULL);
        for (int k = 0; k < 40; k++) {
                const struct dns_rr *one = &rrs[k];

                ck_assert_uint_eq(announce_packer_add(&p, &one, 1), 1);
                ck_assert_uint_eq(announce_packer_add(&p, &one, 1), 1); /* already in: not again */
        }
        announce_packer_finish(&p);
        ck_assert_uint_gt(fake_n_sent, 1);
        size_t total = 0;
        for (size_t k = 0; k < fake_n_sent; k++) {
                const struct dns_msg *m = fake_parse(k);

                ck_assert_uint_le(fake_sent[k].len, 1472);
                ck_assert_uint_eq(m->flags, MDNS_FLAGS_RESPONSE);
                ck_assert_uint_eq(m->id, 0);
                ck_assert_uint_eq(m->qdcount, 0);
                for (unsigned i = 0; i < m->ancount; i++)
                        for (unsigned j = i + 1; j < m->ancount; j++)
                                ck_assert(!dns_rr_equal(&m->an[i], &m->an[j]));
                total += m->ancount;
        }
        ck_assert_uint_eq(total, 40);
        fake_teardown();
}
END_TEST

START_TEST(test_core_packer_rrset_together) {
        static uint8_t buf[DNS_PACKET_MAX];
        struct announce_packer p;
        struct dns_rr fill = fake_txt("fill.local", "0123456789012345678901234567890123456789"), set[8];
        const struct dns_rr *one = &fill, *ps[8];
        char addr[32];

        fake_setup();
        for (int k = 0; k < 8; k++) {
                snprintf(addr, sizeof addr, "10.0.0.%d", k + 1);
                set[k] = fake_a("h.local", addr);
                ps[k] = &set[k];
        }
        /* a packet that has room for the filler and part of the set: the set starts a new one */
        announce_packer_init(&p, buf, DNS_HEADER_SIZE + 60 + 4 * 20, false, collect, NULL);
        announce_packer_add(&p, &one, 1);
        ck_assert_uint_eq(announce_packer_add(&p, ps, 8), 8);
        announce_packer_finish(&p);
        ck_assert_uint_ge(fake_n_sent, 2);
        ck_assert_uint_eq(fake_count_rr(0, DNS_SECTION_ANSWER, "h.local", DNS_TYPE_A), 0);
        ck_assert_uint_eq(fake_count_rr(1, DNS_SECTION_ANSWER, "h.local", DNS_TYPE_A), fake_parse(1)->ancount);
        fake_teardown();
}
END_TEST

/* ---- announcements from the registry ---- */

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

static size_t responses(size_t *idx, size_t max) {
        return fake_find(false, ETH0, AF_INET, idx, max);
}

static struct reg_record *add(const struct dns_rr *rr, unsigned flags) {
        struct reg_record *rec;

        ck_assert_int_eq(reg_group_add(G, rr, flags, 0, AF_UNSPEC, fake_now, &rec), 0);
        return rec;
}

START_TEST(test_announce_count_and_spacing) {
        struct dns_rr a = fake_a("board.local", "169.254.1.1");
        size_t idx[16], probes[4];

        add(&a, REG_UNIQUE);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        fake_advance(2 * 3600 * USEC_PER_SEC); /* two hours: nothing periodic */
        ck_assert_uint_eq(fake_find(true, ETH0, AF_INET, probes, 4), 3);
        ck_assert_uint_eq(responses(idx, 16), ANNOUNCE_NUM);
        /* §8.3: 250 ms after the last probe, then 1 s later, then 2 s later (doubling) */
        ck_assert_uint_eq(fake_sent[idx[0]].when, fake_sent[probes[2]].when + 250 * MS);
        ck_assert_uint_eq(fake_sent[idx[1]].when - fake_sent[idx[0]].when, 1 * USEC_PER_SEC);
        ck_assert_uint_eq(fake_sent[idx[2]].when - fake_sent[idx[1]].when, 2 * USEC_PER_SEC);
        /* announcing until the series ends, then established */
        ck_assert_int_eq(st.s[0], REG_GROUP_PROBING);
        ck_assert_int_eq(st.s[1], REG_GROUP_ANNOUNCING);
        ck_assert_int_eq(st.s[2], REG_GROUP_ESTABLISHED);
        ck_assert_uint_eq(st.when[1], fake_sent[idx[0]].when);
        ck_assert_uint_eq(st.when[2], fake_sent[idx[2]].when);
        ck_assert_uint_eq(registry_next_timeout(R), USEC_INFINITY);
}
END_TEST

START_TEST(test_announce_format) {
        struct dns_rr a = fake_a("board.local", "169.254.1.1");
        struct dns_rr ptr = fake_ptr("_http._tcp.local", "Web._http._tcp.local");
        struct dns_rr rev = fake_ptr("1.1.254.169.in-addr.arpa", "board.local");
        size_t idx[16];
        const struct dns_msg *m;

        add(&a, REG_UNIQUE);
        add(&ptr, 0);
        add(&rev, REG_UNIQUE | REG_NO_PROBE);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(responses(idx, 16), ANNOUNCE_NUM);
        for (size_t k = 0; k < ANNOUNCE_NUM; k++) {
                m = fake_parse(idx[k]);
                /* §18: ID 0, QR and AA, no questions; everything due in one packet */
                ck_assert_uint_eq(m->id, 0);
                ck_assert_uint_eq(m->flags, MDNS_FLAGS_RESPONSE);
                ck_assert_uint_eq(m->qdcount, 0);
                ck_assert_uint_eq(m->ancount, 3);
                for (unsigned j = 0; j < m->ancount; j++) {
                        const struct dns_rr *x = &m->an[j];

                        if (x->type == DNS_TYPE_A) {
                                ck_assert(x->cache_flush); /* §10.2: unique */
                                ck_assert_uint_eq(x->ttl, 120);
                        } else if (dns_name_equal(&x->name, &ptr.name)) {
                                ck_assert(!x->cache_flush); /* §10.2: never on shared records */
                                ck_assert_uint_eq(x->ttl, 4500);
                        } else {
                                ck_assert(x->cache_flush);
                                ck_assert_uint_eq(x->ttl, 120); /* §10: reverse mapping */
                        }
                }
        }
}
END_TEST

START_TEST(test_announce_shared_only_group) {
        /* shared records are not probed: announced at once */
        struct dns_rr ptr = fake_ptr("_http._tcp.local", "Web._http._tcp.local");
        size_t idx[16];

        add(&ptr, 0);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_ANNOUNCING);
        usec_t t0 = fake_now;
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(fake_find(true, ETH0, AF_INET, idx, 16), 0);
        ck_assert_uint_eq(responses(idx, 16), ANNOUNCE_NUM);
        ck_assert_uint_eq(fake_sent[idx[0]].when, t0);
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_ESTABLISHED);
}
END_TEST

START_TEST(test_announce_aggregated_and_split) {
        /* 60 groups of a 200-byte TXT each, committed together: each round of announcements is as
         * few packets as the MTU allows, every record once per round, none twice in a packet */
        struct reg_group *gs[60];
        struct fake_states sts[60];
        char name[64], text[201];
        size_t idx[64], n;

        memset(text, 'z', 200);
        text[200] = '\0';
        for (int k = 0; k < 60; k++) {
                snprintf(name, sizeof name, "svc%d._x._tcp.local", k);
                struct dns_rr t = fake_txt(name, text);
                memset(&sts[k], 0, sizeof sts[k]);
                ck_assert_int_eq(reg_group_new(R, fake_on_state, &sts[k], &gs[k]), 0);
                ck_assert_int_eq(reg_group_add(gs[k], &t, 0, 0, AF_UNSPEC, fake_now, NULL), 0);
                ck_assert_int_eq(reg_group_commit(gs[k], fake_now), 0);
        }
        fake_advance(10 * USEC_PER_SEC);
        n = responses(idx, 64);
        ck_assert_uint_eq(n % ANNOUNCE_NUM, 0);
        size_t per_round = n / ANNOUNCE_NUM, total = 0;
        ck_assert_uint_ge(per_round, 60 * 230 / 1472);
        ck_assert_uint_le(per_round, 60 * 230 / 1472 + 2);
        for (size_t k = 0; k < n; k++) {
                const struct dns_msg *m = fake_parse(idx[k]);

                ck_assert_uint_le(fake_sent[idx[k]].len, 1472);
                for (unsigned i = 0; i < m->ancount; i++)
                        for (unsigned j = i + 1; j < m->ancount; j++)
                                ck_assert(!dns_rr_equal(&m->an[i], &m->an[j]));
                total += m->ancount;
        }
        ck_assert_uint_eq(total, 60 * ANNOUNCE_NUM);
}
END_TEST

START_TEST(test_announce_no_duplicate_shared) {
        /* the same shared record in two groups goes out once per packet */
        struct reg_group *g2;
        struct fake_states st2 = { 0 };
        struct dns_rr ptr = fake_ptr("_services._dns-sd._udp.local", "_http._tcp.local");
        size_t idx[16];

        add(&ptr, 0);
        ck_assert_int_eq(reg_group_new(R, fake_on_state, &st2, &g2), 0);
        ck_assert_int_eq(reg_group_add(g2, &ptr, 0, 0, AF_UNSPEC, fake_now, NULL), 0);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        ck_assert_int_eq(reg_group_commit(g2, fake_now), 0);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(responses(idx, 16), ANNOUNCE_NUM);
        ck_assert_uint_eq(fake_parse(idx[0])->ancount, 1);

        /* withdrawing one group sends no goodbye: the other still publishes it */
        size_t before = fake_n_sent;
        reg_group_free(g2, fake_now);
        fake_advance(USEC_PER_SEC);
        ck_assert_uint_eq(fake_n_sent, before);
        /* withdrawing the last one does */
        reg_group_withdraw(G, fake_now);
        fake_advance(USEC_PER_SEC);
        ck_assert_uint_eq(fake_n_sent, before + 1);
        ck_assert_uint_eq(fake_parse(before)->an[0].ttl, 0);
}
END_TEST

START_TEST(test_goodbye_on_withdraw) {
        struct dns_rr a = fake_a("board.local", "169.254.1.1"), x = fake_aaaa("board.local", "fe80::1");
        struct dns_rr ptr = fake_ptr("_http._tcp.local", "Web._http._tcp.local");
        size_t n;
        const struct dns_msg *m;

        add(&a, REG_UNIQUE);
        add(&x, REG_UNIQUE);
        add(&ptr, 0);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        fake_advance(10 * USEC_PER_SEC);
        n = fake_n_sent;
        reg_group_withdraw(G, fake_now);
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_WITHDRAWN);
        ck_assert_uint_eq(registry_next_timeout(R), 0); /* goodbyes go out at once */
        fake_advance(0);
        ck_assert_uint_eq(fake_n_sent, n + 1);
        m = fake_parse(n);
        /* §10.1: same records, TTL 0; no cache-flush bit (it would flush the rest of the RRset) */
        ck_assert_uint_eq(m->flags, MDNS_FLAGS_RESPONSE);
        ck_assert_uint_eq(m->ancount, 3);
        for (unsigned k = 0; k < m->ancount; k++) {
                ck_assert_uint_eq(m->an[k].ttl, 0);
                ck_assert(!m->an[k].cache_flush);
        }
        /* nothing answerable, nothing more sent; commit again republishes (probing first) */
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(fake_n_sent, n + 1);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_PROBING);
}
END_TEST

START_TEST(test_no_goodbye_for_unpublished) {
        struct dns_rr a = fake_a("board.local", "169.254.1.1");
        size_t n;

        add(&a, REG_UNIQUE);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        fake_until_probes(ETH0, AF_INET, 1);
        n = fake_n_sent;
        /* still probing: it was never published, so no goodbye */
        reg_group_free(G, fake_now);
        G = NULL;
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(fake_n_sent, n);
}
END_TEST

START_TEST(test_goodbye_on_address_removed) {
        struct dns_rr a1 = fake_a("board.local", "169.254.1.1"), a2 = fake_a("board.local", "169.254.1.2");
        struct dns_rr a3 = fake_a("board.local", "169.254.1.3");
        struct reg_record *r2;
        struct dns_name n = fake_name("board.local");
        struct reg_lookup it;
        struct reg_answer ans;
        size_t before, idx[32];
        unsigned count = 0;

        add(&a1, REG_UNIQUE);
        r2 = add(&a2, REG_UNIQUE);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        fake_advance(10 * USEC_PER_SEC);
        before = fake_n_sent;
        reg_record_remove(r2, fake_now);
        fake_advance(0);
        ck_assert_uint_eq(fake_n_sent, before + 1);
        ck_assert_uint_eq(fake_parse(before)->ancount, 1);
        ck_assert_uint_eq(fake_parse(before)->an[0].ttl, 0);
        ck_assert(dns_rr_equal(&fake_parse(before)->an[0], &a2));
        /* no longer answered */
        registry_lookup_init(&it, R, &n, DNS_TYPE_A, DNS_CLASS_IN, ETH0, AF_INET);
        while (registry_lookup_next(&it, &ans)) {
                ck_assert(dns_rr_equal(ans.rr, &a1));
                count++;
        }
        ck_assert_uint_eq(count, 1);

        /* §8.4 / §10.2: a new address under the established name is announced at once, without
         * probing, with the rest of its RRset (cache-flush would drop members left out) */
        before = fake_n_sent;
        add(&a3, REG_UNIQUE);
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_ANNOUNCING);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(fake_find(true, ETH0, AF_INET, idx, 32), 3);
        ck_assert_uint_eq(fake_n_sent - before, ANNOUNCE_NUM);
        for (size_t k = before; k < fake_n_sent; k++)
                ck_assert_uint_eq(fake_count_rr(k, DNS_SECTION_ANSWER, "board.local", DNS_TYPE_A), 2);
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_ESTABLISHED);
}
END_TEST

START_TEST(test_goodbyes_on_shutdown) {
        struct reg_group *g2;
        struct fake_states st2 = { 0 };
        struct dns_rr a = fake_a("board.local", "169.254.1.1"), t = fake_txt("Web._http._tcp.local", "x=1");
        size_t n;

        add(&a, REG_UNIQUE);
        ck_assert_int_eq(reg_group_new(R, fake_on_state, &st2, &g2), 0);
        ck_assert_int_eq(reg_group_add(g2, &t, REG_UNIQUE, 0, AF_UNSPEC, fake_now, NULL), 0);
        ck_assert_int_eq(registry_link_add(R, ETH0, AF_INET6, "eth0", 1452, fake_now), 0);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        ck_assert_int_eq(reg_group_commit(g2, fake_now), 0);
        fake_advance(10 * USEC_PER_SEC);
        n = fake_n_sent;
        /* clean shutdown: everything, on every link, before the call returns */
        registry_withdraw_all(R, fake_now);
        ck_assert_uint_eq(fake_n_sent, n + 2);
        for (size_t k = n; k < n + 2; k++) {
                const struct dns_msg *m = fake_parse(k);

                ck_assert_uint_eq(m->ancount, 2);
                ck_assert_uint_eq(m->an[0].ttl, 0);
                ck_assert_uint_eq(m->an[1].ttl, 0);
        }
        ck_assert(fake_sent[n].family != fake_sent[n + 1].family);
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_WITHDRAWN);
        ck_assert_int_eq(reg_group_get_state(g2), REG_GROUP_WITHDRAWN);
}
END_TEST

START_TEST(test_update_rate_limit) {
        struct dns_rr t = fake_txt("Web._http._tcp.local", "v=0");
        struct dns_rr shared = fake_ptr("_http._tcp.local", "Web._http._tcp.local");
        struct reg_record *rec, *rs;
        uint8_t rdata[16];
        usec_t t0;
        size_t n;

        rec = add(&t, REG_UNIQUE);
        rs = add(&shared, 0);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        fake_advance(10 * USEC_PER_SEC);
        t0 = fake_now;
        /* §8.4: ten updates in a minute go out at once */
        for (int k = 1; k <= MDNS_UPDATES_MAX; k++) {
                rdata[0] = 3;
                memcpy(rdata + 1, "v=", 2);
                rdata[3] = (uint8_t) ('0' + k % 10);
                n = fake_n_sent;
                ck_assert_int_eq(reg_record_update(rec, rdata, 4, fake_now), 0);
                fake_advance(100 * MS);
                ck_assert_uint_eq(fake_n_sent, n + 1);
                ck_assert_uint_eq(fake_parse(n)->an[0].rdata[3], rdata[3]);
        }
        /* the eleventh waits until a minute after the first */
        rdata[3] = 'X';
        n = fake_n_sent;
        ck_assert_int_eq(reg_record_update(rec, rdata, 4, fake_now), 0);
        fake_advance(10 * USEC_PER_SEC);
        for (size_t k = n; k < fake_n_sent; k++)
                ck_assert_uint_ne(fake_parse(k)->an[0].rdata[3], 'X');
        fake_advance_to(t0 + USEC_PER_MINUTE - 1);
        ck_assert_uint_eq(fake_n_sent, n + 2); /* only the previous series' last two */
        fake_advance_to(t0 + USEC_PER_MINUTE);
        ck_assert_uint_eq(fake_n_sent, n + 3);
        ck_assert_uint_eq(fake_parse(n + 2)->an[0].rdata[3], 'X');
        ck_assert_uint_eq(fake_sent[n + 2].when, t0 + USEC_PER_MINUTE);

        /* §8.4: a shared record's old rdata gets a goodbye before the new is announced */
        struct dns_name target = fake_name("Other._http._tcp.local");
        uint8_t prdata[DNS_NAME_MAX];
        int len = dns_rdata_build_name(prdata, sizeof prdata, &target);
        fake_advance(10 * USEC_PER_SEC);
        n = fake_n_sent;
        ck_assert_int_eq(reg_record_update(rs, prdata, (uint16_t) len, fake_now), 0);
        fake_advance(0);
        ck_assert_uint_ge(fake_n_sent, n + 2);
        ck_assert_uint_eq(fake_parse(n)->an[0].ttl, 0);
        ck_assert(dns_rr_equal(&fake_parse(n)->an[0], &shared));
        ck_assert_uint_eq(fake_parse(n + 1)->an[0].ttl, 4500);
        ck_assert(!dns_rr_equal(&fake_parse(n + 1)->an[0], &shared));
}
END_TEST

static Suite *announce_suite(void) {
        Suite *s = suite_create("announce");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_core_schedule);
        tcase_add_test(tc, test_core_ttl);
        tcase_add_test(tc, test_core_update_limit);
        tcase_add_test(tc, test_core_packer);
        tcase_add_test(tc, test_core_packer_rrset_together);
        suite_add_tcase(s, tc);

        tc = tcase_create("wire");
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_announce_count_and_spacing);
        tcase_add_test(tc, test_announce_format);
        tcase_add_test(tc, test_announce_shared_only_group);
        tcase_add_test(tc, test_announce_aggregated_and_split);
        tcase_add_test(tc, test_announce_no_duplicate_shared);
        tcase_add_test(tc, test_goodbye_on_withdraw);
        tcase_add_test(tc, test_no_goodbye_for_unpublished);
        tcase_add_test(tc, test_goodbye_on_address_removed);
        tcase_add_test(tc, test_goodbyes_on_shutdown);
        tcase_add_test(tc, test_update_rate_limit);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        return unit_run(announce_suite());
}
