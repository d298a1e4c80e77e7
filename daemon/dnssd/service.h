/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DNS-SD service model: a service group (one instance name, optionally with %h for the host
 * name) holding one or more services, as read from a service file (service-file.h) and, later,
 * built by D-Bus entry groups. Also the RFC 6763 names and the TXT rdata a service publishes.
 * No I/O. Every field is validated when the model is built (service-file.c): the functions here
 * only fail on a host name that cannot be used or on a too-small buffer. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns-name.h"
#include "dnssd/validate.h"

/* Bounds of one group (DESIGN.md: bounded everything). */
#define DNSSD_SERVICES_MAX 64         /* services in one group */
#define DNSSD_SUBTYPES_MAX 32         /* subtypes of one service */
#define DNSSD_INTERFACES_MAX 32       /* names in one interface list */

enum dnssd_protocol {
        DNSSD_PROTOCOL_ANY,  /* A and AAAA, on IPv4 and IPv6 */
        DNSSD_PROTOCOL_IPV4, /* only over IPv4 and only A records */
        DNSSD_PROTOCOL_IPV6, /* only over IPv6 and only AAAA records */
        _DNSSD_PROTOCOL_MAX,
};

const char *dnssd_protocol_to_string(enum dnssd_protocol p);
/* -EINVAL for anything but "any", "ipv4", "ipv6". */
int dnssd_protocol_from_string(const char *s, enum dnssd_protocol *ret);

/* One TXT string as published: "key=value" or "key", raw octets (binary values allowed). */
struct dnssd_txt_item {
        uint8_t *data;
        size_t len; /* 1..255; the key is valid */
};

struct dnssd_service {
        char *type;                      /* "_ssh._tcp", valid per RFC 6763 §7 */
        char **subtypes;                 /* subtype labels ("_printer"), n_subtypes of them */
        size_t n_subtypes;
        struct dns_name domain;          /* "local" unless <domain-name> says otherwise */
        bool has_host;                   /* <host-name> given: the SRV target */
        struct dns_name host;            /* only if has_host; else the daemon's own host name */
        uint16_t port;
        struct dnssd_txt_item *txt;      /* in file order, duplicate keys already dropped */
        size_t n_txt;
        size_t txt_size;                 /* length of the TXT rdata (>= 1, <= DNSSD_TXT_SIZE_MAX) */
        enum dnssd_protocol protocol;
        char **interfaces;               /* interface names; none: every interface */
        size_t n_interfaces;
        unsigned line, column;           /* of its <service> element, for messages */
};

struct dnssd_group {
        char *name;                      /* the instance name as written (a template if %h) */
        bool replace_wildcards;          /* "%h" in name stands for the host name */
        struct dnssd_service *services;
        size_t n_services;               /* >= 1 */
        char **warnings;                 /* "FILE:LINE:COLUMN: ..." found while reading it */
        size_t n_warnings;
};

void dnssd_service_done(struct dnssd_service *s);
void dnssd_group_free(struct dnssd_group *g);

/* Whether the group's instance name depends on the host name (%h with replace-wildcards), so
 * that a host rename must re-publish it. */
bool dnssd_group_uses_host_name(const struct dnssd_group *g);

/* The instance name with every "%h" replaced by host_label (the host name's first label, e.g.
 * "myhost", never "myhost.local") when replace_wildcards is set; any other '%' is kept.
 * If the expansion exceeds 63 bytes it is cut at a UTF-8 character boundary (a long host name
 * must not make the service unpublishable) and *truncated (may be NULL) is set.
 * buf needs DNSSD_INSTANCE_NAME_MAX + 1 bytes. Returns the length, or -EINVAL if the result is
 * not a valid instance name (empty, bad UTF-8, control characters in host_label). */
int dnssd_group_expand_name(const struct dnssd_group *g, const char *host_label, char *buf, size_t size,
                            bool *truncated);

/* Names (RFC 6763 §4.1, §7.1, §9), built from raw labels so that an instance name may hold dots
 * and spaces (§4.3). type is "_name._tcp"; domain e.g. "local". -EINVAL on an invalid type or
 * instance, -EMSGSIZE when the name would exceed 255 octets. */
/* "_ssh._tcp.local": the name of the shared PTR records */
int dnssd_name_build_type(const char *type, const struct dns_name *domain, struct dns_name *ret);
/* "My Host._ssh._tcp.local": the SRV and TXT owner name */
int dnssd_name_build_service(const char *instance, const char *type, const struct dns_name *domain,
                             struct dns_name *ret);
/* "_printer._sub._http._tcp.local": a subtype's PTR name */
int dnssd_name_build_subtype(const char *subtype, const char *type, const struct dns_name *domain,
                             struct dns_name *ret);
/* "_services._dns-sd._udp.local": the service type enumeration name (§9) */
int dnssd_name_build_enumeration(const struct dns_name *domain, struct dns_name *ret);

/* The same for a service of the model. */
int dnssd_service_type_name(const struct dnssd_service *s, struct dns_name *ret);
int dnssd_service_instance_name(const struct dnssd_service *s, const char *instance, struct dns_name *ret);
int dnssd_service_subtype_name(const struct dnssd_service *s, size_t i, struct dns_name *ret);

/* The service's TXT rdata (RFC 6763 §6): its strings in order; none gives the single zero octet
 * (§6.1). Returns the length (== s->txt_size) or -ENOBUFS. */
int dnssd_service_build_txt(const struct dnssd_service *s, uint8_t *buf, size_t size);

/* Whether the two services would publish the same instance name on a common interface and
 * protocol (the same type and domain, overlapping protocol and interface lists). */
bool dnssd_service_overlaps(const struct dnssd_service *a, const struct dnssd_service *b);

/* Port 0 makes a placeholder, as DNSServiceRegister() does: the instance name is held (SRV and
 * TXT are probed and announced) but nothing is advertised: no PTR records, no subtypes, no
 * service type enumeration entry. */
bool dnssd_service_is_placeholder(const struct dnssd_service *s);

/* Whether the service is published on the interface named ifname (its list is empty or has it). */
bool dnssd_service_on_interface(const struct dnssd_service *s, const char *ifname);
