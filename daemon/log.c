/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static enum log_target target = LOG_TARGET_STDERR;
static int max_level = LOG_INFO;

void log_set_target(enum log_target t) {
        target = t;
}

void log_set_max_level(int level) {
        max_level = level;
}

int log_get_max_level(void) {
        return max_level;
}

void log_full(int level, const char *fmt, ...) {
        static const char *const prefix[] = {
                [LOG_EMERG] = "emergency: ", [LOG_ALERT] = "alert: ",   [LOG_CRIT] = "critical: ",
                [LOG_ERR] = "error: ",       [LOG_WARNING] = "warning: ", [LOG_NOTICE] = "",
                [LOG_INFO] = "",             [LOG_DEBUG] = "debug: ",
        };
        va_list ap;

        if (level > max_level || target == LOG_TARGET_NONE)
                return;

        va_start(ap, fmt);
        if (target == LOG_TARGET_SYSLOG)
                vsyslog(LOG_DAEMON | level, fmt, ap);
        else {
                char buf[2048];

                vsnprintf(buf, sizeof buf, fmt, ap);
                fprintf(stderr, "zeroconfd: %s%s\n", prefix[level & 7], buf);
        }
        va_end(ap);
}
