#!/bin/bash
# test-dnssd-conflict.sh: service instance name conflicts (RFC 6762 §8.1, §8.2, §9; RFC 6763).
#   1. zeroconfd in hosts 1 and 2 start together, both publishing "Shared Name" (_http._tcp, one
#      services.d file each, different ports): they probe at the same time, one wins the
#      tie-break, the other renames to "Shared Name (2)" and logs the conflict once with the
#      winner's address and its file.
#   2. zeroconfd in host 3 starts later with the same file: "Shared Name" is answered, then
#      "Shared Name (2)": it ends as "Shared Name (3)". Its host name is host 2's, so it is
#      renamed zc2-2 as well: its "%h files" group follows (published as "zc2-2 files") and the
#      SRV of "Shared Name (3)" points at zc2-2.local.
#   3. Avahi in host 4 resolves all of them, each to its own host and port.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs avahi-daemon avahi-browse
lan_require_zeroconfd
LAN_TIMEOUT=${LAN_TIMEOUT:-60}
lan_setup 4
for h in 1 2 3 4; do lan_host_addr4 $h 169.254.32.$h/16; done
lan_wait_dad

for h in 1 2 3; do
        mkdir -p "$(lan_dir $h)/services.d"
        cat >"$(lan_dir $h)/services.d/shared.service" <<EOF
<service-group>
  <name>Shared Name</name>
  <service>
    <type>_http._tcp</type>
    <port>800$h</port>
    <txt-record>host=$h</txt-record>
  </service>
</service-group>
EOF
done
cat >"$(lan_dir 3)/services.d/files.service" <<'EOF'
<service-group>
  <name replace-wildcards="yes">%h files</name>
  <service><type>_smb._tcp</type><port>445</port></service>
</service-group>
EOF

name_of() { # the last name host $1 established for shared.service
        grep -o "shared.service: service '[^']*' established" "$(lan_dir "$1")/zeroconfd.log" | tail -n 1 |
                sed "s/.*service '\(.*\)' established/\1/"
}
settled() { [ -n "$(name_of 1)" ] && [ -n "$(name_of 2)" ]; }

# 1. at the same time
lan_start_zeroconfd 1 zc1
lan_start_zeroconfd 2 zc2
lan_wait_for 15 settled || lan_fail "not established: host 1 '$(name_of 1)', host 2 '$(name_of 2)'"
n1=$(name_of 1) n2=$(name_of 2)
case "$n1/$n2" in
"Shared Name/Shared Name (2)") winner=1 loser=2 ;;
"Shared Name (2)/Shared Name") winner=2 loser=1 ;;
*) lan_fail "host 1 has '$n1', host 2 has '$n2': want 'Shared Name' and 'Shared Name (2)'" ;;
esac
log=$(lan_dir $loser)/zeroconfd.log
grep -E "shared\.service: service name 'Shared Name' is in use by ($(lan_addr4 $winner)|$(lan_addr6 $winner)) .*: renamed to 'Shared Name \(2\)'" "$log" >/dev/null ||
        lan_fail "host $loser did not log the conflict with host $winner's address: $(grep -i shared "$log")"
[ "$(grep -c "service name .* is in use by" "$log")" = 1 ] || lan_fail "host $loser logged the conflict more than once"
! grep -q "service name .* is in use by" "$(lan_dir $winner)/zeroconfd.log" || lan_fail "host $winner renamed as well"
lan_log "ok: host $winner kept 'Shared Name', host $loser renamed to 'Shared Name (2)'"

# 2. a latecomer, with host 2's host name
lan_start_zeroconfd 3 zc2
lan_wait_for 15 eval '[ -n "$(name_of 3)" ]' || lan_fail "host 3 did not establish a name"
[ "$(name_of 3)" = "Shared Name (3)" ] || lan_fail "host 3 has '$(name_of 3)', want 'Shared Name (3)'"
lan_log "ok: host 3 took 'Shared Name (3)'"
log3=$(lan_dir 3)/zeroconfd.log
files_ok() { grep -q "files.service: service 'zc2-2 files' established" "$log3"; }
lan_wait_for 10 files_ok || lan_fail "host 3's %h group did not follow the rename: $(grep -e files -e 'host name' "$log3")"
lan_log "ok: host 3 renamed to zc2-2, its %h group followed"

# 3. a bystander sees all three
lan_start_avahi 4 av
want() { lan_exec 4 avahi-browse -rptk _http._tcp 2>/dev/null | grep -qF "$1"; }
# (avahi-browse -p escapes a space as \032, parentheses as \040 and \041)
for pair in "Shared\\032Name;$winner;zc$winner" "Shared\\032Name\\032\\0402\\041;$loser;zc$loser" \
        "Shared\\032Name\\032\\0403\\041;3;zc2-2"; do
        IFS=';' read -r n h target <<<"$pair"
        lan_wait_for 10 want "=;eth0;IPv4;$n;_http._tcp;local;$target.local;$(lan_addr4 "$h");800$h;\"host=$h\"" ||
                lan_fail "Avahi does not resolve $n to host $h: $(lan_exec 4 avahi-browse -rptk _http._tcp 2>&1)"
done
want_smb() { lan_exec 4 avahi-browse -rptk _smb._tcp 2>/dev/null | grep -qF "$1"; }
lan_wait_for 10 want_smb "=;eth0;IPv4;zc2-2\\032files;_smb._tcp;local;zc2-2.local;$(lan_addr4 3);445;" ||
        lan_fail "Avahi does not resolve 'zc2-2 files': $(lan_exec 4 avahi-browse -rptk _smb._tcp 2>&1)"
! lan_exec 4 avahi-browse -rptk _smb._tcp 2>/dev/null | grep -q "zc2\\\\032files" || lan_fail "'zc2 files' is still seen"
lan_log "ok: Avahi resolves the three, each to its host and port, and 'zc2-2 files'"
for h in 1 2 3; do lan_stop_zeroconfd $h || lan_fail "zeroconfd in host $h exited with code $?"; done
lan_pass
