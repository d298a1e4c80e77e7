/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IPv4 link-local address choice (RFC 3927 §2.1) on top of acd, driven by a fake clock. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipv4ll/arp-packet.h"
#include "ipv4ll/ipv4ll.h"
#include "log.h"
#include "util.h"
#include "unit.h"

/* Check's ck_assert_*() records every passing assertion through its fork pipe, which is slow in
 * loops over many draws; these only cost anything when they fail. */
#define CHECK(expr)                                                                               \
        do {                                                                                      \
                if (!(expr))                                                                      \
                        ck_abort_msg("%s:%d: check failed: %s", __FILE__, __LINE__, #expr);       \
        } while (0)
#define CHECK_CMP(type, fmt, a, op, b)                                                            \
        do {                                                                                      \
                type _x = (type) (a), _y = (type) (b);                                            \
                if (!(_x op _y))                                                                  \
                        ck_abort_msg("%s:%d: check failed: %s %s %s (" fmt " vs " fmt ")", __FILE__, \
                                     __LINE__, #a, #op, #b, _x, _y);                              \
        } while (0)
#define CHECK_UINT(a, op, b) CHECK_CMP(unsigned long long, "%llu", a, op, b)
#define CHECK_INT(a, op, b) CHECK_CMP(long long, "%lld", a, op, b)

/* RFC 3927 §9, restated so that the tests check the code against the RFC */
#define T_PROBE_WAIT (1 * USEC_PER_SEC)
#define T_MAX_CONFLICTS 10
#define T_RATE_LIMIT_INTERVAL (60 * USEC_PER_SEC)
#define T_DEFEND_INTERVAL (10 * USEC_PER_SEC)

#define T0 (5000 * USEC_PER_SEC)

static const struct ether_addr mac_a = { { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } };
static const struct ether_addr mac_b = { { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 } };
static const struct ether_addr mac_peer = { { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x02 } };
static const struct in_addr no_addr = { 0 };

static struct in_addr ip4(unsigned a, unsigned b, unsigned c, unsigned d) {
        return (struct in_addr) { .s_addr = htonl((uint32_t) (a << 24 | b << 16 | c << 8 | d)) };
}

static struct rng test_rng;

static int ll_new(struct ipv4ll **ret, const struct ether_addr *mac, const char *ifname, struct in_addr remembered,
                  uint64_t seed, double scale) {
        struct ipv4ll_config cfg = {
                .ifname = ifname, .mac = *mac, .rng = &test_rng, .remembered = remembered, .timing_scale = scale,
        };

        rng_seed(&test_rng, seed);
        return ipv4ll_new(ret, &cfg);
}

static struct ipv4ll *ll_make(struct in_addr remembered, uint64_t seed, double scale) {
        struct ipv4ll *ll = NULL;

        CHECK_INT(ll_new(&ll, &mac_a, "eth0", remembered, seed, scale), ==, 0);
        CHECK(ll);
        return ll;
}

static struct in_addr first_candidate(const struct ether_addr *mac, const char *ifname) {
        struct ipv4ll_candidates c;

        ipv4ll_candidates_init(&c, mac, ifname);
        return ipv4ll_candidates_next(&c, no_addr);
}

/* A transcript of the actions, with the fake time of each. */
struct step {
        usec_t t;
        struct ipv4ll_action a;
};

struct transcript {
        size_t n;
        struct step steps[128];
};

static void transcript_add(struct transcript *tr, usec_t t, const struct ipv4ll_actions *acts) {
        if (!tr)
                return;
        for (size_t i = 0; i < acts->n; i++) {
                CHECK_UINT(tr->n, <, ELEMENTSOF(tr->steps));
                tr->steps[tr->n++] = (struct step) { .t = t, .a = acts->actions[i] };
        }
}

static void run_until(struct ipv4ll *ll, usec_t *now, usec_t until, struct transcript *tr) {
        struct ipv4ll_actions acts;

        for (;;) {
                usec_t t = ipv4ll_next_timeout(ll);

                if (t == USEC_INFINITY || t > until)
                        break;
                CHECK_UINT(t, >=, *now);
                *now = t;
                CHECK_INT(ipv4ll_handle_timeout(ll, t, &acts), >=, 0);
                transcript_add(tr, t, &acts);
        }
        if (until != USEC_INFINITY && until > *now)
                *now = until;
}

/* Run to the next action of `kind`; return its time and (if ret) the action. */
static usec_t run_to(struct ipv4ll *ll, usec_t *now, enum ipv4ll_action_kind kind, struct ipv4ll_action *ret) {
        struct ipv4ll_actions acts;

        for (;;) {
                usec_t t = ipv4ll_next_timeout(ll);

                CHECK_UINT(t, !=, USEC_INFINITY);
                *now = t;
                CHECK_INT(ipv4ll_handle_timeout(ll, t, &acts), >=, 0);
                for (size_t i = 0; i < acts.n; i++)
                        if (acts.actions[i].kind == kind) {
                                if (ret)
                                        *ret = acts.actions[i];
                                return t;
                        }
        }
}

static struct in_addr probe_target(const struct ipv4ll_action *a) {
        struct arp_packet p;

        CHECK_INT(a->kind, ==, IPV4LL_ACTION_SEND_PROBE);
        CHECK_INT(arp_packet_parse(a->packet, a->packet_len, &p), ==, 0);
        CHECK(arp_packet_is_probe(&p));
        CHECK(!memcmp(&p.sender_hw, &mac_a, sizeof mac_a));
        return p.target_ip;
}

/* The address the next probe is for. */
static struct in_addr next_probe_target(struct ipv4ll *ll, usec_t *now, usec_t *when) {
        struct ipv4ll_action a;
        usec_t t = run_to(ll, now, IPV4LL_ACTION_SEND_PROBE, &a);

        if (when)
                *when = t;
        return probe_target(&a);
}

/* An ARP reply from another host that uses addr: a conflict whatever the state. */
static struct arp_packet conflict_for(struct in_addr addr) {
        return (struct arp_packet) { .op = ARP_OP_REPLY, .sender_hw = mac_peer, .sender_ip = addr,
                                     .target_ip = ip4(169, 254, 99, 99) };
}

static const struct ipv4ll_action *find_action(const struct ipv4ll_actions *acts, enum ipv4ll_action_kind kind) {
        for (size_t i = 0; i < acts->n; i++)
                if (acts->actions[i].kind == kind)
                        return &acts->actions[i];
        return NULL;
}

static struct ipv4ll *ll_bound(struct in_addr remembered, usec_t *now) {
        struct ipv4ll *ll = ll_make(remembered, 1, 0);
        struct ipv4ll_actions acts;

        *now = T0;
        CHECK_INT(ipv4ll_start(ll, *now, &acts), >=, 0);
        run_until(ll, now, USEC_INFINITY, NULL);
        CHECK_INT(ipv4ll_get_state(ll), ==, IPV4LL_STATE_BOUND);
        CHECK(ipv4ll_is_bound(ll));
        *now += 60 * USEC_PER_SEC;
        return ll;
}

/* ---------------------------------------------------------------- the candidate sequence */

START_TEST(test_address_is_valid) {
        /* RFC 3927 §2.1: the first and last 256 addresses of 169.254/16 are reserved */
        CHECK(!ipv4ll_address_is_valid(ip4(169, 254, 0, 0)));
        CHECK(!ipv4ll_address_is_valid(ip4(169, 254, 0, 255)));
        CHECK(ipv4ll_address_is_valid(ip4(169, 254, 1, 0)));
        CHECK(ipv4ll_address_is_valid(ip4(169, 254, 128, 255)));
        CHECK(ipv4ll_address_is_valid(ip4(169, 254, 254, 255)));
        CHECK(!ipv4ll_address_is_valid(ip4(169, 254, 255, 0)));
        CHECK(!ipv4ll_address_is_valid(ip4(169, 254, 255, 255)));
        CHECK(!ipv4ll_address_is_valid(ip4(169, 253, 1, 1)));
        CHECK(!ipv4ll_address_is_valid(ip4(169, 255, 1, 1)));
        CHECK(!ipv4ll_address_is_valid(ip4(10, 0, 0, 1)));
        CHECK(!ipv4ll_address_is_valid(ip4(0, 0, 0, 0)));
}
END_TEST

START_TEST(test_candidates_in_range) {
        bool seen3[256] = {}, seen4[256] = {};
        struct ipv4ll_candidates c;
        struct ether_addr mac = mac_a;

        /* 100k draws from one MAC, then 10k from each of 10 more */
        for (unsigned m = 0; m <= 10; m++) {
                unsigned draws = m == 0 ? 100000 : 10000;

                mac.ether_addr_octet[5] = (uint8_t) (0x56 + m);
                ipv4ll_candidates_init(&c, &mac, "eth0");
                for (unsigned i = 0; i < draws; i++) {
                        struct in_addr a = ipv4ll_candidates_next(&c, no_addr);
                        uint32_t h = ntohl(a.s_addr);

                        CHECK(ipv4ll_address_is_valid(a));
                        CHECK_UINT(h >> 16, ==, 0xA9FE);
                        seen3[(h >> 8) & 0xff] = true;
                        seen4[h & 0xff] = true;
                }
        }
        /* never 169.254.0.x or 169.254.255.x; every other third octet, every fourth octet */
        CHECK(!seen3[0]);
        CHECK(!seen3[255]);
        for (unsigned i = 1; i <= 254; i++)
                CHECK(seen3[i]);
        for (unsigned i = 0; i <= 255; i++)
                CHECK(seen4[i]);
}
END_TEST

START_TEST(test_candidates_stable) {
        struct ipv4ll_candidates c1, c2;
        struct ipv4ll *l1, *l2;
        struct ipv4ll_actions acts;
        usec_t n1 = T0, n2 = 7 * T0;

        ipv4ll_candidates_init(&c1, &mac_a, "eth0");
        ipv4ll_candidates_init(&c2, &mac_a, "eth0");
        for (unsigned i = 0; i < 1000; i++)
                CHECK_UINT(ipv4ll_candidates_next(&c1, no_addr).s_addr, ==, ipv4ll_candidates_next(&c2, no_addr).s_addr);

        /* the machine: other timing randomness, another start time, same first address
         * (the sequence depends on the MAC and the name only, never on the clock) */
        l1 = ll_make(no_addr, 1, 0);
        l2 = ll_make(no_addr, 999, 0);
        CHECK_INT(ipv4ll_start(l1, n1, &acts), >=, 0);
        CHECK_INT(ipv4ll_start(l2, n2, &acts), >=, 0);
        CHECK_UINT(next_probe_target(l1, &n1, NULL).s_addr, ==, first_candidate(&mac_a, "eth0").s_addr);
        CHECK_UINT(next_probe_target(l2, &n2, NULL).s_addr, ==, first_candidate(&mac_a, "eth0").s_addr);
        ipv4ll_free(l1);
        ipv4ll_free(l2);
}
END_TEST

static unsigned candidates_same_positions(const struct ether_addr *m1, const char *n1, const struct ether_addr *m2,
                                          const char *n2) {
        struct ipv4ll_candidates c1, c2;
        unsigned same = 0;

        ipv4ll_candidates_init(&c1, m1, n1);
        ipv4ll_candidates_init(&c2, m2, n2);
        for (unsigned i = 0; i < 64; i++)
                same += ipv4ll_candidates_next(&c1, no_addr).s_addr == ipv4ll_candidates_next(&c2, no_addr).s_addr;
        return same;
}

START_TEST(test_candidates_differ) {
        struct ether_addr m = mac_a;

        /* MACs one bit apart (adjacent NICs), in the last and in the first octet */
        CHECK_UINT(candidates_same_positions(&mac_a, "eth0", &mac_b, "eth0"), <=, 1);
        m.ether_addr_octet[0] ^= 0x02;
        CHECK_UINT(candidates_same_positions(&mac_a, "eth0", &m, "eth0"), <=, 1);
        /* two interfaces sharing a MAC */
        CHECK_UINT(candidates_same_positions(&mac_a, "eth0", &mac_a, "eth1"), <=, 1);
        CHECK_UINT(candidates_same_positions(&mac_a, "eth0", &mac_a, "eth0.1"), <=, 1);
        CHECK(first_candidate(&mac_a, "eth0").s_addr != first_candidate(&mac_b, "eth0").s_addr);
        /* many MACs: first candidates nearly all distinct (65024 possible values) */
        {
                uint32_t firsts[200];
                unsigned dup = 0;

                for (unsigned i = 0; i < ELEMENTSOF(firsts); i++) {
                        m = mac_a;
                        m.ether_addr_octet[4] = (uint8_t) (i >> 8);
                        m.ether_addr_octet[5] = (uint8_t) i;
                        firsts[i] = first_candidate(&m, "eth0").s_addr;
                        for (unsigned j = 0; j < i; j++)
                                dup += firsts[j] == firsts[i];
                }
                CHECK_UINT(dup, <=, 2);
        }
}
END_TEST

START_TEST(test_candidates_never_repeat_conflicted) {
        struct ipv4ll_candidates c1, c2;
        struct in_addr first, second, avoided;

        ipv4ll_candidates_init(&c1, &mac_a, "eth0");
        first = ipv4ll_candidates_next(&c1, no_addr);
        second = ipv4ll_candidates_next(&c1, no_addr);
        /* the same sequence, told to avoid what it is about to draw, draws the one after */
        ipv4ll_candidates_init(&c2, &mac_a, "eth0");
        avoided = ipv4ll_candidates_next(&c2, first);
        CHECK_UINT(avoided.s_addr, !=, first.s_addr);
        CHECK_UINT(avoided.s_addr, ==, second.s_addr);
}
END_TEST

/* ---------------------------------------------------------------- the first address */

START_TEST(test_first_address_from_sequence) {
        struct ipv4ll *ll = ll_make(no_addr, 1, 0);
        struct ipv4ll_actions acts;
        usec_t now = T0;

        CHECK_UINT(ipv4ll_get_address(ll).s_addr, ==, 0);
        CHECK_INT(ipv4ll_start(ll, now, &acts), ==, 1);
        CHECK_INT(acts.actions[0].kind, ==, IPV4LL_ACTION_STATE_CHANGED);
        CHECK_INT(acts.actions[0].state, ==, IPV4LL_STATE_WAITING);
        CHECK_UINT(acts.actions[0].addr.s_addr, ==, first_candidate(&mac_a, "eth0").s_addr);
        CHECK_UINT(ipv4ll_get_address(ll).s_addr, ==, first_candidate(&mac_a, "eth0").s_addr);
        CHECK_UINT(next_probe_target(ll, &now, NULL).s_addr, ==, first_candidate(&mac_a, "eth0").s_addr);
        CHECK_INT(ipv4ll_start(ll, now, &acts), ==, -EBUSY);
        ipv4ll_free(ll);
}
END_TEST

START_TEST(test_remembered_address_first) {
        struct in_addr remembered = ip4(169, 254, 77, 88);
        struct ipv4ll *ll = ll_make(remembered, 1, 0);
        struct ipv4ll_actions acts;
        struct arp_packet p;
        usec_t now = T0;

        CHECK_INT(ipv4ll_start(ll, now, &acts), >=, 0);
        CHECK_UINT(next_probe_target(ll, &now, NULL).s_addr, ==, remembered.s_addr);
        /* it is taken: then the sequence, from its start */
        p = conflict_for(remembered);
        CHECK_INT(ipv4ll_handle_arp(ll, &p, now, &acts), >=, 0);
        CHECK_UINT(next_probe_target(ll, &now, NULL).s_addr, ==, first_candidate(&mac_a, "eth0").s_addr);
        ipv4ll_free(ll);
}
END_TEST

START_TEST(test_remembered_address_invalid_ignored) {
        const struct in_addr bad[] = {
                ip4(169, 254, 0, 1), ip4(169, 254, 0, 255), ip4(169, 254, 255, 0),   ip4(169, 254, 255, 255),
                ip4(192, 168, 1, 1), ip4(10, 1, 2, 3),      ip4(255, 255, 255, 255), ip4(224, 0, 0, 251),
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                struct ipv4ll *ll = ll_make(bad[i], 1, 0);
                struct ipv4ll_actions acts;
                usec_t now = T0;

                CHECK_UINT(ipv4ll_get_address(ll).s_addr, ==, 0);
                CHECK_INT(ipv4ll_start(ll, now, &acts), >=, 0);
                CHECK_UINT(next_probe_target(ll, &now, NULL).s_addr, ==, first_candidate(&mac_a, "eth0").s_addr);
                ipv4ll_free(ll);
        }
}
END_TEST

/* ---------------------------------------------------------------- claiming and losing */

START_TEST(test_claim_actions) {
        static const struct {
                enum ipv4ll_action_kind kind;
                enum ipv4ll_state state;
        } expected[] = {
                { IPV4LL_ACTION_SEND_PROBE, 0 },
                { IPV4LL_ACTION_STATE_CHANGED, IPV4LL_STATE_PROBING },
                { IPV4LL_ACTION_SEND_PROBE, 0 },
                { IPV4LL_ACTION_SEND_PROBE, 0 },
                /* the edge adds the address before the first announcement is sent */
                { IPV4LL_ACTION_BOUND, 0 },
                { IPV4LL_ACTION_SEND_ANNOUNCEMENT, 0 },
                { IPV4LL_ACTION_STATE_CHANGED, IPV4LL_STATE_ANNOUNCING },
                { IPV4LL_ACTION_SEND_ANNOUNCEMENT, 0 },
                { IPV4LL_ACTION_STATE_CHANGED, IPV4LL_STATE_BOUND },
        };
        struct ipv4ll *ll = ll_make(no_addr, 5, 0);
        struct in_addr addr = first_candidate(&mac_a, "eth0");
        struct ipv4ll_actions acts;
        struct transcript tr = {};
        usec_t now = T0;

        CHECK_INT(ipv4ll_start(ll, now, &acts), ==, 1);
        CHECK_INT(ipv4ll_get_state(ll), ==, IPV4LL_STATE_WAITING);
        CHECK(!ipv4ll_is_bound(ll));
        run_until(ll, &now, USEC_INFINITY, &tr);
        CHECK_UINT(tr.n, ==, ELEMENTSOF(expected));
        for (size_t i = 0; i < tr.n; i++) {
                CHECK_INT(tr.steps[i].a.kind, ==, expected[i].kind);
                CHECK_UINT(tr.steps[i].a.addr.s_addr, ==, addr.s_addr);
                if (expected[i].kind == IPV4LL_ACTION_STATE_CHANGED)
                        CHECK_INT(tr.steps[i].a.state, ==, expected[i].state);
                if (expected[i].kind == IPV4LL_ACTION_SEND_PROBE)
                        CHECK_UINT(probe_target(&tr.steps[i].a).s_addr, ==, addr.s_addr);
        }
        CHECK_INT(ipv4ll_get_state(ll), ==, IPV4LL_STATE_BOUND);
        CHECK(ipv4ll_is_bound(ll));
        CHECK_UINT(ipv4ll_get_address(ll).s_addr, ==, addr.s_addr);
        CHECK_UINT(ipv4ll_next_timeout(ll), ==, USEC_INFINITY);
        ipv4ll_free(ll);
}
END_TEST

START_TEST(test_conflict_while_probing_moves_on) {
        struct ipv4ll *ll = ll_make(no_addr, 2, 0);
        struct in_addr first = first_candidate(&mac_a, "eth0"), second;
        struct ipv4ll_actions acts;
        struct arp_packet p;
        usec_t now = T0, tc, tp;

        CHECK_INT(ipv4ll_start(ll, now, &acts), >=, 0);
        CHECK_UINT(next_probe_target(ll, &now, NULL).s_addr, ==, first.s_addr);
        tc = now + 10;
        p = conflict_for(first);
        CHECK_INT(ipv4ll_handle_arp(ll, &p, tc, &acts), ==, 1);
        /* never bound, so nothing to remove; back to waiting with a new address */
        CHECK(!find_action(&acts, IPV4LL_ACTION_LOST));
        CHECK_INT(acts.actions[0].kind, ==, IPV4LL_ACTION_STATE_CHANGED);
        CHECK_INT(acts.actions[0].state, ==, IPV4LL_STATE_WAITING);
        second = ipv4ll_get_address(ll);
        CHECK_UINT(acts.actions[0].addr.s_addr, ==, second.s_addr);
        CHECK_UINT(second.s_addr, !=, first.s_addr);
        CHECK(ipv4ll_address_is_valid(second));
        CHECK_UINT(ipv4ll_get_conflicts(ll), ==, 1);
        /* and it probes the new one at once (after the random PROBE_WAIT) */
        now = tc;
        CHECK_UINT(next_probe_target(ll, &now, &tp).s_addr, ==, second.s_addr);
        CHECK_UINT(tp - tc, <=, T_PROBE_WAIT);
        ipv4ll_free(ll);
}
END_TEST

START_TEST(test_conflict_after_claim_defend_then_lose) {
        usec_t now, t1;
        struct ipv4ll *ll = ll_bound(no_addr, &now);
        struct in_addr addr = ipv4ll_get_address(ll), next;
        struct arp_packet p = conflict_for(addr);
        struct ipv4ll_actions acts;
        const struct ipv4ll_action *a;

        /* RFC 5227 §2.4 (b): defend once */
        t1 = now;
        CHECK_INT(ipv4ll_handle_arp(ll, &p, t1, &acts), ==, 2);
        CHECK_INT(acts.actions[0].kind, ==, IPV4LL_ACTION_SEND_ANNOUNCEMENT);
        CHECK_INT(acts.actions[1].kind, ==, IPV4LL_ACTION_STATE_CHANGED);
        CHECK_INT(acts.actions[1].state, ==, IPV4LL_STATE_DEFENDING);
        CHECK(ipv4ll_is_bound(ll));
        CHECK_UINT(ipv4ll_next_timeout(ll), ==, t1 + T_DEFEND_INTERVAL);

        /* a second conflict within DEFEND_INTERVAL: the address is lost, a new one is chosen */
        CHECK_INT(ipv4ll_handle_arp(ll, &p, t1 + T_DEFEND_INTERVAL / 2, &acts), ==, 2);
        CHECK_INT(acts.actions[0].kind, ==, IPV4LL_ACTION_LOST);
        CHECK_UINT(acts.actions[0].addr.s_addr, ==, addr.s_addr);
        a = find_action(&acts, IPV4LL_ACTION_STATE_CHANGED);
        CHECK(a);
        CHECK_INT(a->state, ==, IPV4LL_STATE_WAITING);
        CHECK(!ipv4ll_is_bound(ll));
        next = ipv4ll_get_address(ll);
        CHECK_UINT(next.s_addr, !=, addr.s_addr);
        CHECK_UINT(ipv4ll_get_conflicts(ll), ==, 1);
        now = t1 + T_DEFEND_INTERVAL / 2;
        CHECK_UINT(next_probe_target(ll, &now, NULL).s_addr, ==, next.s_addr);
        ipv4ll_free(ll);
}
END_TEST

START_TEST(test_defending_returns_to_bound) {
        usec_t now, t1;
        struct ipv4ll *ll = ll_bound(no_addr, &now);
        struct arp_packet p = conflict_for(ipv4ll_get_address(ll));
        struct ipv4ll_actions acts;
        struct transcript tr = {};

        t1 = now;
        CHECK_INT(ipv4ll_handle_arp(ll, &p, t1, &acts), ==, 2);
        run_until(ll, &now, USEC_INFINITY, &tr);
        CHECK_UINT(tr.n, ==, 1);
        CHECK_UINT(tr.steps[0].t, ==, t1 + T_DEFEND_INTERVAL);
        CHECK_INT(tr.steps[0].a.kind, ==, IPV4LL_ACTION_STATE_CHANGED);
        CHECK_INT(tr.steps[0].a.state, ==, IPV4LL_STATE_BOUND);
        /* and after DEFEND_INTERVAL it defends again */
        CHECK_INT(ipv4ll_handle_arp(ll, &p, t1 + T_DEFEND_INTERVAL + 1, &acts), ==, 2);
        CHECK_INT(acts.actions[0].kind, ==, IPV4LL_ACTION_SEND_ANNOUNCEMENT);
        CHECK(ipv4ll_is_bound(ll));
        ipv4ll_free(ll);
}
END_TEST

/* ---------------------------------------------------------------- MAX_CONFLICTS rate limit */

/* Let the current attempt send its first probe, then hit it with a conflict; return the time. */
static usec_t conflict_next_attempt(struct ipv4ll *ll, usec_t *now, struct in_addr *addr, usec_t *first_probe) {
        struct ipv4ll_actions acts;
        struct arp_packet p;

        *addr = next_probe_target(ll, now, first_probe);
        CHECK_UINT(addr->s_addr, ==, ipv4ll_get_address(ll).s_addr);
        p = conflict_for(*addr);
        CHECK_INT(ipv4ll_handle_arp(ll, &p, *now, &acts), >=, 1);
        CHECK_UINT(ipv4ll_get_address(ll).s_addr, !=, addr->s_addr); /* never the same address again */
        return *now;
}

START_TEST(test_rate_limit_after_max_conflicts) {
        struct ipv4ll *ll = ll_make(no_addr, 3, 0);
        struct ipv4ll_actions acts;
        struct transcript tr = {};
        struct arp_packet p;
        struct in_addr addr;
        usec_t now = T0, tc = T0, tc10, tp;

        CHECK_INT(ipv4ll_start(ll, now, &acts), >=, 0);
        /* conflicts 1 .. MAX_CONFLICTS-1: the next attempt begins at once (random PROBE_WAIT) */
        for (unsigned k = 1; k < T_MAX_CONFLICTS; k++) {
                tc = conflict_next_attempt(ll, &now, &addr, &tp);
                CHECK_UINT(ipv4ll_get_conflicts(ll), ==, k);
                CHECK_INT(ipv4ll_get_state(ll), ==, IPV4LL_STATE_WAITING);
                CHECK_UINT(ipv4ll_next_timeout(ll) - tc, <=, T_PROBE_WAIT);
        }
        /* conflict MAX_CONFLICTS: the 11th attempt waits RATE_LIMIT_INTERVAL */
        tc = conflict_next_attempt(ll, &now, &addr, &tp);
        CHECK_UINT(ipv4ll_get_conflicts(ll), ==, T_MAX_CONFLICTS);
        CHECK_INT(ipv4ll_get_state(ll), ==, IPV4LL_STATE_RATE_LIMITED);
        CHECK_UINT(ipv4ll_next_timeout(ll), ==, tc + T_RATE_LIMIT_INTERVAL);

        /* nothing at all before then; packets are ignored while rate-limited */
        CHECK_INT(ipv4ll_handle_timeout(ll, tc + T_RATE_LIMIT_INTERVAL - 1, &acts), ==, 0);
        p = conflict_for(ipv4ll_get_address(ll));
        CHECK_INT(ipv4ll_handle_arp(ll, &p, tc + 1, &acts), ==, 0);
        CHECK_INT(ipv4ll_restart(ll, tc + 1, &acts), ==, 0);
        run_until(ll, &now, tc + T_RATE_LIMIT_INTERVAL - 1, &tr);
        CHECK_UINT(tr.n, ==, 0);

        /* then one attempt: its first probe in [RATE_LIMIT_INTERVAL, + PROBE_WAIT] */
        run_until(ll, &now, tc + T_RATE_LIMIT_INTERVAL, &tr);
        CHECK_UINT(tr.n, ==, 1);
        CHECK_INT(tr.steps[0].a.state, ==, IPV4LL_STATE_WAITING);
        CHECK_UINT(tr.steps[0].t, ==, tc + T_RATE_LIMIT_INTERVAL);
        tc10 = tc;
        tc = conflict_next_attempt(ll, &now, &addr, &tp);
        CHECK_UINT(tp - tc10, >=, T_RATE_LIMIT_INTERVAL);
        CHECK_UINT(tp - tc10, <=, T_RATE_LIMIT_INTERVAL + T_PROBE_WAIT);

        /* and the 12th too */
        CHECK_UINT(ipv4ll_get_conflicts(ll), ==, T_MAX_CONFLICTS + 1);
        CHECK_INT(ipv4ll_get_state(ll), ==, IPV4LL_STATE_RATE_LIMITED);
        CHECK_UINT(ipv4ll_next_timeout(ll), ==, tc + T_RATE_LIMIT_INTERVAL);

        /* stopping while rate-limited: nothing to remove */
        CHECK_INT(ipv4ll_stop(ll, now, &acts), ==, 1);
        CHECK_INT(acts.actions[0].state, ==, IPV4LL_STATE_DISABLED);
        CHECK_UINT(ipv4ll_next_timeout(ll), ==, USEC_INFINITY);
        ipv4ll_free(ll);
}
END_TEST

START_TEST(test_rate_limit_counter_reset_by_claim) {
        struct ipv4ll *ll = ll_make(no_addr, 4, 0);
        struct ipv4ll_actions acts;
        struct arp_packet p;
        struct in_addr addr;
        usec_t now = T0, tp;

        CHECK_INT(ipv4ll_start(ll, now, &acts), >=, 0);
        for (unsigned k = 1; k < T_MAX_CONFLICTS; k++)
                conflict_next_attempt(ll, &now, &addr, &tp);
        CHECK_UINT(ipv4ll_get_conflicts(ll), ==, T_MAX_CONFLICTS - 1);
        run_until(ll, &now, USEC_INFINITY, NULL);
        CHECK_INT(ipv4ll_get_state(ll), ==, IPV4LL_STATE_BOUND);
        CHECK_UINT(ipv4ll_get_conflicts(ll), ==, 0); /* a claim ends the acquisition */

        /* losing it later starts a fresh count: the next attempt is not rate-limited */
        p = conflict_for(ipv4ll_get_address(ll));
        now += T_DEFEND_INTERVAL;
        CHECK_INT(ipv4ll_handle_arp(ll, &p, now, &acts), ==, 2);
        CHECK_INT(ipv4ll_handle_arp(ll, &p, now + 1, &acts), ==, 2);
        CHECK_INT(ipv4ll_get_state(ll), ==, IPV4LL_STATE_WAITING);
        CHECK_UINT(ipv4ll_get_conflicts(ll), ==, 1);
        ipv4ll_free(ll);
}
END_TEST

/* ---------------------------------------------------------------- stop, start, link flap */

START_TEST(test_stop_and_start_again) {
        usec_t now;
        struct ipv4ll *ll = ll_bound(no_addr, &now);
        struct in_addr addr = ipv4ll_get_address(ll);
        struct ipv4ll_actions acts;
        struct arp_packet p = conflict_for(addr);

        /* e.g. a routable address appeared (RFC 3927 §1.9) */
        CHECK_INT(ipv4ll_stop(ll, now, &acts), ==, 2);
        CHECK_INT(acts.actions[0].kind, ==, IPV4LL_ACTION_LOST);
        CHECK_UINT(acts.actions[0].addr.s_addr, ==, addr.s_addr);
        CHECK_INT(acts.actions[1].kind, ==, IPV4LL_ACTION_STATE_CHANGED);
        CHECK_INT(acts.actions[1].state, ==, IPV4LL_STATE_DISABLED);
        CHECK(!ipv4ll_is_bound(ll));
        CHECK_UINT(ipv4ll_next_timeout(ll), ==, USEC_INFINITY);
        CHECK_INT(ipv4ll_stop(ll, now, &acts), ==, 0);
        CHECK_INT(ipv4ll_handle_arp(ll, &p, now, &acts), ==, 0);
        CHECK_INT(ipv4ll_handle_timeout(ll, now + T_RATE_LIMIT_INTERVAL, &acts), ==, 0);
        CHECK_UINT(ipv4ll_get_address(ll).s_addr, ==, addr.s_addr); /* kept for next time */

        /* it went away again: the same address first */
        now += 3600 * USEC_PER_SEC;
        CHECK_INT(ipv4ll_start(ll, now, &acts), ==, 1);
        CHECK_UINT(next_probe_target(ll, &now, NULL).s_addr, ==, addr.s_addr);
        run_until(ll, &now, USEC_INFINITY, NULL);
        CHECK_INT(ipv4ll_get_state(ll), ==, IPV4LL_STATE_BOUND);
        CHECK_UINT(ipv4ll_get_address(ll).s_addr, ==, addr.s_addr);
        ipv4ll_free(ll);
}
END_TEST

START_TEST(test_link_flap_reprobes_held_address) {
        usec_t now;
        struct in_addr remembered = ip4(169, 254, 42, 42);
        struct ipv4ll *ll = ll_bound(remembered, &now);
        struct ipv4ll_actions acts;
        struct transcript tr = {};
        size_t n_bound = 0;

        CHECK_UINT(ipv4ll_get_address(ll).s_addr, ==, remembered.s_addr);
        /* Bonjour conformance I.6: after a link flap, probe the address held, first */
        CHECK_INT(ipv4ll_restart(ll, now, &acts), ==, 2);
        CHECK_INT(acts.actions[0].kind, ==, IPV4LL_ACTION_LOST);
        CHECK_UINT(acts.actions[0].addr.s_addr, ==, remembered.s_addr);
        CHECK_INT(acts.actions[1].kind, ==, IPV4LL_ACTION_STATE_CHANGED);
        CHECK_INT(acts.actions[1].state, ==, IPV4LL_STATE_WAITING);
        CHECK(!ipv4ll_is_bound(ll));
        run_until(ll, &now, USEC_INFINITY, &tr);
        for (size_t i = 0; i < tr.n; i++) {
                if (tr.steps[i].a.kind == IPV4LL_ACTION_SEND_PROBE)
                        CHECK_UINT(probe_target(&tr.steps[i].a).s_addr, ==, remembered.s_addr);
                if (tr.steps[i].a.kind == IPV4LL_ACTION_BOUND) {
                        CHECK_UINT(tr.steps[i].a.addr.s_addr, ==, remembered.s_addr);
                        n_bound++;
                }
        }
        CHECK_UINT(n_bound, ==, 1);
        CHECK_INT(ipv4ll_get_state(ll), ==, IPV4LL_STATE_BOUND);
        ipv4ll_free(ll);
}
END_TEST

START_TEST(test_link_flap_while_probing) {
        struct ipv4ll *ll = ll_make(no_addr, 6, 0);
        struct ipv4ll_actions acts;
        struct arp_packet p;
        struct in_addr second;
        usec_t now = T0;

        CHECK_INT(ipv4ll_restart(ll, now, &acts), ==, 0); /* disabled: nothing */
        CHECK_INT(ipv4ll_get_state(ll), ==, IPV4LL_STATE_DISABLED);
        CHECK_INT(ipv4ll_start(ll, now, &acts), >=, 0);
        p = conflict_for(next_probe_target(ll, &now, NULL));
        CHECK_INT(ipv4ll_handle_arp(ll, &p, now, &acts), >=, 1);
        second = ipv4ll_get_address(ll);
        CHECK_UINT(next_probe_target(ll, &now, NULL).s_addr, ==, second.s_addr);
        /* flap mid-probe: the same candidate again, from the start; no LOST (never bound) */
        CHECK_INT(ipv4ll_restart(ll, now, &acts), ==, 1);
        CHECK_INT(acts.actions[0].kind, ==, IPV4LL_ACTION_STATE_CHANGED);
        CHECK_INT(acts.actions[0].state, ==, IPV4LL_STATE_WAITING);
        CHECK_UINT(next_probe_target(ll, &now, NULL).s_addr, ==, second.s_addr);
        CHECK_UINT(ipv4ll_get_conflicts(ll), ==, 1); /* a flap is not a conflict */
        ipv4ll_free(ll);
}
END_TEST

/* ---------------------------------------------------------------- configuration */

START_TEST(test_timing_scale_rate_limit) {
        struct ipv4ll *ll = ll_make(no_addr, 8, 0.01);
        struct ipv4ll_actions acts;
        struct in_addr addr;
        usec_t now = T0, tc = 0, tp;

        CHECK_INT(ipv4ll_start(ll, now, &acts), >=, 0);
        CHECK_UINT(ipv4ll_next_timeout(ll) - now, <=, T_PROBE_WAIT / 100);
        for (unsigned k = 1; k <= T_MAX_CONFLICTS; k++)
                tc = conflict_next_attempt(ll, &now, &addr, &tp);
        CHECK_INT(ipv4ll_get_state(ll), ==, IPV4LL_STATE_RATE_LIMITED);
        CHECK_UINT(ipv4ll_next_timeout(ll), ==, tc + T_RATE_LIMIT_INTERVAL / 100);
        ipv4ll_free(ll);
}
END_TEST

START_TEST(test_new_rejects_bad_config) {
        struct ipv4ll *ll = NULL;
        struct ether_addr zero = {};
        struct ipv4ll_config cfg = { .ifname = "eth0", .mac = mac_a, .rng = NULL };

        CHECK_INT(ll_new(&ll, &mac_a, NULL, no_addr, 1, 0), ==, -EINVAL);
        CHECK_INT(ll_new(&ll, &mac_a, "", no_addr, 1, 0), ==, -EINVAL);
        CHECK_INT(ll_new(&ll, &mac_a, "much-too-long-ifname", no_addr, 1, 0), ==, -EINVAL);
        CHECK_INT(ll_new(&ll, &zero, "eth0", no_addr, 1, 0), ==, -EINVAL);
        CHECK_INT(ll_new(&ll, &mac_a, "eth0", no_addr, 1, 3.0), ==, -EINVAL);
        CHECK_INT(ll_new(&ll, &mac_a, "eth0", no_addr, 1, -1.0), ==, -EINVAL);
        CHECK_INT(ipv4ll_new(&ll, &cfg), ==, -EINVAL);
        CHECK(!ll);
        ipv4ll_free(NULL);
}
END_TEST

START_TEST(test_string_tables) {
        static const char *const dbus_names[_IPV4LL_STATE_MAX] = {
                "disabled", "waiting", "probing", "announcing", "bound", "defending", "rate-limited",
        };

        for (int s = 0; s < _IPV4LL_STATE_MAX; s++)
                ck_assert_str_eq(ipv4ll_state_to_string(s), dbus_names[s]);
        for (int k = 0; k < _IPV4LL_ACTION_KIND_MAX; k++)
                ck_assert_ptr_nonnull(ipv4ll_action_kind_to_string(k));
        ck_assert_ptr_null(ipv4ll_state_to_string(_IPV4LL_STATE_MAX));
        ck_assert_ptr_null(ipv4ll_action_kind_to_string(_IPV4LL_ACTION_KIND_MAX));
}
END_TEST

/* Every ipv4ll format string once through the real logger. */
START_TEST(test_logging_smoke) {
        struct ipv4ll *ll;
        struct ipv4ll_actions acts;
        struct in_addr addr;
        usec_t now = T0, tp;

        log_set_target(LOG_TARGET_STDERR);
        log_set_max_level(LOG_DEBUG);
        ll = ll_make(ip4(169, 254, 0, 7), 9, 0);
        CHECK_INT(ipv4ll_start(ll, now, &acts), >=, 0);
        for (unsigned k = 1; k <= T_MAX_CONFLICTS; k++)
                conflict_next_attempt(ll, &now, &addr, &tp);
        run_until(ll, &now, USEC_INFINITY, NULL);
        CHECK_INT(ipv4ll_restart(ll, now, &acts), ==, 2);
        CHECK_INT(ipv4ll_stop(ll, now, &acts), ==, 1);
        ipv4ll_free(ll);
        log_set_target(LOG_TARGET_NONE);
}
END_TEST

static Suite *ipv4ll_suite(void) {
        Suite *s = suite_create("ipv4ll");
        TCase *tc;

        tc = tcase_create("candidates");
        tcase_add_test(tc, test_address_is_valid);
        tcase_add_test(tc, test_candidates_in_range);
        tcase_add_test(tc, test_candidates_stable);
        tcase_add_test(tc, test_candidates_differ);
        tcase_add_test(tc, test_candidates_never_repeat_conflicted);
        tcase_add_test(tc, test_first_address_from_sequence);
        tcase_add_test(tc, test_remembered_address_first);
        tcase_add_test(tc, test_remembered_address_invalid_ignored);
        tcase_set_timeout(tc, 60);
        suite_add_tcase(s, tc);

        tc = tcase_create("claim");
        tcase_add_test(tc, test_claim_actions);
        tcase_add_test(tc, test_conflict_while_probing_moves_on);
        tcase_add_test(tc, test_conflict_after_claim_defend_then_lose);
        tcase_add_test(tc, test_defending_returns_to_bound);
        suite_add_tcase(s, tc);

        tc = tcase_create("rate-limit");
        tcase_add_test(tc, test_rate_limit_after_max_conflicts);
        tcase_add_test(tc, test_rate_limit_counter_reset_by_claim);
        tcase_add_test(tc, test_timing_scale_rate_limit);
        suite_add_tcase(s, tc);

        tc = tcase_create("lifecycle");
        tcase_add_test(tc, test_stop_and_start_again);
        tcase_add_test(tc, test_link_flap_reprobes_held_address);
        tcase_add_test(tc, test_link_flap_while_probing);
        tcase_add_test(tc, test_new_rejects_bad_config);
        tcase_add_test(tc, test_string_tables);
        tcase_add_test(tc, test_logging_smoke);
        suite_add_tcase(s, tc);

        return s;
}

int main(void) {
        log_set_target(LOG_TARGET_NONE);
        return unit_run(ipv4ll_suite());
}
