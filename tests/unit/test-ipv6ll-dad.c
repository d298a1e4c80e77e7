/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The IPv6 address follower (dad.h) fed netlink-like events: DAD states and their transitions
 * (RFC 4862 §5.4), how each address was formed, and the addr_gen_mode none report. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include "ipv6ll/dad.h"
#include "test-ipv6ll-common.h"
#include "log.h"

#define T0 (1000 * USEC_PER_SEC)

static struct ipv6ll_dad *d;
static struct ipv6ll_dad_events evs;

static void setup(void) {
        struct netlink_link l = test_link("eth0", IFF_UP | IFF_RUNNING | IFF_MULTICAST, IN6_ADDR_GEN_MODE_EUI64);

        ck_assert_int_eq(ipv6ll_dad_new(&d, "eth0"), 0);
        ipv6ll_dad_update_link(d, &l, &evs);
        ck_assert_uint_eq(evs.n, 0);
}

static void teardown(void) {
        ipv6ll_dad_free(d);
        d = NULL;
}

static void feed(enum netlink_event ev, const char *addr, uint8_t plen, uint32_t flags, usec_t now) {
        struct netlink_addr a = test_addr(addr, plen, flags);

        ck_assert_int_eq(ipv6ll_dad_apply_addr(d, ev, &a, now, &evs), 0);
}

static void expect1(enum ipv6ll_dad_event_kind kind, enum ipv6ll_dad_state old, enum ipv6ll_dad_state now) {
        ck_assert_uint_eq(evs.n, 1);
        ck_assert_str_eq(ipv6ll_dad_event_kind_to_string(evs.ev[0].kind), ipv6ll_dad_event_kind_to_string(kind));
        ck_assert_int_eq(evs.ev[0].old_state, old);
        ck_assert_int_eq(evs.ev[0].addr.state, now);
}

static const struct ipv6ll_addr *get(const char *s) {
        struct in6_addr a = test_in6(s);

        return ipv6ll_dad_find(d, &a);
}

START_TEST(test_eui64) {
        static const uint8_t mac6[6] = TEST_MAC, eui8[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
        uint8_t iid[8];

        ck_assert(ipv6ll_eui64_from_mac(mac6, 6, iid));
        ck_assert_mem_eq(iid, ((uint8_t[]) { 0x00, 0x5a, 0x43, 0xff, 0xfe, 0x00, 0x00, 0x01 }), 8);
        ck_assert(ipv6ll_eui64_from_mac(eui8, 8, iid));
        ck_assert_mem_eq(iid, ((uint8_t[]) { 3, 2, 3, 4, 5, 6, 7, 8 }), 8);
        ck_assert(!ipv6ll_eui64_from_mac(mac6, 4, iid));
        ck_assert(!ipv6ll_eui64_from_mac(NULL, 6, iid));
}
END_TEST

START_TEST(test_tentative_then_valid) {
        /* RFC 4862 §5.4: tentative while DAD runs, then valid */
        feed(NETLINK_NEW, "fe80::1234", 64, IFA_F_TENTATIVE | IFA_F_PERMANENT, T0);
        expect1(IPV6LL_DAD_EVENT_NEW, IPV6LL_DAD_TENTATIVE, IPV6LL_DAD_TENTATIVE);
        ck_assert(evs.ev[0].addr.link_local);
        ck_assert_int_eq(evs.ev[0].addr.origin, IPV6LL_ORIGIN_MANUAL);
        /* the same again: nothing new */
        feed(NETLINK_NEW, "fe80::1234", 64, IFA_F_TENTATIVE | IFA_F_PERMANENT, T0 + 1);
        ck_assert_uint_eq(evs.n, 0);
        feed(NETLINK_NEW, "fe80::1234", 64, IFA_F_PERMANENT, T0 + USEC_PER_SEC);
        expect1(IPV6LL_DAD_EVENT_DAD_PASSED, IPV6LL_DAD_TENTATIVE, IPV6LL_DAD_VALID);
        ck_assert_uint_eq(get("fe80::1234")->since, T0 + USEC_PER_SEC);
        ck_assert_ptr_nonnull(ipv6ll_dad_find_link_local(d, IPV6LL_DAD_MASK_USABLE, NULL));
}
END_TEST

START_TEST(test_tentative_then_dadfailed) {
        feed(NETLINK_NEW, "fe80::1234", 64, IFA_F_TENTATIVE | IFA_F_PERMANENT, T0);
        /* RFC 4862 §5.4.5: the kernel keeps TENTATIVE and adds DADFAILED */
        feed(NETLINK_NEW, "fe80::1234", 64, IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_PERMANENT, T0 + 10);
        expect1(IPV6LL_DAD_EVENT_DAD_FAILED, IPV6LL_DAD_TENTATIVE, IPV6LL_DAD_FAILED);
        ck_assert(test_in6_eq(&evs.ev[0].addr.addr, "fe80::1234"));
        ck_assert_ptr_null(ipv6ll_dad_find_link_local(d, IPV6LL_DAD_MASK_USABLE | IPV6LL_DAD_MASK_PENDING, NULL));
        /* reported once: a repeat is not a second failure */
        feed(NETLINK_NEW, "fe80::1234", 64, IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_PERMANENT, T0 + 20);
        ck_assert_uint_eq(evs.n, 0);
}
END_TEST

START_TEST(test_first_seen_dadfailed) {
        /* The kernel announces its own link-local address only after DAD: a failure can be the
         * first news of it. */
        feed(NETLINK_NEW, TEST_EUI64_LL, 64, IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_PERMANENT, T0);
        ck_assert_uint_eq(evs.n, 2);
        ck_assert_int_eq(evs.ev[0].kind, IPV6LL_DAD_EVENT_NEW);
        ck_assert_int_eq(evs.ev[1].kind, IPV6LL_DAD_EVENT_DAD_FAILED);
        ck_assert_int_eq(evs.ev[1].addr.origin, IPV6LL_ORIGIN_EUI64);
        ck_assert_int_eq(evs.ev[1].addr.state, IPV6LL_DAD_FAILED);
}
END_TEST

START_TEST(test_first_seen_valid) {
        feed(NETLINK_NEW, TEST_EUI64_LL, 64, IFA_F_PERMANENT, T0);
        expect1(IPV6LL_DAD_EVENT_NEW, IPV6LL_DAD_VALID, IPV6LL_DAD_VALID);
        ck_assert_int_eq(evs.ev[0].addr.origin, IPV6LL_ORIGIN_EUI64);
        ck_assert(!evs.ev[0].addr.seen_tentative);
}
END_TEST

START_TEST(test_optimistic) {
        /* RFC 4429: optimistic while DAD runs */
        feed(NETLINK_NEW, "2001:db8::5a:43ff:fe00:1", 64, IFA_F_TENTATIVE | IFA_F_OPTIMISTIC, T0);
        expect1(IPV6LL_DAD_EVENT_NEW, IPV6LL_DAD_OPTIMISTIC, IPV6LL_DAD_OPTIMISTIC);
        ck_assert(!evs.ev[0].addr.link_local);
        ck_assert_int_eq(evs.ev[0].addr.origin, IPV6LL_ORIGIN_EUI64); /* SLAAC from the MAC */
        feed(NETLINK_NEW, "2001:db8::5a:43ff:fe00:1", 64, 0, T0 + USEC_PER_SEC);
        expect1(IPV6LL_DAD_EVENT_DAD_PASSED, IPV6LL_DAD_OPTIMISTIC, IPV6LL_DAD_VALID);
        /* and optimistic then failed */
        feed(NETLINK_NEW, "2001:db8::99", 64, IFA_F_TENTATIVE | IFA_F_OPTIMISTIC, T0);
        feed(NETLINK_NEW, "2001:db8::99", 64, IFA_F_TENTATIVE | IFA_F_OPTIMISTIC | IFA_F_DADFAILED, T0 + 1);
        expect1(IPV6LL_DAD_EVENT_DAD_FAILED, IPV6LL_DAD_OPTIMISTIC, IPV6LL_DAD_FAILED);
        ck_assert_int_eq(evs.ev[0].addr.origin, IPV6LL_ORIGIN_DYNAMIC);
}
END_TEST

START_TEST(test_deprecated) {
        feed(NETLINK_NEW, "2001:db8::5a:43ff:fe00:1", 64, 0, T0);
        /* RFC 4862 §5.5.4: preferred lifetime over */
        feed(NETLINK_NEW, "2001:db8::5a:43ff:fe00:1", 64, IFA_F_DEPRECATED, T0 + 1);
        expect1(IPV6LL_DAD_EVENT_CHANGED, IPV6LL_DAD_VALID, IPV6LL_DAD_DEPRECATED);
        feed(NETLINK_NEW, "2001:db8::5a:43ff:fe00:1", 64, 0, T0 + 2); /* a new RA */
        expect1(IPV6LL_DAD_EVENT_CHANGED, IPV6LL_DAD_DEPRECATED, IPV6LL_DAD_VALID);
        /* tentative → deprecated is a pass too */
        feed(NETLINK_NEW, "2001:db8::7", 64, IFA_F_TENTATIVE, T0);
        feed(NETLINK_NEW, "2001:db8::7", 64, IFA_F_DEPRECATED, T0 + 1);
        expect1(IPV6LL_DAD_EVENT_DAD_PASSED, IPV6LL_DAD_TENTATIVE, IPV6LL_DAD_DEPRECATED);
}
END_TEST

START_TEST(test_removal) {
        const struct ipv6ll_addr *all;

        feed(NETLINK_NEW, TEST_EUI64_LL, 64, IFA_F_PERMANENT, T0);
        feed(NETLINK_NEW, "2001:db8::1", 64, IFA_F_PERMANENT, T0);
        ck_assert_uint_eq(ipv6ll_dad_get_addrs(d, &all), 2);
        feed(NETLINK_DEL, TEST_EUI64_LL, 64, IFA_F_PERMANENT, T0 + 1);
        expect1(IPV6LL_DAD_EVENT_LOST, IPV6LL_DAD_VALID, IPV6LL_DAD_VALID);
        ck_assert(test_in6_eq(&evs.ev[0].addr.addr, TEST_EUI64_LL));
        ck_assert_uint_eq(ipv6ll_dad_get_addrs(d, &all), 1);
        ck_assert(test_in6_eq(&all[0].addr, "2001:db8::1"));
        /* a DEL for what we never saw: nothing */
        feed(NETLINK_DEL, "fe80::77", 64, 0, T0 + 2);
        ck_assert_uint_eq(evs.n, 0);
        /* a failed address removed: lost, in its failed state */
        feed(NETLINK_NEW, "fe80::9", 64, IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_PERMANENT, T0);
        feed(NETLINK_DEL, "fe80::9", 64, 0, T0 + 1);
        expect1(IPV6LL_DAD_EVENT_LOST, IPV6LL_DAD_FAILED, IPV6LL_DAD_FAILED);
}
END_TEST

START_TEST(test_origins) {
        struct in6_addr own = test_in6("fe80::abcd:1234:5678:9abc");

        feed(NETLINK_NEW, "fe80::1:2:3:4", 64, IFA_F_STABLE_PRIVACY | IFA_F_PERMANENT, T0);
        ck_assert_int_eq(evs.ev[0].addr.origin, IPV6LL_ORIGIN_STABLE_PRIVACY);
        feed(NETLINK_NEW, "2001:db8::1:2:3:5", 64, IFA_F_TEMPORARY, T0);
        ck_assert_int_eq(evs.ev[0].addr.origin, IPV6LL_ORIGIN_TEMPORARY);
        feed(NETLINK_NEW, "2001:db8::42", 128, 0, T0); /* DHCPv6: lifetimes, not permanent */
        ck_assert_int_eq(evs.ev[0].addr.origin, IPV6LL_ORIGIN_DYNAMIC);
        feed(NETLINK_NEW, "2001:db8::43", 64, IFA_F_PERMANENT, T0);
        ck_assert_int_eq(evs.ev[0].addr.origin, IPV6LL_ORIGIN_MANUAL);

        /* ours: registered before it shows up … */
        ipv6ll_dad_add_own(d, &own, 2);
        feed(NETLINK_NEW, "fe80::abcd:1234:5678:9abc", 64, IFA_F_TENTATIVE | IFA_F_PERMANENT, T0);
        ck_assert_int_eq(evs.ev[0].addr.origin, IPV6LL_ORIGIN_RFC7217);
        ck_assert_uint_eq(evs.ev[0].addr.dad_counter, 2);
        /* … or after (an earlier run added it) */
        ipv6ll_dad_add_own(d, &(struct in6_addr) { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x43 } }, 5);
        ck_assert_int_eq(get("2001:db8::43")->origin, IPV6LL_ORIGIN_RFC7217);
        ck_assert_uint_eq(get("2001:db8::43")->dad_counter, 5);
        ipv6ll_dad_clear_own(d);
        feed(NETLINK_NEW, "2001:db8::43", 64, IFA_F_PERMANENT | IFA_F_DEPRECATED, T0 + 1);
        ck_assert_int_eq(get("2001:db8::43")->origin, IPV6LL_ORIGIN_MANUAL);

        ck_assert_str_eq(ipv6ll_origin_to_string(IPV6LL_ORIGIN_EUI64), "eui64");
        ck_assert_str_eq(ipv6ll_dad_state_to_string(IPV6LL_DAD_FAILED), "dadfailed");
        ck_assert_ptr_null(ipv6ll_origin_to_string(_IPV6LL_ORIGIN_MAX));
        ck_assert_ptr_null(ipv6ll_dad_state_to_string(_IPV6LL_DAD_STATE_MAX));
}
END_TEST

START_TEST(test_addr_gen_mode_none_reported) {
        struct netlink_link l = test_link("eth0", IFF_UP, IN6_ADDR_GEN_MODE_NONE);

        /* the kernel was told to make no link-local address: reported, once */
        ipv6ll_dad_update_link(d, &l, &evs);
        ck_assert_uint_eq(evs.n, 1);
        ck_assert_int_eq(evs.ev[0].kind, IPV6LL_DAD_EVENT_NO_LINK_LOCAL);
        ck_assert_int_eq(ipv6ll_dad_get_addr_gen_mode(d), IN6_ADDR_GEN_MODE_NONE);
        ipv6ll_dad_update_link(d, &l, &evs);
        ck_assert_uint_eq(evs.n, 0);
        /* back to EUI-64 and to none again: reported again */
        l.addr_gen_mode = IN6_ADDR_GEN_MODE_EUI64;
        ipv6ll_dad_update_link(d, &l, &evs);
        ck_assert_uint_eq(evs.n, 0);
        l.addr_gen_mode = IN6_ADDR_GEN_MODE_NONE;
        ipv6ll_dad_update_link(d, &l, &evs);
        ck_assert_uint_eq(evs.n, 1);
        /* a link without IPv6 at all is not that */
        l.addr_gen_mode = -1;
        ipv6ll_dad_update_link(d, &l, &evs);
        ck_assert_uint_eq(evs.n, 0);
}
END_TEST

START_TEST(test_ipv4_and_bad_events) {
        struct netlink_addr a = test_addr("fe80::1", 64, 0);

        a.family = AF_INET;
        ck_assert_int_eq(ipv6ll_dad_apply_addr(d, NETLINK_NEW, &a, T0, &evs), 0);
        ck_assert_uint_eq(evs.n, 0);
        a.family = AF_INET6;
        a.prefixlen = 129;
        ck_assert_int_eq(ipv6ll_dad_apply_addr(d, NETLINK_NEW, &a, T0, &evs), -EINVAL);
        ck_assert_int_eq(ipv6ll_dad_apply_addr(d, NETLINK_NEW, NULL, T0, &evs), -EINVAL);
        ck_assert_uint_eq(ipv6ll_dad_get_addrs(d, NULL), 0);
}
END_TEST

START_TEST(test_bounded) {
        char s[64];

        for (int i = 0; i < IPV6LL_DAD_ADDRS_MAX; i++) {
                snprintf(s, sizeof s, "2001:db8::%x", i + 1);
                feed(NETLINK_NEW, s, 64, 0, T0);
        }
        {
                struct netlink_addr a = test_addr("2001:db8::ffff", 64, 0);

                ck_assert_int_eq(ipv6ll_dad_apply_addr(d, NETLINK_NEW, &a, T0, &evs), -E2BIG);
                ck_assert_uint_eq(evs.n, 0);
        }
        ck_assert_uint_eq(ipv6ll_dad_get_addrs(d, NULL), IPV6LL_DAD_ADDRS_MAX);
        /* the own list forgets the oldest */
        for (uint32_t c = 0; c < IPV6LL_DAD_OWN_MAX + 2; c++) {
                struct in6_addr a = test_in6("fe80::1");

                a.s6_addr[15] = (uint8_t) (c + 1);
                ipv6ll_dad_add_own(d, &a, c);
        }
}
END_TEST

int main(void) {
        Suite *s = suite_create("ipv6ll-dad");
        TCase *tc = tcase_create("follower");
        SRunner *sr;
        int failed;

        log_set_target(LOG_TARGET_NONE);
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_eui64);
        tcase_add_test(tc, test_tentative_then_valid);
        tcase_add_test(tc, test_tentative_then_dadfailed);
        tcase_add_test(tc, test_first_seen_dadfailed);
        tcase_add_test(tc, test_first_seen_valid);
        tcase_add_test(tc, test_optimistic);
        tcase_add_test(tc, test_deprecated);
        tcase_add_test(tc, test_removal);
        tcase_add_test(tc, test_origins);
        tcase_add_test(tc, test_addr_gen_mode_none_reported);
        tcase_add_test(tc, test_ipv4_and_bad_events);
        tcase_add_test(tc, test_bounded);
        suite_add_tcase(s, tc);
        sr = srunner_create(s);
        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
