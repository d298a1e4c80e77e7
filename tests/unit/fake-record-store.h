/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A fake record store implementing struct respond_source (mdns/respond.h) for the responder's
 * unit tests and its fuzzer: a flat array, scanned linearly (the real registry indexes by
 * name). Header-only so a single-file fuzz target can use it. */
#pragma once

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
#include "mdns/respond.h"

#define FAKE_STORE_MAX 4096
#define FAKE_RDATA_MAX 1400

struct fake_record {
        struct dns_rr rr;
        uint8_t rdata[FAKE_RDATA_MAX];
        uint64_t id;
        int ifindex; /* 0: on every interface */
        bool unique;
        bool withdrawn;
};

struct fake_store {
        struct fake_record recs[FAKE_STORE_MAX];
        unsigned n;
        uint64_t next_id;
        unsigned foreach_calls, lookup_calls;
        struct respond_source source;
};

static inline bool fake_store_matches(const struct fake_record *f, int ifindex) {
        return !f->withdrawn && (f->ifindex == 0 || f->ifindex == ifindex);
}

static inline void fake_store_foreach(void *userdata, int ifindex, const struct dns_name *name, uint16_t type,
                                      uint16_t rclass, respond_record_cb cb, void *ctx) {
        struct fake_store *fs = userdata;

        fs->foreach_calls++;
        for (unsigned k = 0; k < fs->n; k++) {
                struct fake_record *f = &fs->recs[k];

                if (!fake_store_matches(f, ifindex) || !dns_name_equal(&f->rr.name, name))
                        continue;
                if (type != DNS_TYPE_ANY && f->rr.type != type)
                        continue;
                if (rclass != DNS_CLASS_ANY && f->rr.rclass != rclass)
                        continue;
                struct respond_record rec = { .rr = &f->rr, .id = f->id, .unique = f->unique };
                if (!cb(ctx, &rec))
                        return;
        }
}

static inline bool fake_store_lookup(void *userdata, int ifindex, uint64_t id, struct respond_record *ret) {
        struct fake_store *fs = userdata;

        fs->lookup_calls++;
        for (unsigned k = 0; k < fs->n; k++) {
                struct fake_record *f = &fs->recs[k];

                if (f->id == id && fake_store_matches(f, ifindex)) {
                        *ret = (struct respond_record) { .rr = &f->rr, .id = f->id, .unique = f->unique };
                        return true;
                }
        }
        return false;
}

static inline void fake_store_init(struct fake_store *fs) {
        memset(fs, 0, sizeof *fs);
        fs->next_id = 1000;
        fs->source = (struct respond_source) {
                .foreach_record = fake_store_foreach,
                .lookup_record = fake_store_lookup,
                .userdata = fs,
        };
}

/* Returns the new record, or NULL (store full, bad name, rdata too long). */
static inline struct fake_record *fake_store_add(struct fake_store *fs, const char *name, uint16_t type, uint32_t ttl,
                                                 bool unique, const void *rdata, size_t len) {
        struct fake_record *f;

        if (fs->n == FAKE_STORE_MAX || len > FAKE_RDATA_MAX)
                return NULL;
        f = &fs->recs[fs->n];
        memset(f, 0, sizeof *f);
        if (dns_name_from_text(&f->rr.name, name) < 0)
                return NULL;
        memcpy(f->rdata, rdata, len);
        f->rr.type = type;
        f->rr.rclass = DNS_CLASS_IN;
        f->rr.ttl = ttl;
        f->rr.rdlength = (uint16_t) len;
        f->rr.rdata = f->rdata;
        f->id = fs->next_id++;
        f->unique = unique;
        fs->n++;
        return f;
}

static inline struct fake_record *fake_store_add_a(struct fake_store *fs, const char *name, const char *addr) {
        struct in_addr a;

        if (inet_pton(AF_INET, addr, &a) != 1)
                return NULL;
        return fake_store_add(fs, name, DNS_TYPE_A, MDNS_HOST_RECORD_TTL, true, &a, sizeof a);
}

static inline struct fake_record *fake_store_add_aaaa(struct fake_store *fs, const char *name, const char *addr) {
        struct in6_addr a;

        if (inet_pton(AF_INET6, addr, &a) != 1)
                return NULL;
        return fake_store_add(fs, name, DNS_TYPE_AAAA, MDNS_HOST_RECORD_TTL, true, &a, sizeof a);
}

/* Shared PTR, 75 min (RFC 6762 §10). */
static inline struct fake_record *fake_store_add_ptr(struct fake_store *fs, const char *name, const char *target) {
        struct dns_name t;
        uint8_t buf[DNS_NAME_MAX];
        int len;

        if (dns_name_from_text(&t, target) < 0)
                return NULL;
        len = dns_rdata_build_name(buf, sizeof buf, &t);
        if (len < 0)
                return NULL;
        return fake_store_add(fs, name, DNS_TYPE_PTR, 4500, false, buf, (size_t) len);
}

static inline struct fake_record *fake_store_add_srv(struct fake_store *fs, const char *name, uint16_t port,
                                                     const char *target) {
        struct dns_srv srv = { .port = port };
        uint8_t buf[DNS_NAME_MAX + 6];
        int len;

        if (dns_name_from_text(&srv.target, target) < 0)
                return NULL;
        len = dns_rdata_build_srv(buf, sizeof buf, &srv);
        if (len < 0)
                return NULL;
        return fake_store_add(fs, name, DNS_TYPE_SRV, MDNS_HOST_RECORD_TTL, true, buf, (size_t) len);
}

static inline struct fake_record *fake_store_add_txt(struct fake_store *fs, const char *name, const char *kv) {
        uint8_t buf[DNS_CHARSTRING_MAX + 1];
        int len = dns_rdata_build_txt(buf, sizeof buf, &kv, 1);

        if (len < 0)
                return NULL;
        return fake_store_add(fs, name, DNS_TYPE_TXT, 4500, true, buf, (size_t) len);
}

/* A service instance: shared PTR from the type, unique SRV and TXT. */
static inline void fake_store_add_service(struct fake_store *fs, const char *instance, const char *type,
                                          uint16_t port, const char *host) {
        char full[512];

        snprintf(full, sizeof full, "%s.%s", instance, type);
        fake_store_add_ptr(fs, type, full);
        fake_store_add_srv(fs, full, port, host);
        fake_store_add_txt(fs, full, "path=/");
}
