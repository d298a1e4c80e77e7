#!/bin/bash
# test-avahi-harness.sh: proves the harness and its tools with Avahi alone. Two avahi-daemon
# hosts on the virtual LAN resolve each other's NAME.local with avahi-resolve (-4 and -6), and
# tests/lan/mdns-query gets the same answers from Avahi (legacy unicast over IPv4 and IPv6
# multicast, unicast to the host, and a full mDNS query from port 5353).
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs avahi-daemon avahi-resolve python3
lan_setup 2
lan_host_addr4 1 169.254.10.1/16
lan_host_addr4 2 169.254.10.2/16
lan_wait_dad
lan_start_avahi 1 avahi-one --no-wait
lan_start_avahi 2 avahi-two --no-wait
lan_wait_avahi 1
lan_wait_avahi 2

# expect WHAT GOT WANT
expect() {
        [ "$2" = "$3" ] || lan_fail "$1: got '$2', want '$3'"
        lan_log "ok: $1 = $3"
}

for pair in "1 2 avahi-two" "2 1 avahi-one"; do
        set -- $pair
        q=$1 peer=$2 name=$3.local
        a4=$(lan_addr4 "$peer")
        a6=$(lan_addr6 "$peer")
        out=$(lan_exec "$q" timeout 10 avahi-resolve -4 -n "$name") || lan_fail "avahi-resolve -4 $name from host $q failed"
        expect "host $q: avahi-resolve -4 $name" "$(echo "$out" | awk '{ print $2 }')" "$a4"
        out=$(lan_exec "$q" timeout 10 avahi-resolve -6 -n "$name") || lan_fail "avahi-resolve -6 $name from host $q failed"
        expect "host $q: avahi-resolve -6 $name" "$(echo "$out" | awk '{ print $2 }')" "$a6"
done

# The query tool against Avahi (which answers legacy unicast queries, RFC 6762 §6.7).
a4=$(lan_addr4 2)
a6=$(lan_addr6 2)
out=$(lan_mdns_query 1 --strict-legacy avahi-two.local) || lan_fail "mdns-query A (IPv4 multicast) failed"
expect "mdns-query A avahi-two.local" "$(echo "$out" | awk '$3 == "A" { print $4; exit }')" "$a4"
out=$(lan_mdns_query 1 --strict-legacy -6 --type AAAA avahi-two.local) || lan_fail "mdns-query AAAA (IPv6 multicast) failed"
expect "mdns-query -6 AAAA avahi-two.local" "$(echo "$out" | awk '$3 == "AAAA" { print $4; exit }')" "$a6"
out=$(lan_mdns_query 1 --strict-legacy --server "$a4" avahi-two.local) || lan_fail "mdns-query A (unicast) failed"
expect "mdns-query --server $a4 A" "$(echo "$out" | awk '$3 == "A" { print $4; exit }')" "$a4"
out=$(lan_mdns_query 1 --strict-legacy --server "$a6" --type AAAA avahi-two.local) || lan_fail "mdns-query AAAA (unicast IPv6) failed"
expect "mdns-query --server $a6 AAAA" "$(echo "$out" | awk '$3 == "AAAA" { print $4; exit }')" "$a6"
out=$(lan_mdns_query 1 --from-port 5353 avahi-two.local) || lan_fail "mdns-query A from port 5353 failed"
expect "mdns-query --from-port 5353 A" "$(echo "$out" | awk '$3 == "A" { print $4; exit }')" "$a4"
ttl=$(echo "$out" | awk '$3 == "A" { print $2; exit }')
[ "$ttl" -gt 10 ] || lan_fail "a multicast answer should carry the full TTL, got $ttl"
if lan_mdns_query 1 --timeout 1 nobody-here.local >/dev/null; then
        lan_fail "mdns-query got an answer for a name nobody has"
fi
lan_log "ok: no answer for nobody-here.local"

lan_stop_avahi 1 || lan_fail "avahi-daemon in host 1 exited with code $?"
lan_pass
