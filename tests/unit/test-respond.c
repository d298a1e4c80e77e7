/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What to answer (respond.c): RFC 6762 §6 matching, §6.5 ANY, §6.1 NSEC, §6.2 and RFC 6763 §12
 * additional records, over a fake record store ("rules" case). The M1-1 skeleton
 * respond_host_query() ("host" case) stays tested until the edge switches to response-sched.h. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
#include "fake-record-store.h"
#include "log.h"
#include "mdns/respond.h"

static struct iface_table table;
static struct iface *eth0;
static struct dns_name host;
static uint8_t arena_buf[256 * 1024];
static struct dns_arena arena;

static void add_addr(int family, const char *text, unsigned prefixlen, uint32_t flags) {
        struct netlink_addr a = { .ifindex = 2, .family = family, .prefixlen = (uint8_t) prefixlen, .flags = flags };

        ck_assert_int_eq(inet_pton(family, text, &a.addr), 1);
        ck_assert_int_eq(iface_table_apply_addr(&table, NETLINK_NEW, &a), 1);
}

static void setup(void) {
        struct netlink_link l = { .ifindex = 2, .flags = IFF_UP | IFF_RUNNING | IFF_MULTICAST, .mtu = 1500 };

        log_set_target(LOG_TARGET_NONE);
        strcpy(l.name, "eth0");
        iface_table_init(&table);
        eth0 = iface_table_apply_link(&table, &l);
        ck_assert_ptr_nonnull(eth0);
        add_addr(AF_INET, "169.254.10.20", 16, 0);
        add_addr(AF_INET6, "fe80::1", 64, 0);
        add_addr(AF_INET6, "fe80::bad", 64, IFA_F_TENTATIVE);           /* DAD still running */
        add_addr(AF_INET6, "fe80::dead", 64, IFA_F_DADFAILED | IFA_F_TENTATIVE); /* DAD failed */
        ck_assert_int_eq(dns_name_from_text(&host, "board.local"), 0);
        dns_arena_init(&arena, arena_buf, sizeof arena_buf);
}

static void teardown(void) {
        iface_table_clear(&table);
}

/* Build a query, run the responder on it, parse what it answers into *resp. */
static struct respond_result ask(const char *name, uint16_t type, bool qu, bool legacy, uint16_t id,
                                 struct dns_msg *resp, size_t max) {
        static uint8_t qbuf[512], rbuf[DNS_PACKET_MAX];
        struct dns_question q = { .type = type, .qclass = DNS_CLASS_IN, .unicast_response = qu };
        struct dns_builder b;
        struct dns_msg query;
        struct respond_result res;
        size_t qlen;

        ck_assert_int_eq(dns_name_from_text(&q.name, name), 0);
        dns_builder_init(&b, qbuf, sizeof qbuf, id, 0);
        ck_assert_int_eq(dns_builder_add_question(&b, &q), 0);
        qlen = dns_builder_finish(&b);
        dns_arena_reset(&arena);
        ck_assert_int_eq(dns_msg_parse(&query, qbuf, qlen, &arena), 0);

        struct respond_query rq = { .msg = &query, .legacy = legacy };
        ck_assert_int_eq(respond_host_query(&rq, &host, eth0, rbuf, max, &res), 0);
        if (res.len > 0)
                ck_assert_int_eq(dns_msg_parse(resp, rbuf, res.len, &arena), 0);
        return res;
}

START_TEST(test_a_query_multicast_answer) {
        struct dns_msg m;
        struct respond_result res = ask("BOARD.local", DNS_TYPE_A, false, false, 0, &m, 1472);
        struct in_addr a;
        struct in6_addr a6;

        ck_assert_uint_gt(res.len, 0);
        ck_assert(!res.unicast);
        /* RFC 6762 §18: QR and AA set, ID 0, no question in a multicast response */
        ck_assert(m.flags & DNS_FLAG_QR);
        ck_assert(m.flags & DNS_FLAG_AA);
        ck_assert(!(m.flags & DNS_FLAG_TC));
        ck_assert_uint_eq(m.id, 0);
        ck_assert_uint_eq(m.qdcount, 0);
        ck_assert_uint_eq(m.ancount, 1);
        ck_assert_uint_eq(m.an[0].type, DNS_TYPE_A);
        ck_assert(m.an[0].cache_flush);                   /* §10.2 unique record */
        ck_assert_uint_eq(m.an[0].ttl, 120);              /* §10 host-name records */
        ck_assert(dns_name_equal(&m.an[0].name, &host));
        ck_assert_int_eq(dns_rdata_get_a(&m.an[0], &a), 0);
        ck_assert_uint_eq(ntohl(a.s_addr), 0xa9fe0a14);
        /* §6.2: the AAAA goes into the additional section; only the usable one (RFC 4862) */
        ck_assert_uint_eq(m.arcount, 1);
        ck_assert_uint_eq(m.ar[0].type, DNS_TYPE_AAAA);
        ck_assert_int_eq(dns_rdata_get_aaaa(&m.ar[0], &a6), 0);
        ck_assert_int_eq(a6.s6_addr[15], 1);
}
END_TEST

START_TEST(test_aaaa_skips_tentative_and_dadfailed) {
        struct dns_msg m;
        struct respond_result res = ask("board.local", DNS_TYPE_AAAA, false, false, 0, &m, 1472);

        ck_assert_uint_gt(res.len, 0);
        ck_assert_uint_eq(m.ancount, 1);
        for (unsigned k = 0; k < m.ancount; k++) {
                struct in6_addr a6;

                ck_assert_int_eq(dns_rdata_get_aaaa(&m.an[k], &a6), 0);
                ck_assert_int_eq(a6.s6_addr[15], 1);
        }
        ck_assert_uint_eq(m.arcount, 1);
        ck_assert_uint_eq(m.ar[0].type, DNS_TYPE_A);
}
END_TEST

START_TEST(test_any_query_answers_both) {
        struct dns_msg m;
        struct respond_result res = ask("board.local", DNS_TYPE_ANY, false, false, 0, &m, 1472);

        ck_assert_uint_gt(res.len, 0);
        ck_assert_uint_eq(m.ancount, 2);
        ck_assert_uint_eq(m.arcount, 0);
}
END_TEST

START_TEST(test_qu_question_unicast) {
        struct dns_msg m;
        struct respond_result res = ask("board.local", DNS_TYPE_A, true, false, 0, &m, 1472);

        ck_assert_uint_gt(res.len, 0);
        ck_assert(res.unicast); /* §5.4 */
        ck_assert(m.an[0].cache_flush);
}
END_TEST

START_TEST(test_legacy_unicast) {
        struct dns_msg m;
        struct respond_result res = ask("board.local", DNS_TYPE_A, false, true, 0x1234, &m, 1472);

        /* RFC 6762 §6.7: unicast, same ID, the question repeated, TTL <= 10, no cache-flush bit */
        ck_assert_uint_gt(res.len, 0);
        ck_assert(res.unicast);
        ck_assert_uint_eq(m.id, 0x1234);
        ck_assert_uint_eq(m.qdcount, 1);
        ck_assert(dns_name_equal(&m.qd[0].name, &host));
        ck_assert_uint_eq(m.qd[0].type, DNS_TYPE_A);
        ck_assert_uint_eq(m.ancount, 1);
        ck_assert_uint_le(m.an[0].ttl, 10);
        ck_assert(!m.an[0].cache_flush);
        for (unsigned k = 0; k < m.arcount; k++) {
                ck_assert(!m.ar[k].cache_flush);
                ck_assert_uint_le(m.ar[k].ttl, 10);
        }
}
END_TEST

START_TEST(test_other_names_unanswered) {
        struct dns_msg m;

        ck_assert_uint_eq(ask("other.local", DNS_TYPE_A, false, false, 0, &m, 1472).len, 0);
        ck_assert_uint_eq(ask("board.local", DNS_TYPE_TXT, false, false, 0, &m, 1472).len, 0);
        ck_assert_uint_eq(ask("board.local.example", DNS_TYPE_A, false, true, 7, &m, 1472).len, 0);
}
END_TEST

START_TEST(test_no_usable_address_no_answer) {
        struct netlink_addr a = { .ifindex = 2, .family = AF_INET, .prefixlen = 16 };
        struct dns_msg m;

        inet_pton(AF_INET, "169.254.10.20", &a.addr);
        ck_assert_int_eq(iface_table_apply_addr(&table, NETLINK_DEL, &a), 1);
        ck_assert_uint_eq(ask("board.local", DNS_TYPE_A, false, false, 0, &m, 1472).len, 0);
}
END_TEST

START_TEST(test_responses_and_other_opcodes_ignored) {
        static uint8_t buf[512], out[1500];
        struct dns_question q = { .type = DNS_TYPE_A, .qclass = DNS_CLASS_IN };
        const uint16_t flags[] = { DNS_FLAG_QR, 2 << 11 /* opcode STATUS */ };
        struct respond_result res;
        struct dns_builder b;
        struct dns_msg msg;

        q.name = host;
        for (size_t k = 0; k < 2; k++) {
                dns_builder_init(&b, buf, sizeof buf, 0, flags[k]);
                ck_assert_int_eq(dns_builder_add_question(&b, &q), 0);
                size_t len = dns_builder_finish(&b);
                dns_arena_reset(&arena);
                ck_assert_int_eq(dns_msg_parse(&msg, buf, len, &arena), 0);
                struct respond_query rq = { .msg = &msg };
                ck_assert_int_eq(respond_host_query(&rq, &host, eth0, out, sizeof out, &res), 0);
                ck_assert_uint_eq(res.len, 0);
        }
}
END_TEST

START_TEST(test_fits_small_packet) {
        struct dns_msg m;
        /* Room for the header and the A answer only: the additional AAAA is dropped, the answer stays. */
        struct respond_result res = ask("board.local", DNS_TYPE_A, false, false, 0, &m, 12 + 13 + 14);

        ck_assert_uint_gt(res.len, 0);
        ck_assert_uint_eq(m.ancount, 1);
        ck_assert_uint_eq(m.arcount, 0);
}
END_TEST


/* ---- the answering rules over a record source --------------------------------------------- */

static struct fake_store store;

struct got {
        unsigned n;
        struct {
                enum respond_kind kind;
                uint64_t id;
                bool unique;
                struct dns_rr rr;
                uint8_t rdata[RESPOND_NSEC_RDATA_MAX];
        } e[32];
};

static bool got_cb(void *ctx, enum respond_kind kind, const struct respond_record *rec) {
        struct got *g = ctx;

        ck_assert_uint_lt(g->n, 32);
        g->e[g->n].kind = kind;
        g->e[g->n].id = rec->id;
        g->e[g->n].unique = rec->unique;
        g->e[g->n].rr = *rec->rr;
        ck_assert_uint_le(rec->rr->rdlength, RESPOND_NSEC_RDATA_MAX);
        memcpy(g->e[g->n].rdata, rec->rr->rdata, rec->rr->rdlength);
        g->e[g->n].rr.rdata = g->e[g->n].rdata;
        g->n++;
        return true;
}

static int got_find(const struct got *g, const char *name, uint16_t type) {
        struct dns_name n;

        ck_assert_int_eq(dns_name_from_text(&n, name), 0);
        for (unsigned k = 0; k < g->n; k++)
                if (g->e[k].rr.type == type && dns_name_equal(&g->e[k].rr.name, &n))
                        return (int) k;
        return -1;
}

static struct got question(const char *name, uint16_t type, uint16_t qclass) {
        struct dns_question q = { .type = type, .qclass = qclass };
        struct got g = { 0 };

        ck_assert_int_eq(dns_name_from_text(&q.name, name), 0);
        ck_assert_int_eq(respond_question(&store.source, 2, &q, got_cb, &g), (int) g.n);
        return g;
}

static struct got additionals(struct fake_record *f) {
        struct respond_record rec = { .rr = &f->rr, .id = f->id, .unique = f->unique };
        struct got g = { 0 };

        ck_assert_int_eq(respond_additionals(&store.source, 2, &rec, got_cb, &g), (int) g.n);
        return g;
}

static void rules_setup(void) {
        log_set_target(LOG_TARGET_NONE);
        fake_store_init(&store);
        fake_store_add_a(&store, "board.local", "169.254.10.20");
        fake_store_add_aaaa(&store, "board.local", "fe80::1");
        fake_store_add_service(&store, "Printer", "_http._tcp.local", 80, "board.local");
        fake_store_add_a(&store, "v4only.local", "169.254.10.21");
}

START_TEST(test_question_matching) {
        struct got g;

        g = question("BOARD.local", DNS_TYPE_A, DNS_CLASS_IN); /* RFC 6762 §16: case-insensitive */
        ck_assert_uint_eq(g.n, 1);
        ck_assert_int_eq(g.e[0].kind, RESPOND_RECORD);
        ck_assert(g.e[0].unique);
        g = question("board.local", DNS_TYPE_ANY, DNS_CLASS_IN); /* §6.5 */
        ck_assert_uint_eq(g.n, 2);
        g = question("board.local", DNS_TYPE_AAAA, DNS_CLASS_ANY); /* §6.5 class ANY */
        ck_assert_uint_eq(g.n, 1);
        g = question("board.local", DNS_TYPE_A, 3 /* CH */);
        ck_assert_uint_eq(g.n, 0);
        g = question("_http._tcp.local", DNS_TYPE_PTR, DNS_CLASS_IN);
        ck_assert_uint_eq(g.n, 1);
        ck_assert(!g.e[0].unique);
        g = question("nobody.local", DNS_TYPE_A, DNS_CLASS_IN);
        ck_assert_uint_eq(g.n, 0);
}
END_TEST

START_TEST(test_question_nsec_negative) {
        struct dns_name next;
        struct got g;

        /* RFC 6762 §6.1: a name we own, a type it does not have */
        g = question("v4only.local", DNS_TYPE_AAAA, DNS_CLASS_IN);
        ck_assert_uint_eq(g.n, 1);
        ck_assert_int_eq(g.e[0].kind, RESPOND_NSEC);
        ck_assert(g.e[0].unique);
        ck_assert_uint_eq(g.e[0].id, store.recs[store.n - 1].id);
        ck_assert_uint_eq(g.e[0].rr.type, DNS_TYPE_NSEC);
        ck_assert_uint_eq(g.e[0].rr.ttl, MDNS_HOST_RECORD_TTL);
        ck_assert_int_eq(dns_rdata_get_nsec(&g.e[0].rr, &next), 0);
        ck_assert(dns_name_equal(&next, &g.e[0].rr.name)); /* restricted form */
        ck_assert_int_eq(dns_rdata_nsec_has_type(&g.e[0].rr, DNS_TYPE_A), 1);
        ck_assert_int_eq(dns_rdata_nsec_has_type(&g.e[0].rr, DNS_TYPE_AAAA), 0);
        ck_assert_int_eq(dns_rdata_nsec_has_type(&g.e[0].rr, DNS_TYPE_NSEC), 0);
        /* restricted form: one window (0), bitmap length 1..32 */
        ck_assert_uint_eq(g.e[0].rr.rdlength, g.e[0].rr.name.len + 2 + 1);
        ck_assert_uint_eq(g.e[0].rr.rdata[g.e[0].rr.name.len], 0);

        /* shared-only names are not ours; unknown names neither; ANY never needs an NSEC */
        ck_assert_uint_eq(question("_http._tcp.local", DNS_TYPE_TXT, DNS_CLASS_IN).n, 0);
        ck_assert_uint_eq(question("nobody.local", DNS_TYPE_TXT, DNS_CLASS_IN).n, 0);
        ck_assert_uint_eq(question("v4only.local", DNS_TYPE_ANY, DNS_CLASS_IN).n, 1);
}
END_TEST

START_TEST(test_additionals_rules) {
        struct got g;

        /* RFC 6763 §12.1 */
        g = additionals(&store.recs[2]);
        ck_assert_int_ge(got_find(&g, "Printer._http._tcp.local", DNS_TYPE_SRV), 0);
        ck_assert_int_ge(got_find(&g, "Printer._http._tcp.local", DNS_TYPE_TXT), 0);
        ck_assert_int_ge(got_find(&g, "board.local", DNS_TYPE_A), 0);
        ck_assert_int_ge(got_find(&g, "board.local", DNS_TYPE_AAAA), 0);
        ck_assert_int_lt(got_find(&g, "board.local", DNS_TYPE_NSEC), 0);
        ck_assert_uint_eq(g.n, 4);
        /* RFC 6763 §12.2 */
        g = additionals(&store.recs[3]);
        ck_assert_uint_eq(g.n, 2);
        ck_assert_int_ge(got_find(&g, "board.local", DNS_TYPE_A), 0);
        ck_assert_int_ge(got_find(&g, "board.local", DNS_TYPE_AAAA), 0);
        /* RFC 6763 §12.3: TXT brings nothing */
        ck_assert_uint_eq(additionals(&store.recs[4]).n, 0);
        /* RFC 6762 §6.2: A with no AAAA → the NSEC saying so */
        g = additionals(&store.recs[5]);
        ck_assert_int_ge(got_find(&g, "v4only.local", DNS_TYPE_NSEC), 0);
        ck_assert_int_lt(got_find(&g, "v4only.local", DNS_TYPE_AAAA), 0);
}
END_TEST

START_TEST(test_resolve) {
        struct respond_record rec;
        struct dns_rr nsec;
        uint8_t buf[RESPOND_NSEC_RDATA_MAX];
        struct fake_record *v4 = &store.recs[5];

        ck_assert_int_eq(respond_resolve(&store.source, 2, RESPOND_RECORD, v4->id, &rec, &nsec, buf), 0);
        ck_assert_ptr_eq(rec.rr, &v4->rr);
        ck_assert_int_eq(respond_resolve(&store.source, 2, RESPOND_NSEC, v4->id, &rec, &nsec, buf), 0);
        ck_assert_ptr_eq(rec.rr, &nsec);
        ck_assert_uint_eq(nsec.type, DNS_TYPE_NSEC);
        v4->withdrawn = true;
        ck_assert_int_eq(respond_resolve(&store.source, 2, RESPOND_RECORD, v4->id, &rec, &nsec, buf), -ENOENT);
        ck_assert_int_eq(respond_resolve(&store.source, 2, RESPOND_NSEC, v4->id, &rec, &nsec, buf), -ENOENT);
        /* the NSEC of a name that is no longer ours */
        v4->withdrawn = false;
        v4->unique = false;
        ck_assert_int_eq(respond_resolve(&store.source, 2, RESPOND_NSEC, v4->id, &rec, &nsec, buf), -ENOENT);
}
END_TEST

START_TEST(test_too_many_types_no_nsec) {
        /* §6.1 (a): if the types cannot all be listed, no NSEC at all */
        for (unsigned t = 0; t < RESPOND_NSEC_TYPES_MAX + 1; t++) {
                uint8_t rdata[1] = { 0 };

                ck_assert_ptr_nonnull(fake_store_add(&store, "many.local", (uint16_t) (100 + t), 120, true, rdata, 1));
        }
        ck_assert_uint_eq(question("many.local", DNS_TYPE_A, DNS_CLASS_IN).n, 0);
}
END_TEST

int main(void) {
        Suite *s = suite_create("respond");
        TCase *tc = tcase_create("host");
        SRunner *sr;
        int failed;

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_a_query_multicast_answer);
        tcase_add_test(tc, test_aaaa_skips_tentative_and_dadfailed);
        tcase_add_test(tc, test_any_query_answers_both);
        tcase_add_test(tc, test_qu_question_unicast);
        tcase_add_test(tc, test_legacy_unicast);
        tcase_add_test(tc, test_other_names_unanswered);
        tcase_add_test(tc, test_no_usable_address_no_answer);
        tcase_add_test(tc, test_responses_and_other_opcodes_ignored);
        tcase_add_test(tc, test_fits_small_packet);
        suite_add_tcase(s, tc);
        tc = tcase_create("rules");
        tcase_add_checked_fixture(tc, rules_setup, NULL);
        tcase_add_test(tc, test_question_matching);
        tcase_add_test(tc, test_question_nsec_negative);
        tcase_add_test(tc, test_additionals_rules);
        tcase_add_test(tc, test_resolve);
        tcase_add_test(tc, test_too_many_types_no_nsec);
        suite_add_tcase(s, tc);
        sr = srunner_create(s);
        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
