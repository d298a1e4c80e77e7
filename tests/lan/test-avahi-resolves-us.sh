#!/bin/bash
# test-avahi-resolves-us.sh: interop, Avahi as the querier. Hosts 1 and 2 run zeroconfd; an
# avahi-daemon on host 3 resolves both NAME.local with `avahi-resolve -4 -n` and
# `avahi-resolve -6 -n` to the hosts' real IPv4 and fe80:: addresses. Avahi accepts only
# well-formed responses from port 5353 (RFC 6762 §6, §11), so this checks our multicast
# answers the way a real peer reads them. Both zeroconfd exit 0 on SIGTERM afterwards.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs avahi-daemon avahi-resolve python3
[ "${LAN_DAEMON:-zeroconfd}" = avahi ] || lan_require_zeroconfd
lan_setup 3
lan_host_addr4 1 169.254.30.1/16
lan_host_addr4 2 169.254.30.2/16
lan_host_addr4 3 169.254.30.3/16
lan_wait_dad
names=("" zc-one zc-two)
lan_start_avahi 3 avahi-peer --no-wait
lan_start_daemon 1 "${names[1]}"
lan_start_daemon 2 "${names[2]}"
lan_wait_avahi 3

for h in 1 2; do
        name=${names[$h]}.local
        lan_wait_answer 3 "$h" "$name" # (it may probe first)
        for fam in 4 6; do
                # avahi-resolve prints "NAME<TAB>ADDRESS"; it gives up after about 5 s
                out=$(lan_exec 3 timeout 15 avahi-resolve -$fam -n "$name" 2>&1) ||
                        lan_fail "avahi-resolve -$fam -n $name failed: $out"
                got=$(echo "$out" | awk -v n="$name" '$1 == n { print $2; exit }')
                # one of the host's own addresses: the test gave it 169.254.30.H; a daemon that
                # has claimed a link-local address of its own meanwhile may publish that too
                if [ $fam = 4 ]; then have=$(lan_addrs4 $h); else have=$(lan_addrs6 $h); fi
                [ -n "$got" ] && echo "$have" | grep -qxF "$got" ||
                        lan_fail "avahi-resolve -$fam -n $name: got '$out', want one of: $(echo $have)"
                lan_log "ok: avahi-resolve -$fam -n $name = $got"
        done
done

for h in 1 2; do
        lan_check_daemon "$h"
        lan_stop_daemon "$h" || lan_fail "the daemon in host $h exited with code $? on SIGTERM"
done
lan_pass
