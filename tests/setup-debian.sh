#!/bin/sh
# Install everything zeroconfd needs to build, test and run its demo on Debian 12 (as root).
# Used by the README's two commands and by CI; safe to run again.
set -eu
if [ "$(id -u)" != 0 ]; then
        echo "setup-debian.sh: run as root (it installs packages with apt-get)" >&2
        exit 1
fi
PACKAGES="
  build-essential autoconf automake libtool pkg-config
  libnl-3-dev libnl-route-3-dev libdaemon-dev libexpat1-dev libdbus-1-dev check
  clang libclang-rt-14-dev
  iproute2 iputils-ping dbus python3 python3-dbus python3-gi python3-zeroconf
  avahi-daemon avahi-utils tcpdump bind9-dnsutils mandoc libglib2.0-dev
"
missing=""
for p in $PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
        echo "setup-debian.sh: installing:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $missing
fi
# Debian starts avahi-daemon where systemd runs; it would share port 5353 with the tests' daemons
# on the real interfaces. The tests start their own Avahi peers inside namespaces.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        systemctl disable --now avahi-daemon.socket avahi-daemon.service >/dev/null 2>&1 || true
fi
# avahi-daemon's compiled-in runtime folder must exist as a mount point for the per-host bind mounts.
mkdir -p /run/avahi-daemon
