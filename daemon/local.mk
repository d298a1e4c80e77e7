# daemon/: the core library's edge-independent pieces and the zeroconfd program.
daemon_libzcore_la_SOURCES += \
	daemon/loop.c daemon/loop.h \
	daemon/iface.c daemon/iface.h \
	daemon/conf.c daemon/conf.h \
	daemon/ratelimit.c daemon/ratelimit.h

sbin_PROGRAMS += daemon/zeroconfd
daemon_zeroconfd_SOURCES = daemon/main.c daemon/privileges.c daemon/privileges.h
daemon_zeroconfd_CFLAGS = $(AM_CFLAGS) $(LIBDAEMON_CFLAGS) $(LIBNL_CFLAGS) $(LIBNL_ROUTE_CFLAGS)
daemon_zeroconfd_LDADD = daemon/libzcore.la $(LIBDAEMON_LIBS)

# The daemon's life: -D, -c, -r, -k and SIGHUP's reload of the configuration (LAN); the drop to
# its user with CAP_NET_RAW and CAP_NET_ADMIN only, started as root and as systemd starts it
# (LAN); --check-config (no root needed).
DAEMON_LAN_TESTS = tests/lan/test-lifecycle.sh tests/lan/test-privileges.sh
TESTS += $(DAEMON_LAN_TESTS) tests/check-config.sh
EXTRA_DIST += $(DAEMON_LAN_TESTS) tests/check-config.sh

# The rate limit's unit suite (a fake clock).
check_PROGRAMS += tests/unit/test-ratelimit
TESTS += tests/unit/test-ratelimit
tests_unit_test_ratelimit_SOURCES = tests/unit/test-ratelimit.c
tests_unit_test_ratelimit_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_ratelimit_LDADD = daemon/libzcore.la $(CHECK_LIBS)
