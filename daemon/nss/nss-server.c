/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The daemon's side of the NSS socket: see nss-server.h and protocol.h. An edge: it owns the
 * socket and the connections; the answers come from the registry (our records) and the mDNS
 * querier (browse.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "dns/dns.h"
#include "log.h"
#include "mdns/browse.h"
#include "mdns/host-records.h"
#include "mdns/mdns.h"
#include "mdns/registry.h"
#include "nss/nss-server.h"
#include "nss/protocol.h"

struct nss_conn {
        struct nss_server *s;
        struct nss_conn *prev, *next;
        int fd;
        struct loop_io *io;
        struct loop_timer *timer;
        usec_t accepted;
        usec_t deadline; /* closed then, whatever happens */

        char buf[NSS_REQUEST_MAX];
        size_t len;
        bool asked;    /* the request arrived: no more reading */
        bool ready;    /* the reply can go out */
        usec_t reply_at, settle_at;
        struct nss_request req;
        struct nss_reply reply;
        struct browse_sub *sub;
        bool saw_other; /* an address of the family not asked came: the name exists */
};

struct nss_negative {
        char name[NSS_NAME_MAX + 1];
        usec_t until;
};

struct nss_server {
        struct loop *loop;
        struct mdns *mdns;
        const struct iface_table *ifaces;
        unsigned clients_max;
        usec_t timeout;
        char *path;
        int fd;
        struct loop_io *io;
        bool paused, limit_logged;
        struct nss_conn *conns;
        unsigned n_conns;
        struct nss_negative negative[NSS_NEGATIVE_MAX];
        struct nss_server_stats stats;
};

static void conn_rearm(struct nss_conn *c);

static void conn_free(struct nss_conn *c) {
        struct nss_server *s = c->s;

        browse_unsubscribe(mdns_get_browse(s->mdns), c->sub);
        loop_timer_free(c->timer);
        loop_io_free(c->io);
        if (c->fd >= 0)
                close(c->fd);
        if (c->prev)
                c->prev->next = c->next;
        else
                s->conns = c->next;
        if (c->next)
                c->next->prev = c->prev;
        free(c);
        s->n_conns--;
        if (s->paused && s->n_conns < s->clients_max && loop_io_set_events(s->io, EPOLLIN) == 0)
                s->paused = false;
}

static void conn_send(struct nss_conn *c, const char *reason) {
        char buf[NSS_REPLY_MAX];
        int n;

        switch (c->reply.status) {
        case NSS_REPLY_FOUND:
                c->s->stats.found++;
                break;
        case NSS_REPLY_NOT_FOUND:
                c->s->stats.not_found++;
                break;
        default:
                c->s->stats.refused++;
                break;
        }
        n = nss_reply_format(&c->reply, reason, buf, sizeof buf);
        if (n < 0) {
                c->reply = (struct nss_reply) { .status = NSS_REPLY_NOT_FOUND };
                n = nss_reply_format(&c->reply, NULL, buf, sizeof buf);
        }
        /* one short line into a fresh socket buffer: a client that does not read loses it */
        if (n > 0)
                (void) send(c->fd, buf, (size_t) n, MSG_NOSIGNAL | MSG_DONTWAIT);
        conn_free(c);
}

static void refuse(struct nss_conn *c, const char *reason) {
        c->reply = (struct nss_reply) { .status = NSS_REPLY_REFUSED };
        conn_send(c, reason);
}

static bool reply_has(const struct nss_reply *r, const struct nss_address *a) {
        for (size_t k = 0; k < r->n_addrs; k++)
                if (r->addrs[k].family == a->family && r->addrs[k].scope == a->scope &&
                    !memcmp(&r->addrs[k].a, &a->a, a->family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr)))
                        return true;
        return false;
}

static void reply_add(struct nss_reply *r, const struct nss_address *a) {
        if (r->n_addrs < NSS_ADDRESSES_MAX && !reply_has(r, a))
                r->addrs[r->n_addrs++] = *a;
}

static void reply_remove(struct nss_reply *r, const struct nss_address *a) {
        for (size_t k = 0; k < r->n_addrs; k++)
                if (r->addrs[k].family == a->family && r->addrs[k].scope == a->scope &&
                    !memcmp(&r->addrs[k].a, &a->a, a->family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr))) {
                        r->addrs[k] = r->addrs[--r->n_addrs];
                        return;
                }
}

/* A host name as the protocol carries it; false if the name cannot be (escapes, spaces). */
static bool name_to_reply(const struct dns_name *n, struct nss_reply *r) {
        char text[DNS_NAME_TEXT_MAX];

        if (dns_name_to_text(n, text, sizeof text) < 0 || nss_name_check(text, strlen(text)) < 0)
                return false;
        snprintf(r->name, sizeof r->name, "%s", text);
        return true;
}

/* ---- our own records: the host's name and addresses are answered without asking the link ---- */

static void own_addresses(struct nss_conn *c, const struct dns_name *name) {
        static const uint16_t types[] = { DNS_TYPE_A, DNS_TYPE_AAAA };
        struct registry *reg = mdns_get_registry(c->s->mdns);

        for (const struct iface *i = c->s->ifaces->list; i; i = i->next)
                for (size_t t = 0; t < 2; t++) {
                        struct reg_lookup it;
                        struct reg_answer ans;

                        if ((types[t] == DNS_TYPE_A && c->req.family == AF_INET6) ||
                            (types[t] == DNS_TYPE_AAAA && c->req.family == AF_INET))
                                continue;
                        registry_lookup_init(&it, reg, name, types[t], DNS_CLASS_IN, i->ifindex, AF_UNSPEC);
                        while (registry_lookup_next(&it, &ans)) {
                                struct nss_address a = { .family = types[t] == DNS_TYPE_A ? AF_INET : AF_INET6 };

                                if ((a.family == AF_INET ? dns_rdata_get_a(ans.rr, &a.a.in)
                                                         : dns_rdata_get_aaaa(ans.rr, &a.a.in6)) < 0)
                                        continue;
                                if (a.family == AF_INET6 && nss_address_is_link_local(&a))
                                        a.scope = (uint32_t) i->ifindex;
                                reply_add(&c->reply, &a);
                        }
                }
}

static bool own_name_of(struct nss_conn *c, const struct dns_name *rev) {
        struct registry *reg = mdns_get_registry(c->s->mdns);

        for (const struct iface *i = c->s->ifaces->list; i; i = i->next) {
                struct reg_lookup it;
                struct reg_answer ans;
                struct dns_name target;

                registry_lookup_init(&it, reg, rev, DNS_TYPE_PTR, DNS_CLASS_IN, i->ifindex, AF_UNSPEC);
                while (registry_lookup_next(&it, &ans))
                        if (dns_rdata_get_name(ans.rr, &target) == 0 && name_to_reply(&target, &c->reply))
                                return true;
        }
        return false;
}

/* ---- names nobody answered for, a moment ago ---- */

static bool negative_find(struct nss_server *s, const char *name, usec_t now) {
        for (size_t k = 0; k < NSS_NEGATIVE_MAX; k++)
                if (s->negative[k].until > now && !strcasecmp(s->negative[k].name, name))
                        return true;
        return false;
}

static void negative_add(struct nss_server *s, const char *name, usec_t now) {
        struct nss_negative *oldest = &s->negative[0];

        for (size_t k = 0; k < NSS_NEGATIVE_MAX; k++)
                if (s->negative[k].until < oldest->until)
                        oldest = &s->negative[k];
        snprintf(oldest->name, sizeof oldest->name, "%s", name);
        oldest->until = now + NSS_NEGATIVE_TTL;
}

/* ---- the querier ---- */

static void on_browse(void *userdata, struct browse_sub *sub, enum browse_event ev, const struct browse_item *item) {
        struct nss_conn *c = userdata;
        usec_t now = loop_now(c->s->loop);
        struct nss_address a = { .family = AF_UNSPEC };

        (void) sub;
        if (item && (item->addr.family == AF_INET || item->addr.family == AF_INET6)) {
                a.family = item->addr.family;
                if (a.family == AF_INET)
                        a.a.in = item->addr.a.in;
                else
                        a.a.in6 = item->addr.a.in6;
                a.scope = a.family == AF_INET6 && nss_address_is_link_local(&a) ? item->addr.scope : 0;
        }
        switch (ev) {
        case BROWSE_ITEM_NEW:
                if (c->req.query == NSS_QUERY_ADDRESS) {
                        /* the first host name that claims the address answers */
                        if (!c->ready && name_to_reply(&item->name, &c->reply))
                                c->ready = true;
                        break;
                }
                if (a.family == AF_UNSPEC)
                        break;
                if (c->req.family != AF_UNSPEC && a.family != c->req.family) {
                        c->saw_other = true;
                        break;
                }
                reply_add(&c->reply, &a);
                if (c->settle_at == USEC_INFINITY)
                        c->settle_at = now + NSS_SETTLE;
                break;
        case BROWSE_ITEM_REMOVED:
                if (c->req.query == NSS_QUERY_NAME && a.family != AF_UNSPEC)
                        reply_remove(&c->reply, &a);
                break;
        case BROWSE_CACHE_EXHAUSTED:
                /* what the caches held is in: a cached name is answered at once */
                if (c->reply.n_addrs > 0)
                        c->ready = true;
                break;
        default:
                break;
        }
        /* the reply goes out from the timer, never from inside the querier */
        conn_rearm(c);
}

static void conn_ask(struct nss_conn *c, usec_t now) {
        struct browse_args args = { .ifindex = 0, .family = AF_UNSPEC };
        struct dns_name name;
        int r;

        c->asked = true;
        c->s->stats.requests++;
        c->reply = (struct nss_reply) { .status = NSS_REPLY_FOUND };
        if (c->req.query == NSS_QUERY_NAME) {
                if (dns_name_from_text(&name, c->req.name) < 0) {
                        refuse(c, "bad-name");
                        return;
                }
                snprintf(c->reply.name, sizeof c->reply.name, "%s", c->req.name);
                own_addresses(c, &name);
                if (c->reply.n_addrs > 0) {
                        conn_send(c, NULL);
                        return;
                }
                if (negative_find(c->s, c->req.name, now)) {
                        c->s->stats.negative_hits++;
                        c->reply = (struct nss_reply) { .status = NSS_REPLY_NOT_FOUND };
                        conn_send(c, NULL);
                        return;
                }
                /* both families are asked whatever the request: the next request (the other
                 * family, usually) finds them in the cache */
                args.kind = BROWSE_RESOLVE_HOST;
                args.name = name;
                args.addr_family = AF_UNSPEC;
        } else {
                union in_addr_union ia;

                reply_add(&c->reply, &c->req.addr); /* "+ name address": the address asked */
                memset(&ia, 0, sizeof ia);
                memcpy(&ia, &c->req.addr.a, c->req.addr.family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr));
                if (host_records_reverse_name(c->req.addr.family, &ia, &name) == 0 && own_name_of(c, &name)) {
                        conn_send(c, NULL);
                        return;
                }
                args.kind = BROWSE_RESOLVE_ADDRESS;
                args.addr.family = c->req.addr.family;
                if (args.addr.family == AF_INET)
                        args.addr.a.in = c->req.addr.a.in;
                else
                        args.addr.a.in6 = c->req.addr.a.in6;
        }
        r = browse_subscribe(mdns_get_browse(c->s->mdns), &args, on_browse, c, now, &c->sub);
        if (r < 0) {
                refuse(c, r == -ENOBUFS ? "busy" : "error");
                return;
        }
        mdns_browse_changed(c->s->mdns);
        c->reply_at = now + c->s->timeout;
        conn_rearm(c);
}

/* ---- connections ---- */

static void conn_rearm(struct nss_conn *c) {
        usec_t when = c->accepted + NSS_REQUEST_WAIT;

        if (c->asked) {
                when = c->deadline;
                if (c->ready)
                        when = 0;
                else {
                        when = c->reply_at < when ? c->reply_at : when;
                        when = c->settle_at < when ? c->settle_at : when;
                }
        }
        loop_timer_set(c->timer, when);
}

static void on_conn_timer(struct loop_timer *t, usec_t now, void *userdata) {
        struct nss_conn *c = userdata;

        bool have, waiting;

        (void) t;
        if (!c->asked) {
                conn_free(c); /* no whole request within NSS_REQUEST_WAIT */
                return;
        }
        have = c->req.query == NSS_QUERY_NAME ? c->reply.n_addrs > 0 : c->ready;
        waiting = now < c->reply_at && now < c->deadline;
        if (!have && waiting) {
                c->settle_at = USEC_INFINITY; /* the only address went away again: wait on */
                conn_rearm(c);
                return;
        }
        if (have && !c->ready && waiting && now < c->settle_at) {
                conn_rearm(c);
                return;
        }
        if (!have) {
                if (c->req.query == NSS_QUERY_NAME && !c->saw_other)
                        negative_add(c->s, c->req.name, now);
                c->reply = (struct nss_reply) { .status = NSS_REPLY_NOT_FOUND };
        }
        conn_send(c, NULL);
}

/* Reads what the client sent; a whole request is acted on. Returns false if c is gone, or if
 * it is still waiting for the rest of its request (nothing more to read now). */
static bool conn_read(struct nss_conn *c) {
        char *nl;
        ssize_t n;

        n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return false;
        if (n <= 0) {
                conn_free(c); /* closed, or an error, before a whole request */
                return false;
        }
        c->len += (size_t) n;
        nl = memchr(c->buf, '\n', c->len);
        if (!nl) {
                if (c->len == sizeof c->buf)
                        refuse(c, "too-long");
                return false;
        }
        if (nl != c->buf + c->len - 1 || nss_request_parse(c->buf, (size_t) (nl - c->buf), &c->req) < 0) {
                c->s->stats.requests++;
                refuse(c, "bad-request");
                return false;
        }
        /* nothing more to read; a client that shut its side for writing (socat, nc -N) still
         * gets its reply: only a full close (EPOLLHUP, always reported) ends the wait early */
        if (loop_io_set_events(c->io, 0) < 0) {
                conn_free(c);
                return false;
        }
        conn_ask(c, loop_now(c->s->loop));
        return true;
}

static void on_conn_io(struct loop_io *io, int fd, uint32_t revents, void *userdata) {
        struct nss_conn *c = userdata;

        (void) io;
        (void) fd;
        if (c->asked) {
                /* the client went away before the reply: stop asking for it */
                if (revents & (EPOLLHUP | EPOLLERR))
                        conn_free(c);
                return;
        }
        (void) conn_read(c);
}

/* The oldest connection that has still not sent a request, after reading what each has sent
 * (a request that came meanwhile is acted on, not lost). NULL if all of them are asking. */
static struct nss_conn *idle_victim(struct nss_server *s) {
        for (;;) {
                struct nss_conn *c, *idle = NULL;

                for (c = s->conns; c; c = c->next)
                        if (!c->asked)
                                idle = c; /* the list is newest first */
                char byte;
                ssize_t k;
                unsigned before;

                if (!idle)
                        return NULL;
                k = recv(idle->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
                if (k < 0 && (errno == EAGAIN || errno == EINTR))
                        return idle; /* nothing sent: this one gives way */
                /* data, an end or an error is waiting: act on it, then look again */
                before = s->n_conns;
                if (conn_read(idle) || s->n_conns < before)
                        continue; /* it asked, or it is gone */
                return idle; /* half a request: gives way all the same */
        }
}

static void on_listen(struct loop_io *io, int fd, uint32_t revents, void *userdata) {
        struct nss_server *s = userdata;

        (void) io;
        (void) revents;
        for (;;) {
                struct nss_conn *c, *idle = NULL;
                int cfd;

                if (s->n_conns >= s->clients_max) {
                        /* the oldest connection that has not asked anything will give way */
                        idle = idle_victim(s);
                        if (!idle && s->n_conns >= s->clients_max)
                                break;
                }
                cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
                if (cfd < 0) {
                        if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                                log_warning("nss: accept: %s", strerror(errno));
                        return;
                }
                if (idle) {
                        s->stats.evicted++;
                        conn_free(idle);
                }
                c = calloc(1, sizeof *c);
                if (!c) {
                        close(cfd);
                        return;
                }
                c->s = s;
                c->fd = cfd;
                c->settle_at = c->reply_at = USEC_INFINITY;
                c->accepted = loop_now(s->loop);
                c->deadline = c->accepted + s->timeout + USEC_PER_SEC;
                c->next = s->conns;
                if (s->conns)
                        s->conns->prev = c;
                s->conns = c;
                s->n_conns++;
                if (loop_timer_new(s->loop, on_conn_timer, c, &c->timer) < 0 ||
                    loop_io_add(s->loop, cfd, EPOLLIN | EPOLLRDHUP, on_conn_io, c, &c->io) < 0) {
                        conn_free(c);
                        return;
                }
                conn_rearm(c);
                /* a client sends its request as soon as it is connected: often it is here already */
                (void) conn_read(c);
        }
        /* the bound: stop accepting (the kernel's backlog holds the rest, then refuses) */
        s->stats.clients_limited++;
        if (!s->limit_logged) {
                log_warning("nss: %u lookups at once (the limit): further ones wait", s->clients_max);
                s->limit_logged = true;
        }
        if (loop_io_set_events(s->io, 0) == 0)
                s->paused = true;
}

int nss_server_new(struct nss_server **ret, const struct nss_server_config *cfg) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        struct nss_server *s;
        int r;

        if (!cfg->path || strlen(cfg->path) >= sizeof sa.sun_path || !cfg->loop || !cfg->mdns || !cfg->ifaces)
                return -EINVAL;
        s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        s->fd = -1;
        s->loop = cfg->loop;
        s->mdns = cfg->mdns;
        s->ifaces = cfg->ifaces;
        s->clients_max = cfg->clients_max ? cfg->clients_max : NSS_CLIENTS_MAX_DEFAULT;
        s->timeout = cfg->timeout ? cfg->timeout : NSS_TIMEOUT_DEFAULT;
        s->path = strdup(cfg->path);
        if (!s->path) {
                r = -ENOMEM;
                goto fail;
        }
        strcpy(sa.sun_path, cfg->path);
        s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (s->fd < 0) {
                r = -errno;
                goto fail;
        }
        (void) unlink(cfg->path); /* one daemon per runtime folder (the PID file): a leftover */
        if (bind(s->fd, (struct sockaddr *) &sa, sizeof sa) < 0 || chmod(cfg->path, 0666) < 0 ||
            listen(s->fd, SOMAXCONN) < 0) {
                r = -errno;
                goto fail;
        }
        r = loop_io_add(s->loop, s->fd, EPOLLIN, on_listen, s, &s->io);
        if (r < 0)
                goto fail;
        *ret = s;
        return 0;
fail:
        nss_server_free(s);
        return r;
}

void nss_server_free(struct nss_server *s) {
        if (!s)
                return;
        while (s->conns)
                conn_free(s->conns);
        loop_io_free(s->io);
        if (s->fd >= 0) {
                close(s->fd);
                if (s->path)
                        (void) unlink(s->path);
        }
        free(s->path);
        free(s);
}

const struct nss_server_stats *nss_server_get_stats(const struct nss_server *s) {
        return &s->stats;
}
