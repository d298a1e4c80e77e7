# daemon/ipv4ll: IPv4 link-local (RFC 3927) and address conflict detection (RFC 5227).
# The cores are pure state machines (no I/O); their Check suites drive them with a fake clock.
daemon_libzcore_la_SOURCES += \
	daemon/ipv4ll/arp-packet.c daemon/ipv4ll/arp-packet.h \
	daemon/ipv4ll/acd.c daemon/ipv4ll/acd.h \
	daemon/ipv4ll/ipv4ll.c daemon/ipv4ll/ipv4ll.h

check_PROGRAMS += tests/unit/test-acd tests/unit/test-ipv4ll
TESTS += tests/unit/test-acd tests/unit/test-ipv4ll

tests_unit_test_acd_SOURCES = tests/unit/test-acd.c
tests_unit_test_acd_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_acd_LDADD = daemon/libzcore.la $(CHECK_LIBS)

tests_unit_test_ipv4ll_SOURCES = tests/unit/test-ipv4ll.c
tests_unit_test_ipv4ll_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_ipv4ll_LDADD = daemon/libzcore.la $(CHECK_LIBS)

# The daemon's edge (I/O): ARP over AF_PACKET, and the manager that runs one core per interface
# with its socket, timer, netlink address and route, and state file.
daemon_libzcore_la_SOURCES += \
	daemon/ipv4ll/arp-socket.c daemon/ipv4ll/arp-socket.h \
	daemon/ipv4ll/ipv4ll-manager.c daemon/ipv4ll/ipv4ll-manager.h

# LAN tests (real kernel, real ARP, RFC-exact timing; root, in network namespaces). The driver
# settings (TEST_EXTENSIONS, SH_LOG_COMPILER, AM_TESTS_ENVIRONMENT) come from tests/lan/local.mk.
TESTS += tests/lan/test-ipv4ll-claim.sh tests/lan/test-ipv4ll-conflict.sh
EXTRA_DIST += tests/lan/test-ipv4ll-claim.sh tests/lan/test-ipv4ll-conflict.sh tests/lan/ipv4ll-arp
