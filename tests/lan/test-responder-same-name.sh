#!/bin/bash
# test-responder-same-name.sh: RFC 6762 §8.1, §8.2, §9 on a LAN. Two zeroconfd hosts started at
# once with the same host name end up with distinct names (one keeps "twin", the other becomes
# "twin-2"), and both names resolve to the right host, over IPv4 and IPv6.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs python3
lan_require_zeroconfd
lan_setup 3
lan_host_addr4 1 169.254.20.1/16
lan_host_addr4 2 169.254.20.2/16
lan_host_addr4 3 169.254.20.3/16
lan_wait_dad
lan_start_zeroconfd 1 twin
lan_start_zeroconfd 2 twin

established() { grep -q "host name $2 established" "$(lan_dir "$1")/zeroconfd.log"; }
both_established() {
        { established 1 twin.local && established 2 twin-2.local; } ||
                { established 1 twin-2.local && established 2 twin.local; }
}
lan_wait_for 15 both_established || lan_fail "the two hosts did not settle on twin.local and twin-2.local"
if established 1 twin.local; then keep=1 other=2; else keep=2 other=1; fi
lan_log "ok: host $keep kept twin.local, host $other renamed to twin-2.local"
grep -q "host name conflict: twin.local is in use by" "$(lan_dir $other)/zeroconfd.log" ||
        lan_fail "host $other did not log the rename with the peer's address"
n=$(grep -c "host name conflict" "$(lan_dir $other)/zeroconfd.log")
[ "$n" = 1 ] || lan_fail "host $other logged $n renames, want 1"
! grep -q "host name conflict" "$(lan_dir $keep)/zeroconfd.log" || lan_fail "host $keep renamed too"

# expect NAME WANT4 WANT6: ask from host 3 (a bystander) for A and AAAA
expect() {
        local out got
        out=$(lan_mdns_query 3 --timeout 3 "$1") || lan_fail "no A answer for $1"
        got=$(echo "$out" | awk '$3 == "A" { print $4; exit }')
        [ "$got" = "$2" ] || lan_fail "$1 A: got '$got', want '$2'"
        out=$(lan_mdns_query 3 --timeout 3 -6 --type AAAA "$1") || lan_fail "no AAAA answer for $1"
        got=$(echo "$out" | awk '$3 == "AAAA" { print $4; exit }')
        [ "$got" = "$3" ] || lan_fail "$1 AAAA: got '$got', want '$3'"
        lan_log "ok: $1 → $2, $3"
}
expect twin.local "$(lan_addr4 $keep)" "$(lan_addr6 $keep)"
expect twin-2.local "$(lan_addr4 $other)" "$(lan_addr6 $other)"

# the names stay put: nothing renames again
sleep 3
n=$(cat "$(lan_dir 1)/zeroconfd.log" "$(lan_dir 2)/zeroconfd.log" | grep -c "host name conflict")
[ "$n" = 1 ] || lan_fail "$n renames in all, want 1"
lan_stop_zeroconfd 1 || lan_fail "zeroconfd in host 1 exited with code $?"
lan_stop_zeroconfd 2 || lan_fail "zeroconfd in host 2 exited with code $?"
lan_pass
