/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.zeroconfd1.Link: one object per interface of the interface table, at
 * /org/zeroconfd1/link/IFINDEX: its name, index, state, mDNS per family, addresses, and the
 * IPv4 (RFC 3927) and IPv6 (RFC 4862, RFC 7217) link-local states; DadFailed when an IPv6
 * address of the link fails duplicate address detection. Static objects: anyone may read them;
 * their signals are broadcast. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dbus/bus.h"
#include "dnssd/validate.h"
#include "iface.h"
#include "ipv4ll/ipv4ll-manager.h"
#include "ipv6ll/ipv6ll-manager.h"
#include "log.h"

struct link_obj {
        int ifindex;
        struct zbus_object *obj;
        unsigned long sig; /* a digest of what the properties show, to send PropertiesChanged on change */
        struct link_obj *next;
};

struct links {
        struct zbus *bus;
        struct link_obj *list;
};

static struct links *links_get(struct zbus *bus) {
        return zbus_get_links_state(bus);
}

static struct link_obj *link_find(struct links *ls, int ifindex) {
        for (struct link_obj *l = ls ? ls->list : NULL; l; l = l->next)
                if (l->ifindex == ifindex)
                        return l;
        return NULL;
}

const char *zbus_link_path(struct zbus *bus, int ifindex) {
        struct link_obj *l = link_find(links_get(bus), ifindex);

        return l ? zbus_object_get_path(l->obj) : NULL;
}

const char *zbus_link_state_string(unsigned ifflags) {
        if (!(ifflags & IFF_UP))
                return "down";
        if (!(ifflags & IFF_RUNNING))
                return "no-carrier";
        return "up";
}

static const struct iface *link_iface(struct zbus_object *o, void *userdata) {
        struct link_obj *l = userdata;

        return iface_table_find(zbus_get_config(zbus_object_get_bus(o))->ifaces, l->ifindex);
}

static int append_string(DBusMessageIter *it, const char *s) {
        return dbus_message_iter_append_basic(it, DBUS_TYPE_STRING, &s) ? 0 : -ENOMEM;
}

static int append_bool(DBusMessageIter *it, bool b) {
        dbus_bool_t v = b;

        return dbus_message_iter_append_basic(it, DBUS_TYPE_BOOLEAN, &v) ? 0 : -ENOMEM;
}

static int get_name(struct zbus_object *o, DBusMessageIter *it, void *userdata) {
        const struct iface *i = link_iface(o, userdata);
        char name[4 * IF_NAMESIZE];
        size_t n = 0;

        /* a Linux interface name is any bytes but '/', ':' and white space: D-Bus wants UTF-8 */
        if (i && !dnssd_utf8_is_valid(i->name, strlen(i->name))) {
                for (const unsigned char *p = (const unsigned char *) i->name; *p && n + 5 < sizeof name; p++)
                        if (*p < 0x80)
                                name[n++] = (char) *p;
                        else
                                n += (size_t) snprintf(name + n, sizeof name - n, "\\x%02x", *p);
                name[n] = 0;
                return append_string(it, name);
        }
        return append_string(it, i ? i->name : "");
}

static int get_index(struct zbus_object *o, DBusMessageIter *it, void *userdata) {
        struct link_obj *l = userdata;
        int32_t v = l->ifindex;

        (void) o;
        return dbus_message_iter_append_basic(it, DBUS_TYPE_INT32, &v) ? 0 : -ENOMEM;
}

static int get_state(struct zbus_object *o, DBusMessageIter *it, void *userdata) {
        const struct iface *i = link_iface(o, userdata);

        return append_string(it, i ? zbus_link_state_string(i->flags) : "gone");
}

static int get_mdns4(struct zbus_object *o, DBusMessageIter *it, void *userdata) {
        const struct iface *i = link_iface(o, userdata);

        return append_bool(it, i && i->mdns_joined[0]);
}

static int get_mdns6(struct zbus_object *o, DBusMessageIter *it, void *userdata) {
        const struct iface *i = link_iface(o, userdata);

        return append_bool(it, i && i->mdns_joined[1]);
}

/* a(sy): every address of the link, as text, with its prefix length */
static int get_addresses(struct zbus_object *o, DBusMessageIter *it, void *userdata) {
        const struct iface *i = link_iface(o, userdata);
        DBusMessageIter a, s;

        if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "(sy)", &a))
                return -ENOMEM;
        for (size_t k = 0; i && k < i->n_addrs; k++) {
                char buf[INET6_ADDRSTRLEN];
                const char *p = buf;

                if (!inet_ntop(i->addrs[k].family, &i->addrs[k].addr, buf, sizeof buf))
                        continue;
                if (!dbus_message_iter_open_container(&a, DBUS_TYPE_STRUCT, NULL, &s) ||
                    !dbus_message_iter_append_basic(&s, DBUS_TYPE_STRING, &p) ||
                    !dbus_message_iter_append_basic(&s, DBUS_TYPE_BYTE, &i->addrs[k].prefixlen) ||
                    !dbus_message_iter_close_container(&a, &s)) {
                        dbus_message_iter_abandon_container(it, &a);
                        return -ENOMEM;
                }
        }
        return dbus_message_iter_close_container(it, &a) ? 0 : -ENOMEM;
}

static int get_ipv4ll_state(struct zbus_object *o, DBusMessageIter *it, void *userdata) {
        struct link_obj *l = userdata;
        struct ipv4ll_manager *m = zbus_get_config(zbus_object_get_bus(o))->ipv4ll;
        struct ipv4ll_link_status st;

        if (!m || ipv4ll_manager_get_status(m, l->ifindex, &st) < 0)
                return append_string(it, "unmanaged");
        return append_string(it, ipv4ll_state_to_string(st.state));
}

static int get_ipv4ll_address(struct zbus_object *o, DBusMessageIter *it, void *userdata) {
        struct link_obj *l = userdata;
        struct ipv4ll_manager *m = zbus_get_config(zbus_object_get_bus(o))->ipv4ll;
        struct ipv4ll_link_status st;
        char buf[INET_ADDRSTRLEN] = "";

        if (m && ipv4ll_manager_get_status(m, l->ifindex, &st) >= 0 && st.configured)
                inet_ntop(AF_INET, &st.address, buf, sizeof buf);
        return append_string(it, buf);
}

static int get_ipv6ll_state(struct zbus_object *o, DBusMessageIter *it, void *userdata) {
        struct link_obj *l = userdata;
        struct ipv6ll_manager *m = zbus_get_config(zbus_object_get_bus(o))->ipv6ll;
        struct ipv6ll_link_info info;

        if (!m || ipv6ll_manager_get_link(m, l->ifindex, &info) < 0)
                return append_string(it, "unmanaged");
        return append_string(it, ipv6ll_link_state_to_string(info.state));
}

static int get_ipv6ll_dad_failures(struct zbus_object *o, DBusMessageIter *it, void *userdata) {
        struct link_obj *l = userdata;
        struct ipv6ll_manager *m = zbus_get_config(zbus_object_get_bus(o))->ipv6ll;
        struct ipv6ll_link_info info;
        uint32_t v = 0;

        if (m && ipv6ll_manager_get_link(m, l->ifindex, &info) >= 0)
                v = info.dad_failures;
        return dbus_message_iter_append_basic(it, DBUS_TYPE_UINT32, &v) ? 0 : -ENOMEM;
}

static const struct zbus_method link_methods[] = {
        { NULL, NULL, NULL, NULL },
};

static const struct zbus_property link_properties[] = {
        { "Name", "s", get_name },
        { "Index", "i", get_index },
        { "State", "s", get_state },
        { "MulticastDNSIPv4", "b", get_mdns4 },
        { "MulticastDNSIPv6", "b", get_mdns6 },
        { "Addresses", "a(sy)", get_addresses },
        { "IPv4LLState", "s", get_ipv4ll_state },
        { "IPv4LLAddress", "s", get_ipv4ll_address },
        { "IPv6LLState", "s", get_ipv6ll_state },
        { "IPv6LLDadFailures", "u", get_ipv6ll_dad_failures },
        { NULL, NULL, NULL },
};

static const struct zbus_signal link_signals[] = {
        { "DadFailed", "s" },
        { NULL, NULL },
};

static void link_obj_free(struct zbus_object *o, void *userdata) {
        (void) o;
        free(userdata);
}

const struct zbus_vtable zbus_link_vtable = {
        .interface = "org.zeroconfd1.Link",
        .kind = "link",
        .xml = zbus_xml_link,
        .methods = link_methods,
        .properties = link_properties,
        .signals = link_signals,
        .free = link_obj_free,
};

static const char *const all_properties[] = {
        "Name", "State", "MulticastDNSIPv4", "MulticastDNSIPv6", "Addresses",
        "IPv4LLState", "IPv4LLAddress", "IPv6LLState", "IPv6LLDadFailures", NULL,
};

static unsigned long link_digest(struct zbus *bus, int ifindex) {
        const struct zbus_config *cfg = zbus_get_config(bus);
        const struct iface *i = iface_table_find(cfg->ifaces, ifindex);
        unsigned long h = 5381;
        struct ipv4ll_link_status st4;
        struct ipv6ll_link_info st6;

#define MIX(p, n)                                                                     \
        do {                                                                          \
                const unsigned char *_b = (const unsigned char *) (p);                \
                for (size_t _k = 0; _k < (n); _k++)                                   \
                        h = h * 33 + _b[_k];                                          \
        } while (0)
        if (!i)
                return 0;
        MIX(i->name, strlen(i->name));
        MIX(&i->flags, sizeof i->flags);
        MIX(i->mdns_joined, sizeof i->mdns_joined);
        for (size_t k = 0; k < i->n_addrs; k++) {
                MIX(&i->addrs[k].addr, sizeof i->addrs[k].addr);
                MIX(&i->addrs[k].prefixlen, 1);
        }
        if (cfg->ipv4ll && ipv4ll_manager_get_status(cfg->ipv4ll, ifindex, &st4) >= 0) {
                MIX(&st4.state, sizeof st4.state);
                MIX(&st4.address, sizeof st4.address);
                MIX(&st4.configured, sizeof st4.configured);
        }
        if (cfg->ipv6ll && ipv6ll_manager_get_link(cfg->ipv6ll, ifindex, &st6) >= 0) {
                MIX(&st6.state, sizeof st6.state);
                MIX(&st6.dad_failures, sizeof st6.dad_failures);
        }
#undef MIX
        return h;
}

static void link_changed(struct zbus *bus, struct link_obj *l) {
        unsigned long sig = link_digest(bus, l->ifindex);

        if (sig == l->sig)
                return;
        l->sig = sig;
        (void) zbus_object_properties_changed(l->obj, all_properties);
}

static void on_ipv4ll(void *userdata, int ifindex, const struct ipv4ll_link_status *status) {
        struct zbus *bus = userdata;
        struct link_obj *l = link_find(links_get(bus), ifindex);

        (void) status;
        if (l)
                link_changed(bus, l);
}

static void on_ipv6ll(void *userdata, int ifindex, enum ipv6ll_change change, const struct in6_addr *failed) {
        struct zbus *bus = userdata;
        struct link_obj *l = link_find(links_get(bus), ifindex);
        char buf[INET6_ADDRSTRLEN];

        if (!l)
                return;
        if (change == IPV6LL_CHANGE_DAD_FAILED && failed && inet_ntop(AF_INET6, failed, buf, sizeof buf)) {
                const char *p = buf;

                (void) zbus_object_emit(l->obj, "DadFailed", DBUS_TYPE_STRING, &p, DBUS_TYPE_INVALID);
        }
        link_changed(bus, l);
}

static struct links *links_ensure(struct zbus *bus) {
        struct links *ls = links_get(bus);
        const struct zbus_config *cfg = zbus_get_config(bus);

        if (ls)
                return ls;
        ls = calloc(1, sizeof *ls);
        if (!ls)
                return NULL;
        ls->bus = bus;
        zbus_set_links_state(bus, ls);
        if (cfg->ipv4ll)
                ipv4ll_manager_set_state_callback(cfg->ipv4ll, on_ipv4ll, bus);
        if (cfg->ipv6ll)
                ipv6ll_manager_set_observer(cfg->ipv6ll, on_ipv6ll, bus);
        return ls;
}

void zbus_links_sync(struct zbus *bus) {
        static const char *const links_prop[] = { "Links", NULL };
        const struct iface_table *t = zbus_get_config(bus)->ifaces;
        struct links *ls = links_ensure(bus);
        bool changed = false;

        if (!ls || !t)
                return;
        /* gone */
        for (struct link_obj **p = &ls->list; *p;) {
                struct link_obj *l = *p;

                if (!iface_table_find(t, l->ifindex)) {
                        *p = l->next;
                        zbus_object_free(l->obj); /* frees l */
                        changed = true;
                } else
                        p = &l->next;
        }
        /* new, changed */
        for (const struct iface *i = t->list; i; i = i->next) {
                struct link_obj *l = link_find(ls, i->ifindex);
                char path[64];

                if (l) {
                        link_changed(bus, l);
                        continue;
                }
                l = calloc(1, sizeof *l);
                if (!l)
                        continue;
                l->ifindex = i->ifindex;
                snprintf(path, sizeof path, ZBUS_ROOT "/link/%d", i->ifindex);
                if (zbus_object_new_static(bus, path, &zbus_link_vtable, l, &l->obj) < 0) {
                        free(l);
                        continue;
                }
                l->sig = link_digest(bus, i->ifindex);
                l->next = ls->list;
                ls->list = l;
                changed = true;
        }
        if (changed && zbus_get_manager(bus))
                (void) zbus_object_properties_changed(zbus_get_manager(bus), links_prop);
}

void zbus_links_free(struct zbus *bus) {
        struct links *ls = links_get(bus);
        const struct zbus_config *cfg = zbus_get_config(bus);

        if (!ls)
                return;
        if (cfg->ipv4ll)
                ipv4ll_manager_set_state_callback(cfg->ipv4ll, NULL, NULL);
        if (cfg->ipv6ll)
                ipv6ll_manager_set_observer(cfg->ipv6ll, NULL, NULL);
        while (ls->list) {
                struct link_obj *l = ls->list;

                ls->list = l->next;
                zbus_object_free(l->obj);
        }
        zbus_set_links_state(bus, NULL);
        free(ls);
}
