#!/bin/bash
# test-responder-linkflap.sh: RFC 6762 §8.1 ("whenever a Multicast DNS responder starts up, wakes
# up from sleep, receives an indication of a network interface 'Link Change' event, or has any
# other reason to believe that its network connectivity may have changed in some relevant way,
# it MUST perform the two startup steps below: Probing and Announcing").
#   1. Host 1's eth0 goes down and comes back: host 1 probes its name on eth0 again (three QU ANY
#      probes) and announces it again, keeps its name, and host 2 resolves it afterwards.
#   2. A new interface appears on host 1 (a veth pair straight to host 2, eth1 on both): host 1
#      joins it, probes and announces there, and host 2 resolves host 1 over it, with host 1's
#      eth1 address.
# The packets are captured with tcpdump on host 2.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs tcpdump
lan_require_zeroconfd
lan_setup 2
lan_host_addr4 1 169.254.27.1/16
lan_host_addr4 2 169.254.27.2/16
lan_wait_dad

# tcpdump's text, one packet a line: "TIME IP SRC.5353 > ...: 0 [1q] [3n] ANY (QU)? flap.local."
# is a probe, "TIME IP SRC.5353 > ...: 0*- [0q] 4/0/0 (Cache flush) A 169.254.x.y, ..." an
# announcement (a response without a question)
capture() { # IFACE LOG: a tcpdump of mDNS from host 1 on host 2's IFACE
        lan_spawn 2 "$2" tcpdump -i "$1" -l --immediate-mode -n -tt udp port 5353
        LAN_LAST_CAPTURE=$LAN_LAST_PID
        lan_wait_for 10 grep -qs "listening on" "$2" || lan_fail "tcpdump on $1 did not start: $(cat "$2")"
}
probes_after() { # LOG T0 SRC: the probes from SRC after T0
        awk -v t0="$2" -v src="$3" '$1 > t0 && index($0, " " src ".5353 >") && /ANY \(QU\)\? flap\.local\./' "$1" | wc -l
}
announcements_after() { # LOG T0 SRC: responses from SRC carrying flap.local's A record after T0
        awk -v t0="$2" -v src="$3" '$1 > t0 && index($0, " " src ".5353 >") && /\*- \[0q\]/ && /A 169\.254\./' "$1" | wc -l
}
log1=$(lan_dir 1)/zeroconfd.log
established_count() { grep -c "host name flap.local established" "$log1"; }

cap0=$(lan_dir 2)/eth0.txt
capture eth0 "$cap0"
lan_start_zeroconfd 1 flap
lan_wait_for 15 eval '[ "$(established_count)" -ge 1 ]' || lan_fail "flap.local was not established"
lan_wait_answer 2 1 flap.local

# 1. link down, link up
sleep 3 # the announcements are over (1 s, 2 s apart)
ip -n "$(lan_ns 1)" link set eth0 down
sleep 1
t0=$(date +%s.%N)
ip -n "$(lan_ns 1)" link set eth0 up
lan_wait_dad 1
src4=$(lan_addr4 1)
lan_wait_for 10 eval '[ "$(probes_after "$cap0" "$t0" "$src4")" -ge 3 ]' ||
        lan_fail "no three probes after link up: $(awk -v t0="$t0" '$1 > t0' "$cap0" | head -20)"
lan_wait_for 10 eval '[ "$(announcements_after "$cap0" "$t0" "$src4")" -ge 2 ]' ||
        lan_fail "no two announcements after link up: $(awk -v t0="$t0" '$1 > t0' "$cap0" | head -20)"
[ "$(probes_after "$cap0" "$t0" "$src4")" = 3 ] || lan_fail "$(probes_after "$cap0" "$t0" "$src4") probes after link up, want 3"
lan_wait_answer 2 1 flap.local
! grep -q "renaming\|flap-2" "$log1" || lan_fail "host 1 renamed itself: $(grep -e renam "$log1")"
lan_log "ok: link down/up: 3 probes and the announcements again, name kept, resolved"

# 2. a new interface
ip -n "$(lan_ns 1)" link add eth1 address 02:5a:43:00:01:01 type veth peer name eth1 netns "$(lan_ns 2)" address 02:5a:43:00:01:02 ||
        lan_fail "cannot create a veth pair between host 1 and host 2"
ip -n "$(lan_ns 1)" addr add 169.254.28.1/16 dev eth1 metric 300
ip -n "$(lan_ns 2)" addr add 169.254.28.2/16 dev eth1 metric 300
cap1=$(lan_dir 2)/eth1.txt
ip -n "$(lan_ns 2)" link set eth1 up
capture eth1 "$cap1"
t1=$(date +%s.%N)
ip -n "$(lan_ns 1)" link set eth1 up
lan_wait_for 10 eval '[ "$(probes_after "$cap1" "$t1" 169.254.28.1)" -ge 3 ]' ||
        lan_fail "no probes on the new interface: $(head -20 "$cap1"); host 1: $(tail -5 "$log1")"
lan_wait_for 10 eval '[ "$(announcements_after "$cap1" "$t1" 169.254.28.1)" -ge 2 ]' ||
        lan_fail "no announcements on the new interface: $(head -20 "$cap1")"
lan_wait_for 10 lan_mdns_query 2 --iface eth1 --expect 169.254.28.1 --timeout 1 flap.local >/dev/null ||
        lan_fail "host 2 does not resolve flap.local to 169.254.28.1 over eth1"
! grep -q "renaming\|flap-2" "$log1" || lan_fail "host 1 renamed itself: $(grep -e renam "$log1")"
lan_log "ok: a new interface: probed, announced, resolved over it"

lan_stop_zeroconfd 1 || lan_fail "zeroconfd exited with code $?"
lan_pass
