/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The event loop: epoll over file descriptors, timers on CLOCK_MONOTONIC (one timerfd armed for
 * the earliest deadline of a min-heap), and signals through signalfd. Single-threaded. */
#pragma once

#include <stdint.h>
#include <sys/epoll.h>

#include "util.h"

struct loop;
struct loop_io;
struct loop_timer;

typedef void (*loop_io_cb)(struct loop_io *io, int fd, uint32_t revents, void *userdata);
typedef void (*loop_timer_cb)(struct loop_timer *t, usec_t now, void *userdata);
typedef void (*loop_signal_cb)(struct loop *l, int signo, void *userdata);

int loop_new(struct loop **ret);
void loop_free(struct loop *l);

/* Runs until loop_quit(); returns the code given to it, or a negative errno if epoll fails. */
int loop_run(struct loop *l);
void loop_quit(struct loop *l, int code);

/* The time at which the current iteration woke; monotonic. */
usec_t loop_now(struct loop *l);

int loop_io_add(struct loop *l, int fd, uint32_t events, loop_io_cb cb, void *userdata, struct loop_io **ret);
int loop_io_set_events(struct loop_io *io, uint32_t events);
void loop_io_free(struct loop_io *io);

/* A timer is created disarmed; loop_timer_set() arms it for an absolute monotonic time
 * (re-arming moves it), USEC_INFINITY disarms it. */
int loop_timer_new(struct loop *l, loop_timer_cb cb, void *userdata, struct loop_timer **ret);
void loop_timer_set(struct loop_timer *t, usec_t when);
usec_t loop_timer_get(const struct loop_timer *t);
void loop_timer_free(struct loop_timer *t);

/* Blocks signo and delivers it through the loop. */
int loop_signal_add(struct loop *l, int signo, loop_signal_cb cb, void *userdata);
