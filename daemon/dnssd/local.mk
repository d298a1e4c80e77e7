# daemon/dnssd/: DNS-SD (RFC 6763) services: the model, service files (expat), the services.d
# folder; the shipped example files, their DTD and zeroconfd.service(5); unit tests.
# Included by the top-level Makefile.am; paths are relative to the top of the tree.
daemon_libzcore_la_SOURCES += \
	daemon/dnssd/validate.c daemon/dnssd/validate.h \
	daemon/dnssd/service.c daemon/dnssd/service.h \
	daemon/dnssd/service-file.c daemon/dnssd/service-file.h \
	daemon/dnssd/service-dir.c daemon/dnssd/service-dir.h \
	daemon/dnssd/publish.c daemon/dnssd/publish.h \
	daemon/dnssd/services-watch.c daemon/dnssd/services-watch.h
daemon_libzcore_la_CFLAGS += $(EXPAT_CFLAGS)
daemon_libzcore_la_LIBADD += $(EXPAT_LIBS)

# The shipped services and the DTD the files may name (never loaded by the parser).
servicesdir = $(sysconfdir)/zeroconfd/services.d
dist_services_DATA = services.d/ssh.service services.d/sftp-ssh.service
dtddir = $(datadir)/zeroconfd
dist_dtd_DATA = services.d/zeroconfd-service.dtd
dist_man5_MANS += man/zeroconfd.service.5

DNSSD_UNIT_TESTS = tests/unit/test-dnssd-validate tests/unit/test-service-file tests/unit/test-service-dir \
	tests/unit/test-dnssd-publish
check_PROGRAMS += $(DNSSD_UNIT_TESTS)
TESTS += $(DNSSD_UNIT_TESTS)

tests_unit_test_dnssd_validate_SOURCES = tests/unit/test-dnssd-validate.c
tests_unit_test_dnssd_validate_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_dnssd_validate_LDADD = daemon/libzcore.la $(CHECK_LIBS)

tests_unit_test_service_file_SOURCES = tests/unit/test-service-file.c
tests_unit_test_service_file_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_service_file_LDADD = daemon/libzcore.la $(CHECK_LIBS)

tests_unit_test_service_dir_SOURCES = tests/unit/test-service-dir.c
tests_unit_test_service_dir_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) -DSERVICES_SRCDIR=\"$(abs_top_srcdir)/services.d\"
tests_unit_test_service_dir_LDADD = daemon/libzcore.la $(CHECK_LIBS)

tests_unit_test_dnssd_publish_SOURCES = tests/unit/test-dnssd-publish.c tests/unit/mdns-fake.h
tests_unit_test_dnssd_publish_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_dnssd_publish_LDADD = daemon/libzcore.la $(CHECK_LIBS)

# LAN tests: services.d seen by Avahi and python-zeroconf (resolve, edit, delete, a broken file);
# instance name conflicts between zeroconfd hosts. The harness's settings: tests/lan/local.mk.
DNSSD_LAN_TESTS = tests/lan/test-dnssd-peers.sh tests/lan/test-dnssd-conflict.sh
TESTS += $(DNSSD_LAN_TESTS)
EXTRA_DIST += $(DNSSD_LAN_TESTS)

EXTRA_DIST += tests/fuzz/fuzz-service-file.c tests/fuzz/service-file.dict
