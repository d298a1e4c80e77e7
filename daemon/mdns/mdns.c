/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdns/mdns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/dns.h"
#include "log.h"
#include "mdns/respond.h"
#include "mdns/socket.h"

/* A burst of packets is read in one wake-up, but bounded so timers and other sockets get a turn. */
#define MDNS_RX_BURST 64
#define IPV4_UDP_HEADERS 28
#define IPV6_UDP_HEADERS 48
/* RFC 6762 §17: the smallest size every link can carry (IPv6 minimum MTU less headers). */
#define MDNS_MIN_PAYLOAD (1280 - IPV6_UDP_HEADERS)

struct mdns {
        struct loop *loop;
        const struct iface_table *ifaces;
        int fd[2]; /* [0] IPv4, [1] IPv6 */
        struct loop_io *io[2];
        struct dns_name host;
        char host_text[DNS_NAME_TEXT_MAX];
        struct mdns_stats stats;

        uint8_t rx_buf[DNS_PACKET_MAX + 1];
        uint8_t tx_buf[DNS_PACKET_MAX];
        struct dns_arena arena;
        uint8_t *arena_buf;
};

static int family_index(int family) {
        return family == AF_INET ? 0 : 1;
}

static const char *sockaddr_to_text(const union sockaddr_union *sa, char *buf, size_t size) {
        char a[INET6_ADDRSTRLEN] = "?";

        if (sa->sa.sa_family == AF_INET) {
                inet_ntop(AF_INET, &sa->in.sin_addr, a, sizeof a);
                snprintf(buf, size, "%s:%u", a, ntohs(sa->in.sin_port));
        } else {
                inet_ntop(AF_INET6, &sa->in6.sin6_addr, a, sizeof a);
                snprintf(buf, size, "[%s]:%u", a, ntohs(sa->in6.sin6_port));
        }
        return buf;
}

static size_t mdns_payload_max(const struct iface *i, int family) {
        size_t hdr = family == AF_INET ? IPV4_UDP_HEADERS : IPV6_UDP_HEADERS;
        size_t max = i->mtu > hdr ? i->mtu - hdr : 0;

        if (max < MDNS_MIN_PAYLOAD)
                max = MDNS_MIN_PAYLOAD;
        return MIN(max, (size_t) DNS_PACKET_MAX);
}

static void mdns_send(struct mdns *m, const struct iface *i, int family, const union sockaddr_union *dest, size_t len) {
        int r = mdns_socket_send(m->fd[family_index(family)], i->ifindex, dest, m->tx_buf, len);

        if (r < 0) {
                char d[80];

                m->stats.tx_errors++;
                log_debug("%s: send to %s failed: %s", i->name, sockaddr_to_text(dest, d, sizeof d), strerror(-r));
                return;
        }
        m->stats.tx_packets++;
}

static void mdns_handle_packet(struct mdns *m, int family, size_t len, const struct mdns_packet_info *pi) {
        const struct iface *i;
        union in_addr_union src;
        struct dns_msg msg;
        uint16_t sport;
        char s[80];
        int r;

        i = iface_table_find(m->ifaces, pi->ifindex);
        if (!i || !i->mdns_joined[family_index(family)]) {
                m->stats.rx_unknown_if++;
                return;
        }
        if (family == AF_INET) {
                src.in = pi->src.in.sin_addr;
                sport = ntohs(pi->src.in.sin_port);
        } else {
                src.in6 = pi->src.in6.sin6_addr;
                sport = ntohs(pi->src.in6.sin6_port);
        }

        /* RFC 6762 §11: accept only packets from the local link. This also keeps legacy unicast
         * queries from off-link hosts unanswered (the CVE-2017-6519 class). */
        if (!iface_is_onlink(i, family, &src)) {
                m->stats.rx_offlink++;
                log_debug("%s: dropped a packet from off-link %s", i->name, sockaddr_to_text(&pi->src, s, sizeof s));
                return;
        }
        /* Our own multicast, looped back to us. */
        if (sport == MDNS_PORT && iface_has_addr(i, family, &src)) {
                m->stats.rx_own++;
                return;
        }

        dns_arena_reset(&m->arena);
        r = dns_msg_parse(&msg, m->rx_buf, len, &m->arena);
        if (r < 0) {
                m->stats.rx_malformed++;
                log_debug("%s: dropped a malformed packet from %s: %s", i->name,
                          sockaddr_to_text(&pi->src, s, sizeof s), strerror(-r));
                return;
        }
        if (msg.flags & DNS_FLAG_QR)
                return; /* responses feed the cache and conflict detection, which come with M1-2/M1-4 */

        struct respond_query q = { .msg = &msg, .legacy = sport != MDNS_PORT };
        struct respond_result res;

        r = respond_host_query(&q, &m->host, i, m->tx_buf, mdns_payload_max(i, family), &res);
        if (r < 0) {
                log_debug("%s: could not build a response to %s: %s", i->name,
                          sockaddr_to_text(&pi->src, s, sizeof s), strerror(-r));
                return;
        }
        if (res.len == 0)
                return;
        if (res.unicast)
                mdns_send(m, i, family, &pi->src, res.len);
        else {
                union sockaddr_union group;

                mdns_group_sockaddr(family, i->ifindex, &group);
                mdns_send(m, i, family, &group, res.len);
        }
}

static void mdns_on_readable(struct loop_io *io, int fd, uint32_t revents, void *userdata) {
        struct mdns *m = userdata;
        int family = fd == m->fd[0] ? AF_INET : AF_INET6;

        for (int n = 0; n < MDNS_RX_BURST; n++) {
                struct mdns_packet_info pi;
                ssize_t len = mdns_socket_recv(fd, m->rx_buf, sizeof m->rx_buf, &pi);

                if (len == 0)
                        break;
                if (len < 0) {
                        if (len == -EMSGSIZE || (size_t) len > DNS_PACKET_MAX)
                                m->stats.rx_oversize++;
                        else
                                m->stats.rx_malformed++;
                        continue;
                }
                m->stats.rx_packets++;
                if ((size_t) len > DNS_PACKET_MAX) {
                        m->stats.rx_oversize++; /* RFC 6762 §17 */
                        continue;
                }
                mdns_handle_packet(m, family, (size_t) len, &pi);
        }
}

int mdns_new(struct mdns **ret, struct loop *l, const struct iface_table *ifaces, const struct mdns_config *cfg) {
        struct mdns *m;
        int r;

        m = calloc(1, sizeof *m);
        if (!m)
                return -ENOMEM;
        m->loop = l;
        m->ifaces = ifaces;
        m->fd[0] = m->fd[1] = -1;

        snprintf(m->host_text, sizeof m->host_text, "%s.local", cfg->host_label);
        r = dns_name_from_text(&m->host, m->host_text);
        if (r < 0) {
                log_error("invalid host name '%s': %s", cfg->host_label, strerror(-r));
                goto fail;
        }

        m->arena_buf = malloc(DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));
        if (!m->arena_buf) {
                r = -ENOMEM;
                goto fail;
        }
        dns_arena_init(&m->arena, m->arena_buf, DNS_ARENA_SIZE_FOR_PACKET(DNS_PACKET_MAX));

        for (int k = 0; k < 2; k++) {
                int family = k == 0 ? AF_INET : AF_INET6;

                if (!(k == 0 ? cfg->use_ipv4 : cfg->use_ipv6))
                        continue;
                m->fd[k] = mdns_socket_open(family);
                if (m->fd[k] < 0) {
                        r = m->fd[k];
                        log_error("cannot open the mDNS %s socket on port %d: %s", k == 0 ? "IPv4" : "IPv6",
                                  MDNS_PORT, strerror(-r));
                        goto fail;
                }
                r = loop_io_add(l, m->fd[k], EPOLLIN, mdns_on_readable, m, &m->io[k]);
                if (r < 0)
                        goto fail;
        }
        *ret = m;
        return 0;
fail:
        mdns_free(m);
        return r;
}

void mdns_free(struct mdns *m) {
        if (!m)
                return;
        for (int k = 0; k < 2; k++) {
                loop_io_free(m->io[k]);
                if (m->fd[k] >= 0)
                        close(m->fd[k]);
        }
        free(m->arena_buf);
        free(m);
}

void mdns_iface_update(struct mdns *m, struct iface *i, bool serve) {
        for (int k = 0; k < 2; k++) {
                int family = k == 0 ? AF_INET : AF_INET6;
                int r;

                if (m->fd[k] < 0)
                        continue;
                if (serve && !i->mdns_joined[k]) {
                        r = mdns_socket_join(m->fd[k], family, i->ifindex);
                        if (r < 0) {
                                log_warning("%s: cannot join the mDNS %s group: %s", i->name,
                                            k == 0 ? MDNS_MCAST_IPV4 : MDNS_MCAST_IPV6, strerror(-r));
                                continue;
                        }
                        i->mdns_joined[k] = true;
                        log_info("%s: mDNS on %s", i->name, k == 0 ? "IPv4" : "IPv6");
                } else if (!serve && i->mdns_joined[k]) {
                        r = mdns_socket_leave(m->fd[k], family, i->ifindex);
                        if (r < 0)
                                log_debug("%s: leaving the mDNS group: %s", i->name, strerror(-r));
                        i->mdns_joined[k] = false;
                        log_info("%s: mDNS off for %s", i->name, k == 0 ? "IPv4" : "IPv6");
                }
        }
}

void mdns_iface_remove(struct mdns *m, struct iface *i) {
        mdns_iface_update(m, i, false);
}

const struct mdns_stats *mdns_get_stats(const struct mdns *m) {
        return &m->stats;
}

const char *mdns_get_host_name(const struct mdns *m) {
        return m->host_text;
}
