/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Answering queries for the host's own address records (RFC 6762 §6). Pure: a parsed query and
 * the receiving interface in, a response packet out. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"
#include "iface.h"

/* RFC 6762 §10: records containing a host name get a TTL of 120 s. */
#define MDNS_HOST_RECORD_TTL 120
/* RFC 6762 §6.7: legacy unicast responses carry a TTL of at most 10 s. */
#define MDNS_LEGACY_UNICAST_TTL 10

struct respond_query {
        const struct dns_msg *msg;
        bool legacy;  /* RFC 6762 §6.7: source port is not 5353 */
};

struct respond_result {
        size_t len;   /* bytes in the packet; 0 = nothing to send */
        bool unicast; /* send to the querier's address and port instead of the group */
};

/* Build the answer to `query` for the A/AAAA records of `host` on interface `i` (only usable
 * addresses: RFC 4862 tentative and dadfailed ones are never answered). The packet is at most
 * `size` bytes (the caller passes the link MTU less IP/UDP headers). Returns 0 or -errno. */
int respond_host_query(const struct respond_query *query, const struct dns_name *host, const struct iface *i,
                       uint8_t *buf, size_t size, struct respond_result *ret);
