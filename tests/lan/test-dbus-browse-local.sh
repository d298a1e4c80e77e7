#!/bin/bash
# test-dbus-browse-local.sh: a local client sees this host's own services and name (issue 5),
# flagged LOCAL (flags 8), through the D-Bus API (org.zeroconfd1).
#   Host 1 runs zeroconfd "zclocal" with "Local Web" (_http._tcp 8080 path=/l) in services.d;
#   host 2 runs zeroconfd "zcpeer". Both run a ServiceBrowser for _http._tcp.
#   1. Host 1's browser reports "Local Web" with flags 8 on IPv4 and IPv6; host 2's reports it
#      with flags 0.
#   2. Another client on host 1 publishes "Group Web" (8081) through an entry group: host 1's
#      browser reports it with flags 8, host 2's with flags 0.
#   3. On host 1, a ServiceResolver for "Local Web" gives zclocal.local, 8080, path=/l and host 1's
#      address with flags 8; ResolveHostName of zclocal.local gives host 1's address with flags 8.
#   4. "Local Web"'s file is deleted: host 1's browser reports ItemRemove (flags 8) and so does
#      host 2's (flags 0); "Group Web"'s group is freed: the same.
#   5. Host 1's daemon exits cleanly (code 0, no sanitizer report).
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_zeroconfd
"$LAN_PY" -c 'import dbus, gi' 2>/dev/null || lan_skip_or_fail "python3-dbus or python3-gi is missing"
LAN_TIMEOUT=${LAN_TIMEOUT:-90}
lan_setup 2
for h in 1 2; do lan_host_addr4 $h 169.254.35.$h/16; done
lan_wait_dad

mkdir -p "$(lan_dir 1)/services.d"
cat >"$(lan_dir 1)/services.d/web.service" <<'EOF'
<?xml version="1.0" standalone="no"?>
<service-group>
  <name>Local Web</name>
  <service>
    <type>_http._tcp</type>
    <port>8080</port>
    <txt-record>path=/l</txt-record>
  </service>
</service-group>
EOF

lan_start_zeroconfd 1 zclocal
lan_start_zeroconfd 2 zcpeer
addr1=$(lan_addr4 1)
browse="$LAN_PY $LAN_DIR/dbus-browse.py"
client="$LAN_PY $LAN_DIR/dbus-client.py"
manager_up() { lan_exec "$1" gdbus introspect --system --dest org.zeroconfd1 --object-path /org/zeroconfd1 >/dev/null 2>&1; }
for h in 1 2; do lan_wait_for 10 manager_up $h || lan_fail "org.zeroconfd1 is not on host $h's bus"; done
has() { grep -qE "$2" "$1" 2>/dev/null; }

# the browsers: host 1's reads commands on a FIFO
mkfifo "$LAN_TMP/cmd"
exec 3<>"$LAN_TMP/cmd"
lan_spawn 1 "$LAN_TMP/browse1.log" bash -c "DBUS_BROWSE_FLAGS=1 exec $browse browse _http._tcp <'$LAN_TMP/cmd'"
lan_spawn 2 "$LAN_TMP/browse2.log" bash -c "DBUS_BROWSE_FLAGS=1 exec $browse browse _http._tcp </dev/null"
B1=$LAN_TMP/browse1.log B2=$LAN_TMP/browse2.log

# 1. our own services.d service
for proto in 0 1; do
        lan_wait_for 15 has "$B1" "^[0-9.]+ new [0-9]+ $proto Local\\\\032Web _http._tcp local flags=8$" ||
                lan_fail "host 1's browser does not report its own Local Web (protocol $proto) as LOCAL: $(cat "$B1")"
done
lan_wait_for 15 has "$B2" "^[0-9.]+ new [0-9]+ 0 Local\\\\032Web _http._tcp local flags=0$" ||
        lan_fail "host 2's browser does not report Local Web with flags 0: $(cat "$B2")"
! has "$B1" " Local\\\\032Web _http._tcp local flags=0$" || lan_fail "host 1 reports its own service without LOCAL: $(cat "$B1")"
[ "$(grep -c " new [0-9]* 0 Local\\\\032Web " "$B1")" = 1 ] || lan_fail "host 1 reports Local Web twice: $(cat "$B1")"
lan_log "ok: host 1 sees its own services.d service with LOCAL, host 2 sees it without"

# 2. an entry group of another client on host 1
mkfifo "$LAN_TMP/cmdg"
exec 4<>"$LAN_TMP/cmdg"
lan_spawn 1 "$LAN_TMP/group.log" bash -c "exec $client publish 'Group Web' _http._tcp 8081 path=/g <'$LAN_TMP/cmdg'"
lan_wait_for 10 has "$LAN_TMP/group.log" "state established" || lan_fail "the group is not established: $(cat "$LAN_TMP/group.log")"
lan_wait_for 10 has "$B1" "^[0-9.]+ new [0-9]+ 0 Group\\\\032Web _http._tcp local flags=8$" ||
        lan_fail "host 1's browser does not report the entry group's Group Web as LOCAL: $(cat "$B1")"
lan_wait_for 10 has "$B2" "^[0-9.]+ new [0-9]+ 0 Group\\\\032Web _http._tcp local flags=0$" ||
        lan_fail "host 2's browser does not report Group Web with flags 0: $(cat "$B2")"
lan_log "ok: host 1 sees another client's entry group service with LOCAL, host 2 without"

# 3. resolving our own service and name
lan_spawn 1 "$LAN_TMP/resolve.log" bash -c "DBUS_BROWSE_FLAGS=1 exec $browse resolve 'Local Web' _http._tcp </dev/null"
lan_wait_for 10 has "$LAN_TMP/resolve.log" "^[0-9.]+ found [0-9]+ 0 Local\\\\032Web zclocal.local 0 $addr1 8080 path=/l flags=8$" ||
        lan_fail "the ServiceResolver on host 1 does not resolve its own Local Web: $(cat "$LAN_TMP/resolve.log")"
lan_exec 1 env DBUS_BROWSE_FLAGS=1 $browse host-once zclocal.local 0 >"$LAN_TMP/host-once" 2>&1
has "$LAN_TMP/host-once" "^[0-9.]+ result [0-9]+ [01] zclocal.local 0 $addr1 flags=8$" ||
        lan_fail "ResolveHostName of our own name: $(cat "$LAN_TMP/host-once")"
lan_log "ok: host 1 resolves its own service and name, LOCAL"

# 4. withdrawals
rm "$(lan_dir 1)/services.d/web.service"
lan_wait_for 10 has "$B1" "^[0-9.]+ remove [0-9]+ 0 Local\\\\032Web _http._tcp local flags=8$" ||
        lan_fail "host 1's browser reports no ItemRemove for its deleted Local Web: $(cat "$B1")"
lan_wait_for 10 has "$B2" "^[0-9.]+ remove [0-9]+ 0 Local\\\\032Web _http._tcp local flags=0$" ||
        lan_fail "host 2's browser reports no ItemRemove for Local Web: $(cat "$B2")"
lan_wait_for 5 has "$LAN_TMP/resolve.log" "^[0-9.]+ remove [0-9]+ 0 Local\\\\032Web zclocal.local 0 $addr1 8080 - flags=8$" ||
        lan_fail "the ServiceResolver reports no ItemRemove: $(cat "$LAN_TMP/resolve.log")"
lan_log "ok: the deleted services.d service goes on both hosts (and from the resolver)"
echo free >&4
lan_wait_for 5 has "$LAN_TMP/group.log" "freed" || lan_fail "Free() of the group failed: $(cat "$LAN_TMP/group.log")"
lan_wait_for 10 has "$B1" "^[0-9.]+ remove [0-9]+ 0 Group\\\\032Web _http._tcp local flags=8$" ||
        lan_fail "host 1's browser reports no ItemRemove for the freed group's Group Web: $(cat "$B1")"
lan_wait_for 10 has "$B2" "^[0-9.]+ remove [0-9]+ 0 Group\\\\032Web _http._tcp local flags=0$" ||
        lan_fail "host 2's browser reports no ItemRemove for Group Web: $(cat "$B2")"
lan_log "ok: the freed entry group's service goes on both hosts"

echo free >&3
lan_wait_for 5 has "$B1" "^[0-9.]+ freed$" || lan_fail "Free() of the browser failed: $(cat "$B1")"
echo exit >&3
echo exit >&4
for h in 1 2; do lan_check_daemon $h "at the end"; done
lan_stop_zeroconfd 1 || lan_fail "zeroconfd 1 exited with code $?"
! grep -qE "Sanitizer|runtime error" "$(lan_dir 1)/zeroconfd.log" || lan_fail "sanitizer report: $(cat "$(lan_dir 1)/zeroconfd.log")"
lan_pass
