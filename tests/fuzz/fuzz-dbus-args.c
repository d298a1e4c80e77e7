/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The D-Bus argument checks (daemon/dbus/bus.h, dnssd/validate.h): every argument a client can
 * pass to a method of org.zeroconfd1 goes through one of these pure functions before the handler
 * touches the registry or the querier. The first input byte picks the check, the rest is the
 * argument:
 *
 *   0 host name (SetHostName, AddService's host)    zbus_check_host_label
 *   1 domain                                         zbus_check_domain
 *   2 instance name, and the rename after a conflict dnssd_check_instance_name,
 *                                                    zbus_alternative_service_name
 *   3 service type and subtype                       dnssd_check_service_type, dnssd_parse_subtype
 *   4 TXT (aay), built into a real DBusMessage       zbus_parse_txt
 *   5 AddRecord: type and rdata                      dns_rdata_validate
 *   6 interface and protocol (int32)                 zbus_check_ifindex, zbus_check_protocol
 *   7 a whole marshalled message (the bytes as a client could send them): libdbus validates it,
 *     then every string argument goes through the name checks and every aay through the TXT
 *     parser, as the dispatcher hands them to the handlers.
 *
 * Each check must answer 0 or a negative errno (never crash, never read out of bounds) and what
 * it accepts must hold what the handlers rely on. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <dbus/dbus.h>

#include "dbus/bus.h"
#include "dns/dns.h"
#include "dns/dns-rr.h"
#include "dnssd/validate.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                             \
        do {                                                                                    \
                if (!(cond)) {                                                                  \
                        fprintf(stderr, "fuzz-dbus-args: check failed at line %d: %s\n", __LINE__, #cond); \
                        abort();                                                                \
                }                                                                               \
        } while (0)

#define TXT_ITEMS_MAX 4500

static void check_host_label(const char *s) {
        char out[DNS_LABEL_MAX + 1];
        const char *reason = NULL;
        int r = zbus_check_host_label(s, out, sizeof(out), &reason);

        CHECK(r == 0 || r == -EINVAL);
        if (r < 0) {
                CHECK(reason != NULL);
                return;
        }
        size_t len = strlen(out);
        CHECK(len >= 1 && len <= DNS_LABEL_MAX);
        CHECK(!memchr(out, '.', len) && !memchr(out, '\\', len));
        CHECK(dnssd_utf8_is_valid(out, len));
        /* the handlers publish "<label>.local": it must convert */
        char text[DNS_LABEL_MAX + 8];
        struct dns_name n;
        snprintf(text, sizeof(text), "%s.local", out);
        CHECK(dns_name_from_text(&n, text) == 0);
}

static void check_domain(const char *s) {
        const char *reason = NULL;
        struct dns_name n;
        int r = zbus_check_domain(s, &reason);

        CHECK(r == 0 || r == -EINVAL);
        if (r < 0)
                CHECK(reason != NULL);
        else if (*s)
                CHECK(dns_name_from_text(&n, s) == 0);
}

static void check_instance(const char *s, size_t len) {
        const char *reason = NULL;
        char alt[DNS_LABEL_MAX + 1];
        int r = dnssd_check_instance_name(s, len, &reason);

        CHECK(r == 0 || r == -EINVAL || r == -EMSGSIZE);
        if (len != strlen(s))
                return;
        int a = zbus_alternative_service_name(s, alt, sizeof(alt), &reason);
        CHECK(a == 0 || a == -EINVAL || a == -ENOBUFS);
        CHECK((a == -EINVAL) == (r < 0));
        if (a == 0) {
                /* the new name is a valid instance name again, and different */
                CHECK(dnssd_check_instance_name(alt, strlen(alt), &reason) == 0);
                CHECK(strcmp(alt, s) != 0);
        }
}

static void check_type(const char *s) {
        const char *reason = NULL;
        char label[DNSSD_SUBTYPE_MAX + 1];
        int r = dnssd_check_service_type(s, &reason);

        CHECK(r == 0 || r == -EINVAL);
        if (r == 0) {
                CHECK(strlen(s) <= 4 + 15 + 1 + 1 + 3);
                r = dnssd_parse_subtype("_printer._sub._x._tcp", s, label, &reason);
                CHECK(r == 0 || r == -EINVAL);
        }
        r = dnssd_check_subtype_label(s, &reason);
        CHECK(r == 0 || r == -EINVAL);
        r = dnssd_parse_subtype(s, "_http._tcp", label, &reason);
        CHECK(r == 0 || r == -EINVAL);
        if (r == 0)
                CHECK(strlen(label) >= 1 && strlen(label) <= DNSSD_SUBTYPE_MAX);
}

/* The TXT argument: check an aay already in a message. */
static void check_txt_iter(DBusMessageIter *it) {
        static struct dnssd_txt_item items[TXT_ITEMS_MAX];
        const char *reason = NULL;
        size_t n = 0, total = 0;
        int r = zbus_parse_txt(it, items, TXT_ITEMS_MAX, &n, &total, &reason);

        CHECK(r == 0 || r == -EINVAL || r == -E2BIG);
        if (r < 0) {
                CHECK(reason != NULL);
                return;
        }
        CHECK(total >= 1 && total <= DNSSD_TXT_SIZE_MAX);
        size_t sum = 0;
        for (size_t i = 0; i < n; i++) {
                CHECK(items[i].len >= 1 && items[i].len <= 255);
                CHECK(dnssd_check_txt_string(items[i].data, items[i].len, &reason) == 0);
                for (size_t k = 0; k < i; k++)
                        CHECK(!dnssd_txt_same_key(items[k].data, items[k].len, items[i].data, items[i].len));
                sum += 1 + items[i].len;
        }
        CHECK(n ? sum == total : total == 1);
}

/* The payload as TXT strings: each one a length octet and that many octets (cut at the end). */
static void check_txt(const uint8_t *p, size_t len) {
        DBusMessage *m = dbus_message_new_method_call(ZBUS_NAME, "/x", "org.zeroconfd1.EntryGroup", "UpdateServiceTxt");
        DBusMessageIter it, arr, bytes;

        if (!m)
                return;
        dbus_message_iter_init_append(m, &it);
        if (!dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "ay", &arr))
                goto out;
        while (len > 0) {
                size_t l = p[0];
                bool repeat = l == 255;
                p++, len--;
                if (l > len)
                        l = len;
                /* a length octet of 255 stands for "the next octet 300 times": too-long strings */
                uint8_t big[300];
                const uint8_t *s = p;
                int sl = (int) l;
                if (repeat && len > 0) {
                        memset(big, p[0], sizeof(big));
                        s = big;
                        sl = sizeof(big);
                        l = 1;
                }
                if (!dbus_message_iter_open_container(&arr, DBUS_TYPE_ARRAY, "y", &bytes) ||
                    !dbus_message_iter_append_fixed_array(&bytes, DBUS_TYPE_BYTE, &s, sl) ||
                    !dbus_message_iter_close_container(&arr, &bytes))
                        goto out;
                p += l, len -= l;
        }
        if (!dbus_message_iter_close_container(&it, &arr))
                goto out;
        if (dbus_message_iter_init(m, &it))
                check_txt_iter(&it);
out:
        dbus_message_unref(m);
}

static void check_rdata(const uint8_t *p, size_t len) {
        if (len < 2)
                return;
        uint16_t type = (uint16_t) (p[0] << 8 | p[1]);
        int r = dns_rdata_validate(type, p + 2, len - 2);
        CHECK(r == 0 || r == -EBADMSG);
        if (r == 0 && type == 1)
                CHECK(len - 2 == 4);
        if (r == 0 && type == 28)
                CHECK(len - 2 == 16);
}

static void check_ints(const uint8_t *p, size_t len) {
        int32_t v[2] = { 0, 0 };
        const char *reason = NULL;
        int family = -1;

        memcpy(v, p, len < sizeof(v) ? len : sizeof(v));
        int r = zbus_check_ifindex(NULL, v[0], &reason);
        CHECK(r == 0 || r == -ENODEV);
        CHECK((r == 0) == (v[0] == -1));
        r = zbus_check_protocol(v[1], &family, &reason);
        CHECK(r == 0 || r == -EINVAL);
        if (r == 0)
                CHECK(family == AF_UNSPEC || family == AF_INET || family == AF_INET6);
}

static void check_strings(const char *s) {
        check_host_label(s);
        check_domain(s);
        check_instance(s, strlen(s));
        check_type(s);
}

/* A marshalled message: walk its arguments (one level of containers) as the handlers would. */
static void walk(DBusMessageIter *it, int depth) {
        do {
                int t = dbus_message_iter_get_arg_type(it);
                if (t == DBUS_TYPE_INVALID)
                        return;
                if (t == DBUS_TYPE_STRING || t == DBUS_TYPE_OBJECT_PATH || t == DBUS_TYPE_SIGNATURE) {
                        const char *s = NULL;
                        dbus_message_iter_get_basic(it, &s);
                        if (s)
                                check_strings(s);
                } else if (t == DBUS_TYPE_ARRAY && depth < 4) {
                        if (dbus_message_iter_get_element_type(it) == DBUS_TYPE_ARRAY) {
                                DBusMessageIter copy = *it;
                                check_txt_iter(&copy);
                        }
                        if (dbus_message_iter_get_element_type(it) != DBUS_TYPE_BYTE) {
                                DBusMessageIter sub;
                                dbus_message_iter_recurse(it, &sub);
                                walk(&sub, depth + 1);
                        }
                } else if ((t == DBUS_TYPE_STRUCT || t == DBUS_TYPE_VARIANT || t == DBUS_TYPE_DICT_ENTRY) &&
                           depth < 4) {
                        DBusMessageIter sub;
                        dbus_message_iter_recurse(it, &sub);
                        walk(&sub, depth + 1);
                }
        } while (dbus_message_iter_next(it));
}

static void check_message(const uint8_t *p, size_t len) {
        DBusError err = DBUS_ERROR_INIT;
        DBusMessageIter it;

        if (len < 16 || dbus_message_demarshal_bytes_needed((const char *) p, (int) len) != (int) len)
                return;
        DBusMessage *m = dbus_message_demarshal((const char *) p, (int) len, &err);
        if (!m) {
                dbus_error_free(&err);
                return;
        }
        const char *member = dbus_message_get_member(m);
        if (member)
                check_strings(member);
        if (dbus_message_iter_init(m, &it))
                walk(&it, 0);
        dbus_message_unref(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static bool init;
        char *s;

        if (!init) {
                log_set_target(LOG_TARGET_NONE);
                init = true;
        }
        if (size < 1 || size > 65536)
                return 0;
        const uint8_t *p = data + 1;
        size_t len = size - 1;

        switch (data[0] & 7) {
        case 0:
        case 1:
        case 2:
        case 3:
                /* D-Bus strings are NUL-free: cut at the first NUL as libdbus would refuse it */
                s = malloc(len + 1);
                if (!s)
                        return 0;
                memcpy(s, p, len);
                s[len] = 0;
                if ((data[0] & 7) == 0)
                        check_host_label(s);
                else if ((data[0] & 7) == 1)
                        check_domain(s);
                else if ((data[0] & 7) == 2)
                        check_instance(s, len);
                else
                        check_type(s);
                free(s);
                break;
        case 4:
                check_txt(p, len);
                break;
        case 5:
                check_rdata(p, len);
                break;
        case 6:
                check_ints(p, len);
                break;
        case 7:
                check_message(p, len);
                break;
        }
        return 0;
}
