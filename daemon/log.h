/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Logging: stderr in the foreground, syslog when daemonized. Cores may log; they do no other I/O. */
#pragma once

#include <stdbool.h>
#include <syslog.h>

#include "util.h"

enum log_target {
        LOG_TARGET_STDERR,
        LOG_TARGET_SYSLOG,
        LOG_TARGET_NONE, /* unit tests and fuzzers */
};

void log_set_target(enum log_target t);
void log_set_max_level(int level); /* LOG_ERR .. LOG_DEBUG */
int log_get_max_level(void);

void log_full(int level, const char *fmt, ...) _printf_(2, 3);

#define log_error(...) log_full(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_full(LOG_INFO, __VA_ARGS__)
#define log_debug(...)                                                  \
        do {                                                            \
                if (log_get_max_level() >= LOG_DEBUG)                   \
                        log_full(LOG_DEBUG, __VA_ARGS__);               \
        } while (0)
