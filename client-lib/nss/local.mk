# client-lib/nss: libnss_zeroconf.so.2 and its forms (zeroconf, zeroconf4, zeroconf6, and the
# _minimal ones), one source compiled per form. Installed to $(libdir) without their .la files
# (glibc dlopens libnss_NAME.so.2 by name; configure --libdir=/usr/lib/$(gcc -print-multiarch)
# puts them where glibc looks on Debian). Never built with the sanitizers (see configure.ac).
nsslibdir = $(libdir)
NSS_FORMS = zeroconf zeroconf4 zeroconf6 zeroconf_minimal zeroconf4_minimal zeroconf6_minimal
nsslib_LTLIBRARIES = \
	client-lib/nss/libnss_zeroconf.la client-lib/nss/libnss_zeroconf4.la \
	client-lib/nss/libnss_zeroconf6.la client-lib/nss/libnss_zeroconf_minimal.la \
	client-lib/nss/libnss_zeroconf4_minimal.la client-lib/nss/libnss_zeroconf6_minimal.la

NSS_SOURCES = client-lib/nss/nss-zeroconf.c daemon/nss/protocol.c daemon/nss/protocol.h
NSS_CPPFLAGS = -include $(top_builddir)/config.h -I$(top_srcdir)/daemon \
	-DNSS_SOCKET_PATH=\"$(runstatedir)/zeroconfd/nss.socket\"
NSS_CFLAGS = $(ZC_WARN_CFLAGS) -fvisibility=hidden
NSS_LDFLAGS = -module -avoid-version -shrext .so.2 -export-symbols-regex '^_nss_' -Wl,-z,defs -Wl,-z,now -Wl,-z,relro

client_lib_nss_libnss_zeroconf_la_SOURCES = $(NSS_SOURCES)
client_lib_nss_libnss_zeroconf_la_CPPFLAGS = $(NSS_CPPFLAGS) -DNSS_MODULE=zeroconf -DNSS_FAMILY=AF_UNSPEC -DNSS_MINIMAL=0
client_lib_nss_libnss_zeroconf_la_CFLAGS = $(NSS_CFLAGS)
client_lib_nss_libnss_zeroconf_la_LDFLAGS = $(NSS_LDFLAGS)
client_lib_nss_libnss_zeroconf4_la_SOURCES = $(NSS_SOURCES)
client_lib_nss_libnss_zeroconf4_la_CPPFLAGS = $(NSS_CPPFLAGS) -DNSS_MODULE=zeroconf4 -DNSS_FAMILY=AF_INET -DNSS_MINIMAL=0
client_lib_nss_libnss_zeroconf4_la_CFLAGS = $(NSS_CFLAGS)
client_lib_nss_libnss_zeroconf4_la_LDFLAGS = $(NSS_LDFLAGS)
client_lib_nss_libnss_zeroconf6_la_SOURCES = $(NSS_SOURCES)
client_lib_nss_libnss_zeroconf6_la_CPPFLAGS = $(NSS_CPPFLAGS) -DNSS_MODULE=zeroconf6 -DNSS_FAMILY=AF_INET6 -DNSS_MINIMAL=0
client_lib_nss_libnss_zeroconf6_la_CFLAGS = $(NSS_CFLAGS)
client_lib_nss_libnss_zeroconf6_la_LDFLAGS = $(NSS_LDFLAGS)
client_lib_nss_libnss_zeroconf_minimal_la_SOURCES = $(NSS_SOURCES)
client_lib_nss_libnss_zeroconf_minimal_la_CPPFLAGS = $(NSS_CPPFLAGS) -DNSS_MODULE=zeroconf_minimal -DNSS_FAMILY=AF_UNSPEC -DNSS_MINIMAL=1
client_lib_nss_libnss_zeroconf_minimal_la_CFLAGS = $(NSS_CFLAGS)
client_lib_nss_libnss_zeroconf_minimal_la_LDFLAGS = $(NSS_LDFLAGS)
client_lib_nss_libnss_zeroconf4_minimal_la_SOURCES = $(NSS_SOURCES)
client_lib_nss_libnss_zeroconf4_minimal_la_CPPFLAGS = $(NSS_CPPFLAGS) -DNSS_MODULE=zeroconf4_minimal -DNSS_FAMILY=AF_INET -DNSS_MINIMAL=1
client_lib_nss_libnss_zeroconf4_minimal_la_CFLAGS = $(NSS_CFLAGS)
client_lib_nss_libnss_zeroconf4_minimal_la_LDFLAGS = $(NSS_LDFLAGS)
client_lib_nss_libnss_zeroconf6_minimal_la_SOURCES = $(NSS_SOURCES)
client_lib_nss_libnss_zeroconf6_minimal_la_CPPFLAGS = $(NSS_CPPFLAGS) -DNSS_MODULE=zeroconf6_minimal -DNSS_FAMILY=AF_INET6 -DNSS_MINIMAL=1
client_lib_nss_libnss_zeroconf6_minimal_la_CFLAGS = $(NSS_CFLAGS)
client_lib_nss_libnss_zeroconf6_minimal_la_LDFLAGS = $(NSS_LDFLAGS)

# glibc needs the .so.2 alone
install-exec-hook: install-exec-hook-nss
install-exec-hook-nss:
	for f in $(NSS_FORMS); do rm -f "$(DESTDIR)$(nsslibdir)/libnss_$$f.la"; done
uninstall-hook: uninstall-hook-nss
uninstall-hook-nss:
	for f in $(NSS_FORMS); do rm -f "$(DESTDIR)$(nsslibdir)/libnss_$$f.so.2"; done
.PHONY: install-exec-hook-nss uninstall-hook-nss

dist_man8_MANS += man/nss-zeroconf.8

# LAN: getent through the module (a private nsswitch.conf in a mount namespace), and the
# socket under a storm of bad clients.
NSS_LAN_TESTS = tests/lan/test-nss.sh tests/lan/test-nss-stress.sh
TESTS += $(NSS_LAN_TESTS)
EXTRA_DIST += $(NSS_LAN_TESTS) tests/lan/nss-storm.py
