/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mDNS edge: the two sockets, group membership per interface, receive → validate → core →
 * send. Protocol decisions live in the cores (respond.c, …); this file only moves packets. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "iface.h"
#include "loop.h"

struct mdns_stats {
        uint64_t rx_packets;
        uint64_t rx_malformed;   /* failed to parse: dropped */
        uint64_t rx_oversize;    /* larger than RFC 6762 §17's 9000 bytes: dropped */
        uint64_t rx_offlink;     /* RFC 6762 §11: source not on the receiving link: dropped */
        uint64_t rx_unknown_if;  /* arrived on an interface we do not serve: dropped */
        uint64_t rx_own;         /* our own packets looped back */
        uint64_t tx_packets;
        uint64_t tx_errors;
};

struct mdns_config {
        const char *host_label; /* a legal label: see host-name.h */
        bool use_ipv4, use_ipv6;
};

struct mdns;

int mdns_new(struct mdns **ret, struct loop *l, const struct iface_table *ifaces, const struct mdns_config *cfg);
void mdns_free(struct mdns *m);

/* The interface changed (link state, addresses) or is new: `serve` says whether mDNS should run
 * on it (capable and allowed by the configuration). */
void mdns_iface_update(struct mdns *m, struct iface *i, bool serve);
/* The interface is about to vanish from the table. */
void mdns_iface_remove(struct mdns *m, struct iface *i);

const struct mdns_stats *mdns_get_stats(const struct mdns *m);
const char *mdns_get_host_name(const struct mdns *m); /* "host.local" */
