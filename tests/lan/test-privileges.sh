#!/bin/bash
# test-privileges.sh: zeroconfd runs as its own user with CAP_NET_RAW and CAP_NET_ADMIN only, and
# everything still works. A user of this run (zct<PID>) is created and removed at the end.
#  - host 1 starts as root with user = zct<PID> in its config: it drops to that user; its
#    /proc/PID/status shows Uid/Gid of the user, no supplementary groups, CapEff = CapPrm =
#    CapBnd = NET_ADMIN|NET_RAW (0x3000), CapInh = CapAmb = 0, NoNewPrivs 1; its runtime folder
#    is the user's, the NSS socket is open to everyone, the PID file names it;
#  - host 2 starts the way systemd's User= + AmbientCapabilities= would (setpriv: the user, the
#    two capabilities ambient, the bounding set reduced to them): same end state, ambient cleared;
#  - after the drop both claim an IPv4 link-local address (ARP: CAP_NET_RAW; netlink:
#    CAP_NET_ADMIN), remember it in the state folder, answer mDNS for their names, serve D-Bus
#    (zeroconfctl status), reload on SIGHUP, and on SIGTERM remove their address and the PID file
#    and exit 0;
#  - --user root keeps uid 0 but still only the two capabilities; a named user that does not exist
#    is a start-up error (exit 1).
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs python3 useradd userdel setpriv pgrep
lan_require_zeroconfd
ZEROCONFCTL=${ZEROCONFCTL:-$(dirname "$ZEROCONFD")/../client-lib/zeroconfctl}
[ -x "$ZEROCONFCTL" ] || lan_skip_or_fail "zeroconfctl is not built ($ZEROCONFCTL)"
LAN_TIMEOUT=${LAN_TIMEOUT:-90}

USER_NAME=zct$$
USER_MADE=
lan_on_exit() { # the harness ends our processes after this: userdel refuses while they run
        local pid
        [ -n "$USER_MADE" ] || return 0
        for pid in $(pgrep -u "$USER_NAME"); do
                kill -KILL "$pid" 2>/dev/null
        done
        lan_wait_for 3 bash -c "! pgrep -u '$USER_NAME' >/dev/null"
        userdel "$USER_NAME" || echo "test-privileges: could not remove user $USER_NAME" >&2
}
useradd --system --no-create-home --user-group --home-dir /nonexistent --shell /usr/sbin/nologin \
        "$USER_NAME" || lan_fail "useradd $USER_NAME failed"
USER_MADE=1
uid=$(id -u "$USER_NAME")
gid=$(id -g "$USER_NAME")

lan_setup 2
lan_wait_dad

conf=$LAN_TMP/priv.conf
cat >"$conf" <<EOF
[server]
user = $USER_NAME

[ipv4ll]
policy = always
timing-scale = 0.2
EOF
chmod 644 "$conf"

# host 1: started as root, drops by itself
lan_start_zeroconfd 1 priv-one --config "$conf"

# host 2: started as systemd would with User= and AmbientCapabilities= (and CapabilityBoundingSet=)
dir2=$(lan_dir 2)
mkdir -p "$dir2/run" "$dir2/state" "$dir2/services.d"
chown "$USER_NAME:$USER_NAME" "$dir2/run" "$dir2/state" # RuntimeDirectory=, StateDirectory=
lan_spawn 2 "$dir2/zeroconfd.log" setpriv --reuid="$uid" --regid="$gid" --clear-groups \
        --inh-caps=-all,+net_raw,+net_admin --ambient-caps=-all,+net_raw,+net_admin \
        --bounding-set=-all,+net_raw,+net_admin \
        "$ZEROCONFD" --host-name priv-two --runtime-dir "$dir2/run" --state-dir "$dir2/state" \
        --services-dir "$dir2/services.d" --config "$conf"
LAN_ZC_PID[2]=$LAN_LAST_PID

log_has() { grep -q -- "$2" "$(lan_dir "$1")/zeroconfd.log"; }
for h in 1 2; do
        lan_wait_for 10 log_has $h "ready:" || lan_fail "host $h's zeroconfd did not start"
done

status_field() { awk -v k="$2:" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "/proc/$1/status"; }
check_status() { # H UID GID: the process's credentials after the drop
        local h=$1 u=$2 g=$3 pid=${LAN_ZC_PID[$1]} f v
        [ "$(status_field "$pid" Uid)" = "$u $u $u $u" ] ||
                lan_fail "host $h: Uid is '$(status_field "$pid" Uid)', expected $u everywhere"
        [ "$(status_field "$pid" Gid)" = "$g $g $g $g" ] ||
                lan_fail "host $h: Gid is '$(status_field "$pid" Gid)', expected $g everywhere"
        [ -z "$(status_field "$pid" Groups)" ] || lan_fail "host $h: supplementary groups: $(status_field "$pid" Groups)"
        for f in CapEff CapPrm CapBnd; do
                v=$(status_field "$pid" $f)
                [ "$v" = 0000000000003000 ] || lan_fail "host $h: $f is $v, expected NET_ADMIN|NET_RAW (0000000000003000)"
        done
        for f in CapInh CapAmb; do
                v=$(status_field "$pid" $f)
                [ "$v" = 0000000000000000 ] || lan_fail "host $h: $f is $v, expected none"
        done
        [ "$(status_field "$pid" NoNewPrivs)" = 1 ] || lan_fail "host $h: NoNewPrivs is not set"
        lan_log "ok: host $h runs as $u:$g with CapEff=CapPrm=CapBnd=0x3000, NoNewPrivs 1"
}
check_status 1 "$uid" "$gid"
check_status 2 "$uid" "$gid"

dir1=$(lan_dir 1)
[ "$(stat -c %U "$dir1/run")" = "$USER_NAME" ] || lan_fail "host 1's runtime folder was not given to $USER_NAME"
[ "$(cat "$dir1/run/zeroconfd.pid")" = "${LAN_ZC_PID[1]}" ] || lan_fail "host 1's PID file does not name it"
[ "$(stat -c %a "$dir1/run/nss.socket")" = 666 ] || lan_fail "nss.socket is not open to every user: $(stat -c %a "$dir1/run/nss.socket")"
lan_log "ok: runtime folder, PID file and NSS socket"

# IPv4 link-local after the drop: ARP probes and the netlink address add
ll_addr() {
        ip -n "$(lan_ns "$1")" -4 -o addr show dev eth0 2>/dev/null |
                awk '$4 ~ /^169\.254\./ { sub("/.*", "", $4); print $4; exit }'
}
has_ll() { [ -n "$(ll_addr "$1")" ]; }
for h in 1 2; do
        lan_wait_for 15 has_ll $h || lan_fail "host $h claimed no link-local address after dropping privileges"
done
lan_log "claimed: host 1 $(ll_addr 1), host 2 $(ll_addr 2)"
lan_exec 1 ping -c 1 -W 2 "$(ll_addr 2)" >/dev/null || lan_fail "host 1 cannot ping host 2's link-local address"
lan_wait_for 5 test -s "$dir1/state/ipv4ll-eth0" || lan_fail "host 1 did not remember its address in the state folder"
[ "$(stat -c %U "$dir1/state/ipv4ll-eth0")" = "$USER_NAME" ] || lan_fail "the state file is not the user's"

# mDNS both ways
lan_wait_answer 2 1 priv-one.local
lan_wait_answer 1 2 priv-two.local

# D-Bus: the name is owned by the user's connection and answers
for h in 1 2; do
        up() { lan_exec "$1" "$ZEROCONFCTL" status >/dev/null 2>&1; }
        lan_wait_for 10 up $h || lan_fail "zeroconfctl status fails on host $h: $(lan_exec $h "$ZEROCONFCTL" status 2>&1)"
        out=$(lan_exec $h "$ZEROCONFCTL" resolve "priv-$([ $h = 1 ] && echo two || echo one).local" 2>&1) ||
                lan_fail "host $h cannot resolve its peer through D-Bus: $out"
done
lan_log "ok: D-Bus serves on both hosts"

# SIGHUP: read again, keep running, keep the name
kill -HUP "${LAN_ZC_PID[1]}"
lan_wait_for 5 log_has 1 "reading the configuration" || lan_fail "SIGHUP was not logged"
sleep 0.5
lan_check_daemon 1 "after SIGHUP"
lan_wait_answer 2 1 priv-one.local

# SIGTERM: the link-local address is removed (CAP_NET_ADMIN kept) and the PID file too
for h in 1 2; do
        lan_stop_zeroconfd $h || lan_fail "host $h's zeroconfd exited with $? on SIGTERM"
        [ -z "$(ll_addr $h)" ] || lan_fail "host $h's link-local address was left behind: $(ll_addr $h)"
done
[ ! -e "$dir1/run/zeroconfd.pid" ] || lan_fail "host 1 left its PID file behind"
if grep -E "error:|cannot" "$dir1/zeroconfd.log" "$dir2/zeroconfd.log"; then
        lan_fail "errors in the logs (above)"
fi
lan_log "ok: SIGTERM: exit 0, address and PID file removed"

# --user root: uid 0, still only the two capabilities
lan_start_zeroconfd 1 priv-root --user root
lan_wait_for 10 log_has 1 "ready: answering for priv-root" || lan_fail "zeroconfd --user root did not start"
check_status 1 0 0
lan_stop_zeroconfd 1 || lan_fail "zeroconfd --user root exited with $?"

# a named user that does not exist: exit 1 at once
rc=0
lan_exec 2 timeout 10 "$ZEROCONFD" --host-name nouser --runtime-dir "$LAN_TMP/nouser" \
        --state-dir "$LAN_TMP/nouser" --services-dir "$LAN_TMP/nouser" --config /dev/null \
        --user "nosuch$USER_NAME" >"$LAN_TMP/nouser.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || lan_fail "a missing user gave exit code $rc, expected 1: $(cat "$LAN_TMP/nouser.log")"
grep -q "does not exist" "$LAN_TMP/nouser.log" || lan_fail "no message for a missing user: $(cat "$LAN_TMP/nouser.log")"
lan_log "ok: --user root, missing user"
lan_pass
