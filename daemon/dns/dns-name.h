/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Domain names in uncompressed wire form (RFC 1035 §3.1): conversions, comparison, hashing.
 * No I/O, no allocation. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_LABEL_MAX 63  /* RFC 1035 §2.3.4 */
#define DNS_NAME_MAX 255  /* RFC 1035 §2.3.4: wire octets including the root label */
/* RFC 1035 §2.3.4 bounds a name to 127 labels (each >= 2 wire octets, plus the root) */
#define DNS_NAME_LABELS_MAX ((DNS_NAME_MAX - 1) / 2)
/* Worst case of dns_name_to_text(): every content octet as "\DDD", every length octet as a dot
 * (one fewer), plus the NUL. */
#define DNS_NAME_TEXT_MAX (4 * (DNS_NAME_MAX - 1) + 1)
/* A single label as text: 63 octets, each up to 4 characters, plus the NUL. */
#define DNS_LABEL_TEXT_MAX (4 * DNS_LABEL_MAX + 1)

/* Uncompressed wire form, case preserved: <len><octets>... <0>. `len` counts every octet
 * including the terminating root label. A zeroed struct (len == 0) reads as the root name. */
struct dns_name {
        uint8_t len;
        uint8_t data[DNS_NAME_MAX];
};

#define DNS_NAME_ROOT ((struct dns_name) { .len = 1 })

void dns_name_set_root(struct dns_name *n);
bool dns_name_is_root(const struct dns_name *n);

/* Presentation form → wire form. "host.local", "My\.Name._ipp._tcp.local", "\\" and "\DDD"
 * escapes, "\X" is a literal X (RFC 1035 §5.1); trailing dot optional; "" and "." are the root.
 * -EINVAL: empty label or bad escape; -EMSGSIZE: label > 63 or name > 255 octets. On error *n is
 * left unchanged. */
int dns_name_from_text(struct dns_name *n, const char *text);

/* Wire form → escaped presentation form without the trailing dot ("." for the root). '.' and '\'
 * are escaped with a backslash, control octets (< 0x20, 0x7f) as \DDD; everything else (space,
 * UTF-8) is kept as is, so that instance names stay readable. dns_name_from_text() of the result
 * gives back the same octets. Returns the text length or -ENOBUFS. A buffer of
 * DNS_NAME_TEXT_MAX always suffices. */
int dns_name_to_text(const struct dns_name *n, char *buf, size_t size);

/* Raw labels, no escaping (instance names with dots, RFC 6763 §4.3). Each label 1..63 octets:
 * -EINVAL for an empty label, -EMSGSIZE for too long. */
int dns_name_from_labels(struct dns_name *n, const char *const *labels, size_t n_labels);

/* Insert a raw label just before the root. -EINVAL empty, -EMSGSIZE too long; *n unchanged on
 * error. */
int dns_name_append_label(struct dns_name *n, const void *label, size_t len);
/* n = n + suffix. -EMSGSIZE if the result is longer than 255 octets; *n unchanged on error. */
int dns_name_append_name(struct dns_name *n, const struct dns_name *suffix);

/* Parse one uncompressed name at the start of buf (canonical rdata). Returns the octets used or
 * -EBADMSG (compression pointer, bad label type, too long, runs past the end). */
int dns_name_from_wire(struct dns_name *n, const void *buf, size_t size);
/* Whether n is a well-formed uncompressed name (our invariant; a zeroed struct counts as root). */
bool dns_name_is_valid(const struct dns_name *n);

/* ASCII case-insensitive (RFC 1034 §3.1, RFC 6762 §16). */
bool dns_name_equal(const struct dns_name *a, const struct dns_name *b);
/* Total order consistent with dns_name_equal(): the canonical order of RFC 4034 §6.1
 * (rightmost label first, labels compared as lower-cased unsigned octets). */
int dns_name_compare(const struct dns_name *a, const struct dns_name *b);
/* Whether suffix matches the last labels of n, case-insensitively. The root is a suffix of
 * every name. */
bool dns_name_endswith(const struct dns_name *n, const struct dns_name *suffix);
/* Labels excluding the root: "host.local" → 2, root → 0. */
unsigned dns_name_label_count(const struct dns_name *n);
/* Raw octets of the first label, NUL-terminated. Returns the label length (a label may contain
 * NUL octets: compare the return value with strlen() if that matters), 0 for the root, or
 * -ENOBUFS. */
int dns_name_first_label(const struct dns_name *n, char *buf, size_t size);
/* The name with its first `skip` labels removed ("a.b.local", 1 → "b.local"). -EINVAL when the
 * name has fewer labels than `skip`. ret may equal n. */
int dns_name_suffix(const struct dns_name *n, unsigned skip, struct dns_name *ret);
/* Case-insensitive FNV-1a over the wire form, for hash tables (equal names hash equally). */
uint32_t dns_name_hash(const struct dns_name *n);
