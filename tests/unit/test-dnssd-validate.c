/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests: daemon/dnssd/validate.c and service.c — the RFC 6763 syntax tables (types,
 * subtypes, instance names, TXT keys and sizes, interface names), strict hex/base64, %h
 * expansion, name building and TXT rdata. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
#include "dnssd/service.h"
#include "dnssd/validate.h"
#include "log.h"
#include "unit.h"

static struct dns_name name_of(const char *text) {
        struct dns_name n;
        ck_assert_int_eq(dns_name_from_text(&n, text), 0);
        return n;
}

static void assert_name_wire(const struct dns_name *n, const void *wire, size_t len) {
        ck_assert_uint_eq(n->len, len);
        ck_assert_mem_eq(n->data, wire, len);
}

/* RFC 6763 §7, RFC 6335 §5.1 */
START_TEST(test_service_types) {
        static const char *const good[] = {
                "_ssh._tcp", "_sftp-ssh._tcp", "_http._tcp", "_ipp._tcp", "_a._udp", "_x1._udp",
                "_1a._tcp", "_a-b-c._tcp", "_abcdefghijklmno._tcp" /* 15 */, "_HTTP._TCP", "_dns-sd._udp",
                "_12345678901234a._tcp" /* 15, one letter */,
        };
        static const char *const bad[] = {
                "", "ssh._tcp", "_ssh", "_ssh.", "_ssh._tcp.", "_ssh._sctp", "_ssh.tcp", "_ssh._tcp.local",
                "__tcp", "_._tcp", "_abcdefghijklmnop._tcp" /* 16 */, "_-ab._tcp", "_ab-._tcp", "_a--b._tcp",
                "_123._tcp" /* no letter */, "_a_b._tcp", "_a b._tcp", "_a.b._tcp", "_é._tcp", "_ssh._tc",
                "_ssh._tcpx", "_ssh..tcp",
        };
        const char *reason;

        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
                ck_assert_msg(dnssd_check_service_type(good[i], &reason) == 0, "%s: %s", good[i], reason);
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                reason = NULL;
                ck_assert_msg(dnssd_check_service_type(bad[i], &reason) == -EINVAL, "accepted %s", bad[i]);
                ck_assert_ptr_nonnull(reason);
        }
        ck_assert_int_eq(dnssd_check_service_type("_abcdefghijklmnop._tcp", &reason), -EINVAL);
        ck_assert_ptr_nonnull(strstr(reason, "1 to 15"));
        ck_assert_int_eq(dnssd_check_service_type("_123._tcp", &reason), -EINVAL);
        ck_assert_ptr_nonnull(strstr(reason, "letter"));
        ck_assert_int_eq(dnssd_check_service_type("_a--b._tcp", &reason), -EINVAL);
        ck_assert_ptr_nonnull(strstr(reason, "two hyphens"));
}
END_TEST

/* RFC 6763 §7.1 */
START_TEST(test_subtypes) {
        char label[DNSSD_SUBTYPE_MAX + 1], l63[64], l64[65], buf[200];
        const char *reason;

        memset(l63, 's', 63);
        l63[63] = '\0';
        memset(l64, 's', 64);
        l64[64] = '\0';

        ck_assert_int_eq(dnssd_check_subtype_label("_printer", &reason), 0);
        ck_assert_int_eq(dnssd_check_subtype_label("printer", &reason), 0); /* "_" not required */
        ck_assert_int_eq(dnssd_check_subtype_label("Drucker für alle", &reason), 0);
        ck_assert_int_eq(dnssd_check_subtype_label(l63, &reason), 0);
        ck_assert_int_eq(dnssd_check_subtype_label(l64, &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_subtype_label("", &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_subtype_label("a.b", &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_subtype_label("a\tb", &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_subtype_label("\xff", &reason), -EINVAL);

        /* the short form and the full form */
        ck_assert_int_eq(dnssd_parse_subtype("_printer", "_http._tcp", label, &reason), 0);
        ck_assert_str_eq(label, "_printer");
        ck_assert_int_eq(dnssd_parse_subtype("_printer._sub._http._tcp", "_http._tcp", label, &reason), 0);
        ck_assert_str_eq(label, "_printer");
        ck_assert_int_eq(dnssd_parse_subtype("_printer._sub._HTTP._tcp", "_http._tcp", label, &reason), 0);
        ck_assert_int_eq(dnssd_parse_subtype("_printer._sub._ipp._tcp", "_http._tcp", label, &reason), -EINVAL);
        ck_assert_int_eq(dnssd_parse_subtype("._sub._http._tcp", "_http._tcp", label, &reason), -EINVAL);
        ck_assert_int_eq(dnssd_parse_subtype("_a.b._sub._http._tcp", "_http._tcp", label, &reason), -EINVAL);
        ck_assert_int_eq(dnssd_parse_subtype(l64, "_http._tcp", label, &reason), -EINVAL);
        snprintf(buf, sizeof(buf), "%s._sub._http._tcp", l63);
        ck_assert_int_eq(dnssd_parse_subtype(buf, "_http._tcp", label, &reason), 0);
        ck_assert_str_eq(label, l63);
        snprintf(buf, sizeof(buf), "%s._sub._http._tcp", l64);
        ck_assert_int_eq(dnssd_parse_subtype(buf, "_http._tcp", label, &reason), -EINVAL);
}
END_TEST

/* RFC 6763 §4.1.1 */
START_TEST(test_instance_names) {
        char n63[64], n64[65], u63[64];
        const char *reason;

        memset(n63, 'n', 63);
        n63[63] = '\0';
        memset(n64, 'n', 64);
        n64[64] = '\0';
        /* 21 three-byte characters: 63 bytes */
        for (int i = 0; i < 21; i++)
                memcpy(u63 + 3 * i, "\xe2\x82\xac", 3); /* € */
        u63[63] = '\0';

        ck_assert_int_eq(dnssd_check_instance_name("My Printer", 10, &reason), 0);
        ck_assert_int_eq(dnssd_check_instance_name("Dot.In.Name", 11, &reason), 0);
        ck_assert_int_eq(dnssd_check_instance_name("Joe's Büro (2)", strlen("Joe's Büro (2)"), &reason), 0);
        ck_assert_int_eq(dnssd_check_instance_name(n63, 63, &reason), 0);
        ck_assert_int_eq(dnssd_check_instance_name(u63, 63, &reason), 0);
        ck_assert_int_eq(dnssd_check_instance_name(n64, 64, &reason), -EMSGSIZE);
        ck_assert_int_eq(dnssd_check_instance_name("", 0, &reason), -EINVAL);
        /* invalid UTF-8: stray continuation, overlong '/', surrogate, > U+10FFFF, truncated */
        ck_assert_int_eq(dnssd_check_instance_name("a\x80", 2, &reason), -EINVAL);
        ck_assert_ptr_nonnull(strstr(reason, "UTF-8"));
        ck_assert_int_eq(dnssd_check_instance_name("\xc0\xaf", 2, &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_instance_name("\xed\xa0\x80", 3, &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_instance_name("\xf4\x90\x80\x80", 4, &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_instance_name("\xe2\x82", 2, &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_instance_name("\xf0\x9f\x98\x80", 4, &reason), 0); /* U+1F600 */
        /* control characters: C0, DEL, C1 */
        ck_assert_int_eq(dnssd_check_instance_name("a\nb", 3, &reason), -EINVAL);
        ck_assert_ptr_nonnull(strstr(reason, "control"));
        ck_assert_int_eq(dnssd_check_instance_name("a\0b", 3, &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_instance_name("a\x7f", 2, &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_instance_name("a\xc2\x85", 3, &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_instance_name("a\xc2\xa0", 3, &reason), 0); /* NBSP is fine */
}
END_TEST

/* RFC 6763 §6.4 keys, §6.1 string length */
START_TEST(test_txt_strings) {
        char s255[256], s256[257];
        const char *reason;

        ck_assert_int_eq(dnssd_check_txt_string("path=/", 6, &reason), 0);
        ck_assert_int_eq(dnssd_check_txt_string("flag", 4, &reason), 0);
        ck_assert_int_eq(dnssd_check_txt_string("k=", 2, &reason), 0);
        ck_assert_int_eq(dnssd_check_txt_string("k=a=b", 5, &reason), 0);
        ck_assert_int_eq(dnssd_check_txt_string("sp ace~!=x", 10, &reason), 0);
        ck_assert_int_eq(dnssd_check_txt_string("k=\x00\xff\n", 5, &reason), 0); /* values: any octets */
        ck_assert_int_eq(dnssd_check_txt_string("=value", 6, &reason), -EINVAL);
        ck_assert_ptr_nonnull(strstr(reason, "empty"));
        ck_assert_int_eq(dnssd_check_txt_string("", 0, &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_txt_string("k\tey=1", 6, &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_txt_string("k\x7f=1", 4, &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_txt_string("kä=1", 5, &reason), -EINVAL);
        ck_assert_ptr_nonnull(strstr(reason, "printable ASCII"));
        memset(s255, 'v', sizeof(s255));
        memcpy(s255, "k=", 2);
        ck_assert_int_eq(dnssd_check_txt_string(s255, 255, &reason), 0);
        memset(s256, 'v', sizeof(s256));
        ck_assert_int_eq(dnssd_check_txt_string(s256, 256, &reason), -EMSGSIZE);

        ck_assert_uint_eq(dnssd_txt_key_length("a=b", 3), 1);
        ck_assert_uint_eq(dnssd_txt_key_length("abc", 3), 3);
        ck_assert(dnssd_txt_same_key("Path=/", 6, "PATH=/x", 7));
        ck_assert(dnssd_txt_same_key("flag", 4, "FLAG=1", 6));
        ck_assert(!dnssd_txt_same_key("pa=1", 4, "path=1", 6));
}
END_TEST

START_TEST(test_ifnames) {
        const char *reason;

        ck_assert_int_eq(dnssd_check_ifname("eth0", &reason), 0);
        ck_assert_int_eq(dnssd_check_ifname("enp0s31f6", &reason), 0);
        ck_assert_int_eq(dnssd_check_ifname("veth-abcdefghij", &reason), 0); /* 15 */
        ck_assert_int_eq(dnssd_check_ifname("veth-abcdefghijk", &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_ifname("", &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_ifname(".", &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_ifname("..", &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_ifname("a/b", &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_ifname("eth0:1", &reason), -EINVAL);
        ck_assert_int_eq(dnssd_check_ifname("a b", &reason), -EINVAL);
}
END_TEST

START_TEST(test_hex) {
        uint8_t out[8];

        ck_assert_int_eq(dnssd_decode_hex("", 0, out, sizeof(out)), 0);
        ck_assert_int_eq(dnssd_decode_hex("00ff7F", 6, out, sizeof(out)), 3);
        ck_assert_mem_eq(out, "\x00\xff\x7f", 3);
        ck_assert_int_eq(dnssd_decode_hex("abc", 3, out, sizeof(out)), -EINVAL);
        ck_assert_int_eq(dnssd_decode_hex("0g", 2, out, sizeof(out)), -EINVAL);
        ck_assert_int_eq(dnssd_decode_hex("00 11", 5, out, sizeof(out)), -EINVAL);
        ck_assert_int_eq(dnssd_decode_hex("0x00", 4, out, sizeof(out)), -EINVAL);
        ck_assert_int_eq(dnssd_decode_hex("000000000000000000", 18, out, sizeof(out)), -ENOBUFS);
}
END_TEST

START_TEST(test_base64) {
        uint8_t out[16];

        ck_assert_int_eq(dnssd_decode_base64("", 0, out, sizeof(out)), 0);
        ck_assert_int_eq(dnssd_decode_base64("Zg==", 4, out, sizeof(out)), 1);
        ck_assert_mem_eq(out, "f", 1);
        ck_assert_int_eq(dnssd_decode_base64("Zm8=", 4, out, sizeof(out)), 2);
        ck_assert_mem_eq(out, "fo", 2);
        ck_assert_int_eq(dnssd_decode_base64("Zm9vYmFy", 8, out, sizeof(out)), 6);
        ck_assert_mem_eq(out, "foobar", 6);
        ck_assert_int_eq(dnssd_decode_base64("AP8+/w==", 8, out, sizeof(out)), 4);
        ck_assert_mem_eq(out, "\x00\xff\x3e\xff", 4);
        /* strict: no missing padding, no stray '=', no white space, canonical pad bits, no URL alphabet */
        ck_assert_int_eq(dnssd_decode_base64("Zg", 2, out, sizeof(out)), -EINVAL);
        ck_assert_int_eq(dnssd_decode_base64("Zg=", 3, out, sizeof(out)), -EINVAL);
        ck_assert_int_eq(dnssd_decode_base64("Z===", 4, out, sizeof(out)), -EINVAL);
        ck_assert_int_eq(dnssd_decode_base64("Zg==Zg==", 8, out, sizeof(out)), -EINVAL);
        ck_assert_int_eq(dnssd_decode_base64("Z=g=", 4, out, sizeof(out)), -EINVAL);
        ck_assert_int_eq(dnssd_decode_base64("Zm9v YmFy", 9, out, sizeof(out)), -EINVAL);
        ck_assert_int_eq(dnssd_decode_base64("Zh==", 4, out, sizeof(out)), -EINVAL);
        ck_assert_int_eq(dnssd_decode_base64("Zm9=", 4, out, sizeof(out)), -EINVAL);
        ck_assert_int_eq(dnssd_decode_base64("AP8-_w==", 8, out, sizeof(out)), -EINVAL);
        ck_assert_int_eq(dnssd_decode_base64("Zm9vYmFyZm9vYmFyZm9vYmFy", 24, out, sizeof(out)), -ENOBUFS);
}
END_TEST

static struct dnssd_group group_named(char *name, bool wild) {
        return (struct dnssd_group) { .name = name, .replace_wildcards = wild };
}

START_TEST(test_expand_host) {
        char buf[DNSSD_INSTANCE_NAME_MAX + 1], long_host[64], tmpl[64];
        struct dnssd_group g;
        bool truncated;

        g = group_named("%h", true);
        ck_assert_int_eq(dnssd_group_expand_name(&g, "myhost", buf, sizeof(buf), &truncated), 6);
        ck_assert_str_eq(buf, "myhost");
        ck_assert(!truncated);
        ck_assert(dnssd_group_uses_host_name(&g));

        g = group_named("SSH on %h (%h)", true);
        ck_assert_int_eq(dnssd_group_expand_name(&g, "box", buf, sizeof(buf), NULL), 16);
        ck_assert_str_eq(buf, "SSH on box (box)");

        /* only %h is a wildcard; other % stay */
        g = group_named("100% %x %%h", true);
        ck_assert_int_eq(dnssd_group_expand_name(&g, "H", buf, sizeof(buf), NULL), (int) strlen("100% %x %H"));
        ck_assert_str_eq(buf, "100% %x %H");

        /* replace-wildcards="no": %h is literal */
        g = group_named("%h", false);
        ck_assert_int_eq(dnssd_group_expand_name(&g, "myhost", buf, sizeof(buf), NULL), 2);
        ck_assert_str_eq(buf, "%h");
        ck_assert(!dnssd_group_uses_host_name(&g));

        /* too long: cut to 63 bytes, never inside a UTF-8 character */
        memset(long_host, 'h', 63);
        long_host[63] = '\0';
        g = group_named("Files on %h", true);
        ck_assert_int_eq(dnssd_group_expand_name(&g, long_host, buf, sizeof(buf), &truncated), 63);
        ck_assert(truncated);
        ck_assert(strncmp(buf, "Files on hhh", 12) == 0);
        strcpy(tmpl, "%h\xe2\x82\xac"); /* host then € */
        g = group_named(tmpl, true);
        long_host[61] = '\0'; /* 61 + 3 = 64: the € does not fit and is dropped whole */
        ck_assert_int_eq(dnssd_group_expand_name(&g, long_host, buf, sizeof(buf), &truncated), 61);
        ck_assert(truncated);
        long_host[60] = '\0';
        ck_assert_int_eq(dnssd_group_expand_name(&g, long_host, buf, sizeof(buf), &truncated), 63);
        ck_assert(!truncated);

        /* a host label with a control character gives no usable name */
        g = group_named("%h", true);
        ck_assert_int_eq(dnssd_group_expand_name(&g, "bad\nhost", buf, sizeof(buf), NULL), -EINVAL);
        ck_assert_int_eq(dnssd_group_expand_name(&g, "", buf, sizeof(buf), NULL), -EINVAL);
        ck_assert_int_eq(dnssd_group_expand_name(&g, "x", buf, 10, NULL), -ENOBUFS);
}
END_TEST

/* RFC 6763 §4.1 (instance with dots and spaces as one raw label, §4.3), §7.1, §9 */
START_TEST(test_names) {
        struct dns_name local = name_of("local"), n;
        char text[DNS_NAME_TEXT_MAX], n63[64];

        ck_assert_int_eq(dnssd_name_build_type("_ssh._tcp", &local, &n), 0);
        assert_name_wire(&n, "\4_ssh\4_tcp\5local", 17);

        ck_assert_int_eq(dnssd_name_build_service("My Mac.Home", "_ssh._tcp", &local, &n), 0);
        assert_name_wire(&n, "\13My Mac.Home\4_ssh\4_tcp\5local", 29);
        ck_assert_int_eq(dns_name_to_text(&n, text, sizeof(text)), (int) strlen("My Mac\\.Home._ssh._tcp.local"));
        ck_assert_str_eq(text, "My Mac\\.Home._ssh._tcp.local");
        ck_assert_uint_eq(dns_name_label_count(&n), 4);

        ck_assert_int_eq(dnssd_name_build_subtype("_printer", "_http._tcp", &local, &n), 0);
        assert_name_wire(&n, "\10_printer\4_sub\5_http\4_tcp\5local", 32);

        ck_assert_int_eq(dnssd_name_build_enumeration(&local, &n), 0);
        assert_name_wire(&n, "\11_services\7_dns-sd\4_udp\5local", 30);

        /* other domains */
        struct dns_name dom = name_of("example.org");
        ck_assert_int_eq(dnssd_name_build_type("_ipp._tcp", &dom, &n), 0);
        assert_name_wire(&n, "\4_ipp\4_tcp\7example\3org", 23);

        /* the 63-byte instance, the 64-byte one */
        memset(n63, 'i', 63);
        n63[63] = '\0';
        ck_assert_int_eq(dnssd_name_build_service(n63, "_ssh._tcp", &local, &n), 0);
        ck_assert_uint_eq(n.len, 1 + 63 + 17);
        ck_assert_int_eq(dnssd_name_build_service("", "_ssh._tcp", &local, &n), -EINVAL);
        ck_assert_int_eq(dnssd_name_build_service("x", "ssh", &local, &n), -EINVAL);
        ck_assert_int_eq(dnssd_name_build_subtype("a.b", "_http._tcp", &local, &n), -EINVAL);

        /* too long for 255 octets */
        char big[256] = "";
        for (int i = 0; i < 3; i++)
                strcat(big, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.");
        strcat(big, "local");
        struct dns_name longdom = name_of(big);
        ck_assert_int_eq(dnssd_name_build_type("_ssh._tcp", &longdom, &n), 0);
        ck_assert_int_eq(dnssd_name_build_service(n63, "_ssh._tcp", &longdom, &n), -EMSGSIZE);
}
END_TEST

START_TEST(test_service_model) {
        struct dnssd_txt_item items[2] = {
                { .data = (uint8_t *) "path=/", .len = 6 },
                { .data = (uint8_t *) "flag", .len = 4 },
        };
        char *subs[] = { "_printer", "_universal" };
        char *ifs[] = { "eth0" }, *ifs2[] = { "wlan0", "eth0" }, *ifs3[] = { "wlan0" };
        struct dnssd_service s = {
                .type = "_ipp._tcp", .subtypes = subs, .n_subtypes = 2, .port = 631,
                .txt = items, .n_txt = 2, .txt_size = 12,
        };
        struct dnssd_service t;
        struct dns_name n;
        uint8_t buf[64];

        s.domain = name_of("local");
        ck_assert_int_eq(dnssd_service_build_txt(&s, buf, sizeof(buf)), 12);
        ck_assert_mem_eq(buf, "\6path=/\4flag", 12);
        ck_assert_int_eq(dnssd_service_build_txt(&s, buf, 5), -ENOBUFS);
        s.n_txt = 0; /* RFC 6763 §6.1: the empty TXT record is one zero octet */
        ck_assert_int_eq(dnssd_service_build_txt(&s, buf, sizeof(buf)), 1);
        ck_assert_uint_eq(buf[0], 0);

        ck_assert_int_eq(dnssd_service_type_name(&s, &n), 0);
        assert_name_wire(&n, "\4_ipp\4_tcp\5local", 17);
        ck_assert_int_eq(dnssd_service_instance_name(&s, "Printer", &n), 0);
        assert_name_wire(&n, "\7Printer\4_ipp\4_tcp\5local", 25);
        ck_assert_int_eq(dnssd_service_subtype_name(&s, 1, &n), 0);
        assert_name_wire(&n, "\12_universal\4_sub\4_ipp\4_tcp\5local", 33);
        ck_assert_int_eq(dnssd_service_subtype_name(&s, 2, &n), -EINVAL);
        ck_assert(!dnssd_service_is_placeholder(&s));

        /* interfaces and overlap */
        ck_assert(dnssd_service_on_interface(&s, "anything"));
        t = s;
        ck_assert(dnssd_service_overlaps(&s, &t));
        t.type = "_IPP._tcp";
        ck_assert(dnssd_service_overlaps(&s, &t));
        t.type = "_http._tcp";
        ck_assert(!dnssd_service_overlaps(&s, &t));
        t = s;
        s.protocol = DNSSD_PROTOCOL_IPV4;
        t.protocol = DNSSD_PROTOCOL_IPV6;
        ck_assert(!dnssd_service_overlaps(&s, &t));
        t.protocol = DNSSD_PROTOCOL_ANY;
        ck_assert(dnssd_service_overlaps(&s, &t));
        s.interfaces = ifs;
        s.n_interfaces = 1;
        ck_assert(dnssd_service_on_interface(&s, "eth0"));
        ck_assert(!dnssd_service_on_interface(&s, "eth1"));
        t.interfaces = ifs3;
        t.n_interfaces = 1;
        ck_assert(!dnssd_service_overlaps(&s, &t));
        t.interfaces = ifs2;
        t.n_interfaces = 2;
        ck_assert(dnssd_service_overlaps(&s, &t));
        t.domain = name_of("example.org");
        ck_assert(!dnssd_service_overlaps(&s, &t));

        s.port = 0;
        ck_assert(dnssd_service_is_placeholder(&s));

        enum dnssd_protocol p;
        ck_assert_int_eq(dnssd_protocol_from_string("ipv6", &p), 0);
        ck_assert_int_eq(p, DNSSD_PROTOCOL_IPV6);
        ck_assert_int_eq(dnssd_protocol_from_string("IPv6", &p), -EINVAL);
        ck_assert_str_eq(dnssd_protocol_to_string(DNSSD_PROTOCOL_ANY), "any");
        ck_assert_ptr_null(dnssd_protocol_to_string(_DNSSD_PROTOCOL_MAX));
}
END_TEST

int main(void) {
        Suite *s = suite_create("dnssd-validate");
        TCase *tc = tcase_create("core");

        log_set_target(LOG_TARGET_NONE);
        tcase_add_test(tc, test_service_types);
        tcase_add_test(tc, test_subtypes);
        tcase_add_test(tc, test_instance_names);
        tcase_add_test(tc, test_txt_strings);
        tcase_add_test(tc, test_ifnames);
        tcase_add_test(tc, test_hex);
        tcase_add_test(tc, test_base64);
        tcase_add_test(tc, test_expand_host);
        tcase_add_test(tc, test_names);
        tcase_add_test(tc, test_service_model);
        suite_add_tcase(s, tc);
        return unit_run(s);
}
