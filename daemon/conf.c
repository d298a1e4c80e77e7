/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define CONF_FILE_MAX (1024 * 1024)

#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif
#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

void conf_init(struct conf *c) {
        memset(c, 0, sizeof *c);
        c->use_ipv4 = true;
        c->use_ipv6 = true;
        c->publish_addresses = true;
        c->legacy_unicast_rate_limit = CONF_LEGACY_UNICAST_RATE_LIMIT_DEFAULT;
        c->nss_enable = true;
        c->runtime_dir = strdup(RUNSTATEDIR "/zeroconfd");
        c->state_dir = strdup(LOCALSTATEDIR "/lib/zeroconfd");
        c->services_dir = strdup(SYSCONFDIR "/zeroconfd/services.d");
        c->ipv4ll_policy = CONF_IPV4LL_AUTO;
        c->ipv4ll_grace_usec = CONF_IPV4LL_GRACE_DEFAULT_USEC;
        c->ipv4ll_timing_scale = 1.0;
        c->dbus_enable = true;
}

static void conf_list_clear(char **list, size_t *n) {
        for (size_t i = 0; i < *n; i++)
                free(list[i]);
        *n = 0;
}

void conf_done(struct conf *c) {
        free(c->host_name);
        free(c->runtime_dir);
        free(c->state_dir);
        free(c->services_dir);
        free(c->user);
        free(c->dbus_admin_group);
        conf_list_clear(c->allow_interfaces, &c->n_allow_interfaces);
        conf_list_clear(c->deny_interfaces, &c->n_deny_interfaces);
        memset(c, 0, sizeof *c);
}

int conf_set_string(char **field, const char *value) {
        char *s = strdup(value);

        if (!s)
                return -ENOMEM;
        free(*field);
        *field = s;
        return 0;
}

static char *strip(char *s) {
        char *e;

        while (isspace((unsigned char) *s))
                s++;
        e = s + strlen(s);
        while (e > s && isspace((unsigned char) e[-1]))
                *--e = '\0';
        return s;
}

bool conf_user_name_valid(const char *name) {
        /* useradd's rule, roughly: letters, digits, '_', '-', '.', not starting with '-' */
        if (!*name || strlen(name) > 32 || name[0] == '-' || isdigit((unsigned char) name[0]))
                return false;
        for (const char *p = name; *p; p++)
                if (!isalnum((unsigned char) *p) && *p != '_' && *p != '-' && *p != '.')
                        return false;
        return true;
}

static int parse_bool(const char *v, bool *ret) {
        if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1"))
                *ret = true;
        else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "0"))
                *ret = false;
        else
                return -EINVAL;
        return 0;
}

/* "eth0, wlan0" → a list; names must be valid interface names. */
static int parse_iface_list(const char *v, char **list, size_t *n) {
        char *copy = strdup(v), *save = NULL;
        char *tmp[CONF_LIST_MAX];
        size_t k = 0;
        int r = 0;

        if (!copy)
                return -ENOMEM;
        for (char *tok = strtok_r(copy, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
                if (k == CONF_LIST_MAX || strlen(tok) >= 16 || strchr(tok, '/')) {
                        r = k == CONF_LIST_MAX ? -E2BIG : -EINVAL;
                        break;
                }
                tmp[k] = strdup(tok);
                if (!tmp[k]) {
                        r = -ENOMEM;
                        break;
                }
                k++;
        }
        free(copy);
        if (r < 0) {
                while (k > 0)
                        free(tmp[--k]);
                return r;
        }
        conf_list_clear(list, n);
        memcpy(list, tmp, k * sizeof *tmp);
        *n = k;
        return 0;
}

static const char *const conf_ipv4ll_policy_table[_CONF_IPV4LL_POLICY_MAX] = {
        [CONF_IPV4LL_AUTO] = "auto",
        [CONF_IPV4LL_ALWAYS] = "always",
        [CONF_IPV4LL_NEVER] = "never",
};

const char *conf_ipv4ll_policy_to_string(enum conf_ipv4ll_policy p) {
        if ((unsigned) p >= _CONF_IPV4LL_POLICY_MAX)
                return NULL;
        return conf_ipv4ll_policy_table[p];
}

static int parse_ipv4ll_policy(const char *v, enum conf_ipv4ll_policy *ret) {
        for (unsigned p = 0; p < _CONF_IPV4LL_POLICY_MAX; p++)
                if (!strcmp(v, conf_ipv4ll_policy_table[p])) {
                        *ret = (enum conf_ipv4ll_policy) p;
                        return 0;
                }
        return -EINVAL;
}

/* A decimal number in [lo, hi]: "5", "0.25". */
static int parse_decimal(const char *v, double lo, double hi, double *ret) {
        char *end;
        double d;

        if (!isdigit((unsigned char) *v))
                return -EINVAL; /* no sign, no "inf", no "nan", no hex */
        errno = 0;
        d = strtod(v, &end);
        if (errno != 0 || *end != '\0' || !(d >= lo && d <= hi))
                return -ERANGE;
        *ret = d;
        return 0;
}

/* A whole number in [lo, hi], decimal digits only: "4096". For every count and limit key. */
static int parse_unsigned(const char *v, unsigned lo, unsigned hi, unsigned *ret) {
        unsigned long long n;
        char *end;

        if (!isdigit((unsigned char) *v))
                return -EINVAL; /* no sign, no space */
        errno = 0;
        n = strtoull(v, &end, 10);
        if (errno != 0 || *end != '\0' || n < lo || n > hi)
                return -ERANGE;
        *ret = (unsigned) n;
        return 0;
}

enum conf_ipv4ll_policy conf_ipv4ll_policy_for(const struct conf *c, const char *ifname) {
        for (size_t i = 0; i < c->n_ipv4ll_overrides; i++)
                if (!strcmp(c->ipv4ll_overrides[i].ifname, ifname))
                        return c->ipv4ll_overrides[i].policy;
        return c->ipv4ll_policy;
}

static int conf_set_ipv4ll_key(struct conf *c, const char *key, const char *value, const char **why) {
        enum conf_ipv4ll_policy policy;
        double d;
        int r;

        if (!strcmp(key, "policy")) {
                *why = "expected auto, always or never";
                return parse_ipv4ll_policy(value, &c->ipv4ll_policy);
        }
        if (!strncmp(key, "policy-", 7)) {
                const char *ifname = key + 7;
                size_t i;

                if (!*ifname || strlen(ifname) >= sizeof c->ipv4ll_overrides[0].ifname || strchr(ifname, '/')) {
                        *why = "policy-IFNAME: not an interface name";
                        return -EINVAL;
                }
                *why = "expected auto, always or never";
                r = parse_ipv4ll_policy(value, &policy);
                if (r < 0)
                        return r;
                for (i = 0; i < c->n_ipv4ll_overrides; i++)
                        if (!strcmp(c->ipv4ll_overrides[i].ifname, ifname))
                                break;
                if (i == CONF_LIST_MAX) {
                        *why = "too many policy-IFNAME keys (at most 32)";
                        return -E2BIG;
                }
                if (i == c->n_ipv4ll_overrides) {
                        snprintf(c->ipv4ll_overrides[i].ifname, sizeof c->ipv4ll_overrides[i].ifname, "%s", ifname);
                        c->n_ipv4ll_overrides++;
                }
                c->ipv4ll_overrides[i].policy = policy;
                return 0;
        }
        if (!strcmp(key, "grace-period")) {
                *why = "expected seconds, 0 to 3600";
                r = parse_decimal(value, 0, (double) (CONF_IPV4LL_GRACE_MAX_USEC / 1000000ULL), &d);
                if (r < 0)
                        return r;
                c->ipv4ll_grace_usec = (unsigned long long) (d * 1e6 + 0.5);
                return 0;
        }
        if (!strcmp(key, "timing-scale")) {
                *why = "expected a number above 0, at most 1";
                r = parse_decimal(value, 0, 1, &d);
                if (r < 0)
                        return r;
                if (d < 0.001)
                        return -ERANGE; /* 0 would make every wait vanish */
                c->ipv4ll_timing_scale = d;
                return 0;
        }
        *why = "unknown key";
        return -ENOENT;
}

static int conf_set_ipv6ll_key(struct conf *c, const char *key, const char *value, const char **why) {
        if (!strcmp(key, "regenerate")) {
                *why = "expected yes or no";
                return parse_bool(value, &c->ipv6ll_regenerate);
        }
        *why = "unknown key";
        return -ENOENT;
}

static int conf_set_dbus_key(struct conf *c, const char *key, const char *value, const char **why) {
        if (!strcmp(key, "enable")) {
                *why = "expected yes or no";
                return parse_bool(value, &c->dbus_enable);
        }
        if (!strcmp(key, "clients-max")) {
                *why = "expected a number from 1 to 65536";
                return parse_unsigned(value, 1, 65536, &c->dbus_clients_max);
        }
        if (!strcmp(key, "objects-per-client-max")) {
                *why = "expected a number from 1 to 65536";
                return parse_unsigned(value, 1, 65536, &c->dbus_objects_per_client_max);
        }
        if (!strcmp(key, "entries-per-group-max")) {
                *why = "expected a number from 1 to 4096";
                return parse_unsigned(value, 1, 4096, &c->dbus_entries_per_group_max);
        }
        if (!strcmp(key, "admin-group")) {
                *why = "expected a group name";
                if (!*value || strlen(value) > 32 || strpbrk(value, " \t:/,"))
                        return -EINVAL;
                return conf_set_string(&c->dbus_admin_group, value);
        }
        *why = "unknown key";
        return -ENOENT;
}

static int conf_set_key(struct conf *c, const char *section, const char *key, const char *value, const char **why) {
        *why = NULL;
        if (!strcmp(section, "dbus"))
                return conf_set_dbus_key(c, key, value, why);
        if (!strcmp(section, "ipv4ll"))
                return conf_set_ipv4ll_key(c, key, value, why);
        if (!strcmp(section, "ipv6ll"))
                return conf_set_ipv6ll_key(c, key, value, why);
        if (strcmp(section, "server") != 0) {
                *why = "unknown section";
                return -ENOENT;
        }
        if (!strcmp(key, "host-name")) {
                if (!*value || strlen(value) > 63) {
                        *why = "expected a name of 1 to 63 bytes";
                        return -EINVAL;
                }
                return conf_set_string(&c->host_name, value);
        }
        if (!strcmp(key, "use-ipv4") || !strcmp(key, "use-ipv6")) {
                *why = "expected yes or no";
                return parse_bool(value, key[7] == '4' ? &c->use_ipv4 : &c->use_ipv6);
        }
        if (!strcmp(key, "publish-addresses")) {
                *why = "expected yes or no";
                return parse_bool(value, &c->publish_addresses);
        }
        if (!strcmp(key, "publish-hinfo")) {
                *why = "expected yes or no";
                return parse_bool(value, &c->publish_hinfo);
        }
        if (!strcmp(key, "publish-workstation")) {
                *why = "expected yes or no";
                return parse_bool(value, &c->publish_workstation);
        }
        if (!strcmp(key, "records-max")) {
                *why = "expected a number from 16 to 1000000";
                return parse_unsigned(value, 16, 1000000, &c->records_max);
        }
        if (!strcmp(key, "cache-entries-max")) {
                *why = "expected a number from 16 to 1000000";
                return parse_unsigned(value, 16, 1000000, &c->cache_entries_max);
        }
        if (!strcmp(key, "nss")) {
                *why = "expected yes or no";
                return parse_bool(value, &c->nss_enable);
        }
        if (!strcmp(key, "nss-clients-max")) {
                *why = "expected a number from 1 to 4096";
                return parse_unsigned(value, 1, 4096, &c->nss_clients_max);
        }
        if (!strcmp(key, "legacy-unicast-rate-limit")) {
                *why = "expected queries per second, 0 (no limit) to 1000000";
                return parse_unsigned(value, 0, 1000000, &c->legacy_unicast_rate_limit);
        }
        if (!strcmp(key, "nss-timeout")) {
                unsigned ms;
                int r;

                *why = "expected milliseconds, 100 to 5000";
                r = parse_unsigned(value, 100, 5000, &ms);
                if (r < 0)
                        return r;
                c->nss_timeout_usec = (unsigned long long) ms * 1000ULL;
                return 0;
        }
        if (!strcmp(key, "user")) {
                *why = "expected a user name";
                if (!conf_user_name_valid(value))
                        return -EINVAL;
                return conf_set_string(&c->user, value);
        }
        if (!strcmp(key, "service-files-max")) {
                *why = "expected a number from 1 to 65536";
                return parse_unsigned(value, 1, 65536, &c->service_files_max);
        }
        if (!strcmp(key, "allow-interfaces")) {
                *why = "expected a list of interface names";
                return parse_iface_list(value, c->allow_interfaces, &c->n_allow_interfaces);
        }
        if (!strcmp(key, "deny-interfaces")) {
                *why = "expected a list of interface names";
                return parse_iface_list(value, c->deny_interfaces, &c->n_deny_interfaces);
        }
        if (!strcmp(key, "runtime-directory") || !strcmp(key, "state-directory") ||
            !strcmp(key, "services-directory")) {
                if (value[0] != '/') {
                        *why = "expected an absolute path";
                        return -EINVAL;
                }
                return conf_set_string(key[0] == 'r' ? &c->runtime_dir :
                                       key[1] == 't' ? &c->state_dir : &c->services_dir, value);
        }
        *why = "unknown key";
        return -ENOENT;
}

int conf_parse_text(struct conf *c, const char *text, const char *filename) {
        char section[64] = "";
        unsigned line = 0;
        int problems = 0;
        const char *p = text;

        while (*p) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t) (nl - p) : strlen(p);
                char buf[1024], *l, *eq;
                const char *why;

                line++;
                if (len >= sizeof buf) {
                        log_warning("%s:%u: line too long (over %zu bytes), ignored", filename, line, sizeof buf - 1);
                        problems++;
                        goto next;
                }
                memcpy(buf, p, len);
                buf[len] = '\0';
                l = strip(buf);
                if (*l == '\0' || *l == '#' || *l == ';')
                        goto next;
                if (*l == '[') {
                        char *end = strchr(l, ']');

                        if (!end || end[1] != '\0' || (size_t) (end - l - 1) >= sizeof section) {
                                log_warning("%s:%u: malformed section header", filename, line);
                                problems++;
                                section[0] = '\0';
                                goto next;
                        }
                        *end = '\0';
                        snprintf(section, sizeof section, "%s", strip(l + 1));
                        goto next;
                }
                eq = strchr(l, '=');
                if (!eq) {
                        log_warning("%s:%u: expected KEY=VALUE", filename, line);
                        problems++;
                        goto next;
                }
                *eq = '\0';
                {
                        char *key = strip(l), *value = strip(eq + 1);
                        int r = conf_set_key(c, section[0] ? section : "(none)", key, value, &why);

                        if (r == -ENOENT) {
                                log_warning("%s:%u: %s '%s' in section [%s], ignored", filename, line, why, key,
                                            section);
                                problems++;
                        } else if (r < 0) {
                                log_warning("%s:%u: invalid value '%s' for '%s' (%s), keeping the default",
                                            filename, line, value, key, why ? why : strerror(-r));
                                problems++;
                        }
                }
        next:
                if (!nl)
                        break;
                p = nl + 1;
        }
        return problems;
}

int conf_load(struct conf *c, const char *path, bool must_exist) {
        FILE *f;
        char *text;
        size_t n;
        int r;

        f = fopen(path, "re");
        if (!f) {
                r = -errno;
                if (r == -ENOENT && !must_exist)
                        return 0;
                log_error("cannot read %s: %s", path, strerror(-r));
                return r;
        }
        text = malloc(CONF_FILE_MAX + 1);
        if (!text) {
                fclose(f);
                return -ENOMEM;
        }
        n = fread(text, 1, CONF_FILE_MAX + 1, f);
        r = ferror(f) ? -EIO : 0;
        fclose(f);
        if (r == 0 && n > CONF_FILE_MAX) {
                log_error("%s: larger than %d bytes, not read", path, CONF_FILE_MAX);
                r = -EFBIG;
        } else if (r == 0 && memchr(text, '\0', n)) {
                log_error("%s: contains a NUL byte, not read", path);
                r = -EINVAL;
        }
        if (r < 0) {
                free(text);
                return r;
        }
        text[n] = '\0';
        r = conf_parse_text(c, text, path);
        free(text);
        return r;
}

bool conf_interface_allowed(const struct conf *c, const char *ifname) {
        for (size_t i = 0; i < c->n_deny_interfaces; i++)
                if (!strcmp(c->deny_interfaces[i], ifname))
                        return false;
        if (c->n_allow_interfaces == 0)
                return true;
        for (size_t i = 0; i < c->n_allow_interfaces; i++)
                if (!strcmp(c->allow_interfaces[i], ifname))
                        return true;
        return false;
}
