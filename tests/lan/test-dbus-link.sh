#!/bin/bash
# test-dbus-link.sh: the org.zeroconfd1.Link objects follow the link-local address machinery.
#   Host 1 (no IPv4 address, [ipv4ll] policy always) claims a 169.254/16 address (RFC 3927): a
#   client watching PropertiesChanged sees IPv4LLState=bound with the IPv4LLAddress, and the
#   address appears in Addresses.
#   Host 2 takes host 1's MAC while its link is down (the bridge made a hub), so its EUI-64
#   link-local address fails DAD when the link comes up (RFC 4862 §5.4.5): a client on host 2's
#   bus gets the DadFailed signal naming the address, and IPv6LLState=needs-administrator
#   ([ipv6ll] regenerate = no).
#   An interface whose name is not UTF-8 (Linux allows any byte but '/', ':' and white space) is
#   shown with \xHH escapes: D-Bus strings must be UTF-8, and the daemon keeps running.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_zeroconfd
"$LAN_PY" -c 'import dbus, gi' 2>/dev/null || lan_skip_or_fail "python3-dbus or python3-gi is missing"
LAN_TIMEOUT=${LAN_TIMEOUT:-90}
lan_setup 2
lan_wait_dad
ip -n "$LAN_ID-br" link set dev br0 type bridge ageing_time 0 || lan_fail "cannot make the bridge a hub"

cat >"$LAN_TMP/auto.conf" <<'EOF2'
[ipv4ll]
policy = always
timing-scale = 0.2
EOF2
cat >"$LAN_TMP/never.conf" <<'EOF2'
[ipv4ll]
policy = never
EOF2
client="$LAN_PY $LAN_DIR/dbus-client.py"
up() { lan_exec "$1" $client props >/dev/null 2>&1; }
EUI=$(lan_addr6 1)

# host 2 first gets host 1's MAC, its link down
ip -n "$(lan_ns 2)" link set eth0 down
ip -n "$(lan_ns 2)" link set eth0 address "$(lan_mac 1)" || lan_fail "cannot give host 2 the MAC of host 1"

lan_start_zeroconfd 1 one --config "$LAN_TMP/auto.conf"
lan_start_zeroconfd 2 two --config "$LAN_TMP/never.conf"
lan_wait_for 10 up 1 || lan_fail "host 1 does not serve org.zeroconfd1"
lan_wait_for 10 up 2 || lan_fail "host 2 does not serve org.zeroconfd1"
lan_spawn 1 "$LAN_TMP/watch1.log" $client watch-links
lan_spawn 2 "$LAN_TMP/watch2.log" $client watch-links
w_has() { grep -qE "$2" "$LAN_TMP/watch$1.log"; }
lan_wait_for 10 w_has 1 "^watching" || lan_fail "the watcher on host 1 did not start"
lan_wait_for 10 w_has 2 "^watching" || lan_fail "the watcher on host 2 did not start"

# IPv4LL on host 1
lan_wait_for 30 w_has 1 "^changed /org/zeroconfd1/link/[0-9]+ .*IPv4LLAddress=169\.254\.[0-9]+\.[0-9]+ IPv4LLState=bound " ||
        lan_fail "no PropertiesChanged with IPv4LLState=bound: $(cat "$LAN_TMP/watch1.log")"
ll=$(grep -oE "IPv4LLAddress=169\.254\.[0-9]+\.[0-9]+" "$LAN_TMP/watch1.log" | tail -1)
ll=${ll#IPv4LLAddress=}
has_addr() { lan_exec 1 $client props 2>/dev/null | grep -qE "^link .* eth0 .*addresses=.*$ll/16.* ipv4ll=bound "; }
lan_wait_for 10 has_addr || lan_fail "Link.Addresses lacks $ll: $(lan_exec 1 $client props 2>&1)"
lan_log "ok: host 1's Link: IPv4LLState bound, IPv4LLAddress $ll, in Addresses"

# DAD failure on host 2
ip -n "$(lan_ns 2)" link set eth0 up || lan_fail "cannot bring host 2's link up"
lan_wait_for 15 w_has 2 "^dadfailed /org/zeroconfd1/link/[0-9]+ $EUI$" ||
        lan_fail "no DadFailed for $EUI on host 2: $(cat "$LAN_TMP/watch2.log")"
lan_wait_for 5 w_has 2 "IPv6LLDadFailures=1 .*IPv6LLState=needs-administrator" ||
        lan_fail "no IPv6LLState=needs-administrator: $(cat "$LAN_TMP/watch2.log")"
! w_has 1 "^dadfailed" || lan_fail "host 1 reported a DAD failure: $(cat "$LAN_TMP/watch1.log")"
lan_log "ok: host 2: DadFailed $EUI, IPv6LLState needs-administrator"

# a name that is not UTF-8
ip -n "$(lan_ns 1)" link add "$(printf 'd\xff')" type veth peer name dpeer || lan_fail "cannot add a veth pair"
weird() { lan_exec 1 $client props 2>/dev/null | grep -qF 'd\xff'; }
lan_wait_for 10 weird || lan_fail "the interface d\\xff is not shown: $(lan_exec 1 $client props 2>&1)"
lan_log "ok: an interface named d\\xff is shown escaped"

lan_check_daemon 1
lan_check_daemon 2
lan_stop_zeroconfd 1 || lan_fail "zeroconfd 1 exited with code $?"
lan_stop_zeroconfd 2 || lan_fail "zeroconfd 2 exited with code $?"
lan_pass
