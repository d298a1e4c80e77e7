/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* zeroconfd.conf: every key, and bad input reported with the default kept. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"

START_TEST(test_defaults) {
        struct conf c;

        conf_init(&c);
        ck_assert(c.use_ipv4 && c.use_ipv6);
        ck_assert_ptr_null(c.host_name);
        ck_assert(conf_interface_allowed(&c, "eth0"));
        ck_assert_ptr_nonnull(c.runtime_dir);
        conf_done(&c);
}
END_TEST

START_TEST(test_every_key) {
        struct conf c;
        const char *text = "# comment\n"
                           "; another\n"
                           "[server]\n"
                           "host-name = board\n"
                           "use-ipv4=no\n"
                           "use-ipv6 = yes\n"
                           "allow-interfaces = eth0, eth1\n"
                           "deny-interfaces=eth1\n"
                           "runtime-directory=/tmp/r\n"
                           "state-directory=/tmp/s\n"
                           "services-directory=/tmp/sd\n";

        conf_init(&c);
        ck_assert_int_eq(conf_parse_text(&c, text, "t.conf"), 0);
        ck_assert_str_eq(c.host_name, "board");
        ck_assert(!c.use_ipv4);
        ck_assert(c.use_ipv6);
        ck_assert_uint_eq(c.n_allow_interfaces, 2);
        ck_assert(conf_interface_allowed(&c, "eth0"));
        ck_assert(!conf_interface_allowed(&c, "eth1")); /* deny wins */
        ck_assert(!conf_interface_allowed(&c, "wlan0"));
        ck_assert_str_eq(c.runtime_dir, "/tmp/r");
        ck_assert_str_eq(c.state_dir, "/tmp/s");
        ck_assert_str_eq(c.services_dir, "/tmp/sd");
        conf_done(&c);
}
END_TEST

START_TEST(test_bad_input_keeps_defaults) {
        struct conf c;
        const char *text = "[server]\n"
                           "use-ipv4 = maybe\n"      /* bad value */
                           "frobnicate = 1\n"        /* unknown key */
                           "no equals sign\n"        /* syntax */
                           "state-directory = rel\n" /* not absolute */
                           "allow-interfaces = a/b\n" /* not an interface name */
                           "[nosuch]\n"
                           "host-name = x\n"         /* unknown section */
                           "[broken\n"               /* bad header */
                           "host-name = y\n";        /* outside any section */

        conf_init(&c);
        ck_assert_int_eq(conf_parse_text(&c, text, "t.conf"), 8);
        ck_assert(c.use_ipv4);
        ck_assert_ptr_null(c.host_name);
        ck_assert_str_ne(c.state_dir, "rel");
        ck_assert_uint_eq(c.n_allow_interfaces, 0);
        conf_done(&c);
}
END_TEST

START_TEST(test_load_file) {
        struct conf c;
        char path[] = "/tmp/zc-conf-XXXXXX";
        int fd = mkstemp(path);
        FILE *f;

        ck_assert_int_ge(fd, 0);
        f = fdopen(fd, "w");
        fputs("[server]\nhost-name=fromfile\n", f);
        fclose(f);
        conf_init(&c);
        ck_assert_int_eq(conf_load(&c, path, true), 0);
        ck_assert_str_eq(c.host_name, "fromfile");
        unlink(path);
        ck_assert_int_eq(conf_load(&c, path, false), 0);         /* missing default file: fine */
        ck_assert_int_eq(conf_load(&c, path, true), -ENOENT);    /* missing explicit file: error */
        ck_assert_int_eq(conf_load(&c, "/dev/null", true), 0);
        conf_done(&c);
}
END_TEST

int main(void) {
        Suite *s = suite_create("conf");
        TCase *tc = tcase_create("core");
        SRunner *sr;
        int failed;

        log_set_target(LOG_TARGET_NONE);
        tcase_add_test(tc, test_defaults);
        tcase_add_test(tc, test_every_key);
        tcase_add_test(tc, test_bad_input_keeps_defaults);
        tcase_add_test(tc, test_load_file);
        suite_add_tcase(s, tc);
        sr = srunner_create(s);
        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
