/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mDNS response scheduler (RFC 6762 §6, §6.7, §7): when and how our answers go out.
 *
 * A pure core: no I/O, no timer of its own, no allocation after response_sched_new(). The edge
 * feeds it the packets it received (with the receiving interface and the source address; it
 * has already dropped off-link sources, RFC 6762 §11, and our own looped-back packets) and the
 * current monotonic time; the scheduler hands back finished packets through the emit callback
 * and says when it wants to run next:
 *
 *   on a query:     response_sched_handle_query(s, &info, &msg, now)
 *   on a response:  response_sched_handle_response(s, &info, &msg, now)     (RFC 6762 §7.4, §6.6)
 *   then always:    arm the timer at response_sched_next_timeout(s)        (may be `now` already)
 *   on the timer:   response_sched_handle_timeout(s, now)
 *
 * The rules, each in response-sched.c at the place that implements it:
 *   §6    unique answers at once; shared answers after 20–120 ms, aggregated per interface; all
 *         answers of a multi-question query (§6.3) delayed 20–120 ms; a query with TC waits
 *         400–500 ms for its known answers (§7.2); a record is multicast at most once a second
 *         per interface, every 250 ms when answering a probe (a query with an Authority
 *         section); responses carry ID 0, QR=1 AA=1, no questions (§18).
 *   §5.4  QU questions (and §5.5 queries sent to our unicast address) are answered by unicast,
 *         unless the record was not multicast on that interface within a quarter of its TTL.
 *   §6.7  legacy unicast (source port ≠ 5353): an immediate conventional DNS reply to the source
 *         address and port: same ID, the questions repeated, no cache-flush bit, TTL ≤ 10 s.
 *   §7.1  known-answer suppression; §7.2 multipacket known answers (keyed on the querier's
 *         address); §7.4 duplicate answer suppression; §6.6 a peer's copy of our record with
 *         less than half our TTL makes us multicast ours.
 *   no record twice in one response; responses split at the interface's payload size.
 *
 * Legacy unicast replies are emitted from inside response_sched_handle_query(); everything else
 * from response_sched_handle_timeout(). The emit callback must not call back into the
 * scheduler or modify the record store. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"
#include "mdns/respond.h"
#include "mdns/socket.h"
#include "util.h"

/* Defaults for the bounds (each can be set in the config). */
#define RESPONSE_PENDING_MAX_DEFAULT 8192 /* records waiting to be sent, all interfaces */
#define RESPONSE_JOBS_MAX_DEFAULT 256     /* responses waiting to be sent, all interfaces */
#define RESPONSE_HISTORY_MAX_DEFAULT 4096 /* (interface, record) last-multicast times remembered */
/* Answers plus additional records one query can produce: answers first, then additional
 * records while there is room (further ones are dropped). A PTR question for a service type
 * gets every instance up to this many. */
#define RESPONSE_QUERY_ITEMS_MAX 8192

struct response_packet {
        int ifindex;
        int family;                /* AF_INET or AF_INET6 */
        bool unicast;              /* false: to the mDNS group of `family` on `ifindex`, port 5353 */
        union sockaddr_union dest; /* unicast: the querier's address and port */
        const uint8_t *data;       /* valid during the callback only */
        size_t len;
};

typedef void (*response_emit_t)(void *userdata, const struct response_packet *p);

struct response_sched_config {
        const struct respond_source *source; /* borrowed; must outlive the scheduler */
        struct rng *rng;                     /* borrowed: the random delays */
        response_emit_t emit;
        void *userdata;
        unsigned pending_max; /* 0: the defaults above */
        unsigned jobs_max;
        unsigned history_max;
};

/* Where a received packet came from. The edge guarantees the source is on the link of
 * `ifindex` (RFC 6762 §11; legacy unicast queries from off-link must never be answered,
 * CVE-2017-6519) and that the packet is not our own. */
struct response_packet_info {
        int ifindex;
        int family;                  /* AF_INET or AF_INET6 */
        union sockaddr_union source; /* address and port, as recvmsg() gave them */
        bool unicast_dest;           /* sent to our unicast address, not to the group (§5.5) */
        size_t max_size;             /* the largest mDNS payload the link carries (MTU less
                                      * IP/UDP headers); clamped to 512..DNS_PACKET_MAX */
};

struct response_sched_stats {
        uint64_t queries;              /* queries handled */
        uint64_t answers_queued;       /* records queued to be sent (answers and additionals) */
        uint64_t answers_sent;         /* answers (not additionals) put in packets */
        uint64_t suppressed_known;     /* §7.1/§7.2: the querier already knew */
        uint64_t suppressed_duplicate; /* §7.4: another responder sent it */
        uint64_t suppressed_recent;    /* §6: multicast on the link since the question */
        uint64_t rate_limited;         /* §6: answers delayed to keep 1 s (250 ms) between multicasts */
        uint64_t dropped_full;         /* a bound was hit: not queued */
        uint64_t dropped_too_big;      /* a record alone did not fit a packet */
        uint64_t packets;              /* packets emitted */
        uint64_t legacy_replies;       /* §6.7 */
};

struct response_sched;

/* 0, -EINVAL (missing source, rng or emit), -ENOMEM. */
int response_sched_new(struct response_sched **ret, const struct response_sched_config *cfg);
struct response_sched *response_sched_free(struct response_sched *s);

/* A parsed query (QR=0). Messages with QR=1, an opcode or rcode other than 0 are ignored
 * (RFC 6762 §18.3, §18.11). Returns 0 or a negative errno (invalid info). */
int response_sched_handle_query(struct response_sched *s, const struct response_packet_info *info,
                                const struct dns_msg *msg, usec_t now);
/* A parsed response (QR=1) from another host: §7.4 and §6.6. Responses whose source port is
 * not 5353 are ignored (§6). */
int response_sched_handle_response(struct response_sched *s, const struct response_packet_info *info,
                                   const struct dns_msg *msg, usec_t now);

/* When response_sched_handle_timeout() should run next; USEC_INFINITY when nothing is pending. */
usec_t response_sched_next_timeout(const struct response_sched *s);
/* Send every response that is due. Returns the number of packets emitted. */
int response_sched_handle_timeout(struct response_sched *s, usec_t now);

/* Someone else multicast our record `id` on the interface (the announcer, RFC 6762 §8.3): it
 * counts for the once-a-second rule and answers questions asked before it. */
void response_sched_note_multicast(struct response_sched *s, int ifindex, int family, uint64_t id, usec_t now);
/* The interface is gone or mDNS stopped on it: drop what is pending for it. */
void response_sched_forget_link(struct response_sched *s, int ifindex);

const struct response_sched_stats *response_sched_get_stats(const struct response_sched *s);
