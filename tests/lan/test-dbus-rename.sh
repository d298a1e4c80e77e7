#!/bin/bash
# test-dbus-rename.sh: host renames, and a service published through a D-Bus entry group follows.
#   Host 1 runs zeroconfd "dup" and a client publishing "Follow" _http._tcp 8080 (no host of its
#   own: the SRV target is dup.local).
#   1. Host 2 claims dup.local for itself, over and over (unsolicited cache-flush A answers from
#      port 5353, RFC 6762 §9): host 1 renames to dup-2.local. The Manager's HostName says
#      dup-2.local, and Avahi on host 3 resolves "Follow" to host dup-2.local (the SRV record
#      was updated, RFC 6762 §8.4).
#   2. Manager.SetHostName("renamed"): refused with AccessDenied for an unprivileged caller
#      (uid 65534); done for root: HostName says renamed.local, host 2 resolves renamed.local,
#      dup-2.local is no longer answered (goodbyes, §10.1), and Avahi resolves "Follow" to
#      renamed.local.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs avahi-daemon avahi-browse
lan_require_zeroconfd
"$LAN_PY" -c 'import dbus, gi' 2>/dev/null || lan_skip_or_fail "python3-dbus or python3-gi is missing"
LAN_TIMEOUT=${LAN_TIMEOUT:-90}
lan_setup 3
for h in 1 2 3; do lan_host_addr4 $h 169.254.36.$h/16; done
lan_wait_dad

lan_start_zeroconfd 1 dup
lan_start_avahi 3 av
client="$LAN_PY $LAN_DIR/dbus-client.py"
up() { lan_exec 1 $client props >/dev/null 2>&1; }
lan_wait_for 10 up || lan_fail "zeroconfd does not serve org.zeroconfd1"
mkfifo "$LAN_TMP/cmd"
exec 3<>"$LAN_TMP/cmd"
lan_spawn 1 "$LAN_TMP/c.log" bash -c "exec $client publish Follow _http._tcp 8080 <'$LAN_TMP/cmd'"
c_has() { grep -q "$1" "$LAN_TMP/c.log"; }
lan_wait_for 10 c_has "^state established" || lan_fail "not established: $(cat "$LAN_TMP/c.log")"
addr1=$(lan_addr4 1)
avahi_has() { lan_exec 3 avahi-browse -rptk _http._tcp 2>/dev/null | grep -qF "$1"; }
lan_wait_for 10 avahi_has "=;eth0;IPv4;Follow;_http._tcp;local;dup.local;$addr1;8080;" ||
        lan_fail "Avahi does not resolve Follow to dup.local: $(lan_exec 3 avahi-browse -rptk _http._tcp 2>&1)"
lan_log "ok: Follow → dup.local"

# host 2 claims dup.local
cat >"$LAN_TMP/claim.py" <<'EOF2'
import socket, struct, sys, time
name = b"".join(bytes([len(l)]) + l for l in b"dup.local".split(b".")) + b"\0"
pkt = struct.pack("!6H", 0, 0x8400, 0, 1, 0, 0) + name + struct.pack("!HHIH", 1, 0x8001, 120, 4) + \
    socket.inet_aton(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(sys.argv[1]))
s.bind(("", 5353))
while True:
    s.sendto(pkt, ("224.0.0.251", 5353))
    time.sleep(0.2)
EOF2
lan_spawn 2 "$LAN_TMP/claim.log" "$LAN_PY" "$LAN_TMP/claim.py" "$(lan_addr4 2)"
claim=$LAN_LAST_PID
hostname_is() { lan_exec 1 $client props 2>/dev/null | grep -q "^manager HostName $1$"; }
lan_wait_for 20 hostname_is dup-2.local ||
        lan_fail "the host was not renamed: $(lan_exec 1 $client props 2>&1; tail "$(lan_dir 1)/zeroconfd.log")"
lan_log "ok: renamed to dup-2.local (Manager.HostName)"
lan_wait_for 10 avahi_has "=;eth0;IPv4;Follow;_http._tcp;local;dup-2.local;$addr1;8080;" ||
        lan_fail "Avahi does not resolve Follow to dup-2.local: $(lan_exec 3 avahi-browse -rptk _http._tcp 2>&1)"
lan_log "ok: Follow → dup-2.local"

# 2. the administrator renames the host
lan_stop_pid "$claim" claim >/dev/null 2>&1 || true
chmod o+x "$LAN_TMP" "$(lan_dir 1)" # the bus socket, for the unprivileged caller
out=$(lan_exec 1 setpriv --reuid=65534 --regid=65534 --clear-groups $client set-host-name renamed 2>&1)
[ "$out" = "error org.zeroconfd1.Error.AccessDenied" ] || lan_fail "an unprivileged SetHostName gave: $out"
out=$(lan_exec 1 $client set-host-name renamed 2>&1)
[ "$out" = ok ] || lan_fail "SetHostName as root gave: $out"
lan_wait_for 10 hostname_is renamed.local || lan_fail "HostName is not renamed.local: $(lan_exec 1 $client props 2>&1)"
lan_wait_answer 2 1 renamed.local
! lan_mdns_query 2 --timeout 1 dup-2.local >/dev/null || lan_fail "dup-2.local is still answered"
lan_wait_for 10 avahi_has "=;eth0;IPv4;Follow;_http._tcp;local;renamed.local;$addr1;8080;" ||
        lan_fail "Avahi does not resolve Follow to renamed.local: $(lan_exec 3 avahi-browse -rptk _http._tcp 2>&1)"
grep -q "host name dup-2.local renamed to renamed.local by the administrator" "$(lan_dir 1)/zeroconfd.log" ||
        lan_fail "the rename was not logged"
lan_log "ok: SetHostName: AccessDenied for uid 65534; renamed.local for root, Follow follows"
exec 3>&-
lan_check_daemon 1
lan_stop_zeroconfd 1 || lan_fail "zeroconfd exited with code $?"
lan_pass
