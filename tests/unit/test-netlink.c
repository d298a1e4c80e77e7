/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* daemon/netlink against the real kernel, in private network namespaces: the process unshares
 * one at start (so nothing can touch the machine's interfaces), and each test unshares a fresh
 * one in its fixture. Needs root; without it the suite is skipped (exit 77), or fails if
 * CI=true.
 *
 * A model of what the callbacks delivered is kept per test and checked against the guarantees
 * of netlink.h (every DEL follows a NEW, addresses only on known links, a link's addresses
 * removed before it) and, where it matters, against a fresh enumeration. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>

#include "log.h"
#include "netlink.h"
#include "util.h"
#include "unit.h"

#define WAIT_MS 5000
#define DAD_WAIT_MS 10000 /* DAD takes about a second (one probe, RetransTimer 1 s) */

/* ---- the model of what was delivered ---- */

#define MODEL_LINKS 64
#define MODEL_ADDRS 512

struct model_addr {
        struct netlink_addr a;
        uint32_t first_flags; /* flags of the first NEW */
        uint32_t all_flags;   /* union of the flags of every NEW */
};

struct model {
        struct netlink *nl;
        struct netlink_link links[MODEL_LINKS];
        size_t n_links;
        struct model_addr addrs[MODEL_ADDRS];
        size_t n_addrs;
        unsigned link_new, link_del, addr_new, addr_del, resyncs;
        char violation[512];

        /* behaviours under test */
        bool reenter;           /* call netlink_process() from the link callback */
        int reenter_result;
        int add_addr_on_up;     /* ifindex: add addr_on_up from the link callback once it is up */
        struct netlink_addr addr_on_up;
        int add_addr_on_up_result;
};

_printf_(2, 3) static void model_violation(struct model *m, const char *fmt, ...) {
        va_list ap;

        if (m->violation[0])
                return; /* keep the first */
        va_start(ap, fmt);
        vsnprintf(m->violation, sizeof m->violation, fmt, ap);
        va_end(ap);
}

static struct netlink_link *model_link(struct model *m, int ifindex) {
        for (size_t i = 0; i < m->n_links; i++)
                if (m->links[i].ifindex == ifindex)
                        return &m->links[i];
        return NULL;
}

static struct netlink_link *model_link_by_name(struct model *m, const char *name) {
        for (size_t i = 0; i < m->n_links; i++)
                if (strcmp(m->links[i].name, name) == 0)
                        return &m->links[i];
        return NULL;
}

static bool addr_same(const struct netlink_addr *a, const struct netlink_addr *b) {
        size_t len = a->family == AF_INET ? 4 : 16;

        return a->ifindex == b->ifindex && a->family == b->family && a->prefixlen == b->prefixlen &&
               memcmp(&a->addr, &b->addr, len) == 0;
}

static struct model_addr *model_addr_find(struct model *m, const struct netlink_addr *key) {
        for (size_t i = 0; i < m->n_addrs; i++)
                if (addr_same(&m->addrs[i].a, key))
                        return &m->addrs[i];
        return NULL;
}

/* By ifindex and address text ("169.254.1.2", "fd00::1"), any prefix length. */
static struct model_addr *model_addr(struct model *m, int ifindex, const char *text) {
        union in_addr_union a = {};
        int family = strchr(text, ':') ? AF_INET6 : AF_INET;

        ck_assert_int_eq(inet_pton(family, text, &a), 1);
        for (size_t i = 0; i < m->n_addrs; i++)
                if (m->addrs[i].a.ifindex == ifindex && m->addrs[i].a.family == family &&
                    memcmp(&m->addrs[i].a.addr, &a, family == AF_INET ? 4 : 16) == 0)
                        return &m->addrs[i];
        return NULL;
}

static size_t model_count_addrs(struct model *m, int ifindex) {
        size_t n = 0;

        for (size_t i = 0; i < m->n_addrs; i++)
                n += m->addrs[i].a.ifindex == ifindex;
        return n;
}

static void on_link(void *userdata, enum netlink_event ev, const struct netlink_link *l) {
        struct model *m = userdata;
        struct netlink_link *known = model_link(m, l->ifindex);

        if (l->ifindex <= 0 || l->name[0] == '\0' || strnlen(l->name, IF_NAMESIZE) >= IF_NAMESIZE ||
            l->hwaddr_len > sizeof l->hwaddr)
                model_violation(m, "invalid link delivered (ifindex %d)", l->ifindex);

        if (ev == NETLINK_DEL) {
                m->link_del++;
                if (!known) {
                        model_violation(m, "DEL for link %d (%s) never announced", l->ifindex, l->name);
                        return;
                }
                if (model_count_addrs(m, l->ifindex) > 0)
                        model_violation(m, "DEL for link %s while it still has %zu addresses", l->name,
                                        model_count_addrs(m, l->ifindex));
                *known = m->links[--m->n_links];
                return;
        }

        m->link_new++;
        if (!known) {
                if (m->n_links == MODEL_LINKS) {
                        model_violation(m, "too many links for the model");
                        return;
                }
                known = &m->links[m->n_links++];
        }
        *known = *l;

        if (m->reenter)
                m->reenter_result = netlink_process(m->nl);
        if (m->add_addr_on_up == l->ifindex && (l->flags & IFF_UP)) {
                m->add_addr_on_up = 0;
                m->add_addr_on_up_result = netlink_addr_add(m->nl, &m->addr_on_up);
        }
}

static void on_addr(void *userdata, enum netlink_event ev, const struct netlink_addr *a) {
        struct model *m = userdata;
        struct model_addr *known = model_addr_find(m, a);

        if ((a->family != AF_INET && a->family != AF_INET6) || a->prefixlen > (a->family == AF_INET ? 32 : 128))
                model_violation(m, "invalid address delivered (family %d, prefix length %u)", a->family, a->prefixlen);
        if (!model_link(m, a->ifindex))
                model_violation(m, "address event on link %d never announced", a->ifindex);

        if (ev == NETLINK_DEL) {
                m->addr_del++;
                if (!known) {
                        model_violation(m, "DEL for an address never announced on link %d", a->ifindex);
                        return;
                }
                *known = m->addrs[--m->n_addrs];
                return;
        }

        m->addr_new++;
        if (!known) {
                if (m->n_addrs == MODEL_ADDRS) {
                        model_violation(m, "too many addresses for the model");
                        return;
                }
                known = &m->addrs[m->n_addrs++];
                known->first_flags = a->flags;
                known->all_flags = 0;
        }
        known->a = *a;
        known->all_flags |= a->flags;
}

static void on_resync(void *userdata) {
        struct model *m = userdata;

        m->resyncs++;
}

static const struct netlink_callbacks callbacks = {
        .link = on_link,
        .addr = on_addr,
        .resync = on_resync,
};

/* ---- fixture: a fresh namespace per test ---- */

static struct model model;
static struct nl_sock *sk; /* the test's own socket, to act on links */

static void setup(void) {
        ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET): %s", strerror(errno));
        memset(&model, 0, sizeof model);
        sk = nl_socket_alloc();
        ck_assert_ptr_nonnull(sk);
        ck_assert_int_eq(nl_connect(sk, NETLINK_ROUTE), 0);
}

static void teardown(void) {
        netlink_free(model.nl);
        model.nl = NULL;
        nl_socket_free(sk);
        sk = NULL;
}

static void open_and_enumerate(struct model *m) {
        ck_assert_int_eq(netlink_open(&m->nl, &callbacks, m), 0);
        ck_assert_int_ge(netlink_fd(m->nl), 0);
        ck_assert_int_eq(netlink_enumerate(m->nl), 0);
        ck_assert_msg(!m->violation[0], "%s", m->violation);
}

/* Poll and process until deadline or until one batch was processed. */
static void pump(struct model *m, usec_t deadline) {
        struct pollfd p = { .fd = netlink_fd(m->nl), .events = POLLIN };
        usec_t now = now_usec();
        int timeout_ms = now >= deadline ? 0 : (int) MIN((deadline - now) / USEC_PER_MSEC + 1, (usec_t) 100);
        int r;

        r = poll(&p, 1, timeout_ms);
        ck_assert_int_ge(r, 0);
        if (r > 0) {
                ck_assert_int_eq(netlink_process(m->nl), 0);
                ck_assert_msg(!m->violation[0], "%s", m->violation);
        }
}

/* Process events until cond holds; fail after ms milliseconds, never hang. */
#define WAIT_FOR(m, cond, ms)                                                                                  \
        do {                                                                                                   \
                usec_t _deadline = now_usec() + (usec_t) (ms) * USEC_PER_MSEC;                                  \
                while (!(cond)) {                                                                              \
                        ck_assert_msg(now_usec() < _deadline, "timed out after %d ms waiting for: %s", (int) (ms), \
                                      #cond);                                                                  \
                        pump((m), _deadline);                                                                  \
                }                                                                                              \
        } while (0)

/* Process whatever is pending now (and what arrives within ms). */
static void drain(struct model *m, int ms) {
        usec_t deadline = now_usec() + (usec_t) ms * USEC_PER_MSEC;

        while (now_usec() < deadline)
                pump(m, deadline);
}

/* ---- acting on links with libnl ---- */

static int link_index(const char *name) {
        unsigned i = if_nametoindex(name);

        ck_assert_msg(i > 0, "no link %s", name);
        return (int) i;
}

static void veth_create(const char *a, const char *b) {
        int r = rtnl_link_veth_add(sk, a, b, getpid());

        ck_assert_msg(r == 0, "creating veth %s/%s: %s", a, b, nl_geterror(r));
}

static void link_change(const char *name, struct rtnl_link *changes) {
        struct rtnl_link *orig = rtnl_link_alloc();
        int r;

        ck_assert_ptr_nonnull(orig);
        rtnl_link_set_ifindex(orig, link_index(name));
        r = rtnl_link_change(sk, orig, changes, 0);
        ck_assert_msg(r == 0, "changing %s: %s", name, nl_geterror(r));
        rtnl_link_put(orig);
        rtnl_link_put(changes);
}

static void link_set_up(const char *name) {
        struct rtnl_link *c = rtnl_link_alloc();

        ck_assert_ptr_nonnull(c);
        rtnl_link_set_flags(c, IFF_UP);
        link_change(name, c);
}

static void link_delete(const char *name) {
        struct rtnl_link *l = rtnl_link_alloc();
        int r;

        ck_assert_ptr_nonnull(l);
        rtnl_link_set_name(l, name);
        r = rtnl_link_delete(sk, l);
        ck_assert_msg(r == 0, "deleting %s: %s", name, nl_geterror(r));
        rtnl_link_put(l);
}

static struct netlink_addr make_addr(int ifindex, const char *text, uint8_t prefixlen, uint8_t scope, uint32_t flags) {
        struct netlink_addr a = {
                .ifindex = ifindex,
                .family = strchr(text, ':') ? AF_INET6 : AF_INET,
                .prefixlen = prefixlen,
                .scope = scope,
                .flags = flags,
        };

        ck_assert_int_eq(inet_pton(a.family, text, &a.addr), 1);
        return a;
}

/* A veth pair, both ends up, with carrier. */
static void veth_up_pair(struct model *m, const char *a, const char *b) {
        veth_create(a, b);
        link_set_up(a);
        link_set_up(b);
        WAIT_FOR(m, model_link_by_name(m, a) && (model_link_by_name(m, a)->flags & IFF_RUNNING) &&
                            model_link_by_name(m, b) && (model_link_by_name(m, b)->flags & IFF_RUNNING),
                 WAIT_MS);
}

/* Does the main table hold dst/prefixlen via ifindex with this metric? */
static bool route_exists(int family, const char *dst, uint8_t prefixlen, int ifindex, uint32_t metric, uint8_t *scope) {
        struct nl_cache *cache = NULL;
        union in_addr_union want = {};
        bool found = false;

        ck_assert_int_eq(inet_pton(family, dst, &want), 1);
        ck_assert_int_eq(rtnl_route_alloc_cache(sk, family, 0, &cache), 0);
        for (struct nl_object *o = nl_cache_get_first(cache); o && !found; o = nl_cache_get_next(o)) {
                struct rtnl_route *r = (struct rtnl_route *) o;
                struct nl_addr *d = rtnl_route_get_dst(r);
                struct rtnl_nexthop *nh = rtnl_route_nexthop_n(r, 0);

                if (rtnl_route_get_table(r) != RT_TABLE_MAIN || !d || nl_addr_get_prefixlen(d) != prefixlen ||
                    memcmp(nl_addr_get_binary_addr(d), &want, family == AF_INET ? 4 : 16) != 0 ||
                    rtnl_route_get_priority(r) != metric || !nh || rtnl_route_nh_get_ifindex(nh) != ifindex)
                        continue;
                found = true;
                if (scope)
                        *scope = rtnl_route_get_scope(r);
        }
        nl_cache_free(cache);
        return found;
}

/* Does the model equal what a fresh netlink instance enumerates? If not, why in *why. */
static bool model_matches_kernel(struct model *m, char *why, size_t size) {
        struct model *fresh = calloc(1, sizeof *fresh);
        char text[INET6_ADDRSTRLEN];
        bool ok = false;

        ck_assert_ptr_nonnull(fresh);
        open_and_enumerate(fresh);
        if (m->n_links != fresh->n_links) {
                snprintf(why, size, "%zu links in the model, %zu in the kernel", m->n_links, fresh->n_links);
                goto out;
        }
        for (size_t i = 0; i < fresh->n_links; i++) {
                struct netlink_link *l = model_link(m, fresh->links[i].ifindex);

                if (!l || strcmp(l->name, fresh->links[i].name) != 0 || l->flags != fresh->links[i].flags) {
                        snprintf(why, size, "link %s missing or different in the model", fresh->links[i].name);
                        goto out;
                }
        }
        if (m->n_addrs != fresh->n_addrs) {
                snprintf(why, size, "%zu addresses in the model, %zu in the kernel", m->n_addrs, fresh->n_addrs);
                goto out;
        }
        for (size_t i = 0; i < fresh->n_addrs; i++) {
                struct model_addr *a = model_addr_find(m, &fresh->addrs[i].a);

                if (!a || a->a.flags != fresh->addrs[i].a.flags) {
                        snprintf(why, size, "address %s missing or different in the model",
                                 inet_ntop(fresh->addrs[i].a.family, &fresh->addrs[i].a.addr, text, sizeof text));
                        goto out;
                }
        }
        ok = true;
out:
        netlink_free(fresh->nl);
        free(fresh);
        return ok;
}

/* The model converges on the kernel's state. Not at once: the kernel announces an
 * autoconfigured IPv6 link-local address only when its DAD is over, while a dump already shows
 * it, tentative. */
static void assert_model_matches_kernel(struct model *m) {
        usec_t deadline = now_usec() + (usec_t) DAD_WAIT_MS * USEC_PER_MSEC;
        char why[256] = "";

        while (!model_matches_kernel(m, why, sizeof why)) {
                ck_assert_msg(now_usec() < deadline, "the model does not match the kernel: %s", why);
                pump(m, MIN(deadline, now_usec() + 100 * USEC_PER_MSEC));
        }
}

/* ---- tests ---- */

START_TEST(test_enumerate_sees_lo) {
        struct netlink_link *lo;
        struct model_addr *a;

        open_and_enumerate(&model);
        lo = model_link_by_name(&model, "lo");
        ck_assert_ptr_nonnull(lo);
        ck_assert_int_eq(lo->ifindex, link_index("lo"));
        ck_assert(lo->flags & IFF_LOOPBACK);
        ck_assert(!(lo->flags & IFF_UP));
        ck_assert_uint_eq(lo->arptype, ARPHRD_LOOPBACK);
        ck_assert_uint_eq(lo->mtu, 65536);
        ck_assert_uint_eq(lo->hwaddr_len, 6);
        ck_assert_int_eq(lo->addr_gen_mode, IN6_ADDR_GEN_MODE_EUI64);
        ck_assert_uint_eq(model.n_links, 1);
        ck_assert_uint_eq(model.n_addrs, 0);
        ck_assert_uint_eq(model.resyncs, 0);

        link_set_up("lo");
        WAIT_FOR(&model, model_link_by_name(&model, "lo")->flags & IFF_UP, WAIT_MS);
        WAIT_FOR(&model, model_addr(&model, 1, "127.0.0.1") && model_addr(&model, 1, "::1"), WAIT_MS);
        a = model_addr(&model, 1, "127.0.0.1");
        ck_assert_uint_eq(a->a.prefixlen, 8);
        ck_assert_uint_eq(a->a.scope, RT_SCOPE_HOST);
        ck_assert(a->a.flags & IFA_F_PERMANENT);
        ck_assert_uint_eq(model_addr(&model, 1, "::1")->a.prefixlen, 128);
}
END_TEST

START_TEST(test_link_lifecycle) {
        struct rtnl_link *c, *kernel = NULL;
        struct netlink_link *a;
        struct nl_addr *hw;
        int ia, ib;

        open_and_enumerate(&model);
        model.reenter = true;
        model.reenter_result = 1;

        veth_create("zc-a", "zc-b");
        WAIT_FOR(&model, model_link_by_name(&model, "zc-a") && model_link_by_name(&model, "zc-b"), WAIT_MS);
        ck_assert_int_eq(model.reenter_result, -EBUSY); /* callbacks cannot re-enter netlink_process() */
        model.reenter = false;

        ia = link_index("zc-a");
        ib = link_index("zc-b");
        a = model_link(&model, ia);
        ck_assert_ptr_nonnull(a);
        ck_assert_str_eq(a->name, "zc-a");
        ck_assert_uint_eq(a->arptype, ARPHRD_ETHER);
        ck_assert_uint_eq(a->mtu, 1500);
        ck_assert(a->flags & IFF_MULTICAST);
        ck_assert(!(a->flags & (IFF_UP | IFF_LOOPBACK | IFF_NOARP)));
        ck_assert_uint_eq(a->operstate, IF_OPER_DOWN);
        ck_assert_int_eq(a->addr_gen_mode, IN6_ADDR_GEN_MODE_EUI64);
        ck_assert_uint_eq(a->hwaddr_len, 6);
        ck_assert_int_eq(rtnl_link_get_kernel(sk, ia, NULL, &kernel), 0);
        hw = rtnl_link_get_addr(kernel);
        ck_assert_ptr_nonnull(hw);
        ck_assert_int_eq(memcmp(a->hwaddr, nl_addr_get_binary_addr(hw), 6), 0);
        rtnl_link_put(kernel);

        /* One end up: no carrier yet. */
        link_set_up("zc-a");
        WAIT_FOR(&model, model_link(&model, ia)->flags & IFF_UP, WAIT_MS);
        WAIT_FOR(&model, model_link(&model, ia)->operstate == IF_OPER_LOWERLAYERDOWN, WAIT_MS);
        ck_assert(!(model_link(&model, ia)->flags & IFF_LOWER_UP));

        /* Both up: carrier. */
        link_set_up("zc-b");
        WAIT_FOR(&model, (model_link(&model, ia)->flags & (IFF_RUNNING | IFF_LOWER_UP)) == (IFF_RUNNING | IFF_LOWER_UP) &&
                                 model_link(&model, ia)->operstate == IF_OPER_UP,
                 WAIT_MS);
        /* IPv6 link-local addresses appear. */
        WAIT_FOR(&model, model_count_addrs(&model, ia) > 0 && model_count_addrs(&model, ib) > 0, WAIT_MS);

        /* RFC 7217 reporting: the address generation mode is followed. */
        c = rtnl_link_alloc();
        ck_assert_ptr_nonnull(c);
        ck_assert_int_eq(rtnl_link_inet6_set_addr_gen_mode(c, IN6_ADDR_GEN_MODE_NONE), 0);
        link_change("zc-a", c);
        WAIT_FOR(&model, model_link(&model, ia)->addr_gen_mode == IN6_ADDR_GEN_MODE_NONE, WAIT_MS);

        /* Deleting one end deletes both; their addresses go first (checked by the model). */
        link_delete("zc-a");
        WAIT_FOR(&model, !model_link(&model, ia) && !model_link(&model, ib), WAIT_MS);
        ck_assert_uint_eq(model_count_addrs(&model, ia), 0);
        ck_assert_uint_eq(model.link_del, 2);
        ck_assert_uint_eq(model.resyncs, 0);
        ck_assert_msg(!model.violation[0], "%s", model.violation);
        assert_model_matches_kernel(&model);
}
END_TEST

START_TEST(test_ipv4_address_and_route) {
        struct netlink_addr a, b;
        union in_addr_union net = {}, bad = {};
        struct model_addr *ma;
        uint8_t scope = 0;
        int ia;

        open_and_enumerate(&model);
        veth_create("zc-a", "zc-b");
        WAIT_FOR(&model, model_link_by_name(&model, "zc-a"), WAIT_MS);
        ia = link_index("zc-a");

        /* RFC 3927 §2.1: 169.254/16, scope link, broadcast 169.254.255.255. Added from the link
         * callback once the link is up, as the IPv4LL edge will. */
        a = make_addr(ia, "169.254.12.34", 16, RT_SCOPE_LINK, 0);
        ck_assert_int_eq(inet_pton(AF_INET, "169.254.255.255", &a.broadcast.in), 1);
        model.addr_on_up = a;
        model.add_addr_on_up = ia;
        model.add_addr_on_up_result = 1;
        link_set_up("zc-a");
        WAIT_FOR(&model, model_addr(&model, ia, "169.254.12.34"), WAIT_MS);
        ck_assert_int_eq(model.add_addr_on_up_result, 0);

        ma = model_addr(&model, ia, "169.254.12.34");
        ck_assert_int_eq(ma->a.family, AF_INET);
        ck_assert_uint_eq(ma->a.prefixlen, 16);
        ck_assert_uint_eq(ma->a.scope, RT_SCOPE_LINK);
        ck_assert_uint_eq(ntohl(ma->a.broadcast.in.s_addr), 0xa9fefffful);
        ck_assert(ma->a.flags & IFA_F_PERMANENT);
        ck_assert_uint_eq(ma->a.valid_lft, UINT32_MAX);
        ck_assert_uint_eq(ma->a.preferred_lft, UINT32_MAX);

        /* Adding it again is an update, not an error. */
        ck_assert_int_eq(netlink_addr_add(model.nl, &a), 0);

        /* The 169.254.0.0/16 route with a metric. */
        ck_assert_int_eq(inet_pton(AF_INET, "169.254.0.0", &net.in), 1);
        ck_assert_int_eq(netlink_route_add(model.nl, ia, AF_INET, &net, 16, 1000, RT_SCOPE_LINK), 0);
        ck_assert(route_exists(AF_INET, "169.254.0.0", 16, ia, 1000, &scope));
        ck_assert_uint_eq(scope, RT_SCOPE_LINK);
        ck_assert_int_eq(netlink_route_add(model.nl, ia, AF_INET, &net, 16, 1000, RT_SCOPE_LINK), -EEXIST);
        ck_assert_int_eq(inet_pton(AF_INET, "169.254.1.0", &bad.in), 1); /* host bits set */
        ck_assert_int_eq(netlink_route_add(model.nl, ia, AF_INET, &bad, 16, 1000, RT_SCOPE_LINK), -EINVAL);
        ck_assert_int_eq(netlink_route_del(model.nl, ia, AF_INET, &net, 16, 1000, RT_SCOPE_LINK), 0);
        ck_assert(!route_exists(AF_INET, "169.254.0.0", 16, ia, 1000, NULL));
        ck_assert_int_eq(netlink_route_del(model.nl, ia, AF_INET, &net, 16, 1000, RT_SCOPE_LINK), -ESRCH);

        /* Lifetimes. */
        b = make_addr(ia, "169.254.99.1", 16, RT_SCOPE_LINK, 0);
        b.valid_lft = 100;
        b.preferred_lft = 50;
        ck_assert_int_eq(netlink_addr_add(model.nl, &b), 0);
        WAIT_FOR(&model, model_addr(&model, ia, "169.254.99.1"), WAIT_MS);
        ma = model_addr(&model, ia, "169.254.99.1");
        ck_assert(!(ma->a.flags & IFA_F_PERMANENT));
        ck_assert_uint_le(ma->a.valid_lft, 100);
        ck_assert_uint_ge(ma->a.valid_lft, 90);
        ck_assert_uint_le(ma->a.preferred_lft, 50);
        ck_assert_uint_ge(ma->a.preferred_lft, 40);

        /* The deletion honours the prefix length. */
        b.prefixlen = 24;
        ck_assert_int_eq(netlink_addr_del(model.nl, &b), -EADDRNOTAVAIL);
        b.prefixlen = 16;
        ck_assert_int_eq(netlink_addr_del(model.nl, &b), 0);
        ck_assert_int_eq(netlink_addr_del(model.nl, &a), 0);
        WAIT_FOR(&model, !model_addr(&model, ia, "169.254.12.34") && !model_addr(&model, ia, "169.254.99.1"), WAIT_MS);
        ck_assert_uint_ge(model.addr_del, 2);
        ck_assert_int_eq(netlink_addr_del(model.nl, &a), -EADDRNOTAVAIL);

        /* Requests on a link that does not exist. */
        a.ifindex = 4242;
        ck_assert_int_eq(netlink_addr_add(model.nl, &a), -ENODEV);
        ck_assert_int_lt(netlink_route_add(model.nl, 4242, AF_INET, &net, 16, 1000, RT_SCOPE_LINK), 0);
        assert_model_matches_kernel(&model);
}
END_TEST

START_TEST(test_ipv6_dad) {
        char flags[NETLINK_ADDR_FLAGS_STRING_MAX];
        struct netlink_addr a;
        struct model_addr *ma;
        int ia, ib;

        open_and_enumerate(&model);
        veth_up_pair(&model, "zc-a", "zc-b"); /* DAD needs carrier */
        ia = link_index("zc-a");
        ib = link_index("zc-b");

        /* RFC 4862 §5.4: tentative until DAD passed. */
        a = make_addr(ia, "fd00::1", 64, RT_SCOPE_UNIVERSE, 0);
        ck_assert_int_eq(netlink_addr_add(model.nl, &a), 0);
        WAIT_FOR(&model, model_addr(&model, ia, "fd00::1"), WAIT_MS);
        ma = model_addr(&model, ia, "fd00::1");
        ck_assert_msg(ma->first_flags & IFA_F_TENTATIVE, "first NEW flags: %s",
                      netlink_addr_flags_to_string(ma->first_flags, flags, sizeof flags));
        WAIT_FOR(&model, !(model_addr(&model, ia, "fd00::1")->a.flags & IFA_F_TENTATIVE), DAD_WAIT_MS);
        ma = model_addr(&model, ia, "fd00::1");
        ck_assert(!(ma->a.flags & IFA_F_DADFAILED));
        ck_assert(ma->a.flags & IFA_F_PERMANENT);
        ck_assert_uint_eq(ma->a.prefixlen, 64);
        ck_assert_uint_eq(ma->a.scope, RT_SCOPE_UNIVERSE);

        /* nodad: never tentative; noprefixroute is beyond the 8-bit ifa_flags, so its return
         * proves the IFA_FLAGS attribute is read. */
        a = make_addr(ia, "fd00::2", 64, RT_SCOPE_UNIVERSE, IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
        ck_assert_int_eq(netlink_addr_add(model.nl, &a), 0);
        WAIT_FOR(&model, model_addr(&model, ia, "fd00::2"), WAIT_MS);
        ma = model_addr(&model, ia, "fd00::2");
        ck_assert(!(ma->all_flags & IFA_F_TENTATIVE));
        ck_assert(ma->a.flags & IFA_F_NODAD);
        ck_assert(ma->a.flags & IFA_F_NOPREFIXROUTE);

        /* Lifetimes. */
        a = make_addr(ia, "fd00::3", 64, RT_SCOPE_UNIVERSE, IFA_F_NODAD);
        a.valid_lft = 3600;
        a.preferred_lft = 1800;
        ck_assert_int_eq(netlink_addr_add(model.nl, &a), 0);
        WAIT_FOR(&model, model_addr(&model, ia, "fd00::3"), WAIT_MS);
        ma = model_addr(&model, ia, "fd00::3");
        ck_assert_uint_le(ma->a.valid_lft, 3600);
        ck_assert_uint_ge(ma->a.valid_lft, 3590);
        ck_assert_uint_le(ma->a.preferred_lft, 1800);
        ck_assert_uint_ge(ma->a.preferred_lft, 1790);

        /* A duplicate: zc-a owns fd00::1, so zc-b's DAD for it fails (RFC 4862 §5.4.5). */
        a = make_addr(ib, "fd00::1", 64, RT_SCOPE_UNIVERSE, 0);
        ck_assert_int_eq(netlink_addr_add(model.nl, &a), 0);
        WAIT_FOR(&model, model_addr(&model, ib, "fd00::1") && (model_addr(&model, ib, "fd00::1")->a.flags & IFA_F_DADFAILED),
                 DAD_WAIT_MS);
        ma = model_addr(&model, ib, "fd00::1");
        ck_assert(ma->first_flags & IFA_F_TENTATIVE);
        ck_assert_ptr_nonnull(strstr(netlink_addr_flags_to_string(ma->a.flags, flags, sizeof flags), "dadfailed"));

        /* Removal. */
        ck_assert_int_eq(netlink_addr_del(model.nl, &a), 0);
        a.ifindex = ia;
        ck_assert_int_eq(netlink_addr_del(model.nl, &a), 0);
        WAIT_FOR(&model, !model_addr(&model, ia, "fd00::1") && !model_addr(&model, ib, "fd00::1"), WAIT_MS);
        ck_assert_uint_eq(model.resyncs, 0);
        assert_model_matches_kernel(&model);
}
END_TEST

START_TEST(test_lost_events_resync) {
        struct netlink_addr known, a;
        int small = 1, ia, ic;
        char text[32];

        open_and_enumerate(&model);
        veth_up_pair(&model, "zc-a", "zc-b");
        veth_up_pair(&model, "zc-c", "zc-d");
        ia = link_index("zc-a");
        ic = link_index("zc-c");
        WAIT_FOR(&model, model_count_addrs(&model, ic) > 0, WAIT_MS); /* its IPv6 link-local */
        known = make_addr(ia, "169.254.1.1", 16, RT_SCOPE_LINK, 0);
        ck_assert_int_eq(netlink_addr_add(model.nl, &known), 0);
        WAIT_FOR(&model, model_addr(&model, ia, "169.254.1.1"), WAIT_MS);
        drain(&model, 200);

        /* A tiny event queue, then a burst while nobody reads: the kernel drops events. */
        ck_assert_int_eq(setsockopt(netlink_fd(model.nl), SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
        for (int i = 1; i <= 64; i++) {
                snprintf(text, sizeof text, "10.0.%d.1", i);
                a = make_addr(ia, text, 24, RT_SCOPE_UNIVERSE, 0);
                ck_assert_int_eq(netlink_addr_add(model.nl, &a), 0);
        }
        ck_assert_int_eq(netlink_addr_del(model.nl, &known), 0); /* a DEL that may be lost */
        link_delete("zc-c");                                       /* a link and its addresses */

        WAIT_FOR(&model,
                 model.resyncs > 0 && model_addr(&model, ia, "10.0.64.1") && !model_addr(&model, ia, "169.254.1.1") &&
                         !model_link_by_name(&model, "zc-c"),
                 WAIT_MS);
        ck_assert_msg(!model.violation[0], "%s", model.violation);
        ck_assert(!model_addr(&model, ia, "169.254.1.1"));
        ck_assert(!model_link_by_name(&model, "zc-c"));
        ck_assert(!model_link_by_name(&model, "zc-d"));
        ck_assert_uint_eq(model_count_addrs(&model, ic), 0);
        for (int i = 1; i <= 64; i++) {
                snprintf(text, sizeof text, "10.0.%d.1", i);
                ck_assert_msg(model_addr(&model, ia, text), "%s missing after the resync", text);
        }
        drain(&model, 200);
        assert_model_matches_kernel(&model);
}
END_TEST

/* ---- malformed input, through netlink_feed() ---- */

static struct nl_msg *msg_link(int type, unsigned char family, int ifindex, const char *name) {
        struct ifinfomsg ifi = { .ifi_family = family, .ifi_index = ifindex, .ifi_type = ARPHRD_ETHER, .ifi_flags = IFF_UP };
        struct nl_msg *m = nlmsg_alloc_simple(type, 0);

        ck_assert_ptr_nonnull(m);
        ck_assert_int_eq(nlmsg_append(m, &ifi, sizeof ifi, NLMSG_ALIGNTO), 0);
        if (name)
                ck_assert_int_eq(nla_put_string(m, IFLA_IFNAME, name), 0);
        return m;
}

static struct nl_msg *msg_addr(int type, unsigned char family, int ifindex, uint8_t prefixlen, const void *addr, int len) {
        struct ifaddrmsg ifa = { .ifa_family = family, .ifa_prefixlen = prefixlen, .ifa_index = (uint32_t) ifindex };
        struct nl_msg *m = nlmsg_alloc_simple(type, 0);

        ck_assert_ptr_nonnull(m);
        ck_assert_int_eq(nlmsg_append(m, &ifa, sizeof ifa, NLMSG_ALIGNTO), 0);
        if (addr)
                ck_assert_int_eq(nla_put(m, IFA_ADDRESS, len, addr), 0);
        return m;
}

static int feed(struct nl_msg *m) {
        int r = netlink_feed(model.nl, nlmsg_hdr(m), nlmsg_hdr(m)->nlmsg_len);

        nlmsg_free(m);
        return r;
}

START_TEST(test_malformed_messages) {
        static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x77 }, long_hw[33] = {};
        uint8_t raw[64] = {}, unaligned[256];
        struct nlmsghdr *h = (struct nlmsghdr *) raw;
        struct in_addr v4;
        struct nl_msg *m;
        unsigned events;

        open_and_enumerate(&model);
        events = model.link_new + model.addr_new;
        inet_pton(AF_INET, "10.9.8.7", &v4);

        /* Broken framing. */
        ck_assert_int_eq(netlink_feed(model.nl, raw, 3), -EBADMSG);
        h->nlmsg_len = 1000;
        h->nlmsg_type = RTM_NEWLINK;
        ck_assert_int_eq(netlink_feed(model.nl, raw, sizeof raw), -EBADMSG);
        h->nlmsg_len = 8;
        ck_assert_int_eq(netlink_feed(model.nl, raw, sizeof raw), -EBADMSG);
        h->nlmsg_len = sizeof *h; /* an RTM_NEWLINK without its ifinfomsg */
        ck_assert_int_eq(netlink_feed(model.nl, raw, sizeof *h), 0);
        ck_assert_int_eq(netlink_feed(model.nl, NULL, 0), 0);

        /* Links that must not get through. */
        ck_assert_int_eq(feed(msg_link(RTM_NEWLINK, AF_UNSPEC, 0, "bad0")), 0);   /* ifindex 0 */
        ck_assert_int_eq(feed(msg_link(RTM_NEWLINK, AF_UNSPEC, -3, "bad0")), 0);  /* negative */
        ck_assert_int_eq(feed(msg_link(RTM_NEWLINK, AF_UNSPEC, 77, NULL)), 0);    /* no name */
        ck_assert_int_eq(feed(msg_link(RTM_NEWLINK, AF_UNSPEC, 77, "")), 0);      /* empty name */
        ck_assert_int_eq(feed(msg_link(RTM_NEWLINK, AF_UNSPEC, 77, "a-name-much-too-long")), 0);
        m = msg_link(RTM_NEWLINK, AF_UNSPEC, 77, NULL);
        ck_assert_int_eq(nla_put(m, IFLA_IFNAME, 4, "abcd"), 0); /* not NUL-terminated */
        ck_assert_int_eq(feed(m), 0);
        m = msg_link(RTM_NEWLINK, AF_UNSPEC, 77, "fake0");
        ck_assert_int_eq(nla_put(m, IFLA_ADDRESS, sizeof long_hw, long_hw), 0);
        ck_assert_int_eq(feed(m), 0);
        ck_assert_uint_eq(model.link_new + model.addr_new, events);
        ck_assert(!model_link(&model, 77));

        /* A good one. */
        m = msg_link(RTM_NEWLINK, AF_UNSPEC, 77, "fake0");
        ck_assert_int_eq(nla_put(m, IFLA_ADDRESS, sizeof mac, mac), 0);
        ck_assert_int_eq(nla_put_u32(m, IFLA_MTU, 1400), 0);
        ck_assert_int_eq(feed(m), 0);
        ck_assert_ptr_nonnull(model_link(&model, 77));
        ck_assert_str_eq(model_link(&model, 77)->name, "fake0");
        ck_assert_uint_eq(model_link(&model, 77)->mtu, 1400);
        ck_assert_uint_eq(model_link(&model, 77)->hwaddr_len, 6);
        ck_assert_int_eq(memcmp(model_link(&model, 77)->hwaddr, mac, 6), 0);
        ck_assert(model_link(&model, 77)->flags & IFF_UP);
        ck_assert_int_eq(model_link(&model, 77)->addr_gen_mode, -1);

        /* A bridge port leaving its bridge is not the link going away. */
        ck_assert_int_eq(feed(msg_link(RTM_DELLINK, AF_BRIDGE, 77, "fake0")), 0);
        ck_assert_ptr_nonnull(model_link(&model, 77));

        /* Addresses that must not get through. */
        events = model.addr_new;
        ck_assert_int_eq(feed(msg_addr(RTM_NEWADDR, AF_INET, 999, 8, &v4, 4)), 0);  /* unknown link */
        ck_assert_int_eq(feed(msg_addr(RTM_NEWADDR, AF_INET, 0, 8, &v4, 4)), 0);    /* ifindex 0 */
        ck_assert_int_eq(feed(msg_addr(RTM_NEWADDR, AF_INET, 77, 33, &v4, 4)), 0);  /* prefix length */
        ck_assert_int_eq(feed(msg_addr(RTM_NEWADDR, AF_INET6, 77, 129, &v4, 4)), 0);
        ck_assert_int_eq(feed(msg_addr(RTM_NEWADDR, AF_INET, 77, 8, NULL, 0)), 0);  /* no address */
        ck_assert_int_eq(feed(msg_addr(RTM_NEWADDR, AF_INET, 77, 8, &v4, 3)), 0);   /* short address */
        ck_assert_int_eq(feed(msg_addr(RTM_NEWADDR, AF_INET6, 77, 8, &v4, 4)), 0);  /* IPv4 in IPv6 */
        ck_assert_int_eq(feed(msg_addr(RTM_NEWADDR, AF_PACKET, 77, 8, &v4, 4)), 0); /* other family */
        ck_assert_int_eq(feed(msg_addr(RTM_DELADDR, AF_INET, 77, 8, &v4, 4)), 0);   /* DEL never announced */
        ck_assert_uint_eq(model.addr_new, events);
        ck_assert_uint_eq(model.addr_del, 0);

        /* A good one, with an extended flag, sent unaligned and followed by garbage: the good
         * message is handled, the garbage reported. */
        m = msg_addr(RTM_NEWADDR, AF_INET, 77, 8, &v4, 4);
        ck_assert_int_eq(nla_put_u32(m, IFA_FLAGS, IFA_F_STABLE_PRIVACY | IFA_F_PERMANENT), 0);
        memcpy(unaligned + 1, nlmsg_hdr(m), nlmsg_hdr(m)->nlmsg_len);
        memset(unaligned + 1 + NLMSG_ALIGN(nlmsg_hdr(m)->nlmsg_len), 0xff, 20);
        ck_assert_int_eq(netlink_feed(model.nl, unaligned + 1, NLMSG_ALIGN(nlmsg_hdr(m)->nlmsg_len) + 20), -EBADMSG);
        nlmsg_free(m);
        ck_assert_ptr_nonnull(model_addr(&model, 77, "10.9.8.7"));
        ck_assert_uint_eq(model_addr(&model, 77, "10.9.8.7")->a.flags, IFA_F_STABLE_PRIVACY | IFA_F_PERMANENT);
        ck_assert_uint_eq(model_addr(&model, 77, "10.9.8.7")->a.prefixlen, 8);

        /* The link's deletion takes its address first (the model checks the order). */
        ck_assert_int_eq(feed(msg_link(RTM_DELLINK, AF_UNSPEC, 77, "fake0")), 0);
        ck_assert(!model_link(&model, 77));
        ck_assert_uint_eq(model.addr_del, 1);
        ck_assert_uint_eq(model.link_del, 1);
        ck_assert_int_eq(feed(msg_link(RTM_DELLINK, AF_UNSPEC, 77, "fake0")), 0); /* again: nothing */
        ck_assert_uint_eq(model.link_del, 1);
        ck_assert_msg(!model.violation[0], "%s", model.violation);
}
END_TEST

START_TEST(test_overrun_resyncs) {
        struct nl_msg *m;
        struct in_addr v4;

        open_and_enumerate(&model);
        inet_pton(AF_INET, "10.9.8.7", &v4);

        /* Something the kernel does not have, as if its DEL had been lost… */
        m = msg_link(RTM_NEWLINK, AF_UNSPEC, 77, "ghost0");
        ck_assert_int_eq(feed(m), 0);
        ck_assert_int_eq(feed(msg_addr(RTM_NEWADDR, AF_INET, 77, 8, &v4, 4)), 0);
        ck_assert_ptr_nonnull(model_link(&model, 77));

        /* …then the kernel says events were lost: the resync removes it, address first. */
        m = nlmsg_alloc_simple(NLMSG_OVERRUN, 0);
        ck_assert_ptr_nonnull(m);
        ck_assert_int_eq(feed(m), 0);
        ck_assert_int_eq(netlink_process(model.nl), 0);
        ck_assert_uint_eq(model.resyncs, 1);
        ck_assert(!model_link(&model, 77));
        ck_assert_uint_eq(model.addr_del, 1);
        ck_assert_uint_eq(model.link_del, 1);
        ck_assert_ptr_nonnull(model_link_by_name(&model, "lo"));
        ck_assert_msg(!model.violation[0], "%s", model.violation);

        /* netlink_enumerate() again is a resynchronisation without the resync callback. */
        ck_assert_int_eq(feed(msg_link(RTM_NEWLINK, AF_UNSPEC, 78, "ghost1")), 0);
        ck_assert_int_eq(netlink_enumerate(model.nl), 0);
        ck_assert(!model_link(&model, 78));
        ck_assert_uint_eq(model.resyncs, 1);
        assert_model_matches_kernel(&model);
}
END_TEST

START_TEST(test_invalid_arguments) {
        struct netlink_addr a;
        union in_addr_union net = {};
        struct netlink *nl = NULL;

        ck_assert_int_eq(netlink_open(NULL, &callbacks, NULL), -EINVAL);
        ck_assert_int_eq(netlink_open(&nl, NULL, NULL), -EINVAL);
        ck_assert_ptr_null(nl);
        ck_assert_int_eq(netlink_process(NULL), -EINVAL);
        ck_assert_int_eq(netlink_enumerate(NULL), -EINVAL);
        ck_assert_int_eq(netlink_fd(NULL), -EINVAL);
        netlink_free(NULL);

        open_and_enumerate(&model);
        ck_assert_int_eq(netlink_addr_add(model.nl, NULL), -EINVAL);
        a = make_addr(1, "169.254.1.1", 16, RT_SCOPE_LINK, 0);
        ck_assert_int_eq(netlink_addr_add(NULL, &a), -EINVAL);
        a.ifindex = 0;
        ck_assert_int_eq(netlink_addr_add(model.nl, &a), -EINVAL);
        a.ifindex = -1;
        ck_assert_int_eq(netlink_addr_del(model.nl, &a), -EINVAL);
        a.ifindex = 1;
        a.prefixlen = 33;
        ck_assert_int_eq(netlink_addr_add(model.nl, &a), -EINVAL);
        a.prefixlen = 16;
        a.family = AF_UNIX;
        ck_assert_int_eq(netlink_addr_add(model.nl, &a), -EINVAL);
        a.family = AF_INET;
        a.valid_lft = 10;
        a.preferred_lft = 20;
        ck_assert_int_eq(netlink_addr_add(model.nl, &a), -EINVAL);
        a = make_addr(1, "fd00::1", 129, RT_SCOPE_UNIVERSE, 0);
        ck_assert_int_eq(netlink_addr_add(model.nl, &a), -EINVAL);

        ck_assert_int_eq(netlink_route_add(model.nl, 1, AF_INET, NULL, 16, 0, RT_SCOPE_LINK), -EINVAL);
        ck_assert_int_eq(netlink_route_add(model.nl, 0, AF_INET, &net, 16, 0, RT_SCOPE_LINK), -EINVAL);
        ck_assert_int_eq(netlink_route_add(model.nl, 1, AF_INET, &net, 33, 0, RT_SCOPE_LINK), -EINVAL);
        ck_assert_int_eq(netlink_route_add(model.nl, 1, 99, &net, 16, 0, RT_SCOPE_LINK), -EAFNOSUPPORT);
        ck_assert_int_eq(netlink_route_del(NULL, 1, AF_INET, &net, 16, 0, RT_SCOPE_LINK), -EINVAL);
        ck_assert_int_eq(netlink_feed(NULL, "", 0), -EINVAL);
        ck_assert_int_eq(netlink_feed(model.nl, NULL, 1), -EINVAL);
}
END_TEST

START_TEST(test_flags_to_string) {
        char buf[NETLINK_ADDR_FLAGS_STRING_MAX], small[5];

        ck_assert_str_eq(netlink_addr_flags_to_string(0, buf, sizeof buf), "");
        ck_assert_str_eq(netlink_addr_flags_to_string(IFA_F_TENTATIVE | IFA_F_DADFAILED, buf, sizeof buf),
                         "tentative,dadfailed");
        ck_assert_str_eq(netlink_addr_flags_to_string(IFA_F_PERMANENT | IFA_F_STABLE_PRIVACY | 0x10000, buf, sizeof buf),
                         "permanent,stable-privacy,0x10000");
        ck_assert_str_eq(netlink_addr_flags_to_string(UINT32_MAX, buf, sizeof buf),
                         "tentative,dadfailed,optimistic,deprecated,nodad,permanent,temporary,mngtmpaddr,"
                         "noprefixroute,autojoin,stable-privacy,home,0xfffff000");
        ck_assert_str_eq(netlink_addr_flags_to_string(IFA_F_TENTATIVE | IFA_F_DADFAILED, small, sizeof small), "tent");
        ck_assert_ptr_eq(netlink_addr_flags_to_string(IFA_F_TENTATIVE, small, 0), small);
        ck_assert_ptr_null(netlink_addr_flags_to_string(IFA_F_TENTATIVE, NULL, 10));
}
END_TEST

static Suite *netlink_suite(void) {
        Suite *s = suite_create("netlink");
        TCase *tc = tcase_create("kernel");

        /* Each test in its own fresh network namespace (the fixture runs in the test's child). */
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, test_enumerate_sees_lo);
        tcase_add_test(tc, test_link_lifecycle);
        tcase_add_test(tc, test_ipv4_address_and_route);
        tcase_add_test(tc, test_ipv6_dad);
        tcase_add_test(tc, test_lost_events_resync);
        tcase_add_test(tc, test_malformed_messages);
        tcase_add_test(tc, test_overrun_resyncs);
        tcase_add_test(tc, test_invalid_arguments);
        tcase_add_test(tc, test_flags_to_string);
        suite_add_tcase(s, tc);
        return s;
}

int main(void) {
        const char *ci = getenv("CI");

        /* Into a private namespace before anything else, so that even with CK_FORK=no nothing
         * here can touch the machine's interfaces. */
        if (unshare(CLONE_NEWNET) < 0) {
                int e = errno;

                if (ci && strcmp(ci, "true") == 0) {
                        fprintf(stderr, "test-netlink: FAIL: needs root for a private network namespace "
                                        "(unshare(CLONE_NEWNET): %s), and CI=true forbids skipping\n",
                                strerror(e));
                        return EXIT_FAILURE;
                }
                printf("test-netlink: skipped: needs root for a private network namespace (unshare(CLONE_NEWNET): %s)\n",
                       strerror(e));
                return 77;
        }

        log_set_max_level(getenv("ZC_TEST_DEBUG") ? LOG_DEBUG : LOG_ERR);

        return unit_run(netlink_suite());
}
