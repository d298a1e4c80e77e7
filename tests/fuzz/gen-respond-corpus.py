#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes the seed corpus of fuzz-respond: sequences of packets for the responder.

Each chunk is [ctrl][dt][len_hi][len_lo][DNS message] (see fuzz-respond.c for the bits).
Usage: gen-respond-corpus.py [DIR]   (default: corpus/respond next to this script)
The files are committed; run this again only to change them.
"""
import os
import struct
import sys

QU = CF = 0x8000
A, PTR, TXT, AAAA, SRV, ANY = 1, 12, 16, 28, 33, 255
QR_AA, TC = 0x8400, 0x0200
V6, LEGACY, UNICAST, SMALL = 1, 2, 4, 32


def name(text):
    out = b""
    for label in text.split("."):
        raw = label.encode()
        out += bytes([len(raw)]) + raw
    return out + b"\0"


def header(qd=0, an=0, ns=0, ar=0, flags=0, id=0):
    return struct.pack(">HHHHHH", id, flags, qd, an, ns, ar)


def question(owner, qtype, qclass=1):
    return name(owner) + struct.pack(">HH", qtype, qclass)


def rr(owner, rtype, rdata, rclass=1, ttl=120):
    return name(owner) + struct.pack(">HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def chunk(msg, ctrl=0, dt=0):
    return bytes([ctrl, dt]) + struct.pack(">H", len(msg)) + msg


HOST_A = rr("board.local", A, bytes([169, 254, 10, 20]))
HTTP_PTR = rr("_http._tcp.local", PTR, name("Printer._http._tcp.local"), ttl=4500)


def seeds():
    s = {}
    s["unique-a"] = chunk(header(qd=1) + question("board.local", A))
    s["shared-ptr"] = chunk(header(qd=1) + question("_http._tcp.local", PTR))
    s["two-shared-aggregated"] = (chunk(header(qd=1) + question("_http._tcp.local", PTR))
                                  + chunk(header(qd=1) + question("_smb._tcp.local", PTR), dt=1))
    s["multi-question"] = chunk(header(qd=3) + question("board.local", A) + question("board.local", AAAA)
                                + question("_services._dns-sd._udp.local", PTR))
    s["tc-then-known-answers"] = (chunk(header(qd=1, flags=TC) + question("_http._tcp.local", PTR))
                                  + chunk(header(an=1, flags=TC) + HTTP_PTR, dt=10)
                                  + chunk(header(an=1) + HOST_A, dt=10))
    s["rate-limit"] = (chunk(header(qd=1) + question("board.local", A))
                       + chunk(header(qd=1) + question("board.local", A), dt=50))
    s["probe"] = chunk(header(qd=1, ns=1) + question("board.local", ANY, 1 | QU)
                       + rr("board.local", A, bytes([169, 254, 9, 9])))
    s["qu-after-multicast"] = (chunk(header(qd=1) + question("board.local", A))
                               + chunk(header(qd=1) + question("board.local", A, 1 | QU), dt=250))
    s["direct-unicast-v6"] = chunk(header(qd=1) + question("Printer._http._tcp.local", SRV), ctrl=V6 | UNICAST)
    s["known-answer"] = chunk(header(qd=1, an=1) + question("board.local", A) + HOST_A)
    s["nsec-missing-type"] = chunk(header(qd=2) + question("v4only.local", AAAA) + question("board.local", TXT))
    s["duplicate-answer"] = (chunk(header(qd=1) + question("_http._tcp.local", PTR))
                             + chunk(header(an=1, flags=QR_AA) + HTTP_PTR, ctrl=8, dt=2))
    s["peer-goodbye"] = chunk(header(an=1, flags=QR_AA)
                              + rr("_http._tcp.local", PTR, name("Printer._http._tcp.local"), ttl=0))
    s["legacy"] = chunk(header(qd=1, id=0x1234, flags=0x0100) + question("_http._tcp.local", PTR), ctrl=LEGACY)
    s["legacy-small-any"] = chunk(header(qd=1, id=7) + question("_services._dns-sd._udp.local", PTR),
                                  ctrl=LEGACY | SMALL)
    s["withdraw-then-ask"] = (chunk(header(qd=1) + question("_http._tcp.local", PTR))
                              + chunk(header(qd=1) + question("Printer._http._tcp.local", ANY), ctrl=64, dt=3))
    s["reverse-ptr"] = chunk(header(qd=1) + question("20.10.254.169.in-addr.arpa", PTR), ctrl=SMALL)
    return s


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                              "corpus", "respond")
    os.makedirs(out, exist_ok=True)
    for n, data in sorted(seeds().items()):
        with open(os.path.join(out, n + ".bin"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
