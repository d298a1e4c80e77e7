/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libzeroconf-client: argument handling. Every bad argument is -EINVAL with a message, before
 * anything goes on the bus (and never reaches libdbus, which aborts on invalid UTF-8); the
 * D-Bus errors map to errno; a client on a bus without zeroconfd fails cleanly (-ECONNREFUSED)
 * and never aborts. The bus is a private dbus-daemon started by each test; a fake zeroconfd (a
 * child process owning org.zeroconfd1) checks what the library sends and answers, while a forger
 * on the same bus sends signals on the client's object paths that must be ignored; the fake
 * daemon is restarted under a client, whose entry groups and browsers must come back. */
#include <dbus/dbus.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client-internal.h"
#include "unit.h"

/* ---- pure checks ---- */

START_TEST(test_errno_map) {
        ck_assert_int_eq(zc__errno_from_dbus_error("org.zeroconfd1.Error.InvalidName"), -EINVAL);
        ck_assert_int_eq(zc__errno_from_dbus_error("org.zeroconfd1.Error.InvalidServiceType"), -EINVAL);
        ck_assert_int_eq(zc__errno_from_dbus_error("org.zeroconfd1.Error.InvalidArgs"), -EINVAL);
        ck_assert_int_eq(zc__errno_from_dbus_error("org.zeroconfd1.Error.AccessDenied"), -EACCES);
        ck_assert_int_eq(zc__errno_from_dbus_error("org.zeroconfd1.Error.Collision"), -EEXIST);
        ck_assert_int_eq(zc__errno_from_dbus_error("org.zeroconfd1.Error.NotFound"), -ENOENT);
        ck_assert_int_eq(zc__errno_from_dbus_error("org.zeroconfd1.Error.BadState"), -EBADFD);
        ck_assert_int_eq(zc__errno_from_dbus_error("org.zeroconfd1.Error.TooManyObjects"), -ENOBUFS);
        ck_assert_int_eq(zc__errno_from_dbus_error("org.zeroconfd1.Error.TooManyEntries"), -ENOBUFS);
        ck_assert_int_eq(zc__errno_from_dbus_error("org.zeroconfd1.Error.TooManyClients"), -EUSERS);
        ck_assert_int_eq(zc__errno_from_dbus_error("org.zeroconfd1.Error.Timeout"), -ETIMEDOUT);
        ck_assert_int_eq(zc__errno_from_dbus_error("org.zeroconfd1.Error.NotSupported"), -EOPNOTSUPP);
        ck_assert_int_eq(zc__errno_from_dbus_error("org.freedesktop.DBus.Error.NoReply"), -ETIMEDOUT);
        ck_assert_int_eq(zc__errno_from_dbus_error("org.freedesktop.DBus.Error.ServiceUnknown"), -ECONNREFUSED);
        ck_assert_int_eq(zc__errno_from_dbus_error("org.freedesktop.DBus.Error.Disconnected"), -ENOTCONN);
        ck_assert_int_eq(zc__errno_from_dbus_error("com.example.Whatever"), -EIO);
        ck_assert_int_eq(zc__errno_from_dbus_error(NULL), -EIO);
}
END_TEST

START_TEST(test_check_string) {
        char big[ZC_STRING_MAX + 2];
        ck_assert_int_eq(zc__check_string("Printer", false), 0);
        ck_assert_int_eq(zc__check_string("Drucker \xc3\xa4", false), 0);      /* UTF-8 ä */
        ck_assert_int_eq(zc__check_string("", false), 0);
        ck_assert_int_eq(zc__check_string(NULL, false), -EINVAL);
        ck_assert_int_eq(zc__check_string(NULL, true), 0);
        ck_assert_int_eq(zc__check_string("bad \xff", false), -EINVAL);         /* not UTF-8 */
        ck_assert_int_eq(zc__check_string("\xc3", false), -EINVAL);             /* truncated */
        ck_assert_int_eq(zc__check_string("\xed\xa0\x80", false), -EINVAL);     /* a surrogate */
        memset(big, 'a', sizeof big - 1);
        big[sizeof big - 1] = 0;                                                 /* MAX + 1 */
        ck_assert_int_eq(zc__check_string(big, false), -EINVAL);
        big[ZC_STRING_MAX] = 0;                                                  /* MAX */
        ck_assert_int_eq(zc__check_string(big, false), 0);
}
END_TEST

START_TEST(test_check_txt) {
        char item[ZC_TXT_ITEM_MAX + 2];
        const char *ok[] = { "path=/", "a", NULL };
        const char *empty_item[] = { "path=/", "", NULL };
        const char *one[] = { item, NULL };
        static const char *many[ZC_TXT_ITEMS_MAX + 2];

        ck_assert_int_eq(zc__check_txt(NULL), 0);
        ck_assert_int_eq(zc__check_txt(ok), 0);
        ck_assert_int_eq(zc__check_txt(empty_item), -EINVAL);
        memset(item, 'k', ZC_TXT_ITEM_MAX);
        item[ZC_TXT_ITEM_MAX] = 0;                                               /* 255: fits */
        ck_assert_int_eq(zc__check_txt(one), 0);
        item[ZC_TXT_ITEM_MAX] = 'k';
        item[ZC_TXT_ITEM_MAX + 1] = 0;                                           /* 256: too long */
        ck_assert_int_eq(zc__check_txt(one), -EINVAL);
        for (size_t i = 0; i < ZC_TXT_ITEMS_MAX; i++)
                many[i] = "k=v";
        many[ZC_TXT_ITEMS_MAX] = NULL;
        ck_assert_int_eq(zc__check_txt(many), 0);
        many[ZC_TXT_ITEMS_MAX] = "k=v";
        many[ZC_TXT_ITEMS_MAX + 1] = NULL;
        ck_assert_int_eq(zc__check_txt(many), -EINVAL);
}
END_TEST

START_TEST(test_check_interface_protocol) {
        ck_assert_int_eq(zc__check_interface_protocol(ZC_IF_UNSPEC, ZC_PROTO_UNSPEC), 0);
        ck_assert_int_eq(zc__check_interface_protocol(2, ZC_PROTO_INET), 0);
        ck_assert_int_eq(zc__check_interface_protocol(2, ZC_PROTO_INET6), 0);
        ck_assert_int_eq(zc__check_interface_protocol(0, ZC_PROTO_INET), -EINVAL);
        ck_assert_int_eq(zc__check_interface_protocol(-2, ZC_PROTO_INET), -EINVAL);
        ck_assert_int_eq(zc__check_interface_protocol(1, 2), -EINVAL);
        ck_assert_int_eq(zc__check_interface_protocol(1, -2), -EINVAL);
}
END_TEST

START_TEST(test_group_states) {
        ck_assert_int_eq(zc__entry_group_state_from_string("uncommitted"), ZC_ENTRY_GROUP_UNCOMMITTED);
        ck_assert_int_eq(zc__entry_group_state_from_string("registering"), ZC_ENTRY_GROUP_REGISTERING);
        ck_assert_int_eq(zc__entry_group_state_from_string("established"), ZC_ENTRY_GROUP_ESTABLISHED);
        ck_assert_int_eq(zc__entry_group_state_from_string("collision"), ZC_ENTRY_GROUP_COLLISION);
        ck_assert_int_eq(zc__entry_group_state_from_string("failure"), ZC_ENTRY_GROUP_FAILURE);
        ck_assert_int_eq(zc__entry_group_state_from_string("bogus"), ZC_ENTRY_GROUP_FAILURE);
        ck_assert_int_eq(zc__entry_group_state_from_string(NULL), ZC_ENTRY_GROUP_FAILURE);
        ck_assert_str_eq(zc_entry_group_state_to_string(ZC_ENTRY_GROUP_ESTABLISHED), "established");
        ck_assert_str_eq(zc_entry_group_state_to_string((zc_entry_group_state)99), "unknown");
}
END_TEST

/* NULL objects: -EINVAL or a harmless no-op, never a crash. */
START_TEST(test_null_objects) {
        zc_browser *b = (zc_browser *)1;
        zc_resolved res;
        char *s = NULL;
        ck_assert_int_eq(zc_client_new(NULL, NULL), -EINVAL);
        zc_client_free(NULL);
        zc_entry_group_free(NULL);
        zc_browser_free(NULL);
        zc_links_free(NULL, 0);
        zc_resolved_clear(NULL);
        ck_assert_int_eq(zc_client_dispatch(NULL), -EINVAL);
        ck_assert_int_eq(zc_client_get_fd(NULL), -EINVAL);
        ck_assert_int_eq(zc_client_get_timeout(NULL), -1);
        ck_assert_int_eq(zc_client_get_state(NULL), ZC_CLIENT_DISCONNECTED);
        ck_assert_str_eq(zc_client_get_error(NULL), "");
        ck_assert_ptr_null(zc_client_get_error_name(NULL));
        ck_assert_int_eq(zc_client_get_host_name(NULL, &s), -EINVAL);
        ck_assert_int_eq(zc_client_set_host_name(NULL, "x"), -EINVAL);
        ck_assert_int_eq(zc_entry_group_new(NULL, NULL, NULL, NULL), -EINVAL);
        ck_assert_int_eq(zc_entry_group_commit(NULL), -EINVAL);
        ck_assert_int_eq(zc_entry_group_add_service(NULL, -1, -1, 0, "n", "_http._tcp", NULL, NULL, 80, NULL), -EINVAL);
        ck_assert_int_eq(zc_service_browser_new(NULL, -1, -1, "_http._tcp", NULL, 0, NULL, NULL, &b), -EINVAL);
        ck_assert_int_eq(zc_resolve_host_name(NULL, -1, -1, "a.local", -1, 100, &res), -EINVAL);
        ck_assert_ptr_null(zc_browser_get_client(NULL));
        ck_assert_ptr_null(zc_entry_group_get_client(NULL));
}
END_TEST

/* ---- against a private bus without zeroconfd ---- */

static pid_t bus_pid;
static char bus_address[512];

static void bus_start(void) {
        int out[2];
        ck_assert_int_eq(pipe(out), 0);
        bus_pid = fork();
        ck_assert_int_ge(bus_pid, 0);
        if (bus_pid == 0) {
                dup2(out[1], 1);
                close(out[0]);
                close(out[1]);
                execlp("dbus-daemon", "dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1",
                       (char *)NULL);
                _exit(127);
        }
        close(out[1]);
        ssize_t n = 0, k;
        while (n < (ssize_t)sizeof bus_address - 1 && (k = read(out[0], bus_address + n, sizeof bus_address - 1 - (size_t)n)) > 0) {
                n += k;
                if (memchr(bus_address, '\n', (size_t)n))
                        break;
        }
        close(out[0]);
        ck_assert_msg(n > 0, "dbus-daemon did not start (apt-get install dbus-daemon)");
        bus_address[n] = 0;
        bus_address[strcspn(bus_address, "\n")] = 0;
}

static void bus_stop(void) {
        if (bus_pid > 0) {
                kill(bus_pid, SIGTERM);
                waitpid(bus_pid, NULL, 0);
                bus_pid = 0;
        }
}

START_TEST(test_no_bus) {
        zc_client *c = (zc_client *)1;
        ck_assert_int_eq(zc_client_new(&c, "unix:path=/nonexistent/zeroconf-test-socket"), -ECONNREFUSED);
        ck_assert_ptr_null(c);
        ck_assert_int_eq(zc_client_new(&c, "bad \xff address"), -EINVAL);
        ck_assert_ptr_null(c);
}
END_TEST

START_TEST(test_no_daemon) {
        zc_client *c = NULL;
        zc_entry_group *g = NULL;
        zc_browser *b = NULL;
        zc_resolved res;
        char *s = NULL;
        zc_link *links = NULL;
        size_t n = 0;

        bus_start();
        ck_assert_int_eq(zc_client_new(&c, bus_address), 0);
        ck_assert_int_eq(zc_client_get_state(c), ZC_CLIENT_DAEMON_GONE);
        ck_assert_int_ge(zc_client_get_fd(c), 0);
        ck_assert(zc_client_get_events(c) & 1 /* POLLIN */);
        ck_assert_int_eq(zc_client_dispatch(c), 0);

        /* Well-formed calls reach the bus and fail as "nobody owns org.zeroconfd1". */
        ck_assert_int_eq(zc_client_get_host_name(c, &s), -ECONNREFUSED);
        ck_assert_ptr_null(s);
        ck_assert_str_eq(zc_client_get_error_name(c), "org.freedesktop.DBus.Error.ServiceUnknown");
        ck_assert(strstr(zc_client_get_error(c), "HostName") != NULL);
        ck_assert_int_eq(zc_client_get_links(c, &links, &n), -ECONNREFUSED);
        ck_assert_int_eq(zc_entry_group_new(c, NULL, NULL, &g), -ECONNREFUSED);
        ck_assert_ptr_null(g);
        ck_assert_int_eq(zc_service_browser_new(c, -1, -1, "_http._tcp", NULL, 0, NULL, NULL, &b), -ECONNREFUSED);
        ck_assert_ptr_null(b);
        ck_assert_int_eq(zc_resolve_host_name(c, -1, -1, "peer.local", -1, 200, &res), -ECONNREFUSED);

        /* Bad arguments: -EINVAL with a message naming the argument; nothing sent, no abort. */
        ck_assert_int_eq(zc_service_browser_new(c, -1, -1, "_http\xff._tcp", NULL, 0, NULL, NULL, &b), -EINVAL);
        ck_assert(strstr(zc_client_get_error(c), "type") != NULL);
        ck_assert_ptr_null(zc_client_get_error_name(c));
        ck_assert_int_eq(zc_service_browser_new(c, -1, -1, "_http._tcp", "lo\xc3", 0, NULL, NULL, &b), -EINVAL);
        ck_assert(strstr(zc_client_get_error(c), "domain") != NULL);
        ck_assert_int_eq(zc_service_browser_new(c, -1, -1, NULL, NULL, 0, NULL, NULL, &b), -EINVAL);
        ck_assert_int_eq(zc_service_browser_new(c, 0, -1, "_http._tcp", NULL, 0, NULL, NULL, &b), -EINVAL);
        ck_assert(strstr(zc_client_get_error(c), "interface") != NULL);
        ck_assert_int_eq(zc_service_browser_new(c, -1, 7, "_http._tcp", NULL, 0, NULL, NULL, &b), -EINVAL);
        ck_assert_int_eq(zc_service_browser_new(c, -1, -1, "_http._tcp", NULL, 0, NULL, NULL, NULL), -EINVAL);
        ck_assert_int_eq(zc_service_type_browser_new(c, -1, -1, "\xfe", 0, NULL, NULL, &b), -EINVAL);
        ck_assert_int_eq(zc_service_resolver_new(c, -1, -1, "n", "_http._tcp", NULL, 5, 0, NULL, NULL, &b), -EINVAL);
        ck_assert_int_eq(zc_service_resolver_new(c, -1, -1, NULL, "_http._tcp", NULL, -1, 0, NULL, NULL, &b), -EINVAL);
        ck_assert_int_eq(zc_host_resolver_new(c, -1, -1, "h\xff.local", -1, 0, NULL, NULL, &b), -EINVAL);
        ck_assert_int_eq(zc_host_resolver_new(c, -1, -1, "h.local", -3, 0, NULL, NULL, &b), -EINVAL);
        ck_assert_int_eq(zc_address_resolver_new(c, -1, -1, NULL, 0, NULL, NULL, &b), -EINVAL);
        ck_assert_int_eq(zc_record_browser_new(c, -1, -1, NULL, 1, 255, 0, NULL, NULL, &b), -EINVAL);
        ck_assert_int_eq(zc_resolve_host_name(c, -1, -1, "h.local", -1, 0, &res), -EINVAL);
        ck_assert(strstr(zc_client_get_error(c), "timeout") != NULL);
        ck_assert_int_eq(zc_resolve_host_name(c, -1, -1, NULL, -1, 100, &res), -EINVAL);
        ck_assert_int_eq(zc_resolve_service(c, -1, -1, "n", "_http._tcp", NULL, 2, 100, &res), -EINVAL);
        ck_assert_int_eq(zc_resolve_address(c, -1, -1, "169.254.1.\xff", 100, &res), -EINVAL);
        ck_assert_int_eq(zc_resolve_address(c, -1, -1, "169.254.1.2", 100, NULL), -EINVAL);
        ck_assert_int_eq(zc_client_set_host_name(c, "h\xff"), -EINVAL);
        ck_assert_int_eq(zc_client_set_host_name(c, NULL), -EINVAL);
        ck_assert_int_eq(zc_client_get_alternative_host_name(c, "h", NULL), -EINVAL);
        ck_assert_int_eq(zc_client_get_links(c, NULL, &n), -EINVAL);
        ck_assert_int_eq(zc_client_set_call_timeout(c, 0), -EINVAL);
        ck_assert_int_eq(zc_client_set_call_timeout(c, 1000), 0);
        ck_assert_int_eq(zc_entry_group_new(c, NULL, NULL, NULL), -EINVAL);

        /* zeroconfd is not there, so the client says so and stays usable. */
        ck_assert_int_eq(zc_client_dispatch(c), 0);
        ck_assert_int_eq(zc_client_get_state(c), ZC_CLIENT_DAEMON_GONE);
        ck_assert_int_eq(zc_client_run(c, 50), 0);
        zc_client_free(c);
        bus_stop();
}
END_TEST

/* The bus goes away under a client: dispatch says so, the state callback hears it, no exit(). */
static int seen_state;
static void on_state(zc_client *c, zc_client_state s, void *userdata) {
        seen_state = (int)s;
}

START_TEST(test_bus_lost) {
        zc_client *c = NULL;
        int r = 0;
        bus_start();
        ck_assert_int_eq(zc_client_new(&c, bus_address), 0);
        zc_client_set_callback(c, on_state, NULL);
        bus_stop();
        for (int i = 0; i < 1500 && r == 0; i++)
                r = zc_client_run(c, 20);  /* its dispatch fails once the bus is gone */
        ck_assert_int_eq(r, -ENOTCONN);
        ck_assert_int_eq(seen_state, ZC_CLIENT_DISCONNECTED);
        ck_assert_int_eq(zc_client_get_state(c), ZC_CLIENT_DISCONNECTED);
        zc_client_free(c);
}
END_TEST


/* ---- against a fake zeroconfd (a child process owning org.zeroconfd1 on the private bus) ---- */

#define FAKE_GROUP "/org/zeroconfd1/client/1/entrygroup/1"
#define FAKE_BROWSER "/org/zeroconfd1/client/1/servicebrowser/1"

static void fake_signal(DBusConnection *conn, const char *dest, const char *path, const char *iface,
                        const char *member, int first_type, ...) {
        va_list ap;
        DBusMessage *s = dbus_message_new_signal(path, iface, member);
        dbus_message_set_destination(s, dest);
        va_start(ap, first_type);
        dbus_message_append_args_valist(s, first_type, ap);
        va_end(ap);
        dbus_connection_send(conn, s, NULL);
        dbus_message_unref(s);
}

static void append_txt1(DBusMessage *m, const char *t) {
        DBusMessageIter it, arr, sub;
        const unsigned char *p = (const unsigned char *)t;
        dbus_message_iter_init_append(m, &it);
        dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "ay", &arr);
        dbus_message_iter_open_container(&arr, DBUS_TYPE_ARRAY, "y", &sub);
        dbus_message_iter_append_fixed_array(&sub, DBUS_TYPE_BYTE, &p, (int)strlen(t));
        dbus_message_iter_close_container(&arr, &sub);
        dbus_message_iter_close_container(&it, &arr);
}

/* The fake daemon: answers what the tests call, then exits on "Quit" (or when the bus goes). */
static void fake_daemon(void) {
        /* a forger: another connection on the bus, sending signals on our objects' paths */
        DBusConnection *forger = dbus_connection_open_private(bus_address, NULL);
        if (!forger || !dbus_bus_register(forger, NULL))
                _exit(2);
        DBusConnection *conn = dbus_connection_open_private(bus_address, NULL);
        if (!conn || !dbus_bus_register(conn, NULL) ||
            dbus_bus_request_name(conn, "org.zeroconfd1", DBUS_NAME_FLAG_DO_NOT_QUEUE, NULL) !=
                    DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER)
                _exit(2);
        /* Drain the queue before blocking: a call may have come in with the RequestName reply. */
        do {
                DBusMessage *m;
                while ((m = dbus_connection_pop_message(conn))) {
                        const char *member = dbus_message_get_member(m), *sender = dbus_message_get_sender(m);
                        if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_METHOD_CALL || !member) {
                                dbus_message_unref(m);
                                continue;
                        }
                        DBusMessage *r = NULL;
                        const char *path = NULL, *s = NULL;
                        dbus_int32_t i = 0;
                        if (strcmp(member, "Quit") == 0)
                                _exit(0);
                        if (strcmp(member, "EntryGroupNew") == 0) {
                                path = FAKE_GROUP;
                                r = dbus_message_new_method_return(m);
                                dbus_message_append_args(r, DBUS_TYPE_OBJECT_PATH, &path, DBUS_TYPE_INVALID);
                        } else if (strcmp(member, "ServiceBrowserNew") == 0) {
                                path = FAKE_BROWSER;
                                r = dbus_message_new_method_return(m);
                                dbus_message_append_args(r, DBUS_TYPE_OBJECT_PATH, &path, DBUS_TYPE_INVALID);
                        } else if (strcmp(member, "AddService") == 0) {
                                const char *name, *type, *domain, *host;
                                dbus_int32_t p;
                                dbus_uint32_t f;
                                dbus_uint16_t port;
                                DBusMessageIter it;
                                dbus_message_iter_init(m, &it);
                                dbus_message_get_args(m, NULL, DBUS_TYPE_INT32, &i, DBUS_TYPE_INT32, &p, DBUS_TYPE_UINT32,
                                                      &f, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING, &type,
                                                      DBUS_TYPE_STRING, &domain, DBUS_TYPE_STRING, &host,
                                                      DBUS_TYPE_UINT16, &port, DBUS_TYPE_INVALID);
                                if (!dbus_message_has_signature(m, "iiussssqaay"))
                                        r = dbus_message_new_error(m, "org.zeroconfd1.Error.InvalidArgs", "signature");
                                else if (strcmp(type, "_bad") == 0)
                                        r = dbus_message_new_error(m, "org.zeroconfd1.Error.InvalidServiceType",
                                                                   "type: not _name._tcp or _name._udp");
                                else if (strcmp(name, "Web") != 0 || port != 8080 || domain[0] || host[0] || i != -1)
                                        r = dbus_message_new_error(m, "org.zeroconfd1.Error.Failed", "unexpected arguments");
                                else
                                        r = dbus_message_new_method_return(m);
                        } else if (strcmp(member, "Commit") == 0) {
                                r = dbus_message_new_method_return(m);
                                dbus_connection_send(conn, r, NULL);
                                dbus_message_unref(r);
                                r = NULL;
                                const char *st = "established", *alt = "";
                                /* a forged state first: the client must ignore it */
                                const char *bad = "collision", *badalt = "Forged";
                                fake_signal(forger, sender, FAKE_GROUP, "org.zeroconfd1.EntryGroup", "StateChanged",
                                            DBUS_TYPE_STRING, &bad, DBUS_TYPE_STRING, &badalt, DBUS_TYPE_INVALID);
                                dbus_connection_flush(forger);
                                fake_signal(conn, sender, FAKE_GROUP, "org.zeroconfd1.EntryGroup", "StateChanged",
                                            DBUS_TYPE_STRING, &st, DBUS_TYPE_STRING, &alt, DBUS_TYPE_INVALID);
                        } else if (strcmp(member, "Start") == 0) {
                                r = dbus_message_new_method_return(m);
                                dbus_connection_send(conn, r, NULL);
                                dbus_message_unref(r);
                                r = NULL;
                                dbus_int32_t ifi = 2, proto = 0;
                                dbus_uint32_t fl = 0;
                                const char *n = "Printer \xc3\xa4", *t = "_ipp._tcp", *d = "local", *fn = "Forged";
                                fake_signal(forger, sender, FAKE_BROWSER, "org.zeroconfd1.ServiceBrowser", "ItemNew",
                                            DBUS_TYPE_INT32, &ifi, DBUS_TYPE_INT32, &proto, DBUS_TYPE_STRING, &fn,
                                            DBUS_TYPE_STRING, &t, DBUS_TYPE_STRING, &d, DBUS_TYPE_UINT32, &fl,
                                            DBUS_TYPE_INVALID);
                                dbus_connection_flush(forger);
                                /* a signal of the wrong signature is dropped */
                                fake_signal(conn, sender, FAKE_BROWSER, "org.zeroconfd1.ServiceBrowser", "ItemNew",
                                            DBUS_TYPE_STRING, &n, DBUS_TYPE_INVALID);
                                fake_signal(conn, sender, FAKE_BROWSER, "org.zeroconfd1.ServiceBrowser", "ItemNew",
                                            DBUS_TYPE_INT32, &ifi, DBUS_TYPE_INT32, &proto, DBUS_TYPE_STRING, &n,
                                            DBUS_TYPE_STRING, &t, DBUS_TYPE_STRING, &d, DBUS_TYPE_UINT32, &fl,
                                            DBUS_TYPE_INVALID);
                                fake_signal(conn, sender, FAKE_BROWSER, "org.zeroconfd1.ServiceBrowser", "AllForNow",
                                            DBUS_TYPE_INVALID);
                        } else if (strcmp(member, "ResolveService") == 0) {
                                dbus_int32_t ifi = 2, proto = 1, ap = 1;
                                dbus_uint32_t fl = 0;
                                dbus_uint16_t port = 631;
                                const char *n = "Printer", *t = "_ipp._tcp", *d = "local", *h = "pr.local",
                                           *a = "fe80::1%eth0";
                                r = dbus_message_new_method_return(m);
                                dbus_message_append_args(r, DBUS_TYPE_INT32, &ifi, DBUS_TYPE_INT32, &proto,
                                                         DBUS_TYPE_STRING, &n, DBUS_TYPE_STRING, &t, DBUS_TYPE_STRING, &d,
                                                         DBUS_TYPE_STRING, &h, DBUS_TYPE_INT32, &ap, DBUS_TYPE_STRING, &a,
                                                         DBUS_TYPE_UINT16, &port, DBUS_TYPE_INVALID);
                                append_txt1(r, "rp=ipp/print");
                                dbus_message_append_args(r, DBUS_TYPE_UINT32, &fl, DBUS_TYPE_INVALID);
                        } else if (strcmp(member, "ResolveHostName") == 0) {
                                r = dbus_message_new_error(m, "org.zeroconfd1.Error.Timeout", "no answer in 5 s");
                        } else if (strcmp(member, "Get") == 0) {
                                DBusMessageIter it, v;
                                s = "peer.local";
                                r = dbus_message_new_method_return(m);
                                dbus_message_iter_init_append(r, &it);
                                dbus_message_iter_open_container(&it, DBUS_TYPE_VARIANT, "s", &v);
                                dbus_message_iter_append_basic(&v, DBUS_TYPE_STRING, &s);
                                dbus_message_iter_close_container(&it, &v);
                        } else if (strcmp(member, "SetHostName") == 0) {
                                r = dbus_message_new_error(m, "org.zeroconfd1.Error.AccessDenied",
                                                           "SetHostName: only root may rename the host");
                        } else if (strcmp(member, "Free") == 0 || strcmp(member, "Reset") == 0) {
                                r = dbus_message_new_method_return(m);
                        } else
                                r = dbus_message_new_error(m, "org.zeroconfd1.Error.UnknownMethod", member);
                        (void)s;
                        if (r) {
                                dbus_connection_send(conn, r, NULL);
                                dbus_message_unref(r);
                        }
                        dbus_connection_flush(conn);
                        dbus_message_unref(m);
                }
        } while (dbus_connection_read_write(conn, -1));
        _exit(0);
}

static pid_t fake_start(void) {
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0)
                fake_daemon();
        return pid;
}

/* Ends the fake daemon by its Quit method, and reaps it. */
static void fake_stop(pid_t fake) {
        DBusMessage *q = dbus_message_new_method_call("org.zeroconfd1", "/org/zeroconfd1", "org.zeroconfd1.Test", "Quit");
        DBusConnection *qc = dbus_connection_open_private(bus_address, NULL);
        ck_assert(qc && dbus_bus_register(qc, NULL));
        dbus_connection_send(qc, q, NULL);
        dbus_connection_flush(qc);
        dbus_message_unref(q);
        ck_assert_int_eq(waitpid(fake, NULL, 0), fake);
        dbus_connection_close(qc);
        dbus_connection_unref(qc);
}

struct seen {
        int states[8], n_states;
        char alt[64];
        int items, all_for_now;
        char item_name[64], item_type[32];
        int item_if, item_proto;
        int client_states[8], n_client_states;
};

static void on_group(zc_entry_group *g, zc_entry_group_state st, const char *alt, void *userdata) {
        struct seen *s = userdata;
        if (s->n_states < 8)
                s->states[s->n_states++] = (int)st;
        snprintf(s->alt, sizeof s->alt, "%s", alt);
}

static void on_browse(zc_browser *b, zc_browser_event ev, const zc_item *it, void *userdata) {
        struct seen *s = userdata;
        if (ev == ZC_BROWSER_NEW) {
                s->items++;
                snprintf(s->item_name, sizeof s->item_name, "%s", it->name);
                snprintf(s->item_type, sizeof s->item_type, "%s", it->type);
                s->item_if = it->interface;
                s->item_proto = it->protocol;
        } else if (ev == ZC_BROWSER_ALL_FOR_NOW)
                s->all_for_now++;
}

static void on_client(zc_client *c, zc_client_state st, void *userdata) {
        struct seen *s = userdata;
        if (s->n_client_states < 8)
                s->client_states[s->n_client_states++] = (int)st;
}

static zc_client *fake_client(struct seen *s) {
        zc_client *c = NULL;
        for (int i = 0; i < 3000; i++) {  /* until the fake daemon owns the name (30 s) */
                ck_assert_int_eq(zc_client_new(&c, bus_address), 0);
                if (zc_client_get_state(c) == ZC_CLIENT_RUNNING)
                        break;
                zc_client_free(c);
                c = NULL;
                usleep(10000);
        }
        ck_assert_ptr_nonnull(c);
        zc_client_set_callback(c, on_client, s);
        /* generous: a loaded machine (make -j, sanitizers) must not make the test fail */
        ck_assert_int_eq(zc_client_set_call_timeout(c, 25000), 0);
        return c;
}

START_TEST(test_fake_publish) {
        struct seen s = { 0 };
        const char *txt[] = { "path=/", NULL };
        zc_entry_group *g = NULL;
        bus_start();
        pid_t fake = fake_start();
        zc_client *c = fake_client(&s);

        ck_assert_int_eq(zc_entry_group_new(c, on_group, &s, &g), 0);
        ck_assert_int_eq(zc_entry_group_get_state(g), ZC_ENTRY_GROUP_UNCOMMITTED);
        /* a daemon error: negative errno, message and name kept */
        ck_assert_int_eq(zc_entry_group_add_service(g, -1, -1, 0, "Web", "_bad", NULL, NULL, 8080, txt), -EINVAL);
        ck_assert_str_eq(zc_client_get_error_name(c), "org.zeroconfd1.Error.InvalidServiceType");
        ck_assert(strstr(zc_client_get_error(c), "type: not _name._tcp") != NULL);
        ck_assert_int_eq(zc_entry_group_add_service(g, -1, -1, 0, "Web", "_http._tcp", NULL, NULL, 8080, txt), 0);
        ck_assert_str_eq(zc_client_get_error(c), "");
        ck_assert_ptr_null(zc_client_get_error_name(c));
        ck_assert_int_eq(zc_entry_group_commit(g), 0);
        /* the forged "collision" from another connection is ignored; "established" arrives */
        for (int i = 0; i < 1500 && s.n_states == 0; i++)
                ck_assert_int_eq(zc_client_run(c, 20), 0);
        ck_assert_int_eq(s.n_states, 1);
        ck_assert_int_eq(s.states[0], ZC_ENTRY_GROUP_ESTABLISHED);
        ck_assert_int_eq(zc_entry_group_get_state(g), ZC_ENTRY_GROUP_ESTABLISHED);
        ck_assert_str_eq(s.alt, "");

        /* Manager: a property, and AccessDenied as -EACCES */
        char *host = NULL;
        ck_assert_int_eq(zc_client_get_host_name(c, &host), 0);
        ck_assert_str_eq(host, "peer.local");
        free(host);
        ck_assert_int_eq(zc_client_set_host_name(c, "other"), -EACCES);
        ck_assert_str_eq(zc_client_get_error_name(c), "org.zeroconfd1.Error.AccessDenied");

        /* the daemon goes: the application is told, the group is gone */
        fake_stop(fake);
        for (int i = 0; i < 1500 && zc_client_get_state(c) == ZC_CLIENT_RUNNING; i++)
                ck_assert_int_eq(zc_client_run(c, 20), 0);
        ck_assert_int_eq(zc_client_get_state(c), ZC_CLIENT_DAEMON_GONE);
        ck_assert_int_eq(s.n_client_states, 1);
        ck_assert_int_eq(s.client_states[0], ZC_CLIENT_DAEMON_GONE);
        ck_assert_int_eq(zc_entry_group_get_state(g), ZC_ENTRY_GROUP_FAILURE);
        /* and comes back */
        fake = fake_start();
        for (int i = 0; i < 1500 && zc_client_get_state(c) != ZC_CLIENT_RUNNING; i++)
                ck_assert_int_eq(zc_client_run(c, 20), 0);
        ck_assert_int_eq(zc_client_get_state(c), ZC_CLIENT_RUNNING);
        ck_assert_int_eq(s.n_client_states, 2);
        ck_assert_int_eq(s.client_states[1], ZC_CLIENT_RUNNING);
        /* the group was made again on the new daemon (the same service, committed): established */
        for (int i = 0; i < 1500 && s.n_states < 2; i++)
                ck_assert_int_eq(zc_client_run(c, 20), 0);
        ck_assert_msg(s.n_states == 2, "the group did not come back: %s", zc_client_get_error(c));
        ck_assert_int_eq(s.states[1], ZC_ENTRY_GROUP_ESTABLISHED);
        ck_assert_int_eq(zc_entry_group_get_state(g), ZC_ENTRY_GROUP_ESTABLISHED);
        /* after a Reset nothing is left to make again */
        ck_assert_int_eq(zc_entry_group_reset(g), 0);
        ck_assert_int_eq(zc_entry_group_get_state(g), ZC_ENTRY_GROUP_UNCOMMITTED);
        zc_entry_group_free(g);
        zc_client_free(c);
        fake_stop(fake);
        bus_stop();
}
END_TEST

START_TEST(test_fake_browse_resolve) {
        struct seen s = { 0 };
        zc_browser *b = NULL;
        zc_resolved res;
        bus_start();
        pid_t fake = fake_start();
        zc_client *c = fake_client(&s);

        ck_assert_int_eq(zc_service_browser_new(c, -1, -1, "_ipp._tcp", NULL, 0, on_browse, &s, &b), 0);
        for (int i = 0; i < 1500 && !s.all_for_now; i++)
                ck_assert_int_eq(zc_client_run(c, 20), 0);
        /* one item: the forged one and the one of the wrong signature are dropped */
        ck_assert_int_eq(s.all_for_now, 1);
        ck_assert_int_eq(s.items, 1);
        ck_assert_str_eq(s.item_name, "Printer \xc3\xa4");
        ck_assert_str_eq(s.item_type, "_ipp._tcp");
        ck_assert_int_eq(s.item_if, 2);
        ck_assert_int_eq(s.item_proto, 0);
        /* the daemon restarts: the browser is made again and reports its items again */
        fake_stop(fake);
        for (int i = 0; i < 1500 && zc_client_get_state(c) == ZC_CLIENT_RUNNING; i++)
                ck_assert_int_eq(zc_client_run(c, 20), 0);
        fake = fake_start();
        for (int i = 0; i < 1500 && s.all_for_now < 2; i++)
                ck_assert_int_eq(zc_client_run(c, 20), 0);
        ck_assert_msg(s.all_for_now == 2, "the browser did not come back: %s", zc_client_get_error(c));
        ck_assert_int_eq(s.items, 2);
        ck_assert_int_eq(s.n_client_states, 2);
        ck_assert_int_eq(s.client_states[0], ZC_CLIENT_DAEMON_GONE);
        ck_assert_int_eq(s.client_states[1], ZC_CLIENT_RUNNING);
        zc_browser_free(b);

        ck_assert_int_eq(zc_resolve_service(c, -1, -1, "Printer", "_ipp._tcp", NULL, -1, 1000, &res), 0);
        ck_assert_str_eq(res.host, "pr.local");
        ck_assert_str_eq(res.address, "fe80::1%eth0");
        ck_assert_int_eq(res.port, 631);
        ck_assert_int_eq(res.aprotocol, 1);
        ck_assert_uint_eq(res.n_txt, 1);
        ck_assert_uint_eq(res.txt[0].len, 12);
        ck_assert(memcmp(res.txt[0].data, "rp=ipp/print", 12) == 0);
        zc_resolved_clear(&res);
        /* the daemon's Timeout: asked again until our own timeout, then -ETIMEDOUT */
        ck_assert_int_eq(zc_resolve_host_name(c, -1, -1, "none.local", -1, 300, &res), -ETIMEDOUT);
        ck_assert(strstr(zc_client_get_error(c), "300 ms") != NULL);

        zc_client_free(c);
        fake_stop(fake);
        bus_stop();
}
END_TEST

int main(void) {
        Suite *s = suite_create("client");
        TCase *tc = tcase_create("args");
        tcase_add_test(tc, test_errno_map);
        tcase_add_test(tc, test_check_string);
        tcase_add_test(tc, test_check_txt);
        tcase_add_test(tc, test_check_interface_protocol);
        tcase_add_test(tc, test_group_states);
        tcase_add_test(tc, test_null_objects);
        suite_add_tcase(s, tc);
        tc = tcase_create("bus");
        tcase_set_timeout(tc, 180);
        tcase_add_test(tc, test_no_bus);
        tcase_add_test(tc, test_no_daemon);
        tcase_add_test(tc, test_bus_lost);
        tcase_add_test(tc, test_fake_publish);
        tcase_add_test(tc, test_fake_browse_resolve);
        suite_add_tcase(s, tc);
        return unit_run(s);
}
