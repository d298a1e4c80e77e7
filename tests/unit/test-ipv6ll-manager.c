/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The IPv6 link-local manager's read-only API and observer (ipv6ll-manager.h), what the D-Bus
 * Link object and zeroconfctl status read: per link its state, DAD counter and addresses (how
 * each was formed, its DAD state), and one observer call per change, a DAD failure with the
 * failed address. Netlink requests are replaced (nothing reaches the kernel); the IDGEN_DELAY
 * timer is run by hand at the time the manager asks for. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "conf.h"
#include "ipv6ll/ipv6ll-manager.h"
#include "log.h"
#include "loop.h"
#include "test-ipv6ll-common.h"
#include "unit.h"

#define DADFAILED (IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_PERMANENT)
#define OBSERVED_MAX 64

struct observed {
        int ifindex;
        enum ipv6ll_change change;
        bool has_failed;
        struct in6_addr failed;
        enum ipv6ll_link_state state; /* read back in the callback: the new state is visible */
        int addr_gen_mode;
        int get_link;
};

static struct observed seen[OBSERVED_MAX];
static size_t n_seen;
static struct netlink_addr added[8], removed[8];
static size_t n_added, n_removed;
static int add_result;
static char state_dir[64];
static struct conf conf;
static struct loop *loop;
static struct ipv6ll_manager *M;

static int fake_add(void *userdata, const struct netlink_addr *a) {
        (void) userdata;
        ck_assert_uint_lt(n_added, 8);
        added[n_added++] = *a;
        return add_result;
}

static int fake_del(void *userdata, const struct netlink_addr *a) {
        (void) userdata;
        ck_assert_uint_lt(n_removed, 8);
        removed[n_removed++] = *a;
        return 0;
}

static void observer(void *userdata, int ifindex, enum ipv6ll_change change, const struct in6_addr *failed) {
        struct ipv6ll_link_info info;
        struct observed *o;

        ck_assert_ptr_eq(userdata, &seen);
        ck_assert_uint_lt(n_seen, OBSERVED_MAX);
        o = &seen[n_seen++];
        *o = (struct observed) { .ifindex = ifindex, .change = change, .has_failed = failed != NULL };
        if (failed)
                o->failed = *failed;
        ck_assert_int_eq(failed != NULL, change == IPV6LL_CHANGE_DAD_FAILED);
        o->get_link = ipv6ll_manager_get_link(M, ifindex, &info);
        if (o->get_link == 0) {
                o->state = info.state;
                o->addr_gen_mode = info.addr_gen_mode;
        }
}

static void start(bool regenerate) {
        struct ipv6ll_manager_io io = { .addr_add = fake_add, .addr_del = fake_del };

        conf.ipv6ll_regenerate = regenerate;
        ck_assert_int_eq(ipv6ll_manager_new_with_io(&M, loop, &io, &conf), 0);
        ipv6ll_manager_set_observer(M, observer, &seen);
}

static void setup(void) {
        log_set_target(LOG_TARGET_NONE);
        snprintf(state_dir, sizeof state_dir, "/tmp/test-ipv6ll-manager.XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(state_dir));
        conf_init(&conf);
        ck_assert_int_eq(conf_set_string(&conf.state_dir, state_dir), 0);
        ck_assert_int_eq(loop_new(&loop), 0);
        n_seen = n_added = n_removed = 0;
        add_result = 0;
}

static void teardown(void) {
        char path[128];

        ipv6ll_manager_free(M);
        M = NULL;
        loop_free(loop);
        conf_done(&conf);
        snprintf(path, sizeof path, "%s/ipv6ll-secret", state_dir);
        (void) unlink(path);
        ck_assert_int_eq(rmdir(state_dir), 0);
}

static void link_event(enum netlink_event ev, int addr_gen_mode) {
        struct netlink_link l = test_link("eth0", IFF_UP | IFF_RUNNING | IFF_MULTICAST, addr_gen_mode);

        ipv6ll_manager_handle_link(M, ev, &l);
}

static void addr_event(enum netlink_event ev, const char *text, uint32_t flags) {
        struct netlink_addr a = test_addr(text, 64, flags);

        ipv6ll_manager_handle_addr(M, ev, &a);
}

static void addr_event_in6(enum netlink_event ev, const struct in6_addr *in6, uint32_t flags) {
        struct netlink_addr a = test_addr("fe80::", 64, flags);

        a.addr.in6 = *in6;
        ipv6ll_manager_handle_addr(M, ev, &a);
}

static struct ipv6ll_link_info info(void) {
        struct ipv6ll_link_info i;

        ck_assert_int_eq(ipv6ll_manager_get_link(M, TEST_IFINDEX, &i), 0);
        return i;
}

static const char *state_name(void) {
        return ipv6ll_link_state_to_string(info().state);
}

static size_t count(enum ipv6ll_change c) {
        size_t n = 0;

        for (size_t k = 0; k < n_seen; k++)
                n += seen[k].change == c;
        return n;
}

/* Run the IDGEN_DELAY timer at the time it is due (and check it is not due a moment before). */
static void run_timer(void) {
        usec_t t = ipv6ll_manager_next_timeout(M);
        size_t before = n_added;

        ck_assert(t != USEC_INFINITY);
        ipv6ll_manager_run(M, t - 1);
        ck_assert_uint_eq(n_added, before);
        ipv6ll_manager_run(M, t);
}

START_TEST(test_strings) {
        /* the names the D-Bus API shows */
        ck_assert_str_eq(ipv6ll_link_state_to_string(IPV6LL_LINK_IDLE), "idle");
        ck_assert_str_eq(ipv6ll_link_state_to_string(IPV6LL_LINK_NO_LINK_LOCAL), "no-link-local");
        ck_assert_str_eq(ipv6ll_link_state_to_string(IPV6LL_LINK_WAITING), "waiting");
        ck_assert_str_eq(ipv6ll_link_state_to_string(IPV6LL_LINK_PROBING), "probing");
        ck_assert_str_eq(ipv6ll_link_state_to_string(IPV6LL_LINK_NEEDS_ADMIN), "needs-administrator");
        ck_assert_str_eq(ipv6ll_link_state_to_string(IPV6LL_LINK_GAVE_UP), "gave-up");
        ck_assert_str_eq(ipv6ll_link_state_to_string(IPV6LL_LINK_FAILED), "failed");
        ck_assert_ptr_null(ipv6ll_link_state_to_string(_IPV6LL_LINK_STATE_MAX));
        ck_assert_str_eq(ipv6ll_change_to_string(IPV6LL_CHANGE_DAD_FAILED), "dad-failed");
        ck_assert_ptr_null(ipv6ll_change_to_string(_IPV6LL_CHANGE_MAX));
        ck_assert_str_eq(ipv6ll_dad_state_to_string(IPV6LL_DAD_FAILED), "dadfailed");
        ck_assert_str_eq(ipv6ll_dad_state_to_string(IPV6LL_DAD_OPTIMISTIC), "optimistic");
        ck_assert_str_eq(ipv6ll_origin_to_string(IPV6LL_ORIGIN_STABLE_PRIVACY), "stable-privacy");
        ck_assert_str_eq(ipv6ll_origin_to_string(IPV6LL_ORIGIN_RFC7217), "rfc7217");
}
END_TEST

START_TEST(test_link_and_addresses) {
        struct ipv6ll_addr addrs[4];
        int ifindexes[4];

        start(false);
        link_event(NETLINK_NEW, IN6_ADDR_GEN_MODE_EUI64);
        ck_assert_uint_eq(n_seen, 1);
        ck_assert_int_eq(seen[0].change, IPV6LL_CHANGE_LINK_NEW);
        ck_assert_int_eq(seen[0].ifindex, TEST_IFINDEX);
        ck_assert_uint_eq(ipv6ll_manager_get_links(M, ifindexes, 4), 1);
        ck_assert_int_eq(ifindexes[0], TEST_IFINDEX);
        ck_assert_str_eq(info().ifname, "eth0");
        ck_assert_int_eq(info().addr_gen_mode, IN6_ADDR_GEN_MODE_EUI64);
        /* no address yet */
        ck_assert_str_eq(state_name(), "no-link-local");
        ck_assert_int_eq(ipv6ll_manager_get_addresses(M, TEST_IFINDEX, addrs, 4), 0);

        /* the kernel's EUI-64 address, in DAD: addresses changed, and the link is idle now */
        n_seen = 0;
        addr_event(NETLINK_NEW, TEST_EUI64_LL, IFA_F_TENTATIVE | IFA_F_PERMANENT);
        ck_assert_uint_eq(n_seen, 2);
        ck_assert_int_eq(seen[0].change, IPV6LL_CHANGE_ADDRESSES);
        ck_assert_int_eq(seen[1].change, IPV6LL_CHANGE_STATE);
        ck_assert_int_eq(seen[1].state, IPV6LL_LINK_IDLE);
        ck_assert_int_eq(ipv6ll_manager_get_addresses(M, TEST_IFINDEX, addrs, 4), 1);
        ck_assert(test_in6_eq(&addrs[0].addr, TEST_EUI64_LL));
        ck_assert(addrs[0].link_local);
        ck_assert_str_eq(ipv6ll_origin_to_string(addrs[0].origin), "eui64");
        ck_assert_str_eq(ipv6ll_dad_state_to_string(addrs[0].state), "tentative");

        /* DAD passes: one ADDRESSES, no STATE (still idle) */
        n_seen = 0;
        addr_event(NETLINK_NEW, TEST_EUI64_LL, IFA_F_PERMANENT);
        ck_assert_uint_eq(n_seen, 1);
        ck_assert_int_eq(seen[0].change, IPV6LL_CHANGE_ADDRESSES);
        ck_assert_int_eq(ipv6ll_manager_get_addresses(M, TEST_IFINDEX, addrs, 4), 1);
        ck_assert_str_eq(ipv6ll_dad_state_to_string(addrs[0].state), "valid");
        /* the same event again changes nothing: no call */
        addr_event(NETLINK_NEW, TEST_EUI64_LL, IFA_F_PERMANENT);
        ck_assert_uint_eq(n_seen, 1);

        /* a global temporary address, optimistic; a manual one, deprecated */
        addr_event(NETLINK_NEW, "2001:db8::1234", IFA_F_TEMPORARY | IFA_F_TENTATIVE | IFA_F_OPTIMISTIC);
        addr_event(NETLINK_NEW, "2001:db8::1", IFA_F_PERMANENT | IFA_F_DEPRECATED);
        ck_assert_uint_eq(count(IPV6LL_CHANGE_ADDRESSES), 3);
        ck_assert_uint_eq(count(IPV6LL_CHANGE_STATE), 0);
        ck_assert_uint_eq(info().n_addrs, 3);
        /* a short buffer: the count, and what fits */
        ck_assert_int_eq(ipv6ll_manager_get_addresses(M, TEST_IFINDEX, addrs, 2), 3);
        ck_assert_int_eq(ipv6ll_manager_get_addresses(M, TEST_IFINDEX, NULL, 0), 3);
        ck_assert_int_eq(ipv6ll_manager_get_addresses(M, TEST_IFINDEX, addrs, 4), 3);
        for (size_t k = 0; k < 3; k++) {
                if (test_in6_eq(&addrs[k].addr, "2001:db8::1234")) {
                        ck_assert(!addrs[k].link_local);
                        ck_assert_str_eq(ipv6ll_origin_to_string(addrs[k].origin), "temporary");
                        ck_assert_str_eq(ipv6ll_dad_state_to_string(addrs[k].state), "optimistic");
                } else if (test_in6_eq(&addrs[k].addr, "2001:db8::1")) {
                        ck_assert_str_eq(ipv6ll_origin_to_string(addrs[k].origin), "manual");
                        ck_assert_str_eq(ipv6ll_dad_state_to_string(addrs[k].state), "deprecated");
                }
        }

        /* removed: ADDRESSES; the last link-local one gone: no-link-local */
        n_seen = 0;
        addr_event(NETLINK_DEL, TEST_EUI64_LL, 0);
        ck_assert_uint_eq(n_seen, 2);
        ck_assert_int_eq(seen[0].change, IPV6LL_CHANGE_ADDRESSES);
        ck_assert_int_eq(seen[1].change, IPV6LL_CHANGE_STATE);
        ck_assert_int_eq(seen[1].state, IPV6LL_LINK_NO_LINK_LOCAL);

        /* the link goes: LINK_GONE, and the getters say so */
        n_seen = 0;
        link_event(NETLINK_DEL, IN6_ADDR_GEN_MODE_EUI64);
        ck_assert_uint_eq(n_seen, 1);
        ck_assert_int_eq(seen[0].change, IPV6LL_CHANGE_LINK_GONE);
        ck_assert_int_eq(seen[0].get_link, -ENOENT);
        ck_assert_uint_eq(ipv6ll_manager_get_links(M, NULL, 0), 0);
        ck_assert_int_eq(ipv6ll_manager_get_addresses(M, TEST_IFINDEX, addrs, 4), -ENOENT);
        ck_assert_uint_eq(n_added + n_removed, 0);
}
END_TEST

START_TEST(test_dad_failure_regeneration_off) {
        struct ipv6ll_link_info i;

        start(false);
        link_event(NETLINK_NEW, IN6_ADDR_GEN_MODE_EUI64);
        addr_event(NETLINK_NEW, TEST_EUI64_LL, IFA_F_TENTATIVE | IFA_F_PERMANENT);
        n_seen = 0;
        /* RFC 4862 §5.4.5: reported with the address, then waits for the administrator */
        addr_event(NETLINK_NEW, TEST_EUI64_LL, DADFAILED);
        ck_assert_uint_eq(n_seen, 3);
        ck_assert_int_eq(seen[0].change, IPV6LL_CHANGE_DAD_FAILED);
        ck_assert(seen[0].has_failed);
        ck_assert(test_in6_eq(&seen[0].failed, TEST_EUI64_LL));
        ck_assert_int_eq(seen[0].state, IPV6LL_LINK_NEEDS_ADMIN); /* already applied */
        ck_assert_int_eq(seen[1].change, IPV6LL_CHANGE_ADDRESSES);
        ck_assert_int_eq(seen[2].change, IPV6LL_CHANGE_STATE);
        i = info();
        ck_assert_str_eq(ipv6ll_link_state_to_string(i.state), "needs-administrator");
        ck_assert_uint_eq(i.dad_failures, 1);
        ck_assert(i.has_failed);
        ck_assert(test_in6_eq(&i.failed, TEST_EUI64_LL));
        ck_assert(!i.has_replacement);
        ck_assert(!i.regenerate);
        ck_assert_uint_eq(i.dad_counter, 0);
        ck_assert(ipv6ll_manager_next_timeout(M) == USEC_INFINITY);
        ck_assert_uint_eq(n_added + n_removed, 0);
        /* the administrator adds one: idle again */
        addr_event(NETLINK_NEW, "fe80::1", IFA_F_PERMANENT);
        ck_assert_str_eq(state_name(), "idle");
        ck_assert_int_eq(seen[n_seen - 1].change, IPV6LL_CHANGE_STATE);
}
END_TEST

START_TEST(test_regeneration_until_gave_up) {
        struct in6_addr replacement[3];

        start(true);
        link_event(NETLINK_NEW, IN6_ADDR_GEN_MODE_EUI64);
        addr_event(NETLINK_NEW, TEST_EUI64_LL, DADFAILED);
        ck_assert_str_eq(state_name(), "waiting");
        ck_assert_uint_eq(info().dad_counter, 0);
        ck_assert_uint_eq(count(IPV6LL_CHANGE_DAD_FAILED), 1);

        for (unsigned k = 0; k < 3; k++) {
                struct ipv6ll_addr addrs[4];
                struct ipv6ll_link_info i;
                int n;

                /* IDGEN_DELAY later, a replacement goes to the kernel: probing */
                run_timer();
                ck_assert_uint_eq(n_added, k + 1);
                replacement[k] = added[k].addr.in6;
                ck_assert_int_eq(added[k].ifindex, TEST_IFINDEX);
                ck_assert_uint_eq(added[k].prefixlen, 64);
                ck_assert(IN6_IS_ADDR_LINKLOCAL(&replacement[k]));
                ck_assert_str_eq(state_name(), "probing");
                ck_assert_uint_eq(info().attempts, k + 1);
                i = info();
                ck_assert(i.has_replacement);
                ck_assert(memcmp(&i.replacement, &replacement[k], 16) == 0);
                if (k == 0) {
                        /* the failed EUI-64 address is taken away */
                        ck_assert_uint_eq(n_removed, 1);
                        ck_assert(test_in6_eq(&removed[0].addr.in6, TEST_EUI64_LL));
                        addr_event(NETLINK_DEL, TEST_EUI64_LL, 0);
                }
                /* the kernel runs DAD on it: it is ours (rfc7217, DAD_Counter k) */
                addr_event_in6(NETLINK_NEW, &replacement[k], IFA_F_TENTATIVE | IFA_F_PERMANENT);
                n = ipv6ll_manager_get_addresses(M, TEST_IFINDEX, addrs, 4);
                ck_assert_int_ge(n, 1);
                for (int j = 0; j < n; j++)
                        if (memcmp(&addrs[j].addr, &replacement[k], 16) == 0) {
                                ck_assert_str_eq(ipv6ll_origin_to_string(addrs[j].origin), "rfc7217");
                                ck_assert_uint_eq(addrs[j].dad_counter, k);
                                ck_assert_str_eq(ipv6ll_dad_state_to_string(addrs[j].state), "tentative");
                        }
                /* and it fails too: reported with that address; the counter goes up */
                n_seen = 0;
                addr_event_in6(NETLINK_NEW, &replacement[k], DADFAILED);
                ck_assert_uint_ge(n_seen, 2);
                ck_assert_int_eq(seen[0].change, IPV6LL_CHANGE_DAD_FAILED);
                ck_assert(memcmp(&seen[0].failed, &replacement[k], 16) == 0);
                ck_assert_uint_eq(info().dad_counter, k + 1);
                ck_assert_uint_eq(info().dad_failures, k + 2);
                if (k < 2) {
                        ck_assert_str_eq(state_name(), "waiting");
                        ck_assert_int_eq(seen[n_seen - 1].change, IPV6LL_CHANGE_STATE);
                        ck_assert_int_eq(seen[n_seen - 1].state, IPV6LL_LINK_WAITING);
                }
        }
        /* IDGEN_RETRIES replacements failed: it gives up, adds nothing more */
        ck_assert_str_eq(state_name(), "gave-up");
        ck_assert_int_eq(seen[n_seen - 1].change, IPV6LL_CHANGE_STATE);
        ck_assert(ipv6ll_manager_next_timeout(M) == USEC_INFINITY);
        ipv6ll_manager_run(M, USEC_INFINITY - 1);
        ck_assert_uint_eq(n_added, 3);
        ck_assert(memcmp(&replacement[0], &replacement[1], 16) != 0);
        ck_assert(memcmp(&replacement[1], &replacement[2], 16) != 0);
}
END_TEST

START_TEST(test_replacement_passes) {
        start(true);
        link_event(NETLINK_NEW, IN6_ADDR_GEN_MODE_EUI64);
        addr_event(NETLINK_NEW, TEST_EUI64_LL, DADFAILED);
        run_timer();
        ck_assert_uint_eq(n_added, 1);
        addr_event_in6(NETLINK_NEW, &added[0].addr.in6, IFA_F_TENTATIVE | IFA_F_PERMANENT);
        ck_assert_str_eq(state_name(), "probing");
        n_seen = 0;
        addr_event_in6(NETLINK_NEW, &added[0].addr.in6, IFA_F_PERMANENT);
        ck_assert_str_eq(state_name(), "idle");
        ck_assert_uint_eq(n_seen, 2);
        ck_assert_int_eq(seen[0].change, IPV6LL_CHANGE_ADDRESSES);
        ck_assert_int_eq(seen[1].change, IPV6LL_CHANGE_STATE);
        ck_assert_uint_eq(info().dad_counter, 1); /* the next one would be counter 1 */
        ck_assert_uint_eq(info().dad_failures, 1);
}
END_TEST

START_TEST(test_kernel_refuses_replacement) {
        start(true);
        add_result = -EPERM;
        link_event(NETLINK_NEW, IN6_ADDR_GEN_MODE_EUI64);
        addr_event(NETLINK_NEW, TEST_EUI64_LL, DADFAILED);
        n_seen = 0;
        run_timer();
        ck_assert_uint_eq(n_added, 1);
        ck_assert_str_eq(state_name(), "failed");
        ck_assert_uint_eq(n_seen, 1);
        ck_assert_int_eq(seen[0].change, IPV6LL_CHANGE_STATE);
        ck_assert_int_eq(seen[0].state, IPV6LL_LINK_FAILED);
}
END_TEST

START_TEST(test_addr_gen_mode_none) {
        start(false);
        /* followed, not skipped: its state says there is no link-local address */
        link_event(NETLINK_NEW, IN6_ADDR_GEN_MODE_NONE);
        ck_assert_uint_eq(n_seen, 1);
        ck_assert_int_eq(seen[0].change, IPV6LL_CHANGE_LINK_NEW);
        ck_assert_int_eq(seen[0].get_link, 0); /* readable from the call on */
        ck_assert_int_eq(seen[0].addr_gen_mode, IN6_ADDR_GEN_MODE_NONE);
        ck_assert_int_eq(seen[0].state, IPV6LL_LINK_NO_LINK_LOCAL);
        ck_assert_int_eq(info().addr_gen_mode, IN6_ADDR_GEN_MODE_NONE);
        ck_assert_str_eq(state_name(), "no-link-local");
        /* repeated link events: no new call */
        link_event(NETLINK_NEW, IN6_ADDR_GEN_MODE_NONE);
        ck_assert_uint_eq(n_seen, 1);
        /* someone configures one by hand: idle */
        addr_event(NETLINK_NEW, "fe80::99", IFA_F_PERMANENT);
        ck_assert_str_eq(state_name(), "idle");
        ck_assert_int_eq(seen[n_seen - 1].change, IPV6LL_CHANGE_STATE);
}
END_TEST

START_TEST(test_not_followed) {
        struct netlink_link lo = test_link("lo", IFF_UP | IFF_LOOPBACK, IN6_ADDR_GEN_MODE_EUI64);
        struct netlink_link denied = test_link("veth9", IFF_UP, IN6_ADDR_GEN_MODE_EUI64);
        struct ipv6ll_link_info i;

        conf.deny_interfaces[0] = strdup("veth9");
        ck_assert_ptr_nonnull(conf.deny_interfaces[0]);
        conf.n_deny_interfaces = 1;
        start(false);
        lo.ifindex = 1;
        denied.ifindex = 9;
        ipv6ll_manager_handle_link(M, NETLINK_NEW, &lo);
        ipv6ll_manager_handle_link(M, NETLINK_NEW, &denied);
        ck_assert_uint_eq(n_seen, 0);
        ck_assert_int_eq(ipv6ll_manager_get_link(M, 1, &i), -ENOENT);
        ck_assert_int_eq(ipv6ll_manager_get_link(M, 9, &i), -ENOENT);
        ck_assert_int_eq(ipv6ll_manager_get_link(M, 1, NULL), -EINVAL);
        ck_assert_int_eq(ipv6ll_manager_get_link(NULL, 1, &i), -EINVAL);
        ck_assert_uint_eq(ipv6ll_manager_get_links(M, NULL, 0), 0);
        /* an address of a link not followed is ignored */
        addr_event(NETLINK_NEW, TEST_EUI64_LL, DADFAILED);
        ck_assert_uint_eq(n_seen, 0);
}
END_TEST

START_TEST(test_no_observer) {
        /* no observer set, or removed: nothing breaks */
        start(false);
        ipv6ll_manager_set_observer(M, NULL, NULL);
        link_event(NETLINK_NEW, IN6_ADDR_GEN_MODE_EUI64);
        addr_event(NETLINK_NEW, TEST_EUI64_LL, DADFAILED);
        ck_assert_uint_eq(n_seen, 0);
        ck_assert_str_eq(state_name(), "needs-administrator");
}
END_TEST

static Suite *suite(void) {
        Suite *s = suite_create("ipv6ll-manager");
        TCase *tc = tcase_create("api");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_strings);
        tcase_add_test(tc, test_link_and_addresses);
        tcase_add_test(tc, test_dad_failure_regeneration_off);
        tcase_add_test(tc, test_regeneration_until_gave_up);
        tcase_add_test(tc, test_replacement_passes);
        tcase_add_test(tc, test_kernel_refuses_replacement);
        tcase_add_test(tc, test_addr_gen_mode_none);
        tcase_add_test(tc, test_not_followed);
        tcase_add_test(tc, test_no_observer);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        return unit_run(suite());
}
