#!/bin/bash
# test-responder-avahi.sh: RFC 6762 §8.1, §9 against Avahi, both ways.
#   1. Avahi holds "clash"; zeroconfd starts as "clash": Avahi defends, zeroconfd renames to
#      clash-2 and logs the conflict with Avahi's address.
#   2. zeroconfd holds "late"; avahi-daemon starts as "late": zeroconfd defends (answers the probe),
#      Avahi renames.
# A bystander resolves all four names to the right hosts, with avahi-resolve and mdns-query.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs python3 avahi-daemon avahi-resolve
lan_require_zeroconfd
lan_setup 5
for h in 1 2 3 4 5; do lan_host_addr4 $h 169.254.22.$h/16; done
lan_wait_dad

zc_name() { grep -o "host name [^ ]* established" "$(lan_dir "$1")/zeroconfd.log" | tail -n 1 | awk '{ print $3 }'; }
zc_is() { [ "$(zc_name "$1")" = "$2" ]; }
avahi_is() { [ "$(avahi_name "$1")" = "$2" ]; }
avahi_named() { [ -n "$(avahi_name "$1")" ]; }
avahi_name() {
        grep -o "Server startup complete. Host name is [^ ]*" "$(lan_dir "$1")/avahi.log" | tail -n 1 |
                awk '{ print $NF }' | sed 's/\.$//'
}

# 1. Avahi first
lan_start_avahi 1 clash
[ "$(avahi_name 1)" = clash.local ] || lan_fail "avahi in host 1 is '$(avahi_name 1)', want clash.local"
lan_start_zeroconfd 2 clash
lan_wait_for 20 zc_is 2 clash-2.local || lan_fail "zeroconfd in host 2 is '$(zc_name 2)', want clash-2.local"
grep -q "host name conflict: clash.local is in use by $(lan_addr4 1)\|host name conflict: clash.local is in use by $(lan_addr6 1)" \
        "$(lan_dir 2)/zeroconfd.log" || lan_fail "zeroconfd did not log the conflict with Avahi's address"
lan_log "ok: Avahi kept clash.local, zeroconfd renamed to clash-2.local"

# 2. zeroconfd first
lan_start_zeroconfd 3 late
lan_wait_for 15 zc_is 3 late.local || lan_fail "zeroconfd in host 3 did not establish late.local"
lan_start_avahi 4 late
lan_wait_for 15 avahi_named 4 || lan_fail "avahi in host 4 did not start"
[ "$(avahi_name 4)" = late-2.local ] || lan_fail "avahi in host 4 is '$(avahi_name 4)', want late-2.local"
[ "$(zc_name 3)" = late.local ] || lan_fail "zeroconfd in host 3 lost late.local"
! grep -q "host name conflict" "$(lan_dir 3)/zeroconfd.log" || lan_fail "zeroconfd in host 3 renamed"
lan_log "ok: zeroconfd kept late.local, Avahi renamed to late-2.local"

# everybody resolvable from the bystander
check() {
        local name=$1 h=$2 out got
        out=$(lan_exec 5 timeout 10 avahi-resolve -4 -n "$name" 2>/dev/null) || true
        got=$(echo "$out" | awk '{ print $2 }')
        if [ -z "$got" ]; then # no Avahi in host 5: ask with mdns-query
                out=$(lan_mdns_query 5 --timeout 3 "$name") || lan_fail "no answer for $name"
                got=$(echo "$out" | awk '$3 == "A" { print $4; exit }')
        fi
        [ "$got" = "$(lan_addr4 "$h")" ] || lan_fail "$name: got '$got', want $(lan_addr4 "$h")"
        out=$(lan_mdns_query 5 --timeout 3 "$name") || lan_fail "mdns-query: no answer for $name"
        got=$(echo "$out" | awk '$3 == "A" { print $4; exit }')
        [ "$got" = "$(lan_addr4 "$h")" ] || lan_fail "mdns-query $name: got '$got', want $(lan_addr4 "$h")"
        lan_log "ok: $name → $got"
}
check clash.local 1
check clash-2.local 2
check late.local 3
check late-2.local 4
lan_stop_zeroconfd 2 || lan_fail "zeroconfd in host 2 exited with code $?"
lan_stop_zeroconfd 3 || lan_fail "zeroconfd in host 3 exited with code $?"
lan_pass
