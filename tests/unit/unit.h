/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every Check suite's main() shares. */
#pragma once

#include <check.h>
#include <stdlib.h>

/* Run the suite (forking per test, Check's default) and turn the result into an exit status. */
static inline int unit_run(Suite *s) {
        SRunner *sr = srunner_create(s);
        int failed;

        srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY from the environment, normal by default */
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
