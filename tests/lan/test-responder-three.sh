#!/bin/bash
# test-responder-three.sh: RFC 6762 §8.2, §9 with three hosts. Three zeroconfd hosts started at
# once with the same host name settle on three distinct names (trio, trio-2, trio-3), each
# renaming at most twice, and a bystander resolves each name to the right host.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs python3
lan_require_zeroconfd
lan_setup 4
for h in 1 2 3 4; do lan_host_addr4 $h 169.254.21.$h/16; done
lan_wait_dad
for h in 1 2 3; do lan_start_zeroconfd $h trio; done

# the name host H last established
name_of() {
        grep -o "host name [^ ]* established" "$(lan_dir "$1")/zeroconfd.log" | tail -n 1 | awk '{ print $3 }'
}
settled() {
        local a b c
        a=$(name_of 1) b=$(name_of 2) c=$(name_of 3)
        [ -n "$a" ] && [ -n "$b" ] && [ -n "$c" ] && [ "$a" != "$b" ] && [ "$a" != "$c" ] && [ "$b" != "$c" ]
}
lan_wait_for 30 settled || lan_fail "no three distinct names: '$(name_of 1)' '$(name_of 2)' '$(name_of 3)'"
sleep 2 # a late conflict would show now
settled || lan_fail "names changed after settling"
names=$(for h in 1 2 3; do name_of $h; done | sort | tr '\n' ' ')
[ "$names" = "trio-2.local trio-3.local trio.local " ] || lan_fail "names: $names"
for h in 1 2 3; do
        n=$(grep -c "host name conflict" "$(lan_dir $h)/zeroconfd.log")
        [ "$n" -le 2 ] || lan_fail "host $h renamed $n times"
        name=$(name_of $h)
        out=$(lan_mdns_query 4 --timeout 3 "$name") || lan_fail "no answer for $name"
        got=$(echo "$out" | awk '$3 == "A" { print $4; exit }')
        [ "$got" = "$(lan_addr4 $h)" ] || lan_fail "$name: got '$got', want $(lan_addr4 $h)"
        lan_log "ok: host $h is $name ($got), $n rename(s)"
done
for h in 1 2 3; do lan_stop_zeroconfd $h || lan_fail "zeroconfd in host $h exited with code $?"; done
lan_pass
