/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.zeroconfd1.Manager at /org/zeroconfd1: the daemon as a whole (version, state, host name,
 * domain, links) and the factories. The browser factories and one-shot resolvers are browser.c's
 * (zbus_browsers_manager_methods, browser.h): the dispatcher looks there second. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "dbus/browser.h"
#include "dbus/bus.h"
#include "dnssd/validate.h"
#include "iface.h"
#include "log.h"
#include "mdns/host-name.h"
#include "mdns/mdns.h"

static const char *manager_host_name(struct zbus *bus) {
        struct mdns *m = zbus_get_config(bus)->mdns;
        const char *h = m ? mdns_get_host_name(m) : NULL;

        return h ? h : "";
}

static int get_version(struct zbus_object *o, DBusMessageIter *it, void *userdata) {
        const char *v = PACKAGE_VERSION;

        (void) o;
        (void) userdata;
        return dbus_message_iter_append_basic(it, DBUS_TYPE_STRING, &v) ? 0 : -ENOMEM;
}

static int get_state(struct zbus_object *o, DBusMessageIter *it, void *userdata) {
        /* the daemon answers as long as it runs; per-service states are on the entry groups */
        const char *v = zbus_get_config(zbus_object_get_bus(o))->mdns ? "running" : "starting";

        (void) userdata;
        return dbus_message_iter_append_basic(it, DBUS_TYPE_STRING, &v) ? 0 : -ENOMEM;
}

static int get_host_name(struct zbus_object *o, DBusMessageIter *it, void *userdata) {
        const char *v = manager_host_name(zbus_object_get_bus(o));

        (void) userdata;
        return dbus_message_iter_append_basic(it, DBUS_TYPE_STRING, &v) ? 0 : -ENOMEM;
}

static int get_domain(struct zbus_object *o, DBusMessageIter *it, void *userdata) {
        const char *v = "local";

        (void) o;
        (void) userdata;
        return dbus_message_iter_append_basic(it, DBUS_TYPE_STRING, &v) ? 0 : -ENOMEM;
}

static int append_links(struct zbus *bus, DBusMessageIter *it) {
        const struct iface_table *t = zbus_get_config(bus)->ifaces;
        DBusMessageIter a;

        if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "o", &a))
                return -ENOMEM;
        for (const struct iface *i = t ? t->list : NULL; i; i = i->next) {
                const char *path = zbus_link_path(bus, i->ifindex);

                if (path && !dbus_message_iter_append_basic(&a, DBUS_TYPE_OBJECT_PATH, &path)) {
                        dbus_message_iter_abandon_container(it, &a);
                        return -ENOMEM;
                }
        }
        return dbus_message_iter_close_container(it, &a) ? 0 : -ENOMEM;
}

static int get_links(struct zbus_object *o, DBusMessageIter *it, void *userdata) {
        (void) userdata;
        return append_links(zbus_object_get_bus(o), it);
}

static int call_get_links(struct zbus_object *o, DBusMessage *m, void *userdata) {
        struct zbus *bus = zbus_object_get_bus(o);
        DBusMessage *reply = dbus_message_new_method_return(m);
        DBusMessageIter it;
        int r;

        (void) userdata;
        if (!reply)
                return -ENOMEM;
        dbus_message_iter_init_append(reply, &it);
        r = append_links(bus, &it);
        if (r < 0) {
                dbus_message_unref(reply);
                return r;
        }
        return zbus_reply_message(bus, reply);
}

static int call_set_host_name(struct zbus_object *o, DBusMessage *m, void *userdata) {
        struct zbus *bus = zbus_object_get_bus(o);
        const struct conf *conf = zbus_get_config(bus)->conf;
        char label[DNS_LABEL_MAX + 1];
        const char *name = NULL, *reason = NULL;
        int r;

        (void) userdata;
        if (!dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID))
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_ARGS, "name: expected a string");
        /* validated first (Avahi CVE-2021-3502: an empty or malformed name must not reach an assert) */
        if (zbus_check_host_label(name, label, sizeof label, &reason) < 0)
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_HOST_NAME, "name: %s", reason);
        if (!zbus_caller_is_privileged(bus, m, conf ? conf->dbus_admin_group : NULL))
                return zbus_reply_error(bus, m, ZBUS_ERROR_ACCESS_DENIED,
                                        "SetHostName: only root or a member of the admin-group may rename the host");
        /* RFC 6762 §8: goodbyes for the old name, the new one probed (a conflict renames it
         * further, as at start-up); HostName changes through PropertiesChanged */
        r = mdns_set_host_name(zbus_get_config(bus)->mdns, label);
        if (r < 0)
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_HOST_NAME, "name: cannot be used: %s", strerror(-r));
        return zbus_reply(bus, m, DBUS_TYPE_INVALID);
}

/* Avahi CVE-2023-38471 / -38473: malformed names to the alternative-name calls must not reach an assert */
static int call_get_alternative_host_name(struct zbus_object *o, DBusMessage *m, void *userdata) {
        struct zbus *bus = zbus_object_get_bus(o);
        char label[DNS_LABEL_MAX + 1], alt[DNS_LABEL_MAX + 1];
        const char *name = NULL, *reason = NULL, *p = alt;

        (void) userdata;
        if (!dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID))
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_ARGS, "name: expected a string");
        if (zbus_check_host_label(name, label, sizeof label, &reason) < 0)
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_HOST_NAME, "name: %s", reason);
        if (host_name_alternative(label, alt, sizeof alt) < 0)
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_HOST_NAME, "name: no alternative");
        return zbus_reply(bus, m, DBUS_TYPE_STRING, &p, DBUS_TYPE_INVALID);
}

static int call_get_alternative_service_name(struct zbus_object *o, DBusMessage *m, void *userdata) {
        struct zbus *bus = zbus_object_get_bus(o);
        char alt[DNSSD_INSTANCE_NAME_MAX + 1];
        const char *name = NULL, *reason = NULL, *p = alt;

        (void) userdata;
        if (!dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID))
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_ARGS, "name: expected a string");
        if (zbus_alternative_service_name(name, alt, sizeof alt, &reason) < 0)
                return zbus_reply_error(bus, m, ZBUS_ERROR_INVALID_NAME, "name: %s", reason);
        return zbus_reply(bus, m, DBUS_TYPE_STRING, &p, DBUS_TYPE_INVALID);
}

static int call_entry_group_new(struct zbus_object *o, DBusMessage *m, void *userdata) {
        (void) userdata;
        return zbus_entry_group_new_call(zbus_object_get_bus(o), m);
}

static const struct zbus_method manager_methods[] = {
        { "GetLinks", "", "ao", call_get_links },
        { "SetHostName", "s", "", call_set_host_name },
        { "GetAlternativeHostName", "s", "s", call_get_alternative_host_name },
        { "GetAlternativeServiceName", "s", "s", call_get_alternative_service_name },
        { "EntryGroupNew", "", "o", call_entry_group_new },
        { NULL, NULL, NULL, NULL },
};

static const struct zbus_property manager_properties[] = {
        { "Version", "s", get_version },
        { "State", "s", get_state },
        { "HostName", "s", get_host_name },
        { "Domain", "s", get_domain },
        { "Links", "ao", get_links },
        { NULL, NULL, NULL },
};

const struct zbus_vtable zbus_manager_vtable = {
        .interface = "org.zeroconfd1.Manager",
        .kind = "manager",
        .xml = zbus_xml_manager,
        .methods = manager_methods,
        .more_methods = zbus_browsers_manager_methods,
        .properties = manager_properties,
};

int zbus_manager_new(struct zbus *bus, struct zbus_object **ret) {
        return zbus_object_new_static(bus, ZBUS_ROOT, &zbus_manager_vtable, NULL, ret);
}

void zbus_host_name_changed(struct zbus *bus) {
        static const char *const names[] = { "HostName", NULL };
        struct zbus_object *o = zbus_get_manager(bus);

        if (o)
                (void) zbus_object_properties_changed(o, names);
        zbus_entry_groups_host_renamed(bus);
}
