/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdns/registry.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mdns/announce.h"
#include "mdns/conflict.h"
#include "mdns/probe.h"

#define REGISTRY_BUCKETS_MIN 64
/* Records we withdrew are remembered this long: a copy of our own earlier announcement coming
 * back after its address was removed is not a peer's conflicting record (the §8.2.1 rule, after
 * probing). */
#define REGISTRY_RECENT_MAX 64
#define REGISTRY_RECENT_KEEP (2 * USEC_PER_SEC)

struct reg_inst;

/* A link: one interface, one transport family. */
struct reg_link {
        struct reg_link *next;
        int ifindex, family;
        char ifname[IF_NAMESIZE];
        char label[IF_NAMESIZE + 8]; /* "eth0/IPv4" for logs */
        size_t payload_max;
        usec_t probe_slot; /* the pending aligned first-probe time (§8.1 aggregation) */
        struct reg_inst *insts;
};

/* What one group sent for one of its names in its last probes on one link (RFC 6762 §8.2.1). */
struct reg_pname {
        struct reg_pname *next;
        struct dns_name name;
        struct probe_history history;
};

/* One group on one link: its probe state. */
struct reg_inst {
        struct reg_group *group;
        struct reg_link *link;
        struct reg_inst *gnext, *gprev;
        struct reg_inst *lnext, *lprev;
        struct reg_inst *anext, *aprev; /* registry's list of insts with timers pending */
        bool active;
        struct reg_rl *rls;
        struct probe probe;
        bool initial_done; /* the first probe attempt passed: the group's shared records may go out */
        struct reg_pname *pnames;
};

enum rl_state {
        RL_WAIT,        /* waits for a probe attempt (unique) or for the group's first one (shared) */
        RL_PROBING,     /* in the running probe attempt */
        RL_ANNOUNCING,  /* answerable; announcement series running */
        RL_ESTABLISHED, /* answerable */
};

/* One record on one link. */
struct reg_rl {
        struct reg_record *rec;
        struct reg_inst *inst;
        struct reg_rl *rnext;
        struct reg_rl *inext, *iprev;
        enum rl_state state;
        struct announce ann;
        bool published; /* was answerable: withdrawing it needs a goodbye */
        usec_t last_multicast;
};

struct reg_record {
        struct reg_group *group;
        struct reg_record *gnext, *gprev;
        struct reg_record *hnext;
        struct reg_record *idnext; /* chain in the id table */
        uint64_t id;
        struct dns_rr *rr;
        uint32_t hash;
        unsigned flags;
        int ifindex, family;
        struct reg_rl *rls;
        struct announce_update_limiter *upd;
        /* §8.4 held-back update */
        uint8_t *pending_rdata;
        uint16_t pending_len;
        usec_t pending_at;
        struct reg_record *pnext, *pprev;
        bool pending;
};

struct reg_group {
        struct registry *r;
        struct reg_group *next, *prev;
        struct reg_record *records;
        size_t n_records;
        struct reg_inst *insts;
        bool committed, collision, withdrawn;
        enum reg_group_state state, reported;
        reg_group_cb cb;
        void *userdata;
        bool dirty;
        struct reg_group *dnext;
        struct {
                struct dns_name name;
                int ifindex, family, peer_family;
                union in_addr_union peer;
                const char *reason;
                char link[IF_NAMESIZE + 8];
        } why;
};

struct goodbye {
        struct goodbye *next;
        int ifindex, family;
        struct dns_rr *rr;
};

struct ptrvec {
        const void **v;
        size_t n, cap;
};

struct registry {
        const struct registry_ops *ops;
        void *userdata;
        struct rng *rng;
        size_t group_records_max, records_max;
        bool records_max_logged; /* the records-max refusal is logged once */

        struct reg_group *groups;
        struct reg_link *links;
        struct reg_record **buckets, **id_buckets;
        size_t n_buckets, n_records;
        uint64_t last_id;
        struct reg_inst *active;
        struct reg_record *pending;
        struct goodbye *goodbyes, **goodbyes_tail;
        struct reg_group *dirty;
        bool dispatching; /* in registry_dispatch(): callbacks run one after another, never nested */
        bool freeing;     /* in registry_free(): no ops->answerable */
        struct conflict_limiter conflicts;
        struct registry_stats stats;
        struct {
                struct dns_rr *rr;
                int ifindex, family;
                usec_t when;
        } recent[REGISTRY_RECENT_MAX];
        unsigned recent_next;
        usec_t now; /* of the current call */

        /* scratch, kept between calls (no allocation per packet once grown) */
        struct ptrvec v1, v2, v3;
        struct announce_packer packer;
        uint8_t tx[DNS_PACKET_MAX];
        /* the link being sent on (packer callback) */
        const struct reg_link *tx_link;
        uint64_t *tx_counter;
};

static const char *const reg_group_state_table[_REG_GROUP_STATE_MAX] = {
        [REG_GROUP_UNCOMMITTED] = "uncommitted",
        [REG_GROUP_PROBING] = "probing",
        [REG_GROUP_ANNOUNCING] = "announcing",
        [REG_GROUP_ESTABLISHED] = "established",
        [REG_GROUP_COLLISION] = "collision",
        [REG_GROUP_WITHDRAWN] = "withdrawn",
};

const char *reg_group_state_to_string(enum reg_group_state s) {
        return (unsigned) s < _REG_GROUP_STATE_MAX ? reg_group_state_table[s] : NULL;
}

/* ---- small helpers ---- */

static int ptrvec_push(struct ptrvec *v, const void *p) {
        if (v->n == v->cap) {
                size_t cap = v->cap ? v->cap * 2 : 64;
                const void **n = realloc(v->v, cap * sizeof *n);

                if (!n)
                        return -ENOMEM;
                v->v = n;
                v->cap = cap;
        }
        v->v[v->n++] = p;
        return 0;
}

static void ptrvec_free(struct ptrvec *v) {
        free(v->v);
        *v = (struct ptrvec) { 0 };
}

static bool rec_needs_probe(const struct reg_record *rec) {
        return (rec->flags & REG_UNIQUE) && !(rec->flags & REG_NO_PROBE);
}

static bool rec_applies(const struct reg_record *rec, const struct reg_link *l) {
        return (rec->ifindex == 0 || rec->ifindex == l->ifindex) && (rec->family == AF_UNSPEC || rec->family == l->family);
}

static bool rl_answerable(const struct reg_rl *rl) {
        return rl->state == RL_ANNOUNCING || rl->state == RL_ESTABLISHED;
}

static struct reg_rl *rec_rl(const struct reg_record *rec, int ifindex, int family) {
        for (struct reg_rl *rl = rec->rls; rl; rl = rl->rnext)
                if (rl->inst->link->ifindex == ifindex && rl->inst->link->family == family)
                        return rl;
        return NULL;
}

/* The record's answerable state on the interface: on link (ifindex, family), or for AF_UNSPEC on
 * either transport (IPv4 first). */
static struct reg_rl *rec_rl_answerable(const struct reg_record *rec, int ifindex, int family) {
        struct reg_rl *rl;

        if (family != AF_UNSPEC) {
                rl = rec_rl(rec, ifindex, family);
                return rl && rl_answerable(rl) ? rl : NULL;
        }
        rl = rec_rl(rec, ifindex, AF_INET);
        if (rl && rl_answerable(rl))
                return rl;
        rl = rec_rl(rec, ifindex, AF_INET6);
        return rl && rl_answerable(rl) ? rl : NULL;
}

static struct reg_record **id_bucket(const struct registry *r, uint64_t id) {
        return &r->id_buckets[(id * 0x9e3779b97f4a7c15ULL >> 32) & (r->n_buckets - 1)];
}

static void answer_fill(struct reg_answer *ret, struct reg_record *rec, struct reg_rl *rl) {
        *ret = (struct reg_answer) {
                .rr = rec->rr,
                .record = rec,
                .id = rec->id,
                .unique = rec->flags & REG_UNIQUE,
                .announcing = rl->state == RL_ANNOUNCING,
                .last_multicast = &rl->last_multicast,
        };
}

static struct reg_link *link_find(const struct registry *r, int ifindex, int family) {
        for (struct reg_link *l = r->links; l; l = l->next)
                if (l->ifindex == ifindex && l->family == family)
                        return l;
        return NULL;
}

static struct reg_record *bucket_head(const struct registry *r, uint32_t hash) {
        return r->buckets[hash & (r->n_buckets - 1)];
}

static const char *addr_to_text(int family, const union in_addr_union *a, char *buf, size_t size) {
        if (family != AF_INET && family != AF_INET6)
                return "?";
        if (!inet_ntop(family, a, buf, size))
                return "?";
        return buf;
}

static void name_to_text(const struct dns_name *n, char *buf, size_t size) {
        if (dns_name_to_text(n, buf, size) < 0)
                snprintf(buf, size, "?");
}

/* ---- group state and callbacks ---- */

static enum reg_group_state group_compute_state(const struct reg_group *g) {
        bool probing = false, announcing = false;

        if (g->collision)
                return REG_GROUP_COLLISION;
        if (!g->committed)
                return g->withdrawn ? REG_GROUP_WITHDRAWN : REG_GROUP_UNCOMMITTED;
        /* no link to publish on yet: registering until one comes and its probes pass */
        if (!g->insts)
                return REG_GROUP_PROBING;
        for (const struct reg_inst *i = g->insts; i; i = i->gnext) {
                if (!i->initial_done || probe_is_running(&i->probe))
                        probing = true;
                for (const struct reg_rl *rl = i->rls; rl; rl = rl->inext)
                        if (rl->state == RL_ANNOUNCING)
                                announcing = true;
        }
        return probing ? REG_GROUP_PROBING : announcing ? REG_GROUP_ANNOUNCING : REG_GROUP_ESTABLISHED;
}

static void group_touch(struct reg_group *g) {
        enum reg_group_state s = group_compute_state(g);

        if (s == g->state)
                return;
        g->state = s;
        if (!g->dirty) {
                g->dirty = true;
                g->dnext = g->r->dirty;
                g->r->dirty = g;
        }
}

static void dirty_remove(struct registry *r, struct reg_group *g) {
        if (!g->dirty)
                return;
        for (struct reg_group **p = &r->dirty; *p; p = &(*p)->dnext)
                if (*p == g) {
                        *p = g->dnext;
                        break;
                }
        g->dirty = false;
}

/* Call the state-change callbacks; a callback may call anything, freeing groups included. A
 * registry call made from a callback queues its own changes: the outermost loop delivers them
 * after the callback returns, so no callback ever runs inside another (one that resets a group
 * would otherwise free records an outer callback is still walking). */
static void registry_dispatch(struct registry *r, usec_t now) {
        if (r->dispatching)
                return;
        r->dispatching = true;
        while (r->dirty) {
                struct reg_group *g = r->dirty;
                struct reg_state_change c;

                r->dirty = g->dnext;
                g->dirty = false;
                if (g->state == g->reported)
                        continue;
                c = (struct reg_state_change) {
                        .old_state = g->reported,
                        .state = g->state,
                        .peer_family = AF_UNSPEC,
                        .now = now,
                };
                if (g->state == REG_GROUP_COLLISION) {
                        c.name = &g->why.name;
                        c.ifindex = g->why.ifindex;
                        c.family = g->why.family;
                        c.peer_family = g->why.peer_family;
                        c.peer = g->why.peer;
                        c.reason = g->why.reason;
                        c.link = g->why.link;
                }
                g->reported = g->state;
                if (g->cb)
                        g->cb(g, &c, g->userdata); /* g may be gone now */
        }
        r->dispatching = false;
}

/* ---- goodbyes (RFC 6762 §10.1) ---- */

/* Whether another record identical to rr stays answerable on the link (a shared record several
 * groups publish, like a DNS-SD service type PTR): then no goodbye, or peers would drop it. */
static bool identical_stays(const struct registry *r, const struct reg_record *leaving, const struct reg_link *l) {
        for (struct reg_record *x = bucket_head(r, leaving->hash); x; x = x->hnext) {
                struct reg_rl *rl;

                if (x == leaving || x->hash != leaving->hash || x->rr->type != leaving->rr->type ||
                    !dns_rr_equal(x->rr, leaving->rr))
                        continue;
                rl = rec_rl(x, l->ifindex, l->family);
                if (rl && rl_answerable(rl))
                        return true;
        }
        return false;
}

static void goodbye_queue(struct registry *r, const struct reg_link *l, const struct reg_record *rec,
                          const struct dns_rr *rr) {
        struct goodbye *gb;

        if (identical_stays(r, rec, l))
                return;
        gb = calloc(1, sizeof *gb);
        if (!gb)
                return; /* the peers' caches expire it with its TTL */
        gb->rr = dns_rr_dup(rr);
        if (!gb->rr) {
                free(gb);
                return;
        }
        gb->ifindex = l->ifindex;
        gb->family = l->family;
        *r->goodbyes_tail = gb;
        r->goodbyes_tail = &gb->next;
}

static void emit_packet(void *userdata, const uint8_t *pkt, size_t len) {
        struct registry *r = userdata;

        if (r->tx_counter)
                (*r->tx_counter)++;
        if (r->ops && r->ops->send)
                r->ops->send(r->userdata, r->tx_link->ifindex, r->tx_link->family, pkt, len);
}

static void goodbyes_flush(struct registry *r) {
        struct goodbye *gb, *next;

        if (!r->goodbyes)
                return;
        for (struct reg_link *l = r->links; l; l = l->next) {
                bool any = false;

                r->tx_link = l;
                r->tx_counter = &r->stats.goodbyes_sent;
                for (gb = r->goodbyes; gb; gb = gb->next) {
                        if (gb->ifindex != l->ifindex || gb->family != l->family)
                                continue;
                        if (!any) {
                                /* RFC 6762 §10.1: same name, type, class and rdata, TTL zero */
                                announce_packer_init(&r->packer, r->tx, l->payload_max, true, emit_packet, r);
                                any = true;
                        }
                        const struct dns_rr *one = gb->rr;
                        announce_packer_add(&r->packer, &one, 1);
                }
                if (any)
                        announce_packer_finish(&r->packer);
        }
        for (gb = r->goodbyes; gb; gb = next) {
                next = gb->next;
                /* keep it a moment: see REGISTRY_RECENT_KEEP */
                dns_rr_free(r->recent[r->recent_next].rr);
                r->recent[r->recent_next].rr = gb->rr;
                r->recent[r->recent_next].ifindex = gb->ifindex;
                r->recent[r->recent_next].family = gb->family;
                r->recent[r->recent_next].when = r->now;
                r->recent_next = (r->recent_next + 1) % REGISTRY_RECENT_MAX;
                free(gb);
        }
        r->goodbyes = NULL;
        r->goodbyes_tail = &r->goodbyes;
}

/* ---- record × link ---- */

static void inst_activate(struct reg_inst *i) {
        struct registry *r = i->group->r;

        if (i->active)
                return;
        i->active = true;
        i->aprev = NULL;
        i->anext = r->active;
        if (r->active)
                r->active->aprev = i;
        r->active = i;
}

static void inst_deactivate(struct reg_inst *i) {
        struct registry *r = i->group->r;

        if (!i->active)
                return;
        if (i->aprev)
                i->aprev->anext = i->anext;
        else
                r->active = i->anext;
        if (i->anext)
                i->anext->aprev = i->aprev;
        i->active = false;
        i->anext = i->aprev = NULL;
}

/* ops->answerable: the record rr became answerable on the rl's link (on) or stopped being so
 * (off). Called after the change, so that the lookups already tell the new truth. */
static void rl_notify(const struct reg_rl *rl, const struct dns_rr *rr, bool on) {
        struct registry *r = rl->inst->group->r;

        if (r->ops && r->ops->answerable && !r->freeing)
                r->ops->answerable(r->userdata, rl->inst->link->ifindex, rl->inst->link->family, rr, on, r->now);
}

static struct reg_rl *rl_new(struct reg_record *rec, struct reg_inst *i) {
        struct reg_rl *rl = calloc(1, sizeof *rl);

        if (!rl)
                return NULL;
        rl->rec = rec;
        rl->inst = i;
        rl->state = RL_WAIT;
        announce_init(&rl->ann);
        rl->rnext = rec->rls;
        rec->rls = rl;
        rl->inext = i->rls;
        if (i->rls)
                i->rls->iprev = rl;
        i->rls = rl;
        return rl;
}

static void rl_free(struct reg_rl *rl, bool goodbye) {
        struct reg_inst *i = rl->inst;
        struct reg_record *rec = rl->rec;
        bool was = rl_answerable(rl);

        if (goodbye && rl->published)
                goodbye_queue(i->group->r, i->link, rec, rec->rr);
        for (struct reg_rl **p = &rec->rls; *p; p = &(*p)->rnext)
                if (*p == rl) {
                        *p = rl->rnext;
                        break;
                }
        if (rl->iprev)
                rl->iprev->inext = rl->inext;
        else
                i->rls = rl->inext;
        if (rl->inext)
                rl->inext->iprev = rl->iprev;
        if (was)
                rl_notify(rl, rec->rr, false); /* unlinked: the lookups no longer find it here */
        free(rl);
}

static void rl_publish(struct reg_rl *rl, usec_t now) {
        bool was = rl_answerable(rl);

        /* RFC 6762 §8.3: announce what was probed (and the shared records) at once */
        rl->state = RL_ANNOUNCING;
        rl->published = true;
        announce_start(&rl->ann, now);
        inst_activate(rl->inst);
        if (!was) {
                rl->inst->group->r->now = now;
                rl_notify(rl, rl->rec->rr, true);
        }
}

/* Back to waiting for a probe (re-probe after a link change, §9 conflict). */
static void rl_unpublish_to_wait(struct reg_rl *rl) {
        bool was = rl_answerable(rl);

        announce_stop(&rl->ann);
        rl->state = RL_WAIT;
        if (was)
                rl_notify(rl, rl->rec->rr, false);
}

/* ---- probing on one link (RFC 6762 §8.1, §8.2) ---- */

static struct reg_pname *inst_pname(struct reg_inst *i, const struct dns_name *name, bool create) {
        struct reg_pname *p;

        for (p = i->pnames; p; p = p->next)
                if (dns_name_equal(&p->name, name))
                        return p;
        if (!create)
                return NULL;
        p = calloc(1, sizeof *p);
        if (!p)
                return NULL;
        p->name = *name;
        probe_history_init(&p->history);
        p->next = i->pnames;
        i->pnames = p;
        return p;
}

static void inst_pnames_free(struct reg_inst *i) {
        while (i->pnames) {
                struct reg_pname *p = i->pnames;

                i->pnames = p->next;
                probe_history_clear(&p->history);
                free(p);
        }
}

static bool inst_name_verified(const struct reg_inst *i, const struct dns_name *name) {
        for (const struct reg_rl *rl = i->rls; rl; rl = rl->inext)
                if (rl_answerable(rl) && rec_needs_probe(rl->rec) && dns_name_equal(&rl->rec->rr->name, name))
                        return true;
        return false;
}

/* The wait before a new probe attempt: RFC 6762 §8.1 random 0–250 ms, shared by the attempts that
 * begin on the link within that window so that their probes go out together; 5 s each while the
 * §8.1 conflict rate limit holds. */
static usec_t link_probe_wait(struct registry *r, struct reg_link *l, usec_t now) {
        if (conflict_limiter_active(&r->conflicts, now))
                return conflict_limiter_probe_delay(&r->conflicts, now, 0);
        if (l->probe_slot == USEC_INFINITY || l->probe_slot < now || l->probe_slot > now + PROBE_WAIT)
                l->probe_slot = now + rng_range(r->rng, 0, PROBE_WAIT);
        return l->probe_slot - now;
}

/* Bring the unique records waiting for a probe into an attempt: a new one if none runs, the
 * running one if it has not sent its first probe yet. */
static void inst_probe_kick(struct reg_inst *i, usec_t now) {
        bool running = probe_is_running(&i->probe), any = false;

        if (running && probe_has_sent(&i->probe))
                return; /* they wait for the next attempt */
        for (struct reg_rl *rl = i->rls; rl; rl = rl->inext)
                if (rl->state == RL_WAIT && rec_needs_probe(rl->rec)) {
                        rl->state = RL_PROBING;
                        any = true;
                }
        if (!any || running)
                return;
        probe_start(&i->probe, now, link_probe_wait(i->group->r, i->link, now));
        inst_activate(i);
}

static bool inst_has_probe_waiters(const struct reg_inst *i) {
        for (const struct reg_rl *rl = i->rls; rl; rl = rl->inext)
                if ((rl->state == RL_WAIT || rl->state == RL_PROBING) && rec_needs_probe(rl->rec))
                        return true;
        return false;
}

/* Place the records that wait: announce what needs no probe, probe the rest. */
static void inst_settle(struct reg_inst *i, usec_t now) {
        bool want_probe = false;

        for (struct reg_rl *rl = i->rls; rl; rl = rl->inext) {
                if (rl->state != RL_WAIT || !rec_needs_probe(rl->rec))
                        continue;
                /* RFC 6762 §8.4: new rdata under a name we already hold is announced, not probed */
                if (i->initial_done && inst_name_verified(i, &rl->rec->rr->name))
                        rl_publish(rl, now);
                else
                        want_probe = true;
        }
        if (want_probe)
                inst_probe_kick(i, now);
        if (!probe_is_running(&i->probe) && !inst_has_probe_waiters(i))
                i->initial_done = true;
        if (i->initial_done)
                for (struct reg_rl *rl = i->rls; rl; rl = rl->inext)
                        if (rl->state == RL_WAIT && !rec_needs_probe(rl->rec))
                                rl_publish(rl, now);
}

static struct reg_inst *inst_new(struct reg_group *g, struct reg_link *l) {
        struct reg_inst *i = calloc(1, sizeof *i);

        if (!i)
                return NULL;
        i->group = g;
        i->link = l;
        probe_init(&i->probe);
        i->gnext = g->insts;
        if (g->insts)
                g->insts->gprev = i;
        g->insts = i;
        i->lnext = l->insts;
        if (l->insts)
                l->insts->lprev = i;
        l->insts = i;
        for (struct reg_record *rec = g->records; rec; rec = rec->gnext)
                if (rec_applies(rec, l) && !rl_new(rec, i))
                        log_warning("%s: out of memory publishing a record", l->label);
        return i;
}

static void inst_free(struct reg_inst *i, bool goodbye) {
        struct reg_group *g = i->group;
        struct reg_link *l = i->link;

        inst_deactivate(i);
        while (i->rls)
                rl_free(i->rls, goodbye);
        inst_pnames_free(i);
        if (i->gprev)
                i->gprev->gnext = i->gnext;
        else
                g->insts = i->gnext;
        if (i->gnext)
                i->gnext->gprev = i->gprev;
        if (i->lprev)
                i->lprev->lnext = i->lnext;
        else
                l->insts = i->lnext;
        if (i->lnext)
                i->lnext->lprev = i->lprev;
        free(i);
}

/* The group lost a unique name: withdraw it everywhere (RFC 6762 §8.1 "MUST defer to the
 * existing host", §9 "the loser MUST cease using the name"). */
static void group_collision(struct reg_group *g, const struct dns_name *name, const struct reg_link *l, int peer_family,
                            const union in_addr_union *peer, const char *reason) {
        g->why.name = *name;
        g->why.ifindex = l->ifindex;
        g->why.family = l->family;
        g->why.peer_family = peer ? peer_family : AF_UNSPEC;
        if (peer)
                g->why.peer = *peer;
        g->why.reason = reason;
        snprintf(g->why.link, sizeof g->why.link, "%s", l->label);
        while (g->insts)
                inst_free(g->insts, true);
        g->collision = true;
        g->committed = false;
        group_touch(g);
}

/* ---- sending probes ---- */

struct probe_unit {
        struct reg_inst *inst;
        const struct dns_name *name;
        size_t first, n; /* records in r->v2 */
        size_t size;     /* uncompressed upper bound of its question and records */
};

/* Build the probe for units [u0, u1) in r->tx: its length, or -EMSGSIZE when it does not fit
 * (with `partial`, as much as fits, for a single unit larger than a packet). */
static int probe_build(struct registry *r, const struct reg_link *l, const struct probe_unit *units, size_t u0,
                       size_t u1, bool partial) {
        struct dns_builder bld;

        dns_builder_init(&bld, r->tx, l->payload_max, 0, 0);
        for (size_t u = u0; u < u1; u++) {
                /* RFC 6762 §8.1: type ANY, class IN, the QU bit set ("the probes SHOULD be sent as
                 * QU questions with the unicast-response bit set") */
                struct dns_question q = {
                        .name = *units[u].name,
                        .type = DNS_TYPE_ANY,
                        .qclass = DNS_CLASS_IN,
                        .unicast_response = true,
                };
                if (dns_builder_add_question(&bld, &q) < 0) {
                        if (!partial)
                                return -EMSGSIZE;
                        log_warning("%s: a probe question does not fit in a packet", l->label);
                }
        }
        for (size_t u = u0; u < u1; u++)
                for (size_t k = 0; k < units[u].n; k++) {
                        const struct dns_rr *rr = r->v2.v[units[u].first + k];

                        /* the proposed records in the Authority section; the cache-flush bit belongs
                         * to responses only (§10.2) */
                        if (dns_builder_add_rr_ttl(&bld, DNS_SECTION_AUTHORITY, rr, rr->ttl, false) < 0) {
                                if (!partial)
                                        return -EMSGSIZE;
                                log_warning("%s: a proposed record does not fit in a probe packet", l->label);
                                return (int) dns_builder_finish(&bld);
                        }
                }
        return (int) dns_builder_finish(&bld);
}

static void send_probe_packets(struct registry *r, struct reg_link *l, struct reg_inst **batch, size_t n_batch,
                               usec_t now) {
        struct probe_unit *units = NULL;
        size_t n_units = 0, cap_units = 0;

        r->v2.n = 0;
        for (size_t b = 0; b < n_batch; b++) {
                struct reg_inst *i = batch[b];

                /* one unit per name: its question and its proposed records (RFC 6762 §8.1) */
                for (struct reg_rl *rl = i->rls; rl; rl = rl->inext) {
                        const struct dns_name *name = &rl->rec->rr->name;
                        bool seen = false;

                        if (rl->state != RL_PROBING)
                                continue;
                        for (size_t u = 0; u < n_units; u++)
                                if (units[u].inst == i && dns_name_equal(units[u].name, name)) {
                                        seen = true;
                                        break;
                                }
                        if (seen)
                                continue;
                        if (n_units == cap_units) {
                                size_t cap = cap_units ? cap_units * 2 : 16;
                                struct probe_unit *nu = realloc(units, cap * sizeof *nu);

                                if (!nu)
                                        goto out;
                                units = nu;
                                cap_units = cap;
                        }
                        struct probe_unit *u = &units[n_units++];
                        *u = (struct probe_unit) { .inst = i, .name = name, .first = r->v2.n };
                        u->size = name->len + 4;
                        for (struct reg_rl *x = i->rls; x; x = x->inext)
                                if (x->state == RL_PROBING && dns_name_equal(&x->rec->rr->name, name)) {
                                        if (ptrvec_push(&r->v2, x->rec->rr) < 0)
                                                goto out;
                                        u->n++;
                                        u->size += x->rec->rr->name.len + 10 + x->rec->rr->rdlength;
                                }
                }
        }

        /* Pack the units into as few packets as the link carries: all questions first, then all
         * proposed records in the Authority section (RFC 6762 §8.1, §8.2). The uncompressed sizes
         * give a count that surely fits; real builds then take more units while they fit. */
        for (size_t u0 = 0; u0 < n_units;) {
                size_t u1 = u0 + 1, budget = l->payload_max > DNS_HEADER_SIZE ? l->payload_max - DNS_HEADER_SIZE : 0;
                size_t len;

                budget = units[u0].size <= budget ? budget - units[u0].size : 0;
                while (u1 < n_units && units[u1].size <= budget)
                        budget -= units[u1++].size;
                while (u1 < n_units && probe_build(r, l, units, u0, u1 + 1, false) >= 0)
                        u1++;
                len = (size_t) MAX(probe_build(r, l, units, u0, u1, true), 0);
                r->tx_link = l;
                r->tx_counter = &r->stats.probes_sent;
                emit_packet(r, r->tx, len);
                u0 = u1;
        }

        /* RFC 6762 §8.2.1: remember what we sent, to know our own probe when it comes back */
        for (size_t u = 0; u < n_units; u++) {
                struct reg_pname *p = inst_pname(units[u].inst, units[u].name, true);

                if (p)
                        (void) probe_history_add(&p->history, (const struct dns_rr *const *) &r->v2.v[units[u].first],
                                                 units[u].n, now);
        }
out:
        free(units);
}

static void inst_probe_done(struct reg_inst *i, usec_t now) {
        /* RFC 6762 §8.1: no conflict by 250 ms after the third probe: the names are ours */
        for (struct reg_rl *rl = i->rls; rl; rl = rl->inext)
                if (rl->state == RL_PROBING)
                        rl_publish(rl, now);
        inst_pnames_free(i);
        i->initial_done = true;
        inst_settle(i, now);
        group_touch(i->group);
}

/* ---- sending announcements (RFC 6762 §8.3) ---- */

/* A unique record goes out with every record of its RRset that is answerable on the link: the
 * cache-flush bit (§10.2) makes peers drop members not received with it. */
static void rrset_collect(struct registry *r, const struct reg_rl *rl, struct ptrvec *out) {
        const struct reg_record *rec = rl->rec;
        const struct reg_link *l = rl->inst->link;

        out->n = 0;
        if (!(rec->flags & REG_UNIQUE)) {
                (void) ptrvec_push(out, rl);
                return;
        }
        for (struct reg_record *x = bucket_head(r, rec->hash); x; x = x->hnext) {
                struct reg_rl *xl;

                if (x->hash != rec->hash || x->rr->type != rec->rr->type || !(x->flags & REG_UNIQUE) ||
                    !dns_name_equal(&x->rr->name, &rec->rr->name))
                        continue;
                xl = rec_rl(x, l->ifindex, l->family);
                if (xl && rl_answerable(xl))
                        (void) ptrvec_push(out, xl);
        }
}

static void send_announcements(struct registry *r, struct reg_link *l, usec_t now) {
        bool any = false;

        r->v1.n = 0; /* the due rls */
        for (struct reg_inst *i = r->active; i; i = i->anext) {
                if (i->link != l)
                        continue;
                for (struct reg_rl *rl = i->rls; rl; rl = rl->inext)
                        if (rl->state == RL_ANNOUNCING && announce_due(&rl->ann, now))
                                (void) ptrvec_push(&r->v1, rl);
        }
        if (r->v1.n == 0)
                return;

        r->tx_link = l;
        r->tx_counter = &r->stats.announcements_sent;
        announce_packer_init(&r->packer, r->tx, l->payload_max, false, emit_packet, r);
        for (size_t k = 0; k < r->v1.n; k++) {
                const struct reg_rl *rl = r->v1.v[k];

                rrset_collect(r, rl, &r->v3);
                r->v2.n = 0;
                for (size_t j = 0; j < r->v3.n; j++)
                        (void) ptrvec_push(&r->v2, ((const struct reg_rl *) r->v3.v[j])->rec->rr);
                announce_packer_add(&r->packer, (const struct dns_rr *const *) r->v2.v, r->v2.n);
                for (size_t j = 0; j < r->v3.n; j++) {
                        struct reg_rl *xl = (struct reg_rl *) r->v3.v[j];

                        xl->last_multicast = now;
                        if (r->ops && r->ops->announced)
                                r->ops->announced(r->userdata, l->ifindex, l->family, xl->rec->id, now);
                }
                any = true;
        }
        if (any)
                announce_packer_finish(&r->packer);

        for (size_t k = 0; k < r->v1.n; k++) {
                struct reg_rl *rl = (struct reg_rl *) r->v1.v[k];

                if (announce_sent(&rl->ann, now)) {
                        rl->state = RL_ESTABLISHED;
                        group_touch(rl->inst->group);
                }
        }
}

/* ---- §8.4 updates ---- */

static void pending_remove(struct registry *r, struct reg_record *rec) {
        if (!rec->pending)
                return;
        if (rec->pprev)
                rec->pprev->pnext = rec->pnext;
        else
                r->pending = rec->pnext;
        if (rec->pnext)
                rec->pnext->pprev = rec->pprev;
        rec->pending = false;
        rec->pnext = rec->pprev = NULL;
        free(rec->pending_rdata);
        rec->pending_rdata = NULL;
}

static int record_apply_update(struct registry *r, struct reg_record *rec, const void *rdata, uint16_t len,
                               usec_t now) {
        struct dns_rr *nrr = dns_rr_new(&rec->rr->name, rec->rr->type, rec->rr->rclass, rec->rr->cache_flush,
                                        rec->rr->ttl, rdata, len);

        if (!nrr)
                return -ENOMEM;
        announce_update_add(rec->upd, now);
        for (struct reg_rl *rl = rec->rls; rl; rl = rl->rnext)
                /* RFC 6762 §8.4: "In the case of shared records, a host MUST send a 'goodbye'
                 * announcement with RR TTL zero … for the old rdata … before announcing the new
                 * rdata"; a unique record's cache-flush bit does that job. */
                if (!(rec->flags & REG_UNIQUE) && rl->published)
                        goodbye_queue(r, rl->inst->link, rec, rec->rr);
        struct dns_rr *orr = rec->rr;
        rec->rr = nrr;
        r->now = now;
        /* the querier's local source: the old rdata goes, the new comes (the lookups see the new) */
        for (struct reg_rl *rl = rec->rls; rl; rl = rl->rnext)
                if (rl_answerable(rl)) {
                        rl_notify(rl, orr, false);
                        rl_notify(rl, nrr, true);
                }
        dns_rr_free(orr);
        for (struct reg_rl *rl = rec->rls; rl; rl = rl->rnext)
                if (rl_answerable(rl)) {
                        /* RFC 6762 §8.4: repeat the announcing step */
                        rl->state = RL_ANNOUNCING;
                        announce_start(&rl->ann, now);
                        inst_activate(rl->inst);
                        group_touch(rec->group);
                }
        return 0;
}

/* ---- public: registry ---- */

int registry_new(struct registry **ret, const struct registry_config *cfg) {
        struct registry *r;

        if (!cfg || !cfg->rng)
                return -EINVAL;
        r = calloc(1, sizeof *r);
        if (!r)
                return -ENOMEM;
        r->ops = cfg->ops;
        r->userdata = cfg->userdata;
        r->rng = cfg->rng;
        r->group_records_max = cfg->group_records_max ? cfg->group_records_max : REGISTRY_GROUP_RECORDS_MAX_DEFAULT;
        r->records_max = cfg->records_max ? cfg->records_max : REGISTRY_RECORDS_MAX_DEFAULT;
        r->n_buckets = REGISTRY_BUCKETS_MIN;
        r->buckets = calloc(r->n_buckets, sizeof *r->buckets);
        r->id_buckets = calloc(r->n_buckets, sizeof *r->id_buckets);
        if (!r->buckets || !r->id_buckets) {
                free(r->buckets);
                free(r->id_buckets);
                free(r);
                return -ENOMEM;
        }
        r->goodbyes_tail = &r->goodbyes;
        *ret = r;
        return 0;
}

static void record_free(struct reg_record *rec);

void registry_free(struct registry *r) {
        if (!r)
                return;
        r->freeing = true;
        for (struct reg_group *g = r->groups; g; g = g->next)
                g->cb = NULL;
        while (r->groups)
                reg_group_free(r->groups, 0);
        while (r->links) {
                struct reg_link *l = r->links;

                r->links = l->next;
                free(l);
        }
        goodbyes_flush(r); /* no links left: only frees */
        for (unsigned k = 0; k < REGISTRY_RECENT_MAX; k++)
                dns_rr_free(r->recent[k].rr);
        ptrvec_free(&r->v1);
        ptrvec_free(&r->v2);
        ptrvec_free(&r->v3);
        free(r->buckets);
        free(r->id_buckets);
        free(r);
}

const struct registry_stats *registry_get_stats(const struct registry *r) {
        return &r->stats;
}

/* ---- public: links ---- */

int registry_link_add(struct registry *r, int ifindex, int family, const char *ifname, size_t payload_max,
                      usec_t now) {
        struct reg_link *l;

        if (ifindex <= 0 || (family != AF_INET && family != AF_INET6) || payload_max < DNS_HEADER_SIZE)
                return -EINVAL;
        if (link_find(r, ifindex, family))
                return -EEXIST;
        r->now = now;
        l = calloc(1, sizeof *l);
        if (!l)
                return -ENOMEM;
        l->ifindex = ifindex;
        l->family = family;
        snprintf(l->ifname, sizeof l->ifname, "%s", ifname ? ifname : "?");
        snprintf(l->label, sizeof l->label, "%s/%s", l->ifname, family == AF_INET ? "IPv4" : "IPv6");
        l->payload_max = MIN(payload_max, (size_t) DNS_PACKET_MAX);
        l->probe_slot = USEC_INFINITY;
        l->next = r->links;
        r->links = l;

        /* RFC 6762 §8: a new link: probe and announce everything committed there */
        for (struct reg_group *g = r->groups; g; g = g->next) {
                struct reg_inst *i;

                if (!g->committed)
                        continue;
                i = inst_new(g, l);
                if (!i) {
                        log_warning("%s: out of memory publishing a group", l->label);
                        continue;
                }
                inst_settle(i, now);
                group_touch(g);
        }
        registry_dispatch(r, now);
        return 0;
}

void registry_link_remove(struct registry *r, int ifindex, int family, bool goodbye, usec_t now) {
        struct reg_link *l = link_find(r, ifindex, family);

        r->now = now;
        if (!l)
                return;
        while (l->insts) {
                struct reg_group *g = l->insts->group;

                inst_free(l->insts, goodbye);
                group_touch(g);
        }
        goodbyes_flush(r); /* while the link can still carry them */
        for (struct reg_link **p = &r->links; *p; p = &(*p)->next)
                if (*p == l) {
                        *p = l->next;
                        break;
                }
        free(l);
        registry_dispatch(r, now);
}

void registry_link_reprobe(struct registry *r, int ifindex, int family, usec_t now) {
        struct reg_link *l = link_find(r, ifindex, family);

        if (!l)
                return;
        r->now = now;
        /* RFC 6762 §8, §10.2: after a link change, probe our unique records again, then announce */
        for (struct reg_inst *i = l->insts; i; i = i->lnext) {
                probe_stop(&i->probe);
                inst_pnames_free(i);
                i->initial_done = false;
                for (struct reg_rl *rl = i->rls; rl; rl = rl->inext)
                        rl_unpublish_to_wait(rl);
                inst_settle(i, now);
                group_touch(i->group);
        }
        registry_dispatch(r, now);
}

void registry_link_set_payload_max(struct registry *r, int ifindex, int family, size_t payload_max) {
        struct reg_link *l = link_find(r, ifindex, family);

        if (l && payload_max >= DNS_HEADER_SIZE)
                l->payload_max = MIN(payload_max, (size_t) DNS_PACKET_MAX);
}

bool registry_link_exists(const struct registry *r, int ifindex, int family) {
        return link_find(r, ifindex, family) != NULL;
}

/* ---- public: groups ---- */

int reg_group_new(struct registry *r, reg_group_cb cb, void *userdata, struct reg_group **ret) {
        struct reg_group *g = calloc(1, sizeof *g);

        if (!g)
                return -ENOMEM;
        g->r = r;
        g->cb = cb;
        g->userdata = userdata;
        g->state = g->reported = REG_GROUP_UNCOMMITTED;
        g->next = r->groups;
        if (r->groups)
                r->groups->prev = g;
        r->groups = g;
        *ret = g;
        return 0;
}

static void group_unpublish(struct reg_group *g) {
        while (g->insts)
                inst_free(g->insts, true);
}

void reg_group_withdraw(struct reg_group *g, usec_t now) {
        if (!g)
                return;
        g->r->now = now;
        group_unpublish(g);
        if (g->committed || g->collision)
                g->withdrawn = true;
        g->committed = false;
        g->collision = false;
        group_touch(g);
        registry_dispatch(g->r, now);
}

void reg_group_reset(struct reg_group *g, usec_t now) {
        if (!g)
                return;
        g->r->now = now;
        group_unpublish(g);
        while (g->records)
                record_free(g->records);
        g->committed = g->collision = g->withdrawn = false;
        group_touch(g);
        registry_dispatch(g->r, now);
}

void reg_group_free(struct reg_group *g, usec_t now) {
        struct registry *r;

        if (!g)
                return;
        r = g->r;
        r->now = now;
        group_unpublish(g);
        while (g->records)
                record_free(g->records);
        dirty_remove(r, g);
        if (g->prev)
                g->prev->next = g->next;
        else
                r->groups = g->next;
        if (g->next)
                g->next->prev = g->prev;
        free(g);
        registry_dispatch(r, now);
}

int reg_group_commit(struct reg_group *g, usec_t now) {
        struct registry *r = g->r;

        if (g->collision)
                return -EBUSY;
        if (g->committed)
                return -EALREADY;
        r->now = now;
        g->committed = true;
        g->withdrawn = false;
        for (struct reg_link *l = r->links; l; l = l->next) {
                struct reg_inst *i = inst_new(g, l);

                if (!i) {
                        group_unpublish(g);
                        g->committed = false;
                        return -ENOMEM;
                }
        }
        for (struct reg_inst *i = g->insts; i; i = i->gnext)
                inst_settle(i, now);
        group_touch(g);
        registry_dispatch(r, now);
        return 0;
}

enum reg_group_state reg_group_get_state(const struct reg_group *g) {
        return g->state;
}

size_t reg_group_get_n_records(const struct reg_group *g) {
        return g->n_records;
}

void *reg_group_get_userdata(const struct reg_group *g) {
        return g->userdata;
}

const struct dns_rr *reg_record_get_rr(const struct reg_record *rec) {
        return rec->rr;
}

struct reg_group *reg_record_get_group(const struct reg_record *rec) {
        return rec->group;
}

/* ---- public: records ---- */

static int registry_grow(struct registry *r) {
        size_t n = r->n_buckets * 2, old_n = r->n_buckets;
        struct reg_record **b = calloc(n, sizeof *b), **ib = calloc(n, sizeof *ib), **old_ib = r->id_buckets;

        if (!b || !ib) {
                free(b);
                free(ib);
                return -ENOMEM;
        }
        for (size_t k = 0; k < old_n; k++)
                while (r->buckets[k]) {
                        struct reg_record *rec = r->buckets[k];

                        r->buckets[k] = rec->hnext;
                        rec->hnext = b[rec->hash & (n - 1)];
                        b[rec->hash & (n - 1)] = rec;
                }
        free(r->buckets);
        r->buckets = b;
        r->id_buckets = ib;
        r->n_buckets = n;
        for (size_t k = 0; k < old_n; k++)
                while (old_ib[k]) {
                        struct reg_record *rec = old_ib[k], **slot = id_bucket(r, rec->id);

                        old_ib[k] = rec->idnext;
                        rec->idnext = *slot;
                        *slot = rec;
                }
        free(old_ib);
        return 0;
}

static bool scopes_overlap(int if1, int f1, int if2, int f2) {
        return (if1 == 0 || if2 == 0 || if1 == if2) && (f1 == AF_UNSPEC || f2 == AF_UNSPEC || f1 == f2);
}

int reg_group_add(struct reg_group *g, const struct dns_rr *rr, unsigned flags, int ifindex, int family, usec_t now,
                  struct reg_record **ret) {
        struct registry *r = g->r;
        struct reg_record *rec;
        uint32_t hash;
        bool unique = flags & REG_UNIQUE;

        if (!rr || !dns_name_is_valid(&rr->name) || dns_name_is_root(&rr->name) || rr->rclass != DNS_CLASS_IN ||
            rr->type == 0 || rr->type == DNS_TYPE_ANY || rr->type == DNS_TYPE_OPT ||
            (flags & ~(unsigned) (REG_UNIQUE | REG_NO_PROBE)) || ((flags & REG_NO_PROBE) && !unique) || ifindex < 0 ||
            (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) ||
            (rr->rdlength > 0 && !rr->rdata) || dns_rdata_validate(rr->type, rr->rdata, rr->rdlength) < 0)
                return -EINVAL;
        if (g->collision)
                return -EBUSY;
        if (r->n_records >= r->records_max) {
                if (!r->records_max_logged) {
                        char name[DNS_NAME_TEXT_MAX];

                        if (dns_name_to_text(&rr->name, name, sizeof name) < 0)
                                snprintf(name, sizeof name, "?");
                        log_warning("refusing to publish more than %zu records (records-max): %s and any "
                                    "record after it are not published", r->records_max, name);
                        r->records_max_logged = true;
                }
                return -E2BIG;
        }
        if (g->n_records >= r->group_records_max)
                return -E2BIG;

        hash = dns_name_hash(&rr->name);
        for (struct reg_record *x = bucket_head(r, hash); x; x = x->hnext) {
                /* the cheap tests first: a shared name (a service type's PTR) chains one record
                 * per service here, and only unique records or our own group's matter */
                bool other = x->group != g;

                if (x->hash != hash || (other ? !(unique || (x->flags & REG_UNIQUE)) : x->rr->type != rr->type) ||
                    !scopes_overlap(x->ifindex, x->family, ifindex, family) || !dns_name_equal(&x->rr->name, &rr->name))
                        continue;
                if (other)
                        return -EEXIST; /* a unique name belongs to one group */
                if (dns_rdata_equal(x->rr, rr))
                        return -EEXIST;
        }

        rec = calloc(1, sizeof *rec);
        if (!rec)
                return -ENOMEM;
        /* RFC 6762 §10: default TTLs; §10.2: the cache-flush bit on unique records */
        rec->rr = dns_rr_new(&rr->name, rr->type, DNS_CLASS_IN, unique, rr->ttl ? rr->ttl : announce_default_ttl(rr),
                             rr->rdata, rr->rdlength);
        if (!rec->rr) {
                free(rec);
                return -ENOMEM;
        }
        rec->group = g;
        rec->hash = hash;
        rec->flags = flags;
        rec->ifindex = ifindex;
        rec->family = family;
        if (r->n_records >= r->n_buckets)
                (void) registry_grow(r); /* a longer chain is still correct */
        rec->hnext = r->buckets[hash & (r->n_buckets - 1)];
        r->buckets[hash & (r->n_buckets - 1)] = rec;
        rec->id = ++r->last_id;
        rec->idnext = *id_bucket(r, rec->id);
        *id_bucket(r, rec->id) = rec;
        r->n_records++;
        rec->gnext = g->records;
        if (g->records)
                g->records->gprev = rec;
        g->records = rec;
        g->n_records++;

        if (g->committed)
                for (struct reg_inst *i = g->insts; i; i = i->gnext) {
                        if (!rec_applies(rec, i->link))
                                continue;
                        if (!rl_new(rec, i)) {
                                log_warning("%s: out of memory publishing a record", i->link->label);
                                continue;
                        }
                        inst_settle(i, now);
                }
        group_touch(g);
        if (ret)
                *ret = rec;
        registry_dispatch(r, now);
        return 0;
}

static void record_free(struct reg_record *rec) {
        struct reg_group *g = rec->group;
        struct registry *r = g->r;

        while (rec->rls)
                rl_free(rec->rls, true);
        pending_remove(r, rec);
        for (struct reg_record **p = &r->buckets[rec->hash & (r->n_buckets - 1)]; *p; p = &(*p)->hnext)
                if (*p == rec) {
                        *p = rec->hnext;
                        break;
                }
        for (struct reg_record **p = id_bucket(r, rec->id); *p; p = &(*p)->idnext)
                if (*p == rec) {
                        *p = rec->idnext;
                        break;
                }
        r->n_records--;
        if (rec->gprev)
                rec->gprev->gnext = rec->gnext;
        else
                g->records = rec->gnext;
        if (rec->gnext)
                rec->gnext->gprev = rec->gprev;
        g->n_records--;
        dns_rr_free(rec->rr);
        free(rec->upd);
        free(rec);
}

void reg_record_remove(struct reg_record *rec, usec_t now) {
        struct reg_group *g;

        if (!rec)
                return;
        g = rec->group;
        g->r->now = now;
        record_free(rec);
        /* a probe attempt may have lost its last record: let the group move on */
        for (struct reg_inst *i = g->insts; i; i = i->gnext)
                inst_settle(i, now);
        group_touch(g);
        registry_dispatch(g->r, now);
}

int reg_record_update(struct reg_record *rec, const void *rdata, uint16_t rdlength, usec_t now) {
        struct registry *r = rec->group->r;
        usec_t at;
        int ret;

        if ((rdlength > 0 && !rdata) || dns_rdata_validate(rec->rr->type, rdata, rdlength) < 0)
                return -EINVAL;
        if (rdlength == rec->rr->rdlength && (rdlength == 0 || memcmp(rdata, rec->rr->rdata, rdlength) == 0)) {
                pending_remove(r, rec); /* back to what is published */
                return 0;
        }
        if (!rec->upd) {
                rec->upd = calloc(1, sizeof *rec->upd);
                if (!rec->upd)
                        return -ENOMEM;
        }
        at = announce_update_allowed_at(rec->upd, now);
        if (at <= now) {
                pending_remove(r, rec);
                ret = record_apply_update(r, rec, rdata, rdlength, now);
                registry_dispatch(r, now);
                return ret;
        }
        /* RFC 6762 §8.4: "SHOULD NOT update records more frequently than ten times per minute":
         * hold the latest rdata back until the budget allows it */
        uint8_t *copy = malloc(rdlength ? rdlength : 1);
        if (!copy)
                return -ENOMEM;
        if (rdlength)
                memcpy(copy, rdata, rdlength);
        if (!rec->pending) {
                rec->pending = true;
                rec->pprev = NULL;
                rec->pnext = r->pending;
                if (r->pending)
                        r->pending->pprev = rec;
                r->pending = rec;
        }
        free(rec->pending_rdata);
        rec->pending_rdata = copy;
        rec->pending_len = rdlength;
        rec->pending_at = at;
        return 0;
}

/* ---- public: packets ---- */

/* A record from another host's response: RFC 6762 §8.1 (while probing) and §9 (after). */
static void check_response_record(struct registry *r, struct reg_link *l, const struct dns_rr *x, int src_family,
                                  const union in_addr_union *src, usec_t now) {
        uint32_t hash = dns_name_hash(&x->name);
        struct reg_rl *hit = NULL;
        bool hit_probing = false;
        char name[DNS_NAME_TEXT_MAX], peer[INET6_ADDRSTRLEN];

        for (unsigned k = 0; k < REGISTRY_RECENT_MAX; k++) {
                const struct dns_rr *w = r->recent[k].rr;

                if (w && r->recent[k].ifindex == l->ifindex && r->recent[k].family == l->family &&
                    now < r->recent[k].when + REGISTRY_RECENT_KEEP && w->type == x->type && dns_rr_equal(w, x))
                        return; /* one we just withdrew: our own, late */
        }
        for (struct reg_record *rec = bucket_head(r, hash); rec; rec = rec->hnext) {
                struct reg_rl *rl;
                bool probing;
                enum conflict_verdict v;

                if (rec->hash != hash || !(rec->flags & REG_UNIQUE) || !dns_name_equal(&rec->rr->name, &x->name))
                        continue;
                rl = rec_rl(rec, l->ifindex, l->family);
                if (!rl)
                        continue;
                if (rl->state == RL_PROBING)
                        /* RFC 6762 §8.1: responses before our first probe went out are ignored */
                        probing = true;
                else if (rl_answerable(rl))
                        probing = false;
                else
                        continue;
                v = conflict_check(x, rec->rr, probing);
                if (v == CONFLICT_SAME)
                        return; /* our very record, from someone else: no conflict */
                if (v == CONFLICT_CONFLICT && rec_needs_probe(rec) && (!probing || probe_has_sent(&rl->inst->probe)) &&
                    !hit) {
                        hit = rl;
                        hit_probing = probing;
                }
        }
        if (!hit)
                return;

        struct reg_inst *i = hit->inst;
        struct reg_group *g = i->group;
        struct dns_name lost = hit->rec->rr->name;

        r->stats.conflicts++;
        conflict_limiter_add(&r->conflicts, now);
        name_to_text(&lost, name, sizeof name);
        addr_to_text(src_family, src, peer, sizeof peer);
        if (hit_probing) {
                /* RFC 6762 §8.1: "the probing host MUST defer to the existing host" */
                log_info("%s: %s is in use by %s (answered our probe): giving it up", l->label, name, peer);
                group_collision(g, &lost, l, src_family, src, "probe answered");
                return;
        }
        /* RFC 6762 §9: "reset its conflicted unique record to probing state" and probe again */
        log_info("%s: %s: conflicting record from %s: probing again", l->label, name, peer);
        for (struct reg_rl *rl = i->rls; rl; rl = rl->inext)
                if (rec_needs_probe(rl->rec) && dns_name_equal(&rl->rec->rr->name, &lost))
                        rl_unpublish_to_wait(rl);
        inst_settle(i, now);
        group_touch(g);
}

/* Another host's probe: RFC 6762 §8.2 tie-break for each of our names it proposes records for. */
static void handle_probe(struct registry *r, struct reg_link *l, const struct dns_msg *m, int src_family,
                         const union in_addr_union *src, usec_t now) {
        char name[DNS_NAME_TEXT_MAX], peer[INET6_ADDRSTRLEN];

        for (size_t k = 0; k < m->nscount; k++) {
                const struct dns_rr *x = &m->ns[k];
                struct reg_inst *inst = NULL;
                bool seen = false;
                uint32_t hash;

                if (x->rclass != DNS_CLASS_IN)
                        continue;
                for (size_t j = 0; j < k; j++)
                        if (dns_name_equal(&m->ns[j].name, &x->name)) {
                                seen = true;
                                break;
                        }
                if (seen)
                        continue;

                /* our records for that name in a running probe attempt on this link */
                hash = dns_name_hash(&x->name);
                r->v1.n = 0;
                for (struct reg_record *rec = bucket_head(r, hash); rec; rec = rec->hnext) {
                        struct reg_rl *rl;

                        if (rec->hash != hash || !rec_needs_probe(rec) || !dns_name_equal(&rec->rr->name, &x->name))
                                continue;
                        rl = rec_rl(rec, l->ifindex, l->family);
                        if (!rl || rl->state != RL_PROBING)
                                continue;
                        inst = rl->inst;
                        (void) ptrvec_push(&r->v1, rec->rr);
                }
                if (!inst || r->v1.n == 0)
                        continue;

                /* their records for that name: all of its Authority records (§8.2.1) */
                r->v2.n = 0;
                for (size_t j = k; j < m->nscount; j++)
                        if (m->ns[j].rclass == DNS_CLASS_IN && dns_name_equal(&m->ns[j].name, &x->name))
                                (void) ptrvec_push(&r->v2, &m->ns[j]);

                struct reg_pname *pn = inst_pname(inst, &x->name, false);
                struct probe_history empty;
                probe_history_init(&empty);
                enum probe_tiebreak t = probe_history_tiebreak(pn ? &pn->history : &empty,
                                                               (const struct dns_rr *const *) r->v1.v, r->v1.n,
                                                               (const struct dns_rr *const *) r->v2.v, r->v2.n);
                name_to_text(&x->name, name, sizeof name);
                addr_to_text(src_family, src, peer, sizeof peer);
                switch (t) {
                case PROBE_TIEBREAK_SAME:
                        /* RFC 6762 §8.2.1: our own probe (or identical data): no conflict */
                        r->stats.own_probes_ignored++;
                        log_debug("%s: %s: a probe from %s with our own records: ignored", l->label, name, peer);
                        break;
                case PROBE_TIEBREAK_WIN:
                        log_debug("%s: %s: simultaneous probe from %s: ours wins", l->label, name, peer);
                        break;
                case PROBE_TIEBREAK_LOSE:
                        /* RFC 6762 §8.2: wait one second, then probe again */
                        r->stats.tiebreaks_lost++;
                        if (probe_has_sent(&inst->probe))
                                log_info("%s: %s: simultaneous probe from %s wins the tie-break: probing again in 1 s",
                                         l->label, name, peer);
                        else /* its next probes while we wait: each restarts the second */
                                log_debug("%s: %s: another probe from %s: waiting 1 s more", l->label, name, peer);
                        /* the history stays: the winner compares against our last probe too */
                        probe_defer(&inst->probe, now);
                        break;
                }
        }
}

void registry_handle_packet(struct registry *r, int ifindex, int family, int src_family,
                            const union in_addr_union *src, const struct dns_msg *m, usec_t now) {
        struct reg_link *l = link_find(r, ifindex, family);

        if (!l || !m)
                return;
        r->now = now;
        /* RFC 6762 §18.3: only standard queries and responses */
        if (DNS_FLAGS_OPCODE(m->flags) != DNS_OPCODE_QUERY)
                return;
        if (m->flags & DNS_FLAG_QR) {
                /* RFC 6762 §9: a conflicting record "in any of the Resource Record Sections" */
                for (enum dns_section s = DNS_SECTION_ANSWER; s < _DNS_SECTION_MAX; s++) {
                        uint16_t n;
                        const struct dns_rr *rrs = dns_msg_section(m, s, &n);

                        for (uint16_t k = 0; k < n; k++)
                                if (rrs[k].rclass == DNS_CLASS_IN || rrs[k].rclass == DNS_CLASS_ANY)
                                        check_response_record(r, l, &rrs[k], src_family, src, now);
                }
        } else if (m->nscount > 0)
                handle_probe(r, l, m, src_family, src, now);
        registry_dispatch(r, now);
}

/* ---- public: time ---- */

usec_t registry_next_timeout(const struct registry *r) {
        usec_t t = USEC_INFINITY;

        if (r->goodbyes)
                return 0;
        for (const struct reg_record *rec = r->pending; rec; rec = rec->pnext)
                t = MIN(t, rec->pending_at);
        for (const struct reg_inst *i = r->active; i; i = i->anext) {
                t = MIN(t, probe_next_timeout(&i->probe));
                for (const struct reg_rl *rl = i->rls; rl; rl = rl->inext)
                        if (rl->state == RL_ANNOUNCING)
                                t = MIN(t, rl->ann.next);
        }
        return t;
}

static bool inst_busy(const struct reg_inst *i) {
        if (probe_is_running(&i->probe))
                return true;
        for (const struct reg_rl *rl = i->rls; rl; rl = rl->inext)
                if (rl->state == RL_ANNOUNCING && announce_pending(&rl->ann))
                        return true;
        return false;
}

void registry_run(struct registry *r, usec_t now) {
        struct reg_inst **batch = NULL;
        size_t n_batch = 0, cap_batch = 0;

        r->now = now;
        /* goodbyes first: §8.4 wants a shared record's old rdata gone before the new goes out */
        goodbyes_flush(r);

        /* §8.4 updates whose time has come */
        for (struct reg_record *rec = r->pending, *next; rec; rec = next) {
                next = rec->pnext;
                if (rec->pending_at > now)
                        continue;
                uint8_t *rdata = rec->pending_rdata;
                uint16_t len = rec->pending_len;
                rec->pending_rdata = NULL;
                pending_remove(r, rec);
                (void) record_apply_update(r, rec, rdata, len, now);
                free(rdata);
        }
        goodbyes_flush(r);

        for (struct reg_link *l = r->links; l; l = l->next) {
                /* probes due on this link, sent together (RFC 6762 §8.1: several names per packet) */
                n_batch = 0;
                for (struct reg_inst *i = r->active, *next; i; i = next) {
                        next = i->anext;
                        if (i->link != l)
                                continue;
                        switch (probe_handle_timeout(&i->probe, now)) {
                        case PROBE_ACTION_SEND: {
                                bool any = false;

                                for (struct reg_rl *rl = i->rls; rl; rl = rl->inext)
                                        if (rl->state == RL_PROBING)
                                                any = true;
                                if (!any) {
                                        /* every record of the attempt was removed */
                                        probe_stop(&i->probe);
                                        inst_settle(i, now);
                                        group_touch(i->group);
                                        break;
                                }
                                if (n_batch == cap_batch) {
                                        size_t cap = cap_batch ? cap_batch * 2 : 16;
                                        struct reg_inst **nb = realloc(batch, cap * sizeof *nb);

                                        if (!nb)
                                                break; /* retried on the next run */
                                        batch = nb;
                                        cap_batch = cap;
                                }
                                batch[n_batch++] = i;
                                break;
                        }
                        case PROBE_ACTION_DONE:
                                inst_probe_done(i, now);
                                break;
                        case PROBE_ACTION_NONE:
                                break;
                        }
                }
                if (n_batch > 0) {
                        send_probe_packets(r, l, batch, n_batch, now);
                        for (size_t k = 0; k < n_batch; k++)
                                probe_sent(&batch[k]->probe, now);
                }
                if (l->probe_slot <= now)
                        l->probe_slot = USEC_INFINITY; /* gone: the next attempt draws a new wait */
                /* announcements due on this link, aggregated (RFC 6762 §8.3) */
                send_announcements(r, l, now);
        }
        free(batch);

        for (struct reg_inst *i = r->active, *next; i; i = next) {
                next = i->anext;
                if (!inst_busy(i))
                        inst_deactivate(i);
        }
        registry_dispatch(r, now);
}

void registry_withdraw_all(struct registry *r, usec_t now) {
        r->now = now;
        for (struct reg_group *g = r->groups; g; g = g->next) {
                group_unpublish(g);
                if (g->committed || g->collision)
                        g->withdrawn = true;
                g->committed = g->collision = false;
                group_touch(g);
        }
        goodbyes_flush(r);
        registry_dispatch(r, now);
}

/* ---- public: lookups ---- */

void registry_lookup_init(struct reg_lookup *it, struct registry *r, const struct dns_name *name, uint16_t type,
                          uint16_t rclass, int ifindex, int family) {
        *it = (struct reg_lookup) {
                .r = r,
                .name = name,
                .hash = dns_name_hash(name),
                .type = type,
                .rclass = rclass,
                .ifindex = ifindex,
                .family = family,
        };
        it->next = bucket_head(r, it->hash);
}

bool registry_lookup_next(struct reg_lookup *it, struct reg_answer *ret) {
        while (it->next) {
                struct reg_record *rec = it->next;
                struct reg_rl *rl;

                it->next = rec->hnext;
                if (rec->hash != it->hash || (it->type != DNS_TYPE_ANY && it->type != rec->rr->type) ||
                    (it->rclass != DNS_CLASS_ANY && it->rclass != rec->rr->rclass) ||
                    !dns_name_equal(&rec->rr->name, it->name))
                        continue;
                rl = rec_rl_answerable(rec, it->ifindex, it->family);
                if (!rl)
                        continue;
                answer_fill(ret, rec, rl);
                return true;
        }
        return false;
}

bool registry_lookup_id(struct registry *r, uint64_t id, int ifindex, int family, struct reg_answer *ret) {
        for (struct reg_record *rec = *id_bucket(r, id); rec; rec = rec->idnext) {
                struct reg_rl *rl;

                if (rec->id != id)
                        continue;
                rl = rec_rl_answerable(rec, ifindex, family);
                if (!rl)
                        return false;
                answer_fill(ret, rec, rl);
                return true;
        }
        return false;
}

bool registry_name_is_ours(struct registry *r, const struct dns_name *name, int ifindex, int family) {
        uint32_t hash = dns_name_hash(name);

        for (struct reg_record *rec = bucket_head(r, hash); rec; rec = rec->hnext) {
                if (rec->hash != hash || !(rec->flags & REG_UNIQUE) || !dns_name_equal(&rec->rr->name, name))
                        continue;
                if (rec_rl_answerable(rec, ifindex, family))
                        return true;
        }
        return false;
}

bool registry_name_is_probing(struct registry *r, const struct dns_name *name, int ifindex, int family) {
        uint32_t hash = dns_name_hash(name);

        for (struct reg_record *rec = bucket_head(r, hash); rec; rec = rec->hnext) {
                struct reg_rl *rl;

                if (rec->hash != hash || !rec_needs_probe(rec) || !dns_name_equal(&rec->rr->name, name))
                        continue;
                rl = rec_rl(rec, ifindex, family);
                if (rl && (rl->state == RL_WAIT || rl->state == RL_PROBING))
                        return true;
        }
        return false;
}
