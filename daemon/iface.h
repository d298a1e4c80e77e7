/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The daemon's view of the host's links and their addresses, fed by netlink events.
 * Pure bookkeeping: no I/O, so the rules below are unit-tested on their own. */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netlink.h"

struct iface_addr {
        int family;
        union in_addr_union addr;
        uint8_t prefixlen;
        uint8_t scope;
        uint32_t flags; /* IFA_F_* */
};

struct iface {
        int ifindex;
        char name[IF_NAMESIZE];
        unsigned flags; /* IFF_* */
        unsigned short arptype;
        uint8_t hwaddr[32];
        size_t hwaddr_len;
        unsigned mtu;

        struct iface_addr *addrs;
        size_t n_addrs, cap_addrs;

        /* owned by the mDNS edge */
        bool mdns_joined[2]; /* [0] IPv4, [1] IPv6 */

        struct iface *next;
};

struct iface_table {
        struct iface *list;
};

void iface_table_init(struct iface_table *t);
void iface_table_clear(struct iface_table *t);
struct iface *iface_table_find(const struct iface_table *t, int ifindex);
struct iface *iface_table_find_by_name(const struct iface_table *t, const char *name);

/* Apply a netlink event. Return the interface touched (NULL for a deletion or an invalid event). */
struct iface *iface_table_apply_link(struct iface_table *t, const struct netlink_link *link);
void iface_table_remove(struct iface_table *t, int ifindex);
/* Return 1 if the address set changed, 0 if not, -errno on error (unknown interface: -ENODEV). */
int iface_table_apply_addr(struct iface_table *t, enum netlink_event ev, const struct netlink_addr *a);

/* The link can carry mDNS: up, running, multicast-capable, and not loopback. */
bool iface_is_mdns_capable(const struct iface *i);

/* RFC 4862 §5.4 and RFC 6762: a tentative or dadfailed address is not ours yet (or at all): it
 * must not be published or used as a source. */
bool iface_addr_is_usable(const struct iface_addr *a);
/* What mDNS publishes of interface i: a usable address that is not deprecated, or a deprecated
 * one when i has no usable, preferred (not deprecated) address of the same family
 * (RFC 4862 §5.5.4: a deprecated address should not be used for new communication). */
bool iface_addr_is_published(const struct iface *i, const struct iface_addr *a);

/* RFC 6762 §11: a packet is from the local link if its source address falls inside one of the
 * prefixes of the interface it arrived on, or is an IPv4 / IPv6 link-local address. */
bool iface_is_onlink(const struct iface *i, int family, const union in_addr_union *src);

/* Is this one of our own addresses on this interface (to recognise our own looped-back packets)? */
bool iface_has_addr(const struct iface *i, int family, const union in_addr_union *addr);
