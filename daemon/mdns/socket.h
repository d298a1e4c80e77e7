/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mDNS sockets (RFC 6762 §11, §15): one UDP socket per address family on port 5353, shared with
 * other mDNS stacks on the host, told the receiving interface of every packet, sending with IP
 * TTL / hop limit 255, joined to 224.0.0.251 / ff02::fb on each eligible interface. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define MDNS_PORT 5353
#define MDNS_MCAST_IPV4 "224.0.0.251"
#define MDNS_MCAST_IPV6 "ff02::fb"

union sockaddr_union {
        struct sockaddr sa;
        struct sockaddr_in in;
        struct sockaddr_in6 in6;
        struct sockaddr_storage storage;
};

struct mdns_packet_info {
        int family;
        int ifindex;                /* receiving interface */
        union sockaddr_union src;   /* source address and port */
        union {
                struct in_addr in;
                struct in6_addr in6;
        } dst;                      /* destination address (multicast group or our unicast address) */
        int ttl;                    /* IP TTL / hop limit, -1 if unknown */
};

int mdns_socket_open(int family);
int mdns_socket_join(int fd, int family, int ifindex);
int mdns_socket_leave(int fd, int family, int ifindex);

/* Non-blocking: 0 if nothing pending (-EAGAIN is folded into 0), the length, or -errno.
 * Datagrams longer than size are reported as -EMSGSIZE and consumed. */
ssize_t mdns_socket_recv(int fd, void *buf, size_t size, struct mdns_packet_info *info);

/* Send buf out of interface ifindex to dest (the group, or a unicast address for QU and legacy
 * replies). */
int mdns_socket_send(int fd, int ifindex, const union sockaddr_union *dest, const void *buf, size_t len);

/* While `on`, the kernel drops every datagram that is a query (QR=0) from a source port other
 * than 5353 — RFC 6762 §6.7 legacy unicast — or too short to tell, before it wakes us: a socket
 * filter (classic BPF) on the mDNS socket. mDNS queries and every response pass. */
int mdns_socket_filter_legacy(int fd, bool on);
/* The datagrams the kernel dropped on this socket so far (a filter's, a full receive buffer's):
 * SO_MEMINFO's drop counter. */
int mdns_socket_drops(int fd, uint32_t *ret);

/* The group address for a family, port 5353, scoped to ifindex for IPv6. */
void mdns_group_sockaddr(int family, int ifindex, union sockaddr_union *ret);
