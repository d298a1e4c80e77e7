# tests/fuzz: libFuzzer targets, built with clang outside libtool (the library is built with
# $(CC), usually gcc). Every tests/fuzz/fuzz-NAME.c is a target; its seed corpus is
# tests/fuzz/corpus/NAME/; extra libFuzzer flags may sit in tests/fuzz/NAME.options and a
# dictionary in tests/fuzz/NAME.dict.
# Each target links all the core library's .c sources, compiled once with clang into
# tests/fuzz/out/obj/ (runs work in tests/fuzz/out/ too); the fuzz-dbus-* targets link the D-Bus
# server's sources (libzbus, in tests/fuzz/out/obj/zbus/) and libdbus-1 as well.
#
#   make fuzz                        build every target into $(builddir)/tests/fuzz/
#   make fuzz-run FUZZ_SECONDS=300   build, then run each target that long on a copy of its
#                                    corpus (tests/fuzz/run-fuzzers.sh); fails on any finding
#
# Adding a target: drop fuzz-NAME.c (and corpus/NAME/) here and list the .c in EXTRA_DIST below.

EXTRA_DIST += \
	tests/fuzz/run-fuzzers.sh \
	tests/fuzz/gen-packet-corpus.py \
	tests/fuzz/fuzz-packet.c tests/fuzz/packet.options tests/fuzz/packet.dict \
	tests/fuzz/fuzz-name.c \
	tests/fuzz/fuzz-conf.c \
	tests/fuzz/fuzz-dbus-args.c tests/fuzz/gen-dbus-args-corpus.py \
	tests/fuzz/corpus

FUZZ_SECONDS = 60
FUZZ_SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/daemon -I$(top_builddir) $(DBUS_CFLAGS) $(CPPFLAGS)
# The library's own flags (pkg-config cflags included); warnings stay warnings here, clang may
# see more than gcc did.
FUZZ_CFLAGS = -g -O1 $(daemon_libzcore_la_CFLAGS) -Wno-error

.PHONY: fuzz fuzz-run clean-fuzz
fuzz: $(top_builddir)/config.h daemon/dbus/introspection.c
	@if test -z "$(CLANG)"; then \
		echo "SKIP: clang not found (configure looks for it): fuzz targets not built"; exit 0; \
	fi; \
	set -e; \
	out=$(builddir)/tests/fuzz; obj=$$out/out/obj; mkdir -p $$obj; \
	stamp=$$obj/.stamp; \
	if test ! -f $$stamp || test -n "`find $(top_srcdir)/daemon $(top_builddir)/config.h \
	        \( -name '*.c' -o -name '*.h' \) -newer $$stamp -print | head -n 1`"; then \
		rm -f $$obj/*.o; rm -rf $$obj/zbus; mkdir -p $$obj/zbus; \
		for src in $(daemon_libzcore_la_SOURCES) $(daemon_libzbus_la_SOURCES) \
		           $(nodist_daemon_libzbus_la_SOURCES); do \
			case $$src in *.c) ;; *) continue ;; esac; \
			case " $(daemon_libzcore_la_SOURCES) " in \
			*" $$src "*) dir=$$obj ;; *) dir=$$obj/zbus ;; esac; \
			o=$$dir/`echo $$src | sed 's|[/.]|_|g'`.o; \
			if test -f $(top_srcdir)/$$src; then s=$(top_srcdir)/$$src; else s=$(top_builddir)/$$src; fi; \
			echo "  CLANG    $$src"; \
			$(CLANG) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) $(FUZZ_SANITIZE) -fsanitize=fuzzer-no-link \
				-c $$s -o $$o; \
		done; \
		touch $$stamp; \
	fi; \
	failed=; \
	for src in $(top_srcdir)/tests/fuzz/fuzz-*.c; do \
		test -f "$$src" || continue; \
		name=`basename $$src .c`; \
		if test -f $$out/$$name && test ! $$src -nt $$out/$$name && test ! $$stamp -nt $$out/$$name; then \
			continue; \
		fi; \
		extra=; \
		case $$name in fuzz-dbus-*) extra="$$obj/zbus/*.o $(DBUS_LIBS)" ;; esac; \
		echo "  CLANG    $$out/$$name"; \
		$(CLANG) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) $(FUZZ_SANITIZE) -fsanitize=fuzzer \
			$$src $$extra $$obj/*.o $(daemon_libzcore_la_LIBADD) $(LIBS) -o $$out/$$name \
			|| failed="$$failed $$name"; \
	done; \
	if test -n "$$failed"; then echo "fuzz: failed to build:$$failed" >&2; exit 1; fi

fuzz-run: fuzz
	$(SHELL) $(top_srcdir)/tests/fuzz/run-fuzzers.sh $(FUZZ_SECONDS)

clean-fuzz:
	-rm -rf $(builddir)/tests/fuzz/out
	-for src in $(top_srcdir)/tests/fuzz/fuzz-*.c; do \
		rm -f $(builddir)/tests/fuzz/`basename $$src .c`; \
	done
clean-local: clean-fuzz
