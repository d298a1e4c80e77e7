/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Dropping privileges after start-up. See privileges.h. Raw capget/capset and prctl: no libcap. */
#include "privileges.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

int privileges_lookup(struct privileges_target *t, const char *user) {
        struct passwd *pw;

        memset(t, 0, sizeof *t);
        t->user = user;
        errno = 0;
        pw = getpwnam(user);
        if (!pw) {
                /* "not found" may come back as 0, ENOENT, ESRCH, EBADF or EPERM (getpwnam(3)) */
                if (errno == 0 || errno == ENOENT || errno == ESRCH || errno == EBADF || errno == EPERM)
                        return 0;
                return -errno;
        }
        t->uid = pw->pw_uid;
        t->gid = pw->pw_gid;
        t->found = true;
        return 0;
}

static bool will_switch_user(const struct privileges_target *t) {
        return geteuid() == 0 && t->found && t->uid != 0;
}

int privileges_prepare_dir(const struct privileges_target *t, const char *path, mode_t mode) {
        struct stat st;

        if (mkdir(path, mode) < 0) {
                int r = -errno;

                if (r != -EEXIST) {
                        log_error("cannot create %s: %s", path, strerror(-r));
                        return r;
                }
        } else if (chmod(path, mode) < 0) /* not the umask's: others must reach the NSS socket */
                log_warning("cannot set the mode of %s: %s", path, strerror(errno));
        if (!will_switch_user(t))
                return 0;
        if (stat(path, &st) < 0) {
                int r = -errno;

                log_error("cannot read %s: %s", path, strerror(-r));
                return r;
        }
        if (!S_ISDIR(st.st_mode)) {
                log_error("%s is not a folder", path);
                return -ENOTDIR;
        }
        /* Only a folder of root's that nobody else may write (not /tmp, not /) is handed over. */
        if (st.st_uid == 0 && !(st.st_mode & (S_IWGRP | S_IWOTH)) && strcmp(path, "/") != 0) {
                if (chown(path, t->uid, t->gid) < 0) {
                        int r = -errno;

                        log_error("cannot give %s to user %s: %s", path, t->user, strerror(-r));
                        return r;
                }
        } else if (st.st_uid != t->uid)
                log_warning("%s belongs to uid %u, not to %s: the daemon may not be able to write there",
                            path, (unsigned) st.st_uid, t->user);
        return 0;
}

static int cap_get(struct __user_cap_data_struct data[2]) {
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };

        if (syscall(SYS_capget, &h, data) < 0)
                return -errno;
        return 0;
}

static int cap_set(uint64_t permitted, uint64_t effective) {
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
        struct __user_cap_data_struct data[2] = {
                { .effective = (uint32_t) effective, .permitted = (uint32_t) permitted, .inheritable = 0 },
                { .effective = (uint32_t) (effective >> 32), .permitted = (uint32_t) (permitted >> 32),
                  .inheritable = 0 },
        };

        if (syscall(SYS_capset, &h, data) < 0)
                return -errno;
        return 0;
}

/* Remove every capability but the kept ones from the bounding set (needs CAP_SETPCAP). */
static int drop_bounding_set(void) {
        for (unsigned long c = 0; c < 64; c++) {
                if (PRIVILEGES_KEPT_MASK & (1ULL << c))
                        continue;
                if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) < 0) {
                        if (errno == EINVAL)
                                break; /* past the kernel's last capability */
                        return -errno;
                }
                if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
                        return -errno;
        }
        return 0;
}

int privileges_drop(const struct privileges_target *t) {
        struct __user_cap_data_struct data[2];
        bool switch_user = will_switch_user(t), was_root = geteuid() == 0;
        uint64_t permitted, effective, inheritable;
        int r;

        r = cap_get(data);
        if (r < 0) {
                log_error("cannot read our capabilities: %s", strerror(-r));
                return r;
        }
        permitted = (uint64_t) data[0].permitted | ((uint64_t) data[1].permitted << 32);
        effective = (uint64_t) data[0].effective | ((uint64_t) data[1].effective << 32);
        inheritable = (uint64_t) data[0].inheritable | ((uint64_t) data[1].inheritable << 32);

        if (permitted & (1ULL << CAP_SETPCAP)) {
                r = drop_bounding_set();
                if (r < 0) {
                        log_error("cannot reduce the capability bounding set: %s", strerror(-r));
                        return r;
                }
        }
        if (switch_user) {
                /* keep the permitted set across setuid, then give up the identity of root */
                if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || setgroups(0, NULL) < 0 ||
                    setresgid(t->gid, t->gid, t->gid) < 0 || setresuid(t->uid, t->uid, t->uid) < 0) {
                        r = -errno;
                        log_error("cannot become user %s: %s", t->user, strerror(-r));
                        return r;
                }
                if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) {
                        r = -errno;
                        log_error("cannot clear keep-capabilities: %s", strerror(-r));
                        return r;
                }
        }
        /* Started by systemd with exactly the two (ambient) capabilities there is nothing to set,
         * and no capset() call for a system call filter to refuse. */
        if (switch_user || (permitted & ~PRIVILEGES_KEPT_MASK) || effective != (permitted & PRIVILEGES_KEPT_MASK) ||
            inheritable != 0) {
                permitted &= PRIVILEGES_KEPT_MASK;
                r = cap_set(permitted, permitted);
                if (r < 0) {
                        log_error("cannot set our capabilities: %s", strerror(-r));
                        return r;
                }
        }
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
                r = -errno;
                log_error("cannot clear the ambient capabilities: %s", strerror(-r));
                return r;
        }
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
                r = -errno;
                log_error("cannot set no_new_privs: %s", strerror(-r));
                return r;
        }
        if (switch_user || !was_root) {
                /* the drop must be for good */
                if (setresuid(0, 0, 0) == 0) {
                        log_error("could become root again after dropping privileges");
                        return -EPERM;
                }
        }
        if ((permitted & PRIVILEGES_KEPT_MASK) != PRIVILEGES_KEPT_MASK)
                log_warning("running without %s%s%s: %s", permitted & (1ULL << CAP_NET_RAW) ? "" : "CAP_NET_RAW",
                            (permitted & PRIVILEGES_KEPT_MASK) == 0 ? " and " : "",
                            permitted & (1ULL << CAP_NET_ADMIN) ? "" : "CAP_NET_ADMIN",
                            "IPv4 link-local addresses cannot be claimed");
        log_info("running as uid %u gid %u, capabilities: CAP_NET_RAW and CAP_NET_ADMIN at most, no_new_privs",
                 (unsigned) getuid(), (unsigned) getgid());
        return 0;
}
