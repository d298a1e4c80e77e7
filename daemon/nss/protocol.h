/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NSS socket protocol: how libnss_zeroconf (in every process that resolves a name) asks the
 * daemon. One connection, one request line, one reply line, then the daemon closes. Text, so that
 * it can be read in a trace; bounded, so that neither side ever allocates for the other.
 *
 *   request  "NAME <family> <name>\n"   family: "4", "6" or "*" (both); name: a host name in
 *                                       .local, presentation form without escapes
 *            "ADDR <address>\n"         an IPv4 or IPv6 address, no scope
 *   reply    "+ <name> <address>...\n"  found: the host name, then 1 to NSS_ADDRESSES_MAX
 *                                       addresses; an IPv6 link-local address carries its
 *                                       interface index ("fe80::1%2")
 *            "-\n"                      nobody answered in time (not found)
 *            "! <reason>\n"             the request was refused (malformed, too many clients)
 *
 * A request is at most NSS_REQUEST_MAX bytes with its newline, a reply NSS_REPLY_MAX. Names are
 * checked the same way on both sides (nss_name_check()): UTF-8, 1 to 63 bytes a label, at most
 * 253 bytes, no empty label, no byte below 0x21 nor 0x7f, no backslash, the last label "local".
 *
 * This file is pure (libc only): the NSS module links it without the rest of the daemon. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NSS_REQUEST_MAX 512
#define NSS_REPLY_MAX 2048
#define NSS_ADDRESSES_MAX 16
#define NSS_NAME_MAX 253 /* presentation form, without the trailing dot */

enum nss_query {
        NSS_QUERY_NAME,    /* name → addresses */
        NSS_QUERY_ADDRESS, /* address → name */
};

struct nss_address {
        int family; /* AF_INET or AF_INET6 */
        union {
                struct in_addr in;
                struct in6_addr in6;
        } a;
        uint32_t scope; /* the interface of an IPv6 link-local address; 0 otherwise */
};

struct nss_request {
        enum nss_query query;
        int family;                   /* NAME: AF_UNSPEC (both), AF_INET, AF_INET6 */
        char name[NSS_NAME_MAX + 1];  /* NAME */
        struct nss_address addr;      /* ADDRESS (scope 0) */
};

enum nss_reply_status {
        NSS_REPLY_FOUND,
        NSS_REPLY_NOT_FOUND,
        NSS_REPLY_REFUSED,
};

struct nss_reply {
        enum nss_reply_status status;
        char name[NSS_NAME_MAX + 1];
        size_t n_addrs;
        struct nss_address addrs[NSS_ADDRESSES_MAX];
};

/* 0: a host name we resolve; -EINVAL: malformed; -ENOENT: well formed but not in .local. */
int nss_name_check(const char *name, size_t len);
/* Whether the address is link-local: 169.254/16 or fe80::/10. */
bool nss_address_is_link_local(const struct nss_address *a);

/* The line without its newline; 0 or -EINVAL. */
int nss_request_parse(const char *line, size_t len, struct nss_request *ret);
/* The line with its newline: its length, or -EINVAL (bad request), -ENOBUFS (size). */
int nss_request_format(const struct nss_request *r, char *buf, size_t size);
int nss_reply_parse(const char *line, size_t len, struct nss_reply *ret);
/* Addresses past NSS_ADDRESSES_MAX are dropped. A reason is one of a few fixed words. */
int nss_reply_format(const struct nss_reply *r, const char *reason, char *buf, size_t size);
