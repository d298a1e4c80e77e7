#!/usr/bin/env python3
"""legacy-flood.py SERVER NAME COUNT SECONDS: send COUNT legacy unicast A queries for NAME (from an
ephemeral port, RFC 6762 §6.7) to SERVER:5353, spread evenly over SECONDS, and print how many
distinct queries were answered (replies are matched by ID) once a second of quiet has passed,
and how many whole seconds the sending took (rounded up: a slow machine takes longer)."""
import math, select, socket, struct, sys, time

server, name, count, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
qname = b"".join(bytes([len(l)]) + l.encode() for l in name.rstrip(".").split(".")) + b"\0"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
answered = set()

def drain(timeout):
    while True:
        r, _, _ = select.select([s], [], [], timeout)
        if not r:
            return
        data = s.recv(9000)
        if len(data) >= 12 and data[2] & 0x80 and struct.unpack("!H", data[6:8])[0] > 0:
            answered.add(struct.unpack("!H", data[:2])[0])
        timeout = 0

start = time.monotonic()
for k in range(count):
    s.sendto(struct.pack("!HHHHHH", k + 1, 0, 1, 0, 0, 0) + qname + struct.pack("!HH", 1, 1), (server, 5353))
    due = start + seconds * (k + 1) / count
    while time.monotonic() < due:
        drain(max(0.0, due - time.monotonic()))
sent = time.monotonic() - start
drain(1.0)
print(len(answered), math.ceil(sent))
