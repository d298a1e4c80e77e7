#!/bin/bash
# test-legacy-ratelimit.sh: [server] legacy-unicast-rate-limit. Host 2 sends 1500 legacy unicast
# queries (RFC 6762 §6.7) for host 1's name over 3 s:
#   - host 1 with legacy-unicast-rate-limit = 100 answers at most 100 in each second (100 × (S + 1)
#     for S seconds of sending: the windows straddle them), at least 200, counts the rest as dropped in its
#     SIGUSR1 counters (most of them dropped by the kernel's socket filter, which it puts on once
#     a second is over the limit), answers multicast queries during the flood and, once the flood
#     stops, legacy ones;
#   - host 3 with the limit off (0) answers all 1500 (a LAN with no loss).
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs python3
lan_require_zeroconfd
lan_setup 3
lan_host_addr4 1 169.254.27.1/16
lan_host_addr4 2 169.254.27.2/16
lan_host_addr4 3 169.254.27.3/16
lan_wait_dad
printf '[server]\nlegacy-unicast-rate-limit = 100\n' >"$(lan_dir 1)/limit.conf"
printf '[server]\nlegacy-unicast-rate-limit = 0\n' >"$(lan_dir 3)/nolimit.conf"
lan_start_zeroconfd 1 limited --config "$(lan_dir 1)/limit.conf"
lan_start_zeroconfd 3 open --config "$(lan_dir 3)/nolimit.conf"
lan_wait_answer 2 1 limited.local
lan_wait_answer 2 3 open.local

lan_spawn 2 "$LAN_TMP/flood.out" "$LAN_PY" "$LAN_DIR/legacy-flood.py" 169.254.27.1 limited.local 1500 3
flood=$LAN_LAST_PID
# during the flood, over the limit, the kernel's filter is on: mDNS queries (port 5353) still
# reach the daemon and are answered
sleep 1.5
lan_mdns_query 2 --timeout 1 --from-port 5353 --expect 169.254.27.1 limited.local >/dev/null ||
        lan_fail "a multicast query during the flood is not answered"
lan_wait_for 10 lan_proc_gone "$flood" || lan_fail "the flood did not end"
read -r n secs <"$LAN_TMP/flood.out"
lan_log "limit 100/s: $n of 1500 legacy queries answered (sent in $secs s)"
[ "$n" -ge 200 ] && [ "$n" -le $((100 * (secs + 1))) ] ||
        lan_fail "limit 100/s: $n of 1500 answered in $secs s, want 200..$((100 * (secs + 1)))"
lan_mdns_query 2 --timeout 2 --expect 169.254.27.1 limited.local >/dev/null ||
        lan_fail "a legacy query after the flood is not answered"
lan_mdns_query 2 --timeout 2 --from-port 5353 --expect 169.254.27.1 limited.local >/dev/null ||
        lan_fail "a multicast query is not answered"
kill -USR1 "${LAN_ZC_PID[1]}"
counted() { grep -qE "legacy unicast over the rate limit [1-9][0-9]* " "$(lan_dir 1)/zeroconfd.log"; }
lan_wait_for 5 counted || lan_fail "SIGUSR1 shows no rate-limited queries: $(grep 'packets:' "$(lan_dir 1)/zeroconfd.log")"
dropped=$(grep -oE "legacy unicast over the rate limit [0-9]+" "$(lan_dir 1)/zeroconfd.log" | tail -1 | grep -oE '[0-9]+$')
[ "$dropped" -ge $((1500 - n)) ] || lan_fail "counted $dropped dropped, but $((1500 - n)) went unanswered"
# over the limit the rest of each second's queries are dropped by the kernel, not read by us
kernel=$(grep -oE "[0-9]+ of them dropped by the kernel" "$(lan_dir 1)/zeroconfd.log" | tail -1 | grep -oE '^[0-9]+')
[ "${kernel:-0}" -gt 0 ] || lan_fail "no query was dropped by the kernel's filter: $(grep 'packets:' "$(lan_dir 1)/zeroconfd.log")"
lan_log "ok: limited to 100/s ($n answered, $dropped counted as dropped, $kernel of them in the kernel); mDNS and later queries answered"

read -r n secs < <(lan_exec 2 "$LAN_PY" "$LAN_DIR/legacy-flood.py" 169.254.27.3 open.local 1500 3)
lan_log "no limit: $n of 1500 legacy queries answered"
[ "$n" -eq 1500 ] || lan_fail "limit off: $n of 1500 answered"
lan_log "ok: with the limit off every query is answered"

lan_check_daemon 1 "at the end"
lan_check_daemon 3 "at the end"
lan_pass
