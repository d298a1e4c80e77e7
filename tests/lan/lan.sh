# tests/lan/lan.sh — the virtual-LAN harness. A bash library: each tests/lan/test-*.sh sources it.
#
# It builds a private LAN out of network namespaces: a bridge br0 in a namespace of its own
# (STP off, multicast snooping off: it floods multicast like a plain switch) and N hosts, each
# joined to it by a veth pair created straight into the namespaces, so nothing appears in the
# root namespace. Every host has lo up, eth0 up with a fixed MAC of ours (02:5a:43:00:00:HH),
# a route for 224.0.0.0/4 on eth0, no IPv4 address unless a test gives one, its IPv6 link-local
# address (EUI-64 from the MAC) and a private D-Bus system bus. Every name is unique to the run;
# everything (processes, namespaces, temp files) goes away on exit, on failure and on interrupt.
#
# Hosts are numbered 1..N.
#
#   lan_require_root                  skip (77) outside CI, fail in CI (CI=true)
#   lan_require_progs PROG...         same rule for missing programs (names the Debian package)
#   lan_require_zeroconfd             same rule for a missing $ZEROCONFD
#   lan_setup N                       create the bridge and hosts 1..N (buses started)
#   lan_ns H / lan_dir H / lan_mac H  host H's namespace name, private folder, MAC
#   lan_exec H CMD...                 run CMD in H's namespace, DBUS_SYSTEM_BUS_ADDRESS set
#                                     (and LAN_HOST=H)
#   lan_spawn H LOG CMD...            same, in the background, in its own process group;
#                                     the PID is in $LAN_LAST_PID and is killed at exit
#   lan_host_addr4 H A.B.C.D/16       add an IPv4 address to H's eth0
#   lan_addr4 H / lan_addr6 H         H's (first) IPv4 / IPv6 link-local address (no prefix)
#   lan_addrs4 H / lan_addrs6 H       all of them, one a line
#   lan_wait_dad [H...]               wait until no IPv6 address of the hosts is tentative
#   lan_start_zeroconfd H NAME [ARG...]   start $ZEROCONFD in H (log: $(lan_dir H)/zeroconfd.log)
#   lan_stop_zeroconfd H              SIGTERM it, wait; returns (and reports) its exit code
#   lan_zeroconfd_alive H             true while the daemon started in H runs
#   lan_start_avahi H NAME [--no-wait]  start avahi-daemon in H, wait for "Server startup
#                                     complete" (log: $(lan_dir H)/avahi.log)
#   lan_wait_avahi H                  the wait, for avahi-daemons started with --no-wait
#   lan_stop_avahi H                  SIGTERM it, wait; returns its exit code
#   lan_start_daemon H NAME           lan_start_zeroconfd, or lan_start_avahi when
#                                     LAN_DAEMON=avahi (to tell a test bug from a daemon bug);
#                                     lan_stop_daemon H, lan_daemon_alive H, lan_daemon_log H
#   lan_check_daemon H [WHEN]         fail, with its exit code, if H's daemon is not running
#   lan_wait_answer Q H NAME [SECS]   wait until host Q gets an A answer for NAME from H's
#                                     daemon (10 s by default); fail at once if it dies
#   lan_mdns_query H ARG...           run tests/lan/mdns-query in H
#   lan_send_raw H ARG...             run tests/lan/send-raw in H
#   lan_wait_for SECONDS CMD...       poll CMD every 0.1 s until it succeeds or time runs out
#   lan_proc_alive PID / lan_proc_gone PID / lan_forget_pid PID   for processes of lan_spawn
#   lan_log MSG / lan_fail MSG / lan_skip MSG / lan_skip_or_fail MSG / lan_pass
#   $LAN_TMP, $LAN_PY (/usr/bin/python3), $LAN_DIR
#
# lan.sh owns the EXIT, INT, TERM and HUP traps: a test that needs its own clean-up defines a
# function lan_on_exit (called with the exit status, before the harness cleans up).
#
# Environment:
#   ZEROCONFD     the daemon binary (make check: $(abs_top_builddir)/daemon/zeroconfd)
#   LAN_DIR       the folder of this file and of the helpers (make check: in srcdir)
#   LAN_DAEMON    zeroconfd (default) or avahi: what lan_start_daemon starts
#   LAN_TIMEOUT   watchdog for the whole test in seconds (default 120; set it before lan_setup)
#   LAN_KEEP_LOGS a folder: the host folders' logs are copied there on exit
#   LAN_VERBOSE   1: show the commands as they run (set -x)
#   CI            true: nothing may skip; a missing requirement fails the test
#
# The harness never writes outside its temp folder (mktemp -d under $TMPDIR or /tmp), except the
# empty mount points /run/avahi-daemon and /etc/avahi/services that the per-host bind mounts of
# avahi-daemon need (created if missing).

if [ -z "${BASH_VERSION:-}" ]; then
        echo "lan.sh: needs bash" >&2
        exit 1
fi
set -u
set +m # background jobs must share our process group, so that setsid(1) does not fork

LAN_DIR=${LAN_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
LAN_PY=/usr/bin/python3
LAN_TEST=${0##*/}
LAN_TEST=${LAN_TEST%.sh}
LAN_T0=${EPOCHREALTIME/[.,]/}
LAN_HOSTS=0
LAN_ID=
LAN_TMP=
LAN_LAST_PID=
LAN_WATCHDOG=
LAN_PIDS=()
declare -A LAN_ZC_PID=() LAN_AVAHI_PID=() LAN_AVAHI_NAME=() LAN_BUS_PID=()

if [ -z "${ZEROCONFD:-}" ] && [ -x "$LAN_DIR/../../daemon/zeroconfd" ]; then
        ZEROCONFD=$(cd "$LAN_DIR/../../daemon" && pwd)/zeroconfd
fi
[ "${LAN_VERBOSE:-0}" = 1 ] && set -x

# ---------------------------------------------------------------------------------------------
# Messages, skip and fail

lan_now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }

lan_log() {
        local t=${EPOCHREALTIME/[.,]/}
        t=$(( (t - LAN_T0) / 10000 ))
        printf '[%s +%d.%02ds] %s\n' "$LAN_TEST" $((t / 100)) $((t % 100)) "$*"
}

lan_in_ci() {
        case ${CI:-} in
        "" | false | 0 | no) return 1 ;;
        *) return 0 ;;
        esac
}

lan_fail() {
        echo "FAIL: $LAN_TEST: $*" >&2
        exit 1
}

lan_skip() {
        echo "SKIP: $*"
        exit 77
}

# A missing requirement: skip on a developer's machine, fail in CI (CI must never skip silently).
lan_skip_or_fail() {
        if lan_in_ci; then
                echo "FAIL: $LAN_TEST: $* (CI is set: a LAN test may not be skipped)" >&2
                exit 1
        fi
        lan_skip "$*"
}

lan_pass() {
        lan_log "PASS"
        exit 0
}

lan_require_root() {
        [ "$(id -u)" = 0 ] || lan_skip_or_fail "needs root (network namespaces)"
}

lan_package_of() {
        case $1 in
        avahi-daemon) echo avahi-daemon ;;
        avahi-*) echo avahi-utils ;;
        dbus-daemon | dbus-send) echo dbus ;;
        ip | bridge) echo iproute2 ;;
        python3) echo python3 ;;
        tcpdump) echo tcpdump ;;
        dig) echo bind9-dnsutils ;;
        setsid | flock | mount | timeout) echo util-linux/coreutils ;;
        setpriv) echo util-linux ;;
        useradd | userdel) echo passwd ;;
        pgrep) echo procps ;;
        *) echo "$1" ;;
        esac
}

lan_require_progs() {
        local p missing=
        for p in ip dbus-daemon setsid flock timeout "$@"; do
                if [ "$p" = python3 ]; then
                        [ -x "$LAN_PY" ] || missing="$missing $LAN_PY (python3)"
                elif ! command -v "$p" >/dev/null 2>&1; then
                        missing="$missing $p ($(lan_package_of "$p"))"
                fi
        done
        [ -z "$missing" ] || lan_skip_or_fail "missing program(s):$missing; run tests/setup-debian.sh"
}

lan_require_zeroconfd() {
        [ -n "${ZEROCONFD:-}" ] || lan_skip_or_fail "ZEROCONFD is not set (the daemon binary to test)"
        [ -x "$ZEROCONFD" ] || lan_skip_or_fail "ZEROCONFD=$ZEROCONFD is not an executable (build first)"
}

# ---------------------------------------------------------------------------------------------
# Waiting

# lan_wait_for SECONDS CMD...: run CMD every 0.1 s until it succeeds (0) or SECONDS pass (1).
lan_wait_for() {
        local secs=$1 int frac deadline
        shift
        int=${secs%%.*}
        frac=0
        [ "$int" != "$secs" ] && frac=${secs#*.}
        frac=${frac}000000
        frac=${frac:0:6}
        deadline=$(( $(lan_now_us) + ${int:-0} * 1000000 + 10#$frac ))
        while :; do
                "$@" && return 0
                [ "$(lan_now_us)" -lt "$deadline" ] || return 1
                sleep 0.1
        done
}

# lan_proc_gone PID: the process has exited (gone, or a zombie waiting for us to reap it).
lan_proc_gone() {
        local st
        [ -r "/proc/$1/stat" ] || return 0
        st=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
        st=${st##*) }
        [ "${st%% *}" = Z ]
}

lan_proc_alive() { ! lan_proc_gone "$1"; }

# ---------------------------------------------------------------------------------------------
# The LAN

lan_ns() { echo "$LAN_ID-h$1"; }
lan_dir() { echo "$LAN_TMP/h$1"; }
lan_mac() { printf '02:5a:43:00:00:%02x\n' "$1"; }
lan_bus_address() { echo "unix:path=$LAN_TMP/h$1/bus"; }

lan_check_host() {
        case $1 in
        '' | *[!0-9]*) lan_fail "bad host number '$1'" ;;
        esac
        [ "$1" -ge 1 ] && [ "$1" -le "$LAN_HOSTS" ] || lan_fail "no host $1 (LAN has $LAN_HOSTS)"
}

lan_exec() {
        local h=$1
        shift
        ip netns exec "$(lan_ns "$h")" env DBUS_SYSTEM_BUS_ADDRESS="$(lan_bus_address "$h")" \
                LAN_HOST="$h" "$@"
}

# lan_spawn H LOG CMD...: start CMD in host H in the background, in a session and process group
# of its own (setsid execs without forking, and so do ip netns exec and env: $! is CMD's PID).
lan_spawn() {
        local h=$1 log=$2
        shift 2
        setsid ip netns exec "$(lan_ns "$h")" env DBUS_SYSTEM_BUS_ADDRESS="$(lan_bus_address "$h")" \
                LAN_HOST="$h" "$@" </dev/null >>"$log" 2>&1 &
        LAN_LAST_PID=$!
        LAN_PIDS+=("$LAN_LAST_PID")
}

lan_write_bus_conf() {
        local dir=$1
        cat >"$dir/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$dir/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
    <allow eavesdrop="true"/>
  </policy>
  <limit name="max_connections_per_user">4096</limit>
  <limit name="max_completed_connections">4096</limit>
  <limit name="max_incomplete_connections">1024</limit>
  <limit name="max_match_rules_per_connection">65536</limit>
  <limit name="max_replies_per_connection">65536</limit>
  <limit name="max_names_per_connection">65536</limit>
  <limit name="max_pending_service_starts">1024</limit>
</busconfig>
EOF
}

# lan_setup N: the bridge namespace and hosts 1..N, each with its bus. Installs the cleanup trap.
lan_setup() {
        local n=$1 h br ns dir lockfd
        [ "$LAN_HOSTS" = 0 ] || lan_fail "lan_setup called twice"
        case $n in '' | *[!0-9]*) lan_fail "lan_setup: bad host count '$n'" ;; esac
        [ "$n" -ge 1 ] && [ "$n" -le 250 ] || lan_fail "lan_setup: 1..250 hosts"

        LAN_ID=zc$$$(printf '%04x' $((RANDOM & 0xffff)))
        local tmproot=${TMPDIR:-/tmp}
        # the bus socket path must fit in sockaddr_un (108 bytes)
        [ ${#tmproot} -le 60 ] && [ -d "$tmproot" ] && [ -w "$tmproot" ] || tmproot=/tmp
        LAN_TMP=$(mktemp -d "$tmproot/zc-lan.XXXXXX") || lan_fail "mktemp failed"
        chmod 755 "$LAN_TMP"
        trap 'lan_cleanup $?' EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
        trap 'exit 129' HUP
        lan_start_watchdog

        br=$LAN_ID-br
        # Parallel first uses of "ip netns add" race to make /run/netns a shared mount point:
        # create the namespaces under a lock (the lock is taken on this file, read-only).
        exec {lockfd}<"${BASH_SOURCE[0]}"
        flock "$lockfd"
        LAN_HOSTS=$n
        ip netns add "$br" || { flock -u "$lockfd"; lan_fail "ip netns add $br failed"; }
        for ((h = 1; h <= n; h++)); do
                ip netns add "$(lan_ns $h)" || { flock -u "$lockfd"; lan_fail "ip netns add failed"; }
        done
        flock -u "$lockfd"
        exec {lockfd}<&-

        ip -n "$br" link set lo up
        ip netns exec "$br" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
                >/dev/null || lan_fail "sysctl in the bridge namespace failed"
        ip -n "$br" link add br0 type bridge stp_state 0 mcast_snooping 0 || lan_fail "bridge creation failed"
        ip -n "$br" link set br0 up
        for ((h = 1; h <= n; h++)); do
                ns=$(lan_ns $h)
                dir=$(lan_dir $h)
                mkdir -p "$dir"
                ip -n "$ns" link set lo up
                ip -n "$br" link add "v$h" type veth peer name eth0 netns "$ns" ||
                        lan_fail "veth for host $h failed"
                ip -n "$br" link set "v$h" master br0 up
                ip -n "$ns" link set eth0 address "$(lan_mac $h)"
                ip -n "$ns" link set eth0 up
                ip -n "$ns" route add 224.0.0.0/4 dev eth0 || lan_fail "multicast route in host $h failed"
                lan_write_bus_conf "$dir"
                lan_spawn "$h" "$dir/dbus.log" dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile
                LAN_BUS_PID[$h]=$LAN_LAST_PID
        done
        for ((h = 1; h <= n; h++)); do
                lan_wait_for 5 test -S "$(lan_dir $h)/bus" ||
                        lan_fail "the D-Bus daemon of host $h did not start: $(cat "$(lan_dir $h)/dbus.log")"
        done
        lan_log "LAN $LAN_ID: $n host(s), folder $LAN_TMP"
}

lan_host_addr4() {
        lan_check_host "$1"
        ip -n "$(lan_ns "$1")" addr add "$2" dev eth0 || lan_fail "cannot add $2 to host $1"
}

lan_addr4() {
        ip -n "$(lan_ns "$1")" -4 -o addr show dev eth0 2>/dev/null | awk '{ sub("/.*", "", $4); print $4; exit }'
}

lan_addr6() {
        ip -n "$(lan_ns "$1")" -6 -o addr show dev eth0 scope link 2>/dev/null |
                awk '{ sub("/.*", "", $4); print $4; exit }'
}

# lan_addrs4 H / lan_addrs6 H: all of H's IPv4 / IPv6 link-local addresses on eth0, one a line
lan_addrs4() {
        ip -n "$(lan_ns "$1")" -4 -o addr show dev eth0 2>/dev/null | awk '{ sub("/.*", "", $4); print $4 }'
}

lan_addrs6() {
        ip -n "$(lan_ns "$1")" -6 -o addr show dev eth0 scope link 2>/dev/null |
                awk '{ sub("/.*", "", $4); print $4 }'
}

lan_dad_done() {
        local h out
        for h in "$@"; do
                out=$(ip -n "$(lan_ns "$h")" -6 -o addr show dev eth0 2>/dev/null)
                case $out in *fe80::*) ;; *) return 1 ;; esac
                case $out in *tentative*) return 1 ;; esac
        done
}

# lan_wait_dad [H...]: wait (10 s at most) until every host has its IPv6 link-local address
# and none of its IPv6 addresses is tentative; fail on dadfailed.
lan_wait_dad() {
        local hosts=("$@") h
        if [ ${#hosts[@]} = 0 ]; then
                for ((h = 1; h <= LAN_HOSTS; h++)); do hosts+=("$h"); done
        fi
        lan_wait_for 10 lan_dad_done "${hosts[@]}" || {
                for h in "${hosts[@]}"; do ip -n "$(lan_ns "$h")" -6 addr show dev eth0; done
                lan_fail "IPv6 DAD did not finish in 10 s"
        }
        for h in "${hosts[@]}"; do
                if ip -n "$(lan_ns "$h")" -6 -o addr show dev eth0 | grep -q dadfailed; then
                        lan_fail "IPv6 DAD failed on host $h"
                fi
        done
}

# ---------------------------------------------------------------------------------------------
# Daemons

lan_start_zeroconfd() {
        local h=$1 name=$2 dir
        shift 2
        lan_check_host "$h"
        lan_require_zeroconfd
        dir=$(lan_dir "$h")
        mkdir -p "$dir/run" "$dir/state" "$dir/services.d"
        echo "== $(date +%T.%N) $ZEROCONFD --host-name $name $*" >>"$dir/zeroconfd.log"
        lan_spawn "$h" "$dir/zeroconfd.log" "$ZEROCONFD" --host-name "$name" \
                --runtime-dir "$dir/run" --state-dir "$dir/state" --services-dir "$dir/services.d" \
                --config /dev/null "$@"
        LAN_ZC_PID[$h]=$LAN_LAST_PID
        lan_log "zeroconfd '$name' started in host $h (pid $LAN_LAST_PID)"
}

lan_zeroconfd_alive() {
        local pid=${LAN_ZC_PID[$1]:-}
        [ -n "$pid" ] && lan_proc_alive "$pid"
}

# lan_stop_pid PID WHAT: SIGTERM PID, wait 10 s at most (then SIGKILL its group), reap it and
# return its exit status (128+N for a signal).
lan_forget_pid() {
        local i
        for i in "${!LAN_PIDS[@]}"; do
                [ "${LAN_PIDS[i]}" = "$1" ] && unset "LAN_PIDS[i]"
        done
        LAN_PIDS=("${LAN_PIDS[@]}")
}

lan_stop_pid() {
        local pid=$1 what=$2 rc
        kill -TERM "$pid" 2>/dev/null
        if ! lan_wait_for 10 lan_proc_gone "$pid"; then
                lan_log "$what (pid $pid) did not exit within 10 s of SIGTERM: SIGKILL"
                kill -KILL -- "-$pid" 2>/dev/null
                kill -KILL "$pid" 2>/dev/null
        fi
        # the process group may hold children: end them too (while the zombie still holds
        # the PID, the group ID cannot have been reused)
        kill -KILL -- "-$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        rc=$?
        lan_forget_pid "$pid"
        return $rc
}

lan_stop_zeroconfd() {
        local h=$1 pid rc
        pid=${LAN_ZC_PID[$h]:-}
        [ -n "$pid" ] || lan_fail "lan_stop_zeroconfd: no zeroconfd started in host $h"
        lan_stop_pid "$pid" "zeroconfd in host $h"
        rc=$?
        LAN_ZC_PID[$h]=
        lan_log "zeroconfd in host $h stopped: exit code $rc"
        return $rc
}

lan_start_avahi() {
        local h=$1 name=$2 dir
        shift 2
        lan_check_host "$h"
        lan_require_progs avahi-daemon mount
        dir=$(lan_dir "$h")/avahi
        mkdir -p "$dir/run" "$dir/services"
        cat >"$dir/avahi-daemon.conf" <<EOF
[server]
host-name=$name
domain-name=local
use-ipv4=yes
use-ipv6=yes
allow-interfaces=eth0
enable-dbus=yes
ratelimit-interval-usec=1000000
ratelimit-burst=1000

[wide-area]
enable-wide-area=no

[publish]
publish-hinfo=no
publish-workstation=no

[reflector]
enable-reflector=no

[rlimits]
EOF
        # avahi-daemon's PID file, socket and services folder are compiled in: bind-mount private
        # folders over them in the private mount namespace that ip netns exec gives the command.
        mkdir -p /run/avahi-daemon /etc/avahi/services
        lan_spawn "$h" "$(lan_dir "$h")/avahi.log" sh -c \
                'mount --bind "$1" /run/avahi-daemon && mount --bind "$2" /etc/avahi/services &&
                 exec avahi-daemon -f "$3" --no-drop-root --no-chroot --no-proc-title ${4:+--debug}' \
                sh "$dir/run" "$dir/services" "$dir/avahi-daemon.conf" "${LAN_AVAHI_DEBUG:-}"
        LAN_AVAHI_PID[$h]=$LAN_LAST_PID
        LAN_AVAHI_NAME[$h]=$name
        [ "${1:-}" = --no-wait ] || lan_wait_avahi "$h"
}

# lan_wait_avahi H: wait (15 s at most) until avahi-daemon in H has established its host name.
lan_wait_avahi() {
        local h=$1 log
        log=$(lan_dir "$h")/avahi.log
        if ! lan_wait_for 15 grep -qs "Server startup complete" "$log"; then
                lan_fail "avahi-daemon '${LAN_AVAHI_NAME[$h]}' in host $h did not start within 15 s"
        fi
        lan_log "avahi-daemon '${LAN_AVAHI_NAME[$h]}' ready in host $h (pid ${LAN_AVAHI_PID[$h]})"
}

lan_stop_avahi() {
        local h=$1 pid rc
        pid=${LAN_AVAHI_PID[$h]:-}
        [ -n "$pid" ] || lan_fail "lan_stop_avahi: no avahi-daemon started in host $h"
        lan_stop_pid "$pid" "avahi-daemon in host $h"
        rc=$?
        LAN_AVAHI_PID[$h]=
        return $rc
}

# The daemon under test: zeroconfd, or Avahi standing in for it (LAN_DAEMON=avahi).
lan_start_daemon() {
        case ${LAN_DAEMON:-zeroconfd} in
        zeroconfd) lan_start_zeroconfd "$@" ;;
        avahi) lan_start_avahi "$1" "$2" ;;
        *) lan_fail "LAN_DAEMON must be zeroconfd or avahi" ;;
        esac
}

lan_daemon_alive() {
        local pid
        case ${LAN_DAEMON:-zeroconfd} in
        zeroconfd) pid=${LAN_ZC_PID[$1]:-} ;;
        avahi) pid=${LAN_AVAHI_PID[$1]:-} ;;
        esac
        [ -n "$pid" ] && lan_proc_alive "$pid"
}

# lan_check_daemon H [WHEN]: fail, with the exit code, unless the daemon started in H still runs.
lan_check_daemon() {
        local h=$1 pid rc
        case ${LAN_DAEMON:-zeroconfd} in
        zeroconfd) pid=${LAN_ZC_PID[$h]:-} ;;
        avahi) pid=${LAN_AVAHI_PID[$h]:-} ;;
        esac
        [ -n "$pid" ] || lan_fail "no daemon was started in host $h"
        lan_proc_alive "$pid" && return 0
        wait "$pid" 2>/dev/null
        rc=$?
        lan_forget_pid "$pid"
        lan_fail "the daemon in host $h (pid $pid) died${2:+ $2}: exit code $rc"
}

# lan_wait_answer Q H NAME [SECONDS]: wait (10 s by default) until host Q gets an A answer for
# NAME from the daemon of host H (which may probe first); fail at once if that daemon dies.
lan_wait_answer() {
        local q=$1 h=$2 name=$3 secs=${4:-10}
        lan_wait_for "$secs" lan_answer_or_dead "$q" "$h" "$name" ||
                lan_fail "host $q got no answer for $name within $secs s"
        lan_check_daemon "$h" "while starting"
        lan_log "host $q gets answers for $name"
}

lan_answer_or_dead() {
        lan_daemon_alive "$2" || return 0
        lan_mdns_query "$1" --timeout 0.5 "$3" >/dev/null
}

lan_stop_daemon() {
        case ${LAN_DAEMON:-zeroconfd} in
        zeroconfd) lan_stop_zeroconfd "$1" ;;
        avahi) lan_stop_avahi "$1" ;;
        esac
}

lan_daemon_log() {
        case ${LAN_DAEMON:-zeroconfd} in
        zeroconfd) echo "$(lan_dir "$1")/zeroconfd.log" ;;
        avahi) echo "$(lan_dir "$1")/avahi.log" ;;
        esac
}

lan_mdns_query() {
        local h=$1
        shift
        lan_exec "$h" "$LAN_PY" "$LAN_DIR/mdns-query" "$@"
}

lan_send_raw() {
        local h=$1
        shift
        lan_exec "$h" "$LAN_PY" "$LAN_DIR/send-raw" "$@"
}

# ---------------------------------------------------------------------------------------------
# Watchdog and cleanup

lan_start_watchdog() {
        local secs=${LAN_TIMEOUT:-120}
        # its own process group, so that cleanup ends the sleep with it
        setsid bash -c 'sleep "$1"; echo "FAIL: $3: watchdog: still running after $1 s" >&2; kill -TERM "$2"' \
                lan-watchdog "$secs" $$ "$LAN_TEST" </dev/null &
        LAN_WATCHDOG=$!
}

lan_dump_logs() {
        local f h
        for ((h = 1; h <= LAN_HOSTS; h++)); do
                echo "---- host $h: $(ip -n "$(lan_ns $h)" -br addr show dev eth0 2>/dev/null)"
        done
        for f in "$LAN_TMP"/h*/zeroconfd.log "$LAN_TMP"/h*/avahi.log; do
                [ -s "$f" ] || continue
                echo "---- tail of ${f#"$LAN_TMP"/} ----"
                tail -n 40 "$f"
        done
}

lan_cleanup() {
        local rc=$1 pid ns h i
        trap '' INT TERM HUP
        trap - EXIT
        set +e
        if declare -F lan_on_exit >/dev/null; then
                lan_on_exit "$rc"
        fi
        if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ -n "$LAN_TMP" ]; then
                lan_dump_logs >&2
        fi
        if [ -n "${LAN_KEEP_LOGS:-}" ] && [ -n "$LAN_TMP" ]; then
                mkdir -p "$LAN_KEEP_LOGS/$LAN_TEST" &&
                        (cd "$LAN_TMP" && find . -name '*.log' -exec cp --parents {} "$LAN_KEEP_LOGS/$LAN_TEST/" \;)
        fi
        # every process we started: SIGTERM its group, give it 3 s, then SIGKILL
        for ((i = ${#LAN_PIDS[@]} - 1; i >= 0; i--)); do
                kill -TERM -- "-${LAN_PIDS[i]}" 2>/dev/null || kill -TERM "${LAN_PIDS[i]}" 2>/dev/null
        done
        for pid in "${LAN_PIDS[@]}"; do
                lan_wait_for 3 lan_proc_gone "$pid"
                kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
        done
        for pid in "${LAN_PIDS[@]}"; do
                wait "$pid" 2>/dev/null
        done
        # anything still inside our namespaces was started by this test (lan_exec clients
        # orphaned by a timeout): end it by its PID before the namespaces go
        if [ -n "$LAN_ID" ]; then
                for ((h = 0; h <= LAN_HOSTS; h++)); do
                        if [ "$h" = 0 ]; then ns=$LAN_ID-br; else ns=$(lan_ns $h); fi
                        [ -e "/run/netns/$ns" ] || continue
                        for pid in $(ip netns pids "$ns" 2>/dev/null); do
                                kill -KILL "$pid" 2>/dev/null
                        done
                        ip netns del "$ns" 2>/dev/null || echo "lan.sh: could not remove namespace $ns" >&2
                done
        fi
        [ -n "$LAN_TMP" ] && rm -rf "$LAN_TMP"
        if [ -n "$LAN_WATCHDOG" ]; then
                kill -TERM -- "-$LAN_WATCHDOG" 2>/dev/null
                wait "$LAN_WATCHDOG" 2>/dev/null
        fi
        exit "$rc"
}
