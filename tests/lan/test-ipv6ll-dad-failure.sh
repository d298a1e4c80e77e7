#!/bin/bash
# test-ipv6ll-dad-failure.sh: a link-local address that fails DAD (RFC 4862 §5.4.5) is reported
# and, with [ipv6ll] regenerate = yes, replaced by an RFC 7217 address (RFC 7217 §6).
#
# Three hosts; the bridge is made a hub (no MAC learning), so that hosts sharing a MAC all get
# their frames. Host 1 runs zeroconfd with its EUI-64 link-local address valid. Hosts 2 and 3
# take host 1's MAC while their links are down, start zeroconfd, and bring their links up: the
# kernel forms the same EUI-64 address, host 1 answers its DAD probe, and DAD fails on them —
# always on them, never on host 1, whose address was valid first.
#  - host 2 (regenerate = yes) logs the failure, naming the address and that another host uses
#    it; about IDGEN_DELAY later it adds an RFC 7217 address, the kernel runs DAD on it, and it
#    ends with a working link-local address (not tentative, not dadfailed) and without the
#    failed one. Host 1 pings it; host 2 pings host 1 from it; host 1 resolves host-two.local to
#    it over mDNS, and no answer during the whole episode holds the dadfailed address.
#  - host 2's address survives a restart of the daemon (left configured, recognised as ours),
#    and when its link comes up again and DAD fails again, the same address comes back
#    (RFC 7217: stable for the same prefix, interface, counter and key).
#  - host 3 (regenerate = no, the default) logs the failure and that it waits for the
#    administrator (RFC 4862 §5.4.5), and adds nothing.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs python3 ping
lan_require_zeroconfd
lan_setup 3
lan_wait_dad

# A hub: with ageing time 0 the bridge forgets every MAC at once and floods all frames.
ip -n "$LAN_ID-br" link set dev br0 type bridge ageing_time 0 || lan_fail "cannot make the bridge a hub"

MAC1=$(lan_mac 1)
EUI=$(lan_addr6 1) # fe80::5a:43ff:fe00:1, host 1's and soon the others'
ns1=$(lan_ns 1) ns2=$(lan_ns 2) ns3=$(lan_ns 3)
log1=$(lan_dir 1)/zeroconfd.log log2=$(lan_dir 2)/zeroconfd.log log3=$(lan_dir 3)/zeroconfd.log
on=$LAN_TMP/regenerate.conf off=$LAN_TMP/report.conf
cat >"$on" <<EOF
[ipv4ll]
policy = never
[ipv6ll]
regenerate = yes
EOF
cat >"$off" <<EOF
[ipv4ll]
policy = never
EOF

# the working link-local addresses of a host (not tentative, not dadfailed)
working_ll() {
        ip -n "$(lan_ns "$1")" -6 -o addr show dev eth0 scope link |
                awk '!/tentative|dadfailed/ { sub("/.*", "", $4); print $4 }'
}
has_failed() { ip -n "$(lan_ns "$1")" -6 -o addr show dev eth0 | grep -q "dadfailed"; }
log_has() { grep -q -- "$2" "$(lan_dir "$1")/zeroconfd.log"; }
link_up() {
        ip -n "$(lan_ns "$1")" link set eth0 up || lan_fail "cannot bring host $1's link up"
        ip -n "$(lan_ns "$1")" route replace 224.0.0.0/4 dev eth0 || lan_fail "multicast route in host $1 failed"
}

lan_start_zeroconfd 1 host-one --config "$off"
for h in 2 3; do
        ip -n "$(lan_ns $h)" link set eth0 down
        ip -n "$(lan_ns $h)" link set eth0 address "$MAC1" || lan_fail "cannot give host $h the MAC $MAC1"
done
lan_start_zeroconfd 2 host-two --config "$on" --debug
lan_start_zeroconfd 3 host-three --config "$off"
for h in 1 2 3; do
        lan_wait_for 10 log_has $h "ready:" || lan_fail "zeroconfd in host $h did not start"
done

# Host 1 asks for host-two.local all along: no answer may hold the dadfailed address.
answers=$LAN_TMP/answers
lan_spawn 1 "$answers" bash -c 'while :; do "$1" "$2" -6 --type AAAA --timeout 0.3 host-two.local; sleep 0.1; done' \
        poll "$LAN_PY" "$LAN_DIR/mdns-query"
poller=$LAN_LAST_PID

t0=$(lan_now_us)
link_up 2
lan_wait_for 10 log_has 2 "duplicate address detection failed for $EUI" ||
        lan_fail "host 2 did not report the DAD failure of $EUI"
log_has 2 "$EUI (eui64): another host on the link uses this address" || lan_fail "the report does not say why"
lan_log "ok: host 2 reported: $(grep -m1 'duplicate address detection failed' "$log2" | sed 's/^.*ipv6ll/ipv6ll/')"
has_failed 1 && lan_fail "DAD failed on host 1, which held the address first"

lan_wait_for 15 log_has 2 "passed DAD: eth0 has a working link-local address again" ||
        lan_fail "host 2 got no working replacement link-local address"
t1=$(lan_now_us)
new=$(working_ll 2)
[ -n "$new" ] && [ "$(echo "$new" | wc -l)" = 1 ] || lan_fail "host 2's working link-local addresses: '$new'"
[ "$new" != "$EUI" ] || lan_fail "host 2 kept $EUI"
has_failed 2 && lan_fail "host 2 still holds the failed address: $(ip -n "$ns2" -6 -o addr show dev eth0)"
log_has 2 "adding $new/64 (RFC 7217, DAD counter 0; replacement 1 of 3)" || lan_fail "no log of adding $new"
lan_log "ok: host 2 replaced $EUI with $new in $(( (t1 - t0) / 1000 )) ms"

lan_exec 1 ping -6 -c 1 -W 2 "$new%eth0" >/dev/null || lan_fail "host 1 cannot ping $new"
# a link-local source needs its scope, or ping cannot bind to it (EINVAL)
lan_exec 2 ping -6 -c 1 -W 2 -I "$new%eth0" "$EUI%eth0" >/dev/null || lan_fail "host 2 cannot ping host 1 from $new"
lan_log "ok: hosts 1 and 2 reach each other ($EUI <-> $new)"

lan_wait_for 10 lan_mdns_query 1 -6 --type AAAA --timeout 0.5 --expect "$new" host-two.local >/dev/null ||
        lan_fail "host 1 does not resolve host-two.local to $new"
out=$(lan_mdns_query 1 -6 --type AAAA --timeout 1 host-two.local) || lan_fail "no AAAA answer for host-two.local"
[ "$(echo "$out" | awk '$3 == "AAAA" { print $4 }')" = "$new" ] || lan_fail "host-two.local AAAA: $out"
sleep 0.5
lan_stop_pid "$poller" "the AAAA poller"
grep -q -- " $new\$" "$answers" || lan_fail "the poller never saw $new"
grep -q -- " $EUI\$" "$answers" && lan_fail "host-two.local was answered with the dadfailed $EUI: $(grep -- " $EUI\$" "$answers" | head -3)"
lan_log "ok: host-two.local resolves to $new; $(grep -c AAAA "$answers") answers seen, none with $EUI"

# Host 3, regeneration off: reported, waits for the administrator.
link_up 3
lan_wait_for 10 log_has 3 "duplicate address detection failed for $EUI" ||
        lan_fail "host 3 did not report the DAD failure of $EUI"
lan_wait_for 5 log_has 3 "waits for the administrator (RFC 4862 §5.4.5)" || lan_fail "host 3 did not say what follows"
sleep 2.5 # more than IDGEN_DELAY + a DAD
has_failed 3 || lan_fail "host 3's failed address was removed"
[ -z "$(working_ll 3)" ] || lan_fail "host 3 got a link-local address: $(working_ll 3)"
log_has 3 "adding fe80" && lan_fail "host 3 added an address with regeneration off"
lan_log "ok: host 3 (regenerate = no) reported the failure and added nothing"

# Restart: the address stays, and is recognised as ours.
lan_stop_zeroconfd 2 || lan_fail "zeroconfd in host 2 exited with code $?"
[ "$(working_ll 2)" = "$new" ] || lan_fail "host 2's $new went with the daemon"
lan_start_zeroconfd 2 host-two --config "$on" --debug
lan_wait_for 10 grep -q "ipv6ll eth0: $new new (valid, rfc7217)" "$log2" ||
        lan_fail "after a restart, host 2 does not see $new as its own"

# The link comes up again: the kernel's EUI-64 address fails again; the same replacement returns.
ip -n "$ns2" link set eth0 down
link_up 2
lan_wait_for 15 eval '[ "$(grep -c "passed DAD: eth0 has a working" "$log2")" -ge 2 ]' ||
        lan_fail "no replacement after the link came up again"
[ "$(working_ll 2)" = "$new" ] || lan_fail "the replacement changed: $new, then $(working_ll 2)"
lan_log "ok: after a restart and a link bounce host 2 has $new again"

for h in 1 2 3; do
        lan_check_daemon $h
        lan_stop_zeroconfd $h || lan_fail "zeroconfd in host $h exited with code $?"
done
lan_pass
