#!/bin/bash
# test-ipv6ll-publish.sh: an IPv6 address is published in mDNS only once DAD has passed
# (RFC 4862 §5.4: a tentative address is not yet the host's; RFC 6762 answers only with the
# host's own addresses). Two hosts; host 1 runs zeroconfd. DAD on host 1 is made long
# (dad_transmits 5, retrans_time_ms 1000), then a unique-local and a second link-local address
# are added to it: the kernel shows them tentative for ~5 s. Host 2 asks for host 1's AAAA
# records (IPv6 multicast) again and again during that time: the answers hold host 1's EUI-64
# link-local address and never a tentative one (checked against `ip`, before and after each
# query); once DAD passes, both new addresses are answered. The daemon's follower logs the
# tentative → valid transitions it saw. Then the unique-local address is deprecated
# (preferred_lft 0): it is no longer answered, since preferred addresses remain (RFC 4862 §5.5.4).
# Host 1 also has a veth pair of its own whose ends have addr_gen_mode none (the kernel makes no
# link-local address there): each end is reported, once, also after a link bounce.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs python3
lan_require_zeroconfd
lan_setup 2
lan_wait_dad

ULA=fd5a:4300:0:1::1
LL2=fe80::1234
conf=$LAN_TMP/zeroconfd.conf
cat >"$conf" <<EOF
[ipv4ll]
policy = never
EOF

ns1=$(lan_ns 1)
log1=$(lan_dir 1)/zeroconfd.log
ll1=$(lan_addr6 1)
ip -n "$ns1" link add nolla type veth peer name nollb || lan_fail "cannot add a veth pair"
for end in nolla nollb; do
        ip -n "$ns1" link set $end addrgenmode none || lan_fail "cannot set addrgenmode none on $end"
done
ip -n "$ns1" link set nolla up && ip -n "$ns1" link set nollb up || lan_fail "cannot bring the veth pair up"
lan_start_zeroconfd 1 host-one --config "$conf" --debug
lan_wait_for 10 grep -q "ready:" "$log1" || lan_fail "zeroconfd did not start"
lan_wait_for 10 lan_mdns_query 2 -6 --type AAAA --timeout 0.5 --expect "$ll1" host-one.local >/dev/null ||
        lan_fail "host 2 got no AAAA $ll1 for host-one.local"
lan_log "ok: host-one.local AAAA $ll1"

no_ll_reports() { grep -c "ipv6ll $1: the kernel was told to make no IPv6 link-local address on $1 (addr_gen_mode none)" "$log1"; }
for end in nolla nollb; do
        lan_wait_for 5 eval '[ "$(no_ll_reports $end)" -ge 1 ]' || lan_fail "$end (addr_gen_mode none) was not reported"
done
ip -n "$ns1" link set nolla down && ip -n "$ns1" link set nolla up || lan_fail "cannot bounce nolla"
sleep 0.5
for end in nolla nollb; do
        [ "$(no_ll_reports $end)" = 1 ] || lan_fail "$end was reported $(no_ll_reports $end) times, not once"
done
[ "$(no_ll_reports eth0)" = 0 ] || lan_fail "eth0 was reported as having no link-local address"
lan_log "ok: nolla and nollb (addr_gen_mode none) reported once each"

tentative() { ip -n "$ns1" -6 -o addr show dev eth0 | grep -F " $1/" | grep -q tentative; }
valid() {
        local line
        line=$(ip -n "$ns1" -6 -o addr show dev eth0 | grep -F " $1/") || return 1
        case $line in *tentative* | *dadfailed*) return 1 ;; esac
}

lan_exec 1 sysctl -qw net.ipv6.conf.eth0.dad_transmits=5 net.ipv6.neigh.eth0.retrans_time_ms=1000 >/dev/null ||
        lan_fail "sysctl failed"
ip -n "$ns1" addr add "$ULA/64" dev eth0 || lan_fail "cannot add $ULA"
ip -n "$ns1" addr add "$LL2/64" dev eth0 || lan_fail "cannot add $LL2"
tentative "$ULA" && tentative "$LL2" || lan_fail "the new addresses are not tentative"

# While DAD runs: never published.
n=0
while tentative "$ULA" && tentative "$LL2"; do
        out=$(lan_mdns_query 2 -6 --type AAAA --timeout 0.4 host-one.local) ||
                lan_fail "no AAAA answer for host-one.local while DAD runs"
        tentative "$ULA" && tentative "$LL2" || break # DAD ended during the query: not conclusive
        echo "$out" | grep -q -- " $ll1\$" || lan_fail "the answer lacks $ll1: $out"
        echo "$out" | grep -qF -e " $ULA" -e " $LL2" && lan_fail "a tentative address was published: $out"
        n=$((n + 1))
done
[ "$n" -ge 3 ] || lan_fail "only $n queries while the addresses were tentative (DAD too short?)"
lan_log "ok: $n queries during DAD; no tentative address answered"

# After DAD: published (the responder follows the change; no restart, no other trigger).
lan_wait_for 10 valid "$ULA" || lan_fail "DAD of $ULA did not end"
lan_wait_for 10 valid "$LL2" || lan_fail "DAD of $LL2 did not end"
for a in "$ULA" "$LL2"; do
        lan_wait_for 5 lan_mdns_query 2 -6 --type AAAA --timeout 0.5 --expect "$a" host-one.local >/dev/null ||
                lan_fail "$a was not answered within 5 s of passing DAD"
done
lan_log "ok: $ULA and $LL2 answered once DAD passed"

# RFC 4862 §5.5.4: a deprecated address is not answered while preferred ones exist.
ip -n "$ns1" addr change "$ULA/64" dev eth0 valid_lft forever preferred_lft 0 || lan_fail "cannot deprecate $ULA"
ip -n "$ns1" -6 -o addr show dev eth0 | grep -F " $ULA/" | grep -q deprecated || lan_fail "$ULA is not deprecated"
ula_withdrawn() {
        local out
        out=$(lan_mdns_query 2 -6 --type AAAA --timeout 0.4 host-one.local) || return 1
        echo "$out" | grep -q -- " $ll1\$" && ! echo "$out" | grep -qF " $ULA"
}
lan_wait_for 5 ula_withdrawn || lan_fail "the deprecated $ULA is still answered"
lan_log "ok: the deprecated $ULA is no longer answered ($ll1 and $LL2 are preferred)"

# The follower saw the transitions (netlink announces addresses added by hand while tentative).
for a in "$ULA" "$LL2"; do
        grep -q "ipv6ll eth0: $a new (tentative" "$log1" || lan_fail "no log of $a appearing tentative"
        grep -q "ipv6ll eth0: $a dad-passed (valid" "$log1" || lan_fail "no log of $a passing DAD"
done
grep -q "duplicate address detection failed" "$log1" && lan_fail "a DAD failure was reported"
lan_check_daemon 1
lan_stop_zeroconfd 1 || lan_fail "zeroconfd exited with code $?"
lan_pass
