#!/bin/bash
# test-dbus-browse-cache-max.sh: the querier's cache bound, cache-entries-max (zeroconfd.conf(5)).
#   Host 1 runs zeroconfd "small" with cache-entries-max = 16; host 2 runs zeroconfd "many"
#   publishing 24 services from services.d (a PTR, SRV and TXT each: well over 16 records).
#   1. A ServiceBrowser on host 1 still reports services (the newest records fit).
#   2. The cache of each link holds at most 16 records: SIGUSR1's querier counters show at most
#      32 entries (IPv4 and IPv6 links of eth0) and evictions; the bound is logged once per cache.
#   3. The daemon keeps running and exits cleanly.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_zeroconfd
"$LAN_PY" -c 'import dbus, gi' 2>/dev/null || lan_skip_or_fail "python3-dbus or python3-gi is missing"
LAN_TIMEOUT=${LAN_TIMEOUT:-90}
lan_setup 2
for h in 1 2; do lan_host_addr4 $h 169.254.36.$h/16; done
lan_wait_dad

mkdir -p "$(lan_dir 2)/services.d"
for n in $(seq 1 24); do
        cat >"$(lan_dir 2)/services.d/s$n.service" <<EOF
<?xml version="1.0" standalone="no"?>
<service-group>
  <name>Service $n</name>
  <service>
    <type>_http._tcp</type>
    <port>$((8000 + n))</port>
    <txt-record>n=$n</txt-record>
  </service>
</service-group>
EOF
done
printf '[server]\ncache-entries-max = 16\n' >"$LAN_TMP/small.conf"

lan_start_zeroconfd 1 small --config "$LAN_TMP/small.conf"
lan_start_zeroconfd 2 many
client="$LAN_PY $LAN_DIR/dbus-browse.py"
manager_up() { lan_exec 1 gdbus introspect --system --dest org.zeroconfd1 --object-path /org/zeroconfd1 >/dev/null 2>&1; }
lan_wait_for 10 manager_up || lan_fail "org.zeroconfd1 is not on host 1's bus"
has() { grep -qE "$2" "$1" 2>/dev/null; }

# 1. browse while the peer announces its 24 services
lan_spawn 1 "$LAN_TMP/browse.log" bash -c "exec $client browse _http._tcp </dev/null"
lan_wait_for 15 has "$LAN_TMP/browse.log" "^[0-9.]+ new [0-9]+ [01] Service\\\\032[0-9]+ _http._tcp local$" ||
        lan_fail "the browser reports no service: $(cat "$LAN_TMP/browse.log")"
lan_wait_for 5 has "$LAN_TMP/browse.log" "^[0-9.]+ allfornow$" || lan_fail "no AllForNow: $(cat "$LAN_TMP/browse.log")"
sleep 2 # the peer's announcements repeat after 1 s (RFC 6762 §8.3)
lan_log "ok: the browser reported $(grep -c ' new ' "$LAN_TMP/browse.log") items, $(grep -c ' remove ' "$LAN_TMP/browse.log") removals"

# 2. the bound held
log1=$(lan_dir 1)/zeroconfd.log
kill -USR1 "${LAN_ZC_PID[1]}"
has_counters() { grep -q "querier: queries sent" "$log1"; }
lan_wait_for 3 has_counters || lan_fail "no querier counters logged on SIGUSR1"
counters=$(grep -o "querier: queries sent.*" "$log1" | tail -n 1)
entries=$(echo "$counters" | sed -n 's/.*cache entries \([0-9]*\),.*/\1/p')
evicted=$(echo "$counters" | sed -n 's/.*evicted \([0-9]*\)$/\1/p')
[ -n "$entries" ] && [ "$entries" -le 32 ] && [ "$entries" -ge 16 ] || lan_fail "cache entries: $counters"
[ -n "$evicted" ] && [ "$evicted" -gt 0 ] || lan_fail "no evictions: $counters"
n_logged=$(grep -c "cache-entries-max (16) reached" "$log1")
[ "$n_logged" -ge 1 ] && [ "$n_logged" -le 2 ] || lan_fail "the bound was logged $n_logged times: $(cat "$log1")"
lan_log "ok: $counters; the bound logged $n_logged time(s) (once per cache)"

# 3.
lan_check_daemon 1 "with a full cache"
lan_stop_zeroconfd 1 || lan_fail "zeroconfd 1 exited with code $?"
! grep -qE "Sanitizer|runtime error" "$log1" || lan_fail "sanitizer report: $(cat "$log1")"
lan_pass
