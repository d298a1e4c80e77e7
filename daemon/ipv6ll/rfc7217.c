/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RFC 7217 interface identifiers; see rfc7217.h for the encoding. */
#include "ipv6ll/rfc7217.h"

#include <errno.h>
#include <string.h>

#include "ipv6ll/sha256.h"

static int input_check(const struct rfc7217_input *in) {
        size_t n;

        if (!in || !in->net_iface || !in->secret_key)
                return -EINVAL;
        n = strnlen(in->net_iface, RFC7217_NET_IFACE_MAX + 1);
        if (n == 0 || n > RFC7217_NET_IFACE_MAX)
                return -EINVAL;
        if (in->network_id_len > RFC7217_NETWORK_ID_MAX || (in->network_id_len > 0 && !in->network_id))
                return -EINVAL;
        /* RFC 7217 §5: the secret key SHOULD be at least 128 bits */
        if (in->secret_key_len < RFC7217_SECRET_KEY_MIN || in->secret_key_len > RFC7217_SECRET_KEY_SIZE)
                return -EINVAL;
        return 0;
}

int rfc7217_interface_id(const struct rfc7217_input *in, uint8_t iid[static 8]) {
        uint8_t digest[SHA256_DIGEST_SIZE], b[4];
        struct sha256_ctx c;
        size_t n;
        int r;

        r = input_check(in);
        if (r < 0)
                return r;
        n = strlen(in->net_iface);

        /* RFC 7217 §5: RID = F(Prefix, Net_Iface, Network_ID, DAD_Counter, secret_key) */
        sha256_init(&c);
        sha256_update(&c, in->prefix.s6_addr, 8);
        b[0] = (uint8_t) n;
        sha256_update(&c, b, 1);
        sha256_update(&c, in->net_iface, n);
        b[0] = (uint8_t) (in->network_id_len >> 8);
        b[1] = (uint8_t) in->network_id_len;
        sha256_update(&c, b, 2);
        if (in->network_id_len > 0)
                sha256_update(&c, in->network_id, in->network_id_len);
        b[0] = (uint8_t) (in->dad_counter >> 24);
        b[1] = (uint8_t) (in->dad_counter >> 16);
        b[2] = (uint8_t) (in->dad_counter >> 8);
        b[3] = (uint8_t) in->dad_counter;
        sha256_update(&c, b, 4);
        sha256_update(&c, in->secret_key, in->secret_key_len);
        sha256_final(&c, digest);

        /* RFC 7217 §5: the interface ID is taken from the RID starting at the least significant bit */
        memcpy(iid, digest + SHA256_DIGEST_SIZE - 8, 8);
        explicit_bzero(digest, sizeof digest);
        return 0;
}

bool rfc7217_iid_is_reserved(const uint8_t iid[static 8]) {
        static const uint8_t zero[8];
        static const uint8_t eth_block[5] = { 0x02, 0x00, 0x5e, 0xff, 0xfe };
        static const uint8_t anycast[7] = { 0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

        /* RFC 4291 §2.6.1: the Subnet-Router anycast address */
        if (memcmp(iid, zero, 8) == 0)
                return true;
        /* RFC 5453 §3 / IANA: 0200:5EFF:FE00:0000 – 0200:5EFF:FEFF:FFFF (with 5213, RFC 6543) */
        if (memcmp(iid, eth_block, sizeof eth_block) == 0)
                return true;
        /* RFC 2526 §2: FDFF:FFFF:FFFF:FF80 – FDFF:FFFF:FFFF:FFFF */
        if (memcmp(iid, anycast, sizeof anycast) == 0 && iid[7] >= 0x80)
                return true;
        return false;
}

int rfc7217_generate(const struct rfc7217_input *in, rfc7217_taken_fn is_taken, void *userdata,
                     struct in6_addr *ret_addr, uint32_t *ret_dad_counter) {
        struct rfc7217_input cur;
        int r;

        if (!ret_addr || !ret_dad_counter)
                return -EINVAL;
        r = input_check(in);
        if (r < 0)
                return r;
        cur = *in;
        for (unsigned k = 0; k <= RFC7217_SKIP_MAX; k++, cur.dad_counter++) {
                struct in6_addr a = {};
                uint8_t iid[8];

                if (cur.dad_counter < in->dad_counter)
                        break; /* wrapped around */
                r = rfc7217_interface_id(&cur, iid);
                if (r < 0)
                        return r;
                /* RFC 7217 §5: a reserved ID, or one already in use on the interface, is handled
                 * like a DAD conflict (§6): DAD_Counter + 1 */
                if (rfc7217_iid_is_reserved(iid))
                        continue;
                memcpy(a.s6_addr, in->prefix.s6_addr, 8);
                memcpy(a.s6_addr + 8, iid, 8);
                if (is_taken && is_taken(&a, userdata))
                        continue;
                *ret_addr = a;
                *ret_dad_counter = cur.dad_counter;
                return 0;
        }
        return -EADDRNOTAVAIL;
}
