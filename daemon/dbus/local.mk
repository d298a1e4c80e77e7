# daemon/dbus/: the D-Bus server (org.zeroconfd1): the bus connection and object table (bus.c),
# Manager, Link and EntryGroup objects; the policy, the introspection XML (installed, and served
# by Introspect: xml-to-c.sh makes introspection.c of it), the activation file; tests.
# Included by the top-level Makefile.am; paths are relative to the top of the tree.
noinst_LTLIBRARIES += daemon/libzbus.la
daemon_libzbus_la_SOURCES = \
	daemon/dbus/bus.c daemon/dbus/bus.h \
	daemon/dbus/manager.c \
	daemon/dbus/link.c \
	daemon/dbus/entry-group.c \
	daemon/dbus/browser.c daemon/dbus/browser.h
nodist_daemon_libzbus_la_SOURCES = daemon/dbus/introspection.c
daemon_libzbus_la_CFLAGS = $(AM_CFLAGS) $(DBUS_CFLAGS) $(LIBNL_CFLAGS) $(LIBNL_ROUTE_CFLAGS)
daemon_libzbus_la_LIBADD = $(DBUS_LIBS)

DBUS_XML = \
	daemon/dbus/org.zeroconfd1.Manager.xml \
	daemon/dbus/org.zeroconfd1.Link.xml \
	daemon/dbus/org.zeroconfd1.EntryGroup.xml \
	daemon/dbus/org.zeroconfd1.ServiceBrowser.xml \
	daemon/dbus/org.zeroconfd1.ServiceTypeBrowser.xml \
	daemon/dbus/org.zeroconfd1.ServiceResolver.xml \
	daemon/dbus/org.zeroconfd1.HostResolver.xml \
	daemon/dbus/org.zeroconfd1.AddressResolver.xml \
	daemon/dbus/org.zeroconfd1.RecordBrowser.xml
daemon/dbus/introspection.c: $(DBUS_XML) daemon/dbus/xml-to-c.sh
	$(AM_V_GEN)$(MKDIR_P) daemon/dbus && $(SHELL) $(srcdir)/daemon/dbus/xml-to-c.sh \
		$(srcdir)/daemon/dbus/org.zeroconfd1.Manager.xml zbus_xml_manager \
		$(srcdir)/daemon/dbus/org.zeroconfd1.Link.xml zbus_xml_link \
		$(srcdir)/daemon/dbus/org.zeroconfd1.EntryGroup.xml zbus_xml_entry_group \
		$(srcdir)/daemon/dbus/org.zeroconfd1.ServiceBrowser.xml zbus_xml_service_browser \
		$(srcdir)/daemon/dbus/org.zeroconfd1.ServiceTypeBrowser.xml zbus_xml_service_type_browser \
		$(srcdir)/daemon/dbus/org.zeroconfd1.ServiceResolver.xml zbus_xml_service_resolver \
		$(srcdir)/daemon/dbus/org.zeroconfd1.HostResolver.xml zbus_xml_host_resolver \
		$(srcdir)/daemon/dbus/org.zeroconfd1.AddressResolver.xml zbus_xml_address_resolver \
		$(srcdir)/daemon/dbus/org.zeroconfd1.RecordBrowser.xml zbus_xml_record_browser >$@.tmp && mv $@.tmp $@
CLEANFILES += daemon/dbus/introspection.c

daemon_zeroconfd_CFLAGS += $(DBUS_CFLAGS)
# libzbus needs libzcore: listed again after it
daemon_zeroconfd_LDADD += daemon/libzbus.la daemon/libzcore.la $(DBUS_LIBS)

dbusinterfacesdir = $(datadir)/dbus-1/interfaces
dist_dbusinterfaces_DATA = $(DBUS_XML)
dbuspolicydir = $(datadir)/dbus-1/system.d
dist_dbuspolicy_DATA = daemon/dbus/org.zeroconfd1.conf
dbusservicedir = $(datadir)/dbus-1/system-services
dist_dbusservice_DATA = daemon/dbus/org.zeroconfd1.service
EXTRA_DIST += daemon/dbus/xml-to-c.sh

DBUS_UNIT_TESTS = tests/unit/test-dbus
check_PROGRAMS += $(DBUS_UNIT_TESTS)
TESTS += $(DBUS_UNIT_TESTS)
tests_unit_test_dbus_SOURCES = tests/unit/test-dbus.c
tests_unit_test_dbus_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(DBUS_CFLAGS) -DDBUS_XML_DIR=\"$(abs_top_srcdir)/daemon/dbus\"
tests_unit_test_dbus_LDADD = daemon/libzbus.la daemon/libzcore.la $(DBUS_LIBS) $(CHECK_LIBS)

# LAN tests: publishing through the real bus of each host, seen by Avahi and python-zeroconf;
# ownership, clean-up on disconnect, hostile arguments, collisions, limits.
DBUS_LAN_TESTS = tests/lan/test-dbus-publish.sh tests/lan/test-dbus-clients.sh tests/lan/test-dbus-hostile.sh \
	tests/lan/test-dbus-reconnect.sh tests/lan/test-dbus-rename.sh \
	tests/lan/test-dbus-link.sh
TESTS += $(DBUS_LAN_TESTS)
EXTRA_DIST += $(DBUS_LAN_TESTS) tests/lan/dbus-client.py

# LAN tests of the browsers and resolvers (browser.c): against zeroconfd, Avahi and
# python-zeroconf publishers, and this host's own services (LOCAL); tests/lan/dbus-browse.py is
# their client.
DBUS_BROWSER_LAN_TESTS = tests/lan/test-dbus-browse.sh tests/lan/test-dbus-browse-resolvers.sh \
	tests/lan/test-dbus-browse-cache-max.sh tests/lan/test-dbus-browse-local.sh
TESTS += $(DBUS_BROWSER_LAN_TESTS)
EXTRA_DIST += $(DBUS_BROWSER_LAN_TESTS) tests/lan/dbus-browse.py
