/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The service file parser (zeroconfd.service(5)): expat, with the document shape of Avahi's
 * avahi-service.dtd checked by hand (expat does not validate), and RFC 6763 rules on every value.
 *
 * Untrusted input: no external entities are ever loaded, a DOCTYPE with an internal subset (the
 * only place entities can be declared: "billion laughs") stops the parser, undeclared entities
 * are errors, the file and each element's text are bounded, and unknown elements and attributes
 * are errors, which also bounds the nesting depth to 3. */
#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnssd/service-file.h"
#include "util.h"

enum element {
        EL_SERVICE_GROUP,
        EL_NAME,
        EL_SERVICE,
        EL_TYPE,
        EL_SUBTYPE,
        EL_DOMAIN_NAME,
        EL_HOST_NAME,
        EL_PORT,
        EL_TXT_RECORD,
        _EL_MAX,
        EL_INVALID = -1,
};

static const char *const element_table[_EL_MAX] = {
        [EL_SERVICE_GROUP] = "service-group",
        [EL_NAME] = "name",
        [EL_SERVICE] = "service",
        [EL_TYPE] = "type",
        [EL_SUBTYPE] = "subtype",
        [EL_DOMAIN_NAME] = "domain-name",
        [EL_HOST_NAME] = "host-name",
        [EL_PORT] = "port",
        [EL_TXT_RECORD] = "txt-record",
};

/* Where each element may appear (its parent), and which attributes it takes. */
static const enum element parent_table[_EL_MAX] = {
        [EL_SERVICE_GROUP] = EL_INVALID, /* the root */
        [EL_NAME] = EL_SERVICE_GROUP,
        [EL_SERVICE] = EL_SERVICE_GROUP,
        [EL_TYPE] = EL_SERVICE,
        [EL_SUBTYPE] = EL_SERVICE,
        [EL_DOMAIN_NAME] = EL_SERVICE,
        [EL_HOST_NAME] = EL_SERVICE,
        [EL_PORT] = EL_SERVICE,
        [EL_TXT_RECORD] = EL_SERVICE,
};

enum txt_format {
        TXT_FORMAT_TEXT,
        TXT_FORMAT_HEX,
        TXT_FORMAT_BASE64,
};

#define DEPTH_MAX 3 /* service-group > service > type: deeper is always an error */

struct position {
        unsigned line, column;
};

/* A subtype is checked against the type when its <service> ends (children come in any order). */
struct pending_subtype {
        char *text;
        struct position pos;
};

struct parser {
        XML_Parser xml;
        const char *filename;
        char *error; /* the first problem; once set, every handler returns at once */
        int error_code;

        struct dnssd_group *group;
        size_t warnings_dropped;

        enum element stack[DEPTH_MAX];
        struct position stack_pos[DEPTH_MAX];
        size_t depth;

        char text[DNSSD_ELEMENT_TEXT_MAX + 1];
        size_t text_len;

        /* the <service-group> being read */
        bool seen_name;
        struct position group_pos;

        /* the <service> being read */
        struct dnssd_service *svc;
        bool seen_type, seen_port, seen_domain, seen_host;
        struct position domain_pos;
        struct pending_subtype *subtypes;
        size_t n_subtypes;
        enum txt_format txt_format;
};

static const char *element_name(enum element e) {
        return e >= 0 && e < _EL_MAX ? element_table[e] : "?";
}

static enum element element_from_string(const char *s) {
        for (unsigned i = 0; i < _EL_MAX; i++)
                if (strcmp(s, element_table[i]) == 0)
                        return (enum element) i;
        return EL_INVALID;
}

static struct position current_position(struct parser *p) {
        /* expat counts lines from 1 and columns from 0; we count both from 1 like compilers */
        return (struct position) {
                .line = (unsigned) XML_GetCurrentLineNumber(p->xml),
                .column = (unsigned) XML_GetCurrentColumnNumber(p->xml) + 1,
        };
}

/* A value from the file for a message, in single quotes when `marks`: control characters,
 * invalid UTF-8, C1 controls, quotes and backslashes escaped as \xNN, cut with "..." when long,
 * so that a message is always one printable line whatever the file holds. */
static void quote_full(const char *s, size_t len, char *buf, size_t size, bool marks) {
        bool utf8 = dnssd_utf8_is_valid(s, len);
        size_t o = 0, max = size - 16; /* an iteration adds <= 8, then "...", the mark and NUL */

        if (marks)
                buf[o++] = '\'';
        for (size_t i = 0; i < len; i++) {
                uint8_t c = (uint8_t) s[i];
                bool c1 = c == 0xC2 && i + 1 < len && (uint8_t) s[i + 1] >= 0x80 && (uint8_t) s[i + 1] <= 0x9F;

                if (o >= max) {
                        /* cut at a character boundary: drop a trailing partial UTF-8 sequence */
                        size_t keep = o;
                        while (keep > 1 && ((uint8_t) buf[keep - 1] & 0xC0) == 0x80)
                                keep--;
                        if (keep > 1 && (uint8_t) buf[keep - 1] >= 0xC0)
                                keep--;
                        if (c >= 0x80 && (c & 0xC0) == 0x80)
                                o = keep; /* we were in the middle of a character */
                        memcpy(buf + o, "...", 3);
                        o += 3;
                        break;
                }
                if (c < 0x20 || c == 0x7F || c == '\\' || c == '\'' || (c >= 0x80 && !utf8) || c1) {
                        o += (size_t) snprintf(buf + o, size - o, "\\x%02x", c);
                        if (c1)
                                o += (size_t) snprintf(buf + o, size - o, "\\x%02x", (uint8_t) s[++i]);
                } else
                        buf[o++] = (char) c;
        }
        if (marks)
                buf[o++] = '\'';
        buf[o] = '\0';
}

static void quote(const char *s, size_t len, char *buf, size_t size) {
        quote_full(s, len, buf, size, true);
}

#define QUOTE_MAX 128

static void fail_at(struct parser *p, struct position pos, int code, const char *fmt, ...) _printf_(4, 5);
static void fail_at(struct parser *p, struct position pos, int code, const char *fmt, ...) {
        char what[1024];
        va_list ap;

        if (p->error_code)
                return;
        va_start(ap, fmt);
        vsnprintf(what, sizeof(what), fmt, ap);
        va_end(ap);
        p->error_code = code;
        if (asprintf(&p->error, "%s:%u:%u: %s", p->filename, pos.line, pos.column, what) < 0) {
                p->error = NULL;
                p->error_code = -ENOMEM;
        }
        XML_StopParser(p->xml, XML_FALSE);
}

static void fail_oom(struct parser *p) {
        if (p->error_code)
                return;
        p->error_code = -ENOMEM;
        XML_StopParser(p->xml, XML_FALSE);
}

static void warn_at(struct parser *p, struct position pos, const char *fmt, ...) _printf_(3, 4);
static void warn_at(struct parser *p, struct position pos, const char *fmt, ...) {
        char what[1024], *w;
        va_list ap;
        struct dnssd_group *g = p->group;

        if (g->n_warnings >= DNSSD_WARNINGS_MAX) {
                p->warnings_dropped++;
                return;
        }
        va_start(ap, fmt);
        vsnprintf(what, sizeof(what), fmt, ap);
        va_end(ap);
        if (asprintf(&w, "%s:%u:%u: %s", p->filename, pos.line, pos.column, what) < 0)
                return fail_oom(p);
        g->warnings[g->n_warnings++] = w;
}

static bool is_xml_space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The element text without the XML white space around it. */
static char *trimmed_text(struct parser *p, size_t *len) {
        char *s = p->text, *e = p->text + p->text_len;

        while (s < e && is_xml_space(*s))
                s++;
        while (e > s && is_xml_space(e[-1]))
                e--;
        *e = '\0';
        *len = (size_t) (e - s);
        return s;
}

static bool yes_no(const char *v, bool *ret) {
        if (strcmp(v, "yes") == 0)
                *ret = true;
        else if (strcmp(v, "no") == 0)
                *ret = false;
        else
                return false;
        return true;
}

/* interface="eth0 wlan0" or "eth0,wlan0" */
static void parse_interfaces(struct parser *p, struct position pos, const char *value) {
        struct dnssd_service *s = p->svc;
        const char *q = value;
        char q1[QUOTE_MAX];

        for (;;) {
                size_t n;
                const char *reason;
                char name[DNSSD_IFNAME_MAX + 2];

                while (*q == ',' || is_xml_space(*q))
                        q++;
                if (!*q)
                        break;
                n = strcspn(q, ", \t\r\n");
                quote(q, n, q1, sizeof(q1));
                if (n > DNSSD_IFNAME_MAX) {
                        fail_at(p, pos, -EINVAL, "invalid interface name %s in interface=: an interface name is 1 to 15 characters", q1);
                        return;
                }
                memcpy(name, q, n);
                name[n] = '\0';
                if (dnssd_check_ifname(name, &reason) < 0) {
                        fail_at(p, pos, -EINVAL, "invalid interface name %s in interface=: %s", q1, reason);
                        return;
                }
                if (dnssd_service_on_interface(s, name) && s->n_interfaces > 0) {
                        fail_at(p, pos, -EINVAL, "interface %s is listed twice in interface=", q1);
                        return;
                }
                if (s->n_interfaces >= DNSSD_INTERFACES_MAX) {
                        fail_at(p, pos, -EINVAL, "more than %d interfaces in interface=", DNSSD_INTERFACES_MAX);
                        return;
                }
                s->interfaces[s->n_interfaces] = strdup(name);
                if (!s->interfaces[s->n_interfaces])
                        return fail_oom(p);
                s->n_interfaces++;
                q += n;
        }
        if (s->n_interfaces == 0)
                fail_at(p, pos, -EINVAL, "interface= is empty: give one or more interface names, or leave it out for every interface");
}

static void start_service(struct parser *p, struct position pos, const XML_Char **attrs) {
        struct dnssd_group *g = p->group;
        struct dnssd_service *s;
        char q1[QUOTE_MAX];

        if (g->n_services >= DNSSD_SERVICES_MAX)
                return fail_at(p, pos, -EINVAL, "more than %d <service> elements in one <service-group>", DNSSD_SERVICES_MAX);
        s = reallocarray(g->services, g->n_services + 1, sizeof(*s));
        if (!s)
                return fail_oom(p);
        g->services = s;
        s = &g->services[g->n_services++];
        *s = (struct dnssd_service) { .protocol = DNSSD_PROTOCOL_ANY, .line = pos.line, .column = pos.column };
        p->svc = s;
        p->seen_type = p->seen_port = p->seen_domain = p->seen_host = false;
        p->n_subtypes = 0;
        /* RFC 6762 §3: services are published in .local unless <domain-name> says otherwise */
        if (dns_name_from_text(&s->domain, "local") < 0)
                return fail_oom(p);
        s->interfaces = calloc(DNSSD_INTERFACES_MAX, sizeof(char *));
        s->subtypes = calloc(DNSSD_SUBTYPES_MAX, sizeof(char *));
        if (!s->interfaces || !s->subtypes)
                return fail_oom(p);

        for (size_t i = 0; attrs[i]; i += 2) {
                const char *k = attrs[i], *v = attrs[i + 1];
                if (strcmp(k, "protocol") == 0) {
                        if (dnssd_protocol_from_string(v, &s->protocol) < 0) {
                                quote(v, strlen(v), q1, sizeof(q1));
                                return fail_at(p, pos, -EINVAL, "invalid protocol=%s: use any, ipv4 or ipv6", q1);
                        }
                } else if (strcmp(k, "interface") == 0) {
                        parse_interfaces(p, pos, v);
                        if (p->error_code)
                                return;
                } else {
                        quote(k, strlen(k), q1, sizeof(q1));
                        return fail_at(p, pos, -EINVAL, "unknown attribute %s on <service> (it takes protocol and interface)", q1);
                }
        }
}

static void XMLCALL on_start(void *userdata, const XML_Char *name, const XML_Char **attrs) {
        struct parser *p = userdata;
        struct position pos;
        enum element e, parent;
        char q1[QUOTE_MAX];

        if (p->error_code)
                return;
        pos = current_position(p);
        e = element_from_string(name);
        parent = p->depth > 0 ? p->stack[p->depth - 1] : EL_INVALID;
        if (e == EL_INVALID) {
                quote_full(name, strlen(name), q1, sizeof(q1), false);
                return fail_at(p, pos, -EINVAL, "unknown element <%s>", q1);
        }
        if (p->depth == 0 && e != EL_SERVICE_GROUP)
                return fail_at(p, pos, -EINVAL, "the root element must be <service-group>, not <%s>", element_name(e));
        if (p->depth > 0 && parent_table[e] != parent) {
                if (parent_table[parent] == EL_SERVICE)
                        return fail_at(p, pos, -EINVAL, "<%s> is not allowed inside <%s>: it holds only text",
                                       element_name(e), element_name(parent));
                if (e == EL_SERVICE_GROUP)
                        return fail_at(p, pos, -EINVAL, "<service-group> may appear only as the root element");
                return fail_at(p, pos, -EINVAL, "<%s> is not allowed inside <%s>: it belongs in <%s>",
                               element_name(e), element_name(parent), element_name(parent_table[e]));
        }
        /* Every element that is not an error sits at its own fixed depth < DEPTH_MAX. */
        if (p->depth >= DEPTH_MAX)
                return fail_at(p, pos, -EINVAL, "elements nested too deeply");

        p->stack[p->depth] = e;
        p->stack_pos[p->depth] = pos;
        p->depth++;
        p->text_len = 0;

        switch (e) {
        case EL_SERVICE_GROUP:
                p->group_pos = pos;
                if (attrs[0]) {
                        quote(attrs[0], strlen(attrs[0]), q1, sizeof(q1));
                        return fail_at(p, pos, -EINVAL, "unknown attribute %s on <service-group> (it takes none)", q1);
                }
                return;
        case EL_NAME:
                if (p->seen_name)
                        return fail_at(p, pos, -EINVAL, "a second <name>: a <service-group> has exactly one");
                p->seen_name = true;
                for (size_t i = 0; attrs[i]; i += 2) {
                        if (strcmp(attrs[i], "replace-wildcards") == 0) {
                                if (!yes_no(attrs[i + 1], &p->group->replace_wildcards)) {
                                        quote(attrs[i + 1], strlen(attrs[i + 1]), q1, sizeof(q1));
                                        return fail_at(p, pos, -EINVAL, "invalid replace-wildcards=%s: use yes or no", q1);
                                }
                        } else {
                                quote(attrs[i], strlen(attrs[i]), q1, sizeof(q1));
                                return fail_at(p, pos, -EINVAL, "unknown attribute %s on <name> (it takes replace-wildcards)", q1);
                        }
                }
                return;
        case EL_SERVICE:
                return start_service(p, pos, attrs);
        case EL_TXT_RECORD:
                p->txt_format = TXT_FORMAT_TEXT;
                for (size_t i = 0; attrs[i]; i += 2) {
                        const char *v = attrs[i + 1];
                        if (strcmp(attrs[i], "value-format") == 0) {
                                if (strcmp(v, "text") == 0)
                                        p->txt_format = TXT_FORMAT_TEXT;
                                else if (strcmp(v, "binary-hex") == 0)
                                        p->txt_format = TXT_FORMAT_HEX;
                                else if (strcmp(v, "binary-base64") == 0)
                                        p->txt_format = TXT_FORMAT_BASE64;
                                else {
                                        quote(v, strlen(v), q1, sizeof(q1));
                                        return fail_at(p, pos, -EINVAL,
                                                       "invalid value-format=%s: use text, binary-hex or binary-base64", q1);
                                }
                        } else {
                                quote(attrs[i], strlen(attrs[i]), q1, sizeof(q1));
                                return fail_at(p, pos, -EINVAL, "unknown attribute %s on <txt-record> (it takes value-format)", q1);
                        }
                }
                return;
        default:
                break;
        }

        /* type, subtype, domain-name, host-name, port: no attributes; at most once but subtype */
        if (attrs[0]) {
                quote(attrs[0], strlen(attrs[0]), q1, sizeof(q1));
                return fail_at(p, pos, -EINVAL, "unknown attribute %s on <%s> (it takes none)", q1, element_name(e));
        }
        bool *seen = e == EL_TYPE ? &p->seen_type
                   : e == EL_PORT ? &p->seen_port
                   : e == EL_DOMAIN_NAME ? &p->seen_domain
                   : e == EL_HOST_NAME ? &p->seen_host
                   : NULL;
        if (seen) {
                if (*seen)
                        return fail_at(p, pos, -EINVAL, "a second <%s>: a <service> has at most one", element_name(e));
                *seen = true;
        }
        if (e == EL_DOMAIN_NAME)
                p->domain_pos = pos;
}

static void XMLCALL on_text(void *userdata, const XML_Char *s, int len) {
        struct parser *p = userdata;
        enum element e;

        if (p->error_code || p->depth == 0 || len <= 0)
                return;
        e = p->stack[p->depth - 1];
        if (e == EL_SERVICE_GROUP || e == EL_SERVICE) {
                struct position pos = current_position(p);
                for (int i = 0; i < len; i++) {
                        if (!is_xml_space(s[i]))
                                return fail_at(p, pos, -EINVAL, "text is not allowed directly inside <%s>",
                                               element_name(e));
                        /* point at the text itself, not at the white space before it */
                        if (s[i] == '\n') {
                                pos.line++;
                                pos.column = 1;
                        } else
                                pos.column++;
                }
                return;
        }
        if ((size_t) len > DNSSD_ELEMENT_TEXT_MAX - p->text_len)
                return fail_at(p, p->stack_pos[p->depth - 1], -EINVAL, "the text of <%s> is longer than %d bytes",
                               element_name(e), DNSSD_ELEMENT_TEXT_MAX);
        memcpy(p->text + p->text_len, s, (size_t) len);
        p->text_len += (size_t) len;
}

static void end_name(struct parser *p, struct position pos) {
        struct dnssd_group *g = p->group;
        const char *reason;
        char *t, q1[QUOTE_MAX];
        size_t len, literal;

        t = trimmed_text(p, &len);
        quote(t, len, q1, sizeof(q1));
        /* RFC 6763 §4.1.1: what the file says is the name, checked now; with replace-wildcards
         * each %h becomes the host name's label when published (dnssd_group_expand_name()), and
         * only the rest of the name has to fit in 63 bytes here. */
        literal = len;
        if (g->replace_wildcards)
                for (const char *w = strstr(t, "%h"); w; w = strstr(w + 2, "%h"))
                        literal -= 2;
        if (len == 0)
                return fail_at(p, pos, -EINVAL, "the service name is empty");
        if (dnssd_check_label_text(t, len, &reason) < 0)
                return fail_at(p, pos, -EINVAL, "invalid service name %s: %s", q1, reason);
        if (literal > DNSSD_INSTANCE_NAME_MAX)
                return fail_at(p, pos, -EINVAL,
                               "invalid service name %s: it is %zu bytes long, more than 63 (RFC 6763 section 4.1.1)",
                               q1, literal);
        g->name = strdup(t);
        if (!g->name)
                fail_oom(p);
}

static void end_type(struct parser *p, struct position pos) {
        const char *reason;
        char *t, q1[QUOTE_MAX];
        size_t len;

        t = trimmed_text(p, &len);
        quote(t, len, q1, sizeof(q1));
        if (dnssd_check_service_type(t, &reason) < 0)
                return fail_at(p, pos, -EINVAL, "invalid service type %s: %s", q1, reason);
        p->svc->type = strdup(t);
        if (!p->svc->type)
                fail_oom(p);
}

static void end_subtype(struct parser *p, struct position pos) {
        struct pending_subtype *ps;
        size_t len;
        char *t = trimmed_text(p, &len);

        if (p->n_subtypes >= DNSSD_SUBTYPES_MAX)
                return fail_at(p, pos, -EINVAL, "more than %d <subtype> elements in one <service>", DNSSD_SUBTYPES_MAX);
        ps = &p->subtypes[p->n_subtypes];
        ps->text = strdup(t);
        if (!ps->text)
                return fail_oom(p);
        ps->pos = pos;
        p->n_subtypes++;
}

static void end_dns_name(struct parser *p, struct position pos, bool host) {
        struct dnssd_service *s = p->svc;
        struct dns_name *n = host ? &s->host : &s->domain;
        const char *what = host ? "host name" : "domain name";
        char *t, q1[QUOTE_MAX];
        size_t len;
        int r;

        t = trimmed_text(p, &len);
        quote(t, len, q1, sizeof(q1));
        r = dns_name_from_text(n, t);
        if (r == -EMSGSIZE)
                return fail_at(p, pos, -EINVAL, "invalid %s %s: a label is longer than 63 bytes or the name longer than 255", what, q1);
        if (r < 0)
                return fail_at(p, pos, -EINVAL, "invalid %s %s: it has an empty label or a bad escape", what, q1);
        if (dns_name_is_root(n))
                return fail_at(p, pos, -EINVAL, "the %s is empty", what);
        if (host)
                s->has_host = true;
}

static void end_port(struct parser *p, struct position pos) {
        char *t, q1[QUOTE_MAX];
        size_t len;
        unsigned long v = 0;

        t = trimmed_text(p, &len);
        quote(t, len, q1, sizeof(q1));
        if (len == 0)
                return fail_at(p, pos, -EINVAL, "the port is empty");
        for (size_t i = 0; i < len; i++) {
                if (t[i] < '0' || t[i] > '9')
                        return fail_at(p, pos, -EINVAL, "invalid port %s: a port is a decimal number from 0 to 65535", q1);
                v = v * 10 + (unsigned long) (t[i] - '0');
                if (v > 65535)
                        return fail_at(p, pos, -EINVAL, "invalid port %s: a port is a decimal number from 0 to 65535", q1);
        }
        /* Port 0 is a placeholder: the name is held (SRV, TXT) but nothing is advertised (no PTR),
         * as DNSServiceRegister() does; see dnssd_service_is_placeholder(). */
        p->svc->port = (uint16_t) v;
}

static void end_txt_record(struct parser *p, struct position pos) {
        struct dnssd_service *s = p->svc;
        uint8_t buf[DNSSD_ELEMENT_TEXT_MAX];
        const char *reason, *fmt = p->txt_format == TXT_FORMAT_HEX ? "binary-hex" : "binary-base64";
        char *t, q1[QUOTE_MAX];
        size_t len, klen, out;
        struct dnssd_txt_item *items;

        if (p->txt_format == TXT_FORMAT_TEXT) {
                /* verbatim: the string is the element's text, white space and all */
                t = p->text;
                len = p->text_len;
                memcpy(buf, t, len);
                out = len;
        } else {
                const char *eq;
                int r;

                t = trimmed_text(p, &len);
                eq = memchr(t, '=', len);
                if (!eq)
                        return fail_at(p, pos, -EINVAL, "value-format=%s needs the form key=VALUE", fmt);
                klen = (size_t) (eq - t);
                memcpy(buf, t, klen + 1);
                if (p->txt_format == TXT_FORMAT_HEX)
                        r = dnssd_decode_hex(eq + 1, len - klen - 1, buf + klen + 1, sizeof(buf) - klen - 1);
                else
                        r = dnssd_decode_base64(eq + 1, len - klen - 1, buf + klen + 1, sizeof(buf) - klen - 1);
                if (r < 0) {
                        quote(eq + 1, len - klen - 1, q1, sizeof(q1));
                        return fail_at(p, pos, -EINVAL, "invalid %s value %s: %s", fmt, q1,
                                       p->txt_format == TXT_FORMAT_HEX
                                               ? "it must be an even number of hex digits and nothing else"
                                               : "it must be padded base64 (RFC 4648 section 4) and nothing else");
                }
                out = klen + 1 + (size_t) r;
        }

        klen = dnssd_txt_key_length(buf, out);
        quote((const char *) buf, klen, q1, sizeof(q1));
        if (out == 0)
                return fail_at(p, pos, -EINVAL, "the TXT string is empty: it needs at least a key (RFC 6763 section 6.4)");
        if (dnssd_check_txt_string(buf, out, &reason) < 0) {
                if (out > DNSSD_TXT_STRING_MAX)
                        return fail_at(p, pos, -EINVAL, "the TXT string with key %s is %zu bytes long, more than 255 (RFC 6763 section 6.1)",
                                       q1, out);
                return fail_at(p, pos, -EINVAL, "invalid TXT key %s: %s", q1, reason);
        }
        /* RFC 6763 §6.4: "If a client receives a TXT record containing the same key more than
         * once, then the client MUST silently ignore all but the first occurrence": publish only
         * the first, and say so. */
        for (size_t i = 0; i < s->n_txt; i++)
                if (dnssd_txt_same_key(s->txt[i].data, s->txt[i].len, buf, out)) {
                        warn_at(p, pos, "duplicate TXT key %s ignored: the first one is kept (RFC 6763 section 6.4)", q1);
                        return;
                }

        items = reallocarray(s->txt, s->n_txt + 1, sizeof(*items));
        if (!items)
                return fail_oom(p);
        s->txt = items;
        items[s->n_txt].data = malloc(out);
        if (!items[s->n_txt].data)
                return fail_oom(p);
        memcpy(items[s->n_txt].data, buf, out);
        items[s->n_txt].len = out;
        s->n_txt++;
}

static void end_service(struct parser *p, struct position pos) {
        struct dnssd_group *g = p->group;
        struct dnssd_service *s = p->svc;
        struct dns_name n;
        char longest[DNSSD_INSTANCE_NAME_MAX + 1], q1[QUOTE_MAX];

        if (!p->seen_type)
                return fail_at(p, pos, -EINVAL, "<service> has no <type>");
        if (!p->seen_port)
                return fail_at(p, pos, -EINVAL, "<service> has no <port>");

        /* every name this service publishes must fit 255 octets, even with a 63-byte instance */
        memset(longest, 'x', DNSSD_INSTANCE_NAME_MAX);
        longest[DNSSD_INSTANCE_NAME_MAX] = '\0';
        if (dnssd_service_instance_name(s, longest, &n) < 0)
                return fail_at(p, p->seen_domain ? p->domain_pos : pos, -EINVAL,
                               "the domain name is too long: a 63-byte instance name of this type would exceed 255 bytes");

        for (size_t i = 0; i < p->n_subtypes; i++) {
                struct pending_subtype *ps = &p->subtypes[i];
                char label[DNSSD_SUBTYPE_MAX + 1];
                const char *reason;

                quote(ps->text, strlen(ps->text), q1, sizeof(q1));
                if (dnssd_parse_subtype(ps->text, s->type, label, &reason) < 0)
                        return fail_at(p, ps->pos, -EINVAL, "invalid subtype %s: %s", q1, reason);
                for (size_t j = 0; j < s->n_subtypes; j++)
                        if (strcmp(s->subtypes[j], label) == 0)
                                return fail_at(p, ps->pos, -EINVAL, "subtype %s is listed twice", q1);
                if (dnssd_name_build_subtype(label, s->type, &s->domain, &n) < 0)
                        return fail_at(p, ps->pos, -EINVAL, "subtype %s makes a name longer than 255 bytes", q1);
                s->subtypes[s->n_subtypes] = strdup(label);
                if (!s->subtypes[s->n_subtypes])
                        return fail_oom(p);
                s->n_subtypes++;
        }

        /* RFC 6763 §6.1, §6.2: the TXT record, one string after the other */
        s->txt_size = 0;
        for (size_t i = 0; i < s->n_txt; i++)
                s->txt_size += 1 + s->txt[i].len;
        if (s->n_txt == 0)
                s->txt_size = 1;
        if (s->txt_size > DNSSD_TXT_SIZE_MAX)
                return fail_at(p, pos, -EINVAL, "the TXT record is %zu bytes long: it must fit in one packet, %d bytes at most (RFC 6763 section 6.2)",
                               s->txt_size, DNSSD_TXT_SIZE_MAX);
        if (s->txt_size > DNSSD_TXT_SIZE_WARN)
                warn_at(p, pos, "the TXT record is %zu bytes long: more than 1300 bytes is not recommended (RFC 6763 section 6.2)",
                        s->txt_size);

        /* two services of the group that would publish the same SRV/TXT name would conflict with
         * each other: refuse the file */
        for (size_t i = 0; i + 1 < g->n_services; i++)
                if (dnssd_service_overlaps(&g->services[i], s))
                        return fail_at(p, pos, -EINVAL,
                                       "a second <service> of type %s on the same interfaces and protocol (line %u): the names would collide",
                                       s->type, g->services[i].line);
}

static void XMLCALL on_end(void *userdata, const XML_Char *name) {
        struct parser *p = userdata;
        struct position pos;
        enum element e;

        if (p->error_code || p->depth == 0)
                return;
        p->depth--;
        e = p->stack[p->depth];
        pos = p->stack_pos[p->depth]; /* problems with an element are reported at its start tag */
        switch (e) {
        case EL_SERVICE_GROUP:
                if (!p->seen_name)
                        return fail_at(p, pos, -EINVAL, "<service-group> has no <name>");
                if (p->group->n_services == 0)
                        return fail_at(p, pos, -EINVAL, "<service-group> has no <service>");
                break;
        case EL_NAME:
                end_name(p, pos);
                break;
        case EL_SERVICE:
                end_service(p, pos);
                for (size_t i = 0; i < p->n_subtypes; i++)
                        free(p->subtypes[i].text);
                p->n_subtypes = 0;
                break;
        case EL_TYPE:
                end_type(p, pos);
                break;
        case EL_SUBTYPE:
                end_subtype(p, pos);
                break;
        case EL_DOMAIN_NAME:
                end_dns_name(p, pos, false);
                break;
        case EL_HOST_NAME:
                end_dns_name(p, pos, true);
                break;
        case EL_PORT:
                end_port(p, pos);
                break;
        case EL_TXT_RECORD:
                end_txt_record(p, pos);
                break;
        default:
                break;
        }
        p->text_len = 0;
}

static void XMLCALL on_doctype(void *userdata, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal_subset) {
        struct parser *p = userdata;
        char q1[QUOTE_MAX];

        if (p->error_code)
                return;
        /* Entities can only be declared in an internal subset: refusing it refuses them all
         * ("billion laughs", external entities). A SYSTEM identifier alone (Avahi's
         * <!DOCTYPE service-group SYSTEM "avahi-service.dtd">) is fine: it is never loaded. */
        if (has_internal_subset)
                return fail_at(p, current_position(p), -EINVAL,
                               "a DOCTYPE with an internal subset ([...]) is not accepted: declarations are not allowed");
        if (strcmp(name, "service-group") != 0) {
                quote(name, strlen(name), q1, sizeof(q1));
                return fail_at(p, current_position(p), -EINVAL, "the DOCTYPE names %s: it must be service-group", q1);
        }
}

static void XMLCALL on_entity_decl(void *userdata, const XML_Char *name, int is_parameter_entity,
                                   const XML_Char *value, int value_length, const XML_Char *base,
                                   const XML_Char *system_id, const XML_Char *public_id,
                                   const XML_Char *notation_name) {
        struct parser *p = userdata;

        /* unreachable behind on_doctype(), kept as a second lock */
        fail_at(p, current_position(p), -EINVAL, "entity declarations are not allowed");
}

static void XMLCALL on_skipped_entity(void *userdata, const XML_Char *name, int is_parameter_entity) {
        struct parser *p = userdata;
        char q1[QUOTE_MAX];

        /* a reference to an entity nobody declared (only &lt; &gt; &amp; &quot; &apos; exist) */
        quote_full(name, strlen(name), q1, sizeof(q1), false);
        fail_at(p, current_position(p), -EINVAL, "undefined entity &%s;", q1);
}

static int XMLCALL on_external_entity(XML_Parser parser, const XML_Char *context, const XML_Char *base,
                                      const XML_Char *system_id, const XML_Char *public_id) {
        /* never load anything: returning 0 makes expat fail with XML_ERROR_EXTERNAL_ENTITY_HANDLING */
        return XML_STATUS_ERROR;
}

int dnssd_service_file_parse(const char *filename, const void *data, size_t size, struct dnssd_group **ret,
                             char **ret_error) {
        struct parser *p;
        int r;

        *ret = NULL;
        *ret_error = NULL;
        if (size > DNSSD_SERVICE_FILE_SIZE_MAX) {
                if (asprintf(ret_error, "%s: the file is %zu bytes long, more than %d", filename, size,
                             DNSSD_SERVICE_FILE_SIZE_MAX) < 0)
                        *ret_error = NULL;
                return -EFBIG;
        }

        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        p->filename = filename;
        p->group = calloc(1, sizeof(*p->group));
        if (p->group) {
                p->group->warnings = calloc(DNSSD_WARNINGS_MAX, sizeof(char *));
        }
        p->subtypes = calloc(DNSSD_SUBTYPES_MAX, sizeof(struct pending_subtype));
        p->xml = XML_ParserCreate(NULL);
        if (!p->group || !p->group->warnings || !p->subtypes || !p->xml) {
                r = -ENOMEM;
                goto out;
        }

        XML_SetUserData(p->xml, p);
        XML_SetElementHandler(p->xml, on_start, on_end);
        XML_SetCharacterDataHandler(p->xml, on_text);
        XML_SetStartDoctypeDeclHandler(p->xml, on_doctype);
        XML_SetEntityDeclHandler(p->xml, on_entity_decl);
        XML_SetSkippedEntityHandler(p->xml, on_skipped_entity);
        XML_SetExternalEntityRefHandler(p->xml, on_external_entity);
        (void) XML_SetParamEntityParsing(p->xml, XML_PARAM_ENTITY_PARSING_NEVER);

        if (XML_Parse(p->xml, data, (int) size, XML_TRUE) == XML_STATUS_ERROR && !p->error_code) {
                struct position pos = current_position(p);
                fail_at(p, pos, -EINVAL, "not well-formed XML: %s", XML_ErrorString(XML_GetErrorCode(p->xml)));
        }
        r = p->error_code;
        if (r == 0 && !p->group->name) /* cannot happen: the root's end checked it */
                r = -EINVAL;
        if (r == 0 && p->warnings_dropped > 0 && p->group->n_warnings > 0) {
                char **last = &p->group->warnings[p->group->n_warnings - 1], *w;
                if (asprintf(&w, "%s (and %zu more warnings)", *last, p->warnings_dropped) >= 0) {
                        free(*last);
                        *last = w;
                }
        }

out:
        if (r == 0) {
                *ret = p->group;
                p->group = NULL;
        } else {
                *ret_error = p->error;
                p->error = NULL;
        }
        if (p->xml)
                XML_ParserFree(p->xml);
        for (size_t i = 0; i < p->n_subtypes; i++)
                free(p->subtypes[i].text);
        free(p->subtypes);
        dnssd_group_free(p->group);
        free(p->error);
        free(p);
        return r;
}
