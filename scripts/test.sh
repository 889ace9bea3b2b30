#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test:
#   1. native unit tests (doctest, through CTest)
#   2. the same core/store/analytics/app tests compiled with Emscripten, under Node (CTest)
#   3. browser tests (tests/e2e/, playwright-core driving Debian's Chromium)
# Ends with one line "N passed, N failed" summing all suites; exits non-zero on any failure.
# Logs: build/test-logs/. Screenshots: build/e2e/screenshots/.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
LOGS="$ROOT/build/test-logs"
mkdir -p "$LOGS"
passed=0
failed=0

note() { printf '\n== %s\n' "$*"; }

# Adds the doctest totals found in a CTest log; a test binary that died before printing
# its totals counts as one failure.
count_ctest_log() {
  local log=$1 expected=$2 p f seen=0
  while IFS= read -r line; do
    p=$(sed -E 's/.*\| *([0-9]+) passed.*/\1/' <<<"$line")
    f=$(sed -E 's/.*\| *([0-9]+) failed.*/\1/' <<<"$line")
    passed=$((passed + p)); failed=$((failed + f)); seen=$((seen + 1))
  done < <(grep -E '\[doctest\] test cases:' "$log")
  if (( seen < expected )); then failed=$((failed + expected - seen)); fi
}

run_ctest_suite() {  # name build-dir
  local name=$1 dir=$2 log="$LOGS/$1.log" expected
  ctest --test-dir "$dir" --output-on-failure -V >"$log" 2>&1
  local rc=$?
  expected=$(ctest --test-dir "$dir" -N 2>/dev/null | sed -nE 's/^Total Tests: ([0-9]+)/\1/p')
  count_ctest_log "$log" "${expected:-1}"
  grep -E '\[doctest\] test cases:|tests passed|Failed|ERROR' "$log" | sed "s/^/  [$name] /" | head -40
  return $rc
}

if ! run_setup; then echo "0 passed, 1 failed"; exit 1; fi

note "native build and unit tests"
configure_native
if cmake --build build/native -j"$JOBS" >"$LOGS/native-build.log" 2>&1; then
  run_ctest_suite native build/native
else
  tail -30 "$LOGS/native-build.log"; failed=$((failed + 1))
fi

note "wasm build and unit tests under Node"
configure_web
if cmake --build build/web -j"$JOBS" >"$LOGS/web-build.log" 2>&1; then
  run_ctest_suite wasm build/web
else
  tail -30 "$LOGS/web-build.log"; failed=$((failed + 1))
fi

note "browser tests"
if RAPPORT_SKIP_SETUP=1 "$ROOT/scripts/build.sh" >"$LOGS/dist-build.log" 2>&1; then
  node --test --test-reporter=tap --test-concurrency=1 tests/e2e/ >"$LOGS/e2e.log" 2>&1
  e2e_pass=$(sed -nE 's/^# pass ([0-9]+)/\1/p' "$LOGS/e2e.log" | tail -1)
  e2e_fail=$(sed -nE 's/^# fail ([0-9]+)/\1/p' "$LOGS/e2e.log" | tail -1)
  grep -E '^(not )?ok |^# (pass|fail)' "$LOGS/e2e.log" | sed 's/^/  [e2e] /'
  if [[ -z "$e2e_pass" ]]; then tail -30 "$LOGS/e2e.log"; e2e_fail=$(( ${e2e_fail:-0} + 1 )); fi
  passed=$((passed + ${e2e_pass:-0})); failed=$((failed + ${e2e_fail:-0}))
  # Figures the browser tests measured (TAP shows their console lines as comments).
  sed -nE 's/^# (\\# )?figure /  figure: /p' "$LOGS/e2e.log"
else
  tail -30 "$LOGS/dist-build.log"; failed=$((failed + 1))
fi

echo
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
