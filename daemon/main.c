/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* zeroconfd: options, configuration, start-up order and signals. Wiring only: the protocols live
 * in their cores (dns/, mdns/, ipv4ll/, …). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <libdaemon/dpid.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "conf.h"
#include "dnssd/publish.h"
#include "dnssd/services-watch.h"
#include "iface.h"
#include "ipv4ll/ipv4ll-manager.h"
#include "ipv6ll/ipv6ll-manager.h"
#include "dbus/bus.h"
#include "log.h"
#include "loop.h"
#include "mdns/host-name.h"
#include "mdns/mdns.h"
#include "mdns/registry.h"
#include "netlink.h"
#include "nss/nss-server.h"

#define DEFAULT_CONFIG_FILE SYSCONFDIR "/zeroconfd/zeroconfd.conf"

struct daemon_ctx {
        struct conf conf;
        struct loop *loop;
        struct netlink *netlink;
        struct loop_io *netlink_io;
        struct iface_table ifaces;
        struct mdns *mdns;
        struct ipv4ll_manager *ipv4ll;
        struct ipv6ll_manager *ipv6ll; /* follows IPv6 DAD, replaces failed link-local addresses */
        struct dnssd_publisher *publisher; /* DNS-SD groups → the registry */
        struct services_watch *services;   /* services.d → the publisher */
        struct nss_server *nss;            /* the NSS module's socket */
        struct zbus *bus;                  /* the D-Bus API org.zeroconfd1 (NULL: --no-dbus) */
};

static char pid_file_path[PATH_MAX];

static const char *pid_file_proc(void) {
        return pid_file_path;
}

static void help(void) {
        printf("Usage: zeroconfd [OPTION]...\n"
               "Zeroconf daemon: claims IPv4 link-local addresses (RFC 3927) where no other\n"
               "address exists, and publishes this host's name with Multicast DNS (RFC 6762) on\n"
               "every multicast-capable interface. It follows IPv6 duplicate address detection\n"
               "(RFC 4862) and, with [ipv6ll] regenerate = yes, replaces a link-local address\n"
               "that failed it (RFC 7217). Runs in the foreground, logs to standard error.\n"
               "See zeroconfd(8) and zeroconfd.conf(5).\n\n"
               "  -f, --config=FILE        configuration file (default %s)\n"
               "  -n, --host-name=NAME     host name to publish as NAME.local (default: the\n"
               "                           configured host-name, else the system host name)\n"
               "      --runtime-dir=DIR    runtime folder holding zeroconfd.pid (default %s)\n"
               "      --state-dir=DIR      state folder (default %s)\n"
               "      --services-dir=DIR   service files folder (default %s)\n"
               "      --no-dbus            do not serve the D-Bus API org.zeroconfd1 (as\n"
               "                           [dbus] enable = no)\n"
               "      --debug              log packet-level detail\n"
               "  -h, --help               show this help and exit\n"
               "  -V, --version            show the version and exit\n\n"
               "Signals: SIGTERM and SIGINT send goodbyes and stop the daemon; SIGHUP reads the\n"
               "services folder again; SIGUSR1 logs packet counters.\n",
               DEFAULT_CONFIG_FILE, RUNSTATEDIR "/zeroconfd", LOCALSTATEDIR "/lib/zeroconfd",
               SYSCONFDIR "/zeroconfd/services.d");
}

enum {
        OPT_RUNTIME_DIR = 0x100,
        OPT_STATE_DIR,
        OPT_SERVICES_DIR,
        OPT_DEBUG,
        OPT_NO_DBUS,
};

struct options {
        const char *config_file;
        const char *host_name;
        const char *runtime_dir, *state_dir, *services_dir;
        bool debug;
        bool no_dbus;
};

/* Returns 1 to go on, 0 to exit successfully (help, version), or a negative errno. */
static int parse_argv(int argc, char *argv[], struct options *o) {
        static const struct option opts[] = {
                { "config", required_argument, NULL, 'f' },
                { "host-name", required_argument, NULL, 'n' },
                { "runtime-dir", required_argument, NULL, OPT_RUNTIME_DIR },
                { "state-dir", required_argument, NULL, OPT_STATE_DIR },
                { "services-dir", required_argument, NULL, OPT_SERVICES_DIR },
                { "debug", no_argument, NULL, OPT_DEBUG },
                { "no-dbus", no_argument, NULL, OPT_NO_DBUS },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                {},
        };
        int c;

        while ((c = getopt_long(argc, argv, "f:n:hV", opts, NULL)) >= 0)
                switch (c) {
                case 'f':
                        o->config_file = optarg;
                        break;
                case 'n':
                        o->host_name = optarg;
                        break;
                case OPT_RUNTIME_DIR:
                        o->runtime_dir = optarg;
                        break;
                case OPT_STATE_DIR:
                        o->state_dir = optarg;
                        break;
                case OPT_SERVICES_DIR:
                        o->services_dir = optarg;
                        break;
                case OPT_DEBUG:
                        o->debug = true;
                        break;
                case OPT_NO_DBUS:
                        o->no_dbus = true;
                        break;
                case 'h':
                        help();
                        return 0;
                case 'V':
                        printf("zeroconfd %s\n", PACKAGE_VERSION);
                        return 0;
                default:
                        fprintf(stderr, "Try 'zeroconfd --help'.\n");
                        return -EINVAL;
                }
        if (optind < argc) {
                fprintf(stderr, "zeroconfd: unexpected argument '%s'. Try 'zeroconfd --help'.\n", argv[optind]);
                return -EINVAL;
        }
        return 1;
}

/* ---- netlink → interface table → mDNS ---- */

static void update_iface(struct daemon_ctx *d, struct iface *i) {
        bool serve = iface_is_mdns_capable(i) && conf_interface_allowed(&d->conf, i->name);

        mdns_iface_update(d->mdns, i, serve);
        ipv4ll_manager_update(d->ipv4ll, i);
        /* services limited to named interfaces follow them */
        if (d->publisher)
                dnssd_publisher_iface_update(d->publisher, i->ifindex, i->name, now_usec());
        if (d->bus)
                zbus_links_sync(d->bus); /* the Link objects */
}

static void on_link(void *userdata, enum netlink_event ev, const struct netlink_link *link) {
        struct daemon_ctx *d = userdata;
        struct iface *i;

        ipv6ll_manager_handle_link(d->ipv6ll, ev, link); /* needs addr_gen_mode: the raw event */
        if (ev == NETLINK_DEL) {
                i = iface_table_find(&d->ifaces, link->ifindex);
                if (!i)
                        return;
                log_info("%s: link removed", i->name);
                if (d->publisher)
                        dnssd_publisher_iface_remove(d->publisher, link->ifindex, now_usec());
                mdns_iface_remove(d->mdns, i);
                ipv4ll_manager_remove(d->ipv4ll, link->ifindex);
                iface_table_remove(&d->ifaces, link->ifindex);
                if (d->bus)
                        zbus_links_sync(d->bus);
                return;
        }
        i = iface_table_apply_link(&d->ifaces, link);
        if (!i) {
                log_warning("ignoring an invalid link (index %d) from netlink", link->ifindex);
                return;
        }
        update_iface(d, i);
}

static void on_addr(void *userdata, enum netlink_event ev, const struct netlink_addr *a) {
        struct daemon_ctx *d = userdata;
        int r = iface_table_apply_addr(&d->ifaces, ev, a);

        ipv6ll_manager_handle_addr(d->ipv6ll, ev, a); /* the IPv6 DAD states, from the raw flags */

        if (r < 0 && r != -ENODEV)
                log_warning("ignoring an address event from netlink for link %d: %s", a->ifindex, strerror(-r));
        if (r > 0) {
                struct iface *i = iface_table_find(&d->ifaces, a->ifindex);

                /* mDNS publishes the usable addresses and needs one per family to send from */
                if (i)
                        mdns_iface_update(d->mdns, i,
                                          iface_is_mdns_capable(i) && conf_interface_allowed(&d->conf, i->name));
                ipv4ll_manager_update(d->ipv4ll, i);
                if (d->bus)
                        zbus_links_sync(d->bus);
        }
}

static void on_netlink(struct loop_io *io, int fd, uint32_t revents, void *userdata) {
        struct daemon_ctx *d = userdata;
        int r = netlink_process(d->netlink);

        if (r < 0) {
                log_error("netlink failed: %s; exiting", strerror(-r));
                loop_quit(d->loop, EXIT_FAILURE);
        }
}

/* ---- signals ---- */

static void on_terminate(struct loop *l, int signo, void *userdata) {
        log_info("received %s, exiting", strsignal(signo));
        loop_quit(l, EXIT_SUCCESS);
}

static void on_hup(struct loop *l, int signo, void *userdata) {
        struct daemon_ctx *d = userdata;

        log_info("received %s: reading the services folder again", strsignal(signo));
        if (d->services)
                (void) services_watch_reload(d->services, now_usec());
}

static void on_usr1(struct loop *l, int signo, void *userdata) {
        struct daemon_ctx *d = userdata;
        const struct mdns_stats *s = mdns_get_stats(d->mdns);

        log_notice("packets: received %llu (malformed %llu, oversize %llu, off-link %llu, own %llu, "
                   "other interface %llu, no address to answer from %llu), sent %llu (failed %llu)",
                   (unsigned long long) s->rx_packets, (unsigned long long) s->rx_malformed,
                   (unsigned long long) s->rx_oversize, (unsigned long long) s->rx_offlink,
                   (unsigned long long) s->rx_own, (unsigned long long) s->rx_unknown_if,
                   (unsigned long long) s->rx_no_address, (unsigned long long) s->tx_packets,
                   (unsigned long long) s->tx_errors);
        const struct registry_stats *rs = registry_get_stats(mdns_get_registry(d->mdns));
        log_notice("records: probes %llu, announcements %llu, goodbyes %llu (packets); conflicts %llu, "
                   "tie-breaks lost %llu, own probes looped back %llu",
                   (unsigned long long) rs->probes_sent, (unsigned long long) rs->announcements_sent,
                   (unsigned long long) rs->goodbyes_sent, (unsigned long long) rs->conflicts,
                   (unsigned long long) rs->tiebreaks_lost, (unsigned long long) rs->own_probes_ignored);
        log_notice("querier: queries sent %llu (packets); cache entries %llu, evicted %llu",
                   (unsigned long long) s->queries_sent, (unsigned long long) s->cache_entries,
                   (unsigned long long) s->cache_evictions);
}

/* ---- DNS-SD ---- */

/* The host was renamed after a conflict: SRV targets and %h instance names follow. */
static void on_host_renamed(void *userdata, const char *name) {
        struct daemon_ctx *d = userdata;

        if (d->publisher)
                (void) dnssd_publisher_set_host_name(d->publisher, name, now_usec());
        if (d->bus)
                zbus_host_name_changed(d->bus);
}

static void on_publisher_changed(void *userdata) {
        struct daemon_ctx *d = userdata;

        mdns_registry_changed(d->mdns);
}

/* ---- start-up ---- */

static void upper_copy(char *dst, const char *src, size_t size) {
        size_t k = 0;

        for (; src[k] && k + 1 < size; k++)
                dst[k] = (char) toupper((unsigned char) src[k]);
        dst[k] = '\0';
}

static int make_dir(const char *path, mode_t mode) {
        if (mkdir(path, mode) < 0 && errno != EEXIST) {
                int r = -errno;

                log_error("cannot create %s: %s", path, strerror(-r));
                return r;
        }
        return 0;
}

static int pick_host_label(const struct daemon_ctx *d, const struct options *o, char *label, size_t size) {
        char sys[HOST_NAME_MAX + 1] = "";
        const char *source = o->host_name ? o->host_name : d->conf.host_name;

        if (!source) {
                if (gethostname(sys, sizeof sys) < 0)
                        sys[0] = '\0';
                sys[sizeof sys - 1] = '\0';
                source = sys;
        }
        host_name_make_label(source, label, size);
        if (strcmp(label, source) != 0)
                log_notice("host name '%s' is not a legal mDNS host label; using '%s'", source, label);
        return 0;
}

int main(int argc, char *argv[]) {
        struct options o = { .config_file = NULL };
        struct daemon_ctx d = { .loop = NULL };
        char label[HOST_NAME_LABEL_MAX + 1];
        struct utsname uts;
        bool pid_file_created = false;
        pid_t running;
        int r;

        r = parse_argv(argc, argv, &o);
        if (r <= 0)
                return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;

        log_set_target(LOG_TARGET_STDERR);
        log_set_max_level(o.debug ? LOG_DEBUG : LOG_INFO);

        conf_init(&d.conf);
        iface_table_init(&d.ifaces);
        r = conf_load(&d.conf, o.config_file ? o.config_file : DEFAULT_CONFIG_FILE, o.config_file != NULL);
        if (r < 0)
                goto finish;
        if ((o.runtime_dir && conf_set_string(&d.conf.runtime_dir, o.runtime_dir) < 0) ||
            (o.state_dir && conf_set_string(&d.conf.state_dir, o.state_dir) < 0) ||
            (o.services_dir && conf_set_string(&d.conf.services_dir, o.services_dir) < 0)) {
                r = -ENOMEM;
                goto finish;
        }

        /* One daemon per runtime folder: the PID file tells a second instance to stay away. */
        r = make_dir(d.conf.runtime_dir, 0755);
        if (r < 0)
                goto finish;
        snprintf(pid_file_path, sizeof pid_file_path, "%s/zeroconfd.pid", d.conf.runtime_dir);
        daemon_pid_file_proc = pid_file_proc;
        running = daemon_pid_file_is_running();
        if (running > 0) {
                log_error("already running as process %d (%s)", (int) running, pid_file_path);
                r = -EBUSY;
                goto finish;
        }
        if (daemon_pid_file_create() < 0)
                log_warning("cannot write %s: %s", pid_file_path, strerror(errno));
        else
                pid_file_created = true;

        pick_host_label(&d, &o, label, sizeof label);

        r = loop_new(&d.loop);
        if (r < 0)
                goto finish;
        if ((r = loop_signal_add(d.loop, SIGTERM, on_terminate, &d)) < 0 ||
            (r = loop_signal_add(d.loop, SIGINT, on_terminate, &d)) < 0 ||
            (r = loop_signal_add(d.loop, SIGHUP, on_hup, &d)) < 0 ||
            (r = loop_signal_add(d.loop, SIGUSR1, on_usr1, &d)) < 0)
                goto finish;
        signal(SIGPIPE, SIG_IGN);

        struct mdns_config mc = { .host_label = label, .use_ipv4 = d.conf.use_ipv4, .use_ipv6 = d.conf.use_ipv6,
                                  .records_max = d.conf.records_max,
                                  .cache_entries_max = d.conf.cache_entries_max,
                                  .host_renamed = on_host_renamed, .userdata = &d };
        char hinfo_cpu[sizeof uts.machine], hinfo_os[sizeof uts.sysname];
        if (d.conf.publish_hinfo && uname(&uts) == 0) {
                /* RFC 1035 §3.3.2 HINFO, the way Avahi fills it: "X86_64" "LINUX" */
                upper_copy(hinfo_cpu, uts.machine, sizeof hinfo_cpu);
                upper_copy(hinfo_os, uts.sysname, sizeof hinfo_os);
                mc.hinfo_cpu = hinfo_cpu;
                mc.hinfo_os = hinfo_os;
        }
        r = mdns_new(&d.mdns, d.loop, &d.ifaces, &mc);
        if (r < 0)
                goto finish;
        struct dnssd_publisher_config pc = {
                .registry = mdns_get_registry(d.mdns),
                .host_name = mdns_get_host_name(d.mdns),
                .changed = on_publisher_changed,
                .userdata = &d,
        };
        r = dnssd_publisher_new(&d.publisher, &pc);
        if (r < 0)
                goto finish;

        static const struct netlink_callbacks nl_cb = { .link = on_link, .addr = on_addr };
        r = netlink_open(&d.netlink, &nl_cb, &d);
        if (r < 0) {
                log_error("cannot open netlink: %s", strerror(-r));
                goto finish;
        }
        r = loop_io_add(d.loop, netlink_fd(d.netlink), EPOLLIN, on_netlink, &d, &d.netlink_io);
        if (r < 0)
                goto finish;
        /* IPv6 link-local follows every link and address from the first dump on. */
        r = ipv6ll_manager_new(&d.ipv6ll, d.loop, d.netlink, &d.conf);
        if (r < 0)
                goto finish;
        r = netlink_enumerate(d.netlink);
        if (r < 0) {
                log_error("cannot list links and addresses: %s", strerror(-r));
                goto finish;
        }
        /* IPv4 link-local starts once every link and address is known, so that an interface
         * with an IPv4 address is never seen without it (and claimed for nothing). */
        r = ipv4ll_manager_new(&d.ipv4ll, d.loop, d.netlink, &d.conf);
        if (r < 0)
                goto finish;
        for (struct iface *i = d.ifaces.list; i; i = i->next)
                ipv4ll_manager_update(d.ipv4ll, i);

        /* Bonjour's order: the host name is being probed; the services follow (RFC 6763). */
        struct services_watch_config wc = {
                .dir = d.conf.services_dir, .publisher = d.publisher, .loop = d.loop,
        };
        r = services_watch_new(&d.services, &wc, now_usec());
        if (r < 0) {
                log_error("cannot publish the services of %s: %s", d.conf.services_dir, strerror(-r));
                goto finish;
        }

        /* .local names for every program: the socket libnss_zeroconf asks (nss-zeroconf(8)) */
        if (d.conf.nss_enable) {
                char nss_path[PATH_MAX];

                snprintf(nss_path, sizeof nss_path, "%s/nss.socket", d.conf.runtime_dir);
                struct nss_server_config nc = {
                        .path = nss_path, .loop = d.loop, .mdns = d.mdns, .ifaces = &d.ifaces,
                        .clients_max = d.conf.nss_clients_max, .timeout = d.conf.nss_timeout_usec,
                };
                r = nss_server_new(&d.nss, &nc);
                if (r < 0)
                        log_warning("cannot open %s: %s; programs cannot resolve .local names through "
                                    "zeroconfd", nss_path, strerror(-r));
        }

        /* The D-Bus API: an unreachable bus is logged and retried; mDNS goes on without it. */
        if (d.conf.dbus_enable && !o.no_dbus) {
                struct zbus_config bc = {
                        .loop = d.loop, .conf = &d.conf, .mdns = d.mdns, .ifaces = &d.ifaces,
                        .ipv4ll = d.ipv4ll, .ipv6ll = d.ipv6ll,
                };
                r = zbus_new(&d.bus, &bc);
                if (r < 0)
                        log_warning("cannot serve D-Bus: %s", strerror(-r));
        }

        log_info("ready: answering for %s", mdns_get_host_name(d.mdns));
        r = loop_run(d.loop);
        if (r < 0)
                log_error("event loop failed: %s", strerror(-r));

finish:
        nss_server_free(d.nss);
        zbus_free(d.bus); /* the clients' entry groups: withdrawn, goodbyes sent by mdns_shutdown() */
        mdns_shutdown(d.mdns); /* RFC 6762 §10.1 goodbyes: before the addresses go */
        services_watch_free(d.services, now_usec());
        dnssd_publisher_free(d.publisher, now_usec()); /* before the registry goes */
        ipv4ll_manager_free(d.ipv4ll); /* releases the link-local addresses: before netlink goes */
        ipv6ll_manager_free(d.ipv6ll); /* leaves its link-local addresses: the host needs them */
        loop_io_free(d.netlink_io);
        netlink_free(d.netlink);
        mdns_free(d.mdns);
        loop_free(d.loop);
        iface_table_clear(&d.ifaces);
        conf_done(&d.conf);
        if (pid_file_created)
                daemon_pid_file_remove();
        return r == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
