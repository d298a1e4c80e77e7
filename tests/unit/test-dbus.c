/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The D-Bus server's pure parts: the introspection XML is the truth (every method, property and
 * signal dispatched is in the XML with the same signature, and nothing more), argument checks,
 * TXT conversion, state mappings, alternative names. */
#include <check.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dbus/browser.h"
#include "dbus/bus.h"
#include "iface.h"
#include "log.h"
#include "unit.h"

/* ---- a small reader of introspection XML ---- */

/* The value of attribute `name` in the tag starting at tag (up to its '>'), or "" */
static void attr(const char *tag, const char *name, char *out, size_t size) {
        const char *end = strchr(tag, '>');
        char key[64];
        const char *p;

        out[0] = 0;
        snprintf(key, sizeof key, " %s=\"", name);
        p = strstr(tag, key);
        if (!p || (end && p > end))
                return;
        p += strlen(key);
        snprintf(out, size, "%.*s", (int) (strchr(p, '"') - p), p);
}

/* The member element `kind` ("method", "signal") named `name` in xml: its in and out
 * signatures (arguments in order). Returns false if there is none. */
static bool xml_member(const char *xml, const char *kind, const char *name, char *in, char *out) {
        char open[128], close[64];
        const char *p, *end, *a;

        snprintf(open, sizeof open, "<%s name=\"%s\"", kind, name);
        snprintf(close, sizeof close, "</%s>", kind);
        p = strstr(xml, open);
        if (!p)
                return false;
        in[0] = out[0] = 0;
        end = strchr(p, '>');
        if (end[-1] == '/') /* <method name="Reset"/> */
                return true;
        end = strstr(p, close);
        ck_assert_ptr_nonnull(end);
        for (a = strstr(p, "<arg "); a && a < end; a = strstr(a + 1, "<arg ")) {
                char type[64], dir[16];

                attr(a, "type", type, sizeof type);
                attr(a, "direction", dir, sizeof dir);
                strcat(!strcmp(dir, "out") ? out : in, type);
        }
        return true;
}

static size_t xml_count(const char *xml, const char *what) {
        size_t n = 0;

        for (const char *p = strstr(xml, what); p; p = strstr(p + 1, what))
                n++;
        return n;
}

static void check_vtable(const struct zbus_vtable *vt) {
        char in[256], out[256], iface[128];
        size_t n_methods = 0, n_props = 0, n_signals = 0;
        const struct zbus_method *tables[] = { vt->methods, vt->more_methods };

        attr(strstr(vt->xml, "<interface "), "name", iface, sizeof iface);
        ck_assert_str_eq(iface, vt->interface);
        for (size_t t = 0; t < 2; t++)
                for (const struct zbus_method *m = tables[t]; m && m->name; m++) {
                        ck_assert_msg(xml_member(vt->xml, "method", m->name, in, out), "%s.%s is not in the XML",
                                      vt->interface, m->name);
                        ck_assert_msg(!strcmp(in, m->in_sig), "%s.%s: XML in (%s), code (%s)", vt->interface,
                                      m->name, in, m->in_sig);
                        ck_assert_msg(!strcmp(out, m->out_sig), "%s.%s: XML out (%s), code (%s)", vt->interface,
                                      m->name, out, m->out_sig);
                        ck_assert_ptr_nonnull(m->call);
                        n_methods++;
                }
        for (const struct zbus_property *p = vt->properties; p && p->name; p++) {
                char open[128], type[64];
                const char *e;

                snprintf(open, sizeof open, "<property name=\"%s\"", p->name);
                e = strstr(vt->xml, open);
                ck_assert_msg(e != NULL, "property %s.%s is not in the XML", vt->interface, p->name);
                attr(e, "type", type, sizeof type);
                ck_assert_msg(!strcmp(type, p->sig), "%s.%s: XML type %s, code %s", vt->interface, p->name, type,
                              p->sig);
                attr(e, "access", type, sizeof type);
                ck_assert_str_eq(type, "read");
                n_props++;
        }
        for (const struct zbus_signal *s = vt->signals; s && s->name; s++) {
                ck_assert_msg(xml_member(vt->xml, "signal", s->name, in, out), "signal %s.%s is not in the XML",
                              vt->interface, s->name);
                ck_assert_msg(!strcmp(in, s->sig), "%s.%s: XML (%s), code (%s)", vt->interface, s->name, in, s->sig);
                n_signals++;
        }
        /* and nothing in the XML that the code does not serve */
        ck_assert_uint_eq(xml_count(vt->xml, "<method "), n_methods);
        ck_assert_uint_eq(xml_count(vt->xml, "<property "), n_props);
        ck_assert_uint_eq(xml_count(vt->xml, "<signal "), n_signals);
}

START_TEST(test_xml_matches_code) {
        check_vtable(&zbus_manager_vtable); /* with browser.c's Manager methods (more_methods) */
        check_vtable(&zbus_link_vtable);
        check_vtable(&zbus_entry_group_vtable);
        check_vtable(&zbus_service_browser_vtable);
        check_vtable(&zbus_service_type_browser_vtable);
        check_vtable(&zbus_service_resolver_vtable);
        check_vtable(&zbus_host_resolver_vtable);
        check_vtable(&zbus_address_resolver_vtable);
        check_vtable(&zbus_record_browser_vtable);
}
END_TEST

/* The embedded XML is the installed file's <interface> element, byte for byte. */
START_TEST(test_xml_embedded_is_installed) {
        static const struct {
                const char *file;
                const char *xml;
        } files[] = {
                { "org.zeroconfd1.Manager.xml", zbus_xml_manager },
                { "org.zeroconfd1.Link.xml", zbus_xml_link },
                { "org.zeroconfd1.EntryGroup.xml", zbus_xml_entry_group },
                { "org.zeroconfd1.ServiceBrowser.xml", zbus_xml_service_browser },
                { "org.zeroconfd1.ServiceTypeBrowser.xml", zbus_xml_service_type_browser },
                { "org.zeroconfd1.ServiceResolver.xml", zbus_xml_service_resolver },
                { "org.zeroconfd1.HostResolver.xml", zbus_xml_host_resolver },
                { "org.zeroconfd1.AddressResolver.xml", zbus_xml_address_resolver },
                { "org.zeroconfd1.RecordBrowser.xml", zbus_xml_record_browser },
        };

        for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
                char path[512], buf[65536];
                FILE *f;
                size_t n;
                const char *b, *e;

                snprintf(path, sizeof path, "%s/%s", DBUS_XML_DIR, files[k].file);
                f = fopen(path, "r");
                ck_assert_ptr_nonnull(f);
                n = fread(buf, 1, sizeof buf - 1, f);
                fclose(f);
                buf[n] = 0;
                b = strstr(buf, " <interface ");
                e = strstr(buf, "</interface>\n");
                ck_assert(b && e);
                e += strlen("</interface>\n");
                ck_assert_uint_eq(strlen(files[k].xml), (size_t) (e - b));
                ck_assert(!memcmp(files[k].xml, b, (size_t) (e - b)));
                /* every error the code can give is listed in the Manager's file */
                if (k == 0) {
                        static const char *const errors[] = {
                                ZBUS_ERROR_FAILED, ZBUS_ERROR_NO_MEMORY, ZBUS_ERROR_INVALID_ARGS,
                                ZBUS_ERROR_ACCESS_DENIED, ZBUS_ERROR_NOT_SUPPORTED, ZBUS_ERROR_UNKNOWN_METHOD,
                                ZBUS_ERROR_UNKNOWN_PROPERTY, ZBUS_ERROR_TOO_MANY_CLIENTS, ZBUS_ERROR_TOO_MANY_OBJECTS,
                                ZBUS_ERROR_TOO_MANY_ENTRIES, ZBUS_ERROR_INVALID_NAME, ZBUS_ERROR_INVALID_HOST_NAME,
                                ZBUS_ERROR_INVALID_SERVICE_TYPE, ZBUS_ERROR_INVALID_SUBTYPE, ZBUS_ERROR_INVALID_DOMAIN,
                                ZBUS_ERROR_INVALID_TXT, ZBUS_ERROR_INVALID_ADDRESS, ZBUS_ERROR_INVALID_INTERFACE,
                                ZBUS_ERROR_INVALID_PROTOCOL, ZBUS_ERROR_INVALID_FLAGS, ZBUS_ERROR_INVALID_RECORD,
                                ZBUS_ERROR_NOT_FOUND, ZBUS_ERROR_BAD_STATE, ZBUS_ERROR_COLLISION,
                                ZBUS_ERROR_TIMEOUT,
                        };
                        for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
                                char word[64];

                                snprintf(word, sizeof word, " %s", errors[i] + strlen(ZBUS_ERROR_PREFIX));
                                ck_assert_msg(strstr(buf, word), "%s is not listed", errors[i]);
                        }
                }
        }
}
END_TEST

/* ---- pure helpers ---- */

START_TEST(test_state_strings) {
        ck_assert_str_eq(zbus_entry_group_state_string(REG_GROUP_UNCOMMITTED), "uncommitted");
        ck_assert_str_eq(zbus_entry_group_state_string(REG_GROUP_WITHDRAWN), "uncommitted");
        ck_assert_str_eq(zbus_entry_group_state_string(REG_GROUP_PROBING), "registering");
        ck_assert_str_eq(zbus_entry_group_state_string(REG_GROUP_ANNOUNCING), "registering");
        ck_assert_str_eq(zbus_entry_group_state_string(REG_GROUP_ESTABLISHED), "established");
        ck_assert_str_eq(zbus_entry_group_state_string(REG_GROUP_COLLISION), "collision");
        ck_assert_str_eq(zbus_entry_group_state_string(_REG_GROUP_STATE_MAX), "failure");
        ck_assert_str_eq(zbus_link_state_string(0), "down");
        ck_assert_str_eq(zbus_link_state_string(IFF_UP), "no-carrier");
        ck_assert_str_eq(zbus_link_state_string(IFF_UP | IFF_RUNNING), "up");
}
END_TEST

START_TEST(test_alternative_service_name) {
        char out[64], long_name[64];
        const char *reason = NULL;

        ck_assert_int_eq(zbus_alternative_service_name("Printer", out, sizeof out, &reason), 0);
        ck_assert_str_eq(out, "Printer (2)");
        ck_assert_int_eq(zbus_alternative_service_name("Printer (2)", out, sizeof out, &reason), 0);
        ck_assert_str_eq(out, "Printer (3)");
        ck_assert_int_eq(zbus_alternative_service_name("Printer (99)", out, sizeof out, &reason), 0);
        ck_assert_str_eq(out, "Printer (100)");
        /* not our suffix: kept as part of the name */
        ck_assert_int_eq(zbus_alternative_service_name("Printer (1)", out, sizeof out, &reason), 0);
        ck_assert_str_eq(out, "Printer (1) (2)");
        ck_assert_int_eq(zbus_alternative_service_name("(5)", out, sizeof out, &reason), 0);
        ck_assert_str_eq(out, "(5) (2)");
        ck_assert_int_eq(zbus_alternative_service_name("A (02)", out, sizeof out, &reason), 0);
        ck_assert_str_eq(out, "A (02) (2)");
        /* 63 octets: cut to make room */
        memset(long_name, 'x', 63);
        long_name[63] = 0;
        ck_assert_int_eq(zbus_alternative_service_name(long_name, out, sizeof out, &reason), 0);
        ck_assert_uint_eq(strlen(out), 63);
        ck_assert_str_eq(out + 59, " (2)");
        /* Avahi CVE-2023-38473 class: empty, invalid UTF-8, control characters, too long */
        reason = NULL;
        ck_assert_int_eq(zbus_alternative_service_name("", out, sizeof out, &reason), -EINVAL);
        ck_assert_ptr_nonnull(reason);
        ck_assert_int_eq(zbus_alternative_service_name("\xff\xfe", out, sizeof out, &reason), -EINVAL);
        ck_assert_int_eq(zbus_alternative_service_name("a\nb", out, sizeof out, &reason), -EINVAL);
        char too_long[80];
        memset(too_long, 'y', 79);
        too_long[79] = 0;
        ck_assert_int_eq(zbus_alternative_service_name(too_long, out, sizeof out, &reason), -EINVAL);
}
END_TEST

START_TEST(test_check_host_label) {
        char out[64];
        const char *reason = NULL;
        char long_label[80];

        ck_assert_int_eq(zbus_check_host_label("myhost", out, sizeof out, &reason), 0);
        ck_assert_str_eq(out, "myhost");
        ck_assert_int_eq(zbus_check_host_label("myhost.local", out, sizeof out, &reason), 0);
        ck_assert_str_eq(out, "myhost");
        ck_assert_int_eq(zbus_check_host_label("myhost.local.", out, sizeof out, &reason), 0);
        ck_assert_str_eq(out, "myhost");
        /* Avahi CVE-2021-3502 / CVE-2023-38471 class */
        ck_assert_int_eq(zbus_check_host_label("", out, sizeof out, &reason), -EINVAL);
        ck_assert_int_eq(zbus_check_host_label(".local", out, sizeof out, &reason), -EINVAL);
        ck_assert_int_eq(zbus_check_host_label("a.b", out, sizeof out, &reason), -EINVAL);
        ck_assert_int_eq(zbus_check_host_label("a.b.local", out, sizeof out, &reason), -EINVAL);
        ck_assert_int_eq(zbus_check_host_label("bad\x01", out, sizeof out, &reason), -EINVAL);
        ck_assert_int_eq(zbus_check_host_label("\xc3\x28", out, sizeof out, &reason), -EINVAL);
        ck_assert_int_eq(zbus_check_host_label("a\\065b", out, sizeof out, &reason), -EINVAL); /* an escape */
        memset(long_label, 'h', 64);
        long_label[64] = 0;
        ck_assert_int_eq(zbus_check_host_label(long_label, out, sizeof out, &reason), -EINVAL);
        long_label[63] = 0;
        ck_assert_int_eq(zbus_check_host_label(long_label, out, sizeof out, &reason), 0);
}
END_TEST

START_TEST(test_check_protocol_ifindex_domain) {
        struct iface i = { .ifindex = 2, .name = "eth0" };
        struct iface_table t = { .list = &i };
        const char *reason = NULL;
        int family = -1;

        ck_assert_int_eq(zbus_check_protocol(-1, &family, &reason), 0);
        ck_assert_int_eq(family, AF_UNSPEC);
        ck_assert_int_eq(zbus_check_protocol(0, &family, &reason), 0);
        ck_assert_int_eq(family, AF_INET);
        ck_assert_int_eq(zbus_check_protocol(1, &family, &reason), 0);
        ck_assert_int_eq(family, AF_INET6);
        ck_assert_int_eq(zbus_check_protocol(2, &family, &reason), -EINVAL);
        ck_assert_int_eq(zbus_check_protocol(-2, &family, &reason), -EINVAL);

        ck_assert_int_eq(zbus_check_ifindex(&t, -1, &reason), 0);
        ck_assert_int_eq(zbus_check_ifindex(&t, 2, &reason), 0);
        ck_assert_int_eq(zbus_check_ifindex(&t, 3, &reason), -ENODEV);
        ck_assert_int_eq(zbus_check_ifindex(&t, 0, &reason), -ENODEV);
        ck_assert_int_eq(zbus_check_ifindex(&t, -7, &reason), -ENODEV);
        ck_assert_int_eq(zbus_check_ifindex(&t, 0x7fffffff, &reason), -ENODEV);

        ck_assert_int_eq(zbus_check_domain("", &reason), 0);
        ck_assert_int_eq(zbus_check_domain("local", &reason), 0);
        ck_assert_int_eq(zbus_check_domain("example.org.", &reason), 0);
        ck_assert_int_eq(zbus_check_domain("a..b", &reason), -EINVAL);
        ck_assert_int_eq(zbus_check_domain("\xff", &reason), -EINVAL);
}
END_TEST

/* Build a message with one aay argument of the given strings (lengths given). */
static DBusMessage *txt_message(const char *const *strings, const size_t *lens, size_t n) {
        DBusMessage *m = dbus_message_new_method_call("org.zeroconfd1", "/", "x.y", "Z");
        DBusMessageIter it, a, b;

        ck_assert_ptr_nonnull(m);
        dbus_message_iter_init_append(m, &it);
        ck_assert(dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "ay", &a));
        for (size_t k = 0; k < n; k++) {
                const char *p = strings[k];

                ck_assert(dbus_message_iter_open_container(&a, DBUS_TYPE_ARRAY, "y", &b));
                ck_assert(dbus_message_iter_append_fixed_array(&b, DBUS_TYPE_BYTE, &p, (int) lens[k]));
                ck_assert(dbus_message_iter_close_container(&a, &b));
        }
        ck_assert(dbus_message_iter_close_container(&it, &a));
        return m;
}

static int parse(const char *const *strings, const size_t *lens, size_t n, size_t *n_items, size_t *size) {
        struct dnssd_txt_item items[64];
        DBusMessage *m = txt_message(strings, lens, n);
        DBusMessageIter it;
        const char *reason = NULL;
        int r;

        dbus_message_iter_init(m, &it);
        r = zbus_parse_txt(&it, items, 64, n_items, size, &reason);
        if (r < 0)
                ck_assert_ptr_nonnull(reason);
        else
                for (size_t k = 0; k < *n_items; k++)
                        ck_assert(!memcmp(items[k].data, strings[k], items[k].len));
        dbus_message_unref(m);
        return r;
}

START_TEST(test_parse_txt) {
        static const char *const good[] = { "path=/x", "flag", "bin=\x00\x01" };
        static const size_t good_len[] = { 7, 4, 6 };
        size_t n = 0, size = 0;

        ck_assert_int_eq(parse(good, good_len, 3, &n, &size), 0);
        ck_assert_uint_eq(n, 3);
        ck_assert_uint_eq(size, 8 + 5 + 7);
        /* none: the single zero octet (RFC 6763 §6.1) */
        ck_assert_int_eq(parse(NULL, NULL, 0, &n, &size), 0);
        ck_assert_uint_eq(n, 0);
        ck_assert_uint_eq(size, 1);

        static const char *const empty[] = { "" };
        static const size_t empty_len[] = { 0 };
        ck_assert_int_eq(parse(empty, empty_len, 1, &n, &size), -EINVAL);
        static const char *const nokey[] = { "=value" };
        static const size_t nokey_len[] = { 6 };
        ck_assert_int_eq(parse(nokey, nokey_len, 1, &n, &size), -EINVAL);
        static const char *const twice[] = { "a=1", "A=2" };
        static const size_t twice_len[] = { 3, 3 };
        ck_assert_int_eq(parse(twice, twice_len, 2, &n, &size), -EINVAL);

        /* a string of 256 octets, and 200 KB in all (Avahi's TXT DoS): refused */
        char *big = malloc(200 * 1024);
        memset(big, 'k', 200 * 1024);
        const char *one[] = { big };
        size_t len256[] = { 256 };
        ck_assert_int_eq(parse(one, len256, 1, &n, &size), -EINVAL);
        size_t len255[] = { 255 };
        ck_assert_int_eq(parse(one, len255, 1, &n, &size), 0);
        /* 40 different keys of 250 octets: 10 KB > 8900 */
        const char *many[40];
        size_t many_len[40];
        for (size_t k = 0; k < 40; k++) {
                many[k] = big + k * 250;
                many_len[k] = 250;
                big[k * 250] = (char) ('A' + k % 26);
                big[k * 250 + 1] = (char) ('a' + k / 26);
                big[k * 250 + 2] = '=';
        }
        ck_assert_int_eq(parse(many, many_len, 40, &n, &size), -E2BIG);
        ck_assert_int_eq(parse(many, many_len, 35, &n, &size), 0);
        ck_assert_uint_eq(size, 35 * 251);
        free(big);
}
END_TEST

int main(void) {
        Suite *s = suite_create("dbus");
        TCase *tc = tcase_create("core");

        log_set_target(LOG_TARGET_NONE);
        tcase_add_test(tc, test_xml_matches_code);
        tcase_add_test(tc, test_xml_embedded_is_installed);
        tcase_add_test(tc, test_state_strings);
        tcase_add_test(tc, test_alternative_service_name);
        tcase_add_test(tc, test_check_host_label);
        tcase_add_test(tc, test_check_protocol_ifindex_domain);
        tcase_add_test(tc, test_parse_txt);
        suite_add_tcase(s, tc);
        return unit_run(s);
}
