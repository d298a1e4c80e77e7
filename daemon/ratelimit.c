/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ratelimit.h"

void ratelimit_init(struct ratelimit *rl, usec_t interval, unsigned burst) {
        *rl = (struct ratelimit) { .interval = interval, .burst = burst };
}

bool ratelimit_below(struct ratelimit *rl, usec_t now) {
        if (rl->interval == 0 || rl->burst == 0)
                return true;
        /* a clock that went backwards also opens a new window: CLOCK_MONOTONIC never does */
        if (!rl->started || now < rl->begin || now - rl->begin >= rl->interval) {
                rl->started = true;
                rl->begin = now;
                rl->num = 0;
        }
        if (rl->num < rl->burst) {
                rl->num++;
                return true;
        }
        rl->dropped++;
        return false;
}

usec_t ratelimit_window_end(const struct ratelimit *rl) {
        if (rl->interval == 0 || rl->burst == 0 || !rl->started)
                return USEC_INFINITY;
        return rl->begin + rl->interval;
}
