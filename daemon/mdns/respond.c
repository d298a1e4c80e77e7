/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdns/respond.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "util.h"

/* RFC 6763 §12.1: a PTR answer brings the SRV records named in its rdata and the addresses of
 * their targets; an instance has one SRV in practice, a few are followed, more are not. */
#define RESPOND_SRV_TARGETS_MAX 4

struct respond_walk {
        respond_answer_cb cb;
        void *ctx;
        int n;
        bool stop;
};

static bool respond_walk_offer(struct respond_walk *w, enum respond_kind kind, const struct respond_record *rec) {
        if (w->stop)
                return false;
        w->n++;
        if (!w->cb(w->ctx, kind, rec))
                w->stop = true;
        return !w->stop;
}

static bool respond_walk_record(void *ctx, const struct respond_record *rec) {
        return respond_walk_offer(ctx, RESPOND_RECORD, rec);
}

/* What we hold under one name (class IN): its types, whether it is ours (RFC 6762 §6.1
 * "verified exclusive ownership": it has a unique record), and the data for its NSEC. */
struct respond_name_info {
        struct dns_name name; /* as our record spells it */
        uint16_t types[RESPOND_NSEC_TYPES_MAX];
        unsigned n_types;
        bool too_many_types;
        bool owned;
        uint64_t owner_id; /* the lowest id of its unique records: the NSEC's identity */
        uint32_t ttl;      /* the lowest TTL of its unique records */
};

static bool respond_name_info_add(void *ctx, const struct respond_record *rec) {
        struct respond_name_info *ni = ctx;
        const struct dns_rr *rr = rec->rr;
        unsigned k;

        if (rr->rclass != DNS_CLASS_IN)
                return true;
        if (rec->unique) {
                if (!ni->owned) {
                        ni->name = rr->name;
                        ni->owner_id = rec->id;
                        ni->ttl = rr->ttl;
                } else {
                        ni->owner_id = MIN(ni->owner_id, rec->id);
                        ni->ttl = MIN(ni->ttl, rr->ttl);
                }
                ni->owned = true;
        }
        /* RFC 6762 §6.1: the synthesized NSEC never has the NSEC bit set */
        if (rr->type == DNS_TYPE_NSEC)
                return true;
        for (k = 0; k < ni->n_types; k++)
                if (ni->types[k] == rr->type)
                        return true;
        if (ni->n_types == RESPOND_NSEC_TYPES_MAX) {
                ni->too_many_types = true;
                return false;
        }
        ni->types[ni->n_types++] = rr->type;
        return true;
}

static void respond_name_info_get(const struct respond_source *src, int ifindex, const struct dns_name *name,
                                  struct respond_name_info *ni) {
        ni->n_types = 0;
        ni->too_many_types = false;
        ni->owned = false;
        ni->owner_id = 0;
        ni->ttl = 0;
        src->foreach_record(src->userdata, ifindex, name, DNS_TYPE_ANY, DNS_CLASS_IN, respond_name_info_add, ni);
}

/* RFC 6762 §6.1: the restricted form — owner and next name the same, the types that exist (all
 * below 256 in practice; dns_rdata_build_nsec() writes further windows if not, the full form
 * the RFC allows as (b)), class IN, the TTL the record would have had had it existed. */
static int respond_nsec_build(const struct respond_name_info *ni, struct dns_rr *rr, uint8_t *buf) {
        int r;

        if (!ni->owned || ni->too_many_types) /* §6.1 (a): then no NSEC at all */
                return -ENOENT;
        r = dns_rdata_build_nsec(buf, RESPOND_NSEC_RDATA_MAX, &ni->name, ni->types, ni->n_types);
        if (r < 0)
                return r;
        *rr = (struct dns_rr) {
                .name = ni->name,
                .type = DNS_TYPE_NSEC,
                .rclass = DNS_CLASS_IN,
                .ttl = ni->ttl,
                .rdlength = (uint16_t) r,
                .rdata = buf,
        };
        return 0;
}

/* Offer the NSEC of `name` if it is ours. */
static void respond_offer_nsec(const struct respond_source *src, int ifindex, const struct dns_name *name,
                               struct respond_walk *w) {
        struct respond_name_info ni;
        uint8_t buf[RESPOND_NSEC_RDATA_MAX];
        struct dns_rr rr;

        if (w->stop)
                return;
        respond_name_info_get(src, ifindex, name, &ni);
        if (respond_nsec_build(&ni, &rr, buf) < 0)
                return;
        struct respond_record rec = { .rr = &rr, .id = ni.owner_id, .unique = true };
        respond_walk_offer(w, RESPOND_NSEC, &rec);
}

int respond_question(const struct respond_source *src, int ifindex, const struct dns_question *q,
                     respond_answer_cb cb, void *ctx) {
        struct respond_walk w = { .cb = cb, .ctx = ctx };

        /* RFC 6762 §6.5: class ANY matches every class; we hold only IN records in practice */
        if (q->qclass != DNS_CLASS_IN && q->qclass != DNS_CLASS_ANY)
                return 0;
        /* RFC 6762 §6, §6.5: every record of the name with that type (ANY: all of them) */
        src->foreach_record(src->userdata, ifindex, &q->name, q->type, q->qclass, respond_walk_record, &w);
        if (w.n > 0 || w.stop)
                return w.n;
        /* RFC 6762 §6.1: "Any time a responder receives a query for a name for which it has
         * verified exclusive ownership, for a type for which that name has no records, the
         * responder MUST ... respond asserting the nonexistence of that record using a DNS NSEC
         * record". ANY has no missing type; shared-only names are not ours to deny. */
        if (q->type != DNS_TYPE_ANY)
                respond_offer_nsec(src, ifindex, &q->name, &w);
        return w.n;
}

struct respond_srv_walk {
        struct respond_walk *w;
        struct dns_name targets[RESPOND_SRV_TARGETS_MAX];
        unsigned n_targets;
};

static bool respond_srv_collect(void *ctx, const struct respond_record *rec) {
        struct respond_srv_walk *sw = ctx;
        struct dns_srv srv;

        if (!respond_walk_offer(sw->w, RESPOND_RECORD, rec))
                return false;
        if (dns_rdata_get_srv(rec->rr, &srv) < 0)
                return true;
        for (unsigned k = 0; k < sw->n_targets; k++)
                if (dns_name_equal(&sw->targets[k], &srv.target))
                        return true;
        if (sw->n_targets < RESPOND_SRV_TARGETS_MAX)
                sw->targets[sw->n_targets++] = srv.target;
        return true;
}

/* RFC 6762 §6.2: "When a Multicast DNS responder places an IPv4 or IPv6 address record (rrtype
 * "A" or "AAAA") into a response message, it SHOULD also place any records of the other address
 * type with the same name into the additional section ... In the event that a device has only
 * IPv4 addresses but no IPv6 addresses, or vice versa, then the appropriate NSEC record SHOULD
 * be placed into the additional section". Both families are offered; the caller drops the one
 * already in the answer. */
static void respond_offer_addresses(const struct respond_source *src, int ifindex, const struct dns_name *name,
                                    uint16_t rclass, struct respond_walk *w) {
        int before, n4, n6;

        if (w->stop)
                return;
        before = w->n;
        src->foreach_record(src->userdata, ifindex, name, DNS_TYPE_A, rclass, respond_walk_record, w);
        n4 = w->n - before;
        if (w->stop)
                return;
        before = w->n;
        src->foreach_record(src->userdata, ifindex, name, DNS_TYPE_AAAA, rclass, respond_walk_record, w);
        n6 = w->n - before;
        if (n4 == 0 || n6 == 0)
                respond_offer_nsec(src, ifindex, name, w);
}

int respond_additionals(const struct respond_source *src, int ifindex, const struct respond_record *answer,
                        respond_answer_cb cb, void *ctx) {
        struct respond_walk w = { .cb = cb, .ctx = ctx };
        const struct dns_rr *rr = answer->rr;

        switch (rr->type) {
        case DNS_TYPE_PTR: {
                /* RFC 6763 §12.1: "The SRV record(s) named in the PTR rdata. The TXT record(s)
                 * named in the PTR rdata. All address records (type "A" and "AAAA") named in the
                 * SRV rdata." */
                struct respond_srv_walk sw = { .w = &w };
                struct dns_name target;

                if (dns_rdata_get_name(rr, &target) < 0)
                        break;
                src->foreach_record(src->userdata, ifindex, &target, DNS_TYPE_SRV, rr->rclass, respond_srv_collect,
                                    &sw);
                if (!w.stop)
                        src->foreach_record(src->userdata, ifindex, &target, DNS_TYPE_TXT, rr->rclass,
                                            respond_walk_record, &w);
                for (unsigned k = 0; k < sw.n_targets && !w.stop; k++)
                        respond_offer_addresses(src, ifindex, &sw.targets[k], rr->rclass, &w);
                break;
        }
        case DNS_TYPE_SRV: {
                /* RFC 6763 §12.2: "All address records (type "A" and "AAAA") named in the SRV
                 * rdata." */
                struct dns_srv srv;

                if (dns_rdata_get_srv(rr, &srv) < 0)
                        break;
                respond_offer_addresses(src, ifindex, &srv.target, rr->rclass, &w);
                break;
        }
        case DNS_TYPE_A:
        case DNS_TYPE_AAAA:
                respond_offer_addresses(src, ifindex, &rr->name, rr->rclass, &w);
                break;
        default:
                /* RFC 6763 §12.3: "When including a TXT record in a response packet, no
                 * additional records are required." */
                break;
        }
        return w.n;
}

int respond_resolve(const struct respond_source *src, int ifindex, enum respond_kind kind, uint64_t id,
                    struct respond_record *ret, struct dns_rr *nsec_rr, uint8_t *nsec_buf) {
        struct respond_name_info ni;
        struct respond_record rec;
        struct dns_name name;

        if (!src->lookup_record(src->userdata, ifindex, id, &rec) || !rec.rr)
                return -ENOENT;
        if (kind == RESPOND_RECORD) {
                *ret = rec;
                return 0;
        }
        name = rec.rr->name;
        respond_name_info_get(src, ifindex, &name, &ni);
        if (respond_nsec_build(&ni, nsec_rr, nsec_buf) < 0)
                return -ENOENT;
        *ret = (struct respond_record) { .rr = nsec_rr, .id = id, .unique = true };
        return 0;
}
