/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The registry's API: entry groups and their states, record scopes (interface, transport),
 * validation and bounds, local conflicts, the lookups the answering side makes (§6, §6.1), links
 * coming and going, and 1,000 services. */
#include <check.h>
#include <errno.h>

#include "mdns-fake.h"
#include "mdns/announce.h"
#include "unit.h"

#define ETH0 2
#define ETH1 3
#define MS USEC_PER_MSEC

static struct fake_states st;
static struct reg_group *G;

static void setup(void) {
        fake_setup();
        memset(&st, 0, sizeof st);
        ck_assert_int_eq(registry_link_add(R, ETH0, AF_INET, "eth0", 1472, fake_now), 0);
        ck_assert_int_eq(registry_link_add(R, ETH0, AF_INET6, "eth0", 1452, fake_now), 0);
        ck_assert_int_eq(registry_link_add(R, ETH1, AF_INET, "eth1", 1472, fake_now), 0);
        ck_assert_int_eq(reg_group_new(R, fake_on_state, &st, &G), 0);
}

static void teardown(void) {
        fake_teardown();
}

static unsigned count(const char *name, uint16_t type, int ifindex, int family) {
        struct dns_name n = fake_name(name);
        struct reg_lookup it;
        struct reg_answer a;
        unsigned c = 0;

        registry_lookup_init(&it, R, &n, type, DNS_CLASS_IN, ifindex, family);
        while (registry_lookup_next(&it, &a)) {
                ck_assert(dns_name_equal(&a.rr->name, &n));
                ck_assert(type == DNS_TYPE_ANY || a.rr->type == type);
                c++;
        }
        return c;
}

START_TEST(test_states) {
        struct dns_rr a = fake_a("board.local", "169.254.1.1");
        struct dns_rr ptr = fake_ptr("_http._tcp.local", "Web._http._tcp.local");

        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_UNCOMMITTED);
        ck_assert_int_eq(reg_group_add(G, &a, REG_UNIQUE, 0, AF_UNSPEC, fake_now, NULL), 0);
        ck_assert_int_eq(reg_group_add(G, &ptr, 0, 0, AF_UNSPEC, fake_now, NULL), 0);
        ck_assert_uint_eq(reg_group_get_n_records(G), 2);
        ck_assert_uint_eq(fake_n_sent, 0); /* nothing before commit */
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        ck_assert_int_eq(reg_group_commit(G, fake_now), -EALREADY);
        /* the shared PTR waits for the group's probes: nothing answerable yet */
        ck_assert_uint_eq(count("_http._tcp.local", DNS_TYPE_PTR, ETH0, AF_INET), 0);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(st.n, 3);
        ck_assert_int_eq(st.s[0], REG_GROUP_PROBING);
        ck_assert_int_eq(st.s[1], REG_GROUP_ANNOUNCING);
        ck_assert_int_eq(st.s[2], REG_GROUP_ESTABLISHED);
        ck_assert_uint_eq(count("_http._tcp.local", DNS_TYPE_PTR, ETH0, AF_INET), 1);
        reg_group_withdraw(G, fake_now);
        ck_assert_int_eq(fake_last(&st), REG_GROUP_WITHDRAWN);
        ck_assert_uint_eq(count("board.local", DNS_TYPE_ANY, ETH0, AF_INET), 0);
        reg_group_reset(G, fake_now);
        ck_assert_int_eq(fake_last(&st), REG_GROUP_UNCOMMITTED);
        ck_assert_uint_eq(reg_group_get_n_records(G), 0);
        ck_assert_str_eq(reg_group_state_to_string(REG_GROUP_COLLISION), "collision");
        ck_assert_ptr_null(reg_group_state_to_string(_REG_GROUP_STATE_MAX));
}
END_TEST

START_TEST(test_no_link_is_registering) {
        struct reg_group *g;
        struct fake_states s2 = { 0 };
        struct dns_rr a = fake_a("solo.local", "169.254.1.1");

        registry_link_remove(R, ETH0, AF_INET, false, fake_now);
        registry_link_remove(R, ETH0, AF_INET6, false, fake_now);
        registry_link_remove(R, ETH1, AF_INET, false, fake_now);
        ck_assert(!registry_link_exists(R, ETH0, AF_INET));
        ck_assert_int_eq(reg_group_new(R, fake_on_state, &s2, &g), 0);
        ck_assert_int_eq(reg_group_add(g, &a, REG_UNIQUE, 0, AF_UNSPEC, fake_now, NULL), 0);
        ck_assert_int_eq(reg_group_commit(g, fake_now), 0);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_int_eq(reg_group_get_state(g), REG_GROUP_PROBING);
        ck_assert_int_eq(registry_link_add(R, ETH0, AF_INET, "eth0", 1472, fake_now), 0);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_int_eq(reg_group_get_state(g), REG_GROUP_ESTABLISHED);
}
END_TEST

START_TEST(test_scopes) {
        struct dns_rr a0 = fake_a("board.local", "169.254.1.1"), a1 = fake_a("board.local", "10.1.1.1");
        struct dns_rr x = fake_aaaa("board.local", "fe80::1");

        /* eth0's address on eth0 only, eth1's on eth1 only; one record on IPv6 transport only */
        ck_assert_int_eq(reg_group_add(G, &a0, REG_UNIQUE, ETH0, AF_UNSPEC, fake_now, NULL), 0);
        ck_assert_int_eq(reg_group_add(G, &a1, REG_UNIQUE, ETH1, AF_UNSPEC, fake_now, NULL), 0);
        ck_assert_int_eq(reg_group_add(G, &x, REG_UNIQUE, ETH0, AF_INET6, fake_now, NULL), 0);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(count("board.local", DNS_TYPE_A, ETH0, AF_INET), 1);
        ck_assert_uint_eq(count("board.local", DNS_TYPE_A, ETH0, AF_INET6), 1);
        ck_assert_uint_eq(count("board.local", DNS_TYPE_A, ETH1, AF_INET), 1);
        ck_assert_uint_eq(count("board.local", DNS_TYPE_AAAA, ETH0, AF_INET), 0);
        ck_assert_uint_eq(count("board.local", DNS_TYPE_AAAA, ETH0, AF_INET6), 1);
        ck_assert_uint_eq(count("board.local", DNS_TYPE_AAAA, ETH0, AF_UNSPEC), 1); /* either transport */
        ck_assert_uint_eq(count("board.local", DNS_TYPE_ANY, ETH0, AF_INET6), 2);
        ck_assert_uint_eq(count("BOARD.LOCAL", DNS_TYPE_ANY, ETH1, AF_INET), 1); /* case-insensitive */
        ck_assert_uint_eq(count("board.local", DNS_TYPE_TXT, ETH0, AF_INET), 0);
        ck_assert_uint_eq(count("board.local", DNS_TYPE_ANY, 99, AF_INET), 0);
        /* each link's announcements carry its own records only */
        size_t idx[32], n = fake_find(false, ETH1, AF_INET, idx, 32);
        ck_assert_uint_eq(n, ANNOUNCE_NUM);
        ck_assert_uint_eq(fake_parse(idx[0])->ancount, 1);
        ck_assert(dns_rr_equal(&fake_parse(idx[0])->an[0], &a1));
        n = fake_find(false, ETH0, AF_INET6, idx, 32);
        ck_assert_uint_eq(fake_parse(idx[0])->ancount, 2);
}
END_TEST

START_TEST(test_lookup_fields_and_ids) {
        struct dns_rr a = fake_a("board.local", "169.254.1.1");
        struct dns_rr ptr = fake_ptr("_http._tcp.local", "Web._http._tcp.local");
        struct dns_name n = fake_name("board.local"), p = fake_name("_http._tcp.local");
        struct reg_record *ra, *rp;
        struct reg_lookup it;
        struct reg_answer x, y;

        ck_assert_int_eq(reg_group_add(G, &a, REG_UNIQUE, 0, AF_UNSPEC, fake_now, &ra), 0);
        ck_assert_int_eq(reg_group_add(G, &ptr, 0, 0, AF_UNSPEC, fake_now, &rp), 0);
        ck_assert_ptr_eq(reg_record_get_group(ra), G);
        ck_assert_uint_eq(reg_record_get_rr(ra)->ttl, 120);
        ck_assert(reg_record_get_rr(ra)->cache_flush);
        ck_assert_uint_eq(reg_record_get_rr(rp)->ttl, 4500);
        ck_assert(!reg_record_get_rr(rp)->cache_flush);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        fake_until_probes(ETH0, AF_INET, 3);
        fake_advance(250 * MS);
        registry_lookup_init(&it, R, &n, DNS_TYPE_A, DNS_CLASS_ANY, ETH0, AF_INET);
        ck_assert(registry_lookup_next(&it, &x));
        ck_assert(x.unique);
        ck_assert(x.announcing);
        ck_assert_ptr_eq(x.record, ra);
        ck_assert_ptr_nonnull(x.last_multicast);
        ck_assert_uint_eq(*x.last_multicast, fake_now); /* the announcement just went out */
        ck_assert(!registry_lookup_next(&it, &x));
        ck_assert(registry_name_is_ours(R, &n, ETH0, AF_INET));
        ck_assert(!registry_name_is_ours(R, &p, ETH0, AF_INET)); /* shared only: not "ours" (§6.1) */
        /* by id, until it is withdrawn */
        ck_assert(registry_lookup_id(R, x.id, ETH0, AF_INET, &y));
        ck_assert_ptr_eq(y.record, ra);
        ck_assert(!registry_lookup_id(R, x.id, 99, AF_INET, &y));
        fake_advance(10 * USEC_PER_SEC);
        ck_assert(registry_lookup_id(R, x.id, ETH0, AF_INET, &y));
        ck_assert(!y.announcing);
        /* an rdata update keeps the id */
        uint8_t rd[4] = { 169, 254, 1, 2 };
        ck_assert_int_eq(reg_record_update(ra, rd, 4, fake_now), 0);
        ck_assert(registry_lookup_id(R, x.id, ETH0, AF_INET, &y));
        ck_assert_uint_eq(y.rr->rdata[3], 2);
        ck_assert_int_eq(reg_record_update(ra, rd, 3, fake_now), -EINVAL); /* A must be 4 octets */
        uint64_t id = x.id;
        reg_record_remove(ra, fake_now);
        ck_assert(!registry_lookup_id(R, id, ETH0, AF_INET, &y));
        ck_assert(!registry_lookup_id(R, 123456, ETH0, AF_INET, &y));
}
END_TEST

START_TEST(test_validation_and_conflicts) {
        struct reg_group *g2;
        struct fake_states s2 = { 0 };
        struct dns_rr a = fake_a("board.local", "169.254.1.1"), bad = a, ch = a, any = a;
        struct dns_rr ptr = fake_ptr("_http._tcp.local", "Web._http._tcp.local");
        uint8_t short_rdata[3] = { 1, 2, 3 };

        bad.rdata = short_rdata;
        bad.rdlength = 3;
        ch.rclass = 3; /* CHAOS */
        any.type = DNS_TYPE_ANY;
        ck_assert_int_eq(reg_group_add(G, &bad, REG_UNIQUE, 0, AF_UNSPEC, fake_now, NULL), -EINVAL);
        ck_assert_int_eq(reg_group_add(G, &ch, REG_UNIQUE, 0, AF_UNSPEC, fake_now, NULL), -EINVAL);
        ck_assert_int_eq(reg_group_add(G, &any, REG_UNIQUE, 0, AF_UNSPEC, fake_now, NULL), -EINVAL);
        ck_assert_int_eq(reg_group_add(G, &a, REG_NO_PROBE, 0, AF_UNSPEC, fake_now, NULL), -EINVAL);
        ck_assert_int_eq(reg_group_add(G, &a, 0x80, 0, AF_UNSPEC, fake_now, NULL), -EINVAL);
        ck_assert_int_eq(reg_group_add(G, &a, REG_UNIQUE, -1, AF_UNSPEC, fake_now, NULL), -EINVAL);
        ck_assert_int_eq(reg_group_add(G, &a, REG_UNIQUE, 0, 12345, fake_now, NULL), -EINVAL);
        ck_assert_int_eq(reg_group_add(G, &a, REG_UNIQUE, 0, AF_UNSPEC, fake_now, NULL), 0);
        ck_assert_int_eq(reg_group_add(G, &a, REG_UNIQUE, 0, AF_UNSPEC, fake_now, NULL), -EEXIST);
        ck_assert_int_eq(reg_group_add(G, &ptr, 0, 0, AF_UNSPEC, fake_now, NULL), 0);
        ck_assert_int_eq(reg_group_new(R, fake_on_state, &s2, &g2), 0);
        /* a unique name belongs to one group (a local conflict) */
        struct dns_rr a2 = fake_a("board.local", "169.254.1.2");
        ck_assert_int_eq(reg_group_add(g2, &a2, REG_UNIQUE, 0, AF_UNSPEC, fake_now, NULL), -EEXIST);
        ck_assert_int_eq(reg_group_add(g2, &a2, 0, 0, AF_UNSPEC, fake_now, NULL), -EEXIST);
        /* the name compares case-insensitively (RFC 6762 §16) */
        struct dns_rr a2c = fake_a("BOARD.Local", "169.254.1.2");
        ck_assert_int_eq(reg_group_add(g2, &a2c, REG_UNIQUE, 0, AF_UNSPEC, fake_now, NULL), -EEXIST);
        /* a shared name is shared: another group's PTR of the same name is fine */
        struct dns_rr ptr2 = fake_ptr("_http._tcp.local", "Other._http._tcp.local");
        ck_assert_int_eq(reg_group_add(g2, &ptr2, 0, 0, AF_UNSPEC, fake_now, NULL), 0);
        ck_assert_int_eq(reg_group_add(G, &ptr2, 0, 0, AF_UNSPEC, fake_now, NULL), 0);
        /* unless the scopes are apart */
        ck_assert_int_eq(reg_group_add(G, &a2, REG_UNIQUE, ETH0, AF_INET, fake_now, NULL), 0);
        struct dns_rr a3 = fake_a("other.local", "169.254.1.3");
        ck_assert_int_eq(reg_group_add(g2, &a3, REG_UNIQUE, ETH0, AF_INET, fake_now, NULL), 0);
        ck_assert_int_eq(reg_group_add(G, &a3, REG_UNIQUE, ETH1, AF_INET, fake_now, NULL), 0);
        /* a shared record in two groups is fine */
        ck_assert_int_eq(reg_group_add(g2, &ptr, 0, 0, AF_UNSPEC, fake_now, NULL), 0);
        /* but not twice in one group, whatever the case of its names */
        struct dns_rr ptr_same = fake_ptr("_HTTP._tcp.local", "web._http._tcp.local");
        ck_assert_int_eq(reg_group_add(g2, &ptr_same, 0, 0, AF_UNSPEC, fake_now, NULL), -EEXIST);
        /* links */
        ck_assert_int_eq(registry_link_add(R, ETH0, AF_INET, "eth0", 1472, fake_now), -EEXIST);
        ck_assert_int_eq(registry_link_add(R, 0, AF_INET, "x", 1472, fake_now), -EINVAL);
        ck_assert_int_eq(registry_link_add(R, 9, AF_UNIX, "x", 1472, fake_now), -EINVAL);
        ck_assert_int_eq(registry_link_add(R, 9, AF_INET, "x", 4, fake_now), -EINVAL);
}
END_TEST

START_TEST(test_bounds) {
        struct registry *r2;
        struct reg_group *g;
        struct registry_config cfg = { .ops = &fake_ops, .rng = &fake_rng, .group_records_max = 3, .records_max = 5 };
        char name[64];

        ck_assert_int_eq(registry_new(&r2, &cfg), 0);
        ck_assert_int_eq(reg_group_new(r2, NULL, NULL, &g), 0);
        for (int k = 0; k < 4; k++) {
                snprintf(name, sizeof name, "h%d.local", k);
                struct dns_rr a = fake_a(name, "10.0.0.1");
                ck_assert_int_eq(reg_group_add(g, &a, REG_UNIQUE, 0, AF_UNSPEC, fake_now, NULL), k < 3 ? 0 : -E2BIG);
        }
        ck_assert_int_eq(reg_group_new(r2, NULL, NULL, &g), 0);
        for (int k = 0; k < 3; k++) {
                snprintf(name, sizeof name, "g%d.local", k);
                struct dns_rr a = fake_a(name, "10.0.0.1");
                ck_assert_int_eq(reg_group_add(g, &a, REG_UNIQUE, 0, AF_UNSPEC, fake_now, NULL), k < 2 ? 0 : -E2BIG);
        }
        struct registry_config bad = { .ops = &fake_ops };
        ck_assert_int_eq(registry_new(&r2 + 0, &bad) == -EINVAL, 1);
        registry_free(r2);
}
END_TEST

static void free_self(struct reg_group *g, const struct reg_state_change *c, void *userdata) {
        unsigned *calls = userdata;

        (*calls)++;
        if (c->state == REG_GROUP_ESTABLISHED)
                reg_group_free(g, c->now);
}

START_TEST(test_callback_frees_group) {
        struct reg_group *g;
        unsigned calls = 0;
        struct dns_rr a = fake_a("gone.local", "169.254.1.1");

        ck_assert_int_eq(reg_group_new(R, free_self, &calls, &g), 0);
        ck_assert_int_eq(reg_group_add(g, &a, REG_UNIQUE, 0, AF_UNSPEC, fake_now, NULL), 0);
        ck_assert_int_eq(reg_group_commit(g, fake_now), 0);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(calls, 3);
        ck_assert_uint_eq(count("gone.local", DNS_TYPE_ANY, ETH0, AF_INET), 0);
        fake_advance(10 * USEC_PER_SEC); /* its goodbyes, and nothing else, went out */
}
END_TEST

START_TEST(test_link_remove_with_goodbyes) {
        struct dns_rr a = fake_a("board.local", "169.254.1.1");
        size_t n;

        ck_assert_int_eq(reg_group_add(G, &a, REG_UNIQUE, 0, AF_UNSPEC, fake_now, NULL), 0);
        ck_assert_int_eq(reg_group_commit(G, fake_now), 0);
        fake_advance(10 * USEC_PER_SEC);
        n = fake_n_sent;
        /* mDNS turned off on eth1: goodbyes there, at once */
        registry_link_remove(R, ETH1, AF_INET, true, fake_now);
        ck_assert_uint_eq(fake_n_sent, n + 1);
        ck_assert_int_eq(fake_sent[n].ifindex, ETH1);
        ck_assert_uint_eq(fake_parse(n)->an[0].ttl, 0);
        /* carrier lost on eth0/IPv6: nothing can be sent there */
        registry_link_remove(R, ETH0, AF_INET6, false, fake_now);
        fake_advance(USEC_PER_SEC);
        ck_assert_uint_eq(fake_n_sent, n + 1);
        ck_assert_int_eq(reg_group_get_state(G), REG_GROUP_ESTABLISHED);
        ck_assert_uint_eq(count("board.local", DNS_TYPE_A, ETH0, AF_INET), 1);
}
END_TEST

START_TEST(test_thousand_services) {
        /* 1,000 DNS-SD-like services (PTR shared, SRV + TXT unique, a subtype PTR): all probe and
         * announce in few packets, lookups find each by name through its hash bucket */
        enum { N = 1000 };
        static struct reg_group *gs[N];
        char inst[80], sub[80], text[64];
        size_t idx[1], probes, responses;

        registry_link_remove(R, ETH0, AF_INET6, false, fake_now);
        registry_link_remove(R, ETH1, AF_INET, false, fake_now);
        for (int k = 0; k < N; k++) {
                uint8_t srv[DNS_NAME_MAX + 6];
                struct dns_srv s = { .port = (uint16_t) (1000 + k), .target = fake_name("board.local") };
                int len;

                snprintf(inst, sizeof inst, "Service %d._http._tcp.local", k);
                snprintf(sub, sizeof sub, "_s%d._sub._http._tcp.local", k % 10);
                snprintf(text, sizeof text, "n=%d", k);
                struct dns_rr ptr = fake_ptr("_http._tcp.local", inst), subp = fake_ptr(sub, inst);
                struct dns_rr txt = fake_txt(inst, text);
                struct dns_rr srvrr = { .name = fake_name(inst), .type = DNS_TYPE_SRV, .rclass = DNS_CLASS_IN };
                len = dns_rdata_build_srv(srv, sizeof srv, &s);
                ck_assert_int_gt(len, 0);
                srvrr.rdata = srv;
                srvrr.rdlength = (uint16_t) len;
                ck_assert_int_eq(reg_group_new(R, NULL, NULL, &gs[k]), 0);
                ck_assert_int_eq(reg_group_add(gs[k], &ptr, 0, 0, AF_UNSPEC, fake_now, NULL), 0);
                ck_assert_int_eq(reg_group_add(gs[k], &subp, 0, 0, AF_UNSPEC, fake_now, NULL), 0);
                ck_assert_int_eq(reg_group_add(gs[k], &srvrr, REG_UNIQUE, 0, AF_UNSPEC, fake_now, NULL), 0);
                ck_assert_int_eq(reg_group_add(gs[k], &txt, REG_UNIQUE, 0, AF_UNSPEC, fake_now, NULL), 0);
                ck_assert_int_eq(reg_group_commit(gs[k], fake_now), 0);
        }
        fake_advance(10 * USEC_PER_SEC);
        probes = fake_find(true, ETH0, AF_INET, idx, 0);
        responses = fake_find(false, ETH0, AF_INET, idx, 0);
        /* each round fills its packets (about 25 names per probe, 70 records per announcement,
         * with name compression) */
        ck_assert_uint_le(probes, 3 * 45);
        ck_assert_uint_le(responses, ANNOUNCE_NUM * 65);
        for (int k = 0; k < N; k++)
                ck_assert_int_eq(reg_group_get_state(gs[k]), REG_GROUP_ESTABLISHED);
        ck_assert_uint_eq(count("_http._tcp.local", DNS_TYPE_PTR, ETH0, AF_INET), N);
        ck_assert_uint_eq(count("_s3._sub._http._tcp.local", DNS_TYPE_PTR, ETH0, AF_INET), N / 10);
        for (int k = 0; k < N; k += 97) {
                snprintf(inst, sizeof inst, "service %d._HTTP._tcp.local", k);
                ck_assert_uint_eq(count(inst, DNS_TYPE_ANY, ETH0, AF_INET), 2);
        }
        ck_assert_uint_eq(registry_next_timeout(R), USEC_INFINITY);
        /* withdraw them all: goodbyes for everything, the shared PTRs included, packed */
        size_t n = fake_n_sent;
        registry_withdraw_all(R, fake_now);
        size_t total = 0;
        for (size_t k = n; k < fake_n_sent; k++) {
                ck_assert_uint_le(fake_sent[k].len, 1472);
                total += fake_parse(k)->ancount;
        }
        ck_assert_uint_eq(total, 4 * N);
        for (int k = 0; k < N; k++)
                reg_group_free(gs[k], fake_now);
}
END_TEST

static Suite *registry_suite(void) {
        Suite *s = suite_create("registry");
        TCase *tc = tcase_create("api");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, test_states);
        tcase_add_test(tc, test_no_link_is_registering);
        tcase_add_test(tc, test_scopes);
        tcase_add_test(tc, test_lookup_fields_and_ids);
        tcase_add_test(tc, test_validation_and_conflicts);
        tcase_add_test(tc, test_bounds);
        tcase_add_test(tc, test_callback_frees_group);
        tcase_add_test(tc, test_link_remove_with_goodbyes);
        tcase_add_test(tc, test_thousand_services);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        return unit_run(registry_suite());
}
