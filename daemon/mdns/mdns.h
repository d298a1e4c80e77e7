/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mDNS edge: the two sockets, group membership per interface, receive → validate → core →
 * send. Protocol decisions live in the cores (respond.c, …); this file only moves packets. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "iface.h"
#include "loop.h"

struct mdns_stats {
        uint64_t rx_packets;
        uint64_t rx_malformed;   /* failed to parse: dropped */
        uint64_t rx_oversize;    /* larger than RFC 6762 §17's 9000 bytes: dropped */
        uint64_t rx_offlink;     /* RFC 6762 §11: source not on the receiving link: dropped */
        uint64_t rx_unknown_if;  /* arrived on an interface we do not serve: dropped */
        uint64_t rx_own;         /* our own packets looped back (by source address, or by content) */
        uint64_t rx_no_address;  /* queries over a family we hold no usable address of on that link */
        uint64_t rx_rate_limited; /* legacy unicast queries over legacy_unicast_rate: dropped */
        uint64_t rx_rate_limited_kernel; /* of those, dropped by the kernel (socket filter) */
        uint64_t tx_packets;
        uint64_t tx_errors;
        /* the querier (browse.h) */
        uint64_t queries_sent;    /* query packets sent (continuous and cache maintenance, §5.2) */
        uint64_t cache_entries;   /* records in the caches now, every link together */
        uint64_t cache_evictions; /* records evicted because a cache held cache-entries-max */
};

struct mdns_config {
        const char *host_label; /* a legal label: see host-name.h */
        bool use_ipv4, use_ipv6;
        const char *hinfo_cpu, *hinfo_os; /* both set: publish HINFO for the host */
        bool no_addresses;                /* publish-addresses = no: no A, AAAA or reverse PTR of ours */
        unsigned records_max;             /* our records, all links (0: REGISTRY_RECORDS_MAX_DEFAULT) */
        unsigned cache_entries_max;       /* the cache of each link (0: CACHE_ENTRIES_MAX_DEFAULT) */
        unsigned legacy_unicast_rate;     /* legacy unicast queries answered per second (0: no limit) */
        /* Optional: the host name was renamed after a conflict ("host-2.local"), so that what
         * names the host (DNS-SD SRV targets, %h) follows. */
        void (*host_renamed)(void *userdata, const char *name);
        void *userdata;
};

struct registry;
struct browse;

struct mdns;

int mdns_new(struct mdns **ret, struct loop *l, const struct iface_table *ifaces, const struct mdns_config *cfg);
void mdns_free(struct mdns *m);

/* The interface changed (link state, addresses) or is new: `serve` says whether mDNS should run
 * on it (capable and allowed by the configuration). Call it on every link and address event:
 * a link (interface × family) carries our records while mDNS is joined there and the interface
 * has a usable address of that family; a new link is probed (RFC 6762 §8), the host's address
 * records follow the addresses (new ones announced, removed ones sent a goodbye). */
void mdns_iface_update(struct mdns *m, struct iface *i, bool serve);
/* The interface is about to vanish from the table. */
void mdns_iface_remove(struct mdns *m, struct iface *i);

/* Clean shutdown (SIGTERM): goodbyes (RFC 6762 §10.1) for every record we published, sent before
 * this returns. Call it before mdns_free() and before addresses are released. NULL is fine. */
void mdns_shutdown(struct mdns *m);

/* The counters, the querier's brought up to date. */
const struct mdns_stats *mdns_get_stats(struct mdns *m);
const char *mdns_get_host_name(const struct mdns *m); /* "host.local": the current one, after renames */
/* Rename the host at run time (D-Bus SetHostName): label must be legal (host_name_make_label());
 * the old name's records say goodbye, the new one is probed, and cfg->host_renamed runs.
 * 0, -EINVAL. */
int mdns_set_host_name(struct mdns *m, const char *label);
/* Our records (the host's, DNS-SD's, D-Bus clients'): see mdns/registry.h. */
struct registry *mdns_get_registry(struct mdns *m);
/* The registry was changed from outside the edge (a service published or withdrawn): arm the
 * timer for what it now has to send. */
void mdns_registry_changed(struct mdns *m);
/* The querier (mdns/browse.h): subscriptions of local clients (D-Bus browsers, NSS) on the
 * caches of every link where mDNS runs (the same links as the registry's). */
struct browse *mdns_get_browse(struct mdns *m);
/* A subscription was made or dropped from outside the edge: arm the timer for it. */
void mdns_browse_changed(struct mdns *m);
