/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The IPv4 link-local edge: one ipv4ll core (ipv4ll.h) per eligible interface, with its ARP
 * socket (arp-socket.h), its loop timer, and the address and route it claims through netlink.
 *
 * Eligible: Ethernet-like (ARPHRD_ETHER, 6-byte unicast MAC), ARP-capable (no IFF_NOARP), not
 * loopback, allowed by allow-/deny-interfaces, and its [ipv4ll] policy not `never`. The core runs
 * while the link is up with carrier (IFF_UP and IFF_RUNNING) and the policy wants an address:
 * `always`, or `auto` while the interface has no IPv4 address but ours, after the grace period
 * that lets a DHCP client answer first: a routable address releases ours (RFC 3927 §1.9), and a
 * link-local one that someone else configured means the interface has one already.
 *
 * On the core's BOUND the address is added as 169.254.x.y/16, scope link, broadcast
 * 169.254.255.255, without the kernel's prefix route, plus a route 169.254.0.0/16 with metric
 * IPV4LL_ROUTE_METRIC_BASE + ifindex, and remembered in STATE_DIR/ipv4ll-IFNAME; LOST removes both.
 * The mDNS responder learns the address from netlink, so nothing is published before BOUND. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>

#include "conf.h"
#include "iface.h"
#include "ipv4ll/ipv4ll.h"
#include "loop.h"
#include "netlink.h"

/* Above the kernel's and DHCP clients' usual metrics (systemd-networkd uses 2048 for its IPv4LL
 * route): a routable configuration that covers 169.254/16 wins. The ifindex is added so that
 * several interfaces can each hold the route: IPv4 keys a route by (prefix, metric). */
#define IPV4LL_ROUTE_METRIC_BASE 2048U

struct ipv4ll_manager;

struct ipv4ll_link_status {
        enum ipv4ll_state state;       /* DISABLED if no core runs on the link */
        struct in_addr address;        /* being probed or held (0.0.0.0 if none yet) */
        bool configured;               /* the address is on the interface */
        enum conf_ipv4ll_policy policy;
};

/* Called after each state change of a link's core (for D-Bus PropertiesChanged). */
typedef void (*ipv4ll_manager_state_cb)(void *userdata, int ifindex, const struct ipv4ll_link_status *status);

/* loop, nl and conf are borrowed and must outlive the manager. */
int ipv4ll_manager_new(struct ipv4ll_manager **ret, struct loop *loop, struct netlink *nl, const struct conf *conf);
/* Stops every core, removing the addresses and routes it added. Call before netlink_free(). */
void ipv4ll_manager_free(struct ipv4ll_manager *m);
void ipv4ll_manager_set_state_callback(struct ipv4ll_manager *m, ipv4ll_manager_state_cb cb, void *userdata);

/* The interface (its flags, MAC or addresses) changed, or appeared. */
void ipv4ll_manager_update(struct ipv4ll_manager *m, const struct iface *i);
/* The interface is gone: its core is freed (the kernel already dropped its addresses). */
void ipv4ll_manager_remove(struct ipv4ll_manager *m, int ifindex);

/* Returns 0, or -ENOENT if IPv4LL does not manage this interface. */
int ipv4ll_manager_get_status(const struct ipv4ll_manager *m, int ifindex, struct ipv4ll_link_status *ret);
