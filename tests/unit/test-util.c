/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* util.c: pid_same_program(), which tells a live zeroconfd from a PID that another program got
 * after a crash left the PID file behind. */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "unit.h"
#include "util.h"

static pid_t spawn(bool exec_sleep) {
        pid_t pid = fork();

        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                if (exec_sleep)
                        execlp("sleep", "sleep", "30", (char *) NULL);
                pause();
                _exit(0);
        }
        return pid;
}

static void reap(pid_t pid) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
}

START_TEST(test_pid_same_program) {
        ck_assert_int_eq(pid_same_program(getpid()), 1);
        ck_assert_int_eq(pid_same_program(0), -EINVAL);
        ck_assert_int_eq(pid_same_program(-1), -EINVAL);

        /* a child that is still us, and one that became another program */
        pid_t same = spawn(false), other = spawn(true);
        ck_assert_int_eq(pid_same_program(same), 1);
        /* wait until the exec happened (comm changes with it) */
        for (int i = 0; i < 200 && pid_same_program(other) == 1; i++)
                usleep(10000);
        ck_assert_int_eq(pid_same_program(other), 0);
        reap(same);
        reap(other);
        /* gone */
        ck_assert_int_eq(pid_same_program(same), -ENOENT);
}
END_TEST

int main(void) {
        Suite *s = suite_create("util");
        TCase *tc = tcase_create("core");

        log_set_target(LOG_TARGET_NONE);
        tcase_add_test(tc, test_pid_same_program);
        suite_add_tcase(s, tc);
        return unit_run(s);
}
