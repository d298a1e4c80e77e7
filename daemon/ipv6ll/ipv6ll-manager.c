/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IPv6 link-local in the daemon: cores, timers, netlink, the secret key. See ipv6ll-manager.h. */
#include "ipv6ll/ipv6ll-manager.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipv6ll/secret-key.h"
#include "log.h"

struct v6_link {
        struct ipv6ll_manager *m;
        int ifindex;
        struct ipv6ll *core;
        struct loop_timer *timer;
        enum ipv6ll_link_state last_state; /* as the observer was last told */
        unsigned dad_failures;
        struct v6_link *next;
};

struct ipv6ll_manager {
        struct loop *loop;
        struct ipv6ll_manager_io io;
        const struct conf *conf;
        bool has_key;
        uint8_t key[RFC7217_SECRET_KEY_SIZE];
        struct v6_link *links;
        ipv6ll_observer_fn observer;
        void *observer_userdata;
};

/* What one event changed, for the observer (told once it is all applied). */
struct v6_news {
        bool addrs;
        struct in6_addr failed[IPV6LL_ACTIONS_MAX];
        size_t n_failed;
};

static const char *const link_state_table[_IPV6LL_LINK_STATE_MAX] = {
        [IPV6LL_LINK_IDLE] = "idle",
        [IPV6LL_LINK_NO_LINK_LOCAL] = "no-link-local",
        [IPV6LL_LINK_WAITING] = "waiting",
        [IPV6LL_LINK_PROBING] = "probing",
        [IPV6LL_LINK_NEEDS_ADMIN] = "needs-administrator",
        [IPV6LL_LINK_GAVE_UP] = "gave-up",
        [IPV6LL_LINK_FAILED] = "failed",
};

static const char *const change_table[_IPV6LL_CHANGE_MAX] = {
        [IPV6LL_CHANGE_LINK_NEW] = "link-new",
        [IPV6LL_CHANGE_LINK_GONE] = "link-gone",
        [IPV6LL_CHANGE_ADDRESSES] = "addresses",
        [IPV6LL_CHANGE_STATE] = "state",
        [IPV6LL_CHANGE_DAD_FAILED] = "dad-failed",
};

const char *ipv6ll_link_state_to_string(enum ipv6ll_link_state s) {
        return (unsigned) s < _IPV6LL_LINK_STATE_MAX ? link_state_table[s] : NULL;
}

const char *ipv6ll_change_to_string(enum ipv6ll_change c) {
        return (unsigned) c < _IPV6LL_CHANGE_MAX ? change_table[c] : NULL;
}

static struct v6_link *manager_find(const struct ipv6ll_manager *m, int ifindex) {
        for (struct v6_link *l = m->links; l; l = l->next)
                if (l->ifindex == ifindex)
                        return l;
        return NULL;
}

static const char *link_name(const struct v6_link *l) {
        return ipv6ll_dad_get_ifname(ipv6ll_get_dad(l->core));
}

static enum ipv6ll_link_state link_state(const struct v6_link *l) {
        struct ipv6ll_status st;

        ipv6ll_get_status(l->core, &st);
        switch (st.state) {
        case IPV6LL_STATE_WAITING:
                return IPV6LL_LINK_WAITING;
        case IPV6LL_STATE_PROBING:
                return IPV6LL_LINK_PROBING;
        case IPV6LL_STATE_FAILED:
                return st.failure == IPV6LL_FAILURE_REGENERATION_OFF ? IPV6LL_LINK_NEEDS_ADMIN
                       : st.failure == IPV6LL_FAILURE_GAVE_UP        ? IPV6LL_LINK_GAVE_UP
                                                                     : IPV6LL_LINK_FAILED;
        default:
                break;
        }
        if (!ipv6ll_dad_find_link_local(ipv6ll_get_dad(l->core), IPV6LL_DAD_MASK_USABLE | IPV6LL_DAD_MASK_PENDING,
                                        NULL))
                return IPV6LL_LINK_NO_LINK_LOCAL;
        return IPV6LL_LINK_IDLE;
}

static void notify(struct ipv6ll_manager *m, int ifindex, enum ipv6ll_change c, const struct in6_addr *failed) {
        if (m->observer)
                m->observer(m->observer_userdata, ifindex, c, failed);
}

/* Tell the observer what the event changed, once it is all applied (the observer does not call
 * back into the manager, so l stays valid). */
static void link_notify(struct v6_link *l, const struct v6_news *news) {
        enum ipv6ll_link_state s = link_state(l);

        for (size_t k = 0; k < news->n_failed; k++)
                notify(l->m, l->ifindex, IPV6LL_CHANGE_DAD_FAILED, &news->failed[k]);
        if (news->addrs)
                notify(l->m, l->ifindex, IPV6LL_CHANGE_ADDRESSES, NULL);
        if (s != l->last_state) {
                l->last_state = s;
                notify(l->m, l->ifindex, IPV6LL_CHANGE_STATE, NULL);
        }
}

static void link_handle_actions(struct v6_link *l, const struct ipv6ll_actions *acts, usec_t now, unsigned depth,
                                struct v6_news *news) {
        const struct ipv6ll_manager_io *io = &l->m->io;

        for (size_t k = 0; k < acts->n; k++) {
                const struct ipv6ll_action *a = &acts->a[k];
                struct netlink_addr na = {
                        .ifindex = l->ifindex,
                        .family = AF_INET6,
                        .addr.in6 = a->addr,
                        .prefixlen = IPV6LL_PREFIXLEN,
                        .scope = RT_SCOPE_LINK,
                        .flags = 0, /* no IFA_F_NODAD: the kernel runs DAD (RFC 4862 §5.4) */
                };
                struct ipv6ll_actions more;
                char buf[INET6_ADDRSTRLEN];
                int r;

                switch (a->kind) {
                case IPV6LL_ACTION_ADD_ADDRESS:
                        r = io->addr_add(io->userdata, &na); /* logs its failures */
                        if (r < 0 && depth == 0 && ipv6ll_handle_add_error(l->core, &a->addr, r, now, &more) >= 0)
                                link_handle_actions(l, &more, now, depth + 1, news);
                        break;
                case IPV6LL_ACTION_REMOVE_ADDRESS:
                        if (io->addr_del(io->userdata, &na) >= 0)
                                log_info("ipv6ll %s: removed %s, which failed DAD", link_name(l),
                                         inet_ntop(AF_INET6, &a->addr, buf, sizeof buf));
                        break;
                case IPV6LL_ACTION_DAD_FAILED:
                        l->dad_failures++;
                        if (news->n_failed < IPV6LL_ACTIONS_MAX)
                                news->failed[news->n_failed++] = a->addr;
                        break;
                case IPV6LL_ACTION_ADDRS_CHANGED:
                        news->addrs = true;
                        break;
                case IPV6LL_ACTION_STATE_CHANGED: /* the link's state is derived: link_state() */
                case _IPV6LL_ACTION_KIND_MAX:
                        break;
                }
        }
        loop_timer_set(l->timer, ipv6ll_next_timeout(l->core));
}

static void link_apply(struct v6_link *l, const struct ipv6ll_actions *acts, usec_t now, bool created) {
        struct v6_news news = { .addrs = false };

        link_handle_actions(l, acts, now, 0, &news);
        if (created) /* after its first link event, so that its name and addr_gen_mode are known */
                notify(l->m, l->ifindex, IPV6LL_CHANGE_LINK_NEW, NULL);
        link_notify(l, &news);
}

static void link_run(struct v6_link *l, usec_t now) {
        usec_t next = ipv6ll_next_timeout(l->core);
        struct ipv6ll_actions acts;

        if (next > now) {
                loop_timer_set(l->timer, next); /* not due yet (or none): keep it armed as it should be */
                return;
        }
        loop_timer_set(l->timer, USEC_INFINITY);
        if (ipv6ll_handle_timeout(l->core, now, &acts) >= 0)
                link_apply(l, &acts, now, false);
}

static void on_timer(struct loop_timer *t, usec_t now, void *userdata) {
        (void) t;
        link_run(userdata, now);
}

static void link_free(struct v6_link *l) {
        struct ipv6ll_manager *m = l->m;

        for (struct v6_link **p = &m->links; *p; p = &(*p)->next)
                if (*p == l) {
                        *p = l->next;
                        break;
                }
        loop_timer_free(l->timer);
        ipv6ll_free(l->core);
        free(l);
}

static struct v6_link *link_new(struct ipv6ll_manager *m, const struct netlink_link *link) {
        struct ipv6ll_config cfg = {
                .ifname = link->name,
                .regenerate = m->conf->ipv6ll_regenerate,
                .secret_key = m->has_key ? m->key : NULL,
                .secret_key_len = m->has_key ? sizeof m->key : 0,
        };
        struct v6_link *l;
        int r;

        l = calloc(1, sizeof *l);
        if (!l) {
                log_error("ipv6ll %s: out of memory", link->name);
                return NULL;
        }
        l->m = m;
        l->ifindex = link->ifindex;
        r = ipv6ll_new(&l->core, &cfg);
        if (r >= 0)
                r = loop_timer_new(m->loop, on_timer, l, &l->timer);
        if (r < 0) {
                log_error("ipv6ll %s: cannot set up: %s", link->name, strerror(-r));
                ipv6ll_free(l->core);
                free(l);
                return NULL;
        }
        l->next = m->links;
        m->links = l;
        l->last_state = link_state(l);
        log_debug("ipv6ll %s: following IPv6 addresses and DAD (regenerate %s)", link->name,
                  cfg.regenerate ? "yes" : "no");
        return l;
}

void ipv6ll_manager_handle_link(struct ipv6ll_manager *m, enum netlink_event ev, const struct netlink_link *link) {
        struct ipv6ll_actions acts;
        struct v6_link *l;
        usec_t now = now_usec();
        bool manage, created = false;

        if (!m || !link)
                return;
        l = manager_find(m, link->ifindex);
        manage = ev == NETLINK_NEW && !(link->flags & IFF_LOOPBACK) && conf_interface_allowed(m->conf, link->name);
        if (!manage) {
                if (l) {
                        int ifindex = l->ifindex;

                        link_free(l);
                        notify(m, ifindex, IPV6LL_CHANGE_LINK_GONE, NULL);
                }
                return;
        }
        if (!l) {
                l = link_new(m, link);
                if (!l)
                        return;
                created = true;
        }
        if (ipv6ll_handle_link(l->core, link, now, &acts) >= 0)
                link_apply(l, &acts, now, created);
}

void ipv6ll_manager_handle_addr(struct ipv6ll_manager *m, enum netlink_event ev, const struct netlink_addr *a) {
        struct ipv6ll_actions acts;
        struct v6_link *l;
        usec_t now = now_usec();
        int r;

        if (!m || !a || a->family != AF_INET6)
                return;
        l = manager_find(m, a->ifindex);
        if (!l)
                return;
        r = ipv6ll_handle_addr(l->core, ev, a, now, &acts);
        if (r < 0) {
                if (r != -E2BIG) /* logged once by the follower */
                        log_warning("ipv6ll %s: ignoring an address event: %s", link_name(l), strerror(-r));
                return;
        }
        link_apply(l, &acts, now, false);
}

usec_t ipv6ll_manager_next_timeout(const struct ipv6ll_manager *m) {
        usec_t t = USEC_INFINITY;

        if (m)
                for (const struct v6_link *l = m->links; l; l = l->next)
                        t = MIN(t, ipv6ll_next_timeout(l->core));
        return t;
}

void ipv6ll_manager_run(struct ipv6ll_manager *m, usec_t now) {
        if (!m)
                return;
        for (struct v6_link *l = m->links; l; l = l->next)
                link_run(l, now); /* frees no link */
}

size_t ipv6ll_manager_get_links(const struct ipv6ll_manager *m, int *ifindexes, size_t max) {
        size_t n = 0;

        if (!m)
                return 0;
        for (const struct v6_link *l = m->links; l; l = l->next, n++)
                if (ifindexes && n < max)
                        ifindexes[n] = l->ifindex;
        return n;
}

int ipv6ll_manager_get_link(const struct ipv6ll_manager *m, int ifindex, struct ipv6ll_link_info *ret) {
        struct ipv6ll_status st;
        const struct v6_link *l;

        if (!m || !ret)
                return -EINVAL;
        l = manager_find(m, ifindex);
        if (!l)
                return -ENOENT;
        ipv6ll_get_status(l->core, &st);
        *ret = (struct ipv6ll_link_info) {
                .ifindex = l->ifindex,
                .state = link_state(l),
                .addr_gen_mode = st.addr_gen_mode,
                .regenerate = st.regenerate,
                .dad_counter = st.dad_counter,
                .attempts = st.attempts,
                .dad_failures = l->dad_failures,
                .has_failed = st.has_failed,
                .failed = st.failed,
                .has_replacement = st.has_replacement,
                .replacement = st.replacement,
                .n_addrs = ipv6ll_dad_get_addrs(ipv6ll_get_dad(l->core), NULL),
        };
        snprintf(ret->ifname, sizeof ret->ifname, "%s", link_name(l));
        return 0;
}

int ipv6ll_manager_get_addresses(const struct ipv6ll_manager *m, int ifindex, struct ipv6ll_addr *addrs, size_t max) {
        const struct ipv6ll_addr *all;
        const struct v6_link *l;
        size_t n;

        if (!m || (!addrs && max > 0))
                return -EINVAL;
        l = manager_find(m, ifindex);
        if (!l)
                return -ENOENT;
        n = ipv6ll_dad_get_addrs(ipv6ll_get_dad(l->core), &all);
        if (n > 0 && max > 0)
                memcpy(addrs, all, MIN(n, max) * sizeof *addrs);
        return (int) n; /* at most IPV6LL_DAD_ADDRS_MAX */
}

void ipv6ll_manager_set_observer(struct ipv6ll_manager *m, ipv6ll_observer_fn cb, void *userdata) {
        if (!m)
                return;
        m->observer = cb;
        m->observer_userdata = userdata;
}

static int nl_addr_add(void *userdata, const struct netlink_addr *a) {
        return netlink_addr_add(userdata, a);
}

static int nl_addr_del(void *userdata, const struct netlink_addr *a) {
        return netlink_addr_del(userdata, a);
}

int ipv6ll_manager_new(struct ipv6ll_manager **ret, struct loop *loop, struct netlink *nl, const struct conf *conf) {
        struct ipv6ll_manager_io io = { .addr_add = nl_addr_add, .addr_del = nl_addr_del, .userdata = nl };

        if (!nl)
                return -EINVAL;
        return ipv6ll_manager_new_with_io(ret, loop, &io, conf);
}

int ipv6ll_manager_new_with_io(struct ipv6ll_manager **ret, struct loop *loop, const struct ipv6ll_manager_io *io,
                               const struct conf *conf) {
        struct ipv6ll_manager *m;
        int r;

        if (!ret || !loop || !io || !io->addr_add || !io->addr_del || !conf)
                return -EINVAL;
        m = calloc(1, sizeof *m);
        if (!m)
                return -ENOMEM;
        m->loop = loop;
        m->io = *io;
        m->conf = conf;
        /* With regeneration on the key is needed (and made); without, an existing one lets us
         * recognise the replacements an earlier run made. */
        r = secret_key_load(conf->state_dir, conf->ipv6ll_regenerate, m->key);
        if (r >= 0)
                m->has_key = true;
        else if (conf->ipv6ll_regenerate)
                log_error("ipv6ll: no RFC 7217 secret key (%s): link-local addresses that fail DAD will not be "
                          "replaced", strerror(-r));
        *ret = m;
        return 0;
}

void ipv6ll_manager_free(struct ipv6ll_manager *m) {
        if (!m)
                return;
        m->observer = NULL;
        while (m->links)
                link_free(m->links);
        explicit_bzero(m->key, sizeof m->key);
        free(m);
}
