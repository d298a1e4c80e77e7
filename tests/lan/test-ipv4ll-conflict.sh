#!/bin/bash
# test-ipv4ll-conflict.sh: IPv4 link-local conflicts with RFC-exact timing (RFC 3927 §2.2.1,
# §2.5; RFC 5227 §2.1.1, §2.4) on one LAN of four hosts, policy auto, grace-period 0:
#  - host 3 holds 169.254.77.7/16 statically and runs zeroconfd too (policy auto), which adds no
#    second link-local address next to that one (and logs and ignores its corrupt state file); host 4's remembered address
#    (its first candidate, from the state file) is 169.254.77.7: its probe is answered by host 3's
#    kernel, and it moves to another address;
#  - hosts 1 and 2 are both forced to the same first candidate, 169.254.88.8 (state files), and
#    start together: they end on distinct addresses, and at least one of them saw the conflict;
#    every pair reaches each other by ping;
#  - host 3 sends packets that are not Ethernet/IPv4 ARP but claim host 1's address: ignored (no
#    defence, not counted as a conflict); then an ARP claiming host 1's address: host 1 defends it with exactly one
#    announcement and keeps it; a second conflicting ARP within DEFEND_INTERVAL (10 s) makes
#    host 1 give the address up at once, without a defence, and claim another one.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs python3
lan_require_zeroconfd
lan_setup 4

ARP=("$LAN_PY" "$LAN_DIR/ipv4ll-arp")
STATIC=169.254.77.7
SHARED=169.254.88.8
conf=$LAN_TMP/ipv4ll.conf
cat >"$conf" <<EOF
[ipv4ll]
grace-period = 0
EOF

ll_addr() {
        ip -n "$(lan_ns "$1")" -4 -o addr show dev eth0 2>/dev/null |
                awk '$4 ~ /^169\.254\./ { sub("/.*", "", $4); print $4; exit }'
}
has_ll() { [ -n "$(ll_addr "$1")" ]; }
lacks_addr() { [ "$(ll_addr "$1")" != "$2" ]; }
has_other_ll() { has_ll "$1" && [ "$(ll_addr "$1")" != "$2" ]; }
in_range() {
        local IFS=.
        set -- $1
        [ "$1" = 169 ] && [ "$2" = 254 ] && [ "$3" -ge 1 ] && [ "$3" -le 254 ] && [ "$4" -le 255 ]
}
log_has() { grep -q -- "$2" "$(lan_dir "$1")/zeroconfd.log"; }
bound_count() { grep -c "ipv4ll eth0: announcing -> bound" "$(lan_dir "$1")/zeroconfd.log"; }
is_bound() { [ "$(bound_count "$1")" -ge "$2" ]; }

lan_host_addr4 3 "$STATIC/16"
for h in 1 2 3 4; do
        mkdir -p "$(lan_dir $h)/state"
done
printf '169.254.\001garbage' >"$(lan_dir 3)/state/ipv4ll-eth0"
echo "$SHARED" >"$(lan_dir 1)/state/ipv4ll-eth0"
echo "$SHARED" >"$(lan_dir 2)/state/ipv4ll-eth0"
echo "$STATIC" >"$(lan_dir 4)/state/ipv4ll-eth0"

lan_start_zeroconfd 3 host-three --config "$conf"
lan_start_zeroconfd 4 host-four --config "$conf"
lan_start_zeroconfd 1 host-one --config "$conf"
lan_start_zeroconfd 2 host-two --config "$conf"
for h in 1 2 4; do
        # a conflict costs up to ~5 s, a claim up to 7 s
        lan_wait_for 25 is_bound $h 1 || lan_fail "host $h claimed no address within 25 s"
done
a1=$(ll_addr 1) a2=$(ll_addr 2) a4=$(ll_addr 4)
lan_log "claimed: host 1 $a1, host 2 $a2, host 4 $a4"

# The first candidate in use on the LAN: host 4 moved on.
[ "$a4" != "$STATIC" ] || lan_fail "host 4 claimed $STATIC, which host 3 holds"
in_range "$a4" || lan_fail "host 4's $a4 is outside 169.254.1.0-169.254.254.255"
log_has 4 "$STATIC: conflict while probing" || lan_fail "host 4 logged no conflict for $STATIC"
[ "$(cat "$(lan_dir 4)/state/ipv4ll-eth0")" = "$a4" ] || lan_fail "host 4's state file does not hold $a4"
lan_exec 4 "${ARP[@]}" ping "$STATIC" || lan_fail "host 4 cannot ping host 3 ($STATIC)"
lan_log "ok: host 4 found $STATIC in use and moved to $a4"
[ "$(ip -n "$(lan_ns 3)" -4 -o addr show dev eth0 | wc -l)" = 1 ] ||
        lan_fail "host 3 claimed a link-local address next to its static $STATIC"
log_has 3 "waiting ->" && lan_fail "host 3 started IPv4LL although it has $STATIC"
log_has 3 "ipv4ll-eth0 is corrupt" || lan_fail "host 3 did not report its corrupt state file"
lan_log "ok: host 3, with its static $STATIC, claimed nothing"

# The same first candidate on two hosts: both end distinct.
in_range "$a1" && in_range "$a2" || lan_fail "an address outside 169.254.1.0-169.254.254.255: $a1 $a2"
[ "$a1" != "$a2" ] || lan_fail "hosts 1 and 2 both hold $a1"
log_has 1 "$SHARED: conflict" || log_has 2 "$SHARED: conflict" ||
        lan_fail "neither host 1 nor host 2 logged a conflict for $SHARED"
lan_exec 1 "${ARP[@]}" ping "$a2" || lan_fail "host 1 cannot ping host 2 ($a2)"
lan_exec 2 "${ARP[@]}" ping "$a1" || lan_fail "host 2 cannot ping host 1 ($a1)"
lan_exec 1 "${ARP[@]}" ping "$a4" || lan_fail "host 1 cannot ping host 4 ($a4)"
lan_log "ok: hosts 1 and 2 started on $SHARED and hold $a1 and $a2"

# Not ARP for IPv4 over Ethernet: dropped (by the socket's filter), never a conflict.
out=$(lan_exec 3 "${ARP[@]}" hit --bad --addr "$a1" --victim "$(lan_mac 1)" --duration 1) ||
        lan_fail "ipv4ll-arp hit --bad failed"
[ -z "$(echo "$out" | grep " announce ")" ] || lan_fail "host 1 defended $a1 against malformed ARP: $out"
log_has 1 "defending" && lan_fail "host 1 took a malformed ARP packet for a conflict"
lan_log "ok: malformed ARP claiming $a1 ignored"

# Defence (RFC 5227 §2.4 (b)): one conflicting ARP is answered by exactly one announcement.
out=$(lan_exec 3 "${ARP[@]}" hit --addr "$a1" --victim "$(lan_mac 1)" --duration 1.5) ||
        lan_fail "ipv4ll-arp hit failed"
echo "$out"
n=$(echo "$out" | grep -c "^[0-9.]* announce .* $a1 $a1\$")
[ "$n" = 1 ] || lan_fail "host 1 answered a conflicting ARP with $n announcements, want 1"
[ "$(ll_addr 1)" = "$a1" ] || lan_fail "host 1 gave $a1 up after one conflict"
log_has 1 "conflict with $(lan_mac 3), defending" || lan_fail "no log of the defence"
lan_log "ok: host 1 defended $a1 once"

# A second conflict within DEFEND_INTERVAL: host 1 gives the address up, without a defence.
sleep 1
out=$(lan_exec 3 "${ARP[@]}" hit --op reply --addr "$a1" --victim "$(lan_mac 1)" --duration 1) ||
        lan_fail "ipv4ll-arp hit failed"
echo "$out"
n=$(echo "$out" | grep -c "^[0-9.]* announce .* $a1 $a1\$")
[ "$n" = 0 ] || lan_fail "host 1 defended $a1 a second time within DEFEND_INTERVAL"
lacks_addr 1 "$a1" || lan_fail "host 1 kept $a1 after a second conflict within 10 s"
log_has 1 "second conflict within DEFEND_INTERVAL" || lan_fail "no log of giving $a1 up"
lan_wait_for 10 is_bound 1 2 || lan_fail "host 1 claimed no new address within 10 s"
b1=$(ll_addr 1)
[ -n "$b1" ] && [ "$b1" != "$a1" ] && in_range "$b1" || lan_fail "host 1's new address is '$b1'"
lan_log "ok: host 1 gave $a1 up on the second conflict and claimed $b1"

for h in 1 2 3 4; do
        lan_stop_zeroconfd $h || lan_fail "zeroconfd in host $h exited with code $?"
done
lan_pass
