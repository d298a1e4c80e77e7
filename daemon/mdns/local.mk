# daemon/mdns/: Multicast DNS (RFC 6762): sockets, the responder core, the edge.
daemon_libzcore_la_SOURCES += \
	daemon/mdns/socket.c daemon/mdns/socket.h \
	daemon/mdns/host-name.c daemon/mdns/host-name.h \
	daemon/mdns/respond.c daemon/mdns/respond.h \
	daemon/mdns/mdns.c daemon/mdns/mdns.h

# Our own records: registry (entry groups), probing §8.1/§8.2, announcing §8.3/§8.4/§10.1,
# conflicts §9, the host's address records.
daemon_libzcore_la_SOURCES += \
	daemon/mdns/conflict.c daemon/mdns/conflict.h \
	daemon/mdns/probe.c daemon/mdns/probe.h \
	daemon/mdns/announce.c daemon/mdns/announce.h \
	daemon/mdns/registry.c daemon/mdns/registry.h \
	daemon/mdns/host-records.c daemon/mdns/host-records.h

# Their unit tests (Check, fake clock, seeded rng; tests/unit/mdns-fake.h stands in for the sockets).
ZC_MDNS_UNIT_TESTS = tests/unit/test-probe tests/unit/test-announce tests/unit/test-conflict \
	tests/unit/test-registry
check_PROGRAMS += $(ZC_MDNS_UNIT_TESTS)
TESTS += $(ZC_MDNS_UNIT_TESTS)

tests_unit_test_probe_SOURCES = tests/unit/test-probe.c tests/unit/mdns-fake.h
tests_unit_test_probe_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_probe_LDADD = daemon/libzcore.la $(CHECK_LIBS)
tests_unit_test_announce_SOURCES = tests/unit/test-announce.c tests/unit/mdns-fake.h
tests_unit_test_announce_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_announce_LDADD = daemon/libzcore.la $(CHECK_LIBS)
tests_unit_test_conflict_SOURCES = tests/unit/test-conflict.c tests/unit/mdns-fake.h
tests_unit_test_conflict_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_conflict_LDADD = daemon/libzcore.la $(CHECK_LIBS)
tests_unit_test_registry_SOURCES = tests/unit/test-registry.c tests/unit/mdns-fake.h
tests_unit_test_registry_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_registry_LDADD = daemon/libzcore.la $(CHECK_LIBS)

# LAN tests of our own records (tests/lan/local.mk sets the .sh driver and the environment).
ZC_MDNS_LAN_TESTS = tests/lan/test-responder-same-name.sh tests/lan/test-responder-three.sh \
	tests/lan/test-responder-avahi.sh tests/lan/test-responder-churn.sh \
	tests/lan/test-responder-goodbye.sh tests/lan/test-responder-capture.sh \
	tests/lan/test-responder-offlink.sh tests/lan/test-responder-linkflap.sh \
	tests/lan/test-publish-addresses.sh tests/lan/test-legacy-ratelimit.sh
TESTS += $(ZC_MDNS_LAN_TESTS)
EXTRA_DIST += $(ZC_MDNS_LAN_TESTS) tests/lan/legacy-flood.py

# The registry's fuzz target (tests/fuzz/local.mk builds every fuzz-*.c; seeds in corpus/registry/).
EXTRA_DIST += tests/fuzz/fuzz-registry.c
