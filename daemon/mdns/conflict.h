/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Conflicts with other hosts' records (RFC 6762 §9) and the probe rate limit after many of them
 * (§8.1). Pure: records and times in, verdicts out. No I/O, no allocation.
 *
 * Who decides what: this file says whether one received record conflicts with one of ours and
 * whether the next probe attempt must wait; registry.c applies the verdicts (re-probe, collision)
 * and the owner of the records picks a new name (host-records.c: "host" → "host-2"). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "dns/dns-rr.h"
#include "util.h"

/* RFC 6762 §8.1: "If fifteen conflicts occur within any ten-second period, then the host MUST
 * wait at least five seconds before each successive additional probe attempt." */
#define MDNS_CONFLICT_MAX 15
#define MDNS_CONFLICT_INTERVAL (10 * USEC_PER_SEC)
#define MDNS_CONFLICT_PROBE_DELAY (5 * USEC_PER_SEC)

/* The times of the last MDNS_CONFLICT_MAX conflicts (a ring). Once fifteen fall within ten
 * seconds the limit holds until ten seconds pass without a conflict (the 5 s waits themselves
 * would otherwise spread the next fifteen over more than ten seconds and lift it while the
 * conflicts go on). Zero-initialise. */
struct conflict_limiter {
        usec_t times[MDNS_CONFLICT_MAX];
        unsigned n;    /* entries used, <= MDNS_CONFLICT_MAX */
        unsigned next; /* where the next one goes */
        bool limited;
        usec_t last;
};

/* Count one conflict (a lost probe or a conflicting record after probing, §8.1/§9). */
void conflict_limiter_add(struct conflict_limiter *l, usec_t now);
/* §8.1: whether MDNS_CONFLICT_MAX conflicts happened within the last MDNS_CONFLICT_INTERVAL,
 * so that the next probe attempt must wait MDNS_CONFLICT_PROBE_DELAY. */
bool conflict_limiter_active(const struct conflict_limiter *l, usec_t now);
/* The wait before the next probe attempt: MDNS_CONFLICT_PROBE_DELAY while limited, else
 * `normal` (the §8.1 random 0–250 ms). */
usec_t conflict_limiter_probe_delay(const struct conflict_limiter *l, usec_t now, usec_t normal);

enum conflict_verdict {
        CONFLICT_NONE,     /* not about this record, or consistent with it */
        CONFLICT_SAME,     /* the very same record (name, type, class, rdata): not a conflict */
        CONFLICT_CONFLICT, /* the peer claims the name: see conflict_check() */
};

/* Does `theirs` (from another host's response: any section) conflict with `ours`, one of our
 * unique records with the same owner name? The caller compares `theirs` against each of our
 * records with that name on the link and treats it as a conflict only if it conflicts with one
 * and is the SAME as none (an identical copy of one of our records is never a conflict).
 *   probing: RFC 6762 §8.1: "any answer containing a record with that name, of any type, MUST be
 *            considered a conflicting response";
 *   else:    RFC 6762 §9: same name, rrtype and rrclass with different rdata.
 * Goodbyes (TTL 0) never conflict: the peer is giving the record up (§10.1). */
enum conflict_verdict conflict_check(const struct dns_rr *theirs, const struct dns_rr *ours, bool probing);
