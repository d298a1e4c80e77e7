#!/bin/bash
# test-dbus-hostile.sh: every Avahi-CVE-class D-Bus input gets a named error, and the daemon keeps
# answering mDNS. Host 1 runs zeroconfd "tough"; a client on its bus sends empty and malformed
# names to SetHostName and to the alternative-name calls (CVE-2021-3502, CVE-2023-38471,
# CVE-2023-38473), AddRecord with empty rdata (CVE-2023-38472), a 200 KB TXT, bad interface
# indexes, bad addresses, bad types, domains, flags, signatures and states
# (tests/lan/dbus-client.py hostile); then host 2 still gets an A answer for tough.local.
# AddAddress publishes an address and its reverse mapping, answered to host 2.
# Host 2's zeroconfd runs with --no-dbus: it answers mDNS and leaves org.zeroconfd1 alone.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_zeroconfd
"$LAN_PY" -c 'import dbus, gi' 2>/dev/null || lan_skip_or_fail "python3-dbus or python3-gi is missing"
LAN_TIMEOUT=${LAN_TIMEOUT:-60}
lan_setup 2
for h in 1 2; do lan_host_addr4 $h 169.254.34.$h/16; done
lan_wait_dad

lan_start_zeroconfd 1 tough
client="$LAN_PY $LAN_DIR/dbus-client.py"
up() { lan_exec 1 $client props >/dev/null 2>&1; }
lan_wait_for 10 up || lan_fail "zeroconfd does not serve org.zeroconfd1"
lan_wait_answer 2 1 tough.local

lan_exec 1 $client hostile >"$LAN_TMP/hostile.log" 2>&1
rc=$?
cat "$LAN_TMP/hostile.log" >&2
[ $rc = 0 ] || lan_fail "some input did not get the expected error (exit $rc)"
n=$(grep -c '^ok ' "$LAN_TMP/hostile.log")
[ "$n" -ge 39 ] || lan_fail "only $n expectations ran (39 expected)"
lan_log "ok: $n hostile inputs, each a named error"
lan_check_daemon 1 "after the hostile inputs"
lan_wait_answer 2 1 tough.local 5
lan_log "ok: the daemon still answers tough.local"
up || lan_fail "the daemon stopped serving D-Bus"

# AddAddress: an address record and its reverse mapping (RFC 6762 §4), answered on the LAN
mkfifo "$LAN_TMP/cmd"
exec 3<>"$LAN_TMP/cmd"
lan_spawn 1 "$LAN_TMP/addr.log" bash -c "exec $client address alias.local 169.254.34.99 <'$LAN_TMP/cmd'"
a_has() { grep -q "$1" "$LAN_TMP/addr.log"; }
lan_wait_for 10 a_has "^state established" || lan_fail "AddAddress: not established: $(cat "$LAN_TMP/addr.log")"
q() { lan_mdns_query 2 --timeout 1 "$@" 2>&1; }
q --type A alias.local | grep -q "^alias.local [0-9]* A 169.254.34.99$" ||
        lan_fail "no A answer for alias.local: $(q --type A alias.local)"
q --type PTR 99.34.254.169.in-addr.arpa | grep -q "PTR alias.local$" ||
        lan_fail "no reverse answer: $(q --type PTR 99.34.254.169.in-addr.arpa)"
echo free >&3
lan_wait_for 5 a_has "^freed" || lan_fail "AddAddress: Free failed"
exec 3>&-
lan_log "ok: AddAddress: alias.local A 169.254.34.99 and its reverse PTR answered"

lan_start_zeroconfd 2 quiet --no-dbus
ready2() { grep -q "ready:" "$(lan_dir 2)/zeroconfd.log"; }
lan_wait_for 10 ready2 || lan_fail "zeroconfd --no-dbus did not start"
lan_wait_answer 1 2 quiet.local
! lan_exec 2 $client props >/dev/null 2>&1 || lan_fail "--no-dbus: org.zeroconfd1 is served"
! grep -q "dbus:" "$(lan_dir 2)/zeroconfd.log" || lan_fail "--no-dbus: $(grep "dbus:" "$(lan_dir 2)/zeroconfd.log")"
lan_log "ok: --no-dbus: mDNS answered, no D-Bus"
lan_stop_zeroconfd 2 || lan_fail "zeroconfd 2 exited with code $?"
lan_stop_zeroconfd 1 || lan_fail "zeroconfd exited with code $?"
lan_pass
