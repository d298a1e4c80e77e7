/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "log.h"

#define LOOP_EVENTS_MAX 64

enum source_kind { SOURCE_IO, SOURCE_TIMERFD, SOURCE_SIGNALFD };

struct loop_io {
        enum source_kind kind; /* first member: epoll data points at it */
        struct loop *loop;
        int fd;
        loop_io_cb cb;
        void *userdata;
        bool dead;
        struct loop_io *next_dead;
};

struct loop_timer {
        struct loop *loop;
        usec_t when;
        size_t heap_idx; /* SIZE_MAX when not armed */
        loop_timer_cb cb;
        void *userdata;
};

struct signal_handler {
        int signo;
        loop_signal_cb cb;
        void *userdata;
};

struct loop {
        int epoll_fd;
        int timer_fd;
        int signal_fd;
        enum source_kind timer_kind, signal_kind; /* epoll data targets for the two internal fds */
        sigset_t sigmask;
        struct signal_handler signals[16];
        size_t n_signals;

        struct loop_timer **heap;
        size_t heap_len, heap_cap;
        usec_t armed_for;

        struct loop_io *dead_ios; /* freed after the current dispatch round */
        usec_t now;
        bool quit;
        int exit_code;
};

int loop_new(struct loop **ret) {
        struct loop *l;
        struct epoll_event ev = { .events = EPOLLIN };

        l = calloc(1, sizeof *l);
        if (!l)
                return -ENOMEM;
        l->timer_fd = l->signal_fd = -1;
        l->timer_kind = SOURCE_TIMERFD;
        l->signal_kind = SOURCE_SIGNALFD;
        l->armed_for = USEC_INFINITY;
        sigemptyset(&l->sigmask);

        l->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (l->epoll_fd < 0)
                goto fail;
        l->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (l->timer_fd < 0)
                goto fail;
        ev.data.ptr = &l->timer_kind;
        if (epoll_ctl(l->epoll_fd, EPOLL_CTL_ADD, l->timer_fd, &ev) < 0)
                goto fail;
        l->now = now_usec();
        *ret = l;
        return 0;
fail:;
        int r = -errno;
        loop_free(l);
        return r;
}

static void loop_reap_dead(struct loop *l) {
        while (l->dead_ios) {
                struct loop_io *io = l->dead_ios;

                l->dead_ios = io->next_dead;
                free(io);
        }
}

void loop_free(struct loop *l) {
        if (!l)
                return;
        loop_reap_dead(l);
        for (size_t i = 0; i < l->heap_len; i++)
                l->heap[i]->heap_idx = SIZE_MAX;
        free(l->heap);
        if (l->signal_fd >= 0)
                close(l->signal_fd);
        if (l->timer_fd >= 0)
                close(l->timer_fd);
        if (l->epoll_fd >= 0)
                close(l->epoll_fd);
        if (l->n_signals > 0)
                sigprocmask(SIG_UNBLOCK, &l->sigmask, NULL);
        free(l);
}

usec_t loop_now(struct loop *l) {
        return l->now;
}

void loop_quit(struct loop *l, int code) {
        l->quit = true;
        l->exit_code = code;
}

/* ---- file descriptors ---- */

int loop_io_add(struct loop *l, int fd, uint32_t events, loop_io_cb cb, void *userdata, struct loop_io **ret) {
        struct loop_io *io;
        struct epoll_event ev = { .events = events };

        io = calloc(1, sizeof *io);
        if (!io)
                return -ENOMEM;
        *io = (struct loop_io) { .kind = SOURCE_IO, .loop = l, .fd = fd, .cb = cb, .userdata = userdata };
        ev.data.ptr = io;
        if (epoll_ctl(l->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
                int r = -errno;
                free(io);
                return r;
        }
        if (ret)
                *ret = io;
        return 0;
}

int loop_io_set_events(struct loop_io *io, uint32_t events) {
        struct epoll_event ev = { .events = events, .data.ptr = io };

        if (epoll_ctl(io->loop->epoll_fd, EPOLL_CTL_MOD, io->fd, &ev) < 0)
                return -errno;
        return 0;
}

void loop_io_free(struct loop_io *io) {
        if (!io || io->dead)
                return;
        /* The fd may already be closed by its owner; epoll drops closed fds by itself. */
        (void) epoll_ctl(io->loop->epoll_fd, EPOLL_CTL_DEL, io->fd, NULL);
        /* Events for it may still be pending in this round: free it after the round. */
        io->dead = true;
        io->next_dead = io->loop->dead_ios;
        io->loop->dead_ios = io;
}

/* ---- timers: a binary min-heap on the deadline ---- */

static void heap_swap(struct loop *l, size_t a, size_t b) {
        struct loop_timer *t = l->heap[a];

        l->heap[a] = l->heap[b];
        l->heap[b] = t;
        l->heap[a]->heap_idx = a;
        l->heap[b]->heap_idx = b;
}

static void heap_up(struct loop *l, size_t i) {
        while (i > 0) {
                size_t p = (i - 1) / 2;

                if (l->heap[p]->when <= l->heap[i]->when)
                        break;
                heap_swap(l, p, i);
                i = p;
        }
}

static void heap_down(struct loop *l, size_t i) {
        for (;;) {
                size_t c = 2 * i + 1, m = i;

                if (c < l->heap_len && l->heap[c]->when < l->heap[m]->when)
                        m = c;
                if (c + 1 < l->heap_len && l->heap[c + 1]->when < l->heap[m]->when)
                        m = c + 1;
                if (m == i)
                        break;
                heap_swap(l, i, m);
                i = m;
        }
}

static void heap_remove(struct loop *l, struct loop_timer *t) {
        size_t i = t->heap_idx;

        if (i == SIZE_MAX)
                return;
        l->heap_len--;
        if (i != l->heap_len) {
                l->heap[i] = l->heap[l->heap_len];
                l->heap[i]->heap_idx = i;
                heap_down(l, i);
                heap_up(l, i);
        }
        t->heap_idx = SIZE_MAX;
}

static int heap_insert(struct loop *l, struct loop_timer *t) {
        if (l->heap_len == l->heap_cap) {
                size_t cap = l->heap_cap ? l->heap_cap * 2 : 16;
                struct loop_timer **h = realloc(l->heap, cap * sizeof *h);

                if (!h)
                        return -ENOMEM;
                l->heap = h;
                l->heap_cap = cap;
        }
        t->heap_idx = l->heap_len;
        l->heap[l->heap_len++] = t;
        heap_up(l, t->heap_idx);
        return 0;
}

int loop_timer_new(struct loop *l, loop_timer_cb cb, void *userdata, struct loop_timer **ret) {
        struct loop_timer *t = calloc(1, sizeof *t);

        if (!t)
                return -ENOMEM;
        *t = (struct loop_timer) { .loop = l, .when = USEC_INFINITY, .heap_idx = SIZE_MAX, .cb = cb, .userdata = userdata };
        *ret = t;
        return 0;
}

void loop_timer_set(struct loop_timer *t, usec_t when) {
        heap_remove(t->loop, t);
        t->when = when;
        if (when == USEC_INFINITY)
                return;
        if (heap_insert(t->loop, t) < 0) {
                /* Out of memory growing the heap: fail loudly rather than lose a protocol timer. */
                log_error("loop: out of memory arming a timer");
                abort();
        }
}

usec_t loop_timer_get(const struct loop_timer *t) {
        return t->when;
}

void loop_timer_free(struct loop_timer *t) {
        if (!t)
                return;
        heap_remove(t->loop, t);
        free(t);
}

static void loop_arm_timerfd(struct loop *l) {
        usec_t next = l->heap_len > 0 ? l->heap[0]->when : USEC_INFINITY;
        struct itimerspec its = { 0 };

        if (next == l->armed_for)
                return;
        if (next != USEC_INFINITY) {
                if (next == 0)
                        next = 1; /* 0 would disarm */
                its.it_value.tv_sec = (time_t) (next / USEC_PER_SEC);
                its.it_value.tv_nsec = (long) (next % USEC_PER_SEC) * 1000;
        }
        if (timerfd_settime(l->timer_fd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
                log_error("loop: timerfd_settime: %s", strerror(errno));
        l->armed_for = next;
}

static void loop_dispatch_timers(struct loop *l) {
        uint64_t expirations;

        (void) !read(l->timer_fd, &expirations, sizeof expirations);
        l->armed_for = USEC_INFINITY;
        l->now = now_usec();
        /* Run everything due; a callback may re-arm its own or other timers. */
        while (l->heap_len > 0 && l->heap[0]->when <= l->now && !l->quit) {
                struct loop_timer *t = l->heap[0];

                heap_remove(l, t);
                t->when = USEC_INFINITY;
                t->cb(t, l->now, t->userdata);
        }
}

/* ---- signals ---- */

int loop_signal_add(struct loop *l, int signo, loop_signal_cb cb, void *userdata) {
        if (l->n_signals >= ELEMENTSOF(l->signals))
                return -ENOSPC;
        sigaddset(&l->sigmask, signo);
        if (sigprocmask(SIG_BLOCK, &l->sigmask, NULL) < 0)
                return -errno;
        int fd = signalfd(l->signal_fd, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (l->signal_fd < 0) {
                struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &l->signal_kind };

                l->signal_fd = fd;
                if (epoll_ctl(l->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
                        return -errno;
        }
        l->signals[l->n_signals++] = (struct signal_handler) { signo, cb, userdata };
        return 0;
}

static void loop_dispatch_signals(struct loop *l) {
        struct signalfd_siginfo si;

        while (read(l->signal_fd, &si, sizeof si) == (ssize_t) sizeof si)
                for (size_t i = 0; i < l->n_signals; i++)
                        if (l->signals[i].signo == (int) si.ssi_signo)
                                l->signals[i].cb(l, (int) si.ssi_signo, l->signals[i].userdata);
}

/* ---- the loop ---- */

int loop_run(struct loop *l) {
        struct epoll_event events[LOOP_EVENTS_MAX];

        l->quit = false;
        while (!l->quit) {
                int n;

                loop_arm_timerfd(l);
                n = epoll_wait(l->epoll_fd, events, LOOP_EVENTS_MAX, -1);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                l->now = now_usec();
                for (int i = 0; i < n && !l->quit; i++) {
                        enum source_kind *kind = events[i].data.ptr;

                        if (*kind == SOURCE_TIMERFD)
                                loop_dispatch_timers(l);
                        else if (*kind == SOURCE_SIGNALFD)
                                loop_dispatch_signals(l);
                        else {
                                struct loop_io *io = (struct loop_io *) kind;

                                if (!io->dead)
                                        io->cb(io, io->fd, events[i].events, io->userdata);
                        }
                }
                loop_reap_dead(l);
        }
        return l->exit_code;
}
