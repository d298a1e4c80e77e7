/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Ethernet/IPv4 ARP payloads (RFC 826): parse one, build an RFC 5227 probe or announcement.
 * Pure: no I/O. The edge socket adds (or strips) the Ethernet header. */
#pragma once

#include <net/ethernet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARP_PACKET_SIZE 28 /* htype, ptype, hlen, plen, op, sha[6], spa[4], tha[6], tpa[4] */

#define ARP_HTYPE_ETHERNET 1
#define ARP_PTYPE_IPV4 0x0800
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

struct arp_packet {
        uint16_t op; /* ARP_OP_REQUEST or ARP_OP_REPLY */
        struct ether_addr sender_hw;
        struct in_addr sender_ip; /* network byte order, as every in_addr */
        struct ether_addr target_hw;
        struct in_addr target_ip;

        /* The Ethernet source of the frame, if the edge knows it (arp_packet_parse() clears it;
         * the edge fills it from sockaddr_ll). Used to reject forged ARP Probes (RFC 5227 §1.1). */
        bool has_ether_source;
        struct ether_addr ether_source;
};

/* Parse an ARP payload (starting at the htype field). Trailing bytes (Ethernet padding) are
 * ignored. Returns 0, -EBADMSG if shorter than ARP_PACKET_SIZE or the op is neither request nor
 * reply, -EPROTONOSUPPORT if it is not Ethernet/IPv4 ARP (htype 1, ptype 0x0800, hlen 6, plen 4). */
int arp_packet_parse(const void *buf, size_t len, struct arp_packet *ret);

/* RFC 5227 §2.1.1: an ARP Probe is a request with sender hw = our MAC, sender IP 0.0.0.0,
 * target hw 0, target IP = the candidate. Writes ARP_PACKET_SIZE bytes; returns that size, or
 * -ENOBUFS if size is too small. */
int arp_packet_build_probe(void *buf, size_t size, const struct ether_addr *mac, struct in_addr candidate);

/* RFC 5227 §2.3: an ARP Announcement is a request with sender hw = our MAC, sender IP = target
 * IP = the address, target hw 0. Returns ARP_PACKET_SIZE or -ENOBUFS. */
int arp_packet_build_announcement(void *buf, size_t size, const struct ether_addr *mac, struct in_addr addr);

/* RFC 5227 §1.1: a request whose sender IP is 0.0.0.0. */
bool arp_packet_is_probe(const struct arp_packet *p);

bool arp_hw_addr_equal(const struct ether_addr *a, const struct ether_addr *b);

/* "aa:bb:cc:dd:ee:ff" into buf (at least ARP_HW_ADDR_STRLEN bytes); returns buf. */
#define ARP_HW_ADDR_STRLEN 18
const char *arp_hw_addr_format(const struct ether_addr *a, char *buf, size_t size);
