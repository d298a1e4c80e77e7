/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdns/host-records.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mdns/host-name.h"

struct host_addr {
        int ifindex, family;
        union in_addr_union addr;
        struct reg_record *a, *ptr;
        bool seen; /* scratch for sync */
};

struct host_records {
        struct registry *r;
        struct reg_group *group;
        char label[HOST_NAME_LABEL_MAX + 1];
        char name[HOST_NAME_LABEL_MAX + 8];
        struct dns_name dname;
        char *hinfo_cpu, *hinfo_os;
        bool no_reverse;
        void (*renamed)(void *userdata, const char *name);
        void *userdata;
        struct host_addr *addrs;
        size_t n_addrs, cap_addrs;
        unsigned renames;
        bool established_logged;
};

int host_records_reverse_name(int family, const union in_addr_union *a, struct dns_name *ret) {
        char text[128];
        size_t n = 0;

        if (family == AF_INET) {
                const uint8_t *b = (const uint8_t *) &a->in;

                snprintf(text, sizeof text, "%u.%u.%u.%u.in-addr.arpa", b[3], b[2], b[1], b[0]);
        } else if (family == AF_INET6) {
                static const char hex[] = "0123456789abcdef";

                for (int k = 15; k >= 0; k--) {
                        text[n++] = hex[a->in6.s6_addr[k] & 0xf];
                        text[n++] = '.';
                        text[n++] = hex[a->in6.s6_addr[k] >> 4];
                        text[n++] = '.';
                }
                snprintf(text + n, sizeof text - n, "ip6.arpa");
        } else
                return -EAFNOSUPPORT;
        return dns_name_from_text(ret, text);
}

static int host_set_label(struct host_records *h, const char *label) {
        const char *labels[] = { label, "local" };
        struct dns_name n;
        char name[sizeof h->name];
        int r;

        snprintf(name, sizeof name, "%s.local", label);
        /* from labels, not text: a backslash or a dot in a label given by a client is a byte of
         * the label, never an escape or a separator */
        r = dns_name_from_labels(&n, labels, 2);
        if (r < 0)
                return r;
        snprintf(h->label, sizeof h->label, "%s", label);
        snprintf(h->name, sizeof h->name, "%s", name);
        h->dname = n;
        return 0;
}

static int host_add_addr_records(struct host_records *h, struct host_addr *ha, usec_t now) {
        struct dns_rr rr = { .name = h->dname, .rclass = DNS_CLASS_IN };
        int r;

        if (ha->family == AF_INET) {
                rr.type = DNS_TYPE_A;
                rr.rdlength = sizeof ha->addr.in;
        } else {
                rr.type = DNS_TYPE_AAAA;
                rr.rdlength = sizeof ha->addr.in6;
        }
        rr.rdata = (uint8_t *) &ha->addr;
        /* A/AAAA on the interface that has the address only, on both transports */
        r = reg_group_add(h->group, &rr, REG_UNIQUE, ha->ifindex, AF_UNSPEC, now, &ha->a);
        if (r < 0)
                return r;
        if (!h->no_reverse) {
                uint8_t rdata[DNS_NAME_MAX];
                struct dns_rr ptr = { .type = DNS_TYPE_PTR, .rclass = DNS_CLASS_IN };

                r = host_records_reverse_name(ha->family, &ha->addr, &ptr.name);
                if (r >= 0)
                        r = dns_rdata_build_name(rdata, sizeof rdata, &h->dname);
                if (r >= 0) {
                        ptr.rdata = rdata;
                        ptr.rdlength = (uint16_t) r;
                        /* our own address: unique, known so without probing (RFC 6762 §8.1) */
                        r = reg_group_add(h->group, &ptr, REG_UNIQUE | REG_NO_PROBE, ha->ifindex, AF_UNSPEC, now,
                                          &ha->ptr);
                }
                if (r < 0 && r != -EEXIST)
                        log_debug("cannot publish the reverse mapping of an address: %s", strerror(-r));
        }
        return 0;
}

static void host_add_hinfo(struct host_records *h, usec_t now) {
        uint8_t rdata[2 * (DNS_CHARSTRING_MAX + 1)];
        struct dns_rr rr = { .name = h->dname, .type = DNS_TYPE_HINFO, .rclass = DNS_CLASS_IN };
        int r;

        if (!h->hinfo_cpu || !h->hinfo_os)
                return;
        r = dns_rdata_build_hinfo(rdata, sizeof rdata, h->hinfo_cpu, h->hinfo_os);
        if (r >= 0) {
                rr.rdata = rdata;
                rr.rdlength = (uint16_t) r;
                r = reg_group_add(h->group, &rr, REG_UNIQUE, 0, AF_UNSPEC, now, NULL);
        }
        if (r < 0)
                log_warning("cannot publish HINFO: %s", strerror(-r));
}

static const char *family_name(int family) {
        return family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" : "?";
}

/* Rebuild the group under the current name and publish it. */
static void host_publish(struct host_records *h, usec_t now) {
        int r;

        reg_group_reset(h->group, now);
        for (size_t k = 0; k < h->n_addrs; k++) {
                h->addrs[k].a = h->addrs[k].ptr = NULL;
                r = host_add_addr_records(h, &h->addrs[k], now);
                if (r < 0)
                        log_warning("cannot publish an address of %s: %s", h->name, strerror(-r));
        }
        host_add_hinfo(h, now);
        r = reg_group_commit(h->group, now);
        if (r < 0)
                log_error("cannot publish %s: %s", h->name, strerror(-r));
}

static void host_on_state(struct reg_group *g, const struct reg_state_change *c, void *userdata) {
        struct host_records *h = userdata;
        char alt[HOST_NAME_LABEL_MAX + 1], peer[INET6_ADDRSTRLEN] = "an unknown host", lost[DNS_NAME_TEXT_MAX];
        char old[sizeof h->name];

        switch (c->state) {
        case REG_GROUP_COLLISION:
                /* RFC 6762 §9: the loser "MUST cease using the name, and reconfigure": host → host-2 */
                if (host_name_alternative(h->label, alt, sizeof alt) < 0 || strcmp(alt, h->label) == 0) {
                        log_error("host name %s is in use and no alternative is left", h->name);
                        return;
                }
                if (c->peer_family != AF_UNSPEC)
                        inet_ntop(c->peer_family, &c->peer, peer, sizeof peer);
                if (!c->name || dns_name_to_text(c->name, lost, sizeof lost) < 0)
                        snprintf(lost, sizeof lost, "%s", h->name);
                snprintf(old, sizeof old, "%s", h->name);
                if (host_set_label(h, alt) < 0)
                        return;
                h->renames++;
                h->established_logged = false;
                log_notice("host name conflict: %s is in use by %s (%s on %s): renaming to %s", lost, peer,
                           c->reason ? c->reason : "conflict", c->link ? c->link : family_name(c->family), h->name);
                host_publish(h, c->now);
                if (h->renamed)
                        h->renamed(h->userdata, h->name);
                break;
        case REG_GROUP_ESTABLISHED:
                if (!h->established_logged) {
                        log_info("host name %s established", h->name);
                        h->established_logged = true;
                }
                break;
        default:
                break;
        }
        (void) g;
}

int host_records_set_label(struct host_records *h, const char *label, usec_t now) {
        char old[sizeof h->name];
        int r;

        if (!label || !*label || strlen(label) > HOST_NAME_LABEL_MAX)
                return -EINVAL;
        if (!strcmp(label, h->label))
                return 0;
        snprintf(old, sizeof old, "%s", h->name);
        r = host_set_label(h, label);
        if (r < 0)
                return r;
        h->established_logged = false;
        log_notice("host name %s renamed to %s by the administrator", old, h->name);
        host_publish(h, now); /* goodbyes for the old name, then probing the new one */
        if (h->renamed)
                h->renamed(h->userdata, h->name);
        return 0;
}

int host_records_new(struct host_records **ret, struct registry *r, const struct host_records_config *cfg,
                     usec_t now) {
        struct host_records *h;
        int ret_r;

        if (!cfg || !cfg->label)
                return -EINVAL;
        h = calloc(1, sizeof *h);
        if (!h)
                return -ENOMEM;
        h->r = r;
        h->no_reverse = cfg->no_reverse;
        h->renamed = cfg->renamed;
        h->userdata = cfg->userdata;
        ret_r = host_set_label(h, cfg->label);
        if (ret_r < 0)
                goto fail;
        if (cfg->hinfo_cpu && cfg->hinfo_os) {
                h->hinfo_cpu = strdup(cfg->hinfo_cpu);
                h->hinfo_os = strdup(cfg->hinfo_os);
                if (!h->hinfo_cpu || !h->hinfo_os) {
                        ret_r = -ENOMEM;
                        goto fail;
                }
        }
        ret_r = reg_group_new(r, host_on_state, h, &h->group);
        if (ret_r < 0)
                goto fail;
        host_publish(h, now);
        *ret = h;
        return 0;
fail:
        free(h->hinfo_cpu);
        free(h->hinfo_os);
        free(h);
        return ret_r;
}

void host_records_free(struct host_records *h, usec_t now) {
        if (!h)
                return;
        reg_group_free(h->group, now);
        free(h->addrs);
        free(h->hinfo_cpu);
        free(h->hinfo_os);
        free(h);
}

static void host_drop_addr(struct host_records *h, size_t k, usec_t now) {
        struct host_addr ha = h->addrs[k];

        h->addrs[k] = h->addrs[--h->n_addrs];
        /* RFC 6762 §10.1: the registry sends the goodbyes */
        reg_record_remove(ha.ptr, now);
        reg_record_remove(ha.a, now);
}

void host_records_sync_iface(struct host_records *h, const struct iface *i, bool serve, usec_t now) {
        for (size_t k = 0; k < h->n_addrs; k++)
                h->addrs[k].seen = false;

        if (serve)
                for (size_t j = 0; j < i->n_addrs; j++) {
                        const struct iface_addr *a = &i->addrs[j];
                        size_t alen = a->family == AF_INET ? sizeof a->addr.in : sizeof a->addr.in6;
                        bool found = false;

                        /* RFC 4862 §5.4: a tentative or dadfailed address is not ours (yet);
                         * §5.5.4: a deprecated one only if no preferred one is left */
                        if ((a->family != AF_INET && a->family != AF_INET6) || !iface_addr_is_published(i, a))
                                continue;
                        for (size_t k = 0; k < h->n_addrs; k++) {
                                struct host_addr *ha = &h->addrs[k];

                                if (ha->ifindex == i->ifindex && ha->family == a->family &&
                                    memcmp(&ha->addr, &a->addr, alen) == 0) {
                                        ha->seen = true;
                                        found = true;
                                        break;
                                }
                        }
                        if (found)
                                continue;
                        if (h->n_addrs == h->cap_addrs) {
                                size_t cap = h->cap_addrs ? h->cap_addrs * 2 : 8;
                                struct host_addr *n = realloc(h->addrs, cap * sizeof *n);

                                if (!n) {
                                        log_warning("%s: out of memory publishing an address", i->name);
                                        continue;
                                }
                                h->addrs = n;
                                h->cap_addrs = cap;
                        }
                        struct host_addr *ha = &h->addrs[h->n_addrs++];
                        *ha = (struct host_addr) { .ifindex = i->ifindex, .family = a->family, .seen = true };
                        memcpy(&ha->addr, &a->addr, alen);
                        int r = host_add_addr_records(h, ha, now);
                        if (r < 0) {
                                log_warning("%s: cannot publish an address of %s: %s", i->name, h->name, strerror(-r));
                                h->n_addrs--;
                        }
                }

        for (size_t k = h->n_addrs; k > 0; k--)
                if (h->addrs[k - 1].ifindex == i->ifindex && !h->addrs[k - 1].seen)
                        host_drop_addr(h, k - 1, now);
}

void host_records_remove_iface(struct host_records *h, int ifindex, usec_t now) {
        for (size_t k = h->n_addrs; k > 0; k--)
                if (h->addrs[k - 1].ifindex == ifindex)
                        host_drop_addr(h, k - 1, now);
}

const char *host_records_get_name(const struct host_records *h) {
        return h->name;
}

const struct dns_name *host_records_get_dns_name(const struct host_records *h) {
        return &h->dname;
}

enum reg_group_state host_records_get_state(const struct host_records *h) {
        return reg_group_get_state(h->group);
}

unsigned host_records_get_renames(const struct host_records *h) {
        return h->renames;
}

size_t host_records_get_n_addresses(const struct host_records *h) {
        return h->n_addrs;
}
