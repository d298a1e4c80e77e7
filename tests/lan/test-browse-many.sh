#!/bin/bash
# test-browse-many.sh: one service type with 600 instances on one host, browsed whole.
#   Host 2 runs zeroconfd publishing 600 services of _many._tcp from its services.d (default
#   configuration): the answer to a PTR question for the type holds more records than one
#   query's answers used to be capped at (512). Peers' known-answer follow-ups could make up
#   for that cap here, so the unit test test-response-sched (every_instance_of_a_large_type)
#   is what pins one query's answer whole; this test is the end-to-end view.
#   1. On host 1, `zeroconfctl browse --resolve --terminate _many._tcp` through zeroconfd (default
#      configuration: objects-per-client-max 256) resolves all 600: zeroconfctl runs a bounded
#      number of resolvers at a time instead of failing past the daemon's limit.
#   2. On host 3, Avahi (avahi-browse -pt) browses all 600 and resolves them right.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

N=600
lan_require_root
lan_require_progs avahi-daemon avahi-browse
lan_require_zeroconfd
ZEROCONFCTL=${ZEROCONFCTL:-$(dirname "$ZEROCONFD")/../client-lib/zeroconfctl}
[ -x "$ZEROCONFCTL" ] || lan_skip_or_fail "zeroconfctl is not built ($ZEROCONFCTL)"
LAN_TIMEOUT=${LAN_TIMEOUT:-180}
lan_setup 3
lan_host_addr4 1 169.254.37.1/16
lan_host_addr4 2 169.254.37.2/16
lan_host_addr4 3 169.254.37.3/16
lan_wait_dad

mkdir -p "$(lan_dir 2)/services.d"
for ((i = 0; i < N; i++)); do
        printf '<?xml version="1.0" standalone="no"?>\n<service-group><name>Many %03d</name><service><type>_many._tcp</type><port>%d</port><txt-record>n=%d</txt-record></service></service-group>\n' \
                "$i" $((20000 + i)) "$i" >"$(lan_dir 2)/services.d/many-$i.service"
done
lan_start_zeroconfd 1 browser
lan_start_zeroconfd 2 many
lan_start_avahi 3 avpeer
lan_wait_answer 1 2 many.local 20

# the services are established once the daemon says so for the last of them
established() { [ "$(grep -c "service 'Many [0-9]*' established" "$(lan_dir 2)/zeroconfd.log")" -ge "$N" ]; }
lan_wait_for 60 established || lan_fail "not every service is established: $(grep -c "service 'Many" "$(lan_dir 2)/zeroconfd.log")"

# 1. zeroconfctl through zeroconfd
lan_exec 1 timeout 60 "$ZEROCONFCTL" browse --resolve --terminate _many._tcp >"$LAN_TMP/ctl.out" 2>"$LAN_TMP/ctl.err"
rc=$?
n=$(grep '^= ' "$LAN_TMP/ctl.out" | grep -oE 'Many [0-9]{3}' | sort -u | wc -l)
ports=$(grep -oE 'port 2[0-9]{4}' "$LAN_TMP/ctl.out" | sort -u | wc -l)
lan_log "zeroconfctl: $n of $N resolved ($ports distinct ports), exit $rc"
[ "$rc" = 0 ] || lan_fail "zeroconfctl browse exited $rc: $(head -3 "$LAN_TMP/ctl.err")"
[ "$n" = "$N" ] && [ "$ports" = "$N" ] || lan_fail "zeroconfctl resolved $n of $N ($ports ports): $(head -3 "$LAN_TMP/ctl.err")"
! grep -q 'cannot resolve' "$LAN_TMP/ctl.err" || lan_fail "zeroconfctl: $(grep -m1 'cannot resolve' "$LAN_TMP/ctl.err")"

# 2. Avahi browses all 600 (avahi-browse -r would run into Avahi's own objects-per-client-max
#    with a resolver per instance and protocol; the ones it does resolve are right)
lan_exec 3 timeout 60 avahi-browse -pt _many._tcp >"$LAN_TMP/avahi.out" 2>/dev/null
n=$(grep '^+;eth0;IPv4;' "$LAN_TMP/avahi.out" | cut -d';' -f4 | sort -u | wc -l)
lan_log "Avahi: $n of $N browsed"
[ "$n" = "$N" ] || lan_fail "Avahi browsed $n of $N"
lan_exec 3 timeout 30 avahi-browse -rpt _many._tcp 2>/dev/null |
        grep -qE '^=;eth0;IPv4;Many\\032([0-9]{3});_many._tcp;local;many.local;169.254.37.2;20\1;' ||
        lan_fail "Avahi resolves no instance to many.local 169.254.37.2 with its port"

lan_check_daemon 1 "at the end"
lan_check_daemon 2 "at the end"
lan_pass
