/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The per-link IPv6 address follower; see dad.h. */
#include "ipv6ll/dad.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#ifndef IFA_F_STABLE_PRIVACY
#define IFA_F_STABLE_PRIVACY 0x800
#endif

struct own_addr {
        struct in6_addr addr;
        uint32_t dad_counter;
};

struct ipv6ll_dad {
        char ifname[IF_NAMESIZE];
        uint8_t mac[32];
        size_t mac_len;
        int addr_gen_mode; /* -1 until known */

        struct ipv6ll_addr addrs[IPV6LL_DAD_ADDRS_MAX];
        size_t n_addrs;
        bool full_logged;

        struct own_addr own[IPV6LL_DAD_OWN_MAX];
        size_t n_own;
};

static const char *const origin_table[_IPV6LL_ORIGIN_MAX] = {
        [IPV6LL_ORIGIN_EUI64] = "eui64",
        [IPV6LL_ORIGIN_STABLE_PRIVACY] = "stable-privacy",
        [IPV6LL_ORIGIN_RFC7217] = "rfc7217",
        [IPV6LL_ORIGIN_TEMPORARY] = "temporary",
        [IPV6LL_ORIGIN_MANUAL] = "manual",
        [IPV6LL_ORIGIN_DYNAMIC] = "dynamic",
};

static const char *const state_table[_IPV6LL_DAD_STATE_MAX] = {
        [IPV6LL_DAD_TENTATIVE] = "tentative",
        [IPV6LL_DAD_OPTIMISTIC] = "optimistic",
        [IPV6LL_DAD_VALID] = "valid",
        [IPV6LL_DAD_DEPRECATED] = "deprecated",
        [IPV6LL_DAD_FAILED] = "dadfailed",
};

static const char *const event_table[_IPV6LL_DAD_EVENT_MAX] = {
        [IPV6LL_DAD_EVENT_NEW] = "new",
        [IPV6LL_DAD_EVENT_DAD_PASSED] = "dad-passed",
        [IPV6LL_DAD_EVENT_DAD_FAILED] = "dad-failed",
        [IPV6LL_DAD_EVENT_CHANGED] = "changed",
        [IPV6LL_DAD_EVENT_LOST] = "lost",
        [IPV6LL_DAD_EVENT_NO_LINK_LOCAL] = "no-link-local",
};

const char *ipv6ll_origin_to_string(enum ipv6ll_origin o) {
        return (unsigned) o < _IPV6LL_ORIGIN_MAX ? origin_table[o] : NULL;
}

const char *ipv6ll_dad_state_to_string(enum ipv6ll_dad_state s) {
        return (unsigned) s < _IPV6LL_DAD_STATE_MAX ? state_table[s] : NULL;
}

const char *ipv6ll_dad_event_kind_to_string(enum ipv6ll_dad_event_kind k) {
        return (unsigned) k < _IPV6LL_DAD_EVENT_MAX ? event_table[k] : NULL;
}

bool ipv6ll_eui64_from_mac(const uint8_t *mac, size_t len, uint8_t iid[static 8]) {
        /* RFC 4291 Appendix A: modified EUI-64 */
        if (!mac)
                return false;
        if (len == 6) {
                memcpy(iid, mac, 3);
                iid[3] = 0xff;
                iid[4] = 0xfe;
                memcpy(iid + 5, mac + 3, 3);
        } else if (len == 8)
                memcpy(iid, mac, 8);
        else
                return false;
        iid[0] ^= 0x02; /* the universal/local bit, inverted */
        return true;
}

int ipv6ll_dad_new(struct ipv6ll_dad **ret, const char *ifname) {
        struct ipv6ll_dad *d;

        if (!ret || !ifname)
                return -EINVAL;
        d = calloc(1, sizeof *d);
        if (!d)
                return -ENOMEM;
        snprintf(d->ifname, sizeof d->ifname, "%s", ifname);
        d->addr_gen_mode = -1;
        *ret = d;
        return 0;
}

void ipv6ll_dad_free(struct ipv6ll_dad *d) {
        free(d);
}

static void events_push(struct ipv6ll_dad_events *evs, enum ipv6ll_dad_event_kind kind, const struct ipv6ll_addr *a,
                        enum ipv6ll_dad_state old) {
        struct ipv6ll_dad_event *e;

        if (!evs || evs->n >= IPV6LL_DAD_EVENTS_MAX)
                return;
        e = &evs->ev[evs->n++];
        *e = (struct ipv6ll_dad_event) { .kind = kind, .old_state = old };
        if (a)
                e->addr = *a;
}

void ipv6ll_dad_update_link(struct ipv6ll_dad *d, const struct netlink_link *link, struct ipv6ll_dad_events *evs) {
        int old_mode;

        if (evs)
                evs->n = 0;
        if (!d || !link)
                return;
        snprintf(d->ifname, sizeof d->ifname, "%s", link->name);
        d->mac_len = MIN(link->hwaddr_len, sizeof d->mac);
        memcpy(d->mac, link->hwaddr, d->mac_len);
        old_mode = d->addr_gen_mode;
        d->addr_gen_mode = link->addr_gen_mode;
        /* The kernel was told to make no link-local address: say so once, do not skip silently. */
        if (link->addr_gen_mode == IN6_ADDR_GEN_MODE_NONE && old_mode != IN6_ADDR_GEN_MODE_NONE)
                events_push(evs, IPV6LL_DAD_EVENT_NO_LINK_LOCAL, NULL, IPV6LL_DAD_VALID);
}

void ipv6ll_dad_add_own(struct ipv6ll_dad *d, const struct in6_addr *a, uint32_t dad_counter) {
        size_t k;

        if (!d || !a)
                return;
        for (k = 0; k < d->n_own; k++)
                if (memcmp(&d->own[k].addr, a, sizeof *a) == 0)
                        break;
        if (k == d->n_own) {
                if (d->n_own == IPV6LL_DAD_OWN_MAX) {
                        memmove(d->own, d->own + 1, (IPV6LL_DAD_OWN_MAX - 1) * sizeof d->own[0]);
                        d->n_own--;
                }
                k = d->n_own++;
        }
        d->own[k] = (struct own_addr) { .addr = *a, .dad_counter = dad_counter };
        /* an address already there becomes ours */
        for (size_t i = 0; i < d->n_addrs; i++)
                if (memcmp(&d->addrs[i].addr, a, sizeof *a) == 0 && d->addrs[i].origin != IPV6LL_ORIGIN_TEMPORARY &&
                    d->addrs[i].origin != IPV6LL_ORIGIN_STABLE_PRIVACY) {
                        d->addrs[i].origin = IPV6LL_ORIGIN_RFC7217;
                        d->addrs[i].dad_counter = dad_counter;
                }
}

void ipv6ll_dad_clear_own(struct ipv6ll_dad *d) {
        if (d)
                d->n_own = 0;
}

static const struct own_addr *find_own(const struct ipv6ll_dad *d, const struct in6_addr *a) {
        for (size_t k = 0; k < d->n_own; k++)
                if (memcmp(&d->own[k].addr, a, sizeof *a) == 0)
                        return &d->own[k];
        return NULL;
}

static enum ipv6ll_dad_state state_from_flags(uint32_t flags) {
        if (flags & IFA_F_DADFAILED)
                return IPV6LL_DAD_FAILED; /* RFC 4862 §5.4.5 (the kernel keeps TENTATIVE set too) */
        if (flags & IFA_F_TENTATIVE)
                return (flags & IFA_F_OPTIMISTIC) ? IPV6LL_DAD_OPTIMISTIC : IPV6LL_DAD_TENTATIVE;
        if (flags & IFA_F_DEPRECATED)
                return IPV6LL_DAD_DEPRECATED;
        return IPV6LL_DAD_VALID;
}

static enum ipv6ll_origin origin_of(const struct ipv6ll_dad *d, const struct netlink_addr *a, uint32_t *counter) {
        const struct own_addr *own;
        uint8_t iid[8];

        *counter = 0;
        if (a->flags & IFA_F_TEMPORARY)
                return IPV6LL_ORIGIN_TEMPORARY;
        if (a->flags & IFA_F_STABLE_PRIVACY)
                return IPV6LL_ORIGIN_STABLE_PRIVACY;
        own = find_own(d, &a->addr.in6);
        if (own) {
                *counter = own->dad_counter;
                return IPV6LL_ORIGIN_RFC7217;
        }
        if (ipv6ll_eui64_from_mac(d->mac, d->mac_len, iid) && memcmp(a->addr.in6.s6_addr + 8, iid, 8) == 0)
                return IPV6LL_ORIGIN_EUI64;
        if (a->flags & IFA_F_PERMANENT)
                return IPV6LL_ORIGIN_MANUAL;
        return IPV6LL_ORIGIN_DYNAMIC;
}

static struct ipv6ll_addr *find_addr(struct ipv6ll_dad *d, const struct in6_addr *a) {
        for (size_t k = 0; k < d->n_addrs; k++)
                if (memcmp(&d->addrs[k].addr, a, sizeof *a) == 0)
                        return &d->addrs[k];
        return NULL;
}

const struct ipv6ll_addr *ipv6ll_dad_find(const struct ipv6ll_dad *d, const struct in6_addr *a) {
        if (!d || !a)
                return NULL;
        return find_addr((struct ipv6ll_dad *) d, a);
}

int ipv6ll_dad_apply_addr(struct ipv6ll_dad *d, enum netlink_event ev, const struct netlink_addr *a, usec_t now,
                          struct ipv6ll_dad_events *evs) {
        enum ipv6ll_dad_state state, old;
        struct ipv6ll_addr *x;
        uint32_t counter;

        if (evs)
                evs->n = 0;
        if (!d || !a)
                return -EINVAL;
        if (a->family != AF_INET6)
                return 0;
        if (a->prefixlen > 128 || (ev != NETLINK_NEW && ev != NETLINK_DEL))
                return -EINVAL;

        x = find_addr(d, &a->addr.in6);
        if (ev == NETLINK_DEL) {
                if (!x)
                        return 0;
                events_push(evs, IPV6LL_DAD_EVENT_LOST, x, x->state);
                *x = d->addrs[--d->n_addrs];
                return 0;
        }

        state = state_from_flags(a->flags);
        if (!x) {
                if (d->n_addrs == IPV6LL_DAD_ADDRS_MAX) {
                        if (!d->full_logged) {
                                char buf[INET6_ADDRSTRLEN];

                                log_warning("ipv6ll %s: more than %d IPv6 addresses; not following %s and others",
                                            d->ifname, IPV6LL_DAD_ADDRS_MAX,
                                            inet_ntop(AF_INET6, &a->addr.in6, buf, sizeof buf));
                                d->full_logged = true;
                        }
                        return -E2BIG;
                }
                x = &d->addrs[d->n_addrs++];
                *x = (struct ipv6ll_addr) {
                        .addr = a->addr.in6,
                        .link_local = IN6_IS_ADDR_LINKLOCAL(&a->addr.in6),
                        .since = now,
                };
                x->origin = origin_of(d, a, &counter);
                x->dad_counter = counter;
                x->prefixlen = a->prefixlen;
                x->flags = a->flags;
                x->state = state;
                x->seen_tentative = state == IPV6LL_DAD_TENTATIVE || state == IPV6LL_DAD_OPTIMISTIC;
                events_push(evs, IPV6LL_DAD_EVENT_NEW, x, state);
                if (state == IPV6LL_DAD_FAILED)
                        events_push(evs, IPV6LL_DAD_EVENT_DAD_FAILED, x, state);
                return 0;
        }

        x->prefixlen = a->prefixlen;
        x->flags = a->flags;
        x->origin = origin_of(d, a, &counter);
        x->dad_counter = counter;
        old = x->state;
        if (old == state)
                return 0; /* NEW also means "changed", and may repeat */
        x->state = state;
        x->since = now;
        if (state == IPV6LL_DAD_FAILED)
                events_push(evs, IPV6LL_DAD_EVENT_DAD_FAILED, x, old);
        else if ((old == IPV6LL_DAD_TENTATIVE || old == IPV6LL_DAD_OPTIMISTIC) &&
                 (state == IPV6LL_DAD_VALID || state == IPV6LL_DAD_DEPRECATED))
                events_push(evs, IPV6LL_DAD_EVENT_DAD_PASSED, x, old);
        else
                events_push(evs, IPV6LL_DAD_EVENT_CHANGED, x, old);
        if (state == IPV6LL_DAD_TENTATIVE || state == IPV6LL_DAD_OPTIMISTIC)
                x->seen_tentative = true; /* DAD runs again (link up again, or re-added) */
        return 0;
}

size_t ipv6ll_dad_get_addrs(const struct ipv6ll_dad *d, const struct ipv6ll_addr **ret) {
        if (!d) {
                if (ret)
                        *ret = NULL;
                return 0;
        }
        if (ret)
                *ret = d->addrs;
        return d->n_addrs;
}

int ipv6ll_dad_get_addr_gen_mode(const struct ipv6ll_dad *d) {
        return d ? d->addr_gen_mode : -1;
}

const char *ipv6ll_dad_get_ifname(const struct ipv6ll_dad *d) {
        return d ? d->ifname : NULL;
}

const struct ipv6ll_addr *ipv6ll_dad_find_link_local(const struct ipv6ll_dad *d, unsigned state_mask,
                                                     const struct in6_addr *except) {
        if (!d)
                return NULL;
        for (size_t k = 0; k < d->n_addrs; k++) {
                const struct ipv6ll_addr *x = &d->addrs[k];

                if (!x->link_local || !(state_mask & IPV6LL_DAD_MASK(x->state)))
                        continue;
                if (except && memcmp(&x->addr, except, sizeof *except) == 0)
                        continue;
                return x;
        }
        return NULL;
}
