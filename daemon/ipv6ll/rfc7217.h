/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RFC 7217 stable, semantically opaque interface identifiers. Pure: no I/O, no clock.
 *
 * RFC 7217 §5: RID = F(Prefix, Net_Iface, Network_ID, DAD_Counter, secret_key), with F =
 * SHA-256 (sha256.h) over this unambiguous encoding (every variable-length field carries its
 * length, so no two inputs hash the same bytes):
 *
 *     Prefix        8 bytes: the first 64 bits of the prefix (fe80:: for link-local)
 *     Net_Iface     1 byte length, then the interface name (no NUL)
 *     Network_ID    2 bytes length (big-endian), then the bytes (empty for link-local)
 *     DAD_Counter   4 bytes, big-endian
 *     secret_key    the key's bytes (RFC7217_SECRET_KEY_SIZE)
 *
 * and the interface identifier is the 64 least significant bits of the RID (RFC 7217 §5: "taking
 * as many bits from the RID value … as necessary, starting from the least significant bit"), i.e.
 * the last 8 bytes of the digest. A reserved identifier (RFC 5453 and the IANA registry it
 * created) or one already used on the interface is handled like a duplicate (RFC 7217 §5, last
 * paragraph, and §6): DAD_Counter is raised and the ID computed again. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 7217 §5: "at least 128 bits"; we keep 256. */
#define RFC7217_SECRET_KEY_SIZE 32
#define RFC7217_SECRET_KEY_MIN 16
/* Net_Iface is an interface name (IF_NAMESIZE - 1 at most in practice). */
#define RFC7217_NET_IFACE_MAX 255
#define RFC7217_NETWORK_ID_MAX 1024
/* Reserved or taken identifiers skipped in a row before rfc7217_generate() gives up. Each skip
 * has a probability of about 2^-40 for a reserved ID, so this bound is never reached unless the
 * caller's is_taken() says yes to everything. */
#define RFC7217_SKIP_MAX 16

struct rfc7217_input {
        struct in6_addr prefix; /* the first 64 bits are used; a /64 (RFC 4291 §2.5.1) */
        const char *net_iface;  /* Net_Iface: the interface name; not NULL, 1..255 bytes */
        const void *network_id; /* Network_ID: NULL or empty for link-local (RFC 7217 §5: optional) */
        size_t network_id_len;
        uint32_t dad_counter;   /* DAD_Counter: 0 for the first address, +1 for each conflict */
        const uint8_t *secret_key;
        size_t secret_key_len;  /* RFC7217_SECRET_KEY_MIN .. RFC7217_SECRET_KEY_SIZE */
};

/* The 64-bit interface identifier for exactly these inputs (no reserved-ID check). Returns 0 or
 * -EINVAL for inputs out of range. */
int rfc7217_interface_id(const struct rfc7217_input *in, uint8_t iid[static 8]);

/* RFC 5453 / IANA "Reserved IPv6 Interface Identifiers":
 *   0000:0000:0000:0000                       Subnet-Router Anycast (RFC 4291 §2.6.1)
 *   0200:5EFF:FE00:0000 – 0200:5EFF:FE00:5212 reserved, IANA Ethernet block (RFC 4291)
 *   0200:5EFF:FE00:5213                       Proxy Mobile IPv6 (RFC 6543)
 *   0200:5EFF:FE00:5214 – 0200:5EFF:FEFF:FFFF reserved, IANA Ethernet block (RFC 4291)
 *   FDFF:FFFF:FFFF:FF80 – FDFF:FFFF:FFFF:FFFF Reserved Subnet Anycast (RFC 2526) */
bool rfc7217_iid_is_reserved(const uint8_t iid[static 8]);

/* Returns true if the address (prefix + candidate ID) is already used on the interface. */
typedef bool (*rfc7217_taken_fn)(const struct in6_addr *addr, void *userdata);

/* The address for in->prefix, starting at in->dad_counter and raising the counter past reserved
 * and taken identifiers (at most RFC7217_SKIP_MAX times). is_taken may be NULL. On success
 * writes the address and the DAD_Counter that produced it and returns 0; -EINVAL for bad
 * inputs; -EADDRNOTAVAIL if every candidate within the bound was reserved or taken. */
int rfc7217_generate(const struct rfc7217_input *in, rfc7217_taken_fn is_taken, void *userdata,
                     struct in6_addr *ret_addr, uint32_t *ret_dad_counter);
