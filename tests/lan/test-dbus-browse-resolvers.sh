#!/bin/bash
# test-dbus-browse-resolvers.sh: the host, address and record resolvers of the D-Bus API
# (org.zeroconfd1 HostResolver, ResolveHostName, ResolveAddress, AddressResolver, RecordBrowser,
# ServiceTypeBrowser), their Failure and Timeout, and the argument checks.
#   Host 1 runs zeroconfd "asker" and a D-Bus client (tests/lan/dbus-browse.py);
#   host 2 runs zeroconfd "zcpub" publishing "ZC Web" (_http._tcp, subtype _printer, 8080
#   path=/zc);
#   host 3 runs Avahi "avpub".
#   1. A HostResolver for zcpub.local reports its IPv4 address and its IPv6 link-local address
#      with the interface (fe80::…%eth0), then AllForNow, and no Failure.
#   2. ResolveHostName avpub.local for IPv4 and for IPv6 (scoped); ResolveAddress of the IPv4
#      address of zcpub and avpub and of zcpub's link-local IPv6 address gives their names.
#   3. A RecordBrowser for the TXT record of "ZC Web" gives its rdata (path=/zc); a
#      ServiceTypeBrowser lists _http._tcp; a ServiceBrowser for the subtype
#      _printer._sub._http._tcp finds "ZC Web" (published with that subtype), one for _scanner
#      finds nothing.
#   4. A name nobody has: ResolveHostName answers the named error Timeout, a HostResolver emits
#      Failure (and ItemNew never).
#   5. Bad arguments to every factory get their named errors; Start twice is BadState; the
#      daemon still answers afterwards, and exits cleanly (code 0, no sanitizer report) while
#      clients still hold resolvers.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs avahi-daemon gdbus
lan_require_zeroconfd
"$LAN_PY" -c 'import dbus, gi' 2>/dev/null || lan_skip_or_fail "python3-dbus or python3-gi is missing"
LAN_TIMEOUT=${LAN_TIMEOUT:-100}
lan_setup 3
for h in 1 2 3; do lan_host_addr4 $h 169.254.35.$h/16; done
lan_wait_dad

mkdir -p "$(lan_dir 2)/services.d"
cat >"$(lan_dir 2)/services.d/web.service" <<'EOF'
<?xml version="1.0" standalone="no"?>
<service-group>
  <name>ZC Web</name>
  <service>
    <type>_http._tcp</type>
    <subtype>_printer</subtype>
    <port>8080</port>
    <txt-record>path=/zc</txt-record>
  </service>
</service-group>
EOF

lan_start_zeroconfd 1 asker
lan_start_zeroconfd 2 zcpub
lan_start_avahi 3 avpub
addr2=$(lan_addr4 2) addr3=$(lan_addr4 3) ll2=$(lan_addr6 2) ll3=$(lan_addr6 3)
client="$LAN_PY $LAN_DIR/dbus-browse.py"
manager_up() { lan_exec 1 gdbus introspect --system --dest org.zeroconfd1 --object-path /org/zeroconfd1 >/dev/null 2>&1; }
lan_wait_for 10 manager_up || lan_fail "org.zeroconfd1 is not on host 1's bus"
has() { grep -qE "$2" "$1" 2>/dev/null; }
lan_wait_answer 1 2 zcpub.local

# 1. HostResolver
lan_spawn 1 "$LAN_TMP/host.log" bash -c "exec $client host zcpub.local </dev/null"
H=$LAN_TMP/host.log
lan_wait_for 10 has "$H" "^[0-9.]+ found [0-9]+ [01] zcpub.local 0 $addr2$" || lan_fail "HostResolver IPv4: $(cat "$H")"
lan_wait_for 10 has "$H" "^[0-9.]+ found [0-9]+ [01] zcpub.local 1 $ll2%eth0$" || lan_fail "HostResolver IPv6: $(cat "$H")"
lan_wait_for 5 has "$H" "^[0-9.]+ allfornow$" || lan_fail "HostResolver: no AllForNow: $(cat "$H")"
lan_log "ok: HostResolver zcpub.local: $addr2, $ll2%eth0, AllForNow"

# 2. one-shot host and address resolution
once() { # EXPECTED-REGEX CMD ARGS...
        local re=$1
        shift
        lan_exec 1 $client "$@" >"$LAN_TMP/once" 2>&1
        grep -qE "$re" "$LAN_TMP/once" || lan_fail "$*: $(cat "$LAN_TMP/once")"
        lan_log "ok: $*: $(cut -d' ' -f2- "$LAN_TMP/once")"
}
once "^[0-9.]+ result [0-9]+ [01] avpub.local 0 $addr3$" host-once avpub.local 0
once "^[0-9.]+ result [0-9]+ [01] avpub.local 1 $ll3%eth0$" host-once avpub.local 1
once "^[0-9.]+ result [0-9]+ [01] 0 $addr2 zcpub.local$" addr-once "$addr2"
once "^[0-9.]+ result [0-9]+ [01] 0 $addr3 avpub.local$" addr-once "$addr3"
once "^[0-9.]+ result [0-9]+ [01] 1 $ll2%eth0 zcpub.local$" addr-once "$ll2"

# 3. a record browser (TXT of ZC Web: "\x08path=/zc") and the service types
txt_hex=08$(printf 'path=/zc' | od -An -tx1 | tr -d ' \n')
lan_spawn 1 "$LAN_TMP/records.log" bash -c "exec $client records 'ZC Web._http._tcp.local' 1 16 </dev/null"
lan_wait_for 10 has "$LAN_TMP/records.log" "^[0-9.]+ new [0-9]+ [01] ZC Web._http._tcp.local 1 16 $txt_hex$" ||
        lan_fail "RecordBrowser TXT: $(cat "$LAN_TMP/records.log")"
lan_log "ok: RecordBrowser: the TXT record of ZC Web ($txt_hex)"
lan_spawn 1 "$LAN_TMP/types.log" bash -c "exec $client types </dev/null"
lan_wait_for 10 has "$LAN_TMP/types.log" "^[0-9.]+ new [0-9]+ [01] _http._tcp local$" ||
        lan_fail "ServiceTypeBrowser: $(cat "$LAN_TMP/types.log")"
lan_log "ok: ServiceTypeBrowser lists _http._tcp"
lan_spawn 1 "$LAN_TMP/sub.log" bash -c "exec $client browse _printer._sub._http._tcp </dev/null"
lan_wait_for 10 has "$LAN_TMP/sub.log" "^[0-9.]+ new [0-9]+ [01] ZC\\\\032Web _http._tcp local$" ||
        lan_fail "subtype browser: $(cat "$LAN_TMP/sub.log")"
lan_spawn 1 "$LAN_TMP/nosub.log" bash -c "exec $client browse _scanner._sub._http._tcp </dev/null"
lan_wait_for 5 has "$LAN_TMP/nosub.log" "^[0-9.]+ allfornow$" || lan_fail "no AllForNow: $(cat "$LAN_TMP/nosub.log")"
! has "$LAN_TMP/nosub.log" " new " || lan_fail "a subtype nobody publishes: $(cat "$LAN_TMP/nosub.log")"
lan_log "ok: a ServiceBrowser for the subtype _printer finds ZC Web, one for _scanner nothing"

# 4. nobody has nosuch.local
lan_spawn 1 "$LAN_TMP/nohost.log" bash -c "exec $client host nosuch.local </dev/null"
once "^[0-9.]+ error org.zeroconfd1.Error.Timeout$" host-once nosuch.local -1
lan_wait_for 3 has "$LAN_TMP/nohost.log" "^[0-9.]+ failure " || lan_fail "no Failure: $(cat "$LAN_TMP/nohost.log")"
! has "$LAN_TMP/nohost.log" " found [0-9]" || lan_fail "found a host nobody has: $(cat "$LAN_TMP/nohost.log")"
lan_log "ok: nosuch.local: Timeout error, Failure signal"

# 5. bad arguments
lan_exec 1 $client bad >"$LAN_TMP/bad" 2>&1 || lan_fail "bad arguments: $(cat "$LAN_TMP/bad")"
grep -q "FAIL" "$LAN_TMP/bad" && lan_fail "bad arguments: $(cat "$LAN_TMP/bad")"
lan_log "ok: $(grep -c ' ok ' "$LAN_TMP/bad") bad arguments got their named errors"
lan_check_daemon 1 "after the bad arguments"
once "^[0-9.]+ result [0-9]+ [01] zcpub.local 0 $addr2$" host-once zcpub.local 0
# a clean exit while clients still hold browsers and resolvers (freed with the bus)
lan_stop_zeroconfd 1 || lan_fail "zeroconfd 1 exited with code $?"
! grep -qE "Sanitizer|runtime error" "$(lan_dir 1)/zeroconfd.log" || lan_fail "sanitizer report: $(cat "$(lan_dir 1)/zeroconfd.log")"
lan_pass
