/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The skeleton responder: RFC 6762 §6 answers for the host's A/AAAA records, §6.7 legacy
 * unicast, §5.4 QU, §10.2 cache-flush, RFC 4862 unusable addresses never answered. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
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
        sr = srunner_create(s);
        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
