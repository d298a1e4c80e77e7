#!/bin/bash
# test-dnssd-peers.sh: services.d published (RFC 6763), seen by real peers.
#   Host 1 runs zeroconfd with three files in its services.d: ssh.service (the shipped one: %h,
#   _ssh._tcp 22), web.service (_http._tcp 8080, TXT path=/a) and broken.service (an XML error).
#   Host 2 runs Avahi, host 3 python-zeroconf (ServiceBrowser + get_service_info).
#   1. Both peers resolve both services with the right host, address, port and TXT; the daemon
#      logged broken.service as FILE:LINE:COLUMN and the other files stayed published.
#   2. web.service is edited (an editor's write and rename): both peers see the new TXT within
#      2 s (inotify → reload → RFC 6762 §8.4 announcement, no re-probe).
#   3. web.service is deleted: both peers drop the service within 2 s (§10.1 goodbyes); ssh stays.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs avahi-daemon avahi-browse
lan_require_zeroconfd
"$LAN_PY" -c 'import zeroconf' 2>/dev/null || lan_skip_or_fail "python3-zeroconf is missing (apt-get install python3-zeroconf)"
LAN_TIMEOUT=${LAN_TIMEOUT:-60}
lan_setup 3
for h in 1 2 3; do lan_host_addr4 $h 169.254.31.$h/16; done
lan_wait_dad

svc=$(lan_dir 1)/services.d
mkdir -p "$svc"
cp "$LAN_DIR/../../services.d/ssh.service" "$svc/"
web() { # web.service with TXT path=$1, written the way editors do: a temporary file, renamed
        cat >"$svc/.web.service.swp" <<EOF
<?xml version="1.0" standalone="no"?>
<service-group>
  <name>Web Site</name>
  <service>
    <type>_http._tcp</type>
    <port>8080</port>
    <txt-record>path=$1</txt-record>
  </service>
</service-group>
EOF
        mv "$svc/.web.service.swp" "$svc/web.service"
}
web /a
cat >"$svc/broken.service" <<'EOF'
<service-group>
  <name>Broken</name>
  <service>
    <type>_ftp._tcp</type>
    <port>21</port>
  </servic>
</service-group>
EOF

# python-zeroconf watcher: one line per event, with the wall-clock time
cat >"$LAN_TMP/zc-watch.py" <<'EOF'
import sys, threading, time
from zeroconf import IPVersion, ServiceBrowser, ServiceStateChange, Zeroconf

lock = threading.Lock()

def out(*a):
    line = " ".join(["%.3f" % time.time()] + [str(x) for x in a]) + "\n"
    with lock:
        sys.stdout.write(line)
        sys.stdout.flush()

NAMES = {ServiceStateChange.Added: "add", ServiceStateChange.Updated: "update"}

def handler(zeroconf, service_type, name, state_change):
    if state_change is ServiceStateChange.Removed:
        out("remove", name)
        return
    info = zeroconf.get_service_info(service_type, name, timeout=3000)
    if info is None:
        out("unresolved", name)
        return
    txt = ",".join("%s=%s" % (k.decode(), (v or b"").decode()) for k, v in sorted(info.properties.items()))
    out(NAMES[state_change], name, info.server, ",".join(info.parsed_addresses(IPVersion.V4Only)), info.port,
        "txt:" + txt)

zc = Zeroconf(interfaces=[sys.argv[1]], ip_version=IPVersion.V4Only)
browsers = [ServiceBrowser(zc, t, handlers=[handler]) for t in sys.argv[2:]]
out("started")
try:
    while True:
        time.sleep(1)
finally:
    zc.close()
EOF

lan_start_zeroconfd 1 pub
lan_start_avahi 2 av
lan_spawn 3 "$LAN_TMP/zc.log" "$LAN_PY" "$LAN_TMP/zc-watch.py" "$(lan_addr4 3)" _ssh._tcp.local. _http._tcp.local.
# Avahi: a long-running browser (its "-" lines: removals) and a poller (its "=" lines: the TXT
# as Avahi's cache holds it; avahi-browse resolves only once per run), lines stamped.
stamp='while IFS= read -r l; do echo "$EPOCHREALTIME $l"; done'
lan_spawn 2 "$LAN_TMP/avahi-browse.log" bash -c "avahi-browse -rpk _http._tcp | $stamp"
lan_spawn 2 "$LAN_TMP/avahi-poll.log" bash -c "while :; do avahi-browse -rptk _http._tcp; done | $stamp"

addr1=$(lan_addr4 1)
# 1. resolved by both peers
avahi_has() { lan_exec 2 avahi-browse -rptk "$1" 2>/dev/null | grep -qF "$2"; }
lan_wait_for 15 avahi_has _ssh._tcp "=;eth0;IPv4;pub;_ssh._tcp;local;pub.local;$addr1;22;" ||
        lan_fail "Avahi does not resolve pub._ssh._tcp: $(lan_exec 2 avahi-browse -rptk _ssh._tcp 2>&1)"
lan_wait_for 5 avahi_has _http._tcp "=;eth0;IPv4;Web\032Site;_http._tcp;local;pub.local;$addr1;8080;\"path=/a\"" ||
        lan_fail "Avahi does not resolve 'Web Site': $(lan_exec 2 avahi-browse -rptk _http._tcp 2>&1)"
lan_log "ok: Avahi resolves pub._ssh._tcp (port 22) and 'Web Site'._http._tcp (port 8080, path=/a)"
zc_has() { grep -qF "$1" "$LAN_TMP/zc.log"; }
lan_wait_for 10 zc_has "add pub._ssh._tcp.local. pub.local. $addr1 22 txt:" ||
        lan_fail "python-zeroconf does not resolve pub._ssh._tcp: $(cat "$LAN_TMP/zc.log")"
lan_wait_for 5 zc_has "add Web Site._http._tcp.local. pub.local. $addr1 8080 txt:path=/a" ||
        lan_fail "python-zeroconf does not resolve 'Web Site': $(cat "$LAN_TMP/zc.log")"
lan_log "ok: python-zeroconf resolves both"
log1=$(lan_dir 1)/zeroconfd.log
grep -qE "broken\.service:6:[0-9]+: " "$log1" ||
        lan_fail "the daemon did not log broken.service as FILE:LINE:COLUMN: $(grep -i broken "$log1")"
[ "$(grep -c 'broken\.service:' "$log1")" = 1 ] || lan_fail "broken.service was logged more than once"
lan_log "ok: logged $(grep -oE 'broken\.service:[0-9]+:[0-9]+: [^;]*' "$log1")"

# the first line at or after $1 (a time) of file $2 that contains $3: prints its time
# (avahi-browse -p writes a space in a name as \032)
first_after() {
        S=$3 awk -v t0="$1" 'index($0, ENVIRON["S"]) && $1 + 0 >= t0 + 0 { print $1; exit }' "$2"
}
elapsed_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }

# 2. edit: the new TXT within 2 s
established() { [ "$(grep -c "web.service: service 'Web Site' established" "$log1")" = 1 ]; }
lan_wait_for 10 established || lan_fail "'Web Site' was not established"
t0=$EPOCHREALTIME
web /b
seen_avahi() { [ -n "$(first_after "$t0" "$LAN_TMP/avahi-poll.log" "$1")" ]; }
lan_wait_for 5 seen_avahi ";8080;\"path=/b\"" || lan_fail "Avahi never saw path=/b"
lan_wait_for 5 zc_has "update Web Site._http._tcp.local. pub.local. $addr1 8080 txt:path=/b" ||
        lan_fail "python-zeroconf never saw path=/b: $(cat "$LAN_TMP/zc.log")"
ta=$(first_after "$t0" "$LAN_TMP/avahi-poll.log" ";8080;\"path=/b\"")
tz=$(awk '/ update Web Site.* txt:path=\/b/ { print $1; exit }' "$LAN_TMP/zc.log")
da=$(elapsed_ms "$t0" "$ta") dz=$(elapsed_ms "$t0" "$tz")
lan_log "TXT change seen by Avahi after ${da} ms (polling, +up to 1 s), by python-zeroconf after ${dz} ms"
[ "$da" -le 2000 ] || lan_fail "Avahi saw the new TXT after $da ms (> 2 s)"
[ "$dz" -le 2000 ] || lan_fail "python-zeroconf saw the new TXT after $dz ms (> 2 s)"
grep -q "web.service: TXT of 'Web Site' updated" "$log1" || lan_fail "the edit was not a TXT update"
established || lan_fail "'Web Site' was published again"

# 3. delete: gone within 2 s
t1=$EPOCHREALTIME
rm "$svc/web.service"
gone_avahi() { [ -n "$(first_after "$t1" "$LAN_TMP/avahi-browse.log" "-;eth0;IPv4;Web\032Site;_http._tcp;local")" ]; }
lan_wait_for 5 gone_avahi || lan_fail "Avahi still lists 'Web Site': $(cat "$LAN_TMP/avahi-browse.log")"
lan_wait_for 5 zc_has "remove Web Site._http._tcp.local." || lan_fail "python-zeroconf still lists 'Web Site'"
ta=$(first_after "$t1" "$LAN_TMP/avahi-browse.log" "-;eth0;IPv4;Web\032Site;_http._tcp;local")
tz=$(awk '/ remove Web Site/ { print $1; exit }' "$LAN_TMP/zc.log")
da=$(elapsed_ms "$t1" "$ta") dz=$(elapsed_ms "$t1" "$tz")
lan_log "removal seen by Avahi after ${da} ms, by python-zeroconf after ${dz} ms"
[ "$da" -le 2000 ] || lan_fail "Avahi dropped the service after $da ms (> 2 s)"
[ "$dz" -le 2000 ] || lan_fail "python-zeroconf dropped the service after $dz ms (> 2 s)"
avahi_has _ssh._tcp "=;eth0;IPv4;pub;_ssh._tcp;local;pub.local;$addr1;22;" || lan_fail "pub._ssh._tcp went too"
! grep -q "remove pub._ssh" "$LAN_TMP/zc.log" || lan_fail "python-zeroconf lost pub._ssh._tcp"

lan_check_daemon 1
lan_stop_zeroconfd 1 || lan_fail "zeroconfd exited with code $?"
lan_pass
