#!/usr/bin/python3
# dbus-hostile-clients.py: the clients of test-dbus-hostile-clients.sh (python3-dbus, no main
# loop: every call blocks). On the bus of DBUS_SYSTEM_BUS_ADDRESS:
#
#   crowd N OBJECTS ENTRIES CLIENTS   N clients at once (private connections, in 5 processes that
#                          hold them all open together): each makes entry groups and service
#                          browsers up to OBJECTS and one more (TooManyObjects); in its first
#                          group ENTRIES services and one more (TooManyEntries); 64 KB and 200 KB
#                          TXTs, and a list of invalid calls, each of which must get a named
#                          org.zeroconfd1 error (or InvalidArgs from the bus for a bad signature);
#                          every 4th client commits its first group. Expected: exactly CLIENTS
#                          clients get objects, the others TooManyClients.
#   churn CYCLES           CYCLES times: connect, EntryGroupNew, AddService, Commit (every 4th),
#                          ServiceBrowserNew + Start, then drop the connection without freeing
#                          anything.
#   ping                   one call (GetLinks): the daemon answers.
# Prints "ok ..." lines and "done ok" or "done failed"; exit 0 only if every expectation held.
import multiprocessing
import os
import sys
import time

import dbus

NAME = "org.zeroconfd1"
ROOT = "/org/zeroconfd1"
ERR = "org.zeroconfd1.Error."
ADDRESS = os.environ["DBUS_SYSTEM_BUS_ADDRESS"]


def connect():
    return dbus.bus.BusConnection(ADDRESS)


def manager(c):
    return dbus.Interface(c.get_object(NAME, ROOT, introspect=False), NAME + ".Manager")


def group(c, path):
    return dbus.Interface(c.get_object(NAME, path, introspect=False), NAME + ".EntryGroup")


def txt(items):
    return dbus.Array([dbus.ByteArray(t) for t in items], signature="ay")


def add_service(g, name, stype="_http._tcp", port=80, t=(b"a=1",), domain="", host="", iface=-1, proto=-1,
                flags=0):
    g.AddService(dbus.Int32(iface), dbus.Int32(proto), dbus.UInt32(flags), name, stype, domain, host,
                 dbus.UInt16(port), txt(t))


def error_of(fn):
    """None if fn succeeded, else the D-Bus error name."""
    try:
        fn()
    except dbus.exceptions.DBusException as e:
        return e.get_dbus_name() or "?"
    return None


def invalid_calls(c, g):
    """Calls that must fail with a named error: (what, fn, accepted error names)."""
    m = manager(c)
    zc = lambda *names: tuple(ERR + n for n in names)  # noqa: E731
    big64 = [bytes([65 + i % 26, 97 + i // 26 % 26]) + b"=" + b"v" * 252 for i in range(257)]  # 64 KB
    big200 = [b"k%05d=" % i + b"x" * 240 for i in range(830)]  # 200 KB
    calls = [
        ("64 KB TXT", lambda: add_service(g, "Big", t=big64), zc("InvalidTxt")),
        ("200 KB TXT", lambda: add_service(g, "Big", t=big200), zc("InvalidTxt")),
        ("one 300-octet TXT string", lambda: add_service(g, "Big", t=[b"k=" + b"x" * 298]), zc("InvalidTxt")),
        ("empty name", lambda: add_service(g, ""), zc("InvalidName")),
        ("64-octet name", lambda: add_service(g, "n" * 64), zc("InvalidName")),
        ("control character in name", lambda: add_service(g, "a\x01b"), zc("InvalidName")),
        ("bad type", lambda: add_service(g, "X", stype="http"), zc("InvalidServiceType")),
        ("bad type 2", lambda: add_service(g, "X", stype="_" + "h" * 16 + "._tcp"), zc("InvalidServiceType")),
        ("bad domain", lambda: add_service(g, "X", domain="a..b"), zc("InvalidDomain")),
        ("bad host", lambda: add_service(g, "X", host=".."), zc("InvalidHostName")),
        ("bad interface", lambda: add_service(g, "X", iface=123456), zc("InvalidInterface")),
        ("bad protocol", lambda: add_service(g, "X", proto=7), zc("InvalidProtocol")),
        ("bad flags", lambda: add_service(g, "X", flags=0xFFFFFFFF), zc("InvalidFlags")),
        ("AddAddress bad address", lambda: g.AddAddress(dbus.Int32(-1), dbus.Int32(-1), dbus.UInt32(0),
                                                         "h.local", "300.1.1.1"), zc("InvalidAddress")),
        ("AddRecord empty rdata A", lambda: g.AddRecord(dbus.Int32(-1), dbus.Int32(-1), dbus.UInt32(0), "h.local",
                                                        dbus.UInt16(1), dbus.UInt16(1), dbus.UInt32(120),
                                                        dbus.ByteArray(b"")), zc("InvalidRecord")),
        ("AddRecord 70 KB rdata", lambda: g.AddRecord(dbus.Int32(-1), dbus.Int32(-1), dbus.UInt32(0), "h.local",
                                                      dbus.UInt16(16), dbus.UInt16(1), dbus.UInt32(120),
                                                      dbus.ByteArray(b"\x05abcde" * 12000)), zc("InvalidRecord")),
        ("wrong signature", lambda: g.AddService("x"), ("org.zeroconfd1.Error.InvalidArgs",
                                                        "org.freedesktop.DBus.Error.InvalidArgs")),
        ("unknown method", lambda: g.Explode(), zc("UnknownMethod") + ("org.freedesktop.DBus.Error.UnknownMethod",)),
        ("SetHostName empty", lambda: m.SetHostName(""), zc("InvalidHostName", "AccessDenied")),
        ("GetAlternativeServiceName 300 octets", lambda: m.GetAlternativeServiceName("x" * 300), zc("InvalidName")),
        ("browser bad type", lambda: m.ServiceBrowserNew(dbus.Int32(-1), dbus.Int32(-1), "nope", "",
                                                          dbus.UInt32(0)), zc("InvalidServiceType")),
        ("resolver bad name", lambda: m.ServiceResolverNew(dbus.Int32(-1), dbus.Int32(-1), "", "_http._tcp", "",
                                                            dbus.Int32(-1), dbus.UInt32(0)), zc("InvalidName")),
        ("host resolver bad name", lambda: m.HostResolverNew(dbus.Int32(-1), dbus.Int32(-1), "a..b",
                                                              dbus.Int32(-1), dbus.UInt32(0)),
         zc("InvalidHostName", "InvalidName")),
        ("call on a path that is not ours", lambda: group(c, ROOT + "/client/999999/entrygroup/1").Commit(),
         zc("AccessDenied", "NotFound") + ("org.freedesktop.DBus.Error.UnknownObject",
                                           "org.freedesktop.DBus.Error.UnknownMethod")),
    ]
    return calls


def crowd_worker(index, clients, objects, entries, barrier, results):
    out = []
    conns = []
    n_served = n_refused = 0
    ok = True
    for k in range(clients):
        c = connect()
        conns.append(c)
        m = manager(c)
        first = error_of(lambda: m.GetLinks())
        if first is not None:
            out.append("FAIL client %d.%d: GetLinks: %s" % (index, k, first))
            ok = False
            continue
        paths = []
        err = None
        for i in range(objects + 1):
            try:
                if i % 2 == 0:
                    paths.append(m.EntryGroupNew())
                else:
                    paths.append(m.ServiceBrowserNew(dbus.Int32(-1), dbus.Int32(-1), "_c%d._tcp" % i, "",
                                                     dbus.UInt32(0)))
            except dbus.exceptions.DBusException as e:
                err = e.get_dbus_name()
                break
        if err == ERR + "TooManyClients" and not paths:
            n_refused += 1
            continue
        if len(paths) != objects or err != ERR + "TooManyObjects":
            out.append("FAIL client %d.%d: %d objects, then %s (expected %d, then TooManyObjects)" %
                       (index, k, len(paths), err, objects))
            ok = False
            continue
        n_served += 1
        g = group(c, paths[0])
        made = 0
        err = None
        for i in range(entries + 1):
            e = error_of(lambda: add_service(g, "S%d-%d-%d" % (index, k, i)))
            if e is None:
                made += 1
            else:
                err = e
                break
        if made != entries or err != ERR + "TooManyEntries":
            out.append("FAIL client %d.%d: %d entries, then %s (expected %d, then TooManyEntries)" %
                       (index, k, made, err, entries))
            ok = False
        g2 = group(c, paths[2])
        for what, fn, accepted in invalid_calls(c, g2):
            e = error_of(fn)
            if e not in accepted:
                out.append("FAIL client %d.%d: %s: got %s, expected one of %s" % (index, k, what, e, accepted))
                ok = False
        if k % 4 == 0:
            e = error_of(lambda: g.Commit())
            if e is not None:
                out.append("FAIL client %d.%d: Commit: %s" % (index, k, e))
                ok = False
    # every client of every worker is connected at once here
    barrier.wait(timeout=120)
    results.put((index, n_served, n_refused, ok, out))
    barrier.wait(timeout=120)
    for c in conns:
        c.close()


def cmd_crowd(args):
    n, objects, entries, clients_max = (int(a) for a in args)
    workers = 5
    barrier = multiprocessing.Barrier(workers + 1)
    results = multiprocessing.Queue()
    per = [n // workers + (1 if i < n % workers else 0) for i in range(workers)]
    t0 = time.monotonic()
    procs = [multiprocessing.Process(target=crowd_worker, args=(i, per[i], objects, entries, barrier, results))
             for i in range(workers)]
    for p in procs:
        p.start()
    barrier.wait(timeout=240)
    res = [results.get(timeout=30) for _ in procs]
    # while they all hold their connections: the daemon still answers a newcomer, who is refused
    c = connect()
    e = error_of(lambda: manager(c).EntryGroupNew())
    alive = error_of(lambda: manager(c).GetLinks()) is None
    c.close()
    barrier.wait(timeout=60)
    for p in procs:
        p.join(60)
    served = sum(r[1] for r in res)
    refused = sum(r[2] for r in res)
    ok = all(r[3] for r in res)
    for r in res:
        for line in r[4]:
            print(line)
    print("crowd: %d clients, %d served, %d refused with TooManyClients, in %.1f s" %
          (n, served, refused, time.monotonic() - t0))
    if served != clients_max or refused != n - clients_max:
        print("FAIL expected %d served and %d refused" % (clients_max, n - clients_max))
        ok = False
    else:
        print("ok the client limit: %d served, %d refused" % (served, refused))
    if e != ERR + "TooManyClients" or not alive:
        print("FAIL a newcomer while the crowd is connected: %s, answers: %s" % (e, alive))
        ok = False
    else:
        print("ok a newcomer gets TooManyClients and answers")
    print("done", "ok" if ok else "failed")
    return 0 if ok else 1


def cmd_churn(args):
    cycles = int(args[0])
    t0 = time.monotonic()
    ok = True
    for i in range(cycles):
        c = connect()
        m = manager(c)
        try:
            g = group(c, m.EntryGroupNew())
            add_service(g, "Churn %d" % i, t=[b"i=%d" % i, b"x=" + b"y" * 200])
            if i % 4 == 0:
                g.Commit()
            b = m.ServiceBrowserNew(dbus.Int32(-1), dbus.Int32(-1), "_churn._tcp", "", dbus.UInt32(0))
            dbus.Interface(c.get_object(NAME, b, introspect=False), NAME + ".ServiceBrowser").Start()
        except dbus.exceptions.DBusException as e:
            print("FAIL cycle %d: %s: %s" % (i, e.get_dbus_name(), e.get_dbus_message()))
            ok = False
        c.close()
    print("churn: %d cycles in %.1f s" % (cycles, time.monotonic() - t0))
    print("done", "ok" if ok else "failed")
    return 0 if ok else 1


def cmd_ping(args):
    manager(connect()).GetLinks()
    print("done ok")
    return 0


def main():
    cmds = {"crowd": cmd_crowd, "churn": cmd_churn, "ping": cmd_ping}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        print("usage: dbus-hostile-clients.py crowd N OBJECTS ENTRIES CLIENTS | churn CYCLES | ping",
              file=sys.stderr)
        return 2
    return cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
