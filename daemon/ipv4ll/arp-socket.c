/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ARP over AF_PACKET for IPv4 link-local. See arp-socket.h. */
#include "ipv4ll/arp-socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/if_ether.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

/* Offsets in the ARP payload: with SOCK_DGRAM the filter sees the packet from the ARP header on. */
#define ARP_OFF_HTYPE 0
#define ARP_OFF_PTYPE 2
#define ARP_OFF_HLEN 4
#define ARP_OFF_PLEN 5
#define ARP_OFF_OP 6

/* Accept Ethernet/IPv4 ARP requests and replies of at least ARP_PACKET_SIZE bytes, cut to that
 * size (the Ethernet padding goes); drop everything else in the kernel. */
static const struct sock_filter arp_filter[] = {
        BPF_STMT(BPF_LD + BPF_W + BPF_LEN, 0),                        /* A = packet length */
        BPF_JUMP(BPF_JMP + BPF_JGE + BPF_K, ARP_PACKET_SIZE, 1, 0),   /* too short? */
        BPF_STMT(BPF_RET + BPF_K, 0),                                 /* drop */
        BPF_STMT(BPF_LD + BPF_H + BPF_ABS, ARP_OFF_HTYPE),            /* A = hardware type */
        BPF_JUMP(BPF_JMP + BPF_JEQ + BPF_K, ARP_HTYPE_ETHERNET, 1, 0), /* Ethernet? */
        BPF_STMT(BPF_RET + BPF_K, 0),
        BPF_STMT(BPF_LD + BPF_H + BPF_ABS, ARP_OFF_PTYPE),            /* A = protocol type */
        BPF_JUMP(BPF_JMP + BPF_JEQ + BPF_K, ARP_PTYPE_IPV4, 1, 0),     /* IPv4? */
        BPF_STMT(BPF_RET + BPF_K, 0),
        BPF_STMT(BPF_LD + BPF_B + BPF_ABS, ARP_OFF_HLEN),             /* A = hardware address length */
        BPF_JUMP(BPF_JMP + BPF_JEQ + BPF_K, ETH_ALEN, 1, 0),           /* 6? */
        BPF_STMT(BPF_RET + BPF_K, 0),
        BPF_STMT(BPF_LD + BPF_B + BPF_ABS, ARP_OFF_PLEN),             /* A = protocol address length */
        BPF_JUMP(BPF_JMP + BPF_JEQ + BPF_K, 4, 1, 0),                  /* 4? */
        BPF_STMT(BPF_RET + BPF_K, 0),
        BPF_STMT(BPF_LD + BPF_H + BPF_ABS, ARP_OFF_OP),               /* A = operation */
        BPF_JUMP(BPF_JMP + BPF_JEQ + BPF_K, ARP_OP_REQUEST, 2, 0),     /* request? */
        BPF_JUMP(BPF_JMP + BPF_JEQ + BPF_K, ARP_OP_REPLY, 1, 0),       /* reply? */
        BPF_STMT(BPF_RET + BPF_K, 0),
        BPF_STMT(BPF_RET + BPF_K, ARP_PACKET_SIZE),                   /* accept the ARP part */
};

int arp_socket_open(int ifindex) {
        const struct sock_fprog prog = {
                .len = ELEMENTSOF(arp_filter),
                .filter = (struct sock_filter *) arp_filter,
        };
        struct sockaddr_ll sll = {
                .sll_family = AF_PACKET,
                .sll_protocol = htons(ETH_P_ARP),
                .sll_ifindex = ifindex,
        };
        int fd, r;

        if (ifindex <= 0)
                return -EINVAL;
        /* Protocol 0: the socket receives nothing until bind() below, when the filter is in
         * place, so no unfiltered packet can slip into its queue in between. */
        fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0 ||
            bind(fd, (const struct sockaddr *) &sll, sizeof sll) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        return fd;
}

int arp_socket_send(int fd, int ifindex, const void *packet, size_t len) {
        struct sockaddr_ll sll = {
                .sll_family = AF_PACKET,
                .sll_protocol = htons(ETH_P_ARP),
                .sll_ifindex = ifindex,
                .sll_halen = ETH_ALEN,
                .sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, /* RFC 5227 §2.1.1, §2.3: broadcast */
        };
        ssize_t n;

        if (fd < 0 || !packet || len == 0)
                return -EINVAL;
        n = sendto(fd, packet, len, 0, (const struct sockaddr *) &sll, sizeof sll);
        if (n < 0)
                return -errno;
        if ((size_t) n != len)
                return -EIO;
        return 0;
}

int arp_socket_receive(int fd, struct arp_packet *ret) {
        uint8_t buf[ARP_PACKET_SIZE * 2];
        struct sockaddr_ll sll = {};
        socklen_t slen = sizeof sll;
        ssize_t n;
        int r;

        n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *) &sll, &slen);
        if (n < 0)
                return errno == EWOULDBLOCK ? -EAGAIN : -errno;
        /* A packet socket also sees what this host sends (ours and the kernel's own ARP). */
        if (sll.sll_pkttype == PACKET_OUTGOING)
                return -ELOOP;
        r = arp_packet_parse(buf, (size_t) n, ret);
        if (r < 0)
                return r;
        if (slen >= offsetof(struct sockaddr_ll, sll_addr) + ETH_ALEN && sll.sll_halen == ETH_ALEN) {
                ret->has_ether_source = true;
                memcpy(&ret->ether_source, sll.sll_addr, ETH_ALEN);
        }
        return 0;
}
