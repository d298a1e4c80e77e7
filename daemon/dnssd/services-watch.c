/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "dnssd/services-watch.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "dnssd/service-dir.h"
#include "log.h"

/* What changes a folder's list of service files or their contents. */
#define DIR_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_DELETE_SELF | \
                    IN_MOVE_SELF | IN_ONLYDIR)
/* The parent, while the folder is missing: the folder appearing. */
#define PARENT_EVENTS (IN_CREATE | IN_MOVED_TO | IN_ONLYDIR)

struct entry {
        char *name;            /* "ssh.service" */
        struct dnssd_pub *pub; /* published from this file (maybe an older version, if broken now) */
};

struct services_watch {
        char *dir;
        char *parent, *base; /* where to watch for a missing folder */
        size_t max_files;
        struct dnssd_publisher *publisher;
        struct dnssd_file_set set;
        bool dir_missing;
        struct entry *entries; /* sorted by name */
        size_t n_entries;
        unsigned reloads;

        struct loop *loop;
        int fd;        /* inotify */
        int wd, pwd;   /* the folder's watch, the parent's; -1: none */
        bool parent_logged;
        struct loop_io *io;
        struct loop_timer *timer;
};

static void entries_free(struct entry *e, size_t n) {
        for (size_t k = 0; k < n; k++)
                free(e[k].name);
        free(e);
}

static const struct entry *entry_find(const struct services_watch *w, const char *name) {
        size_t lo = 0, hi = w->n_entries;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(name, w->entries[mid].name);

                if (c == 0)
                        return &w->entries[mid];
                if (c < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return NULL;
}

struct dnssd_pub *services_watch_find(const struct services_watch *w, const char *file_name) {
        const struct entry *e = entry_find(w, file_name);

        return e ? e->pub : NULL;
}

size_t services_watch_get_n_published(const struct services_watch *w) {
        return w->n_entries;
}

unsigned services_watch_get_n_reloads(const struct services_watch *w) {
        return w->reloads;
}

/* Read the folder: a missing one reads as empty (logged when it goes missing). */
static int watch_read(struct services_watch *w, struct dnssd_file_set *ret, struct dnssd_file_diff **diff,
                      size_t *n_diff) {
        int r;

        if (diff)
                r = dnssd_dir_reload(w->dir, w->max_files, &w->set, ret, diff, n_diff);
        else
                r = dnssd_dir_load(w->dir, w->max_files, ret);
        if (r == -ENOENT || r == -ENOTDIR) {
                if (!w->dir_missing)
                        log_info("%s: no such folder: no services to publish (watching for it)", w->dir);
                w->dir_missing = true;
                *ret = (struct dnssd_file_set) {};
                return diff ? dnssd_file_set_diff(&w->set, ret, diff, n_diff) : 0;
        }
        if (r < 0) {
                log_error("%s: cannot read the services folder: %s; the published services stay as they are", w->dir,
                          strerror(-r));
                return r;
        }
        if (w->dir_missing)
                log_info("%s: the services folder is here now", w->dir);
        w->dir_missing = false;
        return 0;
}

/* One step of applying a diff entry; `old` is the entry of that name before the reload. */
static void apply_removed(struct services_watch *w, const struct entry *old, usec_t now) {
        if (!old)
                return;
        log_info("%s/%s: removed: withdrawing '%s'", w->dir, old->name, dnssd_pub_get_name(old->pub));
        /* RFC 6762 §10.1: goodbyes */
        dnssd_pub_free(old->pub, now);
}

static struct dnssd_pub *apply_new(struct services_watch *w, const struct dnssd_file *f, usec_t now) {
        struct dnssd_pub *pub = NULL;
        int r;

        if (!f->group)
                return NULL; /* broken: dnssd_dir_reload() logged why */
        r = dnssd_pub_new(w->publisher, f->group, f->path, now, &pub);
        if (r < 0) {
                log_error("%s: cannot publish: %s", f->path, strerror(-r));
                return NULL;
        }
        return pub;
}

static struct dnssd_pub *apply_changed(struct services_watch *w, const struct entry *old, const struct dnssd_file *f,
                                       usec_t now) {
        int r;

        if (!old)
                return apply_new(w, f, now);
        if (!f->group) {
                /* a good file turned broken: keep what it published until it is fixed or removed */
                log_warning("%s: keeping the previous version of '%s' published until the file is fixed", f->path,
                            dnssd_pub_get_name(old->pub));
                return old->pub;
        }
        r = dnssd_pub_update(old->pub, f->group, now);
        if (r < 0)
                log_error("%s: cannot publish the new version: %s; the previous one stays", f->path, strerror(-r));
        return old->pub;
}

int services_watch_reload(struct services_watch *w, usec_t now) {
        struct dnssd_file_set next;
        struct dnssd_file_diff *diff = NULL;
        const struct entry **olds = NULL;
        struct dnssd_pub **pubs = NULL;
        struct entry *entries = NULL;
        size_t n_diff = 0, n = 0;
        int r;

        r = watch_read(w, &next, &diff, &n_diff);
        if (r < 0)
                return r;
        w->reloads++;
        olds = calloc(n_diff + 1, sizeof *olds);
        pubs = calloc(n_diff + 1, sizeof *pubs);
        entries = calloc(n_diff + 1, sizeof *entries);
        if (!olds || !pubs || !entries) {
                r = -ENOMEM;
                log_error("%s: out of memory reloading the services folder", w->dir);
                dnssd_file_set_done(&next);
                goto out;
        }
        for (size_t k = 0; k < n_diff; k++) {
                const struct dnssd_file *f = diff[k].old ? diff[k].old : diff[k].new;

                olds[k] = entry_find(w, f->name);
                pubs[k] = olds[k] ? olds[k]->pub : NULL;
        }
        /* removals first: a name that moves between files is free when the new file takes it */
        for (size_t k = 0; k < n_diff; k++)
                if (diff[k].change == DNSSD_FILE_REMOVED) {
                        apply_removed(w, olds[k], now);
                        pubs[k] = NULL;
                }
        for (size_t k = 0; k < n_diff; k++)
                if (diff[k].change == DNSSD_FILE_CHANGED)
                        pubs[k] = apply_changed(w, olds[k], diff[k].new, now);
        for (size_t k = 0; k < n_diff; k++)
                if (diff[k].change == DNSSD_FILE_NEW)
                        pubs[k] = apply_new(w, diff[k].new, now);
        /* UNCHANGED: not touched */

        for (size_t k = 0; k < n_diff; k++) {
                const struct dnssd_file *f = diff[k].new ? diff[k].new : diff[k].old;

                if (!pubs[k])
                        continue;
                entries[n].name = strdup(f->name);
                if (!entries[n].name) {
                        /* cannot remember it: withdraw rather than leak a group we cannot find */
                        log_error("%s: out of memory: withdrawing '%s'", f->path, dnssd_pub_get_name(pubs[k]));
                        dnssd_pub_free(pubs[k], now);
                        continue;
                }
                entries[n++].pub = pubs[k];
        }
        entries_free(w->entries, w->n_entries);
        w->entries = entries;
        w->n_entries = n;
        entries = NULL;
        dnssd_file_set_done(&w->set);
        w->set = next;
        r = 0;
out:
        free(diff);
        free(olds);
        free(pubs);
        free(entries);
        return r;
}

static int watch_load(struct services_watch *w, usec_t now) {
        size_t n = 0;
        int r;

        r = watch_read(w, &w->set, NULL, NULL);
        if (r < 0)
                return 0; /* logged; a later reload may do better */
        w->entries = calloc(w->set.n_files + 1, sizeof *w->entries);
        if (!w->entries)
                return -ENOMEM;
        for (size_t k = 0; k < w->set.n_files; k++) {
                const struct dnssd_file *f = &w->set.files[k];
                struct dnssd_pub *pub = apply_new(w, f, now);

                if (!pub)
                        continue;
                w->entries[n].name = strdup(f->name);
                if (!w->entries[n].name) {
                        dnssd_pub_free(pub, now);
                        return -ENOMEM;
                }
                w->entries[n++].pub = pub;
                w->n_entries = n;
        }
        log_info("%s: %zu service file(s), %zu published", w->dir, w->set.n_files, n);
        return 0;
}

/* ---- inotify ---- */

/* Watch the folder, or (while it is missing) its parent for it to appear. */
static void watch_update(struct services_watch *w) {
        if (w->fd < 0)
                return;
        if (w->wd < 0) {
                w->wd = inotify_add_watch(w->fd, w->dir, DIR_EVENTS);
                if (w->wd < 0 && errno != ENOENT && errno != ENOTDIR)
                        log_warning("%s: cannot watch the services folder: %s; reload with SIGHUP", w->dir,
                                    strerror(errno));
        }
        if (w->wd >= 0 && w->pwd >= 0) {
                inotify_rm_watch(w->fd, w->pwd);
                w->pwd = -1;
        }
        if (w->wd < 0 && w->pwd < 0) {
                w->pwd = inotify_add_watch(w->fd, w->parent, PARENT_EVENTS);
                if (w->pwd < 0 && !w->parent_logged) {
                        log_warning("%s: cannot watch %s for the services folder to appear: %s; reload with SIGHUP",
                                    w->dir, w->parent, strerror(errno));
                        w->parent_logged = true;
                }
        }
}

static void watch_schedule(struct services_watch *w) {
        /* debounce: the first event of a burst arms the timer, the reload reads the result */
        if (loop_timer_get(w->timer) == USEC_INFINITY)
                loop_timer_set(w->timer, now_usec() + SERVICES_WATCH_DEBOUNCE_USEC);
}

static void watch_on_timer(struct loop_timer *t, usec_t now, void *userdata) {
        struct services_watch *w = userdata;

        (void) t;
        loop_timer_set(w->timer, USEC_INFINITY);
        watch_update(w); /* a folder that appeared: watch it before reading it */
        (void) services_watch_reload(w, now_usec());
        watch_update(w);
}

static void watch_on_inotify(struct loop_io *io, int fd, uint32_t revents, void *userdata) {
        struct services_watch *w = userdata;
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

        (void) io;
        (void) revents;
        for (;;) {
                ssize_t len = read(fd, buf, sizeof buf);

                if (len <= 0) {
                        if (len < 0 && errno != EAGAIN && errno != EINTR)
                                log_warning("%s: reading inotify events: %s", w->dir, strerror(errno));
                        return;
                }
                for (char *p = buf; p < buf + len;) {
                        const struct inotify_event *ev = (const struct inotify_event *) p;

                        p += sizeof *ev + ev->len;
                        if (ev->mask & IN_Q_OVERFLOW) {
                                watch_schedule(w);
                                continue;
                        }
                        if (ev->wd == w->wd && w->wd >= 0) {
                                if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
                                        /* the folder went: its services go (the reload reads it as empty) */
                                        if (!(ev->mask & IN_IGNORED))
                                                inotify_rm_watch(w->fd, w->wd);
                                        w->wd = -1;
                                        watch_schedule(w);
                                } else if (ev->len > 0 && dnssd_file_name_is_service(ev->name))
                                        watch_schedule(w);
                        } else if (ev->wd == w->pwd && w->pwd >= 0) {
                                if (ev->mask & IN_IGNORED)
                                        w->pwd = -1;
                                else if (ev->len > 0 && strcmp(ev->name, w->base) == 0)
                                        watch_schedule(w);
                        }
                }
        }
}

static int watch_start(struct services_watch *w) {
        int r;

        w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (w->fd < 0) {
                r = -errno;
                log_warning("cannot watch %s (inotify: %s); reload with SIGHUP", w->dir, strerror(-r));
                return 0;
        }
        r = loop_timer_new(w->loop, watch_on_timer, w, &w->timer);
        if (r < 0)
                return r;
        r = loop_io_add(w->loop, w->fd, EPOLLIN, watch_on_inotify, w, &w->io);
        if (r < 0)
                return r;
        watch_update(w);
        return 0;
}

int services_watch_new(struct services_watch **ret, const struct services_watch_config *cfg, usec_t now) {
        struct services_watch *w;
        char *copy1 = NULL, *copy2 = NULL;
        int r;

        if (!cfg || !cfg->dir || !cfg->publisher)
                return -EINVAL;
        w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        w->fd = w->wd = w->pwd = -1;
        w->max_files = cfg->max_files;
        w->publisher = cfg->publisher;
        w->loop = cfg->loop;
        w->dir = strdup(cfg->dir);
        copy1 = strdup(cfg->dir);
        copy2 = strdup(cfg->dir);
        if (!w->dir || !copy1 || !copy2) {
                r = -ENOMEM;
                goto fail;
        }
        w->parent = strdup(dirname(copy1));
        w->base = strdup(basename(copy2));
        if (!w->parent || !w->base) {
                r = -ENOMEM;
                goto fail;
        }
        /* Watch before reading, so that no change between the two is missed. */
        if (w->loop) {
                r = watch_start(w);
                if (r < 0)
                        goto fail;
        }
        r = watch_load(w, now);
        if (r < 0)
                goto fail;
        free(copy1);
        free(copy2);
        *ret = w;
        return 0;
fail:
        free(copy1);
        free(copy2);
        services_watch_free(w, now);
        return r;
}

void services_watch_free(struct services_watch *w, usec_t now) {
        if (!w)
                return;
        for (size_t k = 0; k < w->n_entries; k++)
                dnssd_pub_free(w->entries[k].pub, now);
        entries_free(w->entries, w->n_entries);
        dnssd_file_set_done(&w->set);
        loop_io_free(w->io);
        loop_timer_free(w->timer);
        if (w->fd >= 0)
                close(w->fd);
        free(w->dir);
        free(w->parent);
        free(w->base);
        free(w);
}
