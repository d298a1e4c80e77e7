#!/bin/bash
# test-dbus-browse.sh: browsing and resolving through the D-Bus API (org.zeroconfd1
# ServiceBrowser, ServiceResolver, ResolveService) against three kinds of publisher.
#   Host 1 runs zeroconfd "browser" and a D-Bus client (tests/lan/dbus-browse.py) on its bus;
#   host 2 runs zeroconfd "zcpub" publishing "ZC Web" (_http._tcp 8080 path=/zc) from services.d;
#   host 3 runs Avahi publishing "Avahi Web" (avahi-publish, 8081 path=/av);
#   host 4 runs python-zeroconf publishing "PyZC Web" (8082 path=/py, IPv4 only).
#   1. A ServiceBrowser for _http._tcp on host 1 reports all three (ItemNew), and AllForNow and
#      CacheExhausted.
#   2. A ServiceResolver for "ZC Web" gives host zcpub.local, port 8080, TXT path=/zc, its IPv4
#      address and its IPv6 link-local address with the interface (fe80::…%eth0).
#   3. ResolveService (one-shot) for "Avahi Web" and "PyZC Web": host, port, TXT, address.
#   4. Another client gets AccessDenied on the browser.
#   5. Each publisher withdraws its service: ItemRemove on host 1 within 2 s of the withdrawal
#      (RFC 6762 §10.1: a goodbye, the record deleted one second later); the resolver of
#      "ZC Web" reports ItemRemove too.
#   6. Its querier counters (SIGUSR1) show queries sent and records cached, none evicted.
#   7. zeroconfd on host 1 exits cleanly (code 0, no sanitizer report) while a client still holds
#      a resolver.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs avahi-daemon avahi-publish
lan_require_zeroconfd
"$LAN_PY" -c 'import zeroconf' 2>/dev/null || lan_skip_or_fail "python3-zeroconf is missing (apt-get install python3-zeroconf)"
"$LAN_PY" -c 'import dbus, gi' 2>/dev/null || lan_skip_or_fail "python3-dbus or python3-gi is missing"
LAN_TIMEOUT=${LAN_TIMEOUT:-100}
lan_setup 4
for h in 1 2 3 4; do lan_host_addr4 $h 169.254.34.$h/16; done
lan_wait_dad

mkdir -p "$(lan_dir 2)/services.d"
cat >"$(lan_dir 2)/services.d/web.service" <<'EOF'
<?xml version="1.0" standalone="no"?>
<service-group>
  <name>ZC Web</name>
  <service>
    <type>_http._tcp</type>
    <port>8080</port>
    <txt-record>path=/zc</txt-record>
  </service>
</service-group>
EOF

cat >"$LAN_TMP/zc-publish.py" <<'EOF'
import signal, socket, sys, time
from zeroconf import IPVersion, ServiceInfo, Zeroconf

ip = sys.argv[1]
zc = Zeroconf(interfaces=[ip], ip_version=IPVersion.V4Only)
info = ServiceInfo("_http._tcp.local.", "PyZC Web._http._tcp.local.", addresses=[socket.inet_aton(ip)],
                   port=8082, properties={"path": "/py"}, server="pyhost.local.")
zc.register_service(info)
print("registered", flush=True)
def stop(*a):
    zc.unregister_service(info)  # goodbyes (TTL 0)
    zc.close()
    print("unregistered", flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
while True:
    time.sleep(1)
EOF

lan_start_zeroconfd 1 browser
lan_start_zeroconfd 2 zcpub
lan_start_avahi 3 avpub
addr2=$(lan_addr4 2) addr3=$(lan_addr4 3) addr4=$(lan_addr4 4) ll2=$(lan_addr6 2)
lan_spawn 3 "$LAN_TMP/avahi-publish.log" avahi-publish -s "Avahi Web" _http._tcp 8081 path=/av
pid_avahi_publish=$LAN_LAST_PID
lan_spawn 4 "$LAN_TMP/pyzc.log" "$LAN_PY" "$LAN_TMP/zc-publish.py" "$addr4"
pid_pyzc=$LAN_LAST_PID
client="$LAN_PY $LAN_DIR/dbus-browse.py"

# the daemon owns its name once it is up
manager_up() { lan_exec 1 gdbus introspect --system --dest org.zeroconfd1 --object-path /org/zeroconfd1 >/dev/null 2>&1; }
lan_wait_for 10 manager_up || lan_fail "org.zeroconfd1 is not on host 1's bus"
has() { grep -qE "$2" "$1" 2>/dev/null; }

# 1. the browser; it reads commands on a FIFO
mkfifo "$LAN_TMP/cmd"
exec 3<>"$LAN_TMP/cmd"
lan_spawn 1 "$LAN_TMP/browse.log" bash -c "exec $client browse _http._tcp <'$LAN_TMP/cmd'"
B=$LAN_TMP/browse.log
for inst in 'ZC\\032Web' 'Avahi\\032Web' 'PyZC\\032Web'; do
        lan_wait_for 15 has "$B" "^[0-9.]+ new [0-9]+ 0 $inst _http._tcp local$" ||
                lan_fail "the browser does not report $inst over IPv4: $(cat "$B")"
done
has "$B" '^[0-9.]+ new [0-9]+ 1 ZC\\032Web _http._tcp local$' || lan_fail "no ItemNew for ZC Web over IPv6: $(cat "$B")"
has "$B" '^[0-9.]+ new [0-9]+ 1 Avahi\\032Web _http._tcp local$' ||
        lan_fail "no ItemNew for Avahi Web over IPv6: $(cat "$B")"
lan_wait_for 5 has "$B" "^[0-9.]+ allfornow$" || lan_fail "no AllForNow: $(cat "$B")"
has "$B" "^[0-9.]+ cacheexhausted$" || lan_fail "no CacheExhausted: $(cat "$B")"
[ "$(grep -c ' allfornow$' "$B")" = 1 ] || lan_fail "AllForNow more than once: $(cat "$B")"
path=$(awk '$2 == "path" { print $3; exit }' "$B")
case $path in /org/zeroconfd1/client/*/servicebrowser/*) ;; *) lan_fail "browser path '$path'" ;; esac
lan_log "ok: ItemNew for ZC Web, Avahi Web, PyZC Web; AllForNow once; CacheExhausted"

# 2. a ServiceResolver for our peer's service: both address families, the link-local one scoped
lan_spawn 1 "$LAN_TMP/resolve.log" bash -c "exec $client resolve 'ZC Web' _http._tcp </dev/null"
R=$LAN_TMP/resolve.log
lan_wait_for 10 has "$R" "^[0-9.]+ found [0-9]+ [01] ZC\\\\032Web zcpub.local 0 $addr2 8080 path=/zc$" ||
        lan_fail "no IPv4 result for ZC Web: $(cat "$R")"
lan_wait_for 10 has "$R" "^[0-9.]+ found [0-9]+ [01] ZC\\\\032Web zcpub.local 1 $ll2%eth0 8080 path=/zc$" ||
        lan_fail "no scoped IPv6 link-local result for ZC Web: $(cat "$R")"
lan_log "ok: ServiceResolver: zcpub.local 8080 path=/zc at $addr2 and $ll2%eth0"

# 3. one-shot resolves of the other two
lan_exec 1 $client resolve-once "Avahi Web" _http._tcp >"$LAN_TMP/once-avahi" 2>&1
grep -qE "^[0-9.]+ result [0-9]+ [01] Avahi\\\\032Web avpub.local [01] ($addr3|fe80::[0-9a-f:]+%eth0) 8081 path=/av$" \
        "$LAN_TMP/once-avahi" || lan_fail "ResolveService Avahi Web: $(cat "$LAN_TMP/once-avahi")"
lan_exec 1 $client resolve-once "PyZC Web" _http._tcp >"$LAN_TMP/once-py" 2>&1
grep -qE "^[0-9.]+ result [0-9]+ 0 PyZC\\\\032Web pyhost.local 0 $addr4 8082 path=/py$" "$LAN_TMP/once-py" ||
        lan_fail "ResolveService PyZC Web: $(cat "$LAN_TMP/once-py")"
lan_log "ok: ResolveService: $(cut -d' ' -f3- "$LAN_TMP/once-avahi"); $(cut -d' ' -f3- "$LAN_TMP/once-py")"

# 4. a stranger cannot touch the browser
lan_exec 1 $client intrude "$path" >"$LAN_TMP/intrude" 2>&1 || lan_fail "intruder: $(cat "$LAN_TMP/intrude")"
[ "$(grep -c ' denied ' "$LAN_TMP/intrude")" = 2 ] || lan_fail "intruder: $(cat "$LAN_TMP/intrude")"
lan_log "ok: another client gets AccessDenied on Start and Free"

# 5. withdrawals: ItemRemove within 2 s of each
elapsed_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
first_after() { RE=$2 awk -v t0="$1" '$0 ~ ENVIRON["RE"] && $1 + 0 >= t0 + 0 { print $1; exit }' "$B"; }
check_removed() { # INSTANCE T0
        local re="^[0-9.]+ remove [0-9]+ 0 $1 _http._tcp local$" t ms
        gone() { [ -n "$(first_after "$2" "$re")" ]; }
        lan_wait_for 6 gone "$1" "$2" || lan_fail "no ItemRemove for $1: $(cat "$B")"
        t=$(first_after "$2" "$re")
        ms=$(elapsed_ms "$2" "$t")
        [ "$ms" -le 2000 ] || lan_fail "ItemRemove for $1 came after $ms ms (more than 2 s)"
        lan_log "ok: ItemRemove for $1 after $ms ms"
}
t0=$EPOCHREALTIME
rm "$(lan_dir 2)/services.d/web.service"
check_removed 'ZC\\032Web' "$t0"
lan_wait_for 3 has "$R" "^[0-9.]+ remove [0-9]+ [01] ZC\\\\032Web zcpub.local 0 $addr2 8080 -$" ||
        lan_fail "the ServiceResolver reports no ItemRemove: $(cat "$R")"
lan_log "ok: the ServiceResolver reports ItemRemove for ZC Web"
t0=$EPOCHREALTIME
kill -TERM "$pid_avahi_publish"
check_removed 'Avahi\\032Web' "$t0"
t0=$EPOCHREALTIME
kill -TERM "$pid_pyzc"
check_removed 'PyZC\\032Web' "$t0"

echo free >&3
lan_wait_for 5 has "$B" "^[0-9.]+ freed$" || lan_fail "Free() failed: $(cat "$B")"
echo exit >&3
for h in 1 2; do lan_check_daemon $h "at the end"; done
# the querier's counters (SIGUSR1): queries went out, peers' records are cached, none evicted
log1=$(lan_dir 1)/zeroconfd.log
kill -USR1 "${LAN_ZC_PID[1]}"
has_counters() { grep -q "querier: queries sent" "$log1"; }
lan_wait_for 3 has_counters || lan_fail "no querier counters logged on SIGUSR1"
counters=$(grep -o "querier: queries sent.*" "$log1" | tail -n 1)
echo "$counters" | grep -qE "^querier: queries sent [1-9][0-9]* \(packets\); cache entries [1-9][0-9]*, evicted 0$" ||
        lan_fail "host 1's querier counters: $counters"
lan_log "ok: host 1 $counters"

# a clean exit while clients still hold browsers and resolvers (freed with the bus)
lan_stop_zeroconfd 1 || lan_fail "zeroconfd 1 exited with code $?"
! grep -qE "Sanitizer|runtime error" "$(lan_dir 1)/zeroconfd.log" || lan_fail "sanitizer report: $(cat "$(lan_dir 1)/zeroconfd.log")"
lan_pass
