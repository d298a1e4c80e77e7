/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NSS socket protocol: any bytes as a request line and as a reply line — never a crash; what
 * parses formats back to a line that parses to the same thing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nss/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *line = (const char *) data;
        struct nss_request req, req2;
        struct nss_reply rep, rep2;
        char buf[NSS_REPLY_MAX];
        int n;

        (void) nss_name_check(line, size);
        if (nss_request_parse(line, size, &req) == 0) {
                n = nss_request_format(&req, buf, sizeof buf);
                if (n <= 0 || buf[n - 1] != '\n' || nss_request_parse(buf, (size_t) n - 1, &req2) < 0 ||
                    req2.query != req.query || req2.family != req.family || strcmp(req2.name, req.name) != 0)
                        abort();
        }
        if (nss_reply_parse(line, size, &rep) == 0) {
                n = nss_reply_format(&rep, "refused", buf, sizeof buf);
                if (n <= 0 || buf[n - 1] != '\n' || nss_reply_parse(buf, (size_t) n - 1, &rep2) < 0 ||
                    rep2.status != rep.status || rep2.n_addrs != rep.n_addrs)
                        abort();
        }
        return 0;
}
