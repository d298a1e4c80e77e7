/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdns/conflict.h"

void conflict_limiter_add(struct conflict_limiter *l, usec_t now) {
        if (l->limited && now >= l->last + MDNS_CONFLICT_INTERVAL)
                l->limited = false; /* ten quiet seconds */
        l->times[l->next] = now;
        l->next = (l->next + 1) % MDNS_CONFLICT_MAX;
        if (l->n < MDNS_CONFLICT_MAX)
                l->n++;
        l->last = now;
        /* RFC 6762 §8.1: fifteen conflicts within any ten-second period. The ring holds the last
         * fifteen; the oldest of them is where the next one goes. */
        if (l->n == MDNS_CONFLICT_MAX && now < l->times[l->next] + MDNS_CONFLICT_INTERVAL)
                l->limited = true;
}

bool conflict_limiter_active(const struct conflict_limiter *l, usec_t now) {
        return l->limited && now < l->last + MDNS_CONFLICT_INTERVAL;
}

usec_t conflict_limiter_probe_delay(const struct conflict_limiter *l, usec_t now, usec_t normal) {
        /* RFC 6762 §8.1: "wait at least five seconds before each successive additional probe
         * attempt" */
        return conflict_limiter_active(l, now) ? MDNS_CONFLICT_PROBE_DELAY : normal;
}

enum conflict_verdict conflict_check(const struct dns_rr *theirs, const struct dns_rr *ours, bool probing) {
        if (!dns_name_equal(&theirs->name, &ours->name))
                return CONFLICT_NONE;
        if (theirs->rclass != ours->rclass && theirs->rclass != DNS_CLASS_ANY)
                return CONFLICT_NONE;
        if (theirs->type == ours->type && dns_rdata_equal(theirs, ours))
                return CONFLICT_SAME;
        /* RFC 6762 §10.1: a goodbye withdraws the peer's record; it claims nothing. */
        if (theirs->ttl == 0)
                return CONFLICT_NONE;
        /* RFC 6762 §8.1: while probing with type ANY, a record of any type with that name is a
         * conflict. */
        if (probing)
                return CONFLICT_CONFLICT;
        /* RFC 6762 §9: after probing, the same name, rrtype and rrclass with other rdata. */
        return theirs->type == ours->type ? CONFLICT_CONFLICT : CONFLICT_NONE;
}
