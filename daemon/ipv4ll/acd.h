/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IPv4 address conflict detection (RFC 5227, with the RFC 3927 §2.2–§2.5 timings) for one address
 * on one interface: probe, announce, defend.
 *
 * A pure state machine: it does no I/O and owns no timer. The caller feeds it events with the
 * current monotonic time — start, stop, a timer firing, a received ARP packet — and every call
 * hands back the actions that event caused (ARP packets to broadcast, events for the caller) in
 * a struct acd_actions. acd_next_timeout() says when to call acd_handle_timeout() next.
 *
 *   idle --start--> waiting --PROBE_WAIT--> probing (PROBE_NUM probes, then ANNOUNCE_WAIT)
 *        --no conflict--> announcing (ACD_ACTION_BOUND: the address is ours, use it now)
 *        --ANNOUNCE_NUM announcements--> bound <--DEFEND_INTERVAL-- defending
 *   A conflict while waiting/probing, or a second conflict within DEFEND_INTERVAL once claimed,
 *   gives ACD_ACTION_CONFLICT and returns to idle; acd_stop() gives ACD_ACTION_STOPPED. */
#pragma once

#include <net/ethernet.h>
#include <netinet/in.h>
#include <stddef.h>

#include "ipv4ll/arp-packet.h"
#include "util.h"

struct acd;

enum acd_state {
        ACD_STATE_IDLE,       /* not started, stopped, or gave the address up */
        ACD_STATE_WAITING,    /* the initial random wait, 0..PROBE_WAIT */
        ACD_STATE_PROBING,    /* sending probes, then ANNOUNCE_WAIT after the last one */
        ACD_STATE_ANNOUNCING, /* the address is ours; sending the announcements */
        ACD_STATE_BOUND,      /* claimed and announced; watching for conflicts */
        ACD_STATE_DEFENDING,  /* defended within the last DEFEND_INTERVAL: one more conflict loses it */
        _ACD_STATE_MAX,
};

enum acd_action_kind {
        ACD_ACTION_SEND_PROBE,        /* broadcast .packet (an ARP Probe) */
        ACD_ACTION_SEND_ANNOUNCEMENT, /* broadcast .packet (an ARP Announcement) */
        ACD_ACTION_BOUND,     /* probing passed: configure .addr now (the announcements follow it) */
        ACD_ACTION_CONFLICT,  /* .addr is in use by .peer: stop using it (if bound), choose another */
        ACD_ACTION_DEFENDED,  /* .peer claimed .addr; we sent one announcement and keep it */
        ACD_ACTION_STOPPED,   /* acd_stop(): stop using .addr if it was bound */
        _ACD_ACTION_KIND_MAX,
};

struct acd_action {
        enum acd_action_kind kind;
        struct in_addr addr;   /* the address concerned */
        struct ether_addr peer; /* CONFLICT, DEFENDED: the sender hw address of the conflicting ARP */
        size_t packet_len;      /* SEND_*: ARP_PACKET_SIZE */
        uint8_t packet[ARP_PACKET_SIZE]; /* SEND_*: the ARP payload; the edge adds the Ethernet header
                                          * (destination ff:ff:ff:ff:ff:ff, source = our MAC) */
};

/* The most actions one call can produce (BOUND + an announcement; an announcement + DEFENDED). */
#define ACD_ACTIONS_MAX 4

struct acd_actions {
        size_t n;
        struct acd_action actions[ACD_ACTIONS_MAX];
};

struct acd_config {
        const char *ifname;    /* for log messages; required, shorter than IF_NAMESIZE */
        struct ether_addr mac; /* our hardware address: sender of our packets, never a conflict */
        struct rng *rng;       /* randomness for the waits; borrowed, must outlive the acd */
        /* 0 (or 1): the RFC timings. 0 < scale < 1 shrinks PROBE_WAIT, PROBE_MIN, PROBE_MAX,
         * ANNOUNCE_WAIT and ANNOUNCE_INTERVAL proportionally (opt-in, for tests); DEFEND_INTERVAL
         * is a conflict window, not a wait, and is never scaled. */
        double timing_scale;
};

/* Returns 0, or -EINVAL for a missing ifname/rng, a multicast or all-zero MAC or a bad scale,
 * -ENOMEM. */
int acd_new(struct acd **ret, const struct acd_config *cfg);
struct acd *acd_free(struct acd *acd);

/* Each of these overwrites *out with the actions of this event and returns their number, or a
 * negative errno (and no actions). */

/* Begin probing addr (idle → waiting). -EBUSY unless idle; -EINVAL for 0.0.0.0, a multicast or
 * the limited broadcast address. */
int acd_start(struct acd *acd, struct in_addr addr, usec_t now, struct acd_actions *out);
/* Back to idle; ACD_ACTION_STOPPED if it was running. */
int acd_stop(struct acd *acd, usec_t now, struct acd_actions *out);
/* Call when now >= acd_next_timeout(); an early call does nothing. */
int acd_handle_timeout(struct acd *acd, usec_t now, struct acd_actions *out);
/* A parsed ARP packet received on the interface (any op, any addresses). */
int acd_handle_arp(struct acd *acd, const struct arp_packet *p, usec_t now, struct acd_actions *out);

/* Absolute time of the next acd_handle_timeout(), or USEC_INFINITY. */
usec_t acd_next_timeout(const struct acd *acd);
enum acd_state acd_get_state(const struct acd *acd);
/* The address being probed or held (0.0.0.0 if never started). */
struct in_addr acd_get_address(const struct acd *acd);

/* NULL for an out-of-range value. */
const char *acd_state_to_string(enum acd_state s);
const char *acd_action_kind_to_string(enum acd_action_kind k);
