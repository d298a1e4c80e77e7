/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IPv4 link-local address choice: RFC 3927 §2.1 on top of acd (RFC 5227). See ipv4ll.h. */
#include "ipv4ll/ipv4ll.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/* RFC 3927 §9 (and RFC 5227 §1.1) constants */
#define MAX_CONFLICTS 10                          /* max conflicts before rate limiting */
#define RATE_LIMIT_INTERVAL (60 * USEC_PER_SEC)   /* delay between successive attempts */

struct ipv4ll {
        char ifname[IF_NAMESIZE];
        double scale;
        struct ipv4ll_candidates candidates;
        struct acd *acd;

        enum ipv4ll_state state;
        struct in_addr addr;     /* being probed, held, or (disabled) held last; 0 before any */
        bool bound;              /* BOUND handed out and no LOST since */
        unsigned n_conflicts;    /* RFC 3927 §2.2.1: conflicts since the last claim */
        usec_t rate_limit_until; /* RATE_LIMITED: when the next attempt may begin */
};

static const char *const ipv4ll_state_table[_IPV4LL_STATE_MAX] = {
        [IPV4LL_STATE_DISABLED] = "disabled",
        [IPV4LL_STATE_WAITING] = "waiting",
        [IPV4LL_STATE_PROBING] = "probing",
        [IPV4LL_STATE_ANNOUNCING] = "announcing",
        [IPV4LL_STATE_BOUND] = "bound",
        [IPV4LL_STATE_DEFENDING] = "defending",
        [IPV4LL_STATE_RATE_LIMITED] = "rate-limited",
};

static const char *const ipv4ll_action_kind_table[_IPV4LL_ACTION_KIND_MAX] = {
        [IPV4LL_ACTION_SEND_PROBE] = "send-probe",
        [IPV4LL_ACTION_SEND_ANNOUNCEMENT] = "send-announcement",
        [IPV4LL_ACTION_BOUND] = "bound",
        [IPV4LL_ACTION_LOST] = "lost",
        [IPV4LL_ACTION_STATE_CHANGED] = "state-changed",
};

const char *ipv4ll_state_to_string(enum ipv4ll_state s) {
        if ((unsigned) s >= ELEMENTSOF(ipv4ll_state_table))
                return NULL;
        return ipv4ll_state_table[s];
}

const char *ipv4ll_action_kind_to_string(enum ipv4ll_action_kind k) {
        if ((unsigned) k >= ELEMENTSOF(ipv4ll_action_kind_table))
                return NULL;
        return ipv4ll_action_kind_table[k];
}

bool ipv4ll_address_is_valid(struct in_addr a) {
        uint32_t h = ntohl(a.s_addr);

        /* RFC 3927 §2.1: 169.254.0.0/24 and 169.254.255.0/24 are reserved */
        return h >= IPV4LL_ADDRESS_FIRST && h <= IPV4LL_ADDRESS_LAST;
}

void ipv4ll_candidates_init(struct ipv4ll_candidates *c, const struct ether_addr *mac, const char *ifname) {
        const uint64_t fnv_prime = 0x100000001b3ULL;
        uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a, then splitmix64 mixes the seed */

        assert(c);
        assert(mac);
        /* RFC 3927 §2.1: seeded from the MAC (plus the interface name, so that interfaces sharing a
         * MAC differ), so the host tries the same sequence on every boot; never from the clock */
        for (size_t i = 0; i < ETH_ALEN; i++)
                h = (h ^ mac->ether_addr_octet[i]) * fnv_prime;
        h = (h ^ 0) * fnv_prime; /* separator */
        for (const char *p = ifname ? ifname : ""; *p; p++)
                h = (h ^ (unsigned char) *p) * fnv_prime;
        rng_seed(&c->rng, h);
}

struct in_addr ipv4ll_candidates_next(struct ipv4ll_candidates *c, struct in_addr avoid) {
        struct in_addr a;

        assert(c);
        do {
                /* RFC 3927 §2.1: uniformly in 169.254.1.0 – 169.254.254.255 */
                uint32_t h = IPV4LL_ADDRESS_FIRST +
                             (uint32_t) rng_range(&c->rng, 0, IPV4LL_ADDRESS_LAST - IPV4LL_ADDRESS_FIRST);

                a.s_addr = htonl(h);
        } while (a.s_addr == avoid.s_addr); /* never the address that just conflicted */
        return a;
}

static const char *ipv4ll_addr_to_string(const struct ipv4ll *ll, char buf[static INET_ADDRSTRLEN]) {
        return inet_ntop(AF_INET, &ll->addr, buf, INET_ADDRSTRLEN);
}

static struct ipv4ll_action *ipv4ll_actions_push(struct ipv4ll_actions *out, enum ipv4ll_action_kind kind,
                                                 struct in_addr addr) {
        struct ipv4ll_action *a;

        /* Our invariant: no event produces more than IPV4LL_ACTIONS_MAX actions. */
        assert(out->n < IPV4LL_ACTIONS_MAX);
        a = &out->actions[out->n++];
        *a = (struct ipv4ll_action) { .kind = kind, .addr = addr };
        return a;
}

static void ipv4ll_set_state(struct ipv4ll *ll, enum ipv4ll_state state, struct ipv4ll_actions *out) {
        struct ipv4ll_action *a;
        char buf[INET_ADDRSTRLEN];

        if (ll->state == state)
                return;
        log_info("ipv4ll %s: %s -> %s (%s)", ll->ifname, ipv4ll_state_to_string(ll->state),
                 ipv4ll_state_to_string(state), ipv4ll_addr_to_string(ll, buf));
        ll->state = state;
        a = ipv4ll_actions_push(out, IPV4LL_ACTION_STATE_CHANGED, ll->addr);
        a->state = state;
}

static enum ipv4ll_state ipv4ll_state_from_acd(enum acd_state s) {
        switch (s) {
        case ACD_STATE_WAITING:
                return IPV4LL_STATE_WAITING;
        case ACD_STATE_PROBING:
                return IPV4LL_STATE_PROBING;
        case ACD_STATE_ANNOUNCING:
                return IPV4LL_STATE_ANNOUNCING;
        case ACD_STATE_BOUND:
                return IPV4LL_STATE_BOUND;
        case ACD_STATE_DEFENDING:
                return IPV4LL_STATE_DEFENDING;
        case ACD_STATE_IDLE:
        case _ACD_STATE_MAX:
                break;
        }
        return IPV4LL_STATE_DISABLED;
}

/* While acd runs, our state is acd's. */
static void ipv4ll_sync_state(struct ipv4ll *ll, struct ipv4ll_actions *out) {
        enum acd_state s = acd_get_state(ll->acd);

        if (s != ACD_STATE_IDLE)
                ipv4ll_set_state(ll, ipv4ll_state_from_acd(s), out);
}

static void ipv4ll_start_acd(struct ipv4ll *ll, usec_t now, struct ipv4ll_actions *out) {
        struct acd_actions acts;
        int r;

        /* Our invariants: acd is idle here and ll->addr is a valid link-local address. */
        assert(ipv4ll_address_is_valid(ll->addr));
        r = acd_start(ll->acd, ll->addr, now, &acts);
        assert(r == 0);
        ipv4ll_sync_state(ll, out);
}

static void ipv4ll_lose(struct ipv4ll *ll, struct ipv4ll_actions *out) {
        if (!ll->bound)
                return;
        ll->bound = false;
        ipv4ll_actions_push(out, IPV4LL_ACTION_LOST, ll->addr);
}

/* RFC 3927 §2.2.1: after a conflict, select a new pseudo-random address and repeat, at most one
 * new address per RATE_LIMIT_INTERVAL once MAX_CONFLICTS conflicts have happened. */
static void ipv4ll_next_attempt(struct ipv4ll *ll, struct in_addr conflicted, usec_t now, struct ipv4ll_actions *out) {
        char buf[INET_ADDRSTRLEN];

        ll->addr = ipv4ll_candidates_next(&ll->candidates, conflicted);
        if (ll->n_conflicts >= MAX_CONFLICTS) {
                /* RFC 5227 §2.1.1: "MAX_CONFLICTS or more address conflicts" → rate limit */
                ll->rate_limit_until = now + (usec_t) ((double) RATE_LIMIT_INTERVAL * ll->scale);
                log_info("ipv4ll %s: %u conflicts, trying %s after RATE_LIMIT_INTERVAL", ll->ifname, ll->n_conflicts,
                         ipv4ll_addr_to_string(ll, buf));
                ipv4ll_set_state(ll, IPV4LL_STATE_RATE_LIMITED, out);
                return;
        }
        ipv4ll_start_acd(ll, now, out);
}

/* Translate what acd did into our actions. */
static void ipv4ll_apply_acd(struct ipv4ll *ll, const struct acd_actions *acts, usec_t now, struct ipv4ll_actions *out) {
        for (size_t i = 0; i < acts->n; i++) {
                const struct acd_action *a = &acts->actions[i];
                struct ipv4ll_action *o;

                switch (a->kind) {
                case ACD_ACTION_SEND_PROBE:
                case ACD_ACTION_SEND_ANNOUNCEMENT:
                        o = ipv4ll_actions_push(out,
                                                a->kind == ACD_ACTION_SEND_PROBE ? IPV4LL_ACTION_SEND_PROBE
                                                                                 : IPV4LL_ACTION_SEND_ANNOUNCEMENT,
                                                a->addr);
                        memcpy(o->packet, a->packet, a->packet_len);
                        o->packet_len = a->packet_len;
                        break;

                case ACD_ACTION_BOUND:
                        /* RFC 3927 §2.2.1: the conflict count is about acquiring an address; a
                         * successful claim ends that process */
                        ll->bound = true;
                        ll->n_conflicts = 0;
                        ipv4ll_actions_push(out, IPV4LL_ACTION_BOUND, a->addr);
                        break;

                case ACD_ACTION_CONFLICT:
                        ipv4ll_lose(ll, out);
                        ll->n_conflicts++;
                        ipv4ll_next_attempt(ll, a->addr, now, out);
                        break;

                case ACD_ACTION_STOPPED:
                        ipv4ll_lose(ll, out);
                        break;

                case ACD_ACTION_DEFENDED: /* acd logged it; the state shows it */
                case _ACD_ACTION_KIND_MAX:
                        break;
                }
        }
        ipv4ll_sync_state(ll, out);
}

int ipv4ll_new(struct ipv4ll **ret, const struct ipv4ll_config *cfg) {
        struct acd_config acfg;
        struct ipv4ll *ll;
        char buf[INET_ADDRSTRLEN];
        int r;

        assert(ret);
        assert(cfg);
        if (!cfg->ifname || !cfg->ifname[0] || strlen(cfg->ifname) >= IF_NAMESIZE)
                return -EINVAL;

        ll = calloc(1, sizeof *ll);
        if (!ll)
                return -ENOMEM;

        acfg = (struct acd_config) {
                .ifname = cfg->ifname,
                .mac = cfg->mac,
                .rng = cfg->rng,
                .timing_scale = cfg->timing_scale,
        };
        r = acd_new(&ll->acd, &acfg); /* validates the MAC, the rng and the scale */
        if (r < 0) {
                free(ll);
                return r;
        }
        strcpy(ll->ifname, cfg->ifname);
        ll->scale = cfg->timing_scale == 0 ? 1.0 : cfg->timing_scale;
        ipv4ll_candidates_init(&ll->candidates, &cfg->mac, cfg->ifname);
        ll->state = IPV4LL_STATE_DISABLED;
        ll->rate_limit_until = USEC_INFINITY;

        /* RFC 3927 §2.1: try the address we held last first, if it is one we may hold */
        if (cfg->remembered.s_addr != 0) {
                if (ipv4ll_address_is_valid(cfg->remembered))
                        ll->addr = cfg->remembered;
                else
                        log_warning("ipv4ll %s: ignoring remembered address %s: not in 169.254.1.0-169.254.254.255",
                                    ll->ifname, inet_ntop(AF_INET, &cfg->remembered, buf, sizeof buf));
        }
        *ret = ll;
        return 0;
}

struct ipv4ll *ipv4ll_free(struct ipv4ll *ll) {
        if (!ll)
                return NULL;
        acd_free(ll->acd);
        free(ll);
        return NULL;
}

int ipv4ll_start(struct ipv4ll *ll, usec_t now, struct ipv4ll_actions *out) {
        assert(ll);
        assert(out);
        out->n = 0;
        if (ll->state != IPV4LL_STATE_DISABLED)
                return -EBUSY;

        ll->n_conflicts = 0;
        ll->rate_limit_until = USEC_INFINITY;
        if (ll->addr.s_addr == 0)
                ll->addr = ipv4ll_candidates_next(&ll->candidates, (struct in_addr) {});
        ipv4ll_start_acd(ll, now, out);
        return (int) out->n;
}

int ipv4ll_stop(struct ipv4ll *ll, usec_t now, struct ipv4ll_actions *out) {
        struct acd_actions acts;
        int r;

        assert(ll);
        assert(out);
        out->n = 0;
        if (ll->state == IPV4LL_STATE_DISABLED)
                return 0;
        r = acd_stop(ll->acd, now, &acts);
        if (r < 0)
                return r;
        ipv4ll_apply_acd(ll, &acts, now, out);
        ll->rate_limit_until = USEC_INFINITY;
        ipv4ll_set_state(ll, IPV4LL_STATE_DISABLED, out);
        return (int) out->n;
}

int ipv4ll_restart(struct ipv4ll *ll, usec_t now, struct ipv4ll_actions *out) {
        struct acd_actions acts;
        char buf[INET_ADDRSTRLEN];
        int r;

        assert(ll);
        assert(out);
        out->n = 0;
        if (ll->state == IPV4LL_STATE_DISABLED || ll->state == IPV4LL_STATE_RATE_LIMITED)
                return 0;

        /* RFC 5227 §2.1: after a change in connectivity, probe again before using the address;
         * Bonjour conformance I.6: the address it held, first */
        log_info("ipv4ll %s: link changed, probing %s again", ll->ifname, ipv4ll_addr_to_string(ll, buf));
        r = acd_stop(ll->acd, now, &acts);
        if (r < 0)
                return r;
        ipv4ll_apply_acd(ll, &acts, now, out);
        ipv4ll_start_acd(ll, now, out);
        return (int) out->n;
}

int ipv4ll_handle_timeout(struct ipv4ll *ll, usec_t now, struct ipv4ll_actions *out) {
        struct acd_actions acts;
        int r;

        assert(ll);
        assert(out);
        out->n = 0;
        switch (ll->state) {
        case IPV4LL_STATE_DISABLED:
                break;

        case IPV4LL_STATE_RATE_LIMITED:
                if (now < ll->rate_limit_until)
                        break;
                ll->rate_limit_until = USEC_INFINITY;
                ipv4ll_start_acd(ll, now, out);
                break;

        default:
                r = acd_handle_timeout(ll->acd, now, &acts);
                if (r < 0)
                        return r;
                ipv4ll_apply_acd(ll, &acts, now, out);
                break;
        }
        return (int) out->n;
}

int ipv4ll_handle_arp(struct ipv4ll *ll, const struct arp_packet *p, usec_t now, struct ipv4ll_actions *out) {
        struct acd_actions acts;
        int r;

        assert(ll);
        assert(p);
        assert(out);
        out->n = 0;
        if (ll->state == IPV4LL_STATE_DISABLED || ll->state == IPV4LL_STATE_RATE_LIMITED)
                return 0;
        r = acd_handle_arp(ll->acd, p, now, &acts);
        if (r < 0)
                return r;
        ipv4ll_apply_acd(ll, &acts, now, out);
        return (int) out->n;
}

usec_t ipv4ll_next_timeout(const struct ipv4ll *ll) {
        assert(ll);
        switch (ll->state) {
        case IPV4LL_STATE_DISABLED:
                return USEC_INFINITY;
        case IPV4LL_STATE_RATE_LIMITED:
                return ll->rate_limit_until;
        default:
                return acd_next_timeout(ll->acd);
        }
}

enum ipv4ll_state ipv4ll_get_state(const struct ipv4ll *ll) {
        assert(ll);
        return ll->state;
}

struct in_addr ipv4ll_get_address(const struct ipv4ll *ll) {
        assert(ll);
        return ll->addr;
}

bool ipv4ll_is_bound(const struct ipv4ll *ll) {
        assert(ll);
        return ll->bound;
}

unsigned ipv4ll_get_conflicts(const struct ipv4ll *ll) {
        assert(ll);
        return ll->n_conflicts;
}
