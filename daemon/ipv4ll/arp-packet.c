/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ipv4ll/arp-packet.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Field offsets in the RFC 826 payload for hlen 6, plen 4. */
enum {
        OFF_HTYPE = 0,
        OFF_PTYPE = 2,
        OFF_HLEN = 4,
        OFF_PLEN = 5,
        OFF_OP = 6,
        OFF_SHA = 8,
        OFF_SPA = 14,
        OFF_THA = 18,
        OFF_TPA = 24,
};

static uint16_t get_be16(const uint8_t *p) {
        return (uint16_t) ((p[0] << 8) | p[1]);
}

static void put_be16(uint8_t *p, uint16_t v) {
        p[0] = (uint8_t) (v >> 8);
        p[1] = (uint8_t) v;
}

int arp_packet_parse(const void *buf, size_t len, struct arp_packet *ret) {
        const uint8_t *b = buf;
        uint16_t op;

        assert(ret);
        if (!buf || len < ARP_PACKET_SIZE)
                return -EBADMSG;
        if (get_be16(b + OFF_HTYPE) != ARP_HTYPE_ETHERNET || get_be16(b + OFF_PTYPE) != ARP_PTYPE_IPV4 ||
            b[OFF_HLEN] != ETH_ALEN || b[OFF_PLEN] != sizeof(struct in_addr))
                return -EPROTONOSUPPORT;
        op = get_be16(b + OFF_OP);
        if (op != ARP_OP_REQUEST && op != ARP_OP_REPLY)
                return -EBADMSG;

        *ret = (struct arp_packet) { .op = op };
        memcpy(&ret->sender_hw, b + OFF_SHA, ETH_ALEN);
        memcpy(&ret->sender_ip, b + OFF_SPA, sizeof(struct in_addr));
        memcpy(&ret->target_hw, b + OFF_THA, ETH_ALEN);
        memcpy(&ret->target_ip, b + OFF_TPA, sizeof(struct in_addr));
        return 0;
}

/* Both RFC 5227 packets are requests with target hw 0 and target IP = the address; they differ
 * only in the sender IP. */
static int arp_packet_build_request(void *buf, size_t size, const struct ether_addr *mac, struct in_addr sender_ip,
                                    struct in_addr target_ip) {
        uint8_t *b = buf;

        assert(mac);
        if (!buf || size < ARP_PACKET_SIZE)
                return -ENOBUFS;
        memset(b, 0, ARP_PACKET_SIZE);
        put_be16(b + OFF_HTYPE, ARP_HTYPE_ETHERNET);
        put_be16(b + OFF_PTYPE, ARP_PTYPE_IPV4);
        b[OFF_HLEN] = ETH_ALEN;
        b[OFF_PLEN] = sizeof(struct in_addr);
        put_be16(b + OFF_OP, ARP_OP_REQUEST);
        memcpy(b + OFF_SHA, mac, ETH_ALEN);
        memcpy(b + OFF_SPA, &sender_ip, sizeof sender_ip);
        /* target hw stays all zeroes: RFC 5227 §2.1.1 "SHOULD be set to all zeroes" */
        memcpy(b + OFF_TPA, &target_ip, sizeof target_ip);
        return ARP_PACKET_SIZE;
}

int arp_packet_build_probe(void *buf, size_t size, const struct ether_addr *mac, struct in_addr candidate) {
        /* RFC 5227 §2.1.1: sender IP all zeroes, so that a probe never pollutes ARP caches */
        return arp_packet_build_request(buf, size, mac, (struct in_addr) { .s_addr = 0 }, candidate);
}

int arp_packet_build_announcement(void *buf, size_t size, const struct ether_addr *mac, struct in_addr addr) {
        /* RFC 5227 §2.3: sender IP = target IP = the address being announced */
        return arp_packet_build_request(buf, size, mac, addr, addr);
}

bool arp_packet_is_probe(const struct arp_packet *p) {
        return p->op == ARP_OP_REQUEST && p->sender_ip.s_addr == 0;
}

bool arp_hw_addr_equal(const struct ether_addr *a, const struct ether_addr *b) {
        return memcmp(a, b, ETH_ALEN) == 0;
}

const char *arp_hw_addr_format(const struct ether_addr *a, char *buf, size_t size) {
        const uint8_t *o = a->ether_addr_octet;

        snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", o[0], o[1], o[2], o[3], o[4], o[5]);
        return buf;
}
