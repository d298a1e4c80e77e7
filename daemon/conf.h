/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* zeroconfd.conf: an INI file, documented key by key in zeroconfd.conf(5). Every problem is
 * reported as FILE:LINE and the default is kept; a broken file never stops the daemon. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define CONF_LIST_MAX 32

/* [ipv4ll] policy (RFC 3927 §1.9): when an interface claims a 169.254/16 address. */
enum conf_ipv4ll_policy {
        CONF_IPV4LL_AUTO,   /* only while it has no routable IPv4 address, after the grace period */
        CONF_IPV4LL_ALWAYS, /* whatever other addresses it has */
        CONF_IPV4LL_NEVER,
        _CONF_IPV4LL_POLICY_MAX,
};

struct conf_ipv4ll_override {
        char ifname[16]; /* IF_NAMESIZE */
        enum conf_ipv4ll_policy policy;
};

#define CONF_IPV4LL_GRACE_DEFAULT_USEC (5ULL * 1000000ULL)
#define CONF_IPV4LL_GRACE_MAX_USEC (3600ULL * 1000000ULL)

#define CONF_LEGACY_UNICAST_RATE_LIMIT_DEFAULT 1000 /* queries per second, as Avahi's ratelimit-burst */

struct conf {
        char *host_name;            /* NULL: the system host name */
        bool use_ipv4, use_ipv6;
        bool publish_addresses; /* publish-addresses=: the host's A, AAAA and reverse PTR records */
        bool publish_hinfo;   /* publish-hinfo=: the host's HINFO record (CPU and OS, from uname) */
        bool publish_workstation; /* publish-workstation=: "_workstation._tcp" "HOST [MAC]" port 9 */
        unsigned records_max; /* records-max=: our published records, all interfaces (0: built-in default) */
        unsigned cache_entries_max; /* cache-entries-max=: peers' records cached per interface and family (0: built-in default) */
        char *allow_interfaces[CONF_LIST_MAX]; /* empty: every capable interface */
        size_t n_allow_interfaces;
        char *deny_interfaces[CONF_LIST_MAX];
        size_t n_deny_interfaces;
        bool nss_enable;                    /* nss=: the socket of libnss_zeroconf */
        unsigned nss_clients_max;           /* nss-clients-max= (0: built-in default) */
        unsigned long long nss_timeout_usec; /* nss-timeout= in ms (0: built-in default) */
        unsigned legacy_unicast_rate_limit;  /* legacy-unicast-rate-limit= per second (0: none) */
        char *runtime_dir;
        char *state_dir;
        char *services_dir;
        char *user;           /* user=: the user to run as after start-up (NULL: zeroconfd, if it exists) */
        unsigned service_files_max; /* service-files-max= (0: built-in default) */

        /* [ipv4ll] */
        enum conf_ipv4ll_policy ipv4ll_policy;          /* policy= */
        struct conf_ipv4ll_override ipv4ll_overrides[CONF_LIST_MAX]; /* policy-IFNAME= */
        size_t n_ipv4ll_overrides;
        unsigned long long ipv4ll_grace_usec;           /* grace-period= (auto only) */
        double ipv4ll_timing_scale;                     /* timing-scale=: 1 is RFC 3927 timing */

        /* [ipv6ll] */
        bool ipv6ll_regenerate; /* regenerate=: replace a link-local address that fails DAD (RFC 7217 §6) */

        /* [dbus] */
        bool dbus_enable;                     /* enable=: serve org.zeroconfd1 on the system bus */
        unsigned dbus_clients_max;            /* clients-max= (0: built-in default) */
        unsigned dbus_objects_per_client_max; /* objects-per-client-max= (0: built-in default) */
        unsigned dbus_entries_per_group_max;  /* entries-per-group-max= (0: built-in default) */
        char *dbus_admin_group;               /* admin-group=: may call SetHostName besides root */
};

void conf_init(struct conf *c);
void conf_done(struct conf *c);

/* Parse text (NUL-terminated) as the contents of `filename` (used in messages). Returns the
 * number of problems reported (0 = clean); the struct always stays usable. */
int conf_parse_text(struct conf *c, const char *text, const char *filename);

/* Read and parse a file. A missing file is fine when !must_exist (defaults stay). Returns the
 * number of problems, or a negative errno if the file could not be read. */
int conf_load(struct conf *c, const char *path, bool must_exist);

/* Replace a string setting (options given on the command line override the file). */
int conf_set_string(char **field, const char *value);

bool conf_interface_allowed(const struct conf *c, const char *ifname);

/* The IPv4 link-local policy of an interface: its policy-IFNAME= override, else policy=. */
enum conf_ipv4ll_policy conf_ipv4ll_policy_for(const struct conf *c, const char *ifname);
const char *conf_ipv4ll_policy_to_string(enum conf_ipv4ll_policy p);

/* A user name the daemon may switch to: 1 to 32 of [A-Za-z0-9_.-], not starting with '-' or a digit. */
bool conf_user_name_valid(const char *name);
