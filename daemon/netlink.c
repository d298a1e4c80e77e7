/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Link monitor on rtnetlink, with libnl-route-3.
 *
 * Two sockets:
 *  - the event socket: subscribed to RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR,
 *    non-blocking, read by netlink_process();
 *  - the request socket: blocking, for dumps and for address/route requests, each synchronous
 *    (send, then read until the kernel's ACK/DONE for that sequence number), so that replies
 *    never interleave with the event stream.
 *
 * libnl sets the sockets up, builds the requests and parses each message into rtnl_link and
 * rtnl_addr objects (nl_msg_parse()). The datagrams themselves are read here with recvmsg():
 * libnl's nl_recv() reports ENOBUFS as NLE_NOMEM, indistinguishable from its own allocation
 * failures, and does not let us check the sender or detect truncation; lost events must be
 * recognised exactly, since they are what triggers a resynchronisation.
 *
 * A table of the links and addresses delivered so far (sorted arrays, bounded) gives the
 * consumer its guarantees (see netlink.h) and lets a resynchronisation compute what vanished:
 *
 * Resynchronisation after lost events (ENOBUFS, NLMSG_OVERRUN, a truncated datagram):
 *  1. read and discard the rest of the event socket's queue, up to EAGAIN: those messages are
 *     older than the re-dump below and would otherwise be applied on top of it (a stale
 *     "tentative" after the dump's "DAD passed", with nothing later to correct it);
 *  2. dump links, IPv4 and IPv6 addresses into a fresh table, on the request socket; redo it
 *     if the kernel flags the dump inconsistent (NLM_F_DUMP_INTR);
 *  3. call callbacks.resync, deliver DEL for each object of the old table not in the fresh one
 *     (addresses first, then links), then NEW for every object of the fresh table;
 *  4. carry on reading events: every change after step 1 is in the queue, so the consumer's
 *     view converges on the kernel's.
 * netlink_enumerate() is steps 2 and 3 with an empty old table. */
#include "netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/object.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet6.h>
#include <netlink/socket.h>

#include "log.h"

#define EVENT_RCVBUF_SIZE (1024 * 1024)
#define RECV_BUF_INITIAL (64 * 1024)
#define RECV_BUF_MAX (4 * 1024 * 1024)
#define REQUEST_TIMEOUT_SEC 5   /* the kernel answers at once; this only guards against a bug */
#define DUMP_ATTEMPTS 5         /* redo a dump flagged NLM_F_DUMP_INTR at most this often */
#define RESYNCS_PER_PROCESS 4   /* resynchronisations within one netlink_process() call */
#define BAD_MESSAGE_LOG_MAX 20  /* complaints about malformed messages before going quiet */

struct netlink_table {
        struct netlink_link *links; /* sorted by ifindex */
        size_t n_links, cap_links;
        struct netlink_addr *addrs; /* sorted by netlink_addr_compare(): grouped by ifindex */
        size_t n_addrs, cap_addrs;
};

struct netlink_buf {
        uint8_t *data;
        size_t size;
};

struct netlink {
        struct nl_sock *events;
        struct nl_sock *requests;
        struct netlink_callbacks cb;
        void *userdata;

        struct netlink_table table;
        struct netlink_buf event_buf;   /* the datagram being dispatched */
        struct netlink_buf request_buf; /* replies; separate, as callbacks may send requests */
        uint32_t seq;

        bool resync_pending;
        unsigned dispatching; /* inside a callback */
        unsigned bad_messages;
        bool links_full_logged, addrs_full_logged;
};

/* ---- small helpers ---- */

static int netlink_errno_from_nle(int nle) {
        switch (nle < 0 ? -nle : nle) {
        case NLE_NOMEM: return -ENOMEM;
        case NLE_PERM: return -EPERM;
        case NLE_BAD_SOCK: return -EBADF;
        case NLE_AGAIN: return -EAGAIN;
        case NLE_INVAL: return -EINVAL;
        case NLE_RANGE: return -ERANGE;
        case NLE_MSGSIZE: return -EMSGSIZE;
        case NLE_OPNOTSUPP: return -EOPNOTSUPP;
        case NLE_AF_NOSUPPORT: return -EAFNOSUPPORT;
        case NLE_EXIST: return -EEXIST;
        case NLE_NOADDR: return -EADDRNOTAVAIL;
        case NLE_OBJ_NOTFOUND: return -ENOENT;
        case NLE_NOATTR: return -ENODATA;
        case NLE_MSG_TOOSHORT:
        case NLE_MSG_TRUNC:
        case NLE_PARSE_ERR: return -EBADMSG;
        default: return -EIO;
        }
}

static size_t netlink_family_addr_len(int family) {
        switch (family) {
        case AF_INET: return sizeof(struct in_addr);
        case AF_INET6: return sizeof(struct in6_addr);
        default: return 0;
        }
}

static const char *netlink_format_addr(int family, const union in_addr_union *a, char *buf, size_t size) {
        if (!inet_ntop(family, a, buf, (socklen_t) size))
                snprintf(buf, size, "(family %d)", family);
        return buf;
}

#define NETLINK_IFNAME_MAX (IF_NAMESIZE + 16)

/* The interface's name for logs: the last one delivered, else "ifindex N". */
static const char *netlink_ifname(const struct netlink *nl, int ifindex, char buf[static NETLINK_IFNAME_MAX]);

_printf_(2, 3) static void netlink_log_bad_message(struct netlink *nl, const char *fmt, ...) {
        char text[512];
        va_list ap;

        if (nl->bad_messages >= BAD_MESSAGE_LOG_MAX)
                return;
        nl->bad_messages++;

        va_start(ap, fmt);
        vsnprintf(text, sizeof text, fmt, ap);
        va_end(ap);
        log_warning("netlink: ignoring malformed message: %s%s", text,
                    nl->bad_messages == BAD_MESSAGE_LOG_MAX ? " (further ones not logged)" : "");
}

const char *netlink_addr_flags_to_string(uint32_t flags, char *buf, size_t size) {
        /* The order is the order of interest: DAD state first. */
        static const struct {
                uint32_t flag;
                const char *name;
        } table[] = {
                { IFA_F_TENTATIVE, "tentative" },
                { IFA_F_DADFAILED, "dadfailed" },
                { IFA_F_OPTIMISTIC, "optimistic" },
                { IFA_F_DEPRECATED, "deprecated" },
                { IFA_F_NODAD, "nodad" },
                { IFA_F_PERMANENT, "permanent" },
                { IFA_F_TEMPORARY, "temporary" }, /* the same bit is IPv4's IFA_F_SECONDARY */
                { IFA_F_MANAGETEMPADDR, "mngtmpaddr" },
                { IFA_F_NOPREFIXROUTE, "noprefixroute" },
                { IFA_F_MCAUTOJOIN, "autojoin" },
                { IFA_F_STABLE_PRIVACY, "stable-privacy" },
                { IFA_F_HOMEADDRESS, "home" },
        };
        size_t len = 0;

        if (!buf || size == 0)
                return buf;
        buf[0] = '\0';

        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                if (!(flags & table[i].flag))
                        continue;
                flags &= ~table[i].flag;
                if (len < size)
                        len += (size_t) snprintf(buf + len, size - len, "%s%s", len > 0 ? "," : "", table[i].name);
        }
        if (flags != 0 && len < size)
                snprintf(buf + len, size - len, "%s0x%" PRIx32, len > 0 ? "," : "", flags);

        return buf;
}

/* ---- the table ---- */

static int netlink_addr_compare(const struct netlink_addr *a, const struct netlink_addr *b) {
        int r;

        if (a->ifindex != b->ifindex)
                return a->ifindex < b->ifindex ? -1 : 1;
        if (a->family != b->family)
                return a->family < b->family ? -1 : 1;
        r = memcmp(&a->addr, &b->addr, netlink_family_addr_len(a->family));
        if (r != 0)
                return r;
        if (a->prefixlen != b->prefixlen)
                return a->prefixlen < b->prefixlen ? -1 : 1;
        return 0;
}

/* Binary search: true if found; *pos is its index, or where it would go. */
static bool netlink_table_find_link(const struct netlink_table *t, int ifindex, size_t *pos) {
        size_t lo = 0, hi = t->n_links;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (t->links[mid].ifindex == ifindex) {
                        *pos = mid;
                        return true;
                }
                if (t->links[mid].ifindex < ifindex)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *pos = lo;
        return false;
}

static bool netlink_table_find_addr(const struct netlink_table *t, const struct netlink_addr *a, size_t *pos) {
        size_t lo = 0, hi = t->n_addrs;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int r = netlink_addr_compare(&t->addrs[mid], a);

                if (r == 0) {
                        *pos = mid;
                        return true;
                }
                if (r < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *pos = lo;
        return false;
}

static const struct netlink_link *netlink_table_get_link(const struct netlink_table *t, int ifindex) {
        size_t pos;

        return netlink_table_find_link(t, ifindex, &pos) ? &t->links[pos] : NULL;
}

static int netlink_grow(void **array, size_t *cap, size_t n, size_t elem, size_t max) {
        size_t new_cap;
        void *p;

        if (n < *cap)
                return 0;
        if (n >= max)
                return -ENOSPC;
        new_cap = MIN(MAX(*cap * 2, (size_t) 16), max);
        p = realloc(*array, new_cap * elem);
        if (!p)
                return -ENOMEM;
        *array = p;
        *cap = new_cap;
        return 0;
}

static int netlink_table_put_link(struct netlink_table *t, const struct netlink_link *l) {
        size_t pos;
        int r;

        if (netlink_table_find_link(t, l->ifindex, &pos)) {
                t->links[pos] = *l;
                return 0;
        }
        r = netlink_grow((void **) &t->links, &t->cap_links, t->n_links, sizeof *t->links, NETLINK_LINKS_MAX);
        if (r < 0)
                return r;
        memmove(&t->links[pos + 1], &t->links[pos], (t->n_links - pos) * sizeof *t->links);
        t->links[pos] = *l;
        t->n_links++;
        return 0;
}

static int netlink_table_put_addr(struct netlink_table *t, const struct netlink_addr *a) {
        size_t pos;
        int r;

        if (netlink_table_find_addr(t, a, &pos)) {
                t->addrs[pos] = *a;
                return 0;
        }
        r = netlink_grow((void **) &t->addrs, &t->cap_addrs, t->n_addrs, sizeof *t->addrs, NETLINK_ADDRS_MAX);
        if (r < 0)
                return r;
        memmove(&t->addrs[pos + 1], &t->addrs[pos], (t->n_addrs - pos) * sizeof *t->addrs);
        t->addrs[pos] = *a;
        t->n_addrs++;
        return 0;
}

static void netlink_table_remove_link_at(struct netlink_table *t, size_t pos) {
        memmove(&t->links[pos], &t->links[pos + 1], (t->n_links - pos - 1) * sizeof *t->links);
        t->n_links--;
}

static void netlink_table_remove_addr_at(struct netlink_table *t, size_t pos) {
        memmove(&t->addrs[pos], &t->addrs[pos + 1], (t->n_addrs - pos - 1) * sizeof *t->addrs);
        t->n_addrs--;
}

static void netlink_table_done(struct netlink_table *t) {
        free(t->links);
        free(t->addrs);
        *t = (struct netlink_table) {};
}

static const char *netlink_ifname(const struct netlink *nl, int ifindex, char buf[static NETLINK_IFNAME_MAX]) {
        const struct netlink_link *l = nl ? netlink_table_get_link(&nl->table, ifindex) : NULL;

        if (l)
                snprintf(buf, NETLINK_IFNAME_MAX, "%s", l->name);
        else
                snprintf(buf, NETLINK_IFNAME_MAX, "ifindex %d", ifindex);
        return buf;
}

/* Put an object into a table, logging (once per table kind) if a limit is hit. */
static int netlink_track_link(struct netlink *nl, struct netlink_table *t, const struct netlink_link *l) {
        int r = netlink_table_put_link(t, l);

        if (r == -ENOSPC) {
                if (!nl->links_full_logged)
                        log_warning("netlink: %s: more than %d links, ignoring this one and further ones",
                                    l->name, NETLINK_LINKS_MAX);
                nl->links_full_logged = true;
        } else if (r < 0)
                log_error("netlink: %s: cannot track link: %s", l->name, strerror(-r));
        return r;
}

static int netlink_track_addr(struct netlink *nl, struct netlink_table *t, const struct netlink_addr *a) {
        int r = netlink_table_put_addr(t, a);

        if (r < 0) {
                char ifname[NETLINK_IFNAME_MAX], text[INET6_ADDRSTRLEN];

                if (r != -ENOSPC)
                        log_error("netlink: %s: cannot track address %s: %s", netlink_ifname(nl, a->ifindex, ifname),
                                  netlink_format_addr(a->family, &a->addr, text, sizeof text), strerror(-r));
                else if (!nl->addrs_full_logged)
                        log_warning("netlink: %s: more than %d addresses, ignoring %s and further ones",
                                    netlink_ifname(nl, a->ifindex, ifname), NETLINK_ADDRS_MAX,
                                    netlink_format_addr(a->family, &a->addr, text, sizeof text));
                if (r == -ENOSPC)
                        nl->addrs_full_logged = true;
        }
        return r;
}

/* ---- delivery ---- */

static void netlink_deliver_link(struct netlink *nl, enum netlink_event ev, const struct netlink_link *l) {
        if (!nl->cb.link)
                return;
        nl->dispatching++;
        nl->cb.link(nl->userdata, ev, l);
        nl->dispatching--;
}

static void netlink_deliver_addr(struct netlink *nl, enum netlink_event ev, const struct netlink_addr *a) {
        if (!nl->cb.addr)
                return;
        nl->dispatching++;
        nl->cb.addr(nl->userdata, ev, a);
        nl->dispatching--;
}

/* ---- parsing: raw checks, then libnl's parser ---- */

struct netlink_parse_ctx {
        const char *type;
        struct nl_object *obj;
};

static void netlink_parse_object_cb(struct nl_object *obj, void *arg) {
        struct netlink_parse_ctx *ctx = arg;
        const char *type = nl_object_get_type(obj);

        if (ctx->obj || !type || strcmp(type, ctx->type) != 0)
                return;
        nl_object_get(obj);
        ctx->obj = obj;
}

/* One message into one libnl object of the given type; the caller puts it. */
static int netlink_parse_object(const struct nlmsghdr *h, const char *type, struct nl_object **ret, int *ret_nle) {
        struct netlink_parse_ctx ctx = { .type = type };
        struct nl_msg *m;
        int r;

        *ret_nle = 0;
        m = nlmsg_convert((struct nlmsghdr *) h);
        if (!m)
                return -ENOMEM;
        nlmsg_set_proto(m, NETLINK_ROUTE); /* nl_msg_parse() picks the parser by protocol and type */
        r = nl_msg_parse(m, netlink_parse_object_cb, &ctx);
        nlmsg_free(m);
        if (r < 0) {
                if (ctx.obj)
                        nl_object_put(ctx.obj);
                *ret_nle = r;
                return r == -NLE_NOMEM ? -ENOMEM : -EBADMSG;
        }
        if (!ctx.obj)
                return -EBADMSG;
        *ret = ctx.obj;
        return 0;
}

static const char *netlink_message_type_name(uint16_t type) {
        switch (type) {
        case RTM_NEWLINK: return "RTM_NEWLINK";
        case RTM_DELLINK: return "RTM_DELLINK";
        case RTM_NEWADDR: return "RTM_NEWADDR";
        case RTM_DELADDR: return "RTM_DELADDR";
        default: return "message";
        }
}

/* 1: parsed into *ret; 0: not for us (another address family); -errno: malformed (logged). */
static int netlink_parse_link(struct netlink *nl, const struct nlmsghdr *h, struct netlink_link *ret) {
        const struct ifinfomsg *ifi;
        const struct nlattr *name_attr, *hw_attr;
        struct nl_object *obj;
        struct rtnl_link *link;
        const char *name, *name_data;
        size_t name_len;
        uint8_t mode;
        int r, nle;

        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg))) {
                netlink_log_bad_message(nl, "%s of %" PRIu32 " bytes is too short",
                                        netlink_message_type_name(h->nlmsg_type), h->nlmsg_len);
                return -EBADMSG;
        }
        ifi = NLMSG_DATA(h);
        /* The bridge reports its ports as AF_BRIDGE link messages, including an RTM_DELLINK
         * when a port leaves the bridge: that is not the link going away. */
        if (ifi->ifi_family != AF_UNSPEC)
                return 0;
        if (ifi->ifi_index <= 0) {
                netlink_log_bad_message(nl, "%s with ifindex %d", netlink_message_type_name(h->nlmsg_type),
                                        ifi->ifi_index);
                return -EBADMSG;
        }

        /* libnl copies the name with a silent truncation: check the attribute itself. */
        name_attr = nlmsg_find_attr((struct nlmsghdr *) h, sizeof(struct ifinfomsg), IFLA_IFNAME);
        if (!name_attr) {
                netlink_log_bad_message(nl, "%s for ifindex %d without a name",
                                        netlink_message_type_name(h->nlmsg_type), ifi->ifi_index);
                return -EBADMSG;
        }
        name_data = nla_data(name_attr);
        name_len = nla_len(name_attr) > 0 ? (size_t) nla_len(name_attr) : 0;
        if (name_len == 0 || strnlen(name_data, name_len) >= name_len || strnlen(name_data, name_len) == 0 ||
            strnlen(name_data, name_len) >= IF_NAMESIZE) {
                netlink_log_bad_message(nl, "%s for ifindex %d with an empty, overlong or unterminated name",
                                        netlink_message_type_name(h->nlmsg_type), ifi->ifi_index);
                return -EBADMSG;
        }

        r = netlink_parse_object(h, "route/link", &obj, &nle);
        if (r < 0) {
                netlink_log_bad_message(nl, "%s for ifindex %d: %s", netlink_message_type_name(h->nlmsg_type),
                                        ifi->ifi_index, nle ? nl_geterror(nle) : strerror(-r));
                return r;
        }
        link = (struct rtnl_link *) obj;

        *ret = (struct netlink_link) { .addr_gen_mode = -1 };
        ret->ifindex = rtnl_link_get_ifindex(link);
        name = rtnl_link_get_name(link);
        if (ret->ifindex != ifi->ifi_index || !name || strnlen(name, IF_NAMESIZE) >= IF_NAMESIZE ||
            strcmp(name, name_data) != 0) {
                netlink_log_bad_message(nl, "%s for ifindex %d: inconsistent after parsing",
                                        netlink_message_type_name(h->nlmsg_type), ifi->ifi_index);
                r = -EBADMSG;
                goto out;
        }
        memcpy(ret->name, name, strlen(name) + 1);
        ret->flags = rtnl_link_get_flags(link);
        ret->arptype = (unsigned short) rtnl_link_get_arptype(link);
        ret->mtu = rtnl_link_get_mtu(link);
        ret->operstate = rtnl_link_get_operstate(link);

        /* From the attribute itself, as for addresses: libnl is lenient with lengths. */
        hw_attr = nlmsg_find_attr((struct nlmsghdr *) h, sizeof(struct ifinfomsg), IFLA_ADDRESS);
        if (hw_attr) {
                size_t len = nla_len(hw_attr) > 0 ? (size_t) nla_len(hw_attr) : 0;

                if (len > sizeof ret->hwaddr) {
                        netlink_log_bad_message(nl, "%s for %s: hardware address of %zu bytes",
                                                netlink_message_type_name(h->nlmsg_type), ret->name, len);
                        r = -EBADMSG;
                        goto out;
                }
                memcpy(ret->hwaddr, nla_data(hw_attr), len);
                ret->hwaddr_len = len;
        }

        if (rtnl_link_inet6_get_addr_gen_mode(link, &mode) == 0)
                ret->addr_gen_mode = mode;
        r = 1;
out:
        nl_object_put(obj);
        return r;
}

static int netlink_parse_addr(struct netlink *nl, const struct nlmsghdr *h, struct netlink_addr *ret) {
        char ifname[NETLINK_IFNAME_MAX];
        const struct ifaddrmsg *ifa;
        struct nlattr *local_attr, *address_attr, *brd_attr;
        struct nl_object *obj;
        struct rtnl_addr *addr;
        size_t alen;
        int r, nle, prefixlen, scope;

        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg))) {
                netlink_log_bad_message(nl, "%s of %" PRIu32 " bytes is too short",
                                        netlink_message_type_name(h->nlmsg_type), h->nlmsg_len);
                return -EBADMSG;
        }
        ifa = NLMSG_DATA(h);
        alen = netlink_family_addr_len(ifa->ifa_family);
        if (alen == 0)
                return 0; /* not IPv4 or IPv6 (e.g. AF_MCTP) */
        if (ifa->ifa_index == 0 || ifa->ifa_index > INT32_MAX) {
                netlink_log_bad_message(nl, "%s with ifindex %" PRIu32, netlink_message_type_name(h->nlmsg_type),
                                        ifa->ifa_index);
                return -EBADMSG;
        }
        if (ifa->ifa_prefixlen > alen * 8) {
                netlink_log_bad_message(nl, "%s on %s with prefix length %u", netlink_message_type_name(h->nlmsg_type),
                                        netlink_ifname(nl, (int) ifa->ifa_index, ifname), ifa->ifa_prefixlen);
                return -EBADMSG;
        }

        /* libnl makes up an address when the attribute is missing or short: check them here,
         * and take the address from them: IFA_LOCAL, or IFA_ADDRESS when there is no peer. */
        local_attr = nlmsg_find_attr((struct nlmsghdr *) h, sizeof(struct ifaddrmsg), IFA_LOCAL);
        address_attr = nlmsg_find_attr((struct nlmsghdr *) h, sizeof(struct ifaddrmsg), IFA_ADDRESS);
        brd_attr = nlmsg_find_attr((struct nlmsghdr *) h, sizeof(struct ifaddrmsg), IFA_BROADCAST);
        if ((!local_attr && !address_attr) || (local_attr && (size_t) nla_len(local_attr) != alen) ||
            (address_attr && (size_t) nla_len(address_attr) != alen)) {
                netlink_log_bad_message(nl, "%s on %s without a valid address", netlink_message_type_name(h->nlmsg_type),
                                        netlink_ifname(nl, (int) ifa->ifa_index, ifname));
                return -EBADMSG;
        }
        if (brd_attr && ifa->ifa_family == AF_INET && (size_t) nla_len(brd_attr) != sizeof(struct in_addr)) {
                netlink_log_bad_message(nl, "%s on %s with an invalid broadcast address",
                                        netlink_message_type_name(h->nlmsg_type),
                                        netlink_ifname(nl, (int) ifa->ifa_index, ifname));
                return -EBADMSG;
        }

        r = netlink_parse_object(h, "route/addr", &obj, &nle);
        if (r < 0) {
                netlink_log_bad_message(nl, "%s on %s: %s", netlink_message_type_name(h->nlmsg_type),
                                        netlink_ifname(nl, (int) ifa->ifa_index, ifname),
                                        nle ? nl_geterror(nle) : strerror(-r));
                return r;
        }
        addr = (struct rtnl_addr *) obj;

        *ret = (struct netlink_addr) {};
        ret->ifindex = rtnl_addr_get_ifindex(addr);
        ret->family = rtnl_addr_get_family(addr);
        prefixlen = rtnl_addr_get_prefixlen(addr);
        scope = rtnl_addr_get_scope(addr);
        if (ret->ifindex != (int) ifa->ifa_index || ret->family != ifa->ifa_family || prefixlen != ifa->ifa_prefixlen ||
            scope < 0 || scope > UINT8_MAX) {
                netlink_log_bad_message(nl, "%s on %s: inconsistent after parsing", netlink_message_type_name(h->nlmsg_type),
                                        netlink_ifname(nl, (int) ifa->ifa_index, ifname));
                r = -EBADMSG;
                goto out;
        }
        memcpy(&ret->addr, nla_data(local_attr ?: address_attr), alen);
        if (brd_attr && ret->family == AF_INET)
                memcpy(&ret->broadcast.in, nla_data(brd_attr), sizeof(struct in_addr));
        ret->prefixlen = (uint8_t) prefixlen;
        ret->scope = (uint8_t) scope;
        ret->flags = rtnl_addr_get_flags(addr); /* includes IFA_FLAGS (libnl >= 3.2.26) */
        ret->valid_lft = rtnl_addr_get_valid_lifetime(addr);
        ret->preferred_lft = rtnl_addr_get_preferred_lifetime(addr);
        r = 1;
out:
        nl_object_put(obj);
        return r;
}

/* ---- events ---- */

static void netlink_handle_link_event(struct netlink *nl, const struct nlmsghdr *h) {
        struct netlink_link link;
        size_t pos;
        int r;

        if (h->nlmsg_type == RTM_DELLINK) {
                const struct ifinfomsg *ifi;
                size_t first, i;

                /* Only the index matters: a deletion must not be lost to a detail of the
                 * message. The consumer gets the last state it was given. */
                if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg))) {
                        netlink_log_bad_message(nl, "RTM_DELLINK of %" PRIu32 " bytes is too short", h->nlmsg_len);
                        return;
                }
                ifi = NLMSG_DATA(h);
                if (ifi->ifi_family != AF_UNSPEC || ifi->ifi_index <= 0)
                        return;
                if (!netlink_table_find_link(&nl->table, ifi->ifi_index, &pos))
                        return; /* never delivered */

                /* Addresses first; the kernel normally sent their DELADDR already. */
                netlink_table_find_addr(&nl->table, &(struct netlink_addr) { .ifindex = ifi->ifi_index }, &first);
                for (i = first; i < nl->table.n_addrs && nl->table.addrs[i].ifindex == ifi->ifi_index; i++)
                        ;
                while (i > first) {
                        struct netlink_addr a = nl->table.addrs[--i];

                        netlink_table_remove_addr_at(&nl->table, i);
                        netlink_deliver_addr(nl, NETLINK_DEL, &a);
                }

                link = nl->table.links[pos];
                netlink_table_remove_link_at(&nl->table, pos);
                log_debug("netlink: %s: link removed", link.name);
                netlink_deliver_link(nl, NETLINK_DEL, &link);
                return;
        }

        r = netlink_parse_link(nl, h, &link);
        if (r <= 0)
                return;
        if (netlink_track_link(nl, &nl->table, &link) < 0)
                return;
        netlink_deliver_link(nl, NETLINK_NEW, &link);
}

static void netlink_handle_addr_event(struct netlink *nl, const struct nlmsghdr *h) {
        struct netlink_addr addr;
        size_t pos;
        int r;

        r = netlink_parse_addr(nl, h, &addr);
        if (r <= 0)
                return;

        if (h->nlmsg_type == RTM_DELADDR) {
                if (!netlink_table_find_addr(&nl->table, &addr, &pos))
                        return; /* never delivered */
                netlink_table_remove_addr_at(&nl->table, pos);
                netlink_deliver_addr(nl, NETLINK_DEL, &addr);
                return;
        }

        if (!netlink_table_get_link(&nl->table, addr.ifindex)) {
                log_debug("netlink: address on unknown ifindex %d ignored", addr.ifindex);
                return;
        }
        if (netlink_track_addr(nl, &nl->table, &addr) < 0)
                return;
        netlink_deliver_addr(nl, NETLINK_NEW, &addr);
}

/* Walk the messages of one datagram. Returns 0 or -EBADMSG. */
static int netlink_dispatch(struct netlink *nl, const uint8_t *buf, size_t len) {
        while (len > 0) {
                const struct nlmsghdr *h = (const struct nlmsghdr *) buf;
                size_t step;

                if (len < sizeof *h || h->nlmsg_len < sizeof *h || h->nlmsg_len > len) {
                        netlink_log_bad_message(nl, "bad message length in a datagram (%zu bytes left)", len);
                        return -EBADMSG;
                }

                switch (h->nlmsg_type) {
                case RTM_NEWLINK:
                case RTM_DELLINK:
                        netlink_handle_link_event(nl, h);
                        break;
                case RTM_NEWADDR:
                case RTM_DELADDR:
                        netlink_handle_addr_event(nl, h);
                        break;
                case NLMSG_OVERRUN:
                        log_warning("netlink: the kernel reports lost events (overrun); resynchronising");
                        nl->resync_pending = true;
                        break;
                default:
                        break;
                }

                step = NLMSG_ALIGN(h->nlmsg_len);
                if (step >= len)
                        break;
                buf += step;
                len -= step;
        }
        return 0;
}

int netlink_feed(struct netlink *nl, const void *buf, size_t len) {
        if (!nl || (!buf && len > 0))
                return -EINVAL;
        if (len == 0)
                return 0;
        if (len > nl->event_buf.size)
                return -EMSGSIZE;
        /* Copy: the caller's buffer may not be aligned for struct nlmsghdr. */
        memcpy(nl->event_buf.data, buf, len);
        return netlink_dispatch(nl, nl->event_buf.data, len);
}

/* ---- receiving ---- */

static int netlink_buf_reserve(struct netlink_buf *b, size_t size) {
        uint8_t *p;

        if (size <= b->size)
                return 0;
        if (size > RECV_BUF_MAX)
                return -EMSGSIZE;
        p = malloc(size);
        if (!p)
                return -ENOMEM;
        free(b->data);
        b->data = p;
        b->size = size;
        return 0;
}

/* One datagram into b. peek: size it first, so that it is never truncated (request socket).
 * Returns its length (*truncated set if it did not fit), or -errno (-EAGAIN when there is none). */
static ssize_t netlink_recv_datagram(int fd, struct netlink_buf *b, int flags, bool peek, bool *from_kernel, bool *truncated) {
        struct sockaddr_nl sa;
        struct iovec iov;
        struct msghdr mh;
        ssize_t n;

        *from_kernel = false;
        *truncated = false;

        if (peek) {
                for (;;) {
                        n = recv(fd, NULL, 0, flags | MSG_PEEK | MSG_TRUNC);
                        if (n >= 0 || errno != EINTR)
                                break;
                }
                if (n < 0)
                        return -errno;
                if ((size_t) n > b->size) {
                        int r = netlink_buf_reserve(b, (size_t) n);

                        if (r < 0)
                                return r;
                }
        }

        for (;;) {
                iov = (struct iovec) { .iov_base = b->data, .iov_len = b->size };
                mh = (struct msghdr) { .msg_name = &sa, .msg_namelen = sizeof sa, .msg_iov = &iov, .msg_iovlen = 1 };
                n = recvmsg(fd, &mh, flags | MSG_TRUNC);
                if (n >= 0 || errno != EINTR)
                        break;
        }
        if (n < 0)
                return -errno;
        if ((size_t) n > b->size || (mh.msg_flags & MSG_TRUNC)) {
                *truncated = true;
                (void) netlink_buf_reserve(b, (size_t) n); /* for the next one */
                return n;
        }
        *from_kernel = mh.msg_namelen >= sizeof sa && sa.nl_family == AF_NETLINK && sa.nl_pid == 0;
        return n;
}

/* Read the event socket until it would block. Returns 0 or -errno (fatal). */
static int netlink_receive_events(struct netlink *nl) {
        int fd = nl_socket_get_fd(nl->events);

        for (;;) {
                bool from_kernel, truncated;
                ssize_t n;

                n = netlink_recv_datagram(fd, &nl->event_buf, MSG_DONTWAIT, false, &from_kernel, &truncated);
                if (n == -EAGAIN)
                        return 0;
                if (n == -ENOBUFS) {
                        if (!nl->resync_pending)
                                log_warning("netlink: events lost (receive queue full); resynchronising");
                        nl->resync_pending = true;
                        continue;
                }
                if (n < 0) {
                        log_error("netlink: cannot read events: %s", strerror((int) -n));
                        return (int) n;
                }
                if (truncated) {
                        if (!nl->resync_pending)
                                log_warning("netlink: event datagram of %zd bytes truncated; resynchronising", n);
                        nl->resync_pending = true;
                        continue;
                }
                /* A re-dump is due: it supersedes everything still queued, which is older. */
                if (nl->resync_pending)
                        continue;
                if (!from_kernel) {
                        log_debug("netlink: ignoring a datagram not from the kernel");
                        continue;
                }
                (void) netlink_dispatch(nl, nl->event_buf.data, (size_t) n);
        }
}

/* ---- requests ---- */

static int netlink_request_send(struct netlink *nl, struct nl_msg *m, uint16_t flags, uint32_t *ret_seq) {
        struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
        struct nlmsghdr *h = nlmsg_hdr(m);
        ssize_t n;

        if (++nl->seq == 0)
                nl->seq = 1;
        h->nlmsg_flags |= NLM_F_REQUEST | flags;
        h->nlmsg_seq = nl->seq;
        h->nlmsg_pid = 0;

        for (;;) {
                n = sendto(nl_socket_get_fd(nl->requests), h, h->nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof kernel);
                if (n >= 0 || errno != EINTR)
                        break;
        }
        if (n < 0)
                return -errno;
        if ((size_t) n != h->nlmsg_len)
                return -EIO;
        *ret_seq = h->nlmsg_seq;
        return 0;
}

/* The kernel's extended-ack message, if any, into buf. */
static void netlink_parse_extack(const struct nlmsghdr *h, char *buf, size_t size) {
        const struct nlmsgerr *e = NLMSG_DATA(h);
        struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
        size_t payload = h->nlmsg_len - NLMSG_HDRLEN, off = sizeof *e;

        buf[0] = '\0';
        if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
                return;
        if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
                if (e->msg.nlmsg_len < sizeof(struct nlmsghdr))
                        return;
                off += NLMSG_ALIGN(e->msg.nlmsg_len - sizeof(struct nlmsghdr));
        }
        off = NLMSG_ALIGN(off);
        if (off >= payload || payload - off > INT32_MAX)
                return;
        if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *) ((uint8_t *) NLMSG_DATA(h) + off), (int) (payload - off),
                      NULL) < 0)
                return;
        if (tb[NLMSGERR_ATTR_MSG]) {
                const char *s = nla_data(tb[NLMSGERR_ATTR_MSG]);
                int len = nla_len(tb[NLMSGERR_ATTR_MSG]);

                if (len > 0 && strnlen(s, (size_t) len) < (size_t) len)
                        snprintf(buf, size, "%s", s);
        }
}

typedef void (*netlink_reply_handler_t)(struct netlink *nl, const struct nlmsghdr *h, void *userdata);

/* Read the replies to request seq, passing data messages to handler, until its ACK, error or
 * NLMSG_DONE. Returns 0 or -errno; *interrupted is set if a dump was flagged inconsistent. */
static int netlink_request_wait(struct netlink *nl, uint32_t seq, netlink_reply_handler_t handler, void *userdata,
                                bool *interrupted, char *extack, size_t extack_size) {
        int fd = nl_socket_get_fd(nl->requests);
        int failure = 0;

        extack[0] = '\0';
        for (;;) {
                bool from_kernel, truncated;
                const uint8_t *p;
                size_t left;
                ssize_t n;

                n = netlink_recv_datagram(fd, &nl->request_buf, 0, true, &from_kernel, &truncated);
                if (n == -EAGAIN)
                        return -ETIMEDOUT;
                if (n < 0)
                        return (int) n;
                if (truncated) {
                        /* Cannot happen with the peek; keep reading for the end of the reply. */
                        failure = -EMSGSIZE;
                        continue;
                }
                if (!from_kernel)
                        continue;

                for (p = nl->request_buf.data, left = (size_t) n; left > 0;) {
                        const struct nlmsghdr *h = (const struct nlmsghdr *) p;
                        size_t step;

                        if (left < sizeof *h || h->nlmsg_len < sizeof *h || h->nlmsg_len > left)
                                return failure ?: -EBADMSG;

                        if (h->nlmsg_seq == seq) {
                                if (h->nlmsg_flags & NLM_F_DUMP_INTR)
                                        *interrupted = true;

                                switch (h->nlmsg_type) {
                                case NLMSG_ERROR: {
                                        const struct nlmsgerr *e = NLMSG_DATA(h);

                                        if (h->nlmsg_len < NLMSG_LENGTH(sizeof *e))
                                                return failure ?: -EBADMSG;
                                        if (e->error > 0 || e->error < -4095)
                                                return failure ?: -EBADMSG;
                                        if (e->error < 0)
                                                netlink_parse_extack(h, extack, extack_size);
                                        return failure ?: e->error;
                                }
                                case NLMSG_DONE: {
                                        int err = 0;

                                        if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
                                                memcpy(&err, NLMSG_DATA(h), sizeof err);
                                                if (err > 0 || err < -4095)
                                                        err = -EBADMSG;
                                        }
                                        return failure ?: err;
                                }
                                case NLMSG_NOOP:
                                        break;
                                case NLMSG_OVERRUN:
                                        failure = failure ?: -EIO;
                                        break;
                                default:
                                        if (handler && !failure)
                                                handler(nl, h, userdata);
                                        break;
                                }
                        }

                        step = NLMSG_ALIGN(h->nlmsg_len);
                        if (step >= left)
                                break;
                        p += step;
                        left -= step;
                }
        }
}

/* Send a request built in m (consumed) and wait for its ACK. */
static int netlink_request(struct netlink *nl, struct nl_msg *m, char *extack, size_t extack_size) {
        bool interrupted = false;
        uint32_t seq;
        int r;

        extack[0] = '\0';
        r = netlink_request_send(nl, m, NLM_F_ACK, &seq);
        nlmsg_free(m);
        if (r < 0)
                return r;
        return netlink_request_wait(nl, seq, NULL, NULL, &interrupted, extack, extack_size);
}

/* ---- dumps and resynchronisation ---- */

static void netlink_dump_link_handler(struct netlink *nl, const struct nlmsghdr *h, void *userdata) {
        struct netlink_table *fresh = userdata;
        struct netlink_link link;

        if (h->nlmsg_type != RTM_NEWLINK || netlink_parse_link(nl, h, &link) <= 0)
                return;
        (void) netlink_track_link(nl, fresh, &link);
}

static void netlink_dump_addr_handler(struct netlink *nl, const struct nlmsghdr *h, void *userdata) {
        struct netlink_table *fresh = userdata;
        struct netlink_addr addr;

        if (h->nlmsg_type != RTM_NEWADDR || netlink_parse_addr(nl, h, &addr) <= 0)
                return;
        /* A link created after the link dump: its NEWLINK and NEWADDR events are queued. */
        if (!netlink_table_get_link(fresh, addr.ifindex))
                return;
        (void) netlink_track_addr(nl, fresh, &addr);
}

static int netlink_dump(struct netlink *nl, int type, int family, struct netlink_table *fresh, bool *interrupted) {
        char extack[256];
        struct nl_msg *m;
        uint32_t seq;
        int r;

        m = nlmsg_alloc_simple(type, 0);
        if (!m)
                return -ENOMEM;
        if (type == RTM_GETLINK) {
                struct ifinfomsg ifi = { .ifi_family = (unsigned char) family };

                r = nlmsg_append(m, &ifi, sizeof ifi, NLMSG_ALIGNTO);
                if (r >= 0)
                        r = nla_put_u32(m, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        } else {
                struct ifaddrmsg ifa = { .ifa_family = (unsigned char) family };

                r = nlmsg_append(m, &ifa, sizeof ifa, NLMSG_ALIGNTO);
        }
        if (r < 0) {
                nlmsg_free(m);
                return netlink_errno_from_nle(r);
        }

        r = netlink_request_send(nl, m, NLM_F_DUMP, &seq);
        nlmsg_free(m);
        if (r < 0)
                return r;
        return netlink_request_wait(nl, seq, type == RTM_GETLINK ? netlink_dump_link_handler : netlink_dump_addr_handler,
                                    fresh, interrupted, extack, sizeof extack);
}

/* Dump everything, swap the table, deliver DEL for what vanished and NEW for all that exists. */
static int netlink_sync(struct netlink *nl, bool lost_events) {
        struct netlink_table fresh = {}, old;
        bool consistent = false;
        int r = 0;

        for (unsigned attempt = 0; attempt < DUMP_ATTEMPTS && !consistent; attempt++) {
                bool interrupted = false;

                netlink_table_done(&fresh);
                r = netlink_dump(nl, RTM_GETLINK, AF_UNSPEC, &fresh, &interrupted);
                if (r >= 0)
                        r = netlink_dump(nl, RTM_GETADDR, AF_INET, &fresh, &interrupted);
                if (r >= 0)
                        r = netlink_dump(nl, RTM_GETADDR, AF_INET6, &fresh, &interrupted);
                if (r < 0) {
                        log_error("netlink: cannot read the links and addresses: %s", strerror(-r));
                        netlink_table_done(&fresh);
                        return r;
                }
                consistent = !interrupted;
                if (interrupted)
                        log_debug("netlink: dump interrupted by changes, redoing it");
        }

        if (!consistent) {
                /* Something may be missing from the dump: vanished or not, keep what we had;
                 * the events that follow correct the rest. */
                log_warning("netlink: dump still inconsistent after %d attempts; not removing anything", DUMP_ATTEMPTS);
                for (size_t i = 0; i < nl->table.n_links; i++)
                        if (!netlink_table_get_link(&fresh, nl->table.links[i].ifindex))
                                (void) netlink_track_link(nl, &fresh, &nl->table.links[i]);
                for (size_t i = 0; i < nl->table.n_addrs; i++) {
                        size_t pos;

                        if (netlink_table_get_link(&fresh, nl->table.addrs[i].ifindex) &&
                            !netlink_table_find_addr(&fresh, &nl->table.addrs[i], &pos))
                                (void) netlink_track_addr(nl, &fresh, &nl->table.addrs[i]);
                }
        }

        if (lost_events && nl->cb.resync) {
                nl->dispatching++;
                nl->cb.resync(nl->userdata);
                nl->dispatching--;
        }

        old = nl->table;
        nl->table = fresh;

        /* An address in fresh always has its link in fresh: a vanished link's addresses are
         * all among the vanished addresses, delivered first. */
        for (size_t i = 0; i < old.n_addrs; i++) {
                size_t pos;

                if (!netlink_table_find_addr(&nl->table, &old.addrs[i], &pos))
                        netlink_deliver_addr(nl, NETLINK_DEL, &old.addrs[i]);
        }
        for (size_t i = 0; i < old.n_links; i++)
                if (!netlink_table_get_link(&nl->table, old.links[i].ifindex))
                        netlink_deliver_link(nl, NETLINK_DEL, &old.links[i]);
        netlink_table_done(&old);

        for (size_t i = 0; i < nl->table.n_links; i++)
                netlink_deliver_link(nl, NETLINK_NEW, &nl->table.links[i]);
        for (size_t i = 0; i < nl->table.n_addrs; i++)
                netlink_deliver_addr(nl, NETLINK_NEW, &nl->table.addrs[i]);

        log_debug("netlink: %zu links, %zu addresses", nl->table.n_links, nl->table.n_addrs);
        return 0;
}

/* ---- public ---- */

static int netlink_socket_open(struct nl_sock **ret, const char *what) {
        struct nl_sock *sk;
        int r;

        sk = nl_socket_alloc();
        if (!sk) {
                log_error("netlink: cannot allocate the %s socket", what);
                return -ENOMEM;
        }
        r = nl_connect(sk, NETLINK_ROUTE);
        if (r < 0) {
                log_error("netlink: cannot open the %s socket: %s", what, nl_geterror(r));
                nl_socket_free(sk);
                return netlink_errno_from_nle(r);
        }
        *ret = sk;
        return 0;
}

int netlink_open(struct netlink **ret, const struct netlink_callbacks *cb, void *userdata) {
        struct timeval timeout = { .tv_sec = REQUEST_TIMEOUT_SEC };
        int one = 1, size = EVENT_RCVBUF_SIZE;
        struct netlink *nl;
        int r, fd;

        if (!ret || !cb)
                return -EINVAL;

        nl = calloc(1, sizeof *nl);
        if (!nl) {
                log_error("netlink: out of memory");
                return -ENOMEM;
        }
        nl->cb = *cb;
        nl->userdata = userdata;

        r = netlink_buf_reserve(&nl->event_buf, RECV_BUF_INITIAL);
        if (r >= 0)
                r = netlink_buf_reserve(&nl->request_buf, RECV_BUF_INITIAL);
        if (r < 0) {
                log_error("netlink: cannot allocate receive buffers: %s", strerror(-r));
                goto fail;
        }

        r = netlink_socket_open(&nl->events, "event");
        if (r < 0)
                goto fail;
        fd = nl_socket_get_fd(nl->events);
        /* A big queue, so that a burst of events (many links coming up at once) fits. Beyond
         * rmem_max only with CAP_NET_ADMIN; the resynchronisation covers what still overflows. */
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0 &&
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) < 0)
                log_warning("netlink: cannot enlarge the event receive buffer: %m");
        r = nl_socket_add_memberships(nl->events, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, 0);
        if (r < 0) {
                log_error("netlink: cannot subscribe to link and address events: %s", nl_geterror(r));
                r = netlink_errno_from_nle(r);
                goto fail;
        }
        r = nl_socket_set_nonblocking(nl->events);
        if (r < 0) {
                log_error("netlink: cannot make the event socket non-blocking: %s", nl_geterror(r));
                r = netlink_errno_from_nle(r);
                goto fail;
        }

        r = netlink_socket_open(&nl->requests, "request");
        if (r < 0)
                goto fail;
        fd = nl_socket_get_fd(nl->requests);
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) < 0) {
                r = -errno;
                log_error("netlink: cannot set a timeout on the request socket: %s", strerror(-r));
                goto fail;
        }
        /* The kernel's reason with its errors, without an echo of our request. Optional. */
        (void) setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
        (void) setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);

        *ret = nl;
        return 0;

fail:
        netlink_free(nl);
        return r;
}

void netlink_free(struct netlink *nl) {
        if (!nl)
                return;
        if (nl->events)
                nl_socket_free(nl->events);
        if (nl->requests)
                nl_socket_free(nl->requests);
        netlink_table_done(&nl->table);
        free(nl->event_buf.data);
        free(nl->request_buf.data);
        free(nl);
}

int netlink_fd(const struct netlink *nl) {
        if (!nl)
                return -EINVAL;
        return nl_socket_get_fd(nl->events);
}

int netlink_enumerate(struct netlink *nl) {
        if (!nl)
                return -EINVAL;
        if (nl->dispatching)
                return -EBUSY;
        return netlink_sync(nl, false);
}

int netlink_process(struct netlink *nl) {
        if (!nl)
                return -EINVAL;
        if (nl->dispatching)
                return -EBUSY;

        for (unsigned resyncs = 0;; resyncs++) {
                int r = netlink_receive_events(nl);

                if (r < 0)
                        return r;
                if (!nl->resync_pending)
                        return 0;
                if (resyncs == RESYNCS_PER_PROCESS) {
                        /* Events keep overflowing: let the loop breathe; the next call resumes. */
                        log_warning("netlink: events keep being lost; resynchronising again later");
                        return 0;
                }
                r = netlink_sync(nl, true);
                if (r < 0)
                        return r;
                nl->resync_pending = false;
        }
}

/* ---- address and route requests ---- */

static int netlink_check_prefix(int family, uint8_t prefixlen) {
        size_t len = netlink_family_addr_len(family);

        if (len == 0)
                return -EAFNOSUPPORT;
        if (prefixlen > len * 8)
                return -EINVAL;
        return 0;
}

static void netlink_log_request_failure(struct netlink *nl, int r, bool expected, const char *what, int ifindex,
                                        int family, const union in_addr_union *a, uint8_t prefixlen, const char *extack) {
        char ifname[NETLINK_IFNAME_MAX], text[INET6_ADDRSTRLEN];

        if (a)
                netlink_format_addr(family, a, text, sizeof text);
        else
                snprintf(text, sizeof text, "%s", family == AF_INET ? "0.0.0.0" : "::");
        log_full(expected ? LOG_DEBUG : LOG_WARNING, "netlink: %s: cannot %s %s/%u: %s%s%s",
                 netlink_ifname(nl, ifindex, ifname), what, text, prefixlen, strerror(-r), extack[0] ? ": " : "",
                 extack);
}

static int netlink_addr_request(struct netlink *nl, int type, const struct netlink_addr *a) {
        bool add = type == RTM_NEWADDR;
        char extack[256] = "";
        struct ifaddrmsg ifa;
        struct nl_msg *m;
        size_t alen;
        int r;

        if (!nl || !a)
                return -EINVAL;
        alen = netlink_family_addr_len(a->family);
        if (a->ifindex <= 0 || alen == 0 || a->prefixlen > alen * 8 ||
            (add && a->valid_lft != 0 && a->preferred_lft > a->valid_lft)) {
                char ifname[NETLINK_IFNAME_MAX];

                log_error("netlink: %s: invalid address request (family %d, prefix length %u, lifetimes %" PRIu32
                          "/%" PRIu32 ")",
                          netlink_ifname(nl, a->ifindex, ifname), a->family, a->prefixlen, a->valid_lft, a->preferred_lft);
                return -EINVAL;
        }

        m = nlmsg_alloc_simple(type, add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
        if (!m)
                return -ENOMEM;
        ifa = (struct ifaddrmsg) {
                .ifa_family = (unsigned char) a->family,
                .ifa_prefixlen = a->prefixlen,
                .ifa_flags = add ? (unsigned char) (a->flags & 0xff) : 0,
                .ifa_scope = add ? a->scope : 0,
                .ifa_index = (uint32_t) a->ifindex,
        };
        r = nlmsg_append(m, &ifa, sizeof ifa, NLMSG_ALIGNTO);
        /* IFA_ADDRESS too: without it, an IPv4 deletion ignores the prefix length. */
        if (r >= 0)
                r = nla_put(m, IFA_LOCAL, (int) alen, &a->addr);
        if (r >= 0)
                r = nla_put(m, IFA_ADDRESS, (int) alen, &a->addr);
        if (r >= 0 && add && a->family == AF_INET && a->broadcast.in.s_addr != 0)
                r = nla_put(m, IFA_BROADCAST, sizeof(struct in_addr), &a->broadcast.in);
        if (r >= 0 && add)
                r = nla_put_u32(m, IFA_FLAGS, a->flags);
        if (r >= 0 && add && a->valid_lft != 0) {
                struct ifa_cacheinfo ci = { .ifa_prefered = a->preferred_lft, .ifa_valid = a->valid_lft };

                r = nla_put(m, IFA_CACHEINFO, sizeof ci, &ci);
        }
        if (r < 0) {
                nlmsg_free(m);
                r = netlink_errno_from_nle(r);
                netlink_log_request_failure(nl, r, false, add ? "add address" : "remove address", a->ifindex, a->family,
                                            &a->addr, a->prefixlen, "");
                return r;
        }

        r = netlink_request(nl, m, extack, sizeof extack);
        if (r < 0)
                netlink_log_request_failure(nl, r, !add && (r == -EADDRNOTAVAIL || r == -ENODEV || r == -ESRCH),
                                            add ? "add address" : "remove address", a->ifindex, a->family, &a->addr,
                                            a->prefixlen, extack);
        else if (log_get_max_level() >= LOG_DEBUG) {
                char ifname[NETLINK_IFNAME_MAX], text[INET6_ADDRSTRLEN], flags[NETLINK_ADDR_FLAGS_STRING_MAX];

                log_debug("netlink: %s: %s %s/%u%s%s", netlink_ifname(nl, a->ifindex, ifname),
                          add ? "added" : "removed", netlink_format_addr(a->family, &a->addr, text, sizeof text),
                          a->prefixlen, add && a->flags ? " " : "",
                          add ? netlink_addr_flags_to_string(a->flags, flags, sizeof flags) : "");
        }
        return r;
}

int netlink_addr_add(struct netlink *nl, const struct netlink_addr *a) {
        return netlink_addr_request(nl, RTM_NEWADDR, a);
}

int netlink_addr_del(struct netlink *nl, const struct netlink_addr *a) {
        return netlink_addr_request(nl, RTM_DELADDR, a);
}

static int netlink_route_request(struct netlink *nl, int type, int ifindex, int family, const union in_addr_union *dst,
                                 uint8_t prefixlen, uint32_t metric, uint8_t scope) {
        bool add = type == RTM_NEWROUTE;
        const char *what = add ? "add route" : "remove route";
        char extack[256] = "", ifname[NETLINK_IFNAME_MAX];
        size_t alen = netlink_family_addr_len(family);
        struct rtmsg rtm;
        struct nl_msg *m;
        int r;

        if (!nl)
                return -EINVAL;
        r = netlink_check_prefix(family, prefixlen);
        if (r >= 0 && (ifindex <= 0 || (!dst && prefixlen > 0)))
                r = -EINVAL;
        if (r >= 0 && dst) {
                /* The kernel refuses a destination with host bits set (IPv4) or silently
                 * masks them (IPv6): refuse it here, clearly. */
                const uint8_t *b = (const uint8_t *) dst;

                for (size_t bit = prefixlen; bit < alen * 8; bit++)
                        if (b[bit / 8] & (0x80 >> (bit % 8))) {
                                r = -EINVAL;
                                break;
                        }
        }
        if (r < 0) {
                log_error("netlink: %s: cannot %s: invalid destination (family %d, prefix length %u)",
                          netlink_ifname(nl, ifindex, ifname), what, family, prefixlen);
                return r;
        }

        m = nlmsg_alloc_simple(type, add ? NLM_F_CREATE | NLM_F_EXCL : 0);
        if (!m)
                return -ENOMEM;
        rtm = (struct rtmsg) {
                .rtm_family = (unsigned char) family,
                .rtm_dst_len = prefixlen,
                .rtm_table = RT_TABLE_MAIN,
                .rtm_protocol = add ? RTPROT_STATIC : RTPROT_UNSPEC, /* deletion: any protocol */
                .rtm_scope = scope,
                .rtm_type = add ? RTN_UNICAST : RTN_UNSPEC,
        };
        r = nlmsg_append(m, &rtm, sizeof rtm, NLMSG_ALIGNTO);
        if (r >= 0 && dst)
                r = nla_put(m, RTA_DST, (int) alen, dst);
        if (r >= 0)
                r = nla_put_u32(m, RTA_OIF, (uint32_t) ifindex);
        if (r >= 0)
                r = nla_put_u32(m, RTA_PRIORITY, metric);
        if (r >= 0)
                r = nla_put_u32(m, RTA_TABLE, RT_TABLE_MAIN);
        if (r < 0) {
                nlmsg_free(m);
                r = netlink_errno_from_nle(r);
                netlink_log_request_failure(nl, r, false, what, ifindex, family, dst, prefixlen, "");
                return r;
        }

        r = netlink_request(nl, m, extack, sizeof extack);
        if (r < 0)
                netlink_log_request_failure(nl, r, add ? r == -EEXIST : (r == -ESRCH || r == -ENODEV), what, ifindex,
                                            family, dst, prefixlen, extack);
        else if (log_get_max_level() >= LOG_DEBUG) {
                char text[INET6_ADDRSTRLEN] = "";

                if (dst)
                        netlink_format_addr(family, dst, text, sizeof text);
                log_debug("netlink: %s: %s route %s/%u metric %" PRIu32, netlink_ifname(nl, ifindex, ifname),
                          add ? "added" : "removed", dst ? text : "default", prefixlen, metric);
        }
        return r;
}

int netlink_route_add(struct netlink *nl, int ifindex, int family, const union in_addr_union *dst, uint8_t prefixlen,
                      uint32_t metric, uint8_t scope) {
        return netlink_route_request(nl, RTM_NEWROUTE, ifindex, family, dst, prefixlen, metric, scope);
}

int netlink_route_del(struct netlink *nl, int ifindex, int family, const union in_addr_union *dst, uint8_t prefixlen,
                      uint32_t metric, uint8_t scope) {
        return netlink_route_request(nl, RTM_DELROUTE, ifindex, family, dst, prefixlen, metric, scope);
}
