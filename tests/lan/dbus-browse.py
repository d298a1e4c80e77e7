#!/usr/bin/python3
# dbus-browse.py: a client of zeroconfd's browsers and resolvers (org.zeroconfd1) for the LAN
# tests, on the bus of DBUS_SYSTEM_BUS_ADDRESS (lan_exec sets it). One line per event on stdout,
# each starting with the wall-clock time (time.time(), comparable across hosts).
#
#   browse TYPE                 ServiceBrowser: "new|remove IF PROTO NAME TYPE DOMAIN"
#   types                       ServiceTypeBrowser: "new|remove IF PROTO TYPE DOMAIN"
#   resolve NAME TYPE           ServiceResolver: "found|remove IF PROTO NAME HOST APROTO ADDR PORT TXT"
#   host NAME                   HostResolver: "found|remove IF PROTO NAME APROTO ADDR"
#   addr ADDR                   AddressResolver: "found|remove IF PROTO APROTO ADDR NAME"
#   records NAME CLASS TYPE     RecordBrowser: "new|remove IF PROTO NAME CLASS TYPE RDATA-HEX"
#     each of these prints "path P" first, and "allfornow", "cacheexhausted", "failure MSG"; it
#     runs until killed; on stdin "free" calls Free() ("freed"), "exit" quits.
#   resolve-once NAME TYPE      ResolveService: "result ..." (as found) or "error NAME"
#   host-once NAME APROTO       ResolveHostName: "result IF PROTO NAME APROTO ADDR" or "error NAME"
#   addr-once ADDR              ResolveAddress: "result IF PROTO APROTO ADDR NAME" or "error NAME"
#   intrude PATH                as another client: Start and Free on PATH must fail with
#                               AccessDenied ("denied M" each, "allowed M" otherwise)
#   bad                         bad arguments to every factory: "ok CALL ERROR" for each named
#                               error as expected, "FAIL ..." otherwise
# TXT strings are joined with ",".
# With DBUS_BROWSE_FLAGS=1 in the environment, every new / found / remove / result line ends in
# "flags=N", the signal's (or reply's) flags argument (8: LOCAL, the item is this host's own).
import os
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
    sys.stdout.write(" ".join(["%.3f" % time.time()] + [str(x) for x in a]) + "\n")
    sys.stdout.flush()


def manager():
    return dbus.Interface(bus.get_object(NAME, ROOT, introspect=False), NAME + ".Manager")


def txt_text(txt):
    return ",".join(bytes(bytearray(t)).decode("utf-8", "replace") for t in txt) or "-"


SHOW_FLAGS = os.environ.get("DBUS_BROWSE_FLAGS") == "1"


def with_flags(fields, args):
    return tuple(fields) + (("flags=%d" % int(args[-1]),) if SHOW_FLAGS else ())


def q(s):
    return str(s).replace(" ", "\\032")


FORMAT = {
    "ServiceBrowser": lambda a: (a[0], a[1], q(a[2]), a[3], a[4]),
    "ServiceTypeBrowser": lambda a: (a[0], a[1], a[2], a[3]),
    "ServiceResolver": lambda a: (a[0], a[1], q(a[2]), a[5], a[6], a[7], a[8], txt_text(a[9])),
    "HostResolver": lambda a: (a[0], a[1], a[2], a[3], a[4]),
    "AddressResolver": lambda a: (a[0], a[1], a[2], a[3], a[4]),
    "RecordBrowser": lambda a: (a[0], a[1], a[2], a[3], a[4], bytes(bytearray(a[5])).hex()),
}


def run_object(kind, path):
    loop = GLib.MainLoop()
    fmt = FORMAT[kind]

    def on_signal(*args, **kw):
        member = kw["member"]
        if member == "ItemNew":
            out("new", *with_flags(fmt(args), args))
        elif member == "Found":
            out("found", *with_flags(fmt(args), args))
        elif member == "ItemRemove":
            out("remove", *with_flags(fmt(args), args))
        elif member == "AllForNow":
            out("allfornow")
        elif member == "CacheExhausted":
            out("cacheexhausted")
        elif member == "Failure":
            out("failure", args[0])

    # subscribe before Start(): no signal can be missed
    bus.add_signal_receiver(on_signal, dbus_interface=NAME + "." + kind, path=path, member_keyword="member")
    obj = dbus.Interface(bus.get_object(NAME, path, introspect=False), NAME + "." + kind)
    obj.Start()
    out("path", path)

    def on_stdin(source, cond):
        line = sys.stdin.readline()
        if not line:
            return False  # no more commands (stdin is /dev/null): run until killed
        if line.strip() == "exit":
            loop.quit()
            return False
        if line.strip() == "free":
            obj.Free()
            out("freed")
        return True

    GLib.io_add_watch(sys.stdin, GLib.IO_IN | GLib.IO_HUP, on_stdin)
    loop.run()
    return 0


def cmd_once(call, *args):
    try:
        r = getattr(manager(), call)(*args, timeout=20)
    except dbus.exceptions.DBusException as e:
        out("error", e.get_dbus_name())
        return 0
    if call == "ResolveService":
        out("result", *with_flags(FORMAT["ServiceResolver"](r), r))
    elif call == "ResolveHostName":
        out("result", *with_flags(FORMAT["HostResolver"](r), r))
    else:
        out("result", *with_flags(FORMAT["AddressResolver"](r), r))
    return 0


def expect_error(label, err, fn, *args):
    try:
        fn(*args)
    except dbus.exceptions.DBusException as e:
        if e.get_dbus_name() == ERR + err:
            out("ok", label, err, "(%s)" % e.get_dbus_message())
            return True
        out("FAIL", label, "got", e.get_dbus_name(), e.get_dbus_message(), "expected", err)
        return False
    out("FAIL", label, "succeeded, expected", err)
    return False


def cmd_bad():
    m = manager()
    i, u = dbus.Int32, dbus.UInt32
    ok = True
    cases = [
        ("ServiceBrowserNew empty type", "InvalidServiceType", m.ServiceBrowserNew, i(-1), i(-1), "", "", u(0)),
        ("ServiceBrowserNew bad type", "InvalidServiceType", m.ServiceBrowserNew, i(-1), i(-1), "http", "", u(0)),
        ("ServiceBrowserNew bad subtype", "InvalidSubtype", m.ServiceBrowserNew, i(-1), i(-1), "._sub._http._tcp",
         "", u(0)),
        ("ServiceBrowserNew bad interface", "InvalidInterface", m.ServiceBrowserNew, i(9999), i(-1), "_http._tcp",
         "", u(0)),
        ("ServiceBrowserNew bad protocol", "InvalidProtocol", m.ServiceBrowserNew, i(-1), i(7), "_http._tcp", "",
         u(0)),
        ("ServiceBrowserNew bad flags", "InvalidFlags", m.ServiceBrowserNew, i(-1), i(-1), "_http._tcp", "", u(8)),
        ("ServiceBrowserNew bad domain", "InvalidDomain", m.ServiceBrowserNew, i(-1), i(-1), "_http._tcp", "a..b",
         u(0)),
        ("ServiceTypeBrowserNew bad domain", "InvalidDomain", m.ServiceTypeBrowserNew, i(-1), i(-1), "x" * 300, u(0)),
        ("ServiceResolverNew empty name", "InvalidName", m.ServiceResolverNew, i(-1), i(-1), "", "_http._tcp", "",
         i(-1), u(0)),
        ("ServiceResolverNew bad aprotocol", "InvalidProtocol", m.ServiceResolverNew, i(-1), i(-1), "X",
         "_http._tcp", "", i(5), u(0)),
        ("ServiceResolverNew subtype", "InvalidServiceType", m.ServiceResolverNew, i(-1), i(-1), "X",
         "_p._sub._http._tcp", "", i(-1), u(0)),
        ("HostResolverNew empty", "InvalidHostName", m.HostResolverNew, i(-1), i(-1), "", i(-1), u(0)),
        ("HostResolverNew dots", "InvalidHostName", m.HostResolverNew, i(-1), i(-1), "a..local", i(-1), u(0)),
        ("AddressResolverNew empty", "InvalidAddress", m.AddressResolverNew, i(-1), i(-1), "", u(0)),
        ("AddressResolverNew junk", "InvalidAddress", m.AddressResolverNew, i(-1), i(-1), "300.1.2.3", u(0)),
        ("RecordBrowserNew bad class", "InvalidRecord", m.RecordBrowserNew, i(-1), i(-1), "x.local",
         dbus.UInt16(3), dbus.UInt16(16), u(0)),
        ("RecordBrowserNew meta type", "InvalidRecord", m.RecordBrowserNew, i(-1), i(-1), "x.local",
         dbus.UInt16(1), dbus.UInt16(252), u(0)),
        ("RecordBrowserNew empty name", "InvalidName", m.RecordBrowserNew, i(-1), i(-1), "", dbus.UInt16(1),
         dbus.UInt16(16), u(0)),
        ("ResolveHostName empty", "InvalidHostName", m.ResolveHostName, i(-1), i(-1), "", i(-1), u(0)),
        ("ResolveAddress junk", "InvalidAddress", m.ResolveAddress, i(-1), i(-1), "fe80::1%", u(0)),
        ("ResolveService wrong signature", "InvalidArgs", m.ResolveService, "x"),
    ]
    for c in cases:
        ok = expect_error(*c) and ok
    # Start twice
    p = m.ServiceBrowserNew(i(-1), i(-1), "_http._tcp", "", u(0))
    b = dbus.Interface(bus.get_object(NAME, p, introspect=False), NAME + ".ServiceBrowser")
    b.Start()
    ok = expect_error("Start twice", "BadState", b.Start) and ok
    b.Free()
    return 0 if ok else 1


def cmd_intrude(path):
    ok = True
    obj = bus.get_object(NAME, path, introspect=False)
    for method in ("Start", "Free"):
        try:
            obj.get_dbus_method(method)()
            out("allowed", method)
            ok = False
        except dbus.exceptions.DBusException as e:
            if e.get_dbus_name() == ERR + "AccessDenied":
                out("denied", method)
            else:
                out("FAIL", method, e.get_dbus_name())
                ok = False
    return 0 if ok else 1


def main(argv):
    m = manager()
    i, u, q16 = dbus.Int32, dbus.UInt32, dbus.UInt16
    cmd, args = argv[1], argv[2:]
    if cmd == "browse":
        return run_object("ServiceBrowser", m.ServiceBrowserNew(i(-1), i(-1), args[0], "", u(0)))
    if cmd == "types":
        return run_object("ServiceTypeBrowser", m.ServiceTypeBrowserNew(i(-1), i(-1), "", u(0)))
    if cmd == "resolve":
        return run_object("ServiceResolver", m.ServiceResolverNew(i(-1), i(-1), args[0], args[1], "", i(-1), u(0)))
    if cmd == "host":
        return run_object("HostResolver", m.HostResolverNew(i(-1), i(-1), args[0], i(-1), u(0)))
    if cmd == "addr":
        return run_object("AddressResolver", m.AddressResolverNew(i(-1), i(-1), args[0], u(0)))
    if cmd == "records":
        return run_object("RecordBrowser",
                          m.RecordBrowserNew(i(-1), i(-1), args[0], q16(int(args[1])), q16(int(args[2])), u(0)))
    if cmd == "resolve-once":
        return cmd_once("ResolveService", i(-1), i(-1), args[0], args[1], "", i(-1), u(0))
    if cmd == "host-once":
        return cmd_once("ResolveHostName", i(-1), i(-1), args[0], i(int(args[1])), u(0))
    if cmd == "addr-once":
        return cmd_once("ResolveAddress", i(-1), i(-1), args[0], u(0))
    if cmd == "intrude":
        return cmd_intrude(args[0])
    if cmd == "bad":
        return cmd_bad()
    sys.stderr.write("unknown command %s\n" % cmd)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
