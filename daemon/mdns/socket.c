/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdns/socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/sock_diag.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* RFC 6762 §11: all multicast DNS responses (including responses sent via unicast) SHOULD be sent
 * with IP TTL set to 255. */
#define MDNS_IP_TTL 255

static int setsockopt_int(int fd, int level, int opt, int value) {
        if (setsockopt(fd, level, opt, &value, sizeof value) < 0)
                return -errno;
        return 0;
}

void mdns_group_sockaddr(int family, int ifindex, union sockaddr_union *ret) {
        memset(ret, 0, sizeof *ret);
        if (family == AF_INET) {
                ret->in.sin_family = AF_INET;
                ret->in.sin_port = htons(MDNS_PORT);
                inet_pton(AF_INET, MDNS_MCAST_IPV4, &ret->in.sin_addr);
        } else {
                ret->in6.sin6_family = AF_INET6;
                ret->in6.sin6_port = htons(MDNS_PORT);
                ret->in6.sin6_scope_id = (uint32_t) ifindex;
                inet_pton(AF_INET6, MDNS_MCAST_IPV6, &ret->in6.sin6_addr);
        }
}

int mdns_socket_open(int family) {
        union sockaddr_union sa = { 0 };
        socklen_t salen;
        int fd, r;

        fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;

        /* RFC 6762 §15.1: several responders may share port 5353 on one host. */
        if ((r = setsockopt_int(fd, SOL_SOCKET, SO_REUSEADDR, 1)) < 0 ||
            (r = setsockopt_int(fd, SOL_SOCKET, SO_REUSEPORT, 1)) < 0)
                goto fail;

        if (family == AF_INET) {
                if ((r = setsockopt_int(fd, IPPROTO_IP, IP_PKTINFO, 1)) < 0 ||
                    (r = setsockopt_int(fd, IPPROTO_IP, IP_RECVTTL, 1)) < 0 ||
                    (r = setsockopt_int(fd, IPPROTO_IP, IP_MULTICAST_TTL, MDNS_IP_TTL)) < 0 ||
                    (r = setsockopt_int(fd, IPPROTO_IP, IP_TTL, MDNS_IP_TTL)) < 0 ||
                    (r = setsockopt_int(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 1)) < 0)
                        goto fail;
                sa.in.sin_family = AF_INET;
                sa.in.sin_port = htons(MDNS_PORT);
                sa.in.sin_addr.s_addr = htonl(INADDR_ANY);
                salen = sizeof sa.in;
        } else {
                if ((r = setsockopt_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1)) < 0 ||
                    (r = setsockopt_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)) < 0 ||
                    (r = setsockopt_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1)) < 0 ||
                    (r = setsockopt_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, MDNS_IP_TTL)) < 0 ||
                    (r = setsockopt_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, MDNS_IP_TTL)) < 0 ||
                    (r = setsockopt_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 1)) < 0)
                        goto fail;
                sa.in6.sin6_family = AF_INET6;
                sa.in6.sin6_port = htons(MDNS_PORT);
                sa.in6.sin6_addr = in6addr_any;
                salen = sizeof sa.in6;
        }

        if (bind(fd, &sa.sa, salen) < 0) {
                r = -errno;
                goto fail;
        }
        return fd;
fail:
        close(fd);
        return r;
}

static int mdns_socket_membership(int fd, int family, int ifindex, bool join) {
        if (family == AF_INET) {
                struct ip_mreqn mreq = { .imr_ifindex = ifindex };

                inet_pton(AF_INET, MDNS_MCAST_IPV4, &mreq.imr_multiaddr);
                if (setsockopt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &mreq, sizeof mreq) < 0)
                        return -errno;
        } else {
                struct ipv6_mreq mreq = { .ipv6mr_interface = (unsigned) ifindex };

                inet_pton(AF_INET6, MDNS_MCAST_IPV6, &mreq.ipv6mr_multiaddr);
                if (setsockopt(fd, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP, &mreq, sizeof mreq) < 0)
                        return -errno;
        }
        return 0;
}

int mdns_socket_join(int fd, int family, int ifindex) {
        int r = mdns_socket_membership(fd, family, ifindex, true);

        /* Already a member (a previous join survived a link bounce) is success. */
        return r == -EADDRINUSE ? 0 : r;
}

int mdns_socket_leave(int fd, int family, int ifindex) {
        int r = mdns_socket_membership(fd, family, ifindex, false);

        /* The kernel drops memberships of a vanished interface by itself. */
        return r == -EADDRNOTAVAIL || r == -ENODEV ? 0 : r;
}

ssize_t mdns_socket_recv(int fd, void *buf, size_t size, struct mdns_packet_info *info) {
        union {
                struct cmsghdr h;
                uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int)) * 2];
        } control;
        struct iovec iov = { .iov_base = buf, .iov_len = size };
        struct msghdr mh = {
                .msg_name = &info->src,
                .msg_namelen = sizeof info->src,
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = &control,
                .msg_controllen = sizeof control,
        };
        ssize_t n;

        memset(info, 0, sizeof *info);
        info->ttl = -1;
        n = recvmsg(fd, &mh, MSG_DONTWAIT);
        if (n < 0)
                return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
        if (mh.msg_flags & MSG_TRUNC)
                return -EMSGSIZE;
        info->family = info->src.sa.sa_family;

        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
                if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                        struct in_pktinfo pi;

                        memcpy(&pi, CMSG_DATA(c), sizeof pi);
                        info->ifindex = pi.ipi_ifindex;
                        info->dst.in = pi.ipi_addr;
                } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
                        memcpy(&info->ttl, CMSG_DATA(c), sizeof(int));
                } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
                        struct in6_pktinfo pi;

                        memcpy(&pi, CMSG_DATA(c), sizeof pi);
                        info->ifindex = (int) pi.ipi6_ifindex;
                        info->dst.in6 = pi.ipi6_addr;
                } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
                        memcpy(&info->ttl, CMSG_DATA(c), sizeof(int));
                }
        }
        if (info->ifindex <= 0)
                return -EBADMSG; /* no packet info: we cannot tell the link, so we cannot answer */
        return n;
}

int mdns_socket_filter_legacy(int fd, bool on) {
        /* A socket filter on a UDP socket sees the datagram from its UDP header: the source port
         * at offset 0, the DNS header at offset 8 (its QR bit: the top bit of octet 10). A load
         * past the end of a short datagram ends the program with 0: dropped. */
        static const struct sock_filter prog[] = {
                BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0),                  /* A = source port */
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, MDNS_PORT, 3, 0),   /* 5353: accept */
                BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 8 + 2),              /* A = QR, opcode, AA, TC, RD */
                BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x80, 1, 0),       /* a response: accept */
                BPF_STMT(BPF_RET | BPF_K, 0),                           /* a legacy query: drop */
                BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),                 /* accept, whole */
        };
        const struct sock_fprog fprog = { .len = ELEMENTSOF(prog), .filter = (struct sock_filter *) prog };
        int dummy = 0;

        if (on ? setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog) < 0
               : setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &dummy, sizeof dummy) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

int mdns_socket_drops(int fd, uint32_t *ret) {
        uint32_t mem[SK_MEMINFO_VARS];
        socklen_t len = sizeof mem;

        if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) < 0)
                return -errno;
        if (len < (SK_MEMINFO_DROPS + 1) * sizeof(uint32_t))
                return -EOPNOTSUPP;
        *ret = mem[SK_MEMINFO_DROPS];
        return 0;
}

int mdns_socket_send(int fd, int ifindex, const union sockaddr_union *dest, const void *buf, size_t len) {
        union {
                struct cmsghdr h;
                uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
        } control;
        struct iovec iov = { .iov_base = (void *) buf, .iov_len = len };
        struct msghdr mh = {
                .msg_name = (void *) &dest->sa,
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = &control,
        };
        struct cmsghdr *c;

        memset(&control, 0, sizeof control);
        c = (struct cmsghdr *) control.buf;
        /* The interface is chosen per packet through the packet-info control message, so one
         * socket serves every link (and a host without a 224.0.0.0/4 route still sends). */
        if (dest->sa.sa_family == AF_INET) {
                struct in_pktinfo pi = { .ipi_ifindex = ifindex };

                mh.msg_namelen = sizeof dest->in;
                mh.msg_controllen = CMSG_SPACE(sizeof pi);
                c->cmsg_level = IPPROTO_IP;
                c->cmsg_type = IP_PKTINFO;
                c->cmsg_len = CMSG_LEN(sizeof pi);
                memcpy(CMSG_DATA(c), &pi, sizeof pi);
        } else {
                struct in6_pktinfo pi = { .ipi6_ifindex = (unsigned) ifindex };

                mh.msg_namelen = sizeof dest->in6;
                mh.msg_controllen = CMSG_SPACE(sizeof pi);
                c->cmsg_level = IPPROTO_IPV6;
                c->cmsg_type = IPV6_PKTINFO;
                c->cmsg_len = CMSG_LEN(sizeof pi);
                memcpy(CMSG_DATA(c), &pi, sizeof pi);
        }
        if (sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
                return -errno;
        return 0;
}
