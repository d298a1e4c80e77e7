#!/bin/bash
# test-resolve.sh: two zeroconfd hosts each resolve the other's NAME.local, A and AAAA, with
# tests/lan/mdns-query run in the host namespace (RFC 6762 §6, §6.7). Asserted, both ways:
#   - legacy unicast over IPv4 and IPv6 multicast and unicast to the peer's address: the reply
#     repeats the query's ID and question and no TTL is above 10 s (§6.7);
#   - the A answer is the peer's IPv4 address, the AAAA answer its fe80:: address, whichever
#     family the query came over (the answers are the receiving interface's addresses);
#   - a full mDNS query from port 5353 gets a multicast answer with the full TTL (> 10 s);
#   - a name nobody has gets no answer; each daemon exits 0 on SIGTERM.
# LAN_DAEMON=avahi runs the same checks against avahi-daemon (to tell a test bug from ours).
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs python3
[ "${LAN_DAEMON:-zeroconfd}" = avahi ] || lan_require_zeroconfd
lan_setup 2
lan_host_addr4 1 169.254.20.1/16
lan_host_addr4 2 169.254.20.2/16
lan_wait_dad
names=("" zc-one zc-two)
lan_start_daemon 1 "${names[1]}"
lan_start_daemon 2 "${names[2]}"

# ask WHAT H PEER TYPE WANT ARG...: host H asks with mdns-query ARG... for TYPE; among the
# answers must be WANT, and every answer of TYPE must be an address PEER really has (a daemon
# that has meanwhile claimed an IPv4 link-local address of its own may answer that one too).
ask() {
        local what=$1 h=$2 peer=$3 type=$4 want=$5 out got have a
        shift 5
        out=$(lan_mdns_query "$h" --type "$type" --expect "$want" "$@") ||
                lan_fail "host $h: $what: no answer $want; got: $(echo $out)"
        got=$(echo "$out" | awk -v t="$type" '$3 == t { print $4 }')
        if [ "$type" = A ]; then have=$(lan_addrs4 "$peer"); else have=$(lan_addrs6 "$peer"); fi
        echo "$got" | grep -qxF "$want" || lan_fail "host $h: $what: got '$(echo $got)', want $want"
        for a in $got; do
                echo "$have" | grep -qxF "$a" || lan_fail "host $h: $what: $a is not an address of host $peer"
        done
        lan_log "ok: host $h: $what = $(echo $got)"
        ANSWER=$out
}

# Both daemons answer (they may probe first: give them 10 s).
lan_wait_answer 1 2 "${names[2]}.local"
lan_wait_answer 2 1 "${names[1]}.local"

for pair in "1 2" "2 1"; do
        set -- $pair
        q=$1 p=$2
        name=${names[$p]}.local
        a4=169.254.20.$p # the address the test gave
        a6=$(lan_addr6 "$p")
        [ -n "$a4" ] && [ -n "$a6" ] || lan_fail "host $p has no addresses"
        # legacy unicast queries, answered by unicast to our port
        ask "A $name (IPv4 multicast)" "$q" "$p" A "$a4" --strict-legacy "$name"
        ask "AAAA $name (IPv4 multicast)" "$q" "$p" AAAA "$a6" --strict-legacy "$name"
        ask "AAAA $name (IPv6 multicast)" "$q" "$p" AAAA "$a6" --strict-legacy -6 "$name"
        if [ "${LAN_DAEMON:-zeroconfd}" = zeroconfd ]; then
                # Avahi publishes A records on IPv4 only (publish-a-on-ipv6=no)
                ask "A $name (IPv6 multicast)" "$q" "$p" A "$a4" --strict-legacy -6 "$name"
        fi
        ask "A $name (unicast to $a4)" "$q" "$p" A "$a4" --strict-legacy --server "$a4" "$name"
        ask "AAAA $name (unicast to $a6)" "$q" "$p" AAAA "$a6" --strict-legacy --server "$a6" "$name"
        # a full mDNS query from port 5353: the answer comes by multicast, with the full TTL
        ask "A $name (query from port 5353)" "$q" "$p" A "$a4" --from-port 5353 "$name"
        ttl=$(echo "$ANSWER" | awk '$3 == "A" { print $2; exit }')
        [ "$ttl" -gt 10 ] || lan_fail "host $q: a multicast answer has TTL $ttl, want the full TTL"
done

if out=$(lan_mdns_query 1 --timeout 1 --type ANY nobody-here.local); then
        lan_fail "an answer came for nobody-here.local: $out"
fi
lan_log "ok: no answer for nobody-here.local"

for h in 1 2; do
        lan_check_daemon "$h"
        lan_stop_daemon "$h" || lan_fail "the daemon in host $h exited with code $? on SIGTERM"
done
lan_pass
