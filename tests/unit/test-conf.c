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

START_TEST(test_server_limits) {
        struct conf c;

        conf_init(&c);
        ck_assert(!c.publish_hinfo);
        ck_assert(c.publish_addresses);
        ck_assert_uint_eq(c.records_max, 0); /* the registry's default */
        ck_assert_int_eq(conf_parse_text(&c, "[server]\npublish-addresses = no\n", "t.conf"), 0);
        ck_assert(!c.publish_addresses);
        ck_assert_int_eq(conf_parse_text(&c, "[server]\npublish-addresses = 2\n", "t.conf"), 1);
        ck_assert(!c.publish_addresses);
        ck_assert_uint_eq(c.legacy_unicast_rate_limit, 1000);
        ck_assert_int_eq(conf_parse_text(&c, "[server]\nlegacy-unicast-rate-limit = 0\n", "t.conf"), 0);
        ck_assert_uint_eq(c.legacy_unicast_rate_limit, 0);
        ck_assert_int_eq(conf_parse_text(&c, "[server]\nlegacy-unicast-rate-limit = 1000001\n"
                                             "legacy-unicast-rate-limit = -1\n", "t.conf"), 2);
        ck_assert_uint_eq(c.legacy_unicast_rate_limit, 0);
        ck_assert_int_eq(conf_parse_text(&c, "[server]\npublish-hinfo = yes\nrecords-max = 100\n", "t.conf"), 0);
        ck_assert(c.publish_hinfo);
        ck_assert_uint_eq(c.records_max, 100);
        /* out of range, not a number, a sign, trailing junk: reported, the value kept */
        ck_assert_int_eq(conf_parse_text(&c,
                                         "[server]\nrecords-max = 15\nrecords-max = 1000001\nrecords-max = x\n"
                                         "records-max = -5\nrecords-max = 20k\nrecords-max = 99999999999999999999\n"
                                         "publish-hinfo = sometimes\n",
                                         "t.conf"),
                         7);
        ck_assert_uint_eq(c.records_max, 100);
        ck_assert(c.publish_hinfo);
        ck_assert_int_eq(conf_parse_text(&c, "[server]\nrecords-max = 1000000\n", "t.conf"), 0);
        ck_assert_uint_eq(c.records_max, 1000000);
        /* the NSS socket */
        ck_assert(c.nss_enable);
        ck_assert_uint_eq(c.nss_clients_max, 0);
        ck_assert_uint_eq(c.nss_timeout_usec, 0);
        ck_assert_int_eq(conf_parse_text(&c, "[server]\nnss = no\nnss-clients-max = 8\nnss-timeout = 250\n", "t.conf"), 0);
        ck_assert(!c.nss_enable);
        ck_assert_uint_eq(c.nss_clients_max, 8);
        ck_assert_uint_eq(c.nss_timeout_usec, 250000);
        ck_assert_int_eq(conf_parse_text(&c,
                                         "[server]\nnss-clients-max = 0\nnss-clients-max = 4097\nnss-timeout = 99\n"
                                         "nss-timeout = 5001\nnss-timeout = 1s\nnss = maybe\n",
                                         "t.conf"),
                         6);
        ck_assert(!c.nss_enable);
        ck_assert_uint_eq(c.nss_clients_max, 8);
        ck_assert_uint_eq(c.nss_timeout_usec, 250000);
        /* the querier's cache bound, per interface and family */
        ck_assert_uint_eq(c.cache_entries_max, 0); /* the cache's default */
        ck_assert_int_eq(conf_parse_text(&c, "[server]\ncache-entries-max = 64\n", "t.conf"), 0);
        ck_assert_uint_eq(c.cache_entries_max, 64);
        ck_assert_int_eq(conf_parse_text(&c,
                                         "[server]\ncache-entries-max = 15\ncache-entries-max = 1000001\n"
                                         "cache-entries-max = many\n[ipv4ll]\ncache-entries-max = 100\n",
                                         "t.conf"),
                         4);
        ck_assert_uint_eq(c.cache_entries_max, 64);
        ck_assert_int_eq(conf_parse_text(&c, "[server]\ncache-entries-max = 1000000\n", "t.conf"), 0);
        ck_assert_uint_eq(c.cache_entries_max, 1000000);
        conf_done(&c);
}
END_TEST

START_TEST(test_user_service_files_workstation) {
        struct conf c;

        conf_init(&c);
        ck_assert_ptr_null(c.user); /* the daemon's default: zeroconfd, if it exists */
        ck_assert_uint_eq(c.service_files_max, 0);
        ck_assert_int_eq(conf_parse_text(&c, "[server]\nuser = zc_d-1.x\nservice-files-max = 10\n", "t.conf"), 0);
        ck_assert_str_eq(c.user, "zc_d-1.x");
        ck_assert_uint_eq(c.service_files_max, 10);
        ck_assert_int_eq(conf_parse_text(&c, "[server]\nuser = root\n", "t.conf"), 0);
        ck_assert_str_eq(c.user, "root");
        /* not a user name, empty, too long, a leading dash or digit; limits out of range */
        ck_assert_int_eq(conf_parse_text(&c,
                                         "[server]\nuser = a b\nuser =\nuser = ../etc\nuser = -x\nuser = 1abc\n"
                                         "user = abcdefghijabcdefghijabcdefghijabc\nuser = a:b\n"
                                         "service-files-max = 0\nservice-files-max = 65537\nservice-files-max = -1\n",
                                         "t.conf"),
                         10);
        ck_assert_str_eq(c.user, "root");
        ck_assert_uint_eq(c.service_files_max, 10);
        /* publish-workstation */
        ck_assert(!c.publish_workstation);
        ck_assert_int_eq(conf_parse_text(&c, "[server]\npublish-workstation = yes\n", "t.conf"), 0);
        ck_assert(c.publish_workstation);
        ck_assert_int_eq(conf_parse_text(&c, "[server]\npublish-workstation = perhaps\n", "t.conf"), 1);
        ck_assert(c.publish_workstation);
        ck_assert(conf_user_name_valid("zeroconfd"));
        ck_assert(!conf_user_name_valid(""));
        ck_assert(!conf_user_name_valid("a/b"));
        conf_done(&c);
}
END_TEST

START_TEST(test_ipv4ll_keys) {
        struct conf c;
        const char *text = "[ipv4ll]\n"
                           "policy = always\n"
                           "policy-eth1 = never\n"
                           "policy-wlan0 = auto\n"
                           "policy-eth1 = auto\n" /* the last one wins */
                           "grace-period = 0.25\n"
                           "timing-scale = 0.1\n";

        conf_init(&c);
        ck_assert_int_eq(c.ipv4ll_policy, CONF_IPV4LL_AUTO);
        ck_assert_uint_eq(c.ipv4ll_grace_usec, CONF_IPV4LL_GRACE_DEFAULT_USEC);
        ck_assert(c.ipv4ll_timing_scale == 1.0);
        ck_assert_int_eq(conf_parse_text(&c, text, "t.conf"), 0);
        ck_assert_int_eq(conf_ipv4ll_policy_for(&c, "eth0"), CONF_IPV4LL_ALWAYS);
        ck_assert_int_eq(conf_ipv4ll_policy_for(&c, "eth1"), CONF_IPV4LL_AUTO);
        ck_assert_int_eq(conf_ipv4ll_policy_for(&c, "wlan0"), CONF_IPV4LL_AUTO);
        ck_assert_uint_eq(c.n_ipv4ll_overrides, 2);
        ck_assert_uint_eq(c.ipv4ll_grace_usec, 250000);
        ck_assert(c.ipv4ll_timing_scale > 0.0999 && c.ipv4ll_timing_scale < 0.1001);
        ck_assert_str_eq(conf_ipv4ll_policy_to_string(CONF_IPV4LL_NEVER), "never");
        ck_assert_ptr_null(conf_ipv4ll_policy_to_string(_CONF_IPV4LL_POLICY_MAX));
        conf_done(&c);
}
END_TEST

START_TEST(test_ipv4ll_bad_input) {
        struct conf c;
        char text[4096] = "[ipv4ll]\n"
                          "policy = sometimes\n"       /* bad value */
                          "policy- = never\n"          /* no interface name */
                          "policy-a/b = never\n"       /* not an interface name */
                          "policy-abcdefghijklmnop = never\n" /* too long */
                          "grace-period = -1\n"        /* negative */
                          "grace-period = 3601\n"      /* too long */
                          "grace-period = 5s\n"        /* trailing junk */
                          "grace-period = nan\n"
                          "timing-scale = 0\n"         /* would remove every wait */
                          "timing-scale = 1.5\n"       /* above the RFC */
                          "timing-scale = inf\n"
                          "frobnicate = 1\n";          /* unknown key */

        conf_init(&c);
        ck_assert_int_eq(conf_parse_text(&c, text, "t.conf"), 12);
        ck_assert_int_eq(c.ipv4ll_policy, CONF_IPV4LL_AUTO);
        ck_assert_uint_eq(c.n_ipv4ll_overrides, 0);
        ck_assert_uint_eq(c.ipv4ll_grace_usec, CONF_IPV4LL_GRACE_DEFAULT_USEC);
        ck_assert(c.ipv4ll_timing_scale == 1.0);
        conf_done(&c);

        /* at most CONF_LIST_MAX overrides; the one beyond is reported */
        conf_init(&c);
        strcpy(text, "[ipv4ll]\n");
        for (int i = 0; i <= CONF_LIST_MAX; i++)
                snprintf(text + strlen(text), sizeof text - strlen(text), "policy-eth%d = never\n", i);
        ck_assert_int_eq(conf_parse_text(&c, text, "t.conf"), 1);
        ck_assert_uint_eq(c.n_ipv4ll_overrides, CONF_LIST_MAX);
        ck_assert_int_eq(conf_ipv4ll_policy_for(&c, "eth0"), CONF_IPV4LL_NEVER);
        ck_assert_int_eq(conf_ipv4ll_policy_for(&c, "eth32"), CONF_IPV4LL_AUTO);
        conf_done(&c);
}
END_TEST

START_TEST(test_ipv6ll_keys) {
        struct conf c;

        /* default: RFC 4862 §5.4.5, report and wait for the administrator */
        conf_init(&c);
        ck_assert(!c.ipv6ll_regenerate);
        ck_assert_int_eq(conf_parse_text(&c, "[ipv6ll]\nregenerate = yes\n", "t.conf"), 0);
        ck_assert(c.ipv6ll_regenerate);
        ck_assert_int_eq(conf_parse_text(&c, "[ipv6ll]\nregenerate = no\n", "t.conf"), 0);
        ck_assert(!c.ipv6ll_regenerate);
        /* bad value, unknown key, the key in another section: reported, value kept */
        ck_assert_int_eq(conf_parse_text(&c,
                                         "[ipv6ll]\nregenerate = maybe\nfrobnicate = 1\n"
                                         "[server]\nregenerate = yes\n",
                                         "t.conf"),
                         3);
        ck_assert(!c.ipv6ll_regenerate);
        conf_done(&c);
}
END_TEST

START_TEST(test_dbus_keys) {
        struct conf c;

        conf_init(&c);
        ck_assert(c.dbus_enable);
        ck_assert_uint_eq(c.dbus_clients_max, 0); /* 0: the built-in defaults of dbus/bus.h */
        ck_assert_uint_eq(c.dbus_objects_per_client_max, 0);
        ck_assert_uint_eq(c.dbus_entries_per_group_max, 0);
        ck_assert_ptr_null(c.dbus_admin_group);
        ck_assert_int_eq(conf_parse_text(&c,
                                         "[dbus]\nenable = no\nclients-max = 10\nobjects-per-client-max = 3\n"
                                         "entries-per-group-max = 2\nadmin-group = netdev\n",
                                         "t.conf"),
                         0);
        ck_assert(!c.dbus_enable);
        ck_assert_uint_eq(c.dbus_clients_max, 10);
        ck_assert_uint_eq(c.dbus_objects_per_client_max, 3);
        ck_assert_uint_eq(c.dbus_entries_per_group_max, 2);
        ck_assert_str_eq(c.dbus_admin_group, "netdev");
        /* out of range, not a number, a bad group, an unknown key: reported, values kept */
        ck_assert_int_eq(conf_parse_text(&c,
                                         "[dbus]\nclients-max = 0\nobjects-per-client-max = 65537\n"
                                         "entries-per-group-max = many\nadmin-group = a b\nenable = perhaps\n"
                                         "frobnicate = 1\n",
                                         "t.conf"),
                         6);
        ck_assert(!c.dbus_enable);
        ck_assert_uint_eq(c.dbus_clients_max, 10);
        ck_assert_uint_eq(c.dbus_objects_per_client_max, 3);
        ck_assert_uint_eq(c.dbus_entries_per_group_max, 2);
        ck_assert_str_eq(c.dbus_admin_group, "netdev");
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
        tcase_add_test(tc, test_server_limits);
        tcase_add_test(tc, test_user_service_files_workstation);
        tcase_add_test(tc, test_ipv4ll_keys);
        tcase_add_test(tc, test_ipv4ll_bad_input);
        tcase_add_test(tc, test_ipv6ll_keys);
        tcase_add_test(tc, test_dbus_keys);
        suite_add_tcase(s, tc);
        sr = srunner_create(s);
        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
