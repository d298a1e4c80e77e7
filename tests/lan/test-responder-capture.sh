#!/bin/bash
# test-responder-capture.sh: what zeroconfd puts on the wire when it starts and stops, captured
# with tcpdump on a bystander host and checked against RFC 6762 (allowing 30 ms of scheduling):
#   §8.1  three probes 250 ms apart, ID 0, QU "ANY" questions for the host name, the proposed
#         records in the Authority section without the cache-flush bit;
#   §8.3  the first announcement 250 ms after the third probe, then 1 s and 2 s later (at least
#         two, at most eight, each interval at least double the last), nothing periodic after;
#   §18   announcements: ID 0, QR and AA, no questions; §10.2 cache-flush bit on our unique
#         records; §10 TTL 120; no record twice in a packet;
#   §10.1 on SIGTERM a goodbye with TTL 0 for everything, without the cache-flush bit;
#   §11   IP TTL / hop limit 255.
# Each transport (IPv4, IPv6) is checked on its own.
LAN_DIR=${LAN_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$LAN_DIR/lan.sh"

lan_require_root
lan_require_progs python3 tcpdump
lan_require_zeroconfd
lan_setup 2
lan_host_addr4 1 169.254.26.1/16
lan_host_addr4 2 169.254.26.2/16
lan_wait_dad

pcap=$(lan_dir 2)/mdns.pcap
lan_spawn 2 "$(lan_dir 2)/tcpdump.log" tcpdump -i eth0 --immediate-mode -U -n -w "$pcap" udp port 5353
tcpdump_pid=$LAN_LAST_PID
tcpdump_ready() { grep -qs "listening on" "$(lan_dir 2)/tcpdump.log"; }
lan_wait_for 10 tcpdump_ready || lan_fail "tcpdump did not start: $(cat "$(lan_dir 2)/tcpdump.log")"

lan_start_zeroconfd 1 wire
established() { grep -q "host name wire.local established" "$(lan_dir 1)/zeroconfd.log"; }
lan_wait_for 15 established || lan_fail "wire.local was not established"
sleep 4 # anything periodic would show here
lan_stop_zeroconfd 1 || lan_fail "zeroconfd exited with code $?"
sleep 1
lan_stop_pid "$tcpdump_pid" tcpdump >/dev/null 2>&1 || true

"$LAN_PY" - "$pcap" "$(lan_addr4 1)" "$(lan_addr6 1)" wire.local <<'PYEOF' || lan_fail "the capture breaks the rules above"
import ipaddress, struct, sys

TOL = 0.030
path, src4, src6, host = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].lower()
problems = []

def bad(msg):
    problems.append(msg)

def read_pcap(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic == 0xa1b2c3d4:
        e, scale = "<", 1e-6
    elif magic == 0xa1b23c4d:
        e, scale = "<", 1e-9
    else:
        raise SystemExit("not a little-endian pcap file")
    linktype = struct.unpack(e + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        yield sec + frac * scale, linktype, data[off + 16:off + 16 + incl]
        off += 16 + incl

def name(msg, off):
    labels, jumped, end = [], False, None
    for _ in range(128):
        n = msg[off]
        if n >= 0xc0:
            if not jumped:
                end = off + 2
            off, jumped = ((n & 0x3f) << 8) | msg[off + 1], True
            continue
        if n == 0:
            return ".".join(labels).lower(), (end if jumped else off + 1)
        labels.append(msg[off + 1:off + 1 + n].decode("utf-8", "replace"))
        off += 1 + n
    raise ValueError("name loop")

def dns(msg):
    ident, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", msg[:12])
    off, qs, rrs = 12, [], {"an": [], "ns": [], "ar": []}
    for _ in range(qd):
        n, off = name(msg, off)
        t, c = struct.unpack("!HH", msg[off:off + 4])
        off += 4
        qs.append((n, t, c))
    for sec, cnt in (("an", an), ("ns", ns), ("ar", ar)):
        for _ in range(cnt):
            n, off = name(msg, off)
            t, c, ttl, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
            off += 10
            rrs[sec].append((n, t, c, ttl, msg[off:off + rdlen]))
            off += rdlen
    return ident, flags, qs, rrs

packets = {4: [], 6: []}
for ts, linktype, frame in read_pcap(path):
    if linktype == 1:
        etype, ip = struct.unpack("!H", frame[12:14])[0], frame[14:]
    elif linktype == 113:  # Linux cooked capture
        etype, ip = struct.unpack("!H", frame[14:16])[0], frame[16:]
    else:
        raise SystemExit("unexpected link type %d" % linktype)
    if etype == 0x0800:
        ihl, ttl, proto = (ip[0] & 15) * 4, ip[8], ip[9]
        src, udp, fam = str(ipaddress.IPv4Address(ip[12:16])), ip[ihl:], 4
    elif etype == 0x86dd:
        ttl, proto = ip[7], ip[6]
        src, udp, fam = str(ipaddress.IPv6Address(ip[8:24])), ip[40:], 6
    else:
        continue
    if proto != 17 or src != (src4 if fam == 4 else src6):
        continue
    sport = struct.unpack("!H", udp[:2])[0]
    if sport != 5353:
        bad("IPv%d: a packet from port %d" % (fam, sport))
    if ttl != 255:
        bad("IPv%d: IP TTL / hop limit %d, want 255 (RFC 6762 §11)" % (fam, ttl))
    packets[fam].append((ts,) + dns(udp[8:]))

for fam, pk in packets.items():
    tag = "IPv%d" % fam
    probes = [p for p in pk if not p[2] & 0x8000 and p[4]["ns"]]
    resp = [p for p in pk if p[2] & 0x8000]
    others = [p for p in pk if not p[2] & 0x8000 and not p[4]["ns"]]
    if others:
        bad("%s: %d queries without an Authority section: we only probe" % (tag, len(others)))
    goodbyes = [p for p in resp if p[4]["an"] and all(r[3] == 0 for r in p[4]["an"])]
    ann = [p for p in resp if p not in goodbyes]
    print("%s: %d probes, %d announcements, %d goodbye packets" % (tag, len(probes), len(ann), len(goodbyes)))
    # §8.1 probes
    if len(probes) != 3:
        bad("%s: %d probes, want 3" % (tag, len(probes)))
    for a, b in zip(probes, probes[1:]):
        if abs(b[0] - a[0] - 0.250) > TOL:
            bad("%s: probes %.3f s apart, want 0.250" % (tag, b[0] - a[0]))
    for ts, ident, flags, qs, rrs in probes:
        if ident != 0 or flags != 0:
            bad("%s: probe ID %d flags %#x, want 0 0" % (tag, ident, flags))
        if qs != [(host, 255, 0x8001)]:
            bad("%s: probe questions %r, want [(%r, ANY, IN|QU)]" % (tag, qs, host))
        if rrs["an"] or rrs["ar"]:
            bad("%s: a probe with answers or additional records" % tag)
        for n, t, c, ttl, rd in rrs["ns"]:
            if n != host or c != 1:
                bad("%s: proposed record %s class %#x (want our name, IN, no cache-flush)" % (tag, n, c))
        if not any(r[1] in (1, 28) for r in rrs["ns"]):
            bad("%s: no address record proposed" % tag)
    # §8.3 announcements
    if not 2 <= len(ann) <= 8:
        bad("%s: %d announcements, want 2..8" % (tag, len(ann)))
    if probes and ann and abs(ann[0][0] - probes[-1][0] - 0.250) > TOL:
        bad("%s: first announcement %.3f s after the third probe, want 0.250" % (tag, ann[0][0] - probes[-1][0]))
    gaps = [b[0] - a[0] for a, b in zip(ann, ann[1:])]
    if gaps and abs(gaps[0] - 1.0) > TOL:
        bad("%s: announcements %.3f s apart, want 1 s" % (tag, gaps[0]))
    for g0, g1 in zip(gaps, gaps[1:]):
        if g1 < 2 * g0 - TOL:
            bad("%s: announcement interval %.3f after %.3f: not doubling" % (tag, g1, g0))
    for ts, ident, flags, qs, rrs in ann:
        if ident != 0 or flags != 0x8400 or qs:
            bad("%s: announcement ID %d flags %#x questions %d, want 0 0x8400 0" % (tag, ident, flags, len(qs)))
        seen = set()
        for n, t, c, ttl, rd in rrs["an"]:
            key = (n, t, c & 0x7fff, bytes(rd))
            if key in seen:
                bad("%s: %s type %d twice in one packet" % (tag, n, t))
            seen.add(key)
            if t in (1, 28, 12) and c != 0x8001:
                bad("%s: %s type %d class %#x, want IN with cache-flush" % (tag, n, t, c))
            if ttl != 120:
                bad("%s: %s type %d TTL %d, want 120" % (tag, n, t, ttl))
        if not any(r[0] == host and r[1] in (1, 28) for r in rrs["an"]):
            bad("%s: an announcement without our address records" % tag)
    # never periodic: nothing between the last announcement and the goodbye
    if ann and goodbyes and goodbyes[0][0] - ann[-1][0] < 3.5:
        bad("%s: the capture did not wait long enough after the announcements" % tag)
    # §10.1 goodbyes
    if not goodbyes:
        bad("%s: no goodbye on shutdown" % tag)
    else:
        announced = {(r[0], r[1], bytes(r[4])) for p in ann for r in p[4]["an"]}
        said = {(r[0], r[1], bytes(r[4])) for p in goodbyes for r in p[4]["an"]}
        if announced - said:
            bad("%s: no goodbye for %r" % (tag, sorted(announced - said)))
        for p in goodbyes:
            for n, t, c, ttl, rd in p[4]["an"]:
                if c != 1:
                    bad("%s: goodbye %s type %d class %#x, want IN without cache-flush" % (tag, n, t, c))
        if goodbyes[-1] is not pk[-1]:
            bad("%s: packets after the goodbye" % tag)

for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
PYEOF
lan_log "ok: probes, announcements and goodbyes within the RFC 6762 windows and formats"
lan_pass
