#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes the seed corpus of fuzz-packet: small mDNS packets, valid and invalid.

Usage: gen-packet-corpus.py [DIR]   (default: corpus/packet next to this script)
The files are committed; run this again only to change them.
"""
import os
import struct
import sys

QU = CF = 0x8000
A, NS, CNAME, SOA, PTR, HINFO, MX, TXT, AAAA, SRV, OPT, NSEC, ANY = (
    1, 2, 5, 6, 12, 13, 15, 16, 28, 33, 41, 47, 255)


def name(text):
    out = b""
    for label in text.split(".") if text else []:
        raw = label.encode()
        out += bytes([len(raw)]) + raw
    return out + b"\0"


def ptr(offset):
    return struct.pack(">H", 0xC000 | offset)


def header(qd=0, an=0, ns=0, ar=0, flags=0x8400, id=0):
    return struct.pack(">HHHHHH", id, flags, qd, an, ns, ar)


def question(owner, qtype, qclass=1):
    return owner + struct.pack(">HH", qtype, qclass)


def rr(owner, rtype, rdata, rclass=1, ttl=120):
    return owner + struct.pack(">HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def nsec_bitmap(types):
    windows = {}
    for t in types:
        windows.setdefault(t >> 8, set()).add(t & 0xFF)
    out = b""
    for w in sorted(windows):
        bits = bytearray(max(windows[w]) // 8 + 1)
        for b in windows[w]:
            bits[b // 8] |= 0x80 >> (b % 8)
        out += bytes([w, len(bits)]) + bytes(bits)
    return out


def packets():
    host = name("host.local")  # at 12 when first
    svc = name("_ipp._tcp.local")
    p = {}

    # RFC 6762 §5.4 query with a QU question and a known answer (compressed rdata)
    p["query-qu-known-answer"] = (
        header(qd=2, an=1, flags=0) + question(svc, PTR, 1 | QU)
        + question(b"\4host" + ptr(22), A)
        + rr(ptr(12), PTR, b"\x0aMy Printer" + ptr(12), ttl=4500))

    # a full service response, compressed in owner names and rdata
    inst = b"\x0aMy Printer" + ptr(12)
    body = rr(svc, PTR, inst, ttl=4500)          # instance name at 12+17+10 = 39
    body += rr(ptr(39), SRV, struct.pack(">HHH", 0, 0, 631) + b"\4host" + ptr(22), CF | 1)
    body += rr(ptr(39), TXT, b"\x09txtvers=1\x13pdl=application/pdf", CF | 1, 4500)
    p["response-service"] = header(an=3) + body

    # A, AAAA, HINFO, NSEC (compressed next name), CNAME, unknown type
    body = rr(host, A, bytes([169, 254, 3, 4]), CF | 1)
    body += rr(ptr(12), AAAA, bytes.fromhex("fe800000000000000000000000000001"), CF | 1)
    body += rr(ptr(12), HINFO, b"\6X86_64\5LINUX", CF | 1)
    body += rr(ptr(12), NSEC, ptr(12) + nsec_bitmap([A, AAAA, HINFO]), CF | 1)
    body += rr(b"\3www" + ptr(17), CNAME, ptr(12))
    body += rr(ptr(12), 65280, b"\xc0\x0c\x01\x02")
    p["response-host"] = header(an=6) + body

    # §8.1 probe: QU ANY question, proposed records in Authority
    p["probe"] = (header(qd=1, ns=2, flags=0) + question(host, ANY, 1 | QU)
                  + rr(ptr(12), A, bytes([169, 254, 3, 4]))
                  + rr(ptr(12), AAAA, bytes(15) + b"\1"))

    # §10.1 goodbye
    p["goodbye"] = header(an=1) + rr(svc, PTR, inst, ttl=0)

    # §6.7 legacy unicast query (nonzero id), and §6.1 NSEC negative answer with many windows
    p["legacy-unicast-query"] = header(qd=1, flags=0x0100, id=0x5a5a) + question(host, AAAA)
    p["nsec-windows"] = header(an=1) + rr(host, NSEC, name("host.local") + nsec_bitmap(
        [A, TXT, AAAA, SRV, NSEC, 256, 1000, 65280, 65535]), CF | 1)

    # empty TXT (RFC 6763 §6.1 reads it as one empty string), EDNS0 OPT, TC query
    p["txt-empty"] = header(an=1) + rr(name("x.local"), TXT, b"")
    p["edns-opt"] = header(qd=1, ar=1, flags=0) + question(host, A) + rr(b"\0", OPT, b"\0\4\0\2ab", 1440, 0)
    p["tc-query"] = header(qd=1, an=1, flags=0x0200) + question(svc, PTR) + rr(ptr(12), PTR, inst)

    # MX and SOA: names in rdata of RFC 1035 types
    soa = ptr(12) + b"\4root" + ptr(12) + struct.pack(">IIIII", 1, 2, 3, 4, 5)
    p["mx-soa"] = header(an=2) + rr(name("example.local"), MX, b"\0\12" + ptr(12)) + rr(ptr(12), SOA, soa)

    # invalid ones: each rejected for one reason
    p["bad-pointer-loop"] = header(qd=1, flags=0) + b"\1a" + ptr(12) + b"\0\1\0\1"
    p["bad-forward-pointer"] = (header(qd=2, flags=0) + b"\1a" + ptr(20) + b"\0\1\0\1"
                                + b"\1b\0\0\1\0\1")
    p["bad-label-0x40"] = header(qd=1, flags=0) + b"\x40" + b"x" * 64 + b"\0\0\1\0\1"
    p["bad-name-too-long"] = header(qd=1, flags=0) + (b"\x3f" + b"n" * 63) * 4 + b"\0\0\1\0\1"
    p["bad-a-length"] = header(an=1) + rr(host, A, b"\1\2\3")
    p["bad-hinfo-three"] = header(an=1) + rr(host, HINFO, b"\1a\1b\1c")
    p["bad-nsec-window"] = header(an=1) + rr(host, NSEC, ptr(12) + b"\1\1\1\0\1\1")
    p["bad-counts"] = header(qd=0xFFFF, an=0xFFFF, flags=0) + question(host, A)
    p["bad-truncated"] = (header(an=1) + rr(host, SRV, struct.pack(">HHH", 0, 0, 1) + name("t.local")))[:-3]
    return p


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus", "packet")
    os.makedirs(out, exist_ok=True)
    for key, data in sorted(packets().items()):
        with open(os.path.join(out, key + ".bin"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
