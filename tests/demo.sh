#!/bin/bash
# The README's demo command. On a fresh Debian 12 machine, as root: installs what it needs, builds
# zeroconfd, makes a private two-host virtual LAN out of network namespaces, starts zeroconfd on
# each host, and shows what each host sees of the other. Cleans up after itself; never touches
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
# IPv4 link-local claiming (RFC 3927) is being built (issue M1-6): until then the demo gives each
# host a fixed 169.254 address by hand, as a cable between two laptops with static addresses would.
lan_host_addr4 1 169.254.10.1/16
lan_host_addr4 2 169.254.20.2/16
lan_wait_dad 1 2

say "4. zeroconfd on each host: 'alpha' on host 1, 'bravo' on host 2"
lan_start_zeroconfd 1 alpha
lan_start_zeroconfd 2 bravo
for h in 1 2; do
        lan_wait_for 10 grep -q "ready:" "$(lan_dir "$h")/zeroconfd.log"
        sed 's/^/    host '"$h"' | /' "$(lan_dir "$h")/zeroconfd.log"
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

say "6. And a plain ping by address, to show the answers are real"
lan_exec 1 ping -c 2 -W 2 -q "$(lan_addr4 2)" | sed 's/^/      /'

say "Done: the LAN and its hosts are removed on exit."
lan_pass
