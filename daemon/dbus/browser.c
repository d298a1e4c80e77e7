/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The browsers and resolvers of the D-Bus API: translation between D-Bus and the querier's
 * subscriptions (mdns/browse.h). No protocol logic here: see browser.h for the objects' life. */
#include "dbus/browser.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "dnssd/service.h"
#include "dnssd/validate.h"
#include "iface.h"
#include "log.h"
#include "mdns/browse.h"
#include "mdns/mdns.h"
#include "nss/nss-server.h"

struct zbrowser {
        struct zbus *bus;
        struct zbus_object *obj;
        const struct zbus_vtable *vt;
        struct browse_args args;
        struct browse_sub *sub;
        bool started, found, failed;
        DBusMessage *call; /* a one-shot call waiting for its answer */
        struct loop_timer *timer;
};

/* Events arrive from inside the querier, which must not be called back from there
 * (browse.h): freeing an object then does not re-arm the mDNS timer (the edge does it after). */
static unsigned in_event;

static struct mdns *bus_mdns(struct zbus *bus) {
        return zbus_get_config(bus)->mdns;
}

static bool is_resolver(const struct zbrowser *z) {
        return z->args.kind == BROWSE_RESOLVE_SERVICE || z->args.kind == BROWSE_RESOLVE_HOST ||
               z->args.kind == BROWSE_RESOLVE_ADDRESS;
}

/* ---- results as D-Bus arguments ---- */

static int32_t proto_of(int family) {
        return family == AF_INET ? 0 : family == AF_INET6 ? 1 : -1;
}

static bool text_ok(const char *s) {
        return dnssd_utf8_is_valid(s, strlen(s));
}

/* "169.254.3.4", "fe80::1%eth0" (RFC 4007 §11 zone: the interface name, or its index). */
static int addr_to_text(struct zbus *bus, const struct browse_addr *a, char *buf, size_t size) {
        char t[INET6_ADDRSTRLEN];

        if (!inet_ntop(a->family, a->family == AF_INET ? (const void *) &a->a.in : (const void *) &a->a.in6, t,
                       sizeof t))
                return -EINVAL;
        if (a->family == AF_INET6 && a->scope) {
                const struct iface_table *ifaces = zbus_get_config(bus)->ifaces;
                const struct iface *i = ifaces ? iface_table_find(ifaces, (int) a->scope) : NULL;

                if (i && text_ok(i->name)) /* Linux allows any byte in a name; D-Bus only UTF-8 */
                        snprintf(buf, size, "%s%%%s", t, i->name);
                else
                        snprintf(buf, size, "%s%%%u", t, a->scope);
        } else
                snprintf(buf, size, "%s", t);
        return 0;
}

static int name_text(const struct dns_name *n, char *buf, size_t size) {
        if (dns_name_to_text(n, buf, size) < 0 || !text_ok(buf))
                return -EINVAL;
        return 0;
}

/* "Instance._http._tcp.local" → the raw instance label, "_http._tcp", "local". A peer's name
 * that is not UTF-8 (or holds a NUL) cannot be a D-Bus string: -EINVAL, the item is skipped. */
static int split_service(const struct dns_name *n, bool instance, char *inst, char *type, char *domain) {
        struct dns_name rest, domain_name;
        char l1[DNS_LABEL_TEXT_MAX], l2[DNS_LABEL_TEXT_MAX];
        const char *labels[2] = { l1, l2 };
        struct dns_name t;
        int r;

        rest = *n;
        if (instance) {
                r = dns_name_first_label(n, inst, DNS_LABEL_TEXT_MAX);
                if (r <= 0 || (size_t) r != strlen(inst) || !text_ok(inst) || dns_name_suffix(n, 1, &rest) < 0)
                        return -EINVAL;
        }
        if (dns_name_label_count(&rest) < 3)
                return -EINVAL;
        r = dns_name_first_label(&rest, l1, sizeof l1);
        if (r <= 0 || (size_t) r != strlen(l1) || dns_name_suffix(&rest, 1, &t) < 0)
                return -EINVAL;
        r = dns_name_first_label(&t, l2, sizeof l2);
        if (r <= 0 || (size_t) r != strlen(l2) || dns_name_suffix(&rest, 2, &domain_name) < 0)
                return -EINVAL;
        if (dns_name_from_labels(&t, labels, 2) < 0 || name_text(&t, type, DNS_NAME_TEXT_MAX) < 0 ||
            name_text(&domain_name, domain, DNS_NAME_TEXT_MAX) < 0)
                return -EINVAL;
        return 0;
}

/* RFC 6763 §6: the TXT strings as aay (the lone empty string of an empty TXT is no string). */
static bool append_txt(DBusMessageIter *it, const uint8_t *txt, size_t len) {
        DBusMessageIter a;
        size_t off = 0;

        if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "ay", &a))
                return false;
        while (txt && off < len) {
                size_t l = txt[off++];
                const uint8_t *p = txt + off;
                DBusMessageIter s;

                if (l > len - off)
                        break;
                off += l;
                if (l == 0)
                        continue;
                if (!dbus_message_iter_open_container(&a, DBUS_TYPE_ARRAY, "y", &s) ||
                    !dbus_message_iter_append_fixed_array(&s, DBUS_TYPE_BYTE, &p, (int) l) ||
                    !dbus_message_iter_close_container(&a, &s)) {
                        dbus_message_iter_abandon_container(it, &a);
                        return false;
                }
        }
        return dbus_message_iter_close_container(it, &a);
}

static bool append_bytes(DBusMessageIter *it, const uint8_t *p, size_t len) {
        DBusMessageIter a;

        if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "y", &a))
                return false;
        if (!dbus_message_iter_append_fixed_array(&a, DBUS_TYPE_BYTE, &p, (int) len)) {
                dbus_message_iter_abandon_container(it, &a);
                return false;
        }
        return dbus_message_iter_close_container(it, &a);
}

#define APPEND(it, type, val) \
        do { \
                if (!dbus_message_iter_append_basic((it), (type), (val))) \
                        return -ENOMEM; \
        } while (0)

/* The arguments of ItemNew / ItemRemove / Found (and of a one-shot's reply) for one item.
 * -EINVAL: the item cannot be shown (not UTF-8): skip it. */
static int append_item(struct zbrowser *z, DBusMessage *msg, const struct browse_item *item) {
        char inst[DNS_LABEL_TEXT_MAX], type[DNS_NAME_TEXT_MAX], domain[DNS_NAME_TEXT_MAX];
        char name[DNS_NAME_TEXT_MAX], addr[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
        const char *p_inst = inst, *p_type = type, *p_domain = domain, *p_name = name, *p_addr = addr;
        int32_t ifindex = item->ifindex, proto = proto_of(item->family), aproto = proto_of(item->addr.family);
        uint32_t flags = item->local ? ZBUS_RESULT_LOCAL : 0;
        DBusMessageIter it;

        /* check everything first: a message is built only of presentable items */
        switch (z->args.kind) {
        case BROWSE_SERVICES:
                if (split_service(&item->name, true, inst, type, domain) < 0)
                        return -EINVAL;
                break;
        case BROWSE_SERVICE_TYPES:
                if (split_service(&item->name, false, inst, type, domain) < 0)
                        return -EINVAL;
                break;
        case BROWSE_RESOLVE_SERVICE:
                if (split_service(&item->name, true, inst, type, domain) < 0 ||
                    name_text(&item->host, name, sizeof name) < 0 || addr_to_text(z->bus, &item->addr, addr, sizeof addr) < 0)
                        return -EINVAL;
                break;
        case BROWSE_RESOLVE_HOST:
        case BROWSE_RESOLVE_ADDRESS:
                if (name_text(&item->name, name, sizeof name) < 0 || addr_to_text(z->bus, &item->addr, addr, sizeof addr) < 0)
                        return -EINVAL;
                break;
        case BROWSE_RECORDS:
                if (!item->rr || name_text(&item->name, name, sizeof name) < 0)
                        return -EINVAL;
                break;
        default:
                return -EINVAL;
        }

        dbus_message_iter_init_append(msg, &it);
        APPEND(&it, DBUS_TYPE_INT32, &ifindex);
        APPEND(&it, DBUS_TYPE_INT32, &proto);
        switch (z->args.kind) {
        case BROWSE_SERVICES:
                APPEND(&it, DBUS_TYPE_STRING, &p_inst);
                /* fall through */
        case BROWSE_SERVICE_TYPES:
                APPEND(&it, DBUS_TYPE_STRING, &p_type);
                APPEND(&it, DBUS_TYPE_STRING, &p_domain);
                break;
        case BROWSE_RESOLVE_SERVICE: {
                uint16_t port = item->port;

                APPEND(&it, DBUS_TYPE_STRING, &p_inst);
                APPEND(&it, DBUS_TYPE_STRING, &p_type);
                APPEND(&it, DBUS_TYPE_STRING, &p_domain);
                APPEND(&it, DBUS_TYPE_STRING, &p_name);
                APPEND(&it, DBUS_TYPE_INT32, &aproto);
                APPEND(&it, DBUS_TYPE_STRING, &p_addr);
                APPEND(&it, DBUS_TYPE_UINT16, &port);
                if (!append_txt(&it, item->txt, item->txt ? item->txt_len : 0))
                        return -ENOMEM;
                break;
        }
        case BROWSE_RESOLVE_HOST:
                APPEND(&it, DBUS_TYPE_STRING, &p_name);
                APPEND(&it, DBUS_TYPE_INT32, &aproto);
                APPEND(&it, DBUS_TYPE_STRING, &p_addr);
                break;
        case BROWSE_RESOLVE_ADDRESS:
                APPEND(&it, DBUS_TYPE_INT32, &aproto);
                APPEND(&it, DBUS_TYPE_STRING, &p_addr);
                APPEND(&it, DBUS_TYPE_STRING, &p_name);
                break;
        case BROWSE_RECORDS: {
                uint16_t rclass = item->rr->rclass, rtype = item->rr->type;

                APPEND(&it, DBUS_TYPE_STRING, &p_name);
                APPEND(&it, DBUS_TYPE_UINT16, &rclass);
                APPEND(&it, DBUS_TYPE_UINT16, &rtype);
                if (!append_bytes(&it, item->rr->rdata, item->rr->rdlength))
                        return -ENOMEM;
                break;
        }
        default:
                return -EINVAL;
        }
        APPEND(&it, DBUS_TYPE_UINT32, &flags);
        return 0;
}

/* ---- events ---- */

static void emit_item(struct zbrowser *z, const char *signal, const struct browse_item *item) {
        DBusMessage *msg = zbus_object_signal_new(z->obj, signal);
        int r;

        if (!msg)
                return;
        r = append_item(z, msg, item);
        if (r < 0) {
                if (r == -EINVAL)
                        log_debug("dbus: %s: an item that is not UTF-8 is not reported", zbus_object_get_path(z->obj));
                dbus_message_unref(msg);
                return;
        }
        (void) zbus_object_send(z->obj, msg);
}

/* A one-shot call gets the first result; the object goes with it. */
static void oneshot_found(struct zbrowser *z, const struct browse_item *item) {
        DBusMessage *reply = dbus_message_new_method_return(z->call);

        if (!reply)
                return;
        if (append_item(z, reply, item) < 0) {
                dbus_message_unref(reply);
                return; /* not presentable: wait for another */
        }
        (void) zbus_reply_message(z->bus, reply);
        dbus_message_unref(z->call);
        z->call = NULL;
        zbus_object_free(z->obj);
}

static void on_event(void *userdata, struct browse_sub *sub, enum browse_event ev, const struct browse_item *item) {
        struct zbrowser *z = userdata;

        (void) sub;
        in_event++;
        if (z->call) {
                if (ev == BROWSE_ITEM_NEW)
                        oneshot_found(z, item); /* may free z */
                in_event--;
                return;
        }
        switch (ev) {
        case BROWSE_ITEM_NEW:
                if (is_resolver(z))
                        z->found = true;
                emit_item(z, is_resolver(z) ? "Found" : "ItemNew", item);
                break;
        case BROWSE_ITEM_REMOVED:
                emit_item(z, "ItemRemove", item);
                break;
        case BROWSE_CACHE_EXHAUSTED:
                (void) zbus_object_emit(z->obj, "CacheExhausted", DBUS_TYPE_INVALID);
                break;
        case BROWSE_ALL_FOR_NOW:
                (void) zbus_object_emit(z->obj, "AllForNow", DBUS_TYPE_INVALID);
                break;
        default:
                break;
        }
        in_event--;
}

static void on_timer(struct loop_timer *t, usec_t now, void *userdata) {
        struct zbrowser *z = userdata;
        const char *msg = "nothing found within 5 seconds";

        (void) t;
        (void) now;
        if (z->call) {
                (void) zbus_reply_error(z->bus, z->call, ZBUS_ERROR_TIMEOUT, "%s", msg);
                dbus_message_unref(z->call);
                z->call = NULL;
                zbus_object_free(z->obj);
                return;
        }
        if (!z->found && !z->failed) {
                z->failed = true;
                (void) zbus_object_emit(z->obj, "Failure", DBUS_TYPE_STRING, &msg, DBUS_TYPE_INVALID);
        }
}

/* The querier's subscriptions that D-Bus clients may hold: the NSS socket keeps its own share
 * (nss-clients-max, at most half), so that clients of the bus cannot starve every program's
 * .local lookups. */
static unsigned dbus_subscriptions_max(const struct zbus *bus) {
        const struct conf *conf = zbus_get_config(bus)->conf;
        unsigned reserve = 0;

        if (conf && conf->nss_enable)
                reserve = conf->nss_clients_max ? conf->nss_clients_max : NSS_CLIENTS_MAX_DEFAULT;
        if (reserve > BROWSE_SUBSCRIPTIONS_MAX_DEFAULT / 2)
                reserve = BROWSE_SUBSCRIPTIONS_MAX_DEFAULT / 2;
        return BROWSE_SUBSCRIPTIONS_MAX_DEFAULT - reserve;
}

/* Subscribe; the first events come from the querier's next timeout. */
static int zbrowser_start(struct zbrowser *z) {
        struct mdns *md = bus_mdns(z->bus);
        usec_t now = now_usec();
        int r;

        if (!md)
                return -EOPNOTSUPP;
        if (browse_subscription_count(mdns_get_browse(md)) >= dbus_subscriptions_max(z->bus))
                return -ENOBUFS;
        r = browse_subscribe(mdns_get_browse(md), &z->args, on_event, z, now, &z->sub);
        if (r < 0)
                return r;
        z->started = true;
        if (z->call || is_resolver(z)) {
                r = loop_timer_new(zbus_get_config(z->bus)->loop, on_timer, z, &z->timer);
                if (r < 0) {
                        browse_unsubscribe(mdns_get_browse(md), z->sub);
                        z->sub = NULL;
                        return r;
                }
                loop_timer_set(z->timer, now + ZBUS_RESOLVE_TIMEOUT_USEC);
        }
        mdns_browse_changed(md);
        return 0;
}

static void zbrowser_free(struct zbus_object *o, void *userdata) {
        struct zbrowser *z = userdata;
        struct mdns *md = bus_mdns(z->bus);

        (void) o;
        if (z->sub && md) {
                browse_unsubscribe(mdns_get_browse(md), z->sub);
                if (!in_event)
                        mdns_browse_changed(md);
        }
        loop_timer_free(z->timer);
        if (z->call)
                dbus_message_unref(z->call); /* the caller left, or the bus went */
        free(z);
}

static int reply_start_error(struct zbus *bus, DBusMessage *m, int r, const char *what) {
        if (r == -ENOBUFS)
                return zbus_reply_error(bus, m, ZBUS_ERROR_TOO_MANY_OBJECTS,
                                        "%s: the querier holds as many subscriptions as it may", what);
        if (r == -EINVAL)
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_ARGS, "%s: invalid arguments", what);
        return zbus_reply_errno(bus, m, r, what);
}

/* ---- methods of the objects ---- */

static int call_start(struct zbus_object *o, DBusMessage *m, void *userdata) {
        struct zbrowser *z = userdata;
        int r;

        (void) o;
        if (z->started)
                return zbus_reply_error(z->bus, m, ZBUS_ERROR_BAD_STATE, "Start: already started");
        r = zbrowser_start(z);
        if (r < 0)
                return reply_start_error(z->bus, m, r, "Start");
        return zbus_reply(z->bus, m, DBUS_TYPE_INVALID);
}

static int call_free(struct zbus_object *o, DBusMessage *m, void *userdata) {
        struct zbrowser *z = userdata;
        int r = zbus_reply(z->bus, m, DBUS_TYPE_INVALID);

        zbus_object_free(o); /* after the handler */
        return r;
}

static const struct zbus_method object_methods[] = {
        { "Start", "", "", call_start },
        { "Free", "", "", call_free },
        { NULL, NULL, NULL, NULL },
};

static const struct zbus_signal service_browser_signals[] = {
        { "ItemNew", "iisssu" },
        { "ItemRemove", "iisssu" },
        { "CacheExhausted", "" },
        { "AllForNow", "" },
        { NULL, NULL },
};

static const struct zbus_signal service_type_browser_signals[] = {
        { "ItemNew", "iissu" },
        { "ItemRemove", "iissu" },
        { "CacheExhausted", "" },
        { "AllForNow", "" },
        { NULL, NULL },
};

#define SERVICE_FOUND_SIG "iissssisqaayu"
#define HOST_FOUND_SIG "iisisu"
#define ADDRESS_FOUND_SIG "iiissu"

static const struct zbus_signal service_resolver_signals[] = {
        { "Found", SERVICE_FOUND_SIG },
        { "ItemRemove", SERVICE_FOUND_SIG },
        { "CacheExhausted", "" },
        { "AllForNow", "" },
        { "Failure", "s" },
        { NULL, NULL },
};

static const struct zbus_signal host_resolver_signals[] = {
        { "Found", HOST_FOUND_SIG },
        { "ItemRemove", HOST_FOUND_SIG },
        { "CacheExhausted", "" },
        { "AllForNow", "" },
        { "Failure", "s" },
        { NULL, NULL },
};

static const struct zbus_signal address_resolver_signals[] = {
        { "Found", ADDRESS_FOUND_SIG },
        { "ItemRemove", ADDRESS_FOUND_SIG },
        { "CacheExhausted", "" },
        { "AllForNow", "" },
        { "Failure", "s" },
        { NULL, NULL },
};

static const struct zbus_signal record_browser_signals[] = {
        { "ItemNew", "iisqqayu" },
        { "ItemRemove", "iisqqayu" },
        { "CacheExhausted", "" },
        { "AllForNow", "" },
        { NULL, NULL },
};

#define VTABLE(sym, iface, k, x, sigs) \
        const struct zbus_vtable sym = { \
                .interface = iface, .kind = k, .xml = x, .methods = object_methods, .signals = sigs, \
                .free = zbrowser_free, \
        }

VTABLE(zbus_service_browser_vtable, "org.zeroconfd1.ServiceBrowser", "servicebrowser", zbus_xml_service_browser,
       service_browser_signals);
VTABLE(zbus_service_type_browser_vtable, "org.zeroconfd1.ServiceTypeBrowser", "servicetypebrowser",
       zbus_xml_service_type_browser, service_type_browser_signals);
VTABLE(zbus_service_resolver_vtable, "org.zeroconfd1.ServiceResolver", "serviceresolver", zbus_xml_service_resolver,
       service_resolver_signals);
VTABLE(zbus_host_resolver_vtable, "org.zeroconfd1.HostResolver", "hostresolver", zbus_xml_host_resolver,
       host_resolver_signals);
VTABLE(zbus_address_resolver_vtable, "org.zeroconfd1.AddressResolver", "addressresolver",
       zbus_xml_address_resolver, address_resolver_signals);
VTABLE(zbus_record_browser_vtable, "org.zeroconfd1.RecordBrowser", "recordbrowser", zbus_xml_record_browser,
       record_browser_signals);

/* A one-shot call waiting for its result: an owned object without methods, so that it is freed
 * (and its subscription dropped) when the caller leaves. */
static const struct zbus_method no_methods[] = { { NULL, NULL, NULL, NULL } };
static const struct zbus_vtable oneshot_vtable = {
        .interface = "org.zeroconfd1.Resolve",
        .kind = "resolve",
        .xml = "",
        .methods = no_methods,
        .free = zbrowser_free,
};

/* ---- argument checks (each names its argument) ---- */

/* interface, protocol, flags: replies and returns 1 on a bad one. */
static int check_common(struct zbus *bus, DBusMessage *m, int32_t ifindex, int32_t proto, uint32_t flags,
                        struct browse_args *a) {
        const char *reason = NULL;

        if (zbus_check_ifindex(zbus_get_config(bus)->ifaces, ifindex, &reason) < 0)
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_INTERFACE, "interface: %d: %s", ifindex, reason), 1;
        if (zbus_check_protocol(proto, &a->family, &reason) < 0)
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_PROTOCOL, "protocol: %s", reason), 1;
        if (flags != 0)
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_FLAGS, "flags: must be 0"), 1;
        a->ifindex = ifindex < 0 ? 0 : ifindex;
        return 0;
}

static int check_aprotocol(struct zbus *bus, DBusMessage *m, int32_t aproto, struct browse_args *a) {
        const char *reason = NULL;

        if (zbus_check_protocol(aproto, &a->addr_family, &reason) < 0)
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_PROTOCOL, "aprotocol: %s", reason), 1;
        return 0;
}

static int check_domain(struct zbus *bus, DBusMessage *m, const char *domain, struct dns_name *ret) {
        const char *reason = NULL;

        if (zbus_check_domain(domain, &reason) < 0 || dns_name_from_text(ret, *domain ? domain : "local") < 0 ||
            dns_name_is_root(ret))
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_DOMAIN, "domain: %s",
                                        reason ? reason : "not a valid domain name"), 1;
        return 0;
}

/* "_http._tcp", or with a subtype "_printer._sub._http._tcp" (browsers only). */
static int check_type(struct zbus *bus, DBusMessage *m, const char *type, bool subtype_ok, const struct dns_name *domain,
                      struct dns_name *ret) {
        const char *reason = NULL, *sub = strstr(type, "._sub.");
        char label[DNSSD_SUBTYPE_MAX + 1];

        if (sub && subtype_ok) {
                size_t len = (size_t) (sub - type);

                if (len == 0 || len >= sizeof label)
                        return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_SUBTYPE, "type: the subtype is empty or too long"), 1;
                memcpy(label, type, len);
                label[len] = '\0';
                if (dnssd_check_subtype_label(label, &reason) < 0)
                        return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_SUBTYPE, "type: subtype: %s", reason), 1;
                type = sub + strlen("._sub.");
        }
        if (dnssd_check_service_type(type, &reason) < 0)
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_SERVICE_TYPE, "type: %s", reason), 1;
        if ((sub && subtype_ok ? dnssd_name_build_subtype(label, type, domain, ret)
                               : dnssd_name_build_type(type, domain, ret)) < 0)
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_SERVICE_TYPE, "type: the name would be too long"), 1;
        return 0;
}

/* "host.local" (a bare "host" means "host.local"); argument `what` names it. */
static int check_dns_name(struct zbus *bus, DBusMessage *m, const char *errname, const char *what, const char *s,
                          struct dns_name *ret) {
        if (!*s || !text_ok(s) || dns_name_from_text(ret, s) < 0 || dns_name_is_root(ret))
                return zbus_reply_error(bus, m, errname, "%s: not a valid name", what), 1;
        if (dns_name_label_count(ret) == 1 && dns_name_append_label(ret, "local", 5) < 0)
                return zbus_reply_error(bus, m, errname, "%s: too long", what), 1;
        return 0;
}

/* "169.254.1.2", "fe80::1" or "fe80::1%eth0" (the zone is allowed and not needed: the reverse
 * name does not depend on it). */
static int check_address(struct zbus *bus, DBusMessage *m, const char *s, struct browse_addr *ret) {
        char buf[INET6_ADDRSTRLEN + 1];
        const char *pct = strchr(s, '%');
        size_t len = pct ? (size_t) (pct - s) : strlen(s);

        memset(ret, 0, sizeof *ret);
        if (len == 0 || len >= sizeof buf)
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_ADDRESS, "address: not an IPv4 or IPv6 address"), 1;
        memcpy(buf, s, len);
        buf[len] = '\0';
        if (!pct && inet_pton(AF_INET, buf, &ret->a.in) == 1)
                ret->family = AF_INET;
        else if (inet_pton(AF_INET6, buf, &ret->a.in6) == 1)
                ret->family = AF_INET6;
        else
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_ADDRESS, "address: not an IPv4 or IPv6 address"), 1;
        if (pct && (!pct[1] || strlen(pct + 1) >= IF_NAMESIZE))
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_ADDRESS, "address: bad interface after %%"), 1;
        return 0;
}

static bool meta_type(uint16_t type) {
        return type == 0 || type == DNS_TYPE_OPT || (type >= 249 && type < DNS_TYPE_ANY);
}

/* ---- the factories on the Manager ---- */

/* Make the object; a one-shot call starts at once and is answered later. */
static int create(struct zbus *bus, DBusMessage *m, const struct zbus_vtable *vt, const struct browse_args *a,
                  bool oneshot) {
        const char *what = dbus_message_get_member(m);
        struct zbrowser *z;
        const char *path;
        int r;

        if (!bus_mdns(bus))
                return zbus_reply_error(bus, m, ZBUS_ERROR_NOT_SUPPORTED, "%s: mDNS is not running", what);
        z = calloc(1, sizeof *z);
        if (!z)
                return -ENOMEM;
        z->bus = bus;
        z->vt = vt;
        z->args = *a;
        r = zbus_object_new(bus, zbus_message_sender(m), vt, z, &z->obj);
        if (r < 0) {
                free(z);
                return zbus_reply_errno(bus, m, r, what);
        }
        if (!oneshot) {
                path = zbus_object_get_path(z->obj);
                return zbus_reply(bus, m, DBUS_TYPE_OBJECT_PATH, &path, DBUS_TYPE_INVALID);
        }
        r = zbrowser_start(z);
        if (r < 0) {
                zbus_object_free(z->obj);
                return reply_start_error(bus, m, r, what);
        }
        z->call = dbus_message_ref(m); /* answered by oneshot_found() or on_timer() */
        return 0;
}

static int call_service_browser_new(struct zbus_object *o, DBusMessage *m, void *userdata) {
        struct zbus *bus = zbus_object_get_bus(o);
        struct browse_args a = { .kind = BROWSE_SERVICES };
        struct dns_name domain;
        int32_t ifindex, proto;
        const char *type, *dom;
        uint32_t flags;

        (void) userdata;
        if (!dbus_message_get_args(m, NULL, DBUS_TYPE_INT32, &ifindex, DBUS_TYPE_INT32, &proto, DBUS_TYPE_STRING, &type,
                                   DBUS_TYPE_STRING, &dom, DBUS_TYPE_UINT32, &flags, DBUS_TYPE_INVALID))
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_ARGS, "expected (iissu)");
        if (check_common(bus, m, ifindex, proto, flags, &a) || check_domain(bus, m, dom, &domain) ||
            check_type(bus, m, type, true, &domain, &a.name))
                return 0;
        return create(bus, m, &zbus_service_browser_vtable, &a, false);
}

static int call_service_type_browser_new(struct zbus_object *o, DBusMessage *m, void *userdata) {
        struct zbus *bus = zbus_object_get_bus(o);
        struct browse_args a = { .kind = BROWSE_SERVICE_TYPES };
        int32_t ifindex, proto;
        const char *dom;
        uint32_t flags;

        (void) userdata;
        if (!dbus_message_get_args(m, NULL, DBUS_TYPE_INT32, &ifindex, DBUS_TYPE_INT32, &proto, DBUS_TYPE_STRING, &dom,
                                   DBUS_TYPE_UINT32, &flags, DBUS_TYPE_INVALID))
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_ARGS, "expected (iisu)");
        if (check_common(bus, m, ifindex, proto, flags, &a) || check_domain(bus, m, dom, &a.name))
                return 0;
        return create(bus, m, &zbus_service_type_browser_vtable, &a, false);
}

static int service_resolver(struct zbus_object *o, DBusMessage *m, bool oneshot) {
        struct zbus *bus = zbus_object_get_bus(o);
        struct browse_args a = { .kind = BROWSE_RESOLVE_SERVICE };
        const char *name, *type, *dom, *reason = NULL;
        struct dns_name domain, type_name;
        int32_t ifindex, proto, aproto;
        uint32_t flags;

        if (!dbus_message_get_args(m, NULL, DBUS_TYPE_INT32, &ifindex, DBUS_TYPE_INT32, &proto, DBUS_TYPE_STRING, &name,
                                   DBUS_TYPE_STRING, &type, DBUS_TYPE_STRING, &dom, DBUS_TYPE_INT32, &aproto,
                                   DBUS_TYPE_UINT32, &flags, DBUS_TYPE_INVALID))
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_ARGS, "expected (iisssiu)");
        if (check_common(bus, m, ifindex, proto, flags, &a) || check_aprotocol(bus, m, aproto, &a))
                return 0;
        if (dnssd_check_instance_name(name, strlen(name), &reason) < 0)
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_NAME, "name: %s", reason);
        if (check_domain(bus, m, dom, &domain) || check_type(bus, m, type, false, &domain, &type_name))
                return 0;
        if (dnssd_name_build_service(name, type, &domain, &a.name) < 0)
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_NAME, "name: the service name would be too long");
        return create(bus, m, oneshot ? &oneshot_vtable : &zbus_service_resolver_vtable, &a, oneshot);
}

static int host_resolver(struct zbus_object *o, DBusMessage *m, bool oneshot) {
        struct zbus *bus = zbus_object_get_bus(o);
        struct browse_args a = { .kind = BROWSE_RESOLVE_HOST };
        int32_t ifindex, proto, aproto;
        const char *name;
        uint32_t flags;

        if (!dbus_message_get_args(m, NULL, DBUS_TYPE_INT32, &ifindex, DBUS_TYPE_INT32, &proto, DBUS_TYPE_STRING, &name,
                                   DBUS_TYPE_INT32, &aproto, DBUS_TYPE_UINT32, &flags, DBUS_TYPE_INVALID))
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_ARGS, "expected (iisiu)");
        if (check_common(bus, m, ifindex, proto, flags, &a) || check_aprotocol(bus, m, aproto, &a) ||
            check_dns_name(bus, m, ZBUS_ERROR_INVALID_HOST_NAME, "name", name, &a.name))
                return 0;
        return create(bus, m, oneshot ? &oneshot_vtable : &zbus_host_resolver_vtable, &a, oneshot);
}

static int address_resolver(struct zbus_object *o, DBusMessage *m, bool oneshot) {
        struct zbus *bus = zbus_object_get_bus(o);
        struct browse_args a = { .kind = BROWSE_RESOLVE_ADDRESS };
        int32_t ifindex, proto;
        const char *address;
        uint32_t flags;

        if (!dbus_message_get_args(m, NULL, DBUS_TYPE_INT32, &ifindex, DBUS_TYPE_INT32, &proto, DBUS_TYPE_STRING,
                                   &address, DBUS_TYPE_UINT32, &flags, DBUS_TYPE_INVALID))
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_ARGS, "expected (iisu)");
        if (check_common(bus, m, ifindex, proto, flags, &a) || check_address(bus, m, address, &a.addr))
                return 0;
        return create(bus, m, oneshot ? &oneshot_vtable : &zbus_address_resolver_vtable, &a, oneshot);
}

static int call_record_browser_new(struct zbus_object *o, DBusMessage *m, void *userdata) {
        struct zbus *bus = zbus_object_get_bus(o);
        struct browse_args a = { .kind = BROWSE_RECORDS };
        uint16_t rclass, rtype;
        int32_t ifindex, proto;
        const char *name;
        uint32_t flags;

        (void) userdata;
        if (!dbus_message_get_args(m, NULL, DBUS_TYPE_INT32, &ifindex, DBUS_TYPE_INT32, &proto, DBUS_TYPE_STRING, &name,
                                   DBUS_TYPE_UINT16, &rclass, DBUS_TYPE_UINT16, &rtype, DBUS_TYPE_UINT32, &flags,
                                   DBUS_TYPE_INVALID))
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_ARGS, "expected (iisqqu)");
        if (check_common(bus, m, ifindex, proto, flags, &a))
                return 0;
        /* any name, not only .local ones: a bare label is not completed here */
        if (!*name || !text_ok(name) || dns_name_from_text(&a.name, name) < 0 || dns_name_is_root(&a.name))
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_NAME, "name: not a valid DNS name");
        if (rclass != DNS_CLASS_IN && rclass != DNS_CLASS_ANY)
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_RECORD, "class: expected 1 (IN) or 255 (ANY)");
        if (meta_type(rtype))
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_RECORD, "type: %u is not a record type", rtype);
        if (rclass == DNS_CLASS_ANY && rtype == DNS_TYPE_ANY)
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_RECORD, "type: ANY needs class IN");
        a.type = rtype;
        a.rclass = rclass;
        return create(bus, m, &zbus_record_browser_vtable, &a, false);
}

static int call_service_resolver_new(struct zbus_object *o, DBusMessage *m, void *userdata) {
        (void) userdata;
        return service_resolver(o, m, false);
}

static int call_host_resolver_new(struct zbus_object *o, DBusMessage *m, void *userdata) {
        (void) userdata;
        return host_resolver(o, m, false);
}

static int call_address_resolver_new(struct zbus_object *o, DBusMessage *m, void *userdata) {
        (void) userdata;
        return address_resolver(o, m, false);
}

static int call_resolve_service(struct zbus_object *o, DBusMessage *m, void *userdata) {
        (void) userdata;
        return service_resolver(o, m, true);
}

static int call_resolve_host_name(struct zbus_object *o, DBusMessage *m, void *userdata) {
        (void) userdata;
        return host_resolver(o, m, true);
}

static int call_resolve_address(struct zbus_object *o, DBusMessage *m, void *userdata) {
        (void) userdata;
        return address_resolver(o, m, true);
}

const struct zbus_method zbus_browsers_manager_methods[] = {
        { "ServiceBrowserNew", "iissu", "o", call_service_browser_new },
        { "ServiceTypeBrowserNew", "iisu", "o", call_service_type_browser_new },
        { "ServiceResolverNew", "iisssiu", "o", call_service_resolver_new },
        { "HostResolverNew", "iisiu", "o", call_host_resolver_new },
        { "AddressResolverNew", "iisu", "o", call_address_resolver_new },
        { "RecordBrowserNew", "iisqqu", "o", call_record_browser_new },
        { "ResolveService", "iisssiu", SERVICE_FOUND_SIG, call_resolve_service },
        { "ResolveHostName", "iisiu", HOST_FOUND_SIG, call_resolve_host_name },
        { "ResolveAddress", "iisu", ADDRESS_FOUND_SIG, call_resolve_address },
        { NULL, NULL, NULL, NULL },
};
