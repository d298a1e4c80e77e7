#!/bin/bash
# The README's test command: install what is needed, build, and pass the whole test suite:
#   1. a normal build: make check (Check unit suites, then the LAN tests in network namespaces)
#   2. make distcheck (the tarball builds and passes from a read-only source tree)
#   3. an ASan+UBSan build: make check again
#   4. the libFuzzer targets, each for a bounded time (FUZZ_SECONDS, default 60), under ASan+UBSan
# Run as root on Debian 12. Build trees go to _build/ (override with BUILD_ROOT).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build_root=${BUILD_ROOT:-$top/_build}
jobs=$(nproc 2>/dev/null || echo 2)
fuzz_seconds=${FUZZ_SECONDS:-60}

step() { printf '\n==== %s ====\n' "$*"; }
passed=0 failed=0 skipped=0
# count KIND FILE: the last "# KIND: N" line of automake's test summary, 0 if none.
count() { local n; n=$(sed -n "s/^# $1: *//p" "$2" | tail -n 1); echo "${n:-0}"; }

step "dependencies"
tests/setup-debian.sh

step "autogen"
./autogen.sh >/dev/null

# Keep the test logs in the CI output when something fails.
show_failures() {
        local dir=$1
        for log in $(find "$dir" -name '*.log' -path '*tests*' 2>/dev/null); do
                if grep -qE '^:test-result: (FAIL|ERROR)' "${log%.log}.trs" 2>/dev/null; then
                        echo "---- $log ----"
                        tail -n 80 "$log"
                fi
        done
}

run_check() {
        local name=$1; shift
        local dir=$build_root/$name
        step "$name: configure $*"
        rm -rf "$dir" && mkdir -p "$dir"
        (cd "$dir" && "$top/configure" --quiet "$@")
        step "$name: make"
        make -C "$dir" -j"$jobs" >/dev/null
        step "$name: make check"
        # LAN tests share one CPU budget: run the suites one after the other.
        local rc=0
        make -C "$dir" -j1 check 2>&1 | tee "$dir/check.out" || rc=$?
        passed=$((passed + $(count PASS "$dir/check.out")))
        failed=$((failed + $(count FAIL "$dir/check.out") + $(count ERROR "$dir/check.out")))
        skipped=$((skipped + $(count SKIP "$dir/check.out")))
        if [ "$rc" != 0 ]; then
                show_failures "$dir"
                echo "check: $passed passed, $failed failed, $skipped skipped"
                return 1
        fi
}

run_check default
step "default: make distcheck"
make -C "$build_root/default" -j"$jobs" distcheck >"$build_root/distcheck.log" 2>&1 || {
        tail -n 100 "$build_root/distcheck.log"; exit 1; }
echo "distcheck passed"

run_check asan --enable-asan

step "fuzzers (${fuzz_seconds}s each, ASan+UBSan)"
make -C "$build_root/asan" fuzz-run FUZZ_SECONDS="$fuzz_seconds"

step "all test stages passed"
# The test suites of both builds, counted once each (distcheck and the fuzzers are extra stages).
echo "check: $passed passed, $failed failed, $skipped skipped"
