#!/bin/bash
# test-responder-churn.sh: RFC 6762 §8.2.1 — our own probes and announcements coming back after
# our addresses changed are never a conflict (Avahi's bug #117: addresses withdrawn mid-probe made
# it rename itself). Host 1 ("steady") goes through 100 cycles of adding and removing an IPv4 and
# an IPv6 address — during its first probes and after — next to an Avahi host and a zeroconfd
# peer; its name never changes and it still resolves to its fixed address.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs python3
lan_require_zeroconfd
lan_setup 3
for h in 1 2 3; do lan_host_addr4 $h 169.254.23.$h/16; done
lan_wait_dad
lan_start_zeroconfd 2 peer
if command -v avahi-daemon >/dev/null 2>&1; then lan_start_avahi 3 bystander; fi
lan_start_zeroconfd 1 steady

ns=$(lan_ns 1)
# cycles start at once: the first ones race the daemon's first probes
for ((k = 1; k <= 100; k++)); do
        ip -n "$ns" addr add "169.254.24.$k/16" dev eth0 || lan_fail "cannot add 169.254.24.$k"
        ip -n "$ns" -6 addr add "fd00:5a43::$k/64" dev eth0 nodad || lan_fail "cannot add fd00:5a43::$k"
        sleep 0.0$((RANDOM % 10))
        ip -n "$ns" addr del "169.254.24.$k/16" dev eth0 || lan_fail "cannot remove 169.254.24.$k"
        ip -n "$ns" -6 addr del "fd00:5a43::$k/64" dev eth0 || lan_fail "cannot remove fd00:5a43::$k"
        [ $((k % 25)) = 0 ] && lan_log "$k cycles"
done
lan_zeroconfd_alive 1 || lan_fail "zeroconfd in host 1 died"
established() { grep -q "host name steady.local established" "$(lan_dir 1)/zeroconfd.log"; }
lan_wait_for 10 established || lan_fail "steady.local was never established"
sleep 2
log=$(lan_dir 1)/zeroconfd.log
if grep -q "host name conflict\|giving it up\|conflicting record\|wins the tie-break" "$log"; then
        grep "host name conflict\|giving it up\|conflicting record\|wins the tie-break" "$log" >&2
        lan_fail "host 1 saw a conflict during address churn"
fi
! grep -q "host name conflict" "$(lan_dir 2)/zeroconfd.log" || lan_fail "the peer renamed"
out=$(lan_mdns_query 2 --timeout 3 --from-port 5353 --wait steady.local) || lan_fail "steady.local does not resolve"
got=$(echo "$out" | awk '$3 == "A" && $2 > 0 { print $4 }' | sort -u | tr '\n' ' ')
[ "$got" = "169.254.23.1 " ] || lan_fail "steady.local A answers: '$got', want only 169.254.23.1"
lan_log "ok: after 100 address cycles the name is steady.local and resolves to $got"
kill -USR1 "${LAN_ZC_PID[1]}"
has_counters() { grep -q "records: probes" "$log"; }
lan_wait_for 3 has_counters || lan_fail "no counters logged on SIGUSR1"
lan_log "host 1 $(grep -o "packets: received.*" "$log" | tail -n 1)"
lan_log "host 1 $(grep -o "records: probes.*" "$log" | tail -n 1)"
# the daemon's own count agrees: no conflict, no tie-break lost
grep -q "records: .* conflicts 0, tie-breaks lost 0," "$log" ||
        lan_fail "host 1's record counters: $(grep -o "records: probes.*" "$log" | tail -n 1)"
lan_stop_zeroconfd 1 || lan_fail "zeroconfd in host 1 exited with code $?"
lan_pass
