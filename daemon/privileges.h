/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Privileges: after start-up zeroconfd runs as its own user and keeps only CAP_NET_RAW (ARP
 * sockets of IPv4 link-local) and CAP_NET_ADMIN (adding and removing addresses through netlink),
 * with no_new_privs set and every other capability gone from the bounding set. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* What the daemon keeps: CAP_NET_ADMIN (12) and CAP_NET_RAW (13). */
#define PRIVILEGES_KEPT_MASK ((1ULL << 12) | (1ULL << 13))

struct privileges_target {
        const char *user; /* the user to become; "root": stay root (capabilities are still reduced) */
        uid_t uid;
        gid_t gid;
        bool found; /* the user exists */
};

/* Look the user up (before anything is dropped: NSS may need files root can read). Returns 0
 * (t->found tells whether it exists) or a negative errno for a lookup error. */
int privileges_lookup(struct privileges_target *t, const char *user);

/* Make the folder exist and, when we are root and it belongs to root, hand it to the target
 * user so that the daemon can write its files there after the drop (the PID file, the NSS socket,
 * the state files). */
int privileges_prepare_dir(const struct privileges_target *t, const char *path, mode_t mode);

/* Drop: as root, become t's user (when found and not root) keeping only CAP_NET_RAW and
 * CAP_NET_ADMIN; when started without root (systemd's User= with AmbientCapabilities=), keep
 * only those of what we have. Either way no_new_privs is set and the ambient set cleared.
 * Returns 0 or a negative errno (the daemon must then stop: it is in an unknown state). */
int privileges_drop(const struct privileges_target *t);
