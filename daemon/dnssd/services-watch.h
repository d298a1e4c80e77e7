/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The services.d folder, published and kept published as it changes: load the service files
 * (service-dir.h), publish each good one (publish.h), and on a reload — inotify on the folder,
 * debounced so that an editor's write-and-rename is one reload, or SIGHUP — apply the difference:
 *   removed file            its group withdrawn (goodbyes, RFC 6762 §10.1)
 *   new file                published (probed, announced)
 *   changed file            TXT only: updated in place and announced (RFC 6762 §8.4, no probing);
 *                           anything else: withdrawn with goodbyes and published again
 *   unchanged file          not touched: its records keep their state, nothing is probed again
 *   good file turned broken its error logged (FILE:LINE:COLUMN) once and its previous version
 *                           kept published (a typo while editing must not take a service off the
 *                           network); removing the file withdraws it
 * Removals are applied first, so that a name moving from one file to another is not renamed.
 * A missing folder is an empty one: it is watched for through its parent and loaded when it
 * appears; a folder deleted or moved away withdraws its services. */
#pragma once

#include <stddef.h>

#include "dnssd/publish.h"
#include "loop.h"

/* How long a burst of changes in the folder may last before it is read again. */
#define SERVICES_WATCH_DEBOUNCE_USEC (150 * USEC_PER_MSEC)

struct services_watch;

struct services_watch_config {
        const char *dir;
        size_t max_files;                  /* 0: DNSSD_SERVICE_FILES_MAX_DEFAULT */
        struct dnssd_publisher *publisher; /* borrowed; must outlive the watch */
        struct loop *loop;                 /* NULL: no inotify (reloads by services_watch_reload()) */
};

/* Load and publish the folder (a missing one is empty) and, with a loop, watch it. -ENOMEM, or
 * the error of setting up inotify. */
int services_watch_new(struct services_watch **ret, const struct services_watch_config *cfg, usec_t now);
/* Withdraw every published group (goodbyes) and free. NULL is fine. */
void services_watch_free(struct services_watch *w, usec_t now);

/* Read the folder again and apply the difference (SIGHUP; inotify calls it itself). On an
 * error reading the folder (other than its absence) everything stays as it is. */
int services_watch_reload(struct services_watch *w, usec_t now);

/* The published group of a file ("ssh.service"), or NULL. */
struct dnssd_pub *services_watch_find(const struct services_watch *w, const char *file_name);
size_t services_watch_get_n_published(const struct services_watch *w);
unsigned services_watch_get_n_reloads(const struct services_watch *w);
