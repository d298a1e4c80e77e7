/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The D-Bus server: the connection to the system bus, the name org.zeroconfd1, and the objects
 * clients talk to (libdbus-1, no GLib; its watches and timeouts run on daemon/loop.h).
 *
 * Shape, for a file that adds an object kind (entry-group.c, browser.c, …):
 *
 *   static const struct zbus_method methods[] = {
 *           { "Start", "", "", my_start },           // name, in signature, out signature, handler
 *           { NULL } };
 *   static const struct zbus_property props[] = { { "State", "s", my_get_state }, { NULL } };
 *   static const struct zbus_signal signals[] = { { "ItemNew", "iissu" }, { NULL } };
 *   const struct zbus_vtable my_vtable = {
 *           .interface = "org.zeroconfd1.ServiceBrowser", .kind = "servicebrowser",
 *           .xml = zbus_xml_service_browser,        // the <interface> element, from the installed XML
 *           .methods = methods, .properties = props, .signals = signals, .free = my_free };
 *
 *   zbus_object_new(bus, zbus_message_sender(m), &my_vtable, userdata, &obj)
 *       → path /org/zeroconfd1/client/N/servicebrowser/M, owned by the caller of m
 *
 * - Dispatch: a method call on an object is checked before its handler runs: the interface (or
 *   none) must match, the method must be in the table, the message signature must equal the in
 *   signature (else org.zeroconfd1.Error.InvalidArgs), and for an owned object the sender must be
 *   the owner (else org.zeroconfd1.Error.AccessDenied). The handler either sends exactly one
 *   reply (zbus_reply*()) and returns 0, or sends none and returns a negative errno: the
 *   dispatcher then replies with zbus_reply_errno() (NoMemory for -ENOMEM, Failed, …).
 * - org.freedesktop.DBus.Properties Get / GetAll (Set: every property is read-only), and
 *   PropertiesChanged via zbus_object_properties_changed(); org.freedesktop.DBus.Introspectable
 *   Introspect served from vtable->xml, with the child nodes of the path.
 * - Ownership: an object made by a client belongs to that client's unique name. When the name
 *   leaves the bus (NameOwnerChanged with an empty new owner) all its objects are freed (their
 *   vtable->free runs: an entry group withdraws its records, with goodbyes). Signals of an owned
 *   object go to its owner only (unicast: the destination is set).
 * - Static objects (Manager at /org/zeroconfd1, the Link objects) have no owner: everyone may
 *   call them; their signals are broadcast.
 * - Limits (from [dbus] in zeroconfd.conf): clients, objects per client; each hit is logged once.
 *   Entries per entry group are counted by entry-group.c against zbus_entries_per_group_max().
 * - When the bus goes away (or cannot be reached at start) the objects of every client are freed,
 *   static objects are kept and registered again, and we reconnect every ZBUS_RETRY_USEC.
 *
 * Errors: zbus_reply_error(m, ZBUS_ERROR_INVALID_NAME, "name: %s", reason) and friends; the message
 * names the bad argument. All the names are listed in the XML files and in zeroconfd(8). */
#pragma once

#include <dbus/dbus.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnssd/service.h"
#include "loop.h"
#include "mdns/registry.h"

#define ZBUS_NAME "org.zeroconfd1"
#define ZBUS_ROOT "/org/zeroconfd1"
#define ZBUS_RETRY_USEC (5ULL * 1000000ULL)
/* The flags argument of ItemNew / ItemRemove / Found: the item is this host's own (our records,
 * browse.h); Avahi's AVAHI_LOOKUP_RESULT_LOCAL has the same value. */
#define ZBUS_RESULT_LOCAL 8u

#define ZBUS_CLIENTS_MAX_DEFAULT 256
#define ZBUS_OBJECTS_PER_CLIENT_MAX_DEFAULT 256
#define ZBUS_ENTRIES_PER_GROUP_MAX_DEFAULT 64

/* The named errors. */
#define ZBUS_ERROR_PREFIX "org.zeroconfd1.Error."
#define ZBUS_ERROR_FAILED ZBUS_ERROR_PREFIX "Failed"
#define ZBUS_ERROR_NO_MEMORY ZBUS_ERROR_PREFIX "NoMemory"
#define ZBUS_ERROR_INVALID_ARGS ZBUS_ERROR_PREFIX "InvalidArgs"
#define ZBUS_ERROR_ACCESS_DENIED ZBUS_ERROR_PREFIX "AccessDenied"
#define ZBUS_ERROR_NOT_SUPPORTED ZBUS_ERROR_PREFIX "NotSupported"
#define ZBUS_ERROR_UNKNOWN_METHOD ZBUS_ERROR_PREFIX "UnknownMethod"
#define ZBUS_ERROR_UNKNOWN_PROPERTY ZBUS_ERROR_PREFIX "UnknownProperty"
#define ZBUS_ERROR_TOO_MANY_CLIENTS ZBUS_ERROR_PREFIX "TooManyClients"
#define ZBUS_ERROR_TOO_MANY_OBJECTS ZBUS_ERROR_PREFIX "TooManyObjects"
#define ZBUS_ERROR_TOO_MANY_ENTRIES ZBUS_ERROR_PREFIX "TooManyEntries"
#define ZBUS_ERROR_INVALID_NAME ZBUS_ERROR_PREFIX "InvalidName"
#define ZBUS_ERROR_INVALID_HOST_NAME ZBUS_ERROR_PREFIX "InvalidHostName"
#define ZBUS_ERROR_INVALID_SERVICE_TYPE ZBUS_ERROR_PREFIX "InvalidServiceType"
#define ZBUS_ERROR_INVALID_SUBTYPE ZBUS_ERROR_PREFIX "InvalidSubtype"
#define ZBUS_ERROR_INVALID_DOMAIN ZBUS_ERROR_PREFIX "InvalidDomain"
#define ZBUS_ERROR_INVALID_TXT ZBUS_ERROR_PREFIX "InvalidTxt"
#define ZBUS_ERROR_INVALID_ADDRESS ZBUS_ERROR_PREFIX "InvalidAddress"
#define ZBUS_ERROR_INVALID_INTERFACE ZBUS_ERROR_PREFIX "InvalidInterface"
#define ZBUS_ERROR_INVALID_PROTOCOL ZBUS_ERROR_PREFIX "InvalidProtocol"
#define ZBUS_ERROR_INVALID_FLAGS ZBUS_ERROR_PREFIX "InvalidFlags"
#define ZBUS_ERROR_INVALID_RECORD ZBUS_ERROR_PREFIX "InvalidRecord"
#define ZBUS_ERROR_NOT_FOUND ZBUS_ERROR_PREFIX "NotFound"
#define ZBUS_ERROR_BAD_STATE ZBUS_ERROR_PREFIX "BadState"
#define ZBUS_ERROR_COLLISION ZBUS_ERROR_PREFIX "Collision"

struct zbus;
struct zbus_object;
struct conf;
struct mdns;
struct iface_table;
struct ipv4ll_manager;
struct ipv6ll_manager;

/* A method handler: reply with zbus_reply*() and return 0, or return a negative errno. */
typedef int (*zbus_method_fn)(struct zbus_object *o, DBusMessage *m, void *userdata);
/* Append the property's value (of the declared signature) to it (a variant's contents). */
typedef int (*zbus_property_fn)(struct zbus_object *o, DBusMessageIter *it, void *userdata);

struct zbus_method {
        const char *name;
        const char *in_sig, *out_sig;
        zbus_method_fn call;
};

struct zbus_property {
        const char *name;
        const char *sig;
        zbus_property_fn get;
};

struct zbus_signal {
        const char *name;
        const char *sig;
};

struct zbus_vtable {
        const char *interface;
        const char *kind;  /* the path component of owned objects: "entrygroup" */
        const char *xml;   /* the <interface> element(s) of the interface */
        const struct zbus_method *methods;       /* each table ends with a NULL name */
        const struct zbus_method *more_methods;  /* a second table, may be NULL (the Manager: the
                                                  * browser factories of browser.c) */
        const struct zbus_property *properties;  /* may be NULL */
        const struct zbus_signal *signals;       /* may be NULL */
        /* Called once when the object goes (zbus_object_free, owner left, bus lost for owned
         * objects, zbus_free): release userdata. May be NULL. */
        void (*free)(struct zbus_object *o, void *userdata);
};

/* What the D-Bus side may look at; borrowed, all must outlive the bus. */
struct zbus_config {
        struct loop *loop;
        const struct conf *conf;         /* [dbus] keys */
        struct mdns *mdns;               /* the registry, the host name */
        const struct iface_table *ifaces;
        struct ipv4ll_manager *ipv4ll;   /* may be NULL */
        struct ipv6ll_manager *ipv6ll;   /* may be NULL */
        const char *address;             /* NULL: the system bus (DBUS_SYSTEM_BUS_ADDRESS) */
};

/* Starts connecting (a failure is logged and retried every ZBUS_RETRY_USEC: mDNS goes on). */
int zbus_new(struct zbus **ret, const struct zbus_config *cfg);
/* Frees every object (owned ones first: entry groups withdraw with goodbyes), closes. */
void zbus_free(struct zbus *bus);
bool zbus_is_connected(const struct zbus *bus);
const struct zbus_config *zbus_get_config(const struct zbus *bus);
/* The limits in force (after the config). */
unsigned zbus_clients_max(const struct zbus *bus);
unsigned zbus_objects_per_client_max(const struct zbus *bus);
unsigned zbus_entries_per_group_max(const struct zbus *bus);
/* Log `what` (one of a few fixed strings) once per run: a limit was hit. */
void zbus_log_limit_once(struct zbus *bus, const char *what);

/* ---- objects ---- */

/* An owned object, path ZBUS_ROOT/client/N/<kind>/M. -EDQUOT (TooManyClients), -E2BIG
 * (TooManyObjects), -ENOMEM; zbus_reply_errno() maps them. vt and userdata are kept. */
int zbus_object_new(struct zbus *bus, const char *owner, const struct zbus_vtable *vt, void *userdata,
                    struct zbus_object **ret);
/* A static object at a fixed path (ZBUS_ROOT, ZBUS_ROOT "/link/2"): no owner. */
int zbus_object_new_static(struct zbus *bus, const char *path, const struct zbus_vtable *vt, void *userdata,
                           struct zbus_object **ret);
/* Unregister and free; runs vt->free. NULL is fine. Safe from within a handler of o (the free
 * is then done after the handler returns). */
void zbus_object_free(struct zbus_object *o);
const char *zbus_object_get_path(const struct zbus_object *o);
const char *zbus_object_get_owner(const struct zbus_object *o); /* NULL: static */
struct zbus *zbus_object_get_bus(const struct zbus_object *o);
void *zbus_object_get_userdata(const struct zbus_object *o);

/* Emit a signal of the object's interface: to the owner only for an owned object. The arguments
 * as for dbus_message_append_args (DBUS_TYPE_INVALID-terminated). Nothing happens while
 * disconnected. */
int zbus_object_emit(struct zbus_object *o, const char *signal, int first_type, ...);
/* The same, with a message built by the caller (zbus_object_signal_new() sets path, interface
 * and destination); consumes m. */
DBusMessage *zbus_object_signal_new(struct zbus_object *o, const char *signal);
int zbus_object_send(struct zbus_object *o, DBusMessage *m);
/* org.freedesktop.DBus.Properties.PropertiesChanged with the new values of the named properties
 * (a NULL-terminated list). */
int zbus_object_properties_changed(struct zbus_object *o, const char *const *names);

/* ---- replies ---- */

const char *zbus_message_sender(DBusMessage *m);
/* Reply with the arguments (DBUS_TYPE_INVALID-terminated list; none for an empty reply). */
int zbus_reply(struct zbus *bus, DBusMessage *m, int first_type, ...);
int zbus_reply_message(struct zbus *bus, DBusMessage *reply); /* consumes reply */
/* A named error whose message is printf-formatted: name the bad argument ("type: ..."). */
int zbus_reply_error(struct zbus *bus, DBusMessage *m, const char *name, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* -ENOMEM NoMemory, -EDQUOT TooManyClients, -E2BIG TooManyObjects, -EACCES AccessDenied,
 * -EOPNOTSUPP NotSupported, anything else Failed; `what` starts the message. */
int zbus_reply_errno(struct zbus *bus, DBusMessage *m, int err, const char *what);

/* ---- argument checks (pure; 0 or a negative errno and *reason) ---- */

/* DBus interface index argument: -1 (every interface) or an existing interface's index. */
int zbus_check_ifindex(const struct iface_table *ifaces, int32_t ifindex, const char **reason);
/* Protocol argument: -1 unspecified, 0 IPv4, 1 IPv6 (Avahi's numbering); *family AF_UNSPEC,
 * AF_INET or AF_INET6. */
int zbus_check_protocol(int32_t proto, int *family, const char **reason);
/* A host name "name" or "name.local": one label, 1-63 octets, UTF-8, no control characters, no
 * dot and no backslash inside the label. Puts the bare label in out (64 bytes). */
int zbus_check_host_label(const char *s, char *out, size_t size, const char **reason);
/* A domain: "" (local) or a valid DNS name of at most 255 octets. */
int zbus_check_domain(const char *s, const char **reason);
/* The caller's unix uid may change the host name: root, or a member of `group` (NULL/empty: root
 * only). A blocking query to the bus daemon. */
bool zbus_caller_is_privileged(struct zbus *bus, DBusMessage *m, const char *group);

/* ---- pure helpers of the object kinds (unit-tested) ---- */

/* The EntryGroup State of a registry group state: "uncommitted" (also withdrawn), "registering"
 * (probing, announcing), "established", "collision", "failure". */
const char *zbus_entry_group_state_string(enum reg_group_state s);
/* The Link State of IFF_* flags: "down", "no-carrier", "up". */
const char *zbus_link_state_string(unsigned ifflags);
/* The next name after a lost instance name (RFC 6762 §9): "Name" → "Name (2)", "Name (2)" →
 * "Name (3)"; the input is checked as an instance name first (-EINVAL, *reason). out: 64 bytes. */
int zbus_alternative_service_name(const char *name, char *out, size_t size, const char **reason);
/* A TXT argument (aay) → items pointing into the message (not copied): each string checked
 * (RFC 6763 §6.4 key, at most 255 octets, not empty), no key twice, the whole at most
 * DNSSD_TXT_SIZE_MAX octets (-E2BIG). *size: the rdata length (1 for none). */
int zbus_parse_txt(DBusMessageIter *array, struct dnssd_txt_item *items, size_t max, size_t *n_items, size_t *size,
                   const char **reason);

/* ---- the object kinds (manager.c, link.c, entry-group.c; browsers: browser.h) ---- */

/* The vtables, for the XML check (tests/unit/test-dbus-xml.c). */
extern const struct zbus_vtable zbus_manager_vtable;
extern const struct zbus_vtable zbus_link_vtable;
extern const struct zbus_vtable zbus_entry_group_vtable;

/* manager.c */
int zbus_manager_new(struct zbus *bus, struct zbus_object **ret);
/* entry-group.c: the factory (Manager.EntryGroupNew) */
int zbus_entry_group_new_call(struct zbus *bus, DBusMessage *m);
/* link.c: the Link objects follow the interface table (call after every change). */
void zbus_links_sync(struct zbus *bus);
/* link.c: state for Link objects; zbus_links_free on shutdown */
void zbus_links_free(struct zbus *bus);
/* A link's object path, or NULL */
const char *zbus_link_path(struct zbus *bus, int ifindex);
/* Host name changed (rename after conflict): Manager PropertiesChanged, and the SRV records of
 * entry-group services without a host of their own follow (zbus_entry_groups_host_renamed). */
void zbus_host_name_changed(struct zbus *bus);
void zbus_entry_groups_host_renamed(struct zbus *bus);

/* Per-bus state slots of the other files (set once, owned by them). */
void *zbus_get_links_state(struct zbus *bus);
void zbus_set_links_state(struct zbus *bus, void *state);
struct zbus_object *zbus_get_manager(struct zbus *bus);

/* Generated from the XML files (introspection.c). */
extern const char zbus_xml_manager[];
extern const char zbus_xml_link[];
extern const char zbus_xml_entry_group[];
