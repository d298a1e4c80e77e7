/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SHA-256 against the FIPS 180-2 examples (Appendix B), the empty message, and the padding
 * boundaries (55/56 and 63/64/65 bytes, where the length spills into a second block), whole and
 * fed in pieces of every size. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipv6ll/sha256.h"

static void to_hex(const uint8_t d[SHA256_DIGEST_SIZE], char out[2 * SHA256_DIGEST_SIZE + 1]) {
        for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++)
                sprintf(out + 2 * i, "%02x", d[i]);
}

static void check_digest(const void *data, size_t len, const char *want) {
        uint8_t d[SHA256_DIGEST_SIZE];
        char hex[2 * SHA256_DIGEST_SIZE + 1];

        sha256(data, len, d);
        to_hex(d, hex);
        ck_assert_str_eq(hex, want);

        /* the same bytes in pieces of every size give the same digest */
        for (size_t step = 1; step <= 70 && step <= len; step += (len > 200 ? 23 : 1)) {
                struct sha256_ctx c;

                sha256_init(&c);
                for (size_t off = 0; off < len; off += step)
                        sha256_update(&c, (const uint8_t *) data + off, len - off < step ? len - off : step);
                sha256_final(&c, d);
                to_hex(d, hex);
                ck_assert_msg(strcmp(hex, want) == 0, "pieces of %zu bytes: %s", step, hex);
        }
}

START_TEST(test_fips_180_2) {
        /* FIPS 180-2 Appendix B.1: one block */
        check_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        /* B.2: two blocks */
        check_digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
                     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

START_TEST(test_fips_180_2_million) {
        /* B.3: one million times 'a' */
        size_t n = 1000000;
        char *a = malloc(n);

        ck_assert_ptr_nonnull(a);
        memset(a, 'a', n);
        check_digest(a, n, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        free(a);
}
END_TEST

START_TEST(test_empty_and_boundaries) {
        static const struct {
                size_t len;
                const char *want;
        } v[] = {
                { 55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b" },
                { 56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27" },
                { 63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055" },
                { 64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241" },
                { 65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e" },
                { 119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e" },
                { 120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5" },
        };
        uint8_t buf[128];

        check_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        /* bytes (i * 7 + 3) mod 256; digests from Python's hashlib */
        for (size_t i = 0; i < sizeof buf; i++)
                buf[i] = (uint8_t) (i * 7 + 3);
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
                check_digest(buf, v[k].len, v[k].want);
}
END_TEST

int main(void) {
        Suite *s = suite_create("sha256");
        TCase *tc = tcase_create("core");
        SRunner *sr;
        int failed;

        tcase_add_test(tc, test_fips_180_2);
        tcase_add_test(tc, test_fips_180_2_million);
        tcase_add_test(tc, test_empty_and_boundaries);
        tcase_set_timeout(tc, 60);
        suite_add_tcase(s, tc);
        sr = srunner_create(s);
        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
