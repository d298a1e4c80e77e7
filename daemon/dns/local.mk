# daemon/dns: the DNS wire codec (names, records, packets) and its unit tests.
# Included by the top-level Makefile.am; paths are relative to the top of the tree.
daemon_libzcore_la_SOURCES += \
	daemon/dns/dns.h \
	daemon/dns/dns-internal.h \
	daemon/dns/dns-name.c daemon/dns/dns-name.h \
	daemon/dns/dns-rr.c daemon/dns/dns-rr.h \
	daemon/dns/dns-packet.c daemon/dns/dns-packet.h

check_PROGRAMS += tests/unit/test-dns-name tests/unit/test-dns-rr tests/unit/test-dns-packet
TESTS += tests/unit/test-dns-name tests/unit/test-dns-rr tests/unit/test-dns-packet

tests_unit_test_dns_name_SOURCES = tests/unit/test-dns-name.c
tests_unit_test_dns_name_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_dns_name_LDADD = daemon/libzcore.la $(CHECK_LIBS)

tests_unit_test_dns_rr_SOURCES = tests/unit/test-dns-rr.c
tests_unit_test_dns_rr_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_dns_rr_LDADD = daemon/libzcore.la $(CHECK_LIBS)

tests_unit_test_dns_packet_SOURCES = tests/unit/test-dns-packet.c
tests_unit_test_dns_packet_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_dns_packet_LDADD = daemon/libzcore.la $(CHECK_LIBS)
