#!/bin/bash
# test-responder-goodbye.sh: RFC 6762 §10.1 goodbyes. Host 1 ("leaver") has two IPv4 addresses;
# a listener on host 2 (a full mDNS querier on port 5353) sees:
#   - when one address is removed: a TTL-0 record for it, and answers without it afterwards;
#   - when zeroconfd stops (SIGTERM): TTL-0 records for everything it published, IPv4 and IPv6.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs python3
lan_require_zeroconfd
lan_setup 2
lan_host_addr4 1 169.254.25.1/16
lan_host_addr4 1 169.254.25.99/16
lan_host_addr4 2 169.254.25.2/16
lan_wait_dad
lan_start_zeroconfd 1 leaver
established() { grep -q "host name leaver.local established" "$(lan_dir 1)/zeroconfd.log"; }
lan_wait_for 15 established || lan_fail "leaver.local was not established"

both=$(lan_mdns_query 2 --timeout 2 --from-port 5353 --wait leaver.local | awk '$3 == "A" && $2 > 0 { print $4 }' | sort -u | tr '\n' ' ')
[ "$both" = "169.254.25.1 169.254.25.99 " ] || lan_fail "before: A answers '$both'"

# listen while the address goes
out=$(lan_dir 2)/listen1.txt
lan_spawn 2 "$out" "$LAN_PY" "$LAN_DIR/mdns-query" --from-port 5353 --wait --timeout 4 leaver.local
listener=$LAN_LAST_PID
sleep 1
ip -n "$(lan_ns 1)" addr del 169.254.25.99/16 dev eth0 || lan_fail "cannot remove the address"
lan_wait_for 6 lan_proc_gone "$listener" # its own 4 s timeout
lan_stop_pid "$listener" listener >/dev/null 2>&1 || true
grep -q "^leaver.local 0 A 169.254.25.99$" "$out" || { cat "$out" >&2; lan_fail "no goodbye (TTL 0) for 169.254.25.99"; }
! grep -q "^leaver.local 0 A 169.254.25.1$" "$out" || lan_fail "a goodbye for the address that stays"
lan_log "ok: goodbye for the removed address"
after=$(lan_mdns_query 2 --timeout 2 --from-port 5353 --wait leaver.local | awk '$3 == "A" && $2 > 0 { print $4 }' | sort -u | tr '\n' ' ')
[ "$after" = "169.254.25.1 " ] || lan_fail "after: A answers '$after', want only 169.254.25.1"
lan_log "ok: answers no longer include it"

# shutdown: goodbyes for everything
out=$(lan_dir 2)/listen2.txt
lan_spawn 2 "$out" "$LAN_PY" "$LAN_DIR/mdns-query" --from-port 5353 --wait --timeout 4 --type ANY leaver.local
listener=$LAN_LAST_PID
sleep 1
lan_stop_zeroconfd 1 || lan_fail "zeroconfd exited with code $?"
lan_wait_for 6 lan_proc_gone "$listener"
lan_stop_pid "$listener" listener >/dev/null 2>&1 || true
grep -q "^leaver.local 0 A 169.254.25.1$" "$out" || { cat "$out" >&2; lan_fail "no shutdown goodbye for the A record"; }
grep -q "^leaver.local 0 AAAA $(lan_addr6 1)$" "$out" || { cat "$out" >&2; lan_fail "no shutdown goodbye for the AAAA record"; }
lan_log "ok: goodbyes for everything on SIGTERM"
lan_pass
