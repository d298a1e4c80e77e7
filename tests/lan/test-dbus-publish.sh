#!/bin/bash
# test-dbus-publish.sh: a service published through the D-Bus API (org.zeroconfd1 EntryGroup),
# seen by real peers, and withdrawn (RFC 6762 §10.1 goodbyes) when the client frees its group or
# leaves the bus without cleaning up.
#   Host 1 runs zeroconfd "pub" and a D-Bus client (tests/lan/dbus-client.py) on its own bus;
#   host 2 runs Avahi, host 3 python-zeroconf.
#   1. The Manager's properties are readable: HostName pub.local, State, the Link of eth0.
#   2. "DBus Web" _http._tcp 8080 TXT path=/d, subtype _printer: StateChanged registering →
#      established; Avahi (avahi-browse -rpt) and python-zeroconf resolve it with port and TXT;
#      Avahi finds it under _printer._sub._http._tcp too (RFC 6763 §7.1).
#   3. UpdateServiceTxt path=/e: both peers see the new TXT.
#   4. Free(): both peers drop it within 2 s.
#   5. A second client publishes "DBus Gone" and leaves the bus without Free(): both peers drop
#      it within 2 s.
#   6. A third client publishes "DBus Stop"; the daemon is stopped (SIGTERM): both peers drop it
#      within 2 s (the entry groups are withdrawn before the shutdown goodbyes go out).
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs avahi-daemon avahi-browse
lan_require_zeroconfd
"$LAN_PY" -c 'import zeroconf' 2>/dev/null || lan_skip_or_fail "python3-zeroconf is missing (apt-get install python3-zeroconf)"
"$LAN_PY" -c 'import dbus, gi' 2>/dev/null || lan_skip_or_fail "python3-dbus or python3-gi is missing"
LAN_TIMEOUT=${LAN_TIMEOUT:-90}
lan_setup 3
for h in 1 2 3; do lan_host_addr4 $h 169.254.32.$h/16; done
lan_wait_dad

cat >"$LAN_TMP/zc-watch.py" <<'EOF2'
import sys, threading, time
from zeroconf import IPVersion, ServiceBrowser, ServiceStateChange, Zeroconf

lock = threading.Lock()

def out(*a):
    line = " ".join(["%.3f" % time.time()] + [str(x) for x in a]) + "\n"
    with lock:
        sys.stdout.write(line)
        sys.stdout.flush()

def handler(zeroconf, service_type, name, state_change):
    if state_change is ServiceStateChange.Removed:
        out("remove", name)
        return
    info = zeroconf.get_service_info(service_type, name, timeout=3000)
    if info is None:
        out("unresolved", name)
        return
    txt = ",".join("%s=%s" % (k.decode(), (v or b"").decode()) for k, v in sorted(info.properties.items()))
    out("update" if state_change is ServiceStateChange.Updated else "add", name, info.server,
        ",".join(info.parsed_addresses(IPVersion.V4Only)), info.port, "txt:" + txt)

zc = Zeroconf(interfaces=[sys.argv[1]], ip_version=IPVersion.V4Only)
browser = ServiceBrowser(zc, "_http._tcp.local.", handlers=[handler])
out("started")
try:
    while True:
        time.sleep(1)
finally:
    zc.close()
EOF2

lan_start_zeroconfd 1 pub
lan_start_avahi 2 av
lan_spawn 3 "$LAN_TMP/zc.log" "$LAN_PY" "$LAN_TMP/zc-watch.py" "$(lan_addr4 3)"
stamp='while IFS= read -r l; do echo "$EPOCHREALTIME $l"; done'
lan_spawn 2 "$LAN_TMP/avahi-browse.log" bash -c "avahi-browse -rpk _http._tcp | $stamp"
addr1=$(lan_addr4 1)
client="$LAN_PY $LAN_DIR/dbus-client.py"

# 1. the Manager (the daemon owns its name once it is up)
props() { lan_exec 1 $client props >"$LAN_TMP/props" 2>&1; }
lan_wait_for 10 props || lan_fail "cannot read the Manager's properties: $(cat "$LAN_TMP/props")"
grep -q "^manager HostName pub.local$" "$LAN_TMP/props" || lan_fail "HostName: $(cat "$LAN_TMP/props")"
grep -q "^manager State running$" "$LAN_TMP/props" || lan_fail "State: $(cat "$LAN_TMP/props")"
grep -q "^manager Domain local$" "$LAN_TMP/props" || lan_fail "Domain: $(cat "$LAN_TMP/props")"
grep -qE "^link /org/zeroconfd1/link/[0-9]+ eth0 [0-9]+ up mdns4=1 mdns6=1 addresses=.*$addr1/16" "$LAN_TMP/props" ||
        lan_fail "the Link of eth0: $(cat "$LAN_TMP/props")"
grep -q "^introspect-manager yes$" "$LAN_TMP/props" || lan_fail "Introspect: $(cat "$LAN_TMP/props")"
lan_log "ok: Manager and Link properties: $(grep -c . "$LAN_TMP/props") lines"

# 2. publish through an entry group; the client reads its commands from a FIFO
mkfifo "$LAN_TMP/cmd1"
exec 3<>"$LAN_TMP/cmd1"
lan_spawn 1 "$LAN_TMP/client1.log" bash -c "exec $client publish 'DBus Web' _http._tcp 8080 path=/d sub:_printer <'$LAN_TMP/cmd1'"
c1() { grep -q "$1" "$LAN_TMP/client1.log"; }
lan_wait_for 10 c1 "^state established" || lan_fail "the group was not established: $(cat "$LAN_TMP/client1.log")"
c1 "^state registering" || lan_fail "no StateChanged registering: $(cat "$LAN_TMP/client1.log")"
lan_log "ok: StateChanged registering → established"
avahi_has() { lan_exec 2 avahi-browse -rptk _http._tcp 2>/dev/null | grep -qF "$1"; }
lan_wait_for 10 avahi_has "=;eth0;IPv4;DBus\032Web;_http._tcp;local;pub.local;$addr1;8080;\"path=/d\"" ||
        lan_fail "Avahi does not resolve 'DBus Web': $(lan_exec 2 avahi-browse -rptk _http._tcp 2>&1)"
zc_has() { grep -qF "$1" "$LAN_TMP/zc.log"; }
lan_wait_for 10 zc_has "add DBus Web._http._tcp.local. pub.local. $addr1 8080 txt:path=/d" ||
        lan_fail "python-zeroconf does not resolve 'DBus Web': $(cat "$LAN_TMP/zc.log")"
lan_log "ok: Avahi and python-zeroconf resolve 'DBus Web' (port 8080, path=/d)"
sub_has() { lan_exec 2 avahi-browse -ptk _printer._sub._http._tcp 2>/dev/null | grep -qF "$1"; }
lan_wait_for 10 sub_has ";eth0;IPv4;DBus\032Web;_http._tcp;local" ||
        lan_fail "Avahi does not find 'DBus Web' as _printer: $(lan_exec 2 avahi-browse -ptk _printer._sub._http._tcp 2>&1)"
lan_log "ok: Avahi finds 'DBus Web' under the subtype _printer"

# 3. TXT update (RFC 6762 §8.4)
echo "txt path=/e" >&3
lan_wait_for 5 c1 "^txt-updated" || lan_fail "UpdateServiceTxt failed: $(cat "$LAN_TMP/client1.log")"
lan_wait_for 5 avahi_has "=;eth0;IPv4;DBus\032Web;_http._tcp;local;pub.local;$addr1;8080;\"path=/e\"" ||
        lan_fail "Avahi does not see path=/e"
lan_wait_for 5 zc_has "update DBus Web._http._tcp.local. pub.local. $addr1 8080 txt:path=/e" ||
        lan_fail "python-zeroconf does not see path=/e: $(cat "$LAN_TMP/zc.log")"
lan_log "ok: the new TXT is seen by both peers"

first_after() {
        S=$3 awk -v t0="$1" 'index($0, ENVIRON["S"]) && $1 + 0 >= t0 + 0 { print $1; exit }' "$2"
}
elapsed_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
# wait until both peers dropped instance $1 after time $2; check it took at most 2 s
check_gone() {
        local inst=$1 t0=$2 avahi_name ta tz da dz
        avahi_name=${inst// /\\032}
        gone_avahi() { [ -n "$(first_after "$t0" "$LAN_TMP/avahi-browse.log" "-;eth0;IPv4;$avahi_name;_http._tcp;local")" ]; }
        gone_zc() { [ -n "$(first_after "$t0" "$LAN_TMP/zc.log" "remove $inst._http._tcp.local.")" ]; }
        lan_wait_for 5 gone_avahi || lan_fail "Avahi still lists '$inst': $(cat "$LAN_TMP/avahi-browse.log")"
        lan_wait_for 5 gone_zc || lan_fail "python-zeroconf still lists '$inst': $(cat "$LAN_TMP/zc.log")"
        ta=$(first_after "$t0" "$LAN_TMP/avahi-browse.log" "-;eth0;IPv4;$avahi_name;_http._tcp;local")
        tz=$(first_after "$t0" "$LAN_TMP/zc.log" "remove $inst._http._tcp.local.")
        da=$(elapsed_ms "$t0" "$ta") dz=$(elapsed_ms "$t0" "$tz")
        lan_log "'$inst' dropped by Avahi after ${da} ms, by python-zeroconf after ${dz} ms"
        [ "$da" -le 2000 ] || lan_fail "Avahi dropped '$inst' after $da ms (> 2 s)"
        [ "$dz" -le 2000 ] || lan_fail "python-zeroconf dropped '$inst' after $dz ms (> 2 s)"
}

# 4. Free()
t1=$EPOCHREALTIME
echo free >&3
lan_wait_for 5 c1 "^freed" || lan_fail "Free() failed: $(cat "$LAN_TMP/client1.log")"
check_gone "DBus Web" "$t1"
exec 3>&-

# 5. a client that leaves the bus without cleaning up
mkfifo "$LAN_TMP/cmd2"
exec 4<>"$LAN_TMP/cmd2"
lan_spawn 1 "$LAN_TMP/client2.log" bash -c "exec $client publish 'DBus Gone' _http._tcp 8081 <'$LAN_TMP/cmd2'"
c2() { grep -q "$1" "$LAN_TMP/client2.log"; }
lan_wait_for 10 c2 "^state established" || lan_fail "the second group was not established: $(cat "$LAN_TMP/client2.log")"
lan_wait_for 10 zc_has "add DBus Gone._http._tcp.local." || lan_fail "python-zeroconf does not see 'DBus Gone'"
lan_wait_for 10 avahi_has "=;eth0;IPv4;DBus\032Gone;_http._tcp;local;pub.local;$addr1;8081;" ||
        lan_fail "Avahi does not see 'DBus Gone'"
t2=$EPOCHREALTIME
echo exit >&4
check_gone "DBus Gone" "$t2"
exec 4>&-

# 6. the daemon stops
mkfifo "$LAN_TMP/cmd3"
exec 5<>"$LAN_TMP/cmd3"
lan_spawn 1 "$LAN_TMP/client3.log" bash -c "exec $client publish 'DBus Stop' _http._tcp 8082 <'$LAN_TMP/cmd3'"
c3() { grep -q "$1" "$LAN_TMP/client3.log"; }
lan_wait_for 10 c3 "^state established" || lan_fail "the third group was not established: $(cat "$LAN_TMP/client3.log")"
lan_wait_for 10 zc_has "add DBus Stop._http._tcp.local." || lan_fail "python-zeroconf does not see 'DBus Stop'"
lan_wait_for 10 avahi_has "=;eth0;IPv4;DBus\032Stop;_http._tcp;local;pub.local;$addr1;8082;" ||
        lan_fail "Avahi does not see 'DBus Stop'"
lan_check_daemon 1
t3=$EPOCHREALTIME
lan_stop_zeroconfd 1 || lan_fail "zeroconfd exited with code $?"
check_gone "DBus Stop" "$t3"
exec 5>&-
lan_pass
