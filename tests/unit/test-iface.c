/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The interface table: netlink events applied, RFC 4862 usable addresses, RFC 6762 §11 on-link. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iface.h"
#include "log.h"
#include "unit.h"

static struct netlink_link make_link(int ifindex, const char *name, unsigned flags) {
        struct netlink_link l = { .ifindex = ifindex, .flags = flags, .arptype = ARPHRD_ETHER, .mtu = 1500 };

        snprintf(l.name, sizeof l.name, "%s", name);
        l.hwaddr_len = 6;
        memcpy(l.hwaddr, "\x02\x00\x00\x00\x00\x01", 6);
        return l;
}

static struct netlink_addr make_addr(int ifindex, int family, const char *text, unsigned prefixlen, uint32_t flags) {
        struct netlink_addr a = { .ifindex = ifindex, .family = family, .prefixlen = (uint8_t) prefixlen, .flags = flags };

        ck_assert_int_eq(inet_pton(family, text, &a.addr), 1);
        return a;
}

static union in_addr_union addr_of(int family, const char *text) {
        union in_addr_union u;

        ck_assert_int_eq(inet_pton(family, text, &u), 1);
        return u;
}

START_TEST(test_link_and_addresses_follow_events) {
        struct iface_table t;
        struct netlink_link l = make_link(2, "eth0", IFF_UP | IFF_RUNNING | IFF_MULTICAST);
        struct netlink_addr a = make_addr(2, AF_INET, "192.168.7.10", 24, 0);
        struct iface *i;

        iface_table_init(&t);
        i = iface_table_apply_link(&t, &l);
        ck_assert_ptr_nonnull(i);
        ck_assert_str_eq(i->name, "eth0");
        ck_assert(iface_is_mdns_capable(i));
        ck_assert_int_eq(iface_table_apply_addr(&t, NETLINK_NEW, &a), 1);
        ck_assert_int_eq(iface_table_apply_addr(&t, NETLINK_NEW, &a), 0); /* unchanged */
        a.flags = IFA_F_DEPRECATED;
        ck_assert_int_eq(iface_table_apply_addr(&t, NETLINK_NEW, &a), 1); /* flags changed */
        ck_assert_uint_eq(i->n_addrs, 1);
        ck_assert_int_eq(iface_table_apply_addr(&t, NETLINK_DEL, &a), 1);
        ck_assert_uint_eq(i->n_addrs, 0);
        ck_assert_int_eq(iface_table_apply_addr(&t, NETLINK_DEL, &a), 0);

        /* an address for a link we do not know is refused, not crashed on */
        a.ifindex = 99;
        ck_assert_int_eq(iface_table_apply_addr(&t, NETLINK_NEW, &a), -ENODEV);
        /* a bad prefix length or family is refused */
        a.ifindex = 2;
        a.prefixlen = 33;
        ck_assert_int_eq(iface_table_apply_addr(&t, NETLINK_NEW, &a), -EINVAL);
        a.family = AF_UNIX;
        ck_assert_int_eq(iface_table_apply_addr(&t, NETLINK_NEW, &a), -EAFNOSUPPORT);

        iface_table_remove(&t, 2);
        ck_assert_ptr_null(iface_table_find(&t, 2));
        iface_table_clear(&t);
}
END_TEST

START_TEST(test_invalid_link_refused) {
        struct iface_table t;
        struct netlink_link l = make_link(0, "bad", IFF_UP);

        iface_table_init(&t);
        ck_assert_ptr_null(iface_table_apply_link(&t, &l));
        l.ifindex = 3;
        l.hwaddr_len = 200;
        ck_assert_ptr_null(iface_table_apply_link(&t, &l));
        iface_table_clear(&t);
}
END_TEST

START_TEST(test_mdns_capability) {
        struct iface i = { .flags = IFF_UP | IFF_RUNNING | IFF_MULTICAST };

        ck_assert(iface_is_mdns_capable(&i));
        i.flags |= IFF_LOOPBACK;
        ck_assert(!iface_is_mdns_capable(&i));
        i.flags = IFF_UP | IFF_MULTICAST; /* no carrier */
        ck_assert(!iface_is_mdns_capable(&i));
        i.flags = IFF_UP | IFF_RUNNING; /* no multicast */
        ck_assert(!iface_is_mdns_capable(&i));
}
END_TEST

START_TEST(test_usable_excludes_tentative_and_dadfailed) {
        struct iface_addr a = { .family = AF_INET6 };

        ck_assert(iface_addr_is_usable(&a));
        a.flags = IFA_F_TENTATIVE;
        ck_assert(!iface_addr_is_usable(&a));
        a.flags = IFA_F_DADFAILED | IFA_F_TENTATIVE;
        ck_assert(!iface_addr_is_usable(&a));
        a.flags = IFA_F_DEPRECATED;
        ck_assert(iface_addr_is_usable(&a));
}
END_TEST

START_TEST(test_onlink_rules) {
        struct iface_table t;
        struct netlink_link l = make_link(2, "eth0", IFF_UP | IFF_RUNNING | IFF_MULTICAST);
        struct netlink_addr a4 = make_addr(2, AF_INET, "192.168.7.10", 24, 0);
        struct netlink_addr a6 = make_addr(2, AF_INET6, "2001:db8:1::10", 64, 0);
        union in_addr_union u;
        struct iface *i;

        iface_table_init(&t);
        i = iface_table_apply_link(&t, &l);
        ck_assert_int_eq(iface_table_apply_addr(&t, NETLINK_NEW, &a4), 1);
        ck_assert_int_eq(iface_table_apply_addr(&t, NETLINK_NEW, &a6), 1);

        u = addr_of(AF_INET, "192.168.7.200");
        ck_assert(iface_is_onlink(i, AF_INET, &u));
        u = addr_of(AF_INET, "192.168.8.1");
        ck_assert(!iface_is_onlink(i, AF_INET, &u));
        u = addr_of(AF_INET, "169.254.3.4"); /* IPv4 link-local is always on-link */
        ck_assert(iface_is_onlink(i, AF_INET, &u));
        u = addr_of(AF_INET, "10.0.0.1");
        ck_assert(!iface_is_onlink(i, AF_INET, &u));
        u = addr_of(AF_INET6, "fe80::1");
        ck_assert(iface_is_onlink(i, AF_INET6, &u));
        u = addr_of(AF_INET6, "2001:db8:1::99");
        ck_assert(iface_is_onlink(i, AF_INET6, &u));
        u = addr_of(AF_INET6, "2001:db8:2::99");
        ck_assert(!iface_is_onlink(i, AF_INET6, &u));
        /* an odd prefix length compares only the prefix bits */
        a4 = make_addr(2, AF_INET, "10.1.2.3", 13, 0);
        ck_assert_int_eq(iface_table_apply_addr(&t, NETLINK_NEW, &a4), 1);
        u = addr_of(AF_INET, "10.7.255.255");
        ck_assert(iface_is_onlink(i, AF_INET, &u));
        u = addr_of(AF_INET, "10.8.0.0");
        ck_assert(!iface_is_onlink(i, AF_INET, &u));

        u = addr_of(AF_INET, "192.168.7.10");
        ck_assert(iface_has_addr(i, AF_INET, &u));
        u = addr_of(AF_INET, "192.168.7.11");
        ck_assert(!iface_has_addr(i, AF_INET, &u));
        iface_table_clear(&t);
}
END_TEST

int main(void) {
        Suite *s = suite_create("iface");
        TCase *tc = tcase_create("core");

        log_set_target(LOG_TARGET_NONE);
        tcase_add_test(tc, test_link_and_addresses_follow_events);
        tcase_add_test(tc, test_invalid_link_refused);
        tcase_add_test(tc, test_mdns_capability);
        tcase_add_test(tc, test_usable_excludes_tentative_and_dadfailed);
        tcase_add_test(tc, test_onlink_rules);
        suite_add_tcase(s, tc);
        return unit_run(s);
}
