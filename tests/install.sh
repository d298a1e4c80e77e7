#!/bin/bash
# make install DESTDIR=TMP puts every file in place (the daemon, zeroconfctl, the NSS module, the
# manual pages, the D-Bus policy, activation and interface files, the systemd unit, the
# sysusers.d and tmpfiles.d snippets, the shipped service files), with the build's paths inside;
# make uninstall DESTDIR=TMP leaves no file behind. The installed unit passes
# systemd-analyze verify (when systemd-analyze is there), and systemd-analyze security --offline
# rates it (printed, for the record). No root needed; nothing outside TMP is touched.
set -u
builddir=${ZC_BUILDDIR:-.}
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# not the make that runs the tests: its jobserver and flags are not ours
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
mk() { make -s --no-print-directory -C "$builddir" "$@"; }

dirs=$(printf 'print-dirs:\n\t@echo $(sbindir) $(bindir) $(libdir) $(mandir) $(datadir) $(sysconfdir) $(systemdsystemunitdir) $(sysusersdir) $(tmpfilesdir) $(runstatedir) $(localstatedir)\n' |
        mk -f Makefile -f - print-dirs) || { echo "FAIL: cannot read the install folders from the Makefile"; exit 1; }
read -r sbindir bindir libdir mandir datadir sysconfdir unitdir sysusersdir tmpfilesdir runstatedir localstatedir <<<"$dirs"

root=$tmp/root
if ! mk install DESTDIR="$root" >"$tmp/install.log" 2>&1; then
        echo "FAIL: make install DESTDIR=$root failed:"; cat "$tmp/install.log"; exit 1
fi
grep -q "zeroconfd: not created under DESTDIR" "$tmp/install.log" ||
        { echo "FAIL: make install under DESTDIR did not skip the user creation:"; cat "$tmp/install.log"; fail=1; }

expect=(
        "$sbindir/zeroconfd"
        "$bindir/zeroconfctl"
        "$libdir/libnss_zeroconf.so.2"
        "$mandir/man5/zeroconfd.conf.5"
        "$mandir/man5/zeroconfd.service.5"
        "$mandir/man8/zeroconfd.8"
        "$mandir/man1/zeroconfctl.1"
        "$datadir/dbus-1/system.d/org.zeroconfd1.conf"
        "$datadir/dbus-1/system-services/org.zeroconfd1.service"
        "$datadir/dbus-1/interfaces/org.zeroconfd1.Manager.xml"
        "$sysconfdir/zeroconfd/services.d/ssh.service"
        "$unitdir/zeroconfd.service"
        "$sysusersdir/zeroconfd.conf"
        "$tmpfilesdir/zeroconfd.conf"
)
for f in "${expect[@]}"; do
        if [ -f "$root$f" ]; then echo "ok: installed $f"; else echo "FAIL: make install did not install $f"; fail=1; fi
done
[ -x "$root$sbindir/zeroconfd" ] || { echo "FAIL: $sbindir/zeroconfd is not executable"; fail=1; }

unit=$root$unitdir/zeroconfd.service
if [ -f "$unit" ]; then
        grep -qx "ExecStart=$sbindir/zeroconfd" "$unit" || { echo "FAIL: the unit does not start $sbindir/zeroconfd"; fail=1; }
        grep -qx "Type=dbus" "$unit" && grep -qx "BusName=org.zeroconfd1" "$unit" ||
                { echo "FAIL: the unit is not Type=dbus with BusName=org.zeroconfd1"; fail=1; }
        grep -qx "User=zeroconfd" "$unit" || { echo "FAIL: the unit does not run as zeroconfd"; fail=1; }
        grep -qx "CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN" "$unit" ||
                { echo "FAIL: the unit's bounding set is not CAP_NET_RAW CAP_NET_ADMIN"; fail=1; }
fi
act=$root$datadir/dbus-1/system-services/org.zeroconfd1.service
[ -f "$act" ] && { grep -qx "SystemdService=zeroconfd.service" "$act" ||
        { echo "FAIL: the D-Bus activation file does not name zeroconfd.service"; fail=1; }; }
pol=$root$datadir/dbus-1/system.d/org.zeroconfd1.conf
[ -f "$pol" ] && { grep -q '<policy user="zeroconfd">' "$pol" && grep -q '<allow own="org.zeroconfd1"/>' "$pol" ||
        { echo "FAIL: the D-Bus policy does not let user zeroconfd own org.zeroconfd1"; fail=1; }; }
grep -qE '^u zeroconfd ' "$root$sysusersdir/zeroconfd.conf" 2>/dev/null ||
        { echo "FAIL: the sysusers.d snippet does not make user zeroconfd"; fail=1; }
grep -qx "d $runstatedir/zeroconfd 0755 zeroconfd zeroconfd -" "$root$tmpfilesdir/zeroconfd.conf" 2>/dev/null &&
        grep -qx "d $localstatedir/lib/zeroconfd 0755 zeroconfd zeroconfd -" "$root$tmpfilesdir/zeroconfd.conf" ||
        { echo "FAIL: the tmpfiles.d snippet does not name $runstatedir/zeroconfd and $localstatedir/lib/zeroconfd"; fail=1; }

# systemd-analyze verify on the unit as installed, ExecStart pointed into DESTDIR
if command -v systemd-analyze >/dev/null && [ -f "$unit" ]; then
        mkdir -p "$tmp/verify"
        sed "s|^ExecStart=$sbindir/|ExecStart=$root$sbindir/|" "$unit" >"$tmp/verify/zeroconfd.service"
        if out=$(systemd-analyze verify --man=no "$tmp/verify/zeroconfd.service" 2>&1) && [ -z "$out" ]; then
                echo "ok: systemd-analyze verify zeroconfd.service"
        else
                echo "FAIL: systemd-analyze verify zeroconfd.service:"; echo "$out"; fail=1
        fi
        systemd-analyze security --offline=yes "$tmp/verify/zeroconfd.service" 2>/dev/null | tail -n 1
else
        echo "skipped: systemd-analyze verify (not installed)"
fi

if ! mk uninstall DESTDIR="$root" >"$tmp/uninstall.log" 2>&1; then
        echo "FAIL: make uninstall DESTDIR=$root failed:"; cat "$tmp/uninstall.log"; exit 1
fi
left=$(cd "$root" && find . ! -type d)
if [ -n "$left" ]; then
        echo "FAIL: make uninstall left files behind:"; echo "$left"; fail=1
else
        echo "ok: make uninstall removed every file"
fi
exit $fail
