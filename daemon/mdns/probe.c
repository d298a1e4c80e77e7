/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdns/probe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const probe_state_table[_PROBE_STATE_MAX] = {
        [PROBE_IDLE] = "idle",
        [PROBE_WAITING] = "waiting",
        [PROBE_PROBING] = "probing",
};

const char *probe_state_to_string(enum probe_state s) {
        return (unsigned) s < _PROBE_STATE_MAX ? probe_state_table[s] : NULL;
}

void probe_init(struct probe *p) {
        *p = (struct probe) { .state = PROBE_IDLE, .next = USEC_INFINITY };
}

void probe_start(struct probe *p, usec_t now, usec_t wait) {
        p->state = PROBE_WAITING;
        p->n_sent = 0;
        p->n_deferrals = 0;
        p->next = now + wait;
}

void probe_stop(struct probe *p) {
        probe_init(p);
}

enum probe_action probe_handle_timeout(struct probe *p, usec_t now) {
        if (p->state == PROBE_IDLE || now < p->next)
                return PROBE_ACTION_NONE;
        if (p->n_sent < PROBE_NUM)
                return PROBE_ACTION_SEND;
        /* RFC 6762 §8.1: 250 ms after the third probe without a conflict: move on to announcing */
        probe_init(p);
        return PROBE_ACTION_DONE;
}

void probe_sent(struct probe *p, usec_t now) {
        if (p->state == PROBE_IDLE)
                return;
        p->state = PROBE_PROBING;
        p->n_sent++;
        /* RFC 6762 §8.1: probes 250 ms apart; the decision 250 ms after the third */
        p->next = now + (p->n_sent < PROBE_NUM ? PROBE_INTERVAL : PROBE_DECIDE);
}

void probe_defer(struct probe *p, usec_t now) {
        if (p->state == PROBE_IDLE)
                return;
        /* RFC 6762 §8.2: wait one second, then begin probing again */
        p->state = PROBE_WAITING;
        p->n_sent = 0;
        p->n_deferrals++;
        p->next = now + PROBE_DEFER;
}

bool probe_has_sent(const struct probe *p) {
        return p->state == PROBE_PROBING;
}

bool probe_is_running(const struct probe *p) {
        return p->state != PROBE_IDLE;
}

usec_t probe_next_timeout(const struct probe *p) {
        return p->state == PROBE_IDLE ? USEC_INFINITY : p->next;
}

enum probe_tiebreak probe_tiebreak(const struct dns_rr *const *ours, size_t n_ours, const struct dns_rr *const *theirs,
                                   size_t n_theirs) {
        /* RFC 6762 §8.2: compare class, type, then rdata; §8.2.1: with several records, both sets
         * sorted and compared in turn. The lexicographically later set wins; identical sets are
         * no conflict (our own probe, or another host with exactly our data). */
        int c = dns_rrset_compare_canonical(ours, n_ours, theirs, n_theirs);

        if (c == 0)
                return PROBE_TIEBREAK_SAME;
        return c > 0 ? PROBE_TIEBREAK_WIN : PROBE_TIEBREAK_LOSE;
}

static void sent_set_clear(struct probe_sent_set *s) {
        for (size_t k = 0; k < s->n; k++)
                dns_rr_free(s->rrs[k]);
        free(s->rrs);
        *s = (struct probe_sent_set) { 0 };
}

void probe_history_init(struct probe_history *h) {
        memset(h, 0, sizeof *h);
}

void probe_history_clear(struct probe_history *h) {
        for (unsigned k = 0; k < PROBE_HISTORY_MAX; k++)
                sent_set_clear(&h->sets[k]);
        h->next = 0;
}

int probe_history_add(struct probe_history *h, const struct dns_rr *const *rrs, size_t n, usec_t now) {
        struct probe_sent_set *s = &h->sets[h->next];

        sent_set_clear(s);
        h->next = (h->next + 1) % PROBE_HISTORY_MAX;
        if (n == 0)
                return 0;
        s->rrs = calloc(n, sizeof *s->rrs);
        if (!s->rrs)
                return -ENOMEM;
        for (size_t k = 0; k < n; k++) {
                s->rrs[k] = dns_rr_dup(rrs[k]);
                if (!s->rrs[k]) {
                        s->n = k;
                        sent_set_clear(s);
                        return -ENOMEM;
                }
        }
        s->n = n;
        s->when = now;
        return 0;
}

static const struct probe_sent_set *history_latest(const struct probe_history *h) {
        const struct probe_sent_set *best = NULL;

        for (unsigned k = 0; k < PROBE_HISTORY_MAX; k++) {
                const struct probe_sent_set *s = &h->sets[k];

                if (s->n > 0 && (!best || s->when >= best->when))
                        best = s;
        }
        return best;
}

enum probe_tiebreak probe_history_tiebreak(const struct probe_history *h, const struct dns_rr *const *current,
                                           size_t n_current, const struct dns_rr *const *theirs, size_t n_theirs) {
        const struct probe_sent_set *latest;

        /* RFC 6762 §8.2.1: a probe carrying exactly a set we sent is our own, looped back: never a
         * conflict, even if our records changed since (added or removed addresses). */
        for (unsigned k = 0; k < PROBE_HISTORY_MAX; k++) {
                const struct probe_sent_set *s = &h->sets[k];

                if (s->n > 0 && probe_tiebreak((const struct dns_rr *const *) s->rrs, s->n, theirs, n_theirs) ==
                                        PROBE_TIEBREAK_SAME)
                        return PROBE_TIEBREAK_SAME;
        }
        if (probe_tiebreak(current, n_current, theirs, n_theirs) == PROBE_TIEBREAK_SAME)
                return PROBE_TIEBREAK_SAME;

        /* RFC 6762 §8.2: the other host compares its probe with the probe of ours it received: we
         * compare with the same one, the last we sent, so that both reach the same verdict. */
        latest = history_latest(h);
        if (latest)
                return probe_tiebreak((const struct dns_rr *const *) latest->rrs, latest->n, theirs, n_theirs);
        return probe_tiebreak(current, n_current, theirs, n_theirs);
}
