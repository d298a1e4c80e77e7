#!/bin/bash
# The first example of libzeroconf-client(3) (browse with poll) compiles with -Wall -Werror
# against the header and links against the built library: the manual's code is real.
# With an argument, the program is left there (tests/lan/test-zeroconfctl.sh runs it);
# EXAMPLE_CFLAGS are added to the compiler flags (the sanitizers, for an ASan build).
# Also: zeroconf-client.pc is a valid pkg-config file naming the library.
set -u
top_srcdir=${LAN_DIR:+$LAN_DIR/../..}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${ZC_BUILDDIR:-.}
out=${1:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the first .Bd -literal block, with the roff escape \e back to a backslash
awk '/^\.Bd -literal/ { n++; if (n == 1) { on = 1; next } } /^\.Ed/ { on = 0 } on' \
        "$top_srcdir/man/libzeroconf-client.3" | sed 's/\\e/\\/g' >"$tmp/example.c"
grep -q "zc_client_dispatch" "$tmp/example.c" || { echo "FAIL: no example found in libzeroconf-client(3)"; exit 1; }
if ! ${CC:-cc} ${EXAMPLE_CFLAGS:-} -Wall -Wextra -Wno-unused-parameter -Werror -I"$top_srcdir/client-lib" -o "$tmp/example" "$tmp/example.c" \
        -L"$builddir/client-lib/.libs" -lzeroconf-client 2>"$tmp/cc.log"; then
        echo "FAIL: the example of libzeroconf-client(3) does not build:"; cat "$tmp/cc.log"; exit 1
fi
echo "ok: the example of libzeroconf-client(3) builds and links"
# the GLib example: the block that makes a GSource, built against GLib's headers
awk '/^\.Bd -literal/ { on = 1; blk = ""; next } /^\.Ed/ { if (blk ~ /g_source_new/) printf "%s", blk; on = 0 }
     on { blk = blk $0 "\n" }' "$top_srcdir/man/libzeroconf-client.3" | sed 's/\\e/\\/g' >"$tmp/glib.c"
grep -q "g_source_new" "$tmp/glib.c" || { echo "FAIL: no GLib example found in libzeroconf-client(3)"; exit 1; }
if ! pkg-config --exists glib-2.0 2>/dev/null; then
        echo "FAIL: glib-2.0 development files missing (tests/setup-debian.sh installs libglib2.0-dev)"; exit 1
fi
# shellcheck disable=SC2046
if ! ${CC:-cc} ${EXAMPLE_CFLAGS:-} -Wall -Wextra -Wno-unused-parameter -Werror -I"$top_srcdir/client-lib" \
        $(pkg-config --cflags glib-2.0) -c -o "$tmp/glib.o" "$tmp/glib.c" 2>"$tmp/cc.log"; then
        echo "FAIL: the GLib example of libzeroconf-client(3) does not build:"; cat "$tmp/cc.log"; exit 1
fi
echo "ok: the GLib example of libzeroconf-client(3) builds"
if [ -n "$out" ]; then
        # a browser on a GMainLoop through the manual's GSource (tests/lan/test-zeroconfctl.sh runs it)
        cat >"$tmp/glib-main.c" <<'EOF'
#include <stdio.h>
#include <glib.h>
#include <zeroconf/client.h>
GSource *zc_source_new(zc_client *c);
static void on_item(zc_browser *b, zc_browser_event ev, const zc_item *it, void *userdata) {
        if (ev == ZC_BROWSER_NEW)
                printf("+ %s (%s)\n", it->name, it->type);
        fflush(stdout);
}
int main(void) {
        zc_client *c;
        zc_browser *b;
        GMainLoop *loop = g_main_loop_new(NULL, FALSE);
        if (zc_client_new(&c, NULL) < 0)
                return 1;
        g_source_attach(zc_source_new(c), NULL);
        if (zc_service_browser_new(c, ZC_IF_UNSPEC, ZC_PROTO_UNSPEC, "_http._tcp", NULL, 0, on_item, NULL, &b) < 0)
                return 1;
        g_main_loop_run(loop);
        return 0;
}
EOF
        # shellcheck disable=SC2046
        if ! ${CC:-cc} ${EXAMPLE_CFLAGS:-} -Wall -Wextra -Wno-unused-parameter -Werror -I"$top_srcdir/client-lib" \
                $(pkg-config --cflags glib-2.0) -o "$out-glib" "$tmp/glib-main.c" "$tmp/glib.o" \
                -L"$builddir/client-lib/.libs" -lzeroconf-client $(pkg-config --libs glib-2.0) 2>"$tmp/cc.log"; then
                echo "FAIL: the GLib example does not link:"; cat "$tmp/cc.log"; exit 1
        fi
fi
pc=$builddir/client-lib/zeroconf-client.pc
if command -v pkg-config >/dev/null; then
        pkg-config --validate "$pc" || { echo "FAIL: $pc is not valid"; exit 1; }
        libs=$(PKG_CONFIG_PATH=$builddir/client-lib pkg-config --libs zeroconf-client)
        case $libs in *-lzeroconf-client*) echo "ok: pkg-config --libs zeroconf-client: $libs" ;;
        *) echo "FAIL: pkg-config --libs zeroconf-client: $libs"; exit 1 ;; esac
fi
[ -z "$out" ] || cp "$tmp/example" "$out"
exit 0
