/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "dnssd/publish.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "mdns/announce.h"

/* RFC 6762 §10: "resource records that contain a host name (SRV …) 120 seconds"; the others
 * (PTR, TXT) 75 minutes. */
#define TTL_SRV MDNS_TTL_HOST_NAME
#define TTL_TXT MDNS_TTL_OTHER
#define TTL_PTR MDNS_TTL_OTHER

#define IFNAME_SIZE (DNSSD_IFNAME_MAX + 1)

struct pub_iface {
        int ifindex;
        char name[IFNAME_SIZE];
};

/* One record we added, with what it was made for. */
struct pub_rec {
        struct reg_record *rec;
        size_t service; /* index in model->services */
        int ifindex;    /* 0: every interface */
        uint16_t type;
};

struct dnssd_publisher {
        struct registry *r;
        struct dns_name host;           /* "myhost.local" */
        char host_label[DNS_LABEL_TEXT_MAX]; /* "myhost" */
        struct pub_iface *ifaces;
        size_t n_ifaces, cap_ifaces;
        struct dnssd_pub *pubs;
        size_t n_pubs;
        void (*changed)(void *userdata);
        void *userdata;
};

struct dnssd_pub {
        struct dnssd_publisher *p;
        struct dnssd_pub *next, *prev;
        struct dnssd_group *model; /* our own copy */
        char *source;
        struct reg_group *group;
        char base[DNSSD_INSTANCE_NAME_MAX + 1]; /* the name with %h expanded */
        char name[DNSSD_INSTANCE_NAME_MAX + 1]; /* what is published: base or "base (n)" */
        unsigned attempt;                      /* 1: base; n: "base (n)" */
        unsigned renames;
        struct pub_rec *recs;
        size_t n_recs, cap_recs;
        bool established_logged, full_logged, gave_up;
};

/* ---- names ---- */

int dnssd_name_alternative(const char *base, unsigned n, char *buf, size_t size) {
        char suffix[16];
        size_t len = strlen(base), slen;

        if (n <= 1) {
                if (len > DNSSD_INSTANCE_NAME_MAX || len + 1 > size)
                        return -ENOBUFS;
                memcpy(buf, base, len + 1);
                return (int) len;
        }
        slen = (size_t) snprintf(suffix, sizeof suffix, " (%u)", n);
        if (slen >= DNSSD_INSTANCE_NAME_MAX || size < DNSSD_INSTANCE_NAME_MAX + 1)
                return -ENOBUFS;
        if (len > DNSSD_INSTANCE_NAME_MAX - slen) {
                len = DNSSD_INSTANCE_NAME_MAX - slen;
                /* RFC 6763 §4.1.1: UTF-8; never split a character */
                while (len > 0 && ((uint8_t) base[len] & 0xC0) == 0x80)
                        len--;
        }
        memcpy(buf, base, len);
        memcpy(buf + len, suffix, slen + 1);
        return (int) (len + slen);
}

/* ---- the model copy ---- */

static char **strv_copy(char *const *v, size_t n) {
        char **c = calloc(n ? n : 1, sizeof *c);

        if (!c)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                c[i] = strdup(v[i]);
                if (!c[i]) {
                        for (size_t j = 0; j < i; j++)
                                free(c[j]);
                        free(c);
                        return NULL;
                }
        }
        return c;
}

static int service_copy(struct dnssd_service *d, const struct dnssd_service *s) {
        *d = *s;
        d->type = NULL;
        d->subtypes = d->interfaces = NULL;
        d->n_subtypes = d->n_interfaces = d->n_txt = 0;
        d->txt = NULL;

        d->type = strdup(s->type);
        d->subtypes = strv_copy(s->subtypes, s->n_subtypes);
        d->interfaces = strv_copy(s->interfaces, s->n_interfaces);
        d->txt = calloc(s->n_txt ? s->n_txt : 1, sizeof *d->txt);
        if (!d->type || !d->subtypes || !d->interfaces || !d->txt) {
                if (d->subtypes)
                        d->n_subtypes = s->n_subtypes;
                if (d->interfaces)
                        d->n_interfaces = s->n_interfaces;
                return -ENOMEM;
        }
        d->n_subtypes = s->n_subtypes;
        d->n_interfaces = s->n_interfaces;
        for (size_t i = 0; i < s->n_txt; i++) {
                d->txt[i].data = malloc(s->txt[i].len ? s->txt[i].len : 1);
                if (!d->txt[i].data)
                        return -ENOMEM;
                memcpy(d->txt[i].data, s->txt[i].data, s->txt[i].len);
                d->txt[i].len = s->txt[i].len;
                d->n_txt = i + 1;
        }
        return 0;
}

static struct dnssd_group *group_copy(const struct dnssd_group *g) {
        struct dnssd_group *c = calloc(1, sizeof *c);

        if (!c)
                return NULL;
        c->replace_wildcards = g->replace_wildcards;
        c->name = strdup(g->name);
        c->services = calloc(g->n_services ? g->n_services : 1, sizeof *c->services);
        if (!c->name || !c->services)
                goto fail;
        for (size_t i = 0; i < g->n_services; i++) {
                int r = service_copy(&c->services[i], &g->services[i]);

                c->n_services = i + 1; /* a partial copy is freed as well */
                if (r < 0)
                        goto fail;
        }
        return c;
fail:
        dnssd_group_free(c);
        return NULL;
}

static bool strv_equal(char *const *a, size_t na, char *const *b, size_t nb) {
        if (na != nb)
                return false;
        for (size_t i = 0; i < na; i++)
                if (strcmp(a[i], b[i]) != 0)
                        return false;
        return true;
}

static bool txt_equal(const struct dnssd_service *a, const struct dnssd_service *b) {
        if (a->n_txt != b->n_txt)
                return false;
        for (size_t i = 0; i < a->n_txt; i++)
                if (a->txt[i].len != b->txt[i].len || memcmp(a->txt[i].data, b->txt[i].data, a->txt[i].len) != 0)
                        return false;
        return true;
}

/* Everything but the TXT strings (and where in the file it was written). */
static bool service_same_but_txt(const struct dnssd_service *a, const struct dnssd_service *b) {
        return strcmp(a->type, b->type) == 0 && strv_equal(a->subtypes, a->n_subtypes, b->subtypes, b->n_subtypes) &&
               a->domain.len == b->domain.len && memcmp(a->domain.data, b->domain.data, a->domain.len) == 0 &&
               a->has_host == b->has_host &&
               (!a->has_host || (a->host.len == b->host.len && memcmp(a->host.data, b->host.data, a->host.len) == 0)) &&
               a->port == b->port && a->protocol == b->protocol &&
               strv_equal(a->interfaces, a->n_interfaces, b->interfaces, b->n_interfaces);
}

static bool group_same_but_txt(const struct dnssd_group *a, const struct dnssd_group *b) {
        if (strcmp(a->name, b->name) != 0 || a->replace_wildcards != b->replace_wildcards ||
            a->n_services != b->n_services)
                return false;
        for (size_t i = 0; i < a->n_services; i++)
                if (!service_same_but_txt(&a->services[i], &b->services[i]))
                        return false;
        return true;
}

/* ---- interfaces ---- */

static const struct pub_iface *iface_find(const struct dnssd_publisher *p, int ifindex) {
        for (size_t k = 0; k < p->n_ifaces; k++)
                if (p->ifaces[k].ifindex == ifindex)
                        return &p->ifaces[k];
        return NULL;
}

/* Whether service s is to be published on ifindex (0: the "every interface" scope). */
static bool service_wants_ifindex(const struct dnssd_publisher *p, const struct dnssd_service *s, int ifindex) {
        const struct pub_iface *i;

        if (s->n_interfaces == 0)
                return ifindex == 0;
        i = ifindex > 0 ? iface_find(p, ifindex) : NULL;
        return i && dnssd_service_on_interface(s, i->name);
}

static int family_of(enum dnssd_protocol proto) {
        return proto == DNSSD_PROTOCOL_IPV4 ? AF_INET : proto == DNSSD_PROTOCOL_IPV6 ? AF_INET6 : AF_UNSPEC;
}

/* ---- records ---- */

static void publisher_changed(struct dnssd_publisher *p) {
        if (p->changed)
                p->changed(p->userdata);
}

static int pub_rec_push(struct dnssd_pub *pub, struct reg_record *rec, size_t service, int ifindex, uint16_t type) {
        if (pub->n_recs == pub->cap_recs) {
                size_t cap = pub->cap_recs ? pub->cap_recs * 2 : 8;
                struct pub_rec *n = realloc(pub->recs, cap * sizeof *n);

                if (!n)
                        return -ENOMEM;
                pub->recs = n;
                pub->cap_recs = cap;
        }
        pub->recs[pub->n_recs++] = (struct pub_rec) { .rec = rec, .service = service, .ifindex = ifindex, .type = type };
        return 0;
}

static int pub_add_rr(struct dnssd_pub *pub, size_t service, int ifindex, int family, const struct dns_name *name,
                      uint16_t type, uint32_t ttl, bool unique, const uint8_t *rdata, size_t rdlength, usec_t now) {
        struct dns_rr rr = {
                .name = *name, .type = type, .rclass = DNS_CLASS_IN, .ttl = ttl,
                .rdata = (uint8_t *) rdata, .rdlength = (uint16_t) rdlength,
        };
        struct reg_record *rec;
        int r;

        r = pub_rec_push(pub, NULL, service, ifindex, type); /* room first: never lose a record */
        if (r < 0)
                return r;
        pub->n_recs--;
        r = reg_group_add(pub->group, &rr, unique ? REG_UNIQUE : 0, ifindex, family, now, &rec);
        if (r < 0)
                return r;
        pub->recs[pub->n_recs++] = (struct pub_rec) { .rec = rec, .service = service, .ifindex = ifindex, .type = type };
        return 0;
}

/* Shared PTR records: -EEXIST means this group already publishes that very record there (two
 * services of one type on different interface lists): fine. */
static int ok_if_exists(int r) {
        return r == -EEXIST ? 0 : r;
}

int dnssd_service_records(const struct dnssd_service *s, const char *instance_label, const struct dns_name *host,
                          dnssd_record_cb add, void *userdata) {
        struct dns_srv srv = { .priority = 0, .weight = 0, .port = s->port };
        struct dns_name instance, type, sub, enumeration;
        uint8_t rdata[DNSSD_TXT_SIZE_MAX + DNS_NAME_MAX];
        int r, len;

        r = dnssd_service_instance_name(s, instance_label, &instance);
        if (r < 0)
                return r;

        /* RFC 6763 §5: SRV (port and target host) and TXT, both unique (RFC 6762 §8.1: probed) */
        srv.target = s->has_host ? s->host : *host;
        len = dns_rdata_build_srv(rdata, sizeof rdata, &srv);
        if (len < 0)
                return len;
        r = add(userdata, &instance, DNS_TYPE_SRV, TTL_SRV, true, rdata, (size_t) len);
        if (r < 0)
                return r;
        len = dnssd_service_build_txt(s, rdata, sizeof rdata);
        if (len < 0)
                return len;
        r = add(userdata, &instance, DNS_TYPE_TXT, TTL_TXT, true, rdata, (size_t) len);
        if (r < 0)
                return r;

        /* a placeholder holds the name only: nothing browses to it */
        if (dnssd_service_is_placeholder(s))
                return 0;

        /* RFC 6763 §4.1: <type>.<domain> PTR <instance>, shared */
        r = dnssd_service_type_name(s, &type);
        if (r < 0)
                return r;
        len = dns_rdata_build_name(rdata, sizeof rdata, &instance);
        if (len < 0)
                return len;
        r = ok_if_exists(add(userdata, &type, DNS_TYPE_PTR, TTL_PTR, false, rdata, (size_t) len));
        if (r < 0)
                return r;
        /* RFC 6763 §7.1: <sub>._sub.<type>.<domain> PTR <instance>, shared */
        for (size_t i = 0; i < s->n_subtypes; i++) {
                r = dnssd_service_subtype_name(s, i, &sub);
                if (r < 0)
                        return r;
                r = ok_if_exists(add(userdata, &sub, DNS_TYPE_PTR, TTL_PTR, false, rdata, (size_t) len));
                if (r < 0)
                        return r;
        }
        /* RFC 6763 §9: _services._dns-sd._udp.<domain> PTR <type>.<domain>, shared with every
         * other group of that type (the registry sends its goodbye only when the last one goes) */
        r = dnssd_name_build_enumeration(&s->domain, &enumeration);
        if (r < 0)
                return r;
        len = dns_rdata_build_name(rdata, sizeof rdata, &type);
        if (len < 0)
                return len;
        return ok_if_exists(add(userdata, &enumeration, DNS_TYPE_PTR, TTL_PTR, false, rdata, (size_t) len));
}

static int build_srv(const struct dnssd_publisher *p, const struct dnssd_service *s, uint8_t *buf, size_t size) {
        struct dns_srv srv = { .priority = 0, .weight = 0, .port = s->port };

        srv.target = s->has_host ? s->host : p->host;
        return dns_rdata_build_srv(buf, size, &srv);
}

struct pub_add_ctx {
        struct dnssd_pub *pub;
        size_t service;
        int ifindex, family;
        usec_t now;
};

static int pub_add_cb(void *userdata, const struct dns_name *name, uint16_t type, uint32_t ttl, bool unique,
                      const uint8_t *rdata, size_t rdlength) {
        struct pub_add_ctx *c = userdata;

        return pub_add_rr(c->pub, c->service, c->ifindex, c->family, name, type, ttl, unique, rdata, rdlength, c->now);
}

/* All the records of service k on one interface scope. -EEXIST: another group owns the name. */
static int pub_add_service(struct dnssd_pub *pub, size_t k, int ifindex, usec_t now) {
        struct pub_add_ctx c = {
                .pub = pub, .service = k, .ifindex = ifindex, .now = now,
                .family = family_of(pub->model->services[k].protocol),
        };

        return dnssd_service_records(&pub->model->services[k], pub->name, &pub->p->host, pub_add_cb, &c);
}

/* The interface scopes service k is to be published on now. */
static size_t service_scopes(const struct dnssd_publisher *p, const struct dnssd_service *s, int *out, size_t max) {
        size_t n = 0;

        if (s->n_interfaces == 0) {
                out[0] = 0;
                return 1;
        }
        for (size_t k = 0; k < p->n_ifaces && n < max; k++)
                if (dnssd_service_on_interface(s, p->ifaces[k].name))
                        out[n++] = p->ifaces[k].ifindex;
        return n;
}

static void pub_log_add_error(struct dnssd_pub *pub, size_t k, int r) {
        const struct dnssd_service *s = &pub->model->services[k];

        if (r == -E2BIG) {
                if (!pub->full_logged)
                        log_error("%s:%u:%u: too many records for one group: '%s' %s is published in part",
                                  pub->source, s->line, s->column, pub->name, s->type);
                pub->full_logged = true;
                return;
        }
        log_error("%s:%u:%u: cannot publish '%s' %s: %s", pub->source, s->line, s->column, pub->name, s->type,
                  strerror(-r));
}

/* Add every record of every service under pub->name. -EEXIST: another group of ours holds the
 * instance name (a local conflict). Other errors are logged and skipped. */
static int pub_add_all(struct dnssd_pub *pub, usec_t now) {
        int scopes[64];

        for (size_t k = 0; k < pub->model->n_services; k++) {
                const struct dnssd_service *s = &pub->model->services[k];
                size_t n = service_scopes(pub->p, s, scopes, ELEMENTSOF(scopes));

                if (n == 0)
                        log_debug("%s: '%s' %s waits for its interfaces", pub->source, pub->name, s->type);
                for (size_t j = 0; j < n; j++) {
                        int r = pub_add_service(pub, k, scopes[j], now);

                        if (r == -EEXIST)
                                return r;
                        if (r < 0)
                                pub_log_add_error(pub, k, r);
                }
        }
        return 0;
}

static void pub_clear(struct dnssd_pub *pub, usec_t now) {
        /* RFC 6762 §10.1: goodbyes for what was published; the records are freed */
        pub->n_recs = 0;
        reg_group_reset(pub->group, now);
}

/* (Re)build the group under name attempt `pub->attempt` and commit it (RFC 6762 §8: probe,
 * announce). A name another group of ours holds is skipped like a lost one. */
static void pub_publish(struct dnssd_pub *pub, usec_t now) {
        for (;;) {
                int r;

                pub_clear(pub, now);
                if (dnssd_name_alternative(pub->base, pub->attempt, pub->name, sizeof pub->name) < 0) {
                        log_error("%s: no name left to publish '%s' under", pub->source, pub->base);
                        pub->gave_up = true;
                        return;
                }
                pub->established_logged = false;
                r = pub_add_all(pub, now);
                if (r == -EEXIST) {
                        if (pub->attempt >= DNSSD_PUBLISH_RENAMES_MAX) {
                                pub_clear(pub, now);
                                log_error("%s: '%s' and its alternatives are all in use here; giving up",
                                          pub->source, pub->base);
                                pub->gave_up = true;
                                return;
                        }
                        log_notice("%s: service name '%s' is already published here by another group: "
                                   "trying '%s (%u)'", pub->source, pub->name, pub->base, pub->attempt + 1);
                        pub->attempt++;
                        pub->renames++;
                        continue;
                }
                r = reg_group_commit(pub->group, now);
                if (r < 0)
                        log_error("%s: cannot publish '%s': %s", pub->source, pub->name, strerror(-r));
                return;
        }
}

static int pub_expand_base(struct dnssd_pub *pub, const struct dnssd_group *g, char *base) {
        bool truncated = false;
        int r = dnssd_group_expand_name(g, pub->p->host_label, base, DNSSD_INSTANCE_NAME_MAX + 1, &truncated);

        if (r < 0)
                return r;
        if (truncated)
                log_notice("%s: the instance name with the host name put in is cut to 63 octets: '%s'", pub->source,
                           base);
        return 0;
}

static const char *family_name(int family) {
        return family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" : "?";
}

static void pub_on_state(struct reg_group *g, const struct reg_state_change *c, void *userdata) {
        struct dnssd_pub *pub = userdata;
        char peer[INET6_ADDRSTRLEN] = "an unknown host";
        char lost[sizeof pub->name];

        (void) g;
        switch (c->state) {
        case REG_GROUP_COLLISION:
                if (c->peer_family != AF_UNSPEC)
                        inet_ntop(c->peer_family, &c->peer, peer, sizeof peer);
                snprintf(lost, sizeof lost, "%s", pub->name);
                if (pub->attempt >= DNSSD_PUBLISH_RENAMES_MAX) {
                        log_error("%s: service name '%s' is in use by %s; no alternatives left, giving up", pub->source,
                                  lost, peer);
                        pub_clear(pub, c->now);
                        pub->gave_up = true;
                        return;
                }
                /* RFC 6762 §9: the loser "MUST cease using the name" and choose a new one:
                 * "Name" → "Name (2)" → "Name (3)", probed again */
                pub->attempt++;
                pub->renames++;
                pub_publish(pub, c->now);
                log_notice("%s: service name '%s' is in use by %s (%s on %s): renamed to '%s'", pub->source, lost, peer,
                           c->reason ? c->reason : "conflict", c->link ? c->link : family_name(c->family), pub->name);
                break;
        case REG_GROUP_ESTABLISHED:
                if (!pub->established_logged) {
                        log_info("%s: service '%s' established", pub->source, pub->name);
                        pub->established_logged = true;
                }
                break;
        default:
                break;
        }
}

/* ---- public: groups ---- */

int dnssd_pub_new(struct dnssd_publisher *p, const struct dnssd_group *g, const char *source, usec_t now,
                  struct dnssd_pub **ret) {
        struct dnssd_pub *pub;
        int r;

        pub = calloc(1, sizeof *pub);
        if (!pub)
                return -ENOMEM;
        pub->p = p;
        pub->attempt = 1;
        pub->source = strdup(source ? source : "(service group)");
        pub->model = group_copy(g);
        if (!pub->source || !pub->model) {
                r = -ENOMEM;
                goto fail;
        }
        r = pub_expand_base(pub, pub->model, pub->base);
        if (r < 0) {
                log_error("%s: the instance name '%s' cannot be used with host name %s", pub->source, g->name,
                          p->host_label);
                goto fail;
        }
        r = reg_group_new(p->r, pub_on_state, pub, &pub->group);
        if (r < 0)
                goto fail;
        pub->next = p->pubs;
        if (p->pubs)
                p->pubs->prev = pub;
        p->pubs = pub;
        p->n_pubs++;
        pub_publish(pub, now);
        publisher_changed(p);
        if (ret)
                *ret = pub;
        return 0;
fail:
        if (pub->model)
                dnssd_group_free(pub->model);
        free(pub->source);
        free(pub);
        return r;
}

void dnssd_pub_free(struct dnssd_pub *pub, usec_t now) {
        struct dnssd_publisher *p;

        if (!pub)
                return;
        p = pub->p;
        /* RFC 6762 §10.1: goodbyes (none for a shared record another group still publishes) */
        reg_group_free(pub->group, now);
        if (pub->prev)
                pub->prev->next = pub->next;
        else
                p->pubs = pub->next;
        if (pub->next)
                pub->next->prev = pub->prev;
        p->n_pubs--;
        dnssd_group_free(pub->model);
        free(pub->recs);
        free(pub->source);
        free(pub);
        publisher_changed(p);
}

/* RFC 6762 §8.4: new TXT rdata for the records of services whose TXT changed: announced again,
 * the name is not probed again. */
static int pub_update_txt(struct dnssd_pub *pub, const struct dnssd_group *g, usec_t now) {
        uint8_t rdata[DNSSD_TXT_SIZE_MAX + 1];
        int ret = 0;

        for (size_t k = 0; k < g->n_services; k++) {
                int len;

                if (txt_equal(&pub->model->services[k], &g->services[k]))
                        continue;
                len = dnssd_service_build_txt(&g->services[k], rdata, sizeof rdata);
                if (len < 0)
                        return len;
                for (size_t j = 0; j < pub->n_recs; j++) {
                        const struct pub_rec *pr = &pub->recs[j];
                        int r;

                        if (pr->service != k || pr->type != DNS_TYPE_TXT)
                                continue;
                        r = reg_record_update(pr->rec, rdata, (uint16_t) len, now);
                        if (r < 0 && ret == 0)
                                ret = r;
                }
        }
        return ret;
}

int dnssd_pub_update(struct dnssd_pub *pub, const struct dnssd_group *g, usec_t now) {
        char base[DNSSD_INSTANCE_NAME_MAX + 1];
        struct dnssd_group *copy;
        bool same_txt = true;
        int r;

        r = pub_expand_base(pub, g, base);
        if (r < 0) {
                log_error("%s: the instance name '%s' cannot be used with host name %s", pub->source, g->name,
                          pub->p->host_label);
                return r;
        }
        copy = group_copy(g);
        if (!copy)
                return -ENOMEM;

        if (group_same_but_txt(pub->model, g) && !pub->gave_up &&
            reg_group_get_state(pub->group) != REG_GROUP_COLLISION) {
                for (size_t k = 0; k < g->n_services; k++)
                        same_txt = same_txt && txt_equal(&pub->model->services[k], &g->services[k]);
                if (same_txt) {
                        dnssd_group_free(pub->model);
                        pub->model = copy;
                        return DNSSD_PUB_SAME;
                }
                r = pub_update_txt(pub, g, now);
                if (r >= 0) {
                        dnssd_group_free(pub->model);
                        pub->model = copy;
                        log_info("%s: TXT of '%s' updated", pub->source, pub->name);
                        publisher_changed(pub->p);
                        return DNSSD_PUB_TXT_UPDATED;
                }
                /* could not update in place: publish all over again below */
        }

        /* withdrawn with goodbyes (RFC 6762 §10.1), published again: probed, announced. A name
         * that stays the same keeps the alternative it won ("Name (2)"). */
        if (strcmp(base, pub->base) != 0)
                pub->attempt = 1;
        memcpy(pub->base, base, sizeof base);
        dnssd_group_free(pub->model);
        pub->model = copy;
        pub->gave_up = false;
        pub->full_logged = false;
        pub_publish(pub, now);
        publisher_changed(pub->p);
        return DNSSD_PUB_REPUBLISHED;
}

const char *dnssd_pub_get_name(const struct dnssd_pub *pub) {
        return pub->name;
}

unsigned dnssd_pub_get_renames(const struct dnssd_pub *pub) {
        return pub->renames;
}

enum reg_group_state dnssd_pub_get_state(const struct dnssd_pub *pub) {
        return reg_group_get_state(pub->group);
}

struct reg_group *dnssd_pub_get_group(const struct dnssd_pub *pub) {
        return pub->group;
}

const struct dnssd_group *dnssd_pub_get_model(const struct dnssd_pub *pub) {
        return pub->model;
}

/* ---- public: the publisher ---- */

static int publisher_set_host(struct dnssd_publisher *p, const char *host_name) {
        struct dns_name n;
        char label[sizeof p->host_label];
        int r;

        if (!host_name)
                return -EINVAL;
        r = dns_name_from_text(&n, host_name);
        if (r < 0)
                return r;
        r = dns_name_first_label(&n, label, sizeof label);
        if (r <= 0 || (size_t) r != strlen(label))
                return -EINVAL;
        p->host = n;
        memcpy(p->host_label, label, sizeof label);
        return 0;
}

int dnssd_publisher_new(struct dnssd_publisher **ret, const struct dnssd_publisher_config *cfg) {
        struct dnssd_publisher *p;
        int r;

        if (!cfg || !cfg->registry)
                return -EINVAL;
        p = calloc(1, sizeof *p);
        if (!p)
                return -ENOMEM;
        p->r = cfg->registry;
        p->changed = cfg->changed;
        p->userdata = cfg->userdata;
        r = publisher_set_host(p, cfg->host_name);
        if (r < 0) {
                free(p);
                return r;
        }
        *ret = p;
        return 0;
}

void dnssd_publisher_free(struct dnssd_publisher *p, usec_t now) {
        if (!p)
                return;
        p->changed = NULL;
        while (p->pubs)
                dnssd_pub_free(p->pubs, now);
        free(p->ifaces);
        free(p);
}

size_t dnssd_publisher_get_n_pubs(const struct dnssd_publisher *p) {
        return p->n_pubs;
}

int dnssd_publisher_set_host_name(struct dnssd_publisher *p, const char *host_name, usec_t now) {
        uint8_t rdata[DNS_NAME_MAX + 8];
        struct dnssd_pub *pub, *next;
        int r;

        r = publisher_set_host(p, host_name);
        if (r < 0)
                return r;
        for (pub = p->pubs; pub; pub = next) {
                next = pub->next;
                if (dnssd_group_uses_host_name(pub->model)) {
                        char base[DNSSD_INSTANCE_NAME_MAX + 1];

                        /* %h: a new instance name, probed from its first choice */
                        if (pub_expand_base(pub, pub->model, base) < 0) {
                                log_error("%s: the instance name '%s' cannot be used with host name %s", pub->source,
                                          pub->model->name, p->host_label);
                                pub_clear(pub, now);
                                continue;
                        }
                        memcpy(pub->base, base, sizeof base);
                        pub->attempt = 1;
                        pub->gave_up = false;
                        log_info("%s: the host name is now %s: publishing '%s'", pub->source, host_name, base);
                        pub_publish(pub, now);
                        continue;
                }
                /* RFC 6762 §8.4: the SRV records pointing at us get the new target, announced */
                for (size_t j = 0; j < pub->n_recs; j++) {
                        const struct pub_rec *pr = &pub->recs[j];
                        const struct dnssd_service *s = &pub->model->services[pr->service];
                        int len;

                        if (pr->type != DNS_TYPE_SRV || s->has_host)
                                continue;
                        len = build_srv(p, s, rdata, sizeof rdata);
                        if (len >= 0)
                                len = reg_record_update(pr->rec, rdata, (uint16_t) len, now);
                        if (len < 0)
                                log_warning("%s: cannot point '%s' at %s: %s", pub->source, pub->name, host_name,
                                            strerror(-len));
                }
        }
        publisher_changed(p);
        return 0;
}

/* Make the records of every interface-limited service match the interfaces there are. */
static void pub_sync_ifaces(struct dnssd_pub *pub, usec_t now) {
        bool changed = false;

        if (pub->gave_up || reg_group_get_state(pub->group) == REG_GROUP_COLLISION)
                return;
        /* records on interfaces the service no longer wants (gone, renamed): removed */
        for (size_t j = pub->n_recs; j > 0; j--) {
                struct pub_rec *pr = &pub->recs[j - 1];
                const struct dnssd_service *s = &pub->model->services[pr->service];

                if (s->n_interfaces == 0 || service_wants_ifindex(pub->p, s, pr->ifindex))
                        continue;
                reg_record_remove(pr->rec, now);
                pub->recs[j - 1] = pub->recs[--pub->n_recs];
                changed = true;
        }
        /* interfaces it wants and has no records on yet: added (new unique names are probed) */
        for (size_t k = 0; k < pub->model->n_services; k++) {
                const struct dnssd_service *s = &pub->model->services[k];
                int scopes[64];
                size_t n;

                if (s->n_interfaces == 0)
                        continue;
                n = service_scopes(pub->p, s, scopes, ELEMENTSOF(scopes));
                for (size_t i = 0; i < n; i++) {
                        bool have = false;
                        int r;

                        for (size_t j = 0; j < pub->n_recs && !have; j++)
                                have = pub->recs[j].service == k && pub->recs[j].ifindex == scopes[i];
                        if (have)
                                continue;
                        changed = true;
                        r = pub_add_service(pub, k, scopes[i], now);
                        if (r == -EEXIST) {
                                /* another group of ours holds the name there: rename all */
                                pub->attempt++;
                                pub->renames++;
                                pub_publish(pub, now);
                                return;
                        }
                        if (r < 0)
                                pub_log_add_error(pub, k, r);
                }
        }
        if (changed)
                log_debug("%s: '%s' follows its interfaces", pub->source, pub->name);
}

static void publisher_sync_ifaces(struct dnssd_publisher *p, usec_t now) {
        struct dnssd_pub *pub, *next;

        for (pub = p->pubs; pub; pub = next) {
                bool limited = false;

                next = pub->next;
                for (size_t k = 0; k < pub->model->n_services && !limited; k++)
                        limited = pub->model->services[k].n_interfaces > 0;
                if (limited)
                        pub_sync_ifaces(pub, now);
        }
        publisher_changed(p);
}

void dnssd_publisher_iface_update(struct dnssd_publisher *p, int ifindex, const char *name, usec_t now) {
        struct pub_iface *i = (struct pub_iface *) iface_find(p, ifindex);

        if (ifindex <= 0 || !name)
                return;
        if (i && strcmp(i->name, name) == 0)
                return;
        if (!i) {
                if (p->n_ifaces == p->cap_ifaces) {
                        size_t cap = p->cap_ifaces ? p->cap_ifaces * 2 : 8;
                        struct pub_iface *n = realloc(p->ifaces, cap * sizeof *n);

                        if (!n) {
                                log_warning("%s: out of memory: services limited to it are not published", name);
                                return;
                        }
                        p->ifaces = n;
                        p->cap_ifaces = cap;
                }
                i = &p->ifaces[p->n_ifaces++];
                i->ifindex = ifindex;
        }
        snprintf(i->name, sizeof i->name, "%s", name);
        publisher_sync_ifaces(p, now);
}

void dnssd_publisher_iface_remove(struct dnssd_publisher *p, int ifindex, usec_t now) {
        for (size_t k = 0; k < p->n_ifaces; k++)
                if (p->ifaces[k].ifindex == ifindex) {
                        p->ifaces[k] = p->ifaces[--p->n_ifaces];
                        publisher_sync_ifaces(p, now);
                        return;
                }
}
