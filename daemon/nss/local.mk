# daemon/nss: the NSS socket — the protocol (pure, shared with client-lib/nss) and the daemon's
# server on top of the mDNS querier. Included by the top-level Makefile.am.
daemon_libzcore_la_SOURCES += \
	daemon/nss/protocol.c daemon/nss/protocol.h \
	daemon/nss/nss-server.c daemon/nss/nss-server.h

NSS_UNIT_TESTS = tests/unit/test-nss-protocol
check_PROGRAMS += $(NSS_UNIT_TESTS)
TESTS += $(NSS_UNIT_TESTS)
tests_unit_test_nss_protocol_SOURCES = tests/unit/test-nss-protocol.c
tests_unit_test_nss_protocol_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_nss_protocol_LDADD = daemon/libzcore.la $(CHECK_LIBS)

EXTRA_DIST += tests/fuzz/fuzz-nss-protocol.c
