/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The RFC 7217 secret key (RFC 7217 §5 secret_key; §7: keep it secret, and stable so that the
 * addresses are), kept in STATE_DIR/ipv6ll-secret.
 *
 * The file holds RFC7217_SECRET_KEY_SIZE bytes from getrandom() as lower-case hex on one line,
 * mode 0600, owned by the daemon. It is created once, atomically: written to a private temporary
 * file, flushed, then link()ed to its name, so that a reader never sees half a key and two
 * daemons starting at once end with the same key (the loser of the link() race reads the
 * winner's). It is never rewritten while it is valid.
 *
 * A corrupt file (not exactly one line of 2 * RFC7217_SECRET_KEY_SIZE hex digits) cannot be
 * repaired: it is logged, moved aside to ipv6ll-secret.corrupt (for the administrator), and a
 * new key is made. Addresses generated from the old key then change: a replacement link-local
 * address made before is no longer recognised as ours (it stays configured, reported as manual)
 * and the next replacement differs from the old one. Only links whose link-local address failed
 * DAD ever carry such an address, so this touches nothing else. A group- or world-readable file
 * is logged and made 0600. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "ipv6ll/rfc7217.h"

#define SECRET_KEY_FILE_NAME "ipv6ll-secret"

/* Read the key from state_dir; if it is missing (or corrupt) and create is set, make one (and
 * state_dir, mode 0755, if needed). Returns 0, -ENOENT (missing and !create), or another
 * -errno; logs its failures. */
int secret_key_load(const char *state_dir, bool create, uint8_t key[static RFC7217_SECRET_KEY_SIZE]);
