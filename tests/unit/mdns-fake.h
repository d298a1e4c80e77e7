/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test helpers for the registry and its cores: a fake clock, a seeded rng, a captured-packet log
 * in place of the sockets, and builders for the packets other hosts send. Header-only: each
 * test program includes it once. */
#pragma once

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
#include "log.h"
#include "mdns/registry.h"

#define FAKE_SENT_MAX 4096
#define FAKE_T0 (1000 * USEC_PER_SEC) /* the clock starts here */

struct fake_pkt {
        int ifindex, family;
        usec_t when;
        size_t len;
        uint8_t data[DNS_PACKET_MAX];
};

static struct fake_pkt *fake_sent;
static size_t fake_n_sent;
static usec_t fake_now;
static struct rng fake_rng;
static struct registry *R;
static uint8_t *fake_arena_buf;
static struct dns_arena fake_arena;

static inline void fake_send(void *userdata, int ifindex, int family, const uint8_t *pkt, size_t len) {
        struct fake_pkt *p;

        (void) userdata;
        ck_assert_uint_lt(fake_n_sent, FAKE_SENT_MAX);
        ck_assert_uint_le(len, DNS_PACKET_MAX);
        p = &fake_sent[fake_n_sent++];
        p->ifindex = ifindex;
        p->family = family;
        p->when = fake_now;
        p->len = len;
        memcpy(p->data, pkt, len);
}

static const struct registry_ops fake_ops = { .send = fake_send };

static inline void fake_setup_seed(uint64_t seed) {
        struct registry_config cfg = { .ops = &fake_ops, .rng = &fake_rng };

        log_set_target(LOG_TARGET_NONE);
        if (!fake_sent)
                fake_sent = calloc(FAKE_SENT_MAX, sizeof *fake_sent);
        if (!fake_arena_buf)
                fake_arena_buf = malloc(DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
        ck_assert_ptr_nonnull(fake_sent);
        ck_assert_ptr_nonnull(fake_arena_buf);
        fake_n_sent = 0;
        fake_now = FAKE_T0;
        rng_seed(&fake_rng, seed);
        ck_assert_int_eq(registry_new(&R, &cfg), 0);
}

static inline void fake_setup(void) {
        fake_setup_seed(42);
}

static inline void fake_teardown(void) {
        registry_free(R);
        R = NULL;
}

/* Run the registry's timers up to (and including) t, like the event loop would. */
static inline void fake_advance_to(usec_t t) {
        for (int guard = 0; guard < 100000; guard++) {
                usec_t next = registry_next_timeout(R);

                if (next > t)
                        break;
                if (next > fake_now)
                        fake_now = next;
                registry_run(R, fake_now);
        }
        if (t > fake_now)
                fake_now = t;
}

static inline void fake_advance(usec_t d) {
        fake_advance_to(fake_now + d);
}

/* Run the registry's next timer event only; false if none is armed. */
static inline bool fake_step(void) {
        usec_t next = registry_next_timeout(R);

        if (next == USEC_INFINITY)
                return false;
        if (next > fake_now)
                fake_now = next;
        registry_run(R, fake_now);
        return true;
}

static inline size_t fake_count_probes(int ifindex, int family);

/* Step the timers until `n` probes went out on the link (fails if they never do). */
static inline void fake_until_probes(int ifindex, int family, size_t n) {
        for (int guard = 0; guard < 1000 && fake_count_probes(ifindex, family) < n; guard++)
                ck_assert(fake_step());
        ck_assert_uint_eq(fake_count_probes(ifindex, family), n);
}

/* Parse captured packet k (valid until the next call). */
static inline const struct dns_msg *fake_parse(size_t k) {
        static struct dns_msg m;

        ck_assert_uint_lt(k, fake_n_sent);
        dns_arena_init(&fake_arena, fake_arena_buf, DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
        ck_assert_int_eq(dns_msg_parse(&m, fake_sent[k].data, fake_sent[k].len, &fake_arena), 0);
        return &m;
}

static inline bool fake_is_probe(size_t k) {
        const struct dns_msg *m = fake_parse(k);

        return !(m->flags & DNS_FLAG_QR) && m->nscount > 0;
}

static inline bool fake_is_response(size_t k) {
        return fake_parse(k)->flags & DNS_FLAG_QR;
}

/* Indices of captured probes (or responses) on a link: returns the count. */
static inline size_t fake_find(bool probes, int ifindex, int family, size_t *idx, size_t max) {
        size_t n = 0;

        for (size_t k = 0; k < fake_n_sent; k++) {
                if (fake_sent[k].ifindex != ifindex || fake_sent[k].family != family)
                        continue;
                if (probes ? !fake_is_probe(k) : !fake_is_response(k))
                        continue;
                if (n < max)
                        idx[n] = k;
                n++;
        }
        return n;
}

static inline size_t fake_count_probes(int ifindex, int family) {
        return fake_find(true, ifindex, family, NULL, 0);
}

static inline struct dns_name fake_name(const char *text) {
        struct dns_name n;

        ck_assert_int_eq(dns_name_from_text(&n, text), 0);
        return n;
}

/* A records: the rdata lives in a static pool so the struct can be passed around. */
static inline struct dns_rr fake_a(const char *name, const char *addr) {
        static uint8_t pool[256][4];
        static unsigned next;
        uint8_t *rdata = pool[next++ % 256];
        struct dns_rr rr = { .name = fake_name(name), .type = DNS_TYPE_A, .rclass = DNS_CLASS_IN, .rdlength = 4 };

        ck_assert_int_eq(inet_pton(AF_INET, addr, rdata), 1);
        rr.rdata = rdata;
        return rr;
}

static inline struct dns_rr fake_aaaa(const char *name, const char *addr) {
        static uint8_t pool[64][16];
        static unsigned next;
        uint8_t *rdata = pool[next++ % 64];
        struct dns_rr rr = { .name = fake_name(name), .type = DNS_TYPE_AAAA, .rclass = DNS_CLASS_IN, .rdlength = 16 };

        ck_assert_int_eq(inet_pton(AF_INET6, addr, rdata), 1);
        rr.rdata = rdata;
        return rr;
}

static inline struct dns_rr fake_ptr(const char *name, const char *target) {
        static uint8_t pool[64][DNS_NAME_MAX];
        static unsigned next;
        uint8_t *rdata = pool[next++ % 64];
        struct dns_name t = fake_name(target);
        struct dns_rr rr = { .name = fake_name(name), .type = DNS_TYPE_PTR, .rclass = DNS_CLASS_IN };
        int r = dns_rdata_build_name(rdata, DNS_NAME_MAX, &t);

        ck_assert_int_ge(r, 0);
        rr.rdata = rdata;
        rr.rdlength = (uint16_t) r;
        return rr;
}

static inline struct dns_rr fake_txt(const char *name, const char *text) {
        static uint8_t pool[64][300];
        static unsigned next;
        uint8_t *rdata = pool[next++ % 64];
        const char *strings[1] = { text };
        struct dns_rr rr = { .name = fake_name(name), .type = DNS_TYPE_TXT, .rclass = DNS_CLASS_IN };
        int r = dns_rdata_build_txt(rdata, 300, strings, 1);

        ck_assert_int_ge(r, 0);
        rr.rdata = rdata;
        rr.rdlength = (uint16_t) r;
        return rr;
}

/* Feed the registry a packet another host (src) sent on the link. */
static inline void fake_receive(int ifindex, int family, const char *src, const uint8_t *pkt, size_t len) {
        static uint8_t *arena_buf;
        struct dns_arena arena;
        union in_addr_union a;
        struct dns_msg m;

        if (!arena_buf)
                arena_buf = malloc(DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
        ck_assert_ptr_nonnull(arena_buf);
        dns_arena_init(&arena, arena_buf, DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
        ck_assert_int_eq(dns_msg_parse(&m, pkt, len, &arena), 0);
        ck_assert_int_eq(inet_pton(family, src, &a), 1);
        registry_handle_packet(R, ifindex, family, family, &a, &m, fake_now);
}

/* Another host's probe: QU ANY for `name`, the records in the Authority section. */
static inline void fake_receive_probe(int ifindex, int family, const char *src, const struct dns_rr *rrs, size_t n) {
        uint8_t buf[DNS_PACKET_MAX];
        struct dns_builder b;
        struct dns_question q = { .type = DNS_TYPE_ANY, .qclass = DNS_CLASS_IN, .unicast_response = true };

        q.name = rrs[0].name;
        dns_builder_init(&b, buf, sizeof buf, 0, 0);
        ck_assert_int_eq(dns_builder_add_question(&b, &q), 0);
        for (size_t k = 0; k < n; k++) {
                struct dns_rr rr = rrs[k];

                if (rr.ttl == 0)
                        rr.ttl = 120;
                ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_AUTHORITY, &rr), 0);
        }
        fake_receive(ifindex, family, src, buf, dns_builder_finish(&b));
}

/* Another host's response with these answers (cache-flush set, TTL 120 unless given). */
static inline void fake_receive_response(int ifindex, int family, const char *src, const struct dns_rr *rrs, size_t n) {
        uint8_t buf[DNS_PACKET_MAX];
        struct dns_builder b;

        dns_builder_init(&b, buf, sizeof buf, 0, MDNS_FLAGS_RESPONSE);
        for (size_t k = 0; k < n; k++) {
                struct dns_rr rr = rrs[k];

                if (rr.ttl == 0)
                        rr.ttl = 120;
                rr.cache_flush = true;
                ck_assert_int_eq(dns_builder_add_rr(&b, DNS_SECTION_ANSWER, &rr), 0);
        }
        fake_receive(ifindex, family, src, buf, dns_builder_finish(&b));
}

/* A group-state recorder for reg_group_cb. */
#define FAKE_STATES_MAX 64
struct fake_states {
        enum reg_group_state s[FAKE_STATES_MAX];
        usec_t when[FAKE_STATES_MAX];
        size_t n;
        enum reg_group_state last;
        unsigned collisions;
        char peer[64];
        char name[DNS_NAME_TEXT_MAX];
};

static inline void fake_on_state(struct reg_group *g, const struct reg_state_change *c, void *userdata) {
        struct fake_states *st = userdata;

        (void) g;
        ck_assert_int_eq(c->old_state, st->last);
        ck_assert_int_ne(c->old_state, c->state);
        st->last = c->state;
        if (st->n < FAKE_STATES_MAX) {
                st->when[st->n] = c->now;
                st->s[st->n++] = c->state;
        }
        if (c->state == REG_GROUP_COLLISION) {
                st->collisions++;
                ck_assert_ptr_nonnull(c->name);
                ck_assert_int_ge(dns_name_to_text(c->name, st->name, sizeof st->name), 0);
                if (c->peer_family != AF_UNSPEC)
                        inet_ntop(c->peer_family, &c->peer, st->peer, sizeof st->peer);
        }
}

static inline enum reg_group_state fake_last(const struct fake_states *st) {
        return st->last;
}

/* Number of records in section s of packet k with this name and type (0 type: any). */
static inline unsigned fake_count_rr(size_t k, enum dns_section s, const char *name, uint16_t type) {
        const struct dns_msg *m = fake_parse(k);
        struct dns_name n = fake_name(name);
        uint16_t cnt;
        const struct dns_rr *rrs = dns_msg_section(m, s, &cnt);
        unsigned c = 0;

        for (uint16_t j = 0; j < cnt; j++)
                if (dns_name_equal(&rrs[j].name, &n) && (type == 0 || rrs[j].type == type))
                        c++;
        return c;
}
