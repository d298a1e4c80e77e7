# tests/unit/: Check suites for the pieces of daemon/ owned by no other fragment.
# Each suite is one program; the codec, netlink and IPv4LL suites live in their parts' fragments.
UNIT_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
UNIT_LDADD = daemon/libzcore.la $(CHECK_LIBS)

ZC_UNIT_TESTS = tests/unit/test-loop tests/unit/test-iface tests/unit/test-host-name \
	tests/unit/test-conf tests/unit/test-respond tests/unit/test-util
check_PROGRAMS += $(ZC_UNIT_TESTS)
TESTS += $(ZC_UNIT_TESTS)

tests_unit_test_util_SOURCES = tests/unit/test-util.c
tests_unit_test_util_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_util_LDADD = $(UNIT_LDADD)
tests_unit_test_loop_SOURCES = tests/unit/test-loop.c
tests_unit_test_loop_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_loop_LDADD = $(UNIT_LDADD)
tests_unit_test_iface_SOURCES = tests/unit/test-iface.c
tests_unit_test_iface_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_iface_LDADD = $(UNIT_LDADD)
tests_unit_test_host_name_SOURCES = tests/unit/test-host-name.c
tests_unit_test_host_name_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_host_name_LDADD = $(UNIT_LDADD)
tests_unit_test_conf_SOURCES = tests/unit/test-conf.c
tests_unit_test_conf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_conf_LDADD = $(UNIT_LDADD)
tests_unit_test_respond_SOURCES = tests/unit/test-respond.c
tests_unit_test_respond_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_respond_LDADD = $(UNIT_LDADD)
EXTRA_DIST += tests/unit/unit.h
