/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Service files (zeroconfd.service(5)): any bytes are either rejected with one "FILE:LINE:COLUMN:"
 * message or give a group whose every name and TXT record can be built, never a crash or a leak. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
#include "dnssd/service-file.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_group(const struct dnssd_group *g) {
        static const char *const hosts[] = {
                "myhost",
                "a-very-long-host-name-that-fills-the-label-to-the-limit-of-63xx",
                "h\xc3\xa9te",
        };
        char instance[DNSSD_INSTANCE_NAME_MAX + 1];
        uint8_t txt[DNSSD_TXT_SIZE_MAX];
        struct dns_name n;

        if (!g->name || g->n_services == 0 || g->n_services > DNSSD_SERVICES_MAX)
                abort();
        for (size_t h = 0; h < sizeof(hosts) / sizeof(hosts[0]); h++) {
                int len = dnssd_group_expand_name(g, hosts[h], instance, sizeof(instance), NULL);
                /* the file was validated: with a valid host label the name is always usable */
                if (len <= 0 || len > DNSSD_INSTANCE_NAME_MAX || strlen(instance) != (size_t) len)
                        abort();
                for (size_t i = 0; i < g->n_services; i++) {
                        const struct dnssd_service *s = &g->services[i];
                        if (dnssd_service_instance_name(s, instance, &n) < 0 || !dns_name_is_valid(&n))
                                abort();
                }
        }
        for (size_t i = 0; i < g->n_services; i++) {
                const struct dnssd_service *s = &g->services[i];
                int r;

                if (dnssd_service_type_name(s, &n) < 0)
                        abort();
                for (size_t k = 0; k < s->n_subtypes; k++)
                        if (dnssd_service_subtype_name(s, k, &n) < 0)
                                abort();
                if (dnssd_name_build_enumeration(&s->domain, &n) < 0)
                        abort();
                r = dnssd_service_build_txt(s, txt, sizeof(txt));
                if (r < 1 || (size_t) r != s->txt_size || dns_txt_validate(txt, (size_t) r) < 1)
                        abort();
                for (size_t k = 0; k < s->n_txt; k++) {
                        const char *reason;
                        if (dnssd_check_txt_string(s->txt[k].data, s->txt[k].len, &reason) < 0)
                                abort();
                }
                if (s->n_interfaces > DNSSD_INTERFACES_MAX || s->n_subtypes > DNSSD_SUBTYPES_MAX)
                        abort();
                (void) dnssd_service_on_interface(s, "eth0");
                (void) dnssd_service_is_placeholder(s);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct dnssd_group *g;
        char *error;
        int r;

        log_set_target(LOG_TARGET_NONE);
        r = dnssd_service_file_parse("fuzz.service", data, size, &g, &error);
        if (r == 0) {
                if (error || !g)
                        abort();
                check_group(g);
                dnssd_group_free(g);
        } else {
                /* one line, naming the file */
                if (g || (r != -ENOMEM && !error))
                        abort();
                if (error && (strncmp(error, "fuzz.service:", 13) != 0 || strchr(error, '\n')))
                        abort();
                free(error);
        }
        return 0;
}
