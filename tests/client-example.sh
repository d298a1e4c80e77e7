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
pc=$builddir/client-lib/zeroconf-client.pc
if command -v pkg-config >/dev/null; then
        pkg-config --validate "$pc" || { echo "FAIL: $pc is not valid"; exit 1; }
        libs=$(PKG_CONFIG_PATH=$builddir/client-lib pkg-config --libs zeroconf-client)
        case $libs in *-lzeroconf-client*) echo "ok: pkg-config --libs zeroconf-client: $libs" ;;
        *) echo "FAIL: pkg-config --libs zeroconf-client: $libs"; exit 1 ;; esac
fi
[ -z "$out" ] || cp "$tmp/example" "$out"
exit 0
