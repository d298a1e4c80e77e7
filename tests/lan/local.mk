# tests/lan: the virtual-LAN harness and the LAN tests (included by the top-level Makefile.am).
# Each test is a bash script that sources tests/lan/lan.sh, builds its own network-namespace
# LAN (names unique to the run, so the tests may run in parallel) and exits 0 pass, 1 fail,
# 77 skip (not root outside CI; with CI=true a missing requirement fails instead).
LAN_TESTS = \
	tests/lan/test-avahi-harness.sh \
	tests/lan/test-resolve.sh \
	tests/lan/test-avahi-resolves-us.sh \
	tests/lan/test-malformed.sh \
	tests/lan/test-hostile-peer.sh \
	tests/lan/test-dbus-hostile-clients.sh \
	tests/lan/test-faults.sh \
	tests/lan/test-browse-many.sh
TESTS += $(LAN_TESTS)
EXTRA_DIST += $(LAN_TESTS) tests/lan/lan.sh tests/lan/mdns-query tests/lan/send-raw \
	tests/lan/hostile-peer.py tests/lan/dbus-hostile-clients.py

TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = bash
# The one AM_TESTS_ENVIRONMENT of the Makefile (for every test): the LAN tests find the daemon in
# the build tree and their harness in the source tree, which may be read-only (make distcheck).
AM_TESTS_ENVIRONMENT = \
	ZEROCONFD='$(abs_top_builddir)/daemon/zeroconfd'; \
	LAN_DIR='$(abs_top_srcdir)/tests/lan'; \
	ZEROCONFCTL='$(abs_top_builddir)/client-lib/zeroconfctl'; \
	ZC_BUILDDIR='$(abs_top_builddir)'; \
	export ZEROCONFD LAN_DIR ZEROCONFCTL ZC_BUILDDIR;
