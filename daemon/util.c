/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static int read_comm(const char *path, char *buf, size_t size) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return -errno;
        n = read(fd, buf, size - 1);
        if (n < 0)
                n = -errno;
        close(fd);
        if (n < 0)
                return (int) n;
        buf[n] = 0;
        buf[strcspn(buf, "\n")] = 0;
        return 0;
}

int pid_same_program(int pid) {
        char path[64], theirs[64], ours[64];
        int r;

        if (pid <= 0)
                return -EINVAL;
        snprintf(path, sizeof path, "/proc/%d/comm", pid);
        r = read_comm(path, theirs, sizeof theirs);
        if (r < 0)
                return r;
        r = read_comm("/proc/self/comm", ours, sizeof ours);
        if (r < 0)
                return r;
        return strcmp(theirs, ours) == 0;
}

usec_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

void rng_seed(struct rng *r, uint64_t seed) {
        r->state = seed;
}

void rng_seed_random(struct rng *r) {
        uint64_t seed;

        if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t) sizeof seed)
                seed = now_usec() ^ ((uint64_t) getpid() << 32);
        rng_seed(r, seed);
}

uint64_t rng_next(struct rng *r) {
        uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);

        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
}

uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi) {
        uint64_t span = hi - lo + 1;

        if (span == 0) /* full 64-bit range */
                return rng_next(r);
        return lo + rng_next(r) % span;
}
