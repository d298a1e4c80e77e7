# daemon/mdns/query.mk: the querier (RFC 6762 §5, §7.1–§7.3, §10): the per-link cache, the
# query scheduler, subscriptions with their events (browse.c), their unit tests and the cache's
# fuzz target. Paths are relative to the top of the tree.
daemon_libzcore_la_SOURCES += \
	daemon/mdns/cache.c daemon/mdns/cache.h \
	daemon/mdns/query-sched.c daemon/mdns/query-sched.h \
	daemon/mdns/browse.c daemon/mdns/browse.h

ZC_QUERY_UNIT_TESTS = tests/unit/test-cache tests/unit/test-query-sched tests/unit/test-browse \
	tests/unit/test-browse-local
check_PROGRAMS += $(ZC_QUERY_UNIT_TESTS)
TESTS += $(ZC_QUERY_UNIT_TESTS)

tests_unit_test_cache_SOURCES = tests/unit/test-cache.c tests/unit/query-fake.h
tests_unit_test_cache_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_cache_LDADD = daemon/libzcore.la $(CHECK_LIBS)
tests_unit_test_query_sched_SOURCES = tests/unit/test-query-sched.c tests/unit/query-fake.h
tests_unit_test_query_sched_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_query_sched_LDADD = daemon/libzcore.la $(CHECK_LIBS)
tests_unit_test_browse_SOURCES = tests/unit/test-browse.c tests/unit/query-fake.h
tests_unit_test_browse_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_browse_LDADD = daemon/libzcore.la $(CHECK_LIBS)
tests_unit_test_browse_local_SOURCES = tests/unit/test-browse-local.c tests/unit/query-fake.h
tests_unit_test_browse_local_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_browse_local_LDADD = daemon/libzcore.la $(CHECK_LIBS)

# The fuzz target (tests/fuzz/local.mk builds every fuzz-*.c; seeds in corpus/cache/).
EXTRA_DIST += tests/fuzz/fuzz-cache.c tests/fuzz/gen-cache-corpus.py
