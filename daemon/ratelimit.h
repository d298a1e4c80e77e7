/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once
/* A fixed-window rate limit: at most `burst` events in each `interval`. Pure (the caller gives
 * the time), so the unit tests drive it with a fake clock. The daemon uses it for legacy unicast
 * queries (RFC 6762 §6.7), the cheap amplification path: `legacy-unicast-rate-limit`. */
#include <stdbool.h>
#include <stdint.h>

#include "util.h"

struct ratelimit {
        usec_t interval; /* 0: no limit */
        unsigned burst;  /* 0: no limit */
        usec_t begin;    /* start of the current window */
        unsigned num;    /* events let through in it */
        bool started;
        uint64_t dropped; /* events refused, all windows */
};

void ratelimit_init(struct ratelimit *rl, usec_t interval, unsigned burst);
/* true: the event at `now` may go ahead (and is counted); false: over the limit (counted in
 * `dropped`). A window opens at the first event after the previous one closed. */
bool ratelimit_below(struct ratelimit *rl, usec_t now);
/* When the current window closes (USEC_INFINITY if none is open or there is no limit). */
usec_t ratelimit_window_end(const struct ratelimit *rl);
