/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The querier (cache.c, query-sched.c, browse.c) on arbitrary packets: two links, a few
 * subscriptions of every kind, then a sequence of responses and queries from peers at various
 * times, each parsed and fed in, the timeouts drained as the fake clock moves. Never a crash;
 * the cache never holds more than its bound; every packet we emit parses, is a query (QR=0,
 * opcode 0, ID 0) within the link's size; no subscription sees an item removed that it was not
 * given; the schedule drains in bounded steps. Every disagreement is an abort(), a finding.
 *
 * Input: a sequence of chunks  [ctrl][dt][len_hi][len_lo][len octets of DNS message]
 *   ctrl bit 0: second link (IPv6) instead of the first (IPv4)
 *   ctrl bit 1: source port 40000 instead of 5353
 *   ctrl bit 2: subscribe / unsubscribe subscription (dt % SUBS) before the packet
 *   ctrl bit 3: remove and re-add the link before the packet
 *   dt: the clock moves dt × 16 ms before the packet (dt 255: 20 minutes)
 * After the last chunk the clock runs 2 more minutes: what was sent goes out and is checked.
 * Long horizons (expiry, the hour-long query intervals) are the inputs' own: a chain of dt 255
 * chunks costs 4 octets each. The target used to run 3 hours at the end of every input, which
 * held it near 500 executions a second, the time spent in queries no input had asked for. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
#include "log.h"
#include "mdns/browse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                   \
        do {                                                                                          \
                if (!(cond)) {                                                                        \
                        fprintf(stderr, "fuzz-cache: check failed at line %d: %s\n", __LINE__, #cond); \
                        abort();                                                                      \
                }                                                                                     \
        } while (0)

#define IF1 2
#define IF2 3
#define ENTRIES_MAX 64
#define SUBS 7
#define STEPS_MAX 100000
#define MAX_SIZE1 1472
#define MAX_SIZE2 512

static uint8_t *arena_buf, *check_buf;
static struct dns_arena arena, check_arena;
static usec_t clock_now;
static struct rng rng;
static struct browse *B;
static struct browse_sub *subs[SUBS];
static long items[SUBS]; /* NEW minus REMOVED, direct kinds */

static void on_emit(void *userdata, const struct query_packet *p) {
        struct dns_msg m;

        (void) userdata;
        CHECK(p->ifindex == IF1 || p->ifindex == IF2);
        CHECK(!p->unicast);
        CHECK(p->len >= DNS_HEADER_SIZE && p->len <= (p->ifindex == IF1 ? MAX_SIZE1 : MAX_SIZE2));
        dns_arena_reset(&check_arena);
        CHECK(dns_msg_parse(&m, p->data, p->len, &check_arena) == 0);
        CHECK(!(m.flags & DNS_FLAG_QR) && DNS_FLAGS_OPCODE(m.flags) == 0 && m.id == 0);
        CHECK(m.nscount == 0 && m.arcount == 0);
        CHECK(m.qdcount + m.ancount > 0);
        /* RFC 6762 §7.1, §10.2: known answers never carry the cache-flush bit */
        for (unsigned k = 0; k < m.ancount; k++)
                CHECK(!m.an[k].cache_flush);
}

static void on_event(void *userdata, struct browse_sub *sub, enum browse_event ev, const struct browse_item *item) {
        unsigned k = (unsigned) (uintptr_t) userdata;

        CHECK(k < SUBS && subs[k] == sub);
        if (ev == BROWSE_ITEM_NEW || ev == BROWSE_ITEM_REMOVED) {
                CHECK(item);
                CHECK(item->ifindex == IF1 || item->ifindex == IF2);
                CHECK(dns_name_is_valid(&item->name));
                if (item->addr.family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&item->addr.a.in6))
                        CHECK(item->addr.scope == (uint32_t) item->ifindex);
        } else
                CHECK(!item);
        if (k != 2) { /* the resolver reports changes as ITEM_NEW again */
                if (ev == BROWSE_ITEM_NEW)
                        items[k]++;
                if (ev == BROWSE_ITEM_REMOVED) {
                        items[k]--;
                        CHECK(items[k] >= 0);
                }
        }
}

static void sub_toggle(unsigned k) {
        static const struct {
                enum browse_kind kind;
                const char *name;
                uint16_t type;
        } kinds[SUBS] = {
                { BROWSE_SERVICES, "_http._tcp.local", 0 },
                { BROWSE_SERVICE_TYPES, "local", 0 },
                { BROWSE_RESOLVE_SERVICE, "Printer._ipp._tcp.local", 0 },
                { BROWSE_RESOLVE_HOST, "board.local", 0 },
                { BROWSE_RESOLVE_ADDRESS, NULL, 0 },
                { BROWSE_RECORDS, "board.local", DNS_TYPE_ANY },
                { BROWSE_SERVICES, "_printer._sub._http._tcp.local", 0 },
        };
        struct browse_args a = { .kind = kinds[k].kind, .type = kinds[k].type };

        if (subs[k]) {
                browse_unsubscribe(B, subs[k]);
                subs[k] = NULL;
                items[k] = 0;
                return;
        }
        if (kinds[k].name)
                CHECK(dns_name_from_text(&a.name, kinds[k].name) == 0);
        else {
                a.addr.family = AF_INET;
                a.addr.a.in.s_addr = htonl(0xa9fe0a14); /* 169.254.10.20 */
        }
        CHECK(browse_subscribe(B, &a, on_event, (void *) (uintptr_t) k, clock_now, &subs[k]) == 0);
}

static void drain(usec_t until) {
        for (unsigned steps = 0;; steps++) {
                usec_t next = browse_next_timeout(B);

                CHECK(steps < STEPS_MAX);
                if (next > until)
                        break;
                if (next > clock_now)
                        clock_now = next;
                browse_handle_timeout(B, clock_now);
        }
        clock_now = until;
        for (int i = IF1; i <= IF2; i++) {
                struct cache *c = browse_get_cache(B, i, i == IF1 ? AF_INET : AF_INET6);

                if (c)
                        CHECK(cache_size(c) <= ENTRIES_MAX);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct browse_config cfg = { .rng = &rng, .emit = on_emit, .cache_entries_max = ENTRIES_MAX, .questions_max = 64 };
        size_t off = 0;

        if (!arena_buf) {
                log_set_target(LOG_TARGET_NONE);
                arena_buf = malloc(DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
                check_buf = malloc(DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
                CHECK(arena_buf && check_buf);
                dns_arena_init(&arena, arena_buf, DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
                dns_arena_init(&check_arena, check_buf, DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
        }
        rng_seed(&rng, 1);
        clock_now = 1000 * USEC_PER_SEC;
        memset(subs, 0, sizeof subs);
        memset(items, 0, sizeof items);
        CHECK(browse_new(&B, &cfg) == 0);
        CHECK(browse_add_link(B, IF1, AF_INET, MAX_SIZE1, clock_now) == 0);
        CHECK(browse_add_link(B, IF2, AF_INET6, MAX_SIZE2, clock_now) == 0);
        for (unsigned k = 0; k < SUBS; k++)
                sub_toggle(k);

        while (size - off >= 4) {
                uint8_t ctrl = data[off], dt = data[off + 1];
                size_t len = (size_t) data[off + 2] << 8 | data[off + 3];
                bool v6 = ctrl & 1;
                int ifindex = v6 ? IF2 : IF1, family = v6 ? AF_INET6 : AF_INET;
                union sockaddr_union src;
                struct dns_msg m;

                off += 4;
                len = MIN(len, size - off);
                drain(clock_now + (dt == 255 ? 20 * USEC_PER_MINUTE : (usec_t) dt * 16 * USEC_PER_MSEC));
                if (ctrl & 4)
                        sub_toggle(dt % SUBS);
                if (ctrl & 8) {
                        browse_remove_link(B, ifindex, family, clock_now);
                        CHECK(browse_add_link(B, ifindex, family, v6 ? MAX_SIZE2 : MAX_SIZE1, clock_now) == 0);
                }
                memset(&src, 0, sizeof src);
                src.sa.sa_family = (sa_family_t) family;
                if (v6)
                        src.in6.sin6_port = htons(ctrl & 2 ? 40000 : 5353);
                else
                        src.in.sin_port = htons(ctrl & 2 ? 40000 : 5353);
                dns_arena_reset(&arena);
                if (dns_msg_parse(&m, data + off, len, &arena) == 0) {
                        if (m.flags & DNS_FLAG_QR)
                                CHECK(browse_handle_response(B, ifindex, family, &m, &src, clock_now) == 0);
                        else
                                CHECK(browse_handle_query(B, ifindex, family, &m, &src, clock_now) == 0);
                }
                off += len;
        }
        drain(clock_now + 2 * USEC_PER_MINUTE);
        B = browse_free(B);
        return 0;
}
