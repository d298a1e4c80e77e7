#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Seeds for fuzz-cache (see the input format at the top of fuzz-cache.c): responses with the
# records the subscriptions look at (PTR, SRV, TXT, A, AAAA, reverse PTR), cache-flush bits,
# goodbyes, queries with and without known answers, QU and TC.
# Usage: gen-cache-corpus.py OUTDIR
import os
import struct
import sys

A, PTR, TXT, AAAA, SRV, ANY = 1, 12, 16, 28, 33, 255


def name(n):
    out = b""
    for label in n.split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rr(n, t, rdata, ttl=120, flush=False):
    cls = 1 | (0x8000 if flush else 0)
    return name(n) + struct.pack(">HHIH", t, cls, ttl, len(rdata)) + rdata


def q(n, t, qu=False):
    return name(n) + struct.pack(">HH", t, 1 | (0x8000 if qu else 0))


def msg(flags, qs=(), ans=(), add=()):
    return struct.pack(">HHHHHH", 0, flags, len(qs), len(ans), 0, len(add)) + b"".join(qs) + b"".join(ans) + b"".join(add)


def resp(*ans, add=()):
    return msg(0x8400, (), ans, add)


def query(qs, ans=(), tc=False):
    return msg(0x0200 if tc else 0, qs, ans)


def chunk(ctrl, dt, m):
    return bytes([ctrl, dt]) + struct.pack(">H", len(m)) + m


def txt(*s):
    return b"".join(bytes([len(x)]) + x.encode() for x in s)


srv = struct.pack(">HHH", 0, 0, 631) + name("board.local")
srv2 = struct.pack(">HHH", 0, 0, 631) + name("other.local")
ip4 = bytes([169, 254, 10, 20])
ll6 = bytes.fromhex("fe800000000000000000000000001234")

service = resp(rr("_http._tcp.local", PTR, name("Printer._http._tcp.local"), 4500),
               rr("_ipp._tcp.local", PTR, name("Printer._ipp._tcp.local"), 4500),
               rr("_services._dns-sd._udp.local", PTR, name("_http._tcp.local"), 4500),
               rr("_printer._sub._http._tcp.local", PTR, name("Printer._http._tcp.local"), 4500),
               add=(rr("Printer._ipp._tcp.local", SRV, srv, flush=True),
                    rr("Printer._ipp._tcp.local", TXT, txt("rp=ipp/print"), 4500, True),
                    rr("board.local", A, ip4, flush=True),
                    rr("board.local", AAAA, ll6, flush=True),
                    rr("20.10.254.169.in-addr.arpa", PTR, name("board.local"), flush=True)))
goodbye = resp(rr("_http._tcp.local", PTR, name("Printer._http._tcp.local"), 0),
               rr("board.local", A, ip4, 0, True))
moved = resp(rr("Printer._ipp._tcp.local", SRV, srv2, flush=True),
             rr("other.local", A, bytes([169, 254, 30, 40]), flush=True))
ka_query = query([q("_http._tcp.local", PTR)], [rr("_http._tcp.local", PTR, name("Printer._http._tcp.local"), 4000)])
plain_query = query([q("board.local", A), q("_http._tcp.local", PTR)])
qu_query = query([q("board.local", ANY, True)])
tc_query = query([q("_http._tcp.local", PTR)], [rr("_http._tcp.local", PTR, name("X._http._tcp.local"), 4000)], tc=True)

seeds = {
    "browse-resolve": chunk(0, 10, service) + chunk(0, 200, service) + chunk(0, 255, b""),
    "goodbye": chunk(0, 5, service) + chunk(0, 50, goodbye) + chunk(0, 100, b""),
    "srv-moves": chunk(0, 5, service) + chunk(0, 100, moved) + chunk(0, 255, b""),
    "poof": chunk(0, 5, service) + chunk(0, 100, plain_query) + chunk(0, 100, plain_query) + chunk(0, 255, b""),
    "dqs": chunk(0, 5, service) + chunk(0, 60, ka_query) + chunk(0, 70, qu_query) + chunk(0, 10, tc_query),
    "ipv6-link": chunk(1, 5, service) + chunk(1 | 8, 60, goodbye) + chunk(1, 255, service),
    "legacy-port": chunk(2, 5, service) + chunk(2, 5, plain_query),
    "toggle-subs": chunk(4, 0, service) + chunk(4, 1, service) + chunk(4, 2, moved) + chunk(4, 3, goodbye),
    "flood": b"".join(chunk(0, 1, resp(*[rr("h%d-%d.local" % (i, j), A, bytes([10, 0, i, j]), 4500) for j in range(40)]))
                      for i in range(8)),
}

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for k, v in seeds.items():
    with open(os.path.join(out, k + ".bin"), "wb") as f:
        f.write(v)
