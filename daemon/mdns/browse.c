/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdns/browse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "mdns/registry.h"

/* RFC 6763 §9: "_services._dns-sd._udp.<Domain>" enumerates the service types */
#define SERVICE_TYPES_PREFIX "_services._dns-sd._udp"

struct link {
        struct browse *b;
        int ifindex, family;
        struct cache *cache;
        struct query_sched *qs;
};

/* Which records a subscription looks at: a name, up to two types (none: every type), a class,
 * on one link or on every link the subscription covers. Linked into the browse's table by the
 * seeded hash of the name. */
struct watch {
        struct browse_sub *sub;
        struct link *link; /* NULL: every covered link */
        struct dns_name name;
        uint16_t types[2];
        unsigned n_types;
        uint16_t rclass;
        uint32_t hash;
        bool linked;
        struct watch *hnext;
};

struct target {
        bool used;
        struct link *link;
        struct dns_name name;
        struct watch watch;
};

struct resolved {
        bool used;
        int ifindex, family;
        struct dns_name host;
        uint16_t port, priority, weight;
        struct browse_addr addr;
        uint32_t content; /* TXT, priority and weight: a change is reported as ITEM_NEW again */
        bool local;       /* the SRV is ours */
};

struct browse_sub {
        struct browse *b;
        struct browse_sub *prev, *next;
        struct browse_args args;
        browse_event_t cb;
        void *userdata;
        bool started, dead, dirty, afn_sent;
        usec_t created, afn_at;
        struct dns_question qv[2];
        unsigned n_q;
        struct watch watch;
        struct dns_name base; /* SERVICES: the service type; SERVICE_TYPES: the domain */
        unsigned base_labels;
        struct target targets[BROWSE_RESOLVE_TARGETS_MAX];
        struct resolved items[BROWSE_RESOLVE_ITEMS_MAX];
};

struct browse {
        struct rng *rng;
        struct registry *registry; /* the local source; NULL: none */
        query_emit_t emit;
        void *userdata;
        unsigned cache_entries_max, questions_max, subscriptions_max;
        uint32_t seed;

        struct link *links[BROWSE_LINKS_MAX];
        unsigned n_links;

        struct browse_sub *subs;
        unsigned n_subs, n_dead;
        unsigned busy; /* inside a browse_*() call: unsubscribed subscriptions are freed at its end */
        usec_t now;    /* of the call in progress */

        struct watch **table;
        unsigned mask;
        bool logged_subs_full, logged_targets_full;
};

static const char *const kind_table[_BROWSE_KIND_MAX] = {
        [BROWSE_SERVICES] = "services",
        [BROWSE_SERVICE_TYPES] = "service-types",
        [BROWSE_RESOLVE_SERVICE] = "resolve-service",
        [BROWSE_RESOLVE_HOST] = "resolve-host",
        [BROWSE_RESOLVE_ADDRESS] = "resolve-address",
        [BROWSE_RECORDS] = "records",
};

static const char *const event_table[_BROWSE_EVENT_MAX] = {
        [BROWSE_ITEM_NEW] = "item-new",
        [BROWSE_ITEM_REMOVED] = "item-removed",
        [BROWSE_CACHE_EXHAUSTED] = "cache-exhausted",
        [BROWSE_ALL_FOR_NOW] = "all-for-now",
};

const char *browse_kind_to_string(enum browse_kind k) {
        return (unsigned) k < _BROWSE_KIND_MAX ? kind_table[k] : NULL;
}

const char *browse_event_to_string(enum browse_event e) {
        return (unsigned) e < _BROWSE_EVENT_MAX ? event_table[e] : NULL;
}

/* ---- links ------------------------------------------------------------------------------- */

static struct link *link_find(const struct browse *b, int ifindex, int family) {
        for (unsigned i = 0; i < b->n_links; i++)
                if (b->links[i]->ifindex == ifindex && b->links[i]->family == family)
                        return b->links[i];
        return NULL;
}

static bool sub_covers(const struct browse_sub *s, const struct link *l) {
        return (s->args.ifindex == 0 || s->args.ifindex == l->ifindex) &&
               (s->args.family == AF_UNSPEC || s->args.family == l->family);
}

static bool sub_live(const struct browse_sub *s) {
        return !s->dead;
}

/* ---- watches ------------------------------------------------------------------------------ */

static void watch_link(struct browse *b, struct watch *w) {
        struct watch **bucket;

        w->hash = cache_name_hash(&w->name, b->seed);
        bucket = &b->table[w->hash & b->mask];
        w->hnext = *bucket;
        *bucket = w;
        w->linked = true;
}

static void watch_unlink(struct browse *b, struct watch *w) {
        if (!w->linked)
                return;
        for (struct watch **pp = &b->table[w->hash & b->mask]; *pp; pp = &(*pp)->hnext)
                if (*pp == w) {
                        *pp = w->hnext;
                        break;
                }
        w->linked = false;
}

static bool watch_matches(const struct watch *w, const struct link *l, const struct dns_rr *rr, uint32_t hash) {
        bool type_ok = w->n_types == 0;

        if (w->hash != hash || !sub_live(w->sub))
                return false;
        if (w->link ? w->link != l : !sub_covers(w->sub, l))
                return false;
        for (unsigned i = 0; i < w->n_types; i++)
                type_ok = type_ok || w->types[i] == rr->type;
        if (!type_ok || (w->rclass != DNS_CLASS_ANY && w->rclass != rr->rclass))
                return false;
        return dns_name_equal(&w->name, &rr->name);
}

/* ---- events --------------------------------------------------------------------------------- */

static void sub_emit(struct browse_sub *s, enum browse_event ev, const struct browse_item *item) {
        if (s->dead)
                return;
        s->cb(s->userdata, s, ev, item);
}

static void addr_set_scope(struct browse_addr *a, int ifindex) {
        /* Avahi bug #110: a link-local IPv6 address is useless without its interface */
        a->scope = a->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&a->a.in6) ? (uint32_t) ifindex : 0;
}

static bool addr_from_rr(const struct dns_rr *rr, int ifindex, struct browse_addr *a) {
        memset(a, 0, sizeof *a);
        if (rr->type == DNS_TYPE_A && dns_rdata_get_a(rr, &a->a.in) == 0)
                a->family = AF_INET;
        else if (rr->type == DNS_TYPE_AAAA && dns_rdata_get_aaaa(rr, &a->a.in6) == 0)
                a->family = AF_INET6;
        else
                return false;
        addr_set_scope(a, ifindex);
        return true;
}

static bool addr_family_wanted(int filter, int family) {
        return filter == AF_UNSPEC || filter == family;
}

/* The item a record makes for a subscription of a direct kind, or false if it makes none
 * (wrong type, rdata not what the kind expects: a peer's PTR pointing elsewhere). */
static bool item_from_rr(const struct browse_sub *s, const struct link *l, const struct dns_rr *rr,
                         struct browse_item *it) {
        struct dns_name target;

        memset(it, 0, sizeof *it);
        it->ifindex = l->ifindex;
        it->family = l->family;
        it->rr = rr;
        switch (s->args.kind) {
        case BROWSE_SERVICES:
                /* RFC 6763 §4.1: <Instance>.<Service>.<Domain>: one label under the type */
        case BROWSE_SERVICE_TYPES:
                /* RFC 6763 §9: "_http._tcp.<Domain>": two labels under the domain */
                if (rr->type != DNS_TYPE_PTR || dns_rdata_get_name(rr, &target) < 0)
                        return false;
                if (dns_name_label_count(&target) != s->base_labels + (s->args.kind == BROWSE_SERVICES ? 1 : 2) ||
                    !dns_name_endswith(&target, &s->base))
                        return false;
                it->name = target;
                return true;
        case BROWSE_RESOLVE_HOST:
                if (!addr_from_rr(rr, l->ifindex, &it->addr) || !addr_family_wanted(s->args.addr_family, it->addr.family))
                        return false;
                it->name = rr->name;
                return true;
        case BROWSE_RESOLVE_ADDRESS:
                if (rr->type != DNS_TYPE_PTR || dns_rdata_get_name(rr, &target) < 0 || dns_name_is_root(&target))
                        return false;
                it->name = target;
                it->addr = s->args.addr;
                addr_set_scope(&it->addr, l->ifindex);
                return true;
        case BROWSE_RECORDS:
                it->name = rr->name;
                return true;
        default:
                return false;
        }
}

static void sub_bump_all_for_now(struct browse_sub *s, usec_t now) {
        /* the burst goes on while new items come */
        if (!s->afn_sent)
                s->afn_at = MAX(s->afn_at, now + BROWSE_ALL_FOR_NOW_QUIET);
}

/* ---- the two sources: an item either holds is reported once ---------------------------------- */

/* How many of our records identical to rr are answerable on the link (several groups may
 * publish the same shared record: two services of one type, one "_services._dns-sd._udp" PTR
 * each); *first: the first of them the lookup gives. */
static unsigned local_count(const struct browse *b, const struct link *l, const struct dns_rr *rr,
                            const struct dns_rr **first) {
        struct reg_lookup it;
        struct reg_answer a;
        unsigned n = 0;

        if (first)
                *first = NULL;
        if (!b->registry)
                return 0;
        registry_lookup_init(&it, b->registry, &rr->name, rr->type, rr->rclass, l->ifindex, l->family);
        while (registry_lookup_next(&it, &a))
                if (dns_rdata_equal(a.rr, rr)) {
                        if (n++ == 0 && first)
                                *first = a.rr;
                }
        return n;
}

/* Our own record rr is answerable on the link (the local source holds it). */
static bool local_holds(const struct browse *b, const struct link *l, const struct dns_rr *rr) {
        return local_count(b, l, rr, NULL) > 0;
}

static bool cache_holds(const struct link *l, const struct dns_rr *rr) {
        return cache_lookup(l->cache, rr) != NULL;
}

static void on_cache_change(struct link *l, const struct cache_entry *e, enum browse_event ev) {
        struct browse *b = l->b;
        const struct dns_rr *rr = cache_entry_rr(e);
        uint32_t hash = cache_name_hash(&rr->name, b->seed);

        for (struct watch *w = b->table[hash & b->mask]; w; w = w->hnext) {
                struct browse_sub *s = w->sub;
                struct browse_item it;

                if (!s->started || !watch_matches(w, l, rr, hash))
                        continue;
                if (s->args.kind == BROWSE_RESOLVE_SERVICE) {
                        s->dirty = true;
                        continue;
                }
                if (!item_from_rr(s, l, rr, &it))
                        continue;
                /* the same record of ours: the item is (and stays) reported from there */
                if (local_holds(b, l, rr))
                        continue;
                if (ev == BROWSE_ITEM_NEW)
                        sub_bump_all_for_now(s, cache_entry_received(e));
                sub_emit(s, ev, &it);
        }
}

static void cache_added(void *userdata, const struct cache_entry *e) {
        on_cache_change(userdata, e, BROWSE_ITEM_NEW);
}

static void cache_removed(void *userdata, const struct cache_entry *e, enum cache_remove_reason why) {
        (void) why;
        on_cache_change(userdata, e, BROWSE_ITEM_REMOVED);
}

/* RFC 6762 §5.2: maintenance only for records a live subscription looks at */
static bool cache_interested(void *userdata, const struct cache_entry *e) {
        struct link *l = userdata;
        const struct dns_rr *rr = cache_entry_rr(e);
        uint32_t hash = cache_name_hash(&rr->name, l->b->seed);

        for (struct watch *w = l->b->table[hash & l->b->mask]; w; w = w->hnext)
                if (watch_matches(w, l, rr, hash))
                        return true;
        return false;
}

static void cache_refresh(void *userdata, const struct cache_entry *e) {
        struct link *l = userdata;
        const struct dns_rr *rr = cache_entry_rr(e);
        struct dns_question q = { .name = rr->name, .type = rr->type, .qclass = rr->rclass };

        (void) query_sched_refresh(l->qs, &q, l->b->now);
}

static const struct cache_ops link_cache_ops = {
        .added = cache_added,
        .removed = cache_removed,
        .interested = cache_interested,
        .refresh = cache_refresh,
};

/* ---- the resolver (RESOLVE_SERVICE) -------------------------------------------------------- */

#define RESOLVE_SRV_MAX 4

struct srv_found {
        const struct dns_rr *rr;
        struct dns_srv srv;
        bool local;
};

struct collect_srv {
        struct srv_found v[RESOLVE_SRV_MAX];
        unsigned n;
};

static bool visit_srv(void *ctx, const struct cache_entry *e) {
        struct collect_srv *c = ctx;

        if (c->n >= RESOLVE_SRV_MAX)
                return false;
        if (dns_rdata_get_srv(cache_entry_rr(e), &c->v[c->n].srv) == 0 && !dns_name_is_root(&c->v[c->n].srv.target)) {
                c->v[c->n].rr = cache_entry_rr(e);
                c->n++;
        }
        return true;
}

struct collect_txt {
        const struct cache_entry *best;
};

static bool visit_txt(void *ctx, const struct cache_entry *e) {
        struct collect_txt *c = ctx;

        /* the newest TXT, one that is not going away rather than one that is (§10.2: during
         * the second after a change both may be held) */
        if (!c->best || (cache_entry_is_dying(c->best) && !cache_entry_is_dying(e)) ||
            (cache_entry_is_dying(c->best) == cache_entry_is_dying(e) &&
             cache_entry_received(e) > cache_entry_received(c->best)))
                c->best = e;
        return true;
}

struct resolved_new {
        struct resolved r;
        const struct dns_rr *srv_rr;
        const struct dns_rr *txt_rr;
};

struct collect_addr {
        const struct browse_sub *s;
        const struct link *l;
        const struct srv_found *srv;
        const struct dns_rr *txt;
        struct resolved_new *v;
        unsigned *n;
};

static uint32_t content_hash(const struct dns_rr *txt, const struct dns_srv *srv) {
        uint32_t h = 2166136261u;

        for (unsigned i = 0; i < txt->rdlength; i++)
                h = (h ^ txt->rdata[i]) * 16777619u;
        h = (h ^ srv->priority) * 16777619u;
        h = (h ^ srv->weight) * 16777619u;
        return h;
}

static bool collect_addr_rr(struct collect_addr *c, const struct dns_rr *rr) {
        struct resolved_new *n;

        if (*c->n >= BROWSE_RESOLVE_ITEMS_MAX)
                return false;
        n = &c->v[*c->n];
        memset(n, 0, sizeof *n);
        if (!addr_from_rr(rr, c->l->ifindex, &n->r.addr) ||
            !addr_family_wanted(c->s->args.addr_family, n->r.addr.family))
                return true;
        n->r.used = true;
        n->r.ifindex = c->l->ifindex;
        n->r.family = c->l->family;
        n->r.host = c->srv->srv.target;
        n->r.port = c->srv->srv.port;
        n->r.priority = c->srv->srv.priority;
        n->r.weight = c->srv->srv.weight;
        n->r.content = content_hash(c->txt, &c->srv->srv);
        n->r.local = c->srv->local;
        n->srv_rr = c->srv->rr;
        n->txt_rr = c->txt;
        (*c->n)++;
        return true;
}

static bool visit_addr(void *ctx, const struct cache_entry *e) {
        return collect_addr_rr(ctx, cache_entry_rr(e));
}

/* The local source's part of a resolver: our SRV records of the instance on the link (marking
 * a cached copy of one of them ours), our TXT, our addresses of a target. */
static void local_collect_srv(const struct browse *b, const struct link *l, const struct dns_name *name,
                              struct collect_srv *c) {
        struct reg_lookup it;
        struct reg_answer a;

        if (!b->registry)
                return;
        registry_lookup_init(&it, b->registry, name, DNS_TYPE_SRV, DNS_CLASS_IN, l->ifindex, l->family);
        while (registry_lookup_next(&it, &a)) {
                bool dup = false;

                for (unsigned k = 0; k < c->n && !dup; k++)
                        if (dns_rdata_equal(c->v[k].rr, a.rr)) {
                                c->v[k].rr = a.rr;
                                c->v[k].local = dup = true;
                        }
                if (dup || c->n >= RESOLVE_SRV_MAX)
                        continue;
                if (dns_rdata_get_srv(a.rr, &c->v[c->n].srv) == 0 && !dns_name_is_root(&c->v[c->n].srv.target)) {
                        c->v[c->n].rr = a.rr;
                        c->v[c->n].local = true;
                        c->n++;
                }
        }
}

static const struct dns_rr *local_txt(const struct browse *b, const struct link *l, const struct dns_name *name) {
        struct reg_lookup it;
        struct reg_answer a;

        if (!b->registry)
                return NULL;
        registry_lookup_init(&it, b->registry, name, DNS_TYPE_TXT, DNS_CLASS_IN, l->ifindex, l->family);
        return registry_lookup_next(&it, &a) ? a.rr : NULL;
}

static void local_collect_addr(const struct browse *b, const struct dns_name *target, struct collect_addr *c) {
        struct reg_lookup it;
        struct reg_answer a;

        if (!b->registry)
                return;
        registry_lookup_init(&it, b->registry, target, DNS_TYPE_ANY, DNS_CLASS_IN, c->l->ifindex, c->l->family);
        while (registry_lookup_next(&it, &a))
                if (!collect_addr_rr(c, a.rr))
                        break;
}

static bool resolved_same(const struct resolved *a, const struct resolved *b) {
        if (a->ifindex != b->ifindex || a->family != b->family || a->port != b->port || a->addr.family != b->addr.family ||
            !dns_name_equal(&a->host, &b->host))
                return false;
        return a->addr.family == AF_INET ? a->addr.a.in.s_addr == b->addr.a.in.s_addr
                                         : memcmp(&a->addr.a.in6, &b->addr.a.in6, sizeof a->addr.a.in6) == 0;
}

static void resolved_to_item(const struct browse_sub *s, const struct resolved *r, struct browse_item *it) {
        memset(it, 0, sizeof *it);
        it->ifindex = r->ifindex;
        it->family = r->family;
        it->name = s->args.name;
        it->addr = r->addr;
        it->host = r->host;
        it->port = r->port;
        it->priority = r->priority;
        it->weight = r->weight;
        it->local = r->local;
}

static void target_questions(const struct browse_sub *s, const struct dns_name *name, struct dns_question q[2],
                             unsigned *n) {
        *n = 0;
        if (addr_family_wanted(s->args.addr_family, AF_INET))
                q[(*n)++] = (struct dns_question) { .name = *name, .type = DNS_TYPE_A, .qclass = DNS_CLASS_IN };
        if (addr_family_wanted(s->args.addr_family, AF_INET6))
                q[(*n)++] = (struct dns_question) { .name = *name, .type = DNS_TYPE_AAAA, .qclass = DNS_CLASS_IN };
}

static void target_drop(struct browse *b, struct browse_sub *s, struct target *t, bool questions) {
        if (questions && t->link) {
                struct dns_question q[2];
                unsigned n;

                target_questions(s, &t->name, q, &n);
                for (unsigned i = 0; i < n; i++)
                        query_sched_remove(t->link->qs, &q[i]);
        }
        watch_unlink(b, &t->watch);
        t->used = false;
        t->link = NULL;
}

/* Follow SRV targets: the A/AAAA questions and watches of (link, target) pairs wanted now. */
static void targets_sync(struct browse *b, struct browse_sub *s, struct link *const *wl, const struct dns_name *wn,
                         unsigned nw, usec_t now) {
        for (unsigned i = 0; i < BROWSE_RESOLVE_TARGETS_MAX; i++) {
                struct target *t = &s->targets[i];
                bool keep = false;

                if (!t->used)
                        continue;
                for (unsigned k = 0; k < nw && !keep; k++)
                        keep = wl[k] == t->link && dns_name_equal(&wn[k], &t->name);
                if (!keep)
                        target_drop(b, s, t, true);
        }
        for (unsigned k = 0; k < nw; k++) {
                struct target *t = NULL;
                bool have = false;
                struct dns_question q[2];
                unsigned n;

                for (unsigned i = 0; i < BROWSE_RESOLVE_TARGETS_MAX && !have; i++)
                        have = s->targets[i].used && s->targets[i].link == wl[k] && dns_name_equal(&s->targets[i].name, &wn[k]);
                if (have)
                        continue;
                for (unsigned i = 0; i < BROWSE_RESOLVE_TARGETS_MAX && !t; i++)
                        if (!s->targets[i].used)
                                t = &s->targets[i];
                if (!t)
                        break;
                *t = (struct target) { .used = true, .link = wl[k], .name = wn[k] };
                t->watch = (struct watch) {
                        .sub = s,
                        .link = wl[k],
                        .name = wn[k],
                        .types = { DNS_TYPE_A, DNS_TYPE_AAAA },
                        .n_types = 2,
                        .rclass = DNS_CLASS_IN,
                };
                watch_link(b, &t->watch);
                target_questions(s, &wn[k], q, &n);
                for (unsigned i = 0; i < n; i++)
                        (void) query_sched_add(wl[k]->qs, &q[i], now);
        }
}

static void resolver_update(struct browse *b, struct browse_sub *s, usec_t now) {
        struct resolved_new found[BROWSE_RESOLVE_ITEMS_MAX];
        struct link *wl[BROWSE_RESOLVE_TARGETS_MAX];
        struct dns_name wn[BROWSE_RESOLVE_TARGETS_MAX];
        unsigned n_found = 0, nw = 0;

        s->dirty = false;
        for (unsigned li = 0; li < b->n_links; li++) {
                struct link *l = b->links[li];
                struct collect_srv cs = { .n = 0 };
                struct collect_txt ct = { .best = NULL };
                const struct dns_rr *txt;

                if (!sub_covers(s, l))
                        continue;
                cache_foreach(l->cache, &s->args.name, DNS_TYPE_SRV, DNS_CLASS_IN, visit_srv, &cs);
                cache_foreach(l->cache, &s->args.name, DNS_TYPE_TXT, DNS_CLASS_IN, visit_txt, &ct);
                local_collect_srv(b, l, &s->args.name, &cs);
                txt = local_txt(b, l, &s->args.name);
                if (!txt && ct.best)
                        txt = cache_entry_rr(ct.best);
                for (unsigned k = 0; k < cs.n; k++) {
                        struct collect_addr ca = {
                                .s = s, .l = l, .srv = &cs.v[k], .v = found, .n = &n_found,
                        };
                        bool dup = cs.v[k].local; /* our own target: its addresses are ours, no question */

                        /* follow the SRV target (RFC 6763 §5): its addresses */
                        for (unsigned j = 0; j < nw && !dup; j++)
                                dup = wl[j] == l && dns_name_equal(&wn[j], &cs.v[k].srv.target);
                        if (!dup && nw < BROWSE_RESOLVE_TARGETS_MAX) {
                                wl[nw] = l;
                                wn[nw++] = cs.v[k].srv.target;
                        }
                        if (!txt)
                                continue; /* RFC 6763 §6: every service has a TXT record: wait for it */
                        ca.txt = txt;
                        local_collect_addr(b, &cs.v[k].srv.target, &ca);
                        cache_foreach(l->cache, &cs.v[k].srv.target, DNS_TYPE_ANY, DNS_CLASS_IN, visit_addr, &ca);
                }
        }
        targets_sync(b, s, wl, wn, nw, now);

        /* report the difference */
        for (unsigned i = 0; i < BROWSE_RESOLVE_ITEMS_MAX; i++) {
                struct resolved *r = &s->items[i];
                bool still = false;

                if (!r->used)
                        continue;
                for (unsigned k = 0; k < n_found && !still; k++)
                        still = resolved_same(r, &found[k].r);
                if (!still) {
                        struct browse_item it;

                        resolved_to_item(s, r, &it);
                        r->used = false;
                        sub_emit(s, BROWSE_ITEM_REMOVED, &it);
                }
        }
        for (unsigned k = 0; k < n_found; k++) {
                struct resolved *slot = NULL, *free_slot = NULL;
                struct browse_item it;

                for (unsigned i = 0; i < BROWSE_RESOLVE_ITEMS_MAX; i++) {
                        if (s->items[i].used && resolved_same(&s->items[i], &found[k].r))
                                slot = &s->items[i];
                        else if (!s->items[i].used && !free_slot)
                                free_slot = &s->items[i];
                }
                if (slot && slot->content == found[k].r.content)
                        continue;
                if (!slot && !free_slot)
                        break;
                if (!slot)
                        slot = free_slot;
                *slot = found[k].r;
                resolved_to_item(s, slot, &it);
                it.rr = found[k].srv_rr;
                it.txt = found[k].txt_rr->rdata;
                it.txt_len = found[k].txt_rr->rdlength;
                sub_bump_all_for_now(s, now);
                sub_emit(s, BROWSE_ITEM_NEW, &it);
        }
}

/* ---- subscriptions --------------------------------------------------------------------------- */

static void sub_questions(struct browse_sub *s, struct link *l, bool add, usec_t now) {
        for (unsigned i = 0; i < s->n_q; i++) {
                if (add)
                        (void) query_sched_add(l->qs, &s->qv[i], now);
                else
                        query_sched_remove(l->qs, &s->qv[i]);
        }
}

struct scan_ctx {
        struct browse_sub *s;
        struct link *l;
};

static bool visit_scan(void *ctx, const struct cache_entry *e) {
        struct scan_ctx *c = ctx;
        const struct dns_rr *rr = cache_entry_rr(e);
        struct browse_item it;
        bool type_ok = c->s->watch.n_types == 0;

        for (unsigned i = 0; i < c->s->watch.n_types; i++)
                type_ok = type_ok || c->s->watch.types[i] == rr->type;
        if (type_ok && item_from_rr(c->s, c->l, rr, &it))
                sub_emit(c->s, BROWSE_ITEM_NEW, &it);
        return !c->s->dead;
}

/* Our own records on the link that make items for a direct kind: ITEM_NEW (a start, a new
 * link) or ITEM_REMOVED (the link goes), each unless the cache holds the same record (then
 * the item is the cache's). */
static void local_scan(struct browse *b, struct browse_sub *s, struct link *l, enum browse_event ev) {
        struct reg_lookup lk;
        struct reg_answer a;

        if (!b->registry || s->args.kind == BROWSE_RESOLVE_SERVICE)
                return;
        registry_lookup_init(&lk, b->registry, &s->watch.name, DNS_TYPE_ANY, s->watch.rclass, l->ifindex, l->family);
        while (!s->dead && registry_lookup_next(&lk, &a)) {
                struct browse_item it;
                const struct dns_rr *first;
                bool type_ok = s->watch.n_types == 0;

                for (unsigned i = 0; i < s->watch.n_types; i++)
                        type_ok = type_ok || s->watch.types[i] == a.rr->type;
                if (!type_ok || !item_from_rr(s, l, a.rr, &it) || cache_holds(l, a.rr))
                        continue;
                /* the same record in several of our groups: one item */
                (void) local_count(b, l, a.rr, &first);
                if (first != a.rr)
                        continue;
                it.local = true;
                sub_emit(s, ev, &it);
        }
}

/* The start: what the caches and our own records already hold, then CACHE_EXHAUSTED. */
static void sub_start(struct browse *b, struct browse_sub *s, usec_t now) {
        s->started = true;
        if (s->args.kind == BROWSE_RESOLVE_SERVICE)
                resolver_update(b, s, now);
        else
                for (unsigned li = 0; li < b->n_links && !s->dead; li++) {
                        struct scan_ctx c = { .s = s, .l = b->links[li] };

                        if (!sub_covers(s, c.l))
                                continue;
                        cache_foreach(c.l->cache, &s->watch.name, DNS_TYPE_ANY, s->watch.rclass, visit_scan, &c);
                        local_scan(b, s, c.l, BROWSE_ITEM_NEW);
                }
        sub_emit(s, BROWSE_CACHE_EXHAUSTED, NULL);
}

static void sub_free(struct browse *b, struct browse_sub *s) {
        watch_unlink(b, &s->watch);
        for (unsigned i = 0; i < BROWSE_RESOLVE_TARGETS_MAX; i++)
                if (s->targets[i].used)
                        target_drop(b, s, &s->targets[i], false);
        if (s->prev)
                s->prev->next = s->next;
        else
                b->subs = s->next;
        if (s->next)
                s->next->prev = s->prev;
        b->n_subs--;
        free(s);
}

static void reap(struct browse *b) {
        if (b->busy > 0 || b->n_dead == 0)
                return;
        for (struct browse_sub *s = b->subs, *next; s; s = next) {
                next = s->next;
                if (s->dead)
                        sub_free(b, s);
        }
        b->n_dead = 0;
}

/* The end of every entry point: resolvers whose records changed, then the dead. */
static void finish(struct browse *b, usec_t now) {
        b->busy++;
        for (struct browse_sub *s = b->subs; s; s = s->next)
                if (s->dirty && s->started && !s->dead)
                        resolver_update(b, s, now);
        b->busy--;
        reap(b);
}

static int reverse_name(const struct browse_addr *a, struct dns_name *ret) {
        char text[80];
        size_t off = 0;

        if (a->family == AF_INET) {
                const uint8_t *p = (const uint8_t *) &a->a.in;

                snprintf(text, sizeof text, "%u.%u.%u.%u.in-addr.arpa", p[3], p[2], p[1], p[0]);
        } else if (a->family == AF_INET6) {
                static const char hex[] = "0123456789abcdef";

                /* RFC 3596 §2.5: nibbles in reverse order */
                for (int i = 15; i >= 0; i--) {
                        text[off++] = hex[a->a.in6.s6_addr[i] & 0xf];
                        text[off++] = '.';
                        text[off++] = hex[a->a.in6.s6_addr[i] >> 4];
                        text[off++] = '.';
                }
                memcpy(text + off, "ip6.arpa", sizeof "ip6.arpa");
        } else
                return -EINVAL;
        return dns_name_from_text(ret, text);
}

static bool meta_type(uint16_t type) {
        return type == 0 || type == DNS_TYPE_OPT || (type >= 249 && type < DNS_TYPE_ANY);
}

/* Validate the arguments (from outside) and derive the questions and the watch. */
static int sub_prepare(struct browse_sub *s, const struct browse_args *a) {
        struct dns_name qname;
        uint16_t qtypes[2] = { 0, 0 };
        unsigned nt = 0;
        uint16_t rclass = DNS_CLASS_IN;
        unsigned labels;

        if ((unsigned) a->kind >= _BROWSE_KIND_MAX || a->ifindex < 0 ||
            (a->family != AF_UNSPEC && a->family != AF_INET && a->family != AF_INET6))
                return -EINVAL;
        s->args = *a;
        if (a->kind != BROWSE_RESOLVE_ADDRESS) {
                if (!dns_name_is_valid(&a->name) || dns_name_is_root(&a->name))
                        return -EINVAL;
        }
        labels = dns_name_label_count(&a->name);
        qname = a->name;

        switch (a->kind) {
        case BROWSE_SERVICES: {
                char label[DNS_LABEL_TEXT_MAX];
                struct dns_name rest;

                /* "_http._tcp.local" at least; a subtype "_x._sub._http._tcp.local" lists the
                 * instances of the parent type (RFC 6763 §7.1) */
                if (labels < 3)
                        return -EINVAL;
                s->base = a->name;
                if (labels >= 5 && dns_name_suffix(&a->name, 1, &rest) == 0 &&
                    dns_name_first_label(&rest, label, sizeof label) == 4 && strcasecmp(label, "_sub") == 0)
                        (void) dns_name_suffix(&a->name, 2, &s->base);
                s->base_labels = dns_name_label_count(&s->base);
                qtypes[nt++] = DNS_TYPE_PTR;
                break;
        }
        case BROWSE_SERVICE_TYPES: {
                s->base = a->name;
                s->base_labels = labels;
                if (dns_name_from_text(&qname, SERVICE_TYPES_PREFIX) < 0 || dns_name_append_name(&qname, &a->name) < 0)
                        return -EINVAL;
                qtypes[nt++] = DNS_TYPE_PTR;
                break;
        }
        case BROWSE_RESOLVE_SERVICE:
                if (labels < 4)
                        return -EINVAL;
                /* fall through */
        case BROWSE_RESOLVE_HOST:
                if (a->addr_family != AF_UNSPEC && a->addr_family != AF_INET && a->addr_family != AF_INET6)
                        return -EINVAL;
                if (a->kind == BROWSE_RESOLVE_SERVICE) {
                        qtypes[nt++] = DNS_TYPE_SRV;
                        qtypes[nt++] = DNS_TYPE_TXT;
                } else {
                        if (addr_family_wanted(a->addr_family, AF_INET))
                                qtypes[nt++] = DNS_TYPE_A;
                        if (addr_family_wanted(a->addr_family, AF_INET6))
                                qtypes[nt++] = DNS_TYPE_AAAA;
                }
                break;
        case BROWSE_RESOLVE_ADDRESS:
                if (reverse_name(&a->addr, &qname) < 0)
                        return -EINVAL;
                s->args.name = qname;
                qtypes[nt++] = DNS_TYPE_PTR;
                break;
        case BROWSE_RECORDS:
                if (meta_type(a->type))
                        return -EINVAL;
                rclass = a->rclass ? a->rclass : DNS_CLASS_IN;
                if (rclass == DNS_CLASS_ANY && a->type == DNS_TYPE_ANY)
                        return -EINVAL; /* everything at a name: ask for a type or a class */
                qtypes[nt++] = a->type;
                break;
        default:
                return -EINVAL;
        }

        s->n_q = nt;
        for (unsigned i = 0; i < nt; i++)
                s->qv[i] = (struct dns_question) { .name = qname, .type = qtypes[i], .qclass = rclass };
        s->watch = (struct watch) { .sub = s, .name = qname, .rclass = rclass };
        if (!(nt == 1 && qtypes[0] == DNS_TYPE_ANY)) {
                s->watch.n_types = nt;
                memcpy(s->watch.types, qtypes, sizeof qtypes);
        }
        return 0;
}

int browse_subscribe(struct browse *b, const struct browse_args *args, browse_event_t cb, void *userdata, usec_t now,
                     struct browse_sub **ret) {
        struct browse_sub *s;
        int r;

        if (!b || !args || !cb || !ret)
                return -EINVAL;
        if (b->n_subs - b->n_dead >= b->subscriptions_max) {
                if (!b->logged_subs_full) {
                        b->logged_subs_full = true;
                        log_notice("mDNS querier: %u subscriptions: refusing more (logged once)", b->subscriptions_max);
                }
                return -ENOBUFS;
        }
        s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        r = sub_prepare(s, args);
        if (r < 0) {
                free(s);
                return r;
        }
        s->b = b;
        s->cb = cb;
        s->userdata = userdata;
        s->created = now;
        s->afn_at = now + BROWSE_ALL_FOR_NOW_DELAY;
        watch_link(b, &s->watch);
        s->next = b->subs;
        if (b->subs)
                b->subs->prev = s;
        b->subs = s;
        b->n_subs++;
        for (unsigned li = 0; li < b->n_links; li++)
                if (sub_covers(s, b->links[li]))
                        sub_questions(s, b->links[li], true, now);
        *ret = s;
        return 0;
}

void browse_unsubscribe(struct browse *b, struct browse_sub *s) {
        if (!b || !s || s->dead)
                return;
        for (unsigned li = 0; li < b->n_links; li++)
                if (sub_covers(s, b->links[li]))
                        sub_questions(s, b->links[li], false, 0);
        for (unsigned i = 0; i < BROWSE_RESOLVE_TARGETS_MAX; i++)
                if (s->targets[i].used && s->targets[i].link) {
                        struct dns_question q[2];
                        unsigned n;

                        target_questions(s, &s->targets[i].name, q, &n);
                        for (unsigned k = 0; k < n; k++)
                                query_sched_remove(s->targets[i].link->qs, &q[k]);
                        s->targets[i].link = NULL; /* questions gone; the watch goes with the sub */
                }
        s->dead = true;
        b->n_dead++;
        reap(b);
}

unsigned browse_subscription_count(const struct browse *b) {
        return b->n_subs - b->n_dead;
}

/* ---- links -------------------------------------------------------------------------------- */

int browse_add_link(struct browse *b, int ifindex, int family, size_t max_size, usec_t now) {
        struct link *l;
        struct cache_config cc;
        struct query_sched_config qc;
        int r;

        if (ifindex <= 0 || (family != AF_INET && family != AF_INET6))
                return -EINVAL;
        if (link_find(b, ifindex, family))
                return -EEXIST;
        if (b->n_links >= BROWSE_LINKS_MAX)
                return -ENOBUFS;
        l = calloc(1, sizeof *l);
        if (!l)
                return -ENOMEM;
        l->b = b;
        l->ifindex = ifindex;
        l->family = family;
        cc = (struct cache_config) {
                .ifindex = ifindex,
                .family = family,
                .entries_max = b->cache_entries_max,
                .rng = b->rng,
                .ops = &link_cache_ops,
                .userdata = l,
        };
        r = cache_new(&l->cache, &cc);
        if (r < 0) {
                free(l);
                return r;
        }
        qc = (struct query_sched_config) {
                .ifindex = ifindex,
                .family = family,
                .max_size = max_size,
                .cache = l->cache,
                .rng = b->rng,
                .emit = b->emit,
                .userdata = b->userdata,
                .questions_max = b->questions_max,
        };
        r = query_sched_new(&l->qs, &qc);
        if (r < 0) {
                cache_free(l->cache);
                free(l);
                return r;
        }
        b->links[b->n_links++] = l;
        b->busy++;
        for (struct browse_sub *s = b->subs; s; s = s->next) {
                if (s->dead || !sub_covers(s, l))
                        continue;
                sub_questions(s, l, true, now);
                /* our records already answerable there (the registry had the link first) */
                if (!s->started)
                        continue;
                if (s->args.kind == BROWSE_RESOLVE_SERVICE)
                        s->dirty = true;
                else
                        local_scan(b, s, l, BROWSE_ITEM_NEW);
        }
        b->busy--;
        finish(b, now);
        return 0;
}

void browse_set_link_max_size(struct browse *b, int ifindex, int family, size_t max_size) {
        struct link *l = link_find(b, ifindex, family);

        if (l)
                query_sched_set_max_size(l->qs, max_size);
}

void browse_remove_link(struct browse *b, int ifindex, int family, usec_t now) {
        struct link *l = link_find(b, ifindex, family);
        unsigned i;

        if (!l)
                return;
        for (i = 0; b->links[i] != l; i++)
                ;
        b->links[i] = b->links[--b->n_links];

        b->busy++;
        cache_clear(l->cache); /* ITEM_REMOVED for the direct kinds; resolvers marked dirty */
        for (struct browse_sub *s = b->subs; s; s = s->next) {
                for (unsigned k = 0; k < BROWSE_RESOLVE_TARGETS_MAX; k++)
                        if (s->targets[k].used && s->targets[k].link == l)
                                target_drop(b, s, &s->targets[k], false);
                /* our records there: no longer reported on a link we do not serve */
                if (s->dead || !s->started || !sub_covers(s, l))
                        continue;
                if (s->args.kind == BROWSE_RESOLVE_SERVICE)
                        s->dirty = true; /* its items from our records on the link go too */
                else
                        local_scan(b, s, l, BROWSE_ITEM_REMOVED);
        }
        query_sched_free(l->qs);
        cache_free(l->cache);
        free(l);
        b->busy--;
        finish(b, now);
}

/* ---- packets and time --------------------------------------------------------------------- */

static bool source_is_mdns(const union sockaddr_union *source) {
        if (!source)
                return true;
        if (source->sa.sa_family == AF_INET)
                return ntohs(source->in.sin_port) == MDNS_PORT;
        if (source->sa.sa_family == AF_INET6)
                return ntohs(source->in6.sin6_port) == MDNS_PORT;
        return false;
}

int browse_handle_response(struct browse *b, int ifindex, int family, const struct dns_msg *m,
                           const union sockaddr_union *source, usec_t now) {
        struct link *l = link_find(b, ifindex, family);

        if (!l)
                return -ENOENT;
        /* RFC 6762 §6: "Multicast DNS implementations MUST silently ignore any Multicast DNS
         * responses they receive where the source UDP port is not 5353." */
        if (!source_is_mdns(source))
                return 0;
        b->busy++;
        cache_handle_response(l->cache, m, now);
        b->busy--;
        finish(b, now);
        return 0;
}

int browse_handle_query(struct browse *b, int ifindex, int family, const struct dns_msg *m,
                        const union sockaddr_union *source, usec_t now) {
        struct link *l = link_find(b, ifindex, family);

        if (!l)
                return -ENOENT;
        /* a legacy querier (RFC 6762 §6.7) gets unicast replies we never see, and asks for
         * itself: neither §10.5 nor §7.3 apply */
        if (!source_is_mdns(source))
                return 0;
        cache_handle_query(l->cache, m, now);       /* §10.5 */
        query_sched_handle_query(l->qs, m, now);    /* §7.3 */
        return 0;
}

/* ---- our own records (the local source) ------------------------------------------------------- */

void browse_handle_local(struct browse *b, int ifindex, int family, const struct dns_rr *rr, bool answerable,
                         usec_t now) {
        struct link *l;
        uint32_t hash;

        if (!b || !rr || !b->registry)
                return;
        l = link_find(b, ifindex, family);
        if (!l)
                return; /* browse_add_link() looks the registry up */
        /* the item is ours while any identical record of ours is answerable there (the
         * registry already counts rr in when it came, out when it went) */
        if (local_count(b, l, rr, NULL) != (answerable ? 1u : 0u))
                return;
        b->busy++;
        hash = cache_name_hash(&rr->name, b->seed);
        for (struct watch *w = b->table[hash & b->mask]; w; w = w->hnext) {
                struct browse_sub *s = w->sub;
                struct browse_item it;

                if (!s->started || s->args.kind == BROWSE_RESOLVE_SERVICE || !watch_matches(w, l, rr, hash))
                        continue;
                /* the same record in the cache: the item is (and stays) reported from there */
                if (!item_from_rr(s, l, rr, &it) || cache_holds(l, rr))
                        continue;
                it.local = true;
                if (answerable)
                        sub_bump_all_for_now(s, now);
                sub_emit(s, answerable ? BROWSE_ITEM_NEW : BROWSE_ITEM_REMOVED, &it);
        }
        /* a resolver follows our SRV and TXT and the addresses of its target, which has no
         * watch of its own (no question is asked for our own names): look again */
        if (rr->type == DNS_TYPE_SRV || rr->type == DNS_TYPE_TXT || rr->type == DNS_TYPE_A || rr->type == DNS_TYPE_AAAA)
                for (struct browse_sub *s = b->subs; s; s = s->next)
                        if (s->started && !s->dead && s->args.kind == BROWSE_RESOLVE_SERVICE && sub_covers(s, l))
                                s->dirty = true;
        b->busy--;
        finish(b, now);
}

usec_t browse_next_timeout(const struct browse *b) {
        usec_t t = USEC_INFINITY;

        for (unsigned i = 0; i < b->n_links; i++) {
                t = MIN(t, cache_next_timeout(b->links[i]->cache));
                t = MIN(t, query_sched_next_timeout(b->links[i]->qs));
        }
        for (const struct browse_sub *s = b->subs; s; s = s->next) {
                if (s->dead)
                        continue;
                if (!s->started)
                        t = MIN(t, s->created);
                else if (!s->afn_sent)
                        t = MIN(t, s->afn_at);
        }
        return t;
}

int browse_handle_timeout(struct browse *b, usec_t now) {
        int packets = 0;

        b->now = now;
        b->busy++;
        for (unsigned i = 0; i < b->n_links; i++)
                if (cache_next_timeout(b->links[i]->cache) <= now)
                        cache_handle_timeout(b->links[i]->cache, now);
        for (struct browse_sub *s = b->subs; s; s = s->next)
                if (!s->dead && !s->started)
                        sub_start(b, s, now);
        for (struct browse_sub *s = b->subs; s; s = s->next)
                if (s->dirty && s->started && !s->dead)
                        resolver_update(b, s, now);
        for (unsigned i = 0; i < b->n_links; i++)
                if (query_sched_next_timeout(b->links[i]->qs) <= now)
                        packets += query_sched_handle_timeout(b->links[i]->qs, now);
        for (struct browse_sub *s = b->subs; s; s = s->next)
                if (!s->dead && s->started && !s->afn_sent && s->afn_at <= now) {
                        s->afn_sent = true;
                        sub_emit(s, BROWSE_ALL_FOR_NOW, NULL);
                }
        b->busy--;
        finish(b, now);
        return packets;
}

struct cache *browse_get_cache(const struct browse *b, int ifindex, int family) {
        struct link *l = link_find(b, ifindex, family);

        return l ? l->cache : NULL;
}

struct query_sched *browse_get_query_sched(const struct browse *b, int ifindex, int family) {
        struct link *l = link_find(b, ifindex, family);

        return l ? l->qs : NULL;
}

/* ---- life cycle -------------------------------------------------------------------------- */

int browse_new(struct browse **ret, const struct browse_config *cfg) {
        struct browse *b;
        unsigned slots = 16;

        if (!ret || !cfg || !cfg->rng || !cfg->emit)
                return -EINVAL;
        b = calloc(1, sizeof *b);
        if (!b)
                return -ENOMEM;
        b->rng = cfg->rng;
        b->registry = cfg->registry;
        b->emit = cfg->emit;
        b->userdata = cfg->userdata;
        b->cache_entries_max = cfg->cache_entries_max;
        b->questions_max = cfg->questions_max;
        b->subscriptions_max = cfg->subscriptions_max ? cfg->subscriptions_max : BROWSE_SUBSCRIPTIONS_MAX_DEFAULT;
        b->seed = (uint32_t) rng_next(cfg->rng);
        while (slots < 2 * b->subscriptions_max && slots < (1u << 20))
                slots <<= 1;
        b->mask = slots - 1;
        b->table = calloc(slots, sizeof *b->table);
        if (!b->table) {
                free(b);
                return -ENOMEM;
        }
        *ret = b;
        return 0;
}

struct browse *browse_free(struct browse *b) {
        if (!b)
                return NULL;
        while (b->subs) {
                struct browse_sub *s = b->subs;

                b->subs = s->next;
                free(s);
        }
        for (unsigned i = 0; i < b->n_links; i++) {
                query_sched_free(b->links[i]->qs);
                cache_free(b->links[i]->cache);
                free(b->links[i]);
        }
        free(b->table);
        free(b);
        return NULL;
}
