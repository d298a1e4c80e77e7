#!/usr/bin/python3
# nss-storm.py SOCKET NAME SECONDS: hostile clients on zeroconfd's NSS socket (NAME: a name
# that resolves, for the requests that hang up before their reply).
#
# The hostile ones, all at once, for SECONDS:
#   - half-open: connect and send nothing, 300 at a time (more than nss-clients-max), renewed;
#   - garbage: random bytes, with and without a newline; lines over the size limit; a NUL;
#   - hang-ups: a request, then close without reading; connect and close at once;
#   - slow: a request dribbled a byte at a time;
#   - silent readers: a valid request, then never read the reply.
# Prints the number of hostile connections made.
import os
import random
import socket
import sys
import threading
import time

path, name, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
stop = time.monotonic() + seconds
rng = random.Random(7)
counts = {"hostile": 0}
lock = threading.Lock()


def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    return s


def count(key, n=1):
    with lock:
        counts[key] += n


def half_open():
    held = []
    while time.monotonic() < stop:
        try:
            held.append(connect())
        except OSError:
            time.sleep(0.01)
        if len(held) > 300:
            held.pop(0).close()
        count("hostile")
    for s in held:
        s.close()


def garbage():
    while time.monotonic() < stop:
        kind = rng.randrange(7)
        try:
            s = connect()
            if kind == 0:
                s.sendall(os.urandom(rng.randrange(1, 600)))
            elif kind == 1:
                s.sendall(os.urandom(rng.randrange(1, 100)) + b"\n")
            elif kind == 2:
                s.sendall(b"NAME 4 " + b"a" * 5000)
            elif kind == 3:
                s.sendall(b"NAME 4 a\0b.local\n")
            elif kind == 4:
                s.sendall(("NAME * %s\n" % name).encode())  # and hang up before the reply
            elif kind == 5:
                pass  # connect, close
            else:
                s.sendall(b"NAME 4 x.local\nNAME 4 y.local\n")  # two requests
            s.close()
        except OSError:
            time.sleep(0.005)
        count("hostile")


def slow():
    while time.monotonic() < stop:
        try:
            s = connect()
            for b in ("NAME 4 %s\n" % name).encode():
                s.send(bytes([b]))
                time.sleep(0.05)
            s.close()
        except OSError:
            pass
        count("hostile")


def silent():
    held = []
    while time.monotonic() < stop:
        try:
            s = connect()
            s.sendall(b"NAME 4 nobody-here.local\n")
            held.append(s)
        except OSError:
            pass
        if len(held) > 50:
            held.pop(0).close()
        count("hostile")
        time.sleep(0.01)
    for s in held:
        s.close()


threads = [threading.Thread(target=f) for f in (half_open, half_open, garbage, garbage, slow, silent)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("hostile connections: %d" % counts["hostile"])
