/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The IPv6 link-local policy (ipv6ll.h) with a fake clock: what a DAD failure of the link-local
 * address leads to (RFC 4862 §5.4.5; RFC 7217 §6 with IDGEN_RETRIES and IDGEN_DELAY). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include "ipv6ll/ipv6ll.h"
#include "test-ipv6ll-common.h"
#include "log.h"

/* Restated, so that the tests check the code against the numbers (Linux's idgen defaults) */
#define T_IDGEN_RETRIES 3
#define T_IDGEN_DELAY (1 * USEC_PER_SEC)
#define T0 (5000 * USEC_PER_SEC)

static uint8_t key[RFC7217_SECRET_KEY_SIZE], other_key[RFC7217_SECRET_KEY_SIZE];
static struct ipv6ll *l;
static struct ipv6ll_actions acts;

static struct ipv6ll *make(const char *ifname, bool regenerate, const uint8_t *k) {
        struct ipv6ll_config cfg = {
                .ifname = ifname,
                .regenerate = regenerate,
                .secret_key = k,
                .secret_key_len = k ? RFC7217_SECRET_KEY_SIZE : 0,
        };
        struct netlink_link link = test_link(ifname, IFF_UP | IFF_RUNNING | IFF_MULTICAST, IN6_ADDR_GEN_MODE_EUI64);
        struct ipv6ll *x = NULL;

        ck_assert_int_eq(ipv6ll_new(&x, &cfg), 0);
        ck_assert_int_eq(ipv6ll_handle_link(x, &link, T0, &acts), 0);
        ck_assert_uint_eq(acts.n, 0);
        return x;
}

static void setup(void) {
        for (size_t i = 0; i < sizeof key; i++) {
                key[i] = (uint8_t) (0xa0 + i);
                other_key[i] = (uint8_t) (0x10 + i);
        }
}

static void teardown(void) {
        ipv6ll_free(l);
        l = NULL;
}

static void feed_on(struct ipv6ll *x, enum netlink_event ev, const char *addr, uint32_t flags, usec_t now) {
        struct netlink_addr a = test_addr(addr, 64, flags);

        ck_assert_int_eq(ipv6ll_handle_addr(x, ev, &a, now, &acts), 0);
}

static void feed_in6(enum netlink_event ev, const struct in6_addr *in6, uint32_t flags, usec_t now) {
        struct netlink_addr a = test_addr("fe80::", 64, flags);

        a.addr.in6 = *in6;
        ck_assert_int_eq(ipv6ll_handle_addr(l, ev, &a, now, &acts), 0);
}

static void feed(enum netlink_event ev, const char *addr, uint32_t flags, usec_t now) {
        feed_on(l, ev, addr, flags, now);
}

static size_t count(enum ipv6ll_action_kind kind) {
        size_t n = 0;

        for (size_t k = 0; k < acts.n; k++)
                n += acts.a[k].kind == kind;
        return n;
}

static const struct ipv6ll_action *find(enum ipv6ll_action_kind kind) {
        for (size_t k = 0; k < acts.n; k++)
                if (acts.a[k].kind == kind)
                        return &acts.a[k];
        return NULL;
}

static enum ipv6ll_state state(void) {
        struct ipv6ll_status st;

        ipv6ll_get_status(l, &st);
        return st.state;
}

static struct in6_addr expected(const char *ifname, const uint8_t *k, uint32_t counter) {
        struct rfc7217_input in = {
                .prefix = test_in6("fe80::"),
                .net_iface = ifname,
                .dad_counter = counter,
                .secret_key = k,
                .secret_key_len = RFC7217_SECRET_KEY_SIZE,
        };
        struct in6_addr a;
        uint32_t c;

        ck_assert_int_eq(rfc7217_generate(&in, NULL, NULL, &a, &c), 0);
        ck_assert_uint_eq(c, counter); /* no reserved ID among the first ones for this key */
        return a;
}

#define DADFAILED (IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_PERMANENT)

START_TEST(test_regeneration_off_reports_only) {
        const struct ipv6ll_action *a;
        struct ipv6ll_status st;

        l = make("eth0", false, key);
        feed(NETLINK_NEW, TEST_EUI64_LL, DADFAILED, T0);
        /* reported: the address, how it was made */
        ck_assert_uint_eq(count(IPV6LL_ACTION_DAD_FAILED), 1);
        a = find(IPV6LL_ACTION_DAD_FAILED);
        ck_assert(test_in6_eq(&a->addr, TEST_EUI64_LL));
        ck_assert_int_eq(a->origin, IPV6LL_ORIGIN_EUI64);
        ck_assert(a->link_local);
        /* RFC 4862 §5.4.5: no replacement, nothing removed; waits for the administrator */
        ck_assert_uint_eq(count(IPV6LL_ACTION_ADD_ADDRESS), 0);
        ck_assert_uint_eq(count(IPV6LL_ACTION_REMOVE_ADDRESS), 0);
        ck_assert_uint_eq(ipv6ll_next_timeout(l), USEC_INFINITY);
        ipv6ll_get_status(l, &st);
        ck_assert_int_eq(st.state, IPV6LL_STATE_FAILED);
        ck_assert_int_eq(st.failure, IPV6LL_FAILURE_REGENERATION_OFF);
        ck_assert(st.has_failed && test_in6_eq(&st.failed, TEST_EUI64_LL));
        ck_assert_int_eq(ipv6ll_handle_timeout(l, T0 + 10 * USEC_PER_SEC, &acts), 0);
        ck_assert_uint_eq(acts.n, 0);

        /* the administrator adds one: it runs DAD, passes, and the link is fine again */
        feed(NETLINK_NEW, "fe80::1", IFA_F_TENTATIVE | IFA_F_PERMANENT, T0 + 20 * USEC_PER_SEC);
        ck_assert_int_eq(state(), IPV6LL_STATE_FAILED);
        feed(NETLINK_NEW, "fe80::1", IFA_F_PERMANENT, T0 + 21 * USEC_PER_SEC);
        ck_assert_int_eq(state(), IPV6LL_STATE_IDLE);
        ck_assert_uint_eq(count(IPV6LL_ACTION_STATE_CHANGED), 1);
}
END_TEST

START_TEST(test_regenerate_after_delay) {
        struct in6_addr want = expected("eth0", key, 0);
        const struct ipv6ll_action *a;
        struct ipv6ll_status st;

        l = make("eth0", true, key);
        feed(NETLINK_NEW, TEST_EUI64_LL, DADFAILED, T0);
        ck_assert_uint_eq(count(IPV6LL_ACTION_DAD_FAILED), 1);
        ck_assert_uint_eq(count(IPV6LL_ACTION_ADD_ADDRESS), 0);
        ck_assert_int_eq(state(), IPV6LL_STATE_WAITING);
        /* IDGEN_DELAY, exactly */
        ck_assert_uint_eq(ipv6ll_next_timeout(l), T0 + T_IDGEN_DELAY);
        ck_assert_int_eq(ipv6ll_handle_timeout(l, T0 + T_IDGEN_DELAY - 1, &acts), 0);
        ck_assert_uint_eq(acts.n, 0);
        ck_assert_int_eq(ipv6ll_handle_timeout(l, T0 + T_IDGEN_DELAY, &acts), 0);

        /* RFC 7217 §5/§6: the replacement is fe80:: + F(prefix, eth0, "", 0, key); the failed
         * EUI-64 address goes, after the new one is added */
        ck_assert_uint_eq(count(IPV6LL_ACTION_ADD_ADDRESS), 1);
        ck_assert_uint_eq(count(IPV6LL_ACTION_REMOVE_ADDRESS), 1);
        ck_assert_int_eq(acts.a[0].kind, IPV6LL_ACTION_ADD_ADDRESS);
        a = find(IPV6LL_ACTION_ADD_ADDRESS);
        ck_assert_mem_eq(&a->addr, &want, sizeof want);
        ck_assert_uint_eq(a->dad_counter, 0);
        ck_assert(test_in6_eq(&find(IPV6LL_ACTION_REMOVE_ADDRESS)->addr, TEST_EUI64_LL));
        ck_assert_int_eq(state(), IPV6LL_STATE_PROBING);
        ck_assert_uint_eq(ipv6ll_next_timeout(l), USEC_INFINITY);

        /* the kernel runs DAD on it (announced tentative), removes the failed one, DAD passes */
        feed_in6(NETLINK_NEW, &want, IFA_F_TENTATIVE | IFA_F_PERMANENT, T0 + T_IDGEN_DELAY);
        ck_assert_int_eq(find(IPV6LL_ACTION_ADDRS_CHANGED)->dad_event.addr.origin, IPV6LL_ORIGIN_RFC7217);
        feed(NETLINK_DEL, TEST_EUI64_LL, DADFAILED, T0 + T_IDGEN_DELAY);
        ck_assert_int_eq(state(), IPV6LL_STATE_PROBING);
        feed_in6(NETLINK_NEW, &want, IFA_F_PERMANENT, T0 + 2 * T_IDGEN_DELAY);
        ck_assert_int_eq(find(IPV6LL_ACTION_ADDRS_CHANGED)->dad_event.kind, IPV6LL_DAD_EVENT_DAD_PASSED);
        ck_assert_int_eq(state(), IPV6LL_STATE_IDLE);
        ipv6ll_get_status(l, &st);
        ck_assert(st.has_replacement);
        ck_assert_mem_eq(&st.replacement, &want, sizeof want);
        ck_assert_uint_eq(st.attempts, 1);
        ck_assert_uint_eq(st.dad_counter, 1);
}
END_TEST

START_TEST(test_retries_then_give_up) {
        struct in6_addr added[T_IDGEN_RETRIES];
        struct ipv6ll_status st;
        usec_t t = T0;

        l = make("eth0", true, key);
        feed(NETLINK_NEW, TEST_EUI64_LL, DADFAILED, t);
        for (unsigned i = 0; i < T_IDGEN_RETRIES; i++) {
                struct in6_addr want = expected("eth0", key, i);
                const struct ipv6ll_action *a;

                ck_assert_int_eq(state(), IPV6LL_STATE_WAITING);
                ck_assert_uint_eq(ipv6ll_next_timeout(l), t + T_IDGEN_DELAY);
                t += T_IDGEN_DELAY;
                ck_assert_int_eq(ipv6ll_handle_timeout(l, t, &acts), 0);
                a = find(IPV6LL_ACTION_ADD_ADDRESS);
                ck_assert_ptr_nonnull(a);
                /* RFC 7217 §6: DAD_Counter + 1 with each conflict */
                ck_assert_uint_eq(a->dad_counter, i);
                ck_assert_mem_eq(&a->addr, &want, sizeof want);
                added[i] = a->addr;
                for (unsigned j = 0; j < i; j++)
                        ck_assert(memcmp(&added[j], &a->addr, sizeof a->addr) != 0);
                /* the failed one before it is removed (the EUI-64 one, then ours) */
                ck_assert_uint_eq(count(IPV6LL_ACTION_REMOVE_ADDRESS), 1);
                if (i > 0) {
                        ck_assert_mem_eq(&find(IPV6LL_ACTION_REMOVE_ADDRESS)->addr, &added[i - 1], sizeof a->addr);
                        feed_in6(NETLINK_DEL, &added[i - 1], DADFAILED, t);
                }
                feed_in6(NETLINK_NEW, &a->addr, IFA_F_TENTATIVE | IFA_F_PERMANENT, t);
                t += 300 * USEC_PER_MSEC;
                /* another host has this one too */
                feed_in6(NETLINK_NEW, &added[i], DADFAILED, t);
                ck_assert_uint_eq(count(IPV6LL_ACTION_DAD_FAILED), 1);
                ck_assert_int_eq(find(IPV6LL_ACTION_DAD_FAILED)->origin, IPV6LL_ORIGIN_RFC7217);
        }
        /* IDGEN_RETRIES replacements failed: give up and say so */
        ck_assert_int_eq(state(), IPV6LL_STATE_FAILED);
        ipv6ll_get_status(l, &st);
        ck_assert_int_eq(st.failure, IPV6LL_FAILURE_GAVE_UP);
        ck_assert_uint_eq(st.attempts, T_IDGEN_RETRIES);
        ck_assert_uint_eq(ipv6ll_next_timeout(l), USEC_INFINITY);
        ck_assert_int_eq(ipv6ll_handle_timeout(l, t + 60 * USEC_PER_SEC, &acts), 0);
        ck_assert_uint_eq(count(IPV6LL_ACTION_ADD_ADDRESS), 0);
        ck_assert_str_eq(ipv6ll_failure_to_string(st.failure), "gave-up");
        ck_assert_str_eq(ipv6ll_state_to_string(st.state), "failed");
}
END_TEST

START_TEST(test_stable_replacement) {
        struct in6_addr a1, a2, a3;
        struct ipv6ll *x;

        /* the same key and interface: the same replacement (RFC 7217: stable); another key or
         * interface: another */
        l = make("eth0", true, key);
        feed(NETLINK_NEW, TEST_EUI64_LL, DADFAILED, T0);
        ck_assert_int_eq(ipv6ll_handle_timeout(l, T0 + T_IDGEN_DELAY, &acts), 0);
        a1 = find(IPV6LL_ACTION_ADD_ADDRESS)->addr;

        x = make("eth0", true, key);
        feed_on(x, NETLINK_NEW, TEST_EUI64_LL, DADFAILED, T0);
        ck_assert_int_eq(ipv6ll_handle_timeout(x, T0 + T_IDGEN_DELAY, &acts), 0);
        a2 = find(IPV6LL_ACTION_ADD_ADDRESS)->addr;
        ipv6ll_free(x);
        ck_assert_mem_eq(&a1, &a2, sizeof a1);

        x = make("eth0", true, other_key);
        feed_on(x, NETLINK_NEW, TEST_EUI64_LL, DADFAILED, T0);
        ck_assert_int_eq(ipv6ll_handle_timeout(x, T0 + T_IDGEN_DELAY, &acts), 0);
        a3 = find(IPV6LL_ACTION_ADD_ADDRESS)->addr;
        ipv6ll_free(x);
        ck_assert(memcmp(&a1, &a3, sizeof a1) != 0);

        x = make("eth1", true, key);
        feed_on(x, NETLINK_NEW, TEST_EUI64_LL, DADFAILED, T0);
        ck_assert_int_eq(ipv6ll_handle_timeout(x, T0 + T_IDGEN_DELAY, &acts), 0);
        a3 = find(IPV6LL_ACTION_ADD_ADDRESS)->addr;
        ipv6ll_free(x);
        ck_assert(memcmp(&a1, &a3, sizeof a1) != 0);
}
END_TEST

START_TEST(test_restart_recognises_own) {
        struct in6_addr mine = expected("eth0", key, 0);

        /* an earlier run added it; this one knows it by the key */
        l = make("eth0", true, key);
        feed_in6(NETLINK_NEW, &mine, IFA_F_PERMANENT, T0);
        ck_assert_int_eq(find(IPV6LL_ACTION_ADDRS_CHANGED)->dad_event.addr.origin, IPV6LL_ORIGIN_RFC7217);
        /* a link that comes up again: the kernel's EUI-64 fails again, ours is still there */
        feed(NETLINK_NEW, TEST_EUI64_LL, DADFAILED, T0 + 1);
        ck_assert_uint_eq(count(IPV6LL_ACTION_DAD_FAILED), 1);
        ck_assert_uint_eq(count(IPV6LL_ACTION_ADD_ADDRESS), 0);
        ck_assert_uint_eq(count(IPV6LL_ACTION_REMOVE_ADDRESS), 1); /* the failed one is cleared */
        ck_assert_int_eq(state(), IPV6LL_STATE_IDLE);
}
END_TEST

START_TEST(test_other_link_local_no_replacement) {
        l = make("eth0", false, key);
        feed(NETLINK_NEW, "fe80::1", IFA_F_PERMANENT, T0);
        feed(NETLINK_NEW, "fe80::2", IFA_F_TENTATIVE | IFA_F_PERMANENT, T0);
        feed(NETLINK_NEW, "fe80::2", DADFAILED, T0 + 1);
        ck_assert_uint_eq(count(IPV6LL_ACTION_DAD_FAILED), 1);
        ck_assert_uint_eq(count(IPV6LL_ACTION_REMOVE_ADDRESS), 0); /* not ours, nor the kernel's */
        ck_assert_int_eq(state(), IPV6LL_STATE_IDLE);
}
END_TEST

START_TEST(test_kernel_stable_privacy_left_to_kernel) {
        l = make("eth0", true, key);
        feed(NETLINK_NEW, "fe80::1:2:3:4", DADFAILED | IFA_F_STABLE_PRIVACY, T0);
        ck_assert_uint_eq(count(IPV6LL_ACTION_DAD_FAILED), 1);
        ck_assert_int_eq(find(IPV6LL_ACTION_DAD_FAILED)->origin, IPV6LL_ORIGIN_STABLE_PRIVACY);
        ck_assert_int_eq(state(), IPV6LL_STATE_IDLE);
        ck_assert_uint_eq(ipv6ll_next_timeout(l), USEC_INFINITY);
}
END_TEST

START_TEST(test_global_failure_reported_only) {
        l = make("eth0", true, key);
        feed(NETLINK_NEW, "2001:db8::5a:43ff:fe00:1", IFA_F_TENTATIVE, T0);
        feed(NETLINK_NEW, "2001:db8::5a:43ff:fe00:1", IFA_F_TENTATIVE | IFA_F_DADFAILED, T0 + 1);
        ck_assert_uint_eq(count(IPV6LL_ACTION_DAD_FAILED), 1);
        ck_assert(!find(IPV6LL_ACTION_DAD_FAILED)->link_local);
        ck_assert_int_eq(state(), IPV6LL_STATE_IDLE);
        ck_assert_uint_eq(ipv6ll_next_timeout(l), USEC_INFINITY);
}
END_TEST

START_TEST(test_link_down_cancels) {
        struct netlink_link down = test_link("eth0", 0, IN6_ADDR_GEN_MODE_EUI64);

        l = make("eth0", true, key);
        feed(NETLINK_NEW, TEST_EUI64_LL, DADFAILED, T0);
        ck_assert_int_eq(state(), IPV6LL_STATE_WAITING);
        ck_assert_int_eq(ipv6ll_handle_link(l, &down, T0 + 1, &acts), 0);
        ck_assert_int_eq(state(), IPV6LL_STATE_IDLE);
        ck_assert_int_eq(ipv6ll_handle_timeout(l, T0 + T_IDGEN_DELAY, &acts), 0);
        ck_assert_uint_eq(count(IPV6LL_ACTION_ADD_ADDRESS), 0);
}
END_TEST

START_TEST(test_replacement_removed_or_refused) {
        struct in6_addr want = expected("eth0", key, 0);
        struct ipv6ll_status st;

        l = make("eth0", true, key);
        feed(NETLINK_NEW, TEST_EUI64_LL, DADFAILED, T0);
        ck_assert_int_eq(ipv6ll_handle_timeout(l, T0 + T_IDGEN_DELAY, &acts), 0);
        feed_in6(NETLINK_NEW, &want, IFA_F_TENTATIVE | IFA_F_PERMANENT, T0 + T_IDGEN_DELAY);
        /* someone removed it before DAD ended */
        feed_in6(NETLINK_DEL, &want, IFA_F_TENTATIVE | IFA_F_PERMANENT, T0 + T_IDGEN_DELAY + 5);
        ck_assert_int_eq(state(), IPV6LL_STATE_IDLE);
        ipv6ll_free(l);

        /* the kernel refused it */
        l = make("eth0", true, key);
        feed(NETLINK_NEW, TEST_EUI64_LL, DADFAILED, T0);
        ck_assert_int_eq(ipv6ll_handle_timeout(l, T0 + T_IDGEN_DELAY, &acts), 0);
        ck_assert_int_eq(ipv6ll_handle_add_error(l, &want, -EPERM, T0 + T_IDGEN_DELAY, &acts), 0);
        ipv6ll_get_status(l, &st);
        ck_assert_int_eq(st.state, IPV6LL_STATE_FAILED);
        ck_assert_int_eq(st.failure, IPV6LL_FAILURE_ERROR);
}
END_TEST

START_TEST(test_no_key) {
        struct ipv6ll_status st;

        l = make("eth0", true, NULL);
        feed(NETLINK_NEW, TEST_EUI64_LL, DADFAILED, T0);
        ck_assert_uint_eq(count(IPV6LL_ACTION_DAD_FAILED), 1);
        ipv6ll_get_status(l, &st);
        ck_assert_int_eq(st.state, IPV6LL_STATE_FAILED);
        ck_assert_int_eq(st.failure, IPV6LL_FAILURE_NO_KEY);
}
END_TEST

START_TEST(test_replacement_skips_taken) {
        struct in6_addr c0 = expected("eth0", key, 0), c1 = expected("eth0", key, 1);

        /* a failed replacement of ours, found with the kernel's failed EUI-64 one (say, at start):
         * the next one uses the counter after it (RFC 7217 §6); the skipping of identifiers in
         * use is tested on the generator (test-rfc7217) */
        l = make("eth0", true, key);
        feed(NETLINK_NEW, TEST_EUI64_LL, DADFAILED, T0);
        feed_in6(NETLINK_NEW, &c0, DADFAILED, T0);
        ck_assert_int_eq(ipv6ll_handle_timeout(l, T0 + T_IDGEN_DELAY, &acts), 0);
        ck_assert_mem_eq(&find(IPV6LL_ACTION_ADD_ADDRESS)->addr, &c1, sizeof c1);
}
END_TEST

START_TEST(test_addr_gen_mode_none) {
        struct netlink_link none = test_link("eth0", IFF_UP | IFF_RUNNING, IN6_ADDR_GEN_MODE_NONE);
        struct ipv6ll_status st;

        l = make("eth0", true, key);
        ck_assert_int_eq(ipv6ll_handle_link(l, &none, T0, &acts), 0); /* logged */
        ipv6ll_get_status(l, &st);
        ck_assert_int_eq(st.addr_gen_mode, IN6_ADDR_GEN_MODE_NONE);
        ck_assert_int_eq(st.state, IPV6LL_STATE_IDLE); /* nothing added behind the admin's back */
        ck_assert_uint_eq(count(IPV6LL_ACTION_ADD_ADDRESS), 0);
}
END_TEST

START_TEST(test_bad_config) {
        struct ipv6ll_config cfg = { .ifname = "eth0", .secret_key = key, .secret_key_len = 8 };
        struct ipv6ll *x;

        ck_assert_int_eq(ipv6ll_new(&x, &cfg), -EINVAL);
        cfg.secret_key_len = RFC7217_SECRET_KEY_SIZE;
        cfg.ifname = "";
        ck_assert_int_eq(ipv6ll_new(&x, &cfg), -EINVAL);
        ck_assert_int_eq(ipv6ll_new(&x, NULL), -EINVAL);
}
END_TEST

int main(void) {
        Suite *s = suite_create("ipv6ll");
        TCase *tc = tcase_create("policy");
        SRunner *sr;
        int failed;

        log_set_target(LOG_TARGET_NONE);
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_regeneration_off_reports_only);
        tcase_add_test(tc, test_regenerate_after_delay);
        tcase_add_test(tc, test_retries_then_give_up);
        tcase_add_test(tc, test_stable_replacement);
        tcase_add_test(tc, test_restart_recognises_own);
        tcase_add_test(tc, test_other_link_local_no_replacement);
        tcase_add_test(tc, test_kernel_stable_privacy_left_to_kernel);
        tcase_add_test(tc, test_global_failure_reported_only);
        tcase_add_test(tc, test_link_down_cancels);
        tcase_add_test(tc, test_replacement_removed_or_refused);
        tcase_add_test(tc, test_no_key);
        tcase_add_test(tc, test_replacement_skips_taken);
        tcase_add_test(tc, test_addr_gen_mode_none);
        tcase_add_test(tc, test_bad_config);
        suite_add_tcase(s, tc);
        sr = srunner_create(s);
        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
