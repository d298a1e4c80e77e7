/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libnss_zeroconf: .local host names for every program, through glibc's NSS (nsswitch.conf
 * "hosts:" sources zeroconf, zeroconf4, zeroconf6 and their _minimal forms).
 *
 * It runs inside the process that resolves a name, so it is small and careful: one Unix socket
 * connection to the daemon per lookup (nss/protocol.h), no allocation, no global state, no
 * signal, every wait bounded by NSS_CLIENT_WAIT. When the daemon is not running the lookup
 * returns at once with UNAVAIL, and the next source in nsswitch.conf answers.
 *
 * Which names it takes:
 *   - host names in .local (RFC 6762 §3); a malformed one (".local", "a..b.local", a label over
 *     63 bytes, a name over 253, bad UTF-8) is NOTFOUND without asking;
 *   - any other name: UNAVAIL, not ours (so "[NOTFOUND=return]" never hides unicast DNS names);
 *   - reverse lookups: of link-local addresses (169.254/16, fe80::/10) in the _minimal forms,
 *     of any address in the others.
 * The build compiles this file once per form: NSS_MODULE (the function prefix), NSS_FAMILY
 * (AF_UNSPEC, AF_INET, AF_INET6), NSS_MINIMAL (0 or 1). */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "nss/protocol.h"

#ifndef NSS_MODULE
#error "NSS_MODULE must name the module"
#endif
#ifndef NSS_FAMILY
#define NSS_FAMILY AF_UNSPEC
#endif
#ifndef NSS_MINIMAL
#define NSS_MINIMAL 0
#endif
#ifndef NSS_SOCKET_PATH
#error "NSS_SOCKET_PATH must name the daemon's socket"
#endif

/* The longest the module waits for the daemon, whatever the daemon's nss-timeout (at most 5 s)
 * says: a stopped daemon costs a lookup this much, a missing one nothing. */
#define NSS_CLIENT_WAIT_MS 6000
#define NSS_CONNECT_TRIES 10
#define NSS_ASK_TRIES 3
#define NSS_CONNECT_RETRY_MS 20

#define CONCAT3(a, b, c) a##b##c
#define NSS_FN3(module, f) CONCAT3(_nss_, module, f)
#define NSS_FN(f) NSS_FN3(NSS_MODULE, _##f)

#define NSS_PUBLIC __attribute__((visibility("default")))

#define ALIGN_PTR(p) ((char *) (((uintptr_t) (p) + sizeof(void *) - 1) & ~(uintptr_t) (sizeof(void *) - 1)))

NSS_PUBLIC enum nss_status NSS_FN(gethostbyname4_r)(const char *name, struct gaih_addrtuple **pat, char *buffer, size_t buflen,
                                         int *errnop, int *h_errnop, int32_t *ttlp);
NSS_PUBLIC enum nss_status NSS_FN(gethostbyname3_r)(const char *name, int af, struct hostent *host, char *buffer, size_t buflen,
                                         int *errnop, int *h_errnop, int32_t *ttlp, char **canonp);
NSS_PUBLIC enum nss_status NSS_FN(gethostbyname2_r)(const char *name, int af, struct hostent *host, char *buffer, size_t buflen,
                                         int *errnop, int *h_errnop);
NSS_PUBLIC enum nss_status NSS_FN(gethostbyname_r)(const char *name, struct hostent *host, char *buffer, size_t buflen,
                                        int *errnop, int *h_errnop);
NSS_PUBLIC enum nss_status NSS_FN(gethostbyaddr2_r)(const void *addr, socklen_t len, int af, struct hostent *host, char *buffer,
                                         size_t buflen, int *errnop, int *h_errnop, int32_t *ttlp);
NSS_PUBLIC enum nss_status NSS_FN(gethostbyaddr_r)(const void *addr, socklen_t len, int af, struct hostent *host, char *buffer,
                                        size_t buflen, int *errnop, int *h_errnop);

static long long elapsed_ms(const struct timespec *t0) {
        struct timespec t;

        clock_gettime(CLOCK_MONOTONIC, &t);
        return (long long) (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static const char *socket_path(void) {
        /* for tests and for several daemons on one host; ignored in set-user-ID programs */
        const char *p = secure_getenv("ZEROCONFD_NSS_SOCKET");

        return p && *p ? p : NSS_SOCKET_PATH;
}

/* One request, one reply. 0 and *reply; -EAGAIN: the daemon is not there or does not answer
 * (UNAVAIL); -ECONNRESET: it closed the connection before replying (a busy daemon gives a slot
 * that has not asked yet to a newer client: ask again); -EPROTO: it answered nonsense. */
static int ask_once(const struct nss_request *req, struct nss_reply *reply, const struct timespec *t0) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        char out[NSS_REQUEST_MAX + 1], in[NSS_REPLY_MAX];
        const char *path = socket_path();
        size_t got = 0, sent = 0;
        int fd, n, r = -EAGAIN;

        n = nss_request_format(req, out, sizeof out);
        if (n < 0 || strlen(path) >= sizeof sa.sun_path)
                return -EAGAIN;
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -EAGAIN;
        /* a Unix socket connects at once, or fails at once: no daemon (ENOENT, ECONNREFUSED) is
         * final; a full backlog (EAGAIN: the daemon is busy) is tried again a few times */
        for (int tries = 0; connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0; tries++) {
                if (errno != EAGAIN || tries >= NSS_CONNECT_TRIES)
                        goto out;
                (void) poll(NULL, 0, NSS_CONNECT_RETRY_MS);
        }
        for (;;) {
                struct pollfd p = { .fd = fd, .events = sent < (size_t) n ? POLLOUT : POLLIN };
                long long left = NSS_CLIENT_WAIT_MS - elapsed_ms(t0);
                ssize_t k;
                char *nl;

                if (left <= 0)
                        goto out;
                k = poll(&p, 1, (int) left);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        goto out;
                if (sent < (size_t) n) {
                        k = send(fd, out + sent, (size_t) n - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
                        if (k < 0 && (errno == EAGAIN || errno == EINTR))
                                continue;
                        if (k <= 0) {
                                r = k < 0 && (errno == EPIPE || errno == ECONNRESET) ? -ECONNRESET : -EAGAIN;
                                goto out;
                        }
                        sent += (size_t) k;
                        continue;
                }
                k = recv(fd, in + got, sizeof in - got, MSG_DONTWAIT);
                if (k < 0 && (errno == EAGAIN || errno == EINTR))
                        continue;
                if (k <= 0) {
                        r = got == 0 ? -ECONNRESET : -EAGAIN; /* closed without a reply */
                        goto out;
                }
                got += (size_t) k;
                nl = memchr(in, '\n', got);
                if (nl) {
                        r = nss_reply_parse(in, (size_t) (nl - in), reply) < 0 ? -EPROTO : 0;
                        goto out;
                }
                if (got == sizeof in) {
                        r = -EPROTO;
                        goto out;
                }
        }
out:
        close(fd);
        return r;
}

static int ask(const struct nss_request *req, struct nss_reply *reply) {
        struct timespec t0;
        int r;

        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (int tries = 0;; tries++) {
                r = ask_once(req, reply, &t0);
                if (r != -ECONNRESET || tries >= NSS_ASK_TRIES || elapsed_ms(&t0) >= NSS_CLIENT_WAIT_MS)
                        return r == -ECONNRESET ? -EAGAIN : r;
        }
}

static enum nss_status unavail(int *errnop, int *h_errnop) {
        *errnop = ENOENT;
        *h_errnop = NO_RECOVERY;
        return NSS_STATUS_UNAVAIL;
}

static enum nss_status notfound(int *errnop, int *h_errnop) {
        *errnop = ENOENT;
        *h_errnop = HOST_NOT_FOUND;
        return NSS_STATUS_NOTFOUND;
}

static enum nss_status erange(int *errnop, int *h_errnop) {
        *errnop = ERANGE;
        *h_errnop = NETDB_INTERNAL;
        return NSS_STATUS_TRYAGAIN;
}

/* Resolve name for family af (AF_UNSPEC: both) into reply, keeping only this module's family. */
static enum nss_status lookup_name(const char *name, int af, struct nss_reply *reply, int *errnop, int *h_errnop) {
        struct nss_request req = { .query = NSS_QUERY_NAME, .family = af };
        size_t len = strlen(name);
        int r;

        r = nss_name_check(name, len);
        if (r == -ENOENT)
                return unavail(errnop, h_errnop); /* not in .local: not ours */
        if (r < 0)
                return notfound(errnop, h_errnop); /* a malformed .local name: nobody has it */
        if (NSS_FAMILY != AF_UNSPEC) {
                if (af != AF_UNSPEC && af != NSS_FAMILY)
                        return unavail(errnop, h_errnop);
                req.family = NSS_FAMILY;
        }
        if (af != AF_UNSPEC && af != AF_INET && af != AF_INET6) {
                *errnop = EAFNOSUPPORT;
                *h_errnop = NO_RECOVERY;
                return NSS_STATUS_UNAVAIL;
        }
        if (len > 0 && name[len - 1] == '.')
                len--;
        memcpy(req.name, name, len);
        req.name[len] = '\0';
        if (ask(&req, reply) < 0 || reply->status == NSS_REPLY_REFUSED)
                return unavail(errnop, h_errnop);
        if (reply->status != NSS_REPLY_FOUND)
                return notfound(errnop, h_errnop);
        /* keep the addresses asked for (the daemon already filtered; be sure) */
        for (size_t k = reply->n_addrs; k > 0; k--)
                if (req.family != AF_UNSPEC && reply->addrs[k - 1].family != req.family)
                        reply->addrs[k - 1] = reply->addrs[--reply->n_addrs];
        if (reply->n_addrs == 0)
                return notfound(errnop, h_errnop);
        return NSS_STATUS_SUCCESS;
}

NSS_PUBLIC enum nss_status NSS_FN(gethostbyname4_r)(const char *name, struct gaih_addrtuple **pat, char *buffer, size_t buflen,
                                         int *errnop, int *h_errnop, int32_t *ttlp) {
        struct nss_reply reply;
        struct gaih_addrtuple *prev = NULL, *first = NULL;
        enum nss_status st;
        char *p = buffer, *end = buffer + buflen;
        size_t nlen;

        st = lookup_name(name, AF_UNSPEC, &reply, errnop, h_errnop);
        if (st != NSS_STATUS_SUCCESS)
                return st;
        nlen = strlen(reply.name) + 1;
        if ((size_t) (end - p) < nlen)
                return erange(errnop, h_errnop);
        memcpy(p, reply.name, nlen);
        name = p;
        p += nlen;
        /* IPv4 first: glibc takes the canonical name (AI_CANONNAME, as ping asks) from the first
         * tuple before it drops the tuples of a family not asked, so the first must be one that
         * stays for AF_INET (AF_INET6 alone is served through gethostbyname3_r); for AF_UNSPEC
         * getaddrinfo sorts the addresses (RFC 6724) anyway */
        for (size_t pass = 0, k = 0; pass < 2; k = 0, pass++)
        for (; k < reply.n_addrs; k++) {
                struct gaih_addrtuple *t;

                if ((reply.addrs[k].family == AF_INET) != (pass == 0))
                        continue;
                p = ALIGN_PTR(p);
                if (p > end || (size_t) (end - p) < sizeof *t)
                        return erange(errnop, h_errnop);
                t = (struct gaih_addrtuple *) (void *) p;
                p += sizeof *t;
                memset(t, 0, sizeof *t);
                t->name = (char *) name;
                t->family = reply.addrs[k].family;
                memcpy(t->addr, &reply.addrs[k].a, reply.addrs[k].family == AF_INET ? 4 : 16);
                t->scopeid = reply.addrs[k].scope; /* the interface of an IPv6 link-local address */
                if (prev)
                        prev->next = t;
                else
                        first = t;
                prev = t;
        }
        if (*pat) /* glibc may hand a tuple to fill in first */
                **pat = *first;
        else
                *pat = first;
        if (ttlp)
                *ttlp = 0;
        return NSS_STATUS_SUCCESS;
}

/* A struct hostent in buffer: name, no aliases, the addresses of family af. */
static enum nss_status fill_hostent(const struct nss_reply *reply, int af, struct hostent *host, char *buffer,
                                    size_t buflen, int *errnop, int *h_errnop) {
        size_t alen = af == AF_INET ? 4 : 16, n = 0, nlen = strlen(reply->name) + 1;
        char *p = buffer, *end = buffer + buflen, **aliases, **list;

        for (size_t k = 0; k < reply->n_addrs; k++)
                n += reply->addrs[k].family == af;
        if (n == 0)
                return notfound(errnop, h_errnop);
        if (buflen < nlen + sizeof(char *) * (n + 2) + alen * n + 2 * sizeof(void *))
                return erange(errnop, h_errnop);
        p = ALIGN_PTR(p);
        aliases = (char **) (void *) p;
        p += sizeof(char *);
        list = (char **) (void *) p;
        p += sizeof(char *) * (n + 1);
        aliases[0] = NULL;
        n = 0;
        for (size_t k = 0; k < reply->n_addrs; k++) {
                if (reply->addrs[k].family != af)
                        continue;
                memcpy(p, &reply->addrs[k].a, alen);
                list[n++] = p;
                p += alen;
        }
        list[n] = NULL;
        if (p > end || (size_t) (end - p) < nlen)
                return erange(errnop, h_errnop);
        memcpy(p, reply->name, nlen);
        host->h_name = p;
        host->h_aliases = aliases;
        host->h_addrtype = af;
        host->h_length = (int) alen;
        host->h_addr_list = list;
        return NSS_STATUS_SUCCESS;
}

NSS_PUBLIC enum nss_status NSS_FN(gethostbyname3_r)(const char *name, int af, struct hostent *host, char *buffer, size_t buflen,
                                         int *errnop, int *h_errnop, int32_t *ttlp, char **canonp) {
        struct nss_reply reply;
        enum nss_status st;

        if (af == AF_UNSPEC)
                af = AF_INET;
        st = lookup_name(name, af, &reply, errnop, h_errnop);
        if (st != NSS_STATUS_SUCCESS)
                return st;
        st = fill_hostent(&reply, af, host, buffer, buflen, errnop, h_errnop);
        if (st == NSS_STATUS_SUCCESS) {
                if (ttlp)
                        *ttlp = 0;
                if (canonp)
                        *canonp = host->h_name;
        }
        return st;
}

NSS_PUBLIC enum nss_status NSS_FN(gethostbyname2_r)(const char *name, int af, struct hostent *host, char *buffer, size_t buflen,
                                         int *errnop, int *h_errnop) {
        return NSS_FN(gethostbyname3_r)(name, af, host, buffer, buflen, errnop, h_errnop, NULL, NULL);
}

NSS_PUBLIC enum nss_status NSS_FN(gethostbyname_r)(const char *name, struct hostent *host, char *buffer, size_t buflen,
                                        int *errnop, int *h_errnop) {
        return NSS_FN(gethostbyname3_r)(name, NSS_FAMILY == AF_INET6 ? AF_INET6 : AF_INET, host, buffer, buflen, errnop,
                                        h_errnop, NULL, NULL);
}

NSS_PUBLIC enum nss_status NSS_FN(gethostbyaddr2_r)(const void *addr, socklen_t len, int af, struct hostent *host, char *buffer,
                                         size_t buflen, int *errnop, int *h_errnop, int32_t *ttlp) {
        struct nss_request req = { .query = NSS_QUERY_ADDRESS };
        struct nss_reply reply;
        enum nss_status st;

        if (!addr || (af != AF_INET && af != AF_INET6) || len != (af == AF_INET ? 4u : 16u) ||
            (NSS_FAMILY != AF_UNSPEC && af != NSS_FAMILY)) {
                *errnop = EINVAL;
                *h_errnop = NO_RECOVERY;
                return NSS_STATUS_UNAVAIL;
        }
        req.addr.family = af;
        memcpy(&req.addr.a, addr, len);
        if (NSS_MINIMAL && !nss_address_is_link_local(&req.addr))
                return unavail(errnop, h_errnop); /* not a link-local address: not ours */
        if (ask(&req, &reply) < 0 || reply.status == NSS_REPLY_REFUSED)
                return unavail(errnop, h_errnop);
        if (reply.status != NSS_REPLY_FOUND)
                return notfound(errnop, h_errnop);
        /* the address asked, under the name found */
        reply.n_addrs = 1;
        reply.addrs[0] = req.addr;
        st = fill_hostent(&reply, af, host, buffer, buflen, errnop, h_errnop);
        if (st == NSS_STATUS_SUCCESS && ttlp)
                *ttlp = 0;
        return st;
}

NSS_PUBLIC enum nss_status NSS_FN(gethostbyaddr_r)(const void *addr, socklen_t len, int af, struct hostent *host, char *buffer,
                                        size_t buflen, int *errnop, int *h_errnop) {
        return NSS_FN(gethostbyaddr2_r)(addr, len, af, host, buffer, buflen, errnop, h_errnop, NULL);
}
