/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdns/host-name.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_label_char(unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

int host_name_make_label(const char *in, char *out, size_t size) {
        size_t n = 0;

        if (!in || !out || size < HOST_NAME_LABEL_MAX + 1)
                return -EINVAL;
        for (const char *p = in; *p && *p != '.' && n < HOST_NAME_LABEL_MAX; p++) {
                char c = is_label_char((unsigned char) *p) ? *p : '-';

                if (c == '-' && (n == 0 || out[n - 1] == '-'))
                        continue; /* no leading hyphen, no runs of hyphens */
                out[n++] = c;
        }
        while (n > 0 && out[n - 1] == '-')
                n--;
        out[n] = '\0';
        if (n == 0)
                strcpy(out, HOST_NAME_FALLBACK);
        return 0;
}

int host_name_alternative(const char *in, char *out, size_t size) {
        char base[HOST_NAME_LABEL_MAX + 1];
        unsigned long k = 1;
        size_t len, blen;
        const char *dash;
        char suffix[24];

        if (!in || !out || size < HOST_NAME_LABEL_MAX + 1)
                return -EINVAL;
        len = strlen(in);
        if (len == 0 || len > HOST_NAME_LABEL_MAX)
                return -EINVAL;
        blen = len;
        dash = strrchr(in, '-');
        if (dash && dash > in && dash[1] && strspn(dash + 1, "0123456789") == strlen(dash + 1) &&
            strlen(dash + 1) < 10 && dash[1] != '0') {
                k = strtoul(dash + 1, NULL, 10);
                blen = (size_t) (dash - in);
        }
        snprintf(suffix, sizeof suffix, "-%lu", k + 1);
        if (blen + strlen(suffix) > HOST_NAME_LABEL_MAX) {
                blen = HOST_NAME_LABEL_MAX - strlen(suffix);
                /* never cut inside a UTF-8 character: back up to the start of the one cut */
                while (blen > 0 && ((unsigned char) in[blen] & 0xc0) == 0x80)
                        blen--;
        }
        memcpy(base, in, blen);
        base[blen] = '\0';
        snprintf(out, size, "%s%s", base, suffix);
        return 0;
}
