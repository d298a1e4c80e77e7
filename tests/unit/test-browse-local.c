/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The querier's second source: our own records (registry.h) reported to local subscriptions
 * (browse.h), driven with a fake clock over a real registry and real caches: for each kind, an
 * item appears (flagged local) when our record becomes answerable on the link, goes when it is
 * withdrawn, never expires, never causes a refresh query, and is reported once when a peer
 * announces the same record; links and subscriptions that come after the records. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mdns/browse.h"
#include "mdns/registry.h"
#include "query-fake.h"

#define IF1 2
#define EV_MAX 256

struct ev {
        enum browse_event type;
        struct browse_item item;
        char txt[256];
        usec_t at;
};

static struct browse *B;
static struct registry *R;
static struct rng reg_rng; /* its own: the querier's random choices do not depend on ours */
static struct ev evs[EV_MAX];
static unsigned n_evs;
static unsigned n_reg_sent;
static usec_t first_announce_at;
static union sockaddr_union peer4;

static void on_event(void *userdata, struct browse_sub *sub, enum browse_event type, const struct browse_item *item) {
        struct ev *e;

        (void) userdata;
        (void) sub;
        ck_assert_uint_lt(n_evs, EV_MAX);
        e = &evs[n_evs++];
        memset(e, 0, sizeof *e);
        e->type = type;
        e->at = qf_now;
        if (item) {
                e->item = *item;
                e->item.rr = NULL;
                if (item->txt && item->txt_len < sizeof e->txt)
                        memcpy(e->txt, item->txt, item->txt_len);
                e->item.txt = NULL;
        }
}

static void reg_send(void *userdata, int ifindex, int family, const uint8_t *pkt, size_t len) {
        (void) userdata;
        (void) ifindex;
        (void) family;
        /* a response (QR set) that is not a goodbye-only packet: the first announcement */
        if (len > 2 && (pkt[2] & 0x80) && first_announce_at == 0)
                first_announce_at = qf_now;
        n_reg_sent++;
}

/* the edge's wiring (mdns.c): the registry's hook feeds the querier */
static void reg_answerable(void *userdata, int ifindex, int family, const struct dns_rr *rr, bool answerable,
                           usec_t now) {
        (void) userdata;
        if (B)
                browse_handle_local(B, ifindex, family, rr, answerable, now);
}

static const struct registry_ops reg_ops = { .send = reg_send, .answerable = reg_answerable };

static void setup_with(bool with_registry) {
        struct registry_config rc = { .ops = &reg_ops, .rng = &reg_rng };
        struct browse_config bc = { .rng = &qf_rng, .emit = qf_emit };

        qf_init(21);
        rng_seed(&reg_rng, 7);
        n_evs = n_reg_sent = 0;
        first_announce_at = 0;
        B = NULL;
        ck_assert_int_eq(registry_new(&R, &rc), 0);
        bc.registry = with_registry ? R : NULL;
        /* the edge adds the registry's link first */
        ck_assert_int_eq(registry_link_add(R, IF1, AF_INET, "eth0", 1472, qf_now), 0);
        ck_assert_int_eq(browse_new(&B, &bc), 0);
        ck_assert_int_eq(browse_add_link(B, IF1, AF_INET, 1472, qf_now), 0);
        memset(&peer4, 0, sizeof peer4);
        peer4.in.sin_family = AF_INET;
        peer4.in.sin_port = htons(5353);
        peer4.in.sin_addr.s_addr = htonl(0xa9fe0909);
}

static void setup(void) {
        setup_with(true);
}

static void teardown(void) {
        B = browse_free(B);
        registry_free(R);
        R = NULL;
}

/* The event loop: both cores' timers, in time order, up to t. */
static void run_until(usec_t t) {
        for (int guard = 0; guard < 100000; guard++) {
                usec_t nb = browse_next_timeout(B), nr = registry_next_timeout(R);
                usec_t next = MIN(nb, nr);

                if (next > t)
                        break;
                if (next > qf_now)
                        qf_now = next;
                if (nr <= qf_now)
                        registry_run(R, qf_now);
                if (browse_next_timeout(B) <= qf_now)
                        browse_handle_timeout(B, qf_now);
        }
        qf_now = t;
}

static struct browse_sub *subscribe_args(struct browse_args *a) {
        struct browse_sub *s;

        ck_assert_int_eq(browse_subscribe(B, a, on_event, NULL, qf_now, &s), 0);
        return s;
}

static struct browse_sub *subscribe(enum browse_kind kind, const char *name) {
        struct browse_args a = { .kind = kind, .name = qf_name(name) };

        return subscribe_args(&a);
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

/* ---- our records ---------------------------------------------------------------------------- */

static struct reg_record *add_rr(struct reg_group *g, const char *name, uint16_t type, const void *rd, int len,
                                 unsigned flags) {
        struct dns_rr rr;
        struct reg_record *rec;

        ck_assert_int_gt(len, 0);
        rr = qf_rr(name, type, 0, false, rd, (uint16_t) len);
        ck_assert_int_eq(reg_group_add(g, &rr, flags, 0, AF_UNSPEC, qf_now, &rec), 0);
        return rec;
}

static void add_ptr(struct reg_group *g, const char *name, const char *target, unsigned flags) {
        uint8_t rd[DNS_NAME_MAX];
        struct dns_name t = qf_name(target);

        add_rr(g, name, DNS_TYPE_PTR, rd, dns_rdata_build_name(rd, sizeof rd, &t), flags);
}

static int build_txt(uint8_t *rd, size_t size, const char *text) {
        const char *strings[1] = { text };

        return dns_rdata_build_txt(rd, size, strings, 1);
}

static void add_a(struct reg_group *g, const char *name, const char *addr) {
        struct in_addr a;

        ck_assert_int_eq(inet_pton(AF_INET, addr, &a), 1);
        add_rr(g, name, DNS_TYPE_A, &a, 4, REG_UNIQUE);
}

/* The host: "myhost.local" A 169.254.1.1 and its reverse PTR (as host-records.c publishes). */
static struct reg_group *publish_host(void) {
        struct reg_group *g;

        ck_assert_int_eq(reg_group_new(R, NULL, NULL, &g), 0);
        add_a(g, "myhost.local", "169.254.1.1");
        add_ptr(g, "1.1.254.169.in-addr.arpa", "myhost.local", REG_UNIQUE | REG_NO_PROBE);
        ck_assert_int_eq(reg_group_commit(g, qf_now), 0);
        return g;
}

/* A service as dnssd/publish.c makes it: PTR, SRV, TXT, the type enumeration PTR. */
static struct reg_group *publish_instance(const char *instance, uint16_t port, struct reg_record **txt_ret) {
        struct reg_group *g;
        uint8_t rd[DNS_NAME_MAX + 6];
        struct dns_srv srv = { .port = port, .target = qf_name("myhost.local") };
        struct reg_record *txt;

        ck_assert_int_eq(reg_group_new(R, NULL, NULL, &g), 0);
        add_ptr(g, "_http._tcp.local", instance, 0);
        add_ptr(g, "_services._dns-sd._udp.local", "_http._tcp.local", 0);
        add_rr(g, instance, DNS_TYPE_SRV, rd, dns_rdata_build_srv(rd, sizeof rd, &srv), REG_UNIQUE);
        txt = add_rr(g, instance, DNS_TYPE_TXT, rd, build_txt(rd, sizeof rd, "path=/"), REG_UNIQUE);
        ck_assert_int_eq(reg_group_commit(g, qf_now), 0);
        if (txt_ret)
                *txt_ret = txt;
        return g;
}

static struct reg_group *publish_service(struct reg_record **txt_ret) {
        return publish_instance("Web._http._tcp.local", 8080, txt_ret);
}

/* ---- SERVICES: appearance, no expiry, no refresh, withdrawal ---------------------------------- */

START_TEST(test_services_local_item) {
        struct reg_group *g;
        const struct ev *e;

        subscribe(BROWSE_SERVICES, "_http._tcp.local");
        run_until(QF_T0 + 100 * MSEC);
        ck_assert_uint_eq(count(BROWSE_CACHE_EXHAUSTED), 1);
        g = publish_service(NULL);
        /* probing (three probes 250 ms apart): nothing answerable, nothing reported */
        run_until(QF_T0 + 600 * MSEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 0);
        run_until(QF_T0 + 5 * SEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 1);
        e = find_ev(BROWSE_ITEM_NEW, 0);
        assert_name(&e->item.name, "Web._http._tcp.local");
        ck_assert(e->item.local);
        ck_assert_int_eq(e->item.ifindex, IF1);
        ck_assert_int_eq(e->item.family, AF_INET);
        /* reported the moment it became answerable: with the first announcement */
        ck_assert_uint_ne(first_announce_at, 0);
        ck_assert_uint_eq(e->at, first_announce_at);
        /* never in the cache */
        ck_assert_uint_eq(cache_size(browse_get_cache(B, IF1, AF_INET)), 0);

        /* far past the PTR's TTL (4500 s): still there */
        run_until(QF_T0 + 3 * 3600 * SEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 0);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 1);

        /* withdrawn: removed at once, flagged local */
        reg_group_free(g, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 1);
        e = find_ev(BROWSE_ITEM_REMOVED, 0);
        assert_name(&e->item.name, "Web._http._tcp.local");
        ck_assert(e->item.local);
        ck_assert_uint_eq(e->at, QF_T0 + 3 * 3600 * SEC);
}
END_TEST

/* The queries a SERVICES subscription sends in 3 hours, with or without our service. */
static void query_times(bool publish, usec_t *at, unsigned *n) {
        setup_with(publish);
        subscribe(BROWSE_SERVICES, "_http._tcp.local");
        if (publish)
                publish_service(NULL);
        run_until(QF_T0 + 3 * 3600 * SEC);
        for (unsigned k = 0; k < qf_n_sent; k++) {
                struct dns_msg m;

                qf_parse_sent(k, &m);
                /* our record is never a known answer (it is in no cache) */
                ck_assert_uint_eq(m.ancount, 0);
                at[k] = qf_sent[k].at;
        }
        *n = qf_n_sent;
        teardown();
}

START_TEST(test_services_local_no_refresh_query) {
        static usec_t without[QF_SENT_MAX], with[QF_SENT_MAX];
        unsigned n_without, n_with;

        teardown(); /* the fixture's: query_times() makes its own */
        query_times(false, without, &n_without);
        query_times(true, with, &n_with);
        /* the continuous queries (§5.2) and nothing else: no §5.2 refresh at 80–95 % of a TTL */
        ck_assert_uint_gt(n_without, 5);
        ck_assert_uint_eq(n_with, n_without);
        for (unsigned k = 0; k < n_with; k++)
                ck_assert_uint_eq(with[k], without[k]);
        setup(); /* for the fixture's teardown */
}
END_TEST

/* ---- SERVICE_TYPES: a shared record a peer announces too is reported once -------------------- */

START_TEST(test_service_types_once_with_peer) {
        struct reg_group *g;

        subscribe(BROWSE_SERVICE_TYPES, "local");
        g = publish_service(NULL);
        run_until(QF_T0 + 5 * SEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 1);
        assert_name(&find_ev(BROWSE_ITEM_NEW, 0)->item.name, "_http._tcp.local");
        ck_assert(find_ev(BROWSE_ITEM_NEW, 0)->item.local);

        /* a peer announces the same enumeration PTR: no second item */
        msg_begin_response();
        msg_ptr("_services._dns-sd._udp.local", "_http._tcp.local", 4500);
        ck_assert_int_eq(browse_handle_response(B, IF1, AF_INET, msg_end(), &peer4, qf_now), 0);
        ck_assert_uint_eq(cache_size(browse_get_cache(B, IF1, AF_INET)), 1);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 1);
        /* we withdraw: the peer still has it, no removal */
        reg_group_free(g, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 0);
        /* the peer says goodbye: now it is gone (1 s later, §10.1) */
        msg_begin_response();
        msg_ptr("_services._dns-sd._udp.local", "_http._tcp.local", 0);
        ck_assert_int_eq(browse_handle_response(B, IF1, AF_INET, msg_end(), &peer4, qf_now), 0);
        run_until(qf_now + 1100 * MSEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 1);
        ck_assert(!find_ev(BROWSE_ITEM_REMOVED, 0)->item.local);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 1);
}
END_TEST

START_TEST(test_service_types_peer_first) {
        struct reg_group *g;

        subscribe(BROWSE_SERVICE_TYPES, "local");
        run_until(QF_T0 + 200 * MSEC);
        msg_begin_response();
        msg_ptr("_services._dns-sd._udp.local", "_http._tcp.local", 4500);
        ck_assert_int_eq(browse_handle_response(B, IF1, AF_INET, msg_end(), &peer4, qf_now), 0);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 1);
        ck_assert(!find_ev(BROWSE_ITEM_NEW, 0)->item.local);
        /* ours comes too: the same item, not reported again */
        g = publish_service(NULL);
        run_until(QF_T0 + 5 * SEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 1);
        /* the peer's goes: ours stays, so no removal */
        msg_begin_response();
        msg_ptr("_services._dns-sd._udp.local", "_http._tcp.local", 0);
        ck_assert_int_eq(browse_handle_response(B, IF1, AF_INET, msg_end(), &peer4, qf_now), 0);
        run_until(qf_now + 2 * SEC);
        ck_assert_uint_eq(cache_size(browse_get_cache(B, IF1, AF_INET)), 0);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 0);
        /* ours goes: removed */
        reg_group_withdraw(g, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 1);
        ck_assert(find_ev(BROWSE_ITEM_REMOVED, 0)->item.local);
        reg_group_free(g, qf_now);
}
END_TEST

/* Two services of one type: two groups publish the same enumeration PTR: one type item, there
 * while either publishes it. */
START_TEST(test_service_types_two_groups) {
        struct reg_group *g1, *g2;

        subscribe(BROWSE_SERVICE_TYPES, "local");
        g1 = publish_instance("One._http._tcp.local", 80, NULL);
        g2 = publish_instance("Two._http._tcp.local", 81, NULL);
        run_until(QF_T0 + 5 * SEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 1);
        /* a subscription that starts now sees one too */
        subscribe(BROWSE_SERVICE_TYPES, "local");
        run_until(qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 2);
        reg_group_free(g1, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 0);
        reg_group_free(g2, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 2); /* once for each subscription */
}
END_TEST

/* ---- RESOLVE_SERVICE: our SRV, TXT and addresses ---------------------------------------------- */

START_TEST(test_resolve_service_local) {
        struct reg_group *host, *g;
        struct reg_record *txt;
        const struct ev *e;
        uint8_t rd[64];
        int len;

        host = publish_host();
        subscribe(BROWSE_RESOLVE_SERVICE, "Web._http._tcp.local");
        g = publish_service(&txt);
        run_until(QF_T0 + 5 * SEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 1);
        e = find_ev(BROWSE_ITEM_NEW, 0);
        assert_name(&e->item.name, "Web._http._tcp.local");
        assert_name(&e->item.host, "myhost.local");
        ck_assert_uint_eq(e->item.port, 8080);
        ck_assert_int_eq(e->item.addr.family, AF_INET);
        ck_assert_uint_eq(ntohl(e->item.addr.a.in.s_addr), 0xa9fe0101);
        ck_assert_int_eq(memcmp(e->txt, "\x06path=/", 7), 0);
        ck_assert(e->item.local);
        /* our own target: its addresses are never asked for */
        run_until(QF_T0 + 60 * SEC);
        ck_assert_uint_eq(qf_count_asked("myhost.local", DNS_TYPE_A), 0);
        ck_assert_uint_eq(qf_count_asked("myhost.local", DNS_TYPE_AAAA), 0);

        /* new TXT (RFC 6762 §8.4): reported again with it */
        len = build_txt(rd, sizeof rd, "path=/new");
        ck_assert_int_eq(reg_record_update(txt, rd, (uint16_t) len, qf_now), 0);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 2);
        e = find_ev(BROWSE_ITEM_NEW, 1);
        ck_assert_int_eq(memcmp(e->txt, "\x09path=/new", 10), 0);
        ck_assert(e->item.local);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 0);

        /* no expiry */
        run_until(QF_T0 + 3 * 3600 * SEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 0);
        /* the service goes */
        reg_group_free(g, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 1);
        e = find_ev(BROWSE_ITEM_REMOVED, 0);
        ck_assert(e->item.local);
        ck_assert_uint_eq(e->item.port, 8080);
        reg_group_free(host, qf_now);
}
END_TEST

START_TEST(test_resolve_service_host_address_goes) {
        struct reg_group *host, *g;

        host = publish_host();
        g = publish_service(NULL);
        run_until(QF_T0 + 5 * SEC);
        /* subscribed after everything is established: reported at the start */
        subscribe(BROWSE_RESOLVE_SERVICE, "Web._http._tcp.local");
        run_until(qf_now);
        ck_assert_uint_eq(n_evs, 2);
        ck_assert_int_eq(evs[0].type, BROWSE_ITEM_NEW);
        ck_assert(evs[0].item.local);
        ck_assert_int_eq(evs[1].type, BROWSE_CACHE_EXHAUSTED);
        /* the host's address goes: the resolved item with it */
        reg_group_free(host, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 1);
        reg_group_free(g, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 1);
}
END_TEST

/* ---- RESOLVE_HOST, RESOLVE_ADDRESS, RECORDS -------------------------------------------------- */

START_TEST(test_resolve_host_local) {
        struct browse_args a = { .kind = BROWSE_RESOLVE_HOST, .name = qf_name("myhost.local") };
        struct reg_group *host;
        const struct ev *e;

        subscribe_args(&a);
        run_until(QF_T0 + 100 * MSEC);
        host = publish_host();
        run_until(QF_T0 + 5 * SEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 1);
        e = find_ev(BROWSE_ITEM_NEW, 0);
        assert_name(&e->item.name, "myhost.local");
        ck_assert_int_eq(e->item.addr.family, AF_INET);
        ck_assert_uint_eq(ntohl(e->item.addr.a.in.s_addr), 0xa9fe0101);
        ck_assert(e->item.local);
        ck_assert_uint_eq(e->at, first_announce_at);
        run_until(QF_T0 + 3 * 3600 * SEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 0);
        /* the link changed: probed again (§8), not answerable meanwhile: removed, then back */
        registry_link_reprobe(R, IF1, AF_INET, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 1);
        ck_assert(find_ev(BROWSE_ITEM_REMOVED, 0)->item.local);
        run_until(qf_now + 5 * SEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 2);
        reg_group_withdraw(host, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 2);
        reg_group_free(host, qf_now);
}
END_TEST

START_TEST(test_resolve_address_local) {
        struct browse_args a = { .kind = BROWSE_RESOLVE_ADDRESS };
        struct reg_group *host;
        const struct ev *e;

        a.addr.family = AF_INET;
        ck_assert_int_eq(inet_pton(AF_INET, "169.254.1.1", &a.addr.a.in), 1);
        subscribe_args(&a);
        host = publish_host();
        run_until(QF_T0 + 5 * SEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 1);
        e = find_ev(BROWSE_ITEM_NEW, 0);
        assert_name(&e->item.name, "myhost.local");
        ck_assert(e->item.local);
        run_until(QF_T0 + 3 * 3600 * SEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 0);
        reg_group_free(host, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 1);
        ck_assert(find_ev(BROWSE_ITEM_REMOVED, 0)->item.local);
}
END_TEST

START_TEST(test_records_local) {
        struct browse_args a = { .kind = BROWSE_RECORDS, .name = qf_name("Web._http._tcp.local"), .type = DNS_TYPE_ANY };
        struct reg_group *g;

        subscribe_args(&a);
        g = publish_service(NULL);
        run_until(QF_T0 + 5 * SEC);
        /* SRV and TXT */
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 2);
        for (unsigned k = 0; k < 2; k++) {
                ck_assert(find_ev(BROWSE_ITEM_NEW, k)->item.local);
                assert_name(&find_ev(BROWSE_ITEM_NEW, k)->item.name, "Web._http._tcp.local");
        }
        run_until(QF_T0 + 3 * 3600 * SEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 0);
        reg_group_free(g, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 2);
}
END_TEST

/* ---- links and subscriptions that come later -------------------------------------------------- */

START_TEST(test_link_comes_and_goes) {
        struct reg_group *g;

        subscribe(BROWSE_SERVICES, "_http._tcp.local");
        run_until(QF_T0 + 100 * MSEC);
        browse_remove_link(B, IF1, AF_INET, qf_now);
        g = publish_service(NULL);
        run_until(QF_T0 + 5 * SEC);
        /* answerable on a link the querier does not serve: nothing */
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 0);
        /* the link comes: our service is there already */
        ck_assert_int_eq(browse_add_link(B, IF1, AF_INET, 1472, qf_now), 0);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 1);
        ck_assert(find_ev(BROWSE_ITEM_NEW, 0)->item.local);
        /* and goes: its items with it */
        browse_remove_link(B, IF1, AF_INET, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 1);
        ck_assert(find_ev(BROWSE_ITEM_REMOVED, 0)->item.local);
        /* the registry's link goes after the querier's (as the edge does it): nothing more */
        registry_link_remove(R, IF1, AF_INET, false, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 1);
        reg_group_free(g, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 1);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 1);
}
END_TEST

START_TEST(test_resolver_link_goes) {
        struct reg_group *host, *g;

        host = publish_host();
        g = publish_service(NULL);
        subscribe(BROWSE_RESOLVE_SERVICE, "Web._http._tcp.local");
        run_until(QF_T0 + 5 * SEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 1);
        browse_remove_link(B, IF1, AF_INET, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 1);
        ck_assert(find_ev(BROWSE_ITEM_REMOVED, 0)->item.local);
        ck_assert_int_eq(browse_add_link(B, IF1, AF_INET, 1472, qf_now), 0);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 2);
        ck_assert(find_ev(BROWSE_ITEM_NEW, 1)->item.local);
        reg_group_free(g, qf_now);
        reg_group_free(host, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 2);
}
END_TEST

START_TEST(test_subscribe_after_established) {
        struct reg_group *g;

        g = publish_service(NULL);
        run_until(QF_T0 + 5 * SEC);
        subscribe(BROWSE_SERVICES, "_http._tcp.local");
        ck_assert_uint_eq(n_evs, 0); /* never from inside subscribe() */
        run_until(qf_now);
        ck_assert_uint_eq(n_evs, 2);
        ck_assert_int_eq(evs[0].type, BROWSE_ITEM_NEW);
        ck_assert(evs[0].item.local);
        ck_assert_int_eq(evs[1].type, BROWSE_CACHE_EXHAUSTED);
        /* the other interface only: not this link's items */
        {
                struct browse_args a = { .kind = BROWSE_SERVICES, .name = qf_name("_http._tcp.local"), .ifindex = 9 };

                n_evs = 0;
                subscribe_args(&a);
                run_until(qf_now);
                ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 0);
        }
        reg_group_free(g, qf_now);
        ck_assert_uint_eq(count(BROWSE_ITEM_REMOVED), 1);
}
END_TEST

START_TEST(test_no_registry_no_local_items) {
        teardown();
        setup_with(false);
        subscribe(BROWSE_SERVICES, "_http._tcp.local");
        publish_service(NULL);
        run_until(QF_T0 + 5 * SEC);
        ck_assert_uint_eq(count(BROWSE_ITEM_NEW), 0);
}
END_TEST

static Suite *browse_local_suite(void) {
        Suite *s = suite_create("browse-local");
        TCase *tc = tcase_create("our own records");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, test_services_local_item);
        tcase_add_test(tc, test_services_local_no_refresh_query);
        tcase_add_test(tc, test_service_types_once_with_peer);
        tcase_add_test(tc, test_service_types_peer_first);
        tcase_add_test(tc, test_service_types_two_groups);
        tcase_add_test(tc, test_resolve_service_local);
        tcase_add_test(tc, test_resolve_service_host_address_goes);
        tcase_add_test(tc, test_resolve_host_local);
        tcase_add_test(tc, test_resolve_address_local);
        tcase_add_test(tc, test_records_local);
        tcase_add_test(tc, test_link_comes_and_goes);
        tcase_add_test(tc, test_resolver_link_goes);
        tcase_add_test(tc, test_subscribe_after_established);
        tcase_add_test(tc, test_no_registry_no_local_items);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        SRunner *sr = srunner_create(browse_local_suite());
        int failed;

        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
