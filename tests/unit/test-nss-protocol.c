/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NSS socket protocol (daemon/nss/protocol.h): names the module takes, requests and replies
 * both ways, and everything malformed refused. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nss/protocol.h"
#include "unit.h"

static int check_name(const char *s) {
        return nss_name_check(s, strlen(s));
}

START_TEST(test_names) {
        char long_label[80], long_name[300];

        /* RFC 6762 §3: host names in .local, any case, trailing dot allowed, UTF-8 */
        ck_assert_int_eq(check_name("board.local"), 0);
        ck_assert_int_eq(check_name("Board.LOCAL."), 0);
        ck_assert_int_eq(check_name("a.b.local"), 0);
        ck_assert_int_eq(check_name("b\xc3\xbcro.local"), 0); /* "büro" */
        ck_assert_int_eq(check_name("my-host_1.local"), 0);
        /* not ours: another domain, a single label */
        ck_assert_int_eq(check_name("example.com"), -ENOENT);
        ck_assert_int_eq(check_name("a"), -ENOENT);
        ck_assert_int_eq(check_name("local"), -ENOENT);
        ck_assert_int_eq(check_name("local."), -ENOENT);
        ck_assert_int_eq(check_name("board.localx"), -ENOENT);
        ck_assert_int_eq(check_name("board.xlocal"), -ENOENT);
        /* malformed (CVE-2021-3502 class: never an assert) */
        ck_assert_int_eq(check_name(""), -EINVAL);
        ck_assert_int_eq(check_name("."), -EINVAL);
        ck_assert_int_eq(check_name(".local"), -EINVAL);
        ck_assert_int_eq(check_name("a..b.local"), -EINVAL);
        ck_assert_int_eq(check_name("a.local.."), -EINVAL);
        ck_assert_int_eq(check_name("a b.local"), -EINVAL);
        ck_assert_int_eq(check_name("a\\.b.local"), -EINVAL);
        ck_assert_int_eq(check_name("a\x7f.local"), -EINVAL);
        ck_assert_int_eq(check_name("a\tb.local"), -EINVAL);
        ck_assert_int_eq(check_name("\xff.local"), -EINVAL);          /* not UTF-8 */
        ck_assert_int_eq(check_name("\xc0\xae.local"), -EINVAL);      /* overlong "." */
        ck_assert_int_eq(check_name("\xed\xa0\x80.local"), -EINVAL);  /* a surrogate */
        ck_assert_int_eq(check_name("\xf4\x90\x80\x80.local"), -EINVAL); /* above U+10FFFF */
        ck_assert_int_eq(check_name("\xc3.local"), -EINVAL);          /* cut sequence */
        ck_assert_int_eq(nss_name_check("a\0b.local", 9), -EINVAL);   /* a NUL inside */
        memset(long_label, 'x', 64);
        strcpy(long_label + 64, ".local");
        ck_assert_int_eq(check_name(long_label), -EINVAL); /* label of 64 */
        long_label[63] = '.';
        ck_assert_int_eq(check_name(long_label), -EINVAL); /* 63 x, then "..local": an empty label */
        memset(long_label, 'x', 63);
        strcpy(long_label + 63, ".local");
        ck_assert_int_eq(check_name(long_label), 0); /* label of 63 */
        for (size_t k = 0; k < 250; k += 2)
                long_name[k] = 'a', long_name[k + 1] = '.';
        strcpy(long_name + 248, "local");
        ck_assert_int_eq(check_name(long_name), 0); /* 253 */
        memmove(long_name + 2, long_name, strlen(long_name) + 1);
        long_name[0] = 'a', long_name[1] = '.';
        ck_assert_int_eq(check_name(long_name), -EINVAL); /* 255 */
}
END_TEST

START_TEST(test_link_local) {
        struct nss_address a = { .family = AF_INET };

        ck_assert_int_eq(inet_pton(AF_INET, "169.254.7.1", &a.a.in), 1);
        ck_assert(nss_address_is_link_local(&a));
        ck_assert_int_eq(inet_pton(AF_INET, "169.253.7.1", &a.a.in), 1);
        ck_assert(!nss_address_is_link_local(&a));
        ck_assert_int_eq(inet_pton(AF_INET, "192.168.1.1", &a.a.in), 1);
        ck_assert(!nss_address_is_link_local(&a));
        a.family = AF_INET6;
        ck_assert_int_eq(inet_pton(AF_INET6, "fe80::1", &a.a.in6), 1);
        ck_assert(nss_address_is_link_local(&a));
        ck_assert_int_eq(inet_pton(AF_INET6, "febf::1", &a.a.in6), 1);
        ck_assert(nss_address_is_link_local(&a));
        ck_assert_int_eq(inet_pton(AF_INET6, "fec0::1", &a.a.in6), 1);
        ck_assert(!nss_address_is_link_local(&a));
        ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8::1", &a.a.in6), 1);
        ck_assert(!nss_address_is_link_local(&a));
}
END_TEST

static int parse_req(const char *line, struct nss_request *r) {
        return nss_request_parse(line, strlen(line), r);
}

START_TEST(test_requests) {
        struct nss_request r, back;
        char buf[NSS_REQUEST_MAX + 1];
        int n;

        ck_assert_int_eq(parse_req("NAME * board.local", &r), 0);
        ck_assert_int_eq(r.query, NSS_QUERY_NAME);
        ck_assert_int_eq(r.family, AF_UNSPEC);
        ck_assert_str_eq(r.name, "board.local");
        ck_assert_int_eq(parse_req("NAME 4 board.local", &r), 0);
        ck_assert_int_eq(r.family, AF_INET);
        ck_assert_int_eq(parse_req("NAME 6 board.local", &r), 0);
        ck_assert_int_eq(r.family, AF_INET6);
        n = nss_request_format(&r, buf, sizeof buf);
        ck_assert_int_eq(n, (int) strlen("NAME 6 board.local\n"));
        ck_assert_str_eq(buf, "NAME 6 board.local\n");
        ck_assert_int_eq(nss_request_parse(buf, (size_t) n - 1, &back), 0);
        ck_assert_str_eq(back.name, r.name);

        ck_assert_int_eq(parse_req("ADDR 169.254.1.2", &r), 0);
        ck_assert_int_eq(r.query, NSS_QUERY_ADDRESS);
        ck_assert_int_eq(r.addr.family, AF_INET);
        ck_assert_int_eq(parse_req("ADDR fe80::5a:43ff:fe00:1", &r), 0);
        ck_assert_int_eq(r.addr.family, AF_INET6);
        n = nss_request_format(&r, buf, sizeof buf);
        ck_assert_str_eq(buf, "ADDR fe80::5a:43ff:fe00:1\n");
        ck_assert_int_eq(n, (int) strlen(buf));

        /* refused: every shape of garbage */
        static const char *const bad[] = {
                "", " ", "NAME", "NAME 4", "NAME 4 ", "NAME  4 board.local", "NAME 5 board.local",
                "NAME 4 board.local extra", "NAME 4 board.com", "NAME 4 a..local", "NAME 4 .local",
                "name 4 board.local", "ADDR", "ADDR 1.2.3", "ADDR 1.2.3.4.5", "ADDR fe80::1%2",
                "ADDR 169.254.1.1 x", "ADDR ::ffff:zz", "GET / HTTP/1.0", "NAME 4 board.local\r",
        };
        for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
                ck_assert_msg(parse_req(bad[k], &r) == -EINVAL, "accepted '%s'", bad[k]);
        ck_assert_int_eq(nss_request_parse("NAME 4 a\0.local", 15, &r), -EINVAL);
        /* too long */
        memset(buf, 'a', sizeof buf);
        memcpy(buf, "NAME 4 ", 7);
        ck_assert_int_eq(nss_request_parse(buf, sizeof buf, &r), -EINVAL);
        /* formatting refuses what parsing would */
        r = (struct nss_request) { .query = NSS_QUERY_NAME, .family = AF_INET };
        strcpy(r.name, "board.com");
        ck_assert_int_eq(nss_request_format(&r, buf, sizeof buf), -EINVAL);
        strcpy(r.name, "board.local");
        ck_assert_int_eq(nss_request_format(&r, buf, 8), -ENOBUFS);
}
END_TEST

static int parse_reply(const char *line, struct nss_reply *r) {
        return nss_reply_parse(line, strlen(line), r);
}

START_TEST(test_replies) {
        struct nss_reply r, back;
        char buf[NSS_REPLY_MAX], text[INET6_ADDRSTRLEN];
        int n;

        ck_assert_int_eq(parse_reply("-", &r), 0);
        ck_assert_int_eq(r.status, NSS_REPLY_NOT_FOUND);
        ck_assert_int_eq(parse_reply("! busy", &r), 0);
        ck_assert_int_eq(r.status, NSS_REPLY_REFUSED);
        ck_assert_int_eq(parse_reply("+ board.local 169.254.1.2 fe80::1%3", &r), 0);
        ck_assert_int_eq(r.status, NSS_REPLY_FOUND);
        ck_assert_str_eq(r.name, "board.local");
        ck_assert_uint_eq(r.n_addrs, 2);
        ck_assert_int_eq(r.addrs[0].family, AF_INET);
        ck_assert_uint_eq(r.addrs[0].scope, 0);
        ck_assert_str_eq(inet_ntop(AF_INET, &r.addrs[0].a, text, sizeof text), "169.254.1.2");
        ck_assert_int_eq(r.addrs[1].family, AF_INET6);
        ck_assert_uint_eq(r.addrs[1].scope, 3); /* the interface of a link-local address */
        n = nss_reply_format(&r, NULL, buf, sizeof buf);
        ck_assert_str_eq(buf, "+ board.local 169.254.1.2 fe80::1%3\n");
        ck_assert_int_eq(n, (int) strlen(buf));
        ck_assert_int_eq(nss_reply_parse(buf, (size_t) n - 1, &back), 0);
        ck_assert_uint_eq(back.n_addrs, 2);

        /* the most addresses there may be, and one more */
        char many[NSS_REPLY_MAX];
        size_t len = (size_t) snprintf(many, sizeof many, "+ h.local");
        for (int k = 0; k < NSS_ADDRESSES_MAX; k++)
                len += (size_t) snprintf(many + len, sizeof many - len, " 169.254.0.%d", k + 1);
        ck_assert_int_eq(parse_reply(many, &r), 0);
        ck_assert_uint_eq(r.n_addrs, NSS_ADDRESSES_MAX);
        snprintf(many + len, sizeof many - len, " 169.254.0.99");
        ck_assert_int_eq(parse_reply(many, &r), -EINVAL);

        static const char *const bad[] = {
                "", "+", "+ board.local", "+ board.com 1.2.3.4", "+ board.local 1.2.3.4%2",
                "+ board.local fe80::1%", "+ board.local fe80::1%0", "+ board.local fe80::1%x",
                "+ board.local 2001:db8::1%2", "+ board.local 1.2.3", "+  board.local 1.2.3.4", "--", "!x",
                "+ board.local 1.2.3.4 ", "+ board.local fe80::1%99999999999",
        };
        for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
                ck_assert_msg(parse_reply(bad[k], &r) == -EINVAL, "accepted '%s'", bad[k]);

        /* formatting */
        r = (struct nss_reply) { .status = NSS_REPLY_NOT_FOUND };
        ck_assert_int_eq(nss_reply_format(&r, NULL, buf, sizeof buf), 2);
        ck_assert_str_eq(buf, "-\n");
        r.status = NSS_REPLY_REFUSED;
        nss_reply_format(&r, "too-long", buf, sizeof buf);
        ck_assert_str_eq(buf, "! too-long\n");
        r = (struct nss_reply) { .status = NSS_REPLY_FOUND };
        strcpy(r.name, "board.local");
        ck_assert_int_eq(nss_reply_format(&r, NULL, buf, sizeof buf), -EINVAL); /* no address */
        r.n_addrs = 1;
        r.addrs[0].family = AF_INET6;
        ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8::1", &r.addrs[0].a.in6), 1);
        r.addrs[0].scope = 4; /* meaningless for a global address: not written */
        nss_reply_format(&r, NULL, buf, sizeof buf);
        ck_assert_str_eq(buf, "+ board.local 2001:db8::1\n");
        ck_assert_int_eq(nss_reply_format(&r, NULL, buf, 10), -ENOBUFS);
}
END_TEST

static Suite *nss_protocol_suite(void) {
        Suite *s = suite_create("nss-protocol");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_names);
        tcase_add_test(tc, test_link_local);
        tcase_add_test(tc, test_requests);
        tcase_add_test(tc, test_replies);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        return unit_run(nss_protocol_suite());
}
