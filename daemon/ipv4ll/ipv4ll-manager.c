/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IPv4 link-local in the daemon: cores, ARP sockets, timers, netlink. See ipv4ll-manager.h.
 *
 * Each managed link is in one phase:
 *   idle      — the core is disabled: the policy wants no address, or the link is down;
 *   grace     — policy auto, no other IPv4 address: waiting grace-period before starting;
 *   running   — the core runs: ARP is read and fed to it, its timer is armed;
 *   suspended — the core was running and the link lost IFF_UP or carrier: its timer is off and
 *               received ARP is dropped; when the link comes back, ipv4ll_restart() probes the
 *               held address again before using it (RFC 5227 §2.1, Bonjour conformance I.6);
 *   retry     — the ARP socket could not be opened or netlink refused the address: the core is
 *               stopped and started again after RETRY_INTERVAL. */
#include "ipv4ll/ipv4ll-manager.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipv4ll/arp-socket.h"
#include "log.h"

#define IPV4LL_NETWORK 0xA9FE0000U   /* 169.254.0.0, host byte order */
#define IPV4LL_BROADCAST 0xA9FEFFFFU /* 169.254.255.255 (RFC 3927 §2.1's /16) */
#define IPV4LL_PREFIXLEN 16

#define RETRY_INTERVAL (30 * USEC_PER_SEC) /* after a failure of ours (socket, netlink) */
#define ARP_READS_PER_WAKE 64              /* then let the loop breathe */
#define STATE_FILE_MAX 64                  /* "169.254.254.255\n" fits many times over */

enum link_phase {
        PHASE_IDLE,
        PHASE_GRACE,
        PHASE_RUNNING,
        PHASE_SUSPENDED,
        PHASE_RETRY,
};

static const char *const link_phase_table[] = {
        [PHASE_IDLE] = "idle",
        [PHASE_GRACE] = "grace",
        [PHASE_RUNNING] = "running",
        [PHASE_SUSPENDED] = "suspended",
        [PHASE_RETRY] = "retry",
};

struct ll_link {
        struct ipv4ll_manager *m;
        int ifindex;
        char ifname[IF_NAMESIZE];
        struct ether_addr mac;
        enum conf_ipv4ll_policy policy;

        struct ipv4ll *core;
        int fd; /* ARP socket, -1 when closed */
        struct loop_io *io;
        struct loop_timer *timer;
        enum link_phase phase;

        bool wanted;      /* the policy wants an address now */
        bool operational; /* IFF_UP and IFF_RUNNING */
        struct in_addr other; /* auto: the other IPv4 address that makes ours unwanted */

        bool configured;      /* configured_addr is on the interface (we added it) */
        bool configured_seen; /* ... and netlink has shown it to us since */
        struct in_addr configured_addr;
        bool route_added;     /* we added the 169.254.0.0/16 route */
        struct in_addr removed_addr; /* we removed it; netlink may not have told us yet */
        struct in_addr remembered; /* what the state file holds */
        bool gone;            /* the link was removed: no more kernel requests */

        struct ll_link *next;
};

struct ipv4ll_manager {
        struct loop *loop;
        struct netlink *nl;
        const struct conf *conf;
        struct rng rng; /* randomness for the cores' waits */
        struct ll_link *links;
        ipv4ll_manager_state_cb state_cb;
        void *state_userdata;
};

static void link_handle_actions(struct ll_link *l, const struct ipv4ll_actions *acts, usec_t now);

static const char *addr_to_string(struct in_addr a, char buf[static INET_ADDRSTRLEN]) {
        return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* ---- the state file: STATE_DIR/ipv4ll-IFNAME holds the address held last ---- */

static int state_file_path(const struct ll_link *l, char *buf, size_t size, const char *suffix) {
        int n = snprintf(buf, size, "%s/ipv4ll-%s%s", l->m->conf->state_dir, l->ifname, suffix);

        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

/* RFC 3927 §2.1: the address this interface held last, tried first. A missing file is normal;
 * an unreadable, corrupt or out-of-range one is logged and ignored. */
static struct in_addr state_file_read(const struct ll_link *l) {
        char path[PATH_MAX], buf[STATE_FILE_MAX + 1], *end;
        struct in_addr a = {};
        ssize_t n;
        int fd;

        if (state_file_path(l, path, sizeof path, "") < 0)
                return a;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0) {
                if (errno == ENOENT)
                        log_debug("ipv4ll %s: no remembered address (%s)", l->ifname, path);
                else
                        log_warning("ipv4ll %s: cannot read %s: %m; ignoring it", l->ifname, path);
                return a;
        }
        n = read(fd, buf, sizeof buf);
        close(fd);
        if (n < 0) {
                log_warning("ipv4ll %s: cannot read %s: %m; ignoring it", l->ifname, path);
                return a;
        }
        if (n > STATE_FILE_MAX || memchr(buf, '\0', (size_t) n)) {
                log_warning("ipv4ll %s: %s is corrupt (not a short text file); ignoring it", l->ifname, path);
                return a;
        }
        buf[n] = '\0';
        end = buf + strlen(buf);
        while (end > buf && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
                *--end = '\0';
        if (inet_pton(AF_INET, buf, &a) != 1) {
                log_warning("ipv4ll %s: %s is corrupt (expected an IPv4 address); ignoring it", l->ifname, path);
                return (struct in_addr) {};
        }
        if (!ipv4ll_address_is_valid(a)) {
                log_warning("ipv4ll %s: %s holds %s, outside 169.254.1.0-169.254.254.255 (RFC 3927 §2.1); "
                            "ignoring it", l->ifname, path, buf);
                return (struct in_addr) {};
        }
        log_debug("ipv4ll %s: remembered address %s", l->ifname, buf);
        return a;
}

/* Write-then-rename, so that a crash leaves the old file or the new one, never half of one. */
static void state_file_write(struct ll_link *l, struct in_addr a) {
        char path[PATH_MAX], tmp[PATH_MAX], text[INET_ADDRSTRLEN + 1];
        size_t len;
        int fd;

        if (a.s_addr == l->remembered.s_addr)
                return;
        if (state_file_path(l, path, sizeof path, "") < 0 || state_file_path(l, tmp, sizeof tmp, ".tmp") < 0) {
                log_warning("ipv4ll %s: state directory path too long; not remembering the address", l->ifname);
                return;
        }
        if (mkdir(l->m->conf->state_dir, 0755) < 0 && errno != EEXIST) {
                log_warning("ipv4ll %s: cannot create %s: %m; not remembering the address", l->ifname,
                            l->m->conf->state_dir);
                return;
        }
        addr_to_string(a, text);
        len = strlen(text);
        text[len++] = '\n';
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0) {
                log_warning("ipv4ll %s: cannot write %s: %m", l->ifname, tmp);
                return;
        }
        if (write(fd, text, len) != (ssize_t) len || fsync(fd) < 0) {
                log_warning("ipv4ll %s: cannot write %s: %m", l->ifname, tmp);
                close(fd);
                unlink(tmp);
                return;
        }
        close(fd);
        if (rename(tmp, path) < 0) {
                log_warning("ipv4ll %s: cannot rename %s to %s: %m", l->ifname, tmp, path);
                unlink(tmp);
                return;
        }
        l->remembered = a;
}

/* ---- the address and the route ---- */

static uint32_t link_route_metric(const struct ll_link *l) {
        return IPV4LL_ROUTE_METRIC_BASE + (uint32_t) l->ifindex;
}

static int link_configure(struct ll_link *l, struct in_addr addr) {
        union in_addr_union net = { .in.s_addr = htonl(IPV4LL_NETWORK) };
        struct netlink_addr a = {
                .ifindex = l->ifindex,
                .family = AF_INET,
                .addr.in = addr,
                .broadcast.in.s_addr = htonl(IPV4LL_BROADCAST),
                .prefixlen = IPV4LL_PREFIXLEN,
                .scope = RT_SCOPE_LINK,
                /* our own route below, with a high metric, instead of the kernel's metric-0 one */
                .flags = IFA_F_NOPREFIXROUTE,
        };
        char buf[INET_ADDRSTRLEN];
        int r;

        r = netlink_addr_add(l->m->nl, &a); /* logs its failures */
        if (r < 0)
                return r;
        l->configured = true;
        l->configured_seen = false; /* a DEL of its earlier self may still be on its way */
        l->configured_addr = addr;
        if (l->removed_addr.s_addr == addr.s_addr)
                l->removed_addr.s_addr = 0;

        r = netlink_route_add(l->m->nl, l->ifindex, AF_INET, &net, IPV4LL_PREFIXLEN, link_route_metric(l),
                              RT_SCOPE_LINK);
        if (r >= 0)
                l->route_added = true;
        else if (r != -EEXIST) /* -EEXIST: an identical route is there already; not ours to remove */
                log_warning("ipv4ll %s: no route for 169.254.0.0/16; link-local peers may be unreachable",
                            l->ifname);
        log_info("ipv4ll %s: configured %s/%u (route metric %u)", l->ifname, addr_to_string(addr, buf),
                 IPV4LL_PREFIXLEN, link_route_metric(l));
        state_file_write(l, addr);
        return 0;
}

static void link_unconfigure(struct ll_link *l) {
        union in_addr_union net = { .in.s_addr = htonl(IPV4LL_NETWORK) };
        struct netlink_addr a = {
                .ifindex = l->ifindex,
                .family = AF_INET,
                .addr.in = l->configured_addr,
                .prefixlen = IPV4LL_PREFIXLEN,
        };
        char buf[INET_ADDRSTRLEN];

        if (!l->configured)
                return;
        if (!l->gone) {
                if (l->route_added)
                        (void) netlink_route_del(l->m->nl, l->ifindex, AF_INET, &net, IPV4LL_PREFIXLEN,
                                                 link_route_metric(l), RT_SCOPE_LINK);
                (void) netlink_addr_del(l->m->nl, &a);
                l->removed_addr = l->configured_addr;
        }
        log_info("ipv4ll %s: removed %s/%u", l->ifname, addr_to_string(l->configured_addr, buf), IPV4LL_PREFIXLEN);
        l->configured = l->configured_seen = l->route_added = false;
        l->configured_addr.s_addr = 0;
}

/* ---- the ARP socket ---- */

static void link_close_socket(struct ll_link *l) {
        loop_io_free(l->io);
        l->io = NULL;
        if (l->fd >= 0)
                close(l->fd);
        l->fd = -1;
}

static void link_arm(struct ll_link *l);

static void on_arp(struct loop_io *io, int fd, uint32_t revents, void *userdata) {
        struct ll_link *l = userdata;

        for (unsigned k = 0; k < ARP_READS_PER_WAKE && l->fd >= 0; k++) {
                struct ipv4ll_actions acts;
                struct arp_packet p;
                int r = arp_socket_receive(l->fd, &p);

                if (r == -EAGAIN)
                        break;
                if (r == -ELOOP) /* what we (or the kernel) sent */
                        continue;
                if (r == -EBADMSG || r == -EPROTONOSUPPORT) {
                        log_debug("ipv4ll %s: dropping a malformed ARP packet", l->ifname);
                        continue;
                }
                if (r == -ENETDOWN || r == -EINTR) /* the link went down; netlink tells us the rest */
                        continue;
                if (r < 0) {
                        log_error("ipv4ll %s: cannot read ARP: %s", l->ifname, strerror(-r));
                        break;
                }
                if (l->phase != PHASE_RUNNING)
                        continue; /* suspended: nothing to do with it */
                r = ipv4ll_handle_arp(l->core, &p, now_usec(), &acts);
                if (r < 0) {
                        log_error("ipv4ll %s: cannot handle an ARP packet: %s", l->ifname, strerror(-r));
                        continue;
                }
                link_handle_actions(l, &acts, now_usec());
        }
        link_arm(l);
}

static int link_open_socket(struct ll_link *l) {
        int fd, r;

        if (l->fd >= 0)
                return 0;
        fd = arp_socket_open(l->ifindex);
        if (fd < 0) {
                log_error("ipv4ll %s: cannot open the ARP socket: %s%s", l->ifname, strerror(-fd),
                          fd == -EPERM ? " (needs CAP_NET_RAW)" : "");
                return fd;
        }
        l->fd = fd;
        r = loop_io_add(l->m->loop, fd, EPOLLIN, on_arp, l, &l->io);
        if (r < 0) {
                log_error("ipv4ll %s: cannot watch the ARP socket: %s", l->ifname, strerror(-r));
                link_close_socket(l);
                return r;
        }
        return 0;
}

/* ---- phases ---- */

static void link_set_phase(struct ll_link *l, enum link_phase phase) {
        if (l->phase == phase)
                return;
        log_debug("ipv4ll %s: %s -> %s", l->ifname, link_phase_table[l->phase], link_phase_table[phase]);
        l->phase = phase;
}

static void link_arm(struct ll_link *l) {
        if (l->phase == PHASE_RUNNING)
                loop_timer_set(l->timer, ipv4ll_next_timeout(l->core));
        else if (l->phase != PHASE_GRACE && l->phase != PHASE_RETRY)
                loop_timer_set(l->timer, USEC_INFINITY);
        /* grace and retry: set when entered */
}

static void link_fill_status(const struct ll_link *l, struct ipv4ll_link_status *st) {
        *st = (struct ipv4ll_link_status) {
                .state = ipv4ll_get_state(l->core),
                .address = ipv4ll_get_address(l->core),
                .configured = l->configured,
                .policy = l->policy,
        };
}

/* Stop the core (LOST removes the address) and close the socket. */
static void link_stop_core(struct ll_link *l, usec_t now) {
        struct ipv4ll_actions acts;

        if (ipv4ll_get_state(l->core) != IPV4LL_STATE_DISABLED && ipv4ll_stop(l->core, now, &acts) >= 0)
                link_handle_actions(l, &acts, now);
        link_unconfigure(l); /* if the core somehow had not said LOST */
        link_close_socket(l);
}

static void link_enter_retry(struct ll_link *l, usec_t now) {
        link_stop_core(l, now);
        link_set_phase(l, PHASE_RETRY);
        loop_timer_set(l->timer, now + RETRY_INTERVAL);
        log_notice("ipv4ll %s: trying again in %llu s", l->ifname,
                   (unsigned long long) (RETRY_INTERVAL / USEC_PER_SEC));
}

static void link_start_core(struct ll_link *l, usec_t now) {
        struct ipv4ll_actions acts;
        int r;

        if (link_open_socket(l) < 0) {
                link_enter_retry(l, now);
                return;
        }
        link_set_phase(l, PHASE_RUNNING);
        r = ipv4ll_start(l->core, now, &acts);
        if (r < 0) {
                log_error("ipv4ll %s: cannot start: %s", l->ifname, strerror(-r));
                link_enter_retry(l, now);
                return;
        }
        link_handle_actions(l, &acts, now);
        link_arm(l);
}

/* Carry out what the core asked for. */
static void link_handle_actions(struct ll_link *l, const struct ipv4ll_actions *acts, usec_t now) {
        char buf[INET_ADDRSTRLEN];
        bool refused = false;

        for (size_t k = 0; k < acts->n; k++) {
                const struct ipv4ll_action *a = &acts->actions[k];
                struct ipv4ll_link_status st;
                int r;

                switch (a->kind) {
                case IPV4LL_ACTION_SEND_PROBE:
                case IPV4LL_ACTION_SEND_ANNOUNCEMENT:
                        if (refused || l->fd < 0)
                                break; /* never announce an address we could not configure */
                        r = arp_socket_send(l->fd, l->ifindex, a->packet, a->packet_len);
                        if (r < 0)
                                log_warning("ipv4ll %s: cannot send an ARP %s for %s: %s", l->ifname,
                                            a->kind == IPV4LL_ACTION_SEND_PROBE ? "probe" : "announcement",
                                            addr_to_string(a->addr, buf), strerror(-r));
                        else
                                log_debug("ipv4ll %s: sent ARP %s for %s", l->ifname,
                                          a->kind == IPV4LL_ACTION_SEND_PROBE ? "probe" : "announcement",
                                          addr_to_string(a->addr, buf));
                        break;

                case IPV4LL_ACTION_BOUND:
                        if (link_configure(l, a->addr) < 0) {
                                log_error("ipv4ll %s: the kernel refused %s/%u; giving it up", l->ifname,
                                          addr_to_string(a->addr, buf), IPV4LL_PREFIXLEN);
                                refused = true;
                        }
                        break;

                case IPV4LL_ACTION_LOST:
                        if (l->configured && l->configured_addr.s_addr == a->addr.s_addr)
                                link_unconfigure(l);
                        break;

                case IPV4LL_ACTION_STATE_CHANGED: /* the core logged it */
                        if (l->m->state_cb) {
                                link_fill_status(l, &st);
                                st.state = a->state;
                                l->m->state_cb(l->m->state_userdata, l->ifindex, &st);
                        }
                        break;

                case _IPV4LL_ACTION_KIND_MAX:
                        break;
                }
        }
        if (refused)
                link_enter_retry(l, now); /* stops the core: LOST, disabled */
}

static void on_timer(struct loop_timer *t, usec_t now, void *userdata) {
        struct ll_link *l = userdata;
        struct ipv4ll_actions acts;
        int r;

        switch (l->phase) {
        case PHASE_GRACE:
        case PHASE_RETRY:
                loop_timer_set(l->timer, USEC_INFINITY);
                if (l->wanted && l->operational)
                        link_start_core(l, now);
                else
                        link_set_phase(l, PHASE_IDLE);
                break;
        case PHASE_RUNNING:
                r = ipv4ll_handle_timeout(l->core, now, &acts);
                if (r < 0)
                        log_error("ipv4ll %s: timer: %s", l->ifname, strerror(-r));
                else
                        link_handle_actions(l, &acts, now);
                link_arm(l);
                break;
        case PHASE_IDLE:
        case PHASE_SUSPENDED:
                break;
        }
}

/* Bring the phase in line with wanted/operational. */
static void link_evaluate(struct ll_link *l, usec_t now) {
        struct ipv4ll_actions acts;
        char buf[INET_ADDRSTRLEN];
        int r;

        if (!l->wanted) {
                if (l->phase == PHASE_RUNNING || l->phase == PHASE_SUSPENDED)
                        log_info("ipv4ll %s: %s is configured: releasing the link-local address (RFC 3927 §1.9)",
                                 l->ifname, addr_to_string(l->other, buf));
                else if (l->phase == PHASE_GRACE)
                        log_info("ipv4ll %s: %s is configured: not claiming a link-local address", l->ifname,
                                 addr_to_string(l->other, buf));
                link_stop_core(l, now);
                link_set_phase(l, PHASE_IDLE);
                link_arm(l);
                return;
        }

        switch (l->phase) {
        case PHASE_IDLE:
                if (!l->operational)
                        break;
                if (l->policy == CONF_IPV4LL_AUTO && l->m->conf->ipv4ll_grace_usec > 0) {
                        /* give a DHCP client its chance first */
                        log_info("ipv4ll %s: no IPv4 address; claiming a link-local one in %.1f s unless one "
                                 "appears", l->ifname, (double) l->m->conf->ipv4ll_grace_usec / 1e6);
                        link_set_phase(l, PHASE_GRACE);
                        loop_timer_set(l->timer, now + l->m->conf->ipv4ll_grace_usec);
                } else {
                        log_info("ipv4ll %s: claiming a link-local address (policy %s)", l->ifname,
                                 conf_ipv4ll_policy_to_string(l->policy));
                        link_start_core(l, now);
                }
                break;

        case PHASE_GRACE:
        case PHASE_RETRY:
                if (!l->operational) {
                        link_set_phase(l, PHASE_IDLE);
                        loop_timer_set(l->timer, USEC_INFINITY);
                }
                break;

        case PHASE_RUNNING:
                if (!l->operational) {
                        log_info("ipv4ll %s: link down: pausing", l->ifname);
                        link_set_phase(l, PHASE_SUSPENDED);
                        link_arm(l);
                }
                break;

        case PHASE_SUSPENDED:
                if (!l->operational)
                        break;
                log_info("ipv4ll %s: link up again", l->ifname);
                link_set_phase(l, PHASE_RUNNING);
                /* RFC 5227 §2.1: probe the held address again before using it */
                r = ipv4ll_restart(l->core, now, &acts);
                if (r < 0)
                        log_error("ipv4ll %s: cannot restart with %s: %s", l->ifname,
                                  addr_to_string(ipv4ll_get_address(l->core), buf), strerror(-r));
                else
                        link_handle_actions(l, &acts, now);
                link_arm(l);
                break;
        }
}

/* ---- interfaces ---- */

static bool iface_ipv4ll_capable(const struct iface *i) {
        const uint8_t *mac = i->hwaddr;
        static const uint8_t zero[ETH_ALEN];

        /* Ethernet-like and ARP-capable, with a unicast MAC of our own: RFC 3927 §1.2 / RFC 5227 */
        return i->arptype == ARPHRD_ETHER && i->hwaddr_len == ETH_ALEN && !(i->flags & (IFF_NOARP | IFF_LOOPBACK)) &&
               !(mac[0] & 0x01) && memcmp(mac, zero, ETH_ALEN) != 0;
}

/* Policy auto: is there an IPv4 address on the interface besides ours (and loopback ones)?
 * RFC 3927 §1.9: a routable address means the link-local one must go. A link-local address that
 * someone else configured (statically, or another IPv4LL client) means the interface has one
 * already: a second would only compete with it. */
static bool link_find_other_ipv4(const struct ll_link *l, const struct iface *i, struct in_addr *ret) {
        for (size_t k = 0; k < i->n_addrs; k++) {
                const struct iface_addr *a = &i->addrs[k];
                uint32_t h;

                if (a->family != AF_INET)
                        continue;
                h = ntohl(a->addr.in.s_addr);
                if ((h & 0xFF000000U) == 0x7F000000U || h == 0)
                        continue;
                if (l->configured && a->addr.in.s_addr == l->configured_addr.s_addr)
                        continue;
                if (a->addr.in.s_addr == l->removed_addr.s_addr) /* its DEL event is on its way */
                        continue;
                *ret = a->addr.in;
                return true;
        }
        return false;
}

/* After a crash (or kill -9) the address we held may still be on the interface, with our route:
 * we would take it for someone else's. Remove both, so that the address is probed again before
 * it is used (RFC 5227 §2.1) and then configured as ours. */
static void link_remove_stale(struct ll_link *l, const struct iface *i) {
        union in_addr_union net = { .in.s_addr = htonl(IPV4LL_NETWORK) };
        struct netlink_addr a = {
                .ifindex = l->ifindex,
                .family = AF_INET,
                .addr.in = l->remembered,
                .prefixlen = IPV4LL_PREFIXLEN,
        };
        char buf[INET_ADDRSTRLEN];

        if (l->remembered.s_addr == 0 || !iface_has_addr(i, AF_INET, &(union in_addr_union) { .in = l->remembered }))
                return;
        log_notice("ipv4ll %s: %s, remembered in the state file, is still configured (left by an earlier run?): "
                   "removing it, to probe it again", l->ifname, addr_to_string(l->remembered, buf));
        (void) netlink_route_del(l->m->nl, l->ifindex, AF_INET, &net, IPV4LL_PREFIXLEN, link_route_metric(l),
                                 RT_SCOPE_LINK);
        if (netlink_addr_del(l->m->nl, &a) >= 0)
                l->removed_addr = l->remembered;
}

static struct ll_link *manager_find(const struct ipv4ll_manager *m, int ifindex) {
        for (struct ll_link *l = m->links; l; l = l->next)
                if (l->ifindex == ifindex)
                        return l;
        return NULL;
}

static void link_free(struct ll_link *l, usec_t now) {
        struct ipv4ll_manager *m = l->m;

        link_stop_core(l, now);
        loop_timer_free(l->timer);
        ipv4ll_free(l->core);
        for (struct ll_link **p = &m->links; *p; p = &(*p)->next)
                if (*p == l) {
                        *p = l->next;
                        break;
                }
        free(l);
}

static struct ll_link *link_new(struct ipv4ll_manager *m, const struct iface *i) {
        struct ipv4ll_config cfg;
        struct ll_link *l;
        int r;

        l = calloc(1, sizeof *l);
        if (!l) {
                log_error("ipv4ll %s: out of memory", i->name);
                return NULL;
        }
        l->m = m;
        l->fd = -1;
        l->ifindex = i->ifindex;
        snprintf(l->ifname, sizeof l->ifname, "%s", i->name);
        memcpy(&l->mac, i->hwaddr, ETH_ALEN);
        l->phase = PHASE_IDLE;
        l->remembered = state_file_read(l);

        cfg = (struct ipv4ll_config) {
                .ifname = l->ifname,
                .mac = l->mac,
                .rng = &m->rng,
                .remembered = l->remembered,
                .timing_scale = m->conf->ipv4ll_timing_scale,
        };
        r = ipv4ll_new(&l->core, &cfg);
        if (r >= 0)
                r = loop_timer_new(m->loop, on_timer, l, &l->timer);
        if (r < 0) {
                log_error("ipv4ll %s: cannot set up: %s", l->ifname, strerror(-r));
                ipv4ll_free(l->core);
                free(l);
                return NULL;
        }
        l->next = m->links;
        m->links = l;
        return l;
}

void ipv4ll_manager_update(struct ipv4ll_manager *m, const struct iface *i) {
        enum conf_ipv4ll_policy policy;
        usec_t now = now_usec();
        struct ll_link *l;
        bool manage;

        if (!m || !i)
                return;
        policy = conf_ipv4ll_policy_for(m->conf, i->name);
        manage = iface_ipv4ll_capable(i) && conf_interface_allowed(m->conf, i->name) && policy != CONF_IPV4LL_NEVER;
        l = manager_find(m, i->ifindex);

        /* A new name or MAC is a new identity: a new seed, another state file. */
        if (l && (!manage || strcmp(l->ifname, i->name) != 0 || memcmp(&l->mac, i->hwaddr, ETH_ALEN) != 0 ||
                  l->policy != policy)) {
                log_info("ipv4ll %s: %s", l->ifname, manage ? "interface changed (name, MAC or policy)" :
                                                              "not managed any more");
                link_free(l, now);
                l = NULL;
        }
        if (!manage)
                return;
        if (!l) {
                l = link_new(m, i);
                if (!l)
                        return;
                l->policy = policy;
                log_debug("ipv4ll %s: managed (policy %s)", l->ifname, conf_ipv4ll_policy_to_string(policy));
                link_remove_stale(l, i); /* its netlink DEL event updates us again */
        }

        if (l->removed_addr.s_addr != 0 && !iface_has_addr(i, AF_INET, &(union in_addr_union) { .in = l->removed_addr }))
                l->removed_addr.s_addr = 0; /* netlink has shown it gone */
        l->operational = (i->flags & IFF_UP) && (i->flags & IFF_RUNNING);
        l->wanted = policy == CONF_IPV4LL_ALWAYS || !link_find_other_ipv4(l, i, &l->other);

        if (l->configured) {
                bool present = iface_has_addr(i, AF_INET, &(union in_addr_union) { .in = l->configured_addr });

                if (present)
                        l->configured_seen = true;
                else if (l->configured_seen && l->phase == PHASE_RUNNING && l->operational && l->wanted) {
                        /* Someone removed the address we added: we hold it no more; probe it
                         * again before using it. */
                        struct ipv4ll_actions acts;
                        char buf[INET_ADDRSTRLEN];

                        log_warning("ipv4ll %s: %s was removed from the interface by someone else; probing it again",
                                    l->ifname, addr_to_string(l->configured_addr, buf));
                        l->configured = l->configured_seen = false; /* gone already */
                        if (ipv4ll_restart(l->core, now, &acts) >= 0)
                                link_handle_actions(l, &acts, now);
                        link_arm(l);
                }
        }
        link_evaluate(l, now);
}

void ipv4ll_manager_remove(struct ipv4ll_manager *m, int ifindex) {
        struct ll_link *l;

        if (!m)
                return;
        l = manager_find(m, ifindex);
        if (!l)
                return;
        log_info("ipv4ll %s: interface removed", l->ifname);
        l->gone = true; /* the kernel took its addresses and routes with it */
        link_free(l, now_usec());
}

int ipv4ll_manager_get_status(const struct ipv4ll_manager *m, int ifindex, struct ipv4ll_link_status *ret) {
        const struct ll_link *l;

        if (!m || !ret)
                return -EINVAL;
        l = manager_find(m, ifindex);
        if (!l)
                return -ENOENT;
        link_fill_status(l, ret);
        return 0;
}

void ipv4ll_manager_set_state_callback(struct ipv4ll_manager *m, ipv4ll_manager_state_cb cb, void *userdata) {
        if (!m)
                return;
        m->state_cb = cb;
        m->state_userdata = userdata;
}

int ipv4ll_manager_new(struct ipv4ll_manager **ret, struct loop *loop, struct netlink *nl, const struct conf *conf) {
        struct ipv4ll_manager *m;

        if (!ret || !loop || !nl || !conf)
                return -EINVAL;
        m = calloc(1, sizeof *m);
        if (!m)
                return -ENOMEM;
        m->loop = loop;
        m->nl = nl;
        m->conf = conf;
        rng_seed_random(&m->rng); /* the waits only; the address sequence is seeded from the MAC */
        *ret = m;
        return 0;
}

void ipv4ll_manager_free(struct ipv4ll_manager *m) {
        usec_t now = now_usec();

        if (!m)
                return;
        m->state_cb = NULL;
        while (m->links)
                link_free(m->links, now);
        free(m);
}
