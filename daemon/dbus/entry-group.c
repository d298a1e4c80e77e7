/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.zeroconfd1.EntryGroup: a client's set of records published together, on the registry
 * (mdns/registry.h): services (the same records services.d publishes: dnssd_service_records(),
 * dnssd/publish.h), subtypes, TXT updates, addresses, raw records; Commit / Reset / Free; the
 * State property and StateChanged (uncommitted, registering, established, collision, failure).
 *
 * Entries may be added while the group is uncommitted (a new group, or after Reset); a committed
 * group can only have its TXT records updated (RFC 6762 §8.4: announced, not probed). On a
 * collision (RFC 6762 §9) the group is withdrawn and StateChanged carries an alternative name
 * for the lost one: the client Resets, adds its entries under that name and commits. Every
 * argument is checked before anything is published; a failing Add* changes nothing. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dbus/bus.h"
#include "dnssd/publish.h"
#include "dnssd/service.h"
#include "dnssd/validate.h"
#include "iface.h"
#include "log.h"
#include "mdns/announce.h"
#include "mdns/host-records.h"
#include "mdns/mdns.h"
#include "mdns/registry.h"

/* flags of AddRecord / AddAddress (Avahi's numbering for the ones we take) */
#define ZBUS_PUBLISH_UNIQUE 1u
#define ZBUS_PUBLISH_NO_REVERSE 16u

struct eg_service {
        int ifindex, family;
        char name[DNSSD_INSTANCE_NAME_MAX + 1];
        char type[DNSSD_SERVICE_NAME_MAX + 8];
        struct dns_name domain;
        struct reg_record *txt; /* for UpdateServiceTxt */
        struct reg_record *srv; /* pointed at our host name (no host argument): follows renames */
        uint16_t port;
};

struct entry_group {
        struct zbus *bus;
        struct zbus_object *obj;
        struct reg_group *group;
        struct eg_service *services;
        size_t n_services;
        unsigned n_entries;
        const char *state; /* the last state shown */
        char lost[DNS_NAME_TEXT_MAX]; /* the name lost in the last collision */
        /* records added by the current Add* call: removed again if it fails */
        struct reg_record *added[16];
        size_t n_added;
        bool added_overflow;
        struct reg_record *last_txt, *last_srv;
        struct entry_group *next, *prev; /* every group, for host renames */
};

static struct entry_group *all_groups;

const char *zbus_entry_group_state_string(enum reg_group_state s) {
        switch (s) {
        case REG_GROUP_UNCOMMITTED:
        case REG_GROUP_WITHDRAWN:
                return "uncommitted";
        case REG_GROUP_PROBING:
        case REG_GROUP_ANNOUNCING:
                return "registering";
        case REG_GROUP_ESTABLISHED:
                return "established";
        case REG_GROUP_COLLISION:
                return "collision";
        default:
                return "failure";
        }
}

static struct mdns *eg_mdns(struct entry_group *eg) {
        return zbus_get_config(eg->bus)->mdns;
}

static void eg_changed(struct entry_group *eg) {
        if (eg_mdns(eg))
                mdns_registry_changed(eg_mdns(eg));
}

/* ---- state ---- */

static void eg_emit_state(struct entry_group *eg, const char *state, const char *alternative) {
        static const char *const names[] = { "State", NULL };

        eg->state = state;
        (void) zbus_object_emit(eg->obj, "StateChanged", DBUS_TYPE_STRING, &state, DBUS_TYPE_STRING, &alternative,
                                DBUS_TYPE_INVALID);
        (void) zbus_object_properties_changed(eg->obj, names);
}

/* The first label of a name, unescaped: the instance of a service name, the host of a host name. */
static void first_label(const struct dns_name *n, char *buf, size_t size) {
        size_t len = n->len > 1 ? n->data[0] : 0;

        if (len >= size)
                len = size - 1;
        memcpy(buf, n->data + 1, len);
        buf[len] = 0;
}

static void eg_on_state(struct reg_group *g, const struct reg_state_change *c, void *userdata) {
        struct entry_group *eg = userdata;
        const char *state = zbus_entry_group_state_string(c->state);
        char label[DNS_LABEL_MAX + 1] = "", alternative[DNS_NAME_TEXT_MAX] = "";
        const char *reason;

        (void) g;
        if (c->state == REG_GROUP_COLLISION && c->name) {
                first_label(c->name, label, sizeof label);
                /* a service instance "Name" → "Name (2)"; a host label "host" → "host-2" */
                if (zbus_alternative_service_name(label, alternative, sizeof alternative, &reason) < 0)
                        alternative[0] = 0;
                (void) dns_name_to_text(c->name, eg->lost, sizeof eg->lost);
                log_notice("dbus: %s: the name %s is in use on the network: collision (alternative '%s')",
                           zbus_object_get_path(eg->obj), eg->lost, alternative);
        }
        if (eg->state == state && c->state != REG_GROUP_COLLISION)
                return;
        eg_emit_state(eg, state, alternative);
}

/* ---- argument checks ---- */

int zbus_alternative_service_name(const char *name, char *out, size_t size, const char **reason) {
        size_t len = strlen(name);
        unsigned n = 1;
        char base[DNSSD_INSTANCE_NAME_MAX + 1];

        if (dnssd_check_instance_name(name, len, reason) < 0)
                return -EINVAL;
        memcpy(base, name, len + 1);
        /* "Name (7)" → base "Name", next 8 */
        if (len >= 4 && name[len - 1] == ')') {
                const char *open = strrchr(name, '(');

                if (open && open > name + 1 && open[-1] == ' ') {
                        unsigned long v = 0;
                        const char *p;

                        for (p = open + 1; *p >= '0' && *p <= '9' && v < 100000; p++)
                                v = v * 10 + (unsigned long) (*p - '0');
                        if (p > open + 1 && *p == ')' && p[1] == 0 && v >= 2 && open[1] != '0') {
                                n = (unsigned) v;
                                base[open - 1 - name] = 0;
                        }
                }
        }
        if (size < DNSSD_INSTANCE_NAME_MAX + 1 || dnssd_name_alternative(base, n + 1, out, size) < 0) {
                *reason = "no alternative fits";
                return -ENOBUFS;
        }
        return 0;
}

int zbus_parse_txt(DBusMessageIter *array, struct dnssd_txt_item *items, size_t max, size_t *n_items, size_t *size,
                   const char **reason) {
        DBusMessageIter s;
        size_t n = 0, total = 0;

        if (dbus_message_iter_get_arg_type(array) != DBUS_TYPE_ARRAY ||
            dbus_message_iter_get_element_type(array) != DBUS_TYPE_ARRAY) {
                *reason = "expected an array of byte arrays";
                return -EINVAL;
        }
        dbus_message_iter_recurse(array, &s);
        while (dbus_message_iter_get_arg_type(&s) == DBUS_TYPE_ARRAY) {
                DBusMessageIter b;
                const uint8_t *data = NULL;
                int len = 0;

                if (dbus_message_iter_get_element_type(&s) != DBUS_TYPE_BYTE) {
                        *reason = "expected an array of byte arrays";
                        return -EINVAL;
                }
                dbus_message_iter_recurse(&s, &b);
                if (dbus_message_iter_get_arg_type(&b) == DBUS_TYPE_BYTE)
                        dbus_message_iter_get_fixed_array(&b, &data, &len);
                if (len <= 0) {
                        *reason = "an empty TXT string";
                        return -EINVAL;
                }
                if (dnssd_check_txt_string(data, (size_t) len, reason) < 0)
                        return -EINVAL;
                total += 1 + (size_t) len;
                if (total > DNSSD_TXT_SIZE_MAX || n >= max) {
                        *reason = "the TXT record is larger than 8900 octets (RFC 6763 §6.2)";
                        return -E2BIG;
                }
                /* RFC 6763 §6.4: a key given twice: only the first counts, we refuse the ambiguity */
                for (size_t k = 0; k < n; k++)
                        if (dnssd_txt_same_key(items[k].data, items[k].len, data, (size_t) len)) {
                                *reason = "a key is given twice (RFC 6763 §6.4)";
                                return -EINVAL;
                        }
                items[n++] = (struct dnssd_txt_item) { .data = (uint8_t *) data, .len = (size_t) len };
                dbus_message_iter_next(&s);
        }
        *n_items = n;
        *size = total ? total : 1; /* none: the single zero octet (RFC 6763 §6.1) */
        return 0;
}

/* The common head of AddService, AddServiceSubtype, UpdateServiceTxt: interface, protocol,
 * flags, name, type, domain. Replies with the error itself and returns 1 if one was found. */
struct svc_args {
        int32_t ifindex, proto;
        uint32_t flags;
        const char *name, *type, *domain;
        int family;
        struct dns_name domain_name;
};

static int check_svc_args(struct entry_group *eg, DBusMessage *m, DBusMessageIter *it, struct svc_args *a) {
        const char *reason = NULL;

        dbus_message_iter_get_basic(it, &a->ifindex);
        dbus_message_iter_next(it);
        dbus_message_iter_get_basic(it, &a->proto);
        dbus_message_iter_next(it);
        dbus_message_iter_get_basic(it, &a->flags);
        dbus_message_iter_next(it);
        dbus_message_iter_get_basic(it, &a->name);
        dbus_message_iter_next(it);
        dbus_message_iter_get_basic(it, &a->type);
        dbus_message_iter_next(it);
        dbus_message_iter_get_basic(it, &a->domain);
        dbus_message_iter_next(it);
        if (zbus_check_ifindex(zbus_get_config(eg->bus)->ifaces, a->ifindex, &reason) < 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_INTERFACE, "interface: %d: %s", a->ifindex,
                                        reason), 1;
        if (zbus_check_protocol(a->proto, &a->family, &reason) < 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_PROTOCOL, "protocol: %s", reason), 1;
        if (a->flags != 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_FLAGS, "flags: must be 0"), 1;
        if (dnssd_check_instance_name(a->name, strlen(a->name), &reason) < 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_NAME, "name: %s", reason), 1;
        if (dnssd_check_service_type(a->type, &reason) < 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_SERVICE_TYPE, "type: %s", reason), 1;
        if (zbus_check_domain(a->domain, &reason) < 0 ||
            dns_name_from_text(&a->domain_name, *a->domain ? a->domain : "local") < 0 ||
            dns_name_is_root(&a->domain_name))
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_DOMAIN, "domain: %s",
                                        reason ? reason : "not a valid domain name"), 1;
        return 0;
}

static struct eg_service *service_find(struct entry_group *eg, const struct svc_args *a) {
        for (size_t k = 0; k < eg->n_services; k++) {
                struct eg_service *s = &eg->services[k];

                if (s->ifindex == (a->ifindex < 0 ? 0 : a->ifindex) && s->family == a->family &&
                    !strcmp(s->name, a->name) && !strcasecmp(s->type, a->type) &&
                    dns_name_equal(&s->domain, &a->domain_name))
                        return s;
        }
        return NULL;
}

/* Replies BadState / TooManyEntries and returns 1 when no entry may be added now. */
static int check_can_add(struct entry_group *eg, DBusMessage *m) {
        enum reg_group_state st = reg_group_get_state(eg->group);

        if (st != REG_GROUP_UNCOMMITTED)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_BAD_STATE,
                                        "the group is %s: entries are added before Commit (Reset first)",
                                        zbus_entry_group_state_string(st)), 1;
        if (eg->n_entries >= zbus_entries_per_group_max(eg->bus)) {
                zbus_log_limit_once(eg->bus, "entries-per-group-max");
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_TOO_MANY_ENTRIES,
                                        "the group holds %u entries already (entries-per-group-max)", eg->n_entries),
                       1;
        }
        return 0;
}

/* ---- adding records ---- */

struct add_ctx {
        struct entry_group *eg;
        int ifindex, family;
};

static int eg_add_rr(struct entry_group *eg, const struct dns_rr *rr, unsigned flags, int ifindex, int family) {
        struct reg_record *rec;
        int r;

        if (eg->n_added >= ELEMENTSOF(eg->added)) {
                eg->added_overflow = true;
                return -E2BIG;
        }
        r = reg_group_add(eg->group, rr, flags, ifindex, family, now_usec(), &rec);
        if (r < 0)
                return r;
        eg->added[eg->n_added++] = rec;
        if (rr->type == DNS_TYPE_TXT)
                eg->last_txt = rec;
        if (rr->type == DNS_TYPE_SRV)
                eg->last_srv = rec;
        return 0;
}

static int add_cb(void *userdata, const struct dns_name *name, uint16_t type, uint32_t ttl, bool unique,
                  const uint8_t *rdata, size_t rdlength) {
        struct add_ctx *c = userdata;
        struct dns_rr rr = {
                .name = *name, .type = type, .rclass = DNS_CLASS_IN, .ttl = ttl,
                .rdata = (uint8_t *) rdata, .rdlength = (uint16_t) rdlength,
        };

        return eg_add_rr(c->eg, &rr, unique ? REG_UNIQUE : 0, c->ifindex, c->family);
}

static void eg_add_begin(struct entry_group *eg) {
        eg->n_added = 0;
        eg->added_overflow = false;
        eg->last_txt = eg->last_srv = NULL;
}

/* The call failed: take back what it added (the group is uncommitted: nothing went out). */
static void eg_add_rollback(struct entry_group *eg) {
        while (eg->n_added > 0)
                reg_record_remove(eg->added[--eg->n_added], now_usec());
}

/* -EEXIST Collision, -E2BIG TooManyEntries, -EINVAL InvalidRecord, else errno */
static int reply_add_error(struct entry_group *eg, DBusMessage *m, int r, const char *what) {
        eg_add_rollback(eg);
        if (r == -EEXIST)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_COLLISION,
                                        "%s: the name is already published here (by this or another group)", what);
        if (r == -E2BIG) {
                zbus_log_limit_once(eg->bus, "records per group (records-max)");
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_TOO_MANY_ENTRIES, "%s: too many records", what);
        }
        if (r == -EINVAL || r == -EMSGSIZE)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_RECORD, "%s: cannot be published: %s", what,
                                        strerror(-r));
        return zbus_reply_errno(eg->bus, m, r, what);
}

static int host_dns_name(struct entry_group *eg, struct dns_name *ret) {
        struct mdns *md = eg_mdns(eg);
        const char *h = md ? mdns_get_host_name(md) : NULL;

        return dns_name_from_text(ret, h && *h ? h : "localhost.local");
}

static int call_add_service(struct zbus_object *o, DBusMessage *m, void *userdata) {
        struct entry_group *eg = userdata;
        struct dnssd_txt_item txt[DNSSD_TXT_SIZE_MAX / 2];
        struct dnssd_service s = { 0 };
        struct eg_service *es;
        struct svc_args a;
        struct add_ctx ctx;
        struct dns_name own_host;
        DBusMessageIter it;
        const char *host, *reason = NULL;
        uint16_t port;
        int r;

        (void) o;
        dbus_message_iter_init(m, &it);
        if (check_svc_args(eg, m, &it, &a))
                return 0;
        dbus_message_iter_get_basic(&it, &host);
        dbus_message_iter_next(&it);
        dbus_message_iter_get_basic(&it, &port);
        dbus_message_iter_next(&it);
        r = zbus_parse_txt(&it, txt, ELEMENTSOF(txt), &s.n_txt, &s.txt_size, &reason);
        if (r < 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_TXT, "txt: %s", reason);
        if (*host) {
                if (!dnssd_utf8_is_valid(host, strlen(host)) || dns_name_from_text(&s.host, host) < 0 ||
                    dns_name_is_root(&s.host))
                        return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_HOST_NAME,
                                                "host: not a valid host name");
                s.has_host = true;
        }
        if (check_can_add(eg, m))
                return 0;
        if (service_find(eg, &a))
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_COLLISION,
                                        "name: '%s' %s is already in this group", a.name, a.type);
        es = realloc(eg->services, (eg->n_services + 1) * sizeof *es);
        if (!es)
                return -ENOMEM;
        eg->services = es;
        r = host_dns_name(eg, &own_host);
        if (r < 0)
                return zbus_reply_errno(eg->bus, m, r, "host name");

        s.type = (char *) a.type;
        s.domain = a.domain_name;
        s.port = port;
        s.txt = txt;
        s.protocol = a.family == AF_INET ? DNSSD_PROTOCOL_IPV4 : a.family == AF_INET6 ? DNSSD_PROTOCOL_IPV6
                                                                                    : DNSSD_PROTOCOL_ANY;
        ctx = (struct add_ctx) { .eg = eg, .ifindex = a.ifindex < 0 ? 0 : a.ifindex, .family = a.family };
        eg_add_begin(eg);
        r = dnssd_service_records(&s, a.name, &own_host, add_cb, &ctx);
        if (r < 0)
                return reply_add_error(eg, m, r, "name");

        es = &eg->services[eg->n_services++];
        *es = (struct eg_service) { .ifindex = ctx.ifindex, .family = a.family, .domain = a.domain_name,
                                    .txt = eg->last_txt, .srv = s.has_host ? NULL : eg->last_srv, .port = port };
        snprintf(es->name, sizeof es->name, "%s", a.name);
        snprintf(es->type, sizeof es->type, "%s", a.type);
        eg->n_entries++;
        return zbus_reply(eg->bus, m, DBUS_TYPE_INVALID);
}

static int call_add_service_subtype(struct zbus_object *o, DBusMessage *m, void *userdata) {
        struct entry_group *eg = userdata;
        char label[DNSSD_SUBTYPE_MAX + 1];
        struct dns_name instance, sub;
        uint8_t rdata[DNS_NAME_MAX];
        struct eg_service *es;
        struct svc_args a;
        DBusMessageIter it;
        const char *subtype, *reason = NULL;
        int r, len;

        (void) o;
        dbus_message_iter_init(m, &it);
        if (check_svc_args(eg, m, &it, &a))
                return 0;
        dbus_message_iter_get_basic(&it, &subtype);
        if (dnssd_parse_subtype(subtype, a.type, label, &reason) < 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_SUBTYPE, "subtype: %s", reason);
        es = service_find(eg, &a);
        if (!es)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_NOT_FOUND,
                                        "name: no service '%s' %s in this group (AddService first)", a.name, a.type);
        if (check_can_add(eg, m))
                return 0;
        /* RFC 6763 §7.1: <sub>._sub.<type>.<domain> PTR <instance>, shared */
        r = dnssd_name_build_service(es->name, es->type, &es->domain, &instance);
        if (r >= 0)
                r = dnssd_name_build_subtype(label, es->type, &es->domain, &sub);
        if (r < 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_SUBTYPE, "subtype: the name is too long");
        len = dns_rdata_build_name(rdata, sizeof rdata, &instance);
        if (len < 0)
                return zbus_reply_errno(eg->bus, m, len, "subtype");
        eg_add_begin(eg);
        r = eg_add_rr(eg,
                      &(struct dns_rr) { .name = sub, .type = DNS_TYPE_PTR, .rclass = DNS_CLASS_IN,
                                         .ttl = MDNS_TTL_OTHER, .rdata = rdata, .rdlength = (uint16_t) len },
                      0, es->ifindex, es->family);
        if (r < 0)
                return reply_add_error(eg, m, r, "subtype");
        eg->n_entries++;
        return zbus_reply(eg->bus, m, DBUS_TYPE_INVALID);
}

static int call_update_service_txt(struct zbus_object *o, DBusMessage *m, void *userdata) {
        struct entry_group *eg = userdata;
        struct dnssd_txt_item txt[DNSSD_TXT_SIZE_MAX / 2];
        struct dnssd_service s = { 0 };
        uint8_t rdata[DNSSD_TXT_SIZE_MAX];
        struct eg_service *es;
        struct svc_args a;
        DBusMessageIter it;
        const char *reason = NULL;
        int r, len;

        (void) o;
        dbus_message_iter_init(m, &it);
        if (check_svc_args(eg, m, &it, &a))
                return 0;
        r = zbus_parse_txt(&it, txt, ELEMENTSOF(txt), &s.n_txt, &s.txt_size, &reason);
        if (r < 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_TXT, "txt: %s", reason);
        es = service_find(eg, &a);
        if (!es || !es->txt)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_NOT_FOUND, "name: no service '%s' %s in this group",
                                        a.name, a.type);
        if (reg_group_get_state(eg->group) == REG_GROUP_COLLISION)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_BAD_STATE, "the group is in collision: Reset first");
        s.txt = txt;
        len = dnssd_service_build_txt(&s, rdata, sizeof rdata);
        if (len < 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_TXT, "txt: too large");
        /* RFC 6762 §8.4: new rdata is announced, not probed */
        r = reg_record_update(es->txt, rdata, (uint16_t) len, now_usec());
        if (r < 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_TXT, "txt: %s", strerror(-r));
        eg_changed(eg);
        return zbus_reply(eg->bus, m, DBUS_TYPE_INVALID);
}

/* A host name to publish an address or record under: a valid name, not the root. */
static int parse_owner_name(const char *s, struct dns_name *ret) {
        if (!*s || !dnssd_utf8_is_valid(s, strlen(s)) || dns_name_from_text(ret, s) < 0 || dns_name_is_root(ret))
                return -EINVAL;
        return 0;
}

static int call_add_address(struct zbus_object *o, DBusMessage *m, void *userdata) {
        struct entry_group *eg = userdata;
        const char *name, *address, *reason = NULL;
        int32_t ifindex, proto;
        uint32_t flags;
        int family, r;
        union in_addr_union addr;
        struct dns_rr rr = { .rclass = DNS_CLASS_IN, .ttl = MDNS_TTL_HOST_NAME };

        (void) o;
        if (!dbus_message_get_args(m, NULL, DBUS_TYPE_INT32, &ifindex, DBUS_TYPE_INT32, &proto, DBUS_TYPE_UINT32, &flags,
                                   DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING, &address, DBUS_TYPE_INVALID))
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_ARGS, "expected (iiuss)");
        if (zbus_check_ifindex(zbus_get_config(eg->bus)->ifaces, ifindex, &reason) < 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_INTERFACE, "interface: %d: %s", ifindex,
                                        reason);
        if (zbus_check_protocol(proto, &family, &reason) < 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_PROTOCOL, "protocol: %s", reason);
        if (flags & ~ZBUS_PUBLISH_NO_REVERSE)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_FLAGS, "flags: only 16 (no reverse) is known");
        if (parse_owner_name(name, &rr.name) < 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_HOST_NAME, "name: not a valid host name");
        if (inet_pton(AF_INET, address, &addr.in) == 1) {
                rr.type = DNS_TYPE_A;
                rr.rdlength = 4;
        } else if (inet_pton(AF_INET6, address, &addr.in6) == 1) {
                rr.type = DNS_TYPE_AAAA;
                rr.rdlength = 16;
        } else
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_ADDRESS,
                                        "address: not an IPv4 or IPv6 address in text form");
        rr.rdata = (uint8_t *) &addr;
        if (check_can_add(eg, m))
                return 0;
        eg_add_begin(eg);
        r = eg_add_rr(eg, &rr, REG_UNIQUE, ifindex < 0 ? 0 : ifindex, family);
        if (r < 0)
                return reply_add_error(eg, m, r, "name");
        /* RFC 6762 §4: the reverse mapping, unique (as Avahi does unless told not to) */
        if (!(flags & ZBUS_PUBLISH_NO_REVERSE)) {
                uint8_t target[DNS_NAME_MAX];
                struct dns_rr ptr = { .type = DNS_TYPE_PTR, .rclass = DNS_CLASS_IN, .ttl = MDNS_TTL_HOST_NAME,
                                      .rdata = target };
                int len;

                r = host_records_reverse_name(rr.type == DNS_TYPE_A ? AF_INET : AF_INET6, &addr, &ptr.name);
                len = r < 0 ? r : dns_rdata_build_name(target, sizeof target, &rr.name);
                if (len < 0)
                        return reply_add_error(eg, m, len, "address");
                ptr.rdlength = (uint16_t) len;
                r = eg_add_rr(eg, &ptr, REG_UNIQUE, ifindex < 0 ? 0 : ifindex, family);
                if (r < 0)
                        return reply_add_error(eg, m, r, "address");
        }
        eg->n_entries++;
        return zbus_reply(eg->bus, m, DBUS_TYPE_INVALID);
}

static int call_add_record(struct zbus_object *o, DBusMessage *m, void *userdata) {
        struct entry_group *eg = userdata;
        const char *name, *reason = NULL;
        int32_t ifindex, proto;
        uint32_t flags, ttl;
        uint16_t rclass, type;
        const uint8_t *rdata = NULL;
        int n_rdata = 0, family, r;
        struct dns_rr rr = { 0 };

        (void) o;
        if (!dbus_message_get_args(m, NULL, DBUS_TYPE_INT32, &ifindex, DBUS_TYPE_INT32, &proto, DBUS_TYPE_UINT32, &flags,
                                   DBUS_TYPE_STRING, &name, DBUS_TYPE_UINT16, &rclass, DBUS_TYPE_UINT16, &type,
                                   DBUS_TYPE_UINT32, &ttl, DBUS_TYPE_ARRAY, DBUS_TYPE_BYTE, &rdata, &n_rdata,
                                   DBUS_TYPE_INVALID))
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_ARGS, "expected (iiusqquay)");
        if (zbus_check_ifindex(zbus_get_config(eg->bus)->ifaces, ifindex, &reason) < 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_INTERFACE, "interface: %d: %s", ifindex,
                                        reason);
        if (zbus_check_protocol(proto, &family, &reason) < 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_PROTOCOL, "protocol: %s", reason);
        if (flags & ~ZBUS_PUBLISH_UNIQUE)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_FLAGS, "flags: only 1 (unique) is known");
        if (parse_owner_name(name, &rr.name) < 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_NAME, "name: not a valid domain name");
        if (rclass != DNS_CLASS_IN)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_RECORD, "class: only 1 (IN) may be published");
        if (type == 0 || type == DNS_TYPE_OPT || type == DNS_TYPE_ANY || type == DNS_TYPE_NSEC || (type >= 128 && type <= 255))
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_RECORD,
                                        "type: %u is a meta type or one the responder makes itself", type);
        if (ttl == 0 || ttl > 0x7fffffffu)
                /* RFC 6762 §10.1: TTL 0 is a goodbye, never a published record */
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_RECORD,
                                        "ttl: 1 to 2^31 - 1 (0 would be a goodbye, RFC 6762 §10.1; RFC 2181 §8)");
        /* Avahi CVE-2023-38472: empty rdata must not reach an assert */
        if (n_rdata <= 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_RECORD, "rdata: empty");
        if (n_rdata > 0xffff || dns_rdata_validate(type, rdata, (size_t) n_rdata) < 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_INVALID_RECORD,
                                        "rdata: malformed for type %u (names uncompressed)", type);
        if (check_can_add(eg, m))
                return 0;
        rr.type = type;
        rr.rclass = rclass;
        rr.ttl = ttl;
        rr.rdata = (uint8_t *) rdata;
        rr.rdlength = (uint16_t) n_rdata;
        eg_add_begin(eg);
        r = eg_add_rr(eg, &rr, (flags & ZBUS_PUBLISH_UNIQUE) ? REG_UNIQUE : 0, ifindex < 0 ? 0 : ifindex, family);
        if (r < 0)
                return reply_add_error(eg, m, r, "name");
        eg->n_entries++;
        return zbus_reply(eg->bus, m, DBUS_TYPE_INVALID);
}

static int call_commit(struct zbus_object *o, DBusMessage *m, void *userdata) {
        struct entry_group *eg = userdata;
        enum reg_group_state st = reg_group_get_state(eg->group);
        int r;

        (void) o;
        if (st != REG_GROUP_UNCOMMITTED)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_BAD_STATE, "Commit: the group is %s",
                                        zbus_entry_group_state_string(st));
        if (eg->n_entries == 0)
                return zbus_reply_error(eg->bus, m, ZBUS_ERROR_BAD_STATE, "Commit: the group is empty");
        r = reg_group_commit(eg->group, now_usec());
        if (r < 0)
                return zbus_reply_errno(eg->bus, m, r, "Commit");
        eg_changed(eg);
        return zbus_reply(eg->bus, m, DBUS_TYPE_INVALID);
}

static int call_reset(struct zbus_object *o, DBusMessage *m, void *userdata) {
        struct entry_group *eg = userdata;

        (void) o;
        reg_group_reset(eg->group, now_usec()); /* goodbyes for what was out */
        free(eg->services);
        eg->services = NULL;
        eg->n_services = 0;
        eg->n_entries = 0;
        eg_changed(eg);
        if (eg->state != zbus_entry_group_state_string(REG_GROUP_UNCOMMITTED))
                eg_emit_state(eg, zbus_entry_group_state_string(REG_GROUP_UNCOMMITTED), "");
        return zbus_reply(eg->bus, m, DBUS_TYPE_INVALID);
}

static int call_free(struct zbus_object *o, DBusMessage *m, void *userdata) {
        struct entry_group *eg = userdata;
        int r = zbus_reply(eg->bus, m, DBUS_TYPE_INVALID);

        zbus_object_free(o); /* after the handler: withdraws with goodbyes */
        return r;
}

static int call_get_state(struct zbus_object *o, DBusMessage *m, void *userdata) {
        struct entry_group *eg = userdata;
        const char *s = zbus_entry_group_state_string(reg_group_get_state(eg->group));

        (void) o;
        return zbus_reply(eg->bus, m, DBUS_TYPE_STRING, &s, DBUS_TYPE_INVALID);
}

static int get_state(struct zbus_object *o, DBusMessageIter *it, void *userdata) {
        struct entry_group *eg = userdata;
        const char *s = zbus_entry_group_state_string(reg_group_get_state(eg->group));

        (void) o;
        return dbus_message_iter_append_basic(it, DBUS_TYPE_STRING, &s) ? 0 : -ENOMEM;
}

static int get_n_entries(struct zbus_object *o, DBusMessageIter *it, void *userdata) {
        struct entry_group *eg = userdata;
        uint32_t n = eg->n_entries;

        (void) o;
        return dbus_message_iter_append_basic(it, DBUS_TYPE_UINT32, &n) ? 0 : -ENOMEM;
}

static const struct zbus_method eg_methods[] = {
        { "AddService", "iiussssqaay", "", call_add_service },
        { "AddServiceSubtype", "iiussss", "", call_add_service_subtype },
        { "UpdateServiceTxt", "iiusssaay", "", call_update_service_txt },
        { "AddAddress", "iiuss", "", call_add_address },
        { "AddRecord", "iiusqquay", "", call_add_record },
        { "Commit", "", "", call_commit },
        { "Reset", "", "", call_reset },
        { "Free", "", "", call_free },
        { "GetState", "", "s", call_get_state },
        { NULL, NULL, NULL, NULL },
};

static const struct zbus_property eg_properties[] = {
        { "State", "s", get_state },
        { "Entries", "u", get_n_entries },
        { NULL, NULL, NULL },
};

static const struct zbus_signal eg_signals[] = {
        { "StateChanged", "ss" },
        { NULL, NULL },
};

static void eg_free(struct zbus_object *o, void *userdata) {
        struct entry_group *eg = userdata;

        (void) o;
        if (eg->prev)
                eg->prev->next = eg->next;
        else
                all_groups = eg->next;
        if (eg->next)
                eg->next->prev = eg->prev;
        /* RFC 6762 §10.1: goodbyes for everything it published */
        reg_group_free(eg->group, now_usec());
        eg_changed(eg);
        free(eg->services);
        free(eg);
}

const struct zbus_vtable zbus_entry_group_vtable = {
        .interface = "org.zeroconfd1.EntryGroup",
        .kind = "entrygroup",
        .xml = zbus_xml_entry_group,
        .methods = eg_methods,
        .properties = eg_properties,
        .signals = eg_signals,
        .free = eg_free,
};

int zbus_entry_group_new_call(struct zbus *bus, DBusMessage *m) {
        struct mdns *md = zbus_get_config(bus)->mdns;
        struct entry_group *eg;
        const char *path;
        int r;

        if (!md)
                return zbus_reply_error(bus, m, ZBUS_ERROR_NOT_SUPPORTED, "EntryGroupNew: mDNS is not running");
        eg = calloc(1, sizeof *eg);
        if (!eg)
                return -ENOMEM;
        eg->bus = bus;
        eg->state = zbus_entry_group_state_string(REG_GROUP_UNCOMMITTED);
        r = reg_group_new(mdns_get_registry(md), eg_on_state, eg, &eg->group);
        if (r < 0) {
                free(eg);
                return zbus_reply_errno(bus, m, r, "EntryGroupNew");
        }
        r = zbus_object_new(bus, zbus_message_sender(m), &zbus_entry_group_vtable, eg, &eg->obj);
        if (r < 0) {
                reg_group_free(eg->group, now_usec());
                free(eg);
                return zbus_reply_errno(bus, m, r, "EntryGroupNew");
        }
        eg->next = all_groups;
        if (all_groups)
                all_groups->prev = eg;
        all_groups = eg;
        path = zbus_object_get_path(eg->obj);
        return zbus_reply(bus, m, DBUS_TYPE_OBJECT_PATH, &path, DBUS_TYPE_INVALID);
}

void zbus_entry_groups_host_renamed(struct zbus *bus) {
        struct dns_name host;
        uint8_t rdata[DNS_NAME_MAX + 6];

        for (struct entry_group *eg = all_groups; eg; eg = eg->next) {
                bool changed = false;

                if (eg->bus != bus || host_dns_name(eg, &host) < 0)
                        continue;
                for (size_t k = 0; k < eg->n_services; k++) {
                        struct eg_service *es = &eg->services[k];
                        struct dns_srv srv = { .port = es->port, .target = host };
                        int len;

                        if (!es->srv)
                                continue;
                        /* RFC 6762 §8.4: the new target is announced */
                        len = dns_rdata_build_srv(rdata, sizeof rdata, &srv);
                        if (len >= 0)
                                len = reg_record_update(es->srv, rdata, (uint16_t) len, now_usec());
                        if (len < 0)
                                log_warning("dbus: cannot point '%s' at the new host name: %s", es->name,
                                            strerror(-len));
                        changed = true;
                }
                if (changed)
                        eg_changed(eg);
        }
}
