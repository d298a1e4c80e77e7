/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The service model: freeing, %h expansion, RFC 6763 names (§4.1, §7.1, §9) and TXT rdata (§6). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns-rr.h"
#include "dnssd/service.h"

static const char *const protocol_table[_DNSSD_PROTOCOL_MAX] = {
        [DNSSD_PROTOCOL_ANY] = "any",
        [DNSSD_PROTOCOL_IPV4] = "ipv4",
        [DNSSD_PROTOCOL_IPV6] = "ipv6",
};

const char *dnssd_protocol_to_string(enum dnssd_protocol p) {
        return (unsigned) p < _DNSSD_PROTOCOL_MAX ? protocol_table[p] : NULL;
}

int dnssd_protocol_from_string(const char *s, enum dnssd_protocol *ret) {
        for (unsigned i = 0; i < _DNSSD_PROTOCOL_MAX; i++)
                if (strcmp(s, protocol_table[i]) == 0) {
                        *ret = (enum dnssd_protocol) i;
                        return 0;
                }
        return -EINVAL;
}

static void strv_free(char **v, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(v[i]);
        free(v);
}

void dnssd_service_done(struct dnssd_service *s) {
        free(s->type);
        strv_free(s->subtypes, s->n_subtypes);
        for (size_t i = 0; i < s->n_txt; i++)
                free(s->txt[i].data);
        free(s->txt);
        strv_free(s->interfaces, s->n_interfaces);
        memset(s, 0, sizeof(*s));
}

void dnssd_group_free(struct dnssd_group *g) {
        if (!g)
                return;
        free(g->name);
        for (size_t i = 0; i < g->n_services; i++)
                dnssd_service_done(&g->services[i]);
        free(g->services);
        strv_free(g->warnings, g->n_warnings);
        free(g);
}

bool dnssd_group_uses_host_name(const struct dnssd_group *g) {
        return g->replace_wildcards && strstr(g->name, "%h");
}

/* Append src[0..len) to buf at *pos, up to `max` octets, cutting at a UTF-8 boundary. Returns
 * false if it had to cut. */
static bool append_utf8(char *buf, size_t *pos, size_t max, const char *src, size_t len) {
        size_t room = max - *pos, n = len;

        if (n > room) {
                n = room;
                /* never split a multi-octet character: back up over continuation octets */
                while (n > 0 && ((uint8_t) src[n] & 0xC0) == 0x80)
                        n--;
        }
        memcpy(buf + *pos, src, n);
        *pos += n;
        return n == len;
}

int dnssd_group_expand_name(const struct dnssd_group *g, const char *host_label, char *buf, size_t size,
                            bool *truncated) {
        const char *p = g->name;
        size_t pos = 0, max = DNSSD_INSTANCE_NAME_MAX;
        bool complete = true;
        const char *reason;
        int r;

        if (size < DNSSD_INSTANCE_NAME_MAX + 1)
                return -ENOBUFS;
        if (!g->replace_wildcards)
                complete = append_utf8(buf, &pos, max, p, strlen(p));
        else
                while (*p && complete) {
                        const char *w = strstr(p, "%h");
                        size_t lit = w ? (size_t) (w - p) : strlen(p);

                        complete = append_utf8(buf, &pos, max, p, lit);
                        if (!w || !complete)
                                break;
                        complete = append_utf8(buf, &pos, max, host_label, strlen(host_label));
                        p = w + 2;
                }
        buf[pos] = '\0';
        if (truncated)
                *truncated = !complete;
        r = dnssd_check_instance_name(buf, pos, &reason);
        if (r < 0)
                return -EINVAL;
        return (int) pos;
}

/* "_name._tcp" → two labels appended to n. */
static int append_type(struct dns_name *n, const char *type) {
        const char *reason, *dot;
        int r;

        if (dnssd_check_service_type(type, &reason) < 0)
                return -EINVAL;
        dot = strchr(type, '.');
        r = dns_name_append_label(n, type, (size_t) (dot - type));
        if (r < 0)
                return r;
        return dns_name_append_label(n, dot + 1, strlen(dot + 1));
}

static int finish(struct dns_name *n, const struct dns_name *domain, struct dns_name *ret) {
        int r = dns_name_append_name(n, domain);
        if (r < 0)
                return r;
        *ret = *n;
        return 0;
}

int dnssd_name_build_type(const char *type, const struct dns_name *domain, struct dns_name *ret) {
        struct dns_name n = DNS_NAME_ROOT;
        int r;

        /* RFC 6763 §4.1: <Service>.<Domain> */
        r = append_type(&n, type);
        if (r < 0)
                return r;
        return finish(&n, domain, ret);
}

int dnssd_name_build_service(const char *instance, const char *type, const struct dns_name *domain,
                             struct dns_name *ret) {
        struct dns_name n = DNS_NAME_ROOT;
        const char *reason;
        size_t len = strlen(instance);
        int r;

        /* RFC 6763 §4.1: <Instance>.<Service>.<Domain>, the instance one raw label (§4.3) */
        r = dnssd_check_instance_name(instance, len, &reason);
        if (r < 0)
                return r;
        r = dns_name_append_label(&n, instance, len);
        if (r < 0)
                return r;
        r = append_type(&n, type);
        if (r < 0)
                return r;
        return finish(&n, domain, ret);
}

int dnssd_name_build_subtype(const char *subtype, const char *type, const struct dns_name *domain,
                             struct dns_name *ret) {
        struct dns_name n = DNS_NAME_ROOT;
        const char *reason;
        int r;

        /* RFC 6763 §7.1: <sub>._sub.<Service>.<Domain> */
        r = dnssd_check_subtype_label(subtype, &reason);
        if (r < 0)
                return r;
        r = dns_name_append_label(&n, subtype, strlen(subtype));
        if (r < 0)
                return r;
        r = dns_name_append_label(&n, "_sub", 4);
        if (r < 0)
                return r;
        r = append_type(&n, type);
        if (r < 0)
                return r;
        return finish(&n, domain, ret);
}

int dnssd_name_build_enumeration(const struct dns_name *domain, struct dns_name *ret) {
        struct dns_name n = DNS_NAME_ROOT;
        int r;

        /* RFC 6763 §9: _services._dns-sd._udp.<Domain> */
        r = dns_name_append_label(&n, "_services", 9);
        if (r < 0)
                return r;
        r = dns_name_append_label(&n, "_dns-sd", 7);
        if (r < 0)
                return r;
        r = dns_name_append_label(&n, "_udp", 4);
        if (r < 0)
                return r;
        return finish(&n, domain, ret);
}

int dnssd_service_type_name(const struct dnssd_service *s, struct dns_name *ret) {
        return dnssd_name_build_type(s->type, &s->domain, ret);
}

int dnssd_service_instance_name(const struct dnssd_service *s, const char *instance, struct dns_name *ret) {
        return dnssd_name_build_service(instance, s->type, &s->domain, ret);
}

int dnssd_service_subtype_name(const struct dnssd_service *s, size_t i, struct dns_name *ret) {
        if (i >= s->n_subtypes)
                return -EINVAL;
        return dnssd_name_build_subtype(s->subtypes[i], s->type, &s->domain, ret);
}

int dnssd_service_build_txt(const struct dnssd_service *s, uint8_t *buf, size_t size) {
        int r = 0;

        /* RFC 6763 §6.1: an empty TXT record is the single zero octet */
        if (s->n_txt == 0)
                return dns_txt_append(buf, size, 0, "", 0);
        for (size_t i = 0; i < s->n_txt; i++) {
                r = dns_txt_append(buf, size, (size_t) r, s->txt[i].data, s->txt[i].len);
                if (r < 0)
                        return r;
        }
        return r;
}

static bool ascii_strcaseeq(const char *a, const char *b) {
        for (; *a && *b; a++, b++) {
                char x = (*a >= 'A' && *a <= 'Z') ? (char) (*a + 32) : *a;
                char y = (*b >= 'A' && *b <= 'Z') ? (char) (*b + 32) : *b;
                if (x != y)
                        return false;
        }
        return *a == *b;
}

bool dnssd_service_is_placeholder(const struct dnssd_service *s) {
        return s->port == 0;
}

bool dnssd_service_on_interface(const struct dnssd_service *s, const char *ifname) {
        if (s->n_interfaces == 0)
                return true;
        for (size_t i = 0; i < s->n_interfaces; i++)
                if (strcmp(s->interfaces[i], ifname) == 0)
                        return true;
        return false;
}

bool dnssd_service_overlaps(const struct dnssd_service *a, const struct dnssd_service *b) {
        bool common = false;

        if (!ascii_strcaseeq(a->type, b->type) || !dns_name_equal(&a->domain, &b->domain))
                return false;
        if (a->protocol != DNSSD_PROTOCOL_ANY && b->protocol != DNSSD_PROTOCOL_ANY && a->protocol != b->protocol)
                return false;
        if (a->n_interfaces == 0 || b->n_interfaces == 0)
                return true;
        for (size_t i = 0; i < a->n_interfaces && !common; i++)
                common = dnssd_service_on_interface(b, a->interfaces[i]);
        return common;
}
