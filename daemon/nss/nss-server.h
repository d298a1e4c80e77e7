/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The daemon's side of the NSS socket (protocol.h): a Unix stream socket in the runtime folder
 * where libnss_zeroconf asks for a .local name or a reverse lookup. The answer comes from our own
 * records (our host name) or from the mDNS querier (the cache at once; otherwise the link is
 * asked, and the reply goes out when the first answers arrived, or "not found" at the timeout).
 *
 * Bounded: at most `clients_max` connections at a time, a request of at most NSS_REQUEST_MAX
 * bytes, one request per connection. The module sends its request as soon as it is connected: a
 * connection whose request has not come within NSS_REQUEST_WAIT is closed, and when every slot
 * is taken the oldest connection still without a request gives its slot to the new one; only
 * when all of them wait for answers from the link does the socket stop accepting (logged once).
 * Every connection is closed at its deadline (the timeout + 1 s after it was accepted). So a
 * client that connects and sends nothing, or never reads, cannot starve the others (Avahi's
 * CVE-2021-3468 and CVE-2025-59529 were a busy loop and unbounded connections on its socket). */
#pragma once

#include <stdint.h>

#include "iface.h"
#include "loop.h"
#include "util.h"

#define NSS_CLIENTS_MAX_DEFAULT 64
#define NSS_TIMEOUT_DEFAULT (1000 * USEC_PER_MSEC)
/* After the first address arrives from the link, the other answers of the same burst (more
 * addresses, the other family) are waited for this long before the reply goes out. */
#define NSS_SETTLE (30 * USEC_PER_MSEC)
#define NSS_REQUEST_WAIT (250 * USEC_PER_MSEC)
/* A name nobody answered for (no address of either family) is "not found" at once for this long:
 * programs ask for IPv6 and IPv4 one after the other, and should not wait twice. */
#define NSS_NEGATIVE_TTL (2 * USEC_PER_SEC)
#define NSS_NEGATIVE_MAX 16

struct mdns;

struct nss_server_config {
        const char *path; /* the socket; an old one left there is replaced */
        struct loop *loop;
        struct mdns *mdns;
        const struct iface_table *ifaces;
        unsigned clients_max; /* 0: NSS_CLIENTS_MAX_DEFAULT */
        usec_t timeout;       /* 0: NSS_TIMEOUT_DEFAULT */
};

struct nss_server_stats {
        uint64_t requests, found, not_found, refused;
        uint64_t negative_hits;   /* "not found" at once: nobody answered a moment ago */
        uint64_t evicted;         /* connections without a request that gave their slot away */
        uint64_t clients_limited; /* times every slot waited on the link */
};

struct nss_server;

int nss_server_new(struct nss_server **ret, const struct nss_server_config *cfg);
/* Closes every connection and removes the socket. NULL is fine. */
void nss_server_free(struct nss_server *s);
const struct nss_server_stats *nss_server_get_stats(const struct nss_server *s);
