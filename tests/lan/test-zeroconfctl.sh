#!/bin/bash
# test-zeroconfctl.sh: zeroconfctl (on libzeroconf-client) against real daemons and an Avahi peer.
#   Host 1 runs zeroconfd "alpha" with no IPv4 address ([ipv4ll] policy always): it claims one.
#   Host 2 runs zeroconfd "beta" (169.254.36.2/16) publishing "ZC Web" (_http._tcp 8080 path=/zc)
#   from its services.d. Host 3 runs Avahi. Every zeroconfctl runs on host 1.
#   1. status (table and --json): alpha.local, eth0 with IPv4LL bound and its 169.254 address, the
#      IPv6 link-local state, and the fe80:: address among the link's addresses.
#   2. browse _http._tcp --terminate lists "ZC Web"; browse --all --resolve --terminate --json
#      resolves it to beta.local, 169.254.36.2, port 8080, TXT path=/zc; services lists _http._tcp.
#   3. resolve beta.local (-4: 169.254.36.2; -6: an fe80:: address with %eth0), resolve-address
#      169.254.36.2 (beta.local), resolve-service "ZC Web" _http._tcp (table and --json).
#   4. publish "CTL Web" _http._tcp 9090 k=v: established; Avahi resolves it on alpha.local with
#      port 9090 and "k=v"; after SIGINT zeroconfctl exits 0 and Avahi drops it (goodbye).
#   5. set-host-name gamma: host 2 resolves gamma.local.
#   6. Exit codes: 4 for a name nobody has, 2 for a usage error, 3 without a bus, 1 for a name
#      the daemon refuses; --help of every verb exits 0.
#   7. The browse examples of libzeroconf-client(3) (poll and GLib), compiled against the built library, list
#      "ZC Web" on host 1.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs avahi-daemon avahi-browse
lan_require_zeroconfd
ZEROCONFCTL=${ZEROCONFCTL:-$(dirname "$ZEROCONFD")/../client-lib/zeroconfctl}
[ -x "$ZEROCONFCTL" ] || lan_skip_or_fail "zeroconfctl is not built ($ZEROCONFCTL)"
LAN_TIMEOUT=${LAN_TIMEOUT:-120}
lan_setup 3
lan_host_addr4 2 169.254.36.2/16
lan_host_addr4 3 169.254.36.3/16
lan_wait_dad

cat >"$LAN_TMP/auto.conf" <<'EOF'
[ipv4ll]
policy = always
timing-scale = 0.2
EOF
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

lan_start_zeroconfd 1 alpha --config "$LAN_TMP/auto.conf"
lan_start_zeroconfd 2 beta
lan_start_avahi 3 avpeer
ctl() { lan_exec 1 "$ZEROCONFCTL" "$@"; }
json() { "$LAN_PY" -c "import json, sys; d = json.load(sys.stdin); sys.exit(0 if ($1) else 1)"; }
up() { ctl status >/dev/null 2>&1; }
lan_wait_for 10 up || lan_fail "zeroconfctl status fails on host 1: $(ctl status 2>&1)"

# 1. status
bound() { ctl status 2>/dev/null | grep -qE "^eth0 +[0-9]+ +up +[A-Za-z0-9,-]+ +bound +169\.254\.[0-9]+\.[0-9]+ +idle "; }
lan_wait_for 30 bound || lan_fail "status shows no bound IPv4LL address on eth0: $(ctl status 2>&1)"
lan_exec 2 "$ZEROCONFCTL" status | grep -qE "^eth0 +[0-9]+ +up +IPv4,IPv6 +disabled +- +idle +.*169\.254\.36\.2/16" ||
        lan_fail "host 2's status: $(lan_exec 2 "$ZEROCONFCTL" status 2>&1)"
ctl status >"$LAN_TMP/status" || lan_fail "status failed"
grep -q "^Host name: alpha.local$" "$LAN_TMP/status" || lan_fail "status: no host name: $(cat "$LAN_TMP/status")"
grep -qE "^LINK +INDEX +STATE +MDNS +IPV4LL +IPV4LL-ADDRESS +IPV6LL +ADDRESSES$" "$LAN_TMP/status" ||
        lan_fail "status: no table header: $(cat "$LAN_TMP/status")"
ll6=$(lan_addr6 1)
grep -E "^eth0 " "$LAN_TMP/status" | grep -qF "$ll6/64" || lan_fail "status: eth0 lacks $ll6/64: $(cat "$LAN_TMP/status")"
# the columns line up: every row has its IPV4LL column where the header has it
col=$(awk '/^LINK/ { print index($0, "IPV4LL ") }' "$LAN_TMP/status")
awk -v c="$col" '/^eth0 / { exit (substr($0, c, 5) == "bound" ? 0 : 1) }' "$LAN_TMP/status" ||
        lan_fail "status: the table is not aligned: $(cat "$LAN_TMP/status")"
ctl --json status >"$LAN_TMP/status.json" || lan_fail "status --json failed"
json "d['host_name'] == 'alpha.local' and d['state'] == 'running' and any(l['name'] == 'eth0' and
      l['ipv4ll_state'] == 'bound' and l['ipv4ll_address'].startswith('169.254.') and l['ipv6ll_state'] != ''
      and l['mdns_ipv4'] and l['mdns_ipv6'] and any(a['address'] == '$ll6' and a['prefix_length'] == 64
      for a in l['addresses']) for l in d['links'])" <"$LAN_TMP/status.json" ||
        lan_fail "status --json: $(cat "$LAN_TMP/status.json")"
addr1=$(grep -oE '"ipv4ll_address":"169\.254\.[0-9]+\.[0-9]+"' "$LAN_TMP/status.json" | grep -oE '169[0-9.]+')
lan_log "ok: status (table and JSON): alpha.local, eth0 IPv4LL bound $addr1, IPv6 $ll6/64"

# 2. browse, services
sees_web() { ctl browse --terminate _http._tcp 2>/dev/null | grep -qE "^\+ eth0 +IPv4 +ZC Web +_http\._tcp +local$"; }
lan_wait_for 20 sees_web || lan_fail "browse does not list ZC Web: $(ctl browse --terminate _http._tcp 2>&1)"
ctl --json browse --all --resolve --terminate >"$LAN_TMP/browse.json" 2>"$LAN_TMP/browse.err" ||
        lan_fail "browse --all --resolve --terminate failed: $(cat "$LAN_TMP/browse.err")"
"$LAN_PY" - "$LAN_TMP/browse.json" <<'EOF' || lan_fail "browse --json does not resolve ZC Web: $(cat "$LAN_TMP/browse.json")"
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ok = any(e["event"] == "resolved" and e["name"] == "ZC Web" and e["host"] == "beta.local" and
         e["address"] == "169.254.36.2" and e["port"] == 8080 and e["txt"] == ["path=/zc"] for e in events)
sys.exit(0 if ok else 1)
EOF
ctl services >"$LAN_TMP/services" || lan_fail "services failed"
grep -qE "^_http\._tcp +eth0 +IPv[46] +local$" "$LAN_TMP/services" || lan_fail "services: $(cat "$LAN_TMP/services")"
ctl --json services | json "any(t['type'] == '_http._tcp' for t in d)" || lan_fail "services --json: $(ctl --json services 2>&1)"
lan_log "ok: browse (table, --all --resolve --json), services (table and JSON)"

# 3. resolve, resolve-address, resolve-service
ctl resolve -4 beta.local >"$LAN_TMP/r4" || lan_fail "resolve -4 beta.local: $(cat "$LAN_TMP/r4")"
grep -qE "^beta\.local +169\.254\.36\.2 +eth0 +IPv[46]$" "$LAN_TMP/r4" || lan_fail "resolve -4: $(cat "$LAN_TMP/r4")"
ctl --json resolve -6 beta.local | json "d['address'].startswith('fe80::') and d['address'].endswith('%eth0')" ||
        lan_fail "resolve -6 --json: $(ctl --json resolve -6 beta.local 2>&1)"
ctl resolve-address 169.254.36.2 | grep -qE "^beta\.local +169\.254\.36\.2 " ||
        lan_fail "resolve-address: $(ctl resolve-address 169.254.36.2 2>&1)"
ctl resolve-service "ZC Web" _http._tcp >"$LAN_TMP/rs" || lan_fail "resolve-service: $(cat "$LAN_TMP/rs")"
grep -qE "^Host: +beta\.local$" "$LAN_TMP/rs" && grep -qE "^Port: +8080$" "$LAN_TMP/rs" && grep -qE "^TXT: +path=/zc$" "$LAN_TMP/rs" ||
        lan_fail "resolve-service: $(cat "$LAN_TMP/rs")"
ctl --json resolve-service -4 "ZC Web" _http._tcp |
        json "d['host'] == 'beta.local' and d['address'] == '169.254.36.2' and d['port'] == 8080 and d['txt'] == ['path=/zc']" ||
        lan_fail "resolve-service --json: $(ctl --json resolve-service -4 'ZC Web' _http._tcp 2>&1)"
lan_log "ok: resolve (-4, -6), resolve-address, resolve-service (tables and JSON)"

# 4. publish, seen by Avahi, withdrawn on SIGINT
lan_spawn 1 "$LAN_TMP/publish.log" "$ZEROCONFCTL" publish "CTL Web" _http._tcp 9090 k=v
pub=$LAN_LAST_PID
p_has() { grep -q "$1" "$LAN_TMP/publish.log"; }
lan_wait_for 10 p_has "^established: CTL Web _http._tcp port 9090$" || lan_fail "publish: $(cat "$LAN_TMP/publish.log")"
avahi_has() { lan_exec 3 avahi-browse -rptk _http._tcp 2>/dev/null | grep -qF "$1"; }
lan_wait_for 10 avahi_has "=;eth0;IPv4;CTL\032Web;_http._tcp;local;alpha.local;$addr1;9090;\"k=v\"" ||
        lan_fail "Avahi does not resolve 'CTL Web': $(lan_exec 3 avahi-browse -rptk _http._tcp 2>&1)"
kill -INT "$pub"
lan_wait_for 5 lan_proc_gone "$pub" || lan_fail "publish did not exit on SIGINT"
wait "$pub"
rc=$?
lan_forget_pid "$pub"
[ "$rc" = 0 ] || lan_fail "publish exited with $rc after SIGINT: $(cat "$LAN_TMP/publish.log")"
gone() { ! lan_exec 3 avahi-browse -ptk _http._tcp 2>/dev/null | grep -qF "CTL\032Web"; }
lan_wait_for 5 gone || lan_fail "Avahi still lists 'CTL Web' after zeroconfctl exited"
lan_log "ok: publish: established, resolved by Avahi, withdrawn on SIGINT (exit 0)"

# 5. set-host-name
ctl set-host-name gamma >"$LAN_TMP/shn" 2>&1 || lan_fail "set-host-name: $(cat "$LAN_TMP/shn")"
grep -q "^Host name: " "$LAN_TMP/shn" || lan_fail "set-host-name printed: $(cat "$LAN_TMP/shn")"
named() { ctl status 2>/dev/null | grep -q "^Host name: gamma.local$"; }
lan_wait_for 10 named || lan_fail "status after set-host-name: $(ctl status 2>&1)"
renamed() { lan_exec 2 "$ZEROCONFCTL" resolve -4 gamma.local 2>/dev/null | grep -qE "^gamma\.local +169\.254\."; }
lan_wait_for 10 renamed || lan_fail "host 2 does not resolve gamma.local: $(lan_exec 2 "$ZEROCONFCTL" resolve gamma.local 2>&1)"
lan_log "ok: set-host-name gamma: host 2 resolves gamma.local"

# 6. exit codes, --help
ctl --timeout=1500 resolve nobody-here.local >/dev/null 2>&1
rc=$?
[ "$rc" = 4 ] || lan_fail "resolve of an unknown name exited $rc, not 4"
ctl publish "X" _http._tcp notaport >/dev/null 2>&1
rc=$?
[ "$rc" = 2 ] || lan_fail "a bad port exited $rc, not 2"
ctl frobnicate >/dev/null 2>&1
rc=$?
[ "$rc" = 2 ] || lan_fail "an unknown verb exited $rc, not 2"
ctl --bus=unix:path=/nonexistent/bus status >/dev/null 2>&1
rc=$?
[ "$rc" = 3 ] || lan_fail "status without a bus exited $rc, not 3"
ctl set-host-name "bad.name.twice" >/dev/null 2>&1
rc=$?
[ "$rc" = 1 ] || lan_fail "an invalid host name exited $rc, not 1"
for verb in status browse resolve resolve-address resolve-service publish services set-host-name help; do
        ctl "$verb" --help | grep -q "^Usage: zeroconfctl \[OPTIONS\] $verb" || lan_fail "$verb --help"
done
lan_log "ok: exit codes 4, 2, 2, 3, 1; --help of every verb"

# 7. the manual's example program
builddir=${ZC_BUILDDIR:-$(dirname "$ZEROCONFD")/..}
asan_env=ASAN_OPTIONS=${ASAN_OPTIONS:-}
if ldd "$builddir/client-lib/.libs/libzeroconf-client.so" | grep -q libasan; then
        export EXAMPLE_CFLAGS="-fsanitize=address,undefined"
        # stdbuf preloads its library ahead of the sanitizer runtime
        asan_env=ASAN_OPTIONS=verify_asan_link_order=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}
fi
ZC_BUILDDIR=$builddir bash "$LAN_DIR/../client-example.sh" "$LAN_TMP/example" >"$LAN_TMP/example.log" 2>&1 ||
        lan_fail "the example does not build: $(cat "$LAN_TMP/example.log")"
lan_spawn 1 "$LAN_TMP/example.out" env "$asan_env" LD_LIBRARY_PATH="$builddir/client-lib/.libs" stdbuf -oL "$LAN_TMP/example"
ex=$LAN_LAST_PID
e_has() { grep -qF "$1" "$LAN_TMP/example.out"; }
lan_wait_for 10 e_has "+ ZC Web (_http._tcp)" || lan_fail "the example does not list ZC Web: $(cat "$LAN_TMP/example.out")"
kill "$ex"
lan_spawn 1 "$LAN_TMP/example-glib.out" env "$asan_env" LD_LIBRARY_PATH="$builddir/client-lib/.libs" "$LAN_TMP/example-glib"
ex=$LAN_LAST_PID
g_has() { grep -qF "$1" "$LAN_TMP/example-glib.out"; }
lan_wait_for 10 g_has "+ ZC Web (_http._tcp)" ||
        lan_fail "the GLib example does not list ZC Web: $(cat "$LAN_TMP/example-glib.out")"
kill "$ex"
lan_log "ok: the examples of libzeroconf-client(3) (poll and GLib) list ZC Web"

lan_check_daemon 1 "at the end"
lan_check_daemon 2 "at the end"
lan_pass
