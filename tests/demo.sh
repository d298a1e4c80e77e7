#!/bin/bash
# The README's demo command. On a fresh Debian 12 machine, as root: installs what it needs, builds
# zeroconfd, makes a private two-host virtual LAN out of network namespaces with no addresses,
# starts zeroconfd on each host, lets each claim a 169.254 address (RFC 3927) and shows what each
# host finds of the other by name (RFC 6762) and what services it offers (RFC 6763), then pings
# the other by name through the NSS module. Cleans up after itself; never touches the machine's
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

show() {
        local from=$1 name=$2
        echo "  host $from asks the LAN for $name.local (multicast DNS, 224.0.0.251 and ff02::fb):"
        lan_mdns_query "$from" --type A --timeout 3 "$name.local" | sed 's/^/      /'
        lan_mdns_query "$from" -6 --type AAAA --timeout 3 "$name.local" | sed 's/^/      /'
}
say "5. Each host resolves the other's name"
show 1 bravo
show 2 alpha

say "6. The services each host offers (DNS-SD: services.d/ssh.service on both, a printer on bravo)"
# ask H TYPE NAME: the data of the answers of that type (mdns-query prints "NAME TTL TYPE DATA",
# a space in a name as \032)
ask() {
        { lan_mdns_query "$1" --type "$2" --timeout 1.5 --wait "$3" || true; } |
                sed -n "s/.* [0-9]* $2 //p" | sed 's/\\032/ /g' | sort -u
}
services() {
        local from=$1 type inst
        echo "  host $from asks which service types exist (PTR _services._dns-sd._udp.local), who offers"
        echo "  each (PTR), and where and what (SRV: priority weight port host; TXT):"
        ask "$from" PTR _services._dns-sd._udp.local | while read -r type; do
                ask "$from" PTR "$type" | while read -r inst; do
                        echo "      $inst"
                        echo "          SRV $(ask "$from" SRV "$inst" | head -n 1)   TXT $(ask "$from" TXT "$inst" | head -n 1)"
                done
        done
}
services 1

say "7. And a plain 'ping bravo.local' on host 1, resolved by the NSS module (libnss_zeroconf)"
echo "    /etc/nsswitch.conf on host 1 (private to this demo): hosts: files zeroconf_minimal [NOTFOUND=return] dns"
etc=$LAN_TMP/etc
mkdir -p "$etc"
echo "hosts: files zeroconf_minimal [NOTFOUND=return] dns" >"$etc/nsswitch.conf"
lan_exec 1 env LD_LIBRARY_PATH="$build/client-lib/nss/.libs" ZEROCONFD_NSS_SOCKET="$(lan_dir 1)/run/nss.socket" \
        unshare -m sh -c 'mount --bind "$0" /etc/nsswitch.conf && getent ahosts bravo.local && ping -c 2 -W 2 bravo.local' \
        "$etc/nsswitch.conf" | sed 's/^/      /'

say "Done: the LAN and its hosts are removed on exit."
lan_pass
