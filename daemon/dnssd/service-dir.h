/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The services.d folder: every "*.service" file in it read and parsed on its own (one broken file
 * never hides the others), with what a reload needs to touch only the groups whose file changed.
 *
 * The daemon's use:
 *   start:   dnssd_dir_load(dir, max, &set); publish every file with ->group.
 *   reload:  dnssd_dir_reload(dir, max, &set, &next, &diff, &n) (inotify or SIGHUP);
 *            for each diff entry: REMOVED or CHANGED → withdraw old->group (goodbyes);
 *            NEW or CHANGED → publish new->group if set; UNCHANGED → carry the published
 *            state of old over to new, untouched. Then free diff, dnssd_file_set_done(&set),
 *            set = next.
 * Messages are logged here, once: each rejected file's "FILE:LINE:COLUMN: ..." and each
 * warning when the file is new or changed (an unchanged broken file is not logged again), and
 * the file limit when it is first hit. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dnssd/service.h"

#define DNSSD_SERVICE_FILES_MAX_DEFAULT 1024
#define DNSSD_SERVICE_FILE_SUFFIX ".service"

struct dnssd_file {
        char *name;                /* "ssh.service", the name in the folder */
        char *path;                /* "DIR/ssh.service", as messages name it */
        uint64_t hash;             /* FNV-1a 64 of the contents: what "changed" means */
        size_t size;               /* of the contents */
        struct timespec mtime;     /* informational; a reload compares contents, not times */
        int error;                 /* 0, or a negative errno: the file is rejected as a whole */
        char *message;             /* if error: "FILE:LINE:COLUMN: what is wrong" (or "FILE: ...") */
        struct dnssd_group *group; /* if !error: the services it defines */
};

struct dnssd_file_set {
        struct dnssd_file *files;  /* sorted by name (strcmp) */
        size_t n_files;
        size_t n_skipped;          /* *.service files beyond the limit, not read (the last by name) */
};

enum dnssd_file_change {
        DNSSD_FILE_UNCHANGED,
        DNSSD_FILE_NEW,
        DNSSD_FILE_CHANGED,
        DNSSD_FILE_REMOVED,
        _DNSSD_FILE_CHANGE_MAX,
};

struct dnssd_file_diff {
        enum dnssd_file_change change;
        const struct dnssd_file *old; /* NULL when NEW */
        const struct dnssd_file *new; /* NULL when REMOVED */
};

const char *dnssd_file_change_to_string(enum dnssd_file_change c);

/* Whether a directory entry name is a service file: "X.service" with X non-empty and not starting
 * with '.' (hidden files and editors' temporary files are skipped). */
bool dnssd_file_name_is_service(const char *name);

/* Read and parse DIR/NAME into *ret (always filled: ->error and ->message on failure). Returns 0,
 * or -ENOMEM when even the result could not be built (then *ret is empty). Does not log. */
int dnssd_file_load(const char *dir, const char *name, struct dnssd_file *ret);

/* Load the service files of `dir`, at most max_files of them (the first by name; 0 means
 * DNSSD_SERVICE_FILES_MAX_DEFAULT). Returns 0 with *ret filled (even when every file is broken),
 * or a negative errno when the folder cannot be read (-ENOENT: it does not exist) or on ENOMEM;
 * *ret is then empty. */
int dnssd_dir_load(const char *dir, size_t max_files, struct dnssd_file_set *ret);

/* Load `dir` again into *ret and compare with `old`: one diff entry per file name in either set,
 * in name order (free *ret_diff with free()). The diff points into old and *ret: keep both until
 * done with it. On error nothing is returned and old is untouched. */
int dnssd_dir_reload(const char *dir, size_t max_files, const struct dnssd_file_set *old,
                     struct dnssd_file_set *ret, struct dnssd_file_diff **ret_diff, size_t *ret_n_diff);

/* Compare two sets (as dnssd_dir_reload() does): same name and same contents is UNCHANGED. */
int dnssd_file_set_diff(const struct dnssd_file_set *old, const struct dnssd_file_set *new,
                        struct dnssd_file_diff **ret_diff, size_t *ret_n_diff);

const struct dnssd_file *dnssd_file_set_find(const struct dnssd_file_set *s, const char *name);

void dnssd_file_done(struct dnssd_file *f);
void dnssd_file_set_done(struct dnssd_file_set *s);
