#!/bin/bash
# The README's demo command. On a fresh Debian 12 machine, as root: installs what it needs, builds
# zeroconfd, makes a private two-host virtual LAN out of network namespaces with no addresses,
# starts zeroconfd on each host, lets each claim a 169.254 address (RFC 3927) and shows what each
# host finds of the other by name (RFC 6762). Cleans up after itself; never touches
# the machine's real interfaces. Build tree: _build/demo (override with BUILD_ROOT).
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
done
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

say "6. And a plain ping to the address host 1 found for bravo.local"
addr=$(lan_mdns_query 1 --type A --timeout 3 bravo.local | awk '$3 == "A" { print $4; exit }')
[ -n "$addr" ] || lan_fail "no A record for bravo.local"
lan_exec 1 ping -c 2 -W 2 -q "$addr" | sed 's/^/      /'

say "Done: the LAN and its hosts are removed on exit."
lan_pass
