#!/bin/bash
# test-nss-stress.sh: the NSS socket under hostile local clients (tests/lan/nss-storm.py): for
# 8 s, hundreds of half-open connections, garbage, over-long lines, hang-ups, byte-by-byte
# senders and clients that never read, while a program keeps resolving a peer with getaddrinfo
# through libnss_zeroconf (nsswitch.conf "hosts: zeroconf4_minimal"). Every one of its lookups
# succeeds, the daemon lives, answers mDNS afterwards, and holds no more file descriptors than
# before the storm (nothing leaks).
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs unshare
lan_require_zeroconfd
NSS_DIR=${NSS_DIR:-$(cd "$(dirname "$ZEROCONFD")/../client-lib/nss/.libs" 2>/dev/null && pwd)}
[ -e "$NSS_DIR/libnss_zeroconf4_minimal.so.2" ] || lan_skip_or_fail "the NSS module is not built ($NSS_DIR)"
LAN_TIMEOUT=${LAN_TIMEOUT:-90}
lan_setup 2
for h in 1 2; do lan_host_addr4 $h 169.254.34.$h/16; done
lan_wait_dad

lan_start_zeroconfd 1 victim
lan_start_zeroconfd 2 zcpeer
sock=$(lan_dir 1)/run/nss.socket
pid=${LAN_ZC_PID[1]}
lan_wait_for 10 grep -q "host name victim.local established" "$(lan_dir 1)/zeroconfd.log" ||
        lan_fail "victim.local was not established"
lan_wait_for 10 grep -q "host name zcpeer.local established" "$(lan_dir 2)/zeroconfd.log" ||
        lan_fail "zcpeer.local was not established"
# lan_spawn execs the daemon (setsid, ip netns exec and env all exec): $pid is the daemon
[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = zeroconfd ] || lan_fail "process $pid is not the daemon"
before=$(ls "/proc/$pid/fd" | wc -l)

echo "hosts: zeroconf4_minimal" >"$LAN_TMP/nsswitch.conf"
cat >"$LAN_TMP/good.py" <<'EOF'
import socket, sys, time
stop, ok, bad = time.monotonic() + float(sys.argv[1]), 0, []
while time.monotonic() < stop:
    t = time.monotonic()
    try:
        got = {sa[0] for *_, sa in socket.getaddrinfo("zcpeer.local", None, socket.AF_INET)}
    except OSError as e:
        got = str(e)
    if got == {"169.254.34.2"}:
        ok += 1
    else:
        bad.append("%r after %.0f ms" % (got, (time.monotonic() - t) * 1000))
    time.sleep(0.05)
print("getaddrinfo(zcpeer.local) during the storm: %d ok, %d failed %s" % (ok, len(bad), bad[:5]))
sys.exit(0 if ok > 0 and not bad else 1)
EOF
lan_spawn 1 "$LAN_TMP/storm.log" "$LAN_PY" "$LAN_DIR/nss-storm.py" "$sock" zcpeer.local 8
storm=$LAN_LAST_PID
sleep 0.5
out=$(lan_exec 1 env LD_LIBRARY_PATH="$NSS_DIR" ZEROCONFD_NSS_SOCKET="$sock" unshare -m sh -c \
        'mount --bind "$0" /etc/nsswitch.conf && exec "$@"' "$LAN_TMP/nsswitch.conf" "$LAN_PY" "$LAN_TMP/good.py" 7 2>&1)
rc=$?
lan_wait_for 15 lan_proc_gone "$storm" || lan_fail "the storm did not end"
lan_log "$(cat "$LAN_TMP/storm.log")"
lan_log "$out"
lan_check_daemon 1 "after the storm"
[ "$rc" = 0 ] || lan_fail "lookups through the module failed during the storm"
sleep 3 # every connection's deadline has passed
after=$(ls "/proc/$pid/fd" | wc -l)
[ "$after" -le "$before" ] || lan_fail "the daemon holds $after descriptors after the storm, $before before"
lan_log "ok: descriptors before $before, after $after"
[ "$(grep -c 'lookups at once' "$(lan_dir 1)/zeroconfd.log")" -le 1 ] || lan_fail "the limit was logged more than once"
lan_wait_answer 2 1 victim.local 5
lan_stop_zeroconfd 1 || lan_fail "zeroconfd exited with code $?"
lan_pass
