#!/bin/bash
# test-malformed.sh: no packet can crash the daemon (DESIGN: nothing from outside reaches an
# assert). Host 2 sends every malformed sample of tests/lan/send-raw (compression loops, forward
# and out-of-range pointers, label 64, names over 255 bytes, count overruns, truncated headers,
# questions, records and rdata, rdata that does not fit its type, 9001-byte packets, garbage) at
# the zeroconfd of host 1: to 224.0.0.251, ff02::fb and to host 1's own IPv4 and IPv6
# addresses, each from port 5353 and from an ephemeral port. Asserted afterwards: the daemon
# still runs, its log holds no sanitizer report, it still answers A and AAAA queries for its
# name (legacy unicast and from port 5353), and it exits 0 on SIGTERM.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs python3
[ "${LAN_DAEMON:-zeroconfd}" = avahi ] || lan_require_zeroconfd
lan_setup 2
lan_host_addr4 1 169.254.40.1/16
lan_host_addr4 2 169.254.40.2/16
lan_wait_dad
name=zc-target.local
lan_start_daemon 1 "${name%.local}"
lan_wait_answer 2 1 "$name"
a4=169.254.40.1 # the address the test gave host 1
a6=$(lan_addr6 1)

# still_fine WHEN: the daemon runs, and answers A (IPv4) and AAAA (IPv6) queries for its name
still_fine() {
        local out
        lan_check_daemon 1 "$1"
        out=$(lan_mdns_query 2 --timeout 2 --strict-legacy --expect "$a4" "$name") ||
                lan_fail "no A answer $a4 $1: $out"
        out=$(lan_mdns_query 2 --timeout 2 --strict-legacy -6 --type AAAA --expect "$a6" "$name") ||
                lan_fail "no AAAA answer $a6 $1: $out"
}

total=0
for dest in "-4" "-6" "--server $a4" "--server $a6"; do
        for from in 5353 0; do
                # shellcheck disable=SC2086
                out=$(lan_send_raw 2 --quiet --gap 1 --name "$name" $dest --from-port $from all) ||
                        lan_fail "send-raw $dest --from-port $from failed: $out"
                lan_log "$out"
                total=$((total + $(echo "$out" | awk '{ print $2 }')))
        done
        still_fine "after the samples sent with $dest"
done
lan_log "ok: $total malformed packets sent; the daemon runs and answers"

# the answers from port 5353 (multicast) too, and a clean log
out=$(lan_mdns_query 2 --from-port 5353 --expect "$a4" "$name") ||
        lan_fail "no multicast answer $a4 after the samples: $out"
log=$(lan_daemon_log 1)
if grep -nE 'AddressSanitizer|LeakSanitizer|runtime error:|Assertion .* failed' "$log"; then
        lan_fail "sanitizer or assertion report in the daemon's log"
fi
if [ "${LAN_DAEMON:-zeroconfd}" = zeroconfd ]; then
        # SIGUSR1 logs the packet counters: shown, not asserted (the format is the daemon's)
        kill -USR1 "${LAN_ZC_PID[1]}" 2>/dev/null
        sleep 0.2
        lan_log "daemon counters: $(tail -n 3 "$log" | tr '\n' ' ')"
fi
lan_check_daemon 1
lan_stop_daemon 1 || lan_fail "the daemon exited with code $? on SIGTERM"
lan_pass
