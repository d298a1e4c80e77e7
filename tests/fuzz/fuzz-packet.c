/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DNS packet codec: any bytes either parse or are rejected with -EBADMSG/-EMSGSIZE, never a
 * crash; an arena of DNS_ARENA_SIZE_FOR_PACKET(len) is always enough; what parses can be built
 * again, and the rebuilt packet parses back to the same questions and records. Every
 * disagreement is an abort(), i.e. a finding. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                             \
        do {                                                                                    \
                if (!(cond)) {                                                                  \
                        fprintf(stderr, "fuzz-packet: check failed at line %d: %s\n", __LINE__, #cond); \
                        abort();                                                                \
                }                                                                               \
        } while (0)

static int sign(int x) {
        return (x > 0) - (x < 0);
}

static bool name_same_octets(const struct dns_name *a, const struct dns_name *b) {
        return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

/* Properties of one name: text round trip to the same octets, equality and hash agree. */
static void check_name(const struct dns_name *n) {
        char text[DNS_NAME_TEXT_MAX];
        struct dns_name back;
        int r;

        CHECK(dns_name_is_valid(n));
        r = dns_name_to_text(n, text, sizeof(text));
        CHECK(r >= 0 && (size_t) r < sizeof(text));
        CHECK(dns_name_from_text(&back, text) == 0);
        CHECK(name_same_octets(n, &back));
        CHECK(dns_name_equal(n, &back));
        CHECK(dns_name_hash(n) == dns_name_hash(&back));
        CHECK(dns_name_compare(n, &back) == 0);
        CHECK(dns_name_endswith(n, &back));
}

/* Properties of one parsed record. */
static void check_rr(const struct dns_rr *rr, char *text, size_t text_size) {
        union {
                struct in_addr a;
                struct in6_addr aaaa;
                struct dns_name name;
                struct dns_srv srv;
        } u;
        struct dns_rr *dup;
        int r;

        check_name(&rr->name);
        /* parsed rdata is canonical rdata */
        CHECK(dns_rdata_validate(rr->type, rr->rdata, rr->rdlength) == 0);
        CHECK(rr->rclass <= 0x7fff);

        /* the documented bound is enough; a short buffer truncates cleanly */
        r = dns_rr_to_text(rr, text, DNS_RR_TEXT_MAX(rr->rdlength));
        CHECK(r >= 0 && (size_t) r < text_size && strlen(text) == (size_t) r);
        r = dns_rr_to_text(rr, text, 24);
        CHECK((r == -ENOBUFS || (r >= 0 && r < 24)) && strlen(text) < 24);

        switch (rr->type) {
        case DNS_TYPE_A:
                CHECK(dns_rdata_get_a(rr, &u.a) == 0);
                break;
        case DNS_TYPE_AAAA:
                CHECK(dns_rdata_get_aaaa(rr, &u.aaaa) == 0);
                break;
        case DNS_TYPE_PTR:
        case DNS_TYPE_CNAME:
        case DNS_TYPE_NS:
                CHECK(dns_rdata_get_name(rr, &u.name) == 0);
                check_name(&u.name);
                break;
        case DNS_TYPE_SRV:
                CHECK(dns_rdata_get_srv(rr, &u.srv) == 0);
                check_name(&u.srv.target);
                break;
        case DNS_TYPE_TXT:
                CHECK(dns_txt_validate(rr->rdata, rr->rdlength) >= 1);
                break;
        case DNS_TYPE_NSEC:
                CHECK(dns_rdata_get_nsec(rr, &u.name) == 0);
                check_name(&u.name);
                CHECK(dns_rdata_nsec_has_type(rr, DNS_TYPE_A) >= 0);
                CHECK(dns_rdata_nsec_has_type(rr, 65535) >= 0);
                break;
        }

        dup = dns_rr_dup(rr);
        CHECK(dup);
        CHECK(dns_rr_equal(rr, dup));
        CHECK(dns_rr_compare_canonical(rr, dup) == 0);
        dns_rr_free(dup);
}

static void check_order(const struct dns_msg *m) {
        /* RFC 6762 §8.2 order: antisymmetric, equal records compare equal */
        for (unsigned i = 0; i + 1 < m->ancount && i < 16; i++) {
                const struct dns_rr *a = &m->an[i], *b = &m->an[i + 1];
                CHECK(sign(dns_rr_compare_canonical(a, b)) == -sign(dns_rr_compare_canonical(b, a)));
                if (dns_rr_equal(a, b) && dns_rr_compare_canonical(a, b) != 0)
                        /* equal records differ at most in the case of names in rdata */
                        CHECK(a->rdlength == b->rdlength);
        }
        if (m->ancount <= 16 && m->nscount <= 16) {
                const struct dns_rr *sa[16], *sb[16];
                for (unsigned i = 0; i < m->ancount; i++)
                        sa[i] = &m->an[i];
                for (unsigned i = 0; i < m->nscount; i++)
                        sb[i] = &m->ns[i];
                CHECK(sign(dns_rrset_compare_canonical(sa, m->ancount, sb, m->nscount)) ==
                      -sign(dns_rrset_compare_canonical(sb, m->nscount, sa, m->ancount)));
                CHECK(dns_rrset_compare_canonical(sa, m->ancount, sa, m->ancount) == 0);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static char *text;
        static uint8_t out[DNS_PACKET_MAX];
        static const size_t text_size = DNS_RR_TEXT_MAX(UINT16_MAX);
        struct dns_msg m, m2;
        struct dns_arena arena, arena2;
        struct dns_builder b;
        uint16_t added[_DNS_SECTION_MAX] = { 0 };
        uint8_t *mem, *mem2;
        size_t len;
        bool full = false;
        int r;

        log_set_target(LOG_TARGET_NONE);
        if (!text) {
                text = malloc(text_size);
                CHECK(text);
        }

        /* exactly the documented bound, so that ASan sees any overrun */
        mem = malloc(DNS_ARENA_SIZE_FOR_PACKET(size));
        CHECK(mem);
        dns_arena_init(&arena, mem, DNS_ARENA_SIZE_FOR_PACKET(size));
        r = dns_msg_parse(&m, data, size, &arena);
        if (size > DNS_PACKET_MAX)
                CHECK(r == -EMSGSIZE);
        else
                CHECK(r == 0 || r == -EBADMSG);
        if (r < 0) {
                CHECK(arena.used == 0);
                free(mem);
                return 0;
        }

        for (unsigned i = 0; i < m.qdcount; i++)
                check_name(&m.qd[i].name);
        for (int s = DNS_SECTION_ANSWER; s < _DNS_SECTION_MAX; s++) {
                uint16_t n;
                struct dns_rr *v = dns_msg_section(&m, (enum dns_section) s, &n);
                for (unsigned i = 0; i < n; i++)
                        check_rr(&v[i], text, text_size);
        }
        check_order(&m);

        /* build it again, compressed; stop at the first record that does not fit */
        dns_builder_init(&b, out, sizeof(out), m.id, m.flags);
        for (unsigned i = 0; i < m.qdcount && !full; i++) {
                r = dns_builder_add_question(&b, &m.qd[i]);
                CHECK(r == 0 || r == -EMSGSIZE);
                if (r < 0)
                        full = true;
                else
                        added[DNS_SECTION_QUESTION]++;
        }
        for (int s = DNS_SECTION_ANSWER; s < _DNS_SECTION_MAX && !full; s++) {
                uint16_t n;
                struct dns_rr *v = dns_msg_section(&m, (enum dns_section) s, &n);
                for (unsigned i = 0; i < n && !full; i++) {
                        r = dns_builder_add_rr(&b, (enum dns_section) s, &v[i]);
                        CHECK(r == 0 || r == -EMSGSIZE);
                        if (r < 0)
                                full = true;
                        else
                                added[s]++;
                }
        }
        for (int s = 0; s < _DNS_SECTION_MAX; s++)
                CHECK(dns_builder_count(&b, (enum dns_section) s) == added[s]);
        len = dns_builder_finish(&b);
        CHECK(len >= DNS_HEADER_SIZE && len <= sizeof(out));

        /* ... and it parses back to the same thing */
        mem2 = malloc(DNS_ARENA_SIZE_FOR_PACKET(len));
        CHECK(mem2);
        dns_arena_init(&arena2, mem2, DNS_ARENA_SIZE_FOR_PACKET(len));
        CHECK(dns_msg_parse(&m2, out, len, &arena2) == 0);
        CHECK(m2.id == m.id && m2.flags == m.flags);
        CHECK(m2.qdcount == added[DNS_SECTION_QUESTION] && m2.ancount == added[DNS_SECTION_ANSWER] &&
              m2.nscount == added[DNS_SECTION_AUTHORITY] && m2.arcount == added[DNS_SECTION_ADDITIONAL]);
        for (unsigned i = 0; i < m2.qdcount; i++) {
                CHECK(name_same_octets(&m2.qd[i].name, &m.qd[i].name));
                CHECK(m2.qd[i].type == m.qd[i].type && m2.qd[i].qclass == m.qd[i].qclass &&
                      m2.qd[i].unicast_response == m.qd[i].unicast_response);
        }
        for (int s = DNS_SECTION_ANSWER; s < _DNS_SECTION_MAX; s++) {
                uint16_t n, n2;
                struct dns_rr *v = dns_msg_section(&m, (enum dns_section) s, &n),
                              *v2 = dns_msg_section(&m2, (enum dns_section) s, &n2);
                for (unsigned i = 0; i < n2; i++) {
                        CHECK(dns_rr_equal(&v2[i], &v[i]));
                        /* stronger: octet for octet (compression never changes case) */
                        CHECK(name_same_octets(&v2[i].name, &v[i].name));
                        CHECK(v2[i].rdlength == v[i].rdlength &&
                              (v[i].rdlength == 0 || memcmp(v2[i].rdata, v[i].rdata, v[i].rdlength) == 0));
                        CHECK(v2[i].ttl == v[i].ttl && v2[i].cache_flush == v[i].cache_flush);
                        CHECK(dns_rr_compare_canonical(&v2[i], &v[i]) == 0);
                }
        }

        free(mem2);
        free(mem);
        return 0;
}
