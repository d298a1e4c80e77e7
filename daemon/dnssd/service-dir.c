/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The services.d folder: bounded listing, per-file loading, change detection for reloads. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dnssd/service-dir.h"
#include "dnssd/service-file.h"
#include "log.h"

static const char *const change_table[_DNSSD_FILE_CHANGE_MAX] = {
        [DNSSD_FILE_UNCHANGED] = "unchanged",
        [DNSSD_FILE_NEW] = "new",
        [DNSSD_FILE_CHANGED] = "changed",
        [DNSSD_FILE_REMOVED] = "removed",
};

const char *dnssd_file_change_to_string(enum dnssd_file_change c) {
        return (unsigned) c < _DNSSD_FILE_CHANGE_MAX ? change_table[c] : NULL;
}

bool dnssd_file_name_is_service(const char *name) {
        size_t len = strlen(name), slen = strlen(DNSSD_SERVICE_FILE_SUFFIX);

        return name[0] != '.' && len > slen && strcmp(name + len - slen, DNSSD_SERVICE_FILE_SUFFIX) == 0;
}

static uint64_t fnv1a64(const uint8_t *p, size_t n) {
        uint64_t h = 0xcbf29ce484222325ULL;

        for (size_t i = 0; i < n; i++) {
                h ^= p[i];
                h *= 0x100000001b3ULL;
        }
        return h;
}

void dnssd_file_done(struct dnssd_file *f) {
        free(f->name);
        free(f->path);
        free(f->message);
        dnssd_group_free(f->group);
        memset(f, 0, sizeof(*f));
}

void dnssd_file_set_done(struct dnssd_file_set *s) {
        for (size_t i = 0; i < s->n_files; i++)
                dnssd_file_done(&s->files[i]);
        free(s->files);
        memset(s, 0, sizeof(*s));
}

static int file_fail(struct dnssd_file *f, int error, const char *what) {
        f->error = error;
        if (asprintf(&f->message, "%s: %s", f->path, what) < 0) {
                f->message = NULL;
                return -ENOMEM;
        }
        return 0;
}

int dnssd_file_load(const char *dir, const char *name, struct dnssd_file *ret) {
        struct dnssd_file f = {};
        struct stat st;
        uint8_t *data = NULL;
        size_t size = 0;
        int fd = -1, r;

        size_t dlen = strlen(dir);
        bool slash = dlen > 0 && dir[dlen - 1] == '/';

        f.name = strdup(name);
        if (!f.name || asprintf(&f.path, "%s%s%s", dir, slash ? "" : "/", name) < 0) {
                f.path = NULL;
                r = -ENOMEM;
                goto fail;
        }

        /* O_NONBLOCK: a FIFO named x.service must not block the daemon */
        fd = open(f.path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0 || fstat(fd, &st) < 0) {
                char what[256];
                int e = errno;
                snprintf(what, sizeof(what), "cannot read the file: %s", strerror(e));
                r = file_fail(&f, -e, what);
                goto done;
        }
        f.mtime = st.st_mtim;
        if (!S_ISREG(st.st_mode)) {
                r = file_fail(&f, -EINVAL, "not a regular file");
                goto done;
        }
        if (st.st_size > DNSSD_SERVICE_FILE_SIZE_MAX) {
                char what[128];
                snprintf(what, sizeof(what), "the file is %lld bytes long, more than %d", (long long) st.st_size,
                         DNSSD_SERVICE_FILE_SIZE_MAX);
                f.size = (size_t) st.st_size;
                r = file_fail(&f, -EFBIG, what);
                goto done;
        }

        /* read at most one byte more than allowed: the file may grow under us */
        data = malloc(DNSSD_SERVICE_FILE_SIZE_MAX + 1);
        if (!data) {
                r = -ENOMEM;
                goto fail;
        }
        for (;;) {
                ssize_t n = read(fd, data + size, DNSSD_SERVICE_FILE_SIZE_MAX + 1 - size);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        char what[256];
                        int e = errno;
                        snprintf(what, sizeof(what), "cannot read the file: %s", strerror(e));
                        r = file_fail(&f, -e, what);
                        goto done;
                }
                if (n == 0)
                        break;
                size += (size_t) n;
                if (size > DNSSD_SERVICE_FILE_SIZE_MAX)
                        break;
        }
        f.size = size;
        f.hash = fnv1a64(data, size);
        r = dnssd_service_file_parse(f.path, data, size, &f.group, &f.message);
        if (r == -ENOMEM)
                goto fail;
        f.error = r;
        r = 0;

done:
        if (r < 0)
                goto fail;
        if (fd >= 0)
                close(fd);
        free(data);
        *ret = f;
        return 0;

fail:
        if (fd >= 0)
                close(fd);
        free(data);
        dnssd_file_done(&f);
        memset(ret, 0, sizeof(*ret));
        return r;
}

/* A bounded max-heap of names: keeps the `cap` smallest names seen (strcmp order). */
struct name_heap {
        char **v;
        size_t n, cap;
};

static void heap_sift_down(struct name_heap *h, size_t i) {
        for (;;) {
                size_t l = 2 * i + 1, r = l + 1, m = i;
                if (l < h->n && strcmp(h->v[l], h->v[m]) > 0)
                        m = l;
                if (r < h->n && strcmp(h->v[r], h->v[m]) > 0)
                        m = r;
                if (m == i)
                        return;
                char *t = h->v[i];
                h->v[i] = h->v[m];
                h->v[m] = t;
                i = m;
        }
}

static void heap_sift_up(struct name_heap *h, size_t i) {
        while (i > 0) {
                size_t parent = (i - 1) / 2;
                if (strcmp(h->v[parent], h->v[i]) >= 0)
                        return;
                char *t = h->v[i];
                h->v[i] = h->v[parent];
                h->v[parent] = t;
                i = parent;
        }
}

/* Returns 1 if kept, 0 if dropped (it or the one it replaced), -ENOMEM. */
static int heap_offer(struct name_heap *h, const char *name) {
        char *copy;

        if (h->n == h->cap && strcmp(name, h->v[0]) >= 0)
                return 0;
        copy = strdup(name);
        if (!copy)
                return -ENOMEM;
        if (h->n < h->cap) {
                h->v[h->n++] = copy;
                heap_sift_up(h, h->n - 1);
                return 1;
        }
        free(h->v[0]);
        h->v[0] = copy;
        heap_sift_down(h, 0);
        return 0;
}

static int compare_names(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static int dir_load_quiet(const char *dir, size_t max_files, struct dnssd_file_set *ret) {
        struct name_heap h = {};
        struct dnssd_file_set s = {};
        struct dirent *de;
        DIR *d;
        int r = 0;

        if (max_files == 0)
                max_files = DNSSD_SERVICE_FILES_MAX_DEFAULT;
        memset(ret, 0, sizeof(*ret));

        d = opendir(dir);
        if (!d)
                return -errno;
        h.cap = max_files;
        h.v = calloc(max_files, sizeof(char *));
        if (!h.v) {
                r = -ENOMEM;
                goto out;
        }
        for (;;) {
                errno = 0;
                de = readdir(d);
                if (!de) {
                        r = -errno; /* 0 at the end */
                        break;
                }
                if (!dnssd_file_name_is_service(de->d_name))
                        continue;
                r = heap_offer(&h, de->d_name);
                if (r < 0)
                        break;
                if (r == 0)
                        s.n_skipped++;
                r = 0;
        }
        if (r < 0)
                goto out;

        qsort(h.v, h.n, sizeof(char *), compare_names);
        s.files = calloc(h.n ? h.n : 1, sizeof(struct dnssd_file));
        if (!s.files) {
                r = -ENOMEM;
                goto out;
        }
        for (size_t i = 0; i < h.n; i++) {
                r = dnssd_file_load(dir, h.v[i], &s.files[s.n_files]);
                if (r < 0)
                        goto out;
                s.n_files++;
        }
        *ret = s;
        s = (struct dnssd_file_set) {};

out:
        for (size_t i = 0; i < h.n; i++)
                free(h.v[i]);
        free(h.v);
        dnssd_file_set_done(&s);
        closedir(d);
        return r;
}

static void log_file(const struct dnssd_file *f) {
        if (f->error) {
                if (f->message)
                        log_error("%s; the file is ignored", f->message);
                return;
        }
        for (size_t i = 0; i < f->group->n_warnings; i++)
                log_warning("%s", f->group->warnings[i]);
}

static void log_limit(const char *dir, size_t max_files, const struct dnssd_file_set *s) {
        if (max_files == 0)
                max_files = DNSSD_SERVICE_FILES_MAX_DEFAULT;
        log_warning("%s: more than %zu service files: the last %zu by name are ignored", dir, max_files,
                    s->n_skipped);
}

int dnssd_dir_load(const char *dir, size_t max_files, struct dnssd_file_set *ret) {
        int r = dir_load_quiet(dir, max_files, ret);

        if (r < 0)
                return r;
        for (size_t i = 0; i < ret->n_files; i++)
                log_file(&ret->files[i]);
        if (ret->n_skipped > 0)
                log_limit(dir, max_files, ret);
        return 0;
}

static bool same_contents(const struct dnssd_file *a, const struct dnssd_file *b) {
        /* a file that could not be read has no contents: compare how it failed */
        if (!a->group != !b->group || a->error != b->error)
                return false;
        return a->size == b->size && a->hash == b->hash;
}

int dnssd_file_set_diff(const struct dnssd_file_set *old, const struct dnssd_file_set *new,
                        struct dnssd_file_diff **ret_diff, size_t *ret_n_diff) {
        struct dnssd_file_diff *d;
        size_t i = 0, j = 0, n = 0;

        d = calloc(old->n_files + new->n_files + 1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        /* both sets are sorted by name: merge */
        while (i < old->n_files || j < new->n_files) {
                int c = i >= old->n_files ? 1
                      : j >= new->n_files ? -1
                      : strcmp(old->files[i].name, new->files[j].name);
                if (c < 0)
                        d[n++] = (struct dnssd_file_diff) { DNSSD_FILE_REMOVED, &old->files[i++], NULL };
                else if (c > 0)
                        d[n++] = (struct dnssd_file_diff) { DNSSD_FILE_NEW, NULL, &new->files[j++] };
                else {
                        const struct dnssd_file *a = &old->files[i++], *b = &new->files[j++];
                        d[n++] = (struct dnssd_file_diff) {
                                same_contents(a, b) ? DNSSD_FILE_UNCHANGED : DNSSD_FILE_CHANGED, a, b };
                }
        }
        *ret_diff = d;
        *ret_n_diff = n;
        return 0;
}

int dnssd_dir_reload(const char *dir, size_t max_files, const struct dnssd_file_set *old,
                     struct dnssd_file_set *ret, struct dnssd_file_diff **ret_diff, size_t *ret_n_diff) {
        struct dnssd_file_set s;
        int r;

        r = dir_load_quiet(dir, max_files, &s);
        if (r < 0)
                return r;
        r = dnssd_file_set_diff(old, &s, ret_diff, ret_n_diff);
        if (r < 0) {
                dnssd_file_set_done(&s);
                return r;
        }
        for (size_t k = 0; k < *ret_n_diff; k++) {
                const struct dnssd_file_diff *e = &(*ret_diff)[k];
                if (e->change == DNSSD_FILE_NEW || e->change == DNSSD_FILE_CHANGED)
                        log_file(e->new);
        }
        if (s.n_skipped > 0 && old->n_skipped == 0)
                log_limit(dir, max_files, &s);
        *ret = s;
        return 0;
}

const struct dnssd_file *dnssd_file_set_find(const struct dnssd_file_set *s, const char *name) {
        size_t lo = 0, hi = s->n_files;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(name, s->files[mid].name);
                if (c == 0)
                        return &s->files[mid];
                if (c < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return NULL;
}
