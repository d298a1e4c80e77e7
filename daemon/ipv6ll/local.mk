# daemon/ipv6ll: IPv6 link-local and the SLAAC helper (RFC 4862 DAD, RFC 7217 identifiers).
# The cores are pure (no I/O); their Check suites drive them with a fake clock.
daemon_libzcore_la_SOURCES += \
	daemon/ipv6ll/sha256.c daemon/ipv6ll/sha256.h \
	daemon/ipv6ll/rfc7217.c daemon/ipv6ll/rfc7217.h \
	daemon/ipv6ll/dad.c daemon/ipv6ll/dad.h \
	daemon/ipv6ll/ipv6ll.c daemon/ipv6ll/ipv6ll.h

# The daemon's edge (I/O): the secret key file, and the manager that runs one core per link
# with its timer and netlink requests.
daemon_libzcore_la_SOURCES += \
	daemon/ipv6ll/secret-key.c daemon/ipv6ll/secret-key.h \
	daemon/ipv6ll/ipv6ll-manager.c daemon/ipv6ll/ipv6ll-manager.h

IPV6LL_UNIT_TESTS = tests/unit/test-sha256 tests/unit/test-rfc7217 tests/unit/test-ipv6ll-dad \
	tests/unit/test-ipv6ll tests/unit/test-ipv6ll-publish tests/unit/test-ipv6ll-manager
check_PROGRAMS += $(IPV6LL_UNIT_TESTS)
TESTS += $(IPV6LL_UNIT_TESTS)

tests_unit_test_sha256_SOURCES = tests/unit/test-sha256.c
tests_unit_test_sha256_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_sha256_LDADD = daemon/libzcore.la $(CHECK_LIBS)

tests_unit_test_rfc7217_SOURCES = tests/unit/test-rfc7217.c
tests_unit_test_rfc7217_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_rfc7217_LDADD = daemon/libzcore.la $(CHECK_LIBS)

tests_unit_test_ipv6ll_dad_SOURCES = tests/unit/test-ipv6ll-dad.c tests/unit/test-ipv6ll-common.h
tests_unit_test_ipv6ll_dad_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_ipv6ll_dad_LDADD = daemon/libzcore.la $(CHECK_LIBS)

tests_unit_test_ipv6ll_SOURCES = tests/unit/test-ipv6ll.c tests/unit/test-ipv6ll-common.h
tests_unit_test_ipv6ll_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_ipv6ll_LDADD = daemon/libzcore.la $(CHECK_LIBS)

# What mDNS publishes as the DAD states change (the interface table and the host's records).
tests_unit_test_ipv6ll_publish_SOURCES = tests/unit/test-ipv6ll-publish.c tests/unit/mdns-fake.h
tests_unit_test_ipv6ll_publish_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_ipv6ll_publish_LDADD = daemon/libzcore.la $(CHECK_LIBS)

# The manager's read-only API and observer (for D-Bus), with its netlink requests replaced.
tests_unit_test_ipv6ll_manager_SOURCES = tests/unit/test-ipv6ll-manager.c tests/unit/test-ipv6ll-common.h
tests_unit_test_ipv6ll_manager_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_ipv6ll_manager_LDADD = daemon/libzcore.la $(CHECK_LIBS)

# LAN tests (real kernel DAD, root, network namespaces). The driver settings come from
# tests/lan/local.mk.
IPV6LL_LAN_TESTS = tests/lan/test-ipv6ll-publish.sh tests/lan/test-ipv6ll-dad-failure.sh
TESTS += $(IPV6LL_LAN_TESTS)
EXTRA_DIST += $(IPV6LL_LAN_TESTS)
