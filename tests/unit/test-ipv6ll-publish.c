/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What mDNS publishes of the IPv6 addresses as their DAD state changes (RFC 4862 §5.4, §5.5.4;
 * RFC 6762 §10.1): the interface table fed netlink-like flag changes, the host's records
 * (host-records.c) synced after each one like the daemon does, on a fake link with a fake clock.
 * Only valid addresses are answered; an address that goes dadfailed or is removed gets a
 * goodbye (TTL 0); a deprecated one is answered only while no preferred one exists. */
#include <check.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <net/if.h>

#include "iface.h"
#include "mdns-fake.h"
#include "mdns/host-records.h"
#include "unit.h"

#define ETH0 2
#define HOST "board.local"

static struct iface_table table;
static struct iface *eth0;
static struct host_records *H;

/* One netlink address event, then what the daemon does on a change (main.c on_addr). */
static void addr_event(enum netlink_event ev, const char *text, uint32_t flags) {
        struct netlink_addr a = { .ifindex = ETH0, .family = AF_INET6, .prefixlen = 64, .flags = flags };

        ck_assert_int_eq(inet_pton(AF_INET6, text, &a.addr), 1);
        if (iface_table_apply_addr(&table, ev, &a) > 0)
                host_records_sync_iface(H, eth0, true, fake_now);
}

static void setup(void) {
        struct netlink_link l = { .ifindex = ETH0, .flags = IFF_UP | IFF_RUNNING | IFF_MULTICAST, .mtu = 1500 };
        struct host_records_config hc = { .label = "board", .no_reverse = true };

        fake_setup();
        strcpy(l.name, "eth0");
        iface_table_init(&table);
        eth0 = iface_table_apply_link(&table, &l);
        ck_assert_ptr_nonnull(eth0);
        ck_assert_int_eq(registry_link_add(R, ETH0, AF_INET6, "eth0", 1452, fake_now), 0);
        ck_assert_int_eq(host_records_new(&H, R, &hc, fake_now), 0);
        addr_event(NETLINK_NEW, "fe80::1", 0);
        fake_advance(10 * USEC_PER_SEC); /* probed and announced */
        ck_assert_int_eq(host_records_get_state(H), REG_GROUP_ESTABLISHED);
}

static void teardown(void) {
        host_records_free(H, fake_now);
        H = NULL;
        fake_teardown();
        iface_table_clear(&table);
}

/* Is this AAAA answered for board.local on eth0? */
static bool answered(const char *text) {
        struct dns_name n = fake_name(HOST);
        struct in6_addr want;
        struct reg_lookup it;
        struct reg_answer a;

        ck_assert_int_eq(inet_pton(AF_INET6, text, &want), 1);
        registry_lookup_init(&it, R, &n, DNS_TYPE_AAAA, DNS_CLASS_IN, ETH0, AF_INET6);
        while (registry_lookup_next(&it, &a))
                if (a.rr->rdlength == 16 && memcmp(a.rr->rdata, &want, 16) == 0)
                        return true;
        return false;
}

/* AAAA records for the address in the answers of the packets sent since packet `from`, with
 * TTL 0 (goodbyes) or not. */
static unsigned sent_aaaa(size_t from, const char *text, bool goodbye) {
        struct dns_name n = fake_name(HOST);
        struct in6_addr want;
        unsigned c = 0;

        ck_assert_int_eq(inet_pton(AF_INET6, text, &want), 1);
        for (size_t k = from; k < fake_n_sent; k++) {
                const struct dns_msg *m = fake_parse(k);
                uint16_t cnt;
                const struct dns_rr *rrs = dns_msg_section(m, DNS_SECTION_ANSWER, &cnt);

                if (!(m->flags & DNS_FLAG_QR))
                        continue;
                for (uint16_t j = 0; j < cnt; j++)
                        if (rrs[j].type == DNS_TYPE_AAAA && dns_name_equal(&rrs[j].name, &n) &&
                            rrs[j].rdlength == 16 && memcmp(rrs[j].rdata, &want, 16) == 0 &&
                            (rrs[j].ttl == 0) == goodbye)
                                c++;
        }
        return c;
}

START_TEST(test_tentative_then_valid) {
        size_t mark = fake_n_sent;

        /* RFC 4862 §5.4: tentative is not ours yet: neither answered nor announced */
        addr_event(NETLINK_NEW, "fd00::5", IFA_F_TENTATIVE);
        addr_event(NETLINK_NEW, "fe80::7", IFA_F_TENTATIVE | IFA_F_OPTIMISTIC);
        fake_advance(5 * USEC_PER_SEC);
        ck_assert(!answered("fd00::5"));
        ck_assert(!answered("fe80::7"));
        ck_assert_uint_eq(sent_aaaa(mark, "fd00::5", false), 0);
        ck_assert_uint_eq(sent_aaaa(mark, "fe80::7", false), 0);
        ck_assert(answered("fe80::1"));
        /* DAD passes: answered and announced (RFC 6762 §8.3) */
        addr_event(NETLINK_NEW, "fd00::5", 0);
        fake_advance(5 * USEC_PER_SEC);
        ck_assert(answered("fd00::5"));
        ck_assert_uint_ge(sent_aaaa(mark, "fd00::5", false), 1);
        ck_assert(!answered("fe80::7"));
}
END_TEST

START_TEST(test_dadfailed_gets_goodbye) {
        size_t mark;

        addr_event(NETLINK_NEW, "fe80::2", IFA_F_TENTATIVE);
        addr_event(NETLINK_NEW, "fe80::2", 0);
        fake_advance(5 * USEC_PER_SEC);
        ck_assert(answered("fe80::2"));
        /* the kernel marks it dadfailed later (e.g. after the link came up again): RFC 6762 §10.1 */
        mark = fake_n_sent;
        addr_event(NETLINK_NEW, "fe80::2", IFA_F_TENTATIVE | IFA_F_DADFAILED);
        fake_advance(2 * USEC_PER_SEC);
        ck_assert(!answered("fe80::2"));
        ck_assert_uint_ge(sent_aaaa(mark, "fe80::2", true), 1);
        ck_assert_uint_eq(sent_aaaa(mark, "fe80::2", false), 0);
        /* first seen dadfailed: never answered, never announced */
        mark = fake_n_sent;
        addr_event(NETLINK_NEW, "fe80::3", IFA_F_TENTATIVE | IFA_F_DADFAILED);
        fake_advance(5 * USEC_PER_SEC);
        ck_assert(!answered("fe80::3"));
        ck_assert_uint_eq(sent_aaaa(mark, "fe80::3", false) + sent_aaaa(mark, "fe80::3", true), 0);
        ck_assert(answered("fe80::1"));
}
END_TEST

START_TEST(test_removed_gets_goodbye) {
        size_t mark = fake_n_sent;

        addr_event(NETLINK_DEL, "fe80::1", 0);
        fake_advance(2 * USEC_PER_SEC);
        ck_assert(!answered("fe80::1"));
        ck_assert_uint_ge(sent_aaaa(mark, "fe80::1", true), 1);
        ck_assert_uint_eq(host_records_get_n_addresses(H), 0);
}
END_TEST

START_TEST(test_deprecated_only_without_preferred) {
        size_t mark = fake_n_sent;

        /* RFC 4862 §5.5.4: fe80::1 is preferred, so a deprecated address is not published */
        addr_event(NETLINK_NEW, "fd00::9", IFA_F_DEPRECATED);
        fake_advance(5 * USEC_PER_SEC);
        ck_assert(!answered("fd00::9"));
        ck_assert_uint_eq(sent_aaaa(mark, "fd00::9", false), 0);
        /* an address that was published goes deprecated while a preferred one exists: goodbye */
        addr_event(NETLINK_NEW, "fd00::5", 0);
        fake_advance(5 * USEC_PER_SEC);
        ck_assert(answered("fd00::5"));
        mark = fake_n_sent;
        addr_event(NETLINK_NEW, "fd00::5", IFA_F_DEPRECATED);
        fake_advance(2 * USEC_PER_SEC);
        ck_assert(!answered("fd00::5"));
        ck_assert_uint_ge(sent_aaaa(mark, "fd00::5", true), 1);
        ck_assert(answered("fe80::1"));
        /* the last preferred one goes: the deprecated ones are all that is left, and published */
        mark = fake_n_sent;
        addr_event(NETLINK_DEL, "fe80::1", 0);
        fake_advance(5 * USEC_PER_SEC);
        ck_assert(!answered("fe80::1"));
        ck_assert(answered("fd00::5"));
        ck_assert(answered("fd00::9"));
        ck_assert_uint_ge(sent_aaaa(mark, "fd00::9", false), 1);
        /* a tentative address is not preferred yet: the deprecated ones stay */
        addr_event(NETLINK_NEW, "fe80::4", IFA_F_TENTATIVE);
        fake_advance(5 * USEC_PER_SEC);
        ck_assert(answered("fd00::9"));
        ck_assert(!answered("fe80::4"));
        /* it passes DAD: preferred again, the deprecated ones get goodbyes */
        mark = fake_n_sent;
        addr_event(NETLINK_NEW, "fe80::4", 0);
        fake_advance(5 * USEC_PER_SEC);
        ck_assert(answered("fe80::4"));
        ck_assert(!answered("fd00::5"));
        ck_assert(!answered("fd00::9"));
        ck_assert_uint_ge(sent_aaaa(mark, "fd00::5", true), 1);
        ck_assert_uint_ge(sent_aaaa(mark, "fd00::9", true), 1);
}
END_TEST

START_TEST(test_published_rule_per_family) {
        struct netlink_addr v4 = { .ifindex = ETH0, .family = AF_INET, .prefixlen = 16, .flags = IFA_F_DEPRECATED };
        const struct iface_addr *dep4 = NULL, *ll = NULL;

        /* an IPv6 preferred address does not hide a deprecated IPv4 one (only one of its family) */
        ck_assert_int_eq(inet_pton(AF_INET, "169.254.3.4", &v4.addr), 1);
        ck_assert_int_eq(iface_table_apply_addr(&table, NETLINK_NEW, &v4), 1);
        for (size_t k = 0; k < eth0->n_addrs; k++) {
                if (eth0->addrs[k].family == AF_INET)
                        dep4 = &eth0->addrs[k];
                else
                        ll = &eth0->addrs[k];
        }
        ck_assert_ptr_nonnull(dep4);
        ck_assert_ptr_nonnull(ll);
        ck_assert(iface_addr_is_published(eth0, dep4));
        ck_assert(iface_addr_is_published(eth0, ll));
}
END_TEST

static Suite *suite(void) {
        Suite *s = suite_create("ipv6ll-publish");
        TCase *tc = tcase_create("core");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_tentative_then_valid);
        tcase_add_test(tc, test_dadfailed_gets_goodbye);
        tcase_add_test(tc, test_removed_gets_goodbye);
        tcase_add_test(tc, test_deprecated_only_without_preferred);
        tcase_add_test(tc, test_published_rule_per_family);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        return unit_run(suite());
}
