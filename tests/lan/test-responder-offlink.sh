#!/bin/bash
# test-responder-offlink.sh: RFC 6762 §11 — a responder accepts only packets from the local link.
# A legacy unicast query (the CVE-2017-6519 case) and a multicast query from an off-link source
# address get no answer, while the same queries from an on-link address are answered.
#   host 1: zeroconfd "target", 169.254.30.1/16 (a static link-local address: it claims none)
#   host 2: no daemon; first 169.254.30.2/16 (on-link), then only 10.99.0.2/24 with a route to
#           169.254.0.0/16 over eth0 (off-link to the target: none of its prefixes holds it)
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs python3
lan_require_zeroconfd
lan_setup 2
lan_host_addr4 1 169.254.30.1/16
lan_host_addr4 2 169.254.30.2/16
lan_wait_dad
lan_start_zeroconfd 1 target
lan_wait_answer 2 1 target.local

# control: from the on-link address both forms are answered
lan_mdns_query 2 --server 169.254.30.1 --type A --timeout 2 --strict-legacy target.local >/dev/null ||
        lan_fail "no answer to an on-link legacy unicast query"
lan_mdns_query 2 --type A --timeout 2 target.local >/dev/null || lan_fail "no answer to an on-link multicast query"

# host 2 moves off-link
ns2=$(lan_ns 2)
ip -n "$ns2" addr del 169.254.30.2/16 dev eth0 || lan_fail "cannot remove host 2's address"
ip -n "$ns2" addr add 10.99.0.2/24 dev eth0 || lan_fail "cannot add host 2's off-link address"
ip -n "$ns2" route add 169.254.0.0/16 dev eth0 src 10.99.0.2 || lan_fail "cannot route host 2 to the target"

log=$(lan_daemon_log 1)

if lan_mdns_query 2 --server 169.254.30.1 --type A --timeout 2 target.local; then
        lan_fail "a legacy unicast query from off-link 10.99.0.2 was answered (RFC 6762 §11)"
fi
if lan_mdns_query 2 --type A --timeout 2 target.local; then
        lan_fail "a multicast query from off-link 10.99.0.2 was answered (RFC 6762 §11)"
fi
lan_log "off-link queries went unanswered"

# the daemon saw them and dropped them as off-link (not lost on the way): its counters say so
kill -USR1 "${LAN_ZC_PID[1]}"
lan_wait_for 3 grep -q 'packets: received' "$log" || lan_fail "no counters logged on SIGUSR1"
offlink=$(sed -n 's/.*off-link \([0-9]*\).*/\1/p' "$log" | tail -n 1)
[ "${offlink:-0}" -ge 2 ] || lan_fail "the daemon counted ${offlink:-0} off-link packets, expected at least 2"
lan_log "the daemon dropped $offlink off-link packets"


lan_check_daemon 1 "after the off-link queries"
rc=0
lan_stop_zeroconfd 1 || rc=$?
[ "$rc" = 0 ] || lan_fail "zeroconfd exited with $rc"
lan_pass
