/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RFC 7217 interface identifiers (rfc7217.h) and the secret key file (secret-key.h). */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipv6ll/rfc7217.h"
#include "ipv6ll/secret-key.h"
#include "log.h"

static uint8_t key_a[RFC7217_SECRET_KEY_SIZE], key_b[RFC7217_SECRET_KEY_SIZE];

static void setup(void) {
        for (size_t i = 0; i < sizeof key_a; i++) {
                key_a[i] = (uint8_t) i;
                key_b[i] = (uint8_t) i;
        }
        key_b[31] ^= 1; /* one bit apart */
}

static struct in6_addr addr6(const char *s) {
        struct in6_addr a;

        ck_assert_int_eq(inet_pton(AF_INET6, s, &a), 1);
        return a;
}

static struct rfc7217_input input(const char *prefix, const char *ifname, uint32_t counter, const uint8_t *key) {
        return (struct rfc7217_input) {
                .prefix = addr6(prefix),
                .net_iface = ifname,
                .dad_counter = counter,
                .secret_key = key,
                .secret_key_len = RFC7217_SECRET_KEY_SIZE,
        };
}

static uint64_t iid_of(const struct rfc7217_input *in) {
        uint8_t iid[8];
        uint64_t v = 0;

        ck_assert_int_eq(rfc7217_interface_id(in, iid), 0);
        for (int i = 0; i < 8; i++)
                v = v << 8 | iid[i];
        return v;
}

static bool reserved(uint64_t v) {
        uint8_t iid[8];

        for (int i = 7; i >= 0; i--, v >>= 8)
                iid[i] = (uint8_t) v;
        return rfc7217_iid_is_reserved(iid);
}

START_TEST(test_known_answer) {
        /* The encoding of rfc7217.h, pinned: a change would move every host's replacement
         * address, which RFC 7217 wants stable. Values from Python's hashlib over the same
         * bytes (key = 00 01 … 1f). */
        struct rfc7217_input in = input("fe80::", "eth0", 0, key_a);

        ck_assert_uint_eq(iid_of(&in), 0x545c4bad47cb335bULL);
        in.dad_counter = 1;
        ck_assert_uint_eq(iid_of(&in), 0xd0728f137b5f9a15ULL);
        in = input("2001:db8:1:2::", "eth0", 0, key_a);
        ck_assert_uint_eq(iid_of(&in), 0xc82b9889ad79edf7ULL);
}
END_TEST

START_TEST(test_stable_and_sensitive) {
        struct rfc7217_input base = input("fe80::", "eth0", 0, key_a), in;
        uint64_t id = iid_of(&base);

        /* RFC 7217 §5: the same inputs always give the same identifier */
        for (int i = 0; i < 10; i++)
                ck_assert_uint_eq(iid_of(&base), id);
        /* only the first 64 bits of the prefix count */
        in = base;
        in.prefix = addr6("fe80::1234:5678:9abc:def0");
        ck_assert_uint_eq(iid_of(&in), id);

        /* and any other input gives another (§6: DAD_Counter; §5: the key, Net_Iface, Prefix) */
        in = base;
        in.dad_counter = 1;
        ck_assert_uint_ne(iid_of(&in), id);
        in = base;
        in.secret_key = key_b;
        ck_assert_uint_ne(iid_of(&in), id);
        in = base;
        in.net_iface = "eth1";
        ck_assert_uint_ne(iid_of(&in), id);
        in = base;
        in.prefix = addr6("fe80:0:0:1::");
        ck_assert_uint_ne(iid_of(&in), id);
        in = base;
        in.network_id = "home";
        in.network_id_len = 4;
        ck_assert_uint_ne(iid_of(&in), id);
        /* the length prefixes keep ("eth0", "x") and ("eth0x", "") apart */
        in = base;
        in.network_id = "x";
        in.network_id_len = 1;
        {
                struct rfc7217_input in2 = base;

                in2.net_iface = "eth0x";
                ck_assert_uint_ne(iid_of(&in), iid_of(&in2));
        }
        /* a 128-bit key is enough (RFC 7217 §5) */
        in = base;
        in.secret_key_len = RFC7217_SECRET_KEY_MIN;
        ck_assert_uint_ne(iid_of(&in), id);

        /* many counters: all distinct, none reserved */
        for (uint32_t c = 0; c < 64; c++) {
                struct rfc7217_input x = base, y = base;

                x.dad_counter = c;
                ck_assert(!reserved(iid_of(&x)));
                for (uint32_t d = c + 1; d < 64; d++) {
                        y.dad_counter = d;
                        ck_assert_uint_ne(iid_of(&x), iid_of(&y));
                }
        }
}
END_TEST

START_TEST(test_bad_input) {
        struct rfc7217_input in = input("fe80::", "eth0", 0, key_a);
        uint8_t iid[8];
        struct in6_addr a;
        uint32_t c;
        char long_name[300];

        ck_assert_int_eq(rfc7217_interface_id(NULL, iid), -EINVAL);
        in.secret_key_len = RFC7217_SECRET_KEY_MIN - 1; /* RFC 7217 §5: at least 128 bits */
        ck_assert_int_eq(rfc7217_interface_id(&in, iid), -EINVAL);
        in.secret_key_len = RFC7217_SECRET_KEY_SIZE;
        in.net_iface = "";
        ck_assert_int_eq(rfc7217_interface_id(&in, iid), -EINVAL);
        memset(long_name, 'x', sizeof long_name - 1);
        long_name[sizeof long_name - 1] = '\0';
        in.net_iface = long_name;
        ck_assert_int_eq(rfc7217_interface_id(&in, iid), -EINVAL);
        in.net_iface = NULL;
        ck_assert_int_eq(rfc7217_generate(&in, NULL, NULL, &a, &c), -EINVAL);
        in.net_iface = "eth0";
        in.secret_key = NULL;
        ck_assert_int_eq(rfc7217_interface_id(&in, iid), -EINVAL);
        in.secret_key = key_a;
        in.network_id_len = 3; /* without the bytes */
        ck_assert_int_eq(rfc7217_interface_id(&in, iid), -EINVAL);
}
END_TEST

START_TEST(test_reserved_ids) {
        /* RFC 4291 §2.6.1 Subnet-Router anycast */
        ck_assert(reserved(0));
        ck_assert(!reserved(1));
        /* RFC 5453 / IANA: the IANA Ethernet block, 0200:5EFF:FE00:0000 – 0200:5EFF:FEFF:FFFF,
         * including Proxy Mobile IPv6's 0200:5EFF:FE00:5213 (RFC 6543) */
        ck_assert(reserved(0x02005efffe000000ULL));
        ck_assert(reserved(0x02005efffe005212ULL));
        ck_assert(reserved(0x02005efffe005213ULL));
        ck_assert(reserved(0x02005efffe005214ULL));
        ck_assert(reserved(0x02005efffeffffffULL));
        ck_assert(!reserved(0x02005efffdffffffULL));
        ck_assert(!reserved(0x02005eff00000000ULL));
        ck_assert(!reserved(0x00005efffe005213ULL)); /* the U/L bit differs */
        /* RFC 2526 reserved subnet anycast: FDFF:FFFF:FFFF:FF80 – FDFF:FFFF:FFFF:FFFF */
        ck_assert(reserved(0xfdffffffffffff80ULL));
        ck_assert(reserved(0xfdffffffffffffffULL));
        ck_assert(!reserved(0xfdffffffffffff7fULL));
        ck_assert(!reserved(0xfcffffffffffffffULL));
        ck_assert(!reserved(0xffffffffffffffffULL));
}
END_TEST

struct taken {
        struct in6_addr a[4];
        int n;
        int calls;
        bool all;
};

static bool is_taken(const struct in6_addr *a, void *userdata) {
        struct taken *t = userdata;

        t->calls++;
        if (t->all)
                return true;
        for (int i = 0; i < t->n; i++)
                if (memcmp(&t->a[i], a, sizeof *a) == 0)
                        return true;
        return false;
}

START_TEST(test_generate_skips_taken) {
        struct rfc7217_input in = input("fe80::", "eth0", 0, key_a);
        struct taken t = {};
        struct in6_addr a0, a1, a;
        uint32_t c;

        ck_assert_int_eq(rfc7217_generate(&in, NULL, NULL, &a0, &c), 0);
        ck_assert_uint_eq(c, 0);
        ck_assert_uint_eq(a0.s6_addr[0], 0xfe);
        ck_assert_uint_eq(a0.s6_addr[1], 0x80);
        for (int i = 2; i < 8; i++)
                ck_assert_uint_eq(a0.s6_addr[i], 0);
        in.dad_counter = 1;
        ck_assert_int_eq(rfc7217_generate(&in, NULL, NULL, &a1, &c), 0);
        ck_assert_uint_eq(c, 1);
        ck_assert(memcmp(&a0, &a1, sizeof a0) != 0);

        /* RFC 7217 §5: an identifier already used on the interface counts as a conflict: the
         * counter is raised and the next one taken */
        in.dad_counter = 0;
        t.a[t.n++] = a0;
        ck_assert_int_eq(rfc7217_generate(&in, is_taken, &t, &a, &c), 0);
        ck_assert_uint_eq(c, 1);
        ck_assert(memcmp(&a, &a1, sizeof a) == 0);

        /* bounded: everything taken gives up after RFC7217_SKIP_MAX raises */
        t.all = true;
        t.calls = 0;
        ck_assert_int_eq(rfc7217_generate(&in, is_taken, &t, &a, &c), -EADDRNOTAVAIL);
        ck_assert_int_eq(t.calls, RFC7217_SKIP_MAX + 1);
        /* and never wraps the counter */
        t.calls = 0;
        in.dad_counter = UINT32_MAX - 1;
        ck_assert_int_eq(rfc7217_generate(&in, is_taken, &t, &a, &c), -EADDRNOTAVAIL);
        ck_assert_int_eq(t.calls, 2);
}
END_TEST

/* ---- the secret key file ---- */

static char dir[64];

static void key_setup(void) {
        setup();
        snprintf(dir, sizeof dir, "/tmp/test-rfc7217.XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void key_teardown(void) {
        char cmd[128];

        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        ck_assert_int_eq(system(cmd), 0);
}

static void path_of(char *buf, size_t size, const char *suffix) {
        snprintf(buf, size, "%s/ipv6ll-secret%s", dir, suffix);
}

static void write_file(const char *path, const char *text, mode_t mode) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        close(fd);
        ck_assert_int_eq(chmod(path, mode), 0);
}

START_TEST(test_key_created_once) {
        uint8_t k1[RFC7217_SECRET_KEY_SIZE], k2[RFC7217_SECRET_KEY_SIZE];
        static const uint8_t zero[RFC7217_SECRET_KEY_SIZE];
        char path[128], text[80];
        struct stat st;
        int fd;

        /* without create, a missing key stays missing */
        ck_assert_int_eq(secret_key_load(dir, false, k1), -ENOENT);
        path_of(path, sizeof path, "");
        ck_assert_int_eq(stat(path, &st), -1);

        ck_assert_int_eq(secret_key_load(dir, true, k1), 0);
        ck_assert(memcmp(k1, zero, sizeof k1) != 0);
        ck_assert_int_eq(stat(path, &st), 0);
        ck_assert_uint_eq(st.st_mode & 07777, 0600);
        fd = open(path, O_RDONLY);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(read(fd, text, sizeof text), 2 * RFC7217_SECRET_KEY_SIZE + 1);
        close(fd);
        ck_assert_int_eq(text[2 * RFC7217_SECRET_KEY_SIZE], '\n');

        /* reused, never rewritten: the addresses stay the same across restarts */
        ck_assert_int_eq(secret_key_load(dir, true, k2), 0);
        ck_assert(memcmp(k1, k2, sizeof k1) == 0);
        ck_assert_int_eq(secret_key_load(dir, false, k2), 0);
        ck_assert(memcmp(k1, k2, sizeof k1) == 0);

        /* no temporary file left behind */
        {
                char cmd[160];

                snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) = 1", dir);
                ck_assert_int_eq(system(cmd), 0);
        }
}
END_TEST

START_TEST(test_key_read_and_mode) {
        uint8_t k[RFC7217_SECRET_KEY_SIZE];
        char path[128], text[80] = "";
        struct stat st;

        path_of(path, sizeof path, "");
        for (int i = 0; i < RFC7217_SECRET_KEY_SIZE; i++)
                sprintf(text + 2 * i, "%02X", i); /* upper case is read too */
        write_file(path, text, 0644); /* no newline, and readable by others */
        ck_assert_int_eq(secret_key_load(dir, false, k), 0);
        ck_assert(memcmp(k, key_a, sizeof k) == 0);
        ck_assert_int_eq(stat(path, &st), 0);
        ck_assert_uint_eq(st.st_mode & 07777, 0600); /* RFC 7217 §7: kept secret */
}
END_TEST

START_TEST(test_key_corrupt_replaced) {
        static const char *const bad[] = {
                "",
                "00112233\n",
                "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
                "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\nextra",
                "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f0\n",
        };
        char path[128], aside[128];
        uint8_t k[RFC7217_SECRET_KEY_SIZE], k2[RFC7217_SECRET_KEY_SIZE];
        struct stat st;

        path_of(path, sizeof path, "");
        path_of(aside, sizeof aside, ".corrupt");
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                write_file(path, bad[i], 0600);
                /* read-only use: refused, left alone */
                ck_assert_int_eq(secret_key_load(dir, false, k), -EBADMSG);
                ck_assert_int_eq(stat(aside, &st), -1);
                /* with create: moved aside for the administrator, and a new key made */
                ck_assert_int_eq(secret_key_load(dir, true, k), 0);
                ck_assert_int_eq(stat(aside, &st), 0);
                ck_assert_int_eq(unlink(aside), 0);
                ck_assert_int_eq(secret_key_load(dir, false, k2), 0);
                ck_assert(memcmp(k, k2, sizeof k) == 0);
        }
        /* a path that does not fit */
        {
                char longdir[5000];

                memset(longdir, 'd', sizeof longdir - 1);
                longdir[sizeof longdir - 1] = '\0';
                ck_assert_int_eq(secret_key_load(longdir, true, k), -ENAMETOOLONG);
        }
}
END_TEST

int main(void) {
        Suite *s = suite_create("rfc7217");
        TCase *tc = tcase_create("generator"), *tk = tcase_create("secret-key");
        SRunner *sr;
        int failed;

        log_set_target(LOG_TARGET_NONE);
        tcase_add_checked_fixture(tc, setup, NULL);
        tcase_add_test(tc, test_known_answer);
        tcase_add_test(tc, test_stable_and_sensitive);
        tcase_add_test(tc, test_bad_input);
        tcase_add_test(tc, test_reserved_ids);
        tcase_add_test(tc, test_generate_skips_taken);
        suite_add_tcase(s, tc);
        tcase_add_checked_fixture(tk, key_setup, key_teardown);
        tcase_add_test(tk, test_key_created_once);
        tcase_add_test(tk, test_key_read_and_mode);
        tcase_add_test(tk, test_key_corrupt_replaced);
        suite_add_tcase(s, tk);
        sr = srunner_create(s);
        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
