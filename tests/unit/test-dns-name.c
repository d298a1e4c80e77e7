/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests: daemon/dns/dns-name.c — text ↔ wire conversions, escapes, limits, comparison. */
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

static void assert_wire(const struct dns_name *n, const void *wire, size_t len) {
        ck_assert_uint_eq(n->len, len);
        ck_assert_mem_eq(n->data, wire, len);
}

static void assert_text(const struct dns_name *n, const char *expected) {
        char buf[DNS_NAME_TEXT_MAX];
        ck_assert_int_eq(dns_name_to_text(n, buf, sizeof(buf)), (int) strlen(expected));
        ck_assert_str_eq(buf, expected);
}

/* A name of exactly `wire_len` octets made of labels of 'a' (wire_len >= 1). */
static struct dns_name name_of_length(size_t wire_len, char fill) {
        struct dns_name n = DNS_NAME_ROOT;
        size_t left = wire_len - 1;
        char label[DNS_LABEL_MAX];

        memset(label, fill, sizeof(label));
        while (left > 0) {
                size_t l = left - 1 > DNS_LABEL_MAX ? DNS_LABEL_MAX : left - 1;
                if (left - 1 - l == 1) /* never leave a single octet: it could not be a label */
                        l--;
                ck_assert_int_eq(dns_name_append_label(&n, label, l), 0);
                left -= 1 + l;
        }
        ck_assert_uint_eq(n.len, wire_len);
        return n;
}

START_TEST(test_from_text_simple) {
        struct dns_name n = NAME("host.local");
        assert_wire(&n, "\4host\5local", 12);
        n = NAME("host.local.");
        assert_wire(&n, "\4host\5local", 12);
        assert_text(&n, "host.local");
}
END_TEST

START_TEST(test_from_text_root) {
        struct dns_name n = NAME("");
        assert_wire(&n, "", 1);
        ck_assert(dns_name_is_root(&n));
        n = NAME(".");
        assert_wire(&n, "", 1);
        assert_text(&n, ".");
        ck_assert_uint_eq(dns_name_label_count(&n), 0);
}
END_TEST

START_TEST(test_from_text_escapes) {
        struct dns_name n;
        char label[DNS_LABEL_TEXT_MAX];

        /* RFC 6763 §4.3: a dot inside an instance name */
        n = NAME("My\\.Name._ipp._tcp.local");
        ck_assert_uint_eq(dns_name_label_count(&n), 4);
        ck_assert_int_eq(dns_name_first_label(&n, label, sizeof(label)), 7);
        ck_assert_str_eq(label, "My.Name");
        assert_text(&n, "My\\.Name._ipp._tcp.local");

        /* RFC 1035 §5.1: \\, \DDD, \X */
        n = NAME("a\\\\b.c");
        assert_wire(&n, "\3a\\b\1c", 7);
        n = NAME("\\065\\066\\000x");
        assert_wire(&n, "\4AB\0x", 6);
        assert_text(&n, "AB\\000x");
        n = NAME("\\x\\y");
        assert_wire(&n, "\2xy", 4);
        n = NAME("\\255");
        assert_wire(&n, "\1\377", 3);
        /* spaces and UTF-8 stay as they are */
        n = NAME("My Printer \xc3\xa9._ipp._tcp.local");
        assert_text(&n, "My Printer \xc3\xa9._ipp._tcp.local");
}
END_TEST

START_TEST(test_from_text_bad_escape) {
        struct dns_name n = NAME("keep.me");

        ck_assert_int_eq(dns_name_from_text(&n, "a\\"), -EINVAL);
        ck_assert_int_eq(dns_name_from_text(&n, "a\\2"), -EINVAL);
        ck_assert_int_eq(dns_name_from_text(&n, "a\\25"), -EINVAL);
        ck_assert_int_eq(dns_name_from_text(&n, "a\\25x"), -EINVAL);
        ck_assert_int_eq(dns_name_from_text(&n, "a\\256"), -EINVAL);
        ck_assert_int_eq(dns_name_from_text(&n, "a\\999"), -EINVAL);
        /* unchanged on error */
        assert_text(&n, "keep.me");
}
END_TEST

START_TEST(test_from_text_empty_label) {
        struct dns_name n;

        ck_assert_int_eq(dns_name_from_text(&n, "a..b"), -EINVAL);
        ck_assert_int_eq(dns_name_from_text(&n, ".a"), -EINVAL);
        ck_assert_int_eq(dns_name_from_text(&n, "a.."), -EINVAL);
        ck_assert_int_eq(dns_name_from_text(&n, ".."), -EINVAL);
}
END_TEST

START_TEST(test_from_text_label_too_long) {
        char text[200];
        struct dns_name n;

        memset(text, 'x', 63);
        strcpy(text + 63, ".local");
        ck_assert_int_eq(dns_name_from_text(&n, text), 0);
        ck_assert_uint_eq(n.data[0], 63);

        memset(text, 'x', 64);
        strcpy(text + 64, ".local");
        ck_assert_int_eq(dns_name_from_text(&n, text), -EMSGSIZE);

        /* escapes count as one octet */
        for (int i = 0; i < 63; i++)
                memcpy(text + 2 * i, "\\.", 2);
        text[126] = 0;
        ck_assert_int_eq(dns_name_from_text(&n, text), 0);
        ck_assert_uint_eq(n.len, 65);
}
END_TEST

START_TEST(test_from_text_name_too_long) {
        char text[DNS_NAME_TEXT_MAX];
        struct dns_name n = name_of_length(DNS_NAME_MAX, 'a'), m;

        /* exactly 255 octets (labels 63, 63, 63, 61) round-trips */
        ck_assert_int_ge(dns_name_to_text(&n, text, sizeof(text)), 0);
        ck_assert_int_eq(dns_name_from_text(&m, text), 0);
        ck_assert(dns_name_equal(&n, &m));
        ck_assert_uint_eq(m.len, DNS_NAME_MAX);

        /* 256 octets: one more octet in the last label */
        strcat(text, "a");
        ck_assert_int_eq(dns_name_from_text(&m, text), -EMSGSIZE);
        /* 257 octets: one more label */
        text[strlen(text) - 1] = 0;
        strcat(text, ".b");
        ck_assert_int_eq(dns_name_from_text(&m, text), -EMSGSIZE);
}
END_TEST

START_TEST(test_to_text_escapes) {
        struct dns_name n = DNS_NAME_ROOT;

        ck_assert_int_eq(dns_name_append_label(&n, "a.b\\c", 5), 0);
        ck_assert_int_eq(dns_name_append_label(&n, "\x01\x7f\x1f", 3), 0);
        assert_text(&n, "a\\.b\\\\c.\\001\\127\\031");

        /* and back to the same octets */
        struct dns_name m = NAME("a\\.b\\\\c.\\001\\127\\031");
        ck_assert_uint_eq(m.len, n.len);
        ck_assert_mem_eq(m.data, n.data, n.len);
}
END_TEST

START_TEST(test_to_text_buffer) {
        struct dns_name n = NAME("host.local");
        char buf[DNS_NAME_TEXT_MAX];

        ck_assert_int_eq(dns_name_to_text(&n, buf, 11), 10);
        ck_assert_int_eq(dns_name_to_text(&n, buf, 10), -ENOBUFS);
        ck_assert_int_eq(dns_name_to_text(&n, buf, 0), -ENOBUFS);
        n = DNS_NAME_ROOT;
        ck_assert_int_eq(dns_name_to_text(&n, buf, 1), -ENOBUFS);
        ck_assert_int_eq(dns_name_to_text(&n, buf, 2), 1);

        /* the worst case fits DNS_NAME_TEXT_MAX: 255 octets, every content octet \DDD */
        n = name_of_length(DNS_NAME_MAX, 1); /* labels of 63, 63, 63, 61 octets */
        ck_assert_int_eq(dns_name_to_text(&n, buf, sizeof(buf)), 4 * (63 + 63 + 63 + 61) + 3);
}
END_TEST

START_TEST(test_from_labels) {
        static const char *const labels[] = { "My.Printer (2)", "_ipp", "_tcp", "local" };
        struct dns_name n, bad = NAME("x");
        char long_label[65];

        ck_assert_int_eq(dns_name_from_labels(&n, labels, 4), 0);
        assert_text(&n, "My\\.Printer (2)._ipp._tcp.local");
        ck_assert_int_eq(dns_name_from_labels(&n, labels, 0), 0);
        ck_assert(dns_name_is_root(&n));

        static const char *const empty[] = { "a", "", "local" };
        ck_assert_int_eq(dns_name_from_labels(&bad, empty, 3), -EINVAL);
        memset(long_label, 'x', 64);
        long_label[64] = 0;
        const char *const too_long[] = { long_label, "local" };
        ck_assert_int_eq(dns_name_from_labels(&bad, too_long, 2), -EMSGSIZE);
        assert_text(&bad, "x");
}
END_TEST

START_TEST(test_append) {
        struct dns_name n = NAME("Printer"), suffix = NAME("_ipp._tcp.local");

        ck_assert_int_eq(dns_name_append_name(&n, &suffix), 0);
        assert_text(&n, "Printer._ipp._tcp.local");
        ck_assert_int_eq(dns_name_append_label(&n, "x", 1), 0);
        assert_text(&n, "Printer._ipp._tcp.local.x");
        ck_assert_int_eq(dns_name_append_label(&n, "x", 0), -EINVAL);

        struct dns_name root = DNS_NAME_ROOT;
        ck_assert_int_eq(dns_name_append_name(&root, &suffix), 0);
        ck_assert(dns_name_equal(&root, &suffix));
        struct dns_name zero = { .len = 0 };
        ck_assert_int_eq(dns_name_append_name(&n, &zero), 0);
        assert_text(&n, "Printer._ipp._tcp.local.x");

        /* overflow leaves the name as it was */
        struct dns_name big = name_of_length(250, 'a'), copy = big;
        ck_assert_int_eq(dns_name_append_label(&big, "abcd", 4), 0);
        big = copy;
        ck_assert_int_eq(dns_name_append_label(&big, "abcde", 5), -EMSGSIZE);
        ck_assert_int_eq(dns_name_append_name(&big, &suffix), -EMSGSIZE);
        ck_assert_uint_eq(big.len, copy.len);
        ck_assert_mem_eq(big.data, copy.data, copy.len);
}
END_TEST

START_TEST(test_equal_case_insensitive) {
        struct dns_name a = NAME("HOST.Local"), b = NAME("host.local"), c = NAME("host.locals");

        ck_assert(dns_name_equal(&a, &b));
        ck_assert(!dns_name_equal(&a, &c));
        ck_assert_uint_eq(dns_name_hash(&a), dns_name_hash(&b));
        ck_assert_int_eq(dns_name_compare(&a, &b), 0);
        /* only ASCII folds (RFC 6762 §16): Ä and ä differ */
        a = NAME("\xc3\x84");
        b = NAME("\xc3\xa4");
        ck_assert(!dns_name_equal(&a, &b));
        /* same octets, different label structure */
        a = NAME("ab.c");
        b = NAME("a.bc");
        ck_assert(!dns_name_equal(&a, &b));
        /* equal octets, and a difference in case only in the last octet */
        a = NAME("_bench._tcp.local");
        b = NAME("_bench._tcp.local");
        c = NAME("_bench._tcp.locaL");
        ck_assert(dns_name_equal(&a, &b));
        ck_assert(dns_name_equal(&a, &c));
        c = NAME("_bench._tcp.locam");
        ck_assert(!dns_name_equal(&a, &c));
        /* a zeroed name is the root */
        struct dns_name zero = { .len = 0 }, root = DNS_NAME_ROOT;
        ck_assert(dns_name_equal(&zero, &root));
        ck_assert_uint_eq(dns_name_hash(&zero), dns_name_hash(&root));
}
END_TEST

START_TEST(test_compare_canonical_order) {
        /* RFC 4034 §6.1 example, in canonical order */
        static const char *const sorted[] = {
                "example", "a.example", "yljkjljk.a.example", "Z.a.example", "zABC.a.EXAMPLE",
                "z.example", "\\001.z.example", "*.z.example", "\\200.z.example",
        };
        for (size_t i = 0; i < ELEMENTSOF(sorted); i++)
                for (size_t j = 0; j < ELEMENTSOF(sorted); j++) {
                        struct dns_name a = NAME(sorted[i]), b = NAME(sorted[j]);
                        int r = dns_name_compare(&a, &b);
                        ck_assert_msg(i < j ? r < 0 : i > j ? r > 0 : r == 0, "%s vs %s: %d", sorted[i],
                                      sorted[j], r);
                }
        struct dns_name root = DNS_NAME_ROOT, a = NAME("a");
        ck_assert_int_lt(dns_name_compare(&root, &a), 0);
}
END_TEST

START_TEST(test_endswith) {
        struct dns_name n = NAME("a.b.local"), s;
        s = NAME("local");
        ck_assert(dns_name_endswith(&n, &s));
        s = NAME("B.LOCAL");
        ck_assert(dns_name_endswith(&n, &s));
        s = NAME("a.b.local");
        ck_assert(dns_name_endswith(&n, &s));
        s = DNS_NAME_ROOT;
        ck_assert(dns_name_endswith(&n, &s));
        s = NAME("ocal");
        ck_assert(!dns_name_endswith(&n, &s));
        s = NAME("x.a.b.local");
        ck_assert(!dns_name_endswith(&n, &s));
        s = NAME("b.local");
        ck_assert(!dns_name_endswith(&s, &n));
}
END_TEST

START_TEST(test_labels) {
        struct dns_name n = NAME("Name._ipp._tcp.local"), s;
        char buf[8];

        ck_assert_uint_eq(dns_name_label_count(&n), 4);
        ck_assert_int_eq(dns_name_first_label(&n, buf, sizeof(buf)), 4);
        ck_assert_str_eq(buf, "Name");
        ck_assert_int_eq(dns_name_first_label(&n, buf, 4), -ENOBUFS);
        s = DNS_NAME_ROOT;
        ck_assert_int_eq(dns_name_first_label(&s, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "");

        ck_assert_int_eq(dns_name_suffix(&n, 1, &s), 0);
        assert_text(&s, "_ipp._tcp.local");
        ck_assert_int_eq(dns_name_suffix(&n, 4, &s), 0);
        ck_assert(dns_name_is_root(&s));
        ck_assert_int_eq(dns_name_suffix(&n, 5, &s), -EINVAL);
        ck_assert_int_eq(dns_name_suffix(&n, 2, &n), 0);
        assert_text(&n, "_tcp.local");
}
END_TEST

START_TEST(test_from_wire) {
        struct dns_name n;

        ck_assert_int_eq(dns_name_from_wire(&n, "\4host\5local\0trailing", 20), 12);
        assert_text(&n, "host.local");
        ck_assert_int_eq(dns_name_from_wire(&n, "\0", 1), 1);
        /* runs past the end */
        ck_assert_int_eq(dns_name_from_wire(&n, "\4host\5loc", 10), -EBADMSG);
        ck_assert_int_eq(dns_name_from_wire(&n, "\4host\5local", 11), -EBADMSG);
        ck_assert_int_eq(dns_name_from_wire(&n, "", 0), -EBADMSG);
        /* compression pointers and the 0x40/0x80 label types have no place in canonical form */
        ck_assert_int_eq(dns_name_from_wire(&n, "\4host\300\014", 7), -EBADMSG);
        ck_assert_int_eq(dns_name_from_wire(&n, "\100", 1), -EBADMSG);
        ck_assert_int_eq(dns_name_from_wire(&n, "\200", 1), -EBADMSG);

        /* 255 octets fine, 256 not */
        struct dns_name big = name_of_length(DNS_NAME_MAX, 'q');
        uint8_t wire[300];
        memcpy(wire, big.data, big.len);
        ck_assert_int_eq(dns_name_from_wire(&n, wire, big.len), DNS_NAME_MAX);
        /* grow the last label (61 octets at offset 192) by one */
        ck_assert_uint_eq(wire[192], 61);
        memmove(wire + 194, wire + 193, big.len - 193);
        wire[192] = 62;
        wire[193] = 'q';
        ck_assert_int_eq(dns_name_from_wire(&n, wire, big.len + 1), -EBADMSG);
}
END_TEST

START_TEST(test_is_valid) {
        struct dns_name n = NAME("a.b");
        ck_assert(dns_name_is_valid(&n));
        n.len = 3; /* cut inside a label */
        ck_assert(!dns_name_is_valid(&n));
        n = (struct dns_name) { .len = 0 };
        ck_assert(dns_name_is_valid(&n));
        n = (struct dns_name) { .len = 2, .data = { 0x40, 0 } };
        ck_assert(!dns_name_is_valid(&n));
}
END_TEST

static Suite *dns_name_suite(void) {
        Suite *s = suite_create("dns-name");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_from_text_simple);
        tcase_add_test(tc, test_from_text_root);
        tcase_add_test(tc, test_from_text_escapes);
        tcase_add_test(tc, test_from_text_bad_escape);
        tcase_add_test(tc, test_from_text_empty_label);
        tcase_add_test(tc, test_from_text_label_too_long);
        tcase_add_test(tc, test_from_text_name_too_long);
        tcase_add_test(tc, test_to_text_escapes);
        tcase_add_test(tc, test_to_text_buffer);
        tcase_add_test(tc, test_from_labels);
        tcase_add_test(tc, test_append);
        tcase_add_test(tc, test_equal_case_insensitive);
        tcase_add_test(tc, test_compare_canonical_order);
        tcase_add_test(tc, test_endswith);
        tcase_add_test(tc, test_labels);
        tcase_add_test(tc, test_from_wire);
        tcase_add_test(tc, test_is_valid);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        log_set_target(LOG_TARGET_NONE);
        return unit_run(dns_name_suite());
}
