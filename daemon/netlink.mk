# daemon/netlink: link monitor (libnl-route-3) and its test, which runs against the real kernel
# in private network namespaces (root; skipped otherwise, a failure if CI=true).
daemon_libzcore_la_SOURCES += daemon/netlink.c daemon/netlink.h
check_PROGRAMS += tests/unit/test-netlink
TESTS += tests/unit/test-netlink
tests_unit_test_netlink_SOURCES = tests/unit/test-netlink.c
tests_unit_test_netlink_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(LIBNL_CFLAGS) $(LIBNL_ROUTE_CFLAGS)
tests_unit_test_netlink_LDADD = daemon/libzcore.la $(CHECK_LIBS) $(LIBNL_LIBS) $(LIBNL_ROUTE_LIBS)
