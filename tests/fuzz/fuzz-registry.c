/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: packets from the network into the registry (RFC 6762 §8.1, §8.2 tie-breaks,
 * §9 conflicts) while our records are probing or established, then its timers. The first input
 * octet picks the state and the transport; the rest is the packet. Nothing may crash, assert or
 * leak. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
#include "log.h"
#include "mdns/registry.h"

static void fuzz_send(void *userdata, int ifindex, int family, const uint8_t *pkt, size_t len) {
        (void) userdata;
        (void) ifindex;
        (void) family;
        (void) pkt;
        (void) len;
}

static const struct registry_ops fuzz_ops = { .send = fuzz_send };

static void add(struct reg_group *g, const char *name, uint16_t type, const void *rdata, uint16_t len,
                unsigned flags) {
        struct dns_rr rr = { .type = type, .rclass = DNS_CLASS_IN, .rdata = (uint8_t *) rdata, .rdlength = len };

        if (dns_name_from_text(&rr.name, name) == 0)
                (void) reg_group_add(g, &rr, flags, 0, AF_UNSPEC, 0, NULL);
}

static void run_until(struct registry *r, usec_t *now, usec_t until) {
        for (int k = 0; k < 1000; k++) {
                usec_t t = registry_next_timeout(r);

                if (t > until)
                        break;
                if (t > *now)
                        *now = t;
                registry_run(r, *now);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static uint8_t *arena_buf;
        struct dns_arena arena;
        struct registry *r;
        struct reg_group *g, *g2;
        struct rng rng;
        struct dns_msg m;
        union in_addr_union src = { 0 };
        uint8_t mode, a[4] = { 169, 254, 7, 7 }, a6[16] = { 0xfe, 0x80, [15] = 7 }, ptr[64];
        struct dns_name target;
        usec_t now = 1000000;
        int family, n;

        log_set_target(LOG_TARGET_NONE);
        if (size < 1 || size > DNS_PACKET_MAX + 1)
                return 0;
        if (!arena_buf && !(arena_buf = malloc(DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX))))
                return 0;
        mode = data[0];
        data++;
        size--;
        family = mode & 1 ? AF_INET6 : AF_INET;

        rng_seed(&rng, mode);
        struct registry_config cfg = { .ops = &fuzz_ops, .rng = &rng };
        if (registry_new(&r, &cfg) < 0)
                return 0;
        (void) registry_link_add(r, 2, family, "eth0", mode & 2 ? 1472 : 512, now);
        if (reg_group_new(r, NULL, NULL, &g) == 0 && reg_group_new(r, NULL, NULL, &g2) == 0) {
                add(g, "fuzz.local", DNS_TYPE_A, a, 4, REG_UNIQUE);
                add(g, "fuzz.local", DNS_TYPE_AAAA, a6, 16, REG_UNIQUE);
                add(g, "7.7.254.169.in-addr.arpa", DNS_TYPE_PTR, "\4fuzz\5local", 12, REG_UNIQUE | REG_NO_PROBE);
                (void) dns_name_from_text(&target, "Fuzz._http._tcp.local");
                n = dns_rdata_build_name(ptr, sizeof ptr, &target);
                if (n > 0)
                        add(g2, "_http._tcp.local", DNS_TYPE_PTR, ptr, (uint16_t) n, 0);
                add(g2, "Fuzz._http._tcp.local", DNS_TYPE_TXT, "\3a=b", 4, REG_UNIQUE);
                (void) reg_group_commit(g, now);
                (void) reg_group_commit(g2, now);
                /* probing (just after the first probe) or established */
                run_until(r, &now, mode & 4 ? now + 10000000 : now + 260000);

                dns_arena_init(&arena, arena_buf, DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
                if (dns_msg_parse(&m, data, size, &arena) == 0) {
                        registry_handle_packet(r, 2, family, family, &src, &m, now);
                        registry_handle_packet(r, 2, family, family, &src, &m, now + 1);
                }
                run_until(r, &now, now + 20000000);
                registry_withdraw_all(r, now);
        }
        registry_free(r);
        return 0;
}
