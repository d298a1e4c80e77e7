/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared helpers of the IPv6 link-local suites: netlink-like links and addresses. */
#pragma once

#include <arpa/inet.h>
#include <check.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>

#include "netlink.h"

#ifndef IFA_F_STABLE_PRIVACY
#define IFA_F_STABLE_PRIVACY 0x800
#endif

/* 02:5a:43:00:00:01 → modified EUI-64 005a:43ff:fe00:0001 (RFC 4291 App. A) */
#define TEST_MAC { 0x02, 0x5a, 0x43, 0x00, 0x00, 0x01 }
#define TEST_EUI64_LL "fe80::5a:43ff:fe00:1"
#define TEST_IFINDEX 2

static inline struct netlink_link test_link(const char *name, unsigned flags, int addr_gen_mode) {
        struct netlink_link l = {
                .ifindex = TEST_IFINDEX,
                .flags = flags,
                .arptype = ARPHRD_ETHER,
                .hwaddr = TEST_MAC,
                .hwaddr_len = 6,
                .mtu = 1500,
                .addr_gen_mode = addr_gen_mode,
        };

        snprintf(l.name, sizeof l.name, "%s", name);
        return l;
}

static inline struct in6_addr test_in6(const char *s) {
        struct in6_addr a;

        ck_assert_int_eq(inet_pton(AF_INET6, s, &a), 1);
        return a;
}

static inline struct netlink_addr test_addr(const char *s, uint8_t prefixlen, uint32_t flags) {
        struct netlink_addr a = {
                .ifindex = TEST_IFINDEX,
                .family = AF_INET6,
                .addr.in6 = test_in6(s),
                .prefixlen = prefixlen,
                .scope = strncmp(s, "fe80", 4) == 0 ? 253 /* RT_SCOPE_LINK */ : 0,
                .flags = flags,
                .valid_lft = UINT32_MAX,
                .preferred_lft = UINT32_MAX,
        };

        return a;
}

static inline bool test_in6_eq(const struct in6_addr *a, const char *s) {
        struct in6_addr b = test_in6(s);

        return memcmp(a, &b, sizeof b) == 0;
}
