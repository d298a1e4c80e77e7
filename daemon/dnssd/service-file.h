/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Service files: the XML format of zeroconfd.service(5) (Avahi's avahi-service.dtd plus an
 * `interface` attribute), parsed with expat into a struct dnssd_group and validated per RFC 6763.
 * A file is accepted or rejected as a whole; the first problem is reported as
 * "FILE:LINE:COLUMN: what is wrong" (LINE and COLUMN from 1). No I/O here: see service-dir.h. */
#pragma once

#include <stddef.h>

#include "dnssd/service.h"

/* A service file is at most this large (a typical one is 300 bytes). */
#define DNSSD_SERVICE_FILE_SIZE_MAX (64 * 1024)
/* The text of one element is at most this long (a 255-byte TXT string in base64 is 340). */
#define DNSSD_ELEMENT_TEXT_MAX 1024
/* Warnings kept per file; more are counted in the last one. */
#define DNSSD_WARNINGS_MAX 16

/* Parse and validate `size` bytes as the contents of `filename` (used in messages only).
 * Returns 0 and a new group in *ret (free with dnssd_group_free(); warnings in ->warnings), or a
 * negative errno with *ret NULL and *ret_error set to a malloc'ed "FILE:LINE:COLUMN: ..." message
 * (NULL only on -ENOMEM): -EINVAL for a bad file, -EFBIG for one over
 * DNSSD_SERVICE_FILE_SIZE_MAX, -ENOMEM. */
int dnssd_service_file_parse(const char *filename, const void *data, size_t size, struct dnssd_group **ret,
                             char **ret_error);
