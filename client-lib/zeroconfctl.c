/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* zeroconfctl: look at and drive zeroconfd, through libzeroconf-client (zeroconfctl(1)).
 * Human output is aligned tables; --json prints one JSON document (browse: one JSON object a
 * line, as events come). Exit codes: see EXIT_* below and zeroconfctl(1). */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "zeroconf/client.h"

#define EXIT_FAIL 1        /* the daemon refused or the operation failed */
#define EXIT_USAGE 2       /* bad command line */
#define EXIT_NO_DAEMON 3   /* no bus, or zeroconfd is not on it */
#define EXIT_NOT_FOUND 4   /* a resolve found nothing within the timeout */

static bool arg_json;
static const char *arg_bus;
static int arg_timeout = 5000;

/* ---- output ---- */

static void json_string(FILE *f, const char *s) {
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
                if (*p == '"' || *p == '\\')
                        fprintf(f, "\\%c", *p);
                else if (*p == '\n')
                        fputs("\\n", f);
                else if (*p < 0x20 || *p == 0x7f)
                        fprintf(f, "\\u%04x", *p);
                else
                        fputc(*p, f);
        }
        fputc('"', f);
}

/* A TXT string for people: printable ASCII as is, other octets as \xHH. */
static void txt_text(char *buf, size_t size, const uint8_t *d, size_t len) {
        size_t o = 0;
        for (size_t i = 0; i < len && o + 5 < size; i++) {
                if (d[i] >= 0x20 && d[i] < 0x7f && d[i] != '\\')
                        buf[o++] = (char)d[i];
                else
                        o += (size_t)snprintf(buf + o, size - o, "\\x%02x", d[i]);
        }
        buf[o] = 0;
}

static void json_txt(FILE *f, const zc_txt_item *txt, size_t n) {
        char buf[4 * ZC_TXT_ITEM_MAX + 8];
        fputc('[', f);
        for (size_t i = 0; i < n; i++) {
                txt_text(buf, sizeof buf, txt[i].data, txt[i].len);
                if (i)
                        fputc(',', f);
                json_string(f, buf);
        }
        fputc(']', f);
}

static const char *ifname(int index, char buf[static IF_NAMESIZE + 1]) {
        if (index < 0)
                return "*";
        if (!if_indextoname((unsigned)index, buf))
                snprintf(buf, IF_NAMESIZE + 1, "%d", index);
        return buf;
}

static const char *proto_name(int p) {
        return p == ZC_PROTO_INET ? "IPv4" : p == ZC_PROTO_INET6 ? "IPv6" : "any";
}

/* A table: rows of cells, printed with each column as wide as its widest cell. */
#define TABLE_COLS 10
struct table {
        size_t cols, rows, cap;
        char **cells;
};

static void table_add(struct table *t, ...) {
        va_list ap;
        if (t->rows == t->cap) {
                t->cap = t->cap ? t->cap * 2 : 16;
                t->cells = realloc(t->cells, t->cap * t->cols * sizeof *t->cells);
                if (!t->cells) {
                        perror("zeroconfctl");
                        exit(EXIT_FAIL);
                }
        }
        va_start(ap, t);
        for (size_t i = 0; i < t->cols; i++) {
                const char *s = va_arg(ap, const char *);
                t->cells[t->rows * t->cols + i] = strdup(s ? s : "");
        }
        va_end(ap);
        t->rows++;
}

static void table_print(struct table *t) {
        size_t w[TABLE_COLS] = { 0 };
        for (size_t r = 0; r < t->rows; r++)
                for (size_t c = 0; c < t->cols; c++) {
                        size_t l = t->cells[r * t->cols + c] ? strlen(t->cells[r * t->cols + c]) : 0;
                        if (l > w[c])
                                w[c] = l;
                }
        for (size_t r = 0; r < t->rows; r++) {
                for (size_t c = 0; c < t->cols; c++) {
                        const char *s = t->cells[r * t->cols + c] ? t->cells[r * t->cols + c] : "";
                        if (c + 1 == t->cols)
                                printf("%s\n", s);
                        else
                                printf("%-*s  ", (int)w[c], s);
                }
        }
        for (size_t i = 0; i < t->rows * t->cols; i++)
                free(t->cells[i]);
        free(t->cells);
        t->cells = NULL;
        t->rows = t->cap = 0;
}

/* ---- errors ---- */

static int fail(zc_client *c, int r, const char *what) {
        const char *msg = c ? zc_client_get_error(c) : "";
        fprintf(stderr, "zeroconfctl: %s: %s\n", what, msg && *msg ? msg : strerror(-r));
        if (r == -ECONNREFUSED || r == -ENOTCONN)
                return EXIT_NO_DAEMON;
        if (r == -ETIMEDOUT)
                return EXIT_NOT_FOUND;
        return EXIT_FAIL;
}

static int connect_client(zc_client **ret) {
        int r = zc_client_new(ret, arg_bus);
        if (r < 0) {
                fprintf(stderr, "zeroconfctl: cannot connect to the bus%s%s: %s\n", arg_bus ? " " : "",
                        arg_bus ? arg_bus : "", strerror(-r));
                return EXIT_NO_DAEMON;
        }
        if (zc_client_get_state(*ret) != ZC_CLIENT_RUNNING) {
                fprintf(stderr, "zeroconfctl: zeroconfd is not running (org.zeroconfd1 has no owner on the bus)\n");
                zc_client_free(*ret);
                *ret = NULL;
                return EXIT_NO_DAEMON;
        }
        return 0;
}

/* The main loop of the verbs that wait for events: the client's fd and a signalfd for SIGINT and
 * SIGTERM. Returns when done is set, on a signal, or on a lost connection. */
static bool loop_done;
static int loop_status;
static bool loop_follow;  /* wait for zeroconfd through restarts (publish, browse without --terminate) */

static void on_client_state(zc_client *c, zc_client_state st, void *userdata) {
        if (st == ZC_CLIENT_DAEMON_GONE)
                fprintf(stderr, "zeroconfctl: zeroconfd left the bus%s\n", loop_follow ? "; waiting for it" : "");
        else if (st == ZC_CLIENT_RUNNING)
                fprintf(stderr, "zeroconfctl: zeroconfd is back\n");
}

static int run_loop(zc_client *c) {
        sigset_t mask;
        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        /* SIGINT and SIGTERM come through the signalfd: the verb cleans up (withdraws, frees). */
        sigprocmask(SIG_BLOCK, &mask, NULL);
        int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
        if (sfd < 0) {
                perror("zeroconfctl: signalfd");
                return EXIT_FAIL;
        }
        zc_client_set_callback(c, on_client_state, NULL);
        while (!loop_done) {
                struct pollfd p[2] = {
                        { .fd = zc_client_get_fd(c), .events = zc_client_get_events(c) },
                        { .fd = sfd, .events = POLLIN },
                };
                if (poll(p, 2, zc_client_get_timeout(c)) < 0 && errno != EINTR) {
                        perror("zeroconfctl: poll");
                        close(sfd);
                        return EXIT_FAIL;
                }
                if (p[1].revents & POLLIN)
                        break;  /* Ctrl-C: the caller cleans up */
                int r = zc_client_dispatch(c);
                if (r < 0) {
                        close(sfd);
                        return fail(c, r, "connection");
                }
                if (zc_client_get_state(c) != ZC_CLIENT_RUNNING && !loop_follow) {
                        close(sfd);
                        return EXIT_NO_DAEMON;
                }
        }
        close(sfd);
        return loop_status;
}

/* ---- help ---- */

struct verb {
        const char *name;
        const char *args;
        const char *help;
        const char *options;
        int (*run)(int argc, char **argv);
};

static const struct verb *verb_find(const char *name);
static const struct verb verbs[];

static void verb_help(const struct verb *v) {
        printf("Usage: zeroconfctl [OPTIONS] %s%s%s\n\n%s\n", v->name, v->args[0] ? " " : "", v->args, v->help);
        if (v->options[0])
                printf("\nOptions:\n%s", v->options);
}

static bool want_help(int argc, char **argv, const struct verb *v) {
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--") == 0)
                        break;
                if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
                        verb_help(v);
                        return true;
                }
        }
        return false;
}

static int usage_error(const char *verb, const char *fmt, ...) {
        va_list ap;
        fprintf(stderr, "zeroconfctl: %s%s", verb ? verb : "", verb ? ": " : "");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, " (see zeroconfctl %s%s--help)\n", verb ? verb : "", verb ? " " : "");
        return EXIT_USAGE;
}

/* ---- status ---- */

static int verb_status(int argc, char **argv) {
        zc_client *c = NULL;
        char *host = NULL, *version = NULL, *state = NULL;
        zc_link *links = NULL;
        size_t n = 0;
        int r;

        if (argc > 1)
                return usage_error("status", "takes no arguments");
        if ((r = connect_client(&c)))
                return r;
        if ((r = zc_client_get_host_name(c, &host)) < 0 || (r = zc_client_get_version(c, &version)) < 0 ||
            (r = zc_client_get_daemon_state(c, &state)) < 0 || (r = zc_client_get_links(c, &links, &n)) < 0) {
                r = fail(c, r, "status");
                goto out;
        }
        if (arg_json) {
                printf("{\"host_name\":");
                json_string(stdout, host);
                printf(",\"version\":");
                json_string(stdout, version);
                printf(",\"state\":");
                json_string(stdout, state);
                printf(",\"links\":[");
                for (size_t i = 0; i < n; i++) {
                        zc_link *l = &links[i];
                        printf("%s{\"name\":", i ? "," : "");
                        json_string(stdout, l->name);
                        printf(",\"index\":%d,\"state\":", l->index);
                        json_string(stdout, l->state);
                        printf(",\"mdns_ipv4\":%s,\"mdns_ipv6\":%s,\"ipv4ll_state\":", l->mdns_ipv4 ? "true" : "false",
                               l->mdns_ipv6 ? "true" : "false");
                        json_string(stdout, l->ipv4ll_state);
                        printf(",\"ipv4ll_address\":");
                        json_string(stdout, l->ipv4ll_address);
                        printf(",\"ipv6ll_state\":");
                        json_string(stdout, l->ipv6ll_state);
                        printf(",\"ipv6ll_dad_failures\":%u,\"addresses\":[", l->ipv6ll_dad_failures);
                        for (size_t k = 0; k < l->n_addresses; k++) {
                                printf("%s{\"address\":", k ? "," : "");
                                json_string(stdout, l->addresses[k].address);
                                printf(",\"prefix_length\":%u}", l->addresses[k].prefix_len);
                        }
                        printf("]}");
                }
                printf("]}\n");
        } else {
                printf("Host name: %s\nState:     %s\nVersion:   %s\n\n", host, state, version);
                struct table t = { .cols = 8 };
                table_add(&t, "LINK", "INDEX", "STATE", "MDNS", "IPV4LL", "IPV4LL-ADDRESS", "IPV6LL", "ADDRESSES");
                for (size_t i = 0; i < n; i++) {
                        zc_link *l = &links[i];
                        char idx[16], mdns[16], addrs[1024] = "";
                        size_t o = 0;
                        snprintf(idx, sizeof idx, "%d", l->index);
                        snprintf(mdns, sizeof mdns, "%s", l->mdns_ipv4 && l->mdns_ipv6 ? "IPv4,IPv6"
                                                          : l->mdns_ipv4 ? "IPv4" : l->mdns_ipv6 ? "IPv6" : "-");
                        for (size_t k = 0; k < l->n_addresses && o < sizeof addrs; k++)
                                o += (size_t)snprintf(addrs + o, sizeof addrs - o, "%s%s/%u", k ? " " : "",
                                                      l->addresses[k].address, l->addresses[k].prefix_len);
                        table_add(&t, l->name, idx, l->state, mdns, l->ipv4ll_state,
                                  l->ipv4ll_address[0] ? l->ipv4ll_address : "-", l->ipv6ll_state,
                                  addrs[0] ? addrs : "-");
                }
                table_print(&t);
        }
        r = 0;
out:
        free(host);
        free(version);
        free(state);
        zc_links_free(links, n);
        zc_client_free(c);
        return r;
}

/* ---- browse and services ---- */

struct browse_state {
        zc_client *c;
        bool resolve, terminate, all, types_only;
        zc_browser *types;            /* --all, services */
        bool types_all_for_now;
        struct sb {
                char *type;
                zc_browser *b;
                bool all_for_now;
        } *sbs;
        size_t n_sbs;
        size_t pending_resolvers;     /* started and not yet answered */
        struct todo {                 /* services waiting for a resolver, oldest first */
                struct todo *next;
                int interface, protocol;
                char *name, *type, *domain;
        } *todo_head, **todo_tail;
        size_t n_todo;
        struct table types_table;     /* services, table output */
};

/* At most this many resolvers at a time: the daemon limits the objects of a client
 * (objects-per-client-max, 256 by default), and a type may have thousands of instances. */
#define RESOLVERS_MAX 64

static void on_resolver(zc_browser *b, zc_browser_event ev, const zc_item *it, void *userdata);

static void todo_free(struct todo *t) {
        if (!t)
                return;
        free(t->name);
        free(t->type);
        free(t->domain);
        free(t);
}

/* Start resolvers for the waiting services while there is room. */
static void resolve_more(struct browse_state *s) {
        while (s->todo_head && s->pending_resolvers < RESOLVERS_MAX) {
                struct todo *t = s->todo_head;
                zc_browser *r = NULL;

                s->todo_head = t->next;
                if (!s->todo_head)
                        s->todo_tail = &s->todo_head;
                s->n_todo--;
                if (zc_service_resolver_new(s->c, t->interface, t->protocol, t->name, t->type, t->domain,
                                            ZC_PROTO_UNSPEC, 0, on_resolver, s, &r) < 0)
                        fprintf(stderr, "zeroconfctl: cannot resolve %s: %s\n", t->name, zc_client_get_error(s->c));
                else
                        s->pending_resolvers++;
                todo_free(t);
        }
}

static int resolve_later(struct browse_state *s, const zc_item *it) {
        struct todo *t = calloc(1, sizeof *t);

        if (!t || !(t->name = strdup(it->name)) || !(t->type = strdup(it->type)) ||
            !(t->domain = strdup(it->domain ? it->domain : "local"))) {
                todo_free(t);
                return -ENOMEM;
        }
        t->interface = it->interface;
        t->protocol = it->protocol;
        if (!s->todo_tail)
                s->todo_tail = &s->todo_head;
        *s->todo_tail = t;
        s->todo_tail = &t->next;
        s->n_todo++;
        resolve_more(s);
        return 0;
}

static void check_terminate(struct browse_state *s) {
        if (!s->terminate)
                return;
        if (s->types && !s->types_all_for_now)
                return;
        for (size_t i = 0; i < s->n_sbs; i++)
                if (!s->sbs[i].all_for_now)
                        return;
        if (s->pending_resolvers || s->n_todo)
                return;
        loop_done = true;
}

static void print_service(char op, const zc_item *it) {
        char ifb[IF_NAMESIZE + 1];
        if (arg_json) {
                printf("{\"event\":\"%s\",\"interface\":", op == '+' ? "new" : "remove");
                json_string(stdout, ifname(it->interface, ifb));
                printf(",\"protocol\":\"%s\",\"name\":", proto_name(it->protocol));
                json_string(stdout, it->name);
                printf(",\"type\":");
                json_string(stdout, it->type);
                printf(",\"domain\":");
                json_string(stdout, it->domain);
                printf("}\n");
        } else
                printf("%c %-8s %-4s %-32s %-24s %s\n", op, ifname(it->interface, ifb), proto_name(it->protocol),
                       it->name, it->type, it->domain);
        fflush(stdout);
}

static void print_resolved(const zc_item *it) {
        char ifb[IF_NAMESIZE + 1], buf[4 * ZC_TXT_ITEM_MAX + 8];
        if (arg_json) {
                printf("{\"event\":\"resolved\",\"interface\":");
                json_string(stdout, ifname(it->interface, ifb));
                printf(",\"protocol\":\"%s\",\"name\":", proto_name(it->protocol));
                json_string(stdout, it->name);
                printf(",\"type\":");
                json_string(stdout, it->type);
                printf(",\"domain\":");
                json_string(stdout, it->domain);
                printf(",\"host\":");
                json_string(stdout, it->host);
                printf(",\"address\":");
                json_string(stdout, it->address);
                printf(",\"port\":%u,\"txt\":", it->port);
                json_txt(stdout, it->txt, it->n_txt);
                printf("}\n");
        } else {
                printf("= %-8s %-4s %-32s %-24s %s\n", ifname(it->interface, ifb), proto_name(it->protocol), it->name,
                       it->type, it->domain);
                printf("    host %s  address %s  port %u  txt", it->host, it->address, it->port);
                for (size_t i = 0; i < it->n_txt; i++) {
                        txt_text(buf, sizeof buf, it->txt[i].data, it->txt[i].len);
                        printf(" \"%s\"", buf);
                }
                printf("\n");
        }
        fflush(stdout);
}

static void on_resolver(zc_browser *b, zc_browser_event ev, const zc_item *it, void *userdata) {
        struct browse_state *s = userdata;
        if (ev == ZC_BROWSER_NEW)
                print_resolved(it);
        else if (ev == ZC_BROWSER_FAILURE)
                fprintf(stderr, "zeroconfctl: cannot resolve a service: %s\n", it->error);
        else
                return;
        /* The first answer (or the failure) is enough for a listing. */
        zc_browser_free(b);
        s->pending_resolvers--;
        resolve_more(s);
        check_terminate(s);
}

static void on_service(zc_browser *b, zc_browser_event ev, const zc_item *it, void *userdata) {
        struct browse_state *s = userdata;
        if (ev == ZC_BROWSER_NEW || ev == ZC_BROWSER_REMOVE) {
                print_service(ev == ZC_BROWSER_NEW ? '+' : '-', it);
                if (ev == ZC_BROWSER_NEW && s->resolve && resolve_later(s, it) < 0)
                        fprintf(stderr, "zeroconfctl: cannot resolve %s: %s\n", it->name, strerror(ENOMEM));
        } else if (ev == ZC_BROWSER_ALL_FOR_NOW) {
                for (size_t i = 0; i < s->n_sbs; i++)
                        if (s->sbs[i].b == b)
                                s->sbs[i].all_for_now = true;
        }
        check_terminate(s);
}

static int browse_type(struct browse_state *s, const char *type) {
        for (size_t i = 0; i < s->n_sbs; i++)
                if (strcmp(s->sbs[i].type, type) == 0)
                        return 0;
        struct sb *n = realloc(s->sbs, (s->n_sbs + 1) * sizeof *n);
        if (!n)
                return -ENOMEM;
        s->sbs = n;
        struct sb *e = &s->sbs[s->n_sbs];
        memset(e, 0, sizeof *e);
        if (!(e->type = strdup(type)))
                return -ENOMEM;
        s->n_sbs++;
        int r = zc_service_browser_new(s->c, ZC_IF_UNSPEC, ZC_PROTO_UNSPEC, type, NULL, 0, on_service, s, &e->b);
        if (r < 0)
                e->all_for_now = true;  /* nothing to wait for */
        return r;
}

static void on_type(zc_browser *b, zc_browser_event ev, const zc_item *it, void *userdata) {
        struct browse_state *s = userdata;
        char ifb[IF_NAMESIZE + 1];
        if (ev == ZC_BROWSER_NEW && s->types_only) {
                if (arg_json) {
                        printf("%s{\"interface\":", s->types_table.rows ? "," : "");
                        json_string(stdout, ifname(it->interface, ifb));
                        printf(",\"protocol\":\"%s\",\"type\":", proto_name(it->protocol));
                        json_string(stdout, it->type);
                        printf(",\"domain\":");
                        json_string(stdout, it->domain);
                        printf("}");
                }
                table_add(&s->types_table, it->type, ifname(it->interface, ifb), proto_name(it->protocol), it->domain);
        } else if (ev == ZC_BROWSER_NEW) {
                if (browse_type(s, it->type) < 0)
                        fprintf(stderr, "zeroconfctl: cannot browse %s: %s\n", it->type, zc_client_get_error(s->c));
        } else if (ev == ZC_BROWSER_ALL_FOR_NOW)
                s->types_all_for_now = true;
        check_terminate(s);
}

static void browse_state_clear(struct browse_state *s) {
        for (size_t i = 0; i < s->n_sbs; i++)
                free(s->sbs[i].type);
        free(s->sbs);
        while (s->todo_head) {
                struct todo *t = s->todo_head;

                s->todo_head = t->next;
                todo_free(t);
        }
}

static int verb_browse(int argc, char **argv) {
        static const struct option opts[] = {
                { "all", no_argument, NULL, 'a' },
                { "resolve", no_argument, NULL, 'r' },
                { "terminate", no_argument, NULL, 't' },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        struct browse_state s = { 0 };
        int o, r;
        optind = 0;
        while ((o = getopt_long(argc, argv, "+arth", opts, NULL)) >= 0) {
                switch (o) {
                case 'a': s.all = true; break;
                case 'r': s.resolve = true; break;
                case 't': s.terminate = true; break;
                default: return usage_error("browse", "bad option");
                }
        }
        if (s.all == (optind < argc) || argc - optind > 1)
                return usage_error("browse", "give one TYPE, or --all");
        if ((r = connect_client(&s.c)))
                return r;
        loop_done = false;
        loop_status = 0;
        loop_follow = !s.terminate;
        if (!arg_json)
                printf("  %-8s %-4s %-32s %-24s %s\n", "LINK", "PROT", "NAME", "TYPE", "DOMAIN");
        if (s.all)
                r = zc_service_type_browser_new(s.c, ZC_IF_UNSPEC, ZC_PROTO_UNSPEC, NULL, 0, on_type, &s, &s.types);
        else
                r = browse_type(&s, argv[optind]);
        if (r < 0)
                r = fail(s.c, r, "browse");
        else
                r = run_loop(s.c);
        browse_state_clear(&s);
        zc_client_free(s.c);
        return r;
}

static int verb_services(int argc, char **argv) {
        struct browse_state s = { .types_only = true, .terminate = true, .types_table = { .cols = 4 } };
        int r;
        if (argc > 1)
                return usage_error("services", "takes no arguments");
        if ((r = connect_client(&s.c)))
                return r;
        loop_done = false;
        loop_status = 0;
        if (arg_json)
                printf("[");  /* the rows of the table count the objects printed: no header */
        else
                table_add(&s.types_table, "TYPE", "LINK", "PROT", "DOMAIN");
        r = zc_service_type_browser_new(s.c, ZC_IF_UNSPEC, ZC_PROTO_UNSPEC, NULL, 0, on_type, &s, &s.types);
        if (r < 0)
                r = fail(s.c, r, "services");
        else
                r = run_loop(s.c);
        if (arg_json) {
                printf("]\n");
                for (size_t i = 0; i < s.types_table.rows * s.types_table.cols; i++)
                        free(s.types_table.cells[i]);
                free(s.types_table.cells);
        } else
                table_print(&s.types_table);
        zc_client_free(s.c);
        return r;
}

/* ---- resolve, resolve-address, resolve-service ---- */

static int parse_family(int argc, char **argv, const char *verb, int *aprotocol) {
        static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, {} };
        int o;
        optind = 0;
        *aprotocol = ZC_PROTO_UNSPEC;
        while ((o = getopt_long(argc, argv, "+46", opts, NULL)) >= 0) {
                if (o == '4')
                        *aprotocol = ZC_PROTO_INET;
                else if (o == '6')
                        *aprotocol = ZC_PROTO_INET6;
                else
                        return usage_error(verb, "bad option");
        }
        return 0;
}

static void print_host(const zc_resolved *res) {
        char ifb[IF_NAMESIZE + 1];
        if (arg_json) {
                printf("{\"name\":");
                json_string(stdout, res->name);
                printf(",\"address\":");
                json_string(stdout, res->address);
                printf(",\"interface\":");
                json_string(stdout, ifname(res->interface, ifb));
                printf(",\"protocol\":\"%s\"}\n", proto_name(res->protocol));
        } else {
                struct table t = { .cols = 4 };
                table_add(&t, "NAME", "ADDRESS", "LINK", "PROT");
                table_add(&t, res->name, res->address, ifname(res->interface, ifb), proto_name(res->protocol));
                table_print(&t);
        }
}

static int verb_resolve(int argc, char **argv) {
        zc_client *c = NULL;
        zc_resolved res;
        int ap, r;
        if ((r = parse_family(argc, argv, "resolve", &ap)))
                return r;
        if (argc - optind != 1)
                return usage_error("resolve", "give one NAME.local");
        if ((r = connect_client(&c)))
                return r;
        r = zc_resolve_host_name(c, ZC_IF_UNSPEC, ZC_PROTO_UNSPEC, argv[optind], ap, arg_timeout, &res);
        if (r < 0)
                r = fail(c, r, argv[optind]);
        else {
                print_host(&res);
                zc_resolved_clear(&res);
        }
        zc_client_free(c);
        return r;
}

static int verb_resolve_address(int argc, char **argv) {
        zc_client *c = NULL;
        zc_resolved res;
        int ap, r;
        if ((r = parse_family(argc, argv, "resolve-address", &ap)))
                return r;
        if (argc - optind != 1)
                return usage_error("resolve-address", "give one ADDRESS");
        if ((r = connect_client(&c)))
                return r;
        r = zc_resolve_address(c, ZC_IF_UNSPEC, ZC_PROTO_UNSPEC, argv[optind], arg_timeout, &res);
        if (r < 0)
                r = fail(c, r, argv[optind]);
        else {
                print_host(&res);
                zc_resolved_clear(&res);
        }
        zc_client_free(c);
        return r;
}

static int verb_resolve_service(int argc, char **argv) {
        zc_client *c = NULL;
        zc_resolved res;
        int ap, r;
        char ifb[IF_NAMESIZE + 1], buf[4 * ZC_TXT_ITEM_MAX + 8];
        if ((r = parse_family(argc, argv, "resolve-service", &ap)))
                return r;
        if (argc - optind != 2)
                return usage_error("resolve-service", "give NAME and TYPE");
        if ((r = connect_client(&c)))
                return r;
        r = zc_resolve_service(c, ZC_IF_UNSPEC, ZC_PROTO_UNSPEC, argv[optind], argv[optind + 1], NULL, ap, arg_timeout,
                               &res);
        if (r < 0) {
                r = fail(c, r, argv[optind]);
                zc_client_free(c);
                return r;
        }
        if (arg_json) {
                printf("{\"name\":");
                json_string(stdout, res.name);
                printf(",\"type\":");
                json_string(stdout, res.type);
                printf(",\"domain\":");
                json_string(stdout, res.domain);
                printf(",\"host\":");
                json_string(stdout, res.host);
                printf(",\"address\":");
                json_string(stdout, res.address);
                printf(",\"port\":%u,\"interface\":", res.port);
                json_string(stdout, ifname(res.interface, ifb));
                printf(",\"protocol\":\"%s\",\"txt\":", proto_name(res.protocol));
                json_txt(stdout, res.txt, res.n_txt);
                printf("}\n");
        } else {
                struct table t = { .cols = 2 };
                char port[8];
                snprintf(port, sizeof port, "%u", res.port);
                table_add(&t, "Name:", res.name);
                table_add(&t, "Type:", res.type);
                table_add(&t, "Domain:", res.domain);
                table_add(&t, "Host:", res.host);
                table_add(&t, "Address:", res.address);
                table_add(&t, "Port:", port);
                table_add(&t, "Link:", ifname(res.interface, ifb));
                for (size_t i = 0; i < res.n_txt; i++) {
                        txt_text(buf, sizeof buf, res.txt[i].data, res.txt[i].len);
                        table_add(&t, i ? "" : "TXT:", buf);
                }
                table_print(&t);
        }
        zc_resolved_clear(&res);
        zc_client_free(c);
        return 0;
}

/* ---- publish ---- */

struct publish_state {
        zc_client *c;
        zc_entry_group *g;
        char *name;
        const char *type;
        uint16_t port;
        const char *const *txt;
        char **subtypes;
        size_t n_subtypes;
};

static int publish_add(struct publish_state *p) {
        int r = zc_entry_group_add_service(p->g, ZC_IF_UNSPEC, ZC_PROTO_UNSPEC, 0, p->name, p->type, NULL, NULL, p->port,
                                           p->txt);
        for (size_t i = 0; r == 0 && i < p->n_subtypes; i++)
                r = zc_entry_group_add_service_subtype(p->g, ZC_IF_UNSPEC, ZC_PROTO_UNSPEC, 0, p->name, p->type, NULL,
                                                       p->subtypes[i]);
        if (r == 0)
                r = zc_entry_group_commit(p->g);
        return r;
}

static void on_group(zc_entry_group *g, zc_entry_group_state st, const char *alt, void *userdata) {
        struct publish_state *p = userdata;
        if (arg_json) {
                printf("{\"state\":\"%s\",\"name\":", zc_entry_group_state_to_string(st));
                json_string(stdout, p->name);
                printf(",\"type\":");
                json_string(stdout, p->type);
                printf(",\"port\":%u}\n", p->port);
        } else
                printf("%s: %s %s port %u\n", zc_entry_group_state_to_string(st), p->name, p->type, p->port);
        fflush(stdout);
        if (st == ZC_ENTRY_GROUP_COLLISION && alt && *alt) {
                /* Another host has the name: take the daemon's alternative (RFC 6762 §9). */
                char *n = strdup(alt);
                int r = n ? zc_entry_group_reset(g) : -ENOMEM;
                if (r == 0) {
                        free(p->name);
                        p->name = n;
                        n = NULL;
                        r = publish_add(p);
                }
                free(n);
                if (r < 0) {
                        loop_status = fail(p->c, r, "publish");
                        loop_done = true;
                }
        } else if (st == ZC_ENTRY_GROUP_FAILURE || st == ZC_ENTRY_GROUP_COLLISION) {
                fprintf(stderr, "zeroconfctl: publishing %s failed\n", p->name);
                loop_status = EXIT_FAIL;
                loop_done = true;
        }
}

static int verb_publish(int argc, char **argv) {
        static const struct option opts[] = {
                { "subtype", required_argument, NULL, 's' },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        struct publish_state p = { 0 };
        int o, r;
        char *end = NULL;
        optind = 0;
        while ((o = getopt_long(argc, argv, "+s:", opts, NULL)) >= 0) {
                if (o == 's') {
                        char **n = realloc(p.subtypes, (p.n_subtypes + 1) * sizeof *n);
                        if (!n)
                                return EXIT_FAIL;
                        p.subtypes = n;
                        p.subtypes[p.n_subtypes++] = optarg;
                } else {
                        free(p.subtypes);
                        return usage_error("publish", "bad option");
                }
        }
        if (argc - optind < 3) {
                free(p.subtypes);
                return usage_error("publish", "give NAME TYPE PORT [TXT...]");
        }
        errno = 0;
        unsigned long port = strtoul(argv[optind + 2], &end, 10);
        if (errno || !end || *end || port > 65535 || argv[optind + 2][0] == '-') {
                free(p.subtypes);
                return usage_error("publish", "PORT must be a number from 0 to 65535");
        }
        p.name = strdup(argv[optind]);
        p.type = argv[optind + 1];
        p.port = (uint16_t)port;
        p.txt = (const char *const *)&argv[optind + 3];  /* argv ends with NULL */
        if ((r = connect_client(&p.c))) {
                free(p.name);
                free(p.subtypes);
                return r;
        }
        loop_done = false;
        loop_status = 0;
        loop_follow = true;
        r = zc_entry_group_new(p.c, on_group, &p, &p.g);
        if (r == 0)
                r = publish_add(&p);
        if (r < 0)
                r = fail(p.c, r, "publish");
        else
                r = run_loop(p.c);
        /* Withdrawn on exit: the daemon sends goodbyes (RFC 6762 §10.1). */
        zc_entry_group_free(p.g);
        zc_client_free(p.c);
        free(p.name);
        free(p.subtypes);
        return r;
}

/* ---- set-host-name ---- */

static int verb_set_host_name(int argc, char **argv) {
        zc_client *c = NULL;
        char *host = NULL;
        int r;
        if (argc != 2)
                return usage_error("set-host-name", "give one NAME");
        if ((r = connect_client(&c)))
                return r;
        r = zc_client_set_host_name(c, argv[1]);
        if (r < 0)
                r = fail(c, r, "set-host-name");
        else if (zc_client_get_host_name(c, &host) == 0) {
                if (arg_json) {
                        printf("{\"host_name\":");
                        json_string(stdout, host);
                        printf("}\n");
                } else
                        printf("Host name: %s\n", host);
                free(host);
        }
        zc_client_free(c);
        return r;
}

/* ---- main ---- */

static int verb_help_run(int argc, char **argv);

static const struct verb verbs[] = {
        { "status", "", "Show the host name, the daemon's state and every link with its IPv4LL and\n"
                        "IPv6 link-local state and addresses.", "", verb_status },
        { "browse", "[TYPE]", "Browse the services of TYPE (\"_http._tcp\"), or of every type with --all,\n"
                              "printing them as they come and go until Ctrl-C.",
          "  -a, --all        browse every service type on the link\n"
          "  -r, --resolve    resolve each service found (host, address, port, TXT)\n"
          "  -t, --terminate  exit once the first burst of answers is over (all-for-now)\n",
          verb_browse },
        { "resolve", "NAME.local", "Print an address of the host NAME.local.",
          "  -4               an IPv4 address\n  -6               an IPv6 address\n", verb_resolve },
        { "resolve-address", "ADDRESS", "Print the host name of ADDRESS (\"169.254.1.2\", \"fe80::1%eth0\").", "",
          verb_resolve_address },
        { "resolve-service", "NAME TYPE", "Print the host, address, port and TXT of the service NAME of TYPE.",
          "  -4               an IPv4 address\n  -6               an IPv6 address\n", verb_resolve_service },
        { "publish", "NAME TYPE PORT [TXT...]", "Publish a service until Ctrl-C (it is withdrawn on exit). On a\n"
                                                "name conflict the daemon's alternative name is taken.",
          "  -s, --subtype=SUB  also publish the subtype SUB (\"_printer\"); repeatable\n", verb_publish },
        { "services", "", "List the service types seen on the links (exits after all-for-now).", "", verb_services },
        { "set-host-name", "NAME", "Set the host name (privileged: root or the [dbus] admin-group).", "",
          verb_set_host_name },
        { "help", "[VERB]", "Show the help of zeroconfctl or of a verb.", "", verb_help_run },
        {},
};

static const struct verb *verb_find(const char *name) {
        for (const struct verb *v = verbs; v->name; v++)
                if (strcmp(v->name, name) == 0)
                        return v;
        return NULL;
}

static void help(void) {
        printf("Usage: zeroconfctl [OPTIONS] VERB [ARGS]\n\n"
               "Look at and drive zeroconfd (org.zeroconfd1 on the system bus).\n\n"
               "Verbs:\n");
        for (const struct verb *v = verbs; v->name; v++)
                printf(v->args[0] ? "  %-16s %s\n" : "  %s\n", v->name, v->args);
        printf("\nOptions:\n"
               "  -j, --json          print JSON instead of tables\n"
               "  -b, --bus=ADDRESS   the D-Bus address (default: the system bus)\n"
               "  -T, --timeout=MS    how long resolve verbs wait (default 5000)\n"
               "  -h, --help          show this help (VERB --help: the verb's)\n"
               "  -V, --version       show the version\n\n"
               "Exit status: 0 success, 1 failure, 2 usage error, 3 zeroconfd not reachable,\n"
               "4 nothing found within the timeout.\n");
}

static int verb_help_run(int argc, char **argv) {
        if (argc < 2) {
                help();
                return 0;
        }
        const struct verb *v = verb_find(argv[1]);
        if (!v)
                return usage_error(NULL, "unknown verb \"%s\"", argv[1]);
        verb_help(v);
        return 0;
}

int main(int argc, char **argv) {
        static const struct option opts[] = {
                { "json", no_argument, NULL, 'j' },
                { "bus", required_argument, NULL, 'b' },
                { "timeout", required_argument, NULL, 'T' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                {},
        };
        int o;
        char *end;

        while ((o = getopt_long(argc, argv, "+jb:T:hV", opts, NULL)) >= 0) {
                switch (o) {
                case 'j': arg_json = true; break;
                case 'b': arg_bus = optarg; break;
                case 'T':
                        errno = 0;
                        long t = strtol(optarg, &end, 10);
                        if (errno || *end || t <= 0 || t > 3600000)
                                return usage_error(NULL, "--timeout takes milliseconds from 1 to 3600000");
                        arg_timeout = (int)t;
                        break;
                case 'h': help(); return 0;
                case 'V': printf("zeroconfctl %s\n", PACKAGE_VERSION); return 0;
                default: return usage_error(NULL, "bad option");
                }
        }
        if (optind >= argc) {
                help();
                return EXIT_USAGE;
        }
        const struct verb *v = verb_find(argv[optind]);
        if (!v)
                return usage_error(NULL, "unknown verb \"%s\"", argv[optind]);
        if (want_help(argc - optind, argv + optind, v))
                return 0;
        signal(SIGPIPE, SIG_IGN);
        return v->run(argc - optind, argv + optind);
}
