/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* STATE_DIR/ipv6ll-secret; see secret-key.h. */
#include "ipv6ll/secret-key.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

#define KEY_HEX_LEN (2 * RFC7217_SECRET_KEY_SIZE)

static int hex_digit(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* 0, -ENOENT, -EBADMSG (corrupt), or another -errno (logged). */
static int key_read(const char *path, uint8_t key[static RFC7217_SECRET_KEY_SIZE]) {
        char buf[KEY_HEX_LEN + 2];
        struct stat st;
        ssize_t n;
        int fd, r = 0;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0) {
                r = -errno;
                if (r != -ENOENT)
                        log_error("ipv6ll: cannot read the RFC 7217 secret key %s: %s", path, strerror(-r));
                return r;
        }
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                log_warning("ipv6ll: %s is not a regular file", path);
                close(fd);
                return -EBADMSG;
        }
        if (st.st_mode & 0077) {
                /* RFC 7217 §7: the key must stay secret */
                log_warning("ipv6ll: %s was readable by others (mode %03o); making it 0600", path,
                            (unsigned) (st.st_mode & 0777));
                if (fchmod(fd, 0600) < 0)
                        log_warning("ipv6ll: cannot chmod %s: %m", path);
        }
        n = read(fd, buf, sizeof buf);
        if (n < 0) {
                r = -errno;
                log_error("ipv6ll: cannot read the RFC 7217 secret key %s: %s", path, strerror(-r));
                close(fd);
                return r;
        }
        close(fd);
        /* exactly the hex digits, then one newline (or none) */
        if (n < KEY_HEX_LEN || n > KEY_HEX_LEN + 1 || (n == KEY_HEX_LEN + 1 && buf[KEY_HEX_LEN] != '\n'))
                r = -EBADMSG;
        for (size_t i = 0; r == 0 && i < RFC7217_SECRET_KEY_SIZE; i++) {
                int hi = hex_digit(buf[2 * i]), lo = hex_digit(buf[2 * i + 1]);

                if (hi < 0 || lo < 0)
                        r = -EBADMSG;
                else
                        key[i] = (uint8_t) (hi << 4 | lo);
        }
        explicit_bzero(buf, sizeof buf);
        return r;
}

static int key_random(uint8_t key[static RFC7217_SECRET_KEY_SIZE]) {
        size_t got = 0;

        while (got < RFC7217_SECRET_KEY_SIZE) {
                ssize_t n = getrandom(key + got, RFC7217_SECRET_KEY_SIZE - got, 0);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                got += (size_t) n;
        }
        return 0;
}

/* Make a key and link it to path; -EEXIST if someone else made one first. */
static int key_create(const char *state_dir, const char *path, uint8_t key[static RFC7217_SECRET_KEY_SIZE]) {
        static const char hex[] = "0123456789abcdef";
        char tmp[PATH_MAX], text[KEY_HEX_LEN + 1];
        int fd, r;

        if (snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", state_dir, SECRET_KEY_FILE_NAME) >= (int) sizeof tmp)
                return -ENAMETOOLONG;
        r = key_random(key);
        if (r < 0) {
                log_error("ipv6ll: getrandom failed: %s; no RFC 7217 secret key", strerror(-r));
                return r;
        }
        for (size_t i = 0; i < RFC7217_SECRET_KEY_SIZE; i++) {
                text[2 * i] = hex[key[i] >> 4];
                text[2 * i + 1] = hex[key[i] & 15];
        }
        text[KEY_HEX_LEN] = '\n';

        fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 */
        if (fd < 0) {
                r = -errno;
                log_error("ipv6ll: cannot create a file in %s for the RFC 7217 secret key: %s", state_dir,
                          strerror(-r));
                explicit_bzero(text, sizeof text);
                return r;
        }
        errno = 0;
        if (fchmod(fd, 0600) < 0 || write(fd, text, sizeof text) != (ssize_t) sizeof text || fsync(fd) < 0) {
                r = errno ? -errno : -EIO;
                log_error("ipv6ll: cannot write %s: %s", tmp, strerror(-r));
                close(fd);
                unlink(tmp);
                explicit_bzero(text, sizeof text);
                return r;
        }
        close(fd);
        explicit_bzero(text, sizeof text);
        /* link(), unlike rename(), never replaces: the first daemon to get here wins */
        if (link(tmp, path) < 0) {
                r = -errno;
                unlink(tmp);
                if (r != -EEXIST)
                        log_error("ipv6ll: cannot create %s: %s", path, strerror(-r));
                return r;
        }
        unlink(tmp);
        /* the new name survives a crash */
        fd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
                (void) fsync(fd);
                close(fd);
        }
        log_info("ipv6ll: created the RFC 7217 secret key %s", path);
        return 0;
}

int secret_key_load(const char *state_dir, bool create, uint8_t key[static RFC7217_SECRET_KEY_SIZE]) {
        char path[PATH_MAX], aside[PATH_MAX];
        int r;

        if (!state_dir || !key)
                return -EINVAL;
        if (snprintf(path, sizeof path, "%s/%s", state_dir, SECRET_KEY_FILE_NAME) >= (int) sizeof path ||
            snprintf(aside, sizeof aside, "%s.corrupt", path) >= (int) sizeof aside) {
                log_error("ipv6ll: state directory path too long: %s", state_dir);
                return -ENAMETOOLONG;
        }
        for (unsigned attempt = 0; attempt < 3; attempt++) {
                r = key_read(path, key);
                if (r == 0)
                        return 0;
                if (r == -EBADMSG) {
                        if (!create) {
                                log_warning("ipv6ll: the RFC 7217 secret key %s is corrupt; not using it", path);
                                return r;
                        }
                        log_warning("ipv6ll: the RFC 7217 secret key %s is corrupt: moving it to %s and making a "
                                    "new one (replacement link-local addresses will differ from earlier ones)",
                                    path, aside);
                        if (rename(path, aside) < 0 && errno != ENOENT) {
                                r = -errno;
                                log_error("ipv6ll: cannot move %s aside: %s", path, strerror(-r));
                                return r;
                        }
                } else if (r != -ENOENT)
                        return r;
                else if (!create)
                        return r;

                if (mkdir(state_dir, 0755) < 0 && errno != EEXIST) {
                        r = -errno;
                        log_error("ipv6ll: cannot create %s: %s", state_dir, strerror(-r));
                        return r;
                }
                r = key_create(state_dir, path, key);
                if (r != -EEXIST)
                        return r;
                /* another daemon made it first: read theirs */
        }
        return -EBUSY;
}
