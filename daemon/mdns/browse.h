/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mDNS querier: per-link caches (cache.h) and query schedulers (query-sched.h), and the
 * subscriptions local clients hold on them, with their events. A pure core: no I/O, no timer
 * of its own.
 *
 *   links:       browse_add_link() / browse_remove_link() as mDNS starts and stops on an
 *                interface × family (removing one reports ITEM_REMOVED for what it held)
 *   on a packet: browse_handle_response() / browse_handle_query() with the receiving link and
 *                the source (the edge dropped off-link sources, RFC 6762 §11, and our own
 *                looped-back packets)
 *   then always: arm the timer at browse_next_timeout() (may be `now` already)
 *   on the timer: browse_handle_timeout()
 *
 * Queries leave through cfg->emit (struct query_packet: bytes, ifindex, family, to the group).
 * Events reach each subscription's callback, only from inside browse_handle_*() and
 * browse_add_link() / browse_remove_link(), never from browse_subscribe():
 *   ITEM_NEW        an item appeared (a resolved service: also again when its TXT, priority or
 *                   weight changed)
 *   ITEM_REMOVED    it went away (TTL, goodbye, cache flush, POOF, eviction, link removed;
 *                   our own record withdrawn)
 *   CACHE_EXHAUSTED once, right after the items already in the caches at the start were
 *                   reported (the first browse_handle_timeout() after browse_subscribe())
 *   ALL_FOR_NOW     once, when the first burst of answers is probably over: no earlier than
 *                   BROWSE_ALL_FOR_NOW_DELAY after browse_subscribe() (that is, at least a
 *                   second after the first query, which goes out within 120 ms), and not until
 *                   BROWSE_ALL_FOR_NOW_QUIET has passed without a new item
 * A callback may call browse_unsubscribe() (on any subscription) and browse_subscribe(); it
 * must not call the other browse_*() functions.
 *
 * Kinds (what a subscription asks, on its links, and what its items are):
 *   SERVICES          PTR <name> (name "_http._tcp.local", or a subtype "_x._sub._http._tcp.local")
 *                     → instance names directly under the service type
 *   SERVICE_TYPES     PTR _services._dns-sd._udp.<name> (name: the domain) → service types
 *   RESOLVE_SERVICE   SRV and TXT <name> (an instance), then A/AAAA of each SRV target → one item
 *                     per (link, SRV target, port, address), with the TXT; needs SRV, TXT and an
 *                     address (addr_family filters the addresses)
 *   RESOLVE_HOST      A/AAAA <name> → addresses
 *   RESOLVE_ADDRESS   PTR of addr in in-addr.arpa / ip6.arpa → host names
 *   RECORDS           <name> <type> <class> (type may be ANY) → records
 * Items carry the link (ifindex, family: the interface and the mDNS transport). Every IPv6
 * link-local address (fe80::/10) is reported with its interface as scope, so that a client
 * can connect to it.
 * A subscription's questions run continuously (query-sched.h) on each of its links while it
 * lives; the records its items come from are kept fresh by §5.2 maintenance (cache.h).
 *
 * Two sources feed the items: the per-link caches (what others answer) and, when
 * cfg->registry is set, our own records (registry.h), which the edge never feeds into a cache
 * (it drops our looped-back packets, and we never answer our own refresh queries). A record of
 * ours is an item source on a link while the registry counts it answerable there (announcing or
 * established): the edge passes the registry's ops->answerable hook to browse_handle_local(),
 * and browse_add_link() / browse_subscribe() look the registry up for what is already there.
 * Items from it have `local` set, never expire and never cause a refresh query (they are not in
 * a cache). An item both sources hold (the same record on the same link, e.g. a shared
 * "_services._dns-sd._udp" PTR another host announces too) is reported once: ITEM_NEW when the
 * first source gets it (its `local` says which), ITEM_REMOVED when the last one loses it. A
 * resolved service is local when its SRV record is ours; its TXT and addresses come from either
 * source (ours first). */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"
#include "mdns/cache.h"
#include "mdns/query-sched.h"
#include "mdns/socket.h"
#include "util.h"

#define BROWSE_SUBSCRIPTIONS_MAX_DEFAULT 1024
#define BROWSE_LINKS_MAX 256
#define BROWSE_RESOLVE_TARGETS_MAX 4 /* SRV targets a resolver follows, all links together */
#define BROWSE_RESOLVE_ITEMS_MAX 16  /* resolved (target, port, address) items per resolver */
#define BROWSE_ALL_FOR_NOW_DELAY (1120 * USEC_PER_MSEC)
#define BROWSE_ALL_FOR_NOW_QUIET (250 * USEC_PER_MSEC)

enum browse_kind {
        BROWSE_SERVICES,
        BROWSE_SERVICE_TYPES,
        BROWSE_RESOLVE_SERVICE,
        BROWSE_RESOLVE_HOST,
        BROWSE_RESOLVE_ADDRESS,
        BROWSE_RECORDS,
        _BROWSE_KIND_MAX,
};

enum browse_event {
        BROWSE_ITEM_NEW,
        BROWSE_ITEM_REMOVED,
        BROWSE_CACHE_EXHAUSTED,
        BROWSE_ALL_FOR_NOW,
        _BROWSE_EVENT_MAX,
};

const char *browse_kind_to_string(enum browse_kind k);
const char *browse_event_to_string(enum browse_event e);

struct browse_addr {
        int family; /* AF_INET or AF_INET6 */
        union {
                struct in_addr in;
                struct in6_addr in6;
        } a;
        uint32_t scope; /* the interface of an IPv6 link-local address; 0 otherwise */
};

struct browse_args {
        enum browse_kind kind;
        int ifindex;          /* 0: every link */
        int family;           /* the mDNS transport: AF_UNSPEC (both), AF_INET, AF_INET6 */
        struct dns_name name; /* see the kinds above (unused for RESOLVE_ADDRESS) */
        uint16_t type;        /* RECORDS: the type (ANY allowed) */
        uint16_t rclass;      /* RECORDS: the class (0: IN; ANY allowed) */
        int addr_family;      /* RESOLVE_HOST, RESOLVE_SERVICE: AF_UNSPEC, AF_INET, AF_INET6 */
        struct browse_addr addr; /* RESOLVE_ADDRESS */
};

struct browse_item {
        int ifindex, family; /* the link */
        /* the record the item comes from (PTR, A/AAAA, PTR, any; the SRV of a resolved
         * service); valid during the callback; NULL in a resolved service's ITEM_REMOVED */
        const struct dns_rr *rr;
        /* SERVICES: the instance; SERVICE_TYPES: the type ("_http._tcp.local");
         * RESOLVE_SERVICE: the instance; RESOLVE_HOST: the host; RESOLVE_ADDRESS: the host
         * name found; RECORDS: the owner name */
        struct dns_name name;
        struct browse_addr addr; /* RESOLVE_HOST, RESOLVE_SERVICE: the address found;
                                  * RESOLVE_ADDRESS: the address asked */
        /* RESOLVE_SERVICE */
        struct dns_name host; /* the SRV target */
        uint16_t port, priority, weight;
        const uint8_t *txt; /* the TXT rdata; valid during the callback; NULL in ITEM_REMOVED */
        uint16_t txt_len;
        bool local; /* from our own records (the registry), not from a cache */
};

struct browse_sub;
struct registry;
typedef void (*browse_event_t)(void *userdata, struct browse_sub *sub, enum browse_event ev,
                               const struct browse_item *item /* NULL for the last two events */);

struct browse_config {
        struct rng *rng; /* borrowed */
        query_emit_t emit;
        void *userdata;
        unsigned cache_entries_max;  /* per link; 0: CACHE_ENTRIES_MAX_DEFAULT (`cache-entries-max`) */
        unsigned questions_max;      /* per link; 0: QUERY_QUESTIONS_MAX_DEFAULT */
        unsigned subscriptions_max;  /* 0: BROWSE_SUBSCRIPTIONS_MAX_DEFAULT */
        struct registry *registry;   /* our own records as a second source; borrowed; NULL: none */
};

struct browse;

/* 0, -EINVAL (no rng or emit), -ENOMEM. */
int browse_new(struct browse **ret, const struct browse_config *cfg);
/* Frees everything; no events. */
struct browse *browse_free(struct browse *b);

/* 0, -EINVAL, -EEXIST, -ENOBUFS (BROWSE_LINKS_MAX), -ENOMEM. max_size: the link's mDNS payload.
 * Reports ITEM_NEW for our own records already answerable there (cfg->registry). */
int browse_add_link(struct browse *b, int ifindex, int family, size_t max_size, usec_t now);
void browse_set_link_max_size(struct browse *b, int ifindex, int family, size_t max_size);
/* Reports ITEM_REMOVED for every item the link held (our own records' too). Unknown links are
 * ignored. */
void browse_remove_link(struct browse *b, int ifindex, int family, usec_t now);

/* A parsed response (QR=1) / query (QR=0) received on a link. Packets whose source port is not
 * 5353 are ignored (RFC 6762 §6 for responses; legacy queries neither suppress nor predict
 * answers). 0, or -ENOENT for a link not added. */
int browse_handle_response(struct browse *b, int ifindex, int family, const struct dns_msg *m,
                           const union sockaddr_union *source, usec_t now);
int browse_handle_query(struct browse *b, int ifindex, int family, const struct dns_msg *m,
                        const union sockaddr_union *source, usec_t now);

/* The registry's ops->answerable hook: record rr of ours became answerable on the link
 * (answerable true) or stopped being so (false); the registry already tells the new truth.
 * Reports ITEM_NEW / ITEM_REMOVED (local) to the subscriptions it concerns. Links not added
 * are ignored (browse_add_link() looks them up when they come). */
void browse_handle_local(struct browse *b, int ifindex, int family, const struct dns_rr *rr, bool answerable,
                         usec_t now);

usec_t browse_next_timeout(const struct browse *b);
/* Returns the number of packets emitted. */
int browse_handle_timeout(struct browse *b, usec_t now);

/* Validates every argument (they come from D-Bus): 0 and *ret, -EINVAL, -ENOBUFS (the bound;
 * logged once), -ENOMEM. The subscription starts now: its questions are scheduled on its
 * links and its first events come from the next browse_handle_timeout(). */
int browse_subscribe(struct browse *b, const struct browse_args *args, browse_event_t cb, void *userdata, usec_t now,
                     struct browse_sub **ret);
/* No more events for it; its questions stop. NULL is fine. */
void browse_unsubscribe(struct browse *b, struct browse_sub *sub);

/* Introspection and tests. */
struct cache *browse_get_cache(const struct browse *b, int ifindex, int family);
struct query_sched *browse_get_query_sched(const struct browse *b, int ifindex, int family);
unsigned browse_subscription_count(const struct browse *b);
