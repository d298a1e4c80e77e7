# client-lib/: libzeroconf-client (the C client of org.zeroconfd1 on libdbus-1), its header
# <zeroconf/client.h>, pkg-config file and symbol map; zeroconfctl built on it; their man pages
# and tests. Included by the top-level Makefile.am; paths are relative to the top of the tree.

# The code, as a convenience library the unit tests link (they reach the zc__ internals).
noinst_LTLIBRARIES += client-lib/libzcclient.la
client_lib_libzcclient_la_SOURCES = client-lib/client.c client-lib/client-internal.h
client_lib_libzcclient_la_CPPFLAGS = -include $(top_builddir)/config.h -I$(top_srcdir)/client-lib
client_lib_libzcclient_la_CFLAGS = $(AM_CFLAGS) $(DBUS_CFLAGS)
client_lib_libzcclient_la_LIBADD = $(DBUS_LIBS)

# The installed library: soname libzeroconf-client.so.0; only zc_* exported (the symbol map).
# -version-info: bump current (and zero age) on an incompatible change of the API.
lib_LTLIBRARIES = client-lib/libzeroconf-client.la
client_lib_libzeroconf_client_la_SOURCES =
client_lib_libzeroconf_client_la_LIBADD = client-lib/libzcclient.la $(DBUS_LIBS)
client_lib_libzeroconf_client_la_LDFLAGS = $(AM_LDFLAGS) -version-info 0:0:0 \
	-Wl,--version-script=$(top_srcdir)/client-lib/libzeroconf-client.sym
EXTRA_client_lib_libzeroconf_client_la_DEPENDENCIES = client-lib/libzeroconf-client.sym
EXTRA_DIST += client-lib/libzeroconf-client.sym client-lib/zeroconf-client.pc.in

zeroconfincludedir = $(includedir)/zeroconf
zeroconfinclude_HEADERS = client-lib/zeroconf/client.h

pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = client-lib/zeroconf-client.pc

# zeroconfctl: the administrator's tool, on the installed library.
bin_PROGRAMS += client-lib/zeroconfctl
client_lib_zeroconfctl_SOURCES = client-lib/zeroconfctl.c
client_lib_zeroconfctl_CPPFLAGS = -include $(top_builddir)/config.h -I$(top_srcdir)/client-lib
client_lib_zeroconfctl_LDADD = client-lib/libzeroconf-client.la

dist_man1_MANS = man/zeroconfctl.1
dist_man3_MANS = man/libzeroconf-client.3

# Unit tests: the library's argument handling (no bus needed), and the exported symbols.
CLIENT_UNIT_TESTS = tests/unit/test-client
check_PROGRAMS += $(CLIENT_UNIT_TESTS)
TESTS += $(CLIENT_UNIT_TESTS)
tests_unit_test_client_SOURCES = tests/unit/test-client.c
tests_unit_test_client_CPPFLAGS = -include $(top_builddir)/config.h -I$(top_srcdir)/client-lib
tests_unit_test_client_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(DBUS_CFLAGS)
tests_unit_test_client_LDADD = client-lib/libzcclient.la $(DBUS_LIBS) $(CHECK_LIBS)

TESTS += tests/client-symbols.sh
EXTRA_DIST += tests/client-symbols.sh

# LAN: zeroconfctl against zeroconfd and Avahi peers (every verb, tables and --json, exit codes,
# the manual's example program); a client that follows a restart of the daemon.
CLIENT_LAN_TESTS = tests/lan/test-zeroconfctl.sh tests/lan/test-zeroconfctl-restart.sh
TESTS += $(CLIENT_LAN_TESTS)
EXTRA_DIST += $(CLIENT_LAN_TESTS)

# The manual's example compiles against the header and links against the library.
TESTS += tests/client-example.sh
EXTRA_DIST += tests/client-example.sh

# bash completion of zeroconfctl; the test keeps it true to --help.
bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = client-lib/zeroconfctl.bash-completion
install-data-hook: install-data-hook-completion
install-data-hook-completion:
	mv -f "$(DESTDIR)$(bashcompletiondir)/zeroconfctl.bash-completion" "$(DESTDIR)$(bashcompletiondir)/zeroconfctl"
uninstall-hook: uninstall-hook-completion
uninstall-hook-completion:
	rm -f "$(DESTDIR)$(bashcompletiondir)/zeroconfctl"
.PHONY: install-data-hook-completion uninstall-hook-completion
TESTS += tests/client-completion.sh
EXTRA_DIST += tests/client-completion.sh
