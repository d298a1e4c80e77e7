#!/bin/bash
# libzeroconf-client.so exports zc_* and nothing else (the symbol map), under a versioned soname.
set -u
lib=${ZC_BUILDDIR:-.}/client-lib/.libs/libzeroconf-client.so
if [ ! -e "$lib" ]; then echo "FAIL: $lib not built"; exit 1; fi
fail=0
soname=$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')
if [ "$soname" = libzeroconf-client.so.0 ]; then echo "ok: soname $soname"; else echo "FAIL: soname '$soname'"; fail=1; fi
# Defined, exported symbols (nm -D --defined-only), minus the version node itself.
syms=$(nm -D --defined-only "$lib" | awk '{ sub(/@.*/, "", $NF); print $NF }' | grep -v '^ZEROCONF_CLIENT_0$')
n=$(printf '%s\n' "$syms" | grep -c '^zc_')
bad=$(printf '%s\n' "$syms" | grep -v '^zc_' | grep -v '^$' || true)
inner=$(printf '%s\n' "$syms" | grep '^zc__' || true)
if [ -n "$bad" ]; then echo "FAIL: exported but not zc_*:"; echo "$bad"; fail=1; fi
if [ -n "$inner" ]; then echo "FAIL: internals exported:"; echo "$inner"; fail=1; fi
# Every function the header declares is exported.
hdr=${LAN_DIR:-$(dirname "$0")/lan}/../../client-lib/zeroconf/client.h
for f in $(grep -o '\bzc_[a-z_0-9]*(' "$hdr" | tr -d '(' | sort -u); do
        printf '%s\n' "$syms" | grep -qx "$f" || { echo "FAIL: $f declared but not exported"; fail=1; }
done
[ $fail = 0 ] && echo "ok: $n symbols, all zc_*, every declared function exported"
exit $fail
