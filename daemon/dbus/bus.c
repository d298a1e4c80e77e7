/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "dbus/bus.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf.h"
#include "dbus/browser.h"
#include "dns/dns-name.h"
#include "dnssd/validate.h"
#include "iface.h"
#include "log.h"

#define PROPERTIES_IFACE "org.freedesktop.DBus.Properties"
#define INTROSPECT_IFACE "org.freedesktop.DBus.Introspectable"
#define PEER_IFACE "org.freedesktop.DBus.Peer"

struct zbus_client {
        char *name; /* the unique name ":1.42" */
        unsigned id;
        unsigned n_objects;
        unsigned next_object;
        struct zbus_client *next;
};

struct zbus_object {
        struct zbus *bus;
        char *path;
        struct zbus_client *client; /* NULL: static */
        const struct zbus_vtable *vt;
        void *userdata;
        bool registered;
        unsigned busy;   /* in a handler */
        bool doomed;     /* freed while busy: free when the handler returns */
        struct zbus_object *next, *prev;
};

struct zbus_watch {
        struct zbus *bus;
        DBusWatch *w;
        int fd; /* our dup of the watch's fd: one epoll registration per watch */
        struct loop_io *io;
};

struct zbus_timeout {
        struct zbus *bus;
        DBusTimeout *t;
        struct loop_timer *timer;
};

struct zbus {
        struct zbus_config cfg;
        DBusConnection *conn;
        struct loop_timer *retry, *dispatch;
        struct zbus_object *objects;
        struct zbus_client *clients;
        unsigned n_clients, next_client;
        unsigned clients_max, objects_max, entries_max;
        const char *limits_logged[8];
        bool unreachable_logged;
        struct zbus_object *manager;
        void *links_state;
};

/* ---- limits ---- */

unsigned zbus_clients_max(const struct zbus *bus) {
        return bus->clients_max;
}

unsigned zbus_objects_per_client_max(const struct zbus *bus) {
        return bus->objects_max;
}

unsigned zbus_entries_per_group_max(const struct zbus *bus) {
        return bus->entries_max;
}

void zbus_log_limit_once(struct zbus *bus, const char *what) {
        for (size_t i = 0; i < ELEMENTSOF(bus->limits_logged); i++) {
                if (bus->limits_logged[i] == what)
                        return;
                if (!bus->limits_logged[i]) {
                        bus->limits_logged[i] = what;
                        log_warning("dbus: limit reached: %s (see [dbus] in zeroconfd.conf(5); logged once)", what);
                        return;
                }
        }
}

const struct zbus_config *zbus_get_config(const struct zbus *bus) {
        return &bus->cfg;
}

bool zbus_is_connected(const struct zbus *bus) {
        return bus->conn != NULL;
}

void *zbus_get_links_state(struct zbus *bus) {
        return bus->links_state;
}

void zbus_set_links_state(struct zbus *bus, void *state) {
        bus->links_state = state;
}

struct zbus_object *zbus_get_manager(struct zbus *bus) {
        return bus->manager;
}

/* ---- replies ---- */

const char *zbus_message_sender(DBusMessage *m) {
        const char *s = dbus_message_get_sender(m);

        return s ? s : "";
}

int zbus_reply_message(struct zbus *bus, DBusMessage *reply) {
        bool ok;

        if (!reply)
                return -ENOMEM;
        ok = bus->conn && dbus_connection_send(bus->conn, reply, NULL);
        dbus_message_unref(reply);
        return ok ? 0 : -ENOMEM;
}

int zbus_reply(struct zbus *bus, DBusMessage *m, int first_type, ...) {
        DBusMessage *reply = dbus_message_new_method_return(m);
        va_list ap;
        bool ok;

        if (!reply)
                return -ENOMEM;
        va_start(ap, first_type);
        ok = dbus_message_append_args_valist(reply, first_type, ap);
        va_end(ap);
        if (!ok) {
                dbus_message_unref(reply);
                return -ENOMEM;
        }
        return zbus_reply_message(bus, reply);
}

int zbus_reply_error(struct zbus *bus, DBusMessage *m, const char *name, const char *fmt, ...) {
        char text[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(text, sizeof text, fmt, ap);
        va_end(ap);
        /* a message must be valid UTF-8: anything else a client gave us is replaced */
        if (!dnssd_utf8_is_valid(text, strlen(text)))
                snprintf(text, sizeof text, "%s", "invalid argument (not UTF-8)");
        if (dbus_message_get_no_reply(m))
                return 0;
        return zbus_reply_message(bus, dbus_message_new_error(m, name, text));
}

int zbus_reply_errno(struct zbus *bus, DBusMessage *m, int err, const char *what) {
        const char *name;

        switch (err) {
        case -ENOMEM:
                name = ZBUS_ERROR_NO_MEMORY;
                break;
        case -EDQUOT:
                name = ZBUS_ERROR_TOO_MANY_CLIENTS;
                break;
        case -E2BIG:
                name = ZBUS_ERROR_TOO_MANY_OBJECTS;
                break;
        case -EACCES:
        case -EPERM:
                name = ZBUS_ERROR_ACCESS_DENIED;
                break;
        case -EOPNOTSUPP:
                name = ZBUS_ERROR_NOT_SUPPORTED;
                break;
        default:
                name = ZBUS_ERROR_FAILED;
        }
        return zbus_reply_error(bus, m, name, "%s: %s", what, strerror(-err));
}

/* ---- argument checks ---- */

int zbus_check_ifindex(const struct iface_table *ifaces, int32_t ifindex, const char **reason) {
        if (ifindex == -1)
                return 0;
        if (ifindex <= 0 || !ifaces || !iface_table_find(ifaces, ifindex)) {
                *reason = "no such interface index (-1: every interface)";
                return -ENODEV;
        }
        return 0;
}

int zbus_check_protocol(int32_t proto, int *family, const char **reason) {
        switch (proto) {
        case -1:
                *family = AF_UNSPEC;
                return 0;
        case 0:
                *family = AF_INET;
                return 0;
        case 1:
                *family = AF_INET6;
                return 0;
        default:
                *reason = "expected -1 (any), 0 (IPv4) or 1 (IPv6)";
                return -EINVAL;
        }
}

int zbus_check_host_label(const char *s, char *out, size_t size, const char **reason) {
        size_t len = strlen(s);
        const char *dot;

        if (len > 6 && !strcasecmp(s + len - 6, ".local"))
                len -= 6;
        else if (len > 7 && !strcasecmp(s + len - 7, ".local."))
                len -= 7;
        if (len == 0) {
                *reason = "the host name is empty";
                return -EINVAL;
        }
        if (len > DNS_LABEL_MAX || len >= size) {
                *reason = "the host name must be at most 63 octets (one label)";
                return -EINVAL;
        }
        dot = memchr(s, '.', len);
        if (dot) {
                *reason = "the host name must be one label (no dot), optionally followed by .local";
                return -EINVAL;
        }
        if (dnssd_check_label_text(s, len, reason) < 0)
                return -EINVAL;
        if (memchr(s, '\\', len)) {
                /* the host name travels as text (SRV targets, %h): a backslash would be an escape */
                *reason = "the host name must not contain a backslash";
                return -EINVAL;
        }
        memcpy(out, s, len);
        out[len] = 0;
        return 0;
}

int zbus_check_domain(const char *s, const char **reason) {
        struct dns_name n;

        if (!*s)
                return 0;
        if (!dnssd_utf8_is_valid(s, strlen(s)) || dns_name_from_text(&n, s) < 0) {
                *reason = "not a valid domain name";
                return -EINVAL;
        }
        return 0;
}

bool zbus_caller_is_privileged(struct zbus *bus, DBusMessage *m, const char *group) {
        DBusError err = DBUS_ERROR_INIT;
        unsigned long uid;
        struct passwd *pw;
        struct group *gr;
        gid_t groups[256];
        int n = (int) ELEMENTSOF(groups);

        if (!bus->conn)
                return false;
        uid = dbus_bus_get_unix_user(bus->conn, zbus_message_sender(m), &err);
        if (dbus_error_is_set(&err)) {
                dbus_error_free(&err);
                return false;
        }
        if (uid == 0)
                return true;
        if (!group || !*group)
                return false;
        gr = getgrnam(group);
        if (!gr)
                return false;
        pw = getpwuid((uid_t) uid);
        if (!pw)
                return false;
        if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
                return false;
        for (int i = 0; i < n; i++)
                if (groups[i] == gr->gr_gid)
                        return true;
        return false;
}

/* ---- clients ---- */

static struct zbus_client *client_find(struct zbus *bus, const char *name) {
        for (struct zbus_client *c = bus->clients; c; c = c->next)
                if (!strcmp(c->name, name))
                        return c;
        return NULL;
}

static int client_get(struct zbus *bus, const char *name, struct zbus_client **ret) {
        struct zbus_client *c = client_find(bus, name);

        if (c) {
                *ret = c;
                return 0;
        }
        if (bus->n_clients >= bus->clients_max) {
                zbus_log_limit_once(bus, "clients-max");
                return -EDQUOT;
        }
        c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        c->name = strdup(name);
        if (!c->name) {
                free(c);
                return -ENOMEM;
        }
        c->id = ++bus->next_client;
        c->next = bus->clients;
        bus->clients = c;
        bus->n_clients++;
        *ret = c;
        return 0;
}

static void client_drop(struct zbus *bus, struct zbus_client *c) {
        for (struct zbus_client **p = &bus->clients; *p; p = &(*p)->next)
                if (*p == c) {
                        *p = c->next;
                        bus->n_clients--;
                        free(c->name);
                        free(c);
                        return;
                }
}

/* The client left the bus: free everything it owns (the client goes with its last object). */
static void client_gone(struct zbus *bus, struct zbus_client *c) {
        struct zbus_object *o, *next;

        for (o = bus->objects; o; o = next) {
                next = o->next;
                if (o->client == c)
                        zbus_object_free(o);
        }
}

/* ---- objects ---- */

static DBusHandlerResult object_message(DBusConnection *conn, DBusMessage *m, void *userdata);

static const DBusObjectPathVTable object_path_vtable = {
        .message_function = object_message,
};

static int object_register(struct zbus_object *o) {
        DBusError err = DBUS_ERROR_INIT;

        if (!o->bus->conn || o->registered)
                return 0;
        if (!dbus_connection_try_register_object_path(o->bus->conn, o->path, &object_path_vtable, o, &err)) {
                log_error("dbus: cannot register %s: %s", o->path, err.message);
                dbus_error_free(&err);
                return -EEXIST;
        }
        o->registered = true;
        return 0;
}

static void object_link(struct zbus *bus, struct zbus_object *o) {
        o->next = bus->objects;
        if (bus->objects)
                bus->objects->prev = o;
        bus->objects = o;
}

int zbus_object_new(struct zbus *bus, const char *owner, const struct zbus_vtable *vt, void *userdata,
                    struct zbus_object **ret) {
        struct zbus_client *c;
        struct zbus_object *o;
        char path[256];
        int r;

        if (!bus->conn)
                return -ENOTCONN;
        r = client_get(bus, owner, &c);
        if (r < 0)
                return r;
        if (c->n_objects >= bus->objects_max) {
                zbus_log_limit_once(bus, "objects-per-client-max");
                r = -E2BIG;
                goto fail;
        }
        o = calloc(1, sizeof *o);
        if (!o) {
                r = -ENOMEM;
                goto fail;
        }
        snprintf(path, sizeof path, ZBUS_ROOT "/client/%u/%s/%u", c->id, vt->kind, ++c->next_object);
        o->path = strdup(path);
        if (!o->path) {
                free(o);
                r = -ENOMEM;
                goto fail;
        }
        o->bus = bus;
        o->client = c;
        o->vt = vt;
        o->userdata = userdata;
        r = object_register(o);
        if (r < 0) {
                free(o->path);
                free(o);
                goto fail;
        }
        c->n_objects++;
        object_link(bus, o);
        *ret = o;
        return 0;
fail:
        if (c->n_objects == 0)
                client_drop(bus, c);
        return r;
}

int zbus_object_new_static(struct zbus *bus, const char *path, const struct zbus_vtable *vt, void *userdata,
                           struct zbus_object **ret) {
        struct zbus_object *o = calloc(1, sizeof *o);
        int r;

        if (!o)
                return -ENOMEM;
        o->path = strdup(path);
        if (!o->path) {
                free(o);
                return -ENOMEM;
        }
        o->bus = bus;
        o->vt = vt;
        o->userdata = userdata;
        r = object_register(o);
        if (r < 0) {
                free(o->path);
                free(o);
                return r;
        }
        object_link(bus, o);
        *ret = o;
        return 0;
}

static void object_destroy(struct zbus_object *o) {
        struct zbus *bus = o->bus;
        struct zbus_client *c = o->client;

        if (o->vt->free)
                o->vt->free(o, o->userdata);
        if (c) {
                c->n_objects--;
                /* a client is known while it owns objects: its next object makes it anew */
                if (c->n_objects == 0)
                        client_drop(bus, c);
        }
        free(o->path);
        free(o);
}

void zbus_object_free(struct zbus_object *o) {
        struct zbus *bus;

        if (!o || o->doomed)
                return;
        bus = o->bus;
        if (o->registered && bus->conn)
                dbus_connection_unregister_object_path(bus->conn, o->path);
        o->registered = false;
        if (o->prev)
                o->prev->next = o->next;
        else
                bus->objects = o->next;
        if (o->next)
                o->next->prev = o->prev;
        o->next = o->prev = NULL;
        o->doomed = true;
        if (o->busy == 0)
                object_destroy(o);
}

const char *zbus_object_get_path(const struct zbus_object *o) {
        return o->path;
}

const char *zbus_object_get_owner(const struct zbus_object *o) {
        return o->client ? o->client->name : NULL;
}

struct zbus *zbus_object_get_bus(const struct zbus_object *o) {
        return o->bus;
}

void *zbus_object_get_userdata(const struct zbus_object *o) {
        return o->userdata;
}

/* ---- signals ---- */

DBusMessage *zbus_object_signal_new(struct zbus_object *o, const char *signal) {
        DBusMessage *m = dbus_message_new_signal(o->path, o->vt->interface, signal);

        if (m && o->client && !dbus_message_set_destination(m, o->client->name)) {
                dbus_message_unref(m);
                return NULL;
        }
        return m;
}

int zbus_object_send(struct zbus_object *o, DBusMessage *m) {
        bool ok;

        if (!m)
                return -ENOMEM;
        ok = !o->bus->conn || dbus_connection_send(o->bus->conn, m, NULL);
        dbus_message_unref(m);
        return ok ? 0 : -ENOMEM;
}

int zbus_object_emit(struct zbus_object *o, const char *signal, int first_type, ...) {
        DBusMessage *m;
        va_list ap;
        bool ok;

        if (!o->bus->conn)
                return 0;
        m = zbus_object_signal_new(o, signal);
        if (!m)
                return -ENOMEM;
        va_start(ap, first_type);
        ok = dbus_message_append_args_valist(m, first_type, ap);
        va_end(ap);
        if (!ok) {
                dbus_message_unref(m);
                return -ENOMEM;
        }
        return zbus_object_send(o, m);
}

static const struct zbus_property *property_find(const struct zbus_vtable *vt, const char *name) {
        for (const struct zbus_property *p = vt->properties; p && p->name; p++)
                if (!strcmp(p->name, name))
                        return p;
        return NULL;
}

static int append_property(struct zbus_object *o, const struct zbus_property *p, DBusMessageIter *it) {
        DBusMessageIter v;
        int r;

        if (!dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, p->sig, &v))
                return -ENOMEM;
        r = p->get(o, &v, o->userdata);
        if (r < 0) {
                dbus_message_iter_abandon_container(it, &v);
                return r;
        }
        return dbus_message_iter_close_container(it, &v) ? 0 : -ENOMEM;
}

static int append_property_entry(struct zbus_object *o, const struct zbus_property *p, DBusMessageIter *dict) {
        DBusMessageIter e;
        int r;

        if (!dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &e))
                return -ENOMEM;
        if (!dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &p->name)) {
                dbus_message_iter_abandon_container(dict, &e);
                return -ENOMEM;
        }
        r = append_property(o, p, &e);
        if (r < 0) {
                dbus_message_iter_abandon_container(dict, &e);
                return r;
        }
        return dbus_message_iter_close_container(dict, &e) ? 0 : -ENOMEM;
}

int zbus_object_properties_changed(struct zbus_object *o, const char *const *names) {
        DBusMessage *m;
        DBusMessageIter it, dict, inval;
        int r = -ENOMEM;

        if (!o->bus->conn)
                return 0;
        m = dbus_message_new_signal(o->path, PROPERTIES_IFACE, "PropertiesChanged");
        if (!m)
                return -ENOMEM;
        if (o->client && !dbus_message_set_destination(m, o->client->name))
                goto fail;
        dbus_message_iter_init_append(m, &it);
        if (!dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &o->vt->interface))
                goto fail;
        if (!dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sv}", &dict))
                goto fail;
        for (size_t i = 0; names[i]; i++) {
                const struct zbus_property *p = property_find(o->vt, names[i]);

                if (p && (r = append_property_entry(o, p, &dict)) < 0) {
                        dbus_message_iter_abandon_container(&it, &dict);
                        goto fail;
                }
        }
        if (!dbus_message_iter_close_container(&it, &dict))
                goto fail;
        if (!dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "s", &inval) ||
            !dbus_message_iter_close_container(&it, &inval))
                goto fail;
        return zbus_object_send(o, m);
fail:
        dbus_message_unref(m);
        return r < 0 ? r : -ENOMEM;
}

/* ---- dispatch ---- */

static int properties_call(struct zbus_object *o, DBusMessage *m, const char *member) {
        struct zbus *bus = o->bus;
        DBusError err = DBUS_ERROR_INIT;
        const char *iface = NULL, *name = NULL;
        DBusMessage *reply;
        DBusMessageIter it, dict;
        int r;

        if (!strcmp(member, "Get")) {
                const struct zbus_property *p;

                if (!dbus_message_get_args(m, &err, DBUS_TYPE_STRING, &iface, DBUS_TYPE_STRING, &name,
                                           DBUS_TYPE_INVALID)) {
                        dbus_error_free(&err);
                        return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_ARGS, "Get: expected (ss)");
                }
                if (*iface && strcmp(iface, o->vt->interface) != 0)
                        return zbus_reply_error(bus, m, ZBUS_ERROR_UNKNOWN_PROPERTY, "interface: %s is not %s", iface,
                                                o->vt->interface);
                p = property_find(o->vt, name);
                if (!p)
                        return zbus_reply_error(bus, m, ZBUS_ERROR_UNKNOWN_PROPERTY, "name: no property %s", name);
                reply = dbus_message_new_method_return(m);
                if (!reply)
                        return -ENOMEM;
                dbus_message_iter_init_append(reply, &it);
                r = append_property(o, p, &it);
                if (r < 0) {
                        dbus_message_unref(reply);
                        return r;
                }
                return zbus_reply_message(bus, reply);
        }
        if (!strcmp(member, "GetAll")) {
                if (!dbus_message_get_args(m, &err, DBUS_TYPE_STRING, &iface, DBUS_TYPE_INVALID)) {
                        dbus_error_free(&err);
                        return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_ARGS, "GetAll: expected (s)");
                }
                reply = dbus_message_new_method_return(m);
                if (!reply)
                        return -ENOMEM;
                dbus_message_iter_init_append(reply, &it);
                if (!dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sv}", &dict)) {
                        dbus_message_unref(reply);
                        return -ENOMEM;
                }
                if (!*iface || !strcmp(iface, o->vt->interface))
                        for (const struct zbus_property *p = o->vt->properties; p && p->name; p++) {
                                r = append_property_entry(o, p, &dict);
                                if (r < 0) {
                                        dbus_message_iter_abandon_container(&it, &dict);
                                        dbus_message_unref(reply);
                                        return r;
                                }
                        }
                if (!dbus_message_iter_close_container(&it, &dict)) {
                        dbus_message_unref(reply);
                        return -ENOMEM;
                }
                return zbus_reply_message(bus, reply);
        }
        if (!strcmp(member, "Set"))
                return zbus_reply_error(bus, m, ZBUS_ERROR_ACCESS_DENIED, "Set: every property is read-only");
        return zbus_reply_error(bus, m, ZBUS_ERROR_UNKNOWN_METHOD, "no method %s in " PROPERTIES_IFACE, member);
}

#define INTROSPECT_HEADER                                                                                      \
        "<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\"\n"                  \
        " \"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n<node>\n"
#define INTROSPECT_STANDARD                                                                                    \
        " <interface name=\"org.freedesktop.DBus.Introspectable\">\n"                                          \
        "  <method name=\"Introspect\"><arg name=\"xml\" type=\"s\" direction=\"out\"/></method>\n"          \
        " </interface>\n"                                                                                      \
        " <interface name=\"org.freedesktop.DBus.Peer\">\n"                                                    \
        "  <method name=\"Ping\"/>\n"                                                                          \
        "  <method name=\"GetMachineId\"><arg name=\"id\" type=\"s\" direction=\"out\"/></method>\n"         \
        " </interface>\n"

static int introspect_reply(struct zbus *bus, DBusMessage *m, const struct zbus_object *o) {
        const char *path = dbus_message_get_path(m);
        char **children = NULL;
        char *xml = NULL;
        size_t size = 0;
        FILE *f;
        int r;

        f = open_memstream(&xml, &size);
        if (!f)
                return -ENOMEM;
        fputs(INTROSPECT_HEADER INTROSPECT_STANDARD, f);
        if (o) {
                fputs(" <interface name=\"org.freedesktop.DBus.Properties\">\n"
                      "  <method name=\"Get\"><arg name=\"interface\" type=\"s\" direction=\"in\"/>"
                      "<arg name=\"name\" type=\"s\" direction=\"in\"/><arg name=\"value\" type=\"v\" direction=\"out\"/>"
                      "</method>\n"
                      "  <method name=\"GetAll\"><arg name=\"interface\" type=\"s\" direction=\"in\"/>"
                      "<arg name=\"properties\" type=\"a{sv}\" direction=\"out\"/></method>\n"
                      "  <method name=\"Set\"><arg name=\"interface\" type=\"s\" direction=\"in\"/>"
                      "<arg name=\"name\" type=\"s\" direction=\"in\"/><arg name=\"value\" type=\"v\" direction=\"in\"/>"
                      "</method>\n"
                      "  <signal name=\"PropertiesChanged\"><arg name=\"interface\" type=\"s\"/>"
                      "<arg name=\"changed\" type=\"a{sv}\"/><arg name=\"invalidated\" type=\"as\"/></signal>\n"
                      " </interface>\n", f);
                fputs(o->vt->xml, f);
        }
        if (path && bus->conn && dbus_connection_list_registered(bus->conn, path, &children) && children) {
                for (size_t i = 0; children[i]; i++)
                        fprintf(f, " <node name=\"%s\"/>\n", children[i]);
                dbus_free_string_array(children);
        }
        fputs("</node>\n", f);
        if (fclose(f) != 0 || !xml) {
                free(xml);
                return -ENOMEM;
        }
        r = zbus_reply(bus, m, DBUS_TYPE_STRING, &xml, DBUS_TYPE_INVALID);
        free(xml);
        return r;
}

static const struct zbus_method *method_find(const struct zbus_method *t, const char *name) {
        for (; t && t->name; t++)
                if (!strcmp(t->name, name))
                        return t;
        return NULL;
}

static int object_call(struct zbus_object *o, DBusMessage *m) {
        struct zbus *bus = o->bus;
        const char *iface = dbus_message_get_interface(m);
        const char *member = dbus_message_get_member(m);
        const struct zbus_method *meth;

        if (iface && !strcmp(iface, INTROSPECT_IFACE) && !strcmp(member, "Introspect"))
                return introspect_reply(bus, m, o);
        /* ownership first: a stranger learns nothing of another client's objects */
        if (o->client && strcmp(o->client->name, zbus_message_sender(m)) != 0)
                return zbus_reply_error(bus, m, ZBUS_ERROR_ACCESS_DENIED, "%s belongs to another client", o->path);
        if (iface && !strcmp(iface, PROPERTIES_IFACE))
                return properties_call(o, m, member);
        if (iface && strcmp(iface, o->vt->interface) != 0)
                return zbus_reply_error(bus, m, ZBUS_ERROR_UNKNOWN_METHOD, "interface: %s has no interface %s",
                                        o->path, iface);
        meth = method_find(o->vt->methods, member);
        if (!meth)
                meth = method_find(o->vt->more_methods, member);
        if (!meth)
                return zbus_reply_error(bus, m, ZBUS_ERROR_UNKNOWN_METHOD, "no method %s in %s", member,
                                        o->vt->interface);
        if (strcmp(dbus_message_get_signature(m), meth->in_sig) != 0)
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_ARGS, "%s: expected arguments (%s), got (%s)",
                                        member, meth->in_sig, dbus_message_get_signature(m));
        return meth->call(o, m, o->userdata);
}

static DBusHandlerResult object_message(DBusConnection *conn, DBusMessage *m, void *userdata) {
        struct zbus_object *o = userdata;
        int r;

        (void) conn;
        if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_METHOD_CALL)
                return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
        o->busy++;
        r = object_call(o, m);
        if (r < 0)
                (void) zbus_reply_errno(o->bus, m, r, dbus_message_get_member(m));
        o->busy--;
        if (o->doomed && o->busy == 0)
                object_destroy(o);
        return DBUS_HANDLER_RESULT_HANDLED;
}

/* Intermediate nodes (/, /org, /org/zeroconfd1/client/3): Introspect lists the children. */
static DBusHandlerResult fallback_message(DBusConnection *conn, DBusMessage *m, void *userdata) {
        struct zbus *bus = userdata;

        (void) conn;
        if (dbus_message_is_method_call(m, INTROSPECT_IFACE, "Introspect")) {
                if (introspect_reply(bus, m, NULL) < 0)
                        return DBUS_HANDLER_RESULT_NEED_MEMORY;
                return DBUS_HANDLER_RESULT_HANDLED;
        }
        return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

static const DBusObjectPathVTable fallback_vtable = {
        .message_function = fallback_message,
};

/* ---- the loop: watches, timeouts, dispatching ---- */

static void arm_dispatch(struct zbus *bus) {
        if (bus->conn && dbus_connection_get_dispatch_status(bus->conn) == DBUS_DISPATCH_DATA_REMAINS)
                loop_timer_set(bus->dispatch, loop_now(bus->cfg.loop));
}

static void watch_io(struct loop_io *io, int fd, uint32_t revents, void *userdata) {
        struct zbus_watch *zw = userdata;
        struct zbus *bus = zw->bus;
        unsigned flags = 0;

        (void) io;
        (void) fd;
        if (revents & EPOLLIN)
                flags |= DBUS_WATCH_READABLE;
        if (revents & EPOLLOUT)
                flags |= DBUS_WATCH_WRITABLE;
        if (revents & EPOLLERR)
                flags |= DBUS_WATCH_ERROR;
        if (revents & EPOLLHUP)
                flags |= DBUS_WATCH_HANGUP;
        dbus_watch_handle(zw->w, flags); /* may remove zw */
        arm_dispatch(bus);
}

static void watch_disable(struct zbus_watch *zw) {
        loop_io_free(zw->io);
        zw->io = NULL;
        if (zw->fd >= 0)
                close(zw->fd);
        zw->fd = -1;
}

static dbus_bool_t watch_enable(struct zbus_watch *zw) {
        unsigned flags = dbus_watch_get_flags(zw->w);
        uint32_t events = 0;

        watch_disable(zw);
        if (!dbus_watch_get_enabled(zw->w))
                return TRUE;
        if (flags & DBUS_WATCH_READABLE)
                events |= EPOLLIN;
        if (flags & DBUS_WATCH_WRITABLE)
                events |= EPOLLOUT;
        /* read and write watches share the socket: each gets its own descriptor for epoll */
        zw->fd = fcntl(dbus_watch_get_unix_fd(zw->w), F_DUPFD_CLOEXEC, 3);
        if (zw->fd < 0)
                return FALSE;
        if (loop_io_add(zw->bus->cfg.loop, zw->fd, events, watch_io, zw, &zw->io) < 0) {
                close(zw->fd);
                zw->fd = -1;
                return FALSE;
        }
        return TRUE;
}

static void watch_free(void *p) {
        struct zbus_watch *zw = p;

        watch_disable(zw);
        free(zw);
}

static dbus_bool_t watch_add(DBusWatch *w, void *data) {
        struct zbus_watch *zw = calloc(1, sizeof *zw);

        if (!zw)
                return FALSE;
        zw->bus = data;
        zw->w = w;
        zw->fd = -1;
        dbus_watch_set_data(w, zw, watch_free);
        return watch_enable(zw);
}

static void watch_remove(DBusWatch *w, void *data) {
        struct zbus_watch *zw = dbus_watch_get_data(w);

        (void) data;
        if (zw)
                watch_disable(zw);
}

static void watch_toggled(DBusWatch *w, void *data) {
        struct zbus_watch *zw = dbus_watch_get_data(w);

        (void) data;
        if (zw && !watch_enable(zw))
                log_error("dbus: cannot watch the bus connection");
}

static void timeout_fire(struct loop_timer *t, usec_t now, void *userdata) {
        struct zbus_timeout *zt = userdata;
        struct zbus *bus = zt->bus;

        (void) t;
        /* libdbus timeouts repeat until removed or disabled */
        loop_timer_set(zt->timer, now + (usec_t) dbus_timeout_get_interval(zt->t) * 1000);
        dbus_timeout_handle(zt->t); /* may free zt */
        arm_dispatch(bus);
}

static void timeout_arm(struct zbus_timeout *zt) {
        if (dbus_timeout_get_enabled(zt->t))
                loop_timer_set(zt->timer,
                               loop_now(zt->bus->cfg.loop) + (usec_t) dbus_timeout_get_interval(zt->t) * 1000);
        else
                loop_timer_set(zt->timer, USEC_INFINITY);
}

static void timeout_free(void *p) {
        struct zbus_timeout *zt = p;

        loop_timer_free(zt->timer);
        free(zt);
}

static dbus_bool_t timeout_add(DBusTimeout *t, void *data) {
        struct zbus_timeout *zt = calloc(1, sizeof *zt);

        if (!zt)
                return FALSE;
        zt->bus = data;
        zt->t = t;
        if (loop_timer_new(zt->bus->cfg.loop, timeout_fire, zt, &zt->timer) < 0) {
                free(zt);
                return FALSE;
        }
        dbus_timeout_set_data(t, zt, timeout_free);
        timeout_arm(zt);
        return TRUE;
}

static void timeout_remove(DBusTimeout *t, void *data) {
        struct zbus_timeout *zt = dbus_timeout_get_data(t);

        (void) data;
        if (zt)
                loop_timer_set(zt->timer, USEC_INFINITY);
}

static void timeout_toggled(DBusTimeout *t, void *data) {
        struct zbus_timeout *zt = dbus_timeout_get_data(t);

        (void) data;
        if (zt)
                timeout_arm(zt);
}

static void dispatch_status(DBusConnection *c, DBusDispatchStatus s, void *data) {
        struct zbus *bus = data;

        (void) c;
        if (s == DBUS_DISPATCH_DATA_REMAINS)
                loop_timer_set(bus->dispatch, loop_now(bus->cfg.loop));
}

static void bus_disconnect(struct zbus *bus);

static void dispatch_fire(struct loop_timer *t, usec_t now, void *userdata) {
        struct zbus *bus = userdata;

        (void) t;
        (void) now;
        /* a bounded batch per loop iteration: mDNS keeps its turn */
        for (int i = 0; i < 64 && bus->conn; i++)
                if (dbus_connection_dispatch(bus->conn) != DBUS_DISPATCH_DATA_REMAINS)
                        break;
        if (bus->conn && !dbus_connection_get_is_connected(bus->conn)) {
                log_warning("dbus: lost the connection to the bus; retrying every %llu s",
                            (unsigned long long) (ZBUS_RETRY_USEC / USEC_PER_SEC));
                bus_disconnect(bus);
                loop_timer_set(bus->retry, loop_now(bus->cfg.loop) + ZBUS_RETRY_USEC);
                return;
        }
        arm_dispatch(bus);
}

/* ---- the bus: names, NameOwnerChanged ---- */

#define NAME_OWNER_MATCH                                                                                     \
        "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"                          \
        "interface='org.freedesktop.DBus',member='NameOwnerChanged'"

static DBusHandlerResult filter(DBusConnection *conn, DBusMessage *m, void *userdata) {
        struct zbus *bus = userdata;
        const char *name, *old_owner, *new_owner;

        (void) conn;
        if (dbus_message_is_signal(m, "org.freedesktop.DBus", "NameOwnerChanged") &&
            !strcmp(zbus_message_sender(m), "org.freedesktop.DBus") &&
            dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING, &old_owner, DBUS_TYPE_STRING,
                                  &new_owner, DBUS_TYPE_INVALID)) {
                struct zbus_client *c;

                if (*new_owner == 0 && name[0] == ':' && (c = client_find(bus, name))) {
                        log_debug("dbus: client %s left: freeing its objects", name);
                        client_gone(bus, c);
                }
        } else if (dbus_message_is_signal(m, "org.freedesktop.DBus", "NameLost") &&
                   dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID) &&
                   !strcmp(name, ZBUS_NAME))
                log_error("dbus: lost the name " ZBUS_NAME);
        return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

static void bus_disconnect(struct zbus *bus) {
        struct zbus_object *o, *next;

        if (!bus->conn)
                return;
        /* every client's objects go (their records are withdrawn); static objects stay */
        for (o = bus->objects; o; o = next) {
                next = o->next;
                if (o->client)
                        zbus_object_free(o);
        }
        for (o = bus->objects; o; o = o->next) {
                if (o->registered)
                        dbus_connection_unregister_object_path(bus->conn, o->path);
                o->registered = false;
        }
        dbus_connection_remove_filter(bus->conn, filter, bus);
        dbus_connection_unregister_object_path(bus->conn, "/");
        dbus_connection_set_watch_functions(bus->conn, NULL, NULL, NULL, NULL, NULL);
        dbus_connection_set_timeout_functions(bus->conn, NULL, NULL, NULL, NULL, NULL);
        dbus_connection_set_dispatch_status_function(bus->conn, NULL, NULL, NULL);
        dbus_connection_close(bus->conn);
        dbus_connection_unref(bus->conn);
        bus->conn = NULL;
        loop_timer_set(bus->dispatch, USEC_INFINITY);
}

static int bus_connect(struct zbus *bus) {
        DBusError err = DBUS_ERROR_INIT;
        DBusConnection *c;
        int r;

        if (bus->cfg.address) {
                c = dbus_connection_open_private(bus->cfg.address, &err);
                if (c && !dbus_bus_register(c, &err)) {
                        dbus_connection_close(c);
                        dbus_connection_unref(c);
                        c = NULL;
                }
        } else
                c = dbus_bus_get_private(DBUS_BUS_SYSTEM, &err);
        if (!c) {
                if (!bus->unreachable_logged)
                        log_warning("dbus: cannot reach the system bus (%s); mDNS goes on, retrying every %llu s",
                                    err.message, (unsigned long long) (ZBUS_RETRY_USEC / USEC_PER_SEC));
                bus->unreachable_logged = true;
                dbus_error_free(&err);
                return -ENOTCONN;
        }
        dbus_connection_set_exit_on_disconnect(c, FALSE);
        r = dbus_bus_request_name(c, ZBUS_NAME, DBUS_NAME_FLAG_DO_NOT_QUEUE, &err);
        if (r != DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER) {
                if (!bus->unreachable_logged)
                        log_error("dbus: cannot own the name " ZBUS_NAME ": %s; retrying every %llu s",
                                  dbus_error_is_set(&err) ? err.message : "another program owns it",
                                  (unsigned long long) (ZBUS_RETRY_USEC / USEC_PER_SEC));
                bus->unreachable_logged = true;
                dbus_error_free(&err);
                dbus_connection_close(c);
                dbus_connection_unref(c);
                return -EADDRINUSE;
        }
        dbus_bus_add_match(c, NAME_OWNER_MATCH, &err);
        if (dbus_error_is_set(&err)) {
                log_error("dbus: cannot follow clients (%s)", err.message);
                dbus_error_free(&err);
                dbus_connection_close(c);
                dbus_connection_unref(c);
                return -EIO;
        }
        bus->conn = c;
        if (!dbus_connection_add_filter(c, filter, bus, NULL) ||
            !dbus_connection_register_fallback(c, "/", &fallback_vtable, bus) ||
            !dbus_connection_set_watch_functions(c, watch_add, watch_remove, watch_toggled, bus, NULL) ||
            !dbus_connection_set_timeout_functions(c, timeout_add, timeout_remove, timeout_toggled, bus, NULL)) {
                bus_disconnect(bus);
                return -ENOMEM;
        }
        dbus_connection_set_dispatch_status_function(c, dispatch_status, bus, NULL);
        for (struct zbus_object *o = bus->objects; o; o = o->next)
                (void) object_register(o);
        bus->unreachable_logged = false;
        log_info("dbus: serving " ZBUS_NAME " on the %s bus", bus->cfg.address ? bus->cfg.address : "system");
        arm_dispatch(bus);
        return 0;
}

static void retry_fire(struct loop_timer *t, usec_t now, void *userdata) {
        struct zbus *bus = userdata;

        (void) t;
        if (bus_connect(bus) < 0)
                loop_timer_set(bus->retry, now + ZBUS_RETRY_USEC);
        else
                zbus_links_sync(bus);
}

static unsigned or_default(unsigned v, unsigned def) {
        return v ? v : def;
}

int zbus_new(struct zbus **ret, const struct zbus_config *cfg) {
        struct zbus *bus = calloc(1, sizeof *bus);
        int r;

        if (!bus)
                return -ENOMEM;
        bus->cfg = *cfg;
        bus->clients_max = or_default(cfg->conf ? cfg->conf->dbus_clients_max : 0, ZBUS_CLIENTS_MAX_DEFAULT);
        bus->objects_max =
                or_default(cfg->conf ? cfg->conf->dbus_objects_per_client_max : 0, ZBUS_OBJECTS_PER_CLIENT_MAX_DEFAULT);
        bus->entries_max =
                or_default(cfg->conf ? cfg->conf->dbus_entries_per_group_max : 0, ZBUS_ENTRIES_PER_GROUP_MAX_DEFAULT);
        r = loop_timer_new(cfg->loop, retry_fire, bus, &bus->retry);
        if (r >= 0)
                r = loop_timer_new(cfg->loop, dispatch_fire, bus, &bus->dispatch);
        if (r >= 0)
                r = zbus_manager_new(bus, &bus->manager);
        if (r < 0) {
                zbus_free(bus);
                return r;
        }
        if (bus_connect(bus) < 0)
                loop_timer_set(bus->retry, loop_now(cfg->loop) + ZBUS_RETRY_USEC);
        zbus_links_sync(bus);
        *ret = bus;
        return 0;
}

void zbus_free(struct zbus *bus) {
        if (!bus)
                return;
        bus_disconnect(bus); /* the clients' objects: withdrawn */
        zbus_links_free(bus);
        while (bus->objects)
                zbus_object_free(bus->objects);
        loop_timer_free(bus->retry);
        loop_timer_free(bus->dispatch);
        free(bus);
}
