/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IPv4 link-local address choice (RFC 3927 §2.1) on top of conflict detection (acd.h).
 *
 * Pure, like acd: the caller feeds events with the current monotonic time and gets actions back.
 * ipv4ll picks candidates from a sequence seeded by the MAC and the interface name, drives one
 * acd, picks the next candidate on a conflict, counts conflicts and rate-limits new attempts after
 * MAX_CONFLICTS. The edge sends the ARP packets, adds the address on IPV4LL_ACTION_BOUND
 * (169.254.0.0/16, scope link, broadcast 169.254.255.255) and stores it in the state directory,
 * removes it on IPV4LL_ACTION_LOST, and shows the state on D-Bus. */
#pragma once

#include <net/ethernet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "ipv4ll/acd.h"
#include "util.h"

struct ipv4ll;

/* RFC 3927 §2.1: the addresses a host may choose, 169.254.1.0 – 169.254.254.255. */
#define IPV4LL_ADDRESS_FIRST 0xA9FE0100U /* 169.254.1.0, host byte order */
#define IPV4LL_ADDRESS_LAST 0xA9FEFEFFU  /* 169.254.254.255 */

enum ipv4ll_state {
        IPV4LL_STATE_DISABLED,     /* not started, or stopped */
        IPV4LL_STATE_WAITING,      /* the random wait before the first probe */
        IPV4LL_STATE_PROBING,      /* probing a candidate */
        IPV4LL_STATE_ANNOUNCING,   /* claimed; announcing */
        IPV4LL_STATE_BOUND,        /* claimed and announced */
        IPV4LL_STATE_DEFENDING,    /* defended within DEFEND_INTERVAL: the next conflict loses it */
        IPV4LL_STATE_RATE_LIMITED, /* MAX_CONFLICTS reached: waiting RATE_LIMIT_INTERVAL */
        _IPV4LL_STATE_MAX,
};

enum ipv4ll_action_kind {
        IPV4LL_ACTION_SEND_PROBE,        /* broadcast .packet */
        IPV4LL_ACTION_SEND_ANNOUNCEMENT, /* broadcast .packet */
        IPV4LL_ACTION_BOUND,             /* add .addr to the interface (and remember it) */
        IPV4LL_ACTION_LOST,              /* remove .addr from the interface */
        IPV4LL_ACTION_STATE_CHANGED,     /* .state is the new state (.addr the current address) */
        _IPV4LL_ACTION_KIND_MAX,
};

struct ipv4ll_action {
        enum ipv4ll_action_kind kind;
        struct in_addr addr;
        enum ipv4ll_state state;
        size_t packet_len;
        uint8_t packet[ARP_PACKET_SIZE];
};

#define IPV4LL_ACTIONS_MAX 8

struct ipv4ll_actions {
        size_t n;
        struct ipv4ll_action actions[IPV4LL_ACTIONS_MAX];
};

struct ipv4ll_config {
        const char *ifname;         /* required: log messages and the candidate seed */
        struct ether_addr mac;      /* required: the candidate seed and acd's own address */
        struct rng *rng;            /* randomness for the waits; borrowed */
        struct in_addr remembered;  /* the address last held (state directory), 0.0.0.0 if none;
                                     * outside 169.254.1.0–169.254.254.255 it is ignored (logged) */
        double timing_scale;        /* as in acd_config; also shrinks RATE_LIMIT_INTERVAL */
};

/* The candidate sequence (RFC 3927 §2.1): pseudo-random over 169.254.1.0–169.254.254.255, seeded
 * from the MAC and the interface name only (never the clock), so a host tries the same addresses
 * in the same order on every boot, and different hosts (interfaces) different ones. */
struct ipv4ll_candidates {
        struct rng rng;
};

void ipv4ll_candidates_init(struct ipv4ll_candidates *c, const struct ether_addr *mac, const char *ifname);
/* The next candidate, never equal to avoid (pass 0.0.0.0 to avoid nothing). */
struct in_addr ipv4ll_candidates_next(struct ipv4ll_candidates *c, struct in_addr avoid);
/* In 169.254.1.0–169.254.254.255 (RFC 3927 §2.1). */
bool ipv4ll_address_is_valid(struct in_addr a);

/* Returns 0, or -EINVAL (see acd_new()), -ENOMEM. */
int ipv4ll_new(struct ipv4ll **ret, const struct ipv4ll_config *cfg);
struct ipv4ll *ipv4ll_free(struct ipv4ll *ll);

/* Each overwrites *out with this event's actions and returns their number, or a negative errno. */

/* disabled → probing the address held last (or the remembered one, or the first candidate);
 * resets the conflict count. -EBUSY unless disabled. */
int ipv4ll_start(struct ipv4ll *ll, usec_t now, struct ipv4ll_actions *out);
/* → disabled: LOST for a bound address. The address is kept and tried first on the next start. */
int ipv4ll_stop(struct ipv4ll *ll, usec_t now, struct ipv4ll_actions *out);
/* Link flap (carrier back, new network): give up using the address (LOST if bound) and probe
 * the same address again before using it (RFC 5227 §2.1, Bonjour conformance I.6). Does nothing
 * when disabled or rate-limited (no address is held then). */
int ipv4ll_restart(struct ipv4ll *ll, usec_t now, struct ipv4ll_actions *out);
int ipv4ll_handle_timeout(struct ipv4ll *ll, usec_t now, struct ipv4ll_actions *out);
int ipv4ll_handle_arp(struct ipv4ll *ll, const struct arp_packet *p, usec_t now, struct ipv4ll_actions *out);

usec_t ipv4ll_next_timeout(const struct ipv4ll *ll);
enum ipv4ll_state ipv4ll_get_state(const struct ipv4ll *ll);
/* The address being probed or held, or last held once disabled; 0.0.0.0 before the first start. */
struct in_addr ipv4ll_get_address(const struct ipv4ll *ll);
/* True between BOUND and LOST: the address is (to be) configured on the interface. */
bool ipv4ll_is_bound(const struct ipv4ll *ll);
/* Conflicts since the last successful claim (or start). */
unsigned ipv4ll_get_conflicts(const struct ipv4ll *ll);

const char *ipv4ll_state_to_string(enum ipv4ll_state s);
const char *ipv4ll_action_kind_to_string(enum ipv4ll_action_kind k);
