#!/usr/bin/python3
# dbus-client.py: a client of zeroconfd's D-Bus API (org.zeroconfd1) for the LAN tests, on the
# bus of DBUS_SYSTEM_BUS_ADDRESS (lan_exec sets it). One line per event on stdout.
#
#   publish NAME TYPE PORT [TXT...]  EntryGroupNew, AddService (a TXT argument sub:LABEL is a
#                                    subtype: AddServiceSubtype), Commit; prints "path P" and every
#                                    "state S ALT"; then reads commands on stdin: "free" (Free(),
#                                    prints "freed"), "exit" (leaves the bus without cleaning up),
#                                    "txt K=V..." (UpdateServiceTxt, prints "txt-updated")
#   address NAME ADDR [FLAGS]        EntryGroupNew, AddAddress, Commit; then as publish
#   intrude PATH SECONDS             as another client: every call on PATH must fail with
#                                    AccessDenied ("denied M" each); then counts the signals of
#                                    org.zeroconfd1 it receives for SECONDS ("signals N")
#   hostile                          the Avahi-CVE-class inputs and other bad arguments: prints
#                                    "ok CALL ERROR" for each named error as expected, "FAIL ..."
#                                    otherwise
#   limits OBJECTS ENTRIES           OBJECTS groups succeed, one more is TooManyObjects; ENTRIES
#                                    services succeed in a group, one more is TooManyEntries
#   props                            prints Manager and Link properties
#   watch-links                      prints every Link DadFailed signal ("dadfailed PATH ADDR") and
#                                    PropertiesChanged ("changed PATH NAME=VALUE ...") until killed
#   clients OK                       OK more connections each make a group; one more gets
#                                    TooManyClients
#   set-host-name NAME               Manager.SetHostName(NAME): prints "ok", or "error NAME" (the
#                                    D-Bus error name) and exits 1
# Exit status: 0 when every expectation held.
import sys
import time

import dbus
import dbus.mainloop.glib
from gi.repository import GLib

NAME = "org.zeroconfd1"
ROOT = "/org/zeroconfd1"
ERR = "org.zeroconfd1.Error."

dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.SystemBus()


def out(*a):
    sys.stdout.write(" ".join(str(x) for x in a) + "\n")
    sys.stdout.flush()


def manager():
    return dbus.Interface(bus.get_object(NAME, ROOT, introspect=False), NAME + ".Manager")


def group_iface(path):
    return dbus.Interface(bus.get_object(NAME, path, introspect=False), NAME + ".EntryGroup")


def txt_arg(items):
    return dbus.Array([dbus.ByteArray(t.encode() if isinstance(t, str) else t) for t in items], signature="ay")


def add_service(g, name, stype, port, txt, domain="", host=""):
    g.AddService(dbus.Int32(-1), dbus.Int32(-1), dbus.UInt32(0), name, stype, domain, host, dbus.UInt16(port),
                 txt_arg(txt))


def cmd_publish(args):
    name, stype, port = args[0], args[1], int(args[2])
    txt = [a for a in args[3:] if not a.startswith("sub:")]
    subtypes = [a[4:] for a in args[3:] if a.startswith("sub:")]
    path = manager().EntryGroupNew()
    g = group_iface(path)
    out("path", path)

    def on_state(state, alt):
        out("state", state, alt if alt else "-")

    bus.add_signal_receiver(on_state, signal_name="StateChanged", dbus_interface=NAME + ".EntryGroup", path=path)
    add_service(g, name, stype, port, txt)
    for sub in subtypes:
        g.AddServiceSubtype(dbus.Int32(-1), dbus.Int32(-1), dbus.UInt32(0), name, stype, "", sub)
    g.Commit()
    loop = GLib.MainLoop()

    def on_stdin(source, cond):
        line = sys.stdin.readline()
        if not line:
            loop.quit()
            return False
        words = line.split()
        if words and words[0] == "free":
            g.Free()
            out("freed")
        elif words and words[0] == "exit":
            out("exiting")
            sys.stdout.flush()
            import os
            os._exit(0)  # no Free(): the daemon must clean up when we leave the bus
        elif words and words[0] == "txt":
            g.UpdateServiceTxt(dbus.Int32(-1), dbus.Int32(-1), dbus.UInt32(0), name, stype, "", txt_arg(words[1:]))
            out("txt-updated")
        return True

    GLib.io_add_watch(sys.stdin, GLib.IO_IN | GLib.IO_HUP, on_stdin)
    loop.run()
    return 0


def expect_error(what, fn, error):
    try:
        fn()
    except dbus.exceptions.DBusException as e:
        if e.get_dbus_name() == ERR + error:
            out("ok", what, error, "(" + e.get_dbus_message() + ")")
            return True
        out("FAIL", what, "expected", error, "got", e.get_dbus_name(), e.get_dbus_message())
        return False
    out("FAIL", what, "expected", error, "but it succeeded")
    return False


def cmd_intrude(args):
    path, seconds = args[0], float(args[1])
    obj = bus.get_object(NAME, path, introspect=False)
    g = dbus.Interface(obj, NAME + ".EntryGroup")
    props = dbus.Interface(obj, "org.freedesktop.DBus.Properties")
    ok = True
    calls = [
        ("Commit", lambda: g.Commit()),
        ("Reset", lambda: g.Reset()),
        ("Free", lambda: g.Free()),
        ("AddService", lambda: add_service(g, "Intruder", "_http._tcp", 80, [])),
        ("Get", lambda: props.Get(NAME + ".EntryGroup", "State")),
        ("GetAll", lambda: props.GetAll(NAME + ".EntryGroup")),
    ]
    for what, fn in calls:
        ok = expect_error(what, fn, "AccessDenied") and ok
    count = [0]

    def on_any(*a, **kw):
        count[0] += 1
        out("signal", kw.get("member"), kw.get("path"))

    bus.add_signal_receiver(on_any, bus_name=NAME, member_keyword="member", path_keyword="path",
                            dbus_interface=NAME + ".EntryGroup")
    bus.add_signal_receiver(on_any, bus_name=NAME, member_keyword="member", path_keyword="path",
                            dbus_interface="org.freedesktop.DBus.Properties", path=path)
    out("listening")
    loop = GLib.MainLoop()
    GLib.timeout_add(int(seconds * 1000), loop.quit)
    loop.run()
    out("signals", count[0])
    return 0 if ok else 1


def cmd_hostile(args):
    m = manager()
    ok = True

    def group():
        return group_iface(m.EntryGroupNew())

    def e(what, fn, error):
        nonlocal ok
        ok = expect_error(what, fn, error) and ok

    # CVE-2021-3502, CVE-2023-38471: empty / malformed host names
    e("SetHostName('')", lambda: m.SetHostName(""), "InvalidHostName")
    e("SetHostName('.local')", lambda: m.SetHostName(".local"), "InvalidHostName")
    e("SetHostName('a.b')", lambda: m.SetHostName("a.b"), "InvalidHostName")
    e("SetHostName(64 x)", lambda: m.SetHostName("x" * 64), "InvalidHostName")
    e("SetHostName(ctrl)", lambda: m.SetHostName("bad\x01name"), "InvalidHostName")
    e("SetHostName(backslash)", lambda: m.SetHostName("a\\065b"), "InvalidHostName")
    # CVE-2023-38473, CVE-2023-38470: the alternative-name paths
    e("GetAlternativeHostName('')", lambda: m.GetAlternativeHostName(""), "InvalidHostName")
    e("GetAlternativeHostName('.')", lambda: m.GetAlternativeHostName("."), "InvalidHostName")
    e("GetAlternativeHostName('a..local')", lambda: m.GetAlternativeHostName("a..local"), "InvalidHostName")
    e("GetAlternativeServiceName('')", lambda: m.GetAlternativeServiceName(""), "InvalidName")
    e("GetAlternativeServiceName(ctrl)", lambda: m.GetAlternativeServiceName("\x7f"), "InvalidName")
    e("GetAlternativeServiceName(80 y)", lambda: m.GetAlternativeServiceName("y" * 80), "InvalidName")
    alt = m.GetAlternativeHostName("host-2.local")
    if alt != "host-3":
        out("FAIL GetAlternativeHostName('host-2.local') =", alt)
        ok = False
    alt = m.GetAlternativeHostName("\u00e9" * 31 + "x")  # 63 octets: the base is cut, never inside a character
    if not alt.endswith("-2") or len(alt.encode()) > 63 or not alt.startswith("\u00e9" * 30):
        out("FAIL GetAlternativeHostName(31 x e-acute + x) =", alt)
        ok = False
    alt = m.GetAlternativeServiceName("Printer (2)")
    if alt != "Printer (3)":
        out("FAIL GetAlternativeServiceName('Printer (2)') =", alt)
        ok = False
    g = group()
    iface, proto, flags = dbus.Int32(-1), dbus.Int32(-1), dbus.UInt32(0)
    # CVE-2023-38472: AddRecord with empty rdata
    e("AddRecord(empty rdata)", lambda: g.AddRecord(iface, proto, flags, "x.local", dbus.UInt16(1), dbus.UInt16(16),
                                                   dbus.UInt32(120), dbus.ByteArray(b"")), "InvalidRecord")
    e("AddRecord(bad A rdata)", lambda: g.AddRecord(iface, proto, flags, "x.local", dbus.UInt16(1), dbus.UInt16(1),
                                                   dbus.UInt32(120), dbus.ByteArray(b"\x01\x02")), "InvalidRecord")
    e("AddRecord(empty name)", lambda: g.AddRecord(iface, proto, flags, "", dbus.UInt16(1), dbus.UInt16(16),
                                                  dbus.UInt32(120), dbus.ByteArray(b"\x01a")), "InvalidName")
    e("AddRecord(class CH)", lambda: g.AddRecord(iface, proto, flags, "x.local", dbus.UInt16(3), dbus.UInt16(16),
                                                dbus.UInt32(120), dbus.ByteArray(b"\x01a")), "InvalidRecord")
    e("AddRecord(TTL 0)", lambda: g.AddRecord(iface, proto, flags, "x.local", dbus.UInt16(1), dbus.UInt16(16),
                                             dbus.UInt32(0), dbus.ByteArray(b"\x01a")), "InvalidRecord")
    # a 200 KB TXT (Avahi's D-Bus DoS)
    big = [("k%d=" % i + "v" * 240) for i in range(800)]
    e("AddService(200 KB TXT)", lambda: add_service(g, "Big", "_http._tcp", 80, big), "InvalidTxt")
    e("AddService(256-octet TXT string)", lambda: add_service(g, "Big", "_http._tcp", 80, ["k=" + "v" * 254]),
      "InvalidTxt")
    e("AddService(empty TXT string)", lambda: add_service(g, "Big", "_http._tcp", 80, [""]), "InvalidTxt")
    e("AddService(empty name)", lambda: add_service(g, "", "_http._tcp", 80, []), "InvalidName")
    e("AddService(64-octet name)", lambda: add_service(g, "n" * 64, "_http._tcp", 80, []), "InvalidName")
    e("AddService(empty type)", lambda: add_service(g, "S", "", 80, []), "InvalidServiceType")
    e("AddService(bad type)", lambda: add_service(g, "S", "_http._xyz", 80, []), "InvalidServiceType")
    e("AddService(bad type 2)", lambda: add_service(g, "S", "http._tcp", 80, []), "InvalidServiceType")
    e("AddService(bad domain)", lambda: add_service(g, "S", "_http._tcp", 80, [], domain="a..b"), "InvalidDomain")
    e("AddService(bad host)", lambda: add_service(g, "S", "_http._tcp", 80, [], host="a..b"), "InvalidHostName")
    e("AddService(bad interface)", lambda: g.AddService(dbus.Int32(9999), proto, flags, "S", "_http._tcp", "", "",
                                                        dbus.UInt16(80), txt_arg([])), "InvalidInterface")
    e("AddService(bad protocol)", lambda: g.AddService(iface, dbus.Int32(7), flags, "S", "_http._tcp", "", "",
                                                       dbus.UInt16(80), txt_arg([])), "InvalidProtocol")
    e("AddService(bad flags)", lambda: g.AddService(iface, proto, dbus.UInt32(0x8000), "S", "_http._tcp", "", "",
                                                    dbus.UInt16(80), txt_arg([])), "InvalidFlags")
    e("AddService(wrong signature)", lambda: g.AddService("S", "_http._tcp"), "InvalidArgs")
    e("AddAddress(bad address)", lambda: g.AddAddress(iface, proto, flags, "h.local", "300.1.2.3"), "InvalidAddress")
    e("AddAddress(empty address)", lambda: g.AddAddress(iface, proto, flags, "h.local", ""), "InvalidAddress")
    e("AddAddress(empty name)", lambda: g.AddAddress(iface, proto, flags, "", "10.0.0.1"), "InvalidHostName")
    e("AddAddress(bad interface)", lambda: g.AddAddress(dbus.Int32(0), proto, flags, "h.local", "10.0.0.1"),
      "InvalidInterface")
    e("AddServiceSubtype(unknown service)", lambda: g.AddServiceSubtype(iface, proto, flags, "S", "_http._tcp", "",
                                                                        "_printer"), "NotFound")
    e("Commit(empty)", lambda: g.Commit(), "BadState")
    add_service(g, "S", "_http._tcp", 80, ["a=1"])
    e("AddServiceSubtype(bad subtype)", lambda: g.AddServiceSubtype(iface, proto, flags, "S", "_http._tcp", "",
                                                                    "_sub._x"), "InvalidSubtype")
    e("AddService(same twice)", lambda: add_service(g, "S", "_http._tcp", 80, []), "Collision")
    g.Commit()
    e("Commit(twice)", lambda: g.Commit(), "BadState")
    e("AddService(after Commit)", lambda: add_service(g, "T", "_http._tcp", 80, []), "BadState")
    g.Free()
    out("done", "ok" if ok else "failed")
    return 0 if ok else 1


def cmd_limits(args):
    objects, entries = int(args[0]), int(args[1])
    m = manager()
    ok = True
    groups = [m.EntryGroupNew() for _ in range(objects)]
    out("made", len(groups), "groups")
    ok = expect_error("EntryGroupNew(one too many)", lambda: m.EntryGroupNew(), "TooManyObjects") and ok
    g = group_iface(groups[0])
    for i in range(entries):
        add_service(g, "Limit %d" % i, "_http._tcp", 80, [])
    out("added", entries, "services")
    ok = expect_error("AddService(one too many)", lambda: add_service(g, "Limit X", "_http._tcp", 80, []),
                      "TooManyEntries") and ok
    # freeing one makes room again
    group_iface(groups[1]).Free()
    m.EntryGroupNew()
    out("room again after Free")
    out("done", "ok" if ok else "failed")
    return 0 if ok else 1


def cmd_props(args):
    obj = bus.get_object(NAME, ROOT, introspect=False)
    props = dbus.Interface(obj, "org.freedesktop.DBus.Properties")
    allp = props.GetAll(NAME + ".Manager")
    for k in sorted(allp):
        v = allp[k]
        if k == "Links":
            v = ",".join(str(x) for x in v)
        out("manager", k, v)
    for p in manager().GetLinks():
        lp = dbus.Interface(bus.get_object(NAME, p, introspect=False), "org.freedesktop.DBus.Properties")
        a = lp.GetAll(NAME + ".Link")
        addrs = ",".join("%s/%d" % (s, int(l)) for s, l in a["Addresses"])
        out("link", p, a["Name"], int(a["Index"]), a["State"], "mdns4=%d" % a["MulticastDNSIPv4"],
            "mdns6=%d" % a["MulticastDNSIPv6"], "addresses=" + addrs, "ipv4ll=" + a["IPv4LLState"],
            "ipv6ll=" + a["IPv6LLState"])
    xml = dbus.Interface(obj, "org.freedesktop.DBus.Introspectable").Introspect()
    out("introspect-manager", "yes" if 'interface name="org.zeroconfd1.Manager"' in xml else "no")
    return 0


def cmd_watch_links(args):
    def on_dad(address, path=None):
        out("dadfailed", path, address)

    def on_changed(iface, changed, invalidated, path=None):
        if iface != NAME + ".Link":
            return
        items = []
        for k in sorted(changed):
            v = changed[k]
            if k == "Addresses":
                v = ",".join("%s/%d" % (a, int(l)) for a, l in v)
            items.append("%s=%s" % (k, v))
        out("changed", path, " ".join(items))

    bus.add_signal_receiver(on_dad, signal_name="DadFailed", dbus_interface=NAME + ".Link", bus_name=NAME,
                            path_keyword="path")
    bus.add_signal_receiver(on_changed, signal_name="PropertiesChanged",
                            dbus_interface="org.freedesktop.DBus.Properties", bus_name=NAME, path_keyword="path")
    out("watching")
    GLib.MainLoop().run()
    return 0


def cmd_clients(args):
    n_ok = int(args[0])
    conns = []
    ok = True
    import os
    address = os.environ["DBUS_SYSTEM_BUS_ADDRESS"]
    for i in range(n_ok + 1):
        c = dbus.bus.BusConnection(address)
        conns.append(c)
        m = dbus.Interface(c.get_object(NAME, ROOT, introspect=False), NAME + ".Manager")
        if i < n_ok:
            m.EntryGroupNew()
        else:
            ok = expect_error("EntryGroupNew(one client too many)", lambda: m.EntryGroupNew(), "TooManyClients")
    out("made", n_ok, "clients")
    # one leaves: room for another
    conns[0].close()
    time.sleep(0.5)
    c = dbus.bus.BusConnection(address)
    dbus.Interface(c.get_object(NAME, ROOT, introspect=False), NAME + ".Manager").EntryGroupNew()
    out("room again after a client left")
    out("done", "ok" if ok else "failed")
    return 0 if ok else 1


def cmd_address(args):
    name, address = args[0], args[1]
    flags = int(args[2]) if len(args) > 2 else 0
    path = manager().EntryGroupNew()
    g = group_iface(path)
    out("path", path)
    bus.add_signal_receiver(lambda state, alt: out("state", state, alt if alt else "-"), signal_name="StateChanged",
                            dbus_interface=NAME + ".EntryGroup", path=path)
    g.AddAddress(dbus.Int32(-1), dbus.Int32(-1), dbus.UInt32(flags), name, address)
    g.Commit()
    loop = GLib.MainLoop()

    def on_stdin(source, cond):
        line = sys.stdin.readline()
        if not line or line.split() == ["free"]:
            g.Free()
            out("freed")
            loop.quit()
            return False
        return True

    GLib.io_add_watch(sys.stdin, GLib.IO_IN | GLib.IO_HUP, on_stdin)
    loop.run()
    return 0


def cmd_set_host_name(args):
    try:
        manager().SetHostName(args[0])
    except dbus.exceptions.DBusException as e:
        out("error", e.get_dbus_name())
        return 1
    out("ok")
    return 0


def main():
    cmds = {"set-host-name": cmd_set_host_name, "publish": cmd_publish, "address": cmd_address, "intrude": cmd_intrude, "hostile": cmd_hostile, "limits": cmd_limits,
            "props": cmd_props, "watch-links": cmd_watch_links, "clients": cmd_clients}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.stderr.write(__doc__ if __doc__ else "usage: dbus-client.py COMMAND ...\n")
        return 2
    return cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
