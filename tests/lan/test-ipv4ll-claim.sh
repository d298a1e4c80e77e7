#!/bin/bash
# test-ipv4ll-claim.sh: IPv4 link-local claims with RFC-exact timing (RFC 3927, RFC 5227) between
# two zeroconfd hosts that have no static IPv4 address (policy auto, grace-period 2 s):
#  - each claims a distinct 169.254.1.0-169.254.254.255 address and they ping each other;
#  - a capture of host 1's ARP checks 3 probes and 2 announcements against the RFC windows
#    (first probe 0-1 s after the grace period, probes 1-2 s apart, announcements 2 s after the
#    last probe and 2 s apart), and grace-period itself (no probe before it ends);
#  - while host 1 probes, the address is neither on its interface nor answered in mDNS; once
#    claimed, <host>.local A is answered with it on the peer; it is remembered in the state file,
#    and routed by a 169.254.0.0/16 route with metric 2048+ifindex (no kernel prefix route);
#  - a routable address (192.168.77.2/24) releases the link-local address (RFC 3927 §1.9), and
#    removing it claims the same address again after the grace period;
#  - link down/up: the held address is dropped and probed again, then the same one is used;
#  - an interface removed in the middle of its probes is let go cleanly;
#  - after a crash (SIGKILL) the address is left behind: a new daemon takes it for its own (state
#    file), removes it, probes it again and claims it, with one address and one route in the end;
#  - on SIGTERM the daemon exits 0 and removes the address it added.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs python3
lan_require_zeroconfd
lan_setup 2

ARP=("$LAN_PY" "$LAN_DIR/ipv4ll-arp")
GRACE=2
ns1=$(lan_ns 1)
conf=$LAN_TMP/ipv4ll.conf
cat >"$conf" <<EOF
[ipv4ll]
policy = auto
grace-period = $GRACE
EOF

ll_addr() { # H: host H's 169.254/16 address on eth0, if any
        ip -n "$(lan_ns "$1")" -4 -o addr show dev eth0 2>/dev/null |
                awk '$4 ~ /^169\.254\./ { sub("/.*", "", $4); print $4; exit }'
}
has_ll() { [ -n "$(ll_addr "$1")" ]; }
no_ll() { [ -z "$(ll_addr "$1")" ]; }
has_addr() { [ "$(ll_addr "$1")" = "$2" ]; }
in_range() { # RFC 3927 §2.1: 169.254.1.0 - 169.254.254.255
        local IFS=.
        set -- $1
        [ "$1" = 169 ] && [ "$2" = 254 ] && [ "$3" -ge 1 ] && [ "$3" -le 254 ] && [ "$4" -le 255 ]
}
log_has() { grep -q -- "$2" "$(lan_dir "$1")/zeroconfd.log"; }
epoch() { echo "${EPOCHREALTIME/,/.}"; }
float_add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a + b }'; }

# Host 1 starts with its link down, so that the claim begins at a moment the test knows.
ip -n "$ns1" link set eth0 down
lan_start_zeroconfd 2 host-two --config "$conf"
lan_start_zeroconfd 1 host-one --config "$conf"
lan_wait_for 10 log_has 1 "ready:" || lan_fail "host 1's zeroconfd did not start"

capture=$(lan_dir 1)/arp.capture
lan_spawn 1 "$capture" "${ARP[@]}" sniff --duration 25 --announcements 2 --ready-file "$(lan_dir 1)/sniff.ready"
sniffer=$LAN_LAST_PID
lan_wait_for 5 test -e "$(lan_dir 1)/sniff.ready" || lan_fail "the ARP sniffer did not start"

lan_wait_for 15 has_ll 2 || lan_fail "host 2 claimed no link-local address within 15 s"
a2=$(ll_addr 2)
lan_log "host 2 claimed $a2"

t_up=$(epoch)
ip -n "$ns1" link set eth0 up
t_up_end=$(epoch) # the link came up between t_up and t_up_end
lan_log "host 1: eth0 up; its claim may begin after the ${GRACE} s grace period"

# Probing: the claim starts at t_up + GRACE and cannot end before 4 s later (first probe at
# 0 s, probes 1 s apart, ANNOUNCE_WAIT 2 s). Look in that window.
sleep "$(awk -v g="$GRACE" 'BEGIN { print g + 1.5 }')"
grep -q " probe " "$capture" || lan_fail "host 1 sent no ARP probe by grace-period + 1.5 s"
no_ll 1 || lan_fail "host 1 configured $(ll_addr 1) while still probing"
if out=$(lan_mdns_query 2 --timeout 1 host-one.local); then
        lan_fail "host-one.local A was answered while host 1 was still probing: $out"
fi
lan_log "ok: while probing, no address on host 1 and no A record for host-one.local"

lan_wait_for 20 lan_proc_gone "$sniffer" || lan_fail "the ARP capture did not end"
lan_forget_pid "$sniffer"
wait "$sniffer" 2>/dev/null
out=$("${ARP[@]}" check-claim --t0 "$(float_add "$t_up" "$GRACE")" \
        --t0-end "$(float_add "$t_up_end" "$GRACE")" --mac "$(lan_mac 1)" "$capture") || {
        echo "$out"
        echo "---- capture ----"
        cat "$capture"
        lan_fail "host 1's claim did not follow the RFC 3927 timing"
}
echo "$out"

a1=$(ll_addr 1)
[ -n "$a1" ] || lan_fail "host 1 has no link-local address after its announcements"
lan_log "host 1 claimed $a1"
in_range "$a1" || lan_fail "host 1's $a1 is outside 169.254.1.0-169.254.254.255"
in_range "$a2" || lan_fail "host 2's $a2 is outside 169.254.1.0-169.254.254.255"
[ "$a1" != "$a2" ] || lan_fail "both hosts claimed $a1"
grep -q "announce .* $a1 $a1\$" "$capture" || lan_fail "the announcements are not for $a1"

lan_exec 1 "${ARP[@]}" ping --timeout 3 "$a2" || lan_fail "host 1 cannot ping host 2 ($a2)"
lan_exec 2 "${ARP[@]}" ping --timeout 3 "$a1" || lan_fail "host 2 cannot ping host 1 ($a1)"
lan_log "ok: $a1 and $a2 reach each other"

out=$(lan_mdns_query 2 host-one.local) || lan_fail "no A record for host-one.local once claimed"
got=$(echo "$out" | awk '$3 == "A" { print $4; exit }')
[ "$got" = "$a1" ] || lan_fail "host-one.local A is '$got', want $a1"
out=$(lan_mdns_query 1 host-two.local) || lan_fail "no A record for host-two.local"
got=$(echo "$out" | awk '$3 == "A" { print $4; exit }')
[ "$got" = "$a2" ] || lan_fail "host-two.local A is '$got', want $a2"
lan_log "ok: mDNS answers host-one.local A $a1 and host-two.local A $a2"

state=$(cat "$(lan_dir 1)/state/ipv4ll-eth0" 2>/dev/null)
[ "$state" = "$a1" ] || lan_fail "state file holds '$state', want $a1"
ifindex=$(ip netns exec "$ns1" cat /sys/class/net/eth0/ifindex)
routes=$(ip -n "$ns1" -4 route show 169.254.0.0/16)
[ "$(echo "$routes" | wc -l)" = 1 ] && echo "$routes" | grep -Eq "dev eth0 .*scope link metric $((2048 + ifindex)) *\$" ||
        lan_fail "169.254.0.0/16 routes on host 1: '$routes', want one, scope link, metric $((2048 + ifindex))"
lan_log "ok: state file $state, route metric $((2048 + ifindex))"

# RFC 3927 §1.9: a routable address releases the link-local one; its removal claims it again.
ip -n "$ns1" addr add 192.168.77.2/24 dev eth0
lan_wait_for 3 no_ll 1 || lan_fail "host 1 kept $a1 with a routable address"
[ -z "$(ip -n "$ns1" -4 route show 169.254.0.0/16)" ] || lan_fail "the 169.254.0.0/16 route stayed"
log_has 1 "releasing" || lan_fail "no log of the release"
lan_log "ok: 192.168.77.2/24 released $a1"
t_del=$(lan_now_us)
ip -n "$ns1" addr del 192.168.77.2/24 dev eth0
lan_wait_for 15 has_ll 1 || lan_fail "host 1 claimed nothing within 15 s of losing its routable address"
waited=$(( ($(lan_now_us) - t_del) / 1000 ))
[ "$waited" -ge $((GRACE * 1000)) ] || lan_fail "claimed again after $waited ms, inside the grace period"
has_addr 1 "$a1" || lan_fail "host 1 claimed $(ll_addr 1), not the address it held ($a1)"
lan_log "ok: $a1 claimed again ${waited} ms after the routable address went"

# Link down and up: the held address is probed again before it is used (RFC 5227 §2.1).
ip -n "$ns1" link set eth0 down
sleep 0.3
ip -n "$ns1" link set eth0 up
lan_wait_for 3 no_ll 1 || lan_fail "host 1 used $a1 after link up without probing it again"
lan_wait_for 10 has_ll 1 || lan_fail "host 1 did not claim an address again after link up"
has_addr 1 "$a1" || lan_fail "after link up host 1 claimed $(ll_addr 1), not $a1"
log_has 1 "probing $a1 again" || lan_fail "no log of the re-probe"
lan_log "ok: link down/up: $a1 probed again and kept"

# An interface that goes away mid-probe.
ip -n "$ns1" link add eth1 type veth peer name eth1p
ip -n "$ns1" link set eth1 up
ip -n "$ns1" link set eth1p up
lan_wait_for $((GRACE + 3)) log_has 1 "ipv4ll eth1: waiting -> probing" || lan_fail "host 1 did not probe on eth1"
ip -n "$ns1" link del eth1
lan_wait_for 2 log_has 1 "ipv4ll eth1: interface removed" || lan_fail "no log of eth1's removal"
sleep 0.5
lan_zeroconfd_alive 1 || lan_fail "zeroconfd died when eth1 went away mid-probe"
has_addr 1 "$a1" || lan_fail "eth0 lost $a1 when eth1 went away"
lan_log "ok: eth1 removed mid-probe, eth0 unaffected"

# A crash leaves the address and route behind; the next run probes the address again.
pid=${LAN_ZC_PID[1]}
{ # quietly: bash reports a job that a signal killed
        kill -KILL "$pid"
        lan_wait_for 5 lan_proc_gone "$pid"
        wait "$pid"
} 2>/dev/null
lan_proc_gone "$pid" || lan_fail "zeroconfd in host 1 survived SIGKILL"
lan_forget_pid "$pid"
LAN_ZC_PID[1]=
has_addr 1 "$a1" || lan_fail "the address went with the killed daemon (nothing to test)"
lan_start_zeroconfd 1 host-one --config "$conf"
lan_wait_for 3 no_ll 1 || lan_fail "the restarted daemon used the left-over $a1 without probing it"
log_has 1 "still configured" || lan_fail "no log of the left-over address"
lan_wait_for 12 has_ll 1 || lan_fail "the restarted daemon claimed nothing"
has_addr 1 "$a1" || lan_fail "the restarted daemon claimed $(ll_addr 1), not $a1"
[ "$(ip -n "$ns1" -4 -o addr show dev eth0 | wc -l)" = 1 ] || lan_fail "host 1 has more than one IPv4 address"
[ "$(ip -n "$ns1" -4 route show 169.254.0.0/16 | wc -l)" = 1 ] || lan_fail "host 1 has more than one 169.254/16 route"
lan_log "ok: after SIGKILL, the next run probed $a1 again and claimed it"

lan_stop_zeroconfd 1 || lan_fail "zeroconfd in host 1 exited with code $?"
no_ll 1 || lan_fail "zeroconfd left $(ll_addr 1) behind on exit"
[ -z "$(ip -n "$ns1" -4 route show 169.254.0.0/16)" ] || lan_fail "zeroconfd left its route behind on exit"
lan_pass
