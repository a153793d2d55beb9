#!/usr/bin/env bash
# The one test runner `make test` calls once everything is built. In order:
#   1. every cmocka unit test binary under build/asan/tests/ (TAP output)
#   2. the API suites (tests/api/) against build/linli
#   3. the API suites again against build/linli-asan (ASan + UBSan)
#   4. the API suites again on PostgreSQL (a throw-away cluster, tests/lib/pg.sh)
#   5. the browser suites (tests/e2e/), if there are any
# Each suite's output is printed as it runs; the last line is exactly
# "N passed, N failed". Exit status 1 if anything failed or a suite could not
# run at all, else 0.
#
# Environment:
#   LINLI_SUITE_TIMEOUT   seconds one node suite may take (default 1200)
#   LINLI_ONLY            run only suites whose name contains this string
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
ROOT=$PWD
SUITE_TIMEOUT=${LINLI_SUITE_TIMEOUT:-1200}

TOTAL_PASS=0
TOTAL_FAIL=0
SUMMARY=()

if [[ -t 1 ]]; then BOLD=$'\e[1m' RED=$'\e[31m' GREEN=$'\e[32m' RESET=$'\e[0m'
else BOLD='' RED='' GREEN='' RESET=''; fi

banner() { printf '\n%s==== %s ====%s\n' "$BOLD" "$1" "$RESET"; }

# record NAME PASSED FAILED [NOTE]
record() {
  local name=$1 pass=$2 fail=$3 note=${4:-}
  TOTAL_PASS=$((TOTAL_PASS + pass))
  TOTAL_FAIL=$((TOTAL_FAIL + fail))
  local line
  line=$(printf '%-28s %5d passed %5d failed' "$name" "$pass" "$fail")
  [[ -n $note ]] && line+="  ($note)"
  SUMMARY+=("$line")
  if ((fail > 0)); then printf '%s-- %s%s\n' "$RED" "$line" "$RESET"
  else printf '%s-- %s%s\n' "$GREEN" "$line" "$RESET"; fi
}

selected() { [[ -z ${LINLI_ONLY:-} || $1 == *"$LINLI_ONLY"* ]]; }

# The last "# NAME N" summary line of node's TAP reporter, or empty.
tap_count() { grep -E "^# $1 [0-9]+\$" "$2" | tail -n 1 | awk '{print $3}'; }

# run_unit_tests NAME SUBDIR [VAR=VALUE ...]: each cmocka binary under
# build/asan/tests/SUBDIR (TAP on stdout) with the given environment.
# "not ok … # SKIP" lines are skipped tests (cmocka's way of printing them):
# counted neither as passed nor as failed.
run_unit_tests() {
  local name=$1 sub=$2; shift 2
  selected "$name" || return 0
  banner "$name (cmocka, ASan+UBSan${*:+; $*})"
  local pass=0 fail=0 skipped=0 notes=() src bin out rc ok notok skip plan
  # tests/unit/DIR/test_x.c builds to build/asan/tests/DIR/test_x (see the
  # Makefile); a test source without its binary could not run: a failure
  while IFS= read -r src; do
    bin=build/asan/tests/${src#tests/unit/}; bin=${bin%.c}
    if [[ ! -x $bin ]]; then
      echo "not ok - $bin missing (was \`make unit\` run?)"
      fail=$((fail + 1)); notes+=("${bin#build/asan/tests/} missing")
    fi
  done < <(find "tests/unit/$sub" -name 'test_*.c' 2>/dev/null | sort)
  local bins=()
  while IFS= read -r bin; do bins+=("$bin"); done < <(
    find "build/asan/tests/$sub" -type f -perm -u+x -name 'test_*' ! -name '*.*' 2>/dev/null | sort)
  if ((${#bins[@]} == 0)); then
    echo "(no unit test binaries under build/asan/tests/)"
  fi
  out=$(mktemp)
  for bin in "${bins[@]}"; do
    echo "# $bin"
    env CMOCKA_MESSAGE_OUTPUT=tap \
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$@" \
      timeout -k 10 "$SUITE_TIMEOUT" "$bin" >"$out" 2>&1
    rc=$?
    cat "$out"
    ok=$(grep -cE '^ok( |$)' "$out")
    skip=$(grep -E '^not ok( |$)' "$out" | grep -cE '# SKIP')
    notok=$(( $(grep -cE '^not ok( |$)' "$out") - skip ))
    skipped=$((skipped + skip))
    plan=$(grep -oE '^1\.\.[0-9]+' "$out" | head -n 1 | cut -d. -f3)
    pass=$((pass + ok))
    fail=$((fail + notok))
    # results the plan promised but never printed: the binary died part way
    if [[ -n $plan ]] && ((ok + notok + skip < plan)); then
      fail=$((fail + plan - ok - notok - skip)); notes+=("${bin#build/asan/tests/}: $((plan - ok - notok - skip)) missing results")
    fi
    if ((rc != 0 && notok == 0)) && [[ -z $plan || $((ok + notok + skip)) -ge $plan ]]; then
      fail=$((fail + 1)); notes+=("${bin#build/asan/tests/} exited $rc")
    fi
    if ((ok + notok + skip == 0 && rc == 0)); then
      fail=$((fail + 1)); notes+=("${bin#build/asan/tests/} printed no TAP results")
    fi
  done
  rm -f "$out"
  ((skipped > 0)) && notes+=("$skipped skipped")
  local IFS=';'
  record "$name" "$pass" "$fail" "${notes[*]:-}"
}

# run_node_suite NAME DIR [VAR=VALUE ...]
# Runs `node --test` on DIR with the TAP reporter and the given environment,
# and records its pass and fail counts. If LINLI_BIN is among the variables,
# that binary must exist. A suite that cannot run, or that exits non-zero
# with no failure counted, counts as one failure.
run_node_suite() {
  local name=$1 dir=$2; shift 2
  selected "$name" || return 0
  banner "$name ($dir${*:+; $*})"
  local kv bin=''
  for kv in "$@"; do [[ $kv == LINLI_BIN=* ]] && bin=${kv#LINLI_BIN=}; done
  if [[ -n $bin && ! -x $bin ]]; then
    echo "not ok - $bin is missing or not executable"
    record "$name" 0 1 "$bin missing"; return
  fi
  if ! command -v node >/dev/null; then
    record "$name" 0 1 "node not found"; return
  fi
  if ! has_node_tests "$dir"; then
    echo "not ok - no test files under $dir"
    record "$name" 0 1 "no tests"; return
  fi
  local out rc pass fail cancelled
  out=$(mktemp)
  env "$@" timeout -k 10 "$SUITE_TIMEOUT" node --test --test-reporter=tap "$dir" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  pass=$(tap_count pass "$out"); fail=$(tap_count fail "$out"); cancelled=$(tap_count cancelled "$out")
  rm -f "$out"
  local note=''
  if [[ -z $pass || -z $fail ]]; then
    record "$name" "${pass:-0}" "$(( ${fail:-0} + 1 ))" "no TAP summary, exit $rc"; return
  fi
  fail=$((fail + ${cancelled:-0}))
  [[ ${cancelled:-0} != 0 ]] && note="$cancelled cancelled"
  if ((rc == 124 || rc == 137)); then fail=$((fail + 1)); note="timed out after ${SUITE_TIMEOUT}s"
  elif ((rc != 0 && fail == 0)); then fail=1; note="node exited $rc"; fi
  record "$name" "$pass" "$fail" "$note"
}

# Test files as node --test finds them in a directory.
has_node_tests() {
  [[ -d $1 ]] && [[ -n $(find "$1" -path '*/node_modules' -prune -o -type f \
    \( -name '*.test.mjs' -o -name '*.test.js' -o -name '*.test.cjs' \
       -o -name '*-test.mjs' -o -name '*_test.mjs' -o -name 'test-*.mjs' -o -name 'test.mjs' \) -print -quit) ]]
}

# run_pg_suite: the store unit tests and the API suites once more, on a
# throw-away PostgreSQL cluster from tests/lib/pg.sh; every store fixture and
# every server gets a fresh database (LINLI_TEST_PG is the cluster URL
# without a database name).
PG_DIR=''
stop_pg() { [[ -n $PG_DIR ]] && tests/lib/pg.sh stop "$PG_DIR"; PG_DIR=''; }
trap stop_pg EXIT
run_pg_suite() {
  local name=pg
  selected unit-pg || selected api-pg || return 0
  local started
  if ! started=$(tests/lib/pg.sh start 2>&1); then
    banner "$name"; echo "$started"; echo "not ok - could not start a PostgreSQL cluster"
    record "$name" 0 1 "no PostgreSQL cluster"; return
  fi
  local url
  read -r PG_DIR url <<<"$started"
  run_unit_tests unit-pg '' LINLI_TEST_PG="${url%/postgres}"
  run_node_suite api-pg tests/api/ LINLI_BIN="$ROOT/build/linli" LINLI_TEST_PG="${url%/postgres}"
  stop_pg
}

run_e2e() {
  local name=e2e dir=tests/e2e
  selected "$name" || return 0
  has_node_tests "$dir" || { banner "$name"; echo "(no browser tests under $dir)"; return 0; }
  if [[ ! -x /usr/bin/chromium ]]; then
    banner "$name"; echo "not ok - /usr/bin/chromium missing"
    record "$name" 0 1 "chromium missing"; return
  fi
  if [[ ! -d node_modules/playwright-core ]]; then
    banner "$name"; echo "not ok - node_modules/playwright-core missing (npm ci)"
    record "$name" 0 1 "playwright-core missing"; return
  fi
  run_node_suite "$name" "$dir" LINLI_BIN="$ROOT/build/linli"
}

run_unit_tests unit ''
run_node_suite api tests/api/ LINLI_BIN="$ROOT/build/linli"
run_node_suite api-asan tests/api/ LINLI_BIN="$ROOT/build/linli-asan" \
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_pg_suite
run_e2e

banner summary
for line in "${SUMMARY[@]}"; do echo "$line"; done
echo "$TOTAL_PASS passed, $TOTAL_FAIL failed"
((TOTAL_FAIL == 0))
