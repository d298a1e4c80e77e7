/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* zeroconfd: options, configuration, start-up order and signals. Wiring only: the protocols live
 * in their cores (dns/, mdns/, ipv4ll/, …). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <libdaemon/dfork.h>
#include <libdaemon/dpid.h>
#include <limits.h>
#include <malloc.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "conf.h"
#include "dnssd/publish.h"
#include "dnssd/service-dir.h"
#include "dnssd/service-file.h"
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
#include "privileges.h"

#define DEFAULT_CONFIG_FILE SYSCONFDIR "/zeroconfd/zeroconfd.conf"
#define DEFAULT_USER "zeroconfd"
#define DAEMONIZE_TIMEOUT_SEC 60 /* -D: how long the parent waits for the daemon to be ready */

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
        struct dnssd_pub *workstation;     /* publish-workstation: _workstation._tcp */
        struct nss_server *nss;            /* the NSS module's socket */
        struct zbus *bus;                  /* the D-Bus API org.zeroconfd1 (NULL: --no-dbus) */
        const char *config_file;           /* what SIGHUP reads again */
        bool config_must_exist;
        bool host_name_from_options, dirs_from_options, user_from_options; /* kept over a reload */
};

struct options;
static void workstation_update(struct daemon_ctx *d);
static int pick_host_label(const struct daemon_ctx *d, const struct options *o, char *label, size_t size);

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
               "that failed it (RFC 7217). Runs in the foreground and logs to standard error,\n"
               "or, with -D, in the background and logs to syslog.\n"
               "See zeroconfd(8) and zeroconfd.conf(5).\n\n"
               "  -f, --config=FILE        configuration file (default %s)\n"
               "  -n, --host-name=NAME     host name to publish as NAME.local (default: the\n"
               "                           configured host-name, else the system host name)\n"
               "      --runtime-dir=DIR    runtime folder holding zeroconfd.pid (default %s)\n"
               "      --state-dir=DIR      state folder (default %s)\n"
               "      --services-dir=DIR   service files folder (default %s)\n"
               "      --no-dbus            do not serve the D-Bus API org.zeroconfd1 (as\n"
               "                           [dbus] enable = no)\n"
               "  -u, --user=USER          run as USER after start-up (default: [server] user,\n"
               "                           else %s if that user exists; root: stay root)\n"
               "      --debug              log packet-level detail\n"
               "  -D, --daemonize          run in the background, log to syslog\n"
               "  -k, --kill               stop the running daemon (SIGTERM) and wait for it\n"
               "  -r, --reload             make the running daemon reload (SIGHUP)\n"
               "  -c, --check              exit 0 if a daemon runs, 1 if not\n"
               "      --check-config       check the configuration file and the service files,\n"
               "                           report every problem, exit 0 if none, else 1\n"
               "  -h, --help               show this help and exit\n"
               "  -V, --version            show the version and exit\n\n"
               "Signals: SIGTERM and SIGINT send goodbyes and stop the daemon; SIGHUP reads the\n"
               "configuration file and the services folder again; SIGUSR1 logs packet counters.\n",
               DEFAULT_CONFIG_FILE, RUNSTATEDIR "/zeroconfd", LOCALSTATEDIR "/lib/zeroconfd",
               SYSCONFDIR "/zeroconfd/services.d", DEFAULT_USER);
}

enum {
        OPT_RUNTIME_DIR = 0x100,
        OPT_STATE_DIR,
        OPT_SERVICES_DIR,
        OPT_DEBUG,
        OPT_NO_DBUS,
        OPT_CHECK_CONFIG,
};

enum action {
        ACTION_RUN,
        ACTION_KILL,
        ACTION_RELOAD,
        ACTION_CHECK,
        ACTION_CHECK_CONFIG,
};

struct options {
        const char *config_file;
        const char *host_name;
        const char *runtime_dir, *state_dir, *services_dir;
        const char *user;
        bool debug;
        bool no_dbus;
        bool daemonize;
        enum action action;
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
                { "user", required_argument, NULL, 'u' },
                { "daemonize", no_argument, NULL, 'D' },
                { "kill", no_argument, NULL, 'k' },
                { "reload", no_argument, NULL, 'r' },
                { "check", no_argument, NULL, 'c' },
                { "check-config", no_argument, NULL, OPT_CHECK_CONFIG },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                {},
        };
        int c;

        while ((c = getopt_long(argc, argv, "f:n:u:DkrchV", opts, NULL)) >= 0)
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
                case 'u':
                        if (!conf_user_name_valid(optarg)) {
                                fprintf(stderr, "zeroconfd: '%s' is not a valid user name\n", optarg);
                                return -EINVAL;
                        }
                        o->user = optarg;
                        break;
                case 'D':
                        o->daemonize = true;
                        break;
                case 'k':
                case 'r':
                case 'c':
                case OPT_CHECK_CONFIG:
                        if (o->action != ACTION_RUN) {
                                fprintf(stderr, "zeroconfd: -k, -r, -c and --check-config exclude each other\n");
                                return -EINVAL;
                        }
                        o->action = c == 'k' ? ACTION_KILL : c == 'r' ? ACTION_RELOAD :
                                    c == 'c' ? ACTION_CHECK : ACTION_CHECK_CONFIG;
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
        if (o->daemonize && o->action != ACTION_RUN) {
                fprintf(stderr, "zeroconfd: -D goes with none of -k, -r, -c, --check-config\n");
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

static bool str_differ(const char *a, const char *b) {
        return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

static bool lists_differ(char *const *a, size_t na, char *const *b, size_t nb) {
        if (na != nb)
                return true;
        for (size_t k = 0; k < na; k++)
                if (strcmp(a[k], b[k]) != 0)
                        return true;
        return false;
}

static void swap_list(char **a, size_t *na, char **b, size_t *nb) {
        char *tmp[CONF_LIST_MAX];
        size_t n = *na;

        memcpy(tmp, a, sizeof tmp);
        memcpy(a, b, sizeof tmp);
        memcpy(b, tmp, sizeof tmp);
        *na = *nb;
        *nb = n;
}

/* SIGHUP: read the configuration file again. The keys that can change at run time take effect
 * now (interfaces, IPv4 link-local policy and grace period, host name, admin group); the others
 * are logged as needing a restart and keep their running value. Nothing unchanged is withdrawn. */
static void reload_config(struct daemon_ctx *d) {
        struct conf n;
        bool ifaces_changed = false;
        int r;

        conf_init(&n);
        r = conf_load(&n, d->config_file, d->config_must_exist);
        if (r < 0) {
                log_warning("keeping the running configuration: %s could not be read", d->config_file);
                conf_done(&n);
                return;
        }

#define RESTART_IF(changed, key)                                                                       \
        do {                                                                                           \
                if (changed)                                                                           \
                        log_warning("%s: %s changed: it takes effect when the daemon restarts",      \
                                    d->config_file, key);                                              \
        } while (0)
        RESTART_IF(n.use_ipv4 != d->conf.use_ipv4, "use-ipv4");
        RESTART_IF(n.use_ipv6 != d->conf.use_ipv6, "use-ipv6");
        RESTART_IF(n.publish_addresses != d->conf.publish_addresses, "publish-addresses");
        RESTART_IF(n.legacy_unicast_rate_limit != d->conf.legacy_unicast_rate_limit, "legacy-unicast-rate-limit");
        RESTART_IF(n.publish_hinfo != d->conf.publish_hinfo, "publish-hinfo");
        RESTART_IF(n.records_max != d->conf.records_max, "records-max");
        RESTART_IF(n.cache_entries_max != d->conf.cache_entries_max, "cache-entries-max");
        RESTART_IF(n.nss_enable != d->conf.nss_enable, "nss");
        RESTART_IF(n.nss_clients_max != d->conf.nss_clients_max, "nss-clients-max");
        RESTART_IF(n.nss_timeout_usec != d->conf.nss_timeout_usec, "nss-timeout");
        RESTART_IF(n.service_files_max != d->conf.service_files_max, "service-files-max");
        RESTART_IF(str_differ(n.user, d->conf.user) && !d->user_from_options, "user");
        RESTART_IF(n.ipv4ll_timing_scale != d->conf.ipv4ll_timing_scale, "[ipv4ll] timing-scale");
        RESTART_IF(n.ipv6ll_regenerate != d->conf.ipv6ll_regenerate, "[ipv6ll] regenerate");
        RESTART_IF(n.dbus_enable != d->conf.dbus_enable, "[dbus] enable");
        RESTART_IF(n.dbus_clients_max != d->conf.dbus_clients_max, "[dbus] clients-max");
        RESTART_IF(n.dbus_objects_per_client_max != d->conf.dbus_objects_per_client_max,
                   "[dbus] objects-per-client-max");
        RESTART_IF(n.dbus_entries_per_group_max != d->conf.dbus_entries_per_group_max,
                   "[dbus] entries-per-group-max");
        /* the folders: unless the command line set them */
        RESTART_IF(!d->dirs_from_options && (str_differ(n.runtime_dir, d->conf.runtime_dir) ||
                                             str_differ(n.state_dir, d->conf.state_dir) ||
                                             str_differ(n.services_dir, d->conf.services_dir)),
                   "a folder (runtime-, state- or services-directory)");
#undef RESTART_IF

        /* run time: the workstation service */
        if (n.publish_workstation != d->conf.publish_workstation) {
                d->conf.publish_workstation = n.publish_workstation;
                log_info("%s: publish-workstation is now %s", d->config_file, n.publish_workstation ? "yes" : "no");
                workstation_update(d);
        }

        /* run time: the admin group is read at each SetHostName call */
        if (str_differ(n.dbus_admin_group, d->conf.dbus_admin_group)) {
                char *tmp = d->conf.dbus_admin_group;

                d->conf.dbus_admin_group = n.dbus_admin_group;
                n.dbus_admin_group = tmp;
                log_info("%s: [dbus] admin-group is now %s", d->config_file,
                         d->conf.dbus_admin_group ? d->conf.dbus_admin_group : "(none)");
        }

        /* run time: interfaces and the IPv4 link-local policy are looked up at each update */
        if (lists_differ(n.allow_interfaces, n.n_allow_interfaces, d->conf.allow_interfaces,
                         d->conf.n_allow_interfaces) ||
            lists_differ(n.deny_interfaces, n.n_deny_interfaces, d->conf.deny_interfaces,
                         d->conf.n_deny_interfaces)) {
                swap_list(d->conf.allow_interfaces, &d->conf.n_allow_interfaces, n.allow_interfaces,
                          &n.n_allow_interfaces);
                swap_list(d->conf.deny_interfaces, &d->conf.n_deny_interfaces, n.deny_interfaces,
                          &n.n_deny_interfaces);
                log_info("%s: allow-interfaces and deny-interfaces changed", d->config_file);
                ifaces_changed = true;
        }
        if (n.ipv4ll_policy != d->conf.ipv4ll_policy || n.n_ipv4ll_overrides != d->conf.n_ipv4ll_overrides ||
            memcmp(n.ipv4ll_overrides, d->conf.ipv4ll_overrides, n.n_ipv4ll_overrides * sizeof n.ipv4ll_overrides[0]) ||
            n.ipv4ll_grace_usec != d->conf.ipv4ll_grace_usec) {
                d->conf.ipv4ll_policy = n.ipv4ll_policy;
                memcpy(d->conf.ipv4ll_overrides, n.ipv4ll_overrides, sizeof n.ipv4ll_overrides);
                d->conf.n_ipv4ll_overrides = n.n_ipv4ll_overrides;
                d->conf.ipv4ll_grace_usec = n.ipv4ll_grace_usec;
                log_info("%s: the [ipv4ll] policy changed", d->config_file);
                ifaces_changed = true;
        }
        if (ifaces_changed)
                for (struct iface *i = d->ifaces.list; i; i = i->next)
                        update_iface(d, i);

        /* run time: the host name (unless -n set it), probed again as after SetHostName */
        if (!d->host_name_from_options && str_differ(n.host_name, d->conf.host_name)) {
                char label[HOST_NAME_LABEL_MAX + 1];

                char *tmp = d->conf.host_name;
                d->conf.host_name = n.host_name;
                n.host_name = tmp;
                pick_host_label(d, NULL, label, sizeof label);
                r = mdns_set_host_name(d->mdns, label);
                if (r < 0)
                        log_warning("%s: cannot rename the host to %s: %s", d->config_file, label, strerror(-r));
                else
                        log_info("%s: host name changed: now %s.local", d->config_file, label);
        }
        conf_done(&n);
}

static void on_hup(struct loop *l, int signo, void *userdata) {
        struct daemon_ctx *d = userdata;

        log_info("received %s: reading the configuration and the services folder again", strsignal(signo));
        reload_config(d);
        if (d->services)
                (void) services_watch_reload(d->services, now_usec());
}

static void on_usr1(struct loop *l, int signo, void *userdata) {
        struct daemon_ctx *d = userdata;
        const struct mdns_stats *s = mdns_get_stats(d->mdns);

        log_notice("packets: received %llu (malformed %llu, oversize %llu, off-link %llu, own %llu, "
                   "other interface %llu, no address to answer from %llu, legacy unicast over the rate limit %llu "
                   "(%llu of them dropped by the kernel's socket filter)), "
                   "sent %llu (failed %llu)",
                   (unsigned long long) s->rx_packets, (unsigned long long) s->rx_malformed,
                   (unsigned long long) s->rx_oversize, (unsigned long long) s->rx_offlink,
                   (unsigned long long) s->rx_own, (unsigned long long) s->rx_unknown_if,
                   (unsigned long long) s->rx_no_address, (unsigned long long) s->rx_rate_limited,
                   (unsigned long long) s->rx_rate_limited_kernel, (unsigned long long) s->tx_packets,
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

/* [server] publish-workstation: "_workstation._tcp" named "HOST [MAC]" on port 9, as Avahi
 * publishes it; the MAC is that of the first (lowest index) Ethernet-like interface, the name
 * follows host renames (%h). */
static void workstation_update(struct daemon_ctx *d) {
        const struct iface *mac_if = NULL;
        struct dnssd_group *g = NULL;
        char xml[512], mac[3 * 6] = "", *error = NULL;
        int r;

        if (!d->conf.publish_workstation || !d->publisher) {
                dnssd_pub_free(d->workstation, now_usec());
                d->workstation = NULL;
                return;
        }
        if (d->workstation)
                return;
        for (const struct iface *i = d->ifaces.list; i; i = i->next)
                if (i->hwaddr_len == 6 && !(i->flags & IFF_LOOPBACK) && (!mac_if || i->ifindex < mac_if->ifindex))
                        mac_if = i;
        if (mac_if)
                snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", mac_if->hwaddr[0], mac_if->hwaddr[1],
                         mac_if->hwaddr[2], mac_if->hwaddr[3], mac_if->hwaddr[4], mac_if->hwaddr[5]);
        snprintf(xml, sizeof xml,
                 "<service-group><name replace-wildcards=\"yes\">%%h%s%s%s</name>"
                 "<service><type>_workstation._tcp</type><port>9</port></service></service-group>",
                 mac[0] ? " [" : "", mac, mac[0] ? "]" : "");
        r = dnssd_service_file_parse("publish-workstation", xml, strlen(xml), &g, &error);
        if (r >= 0)
                r = dnssd_pub_new(d->publisher, g, "publish-workstation", now_usec(), &d->workstation);
        if (r < 0)
                log_warning("cannot publish the workstation service: %s", error ? error : strerror(-r));
        dnssd_group_free(g);
        free(error);
}

/* ---- start-up ---- */

static void upper_copy(char *dst, const char *src, size_t size) {
        size_t k = 0;

        for (; src[k] && k + 1 < size; k++)
                dst[k] = (char) toupper((unsigned char) src[k]);
        dst[k] = '\0';
}

static int pick_host_label(const struct daemon_ctx *d, const struct options *o, char *label, size_t size) {
        char sys[HOST_NAME_MAX + 1] = "";
        const char *source = o && o->host_name ? o->host_name : d->conf.host_name;

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

/* --check-config: the configuration file and the service files, every problem reported. */
static int check_config(const struct daemon_ctx *d, int conf_problems) {
        struct dnssd_file_set set;
        unsigned bad = 0;
        int r;

        r = dnssd_dir_load(d->conf.services_dir, d->conf.service_files_max, &set);
        if (r == -ENOENT)
                log_info("%s: no such folder: no service files", d->conf.services_dir);
        else if (r < 0) {
                log_error("cannot read %s: %s", d->conf.services_dir, strerror(-r));
                bad++;
        } else {
                /* each rejected file was logged by dnssd_dir_load() with its FILE:LINE:COLUMN */
                for (size_t k = 0; k < set.n_files; k++)
                        if (set.files[k].error)
                                bad++;
                if (set.n_skipped > 0)
                        bad++; /* logged too */
                log_info("%s: %zu service files, %u rejected", d->conf.services_dir, set.n_files, bad);
                dnssd_file_set_done(&set);
        }
        if (conf_problems > 0)
                log_error("%s: %d problems", d->config_file, conf_problems);
        if (conf_problems > 0 || bad > 0)
                return EXIT_FAILURE;
        printf("%s: configuration OK\n", d->config_file);
        return EXIT_SUCCESS;
}

/* -k, -r, -c: act on the daemon whose PID file is in the runtime folder. */
static int control_running(enum action action) {
        pid_t pid = daemon_pid_file_is_running();

        switch (action) {
        case ACTION_CHECK:
                if (pid > 0) {
                        printf("zeroconfd is running as process %d\n", (int) pid);
                        return EXIT_SUCCESS;
                }
                printf("zeroconfd is not running (%s)\n", pid_file_path);
                return EXIT_FAILURE;
        case ACTION_RELOAD:
                if (pid <= 0 || daemon_pid_file_kill(SIGHUP) < 0) {
                        log_error("cannot reload zeroconfd: %s", pid <= 0 ? "not running" : strerror(errno));
                        return EXIT_FAILURE;
                }
                return EXIT_SUCCESS;
        case ACTION_KILL:
                /* SIGTERM: the daemon sends its goodbyes; wait up to 10 s for it to be gone */
                if (pid <= 0 || daemon_pid_file_kill_wait(SIGTERM, 10) < 0) {
                        log_error("cannot stop zeroconfd: %s", pid <= 0 ? "not running" : strerror(errno));
                        return EXIT_FAILURE;
                }
                return EXIT_SUCCESS;
        default:
                return EXIT_FAILURE;
        }
}

int main(int argc, char *argv[]) {
        struct options o = { .config_file = NULL };
        struct daemon_ctx d = { .loop = NULL };
        struct privileges_target priv = { .user = NULL };
        char label[HOST_NAME_LABEL_MAX + 1];
        struct utsname uts;
        bool pid_file_created = false, daemonized = false, ready = false;
        const char *user;
        pid_t running;
        int r, problems;

        /* A fixed mmap threshold: glibc would raise it to the size of the first large block freed
         * (the configuration file's read buffer), and every pool and table allocated after that
         * would come from the brk heap, its pages touched and counted in RSS. mmap()ed, the
         * pools' untouched pages cost nothing (they fill as they are used). */
        (void) mallopt(M_MMAP_THRESHOLD, 128 * 1024);

        r = parse_argv(argc, argv, &o);
        if (r <= 0)
                return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;

        log_set_target(LOG_TARGET_STDERR);
        log_set_max_level(o.debug ? LOG_DEBUG : LOG_INFO);

        conf_init(&d.conf);
        iface_table_init(&d.ifaces);
        d.config_file = o.config_file ? o.config_file : DEFAULT_CONFIG_FILE;
        d.config_must_exist = o.config_file != NULL; /* the default file is optional, also for --check-config */
        problems = r = conf_load(&d.conf, d.config_file, d.config_must_exist);
        if (r < 0)
                goto finish;
        if ((o.runtime_dir && conf_set_string(&d.conf.runtime_dir, o.runtime_dir) < 0) ||
            (o.state_dir && conf_set_string(&d.conf.state_dir, o.state_dir) < 0) ||
            (o.services_dir && conf_set_string(&d.conf.services_dir, o.services_dir) < 0) ||
            (o.user && conf_set_string(&d.conf.user, o.user) < 0)) {
                r = -ENOMEM;
                goto finish;
        }
        d.host_name_from_options = o.host_name != NULL;
        d.dirs_from_options = o.runtime_dir || o.state_dir || o.services_dir;
        d.user_from_options = o.user != NULL;

        snprintf(pid_file_path, sizeof pid_file_path, "%s/zeroconfd.pid", d.conf.runtime_dir);
        daemon_pid_file_proc = pid_file_proc;
        switch (o.action) {
        case ACTION_CHECK_CONFIG:
                r = check_config(&d, problems);
                conf_done(&d.conf);
                return r;
        case ACTION_KILL:
        case ACTION_RELOAD:
        case ACTION_CHECK:
                r = control_running(o.action);
                conf_done(&d.conf);
                return r;
        case ACTION_RUN:
                break;
        }
        r = 0;

        /* One daemon per runtime folder: the PID file tells a second instance to stay away. */
        running = daemon_pid_file_is_running();
        if (running > 0 && pid_same_program((int) running) == 0) {
                /* a crash left the file, and its PID belongs to another program now */
                log_notice("%s: stale: process %d is not zeroconfd, replacing the file", pid_file_path, (int) running);
                unlink(pid_file_path);
                running = 0;
        }
        if (running > 0) {
                log_error("already running as process %d (%s)", (int) running, pid_file_path);
                r = -EBUSY;
                goto finish;
        }

        /* -D: the parent waits until the daemon is ready (exit 0) or has failed (exit 1). */
        if (o.daemonize) {
                pid_t pid;

                if (daemon_retval_init() < 0) {
                        log_error("cannot create the pipe to the daemon: %s", strerror(errno));
                        r = -EIO;
                        goto finish;
                }
                pid = daemon_fork();
                if (pid < 0) {
                        log_error("cannot fork: %s", strerror(errno));
                        daemon_retval_done();
                        r = -EIO;
                        goto finish;
                }
                if (pid > 0) {
                        int ret = daemon_retval_wait(DAEMONIZE_TIMEOUT_SEC);

                        if (ret < 0)
                                log_error("the daemon did not report within %d s", DAEMONIZE_TIMEOUT_SEC);
                        else if (ret != 0)
                                log_error("the daemon failed to start; see the system log");
                        conf_done(&d.conf);
                        return ret == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
                }
                daemonized = true;
                umask(022); /* daemon_fork() left 0777 */
                openlog("zeroconfd", LOG_PID, LOG_DAEMON);
                log_set_target(LOG_TARGET_SYSLOG);
        }

        /* The user to run as: named (option or user=) must exist; the default only if it does. */
        user = d.conf.user ? d.conf.user : DEFAULT_USER;
        r = privileges_lookup(&priv, user);
        if (r < 0) {
                log_error("cannot look up user %s: %s", user, strerror(-r));
                goto finish;
        }
        if (!priv.found && d.conf.user) {
                log_error("user %s does not exist", user);
                r = -ESRCH;
                goto finish;
        }
        if (!priv.found && geteuid() == 0)
                log_warning("user %s does not exist (the install creates it): staying root, with only "
                            "CAP_NET_RAW and CAP_NET_ADMIN", user);

        r = privileges_prepare_dir(&priv, d.conf.runtime_dir, 0755);
        if (r < 0)
                goto finish;
        if (daemon_pid_file_create() < 0)
                log_warning("cannot write %s: %s", pid_file_path, strerror(errno));
        else
                pid_file_created = true;
        /* the state folder is written later (and made then if need be): a problem is not fatal */
        (void) privileges_prepare_dir(&priv, d.conf.state_dir, 0755);

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
                                  .records_max = d.conf.records_max, .no_addresses = !d.conf.publish_addresses,
                                  .legacy_unicast_rate = d.conf.legacy_unicast_rate_limit,
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

        /* Everything that needs root is open: from here on the daemon runs as its user with
         * CAP_NET_RAW (ARP sockets, opened as interfaces come) and CAP_NET_ADMIN (addresses). */
        r = privileges_drop(&priv);
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
                .max_files = d.conf.service_files_max,
        };
        workstation_update(&d); /* now that the interfaces (and their MACs) are known */
        r = services_watch_new(&d.services, &wc, now_usec());
        if (r < 0) {
                log_error("cannot publish the services of %s: %s", d.conf.services_dir, strerror(-r));
                goto finish;
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
        if (daemonized)
                daemon_retval_send(0);
        ready = true;
        r = loop_run(d.loop);
        if (r < 0)
                log_error("event loop failed: %s", strerror(-r));

finish:
        nss_server_free(d.nss);
        zbus_free(d.bus); /* the clients' entry groups: withdrawn, goodbyes sent by mdns_shutdown() */
        mdns_shutdown(d.mdns); /* RFC 6762 §10.1 goodbyes: before the addresses go */
        services_watch_free(d.services, now_usec());
        dnssd_pub_free(d.workstation, now_usec());
        dnssd_publisher_free(d.publisher, now_usec()); /* before the registry goes */
        ipv4ll_manager_free(d.ipv4ll); /* releases the link-local addresses: before netlink goes */
        ipv6ll_manager_free(d.ipv6ll); /* leaves its link-local addresses: the host needs them */
        loop_io_free(d.netlink_io);
        netlink_free(d.netlink);
        mdns_free(d.mdns);
        loop_free(d.loop);
        iface_table_clear(&d.ifaces);
        conf_done(&d.conf);
        if (pid_file_created && daemon_pid_file_remove() < 0)
                log_warning("cannot remove %s: %s", pid_file_path, strerror(errno));
        if (daemonized && !ready)
                daemon_retval_send(1);
        return r == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
