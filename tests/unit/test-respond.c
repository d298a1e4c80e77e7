/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What to answer (respond.c): RFC 6762 §6 matching, §6.5 ANY, §6.1 NSEC, §6.2 and RFC 6763 §12
 * additional records, over a fake record store. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
#include "fake-record-store.h"
#include "log.h"
#include "mdns/respond.h"
#include "unit.h"

/* ---- the answering rules over a record source --------------------------------------------- */

static struct fake_store store;

struct got {
        unsigned n;
        struct {
                enum respond_kind kind;
                uint64_t id;
                bool unique;
                struct dns_rr rr;
                uint8_t rdata[RESPOND_NSEC_RDATA_MAX];
        } e[32];
};

static bool got_cb(void *ctx, enum respond_kind kind, const struct respond_record *rec) {
        struct got *g = ctx;

        ck_assert_uint_lt(g->n, 32);
        g->e[g->n].kind = kind;
        g->e[g->n].id = rec->id;
        g->e[g->n].unique = rec->unique;
        g->e[g->n].rr = *rec->rr;
        ck_assert_uint_le(rec->rr->rdlength, RESPOND_NSEC_RDATA_MAX);
        memcpy(g->e[g->n].rdata, rec->rr->rdata, rec->rr->rdlength);
        g->e[g->n].rr.rdata = g->e[g->n].rdata;
        g->n++;
        return true;
}

static int got_find(const struct got *g, const char *name, uint16_t type) {
        struct dns_name n;

        ck_assert_int_eq(dns_name_from_text(&n, name), 0);
        for (unsigned k = 0; k < g->n; k++)
                if (g->e[k].rr.type == type && dns_name_equal(&g->e[k].rr.name, &n))
                        return (int) k;
        return -1;
}

static struct got question(const char *name, uint16_t type, uint16_t qclass) {
        struct dns_question q = { .type = type, .qclass = qclass };
        struct got g = { 0 };

        ck_assert_int_eq(dns_name_from_text(&q.name, name), 0);
        ck_assert_int_eq(respond_question(&store.source, 2, &q, got_cb, &g), (int) g.n);
        return g;
}

static struct got additionals(struct fake_record *f) {
        struct respond_record rec = { .rr = &f->rr, .id = f->id, .unique = f->unique };
        struct got g = { 0 };

        ck_assert_int_eq(respond_additionals(&store.source, 2, &rec, got_cb, &g), (int) g.n);
        return g;
}

static void rules_setup(void) {
        log_set_target(LOG_TARGET_NONE);
        fake_store_init(&store);
        fake_store_add_a(&store, "board.local", "169.254.10.20");
        fake_store_add_aaaa(&store, "board.local", "fe80::1");
        fake_store_add_service(&store, "Printer", "_http._tcp.local", 80, "board.local");
        fake_store_add_a(&store, "v4only.local", "169.254.10.21");
}

START_TEST(test_question_matching) {
        struct got g;

        g = question("BOARD.local", DNS_TYPE_A, DNS_CLASS_IN); /* RFC 6762 §16: case-insensitive */
        ck_assert_uint_eq(g.n, 1);
        ck_assert_int_eq(g.e[0].kind, RESPOND_RECORD);
        ck_assert(g.e[0].unique);
        g = question("board.local", DNS_TYPE_ANY, DNS_CLASS_IN); /* §6.5 */
        ck_assert_uint_eq(g.n, 2);
        g = question("board.local", DNS_TYPE_AAAA, DNS_CLASS_ANY); /* §6.5 class ANY */
        ck_assert_uint_eq(g.n, 1);
        g = question("board.local", DNS_TYPE_A, 3 /* CH */);
        ck_assert_uint_eq(g.n, 0);
        g = question("_http._tcp.local", DNS_TYPE_PTR, DNS_CLASS_IN);
        ck_assert_uint_eq(g.n, 1);
        ck_assert(!g.e[0].unique);
        g = question("nobody.local", DNS_TYPE_A, DNS_CLASS_IN);
        ck_assert_uint_eq(g.n, 0);
}
END_TEST

START_TEST(test_question_nsec_negative) {
        struct dns_name next;
        struct got g;

        /* RFC 6762 §6.1: a name we own, a type it does not have */
        g = question("v4only.local", DNS_TYPE_AAAA, DNS_CLASS_IN);
        ck_assert_uint_eq(g.n, 1);
        ck_assert_int_eq(g.e[0].kind, RESPOND_NSEC);
        ck_assert(g.e[0].unique);
        ck_assert_uint_eq(g.e[0].id, store.recs[store.n - 1].id);
        ck_assert_uint_eq(g.e[0].rr.type, DNS_TYPE_NSEC);
        ck_assert_uint_eq(g.e[0].rr.ttl, MDNS_HOST_RECORD_TTL);
        ck_assert_int_eq(dns_rdata_get_nsec(&g.e[0].rr, &next), 0);
        ck_assert(dns_name_equal(&next, &g.e[0].rr.name)); /* restricted form */
        ck_assert_int_eq(dns_rdata_nsec_has_type(&g.e[0].rr, DNS_TYPE_A), 1);
        ck_assert_int_eq(dns_rdata_nsec_has_type(&g.e[0].rr, DNS_TYPE_AAAA), 0);
        ck_assert_int_eq(dns_rdata_nsec_has_type(&g.e[0].rr, DNS_TYPE_NSEC), 0);
        /* restricted form: one window (0), bitmap length 1..32 */
        ck_assert_uint_eq(g.e[0].rr.rdlength, g.e[0].rr.name.len + 2 + 1);
        ck_assert_uint_eq(g.e[0].rr.rdata[g.e[0].rr.name.len], 0);

        /* shared-only names are not ours; unknown names neither; ANY never needs an NSEC */
        ck_assert_uint_eq(question("_http._tcp.local", DNS_TYPE_TXT, DNS_CLASS_IN).n, 0);
        ck_assert_uint_eq(question("nobody.local", DNS_TYPE_TXT, DNS_CLASS_IN).n, 0);
        ck_assert_uint_eq(question("v4only.local", DNS_TYPE_ANY, DNS_CLASS_IN).n, 1);
}
END_TEST

START_TEST(test_additionals_rules) {
        struct got g;

        /* RFC 6763 §12.1 */
        g = additionals(&store.recs[2]);
        ck_assert_int_ge(got_find(&g, "Printer._http._tcp.local", DNS_TYPE_SRV), 0);
        ck_assert_int_ge(got_find(&g, "Printer._http._tcp.local", DNS_TYPE_TXT), 0);
        ck_assert_int_ge(got_find(&g, "board.local", DNS_TYPE_A), 0);
        ck_assert_int_ge(got_find(&g, "board.local", DNS_TYPE_AAAA), 0);
        ck_assert_int_lt(got_find(&g, "board.local", DNS_TYPE_NSEC), 0);
        ck_assert_uint_eq(g.n, 4);
        /* RFC 6763 §12.2 */
        g = additionals(&store.recs[3]);
        ck_assert_uint_eq(g.n, 2);
        ck_assert_int_ge(got_find(&g, "board.local", DNS_TYPE_A), 0);
        ck_assert_int_ge(got_find(&g, "board.local", DNS_TYPE_AAAA), 0);
        /* RFC 6763 §12.3: TXT brings nothing */
        ck_assert_uint_eq(additionals(&store.recs[4]).n, 0);
        /* RFC 6762 §6.2: A with no AAAA → the NSEC saying so */
        g = additionals(&store.recs[5]);
        ck_assert_int_ge(got_find(&g, "v4only.local", DNS_TYPE_NSEC), 0);
        ck_assert_int_lt(got_find(&g, "v4only.local", DNS_TYPE_AAAA), 0);
}
END_TEST

START_TEST(test_resolve) {
        struct respond_record rec;
        struct dns_rr nsec;
        uint8_t buf[RESPOND_NSEC_RDATA_MAX];
        struct fake_record *v4 = &store.recs[5];

        ck_assert_int_eq(respond_resolve(&store.source, 2, RESPOND_RECORD, v4->id, &rec, &nsec, buf), 0);
        ck_assert_ptr_eq(rec.rr, &v4->rr);
        ck_assert_int_eq(respond_resolve(&store.source, 2, RESPOND_NSEC, v4->id, &rec, &nsec, buf), 0);
        ck_assert_ptr_eq(rec.rr, &nsec);
        ck_assert_uint_eq(nsec.type, DNS_TYPE_NSEC);
        v4->withdrawn = true;
        ck_assert_int_eq(respond_resolve(&store.source, 2, RESPOND_RECORD, v4->id, &rec, &nsec, buf), -ENOENT);
        ck_assert_int_eq(respond_resolve(&store.source, 2, RESPOND_NSEC, v4->id, &rec, &nsec, buf), -ENOENT);
        /* the NSEC of a name that is no longer ours */
        v4->withdrawn = false;
        v4->unique = false;
        ck_assert_int_eq(respond_resolve(&store.source, 2, RESPOND_NSEC, v4->id, &rec, &nsec, buf), -ENOENT);
}
END_TEST

START_TEST(test_too_many_types_no_nsec) {
        /* §6.1 (a): if the types cannot all be listed, no NSEC at all */
        for (unsigned t = 0; t < RESPOND_NSEC_TYPES_MAX + 1; t++) {
                uint8_t rdata[1] = { 0 };

                ck_assert_ptr_nonnull(fake_store_add(&store, "many.local", (uint16_t) (100 + t), 120, true, rdata, 1));
        }
        ck_assert_uint_eq(question("many.local", DNS_TYPE_A, DNS_CLASS_IN).n, 0);
}
END_TEST

int main(void) {
        Suite *s = suite_create("respond");
        TCase *tc;

        tc = tcase_create("rules");
        tcase_add_checked_fixture(tc, rules_setup, NULL);
        tcase_add_test(tc, test_question_matching);
        tcase_add_test(tc, test_question_nsec_negative);
        tcase_add_test(tc, test_additionals_rules);
        tcase_add_test(tc, test_resolve);
        tcase_add_test(tc, test_too_many_types_no_nsec);
        suite_add_tcase(s, tc);
        return unit_run(s);
}
