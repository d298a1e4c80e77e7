/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "iface.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

void iface_table_init(struct iface_table *t) {
        t->list = NULL;
}

static void iface_free(struct iface *i) {
        free(i->addrs);
        free(i);
}

void iface_table_clear(struct iface_table *t) {
        while (t->list) {
                struct iface *i = t->list;

                t->list = i->next;
                iface_free(i);
        }
}

struct iface *iface_table_find(const struct iface_table *t, int ifindex) {
        for (struct iface *i = t->list; i; i = i->next)
                if (i->ifindex == ifindex)
                        return i;
        return NULL;
}

struct iface *iface_table_find_by_name(const struct iface_table *t, const char *name) {
        for (struct iface *i = t->list; i; i = i->next)
                if (strcmp(i->name, name) == 0)
                        return i;
        return NULL;
}

struct iface *iface_table_apply_link(struct iface_table *t, const struct netlink_link *link) {
        struct iface *i;

        if (link->ifindex <= 0 || link->hwaddr_len > sizeof i->hwaddr)
                return NULL;
        i = iface_table_find(t, link->ifindex);
        if (!i) {
                i = calloc(1, sizeof *i);
                if (!i)
                        return NULL;
                i->ifindex = link->ifindex;
                i->next = t->list;
                t->list = i;
        }
        /* The name is NUL-terminated within IF_NAMESIZE by netlink.c; copy defensively anyway. */
        size_t n = strnlen(link->name, sizeof i->name - 1);
        memcpy(i->name, link->name, n);
        i->name[n] = '\0';
        i->flags = link->flags;
        i->arptype = link->arptype;
        memcpy(i->hwaddr, link->hwaddr, link->hwaddr_len);
        i->hwaddr_len = link->hwaddr_len;
        i->mtu = link->mtu;
        return i;
}

void iface_table_remove(struct iface_table *t, int ifindex) {
        for (struct iface **p = &t->list; *p; p = &(*p)->next)
                if ((*p)->ifindex == ifindex) {
                        struct iface *i = *p;

                        *p = i->next;
                        iface_free(i);
                        return;
                }
}

static size_t family_addr_size(int family) {
        return family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);
}

static struct iface_addr *iface_find_addr(struct iface *i, int family, const union in_addr_union *addr) {
        for (size_t k = 0; k < i->n_addrs; k++)
                if (i->addrs[k].family == family && memcmp(&i->addrs[k].addr, addr, family_addr_size(family)) == 0)
                        return &i->addrs[k];
        return NULL;
}

int iface_table_apply_addr(struct iface_table *t, enum netlink_event ev, const struct netlink_addr *a) {
        struct iface *i;
        struct iface_addr *ia;
        unsigned max_prefix;

        if (a->family != AF_INET && a->family != AF_INET6)
                return -EAFNOSUPPORT;
        max_prefix = a->family == AF_INET ? 32 : 128;
        if (a->prefixlen > max_prefix)
                return -EINVAL;
        i = iface_table_find(t, a->ifindex);
        if (!i)
                return -ENODEV;

        ia = iface_find_addr(i, a->family, &a->addr);
        if (ev == NETLINK_DEL) {
                if (!ia)
                        return 0;
                *ia = i->addrs[--i->n_addrs];
                return 1;
        }
        if (!ia) {
                if (i->n_addrs == i->cap_addrs) {
                        size_t cap = i->cap_addrs ? i->cap_addrs * 2 : 4;
                        struct iface_addr *n = realloc(i->addrs, cap * sizeof *n);

                        if (!n)
                                return -ENOMEM;
                        i->addrs = n;
                        i->cap_addrs = cap;
                }
                ia = &i->addrs[i->n_addrs++];
                memset(ia, 0, sizeof *ia);
        } else if (ia->prefixlen == a->prefixlen && ia->scope == a->scope && ia->flags == a->flags)
                return 0;
        ia->family = a->family;
        ia->addr = a->addr;
        ia->prefixlen = a->prefixlen;
        ia->scope = a->scope;
        ia->flags = a->flags;
        return 1;
}

bool iface_is_mdns_capable(const struct iface *i) {
        return (i->flags & IFF_UP) && (i->flags & IFF_RUNNING) && (i->flags & IFF_MULTICAST) &&
               !(i->flags & IFF_LOOPBACK);
}

bool iface_addr_is_usable(const struct iface_addr *a) {
        /* RFC 4862 §5.4: an address is tentative until DAD passes; after a DAD failure it is never ours. */
        return !(a->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED));
}

bool iface_addr_is_published(const struct iface *i, const struct iface_addr *a) {
        if (!iface_addr_is_usable(a))
                return false;
        if (!(a->flags & IFA_F_DEPRECATED))
                return true;
        for (size_t k = 0; k < i->n_addrs; k++) {
                const struct iface_addr *p = &i->addrs[k];

                if (p->family == a->family && iface_addr_is_usable(p) && !(p->flags & IFA_F_DEPRECATED))
                        return false; /* a preferred one is published instead */
        }
        return true;
}

static bool prefix_match(const uint8_t *a, const uint8_t *b, unsigned prefixlen) {
        unsigned full = prefixlen / 8, rest = prefixlen % 8;

        if (memcmp(a, b, full) != 0)
                return false;
        if (rest == 0)
                return true;
        return ((a[full] ^ b[full]) & (uint8_t) (0xff << (8 - rest))) == 0;
}

bool iface_is_onlink(const struct iface *i, int family, const union in_addr_union *src) {
        if (family == AF_INET) {
                const uint8_t *s = (const uint8_t *) &src->in;

                if (s[0] == 169 && s[1] == 254) /* RFC 3927: 169.254/16 is on-link by definition */
                        return true;
        } else if (family == AF_INET6) {
                const uint8_t *s = src->in6.s6_addr;

                if (s[0] == 0xfe && (s[1] & 0xc0) == 0x80) /* fe80::/10 */
                        return true;
        } else
                return false;

        for (size_t k = 0; k < i->n_addrs; k++) {
                const struct iface_addr *a = &i->addrs[k];

                if (a->family != family || a->prefixlen == 0)
                        continue;
                if (prefix_match((const uint8_t *) &a->addr, (const uint8_t *) src, a->prefixlen))
                        return true;
        }
        return false;
}

bool iface_has_addr(const struct iface *i, int family, const union in_addr_union *addr) {
        return iface_find_addr((struct iface *) i, family, addr) != NULL;
}
