/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Probing (RFC 6762 §8.1) and the simultaneous-probe tie-break (§8.2, §8.2.1) for one probe set:
 * the unique records of one entry group on one link. Pure: the caller passes the time in, asks
 * what to do when the timer fires, and builds and sends the packets itself (registry.c).
 *
 *   idle --probe_start(wait)--> waiting --wait over--> PROBE_ACTION_SEND, probe_sent()
 *     --250 ms--> SEND (2nd) --250 ms--> SEND (3rd) --250 ms--> PROBE_ACTION_DONE (done)
 *   A simultaneous probe that wins the tie-break (§8.2) sends us back to waiting for 1 s, after
 *   which the three probes start over. A conflicting response is the caller's business (it
 *   loses the name); probe_has_sent() tells whether it may count yet (§8.1). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "dns/dns-rr.h"
#include "util.h"

/* RFC 6762 §8.1: "the host should first wait for a short random delay time, uniformly distributed
 * in the range 0-250 ms" */
#define PROBE_WAIT (250 * USEC_PER_MSEC)
/* RFC 6762 §8.1: "250 ms after the first query, the host should send a second; then, 250 ms after
 * that, a third" */
#define PROBE_INTERVAL (250 * USEC_PER_MSEC)
#define PROBE_NUM 3
/* RFC 6762 §8.1: "If, by 250 ms after the third probe, no conflicting Multicast DNS responses have
 * been received, the host may move to the next step, announcing." */
#define PROBE_DECIDE (250 * USEC_PER_MSEC)
/* RFC 6762 §8.2: the loser of a tie-break "defers to the winning host by waiting one second, and
 * then begins probing for this record again" */
#define PROBE_DEFER (1 * USEC_PER_SEC)

enum probe_state {
        PROBE_IDLE,    /* not started, or finished (see done) */
        PROBE_WAITING, /* before the first probe: the initial wait, a §8.2 deferral, a §8.1 rate limit */
        PROBE_PROBING, /* n_sent probes out (1..PROBE_NUM); next is the next probe or the decision */
        _PROBE_STATE_MAX,
};

struct probe {
        enum probe_state state;
        unsigned n_sent;
        unsigned n_deferrals; /* §8.2 tie-breaks lost in this attempt (for logs) */
        usec_t next;          /* USEC_INFINITY when idle */
};

enum probe_action {
        PROBE_ACTION_NONE, /* not yet (an early call) or idle */
        PROBE_ACTION_SEND, /* send a probe now, then call probe_sent() */
        PROBE_ACTION_DONE, /* 250 ms after the third probe without a conflict: the names are ours */
};

void probe_init(struct probe *p);
/* Begin (or begin again) a probe attempt: the first probe goes out after `wait` (the §8.1 random
 * 0..PROBE_WAIT, or the §8.1 rate-limit delay). */
void probe_start(struct probe *p, usec_t now, usec_t wait);
void probe_stop(struct probe *p);
enum probe_action probe_handle_timeout(struct probe *p, usec_t now);
/* The probe asked for by PROBE_ACTION_SEND went out at `now`. */
void probe_sent(struct probe *p, usec_t now);
/* RFC 6762 §8.2: we lost a tie-break: wait one second, then probe again from the first probe. */
void probe_defer(struct probe *p, usec_t now);
/* RFC 6762 §8.1: "Apparently conflicting Multicast DNS responses received before the first probe
 * packet is sent MUST be silently ignored". */
bool probe_has_sent(const struct probe *p);
bool probe_is_running(const struct probe *p);
usec_t probe_next_timeout(const struct probe *p);
const char *probe_state_to_string(enum probe_state s);

/* RFC 6762 §8.2 / §8.2.1, comparing our records for one name with the records for that name in
 * another host's probe (its Authority section). */
enum probe_tiebreak {
        PROBE_TIEBREAK_WIN,  /* ours are lexicographically later: ignore their probe */
        PROBE_TIEBREAK_LOSE, /* ours are earlier: probe_defer() */
        PROBE_TIEBREAK_SAME, /* identical sets: our own probe looped back (or identical data): no conflict */
};

enum probe_tiebreak probe_tiebreak(const struct dns_rr *const *ours, size_t n_ours, const struct dns_rr *const *theirs,
                                   size_t n_theirs);

/* What we actually put in our last probes for one name (RFC 6762 §8.2.1). Our own probe looped
 * back must never count as a conflict, whatever happened to our records since it was sent
 * (addresses removed or added mid-probe made Avahi rename itself: its bug #117): the tie-break
 * therefore compares against the sets we sent, not against the records we have now. */
#define PROBE_HISTORY_MAX 4
struct probe_history {
        struct probe_sent_set {
                struct dns_rr **rrs; /* copies */
                size_t n;
                usec_t when;
        } sets[PROBE_HISTORY_MAX];
        unsigned next;
};

void probe_history_init(struct probe_history *h);
void probe_history_clear(struct probe_history *h);
/* Remember the set sent at `now` (copied). -ENOMEM (the history then forgets that set). */
int probe_history_add(struct probe_history *h, const struct dns_rr *const *rrs, size_t n, usec_t now);
/* The §8.2 tie-break of a received probe's set against ours: SAME if it equals any set we sent
 * recently (or the current one); otherwise compared with the set of our most recent probe, or
 * with `current` if we have sent none yet. */
enum probe_tiebreak probe_history_tiebreak(const struct probe_history *h, const struct dns_rr *const *current,
                                           size_t n_current, const struct dns_rr *const *theirs, size_t n_theirs);
