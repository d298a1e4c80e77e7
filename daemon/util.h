/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small shared helpers: monotonic time in microseconds and a seedable PRNG.
 * Protocol cores take time and randomness as inputs so tests can fix both. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t usec_t;

#define USEC_INFINITY ((usec_t) UINT64_MAX)
#define USEC_PER_MSEC ((usec_t) 1000ULL)
#define USEC_PER_SEC ((usec_t) 1000000ULL)
#define USEC_PER_MINUTE (60ULL * USEC_PER_SEC)

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _warn_unused_ __attribute__((warn_unused_result))

/* Whether process pid runs the same program as the caller (the same /proc/PID/comm): a PID file
 * left by a crash (SIGKILL) may name a PID that another program got since. 1 same, 0 another
 * program, -errno if the process cannot be looked at (-ENOENT: gone). */
int pid_same_program(int pid);

/* CLOCK_MONOTONIC now, in microseconds. Only the edges call this; cores get `now` passed in. */
usec_t now_usec(void);

/* A small deterministic PRNG (splitmix64). Cores take one of these so that a test can seed it. */
struct rng {
        uint64_t state;
};

void rng_seed(struct rng *r, uint64_t seed);
/* Seed from getrandom(); falls back to the clock and pid only if getrandom fails. */
void rng_seed_random(struct rng *r);
uint64_t rng_next(struct rng *r);
/* Uniform in [lo, hi] inclusive; lo <= hi. */
uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi);
