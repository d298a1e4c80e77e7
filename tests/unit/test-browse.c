/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Subscriptions and their events (browse.c) over real caches and query schedulers, driven
 * with a fake clock and a seeded rng: each kind's ITEM_NEW / ITEM_REMOVED / CACHE_EXHAUSTED /
 * ALL_FOR_NOW, the resolver following the SRV target, IPv6 scope, §5.2 maintenance only for
 * subscribed records, links going away, argument validation. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mdns/browse.h"
#include "query-fake.h"

#define IF1 2
#define IF2 5
#define EV_MAX 256

struct ev {
        struct browse_sub *sub;
        enum browse_event type;
        struct browse_item item;
        bool has_item, has_txt, has_rr;
        char txt[256];
        usec_t at;
};

static struct browse *B;
static struct ev evs[EV_MAX];
static unsigned n_evs;
static union sockaddr_union peer4;
static bool unsubscribe_in_callback;

static void on_event(void *userdata, struct browse_sub *sub, enum browse_event type, const struct browse_item *item) {
        struct ev *e;

        (void) userdata;
        ck_assert_uint_lt(n_evs, EV_MAX);
        e = &evs[n_evs++];
        memset(e, 0, sizeof *e);
        e->sub = sub;
        e->type = type;
        e->at = qf_now;
        if (item) {
                e->has_item = true;
                e->item = *item;
                e->has_rr = item->rr != NULL;
                e->item.rr = NULL;
                if (item->txt && item->txt_len < sizeof e->txt) {
                        memcpy(e->txt, item->txt, item->txt_len);
                        e->has_txt = true;
                }
                e->item.txt = NULL;
        }
        if (unsubscribe_in_callback)
                browse_unsubscribe(B, sub);
}

static void setup(void) {
        struct browse_config cfg = { .rng = &qf_rng, .emit = qf_emit };

        qf_init(21);
        n_evs = 0;
        unsubscribe_in_callback = false;
        ck_assert_int_eq(browse_new(&B, &cfg), 0);
        ck_assert_int_eq(browse_add_link(B, IF1, AF_INET, 1472, qf_now), 0);
        memset(&peer4, 0, sizeof peer4);
        peer4.in.sin_family = AF_INET;
        peer4.in.sin_port = htons(5353);
        peer4.in.sin_addr.s_addr = htonl(0xa9fe0101);
}

static void teardown(void) {
        B = browse_free(B);
}

static void run_until(usec_t t) {
        for (;;) {
                usec_t next = browse_next_timeout(B);

                if (next > t)
                        break;
                if (next < qf_now)
                        next = qf_now;
                qf_now = next;
                browse_handle_timeout(B, qf_now);
        }
        qf_now = t;
}

static void respond(int ifindex, int family) {
        ck_assert_int_eq(browse_handle_response(B, ifindex, family, msg_end(), &peer4, qf_now), 0);
}

static struct browse_sub *subscribe(enum browse_kind kind, const char *name) {
        struct browse_args a = { .kind = kind };
        struct browse_sub *s;

        if (name)
                a.name = qf_name(name);
        ck_assert_int_eq(browse_subscribe(B, &a, on_event, NULL, qf_now, &s), 0);
        return s;
}

static unsigned count(enum browse_event type) {
        unsigned n = 0;

        for (unsigned k = 0; k < n_evs; k++)
                n += evs[k].type == type;
        return n;
}

static const struct ev *find_ev(enum browse_event type, unsigned nth) {
        for (unsigned k = 0; k < n_evs; k++)
                if (evs[k].type == type && nth-- == 0)
                        return &evs[k];
        return NULL;
}

static void assert_name(const struct dns_name *n, const char *text) {
        struct dns_name want = qf_name(text);

        ck_assert_msg(dns_name_equal(n, &want), "name differs from %s", text);
}

/* ---- service browsing ----------------------------------------------------------------------- */

START_TEST(test_services_events) {
        struct dns_msg m;
        const struct ev *e;

        subscribe(BROWSE_SERVICES, "_http._tcp.local");
        /* nothing is reported from inside subscribe() */
        ck_assert_uint_eq(n_evs, 0);
        run_until(QF_T0);
        ck_assert_uint_eq(n_evs, 1);
        ck_assert_int_eq(evs[0].type, BROWSE_CACHE_EXHAUSTED);
        /* the first query: PTR, QU, 20–120 ms */
        run_until(QF_T0 + 200 * MSEC);
        ck_assert_uint_eq(qf_n_sent, 1);
        qf_parse_sent(0, &m);
        ck_assert_int_eq(qf_find_question(&m, "_http._tcp.local", DNS_TYPE_PTR), 0);
        ck_assert(m.qd[0].unicast_response);
        ck_assert_int_eq(qf_sent[0].p.ifindex, IF1);
        ck_assert_int_eq(qf_sent[0].p.family, AF_INET);

        /* answers */
        qf_now = QF_T0 + 300 * MSEC;
        msg_begin_response();
        msg_ptr("_http._tcp.local", "Printer._http._tcp.local", 4500);
        msg_ptr("_http._tcp.local", "evil.example.com", 4500); /* not an instance of the type */
        msg_ptr("_http._tcp.local", "a.b._http._tcp.local", 4500); /* two labels: neither */
        respond(IF1, AF_INET);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 1);
        e = find_ev(BROWSE_ITEM_NEW, 0);
        assert_name(&e->item.name, "Printer._http._tcp.local");
        ck_assert_int_eq(e->item.ifindex, IF1);
        ck_assert_int_eq(e->item.family, AF_INET);
        ck_assert(e->has_rr);

        /* ALL_FOR_NOW: once, at 1.12 s after the start (the last item came long before) */
        run_until(QF_T0 + 1120 * MSEC - 1);
        ck_assert_uint_eq(count(BROWSE_ALL_FOR_NOW), 0);
        run_until(QF_T0 + 10 * SEC);
        ck_assert_uint_eq(count(BROWSE_ALL_FOR_NOW), 1);
        ck_assert_uint_eq(find_ev(BROWSE_ALL_FOR_NOW, 0)->at, QF_T0 + 1120 * MSEC);

        /* goodbye: removed one second later */
        qf_now = QF_T0 + 20 * SEC;
        msg_begin_response();
        msg_ptr("_http._tcp.local", "Printer._http._tcp.local", 0);
        respond(IF1, AF_INET);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 0);
        run_until(QF_T0 + 21 * SEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 1);
        e = find_ev(BROWSE_ITEM_REMOVED, 0);
        assert_name(&e->item.name, "Printer._http._tcp.local");
        ck_assert_uint_eq(e->at, QF_T0 + 21 * SEC);
}
END_TEST

START_TEST(test_all_for_now_waits_for_quiet) {
        subscribe(BROWSE_SERVICES, "_http._tcp.local");
        /* items keep coming until 1.3 s: ALL_FOR_NOW 250 ms after the last */
        for (unsigned k = 0; k < 13; k++) {
                char target[64];

                snprintf(target, sizeof target, "S%u._http._tcp.local", k);
                run_until(QF_T0 + (k + 1) * 100 * MSEC);
                msg_begin_response();
                msg_ptr("_http._tcp.local", target, 4500);
                respond(IF1, AF_INET);
        }
        run_until(QF_T0 + 5 * SEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 13);
        ck_assert_uint_eq(count(BROWSE_ALL_FOR_NOW), 1);
        ck_assert_uint_eq(find_ev(BROWSE_ALL_FOR_NOW, 0)->at, QF_T0 + 1300 * MSEC + 250 * MSEC);
}
END_TEST

START_TEST(test_cache_items_before_cache_exhausted) {
        /* learned passively before anyone asked */
        msg_begin_response();
        msg_ptr("_http._tcp.local", "A._http._tcp.local", 4500);
        msg_ptr("_http._tcp.local", "B._http._tcp.local", 4500);
        respond(IF1, AF_INET);
        ck_assert_int_eq(browse_add_link(B, IF2, AF_INET6, 1452, qf_now), 0);
        msg_begin_response();
        msg_ptr("_http._tcp.local", "C._http._tcp.local", 4500);
        respond(IF2, AF_INET6);
        qf_now += 1 * SEC;
        subscribe(BROWSE_SERVICES, "_http._tcp.local");
        run_until(qf_now);
        ck_assert_uint_eq(n_evs, 4);
        ck_assert_int_eq(evs[0].type, BROWSE_ITEM_NEW);
        ck_assert_int_eq(evs[1].type, BROWSE_ITEM_NEW);
        ck_assert_int_eq(evs[2].type, BROWSE_ITEM_NEW);
        ck_assert_int_eq(evs[3].type, BROWSE_CACHE_EXHAUSTED);
        /* one per link: queries on both */
        run_until(qf_now + 200 * MSEC);
        ck_assert_uint_eq(qf_n_sent, 2);
        ck_assert_int_ne(qf_sent[0].p.ifindex, qf_sent[1].p.ifindex);
}
END_TEST

START_TEST(test_subtype_and_service_types) {
        const struct ev *e;

        subscribe(BROWSE_SERVICES, "_printer._sub._http._tcp.local");
        subscribe(BROWSE_SERVICE_TYPES, "local");
        run_until(QF_T0 + 200 * MSEC);
        ck_assert_uint_eq(qf_count_asked("_printer._sub._http._tcp.local", DNS_TYPE_PTR), 1);
        ck_assert_uint_eq(qf_count_asked("_services._dns-sd._udp.local", DNS_TYPE_PTR), 1);
        n_evs = 0;
        msg_begin_response();
        msg_ptr("_printer._sub._http._tcp.local", "Printer._http._tcp.local", 4500);
        msg_ptr("_services._dns-sd._udp.local", "_http._tcp.local", 4500);
        msg_ptr("_services._dns-sd._udp.local", "_ipp._tcp.local", 4500);
        msg_ptr("_services._dns-sd._udp.local", "bogus.local", 4500);
        respond(IF1, AF_INET);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 3);
        e = find_ev(BROWSE_ITEM_NEW, 0);
        assert_name(&e->item.name, "Printer._http._tcp.local");
        assert_name(&find_ev(BROWSE_ITEM_NEW, 1)->item.name, "_http._tcp.local");
        assert_name(&find_ev(BROWSE_ITEM_NEW, 2)->item.name, "_ipp._tcp.local");
}
END_TEST

/* ---- resolving a service ---------------------------------------------------------------------- */

START_TEST(test_resolve_service_follows_srv_target) {
        const struct ev *e;
        struct dns_msg m;
        unsigned before;

        ck_assert_int_eq(browse_add_link(B, IF2, AF_INET6, 1452, qf_now), 0);
        subscribe(BROWSE_RESOLVE_SERVICE, "Printer._ipp._tcp.local");
        run_until(QF_T0 + 200 * MSEC);
        ck_assert_uint_eq(count(BROWSE_CACHE_EXHAUSTED), 1);
        /* SRV and TXT asked together on both links */
        ck_assert_uint_eq(qf_n_sent, 2);
        qf_parse_sent(0, &m);
        ck_assert_int_ge(qf_find_question(&m, "Printer._ipp._tcp.local", DNS_TYPE_SRV), 0);
        ck_assert_int_ge(qf_find_question(&m, "Printer._ipp._tcp.local", DNS_TYPE_TXT), 0);

        /* SRV and TXT arrive on IF1: the target's addresses are asked for */
        qf_now = QF_T0 + 300 * MSEC;
        msg_begin_response();
        msg_srv("Printer._ipp._tcp.local", 631, "board.local", 120, true);
        msg_txt("Printer._ipp._tcp.local", "rp=ipp/print", 4500, true);
        respond(IF1, AF_INET);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 0); /* no address yet */
        before = qf_n_sent;
        run_until(QF_T0 + 500 * MSEC);
        ck_assert_uint_eq(qf_n_sent, before + 1);
        qf_parse_sent(before, &m);
        ck_assert_int_eq(qf_sent[before].p.ifindex, IF1);
        ck_assert_int_ge(qf_find_question(&m, "board.local", DNS_TYPE_A), 0);
        ck_assert_int_ge(qf_find_question(&m, "board.local", DNS_TYPE_AAAA), 0);

        /* the addresses: one item each, with host, port, TXT; the link-local IPv6 scoped */
        qf_now = QF_T0 + 600 * MSEC;
        msg_begin_response();
        msg_a("board.local", "169.254.10.20", 120, true);
        msg_aaaa("board.local", "fe80::1234", 120, true);
        respond(IF1, AF_INET);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 2);
        for (unsigned k = 0; k < 2; k++) {
                e = find_ev(BROWSE_ITEM_NEW, k);
                assert_name(&e->item.name, "Printer._ipp._tcp.local");
                assert_name(&e->item.host, "board.local");
                ck_assert_uint_eq(e->item.port, 631);
                ck_assert(e->has_txt);
                ck_assert_int_eq(memcmp(e->txt, "\x0crp=ipp/print", 13), 0);
                ck_assert_int_eq(e->item.ifindex, IF1);
                ck_assert_int_eq(e->item.family, AF_INET);
                if (e->item.addr.family == AF_INET6)
                        ck_assert_uint_eq(e->item.addr.scope, IF1); /* Avahi bug #110 */
                else
                        ck_assert_uint_eq(e->item.addr.scope, 0);
        }

        /* the TXT changes: the items are reported again with it */
        qf_now = QF_T0 + 5 * SEC;
        msg_begin_response();
        msg_txt("Printer._ipp._tcp.local", "rp=ipp/other", 4500, true);
        respond(IF1, AF_INET);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 4);
        ck_assert_int_eq(memcmp(find_ev(BROWSE_ITEM_NEW, 3)->txt, "\x0crp=ipp/other", 13), 0);

        /* the SRV moves to another host: the old items go (a second later, §10.2), the new
         * target is followed */
        qf_now = QF_T0 + 10 * SEC;
        msg_begin_response();
        msg_srv("Printer._ipp._tcp.local", 631, "other.local", 120, true);
        msg_a("other.local", "169.254.30.40", 120, true);
        respond(IF1, AF_INET);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 5);
        assert_name(&find_ev(BROWSE_ITEM_NEW, 4)->item.host, "other.local");
        run_until(QF_T0 + 11 * SEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 2);
        before = qf_n_sent;
        /* board.local is no longer asked for */
        run_until(QF_T0 + 60 * SEC);
        {
                unsigned asked_board = 0;

                for (unsigned k = before; k < qf_n_sent; k++) {
                        qf_parse_sent(k, &m);
                        asked_board += qf_find_question(&m, "board.local", DNS_TYPE_A) >= 0;
                }
                ck_assert_uint_eq(asked_board, 0);
        }
        /* other.local is followed: its A (unique, in the cache since 10 s) is kept up by the
         * maintenance queries at 80 % of its 120 s, which only subscribed records get */
        ck_assert_uint_eq(qf_count_asked("other.local", DNS_TYPE_A), 0);
        run_until(QF_T0 + 10 * SEC + 99 * SEC);
        ck_assert_uint_ge(qf_count_asked("other.local", DNS_TYPE_A), 1);
}
END_TEST

/* ---- host and address resolving, record browsing ------------------------------------------- */

START_TEST(test_resolve_host_ipv6_scope) {
        const struct ev *e;
        struct browse_args a = { .kind = BROWSE_RESOLVE_HOST, .name = qf_name("board.local"), .addr_family = AF_INET6 };
        struct browse_sub *s;

        ck_assert_int_eq(browse_add_link(B, IF2, AF_INET6, 1452, qf_now), 0);
        ck_assert_int_eq(browse_subscribe(B, &a, on_event, NULL, qf_now, &s), 0);
        run_until(QF_T0 + 200 * MSEC);
        ck_assert_uint_eq(qf_count_asked("board.local", DNS_TYPE_AAAA), 2);
        ck_assert_uint_eq(qf_count_asked("board.local", DNS_TYPE_A), 0);
        msg_begin_response();
        msg_a("board.local", "169.254.10.20", 120, true); /* filtered out */
        msg_aaaa("board.local", "fe80::1", 120, true);
        msg_aaaa("board.local", "2001:db8::1", 120, true);
        respond(IF2, AF_INET6);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 2);
        for (unsigned k = 0; k < 2; k++) {
                e = find_ev(BROWSE_ITEM_NEW, k);
                ck_assert_int_eq(e->item.addr.family, AF_INET6);
                ck_assert_int_eq(e->item.ifindex, IF2);
                ck_assert_int_eq(e->item.family, AF_INET6);
                if (IN6_IS_ADDR_LINKLOCAL(&e->item.addr.a.in6))
                        ck_assert_uint_eq(e->item.addr.scope, IF2);
                else
                        ck_assert_uint_eq(e->item.addr.scope, 0);
        }
}
END_TEST

START_TEST(test_resolve_address) {
        struct browse_args a = { .kind = BROWSE_RESOLVE_ADDRESS };
        struct browse_sub *s;
        const struct ev *e;

        a.addr.family = AF_INET;
        ck_assert_int_eq(inet_pton(AF_INET, "169.254.10.20", &a.addr.a.in), 1);
        ck_assert_int_eq(browse_subscribe(B, &a, on_event, NULL, qf_now, &s), 0);
        a.addr.family = AF_INET6;
        ck_assert_int_eq(inet_pton(AF_INET6, "fe80::1", &a.addr.a.in6), 1);
        ck_assert_int_eq(browse_subscribe(B, &a, on_event, NULL, qf_now, &s), 0);
        run_until(QF_T0 + 200 * MSEC);
        ck_assert_uint_eq(qf_count_asked("20.10.254.169.in-addr.arpa", DNS_TYPE_PTR), 1);
        ck_assert_uint_eq(qf_count_asked("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.e.f.ip6.arpa",
                                         DNS_TYPE_PTR),
                          1);
        msg_begin_response();
        msg_ptr("20.10.254.169.in-addr.arpa", "board.local", 120);
        msg_ptr("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.e.f.ip6.arpa", "board.local", 120);
        respond(IF1, AF_INET);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 2);
        for (unsigned k = 0; k < 2; k++) {
                e = find_ev(BROWSE_ITEM_NEW, k);
                assert_name(&e->item.name, "board.local");
                if (e->item.addr.family == AF_INET6)
                        ck_assert_uint_eq(e->item.addr.scope, IF1);
        }
}
END_TEST

START_TEST(test_record_browser) {
        struct browse_args a = { .kind = BROWSE_RECORDS, .name = qf_name("board.local"), .type = DNS_TYPE_ANY };
        struct browse_sub *s;

        ck_assert_int_eq(browse_subscribe(B, &a, on_event, NULL, qf_now, &s), 0);
        run_until(QF_T0 + 200 * MSEC);
        ck_assert_uint_eq(qf_count_asked("board.local", DNS_TYPE_ANY), 1);
        msg_begin_response();
        msg_a("board.local", "169.254.10.20", 120, true);
        msg_txt("board.local", "hello", 120, true);
        msg_a("other.local", "169.254.10.21", 120, true);
        respond(IF1, AF_INET);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 2);
        /* the link goes: its items are removed */
        browse_remove_link(B, IF1, AF_INET, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 2);
}
END_TEST

/* ---- §5.2 maintenance only for subscribed records, through the whole querier ---------------- */

START_TEST(test_refresh_only_when_subscribed) {
        struct browse_args a = { .kind = BROWSE_RESOLVE_HOST, .name = qf_name("board.local"), .addr_family = AF_INET };
        struct browse_sub *s;
        unsigned before;

        /* nobody interested: no query at all in the record's life */
        msg_begin_response();
        msg_a("board.local", "169.254.10.20", 100, true);
        respond(IF1, AF_INET);
        run_until(QF_T0 + 100 * SEC);
        ck_assert_uint_eq(qf_n_sent, 0);

        /* subscribed: queries at 80–82, 85–87, 90–92, 95–97 % (among the continuous ones) */
        ck_assert_int_eq(browse_subscribe(B, &a, on_event, NULL, qf_now, &s), 0);
        msg_begin_response();
        msg_a("board.local", "169.254.10.20", 100, true);
        respond(IF1, AF_INET);
        before = qf_n_sent;
        run_until(QF_T0 + 100 * SEC + 200 * MSEC);
        /* the continuous first query is not sent: the cache holds the unique answer with more
         * than half its TTL left (its own known answer would suppress every reply) */
        ck_assert_uint_eq(qf_n_sent, before);
        ck_assert_uint_gt(query_sched_get_stats(browse_get_query_sched(B, IF1, AF_INET))->skipped_unique, 0);
        before = qf_n_sent;
        run_until(QF_T0 + 100 * SEC + 79 * SEC);
        /* continuous queries 1, 2, 4, 8, 16, 32 s after the first: with the known answer */
        run_until(QF_T0 + 200 * SEC);
        {
                unsigned refresh = 0;

                for (unsigned k = before; k < qf_n_sent; k++) {
                        struct dns_msg m;
                        usec_t t = qf_sent[k].at - (QF_T0 + 100 * SEC);

                        qf_parse_sent(k, &m);
                        if (m.ancount == 0 && t >= 80 * SEC) {
                                ck_assert((t <= 82 * SEC) || (t >= 85 * SEC && t <= 87 * SEC) ||
                                          (t >= 90 * SEC && t <= 92 * SEC) || (t >= 95 * SEC && t <= 97 * SEC));
                                refresh++;
                        }
                }
                ck_assert_uint_eq(refresh, 4);
        }
}
END_TEST

/* ---- life cycle, validation ----------------------------------------------------------------- */

START_TEST(test_unsubscribe_in_callback_and_port_check) {
        union sockaddr_union legacy = peer4;

        subscribe(BROWSE_SERVICES, "_http._tcp.local");
        unsubscribe_in_callback = true;
        run_until(QF_T0 + 200 * MSEC); /* CACHE_EXHAUSTED, then gone */
        ck_assert_uint_eq(n_evs, 1);
        ck_assert_uint_eq(browse_subscription_count(B), 0);
        unsubscribe_in_callback = false;
        /* its question stopped */
        run_until(QF_T0 + 100 * SEC);
        ck_assert_uint_le(qf_n_sent, 1);

        /* responses from a port other than 5353 are ignored (RFC 6762 §6) */
        legacy.in.sin_port = htons(40000);
        msg_begin_response();
        msg_a("board.local", "169.254.10.20", 100, true);
        ck_assert_int_eq(browse_handle_response(B, IF1, AF_INET, msg_end(), &legacy, qf_now), 0);
        ck_assert_uint_eq(cache_size(browse_get_cache(B, IF1, AF_INET)), 0);
        msg_begin_response();
        msg_a("board.local", "169.254.10.20", 100, true);
        ck_assert_int_eq(browse_handle_response(B, 99, AF_INET, msg_end(), &peer4, qf_now), -ENOENT);
}
END_TEST

START_TEST(test_invalid_arguments) {
        struct browse_args a;
        struct browse_sub *s;

        memset(&a, 0, sizeof a);
        a.kind = BROWSE_SERVICES; /* root name */
        ck_assert_int_eq(browse_subscribe(B, &a, on_event, NULL, qf_now, &s), -EINVAL);
        a.name = qf_name("local"); /* too short for a service type */
        ck_assert_int_eq(browse_subscribe(B, &a, on_event, NULL, qf_now, &s), -EINVAL);
        a.kind = (enum browse_kind) 99;
        ck_assert_int_eq(browse_subscribe(B, &a, on_event, NULL, qf_now, &s), -EINVAL);
        a.kind = BROWSE_RESOLVE_HOST;
        a.addr_family = 12345;
        ck_assert_int_eq(browse_subscribe(B, &a, on_event, NULL, qf_now, &s), -EINVAL);
        a.addr_family = AF_UNSPEC;
        a.family = 77;
        ck_assert_int_eq(browse_subscribe(B, &a, on_event, NULL, qf_now, &s), -EINVAL);
        a.family = AF_UNSPEC;
        a.name.len = 200; /* not a well-formed name */
        ck_assert_int_eq(browse_subscribe(B, &a, on_event, NULL, qf_now, &s), -EINVAL);
        memset(&a, 0, sizeof a);
        a.kind = BROWSE_RESOLVE_ADDRESS;
        a.addr.family = 0;
        ck_assert_int_eq(browse_subscribe(B, &a, on_event, NULL, qf_now, &s), -EINVAL);
        memset(&a, 0, sizeof a);
        a.kind = BROWSE_RECORDS;
        a.name = qf_name("x.local");
        a.type = DNS_TYPE_OPT;
        ck_assert_int_eq(browse_subscribe(B, &a, on_event, NULL, qf_now, &s), -EINVAL);
        a.kind = BROWSE_SERVICE_TYPES;
        ck_assert_int_eq(browse_subscribe(B, &a, on_event, NULL, qf_now, &s), 0);
        ck_assert_int_eq(browse_add_link(B, IF1, AF_INET, 1472, qf_now), -EEXIST);
        ck_assert_int_eq(browse_add_link(B, 0, AF_INET, 1472, qf_now), -EINVAL);
        ck_assert_str_eq(browse_event_to_string(BROWSE_ALL_FOR_NOW), "all-for-now");
        ck_assert_str_eq(browse_kind_to_string(BROWSE_RESOLVE_SERVICE), "resolve-service");
}
END_TEST

static Suite *browse_suite(void) {
        Suite *s = suite_create("browse");
        TCase *tc = tcase_create("subscriptions");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, test_services_events);
        tcase_add_test(tc, test_all_for_now_waits_for_quiet);
        tcase_add_test(tc, test_cache_items_before_cache_exhausted);
        tcase_add_test(tc, test_subtype_and_service_types);
        tcase_add_test(tc, test_resolve_service_follows_srv_target);
        tcase_add_test(tc, test_resolve_host_ipv6_scope);
        tcase_add_test(tc, test_resolve_address);
        tcase_add_test(tc, test_record_browser);
        tcase_add_test(tc, test_refresh_only_when_subscribed);
        tcase_add_test(tc, test_unsubscribe_in_callback_and_port_check);
        tcase_add_test(tc, test_invalid_arguments);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        SRunner *sr = srunner_create(browse_suite());
        int failed;

        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
