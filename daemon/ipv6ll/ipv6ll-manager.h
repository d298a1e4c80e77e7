/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The IPv6 link-local edge: one ipv6ll core (ipv6ll.h) per link, fed the raw netlink link and
 * address events (it needs addr_gen_mode and the IFA_F_* flags, which the interface table does
 * not keep), with a loop timer for IDGEN_DELAY, the netlink requests for the replacement
 * addresses, and the RFC 7217 secret key (secret-key.h).
 *
 * Managed: every link but loopback that allow-/deny-interfaces allow. The kernel forms the
 * addresses and runs DAD; this follows it, and mDNS publishes only what
 * iface_addr_is_published() accepts (not tentative, not dadfailed; deprecated only when no
 * preferred address is left), so nothing here gates publishing.
 *
 * A link whose addr_gen_mode is none (the kernel makes no link-local address there) is followed
 * like the others and reported: logged once (each time the mode becomes none), and its state
 * reads no-link-local while it has no link-local address.
 *
 * Replacement addresses (with [ipv6ll] regenerate = yes) are added as fe80::ID/64, scope link,
 * no lifetimes, without IFA_F_NODAD (the kernel runs DAD on them). They are left configured when
 * the daemon stops: the host needs its link-local address whether zeroconfd runs or not, and an
 * RFC 7217 address is meant to be stable (RFC 7217 §1, §5): on restart the same key and
 * interface name give the same identifiers, so the daemon recognises the address as its own and
 * does nothing; if the link comes up again later and the kernel's EUI-64 address fails DAD again,
 * the same replacement (DAD counter 0) is made again.
 *
 * The secret key is read (or, with regenerate = yes, created) once at start from
 * STATE_DIR/ipv6ll-secret; with regenerate = no a missing key is not created.
 *
 * The read-only API below (for the D-Bus Link object and zeroconfctl status) gives, per link,
 * its state, DAD counter and IPv6 addresses (how each was formed, its DAD state), and an
 * observer told of every change. All strings are stable and meant to be shown as they are. */
#pragma once

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "ipv6ll/ipv6ll.h"
#include "loop.h"
#include "netlink.h"

struct ipv6ll_manager;

/* The state of a link as a whole (ipv6ll_link_state_to_string() gives the name in quotes). */
enum ipv6ll_link_state {
        IPV6LL_LINK_IDLE,          /* "idle": it has a link-local address that passed DAD or is running it */
        IPV6LL_LINK_NO_LINK_LOCAL, /* "no-link-local": no link-local address, and nothing here makes one
                                    * (addr_gen_mode none, the link is down, or it was removed) */
        IPV6LL_LINK_WAITING,       /* "waiting": its link-local address failed DAD; a replacement is added
                                    * after IDGEN_DELAY */
        IPV6LL_LINK_PROBING,       /* "probing": our RFC 7217 replacement is on the link, in DAD */
        IPV6LL_LINK_NEEDS_ADMIN,   /* "needs-administrator": its link-local address failed DAD and
                                    * regenerate = no (RFC 4862 §5.4.5) */
        IPV6LL_LINK_GAVE_UP,       /* "gave-up": IDGEN_RETRIES replacements failed DAD */
        IPV6LL_LINK_FAILED,        /* "failed": no replacement could be made (no secret key, or the
                                    * kernel refused it) */
        _IPV6LL_LINK_STATE_MAX,
};

/* A snapshot of one link (ipv6ll_manager_get_link()). */
struct ipv6ll_link_info {
        int ifindex;
        char ifname[IF_NAMESIZE];
        enum ipv6ll_link_state state;
        int addr_gen_mode;       /* IN6_ADDR_GEN_MODE_* (linux/if_link.h); -1 unknown (no IPv6 there) */
        bool regenerate;         /* [ipv6ll] regenerate */
        uint32_t dad_counter;    /* RFC 7217 DAD_Counter for the next replacement: 0, +1 for each
                                  * replacement of ours that failed DAD in this episode */
        unsigned attempts;       /* replacements added in this episode (at most IDGEN_RETRIES) */
        unsigned dad_failures;   /* DAD failures seen on the link (any address) since it is followed */
        bool has_failed;
        struct in6_addr failed;  /* the last link-local address that failed DAD */
        bool has_replacement;
        struct in6_addr replacement; /* the last replacement we added */
        size_t n_addrs;          /* its IPv6 addresses (ipv6ll_manager_get_addresses()) */
};

/* What changed (ipv6ll_change_to_string() gives the name in quotes). */
enum ipv6ll_change {
        IPV6LL_CHANGE_LINK_NEW,   /* "link-new": the link is followed from now on */
        IPV6LL_CHANGE_LINK_GONE,  /* "link-gone": no longer followed (removed, or denied) */
        IPV6LL_CHANGE_ADDRESSES,  /* "addresses": an address appeared, went, or changed DAD state or origin */
        IPV6LL_CHANGE_STATE,      /* "state": the link's state changed */
        IPV6LL_CHANGE_DAD_FAILED, /* "dad-failed": an address of the link failed DAD (the DadFailed signal);
                                   * `failed` is that address */
        _IPV6LL_CHANGE_MAX,
};

/* Called after a netlink event or timer has been fully applied, once per change it made, in
 * this order: LINK_NEW, DAD_FAILED (one per address), ADDRESSES, STATE, LINK_GONE. `failed` is
 * the address for DAD_FAILED, NULL otherwise. The getters below already return the new state
 * (LINK_GONE: -ENOENT). The observer must not call the manager's handle / run / free functions. */
typedef void (*ipv6ll_observer_fn)(void *userdata, int ifindex, enum ipv6ll_change change,
                                   const struct in6_addr *failed);

/* The manager's requests to the kernel (netlink_addr_add() / netlink_addr_del() semantics:
 * 0 or -errno, logged by the callee); tests replace them. */
struct ipv6ll_manager_io {
        int (*addr_add)(void *userdata, const struct netlink_addr *a);
        int (*addr_del)(void *userdata, const struct netlink_addr *a);
        void *userdata;
};

/* loop, nl and conf are borrowed and must outlive the manager. Create it before
 * netlink_enumerate(), so that it sees every link and address from the start. */
int ipv6ll_manager_new(struct ipv6ll_manager **ret, struct loop *loop, struct netlink *nl, const struct conf *conf);
/* The same with other requests (io is copied). */
int ipv6ll_manager_new_with_io(struct ipv6ll_manager **ret, struct loop *loop, const struct ipv6ll_manager_io *io,
                               const struct conf *conf);
/* Frees the cores and timers; leaves the addresses (see above); calls no observer. Call before
 * netlink_free(). */
void ipv6ll_manager_free(struct ipv6ll_manager *m);

/* One observer; NULL removes it. */
void ipv6ll_manager_set_observer(struct ipv6ll_manager *m, ipv6ll_observer_fn cb, void *userdata);

/* Events in: the raw netlink ones. */
void ipv6ll_manager_handle_link(struct ipv6ll_manager *m, enum netlink_event ev, const struct netlink_link *link);
void ipv6ll_manager_handle_addr(struct ipv6ll_manager *m, enum netlink_event ev, const struct netlink_addr *a);
/* The timers (IDGEN_DELAY): the loop runs them; tests call these with a time of their own. */
usec_t ipv6ll_manager_next_timeout(const struct ipv6ll_manager *m); /* USEC_INFINITY if none */
void ipv6ll_manager_run(struct ipv6ll_manager *m, usec_t now);

/* The followed links' ifindexes: writes up to max of them, returns how many there are. */
size_t ipv6ll_manager_get_links(const struct ipv6ll_manager *m, int *ifindexes, size_t max);
/* Returns 0, -ENOENT if the link is not followed, -EINVAL for NULL arguments. */
int ipv6ll_manager_get_link(const struct ipv6ll_manager *m, int ifindex, struct ipv6ll_link_info *ret);
/* Copies up to max of the link's IPv6 addresses (struct ipv6ll_addr, dad.h: the address, whether
 * it is link-local, its origin — ipv6ll_origin_to_string(): "eui64", "stable-privacy",
 * "rfc7217", "temporary", "manual", "dynamic" — its DAD state — ipv6ll_dad_state_to_string():
 * "tentative", "optimistic", "valid", "deprecated", "dadfailed" — and, for rfc7217, its
 * DAD_Counter). Returns how many the link has (more than max if they did not all fit), or
 * -ENOENT / -EINVAL. */
int ipv6ll_manager_get_addresses(const struct ipv6ll_manager *m, int ifindex, struct ipv6ll_addr *addrs, size_t max);

const char *ipv6ll_link_state_to_string(enum ipv6ll_link_state s);
const char *ipv6ll_change_to_string(enum ipv6ll_change c);
