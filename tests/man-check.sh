#!/bin/bash
# The manual pages are lint-clean (mandoc -Tlint: no warning or error) and true to the code:
# every long option zeroconfd --help lists is documented in zeroconfd(8); every verb and long option
# of zeroconfctl --help (and of each verb's --help) in zeroconfctl(1).
set -u
top_srcdir=${LAN_DIR:+$LAN_DIR/../..}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
zeroconfd=${ZEROCONFD:-$top_srcdir/daemon/zeroconfd}
fail=0

if ! command -v mandoc >/dev/null; then
        if [ "${CI:-}" = true ]; then echo "FAIL: mandoc is missing (apt-get install mandoc)"; exit 1; fi
        echo "SKIP: mandoc is missing (apt-get install mandoc)"; exit 77
fi
for page in "$top_srcdir"/man/*.[0-9]; do
        # STYLE notes about pages not installed on this machine are fine; warnings are not.
        out=$(mandoc -Tlint -W warning "$page" 2>&1 | grep -v 'mandoc.db')
        if [ -n "$out" ]; then
                echo "FAIL: $page is not lint-clean:"; echo "$out"; fail=1
        else
                echo "ok: $page lint-clean"
        fi
done

if [ -x "$zeroconfd" ]; then
        for opt in $("$zeroconfd" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
                # mdoc writes a long option as "Fl \-name"
                if grep -q -- "Fl \\\\${opt#-}" "$top_srcdir/man/zeroconfd.8"; then
                        echo "ok: $opt documented in zeroconfd(8)"
                else
                        echo "FAIL: zeroconfd --help lists $opt but zeroconfd(8) does not"; fail=1
                fi
        done
else
        echo "FAIL: $zeroconfd not built"; fail=1
fi

# zeroconfctl(1): every verb of zeroconfctl --help, and every long option of its --help and of
# each verb's --help, is documented.
zeroconfctl=${ZEROCONFCTL:-$top_srcdir/client-lib/zeroconfctl}
if [ -x "$zeroconfctl" ]; then
        page=$top_srcdir/man/zeroconfctl.1
        verbs=$("$zeroconfctl" --help | sed -n '/^Verbs:/,/^$/p' | awk 'NF && !/^Verbs:/ { print $1 }')
        [ -n "$verbs" ] || { echo "FAIL: zeroconfctl --help lists no verbs"; fail=1; }
        for verb in $verbs; do
                if grep -q "^\\.It Cm $verb\\b" "$page"; then
                        echo "ok: verb $verb documented in zeroconfctl(1)"
                else
                        echo "FAIL: zeroconfctl --help lists the verb $verb but zeroconfctl(1) does not"; fail=1
                fi
        done
        for help in "" $verbs; do
                for opt in $("$zeroconfctl" $help --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
                        if grep -q -- "Fl \\\\${opt#-}" "$page"; then
                                echo "ok: zeroconfctl ${help:+$help }$opt documented in zeroconfctl(1)"
                        else
                                echo "FAIL: zeroconfctl ${help:+$help }--help lists $opt but zeroconfctl(1) does not"; fail=1
                        fi
                done
        done
else
        echo "FAIL: $zeroconfctl not built"; fail=1
fi
exit $fail
