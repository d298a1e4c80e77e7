#!/usr/bin/python3
# table.py RESULTS RUNS — the table of tests/bench/run.sh: medians of the figures each round
# recorded (lines "DAEMON FIGURE VALUE"), zeroconfd against Avahi, with the issue #10 targets.
import statistics
import sys
from collections import defaultdict

vals = defaultdict(list)
with open(sys.argv[1]) as f:
    for line in f:
        p = line.split()
        if len(p) == 3:
            try:
                vals[(p[0], p[1])].append(float(p[2]))
            except ValueError:
                pass
runs = sys.argv[2]


def med(d, k):
    v = vals.get((d, k))
    return statistics.median(v) if v else None


def n_of(d, k):
    return len(vals.get((d, k), []))


def fmt(x, unit=""):
    if x is None:
        return "-"
    if abs(x) >= 100:
        s = "%.0f" % x
    elif abs(x) >= 10:
        s = "%.1f" % x
    else:
        s = "%.2f" % x
    return s + unit


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "-"
    return "%.2f" % (a / b)


def yes(c):
    return "-" if c is None else ("yes" if c else "NO")


rows = []


def row(fig, z, a, target, met, unit="", r=None):
    rows.append((fig, fmt(z, unit), fmt(a, unit), ratio(z, a) if r is None else r, target, yes(met)))


Z, A = "zeroconfd", "avahi"
z, a = med(Z, "start_ms"), med(A, "start_ms")
zo, ao = med(Z, "start_over_ms"), med(A, "start_over_ms")
row("start -> host name announced (ms)", z, a, "RFC floor + <= 20 ms", None if zo is None else zo <= 20)
row("  of which over the RFC floor (ms)", zo, ao, "<= 20 ms", None if zo is None else zo <= 20, r="-")
z, a = med(Z, "publish_ms"), med(A, "publish_ms")
zo, ao = med(Z, "publish_over_ms"), med(A, "publish_over_ms")
row("publish (commit) -> remote browser (ms)", z, a, "RFC floor + <= 20 ms", None if zo is None else zo <= 20)
row("  of which over the RFC floor (ms)", zo, ao, "<= 20 ms", None if zo is None else zo <= 20, r="-")
z, a = med(Z, "est1000_s"), med(A, "est1000_s")
row("1,000 services: commit -> established on D-Bus (s)", z, a, "-", None)
z, a = med(Z, "ann1000_s"), med(A, "ann1000_s")
row("1,000 services: commit -> all announced on the wire (s)", z, a, "-", None)
z, a = med(Z, "cpu1000_s"), med(A, "cpu1000_s")
row("1,000 services: CPU seconds", z, a, "<= 1/5 of Avahi", None if z is None or a is None else z <= a / 5)
z, a = med(Z, "rss_idle_kb"), med(A, "rss_idle_kb")
z, a = (z / 1024 if z else None), (a / 1024 if a else None)
row("RSS idle (MB)", z, a, "<= 1/2 of Avahi", None if z is None or a is None else z <= a / 2)
z, a = med(Z, "anon_idle_kb"), med(A, "anon_idle_kb")
row("  of which anonymous (heap, stacks; MB)", z and z / 1024, a and a / 1024, "-", None)
z, a = med(Z, "rss1000_kb"), med(A, "rss1000_kb")
z, a = (z / 1024 if z else None), (a / 1024 if a else None)
row("RSS with 1,000 services (MB)", z, a, "<= 1/2 of Avahi", None if z is None or a is None else z <= a / 2)
z, a = med(Z, "anon1000_kb"), med(A, "anon1000_kb")
row("  of which anonymous (MB)", z and z / 1024, a and a / 1024, "-", None)
z, a, e = med(Z, "qps_unlimited"), med(A, "qps_unlimited"), med("echo", "qps_unlimited")
met = None
if z is not None and a is not None:
    met = z >= 5 * a or (e is not None and z >= 0.8 * e)
row("legacy unicast answers/s, no rate limit", z, a, ">= 5x Avahi or >= 80% of echo", met)
row("  ceiling: UDP echo server (answers/s)", e, None, "-", None, r="%.2f" % (z / e) if z and e else "-")
row("  daemon CPU % of a core", med(Z, "cpu_unlimited"), med(A, "cpu_unlimited"), "-", None)
row("  echo server CPU % of a core", med("echo", "cpu_unlimited"), None, "-", None, r="-")
z, a = med(Z, "qps_limited"), med(A, "qps_limited")
# zeroconfd's default legacy-unicast-rate-limit is 1000 queries/s (Avahi's: 1000 packets/s)
row("legacy unicast answers/s, default config, 5k/s offered", z, a, "what the limit allows (1000/s)",
    None if z is None else 900 <= z <= 1050)
zc, ac = med(Z, "cpu_limited"), med(A, "cpu_limited")
row("  daemon CPU % of a core", zc, ac, "< 5 %", None if zc is None else zc < 5)
z, a = med(Z, "pkts100"), med(A, "pkts100")
zb, ab = med(Z, "bound100"), med(A, "bound100")
row("100 services: mDNS packets", z, a, "<= Avahi, <= 1.1 x bound",
    None if z is None or a is None or zb is None else z <= a and z <= 1.1 * zb)
row("  packing bound (packets)", zb, ab, "-", None)
z, a = med(Z, "bytes100"), med(A, "bytes100")
row("100 services: bytes (frames)", z, a, "<= Avahi", None if z is None or a is None else z <= a)
z, a = med(Z, "browse1000_s"), med(A, "browse1000_s")
row("browse 1,000 remote services: all resolved (s)", z, a, "<= 1/2 of Avahi",
    None if z is None or a is None else z <= a / 2 and (med(Z, "browse1000_n") or 0) >= 1000)
z, a = med(Z, "browse900_s"), med(A, "browse900_s")
row("  the first 900 resolved (s)", z, a, "-", None)
zn, an = med(Z, "browse1000_n"), med(A, "browse1000_n")
if (zn is not None and zn < 1000) or (an is not None and an < 1000):
    row("  resolved within the time limit (of 1,000)", zn, an, "1000 (else the time is the limit)", None)
z, a = med(Z, "ipv4ll_s"), med(A, "ipv4ll_s")
row("IPv4LL start -> address bound (s; Avahi: avahi-autoipd)", z, a, "4-7 s, median ~5.5",
    None if z is None else 4 <= z <= 7)

counts = sorted(set(n_of(d, k) for (d, k) in vals))
print()
print("zeroconfd vs Avahi (avahi-daemon %s) — median of %s run(s) each (samples per figure: %s)" %
      ("0.8", runs, ",".join(str(c) for c in counts)))
hdr = ("figure", "zeroconfd", "Avahi", "ratio", "target", "met?")
w = [max(len(r[i]) for r in rows + [hdr]) for i in range(6)]
line = "| " + " | ".join(h.ljust(w[i]) for i, h in enumerate(hdr)) + " |"
print(line)
print("|" + "|".join("-" * (x + 2) for x in w) + "|")
for r in rows:
    print("| " + " | ".join(c.ljust(w[i]) for i, c in enumerate(r)) + " |")
