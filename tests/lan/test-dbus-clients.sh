#!/bin/bash
# test-dbus-clients.sh: D-Bus clients kept apart, name collisions, limits.
#   Host 1 runs zeroconfd "one" with [dbus] objects-per-client-max = 3 and
#   entries-per-group-max = 2; host 2 runs zeroconfd "two" publishing "Clash" _http._tcp from
#   its services.d.
#   1. Client A publishes "Mine"; client B cannot call A's group (Commit, Reset, Free,
#      AddService, Properties Get/GetAll: all org.zeroconfd1.Error.AccessDenied).
#   2. While B listens to every EntryGroup signal, client C publishes "Clash": C gets
#      StateChanged collision with the alternative "Clash (2)" (RFC 6762 §9: host 2 holds the
#      name); B receives none of A's or C's signals; "Mine" stays established.
#   3. The limits: 3 groups, then TooManyObjects; 2 entries, then TooManyEntries; a Free makes room.
#   4. clients-max = 4: with A and C holding groups, 2 more clients may, a third gets
#      TooManyClients; when one leaves the bus there is room again.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_zeroconfd
"$LAN_PY" -c 'import dbus, gi' 2>/dev/null || lan_skip_or_fail "python3-dbus or python3-gi is missing"
LAN_TIMEOUT=${LAN_TIMEOUT:-90}
lan_setup 2
for h in 1 2; do lan_host_addr4 $h 169.254.33.$h/16; done
lan_wait_dad

cat >"$LAN_TMP/one.conf" <<'EOF2'
[dbus]
clients-max = 4
objects-per-client-max = 3
entries-per-group-max = 2
EOF2
mkdir -p "$(lan_dir 2)/services.d"
cat >"$(lan_dir 2)/services.d/clash.service" <<'EOF2'
<?xml version="1.0" standalone="no"?>
<service-group>
  <name>Clash</name>
  <service>
    <type>_http._tcp</type>
    <port>80</port>
  </service>
</service-group>
EOF2
lan_start_zeroconfd 1 one --config "$LAN_TMP/one.conf"
lan_start_zeroconfd 2 two
established2() { grep -q "service 'Clash' established" "$(lan_dir 2)/zeroconfd.log"; }
lan_wait_for 15 established2 || lan_fail "host 2 did not establish 'Clash'"
client="$LAN_PY $LAN_DIR/dbus-client.py"
up() { lan_exec 1 $client props >/dev/null 2>&1; }
lan_wait_for 10 up || lan_fail "zeroconfd does not serve org.zeroconfd1"

# 1. A's group, B's attempts
mkfifo "$LAN_TMP/cmdA" "$LAN_TMP/cmdC"
exec 3<>"$LAN_TMP/cmdA" 4<>"$LAN_TMP/cmdC"
lan_spawn 1 "$LAN_TMP/A.log" bash -c "exec $client publish Mine _http._tcp 8080 <'$LAN_TMP/cmdA'"
a_has() { grep -q "$1" "$LAN_TMP/A.log"; }
lan_wait_for 10 a_has "^state established" || lan_fail "A's group was not established: $(cat "$LAN_TMP/A.log")"
pathA=$(awk '/^path / { print $2 }' "$LAN_TMP/A.log")
case $pathA in /org/zeroconfd1/client/*/entrygroup/*) ;; *) lan_fail "A's group path: '$pathA'" ;; esac
lan_spawn 1 "$LAN_TMP/B.log" $client intrude "$pathA" 6
b_has() { grep -q "$1" "$LAN_TMP/B.log"; }
lan_wait_for 10 b_has "^listening" || lan_fail "B did not get going: $(cat "$LAN_TMP/B.log")"
[ "$(grep -c '^ok .* AccessDenied' "$LAN_TMP/B.log")" = 6 ] ||
        lan_fail "B was not denied everything: $(cat "$LAN_TMP/B.log")"
lan_log "ok: B is denied 6 of 6 calls on A's group"

# 2. C collides while B listens
lan_spawn 1 "$LAN_TMP/C.log" bash -c "exec $client publish Clash _http._tcp 8080 <'$LAN_TMP/cmdC'"
c_has() { grep -q "$1" "$LAN_TMP/C.log"; }
lan_wait_for 10 c_has "^state collision" || lan_fail "C got no collision: $(cat "$LAN_TMP/C.log")"
grep -q "^state collision Clash (2)$" "$LAN_TMP/C.log" || lan_fail "the alternative name: $(cat "$LAN_TMP/C.log")"
lan_log "ok: C: StateChanged collision, alternative 'Clash (2)'"
echo "txt k=v" >&3 # A changes its TXT: a PropertiesChanged-free event B must not see either
lan_wait_for 10 b_has "^signals " || lan_fail "B did not finish: $(cat "$LAN_TMP/B.log")"
grep -q "^signals 0$" "$LAN_TMP/B.log" || lan_fail "B received other clients' signals: $(cat "$LAN_TMP/B.log")"
lan_log "ok: B received none of A's and C's signals"
! grep -q "^state collision" "$LAN_TMP/A.log" || lan_fail "A's group collided: $(cat "$LAN_TMP/A.log")"
grep -q "service 'Clash' established" "$(lan_dir 2)/zeroconfd.log" || lan_fail "host 2 lost 'Clash'"

# 3. limits
lan_exec 1 $client limits 3 2 >"$LAN_TMP/limits.log" 2>&1 || lan_fail "limits: $(cat "$LAN_TMP/limits.log")"
grep -q "^ok EntryGroupNew(one too many) TooManyObjects" "$LAN_TMP/limits.log" || lan_fail "$(cat "$LAN_TMP/limits.log")"
grep -q "^ok AddService(one too many) TooManyEntries" "$LAN_TMP/limits.log" || lan_fail "$(cat "$LAN_TMP/limits.log")"
lan_log "ok: TooManyObjects after 3 groups, TooManyEntries after 2 entries, room again after Free"
n=$(grep -c "limit reached: objects-per-client-max" "$(lan_dir 1)/zeroconfd.log")
[ "$n" = 1 ] || lan_fail "the objects limit was logged $n times (once expected)"

# 4. clients
lan_exec 1 $client clients 2 >"$LAN_TMP/clients.log" 2>&1 || lan_fail "clients: $(cat "$LAN_TMP/clients.log")"
grep -q "^ok EntryGroupNew(one client too many) TooManyClients" "$LAN_TMP/clients.log" ||
        lan_fail "$(cat "$LAN_TMP/clients.log")"
grep -q "^room again after a client left" "$LAN_TMP/clients.log" || lan_fail "$(cat "$LAN_TMP/clients.log")"
lan_log "ok: TooManyClients for a fifth client, room again when one leaves"

exec 3>&- 4>&-
lan_check_daemon 1
lan_check_daemon 2
lan_stop_zeroconfd 1 || lan_fail "zeroconfd 1 exited with code $?"
lan_stop_zeroconfd 2 || lan_fail "zeroconfd 2 exited with code $?"
lan_pass
