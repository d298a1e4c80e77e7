/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* zeroconfd.conf parser: any bytes give a usable configuration, never a crash or a leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct conf c;
        char *text;

        if (size > 64 * 1024)
                return 0;
        text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0'; /* conf_load() refuses files with NUL bytes; the text parser sees C strings */
        log_set_target(LOG_TARGET_NONE);
        conf_init(&c);
        (void) conf_parse_text(&c, text, "fuzz.conf");
        /* The result is always coherent: the lists are in bounds and the paths absolute. */
        if (c.n_allow_interfaces > CONF_LIST_MAX || c.n_deny_interfaces > CONF_LIST_MAX)
                abort();
        if (c.state_dir[0] != '/' || c.runtime_dir[0] != '/' || c.services_dir[0] != '/')
                abort();
        (void) conf_interface_allowed(&c, "eth0");
        conf_done(&c);
        free(text);
        return 0;
}
