#!/bin/bash
# test-lifecycle.sh: zeroconfd -D / -c / -r / -k with a runtime folder of the test, in host 1 of a
# two-host LAN (host 2 asks over mDNS):
#  - -c before anything runs: exit 1;
#  - -D: the parent exits 0 once the daemon is ready; the PID file names the daemon, which is in
#    a session of its own with no terminal and answers for its configured name; -c: exit 0; a second -D: exit 1;
#  - -r after the configuration file changed (host-name, deny-interfaces): the daemon renames
#    itself (answers for the new name, not the old one); services.d is read again (a new service
#    is answered) and the unchanged one is still answered; publish-workstation = yes publishes
#    "NAME [MAC]._workstation._tcp"; the interface denied then allowed again is served again;
#  - -k: exit 0 once the daemon is gone, the PID file is removed; -c: exit 1; -k again: exit 1;
#  - -D with a start-up error after the fork (a named user that does not exist): the parent exits
#    1 (daemon_retval), and nothing keeps running.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs python3
lan_require_zeroconfd
LAN_TIMEOUT=${LAN_TIMEOUT:-90}
lan_setup 2
lan_host_addr4 1 169.254.41.1/16
lan_host_addr4 2 169.254.41.2/16
lan_wait_dad

dir=$(lan_dir 1)
mkdir -p "$dir/run" "$dir/state" "$dir/services.d"
conf=$dir/zeroconfd.conf
write_conf() { # HOST-NAME [DENY [WORKSTATION]]
        cat >"$conf" <<EOF
[server]
host-name = $1
publish-workstation = ${3:-no}
user = root
runtime-directory = $dir/run
state-directory = $dir/state
services-directory = $dir/services.d
${2:+deny-interfaces = $2}

[ipv4ll]
policy = never
EOF
}
service() { # FILE NAME PORT
        cat >"$dir/services.d/$1" <<EOF
<?xml version="1.0" standalone="no"?>
<service-group>
  <name>$2</name>
  <service><type>_http._tcp</type><port>$3</port></service>
</service-group>
EOF
}
write_conf life-one
service keep.service "Keep Me" 8001
zc() { lan_exec 1 timeout 30 "$ZEROCONFD" --config "$conf" "$@"; }
pidfile=$dir/run/zeroconfd.pid

rc=0; zc -c >/dev/null || rc=$?
[ "$rc" = 1 ] || lan_fail "-c with nothing running: exit $rc, expected 1"

# -D
rc=0; zc -D >"$LAN_TMP/d1.log" 2>&1 || rc=$?
[ "$rc" = 0 ] || lan_fail "-D: exit $rc: $(cat "$LAN_TMP/d1.log")"
[ -s "$pidfile" ] || lan_fail "-D: no PID file"
pid=$(cat "$pidfile")
lan_proc_alive "$pid" || lan_fail "-D: process $pid of the PID file is not running"
[ "$(ps -o sid= -p "$pid" | tr -d ' ')" != "$(ps -o sid= -p $$ | tr -d ' ')" ] ||
        lan_fail "-D: the daemon stayed in the caller's session"
[ "$(ps -o tty= -p "$pid" | tr -d ' ')" = "?" ] || lan_fail "-D: the daemon has a controlling terminal"
[ "$(ip netns identify "$pid")" = "$(lan_ns 1)" ] || lan_fail "-D: the daemon left its namespace"
lan_log "-D: daemon $pid ready"
q() { lan_mdns_query 2 --timeout 0.5 "$@" >/dev/null 2>&1; }
lan_wait_for 10 q life-one.local || lan_fail "no answer for life-one.local"
srv() { lan_mdns_query 2 --timeout 0.5 --type SRV "$1._http._tcp.local" >/dev/null 2>&1; }
lan_wait_for 10 srv "Keep Me" || lan_fail "no answer for the service Keep Me"
rc=0; out=$(zc -c) || rc=$?
[ "$rc" = 0 ] || lan_fail "-c while running: exit $rc"
case $out in *"$pid"*) ;; *) lan_fail "-c does not name process $pid: $out" ;; esac
rc=0; zc -D >"$LAN_TMP/d2.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || lan_fail "a second -D: exit $rc, expected 1"
grep -q "already running" "$LAN_TMP/d2.log" || lan_fail "a second -D did not say why: $(cat "$LAN_TMP/d2.log")"
lan_log "ok: -D, -c, second -D"

# -r: new name, new service, unchanged service kept
write_conf life-two "" yes
service new.service "New One" 8002
rc=0; zc -r || rc=$?
[ "$rc" = 0 ] || lan_fail "-r: exit $rc"
lan_wait_for 10 q life-two.local || lan_fail "no answer for life-two.local after -r"
lan_wait_for 10 srv "New One" || lan_fail "no answer for the new service after -r"
ws() { lan_mdns_query 2 --timeout 0.5 --type SRV "life-two [$(lan_mac 1)]._workstation._tcp.local" >/dev/null 2>&1; }
lan_wait_for 10 ws || lan_fail "publish-workstation = yes: no answer for 'life-two [$(lan_mac 1)]._workstation._tcp.local'"
gone1() { ! q life-one.local; }
lan_wait_for 5 gone1 || lan_fail "life-one.local is still answered after the rename"
srv "Keep Me" || lan_fail "the unchanged service was lost on reload"
lan_proc_alive "$pid" || lan_fail "the daemon died on -r"
lan_log "ok: -r renamed the host and published the new service; the unchanged one stays"

# -r with eth0 denied: nothing answered; allowed again: answered
write_conf life-two eth0
zc -r || lan_fail "-r failed"
gone() { ! q life-two.local; }
lan_wait_for 10 gone || lan_fail "life-two.local still answered with eth0 denied"
write_conf life-two
zc -r || lan_fail "-r failed"
lan_wait_for 10 q life-two.local || lan_fail "life-two.local not answered once eth0 is allowed again"
lan_log "ok: deny-interfaces follows -r"

# -k
rc=0; zc -k || rc=$?
[ "$rc" = 0 ] || lan_fail "-k: exit $rc"
lan_proc_gone "$pid" || lan_fail "-k returned while the daemon still runs"
[ ! -e "$pidfile" ] || lan_fail "-k: the PID file is left behind"
rc=0; zc -c >/dev/null || rc=$?
[ "$rc" = 1 ] || lan_fail "-c after -k: exit $rc, expected 1"
rc=0; zc -k 2>/dev/null || rc=$?
[ "$rc" = 1 ] || lan_fail "-k with nothing running: exit $rc, expected 1"
lan_log "ok: -k, -c after it"

# -D with a start-up failure after the fork
rc=0; zc -D --user "nosuchuser$$" >"$LAN_TMP/d3.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || lan_fail "-D with a missing user: exit $rc, expected 1"
[ ! -e "$pidfile" ] || lan_fail "-D that failed left a PID file"
[ -z "$(ip netns pids "$(lan_ns 1)" | while read -r p; do
        [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$ZEROCONFD" ] && echo "$p"; done)" ] ||
        lan_fail "a zeroconfd still runs in host 1 after a failed -D"
lan_log "ok: a failed -D reports exit 1"
lan_pass
