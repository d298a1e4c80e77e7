/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdns/respond.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

/* Add one address record of `family` for each usable address of the interface. */
static int respond_add_addresses(struct dns_builder *b, enum dns_section s, const struct dns_name *host,
                                 const struct iface *i, int family, bool legacy, unsigned *count) {
        for (size_t k = 0; k < i->n_addrs; k++) {
                const struct iface_addr *a = &i->addrs[k];
                struct dns_rr rr = {
                        .name = *host,
                        .rclass = DNS_CLASS_IN,
                        /* RFC 6762 §10.2: unique records carry the cache-flush bit in responses,
                         * but never in legacy unicast responses (§6.7). */
                        .cache_flush = !legacy,
                        .ttl = legacy ? MDNS_LEGACY_UNICAST_TTL : MDNS_HOST_RECORD_TTL,
                };
                int r;

                if (a->family != family || !iface_addr_is_usable(a))
                        continue;
                if (family == AF_INET) {
                        rr.type = DNS_TYPE_A;
                        rr.rdlength = sizeof a->addr.in;
                } else {
                        rr.type = DNS_TYPE_AAAA;
                        rr.rdlength = sizeof a->addr.in6;
                }
                rr.rdata = (uint8_t *) &a->addr;
                r = dns_builder_add_rr(b, s, &rr);
                if (r == -EMSGSIZE && s == DNS_SECTION_ADDITIONAL)
                        return 0; /* additional records are optional: stop adding them */
                if (r < 0)
                        return r;
                (*count)++;
        }
        return 0;
}

int respond_host_query(const struct respond_query *query, const struct dns_name *host, const struct iface *i,
                       uint8_t *buf, size_t size, struct respond_result *ret) {
        const struct dns_msg *q = query->msg;
        bool want[2] = { false, false }, all_qu = true;
        unsigned answers = 0, extra = 0;
        struct dns_builder b;
        int r;

        *ret = (struct respond_result) { 0 };

        /* RFC 6762 §18: only standard queries (opcode 0) are answered; §18.1 responses are ignored here. */
        if ((q->flags & DNS_FLAG_QR) || ((q->flags >> 11) & 0xf) != 0)
                return 0;

        for (size_t k = 0; k < q->qdcount; k++) {
                const struct dns_question *qu = &q->qd[k];

                if (qu->qclass != DNS_CLASS_IN && qu->qclass != DNS_CLASS_ANY)
                        continue;
                if (!dns_name_equal(&qu->name, host))
                        continue;
                if (qu->type == DNS_TYPE_A || qu->type == DNS_TYPE_ANY)
                        want[0] = true;
                if (qu->type == DNS_TYPE_AAAA || qu->type == DNS_TYPE_ANY)
                        want[1] = true;
                if (!qu->unicast_response)
                        all_qu = false;
        }
        if (!want[0] && !want[1])
                return 0;

        /* RFC 6762 §18.1, §18.2–§18.4: mDNS responses carry ID 0 and QR|AA; a legacy unicast
         * response (§6.7) repeats the query ID and the question. */
        dns_builder_init(&b, buf, size, query->legacy ? q->id : 0, DNS_FLAG_QR | DNS_FLAG_AA);
        if (query->legacy)
                for (size_t k = 0; k < q->qdcount; k++)
                        if (dns_name_equal(&q->qd[k].name, host)) {
                                r = dns_builder_add_question(&b, &q->qd[k]);
                                if (r < 0)
                                        return r;
                        }

        for (int f = 0; f < 2; f++)
                if (want[f]) {
                        r = respond_add_addresses(&b, DNS_SECTION_ANSWER, host, i, f == 0 ? AF_INET : AF_INET6,
                                                  query->legacy, &answers);
                        if (r < 0)
                                return r;
                }
        if (answers == 0)
                return 0; /* nothing usable to say: NSEC negative answers come with the responder (§6.1) */

        /* RFC 6762 §6.2: with the A records, put the AAAA records in the additional section, and
         * the other way round. */
        for (int f = 0; f < 2; f++)
                if (!want[f]) {
                        r = respond_add_addresses(&b, DNS_SECTION_ADDITIONAL, host, i, f == 0 ? AF_INET : AF_INET6,
                                                  query->legacy, &extra);
                        if (r < 0)
                                return r;
                }

        ret->len = dns_builder_finish(&b);
        /* RFC 6762 §5.4: QU questions ask for a unicast reply; §6.7: legacy queries get one. */
        ret->unicast = query->legacy || all_qu;
        return 0;
}
