#!/bin/bash
# test-dbus-reconnect.sh: the bus is not ours to rely on. Host 1's zeroconfd "late" uses a bus of
# this test's own (so that it can be stopped and started again):
#   1. Another program owns org.zeroconfd1 when the daemon starts: it logs that clearly (once),
#      answers mDNS all the same, and takes the name within 10 s once the other program goes.
#   2. A client publishes a service; the bus goes away: the daemon logs it, keeps running and
#      answering for late.local; the client's service is withdrawn (its owner is gone).
#   3. The bus comes back: the daemon serves org.zeroconfd1 again within 10 s and a new client
#      can publish.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_zeroconfd
"$LAN_PY" -c 'import dbus, gi' 2>/dev/null || lan_skip_or_fail "python3-dbus or python3-gi is missing"
LAN_TIMEOUT=${LAN_TIMEOUT:-90}
lan_setup 2
for h in 1 2; do lan_host_addr4 $h 169.254.35.$h/16; done
lan_wait_dad

busdir=$LAN_TMP/ourbus
mkdir -p "$busdir"
lan_write_bus_conf "$busdir"
addr="unix:path=$busdir/bus"
real=$ZEROCONFD
cat >"$LAN_TMP/zeroconfd-wrap" <<EOF2
#!/bin/sh
DBUS_SYSTEM_BUS_ADDRESS='$addr' exec '$real' "\$@"
EOF2
chmod +x "$LAN_TMP/zeroconfd-wrap"
ZEROCONFD=$LAN_TMP/zeroconfd-wrap
client() { lan_exec 1 env DBUS_SYSTEM_BUS_ADDRESS="$addr" "$LAN_PY" "$LAN_DIR/dbus-client.py" "$@"; }
start_bus() {
        rm -f "$busdir/bus"
        lan_spawn 1 "$busdir/dbus.log" dbus-daemon --config-file="$busdir/bus.conf" --nofork --nopidfile
        BUS_PID=$LAN_LAST_PID
        bus_up() { [ -S "$busdir/bus" ]; }
        lan_wait_for 10 bus_up || lan_fail "our bus did not start: $(cat "$busdir/dbus.log")"
}
log1=$(lan_dir 1)/zeroconfd.log
count() { grep -c "$1" "$log1"; }

# 1. the name is taken
start_bus
lan_spawn 1 "$LAN_TMP/holder.log" env DBUS_SYSTEM_BUS_ADDRESS="$addr" "$LAN_PY" -c '
import dbus, sys, time
b = dbus.SystemBus()
r = b.request_name("org.zeroconfd1", dbus.bus.NAME_FLAG_DO_NOT_QUEUE)
print("owner" if r == dbus.bus.REQUEST_NAME_REPLY_PRIMARY_OWNER else "not owner", flush=True)
time.sleep(3600)'
HOLDER=$LAN_LAST_PID
holds() { grep -q "^owner" "$LAN_TMP/holder.log"; }
lan_wait_for 10 holds || lan_fail "the holder did not get the name: $(cat "$LAN_TMP/holder.log")"
lan_start_zeroconfd 1 late
lan_wait_answer 2 1 late.local
lan_wait_for 5 eval '[ "$(count "cannot own the name org.zeroconfd1: another program owns it")" = 1 ]' ||
        lan_fail "no clear message about the name: $(cat "$log1")"
sleep 6 # a retry or more: still logged once
[ "$(count "cannot own the name")" = 1 ] || lan_fail "the message was repeated: $(cat "$log1")"
lan_log "ok: 'another program owns it' logged once, mDNS answered meanwhile"
kill "$HOLDER"
lan_wait_for 12 eval '[ "$(count "dbus: serving org.zeroconfd1")" = 1 ]' || lan_fail "the daemon did not take the name"
client props >"$LAN_TMP/props1" 2>&1 || lan_fail "props: $(cat "$LAN_TMP/props1")"
grep -q "^manager HostName late.local$" "$LAN_TMP/props1" || lan_fail "$(cat "$LAN_TMP/props1")"
lan_log "ok: the name taken once free"

# 2. the bus goes away
mkfifo "$LAN_TMP/cmd"
exec 3<>"$LAN_TMP/cmd"
lan_spawn 1 "$LAN_TMP/c1.log" bash -c "exec env DBUS_SYSTEM_BUS_ADDRESS='$addr' $LAN_PY $LAN_DIR/dbus-client.py publish Volatile _http._tcp 80 <'$LAN_TMP/cmd'"
c1() { grep -q "$1" "$LAN_TMP/c1.log"; }
lan_wait_for 10 c1 "^state established" || lan_fail "not established: $(cat "$LAN_TMP/c1.log")"
kill "$BUS_PID"
lan_wait_for 10 eval '[ "$(count "dbus: lost the connection to the bus")" = 1 ]' ||
        lan_fail "the loss of the bus was not logged: $(tail "$log1")"
lan_check_daemon 1 "after the bus went away"
lan_wait_answer 2 1 late.local 5
lan_log "ok: bus lost: logged, the daemon goes on answering"

# 3. the bus comes back
start_bus
lan_wait_for 12 eval '[ "$(count "dbus: serving org.zeroconfd1")" = 2 ]' ||
        lan_fail "the daemon did not reconnect: $(tail "$log1")"
client props >"$LAN_TMP/props2" 2>&1 || lan_fail "props after reconnect: $(cat "$LAN_TMP/props2")"
grep -q "^link /org/zeroconfd1/link/[0-9]* eth0 " "$LAN_TMP/props2" || lan_fail "no Link after reconnect: $(cat "$LAN_TMP/props2")"
exec 3>&-
mkfifo "$LAN_TMP/cmd2"
exec 4<>"$LAN_TMP/cmd2"
lan_spawn 1 "$LAN_TMP/c2.log" bash -c "exec env DBUS_SYSTEM_BUS_ADDRESS='$addr' $LAN_PY $LAN_DIR/dbus-client.py publish Volatile _http._tcp 80 <'$LAN_TMP/cmd2'"
c2() { grep -q "$1" "$LAN_TMP/c2.log"; }
lan_wait_for 10 c2 "^state established" || lan_fail "not established after reconnect: $(cat "$LAN_TMP/c2.log")"
lan_log "ok: reconnected; the old group was withdrawn, the same name published again"
exec 4>&-
lan_check_daemon 1
lan_stop_zeroconfd 1 || lan_fail "zeroconfd exited with code $?"
lan_pass
