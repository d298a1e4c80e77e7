/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests: daemon/dns/dns-rr.c — rdata builders and accessors, validation, equality, the
 * RFC 6762 §8.2 canonical order, the text form. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
#include "log.h"
#include "unit.h"

#define NAME(text)                                                      \
        ({                                                              \
                struct dns_name _n;                                     \
                ck_assert_int_eq(dns_name_from_text(&_n, (text)), 0);   \
                _n;                                                     \
        })

/* A stack record over caller-provided rdata. */
static struct dns_rr rr_make(const char *name, uint16_t type, const void *rdata, size_t len) {
        return (struct dns_rr) {
                .name = NAME(name),
                .type = type,
                .rclass = DNS_CLASS_IN,
                .ttl = 120,
                .rdlength = (uint16_t) len,
                .rdata = (uint8_t *) (uintptr_t) rdata, /* never written through */
        };
}

static struct dns_rr rr_a(const char *name, const char *addr, uint8_t *storage) {
        ck_assert_int_eq(inet_pton(AF_INET, addr, storage), 1);
        return rr_make(name, DNS_TYPE_A, storage, 4);
}

START_TEST(test_a_aaaa) {
        uint8_t v4[4], v6[16];
        struct in_addr a;
        struct in6_addr a6;
        struct dns_rr rr = rr_a("host.local", "169.254.3.4", v4);

        ck_assert_int_eq(dns_rdata_get_a(&rr, &a), 0);
        ck_assert_uint_eq(ntohl(a.s_addr), 0xa9fe0304);
        ck_assert_int_eq(dns_rdata_get_aaaa(&rr, &a6), -EINVAL);
        rr.rdlength = 3;
        ck_assert_int_eq(dns_rdata_get_a(&rr, &a), -EBADMSG);
        ck_assert_int_eq(dns_rdata_validate(DNS_TYPE_A, v4, 3), -EBADMSG);
        ck_assert_int_eq(dns_rdata_validate(DNS_TYPE_A, v4, 4), 0);

        ck_assert_int_eq(inet_pton(AF_INET6, "fe80::1", v6), 1);
        rr = rr_make("host.local", DNS_TYPE_AAAA, v6, 16);
        ck_assert_int_eq(dns_rdata_get_aaaa(&rr, &a6), 0);
        ck_assert_mem_eq(&a6, v6, 16);
        ck_assert_int_eq(dns_rdata_get_a(&rr, &a), -EINVAL);
        ck_assert_int_eq(dns_rdata_validate(DNS_TYPE_AAAA, v6, 15), -EBADMSG);
}
END_TEST

START_TEST(test_name_rdata) {
        uint8_t buf[DNS_NAME_MAX];
        struct dns_name target = NAME("My Printer._ipp._tcp.local"), got;
        int len;

        len = dns_rdata_build_name(buf, sizeof(buf), &target);
        ck_assert_int_eq(len, target.len);
        ck_assert_int_eq(dns_rdata_build_name(buf, (size_t) len - 1, &target), -ENOBUFS);

        static const uint16_t types[] = { DNS_TYPE_PTR, DNS_TYPE_CNAME, DNS_TYPE_NS };
        for (size_t i = 0; i < ELEMENTSOF(types); i++) {
                struct dns_rr rr = rr_make("_ipp._tcp.local", types[i], buf, (size_t) len);
                ck_assert_int_eq(dns_rdata_get_name(&rr, &got), 0);
                ck_assert(dns_name_equal(&got, &target));
                ck_assert_int_eq(dns_rdata_validate(types[i], buf, (size_t) len), 0);
                /* the name must end exactly at rdlength */
                rr.rdlength--;
                ck_assert_int_eq(dns_rdata_get_name(&rr, &got), -EBADMSG);
                ck_assert_int_eq(dns_rdata_validate(types[i], buf, (size_t) len - 1), -EBADMSG);
        }
        buf[len] = 0;
        ck_assert_int_eq(dns_rdata_validate(DNS_TYPE_PTR, buf, (size_t) len + 1), -EBADMSG);

        struct dns_rr rr = rr_make("x", DNS_TYPE_A, buf, 4);
        ck_assert_int_eq(dns_rdata_get_name(&rr, &got), -EINVAL);
}
END_TEST

START_TEST(test_srv) {
        struct dns_srv srv = { .priority = 1, .weight = 2, .port = 631, .target = NAME("host.local") }, got;
        uint8_t buf[300];
        int len = dns_rdata_build_srv(buf, sizeof(buf), &srv);

        ck_assert_int_eq(len, 6 + 12);
        ck_assert_mem_eq(buf, "\0\1\0\2\2\167\4host\5local", 18);
        ck_assert_int_eq(dns_rdata_build_srv(buf, 17, &srv), -ENOBUFS);

        struct dns_rr rr = rr_make("P._ipp._tcp.local", DNS_TYPE_SRV, buf, (size_t) len);
        ck_assert_int_eq(dns_rdata_get_srv(&rr, &got), 0);
        ck_assert_uint_eq(got.priority, 1);
        ck_assert_uint_eq(got.weight, 2);
        ck_assert_uint_eq(got.port, 631);
        ck_assert(dns_name_equal(&got.target, &srv.target));

        rr.rdlength = 6;
        ck_assert_int_eq(dns_rdata_get_srv(&rr, &got), -EBADMSG);
        rr.rdlength = 17; /* target overrun */
        ck_assert_int_eq(dns_rdata_get_srv(&rr, &got), -EBADMSG);
        ck_assert_int_eq(dns_rdata_validate(DNS_TYPE_SRV, buf, 17), -EBADMSG);
        ck_assert_int_eq(dns_rdata_validate(DNS_TYPE_SRV, buf, 18), 0);
}
END_TEST

START_TEST(test_txt) {
        static const char *const strings[] = { "txtvers=1", "", "pdl=application/pdf" };
        uint8_t buf[64];
        struct dns_txt_iter it;
        const uint8_t *s;
        size_t l;
        int len;

        len = dns_rdata_build_txt(buf, sizeof(buf), strings, 3);
        ck_assert_int_eq(len, 10 + 1 + 20);
        ck_assert_int_eq(dns_txt_validate(buf, (size_t) len), 3);
        dns_txt_iter_init(&it, buf, (size_t) len);
        ck_assert_int_eq(dns_txt_iter_next(&it, &s, &l), 1);
        ck_assert_uint_eq(l, 9);
        ck_assert_mem_eq(s, "txtvers=1", 9);
        ck_assert_int_eq(dns_txt_iter_next(&it, &s, &l), 1);
        ck_assert_uint_eq(l, 0);
        ck_assert_int_eq(dns_txt_iter_next(&it, &s, &l), 1);
        ck_assert_mem_eq(s, "pdl=application/pdf", 19);
        ck_assert_int_eq(dns_txt_iter_next(&it, &s, &l), 0);

        /* RFC 6763 §6.1: no strings is one empty string */
        ck_assert_int_eq(dns_rdata_build_txt(buf, sizeof(buf), NULL, 0), 1);
        ck_assert_uint_eq(buf[0], 0);
        ck_assert_int_eq(dns_rdata_build_txt(buf, 0, NULL, 0), -ENOBUFS);
        ck_assert_int_eq(dns_rdata_build_txt(buf, 20, strings, 3), -ENOBUFS);

        /* an overrunning string, and the empty rdata RFC 1035 forbids */
        ck_assert_int_eq(dns_txt_validate((const uint8_t *) "\5abcd", 5), -EBADMSG);
        ck_assert_int_eq(dns_txt_validate(buf, 0), -EBADMSG);
        ck_assert_int_eq(dns_rdata_validate(DNS_TYPE_TXT, buf, 0), -EBADMSG);
        dns_txt_iter_init(&it, (const uint8_t *) "\1a\5abcd", 7);
        ck_assert_int_eq(dns_txt_iter_next(&it, &s, &l), 1);
        ck_assert_int_eq(dns_txt_iter_next(&it, &s, &l), -EBADMSG);

        /* binary strings, 255 octets at most */
        uint8_t big[300] = { 0 }, src[256] = { 0 };
        int used = dns_txt_append(big, sizeof(big), 0, "k=\0v", 4);
        ck_assert_int_eq(used, 5);
        ck_assert_mem_eq(big, "\4k=\0v", 5);
        ck_assert_int_eq(dns_txt_append(big, sizeof(big), (size_t) used, src, 256), -EINVAL);
        ck_assert_int_eq(dns_txt_append(big, sizeof(big), (size_t) used, src, 255), 5 + 256);
        ck_assert_int_eq(dns_txt_append(big, sizeof(big), 5 + 256, src, 40), -ENOBUFS);
}
END_TEST

START_TEST(test_hinfo) {
        uint8_t buf[600];
        char long_string[257];
        int len = dns_rdata_build_hinfo(buf, sizeof(buf), "X86_64", "LINUX");

        ck_assert_int_eq(len, 13);
        ck_assert_mem_eq(buf, "\6X86_64\5LINUX", 13);
        ck_assert_int_eq(dns_rdata_validate(DNS_TYPE_HINFO, buf, 13), 0);
        /* RFC 1035 §3.3.2: exactly two strings */
        ck_assert_int_eq(dns_rdata_validate(DNS_TYPE_HINFO, buf, 7), -EBADMSG);
        buf[13] = 0;
        ck_assert_int_eq(dns_rdata_validate(DNS_TYPE_HINFO, buf, 14), -EBADMSG);
        ck_assert_int_eq(dns_rdata_build_hinfo(buf, 12, "X86_64", "LINUX"), -ENOBUFS);
        memset(long_string, 'x', 256);
        long_string[256] = 0;
        ck_assert_int_eq(dns_rdata_build_hinfo(buf, sizeof(buf), long_string, "LINUX"), -EINVAL);
}
END_TEST

START_TEST(test_nsec) {
        struct dns_name next = NAME("host.local"), got;
        uint8_t buf[600];
        int len;

        /* RFC 6762 §6.1 restricted form: window 0, A and AAAA */
        static const uint16_t types[] = { DNS_TYPE_AAAA, DNS_TYPE_A, DNS_TYPE_A };
        len = dns_rdata_build_nsec(buf, sizeof(buf), &next, types, ELEMENTSOF(types));
        ck_assert_int_eq(len, 12 + 2 + 4);
        ck_assert_mem_eq(buf + 12, "\0\4\100\0\0\10", 6);

        struct dns_rr rr = rr_make("host.local", DNS_TYPE_NSEC, buf, (size_t) len);
        ck_assert_int_eq(dns_rdata_get_nsec(&rr, &got), 0);
        ck_assert(dns_name_equal(&got, &next));
        ck_assert_int_eq(dns_rdata_nsec_has_type(&rr, DNS_TYPE_A), 1);
        ck_assert_int_eq(dns_rdata_nsec_has_type(&rr, DNS_TYPE_AAAA), 1);
        ck_assert_int_eq(dns_rdata_nsec_has_type(&rr, DNS_TYPE_TXT), 0);
        ck_assert_int_eq(dns_rdata_nsec_has_type(&rr, DNS_TYPE_NSEC), 0);
        ck_assert_int_eq(dns_rdata_nsec_has_type(&rr, 257), 0);

        /* several windows, any types below 65536 */
        static const uint16_t many[] = { 65535, DNS_TYPE_SRV, 256, 65280, DNS_TYPE_NSEC };
        len = dns_rdata_build_nsec(buf, sizeof(buf), &next, many, ELEMENTSOF(many));
        ck_assert_int_eq(len, 12 + (2 + 6) + (2 + 1) + (2 + 32));
        rr.rdlength = (uint16_t) len;
        ck_assert_int_eq(dns_rdata_validate(DNS_TYPE_NSEC, buf, (size_t) len), 0);
        for (size_t i = 0; i < ELEMENTSOF(many); i++)
                ck_assert_int_eq(dns_rdata_nsec_has_type(&rr, many[i]), 1);
        ck_assert_int_eq(dns_rdata_nsec_has_type(&rr, 65281), 0);
        ck_assert_int_eq(dns_rdata_nsec_has_type(&rr, DNS_TYPE_A), 0);
        ck_assert_int_eq(dns_rdata_build_nsec(buf, (size_t) len - 1, &next, many, ELEMENTSOF(many)), -ENOBUFS);

        /* no types: just the name */
        ck_assert_int_eq(dns_rdata_build_nsec(buf, sizeof(buf), &next, NULL, 0), 12);
        ck_assert_int_eq(dns_rdata_validate(DNS_TYPE_NSEC, buf, 12), 0);

        /* RFC 4034 §4.1.2 violations */
        static const struct {
                const char *bitmap;
                size_t len;
        } bad[] = {
                { "\0\0", 2 },                  /* bitmap length 0 */
                { "\0\41", 2 + 33 },            /* length 33 (contents irrelevant) */
                { "\0\4\100\0", 4 },            /* bitmap runs past the end */
                { "\1\1\1\0\1\1", 6 },          /* window 0 after window 1 */
                { "\0\1\1\0\1\1", 6 },          /* window repeated */
                { "\0", 1 },                    /* truncated block header */
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                memcpy(buf, next.data, next.len);
                memset(buf + 12, 0xff, 40);
                memcpy(buf + 12, bad[i].bitmap, bad[i].len <= 6 ? bad[i].len : 2);
                ck_assert_msg(dns_rdata_validate(DNS_TYPE_NSEC, buf, 12 + bad[i].len) == -EBADMSG, "case %zu", i);
                rr.rdlength = (uint16_t) (12 + bad[i].len);
                ck_assert_int_eq(dns_rdata_get_nsec(&rr, &got), -EBADMSG);
        }
}
END_TEST

START_TEST(test_rr_new_dup) {
        uint8_t v4[4];
        struct dns_rr tmpl = rr_a("host.local", "169.254.3.4", v4), *a, *b;

        a = dns_rr_new(&tmpl.name, DNS_TYPE_A, DNS_CLASS_IN | MDNS_CLASS_TOP_BIT, true, 120, v4, 4);
        ck_assert_ptr_nonnull(a);
        ck_assert_uint_eq(a->rclass, DNS_CLASS_IN);
        ck_assert(a->cache_flush);
        ck_assert_ptr_ne(a->rdata, v4);
        b = dns_rr_dup(a);
        ck_assert_ptr_nonnull(b);
        ck_assert_ptr_ne(b->rdata, a->rdata);
        ck_assert(dns_rr_equal(a, b));
        ck_assert(dns_rr_equal(a, &tmpl));
        dns_rr_free(a);
        ck_assert_mem_eq(b->rdata, v4, 4);
        dns_rr_free(b);

        /* empty rdata */
        a = dns_rr_new(&tmpl.name, 65280, DNS_CLASS_IN, false, 0, NULL, 0);
        ck_assert_ptr_nonnull(a);
        ck_assert_uint_eq(a->rdlength, 0);
        dns_rr_free(a);
        dns_rr_free(NULL);
}
END_TEST

START_TEST(test_rr_equal) {
        uint8_t v4a[4], v4b[4], srv1[300], srv2[300], srv3[300];
        struct dns_rr a = rr_a("HOST.local", "169.254.3.4", v4a), b = rr_a("host.LOCAL", "169.254.3.4", v4b);

        /* ttl and cache-flush are not part of the identity */
        b.ttl = 0;
        b.cache_flush = true;
        ck_assert(dns_rr_equal(&a, &b));
        b.rclass = DNS_CLASS_ANY;
        ck_assert(!dns_rr_equal(&a, &b));
        b.rclass = DNS_CLASS_IN;
        v4b[3] = 5;
        ck_assert(!dns_rr_equal(&a, &b));
        ck_assert(!dns_rdata_equal(&a, &b));

        /* names inside rdata compare case-insensitively, the other fields exactly */
        struct dns_srv s = { .port = 631, .target = NAME("Host.Local") };
        int l1 = dns_rdata_build_srv(srv1, sizeof(srv1), &s);
        s.target = NAME("host.local");
        int l2 = dns_rdata_build_srv(srv2, sizeof(srv2), &s);
        s.port = 632;
        int l3 = dns_rdata_build_srv(srv3, sizeof(srv3), &s);
        struct dns_rr r1 = rr_make("P._ipp._tcp.local", DNS_TYPE_SRV, srv1, (size_t) l1),
                      r2 = rr_make("p._IPP._tcp.local", DNS_TYPE_SRV, srv2, (size_t) l2),
                      r3 = rr_make("P._ipp._tcp.local", DNS_TYPE_SRV, srv3, (size_t) l3);
        ck_assert(dns_rr_equal(&r1, &r2));
        ck_assert(!dns_rr_equal(&r1, &r3));
        /* but only inside names: TXT is case-sensitive */
        struct dns_rr t1 = rr_make("x.local", DNS_TYPE_TXT, "\3a=B", 4), t2 = rr_make("x.local", DNS_TYPE_TXT, "\3a=b", 4);
        ck_assert(!dns_rr_equal(&t1, &t2));
        /* the same octets under another type are another record */
        struct dns_rr p = rr_make("P._ipp._tcp.local", DNS_TYPE_PTR, srv1 + 6, (size_t) l1 - 6),
                      c = rr_make("P._ipp._tcp.local", DNS_TYPE_CNAME, srv1 + 6, (size_t) l1 - 6);
        ck_assert(!dns_rr_equal(&p, &c));
        /* SRV port field looks like letters: 'A' vs 'a' must still differ */
        s.port = ('A' << 8) | 'A';
        l1 = dns_rdata_build_srv(srv1, sizeof(srv1), &s);
        s.port = ('a' << 8) | 'a';
        l2 = dns_rdata_build_srv(srv2, sizeof(srv2), &s);
        r1.rdlength = (uint16_t) l1;
        r2.rdlength = (uint16_t) l2;
        ck_assert(!dns_rr_equal(&r1, &r2));
}
END_TEST

START_TEST(test_compare_canonical) {
        uint8_t x[4], y[4];
        struct dns_rr a = rr_a("cheshire.local", "169.254.99.200", x), b = rr_a("cheshire.local", "169.254.200.50", y);

        /* RFC 6762 §8.2 example: 169.254.200.50 is lexicographically later and wins */
        ck_assert_int_lt(dns_rr_compare_canonical(&a, &b), 0);
        ck_assert_int_gt(dns_rr_compare_canonical(&b, &a), 0);
        ck_assert_int_eq(dns_rr_compare_canonical(&a, &a), 0);

        /* class first (without the cache-flush bit), then type, then rdata */
        a.cache_flush = true;
        ck_assert_int_lt(dns_rr_compare_canonical(&a, &b), 0);
        a.rclass = 2;
        ck_assert_int_gt(dns_rr_compare_canonical(&a, &b), 0);
        a.rclass = DNS_CLASS_IN;
        struct dns_rr t = rr_make("cheshire.local", DNS_TYPE_TXT, "\0\0\0\0", 4);
        ck_assert_int_gt(dns_rr_compare_canonical(&t, &b), 0); /* TXT (16) > A (1) whatever the rdata */

        /* unsigned octets: 0x80 > 0x7f */
        struct dns_rr u1 = rr_make("n", 65280, "\x7f", 1), u2 = rr_make("n", 65280, "\x80", 1);
        ck_assert_int_lt(dns_rr_compare_canonical(&u1, &u2), 0);
        /* a proper prefix is the lesser: the record with data remaining wins */
        struct dns_rr p1 = rr_make("n", 65280, "ab", 2), p2 = rr_make("n", 65280, "abc", 3);
        ck_assert_int_lt(dns_rr_compare_canonical(&p1, &p2), 0);
        ck_assert_int_gt(dns_rr_compare_canonical(&p2, &p1), 0);
        /* raw octets: case matters here (unlike dns_rr_equal) */
        struct dns_rr c1 = rr_make("n", DNS_TYPE_PTR, "\1A\0", 3), c2 = rr_make("n", DNS_TYPE_PTR, "\1a\0", 3);
        ck_assert_int_lt(dns_rr_compare_canonical(&c1, &c2), 0);
        /* the owner name is not compared */
        struct dns_rr o1 = rr_make("aaa", 65280, "ab", 2), o2 = rr_make("zzz", 65280, "ab", 2);
        ck_assert_int_eq(dns_rr_compare_canonical(&o1, &o2), 0);
}
END_TEST

START_TEST(test_rrset_compare_canonical) {
        uint8_t v[6][4];
        struct dns_rr a1 = rr_a("h.local", "169.254.1.1", v[0]), a2 = rr_a("h.local", "169.254.1.2", v[1]),
                      a3 = rr_a("h.local", "169.254.1.3", v[2]), b1 = rr_a("h.local", "169.254.1.1", v[3]),
                      b2 = rr_a("h.local", "169.254.1.2", v[4]), b4 = rr_a("h.local", "169.254.1.4", v[5]);
        struct dns_rr txt = rr_make("h.local", DNS_TYPE_TXT, "\0", 1);

        /* equal sets in any order */
        const struct dns_rr *s1[] = { &a2, &a1 }, *s2[] = { &b1, &b2 };
        ck_assert_int_eq(dns_rrset_compare_canonical(s1, 2, s2, 2), 0);

        /* sorted first: {1,3} vs {2,1} → 1=1, then 3 > 2 */
        const struct dns_rr *s3[] = { &a3, &a1 }, *s4[] = { &b2, &b1 };
        ck_assert_int_gt(dns_rrset_compare_canonical(s3, 2, s4, 2), 0);
        ck_assert_int_lt(dns_rrset_compare_canonical(s4, 2, s3, 2), 0);

        /* prefix-equal: the set with records remaining wins */
        const struct dns_rr *s5[] = { &a1 }, *s6[] = { &b2, &b1 };
        ck_assert_int_lt(dns_rrset_compare_canonical(s5, 1, s6, 2), 0);
        ck_assert_int_gt(dns_rrset_compare_canonical(s6, 2, s5, 1), 0);
        ck_assert_int_lt(dns_rrset_compare_canonical(NULL, 0, s5, 1), 0);
        ck_assert_int_eq(dns_rrset_compare_canonical(NULL, 0, NULL, 0), 0);

        /* a record that sorts first decides even if the other set is longer: {TXT} > {A, A, A} */
        const struct dns_rr *s7[] = { &txt }, *s8[] = { &a1, &a2, &a3 };
        ck_assert_int_gt(dns_rrset_compare_canonical(s7, 1, s8, 3), 0);
        /* a single greater record beats a longer set: {4} > {1, 2} */
        const struct dns_rr *s9[] = { &b4 };
        ck_assert_int_gt(dns_rrset_compare_canonical(s9, 1, s8, 2), 0);

        /* duplicates count: {1,1,2} vs {1,2} → 1=1, then 1 < 2 */
        const struct dns_rr *d1[] = { &a2, &a1, &b1 }, *d2[] = { &b2, &a1 };
        ck_assert_int_lt(dns_rrset_compare_canonical(d1, 3, d2, 2), 0);
        /* {1,2,2} vs {1,2} → longer wins */
        const struct dns_rr *d3[] = { &a2, &b2, &a1 };
        ck_assert_int_gt(dns_rrset_compare_canonical(d3, 3, d2, 2), 0);
}
END_TEST

START_TEST(test_to_text) {
        char buf[DNS_RR_TEXT_MAX(600)];
        uint8_t v4[4], v6[16], rdata[600];
        struct dns_rr rr = rr_a("host.local", "169.254.3.4", v4);
        int len;

        ck_assert_int_eq(dns_rr_to_text(&rr, buf, sizeof(buf)), 32);
        ck_assert_str_eq(buf, "host.local. 120 IN A 169.254.3.4");

        ck_assert_int_eq(inet_pton(AF_INET6, "fe80::1", v6), 1);
        rr = rr_make("host.local", DNS_TYPE_AAAA, v6, 16);
        dns_rr_to_text(&rr, buf, sizeof(buf));
        ck_assert_str_eq(buf, "host.local. 120 IN AAAA fe80::1");

        struct dns_name target = NAME("My\\.Printer._ipp._tcp.local");
        len = dns_rdata_build_name(rdata, sizeof(rdata), &target);
        rr = rr_make("_ipp._tcp.local", DNS_TYPE_PTR, rdata, (size_t) len);
        rr.ttl = 4500;
        dns_rr_to_text(&rr, buf, sizeof(buf));
        ck_assert_str_eq(buf, "_ipp._tcp.local. 4500 IN PTR My\\.Printer._ipp._tcp.local.");

        struct dns_srv srv = { .port = 631, .target = NAME("host.local") };
        len = dns_rdata_build_srv(rdata, sizeof(rdata), &srv);
        rr = rr_make("P._ipp._tcp.local", DNS_TYPE_SRV, rdata, (size_t) len);
        rr.rclass = 3;
        dns_rr_to_text(&rr, buf, sizeof(buf));
        ck_assert_str_eq(buf, "P._ipp._tcp.local. 120 CLASS3 SRV 0 0 631 host.local.");

        rr = rr_make("P._ipp._tcp.local", DNS_TYPE_TXT, "\3a=b\0\4q\"\\\x01", 10);
        dns_rr_to_text(&rr, buf, sizeof(buf));
        ck_assert_str_eq(buf, "P._ipp._tcp.local. 120 IN TXT \"a=b\" \"\" \"q\\\"\\\\\\001\"");

        len = dns_rdata_build_hinfo(rdata, sizeof(rdata), "X86_64", "LINUX");
        rr = rr_make("host.local", DNS_TYPE_HINFO, rdata, (size_t) len);
        dns_rr_to_text(&rr, buf, sizeof(buf));
        ck_assert_str_eq(buf, "host.local. 120 IN HINFO \"X86_64\" \"LINUX\"");

        static const uint16_t types[] = { DNS_TYPE_A, DNS_TYPE_AAAA, 65280 };
        len = dns_rdata_build_nsec(rdata, sizeof(rdata), &srv.target, types, 3);
        rr = rr_make("host.local", DNS_TYPE_NSEC, rdata, (size_t) len);
        dns_rr_to_text(&rr, buf, sizeof(buf));
        ck_assert_str_eq(buf, "host.local. 120 IN NSEC host.local. A AAAA TYPE65280");

        rr = rr_make("x.local", 65280, "\xc0\x0c\x01", 3);
        dns_rr_to_text(&rr, buf, sizeof(buf));
        ck_assert_str_eq(buf, "x.local. 120 IN TYPE65280 \\# 3 c00c01");
        rr = rr_make("x.local", 65280, NULL, 0);
        dns_rr_to_text(&rr, buf, sizeof(buf));
        ck_assert_str_eq(buf, "x.local. 120 IN TYPE65280 \\# 0");
        /* malformed rdata of a known type is shown raw */
        rr = rr_make("x.local", DNS_TYPE_A, "\1\2\3", 3);
        dns_rr_to_text(&rr, buf, sizeof(buf));
        ck_assert_str_eq(buf, "x.local. 120 IN A \\# 3 010203");

        /* truncation */
        rr = rr_a("host.local", "169.254.3.4", v4);
        ck_assert_int_eq(dns_rr_to_text(&rr, buf, 10), -ENOBUFS);
        ck_assert_str_eq(buf, "host.loca");
        ck_assert_int_eq(dns_rr_to_text(&rr, buf, 33), 32);
        ck_assert_int_eq(dns_rr_to_text(&rr, buf, 32), -ENOBUFS);

        /* the bound holds for a full NSEC bitmap */
        uint16_t all[256];
        for (unsigned i = 0; i < 256; i++)
                all[i] = (uint16_t) (0xff00 | i);
        len = dns_rdata_build_nsec(rdata, sizeof(rdata), &target, all, 256);
        rr = rr_make("My\\.Printer._ipp._tcp.local", DNS_TYPE_NSEC, rdata, (size_t) len);
        ck_assert_int_gt(dns_rr_to_text(&rr, buf, DNS_RR_TEXT_MAX(len)), 2000);
}
END_TEST

START_TEST(test_type_strings) {
        ck_assert_str_eq(dns_type_to_string(DNS_TYPE_A), "A");
        ck_assert_str_eq(dns_type_to_string(DNS_TYPE_NSEC), "NSEC");
        ck_assert_str_eq(dns_type_to_string(DNS_TYPE_ANY), "ANY");
        ck_assert_ptr_null(dns_type_to_string(65280));
        ck_assert_int_eq(dns_type_from_string("srv"), DNS_TYPE_SRV);
        ck_assert_int_eq(dns_type_from_string("AAAA"), DNS_TYPE_AAAA);
        ck_assert_int_eq(dns_type_from_string("TYPE65280"), 65280);
        ck_assert_int_eq(dns_type_from_string("type1"), 1);
        ck_assert_int_eq(dns_type_from_string("TYPE65536"), -EINVAL);
        ck_assert_int_eq(dns_type_from_string("TYPE"), -EINVAL);
        ck_assert_int_eq(dns_type_from_string("TYPE1x"), -EINVAL);
        ck_assert_int_eq(dns_type_from_string("bogus"), -EINVAL);
}
END_TEST

START_TEST(test_validate_other_types) {
        /* opaque types are always valid */
        ck_assert_int_eq(dns_rdata_validate(65280, NULL, 0), 0);
        /* MX: preference + name */
        ck_assert_int_eq(dns_rdata_validate(DNS_TYPE_MX, (const uint8_t *) "\0\12\2mx\0", 6), 0);
        ck_assert_int_eq(dns_rdata_validate(DNS_TYPE_MX, (const uint8_t *) "\0\12", 2), -EBADMSG);
        /* SOA: two names and five 32-bit numbers */
        static const uint8_t soa[] = "\2ns\0\4host\0" "\0\0\0\1" "\0\0\0\2" "\0\0\0\3" "\0\0\0\4" "\0\0\0\5";
        ck_assert_int_eq(dns_rdata_validate(DNS_TYPE_SOA, soa, sizeof(soa) - 1), 0);
        ck_assert_int_eq(dns_rdata_validate(DNS_TYPE_SOA, soa, sizeof(soa) - 2), -EBADMSG);
}
END_TEST

static Suite *dns_rr_suite(void) {
        Suite *s = suite_create("dns-rr");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_a_aaaa);
        tcase_add_test(tc, test_name_rdata);
        tcase_add_test(tc, test_srv);
        tcase_add_test(tc, test_txt);
        tcase_add_test(tc, test_hinfo);
        tcase_add_test(tc, test_nsec);
        tcase_add_test(tc, test_rr_new_dup);
        tcase_add_test(tc, test_rr_equal);
        tcase_add_test(tc, test_compare_canonical);
        tcase_add_test(tc, test_rrset_compare_canonical);
        tcase_add_test(tc, test_to_text);
        tcase_add_test(tc, test_type_strings);
        tcase_add_test(tc, test_validate_other_types);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        log_set_target(LOG_TARGET_NONE);
        return unit_run(dns_rr_suite());
}
