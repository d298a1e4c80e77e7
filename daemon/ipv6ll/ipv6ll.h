/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IPv6 link-local: one link's DAD follower (dad.h) and the policy for a failed link-local address
 * (RFC 4862 §5.4.5, RFC 7217 §6). Pure, like the IPv4LL cores: the caller feeds netlink-like
 * events and timer wake-ups with the current monotonic time and carries out the actions.
 *
 * When a link-local address fails DAD (another host on the link uses it):
 *  - it is reported once: logged (the interface, the address, how it was formed) and handed out as
 *    IPV6LL_ACTION_DAD_FAILED (for the D-Bus DadFailed signal);
 *  - if it was the kernel's stable-privacy address (IFA_F_STABLE_PRIVACY), the kernel makes the
 *    replacement itself (its idgen_retries / idgen_delay): nothing more is done;
 *  - if the link still has another link-local address that passed DAD or is running it, nothing
 *    is needed (with regeneration on, a failed EUI-64 or RFC 7217 address is removed);
 *  - with regeneration off, RFC 4862 §5.4.5 stands: the link waits for the administrator
 *    (state failed, logged);
 *  - with regeneration on (RFC 7217 §6): after IDGEN_DELAY a replacement fe80::/64 address with
 *    an RFC 7217 interface ID is added (IPV6LL_ACTION_ADD_ADDRESS, for the kernel to run DAD on)
 *    and the failed one removed if it was the kernel's EUI-64 one or ours (an address someone
 *    configured by hand is left for them to see); DAD_Counter starts at 0 (RFC 7217 §5) and is
 *    raised with each failure of ours; after IDGEN_RETRIES replacements have failed, it gives up
 *    and says so (state failed).
 * A new episode (counter 0, no attempts) starts with the failure of an address that is not ours,
 * so that a link that comes up again gets the same replacement address (RFC 7217's stability).
 * A link that gets a usable link-local address by other means leaves the failed state.
 *
 * Addresses with the link's RFC 7217 identifiers for DAD_Counter 0..IPV6LL_DAD_OWN_MAX-1 are
 * recognised as ours (origin rfc7217) also when an earlier run of the daemon added them. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "ipv6ll/dad.h"
#include "ipv6ll/rfc7217.h"
#include "netlink.h"
#include "util.h"

/* RFC 7217 §6 leaves the numbers to the implementation; these are Linux's defaults
 * (net.ipv6.conf.*.idgen_retries, net.ipv6.idgen_delay). */
#define IDGEN_RETRIES 3
#define IDGEN_DELAY (1 * USEC_PER_SEC)

#define IPV6LL_PREFIXLEN 64
#define IPV6LL_ACTIONS_MAX 12

enum ipv6ll_state {
        IPV6LL_STATE_IDLE,    /* nothing to do: no link-local address failed, or it was dealt with */
        IPV6LL_STATE_WAITING, /* IDGEN_DELAY before adding a replacement */
        IPV6LL_STATE_PROBING, /* our replacement is on the link; the kernel runs DAD on it */
        IPV6LL_STATE_FAILED,  /* a link-local address failed DAD and nothing replaces it */
        _IPV6LL_STATE_MAX,
};

/* Why the state is failed. */
enum ipv6ll_failure {
        IPV6LL_FAILURE_NONE,
        IPV6LL_FAILURE_REGENERATION_OFF, /* RFC 4862 §5.4.5: waiting for the administrator */
        IPV6LL_FAILURE_GAVE_UP,          /* IDGEN_RETRIES replacements failed DAD */
        IPV6LL_FAILURE_NO_KEY,           /* no RFC 7217 secret key */
        IPV6LL_FAILURE_ERROR,            /* no address could be generated, or the kernel refused it */
        _IPV6LL_FAILURE_MAX,
};

enum ipv6ll_action_kind {
        IPV6LL_ACTION_ADD_ADDRESS,    /* add .addr/64, scope link, DAD by the kernel */
        IPV6LL_ACTION_REMOVE_ADDRESS, /* remove .addr/64 (a failed one) */
        IPV6LL_ACTION_DAD_FAILED,     /* report: .addr (.origin, .link_local) failed DAD */
        IPV6LL_ACTION_STATE_CHANGED,  /* .state is the new state */
        IPV6LL_ACTION_ADDRS_CHANGED,  /* the address table changed (.dad_event says how) */
        _IPV6LL_ACTION_KIND_MAX,
};

struct ipv6ll_action {
        enum ipv6ll_action_kind kind;
        struct in6_addr addr;
        uint32_t dad_counter;      /* ADD_ADDRESS */
        enum ipv6ll_origin origin; /* DAD_FAILED */
        bool link_local;           /* DAD_FAILED */
        enum ipv6ll_state state;   /* STATE_CHANGED */
        struct ipv6ll_dad_event dad_event; /* ADDRS_CHANGED */
};

struct ipv6ll_actions {
        struct ipv6ll_action a[IPV6LL_ACTIONS_MAX];
        size_t n;
};

struct ipv6ll_config {
        const char *ifname;
        bool regenerate;           /* [ipv6ll] regenerate */
        const uint8_t *secret_key; /* NULL: none (regeneration reports FAILURE_NO_KEY); copied */
        size_t secret_key_len;
};

struct ipv6ll_status {
        enum ipv6ll_state state;
        enum ipv6ll_failure failure;
        bool regenerate;
        int addr_gen_mode;            /* IN6_ADDR_GEN_MODE_*, -1 unknown */
        unsigned attempts;            /* replacements added in this episode */
        uint32_t dad_counter;         /* the next RFC 7217 DAD_Counter */
        bool has_replacement;
        struct in6_addr replacement;  /* the last one we added */
        bool has_failed;
        struct in6_addr failed;       /* the last link-local address that failed DAD */
        usec_t timeout;               /* WAITING: when the replacement is added */
};

struct ipv6ll;

int ipv6ll_new(struct ipv6ll **ret, const struct ipv6ll_config *cfg);
void ipv6ll_free(struct ipv6ll *l);

/* Events in. Each resets *acts and fills it. */
int ipv6ll_handle_link(struct ipv6ll *l, const struct netlink_link *link, usec_t now, struct ipv6ll_actions *acts);
int ipv6ll_handle_addr(struct ipv6ll *l, enum netlink_event ev, const struct netlink_addr *a, usec_t now,
                       struct ipv6ll_actions *acts);
int ipv6ll_handle_timeout(struct ipv6ll *l, usec_t now, struct ipv6ll_actions *acts);
/* The edge could not add the replacement (netlink's error): state failed. */
int ipv6ll_handle_add_error(struct ipv6ll *l, const struct in6_addr *a, int error, usec_t now,
                            struct ipv6ll_actions *acts);
/* When to call ipv6ll_handle_timeout() next; USEC_INFINITY if never. */
usec_t ipv6ll_next_timeout(const struct ipv6ll *l);

void ipv6ll_get_status(const struct ipv6ll *l, struct ipv6ll_status *ret);
const struct ipv6ll_dad *ipv6ll_get_dad(const struct ipv6ll *l);

const char *ipv6ll_state_to_string(enum ipv6ll_state s);
const char *ipv6ll_failure_to_string(enum ipv6ll_failure f);
