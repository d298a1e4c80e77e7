/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host's own records, published through the registry in one entry group:
 *   <host>.local A / AAAA   one per usable address of each interface, on that interface only
 *                           (RFC 4862: tentative and dadfailed addresses are not ours yet; a
 *                           deprecated one only while no preferred one of its family exists:
 *                           iface_addr_is_published());
 *   reverse-mapping PTRs    <addr>.in-addr.arpa / ip6.arpa → <host>.local, same scope, unique
 *                           but not probed (our own addresses: unique by other means, §8.1);
 *   <host>.local HINFO      optional, on every interface.
 * They follow address changes live (a new address is announced, a removed one gets a goodbye,
 * §8.4, §10.1). On losing the host name (RFC 6762 §9) the group is renamed "host" → "host-2" →
 * "host-3" (host_name_alternative()) and probed again; each rename is logged once with the
 * peer's address. */
#pragma once

#include <stdbool.h>

#include "iface.h"
#include "mdns/registry.h"

struct host_records;

struct host_records_config {
        const char *label;               /* a legal host label (host_name_make_label()) */
        const char *hinfo_cpu, *hinfo_os; /* both set: publish HINFO */
        bool no_reverse;                 /* do not publish reverse-mapping PTRs */
        /* after each change of the published name ("host-2.local"); optional */
        void (*renamed)(void *userdata, const char *name);
        void *userdata;
};

int host_records_new(struct host_records **ret, struct registry *r, const struct host_records_config *cfg,
                     usec_t now);
/* Frees the group (goodbyes for what was published). */
void host_records_free(struct host_records *h, usec_t now);

/* Make the published addresses of interface i match its usable addresses (none if !serve). */
void host_records_sync_iface(struct host_records *h, const struct iface *i, bool serve, usec_t now);
/* The interface is gone. */
void host_records_remove_iface(struct host_records *h, int ifindex, usec_t now);

/* The administrator renames the host (D-Bus SetHostName): the records under the old name get
 * their goodbyes (RFC 6762 §10.1) and the new name is probed and announced (§8), then the
 * `renamed` callback runs. `label` must be a legal label (host_name_make_label()). 0 (also when
 * the name is the current one: nothing happens), -EINVAL. */
int host_records_set_label(struct host_records *h, const char *label, usec_t now);
const char *host_records_get_name(const struct host_records *h); /* "host.local" */
const struct dns_name *host_records_get_dns_name(const struct host_records *h);
enum reg_group_state host_records_get_state(const struct host_records *h);
unsigned host_records_get_renames(const struct host_records *h);
size_t host_records_get_n_addresses(const struct host_records *h);

/* "4.3.254.169.in-addr.arpa" / nibble "….ip6.arpa" for an address. -EAFNOSUPPORT. */
int host_records_reverse_name(int family, const union in_addr_union *a, struct dns_name *ret);
