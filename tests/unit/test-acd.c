/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The ARP codec and the RFC 5227 conflict detection core, driven by a fake clock. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ipv4ll/acd.h"
#include "ipv4ll/arp-packet.h"
#include "log.h"
#include "util.h"
#include "unit.h"

/* Check's ck_assert_*() records every passing assertion through its fork pipe, which is slow in
 * loops over thousands of seeds; these only cost anything when they fail. */
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

/* RFC 3927 §9, restated here so that the tests check the code against the RFC, not itself */
#define T_PROBE_WAIT (1 * USEC_PER_SEC)
#define T_PROBE_NUM 3
#define T_PROBE_MIN (1 * USEC_PER_SEC)
#define T_PROBE_MAX (2 * USEC_PER_SEC)
#define T_ANNOUNCE_WAIT (2 * USEC_PER_SEC)
#define T_ANNOUNCE_NUM 2
#define T_ANNOUNCE_INTERVAL (2 * USEC_PER_SEC)
#define T_DEFEND_INTERVAL (10 * USEC_PER_SEC)

#define T0 (1000 * USEC_PER_SEC) /* not zero: absolute and relative times must not be confused */
#define N_SEEDS 2000

static const struct ether_addr mac_us = { { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 } };
static const struct ether_addr mac_peer = { { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x02 } };
static const struct ether_addr mac_zero = { { 0 } };

static struct in_addr ip4(unsigned a, unsigned b, unsigned c, unsigned d) {
        return (struct in_addr) { .s_addr = htonl((uint32_t) (a << 24 | b << 16 | c << 8 | d)) };
}

static struct rng test_rng;

static struct acd *acd_make(uint64_t seed, double scale) {
        struct acd_config cfg = { .ifname = "veth-test", .mac = mac_us, .rng = &test_rng, .timing_scale = scale };
        struct acd *acd = NULL;

        rng_seed(&test_rng, seed);
        CHECK_INT(acd_new(&acd, &cfg), ==, 0);
        ck_assert_ptr_nonnull(acd);
        return acd;
}

/* A transcript of what acd asked for, with the fake time of each action. */
struct step {
        usec_t t;
        struct acd_action a;
};

struct transcript {
        size_t n;
        struct step steps[64];
};

static void transcript_add(struct transcript *tr, usec_t t, const struct acd_actions *acts) {
        for (size_t i = 0; i < acts->n; i++) {
                CHECK_UINT(tr->n, <, ELEMENTSOF(tr->steps));
                tr->steps[tr->n++] = (struct step) { .t = t, .a = acts->actions[i] };
        }
}

/* Fire every timer due up to and including `until`, advancing *now to each deadline. */
static void run_until(struct acd *acd, usec_t *now, usec_t until, struct transcript *tr) {
        struct acd_actions acts;

        for (;;) {
                usec_t t = acd_next_timeout(acd);

                if (t == USEC_INFINITY || t > until)
                        break;
                CHECK_UINT(t, >=, *now);
                *now = t;
                CHECK_INT(acd_handle_timeout(acd, t, &acts), >=, 0);
                if (tr)
                        transcript_add(tr, t, &acts);
        }
        if (until != USEC_INFINITY && until > *now)
                *now = until;
}

/* Run until the next action of `kind` and return the time it happened. */
static usec_t run_to(struct acd *acd, usec_t *now, enum acd_action_kind kind) {
        struct acd_actions acts;

        for (;;) {
                usec_t t = acd_next_timeout(acd);

                CHECK_UINT(t, !=, USEC_INFINITY);
                *now = t;
                CHECK_INT(acd_handle_timeout(acd, t, &acts), >=, 0);
                for (size_t i = 0; i < acts.n; i++)
                        if (acts.actions[i].kind == kind)
                                return t;
        }
}

static struct arp_packet arp_make(uint16_t op, const struct ether_addr *sha, struct in_addr spa, struct in_addr tpa) {
        return (struct arp_packet) {
                .op = op, .sender_hw = *sha, .sender_ip = spa, .target_hw = mac_zero, .target_ip = tpa,
        };
}

static void check_probe_bytes(const struct acd_action *a, struct in_addr addr) {
        struct arp_packet p;

        CHECK_INT(a->kind, ==, ACD_ACTION_SEND_PROBE);
        CHECK_UINT(a->packet_len, ==, ARP_PACKET_SIZE);
        CHECK_INT(arp_packet_parse(a->packet, a->packet_len, &p), ==, 0);
        CHECK_UINT(p.op, ==, ARP_OP_REQUEST);
        CHECK(arp_hw_addr_equal(&p.sender_hw, &mac_us));
        CHECK_UINT(p.sender_ip.s_addr, ==, 0); /* RFC 5227 §2.1.1 */
        CHECK(arp_hw_addr_equal(&p.target_hw, &mac_zero));
        CHECK_UINT(p.target_ip.s_addr, ==, addr.s_addr);
        CHECK(arp_packet_is_probe(&p));
}

static void check_announcement_bytes(const struct acd_action *a, struct in_addr addr) {
        struct arp_packet p;

        CHECK_INT(a->kind, ==, ACD_ACTION_SEND_ANNOUNCEMENT);
        CHECK_UINT(a->packet_len, ==, ARP_PACKET_SIZE);
        CHECK_INT(arp_packet_parse(a->packet, a->packet_len, &p), ==, 0);
        CHECK_UINT(p.op, ==, ARP_OP_REQUEST);
        CHECK(arp_hw_addr_equal(&p.sender_hw, &mac_us));
        CHECK_UINT(p.sender_ip.s_addr, ==, addr.s_addr); /* RFC 5227 §2.3: sender = target */
        CHECK_UINT(p.target_ip.s_addr, ==, addr.s_addr);
        CHECK(arp_hw_addr_equal(&p.target_hw, &mac_zero));
        CHECK(!arp_packet_is_probe(&p));
}

/* ---------------------------------------------------------------- ARP codec */

START_TEST(test_arp_probe_bytes) {
        static const uint8_t expected[ARP_PACKET_SIZE] = {
                0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,     /* Ethernet, IPv4, 6, 4, request */
                0x02, 0x00, 0x5e, 0x10, 0x00, 0x01,           /* sender hw */
                0, 0, 0, 0,                                   /* sender IP 0.0.0.0 */
                0, 0, 0, 0, 0, 0,                             /* target hw 0 */
                169, 254, 7, 9,                               /* target IP */
        };
        uint8_t buf[64];

        memset(buf, 0xaa, sizeof buf);
        CHECK_INT(arp_packet_build_probe(buf, sizeof buf, &mac_us, ip4(169, 254, 7, 9)), ==, ARP_PACKET_SIZE);
        ck_assert_mem_eq(buf, expected, ARP_PACKET_SIZE);
        CHECK_UINT(buf[ARP_PACKET_SIZE], ==, 0xaa); /* nothing written past the packet */
}
END_TEST

START_TEST(test_arp_announcement_bytes) {
        static const uint8_t expected[ARP_PACKET_SIZE] = {
                0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
                0x02, 0x00, 0x5e, 0x10, 0x00, 0x01,
                169, 254, 7, 9, /* sender IP = the address */
                0, 0, 0, 0, 0, 0,
                169, 254, 7, 9, /* target IP = the address */
        };
        uint8_t buf[ARP_PACKET_SIZE];

        CHECK_INT(arp_packet_build_announcement(buf, sizeof buf, &mac_us, ip4(169, 254, 7, 9)), ==, ARP_PACKET_SIZE);
        ck_assert_mem_eq(buf, expected, ARP_PACKET_SIZE);
}
END_TEST

START_TEST(test_arp_build_short_buffer) {
        uint8_t buf[ARP_PACKET_SIZE - 1];

        CHECK_INT(arp_packet_build_probe(buf, sizeof buf, &mac_us, ip4(169, 254, 1, 1)), ==, -ENOBUFS);
        CHECK_INT(arp_packet_build_announcement(buf, sizeof buf, &mac_us, ip4(169, 254, 1, 1)), ==, -ENOBUFS);
        CHECK_INT(arp_packet_build_probe(NULL, 100, &mac_us, ip4(169, 254, 1, 1)), ==, -ENOBUFS);
}
END_TEST

START_TEST(test_arp_parse_roundtrip) {
        uint8_t buf[46]; /* an ARP payload padded to the Ethernet minimum */
        struct arp_packet p;

        memset(buf, 0, sizeof buf);
        CHECK_INT(arp_packet_build_announcement(buf, sizeof buf, &mac_peer, ip4(169, 254, 200, 3)), ==, ARP_PACKET_SIZE);
        buf[7] = ARP_OP_REPLY;
        memset(&p, 0x55, sizeof p);
        CHECK_INT(arp_packet_parse(buf, sizeof buf, &p), ==, 0); /* trailing padding ignored */
        CHECK_UINT(p.op, ==, ARP_OP_REPLY);
        CHECK(arp_hw_addr_equal(&p.sender_hw, &mac_peer));
        CHECK_UINT(p.sender_ip.s_addr, ==, ip4(169, 254, 200, 3).s_addr);
        CHECK_UINT(p.target_ip.s_addr, ==, ip4(169, 254, 200, 3).s_addr);
        CHECK(!p.has_ether_source); /* the edge fills it, parse clears it */
}
END_TEST

START_TEST(test_arp_parse_short) {
        uint8_t buf[ARP_PACKET_SIZE];
        struct arp_packet p;

        CHECK_INT(arp_packet_build_probe(buf, sizeof buf, &mac_us, ip4(169, 254, 1, 1)), ==, ARP_PACKET_SIZE);
        for (size_t len = 0; len < ARP_PACKET_SIZE; len++) {
                /* a heap copy of exactly len bytes, so ASan sees any over-read */
                uint8_t *copy = malloc(len ? len : 1);

                ck_assert_ptr_nonnull(copy);
                memcpy(copy, buf, len);
                CHECK_INT(arp_packet_parse(copy, len, &p), ==, -EBADMSG);
                free(copy);
        }
        CHECK_INT(arp_packet_parse(NULL, 0, &p), ==, -EBADMSG);
        CHECK_INT(arp_packet_parse(buf, sizeof buf, &p), ==, 0);
}
END_TEST

START_TEST(test_arp_parse_wrong_fields) {
        static const struct {
                size_t off;
                uint8_t val;
                int err;
        } cases[] = {
                { 1, 6, -EPROTONOSUPPORT },    /* htype 6 (IEEE 802) */
                { 0, 1, -EPROTONOSUPPORT },    /* htype 0x0101 */
                { 2, 0x86, -EPROTONOSUPPORT }, /* ptype 0x8600 */
                { 3, 0xdd, -EPROTONOSUPPORT }, /* ptype 0x08dd */
                { 4, 8, -EPROTONOSUPPORT },    /* hlen 8 */
                { 4, 0, -EPROTONOSUPPORT },    /* hlen 0 */
                { 5, 16, -EPROTONOSUPPORT },   /* plen 16 */
                { 5, 0, -EPROTONOSUPPORT },    /* plen 0 */
                { 7, 0, -EBADMSG },            /* op 0 */
                { 7, 3, -EBADMSG },            /* op 3 (RARP) */
                { 6, 1, -EBADMSG },            /* op 0x0101 */
        };
        struct arp_packet p;

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                uint8_t buf[ARP_PACKET_SIZE];

                CHECK_INT(arp_packet_build_probe(buf, sizeof buf, &mac_peer, ip4(169, 254, 1, 1)), ==, ARP_PACKET_SIZE);
                buf[cases[i].off] = cases[i].val;
                ck_assert_msg(arp_packet_parse(buf, sizeof buf, &p) == cases[i].err, "case %zu", i);
        }
}
END_TEST

/* Random bytes through the parser and every accepted packet through acd in every state:
 * nothing from the wire may reach an assert (or ASan). */
START_TEST(test_arp_random_input_never_asserts) {
        struct rng r;
        struct acd *acds[4];
        usec_t now = T0;
        struct acd_actions acts;

        rng_seed(&r, 42);
        for (size_t i = 0; i < ELEMENTSOF(acds); i++) {
                acds[i] = acd_make(i, 0);
                CHECK_INT(acd_start(acds[i], ip4(169, 254, 3, 4), now, &acts), ==, 0);
        }
        /* acds[0] stays waiting; take the others to probing, announcing and bound */
        for (size_t i = 1; i < ELEMENTSOF(acds); i++) {
                usec_t t = T0;

                if (i == 1)
                        run_to(acds[i], &t, ACD_ACTION_SEND_PROBE);
                else if (i == 2)
                        run_to(acds[i], &t, ACD_ACTION_BOUND);
                else
                        run_until(acds[i], &t, USEC_INFINITY, NULL);
                now = MAX(now, t);
        }
        CHECK_INT(acd_get_state(acds[0]), ==, ACD_STATE_WAITING);
        CHECK_INT(acd_get_state(acds[1]), ==, ACD_STATE_PROBING);
        CHECK_INT(acd_get_state(acds[2]), ==, ACD_STATE_ANNOUNCING);
        CHECK_INT(acd_get_state(acds[3]), ==, ACD_STATE_BOUND);

        for (unsigned i = 0; i < 200000; i++) {
                uint8_t buf[64];
                size_t len = (size_t) rng_range(&r, 0, sizeof buf);
                struct arp_packet p;

                for (size_t j = 0; j < len; j++)
                        buf[j] = (uint8_t) rng_next(&r);
                if (len >= 8 && (i & 1)) { /* make half of them valid-looking, with our address */
                        static const uint8_t hdr[6] = { 0, 1, 8, 0, 6, 4 };

                        memcpy(buf, hdr, sizeof hdr);
                        buf[6] = 0;
                        buf[7] = (uint8_t) rng_range(&r, 1, 2);
                        if (len >= 28 && (i & 2)) { /* as sender IP or as target IP */
                                struct in_addr a = ip4(169, 254, 3, 4);

                                memcpy(buf + (i & 4 ? 24 : 14), &a, sizeof a);
                        }
                }
                if (arp_packet_parse(buf, len, &p) < 0)
                        continue;
                CHECK(p.op == ARP_OP_REQUEST || p.op == ARP_OP_REPLY);
                for (size_t k = 0; k < ELEMENTSOF(acds); k++) {
                        CHECK_INT(acd_handle_arp(acds[k], &p, now, &acts), >=, 0);
                        CHECK_UINT(acts.n, <=, ACD_ACTIONS_MAX);
                }
                now += USEC_PER_MSEC;
        }
        for (size_t i = 0; i < ELEMENTSOF(acds); i++)
                acd_free(acds[i]);
}
END_TEST

/* ---------------------------------------------------------------- configuration and API */

START_TEST(test_acd_new_rejects_bad_config) {
        struct acd_config ok = { .ifname = "eth0", .mac = mac_us, .rng = &test_rng };
        struct acd_config c;
        struct acd *acd = NULL;

        c = ok, c.ifname = NULL;
        CHECK_INT(acd_new(&acd, &c), ==, -EINVAL);
        c = ok, c.ifname = "";
        CHECK_INT(acd_new(&acd, &c), ==, -EINVAL);
        c = ok, c.ifname = "a-name-much-too-long-for-linux";
        CHECK_INT(acd_new(&acd, &c), ==, -EINVAL);
        c = ok, c.rng = NULL;
        CHECK_INT(acd_new(&acd, &c), ==, -EINVAL);
        c = ok, c.mac = mac_zero;
        CHECK_INT(acd_new(&acd, &c), ==, -EINVAL);
        c = ok, c.mac.ether_addr_octet[0] = 0x01; /* multicast */
        CHECK_INT(acd_new(&acd, &c), ==, -EINVAL);
        c = ok, c.timing_scale = -0.5;
        CHECK_INT(acd_new(&acd, &c), ==, -EINVAL);
        c = ok, c.timing_scale = 2.0; /* scaling is for shrinking only */
        CHECK_INT(acd_new(&acd, &c), ==, -EINVAL);
        c = ok, c.timing_scale = NAN;
        CHECK_INT(acd_new(&acd, &c), ==, -EINVAL);
        ck_assert_ptr_null(acd);

        CHECK_INT(acd_new(&acd, &ok), ==, 0);
        CHECK_INT(acd_get_state(acd), ==, ACD_STATE_IDLE);
        CHECK_UINT(acd_next_timeout(acd), ==, USEC_INFINITY);
        acd_free(acd);
}
END_TEST

START_TEST(test_acd_start_stop) {
        struct acd *acd = acd_make(1, 0);
        struct acd_actions acts;
        usec_t now = T0;

        CHECK_INT(acd_start(acd, ip4(0, 0, 0, 0), now, &acts), ==, -EINVAL);
        CHECK_INT(acd_start(acd, ip4(255, 255, 255, 255), now, &acts), ==, -EINVAL);
        CHECK_INT(acd_start(acd, ip4(224, 0, 0, 251), now, &acts), ==, -EINVAL);
        CHECK_INT(acd_get_state(acd), ==, ACD_STATE_IDLE);

        CHECK_INT(acd_stop(acd, now, &acts), ==, 0); /* idle: nothing to say */
        CHECK_UINT(acts.n, ==, 0);

        CHECK_INT(acd_start(acd, ip4(169, 254, 9, 9), now, &acts), ==, 0);
        CHECK_UINT(acts.n, ==, 0); /* nothing is sent before the random wait */
        CHECK_INT(acd_get_state(acd), ==, ACD_STATE_WAITING);
        CHECK_UINT(acd_get_address(acd).s_addr, ==, ip4(169, 254, 9, 9).s_addr);
        CHECK_INT(acd_start(acd, ip4(169, 254, 9, 10), now, &acts), ==, -EBUSY);

        run_to(acd, &now, ACD_ACTION_SEND_PROBE);
        CHECK_INT(acd_stop(acd, now, &acts), ==, 1);
        CHECK_INT(acts.actions[0].kind, ==, ACD_ACTION_STOPPED);
        CHECK_UINT(acts.actions[0].addr.s_addr, ==, ip4(169, 254, 9, 9).s_addr);
        CHECK_INT(acd_get_state(acd), ==, ACD_STATE_IDLE);
        CHECK_UINT(acd_next_timeout(acd), ==, USEC_INFINITY);

        /* and it can start again */
        CHECK_INT(acd_start(acd, ip4(169, 254, 9, 10), now, &acts), ==, 0);
        CHECK_INT(acd_get_state(acd), ==, ACD_STATE_WAITING);
        acd_free(acd);
}
END_TEST

START_TEST(test_acd_early_timeout_does_nothing) {
        struct acd *acd = acd_make(7, 0);
        struct acd_actions acts;
        usec_t t;

        CHECK_INT(acd_start(acd, ip4(169, 254, 9, 9), T0, &acts), ==, 0);
        t = acd_next_timeout(acd);
        if (t > T0) {
                CHECK_INT(acd_handle_timeout(acd, t - 1, &acts), ==, 0);
                CHECK_INT(acd_get_state(acd), ==, ACD_STATE_WAITING);
                CHECK_UINT(acd_next_timeout(acd), ==, t);
        }
        CHECK_INT(acd_handle_timeout(acd, t, &acts), ==, 1);
        CHECK_INT(acts.actions[0].kind, ==, ACD_ACTION_SEND_PROBE);
        acd_free(acd);
}
END_TEST

START_TEST(test_acd_string_tables) {
        for (int s = 0; s < _ACD_STATE_MAX; s++)
                ck_assert_ptr_nonnull(acd_state_to_string(s));
        for (int k = 0; k < _ACD_ACTION_KIND_MAX; k++)
                ck_assert_ptr_nonnull(acd_action_kind_to_string(k));
        ck_assert_ptr_null(acd_state_to_string(_ACD_STATE_MAX));
        ck_assert_ptr_null(acd_state_to_string((enum acd_state) -1));
        ck_assert_ptr_null(acd_action_kind_to_string(_ACD_ACTION_KIND_MAX));
        ck_assert_str_eq(acd_state_to_string(ACD_STATE_DEFENDING), "defending");
}
END_TEST

/* ---------------------------------------------------------------- RFC 3927 timing windows */

/* Claim an address with the given seed and scale; check every window of RFC 3927 §2.2.1 and
 * §2.4 (RFC 5227 §2.1.1, §2.3); return the observed waits for the statistics. */
static void check_claim_windows(uint64_t seed, double scale, usec_t *initial, usec_t gaps[T_PROBE_NUM - 1]) {
        struct in_addr addr = ip4(169, 254, 100, (unsigned) (seed % 250) + 1);
        double s = scale == 0 ? 1.0 : scale;
        struct acd *acd = acd_make(seed, scale);
        struct transcript tr = {};
        struct acd_actions acts;
        usec_t now = T0;
        const struct step *probe[T_PROBE_NUM], *bound, *ann[T_ANNOUNCE_NUM];

        CHECK_INT(acd_start(acd, addr, now, &acts), ==, 0);
        run_until(acd, &now, USEC_INFINITY, &tr);

        /* exactly: 3 probes, BOUND, 2 announcements, nothing else */
        CHECK_UINT(tr.n, ==, T_PROBE_NUM + 1 + T_ANNOUNCE_NUM);
        for (size_t i = 0; i < T_PROBE_NUM; i++) {
                probe[i] = &tr.steps[i];
                check_probe_bytes(&probe[i]->a, addr);
        }
        bound = &tr.steps[T_PROBE_NUM];
        CHECK_INT(bound->a.kind, ==, ACD_ACTION_BOUND);
        CHECK_UINT(bound->a.addr.s_addr, ==, addr.s_addr);
        for (size_t i = 0; i < T_ANNOUNCE_NUM; i++) {
                ann[i] = &tr.steps[T_PROBE_NUM + 1 + i];
                check_announcement_bytes(&ann[i]->a, addr);
        }

        /* §2.2.1: a random wait in [0, PROBE_WAIT] before the first probe */
        *initial = probe[0]->t - T0;
        CHECK_UINT(*initial, <=, (usec_t) (T_PROBE_WAIT * s));
        /* §2.2.1: probes PROBE_MIN..PROBE_MAX apart */
        for (size_t i = 1; i < T_PROBE_NUM; i++) {
                gaps[i - 1] = probe[i]->t - probe[i - 1]->t;
                CHECK_UINT(gaps[i - 1], >=, (usec_t) (T_PROBE_MIN * s));
                CHECK_UINT(gaps[i - 1], <=, (usec_t) (T_PROBE_MAX * s));
        }
        /* §2.2.1: claimed ANNOUNCE_WAIT after the last probe; §2.4: the first announcement then */
        CHECK_UINT(bound->t - probe[T_PROBE_NUM - 1]->t, ==, (usec_t) (T_ANNOUNCE_WAIT * s));
        CHECK_UINT(ann[0]->t, ==, bound->t);
        /* §2.4: ANNOUNCE_NUM announcements ANNOUNCE_INTERVAL apart */
        for (size_t i = 1; i < T_ANNOUNCE_NUM; i++)
                CHECK_UINT(ann[i]->t - ann[i - 1]->t, ==, (usec_t) (T_ANNOUNCE_INTERVAL * s));

        CHECK_INT(acd_get_state(acd), ==, ACD_STATE_BOUND);
        CHECK_UINT(acd_next_timeout(acd), ==, USEC_INFINITY);
        acd_free(acd);
}

static void check_windows_over_seeds(double scale) {
        double s = scale == 0 ? 1.0 : scale;
        usec_t min_initial = USEC_INFINITY, max_initial = 0, min_gap = USEC_INFINITY, max_gap = 0;
        double sum_initial = 0, sum_gap = 0;

        for (uint64_t seed = 0; seed < N_SEEDS; seed++) {
                usec_t initial, gaps[T_PROBE_NUM - 1];

                check_claim_windows(seed, scale, &initial, gaps);
                min_initial = MIN(min_initial, initial);
                max_initial = MAX(max_initial, initial);
                sum_initial += (double) initial;
                for (size_t i = 0; i < ELEMENTSOF(gaps); i++) {
                        min_gap = MIN(min_gap, gaps[i]);
                        max_gap = MAX(max_gap, gaps[i]);
                        sum_gap += (double) gaps[i];
                }
        }
        /* the waits are random and spread over the whole window, uniformly (mean in the middle) */
        CHECK_UINT(min_initial, <, (usec_t) (0.02 * T_PROBE_WAIT * s));
        CHECK_UINT(max_initial, >, (usec_t) (0.98 * T_PROBE_WAIT * s));
        CHECK_UINT(min_gap, <, (usec_t) ((T_PROBE_MIN + 0.02 * (T_PROBE_MAX - T_PROBE_MIN)) * s));
        CHECK_UINT(max_gap, >, (usec_t) ((T_PROBE_MAX - 0.02 * (T_PROBE_MAX - T_PROBE_MIN)) * s));
        CHECK(fabs(sum_initial / N_SEEDS - 0.5 * T_PROBE_WAIT * s) < 0.05 * T_PROBE_WAIT * s);
        CHECK(fabs(sum_gap / (N_SEEDS * (T_PROBE_NUM - 1)) - 0.5 * (T_PROBE_MIN + T_PROBE_MAX) * s) <
                  0.05 * T_PROBE_MAX * s);
}

START_TEST(test_acd_rfc_timing_windows) {
        check_windows_over_seeds(0); /* the default: RFC-exact */
}
END_TEST

START_TEST(test_acd_timing_scale_shrinks_waits) {
        struct acd *acd;
        struct acd_actions acts;
        struct arp_packet p;
        usec_t now = T0, t;

        check_windows_over_seeds(1.0); /* an explicit 1 is the RFC */
        check_windows_over_seeds(0.1);
        check_windows_over_seeds(0.25);

        /* DEFEND_INTERVAL is a window, not a wait: unscaled */
        acd = acd_make(3, 0.1);
        CHECK_INT(acd_start(acd, ip4(169, 254, 5, 5), now, &acts), ==, 0);
        run_until(acd, &now, USEC_INFINITY, NULL);
        CHECK_INT(acd_get_state(acd), ==, ACD_STATE_BOUND);
        t = now + USEC_PER_SEC;
        p = arp_make(ARP_OP_REPLY, &mac_peer, ip4(169, 254, 5, 5), ip4(169, 254, 5, 5));
        CHECK_INT(acd_handle_arp(acd, &p, t, &acts), ==, 2);
        CHECK_UINT(acd_next_timeout(acd), ==, t + T_DEFEND_INTERVAL);
        acd_free(acd);
}
END_TEST

/* ---------------------------------------------------------------- conflicts while probing */

/* Take a fresh acd to a point of the probing process: 0 = the initial wait, 1..3 = after that
 * many probes (3: during ANNOUNCE_WAIT). */
static struct acd *acd_at_phase(unsigned phase, struct in_addr addr, usec_t *now) {
        struct acd *acd = acd_make(phase + 100, 0);
        struct acd_actions acts;

        *now = T0;
        CHECK_INT(acd_start(acd, addr, *now, &acts), ==, 0);
        for (unsigned i = 0; i < phase; i++)
                run_to(acd, now, ACD_ACTION_SEND_PROBE);
        *now += 1; /* just after the last event, before the next */
        CHECK_UINT(acd_next_timeout(acd), >, *now);
        CHECK_INT(acd_get_state(acd), ==, phase == 0 ? ACD_STATE_WAITING : ACD_STATE_PROBING);
        return acd;
}

static void check_probing_conflict(const struct arp_packet *p, bool conflict) {
        struct in_addr addr = ip4(169, 254, 10, 20);

        for (unsigned phase = 0; phase <= T_PROBE_NUM; phase++) {
                usec_t now, timeout;
                struct acd *acd = acd_at_phase(phase, addr, &now);
                enum acd_state before = acd_get_state(acd);
                struct acd_actions acts;
                int r;

                timeout = acd_next_timeout(acd);
                r = acd_handle_arp(acd, p, now, &acts);
                if (conflict) {
                        ck_assert_msg(r == 1, "phase %u: no conflict", phase);
                        CHECK_INT(acts.actions[0].kind, ==, ACD_ACTION_CONFLICT);
                        CHECK_UINT(acts.actions[0].addr.s_addr, ==, addr.s_addr);
                        CHECK(arp_hw_addr_equal(&acts.actions[0].peer, &p->sender_hw));
                        CHECK_INT(acd_get_state(acd), ==, ACD_STATE_IDLE);
                        CHECK_UINT(acd_next_timeout(acd), ==, USEC_INFINITY);
                } else {
                        ck_assert_msg(r == 0, "phase %u: unexpected conflict", phase);
                        CHECK_INT(acd_get_state(acd), ==, before);
                        CHECK_UINT(acd_next_timeout(acd), ==, timeout);
                        /* and the claim goes on to the end */
                        run_until(acd, &now, USEC_INFINITY, NULL);
                        CHECK_INT(acd_get_state(acd), ==, ACD_STATE_BOUND);
                }
                acd_free(acd);
        }
}

START_TEST(test_probing_conflict_sender_ip_reply) {
        /* RFC 5227 §2.1.1: an ARP reply whose sender IP is the candidate, from another host */
        struct arp_packet p = arp_make(ARP_OP_REPLY, &mac_peer, ip4(169, 254, 10, 20), ip4(169, 254, 1, 1));

        p.target_hw = mac_us;
        check_probing_conflict(&p, true);
}
END_TEST

START_TEST(test_probing_conflict_sender_ip_request) {
        /* RFC 5227 §2.1.1: "Request *or* Reply": e.g. the holder's own announcement or query */
        struct arp_packet p = arp_make(ARP_OP_REQUEST, &mac_peer, ip4(169, 254, 10, 20), ip4(169, 254, 10, 20));

        check_probing_conflict(&p, true);
        p.target_ip = ip4(169, 254, 77, 1);
        check_probing_conflict(&p, true);
}
END_TEST

START_TEST(test_probing_conflict_other_probe) {
        /* RFC 5227 §2.1.1: another host's probe for the same candidate */
        struct arp_packet p = arp_make(ARP_OP_REQUEST, &mac_peer, ip4(0, 0, 0, 0), ip4(169, 254, 10, 20));

        check_probing_conflict(&p, true);
        /* with a consistent Ethernet source, too */
        p.has_ether_source = true;
        p.ether_source = mac_peer;
        check_probing_conflict(&p, true);
}
END_TEST

START_TEST(test_probing_own_packets_are_not_conflicts) {
        /* our own probe and announcement, looped back */
        struct arp_packet probe = arp_make(ARP_OP_REQUEST, &mac_us, ip4(0, 0, 0, 0), ip4(169, 254, 10, 20));
        struct arp_packet ann = arp_make(ARP_OP_REQUEST, &mac_us, ip4(169, 254, 10, 20), ip4(169, 254, 10, 20));

        check_probing_conflict(&probe, false);
        check_probing_conflict(&ann, false);
        /* a frame we sent ourselves, whatever its ARP sender hw says */
        probe.sender_hw = mac_peer;
        probe.has_ether_source = true;
        probe.ether_source = mac_us;
        check_probing_conflict(&probe, false);
}
END_TEST

START_TEST(test_probing_unrelated_arp_is_not_a_conflict) {
        struct arp_packet p;

        /* traffic about other addresses */
        p = arp_make(ARP_OP_REQUEST, &mac_peer, ip4(169, 254, 3, 3), ip4(169, 254, 4, 4));
        check_probing_conflict(&p, false);
        p = arp_make(ARP_OP_REPLY, &mac_peer, ip4(169, 254, 4, 4), ip4(169, 254, 3, 3));
        check_probing_conflict(&p, false);
        /* another host's probe for a different address */
        p = arp_make(ARP_OP_REQUEST, &mac_peer, ip4(0, 0, 0, 0), ip4(169, 254, 10, 21));
        check_probing_conflict(&p, false);
        /* a host asking who has our candidate (not a probe: its sender IP is its own) */
        p = arp_make(ARP_OP_REQUEST, &mac_peer, ip4(169, 254, 3, 3), ip4(169, 254, 10, 20));
        check_probing_conflict(&p, false);
        /* a reply with sender IP 0 is not an ARP Probe (RFC 5227 §1.1: a probe is a request) */
        p = arp_make(ARP_OP_REPLY, &mac_peer, ip4(0, 0, 0, 0), ip4(169, 254, 10, 20));
        check_probing_conflict(&p, false);
        /* a probe whose Ethernet source is not its sender hw is forged (RFC 5227 §1.1) */
        p = arp_make(ARP_OP_REQUEST, &mac_peer, ip4(0, 0, 0, 0), ip4(169, 254, 10, 20));
        p.has_ether_source = true;
        p.ether_source = (struct ether_addr) { { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 } };
        check_probing_conflict(&p, false);
}
END_TEST

/* ---------------------------------------------------------------- conflicts once claimed */

static struct acd *acd_bound(struct in_addr addr, usec_t *now) {
        struct acd *acd = acd_make(11, 0);
        struct acd_actions acts;

        *now = T0;
        CHECK_INT(acd_start(acd, addr, *now, &acts), ==, 0);
        run_until(acd, now, USEC_INFINITY, NULL);
        CHECK_INT(acd_get_state(acd), ==, ACD_STATE_BOUND);
        *now += 30 * USEC_PER_SEC;
        return acd;
}

static void check_defended(struct acd *acd, const struct arp_packet *p, struct in_addr addr, usec_t now) {
        struct acd_actions acts;

        /* RFC 5227 §2.4 (b): exactly one announcement, and the event */
        CHECK_INT(acd_handle_arp(acd, p, now, &acts), ==, 2);
        check_announcement_bytes(&acts.actions[0], addr);
        CHECK_INT(acts.actions[1].kind, ==, ACD_ACTION_DEFENDED);
        CHECK(arp_hw_addr_equal(&acts.actions[1].peer, &mac_peer));
}

static void check_gave_up(struct acd *acd, const struct arp_packet *p, struct in_addr addr, usec_t now) {
        struct acd_actions acts;

        /* RFC 5227 §2.4 (b): no defence, cease using the address */
        CHECK_INT(acd_handle_arp(acd, p, now, &acts), ==, 1);
        CHECK_INT(acts.actions[0].kind, ==, ACD_ACTION_CONFLICT);
        CHECK_UINT(acts.actions[0].addr.s_addr, ==, addr.s_addr);
        CHECK(arp_hw_addr_equal(&acts.actions[0].peer, &mac_peer));
        CHECK_INT(acd_get_state(acd), ==, ACD_STATE_IDLE);
        CHECK_UINT(acd_next_timeout(acd), ==, USEC_INFINITY);
}

START_TEST(test_bound_defend_once_then_give_up) {
        struct in_addr addr = ip4(169, 254, 33, 44);
        struct arp_packet p = arp_make(ARP_OP_REPLY, &mac_peer, addr, ip4(169, 254, 1, 9));
        usec_t now, t1;
        struct acd *acd = acd_bound(addr, &now);

        t1 = now;
        check_defended(acd, &p, addr, t1);
        CHECK_INT(acd_get_state(acd), ==, ACD_STATE_DEFENDING);
        CHECK_UINT(acd_next_timeout(acd), ==, t1 + T_DEFEND_INTERVAL);
        /* a second conflict within DEFEND_INTERVAL: give up */
        check_gave_up(acd, &p, addr, t1 + T_DEFEND_INTERVAL - 1);
        acd_free(acd);
}
END_TEST

START_TEST(test_bound_defend_again_after_interval) {
        struct in_addr addr = ip4(169, 254, 33, 44);
        struct arp_packet p = arp_make(ARP_OP_REQUEST, &mac_peer, addr, addr); /* its announcement */
        usec_t now, t1, t2;
        struct acd *acd = acd_bound(addr, &now);
        struct transcript tr = {};

        t1 = now;
        check_defended(acd, &p, addr, t1);
        /* the DEFEND_INTERVAL timer returns it to bound, sending nothing */
        run_until(acd, &now, t1 + T_DEFEND_INTERVAL, &tr);
        CHECK_UINT(tr.n, ==, 0);
        CHECK_INT(acd_get_state(acd), ==, ACD_STATE_BOUND);
        CHECK_UINT(acd_next_timeout(acd), ==, USEC_INFINITY);

        /* a conflict after DEFEND_INTERVAL: defend again, and the window starts anew */
        t2 = t1 + T_DEFEND_INTERVAL + 5 * USEC_PER_SEC;
        check_defended(acd, &p, addr, t2);
        CHECK_INT(acd_get_state(acd), ==, ACD_STATE_DEFENDING);
        check_gave_up(acd, &p, addr, t2 + 1);
        acd_free(acd);
}
END_TEST

START_TEST(test_bound_defend_at_interval_boundary) {
        struct in_addr addr = ip4(169, 254, 33, 44);
        struct arp_packet p = arp_make(ARP_OP_REPLY, &mac_peer, addr, addr);
        usec_t now, t1;
        struct acd *acd = acd_bound(addr, &now);

        t1 = now;
        check_defended(acd, &p, addr, t1);
        /* exactly DEFEND_INTERVAL later, even before the timer ran: no longer "within" */
        check_defended(acd, &p, addr, t1 + T_DEFEND_INTERVAL);
        CHECK_UINT(acd_next_timeout(acd), ==, t1 + 2 * T_DEFEND_INTERVAL);
        acd_free(acd);
}
END_TEST

START_TEST(test_bound_not_conflicts) {
        struct in_addr addr = ip4(169, 254, 33, 44);
        usec_t now;
        struct acd *acd = acd_bound(addr, &now);
        struct acd_actions acts;
        const struct arp_packet harmless[] = {
                /* our own announcement looped back */
                arp_make(ARP_OP_REQUEST, &mac_us, addr, addr),
                /* another host probing our address: the kernel answers for us (not a conflict) */
                arp_make(ARP_OP_REQUEST, &mac_peer, ip4(0, 0, 0, 0), addr),
                /* another host asking for our address */
                arp_make(ARP_OP_REQUEST, &mac_peer, ip4(169, 254, 8, 8), addr),
                /* unrelated */
                arp_make(ARP_OP_REPLY, &mac_peer, ip4(169, 254, 8, 8), ip4(169, 254, 8, 9)),
        };

        for (size_t i = 0; i < ELEMENTSOF(harmless); i++) {
                CHECK_INT(acd_handle_arp(acd, &harmless[i], now, &acts), ==, 0);
                CHECK_INT(acd_get_state(acd), ==, ACD_STATE_BOUND);
        }
        acd_free(acd);
}
END_TEST

START_TEST(test_announcing_conflict_defends_and_keeps_announcing) {
        struct in_addr addr = ip4(169, 254, 50, 60);
        struct arp_packet p = arp_make(ARP_OP_REPLY, &mac_peer, addr, addr);
        struct acd *acd = acd_make(21, 0);
        struct transcript tr = {};
        struct acd_actions acts;
        usec_t now = T0, tb, td;

        CHECK_INT(acd_start(acd, addr, now, &acts), ==, 0);
        tb = run_to(acd, &now, ACD_ACTION_BOUND);
        CHECK_INT(acd_get_state(acd), ==, ACD_STATE_ANNOUNCING);

        /* RFC 5227 §2.4 applies from the claim on: defend once, announcements go on */
        td = tb + USEC_PER_SEC;
        check_defended(acd, &p, addr, td);
        CHECK_INT(acd_get_state(acd), ==, ACD_STATE_ANNOUNCING);
        CHECK_UINT(acd_next_timeout(acd), ==, tb + T_ANNOUNCE_INTERVAL);

        run_until(acd, &now, USEC_INFINITY, &tr);
        CHECK_UINT(tr.n, ==, 1); /* the second announcement, on time */
        CHECK_UINT(tr.steps[0].t, ==, tb + T_ANNOUNCE_INTERVAL);
        check_announcement_bytes(&tr.steps[0].a, addr);
        /* announcements done, but the defence is recent: defending until it is not */
        CHECK_INT(acd_get_state(acd), ==, ACD_STATE_BOUND);
        CHECK_UINT(now, >=, td + T_DEFEND_INTERVAL);
        acd_free(acd);
}
END_TEST

START_TEST(test_announcing_defended_state_after_last_announcement) {
        struct in_addr addr = ip4(169, 254, 50, 60);
        struct arp_packet p = arp_make(ARP_OP_REPLY, &mac_peer, addr, addr);
        struct acd *acd = acd_make(22, 0);
        struct acd_actions acts;
        usec_t now = T0, tb, td;

        CHECK_INT(acd_start(acd, addr, now, &acts), ==, 0);
        tb = run_to(acd, &now, ACD_ACTION_BOUND);
        td = tb + 1;
        check_defended(acd, &p, addr, td);
        run_to(acd, &now, ACD_ACTION_SEND_ANNOUNCEMENT);
        CHECK_INT(acd_get_state(acd), ==, ACD_STATE_DEFENDING);
        CHECK_UINT(acd_next_timeout(acd), ==, td + T_DEFEND_INTERVAL);
        /* a second conflict within DEFEND_INTERVAL of the first: give up */
        check_gave_up(acd, &p, addr, td + T_DEFEND_INTERVAL / 2);
        acd_free(acd);
}
END_TEST

START_TEST(test_announcing_second_conflict_gives_up) {
        struct in_addr addr = ip4(169, 254, 50, 61);
        struct arp_packet p = arp_make(ARP_OP_REQUEST, &mac_peer, addr, addr);
        struct acd *acd = acd_make(23, 0);
        struct acd_actions acts;
        usec_t now = T0, tb;

        CHECK_INT(acd_start(acd, addr, now, &acts), ==, 0);
        tb = run_to(acd, &now, ACD_ACTION_BOUND);
        check_defended(acd, &p, addr, tb);
        check_gave_up(acd, &p, addr, tb + 1);
        acd_free(acd);
}
END_TEST

/* Every format string of acd, through the real logger once. */
START_TEST(test_acd_logging_smoke) {
        struct in_addr addr = ip4(169, 254, 50, 62);
        struct arp_packet p = arp_make(ARP_OP_REPLY, &mac_peer, addr, addr);
        struct arp_packet forged = arp_make(ARP_OP_REQUEST, &mac_peer, ip4(0, 0, 0, 0), addr);
        struct acd *acd;
        struct acd_actions acts;
        usec_t now = T0;

        log_set_target(LOG_TARGET_STDERR);
        log_set_max_level(LOG_DEBUG);
        acd = acd_make(24, 0);
        forged.has_ether_source = true;
        forged.ether_source = mac_zero;
        CHECK_INT(acd_start(acd, addr, now, &acts), ==, 0);
        CHECK_INT(acd_handle_arp(acd, &forged, now, &acts), ==, 0);
        run_until(acd, &now, USEC_INFINITY, NULL);
        CHECK_INT(acd_handle_arp(acd, &p, now, &acts), ==, 2);
        CHECK_INT(acd_handle_arp(acd, &p, now + 1, &acts), ==, 1);
        CHECK_INT(acd_start(acd, addr, now, &acts), ==, 0);
        CHECK_INT(acd_handle_arp(acd, &p, now, &acts), ==, 1);
        CHECK_INT(acd_stop(acd, now, &acts), ==, 0);
        acd_free(acd);
        log_set_target(LOG_TARGET_NONE);
}
END_TEST

static Suite *acd_suite(void) {
        Suite *s = suite_create("acd");
        TCase *tc;

        tc = tcase_create("arp-packet");
        tcase_add_test(tc, test_arp_probe_bytes);
        tcase_add_test(tc, test_arp_announcement_bytes);
        tcase_add_test(tc, test_arp_build_short_buffer);
        tcase_add_test(tc, test_arp_parse_roundtrip);
        tcase_add_test(tc, test_arp_parse_short);
        tcase_add_test(tc, test_arp_parse_wrong_fields);
        tcase_add_test(tc, test_arp_random_input_never_asserts);
        tcase_set_timeout(tc, 60);
        suite_add_tcase(s, tc);

        tc = tcase_create("api");
        tcase_add_test(tc, test_acd_new_rejects_bad_config);
        tcase_add_test(tc, test_acd_start_stop);
        tcase_add_test(tc, test_acd_early_timeout_does_nothing);
        tcase_add_test(tc, test_acd_string_tables);
        tcase_add_test(tc, test_acd_logging_smoke);
        suite_add_tcase(s, tc);

        tc = tcase_create("timing");
        tcase_add_test(tc, test_acd_rfc_timing_windows);
        tcase_add_test(tc, test_acd_timing_scale_shrinks_waits);
        tcase_set_timeout(tc, 60);
        suite_add_tcase(s, tc);

        tc = tcase_create("probing-conflicts");
        tcase_add_test(tc, test_probing_conflict_sender_ip_reply);
        tcase_add_test(tc, test_probing_conflict_sender_ip_request);
        tcase_add_test(tc, test_probing_conflict_other_probe);
        tcase_add_test(tc, test_probing_own_packets_are_not_conflicts);
        tcase_add_test(tc, test_probing_unrelated_arp_is_not_a_conflict);
        suite_add_tcase(s, tc);

        tc = tcase_create("defence");
        tcase_add_test(tc, test_bound_defend_once_then_give_up);
        tcase_add_test(tc, test_bound_defend_again_after_interval);
        tcase_add_test(tc, test_bound_defend_at_interval_boundary);
        tcase_add_test(tc, test_bound_not_conflicts);
        tcase_add_test(tc, test_announcing_conflict_defends_and_keeps_announcing);
        tcase_add_test(tc, test_announcing_defended_state_after_last_announcement);
        tcase_add_test(tc, test_announcing_second_conflict_gives_up);
        suite_add_tcase(s, tc);

        return s;
}

int main(void) {
        log_set_target(LOG_TARGET_NONE);
        return unit_run(acd_suite());
}
