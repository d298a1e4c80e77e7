/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fixed-window rate limit (daemon/ratelimit.h), on a fake clock. */
#include <check.h>
#include <stdlib.h>

#include "ratelimit.h"

START_TEST(test_burst_then_refuse) {
        struct ratelimit rl;
        usec_t t = 5 * USEC_PER_SEC;

        ratelimit_init(&rl, USEC_PER_SEC, 3);
        for (int k = 0; k < 3; k++)
                ck_assert(ratelimit_below(&rl, t + (usec_t) k));
        ck_assert(!ratelimit_below(&rl, t + 10));
        ck_assert(!ratelimit_below(&rl, t + USEC_PER_SEC - 1)); /* the window's last microsecond */
        ck_assert_uint_eq(rl.dropped, 2);
        /* a new window opens one interval after the first event of the last one */
        ck_assert(ratelimit_below(&rl, t + USEC_PER_SEC));
        ck_assert(ratelimit_below(&rl, t + USEC_PER_SEC + 1));
        ck_assert(ratelimit_below(&rl, t + USEC_PER_SEC + 2));
        ck_assert(!ratelimit_below(&rl, t + USEC_PER_SEC + 3));
        ck_assert_uint_eq(rl.dropped, 3);
}
END_TEST

START_TEST(test_window_starts_at_first_event) {
        struct ratelimit rl;

        ratelimit_init(&rl, USEC_PER_SEC, 1);
        /* time 0 is a valid first event (a fresh CLOCK_MONOTONIC in a test) */
        ck_assert(ratelimit_below(&rl, 0));
        ck_assert(!ratelimit_below(&rl, 999999));
        /* idle for a while: the next event opens a window of its own */
        ck_assert(ratelimit_below(&rl, 10 * USEC_PER_SEC + 123));
        ck_assert(!ratelimit_below(&rl, 11 * USEC_PER_SEC + 122));
        ck_assert(ratelimit_below(&rl, 11 * USEC_PER_SEC + 123));
}
END_TEST

START_TEST(test_window_end) {
        /* the daemon's kernel filter stays on until the window closes, not a microsecond past */
        struct ratelimit rl, off;

        ratelimit_init(&rl, USEC_PER_SEC, 2);
        ck_assert_uint_eq(ratelimit_window_end(&rl), USEC_INFINITY); /* no window yet */
        ck_assert(ratelimit_below(&rl, 7 * USEC_PER_SEC + 5));
        ck_assert_uint_eq(ratelimit_window_end(&rl), 8 * USEC_PER_SEC + 5);
        ck_assert(ratelimit_below(&rl, 7 * USEC_PER_SEC + 6));
        ck_assert(!ratelimit_below(&rl, 8 * USEC_PER_SEC + 4));
        ck_assert_uint_eq(ratelimit_window_end(&rl), 8 * USEC_PER_SEC + 5);
        ck_assert(ratelimit_below(&rl, 8 * USEC_PER_SEC + 5)); /* the next window */
        ck_assert_uint_eq(ratelimit_window_end(&rl), 9 * USEC_PER_SEC + 5);
        ratelimit_init(&off, USEC_PER_SEC, 0);
        ck_assert(ratelimit_below(&off, USEC_PER_SEC));
        ck_assert_uint_eq(ratelimit_window_end(&off), USEC_INFINITY);
}
END_TEST

START_TEST(test_off) {
        struct ratelimit rl;

        ratelimit_init(&rl, 0, 10);
        for (int k = 0; k < 100000; k++)
                ck_assert(ratelimit_below(&rl, 1));
        ratelimit_init(&rl, USEC_PER_SEC, 0);
        for (int k = 0; k < 100000; k++)
                ck_assert(ratelimit_below(&rl, 1));
        ck_assert_uint_eq(rl.dropped, 0);
}
END_TEST

START_TEST(test_clock_backwards) {
        struct ratelimit rl;

        ratelimit_init(&rl, USEC_PER_SEC, 1);
        ck_assert(ratelimit_below(&rl, 50 * USEC_PER_SEC));
        ck_assert(!ratelimit_below(&rl, 50 * USEC_PER_SEC + 1));
        /* never stuck: an earlier time opens a new window */
        ck_assert(ratelimit_below(&rl, 1 * USEC_PER_SEC));
}
END_TEST

START_TEST(test_rate_over_time) {
        struct ratelimit rl;
        unsigned passed = 0;

        /* 10,000 events a second for 10 s against 1000/s: 1000 pass in each second */
        ratelimit_init(&rl, USEC_PER_SEC, 1000);
        for (usec_t t = 0; t < 10 * USEC_PER_SEC; t += 100)
                passed += ratelimit_below(&rl, t);
        ck_assert_uint_eq(passed, 10000);
        ck_assert_uint_eq(rl.dropped, 100000 - 10000);
}
END_TEST

int main(void) {
        Suite *s = suite_create("ratelimit");
        TCase *tc = tcase_create("core");
        SRunner *sr;
        int failed;

        tcase_add_test(tc, test_burst_then_refuse);
        tcase_add_test(tc, test_window_starts_at_first_event);
        tcase_add_test(tc, test_window_end);
        tcase_add_test(tc, test_off);
        tcase_add_test(tc, test_clock_backwards);
        tcase_add_test(tc, test_rate_over_time);
        suite_add_tcase(s, tc);
        sr = srunner_create(s);
        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
