/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Our own records: entry groups of records, their life on each link (probe §8.1 → announce §8.3
 * → established; conflicts §9; goodbyes §10.1), and the lookups the answering side makes.
 *
 * This is the internal API that the host records (host-records.c), DNS-SD and D-Bus entry groups
 * publish through. It does no I/O: the edge (mdns.c) feeds it links, received packets and the
 * time, and it sends packets through registry_ops.send(); registry_next_timeout() says when to
 * call registry_run() next. One mechanism per file: probe.c (§8.1, §8.2), announce.c (§8.3, §8.4,
 * §10, §10.1), conflict.c (§9, the §8.1 rate limit); this file holds the objects and applies the
 * cores' verdicts.
 *
 * A link is one interface and one address family (IPv4 or IPv6 transport): records are probed,
 * announced and answered per link. A record is published on the links its scope names: one
 * interface or all, one transport family or both.
 *
 * Group states (reg_group_cb is called on every change, after the call that caused it, never in
 * the middle of one; the callback may call any function of this API, including reg_group_free):
 *
 *   uncommitted --commit--> probing --all links probed--> announcing --series done--> established
 *        ^                     |  \________ a unique name is someone else's ________
 *        |                     |                                                    v
 *        +----- reset ---------+------ withdraw --> withdrawn (commit again)    collision
 *                                                                 (the owner renames: reset,
 *                                                                  add the records, commit)
 *
 * A committed group with no link to publish on is established (like Avahi's): it probes each
 * link as the link appears. Records of a committed group may be added and removed live (the
 * host's addresses come and go): a record whose unique name is already established on a link is
 * announced there at once (§8.4); a new unique name is probed first. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"
#include "netlink.h" /* union in_addr_union */
#include "util.h"

/* Bounded everything: the defaults of registry_config. */
#define REGISTRY_GROUP_RECORDS_MAX_DEFAULT 256
#define REGISTRY_RECORDS_MAX_DEFAULT 65536

struct registry;
struct reg_group;
struct reg_record;

enum reg_group_state {
        REG_GROUP_UNCOMMITTED,
        REG_GROUP_PROBING,     /* "registering": probing its unique names on at least one link */
        REG_GROUP_ANNOUNCING,  /* probed everywhere; announcements still going out */
        REG_GROUP_ESTABLISHED,
        REG_GROUP_COLLISION,   /* lost a unique name: withdrawn everywhere; rename (reset + add + commit) or free */
        REG_GROUP_WITHDRAWN,   /* reg_group_withdraw(): goodbyes sent; records kept; commit again to republish */
        _REG_GROUP_STATE_MAX,
};

enum {
        REG_UNIQUE = 1 << 0,   /* RFC 6762 §2: a unique record: probed, cache-flush bit, conflicts */
        REG_NO_PROBE = 1 << 1, /* with REG_UNIQUE: known to be unique by other means (reverse-mapping
                                * PTRs of our own addresses): not probed, never renamed (§8.1) */
};

/* Why the state changed, for the owner and its log. */
struct reg_state_change {
        enum reg_group_state old_state, state;
        /* REG_GROUP_COLLISION: the name lost, where, and who has it */
        const struct dns_name *name;
        int ifindex, family;
        const char *link;  /* "eth0/IPv4" */
        int peer_family; /* AF_UNSPEC if unknown */
        union in_addr_union peer;
        const char *reason; /* "probe answered", … */
        usec_t now;         /* the time of the call that caused it (for calls made from the callback) */
};

typedef void (*reg_group_cb)(struct reg_group *g, const struct reg_state_change *change, void *userdata);

struct registry_ops {
        /* Multicast pkt (a complete DNS message) on the link: the mDNS group of that family on
         * that interface, from port 5353. */
        void (*send)(void *userdata, int ifindex, int family, const uint8_t *pkt, size_t len);
        /* Optional: record `id` went out in an announcement on the link at `now` (the response
         * scheduler counts it for the RFC 6762 §6 once-a-second rule and §5.4 QU answers). */
        void (*announced)(void *userdata, int ifindex, int family, uint64_t id, usec_t now);
        /* Optional: record rr became answerable on the link (answerable true: announcing, as
         * the lookups below count it) or stopped being answerable there (false: withdrawn,
         * removed, reset, freed, lost in a conflict, probed again, the link removed, or the old
         * rdata of an update, which is followed by true for the new rdata). Called after the
         * change, so the lookups already agree; rr is valid during the call only. The callback
         * may use the lookups but must not change the registry. Never called from
         * registry_free(). The querier's source of our own records (browse_handle_local()). */
        void (*answerable)(void *userdata, int ifindex, int family, const struct dns_rr *rr, bool answerable,
                           usec_t now);
};

struct registry_config {
        const struct registry_ops *ops;
        void *userdata;
        struct rng *rng; /* random probe waits; borrowed, must outlive the registry */
        size_t group_records_max; /* 0: REGISTRY_GROUP_RECORDS_MAX_DEFAULT */
        size_t records_max;       /* 0: REGISTRY_RECORDS_MAX_DEFAULT */
};

int registry_new(struct registry **ret, const struct registry_config *cfg);
/* Frees every group and record silently (call registry_withdraw_all() first for goodbyes). */
void registry_free(struct registry *r);

/* ---- links ---- */

/* A link can carry our records: mDNS joined on the interface for that family, and an address of
 * that family to send from. Everything committed starts probing / announcing there (§8:
 * "Whenever a Multicast DNS responder starts up, … receives an indication of a network interface
 * 'Link Change' event … it MUST perform the two startup steps"). payload_max: the largest DNS
 * message the link carries (MTU less IP and UDP headers). -EEXIST, -EINVAL, -ENOMEM. */
int registry_link_add(struct registry *r, int ifindex, int family, const char *ifname, size_t payload_max,
                      usec_t now);
/* The link is gone (goodbye false: it cannot carry packets any more) or is being given up
 * (goodbye true: TTL-0 goodbyes for all we published there go out at once). */
void registry_link_remove(struct registry *r, int ifindex, int family, bool goodbye, usec_t now);
/* The link may have moved (carrier lost and back, §8, §10.2): probe and announce all over again. */
void registry_link_reprobe(struct registry *r, int ifindex, int family, usec_t now);
void registry_link_set_payload_max(struct registry *r, int ifindex, int family, size_t payload_max);
bool registry_link_exists(const struct registry *r, int ifindex, int family);

/* ---- groups and records ---- */

int reg_group_new(struct registry *r, reg_group_cb cb, void *userdata, struct reg_group **ret);
/* Withdraws what was published (goodbyes) and frees the group and its records. NULL is fine. */
void reg_group_free(struct reg_group *g, usec_t now);

/* Add a copy of rr to the group. rr->ttl 0 picks the RFC 6762 §10 default; the class must be IN;
 * cache_flush is ignored (it follows REG_UNIQUE). Scope: ifindex 0 = every interface, family
 * AF_UNSPEC = both transports. Errors: -EINVAL (bad name, class, type, rdata or flags), -E2BIG
 * (group_records_max or records_max reached), -EEXIST (the very same record is in the group, or
 * another group holds a unique record of that name: a local conflict), -EBUSY (the group is in
 * collision: reset it first), -ENOMEM. In a committed group the record is published at once. */
int reg_group_add(struct reg_group *g, const struct dns_rr *rr, unsigned flags, int ifindex, int family, usec_t now,
                  struct reg_record **ret);
/* Remove one record; a goodbye (TTL 0, §10.1) goes out where it was published. */
void reg_record_remove(struct reg_record *rec, usec_t now);
/* New rdata for a record (RFC 6762 §8.4): announced again (a shared record's old rdata gets a
 * goodbye first); at most MDNS_UPDATES_MAX updates a minute, later ones are held back and the
 * latest rdata applied when allowed. -EINVAL (malformed rdata), -ENOMEM. */
int reg_record_update(struct reg_record *rec, const void *rdata, uint16_t rdlength, usec_t now);

/* Publish: probe the unique records, then announce. -EINVAL if already committed or empty is
 * fine (an empty group is simply established), -EBUSY in collision (reset first). */
int reg_group_commit(struct reg_group *g, usec_t now);
/* Stop publishing, goodbyes for what was published; the records stay (state withdrawn). */
void reg_group_withdraw(struct reg_group *g, usec_t now);
/* Withdraw and remove every record: uncommitted and empty again (after a collision: the owner
 * adds the records under a new name and commits). */
void reg_group_reset(struct reg_group *g, usec_t now);

enum reg_group_state reg_group_get_state(const struct reg_group *g);
size_t reg_group_get_n_records(const struct reg_group *g);
void *reg_group_get_userdata(const struct reg_group *g);
const struct dns_rr *reg_record_get_rr(const struct reg_record *rec);
struct reg_group *reg_record_get_group(const struct reg_record *rec);
const char *reg_group_state_to_string(enum reg_group_state s);

/* ---- packets and time ---- */

/* A packet received on a link from src (already checked to be on-link, §11, and not our own).
 * Responses are checked for conflicts (§8.1, §9); queries with an Authority section are probes
 * (§8.2). Queries are not answered here: see the lookups below. */
void registry_handle_packet(struct registry *r, int ifindex, int family, int src_family,
                            const union in_addr_union *src, const struct dns_msg *m, usec_t now);
/* Absolute time registry_run() wants to be called, 0 for "now" (goodbyes pending), or
 * USEC_INFINITY. */
usec_t registry_next_timeout(const struct registry *r);
void registry_run(struct registry *r, usec_t now);
/* Clean shutdown: goodbyes for everything published on every link, sent before this returns;
 * all groups withdrawn. */
void registry_withdraw_all(struct registry *r, usec_t now);

/* ---- lookups for the answering side ---- */

struct reg_answer {
        const struct dns_rr *rr;  /* name, type, class, rdata, ttl (the advertised TTL), cache_flush (= unique) */
        struct reg_record *record;
        uint64_t id;              /* the record's identity: unique, never reused, kept across rdata updates */
        bool unique;
        bool announcing;          /* its announcement series is still running on this link */
        usec_t *last_multicast;   /* when it was last multicast on this link (announcements set it;
                                   * the answering side reads and sets it for the §6 rate limit) */
};

struct reg_lookup {
        struct registry *r;
        const struct dns_name *name;
        uint32_t hash;
        uint16_t type, rclass;
        int ifindex, family;
        struct reg_record *next;
};

/* Iterate the records answerable on link (ifindex, family) — announcing or established there —
 * matching a question: name (case-insensitive), type (DNS_TYPE_ANY: all), class (IN or ANY).
 * family AF_UNSPEC: answerable on either transport of the interface (last_multicast is then the
 * IPv4 link's when there is one). Cost: one hash bucket. The registry must not change while
 * iterating. */
void registry_lookup_init(struct reg_lookup *it, struct registry *r, const struct dns_name *name, uint16_t type,
                          uint16_t rclass, int ifindex, int family);
bool registry_lookup_next(struct reg_lookup *it, struct reg_answer *ret);
/* The record `id` if it is still answerable on the link (for an answer sent after a delay: a
 * record withdrawn meanwhile is never sent again). */
bool registry_lookup_id(struct registry *r, uint64_t id, int ifindex, int family, struct reg_answer *ret);
/* RFC 6762 §6.1: whether we own `name` on the link (a unique record of ours with that name is
 * answerable there), so that a negative answer (NSEC) may be given for types we lack. */
bool registry_name_is_ours(struct registry *r, const struct dns_name *name, int ifindex, int family);
/* Whether a unique name of ours is being probed on the link (its answers are held back). */
bool registry_name_is_probing(struct registry *r, const struct dns_name *name, int ifindex, int family);

/* Counters for logs and tests. */
struct registry_stats {
        uint64_t probes_sent, announcements_sent, goodbyes_sent; /* packets */
        uint64_t conflicts, tiebreaks_lost, own_probes_ignored;
};
const struct registry_stats *registry_get_stats(const struct registry *r);
