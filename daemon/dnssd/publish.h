/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Publishing DNS-SD service groups (service.h) as mDNS records through the registry: one
 * registry entry group per service group, holding for each service, on each interface and
 * transport the service names (RFC 6763):
 *   <instance>.<type>.<domain>      SRV (unique; target: <host-name> or our host name) and TXT
 *                                   (unique), probed together (§4.1, RFC 6762 §8.1)
 *   <type>.<domain>                 PTR → instance (shared, §4.1)
 *   <sub>._sub.<type>.<domain>      PTR → instance (shared, §7.1), one per subtype
 *   _services._dns-sd._udp.<domain> PTR → <type>.<domain> (shared, §9; other groups may publish
 *                                   the same record: the registry sends no goodbye for it while
 *                                   another one stays)
 * A placeholder (port 0) publishes SRV and TXT only. TTLs per RFC 6762 §10: SRV 120 s (it holds
 * a host name), TXT and PTR 75 minutes.
 *
 * On losing the instance name (a peer answers our probe, wins a simultaneous probe, or keeps a
 * conflicting record after §9 probing) the group is renamed "Name" → "Name (2)" → "Name (3)" … (RFC 6762
 * §9, as Apple's mDNSResponder does) and probed again; each rename is logged once with the
 * peer's address and the group's source. A group whose name holds %h follows host renames; a
 * service without <host-name> gets its SRV target updated (announced, §8.4).
 *
 * A service limited to named interfaces is published on those that exist; one that appears later
 * gets it at once, one that goes loses it. No I/O: the daemon tells the publisher about interfaces
 * and host renames; `changed` tells it the registry has work to do. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "dnssd/service.h"
#include "mdns/registry.h"

/* Renames of one group before we give up on it (a bound on a pathological LAN). */
#define DNSSD_PUBLISH_RENAMES_MAX 1000

struct dnssd_publisher;
struct dnssd_pub;

struct dnssd_publisher_config {
        struct registry *registry;
        const char *host_name; /* "myhost.local": the SRV target and %h ("myhost") */
        /* Optional: the registry was changed outside its own callbacks (arm its timer). */
        void (*changed)(void *userdata);
        void *userdata;
};

int dnssd_publisher_new(struct dnssd_publisher **ret, const struct dnssd_publisher_config *cfg);
/* Frees every group still published (goodbyes for what is still out) and the publisher. */
void dnssd_publisher_free(struct dnssd_publisher *p, usec_t now);

/* The host name changed ("myhost-2.local"): %h groups are published again under the new name,
 * the SRV records that point at the host are updated. -EINVAL for a bad name. */
int dnssd_publisher_set_host_name(struct dnssd_publisher *p, const char *host_name, usec_t now);
/* An interface exists (new, or renamed) / is gone: services limited to interface names follow. */
void dnssd_publisher_iface_update(struct dnssd_publisher *p, int ifindex, const char *name, usec_t now);
void dnssd_publisher_iface_remove(struct dnssd_publisher *p, int ifindex, usec_t now);
size_t dnssd_publisher_get_n_pubs(const struct dnssd_publisher *p);

/* Publish a copy of group g (the caller keeps g); `source` names it in messages ("DIR/x.service").
 * -ENOMEM, -EINVAL (a name that cannot be built). Problems publishing single records are logged. */
int dnssd_pub_new(struct dnssd_publisher *p, const struct dnssd_group *g, const char *source, usec_t now,
                  struct dnssd_pub **ret);
/* Stop publishing (goodbyes, RFC 6762 §10.1) and free. NULL is fine. */
void dnssd_pub_free(struct dnssd_pub *pub, usec_t now);

enum dnssd_pub_update_kind {
        DNSSD_PUB_SAME,        /* nothing to do */
        DNSSD_PUB_TXT_UPDATED, /* only TXT records changed: updated in place, announced, no probing */
        DNSSD_PUB_REPUBLISHED, /* anything else: withdrawn with goodbyes and published again */
};

/* The group's definition changed: publish g (copied) in place of the old one. Returns the kind
 * of update made (>= 0) or a negative errno (the old version then stays published). */
int dnssd_pub_update(struct dnssd_pub *pub, const struct dnssd_group *g, usec_t now);

/* The instance name published now ("Name (2)"), the number of renames so far, the state. */
const char *dnssd_pub_get_name(const struct dnssd_pub *pub);
unsigned dnssd_pub_get_renames(const struct dnssd_pub *pub);
enum reg_group_state dnssd_pub_get_state(const struct dnssd_pub *pub);
struct reg_group *dnssd_pub_get_group(const struct dnssd_pub *pub);
const struct dnssd_group *dnssd_pub_get_model(const struct dnssd_pub *pub);

/* The records of one service under the instance label (RFC 6763), each handed to add(): SRV
 * (target: the service's host, else `host`) and TXT under <instance>.<type>.<domain>, both unique;
 * unless a placeholder, the shared PTRs of the type, each subtype and the service type
 * enumeration (§4.1, §7.1, §9; an add() of a shared PTR returning -EEXIST is not an error).
 * TTLs per RFC 6762 §10. The first error of add() or of building a name is returned. Shared by
 * the publisher and the D-Bus entry groups. */
typedef int (*dnssd_record_cb)(void *userdata, const struct dns_name *name, uint16_t type, uint32_t ttl, bool unique,
                               const uint8_t *rdata, size_t rdlength);
int dnssd_service_records(const struct dnssd_service *s, const char *instance_label, const struct dns_name *host,
                          dnssd_record_cb add, void *userdata);

/* The n-th name to try for base (RFC 6762 §9 wants a new name; the " (n)" form is Apple's
 * mDNSResponder's, which peers show): n <= 1 the base itself,
 * else "base (n)", the base cut at a UTF-8 character boundary so that the whole fits
 * DNSSD_INSTANCE_NAME_MAX octets. buf needs DNSSD_INSTANCE_NAME_MAX + 1 bytes. Returns the
 * length or -ENOBUFS. */
int dnssd_name_alternative(const char *base, unsigned n, char *buf, size_t size);
