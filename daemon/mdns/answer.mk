# daemon/mdns/answer.mk: the answering rules (RFC 6762 §6, §6.7, §7): what to answer
# (respond.c, which daemon/mdns/local.mk lists), known-answer suppression and the response
# scheduler, and their unit tests. Paths are relative to the top of the tree.
daemon_libzcore_la_SOURCES += \
	daemon/mdns/known-answer.c daemon/mdns/known-answer.h \
	daemon/mdns/response-sched.c daemon/mdns/response-sched.h

check_PROGRAMS += tests/unit/test-response-sched
TESTS += tests/unit/test-response-sched

tests_unit_test_response_sched_SOURCES = tests/unit/test-response-sched.c tests/unit/fake-record-store.h
tests_unit_test_response_sched_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_response_sched_LDADD = daemon/libzcore.la $(CHECK_LIBS)

# The fuzz target (tests/fuzz/local.mk builds every fuzz-*.c; the corpus directory is listed there).
EXTRA_DIST += tests/fuzz/fuzz-respond.c tests/fuzz/respond.options tests/fuzz/gen-respond-corpus.py
