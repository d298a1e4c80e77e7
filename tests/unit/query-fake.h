/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test helpers for the querier cores (cache, query-sched, browse): a fake clock, captured
 * query packets in place of the sockets, and builders for the packets other hosts send.
 * Header-only: each test program includes it once. */
#pragma once

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/dns.h"
#include "log.h"
#include "mdns/query-sched.h"

#define QF_T0 (1000 * USEC_PER_SEC) /* the fake clock starts here */
#define QF_SENT_MAX 1024
#define MSEC USEC_PER_MSEC
#define SEC USEC_PER_SEC

struct qf_sent {
        struct query_packet p; /* .data points into buf */
        uint8_t buf[DNS_PACKET_MAX];
        usec_t at;
};

static struct qf_sent *qf_sent;
static unsigned qf_n_sent;
static usec_t qf_now;
static struct rng qf_rng;
static uint8_t *qf_arena_buf, *qf_arena2_buf;
static struct dns_arena qf_arena, qf_arena2;

static inline void qf_emit(void *userdata, const struct query_packet *p) {
        (void) userdata;
        ck_assert_uint_lt(qf_n_sent, QF_SENT_MAX);
        ck_assert_uint_le(p->len, DNS_PACKET_MAX);
        ck_assert(!p->unicast);
        qf_sent[qf_n_sent].p = *p;
        memcpy(qf_sent[qf_n_sent].buf, p->data, p->len);
        qf_sent[qf_n_sent].p.data = qf_sent[qf_n_sent].buf;
        qf_sent[qf_n_sent].at = qf_now;
        qf_n_sent++;
}

static inline void qf_init(uint64_t seed) {
        log_set_target(LOG_TARGET_NONE);
        if (!qf_sent)
                qf_sent = calloc(QF_SENT_MAX, sizeof *qf_sent);
        if (!qf_arena_buf)
                qf_arena_buf = malloc(DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
        if (!qf_arena2_buf)
                qf_arena2_buf = malloc(DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
        ck_assert_ptr_nonnull(qf_sent);
        ck_assert_ptr_nonnull(qf_arena_buf);
        ck_assert_ptr_nonnull(qf_arena2_buf);
        dns_arena_init(&qf_arena, qf_arena_buf, DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
        dns_arena_init(&qf_arena2, qf_arena2_buf, DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
        qf_n_sent = 0;
        qf_now = QF_T0;
        rng_seed(&qf_rng, seed);
}

/* ---- building the packets of other hosts --------------------------------------------------- */

static struct dns_builder qf_b;
static uint8_t qf_buf[DNS_PACKET_MAX];
static struct dns_msg qf_msg;

static inline void msg_begin_flags(uint16_t flags) {
        dns_builder_init(&qf_b, qf_buf, sizeof qf_buf, 0, flags);
}

static inline void msg_begin_response(void) {
        msg_begin_flags(DNS_FLAG_QR | DNS_FLAG_AA);
}

static inline void msg_begin_query(void) {
        msg_begin_flags(0);
}

static inline struct dns_name qf_name(const char *text) {
        struct dns_name n;

        ck_assert_int_eq(dns_name_from_text(&n, text), 0);
        return n;
}

static inline void msg_question(const char *name, uint16_t type, bool qu) {
        struct dns_question q = { .name = qf_name(name), .type = type, .qclass = DNS_CLASS_IN, .unicast_response = qu };

        ck_assert_int_eq(dns_builder_add_question(&qf_b, &q), 0);
}

static inline struct dns_rr qf_rr(const char *name, uint16_t type, uint32_t ttl, bool flush, const void *rdata,
                                  uint16_t len) {
        return (struct dns_rr) {
                .name = qf_name(name),
                .type = type,
                .rclass = DNS_CLASS_IN,
                .cache_flush = flush,
                .ttl = ttl,
                .rdlength = len,
                .rdata = (uint8_t *) rdata,
        };
}

static inline void msg_rr(enum dns_section s, const char *name, uint16_t type, uint32_t ttl, bool flush, const void *rdata,
                          uint16_t len) {
        struct dns_rr rr = qf_rr(name, type, ttl, flush, rdata, len);

        ck_assert_int_eq(dns_builder_add_rr(&qf_b, s, &rr), 0);
}

static inline void msg_a(const char *name, const char *addr, uint32_t ttl, bool flush) {
        struct in_addr a;

        ck_assert_int_eq(inet_pton(AF_INET, addr, &a), 1);
        msg_rr(DNS_SECTION_ANSWER, name, DNS_TYPE_A, ttl, flush, &a, 4);
}

static inline void msg_aaaa(const char *name, const char *addr, uint32_t ttl, bool flush) {
        struct in6_addr a;

        ck_assert_int_eq(inet_pton(AF_INET6, addr, &a), 1);
        msg_rr(DNS_SECTION_ANSWER, name, DNS_TYPE_AAAA, ttl, flush, &a, 16);
}

static inline void msg_ptr_section(enum dns_section s, const char *name, const char *target, uint32_t ttl) {
        uint8_t rd[DNS_NAME_MAX];
        struct dns_name t = qf_name(target);
        int len = dns_rdata_build_name(rd, sizeof rd, &t);

        ck_assert_int_gt(len, 0);
        msg_rr(s, name, DNS_TYPE_PTR, ttl, false, rd, (uint16_t) len);
}

static inline void msg_ptr(const char *name, const char *target, uint32_t ttl) {
        msg_ptr_section(DNS_SECTION_ANSWER, name, target, ttl);
}

static inline void msg_srv(const char *name, uint16_t port, const char *target, uint32_t ttl, bool flush) {
        uint8_t rd[DNS_NAME_MAX + 6];
        struct dns_srv srv = { .priority = 0, .weight = 0, .port = port, .target = qf_name(target) };
        int len = dns_rdata_build_srv(rd, sizeof rd, &srv);

        ck_assert_int_gt(len, 0);
        msg_rr(DNS_SECTION_ANSWER, name, DNS_TYPE_SRV, ttl, flush, rd, (uint16_t) len);
}

static inline void msg_txt(const char *name, const char *s, uint32_t ttl, bool flush) {
        uint8_t rd[512];
        const char *strings[1] = { s };
        int len = dns_rdata_build_txt(rd, sizeof rd, strings, 1);

        ck_assert_int_gt(len, 0);
        msg_rr(DNS_SECTION_ANSWER, name, DNS_TYPE_TXT, ttl, flush, rd, (uint16_t) len);
}

static inline const struct dns_msg *msg_end(void) {
        size_t len = dns_builder_finish(&qf_b);

        dns_arena_reset(&qf_arena);
        ck_assert_int_eq(dns_msg_parse(&qf_msg, qf_buf, len, &qf_arena), 0);
        return &qf_msg;
}

/* ---- reading what we sent ---------------------------------------------------------------------- */

static inline void qf_parse_sent(unsigned k, struct dns_msg *m) {
        ck_assert_uint_lt(k, qf_n_sent);
        dns_arena_reset(&qf_arena2);
        ck_assert_int_eq(dns_msg_parse(m, qf_sent[k].buf, qf_sent[k].p.len, &qf_arena2), 0);
        /* RFC 6762 §18: a query: QR=0, opcode 0, ID 0 (§18.1 for multicast queries) */
        ck_assert(!(m->flags & DNS_FLAG_QR));
        ck_assert_uint_eq(DNS_FLAGS_OPCODE(m->flags), 0);
        ck_assert_uint_eq(m->id, 0);
}

/* Index of a question (name, type) in m, or -1. */
static inline int qf_find_question(const struct dns_msg *m, const char *name, uint16_t type) {
        struct dns_name n = qf_name(name);

        for (unsigned k = 0; k < m->qdcount; k++)
                if (m->qd[k].type == type && dns_name_equal(&m->qd[k].name, &n))
                        return (int) k;
        return -1;
}

/* Number of sent packets asking (name, type). */
static inline unsigned qf_count_asked(const char *name, uint16_t type) {
        unsigned n = 0;

        for (unsigned k = 0; k < qf_n_sent; k++) {
                struct dns_msg m;

                qf_parse_sent(k, &m);
                if (qf_find_question(&m, name, type) >= 0)
                        n++;
        }
        return n;
}

/* Capture stderr (the logger's target) into a temporary file while a block runs. */
static int qf_saved_stderr = -1;
static FILE *qf_capture;

static inline void qf_capture_begin(void) {
        fflush(stderr);
        qf_capture = tmpfile();
        ck_assert_ptr_nonnull(qf_capture);
        qf_saved_stderr = dup(2);
        ck_assert_int_ge(qf_saved_stderr, 0);
        ck_assert_int_ge(dup2(fileno(qf_capture), 2), 0);
        log_set_target(LOG_TARGET_STDERR);
}

/* Returns how many captured lines contain `needle`. */
static inline unsigned qf_capture_end(const char *needle) {
        char line[4096];
        unsigned n = 0;

        fflush(stderr);
        log_set_target(LOG_TARGET_NONE);
        dup2(qf_saved_stderr, 2);
        close(qf_saved_stderr);
        rewind(qf_capture);
        while (fgets(line, sizeof line, qf_capture))
                if (strstr(line, needle))
                        n++;
        fclose(qf_capture);
        return n;
}
