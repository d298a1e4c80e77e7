/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IPv4 address conflict detection: RFC 5227, with the timings of RFC 3927 §9. See acd.h. */
#include "ipv4ll/acd.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/* RFC 3927 §9 (and RFC 5227 §1.1) constants */
#define PROBE_WAIT (1 * USEC_PER_SEC)        /* initial random delay */
#define PROBE_NUM 3                          /* number of probe packets */
#define PROBE_MIN (1 * USEC_PER_SEC)         /* minimum delay till repeated probe */
#define PROBE_MAX (2 * USEC_PER_SEC)         /* maximum delay till repeated probe */
#define ANNOUNCE_WAIT (2 * USEC_PER_SEC)     /* delay before announcing */
#define ANNOUNCE_NUM 2                       /* number of announcement packets */
#define ANNOUNCE_INTERVAL (2 * USEC_PER_SEC) /* time between announcement packets */
#define DEFEND_INTERVAL (10 * USEC_PER_SEC)  /* minimum interval between defensive ARPs */

struct acd {
        char ifname[IF_NAMESIZE];
        struct ether_addr mac;
        struct rng *rng;
        double scale;

        enum acd_state state;
        struct in_addr addr;
        unsigned n_sent;      /* probes sent (probing) or announcements sent (announcing) */
        usec_t timeout;       /* absolute; USEC_INFINITY when no timer is due */
        usec_t last_conflict; /* when we last defended (RFC 5227 §2.4 (b)); USEC_INFINITY: never */
};

static const char *const acd_state_table[_ACD_STATE_MAX] = {
        [ACD_STATE_IDLE] = "idle",
        [ACD_STATE_WAITING] = "waiting",
        [ACD_STATE_PROBING] = "probing",
        [ACD_STATE_ANNOUNCING] = "announcing",
        [ACD_STATE_BOUND] = "bound",
        [ACD_STATE_DEFENDING] = "defending",
};

static const char *const acd_action_kind_table[_ACD_ACTION_KIND_MAX] = {
        [ACD_ACTION_SEND_PROBE] = "send-probe",
        [ACD_ACTION_SEND_ANNOUNCEMENT] = "send-announcement",
        [ACD_ACTION_BOUND] = "bound",
        [ACD_ACTION_CONFLICT] = "conflict",
        [ACD_ACTION_DEFENDED] = "defended",
        [ACD_ACTION_STOPPED] = "stopped",
};

const char *acd_state_to_string(enum acd_state s) {
        if ((unsigned) s >= ELEMENTSOF(acd_state_table))
                return NULL;
        return acd_state_table[s];
}

const char *acd_action_kind_to_string(enum acd_action_kind k) {
        if ((unsigned) k >= ELEMENTSOF(acd_action_kind_table))
                return NULL;
        return acd_action_kind_table[k];
}

static const char *acd_addr_to_string(const struct acd *acd, char buf[static INET_ADDRSTRLEN]) {
        return inet_ntop(AF_INET, &acd->addr, buf, INET_ADDRSTRLEN);
}

/* A wait of the RFC, shrunk by the opt-in timing scale. */
static usec_t acd_scale(const struct acd *acd, usec_t v) {
        return (usec_t) ((double) v * acd->scale);
}

static void acd_set_state(struct acd *acd, enum acd_state state, usec_t timeout) {
        char a[INET_ADDRSTRLEN];

        if (acd->state != state)
                log_debug("acd %s %s: %s -> %s", acd->ifname, acd_addr_to_string(acd, a),
                          acd_state_to_string(acd->state), acd_state_to_string(state));
        acd->state = state;
        acd->timeout = timeout;
}

static struct acd_action *acd_actions_push(struct acd_actions *out, enum acd_action_kind kind, struct in_addr addr) {
        struct acd_action *a;

        /* Our invariant: no event produces more than ACD_ACTIONS_MAX actions. */
        assert(out->n < ACD_ACTIONS_MAX);
        a = &out->actions[out->n++];
        *a = (struct acd_action) { .kind = kind, .addr = addr };
        return a;
}

static void acd_push_probe(struct acd *acd, struct acd_actions *out) {
        struct acd_action *a = acd_actions_push(out, ACD_ACTION_SEND_PROBE, acd->addr);
        int r = arp_packet_build_probe(a->packet, sizeof a->packet, &acd->mac, acd->addr);

        assert(r == ARP_PACKET_SIZE);
        a->packet_len = (size_t) r;
}

static void acd_push_announcement(struct acd *acd, struct acd_actions *out) {
        struct acd_action *a = acd_actions_push(out, ACD_ACTION_SEND_ANNOUNCEMENT, acd->addr);
        int r = arp_packet_build_announcement(a->packet, sizeof a->packet, &acd->mac, acd->addr);

        assert(r == ARP_PACKET_SIZE);
        a->packet_len = (size_t) r;
}

static bool acd_mac_is_valid(const struct ether_addr *mac) {
        static const struct ether_addr zero = {};

        return !arp_hw_addr_equal(mac, &zero) && !(mac->ether_addr_octet[0] & 1);
}

int acd_new(struct acd **ret, const struct acd_config *cfg) {
        struct acd *acd;
        double scale;

        assert(ret);
        assert(cfg);
        if (!cfg->ifname || !cfg->ifname[0] || strlen(cfg->ifname) >= IF_NAMESIZE || !cfg->rng)
                return -EINVAL;
        if (!acd_mac_is_valid(&cfg->mac))
                return -EINVAL;
        scale = cfg->timing_scale == 0 ? 1.0 : cfg->timing_scale;
        if (!(scale > 0 && scale <= 1)) /* also rejects NaN */
                return -EINVAL;

        acd = calloc(1, sizeof *acd);
        if (!acd)
                return -ENOMEM;
        strcpy(acd->ifname, cfg->ifname);
        acd->mac = cfg->mac;
        acd->rng = cfg->rng;
        acd->scale = scale;
        acd->state = ACD_STATE_IDLE;
        acd->timeout = USEC_INFINITY;
        acd->last_conflict = USEC_INFINITY;
        *ret = acd;
        return 0;
}

struct acd *acd_free(struct acd *acd) {
        free(acd);
        return NULL;
}

int acd_start(struct acd *acd, struct in_addr addr, usec_t now, struct acd_actions *out) {
        uint32_t h = ntohl(addr.s_addr);
        char a[INET_ADDRSTRLEN];

        assert(acd);
        assert(out);
        out->n = 0;
        if (acd->state != ACD_STATE_IDLE)
                return -EBUSY;
        if (h == INADDR_ANY || h == INADDR_BROADCAST || (h & 0xf0000000U) == 0xe0000000U /* 224.0.0.0/4 */)
                return -EINVAL;

        acd->addr = addr;
        acd->n_sent = 0;
        acd->last_conflict = USEC_INFINITY;
        log_debug("acd %s %s: starting", acd->ifname, acd_addr_to_string(acd, a));
        /* RFC 3927 §2.2.1, RFC 5227 §2.1.1: wait a random time uniformly in 0..PROBE_WAIT first,
         * so that hosts switched on together do not probe in step */
        acd_set_state(acd, ACD_STATE_WAITING, now + rng_range(acd->rng, 0, acd_scale(acd, PROBE_WAIT)));
        return 0;
}

int acd_stop(struct acd *acd, _unused_ usec_t now, struct acd_actions *out) {
        assert(acd);
        assert(out);
        out->n = 0;
        if (acd->state == ACD_STATE_IDLE)
                return 0;
        acd_actions_push(out, ACD_ACTION_STOPPED, acd->addr);
        acd_set_state(acd, ACD_STATE_IDLE, USEC_INFINITY);
        return (int) out->n;
}

/* After the last announcement: defending while a defended conflict is recent, else bound. */
static void acd_enter_bound(struct acd *acd, usec_t now) {
        if (acd->last_conflict != USEC_INFINITY && now < acd->last_conflict + DEFEND_INTERVAL)
                acd_set_state(acd, ACD_STATE_DEFENDING, acd->last_conflict + DEFEND_INTERVAL);
        else
                acd_set_state(acd, ACD_STATE_BOUND, USEC_INFINITY);
}

int acd_handle_timeout(struct acd *acd, usec_t now, struct acd_actions *out) {
        char a[INET_ADDRSTRLEN];

        assert(acd);
        assert(out);
        out->n = 0;
        if (acd->timeout == USEC_INFINITY || now < acd->timeout)
                return 0; /* spurious or early wake-up */

        switch (acd->state) {
        case ACD_STATE_WAITING:
        case ACD_STATE_PROBING:
                if (acd->n_sent < PROBE_NUM) {
                        usec_t next;

                        /* RFC 3927 §2.2.1, RFC 5227 §2.1.1: PROBE_NUM probes, spaced randomly and
                         * uniformly PROBE_MIN..PROBE_MAX apart */
                        acd_push_probe(acd, out);
                        acd->n_sent++;
                        if (acd->n_sent < PROBE_NUM)
                                next = now + rng_range(acd->rng, acd_scale(acd, PROBE_MIN), acd_scale(acd, PROBE_MAX));
                        else /* RFC 3927 §2.2.1: still listening until ANNOUNCE_WAIT after the last probe */
                                next = now + acd_scale(acd, ANNOUNCE_WAIT);
                        log_debug("acd %s %s: probe %u/%u", acd->ifname, acd_addr_to_string(acd, a), acd->n_sent,
                                  PROBE_NUM);
                        acd_set_state(acd, ACD_STATE_PROBING, next);
                        break;
                }

                /* RFC 3927 §2.2.1: no conflict by ANNOUNCE_WAIT after the last probe: the address
                 * is claimed. RFC 3927 §2.4, RFC 5227 §2.3: configure it and announce it; it may be
                 * used from the first announcement on, so BOUND precedes the first send. */
                log_info("acd %s %s: claimed, announcing", acd->ifname, acd_addr_to_string(acd, a));
                acd_actions_push(out, ACD_ACTION_BOUND, acd->addr);
                acd_push_announcement(acd, out);
                acd->n_sent = 1;
                acd_set_state(acd, ACD_STATE_ANNOUNCING, now + acd_scale(acd, ANNOUNCE_INTERVAL));
                break;

        case ACD_STATE_ANNOUNCING:
                /* RFC 5227 §2.3: ANNOUNCE_NUM announcements, ANNOUNCE_INTERVAL apart */
                acd_push_announcement(acd, out);
                acd->n_sent++;
                if (acd->n_sent < ANNOUNCE_NUM)
                        acd_set_state(acd, ACD_STATE_ANNOUNCING, now + acd_scale(acd, ANNOUNCE_INTERVAL));
                else
                        acd_enter_bound(acd, now);
                break;

        case ACD_STATE_DEFENDING:
                /* RFC 5227 §2.4 (b): DEFEND_INTERVAL has passed since the conflict we defended
                 * against; the next conflict may be defended again */
                acd_set_state(acd, ACD_STATE_BOUND, USEC_INFINITY);
                break;

        case ACD_STATE_IDLE:
        case ACD_STATE_BOUND:
        case _ACD_STATE_MAX:
                /* no timer in these states */
                acd->timeout = USEC_INFINITY;
                break;
        }
        return (int) out->n;
}

/* RFC 3927 §2.2.1, RFC 5227 §2.1.1: the conflicts while probing (and until ANNOUNCE_WAIT after
 * the last probe). The caller has already dropped our own looped-back packets. */
static bool acd_arp_conflicts_with_probing(struct acd *acd, const struct arp_packet *p) {
        char a[INET_ADDRSTRLEN], hw[ARP_HW_ADDR_STRLEN], src[ARP_HW_ADDR_STRLEN];

        /* any ARP packet, request or reply, whose sender IP is the address being probed for */
        if (p->sender_ip.s_addr == acd->addr.s_addr)
                return true;

        /* an ARP Probe for the same address from another host probing it at the same time */
        if (!arp_packet_is_probe(p) || p->target_ip.s_addr != acd->addr.s_addr)
                return false;

        /* RFC 5227 §1.1: the sender hw of a probe is the hardware address of the interface sending
         * it. A probe whose Ethernet source differs is malformed or forged (a known firmware bug):
         * do not give up the address for it. */
        if (p->has_ether_source && !arp_hw_addr_equal(&p->ether_source, &p->sender_hw)) {
                log_debug("acd %s %s: ignoring ARP probe with sender hw %s from Ethernet source %s", acd->ifname,
                          acd_addr_to_string(acd, a), arp_hw_addr_format(&p->sender_hw, hw, sizeof hw),
                          arp_hw_addr_format(&p->ether_source, src, sizeof src));
                return false;
        }
        return true;
}

int acd_handle_arp(struct acd *acd, const struct arp_packet *p, usec_t now, struct acd_actions *out) {
        char a[INET_ADDRSTRLEN], hw[ARP_HW_ADDR_STRLEN];
        struct acd_action *act;

        assert(acd);
        assert(p);
        assert(out);
        out->n = 0;

        /* RFC 5227 §2.1.1: our own packets, looped back, are never a conflict */
        if (arp_hw_addr_equal(&p->sender_hw, &acd->mac) ||
            (p->has_ether_source && arp_hw_addr_equal(&p->ether_source, &acd->mac)))
                return 0;

        switch (acd->state) {
        case ACD_STATE_WAITING:
        case ACD_STATE_PROBING:
                if (!acd_arp_conflicts_with_probing(acd, p))
                        return 0;
                /* RFC 3927 §2.2.1: the address is in use; the caller selects a new one */
                log_info("acd %s %s: conflict while probing with %s (%s)", acd->ifname, acd_addr_to_string(acd, a),
                         arp_hw_addr_format(&p->sender_hw, hw, sizeof hw),
                         arp_packet_is_probe(p) ? "its probe" : "in use");
                act = acd_actions_push(out, ACD_ACTION_CONFLICT, acd->addr);
                act->peer = p->sender_hw;
                acd_set_state(acd, ACD_STATE_IDLE, USEC_INFINITY);
                break;

        case ACD_STATE_ANNOUNCING:
        case ACD_STATE_BOUND:
        case ACD_STATE_DEFENDING:
                /* RFC 5227 §2.4: a conflicting ARP packet has our address as its sender IP and a
                 * sender hw that is not ours. (A probe for our address is not one: the kernel
                 * answers it, and the prober moves on.) */
                if (p->sender_ip.s_addr != acd->addr.s_addr)
                        return 0;
                arp_hw_addr_format(&p->sender_hw, hw, sizeof hw);

                if (acd->last_conflict != USEC_INFINITY && now < acd->last_conflict + DEFEND_INTERVAL) {
                        /* RFC 5227 §2.4 (b), RFC 3927 §2.5: a second conflict within
                         * DEFEND_INTERVAL: cease using the address at once, so that two hosts do
                         * not defend the same address forever */
                        log_info("acd %s %s: second conflict within DEFEND_INTERVAL, with %s: giving the address up",
                                 acd->ifname, acd_addr_to_string(acd, a), hw);
                        act = acd_actions_push(out, ACD_ACTION_CONFLICT, acd->addr);
                        act->peer = p->sender_hw;
                        acd_set_state(acd, ACD_STATE_IDLE, USEC_INFINITY);
                        break;
                }

                /* RFC 5227 §2.4 (b), RFC 3927 §2.5 (b): no conflict in the last DEFEND_INTERVAL:
                 * record the time and defend once, with one single announcement */
                log_info("acd %s %s: conflict with %s, defending", acd->ifname, acd_addr_to_string(acd, a), hw);
                acd->last_conflict = now;
                acd_push_announcement(acd, out);
                act = acd_actions_push(out, ACD_ACTION_DEFENDED, acd->addr);
                act->peer = p->sender_hw;
                /* While announcing, the announcements go on; acd_enter_bound() then looks at the
                 * time of this defence. */
                if (acd->state != ACD_STATE_ANNOUNCING)
                        acd_set_state(acd, ACD_STATE_DEFENDING, now + DEFEND_INTERVAL);
                break;

        case ACD_STATE_IDLE:
        case _ACD_STATE_MAX:
                break;
        }
        return (int) out->n;
}

usec_t acd_next_timeout(const struct acd *acd) {
        assert(acd);
        return acd->timeout;
}

enum acd_state acd_get_state(const struct acd *acd) {
        assert(acd);
        return acd->state;
}

struct in_addr acd_get_address(const struct acd *acd) {
        assert(acd);
        return acd->addr;
}
