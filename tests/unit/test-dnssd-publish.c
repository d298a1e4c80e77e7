/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DNS-SD publishing (publish.c) on the real registry with a fake clock: the records of a group
 * (names, types, TTLs, unique/shared, subtypes, the §9 enumeration PTR, placeholders, interface
 * and protocol scopes), SRV and TXT probed together, renaming "Name" → "Name (2)" → "Name (3)",
 * local conflicts, TXT updates without probing (§8.4), host renames, shared records between
 * groups; and the services.d reload (services-watch.c): unchanged untouched, changed updated or
 * re-published, removed withdrawn, broken kept, a missing folder empty. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dnssd/publish.h"
#include "dnssd/service-file.h"
#include "dnssd/services-watch.h"
#include "mdns-fake.h"
#include "mdns/announce.h"
#include "mdns/host-records.h"
#include "unit.h"

#define ETH0 2
#define ETH1 3
#define SEC USEC_PER_SEC

static struct dnssd_publisher *P;
static unsigned changed_calls;

static void on_changed(void *userdata) {
        (void) userdata;
        changed_calls++;
}

static void setup(void) {
        struct dnssd_publisher_config cfg = { .host_name = "board.local", .changed = on_changed };

        fake_setup();
        changed_calls = 0;
        ck_assert_int_eq(registry_link_add(R, ETH0, AF_INET, "eth0", 1472, fake_now), 0);
        cfg.registry = R;
        ck_assert_int_eq(dnssd_publisher_new(&P, &cfg), 0);
}

static void teardown(void) {
        dnssd_publisher_free(P, fake_now);
        P = NULL;
        fake_teardown();
}

static struct dnssd_group *parse(const char *xml) {
        struct dnssd_group *g = NULL;
        char *err = NULL;
        int r = dnssd_service_file_parse("test.service", xml, strlen(xml), &g, &err);

        if (r < 0)
                ck_abort_msg("parse: %s", err ? err : "?");
        return g;
}

static struct dnssd_pub *publish(const char *xml) {
        struct dnssd_group *g = parse(xml);
        struct dnssd_pub *pub = NULL;

        ck_assert_int_eq(dnssd_pub_new(P, g, "test.service", fake_now, &pub), 0);
        dnssd_group_free(g);
        return pub;
}

#define GROUP(name, body) "<service-group><name>" name "</name>" body "</service-group>"
#define WEB(txt) \
        "<service><type>_http._tcp</type><subtype>_printer</subtype><port>8080</port>" txt "</service>"

/* The records answerable on a link for (name, type). */
static unsigned lookup(const char *name, uint16_t type, int ifindex, int family, struct dns_rr *first) {
        struct dns_name n = fake_name(name);
        struct reg_lookup it;
        struct reg_answer a;
        unsigned c = 0;

        registry_lookup_init(&it, R, &n, type, DNS_CLASS_IN, ifindex, family);
        while (registry_lookup_next(&it, &a)) {
                if (c++ == 0 && first)
                        *first = *a.rr;
        }
        return c;
}

static struct dns_name rdata_name(const struct dns_rr *rr) {
        struct dns_name n;

        ck_assert_int_ge(dns_rdata_get_name(rr, &n), 0);
        return n;
}

/* Records with this name and type in packets [from, now) of the answer section: with TTL 0
 * (goodbyes) or not. */
static unsigned count_sent(size_t from, const char *name, uint16_t type, bool goodbye) {
        struct dns_name n = fake_name(name);
        unsigned c = 0;

        for (size_t k = from; k < fake_n_sent; k++) {
                const struct dns_msg *m = fake_parse(k);
                uint16_t cnt;
                const struct dns_rr *rrs;

                if (!(m->flags & DNS_FLAG_QR))
                        continue;
                rrs = dns_msg_section(m, DNS_SECTION_ANSWER, &cnt);
                for (uint16_t j = 0; j < cnt; j++)
                        if (dns_name_equal(&rrs[j].name, &n) && (type == 0 || rrs[j].type == type) &&
                            (rrs[j].ttl == 0) == goodbye)
                                c++;
        }
        return c;
}

/* Probes in packets [from, now) that propose records for name. */
static unsigned count_probed(size_t from, const char *name, uint16_t type) {
        struct dns_name n = fake_name(name);
        unsigned c = 0;

        for (size_t k = from; k < fake_n_sent; k++) {
                const struct dns_msg *m;
                uint16_t cnt;
                const struct dns_rr *rrs;

                if (!fake_is_probe(k))
                        continue;
                m = fake_parse(k);
                rrs = dns_msg_section(m, DNS_SECTION_AUTHORITY, &cnt);
                for (uint16_t j = 0; j < cnt; j++)
                        if (dns_name_equal(&rrs[j].name, &n) && (type == 0 || rrs[j].type == type))
                                c++;
        }
        return c;
}

/* Any record of that name in any section of packets [from, now). */
static unsigned count_mentions(size_t from, const char *name) {
        return count_sent(from, name, 0, false) + count_sent(from, name, 0, true) + count_probed(from, name, 0);
}

static struct dns_rr srv_rr(const char *name, const char *target, uint16_t port) {
        static uint8_t pool[8][DNS_NAME_MAX + 8];
        static unsigned next;
        uint8_t *rdata = pool[next++ % 8];
        struct dns_srv srv = { .port = port, .target = fake_name(target) };
        struct dns_rr rr = { .name = fake_name(name), .type = DNS_TYPE_SRV, .rclass = DNS_CLASS_IN };
        int r = dns_rdata_build_srv(rdata, DNS_NAME_MAX + 8, &srv);

        ck_assert_int_gt(r, 0);
        rr.rdata = rdata;
        rr.rdlength = (uint16_t) r;
        return rr;
}

/* ---- the records of a group ---- */

START_TEST(test_records) {
        struct dnssd_pub *pub = publish(GROUP("Web", WEB("<txt-record>path=/a</txt-record>")));
        struct dns_rr rr;
        struct dns_srv srv;
        struct dns_name n;
        uint8_t txt[64];

        ck_assert_str_eq(dnssd_pub_get_name(pub), "Web");
        ck_assert_uint_gt(changed_calls, 0);
        /* nothing is answerable before the name is probed */
        ck_assert_uint_eq(lookup("Web._http._tcp.local", DNS_TYPE_SRV, ETH0, AF_INET, NULL), 0);
        ck_assert_uint_eq(lookup("_http._tcp.local", DNS_TYPE_PTR, ETH0, AF_INET, NULL), 0);
        fake_advance(10 * SEC);
        ck_assert_int_eq(dnssd_pub_get_state(pub), REG_GROUP_ESTABLISHED);

        /* SRV: unique (cache-flush), 120 s (RFC 6762 §10: it holds a host name), our host */
        ck_assert_uint_eq(lookup("Web._http._tcp.local", DNS_TYPE_SRV, ETH0, AF_INET, &rr), 1);
        ck_assert(rr.cache_flush);
        ck_assert_uint_eq(rr.ttl, 120);
        ck_assert_int_eq(dns_rdata_get_srv(&rr, &srv), 0);
        ck_assert_uint_eq(srv.port, 8080);
        ck_assert_uint_eq(srv.priority, 0);
        ck_assert_uint_eq(srv.weight, 0);
        n = fake_name("board.local");
        ck_assert(dns_name_equal(&srv.target, &n));
        /* TXT: unique, 75 minutes, the strings of the file */
        ck_assert_uint_eq(lookup("Web._http._tcp.local", DNS_TYPE_TXT, ETH0, AF_INET, &rr), 1);
        ck_assert(rr.cache_flush);
        ck_assert_uint_eq(rr.ttl, 4500);
        ck_assert_int_eq(dns_txt_append(txt, sizeof txt, 0, "path=/a", 7), 8);
        ck_assert_uint_eq(rr.rdlength, 8);
        ck_assert_mem_eq(rr.rdata, txt, 8);
        /* RFC 6763 §4.1: the type PTR, shared, 75 minutes */
        ck_assert_uint_eq(lookup("_http._tcp.local", DNS_TYPE_PTR, ETH0, AF_INET, &rr), 1);
        ck_assert(!rr.cache_flush);
        ck_assert_uint_eq(rr.ttl, 4500);
        n = fake_name("Web._http._tcp.local");
        ck_assert(dns_name_equal((struct dns_name[]) { rdata_name(&rr) }, &n));
        /* RFC 6763 §7.1: the subtype PTR */
        ck_assert_uint_eq(lookup("_printer._sub._http._tcp.local", DNS_TYPE_PTR, ETH0, AF_INET, &rr), 1);
        ck_assert(!rr.cache_flush);
        ck_assert_uint_eq(rr.ttl, 4500);
        ck_assert(dns_name_equal((struct dns_name[]) { rdata_name(&rr) }, &n));
        /* RFC 6763 §9: the service type enumeration PTR */
        ck_assert_uint_eq(lookup("_services._dns-sd._udp.local", DNS_TYPE_PTR, ETH0, AF_INET, &rr), 1);
        ck_assert(!rr.cache_flush);
        ck_assert_uint_eq(rr.ttl, 4500);
        n = fake_name("_http._tcp.local");
        ck_assert(dns_name_equal((struct dns_name[]) { rdata_name(&rr) }, &n));
        /* and nothing else: SRV, TXT, 3 PTRs */
        ck_assert_uint_eq(reg_group_get_n_records(dnssd_pub_get_group(pub)), 5);
}
END_TEST

START_TEST(test_srv_txt_probed_together) {
        size_t idx[4];

        publish(GROUP("Web", WEB("")));
        fake_until_probes(ETH0, AF_INET, 1);
        ck_assert_uint_eq(fake_find(true, ETH0, AF_INET, idx, 4), 1);
        /* RFC 6762 §8.1, §8.2: one probe asks for the name and proposes both records */
        ck_assert_uint_eq(fake_count_rr(idx[0], DNS_SECTION_AUTHORITY, "Web._http._tcp.local", DNS_TYPE_SRV), 1);
        ck_assert_uint_eq(fake_count_rr(idx[0], DNS_SECTION_AUTHORITY, "Web._http._tcp.local", DNS_TYPE_TXT), 1);
        /* shared records are never probed */
        ck_assert_uint_eq(fake_count_rr(idx[0], DNS_SECTION_AUTHORITY, "_http._tcp.local", 0), 0);
        /* an empty TXT is the single zero octet (RFC 6763 §6.1) */
        fake_advance(10 * SEC);
        struct dns_rr rr;
        ck_assert_uint_eq(lookup("Web._http._tcp.local", DNS_TYPE_TXT, ETH0, AF_INET, &rr), 1);
        ck_assert_uint_eq(rr.rdlength, 1);
        ck_assert_uint_eq(rr.rdata[0], 0);
}
END_TEST

START_TEST(test_placeholder) {
        struct dnssd_pub *pub = publish(GROUP("Held", "<service><type>_http._tcp</type><port>0</port></service>"));

        fake_advance(10 * SEC);
        ck_assert_int_eq(dnssd_pub_get_state(pub), REG_GROUP_ESTABLISHED);
        /* the name is held (SRV and TXT probed and answered) but nothing browses to it */
        ck_assert_uint_eq(lookup("Held._http._tcp.local", DNS_TYPE_SRV, ETH0, AF_INET, NULL), 1);
        ck_assert_uint_eq(lookup("Held._http._tcp.local", DNS_TYPE_TXT, ETH0, AF_INET, NULL), 1);
        ck_assert_uint_eq(lookup("_http._tcp.local", DNS_TYPE_PTR, ETH0, AF_INET, NULL), 0);
        ck_assert_uint_eq(lookup("_services._dns-sd._udp.local", DNS_TYPE_PTR, ETH0, AF_INET, NULL), 0);
        ck_assert_uint_eq(reg_group_get_n_records(dnssd_pub_get_group(pub)), 2);
}
END_TEST

START_TEST(test_host_name_target_and_wildcard) {
        struct dnssd_pub *a = publish("<service-group><name replace-wildcards=\"yes\">Files on %h</name>"
                                      "<service><type>_smb._tcp</type><port>445</port></service></service-group>");
        struct dnssd_pub *b = publish(GROUP("Printer", "<service><type>_ipp._tcp</type><host-name>printer.local"
                                                       "</host-name><port>631</port></service>"));
        struct dns_rr rr;
        struct dns_srv srv;
        struct dns_name n;

        ck_assert_str_eq(dnssd_pub_get_name(a), "Files on board");
        fake_advance(10 * SEC);
        ck_assert_uint_eq(lookup("Printer._ipp._tcp.local", DNS_TYPE_SRV, ETH0, AF_INET, &rr), 1);
        ck_assert_int_eq(dns_rdata_get_srv(&rr, &srv), 0);
        n = fake_name("printer.local");
        ck_assert(dns_name_equal(&srv.target, &n));
        ck_assert_int_eq(dnssd_pub_get_state(b), REG_GROUP_ESTABLISHED);
}
END_TEST

START_TEST(test_protocol_and_interfaces) {
        struct dnssd_pub *pub;

        ck_assert_int_eq(registry_link_add(R, ETH0, AF_INET6, "eth0", 1452, fake_now), 0);
        ck_assert_int_eq(registry_link_add(R, ETH1, AF_INET, "eth1", 1472, fake_now), 0);
        pub = publish(GROUP("Four", "<service protocol=\"ipv4\"><type>_http._tcp</type><port>80</port></service>"
                                    "<service interface=\"eth1\"><type>_ftp._tcp</type><port>21</port></service>"));
        fake_advance(10 * SEC);
        /* protocol="ipv4": IPv4 transport only */
        ck_assert_uint_eq(lookup("Four._http._tcp.local", DNS_TYPE_SRV, ETH0, AF_INET, NULL), 1);
        ck_assert_uint_eq(lookup("Four._http._tcp.local", DNS_TYPE_SRV, ETH0, AF_INET6, NULL), 0);
        ck_assert_uint_eq(lookup("Four._http._tcp.local", DNS_TYPE_SRV, ETH1, AF_INET, NULL), 1);
        /* interface="eth1": unknown yet, so nowhere */
        ck_assert_uint_eq(lookup("Four._ftp._tcp.local", DNS_TYPE_SRV, ETH1, AF_INET, NULL), 0);
        /* eth1 appears: published there (probed first), and only there */
        changed_calls = 0;
        dnssd_publisher_iface_update(P, ETH0, "eth0", fake_now);
        dnssd_publisher_iface_update(P, ETH1, "eth1", fake_now);
        ck_assert_uint_gt(changed_calls, 0);
        ck_assert_uint_eq(lookup("Four._ftp._tcp.local", DNS_TYPE_SRV, ETH1, AF_INET, NULL), 0);
        fake_advance(10 * SEC);
        ck_assert_uint_eq(lookup("Four._ftp._tcp.local", DNS_TYPE_SRV, ETH1, AF_INET, NULL), 1);
        ck_assert_uint_eq(lookup("_ftp._tcp.local", DNS_TYPE_PTR, ETH1, AF_INET, NULL), 1);
        ck_assert_uint_eq(lookup("Four._ftp._tcp.local", DNS_TYPE_SRV, ETH0, AF_INET, NULL), 0);
        ck_assert_uint_eq(lookup("_ftp._tcp.local", DNS_TYPE_PTR, ETH0, AF_INET, NULL), 0);
        ck_assert_int_eq(dnssd_pub_get_state(pub), REG_GROUP_ESTABLISHED);
        /* renamed away: gone from it, with goodbyes */
        size_t from = fake_n_sent;
        dnssd_publisher_iface_update(P, ETH1, "lan1", fake_now);
        fake_advance(SEC);
        ck_assert_uint_eq(lookup("Four._ftp._tcp.local", DNS_TYPE_SRV, ETH1, AF_INET, NULL), 0);
        ck_assert_uint_ge(count_sent(from, "_ftp._tcp.local", DNS_TYPE_PTR, true), 1);
        /* back, then removed */
        dnssd_publisher_iface_update(P, ETH1, "eth1", fake_now);
        fake_advance(10 * SEC);
        ck_assert_uint_eq(lookup("Four._ftp._tcp.local", DNS_TYPE_SRV, ETH1, AF_INET, NULL), 1);
        dnssd_publisher_iface_remove(P, ETH1, fake_now);
        ck_assert_uint_eq(lookup("Four._ftp._tcp.local", DNS_TYPE_SRV, ETH1, AF_INET, NULL), 0);
        ck_assert_uint_eq(lookup("Four._http._tcp.local", DNS_TYPE_SRV, ETH1, AF_INET, NULL), 1);
}
END_TEST

/* ---- names and renaming ---- */

START_TEST(test_name_alternative) {
        char buf[DNSSD_INSTANCE_NAME_MAX + 1], base[80];

        ck_assert_int_eq(dnssd_name_alternative("Name", 1, buf, sizeof buf), 4);
        ck_assert_str_eq(buf, "Name");
        ck_assert_int_eq(dnssd_name_alternative("Name", 2, buf, sizeof buf), 8);
        ck_assert_str_eq(buf, "Name (2)");
        ck_assert_int_eq(dnssd_name_alternative("Name", 13, buf, sizeof buf), 9);
        ck_assert_str_eq(buf, "Name (13)");
        /* 63 octets at most, cut at a character boundary: 30 two-octet characters + 3 */
        base[0] = '\0';
        for (int k = 0; k < 30; k++)
                strcat(base, "\xc3\xa9");
        strcat(base, "abc");
        ck_assert_uint_eq(strlen(base), 63);
        ck_assert_int_eq(dnssd_name_alternative(base, 1, buf, sizeof buf), 63);
        ck_assert_int_eq(dnssd_name_alternative(base, 2, buf, sizeof buf), 62); /* 29 é + " (2)" */
        ck_assert_str_eq(buf + 58, " (2)");
        ck_assert(dnssd_utf8_is_valid(buf, strlen(buf)));
        ck_assert_int_eq(dnssd_name_alternative("Name", 2, buf, 10), -ENOBUFS);
}
END_TEST

START_TEST(test_rename_sequence) {
        struct dnssd_pub *pub = publish(GROUP("Web", WEB("")));
        struct dns_rr theirs;
        size_t from;

        /* a peer answers our first probe: the name is theirs (RFC 6762 §8.1), we take "Web (2)" */
        fake_until_probes(ETH0, AF_INET, 1);
        theirs = srv_rr("Web._http._tcp.local", "other.local", 80);
        fake_receive_response(ETH0, AF_INET, "169.254.9.9", &theirs, 1);
        ck_assert_str_eq(dnssd_pub_get_name(pub), "Web (2)");
        ck_assert_uint_eq(dnssd_pub_get_renames(pub), 1);
        ck_assert_int_eq(dnssd_pub_get_state(pub), REG_GROUP_PROBING);
        /* and "Web (2)" is probed afresh, SRV and TXT together */
        from = fake_n_sent;
        fake_until_probes(ETH0, AF_INET, 2);
        ck_assert_uint_eq(count_probed(from, "Web (2)._http._tcp.local", DNS_TYPE_SRV), 1);
        ck_assert_uint_eq(count_probed(from, "Web (2)._http._tcp.local", DNS_TYPE_TXT), 1);
        /* taken too: "Web (3)" */
        theirs = srv_rr("Web (2)._http._tcp.local", "other.local", 80);
        fake_receive_response(ETH0, AF_INET, "169.254.9.9", &theirs, 1);
        ck_assert_str_eq(dnssd_pub_get_name(pub), "Web (3)");
        ck_assert_uint_eq(dnssd_pub_get_renames(pub), 2);
        fake_advance(10 * SEC);
        ck_assert_int_eq(dnssd_pub_get_state(pub), REG_GROUP_ESTABLISHED);
        ck_assert_uint_eq(lookup("Web (3)._http._tcp.local", DNS_TYPE_SRV, ETH0, AF_INET, NULL), 1);
        ck_assert_uint_eq(lookup("Web._http._tcp.local", DNS_TYPE_SRV, ETH0, AF_INET, NULL), 0);
        /* the browse PTR names the instance we hold */
        struct dns_rr rr;
        struct dns_name n = fake_name("Web (3)._http._tcp.local");
        ck_assert_uint_eq(lookup("_http._tcp.local", DNS_TYPE_PTR, ETH0, AF_INET, &rr), 1);
        ck_assert(dns_name_equal((struct dns_name[]) { rdata_name(&rr) }, &n));
}
END_TEST

START_TEST(test_local_conflict) {
        struct dnssd_pub *a = publish(GROUP("Web", WEB("")));
        struct dnssd_pub *b = publish(GROUP("Web", WEB("<txt-record>x=1</txt-record>")));
        struct dnssd_pub *c = publish(GROUP("Web", "<service><type>_ftp._tcp</type><port>21</port></service>"));

        /* another group of ours holds the name: the second one takes the next name at once */
        ck_assert_str_eq(dnssd_pub_get_name(a), "Web");
        ck_assert_str_eq(dnssd_pub_get_name(b), "Web (2)");
        /* another type: another name, no conflict */
        ck_assert_str_eq(dnssd_pub_get_name(c), "Web");
        fake_advance(10 * SEC);
        ck_assert_int_eq(dnssd_pub_get_state(b), REG_GROUP_ESTABLISHED);
        /* both browse PTRs, shared */
        ck_assert_uint_eq(lookup("_http._tcp.local", DNS_TYPE_PTR, ETH0, AF_INET, NULL), 2);
}
END_TEST

/* ---- updates ---- */

START_TEST(test_txt_update_no_probe) {
        struct dnssd_pub *pub = publish(GROUP("Web", WEB("<txt-record>path=/a</txt-record>")));
        struct dnssd_group *g;
        struct dns_rr rr;
        size_t from;

        fake_advance(10 * SEC);
        from = fake_n_sent;
        g = parse(GROUP("Web", WEB("<txt-record>path=/b</txt-record>")));
        ck_assert_int_eq(dnssd_pub_update(pub, g, fake_now), DNSSD_PUB_TXT_UPDATED);
        /* the same again: nothing to do */
        ck_assert_int_eq(dnssd_pub_update(pub, g, fake_now), DNSSD_PUB_SAME);
        dnssd_group_free(g);
        fake_advance(10 * SEC);
        /* RFC 6762 §8.4: announced, not probed; the group never left established */
        ck_assert_uint_eq(count_probed(from, "Web._http._tcp.local", 0), 0);
        ck_assert_uint_ge(count_sent(from, "Web._http._tcp.local", DNS_TYPE_TXT, false), 1);
        ck_assert_uint_eq(count_sent(from, "Web._http._tcp.local", DNS_TYPE_SRV, true), 0);
        ck_assert_int_eq(dnssd_pub_get_state(pub), REG_GROUP_ESTABLISHED);
        ck_assert_uint_eq(lookup("Web._http._tcp.local", DNS_TYPE_TXT, ETH0, AF_INET, &rr), 1);
        ck_assert_uint_eq(rr.rdlength, 8);
        ck_assert_mem_eq(rr.rdata, "\x07path=/b", 8);
}
END_TEST

START_TEST(test_change_republishes) {
        struct dnssd_pub *pub = publish(GROUP("Web", WEB("")));
        struct dnssd_group *g;
        struct dns_rr rr;
        struct dns_srv srv;
        size_t from;

        fake_advance(10 * SEC);
        from = fake_n_sent;
        g = parse(GROUP("Web", "<service><type>_http._tcp</type><port>9090</port></service>"));
        ck_assert_int_eq(dnssd_pub_update(pub, g, fake_now), DNSSD_PUB_REPUBLISHED);
        dnssd_group_free(g);
        fake_advance(10 * SEC);
        /* withdrawn with goodbyes (the old subtype PTR goes for good), probed and announced again */
        ck_assert_uint_ge(count_sent(from, "Web._http._tcp.local", DNS_TYPE_SRV, true), 1);
        ck_assert_uint_ge(count_sent(from, "_printer._sub._http._tcp.local", DNS_TYPE_PTR, true), 1);
        ck_assert_uint_ge(count_probed(from, "Web._http._tcp.local", DNS_TYPE_SRV), 1);
        ck_assert_uint_eq(lookup("_printer._sub._http._tcp.local", DNS_TYPE_PTR, ETH0, AF_INET, NULL), 0);
        ck_assert_uint_eq(lookup("Web._http._tcp.local", DNS_TYPE_SRV, ETH0, AF_INET, &rr), 1);
        ck_assert_int_eq(dns_rdata_get_srv(&rr, &srv), 0);
        ck_assert_uint_eq(srv.port, 9090);
        ck_assert_int_eq(dnssd_pub_get_state(pub), REG_GROUP_ESTABLISHED);
}
END_TEST

START_TEST(test_shared_enumeration_goodbye) {
        struct dnssd_pub *a = publish(GROUP("One", WEB("")));
        struct dnssd_pub *b = publish(GROUP("Two", WEB("")));
        size_t from;

        fake_advance(10 * SEC);
        ck_assert_uint_eq(lookup("_services._dns-sd._udp.local", DNS_TYPE_PTR, ETH0, AF_INET, NULL), 2);
        from = fake_n_sent;
        dnssd_pub_free(a, fake_now);
        fake_advance(SEC);
        /* One's own records say goodbye; the enumeration PTR that Two still publishes does not */
        ck_assert_uint_ge(count_sent(from, "One._http._tcp.local", DNS_TYPE_SRV, true), 1);
        ck_assert_uint_ge(count_sent(from, "_http._tcp.local", DNS_TYPE_PTR, true), 1); /* → One */
        ck_assert_uint_eq(count_sent(from, "_services._dns-sd._udp.local", DNS_TYPE_PTR, true), 0);
        ck_assert_uint_eq(lookup("_services._dns-sd._udp.local", DNS_TYPE_PTR, ETH0, AF_INET, NULL), 1);
        from = fake_n_sent;
        dnssd_pub_free(b, fake_now);
        fake_advance(SEC);
        ck_assert_uint_ge(count_sent(from, "_services._dns-sd._udp.local", DNS_TYPE_PTR, true), 1);
        ck_assert_uint_eq(dnssd_publisher_get_n_pubs(P), 0);
}
END_TEST

START_TEST(test_host_rename) {
        struct dnssd_pub *wild = publish("<service-group><name replace-wildcards=\"yes\">%h</name>"
                                         "<service><type>_ssh._tcp</type><port>22</port></service></service-group>");
        struct dnssd_pub *fixed = publish(GROUP("Web", WEB("")));
        struct dns_rr rr;
        struct dns_srv srv;
        struct dns_name n;
        size_t from;

        fake_advance(10 * SEC);
        ck_assert_str_eq(dnssd_pub_get_name(wild), "board");
        from = fake_n_sent;
        ck_assert_int_eq(dnssd_publisher_set_host_name(P, "board-2.local", fake_now), 0);
        ck_assert_int_eq(dnssd_publisher_set_host_name(P, "bad..name", fake_now), -EINVAL);
        /* %h follows: a new instance name, probed */
        ck_assert_str_eq(dnssd_pub_get_name(wild), "board-2");
        fake_advance(10 * SEC);
        ck_assert_uint_ge(count_probed(from, "board-2._ssh._tcp.local", DNS_TYPE_SRV), 1);
        ck_assert_uint_ge(count_sent(from, "board._ssh._tcp.local", DNS_TYPE_SRV, true), 1);
        ck_assert_uint_eq(lookup("board-2._ssh._tcp.local", DNS_TYPE_SRV, ETH0, AF_INET, &rr), 1);
        ck_assert_int_eq(dns_rdata_get_srv(&rr, &srv), 0);
        n = fake_name("board-2.local");
        ck_assert(dns_name_equal(&srv.target, &n));
        /* a fixed name keeps its name; its SRV points at the new host name, announced (§8.4) */
        ck_assert_uint_eq(count_probed(from, "Web._http._tcp.local", 0), 0);
        ck_assert_uint_ge(count_sent(from, "Web._http._tcp.local", DNS_TYPE_SRV, false), 1);
        ck_assert_uint_eq(lookup("Web._http._tcp.local", DNS_TYPE_SRV, ETH0, AF_INET, &rr), 1);
        ck_assert_int_eq(dns_rdata_get_srv(&rr, &srv), 0);
        ck_assert(dns_name_equal(&srv.target, &n));
        ck_assert_int_eq(dnssd_pub_get_state(fixed), REG_GROUP_ESTABLISHED);
}
END_TEST

/* The host's records lose their name in the same packet as a group loses its own: the host
 * rename (called from inside the registry's callbacks) and the group's rename both go through. */
static void on_host_renamed(void *userdata, const char *name) {
        (void) userdata;
        ck_assert_int_eq(dnssd_publisher_set_host_name(P, name, fake_now), 0);
}

START_TEST(test_host_and_group_conflict_together) {
        struct host_records_config hc = {
                .label = "board", .hinfo_cpu = "X86", .hinfo_os = "LINUX", .renamed = on_host_renamed,
        };
        struct host_records *h;
        struct dnssd_pub *fixed, *wild;
        struct dns_rr theirs[2];
        uint8_t hinfo[32];
        struct dns_rr rr;
        struct dns_srv srv;
        struct dns_name n;
        int len;

        ck_assert_int_eq(host_records_new(&h, R, &hc, fake_now), 0);
        fixed = publish(GROUP("Web", WEB("")));
        wild = publish("<service-group><name replace-wildcards=\"yes\">%h files</name>"
                       "<service><type>_smb._tcp</type><port>445</port></service></service-group>");
        fake_until_probes(ETH0, AF_INET, 1);
        len = dns_rdata_build_hinfo(hinfo, sizeof hinfo, "ARM", "OTHER");
        ck_assert_int_gt(len, 0);
        theirs[0] = (struct dns_rr) { .name = fake_name("board.local"), .type = DNS_TYPE_HINFO,
                                      .rclass = DNS_CLASS_IN, .rdata = hinfo, .rdlength = (uint16_t) len };
        theirs[1] = srv_rr("Web._http._tcp.local", "other.local", 80);
        fake_receive_response(ETH0, AF_INET, "169.254.9.9", theirs, 2);
        ck_assert_str_eq(host_records_get_name(h), "board-2.local");
        ck_assert_str_eq(dnssd_pub_get_name(fixed), "Web (2)");
        ck_assert_str_eq(dnssd_pub_get_name(wild), "board-2 files");
        fake_advance(10 * SEC);
        ck_assert_int_eq(dnssd_pub_get_state(fixed), REG_GROUP_ESTABLISHED);
        ck_assert_int_eq(dnssd_pub_get_state(wild), REG_GROUP_ESTABLISHED);
        ck_assert_int_eq(host_records_get_state(h), REG_GROUP_ESTABLISHED);
        ck_assert_uint_eq(lookup("Web (2)._http._tcp.local", DNS_TYPE_SRV, ETH0, AF_INET, &rr), 1);
        ck_assert_int_eq(dns_rdata_get_srv(&rr, &srv), 0);
        n = fake_name("board-2.local");
        ck_assert(dns_name_equal(&srv.target, &n));
        ck_assert_uint_eq(lookup("board-2 files._smb._tcp.local", DNS_TYPE_SRV, ETH0, AF_INET, NULL), 1);
        dnssd_publisher_free(P, fake_now);
        P = NULL;
        host_records_free(h, fake_now);
}
END_TEST

/* ---- services.d reloads ---- */

static char tmpdir[64];

static void write_file(const char *name, const char *text) {
        char path[128], tmp[140];
        FILE *f;

        snprintf(path, sizeof path, "%s/%s", tmpdir, name);
        snprintf(tmp, sizeof tmp, "%s/.%s.tmp", tmpdir, name);
        f = fopen(tmp, "w");
        ck_assert_ptr_nonnull(f);
        fputs(text, f);
        ck_assert_int_eq(fclose(f), 0);
        ck_assert_int_eq(rename(tmp, path), 0);
}

static void remove_file(const char *name) {
        char path[128];

        snprintf(path, sizeof path, "%s/%s", tmpdir, name);
        ck_assert_int_eq(unlink(path), 0);
}

static void dir_setup(void) {
        setup();
        snprintf(tmpdir, sizeof tmpdir, "/tmp/test-dnssd-publish.XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void dir_teardown(void) {
        char cmd[128];

        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        ck_assert_int_eq(system(cmd), 0);
        teardown();
}

START_TEST(test_reload_diff) {
        struct services_watch_config cfg = { .dir = tmpdir };
        struct services_watch *w;
        struct dnssd_pub *a, *b, *c;
        size_t from;

        write_file("a.service", GROUP("Alpha", WEB("<txt-record>v=1</txt-record>")));
        write_file("b.service", GROUP("Beta", WEB("")));
        write_file("c.service", GROUP("Gamma", WEB("")));
        write_file("d.service", GROUP("Delta", WEB("")));
        write_file("notes.txt", "not a service file");
        cfg.publisher = P;
        ck_assert_int_eq(services_watch_new(&w, &cfg, fake_now), 0);
        ck_assert_uint_eq(services_watch_get_n_published(w), 4);
        fake_advance(10 * SEC);
        a = services_watch_find(w, "a.service");
        b = services_watch_find(w, "b.service");
        c = services_watch_find(w, "c.service");
        ck_assert_ptr_nonnull(a);
        ck_assert_int_eq(dnssd_pub_get_state(c), REG_GROUP_ESTABLISHED);

        write_file("a.service", GROUP("Alpha", WEB("<txt-record>v=2</txt-record>"))); /* TXT only */
        write_file("b.service", GROUP("Beta", "<service><type>_http._tcp</type><port>81</port></service>"));
        remove_file("d.service");
        write_file("e.service", GROUP("Epsilon", WEB("")));
        from = fake_n_sent;
        ck_assert_int_eq(services_watch_reload(w, fake_now), 0);
        /* unchanged: the very same group, untouched (still established, nothing sent for it) */
        ck_assert_ptr_eq(services_watch_find(w, "c.service"), c);
        ck_assert_int_eq(dnssd_pub_get_state(c), REG_GROUP_ESTABLISHED);
        /* TXT only: updated in place, announced again (RFC 6762 §8.4), not probed */
        ck_assert_ptr_eq(services_watch_find(w, "a.service"), a);
        ck_assert_int_eq(dnssd_pub_get_state(a), REG_GROUP_ANNOUNCING);
        /* changed otherwise: re-published (probing again) */
        ck_assert_ptr_eq(services_watch_find(w, "b.service"), b);
        ck_assert_int_eq(dnssd_pub_get_state(b), REG_GROUP_PROBING);
        /* removed and new */
        ck_assert_ptr_null(services_watch_find(w, "d.service"));
        ck_assert_ptr_nonnull(services_watch_find(w, "e.service"));
        ck_assert_uint_eq(services_watch_get_n_published(w), 4);
        fake_advance(10 * SEC);
        ck_assert_uint_eq(count_mentions(from, "Gamma._http._tcp.local"), 0);
        ck_assert_uint_eq(count_probed(from, "Alpha._http._tcp.local", 0), 0);
        ck_assert_uint_ge(count_sent(from, "Alpha._http._tcp.local", DNS_TYPE_TXT, false), 1);
        ck_assert_uint_ge(count_probed(from, "Beta._http._tcp.local", DNS_TYPE_SRV), 1);
        ck_assert_uint_ge(count_sent(from, "Beta._http._tcp.local", DNS_TYPE_SRV, true), 1);
        ck_assert_uint_ge(count_sent(from, "Delta._http._tcp.local", DNS_TYPE_SRV, true), 1);
        ck_assert_uint_eq(lookup("Delta._http._tcp.local", DNS_TYPE_SRV, ETH0, AF_INET, NULL), 0);
        ck_assert_uint_ge(count_probed(from, "Epsilon._http._tcp.local", DNS_TYPE_SRV), 1);
        ck_assert_uint_eq(lookup("Epsilon._http._tcp.local", DNS_TYPE_SRV, ETH0, AF_INET, NULL), 1);
        ck_assert_uint_eq(services_watch_get_n_reloads(w), 1);

        /* nothing changed: nothing sent at all */
        from = fake_n_sent;
        ck_assert_int_eq(services_watch_reload(w, fake_now), 0);
        fake_advance(10 * SEC);
        ck_assert_uint_eq(fake_n_sent, from);

        services_watch_free(w, fake_now);
        ck_assert_uint_eq(dnssd_publisher_get_n_pubs(P), 0);
}
END_TEST

START_TEST(test_reload_broken_kept) {
        struct services_watch_config cfg = { .dir = tmpdir };
        struct services_watch *w;
        struct dnssd_pub *a;
        size_t from;

        write_file("a.service", GROUP("Alpha", WEB("<txt-record>v=1</txt-record>")));
        write_file("bad.service", "<service-group><name>Bad</name>"); /* broken from the start */
        cfg.publisher = P;
        ck_assert_int_eq(services_watch_new(&w, &cfg, fake_now), 0);
        ck_assert_uint_eq(services_watch_get_n_published(w), 1);
        fake_advance(10 * SEC);
        a = services_watch_find(w, "a.service");

        /* a good file turned broken: its previous version stays, untouched */
        write_file("a.service", "<service-group><name>Alpha</name><service>");
        from = fake_n_sent;
        ck_assert_int_eq(services_watch_reload(w, fake_now), 0);
        fake_advance(10 * SEC);
        ck_assert_ptr_eq(services_watch_find(w, "a.service"), a);
        ck_assert_int_eq(dnssd_pub_get_state(a), REG_GROUP_ESTABLISHED);
        ck_assert_uint_eq(count_mentions(from, "Alpha._http._tcp.local"), 0);
        /* fixed, with new TXT: updated in place */
        write_file("a.service", GROUP("Alpha", WEB("<txt-record>v=3</txt-record>")));
        ck_assert_int_eq(services_watch_reload(w, fake_now), 0);
        fake_advance(10 * SEC);
        ck_assert_ptr_eq(services_watch_find(w, "a.service"), a);
        ck_assert_uint_eq(count_probed(from, "Alpha._http._tcp.local", 0), 0);
        ck_assert_uint_ge(count_sent(from, "Alpha._http._tcp.local", DNS_TYPE_TXT, false), 1);
        /* broken and then removed: withdrawn */
        write_file("a.service", "garbage");
        ck_assert_int_eq(services_watch_reload(w, fake_now), 0);
        remove_file("a.service");
        from = fake_n_sent;
        ck_assert_int_eq(services_watch_reload(w, fake_now), 0);
        fake_advance(SEC);
        ck_assert_ptr_null(services_watch_find(w, "a.service"));
        ck_assert_uint_ge(count_sent(from, "Alpha._http._tcp.local", DNS_TYPE_SRV, true), 1);
        services_watch_free(w, fake_now);
}
END_TEST

START_TEST(test_reload_missing_folder) {
        struct services_watch_config cfg = { .dir = tmpdir };
        struct services_watch *w;
        char sub[96];
        size_t from;

        /* a folder that does not exist is an empty one */
        snprintf(sub, sizeof sub, "%s/services.d", tmpdir);
        cfg.dir = sub;
        cfg.publisher = P;
        ck_assert_int_eq(services_watch_new(&w, &cfg, fake_now), 0);
        ck_assert_uint_eq(services_watch_get_n_published(w), 0);
        /* it appears */
        ck_assert_int_eq(mkdir(sub, 0755), 0);
        snprintf(tmpdir + strlen(tmpdir), sizeof tmpdir - strlen(tmpdir), "/services.d");
        write_file("a.service", GROUP("Alpha", WEB("")));
        ck_assert_int_eq(services_watch_reload(w, fake_now), 0);
        ck_assert_uint_eq(services_watch_get_n_published(w), 1);
        fake_advance(10 * SEC);
        /* it goes: its services are withdrawn */
        remove_file("a.service");
        ck_assert_int_eq(rmdir(sub), 0);
        tmpdir[strlen(tmpdir) - strlen("/services.d")] = '\0';
        from = fake_n_sent;
        ck_assert_int_eq(services_watch_reload(w, fake_now), 0);
        fake_advance(SEC);
        ck_assert_uint_eq(services_watch_get_n_published(w), 0);
        ck_assert_uint_ge(count_sent(from, "Alpha._http._tcp.local", DNS_TYPE_SRV, true), 1);
        services_watch_free(w, fake_now);
}
END_TEST

START_TEST(test_reload_name_moves) {
        struct services_watch_config cfg = { .dir = tmpdir };
        struct services_watch *w;

        write_file("z.service", GROUP("Same", WEB("")));
        cfg.publisher = P;
        ck_assert_int_eq(services_watch_new(&w, &cfg, fake_now), 0);
        fake_advance(10 * SEC);
        /* the group moves to a file earlier by name: no rename (removals are applied first) */
        remove_file("z.service");
        write_file("a.service", GROUP("Same", WEB("")));
        ck_assert_int_eq(services_watch_reload(w, fake_now), 0);
        ck_assert_str_eq(dnssd_pub_get_name(services_watch_find(w, "a.service")), "Same");
        services_watch_free(w, fake_now);
}
END_TEST

static Suite *publish_suite(void) {
        Suite *s = suite_create("dnssd-publish");
        TCase *tc = tcase_create("records");
        TCase *td = tcase_create("reload");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, test_records);
        tcase_add_test(tc, test_srv_txt_probed_together);
        tcase_add_test(tc, test_placeholder);
        tcase_add_test(tc, test_host_name_target_and_wildcard);
        tcase_add_test(tc, test_protocol_and_interfaces);
        tcase_add_test(tc, test_name_alternative);
        tcase_add_test(tc, test_rename_sequence);
        tcase_add_test(tc, test_local_conflict);
        tcase_add_test(tc, test_txt_update_no_probe);
        tcase_add_test(tc, test_change_republishes);
        tcase_add_test(tc, test_shared_enumeration_goodbye);
        tcase_add_test(tc, test_host_rename);
        tcase_add_test(tc, test_host_and_group_conflict_together);
        suite_add_tcase(s, tc);

        tcase_add_checked_fixture(td, dir_setup, dir_teardown);
        tcase_set_timeout(td, 60);
        tcase_add_test(td, test_reload_diff);
        tcase_add_test(td, test_reload_broken_kept);
        tcase_add_test(td, test_reload_missing_folder);
        tcase_add_test(td, test_reload_name_moves);
        suite_add_tcase(s, td);
        return s;
}

int main(void) {
        return unit_run(publish_suite());
}
