#!/bin/bash
# test-zeroconfctl-restart.sh: a client follows a restart of zeroconfd (libzeroconf-client makes
# its objects again when the daemon is back on the bus).
#   Host 1 runs zeroconfd "alpha" and `zeroconfctl publish "Restart Web" _http._tcp 8088 r=1`;
#   host 2 runs Avahi and `avahi-publish -s "Avahi Web" _http._tcp 8089`.
#   1. Avahi resolves "Restart Web" (port 8088, "r=1").
#   2. zeroconfd on host 1 stops (goodbyes): Avahi drops the service; zeroconfctl keeps running
#      and says the daemon left.
#   3. zeroconfd starts again: zeroconfctl says it is back, its entry group is established again,
#      and Avahi resolves "Restart Web" again, with no action of ours.
#   4. A `zeroconfctl browse _http._tcp` on host 1, started before the restart, lists
#      "Avahi Web" again after it (the browser was made again).
#   5. SIGINT: zeroconfctl withdraws and exits 0; Avahi drops the service.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs avahi-daemon avahi-browse avahi-publish
lan_require_zeroconfd
ZEROCONFCTL=${ZEROCONFCTL:-$(dirname "$ZEROCONFD")/../client-lib/zeroconfctl}
[ -x "$ZEROCONFCTL" ] || lan_skip_or_fail "zeroconfctl is not built ($ZEROCONFCTL)"
LAN_TIMEOUT=${LAN_TIMEOUT:-90}
lan_setup 2
lan_host_addr4 1 169.254.37.1/16
lan_host_addr4 2 169.254.37.2/16
lan_wait_dad

lan_start_zeroconfd 1 alpha
lan_start_avahi 2 avpeer
up() { lan_exec 1 "$ZEROCONFCTL" status >/dev/null 2>&1; }
lan_wait_for 10 up || lan_fail "zeroconfctl status fails on host 1"

lan_spawn 2 "$LAN_TMP/avahi-publish.log" avahi-publish -s "Avahi Web" _http._tcp 8089
lan_spawn 1 "$LAN_TMP/publish.log" "$ZEROCONFCTL" publish "Restart Web" _http._tcp 8088 r=1
pub=$LAN_LAST_PID
lan_spawn 1 "$LAN_TMP/browse.log" "$ZEROCONFCTL" browse _http._tcp
count() { local n; n=$(grep -cE "$2" "$1" 2>/dev/null); [ "${n:-0}" -ge "$3" ]; }
p_count() { count "$LAN_TMP/publish.log" "^established: Restart Web _http\._tcp port 8088$" "$1"; }
b_count() { count "$LAN_TMP/browse.log" "^\+ eth0 +IPv4 +Avahi Web +_http\._tcp +local$" "$1"; }
avahi_has() { lan_exec 2 avahi-browse -rptk _http._tcp 2>/dev/null | grep -qF "=;eth0;IPv4;Restart\032Web;_http._tcp;local;alpha.local;169.254.37.1;8088;\"r=1\""; }
avahi_gone() { ! lan_exec 2 avahi-browse -ptk _http._tcp 2>/dev/null | grep -qF "Restart\032Web"; }

# 1.
lan_wait_for 10 p_count 1 || lan_fail "publish: $(cat "$LAN_TMP/publish.log")"
lan_wait_for 10 avahi_has || lan_fail "Avahi does not resolve 'Restart Web': $(lan_exec 2 avahi-browse -rptk _http._tcp 2>&1)"
lan_wait_for 10 b_count 1 || lan_fail "browse does not list 'Avahi Web': $(cat "$LAN_TMP/browse.log")"
lan_log "ok: published, resolved by Avahi; Avahi's service browsed on host 1"

# 2.
lan_stop_zeroconfd 1 || lan_fail "zeroconfd exited uncleanly"
lan_wait_for 5 avahi_gone || lan_fail "Avahi still lists 'Restart Web' after zeroconfd stopped"
lan_proc_alive "$pub" || lan_fail "zeroconfctl publish exited with the daemon: $(cat "$LAN_TMP/publish.log")"
p_left() { grep -q "zeroconfd left the bus; waiting for it" "$LAN_TMP/publish.log"; }
lan_wait_for 5 p_left || lan_fail "zeroconfctl did not say the daemon left: $(cat "$LAN_TMP/publish.log")"
lan_log "ok: zeroconfd stopped: Avahi dropped the service, zeroconfctl waits"

# 3.
lan_start_zeroconfd 1 alpha
p_back() { grep -q "zeroconfd is back" "$LAN_TMP/publish.log"; }
lan_wait_for 10 p_back || lan_fail "zeroconfctl did not see the daemon come back: $(cat "$LAN_TMP/publish.log")"
lan_wait_for 10 p_count 2 || lan_fail "the group was not established again: $(cat "$LAN_TMP/publish.log")"
lan_wait_for 10 avahi_has || lan_fail "Avahi does not resolve 'Restart Web' after the restart"
lan_log "ok: zeroconfd restarted: the service is published again and Avahi resolves it"

# 4.
lan_wait_for 10 b_count 2 || lan_fail "browse does not list 'Avahi Web' after the restart: $(cat "$LAN_TMP/browse.log")"
lan_log "ok: the browser was made again and lists the service again"

# 5.
kill -INT "$pub"
lan_wait_for 5 lan_proc_gone "$pub" || lan_fail "publish did not exit on SIGINT"
wait "$pub"
rc=$?
lan_forget_pid "$pub"
[ "$rc" = 0 ] || lan_fail "publish exited with $rc: $(cat "$LAN_TMP/publish.log")"
lan_wait_for 5 avahi_gone || lan_fail "Avahi still lists 'Restart Web' after zeroconfctl exited"
lan_log "ok: withdrawn on SIGINT (exit 0)"
lan_check_daemon 1 "at the end"
lan_pass
