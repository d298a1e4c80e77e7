/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libzeroconf-client: org.zeroconfd1 over libdbus-1 (see zeroconf/client.h and
 * libzeroconf-client(3)). The API is daemon/dbus/org.zeroconfd1.*.xml.
 *
 * The connection is private (dbus_connection_open_private, never exit on disconnect). libdbus's
 * watches and timeouts are kept in the client; zc_client_dispatch() polls the fd without waiting,
 * hands the events to the watches, runs expired timeouts, then dispatches the queued messages
 * through one filter that routes the daemon's signals to our objects by path. Signals are taken
 * only from the current owner of org.zeroconfd1 (tracked by NameOwnerChanged): another client
 * cannot forge events. Everything the library sends is checked first (libdbus aborts on invalid
 * UTF-8; we return -EINVAL). */
#include <dbus/dbus.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client-internal.h"

#define ZC_BUS_NAME "org.zeroconfd1"
#define ZC_ROOT "/org/zeroconfd1"
#define ZC_LINK_PREFIX "/org/zeroconfd1/link/"
#define ZC_IFACE_MANAGER "org.zeroconfd1.Manager"
#define ZC_IFACE_GROUP "org.zeroconfd1.EntryGroup"
#define ZC_IFACE_LINK "org.zeroconfd1.Link"
#define ZC_CALL_TIMEOUT_DEFAULT 5000
#define ZC_WATCHES_MAX 8
#define ZC_TIMEOUTS_MAX 64

enum kind {
        K_SERVICE_BROWSER,
        K_SERVICE_TYPE_BROWSER,
        K_SERVICE_RESOLVER,
        K_HOST_RESOLVER,
        K_ADDRESS_RESOLVER,
        K_RECORD_BROWSER,
};

/* Per kind: its interface, and the fields of its ItemNew/Found and ItemRemove signals in order
 * (I interface, P protocol, N name, T type, D domain, H host, A aprotocol, a address, p port,
 * x txt, c class, t rr type, r rdata, F flags) with their D-Bus signature. */
static const struct kind_info {
        const char *interface;
        const char *new_signal;
        const char *fields;
        const char *sig;
} kinds[] = {
        [K_SERVICE_BROWSER] = { "org.zeroconfd1.ServiceBrowser", "ItemNew", "IPNTDF", "iisssu" },
        [K_SERVICE_TYPE_BROWSER] = { "org.zeroconfd1.ServiceTypeBrowser", "ItemNew", "IPTDF", "iissu" },
        [K_SERVICE_RESOLVER] = { "org.zeroconfd1.ServiceResolver", "Found", "IPNTDHAapxF", "iissssisqaayu" },
        [K_HOST_RESOLVER] = { "org.zeroconfd1.HostResolver", "Found", "IPNAaF", "iisisu" },
        [K_ADDRESS_RESOLVER] = { "org.zeroconfd1.AddressResolver", "Found", "IPAaNF", "iiissu" },
        [K_RECORD_BROWSER] = { "org.zeroconfd1.RecordBrowser", "ItemNew", "IPNctrF", "iisqqayu" },
};

struct zc_entry_group {
        zc_client *client;
        char *path;
        zc_entry_group_state state;
        bool dead;  /* the daemon left the bus: the object is gone there */
        bool committed;
        DBusMessage **entries;  /* the Add... and UpdateServiceTxt calls since the last Reset, to
                                 * make the group again on a new daemon */
        size_t n_entries;
        zc_entry_group_callback cb;
        void *userdata;
        zc_entry_group *prev, *next;
};

struct zc_browser {
        zc_client *client;
        enum kind kind;
        char *path;
        bool dead;
        DBusMessage *factory;   /* the ...New call, to make the object again on a new daemon */
        zc_browser_callback cb;
        void *userdata;
        zc_browser *prev, *next;
};

struct timeout_entry {
        DBusTimeout *t;
        unsigned long long deadline_usec;
};

struct zc_client {
        DBusConnection *conn;
        char *daemon_owner;  /* unique name of org.zeroconfd1, NULL while it is not on the bus */
        zc_client_state state;
        zc_client_callback cb;
        void *userdata;
        zc_link_callback link_cb;
        void *link_userdata;
        int call_timeout;
        bool quit;
        DBusWatch *watches[ZC_WATCHES_MAX];
        size_t n_watches;
        struct timeout_entry timeouts[ZC_TIMEOUTS_MAX];
        size_t n_timeouts;
        zc_entry_group *groups;
        zc_browser *browsers;
        char error[512];
        char error_name[256];
        bool has_error_name;
};

/* ---- small helpers ---- */

static unsigned long long now_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000ULL;
}

static int set_error(zc_client *c, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int set_error(zc_client *c, int r, const char *fmt, ...) {
        va_list ap;
        if (!c)
                return r;
        va_start(ap, fmt);
        vsnprintf(c->error, sizeof c->error, fmt, ap);
        va_end(ap);
        c->has_error_name = false;
        return r;
}

static int set_dbus_error(zc_client *c, const DBusError *e, const char *what) {
        int r = zc__errno_from_dbus_error(e->name);
        snprintf(c->error, sizeof c->error, "%s: %s", what, e->message ? e->message : e->name);
        snprintf(c->error_name, sizeof c->error_name, "%s", e->name ? e->name : "");
        c->has_error_name = e->name != NULL;
        return r;
}

static void clear_error(zc_client *c) {
        c->error[0] = 0;
        c->has_error_name = false;
}

static char *xstrdup0(const char *s) {
        return strdup(s ? s : "");
}

int zc__errno_from_dbus_error(const char *name) {
        static const struct {
                const char *name;
                int err;
        } map[] = {
                { "org.zeroconfd1.Error.Failed", EIO },
                { "org.zeroconfd1.Error.NoMemory", ENOMEM },
                { "org.zeroconfd1.Error.InvalidArgs", EINVAL },
                { "org.zeroconfd1.Error.AccessDenied", EACCES },
                { "org.zeroconfd1.Error.NotSupported", EOPNOTSUPP },
                { "org.zeroconfd1.Error.UnknownMethod", EOPNOTSUPP },
                { "org.zeroconfd1.Error.UnknownProperty", EOPNOTSUPP },
                { "org.zeroconfd1.Error.TooManyClients", EUSERS },
                { "org.zeroconfd1.Error.TooManyObjects", ENOBUFS },
                { "org.zeroconfd1.Error.TooManyEntries", ENOBUFS },
                { "org.zeroconfd1.Error.NotFound", ENOENT },
                { "org.zeroconfd1.Error.BadState", EBADFD },
                { "org.zeroconfd1.Error.Collision", EEXIST },
                { "org.zeroconfd1.Error.Timeout", ETIMEDOUT },
                { "org.freedesktop.DBus.Error.NoMemory", ENOMEM },
                { "org.freedesktop.DBus.Error.NoReply", ETIMEDOUT },
                { "org.freedesktop.DBus.Error.Timeout", ETIMEDOUT },
                { "org.freedesktop.DBus.Error.TimedOut", ETIMEDOUT },
                { "org.freedesktop.DBus.Error.ServiceUnknown", ECONNREFUSED },
                { "org.freedesktop.DBus.Error.NameHasNoOwner", ECONNREFUSED },
                { "org.freedesktop.DBus.Error.NoServer", ECONNREFUSED },
                { "org.freedesktop.DBus.Error.FileNotFound", ECONNREFUSED },
                { "org.freedesktop.DBus.Error.Disconnected", ENOTCONN },
                { "org.freedesktop.DBus.Error.AccessDenied", EACCES },
                { "org.freedesktop.DBus.Error.InvalidArgs", EINVAL },
                { "org.freedesktop.DBus.Error.UnknownMethod", EOPNOTSUPP },
                { "org.freedesktop.DBus.Error.UnknownObject", ENOENT },
                { "org.freedesktop.DBus.Error.LimitsExceeded", ENOBUFS },
        };
        if (!name)
                return -EIO;
        if (strncmp(name, "org.zeroconfd1.Error.Invalid", 28) == 0)
                return -EINVAL;
        for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
                if (strcmp(map[i].name, name) == 0)
                        return -map[i].err;
        return -EIO;
}

int zc__check_string(const char *s, bool allow_null) {
        if (!s)
                return allow_null ? 0 : -EINVAL;
        if (strnlen(s, ZC_STRING_MAX + 1) > ZC_STRING_MAX)
                return -EINVAL;
        if (!dbus_validate_utf8(s, NULL))
                return -EINVAL;
        return 0;
}

int zc__check_txt(const char *const *txt) {
        size_t n = 0;
        if (!txt)
                return 0;
        for (; txt[n]; n++) {
                if (n >= ZC_TXT_ITEMS_MAX)
                        return -EINVAL;
                size_t len = strnlen(txt[n], ZC_TXT_ITEM_MAX + 1);
                if (len == 0 || len > ZC_TXT_ITEM_MAX)
                        return -EINVAL;
        }
        return 0;
}

int zc__check_interface_protocol(int interface, int protocol) {
        if (interface < -1 || interface == 0)
                return -EINVAL;
        if (protocol < -1 || protocol > 1)
                return -EINVAL;
        return 0;
}

static const char *const group_states[] = {
        [ZC_ENTRY_GROUP_UNCOMMITTED] = "uncommitted", [ZC_ENTRY_GROUP_REGISTERING] = "registering",
        [ZC_ENTRY_GROUP_ESTABLISHED] = "established", [ZC_ENTRY_GROUP_COLLISION] = "collision",
        [ZC_ENTRY_GROUP_FAILURE] = "failure",
};

zc_entry_group_state zc__entry_group_state_from_string(const char *s) {
        for (size_t i = 0; s && i < sizeof group_states / sizeof group_states[0]; i++)
                if (strcmp(group_states[i], s) == 0)
                        return (zc_entry_group_state)i;
        return ZC_ENTRY_GROUP_FAILURE;
}

const char *zc_entry_group_state_to_string(zc_entry_group_state s) {
        if ((unsigned)s >= sizeof group_states / sizeof group_states[0])
                return "unknown";
        return group_states[s];
}

/* ---- watches and timeouts ---- */

static dbus_bool_t watch_add(DBusWatch *w, void *data) {
        zc_client *c = data;
        if (c->n_watches >= ZC_WATCHES_MAX)
                return FALSE;
        c->watches[c->n_watches++] = w;
        return TRUE;
}

static void watch_remove(DBusWatch *w, void *data) {
        zc_client *c = data;
        for (size_t i = 0; i < c->n_watches; i++)
                if (c->watches[i] == w) {
                        c->watches[i] = c->watches[--c->n_watches];
                        return;
                }
}

static void watch_toggled(DBusWatch *w, void *data) {
}

static void timeout_arm(struct timeout_entry *e) {
        e->deadline_usec = now_usec() + (unsigned long long)dbus_timeout_get_interval(e->t) * 1000ULL;
}

static dbus_bool_t timeout_add(DBusTimeout *t, void *data) {
        zc_client *c = data;
        if (c->n_timeouts >= ZC_TIMEOUTS_MAX)
                return FALSE;
        c->timeouts[c->n_timeouts].t = t;
        timeout_arm(&c->timeouts[c->n_timeouts]);
        c->n_timeouts++;
        return TRUE;
}

static void timeout_remove(DBusTimeout *t, void *data) {
        zc_client *c = data;
        for (size_t i = 0; i < c->n_timeouts; i++)
                if (c->timeouts[i].t == t) {
                        c->timeouts[i] = c->timeouts[--c->n_timeouts];
                        return;
                }
}

static void timeout_toggled(DBusTimeout *t, void *data) {
        zc_client *c = data;
        for (size_t i = 0; i < c->n_timeouts; i++)
                if (c->timeouts[i].t == t)
                        timeout_arm(&c->timeouts[i]);
}

int zc_client_get_fd(const zc_client *c) {
        int fd = -1;
        if (!c || !dbus_connection_get_unix_fd(c->conn, &fd))
                return -EINVAL;
        return fd;
}

short zc_client_get_events(const zc_client *c) {
        short ev = POLLIN;
        if (!c)
                return 0;
        for (size_t i = 0; i < c->n_watches; i++)
                if (dbus_watch_get_enabled(c->watches[i]) && (dbus_watch_get_flags(c->watches[i]) & DBUS_WATCH_WRITABLE))
                        ev |= POLLOUT;
        return ev;
}

int zc_client_get_timeout(const zc_client *c) {
        long long best = -1;
        if (!c)
                return -1;
        if (dbus_connection_get_dispatch_status(c->conn) == DBUS_DISPATCH_DATA_REMAINS)
                return 0;
        unsigned long long now = now_usec();
        for (size_t i = 0; i < c->n_timeouts; i++) {
                if (!dbus_timeout_get_enabled(c->timeouts[i].t))
                        continue;
                long long ms = c->timeouts[i].deadline_usec <= now ? 0
                                : (long long)((c->timeouts[i].deadline_usec - now + 999ULL) / 1000ULL);
                if (best < 0 || ms < best)
                        best = ms;
        }
        return best > 1000000000LL ? 1000000000 : (int)best;
}

static void set_state(zc_client *c, zc_client_state s) {
        if (c->state == s)
                return;
        c->state = s;
        if (c->cb)
                c->cb(c, s, c->userdata);
}

int zc_client_dispatch(zc_client *c) {
        if (!c)
                return -EINVAL;
        int fd = zc_client_get_fd(c);
        if (fd >= 0) {
                struct pollfd p = { .fd = fd, .events = zc_client_get_events(c) };
                if (poll(&p, 1, 0) > 0) {
                        DBusWatch *ws[ZC_WATCHES_MAX];
                        size_t n = c->n_watches;
                        memcpy(ws, c->watches, n * sizeof ws[0]);
                        for (size_t i = 0; i < n; i++) {
                                bool still = false;
                                for (size_t j = 0; j < c->n_watches; j++)
                                        still |= c->watches[j] == ws[i];
                                if (!still || !dbus_watch_get_enabled(ws[i]))
                                        continue;
                                unsigned wf = dbus_watch_get_flags(ws[i]), f = 0;
                                if ((p.revents & POLLIN) && (wf & DBUS_WATCH_READABLE))
                                        f |= DBUS_WATCH_READABLE;
                                if ((p.revents & POLLOUT) && (wf & DBUS_WATCH_WRITABLE))
                                        f |= DBUS_WATCH_WRITABLE;
                                if (p.revents & POLLHUP)
                                        f |= DBUS_WATCH_HANGUP;
                                if (p.revents & (POLLERR | POLLNVAL))
                                        f |= DBUS_WATCH_ERROR;
                                if (f)
                                        dbus_watch_handle(ws[i], f);
                        }
                }
        }
        /* Expired timeouts: handle each once (a handler may add or remove timeouts). */
        unsigned long long now = now_usec();
        DBusTimeout *due[ZC_TIMEOUTS_MAX];
        size_t n_due = 0;
        for (size_t i = 0; i < c->n_timeouts; i++)
                if (dbus_timeout_get_enabled(c->timeouts[i].t) && c->timeouts[i].deadline_usec <= now)
                        due[n_due++] = c->timeouts[i].t;
        for (size_t k = 0; k < n_due; k++)
                for (size_t i = 0; i < c->n_timeouts; i++)
                        if (c->timeouts[i].t == due[k]) {
                                timeout_arm(&c->timeouts[i]);
                                dbus_timeout_handle(due[k]);
                                break;
                        }
        while (dbus_connection_dispatch(c->conn) == DBUS_DISPATCH_DATA_REMAINS)
                ;
        if (!dbus_connection_get_is_connected(c->conn)) {
                set_state(c, ZC_CLIENT_DISCONNECTED);
                return set_error(c, -ENOTCONN, "the bus connection was lost");
        }
        return 0;
}

int zc_client_run(zc_client *c, int timeout_ms) {
        if (!c)
                return -EINVAL;
        unsigned long long end = timeout_ms < 0 ? 0 : now_usec() + (unsigned long long)timeout_ms * 1000ULL;
        c->quit = false;
        while (!c->quit) {
                int t = zc_client_get_timeout(c);
                if (timeout_ms >= 0) {
                        unsigned long long now = now_usec();
                        if (now >= end)
                                return 0;
                        int left = (int)((end - now + 999ULL) / 1000ULL);
                        if (t < 0 || t > left)
                                t = left;
                }
                struct pollfd p = { .fd = zc_client_get_fd(c), .events = zc_client_get_events(c) };
                if (poll(&p, 1, t) < 0 && errno != EINTR)
                        return set_error(c, -errno, "poll: %s", strerror(errno));
                int r = zc_client_dispatch(c);
                if (r < 0)
                        return r;
        }
        return 0;
}

void zc_client_quit(zc_client *c) {
        if (c)
                c->quit = true;
}

/* ---- signal routing ---- */

/* Reads the TXT array (aay) at it into a malloc()ed array of views into the message. */
static int read_txt(DBusMessageIter *it, zc_txt_item **ret, size_t *n_ret) {
        DBusMessageIter arr, sub;
        size_t n = 0, cap = 0;
        zc_txt_item *v = NULL;
        dbus_message_iter_recurse(it, &arr);
        while (dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_ARRAY) {
                const uint8_t *data = NULL;
                int len = 0;
                dbus_message_iter_recurse(&arr, &sub);
                if (dbus_message_iter_get_arg_type(&sub) == DBUS_TYPE_BYTE)
                        dbus_message_iter_get_fixed_array(&sub, &data, &len);
                if (n == cap) {
                        size_t ncap = cap ? cap * 2 : 8;
                        zc_txt_item *nv = realloc(v, ncap * sizeof *nv);
                        if (!nv) {
                                free(v);
                                return -ENOMEM;
                        }
                        v = nv;
                        cap = ncap;
                }
                v[n].data = data;
                v[n].len = (size_t)len;
                n++;
                dbus_message_iter_next(&arr);
        }
        *ret = v;
        *n_ret = n;
        return 0;
}

/* Fills item from the arguments of m as fields says (see kinds[]); item->txt must be freed. */
static int parse_item(DBusMessage *m, const char *fields, const char *sig, zc_item *item) {
        DBusMessageIter it;
        memset(item, 0, sizeof *item);
        if (!dbus_message_has_signature(m, sig) || !dbus_message_iter_init(m, &it))
                return -EBADMSG;
        for (const char *f = fields; *f; f++, dbus_message_iter_next(&it)) {
                dbus_int32_t i32 = 0;
                dbus_uint32_t u32 = 0;
                dbus_uint16_t u16 = 0;
                const char *s = NULL;
                switch (*f) {
                case 'I': case 'P': case 'A':
                        dbus_message_iter_get_basic(&it, &i32);
                        if (*f == 'I')
                                item->interface = i32;
                        else if (*f == 'P')
                                item->protocol = i32;
                        else
                                item->aprotocol = i32;
                        break;
                case 'N': case 'T': case 'D': case 'H': case 'a':
                        dbus_message_iter_get_basic(&it, &s);
                        if (*f == 'N')
                                item->name = s;
                        else if (*f == 'T')
                                item->type = s;
                        else if (*f == 'D')
                                item->domain = s;
                        else if (*f == 'H')
                                item->host = s;
                        else
                                item->address = s;
                        break;
                case 'p': case 'c': case 't':
                        dbus_message_iter_get_basic(&it, &u16);
                        if (*f == 'p')
                                item->port = u16;
                        else if (*f == 'c')
                                item->rr_class = u16;
                        else
                                item->rr_type = u16;
                        break;
                case 'F':
                        dbus_message_iter_get_basic(&it, &u32);
                        item->flags = u32;
                        break;
                case 'x': {
                        zc_txt_item *txt = NULL;
                        size_t n = 0;
                        int r = read_txt(&it, &txt, &n);
                        if (r < 0)
                                return r;
                        item->txt = txt;
                        item->n_txt = n;
                        break;
                }
                case 'r': {
                        DBusMessageIter sub;
                        const uint8_t *data = NULL;
                        int len = 0;
                        dbus_message_iter_recurse(&it, &sub);
                        if (dbus_message_iter_get_arg_type(&sub) == DBUS_TYPE_BYTE)
                                dbus_message_iter_get_fixed_array(&sub, &data, &len);
                        item->rdata = data;
                        item->rdata_len = (size_t)len;
                        break;
                }
                }
        }
        return 0;
}

static void browser_signal(zc_browser *b, DBusMessage *m) {
        const struct kind_info *k = &kinds[b->kind];
        const char *member = dbus_message_get_member(m);
        zc_item item;
        zc_browser_event ev;

        if (!dbus_message_has_interface(m, k->interface) || !member)
                return;
        memset(&item, 0, sizeof item);
        if (strcmp(member, k->new_signal) == 0 || strcmp(member, "ItemRemove") == 0) {
                ev = strcmp(member, "ItemRemove") == 0 ? ZC_BROWSER_REMOVE : ZC_BROWSER_NEW;
                if (parse_item(m, k->fields, k->sig, &item) < 0) {
                        free((void *)item.txt);
                        return;
                }
        } else if (strcmp(member, "CacheExhausted") == 0)
                ev = ZC_BROWSER_CACHE_EXHAUSTED;
        else if (strcmp(member, "AllForNow") == 0)
                ev = ZC_BROWSER_ALL_FOR_NOW;
        else if (strcmp(member, "Failure") == 0) {
                const char *e = NULL;
                if (!dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &e, DBUS_TYPE_INVALID))
                        return;
                ev = ZC_BROWSER_FAILURE;
                item.error = e;
        } else
                return;
        zc_txt_item *txt = (zc_txt_item *)item.txt;
        if (b->cb)
                b->cb(b, ev, &item, b->userdata);  /* may free b */
        free(txt);
}

static void group_signal(zc_entry_group *g, DBusMessage *m) {
        const char *state = NULL, *alt = NULL;
        if (!dbus_message_is_signal(m, ZC_IFACE_GROUP, "StateChanged") ||
            !dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &state, DBUS_TYPE_STRING, &alt, DBUS_TYPE_INVALID))
                return;
        g->state = zc__entry_group_state_from_string(state);
        if (g->cb)
                g->cb(g, g->state, alt, g->userdata);  /* may free g */
}

static void link_signal(zc_client *c, DBusMessage *m, const char *path) {
        char *end = NULL;
        long idx = strtol(path + strlen(ZC_LINK_PREFIX), &end, 10);
        if (!c->link_cb || !end || *end || idx <= 0 || idx > 0x7fffffff)
                return;
        if (dbus_message_is_signal(m, ZC_IFACE_LINK, "DadFailed")) {
                const char *a = NULL;
                if (dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &a, DBUS_TYPE_INVALID))
                        c->link_cb(c, (int)idx, ZC_LINK_DAD_FAILED, a, c->link_userdata);
        } else if (dbus_message_is_signal(m, DBUS_INTERFACE_PROPERTIES, "PropertiesChanged")) {
                DBusMessageIter it, arr, entry;
                if (!dbus_message_has_signature(m, "sa{sv}as") || !dbus_message_iter_init(m, &it))
                        return;
                dbus_message_iter_next(&it);
                dbus_message_iter_recurse(&it, &arr);
                while (dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_DICT_ENTRY) {
                        const char *name = NULL;
                        dbus_message_iter_recurse(&arr, &entry);
                        dbus_message_iter_get_basic(&entry, &name);
                        c->link_cb(c, (int)idx, ZC_LINK_CHANGED, name, c->link_userdata);
                        dbus_message_iter_next(&arr);
                }
        }
}

static void objects_gone(zc_client *c) {
        /* The daemon's objects went with it: ours point at nothing now. */
        for (zc_entry_group *g = c->groups; g; g = g->next) {
                g->state = ZC_ENTRY_GROUP_FAILURE;
                g->dead = true;
        }
        for (zc_browser *b = c->browsers; b; b = b->next)
                b->dead = true;
}

static int call(zc_client *c, DBusMessage *m, int timeout_ms, DBusMessage **reply, const char *what);
static DBusMessage *method(const char *path, const char *iface, const char *name);
static int call_simple(zc_client *c, const char *path, const char *iface, const char *name);
static int reply_string(zc_client *c, DBusMessage *reply, int type, char **ret, const char *what);
static void group_forget_entries(zc_entry_group *g);

/* Makes the browsers and entry groups again on a new daemon (Avahi's "no fail" clients): the same
 * factory calls, the same entries, committed if they were. A browser reports its items again. An
 * object that cannot be made again stays dead (a group in ZC_ENTRY_GROUP_FAILURE). */
static void recreate(zc_client *c) {
        for (zc_browser *b = c->browsers; b; b = b->next) {
                DBusMessage *m = dbus_message_copy(b->factory), *reply = NULL;
                char *path = NULL;
                if (call(c, m, c->call_timeout, &reply, "re-creating a browser") < 0 ||
                    reply_string(c, reply, DBUS_TYPE_OBJECT_PATH, &path, "re-creating a browser") < 0)
                        continue;
                free(b->path);
                b->path = path;
                b->dead = false;
                if (call_simple(c, path, kinds[b->kind].interface, "Start") < 0)
                        b->dead = true;
        }
        for (zc_entry_group *g = c->groups; g; g = g->next) {
                DBusMessage *reply = NULL;
                char *path = NULL;
                g->state = ZC_ENTRY_GROUP_FAILURE;
                if (call(c, method(ZC_ROOT, ZC_IFACE_MANAGER, "EntryGroupNew"),
                         c->call_timeout, &reply, "re-creating an entry group") < 0 ||
                    reply_string(c, reply, DBUS_TYPE_OBJECT_PATH, &path, "re-creating an entry group") < 0)
                        continue;
                free(g->path);
                g->path = path;
                g->dead = false;
                g->state = ZC_ENTRY_GROUP_UNCOMMITTED;
                int r = 0;
                for (size_t i = 0; r == 0 && i < g->n_entries; i++) {
                        DBusMessage *m = dbus_message_copy(g->entries[i]);
                        if (m && !dbus_message_set_path(m, path)) {
                                dbus_message_unref(m);
                                m = NULL;
                        }
                        r = call(c, m, c->call_timeout, NULL, "re-adding an entry");
                }
                if (r == 0 && g->committed)
                        r = call_simple(c, path, ZC_IFACE_GROUP, "Commit");
                if (r < 0)
                        g->state = ZC_ENTRY_GROUP_FAILURE;
        }
}

static DBusHandlerResult filter(DBusConnection *conn, DBusMessage *m, void *data) {
        zc_client *c = data;
        const char *path = dbus_message_get_path(m), *sender = dbus_message_get_sender(m);

        if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_SIGNAL || !path)
                return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
        if (dbus_message_is_signal(m, DBUS_INTERFACE_LOCAL, "Disconnected")) {
                set_state(c, ZC_CLIENT_DISCONNECTED);
                return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
        }
        if (dbus_message_is_signal(m, DBUS_INTERFACE_DBUS, "NameOwnerChanged") && sender &&
            strcmp(sender, DBUS_SERVICE_DBUS) == 0) {
                const char *name = NULL, *old = NULL, *new_owner = NULL;
                if (!dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING, &old,
                                           DBUS_TYPE_STRING, &new_owner, DBUS_TYPE_INVALID) ||
                    strcmp(name, ZC_BUS_NAME) != 0)
                        return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
                /* Already known (the signal raced with our GetNameOwner at start): nothing new. */
                if ((!new_owner[0] && !c->daemon_owner) ||
                    (new_owner[0] && c->daemon_owner && strcmp(new_owner, c->daemon_owner) == 0))
                        return DBUS_HANDLER_RESULT_HANDLED;
                free(c->daemon_owner);
                c->daemon_owner = new_owner[0] ? strdup(new_owner) : NULL;
                objects_gone(c);  /* our objects died with the old daemon */
                if (!c->daemon_owner)
                        set_state(c, ZC_CLIENT_DAEMON_GONE);
                else {
                        /* A new (or restarted) daemon: make our objects again, then tell. */
                        c->state = ZC_CLIENT_RUNNING;
                        recreate(c);
                        if (c->cb)
                                c->cb(c, ZC_CLIENT_RUNNING, c->userdata);
                }
                return DBUS_HANDLER_RESULT_HANDLED;
        }
        if (!sender || !c->daemon_owner || strcmp(sender, c->daemon_owner) != 0)
                return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
        for (zc_browser *b = c->browsers; b; b = b->next)
                if (!b->dead && strcmp(b->path, path) == 0) {
                        browser_signal(b, m);
                        return DBUS_HANDLER_RESULT_HANDLED;
                }
        for (zc_entry_group *g = c->groups; g; g = g->next)
                if (!g->dead && strcmp(g->path, path) == 0) {
                        group_signal(g, m);
                        return DBUS_HANDLER_RESULT_HANDLED;
                }
        if (strncmp(path, ZC_LINK_PREFIX, strlen(ZC_LINK_PREFIX)) == 0) {
                link_signal(c, m, path);
                return DBUS_HANDLER_RESULT_HANDLED;
        }
        return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

/* ---- calls ---- */

/* Sends m (consumed) to the daemon and waits for the reply: 0 and *reply (unref it), or a
 * negative errno with the error kept in c. */
static int call(zc_client *c, DBusMessage *m, int timeout_ms, DBusMessage **reply, const char *what) {
        DBusError e;
        if (!m)
                return set_error(c, -ENOMEM, "%s: out of memory", what);
        dbus_error_init(&e);
        DBusMessage *r = dbus_connection_send_with_reply_and_block(c->conn, m, timeout_ms, &e);
        dbus_message_unref(m);
        if (!r) {
                int ret = set_dbus_error(c, &e, what);
                dbus_error_free(&e);
                return ret;
        }
        if (reply)
                *reply = r;
        else
                dbus_message_unref(r);
        clear_error(c);
        return 0;
}

static DBusMessage *method(const char *path, const char *iface, const char *name) {
        return dbus_message_new_method_call(ZC_BUS_NAME, path, iface, name);
}

/* Calls a method without arguments that returns nothing (Start, Free, Commit, Reset). */
static int call_simple(zc_client *c, const char *path, const char *iface, const char *name) {
        return call(c, method(path, iface, name), c->call_timeout, NULL, name);
}

static int reply_string(zc_client *c, DBusMessage *reply, int type, char **ret, const char *what) {
        const char *s = NULL;
        DBusError e;
        dbus_error_init(&e);
        if (!dbus_message_get_args(reply, &e, type, &s, DBUS_TYPE_INVALID)) {
                dbus_error_free(&e);
                dbus_message_unref(reply);
                return set_error(c, -EBADMSG, "%s: unexpected reply", what);
        }
        char *d = strdup(s);
        dbus_message_unref(reply);
        if (!d)
                return set_error(c, -ENOMEM, "%s: out of memory", what);
        *ret = d;
        return 0;
}

/* ---- the client ---- */

int zc_client_new(zc_client **ret, const char *address) {
        DBusError e;
        zc_client *c;

        if (!ret)
                return -EINVAL;
        *ret = NULL;
        if (zc__check_string(address, true) < 0)
                return -EINVAL;
        c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        c->call_timeout = ZC_CALL_TIMEOUT_DEFAULT;
        dbus_error_init(&e);
        if (!address) {
                address = getenv("DBUS_SYSTEM_BUS_ADDRESS");
                if (!address || !*address)
                        address = "unix:path=/run/dbus/system_bus_socket";
        }
        c->conn = dbus_connection_open_private(address, &e);
        if (!c->conn || !dbus_bus_register(c->conn, &e)) {
                int r = zc__errno_from_dbus_error(e.name);
                dbus_error_free(&e);
                if (c->conn) {
                        dbus_connection_close(c->conn);
                        dbus_connection_unref(c->conn);
                }
                free(c);
                return r == -EIO ? -ECONNREFUSED : r;
        }
        dbus_connection_set_exit_on_disconnect(c->conn, FALSE);
        if (!dbus_connection_set_watch_functions(c->conn, watch_add, watch_remove, watch_toggled, c, NULL) ||
            !dbus_connection_set_timeout_functions(c->conn, timeout_add, timeout_remove, timeout_toggled, c, NULL) ||
            !dbus_connection_add_filter(c->conn, filter, c, NULL))
                goto oom;
        dbus_bus_add_match(c->conn,
                           "type='signal',sender='" DBUS_SERVICE_DBUS "',interface='" DBUS_INTERFACE_DBUS
                           "',member='NameOwnerChanged',arg0='" ZC_BUS_NAME "'",
                           &e);
        if (dbus_error_is_set(&e)) {
                dbus_error_free(&e);
                goto oom;
        }
        /* Who owns the name now (NameHasNoOwner: the daemon is not running). */
        DBusMessage *reply = NULL;
        DBusMessage *m = dbus_message_new_method_call(DBUS_SERVICE_DBUS, DBUS_PATH_DBUS, DBUS_INTERFACE_DBUS,
                                                      "GetNameOwner");
        const char *name = ZC_BUS_NAME;
        if (!m || !dbus_message_append_args(m, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID)) {
                if (m)
                        dbus_message_unref(m);
                goto oom;
        }
        if (call(c, m, c->call_timeout, &reply, "GetNameOwner") == 0) {
                const char *owner = NULL;
                if (dbus_message_get_args(reply, NULL, DBUS_TYPE_STRING, &owner, DBUS_TYPE_INVALID))
                        c->daemon_owner = strdup(owner);
                dbus_message_unref(reply);
        }
        c->state = c->daemon_owner ? ZC_CLIENT_RUNNING : ZC_CLIENT_DAEMON_GONE;
        clear_error(c);
        *ret = c;
        return 0;
oom:
        zc_client_free(c);
        return -ENOMEM;
}

void zc_client_free(zc_client *c) {
        if (!c)
                return;
        /* Closing the connection frees our objects on the daemon (it watches its clients). */
        while (c->browsers) {
                zc_browser *b = c->browsers;
                c->browsers = b->next;
                if (b->factory)
                        dbus_message_unref(b->factory);
                free(b->path);
                free(b);
        }
        while (c->groups) {
                zc_entry_group *g = c->groups;
                c->groups = g->next;
                group_forget_entries(g);
                free(g->path);
                free(g);
        }
        if (c->conn) {
                dbus_connection_remove_filter(c->conn, filter, c);
                dbus_connection_close(c->conn);
                dbus_connection_set_watch_functions(c->conn, NULL, NULL, NULL, NULL, NULL);
                dbus_connection_set_timeout_functions(c->conn, NULL, NULL, NULL, NULL, NULL);
                dbus_connection_unref(c->conn);
        }
        free(c->daemon_owner);
        free(c);
}

zc_client_state zc_client_get_state(const zc_client *c) {
        return c ? c->state : ZC_CLIENT_DISCONNECTED;
}

void zc_client_set_callback(zc_client *c, zc_client_callback cb, void *userdata) {
        if (!c)
                return;
        c->cb = cb;
        c->userdata = userdata;
}

int zc_client_set_call_timeout(zc_client *c, int timeout_ms) {
        if (!c || timeout_ms <= 0)
                return set_error(c, -EINVAL, "the call timeout must be > 0 ms");
        c->call_timeout = timeout_ms;
        return 0;
}

const char *zc_client_get_error(const zc_client *c) {
        return c ? c->error : "";
}

const char *zc_client_get_error_name(const zc_client *c) {
        return c && c->has_error_name ? c->error_name : NULL;
}

/* ---- the Manager ---- */

static int get_property(zc_client *c, const char *path, const char *iface, const char *prop,
                        DBusMessage **reply, DBusMessageIter *variant) {
        DBusMessage *m = method(path, DBUS_INTERFACE_PROPERTIES, "Get");
        DBusMessageIter it;
        if (m && !dbus_message_append_args(m, DBUS_TYPE_STRING, &iface, DBUS_TYPE_STRING, &prop, DBUS_TYPE_INVALID)) {
                dbus_message_unref(m);
                m = NULL;
        }
        int r = call(c, m, c->call_timeout, reply, prop);
        if (r < 0)
                return r;
        if (!dbus_message_has_signature(*reply, "v") || !dbus_message_iter_init(*reply, &it)) {
                dbus_message_unref(*reply);
                return set_error(c, -EBADMSG, "%s: unexpected reply", prop);
        }
        dbus_message_iter_recurse(&it, variant);
        return 0;
}

static int get_string_property(zc_client *c, const char *prop, char **ret) {
        DBusMessage *reply = NULL;
        DBusMessageIter v;
        const char *s = NULL;
        if (!c)
                return -EINVAL;
        if (!ret)
                return set_error(c, -EINVAL, "%s: no place for the result", prop);
        int r = get_property(c, ZC_ROOT, ZC_IFACE_MANAGER, prop, &reply, &v);
        if (r < 0)
                return r;
        if (dbus_message_iter_get_arg_type(&v) != DBUS_TYPE_STRING) {
                dbus_message_unref(reply);
                return set_error(c, -EBADMSG, "%s: not a string", prop);
        }
        dbus_message_iter_get_basic(&v, &s);
        *ret = strdup(s);
        dbus_message_unref(reply);
        return *ret ? 0 : set_error(c, -ENOMEM, "out of memory");
}

int zc_client_get_version(zc_client *c, char **ret) {
        return get_string_property(c, "Version", ret);
}

int zc_client_get_host_name(zc_client *c, char **ret) {
        return get_string_property(c, "HostName", ret);
}

int zc_client_get_daemon_state(zc_client *c, char **ret) {
        return get_string_property(c, "State", ret);
}

int zc_client_set_host_name(zc_client *c, const char *name) {
        if (!c)
                return -EINVAL;
        if (zc__check_string(name, false) < 0)
                return set_error(c, -EINVAL, "name: not a valid UTF-8 string");
        DBusMessage *m = method(ZC_ROOT, ZC_IFACE_MANAGER, "SetHostName");
        if (m && !dbus_message_append_args(m, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID)) {
                dbus_message_unref(m);
                m = NULL;
        }
        return call(c, m, c->call_timeout, NULL, "SetHostName");
}

static int alternative(zc_client *c, const char *member, const char *name, char **ret) {
        DBusMessage *reply = NULL;
        if (!c)
                return -EINVAL;
        if (zc__check_string(name, false) < 0 || !ret)
                return set_error(c, -EINVAL, "name: not a valid UTF-8 string");
        DBusMessage *m = method(ZC_ROOT, ZC_IFACE_MANAGER, member);
        if (m && !dbus_message_append_args(m, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID)) {
                dbus_message_unref(m);
                m = NULL;
        }
        int r = call(c, m, c->call_timeout, &reply, member);
        if (r < 0)
                return r;
        return reply_string(c, reply, DBUS_TYPE_STRING, ret, member);
}

int zc_client_get_alternative_host_name(zc_client *c, const char *name, char **ret) {
        return alternative(c, "GetAlternativeHostName", name, ret);
}

int zc_client_get_alternative_service_name(zc_client *c, const char *name, char **ret) {
        return alternative(c, "GetAlternativeServiceName", name, ret);
}

/* ---- links ---- */

static void link_clear(zc_link *l) {
        free(l->name);
        free(l->state);
        for (size_t i = 0; i < l->n_addresses; i++)
                free(l->addresses[i].address);
        free(l->addresses);
        free(l->ipv4ll_state);
        free(l->ipv4ll_address);
        free(l->ipv6ll_state);
}

void zc_links_free(zc_link *links, size_t n) {
        for (size_t i = 0; links && i < n; i++)
                link_clear(&links[i]);
        free(links);
}

static int link_read(zc_client *c, const char *path, zc_link *l) {
        DBusMessage *m = method(path, DBUS_INTERFACE_PROPERTIES, "GetAll"), *reply = NULL;
        DBusMessageIter it, arr, entry, v;
        const char *iface = ZC_IFACE_LINK;
        if (m && !dbus_message_append_args(m, DBUS_TYPE_STRING, &iface, DBUS_TYPE_INVALID)) {
                dbus_message_unref(m);
                m = NULL;
        }
        int r = call(c, m, c->call_timeout, &reply, "GetAll");
        if (r < 0)
                return r;
        if (!dbus_message_has_signature(reply, "a{sv}") || !dbus_message_iter_init(reply, &it)) {
                dbus_message_unref(reply);
                return set_error(c, -EBADMSG, "%s: unexpected reply", path);
        }
        dbus_message_iter_recurse(&it, &arr);
        r = 0;
        while (r == 0 && dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_DICT_ENTRY) {
                const char *name = NULL, *s = NULL;
                dbus_message_iter_recurse(&arr, &entry);
                dbus_message_iter_get_basic(&entry, &name);
                dbus_message_iter_next(&entry);
                dbus_message_iter_recurse(&entry, &v);
                int t = dbus_message_iter_get_arg_type(&v);
                char **sp = NULL;
                if (strcmp(name, "Name") == 0)
                        sp = &l->name;
                else if (strcmp(name, "State") == 0)
                        sp = &l->state;
                else if (strcmp(name, "IPv4LLState") == 0)
                        sp = &l->ipv4ll_state;
                else if (strcmp(name, "IPv4LLAddress") == 0)
                        sp = &l->ipv4ll_address;
                else if (strcmp(name, "IPv6LLState") == 0)
                        sp = &l->ipv6ll_state;
                if (sp && t == DBUS_TYPE_STRING) {
                        dbus_message_iter_get_basic(&v, &s);
                        free(*sp);
                        if (!(*sp = strdup(s)))
                                r = -ENOMEM;
                } else if (strcmp(name, "Index") == 0 && t == DBUS_TYPE_INT32) {
                        dbus_int32_t i = 0;
                        dbus_message_iter_get_basic(&v, &i);
                        l->index = i;
                } else if ((strcmp(name, "MulticastDNSIPv4") == 0 || strcmp(name, "MulticastDNSIPv6") == 0) &&
                           t == DBUS_TYPE_BOOLEAN) {
                        dbus_bool_t b = 0;
                        dbus_message_iter_get_basic(&v, &b);
                        if (strcmp(name, "MulticastDNSIPv4") == 0)
                                l->mdns_ipv4 = b;
                        else
                                l->mdns_ipv6 = b;
                } else if (strcmp(name, "IPv6LLDadFailures") == 0 && t == DBUS_TYPE_UINT32) {
                        dbus_uint32_t u = 0;
                        dbus_message_iter_get_basic(&v, &u);
                        l->ipv6ll_dad_failures = u;
                } else if (strcmp(name, "Addresses") == 0 && t == DBUS_TYPE_ARRAY) {
                        DBusMessageIter a, st;
                        dbus_message_iter_recurse(&v, &a);
                        while (r == 0 && dbus_message_iter_get_arg_type(&a) == DBUS_TYPE_STRUCT) {
                                const char *addr = NULL;
                                unsigned char plen = 0;
                                dbus_message_iter_recurse(&a, &st);
                                if (dbus_message_iter_get_arg_type(&st) == DBUS_TYPE_STRING) {
                                        dbus_message_iter_get_basic(&st, &addr);
                                        dbus_message_iter_next(&st);
                                        if (dbus_message_iter_get_arg_type(&st) == DBUS_TYPE_BYTE)
                                                dbus_message_iter_get_basic(&st, &plen);
                                        zc_link_address *na = realloc(l->addresses, (l->n_addresses + 1) * sizeof *na);
                                        if (!na) {
                                                r = -ENOMEM;
                                                break;
                                        }
                                        l->addresses = na;
                                        na[l->n_addresses].address = strdup(addr);
                                        na[l->n_addresses].prefix_len = plen;
                                        if (!na[l->n_addresses++].address)
                                                r = -ENOMEM;
                                }
                                dbus_message_iter_next(&a);
                        }
                }
                dbus_message_iter_next(&arr);
        }
        dbus_message_unref(reply);
        /* Never hand out NULL strings. */
        char **all[] = { &l->name, &l->state, &l->ipv4ll_state, &l->ipv4ll_address, &l->ipv6ll_state };
        for (size_t i = 0; r == 0 && i < sizeof all / sizeof all[0]; i++)
                if (!*all[i] && !(*all[i] = strdup("")))
                        r = -ENOMEM;
        return r < 0 ? set_error(c, r, "out of memory") : 0;
}

static int link_cmp(const void *a, const void *b) {
        const zc_link *x = a, *y = b;
        return (x->index > y->index) - (x->index < y->index);
}

int zc_client_get_links(zc_client *c, zc_link **ret, size_t *n_ret) {
        DBusMessage *reply = NULL;
        char **paths = NULL;
        int n = 0;
        if (!c)
                return -EINVAL;
        if (!ret || !n_ret)
                return set_error(c, -EINVAL, "no place for the result");
        int r = call(c, method(ZC_ROOT, ZC_IFACE_MANAGER, "GetLinks"), c->call_timeout, &reply, "GetLinks");
        if (r < 0)
                return r;
        if (!dbus_message_get_args(reply, NULL, DBUS_TYPE_ARRAY, DBUS_TYPE_OBJECT_PATH, &paths, &n, DBUS_TYPE_INVALID)) {
                dbus_message_unref(reply);
                return set_error(c, -EBADMSG, "GetLinks: unexpected reply");
        }
        dbus_message_unref(reply);
        zc_link *links = calloc(n > 0 ? (size_t)n : 1, sizeof *links);
        if (!links) {
                dbus_free_string_array(paths);
                return set_error(c, -ENOMEM, "out of memory");
        }
        size_t got = 0;
        for (int i = 0; i < n; i++) {
                r = link_read(c, paths[i], &links[got]);
                if (r == -ENOENT || r == -EOPNOTSUPP) {  /* the link went meanwhile */
                        link_clear(&links[got]);
                        memset(&links[got], 0, sizeof links[got]);
                        continue;
                }
                if (r < 0) {
                        dbus_free_string_array(paths);
                        zc_links_free(links, got + 1);
                        return r;
                }
                got++;
        }
        dbus_free_string_array(paths);
        qsort(links, got, sizeof *links, link_cmp);
        *ret = links;
        *n_ret = got;
        clear_error(c);
        return 0;
}

#define LINK_MATCH "type='signal',sender='" ZC_BUS_NAME "',path_namespace='/org/zeroconfd1/link'"

int zc_client_set_link_callback(zc_client *c, zc_link_callback cb, void *userdata) {
        DBusError e;
        if (!c)
                return -EINVAL;
        dbus_error_init(&e);
        if (cb && !c->link_cb) {
                dbus_bus_add_match(c->conn, LINK_MATCH, &e);
                if (dbus_error_is_set(&e)) {
                        int r = set_dbus_error(c, &e, "AddMatch");
                        dbus_error_free(&e);
                        return r;
                }
        } else if (!cb && c->link_cb)
                dbus_bus_remove_match(c->conn, LINK_MATCH, NULL);
        c->link_cb = cb;
        c->link_userdata = userdata;
        return 0;
}

/* ---- entry groups ---- */

int zc_entry_group_new(zc_client *c, zc_entry_group_callback cb, void *userdata, zc_entry_group **ret) {
        DBusMessage *reply = NULL;
        char *path = NULL;
        if (!c)
                return -EINVAL;
        if (!ret)
                return set_error(c, -EINVAL, "no place for the result");
        *ret = NULL;
        int r = call(c, method(ZC_ROOT, ZC_IFACE_MANAGER, "EntryGroupNew"), c->call_timeout, &reply, "EntryGroupNew");
        if (r < 0)
                return r;
        r = reply_string(c, reply, DBUS_TYPE_OBJECT_PATH, &path, "EntryGroupNew");
        if (r < 0)
                return r;
        zc_entry_group *g = calloc(1, sizeof *g);
        if (!g) {
                call_simple(c, path, ZC_IFACE_GROUP, "Free");
                free(path);
                return set_error(c, -ENOMEM, "out of memory");
        }
        g->client = c;
        g->path = path;
        g->cb = cb;
        g->userdata = userdata;
        g->next = c->groups;
        if (c->groups)
                c->groups->prev = g;
        c->groups = g;
        *ret = g;
        return 0;
}

void zc_entry_group_free(zc_entry_group *g) {
        if (!g)
                return;
        zc_client *c = g->client;
        if (c->state == ZC_CLIENT_RUNNING && !g->dead)
                call_simple(c, g->path, ZC_IFACE_GROUP, "Free");  /* an error changes nothing here */
        if (g->prev)
                g->prev->next = g->next;
        else
                c->groups = g->next;
        if (g->next)
                g->next->prev = g->prev;
        group_forget_entries(g);
        free(g->path);
        free(g);
}

zc_client *zc_entry_group_get_client(const zc_entry_group *g) {
        return g ? g->client : NULL;
}

zc_entry_group_state zc_entry_group_get_state(const zc_entry_group *g) {
        return g ? g->state : ZC_ENTRY_GROUP_FAILURE;
}

/* Appends interface, protocol, flags and the strings (each checked, NULL as "") to m. */
static int append_head(zc_client *c, DBusMessage *m, int interface, int protocol, uint32_t flags,
                       const char *const *names, const char *const *strs, size_t n) {
        dbus_int32_t i = interface, p = protocol;
        dbus_uint32_t f = flags;
        if (zc__check_interface_protocol(interface, protocol) < 0)
                return set_error(c, -EINVAL, "interface %d or protocol %d out of range", interface, protocol);
        for (size_t k = 0; k < n; k++)
                if (zc__check_string(strs[k], true) < 0)
                        return set_error(c, -EINVAL, "%s: not a valid UTF-8 string of at most %u octets",
                                         names[k], ZC_STRING_MAX);
        if (!dbus_message_append_args(m, DBUS_TYPE_INT32, &i, DBUS_TYPE_INT32, &p, DBUS_TYPE_UINT32, &f,
                                      DBUS_TYPE_INVALID))
                return set_error(c, -ENOMEM, "out of memory");
        for (size_t k = 0; k < n; k++) {
                const char *s = strs[k] ? strs[k] : "";
                if (!dbus_message_append_args(m, DBUS_TYPE_STRING, &s, DBUS_TYPE_INVALID))
                        return set_error(c, -ENOMEM, "out of memory");
        }
        return 0;
}

static int append_bytes(DBusMessageIter *it, const void *data, size_t len) {
        DBusMessageIter sub;
        const uint8_t *p = data;
        if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "y", &sub))
                return -ENOMEM;
        if (!dbus_message_iter_append_fixed_array(&sub, DBUS_TYPE_BYTE, &p, (int)len)) {
                dbus_message_iter_abandon_container(it, &sub);
                return -ENOMEM;
        }
        return dbus_message_iter_close_container(it, &sub) ? 0 : -ENOMEM;
}

static int append_txt(zc_client *c, DBusMessage *m, const char *const *txt) {
        DBusMessageIter it, arr;
        if (zc__check_txt(txt) < 0)
                return set_error(c, -EINVAL, "txt: at most %u strings of 1 to %u octets", ZC_TXT_ITEMS_MAX,
                                 ZC_TXT_ITEM_MAX);
        dbus_message_iter_init_append(m, &it);
        if (!dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "ay", &arr))
                return set_error(c, -ENOMEM, "out of memory");
        for (size_t k = 0; txt && txt[k]; k++)
                if (append_bytes(&arr, txt[k], strlen(txt[k])) < 0) {
                        dbus_message_iter_abandon_container(&it, &arr);
                        return set_error(c, -ENOMEM, "out of memory");
                }
        if (!dbus_message_iter_close_container(&it, &arr))
                return set_error(c, -ENOMEM, "out of memory");
        return 0;
}

static DBusMessage *group_method(zc_entry_group *g, const char *name) {
        return method(g->path, ZC_IFACE_GROUP, name);
}

static void group_forget_entries(zc_entry_group *g) {
        for (size_t i = 0; i < g->n_entries; i++)
                dbus_message_unref(g->entries[i]);
        free(g->entries);
        g->entries = NULL;
        g->n_entries = 0;
        g->committed = false;
}

/* Sends an entry call; once the daemon took it, keeps a copy to make the group again after a
 * daemon restart. */
static int group_send(zc_entry_group *g, DBusMessage *m, int r, const char *what) {
        if (r < 0) {
                dbus_message_unref(m);
                return r;
        }
        DBusMessage *copy = dbus_message_copy(m);
        DBusMessage **n = copy ? realloc(g->entries, (g->n_entries + 1) * sizeof *n) : NULL;
        if (!n) {
                if (copy)
                        dbus_message_unref(copy);
                dbus_message_unref(m);
                return set_error(g->client, -ENOMEM, "out of memory");
        }
        g->entries = n;
        r = call(g->client, m, g->client->call_timeout, NULL, what);
        if (r < 0)
                dbus_message_unref(copy);
        else
                g->entries[g->n_entries++] = copy;
        return r;
}

int zc_entry_group_add_service(zc_entry_group *g, int interface, int protocol, uint32_t flags,
                               const char *name, const char *type, const char *domain,
                               const char *host, uint16_t port, const char *const *txt) {
        static const char *const names[] = { "name", "type", "domain", "host" };
        if (!g)
                return -EINVAL;
        if (!name || !type)
                return set_error(g->client, -EINVAL, "a service needs a name and a type");
        DBusMessage *m = group_method(g, "AddService");
        if (!m)
                return set_error(g->client, -ENOMEM, "out of memory");
        const char *strs[] = { name, type, domain, host };
        dbus_uint16_t q = port;
        int r = append_head(g->client, m, interface, protocol, flags, names, strs, 4);
        if (r == 0 && !dbus_message_append_args(m, DBUS_TYPE_UINT16, &q, DBUS_TYPE_INVALID))
                r = set_error(g->client, -ENOMEM, "out of memory");
        if (r == 0)
                r = append_txt(g->client, m, txt);
        return group_send(g, m, r, "AddService");
}

int zc_entry_group_add_service_subtype(zc_entry_group *g, int interface, int protocol, uint32_t flags,
                                       const char *name, const char *type, const char *domain,
                                       const char *subtype) {
        static const char *const names[] = { "name", "type", "domain", "subtype" };
        if (!g)
                return -EINVAL;
        if (!name || !type || !subtype)
                return set_error(g->client, -EINVAL, "a subtype needs a name, a type and a subtype");
        DBusMessage *m = group_method(g, "AddServiceSubtype");
        if (!m)
                return set_error(g->client, -ENOMEM, "out of memory");
        const char *strs[] = { name, type, domain, subtype };
        return group_send(g, m, append_head(g->client, m, interface, protocol, flags, names, strs, 4),
                          "AddServiceSubtype");
}

int zc_entry_group_update_service_txt(zc_entry_group *g, int interface, int protocol, uint32_t flags,
                                      const char *name, const char *type, const char *domain,
                                      const char *const *txt) {
        static const char *const names[] = { "name", "type", "domain" };
        if (!g)
                return -EINVAL;
        if (!name || !type)
                return set_error(g->client, -EINVAL, "a service needs a name and a type");
        DBusMessage *m = group_method(g, "UpdateServiceTxt");
        if (!m)
                return set_error(g->client, -ENOMEM, "out of memory");
        const char *strs[] = { name, type, domain };
        int r = append_head(g->client, m, interface, protocol, flags, names, strs, 3);
        if (r == 0)
                r = append_txt(g->client, m, txt);
        return group_send(g, m, r, "UpdateServiceTxt");
}

int zc_entry_group_add_address(zc_entry_group *g, int interface, int protocol, uint32_t flags,
                               const char *name, const char *address) {
        static const char *const names[] = { "name", "address" };
        if (!g)
                return -EINVAL;
        if (!name || !address)
                return set_error(g->client, -EINVAL, "an address record needs a name and an address");
        DBusMessage *m = group_method(g, "AddAddress");
        if (!m)
                return set_error(g->client, -ENOMEM, "out of memory");
        const char *strs[] = { name, address };
        return group_send(g, m, append_head(g->client, m, interface, protocol, flags, names, strs, 2),
                          "AddAddress");
}

int zc_entry_group_add_record(zc_entry_group *g, int interface, int protocol, uint32_t flags,
                              const char *name, uint16_t rr_class, uint16_t rr_type, uint32_t ttl,
                              const void *rdata, size_t rdata_len) {
        static const char *const names[] = { "name" };
        if (!g)
                return -EINVAL;
        if (!name || (!rdata && rdata_len > 0) || rdata_len > 65535)
                return set_error(g->client, -EINVAL, "a record needs a name and at most 65535 octets of rdata");
        DBusMessage *m = group_method(g, "AddRecord");
        if (!m)
                return set_error(g->client, -ENOMEM, "out of memory");
        const char *strs[] = { name };
        dbus_uint16_t cl = rr_class, ty = rr_type;
        dbus_uint32_t t = ttl;
        DBusMessageIter it;
        int r = append_head(g->client, m, interface, protocol, flags, names, strs, 1);
        if (r == 0 && !dbus_message_append_args(m, DBUS_TYPE_UINT16, &cl, DBUS_TYPE_UINT16, &ty, DBUS_TYPE_UINT32, &t,
                                                DBUS_TYPE_INVALID))
                r = set_error(g->client, -ENOMEM, "out of memory");
        if (r == 0) {
                dbus_message_iter_init_append(m, &it);
                if (append_bytes(&it, rdata ? rdata : "", rdata_len) < 0)
                        r = set_error(g->client, -ENOMEM, "out of memory");
        }
        return group_send(g, m, r, "AddRecord");
}

int zc_entry_group_commit(zc_entry_group *g) {
        if (!g)
                return -EINVAL;
        int r = call_simple(g->client, g->path, ZC_IFACE_GROUP, "Commit");
        if (r == 0)
                g->committed = true;
        return r;
}

int zc_entry_group_reset(zc_entry_group *g) {
        if (!g)
                return -EINVAL;
        int r = call_simple(g->client, g->path, ZC_IFACE_GROUP, "Reset");
        if (r == 0) {
                g->state = ZC_ENTRY_GROUP_UNCOMMITTED;
                group_forget_entries(g);
        }
        return r;
}

/* ---- browsers and resolvers ---- */

/* Calls the factory m (consumed), then Start on the new object. */
static int browser_make(zc_client *c, enum kind kind, DBusMessage *m, const char *what, zc_browser_callback cb,
                        void *userdata, zc_browser **ret) {
        DBusMessage *reply = NULL, *factory = dbus_message_copy(m);
        char *path = NULL;
        if (!factory) {
                dbus_message_unref(m);
                return set_error(c, -ENOMEM, "out of memory");
        }
        int r = call(c, m, c->call_timeout, &reply, what);
        if (r == 0)
                r = reply_string(c, reply, DBUS_TYPE_OBJECT_PATH, &path, what);
        if (r < 0) {
                dbus_message_unref(factory);
                return r;
        }
        zc_browser *b = calloc(1, sizeof *b);
        if (!b) {
                call_simple(c, path, kinds[kind].interface, "Free");
                free(path);
                dbus_message_unref(factory);
                return set_error(c, -ENOMEM, "out of memory");
        }
        b->factory = factory;
        b->client = c;
        b->kind = kind;
        b->path = path;
        b->cb = cb;
        b->userdata = userdata;
        b->next = c->browsers;
        if (c->browsers)
                c->browsers->prev = b;
        c->browsers = b;
        /* Registered before Start: its first signals follow the reply. */
        r = call_simple(c, path, kinds[kind].interface, "Start");
        if (r < 0) {
                char msg[sizeof c->error];
                char name[sizeof c->error_name];
                bool has_name = c->has_error_name;
                memcpy(msg, c->error, sizeof msg);
                memcpy(name, c->error_name, sizeof name);
                zc_browser_free(b);
                memcpy(c->error, msg, sizeof msg);
                memcpy(c->error_name, name, sizeof name);
                c->has_error_name = has_name;
                return r;
        }
        *ret = b;
        return 0;
}

static int browser_args(zc_client *c, zc_browser **ret, DBusMessage **m, const char *what, int interface,
                        int protocol, const char *const *names, const char *const *strs, size_t n) {
        dbus_int32_t i = interface, p = protocol;
        if (!c)
                return -EINVAL;
        if (!ret)
                return set_error(c, -EINVAL, "%s: no place for the result", what);
        *ret = NULL;
        if (zc__check_interface_protocol(interface, protocol) < 0)
                return set_error(c, -EINVAL, "interface %d or protocol %d out of range", interface, protocol);
        for (size_t k = 0; k < n; k++)
                if (zc__check_string(strs[k], true) < 0)
                        return set_error(c, -EINVAL, "%s: not a valid UTF-8 string of at most %u octets",
                                         names[k], ZC_STRING_MAX);
        *m = method(ZC_ROOT, ZC_IFACE_MANAGER, what);
        if (!*m || !dbus_message_append_args(*m, DBUS_TYPE_INT32, &i, DBUS_TYPE_INT32, &p, DBUS_TYPE_INVALID)) {
                if (*m)
                        dbus_message_unref(*m);
                return set_error(c, -ENOMEM, "out of memory");
        }
        return 0;
}

static int append_or_fail(zc_client *c, DBusMessage *m, int first_type, ...) {
        va_list ap;
        va_start(ap, first_type);
        dbus_bool_t ok = dbus_message_append_args_valist(m, first_type, ap);
        va_end(ap);
        if (!ok) {
                dbus_message_unref(m);
                return set_error(c, -ENOMEM, "out of memory");
        }
        return 0;
}

int zc_service_browser_new(zc_client *c, int interface, int protocol, const char *type, const char *domain,
                           uint32_t flags, zc_browser_callback cb, void *userdata, zc_browser **ret) {
        static const char *const names[] = { "type", "domain" };
        const char *strs[] = { type, domain };
        DBusMessage *m = NULL;
        dbus_uint32_t f = flags;
        int r = browser_args(c, ret, &m, "ServiceBrowserNew", interface, protocol, names, strs, 2);
        if (r < 0)
                return r;
        if (!type) {
                dbus_message_unref(m);
                return set_error(c, -EINVAL, "type: missing");
        }
        domain = domain ? domain : "";
        r = append_or_fail(c, m, DBUS_TYPE_STRING, &type, DBUS_TYPE_STRING, &domain, DBUS_TYPE_UINT32, &f,
                           DBUS_TYPE_INVALID);
        return r < 0 ? r : browser_make(c, K_SERVICE_BROWSER, m, "ServiceBrowserNew", cb, userdata, ret);
}

int zc_service_type_browser_new(zc_client *c, int interface, int protocol, const char *domain, uint32_t flags,
                                zc_browser_callback cb, void *userdata, zc_browser **ret) {
        static const char *const names[] = { "domain" };
        const char *strs[] = { domain };
        DBusMessage *m = NULL;
        dbus_uint32_t f = flags;
        int r = browser_args(c, ret, &m, "ServiceTypeBrowserNew", interface, protocol, names, strs, 1);
        if (r < 0)
                return r;
        domain = domain ? domain : "";
        r = append_or_fail(c, m, DBUS_TYPE_STRING, &domain, DBUS_TYPE_UINT32, &f, DBUS_TYPE_INVALID);
        return r < 0 ? r : browser_make(c, K_SERVICE_TYPE_BROWSER, m, "ServiceTypeBrowserNew", cb, userdata, ret);
}

int zc_service_resolver_new(zc_client *c, int interface, int protocol, const char *name, const char *type,
                            const char *domain, int aprotocol, uint32_t flags, zc_browser_callback cb,
                            void *userdata, zc_browser **ret) {
        static const char *const names[] = { "name", "type", "domain" };
        const char *strs[] = { name, type, domain };
        DBusMessage *m = NULL;
        dbus_uint32_t f = flags;
        dbus_int32_t ap = aprotocol;
        int r = browser_args(c, ret, &m, "ServiceResolverNew", interface, protocol, names, strs, 3);
        if (r < 0)
                return r;
        if (!name || !type || aprotocol < -1 || aprotocol > 1) {
                dbus_message_unref(m);
                return set_error(c, -EINVAL, "a service resolver needs a name, a type and an aprotocol of -1, 0 or 1");
        }
        domain = domain ? domain : "";
        r = append_or_fail(c, m, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING, &type, DBUS_TYPE_STRING, &domain,
                           DBUS_TYPE_INT32, &ap, DBUS_TYPE_UINT32, &f, DBUS_TYPE_INVALID);
        return r < 0 ? r : browser_make(c, K_SERVICE_RESOLVER, m, "ServiceResolverNew", cb, userdata, ret);
}

int zc_host_resolver_new(zc_client *c, int interface, int protocol, const char *name, int aprotocol,
                         uint32_t flags, zc_browser_callback cb, void *userdata, zc_browser **ret) {
        static const char *const names[] = { "name" };
        const char *strs[] = { name };
        DBusMessage *m = NULL;
        dbus_uint32_t f = flags;
        dbus_int32_t ap = aprotocol;
        int r = browser_args(c, ret, &m, "HostResolverNew", interface, protocol, names, strs, 1);
        if (r < 0)
                return r;
        if (!name || aprotocol < -1 || aprotocol > 1) {
                dbus_message_unref(m);
                return set_error(c, -EINVAL, "a host resolver needs a name and an aprotocol of -1, 0 or 1");
        }
        r = append_or_fail(c, m, DBUS_TYPE_STRING, &name, DBUS_TYPE_INT32, &ap, DBUS_TYPE_UINT32, &f,
                           DBUS_TYPE_INVALID);
        return r < 0 ? r : browser_make(c, K_HOST_RESOLVER, m, "HostResolverNew", cb, userdata, ret);
}

int zc_address_resolver_new(zc_client *c, int interface, int protocol, const char *address, uint32_t flags,
                            zc_browser_callback cb, void *userdata, zc_browser **ret) {
        static const char *const names[] = { "address" };
        const char *strs[] = { address };
        DBusMessage *m = NULL;
        dbus_uint32_t f = flags;
        int r = browser_args(c, ret, &m, "AddressResolverNew", interface, protocol, names, strs, 1);
        if (r < 0)
                return r;
        if (!address) {
                dbus_message_unref(m);
                return set_error(c, -EINVAL, "address: missing");
        }
        r = append_or_fail(c, m, DBUS_TYPE_STRING, &address, DBUS_TYPE_UINT32, &f, DBUS_TYPE_INVALID);
        return r < 0 ? r : browser_make(c, K_ADDRESS_RESOLVER, m, "AddressResolverNew", cb, userdata, ret);
}

int zc_record_browser_new(zc_client *c, int interface, int protocol, const char *name, uint16_t rr_class,
                          uint16_t rr_type, uint32_t flags, zc_browser_callback cb, void *userdata,
                          zc_browser **ret) {
        static const char *const names[] = { "name" };
        const char *strs[] = { name };
        DBusMessage *m = NULL;
        dbus_uint32_t f = flags;
        dbus_uint16_t cl = rr_class, ty = rr_type;
        int r = browser_args(c, ret, &m, "RecordBrowserNew", interface, protocol, names, strs, 1);
        if (r < 0)
                return r;
        if (!name) {
                dbus_message_unref(m);
                return set_error(c, -EINVAL, "name: missing");
        }
        r = append_or_fail(c, m, DBUS_TYPE_STRING, &name, DBUS_TYPE_UINT16, &cl, DBUS_TYPE_UINT16, &ty,
                           DBUS_TYPE_UINT32, &f, DBUS_TYPE_INVALID);
        return r < 0 ? r : browser_make(c, K_RECORD_BROWSER, m, "RecordBrowserNew", cb, userdata, ret);
}

void zc_browser_free(zc_browser *b) {
        if (!b)
                return;
        zc_client *c = b->client;
        if (c->state == ZC_CLIENT_RUNNING && !b->dead)
                call_simple(c, b->path, kinds[b->kind].interface, "Free");
        if (b->prev)
                b->prev->next = b->next;
        else
                c->browsers = b->next;
        if (b->next)
                b->next->prev = b->prev;
        if (b->factory)
                dbus_message_unref(b->factory);
        free(b->path);
        free(b);
}

zc_client *zc_browser_get_client(const zc_browser *b) {
        return b ? b->client : NULL;
}

/* ---- blocking one-shot helpers ---- */

void zc_resolved_clear(zc_resolved *r) {
        if (!r)
                return;
        free(r->name);
        free(r->type);
        free(r->domain);
        free(r->host);
        free(r->address);
        for (size_t i = 0; i < r->n_txt; i++)
                free((void *)r->txt[i].data);
        free(r->txt);
        memset(r, 0, sizeof *r);
}

static int resolved_from_item(zc_resolved *out, const zc_item *it) {
        memset(out, 0, sizeof *out);
        out->interface = it->interface;
        out->protocol = it->protocol;
        out->aprotocol = it->aprotocol;
        out->port = it->port;
        out->flags = it->flags;
        if (!(out->name = xstrdup0(it->name)) || !(out->type = xstrdup0(it->type)) ||
            !(out->domain = xstrdup0(it->domain)) || !(out->host = xstrdup0(it->host)) ||
            !(out->address = xstrdup0(it->address)))
                goto oom;
        if (it->n_txt) {
                out->txt = calloc(it->n_txt, sizeof *out->txt);
                if (!out->txt)
                        goto oom;
                for (size_t i = 0; i < it->n_txt; i++) {
                        uint8_t *d = malloc(it->txt[i].len + 1);
                        if (!d)
                                goto oom;
                        memcpy(d, it->txt[i].data, it->txt[i].len);
                        d[it->txt[i].len] = 0;
                        out->txt[i].data = d;
                        out->txt[i].len = it->txt[i].len;
                        out->n_txt = i + 1;
                }
        }
        return 0;
oom:
        zc_resolved_clear(out);
        return -ENOMEM;
}

/* Calls the one-shot method built by build() until it answers or timeout_ms passes: the daemon
 * gives up after 5 s with Timeout; we ask again while time remains. */
static int resolve_loop(zc_client *c, int timeout_ms, DBusMessage *proto, const char *what, const char *fields,
                        const char *sig, zc_resolved *ret) {
        unsigned long long end = now_usec() + (unsigned long long)timeout_ms * 1000ULL;
        for (;;) {
                unsigned long long now = now_usec();
                if (now >= end) {
                        dbus_message_unref(proto);
                        return set_error(c, -ETIMEDOUT, "%s: no answer within %d ms", what, timeout_ms);
                }
                int left = (int)((end - now + 999ULL) / 1000ULL);
                DBusMessage *m = dbus_message_copy(proto), *reply = NULL;
                int r = call(c, m, left, &reply, what);
                if (r == -ETIMEDOUT)
                        continue;
                if (r < 0) {
                        dbus_message_unref(proto);
                        return r;
                }
                dbus_message_unref(proto);
                zc_item item;
                r = parse_item(reply, fields, sig, &item);
                if (r == 0)
                        r = resolved_from_item(ret, &item);
                free((void *)item.txt);
                dbus_message_unref(reply);
                return r < 0 ? set_error(c, r, "%s: unexpected reply", what) : 0;
        }
}

static int resolve_args(zc_client *c, int interface, int protocol, int aprotocol, int timeout_ms, zc_resolved *ret,
                        const char *const *strs, size_t n, const char *what) {
        if (!c)
                return -EINVAL;
        if (!ret || timeout_ms <= 0)
                return set_error(c, -EINVAL, "%s: needs a result and a timeout > 0", what);
        memset(ret, 0, sizeof *ret);
        if (zc__check_interface_protocol(interface, protocol) < 0 || aprotocol < -1 || aprotocol > 1)
                return set_error(c, -EINVAL, "interface %d, protocol %d or aprotocol %d out of range", interface,
                                 protocol, aprotocol);
        for (size_t k = 0; k < n; k++)
                if (!strs[k] || zc__check_string(strs[k], false) < 0)
                        return set_error(c, -EINVAL, "%s: missing or not a valid UTF-8 string", what);
        return 0;
}

int zc_resolve_service(zc_client *c, int interface, int protocol, const char *name, const char *type,
                       const char *domain, int aprotocol, int timeout_ms, zc_resolved *ret) {
        const char *strs[] = { name, type, domain ? domain : "" };
        int r = resolve_args(c, interface, protocol, aprotocol, timeout_ms, ret, strs, 3, "ResolveService");
        if (r < 0)
                return r;
        dbus_int32_t i = interface, p = protocol, ap = aprotocol;
        dbus_uint32_t f = 0;
        DBusMessage *m = method(ZC_ROOT, ZC_IFACE_MANAGER, "ResolveService");
        if (!m)
                return set_error(c, -ENOMEM, "out of memory");
        r = append_or_fail(c, m, DBUS_TYPE_INT32, &i, DBUS_TYPE_INT32, &p, DBUS_TYPE_STRING, &strs[0],
                           DBUS_TYPE_STRING, &strs[1], DBUS_TYPE_STRING, &strs[2], DBUS_TYPE_INT32, &ap,
                           DBUS_TYPE_UINT32, &f, DBUS_TYPE_INVALID);
        if (r < 0)
                return r;
        return resolve_loop(c, timeout_ms, m, "ResolveService", kinds[K_SERVICE_RESOLVER].fields,
                            kinds[K_SERVICE_RESOLVER].sig, ret);
}

int zc_resolve_host_name(zc_client *c, int interface, int protocol, const char *name, int aprotocol,
                         int timeout_ms, zc_resolved *ret) {
        const char *strs[] = { name };
        int r = resolve_args(c, interface, protocol, aprotocol, timeout_ms, ret, strs, 1, "ResolveHostName");
        if (r < 0)
                return r;
        dbus_int32_t i = interface, p = protocol, ap = aprotocol;
        dbus_uint32_t f = 0;
        DBusMessage *m = method(ZC_ROOT, ZC_IFACE_MANAGER, "ResolveHostName");
        if (!m)
                return set_error(c, -ENOMEM, "out of memory");
        r = append_or_fail(c, m, DBUS_TYPE_INT32, &i, DBUS_TYPE_INT32, &p, DBUS_TYPE_STRING, &name,
                           DBUS_TYPE_INT32, &ap, DBUS_TYPE_UINT32, &f, DBUS_TYPE_INVALID);
        if (r < 0)
                return r;
        return resolve_loop(c, timeout_ms, m, "ResolveHostName", kinds[K_HOST_RESOLVER].fields,
                            kinds[K_HOST_RESOLVER].sig, ret);
}

int zc_resolve_address(zc_client *c, int interface, int protocol, const char *address, int timeout_ms,
                       zc_resolved *ret) {
        const char *strs[] = { address };
        int r = resolve_args(c, interface, protocol, -1, timeout_ms, ret, strs, 1, "ResolveAddress");
        if (r < 0)
                return r;
        dbus_int32_t i = interface, p = protocol;
        dbus_uint32_t f = 0;
        DBusMessage *m = method(ZC_ROOT, ZC_IFACE_MANAGER, "ResolveAddress");
        if (!m)
                return set_error(c, -ENOMEM, "out of memory");
        r = append_or_fail(c, m, DBUS_TYPE_INT32, &i, DBUS_TYPE_INT32, &p, DBUS_TYPE_STRING, &address,
                           DBUS_TYPE_UINT32, &f, DBUS_TYPE_INVALID);
        if (r < 0)
                return r;
        return resolve_loop(c, timeout_ms, m, "ResolveAddress", kinds[K_ADDRESS_RESOLVER].fields,
                            kinds[K_ADDRESS_RESOLVER].sig, ret);
}
