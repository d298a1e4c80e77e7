#!/bin/bash
# tests/bench/run.sh — zeroconfd against Debian's avahi-daemon, side by side, on one virtual LAN
# (issue #10). A benchmark, not a test: never part of make check, never fails on a figure.
# Installs what it needs (apt-get), builds zeroconfd when ZEROCONFD is not given, then runs
# BENCH_RUNS (default 5) rounds; in each round zeroconfd then Avahi go through the same load,
# and the medians are printed as one table. See tests/bench/README.md.
#
#   tests/bench/run.sh                       # as root
#   BENCH_RUNS=7 ZEROCONFD=/path/zeroconfd tests/bench/run.sh
#   BENCH_KEEP=/tmp/bench-out                # keep the raw results, captures and logs there
#
# LAN: host 1 runs the daemon under test; host 2 the measuring tools (tcpdump, the python-zeroconf
# browser, dnsperf); host 3 an avahi-daemon publishing 1,000 services (the remote services of
# the browse figure, the same publisher for both); host 4 the IPv4LL figure (no address).
set -u
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$BENCH_DIR/../.." && pwd)
RUNS=${BENCH_RUNS:-5}
DNSPERF_SECS=${BENCH_DNSPERF_SECS:-4}
BROWSE_SECS=${BENCH_BROWSE_SECS:-30}

[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (network namespaces)" >&2; exit 1; }

# ---- dependencies ------------------------------------------------------------------------------
need=()
for p in dnsperf:dnsperf avahi-daemon:avahi-daemon avahi-browse:avahi-utils avahi-autoipd:avahi-autoipd \
        tcpdump:tcpdump dbus-daemon:dbus ip:iproute2 gcc:gcc; do
        command -v "${p%%:*}" >/dev/null 2>&1 || need+=("${p#*:}")
done
/usr/bin/python3 -c 'import zeroconf' 2>/dev/null || need+=(python3-zeroconf)
/usr/bin/python3 -c 'import dbus, gi' 2>/dev/null || need+=(python3-dbus python3-gi)
if [ ${#need[@]} -gt 0 ]; then
        echo "run.sh: installing ${need[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y "${need[@]}" >/dev/null ||
                { echo "run.sh: apt-get install ${need[*]} failed" >&2; exit 1; }
fi

# ---- build -------------------------------------------------------------------------------------
if [ -z "${ZEROCONFD:-}" ]; then
        BUILD=${BENCH_BUILD:-/tmp/zeroconfd-bench-build}
        if [ ! -x "$BUILD/daemon/zeroconfd" ]; then
                echo "run.sh: building zeroconfd in $BUILD"
                { [ -x "$TOP/configure" ] || (cd "$TOP" && ./autogen.sh); } >/dev/null &&
                        mkdir -p "$BUILD" && (cd "$BUILD" && "$TOP/configure" >/dev/null) ||
                        { echo "run.sh: configure failed" >&2; exit 1; }
        fi
        (cd "$BUILD" && nice -n 10 make -j2 >/dev/null) || { echo "run.sh: build failed" >&2; exit 1; }
        ZEROCONFD=$BUILD/daemon/zeroconfd
fi
ZEROCONFCTL=$(dirname "$ZEROCONFD")/../client-lib/zeroconfctl
[ -x "$ZEROCONFCTL" ] || { echo "run.sh: no zeroconfctl next to $ZEROCONFD" >&2; exit 1; }
ZEROCONFCTL=$(cd "$(dirname "$ZEROCONFCTL")" && pwd)/zeroconfctl
export ZEROCONFD

LAN_DIR=$TOP/tests/lan
LAN_TIMEOUT=${BENCH_TIMEOUT:-3600}
. "$LAN_DIR/lan.sh"
LAN_TEST=bench
lan_require_root

lan_setup 4
A1=169.254.40.1 A2=169.254.40.2 A3=169.254.40.3
lan_host_addr4 1 $A1/16
lan_host_addr4 2 $A2/16
lan_host_addr4 3 $A3/16
lan_wait_dad
B=$LAN_TMP/bench
mkdir -p "$B"
RES=$B/results # lines: DAEMON FIGURE VALUE
: >"$RES"
PY="$LAN_PY $BENCH_DIR/bench.py"
gcc -O2 -Wall -o "$B/udp-echo" "$BENCH_DIR/udp-echo.c" || lan_fail "cannot build udp-echo"

lan_on_exit() {
        if [ -n "${BENCH_KEEP:-}" ]; then
                mkdir -p "$BENCH_KEEP" && cp -r "$B"/. "$BENCH_KEEP"/ 2>/dev/null
                cp "$LAN_TMP"/h*/zeroconfd.log "$BENCH_KEEP"/ 2>/dev/null
        fi
}

rec() { echo "$1 $2 $3" >>"$RES"; }
now() { echo "${EPOCHREALTIME/,/.}"; }
fsub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a - b }'; }
stat_of() { $LAN_PY "$BENCH_DIR/bench.py" stat "$1"; } # "cpu S rss KB"
cpu_of() { stat_of "$1" | awk '{ print $2 }'; }
rss_of() { stat_of "$1" | awk '{ print $4 }'; }
anon_of() { stat_of "$1" | awk '{ print $6 }'; }

# ---- the daemons -------------------------------------------------------------------------------
ZC_CONF=$B/zeroconfd.conf
cat >"$ZC_CONF" <<EOF
[server]
use-ipv6 = no
allow-interfaces = eth0
[ipv4ll]
policy = never
[dbus]
objects-per-client-max = 4096
EOF
# the same with the legacy unicast rate limit off (default: 1000 queries/s)
ZC_CONF_NOLIMIT=$B/zeroconfd-nolimit.conf
sed 's/^\[server\]$/[server]\nlegacy-unicast-rate-limit = 0/' "$ZC_CONF" >"$ZC_CONF_NOLIMIT"

# avahi_conf FILE RATELIMIT(yes|no): Debian's configuration (its rate limit: 1000 packets/s per
# interface) or the same with the limit off; IPv4 only, eth0 only, like zeroconfd's.
avahi_conf() {
        cat >"$1" <<EOF
[server]
host-name=dut
domain-name=local
use-ipv4=yes
use-ipv6=no
allow-interfaces=eth0
enable-dbus=yes
objects-per-client-max=4096
$([ "$2" = yes ] && printf 'ratelimit-interval-usec=1000000\nratelimit-burst=1000\n')
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
[reflector]
enable-reflector=no
[rlimits]
EOF
}

# avahi_spawn H NAME CONF: avahi-daemon in host H, its compiled-in folders bind-mounted per host
avahi_spawn() {
        local h=$1 dir
        dir=$(lan_dir "$h")/avahi
        mkdir -p "$dir/run" "$dir/services" /run/avahi-daemon /etc/avahi/services
        rm -f "$dir/run/"*
        sed "s/^host-name=.*/host-name=$2/" "$3" >"$dir/avahi-daemon.conf"
        lan_spawn "$h" "$(lan_dir "$h")/avahi.log" sh -c \
                'mount --bind "$1" /run/avahi-daemon && mount --bind "$2" /etc/avahi/services &&
                 exec avahi-daemon -f "$3" --no-drop-root --no-chroot --no-proc-title' \
                sh "$dir/run" "$dir/services" "$dir/avahi-daemon.conf"
}

DUT_PID=
# dut_start DAEMON [ratelimit-off]: start the daemon under test in host 1 as "dut"
dut_start() {
        local d=$1 conf
        if [ "$d" = zeroconfd ]; then
                rm -rf "$(lan_dir 1)/state" "$(lan_dir 1)/run"
                conf=$ZC_CONF
                [ "${2:-}" = ratelimit-off ] && conf=$ZC_CONF_NOLIMIT
                lan_start_zeroconfd 1 dut --config "$conf" >/dev/null
                DUT_PID=${LAN_ZC_PID[1]}
        else
                conf=$B/avahi-${2:-default}.conf
                avahi_conf "$conf" "$([ "${2:-}" = ratelimit-off ] && echo no || echo yes)"
                avahi_spawn 1 dut "$conf"
                DUT_PID=$LAN_LAST_PID
        fi
}

dut_stop() {
        lan_stop_pid "$DUT_PID" "the daemon under test"
        LAN_ZC_PID[1]=
        DUT_PID=
        sleep 0.3
}

# the D-Bus name is taken once the daemon is up
dut_on_bus() {
        local name=org.zeroconfd1
        [ "$1" = avahi ] && name=org.freedesktop.Avahi
        lan_exec 1 dbus-send --system --print-reply --dest=org.freedesktop.DBus / \
                org.freedesktop.DBus.NameHasOwner string:$name 2>/dev/null | grep -q "boolean true"
}

CAP_PID=
cap_start() { # cap_start FILE: tcpdump on host 2, mDNS over IPv4
        lan_spawn 2 "$1.log" tcpdump -i eth0 -n -U -s 0 -w "$1" udp port 5353 and ip
        CAP_PID=$LAN_LAST_PID
        lan_wait_for 5 grep -qs "listening on" "$1.log" || lan_fail "tcpdump did not start"
}
cap_stop() { sleep 0.2; lan_stop_pid "$CAP_PID" tcpdump; CAP_PID=; }

# ---- the remote publisher of 1,000 services (host 3) ------------------------------------------
# Avahi, rate limit off, 1,000 service files: the same publisher for both browsers.
mkdir -p "$(lan_dir 3)/avahi/services"
for ((i = 0; i < 1000; i++)); do
        printf '<?xml version="1.0" standalone="no"?>\n<!DOCTYPE service-group SYSTEM "avahi-service.dtd">\n<service-group><name>remote-%d</name><service><type>_benchr._tcp</type><port>%d</port><txt-record>n=%d</txt-record></service></service-group>\n' \
                $i $((10000 + i)) $i >"$(lan_dir 3)/avahi/services/r$i.service"
done
avahi_conf "$B/avahi-publisher.conf" no
avahi_spawn 3 remote "$B/avahi-publisher.conf"
lan_wait_for 30 grep -qs "Server startup complete" "$(lan_dir 3)/avahi.log" || lan_fail "the publisher did not start"
sleep 4 # its 1,000 services are established

# ---- one round for one daemon ------------------------------------------------------------------
one_round() {
        local d=$1 r=$2 cap t0 p a x t1 c0 c1 pubpid brpid out n pub_t0 pub_a
        cap=$B/$d-$r.pcap
        cap_start "$cap"

        # 1. start → first announcement of dut.local on the wire
        t0=$(now)
        dut_start "$d"
        lan_wait_for 10 bash -c "$PY pcap-host $cap dut | grep -q '^announce [0-9]'" ||
                lan_fail "$d: no announcement of dut.local within 10 s"
        out=$($PY pcap-host "$cap" dut)
        p=$(echo "$out" | awk '/^probe/ { print $2 }')
        a=$(echo "$out" | awk '/^announce/ { print $2 }')
        rec "$d" start_ms "$(awk -v t0="$t0" -v a="$a" 'BEGIN { printf "%.1f", (a - t0) * 1000 }')"
        # RFC floor: 0-250 ms random wait (what the daemon waited before its first probe, at most
        # 250 ms; the rest is start-up overhead) + 3 probes 250 ms apart + 250 ms
        rec "$d" start_over_ms "$(awk -v t0="$t0" -v p="$p" -v a="$a" \
                'BEGIN { w = p - t0; if (w > 0.25) w = 0.25; printf "%.1f", (a - t0 - w - 0.75) * 1000 }')"
        lan_wait_for 10 dut_on_bus "$d" || lan_fail "$d is not on the bus"
        sleep 3 # the announcements are over
        rec "$d" rss_idle_kb "$(rss_of "$DUT_PID")"
        rec "$d" anon_idle_kb "$(anon_of "$DUT_PID")"

        # 2. publish one service → the python-zeroconf browser of host 2 reports it
        lan_spawn 2 "$B/browse-$d-$r.log" $PY browse _bench1._tcp.local. $A2
        brpid=$LAN_LAST_PID
        lan_wait_for 10 grep -qs started "$B/browse-$d-$r.log" || lan_fail "the browser did not start"
        sleep 1.5 # its first queries are over
        lan_spawn 1 "$B/pub1-$d-$r.log" $PY publish "$d" 1 _bench1._tcp one$r
        pubpid=$LAN_LAST_PID
        lan_wait_for 10 grep -qs "^add " "$B/browse-$d-$r.log" || lan_fail "$d: the browser did not see one$r-0"
        t0=$(awk '/^commit/ { print $2 }' "$B/pub1-$d-$r.log")
        a=$(awk '/^add/ { print $2; exit }' "$B/browse-$d-$r.log")
        rec "$d" publish_ms "$(awk -v t0="$t0" -v a="$a" 'BEGIN { printf "%.1f", (a - t0) * 1000 }')"
        pub_t0=$t0 pub_a=$a # the floor needs the service's first probe: read the capture once it is closed
        lan_stop_pid "$brpid" browser
        lan_stop_pid "$pubpid" publisher
        sleep 1.5 # goodbyes

        # 3. 100 services: packets and bytes on the wire, from the commit to the end of announcing
        # (established + 4 s, as above)
        lan_spawn 1 "$B/pub100-$d-$r.log" $PY publish "$d" 100 _bench100._tcp hundred
        pubpid=$LAN_LAST_PID
        lan_wait_for 30 grep -qs "^ready" "$B/pub100-$d-$r.log" || lan_fail "$d: 100 services not established"
        sleep 4
        t0=$(awk '/^commit/ { print $2 }' "$B/pub100-$d-$r.log")
        out=$($PY pcap-count "$cap" $A1 "$t0" "$(now)")
        rec "$d" pkts100 "$(echo "$out" | awk '{ print $2 }')"
        rec "$d" bytes100 "$(echo "$out" | awk '{ print $4 }')"
        rec "$d" bound100 "$(echo "$out" | awk '{ print $8 }')"
        lan_stop_pid "$pubpid" publisher
        sleep 2

        # 4. 1,000 services over D-Bus: commit → all established (D-Bus state) and → all announced
        # (the first announcement of the last service on the wire); CPU from before the first
        # EntryGroupNew to 4 s after established (the announcements of both daemons are over:
        # zeroconfd reports established after its announcement series, Avahi after probing)
        c0=$(cpu_of "$DUT_PID")
        lan_spawn 1 "$B/pub1000-$d-$r.log" $PY publish "$d" 1000 _bench._tcp svc
        pubpid=$LAN_LAST_PID
        lan_wait_for 120 grep -qs "^ready" "$B/pub1000-$d-$r.log" || lan_fail "$d: 1000 services: no result"
        sleep 4
        c1=$(cpu_of "$DUT_PID")
        rec "$d" rss1000_kb "$(rss_of "$DUT_PID")"
        rec "$d" anon1000_kb "$(anon_of "$DUT_PID")"
        t0=$(awk '/^commit/ { print $2 }' "$B/pub1000-$d-$r.log")
        t1=$(awk '/^established/ { print $2 }' "$B/pub1000-$d-$r.log")
        n=$(awk '/^established/ { print $3 }' "$B/pub1000-$d-$r.log")
        [ "$n" = 1000 ] || lan_log "$d: only $n of 1000 services established"
        rec "$d" est1000_s "$(fsub "$t1" "$t0")"
        rec "$d" cpu1000_s "$(fsub "$c1" "$c0")"
        read -r _ t1 n < <($PY pcap-announced "$cap" $A1 "$t0" svc 1000)
        if [ "$t1" != - ]; then rec "$d" ann1000_s "$(fsub "$t1" "$t0")"; else lan_log "$d: $n of 1000 announced"; fi
        lan_stop_pid "$pubpid" publisher
        sleep 3
        cap_stop
        # publish → browser, floor: the service's probing (random wait ≤ 250 ms, 3 probes, 250 ms);
        # the browser is already running, so its first-query delay is past and it takes the first
        # announcement
        p=$($PY pcap-service "$cap" "one$r-0" | awk '/^probe/ { print $2 }')
        if [ "$p" != - ]; then
                rec "$d" publish_over_ms "$(awk -v t0="$pub_t0" -v p="$p" -v a="$pub_a" \
                        'BEGIN { w = p - t0; if (w > 0.25) w = 0.25; if (w < 0) w = 0; printf "%.1f", (a - t0 - w - 0.75) * 1000 }')"
        else
                lan_log "$d: the first probe of one$r-0 is not in the capture"
        fi

        # 5. browse the 1,000 services of host 3 through the daemon: all resolved
        if [ "$d" = zeroconfd ]; then
                lan_exec 1 $PY count-resolved 1000 "$BROWSE_SECS" "$ZEROCONFCTL" browse --resolve _benchr._tcp >"$B/browse1000-$d-$r.log"
        else
                lan_exec 1 $PY count-resolved 1000 "$BROWSE_SECS" avahi-browse -rp _benchr._tcp >"$B/browse1000-$d-$r.log"
        fi
        t0=$(awk '/^start/ { print $2 }' "$B/browse1000-$d-$r.log")
        read -r _ t1 n < <(grep '^done' "$B/browse1000-$d-$r.log")
        if [ "$n" != 1000 ]; then
                # not all: the figure is the limit (a lower bound), whether the browser stopped or not
                lan_log "$d: only $n of 1000 remote services resolved (browser stopped after $(fsub "$t1" "$t0") s)"
                t1=$(awk -v a="$t0" -v b="$BROWSE_SECS" 'BEGIN { printf "%.6f", a + b }')
        fi
        rec "$d" browse1000_n "$n"
        rec "$d" browse1000_s "$(fsub "$t1" "$t0")"
        t1=$(awk '/^t900/ { print $2 }' "$B/browse1000-$d-$r.log")
        [ -n "$t1" ] && rec "$d" browse900_s "$(fsub "$t1" "$t0")"
        sleep 1

        # 6. legacy unicast A queries with the daemon's default configuration (Debian's rate
        # limit for Avahi; zeroconfd's legacy-unicast-rate-limit, 1000/s), offered at 5,000/s
        dnsperf_run "$d" limited -Q 5000 -q 20000
        dut_stop
        # 7. the same, rate limit off, as fast as it answers
        dut_start "$d" ratelimit-off
        lan_wait_for 10 dut_on_bus "$d" || lan_fail "$d did not restart"
        sleep 1.5 # the host name is announced
        dnsperf_run "$d" unlimited -q 200
        dut_stop
}

# dnsperf_run DAEMON TAG DNSPERF-ARGS...: queries for dut.local A from host 2 to host 1 port 5353
dnsperf_run() {
        local d=$1 tag=$2 c0 c1 t0 t1 log port=5353 pid=$DUT_PID
        shift 2
        [ "$d" = echo ] && port=5300 && pid=$ECHO_PID
        log=$B/dnsperf-$d-$tag-$r.log
        printf 'dut.local A\n' >"$B/queries"
        c0=$(cpu_of "$pid")
        t0=$(now)
        lan_exec 2 dnsperf -s $A1 -p $port -d "$B/queries" -l "$DNSPERF_SECS" -t 1 -c 1 "$@" >"$log" 2>&1
        t1=$(now)
        c1=$(cpu_of "$pid")
        rec "$d" "qps_$tag" "$(awk '/Queries per second/ { printf "%.0f", $4 }' "$log")"
        rec "$d" "cpu_$tag" "$(awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.1f", (b - a) / (t1 - t0) * 100 }')"
}

ECHO_PID=
echo_round() {
        lan_spawn 1 "$B/echo.log" "$B/udp-echo" $A1 5300
        ECHO_PID=$LAN_LAST_PID
        sleep 0.3
        dnsperf_run echo unlimited -q 200
        lan_stop_pid "$ECHO_PID" udp-echo
}

# IPv4LL on host 4: start → a 169.254/16 address on eth0 (ip monitor, stamped)
ipv4ll_round() {
        local d=$1 r=$2 log dir t0 t1 conf mon
        dir=$(lan_dir 4)
        log=$B/ipv4ll-$d-$r.log
        ip -n "$(lan_ns 4)" -4 addr flush dev eth0
        lan_spawn 4 "$log" bash -c 'ip monitor address dev eth0 | while IFS= read -r l; do echo "${EPOCHREALTIME/,/.} $l"; done'
        mon=$LAN_LAST_PID
        sleep 0.3
        t0=$(now)
        if [ "$d" = zeroconfd ]; then
                conf=$B/zeroconfd-ipv4ll.conf
                printf '[server]\nuse-ipv6 = no\n[ipv4ll]\npolicy = always\n' >"$conf"
                rm -rf "$dir/state" "$dir/run"
                lan_start_zeroconfd 4 ll --config "$conf" --no-dbus >/dev/null
                pid=${LAN_ZC_PID[4]}
        else
                mkdir -p "$dir/autoipd-run" "$dir/autoipd-lib" /var/lib/avahi-autoipd
                rm -rf "$dir/autoipd-lib/"* "$dir/autoipd-run/"*
                printf '#!/bin/sh\ncase "$1" in BIND) ip addr add "$3"/16 brd 169.254.255.255 scope link dev "$2" ;; esac\nexit 0\n' \
                        >"$dir/autoipd.action"
                chmod +x "$dir/autoipd.action"
                lan_spawn 4 "$dir/autoipd.log" sh -c \
                        'mount --bind "$1" /var/lib/avahi-autoipd && mount --bind "$2" /run &&
                         exec avahi-autoipd --no-drop-root --no-chroot --no-proc-title -t "$3" eth0' \
                        sh "$dir/autoipd-lib" "$dir/autoipd-run" "$dir/autoipd.action"
                pid=$LAN_LAST_PID
        fi
        lan_wait_for 20 grep -qs "inet 169.254" "$log" || lan_log "$d: no IPv4LL address in 20 s"
        t1=$(awk '/inet 169\.254/ && !/Deleted/ { print $1; exit }' "$log")
        [ -n "$t1" ] && rec "$d" ipv4ll_s "$(fsub "$t1" "$t0")"
        lan_stop_pid "$pid" "$d (IPv4LL)"
        LAN_ZC_PID[4]=
        lan_stop_pid "$mon" "ip monitor"
        ip -n "$(lan_ns 4)" -4 addr flush dev eth0
}

T_START=$(now)
lan_log "benchmark: $RUNS round(s); zeroconfd $ZEROCONFD; $(avahi-daemon --version 2>&1 | head -1)"
for ((r = 1; r <= RUNS; r++)); do
        for d in zeroconfd avahi; do
                lan_log "round $r/$RUNS: $d"
                one_round "$d" "$r"
                ipv4ll_round "$d" "$r"
        done
        lan_log "round $r/$RUNS: UDP echo ceiling"
        echo_round
done
lan_log "done in $(awk -v a="$T_START" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }') s"
$LAN_PY "$BENCH_DIR/table.py" "$RES" "$RUNS"
