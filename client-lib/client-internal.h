/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals of libzeroconf-client shared with the unit tests (tests/unit/test-client.c links the
 * convenience library; the installed library exports zc_* only, see libzeroconf-client.sym). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "zeroconf/client.h"

/* A D-Bus error name ("org.zeroconfd1.Error.InvalidName", "org.freedesktop.DBus.Error.NoReply")
 * as a negative errno; -EIO for a name we do not know. */
int zc__errno_from_dbus_error(const char *name);
/* 0 if s is a string the library may send (valid UTF-8, at most ZC_STRING_MAX octets), else
 * -EINVAL. NULL is -EINVAL unless allow_null. */
int zc__check_string(const char *s, bool allow_null);
/* 0 if txt (NULL-terminated, may be NULL) fits RFC 6763 §6 as the daemon takes it, else -EINVAL. */
int zc__check_txt(const char *const *txt);
/* 0 for ZC_IF_UNSPEC or an index ≥ 1, and a protocol of -1, 0 or 1; else -EINVAL. */
int zc__check_interface_protocol(int interface, int protocol);
/* "established" → ZC_ENTRY_GROUP_ESTABLISHED; an unknown string is ZC_ENTRY_GROUP_FAILURE. */
zc_entry_group_state zc__entry_group_state_from_string(const char *s);
