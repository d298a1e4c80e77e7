/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests: daemon/dns/dns-packet.c — known byte vectors (RFC 1035 §4.1, RFC 6762 §18), every
 * rejection with its exact error code (each next to a control that parses), round trips, the
 * builder's compression and rollback, the arena bound. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
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

static uint8_t arena_buf[DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX)];
static struct dns_arena arena;
static struct dns_msg msg;

static int parse(const void *pkt, size_t len) {
        dns_arena_init(&arena, arena_buf, sizeof(arena_buf));
        return dns_msg_parse(&msg, pkt, len, &arena);
}

/* A raw packet writer for hand-made (and malformed) packets. */
struct raw {
        uint8_t b[DNS_PACKET_MAX + 16];
        size_t n;
};

static void raw_bytes(struct raw *r, const void *p, size_t n) {
        ck_assert_uint_le(r->n + n, sizeof(r->b));
        memcpy(r->b + r->n, p, n);
        r->n += n;
}
static void raw_u8(struct raw *r, uint8_t v) {
        raw_bytes(r, &v, 1);
}
static void raw_u16(struct raw *r, uint16_t v) {
        raw_u8(r, (uint8_t) (v >> 8));
        raw_u8(r, (uint8_t) v);
}
static void raw_u32(struct raw *r, uint32_t v) {
        raw_u16(r, (uint16_t) (v >> 16));
        raw_u16(r, (uint16_t) v);
}
static void raw_header(struct raw *r, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar) {
        r->n = 0;
        raw_u16(r, 0);
        raw_u16(r, flags);
        raw_u16(r, qd);
        raw_u16(r, an);
        raw_u16(r, ns);
        raw_u16(r, ar);
}
static void raw_name(struct raw *r, const char *text) {
        struct dns_name n = NAME(text);
        raw_bytes(r, n.data, n.len);
}
/* Record header after the owner name. */
static void raw_rr_fixed(struct raw *r, uint16_t type, uint16_t rclass, uint32_t ttl, uint16_t rdlength) {
        raw_u16(r, type);
        raw_u16(r, rclass);
        raw_u32(r, ttl);
        raw_u16(r, rdlength);
}

/* A response with one record "x.local" of the given type and raw rdata. */
static void raw_one_rr(struct raw *r, uint16_t type, const void *rdata, size_t len) {
        raw_header(r, MDNS_FLAGS_RESPONSE, 0, 1, 0, 0);
        raw_name(r, "x.local");
        raw_rr_fixed(r, type, DNS_CLASS_IN, 120, (uint16_t) len);
        raw_bytes(r, rdata, len);
}

static int parse_one_rr(uint16_t type, const void *rdata, size_t len) {
        struct raw r;
        raw_one_rr(&r, type, rdata, len);
        return parse(r.b, r.n);
}

/* ---- known byte vectors ---------------------------------------------------------------- */

/* RFC 6762 §5.4 / §7.1: a query with a QU question, a QM question sharing "local" through a
 * pointer, and one known answer (a PTR whose rdata is compressed). */
static const uint8_t query_vector[] = {
        0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        /* 12: _ipp._tcp.local PTR, class IN | QU */
        4, '_', 'i', 'p', 'p', 4, '_', 't', 'c', 'p', 5, 'l', 'o', 'c', 'a', 'l', 0,
        0x00, 0x0c, 0x80, 0x01,
        /* 33: host.local (-> "local" at 22) A, class IN */
        4, 'h', 'o', 's', 't', 0xc0, 0x16, 0x00, 0x01, 0x00, 0x01,
        /* 44: known answer: _ipp._tcp.local PTR 4500 "My Printer._ipp._tcp.local" */
        0xc0, 0x0c, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x00, 0x11, 0x94, 0x00, 0x0d,
        10, 'M', 'y', ' ', 'P', 'r', 'i', 'n', 't', 'e', 'r', 0xc0, 0x0c,
};

/* A response with A, AAAA, PTR, SRV, TXT, HINFO, NSEC, CNAME and an unknown type, compressed
 * both in owner names and in rdata (PTR, SRV, NSEC next name, CNAME). */
static const uint8_t response_vector[] = {
        0x12, 0x34, 0x84, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00,
        /* 12: host.local A 169.254.3.4, cache-flush */
        4, 'h', 'o', 's', 't', 5, 'l', 'o', 'c', 'a', 'l', 0,
        0x00, 0x01, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x04, 169, 254, 3, 4,
        /* 38: host.local AAAA fe80::1 */
        0xc0, 0x0c, 0x00, 0x1c, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x10,
        0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        /* 66: _ipp._tcp.local (-> "local" at 17) PTR 4500 "My Printer" + (-> 66) */
        4, '_', 'i', 'p', 'p', 4, '_', 't', 'c', 'p', 0xc0, 0x11,
        0x00, 0x0c, 0x00, 0x01, 0x00, 0x00, 0x11, 0x94, 0x00, 0x0d,
        10, 'M', 'y', ' ', 'P', 'r', 'i', 'n', 't', 'e', 'r', 0xc0, 0x42,
        /* 101: (-> 88) SRV 0 0 631 (-> host.local) */
        0xc0, 0x58, 0x00, 0x21, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x08,
        0x00, 0x00, 0x00, 0x00, 0x02, 0x77, 0xc0, 0x0c,
        /* 121: (-> 88) TXT "txtvers=1" "" */
        0xc0, 0x58, 0x00, 0x10, 0x80, 0x01, 0x00, 0x00, 0x11, 0x94, 0x00, 0x0b,
        9, 't', 'x', 't', 'v', 'e', 'r', 's', '=', '1', 0,
        /* 144: host.local HINFO "X86_64" "LINUX" */
        0xc0, 0x0c, 0x00, 0x0d, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x0d,
        6, 'X', '8', '6', '_', '6', '4', 5, 'L', 'I', 'N', 'U', 'X',
        /* 169: host.local NSEC (-> host.local) A AAAA */
        0xc0, 0x0c, 0x00, 0x2f, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x08,
        0xc0, 0x0c, 0x00, 0x04, 0x40, 0x00, 0x00, 0x08,
        /* 189: www.local (-> "local") CNAME (-> host.local) */
        3, 'w', 'w', 'w', 0xc0, 0x11,
        0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x02, 0xc0, 0x0c,
        /* 207: (-> www.local) TYPE65280, opaque rdata that merely looks like a pointer */
        0xc0, 0xbd, 0xff, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x04, 0xc0, 0x0c, 0x01, 0x02,
};

static void assert_name(const struct dns_name *n, const char *text) {
        char buf[DNS_NAME_TEXT_MAX];
        ck_assert_int_ge(dns_name_to_text(n, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, text);
}

static void assert_rr_text(const struct dns_rr *rr, const char *text) {
        char buf[1024];
        ck_assert_int_ge(dns_rr_to_text(rr, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, text);
}

START_TEST(test_parse_query_vector) {
        ck_assert_int_eq(parse(query_vector, sizeof(query_vector)), 0);
        ck_assert_uint_eq(msg.flags, 0);
        ck_assert_uint_eq(msg.qdcount, 2);
        ck_assert_uint_eq(msg.ancount, 1);
        ck_assert_uint_eq(msg.nscount + msg.arcount, 0);

        assert_name(&msg.qd[0].name, "_ipp._tcp.local");
        ck_assert_uint_eq(msg.qd[0].type, DNS_TYPE_PTR);
        ck_assert_uint_eq(msg.qd[0].qclass, DNS_CLASS_IN);
        ck_assert(msg.qd[0].unicast_response);
        assert_name(&msg.qd[1].name, "host.local");
        ck_assert_uint_eq(msg.qd[1].type, DNS_TYPE_A);
        ck_assert(!msg.qd[1].unicast_response);

        assert_rr_text(&msg.an[0], "_ipp._tcp.local. 4500 IN PTR My Printer._ipp._tcp.local.");
        ck_assert(!msg.an[0].cache_flush);
        /* canonical rdata: the name uncompressed */
        ck_assert_uint_eq(msg.an[0].rdlength, 11 + 17);
}
END_TEST

START_TEST(test_parse_response_vector) {
        static const char *const expected[] = {
                "host.local. 120 IN A 169.254.3.4",
                "host.local. 120 IN AAAA fe80::1",
                "_ipp._tcp.local. 4500 IN PTR My Printer._ipp._tcp.local.",
                "My Printer._ipp._tcp.local. 120 IN SRV 0 0 631 host.local.",
                "My Printer._ipp._tcp.local. 4500 IN TXT \"txtvers=1\" \"\"",
                "host.local. 120 IN HINFO \"X86_64\" \"LINUX\"",
                "host.local. 120 IN NSEC host.local. A AAAA",
                "www.local. 120 IN CNAME host.local.",
                "www.local. 120 IN TYPE65280 \\# 4 c00c0102",
        };
        static const bool flush[] = { 1, 1, 0, 1, 1, 1, 1, 0, 0 };
        struct dns_srv srv;
        struct dns_name n;
        struct in_addr a;

        ck_assert_uint_eq(sizeof(response_vector), 223);
        ck_assert_int_eq(parse(response_vector, sizeof(response_vector)), 0);
        ck_assert_uint_eq(msg.id, 0x1234);
        ck_assert_uint_eq(msg.flags, MDNS_FLAGS_RESPONSE);
        ck_assert_uint_eq(msg.qdcount, 0);
        ck_assert_uint_eq(msg.ancount, ELEMENTSOF(expected));
        for (size_t i = 0; i < ELEMENTSOF(expected); i++) {
                assert_rr_text(&msg.an[i], expected[i]);
                ck_assert_uint_eq(msg.an[i].cache_flush, flush[i]);
                ck_assert_uint_eq(msg.an[i].rclass, DNS_CLASS_IN);
        }

        ck_assert_int_eq(dns_rdata_get_a(&msg.an[0], &a), 0);
        ck_assert_uint_eq(ntohl(a.s_addr), 0xa9fe0304);
        ck_assert_int_eq(dns_rdata_get_srv(&msg.an[3], &srv), 0);
        ck_assert_uint_eq(srv.port, 631);
        assert_name(&srv.target, "host.local");
        ck_assert_uint_eq(msg.an[3].rdlength, 6 + 12);
        ck_assert_int_eq(dns_rdata_get_nsec(&msg.an[6], &n), 0);
        assert_name(&n, "host.local");
        ck_assert_int_eq(dns_rdata_nsec_has_type(&msg.an[6], DNS_TYPE_AAAA), 1);
        ck_assert_int_eq(dns_rdata_get_name(&msg.an[7], &n), 0);
        assert_name(&n, "host.local");
        /* unknown type: copied as is, never decompressed */
        ck_assert_uint_eq(msg.an[8].rdlength, 4);
        ck_assert_mem_eq(msg.an[8].rdata, "\xc0\x0c\x01\x02", 4);

        uint16_t count;
        ck_assert_ptr_eq(dns_msg_section(&msg, DNS_SECTION_ANSWER, &count), msg.an);
        ck_assert_uint_eq(count, 9);
        ck_assert_ptr_null(dns_msg_section(&msg, DNS_SECTION_QUESTION, &count));
        ck_assert_uint_eq(count, 0);
}
END_TEST

/* ---- accepted oddities ------------------------------------------------------------------ */

START_TEST(test_trailing_bytes_tolerated) {
        uint8_t pkt[sizeof(query_vector) + 3];
        memcpy(pkt, query_vector, sizeof(query_vector));
        memcpy(pkt + sizeof(query_vector), "\0\xff\xc0", 3);
        ck_assert_int_eq(parse(pkt, sizeof(pkt)), 0);
        ck_assert_uint_eq(msg.qdcount, 2);
}
END_TEST

START_TEST(test_empty_txt_normalized) {
        /* RFC 6763 §6.1: an empty TXT rdata reads as one empty string */
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_TXT, "", 0), 0);
        ck_assert_uint_eq(msg.an[0].rdlength, 1);
        ck_assert_uint_eq(msg.an[0].rdata[0], 0);
}
END_TEST

START_TEST(test_ttl_top_bit) {
        struct raw r;
        /* RFC 2181 §8 */
        raw_header(&r, MDNS_FLAGS_RESPONSE, 0, 2, 0, 0);
        raw_name(&r, "x.local");
        raw_rr_fixed(&r, DNS_TYPE_A, DNS_CLASS_IN, 0x80000001u, 4);
        raw_u32(&r, 0x01020304);
        raw_u8(&r, 0);
        raw_rr_fixed(&r, DNS_TYPE_OPT, 1440, 0x80008000u, 0);
        ck_assert_int_eq(parse(r.b, r.n), 0);
        ck_assert_uint_eq(msg.an[0].ttl, 0);
        /* but OPT's TTL field holds flags */
        ck_assert_uint_eq(msg.an[1].ttl, 0x80008000u);
        ck_assert_uint_eq(msg.an[1].rclass, 1440);
}
END_TEST

START_TEST(test_pointer_into_rdata) {
        struct raw r;
        /* a later owner name may point at a name inside earlier rdata */
        raw_header(&r, MDNS_FLAGS_RESPONSE, 0, 2, 0, 0);
        raw_name(&r, "_ipp._tcp.local");
        raw_rr_fixed(&r, DNS_TYPE_PTR, DNS_CLASS_IN, 4500, 13);
        raw_u8(&r, 10);
        raw_bytes(&r, "My Printer", 10);
        raw_u16(&r, 0xc00c);                /* rdata starts at 12 + 17 + 10 = 39 */
        raw_u16(&r, 0xc000 | 39);
        raw_rr_fixed(&r, DNS_TYPE_TXT, DNS_CLASS_IN, 4500, 1);
        raw_u8(&r, 0);
        ck_assert_int_eq(parse(r.b, r.n), 0);
        assert_name(&msg.an[1].name, "My Printer._ipp._tcp.local");
}
END_TEST

/* ---- rejections: each next to a control that parses ------------------------------------- */

START_TEST(test_reject_too_short) {
        uint8_t pkt[DNS_HEADER_SIZE] = { 0 };
        ck_assert_int_eq(parse(pkt, DNS_HEADER_SIZE), 0);
        ck_assert_int_eq(parse(pkt, DNS_HEADER_SIZE - 1), -EBADMSG);
        ck_assert_int_eq(parse(pkt, 0), -EBADMSG);
}
END_TEST

START_TEST(test_reject_too_long) {
        static uint8_t pkt[DNS_PACKET_MAX + 1];
        ck_assert_int_eq(parse(pkt, DNS_PACKET_MAX), 0);
        ck_assert_int_eq(parse(pkt, DNS_PACKET_MAX + 1), -EMSGSIZE);
}
END_TEST

START_TEST(test_reject_pointer_to_itself) {
        struct raw r;
        raw_header(&r, 0, 1, 0, 0, 0);
        raw_u16(&r, 0xc000 | 12); /* the name at 12 is a pointer to 12 */
        raw_u32(&r, 0x00010001);
        ck_assert_int_eq(parse(r.b, r.n), -EBADMSG);
        /* control: a pointer to an earlier root name */
        raw_header(&r, 0, 2, 0, 0, 0);
        raw_u8(&r, 0);
        raw_u32(&r, 0x00010001);
        raw_u16(&r, 0xc000 | 12);
        raw_u32(&r, 0x00010001);
        ck_assert_int_eq(parse(r.b, r.n), 0);
}
END_TEST

START_TEST(test_reject_pointer_to_own_start) {
        struct raw r;
        raw_header(&r, 0, 1, 0, 0, 0);
        raw_bytes(&r, "\1a", 2);
        raw_u16(&r, 0xc000 | 12); /* a.a.a.a... */
        raw_u32(&r, 0x00010001);
        ck_assert_int_eq(parse(r.b, r.n), -EBADMSG);
}
END_TEST

START_TEST(test_reject_pointer_loop) {
        struct raw r;
        /* 12: opaque rdata holds "\1a" + pointer to 28; 28: a name pointing back to 12. Reading
         * the name at 28: jump to 12 (backwards, fine), label "a", jump to 28: a loop. */
        raw_header(&r, MDNS_FLAGS_RESPONSE, 0, 2, 0, 0);
        raw_u8(&r, 0);                                   /* 12: root owner */
        raw_rr_fixed(&r, 65280, DNS_CLASS_IN, 120, 4);   /* 13..22 */
        raw_bytes(&r, "\1a", 2);                         /* 23: label */
        raw_u16(&r, 0xc000 | 27);                        /* 25: -> 27 */
        ck_assert_uint_eq(r.n, 27);
        raw_u16(&r, 0xc000 | 23);                        /* 27: owner -> 23 */
        raw_rr_fixed(&r, 65280, DNS_CLASS_IN, 120, 0);
        ck_assert_int_eq(parse(r.b, r.n), -EBADMSG);

        /* control: the inner pointer to the root at 12 instead */
        r.b[25 + 1] = 12;
        ck_assert_int_eq(parse(r.b, r.n), 0);
        assert_name(&msg.an[1].name, "a");
}
END_TEST

START_TEST(test_reject_forward_pointer) {
        struct raw r;
        raw_header(&r, 0, 2, 0, 0, 0);
        raw_bytes(&r, "\1a", 2);
        raw_u16(&r, 0xc000 | 20); /* 14: -> 20, the next question: forward */
        raw_u32(&r, 0x00010001);
        ck_assert_uint_eq(r.n, 20);
        raw_bytes(&r, "\1b\0", 3);
        raw_u32(&r, 0x00010001);
        ck_assert_int_eq(parse(r.b, r.n), -EBADMSG);

        /* control: the other way round */
        raw_header(&r, 0, 2, 0, 0, 0);
        raw_bytes(&r, "\1b\0", 3);
        raw_u32(&r, 0x00010001);
        raw_bytes(&r, "\1a", 2);
        raw_u16(&r, 0xc000 | 12);
        raw_u32(&r, 0x00010001);
        ck_assert_int_eq(parse(r.b, r.n), 0);
        assert_name(&msg.qd[1].name, "a.b");
}
END_TEST

START_TEST(test_reject_pointer_into_header) {
        struct raw r;
        raw_header(&r, 0, 1, 0, 0, 0);
        raw_u16(&r, 0xc000 | 4);
        raw_u32(&r, 0x00010001);
        ck_assert_int_eq(parse(r.b, r.n), -EBADMSG);
}
END_TEST

START_TEST(test_reject_pointer_truncated) {
        struct raw r;
        raw_header(&r, 0, 1, 0, 0, 0);
        raw_bytes(&r, "\1a", 2);
        raw_u8(&r, 0xc0); /* the packet ends inside the pointer */
        ck_assert_int_eq(parse(r.b, r.n), -EBADMSG);
}
END_TEST

START_TEST(test_reject_label_type_0x40) {
        struct raw r;
        raw_header(&r, 0, 1, 0, 0, 0);
        raw_u8(&r, 0x40); /* RFC 6891 §5 extended label type, or a 64-octet label */
        for (int i = 0; i < 64; i++)
                raw_u8(&r, 'x');
        raw_u8(&r, 0);
        raw_u32(&r, 0x00010001);
        ck_assert_int_eq(parse(r.b, r.n), -EBADMSG);
        /* control: 63 */
        r.b[12] = 63;
        memmove(r.b + 12 + 64, r.b + 12 + 65, 5);
        ck_assert_int_eq(parse(r.b, r.n - 1), 0);
}
END_TEST

START_TEST(test_reject_label_type_0x80) {
        struct raw r;
        raw_header(&r, 0, 1, 0, 0, 0);
        raw_bytes(&r, "\x80\x01", 2);
        raw_u8(&r, 0);
        raw_u32(&r, 0x00010001);
        ck_assert_int_eq(parse(r.b, r.n), -EBADMSG);
}
END_TEST

/* labels 63, 63, 63 and `last` octets: 193 + last + 1 + 1 wire octets */
static void raw_long_name(struct raw *r, size_t last) {
        uint8_t label[64];
        memset(label, 'n', sizeof(label));
        for (int i = 0; i < 3; i++) {
                raw_u8(r, 63);
                raw_bytes(r, label, 63);
        }
        raw_u8(r, (uint8_t) last);
        raw_bytes(r, label, last);
        raw_u8(r, 0);
}

START_TEST(test_reject_name_too_long) {
        struct raw r;
        raw_header(&r, 0, 1, 0, 0, 0);
        raw_long_name(&r, 62); /* 256 octets */
        raw_u32(&r, 0x00010001);
        ck_assert_int_eq(parse(r.b, r.n), -EBADMSG);
        /* control: 255 */
        raw_header(&r, 0, 1, 0, 0, 0);
        raw_long_name(&r, 61);
        raw_u32(&r, 0x00010001);
        ck_assert_int_eq(parse(r.b, r.n), 0);
        ck_assert_uint_eq(msg.qd[0].name.len, 255);
}
END_TEST

START_TEST(test_reject_name_too_long_compressed) {
        struct raw r;
        raw_header(&r, 0, 2, 0, 0, 0);
        raw_long_name(&r, 61); /* 255 octets at 12 */
        raw_u32(&r, 0x00010001);
        raw_bytes(&r, "\1x", 2); /* x + 255 octets = 257 */
        raw_u16(&r, 0xc000 | 12);
        raw_u32(&r, 0x00010001);
        ck_assert_int_eq(parse(r.b, r.n), -EBADMSG);
        /* control: the pointer alone */
        raw_header(&r, 0, 2, 0, 0, 0);
        raw_long_name(&r, 61);
        raw_u32(&r, 0x00010001);
        raw_u16(&r, 0xc000 | 12);
        raw_u32(&r, 0x00010001);
        ck_assert_int_eq(parse(r.b, r.n), 0);
}
END_TEST

START_TEST(test_reject_name_truncated) {
        struct raw r;
        raw_header(&r, 0, 1, 0, 0, 0);
        raw_bytes(&r, "\4hos", 4);
        ck_assert_int_eq(parse(r.b, r.n), -EBADMSG);
        /* no terminating root label */
        raw_header(&r, 0, 1, 0, 0, 0);
        raw_bytes(&r, "\4host", 5);
        ck_assert_int_eq(parse(r.b, r.n), -EBADMSG);
}
END_TEST

START_TEST(test_reject_qdcount_overrun) {
        uint8_t pkt[sizeof(query_vector)];
        memcpy(pkt, query_vector, sizeof(pkt));
        pkt[5] = 3; /* three questions, two present */
        ck_assert_int_eq(parse(pkt, sizeof(pkt)), -EBADMSG);
        pkt[4] = pkt[5] = 0xff; /* 65535: rejected before allocating */
        ck_assert_int_eq(parse(pkt, sizeof(pkt)), -EBADMSG);
        ck_assert_uint_eq(arena.used, 0);
}
END_TEST

START_TEST(test_reject_ancount_overrun) {
        uint8_t pkt[sizeof(response_vector)];
        memcpy(pkt, response_vector, sizeof(pkt));
        pkt[7] = 10;
        ck_assert_int_eq(parse(pkt, sizeof(pkt)), -EBADMSG);
        pkt[7] = 9;
        pkt[11] = 1; /* an additional record that is not there */
        ck_assert_int_eq(parse(pkt, sizeof(pkt)), -EBADMSG);
        pkt[10] = pkt[11] = 0xff;
        ck_assert_int_eq(parse(pkt, sizeof(pkt)), -EBADMSG);
}
END_TEST

START_TEST(test_reject_question_truncated) {
        ck_assert_int_eq(parse(query_vector, 12 + 17 + 3), -EBADMSG);
        ck_assert_int_eq(parse(query_vector, 12 + 17), -EBADMSG);
}
END_TEST

START_TEST(test_reject_rr_header_truncated) {
        /* the first record's name (12) plus 9 of its 10 fixed octets */
        uint8_t pkt[12 + 12 + 9];
        memcpy(pkt, response_vector, sizeof(pkt));
        pkt[7] = 1;
        ck_assert_int_eq(parse(pkt, sizeof(pkt)), -EBADMSG);
}
END_TEST

START_TEST(test_reject_rdata_past_packet) {
        uint8_t pkt[sizeof(response_vector)];
        memcpy(pkt, response_vector, sizeof(pkt));
        pkt[221] = 0; /* last record: rdlength 4 → 5 */
        pkt[218] = 5;
        ck_assert_int_eq(parse(pkt, sizeof(pkt)), -EBADMSG);
        ck_assert_int_eq(parse(response_vector, sizeof(response_vector) - 1), -EBADMSG);
}
END_TEST

START_TEST(test_reject_a_length) {
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_A, "\1\2\3\4", 4), 0);
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_A, "\1\2\3", 3), -EBADMSG);
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_A, "\1\2\3\4\5", 5), -EBADMSG);
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_A, "", 0), -EBADMSG);
}
END_TEST

START_TEST(test_reject_aaaa_length) {
        static const uint8_t v6[17] = { 0xfe, 0x80 };
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_AAAA, v6, 16), 0);
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_AAAA, v6, 15), -EBADMSG);
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_AAAA, v6, 17), -EBADMSG);
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_AAAA, v6, 4), -EBADMSG);
}
END_TEST

START_TEST(test_reject_srv_short) {
        static const uint8_t srv[] = "\0\0\0\0\2\167\4host\5local\0";
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_SRV, srv, 18), 0);
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_SRV, srv, 6), -EBADMSG);
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_SRV, srv, 5), -EBADMSG);
}
END_TEST

START_TEST(test_reject_srv_target_overrun) {
        static const uint8_t srv[] = "\0\0\0\0\2\167\4host\5local\0\0";
        /* rdlength ends inside the target */
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_SRV, srv, 17), -EBADMSG);
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_SRV, srv, 10), -EBADMSG);
        /* or after it */
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_SRV, srv, 19), -EBADMSG);
}
END_TEST

START_TEST(test_reject_name_rdata_length) {
        static const uint16_t types[] = { DNS_TYPE_PTR, DNS_TYPE_CNAME, DNS_TYPE_NS };
        for (size_t i = 0; i < ELEMENTSOF(types); i++) {
                ck_assert_int_eq(parse_one_rr(types[i], "\4host\5local\0", 12), 0);
                /* name not ending exactly at rdlength: one octet too many, one too few */
                ck_assert_int_eq(parse_one_rr(types[i], "\4host\5local\0\0", 13), -EBADMSG);
                ck_assert_int_eq(parse_one_rr(types[i], "\4host\5local\0", 11), -EBADMSG);
                /* a compressed name: the pointer must end at rdlength too */
                ck_assert_int_eq(parse_one_rr(types[i], "\xc0\x0c", 2), 0);
                ck_assert_int_eq(parse_one_rr(types[i], "\xc0\x0c\0", 3), -EBADMSG);
                ck_assert_int_eq(parse_one_rr(types[i], "\xc0", 1), -EBADMSG);
                ck_assert_int_eq(parse_one_rr(types[i], "", 0), -EBADMSG);
        }
}
END_TEST

START_TEST(test_reject_txt_overrun) {
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_TXT, "\3abc\0", 5), 0);
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_TXT, "\3abc\1", 5), -EBADMSG);
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_TXT, "\5abc", 4), -EBADMSG);
}
END_TEST

START_TEST(test_reject_hinfo_strings) {
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_HINFO, "\1a\1b", 4), 0);
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_HINFO, "\1a", 2), -EBADMSG);
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_HINFO, "\1a\1b\1c", 6), -EBADMSG);
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_HINFO, "\1a\3b", 4), -EBADMSG);
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_HINFO, "", 0), -EBADMSG);
}
END_TEST

START_TEST(test_reject_nsec_bitmap) {
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_NSEC, "\xc0\x0c\0\1\x40", 5), 0);
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_NSEC, "\xc0\x0c", 2), 0); /* no windows */
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_NSEC, "\xc0\x0c\0\0", 4), -EBADMSG);           /* length 0 */
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_NSEC, "\xc0\x0c\0\2\x40", 5), -EBADMSG);       /* overrun */
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_NSEC, "\xc0\x0c\1\1\1\0\1\1", 8), -EBADMSG);   /* decreasing */
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_NSEC, "\xc0\x0c\0\1\1\0\1\1", 8), -EBADMSG);   /* repeated */
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_NSEC, "\xc0\x0c\0\1\x40\1", 6), -EBADMSG);     /* trailing octet */
        uint8_t big[2 + 2 + 33] = { 0xc0, 0x0c, 0, 33 };
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_NSEC, big, sizeof(big)), -EBADMSG);            /* length 33 */
        big[3] = 32;
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_NSEC, big, sizeof(big) - 1), 0);
        /* the next name must be a well-formed name inside the rdata */
        ck_assert_int_eq(parse_one_rr(DNS_TYPE_NSEC, "\4hos", 4), -EBADMSG);
}
END_TEST

START_TEST(test_reject_arena_too_small) {
        static uint8_t small[512];
        struct dns_arena a;

        dns_arena_init(&a, small, sizeof(small));
        a.used = 8;
        msg.ancount = 77;
        ck_assert_int_eq(dns_msg_parse(&msg, response_vector, sizeof(response_vector), &a), -ENOBUFS);
        ck_assert_uint_eq(a.used, 8); /* as before */
        ck_assert_uint_eq(msg.ancount, 0);
        ck_assert_ptr_null(msg.an);
        /* and enough */
        static uint8_t enough[DNS_ARENA_SIZE_FOR_PACKET(sizeof(response_vector))];
        dns_arena_init(&a, enough, sizeof(enough));
        ck_assert_int_eq(dns_msg_parse(&msg, response_vector, sizeof(response_vector), &a), 0);
}
END_TEST

/* ---- the arena bound ------------------------------------------------------------------- */

/* Returns the arena memory, to be freed once msg has been looked at. */
static uint8_t *assert_parses_with_exact_arena(const struct raw *r) {
        size_t size = DNS_ARENA_SIZE_FOR_PACKET(r->n);
        uint8_t *buf = malloc(size); /* ASan sees any overrun */
        struct dns_arena a;

        ck_assert_ptr_nonnull(buf);
        dns_arena_init(&a, buf, size);
        ck_assert_int_eq(dns_msg_parse(&msg, r->b, r->n, &a), 0);
        ck_assert_uint_le(a.used, size);
        return buf;
}

START_TEST(test_arena_bound_questions) {
        static struct raw r;
        uint16_t n = (DNS_PACKET_MAX - DNS_HEADER_SIZE) / 5;
        raw_header(&r, 0, n, 0, 0, 0);
        for (unsigned i = 0; i < n; i++) {
                raw_u8(&r, 0);
                raw_u32(&r, 0x00ff0001);
        }
        free(assert_parses_with_exact_arena(&r));
}
END_TEST

START_TEST(test_arena_bound_records) {
        static struct raw r;
        uint16_t n = (DNS_PACKET_MAX - DNS_HEADER_SIZE) / 11;
        raw_header(&r, MDNS_FLAGS_RESPONSE, 0, n, 0, 0);
        for (unsigned i = 0; i < n; i++) {
                raw_u8(&r, 0);
                raw_rr_fixed(&r, 65280, DNS_CLASS_IN, 1, 0);
        }
        free(assert_parses_with_exact_arena(&r));
}
END_TEST

START_TEST(test_arena_bound_expanding_names) {
        static struct raw r;
        /* a 255-octet name, then as many SOA records as fit whose two names are pointers to it
         * (each expands 2 → 255) and PTR records likewise */
        uint16_t n_soa = (DNS_PACKET_MAX - DNS_HEADER_SIZE - 259) / (1 + 10 + 24) / 2;
        uint16_t n_ptr = (DNS_PACKET_MAX - DNS_HEADER_SIZE - 259 - n_soa * 35) / 13;
        raw_header(&r, MDNS_FLAGS_RESPONSE, 1, (uint16_t) (n_soa + n_ptr), 0, 0);
        raw_long_name(&r, 61);
        raw_u32(&r, 0x00ff0001);
        for (unsigned i = 0; i < n_soa; i++) {
                raw_u8(&r, 0);
                raw_rr_fixed(&r, DNS_TYPE_SOA, DNS_CLASS_IN, 1, 24);
                raw_u16(&r, 0xc00c);
                raw_u16(&r, 0xc00c);
                for (int k = 0; k < 5; k++)
                        raw_u32(&r, (uint32_t) k);
        }
        for (unsigned i = 0; i < n_ptr; i++) {
                raw_u8(&r, 0);
                raw_rr_fixed(&r, DNS_TYPE_PTR, DNS_CLASS_IN, 1, 2);
                raw_u16(&r, 0xc00c);
        }
        ck_assert_uint_le(r.n, DNS_PACKET_MAX);
        uint8_t *mem = assert_parses_with_exact_arena(&r);
        ck_assert_uint_eq(msg.an[0].rdlength, 255 + 255 + 20);
        ck_assert_uint_eq(msg.an[n_soa].rdlength, 255);
        free(mem);
}
END_TEST

/* ---- builder --------------------------------------------------------------------------- */

static struct dns_rr *rr_new_text(const char *name, uint16_t type, bool flush, uint32_t ttl, const void *rdata,
                                  size_t len) {
        struct dns_name n = NAME(name);
        struct dns_rr *rr = dns_rr_new(&n, type, DNS_CLASS_IN, flush, ttl, rdata, (uint16_t) len);
        ck_assert_ptr_nonnull(rr);
        return rr;
}

static struct dns_rr *rr_new_name(const char *owner, uint16_t type, const char *target, uint32_t ttl) {
        struct dns_name t = NAME(target);
        uint8_t buf[DNS_NAME_MAX];
        int len = dns_rdata_build_name(buf, sizeof(buf), &t);
        ck_assert_int_gt(len, 0);
        return rr_new_text(owner, type, false, ttl, buf, (size_t) len);
}

START_TEST(test_build_query_vector) {
        uint8_t buf[DNS_PACKET_MAX];
        struct dns_builder b;
        struct dns_question q1 = { .name = NAME("_ipp._tcp.local"), .type = DNS_TYPE_PTR, .qclass = DNS_CLASS_IN,
                                   .unicast_response = true },
                            q2 = { .name = NAME("host.local"), .type = DNS_TYPE_A, .qclass = DNS_CLASS_IN };
        struct dns_rr *ka = rr_new_name("_ipp._tcp.local", DNS_TYPE_PTR, "My Printer._ipp._tcp.local", 4500);

        dns_builder_init(&b, buf, sizeof(buf), 0, 0);
        ck_assert_int_eq(dns_builder_add_question(&b, &q1), 0);
        ck_assert_int_eq(dns_builder_add_question(&b, &q2), 0);
        ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_ANSWER, ka), 0);
        ck_assert_uint_eq(dns_builder_count(&b, DNS_SECTION_QUESTION), 2);
        ck_assert_uint_eq(dns_builder_count(&b, DNS_SECTION_ANSWER), 1);
        ck_assert_uint_eq(dns_builder_count(&b, DNS_SECTION_ADDITIONAL), 0);
        /* byte for byte the hand-made vector, compression included */
        ck_assert_uint_eq(dns_builder_finish(&b), sizeof(query_vector));
        ck_assert_mem_eq(buf, query_vector, sizeof(query_vector));
        dns_rr_free(ka);
}
END_TEST

START_TEST(test_build_bits) {
        uint8_t buf[512];
        struct dns_builder b;
        struct dns_rr *rr = rr_new_text("h.local", DNS_TYPE_A, true, 120, "\1\2\3\4", 4);
        struct dns_question q = { .name = NAME("h.local"), .type = DNS_TYPE_ANY, .qclass = DNS_CLASS_IN };

        dns_builder_init(&b, buf, sizeof(buf), 0x4242, 0);
        ck_assert_int_eq(dns_builder_add_question(&b, &q), 0);
        /* RFC 6762 §5.4: QM → top bit clear */
        ck_assert_mem_eq(buf + 12 + 9, "\0\377\0\1", 4);
        /* RFC 6762 §10.2: cache-flush on the class */
        ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_AUTHORITY, rr), 0);
        ck_assert_mem_eq(buf + 25, "\xc0\x0c\0\1\x80\1\0\0\0\x78\0\4\1\2\3\4", 16);
        /* overrides: goodbye without the bit (RFC 6762 §10.1) */
        ck_assert_int_eq(dns_builder_add_rr_ttl(&b, DNS_SECTION_ADDITIONAL, rr, 0, false), 0);
        ck_assert_mem_eq(buf + 41, "\xc0\x0c\0\1\0\1\0\0\0\0\0\4", 12);
        dns_builder_set_flags(&b, MDNS_FLAGS_RESPONSE);
        ck_assert_uint_eq(dns_builder_finish(&b), 57);
        ck_assert_mem_eq(buf, "\x42\x42\x84\0\0\1\0\0\0\1\0\1", 12);

        ck_assert_int_eq(parse(buf, 57), 0);
        ck_assert(!msg.qd[0].unicast_response);
        ck_assert(msg.ns[0].cache_flush);
        ck_assert(!msg.ar[0].cache_flush);
        ck_assert_uint_eq(msg.ar[0].ttl, 0);

        /* QU */
        q.unicast_response = true;
        dns_builder_init(&b, buf, sizeof(buf), 0, 0);
        ck_assert_int_eq(dns_builder_add_question(&b, &q), 0);
        ck_assert_mem_eq(buf + 12 + 9, "\0\377\x80\1", 4);
        dns_rr_free(rr);
}
END_TEST

START_TEST(test_build_section_order) {
        uint8_t buf[512];
        struct dns_builder b;
        struct dns_rr *rr = rr_new_text("h.local", DNS_TYPE_A, false, 120, "\1\2\3\4", 4);
        struct dns_question q = { .name = NAME("h.local"), .type = DNS_TYPE_A, .qclass = DNS_CLASS_IN };

        dns_builder_init(&b, buf, sizeof(buf), 0, 0);
        ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_ADDITIONAL, rr), 0);
        size_t len = dns_builder_size(&b);
        ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_ANSWER, rr), -EINVAL);
        ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_AUTHORITY, rr), -EINVAL);
        ck_assert_int_eq(dns_builder_add_question(&b, &q), -EINVAL);
        ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_QUESTION, rr), -EINVAL);
        ck_assert_int_eq(dns_builder_add_rr(&b, (enum dns_section) 7, rr), -EINVAL);
        ck_assert_uint_eq(dns_builder_size(&b), len);
        ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_ADDITIONAL, rr), 0);
        ck_assert_uint_eq(dns_builder_count(&b, DNS_SECTION_ADDITIONAL), 2);
        dns_rr_free(rr);
}
END_TEST

START_TEST(test_build_rejects_bad_records) {
        uint8_t buf[512];
        struct dns_builder b, snap;
        struct dns_rr *a3 = rr_new_text("h.local", DNS_TYPE_A, false, 120, "\1\2\3", 3);
        struct dns_rr *txt0 = rr_new_text("h.local", DNS_TYPE_TXT, false, 120, NULL, 0);
        struct dns_rr *ptr = rr_new_text("h.local", DNS_TYPE_PTR, false, 120, "\xc0\x0c", 2);
        struct dns_question q = { .name = { .len = 3, .data = { 5, 'a', 0 } }, .type = DNS_TYPE_A };

        dns_builder_init(&b, buf, sizeof(buf), 0, 0);
        memcpy(&snap, &b, sizeof(b));
        ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_ANSWER, a3), -EINVAL);
        ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_ANSWER, txt0), -EINVAL); /* RFC 6763 §6.1 */
        ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_ANSWER, ptr), -EINVAL);  /* not canonical */
        ck_assert_int_eq(dns_builder_add_question(&b, &q), -EINVAL);
        ck_assert_mem_eq(&b, &snap, sizeof(b));
        dns_rr_free(a3);
        dns_rr_free(txt0);
        dns_rr_free(ptr);

        /* a buffer too small for the header */
        dns_builder_init(&b, buf, 11, 0, 0);
        q.name = NAME("x");
        ck_assert_int_eq(dns_builder_add_question(&b, &q), -EMSGSIZE);
        ck_assert_uint_eq(dns_builder_finish(&b), 0);
}
END_TEST

/* A service's records, as a responder sends them (RFC 6763 §12.1). */
static size_t service_records(struct dns_rr **v) {
        uint8_t rdata[512];
        size_t n = 0;
        int len;

        v[n++] = rr_new_name("_ipp._tcp.local", DNS_TYPE_PTR, "My Printer._ipp._tcp.local", 4500);
        struct dns_srv srv = { .port = 631, .target = NAME("host.local") };
        len = dns_rdata_build_srv(rdata, sizeof(rdata), &srv);
        v[n++] = rr_new_text("My Printer._ipp._tcp.local", DNS_TYPE_SRV, true, 120, rdata, (size_t) len);
        static const char *const txt[] = { "txtvers=1", "pdl=application/pdf" };
        len = dns_rdata_build_txt(rdata, sizeof(rdata), txt, 2);
        v[n++] = rr_new_text("My Printer._ipp._tcp.local", DNS_TYPE_TXT, true, 4500, rdata, (size_t) len);
        v[n++] = rr_new_text("host.local", DNS_TYPE_A, true, 120, "\xa9\xfe\3\4", 4);
        v[n++] = rr_new_text("host.local", DNS_TYPE_AAAA, true, 120, "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16);
        len = dns_rdata_build_hinfo(rdata, sizeof(rdata), "X86_64", "LINUX");
        v[n++] = rr_new_text("host.local", DNS_TYPE_HINFO, true, 120, rdata, (size_t) len);
        static const uint16_t types[] = { DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_HINFO };
        struct dns_name next = NAME("host.local");
        len = dns_rdata_build_nsec(rdata, sizeof(rdata), &next, types, 3);
        v[n++] = rr_new_text("host.local", DNS_TYPE_NSEC, true, 120, rdata, (size_t) len);
        v[n++] = rr_new_name("www.local", DNS_TYPE_CNAME, "host.local", 120);
        v[n++] = rr_new_name("local", DNS_TYPE_NS, "host.local", 120);
        v[n++] = rr_new_text("host.local", 65280, false, 120, "\xc0\x0c", 2);
        return n;
}

static size_t build_all(uint8_t *buf, size_t size, struct dns_rr *const *v, size_t n) {
        struct dns_builder b;
        struct dns_question q = { .name = NAME("_ipp._tcp.local"), .type = DNS_TYPE_PTR, .qclass = DNS_CLASS_IN };

        dns_builder_init(&b, buf, size, 7, MDNS_FLAGS_RESPONSE);
        ck_assert_int_eq(dns_builder_add_question(&b, &q), 0);
        for (size_t i = 0; i < n; i++)
                ck_assert_int_eq(dns_builder_add_rr(&b, i < 3 ? DNS_SECTION_ANSWER : DNS_SECTION_ADDITIONAL, v[i]), 0);
        return dns_builder_finish(&b);
}

START_TEST(test_round_trip_build_parse) {
        struct dns_rr *v[16];
        size_t n = service_records(v), len, uncompressed = DNS_HEADER_SIZE + 17 + 4;
        uint8_t buf[DNS_PACKET_MAX];

        len = build_all(buf, sizeof(buf), v, n);
        ck_assert_int_eq(parse(buf, len), 0);
        ck_assert_uint_eq(msg.id, 7);
        ck_assert_uint_eq(msg.qdcount, 1);
        ck_assert_uint_eq(msg.ancount, 3);
        ck_assert_uint_eq(msg.arcount, n - 3);
        for (size_t i = 0; i < n; i++) {
                const struct dns_rr *got = i < 3 ? &msg.an[i] : &msg.ar[i - 3];
                ck_assert(dns_rr_equal(got, v[i]));
                /* canonical rdata comes back octet for octet, case and all */
                ck_assert_uint_eq(got->rdlength, v[i]->rdlength);
                ck_assert_mem_eq(got->rdata, v[i]->rdata, v[i]->rdlength);
                ck_assert_uint_eq(got->name.len, v[i]->name.len);
                ck_assert_mem_eq(got->name.data, v[i]->name.data, v[i]->name.len);
                ck_assert_uint_eq(got->ttl, v[i]->ttl);
                ck_assert_uint_eq(got->cache_flush, v[i]->cache_flush);
                uncompressed += v[i]->name.len + 10 + v[i]->rdlength;
        }
        /* compression actually shrinks the packet */
        ck_assert_uint_lt(len, uncompressed - 150);
        for (size_t i = 0; i < n; i++)
                dns_rr_free(v[i]);
}
END_TEST

START_TEST(test_round_trip_parse_build_parse) {
        static struct dns_msg first;
        uint8_t arena2_buf[DNS_ARENA_SIZE_FOR_PACKET(sizeof(response_vector))];
        uint8_t buf[DNS_PACKET_MAX];
        struct dns_arena a2;
        struct dns_builder b;
        size_t len;

        ck_assert_int_eq(parse(response_vector, sizeof(response_vector)), 0);
        first = msg;
        dns_builder_init(&b, buf, sizeof(buf), first.id, first.flags);
        for (unsigned i = 0; i < first.ancount; i++)
                ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_ANSWER, &first.an[i]), 0);
        len = dns_builder_finish(&b);

        dns_arena_init(&a2, arena2_buf, sizeof(arena2_buf));
        ck_assert_int_eq(dns_msg_parse(&msg, buf, len, &a2), 0);
        ck_assert_uint_eq(msg.id, first.id);
        ck_assert_uint_eq(msg.flags, first.flags);
        ck_assert_uint_eq(msg.ancount, first.ancount);
        for (unsigned i = 0; i < first.ancount; i++) {
                ck_assert(dns_rr_equal(&msg.an[i], &first.an[i]));
                ck_assert_uint_eq(msg.an[i].cache_flush, first.an[i].cache_flush);
        }
        /* the NSEC next name went out uncompressed: 10 octets longer than the vector */
        ck_assert_uint_eq(len, sizeof(response_vector) + 10);
}
END_TEST

START_TEST(test_compression_in_rdata) {
        uint8_t buf[1024];
        struct dns_builder b;
        struct dns_rr *v[16];
        size_t n = service_records(v), len;

        dns_builder_init(&b, buf, sizeof(buf), 0, MDNS_FLAGS_RESPONSE);
        for (size_t i = 0; i < 2; i++)
                ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_ANSWER, v[i]), 0);
        len = dns_builder_finish(&b);
        /* 12: _ipp._tcp.local PTR "My Printer" + -> 12; then the SRV's owner -> 39 */
        ck_assert_mem_eq(buf + 12 + 17 + 10, "\12My Printer\xc0\x0c", 13);
        ck_assert_mem_eq(buf + 52, "\xc0\x27\0\x21", 4);
        /* SRV target: host.local in line, but "local" -> 22 (RFC 6762 §18.14) */
        ck_assert_mem_eq(buf + 52 + 12 + 6, "\4host\xc0\x16", 7);
        ck_assert_uint_eq(len, 52 + 12 + 6 + 7);
        for (size_t i = 0; i < n; i++)
                dns_rr_free(v[i]);
}
END_TEST

START_TEST(test_nsec_next_never_compressed) {
        uint8_t buf[512], rdata[300];
        struct dns_builder b;
        struct dns_name next = NAME("host.local");
        static const uint16_t types[] = { DNS_TYPE_A };
        int len = dns_rdata_build_nsec(rdata, sizeof(rdata), &next, types, 1);
        struct dns_rr *nsec = rr_new_text("host.local", DNS_TYPE_NSEC, true, 120, rdata, (size_t) len);

        dns_builder_init(&b, buf, sizeof(buf), 0, 0);
        ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_ANSWER, nsec), 0);
        ck_assert_uint_eq(dns_builder_finish(&b), 12 + 12 + 10 + 12 + 3);
        ck_assert_mem_eq(buf + 12 + 12 + 10, "\4host\5local\0\0\1\x40", 15);
        dns_rr_free(nsec);
}
END_TEST

START_TEST(test_compression_keeps_case) {
        uint8_t buf[512];
        struct dns_builder b;
        struct dns_rr *a = rr_new_name("x.local", DNS_TYPE_PTR, "host.local", 1),
                      *c = rr_new_name("y.local", DNS_TYPE_PTR, "Host.local", 1),
                      *d = rr_new_name("z.local", DNS_TYPE_PTR, "Host.local", 1);

        dns_builder_init(&b, buf, sizeof(buf), 0, 0);
        ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_ANSWER, a), 0);
        ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_ANSWER, c), 0);
        ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_ANSWER, d), 0);
        ck_assert_int_eq(parse(buf, dns_builder_finish(&b)), 0);
        /* RFC 6762 §8.2 compares raw rdata: "Host" must not become "host" */
        ck_assert_mem_eq(msg.an[1].rdata, "\4Host", 5);
        ck_assert_mem_eq(msg.an[2].rdata, "\4Host", 5);
        /* and the third reuses the second in full */
        ck_assert_uint_eq(dns_builder_size(&b), 12 + (9 + 10 + 7) + (4 + 10 + 7) + (4 + 10 + 2));
        dns_rr_free(a);
        dns_rr_free(c);
        dns_rr_free(d);
}
END_TEST

START_TEST(test_compression_table_full) {
        static uint8_t buf[DNS_PACKET_MAX];
        struct dns_builder b;
        char text[64];
        unsigned n = 0;

        /* far more distinct suffixes than the table holds: still correct */
        dns_builder_init(&b, buf, sizeof(buf), 0, 0);
        for (;; n++) {
                snprintf(text, sizeof(text), "h%u.s%u.local", n, n % 7);
                struct dns_rr *rr = rr_new_text(text, DNS_TYPE_A, false, 1, "\1\2\3\4", 4);
                int r = dns_builder_add_rr(&b, DNS_SECTION_ANSWER, rr);
                dns_rr_free(rr);
                if (r == -EMSGSIZE)
                        break;
                ck_assert_int_eq(r, 0);
        }
        ck_assert_uint_gt(n, DNS_BUILDER_COMPRESS_MAX);
        ck_assert_uint_eq(b.n_entries, DNS_BUILDER_COMPRESS_MAX);
        ck_assert_int_eq(parse(buf, dns_builder_finish(&b)), 0);
        ck_assert_uint_eq(msg.ancount, n);
        for (unsigned i = 0; i < n; i++) {
                snprintf(text, sizeof(text), "h%u.s%u.local", i, i % 7);
                assert_name(&msg.an[i].name, text);
        }
}
END_TEST

/* The builder's whole state: the table slots past n_entries are scratch. */
static void assert_builder_same(const struct dns_builder *b, const struct dns_builder *snap) {
        ck_assert_ptr_eq(b->buf, snap->buf);
        ck_assert_uint_eq(b->size, snap->size);
        ck_assert_uint_eq(b->len, snap->len);
        ck_assert_uint_eq(b->id, snap->id);
        ck_assert_uint_eq(b->flags, snap->flags);
        ck_assert_mem_eq(b->counts, snap->counts, sizeof(b->counts));
        ck_assert_int_eq(b->section, snap->section);
        ck_assert_int_eq(b->broken, snap->broken);
        ck_assert_uint_eq(b->n_entries, snap->n_entries);
        for (unsigned i = 0; i < b->n_entries; i++) {
                ck_assert_uint_eq(b->entries[i].hash, snap->entries[i].hash);
                ck_assert_uint_eq(b->entries[i].offset, snap->entries[i].offset);
                ck_assert_uint_eq(b->entries[i].len, snap->entries[i].len);
                ck_assert_uint_eq(b->entries[i].next, snap->entries[i].next);
        }
        /* the hash chains lead to the same suffixes: nothing rolled back is still findable */
        ck_assert_mem_eq(b->buckets, snap->buckets, sizeof(b->buckets));
}

START_TEST(test_builder_rollback) {
        struct dns_rr *v[16];
        size_t n = service_records(v), full;
        static uint8_t buf[1024], ref[1024];
        struct dns_builder b, snap;
        struct dns_question q = { .name = NAME("_ipp._tcp.local"), .type = DNS_TYPE_PTR, .qclass = DNS_CLASS_IN };

        full = build_all(ref, sizeof(ref), v, n);

        /* every buffer size: the records that fit go out exactly as in the full packet, the
         * first that does not leaves the builder exactly as it was */
        for (size_t size = 0; size <= full; size++) {
                size_t added = 0;
                int r;

                memset(buf, 0xaa, sizeof(buf));
                dns_builder_init(&b, buf, size, 7, MDNS_FLAGS_RESPONSE);
                memcpy(&snap, &b, sizeof(b));
                r = dns_builder_add_question(&b, &q);
                if (r == 0)
                        for (; added < n; added++) {
                                memcpy(&snap, &b, sizeof(b));
                                r = dns_builder_add_rr(&b, added < 3 ? DNS_SECTION_ANSWER : DNS_SECTION_ADDITIONAL,
                                                       v[added]);
                                if (r < 0)
                                        break;
                        }
                if (size == full) {
                        ck_assert_int_eq(r, 0);
                        ck_assert_uint_eq(added, n);
                        continue;
                }
                ck_assert_int_eq(r, -EMSGSIZE);
                assert_builder_same(&b, &snap);
                if (size < DNS_HEADER_SIZE)
                        continue;
                /* what is there is a prefix of the full packet and parses */
                size_t len = dns_builder_finish(&b);
                ck_assert_mem_eq(buf + DNS_HEADER_SIZE, ref + DNS_HEADER_SIZE, len - DNS_HEADER_SIZE);
                ck_assert_int_eq(parse(buf, len), 0);
                ck_assert_uint_eq((size_t) msg.ancount + msg.arcount, added);
        }
        for (size_t i = 0; i < n; i++)
                dns_rr_free(v[i]);
}
END_TEST

START_TEST(test_builder_large_buffer) {
        /* beyond 0x3fff nothing can be a pointer target; names there still go out in full */
        static uint8_t buf[20000];
        struct dns_builder b;
        char text[64];
        unsigned n;

        dns_builder_init(&b, buf, sizeof(buf), 0, 0);
        for (n = 0; dns_builder_size(&b) < 18000; n++) {
                snprintf(text, sizeof(text), "name-%u.local", n);
                struct dns_rr *rr = rr_new_text(text, 65280, false, 1, "0123456789", 10);
                ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_ANSWER, rr), 0);
                dns_rr_free(rr);
        }
        for (unsigned e = 0; e < b.n_entries; e++)
                ck_assert_uint_le(b.entries[e].offset, 0x3fff);
        /* the last record: name-N in line, "local" -> 12 + 7 = 19 */
        snprintf(text, sizeof(text), "name-%u", n - 1);
        size_t l = strlen(text);
        ck_assert_uint_eq(buf[dns_builder_size(&b) - 10 - 10 - 2 - l - 1], l);
        ck_assert_mem_eq(buf + dns_builder_size(&b) - 10 - 10 - 2, "\xc0\x13", 2);
}
END_TEST

static Suite *dns_packet_suite(void) {
        Suite *s = suite_create("dns-packet");
        TCase *tc;

        tc = tcase_create("vectors");
        tcase_add_test(tc, test_parse_query_vector);
        tcase_add_test(tc, test_parse_response_vector);
        tcase_add_test(tc, test_trailing_bytes_tolerated);
        tcase_add_test(tc, test_empty_txt_normalized);
        tcase_add_test(tc, test_ttl_top_bit);
        tcase_add_test(tc, test_pointer_into_rdata);
        suite_add_tcase(s, tc);

        tc = tcase_create("reject");
        tcase_add_test(tc, test_reject_too_short);
        tcase_add_test(tc, test_reject_too_long);
        tcase_add_test(tc, test_reject_pointer_to_itself);
        tcase_add_test(tc, test_reject_pointer_to_own_start);
        tcase_add_test(tc, test_reject_pointer_loop);
        tcase_add_test(tc, test_reject_forward_pointer);
        tcase_add_test(tc, test_reject_pointer_into_header);
        tcase_add_test(tc, test_reject_pointer_truncated);
        tcase_add_test(tc, test_reject_label_type_0x40);
        tcase_add_test(tc, test_reject_label_type_0x80);
        tcase_add_test(tc, test_reject_name_too_long);
        tcase_add_test(tc, test_reject_name_too_long_compressed);
        tcase_add_test(tc, test_reject_name_truncated);
        tcase_add_test(tc, test_reject_qdcount_overrun);
        tcase_add_test(tc, test_reject_ancount_overrun);
        tcase_add_test(tc, test_reject_question_truncated);
        tcase_add_test(tc, test_reject_rr_header_truncated);
        tcase_add_test(tc, test_reject_rdata_past_packet);
        tcase_add_test(tc, test_reject_a_length);
        tcase_add_test(tc, test_reject_aaaa_length);
        tcase_add_test(tc, test_reject_srv_short);
        tcase_add_test(tc, test_reject_srv_target_overrun);
        tcase_add_test(tc, test_reject_name_rdata_length);
        tcase_add_test(tc, test_reject_txt_overrun);
        tcase_add_test(tc, test_reject_hinfo_strings);
        tcase_add_test(tc, test_reject_nsec_bitmap);
        tcase_add_test(tc, test_reject_arena_too_small);
        suite_add_tcase(s, tc);

        tc = tcase_create("arena");
        tcase_add_test(tc, test_arena_bound_questions);
        tcase_add_test(tc, test_arena_bound_records);
        tcase_add_test(tc, test_arena_bound_expanding_names);
        suite_add_tcase(s, tc);

        tc = tcase_create("builder");
        tcase_add_test(tc, test_build_query_vector);
        tcase_add_test(tc, test_build_bits);
        tcase_add_test(tc, test_build_section_order);
        tcase_add_test(tc, test_build_rejects_bad_records);
        tcase_add_test(tc, test_round_trip_build_parse);
        tcase_add_test(tc, test_round_trip_parse_build_parse);
        tcase_add_test(tc, test_compression_in_rdata);
        tcase_add_test(tc, test_nsec_next_never_compressed);
        tcase_add_test(tc, test_compression_keeps_case);
        tcase_add_test(tc, test_compression_table_full);
        tcase_add_test(tc, test_builder_rollback);
        tcase_add_test(tc, test_builder_large_buffer);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        log_set_target(LOG_TARGET_NONE);
        return unit_run(dns_packet_suite());
}
