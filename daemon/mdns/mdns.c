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
#include "mdns/browse.h"
#include "mdns/host-records.h"
#include "mdns/registry.h"
#include "mdns/respond.h"
#include "mdns/response-sched.h"
#include "mdns/socket.h"
#include "ratelimit.h"

/* A burst of packets is read in one wake-up, but bounded so timers and other sockets get a turn. */
#define MDNS_RX_BURST 64
#define IPV4_UDP_HEADERS 28
#define IPV6_UDP_HEADERS 48
/* RFC 6762 §17: the smallest size every link can carry (IPv6 minimum MTU less headers). */
#define MDNS_MIN_PAYLOAD (1280 - IPV6_UDP_HEADERS)
/* Our own packets come back to us (multicast loopback, and a host with two interfaces on one
 * LAN): the digests of what we sent in the last few seconds recognise them whatever their
 * source address (an address removed since the packet was sent no longer says "ours"). */
#define MDNS_SENT_RING 64
#define MDNS_SENT_KEEP (5 * USEC_PER_SEC)

struct mdns {
        struct loop *loop;
        const struct iface_table *ifaces;
        int fd[2]; /* [0] IPv4, [1] IPv6 */
        struct loop_io *io[2];
        struct mdns_stats stats;
        struct mdns_stats stats_view; /* what mdns_get_stats() returns */

        struct rng rng;
        struct registry *registry;
        struct respond_source source; /* the registry as the answering side sees it */
        struct response_sched *resp;  /* when and how answers go out (RFC 6762 §6, §7) */
        struct host_records *host;
        struct browse *browse;        /* the querier: caches, queries, subscriptions */
        uint64_t evictions_gone;      /* evictions counted by caches of links since removed */
        struct loop_timer *timer;
        bool shut_down;
        bool no_addresses; /* mdns_config.no_addresses */
        struct ratelimit legacy_rl; /* legacy unicast queries (RFC 6762 §6.7), all links together */
        /* Over the limit, the rest of the window's legacy queries are dropped by a socket filter
         * in the kernel and never wake us; the timer takes it off when the window closes. */
        struct loop_timer *legacy_timer;
        bool legacy_filtered[2];
        uint32_t legacy_drops0[2]; /* SO_MEMINFO drops when the filter went on */
        bool freeing; /* in mdns_free(): the querier hears no more of our records */
        struct {
                uint64_t hash;
                usec_t when;
        } sent[MDNS_SENT_RING];
        unsigned sent_next;

        uint8_t rx_buf[DNS_PACKET_MAX + 1];
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

static uint64_t packet_digest(const uint8_t *p, size_t len) {
        uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a 64 */

        for (size_t k = 0; k < len; k++) {
                h ^= p[k];
                h *= 0x100000001b3ULL;
        }
        return h ^ len;
}

static void mdns_remember_sent(struct mdns *m, const uint8_t *p, size_t len) {
        m->sent[m->sent_next].hash = packet_digest(p, len);
        m->sent[m->sent_next].when = now_usec();
        m->sent_next = (m->sent_next + 1) % MDNS_SENT_RING;
}

static bool mdns_sent_recently(const struct mdns *m, const uint8_t *p, size_t len, usec_t now) {
        uint64_t h = packet_digest(p, len);

        for (unsigned k = 0; k < MDNS_SENT_RING; k++)
                if (m->sent[k].when != 0 && m->sent[k].hash == h && now < m->sent[k].when + MDNS_SENT_KEEP)
                        return true;
        return false;
}

static void mdns_reschedule(struct mdns *m) {
        usec_t t;

        if (!m->timer)
                return;
        t = MIN(registry_next_timeout(m->registry), response_sched_next_timeout(m->resp));
        if (!m->shut_down)
                t = MIN(t, browse_next_timeout(m->browse)); /* no more queries once we are going */
        loop_timer_set(m->timer, t);
}

static void mdns_send_buf(struct mdns *m, const struct iface *i, int family, const union sockaddr_union *dest,
                          const uint8_t *buf, size_t len) {
        int fd = m->fd[family_index(family)];
        int r;

        if (fd < 0)
                return;
        r = mdns_socket_send(fd, i->ifindex, dest, buf, len);

        if (r < 0) {
                char d[80];

                m->stats.tx_errors++;
                log_debug("%s: send to %s failed: %s", i->name, sockaddr_to_text(dest, d, sizeof d), strerror(-r));
                return;
        }
        m->stats.tx_packets++;
}

/* registry_ops.send: probes, announcements, goodbyes, multicast on one link. */
static void mdns_registry_send(void *userdata, int ifindex, int family, const uint8_t *pkt, size_t len) {
        struct mdns *m = userdata;
        const struct iface *i = iface_table_find(m->ifaces, ifindex);
        union sockaddr_union group;

        if (!i)
                return;
        mdns_group_sockaddr(family, ifindex, &group);
        mdns_remember_sent(m, pkt, len);
        mdns_send_buf(m, i, family, &group, pkt, len);
}

/* registry_ops.announced: the scheduler counts announcements as multicasts (§6, §5.4). */
static void mdns_registry_announced(void *userdata, int ifindex, int family, uint64_t id, usec_t now) {
        struct mdns *m = userdata;

        response_sched_note_multicast(m->resp, ifindex, family, id, now);
}

/* registry_ops.answerable: our own records are the querier's second source (browse.h): local
 * clients see this host's services and names, which never enter a cache (our looped-back
 * packets are dropped above). */
static void mdns_registry_answerable(void *userdata, int ifindex, int family, const struct dns_rr *rr,
                                     bool answerable, usec_t now) {
        struct mdns *m = userdata;

        if (!m->browse || m->freeing)
                return;
        if (browse_subscription_count(m->browse) == 0)
                return; /* nobody to tell (start-up, 1,000 services): keep it cheap */
        browse_handle_local(m->browse, ifindex, family, rr, answerable, now);
        mdns_reschedule(m); /* a resolver may follow a new target; all-for-now may move */
}

static const struct registry_ops mdns_registry_ops = {
        .send = mdns_registry_send,
        .announced = mdns_registry_announced,
        .answerable = mdns_registry_answerable,
};

/* ---- the registry as a record source for the answering side (respond.h) ---- */

static void source_foreach_record(void *userdata, int ifindex, const struct dns_name *name, uint16_t type,
                                  uint16_t rclass, respond_record_cb cb, void *ctx) {
        struct mdns *m = userdata;
        struct reg_lookup it;
        struct reg_answer a;

        /* Probed (unique) or shared records that are announcing or established on the link. */
        registry_lookup_init(&it, m->registry, name, type, rclass, ifindex, AF_UNSPEC);
        while (registry_lookup_next(&it, &a)) {
                struct respond_record rec = { .rr = a.rr, .id = a.id, .unique = a.unique };

                if (!cb(ctx, &rec))
                        break;
        }
}

static bool source_lookup_record(void *userdata, int ifindex, uint64_t id, struct respond_record *ret) {
        struct mdns *m = userdata;
        struct reg_answer a;

        if (!registry_lookup_id(m->registry, id, ifindex, AF_UNSPEC, &a))
                return false;
        *ret = (struct respond_record) { .rr = a.rr, .id = a.id, .unique = a.unique };
        return true;
}

/* response_sched emit: multicast to the group of the link, or unicast (QU, §6.7 legacy). */
static void mdns_emit_response(void *userdata, const struct response_packet *p) {
        struct mdns *m = userdata;
        const struct iface *i = iface_table_find(m->ifaces, p->ifindex);
        union sockaddr_union group;

        if (!i)
                return;
        if (p->unicast) {
                mdns_send_buf(m, i, p->family, &p->dest, p->data, p->len);
                return;
        }
        mdns_group_sockaddr(p->family, p->ifindex, &group);
        mdns_remember_sent(m, p->data, p->len);
        mdns_send_buf(m, i, p->family, &group, p->data, p->len);
}

/* browse emit: our queries (RFC 6762 §5.2), to the group of the link. Not remembered as sent:
 * looped back from one of our addresses they are dropped by source; a query identical to ours
 * from elsewhere is a peer's (§7.3). */
static void mdns_emit_query(void *userdata, const struct query_packet *p) {
        struct mdns *m = userdata;
        const struct iface *i = iface_table_find(m->ifaces, p->ifindex);
        union sockaddr_union group;

        if (!i || m->shut_down)
                return;
        mdns_group_sockaddr(p->family, p->ifindex, &group);
        m->stats.queries_sent++;
        mdns_send_buf(m, i, p->family, &group, p->data, p->len);
}

static bool is_group_address(int family, const struct mdns_packet_info *pi) {
        union sockaddr_union g;

        mdns_group_sockaddr(family, 0, &g);
        if (family == AF_INET)
                return pi->dst.in.s_addr == g.in.sin_addr.s_addr;
        return memcmp(&pi->dst.in6, &g.in6.sin6_addr, sizeof g.in6.sin6_addr) == 0;
}

/* The kernel's drops on socket k since the filter went on. */
static uint32_t mdns_legacy_kernel_drops(const struct mdns *m, int k) {
        uint32_t now;

        if (!m->legacy_filtered[k] || mdns_socket_drops(m->fd[k], &now) < 0)
                return 0;
        return now - m->legacy_drops0[k];
}

static void mdns_legacy_filter_on(struct mdns *m) {
        bool any = false;

        for (int k = 0; k < 2; k++) {
                int r;

                if (m->fd[k] < 0 || m->legacy_filtered[k])
                        continue;
                r = mdns_socket_drops(m->fd[k], &m->legacy_drops0[k]);
                if (r >= 0)
                        r = mdns_socket_filter_legacy(m->fd[k], true);
                if (r < 0) {
                        /* no harm: the queries are dropped here instead, one wake-up each */
                        log_debug("cannot filter legacy unicast queries in the kernel: %s", strerror(-r));
                        continue;
                }
                m->legacy_filtered[k] = true;
                any = true;
        }
        if (any)
                loop_timer_set(m->legacy_timer, ratelimit_window_end(&m->legacy_rl));
}

static void mdns_legacy_filter_off(struct mdns *m) {
        for (int k = 0; k < 2; k++) {
                uint32_t n;

                if (!m->legacy_filtered[k])
                        continue;
                n = mdns_legacy_kernel_drops(m, k);
                m->stats.rx_rate_limited += n;
                m->stats.rx_rate_limited_kernel += n;
                (void) mdns_socket_filter_legacy(m->fd[k], false);
                m->legacy_filtered[k] = false;
        }
}

static void mdns_on_legacy_timer(struct loop_timer *t, usec_t now, void *userdata) {
        (void) t;
        (void) now;
        mdns_legacy_filter_off(userdata);
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
        /* …or one we sent from an address since removed, or from another interface of ours on
         * the same LAN: responses and probes only (a query identical to ours may be a peer's) */
        if (sport == MDNS_PORT && len >= DNS_HEADER_SIZE && ((m->rx_buf[2] & 0x80) || m->rx_buf[8] || m->rx_buf[9]) &&
            mdns_sent_recently(m, m->rx_buf, len, now_usec())) {
                m->stats.rx_own++;
                return;
        }

        /* RFC 6762 §6.7 legacy unicast queries (any source port but 5353) cost a reply each and
         * need no multicast membership: the one cheap amplification path. Checked on the header
         * alone, before any parsing. */
        if (sport != MDNS_PORT && len >= DNS_HEADER_SIZE && !(m->rx_buf[2] & 0x80) &&
            !ratelimit_below(&m->legacy_rl, now_usec())) {
                m->stats.rx_rate_limited++;
                mdns_legacy_filter_on(m);
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

        /* responses: conflicts (RFC 6762 §8.1, §9); queries with an Authority section: probes (§8.2) */
        usec_t now = now_usec();
        registry_handle_packet(m->registry, i->ifindex, family, family, &src, &msg, now);

        /* answers: RFC 6762 §6, §7 (the scheduler); responses from others feed §7.4 and §6.6 */
        struct response_packet_info info = {
                .ifindex = i->ifindex,
                .family = family,
                .source = pi->src,
                .unicast_dest = !is_group_address(family, pi), /* §5.5 */
                .max_size = mdns_payload_max(i, family),
        };
        if (msg.flags & DNS_FLAG_QR)
                (void) response_sched_handle_response(m->resp, &info, &msg, now);
        else if (registry_link_exists(m->registry, i->ifindex, family))
                /* Queries are answered over a family only where we hold a usable address of it
                 * (where the registry publishes): a reply from a link without one would leave
                 * with no valid source address, and the kernel's ARP for the querier would go
                 * out from 0.0.0.0, which reads as an RFC 5227 probe for the querier's address. */
                (void) response_sched_handle_query(m->resp, &info, &msg, now);
        else
                m->stats.rx_no_address++;

        /* the querier, on the same links as the registry (-ENOENT elsewhere): responses feed the
         * caches (passive learning, RFC 6762 §10) and the subscriptions' events; queries from
         * others feed §7.3 duplicate question suppression and §10.5 POOF. Our own packets never
         * get here (dropped above): we do not learn our own records as a peer's. */
        if (msg.flags & DNS_FLAG_QR)
                (void) browse_handle_response(m->browse, i->ifindex, family, &msg, &pi->src, now);
        else
                (void) browse_handle_query(m->browse, i->ifindex, family, &msg, &pi->src, now);
        mdns_reschedule(m);
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

static void mdns_on_timer(struct loop_timer *t, usec_t now, void *userdata) {
        struct mdns *m = userdata;

        now = now_usec();
        registry_run(m->registry, now);
        response_sched_handle_timeout(m->resp, now);
        if (!m->shut_down && browse_next_timeout(m->browse) <= now)
                (void) browse_handle_timeout(m->browse, now);
        mdns_reschedule(m);
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
        m->no_addresses = cfg->no_addresses;
        ratelimit_init(&m->legacy_rl, USEC_PER_SEC, cfg->legacy_unicast_rate);

        rng_seed_random(&m->rng);
        struct registry_config rc = {
                .ops = &mdns_registry_ops, .userdata = m, .rng = &m->rng, .records_max = cfg->records_max,
        };
        r = registry_new(&m->registry, &rc);
        if (r < 0)
                goto fail;
        m->source = (struct respond_source) {
                .foreach_record = source_foreach_record,
                .lookup_record = source_lookup_record,
                .userdata = m,
        };
        struct response_sched_config sc = {
                .source = &m->source, .rng = &m->rng, .emit = mdns_emit_response, .userdata = m,
        };
        r = response_sched_new(&m->resp, &sc);
        if (r < 0)
                goto fail;
        struct browse_config bc = {
                .rng = &m->rng, .emit = mdns_emit_query, .userdata = m, .registry = m->registry,
                .cache_entries_max = cfg->cache_entries_max,
        };
        r = browse_new(&m->browse, &bc);
        if (r < 0)
                goto fail;
        r = loop_timer_new(l, mdns_on_timer, m, &m->timer);
        if (r < 0)
                goto fail;
        r = loop_timer_new(l, mdns_on_legacy_timer, m, &m->legacy_timer);
        if (r < 0)
                goto fail;
        struct host_records_config hc = {
                .label = cfg->host_label,
                .hinfo_cpu = cfg->hinfo_cpu,
                .hinfo_os = cfg->hinfo_os,
                .renamed = cfg->host_renamed,
                .userdata = cfg->userdata,
        };
        r = host_records_new(&m->host, m->registry, &hc, now_usec());
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

void mdns_shutdown(struct mdns *m) {
        if (!m || m->shut_down)
                return;
        m->shut_down = true;
        /* RFC 6762 §10.1: goodbyes for everything, on every link, before we go */
        registry_withdraw_all(m->registry, now_usec());
        loop_timer_set(m->timer, USEC_INFINITY);
}

void mdns_free(struct mdns *m) {
        if (!m)
                return;
        m->freeing = true;
        host_records_free(m->host, now_usec());
        registry_free(m->registry);
        response_sched_free(m->resp);
        browse_free(m->browse);
        loop_timer_free(m->timer);
        loop_timer_free(m->legacy_timer);
        for (int k = 0; k < 2; k++) {
                loop_io_free(m->io[k]);
                if (m->fd[k] >= 0)
                        close(m->fd[k]);
        }
        free(m->arena_buf);
        free(m);
}

/* The querier runs where the registry publishes: joined, with a usable address to send our
 * queries from (a query from a link without one would leave with no valid source address). */
static void mdns_browse_sync_link(struct mdns *m, const struct iface *i, int family, bool want, usec_t now) {
        struct cache *c = browse_get_cache(m->browse, i->ifindex, family);
        int r;

        if (want && !c) {
                r = browse_add_link(m->browse, i->ifindex, family, mdns_payload_max(i, family), now);
                if (r < 0)
                        log_warning("%s: cannot query on %s: %s", i->name, family == AF_INET ? "IPv4" : "IPv6",
                                    strerror(-r));
        } else if (!want && c) {
                /* its records leave with it (ITEM_REMOVED); keep its eviction count */
                m->evictions_gone += cache_get_stats(c)->evicted;
                browse_remove_link(m->browse, i->ifindex, family, now);
        } else if (c)
                browse_set_link_max_size(m->browse, i->ifindex, family, mdns_payload_max(i, family));
}

static bool iface_has_usable_family(const struct iface *i, int family) {
        for (size_t k = 0; k < i->n_addrs; k++)
                if (i->addrs[k].family == family && iface_addr_is_usable(&i->addrs[k]))
                        return true;
        return false;
}

void mdns_iface_update(struct mdns *m, struct iface *i, bool serve) {
        usec_t now = now_usec();

        if (m->shut_down)
                serve = false;
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
                }
        }

        /* The host's addresses first: removed ones get their goodbyes while the link still
         * carries them; new ones are published on the links that exist or come below. */
        host_records_sync_iface(m->host, i, serve && !m->shut_down && !m->no_addresses, now);

        for (int k = 0; k < 2; k++) {
                int family = k == 0 ? AF_INET : AF_INET6;
                bool has_addr = iface_has_usable_family(i, family);
                bool want = serve && i->mdns_joined[k] && has_addr;
                bool exists = registry_link_exists(m->registry, i->ifindex, family);

                if (want && !exists) {
                        /* RFC 6762 §8: a new link (joined, link up, first address): probe, announce */
                        int r = registry_link_add(m->registry, i->ifindex, family, i->name, mdns_payload_max(i, family), now);
                        if (r < 0)
                                log_warning("%s: cannot publish on %s: %s", i->name, k == 0 ? "IPv4" : "IPv6",
                                            strerror(-r));
                } else if (!want && exists)
                        /* goodbyes if the link still carries packets (mDNS turned off on it) */
                        registry_link_remove(m->registry, i->ifindex, family,
                                             has_addr && iface_is_mdns_capable(i) && i->mdns_joined[k], now);
                else if (exists)
                        registry_link_set_payload_max(m->registry, i->ifindex, family, mdns_payload_max(i, family));
                mdns_browse_sync_link(m, i, family, want, now);
        }

        for (int k = 0; k < 2; k++) {
                int family = k == 0 ? AF_INET : AF_INET6;
                int r;

                if (m->fd[k] < 0 || serve || !i->mdns_joined[k])
                        continue;
                r = mdns_socket_leave(m->fd[k], family, i->ifindex);
                if (r < 0)
                        log_debug("%s: leaving the mDNS group: %s", i->name, strerror(-r));
                i->mdns_joined[k] = false;
                log_info("%s: mDNS off for %s", i->name, k == 0 ? "IPv4" : "IPv6");
        }
        if (!serve)
                response_sched_forget_link(m->resp, i->ifindex);
        mdns_reschedule(m);
}

void mdns_iface_remove(struct mdns *m, struct iface *i) {
        usec_t now = now_usec();

        mdns_browse_sync_link(m, i, AF_INET, false, now);
        mdns_browse_sync_link(m, i, AF_INET6, false, now);
        host_records_remove_iface(m->host, i->ifindex, now);
        registry_link_remove(m->registry, i->ifindex, AF_INET, false, now);
        registry_link_remove(m->registry, i->ifindex, AF_INET6, false, now);
        mdns_iface_update(m, i, false);
}

const struct mdns_stats *mdns_get_stats(struct mdns *m) {
        m->stats.cache_entries = 0;
        m->stats.cache_evictions = m->evictions_gone;
        for (const struct iface *i = m->ifaces->list; i; i = i->next)
                for (int k = 0; k < 2; k++) {
                        const struct cache *c = browse_get_cache(m->browse, i->ifindex, k == 0 ? AF_INET : AF_INET6);

                        if (!c)
                                continue;
                        m->stats.cache_entries += cache_get_stats(c)->entries;
                        m->stats.cache_evictions += cache_get_stats(c)->evicted;
                }
        /* with the kernel's drops of a window still open */
        m->stats_view = m->stats;
        for (int k = 0; k < 2; k++) {
                uint32_t n = mdns_legacy_kernel_drops(m, k);

                m->stats_view.rx_rate_limited += n;
                m->stats_view.rx_rate_limited_kernel += n;
        }
        return &m->stats_view;
}

int mdns_set_host_name(struct mdns *m, const char *label) {
        int r;

        if (!m || m->shut_down)
                return -EINVAL;
        r = host_records_set_label(m->host, label, now_usec());
        if (r >= 0)
                mdns_reschedule(m);
        return r;
}

const char *mdns_get_host_name(const struct mdns *m) {
        return host_records_get_name(m->host);
}

struct registry *mdns_get_registry(struct mdns *m) {
        return m->registry;
}

void mdns_registry_changed(struct mdns *m) {
        if (m && !m->shut_down)
                mdns_reschedule(m);
}

struct browse *mdns_get_browse(struct mdns *m) {
        return m->browse;
}

void mdns_browse_changed(struct mdns *m) {
        if (m && !m->shut_down)
                mdns_reschedule(m);
}
