/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Resource records (RFC 1035 §3.2, §4.1.3) with canonical rdata: typed accessors and builders,
 * equality, the RFC 6762 §8.2 canonical order, and a one-line text form. No I/O. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns-name.h"

enum {
        DNS_TYPE_A = 1,
        DNS_TYPE_NS = 2,
        DNS_TYPE_CNAME = 5,
        DNS_TYPE_SOA = 6,
        DNS_TYPE_PTR = 12,
        DNS_TYPE_HINFO = 13,
        DNS_TYPE_MX = 15,
        DNS_TYPE_TXT = 16,
        DNS_TYPE_AAAA = 28,
        DNS_TYPE_SRV = 33,
        DNS_TYPE_OPT = 41,
        DNS_TYPE_NSEC = 47,
        DNS_TYPE_ANY = 255,
};

#define DNS_CLASS_IN 1
#define DNS_CLASS_ANY 255
/* RFC 6762 §10.2: cache-flush bit in RRs; §5.4: unicast-response (QU) bit in questions */
#define MDNS_CLASS_TOP_BIT 0x8000
/* RFC 1035 §3.3: <character-string> is at most 255 octets after its length octet */
#define DNS_CHARSTRING_MAX 255

struct dns_question {
        struct dns_name name;
        uint16_t type;
        uint16_t qclass;       /* without the top bit */
        bool unicast_response; /* RFC 6762 §5.4: QU */
};

struct dns_rr {
        struct dns_name name;
        uint16_t type;
        uint16_t rclass;  /* without the top bit */
        bool cache_flush; /* RFC 6762 §10.2 */
        uint32_t ttl;
        uint16_t rdlength;
        /* Canonical: names inside rdata UNCOMPRESSED (PTR, CNAME, NS, SRV target, NSEC next name,
         * and the other RFC 3597 §4 types), case preserved. */
        uint8_t *rdata;
};

/* Whether rdata is well-formed canonical rdata for the type (types this module does not know are
 * opaque and always valid; A must be 4 octets, AAAA 16, names uncompressed and ending exactly at
 * the end, TXT one or more strings, HINFO exactly two, NSEC bitmap windows per RFC 4034 §4.1.2).
 * 0 or -EBADMSG. Use it on rdata from outside (D-Bus) before dns_rr_new(). */
int dns_rdata_validate(uint16_t type, const uint8_t *rdata, size_t len);

/* Typed accessors: -EINVAL if the record has another type, -EBADMSG if its rdata is malformed. */
int dns_rdata_get_a(const struct dns_rr *rr, struct in_addr *a);
int dns_rdata_get_aaaa(const struct dns_rr *rr, struct in6_addr *a);
int dns_rdata_get_name(const struct dns_rr *rr, struct dns_name *n); /* PTR, CNAME, NS (and DNAME) */
struct dns_srv {
        uint16_t priority, weight, port;
        struct dns_name target;
};
int dns_rdata_get_srv(const struct dns_rr *rr, struct dns_srv *srv);
/* NSEC (RFC 4034 §4.1): the next name; and whether `type` is set in the bitmap (1/0). */
int dns_rdata_get_nsec(const struct dns_rr *rr, struct dns_name *next);
int dns_rdata_nsec_has_type(const struct dns_rr *rr, uint16_t type);

/* Builders write canonical rdata into buf and return its length, or -ENOBUFS (-EINVAL for
 * arguments that cannot be encoded). */
int dns_rdata_build_name(uint8_t *buf, size_t size, const struct dns_name *n);
int dns_rdata_build_srv(uint8_t *buf, size_t size, const struct dns_srv *srv);
/* RFC 1035 §3.3.2: two <character-string>s; -EINVAL if one is longer than 255 octets. */
int dns_rdata_build_hinfo(uint8_t *buf, size_t size, const char *cpu, const char *os);
/* RFC 4034 §4.1.2 type bitmaps for any types (unsorted, duplicates allowed); the RFC 6762 §6.1
 * restricted form falls out when all types are < 256. The next name is written uncompressed. */
int dns_rdata_build_nsec(uint8_t *buf, size_t size, const struct dns_name *next, const uint16_t *types,
                         size_t n_types);
/* TXT from NUL-terminated strings; no strings gives the single zero octet (RFC 6763 §6.1).
 * -EINVAL if one is longer than 255 octets. */
int dns_rdata_build_txt(uint8_t *buf, size_t size, const char *const *strings, size_t n_strings);

/* TXT (RFC 1035 §3.3.14): a non-empty sequence of <len><octets>, each fully inside len.
 * Returns the number of strings (>= 1) or -EBADMSG. */
int dns_txt_validate(const uint8_t *rdata, size_t len);
/* Append one binary string to TXT rdata being built in buf, `used` octets so far. Returns the
 * new length, -ENOBUFS, or -EINVAL if len > 255. */
int dns_txt_append(uint8_t *buf, size_t size, size_t used, const void *s, size_t len);
/* Iterate TXT strings: returns 1 with *s and *len set, 0 at the end, -EBADMSG if malformed. */
struct dns_txt_iter {
        const uint8_t *p, *end;
};
void dns_txt_iter_init(struct dns_txt_iter *it, const uint8_t *rdata, size_t len);
int dns_txt_iter_next(struct dns_txt_iter *it, const uint8_t **s, size_t *len);

/* Heap record: one allocation holding the struct and a copy of its rdata. NULL on ENOMEM. The
 * rdata is copied as given: validate outside input with dns_rdata_validate() first. */
struct dns_rr *dns_rr_new(const struct dns_name *name, uint16_t type, uint16_t rclass, bool cache_flush,
                          uint32_t ttl, const void *rdata, uint16_t rdlength);
struct dns_rr *dns_rr_dup(const struct dns_rr *rr);
void dns_rr_free(struct dns_rr *rr);

/* Same name (case-insensitively), type, class and rdata (names inside rdata compared
 * case-insensitively); ttl and cache_flush are ignored. */
bool dns_rr_equal(const struct dns_rr *a, const struct dns_rr *b);
bool dns_rdata_equal(const struct dns_rr *a, const struct dns_rr *b);
/* RFC 6762 §8.2: class (without the top bit), then type, then the raw uncompressed rdata as
 * unsigned octets, a proper prefix being the lesser. <0, 0, >0. The owner name is not compared. */
int dns_rr_compare_canonical(const struct dns_rr *a, const struct dns_rr *b);
/* RFC 6762 §8.2 for several records: each set in canonical order, compared pairwise; when one
 * runs out first the one with records remaining is greater. No allocation; O(n²). */
int dns_rrset_compare_canonical(const struct dns_rr *const *a, size_t na, const struct dns_rr *const *b,
                                size_t nb);

/* One line for logs: "host.local. 120 IN A 169.254.3.4". Unknown types and malformed rdata print
 * as RFC 3597 §5 "\# <len> <hex>". Returns the length or -ENOBUFS (buf then holds a truncated,
 * NUL-terminated line if size > 0). */
int dns_rr_to_text(const struct dns_rr *rr, char *buf, size_t size);
/* Space for any dns_rr_to_text() line whose rdata is at most `rdlength` octets (an NSEC bitmap
 * octet can name 8 types of up to 10 characters each, hence the 80). For logs a ~1 KiB buffer and
 * a truncated line are usually the better trade. */
#define DNS_RR_TEXT_MAX(rdlength) (DNS_NAME_TEXT_MAX + 64 + 80 * (size_t) (rdlength))

/* "A", "AAAA", ...; NULL for types without a mnemonic (print "TYPE%u", RFC 3597 §5). */
const char *dns_type_to_string(uint16_t type);
/* Mnemonic (case-insensitive) or "TYPEnnn" → type, or -EINVAL. */
int dns_type_from_string(const char *s);
