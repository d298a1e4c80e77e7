/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests: daemon/dnssd/service-file.c — every element and attribute of zeroconfd.service(5),
 * every rejection with its exact line and column, the RFC 6763 rules as a file meets them, and
 * the XML attacks (internal subsets, entities, size). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnssd/service-file.h"
#include "log.h"
#include "unit.h"

/* Lines 1–3 open a service; the body starts on line 4, column 1. */
#define HEAD "<service-group>\n<name>Test</name>\n<service>\n"
#define TAIL "</service>\n</service-group>\n"
#define SVC HEAD "<type>_ssh._tcp</type>\n<port>22</port>\n"

static struct dnssd_group *parse_ok(const char *text) {
        struct dnssd_group *g;
        char *error;
        int r = dnssd_service_file_parse("t.service", text, strlen(text), &g, &error);

        ck_assert_msg(r == 0, "rejected (%d): %s\n%s", r, error ? error : "(no message)", text);
        ck_assert_ptr_null(error);
        ck_assert_ptr_nonnull(g);
        return g;
}

/* The file is rejected; the message starts "t.service:POS: " and contains `what`. */
static void assert_error_len(const char *text, size_t len, const char *pos, const char *what) {
        struct dnssd_group *g = (void *) 1;
        char *error, prefix[64];
        int r = dnssd_service_file_parse("t.service", text, len, &g, &error);

        ck_assert_msg(r < 0, "accepted:\n%s", text);
        ck_assert_ptr_null(g);
        ck_assert_ptr_nonnull(error);
        snprintf(prefix, sizeof(prefix), "t.service:%s: ", pos);
        ck_assert_msg(strncmp(error, prefix, strlen(prefix)) == 0, "expected at %s: got \"%s\"", pos, error);
        ck_assert_msg(strstr(error, what) != NULL, "expected \"%s\" in \"%s\"", what, error);
        ck_assert_msg(strchr(error, '\n') == NULL, "message is not one line: %s", error);
        free(error);
}

static void assert_error(const char *text, const char *pos, const char *what) {
        assert_error_len(text, strlen(text), pos, what);
}

static void assert_txt(const struct dnssd_service *s, size_t i, const void *data, size_t len) {
        ck_assert_uint_gt(s->n_txt, i);
        ck_assert_uint_eq(s->txt[i].len, len);
        ck_assert_mem_eq(s->txt[i].data, data, len);
}

START_TEST(test_minimal_and_defaults) {
        struct dnssd_group *g = parse_ok(SVC TAIL);
        struct dnssd_service *s;
        char text[DNS_NAME_TEXT_MAX];
        uint8_t txt[16];

        ck_assert_str_eq(g->name, "Test");
        ck_assert(!g->replace_wildcards);
        ck_assert_uint_eq(g->n_services, 1);
        ck_assert_uint_eq(g->n_warnings, 0);
        s = &g->services[0];
        ck_assert_str_eq(s->type, "_ssh._tcp");
        ck_assert_uint_eq(s->port, 22);
        ck_assert_uint_eq(s->n_subtypes, 0);
        ck_assert_int_eq(dns_name_to_text(&s->domain, text, sizeof(text)), 5);
        ck_assert_str_eq(text, "local");
        ck_assert(!s->has_host);
        ck_assert_int_eq(s->protocol, DNSSD_PROTOCOL_ANY);
        ck_assert_uint_eq(s->n_interfaces, 0);
        ck_assert_uint_eq(s->n_txt, 0);
        ck_assert_uint_eq(s->txt_size, 1); /* RFC 6763 §6.1 */
        ck_assert_int_eq(dnssd_service_build_txt(s, txt, sizeof(txt)), 1);
        ck_assert_uint_eq(txt[0], 0);
        ck_assert_uint_eq(s->line, 3);
        ck_assert_uint_eq(s->column, 1);
        dnssd_group_free(g);
}
END_TEST

/* Every element and attribute, Avahi's file header, children out of the conventional order. */
START_TEST(test_every_element) {
        static const char text[] =
                "<?xml version=\"1.0\" standalone='no'?><!--*-nxml-*-->\n"
                "<!DOCTYPE service-group SYSTEM \"avahi-service.dtd\">\n"
                "<!-- a comment -->\n"
                "<service-group>\n"
                "  <name replace-wildcards=\"yes\">Printer on %h</name>\n"
                "  <service protocol=\"ipv4\" interface=\"eth0, wlan0\">\n"
                "    <type>_ipp._tcp</type>\n"
                "    <subtype>_universal</subtype>\n"
                "    <subtype>_cups._sub._ipp._tcp</subtype>\n"
                "    <domain-name>local</domain-name>\n"
                "    <host-name>printer.local</host-name>\n"
                "    <port>631</port>\n"
                "    <txt-record>txtvers=1</txt-record>\n"
                "    <txt-record value-format=\"text\">rp=printers/lp</txt-record>\n"
                "    <txt-record>Color</txt-record>\n"
                "    <txt-record>note=</txt-record>\n"
                "    <txt-record value-format=\"binary-hex\">bin=00ff10</txt-record>\n"
                "    <txt-record value-format=\"binary-base64\">b64=AP8Q</txt-record>\n"
                "  </service>\n"
                "  <service protocol=\"ipv6\">\n"
                "    <port>80</port>\n"
                "    <txt-record>path=/</txt-record>\n"
                "    <type>_http._tcp</type>\n"
                "  </service>\n"
                "  <service protocol=\"any\" interface=\"eth1\">\n"
                "    <type>_ipp._tcp</type>\n" /* same type as the first: other interfaces */
                "    <port>632</port>\n"
                "  </service>\n"
                "</service-group>\n";
        struct dnssd_group *g = parse_ok(text);
        struct dnssd_service *s;
        char buf[DNS_NAME_TEXT_MAX];
        uint8_t rdata[256];

        ck_assert_str_eq(g->name, "Printer on %h");
        ck_assert(g->replace_wildcards);
        ck_assert_int_eq(dnssd_group_expand_name(g, "lab", buf, sizeof(buf), NULL), 14);
        ck_assert_str_eq(buf, "Printer on lab");
        ck_assert_uint_eq(g->n_services, 3);

        s = &g->services[0];
        ck_assert_uint_eq(s->line, 6);
        ck_assert_uint_eq(s->column, 3);
        ck_assert_str_eq(s->type, "_ipp._tcp");
        ck_assert_int_eq(s->protocol, DNSSD_PROTOCOL_IPV4);
        ck_assert_uint_eq(s->n_interfaces, 2);
        ck_assert_str_eq(s->interfaces[0], "eth0");
        ck_assert_str_eq(s->interfaces[1], "wlan0");
        ck_assert_uint_eq(s->n_subtypes, 2);
        ck_assert_str_eq(s->subtypes[0], "_universal");
        ck_assert_str_eq(s->subtypes[1], "_cups");
        ck_assert(s->has_host);
        ck_assert_int_gt(dns_name_to_text(&s->host, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "printer.local");
        ck_assert_uint_eq(s->port, 631);
        ck_assert_uint_eq(s->n_txt, 6);
        assert_txt(s, 0, "txtvers=1", 9);
        assert_txt(s, 1, "rp=printers/lp", 14);
        assert_txt(s, 2, "Color", 5);
        assert_txt(s, 3, "note=", 5);
        assert_txt(s, 4, "bin=\x00\xff\x10", 7);
        assert_txt(s, 5, "b64=\x00\xff\x10", 7);
        ck_assert_uint_eq(s->txt_size, 10 + 15 + 6 + 6 + 8 + 8);
        ck_assert_int_eq(dnssd_service_build_txt(s, rdata, sizeof(rdata)), (int) s->txt_size);
        ck_assert_mem_eq(rdata, "\11txtvers=1\16rp=printers/lp\5Color\5note=\7bin=\x00\xff\x10\7b64=\x00\xff\x10",
                         s->txt_size);

        struct dns_name n;
        ck_assert_int_eq(dnssd_service_subtype_name(s, 1, &n), 0);
        ck_assert_int_gt(dns_name_to_text(&n, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "_cups._sub._ipp._tcp.local");
        ck_assert_int_eq(dnssd_service_instance_name(s, "Printer on lab", &n), 0);
        ck_assert_int_gt(dns_name_to_text(&n, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "Printer on lab._ipp._tcp.local");

        s = &g->services[1];
        ck_assert_str_eq(s->type, "_http._tcp");
        ck_assert_int_eq(s->protocol, DNSSD_PROTOCOL_IPV6);
        ck_assert_uint_eq(s->port, 80);
        assert_txt(s, 0, "path=/", 6);

        s = &g->services[2];
        ck_assert_int_eq(s->protocol, DNSSD_PROTOCOL_ANY);
        ck_assert_uint_eq(s->n_interfaces, 1);
        ck_assert_str_eq(s->interfaces[0], "eth1");
        dnssd_group_free(g);
}
END_TEST

START_TEST(test_text_handling) {
        struct dnssd_group *g;
        struct dnssd_service *s;

        /* white space around values is trimmed; txt-record text is verbatim; entities, character
         * references and CDATA are text */
        g = parse_ok("<service-group>\n"
                     "  <name>\n    Tom &amp; Jerry&#x2019;s &lt;Mac&gt; mini.local\n  </name>\n"
                     "  <service>\n"
                     "    <type>  _ssh._tcp\n</type>\n"
                     "    <port>\t0022 </port>\n"
                     "    <txt-record> sp=a b </txt-record>\n"
                     "    <txt-record><![CDATA[x=<&>]]></txt-record>\n"
                     "    <txt-record value-format=\"binary-hex\">\n      h=4142\n    </txt-record>\n"
                     "    <?some-pi data?>\n"
                     "  </service>\n"
                     "</service-group>");
        ck_assert_str_eq(g->name, "Tom & Jerry\xe2\x80\x99s <Mac> mini.local");
        s = &g->services[0];
        ck_assert_str_eq(s->type, "_ssh._tcp");
        ck_assert_uint_eq(s->port, 22);
        assert_txt(s, 0, " sp=a b ", 8);
        assert_txt(s, 1, "x=<&>", 5);
        assert_txt(s, 2, "h=AB", 4);
        dnssd_group_free(g);

        /* another encoding is read as UTF-8 */
        g = parse_ok("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
                     "<service-group><name>B\xfcro</name><service><type>_ssh._tcp</type><port>22</port>"
                     "<txt-record>k=\xe9</txt-record></service></service-group>");
        ck_assert_str_eq(g->name, "B\xc3\xbcro");
        assert_txt(&g->services[0], 0, "k=\xc3\xa9", 4);
        dnssd_group_free(g);

        /* our own DTD name in the DOCTYPE; an empty service-group element form is fine for name */
        g = parse_ok("<!DOCTYPE service-group SYSTEM \"zeroconfd-service.dtd\">\n" SVC TAIL);
        dnssd_group_free(g);
}
END_TEST

START_TEST(test_ports) {
        struct dnssd_group *g;

        g = parse_ok(HEAD "<type>_ssh._tcp</type><port>65535</port>" TAIL);
        ck_assert_uint_eq(g->services[0].port, 65535);
        dnssd_group_free(g);
        /* port 0: a placeholder that holds the name without advertising it */
        g = parse_ok(HEAD "<type>_printer._tcp</type><port>0</port>" TAIL);
        ck_assert_uint_eq(g->services[0].port, 0);
        ck_assert(dnssd_service_is_placeholder(&g->services[0]));
        dnssd_group_free(g);

        assert_error(HEAD "<type>_ssh._tcp</type>\n<port>65536</port>" TAIL, "5:1", "invalid port '65536'");
        assert_error(HEAD "<type>_ssh._tcp</type>\n<port>-1</port>" TAIL, "5:1", "invalid port '-1'");
        assert_error(HEAD "<type>_ssh._tcp</type>\n<port>+22</port>" TAIL, "5:1", "invalid port");
        assert_error(HEAD "<type>_ssh._tcp</type>\n<port>0x16</port>" TAIL, "5:1", "invalid port");
        assert_error(HEAD "<type>_ssh._tcp</type>\n<port>2 2</port>" TAIL, "5:1", "invalid port");
        assert_error(HEAD "<type>_ssh._tcp</type>\n<port>99999999999999999999999</port>" TAIL, "5:1",
                     "from 0 to 65535");
        assert_error(HEAD "<type>_ssh._tcp</type>\n  <port> </port>" TAIL, "5:3", "the port is empty");
}
END_TEST

START_TEST(test_structure_errors) {
        /* not XML at all, empty, truncated, not well-formed */
        assert_error("", "1:1", "not well-formed XML: no element found");
        assert_error("hello", "1:1", "not well-formed XML: syntax error");
        assert_error(HEAD "<type>_ssh._tcp</type>\n<port>22</prt>" TAIL, "5:11", "mismatched tag");
        assert_error(SVC "</service>\n", "7:1", "no element found");
        assert_error(SVC TAIL "<service-group/>", "8:1", "junk after document element");
        assert_error_len(SVC "\0" TAIL, strlen(SVC) + 1 + strlen(TAIL), "6:1", "not well-formed");
        assert_error(HEAD "<type>_ssh\xff._tcp</type>" TAIL, "4:11", "not well-formed (invalid token)");
        assert_error(HEAD "<type a=\"1\" a=\"2\">_ssh._tcp</type>" TAIL, "4:13", "duplicate attribute");

        /* the root */
        assert_error("<?xml version=\"1.0\"?>\n  <services/>", "2:3", "unknown element <services>");
        assert_error("<service><type>_ssh._tcp</type></service>", "1:1", "the root element must be <service-group>, not <service>");

        /* unknown elements, elements in the wrong place */
        assert_error("<service-group>\n  <description>x</description>" TAIL, "2:3", "unknown element <description>");
        assert_error(SVC "  <txt>a=b</txt>\n" TAIL, "6:3", "unknown element <txt>");
        assert_error(SVC "<ns:port>1</ns:port>" TAIL, "6:1", "unknown element <ns:port>");
        assert_error("<service-group>\n<name>n</name>\n<port>22</port>" TAIL, "3:1",
                     "<port> is not allowed inside <service-group>: it belongs in <service>");
        assert_error(SVC "<name>n</name>" TAIL, "6:1", "<name> is not allowed inside <service>: it belongs in <service-group>");
        assert_error(HEAD "<type>_ssh<b>x</b>._tcp</type>" TAIL, "4:11", "<b>");
        assert_error(HEAD "<type>_ssh._tcp<port>1</port></type>" TAIL, "4:16", "<port> is not allowed inside <type>: it holds only text");
        assert_error(SVC "<service/>" TAIL, "6:1", "<service> is not allowed inside <service>");
        assert_error("<service-group><service-group>", "1:16", "<service-group> may appear only as the root element");
        assert_error("<service-group>\n<name>n</name>\n<service>\n<type>_ssh._tcp</type>\n<port>22</port>\n"
                     "<service-group/>" TAIL, "6:1", "<service-group>");

        /* stray text */
        assert_error("<service-group>\n  x<name>n</name>" TAIL, "2:3", "text is not allowed directly inside <service-group>");
        assert_error(SVC "  oops\n" TAIL, "6:3", "text is not allowed directly inside <service>");

        /* cardinality */
        assert_error("<service-group>\n<service><type>_ssh._tcp</type><port>22</port></service>\n</service-group>", "1:1",
                     "<service-group> has no <name>");
        assert_error("<service-group>\n  <name>n</name>\n</service-group>", "1:1", "<service-group> has no <service>");
        assert_error("<service-group>\n<name>n</name>\n  <name>m</name>" TAIL, "3:3",
                     "a second <name>: a <service-group> has exactly one");
        assert_error(HEAD "<port>22</port>" TAIL, "3:1", "<service> has no <type>");
        assert_error(HEAD "<type>_ssh._tcp</type>" TAIL, "3:1", "<service> has no <port>");
        assert_error(SVC "<type>_ssh._tcp</type>" TAIL, "6:1", "a second <type>: a <service> has at most one");
        assert_error(SVC "<port>23</port>" TAIL, "6:1", "a second <port>");
        assert_error(SVC "<domain-name>local</domain-name>\n<domain-name>local</domain-name>" TAIL, "7:1",
                     "a second <domain-name>");
        assert_error(SVC "<host-name>a.local</host-name>\n<host-name>b.local</host-name>" TAIL, "7:1",
                     "a second <host-name>");
}
END_TEST

START_TEST(test_attribute_errors) {
        assert_error("<service-group id=\"1\">", "1:1", "unknown attribute 'id' on <service-group> (it takes none)");
        assert_error("<service-group>\n<name wildcards=\"yes\">n</name>", "2:1", "unknown attribute 'wildcards' on <name>");
        assert_error("<service-group>\n<name replace-wildcards=\"true\">n</name>", "2:1",
                     "invalid replace-wildcards='true': use yes or no");
        assert_error("<service-group>\n<name>n</name>\n<service proto=\"any\">", "3:1",
                     "unknown attribute 'proto' on <service>");
        assert_error("<service-group>\n<name>n</name>\n<service protocol=\"inet\">", "3:1",
                     "invalid protocol='inet': use any, ipv4 or ipv6");
        assert_error("<service-group>\n<name>n</name>\n<service protocol=\"IPv4\">", "3:1", "invalid protocol");
        assert_error(SVC "<txt-record format=\"text\">a</txt-record>" TAIL, "6:1", "unknown attribute 'format' on <txt-record>");
        assert_error(SVC "<txt-record value-format=\"hex\">a=00</txt-record>" TAIL, "6:1",
                     "invalid value-format='hex': use text, binary-hex or binary-base64");
        assert_error(HEAD "<type lang=\"en\">_ssh._tcp</type>" TAIL, "4:1", "unknown attribute 'lang' on <type> (it takes none)");
        assert_error(SVC "<subtype x=\"\">_a</subtype>" TAIL, "6:1", "unknown attribute 'x' on <subtype>");
        assert_error(SVC "<domain-name x=\"\">local</domain-name>" TAIL, "6:1", "on <domain-name>");
        assert_error(SVC "<host-name x=\"\">h.local</host-name>" TAIL, "6:1", "on <host-name>");
        assert_error(HEAD "<type>_ssh._tcp</type><port x=\"\">1</port>" TAIL, "4:23", "on <port>");
        assert_error("<service-group xmlns=\"urn:x\">", "1:1", "unknown attribute 'xmlns'");
}
END_TEST

START_TEST(test_interfaces) {
        struct dnssd_group *g;
        char text[2048];

        g = parse_ok("<service-group><name>n</name><service interface=\" eth0 \t,, veth-abcdefghij,x\">"
                     "<type>_ssh._tcp</type><port>22</port></service></service-group>");
        ck_assert_uint_eq(g->services[0].n_interfaces, 3);
        ck_assert_str_eq(g->services[0].interfaces[0], "eth0");
        ck_assert_str_eq(g->services[0].interfaces[1], "veth-abcdefghij");
        ck_assert_str_eq(g->services[0].interfaces[2], "x");
        ck_assert(dnssd_service_on_interface(&g->services[0], "x"));
        ck_assert(!dnssd_service_on_interface(&g->services[0], "eth1"));
        dnssd_group_free(g);

        assert_error("<service-group>\n<name>n</name>\n  <service interface=\"\">", "3:3", "interface= is empty");
        assert_error("<service-group>\n<name>n</name>\n<service interface=\" , \">", "3:1", "interface= is empty");
        assert_error("<service-group>\n<name>n</name>\n<service interface=\"eth0 veth-abcdefghijk\">", "3:1",
                     "invalid interface name 'veth-abcdefghijk' in interface=: an interface name is 1 to 15 characters");
        assert_error("<service-group>\n<name>n</name>\n<service interface=\"eth0/1\">", "3:1", "invalid interface name 'eth0/1'");
        assert_error("<service-group>\n<name>n</name>\n<service interface=\"eth0:1\">", "3:1", "invalid interface name 'eth0:1'");
        assert_error("<service-group>\n<name>n</name>\n<service interface=\"..\">", "3:1", "invalid interface name '..'");
        assert_error("<service-group>\n<name>n</name>\n<service interface=\"eth0 eth0\">", "3:1",
                     "interface 'eth0' is listed twice");
        strcpy(text, "<service-group>\n<name>n</name>\n<service interface=\"");
        for (int i = 0; i <= DNSSD_INTERFACES_MAX; i++)
                snprintf(text + strlen(text), sizeof(text) - strlen(text), "if%d ", i);
        strcat(text, "\">");
        assert_error(text, "3:1", "more than 32 interfaces");
}
END_TEST

/* RFC 6763 §4.1.1 through a file */
START_TEST(test_names) {
        char text[4096], n63[64], n64[65];
        struct dnssd_group *g;

        memset(n63, 'n', 63);
        n63[63] = '\0';
        memset(n64, 'n', 64);
        n64[64] = '\0';

        snprintf(text, sizeof(text), "<service-group><name>%s</name>"
                 "<service><type>_ssh._tcp</type><port>22</port></service></service-group>", n63);
        g = parse_ok(text);
        ck_assert_uint_eq(strlen(g->name), 63);
        dnssd_group_free(g);
        snprintf(text, sizeof(text), "<service-group>\n  <name>%s</name>\n"
                 "<service><type>_ssh._tcp</type><port>22</port></service></service-group>", n64);
        assert_error(text, "2:3", "it is 64 bytes long, more than 63 (RFC 6763 section 4.1.1)");

        /* with %h only the literal part counts: 61 + %h is fine, 64 + %h is not */
        snprintf(text, sizeof(text), "<service-group><name replace-wildcards=\"yes\">%%h%s</name>"
                 "<service><type>_ssh._tcp</type><port>22</port></service></service-group>", n63);
        g = parse_ok(text);
        ck_assert(dnssd_group_uses_host_name(g));
        dnssd_group_free(g);
        snprintf(text, sizeof(text), "<service-group>\n<name replace-wildcards=\"yes\">%%h%s</name>"
                 "<service><type>_ssh._tcp</type><port>22</port></service></service-group>", n64);
        assert_error(text, "2:1", "more than 63");
        /* without replace-wildcards %h is two literal bytes */
        snprintf(text, sizeof(text), "<service-group>\n<name>%%h%s</name>"
                 "<service><type>_ssh._tcp</type><port>22</port></service></service-group>", n63);
        assert_error(text, "2:1", "it is 65 bytes long");

        /* 21 × "€": 63 bytes of UTF-8 */
        strcpy(text, "<service-group><name>");
        for (int i = 0; i < 21; i++)
                strcat(text, "\xe2\x82\xac");
        strcat(text, "</name><service><type>_ssh._tcp</type><port>22</port></service></service-group>");
        g = parse_ok(text);
        dnssd_group_free(g);

        assert_error("<service-group>\n<name> \n </name>", "2:1", "the service name is empty");
        assert_error("<service-group>\n<name>a&#9;b</name>", "2:1", "invalid service name 'a\\x09b': it contains a control character");
        assert_error("<service-group>\n<name>a&#x85;b</name>", "2:1", "control character");
        assert_error("<service-group>\n<name>a&#x7f;b</name>", "2:1", "control character");
        assert_error("<service-group>\n<name>a&#0;b</name>", "2:8", "reference to invalid character number");

        /* a name whose text exceeds the element bound */
        strcpy(text, "<service-group>\n<name>");
        for (int i = 0; i < DNSSD_ELEMENT_TEXT_MAX + 1; i++)
                strcat(text, "x");
        strcat(text, "</name>");
        assert_error(text, "2:1", "the text of <name> is longer than 1024 bytes");

        /* dots and spaces are fine: one raw label */
        g = parse_ok("<service-group><name>My Mac.Home (2)</name><service><type>_ssh._tcp</type><port>22</port>"
                     "</service></service-group>");
        ck_assert_str_eq(g->name, "My Mac.Home (2)");
        dnssd_group_free(g);
}
END_TEST

/* RFC 6763 §7, §7.1 through a file */
START_TEST(test_types_and_subtypes) {
        struct dnssd_group *g;
        char text[4096];

        assert_error(HEAD "  <type>ssh._tcp</type>" TAIL, "4:3", "invalid service type 'ssh._tcp': a service type is _name._tcp or _name._udp");
        assert_error(HEAD "<type>_ssh._sctp</type>" TAIL, "4:1", "the protocol must be _tcp or _udp");
        assert_error(HEAD "<type>_abcdefghijklmnop._tcp</type>" TAIL, "4:1", "1 to 15 characters");
        assert_error(HEAD "<type>_a--b._tcp</type>" TAIL, "4:1", "two hyphens");
        assert_error(HEAD "<type>_-ab._tcp</type>" TAIL, "4:1", "begin or end with a hyphen");
        assert_error(HEAD "<type>_80._tcp</type>" TAIL, "4:1", "at least one letter");
        assert_error(HEAD "<type>_ssh._tcp.local</type>" TAIL, "4:1", "the protocol must be _tcp or _udp");
        assert_error(HEAD "<type></type>" TAIL, "4:1", "invalid service type ''");

        g = parse_ok(HEAD "<type>_http._tcp</type><port>80</port><subtype>_printer</subtype>"
                     "<subtype>_Scanner._sub._HTTP._tcp</subtype><subtype>plain</subtype>" TAIL);
        ck_assert_uint_eq(g->services[0].n_subtypes, 3);
        ck_assert_str_eq(g->services[0].subtypes[1], "_Scanner");
        dnssd_group_free(g);

        assert_error(SVC "  <subtype>_printer._sub._http._tcp</subtype>" TAIL, "6:3",
                     "invalid subtype '_printer._sub._http._tcp': the full subtype form must end in ._sub. and this service's own type");
        assert_error(SVC "<subtype>a.b</subtype>" TAIL, "6:1", "may not contain a dot");
        assert_error(SVC "<subtype></subtype>" TAIL, "6:1", "a subtype may not be empty");
        assert_error(SVC "<subtype>_a</subtype>\n<subtype>_a._sub._ssh._tcp</subtype>" TAIL, "7:1", "is listed twice");
        assert_error(SVC "<subtype>a&#10;b</subtype>" TAIL, "6:1", "control character");
        snprintf(text, sizeof(text), SVC "<subtype>%064d</subtype>" TAIL, 0);
        assert_error(text, "6:1", "at most 63 bytes");
        snprintf(text, sizeof(text), SVC "<subtype>%063d</subtype>" TAIL, 0);
        dnssd_group_free(parse_ok(text));
        strcpy(text, SVC);
        for (int i = 0; i <= DNSSD_SUBTYPES_MAX; i++)
                snprintf(text + strlen(text), sizeof(text) - strlen(text), "<subtype>_s%d</subtype>\n", i);
        strcat(text, TAIL);
        assert_error(text, "38:1", "more than 32 <subtype> elements");
}
END_TEST

START_TEST(test_domain_and_host) {
        struct dnssd_group *g;
        char text[4096], label[64], buf[DNS_NAME_TEXT_MAX];

        g = parse_ok(SVC "<domain-name>Example.ORG.</domain-name><host-name>my\\.host.example.org</host-name>" TAIL);
        ck_assert_int_gt(dns_name_to_text(&g->services[0].domain, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "Example.ORG");
        ck_assert_uint_eq(dns_name_label_count(&g->services[0].host), 3);
        dnssd_group_free(g);

        assert_error(SVC "<domain-name>a..b</domain-name>" TAIL, "6:1", "invalid domain name 'a..b': it has an empty label");
        assert_error(SVC "<domain-name>.</domain-name>" TAIL, "6:1", "the domain name is empty");
        assert_error(SVC "<domain-name></domain-name>" TAIL, "6:1", "the domain name is empty");
        assert_error(SVC "<host-name>bad..local</host-name>" TAIL, "6:1", "invalid host name 'bad..local'");
        assert_error(SVC "<host-name> </host-name>" TAIL, "6:1", "the host name is empty");
        assert_error(SVC "<host-name>x\\</host-name>" TAIL, "6:1", "invalid host name");
        memset(label, 'a', 63);
        label[63] = '\0';
        snprintf(text, sizeof(text), SVC "<host-name>%sa.local</host-name>" TAIL, label);
        assert_error(text, "6:1", "a label is longer than 63 bytes");
        /* a domain that leaves no room for a 63-byte instance name */
        snprintf(text, sizeof(text), SVC "\n<domain-name>%s.%s.%s.local</domain-name>" TAIL, label, label, label);
        assert_error(text, "7:1", "the domain name is too long: a 63-byte instance name of this type would exceed 255 bytes");
        /* ...and a subtype that does not fit */
        snprintf(text, sizeof(text), SVC "<domain-name>%s.%s.%.43s.local</domain-name>\n<subtype>%s</subtype>" TAIL,
                 label, label, label, label);
        assert_error(text, "7:1", "makes a name longer than 255 bytes");
}
END_TEST

/* RFC 6763 §6 through a file */
START_TEST(test_txt) {
        struct dnssd_group *g;
        char text[20000], v[300];

        /* RFC 6763 §6.4: duplicate keys (case-insensitively): the first wins, with a warning */
        g = parse_ok(SVC "<txt-record>a=1</txt-record>\n  <txt-record>A=2</txt-record>\n<txt-record>a</txt-record>" TAIL);
        ck_assert_uint_eq(g->services[0].n_txt, 1);
        assert_txt(&g->services[0], 0, "a=1", 3);
        ck_assert_uint_eq(g->n_warnings, 2);
        ck_assert_str_eq(g->warnings[0], "t.service:7:3: duplicate TXT key 'A' ignored: the first one is kept (RFC 6763 section 6.4)");
        ck_assert_str_eq(g->warnings[1], "t.service:8:1: duplicate TXT key 'a' ignored: the first one is kept (RFC 6763 section 6.4)");
        dnssd_group_free(g);

        assert_error(SVC "<txt-record></txt-record>" TAIL, "6:1", "the TXT string is empty: it needs at least a key");
        assert_error(SVC "  <txt-record>=value</txt-record>" TAIL, "6:3", "invalid TXT key '': the TXT key is empty (RFC 6763 section 6.4)");
        assert_error(SVC "<txt-record>k\xc3\xa9y=1</txt-record>" TAIL, "6:1", "invalid TXT key 'k\xc3\xa9y'");
        assert_error(SVC "<txt-record>\n  path=/\n</txt-record>" TAIL, "6:1", "invalid TXT key '\\x0a  path'");
        assert_error(SVC "<txt-record>a&#9;b=1</txt-record>" TAIL, "6:1", "printable ASCII");

        /* 255 bytes per string */
        memset(v, 'v', sizeof(v));
        snprintf(text, sizeof(text), SVC "<txt-record>k=%.253s</txt-record>" TAIL, v);
        g = parse_ok(text);
        ck_assert_uint_eq(g->services[0].txt[0].len, 255);
        dnssd_group_free(g);
        snprintf(text, sizeof(text), SVC "<txt-record>k=%.254s</txt-record>" TAIL, v);
        assert_error(text, "6:1", "the TXT string with key 'k' is 256 bytes long, more than 255");

        /* over 1300 bytes warns (§6.2); over 8900 is refused */
        strcpy(text, SVC);
        for (int i = 0; i < 6; i++)
                snprintf(text + strlen(text), sizeof(text) - strlen(text), "<txt-record>k%d=%.250s</txt-record>\n", i, v);
        strcat(text, TAIL);
        g = parse_ok(text);
        ck_assert_uint_eq(g->services[0].txt_size, 6 * 254);
        ck_assert_uint_eq(g->n_warnings, 1);
        ck_assert_str_eq(g->warnings[0], "t.service:3:1: the TXT record is 1524 bytes long: more than 1300 bytes is not recommended (RFC 6763 section 6.2)");
        dnssd_group_free(g);
        strcpy(text, SVC);
        for (int i = 0; i < 36; i++) /* 36 × 250 = 9000 */
                snprintf(text + strlen(text), sizeof(text) - strlen(text), "<txt-record>k%02d=%.245s</txt-record>\n", i, v);
        strcat(text, TAIL);
        assert_error(text, "3:1", "the TXT record is 9000 bytes long: it must fit in one packet, 8900 bytes at most");
        strcpy(text, SVC);
        for (int i = 0; i < 35; i++) /* 35 × 250 + 150 = 8900: accepted */
                snprintf(text + strlen(text), sizeof(text) - strlen(text), "<txt-record>k%02d=%.245s</txt-record>\n", i, v);
        snprintf(text + strlen(text), sizeof(text) - strlen(text), "<txt-record>k35=%.145s</txt-record>\n", v);
        strcat(text, TAIL);
        g = parse_ok(text);
        ck_assert_uint_eq(g->services[0].txt_size, 8900);
        dnssd_group_free(g);

        /* binary values */
        g = parse_ok(SVC "<txt-record value-format=\"binary-hex\">k=</txt-record>"
                     "<txt-record value-format=\"binary-base64\">e=</txt-record>"
                     "<txt-record value-format=\"binary-hex\">z=00</txt-record>" TAIL);
        assert_txt(&g->services[0], 0, "k=", 2);
        assert_txt(&g->services[0], 1, "e=", 2);
        assert_txt(&g->services[0], 2, "z=\0", 3);
        dnssd_group_free(g);
        assert_error(SVC "<txt-record value-format=\"binary-hex\">k=abc</txt-record>" TAIL, "6:1",
                     "invalid binary-hex value 'abc': it must be an even number of hex digits and nothing else");
        assert_error(SVC "<txt-record value-format=\"binary-hex\">k=0g</txt-record>" TAIL, "6:1", "invalid binary-hex value '0g'");
        assert_error(SVC "<txt-record value-format=\"binary-hex\">k=00 11</txt-record>" TAIL, "6:1", "invalid binary-hex value");
        assert_error(SVC "<txt-record value-format=\"binary-hex\">0011</txt-record>" TAIL, "6:1",
                     "value-format=binary-hex needs the form key=VALUE");
        assert_error(SVC "<txt-record value-format=\"binary-base64\">k=Zg</txt-record>" TAIL, "6:1",
                     "invalid binary-base64 value 'Zg': it must be padded base64 (RFC 4648 section 4) and nothing else");
        assert_error(SVC "<txt-record value-format=\"binary-base64\">k=Zh==</txt-record>" TAIL, "6:1", "invalid binary-base64 value");
        assert_error(SVC "<txt-record value-format=\"binary-base64\">k</txt-record>" TAIL, "6:1", "needs the form key=VALUE");
        assert_error(SVC "<txt-record value-format=\"binary-hex\">=00</txt-record>" TAIL, "6:1", "the TXT key is empty");
        /* a decoded binary value counts too: 253 × "00" = 255 bytes fine, 254 too many */
        strcpy(text, SVC "<txt-record value-format=\"binary-hex\">k=");
        for (int i = 0; i < 254; i++)
                strcat(text, "00");
        strcat(text, "</txt-record>" TAIL);
        assert_error(text, "6:1", "256 bytes long");
}
END_TEST

START_TEST(test_services) {
        char text[8192];
        struct dnssd_group *g;

        /* two services with the same type on overlapping interfaces collide */
        assert_error(SVC "</service>\n  <service>\n<type>_SSH._tcp</type><port>2222</port>\n" TAIL, "7:3",
                     "a second <service> of type _SSH._tcp on the same interfaces and protocol (line 3): the names would collide");
        assert_error(SVC "</service>\n<service interface=\"eth0\" protocol=\"ipv6\"><type>_ssh._tcp</type><port>2222</port>\n" TAIL,
                     "7:1", "the names would collide");
        /* different protocols, interfaces or domains do not */
        g = parse_ok("<service-group><name>n</name>"
                     "<service protocol=\"ipv4\"><type>_ssh._tcp</type><port>22</port></service>"
                     "<service protocol=\"ipv6\"><type>_ssh._tcp</type><port>22</port></service>"
                     "<service><type>_ssh._tcp</type><port>22</port><domain-name>example.org</domain-name></service>"
                     "</service-group>");
        ck_assert_uint_eq(g->n_services, 3);
        dnssd_group_free(g);

        /* at most 64 services */
        strcpy(text, "<service-group><name>n</name>\n");
        for (int i = 0; i <= DNSSD_SERVICES_MAX; i++)
                snprintf(text + strlen(text), sizeof(text) - strlen(text),
                         "<service><type>_s%d._tcp</type><port>1</port></service>\n", i);
        strcat(text, "</service-group>");
        assert_error(text, "66:1", "more than 64 <service> elements");
}
END_TEST

/* Billion laughs, external entities, internal subsets, undefined entities, size. */
START_TEST(test_xml_attacks) {
        char *big;

        assert_error("<?xml version=\"1.0\"?>\n"
                     "<!DOCTYPE service-group [\n"
                     " <!ENTITY lol \"lol\">\n"
                     " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
                     " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
                     "]>\n"
                     "<service-group><name>&lol3;</name></service-group>",
                     "2:25", "a DOCTYPE with an internal subset ([...]) is not accepted");
        assert_error("<!DOCTYPE service-group [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n"
                     "<service-group><name>&xxe;</name></service-group>", "1:25", "internal subset");
        assert_error("<!DOCTYPE service-group [ ]><service-group/>", "1:25", "internal subset");
        assert_error("<!DOCTYPE service-group [ <!ATTLIST service protocol CDATA \"ipv4\"> ]><service-group/>", "1:25",
                     "internal subset");
        assert_error("<!DOCTYPE other SYSTEM \"x.dtd\">\n<service-group/>", "1:31", "the DOCTYPE names 'other': it must be service-group");
        /* with an external subset named, an undeclared entity is "skipped" by expat: we refuse it */
        assert_error("<!DOCTYPE service-group SYSTEM \"avahi-service.dtd\">\n"
                     "<service-group><name>a &ent; b</name>", "2:24", "undefined entity &ent;");
        assert_error("<!DOCTYPE service-group PUBLIC \"-//x//y\" \"http://example.org/x.dtd\">\n"
                     "<service-group><name>&ent;</name>", "2:22", "undefined entity &ent;");
        /* without any DOCTYPE expat itself refuses it */
        assert_error("<service-group>\n<name>&ent;</name>", "2:7", "undefined entity");

        /* size: 64 KiB; one byte more is refused before parsing */
        big = malloc(DNSSD_SERVICE_FILE_SIZE_MAX + 1);
        ck_assert_ptr_nonnull(big);
        memset(big, ' ', DNSSD_SERVICE_FILE_SIZE_MAX + 1);
        memcpy(big, SVC TAIL, strlen(SVC TAIL));
        {
                struct dnssd_group *g;
                char *error;
                ck_assert_int_eq(dnssd_service_file_parse("t.service", big, DNSSD_SERVICE_FILE_SIZE_MAX, &g, &error), 0);
                dnssd_group_free(g);
                ck_assert_int_eq(dnssd_service_file_parse("t.service", big, DNSSD_SERVICE_FILE_SIZE_MAX + 1, &g, &error),
                                 -EFBIG);
                ck_assert_ptr_null(g);
                ck_assert_str_eq(error, "t.service: the file is 65537 bytes long, more than 65536");
                free(error);
        }
        free(big);
}
END_TEST

START_TEST(test_message_quoting) {
        /* values from the file never break the message's single line, and are bounded */
        char text[4096];

        assert_error(HEAD "<type>_a\nb._tcp</type>" TAIL, "4:1", "invalid service type '_a\\x0ab._tcp'");
        assert_error(HEAD "<type>_a'b\\._tcp</type>" TAIL, "4:1", "'_a\\x27b\\x5c._tcp'");
        strcpy(text, HEAD "<type>_");
        for (int i = 0; i < 300; i++)
                strcat(text, "\xc3\xa9");
        strcat(text, "._tcp</type>" TAIL);
        {
                struct dnssd_group *g;
                char *error;
                ck_assert_int_lt(dnssd_service_file_parse("t.service", text, strlen(text), &g, &error), 0);
                ck_assert_ptr_nonnull(strstr(error, "...'"));
                ck_assert_uint_lt(strlen(error), 300);
                /* cut at a character boundary: what precedes "..." is whole é's */
                char *dots = strstr(error, "...'");
                ck_assert_uint_eq((uint8_t) dots[-1], 0xa9);
                free(error);
        }
}
END_TEST

int main(void) {
        Suite *s = suite_create("service-file");
        TCase *tc = tcase_create("core");

        log_set_target(LOG_TARGET_NONE);
        tcase_add_test(tc, test_minimal_and_defaults);
        tcase_add_test(tc, test_every_element);
        tcase_add_test(tc, test_text_handling);
        tcase_add_test(tc, test_ports);
        tcase_add_test(tc, test_structure_errors);
        tcase_add_test(tc, test_attribute_errors);
        tcase_add_test(tc, test_interfaces);
        tcase_add_test(tc, test_names);
        tcase_add_test(tc, test_types_and_subtypes);
        tcase_add_test(tc, test_domain_and_host);
        tcase_add_test(tc, test_txt);
        tcase_add_test(tc, test_services);
        tcase_add_test(tc, test_xml_attacks);
        tcase_add_test(tc, test_message_quoting);
        suite_add_tcase(s, tc);
        return unit_run(s);
}
