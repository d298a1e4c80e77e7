#!/bin/bash
# test-nss.sh: .local names for every program through libnss_zeroconf (nss-zeroconf(8)).
# Host 1 runs zeroconfd and resolves through the module built in the tree: getent and Python's
# getaddrinfo run in a private mount namespace where /etc/nsswitch.conf says
#     hosts: zeroconf_minimal [NOTFOUND=return] files
# and /etc/hosts holds decoys for zcpeer.local and nobody.local ("files" stands for "dns": the
# source after the module). Host 2 runs zeroconfd (zcpeer), host 3 Avahi (avpeer).
#   1. forward: getent hosts / ahosts for both peers and for host 1 itself; getaddrinfo gives
#      the IPv6 link-local address with eth0 as its scope;
#   2. reverse: getent hosts ADDRESS for both peers' 169.254 addresses;
#   3. a name nobody holds is "not found" (exit 2) within the daemon's timeout, and the decoy in
#      /etc/hosts is not used ([NOTFOUND=return]); malformed names are "not found" at once and
#      the daemon keeps answering; a name outside .local goes to the next source;
#   4. the daemon stopped: lookups return at once and the next source answers (the decoys).
# The latency of a cached lookup through getaddrinfo is logged (tests/bench measures it).
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs avahi-daemon getent unshare
lan_require_zeroconfd
NSS_DIR=${NSS_DIR:-$(cd "$(dirname "$ZEROCONFD")/../client-lib/nss/.libs" 2>/dev/null && pwd)}
[ -e "$NSS_DIR/libnss_zeroconf_minimal.so.2" ] || lan_skip_or_fail "the NSS module is not built ($NSS_DIR)"
LAN_TIMEOUT=${LAN_TIMEOUT:-90}
lan_setup 3
for h in 1 2 3; do lan_host_addr4 $h 169.254.33.$h/16; done
lan_wait_dad

etc=$LAN_TMP/etc
mkdir -p "$etc"
echo "hosts: zeroconf_minimal [NOTFOUND=return] files" >"$etc/nsswitch.conf"
printf '127.0.0.1 localhost\n192.0.2.7 zcpeer.local\n192.0.2.8 nobody.local\n192.0.2.9 www.example.com\n' >"$etc/hosts"
sock=$(lan_dir 1)/run/nss.socket
# resolve H CMD...: run CMD in host H with the test nsswitch.conf and hosts, through the module
resolve() {
        local h=$1
        shift
        lan_exec "$h" env LD_LIBRARY_PATH="$NSS_DIR" ZEROCONFD_NSS_SOCKET="$sock" \
                unshare -m sh -c 'mount --bind "$0/nsswitch.conf" /etc/nsswitch.conf &&
                        mount --bind "$0/hosts" /etc/hosts && exec "$@"' "$etc" "$@"
}
ms_since() { echo $(( (${EPOCHREALTIME/[.,]/} - $1) / 1000 )); }

lan_start_zeroconfd 1 zchome
lan_start_zeroconfd 2 zcpeer
lan_start_avahi 3 avpeer
lan_wait_for 10 grep -q "host name zchome.local established" "$(lan_dir 1)/zeroconfd.log" ||
        lan_fail "zchome.local was not established"
lan_wait_for 10 grep -q "host name zcpeer.local established" "$(lan_dir 2)/zeroconfd.log" ||
        lan_fail "zcpeer.local was not established"
[ -S "$sock" ] || lan_fail "no NSS socket at $sock"

# 1. forward
has() { resolve 1 getent "$1" "$2" | grep -q "^$3 "; }
lan_wait_for 5 has ahosts zcpeer.local 169.254.33.2 ||
        lan_fail "getent ahosts zcpeer.local: $(resolve 1 getent ahosts zcpeer.local 2>&1)"
out=$(resolve 1 getent ahosts zcpeer.local)
ifindex=$(lan_exec 1 cat /sys/class/net/eth0/ifindex)
# getent prints an IPv6 link-local address with its scope: the module gave eth0's index
grep -q "^$(lan_addr6 2)%$ifindex " <<<"$out" || lan_fail "getent ahosts zcpeer.local has no $(lan_addr6 2)%$ifindex: $out"
! grep -q 192.0.2.7 <<<"$out" || lan_fail "the decoy in /etc/hosts was used: $out"
lan_log "ok: getent ahosts zcpeer.local: $(awk '{print $1}' <<<"$out" | sort -u | tr '\n' ' ')"
out=$(resolve 1 getent hosts zcpeer.local) || lan_fail "getent hosts zcpeer.local failed"
grep -qE "^($(lan_addr6 2)|169\.254\.33\.2) +zcpeer\.local" <<<"$out" || lan_fail "getent hosts zcpeer.local: $out"
lan_wait_for 5 has ahosts avpeer.local 169.254.33.3 ||
        lan_fail "getent ahosts avpeer.local (Avahi): $(resolve 1 getent ahosts avpeer.local 2>&1)"
lan_log "ok: getent ahosts avpeer.local (Avahi): 169.254.33.3"
has ahosts zchome.local 169.254.33.1 || lan_fail "host 1 does not resolve its own name: $(resolve 1 getent ahosts zchome.local 2>&1)"
lan_log "ok: getent ahosts zchome.local (ourselves): 169.254.33.1"
# getaddrinfo (AF_UNSPEC, as ssh and most programs ask): an IPv6 link-local address comes with
# its interface as the scope id, so that a program can connect to it
out=$(resolve 1 "$LAN_PY" -c '
import socket, sys
for fam, _, _, _, sa in socket.getaddrinfo("zcpeer.local", 22, socket.AF_UNSPEC, socket.SOCK_STREAM):
    if fam == socket.AF_INET6:
        print(sa[0], sa[3])') || lan_fail "getaddrinfo(zcpeer.local) failed"
[ "$out" = "$(lan_addr6 2) $ifindex" ] || lan_fail "getaddrinfo gave '$out' for IPv6, want '$(lan_addr6 2) $ifindex'"

lan_log "ok: getaddrinfo gives $(lan_addr6 2) with scope $ifindex (eth0)"

# 2. reverse
out=$(resolve 1 getent hosts 169.254.33.2) || lan_fail "getent hosts 169.254.33.2 failed"
grep -q "^169\.254\.33\.2 *zcpeer\.local$" <<<"$out" || lan_fail "getent hosts 169.254.33.2: $out"
out=$(resolve 1 getent hosts 169.254.33.3) || lan_fail "getent hosts 169.254.33.3 (Avahi) failed"
grep -q "^169\.254\.33\.3 *avpeer\.local$" <<<"$out" || lan_fail "getent hosts 169.254.33.3: $out"
lan_log "ok: reverse lookups: 169.254.33.2 is zcpeer.local, 169.254.33.3 avpeer.local"

# the socket protocol by hand, from a client that shuts its side after the request (like
# socat or nc -N): it still gets its reply
out=$(lan_exec 1 "$LAN_PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b"NAME 4 zcpeer.local\n")
s.shutdown(socket.SHUT_WR)
print(s.makefile().readline().strip())' "$sock") || lan_fail "the half-closed request failed"
[ "$out" = "+ zcpeer.local 169.254.33.2" ] || lan_fail "a half-closed request got '$out'"
lan_log "ok: a client that shuts its side after the request gets '$out'"

# 3. nobody, malformed names, other domains
t0=${EPOCHREALTIME/[.,]/}
resolve 1 getent hosts nobody.local >/dev/null
rc=$? took=$(ms_since "$t0")
[ "$rc" = 2 ] || lan_fail "getent hosts nobody.local: exit $rc, want 2 (not found)"
[ "$took" -lt 3000 ] || lan_fail "getent hosts nobody.local took $took ms (the timeout is 1000 ms)"
lan_log "ok: nobody.local is not found after $took ms; the decoy was not used"
long=$(printf 'x%.0s' $(seq 300)).local
for bad in a..b.local .local "$long" $'\xff\xfe.local' "a b.local" $'a\tb.local'; do
        resolve 1 getent hosts "$bad" >/dev/null
        rc=$?
        [ "$rc" = 2 ] || lan_fail "getent hosts '$bad': exit $rc, want 2"
done
lan_check_daemon 1 "after malformed names"
out=$(resolve 1 getent hosts www.example.com) || lan_fail "www.example.com did not reach the next source"
grep -q 192.0.2.9 <<<"$out" || lan_fail "getent hosts www.example.com: $out"
lan_log "ok: malformed names are not found, the daemon lives; other domains go to the next source"

# the latency of a cached lookup, through the whole stack
lat=$(resolve 1 "$LAN_PY" -c '
import socket, time
n, best, tot = 200, 1e9, 0.0
for i in range(n):
    t = time.perf_counter()
    socket.getaddrinfo("zcpeer.local", None, socket.AF_INET)
    d = time.perf_counter() - t
    tot += d
    best = min(best, d)
print("%.3f %.3f" % (tot / n * 1000, best * 1000))') || lan_fail "timing getaddrinfo failed"
lan_log "getaddrinfo(zcpeer.local) from the cache: mean ${lat% *} ms, best ${lat#* } ms (200 lookups)"

# 4. no daemon: at once, and the next source answers
lan_stop_zeroconfd 1 || lan_fail "zeroconfd in host 1 exited with code $?"
[ ! -e "$sock" ] || lan_fail "the daemon left its socket behind"
t0=${EPOCHREALTIME/[.,]/}
out=$(resolve 1 getent hosts zcpeer.local)
took=$(ms_since "$t0")
grep -q "^192\.0\.2\.7 " <<<"$out" || lan_fail "with no daemon, getent hosts zcpeer.local gave '$out', want the next source's 192.0.2.7"
out=$(resolve 1 getent hosts nobody.local) || lan_fail "with no daemon, nobody.local did not reach the next source"
lan_log "ok: no daemon: the next source answers ($took ms)"
[ "$took" -lt 1000 ] || lan_fail "with no daemon a lookup took $took ms"
lan_pass
