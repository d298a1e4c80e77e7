/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests: daemon/dnssd/service-dir.c — loading a services.d folder with one broken file among
 * good ones, the file limit, change detection for reloads, and the shipped example files. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dnssd/service-dir.h"
#include "dnssd/service-file.h"
#include "log.h"
#include "unit.h"

#ifndef SERVICES_SRCDIR
#error "SERVICES_SRCDIR must name the source tree's services.d"
#endif

static const char good_ssh[] =
        "<service-group>\n"
        "  <name replace-wildcards=\"yes\">%h</name>\n"
        "  <service><type>_ssh._tcp</type><port>22</port></service>\n"
        "</service-group>\n";
static const char good_http[] =
        "<service-group>\n"
        "  <name>Web</name>\n"
        "  <service><type>_http._tcp</type><port>80</port><txt-record>path=/</txt-record></service>\n"
        "</service-group>\n";
/* the error sits on line 3, column 34 (the <port> start tag) */
static const char broken[] =
        "<service-group>\n"
        "  <name>Broken</name>\n"
        "  <service><type>_ssh._tcp</type><port>99999</port></service>\n"
        "</service-group>\n";

static char dir[64];

static void write_file(const char *name, const char *text) {
        char path[256];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", dir, name);
        f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
        ck_assert_int_eq(fclose(f), 0);
}

static void remove_file(const char *name) {
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        ck_assert_int_eq(unlink(path), 0);
}

static void setup(void) {
        strcpy(dir, "/tmp/test-service-dir.XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void) {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_name_filter) {
        ck_assert(dnssd_file_name_is_service("ssh.service"));
        ck_assert(dnssd_file_name_is_service("a.b.service"));
        ck_assert(!dnssd_file_name_is_service(".service"));
        ck_assert(!dnssd_file_name_is_service(".ssh.service"));
        ck_assert(!dnssd_file_name_is_service("ssh.service~"));
        ck_assert(!dnssd_file_name_is_service("ssh.service.swp"));
        ck_assert(!dnssd_file_name_is_service("ssh.services"));
        ck_assert(!dnssd_file_name_is_service("ssh"));
        ck_assert(!dnssd_file_name_is_service(""));
        ck_assert_str_eq(dnssd_file_change_to_string(DNSSD_FILE_CHANGED), "changed");
        ck_assert_ptr_null(dnssd_file_change_to_string(_DNSSD_FILE_CHANGE_MAX));
}
END_TEST

START_TEST(test_broken_among_good) {
        struct dnssd_file_set s;
        const struct dnssd_file *f;
        char expected[256], path[256], *big;

        write_file("ssh.service", good_ssh);
        write_file("http.service", good_http);
        write_file("broken.service", broken);
        write_file(".hidden.service", broken);
        write_file("notes.txt", broken);
        write_file("ssh.service~", broken);
        snprintf(path, sizeof(path), "%s/dir.service", dir);
        ck_assert_int_eq(mkdir(path, 0755), 0);
        big = malloc(DNSSD_SERVICE_FILE_SIZE_MAX + 2);
        ck_assert_ptr_nonnull(big);
        memset(big, ' ', DNSSD_SERVICE_FILE_SIZE_MAX + 1);
        big[DNSSD_SERVICE_FILE_SIZE_MAX + 1] = '\0';
        write_file("huge.service", big);
        free(big);

        ck_assert_int_eq(dnssd_dir_load(dir, 0, &s), 0);
        ck_assert_uint_eq(s.n_files, 5);
        ck_assert_uint_eq(s.n_skipped, 0);
        /* sorted by name */
        ck_assert_str_eq(s.files[0].name, "broken.service");
        ck_assert_str_eq(s.files[1].name, "dir.service");
        ck_assert_str_eq(s.files[2].name, "http.service");
        ck_assert_str_eq(s.files[3].name, "huge.service");
        ck_assert_str_eq(s.files[4].name, "ssh.service");

        /* the good ones load */
        f = dnssd_file_set_find(&s, "ssh.service");
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(f->error, 0);
        ck_assert_ptr_null(f->message);
        ck_assert_ptr_nonnull(f->group);
        ck_assert_str_eq(f->group->services[0].type, "_ssh._tcp");
        ck_assert_uint_eq(f->size, strlen(good_ssh));
        f = dnssd_file_set_find(&s, "http.service");
        ck_assert_ptr_nonnull(f->group);
        ck_assert_str_eq(f->group->name, "Web");

        /* the broken one names file:line:column */
        f = dnssd_file_set_find(&s, "broken.service");
        ck_assert_int_eq(f->error, -EINVAL);
        ck_assert_ptr_null(f->group);
        snprintf(expected, sizeof(expected),
                 "%s/broken.service:3:34: invalid port '99999': a port is a decimal number from 0 to 65535", dir);
        ck_assert_str_eq(f->message, expected);

        f = dnssd_file_set_find(&s, "dir.service");
        ck_assert_int_eq(f->error, -EINVAL);
        snprintf(expected, sizeof(expected), "%s/dir.service: not a regular file", dir);
        ck_assert_str_eq(f->message, expected);

        f = dnssd_file_set_find(&s, "huge.service");
        ck_assert_int_eq(f->error, -EFBIG);
        snprintf(expected, sizeof(expected), "%s/huge.service: the file is 65537 bytes long, more than 65536", dir);
        ck_assert_str_eq(f->message, expected);

        /* a trailing slash on the folder does not double in the messages */
        {
                struct dnssd_file one;
                char slashed[128];
                snprintf(slashed, sizeof(slashed), "%s/", dir);
                ck_assert_int_eq(dnssd_file_load(slashed, "broken.service", &one), 0);
                snprintf(expected, sizeof(expected), "%s/broken.service:3:34: invalid port '99999'", dir);
                ck_assert_msg(strncmp(one.message, expected, strlen(expected)) == 0, "%s", one.message);
                dnssd_file_done(&one);
        }

        ck_assert_ptr_null(dnssd_file_set_find(&s, "notes.txt"));
        ck_assert_ptr_null(dnssd_file_set_find(&s, ".hidden.service"));
        dnssd_file_set_done(&s);
}
END_TEST

START_TEST(test_limit) {
        struct dnssd_file_set s;
        char name[32];

        /* created in an order unrelated to the names: the first 3 by name are kept */
        for (int i = 9; i >= 0; i--) {
                snprintf(name, sizeof(name), "s%d.service", (i * 7) % 10);
                write_file(name, good_ssh);
        }
        ck_assert_int_eq(dnssd_dir_load(dir, 3, &s), 0);
        ck_assert_uint_eq(s.n_files, 3);
        ck_assert_uint_eq(s.n_skipped, 7);
        ck_assert_str_eq(s.files[0].name, "s0.service");
        ck_assert_str_eq(s.files[1].name, "s1.service");
        ck_assert_str_eq(s.files[2].name, "s2.service");
        dnssd_file_set_done(&s);

        ck_assert_int_eq(dnssd_dir_load(dir, 10, &s), 0);
        ck_assert_uint_eq(s.n_files, 10);
        ck_assert_uint_eq(s.n_skipped, 0);
        dnssd_file_set_done(&s);
}
END_TEST

START_TEST(test_missing_and_empty) {
        struct dnssd_file_set s;
        char path[256];

        snprintf(path, sizeof(path), "%s/nope", dir);
        ck_assert_int_eq(dnssd_dir_load(path, 0, &s), -ENOENT);
        ck_assert_uint_eq(s.n_files, 0);
        ck_assert_int_eq(dnssd_dir_load(dir, 0, &s), 0);
        ck_assert_uint_eq(s.n_files, 0);
        dnssd_file_set_done(&s);
}
END_TEST

static const struct dnssd_file_diff *diff_for(const struct dnssd_file_diff *d, size_t n, const char *name) {
        for (size_t i = 0; i < n; i++) {
                const struct dnssd_file *f = d[i].new ? d[i].new : d[i].old;
                if (strcmp(f->name, name) == 0)
                        return &d[i];
        }
        ck_abort_msg("no diff entry for %s", name);
        return NULL;
}

START_TEST(test_change_detection) {
        struct dnssd_file_set old, next;
        struct dnssd_file_diff *d;
        const struct dnssd_file_diff *e;
        size_t n;

        write_file("keep.service", good_ssh);
        write_file("touch.service", good_ssh);
        write_file("edit.service", good_http);
        write_file("gone.service", good_http);
        write_file("fixed.service", broken);
        write_file("still-broken.service", broken);
        ck_assert_int_eq(dnssd_dir_load(dir, 0, &old), 0);
        ck_assert_uint_eq(old.n_files, 6);

        /* same contents rewritten (new mtime) → unchanged; edited → changed; removed; added; a
         * broken file fixed → changed; a broken file left alone → unchanged */
        write_file("touch.service", good_ssh);
        write_file("edit.service", good_ssh);
        remove_file("gone.service");
        write_file("added.service", good_http);
        write_file("fixed.service", good_http);

        ck_assert_int_eq(dnssd_dir_reload(dir, 0, &old, &next, &d, &n), 0);
        ck_assert_uint_eq(next.n_files, 6);
        ck_assert_uint_eq(n, 7);
        /* in name order */
        ck_assert_str_eq(d[0].new->name, "added.service");
        ck_assert_str_eq(d[6].new->name, "touch.service");

        e = diff_for(d, n, "added.service");
        ck_assert_int_eq(e->change, DNSSD_FILE_NEW);
        ck_assert_ptr_null(e->old);
        ck_assert_ptr_nonnull(e->new->group);
        e = diff_for(d, n, "gone.service");
        ck_assert_int_eq(e->change, DNSSD_FILE_REMOVED);
        ck_assert_ptr_null(e->new);
        ck_assert_str_eq(e->old->group->name, "Web");
        e = diff_for(d, n, "edit.service");
        ck_assert_int_eq(e->change, DNSSD_FILE_CHANGED);
        ck_assert_str_eq(e->old->group->name, "Web");
        ck_assert_str_eq(e->new->group->name, "%h");
        e = diff_for(d, n, "keep.service");
        ck_assert_int_eq(e->change, DNSSD_FILE_UNCHANGED);
        ck_assert_ptr_eq(e->old, dnssd_file_set_find(&old, "keep.service"));
        ck_assert_ptr_eq(e->new, dnssd_file_set_find(&next, "keep.service"));
        ck_assert_int_eq(diff_for(d, n, "touch.service")->change, DNSSD_FILE_UNCHANGED);
        e = diff_for(d, n, "fixed.service");
        ck_assert_int_eq(e->change, DNSSD_FILE_CHANGED);
        ck_assert_ptr_null(e->old->group);
        ck_assert_ptr_nonnull(e->new->group);
        ck_assert_int_eq(diff_for(d, n, "still-broken.service")->change, DNSSD_FILE_UNCHANGED);
        free(d);

        /* the diff of a set with itself is all unchanged */
        ck_assert_int_eq(dnssd_file_set_diff(&next, &next, &d, &n), 0);
        ck_assert_uint_eq(n, 6);
        for (size_t i = 0; i < n; i++)
                ck_assert_int_eq(d[i].change, DNSSD_FILE_UNCHANGED);
        free(d);

        /* a reload of a folder that vanished fails and leaves nothing behind */
        dnssd_file_set_done(&old);
        teardown();
        ck_assert_int_eq(dnssd_dir_reload(dir, 0, &next, &old, &d, &n), -ENOENT);
        dnssd_file_set_done(&next);
        setup(); /* for the fixture's teardown */
}
END_TEST

/* services.d/ssh.service and sftp-ssh.service as shipped. */
START_TEST(test_shipped_examples) {
        struct dnssd_file_set s;
        const struct dnssd_file *f;
        char buf[DNSSD_INSTANCE_NAME_MAX + 1];

        ck_assert_int_eq(dnssd_dir_load(SERVICES_SRCDIR, 0, &s), 0);
        ck_assert_uint_eq(s.n_files, 2);
        f = dnssd_file_set_find(&s, "ssh.service");
        ck_assert_ptr_nonnull(f);
        ck_assert_msg(f->error == 0, "%s", f->message);
        ck_assert_str_eq(f->group->services[0].type, "_ssh._tcp");
        ck_assert_uint_eq(f->group->services[0].port, 22);
        ck_assert_int_eq(dnssd_group_expand_name(f->group, "myhost", buf, sizeof(buf), NULL), 6);
        ck_assert_str_eq(buf, "myhost");
        f = dnssd_file_set_find(&s, "sftp-ssh.service");
        ck_assert_ptr_nonnull(f);
        ck_assert_msg(f->error == 0, "%s", f->message);
        ck_assert_str_eq(f->group->services[0].type, "_sftp-ssh._tcp");
        ck_assert_uint_eq(f->group->services[0].port, 22);
        ck_assert(dnssd_group_uses_host_name(f->group));
        dnssd_file_set_done(&s);
}
END_TEST

int main(void) {
        Suite *s = suite_create("service-dir");
        TCase *tc = tcase_create("core");

        log_set_target(LOG_TARGET_NONE);
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_name_filter);
        tcase_add_test(tc, test_broken_among_good);
        tcase_add_test(tc, test_limit);
        tcase_add_test(tc, test_missing_and_empty);
        tcase_add_test(tc, test_change_detection);
        tcase_add_test(tc, test_shipped_examples);
        suite_add_tcase(s, tc);
        return unit_run(s);
}
