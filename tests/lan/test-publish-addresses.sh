#!/bin/bash
# test-publish-addresses.sh: [server] publish-addresses = no. Host 1 ("quiet") publishes its
# services.d service but none of its own address records: host 2 gets the service's SRV (naming
# quiet.local) and TXT, and no A, AAAA or reverse PTR for host 1 in any answer, while host 3
# ("loud", the default) answers for its name as usual.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs python3
lan_require_zeroconfd
lan_setup 3
lan_host_addr4 1 169.254.26.1/16
lan_host_addr4 2 169.254.26.2/16
lan_host_addr4 3 169.254.26.3/16
lan_wait_dad
cat >"$(lan_dir 1)/quiet.conf" <<CONF
[server]
publish-addresses = no
CONF
mkdir -p "$(lan_dir 1)/services.d"
cat >"$(lan_dir 1)/services.d/web.service" <<'XML'
<?xml version="1.0" standalone="no"?>
<service-group>
  <name>Quiet Web</name>
  <service>
    <type>_http._tcp</type>
    <port>8080</port>
    <txt-record>path=/q</txt-record>
  </service>
</service-group>
XML
lan_start_zeroconfd 1 quiet --config "$(lan_dir 1)/quiet.conf"
lan_start_zeroconfd 3 loud

srv() { lan_mdns_query 2 --timeout 0.5 --type SRV "Quiet Web._http._tcp.local" | grep -q " SRV .*8080 quiet.local"; }
lan_wait_for 15 srv || lan_fail "no SRV for Quiet Web: $(lan_mdns_query 2 --timeout 1 --type SRV 'Quiet Web._http._tcp.local' 2>&1)"
lan_mdns_query 2 --timeout 1 --type TXT "Quiet Web._http._tcp.local" | grep -q "path=/q" ||
        lan_fail "no TXT for Quiet Web"
lan_log "ok: the service is published (SRV names quiet.local, TXT)"

lan_wait_answer 2 3 loud.local
for t in A AAAA ANY; do
        out=$(lan_mdns_query 2 --timeout 1.5 --from-port 5353 --wait --type "$t" quiet.local 2>&1)
        [ -z "$(echo "$out" | grep -E '^quiet\.local ')" ] || lan_fail "quiet.local answers $t: $out"
done
out=$(lan_mdns_query 2 --timeout 1.5 --from-port 5353 --wait --type PTR 1.26.254.169.in-addr.arpa 2>&1)
! echo "$out" | grep -q "quiet.local" || lan_fail "the reverse name of 169.254.26.1 answers: $out"
# and no answer to the SRV query carried our address as an additional record
out=$(lan_mdns_query 2 --timeout 1.5 --from-port 5353 --wait -v --type SRV "Quiet Web._http._tcp.local" 2>&1)
! echo "$out" | grep -qE " A 169\.254\.26\.1$" || lan_fail "an answer carries A 169.254.26.1: $out"
lan_log "ok: no A, AAAA, ANY or reverse PTR answer for quiet.local; loud.local answers"

lan_check_daemon 1 "at the end"
lan_check_daemon 3 "at the end"
lan_pass
