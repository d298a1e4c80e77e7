/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Domain names in presentation form (config, service files, D-Bus): any text either converts or
 * is rejected with -EINVAL/-EMSGSIZE; what converts prints back to text that converts to the
 * same octets; the wire form then reads back through dns_name_from_wire(). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                             \
        do {                                                                                    \
                if (!(cond)) {                                                                  \
                        fprintf(stderr, "fuzz-name: check failed at line %d: %s\n", __LINE__, #cond); \
                        abort();                                                                \
                }                                                                               \
        } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char text[DNS_NAME_TEXT_MAX], in[2048], label[DNS_LABEL_MAX + 1];
        struct dns_name n, back, suffix;
        int r;

        if (size >= sizeof(in))
                return 0;
        memcpy(in, data, size);
        in[size] = 0;

        r = dns_name_from_text(&n, in);
        CHECK(r == 0 || r == -EINVAL || r == -EMSGSIZE);
        if (r < 0)
                return 0;

        CHECK(dns_name_is_valid(&n) && n.len >= 1 && n.len <= DNS_NAME_MAX);
        r = dns_name_to_text(&n, text, sizeof(text));
        CHECK(r >= 0 && (size_t) r == strlen(text));
        CHECK(dns_name_from_text(&back, text) == 0);
        CHECK(back.len == n.len && memcmp(back.data, n.data, n.len) == 0);

        CHECK(dns_name_from_wire(&back, n.data, n.len) == n.len);
        CHECK(dns_name_equal(&back, &n) && dns_name_compare(&back, &n) == 0);

        r = dns_name_first_label(&n, label, sizeof(label));
        CHECK(r >= 0 && r <= DNS_LABEL_MAX);
        unsigned k = dns_name_label_count(&n);
        for (unsigned skip = 0; skip <= k; skip++) {
                CHECK(dns_name_suffix(&n, skip, &suffix) == 0);
                CHECK(dns_name_endswith(&n, &suffix));
                CHECK(dns_name_label_count(&suffix) == k - skip);
        }
        CHECK(dns_name_suffix(&n, k + 1, &suffix) == -EINVAL);
        return 0;
}
