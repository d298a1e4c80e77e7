/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Host label rules and the RFC 6762 §9 alternative names. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mdns/host-name.h"
#include "unit.h"

static void expect_label(const char *in, const char *want) {
        char out[64];

        ck_assert_int_eq(host_name_make_label(in, out, sizeof out), 0);
        ck_assert_str_eq(out, want);
}

static void expect_alt(const char *in, const char *want) {
        char out[64];

        ck_assert_int_eq(host_name_alternative(in, out, sizeof out), 0);
        ck_assert_str_eq(out, want);
}

START_TEST(test_make_label) {
        expect_label("board", "board");
        expect_label("board.example.com", "board");
        expect_label("my_board", "my-board");
        expect_label("--odd__name--", "odd-name");
        expect_label("", "linux");
        expect_label(".", "linux");
        expect_label("___", "linux");
        expect_label("Caf\xc3\xa9", "Caf");
        {
                char in[200], out[64];

                memset(in, 'a', sizeof in - 1);
                in[sizeof in - 1] = '\0';
                ck_assert_int_eq(host_name_make_label(in, out, sizeof out), 0);
                ck_assert_uint_eq(strlen(out), 63);
        }
        {
                char small[10];

                ck_assert_int_eq(host_name_make_label("x", small, sizeof small), -EINVAL);
        }
}
END_TEST

START_TEST(test_alternative) {
        expect_alt("host", "host-2");
        expect_alt("host-2", "host-3");
        expect_alt("host-9", "host-10");
        expect_alt("host-99", "host-100");
        expect_alt("my-board", "my-board-2"); /* a hyphen not followed by a number is part of the name */
        expect_alt("host-0", "host-0-2");
        expect_alt("2", "2-2");
        {
                char in[64], out[64];

                memset(in, 'a', 63);
                in[63] = '\0';
                ck_assert_int_eq(host_name_alternative(in, out, sizeof out), 0);
                ck_assert_uint_eq(strlen(out), 63);
                ck_assert_str_eq(out + 61, "-2");
        }
        {
                /* 31 × "é" + "a" (63 bytes): the cut for "-2" falls inside a character; the whole
                 * character goes, never half of it (D-Bus would refuse the string) */
                char in[64], out[64];

                for (int k = 0; k < 31; k++)
                        in[2 * k] = (char) 0xc3, in[2 * k + 1] = (char) 0xa9;
                in[62] = 'a';
                in[63] = '\0';
                ck_assert_int_eq(host_name_alternative(in, out, sizeof out), 0);
                ck_assert_uint_eq(strlen(out), 62);
                ck_assert_str_eq(out + 60, "-2");
                ck_assert_int_eq((unsigned char) out[59], 0xa9);
        }
        {
                char out[64];

                ck_assert_int_eq(host_name_alternative("", out, sizeof out), -EINVAL);
        }
}
END_TEST

int main(void) {
        Suite *s = suite_create("host-name");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_make_label);
        tcase_add_test(tc, test_alternative);
        suite_add_tcase(s, tc);
        return unit_run(s);
}
