/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NSS socket protocol (see protocol.h): parsing and formatting, libc only. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nss/protocol.h"

/* The length of the UTF-8 sequence at s (at most n bytes), or 0 if it is not valid UTF-8
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
static size_t utf8_sequence(const unsigned char *s, size_t n) {
        uint32_t c;
        size_t len;

        if (s[0] < 0x80)
                return 1;
        if (s[0] >= 0xc2 && s[0] <= 0xdf)
                len = 2, c = s[0] & 0x1f;
        else if (s[0] >= 0xe0 && s[0] <= 0xef)
                len = 3, c = s[0] & 0x0f;
        else if (s[0] >= 0xf0 && s[0] <= 0xf4)
                len = 4, c = s[0] & 0x07;
        else
                return 0;
        if (len > n)
                return 0;
        for (size_t k = 1; k < len; k++) {
                if ((s[k] & 0xc0) != 0x80)
                        return 0;
                c = (c << 6) | (s[k] & 0x3f);
        }
        if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
                return 0;
        return len;
}

int nss_name_check(const char *name, size_t len) {
        const unsigned char *s = (const unsigned char *) name;
        size_t label = 0, last = 0;

        if (len > 0 && s[len - 1] == '.')
                len--; /* "host.local." is "host.local" */
        if (len == 0 || len > NSS_NAME_MAX)
                return -EINVAL;
        for (size_t k = 0; k < len;) {
                size_t n;

                if (s[k] == '.') {
                        if (label == 0)
                                return -EINVAL; /* ".local", "a..local" */
                        label = 0;
                        last = ++k;
                        continue;
                }
                if (s[k] <= ' ' || s[k] == 0x7f || s[k] == '\\')
                        return -EINVAL;
                n = utf8_sequence(s + k, len - k);
                if (n == 0)
                        return -EINVAL;
                label += n;
                if (label > 63)
                        return -EINVAL;
                k += n;
        }
        if (label == 0)
                return -EINVAL; /* "a.local.." */
        /* RFC 6762 §3: names ending in ".local." are link-local; a single label ("a", "local")
         * is not a host in .local */
        if (last == 0 || len - last != 5 || strncasecmp(name + last, "local", 5) != 0)
                return -ENOENT;
        return 0;
}

bool nss_address_is_link_local(const struct nss_address *a) {
        if (a->family == AF_INET)
                return (ntohl(a->a.in.s_addr) & 0xffff0000u) == 0xa9fe0000u; /* RFC 3927 */
        if (a->family == AF_INET6)
                return a->a.in6.s6_addr[0] == 0xfe && (a->a.in6.s6_addr[1] & 0xc0) == 0x80; /* RFC 4291 */
        return false;
}

/* "192.0.2.1", "fe80::1" or, with a scope, "fe80::1%2". */
static int address_parse(const char *text, bool scope_allowed, struct nss_address *ret) {
        char buf[INET6_ADDRSTRLEN + 16];
        struct nss_address a = { .family = AF_UNSPEC };
        char *pct;

        if (strlen(text) >= sizeof buf)
                return -EINVAL;
        strcpy(buf, text);
        pct = strchr(buf, '%');
        if (pct) {
                char *end;
                unsigned long v;

                if (!scope_allowed || pct[1] < '1' || pct[1] > '9')
                        return -EINVAL;
                errno = 0;
                v = strtoul(pct + 1, &end, 10);
                if (errno || *end || v > INT32_MAX)
                        return -EINVAL;
                a.scope = (uint32_t) v;
                *pct = '\0';
        }
        if (inet_pton(AF_INET, buf, &a.a.in) == 1)
                a.family = AF_INET;
        else if (inet_pton(AF_INET6, buf, &a.a.in6) == 1)
                a.family = AF_INET6;
        else
                return -EINVAL;
        if (a.scope && !(a.family == AF_INET6 && nss_address_is_link_local(&a)))
                return -EINVAL; /* a scope means something for IPv6 link-local only */
        *ret = a;
        return 0;
}

static int address_format(const struct nss_address *a, char *buf, size_t size) {
        char text[INET6_ADDRSTRLEN];
        int n;

        if ((a->family != AF_INET && a->family != AF_INET6) || !inet_ntop(a->family, &a->a, text, sizeof text))
                return -EINVAL;
        if (a->family == AF_INET6 && a->scope && nss_address_is_link_local(a))
                n = snprintf(buf, size, "%s%%%u", text, (unsigned) a->scope);
        else
                n = snprintf(buf, size, "%s", text);
        return n < 0 || (size_t) n >= size ? -ENOBUFS : n;
}

/* Splits a line into at most max words separated by single spaces; no empty word. */
static int split(char *line, char **words, int max) {
        int n = 0;

        for (char *p = line;;) {
                char *sp = strchr(p, ' ');

                if (*p == '\0' || *p == ' ' || n == max)
                        return -EINVAL;
                words[n++] = p;
                if (!sp)
                        return n;
                *sp = '\0';
                p = sp + 1;
        }
}

/* Copies a line of at most max bytes without its NUL or newline into buf (size max + 1). */
static int line_copy(char *buf, size_t max, const char *line, size_t len) {
        if (len == 0 || len > max || memchr(line, '\0', len) || memchr(line, '\n', len))
                return -EINVAL;
        memcpy(buf, line, len);
        buf[len] = '\0';
        return 0;
}

int nss_request_parse(const char *line, size_t len, struct nss_request *ret) {
        char buf[NSS_REQUEST_MAX + 1];
        struct nss_request r = { .family = AF_UNSPEC };
        char *w[3];
        int n;

        if (line_copy(buf, NSS_REQUEST_MAX - 1, line, len) < 0)
                return -EINVAL;
        n = split(buf, w, 3);
        if (n == 3 && !strcmp(w[0], "NAME")) {
                r.query = NSS_QUERY_NAME;
                if (!strcmp(w[1], "4"))
                        r.family = AF_INET;
                else if (!strcmp(w[1], "6"))
                        r.family = AF_INET6;
                else if (strcmp(w[1], "*") != 0)
                        return -EINVAL;
                if (nss_name_check(w[2], strlen(w[2])) < 0)
                        return -EINVAL;
                snprintf(r.name, sizeof r.name, "%s", w[2]);
        } else if (n == 2 && !strcmp(w[0], "ADDR")) {
                r.query = NSS_QUERY_ADDRESS;
                if (address_parse(w[1], false, &r.addr) < 0)
                        return -EINVAL;
        } else
                return -EINVAL;
        *ret = r;
        return 0;
}

int nss_request_format(const struct nss_request *r, char *buf, size_t size) {
        char addr[INET6_ADDRSTRLEN + 16];
        int n;

        if (r->query == NSS_QUERY_NAME) {
                const char *fam = r->family == AF_INET ? "4" : r->family == AF_INET6 ? "6" : "*";

                if ((r->family != AF_UNSPEC && r->family != AF_INET && r->family != AF_INET6) ||
                    nss_name_check(r->name, strlen(r->name)) < 0)
                        return -EINVAL;
                n = snprintf(buf, size, "NAME %s %s\n", fam, r->name);
        } else if (r->query == NSS_QUERY_ADDRESS) {
                struct nss_address a = r->addr;

                a.scope = 0;
                if (address_format(&a, addr, sizeof addr) < 0)
                        return -EINVAL;
                n = snprintf(buf, size, "ADDR %s\n", addr);
        } else
                return -EINVAL;
        if (n < 0 || (size_t) n >= size || n > NSS_REQUEST_MAX)
                return -ENOBUFS;
        return n;
}

int nss_reply_parse(const char *line, size_t len, struct nss_reply *ret) {
        char buf[NSS_REPLY_MAX + 1];
        struct nss_reply r = { .status = NSS_REPLY_NOT_FOUND };
        char *w[2 + NSS_ADDRESSES_MAX];
        int n;

        if (line_copy(buf, NSS_REPLY_MAX - 1, line, len) < 0)
                return -EINVAL;
        if (!strcmp(buf, "-")) {
                *ret = r;
                return 0;
        }
        if (buf[0] == '!' && (buf[1] == '\0' || buf[1] == ' ')) {
                r.status = NSS_REPLY_REFUSED;
                *ret = r;
                return 0;
        }
        n = split(buf, w, 2 + NSS_ADDRESSES_MAX);
        if (n < 3 || strcmp(w[0], "+") != 0 || nss_name_check(w[1], strlen(w[1])) < 0)
                return -EINVAL;
        r.status = NSS_REPLY_FOUND;
        snprintf(r.name, sizeof r.name, "%s", w[1]);
        for (int k = 2; k < n; k++)
                if (address_parse(w[k], true, &r.addrs[r.n_addrs++]) < 0)
                        return -EINVAL;
        *ret = r;
        return 0;
}

int nss_reply_format(const struct nss_reply *r, const char *reason, char *buf, size_t size) {
        size_t len;
        int n;

        if (size > NSS_REPLY_MAX)
                size = NSS_REPLY_MAX;
        switch (r->status) {
        case NSS_REPLY_NOT_FOUND:
                n = snprintf(buf, size, "-\n");
                break;
        case NSS_REPLY_REFUSED:
                n = snprintf(buf, size, "! %s\n", reason && *reason ? reason : "refused");
                break;
        case NSS_REPLY_FOUND:
                if (r->n_addrs == 0 || nss_name_check(r->name, strlen(r->name)) < 0)
                        return -EINVAL;
                n = snprintf(buf, size, "+ %s", r->name);
                if (n < 0 || (size_t) n >= size)
                        return -ENOBUFS;
                len = (size_t) n;
                for (size_t k = 0; k < r->n_addrs && k < NSS_ADDRESSES_MAX; k++) {
                        if (len + 1 >= size)
                                return -ENOBUFS;
                        buf[len++] = ' ';
                        n = address_format(&r->addrs[k], buf + len, size - len);
                        if (n < 0)
                                return n;
                        len += (size_t) n;
                }
                if (len + 2 > size)
                        return -ENOBUFS;
                buf[len++] = '\n';
                buf[len] = '\0';
                return (int) len;
        default:
                return -EINVAL;
        }
        return n < 0 || (size_t) n >= size ? -ENOBUFS : n;
}
