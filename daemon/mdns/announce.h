/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Announcing (RFC 6762 §8.3), updates (§8.4), TTLs (§10) and goodbyes (§10.1). Pure: an
 * announcement schedule per record and link, the §8.4 update rate limit, and a packer that turns
 * a list of records into as few unsolicited response packets as the link's MTU allows (never a
 * duplicate record in one packet, the members of a unique RRset kept together, §10.2). The caller
 * (registry.c) decides what is due and hands the packets to the edge. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"
#include "util.h"

/* RFC 6762 §8.3: "The Multicast DNS responder MUST send at least two unsolicited responses, one
 * second apart. To provide increased robustness against packet loss, a responder MAY send up to
 * eight unsolicited responses, provided that the interval between unsolicited responses increases
 * by at least a factor of two with every response sent." We send three: at 0, 1 s and 3 s. */
#define ANNOUNCE_NUM 3
#define ANNOUNCE_INTERVAL (1 * USEC_PER_SEC)
#define ANNOUNCE_NUM_MAX 8

/* RFC 6762 §10: "the recommended TTL value for Multicast DNS resource records with a host name as
 * the resource record's name (e.g., A, AAAA, HINFO) or a host name contained within the resource
 * record's rdata (e.g., SRV, reverse mapping PTR record) SHOULD be 120 seconds. The recommended
 * TTL value for other Multicast DNS resource records is 75 minutes." */
#define MDNS_TTL_HOST_NAME 120
#define MDNS_TTL_OTHER (75 * 60)

/* RFC 6762 §8.4: "a host SHOULD NOT update records more frequently than ten times per minute" */
#define MDNS_UPDATES_MAX 10
#define MDNS_UPDATE_INTERVAL USEC_PER_MINUTE

/* The default TTL of a record (§10): 120 s for A, AAAA, HINFO, SRV and reverse-mapping PTR
 * (under in-addr.arpa / ip6.arpa), 75 minutes for the rest. */
uint32_t announce_default_ttl(const struct dns_rr *rr);

/* One record's announcement series on one link. */
struct announce {
        uint8_t n_sent;
        usec_t next; /* USEC_INFINITY: nothing (more) to send */
};

void announce_init(struct announce *a);
/* Begin (or begin again: §8.4 update, §9 re-probe passed, link change) a series: the first
 * announcement is due at once. */
void announce_start(struct announce *a, usec_t now);
void announce_stop(struct announce *a);
bool announce_due(const struct announce *a, usec_t now);
bool announce_pending(const struct announce *a);
/* An announcement went out at `now`: the next is due 1 s later, then 2 s (§8.3 doubling), and
 * after ANNOUNCE_NUM none: announcements are never periodic (§8.3). Returns true when the
 * series is complete. */
bool announce_sent(struct announce *a, usec_t now);

/* RFC 6762 §8.4: at most MDNS_UPDATES_MAX rdata updates per MDNS_UPDATE_INTERVAL. */
struct announce_update_limiter {
        usec_t times[MDNS_UPDATES_MAX];
        unsigned n, next;
};
/* When the next update may be applied (now, or later when the budget is spent). */
usec_t announce_update_allowed_at(const struct announce_update_limiter *l, usec_t now);
void announce_update_add(struct announce_update_limiter *l, usec_t now);

/* Packing records into unsolicited responses (ID 0, QR|AA, RFC 6762 §18) on one link. Each
 * announce_packer_add() call adds a unit (a unique RRset, or one shared record) that is kept in
 * one packet when it fits in one; records already in the current packet are skipped; a full
 * packet goes to `emit` and a new one begins. Goodbyes (§10.1) carry TTL 0 and never the
 * cache-flush bit (it would flush the RRset's other members from peers' caches, §10.2). */
#define ANNOUNCE_PACKET_RRS_MAX 1024

typedef void (*announce_emit_fn)(void *userdata, const uint8_t *pkt, size_t len);

struct announce_packer {
        uint8_t *buf;
        size_t max;
        bool goodbye;
        announce_emit_fn emit;
        void *userdata;
        struct dns_builder b;
        size_t n;
        const struct dns_rr *in_packet[ANNOUNCE_PACKET_RRS_MAX];
        unsigned n_packets;
        unsigned n_dropped; /* records that fit in no packet (too large for the MTU) */
};

void announce_packer_init(struct announce_packer *p, uint8_t *buf, size_t max, bool goodbye, announce_emit_fn emit,
                          void *userdata);
/* Adds the unit; records must stay valid until announce_packer_finish(). Returns the number of
 * records of the unit that were added now or were already in the packet (those sent). */
size_t announce_packer_add(struct announce_packer *p, const struct dns_rr *const *rrs, size_t n);
/* Whether rr (or an identical record) is in the packet being filled. */
bool announce_packer_contains(const struct announce_packer *p, const struct dns_rr *rr);
void announce_packer_finish(struct announce_packer *p);
