#!/usr/bin/python3
# bench.py — helpers of tests/bench/run.sh (a benchmark, never part of make check).
#
#   publish API N TYPE PREFIX      API is zeroconfd (org.zeroconfd1) or avahi (org.freedesktop.Avahi).
#                                  Makes N entry groups of one service each ("PREFIX-i" TYPE port
#                                  9000+i), then commits them all; prints "commit T" (wall time of the
#                                  first Commit), "established T" (when the last group reached
#                                  established) and "ready"; then keeps them published until it is
#                                  killed.
#   browse TYPE ADDR               python-zeroconf ServiceBrowser on ADDR: prints "add T NAME" for
#                                  each instance reported (wall time).
#   count-resolved N TIMEOUT CMD.. runs CMD (a browser printing one line starting with "=" per resolved
#                                  instance); prints "start T", "t900 T" at the 900th, "done T COUNT"
#                                  at the N-th (or at the timeout, with the count seen); kills CMD.
#   pcap-host PCAP NAME            first probe and first announcement of NAME.local on the wire:
#                                  "probe T", "announce T" (pcap timestamps, wall time; - if none)
#   pcap-service PCAP INSTANCE     same for a service instance label (probe: a question for
#                                  INSTANCE.*, announce: a response with INSTANCE.* in the answers)
#   pcap-announced PCAP SRC T0 PREFIX N   when the SRV of every PREFIX-i (i < N) had been in a
#                                  response of SRC after T0: "announced T COUNT"
#   pcap-count PCAP SRC T0 T1      mDNS packets sent by SRC between T0 and T1: "packets N bytes B
#                                  payload P bound K" (bytes: Ethernet frames; payload: DNS
#                                  messages; bound: sum over bursts — packets less than 100 ms apart —
#                                  of ceil(DNS bytes of the burst / 1472): the fewest 1500-byte packets
#                                  that could carry the same records at the same moments)
#   stat PID                       "cpu SECONDS rss KB anon KB" from /proc/PID/stat (utime+stime)
#                                  and /proc/PID/status (VmRSS, RssAnon)
#   median|summary V...            helpers for the table
import math
import os
import socket
import struct
import subprocess
import sys
import time


def out(*a):
    sys.stdout.write(" ".join(str(x) for x in a) + "\n")
    sys.stdout.flush()


# ---- pcap + DNS ------------------------------------------------------------------------------

def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = struct.unpack("<I", data[:4])[0]
    if magic == 0xa1b2c3d4:
        e, scale = "<", 1e-6
    elif magic == 0xa1b23c4d:
        e, scale = "<", 1e-9
    elif magic == 0xd4c3b2a1:
        e, scale = ">", 1e-6
    else:
        e, scale = ">", 1e-9
    linktype = struct.unpack(e + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        pkt = data[off:off + incl]
        off += incl
        yield sec + frac * scale, orig, linktype, pkt


def udp_of(linktype, pkt):
    """(src, sport, dport, payload) of an IPv4 UDP packet, or None."""
    if linktype == 1:
        if len(pkt) < 14 or pkt[12:14] != b"\x08\x00":
            return None
        ip = pkt[14:]
    elif linktype == 113:  # Linux cooked
        if len(pkt) < 16 or pkt[14:16] != b"\x08\x00":
            return None
        ip = pkt[16:]
    else:
        return None
    if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
        return None
    ihl = (ip[0] & 15) * 4
    src = socket.inet_ntoa(ip[12:16])
    udp = ip[ihl:]
    if len(udp) < 8:
        return None
    sport, dport = struct.unpack("!HH", udp[:4])
    return src, sport, dport, udp[8:]


def read_name(msg, off, depth=0):
    labels = []
    jumped = False
    end = off
    for _ in range(128):
        if off >= len(msg):
            raise ValueError("name")
        n = msg[off]
        if n == 0:
            off += 1
            break
        if n & 0xC0 == 0xC0:
            if not jumped:
                end = off + 2
            off = ((n & 0x3F) << 8) | msg[off + 1]
            jumped = True
            continue
        labels.append(msg[off + 1:off + 1 + n].decode("utf-8", "replace"))
        off += 1 + n
    if not jumped:
        end = off
    return ".".join(labels), end


def parse_dns(msg):
    """(is_response, questions [(name, type)], answers [(name, type)], n_authority)"""
    if len(msg) < 12:
        return None
    _id, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", msg[:12])
    off = 12
    qs, ans = [], []
    try:
        for _ in range(qd):
            name, off = read_name(msg, off)
            t, _c = struct.unpack("!HH", msg[off:off + 4])
            off += 4
            qs.append((name.lower(), t))
        for _ in range(an):
            name, off = read_name(msg, off)
            t, _c, _ttl, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
            off += 10 + rdlen
            ans.append((name.lower(), t))
    except (ValueError, IndexError, struct.error):
        pass
    return bool(flags & 0x8000), qs, ans, ns


def mdns_packets(path):
    for ts, orig, lt, pkt in read_pcap(path):
        u = udp_of(lt, pkt)
        if not u or u[2] != 5353 or u[1] != 5353:
            continue
        d = parse_dns(u[3])
        if d:
            yield ts, orig, u[0], u[3], d


def cmd_pcap_host(path, name):
    name = (name + ".local").lower()
    probe = announce = None
    for ts, _o, _src, _m, (resp, qs, ans, ns) in mdns_packets(path):
        if probe is None and not resp and ns and any(q[0] == name for q in qs):
            probe = ts
        if announce is None and resp and any(a[0] == name and a[1] == 1 for a in ans):
            announce = ts
    out("probe", "%.6f" % probe if probe else "-")
    out("announce", "%.6f" % announce if announce else "-")


def cmd_pcap_service(path, inst):
    inst = inst.lower() + "."
    probe = announce = None
    for ts, _o, _src, _m, (resp, qs, ans, ns) in mdns_packets(path):
        if probe is None and not resp and ns and any(q[0].startswith(inst) for q in qs):
            probe = ts
        if announce is None and resp and any(a[0].startswith(inst) for a in ans):
            announce = ts
    out("probe", "%.6f" % probe if probe else "-")
    out("announce", "%.6f" % announce if announce else "-")


def cmd_pcap_announced(path, src, t0, prefix, n):
    """when every instance PREFIX-i (i < n) was first in a response of src after t0"""
    t0, n, prefix = float(t0), int(n), prefix.lower() + "-"
    seen = set()
    for ts, _o, s, _m, (resp, _qs, ans, _ns) in mdns_packets(path):
        if s != src or ts < t0 or not resp:
            continue
        for name, t in ans:
            if t == 33 and name.startswith(prefix):
                seen.add(name)
        if len(seen) >= n:
            out("announced", "%.6f" % ts, len(seen))
            return
    out("announced", "-", len(seen))


def cmd_pcap_count(path, src, t0, t1):
    t0, t1 = float(t0), float(t1)
    n = nbytes = payload = bound = 0
    burst_bytes = 0
    last = None
    for ts, orig, s, msg, _d in mdns_packets(path):
        if s != src or ts < t0 or ts > t1:
            continue
        n += 1
        nbytes += orig
        payload += len(msg)
        if last is not None and ts - last > 0.1:
            bound += math.ceil(burst_bytes / 1472)
            burst_bytes = 0
        burst_bytes += len(msg)
        last = ts
    bound += math.ceil(burst_bytes / 1472)
    out("packets", n, "bytes", nbytes, "payload", payload, "bound", bound)


# ---- D-Bus publisher -------------------------------------------------------------------------

def cmd_publish(api, n, stype, prefix):
    import dbus
    import dbus.mainloop.glib
    from gi.repository import GLib

    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.SystemBus()
    n = int(n)
    if api == "avahi":
        bname, root, mgr_if, grp_if = "org.freedesktop.Avahi", "/", "org.freedesktop.Avahi.Server", \
            "org.freedesktop.Avahi.EntryGroup"
    else:
        bname, root, mgr_if, grp_if = "org.zeroconfd1", "/org/zeroconfd1", "org.zeroconfd1.Manager", \
            "org.zeroconfd1.EntryGroup"
    mgr = dbus.Interface(bus.get_object(bname, root, introspect=False), mgr_if)
    groups = []
    established = set()
    loop = GLib.MainLoop()
    done = {}

    def on_state(state, *rest, path=None):
        ok = (state == 2) if api == "avahi" else (str(state) == "established")
        bad = (state in (3, 4)) if api == "avahi" else (str(state) in ("collision", "failure"))
        if bad:
            out("failed", path, state)
        if ok and path not in established:
            established.add(path)
            if len(established) == n:
                done["t"] = time.time()
                loop.quit()

    bus.add_signal_receiver(on_state, signal_name="StateChanged", dbus_interface=grp_if, path_keyword="path")
    for i in range(n):
        path = mgr.EntryGroupNew()
        g = dbus.Interface(bus.get_object(bname, path, introspect=False), grp_if)
        txt = dbus.Array([dbus.ByteArray(b"path=/bench/%d" % i)], signature="ay")
        g.AddService(dbus.Int32(-1), dbus.Int32(0 if api == "avahi" else -1), dbus.UInt32(0),
                     "%s-%d" % (prefix, i), stype, "", "", dbus.UInt16(9000 + i % 50000), txt)
        groups.append(g)
    pending = [0]

    def reply(*a):
        pending[0] -= 1

    def error(e):
        pending[0] -= 1
        out("error", e)

    t = time.time()
    for g in groups:
        pending[0] += 1
        g.Commit(reply_handler=reply, error_handler=error)
    out("commit", "%.6f" % t)
    GLib.timeout_add(120000, loop.quit)
    loop.run()
    out("established", "%.6f" % done["t"] if "t" in done else "-", len(established))
    out("ready")
    # keep the groups until killed (leaving the bus withdraws them)
    import signal
    while True:
        signal.pause()


# ---- browsers --------------------------------------------------------------------------------

def cmd_browse(stype, addr):
    from zeroconf import IPVersion, ServiceBrowser, ServiceStateChange, Zeroconf

    def handler(zeroconf, service_type, name, state_change):
        if state_change is ServiceStateChange.Added:
            out("add", "%.6f" % time.time(), name)

    zc = Zeroconf(interfaces=[addr], ip_version=IPVersion.V4Only)
    ServiceBrowser(zc, stype, handlers=[handler])
    out("started", "%.6f" % time.time())
    try:
        while True:
            time.sleep(1)
    finally:
        zc.close()


def cmd_count_resolved(n, timeout, cmd):
    n, timeout = int(n), float(timeout)
    t0 = time.time()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
    out("start", "%.6f" % t0)
    seen = set()
    import select
    buf = b""
    deadline = t0 + timeout
    while len(seen) < n and time.time() < deadline:
        r, _, _ = select.select([p.stdout], [], [], 0.5)
        if not r:
            if p.poll() is not None:
                break
            continue
        chunk = os.read(p.stdout.fileno(), 65536)
        if not chunk:
            break
        buf += chunk
        *lines, buf = buf.split(b"\n")
        for line in lines:
            if line.startswith(b"="):
                # zeroconfctl: "= eth0 IPv4 NAME TYPE local"; avahi-browse -p: "=;eth0;IPv4;NAME;..."
                seen.add(line.split(b";")[3] if b";" in line else line)
                if len(seen) == 900:
                    out("t900", "%.6f" % time.time())
                if len(seen) % 100 == 0:
                    out("progress", "%.3f" % (time.time() - t0), len(seen))
                if len(seen) >= n:
                    break
    t1 = time.time()
    p.kill()
    p.wait()
    out("done", "%.6f" % t1, len(seen))


def cmd_stat(pid):
    with open("/proc/%s/stat" % pid) as f:
        st = f.read()
    fields = st[st.rindex(")") + 2:].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    rss = anon = 0
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            if line.startswith("RssAnon:"):
                anon = int(line.split()[1])
    out("cpu", "%.2f" % cpu, "rss", rss, "anon", anon)


def main():
    a = sys.argv[1:]
    if not a:
        sys.exit("usage: see the head of this file")
    c, args = a[0], a[1:]
    if c == "publish":
        cmd_publish(*args)
    elif c == "browse":
        cmd_browse(*args)
    elif c == "count-resolved":
        cmd_count_resolved(args[0], args[1], args[2:])
    elif c == "pcap-host":
        cmd_pcap_host(*args)
    elif c == "pcap-service":
        cmd_pcap_service(*args)
    elif c == "pcap-announced":
        cmd_pcap_announced(*args)
    elif c == "pcap-count":
        cmd_pcap_count(*args)
    elif c == "stat":
        cmd_stat(*args)
    else:
        sys.exit("unknown command " + c)


if __name__ == "__main__":
    main()
