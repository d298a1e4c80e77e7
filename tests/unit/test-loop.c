/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The event loop: timer order, re-arming, cancelling, fds, signals. Asserts order and behaviour,
 * never wall-clock speed. */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "unit.h"

struct record {
        int order[16];
        int n;
        struct loop *loop;
        int quit_after;
};


struct tagged {
        struct record *rec;
        int tag;
};

static void tagged_cb(struct loop_timer *t, usec_t now, void *userdata) {
        struct tagged *tg = userdata;

        ck_assert_uint_eq(loop_timer_get(t), USEC_INFINITY);
        tg->rec->order[tg->rec->n++] = tg->tag;
        if (tg->rec->n == tg->rec->quit_after)
                loop_quit(tg->rec->loop, 0);
}

START_TEST(test_timers_fire_in_deadline_order) {
        struct loop *l;
        struct loop_timer *t[5];
        struct record rec = { .quit_after = 4 };
        struct tagged tg[5];
        usec_t now = now_usec();
        /* deadlines deliberately inserted out of order; timer 4 is cancelled */
        const usec_t offs[5] = { 30, 10, 40, 20, 15 };

        ck_assert_int_eq(loop_new(&l), 0);
        rec.loop = l;
        for (int k = 0; k < 5; k++) {
                tg[k] = (struct tagged) { &rec, k };
                ck_assert_int_eq(loop_timer_new(l, tagged_cb, &tg[k], &t[k]), 0);
                loop_timer_set(t[k], now + offs[k] * USEC_PER_MSEC);
        }
        loop_timer_set(t[4], USEC_INFINITY);
        ck_assert_int_eq(loop_run(l), 0);
        ck_assert_int_eq(rec.n, 4);
        ck_assert_int_eq(rec.order[0], 1);
        ck_assert_int_eq(rec.order[1], 3);
        ck_assert_int_eq(rec.order[2], 0);
        ck_assert_int_eq(rec.order[3], 2);
        for (int k = 0; k < 5; k++)
                loop_timer_free(t[k]);
        loop_free(l);
}
END_TEST

START_TEST(test_timer_rearm_moves_deadline) {
        struct loop *l;
        struct loop_timer *a, *b;
        struct record rec = { .quit_after = 2 };
        struct tagged ta, tb;
        usec_t now = now_usec();

        ck_assert_int_eq(loop_new(&l), 0);
        rec.loop = l;
        ta = (struct tagged) { &rec, 1 };
        tb = (struct tagged) { &rec, 2 };
        ck_assert_int_eq(loop_timer_new(l, tagged_cb, &ta, &a), 0);
        ck_assert_int_eq(loop_timer_new(l, tagged_cb, &tb, &b), 0);
        loop_timer_set(a, now + 5 * USEC_PER_MSEC);
        loop_timer_set(b, now + 10 * USEC_PER_MSEC);
        loop_timer_set(a, now + 20 * USEC_PER_MSEC); /* a now after b */
        ck_assert_uint_eq(loop_timer_get(a), now + 20 * USEC_PER_MSEC);
        ck_assert_int_eq(loop_run(l), 0);
        ck_assert_int_eq(rec.order[0], 2);
        ck_assert_int_eq(rec.order[1], 1);
        loop_timer_free(a);
        loop_timer_free(b);
        loop_free(l);
}
END_TEST

START_TEST(test_timer_in_the_past_fires) {
        struct loop *l;
        struct loop_timer *t;
        struct record rec = { .quit_after = 1 };
        struct tagged tg;

        ck_assert_int_eq(loop_new(&l), 0);
        rec.loop = l;
        tg = (struct tagged) { &rec, 9 };
        ck_assert_int_eq(loop_timer_new(l, tagged_cb, &tg, &t), 0);
        loop_timer_set(t, 0); /* already due */
        ck_assert_int_eq(loop_run(l), 0);
        ck_assert_int_eq(rec.order[0], 9);
        loop_timer_free(t);
        loop_free(l);
}
END_TEST

static void io_cb(struct loop_io *io, int fd, uint32_t revents, void *userdata) {
        struct record *r = userdata;
        char c;

        ck_assert(revents & EPOLLIN);
        ck_assert_int_eq(read(fd, &c, 1), 1);
        r->order[r->n++] = c;
        loop_io_free(io); /* freeing itself from its own callback is allowed */
        loop_quit(r->loop, 3);
}

START_TEST(test_io_dispatch_and_self_free) {
        struct loop *l;
        struct record rec = { 0 };
        int p[2];

        ck_assert_int_eq(pipe(p), 0);
        ck_assert_int_eq(loop_new(&l), 0);
        rec.loop = l;
        ck_assert_int_eq(loop_io_add(l, p[0], EPOLLIN, io_cb, &rec, NULL), 0);
        ck_assert_int_eq(write(p[1], "x", 1), 1);
        ck_assert_int_eq(loop_run(l), 3);
        ck_assert_int_eq(rec.order[0], 'x');
        loop_free(l);
        close(p[0]);
        close(p[1]);
}
END_TEST

static void sig_cb(struct loop *l, int signo, void *userdata) {
        int *got = userdata;

        *got = signo;
        loop_quit(l, 5);
}

START_TEST(test_signal_delivered_through_loop) {
        struct loop *l;
        int got = 0;

        ck_assert_int_eq(loop_new(&l), 0);
        ck_assert_int_eq(loop_signal_add(l, SIGUSR2, sig_cb, &got), 0);
        ck_assert_int_eq(kill(getpid(), SIGUSR2), 0);
        ck_assert_int_eq(loop_run(l), 5);
        ck_assert_int_eq(got, SIGUSR2);
        loop_free(l);
}
END_TEST

static Suite *loop_suite(void) {
        Suite *s = suite_create("loop");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_timers_fire_in_deadline_order);
        tcase_add_test(tc, test_timer_rearm_moves_deadline);
        tcase_add_test(tc, test_timer_in_the_past_fires);
        tcase_add_test(tc, test_io_dispatch_and_self_free);
        tcase_add_test(tc, test_signal_delivered_through_loop);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        log_set_target(LOG_TARGET_NONE);
        return unit_run(loop_suite());
}
