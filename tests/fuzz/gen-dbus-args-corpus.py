#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Writes the seed corpus of fuzz-dbus-args (tests/fuzz/corpus/dbus-args/): one file per argument
# kind (the first octet picks the check, see fuzz-dbus-args.c), and whole method calls of
# org.zeroconfd1 marshalled as a client sends them (kind 7). Run from anywhere; rewrites the folder.
import os
import struct
import sys

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "dbus-args")


class W:
    """A little-endian D-Bus marshaller, enough for the method calls of org.zeroconfd1."""

    def __init__(self, start=0):
        self.b = bytearray()
        self.start = start

    def pad(self, n):
        while (self.start + len(self.b)) % n:
            self.b.append(0)

    def put(self, sig, v):
        if sig == "y":
            self.b.append(v & 0xff)
        elif sig == "q":
            self.pad(2)
            self.b += struct.pack("<H", v)
        elif sig in ("i", "u", "b"):
            self.pad(4)
            self.b += struct.pack("<i" if sig == "i" else "<I", v)
        elif sig in ("s", "o"):
            e = v.encode() if isinstance(v, str) else v
            self.pad(4)
            self.b += struct.pack("<I", len(e)) + e + b"\0"
        elif sig == "g":
            e = v.encode()
            self.b += bytes([len(e)]) + e + b"\0"
        elif sig.startswith("a"):
            el = sig[1:]
            self.pad(4)
            at = len(self.b)
            self.b += b"\0\0\0\0"
            align = {"y": 1, "i": 4, "u": 4, "s": 4, "o": 4, "g": 1}.get(el[0], 4)
            if el[0] == "(":
                align = 8
            self.pad(align)
            begin = len(self.b)
            for x in v:
                if el.startswith("("):
                    self.pad(8)
                    for s, y in zip(split_sig(el[1:-1]), x):
                        self.put(s, y)
                else:
                    self.put(el, x)
            struct.pack_into("<I", self.b, at, len(self.b) - begin)
        elif sig == "v":
            s, y = v
            self.put("g", s)
            self.put(s, y)
        else:
            raise ValueError(sig)


def split_sig(sig):
    out, i = [], 0
    while i < len(sig):
        j = i
        while sig[j] == "a":
            j += 1
        if sig[j] == "(":
            depth = 0
            while True:
                depth += sig[j] == "("
                depth -= sig[j] == ")"
                j += 1
                if depth == 0:
                    break
        else:
            j += 1
        out.append(sig[i:j])
        i = j
    return out


def message(path, iface, member, sig, args, serial=7):
    body = W()
    for s, v in zip(split_sig(sig), args):
        body.put(s, v)
    fields = [(1, ("o", path)), (2, ("s", iface)), (3, ("s", member)), (6, ("s", "org.zeroconfd1"))]
    if sig:
        fields.append((8, ("g", sig)))
    h = W()
    h.b += b"l" + bytes([1, 0, 1]) + struct.pack("<II", len(body.b), serial)
    h.put("a(yv)", fields)
    h.pad(8)
    return bytes(h.b) + bytes(body.b)


EG = "org.zeroconfd1.EntryGroup"
MGR = "org.zeroconfd1.Manager"
TXT = [b"path=/", b"flag", b"bin=\x00\xff"]
seeds = {
    "host-plain": b"\x00alpha",
    "host-local": b"\x00alpha.local.",
    "host-dot": b"\x00a.b.local",
    "host-utf8": b"\x00h\xc3\xa9te",
    "host-long": b"\x00" + b"h" * 70,
    "domain-local": b"\x01local",
    "domain-escape": b"\x01a\\.b\\032c.local.",
    "domain-long": b"\x01" + b"abcdefghij." * 30,
    "instance": b"\x02My Printer (2)",
    "instance-ctl": b"\x02bad\x01name",
    "instance-c1": b"\x02bad\xc2\x85name",
    "instance-63": b"\x02" + "é".encode() * 31 + b"x",
    "type": b"\x03_http._tcp",
    "type-sub": b"\x03_printer._sub._http._tcp",
    "type-bad": b"\x03_-x-._udp",
    "txt": b"\x04" + b"".join(bytes([len(t)]) + t for t in TXT),
    "txt-dup": b"\x04\x03a=1\x03A=2",
    "txt-long": b"\x04\xffk",
    "txt-empty": b"\x04\x00",
    "rdata-a": b"\x05\x00\x01\x0a\x00\x00\x01",
    "rdata-srv": b"\x05\x00\x21\x00\x00\x00\x00\x00\x50\x04host\x05local\x00",
    "rdata-txt": b"\x05\x00\x10\x03a=b\x00",
    "rdata-ptr-loop": b"\x05\x00\x0c\xc0\x00",
    "ints": b"\x06" + struct.pack("<ii", -1, 1),
    "ints-bad": b"\x06" + struct.pack("<ii", 0x7fffffff, 2),
    "msg-add-service": b"\x07" + message("/org/zeroconfd1/client/1/entrygroup/1", EG, "AddService", "iiussssqaay",
                                          [-1, -1, 0, "Web", "_http._tcp", "", "", 80, TXT]),
    "msg-add-service-bad": b"\x07" + message("/org/zeroconfd1/client/1/entrygroup/1", EG, "AddService",
                                              "iiussssqaay"[:-4] + "aay",
                                              [7, 9, 0xffff, "a\x7fb", "_x_._tcp", "..", "h.i.j", [b"=v", b""]]),
    "msg-add-address": b"\x07" + message("/org/zeroconfd1/client/1/entrygroup/1", EG, "AddAddress", "iiuss",
                                          [-1, 0, 0, "alpha.local", "10.0.0.1"]),
    "msg-add-record": b"\x07" + message("/org/zeroconfd1/client/1/entrygroup/1", EG, "AddRecord", "iiusqqqay",
                                         [-1, -1, 0, "x.local", 1, 1, 120, b"\x0a\x00\x00\x01"]),
    "msg-browser": b"\x07" + message("/org/zeroconfd1", MGR, "ServiceBrowserNew", "iissu",
                                      [-1, -1, "_http._tcp", "local", 0]),
    "msg-resolver": b"\x07" + message("/org/zeroconfd1", MGR, "ServiceResolverNew", "iisssiu",
                                       [-1, -1, "Web", "_http._tcp", "local", -1, 0]),
    "msg-set-host-name": b"\x07" + message("/org/zeroconfd1", MGR, "SetHostName", "s", ["bravo"]),
}

os.makedirs(out, exist_ok=True)
for f in os.listdir(out):
    os.unlink(os.path.join(out, f))
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"{len(seeds)} seeds in {out}", file=sys.stderr)
