# daemon/systemd/: the systemd unit, the sysusers.d and tmpfiles.d snippets, and the zeroconfd
# user that make install creates when missing (never under DESTDIR, nor with
# --disable-user-creation). Included by the top-level Makefile.am.
systemdsystemunit_DATA = daemon/systemd/zeroconfd.service
sysusers_DATA = daemon/systemd/zeroconfd.conf
tmpfiles_DATA = daemon/systemd/tmpfiles/zeroconfd.conf
EXTRA_DIST += daemon/systemd/zeroconfd.service.in daemon/systemd/sysusers.conf daemon/systemd/tmpfiles.conf.in
CLEANFILES += daemon/systemd/zeroconfd.service daemon/systemd/zeroconfd.conf daemon/systemd/tmpfiles/zeroconfd.conf

# the paths are those of make, so that make install prefix=... gets them right
SYSTEMD_SUBST = sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@runstatedir[@]|$(runstatedir)|g' \
	-e 's|@localstatedir[@]|$(localstatedir)|g'
daemon/systemd/zeroconfd.service: daemon/systemd/zeroconfd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) daemon/systemd && $(SYSTEMD_SUBST) $(srcdir)/daemon/systemd/zeroconfd.service.in >$@.tmp && mv $@.tmp $@
daemon/systemd/zeroconfd.conf: daemon/systemd/sysusers.conf
	$(AM_V_GEN)$(MKDIR_P) daemon/systemd && cp $(srcdir)/daemon/systemd/sysusers.conf $@
daemon/systemd/tmpfiles/zeroconfd.conf: daemon/systemd/tmpfiles.conf.in Makefile
	$(AM_V_GEN)$(MKDIR_P) daemon/systemd/tmpfiles && $(SYSTEMD_SUBST) $(srcdir)/daemon/systemd/tmpfiles.conf.in >$@.tmp && mv $@.tmp $@

install-exec-hook: install-exec-hook-user
install-exec-hook-user:
	@if test -n "$(DESTDIR)"; then \
		echo "  USER     zeroconfd: not created under DESTDIR"; \
	elif test "x$(enable_user_creation)" != xyes; then \
		echo "  USER     zeroconfd: not created (--disable-user-creation)"; \
	elif getent passwd zeroconfd >/dev/null; then \
		echo "  USER     zeroconfd: exists"; \
	elif test "`id -u`" != 0; then \
		echo "  USER     zeroconfd: not root, not created; create it with: useradd --system --user-group --no-create-home --home-dir / --shell /usr/sbin/nologin zeroconfd"; \
	else \
		echo "  USER     zeroconfd: creating it"; \
		useradd --system --user-group --no-create-home --home-dir / --shell /usr/sbin/nologin \
			--comment "Zeroconf daemon" zeroconfd; \
	fi
.PHONY: install-exec-hook-user

# Tests: make install DESTDIR=... puts every file in place, make uninstall removes them all;
# the unit passes systemd-analyze verify when that works here.
TESTS += tests/install.sh
EXTRA_DIST += tests/install.sh
