/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Link monitor: links and IPv4/IPv6 addresses in (rtnetlink events), address and route
 * requests out. Built on libnl-route-3. No event loop here: the daemon polls netlink_fd() and
 * calls netlink_process() when it is readable.
 *
 * What a consumer can rely on:
 *  - an address event is only delivered for a link whose NEW was delivered and that has not
 *    been deleted since;
 *  - a DEL is only delivered for an object whose NEW was delivered (every DEL follows a NEW);
 *  - before a link's DEL, a DEL is delivered for each of its addresses still known;
 *  - NEW also means "changed", and may repeat with the same content;
 *  - when the kernel drops events (ENOBUFS), netlink_process() re-reads the full state and
 *    delivers DEL for what vanished, then NEW for everything that exists: the consumer has
 *    nothing to mark or sweep. callbacks.resync (optional) tells it that this replay follows.
 *
 * Callbacks may call the request functions (netlink_addr_add(), …) but must not call
 * netlink_process(), netlink_enumerate() (both return -EBUSY then) or netlink_free().
 *
 * Errors are negative errno values. Every function logs its own failures (with the interface
 * name where there is one), except -EINVAL for NULL arguments: callers need not log again. */
#pragma once

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

union in_addr_union {
        struct in_addr in;
        struct in6_addr in6;
};

struct netlink_link {
        int ifindex;
        char name[IF_NAMESIZE]; /* always NUL-terminated, never empty */
        unsigned flags;         /* IFF_UP, IFF_RUNNING, IFF_LOOPBACK, IFF_MULTICAST, IFF_NOARP, IFF_LOWER_UP … */
        unsigned short arptype; /* ARPHRD_ETHER … */
        uint8_t hwaddr[32];
        size_t hwaddr_len;
        unsigned mtu;
        uint8_t operstate; /* IF_OPER_* */
        int addr_gen_mode; /* IN6_ADDR_GEN_MODE_* or -1 if unknown (no IPv6 on the link) */
};

struct netlink_addr {
        int ifindex;
        int family; /* AF_INET / AF_INET6 */
        union in_addr_union addr;
        union in_addr_union broadcast; /* IPv4 only, zero if none */
        uint8_t prefixlen;
        uint8_t scope;  /* RT_SCOPE_* */
        uint32_t flags; /* IFA_F_*, including the extended IFA_FLAGS attribute */
        /* Seconds; UINT32_MAX is forever. In netlink_addr_add(), valid_lft == 0 also means
         * forever (no lifetimes sent); otherwise preferred_lft <= valid_lft. */
        uint32_t valid_lft, preferred_lft;
};

enum netlink_event {
        NETLINK_NEW, /* also means "changed" */
        NETLINK_DEL,
};

struct netlink_callbacks {
        void (*link)(void *userdata, enum netlink_event ev, const struct netlink_link *link);
        void (*addr)(void *userdata, enum netlink_event ev, const struct netlink_addr *addr);
        /* Optional. Events were lost and the state was re-read; called right before the
         * replay (DEL for what vanished, then NEW for all that exists), within the same
         * netlink_process() call. Nothing needs to be done in it. */
        void (*resync)(void *userdata);
};

struct netlink;

/* Limits on the objects tracked; an object beyond them is dropped and logged once. */
#define NETLINK_LINKS_MAX 4096
#define NETLINK_ADDRS_MAX 16384

/* Open the event socket (subscribed to links and IPv4/IPv6 addresses, non-blocking) and the
 * request socket. cb is copied. */
int netlink_open(struct netlink **ret, const struct netlink_callbacks *cb, void *userdata);
/* Dump all links, then all IPv4 and IPv6 addresses, delivering NEW for each; call once after
 * netlink_open(). Calling it again re-synchronises (DEL for what vanished, NEW for the rest). */
int netlink_enumerate(struct netlink *nl);
int netlink_fd(const struct netlink *nl);
/* Non-blocking: read and dispatch every pending message, until the socket would block.
 * Lost events (ENOBUFS, a truncated datagram) are handled by a resynchronisation.
 * Returns 0, or -errno if the socket failed or a resynchronisation could not be done
 * (it is tried again on the next call). */
int netlink_process(struct netlink *nl);
void netlink_free(struct netlink *nl);

/* Requests, synchronous (request, then wait for the kernel's acknowledgement). They return 0
 * or the kernel's -errno, and log failures themselves (with the interface and the kernel's
 * extended-ack message), so callers need not log them again. Expected outcomes are logged at
 * debug level only: -EEXIST from netlink_route_add(), -EADDRNOTAVAIL / -ESRCH / -ENODEV from
 * the deletions (already gone). */

/* Add or update (NLM_F_CREATE|NLM_F_REPLACE) an address: honours prefixlen, scope,
 * broadcast (IPv4, if not zero), flags (IFA_F_NODAD, IFA_F_NOPREFIXROUTE, …) and lifetimes. */
int netlink_addr_add(struct netlink *nl, const struct netlink_addr *a);
/* Remove the address a->addr/a->prefixlen from a->ifindex; other fields are ignored. */
int netlink_addr_del(struct netlink *nl, const struct netlink_addr *a);
/* Add (NLM_F_CREATE|NLM_F_EXCL: -EEXIST if it exists) a unicast route in the main table,
 * dev ifindex, with the given metric and scope (RT_SCOPE_LINK for an on-link route).
 * dst may be NULL only when prefixlen is 0 (default route). */
int netlink_route_add(struct netlink *nl, int ifindex, int family, const union in_addr_union *dst,
                      uint8_t prefixlen, uint32_t metric, uint8_t scope);
int netlink_route_del(struct netlink *nl, int ifindex, int family, const union in_addr_union *dst,
                      uint8_t prefixlen, uint32_t metric, uint8_t scope);

/* "tentative,dadfailed" for logs: comma-separated IFA_F_* names, unknown bits as hex, "" for
 * none. Always NUL-terminated when size > 0 (truncated if too small). Returns buf. */
const char *netlink_addr_flags_to_string(uint32_t flags, char *buf, size_t size);
#define NETLINK_ADDR_FLAGS_STRING_MAX 160

/* For tests and fuzzers: handle one datagram of rtnetlink messages as if it had come from the
 * kernel on the event socket. Returns 0, or -EBADMSG if the datagram was malformed (its
 * well-formed messages before the damage are still handled). */
int netlink_feed(struct netlink *nl, const void *buf, size_t len);
