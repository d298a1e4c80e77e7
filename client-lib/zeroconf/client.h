/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libzeroconf-client: the client library of zeroconfd's D-Bus API (org.zeroconfd1), on
 * libdbus-1, no GLib. See libzeroconf-client(3).
 *
 * - One zc_client is one private connection to the bus (the system bus, or an address).
 * - Asynchronous use: put zc_client_get_fd() in your poll/epoll set with the events of
 *   zc_client_get_events(), wait at most zc_client_get_timeout() milliseconds, then call
 *   zc_client_dispatch(). Callbacks run from zc_client_dispatch() only.
 * - Object creation and method calls (zc_entry_group_*, zc_*_new, zc_client_get_*) wait for the
 *   daemon's reply, at most the call timeout (zc_client_set_call_timeout, 5000 ms by default);
 *   they never run callbacks.
 * - Blocking one-shot helpers (zc_resolve_*) wait up to the timeout they are given.
 * - Every function that can fail returns 0 (or a count) on success and a negative errno on
 *   failure; the message (and the D-Bus error name, if any) of the last failure is kept in the
 *   client: zc_client_get_error(), zc_client_get_error_name(). A daemon error never aborts.
 * - interface: an interface index or ZC_IF_UNSPEC (-1, all); protocol: ZC_PROTO_UNSPEC (-1),
 *   ZC_PROTO_INET (0) or ZC_PROTO_INET6 (1). Strings are UTF-8.
 *
 * Not thread-safe: use a client from one thread at a time. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ZC_IF_UNSPEC (-1)
#define ZC_PROTO_UNSPEC (-1)
#define ZC_PROTO_INET 0
#define ZC_PROTO_INET6 1

/* EntryGroup.AddAddress flags: do not publish the reverse PTR record. */
#define ZC_ADDRESS_NO_REVERSE 16u
/* EntryGroup.AddRecord flags: a unique record (probed). */
#define ZC_RECORD_UNIQUE 1u

/* Limits of what the library sends (RFC 6763 §6: a TXT string is at most 255 octets). */
#define ZC_TXT_ITEM_MAX 255u
#define ZC_TXT_ITEMS_MAX 256u
#define ZC_STRING_MAX 1024u

typedef struct zc_client zc_client;
typedef struct zc_entry_group zc_entry_group;
typedef struct zc_browser zc_browser;

/* ---- the client ---- */

/* When zeroconfd leaves the bus, its objects go with it: entry groups say ZC_ENTRY_GROUP_FAILURE
 * and browsers are silent. When it comes back (a restart), the library makes every entry group
 * (its entries as added since the last reset, committed if it was) and every browser and
 * resolver again before it reports ZC_CLIENT_RUNNING; browsers then report their items again. */
typedef enum zc_client_state {
        ZC_CLIENT_RUNNING = 1,      /* zeroconfd is on the bus (again) */
        ZC_CLIENT_DAEMON_GONE = 2,  /* zeroconfd left the bus */
        ZC_CLIENT_DISCONNECTED = 3, /* our bus connection was lost: free the client */
} zc_client_state;

typedef void (*zc_client_callback)(zc_client *c, zc_client_state state, void *userdata);

/* address: a D-Bus address, or NULL for the system bus (DBUS_SYSTEM_BUS_ADDRESS if set).
 * Succeeds when the bus is reachable, whether zeroconfd runs or not (see zc_client_get_state).
 * -EINVAL (ret NULL), -ENOMEM, -ECONNREFUSED (no bus). */
int zc_client_new(zc_client **ret, const char *address);
/* Frees the client and every entry group and browser still made with it (NULL is fine). */
void zc_client_free(zc_client *c);
zc_client_state zc_client_get_state(const zc_client *c);
/* Called from zc_client_dispatch() when the state changes. */
void zc_client_set_callback(zc_client *c, zc_client_callback cb, void *userdata);
/* Milliseconds, > 0; the default is 5000. -EINVAL otherwise. */
int zc_client_set_call_timeout(zc_client *c, int timeout_ms);

/* The main loop integration. */
int zc_client_get_fd(const zc_client *c);
/* POLLIN, and POLLOUT while there is something to send. */
short zc_client_get_events(const zc_client *c);
/* Milliseconds until zc_client_dispatch() must be called even without events on the fd; -1 for
 * none, 0 when work is pending. */
int zc_client_get_timeout(const zc_client *c);
/* Reads, writes, runs expired timeouts and the callbacks. Never blocks. 0, or -ENOTCONN once the
 * connection is lost. */
int zc_client_dispatch(zc_client *c);
/* A convenience: poll and dispatch until timeout_ms (-1: forever) passes or zc_client_quit(). */
int zc_client_run(zc_client *c, int timeout_ms);
void zc_client_quit(zc_client *c);

/* The last failure: a message (never NULL, "" if none) and the D-Bus error name (NULL if the
 * failure was not a D-Bus error). Valid until the next call on the client. */
const char *zc_client_get_error(const zc_client *c);
const char *zc_client_get_error_name(const zc_client *c);

/* ---- the Manager ---- */

/* The daemon's properties: *ret is malloc()ed, free() it. */
int zc_client_get_version(zc_client *c, char **ret);
int zc_client_get_host_name(zc_client *c, char **ret);  /* "host.local" */
int zc_client_get_daemon_state(zc_client *c, char **ret);  /* "running" */
/* Privileged (root, or [dbus] admin-group): -EACCES otherwise; -EINVAL for a bad name. */
int zc_client_set_host_name(zc_client *c, const char *name);
int zc_client_get_alternative_host_name(zc_client *c, const char *name, char **ret);
int zc_client_get_alternative_service_name(zc_client *c, const char *name, char **ret);

/* ---- links ---- */

typedef struct zc_link_address {
        char *address;        /* "169.254.3.4", "fe80::1" */
        uint8_t prefix_len;
} zc_link_address;

typedef struct zc_link {
        int index;
        char *name;           /* "eth0" */
        char *state;          /* "up", "no-carrier", "down" */
        bool mdns_ipv4, mdns_ipv6;
        zc_link_address *addresses;
        size_t n_addresses;
        char *ipv4ll_state;   /* RFC 3927 state ("bound", "probing", …) or "unmanaged" */
        char *ipv4ll_address; /* the claimed 169.254/16 address, or "" */
        char *ipv6ll_state;   /* "idle", "waiting", "probing", … or "unmanaged" */
        uint32_t ipv6ll_dad_failures;
} zc_link;

/* Every link the daemon knows, by index. Free with zc_links_free(). */
int zc_client_get_links(zc_client *c, zc_link **ret, size_t *n_ret);
void zc_links_free(zc_link *links, size_t n);

typedef enum zc_link_event {
        ZC_LINK_CHANGED = 1,     /* detail: the name of a property that changed */
        ZC_LINK_DAD_FAILED = 2,  /* detail: the IPv6 address that failed DAD */
} zc_link_event;
typedef void (*zc_link_callback)(zc_client *c, int ifindex, zc_link_event event, const char *detail,
                                 void *userdata);
/* Subscribes to the Link objects' signals (cb NULL: unsubscribes). */
int zc_client_set_link_callback(zc_client *c, zc_link_callback cb, void *userdata);

/* ---- entry groups (publishing) ---- */

typedef enum zc_entry_group_state {
        ZC_ENTRY_GROUP_UNCOMMITTED = 0,
        ZC_ENTRY_GROUP_REGISTERING = 1,
        ZC_ENTRY_GROUP_ESTABLISHED = 2,
        ZC_ENTRY_GROUP_COLLISION = 3,
        ZC_ENTRY_GROUP_FAILURE = 4,
} zc_entry_group_state;

/* alternative: on ZC_ENTRY_GROUP_COLLISION a name to try instead ("Name (2)"), else "". */
typedef void (*zc_entry_group_callback)(zc_entry_group *g, zc_entry_group_state state,
                                        const char *alternative, void *userdata);

int zc_entry_group_new(zc_client *c, zc_entry_group_callback cb, void *userdata, zc_entry_group **ret);
/* Withdraws its records (the daemon sends goodbyes) and frees it (NULL is fine). */
void zc_entry_group_free(zc_entry_group *g);
zc_client *zc_entry_group_get_client(const zc_entry_group *g);
/* The last state the daemon reported. */
zc_entry_group_state zc_entry_group_get_state(const zc_entry_group *g);
const char *zc_entry_group_state_to_string(zc_entry_group_state s);

/* txt: a NULL-terminated list of "key=value" strings (NULL: none); each at most
 * ZC_TXT_ITEM_MAX octets, at most ZC_TXT_ITEMS_MAX of them. domain, host: NULL or "" for the
 * defaults ("local", this host). */
int zc_entry_group_add_service(zc_entry_group *g, int interface, int protocol, uint32_t flags,
                               const char *name, const char *type, const char *domain,
                               const char *host, uint16_t port, const char *const *txt);
int zc_entry_group_add_service_subtype(zc_entry_group *g, int interface, int protocol, uint32_t flags,
                                       const char *name, const char *type, const char *domain,
                                       const char *subtype);
int zc_entry_group_update_service_txt(zc_entry_group *g, int interface, int protocol, uint32_t flags,
                                      const char *name, const char *type, const char *domain,
                                      const char *const *txt);
int zc_entry_group_add_address(zc_entry_group *g, int interface, int protocol, uint32_t flags,
                               const char *name, const char *address);
int zc_entry_group_add_record(zc_entry_group *g, int interface, int protocol, uint32_t flags,
                              const char *name, uint16_t rr_class, uint16_t rr_type, uint32_t ttl,
                              const void *rdata, size_t rdata_len);
int zc_entry_group_commit(zc_entry_group *g);
int zc_entry_group_reset(zc_entry_group *g);

/* ---- browsers and resolvers ---- */

typedef enum zc_browser_event {
        ZC_BROWSER_NEW = 1,             /* ItemNew, or Found for a resolver */
        ZC_BROWSER_REMOVE = 2,          /* ItemRemove */
        ZC_BROWSER_CACHE_EXHAUSTED = 3, /* the cached items have been reported */
        ZC_BROWSER_ALL_FOR_NOW = 4,     /* the first burst of answers is probably over */
        ZC_BROWSER_FAILURE = 5,         /* a resolver found nothing in 5 s (it keeps looking) */
} zc_browser_event;

typedef struct zc_txt_item {
        const uint8_t *data;
        size_t len;
} zc_txt_item;

/* What an event carries; the fields a kind of browser does not fill are 0 or NULL. Valid during
 * the callback only. */
typedef struct zc_item {
        int interface, protocol;
        const char *name;     /* service: the instance name; host/address resolver: the host name;
                               * record browser: the record name */
        const char *type;     /* service type ("_http._tcp") */
        const char *domain;
        const char *host;     /* service resolver: the target host */
        int aprotocol;        /* the family of address */
        const char *address;  /* "169.254.1.2", "fe80::1%eth0" */
        uint16_t port;
        const zc_txt_item *txt;
        size_t n_txt;
        uint16_t rr_class, rr_type;  /* record browser */
        const uint8_t *rdata;
        size_t rdata_len;
        uint32_t flags;
        const char *error;    /* ZC_BROWSER_FAILURE */
} zc_item;

typedef void (*zc_browser_callback)(zc_browser *b, zc_browser_event event, const zc_item *item,
                                    void *userdata);

/* Each makes the object on the daemon, subscribes and starts it; events come through the
 * callback from zc_client_dispatch(). domain: NULL or "" for "local"; flags: 0. */
int zc_service_browser_new(zc_client *c, int interface, int protocol, const char *type,
                           const char *domain, uint32_t flags, zc_browser_callback cb, void *userdata,
                           zc_browser **ret);
int zc_service_type_browser_new(zc_client *c, int interface, int protocol, const char *domain,
                                uint32_t flags, zc_browser_callback cb, void *userdata, zc_browser **ret);
/* aprotocol: the address family wanted (ZC_PROTO_UNSPEC: any). */
int zc_service_resolver_new(zc_client *c, int interface, int protocol, const char *name,
                            const char *type, const char *domain, int aprotocol, uint32_t flags,
                            zc_browser_callback cb, void *userdata, zc_browser **ret);
int zc_host_resolver_new(zc_client *c, int interface, int protocol, const char *name, int aprotocol,
                         uint32_t flags, zc_browser_callback cb, void *userdata, zc_browser **ret);
int zc_address_resolver_new(zc_client *c, int interface, int protocol, const char *address,
                            uint32_t flags, zc_browser_callback cb, void *userdata, zc_browser **ret);
/* rr_class: 1 (IN) or 255 (ANY); rr_type: a type or 255 (ANY). */
int zc_record_browser_new(zc_client *c, int interface, int protocol, const char *name,
                          uint16_t rr_class, uint16_t rr_type, uint32_t flags, zc_browser_callback cb,
                          void *userdata, zc_browser **ret);
/* Stops and frees it (NULL is fine). Safe from its own callback. */
void zc_browser_free(zc_browser *b);
zc_client *zc_browser_get_client(const zc_browser *b);

/* ---- blocking one-shot helpers ---- */

/* Owned copies; free with zc_resolved_clear(). */
typedef struct zc_resolved {
        int interface, protocol;
        char *name, *type, *domain, *host;
        int aprotocol;
        char *address;
        uint16_t port;
        zc_txt_item *txt;     /* data malloc()ed */
        size_t n_txt;
        uint32_t flags;
} zc_resolved;
void zc_resolved_clear(zc_resolved *r);

/* Each waits up to timeout_ms (> 0) for the first answer: 0 and *ret filled, or -ETIMEDOUT.
 * They never run callbacks. */
int zc_resolve_service(zc_client *c, int interface, int protocol, const char *name, const char *type,
                       const char *domain, int aprotocol, int timeout_ms, zc_resolved *ret);
/* name: "host.local" (or "host"); fills interface, protocol, name, aprotocol, address. */
int zc_resolve_host_name(zc_client *c, int interface, int protocol, const char *name, int aprotocol,
                         int timeout_ms, zc_resolved *ret);
/* address: "169.254.1.2", "fe80::1%eth0"; fills interface, protocol, aprotocol, address, name. */
int zc_resolve_address(zc_client *c, int interface, int protocol, const char *address, int timeout_ms,
                       zc_resolved *ret);

#ifdef __cplusplus
}
#endif
