#!/bin/bash
# The README's demo command. On a fresh Debian 12 machine, as root: installs what it needs, builds
# zeroconfd, makes a private two-host virtual LAN out of network namespaces with no addresses,
# starts zeroconfd on each host, lets each claim a 169.254 address (RFC 3927) and shows with
# zeroconfctl each daemon's links, what each host finds of the other by name and address
# (RFC 6762) and what services it offers (RFC 6763), then pings the other by name through the NSS
# module. Cleans up after itself; never touches the machine's
# real interfaces. Build tree: _build/demo (override with BUILD_ROOT).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_ROOT:-$top/_build}/demo

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }

if [ "$(id -u)" != 0 ]; then
        echo "demo.sh: run as root (it installs packages and creates network namespaces)" >&2
        exit 1
fi

say "1. Installing what the build and the demo need (apt-get)"
"$top/tests/setup-debian.sh"

say "2. Building zeroconfd in $build"
(cd "$top" && ./autogen.sh >/dev/null)
mkdir -p "$build"
(cd "$build" && { [ -f Makefile ] || "$top/configure" --quiet; } && make -j"$(nproc)" >/dev/null)

export ZEROCONFD=$build/daemon/zeroconfd LAN_DIR=$top/tests/lan LAN_TIMEOUT=120
# shellcheck source=lan/lan.sh
source "$top/tests/lan/lan.sh"
lan_require_root

say "3. A virtual LAN: one bridge, two hosts (network namespaces), nothing on the real interfaces"
lan_setup 2
echo "    No DHCP server and no IPv4 address on either host: like two laptops joined by a cable."
lan_wait_dad 1 2

say "4. zeroconfd on each host: 'alpha' on host 1, 'bravo' on host 2"
# RFC-exact IPv4 link-local timing; only the DHCP grace period is skipped (nothing to wait for).
for h in 1 2; do
        printf '[ipv4ll]\ngrace-period = 0\n' >"$(lan_dir "$h")/zeroconfd.conf"
        mkdir -p "$(lan_dir "$h")/services.d"
        cp "$top/services.d/ssh.service" "$(lan_dir "$h")/services.d/"
done
cat >"$(lan_dir 2)/services.d/printer.service" <<'EOF'
<?xml version="1.0" standalone="no"?>
<service-group>
  <name>Bravo's printer</name>
  <service>
    <type>_ipp._tcp</type>
    <port>631</port>
    <txt-record>rp=printers/office</txt-record>
    <txt-record>ty=Demo Printer</txt-record>
  </service>
</service-group>
EOF
lan_start_zeroconfd 1 alpha --config "$(lan_dir 1)/zeroconfd.conf"
lan_start_zeroconfd 2 bravo --config "$(lan_dir 2)/zeroconfd.conf"
echo "    Each probes a 169.254 address with ARP (3 probes, then 2 announcements: about 5-7 s)..."
for h in 1 2; do
        lan_wait_for 20 grep -q "ipv4ll eth0: configured" "$(lan_dir "$h")/zeroconfd.log" ||
                lan_fail "host $h claimed no address"
done
for h in 1 2; do
        grep -v '^==' "$(lan_dir "$h")/zeroconfd.log" | sed 's/^/    host '"$h"' | /'
done

# ctl H ARGS: zeroconfctl ARGS on host H, indented; a failure is shown, and the demo goes on
ctl() {
        local h=$1 rc=0
        shift
        lan_exec "$h" "$build/client-lib/zeroconfctl" "$@" >"$LAN_TMP/ctl.out" 2>&1 || rc=$?
        sed 's/^/      /' "$LAN_TMP/ctl.out"
        [ "$rc" = 0 ] || echo "      (zeroconfctl exited $rc: see zeroconfctl(1), EXIT STATUS)"
}
say "5. What each daemon says of itself: zeroconfctl status (its links, IPv4LL and IPv6 link-local)"
for h in 1 2; do
        echo "  host $h:"
        ctl "$h" status
done

say "6. Each host resolves the other's name and address (zeroconfctl on libzeroconf-client)"
for pair in "1 bravo" "2 alpha"; do
        set -- $pair
        echo "  host $1: zeroconfctl resolve -4 $2.local, then -6, then the address back to the name:"
        ctl "$1" resolve -4 "$2.local"
        ctl "$1" resolve -6 "$2.local"
        addr=$(lan_exec "$1" "$build/client-lib/zeroconfctl" --json resolve -4 "$2.local" |
                sed -n 's/.*"address":"\([^"]*\)".*/\1/p' || true)
        [ -z "$addr" ] || ctl "$1" resolve-address "$addr"
done

say "7. The services each host sees of the other (services.d/ssh.service on both, a printer on bravo)"
for h in 1 2; do
        echo "  host $h: zeroconfctl browse --all --resolve --terminate"
        ctl "$h" browse --all --resolve --terminate
done

say "8. And a plain 'ping bravo.local' on host 1, resolved by the NSS module (libnss_zeroconf)"
echo "    /etc/nsswitch.conf on host 1 (private to this demo): hosts: files zeroconf_minimal [NOTFOUND=return] dns"
etc=$LAN_TMP/etc
mkdir -p "$etc"
echo "hosts: files zeroconf_minimal [NOTFOUND=return] dns" >"$etc/nsswitch.conf"
lan_exec 1 env LD_LIBRARY_PATH="$build/client-lib/nss/.libs" ZEROCONFD_NSS_SOCKET="$(lan_dir 1)/run/nss.socket" \
        unshare -m sh -c 'mount --bind "$0" /etc/nsswitch.conf && getent ahosts bravo.local && ping -c 2 -W 2 bravo.local' \
        "$etc/nsswitch.conf" | sed 's/^/      /'

say "Done: the LAN and its hosts are removed on exit."
lan_pass
