/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Conflicts (RFC 6762 §9) and renaming, the §8.1 rate limit after 15 conflicts in 10 s: the
 * conflict core, and the host's records (host-records.c) losing their name on a fake link. */
#include <check.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <net/if.h>

#include "iface.h"
#include "mdns-fake.h"
#include "mdns/conflict.h"
#include "mdns/host-records.h"
#include "mdns/probe.h"
#include "unit.h"

#define ETH0 2
#define MS USEC_PER_MSEC

/* ---- the pure core ---- */

START_TEST(test_limiter) {
        struct conflict_limiter l = { 0 };
        usec_t t = 100 * USEC_PER_SEC;

        for (int k = 0; k < 14; k++)
                conflict_limiter_add(&l, t + k * 100 * MS);
        ck_assert(!conflict_limiter_active(&l, t + 2 * USEC_PER_SEC));
        ck_assert_uint_eq(conflict_limiter_probe_delay(&l, t, 123), 123);
        /* §8.1: the fifteenth within ten seconds: 5 s before each further attempt */
        conflict_limiter_add(&l, t + 1400 * MS);
        ck_assert(conflict_limiter_active(&l, t + 1400 * MS));
        ck_assert_uint_eq(conflict_limiter_probe_delay(&l, t + 2 * USEC_PER_SEC, 123), 5 * USEC_PER_SEC);
        ck_assert(conflict_limiter_active(&l, t + 10 * USEC_PER_SEC - 1));
        /* conflicts keep coming every 5 s (the limited pace): the limit holds */
        conflict_limiter_add(&l, t + 6400 * MS);
        conflict_limiter_add(&l, t + 11400 * MS);
        conflict_limiter_add(&l, t + 16400 * MS);
        ck_assert(conflict_limiter_active(&l, t + 20 * USEC_PER_SEC));
        /* ten seconds without one: lifted */
        ck_assert(!conflict_limiter_active(&l, t + 26400 * MS));
        conflict_limiter_add(&l, t + 27 * USEC_PER_SEC);
        ck_assert(!conflict_limiter_active(&l, t + 27 * USEC_PER_SEC));
        /* fifteen spread over more than ten seconds never trigger it */
        struct conflict_limiter s = { 0 };
        for (int k = 0; k < 40; k++) {
                conflict_limiter_add(&s, t + k * 800 * MS);
                ck_assert(!conflict_limiter_active(&s, t + k * 800 * MS));
        }
}
END_TEST

START_TEST(test_verdicts) {
        struct dns_rr ours = fake_a("h.local", "10.0.0.1"), same = fake_a("H.LOCAL", "10.0.0.1");
        struct dns_rr other = fake_a("h.local", "10.0.0.2"), txt = fake_txt("h.local", "x");
        struct dns_rr elsewhere = fake_a("g.local", "10.0.0.2"), bye = fake_a("h.local", "10.0.0.2");

        bye.ttl = 0;
        other.ttl = txt.ttl = elsewhere.ttl = same.ttl = 120;
        ck_assert_int_eq(conflict_check(&same, &ours, false), CONFLICT_SAME);
        ck_assert_int_eq(conflict_check(&same, &ours, true), CONFLICT_SAME);
        /* §9: same name, type, class, other rdata */
        ck_assert_int_eq(conflict_check(&other, &ours, false), CONFLICT_CONFLICT);
        /* §9 after probing: another type is no conflict; §8.1 while probing it is */
        ck_assert_int_eq(conflict_check(&txt, &ours, false), CONFLICT_NONE);
        ck_assert_int_eq(conflict_check(&txt, &ours, true), CONFLICT_CONFLICT);
        ck_assert_int_eq(conflict_check(&elsewhere, &ours, true), CONFLICT_NONE);
        /* §10.1: a goodbye claims nothing */
        ck_assert_int_eq(conflict_check(&bye, &ours, true), CONFLICT_NONE);
}
END_TEST

/* ---- the host's records on a fake link ---- */

static struct iface_table table;
static struct iface *eth0;
static struct host_records *H;
static char renamed_to[128];
static unsigned n_renamed;

static void on_renamed(void *userdata, const char *name) {
        (void) userdata;
        snprintf(renamed_to, sizeof renamed_to, "%s", name);
        n_renamed++;
}

static void add_addr(int family, const char *text, unsigned prefixlen, uint32_t flags) {
        struct netlink_addr a = { .ifindex = ETH0, .family = family, .prefixlen = (uint8_t) prefixlen, .flags = flags };

        ck_assert_int_eq(inet_pton(family, text, &a.addr), 1);
        ck_assert_int_ge(iface_table_apply_addr(&table, NETLINK_NEW, &a), 0);
}

static void del_addr(int family, const char *text) {
        struct netlink_addr a = { .ifindex = ETH0, .family = family };

        ck_assert_int_eq(inet_pton(family, text, &a.addr), 1);
        ck_assert_int_eq(iface_table_apply_addr(&table, NETLINK_DEL, &a), 1);
}

static void setup(void) {
        struct netlink_link l = { .ifindex = ETH0, .flags = IFF_UP | IFF_RUNNING | IFF_MULTICAST, .mtu = 1500 };
        struct host_records_config hc = { .label = "board", .renamed = on_renamed };

        fake_setup();
        strcpy(l.name, "eth0");
        iface_table_init(&table);
        eth0 = iface_table_apply_link(&table, &l);
        ck_assert_ptr_nonnull(eth0);
        add_addr(AF_INET, "169.254.10.20", 16, 0);
        add_addr(AF_INET6, "fe80::1", 64, 0);
        add_addr(AF_INET6, "fe80::bad", 64, IFA_F_TENTATIVE);
        n_renamed = 0;
        renamed_to[0] = '\0';
        ck_assert_int_eq(host_records_new(&H, R, &hc, fake_now), 0);
        host_records_sync_iface(H, eth0, true, fake_now);
        ck_assert_int_eq(registry_link_add(R, ETH0, AF_INET, "eth0", 1472, fake_now), 0);
}

static void teardown(void) {
        host_records_free(H, fake_now);
        H = NULL;
        fake_teardown();
        iface_table_clear(&table);
}

static size_t probes(void) {
        return fake_count_probes(ETH0, AF_INET);
}

START_TEST(test_host_records_content) {
        struct dns_name n = fake_name("board.local"), rev = fake_name("20.10.254.169.in-addr.arpa");
        struct dns_name rev6 = fake_name("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.e.f.ip6.arpa");
        struct reg_lookup it;
        struct reg_answer a;
        unsigned n_a = 0, n_aaaa = 0;

        fake_advance(10 * USEC_PER_SEC);
        ck_assert_int_eq(host_records_get_state(H), REG_GROUP_ESTABLISHED);
        ck_assert_str_eq(host_records_get_name(H), "board.local");
        /* RFC 4862: the tentative address is not published */
        ck_assert_uint_eq(host_records_get_n_addresses(H), 2);
        registry_lookup_init(&it, R, &n, DNS_TYPE_ANY, DNS_CLASS_IN, ETH0, AF_INET);
        while (registry_lookup_next(&it, &a)) {
                ck_assert(a.unique);
                ck_assert_uint_eq(a.rr->ttl, 120);
                if (a.rr->type == DNS_TYPE_A)
                        n_a++;
                if (a.rr->type == DNS_TYPE_AAAA)
                        n_aaaa++;
        }
        ck_assert_uint_eq(n_a, 1);
        ck_assert_uint_eq(n_aaaa, 1);
        /* reverse mappings */
        registry_lookup_init(&it, R, &rev, DNS_TYPE_PTR, DNS_CLASS_IN, ETH0, AF_INET);
        ck_assert(registry_lookup_next(&it, &a));
        registry_lookup_init(&it, R, &rev6, DNS_TYPE_PTR, DNS_CLASS_IN, ETH0, AF_INET);
        ck_assert(registry_lookup_next(&it, &a));
        /* DAD passes: the address is published and announced */
        add_addr(AF_INET6, "fe80::bad", 64, 0);
        host_records_sync_iface(H, eth0, true, fake_now);
        ck_assert_uint_eq(host_records_get_n_addresses(H), 3);
        /* RFC 4862 §5.4.5: an address whose DAD failed is never ours: never published */
        add_addr(AF_INET6, "fe80::dead", 64, IFA_F_DADFAILED | IFA_F_TENTATIVE);
        host_records_sync_iface(H, eth0, true, fake_now);
        ck_assert_uint_eq(host_records_get_n_addresses(H), 3);
        /* the address goes: unpublished */
        del_addr(AF_INET, "169.254.10.20");
        host_records_sync_iface(H, eth0, true, fake_now);
        ck_assert_uint_eq(host_records_get_n_addresses(H), 2);
        registry_lookup_init(&it, R, &n, DNS_TYPE_A, DNS_CLASS_IN, ETH0, AF_INET);
        ck_assert(!registry_lookup_next(&it, &a));
        /* on another interface nothing of eth0's is answered */
        registry_lookup_init(&it, R, &n, DNS_TYPE_ANY, DNS_CLASS_IN, 7, AF_INET);
        ck_assert(!registry_lookup_next(&it, &a));
        /* mDNS off on the interface: all withdrawn */
        host_records_sync_iface(H, eth0, false, fake_now);
        ck_assert_uint_eq(host_records_get_n_addresses(H), 0);
}
END_TEST

START_TEST(test_conflict_after_established_reprobe_keep) {
        /* §9: a conflicting record after probing → probe again; nobody answers → keep the name */
        struct dns_rr theirs = fake_a("board.local", "169.254.99.1");

        fake_advance(10 * USEC_PER_SEC);
        ck_assert_int_eq(host_records_get_state(H), REG_GROUP_ESTABLISHED);
        ck_assert_uint_eq(probes(), 3);
        fake_receive_response(ETH0, AF_INET, "169.254.99.1", &theirs, 1);
        ck_assert_int_eq(host_records_get_state(H), REG_GROUP_PROBING);
        ck_assert_uint_eq(registry_get_stats(R)->conflicts, 1);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(probes(), 6);
        ck_assert_int_eq(host_records_get_state(H), REG_GROUP_ESTABLISHED);
        ck_assert_str_eq(host_records_get_name(H), "board.local");
        ck_assert_uint_eq(n_renamed, 0);
}
END_TEST

START_TEST(test_conflict_after_established_rename) {
        /* §9: conflict → probe again → the other host answers the probe → rename host-2 */
        struct dns_rr theirs = fake_a("board.local", "169.254.99.1");
        struct dns_name n2 = fake_name("board-2.local"), n1 = fake_name("board.local");
        struct reg_lookup it;
        struct reg_answer a;

        fake_advance(10 * USEC_PER_SEC);
        fake_receive_response(ETH0, AF_INET, "169.254.99.1", &theirs, 1);
        fake_until_probes(ETH0, AF_INET, 4);
        fake_receive_response(ETH0, AF_INET, "169.254.99.1", &theirs, 1);
        ck_assert_uint_eq(n_renamed, 1);
        ck_assert_str_eq(renamed_to, "board-2.local");
        ck_assert_str_eq(host_records_get_name(H), "board-2.local");
        ck_assert_uint_eq(host_records_get_renames(H), 1);
        ck_assert_int_eq(host_records_get_state(H), REG_GROUP_PROBING);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_int_eq(host_records_get_state(H), REG_GROUP_ESTABLISHED);
        registry_lookup_init(&it, R, &n2, DNS_TYPE_A, DNS_CLASS_IN, ETH0, AF_INET);
        ck_assert(registry_lookup_next(&it, &a));
        registry_lookup_init(&it, R, &n1, DNS_TYPE_ANY, DNS_CLASS_IN, ETH0, AF_INET);
        ck_assert(!registry_lookup_next(&it, &a));
        /* and once more: board-3 */
        struct dns_rr theirs2 = fake_a("board-2.local", "169.254.99.2");
        fake_receive_response(ETH0, AF_INET, "169.254.99.2", &theirs2, 1);
        fake_until_probes(ETH0, AF_INET, probes() + 1);
        fake_receive_response(ETH0, AF_INET, "169.254.99.2", &theirs2, 1);
        ck_assert_str_eq(host_records_get_name(H), "board-3.local");
}
END_TEST

START_TEST(test_set_label) {
        /* the administrator renames the host (D-Bus SetHostName): goodbyes (RFC 6762 §10.1) for
         * the old name, probes (§8.1) for the new one, the callback once */
        struct dns_name old = fake_name("board.local"), new = fake_name("desk.local");
        struct reg_lookup it;
        struct reg_answer a;
        unsigned goodbyes = 0;
        size_t first, n_probes;

        fake_advance(10 * USEC_PER_SEC);
        ck_assert_int_eq(host_records_get_state(H), REG_GROUP_ESTABLISHED);
        ck_assert_int_eq(host_records_set_label(H, "board", fake_now), 0); /* the same: nothing */
        ck_assert_uint_eq(n_renamed, 0);
        ck_assert_int_eq(host_records_set_label(H, "", fake_now), -EINVAL);
        first = fake_n_sent;
        n_probes = probes();
        ck_assert_int_eq(host_records_set_label(H, "desk", fake_now), 0);
        ck_assert_uint_eq(n_renamed, 1);
        ck_assert_str_eq(renamed_to, "desk.local");
        ck_assert_str_eq(host_records_get_name(H), "desk.local");
        ck_assert_int_eq(host_records_get_state(H), REG_GROUP_PROBING);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_int_eq(host_records_get_state(H), REG_GROUP_ESTABLISHED);
        ck_assert_uint_eq(probes() - n_probes, 3);
        for (size_t k = first; k < fake_n_sent; k++) {
                uint16_t cnt;
                const struct dns_rr *rrs;

                if (!fake_is_response(k))
                        continue;
                rrs = dns_msg_section(fake_parse(k), DNS_SECTION_ANSWER, &cnt);
                for (uint16_t j = 0; j < cnt; j++)
                        if (dns_name_equal(&rrs[j].name, &old) && rrs[j].ttl == 0)
                                goodbyes++;
        }
        ck_assert_uint_ge(goodbyes, 1);
        registry_lookup_init(&it, R, &new, DNS_TYPE_A, DNS_CLASS_IN, ETH0, AF_INET);
        ck_assert(registry_lookup_next(&it, &a));
        registry_lookup_init(&it, R, &old, DNS_TYPE_ANY, DNS_CLASS_IN, ETH0, AF_INET);
        ck_assert(!registry_lookup_next(&it, &a));
        /* a backslash or a dot from a client is a byte of the label, not an escape */
        char label[64];

        ck_assert_int_eq(host_records_set_label(H, "a\\065", fake_now), 0);
        ck_assert_int_eq(dns_name_first_label(host_records_get_dns_name(H), label, sizeof label), 5);
        ck_assert_str_eq(label, "a\\065");
        ck_assert_uint_eq(dns_name_label_count(host_records_get_dns_name(H)), 2);
}
END_TEST

START_TEST(test_conflict_while_probing_rename) {
        /* §8.1: a response for our name while probing: rename at once, and probe the new name */
        struct dns_rr theirs = fake_a("board.local", "169.254.99.1");
        size_t n;

        fake_until_probes(ETH0, AF_INET, 1);
        fake_receive_response(ETH0, AF_INET, "169.254.99.1", &theirs, 1);
        ck_assert_str_eq(host_records_get_name(H), "board-2.local");
        n = probes();
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(probes(), n + 3);
        ck_assert_int_eq(host_records_get_state(H), REG_GROUP_ESTABLISHED);
        /* the new name is in the probes */
        size_t idx[16];
        size_t k = fake_find(true, ETH0, AF_INET, idx, 16);
        ck_assert_uint_eq(fake_count_rr(idx[k - 1], DNS_SECTION_AUTHORITY, "board-2.local", 0), 2);
}
END_TEST

START_TEST(test_conflicting_reverse_ptr_ignored) {
        /* reverse mappings are ours by construction: never probed, never a reason to rename */
        struct dns_rr theirs = fake_ptr("20.10.254.169.in-addr.arpa", "other.local");

        fake_advance(10 * USEC_PER_SEC);
        fake_receive_response(ETH0, AF_INET, "169.254.99.1", &theirs, 1);
        fake_advance(10 * USEC_PER_SEC);
        ck_assert_uint_eq(n_renamed, 0);
        ck_assert_uint_eq(probes(), 3);
}
END_TEST

START_TEST(test_rate_limit_15_in_10s) {
        /* §8.1: "If fifteen conflicts occur within any ten-second period, then the host MUST wait
         * at least five seconds before each successive additional probe attempt." Another host
         * answers every probe we send, for every name we try. */
        usec_t attempt_start[40], first_probe[40];
        int attempts = 0, distinct_waits = 0;

        for (attempts = 0; attempts < 20; attempts++) {
                char name[64];
                size_t n = probes();

                attempt_start[attempts] = fake_now;
                fake_until_probes(ETH0, AF_INET, n + 1);
                first_probe[attempts] = fake_now;
                snprintf(name, sizeof name, "%s", host_records_get_name(H));
                struct dns_rr theirs = fake_a(name, "169.254.99.1");
                fake_receive_response(ETH0, AF_INET, "169.254.99.1", &theirs, 1);
                ck_assert_str_ne(host_records_get_name(H), name);
        }
        for (int k = 0; k < attempts; k++) {
                usec_t wait = first_probe[k] - attempt_start[k];

                if (k < 15) {
                        ck_assert_uint_le(wait, 250 * MS); /* §8.1 0–250 ms */
                        if (k > 0)
                                distinct_waits += wait != first_probe[k - 1] - attempt_start[k - 1];
                } else
                        ck_assert_uint_ge(wait, 5 * USEC_PER_SEC); /* rate limited */
        }
        ck_assert_int_gt(distinct_waits, 10); /* a fresh random wait each attempt */
        /* fifteen conflicts happened within ten seconds */
        ck_assert_uint_lt(first_probe[14] - first_probe[0], 10 * USEC_PER_SEC);
        ck_assert_str_eq(host_records_get_name(H), "board-21.local");
        /* once things calm down the limit lifts */
        fake_advance(30 * USEC_PER_SEC);
        ck_assert_int_eq(host_records_get_state(H), REG_GROUP_ESTABLISHED);
}
END_TEST

START_TEST(test_simultaneous_then_answered) {
        /* two hosts probing for the same name: we lose the tie-break, wait 1 s, probe again, and
         * the winner (now established) answers: rename */
        struct dns_rr theirs = fake_a("board.local", "169.254.200.1");
        usec_t t;

        fake_until_probes(ETH0, AF_INET, 1);
        t = fake_now;
        fake_receive_probe(ETH0, AF_INET, "169.254.200.1", &theirs, 1);
        ck_assert_uint_eq(registry_get_stats(R)->tiebreaks_lost, 1);
        fake_until_probes(ETH0, AF_INET, 2);
        ck_assert_uint_eq(fake_now, t + USEC_PER_SEC);
        ck_assert_str_eq(host_records_get_name(H), "board.local");
        fake_receive_response(ETH0, AF_INET, "169.254.200.1", &theirs, 1);
        ck_assert_str_eq(host_records_get_name(H), "board-2.local");
}
END_TEST

static Suite *conflict_suite(void) {
        Suite *s = suite_create("conflict");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_limiter);
        tcase_add_test(tc, test_verdicts);
        suite_add_tcase(s, tc);

        tc = tcase_create("host");
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_host_records_content);
        tcase_add_test(tc, test_set_label);
        tcase_add_test(tc, test_conflict_after_established_reprobe_keep);
        tcase_add_test(tc, test_conflict_after_established_rename);
        tcase_add_test(tc, test_conflict_while_probing_rename);
        tcase_add_test(tc, test_conflicting_reverse_ptr_ignored);
        tcase_add_test(tc, test_rate_limit_15_in_10s);
        tcase_add_test(tc, test_simultaneous_then_answered);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        return unit_run(conflict_suite());
}
