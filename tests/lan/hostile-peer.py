#!/usr/bin/python3
"""hostile-peer.py: the two peers of test-hostile-peer.sh (python3 stdlib only).

    hostile-peer.py flood --name HOST.local --instance INSTANCE._TYPE._tcp.local
                          --seconds S [--records N] [--fake-addr A.B.C.D]
    hostile-peer.py resolve --name HOST.local --expect A.B.C.D --srv INSTANCE._TYPE._tcp.local
                          --seconds S [--interval S] [--timeout S]

flood (the hostile host) sends, from port 5353 to 224.0.0.251 for S seconds, interleaved:
  - every malformed sample of tests/lan/send-raw (compression loops, truncated records, names
    over 255 bytes, count overruns, 9001-byte packets, garbage), over and over;
  - a cache flood: responses carrying N (default 100,000) distinct A records
    (fNNNNNN.flood.local), 40 to a packet, plus well-formed responses of 8976 bytes (249 records);
  - goodbye floods: the same flood names again with TTL 0, and goodbyes for HOST.local and the
    service instance (records that are not ours to withdraw);
  - responses whose counts claim 65535 records and carry 3;
  - questions and records for names of the full 255 octets;
  - every 100 ms, a conflicting probe for HOST.local (QU, ANY, an authority A record of
    --fake-addr) and for the service instance (an SRV pointing elsewhere).
Prints one line of totals at the end.

resolve (the normal peer) asks, every --interval seconds for S seconds, a legacy unicast A
question for HOST.local (the answer must hold --expect) and an SRV question for the instance;
each lookup gets --timeout seconds. Prints each failure, then "lookups N ok M failed K".
Exit status 0 if every lookup succeeded, 1 otherwise, 2 on a usage or socket error.
Both refuse to run outside a LAN host of the harness (LAN_HOST unset).
"""
import argparse
import importlib.machinery
import importlib.util
import ipaddress
import os
import random
import select
import socket
import struct
import sys
import time

A, PTR, TXT, AAAA, SRV, ANY, IN = 1, 12, 16, 28, 33, 255, 1
MDNS = ("224.0.0.251", 5353)


def load_send_raw():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "send-raw")
    loader = importlib.machinery.SourceFileLoader("send_raw", path)
    spec = importlib.util.spec_from_loader("send_raw", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def enc(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def hdr(qd=0, an=0, ns=0, ar=0, mid=0, flags=0):
    return struct.pack("!6H", mid, flags, qd, an, ns, ar)


def rr(owner, rtype, rdata, ttl=120, rclass=IN):
    return owner + struct.pack("!HHIH", rtype, rclass, ttl, len(rdata)) + rdata


RESPONSE = 0x8400


def flood(args):
    sr = load_send_raw()
    malformed = [p for v in sr.samples(args.name).values() for p in v]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, 25, b"eth0\0")  # SO_BINDTODEVICE
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    s.bind(("0.0.0.0", 5353))  # RFC 6762 §6: responses from another port are ignored
    rnd = random.Random(6762)
    fake = socket.inet_aton(args.fake_addr)
    host = enc(args.name)
    inst = enc(args.instance)

    def flood_names(first, count, ttl):
        return [rr(enc("f%06d.flood.local" % i), A, struct.pack("!I", 0x0a000000 + i), ttl=ttl)
                for i in range(first, first + count)]

    n_records = args.records
    per_packet = 40
    counts = {"malformed": 0, "flood": 0, "flood-records": 0, "jumbo": 0, "goodbye": 0,
              "huge-count": 0, "long-name": 0, "probe": 0, "errors": 0}

    def send(kind, pkt):
        try:
            s.sendto(pkt, MDNS)
            counts[kind] += 1
        except OSError:
            counts["errors"] += 1

    t0 = time.monotonic()
    end = t0 + args.seconds
    next_probe = t0
    next_i = 0
    mal_i = 0
    tick = 0
    # the flood's 100,000 records spread over 80 % of the run, the rest keeps everything else going
    flood_rate = n_records / max(args.seconds * 0.8, 1.0)  # records per second
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if now >= next_probe:
            # RFC 6762 §8.1 probes: QU questions, the proposed records in the authority section
            send("probe", hdr(qd=1, ns=1) + host + struct.pack("!HH", ANY, 0x8000 | IN) +
                 rr(b"\xc0\x0c", A, fake))
            send("probe", hdr(qd=1, ns=1) + inst + struct.pack("!HH", ANY, 0x8000 | IN) +
                 rr(b"\xc0\x0c", SRV, struct.pack("!HHH", 0, 0, 9) + enc("evil.local")))
            next_probe += 0.1
        # the cache flood, at its rate
        due = min(n_records, int((now - t0) * flood_rate) + per_packet)
        while next_i < due:
            k = min(per_packet, n_records - next_i)
            recs = flood_names(next_i, k, 120)
            send("flood", hdr(an=k, flags=RESPONSE) + b"".join(recs))
            counts["flood-records"] += k
            # the goodbyes for the previous batch
            if next_i >= per_packet and tick % 2 == 0:
                gb = flood_names(next_i - per_packet, per_packet, 0)
                send("goodbye", hdr(an=len(gb), flags=RESPONSE) + b"".join(gb))
            next_i += k
        # malformed samples: a few every tick
        for _ in range(4):
            send("malformed", malformed[mal_i % len(malformed)])
            mal_i += 1
        if tick % 10 == 0:
            # a well-formed response of 8976 bytes: 249 records (fragmented on the wire)
            base = 2000000 + (tick // 10) * 249
            recs = flood_names(base, 249, 120)
            send("jumbo", hdr(an=249, flags=RESPONSE) + b"".join(recs))
            # names of the full 255 octets (RFC 1035 §3.1), a question and a record
            long_name = b"".join(bytes([63]) + bytes([97 + (tick // 10 + j) % 26]) * 63 for j in range(3)) + \
                bytes([61]) + b"x" * 61 + b"\0"
            send("long-name", hdr(qd=1) + long_name + struct.pack("!HH", A, IN))
            send("long-name", hdr(an=1, flags=RESPONSE) + rr(long_name, A, fake))
            # counts that claim the maximum and carry three records
            send("huge-count", hdr(qd=0, an=0xFFFF, ns=0xFFFF, ar=0xFFFF, flags=RESPONSE) +
                 b"".join(flood_names(rnd.randrange(n_records), 3, 120)))
            # goodbyes for records that are not the sender's: our name and our instance
            send("goodbye", hdr(an=2, flags=RESPONSE) + rr(host, A, fake, ttl=0) +
                 rr(inst, SRV, struct.pack("!HHH", 0, 0, 9) + enc("evil.local"), ttl=0))
        tick += 1
        time.sleep(0.01)
    print("sent: " + ", ".join("%s %d" % kv for kv in counts.items()) +
          " in %.1f s" % (time.monotonic() - t0))
    return 0


def query(s, name, qtype, timeout):
    """A legacy unicast question (RFC 6762 §6.7); the answer records of the matching reply."""
    mid = random.randrange(1, 65536)
    s.sendto(hdr(qd=1, mid=mid) + enc(name) + struct.pack("!HH", qtype, IN), MDNS)
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        r, _, _ = select.select([s], [], [], left)
        if not r:
            return None
        data, _ = s.recvfrom(65536)
        if len(data) < 12 or struct.unpack("!H", data[:2])[0] != mid:
            continue
        return parse_answers(data)


def read_name(data, off):
    labels, jumps, end = [], 0, None
    while True:
        n = data[off]
        if n >= 0xC0:
            if end is None:
                end = off + 2
            off = ((n & 0x3F) << 8) | data[off + 1]
            jumps += 1
            if jumps > 64:
                raise ValueError("loop")
            continue
        off += 1
        if n == 0:
            break
        labels.append(data[off:off + n].decode("utf-8", "replace"))
        off += n
    return ".".join(labels), (end if end is not None else off)


def parse_answers(data):
    qd, an = struct.unpack("!HH", data[4:8])
    off = 12
    out = []
    try:
        for _ in range(qd):
            _, off = read_name(data, off)
            off += 4
        for _ in range(an):
            name, off = read_name(data, off)
            rtype, _, ttl, rdlen = struct.unpack("!HHIH", data[off:off + 10])
            off += 10
            rdata = data[off:off + rdlen]
            if rtype == A and rdlen == 4:
                out.append((name, rtype, socket.inet_ntoa(rdata)))
            elif rtype == SRV:
                target, _ = read_name(data, off + 6)
                out.append((name, rtype, target))
            else:
                out.append((name, rtype, rdata))
            off += rdlen
    except (IndexError, ValueError, struct.error):
        pass
    return out


def resolve(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, 25, b"eth0\0")
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    s.bind(("0.0.0.0", 0))
    t0 = time.monotonic()
    end = t0 + args.seconds
    total = ok = 0
    failures = []
    targets = set()
    while time.monotonic() < end:
        for name, qtype in ((args.name, A), (args.srv, SRV)):
            total += 1
            ans = query(s, name, qtype, args.timeout)
            t = time.monotonic() - t0
            if ans is None:
                failures.append("%.2f s: %s %s: no reply" % (t, name, qtype))
                continue
            if qtype == A and not any(r[1] == A and r[2] == args.expect for r in ans):
                failures.append("%.2f s: %s A: %s, not %s" % (t, name, ans, args.expect))
                continue
            srv = [r[2] for r in ans if r[1] == SRV]
            if qtype == SRV and not srv:
                failures.append("%.2f s: %s SRV: %s" % (t, name, ans))
                continue
            targets.update(srv)
            ok += 1
        time.sleep(args.interval)
    for f in failures:
        print("failed: " + f)
    print("lookups %d ok %d failed %d; SRV targets %s" % (total, ok, len(failures), sorted(targets)))
    return 0 if not failures and total > 0 else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("flood")
    f.add_argument("--name", required=True)
    f.add_argument("--instance", required=True)
    f.add_argument("--seconds", type=float, default=20)
    f.add_argument("--records", type=int, default=100000)
    f.add_argument("--fake-addr", default="169.254.99.99")
    r = sub.add_parser("resolve")
    r.add_argument("--name", required=True)
    r.add_argument("--expect", required=True)
    r.add_argument("--srv", required=True)
    r.add_argument("--seconds", type=float, default=20)
    r.add_argument("--interval", type=float, default=0.25)
    r.add_argument("--timeout", type=float, default=2.0)
    args = ap.parse_args()
    if not os.environ.get("LAN_HOST"):
        print("hostile-peer.py: runs only inside a LAN host of the harness (LAN_HOST unset)", file=sys.stderr)
        return 2
    ipaddress.ip_address(getattr(args, "fake_addr", "0.0.0.0"))
    return flood(args) if args.cmd == "flood" else resolve(args)


if __name__ == "__main__":
    sys.exit(main())
