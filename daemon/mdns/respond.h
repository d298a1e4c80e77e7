/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What to answer (RFC 6762 §6): which of our records answer a question (§6, ANY §6.5), the
 * negative answers for names we own (§6.1 NSEC), and the additional records that go with an
 * answer (§6.2 A↔AAAA, RFC 6763 §12 PTR → SRV/TXT/addresses, SRV → addresses). Pure: records
 * come from a record source, results go to a callback. WHEN and HOW answers are sent is the
 * response scheduler's business (response-sched.h). */
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

/* ---- The record source: what the responder needs from a record store ----------------------
 * The registry (our records, their probing/announcing state) implements this; tests use a fake
 * store. Every pointer handed out must stay valid until the responder call that asked returns
 * (the store is not modified during a responder call). */

struct respond_record {
        const struct dns_rr *rr; /* name, type, class, the true TTL, canonical rdata; rr->cache_flush
                                  * is ignored (the responder sets it from `unique`) */
        uint64_t id;             /* the store's identity for this record on this interface: unique
                                  * and never reused (a record whose rdata changes may keep it) */
        bool unique;             /* RFC 6762 §2: verified unique (probed) — answered at once, sent
                                  * with the cache-flush bit (§10.2), its name is "ours" (§6.1) */
};

/* Return false to stop the iteration. */
typedef bool (*respond_record_cb)(void *ctx, const struct respond_record *rec);

struct respond_source {
        /* Call cb for every record we may answer with on interface `ifindex` (shared records and
         * unique ones whose probing succeeded; not withdrawn, TTL > 0) with owner `name`
         * (case-insensitively), type `type` (DNS_TYPE_ANY: all types) and class `rclass`
         * (DNS_CLASS_ANY: all classes). Runs for every question of every query: index by name.
         * cb never calls back into the source. */
        void (*foreach_record)(void *userdata, int ifindex, const struct dns_name *name, uint16_t type,
                               uint16_t rclass, respond_record_cb cb, void *ctx);
        /* The record `id` on `ifindex` into *ret if we may still answer with it: true, else false.
         * Used when a delayed answer is finally sent, so a record withdrawn meanwhile (goodbye
         * sent) is never sent again. */
        bool (*lookup_record)(void *userdata, int ifindex, uint64_t id, struct respond_record *ret);
        void *userdata;
};

/* ---- The answering rules ------------------------------------------------------------------ */

enum respond_kind {
        RESPOND_RECORD, /* one of the source's records */
        RESPOND_NSEC,   /* RFC 6762 §6.1: the synthesized NSEC of the name of record `id` */
};

/* Room for a synthesized NSEC's rdata: the next name plus the bitmap windows of up to
 * RESPOND_NSEC_TYPES_MAX types. */
#define RESPOND_NSEC_TYPES_MAX 64
#define RESPOND_NSEC_RDATA_MAX (DNS_NAME_MAX + RESPOND_NSEC_TYPES_MAX * 34)

/* One answer: a record of the source, or a synthesized NSEC (then rec->rr is a temporary
 * record, rec->id the id of a unique record of that name and rec->unique true). Return false
 * to stop. */
typedef bool (*respond_answer_cb)(void *ctx, enum respond_kind kind, const struct respond_record *rec);

/* The answers to question `q` on `ifindex`: every matching record (type ANY and class ANY
 * match all, RFC 6762 §6.5), or — when there is none and the name is ours (it has a unique
 * record) — the NSEC asserting which types exist (§6.1). Questions of other classes than IN
 * and ANY get nothing. Returns the number of answers offered to cb. */
int respond_question(const struct respond_source *src, int ifindex, const struct dns_question *q,
                     respond_answer_cb cb, void *ctx);

/* The additional records for an answer `answer` (RFC 6763 §12.1: PTR → the SRV and TXT named
 * in the PTR rdata and the addresses of the SRV targets; §12.2: SRV → the addresses of its
 * target; RFC 6762 §6.2: an address record → the addresses of the other family, or the NSEC
 * saying there are none when the name is ours). cb may see records that are answers too: the
 * caller deduplicates. Returns the number offered. */
int respond_additionals(const struct respond_source *src, int ifindex, const struct respond_record *answer,
                        respond_answer_cb cb, void *ctx);

/* The current version of an answer for sending: the record `id` (kind RESPOND_RECORD) or the
 * NSEC of its name (RESPOND_NSEC, built in nsec_buf of RESPOND_NSEC_RDATA_MAX octets into
 * *nsec_rr). 0, or -ENOENT when the record is gone (or the name no longer ours). */
int respond_resolve(const struct respond_source *src, int ifindex, enum respond_kind kind, uint64_t id,
                    struct respond_record *ret, struct dns_rr *nsec_rr, uint8_t *nsec_buf);
