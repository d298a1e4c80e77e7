/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdns/announce.h"

#include <errno.h>
#include <string.h>

#include "log.h"

uint32_t announce_default_ttl(const struct dns_rr *rr) {
        static struct dns_name in_addr_arpa, ip6_arpa;
        static bool init;

        if (!init) {
                (void) dns_name_from_text(&in_addr_arpa, "in-addr.arpa");
                (void) dns_name_from_text(&ip6_arpa, "ip6.arpa");
                init = true;
        }
        switch (rr->type) {
        case DNS_TYPE_A:
        case DNS_TYPE_AAAA:
        case DNS_TYPE_HINFO:
        case DNS_TYPE_SRV:
                return MDNS_TTL_HOST_NAME;
        case DNS_TYPE_PTR:
                /* RFC 6762 §10: a reverse-mapping PTR holds a host name */
                if (dns_name_endswith(&rr->name, &in_addr_arpa) || dns_name_endswith(&rr->name, &ip6_arpa))
                        return MDNS_TTL_HOST_NAME;
                return MDNS_TTL_OTHER;
        default:
                return MDNS_TTL_OTHER;
        }
}

void announce_init(struct announce *a) {
        *a = (struct announce) { .n_sent = 0, .next = USEC_INFINITY };
}

void announce_start(struct announce *a, usec_t now) {
        a->n_sent = 0;
        a->next = now;
}

void announce_stop(struct announce *a) {
        a->next = USEC_INFINITY;
}

bool announce_due(const struct announce *a, usec_t now) {
        return a->next != USEC_INFINITY && now >= a->next;
}

bool announce_pending(const struct announce *a) {
        return a->next != USEC_INFINITY;
}

bool announce_sent(struct announce *a, usec_t now) {
        if (a->n_sent < UINT8_MAX)
                a->n_sent++;
        if (a->n_sent >= ANNOUNCE_NUM) {
                /* RFC 6762 §8.3: "MUST NOT send regular periodic announcements" */
                a->next = USEC_INFINITY;
                return true;
        }
        /* RFC 6762 §8.3: one second apart, the interval at least doubling with every response */
        a->next = now + (ANNOUNCE_INTERVAL << (a->n_sent - 1));
        return false;
}

usec_t announce_update_allowed_at(const struct announce_update_limiter *l, usec_t now) {
        usec_t oldest;

        /* RFC 6762 §8.4: ten updates per minute at most; the oldest of the last ten is in the
         * slot the next one takes. */
        if (l->n < MDNS_UPDATES_MAX)
                return now;
        oldest = l->times[l->next];
        return MAX(now, oldest + MDNS_UPDATE_INTERVAL);
}

void announce_update_add(struct announce_update_limiter *l, usec_t now) {
        l->times[l->next] = now;
        l->next = (l->next + 1) % MDNS_UPDATES_MAX;
        if (l->n < MDNS_UPDATES_MAX)
                l->n++;
}

static void packer_begin(struct announce_packer *p) {
        /* RFC 6762 §18: ID 0; QR and AA set, opcode 0, rcode 0, TC clear */
        dns_builder_init(&p->b, p->buf, p->max, 0, MDNS_FLAGS_RESPONSE);
        p->n = 0;
}

void announce_packer_init(struct announce_packer *p, uint8_t *buf, size_t max, bool goodbye, announce_emit_fn emit,
                          void *userdata) {
        p->buf = buf;
        p->max = max;
        p->goodbye = goodbye;
        p->emit = emit;
        p->userdata = userdata;
        p->n_packets = 0;
        p->n_dropped = 0;
        packer_begin(p);
}

static void packer_flush(struct announce_packer *p) {
        size_t len;

        if (p->n == 0)
                return;
        len = dns_builder_finish(&p->b);
        p->emit(p->userdata, p->buf, len);
        p->n_packets++;
        packer_begin(p);
}

bool announce_packer_contains(const struct announce_packer *p, const struct dns_rr *rr) {
        for (size_t k = 0; k < p->n; k++) {
                const struct dns_rr *x = p->in_packet[k];

                if (x == rr || (x->type == rr->type && dns_rr_equal(x, rr)))
                        return true;
        }
        return false;
}

static int packer_add_one(struct announce_packer *p, const struct dns_rr *rr) {
        int r;

        if (p->n >= ANNOUNCE_PACKET_RRS_MAX)
                return -EMSGSIZE;
        if (p->goodbye)
                /* RFC 6762 §10.1: TTL zero; §10.2: no cache-flush bit on a goodbye */
                r = dns_builder_add_rr_ttl(&p->b, DNS_SECTION_ANSWER, rr, 0, false);
        else
                r = dns_builder_add_rr(&p->b, DNS_SECTION_ANSWER, rr);
        if (r < 0)
                return r;
        p->in_packet[p->n++] = rr;
        return 0;
}

/* Add the unit's records not yet in the packet; on -EMSGSIZE the builder and the list are as
 * they were before the call. */
static int packer_try_unit(struct announce_packer *p, const struct dns_rr *const *rrs, size_t n, size_t *added) {
        struct dns_builder saved;
        size_t saved_n = p->n;

        *added = 0;
        if (n == 1) {
                /* the builder rolls a single record back by itself */
                if (announce_packer_contains(p, rrs[0]))
                        return 0;
                int r = packer_add_one(p, rrs[0]);
                if (r == 0)
                        *added = 1;
                return r;
        }
        saved = p->b;
        for (size_t k = 0; k < n; k++) {
                int r;

                if (announce_packer_contains(p, rrs[k]))
                        continue;
                r = packer_add_one(p, rrs[k]);
                if (r < 0) {
                        p->b = saved;
                        p->n = saved_n;
                        *added = 0;
                        return r;
                }
                (*added)++;
        }
        return 0;
}

size_t announce_packer_add(struct announce_packer *p, const struct dns_rr *const *rrs, size_t n) {
        size_t added, sent = 0;
        int r;

        r = packer_try_unit(p, rrs, n, &added);
        if (r == 0)
                return n;
        if (r != -EMSGSIZE)
                goto one_by_one;
        /* RFC 6762 §10.2: keep the RRset in one packet: start a new one */
        packer_flush(p);
        r = packer_try_unit(p, rrs, n, &added);
        if (r == 0)
                return n;
one_by_one:
        /* The unit is larger than a packet (or a record is malformed): as many as fit, in order. */
        for (size_t k = 0; k < n; k++) {
                if (announce_packer_contains(p, rrs[k])) {
                        sent++;
                        continue;
                }
                r = packer_add_one(p, rrs[k]);
                if (r == -EMSGSIZE && p->n > 0) {
                        packer_flush(p);
                        r = packer_add_one(p, rrs[k]);
                }
                if (r < 0) {
                        p->n_dropped++;
                        continue;
                }
                sent++;
        }
        return sent;
}

void announce_packer_finish(struct announce_packer *p) {
        packer_flush(p);
}
