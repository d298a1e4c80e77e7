#!/bin/bash
# zeroconfd --check-config: a clean configuration and services folder exit 0; an unknown key, a bad
# value, a broken service file each are reported as FILE:LINE and exit 1; a missing file named
# with -f is an error; nothing is started, no folder or PID file is made. No root needed.
set -u
top_srcdir=${LAN_DIR:+$LAN_DIR/../..}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
zeroconfd=${ZEROCONFD:-$top_srcdir/daemon/zeroconfd}
[ -x "$zeroconfd" ] || { echo "FAIL: $zeroconfd not built"; exit 1; }
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/services.d"
run() { # EXPECTED-STATUS CONF ARGS...: run --check-config, output in $tmp/out
        local want=$1 conf=$2 rc=0
        shift 2
        "$zeroconfd" --check-config --config "$conf" --services-dir "$tmp/services.d" \
                --runtime-dir "$tmp/run" --state-dir "$tmp/state" "$@" >"$tmp/out" 2>&1 || rc=$?
        if [ "$rc" != "$want" ]; then
                echo "FAIL: --check-config with $conf exited $rc, expected $want:"; cat "$tmp/out"; fail=1
                return 1
        fi
}
expect_out() {
        if grep -qF -- "$1" "$tmp/out"; then echo "ok: reports '$1'"; else
                echo "FAIL: the output lacks '$1':"; cat "$tmp/out"; fail=1
        fi
}

cat >"$tmp/good.conf" <<EOF
[server]
host-name = board
user = root
service-files-max = 8
[ipv4ll]
policy = never
EOF
cp "$top_srcdir/services.d/ssh.service" "$tmp/services.d/"
run 0 "$tmp/good.conf" && expect_out "configuration OK"

cat >"$tmp/bad.conf" <<EOF
[server]
host-name = board
frobnicate = 1
use-ipv4 = maybe
EOF
run 1 "$tmp/bad.conf" && { expect_out "bad.conf:3: unknown key 'frobnicate'"; expect_out "bad.conf:4: invalid value 'maybe'"; }

printf '<?xml version="1.0"?>\n<service-group>\n  <name>x</name>\n  <service><port>x</port></service>\n</service-group>\n' \
        >"$tmp/services.d/broken.service"
run 1 "$tmp/good.conf" && expect_out "broken.service:"
rm "$tmp/services.d/broken.service"

run 1 "$tmp/missing.conf" && expect_out "missing.conf"

[ ! -e "$tmp/run" ] && [ ! -e "$tmp/state" ] || { echo "FAIL: --check-config made the runtime or state folder"; fail=1; }
exit $fail
