/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host's mDNS name: made a legal single label from the system host name, and the
 * alternative names tried after a conflict (RFC 6762 §9: "host" → "host-2" → "host-3"). */
#pragma once

#include <stddef.h>

#define HOST_NAME_LABEL_MAX 63
#define HOST_NAME_FALLBACK "linux"

/* Make a legal host label from any string: the first label only (up to the first dot), letters,
 * digits and hyphens, other bytes mapped to '-', no leading or trailing hyphen, at most 63 bytes.
 * An input that leaves nothing gives HOST_NAME_FALLBACK. Returns 0, or -EINVAL if size < 64. */
int host_name_make_label(const char *in, char *out, size_t size);

/* "host" → "host-2", "host-2" → "host-3", "host-99" → "host-100"; the result stays within 63
 * bytes by shortening the base. Returns 0, or -EINVAL on a bad input or size < 64. */
int host_name_alternative(const char *in, char *out, size_t size);
