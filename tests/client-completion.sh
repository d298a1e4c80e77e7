#!/bin/bash
# The bash completion of zeroconfctl completes verbs and options, and knows exactly the verbs
# and long options that zeroconfctl --help and each verb's --help list.
set -u
top_srcdir=${LAN_DIR:+$LAN_DIR/../..}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
zeroconfctl=${ZEROCONFCTL:-./client-lib/zeroconfctl}
. "$top_srcdir/client-lib/zeroconfctl.bash-completion"
fail=0
complete_line() {  # complete_line WORD...: the completions of the last word
        COMP_WORDS=("$@")
        COMP_CWORD=$(($# - 1))
        COMPREPLY=()
        _zeroconfctl
        echo "${COMPREPLY[*]:-}"
}
expect() {
        local want=$1 got
        shift
        got=$(complete_line "$@")
        if [ "$got" = "$want" ]; then echo "ok: '$*' -> '$got'"; else echo "FAIL: '$*' -> '$got', not '$want'"; fail=1; fi
}
expect "resolve resolve-address resolve-service" zeroconfctl res
expect "--resolve" zeroconfctl browse --res
expect "--json" zeroconfctl --js
expect "publish" zeroconfctl --json pu
expect "--subtype=" zeroconfctl publish --s
expect "" zeroconfctl --bus ""
# the verbs and options of --help, and nothing else
verbs=$("$zeroconfctl" --help | sed -n '/^Verbs:/,/^$/p' | awk 'NF && !/^Verbs:/ { print $1 }' | sort | tr '\n' ' ')
got=$(complete_line zeroconfctl "" | tr ' ' '\n' | sort | tr '\n' ' ')
[ "$verbs" = "$got" ] && echo "ok: the verbs of --help" || { echo "FAIL: verbs: --help '$verbs', completion '$got'"; fail=1; }
norm() { sed 's/=$//' | sort -u | tr '\n' ' '; }
for verb in "" $("$zeroconfctl" --help | sed -n '/^Verbs:/,/^$/p' | awk 'NF && !/^Verbs:/ { print $1 }'); do
        [ "$verb" = help ] && continue
        # a verb's options, and --help (every verb takes it)
        want=$({ "$zeroconfctl" $verb --help | sed -n '/^Options:/,$p' | grep -o -- ' --[a-z][a-z-]*' | tr -d ' '; echo --help; } | norm)
        [ -n "$verb" ] || want=$("$zeroconfctl" --help | sed -n '/^Options:/,/^$/p' | grep -o -- ' --[a-z][a-z-]*' | tr -d ' ' | norm)
        got=$(complete_line zeroconfctl $verb -- | tr ' ' '\n' | grep -- '^--' | norm)
        [ -z "$verb" ] && got=$(complete_line zeroconfctl -- | tr ' ' '\n' | grep -- '^--' | norm)
        if [ "$want" = "$got" ]; then echo "ok: ${verb:-global} options: $got"; else echo "FAIL: ${verb:-global} options: --help '$want', completion '$got'"; fail=1; fi
done
exit $fail
