/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The responder (respond.c, known-answer.c, response-sched.c) on arbitrary packets: a fake
 * record store, then a sequence of packets from various sources at various times, each parsed
 * and fed to the scheduler, whose timeouts are drained as the fake clock moves. Never a crash,
 * every packet it emits parses, has the right header and no record twice, and the schedule
 * always drains in bounded steps. Every disagreement is an abort(), i.e. a finding.
 *
 * Input: a sequence of chunks  [ctrl][dt][len_hi][len_lo][len octets of DNS message]
 *   ctrl bit 0: IPv6 source      bit 1: source port 40000 (legacy) instead of 5353
 *   ctrl bit 2: unicast destination (§5.5)     bits 3-4: which of four peers
 *   ctrl bit 5: 512-octet link payload instead of 1472
 *   ctrl bit 6: withdraw / restore store record (dt % n) before the packet
 *   dt: the clock moves dt × 4 ms before the packet (timeouts on the way fire in order) */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/fake-record-store.h"
#include "dns/dns.h"
#include "log.h"
#include "mdns/response-sched.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                             \
        do {                                                                                    \
                if (!(cond)) {                                                                  \
                        fprintf(stderr, "fuzz-respond: check failed at line %d: %s\n", __LINE__, #cond); \
                        abort();                                                                \
                }                                                                               \
        } while (0)

#define IFINDEX 2
#define STEPS_MAX 100000

static struct fake_store store;
static uint8_t *arena_buf, *check_buf;
static struct dns_arena arena, check_arena;
static usec_t clock_now;
static unsigned packets_out;

static void on_emit(void *userdata, const struct response_packet *p) {
        struct dns_msg m;
        unsigned n;

        (void) userdata;
        packets_out++;
        CHECK(p->ifindex == IFINDEX);
        CHECK(p->len >= DNS_HEADER_SIZE && p->len <= DNS_PACKET_MAX);
        dns_arena_reset(&check_arena);
        CHECK(dns_msg_parse(&m, p->data, p->len, &check_arena) == 0);
        /* RFC 6762 §18 */
        CHECK((m.flags & (DNS_FLAG_QR | DNS_FLAG_AA)) == (DNS_FLAG_QR | DNS_FLAG_AA));
        CHECK(DNS_FLAGS_OPCODE(m.flags) == 0 && DNS_FLAGS_RCODE(m.flags) == 0);
        CHECK(m.nscount == 0);
        if (m.qdcount > 0) {
                /* RFC 6762 §6.7: only legacy replies repeat the question, by unicast, ≤ 512 */
                CHECK(p->unicast);
                CHECK(p->len <= 512);
        } else {
                /* §6, §18.1, §18.5: ID 0, no TC */
                CHECK(m.id == 0);
                CHECK(!(m.flags & DNS_FLAG_TC));
        }
        CHECK(m.ancount + m.arcount > 0);
        /* never one record twice in a packet */
        n = (unsigned) m.ancount + m.arcount;
        for (unsigned i = 0; i < n; i++)
                for (unsigned j = i + 1; j < n; j++) {
                        const struct dns_rr *a = i < m.ancount ? &m.an[i] : &m.ar[i - m.ancount];
                        const struct dns_rr *b = j < m.ancount ? &m.an[j] : &m.ar[j - m.ancount];

                        CHECK(!dns_rr_equal(a, b));
                }
}

static void store_setup(void) {
        fake_store_init(&store);
        fake_store_add_a(&store, "board.local", "169.254.10.20");
        fake_store_add_aaaa(&store, "board.local", "fe80::1");
        fake_store_add_a(&store, "v4only.local", "169.254.10.21");
        fake_store_add_service(&store, "Printer", "_http._tcp.local", 80, "board.local");
        fake_store_add_service(&store, "Files", "_smb._tcp.local", 445, "board.local");
        fake_store_add_service(&store, "Other", "_http._tcp.local", 8080, "v4only.local");
        fake_store_add_ptr(&store, "_services._dns-sd._udp.local", "_http._tcp.local");
        fake_store_add_ptr(&store, "_services._dns-sd._udp.local", "_smb._tcp.local");
        fake_store_add_ptr(&store, "20.10.254.169.in-addr.arpa", "board.local");
        store.recs[store.n - 1].unique = true;
}

static void drain(struct response_sched *s, usec_t until) {
        for (unsigned steps = 0;; steps++) {
                usec_t next = response_sched_next_timeout(s);

                CHECK(steps < STEPS_MAX);
                if (next > until)
                        break;
                CHECK(next >= clock_now); /* nothing is ever due in the past */
                clock_now = next;
                response_sched_handle_timeout(s, clock_now);
                CHECK(response_sched_next_timeout(s) > clock_now);
        }
        if (until > clock_now)
                clock_now = until;
}

static struct response_packet_info make_info(uint8_t ctrl) {
        struct response_packet_info info = { .ifindex = IFINDEX };
        uint16_t port = (ctrl & 2) ? 40000 : 5353;
        unsigned peer = (ctrl >> 3) & 3;

        info.unicast_dest = ctrl & 4;
        if (ctrl & 1) {
                info.family = AF_INET6;
                info.max_size = (ctrl & 32) ? 512 : 1452;
                info.source.in6.sin6_family = AF_INET6;
                info.source.in6.sin6_port = htons(port);
                info.source.in6.sin6_scope_id = IFINDEX;
                info.source.in6.sin6_addr.s6_addr[0] = 0xfe;
                info.source.in6.sin6_addr.s6_addr[1] = 0x80;
                info.source.in6.sin6_addr.s6_addr[15] = (uint8_t) (peer + 1);
        } else {
                info.family = AF_INET;
                info.max_size = (ctrl & 32) ? 512 : 1472;
                info.source.in.sin_family = AF_INET;
                info.source.in.sin_port = htons(port);
                info.source.in.sin_addr.s_addr = htonl(0xa9fe0100u + peer + 1);
        }
        return info;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct response_sched_config cfg = {
                .source = &store.source,
                .emit = on_emit,
                /* small pools: the bounds are reached quickly */
                .pending_max = 128,
                .jobs_max = 16,
                .history_max = 64,
        };
        struct response_sched *s;
        struct rng rng;

        if (!arena_buf) {
                log_set_target(LOG_TARGET_NONE);
                arena_buf = malloc(DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
                check_buf = malloc(DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
                CHECK(arena_buf && check_buf);
                dns_arena_init(&arena, arena_buf, DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
                dns_arena_init(&check_arena, check_buf, DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
        }
        store_setup();
        rng_seed(&rng, size);
        cfg.rng = &rng;
        CHECK(response_sched_new(&s, &cfg) == 0);
        clock_now = 1000 * USEC_PER_SEC;
        packets_out = 0;

        while (size >= 4) {
                uint8_t ctrl = data[0], dt = data[1];
                size_t len = (size_t) data[2] << 8 | data[3];
                struct response_packet_info info = make_info(ctrl);
                struct dns_msg msg;

                data += 4;
                size -= 4;
                if (len > size)
                        len = size;
                if (ctrl & 64) {
                        struct fake_record *f = &store.recs[dt % store.n];

                        f->withdrawn = !f->withdrawn;
                }
                drain(s, clock_now + (usec_t) dt * 4 * USEC_PER_MSEC);

                dns_arena_reset(&arena);
                if (dns_msg_parse(&msg, data, len, &arena) == 0) {
                        if (msg.flags & DNS_FLAG_QR)
                                CHECK(response_sched_handle_response(s, &info, &msg, clock_now) == 0);
                        else
                                CHECK(response_sched_handle_query(s, &info, &msg, clock_now) == 0);
                }
                data += len;
                size -= len;
        }
        /* everything still pending goes out (or is dropped) within a few seconds */
        drain(s, clock_now + 5 * USEC_PER_SEC);
        CHECK(response_sched_next_timeout(s) == USEC_INFINITY);
        response_sched_free(s);
        return 0;
}
