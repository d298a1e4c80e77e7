#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run every libFuzzer target for a bounded time.
#
#   tests/fuzz/run-fuzzers.sh SECONDS [NAME...]
#
# Run it from a configured build directory (or set BUILDDIR). It builds the targets if needed
# (make fuzz), then runs each tests/fuzz/fuzz-NAME for SECONDS (0: only replay the corpus) on a
# COPY of tests/fuzz/corpus/NAME/ in $BUILDDIR/tests/fuzz/out/NAME/, with the extra flags of
# tests/fuzz/NAME.options and the dictionary tests/fuzz/NAME.dict if present. Exits 1 on any crash, leak, timeout or failed build;
# prints a SKIP line and exits 0 when clang (with libFuzzer) is not available.
set -u

usage() {
        echo "usage: $0 SECONDS [NAME...]" >&2
        exit 2
}

[ $# -ge 1 ] || usage
seconds=$1
shift
case $seconds in '' | *[!0-9]*) usage ;; esac

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=${BUILDDIR:-$(pwd)}
builddir=$(cd "$builddir" && pwd)
clang=${CLANG:-$(command -v clang 2>/dev/null || true)}

if [ -z "$clang" ]; then
        echo "SKIP: clang not found: fuzzers not run (apt-get install clang)"
        exit 0
fi

# clang without the libFuzzer runtime cannot build the targets: that is a skip too.
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void) d; (void) n; return 0; }\n' >"$probe/probe.c"
if ! "$clang" -fsanitize=fuzzer,address,undefined "$probe/probe.c" -o "$probe/probe" >/dev/null 2>&1; then
        echo "SKIP: $clang cannot link -fsanitize=fuzzer (libFuzzer runtime missing): fuzzers not run"
        exit 0
fi

if [ ! -f "$builddir/Makefile" ]; then
        echo "run-fuzzers: $builddir is not a configured build directory (set BUILDDIR)" >&2
        exit 1
fi
if ! make -C "$builddir" fuzz CLANG="$clang"; then
        echo "FAIL: building the fuzz targets failed" >&2
        exit 1
fi

if [ $# -eq 0 ]; then
        for src in "$srcdir"/tests/fuzz/fuzz-*.c; do
                [ -f "$src" ] || continue
                n=$(basename "$src" .c)
                set -- "$@" "${n#fuzz-}"
        done
fi

failed=
for name in "$@"; do
        bin=$builddir/tests/fuzz/fuzz-$name
        work=$builddir/tests/fuzz/out/$name
        if [ ! -x "$bin" ]; then
                echo "FAIL: fuzz-$name was not built" >&2
                failed="$failed $name"
                continue
        fi

        # never write into the source corpus
        rm -rf "$work"
        mkdir -p "$work/corpus"
        if [ -d "$srcdir/tests/fuzz/corpus/$name" ]; then
                cp -R "$srcdir/tests/fuzz/corpus/$name/." "$work/corpus/"
        fi
        opts=
        if [ -f "$srcdir/tests/fuzz/$name.options" ]; then
                opts=$(grep -v '^#' "$srcdir/tests/fuzz/$name.options" | tr '\n' ' ')
        fi
        if [ -f "$srcdir/tests/fuzz/$name.dict" ]; then
                opts="$opts -dict=$srcdir/tests/fuzz/$name.dict"
        fi
        if [ "$seconds" -eq 0 ]; then
                limit=-runs=0
        else
                limit=-max_total_time=$seconds
        fi

        echo "== fuzz-$name: ${seconds}s, corpus $(ls "$work/corpus" | wc -l) files"
        # shellcheck disable=SC2086 # $opts is a list of flags
        "$bin" $limit -timeout=25 -print_final_stats=1 -artifact_prefix="$work/" $opts "$work/corpus" \
                >"$work/fuzz.log" 2>&1
        rc=$?
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -n 1)
        if [ $rc -ne 0 ]; then
                tail -n 40 "$work/fuzz.log"
                echo "FAIL: fuzz-$name (exit $rc); log $work/fuzz.log; inputs:" \
                        "$(ls "$work" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | sed "s|^|$work/|" | tr '\n' ' ')"
                failed="$failed $name"
        else
                echo "PASS: fuzz-$name: ${runs:-?} runs, corpus now $(ls "$work/corpus" | wc -l) files"
        fi
done

if [ -n "$failed" ]; then
        echo "run-fuzzers: findings in:$failed" >&2
        exit 1
fi
exit 0
