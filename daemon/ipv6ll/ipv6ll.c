/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One link's IPv6 link-local policy; see ipv6ll.h. */
#include "ipv6ll/ipv6ll.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/* RFC 4291 §2.5.6: fe80::/64 */
static const struct in6_addr link_local_prefix = { { { 0xfe, 0x80 } } };

struct ipv6ll {
        char ifname[IF_NAMESIZE];
        bool regenerate;
        bool has_key;
        uint8_t key[RFC7217_SECRET_KEY_SIZE];
        size_t key_len;

        struct ipv6ll_dad *dad;
        bool up; /* IFF_UP */

        enum ipv6ll_state state;
        enum ipv6ll_failure failure;
        unsigned attempts;    /* replacements added in this episode */
        uint32_t dad_counter; /* the next DAD_Counter */
        usec_t timeout;

        bool has_pending; /* our replacement, DAD not over */
        struct in6_addr pending;
        bool has_replacement;
        struct in6_addr replacement;
        bool has_failed;
        struct in6_addr failed;
        bool failed_removable; /* the failed address is the kernel's EUI-64 one, or ours */
};

static const char *const state_table[_IPV6LL_STATE_MAX] = {
        [IPV6LL_STATE_IDLE] = "idle",
        [IPV6LL_STATE_WAITING] = "waiting",
        [IPV6LL_STATE_PROBING] = "probing",
        [IPV6LL_STATE_FAILED] = "failed",
};

static const char *const failure_table[_IPV6LL_FAILURE_MAX] = {
        [IPV6LL_FAILURE_NONE] = "none",
        [IPV6LL_FAILURE_REGENERATION_OFF] = "needs-administrator",
        [IPV6LL_FAILURE_GAVE_UP] = "gave-up",
        [IPV6LL_FAILURE_NO_KEY] = "no-secret-key",
        [IPV6LL_FAILURE_ERROR] = "error",
};

const char *ipv6ll_state_to_string(enum ipv6ll_state s) {
        return (unsigned) s < _IPV6LL_STATE_MAX ? state_table[s] : NULL;
}

const char *ipv6ll_failure_to_string(enum ipv6ll_failure f) {
        return (unsigned) f < _IPV6LL_FAILURE_MAX ? failure_table[f] : NULL;
}

static const char *addr_str(const struct in6_addr *a, char buf[static INET6_ADDRSTRLEN]) {
        return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

static struct ipv6ll_action *push(struct ipv6ll_actions *acts, enum ipv6ll_action_kind kind) {
        struct ipv6ll_action *a;

        /* bounded by construction: one event makes at most a handful of actions */
        if (acts->n >= IPV6LL_ACTIONS_MAX) {
                log_error("ipv6ll: too many actions at once; dropping one");
                return NULL;
        }
        a = &acts->a[acts->n++];
        *a = (struct ipv6ll_action) { .kind = kind };
        return a;
}

static void push_addr(struct ipv6ll_actions *acts, enum ipv6ll_action_kind kind, const struct in6_addr *addr,
                      uint32_t dad_counter) {
        struct ipv6ll_action *a = push(acts, kind);

        if (a) {
                a->addr = *addr;
                a->dad_counter = dad_counter;
        }
}

static void set_state(struct ipv6ll *l, enum ipv6ll_state s, struct ipv6ll_actions *acts) {
        struct ipv6ll_action *a;

        if (s != IPV6LL_STATE_FAILED)
                l->failure = IPV6LL_FAILURE_NONE;
        if (s != IPV6LL_STATE_WAITING)
                l->timeout = USEC_INFINITY;
        if (l->state == s)
                return;
        log_debug("ipv6ll %s: %s -> %s", l->ifname, state_table[l->state], state_table[s]);
        l->state = s;
        a = push(acts, IPV6LL_ACTION_STATE_CHANGED);
        if (a)
                a->state = s;
}

static void set_failed(struct ipv6ll *l, enum ipv6ll_failure why, struct ipv6ll_actions *acts) {
        l->has_pending = false;
        set_state(l, IPV6LL_STATE_FAILED, acts);
        l->failure = why;
}

static int make_input(const struct ipv6ll *l, uint32_t counter, struct rfc7217_input *in) {
        if (!l->has_key)
                return -ENOKEY;
        /* RFC 7217 §5: Network_ID is optional and empty for link-local addresses */
        *in = (struct rfc7217_input) {
                .prefix = link_local_prefix,
                .net_iface = l->ifname,
                .dad_counter = counter,
                .secret_key = l->key,
                .secret_key_len = l->key_len,
        };
        return 0;
}

/* Our identifiers for the first DAD counters, so that addresses we (or an earlier run) added are
 * recognised. */
static void register_own(struct ipv6ll *l) {
        struct rfc7217_input in;

        ipv6ll_dad_clear_own(l->dad);
        for (uint32_t c = 0; c < IPV6LL_DAD_OWN_MAX; c++) {
                struct in6_addr a = link_local_prefix;
                uint8_t iid[8];

                if (make_input(l, c, &in) < 0 || rfc7217_interface_id(&in, iid) < 0)
                        return;
                if (rfc7217_iid_is_reserved(iid))
                        continue;
                memcpy(a.s6_addr + 8, iid, 8);
                ipv6ll_dad_add_own(l->dad, &a, c);
        }
}

int ipv6ll_new(struct ipv6ll **ret, const struct ipv6ll_config *cfg) {
        struct ipv6ll *l;
        int r;

        if (!ret || !cfg || !cfg->ifname || !*cfg->ifname)
                return -EINVAL;
        if (cfg->secret_key &&
            (cfg->secret_key_len < RFC7217_SECRET_KEY_MIN || cfg->secret_key_len > RFC7217_SECRET_KEY_SIZE))
                return -EINVAL;
        l = calloc(1, sizeof *l);
        if (!l)
                return -ENOMEM;
        snprintf(l->ifname, sizeof l->ifname, "%s", cfg->ifname);
        l->regenerate = cfg->regenerate;
        if (cfg->secret_key) {
                l->has_key = true;
                memcpy(l->key, cfg->secret_key, cfg->secret_key_len);
                l->key_len = cfg->secret_key_len;
        }
        l->timeout = USEC_INFINITY;
        r = ipv6ll_dad_new(&l->dad, l->ifname);
        if (r < 0) {
                free(l);
                return r;
        }
        register_own(l);
        *ret = l;
        return 0;
}

void ipv6ll_free(struct ipv6ll *l) {
        if (!l)
                return;
        ipv6ll_dad_free(l->dad);
        explicit_bzero(l->key, sizeof l->key);
        free(l);
}

static bool addr_taken(const struct in6_addr *a, void *userdata) {
        const struct ipv6ll *l = userdata;

        /* RFC 7217 §5: not an identifier already used on this interface with this prefix */
        return ipv6ll_dad_find(l->dad, a) != NULL;
}

static void on_dad_failed(struct ipv6ll *l, const struct ipv6ll_addr *x, usec_t now, struct ipv6ll_actions *acts) {
        const struct ipv6ll_addr *other;
        char buf[INET6_ADDRSTRLEN], obuf[INET6_ADDRSTRLEN];
        struct ipv6ll_action *a;
        bool ours, removable;

        /* RFC 4862 §5.4.5: report it, once (the follower says so once per failure) */
        log_warning("ipv6ll %s: duplicate address detection failed for %s (%s): another host on the link uses "
                    "this address (RFC 4862 §5.4.5)", l->ifname, addr_str(&x->addr, buf),
                    ipv6ll_origin_to_string(x->origin));
        a = push(acts, IPV6LL_ACTION_DAD_FAILED);
        if (a) {
                a->addr = x->addr;
                a->origin = x->origin;
                a->link_local = x->link_local;
        }
        if (!x->link_local) {
                log_info("ipv6ll %s: %s is not link-local: what follows is for whoever made it to decide", l->ifname,
                         buf);
                return;
        }
        l->has_failed = true;
        l->failed = x->addr;
        ours = x->origin == IPV6LL_ORIGIN_RFC7217;
        removable = ours || x->origin == IPV6LL_ORIGIN_EUI64;
        if (l->has_pending && memcmp(&l->pending, &x->addr, sizeof x->addr) == 0)
                l->has_pending = false; /* this replacement failed */

        if (x->origin == IPV6LL_ORIGIN_STABLE_PRIVACY) {
                log_info("ipv6ll %s: the kernel makes a replacement for its stable-privacy address itself "
                         "(net.ipv6.conf.%s.idgen_retries)", l->ifname, l->ifname);
                return;
        }
        other = ipv6ll_dad_find_link_local(l->dad, IPV6LL_DAD_MASK_USABLE | IPV6LL_DAD_MASK_PENDING, &x->addr);
        if (other) {
                log_info("ipv6ll %s: %s still has the link-local address %s (%s): no replacement needed", l->ifname,
                         l->ifname, addr_str(&other->addr, obuf), ipv6ll_dad_state_to_string(other->state));
                if (l->regenerate && removable)
                        push_addr(acts, IPV6LL_ACTION_REMOVE_ADDRESS, &x->addr, 0);
                if (l->state == IPV6LL_STATE_FAILED)
                        set_state(l, IPV6LL_STATE_IDLE, acts);
                return;
        }
        if (!l->regenerate) {
                /* RFC 4862 §5.4.5: the interface needs manual intervention */
                log_warning("ipv6ll %s: %s has no working IPv6 link-local address now; it waits for the administrator "
                            "(RFC 4862 §5.4.5). With 'regenerate = yes' in [ipv6ll], zeroconfd would make a "
                            "replacement (RFC 7217)", l->ifname, l->ifname);
                set_failed(l, IPV6LL_FAILURE_REGENERATION_OFF, acts);
                return;
        }
        if (!l->has_key) {
                log_error("ipv6ll %s: no RFC 7217 secret key: cannot make a replacement for %s; IPv6 on %s needs the "
                          "administrator", l->ifname, buf, l->ifname);
                set_failed(l, IPV6LL_FAILURE_NO_KEY, acts);
                return;
        }
        if (ours)
                l->dad_counter = MAX(l->dad_counter, x->dad_counter + 1); /* RFC 7217 §6: DAD_Counter + 1 */
        else if (l->state != IPV6LL_STATE_WAITING && l->state != IPV6LL_STATE_PROBING) {
                /* a new episode: the same inputs give the same address again (RFC 7217 §5) */
                l->attempts = 0;
                l->dad_counter = 0;
        }
        if (l->attempts >= IDGEN_RETRIES) {
                log_error("ipv6ll %s: giving up: %u replacement link-local addresses failed DAD (IDGEN_RETRIES); "
                          "IPv6 on %s needs the administrator", l->ifname, l->attempts, l->ifname);
                set_failed(l, IPV6LL_FAILURE_GAVE_UP, acts);
                return;
        }
        if (l->state == IPV6LL_STATE_WAITING)
                return; /* already scheduled */
        l->failed_removable = removable;
        set_state(l, IPV6LL_STATE_WAITING, acts);
        l->timeout = now + IDGEN_DELAY;
        log_info("ipv6ll %s: replacing it in %.1f s with an RFC 7217 address (DAD counter %u, replacement %u of %u)",
                 l->ifname, (double) IDGEN_DELAY / (double) USEC_PER_SEC, l->dad_counter, l->attempts + 1,
                 IDGEN_RETRIES);
}

static void check_pending(struct ipv6ll *l, const struct ipv6ll_dad_event *ev, struct ipv6ll_actions *acts) {
        char buf[INET6_ADDRSTRLEN];

        if (!l->has_pending || memcmp(&l->pending, &ev->addr.addr, sizeof l->pending) != 0)
                return;
        if (ev->kind == IPV6LL_DAD_EVENT_LOST) {
                log_warning("ipv6ll %s: %s was removed before its DAD was over", l->ifname, addr_str(&l->pending, buf));
                l->has_pending = false;
                if (l->state == IPV6LL_STATE_PROBING)
                        set_state(l, IPV6LL_STATE_IDLE, acts);
                return;
        }
        if (ev->addr.state != IPV6LL_DAD_VALID && ev->addr.state != IPV6LL_DAD_DEPRECATED)
                return;
        log_notice("ipv6ll %s: %s passed DAD: %s has a working link-local address again (RFC 7217, DAD counter %u)",
                   l->ifname, addr_str(&l->pending, buf), l->ifname, ev->addr.dad_counter);
        l->has_pending = false;
        if (l->state == IPV6LL_STATE_PROBING)
                set_state(l, IPV6LL_STATE_IDLE, acts);
}

static void handle_dad_events(struct ipv6ll *l, const struct ipv6ll_dad_events *evs, usec_t now,
                              struct ipv6ll_actions *acts) {
        char buf[INET6_ADDRSTRLEN];

        for (size_t k = 0; k < evs->n; k++) {
                const struct ipv6ll_dad_event *ev = &evs->ev[k];
                struct ipv6ll_action *a;

                if (ev->kind == IPV6LL_DAD_EVENT_NO_LINK_LOCAL) {
                        log_notice("ipv6ll %s: the kernel was told to make no IPv6 link-local address on %s "
                                   "(addr_gen_mode none): IPv6 there needs one configured by other means",
                                   l->ifname, l->ifname);
                        continue;
                }
                a = push(acts, IPV6LL_ACTION_ADDRS_CHANGED);
                if (a)
                        a->dad_event = *ev;
                switch (ev->kind) {
                case IPV6LL_DAD_EVENT_NEW:
                case IPV6LL_DAD_EVENT_CHANGED:
                case IPV6LL_DAD_EVENT_DAD_PASSED:
                        log_debug("ipv6ll %s: %s %s (%s, %s)", l->ifname, addr_str(&ev->addr.addr, buf),
                                  ipv6ll_dad_event_kind_to_string(ev->kind), ipv6ll_dad_state_to_string(ev->addr.state),
                                  ipv6ll_origin_to_string(ev->addr.origin));
                        check_pending(l, ev, acts);
                        break;
                case IPV6LL_DAD_EVENT_DAD_FAILED:
                        on_dad_failed(l, &ev->addr, now, acts);
                        break;
                case IPV6LL_DAD_EVENT_LOST:
                        log_debug("ipv6ll %s: %s removed", l->ifname, addr_str(&ev->addr.addr, buf));
                        check_pending(l, ev, acts);
                        if (l->has_failed && memcmp(&l->failed, &ev->addr.addr, sizeof l->failed) == 0)
                                l->failed_removable = false; /* gone already */
                        break;
                default:
                        break;
                }
        }
        /* Someone gave the link a working link-local address: nothing is waiting any more. */
        if (l->state == IPV6LL_STATE_FAILED) {
                const struct ipv6ll_addr *ok = ipv6ll_dad_find_link_local(l->dad, IPV6LL_DAD_MASK_USABLE, NULL);

                if (ok) {
                        log_notice("ipv6ll %s: %s has a working link-local address again: %s", l->ifname, l->ifname,
                                   addr_str(&ok->addr, buf));
                        set_state(l, IPV6LL_STATE_IDLE, acts);
                }
        }
}

int ipv6ll_handle_link(struct ipv6ll *l, const struct netlink_link *link, usec_t now, struct ipv6ll_actions *acts) {
        struct ipv6ll_dad_events evs;
        bool renamed;

        if (!l || !link || !acts)
                return -EINVAL;
        acts->n = 0;
        renamed = strcmp(l->ifname, link->name) != 0;
        snprintf(l->ifname, sizeof l->ifname, "%s", link->name);
        ipv6ll_dad_update_link(l->dad, link, &evs);
        if (renamed)
                register_own(l); /* Net_Iface is the name */
        l->up = link->flags & IFF_UP;
        if (!l->up && l->state == IPV6LL_STATE_WAITING) {
                log_info("ipv6ll %s: link down: not adding a replacement link-local address", l->ifname);
                set_state(l, IPV6LL_STATE_IDLE, acts);
        }
        handle_dad_events(l, &evs, now, acts);
        return 0;
}

int ipv6ll_handle_addr(struct ipv6ll *l, enum netlink_event ev, const struct netlink_addr *a, usec_t now,
                       struct ipv6ll_actions *acts) {
        struct ipv6ll_dad_events evs;
        int r;

        if (!l || !a || !acts)
                return -EINVAL;
        acts->n = 0;
        r = ipv6ll_dad_apply_addr(l->dad, ev, a, now, &evs);
        if (r < 0)
                return r;
        handle_dad_events(l, &evs, now, acts);
        return 0;
}

int ipv6ll_handle_timeout(struct ipv6ll *l, usec_t now, struct ipv6ll_actions *acts) {
        const struct ipv6ll_addr *other;
        struct rfc7217_input in;
        char buf[INET6_ADDRSTRLEN];
        struct in6_addr addr;
        uint32_t counter;
        int r;

        if (!l || !acts)
                return -EINVAL;
        acts->n = 0;
        if (l->state != IPV6LL_STATE_WAITING || now < l->timeout)
                return 0;

        other = ipv6ll_dad_find_link_local(l->dad, IPV6LL_DAD_MASK_USABLE | IPV6LL_DAD_MASK_PENDING, NULL);
        if (other) {
                log_info("ipv6ll %s: %s has the link-local address %s now: no replacement needed", l->ifname,
                         l->ifname, addr_str(&other->addr, buf));
                set_state(l, IPV6LL_STATE_IDLE, acts);
                return 0;
        }
        r = make_input(l, l->dad_counter, &in);
        if (r >= 0)
                r = rfc7217_generate(&in, addr_taken, l, &addr, &counter);
        if (r < 0) {
                log_error("ipv6ll %s: cannot generate an RFC 7217 link-local address: %s; IPv6 on %s needs the "
                          "administrator", l->ifname, strerror(-r), l->ifname);
                set_failed(l, r == -ENOKEY ? IPV6LL_FAILURE_NO_KEY : IPV6LL_FAILURE_ERROR, acts);
                return 0;
        }
        l->attempts++;
        l->dad_counter = counter + 1;
        ipv6ll_dad_add_own(l->dad, &addr, counter);
        l->has_pending = l->has_replacement = true;
        l->pending = l->replacement = addr;
        /* add first, then remove the failed one: the link never lacks its fe80::/64 route */
        push_addr(acts, IPV6LL_ACTION_ADD_ADDRESS, &addr, counter);
        if (l->has_failed && l->failed_removable && ipv6ll_dad_find(l->dad, &l->failed))
                push_addr(acts, IPV6LL_ACTION_REMOVE_ADDRESS, &l->failed, 0);
        l->failed_removable = false;
        set_state(l, IPV6LL_STATE_PROBING, acts);
        log_notice("ipv6ll %s: adding %s/%u (RFC 7217, DAD counter %u; replacement %u of %u) for the kernel to run "
                   "DAD on", l->ifname, addr_str(&addr, buf), IPV6LL_PREFIXLEN, counter, l->attempts, IDGEN_RETRIES);
        return 0;
}

int ipv6ll_handle_add_error(struct ipv6ll *l, const struct in6_addr *a, int error, usec_t now,
                            struct ipv6ll_actions *acts) {
        char buf[INET6_ADDRSTRLEN];

        if (!l || !a || !acts)
                return -EINVAL;
        acts->n = 0;
        if (!l->has_pending || memcmp(&l->pending, a, sizeof *a) != 0)
                return 0;
        log_error("ipv6ll %s: the kernel refused %s: %s; IPv6 on %s needs the administrator", l->ifname,
                  addr_str(a, buf), strerror(error < 0 ? -error : error), l->ifname);
        set_failed(l, IPV6LL_FAILURE_ERROR, acts);
        return 0;
}

usec_t ipv6ll_next_timeout(const struct ipv6ll *l) {
        return l && l->state == IPV6LL_STATE_WAITING ? l->timeout : USEC_INFINITY;
}

void ipv6ll_get_status(const struct ipv6ll *l, struct ipv6ll_status *ret) {
        if (!ret)
                return;
        if (!l) {
                *ret = (struct ipv6ll_status) { .addr_gen_mode = -1, .timeout = USEC_INFINITY };
                return;
        }
        *ret = (struct ipv6ll_status) {
                .state = l->state,
                .failure = l->failure,
                .regenerate = l->regenerate,
                .addr_gen_mode = ipv6ll_dad_get_addr_gen_mode(l->dad),
                .attempts = l->attempts,
                .dad_counter = l->dad_counter,
                .has_replacement = l->has_replacement,
                .replacement = l->replacement,
                .has_failed = l->has_failed,
                .failed = l->failed,
                .timeout = ipv6ll_next_timeout(l),
        };
}

const struct ipv6ll_dad *ipv6ll_get_dad(const struct ipv6ll *l) {
        return l ? l->dad : NULL;
}
