/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The browsers and resolvers of the D-Bus API (browser.c): org.zeroconfd1.ServiceBrowser,
 * .ServiceTypeBrowser, .ServiceResolver, .HostResolver, .AddressResolver, .RecordBrowser, each a
 * subscription of the mDNS querier (mdns/browse.h) translated to D-Bus.
 *
 * The contract with manager.c: zbus_browsers_manager_methods is a second method table of
 * org.zeroconfd1.Manager (the factories ServiceBrowserNew, … and the one-shot ResolveService,
 * ResolveHostName, ResolveAddress); the dispatcher (bus.c) looks a Manager method up in
 * manager.c's table first, then here, checks the signature, and calls the handler with the
 * Manager object. Each method listed must appear in org.zeroconfd1.Manager.xml (the unit test
 * test-dbus-xml checks both ways). Objects are made with zbus_object_new() (bus.h).
 *
 * Life of an object: the factory validates every argument (a named error naming the argument)
 * and returns the path of an idle object owned by the caller; Start() subscribes (so no signal
 * can be missed), Free() (or the owner leaving the bus) unsubscribes. Its signals go to the owner:
 *   ItemNew / ItemRemove   (browsers) an item appeared / went away
 *   Found / ItemRemove     (resolvers) a result, again when it changed (TXT) / it went away
 *   CacheExhausted         the items already in the cache were reported
 *   AllForNow              the first burst of answers is probably over (RFC 6762 §5.2's first
 *                          query has been answered: about a second after Start)
 *   Failure                (resolvers) nothing found ZBUS_RESOLVE_TIMEOUT_USEC after Start, sent
 *                          once; the resolver keeps looking
 * A one-shot call (ResolveService, …) is answered with the first result, or the named error
 * Timeout after ZBUS_RESOLVE_TIMEOUT_USEC; while it waits it counts as one of the caller's
 * objects (a hidden "resolve" object, freed with the caller).
 * Addresses are text ("169.254.3.4", "fe80::1%eth0"): an IPv6 link-local address always carries
 * its interface (Avahi bug #110). */
#pragma once

#include "dbus/bus.h"

#define ZBUS_ERROR_TIMEOUT ZBUS_ERROR_PREFIX "Timeout"
#define ZBUS_RESOLVE_TIMEOUT_USEC (5ULL * 1000000ULL)

extern const struct zbus_method zbus_browsers_manager_methods[];

/* The vtables, for the XML check. */
extern const struct zbus_vtable zbus_service_browser_vtable;
extern const struct zbus_vtable zbus_service_type_browser_vtable;
extern const struct zbus_vtable zbus_service_resolver_vtable;
extern const struct zbus_vtable zbus_host_resolver_vtable;
extern const struct zbus_vtable zbus_address_resolver_vtable;
extern const struct zbus_vtable zbus_record_browser_vtable;

/* Generated from the XML files (introspection.c). */
extern const char zbus_xml_service_browser[];
extern const char zbus_xml_service_type_browser[];
extern const char zbus_xml_service_resolver[];
extern const char zbus_xml_host_resolver[];
extern const char zbus_xml_address_resolver[];
extern const char zbus_xml_record_browser[];
